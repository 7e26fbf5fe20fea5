//! Sign-in by QR code: each request a waiting browser made, until a signed-in phone approves
//! it and the browser collects its session (or it expires after a minute).

use jiff::Timestamp;

use super::codec::encode_as;
use super::schema::QR_LOGINS;
use super::{Result, Tx, WriteTx, decode_guard_as};
use crate::domain::user::UserId;

/// Where a QR sign-in stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrState {
    /// Shown, not yet answered.
    Waiting,
    /// A signed-in user approved it on their phone.
    Approved(UserId),
    /// The phone's user refused it.
    Denied,
    /// The browser collected its session: the code is spent.
    Used,
}

/// A browser waiting to be signed in by a phone (stored as `records::sign_in_v1::QrLoginV1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrLogin {
    /// SHA-256 of the waiting browser's CSRF token: only that browser may collect it.
    pub browser: [u8; 32],
    /// The waiting browser's address and User-Agent, shown on the phone.
    pub address: String,
    /// User-Agent, shortened.
    pub device: String,
    /// When it was shown.
    pub created_at: Timestamp,
    /// Valid until.
    pub expires_at: Timestamp,
    /// Where it stands.
    pub state: QrState,
}

/// Reading QR sign-ins.
pub trait QrLoginReads: Tx {
    /// The request whose token hashes to `token_hash`.
    fn qr_login(&self, token_hash: &[u8; 32]) -> Result<Option<QrLogin>> {
        let Some(table) = self.view(QR_LOGINS)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(token_hash.as_slice())?)
    }
}

impl<T: Tx> QrLoginReads for T {}

impl WriteTx {
    /// Stores a QR sign-in request.
    pub fn put_qr_login(&mut self, token_hash: &[u8; 32], login: &QrLogin) -> Result<()> {
        self.table(QR_LOGINS)?
            .insert(token_hash.as_slice(), encode_as(login)?.as_slice())?;
        Ok(())
    }
}
