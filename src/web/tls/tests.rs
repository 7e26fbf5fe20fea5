//! Tests of [`super`]: generated, configured and CA-issued certificates on real files.

use super::*;
use jiff::Timestamp;
use sha2::{Digest as _, Sha256};

#[test]
fn first_use_generates_files_and_later_uses_reuse_them() {
    let dir = tempfile::tempdir().unwrap();
    let (first, generated) = load_or_generate(dir.path(), None, &[], now()).unwrap();
    assert!(generated, "the first call must generate");
    let cert_on_disk = fs::read_to_string(dir.path().join("tls/cert.pem")).unwrap();
    let key_on_disk = fs::read_to_string(dir.path().join("tls/key.pem")).unwrap();
    assert_eq!(cert_on_disk, first.cert_pem);
    assert_eq!(key_on_disk, first.key_pem);

    let (second, generated) = load_or_generate(dir.path(), None, &[], now()).unwrap();
    assert!(!generated, "the second call must reuse the files");
    assert_eq!(second.cert_pem, first.cert_pem);
    assert_eq!(second.key_pem, first.key_pem);
    assert!(!dir.path().join("tls/key.pem.tmp").exists());
}

#[cfg(unix)]
#[test]
fn generated_key_is_readable_by_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    load_or_generate(dir.path(), None, &[], now()).unwrap();
    let mode = fs::metadata(dir.path().join("tls/key.pem"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "mode was {mode:o}");
}

#[test]
fn configured_files_are_used_instead_of_generating() {
    let configured = generate_self_signed(&["desk.example.kz".to_owned()]).unwrap();
    let files = tempfile::tempdir().unwrap();
    let cert_file = files.path().join("my-cert.pem");
    let key_file = files.path().join("my-key.pem");
    fs::write(&cert_file, &configured.cert_pem).unwrap();
    fs::write(&key_file, &configured.key_pem).unwrap();
    let data = tempfile::tempdir().unwrap();

    let (material, generated) =
        load_or_generate(data.path(), Some((&cert_file, &key_file)), &[], now()).unwrap();

    assert!(!generated);
    assert_eq!(material.cert_pem, configured.cert_pem);
    assert_eq!(material.key_pem, configured.key_pem);
    assert!(!data.path().join("tls").exists(), "nothing generated");
    server_config(&material).unwrap();
}

#[test]
fn missing_configured_file_is_an_error_naming_the_path() {
    let files = tempfile::tempdir().unwrap();
    let cert_file = files.path().join("absent-cert.pem");
    let key_file = files.path().join("absent-key.pem");

    let err =
        load_or_generate(files.path(), Some((&cert_file, &key_file)), &[], now()).unwrap_err();

    assert!(matches!(err, TlsError::Read { .. }), "got {err:?}");
    let message = err.to_string();
    assert!(
        message.contains(&cert_file.display().to_string()),
        "message does not name the file: {message}"
    );
}

#[test]
fn configured_file_without_a_certificate_is_an_error_naming_the_path() {
    let files = tempfile::tempdir().unwrap();
    let material = generate_self_signed(&[]).unwrap();
    let cert_file = files.path().join("swapped.pem");
    let key_file = files.path().join("key.pem");
    // The key where the certificate should be.
    fs::write(&cert_file, &material.key_pem).unwrap();
    fs::write(&key_file, &material.key_pem).unwrap();

    let err =
        load_or_generate(files.path(), Some((&cert_file, &key_file)), &[], now()).unwrap_err();

    let message = err.to_string();
    assert!(message.contains("swapped.pem"), "got: {message}");
    assert!(message.contains("no certificate"), "got: {message}");
}

#[test]
fn generated_certificate_is_p256_and_carries_the_default_and_given_names() {
    let material = generate_self_signed(&["desk.example.kz".to_owned()]).unwrap();
    let der = CertificateDer::from_pem_slice(material.cert_pem.as_bytes()).unwrap();
    // rcgen parses certificates only with its x509-parser feature: look into the DER.
    let bytes = der.as_ref();
    let contains = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    assert!(contains(b"localhost"));
    assert!(contains(b"desk.example.kz"));
    assert!(contains(&[127, 0, 0, 1]));
    // id-ecPublicKey and prime256v1 OIDs.
    assert!(contains(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]));
    assert!(contains(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]));
    let key = PrivateKeyDer::from_pem_slice(material.key_pem.as_bytes()).unwrap();
    assert!(matches!(key, PrivateKeyDer::Pkcs8(_)));
}

