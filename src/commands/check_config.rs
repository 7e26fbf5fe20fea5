//! `otinish check-config`: validate a configuration without serving.
#![allow(clippy::print_stdout)]

use super::load_config;
use crate::cli::StoreArgs;

pub(super) fn run(args: &StoreArgs) -> anyhow::Result<()> {
    let config = load_config(args)?;
    println!(
        "configuration is valid: serving https://{} from {}",
        config.bind,
        config.data_dir.display()
    );
    Ok(())
}
