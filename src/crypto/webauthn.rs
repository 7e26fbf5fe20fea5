//! `WebAuthn` (passkey) relying-party verification: registration (attestation,
//! `WebAuthn` Level 2 §7.1) and sign-in (assertion, §7.2), pure Rust on `ring`.
//!
//! The pages' script calls `navigator.credentials.create/get` and posts the
//! results base64url-encoded; the caller decodes them (see [`decode_b64url`])
//! and hands the raw bytes here together with the challenge it issued and kept
//! in the session. This module owns only the cryptographic and format checks;
//! choosing the challenge, looking up the credential by id, the user handle,
//! and storing the returned counter belong to the caller.
//!
//! Invariants:
//! - no input panics; every input is size-capped and every failure is a
//!   [`WebauthnError`];
//! - only ES256 (COSE -7, P-256) and RS256 (COSE -257, 2048–8192 bit) keys are
//!   accepted;
//! - attestation formats "none" and "packed" only. "packed" with `x5c` is
//!   verified with the leaf certificate's public key, but no certificate chain
//!   is validated against any trust anchor, so attestation is never a claim
//!   about the authenticator's make — only that the statement is consistent;
//! - a challenge shorter than 16 bytes (for example, an empty one from a lost
//!   session) is always refused.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ciborium::Value;
use ring::{digest, signature};
use serde::{Deserialize, Serialize};

/// Largest accepted `clientDataJSON`, in bytes.
pub const MAX_CLIENT_DATA_JSON: usize = 4 * 1024;
/// Largest accepted `attestationObject`, in bytes.
pub const MAX_ATTESTATION_OBJECT: usize = 16 * 1024;
/// Largest accepted `authenticatorData` at sign-in, in bytes.
pub const MAX_AUTHENTICATOR_DATA: usize = 16 * 1024;
/// Largest accepted signature, in bytes (an RSA-8192 signature).
pub const MAX_SIGNATURE: usize = 1024;
/// Shortest challenge the caller may pass, in bytes (the spec asks for 16).
pub const MIN_CHALLENGE: usize = 16;

/// Largest base64url text [`decode_b64url`] accepts, in characters.
const MAX_B64_TEXT: usize = 32 * 1024;
/// Largest credential id (§6.5.1).
const MAX_CREDENTIAL_ID: usize = 1023;
/// Deepest CBOR nesting accepted anywhere (real payloads use 3 or 4 levels).
const CBOR_DEPTH: usize = 16;
/// Longest piece of untrusted text copied into an error.
const MAX_ERROR_TEXT: usize = 128;

const COSE_ES256: i64 = -7;
const COSE_RS256: i64 = -257;

const FLAG_UP: u8 = 0x01;
const FLAG_UV: u8 = 0x04;
const FLAG_BE: u8 = 0x08;
const FLAG_BS: u8 = 0x10;
const FLAG_AT: u8 = 0x40;
const FLAG_ED: u8 = 0x80;

/// Why a registration or sign-in was refused. The project translates by
/// variant; the `Display` text is short English for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebauthnError {
    /// The input is not well-formed (bad encoding, missing field, too large…).
    #[error("malformed WebAuthn data: {0}")]
    Malformed(String),
    /// `clientDataJSON.type` is not the one expected for this ceremony.
    #[error("wrong client data type")]
    WrongType,
    /// The challenge signed by the browser is not the one we issued.
    #[error("challenge mismatch")]
    ChallengeMismatch,
    /// The page origin is not ours, or the request was cross-origin.
    #[error("origin mismatch: {got}")]
    OriginMismatch {
        /// The origin the browser reported (clipped).
        got: String,
    },
    /// The authenticator data is scoped to another relying-party id.
    #[error("relying party id mismatch")]
    RpIdMismatch,
    /// The authenticator did not report user presence.
    #[error("user not present")]
    UserNotPresent,
    /// The credential or attestation uses a COSE algorithm we do not accept.
    #[error("unsupported algorithm {0}")]
    UnsupportedAlgorithm(i64),
    /// The attestation format (or a variant of it) is not supported.
    #[error("unsupported attestation: {0}")]
    UnsupportedAttestation(String),
    /// A signature did not verify.
    #[error("bad signature")]
    BadSignature,
    /// The signature counter did not increase: possibly a cloned authenticator.
    #[error("signature counter went back (stored {stored}, got {got})")]
    CounterWentBack {
        /// The counter stored with the credential.
        stored: u32,
        /// The counter the authenticator reported now.
        got: u32,
    },
}

