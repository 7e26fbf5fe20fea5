//! Tests of [`super`]: inputs built here the way real signers and authenticators build them.
use std::sync::LazyLock;

use proptest::prelude::*;
use rcgen::string::PrintableString;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DistinguishedName, DnType, DnValue,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, SerialNumber, date_time_ymd,
};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
use rustls_pki_types::PrivatePkcs8KeyDer;

use super::*;

/// The fixed RSA 2048 test key (the file holds a PKCS #1 `RSAPrivateKey`).
const RSA_KEY: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/test-rsa-2048.der"
));
const CONTENT: &[u8] = "{\"appeal\":\"Өтініш №1, Қарағанды\"}".as_bytes();
const ROOT_CN: &str = "НЕГІЗГІ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)";
const NCA_CN: &str = "ҰЛТТЫҚ КУӘЛАНДЫРУШЫ ОРТАЛЫҚ (RSA)";
const SERIAL: &[u8] = &[0x8f, 0x3a, 0x00, 0x17, 0xc2, 0x55];

const SHA256: &[u64] = &[2, 16, 840, 1, 101, 3, 4, 2, 1];
const RSA_SHA256: &[u64] = &[1, 2, 840, 113_549, 1, 1, 11];
const ECDSA_SHA256: &[u64] = &[1, 2, 840, 10045, 4, 3, 2];
const DATA: &[u64] = &[1, 2, 840, 113_549, 1, 7, 1];
const SIGNED_DATA: &[u64] = &[1, 2, 840, 113_549, 1, 7, 2];
const CONTENT_TYPE: &[u64] = &[1, 2, 840, 113_549, 1, 9, 3];
const MESSAGE_DIGEST: &[u64] = &[1, 2, 840, 113_549, 1, 9, 4];
const SIGNING_TIME: &[u64] = &[1, 2, 840, 113_549, 1, 9, 5];

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn now() -> Timestamp {
    at("2025-06-01T09:00:00Z")
}

// --- DER writing -------------------------------------------------------------------------

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | u8::try_from(bytes.len() - skip).unwrap());
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// Indefinite-length BER, as Java (`BouncyCastle`, `KalkanCrypt`) writes `SignedData`.
fn ber(tag: u8, content: &[u8]) -> Vec<u8> {
    [&[tag, 0x80][..], content, &[0, 0]].concat()
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn set(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x31, &parts.concat())
}

fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut body = vec![u8::try_from(arcs[0] * 40 + arcs[1]).unwrap()];
    for &arc in &arcs[2..] {
        let mut chunk = vec![u8::try_from(arc & 0x7f).unwrap()];
        let mut rest = arc >> 7;
        while rest > 0 {
            chunk.push(0x80 | u8::try_from(rest & 0x7f).unwrap());
            rest >>= 7;
        }
        chunk.reverse();
        body.extend(chunk);
    }
    tlv(0x06, &body)
}

fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

// --- keys and certificates ---------------------------------------------------------------

/// A key for rcgen (certificate) and the same key for ring (CMS signature).
struct Key {
    rcgen: KeyPair,
    ring: RingKey,
}

enum RingKey {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

impl Key {
    fn rsa() -> Self {
        // rcgen (with ring) takes PKCS #8 only: wrap a PKCS #1 key in a PrivateKeyInfo.
        let pkcs8 = if RsaKeyPair::from_pkcs8(RSA_KEY).is_ok() {
            RSA_KEY.to_vec()
        } else {
            let rsa_encryption = seq(&[&oid(&[1, 2, 840, 113_549, 1, 1, 1]), &[0x05, 0x00]]);
            seq(&[&tlv(0x02, &[0]), &rsa_encryption, &tlv(0x04, RSA_KEY)])
        };
        let der = PrivatePkcs8KeyDer::from(pkcs8.as_slice());
        Self {
            rcgen: KeyPair::from_pkcs8_der_and_sign_algo(&der, &rcgen::PKCS_RSA_SHA256).unwrap(),
            ring: RingKey::Rsa(RsaKeyPair::from_pkcs8(&pkcs8).unwrap()),
        }
    }

