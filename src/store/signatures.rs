//! Electronic signatures (ЭЦП) kept with the appeal step they signed: the CMS as `NCALayer`
//! returned it, the exact text that was signed, and who signed it as the verified certificate
//! says. Written in the same transaction as the step's event; never changed afterwards.

use jiff::Timestamp;

use super::codec::{decode_as, encode_as};
use super::schema::SIGNATURES;
use super::{Result, Tx, WriteTx};
use crate::domain::appeal::AppealId;
use crate::domain::user::UserId;

/// What a signature signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignedDocument {
    /// The applicant's appeal, on filing ("Sign and send").
    Appeal,
    /// The director's answer, on signing.
    Answer,
}

/// The signer as the verified certificate names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerSummary {
    /// Subject CN.
    pub common_name: String,
    /// IIN from the subject's SERIALNUMBER.
    pub iin: Option<String>,
    /// BIN from OU or SERIALNUMBER (legal-entity certificates).
    pub bin: Option<String>,
    /// Subject O.
    pub organization: Option<String>,
    /// Certificate serial number, lowercase hex.
    pub serial_hex: String,
    /// Issuer CN.
    pub issuer: String,
    /// Start of the certificate's validity.
    pub not_before: Timestamp,
    /// End of the certificate's validity.
    pub not_after: Timestamp,
    /// The signed signingTime, if the CMS has one.
    pub signing_time: Option<Timestamp>,
    /// Signature algorithm, e.g. `RSA-SHA256`.
    pub algorithm: String,
}

/// One stored signature (stored as `records::signature_v1::StoredSignatureV1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSignature {
    /// The appeal.
    pub appeal: AppealId,
    /// The event (step) of the appeal's history it belongs to.
    pub event: u32,
    /// What was signed.
    pub document: SignedDocument,
    /// The account that posted it.
    pub by: UserId,
    /// The exact text signed (UTF-8); the CMS is detached, so it verifies against these bytes.
    pub content: String,
    /// The CMS, base64 (DER inside).
    pub cms: String,
    /// Who signed.
    pub signer: SignerSummary,
    /// When the server verified it (pass this as `now` to verify it again).
    pub verified_at: Timestamp,
}

/// Reading signatures.
pub trait SignatureReads: Tx {
    /// The signatures of one appeal, in the order of its history.
    fn signatures_of(&self, appeal: AppealId) -> Result<Vec<StoredSignature>> {
        let Some(table) = self.view(SIGNATURES)? else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        for entry in table.range((appeal.0, 0)..=(appeal.0, u32::MAX))? {
            found.push(decode_as(entry?.1.value())?);
        }
        Ok(found)
    }
}

impl<T: Tx> SignatureReads for T {}

impl WriteTx {
    /// Stores a signature under its appeal and event.
    pub fn put_signature(&mut self, signature: &StoredSignature) -> Result<()> {
        self.table(SIGNATURES)?.insert(
            (signature.appeal.0, signature.event),
            encode_as(signature)?.as_slice(),
        )?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::integrity::tests::populated_store;
    use crate::store::{ExportOptions, Store};

    fn sample(appeal: AppealId) -> StoredSignature {
        let at: Timestamp = "2026-03-02T05:00:00Z".parse().unwrap();
        StoredSignature {
            appeal,
            event: 0,
            document: SignedDocument::Appeal,
            by: UserId(6),
            content: "Otinish appeal\nkind: application\n".into(),
            cms: "MIIB".into(),
            signer: SignerSummary {
                common_name: "СЕРІКОВА АЙГҮЛ".into(),
                iin: Some("900101300126".into()),
                bin: None,
                organization: None,
                serial_hex: "8f3a".into(),
                issuer: "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)".into(),
                not_before: at,
                not_after: at,
                signing_time: None,
                algorithm: "RSA-SHA256".into(),
            },
            verified_at: at,
        }
    }

    #[test]
    fn signatures_survive_export_and_import_and_pass_the_check() {
        let store = populated_store();
        let signature = sample(AppealId(3));
        store.write(|tx| tx.put_signature(&signature)).unwrap();
        assert_eq!(store.check().unwrap().problems, vec![]);
        let dir = tempfile::tempdir().unwrap();
        let options = ExportOptions {
            with_secrets: true,
            created_at: signature.verified_at,
        };
        let manifest = store
            .read(|tx| tx.export_to(&dir.path().join("x"), &options))
            .unwrap();
        assert_eq!(manifest.counts.get("signatures.jsonl"), Some(&1));
        let copy = Store::in_memory().unwrap();
        copy.import_from(&dir.path().join("x")).unwrap();
        assert_eq!(
            copy.read(|tx| tx.signatures_of(AppealId(3))).unwrap(),
            vec![signature]
        );
        assert_eq!(copy.check().unwrap().problems, vec![]);
    }

    #[test]
    fn a_signature_without_its_appeal_is_reported() {
        let store = populated_store();
        store
            .write(|tx| tx.put_signature(&sample(AppealId(999))))
            .unwrap();
        let problems = store.check().unwrap().problems;
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].detail, "belongs to no appeal");
    }
}