/// The relying party: the host name users see and the exact origin of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelyingParty {
    /// The RP id, a registrable domain such as `desk.example` (no scheme, no port).
    pub id: String,
    /// The exact origin pages are served from, such as `https://desk.example:8443`.
    pub origin: String,
}

/// A credential public key, stored with the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PublicKey {
    /// ECDSA P-256 with SHA-256 (COSE -7): the affine coordinates, big-endian.
    Es256 {
        /// X coordinate.
        x: [u8; 32],
        /// Y coordinate.
        y: [u8; 32],
    },
    /// RSASSA-PKCS1-v1_5 with SHA-256 (COSE -257), big-endian without leading zeros.
    Rs256 {
        /// Modulus.
        n: Vec<u8>,
        /// Public exponent.
        e: Vec<u8>,
    },
}

impl PublicKey {
    /// The COSE algorithm identifier of this key (-7 or -257).
    pub fn algorithm(&self) -> i64 {
        match self {
            PublicKey::Es256 { .. } => COSE_ES256,
            PublicKey::Rs256 { .. } => COSE_RS256,
        }
    }
}

/// The attestation format a credential was registered with. Neither is
/// checked against trust anchors; it is kept for the record only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttestationFormat {
    /// "none": no attestation statement.
    None,
    /// "packed": self attestation, or with an `x5c` certificate whose key
    /// signed the statement (the chain itself is not validated).
    Packed,
}

/// What registration yields, to be stored with the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPasskey {
    /// The credential id, used to find the key at sign-in (at most 1023 bytes).
    pub credential_id: Vec<u8>,
    /// The credential public key.
    pub public_key: PublicKey,
    /// The initial signature counter (0 for authenticators that do not count).
    pub sign_count: u32,
    /// The attestation format the authenticator used.
    pub attestation: AttestationFormat,
    /// Whether the authenticator verified the user (PIN, biometrics).
    pub user_verified: bool,
    /// Whether the credential may be synced or backed up (a multi-device passkey).
    pub backup_eligible: bool,
}

/// Encodes bytes as unpadded base64url, as the page script expects (e.g. the challenge).
pub fn encode_b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes an unpadded base64url field posted by the page script (at most 32 KiB of text).
pub fn decode_b64url(text: &str) -> Result<Vec<u8>, WebauthnError> {
    if text.len() > MAX_B64_TEXT {
        return Err(malformed("base64url field too long"));
    }
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| malformed("field is not unpadded base64url"))
}

/// Verifies a registration (`navigator.credentials.create`) against the
/// challenge issued for it, and returns the credential to store.
///
/// `client_data_json` and `attestation_object` are the raw bytes of
/// `response.clientDataJSON` and `response.attestationObject`.
pub fn verify_registration(
    rp: &RelyingParty,
    challenge: &[u8],
    client_data_json: &[u8],
    attestation_object: &[u8],
) -> Result<NewPasskey, WebauthnError> {
    check_client_data(rp, challenge, client_data_json, "webauthn.create")?;
    let statement = parse_attestation_object(attestation_object)?;
    let auth = parse_auth_data(&statement.auth_data)?;
    check_rp_and_presence(rp, &auth)?;
    let Some(credential) = auth.attested else {
        return Err(malformed("registration without attested credential data"));
    };
    let attestation = match statement.fmt.as_str() {
        "none" => {
            if !statement.att_stmt.is_empty() {
                return Err(malformed("\"none\" attestation with a statement"));
            }
            AttestationFormat::None
        }
        "packed" => {
            let signed = signed_message(&statement.auth_data, client_data_json);
            verify_packed(&statement.att_stmt, &credential.public_key, &signed)?;
            AttestationFormat::Packed
        }
        other => return Err(WebauthnError::UnsupportedAttestation(clip(other))),
    };
    Ok(NewPasskey {
        credential_id: credential.credential_id,
        public_key: credential.public_key,
        sign_count: auth.sign_count,
        attestation,
        user_verified: auth.flags & FLAG_UV != 0,
        backup_eligible: auth.flags & FLAG_BE != 0,
    })
}