    fn ec() -> Self {
        let rcgen = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let ring = EcdsaKeyPair::from_pkcs8(
            &ECDSA_P256_SHA256_ASN1_SIGNING,
            &rcgen.serialize_der(),
            &SystemRandom::new(),
        )
        .unwrap();
        Self {
            rcgen,
            ring: RingKey::Ec(ring),
        }
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match &self.ring {
            RingKey::Rsa(key) => {
                let mut signature = vec![0; key.public().modulus_len()];
                key.sign(&RSA_PKCS1_SHA256, &rng, message, &mut signature)
                    .unwrap();
                signature
            }
            RingKey::Ec(key) => key.sign(&rng, message).unwrap().as_ref().to_vec(),
        }
    }

    fn signature_algorithm(&self) -> Vec<u8> {
        match &self.ring {
            RingKey::Rsa(_) => seq(&[&oid(RSA_SHA256), &[0x05, 0x00]]),
            RingKey::Ec(_) => seq(&[&oid(ECDSA_SHA256)]),
        }
    }
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = DistinguishedName::new();
    params.distinguished_name.push(DnType::CountryName, "KZ");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = date_time_ymd(2020, 1, 1);
    params.not_after = date_time_ymd(2040, 1, 1);
    params
}

/// A root and an intermediate ("NCA") CA, both ECDSA P-256.
struct Pki {
    root: CertifiedIssuer<'static, KeyPair>,
    nca: CertifiedIssuer<'static, KeyPair>,
}

impl Pki {
    fn new() -> Self {
        let root_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let root = CertifiedIssuer::self_signed(ca_params(ROOT_CN), root_key).unwrap();
        let nca_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let nca = CertifiedIssuer::signed_by(ca_params(NCA_CN), nca_key, &root).unwrap();
        Self { root, nca }
    }

    /// Root installed as anchor, NCA as intermediate: `NCALayer`'s CMS carries only the leaf.
    fn store(&self) -> TrustStore {
        let mut store = TrustStore::new();
        assert_eq!(store.add_root(self.root.der()).unwrap(), 1);
        assert_eq!(store.add_intermediate(self.nca.der()).unwrap(), 1);
        store
    }

    fn leaf(&self, key: &Key, subject: &Subject) -> Vec<u8> {
        let mut params = CertificateParams::default();
        let dn = &mut params.distinguished_name;
        *dn = DistinguishedName::new();
        dn.push(DnType::CommonName, subject.cn);
        dn.push(DnType::CustomDnType(vec![2, 5, 4, 4]), subject.surname);
        dn.push(
            DnType::CustomDnType(vec![2, 5, 4, 5]),
            DnValue::PrintableString(PrintableString::try_from(subject.serial).unwrap()),
        );
        dn.push(DnType::CountryName, "KZ");
        if let Some(o) = subject.o {
            dn.push(DnType::OrganizationName, o);
        }
        if let Some(ou) = subject.ou {
            dn.push(DnType::OrganizationalUnitName, ou);
        }
        dn.push(DnType::CustomDnType(vec![2, 5, 4, 42]), "ҚҰНАНБАЙҰЛЫ");
        params.serial_number = Some(SerialNumber::from_slice(SERIAL));
        // CA:FALSE, and rcgen then writes a subject key identifier too.
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::ContentCommitment,
        ];
        params.extended_key_usages.clone_from(&subject.ekus);
        params.not_before = date_time_ymd(subject.from.0, subject.from.1, subject.from.2);
        params.not_after = date_time_ymd(subject.to.0, subject.to.1, subject.to.2);
        params
            .signed_by(&key.rcgen, &self.nca)
            .unwrap()
            .der()
            .to_vec()
    }
}

struct Subject {
    cn: &'static str,
    surname: &'static str,
    serial: &'static str,
    o: Option<&'static str>,
    ou: Option<&'static str>,
    ekus: Vec<ExtendedKeyUsagePurpose>,
    from: (i32, u8, u8),
    to: (i32, u8, u8),
}

/// An individual's signing certificate as NCA issues it (EKU emailProtection + individual).
fn person() -> Subject {
    Subject {
        cn: "ҚҰНАНБАЕВ АБАЙ",
        surname: "ҚҰНАНБАЕВ",
        serial: "IIN850101300123",
        o: None,
        ou: None,
        ekus: vec![
            ExtendedKeyUsagePurpose::EmailProtection,
            ExtendedKeyUsagePurpose::Other(vec![1, 2, 398, 3, 3, 4, 1, 1]),
        ],
        from: (2025, 1, 1),
        to: (2026, 1, 1),
    }
}

