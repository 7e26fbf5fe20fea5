//! Configuration: the strict TOML schema (`RawConfig`) and the validated [`Config`].
//!
//! `Config::from_toml` is pure; `Config::load` does the reading. Unknown keys and bad values
//! are refused with a message naming the key. `config.example.toml` documents every key and is
//! parsed by a test, so it cannot drift from this file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::civil::Time;
use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::domain::deadline::CountingRule;
use crate::i18n::Lang;

/// The documented example, also the template `init` writes next to the store.
pub const EXAMPLE: &str = include_str!("../config.example.toml");

/// A configuration problem, naming the key or file at fault.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// TOML syntax or schema error (unknown key, wrong type); toml's message names the key.
    #[error("config: {0}")]
    Parse(String),
    /// A value of the right type that is not acceptable.
    #[error("config key `{key}`: {message}")]
    Value {
        /// Dotted key.
        key: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

/// The file as written: every key optional, defaults filled in by serde.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawConfig {
    data_dir: PathBuf,
    bind: String,
    default_language: String,
    host_names: Vec<String>,
    log_level: String,
    tls: RawTls,
    appeals: RawAppeals,
    limits: RawLimits,
    backups: RawBackups,
    smtp: RawSmtp,
    sms: RawSms,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawSmtp {
    host: String,
    port: u16,
    security: String,
    username: String,
    password: String,
    from: String,
    ca_file: String,
    timeout_secs: u64,
}

impl Default for RawSmtp {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 587,
            security: "starttls".to_owned(),
            username: String::new(),
            password: String::new(),
            from: String::new(),
            ca_file: String::new(),
            timeout_secs: 15,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawSms {
    url: String,
    method: String,
    headers: Vec<String>,
    body: String,
    timeout_secs: u64,
}

impl Default for RawSms {
    fn default() -> Self {
        Self {
            url: String::new(),
            method: "post".to_owned(),
            headers: Vec::new(),
            body: String::new(),
            timeout_secs: 10,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawBackups {
    folder: String,
    keep: usize,
    at: String,
}

impl Default for RawBackups {
    fn default() -> Self {
        Self {
            folder: String::new(),
            keep: 7,
            at: "02:00".to_owned(),
        }
    }
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct RawTls {
    cert_file: String,
    key_file: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawAppeals {
    close_of_business: String,
    time_zone: String,
    counting_rule: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawLimits {
    max_connections: usize,
    header_read_timeout_secs: u64,
    body_read_timeout_secs: u64,
    max_attachment_mib: usize,
    max_attachments: usize,
    session_hours: u32,
}

impl Default for RawConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./otinish-data"),
            bind: "127.0.0.1:8443".to_owned(),
            default_language: "kk".to_owned(),
            host_names: Vec::new(),
            log_level: "info".to_owned(),
            tls: RawTls::default(),
            appeals: RawAppeals::default(),
            limits: RawLimits::default(),
            backups: RawBackups::default(),
            smtp: RawSmtp::default(),
            sms: RawSms::default(),
        }
    }
}

impl Default for RawAppeals {
    fn default() -> Self {
        Self {
            close_of_business: "18:30".to_owned(),
            time_zone: "+05:00".to_owned(),
            counting_rule: "from-next-day".to_owned(),
        }
    }
}

impl Default for RawLimits {
    fn default() -> Self {
        Self {
            max_connections: 256,
            header_read_timeout_secs: 15,
            body_read_timeout_secs: 60,
            max_attachment_mib: 10,
            max_attachments: 10,
            session_hours: 12,
        }
    }
}

/// Validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Directory of the store, certificate and backups.
    pub data_dir: PathBuf,
    /// Listener address (port 0 picks a free port).
    pub bind: SocketAddr,
    /// Interface language for visitors who have not chosen one.
    pub default_language: Lang,
    /// Extra DNS names for the self-signed certificate and accepted `Origin`s.
    pub host_names: Vec<String>,
    /// Minimum log level.
    pub log_level: log::LevelFilter,
    /// Configured certificate and key, when the admin supplies their own.
    pub tls_files: Option<(PathBuf, PathBuf)>,
    /// Appeals received at or after this local time register on the next working day.
    pub close_of_business: Time,
    /// The institution's time zone (Kazakhstan: UTC+5).
    pub time_zone: TimeZone,
    /// How statutory terms are counted.
    pub counting_rule: CountingRule,
    /// Size, count and time limits.
    pub limits: Limits,
    /// Automatic daily backups.
    pub backups: Backups,
    /// The e-mail gateway, if configured.
    pub smtp: Option<Smtp>,
    /// The SMS gateway, if configured.
    pub sms: Option<Sms>,
}

/// How a connection to the mail server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain text (a relay on the same machine or a test server only).
    None,
    /// STARTTLS on the submission port.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// The SMTP server that sends e-mail (codes and notifications).
#[derive(Clone, PartialEq, Eq)]
pub struct Smtp {
    /// Host name or address.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Protection.
    pub security: SmtpSecurity,
    /// Login, if the server wants one.
    pub username: Option<String>,
    /// Password for `username`.
    pub password: Option<String>,
    /// The sender mailbox.
    pub from: String,
    /// Extra CA certificates (PEM) to trust.
    pub ca_file: Option<PathBuf>,
    /// Limit for connecting and each reply.
    pub timeout: Duration,
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// The HTTP gateway that sends SMS: any provider's API, described by a URL, a method, headers
/// and a body template with `{phone}` and `{text}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Sms {
    /// URL, with placeholders.
    pub url: String,
    /// `true` for POST, `false` for GET.
    pub post: bool,
    /// Headers, `Name: value` (values may hold placeholders and API keys).
    pub headers: Vec<(String, String)>,
    /// Body template for POST (empty for none).
    pub body: String,
    /// Limit for the whole call.
    pub timeout: Duration,
}

impl std::fmt::Debug for Sms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL's query and the headers may carry API keys.
        let shown = self.url.split('?').next().unwrap_or_default();
        f.debug_struct("Sms")
            .field("url", &shown)
            .field("post", &self.post)
            .field("headers", &self.headers.len())
            .finish_non_exhaustive()
    }
}

/// Automatic daily backups: one consistent copy a day into a folder, the newest `keep` kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backups {
    /// Where the copies go (default `data_dir/backups`).
    pub folder: PathBuf,
    /// Whether `folder` is that default inside the data directory, so that it moves with
    /// [`Config::with_data_dir`]; false when the file named a folder.
    pub folder_in_data_dir: bool,
    /// How many daily copies are kept; 0 turns automatic backups off.
    pub keep: usize,
    /// Local time of day after which the day's copy is taken.
    pub at: Time,
}

/// Limits on every input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Concurrent connections.
    pub max_connections: usize,
    /// Time allowed for the request head (also the keep-alive idle time).
    pub header_read_timeout: Duration,
    /// Time allowed for the request body.
    pub body_read_timeout: Duration,
    /// Bytes per attachment.
    pub max_attachment_bytes: usize,
    /// Attachments per form.
    pub max_attachments: usize,
    /// Lifetime of a sign-in.
    pub session_lifetime: Duration,
}

