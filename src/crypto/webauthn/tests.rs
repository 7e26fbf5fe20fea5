//! Tests of [`super`]: inputs built here the way real signers and authenticators build them.
use super::*;
use proptest::prelude::*;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, RsaKeyPair};

const RSA_TEST_KEY: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/test-rsa-2048.der"
));
const CHALLENGE: &[u8] = b"0123456789abcdef-challenge";
const CRED_ID: &[u8] = b"credential-id-42";

fn rp() -> RelyingParty {
    RelyingParty {
        id: "desk.example".into(),
        origin: "https://desk.example:8443".into(),
    }
}

// --- a software authenticator -------------------------------------

enum TestKey {
    Ec(Box<EcdsaKeyPair>),
    Rsa(Box<RsaKeyPair>),
}

impl TestKey {
    fn es256() -> Self {
        let rng = SystemRandom::new();
        let alg = &signature::ECDSA_P256_SHA256_ASN1_SIGNING;
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
        TestKey::Ec(Box::new(
            EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).unwrap(),
        ))
    }

    fn rs256() -> Self {
        // Despite its name the fixture is PKCS#1 `RSAPrivateKey` DER, not PKCS#8.
        TestKey::Rsa(Box::new(RsaKeyPair::from_der(RSA_TEST_KEY).unwrap()))
    }

    fn alg(&self) -> i64 {
        match self {
            TestKey::Ec(_) => -7,
            TestKey::Rsa(_) => -257,
        }
    }

    fn public(&self) -> PublicKey {
        match self {
            TestKey::Ec(k) => {
                let point = k.public_key().as_ref();
                PublicKey::Es256 {
                    x: point[1..33].try_into().unwrap(),
                    y: point[33..65].try_into().unwrap(),
                }
            }
            TestKey::Rsa(k) => {
                let c = signature::RsaPublicKeyComponents::<Vec<u8>>::from(k.public());
                PublicKey::Rs256 { n: c.n, e: c.e }
            }
        }
    }

    fn cose(&self) -> Value {
        let int = |i: i64| Value::Integer(i.into());
        match self.public() {
            PublicKey::Es256 { x, y } => Value::Map(vec![
                (int(1), int(2)),
                (int(3), int(-7)),
                (int(-1), int(1)),
                (int(-2), Value::Bytes(x.to_vec())),
                (int(-3), Value::Bytes(y.to_vec())),
            ]),
            PublicKey::Rs256 { n, e } => Value::Map(vec![
                (int(1), int(3)),
                (int(3), int(-257)),
                (int(-1), Value::Bytes(n)),
                (int(-2), Value::Bytes(e)),
            ]),
        }
    }

    fn sign(&self, message: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match self {
            TestKey::Ec(k) => k.sign(&rng, message).unwrap().as_ref().to_vec(),
            TestKey::Rsa(k) => {
                let mut sig = vec![0; k.public().modulus_len()];
                k.sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut sig)
                    .unwrap();
                sig
            }
        }
    }

    /// A minimal X.509 certificate carrying this key (its own signature is
    /// junk: only the SPKI is read).
    fn certificate(&self) -> Vec<u8> {
        let spki = match self.public() {
            PublicKey::Es256 { x, y } => der(
                DER_SEQUENCE,
                &[
                    der(
                        DER_SEQUENCE,
                        &[der(DER_OID, OID_EC_PUBLIC_KEY), der(DER_OID, OID_P256)].concat(),
                    ),
                    der(DER_BIT_STRING, &[&[0u8, 4][..], &x, &y].concat()),
                ]
                .concat(),
            ),
            PublicKey::Rs256 { n, e } => {
                let positive = |v: &[u8]| [&[0u8][..], v].concat();
                let rsa = der(
                    DER_SEQUENCE,
                    &[der(DER_INTEGER, &positive(&n)), der(DER_INTEGER, &e)].concat(),
                );
                der(
                    DER_SEQUENCE,
                    &[
                        der(
                            DER_SEQUENCE,
                            &[der(DER_OID, OID_RSA), der(DER_NULL, &[])].concat(),
                        ),
                        der(DER_BIT_STRING, &[&[0u8][..], &rsa].concat()),
                    ]
                    .concat(),
                )
            }
        };
        let sig_alg = der(
            DER_SEQUENCE,
            &der(DER_OID, &[0x2a, 0x86, 0x48, 0xce, 0x3d, 4, 3, 2]),
        );
        let name = der(DER_SEQUENCE, &[]);
        let tbs = der(
            DER_SEQUENCE,
            &[
                der(DER_EXPLICIT_0, &der(DER_INTEGER, &[2])),
                der(DER_INTEGER, &[1]),
                sig_alg.clone(),
                name.clone(),
                der(DER_SEQUENCE, &[]),
                name,
                spki,
            ]
            .concat(),
        );
        der(
            DER_SEQUENCE,
            &[tbs, sig_alg, der(DER_BIT_STRING, &[0, 1, 2, 3])].concat(),
        )
    }
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else if len < 0x100 {
        out.extend([0x81, u8::try_from(len).unwrap()]);
    } else {
        out.push(0x82);
        out.extend(u16::try_from(len).unwrap().to_be_bytes());
    }
    out.extend_from_slice(content);
    out
}

