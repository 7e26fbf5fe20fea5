//! The one integration-test binary: real HTTPS against a real server on 127.0.0.1:0, and the
//! built binary as a black box. One module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::missing_panics_doc,
    clippy::too_many_lines,
    missing_docs
)]

mod architecture;
mod binary;
mod body_limits;
mod browser;
mod calendar;
mod certificates;
mod codes;
mod complaints;
mod deploy;
mod ecp;
mod faults;
mod journeys;
mod lifecycle;
mod limits;
mod load;
mod malformed;
mod operations;
mod page_reads;
mod pages;
mod passkeys;
mod privacy;
mod report_timing;
mod reports;
mod security;
mod support;