fn company() -> Subject {
    Subject {
        o: Some("ЖШС «ӨТІНІШ ҚЫЗМЕТІ»"),
        ou: Some("BIN150340001236"),
        ekus: vec![
            ExtendedKeyUsagePurpose::EmailProtection,
            ExtendedKeyUsagePurpose::Other(vec![1, 2, 398, 3, 3, 4, 1, 2]),
        ],
        ..person()
    }
}

// --- CMS writing -------------------------------------------------------------------------

/// A CMS `SignedData` writer; each field is a switch a test flips.
#[allow(clippy::struct_excessive_bools)]
struct Cms<'a> {
    leaf: &'a [u8],
    key: &'a Key,
    /// Certificates to include besides the leaf.
    extra: Vec<&'a [u8]>,
    include_leaf: bool,
    /// The data hashed into messageDigest (and signed when there are no attributes).
    over: &'a [u8],
    attached: Option<&'a [u8]>,
    digest: Vec<u8>,
    signature_algorithm: Option<Vec<u8>>,
    signing_time: Option<&'a str>,
    signed_attrs: bool,
    by_key_id: bool,
    ber: bool,
    tamper: bool,
    signers: usize,
}

impl<'a> Cms<'a> {
    fn new(leaf: &'a [u8], key: &'a Key) -> Self {
        Self {
            leaf,
            key,
            extra: Vec::new(),
            include_leaf: true,
            over: CONTENT,
            attached: None,
            digest: seq(&[&oid(SHA256), &[0x05, 0x00]]),
            signature_algorithm: None,
            signing_time: Some("250601083000Z"),
            signed_attrs: true,
            by_key_id: false,
            ber: false,
            tamper: false,
            signers: 1,
        }
    }

    fn wrap(&self, tag: u8, content: &[u8]) -> Vec<u8> {
        if self.ber {
            ber(tag, content)
        } else {
            tlv(tag, content)
        }
    }

    fn signer_info(&self) -> Vec<u8> {
        let (_, cert) = x509_parser::parse_x509_certificate(self.leaf).unwrap();
        let sid = if self.by_key_id {
            let key_id = cert
                .iter_extensions()
                .find_map(|ext| match ext.parsed_extension() {
                    ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0),
                    _ => None,
                })
                .unwrap();
            tlv(0x80, key_id)
        } else {
            seq(&[cert.issuer().as_raw(), &tlv(0x02, cert.raw_serial())])
        };
        let hash = sha2::Sha256::digest(self.over);
        let mut attrs = vec![seq(&[&oid(CONTENT_TYPE), &set(&[&oid(DATA)])])];
        if let Some(time) = self.signing_time {
            attrs.push(seq(&[
                &oid(SIGNING_TIME),
                &set(&[&tlv(0x17, time.as_bytes())]),
            ]));
        }
        attrs.push(seq(&[&oid(MESSAGE_DIGEST), &set(&[&tlv(0x04, &hash)])]));
        let attrs = attrs.concat();
        let mut signature = if self.signed_attrs {
            self.key.sign(&set(&[&attrs]))
        } else {
            self.key.sign(self.over)
        };
        if self.tamper {
            signature[20] ^= 0x01;
        }
        let algorithm = self
            .signature_algorithm
            .clone()
            .unwrap_or_else(|| self.key.signature_algorithm());
        let signed_attrs = if self.signed_attrs {
            tlv(0xa0, &attrs)
        } else {
            Vec::new()
        };
        seq(&[
            &tlv(0x02, &[if self.by_key_id { 3 } else { 1 }]),
            &sid,
            &self.digest,
            &signed_attrs,
            &algorithm,
            &tlv(0x04, &signature),
        ])
    }

    fn der(&self) -> Vec<u8> {
        let encap = match self.attached {
            None => seq(&[&oid(DATA)]),
            Some(content) if self.ber => {
                // Chunked constructed OCTET STRING, as Java streams it.
                let (a, b) = content.split_at(content.len() / 2);
                let chunks = [tlv(0x04, a), tlv(0x04, b)].concat();
                self.wrap(0x30, &[oid(DATA), ber(0xa0, &ber(0x24, &chunks))].concat())
            }
            Some(content) => seq(&[&oid(DATA), &tlv(0xa0, &tlv(0x04, content))]),
        };
        let mut certs: Vec<&[u8]> = Vec::new();
        if self.include_leaf {
            certs.push(self.leaf);
        }
        certs.extend(&self.extra);
        let signer_info = self.signer_info();
        let signer_infos = vec![signer_info.as_slice(); self.signers].concat();
        let signed_data = self.wrap(
            0x30,
            &[
                tlv(0x02, &[1]),
                set(&[&self.digest]),
                encap,
                self.wrap(0xa0, &certs.concat()),
                self.wrap(0x31, &signer_infos),
            ]
            .concat(),
        );
        self.wrap(
            0x30,
            &[oid(SIGNED_DATA), self.wrap(0xa0, &signed_data)].concat(),
        )
    }
}