fn cbor(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out).unwrap();
    out
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn client_data(kind: &str, challenge: &[u8], origin: &str) -> Vec<u8> {
    format!(
        r#"{{"type":"{kind}","challenge":"{}","origin":"{origin}","crossOrigin":false}}"#,
        encode_b64url(challenge)
    )
    .into_bytes()
}

fn auth_data(rp_id: &str, flags: u8, count: u32, attested: Option<(&[u8], &Value)>) -> Vec<u8> {
    let mut out = digest::digest(&digest::SHA256, rp_id.as_bytes())
        .as_ref()
        .to_vec();
    out.push(flags);
    out.extend(count.to_be_bytes());
    if let Some((id, key)) = attested {
        out.extend([0xAA; 16]);
        out.extend(u16::try_from(id.len()).unwrap().to_be_bytes());
        out.extend_from_slice(id);
        out.extend(cbor(key));
    }
    out
}

fn attestation_object(fmt: &str, att_stmt: Vec<(Value, Value)>, auth: &[u8]) -> Vec<u8> {
    cbor(&Value::Map(vec![
        (text("fmt"), text(fmt)),
        (text("attStmt"), Value::Map(att_stmt)),
        (text("authData"), Value::Bytes(auth.to_vec())),
    ]))
}

/// A "none" registration with the usual flags (UP, UV, AT).
fn none_registration(key: &TestKey, count: u32) -> (Vec<u8>, Vec<u8>) {
    let cdj = client_data("webauthn.create", CHALLENGE, &rp().origin);
    let auth = auth_data(
        "desk.example",
        FLAG_UP | FLAG_UV | FLAG_AT,
        count,
        Some((CRED_ID, &key.cose())),
    );
    (cdj, attestation_object("none", vec![], &auth))
}

/// A packed registration signed by `attester` (self attestation when it is
/// the credential key and `x5c` is false).
fn packed_registration(key: &TestKey, attester: &TestKey, x5c: bool) -> (Vec<u8>, Vec<u8>) {
    let cdj = client_data("webauthn.create", CHALLENGE, &rp().origin);
    let auth = auth_data(
        "desk.example",
        FLAG_UP | FLAG_AT,
        0,
        Some((CRED_ID, &key.cose())),
    );
    let sig = attester.sign(&signed_message(&auth, &cdj));
    let mut stmt = vec![
        (text("alg"), Value::Integer(attester.alg().into())),
        (text("sig"), Value::Bytes(sig)),
    ];
    if x5c {
        stmt.push((
            text("x5c"),
            Value::Array(vec![Value::Bytes(attester.certificate())]),
        ));
    }
    (cdj, attestation_object("packed", stmt, &auth))
}

