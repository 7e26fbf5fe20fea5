//! Verification of CMS (PKCS #7 `SignedData`) signatures made with `NCALayer`, the signing app of
//! Kazakhstan's national PKI (НУЦ РК).
//!
//! Owns: decoding the signature (DER, BER with indefinite lengths as Java encoders write it,
//! base64 with or without PEM armour), matching its one `SignerInfo` against the content,
//! checking the signature with `ring`, building the chain to the roots the admin installed with
//! `webpki`, and reading who signed (IIN, BIN, name) from the verified certificate.
//!
//! Invariants:
//! * a [`Signer`] comes back only when every check passed: content digest (or attached content),
//!   signature, key usage for the [`Purpose`] (signing key or AUTH key), certificate chain,
//!   validity at `now`, and the signed signing time (if any) lying within the certificate's
//!   validity;
//! * exactly one signer is accepted; a CMS with more is refused, never half-verified;
//! * GOST signatures (`KalkanCrypt`) are refused as [`CmsError::UnsupportedAlgorithm`], never
//!   reported as forged;
//! * input is capped at [`MAX_INPUT_LEN`] bytes and no input makes this module panic.
//!
//! Revocation (CRL, OCSP) and time-stamp tokens are not checked here.

use std::borrow::Cow;
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use ring::signature::{self as ring_sig, UnparsedPublicKey, VerificationAlgorithm};
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, TrustAnchor, UnixTime};
use sha2::Digest as _;
use x509_parser::asn1_rs::{Any, Class, FromBer, Length, Oid};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;
use x509_parser::x509::AttributeTypeAndValue;

mod encoding;
mod structure;

#[allow(clippy::wildcard_imports)]
use encoding::*;
#[allow(clippy::wildcard_imports)]
use structure::*;

/// Largest CMS accepted by [`verify`], in bytes of input (base64 text or DER).
pub const MAX_INPUT_LEN: usize = 64 * 1024;
/// Largest CMS accepted by [`verify`] once decoded to DER, in bytes.
pub const MAX_DER_LEN: usize = 48 * 1024;
/// Largest certificate file accepted by [`TrustStore`], in bytes.
const MAX_CERT_FILE_LEN: usize = 1024 * 1024;

// Object identifiers, compared in dotted form.
const OID_DATA: &str = "1.2.840.113549.1.7.1";
const OID_SIGNED_DATA: &str = "1.2.840.113549.1.7.2";
const OID_CONTENT_TYPE: &str = "1.2.840.113549.1.9.3";
const OID_MESSAGE_DIGEST: &str = "1.2.840.113549.1.9.4";
const OID_SIGNING_TIME: &str = "1.2.840.113549.1.9.5";
const OID_SHA256: &str = "2.16.840.1.101.3.4.2.1";
const OID_SHA384: &str = "2.16.840.1.101.3.4.2.2";
const OID_SHA512: &str = "2.16.840.1.101.3.4.2.3";
const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_RSA_SHA256: &str = "1.2.840.113549.1.1.11";
const OID_RSA_SHA384: &str = "1.2.840.113549.1.1.12";
const OID_RSA_SHA512: &str = "1.2.840.113549.1.1.13";
const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const OID_ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
const OID_ECDSA_SHA512: &str = "1.2.840.10045.4.3.4";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";
const OID_CN: &str = "2.5.4.3";
const OID_SERIAL_NUMBER: &str = "2.5.4.5";
const OID_O: &str = "2.5.4.10";
const OID_OU: &str = "2.5.4.11";

/// id-kp-emailProtection (1.3.6.1.5.5.7.3.4), DER content: the EKU of NCA signing certificates.
const EKU_EMAIL_PROTECTION: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04];
/// The arc of NCA RK's user-type OIDs in the extended key usage.
const NCA_USER_TYPES: &str = "1.2.398.3.3.4.";
/// id-kp-clientAuth (1.3.6.1.5.5.7.3.2), DER content: the EKU of NCA authentication (AUTH) keys.
const EKU_CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];

/// What the signature is for; NCA issues each person two keys, and each must be used for its
/// own purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Signing a document (the signing key: EKU emailProtection 1.3.6.1.5.5.7.3.4).
    Sign,
    /// Signing in (the AUTH key: EKU clientAuth 1.3.6.1.5.5.7.3.2).
    Authenticate,
}