/// Verifies a sign-in (`navigator.credentials.get`) with the stored key and
/// counter; returns the new signature counter to store.
///
/// Counter rule: if either the stored or the new counter is non-zero, the new
/// one must be greater, else [`WebauthnError::CounterWentBack`]; both zero is
/// accepted (authenticators that do not count, such as synced passkeys).
pub fn verify_assertion(
    rp: &RelyingParty,
    challenge: &[u8],
    key: &PublicKey,
    stored_count: u32,
    client_data_json: &[u8],
    authenticator_data: &[u8],
    signature: &[u8],
) -> Result<u32, WebauthnError> {
    check_client_data(rp, challenge, client_data_json, "webauthn.get")?;
    if authenticator_data.len() > MAX_AUTHENTICATOR_DATA {
        return Err(malformed("authenticatorData too large"));
    }
    if signature.len() > MAX_SIGNATURE {
        return Err(malformed("signature too large"));
    }
    let auth = parse_auth_data(authenticator_data)?;
    check_rp_and_presence(rp, &auth)?;
    let signed = signed_message(authenticator_data, client_data_json);
    verify_signature(key, &signed, signature)?;
    let got = auth.sign_count;
    if (stored_count != 0 || got != 0) && got <= stored_count {
        return Err(WebauthnError::CounterWentBack {
            stored: stored_count,
            got,
        });
    }
    Ok(got)
}

// ---------------------------------------------------------------------------
// clientDataJSON

/// The fields of `CollectedClientData` we check; unknown keys are ignored.
#[derive(Deserialize)]
struct ClientData {
    #[serde(rename = "type")]
    kind: String,
    challenge: String,
    origin: String,
    #[serde(rename = "crossOrigin", default)]
    cross_origin: Option<bool>,
}

fn check_client_data(
    rp: &RelyingParty,
    challenge: &[u8],
    client_data_json: &[u8],
    expected_type: &str,
) -> Result<(), WebauthnError> {
    if client_data_json.len() > MAX_CLIENT_DATA_JSON {
        return Err(malformed("clientDataJSON too large"));
    }
    let data: ClientData = serde_json::from_slice(client_data_json)
        .map_err(|e| WebauthnError::Malformed(clip(&format!("clientDataJSON: {e}"))))?;
    if data.kind != expected_type {
        return Err(WebauthnError::WrongType);
    }
    let signed_challenge = URL_SAFE_NO_PAD
        .decode(data.challenge.as_bytes())
        .map_err(|_| malformed("clientDataJSON challenge is not base64url"))?;
    if challenge.len() < MIN_CHALLENGE || !constant_time_eq(&signed_challenge, challenge) {
        return Err(WebauthnError::ChallengeMismatch);
    }
    if data.origin != rp.origin {
        return Err(WebauthnError::OriginMismatch {
            got: clip(&data.origin),
        });
    }
    if data.cross_origin == Some(true) {
        return Err(WebauthnError::OriginMismatch {
            got: clip(&format!("{} (cross-origin)", data.origin)),
        });
    }
    Ok(())
}

/// Compares two byte strings in time independent of where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

// ---------------------------------------------------------------------------
// authenticatorData