/// A sign-in: (clientDataJSON, authenticatorData, signature).
fn assertion(key: &TestKey, flags: u8, count: u32) -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let cdj = client_data("webauthn.get", CHALLENGE, &rp().origin);
    let auth = auth_data("desk.example", flags, count, None);
    let sig = key.sign(&signed_message(&auth, &cdj));
    (cdj, auth, sig)
}

fn sign_in(
    key: &PublicKey,
    stored: u32,
    a: &(Vec<u8>, Vec<u8>, Vec<u8>),
) -> Result<u32, WebauthnError> {
    verify_assertion(&rp(), CHALLENGE, key, stored, &a.0, &a.1, &a.2)
}

// --- happy paths ----------------------------------------------------

#[test]
fn es256_none_registers_then_signs_in_with_rising_counter() {
    let key = TestKey::es256();
    let (cdj, att) = none_registration(&key, 1);
    let passkey = verify_registration(&rp(), CHALLENGE, &cdj, &att).unwrap();
    assert_eq!(passkey.credential_id, CRED_ID);
    assert_eq!(passkey.public_key, key.public());
    assert_eq!(passkey.sign_count, 1);
    assert_eq!(passkey.attestation, AttestationFormat::None);
    assert!(passkey.user_verified);
    assert!(!passkey.backup_eligible);

    let first = sign_in(&passkey.public_key, 1, &assertion(&key, FLAG_UP, 2)).unwrap();
    assert_eq!(first, 2);
    let second = sign_in(&passkey.public_key, first, &assertion(&key, FLAG_UP, 7)).unwrap();
    assert_eq!(second, 7);
}

#[test]
fn rs256_registers_and_signs_in() {
    let key = TestKey::rs256();
    let (cdj, att) = none_registration(&key, 0);
    let passkey = verify_registration(&rp(), CHALLENGE, &cdj, &att).unwrap();
    assert_eq!(passkey.public_key.algorithm(), -257);
    assert_eq!(passkey.public_key, key.public());
    let count = sign_in(&passkey.public_key, 0, &assertion(&key, FLAG_UP, 1)).unwrap();
    assert_eq!(count, 1);
}

#[test]
fn packed_self_attestation_registers() {
    for key in [TestKey::es256(), TestKey::rs256()] {
        let (cdj, att) = packed_registration(&key, &key, false);
        let passkey = verify_registration(&rp(), CHALLENGE, &cdj, &att).unwrap();
        assert_eq!(passkey.attestation, AttestationFormat::Packed);
        assert_eq!(passkey.public_key, key.public());
    }
}

#[test]
fn packed_self_attestation_with_wrong_signature_is_bad_signature() {
    let key = TestKey::es256();
    let other = TestKey::es256();
    // Signed by another key but claiming self attestation.
    let (cdj, att) = packed_registration(&key, &other, false);
    assert_eq!(
        verify_registration(&rp(), CHALLENGE, &cdj, &att),
        Err(WebauthnError::BadSignature)
    );
}

#[test]
fn packed_self_attestation_with_other_alg_is_refused() {
    let key = TestKey::es256();
    let rsa = TestKey::rs256();
    let (cdj, att) = packed_registration(&key, &rsa, false);
    assert!(matches!(
        verify_registration(&rp(), CHALLENGE, &cdj, &att),
        Err(WebauthnError::Malformed(_))
    ));
}

#[test]
fn packed_x5c_is_verified_with_the_leaf_certificate_key() {
    let key = TestKey::es256();
    for attester in [TestKey::es256(), TestKey::rs256()] {
        let (cdj, att) = packed_registration(&key, &attester, true);
        let passkey = verify_registration(&rp(), CHALLENGE, &cdj, &att).unwrap();
        assert_eq!(passkey.attestation, AttestationFormat::Packed);
        assert_eq!(passkey.public_key, key.public());
    }
}

