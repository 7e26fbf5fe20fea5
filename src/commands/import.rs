//! `otinish import`: load an export into an empty store.
#![allow(clippy::print_stdout)]

use anyhow::Context;

use super::check::{healthy, print_report};
use super::{load_config, open_store};
use crate::cli::ImportArgs;
use crate::store;

pub(super) fn run(args: &ImportArgs) -> anyhow::Result<()> {
    let config = load_config(&args.store)?;
    let path = config.data_dir.join(store::FILE_NAME);
    store::read_manifest(&args.dir)
        .with_context(|| format!("reading the export {}", args.dir.display()))?;
    let store = open_store(&config.data_dir)?;
    if store.read(|tx| tx.holds_records())? {
        anyhow::bail!(
            "the store at {} already holds records; import needs an empty store (choose a new --data-dir)",
            path.display()
        );
    }
    let summary = store
        .import_from(&args.dir)
        .with_context(|| format!("importing {} into {}", args.dir.display(), path.display()))?;
    println!("imported {} into {}", args.dir.display(), path.display());
    for (file, lines) in &summary.counts {
        println!("  {file:<20} {lines:>10}");
    }
    if summary.without_password > 0 {
        println!(
            "{} accounts have no password (the export was made without --with-secrets): \
             nobody can sign in to them until one is set; `otinish user add --role admin` \
             creates an account to start from",
            summary.without_password
        );
    }
    let report = store.check().context("checking the imported store")?;
    if !report.is_healthy() {
        print_report(&report);
    }
    healthy(
        &report,
        &format!("the imported store at {}", path.display()),
    )
}
