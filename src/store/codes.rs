//! One-time codes sent by SMS or e-mail, stored only as salted hashes, one per purpose and
//! sign-in name (a new code replaces the old one).

use jiff::Timestamp;

use super::codec::encode_as;
use super::schema::CODES;
use super::{Result, Tx, WriteTx, decode_guard_as};
use crate::domain::user::UserId;

/// A code that was sent (stored as `records::sign_in_v1::CodeV1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRecord {
    /// Whose.
    pub user: UserId,
    /// Random salt.
    pub salt: [u8; 16],
    /// SHA-256 of salt and code.
    pub hash: [u8; 32],
    /// When it was issued.
    pub issued_at: Timestamp,
    /// Valid until.
    pub expires_at: Timestamp,
    /// Wrong entries still allowed.
    pub attempts_left: u32,
}

/// Reading codes.
pub trait CodeReads: Tx {
    /// The code for `key` (`<purpose>:<sign-in key>`).
    fn code(&self, key: &str) -> Result<Option<CodeRecord>> {
        let Some(table) = self.view(CODES)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(key)?)
    }
}

impl<T: Tx> CodeReads for T {}

impl WriteTx {
    /// Stores (or replaces) the code for `key`.
    pub fn put_code(&mut self, key: &str, code: &CodeRecord) -> Result<()> {
        self.table(CODES)?
            .insert(key, encode_as(code)?.as_slice())?;
        Ok(())
    }

    /// Removes the code for `key` (used, or dead).
    pub fn remove_code(&mut self, key: &str) -> Result<()> {
        self.table(CODES)?.remove(key)?;
        Ok(())
    }
}
