//! The command line, as clap types only. Doc comments become `--help`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Otinish: a self-contained appeals desk (өтініштер / обращения) for one institution.
///
/// Exit codes: 0 success, 1 error, 2 usage error.
#[derive(Debug, Parser)]
#[command(name = "otinish", version, about, long_about = None)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the appeals desk over HTTPS (creates the store, certificate and first admin on first start).
    Serve(ServeArgs),
    /// Create the data directory, store, certificate and first admin without serving.
    Init(StoreArgs),
    /// Serve a fresh temporary store seeded with a believable institution and appeals.
    Demo(DemoArgs),
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Validate a configuration file without serving.
    CheckConfig(StoreArgs),
}

/// Where the store and configuration are.
#[derive(Debug, Clone, Args, Default)]
pub struct StoreArgs {
    /// Configuration file (TOML); without it the embedded defaults apply.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Data directory (overrides `data_dir` of the configuration).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// Options of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Store and configuration.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address and port to listen on (overrides `bind`; port 0 picks a free port).
    #[arg(long, value_name = "ADDR:PORT")]
    pub bind: Option<SocketAddr>,
}

/// Options of `demo`.
#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Address and port to listen on (port 0 picks a free port).
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8443")]
    pub bind: SocketAddr,
    /// How many appeals to seed.
    #[arg(long, default_value_t = 40)]
    pub appeals: u32,
    /// Keep the demo store in this directory instead of a temporary one.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// Staff account commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a staff account; prints a one-time password to change at first sign-in.
    Add(UserAddArgs),
}

/// Options of `user add`.
#[derive(Debug, Clone, Args)]
pub struct UserAddArgs {
    /// Store and configuration.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Sign-in name (3-32 of a-z 0-9 . _ -).
    #[arg(long)]
    pub login: String,
    /// Full name.
    #[arg(long)]
    pub name: String,
    /// Roles (repeat or separate with commas).
    #[arg(long, value_enum, value_delimiter = ',', required = true)]
    pub role: Vec<RoleArg>,
}

/// A staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Registers and routes appeals.
    Clerk,
    /// Prepares answers.
    Executor,
    /// Signs answers, decides extensions and complaints.
    Director,
    /// Runs the installation.
    Admin,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
