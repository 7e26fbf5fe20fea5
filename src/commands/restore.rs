//! `otinish restore`: replace the store with a backup copy.
#![allow(clippy::print_stdout)]

use anyhow::Context;

use super::check::print_report;
use super::load_config;
use crate::cli::RestoreArgs;
use crate::store;

pub(super) fn run(args: &RestoreArgs) -> anyhow::Result<()> {
    let config = load_config(&args.store)?;
    let target = config.data_dir.join(store::FILE_NAME);
    if !args.overwrite {
        anyhow::bail!(
            "refusing to restore without --overwrite: the store at {} would be replaced by {}, \
             and everything written since that copy was taken would be lost",
            target.display(),
            args.file.display()
        );
    }
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating data directory {}", config.data_dir.display()))?;
    let report = store::restore(&args.file, &target).with_context(|| {
        format!(
            "restoring {} over {}",
            args.file.display(),
            target.display()
        )
    })?;
    print_report(&report);
    println!("restored {} into {}", args.file.display(), target.display());
    Ok(())
}