/// Parsed `authenticatorData` (§6.1).
struct AuthData {
    rp_id_hash: [u8; 32],
    flags: u8,
    sign_count: u32,
    attested: Option<AttestedCredential>,
}

/// Attested credential data (§6.5.1); the AAGUID is read and dropped.
struct AttestedCredential {
    credential_id: Vec<u8>,
    public_key: PublicKey,
}

fn parse_auth_data(bytes: &[u8]) -> Result<AuthData, WebauthnError> {
    let too_short = || malformed("authenticatorData too short");
    let (rp_id_hash, rest) = bytes.split_first_chunk::<32>().ok_or_else(too_short)?;
    let (&flags, rest) = rest.split_first().ok_or_else(too_short)?;
    let (count, mut rest) = rest.split_first_chunk::<4>().ok_or_else(too_short)?;
    if flags & FLAG_BS != 0 && flags & FLAG_BE == 0 {
        return Err(malformed("backup state set without backup eligibility"));
    }
    let attested = if flags & FLAG_AT == 0 {
        None
    } else {
        let short = || malformed("attested credential data too short");
        let (_aaguid, after) = rest.split_first_chunk::<16>().ok_or_else(short)?;
        let (id_len, after) = after.split_first_chunk::<2>().ok_or_else(short)?;
        let id_len = usize::from(u16::from_be_bytes(*id_len));
        if id_len > MAX_CREDENTIAL_ID {
            return Err(malformed("credential id longer than 1023 bytes"));
        }
        let (credential_id, mut after) = after.split_at_checked(id_len).ok_or_else(short)?;
        let key = read_cbor(&mut after, "credential public key")?;
        rest = after;
        Some(AttestedCredential {
            credential_id: credential_id.to_vec(),
            public_key: parse_cose_key(key)?,
        })
    };
    if flags & FLAG_ED != 0 {
        // Extension outputs are tolerated, not interpreted.
        if !matches!(read_cbor(&mut rest, "extensions")?, Value::Map(_)) {
            return Err(malformed("extensions are not a CBOR map"));
        }
    }
    if !rest.is_empty() {
        return Err(malformed("trailing bytes in authenticatorData"));
    }
    Ok(AuthData {
        rp_id_hash: *rp_id_hash,
        flags,
        sign_count: u32::from_be_bytes(*count),
        attested,
    })
}

fn check_rp_and_presence(rp: &RelyingParty, auth: &AuthData) -> Result<(), WebauthnError> {
    let expected = digest::digest(&digest::SHA256, rp.id.as_bytes());
    if auth.rp_id_hash.as_slice() != expected.as_ref() {
        return Err(WebauthnError::RpIdMismatch);
    }
    if auth.flags & FLAG_UP == 0 {
        return Err(WebauthnError::UserNotPresent);
    }
    Ok(())
}

/// `authenticatorData || SHA-256(clientDataJSON)`, what both ceremonies sign.
fn signed_message(authenticator_data: &[u8], client_data_json: &[u8]) -> Vec<u8> {
    let client_hash = digest::digest(&digest::SHA256, client_data_json);
    [authenticator_data, client_hash.as_ref()].concat()
}

// ---------------------------------------------------------------------------
// CBOR and COSE keys

/// Reads one CBOR item from the front of `input`, advancing it past the item.
fn read_cbor(input: &mut &[u8], what: &str) -> Result<Value, WebauthnError> {
    ciborium::de::from_reader_with_recursion_limit(&mut *input, CBOR_DEPTH)
        .map_err(|e| WebauthnError::Malformed(clip(&format!("{what}: {e}"))))
}

fn cbor_int(value: &Value) -> Option<i64> {
    match value {
        Value::Integer(i) => i64::try_from(*i).ok(),
        _ => None,
    }
}