#[test]
fn packed_x5c_signed_by_another_key_is_bad_signature() {
    let key = TestKey::es256();
    let attester = TestKey::es256();
    let (cdj, _) = packed_registration(&key, &attester, true);
    let auth = auth_data(
        "desk.example",
        FLAG_UP | FLAG_AT,
        0,
        Some((CRED_ID, &key.cose())),
    );
    // Signed by the credential key, but the certificate holds `attester`.
    let stmt = vec![
        (text("alg"), Value::Integer((-7).into())),
        (
            text("sig"),
            Value::Bytes(key.sign(&signed_message(&auth, &cdj))),
        ),
        (
            text("x5c"),
            Value::Array(vec![Value::Bytes(attester.certificate())]),
        ),
    ];
    let att = attestation_object("packed", stmt, &auth);
    assert_eq!(
        verify_registration(&rp(), CHALLENGE, &cdj, &att),
        Err(WebauthnError::BadSignature)
    );
}

#[test]
fn extensions_in_authenticator_data_are_tolerated() {
    let key = TestKey::es256();
    let cdj = client_data("webauthn.create", CHALLENGE, &rp().origin);
    let mut auth = auth_data(
        "desk.example",
        FLAG_UP | FLAG_AT | FLAG_ED | FLAG_BE | FLAG_BS,
        0,
        Some((CRED_ID, &key.cose())),
    );
    auth.extend(cbor(&Value::Map(vec![(
        text("credProtect"),
        Value::Integer(2.into()),
    )])));
    let att = attestation_object("none", vec![], &auth);
    let passkey = verify_registration(&rp(), CHALLENGE, &cdj, &att).unwrap();
    assert!(passkey.backup_eligible);

    auth.push(0);
    let att = attestation_object("none", vec![], &auth);
    assert!(matches!(
        verify_registration(&rp(), CHALLENGE, &cdj, &att),
        Err(WebauthnError::Malformed(_))
    ));
}

#[test]
fn chromium_shaped_client_data_with_extra_keys_is_accepted() {
    let key = TestKey::es256();
    let cdj = format!(
        concat!(
            r#"{{"type":"webauthn.get","challenge":"{}","origin":"https://desk.example:8443","#,
            r#""crossOrigin":false,"other_keys_can_be_added_here":"do not compare "#,
            r#"clientDataJSON against a template. See https://goo.gl/yabPex"}}"#
        ),
        encode_b64url(CHALLENGE)
    )
    .into_bytes();
    let auth = auth_data("desk.example", FLAG_UP | FLAG_UV, 0, None);
    let sig = key.sign(&signed_message(&auth, &cdj));
    assert_eq!(sign_in(&key.public(), 0, &(cdj, auth, sig)), Ok(0));
}

// --- refusals -------------------------------------------------------

#[test]
fn wrong_challenge_is_refused() {
    let key = TestKey::es256();
    let (cdj, att) = none_registration(&key, 0);
    assert_eq!(
        verify_registration(&rp(), b"another challenge, 16+ bytes", &cdj, &att),
        Err(WebauthnError::ChallengeMismatch)
    );
    let a = assertion(&key, FLAG_UP, 1);
    assert_eq!(
        verify_assertion(
            &rp(),
            b"another challenge, 16+ bytes",
            &key.public(),
            0,
            &a.0,
            &a.1,
            &a.2
        ),
        Err(WebauthnError::ChallengeMismatch)
    );
}

#[test]
fn empty_server_challenge_is_refused_even_if_echoed() {
    let key = TestKey::es256();
    let cdj = client_data("webauthn.get", b"", &rp().origin);
    let auth = auth_data("desk.example", FLAG_UP, 1, None);
    let sig = key.sign(&signed_message(&auth, &cdj));
    assert_eq!(
        verify_assertion(&rp(), b"", &key.public(), 0, &cdj, &auth, &sig),
        Err(WebauthnError::ChallengeMismatch)
    );
}

#[test]
fn wrong_origin_is_refused() {
    let key = TestKey::es256();
    let cdj = client_data("webauthn.create", CHALLENGE, "https://evil.example");
    let (_, att) = none_registration(&key, 0);
    assert_eq!(
        verify_registration(&rp(), CHALLENGE, &cdj, &att),
        Err(WebauthnError::OriginMismatch {
            got: "https://evil.example".into()
        })
    );
}