/// One PKI, an RSA leaf, its store and its CMS over [`CONTENT`], shared by the proptests.
struct Shared {
    store: TrustStore,
    der: Vec<u8>,
    ber: Vec<u8>,
}

static SHARED: LazyLock<Shared> = LazyLock::new(|| {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(&key, &person());
    let der = Cms::new(&leaf, &key).der();
    let ber = Cms {
        ber: true,
        attached: Some(CONTENT),
        ..Cms::new(&leaf, &key)
    }
    .der();
    Shared {
        store: pki.store(),
        der,
        ber,
    }
});

// --- happy paths -------------------------------------------------------------------------

#[test]
fn rsa_sha256_detached_returns_iin_kazakh_name_serial_and_validity() {
    let pki = Pki::new();
    let key = Key::rsa();
    let leaf = pki.leaf(&key, &person());
    let cms = Cms::new(&leaf, &key).der();
    let signer = verify(&cms, CONTENT, &pki.store(), now(), Purpose::Sign).unwrap();
    assert_eq!(
        signer,
        Signer {
            common_name: "ҚҰНАНБАЕВ АБАЙ".to_owned(),
            iin: Some("850101300123".to_owned()),
            bin: None,
            organization: None,
            serial_hex: "8f3a0017c255".to_owned(),
            issuer: NCA_CN.to_owned(),
            not_before: at("2025-01-01T00:00:00Z"),
            not_after: at("2026-01-01T00:00:00Z"),
            signing_time: Some(at("2025-06-01T08:30:00Z")),
            algorithm: "RSA-SHA256",
            roles: vec!["1.2.398.3.3.4.1.1".to_owned()],
        }
    );
}

#[test]
fn ecdsa_p256_detached_verifies() {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(&key, &person());
    let cms = Cms::new(&leaf, &key).der();
    let signer = verify(&cms, CONTENT, &pki.store(), now(), Purpose::Sign).unwrap();
    assert_eq!(signer.algorithm, "ECDSA-P256-SHA256");
    assert_eq!(signer.iin.as_deref(), Some("850101300123"));
}

#[test]
fn legal_entity_certificate_gives_bin_from_ou_and_organization() {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(&key, &company());
    let cms = Cms::new(&leaf, &key).der();
    let signer = verify(&cms, CONTENT, &pki.store(), now(), Purpose::Sign).unwrap();
    assert_eq!(signer.bin.as_deref(), Some("150340001236"));
    assert_eq!(signer.iin.as_deref(), Some("850101300123"));
    assert_eq!(signer.organization.as_deref(), Some("ЖШС «ӨТІНІШ ҚЫЗМЕТІ»"));
    assert_eq!(signer.roles, vec!["1.2.398.3.3.4.1.2".to_owned()]);
}

#[test]
fn base64_with_newlines_and_pem_armour_verifies() {
    let pki = Pki::new();
    let key = Key::rsa();
    let leaf = pki.leaf(&key, &person());
    let text = base64(&Cms::new(&leaf, &key).der());
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(76)
        .map(|line| std::str::from_utf8(line).unwrap())
        .collect();
    let store = pki.store();
    let wrapped = lines.join("\r\n") + "\r\n";
    assert!(verify(wrapped.as_bytes(), CONTENT, &store, now(), Purpose::Sign).is_ok());
    let pem = format!(
        "-----BEGIN CMS-----\n{}\n-----END CMS-----\n",
        lines.join("\n")
    );
    assert!(verify(pem.as_bytes(), CONTENT, &store, now(), Purpose::Sign).is_ok());
}