impl Purpose {
    /// The extended key usage a certificate must allow (if it names any) for this purpose.
    fn eku(self) -> &'static [u8] {
        match self {
            Purpose::Sign => EKU_EMAIL_PROTECTION,
            Purpose::Authenticate => EKU_CLIENT_AUTH,
        }
    }

    /// The refusal when the certificate's extended key usage is for something else.
    fn wrong_key(self) -> CmsError {
        match self {
            Purpose::Sign => CmsError::NotForSigning,
            Purpose::Authenticate => CmsError::NotForAuthentication,
        }
    }
}

// Universal tag numbers.
const TAG_INTEGER: u32 = 2;
const TAG_OCTET_STRING: u32 = 4;
const TAG_OID: u32 = 6;
const TAG_SEQUENCE: u32 = 16;
const TAG_SET: u32 = 17;
const TAG_UTC_TIME: u32 = 23;
const TAG_GENERALIZED_TIME: u32 = 24;
const TAG_BMP_STRING: u32 = 30;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Certificate signature algorithms accepted in the chain (RSA and ECDSA, as `webpki` offers).
static CHAIN_ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = &[
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256_ABSENT_PARAMS,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384_ABSENT_PARAMS,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512_ABSENT_PARAMS,
    webpki::ring::RSA_PKCS1_3072_8192_SHA384,
    webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    webpki::ring::ECDSA_P384_SHA256,
    webpki::ring::ECDSA_P384_SHA384,
];

/// Why a signature was not accepted; each variant is a case shown to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CmsError {
    /// Not a CMS signature: bad base64, bad DER/BER, missing fields, too large.
    #[error("not a valid CMS signature: {0}")]
    Malformed(String),
    /// An algorithm this verifier does not implement (GOST from `KalkanCrypt`, SHA-1, …).
    #[error("unsupported algorithm: {name} ({oid})")]
    UnsupportedAlgorithm {
        /// Human-readable name, e.g. `GOST R 34.10-2015 256-bit (Kazakhstan, KalkanCrypt)`.
        name: &'static str,
        /// The object identifier in dotted form (empty when unknown).
        oid: String,
    },
    /// The signature covers other data than the content given (digest or eContent differs).
    #[error("the signature was made over other data")]
    ContentMismatch,
    /// The signature value does not verify with the signer's public key.
    #[error("the signature value is invalid")]
    BadSignature,
    /// The CMS has no `SignerInfo`.
    #[error("the CMS contains no signer")]
    NoSigner,
    /// The CMS has several signers; only single-signer CMS is accepted.
    #[error("the CMS has {0} signers; exactly one is supported")]
    MultipleSigners(usize),
    /// The signer's certificate is not among the certificates in the CMS.
    #[error("the signer's certificate is not included in the CMS")]
    SignerCertificateMissing,
    /// The certificate is not for signing documents (e.g. the NCA authentication key).
    #[error("the certificate is not meant for signing documents")]
    NotForSigning,
    /// The certificate is not for signing in (e.g. the NCA signing key, not the AUTH key).
    #[error("the certificate is not meant for signing in")]
    NotForAuthentication,
    /// The certificate does not lead to an installed root (unknown issuer or broken chain).
    #[error("the certificate does not chain to an installed root: {reason}")]
    UntrustedChain {
        /// What failed, for logs.
        reason: String,
    },
    /// A certificate had expired at the checked time (now, or the signing time).
    #[error("the certificate expired at {not_after}")]
    Expired {
        /// End of the expired certificate's validity.
        not_after: Timestamp,
    },
    /// A certificate was not yet valid at the checked time (now, or the signing time).
    #[error("the certificate is not valid before {not_before}")]
    NotYetValid {
        /// Start of the certificate's validity.
        not_before: Timestamp,
    },
    /// The trust store has no roots: the admin has not installed the NCA root certificates.
    #[error("no root certificates are installed")]
    NoTrustAnchors,
}

fn malformed(message: impl Into<String>) -> CmsError {
    CmsError::Malformed(message.into())
}

/// Trusted roots and intermediates the admin installed (DER or PEM files' bytes).
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    roots: Vec<TrustAnchor<'static>>,
    intermediates: Vec<CertificateDer<'static>>,
}

