//! Electronic signatures, record version 1 (`signatures`): the signed text, the CMS and the
//! signer as the verified certificate names them. `SignedDocumentV1` is written by variant
//! index: append only.

use jiff::Timestamp;

use super::{frozen_enum, frozen_struct};
use crate::store::codec::Record;
use crate::store::{SignedDocument, SignerSummary, StoredSignature};

frozen_enum! {
    /// [`SignedDocument`], version 1.
    #[derive(Copy)]
    SignedDocumentV1 = SignedDocument { Appeal, Answer }
}

frozen_struct! {
    /// [`SignerSummary`], version 1.
    SignerSummaryV1 = SignerSummary {
        common_name: String,
        iin: Option<String>,
        bin: Option<String>,
        organization: Option<String>,
        serial_hex: String,
        issuer: String,
        not_before: Timestamp,
        not_after: Timestamp,
        signing_time: Option<Timestamp>,
        algorithm: String,
    }
}

frozen_struct! {
    /// [`StoredSignature`], version 1.
    StoredSignatureV1 = StoredSignature {
        appeal: u64,
        event: u32,
        document: SignedDocumentV1,
        by: u64,
        content: String,
        cms: String,
        signer: SignerSummaryV1,
        verified_at: Timestamp,
    }
}

impl Record for StoredSignatureV1 {
    const VERSION: u8 = 1;
    const NAME: &'static str = "signature";
}
