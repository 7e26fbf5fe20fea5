//! `otinish restore`: replace the store with a backup copy.

use crate::cli::RestoreArgs;

pub(super) fn run(_args: &RestoreArgs) -> anyhow::Result<()> {
    anyhow::bail!("`restore` is not available yet")
}
