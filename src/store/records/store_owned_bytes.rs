//! The store-owned records (sessions, codes, credentials, second factors, QR sign-ins,
//! passkeys, files, signatures, deliveries) against the bytes and the export JSON that schema
//! 7 wrote before they had frozen record types: `tests/fixtures/store-owned-records-v7.txt`,
//! written from the values of [`samples`] by the store types' own serde derives. Each value
//! encodes to those bytes and that JSON, and both read back to the value.
//!
//! The committed fixture stores hold only credentials and attachments of these (checked byte
//! for byte in `tests/it/operations.rs`); this covers every family and every enum variant.

#![allow(clippy::unwrap_used)]

use std::fmt::Debug;

use super::Freeze;
use crate::store::codec::{Record, decode_as, encode_as};

const WRITTEN_BEFORE: &str = include_str!("../../../tests/fixtures/store-owned-records-v7.txt");

fn bytes_of_hex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// The (bytes, JSON) lines of one family, in the order they were written.
fn written_before(family: &str) -> Vec<(Vec<u8>, String)> {
    WRITTEN_BEFORE
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| {
            let mut parts = line.splitn(3, ' ');
            (parts.next() == Some(family)).then(|| {
                let bytes = bytes_of_hex(parts.next().unwrap());
                (bytes, parts.next().unwrap().to_owned())
            })
        })
        .collect()
}

/// Each value encodes to the bytes and JSON of its line, and both read back to the value.
fn encode_as_written_before<T>(family: &str, values: Vec<T>)
where
    T: Freeze + PartialEq + Debug,
    T::Record: Record,
{
    let lines = written_before(family);
    assert_eq!(lines.len(), values.len(), "lines of {family}");
    for (i, (value, (bytes, json))) in values.into_iter().zip(lines).enumerate() {
        assert_eq!(
            crate::hex::encode(&encode_as(&value).unwrap()),
            crate::hex::encode(&bytes),
            "bytes of {family} {i}"
        );
        assert_eq!(
            decode_as::<T>(&bytes).unwrap(),
            value,
            "{family} {i} read back"
        );
        assert_eq!(
            serde_json::to_string(&value.freeze()).unwrap(),
            json,
            "JSON of {family} {i}"
        );
        let record: T::Record = serde_json::from_str(&json).unwrap();
        assert_eq!(T::thaw(record).unwrap(), value, "{family} {i} from JSON");
    }
}

/// See: issue 13 (stored layouts frozen apart from the types the store hands out).
#[test]
fn sessions_codes_credentials_second_factors_and_qr_sign_ins_keep_their_bytes() {
    encode_as_written_before("sessions", samples::sessions());
    encode_as_written_before("codes", samples::codes());
    encode_as_written_before("credentials", samples::credentials());
    encode_as_written_before("totps", samples::totps());
    encode_as_written_before("pending_sign_ins", samples::pending_sign_ins());
    encode_as_written_before("policies", samples::policies());
    encode_as_written_before("qr_logins", samples::qr_logins());
}

/// See: issue 13.
#[test]
fn deliveries_and_code_second_factors_keep_their_bytes() {
    encode_as_written_before("deliveries", samples::deliveries());
    encode_as_written_before("code_factors", samples::code_factors());
}

/// See: issue 13.
#[test]
fn passkeys_and_their_challenges_keep_their_bytes() {
    encode_as_written_before("passkeys", samples::passkeys());
    encode_as_written_before("passkey_challenges", samples::passkey_challenges());
}

/// See: issue 13.
#[test]
fn attachments_and_held_uploads_keep_their_bytes() {
    encode_as_written_before("attachments", samples::attachments());
    encode_as_written_before("pending_uploads", samples::pending_uploads());
}

/// See: issue 13.
#[test]
fn signatures_keep_their_bytes() {
    encode_as_written_before("signatures", samples::signatures());
}

/// Values of each store-owned record, with every variant of its enums: what the lines of
/// `store-owned-records-v7.txt` were written from.
mod samples {
    use jiff::Timestamp;

    use crate::crypto::webauthn::PublicKey;
    use crate::domain::appeal::{AppealId, AttachmentId};
    use crate::domain::file_type::FileType;
    use crate::domain::user::UserId;
    use crate::store::{
        AttachmentMeta, ChallengePurpose, CodeFactor, CodeRecord, Credentials, Delivery,
        DeliveryChannel, DeliveryStatus, Passkey, PasskeyChallenge, PendingFile, PendingSignIn,
        PendingUploads, QrLogin, QrState, Session, SignInPolicy, SignedDocument, SignerSummary,
        StoredSignature, TotpRecord,
    };

    pub fn at(seconds: i64) -> Timestamp {
        Timestamp::new(1_772_000_000 + seconds, 250_000_000).unwrap()
    }

    pub fn sessions() -> Vec<Session> {
        vec![Session {
            user: UserId(7),
            csrf_token: "csrf-Қ".into(),
            created_at: at(0),
            expires_at: at(3600),
            address: "192.0.2.4".into(),
            device: "Firefox 140".into(),
        }]
    }

    pub fn codes() -> Vec<CodeRecord> {
        vec![CodeRecord {
            user: UserId(300),
            salt: [5; 16],
            hash: [9; 32],
            issued_at: at(10),
            expires_at: at(310),
            attempts_left: 3,
        }]
    }

    pub fn credentials() -> Vec<Credentials> {
        vec![Credentials {
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        }]
    }

    pub fn totps() -> Vec<TotpRecord> {
        vec![
            TotpRecord {
                secret: [3; 20],
                confirmed_at: Some(at(20)),
                last_step: Some(59_066_667),
            },
            TotpRecord {
                secret: [4; 20],
                confirmed_at: None,
                last_step: None,
            },
        ]
    }

