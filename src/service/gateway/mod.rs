//! Outside delivery gateways: e-mail through SMTP (`smtp`) and SMS through any HTTP gateway
//! (`sms`), both blocking, both optional; and what can go wrong when handing a message to one,
//! split by what the caller should do next.
//!
//! Invariant: `Permanent` means the same message will never go through (retrying is
//! pointless); everything else is `Temporary`. Error texts never contain secrets (passwords,
//! API keys, gateway URLs with their query), so they may be logged and shown to staff.

pub mod sms;
pub mod smtp;

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