#[test]
fn ber_indefinite_length_cms_as_java_writes_it_verifies() {
    let pki = Pki::new();
    let key = Key::rsa();
    let leaf = pki.leaf(&key, &person());
    let cms = Cms {
        ber: true,
        ..Cms::new(&leaf, &key)
    }
    .der();
    assert_eq!(&cms[..4], &[0x30, 0x80, 0x06, 0x09]);
    assert!(verify(&cms, CONTENT, &pki.store(), now(), Purpose::Sign).is_ok());
}

#[test]
fn signer_found_by_subject_key_identifier() {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(&key, &person());
    let cms = Cms {
        by_key_id: true,
        ..Cms::new(&leaf, &key)
    }
    .der();
    assert!(verify(&cms, CONTENT, &pki.store(), now(), Purpose::Sign).is_ok());
}

#[test]
fn intermediate_carried_in_the_cms_chains_to_an_installed_root() {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(&key, &person());
    let cms = Cms {
        extra: vec![pki.nca.der().as_ref()],
        ..Cms::new(&leaf, &key)
    }
    .der();
    let mut roots_only = TrustStore::new();
    roots_only.add_root(pki.root.der()).unwrap();
    assert!(verify(&cms, CONTENT, &roots_only, now(), Purpose::Sign).is_ok());
    // Without the intermediate anywhere the chain is broken.
    let bare = Cms::new(&leaf, &key).der();
    assert!(matches!(
        verify(&bare, CONTENT, &roots_only, now(), Purpose::Sign),
        Err(CmsError::UntrustedChain { .. })
    ));
}

#[test]
fn signature_without_signed_attributes_covers_the_content() {
    let pki = Pki::new();
    let key = Key::rsa();
    let leaf = pki.leaf(&key, &person());
    let cms = Cms {
        signed_attrs: false,
        ..Cms::new(&leaf, &key)
    }
    .der();
    let signer = verify(&cms, CONTENT, &pki.store(), now(), Purpose::Sign).unwrap();
    assert_eq!(signer.signing_time, None);
    assert_eq!(
        verify(&cms, b"other", &pki.store(), now(), Purpose::Sign),
        Err(CmsError::BadSignature)
    );
}

#[test]
fn attached_cms_whose_content_equals_passes_and_differs_is_content_mismatch() {
    let pki = Pki::new();
    let key = Key::rsa();
    let leaf = pki.leaf(&key, &person());
    let store = pki.store();
    for ber in [false, true] {
        let cms = Cms {
            attached: Some(CONTENT),
            ber,
            ..Cms::new(&leaf, &key)
        }
        .der();
        assert!(
            verify(&cms, CONTENT, &store, now(), Purpose::Sign).is_ok(),
            "ber: {ber}"
        );
        assert_eq!(
            verify(
                &cms,
                b"{\"appeal\":\"other\"}",
                &store,
                now(),
                Purpose::Sign
            ),
            Err(CmsError::ContentMismatch)
        );
    }
    // eContent differs from the data the signature covers.
    let cms = Cms {
        attached: Some(b"forged"),
        ..Cms::new(&leaf, &key)
    }
    .der();
    assert_eq!(
        verify(&cms, b"forged", &store, now(), Purpose::Sign),
        Err(CmsError::ContentMismatch)
    );
}

// --- refusals ----------------------------------------------------------------------------

#[test]
fn cms_over_other_data_is_content_mismatch() {
    let pki = Pki::new();
    let key = Key::rsa();
    let leaf = pki.leaf(&key, &person());
    let cms = Cms::new(&leaf, &key).der();
    let err = verify(
        &cms,
        b"{\"appeal\":\"edited\"}",
        &pki.store(),
        now(),
        Purpose::Sign,
    )
    .unwrap_err();
    assert_eq!(err, CmsError::ContentMismatch);
    assert_eq!(err.to_string(), "the signature was made over other data");
}

#[test]
fn tampered_signature_is_bad_signature() {
    let pki = Pki::new();
    for key in [Key::rsa(), Key::ec()] {
        let leaf = pki.leaf(&key, &person());
        let cms = Cms {
            tamper: true,
            ..Cms::new(&leaf, &key)
        }
        .der();
        assert_eq!(
            verify(&cms, CONTENT, &pki.store(), now(), Purpose::Sign),
            Err(CmsError::BadSignature)
        );
    }
}