    pub fn code_factors() -> Vec<CodeFactor> {
        vec![
            CodeFactor {
                channel: DeliveryChannel::Email,
                since: at(30),
            },
            CodeFactor {
                channel: DeliveryChannel::Sms,
                since: at(31),
            },
        ]
    }

    pub fn pending_sign_ins() -> Vec<PendingSignIn> {
        vec![PendingSignIn {
            user: UserId(2),
            expires_at: at(40),
            attempts_left: 5,
        }]
    }

    pub fn policies() -> Vec<SignInPolicy> {
        vec![
            SignInPolicy {
                staff_need_authenticator: true,
            },
            SignInPolicy::default(),
        ]
    }

    pub fn passkeys() -> Vec<Passkey> {
        vec![
            Passkey {
                user: UserId(11),
                name: "Телефон".into(),
                public_key: PublicKey::Es256 {
                    x: [1; 32],
                    y: [2; 32],
                },
                sign_count: 4,
                created_at: at(50),
                last_used: Some(at(51)),
                user_verified: true,
                backup_eligible: false,
            },
            Passkey {
                user: UserId(12),
                name: "Key".into(),
                public_key: PublicKey::Rs256 {
                    n: vec![0xc1, 0x02, 0x03],
                    e: vec![1, 0, 1],
                },
                sign_count: 0,
                created_at: at(52),
                last_used: None,
                user_verified: false,
                backup_eligible: true,
            },
        ]
    }

    pub fn passkey_challenges() -> Vec<PasskeyChallenge> {
        vec![
            PasskeyChallenge {
                purpose: ChallengePurpose::Register(UserId(13)),
                challenge: vec![8; 4],
                expires_at: at(60),
            },
            PasskeyChallenge {
                purpose: ChallengePurpose::SignIn,
                challenge: vec![],
                expires_at: at(61),
            },
        ]
    }

    pub fn qr_logins() -> Vec<QrLogin> {
        [
            QrState::Waiting,
            QrState::Approved(UserId(14)),
            QrState::Denied,
            QrState::Used,
        ]
        .into_iter()
        .map(|state| QrLogin {
            browser: [6; 32],
            address: "198.51.100.9".into(),
            device: "Safari".into(),
            created_at: at(70),
            expires_at: at(130),
            state,
        })
        .collect()
    }

    pub fn attachments() -> Vec<AttachmentMeta> {
        [
            FileType::Pdf,
            FileType::Jpeg,
            FileType::Png,
            FileType::Docx,
            FileType::Xlsx,
        ]
        .into_iter()
        .map(|file_type| AttachmentMeta {
            id: AttachmentId(21),
            appeal: AppealId(22),
            uploaded_by: UserId(23),
            name: "өтініш.pdf".into(),
            file_type,
            size: 70_000,
            sha256: "ab".repeat(32),
        })
        .collect()
    }

    pub fn pending_uploads() -> Vec<PendingUploads> {
        vec![PendingUploads {
            owner: UserId(24),
            session: [7; 32],
            created_at: at(80),
            expires_at: at(980),
            files: vec![
                PendingFile {
                    name: "a.png".into(),
                    file_type: FileType::Png,
                    bytes: vec![0x89, b'P', b'N', b'G'],
                },
                PendingFile {
                    name: "b.docx".into(),
                    file_type: FileType::Docx,
                    bytes: vec![],
                },
            ],
        }]
    }

    pub fn signatures() -> Vec<StoredSignature> {
        [
            (
                SignedDocument::Appeal,
                Some("900101300126"),
                None,
                None,
                None,
            ),
            (
                SignedDocument::Answer,
                None,
                Some("150340001236"),
                Some("ТОО «Қарасу»"),
                Some(at(91)),
            ),
        ]
        .into_iter()
        .map(
            |(document, iin, bin, organization, signing_time)| StoredSignature {
                appeal: AppealId(25),
                event: 3,
                document,
                by: UserId(26),
                content: "Otinish appeal\nkind: application\n".into(),
                cms: "MIIB".into(),
                signer: SignerSummary {
                    common_name: "СЕРІКОВА АЙГҮЛ".into(),
                    iin: iin.map(Into::into),
                    bin: bin.map(Into::into),
                    organization: organization.map(Into::into),
                    serial_hex: "8f3a".into(),
                    issuer: "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)".into(),
                    not_before: at(-1000),
                    not_after: at(1_000_000),
                    signing_time,
                    algorithm: "RSA-SHA256".into(),
                },
                verified_at: at(92),
            },
        )
        .collect()
    }

    pub fn deliveries() -> Vec<Delivery> {
        [
            (
                DeliveryChannel::Email,
                DeliveryStatus::Pending,
                Some(UserId(27)),
            ),
            (DeliveryChannel::Sms, DeliveryStatus::Sent(at(101)), None),
            (
                DeliveryChannel::Email,
                DeliveryStatus::Failed("550 no such user".into()),
                Some(UserId(28)),
            ),
            (DeliveryChannel::Sms, DeliveryStatus::Expired, None),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (channel, status, user))| Delivery {
            id: 40 + i as u64,
            user,
            channel,
            to: "+77010000000".into(),
            subject: "Өтініш".into(),
            body: "Код: 123456".into(),
            secret: i % 2 == 0,
            created_at: at(100),
            expires_at: (i % 2 == 1).then(|| at(400)),
            attempts: 2,
            next_attempt_at: at(160),
            last_error: "timeout".into(),
            status,
        })
        .collect()
    }
}