/// Decodes a `COSE_Key` (RFC 9052 §7, RFC 9053 §2.1 and RFC 8230 §4).
fn parse_cose_key(key: Value) -> Result<PublicKey, WebauthnError> {
    let Value::Map(entries) = key else {
        return Err(malformed("credential public key is not a CBOR map"));
    };
    let mut labels: Vec<(i64, Value)> = Vec::with_capacity(entries.len());
    for (label, value) in entries {
        // Text labels are legal in COSE but carry nothing we use.
        let Value::Integer(label) = label else {
            continue;
        };
        let label = i64::try_from(label).map_err(|_| malformed("COSE label out of range"))?;
        if labels.iter().any(|(seen, _)| *seen == label) {
            return Err(malformed("duplicate COSE key label"));
        }
        labels.push((label, value));
    }
    let get = |label: i64| {
        labels
            .iter()
            .find(|(l, _)| *l == label)
            .map(|(_, value)| value)
    };
    let int = |label: i64, what: &str| {
        get(label)
            .and_then(cbor_int)
            .ok_or_else(|| malformed(&format!("COSE key without integer {what}")))
    };
    let bytes = |label: i64, what: &str| match get(label) {
        Some(Value::Bytes(b)) => Ok(b.as_slice()),
        _ => Err(malformed(&format!("COSE key without {what}"))),
    };
    let alg = int(3, "alg")?;
    let kty = int(1, "kty")?;
    match alg {
        COSE_ES256 => {
            if kty != 2 || int(-1, "crv")? != 1 {
                return Err(malformed("ES256 key that is not EC2 on P-256"));
            }
            let coordinate = |label: i64, what: &str| {
                <[u8; 32]>::try_from(bytes(label, what)?)
                    .map_err(|_| malformed("P-256 coordinate is not 32 bytes"))
            };
            Ok(PublicKey::Es256 {
                x: coordinate(-2, "x")?,
                y: coordinate(-3, "y")?,
            })
        }
        COSE_RS256 => {
            if kty != 3 {
                return Err(malformed("RS256 key that is not RSA"));
            }
            rsa_key(bytes(-1, "n")?, bytes(-2, "e")?)
        }
        other => Err(WebauthnError::UnsupportedAlgorithm(other)),
    }
}

/// Builds an RS256 key from big-endian `n` and `e`, normalising leading zeros
/// and refusing sizes `ring` would never verify with.
fn rsa_key(n: &[u8], e: &[u8]) -> Result<PublicKey, WebauthnError> {
    let n = strip_leading_zeros(n);
    let e = strip_leading_zeros(e);
    if !(256..=1024).contains(&n.len()) {
        return Err(malformed("RSA modulus is not 2048 to 8192 bits"));
    }
    if e.is_empty() || e.len() > 5 {
        return Err(malformed("RSA exponent out of range"));
    }
    Ok(PublicKey::Rs256 {
        n: n.to_vec(),
        e: e.to_vec(),
    })
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

fn verify_signature(key: &PublicKey, message: &[u8], sig: &[u8]) -> Result<(), WebauthnError> {
    let result = match key {
        PublicKey::Es256 { x, y } => {
            let mut point = Vec::with_capacity(65);
            point.push(0x04);
            point.extend_from_slice(x);
            point.extend_from_slice(y);
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, point)
                .verify(message, sig)
        }
        PublicKey::Rs256 { n, e } => signature::RsaPublicKeyComponents { n, e }.verify(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            message,
            sig,
        ),
    };
    result.map_err(|_| WebauthnError::BadSignature)
}

// ---------------------------------------------------------------------------
// attestationObject and the "packed" format

struct AttestationObject {
    fmt: String,
    att_stmt: Vec<(Value, Value)>,
    auth_data: Vec<u8>,
}