impl TrustStore {
    /// An empty store; [`verify`] refuses everything until a root is added.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds roots (trust anchors) from a DER, PEM or bare base64 file; a PEM file may hold
    /// several certificates. Returns how many were added; on error nothing is added.
    pub fn add_root(&mut self, bytes: &[u8]) -> Result<usize, CmsError> {
        let certs = read_certificates(bytes)?;
        let mut anchors = Vec::with_capacity(certs.len());
        for der in &certs {
            let anchor = webpki::anchor_from_trusted_cert(der)
                .map_err(|e| malformed(format!("root certificate: {e}")))?;
            anchors.push(anchor.to_owned());
        }
        self.roots.extend(anchors);
        Ok(certs.len())
    }

    /// Adds intermediate CA certificates (same formats as [`TrustStore::add_root`]). They are
    /// offered to chain building but trusted only if they lead to a root.
    pub fn add_intermediate(&mut self, bytes: &[u8]) -> Result<usize, CmsError> {
        let certs = read_certificates(bytes)?;
        for der in &certs {
            parse_certificate(der)?;
        }
        let count = certs.len();
        self.intermediates.extend(certs);
        Ok(count)
    }

    /// True when no root is installed (intermediates alone cannot anchor a chain).
    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }
}

/// One certificate of a trust-store file, as the admin page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateInfo {
    /// Subject CN (the whole subject DN if it has no CN).
    pub subject: String,
    /// Serial number, lowercase hex without leading zero bytes.
    pub serial_hex: String,
    /// Start of the validity.
    pub not_before: Timestamp,
    /// End of the validity.
    pub not_after: Timestamp,
}

/// Describes the certificates of a DER, PEM or bare base64 file (the formats
/// [`TrustStore::add_root`] reads), without trusting them.
pub fn describe_certificates(bytes: &[u8]) -> Result<Vec<CertificateInfo>, CmsError> {
    let certs = read_certificates(bytes)?;
    let mut out = Vec::with_capacity(certs.len());
    for der in &certs {
        let cert = parse_certificate(der)?;
        let subject = cert
            .subject()
            .iter_common_name()
            .find_map(attribute_text)
            .unwrap_or_else(|| cert.subject().to_string());
        let validity = cert.validity();
        let time =
            |t: i64| Timestamp::from_second(t).map_err(|_| malformed("certificate validity"));
        out.push(CertificateInfo {
            subject,
            serial_hex: serial_hex(cert.raw_serial()),
            not_before: time(validity.not_before.timestamp())?,
            not_after: time(validity.not_after.timestamp())?,
        });
    }
    Ok(out)
}

