//! Outside delivery gateways: e-mail through SMTP (`smtp`) and SMS through any HTTP gateway
//! (`sms`), both blocking, both optional; and what can go wrong when handing a message to one,
//! split by what the caller should do next.
//!
//! Invariant: `Permanent` means the same message will never go through (retrying is
//! pointless); everything else is `Temporary`. Error texts never contain secrets (passwords,
//! API keys, gateway URLs with their query), so they may be logged and shown to staff.

pub mod sms;
pub mod smtp;

use crate::config::{Config, SmtpSecurity};

/// The gateways this installation has: none, either or both.
#[derive(Debug, Clone, Default)]
pub struct Gateways {
    /// E-mail.
    pub smtp: Option<smtp::SmtpSettings>,
    /// SMS.
    pub sms: Option<sms::SmsSettings>,
}

impl Gateways {
    /// The gateways the configuration describes.
    pub fn from_config(config: &Config) -> Self {
        let smtp = config.smtp.as_ref().map(|c| smtp::SmtpSettings {
            host: c.host.clone(),
            port: c.port,
            security: match c.security {
                SmtpSecurity::None => smtp::Security::None,
                SmtpSecurity::StartTls => smtp::Security::StartTls,
                SmtpSecurity::Tls => smtp::Security::Tls,
            },
            username: c.username.clone(),
            password: c.password.clone(),
            from: c.from.clone(),
            timeout: c.timeout,
            ca_file: c.ca_file.clone(),
        });
        let sms = config.sms.as_ref().map(|c| {
            let mut settings = sms::SmsSettings::new(
                c.url.clone(),
                if c.post {
                    sms::Method::Post
                } else {
                    sms::Method::Get
                },
            );
            settings.headers.clone_from(&c.headers);
            settings.body_template = (!c.body.is_empty()).then(|| c.body.clone());
            settings.timeout = c.timeout;
            settings
        });
        Self { smtp, sms }
    }
}

/// A failed delivery.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Refused for good (bad address, SMTP 5xx, HTTP 4xx other than 408 and 429): do not
    /// retry this message.
    #[error("delivery refused: {0}")]
    Permanent(String),
    /// Could not deliver now (connection refused, timeout, SMTP 4xx, HTTP 5xx/408/429, TLS or
    /// local configuration problems): retry later.
    #[error("delivery failed for now: {0}")]
    Temporary(String),
}

impl SendError {
    /// Whether retrying later is pointless.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Permanent(_))
    }

    /// The human-readable reason, without the permanent/temporary prefix.
    pub fn reason(&self) -> &str {
        match self {
            Self::Permanent(reason) | Self::Temporary(reason) => reason,
        }
    }
}
