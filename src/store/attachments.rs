//! Attached files: metadata plus the bytes in 1 MiB chunks.

use sha2::{Digest, Sha256};

use super::codec::encode_as;
use super::schema::{ATTACHMENT_CHUNKS, ATTACHMENTS};
use super::{Result, Tx, WriteTx, decode_guard_as};
use crate::domain::appeal::{AppealId, AttachmentId, AttachmentRef};
use crate::domain::file_bytes::FileBytes;
use crate::domain::file_type::FileType;
use crate::domain::user::UserId;

const CHUNK: usize = 1024 * 1024;

/// What is known about a stored file (stored as `records::file_v1::AttachmentMetaV1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentMeta {
    /// Number.
    pub id: AttachmentId,
    /// The appeal it belongs to (access follows the appeal).
    pub appeal: AppealId,
    /// Who uploaded it.
    pub uploaded_by: UserId,
    /// Cleaned file name.
    pub name: String,
    /// Type recognised from the content.
    pub file_type: FileType,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the bytes, hex.
    pub sha256: String,
}

/// A file about to be stored (already checked and named).
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// Cleaned file name.
    pub name: String,
    /// Type recognised from the content.
    pub file_type: FileType,
    /// The bytes (shared with the upload they came from).
    pub bytes: FileBytes,
}

/// Reading files.
pub trait AttachmentReads: Tx {
    /// A file's metadata.
    fn attachment(&self, id: AttachmentId) -> Result<Option<AttachmentMeta>> {
        let Some(table) = self.view(ATTACHMENTS)? else {
            return Ok(None);
        };
        decode_guard_as(table.get(id.0)?)
    }

    /// A file's bytes.
    fn attachment_bytes(&self, id: AttachmentId) -> Result<Vec<u8>> {
        let Some(table) = self.view(ATTACHMENT_CHUNKS)? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for entry in table.range((id.0, 0)..=(id.0, u32::MAX))? {
            out.extend_from_slice(entry?.1.value());
        }
        Ok(out)
    }
}

impl<T: Tx> AttachmentReads for T {}

impl WriteTx {
    /// Stores a file for an appeal and returns the reference the appeal keeps.
    pub fn insert_attachment(
        &mut self,
        appeal: AppealId,
        uploaded_by: UserId,
        file: &NewAttachment,
    ) -> Result<AttachmentRef> {
        let id = AttachmentId(self.next_in_sequence("attachment")?);
        let meta = AttachmentMeta {
            id,
            appeal,
            uploaded_by,
            name: file.name.clone(),
            file_type: file.file_type,
            size: file.bytes.len() as u64,
            sha256: crate::hex::encode(&Sha256::digest(&file.bytes)),
        };
        {
            let mut chunks = self.table(ATTACHMENT_CHUNKS)?;
            for (n, chunk) in (0u32..).zip(file.bytes.chunks(CHUNK)) {
                chunks.insert((id.0, n), chunk)?;
            }
        }
        self.table(ATTACHMENTS)?
            .insert(id.0, encode_as(&meta)?.as_slice())?;
        Ok(AttachmentRef {
            id,
            name: meta.name,
            file_type: meta.file_type,
            size: meta.size,
        })
    }
}