#[test]
fn server_config_offers_http11_only() {
    let material = generate_self_signed(&[]).unwrap();
    let config = server_config(&material).unwrap();
    assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// The real time, for certificates a real TLS client checks.
fn now() -> Timestamp {
    crate::clock::Clock::system().now()
}

fn validity(pem: &str) -> (Timestamp, Timestamp) {
    let der = parsed(pem);
    let (_, leaf) = x509_parser::parse_x509_certificate(&der).unwrap();
    let v = leaf.validity();
    (
        Timestamp::from_second(v.not_before.timestamp()).unwrap(),
        Timestamp::from_second(v.not_after.timestamp()).unwrap(),
    )
}

fn days(n: i64) -> jiff::SignedDuration {
    jiff::SignedDuration::from_hours(24 * n)
}

/// Writes `material` as the data directory's `tls/cert.pem` and `tls/key.pem`.
fn put_in_data_dir(dir: &Path, material: &TlsMaterial) {
    fs::create_dir_all(dir.join("tls")).unwrap();
    fs::write(dir.join("tls/cert.pem"), &material.cert_pem).unwrap();
    fs::write(dir.join("tls/key.pem"), &material.key_pem).unwrap();
}

#[test]
fn issue_14_the_generated_certificate_is_valid_for_about_two_years_from_the_clock() {
    // See: issue 14 (it was valid from 1975 to 4096).
    let now = at("2026-03-02T05:00:00Z");
    let material = generate_self_signed_at(&[], now).unwrap();
    let (from, until) = validity(&material.cert_pem);
    assert_eq!(from, now.checked_sub(days(1)).unwrap());
    assert_eq!(until, now.checked_add(days(730)).unwrap());
    // The first start writes one like it.
    let dir = tempfile::tempdir().unwrap();
    let (written, generated) = load_or_generate(dir.path(), None, &[], now).unwrap();
    assert!(generated);
    assert_eq!(validity(&written.cert_pem), (from, until));
}

#[test]
fn a_generated_certificate_near_its_end_is_renewed_at_start_and_a_fresh_one_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let then = at("2026-03-02T05:00:00Z");
    let old = generate_self_signed_at(&[], then).unwrap();
    put_in_data_dir(dir.path(), &old);
    // 700 days on, 30 are left: kept.
    let (kept, generated) =
        load_or_generate(dir.path(), None, &[], then.checked_add(days(700)).unwrap()).unwrap();
    assert!(!generated);
    assert_eq!(kept.cert_pem, old.cert_pem);
    // A day later, fewer than 30 are left: renewed, on disk too.
    let now = then.checked_add(days(701)).unwrap();
    let names = ["desk.example.kz".to_owned()];
    let (renewed, generated) = load_or_generate(dir.path(), None, &names, now).unwrap();
    assert!(generated);
    assert_ne!(renewed.cert_pem, old.cert_pem);
    assert_eq!(
        validity(&renewed.cert_pem).1,
        now.checked_add(days(730)).unwrap()
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("tls/cert.pem")).unwrap(),
        renewed.cert_pem
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("tls/key.pem")).unwrap(),
        renewed.key_pem
    );
    server_config(&renewed).unwrap();
    assert!(renew_if_due(dir.path(), &names, now).unwrap().is_none());
}

#[test]
fn a_renewal_cut_short_between_its_two_files_is_finished_at_the_next_check() {
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-03-02T05:00:00Z");
    let first = generate_self_signed_at(&[], now).unwrap();
    let second = generate_self_signed_at(&[], now).unwrap();
    put_in_data_dir(
        dir.path(),
        &TlsMaterial {
            cert_pem: first.cert_pem,
            key_pem: second.key_pem,
        },
    );
    let (material, generated) = load_or_generate(dir.path(), None, &[], now).unwrap();
    assert!(generated, "a key of another certificate is replaced");
    server_config(&material).unwrap();
}

