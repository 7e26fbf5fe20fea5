//! `otinish backup create|verify`: consistent copies of the store.

use crate::cli::BackupCommand;

pub(super) fn run(_args: BackupCommand) -> anyhow::Result<()> {
    anyhow::bail!("`backup` is not available yet")
}