impl Limits {
    /// The largest request body the server accepts: all attachments plus the form fields.
    pub fn max_body_bytes(&self) -> usize {
        self.max_attachment_bytes * self.max_attachments + 1024 * 1024
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::from_raw(RawConfig::default())
            .unwrap_or_else(|err| unreachable!("the built-in defaults are valid: {err}"))
    }
}

/// The daily backups' folder inside the data directory, unless the file names another.
const BACKUPS_FOLDER: &str = "backups";

impl Config {
    /// The same configuration with its store in `dir` (`--data-dir`): folders that default to
    /// inside the data directory (the daily backups') move along; a folder the file named stays.
    #[must_use]
    pub fn with_data_dir(mut self, dir: PathBuf) -> Self {
        if self.backups.folder_in_data_dir {
            self.backups.folder = dir.join(BACKUPS_FOLDER);
        }
        self.data_dir = dir;
        self
    }

    /// Parses and validates a TOML document.
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| Error::Parse(e.to_string()))?;
        Self::from_raw(raw)
    }

    /// Reads and validates a file.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text).map_err(|err| match err {
            Error::Parse(msg) => Error::Parse(format!("{}: {msg}", path.display())),
            other => other,
        })
    }

    fn from_raw(raw: RawConfig) -> Result<Self, Error> {
        let value = |key: &'static str, message: String| Error::Value { key, message };
        let bind = raw.bind.parse().map_err(|_| {
            value(
                "bind",
                format!(
                    "`{}` is not an address:port such as 127.0.0.1:8443",
                    raw.bind
                ),
            )
        })?;
        let default_language = Lang::from_code(&raw.default_language).ok_or_else(|| {
            value(
                "default_language",
                format!("`{}` is not one of kk, ru, en", raw.default_language),
            )
        })?;
        let log_level = raw.log_level.parse().map_err(|_| {
            value(
                "log_level",
                format!(
                    "`{}` is not one of off, error, warn, info, debug, trace",
                    raw.log_level
                ),
            )
        })?;
        let tls_files = match (raw.tls.cert_file.is_empty(), raw.tls.key_file.is_empty()) {
            (true, true) => None,
            (false, false) => Some((
                PathBuf::from(&raw.tls.cert_file),
                PathBuf::from(&raw.tls.key_file),
            )),
            (false, true) => {
                return Err(value(
                    "tls.key_file",
                    "must be set when tls.cert_file is".into(),
                ));
            }
            (true, false) => {
                return Err(value(
                    "tls.cert_file",
                    "must be set when tls.key_file is".into(),
                ));
            }
        };
        for name in &raw.host_names {
            if name.is_empty() || name.contains(['/', ' ', ':']) {
                return Err(value("host_names", format!("`{name}` is not a host name")));
            }
        }
        let close_of_business: Time = raw.appeals.close_of_business.parse().map_err(|_| {
            value(
                "appeals.close_of_business",
                format!(
                    "`{}` is not a time such as 18:30",
                    raw.appeals.close_of_business
                ),
            )
        })?;
        let time_zone = parse_time_zone(&raw.appeals.time_zone).ok_or_else(|| {
            value(
                "appeals.time_zone",
                format!(
                    "`{}` is neither an offset such as +05:00 nor a known zone name",
                    raw.appeals.time_zone
                ),
            )
        })?;
        let counting_rule = match raw.appeals.counting_rule.as_str() {
            "from-next-day" => CountingRule::FromNextDay,
            "registration-day-counts" => CountingRule::RegistrationDayCounts,
            other => {
                return Err(value(
                    "appeals.counting_rule",
                    format!("`{other}` is not one of from-next-day, registration-day-counts"),
                ));
            }
        };
        let limits = parse_limits(&raw.limits)?;
        let backups = parse_backups(&raw)?;
        let smtp = parse_smtp(&raw.smtp)?;
        let sms = parse_sms(&raw.sms)?;
        Ok(Self {
            data_dir: raw.data_dir,
            bind,
            default_language,
            host_names: raw.host_names,
            log_level,
            tls_files,
            close_of_business,
            time_zone,
            counting_rule,
            limits,
            backups,
            smtp,
            sms,
        })
    }
}

