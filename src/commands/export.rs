//! `otinish export`: every record in a documented, versioned format.

use crate::cli::ExportArgs;

pub(super) fn run(_args: &ExportArgs) -> anyhow::Result<()> {
    anyhow::bail!("`export` is not available yet")
}