#[test]
fn a_configured_certificate_near_its_end_is_never_replaced() {
    let then = at("2024-03-02T05:00:00Z");
    let now = then.checked_add(days(729)).unwrap();
    // Even one that looks generated: configured files are the admin's.
    let material = generate_self_signed_at(&[], then).unwrap();
    let files = tempfile::tempdir().unwrap();
    let (cert_file, key_file) = (files.path().join("c.pem"), files.path().join("k.pem"));
    fs::write(&cert_file, &material.cert_pem).unwrap();
    fs::write(&key_file, &material.key_pem).unwrap();
    let data = tempfile::tempdir().unwrap();
    let (loaded, generated) =
        load_or_generate(data.path(), Some((&cert_file, &key_file)), &[], now).unwrap();
    assert!(!generated);
    assert_eq!(loaded.cert_pem, material.cert_pem);
    assert_eq!(fs::read_to_string(&cert_file).unwrap(), material.cert_pem);
    assert!(!data.path().join("tls").exists());
}

#[test]
fn a_certificate_from_the_local_root_or_the_admin_near_its_end_is_left_alone() {
    let then = at("2026-03-02T05:00:00Z");
    let now = then.checked_add(days(820)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    issue_from_local_ca(dir.path(), &[], then, false).unwrap();
    let issued = fs::read_to_string(dir.path().join("tls/cert.pem")).unwrap();
    assert!(renew_if_due(dir.path(), &[], now).unwrap().is_none());
    let (loaded, generated) = load_or_generate(dir.path(), None, &[], now).unwrap();
    assert!(!generated);
    assert_eq!(loaded.cert_pem, issued);

    // A self-signed certificate of the admin's own (another subject) put in the folder.
    let own = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["desk.example.kz".to_owned()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "desk.example.kz");
    local_ca::set_validity(&mut params, then, then.checked_add(days(30)).unwrap()).unwrap();
    let cert = params.self_signed(&key).unwrap();
    let material = TlsMaterial {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    };
    put_in_data_dir(own.path(), &material);
    assert!(renew_if_due(own.path(), &[], now).unwrap().is_none());
    assert_eq!(
        fs::read_to_string(own.path().join("tls/cert.pem")).unwrap(),
        material.cert_pem
    );
}

#[test]
fn a_live_certificate_refuses_a_key_that_is_not_its_own_and_keeps_the_old_one() {
    let now = at("2026-03-02T05:00:00Z");
    let a = generate_self_signed_at(&[], now).unwrap();
    let b = generate_self_signed_at(&[], now).unwrap();
    let live = LiveCertificate::new(&a).unwrap();
    let mixed = TlsMaterial {
        cert_pem: a.cert_pem.clone(),
        key_pem: b.key_pem.clone(),
    };
    assert!(matches!(live.replace(&mixed), Err(TlsError::Config(_))));
    live.replace(&b).unwrap();
}

fn parsed(pem: &str) -> Vec<u8> {
    CertificateDer::from_pem_slice(pem.as_bytes())
        .unwrap()
        .as_ref()
        .to_vec()
}

#[test]
fn server_certificate_from_the_local_root_verifies_for_localhost_and_a_configured_name() {
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-03-02T05:00:00Z");
    let issued =
        issue_from_local_ca(dir.path(), &["desk.example.kz".to_owned()], now, false).unwrap();
    assert!(issued.ca_created);
    assert_eq!(
        issued.names,
        ["desk.example.kz", "localhost", "127.0.0.1", "::1"]
    );
    let ca = fs::read_to_string(dir.path().join("tls/ca.pem")).unwrap();
    let chain = fs::read_to_string(dir.path().join("tls/cert.pem")).unwrap();

    for name in ["localhost", "desk.example.kz", "127.0.0.1"] {
        verify_server_chain(&chain, &ca, name, now).unwrap();
    }
    let later = at("2028-06-01T00:00:00Z");
    verify_server_chain(&chain, &ca, "desk.example.kz", later).unwrap();
    let err = verify_server_chain(&chain, &ca, "other.example.kz", now).unwrap_err();
    assert!(
        matches!(
            err,
            TlsError::Chain {
                error: webpki::Error::CertNotValidForName(_),
                ..
            }
        ),
        "got {err:?}"
    );
    let stranger = new_local_ca("elsewhere", now).unwrap();
    let err = verify_server_chain(&chain, &stranger.cert_pem, "localhost", now).unwrap_err();
    assert!(
        matches!(
            err,
            TlsError::Chain {
                error: webpki::Error::UnknownIssuer,
                ..
            }
        ),
        "got {err:?}"
    );

    // The chain is the server certificate, then the root.
    let certs = parse_certificates(&chain, "chain").unwrap();
    assert_eq!(certs.len(), 2);
    assert_eq!(certs[1].as_ref(), parsed(&ca).as_slice());

    // The server loads these files as they are.
    let (material, generated) = load_or_generate(dir.path(), None, &[], now).unwrap();
    assert!(
        !generated,
        "a certificate from the local root is left alone"
    );
    assert_eq!(material.cert_pem, chain);
    server_config(&material).unwrap();
}

#[test]
fn server_certificate_lasts_at_most_825_days_and_is_not_a_ca() {
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-03-02T05:00:00Z");
    let issued = issue_from_local_ca(dir.path(), &[], now, false).unwrap();
    let chain = fs::read_to_string(&issued.files.cert).unwrap();
    let der = parsed(&chain);
    let (_, leaf) = x509_parser::parse_x509_certificate(&der).unwrap();
    let validity = leaf.validity();
    let days = (validity.not_after.timestamp() - validity.not_before.timestamp()) / 86_400;
    assert!(days <= 825, "valid for {days} days");
    assert_eq!(validity.not_after.timestamp(), issued.not_after.as_second());
    assert!(!leaf.basic_constraints().unwrap().unwrap().value.ca);
    assert!(
        leaf.extended_key_usage()
            .unwrap()
            .unwrap()
            .value
            .server_auth
    );

    let ca_der = parsed(&fs::read_to_string(&issued.files.ca_cert).unwrap());
    let (_, root) = x509_parser::parse_x509_certificate(&ca_der).unwrap();
    let constraints = root.basic_constraints().unwrap().unwrap().value;
    assert!(constraints.ca);
    assert_eq!(constraints.path_len_constraint, Some(0));
    let usage = root.key_usage().unwrap().unwrap().value;
    assert!(usage.key_cert_sign() && usage.crl_sign());
    let root_days =
        (root.validity().not_after.timestamp() - root.validity().not_before.timestamp()) / 86_400;
    assert!(
        (3650..=3653).contains(&root_days),
        "root valid {root_days} days"
    );
    let subject = root.subject().to_string();
    assert!(
        subject.contains("CN=Otinish local root (localhost)"),
        "{subject}"
    );
}

#[test]
fn running_again_reuses_the_root_and_issues_a_new_server_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-03-02T05:00:00Z");
    let first = issue_from_local_ca(dir.path(), &[], now, false).unwrap();
    let ca = fs::read_to_string(&first.files.ca_cert).unwrap();
    let ca_key = fs::read_to_string(&first.files.ca_key).unwrap();
    let first_chain = fs::read_to_string(&first.files.cert).unwrap();

    let later = at("2027-01-10T05:00:00Z");
    let names = ["desk.example.kz".to_owned()];
    let second = issue_from_local_ca(dir.path(), &names, later, false).unwrap();

    assert!(!second.ca_created);
    assert_eq!(second.ca_fingerprint, first.ca_fingerprint);
    assert_eq!(fs::read_to_string(&second.files.ca_cert).unwrap(), ca);
    assert_eq!(fs::read_to_string(&second.files.ca_key).unwrap(), ca_key);
    let second_chain = fs::read_to_string(&second.files.cert).unwrap();
    assert_ne!(second_chain, first_chain);
    verify_server_chain(&second_chain, &ca, "desk.example.kz", later).unwrap();
    verify_server_chain(&second_chain, &ca, "localhost", later).unwrap();
}