/// A serial number as lowercase hex without leading zero bytes.
fn serial_hex(serial: &[u8]) -> String {
    let significant = serial
        .iter()
        .position(|&b| b != 0)
        .map_or(serial.len().saturating_sub(1), |i| i);
    let mut out = String::with_capacity(2 * serial.len());
    for byte in serial.get(significant..).unwrap_or_default() {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

/// Who signed, taken from the verified certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// Subject CN, e.g. "ҚҰНАНБАЕВ АБАЙ" (empty if the certificate has none).
    pub common_name: String,
    /// IIN from SERIALNUMBER "IIN…" (12 digits).
    pub iin: Option<String>,
    /// BIN from OU "BIN…" or SERIALNUMBER "BIN…" (12 digits): legal-entity certificates.
    pub bin: Option<String>,
    /// Subject O (organization name), for legal-entity certificates.
    pub organization: Option<String>,
    /// Certificate serial number, lowercase hex without leading zero bytes.
    pub serial_hex: String,
    /// Issuer CN (the whole issuer DN if it has no CN).
    pub issuer: String,
    /// Start of the certificate's validity.
    pub not_before: Timestamp,
    /// End of the certificate's validity.
    pub not_after: Timestamp,
    /// The signed signingTime attribute, if present.
    pub signing_time: Option<Timestamp>,
    /// Signature algorithm, e.g. "RSA-SHA256", "ECDSA-P256-SHA256".
    pub algorithm: &'static str,
    /// The NCA user-type OIDs in the extended key usage (`1.2.398.3.3.4.…`: individual, legal
    /// entity, first head, right to sign, …), in certificate order.
    pub roles: Vec<String>,
}

/// Verifies a detached CMS over `content` (or an attached one whose eContent must equal
/// `content`), accepting DER, BER or base64 (`NCALayer` returns base64; whitespace, newlines and
/// PEM armour are tolerated). Checks, in order: trust store not empty; decoding; `SignedData`
/// with exactly one `SignerInfo`; algorithms (SHA-256/384/512, RSA PKCS #1 v1.5, ECDSA
/// P-256/P-384); signer certificate by issuer and serial or by key identifier; content
/// (eContent, contentType and messageDigest attributes); signature (over the signed attributes
/// re-tagged as SET, or over the content when there are none); key usage; extended key usage
/// for `purpose`; chain to a root at `now`; signingTime within the certificate's validity. To
/// re-check a stored signature later, pass the time it was received as `now`. Revocation is
/// not checked.
pub fn verify(
    cms: &[u8],
    content: &[u8],
    trust: &TrustStore,
    now: Timestamp,
    purpose: Purpose,
) -> Result<Signer, CmsError> {
    if trust.is_empty() {
        return Err(CmsError::NoTrustAnchors);
    }
    let der = decode_input(cms)?;
    let signed = parse_signed_data(&der)?;
    let info = match signed.signer_infos.as_slice() {
        [] => return Err(CmsError::NoSigner),
        [one] => parse_signer_info(one)?,
        many => return Err(CmsError::MultipleSigners(many.len())),
    };
    let digest = DigestAlg::from_oid(&info.digest_oid)?;
    let (cert_der, cert) = find_signer_certificate(&signed.certificates, &info.sid)?;
    let (scheme, algorithm) = signature_scheme(&info.signature_oid, digest, &cert)?;

    if let Some(econtent) = &signed.econtent
        && econtent.as_ref() != content
    {
        return Err(CmsError::ContentMismatch);
    }
    let (message, signing_time) = match &info.signed_attrs {
        Some(attrs) => {
            let parsed = parse_signed_attrs(attrs.content)?;
            if parsed.content_type != signed.econtent_type {
                return Err(malformed("contentType attribute differs from the content"));
            }
            if parsed.message_digest != digest.hash(content).as_slice() {
                return Err(CmsError::ContentMismatch);
            }
            if !attrs.definite {
                return Err(malformed("signed attributes are not DER"));
            }
            // The signature covers the DER of the attributes as a SET OF, not as [0] IMPLICIT.
            let mut set = attrs.raw.to_vec();
            if let Some(tag) = set.first_mut() {
                *tag = 0x31;
            }
            (Cow::Owned(set), parsed.signing_time)
        }
        None => (Cow::Borrowed(content), None),
    };
    UnparsedPublicKey::new(scheme, cert.public_key().subject_public_key.data.as_ref())
        .verify(&message, info.signature)
        .map_err(|_| CmsError::BadSignature)?;

    check_key_usage(&cert, purpose)?;
    verify_chain(cert_der, &signed.certificates, trust, now, purpose)?;
    let who = describe(&cert, signing_time, algorithm)?;
    if let Some(at) = signing_time {
        if at > who.not_after {
            return Err(CmsError::Expired {
                not_after: who.not_after,
            });
        }
        if at < who.not_before {
            return Err(CmsError::NotYetValid {
                not_before: who.not_before,
            });
        }
    }
    Ok(who)
}

// ---------------------------------------------------------------------------------------------
// Algorithms and signature.

#[derive(Clone, Copy, PartialEq, Eq)]
enum DigestAlg {
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlg {
    fn from_oid(oid: &str) -> Result<Self, CmsError> {
        match oid {
            OID_SHA256 => Ok(Self::Sha256),
            OID_SHA384 => Ok(Self::Sha384),
            OID_SHA512 => Ok(Self::Sha512),
            other => Err(unsupported(other, "unknown digest algorithm")),
        }
    }

    fn hash(self, data: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => sha2::Sha256::digest(data).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(data).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(data).to_vec(),
        }
    }
}

fn unsupported(oid: &str, fallback: &'static str) -> CmsError {
    CmsError::UnsupportedAlgorithm {
        name: algorithm_name(oid).unwrap_or(fallback),
        oid: oid.to_owned(),
    }
}

/// Names of algorithms met in the wild that this module refuses.
fn algorithm_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.398.3.10.1.1.1.1" | "1.2.398.3.10.1.1.1.2" => {
            "GOST 34.310-2004 (Kazakhstan, KalkanCrypt)"
        }
        "1.2.398.3.10.1.3.1" => "GOST 34.311-95 hash (Kazakhstan, KalkanCrypt)",
        "1.2.398.3.10.1.1.2.3.1" => "GOST R 34.10-2015 256-bit (Kazakhstan, KalkanCrypt)",
        "1.2.398.3.10.1.1.2.3.2" => "GOST R 34.10-2015 512-bit (Kazakhstan, KalkanCrypt)",
        "1.2.398.3.10.1.3.2" | "1.2.398.3.10.1.3.3" => {
            "GOST R 34.11-2015 hash (Kazakhstan, KalkanCrypt)"
        }
        o if o.starts_with("1.2.398.3.10.") => "GOST (Kazakhstan, KalkanCrypt)",
        "1.2.643.7.1.1.1.1" | "1.2.643.7.1.1.1.2" | "1.2.643.7.1.1.3.2" | "1.2.643.7.1.1.3.3" => {
            "GOST R 34.10-2012 (Russia)"
        }
        "1.2.643.7.1.1.2.2" | "1.2.643.7.1.1.2.3" => "GOST R 34.11-2012 Streebog hash (Russia)",
        o if o.starts_with("1.2.643.") => "GOST (Russia)",
        "1.3.14.3.2.26" | "1.2.840.113549.1.1.5" | "1.2.840.10045.4.1" => "SHA-1 (too weak)",
        "1.2.840.113549.2.5" | "1.2.840.113549.1.1.4" => "MD5 (too weak)",
        "2.16.840.1.101.3.4.2.4" => "SHA-224",
        "1.2.840.113549.1.1.10" => "RSA-PSS",
        "1.3.101.112" => "Ed25519",
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Rsa,
    EcP256,
    EcP384,
}