fn parse_attestation_object(bytes: &[u8]) -> Result<AttestationObject, WebauthnError> {
    if bytes.len() > MAX_ATTESTATION_OBJECT {
        return Err(malformed("attestationObject too large"));
    }
    let mut rest = bytes;
    let Value::Map(entries) = read_cbor(&mut rest, "attestationObject")? else {
        return Err(malformed("attestationObject is not a CBOR map"));
    };
    if !rest.is_empty() {
        return Err(malformed("trailing bytes after attestationObject"));
    }
    let (mut fmt, mut att_stmt, mut auth_data) = (None, None, None);
    for (key, value) in entries {
        let Value::Text(key) = key else {
            return Err(malformed("attestationObject key is not text"));
        };
        let duplicate = match (key.as_str(), value) {
            ("fmt", Value::Text(v)) => fmt.replace(v).is_some(),
            ("attStmt", Value::Map(v)) => att_stmt.replace(v).is_some(),
            ("authData", Value::Bytes(v)) => auth_data.replace(v).is_some(),
            ("fmt" | "attStmt" | "authData", _) => {
                return Err(malformed("attestationObject field of the wrong type"));
            }
            _ => false, // unknown keys are tolerated
        };
        if duplicate {
            return Err(malformed("duplicate attestationObject field"));
        }
    }
    match (fmt, att_stmt, auth_data) {
        (Some(fmt), Some(att_stmt), Some(auth_data)) => Ok(AttestationObject {
            fmt,
            att_stmt,
            auth_data,
        }),
        _ => Err(malformed(
            "attestationObject lacks fmt, attStmt or authData",
        )),
    }
}

/// Verifies a "packed" statement (§8.2): self attestation with the credential
/// key, or `x5c` with the leaf certificate's key (no chain validation).
fn verify_packed(
    att_stmt: &[(Value, Value)],
    credential_key: &PublicKey,
    signed: &[u8],
) -> Result<(), WebauthnError> {
    let (mut alg, mut sig, mut x5c) = (None, None, None);
    for (key, value) in att_stmt {
        let Value::Text(key) = key else {
            return Err(malformed("attStmt key is not text"));
        };
        let duplicate = match (key.as_str(), value) {
            ("alg", v) => alg
                .replace(cbor_int(v).ok_or_else(|| malformed("packed alg is not an integer"))?)
                .is_some(),
            ("sig", Value::Bytes(v)) => sig.replace(v.as_slice()).is_some(),
            ("x5c", Value::Array(v)) => x5c.replace(v.as_slice()).is_some(),
            ("ecdaaKeyId", _) => {
                return Err(WebauthnError::UnsupportedAttestation(
                    "packed with ECDAA".into(),
                ));
            }
            ("sig" | "x5c", _) => return Err(malformed("attStmt field of the wrong type")),
            _ => false,
        };
        if duplicate {
            return Err(malformed("duplicate attStmt field"));
        }
    }
    let (Some(alg), Some(sig)) = (alg, sig) else {
        return Err(malformed("packed attStmt lacks alg or sig"));
    };
    match x5c {
        None => {
            if alg != credential_key.algorithm() {
                return Err(malformed("packed alg differs from the credential's"));
            }
            verify_signature(credential_key, signed, sig)
        }
        Some(chain) => {
            let Some(Value::Bytes(leaf)) = chain.first() else {
                return Err(malformed("packed x5c without a leaf certificate"));
            };
            if alg != COSE_ES256 && alg != COSE_RS256 {
                return Err(WebauthnError::UnsupportedAlgorithm(alg));
            }
            let attestation_key = certificate_public_key(leaf)?;
            if attestation_key.algorithm() != alg {
                return Err(malformed("packed alg does not fit the certificate key"));
            }
            verify_signature(&attestation_key, signed, sig)
        }
    }
}

// ---------------------------------------------------------------------------
// Just enough DER to reach an X.509 certificate's SubjectPublicKeyInfo

