//! `otinish check`: integrity of the store.

use crate::cli::StoreArgs;

pub(super) fn run(_args: &StoreArgs) -> anyhow::Result<()> {
    anyhow::bail!("`check` is not available yet")
}