#[test]
fn cross_origin_is_refused() {
    let key = TestKey::es256();
    let cdj = client_data("webauthn.get", CHALLENGE, &rp().origin);
    let cdj = String::from_utf8(cdj)
        .unwrap()
        .replace("\"crossOrigin\":false", "\"crossOrigin\":true")
        .into_bytes();
    let auth = auth_data("desk.example", FLAG_UP, 1, None);
    let sig = key.sign(&signed_message(&auth, &cdj));
    assert!(matches!(
        sign_in(&key.public(), 0, &(cdj, auth, sig)),
        Err(WebauthnError::OriginMismatch { .. })
    ));
}

#[test]
fn wrong_type_is_refused() {
    let key = TestKey::es256();
    let (_, att) = none_registration(&key, 0);
    let get = client_data("webauthn.get", CHALLENGE, &rp().origin);
    assert_eq!(
        verify_registration(&rp(), CHALLENGE, &get, &att),
        Err(WebauthnError::WrongType)
    );
    let create = client_data("webauthn.create", CHALLENGE, &rp().origin);
    let auth = auth_data("desk.example", FLAG_UP, 1, None);
    let sig = key.sign(&signed_message(&auth, &create));
    assert_eq!(
        sign_in(&key.public(), 0, &(create, auth, sig)),
        Err(WebauthnError::WrongType)
    );
}

#[test]
fn wrong_rp_id_hash_is_refused() {
    let key = TestKey::es256();
    let cdj = client_data("webauthn.create", CHALLENGE, &rp().origin);
    let auth = auth_data(
        "evil.example",
        FLAG_UP | FLAG_AT,
        0,
        Some((CRED_ID, &key.cose())),
    );
    let att = attestation_object("none", vec![], &auth);
    assert_eq!(
        verify_registration(&rp(), CHALLENGE, &cdj, &att),
        Err(WebauthnError::RpIdMismatch)
    );
    let cdj = client_data("webauthn.get", CHALLENGE, &rp().origin);
    let auth = auth_data("evil.example", FLAG_UP, 1, None);
    let sig = key.sign(&signed_message(&auth, &cdj));
    assert_eq!(
        sign_in(&key.public(), 0, &(cdj, auth, sig)),
        Err(WebauthnError::RpIdMismatch)
    );
}

#[test]
fn missing_user_presence_is_refused() {
    let key = TestKey::es256();
    let cdj = client_data("webauthn.create", CHALLENGE, &rp().origin);
    let auth = auth_data(
        "desk.example",
        FLAG_UV | FLAG_AT,
        0,
        Some((CRED_ID, &key.cose())),
    );
    let att = attestation_object("none", vec![], &auth);
    assert_eq!(
        verify_registration(&rp(), CHALLENGE, &cdj, &att),
        Err(WebauthnError::UserNotPresent)
    );
    assert_eq!(
        sign_in(&key.public(), 0, &assertion(&key, FLAG_UV, 1)),
        Err(WebauthnError::UserNotPresent)
    );
}

#[test]
fn signature_from_another_key_is_bad_signature() {
    let key = TestKey::es256();
    let other = TestKey::es256();
    assert_eq!(
        sign_in(&key.public(), 0, &assertion(&other, FLAG_UP, 1)),
        Err(WebauthnError::BadSignature)
    );
    let rsa = TestKey::rs256();
    assert_eq!(
        sign_in(&rsa.public(), 0, &assertion(&key, FLAG_UP, 1)),
        Err(WebauthnError::BadSignature)
    );
}

#[test]
fn counter_going_back_is_refused() {
    let key = TestKey::es256();
    for got in [5, 3, 0] {
        assert_eq!(
            sign_in(&key.public(), 5, &assertion(&key, FLAG_UP, got)),
            Err(WebauthnError::CounterWentBack { stored: 5, got })
        );
    }
}

