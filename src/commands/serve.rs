//! `otinish serve`: the appliance on its configuration.
#![allow(clippy::print_stdout)]

use std::io::Write;
use std::net::TcpListener;
use std::sync::Arc;

use anyhow::Context;

use super::{load_config, open_ctx};
use crate::cli::ServeArgs;
use crate::config::Config;
use crate::service::{Ctx, auth};
use crate::web::{self, App, tls};

pub(super) fn run(args: &ServeArgs) -> anyhow::Result<()> {
    let mut config = load_config(&args.store)?;
    if let Some(bind) = args.bind {
        config.bind = bind;
    }
    crate::logging::init(config.log_level);
    let ctx = open_ctx(&config)?;
    if let Some((login, password)) = auth::ensure_first_admin(&ctx)? {
        println!(
            "first admin created: login `{login}`, one-time password `{password}` (change it at first sign-in)"
        );
    }
    serve(ctx, &config)
}

/// Prepares TLS, binds, prints the listening line and serves until SIGTERM or Ctrl-C.
pub(super) fn serve(ctx: Ctx, config: &Config) -> anyhow::Result<()> {
    let configured = config
        .tls_files
        .as_ref()
        .map(|(c, k)| (c.as_path(), k.as_path()));
    let (material, _) = tls::load_or_generate(&config.data_dir, configured, &config.host_names)
        .context("preparing the TLS certificate")?;
    let tls_config = tls::server_config(&material).context("loading the TLS certificate")?;
    let listener =
        TcpListener::bind(config.bind).with_context(|| format!("binding {}", config.bind))?;
    let app = Arc::new(App::new(ctx, config).map_err(anyhow::Error::msg)?);
    let handle = web::start(app, listener, tls_config, web::limits(config))
        .context("starting the server")?;
    println!("listening on https://{}", handle.addr());
    let _ = std::io::stdout().flush();
    handle.run_until_signal();
    log::info!("stopped");
    Ok(())
}
