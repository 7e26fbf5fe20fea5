//! `otinish init`: data directory, store, certificate and first admin, without serving.
#![allow(clippy::print_stdout)]

use anyhow::Context;

use super::{load_config, open_ctx};
use crate::cli::StoreArgs;
use crate::service::auth;
use crate::web::tls;

pub(super) fn run(args: &StoreArgs) -> anyhow::Result<()> {
    let config = load_config(args)?;
    let ctx = open_ctx(&config)?;
    let configured = config
        .tls_files
        .as_ref()
        .map(|(c, k)| (c.as_path(), k.as_path()));
    let (_, generated) =
        tls::load_or_generate(&config.data_dir, configured, &config.host_names, ctx.now())
            .context("preparing the TLS certificate")?;
    println!("data directory: {}", config.data_dir.display());
    if generated {
        println!(
            "self-signed certificate written to {}",
            config.data_dir.join("tls").display()
        );
    }
    match auth::ensure_first_admin(&ctx)? {
        Some((login, password)) => {
            println!(
                "first admin created: login `{login}`, one-time password `{password}` (change it at first sign-in)"
            );
        }
        None => println!("staff accounts already exist; no admin created"),
    }
    Ok(())
}
