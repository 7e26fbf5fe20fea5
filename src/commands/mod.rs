//! One file per subcommand. Commands load the configuration, open the store and call the
//! same service functions as the web door; they are the only code that prints to stdout.

mod backup;
mod check;
mod check_config;
mod deadline;
mod demo;
mod export;
mod import;
mod init;
mod report;
mod restore;
mod serve;
mod tls;
mod user;

use std::path::Path;

use anyhow::Context;

use crate::cli::{Cli, Command, ServeArgs, StoreArgs};
use crate::clock::Clock;
use crate::config::Config;
use crate::service::{Ctx, Rules};
use crate::store::{self, Store};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs {
        store: StoreArgs::default(),
        bind: None,
    })) {
        Command::Serve(args) => serve::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::User(cmd) => user::run(cmd),
        Command::CheckConfig(args) => check_config::run(&args),
        Command::Deadline(args) => deadline::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Backup(cmd) => backup::run(cmd),
        Command::Restore(args) => restore::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Import(args) => import::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Tls(cmd) => tls::run(cmd),
    }
}

/// The configuration a command runs with: the file if given, else the defaults, then
/// command-line overrides.
fn load_config(args: &StoreArgs) -> anyhow::Result<Config> {
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    Ok(match &args.data_dir {
        Some(dir) => config.with_data_dir(dir.clone()),
        None => config,
    })
}

/// Creates the data directory if needed and opens the store in it.
fn open_store(data_dir: &Path) -> anyhow::Result<Store> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating data directory {}", data_dir.display()))?;
    let path = data_dir.join(store::FILE_NAME);
    Store::open(&path).with_context(|| format!("opening store at {}", path.display()))
}

/// The use-case context over the configured store, on the system clock.
fn open_ctx(config: &Config) -> anyhow::Result<Ctx> {
    Ok(Ctx::new(
        open_store(&config.data_dir)?,
        Clock::system(),
        Rules::from_config(config),
    ))
}