fn parse_smtp(raw: &RawSmtp) -> Result<Option<Smtp>, Error> {
    let value = |key: &'static str, message: String| Error::Value { key, message };
    if raw.host.is_empty() {
        return Ok(None);
    }
    let security = match raw.security.as_str() {
        "none" => SmtpSecurity::None,
        "starttls" => SmtpSecurity::StartTls,
        "tls" => SmtpSecurity::Tls,
        other => {
            return Err(value(
                "smtp.security",
                format!("`{other}` is not one of none, starttls, tls"),
            ));
        }
    };
    if !raw.from.contains('@') {
        return Err(value(
            "smtp.from",
            "must be the sender's address, such as otinish@example.kz".into(),
        ));
    }
    let optional = |text: &str| (!text.is_empty()).then(|| text.to_owned());
    Ok(Some(Smtp {
        host: raw.host.clone(),
        port: raw.port,
        security,
        username: optional(&raw.username),
        password: optional(&raw.password),
        from: raw.from.clone(),
        ca_file: optional(&raw.ca_file).map(PathBuf::from),
        timeout: Duration::from_secs(raw.timeout_secs.clamp(1, 120)),
    }))
}

fn parse_sms(raw: &RawSms) -> Result<Option<Sms>, Error> {
    let value = |key: &'static str, message: String| Error::Value { key, message };
    if raw.url.is_empty() {
        return Ok(None);
    }
    if !raw.url.starts_with("https://") && !raw.url.starts_with("http://") {
        return Err(value(
            "sms.url",
            format!("`{}` is not an http(s) URL", raw.url),
        ));
    }
    let post = match raw.method.to_lowercase().as_str() {
        "post" => true,
        "get" => false,
        other => return Err(value("sms.method", format!("`{other}` is not get or post"))),
    };
    let mut headers = Vec::new();
    for header in &raw.headers {
        let Some((name, text)) = header.split_once(':') else {
            return Err(value(
                "sms.headers",
                "each header is \"Name: value\"".into(),
            ));
        };
        headers.push((name.trim().to_owned(), text.trim().to_owned()));
    }
    Ok(Some(Sms {
        url: raw.url.clone(),
        post,
        headers,
        body: raw.body.clone(),
        timeout: Duration::from_secs(raw.timeout_secs.clamp(1, 120)),
    }))
}

