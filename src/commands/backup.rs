//! `otinish backup create|verify`: consistent copies of the store.
#![allow(clippy::print_stdout)]

use std::time::Instant;

use anyhow::Context;

use super::check::{healthy, print_report};
use super::load_config;
use crate::cli::{BackupCommand, BackupCreateArgs, BackupVerifyArgs};
use crate::store::{self, StoreFile};

pub(super) fn run(command: BackupCommand) -> anyhow::Result<()> {
    match command {
        BackupCommand::Create(args) => create(&args),
        BackupCommand::Verify(args) => verify(&args),
    }
}

fn create(args: &BackupCreateArgs) -> anyhow::Result<()> {
    let config = load_config(&args.store)?;
    let source = config.data_dir.join(store::FILE_NAME);
    let started = Instant::now();
    let file = StoreFile::open_live(&source)
        .with_context(|| format!("opening the store at {}", source.display()))?;
    let summary = file
        .read(|tx| tx.copy_to(&args.file))
        .with_context(|| format!("writing the copy {}", args.file.display()))?;
    println!(
        "copy of {} written to {} ({} bytes in {} ms)",
        source.display(),
        args.file.display(),
        summary.bytes,
        started.elapsed().as_millis()
    );
    for (table, entries) in &summary.tables {
        println!("  {table:<20} {entries:>10}");
    }
    Ok(())
}

fn verify(args: &BackupVerifyArgs) -> anyhow::Result<()> {
    let report = store::verify_copy(&args.file)
        .with_context(|| format!("verifying the copy {}", args.file.display()))?;
    print_report(&report);
    healthy(&report, &format!("the copy {}", args.file.display()))
}
