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
    let (material, _) =
        tls::load_or_generate(&config.data_dir, configured, &config.host_names, ctx.now())
            .context("preparing the TLS certificate")?;
    let (tls_config, live) =
        tls::live_server_config(&material).context("loading the TLS certificate")?;
    let listener =
        TcpListener::bind(config.bind).with_context(|| format!("binding {}", config.bind))?;
    // A configured certificate is the admin's to renew; the one under the data directory is
    // checked daily (`tls::renew_if_due` leaves alone any it did not generate).
    let renewal = configured.is_none().then(|| Renewal {
        data_dir: config.data_dir.clone(),
        host_names: config.host_names.clone(),
        live,
    });
    let worker = start_housekeeping(
        ctx.clone(),
        config.backups.clone(),
        Gateways::from_config(config),
        renewal,
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

/// Where the generated certificate lives and the server that presents it.
struct Renewal {
    data_dir: std::path::PathBuf,
    host_names: Vec<String>,
    live: Arc<tls::LiveCertificate>,
}

impl Renewal {
    /// Renews the generated certificate when it is due and hands it to the running server.
    fn check(&self, now: jiff::Timestamp) {
        match tls::renew_if_due(&self.data_dir, &self.host_names, now) {
            Ok(None) => {}
            Ok(Some(material)) => match self.live.replace(&material) {
                Ok(()) => log::info!("the server now presents the renewed certificate"),
                Err(err) => log::error!("presenting the renewed certificate: {err}"),
            },
            Err(err) => log::error!("renewing the self-signed certificate: {err}"),
        }
    }
}

/// The background thread that delivers queued notices, sends e-mail and SMS through the
/// gateways, queues deadline reminders, drops expired files held for refused forms, takes the
/// daily backup and renews the generated certificate before it ends.
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
    renewal: Option<Renewal>,
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
                // Ended sessions are removed every ten minutes, so the table holds live ones.
                if ticks.is_multiple_of(600) {
                    match auth::sweep_expired_sessions(&ctx) {
                        Ok(0) => {}
                        Ok(n) => log::info!("removed {n} ended sessions"),
                        Err(err) => log::error!("sweeping ended sessions: {err}"),
                    }
                }
                // The daily backup, checked every minute.
                if ticks.is_multiple_of(60)
                    && let Err(err) = backups::take_if_due(&ctx, &backup_policy)
                {
                    log::error!("daily backup to {}: {err}", backup_policy.folder.display());
                }
                // The generated certificate, checked daily (renewed 30 days before its end).
                if ticks.is_multiple_of(86_400)
                    && let Some(renewal) = &renewal
                {
                    renewal.check(ctx.now());
                }
                ticks += 1;
                std::thread::sleep(Duration::from_secs(1));
            }
        })
        .ok();
    Housekeeping { stop, thread }
}