#[test]
fn counter_zero_and_zero_is_accepted() {
    let key = TestKey::es256();
    assert_eq!(
        sign_in(&key.public(), 0, &assertion(&key, FLAG_UP, 0)),
        Ok(0)
    );
}

#[test]
fn unsupported_cose_alg_is_refused() {
    let int = |i: i64| Value::Integer(i.into());
    // An Ed25519 OKP key (COSE -8).
    let eddsa = Value::Map(vec![
        (int(1), int(1)),
        (int(3), int(-8)),
        (int(-1), int(6)),
        (int(-2), Value::Bytes(vec![7; 32])),
    ]);
    let cdj = client_data("webauthn.create", CHALLENGE, &rp().origin);
    let auth = auth_data(
        "desk.example",
        FLAG_UP | FLAG_AT,
        0,
        Some((CRED_ID, &eddsa)),
    );
    let att = attestation_object("none", vec![], &auth);
    assert_eq!(
        verify_registration(&rp(), CHALLENGE, &cdj, &att),
        Err(WebauthnError::UnsupportedAlgorithm(-8))
    );
}

#[test]
fn unsupported_attestation_formats_are_refused() {
    let key = TestKey::es256();
    let cdj = client_data("webauthn.create", CHALLENGE, &rp().origin);
    let auth = auth_data(
        "desk.example",
        FLAG_UP | FLAG_AT,
        0,
        Some((CRED_ID, &key.cose())),
    );
    for fmt in [
        "tpm",
        "android-key",
        "fido-u2f",
        "apple",
        "android-safetynet",
    ] {
        let att = attestation_object(fmt, vec![(text("sig"), Value::Bytes(vec![1]))], &auth);
        assert_eq!(
            verify_registration(&rp(), CHALLENGE, &cdj, &att),
            Err(WebauthnError::UnsupportedAttestation(fmt.into()))
        );
    }
}

#[test]
fn none_attestation_with_a_statement_is_malformed() {
    let key = TestKey::es256();
    let cdj = client_data("webauthn.create", CHALLENGE, &rp().origin);
    let auth = auth_data(
        "desk.example",
        FLAG_UP | FLAG_AT,
        0,
        Some((CRED_ID, &key.cose())),
    );
    let att = attestation_object("none", vec![(text("sig"), Value::Bytes(vec![1]))], &auth);
    assert!(matches!(
        verify_registration(&rp(), CHALLENGE, &cdj, &att),
        Err(WebauthnError::Malformed(_))
    ));
}

#[test]
fn registration_without_attested_data_is_malformed() {
    let cdj = client_data("webauthn.create", CHALLENGE, &rp().origin);
    let att = attestation_object("none", vec![], &auth_data("desk.example", FLAG_UP, 0, None));
    assert!(matches!(
        verify_registration(&rp(), CHALLENGE, &cdj, &att),
        Err(WebauthnError::Malformed(_))
    ));
}

#[test]
fn oversized_and_overlong_inputs_are_malformed() {
    let key = TestKey::es256();
    let (cdj, att) = none_registration(&key, 0);
    let mut big_cdj = cdj.clone();
    big_cdj.resize(MAX_CLIENT_DATA_JSON + 1, b' ');
    assert!(matches!(
        verify_registration(&rp(), CHALLENGE, &big_cdj, &att),
        Err(WebauthnError::Malformed(_))
    ));
    let mut big_att = att.clone();
    big_att.resize(MAX_ATTESTATION_OBJECT + 1, 0);
    assert!(matches!(
        verify_registration(&rp(), CHALLENGE, &cdj, &big_att),
        Err(WebauthnError::Malformed(_))
    ));
    let long_id = vec![1u8; 1024];
    let auth = auth_data(
        "desk.example",
        FLAG_UP | FLAG_AT,
        0,
        Some((&long_id, &key.cose())),
    );
    let att = attestation_object("none", vec![], &auth);
    assert!(matches!(
        verify_registration(&rp(), CHALLENGE, &cdj, &att),
        Err(WebauthnError::Malformed(_))
    ));
    let a = assertion(&key, FLAG_UP, 1);
    let big_sig = vec![0u8; MAX_SIGNATURE + 1];
    assert!(matches!(
        verify_assertion(&rp(), CHALLENGE, &key.public(), 0, &a.0, &a.1, &big_sig),
        Err(WebauthnError::Malformed(_))
    ));
}