fn key_kind(cert: &X509Certificate<'_>) -> Result<KeyKind, CmsError> {
    let algorithm = &cert.public_key().algorithm;
    match algorithm.algorithm.to_id_string().as_str() {
        OID_RSA => Ok(KeyKind::Rsa),
        OID_EC_PUBLIC_KEY => {
            let curve = algorithm
                .parameters
                .as_ref()
                .filter(|p| p.header.tag().0 == TAG_OID)
                .map(|p| oid_string(p.data))
                .unwrap_or_default();
            match curve.as_str() {
                OID_P256 => Ok(KeyKind::EcP256),
                OID_P384 => Ok(KeyKind::EcP384),
                other => Err(unsupported(other, "elliptic curve")),
            }
        }
        other => Err(unsupported(other, "unknown public key algorithm")),
    }
}

/// The `ring` algorithm and its display name for the `SignerInfo`'s signature algorithm and the
/// certificate's key; `rsaEncryption` / `id-ecPublicKey` take the hash from the digest algorithm.
fn signature_scheme(
    oid: &str,
    digest: DigestAlg,
    cert: &X509Certificate<'_>,
) -> Result<(&'static dyn VerificationAlgorithm, &'static str), CmsError> {
    use DigestAlg::{Sha256, Sha384, Sha512};
    let (rsa, hash) = match oid {
        OID_RSA => (true, digest),
        OID_RSA_SHA256 => (true, Sha256),
        OID_RSA_SHA384 => (true, Sha384),
        OID_RSA_SHA512 => (true, Sha512),
        OID_EC_PUBLIC_KEY => (false, digest),
        OID_ECDSA_SHA256 => (false, Sha256),
        OID_ECDSA_SHA384 => (false, Sha384),
        OID_ECDSA_SHA512 => (false, Sha512),
        other => return Err(unsupported(other, "unknown signature algorithm")),
    };
    let scheme: (&'static dyn VerificationAlgorithm, &'static str) =
        match (rsa, key_kind(cert)?, hash) {
            (true, KeyKind::Rsa, Sha256) => (&ring_sig::RSA_PKCS1_2048_8192_SHA256, "RSA-SHA256"),
            (true, KeyKind::Rsa, Sha384) => (&ring_sig::RSA_PKCS1_2048_8192_SHA384, "RSA-SHA384"),
            (true, KeyKind::Rsa, Sha512) => (&ring_sig::RSA_PKCS1_2048_8192_SHA512, "RSA-SHA512"),
            (false, KeyKind::EcP256, Sha256) => {
                (&ring_sig::ECDSA_P256_SHA256_ASN1, "ECDSA-P256-SHA256")
            }
            (false, KeyKind::EcP256, Sha384) => {
                (&ring_sig::ECDSA_P256_SHA384_ASN1, "ECDSA-P256-SHA384")
            }
            (false, KeyKind::EcP384, Sha256) => {
                (&ring_sig::ECDSA_P384_SHA256_ASN1, "ECDSA-P384-SHA256")
            }
            (false, KeyKind::EcP384, Sha384) => {
                (&ring_sig::ECDSA_P384_SHA384_ASN1, "ECDSA-P384-SHA384")
            }
            (false, KeyKind::EcP256 | KeyKind::EcP384, Sha512) => {
                return Err(CmsError::UnsupportedAlgorithm {
                    name: "ECDSA with SHA-512",
                    oid: oid.to_owned(),
                });
            }
            _ => {
                return Err(malformed(
                    "signature algorithm does not match the certificate key",
                ));
            }
        };
    Ok(scheme)
}