#[test]
fn force_replaces_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-03-02T05:00:00Z");
    let first = issue_from_local_ca(dir.path(), &[], now, false).unwrap();

    let second = issue_from_local_ca(dir.path(), &[], now, true).unwrap();

    assert!(second.ca_created);
    assert_ne!(second.ca_fingerprint, first.ca_fingerprint);
    let ca = fs::read_to_string(&second.files.ca_cert).unwrap();
    let chain = fs::read_to_string(&second.files.cert).unwrap();
    verify_server_chain(&chain, &ca, "localhost", now).unwrap();
}

#[test]
fn an_expired_root_is_refused_until_replaced() {
    let dir = tempfile::tempdir().unwrap();
    issue_from_local_ca(dir.path(), &[], at("2026-03-02T05:00:00Z"), false).unwrap();

    let err = issue_from_local_ca(dir.path(), &[], at("2036-06-01T00:00:00Z"), false).unwrap_err();

    let message = err.to_string();
    assert!(message.contains("ca.pem"), "{message}");
    assert!(message.contains("expired"), "{message}");
    assert!(message.contains("--force"), "{message}");
}

#[test]
fn server_certificate_expires_no_later_than_its_root() {
    let now = at("2026-03-02T05:00:00Z");
    let ca = new_local_ca("desk", now).unwrap();
    let expires = at("2027-01-01T00:00:00Z");
    let (_, not_after) = issue_server_certificate(&ca, &["localhost".to_owned()], now).unwrap();
    assert!(not_after > expires, "825 days from now");
    let (_, not_after) =
        issue_server_certificate(&ca, &["localhost".to_owned()], at("2035-12-01T00:00:00Z"))
            .unwrap();
    assert!(
        not_after <= at("2036-03-01T05:00:00Z"),
        "clamped to the root's expiry, got {not_after}"
    );
}

