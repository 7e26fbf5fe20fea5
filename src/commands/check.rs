//! `otinish check`: integrity of the store.
#![allow(clippy::print_stdout)]

use anyhow::Context;

use super::load_config;
use crate::cli::StoreArgs;
use crate::store::{self, IntegrityReport, StoreFile};

pub(super) fn run(args: &StoreArgs) -> anyhow::Result<()> {
    let config = load_config(args)?;
    let path = config.data_dir.join(store::FILE_NAME);
    let report = StoreFile::open_live(&path)
        .and_then(|file| file.read(|tx| tx.check_integrity()))
        .with_context(|| format!("checking the store at {}", path.display()))?;
    print_report(&report);
    healthy(&report, &format!("the store at {}", path.display()))
}

/// Prints the schema version, the entries per table and every problem found.
pub(super) fn print_report(report: &IntegrityReport) {
    match (report.migrated_from, report.schema_version) {
        (Some(old), Some(version)) => println!(
            "schema version {old} (checked after migrating a scratch copy to {version}, as the next start would)"
        ),
        (None, Some(version)) => println!("schema version {version}"),
        (_, None) => println!("schema version: none recorded"),
    }
    for (table, entries) in &report.tables {
        println!("  {table:<20} {entries:>10}");
    }
    for problem in &report.problems {
        println!("problem: {problem}");
    }
}

/// `Ok` for a report without problems, else an error naming the first one.
pub(super) fn healthy(report: &IntegrityReport, what: &str) -> anyhow::Result<()> {
    match report.problems.first() {
        None => {
            println!("{what} is sound");
            Ok(())
        }
        Some(first) => anyhow::bail!(
            "{what} fails its check: {} problem(s); the first: {first}",
            report.problems.len()
        ),
    }
}