#[test]
fn deeply_nested_cbor_is_malformed_not_a_stack_overflow() {
    let mut nested = vec![0x81u8; 10_000]; // [[[[…
    nested.push(0x00);
    let cdj = client_data("webauthn.create", CHALLENGE, &rp().origin);
    assert!(matches!(
        verify_registration(&rp(), CHALLENGE, &cdj, &nested),
        Err(WebauthnError::Malformed(_))
    ));
}

#[test]
fn public_key_round_trips_through_serde() {
    for key in [TestKey::es256().public(), TestKey::rs256().public()] {
        let json = serde_json::to_string(&key).unwrap();
        assert_eq!(serde_json::from_str::<PublicKey>(&json).unwrap(), key);
    }
    let format = serde_json::to_string(&AttestationFormat::Packed).unwrap();
    assert_eq!(
        serde_json::from_str::<AttestationFormat>(&format).unwrap(),
        AttestationFormat::Packed
    );
}

#[test]
fn base64url_helpers_round_trip() {
    let bytes = [0u8, 0xfb, 0xff, 0x10];
    let text = encode_b64url(&bytes);
    assert!(!text.contains(['+', '/', '=']));
    assert_eq!(decode_b64url(&text).unwrap(), bytes);
    assert!(decode_b64url("a+b/").is_err());
}

// --- never panic ----------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn registration_never_panics_on_arbitrary_bytes(
        cdj in proptest::collection::vec(any::<u8>(), 0..600),
        att in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        let _ = verify_registration(&rp(), CHALLENGE, &cdj, &att);
        // With valid client data, so the attestation parser is reached.
        let good = client_data("webauthn.create", CHALLENGE, &rp().origin);
        let _ = verify_registration(&rp(), CHALLENGE, &good, &att);
    }

    #[test]
    fn assertion_never_panics_on_arbitrary_bytes(
        cdj in proptest::collection::vec(any::<u8>(), 0..600),
        auth in proptest::collection::vec(any::<u8>(), 0..300),
        sig in proptest::collection::vec(any::<u8>(), 0..300),
        x in any::<[u8; 32]>(),
        n in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let es = PublicKey::Es256 { x, y: x };
        let rs = PublicKey::Rs256 { n, e: vec![1, 0, 1] };
        for key in [es, rs] {
            let _ = verify_assertion(&rp(), CHALLENGE, &key, 0, &cdj, &auth, &sig);
            let good = client_data("webauthn.get", CHALLENGE, &rp().origin);
            let _ = verify_assertion(&rp(), CHALLENGE, &key, 0, &good, &auth, &sig);
        }
    }

    #[test]
    fn mutated_valid_inputs_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let key = TestKey::es256();
        let (cdj, att) = packed_registration(&key, &key, true);
        let mut att = att;
        for (at, byte) in &edits {
            let i = at.index(att.len());
            att[i] = *byte;
        }
        let _ = verify_registration(&rp(), CHALLENGE, &cdj, &att);
        att.truncate(cut.index(att.len() + 1));
        let _ = verify_registration(&rp(), CHALLENGE, &cdj, &att);

        let (cdj, mut auth, sig) = assertion(&key, FLAG_UP | FLAG_ED, 1);
        auth.extend([0xa1, 0x61, b'k', 0x01]);
        for (at, byte) in &edits {
            let i = at.index(auth.len());
            auth[i] = *byte;
        }
        let _ = verify_assertion(&rp(), CHALLENGE, &key.public(), 0, &cdj, &auth, &sig);
    }
}