#[test]
fn a_name_that_is_not_a_host_name_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-03-02T05:00:00Z");
    for (bad, reason) in [
        ("bad name", "space"),
        ("", "empty"),
        ("https://desk.example.kz", "`/`"),
        ("desk.example.kz:8443", "`:`"),
        ("өтініш.kz", "punycode"),
    ] {
        let err = issue_from_local_ca(dir.path(), &[bad.to_owned()], now, false).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains(&format!("`{bad}` is not a host name")),
            "{message}"
        );
        assert!(message.contains(reason), "{message}");
    }
    assert!(!dir.path().join("tls").exists());
    for good in [
        "desk.example.kz",
        "otinish.local",
        "192.168.1.10",
        "xn--h1aax.kz",
    ] {
        check_host_name(good).unwrap();
    }
}

#[test]
fn a_root_without_its_key_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-03-02T05:00:00Z");
    let first = issue_from_local_ca(dir.path(), &[], now, false).unwrap();
    fs::remove_file(&first.files.ca_key).unwrap();
    let chain = fs::read_to_string(&first.files.cert).unwrap();

    let err = issue_from_local_ca(dir.path(), &[], now, false).unwrap_err();

    let message = err.to_string();
    assert!(message.contains("ca-key.pem"), "{message}");
    assert!(message.contains("--force"), "{message}");
    assert_eq!(fs::read_to_string(&first.files.cert).unwrap(), chain);
}

#[test]
fn a_root_key_of_another_root_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-03-02T05:00:00Z");
    let first = issue_from_local_ca(dir.path(), &[], now, false).unwrap();
    let other = new_local_ca("other", now).unwrap();
    fs::write(&first.files.ca_key, other.key_pem).unwrap();

    let err = issue_from_local_ca(dir.path(), &[], now, false).unwrap_err();

    let message = err.to_string();
    assert!(message.contains("ca.pem"), "{message}");
    assert!(message.contains("another certificate"), "{message}");
}

#[cfg(unix)]
#[test]
fn local_root_and_server_keys_are_readable_by_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let issued = issue_from_local_ca(dir.path(), &[], at("2026-03-02T05:00:00Z"), false).unwrap();
    for key in [&issued.files.ca_key, &issued.files.key] {
        let mode = fs::metadata(key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}: mode {mode:o}", key.display());
    }
}

#[test]
fn fingerprint_is_sha256_of_the_der_in_colon_hex() {
    let ca = new_local_ca("desk", at("2026-03-02T05:00:00Z")).unwrap();
    let fingerprint = sha256_fingerprint(&ca.cert_pem).unwrap();
    let expected = crate::hex::encode(&Sha256::digest(parsed(&ca.cert_pem))).to_uppercase();
    assert_eq!(fingerprint.replace(':', ""), expected);
    assert_eq!(fingerprint.len(), 32 * 3 - 1);
}

#[test]
fn debug_output_hides_the_private_key() {
    let material = generate_self_signed(&[]).unwrap();
    let shown = format!("{material:?}");
    assert!(!shown.contains("PRIVATE KEY"));
}