#[test]
fn certificate_from_unknown_root_is_untrusted_chain() {
    let pki = Pki::new();
    let stranger = Pki::new(); // same names, other keys
    let key = Key::rsa();
    let leaf = stranger.leaf(&key, &person());
    let cms = Cms {
        extra: vec![stranger.nca.der().as_ref()],
        ..Cms::new(&leaf, &key)
    }
    .der();
    assert!(matches!(
        verify(&cms, CONTENT, &pki.store(), now(), Purpose::Sign),
        Err(CmsError::UntrustedChain { .. })
    ));
}

#[test]
fn expired_certificate_is_expired() {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(&key, &person());
    let cms = Cms::new(&leaf, &key).der();
    assert_eq!(
        verify(
            &cms,
            CONTENT,
            &pki.store(),
            at("2026-03-01T00:00:00Z"),
            Purpose::Sign
        ),
        Err(CmsError::Expired {
            not_after: at("2026-01-01T00:00:00Z")
        })
    );
}

#[test]
fn certificate_not_yet_valid_is_not_yet_valid() {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(&key, &person());
    let cms = Cms::new(&leaf, &key).der();
    assert_eq!(
        verify(
            &cms,
            CONTENT,
            &pki.store(),
            at("2024-12-31T23:00:00Z"),
            Purpose::Sign
        ),
        Err(CmsError::NotYetValid {
            not_before: at("2025-01-01T00:00:00Z")
        })
    );
}

#[test]
fn signing_time_outside_the_validity_is_refused() {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(&key, &person());
    let store = pki.store();
    let late = Cms {
        signing_time: Some("20260102000000Z"),
        ..Cms::new(&leaf, &key)
    };
    // GeneralizedTime under the UTCTime tag is refused as malformed …
    assert!(matches!(
        verify(&late.der(), CONTENT, &store, now(), Purpose::Sign),
        Err(CmsError::Malformed(_))
    ));
    // … a UTCTime after not_after means the certificate had expired when signing.
    let late = Cms {
        signing_time: Some("260102000000Z"),
        ..Cms::new(&leaf, &key)
    };
    assert_eq!(
        verify(&late.der(), CONTENT, &store, now(), Purpose::Sign),
        Err(CmsError::Expired {
            not_after: at("2026-01-01T00:00:00Z")
        })
    );
    let early = Cms {
        signing_time: Some("241231000000Z"),
        ..Cms::new(&leaf, &key)
    };
    assert!(matches!(
        verify(&early.der(), CONTENT, &store, now(), Purpose::Sign),
        Err(CmsError::NotYetValid { .. })
    ));
}

#[test]
fn empty_trust_store_is_no_trust_anchors() {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(&key, &person());
    let cms = Cms::new(&leaf, &key).der();
    let mut store = TrustStore::new();
    assert!(store.is_empty());
    store.add_intermediate(pki.nca.der()).unwrap();
    assert!(store.is_empty());
    assert_eq!(
        verify(&cms, CONTENT, &store, now(), Purpose::Sign),
        Err(CmsError::NoTrustAnchors)
    );
}

fn assert_gost(result: Result<Signer, CmsError>, expected_oid: &str) {
    match result {
        Err(CmsError::UnsupportedAlgorithm { name, oid }) => {
            assert!(name.contains("GOST"), "{name}");
            assert!(name.contains("KalkanCrypt"), "{name}");
            assert_eq!(oid, expected_oid);
        }
        other => panic!("expected a GOST refusal, got {other:?}"),
    }
}

#[test]
fn gost_signature_algorithm_is_unsupported_naming_gost() {
    let pki = Pki::new();
    let key = Key::rsa();
    let leaf = pki.leaf(&key, &person());
    let cms = Cms {
        signature_algorithm: Some(seq(&[&oid(&[1, 2, 398, 3, 10, 1, 1, 2, 3, 1])])),
        ..Cms::new(&leaf, &key)
    }
    .der();
    let result = verify(&cms, CONTENT, &pki.store(), now(), Purpose::Sign);
    assert_gost(result.clone(), "1.2.398.3.10.1.1.2.3.1");
    assert_eq!(
        result.unwrap_err().to_string(),
        "unsupported algorithm: GOST R 34.10-2015 256-bit (Kazakhstan, KalkanCrypt) \
         (1.2.398.3.10.1.1.2.3.1)"
    );
}

