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
    /// Print the registration date and deadline the appliance would set for an appeal.
    Deadline(DeadlineArgs),
    /// Check the store: every index entry points to a record and back, every history chain holds.
    Check(StoreArgs),
    /// Consistent copies of the store.
    #[command(subcommand)]
    Backup(BackupCommand),
    /// Replace the store with a backup copy.
    Restore(RestoreArgs),
    /// Write every record to a directory in a documented, versioned format.
    Export(ExportArgs),
    /// Load an export into an empty store.
    Import(ImportArgs),
    /// Write the report on appeals for a period (PDF, DOCX, XLSX, CSV or HTML).
    Report(ReportArgs),
    /// Certificates browsers trust (passkeys need one).
    #[command(subcommand)]
    Tls(TlsCommand),
}

/// Certificate commands.
#[derive(Debug, Subcommand)]
pub enum TlsCommand {
    /// Create a local root CA (once) and issue the server certificate from it.
    ///
    /// Writes `tls/ca.pem` and `tls/ca-key.pem` in the data directory (reused when they exist,
    /// so office PCs install the root only once) and a new `tls/cert.pem` and `tls/key.pem` for
    /// the server. Install `ca.pem` as a trusted root on every office PC, then restart the server.
    Ca(TlsCaArgs),
}

/// Options of `tls ca`.
#[derive(Debug, Clone, Args)]
pub struct TlsCaArgs {
    /// Store and configuration (`data_dir` and `host_names` are read; the store is not opened).
    #[command(flatten)]
    pub store: StoreArgs,
    /// Host name the office PCs use for the server (repeat for several; default: `host_names`
    /// of the configuration). localhost and 127.0.0.1 are always included.
    #[arg(long = "name", value_name = "HOST")]
    pub names: Vec<String>,
    /// Replace the existing root CA with a new one (every office PC must then install the new `ca.pem`).
    #[arg(long)]
    pub force: bool,
}

/// Options of `deadline`.
#[derive(Debug, Clone, Args)]
pub struct DeadlineArgs {
    /// Store and configuration (the store's calendar is used).
    #[command(flatten)]
    pub store: StoreArgs,
    /// Appeal type, by its code (the list below is every type the appliance knows).
    #[arg(
        long = "type",
        value_name = "TYPE",
        value_parser = clap::builder::PossibleValuesParser::new(
            crate::domain::kind::AppealKind::ALL.iter().map(|k| k.code())
        )
    )]
    pub kind: String,
    /// When the appeal was received, local time: "YYYY-MM-DD HH:MM".
    #[arg(long, value_name = "YYYY-MM-DD HH:MM")]
    pub received: String,
}

/// Backup commands.
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Write a consistent copy of the store to FILE while the server may keep running.
    Create(BackupCreateArgs),
    /// Open a copy read-only and check it (schema, records, history chains).
    Verify(BackupVerifyArgs),
}

/// Options of `backup create`.
#[derive(Debug, Clone, Args)]
pub struct BackupCreateArgs {
    /// Store and configuration.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Where to write the copy.
    #[arg(value_name = "FILE")]
    pub file: std::path::PathBuf,
}

/// Options of `backup verify`.
#[derive(Debug, Clone, Args)]
pub struct BackupVerifyArgs {
    /// The copy to check.
    #[arg(value_name = "FILE")]
    pub file: std::path::PathBuf,
}

/// Options of `restore`.
#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// Store and configuration.
    #[command(flatten)]
    pub store: StoreArgs,
    /// The backup copy to restore.
    #[arg(value_name = "FILE")]
    pub file: std::path::PathBuf,
    /// Replace the existing store (required: restoring destroys the current data).
    #[arg(long)]
    pub overwrite: bool,
}

/// Options of `export`.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// Store and configuration.
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ExportFormat,
    /// Include password hashes and other secrets.
    #[arg(long)]
    pub with_secrets: bool,
    /// Directory to write (created; must be empty).
    #[arg(value_name = "DIR")]
    pub dir: std::path::PathBuf,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per line, one file per record kind, attachments as files.
    Jsonl,
}

/// Options of `report`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// Store and configuration.
    #[command(flatten)]
    pub store: StoreArgs,
    /// First day of the period, YYYY-MM-DD or DD.MM.YYYY (default: 1 January this year).
    #[arg(long, value_name = "DAY", default_value = "")]
    pub from: String,
    /// Last day of the period, included (default: 31 December this year).
    #[arg(long, value_name = "DAY", default_value = "")]
    pub to: String,
    /// Language of the report.
    #[arg(long, value_enum, default_value = "kk")]
    pub lang: ReportLang,
    /// Format of the file.
    #[arg(long, value_enum, default_value = "pdf")]
    pub format: ReportFormat,
    /// For CSV: one table only (intake, kinds, results, timeliness, complaints, categories,
    /// units, executors, ratings); without it every table goes into a zip.
    #[arg(long, value_name = "ID")]
    pub table: Option<String>,
    /// Where to write the file.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: std::path::PathBuf,
}

/// Report languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportLang {
    /// Kazakh.
    Kk,
    /// Russian.
    Ru,
    /// English.
    En,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// PDF, A4.
    Pdf,
    /// Word document.
    Docx,
    /// Spreadsheet, one sheet per table.
    Xlsx,
    /// CSV tables in a zip (or one table with --table).
    Csv,
    /// A standalone HTML page with charts.
    Html,
}

/// Options of `import`.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// Store and configuration (the store must be empty).
    #[command(flatten)]
    pub store: StoreArgs,
    /// A directory written by `export`.
    #[arg(value_name = "DIR")]
    pub dir: std::path::PathBuf,
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
    /// Seed the store, print the demo accounts and exit without serving (with `--data-dir`,
    /// to serve it later with `otinish serve`).
    #[arg(long)]
    pub seed_only: bool,
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
    /// A deputy head or the head of the apparatus: may extend deadlines (art. 76 ч.3).
    Deputy,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    /// See: issue 11 (`deadline --help` left out info-request).
    #[test]
    fn deadline_help_lists_every_appeal_type() {
        let mut command = Cli::command();
        let help = command
            .find_subcommand_mut("deadline")
            .unwrap()
            .render_long_help()
            .to_string();
        for kind in crate::domain::kind::AppealKind::ALL {
            assert!(
                help.contains(kind.code()),
                "{} missing from:\n{help}",
                kind.code()
            );
        }
    }
}
