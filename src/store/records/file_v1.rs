//! Files, record version 1: what is known about a stored attachment (`attachments`; its bytes
//! are raw chunks) and the files held for a refused form (`pending_uploads`).

use jiff::Timestamp;

use super::frozen_struct;
use super::values_v1::FileTypeV1;
use crate::store::codec::Record;
use crate::store::{AttachmentMeta, PendingFile, PendingUploads};

frozen_struct! {
    /// [`AttachmentMeta`], version 1.
    AttachmentMetaV1 = AttachmentMeta {
        id: u64,
        appeal: u64,
        uploaded_by: u64,
        name: String,
        file_type: FileTypeV1,
        size: u64,
        sha256: String,
    }
}

impl Record for AttachmentMetaV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "attachment";
}

frozen_struct! {
    /// [`PendingFile`], version 1.
    PendingFileV1 = PendingFile {
        name: String,
        file_type: FileTypeV1,
        bytes: Vec<u8>,
    }
}

frozen_struct! {
    /// [`PendingUploads`], version 1.
    PendingUploadsV1 = PendingUploads {
        owner: u64,
        session: [u8; 32],
        created_at: Timestamp,
        expires_at: Timestamp,
        files: Vec<PendingFileV1>,
    }
}

impl Record for PendingUploadsV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "pending uploads";
}
