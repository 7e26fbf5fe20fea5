//! Pure rules of the appeals desk: no input or output, no reading of the time, no framework
//! types.
//!
//! Time, ids and randomness are passed in by the caller. Nothing here may import the database,
//! HTTP or HTML crates, the file system, the network or another layer of the crate
//! (`tests/it/architecture.rs` checks it).

pub mod appeal;
pub mod calendar;
pub mod deadline;
pub mod field;
pub mod file_bytes;
pub mod file_type;
pub mod institution;
pub mod kind;
pub mod lang;
pub mod lifecycle;
pub mod notice;
pub mod privacy;
pub mod queue;
pub mod registration_number;
pub mod report;
pub mod routing;
pub mod security;
pub mod tax_id;
pub mod user;
