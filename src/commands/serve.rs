//! `otinish serve`: the appliance on its configuration.
#![allow(clippy::print_stdout)]

use std::io::Write;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;

use super::{load_config, open_ctx};
use crate::cli::ServeArgs;
use crate::config::Config;
use crate::service::gateway::Gateways;
use crate::service::{Ctx, auth, backups, deliveries, notices, pending_uploads};
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
    let worker = start_housekeeping(
        ctx.clone(),
        config.backups.clone(),
        Gateways::from_config(config),
    );
    let app = Arc::new(App::new(ctx, config).map_err(anyhow::Error::msg)?);
    let handle = web::start(app, listener, tls_config, web::limits(config))
        .context("starting the server")?;
    println!("listening on https://{}", handle.addr());
    let _ = std::io::stdout().flush();
    handle.run_until_signal();
    worker.stop();
    log::info!("stopped");
    Ok(())
}

/// The background thread that delivers queued notices, sends e-mail and SMS through the
/// gateways, queues deadline reminders, drops expired files held for refused forms and takes
/// the daily backup.
struct Housekeeping {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Housekeeping {
    fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn start_housekeeping(
    ctx: Ctx,
    backup_policy: crate::config::Backups,
    gateways: Gateways,
) -> Housekeeping {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let thread = std::thread::Builder::new()
        .name("housekeeping".into())
        .spawn(move || {
            let mut ticks: u64 = 0;
            while !flag.load(Ordering::SeqCst) {
                if let Err(err) = notices::deliver(&ctx, 500) {
                    log::error!("delivering notices: {err}");
                }
                if let Err(err) = deliveries::send_due(&ctx, &gateways, 50) {
                    log::error!("sending through the gateways: {err}");
                }
                // Deadline reminders every ten minutes (and at start).
                if ticks.is_multiple_of(600) {
                    match notices::remind(&ctx) {
                        Ok(0) => {}
                        Ok(n) => log::info!("queued {n} deadline reminders"),
                        Err(err) => log::error!("queuing reminders: {err}"),
                    }
                }
                // Files held for refused forms expire after two hours; swept every ten minutes.
                if ticks.is_multiple_of(600) {
                    match pending_uploads::sweep(&ctx) {
                        Ok(0) => {}
                        Ok(n) => log::info!("dropped {n} expired holdings of uploaded files"),
                        Err(err) => log::error!("sweeping held uploads: {err}"),
                    }
                }
                // The daily backup, checked every minute.
                if ticks.is_multiple_of(60)
                    && let Err(err) = backups::take_if_due(&ctx, &backup_policy)
                {
                    log::error!("daily backup to {}: {err}", backup_policy.folder.display());
                }
                ticks += 1;
                std::thread::sleep(Duration::from_secs(1));
            }
        })
        .ok();
    Housekeeping { stop, thread }
}