const DER_INTEGER: u8 = 0x02;
const DER_BIT_STRING: u8 = 0x03;
const DER_NULL: u8 = 0x05;
const DER_OID: u8 = 0x06;
const DER_SEQUENCE: u8 = 0x30;
const DER_EXPLICIT_0: u8 = 0xa0;
/// 1.2.840.10045.2.1 (id-ecPublicKey)
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// 1.2.840.10045.3.1.7 (prime256v1)
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// 1.2.840.113549.1.1.1 (rsaEncryption)
const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// Splits one DER element with the given tag off the front of `input`,
/// returning its contents and what follows.
fn der_take(input: &[u8], tag: u8) -> Result<(&[u8], &[u8]), WebauthnError> {
    let bad = || malformed("attestation certificate is not valid DER");
    let (&got, rest) = input.split_first().ok_or_else(bad)?;
    if got != tag {
        return Err(bad());
    }
    let (&first, mut rest) = rest.split_first().ok_or_else(bad)?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 3 {
            return Err(bad());
        }
        let (len_bytes, after) = rest.split_at_checked(count).ok_or_else(bad)?;
        rest = after;
        len_bytes
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b))
    };
    rest.split_at_checked(len).ok_or_else(bad)
}

/// Extracts the subject public key of a certificate as an ES256 or RS256 key.
fn certificate_public_key(cert: &[u8]) -> Result<PublicKey, WebauthnError> {
    let (certificate, trailing) = der_take(cert, DER_SEQUENCE)?;
    if !trailing.is_empty() {
        return Err(malformed("trailing bytes after attestation certificate"));
    }
    let (mut tbs, _) = der_take(certificate, DER_SEQUENCE)?;
    if tbs.first() == Some(&DER_EXPLICIT_0) {
        tbs = der_take(tbs, DER_EXPLICIT_0)?.1; // version
    }
    tbs = der_take(tbs, DER_INTEGER)?.1; // serialNumber
    for _field in ["signature", "issuer", "validity", "subject"] {
        tbs = der_take(tbs, DER_SEQUENCE)?.1;
    }
    let (spki, _) = der_take(tbs, DER_SEQUENCE)?;
    let (algorithm, rest) = der_take(spki, DER_SEQUENCE)?;
    let (bits, _) = der_take(rest, DER_BIT_STRING)?;
    let Some((0, key)) = bits.split_first() else {
        return Err(malformed("certificate key is not a whole-byte BIT STRING"));
    };
    let (oid, params) = der_take(algorithm, DER_OID)?;
    if oid == OID_EC_PUBLIC_KEY {
        let (curve, _) = der_take(params, DER_OID)?;
        if curve != OID_P256 {
            return Err(WebauthnError::UnsupportedAttestation(
                "packed x5c with a non-P-256 EC key".into(),
            ));
        }
        let Some((0x04, xy)) = key.split_first() else {
            return Err(malformed("certificate EC point is not uncompressed"));
        };
        let (x, y) = xy
            .split_first_chunk::<32>()
            .ok_or_else(|| malformed("certificate EC point has the wrong size"))?;
        let y = <[u8; 32]>::try_from(y)
            .map_err(|_| malformed("certificate EC point has the wrong size"))?;
        Ok(PublicKey::Es256 { x: *x, y })
    } else if oid == OID_RSA {
        if !params.is_empty() {
            der_take(params, DER_NULL)?;
        }
        let (rsa, _) = der_take(key, DER_SEQUENCE)?;
        let (n, rest) = der_take(rsa, DER_INTEGER)?;
        let (e, _) = der_take(rest, DER_INTEGER)?;
        rsa_key(n, e)
    } else {
        Err(WebauthnError::UnsupportedAttestation(
            "packed x5c with an unsupported key type".into(),
        ))
    }
}

// ---------------------------------------------------------------------------
// Small helpers

fn malformed(what: &str) -> WebauthnError {
    WebauthnError::Malformed(what.to_owned())
}

/// Copies at most [`MAX_ERROR_TEXT`] characters of untrusted text into an error.
fn clip(text: &str) -> String {
    text.chars().take(MAX_ERROR_TEXT).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