fn parse_backups(raw: &RawConfig) -> Result<Backups, Error> {
    let folder_in_data_dir = raw.backups.folder.is_empty();
    Ok(Backups {
        folder: if folder_in_data_dir {
            raw.data_dir.join(BACKUPS_FOLDER)
        } else {
            PathBuf::from(&raw.backups.folder)
        },
        folder_in_data_dir,
        keep: raw.backups.keep,
        at: raw.backups.at.parse().map_err(|_| Error::Value {
            key: "backups.at",
            message: format!("`{}` is not a time such as 02:00", raw.backups.at),
        })?,
    })
}

fn parse_limits(l: &RawLimits) -> Result<Limits, Error> {
    let value = |key: &'static str, message: String| Error::Value { key, message };
    let positive = |key: &'static str, n: u64| {
        if n == 0 {
            Err(value(key, "must be greater than 0".into()))
        } else {
            Ok(())
        }
    };
    positive("limits.max_connections", l.max_connections as u64)?;
    positive(
        "limits.header_read_timeout_secs",
        l.header_read_timeout_secs,
    )?;
    positive("limits.body_read_timeout_secs", l.body_read_timeout_secs)?;
    positive("limits.max_attachment_mib", l.max_attachment_mib as u64)?;
    positive("limits.session_hours", u64::from(l.session_hours))?;
    if l.max_attachment_mib > 100 {
        return Err(value(
            "limits.max_attachment_mib",
            "must be at most 100".into(),
        ));
    }
    if l.max_attachments > 50 {
        return Err(value("limits.max_attachments", "must be at most 50".into()));
    }
    if l.max_connections > 10_000 {
        return Err(value(
            "limits.max_connections",
            "must be at most 10000".into(),
        ));
    }
    Ok(Limits {
        max_connections: l.max_connections,
        header_read_timeout: Duration::from_secs(l.header_read_timeout_secs),
        body_read_timeout: Duration::from_secs(l.body_read_timeout_secs),
        max_attachment_bytes: l.max_attachment_mib * 1024 * 1024,
        max_attachments: l.max_attachments,
        session_lifetime: Duration::from_secs(u64::from(l.session_hours) * 3600),
    })
}

