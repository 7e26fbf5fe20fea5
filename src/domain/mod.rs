//! Pure rules of the appeals desk: no IO, no clock, no framework types.
//!
//! Time, ids and randomness are passed in by the caller. Nothing here may import redb, hyper,
//! tokio, maud, `std::fs`, `std::net` or another layer of the crate (checked by a test).

pub mod appeal;
pub mod calendar;
pub mod deadline;
pub mod field;
pub mod file_type;
pub mod institution;
pub mod kind;
pub mod lang;
pub mod lifecycle;
pub mod notice;
pub mod queue;
pub mod registration_number;
pub mod report;
pub mod routing;
pub mod tax_id;
pub mod user;
