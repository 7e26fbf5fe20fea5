//! Otinish: a self-contained appeals desk (өтініштер / обращения) for one public institution.
//!
//! # Codemap
//! - `domain/`: pure rules (appeal state machine, calendar and deadlines, IIN/BIN, numbers).
//!   No IO, no clock, no framework types, no serde; time and ids are parameters.
//! - `store/`: the redb file. Records are `[version][postcard]` of frozen record types
//!   (`store/records/`), never of domain types; one write transaction per use
//!   case, committed durably (concurrent use cases share one: group commit); history is
//!   hash-chained per appeal. Nothing outside knows redb is underneath.
//! - `crypto/`: pure verification of `NCALayer` CMS signatures, passkeys and TOTP codes.
//! - `service/`: use cases. Each one reads, decides through `domain`, writes and commits; it
//!   also decides who may do what.
//! - `web/`: the HTTPS door. `web/server.rs` is the only async code (hyper, tokio, rustls);
//!   handlers are synchronous, views (maud) are pure functions of view models.
//! - `commands/` + `cli.rs`: the command-line door over the same service functions.
//! - `report/`: the report on appeals as HTML, PDF, DOCX, XLSX and CSV, laid out from the
//!   figures of `domain::report::aggregate` (knows the domain and `i18n`, not the store).
//! - `config.rs`, `clock.rs`, `i18n.rs`, `logging.rs`: configuration, the only reader of the
//!   system time, interface texts in Kazakh, Russian and English, log lines.
//!
//! # Invariants
//! - Dependencies point one way: domain ← store ← service ← web/commands (a test checks).
//! - A "done" response is sent only after the write transaction committed.
//! - An appeal's snapshot equals the fold of its events.

pub mod cli;
pub mod clock;
mod commands;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod hex;
pub mod i18n;
pub mod logging;
pub mod report;
pub mod service;
pub mod store;
pub mod web;

/// Runs the program for a parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<()> {
    commands::run(cli)
}
