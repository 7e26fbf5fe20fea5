//! `otinish import`: load an export into an empty store.

use crate::cli::ImportArgs;

pub(super) fn run(_args: &ImportArgs) -> anyhow::Result<()> {
    anyhow::bail!("`import` is not available yet")
}