#[test]
fn gost_digest_algorithm_is_unsupported_naming_gost() {
    let pki = Pki::new();
    let key = Key::rsa();
    let leaf = pki.leaf(&key, &person());
    let cms = Cms {
        digest: seq(&[&oid(&[1, 2, 398, 3, 10, 1, 3, 1]), &[0x05, 0x00]]),
        ..Cms::new(&leaf, &key)
    }
    .der();
    assert_gost(
        verify(&cms, CONTENT, &pki.store(), now(), Purpose::Sign),
        "1.2.398.3.10.1.3.1",
    );
}

#[test]
fn gost_key_in_the_certificate_is_unsupported_naming_gost() {
    let pki = Pki::new();
    let key = Key::rsa();
    let mut leaf = pki.leaf(&key, &person());
    // rsaEncryption → 1.2.398.3.10.1.1.1.1 (same length) in the SubjectPublicKeyInfo.
    let rsa = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let gost = [0x2a, 0x83, 0x0e, 0x03, 0x0a, 0x01, 0x01, 0x01, 0x01];
    let at = leaf.windows(rsa.len()).position(|w| w == rsa).unwrap();
    leaf[at..at + rsa.len()].copy_from_slice(&gost);
    let cms = Cms::new(&leaf, &key).der();
    assert_gost(
        verify(&cms, CONTENT, &pki.store(), now(), Purpose::Sign),
        "1.2.398.3.10.1.1.1.1",
    );
}

#[test]
fn authentication_certificate_is_not_for_signing() {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(&key, &auth_key());
    let cms = Cms::new(&leaf, &key).der();
    assert_eq!(
        verify(&cms, CONTENT, &pki.store(), now(), Purpose::Sign),
        Err(CmsError::NotForSigning)
    );
}

fn auth_key() -> Subject {
    Subject {
        ekus: vec![
            ExtendedKeyUsagePurpose::ClientAuth,
            ExtendedKeyUsagePurpose::Other(vec![1, 2, 398, 3, 3, 4, 1, 1]),
        ],
        ..person()
    }
}

#[test]
fn authentication_key_verifies_for_sign_in() {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(&key, &auth_key());
    let cms = Cms::new(&leaf, &key).der();
    let signer = verify(&cms, CONTENT, &pki.store(), now(), Purpose::Authenticate).unwrap();
    assert_eq!(signer.iin.as_deref(), Some("850101300123"));
}

#[test]
fn signing_key_is_not_for_authentication() {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(&key, &person());
    let cms = Cms::new(&leaf, &key).der();
    assert_eq!(
        verify(&cms, CONTENT, &pki.store(), now(), Purpose::Authenticate),
        Err(CmsError::NotForAuthentication)
    );
}

#[test]
fn a_certificate_without_extended_key_usage_serves_both_purposes() {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(
        &key,
        &Subject {
            ekus: Vec::new(),
            ..person()
        },
    );
    let cms = Cms::new(&leaf, &key).der();
    for purpose in [Purpose::Sign, Purpose::Authenticate] {
        assert!(verify(&cms, CONTENT, &pki.store(), now(), purpose).is_ok());
    }
}

#[test]
fn trust_store_files_are_described_for_the_admin() {
    let pki = Pki::new();
    let bundle = format!("{}\n{}", pki.root.pem(), pki.nca.pem());
    let infos = describe_certificates(bundle.as_bytes()).unwrap();
    assert_eq!(infos.len(), 2);
    assert_eq!(infos[0].subject, ROOT_CN);
    assert_eq!(infos[1].subject, NCA_CN);
    assert_eq!(infos[0].not_before, at("2020-01-01T00:00:00Z"));
    assert_eq!(infos[0].not_after, at("2040-01-01T00:00:00Z"));
    assert!(!infos[0].serial_hex.is_empty());
    assert!(describe_certificates(b"hello").is_err());
}