fn parse_time_zone(text: &str) -> Option<TimeZone> {
    if let Some(rest) = text.strip_prefix(['+', '-']) {
        let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "0"));
        let hours: i32 = hours.parse().ok()?;
        let minutes: i32 = minutes.parse().ok()?;
        if !(0..=14).contains(&hours) || !(0..60).contains(&minutes) {
            return None;
        }
        let seconds = (hours * 3600 + minutes * 60) * if text.starts_with('-') { -1 } else { 1 };
        return jiff::tz::Offset::from_seconds(seconds)
            .ok()
            .map(TimeZone::fixed);
    }
    TimeZone::get(text).ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses_to_the_defaults() {
        let example = Config::from_toml(EXAMPLE).unwrap();
        let defaults = Config::default();
        assert_eq!(example.bind, defaults.bind);
        assert_eq!(example.data_dir, defaults.data_dir);
        assert_eq!(example.close_of_business, defaults.close_of_business);
        assert_eq!(example.limits.max_attachments, 10);
        assert_eq!(example.limits.max_attachment_bytes, 10 * 1024 * 1024);
    }

    /// See: issue 11 (`--data-dir` left the daily backups in ./otinish-data/backups).
    #[test]
    fn the_default_backup_folder_follows_the_data_dir_and_a_named_one_stays() {
        let moved = Config::default().with_data_dir(PathBuf::from("/srv/otinish"));
        assert_eq!(moved.data_dir, PathBuf::from("/srv/otinish"));
        assert_eq!(moved.backups.folder, PathBuf::from("/srv/otinish/backups"));
        let named = Config::from_toml("[backups]\nfolder = \"/mnt/copies\"\n")
            .unwrap()
            .with_data_dir(PathBuf::from("/srv/otinish"));
        assert_eq!(named.backups.folder, PathBuf::from("/mnt/copies"));
    }

    #[test]
    fn an_empty_file_means_every_default() {
        let config = Config::from_toml("").unwrap();
        assert_eq!(config.bind.port(), 8443);
        assert_eq!(config.default_language, Lang::Kk);
        assert_eq!(config.counting_rule, CountingRule::FromNextDay);
    }

    #[test]
    fn unknown_keys_are_refused_by_name() {
        let err = Config::from_toml("bnid = \"0.0.0.0:1\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("bnid"), "{err}");
        let err = Config::from_toml("[limits]\nmax_conections = 3")
            .unwrap_err()
            .to_string();
        assert!(err.contains("max_conections"), "{err}");
    }

    #[test]
    fn bad_values_name_their_key() {
        for (text, key) in [
            ("bind = \"here\"", "bind"),
            ("default_language = \"de\"", "default_language"),
            (
                "[appeals]\nclose_of_business = \"25:99\"",
                "appeals.close_of_business",
            ),
            (
                "[appeals]\ncounting_rule = \"sometimes\"",
                "appeals.counting_rule",
            ),
            ("[tls]\ncert_file = \"a.pem\"", "tls.key_file"),
            ("[limits]\nmax_attachments = 500", "limits.max_attachments"),
            ("[backups]\nat = \"noon\"", "backups.at"),
        ] {
            let err = Config::from_toml(text).unwrap_err().to_string();
            assert!(err.contains(key), "{text} → {err}");
        }
    }

    #[test]
    fn wrong_types_are_refused() {
        let err = Config::from_toml("[limits]\nmax_connections = \"many\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("max_connections"), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = Config::from_toml(&text);
        }
    }
}