// ---------------------------------------------------------------------------------------------
// Certificates.

fn parse_certificate(der: &[u8]) -> Result<X509Certificate<'_>, CmsError> {
    match x509_parser::parse_x509_certificate(der) {
        Ok(([], cert)) => Ok(cert),
        _ => Err(malformed("invalid certificate")),
    }
}

/// The certificate named by the signer identifier, among the CMS certificates.
fn find_signer_certificate<'a>(
    certificates: &[&'a [u8]],
    sid: &SignerId<'_>,
) -> Result<(&'a [u8], X509Certificate<'a>), CmsError> {
    for &der in certificates {
        let Ok(cert) = parse_certificate(der) else {
            continue;
        };
        let matches = match sid {
            SignerId::IssuerSerial { issuer, serial } => {
                cert.issuer().as_raw() == *issuer && cert.raw_serial() == *serial
            }
            SignerId::KeyId(id) => cert.iter_extensions().any(|ext| {
                matches!(ext.parsed_extension(),
                    ParsedExtension::SubjectKeyIdentifier(key) if key.0 == *id)
            }),
        };
        if matches {
            return Ok((der, cert));
        }
    }
    Err(CmsError::SignerCertificateMissing)
}

/// A key usage extension, if present, must allow digitalSignature or nonRepudiation.
fn check_key_usage(cert: &X509Certificate<'_>, purpose: Purpose) -> Result<(), CmsError> {
    match cert.key_usage() {
        Ok(None) => Ok(()),
        Ok(Some(usage)) if usage.value.digital_signature() || usage.value.non_repudiation() => {
            Ok(())
        }
        Ok(Some(_)) => Err(purpose.wrong_key()),
        Err(_) => Err(malformed("invalid key usage extension")),
    }
}

/// Chain from the signer certificate to a root: intermediates from the CMS and the store.
fn verify_chain(
    leaf: &[u8],
    cms_certs: &[&[u8]],
    trust: &TrustStore,
    now: Timestamp,
    purpose: Purpose,
) -> Result<(), CmsError> {
    let leaf_der = CertificateDer::from(leaf);
    let end_entity = webpki::EndEntityCert::try_from(&leaf_der)
        .map_err(|e| malformed(format!("signer certificate: {e}")))?;
    let intermediates: Vec<CertificateDer<'_>> = cms_certs
        .iter()
        .filter(|der| **der != leaf)
        .map(|der| CertificateDer::from(*der))
        .chain(
            trust
                .intermediates
                .iter()
                .map(|der| CertificateDer::from(der.as_ref())),
        )
        .collect();
    let seconds = u64::try_from(now.as_second()).unwrap_or(0);
    let time = UnixTime::since_unix_epoch(Duration::from_secs(seconds));
    end_entity
        .verify_for_usage(
            CHAIN_ALGORITHMS,
            &trust.roots,
            &intermediates,
            time,
            webpki::KeyUsage::required_if_present(purpose.eku()),
            None,
            None,
        )
        .map(|_| ())
        .map_err(|error| chain_error(error, purpose))
}