#[test]
fn signer_count_and_certificate_are_checked() {
    let pki = Pki::new();
    let key = Key::ec();
    let leaf = pki.leaf(&key, &person());
    let store = pki.store();
    let none = Cms {
        signers: 0,
        ..Cms::new(&leaf, &key)
    };
    assert_eq!(
        verify(&none.der(), CONTENT, &store, now(), Purpose::Sign),
        Err(CmsError::NoSigner)
    );
    let two = Cms {
        signers: 2,
        ..Cms::new(&leaf, &key)
    };
    assert_eq!(
        verify(&two.der(), CONTENT, &store, now(), Purpose::Sign),
        Err(CmsError::MultipleSigners(2))
    );
    let missing = Cms {
        include_leaf: false,
        extra: vec![pki.nca.der().as_ref()],
        ..Cms::new(&leaf, &key)
    };
    assert_eq!(
        verify(&missing.der(), CONTENT, &store, now(), Purpose::Sign),
        Err(CmsError::SignerCertificateMissing)
    );
}

#[test]
fn garbage_is_malformed() {
    let store = &SHARED.store;
    for input in [
        &b""[..],
        b"   \n",
        b"not base64 at all!",
        b"MIIB",
        b"\x30\x03\x02\x01\x01",
        b"-----BEGIN CMS-----\nMAA=\n",
    ] {
        assert!(
            matches!(
                verify(input, CONTENT, store, now(), Purpose::Sign),
                Err(CmsError::Malformed(_))
            ),
            "{input:?}"
        );
    }
    let huge = vec![b'A'; MAX_INPUT_LEN + 1];
    assert!(matches!(
        verify(&huge, CONTENT, store, now(), Purpose::Sign),
        Err(CmsError::Malformed(_))
    ));
    let mut trailing = SHARED.der.clone();
    trailing.push(0);
    assert!(
        verify(&trailing, CONTENT, store, now(), Purpose::Sign).is_ok(),
        "zero padding"
    );
    trailing.push(1);
    assert!(matches!(
        verify(&trailing, CONTENT, store, now(), Purpose::Sign),
        Err(CmsError::Malformed(_))
    ));
}

#[test]
fn trust_store_reads_pem_bundles_and_refuses_garbage() {
    let pki = Pki::new();
    let bundle = format!("# NCA roots\n{}\n{}", pki.root.pem(), pki.nca.pem());
    let mut store = TrustStore::new();
    assert_eq!(store.add_root(bundle.as_bytes()).unwrap(), 2);
    assert!(!store.is_empty());
    let bare_base64 = base64(pki.root.der());
    assert_eq!(store.add_root(bare_base64.as_bytes()).unwrap(), 1);
    for garbage in [
        &b""[..],
        b"hello",
        b"\x30\x00",
        b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n",
    ] {
        assert!(matches!(
            store.add_root(garbage),
            Err(CmsError::Malformed(_))
        ));
        assert!(matches!(
            store.add_intermediate(garbage),
            Err(CmsError::Malformed(_))
        ));
    }
}

// --- robustness --------------------------------------------------------------------------

#[test]
fn shared_fixture_verifies() {
    assert!(verify(&SHARED.der, CONTENT, &SHARED.store, now(), Purpose::Sign).is_ok());
    assert!(verify(&SHARED.ber, CONTENT, &SHARED.store, now(), Purpose::Sign).is_ok());
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = verify(&bytes, CONTENT, &SHARED.store, now(), Purpose::Sign);
        let mut der = vec![0x30];
        der.extend_from_slice(&bytes);
        let _ = verify(&der, CONTENT, &SHARED.store, now(), Purpose::Sign);
        let _ = TrustStore::new().add_root(&bytes);
        let _ = TrustStore::new().add_intermediate(&der);
    }

    #[test]
    fn mutated_cms_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
        use_ber in any::<bool>(),
    ) {
        let mut cms = if use_ber { SHARED.ber.clone() } else { SHARED.der.clone() };
        for (index, byte) in edits {
            let i = index.index(cms.len());
            cms[i] = byte;
        }
        if truncate {
            cms.truncate(cut.index(cms.len() + 1));
        }
        let _ = verify(&cms, CONTENT, &SHARED.store, now(), Purpose::Sign);
        let _ = verify(base64(&cms).as_bytes(), CONTENT, &SHARED.store, now(), Purpose::Sign);
    }
}
