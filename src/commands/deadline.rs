//! `otinish deadline`: the registration date and deadline the appliance would set.

use crate::cli::DeadlineArgs;

pub(super) fn run(_args: &DeadlineArgs) -> anyhow::Result<()> {
    anyhow::bail!("`deadline` is not available yet")
}