fn chain_error(error: webpki::Error, purpose: Purpose) -> CmsError {
    use webpki::Error as E;
    match error {
        E::UnknownIssuer => CmsError::UntrustedChain {
            reason: "issued by an unknown certification authority".to_owned(),
        },
        E::CertExpired { not_after, .. } => CmsError::Expired {
            not_after: timestamp(not_after),
        },
        E::CertNotValidYet { not_before, .. } => CmsError::NotYetValid {
            not_before: timestamp(not_before),
        },
        E::RequiredEkuNotFoundContext(_) => purpose.wrong_key(),
        E::UnsupportedSignatureAlgorithmContext(context) => {
            unsupported_in_chain(&context.signature_algorithm_id)
        }
        E::UnsupportedSignatureAlgorithmForPublicKeyContext(context) => {
            unsupported_in_chain(&context.signature_algorithm_id)
        }
        other => CmsError::UntrustedChain {
            reason: other.to_string(),
        },
    }
}

/// `algorithm_id` is the content of an `AlgorithmIdentifier`, as `webpki` reports it.
fn unsupported_in_chain(algorithm_id: &[u8]) -> CmsError {
    let oid = Tlv::parse(algorithm_id)
        .ok()
        .and_then(|(tlv, _)| tlv.oid("algorithm").ok())
        .unwrap_or_default();
    unsupported(&oid, "certificate signature algorithm")
}

fn timestamp(time: UnixTime) -> Timestamp {
    i64::try_from(time.as_secs())
        .ok()
        .and_then(|s| Timestamp::from_second(s).ok())
        .unwrap_or(Timestamp::MAX)
}

/// The text of a DN attribute (`UTF8String`, `PrintableString`, `IA5String`, `BMPString`, …).
fn attribute_text(attr: &AttributeTypeAndValue<'_>) -> Option<String> {
    let value = attr.attr_value();
    if value.header.tag().0 == TAG_BMP_STRING {
        let units: Vec<u16> = value
            .data
            .chunks_exact(2)
            .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
            .collect();
        return String::from_utf16(&units).ok();
    }
    attr.as_str().ok().map(str::to_owned)
}

/// `value` without `prefix` if the rest is exactly 12 digits ("IIN123456789012" → IIN).
fn national_id(value: &str, prefix: &str) -> Option<String> {
    let rest = value.trim().strip_prefix(prefix)?;
    (rest.len() == 12 && rest.bytes().all(|b| b.is_ascii_digit())).then(|| rest.to_owned())
}

fn describe(
    cert: &X509Certificate<'_>,
    signing_time: Option<Timestamp>,
    algorithm: &'static str,
) -> Result<Signer, CmsError> {
    let (mut common_name, mut iin, mut bin, mut organization) = (None, None, None, None);
    for attr in cert.subject().iter_attributes() {
        let Some(text) = attribute_text(attr) else {
            continue;
        };
        match attr.attr_type().to_id_string().as_str() {
            OID_CN => {
                common_name.get_or_insert(text);
            }
            OID_SERIAL_NUMBER => {
                if let Some(id) = national_id(&text, "IIN") {
                    iin.get_or_insert(id);
                } else if let Some(id) = national_id(&text, "BIN") {
                    bin.get_or_insert(id);
                }
            }
            OID_OU => {
                if let Some(id) = national_id(&text, "BIN") {
                    bin.get_or_insert(id);
                }
            }
            OID_O => {
                organization.get_or_insert(text);
            }
            _ => {}
        }
    }
    let issuer = cert
        .issuer()
        .iter_common_name()
        .find_map(attribute_text)
        .unwrap_or_else(|| cert.issuer().to_string());
    let roles = match cert.extended_key_usage() {
        Ok(Some(eku)) => eku
            .value
            .other
            .iter()
            .map(|oid| oid.to_id_string())
            .filter(|oid| oid.starts_with(NCA_USER_TYPES))
            .collect(),
        _ => Vec::new(),
    };
    let serial_hex = serial_hex(cert.raw_serial());
    let validity = cert.validity();
    let time = |t: i64| Timestamp::from_second(t).map_err(|_| malformed("certificate validity"));
    Ok(Signer {
        common_name: common_name.unwrap_or_default(),
        iin,
        bin,
        organization,
        serial_hex,
        issuer,
        not_before: time(validity.not_before.timestamp())?,
        not_after: time(validity.not_after.timestamp())?,
        signing_time,
        algorithm,
        roles,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
