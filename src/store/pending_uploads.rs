//! Files uploaded with a form that was refused, held for a short while so the corrected form
//! need not upload them again. Keyed by the SHA-256 of a random token the re-shown form carries;
//! each holding names its owner and the session it belongs to, and expires.

use jiff::Timestamp;
use redb::ReadableTableMetadata;

use super::codec::{decode_as, encode_as};
use super::schema::PENDING_UPLOADS;
use super::{Result, Tx, WriteTx, decode_guard_as};
use crate::domain::file_type::FileType;
use crate::domain::user::UserId;

/// One held file, already checked and named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingFile {
    /// Cleaned file name.
    pub name: String,
    /// Type recognised from the content.
    pub file_type: FileType,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// The files of one refused form (stored as `records::file_v1::PendingUploadsV1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingUploads {
    /// Who uploaded them.
    pub owner: UserId,
    /// SHA-256 of the session's CSRF token: only that session may use them.
    pub session: [u8; 32],
    /// When they were first held.
    pub created_at: Timestamp,
    /// Dropped after this.
    pub expires_at: Timestamp,
    /// The files, in the order they were uploaded.
    pub files: Vec<PendingFile>,
}

/// Reading held uploads.
pub trait PendingUploadReads: Tx {
    /// The holding whose token hashes to `token_hash`, expired or not.
    fn pending_uploads(&self, token_hash: &[u8; 32]) -> Result<Option<PendingUploads>> {
        let Some(table) = self.view(PENDING_UPLOADS)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(token_hash.as_slice())?)
    }
}

impl<T: Tx> PendingUploadReads for T {}

impl WriteTx {
    /// Stores (or replaces) a holding.
    pub fn put_pending_uploads(
        &mut self,
        token_hash: &[u8; 32],
        held: &PendingUploads,
    ) -> Result<()> {
        self.table(PENDING_UPLOADS)?
            .insert(token_hash.as_slice(), encode_as(held)?.as_slice())?;
        Ok(())
    }

    /// Removes a holding.
    pub fn delete_pending_uploads(&mut self, token_hash: &[u8; 32]) -> Result<()> {
        self.table(PENDING_UPLOADS)?.remove(token_hash.as_slice())?;
        Ok(())
    }

    /// Drops every holding that expired at or before `now` (and any that no longer decodes);
    /// returns how many went.
    pub fn sweep_pending_uploads(&mut self, now: Timestamp) -> Result<usize> {
        let mut table = self.table(PENDING_UPLOADS)?;
        let before = table.len()?;
        table.retain(|_, value| {
            decode_as::<PendingUploads>(value).is_ok_and(|h| h.expires_at > now)
        })?;
        let after = table.len()?;
        Ok(usize::try_from(before - after).unwrap_or(usize::MAX))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn held(expires: &str) -> PendingUploads {
        PendingUploads {
            owner: UserId(7),
            session: [1; 32],
            created_at: "2026-03-02T05:00:00Z".parse().unwrap(),
            expires_at: expires.parse().unwrap(),
            files: vec![PendingFile {
                name: "a.pdf".into(),
                file_type: FileType::Pdf,
                bytes: b"%PDF-1.4".to_vec(),
            }],
        }
    }

    #[test]
    fn a_holding_is_kept_until_it_expires_then_swept() {
        let store = Store::in_memory().unwrap();
        store
            .write(|tx| {
                tx.put_pending_uploads(&[1; 32], &held("2026-03-02T07:00:00Z"))?;
                tx.put_pending_uploads(&[2; 32], &held("2026-03-02T09:00:00Z"))
            })
            .unwrap();
        let swept = store
            .write(|tx| tx.sweep_pending_uploads("2026-03-02T08:00:00Z".parse().unwrap()))
            .unwrap();
        assert_eq!(swept, 1);
        assert!(
            store
                .read(|tx| tx.pending_uploads(&[1; 32]))
                .unwrap()
                .is_none()
        );
        let kept = store
            .read(|tx| tx.pending_uploads(&[2; 32]))
            .unwrap()
            .unwrap();
        assert_eq!(kept.files[0].name, "a.pdf");
        store
            .write(|tx| tx.delete_pending_uploads(&[2; 32]))
            .unwrap();
        assert!(
            store
                .read(|tx| tx.pending_uploads(&[2; 32]))
                .unwrap()
                .is_none()
        );
    }
}
