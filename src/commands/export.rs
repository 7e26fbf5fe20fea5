//! `otinish export`: every record in a documented, versioned format.
#![allow(clippy::print_stdout)]

use anyhow::Context;

use super::load_config;
use crate::cli::{ExportArgs, ExportFormat};
use crate::clock::Clock;
use crate::store::{self, ExportOptions, StoreFile};

pub(super) fn run(args: &ExportArgs) -> anyhow::Result<()> {
    let config = load_config(&args.store)?;
    let path = config.data_dir.join(store::FILE_NAME);
    let ExportFormat::Jsonl = args.format;
    let options = ExportOptions {
        with_secrets: args.with_secrets,
        created_at: Clock::system().now(),
    };
    let manifest = StoreFile::open_live(&path)
        .and_then(|file| file.read(|tx| tx.export_to(&args.dir, &options)))
        .with_context(|| {
            format!(
                "exporting the store at {} to {}",
                path.display(),
                args.dir.display()
            )
        })?;
    println!(
        "exported {} to {} (format {} version {}, schema {}{})",
        path.display(),
        args.dir.display(),
        manifest.format,
        manifest.format_version,
        manifest.schema_version,
        if manifest.with_secrets {
            ", with secrets"
        } else {
            ", without credentials and sessions"
        }
    );
    for (file, lines) in &manifest.counts {
        println!("  {file:<20} {lines:>10}");
    }
    Ok(())
}
