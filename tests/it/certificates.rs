//! The generated certificate over HTTPS: renewed at start when near its end, and handed to a
//! running server without a restart.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use otinish::web::tls;

use crate::support::{Binary, sample_store};

/// Whether a client trusting only `cert_pem` gets `/health` from `addr`.
fn trusted(addr: &str, cert_pem: &str) -> bool {
    let cert = ureq::tls::Certificate::from_pem(cert_pem.as_bytes()).unwrap();
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::Specific(Arc::new(vec![cert])))
        .build();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(tls)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into();
    agent
        .get(format!("https://{addr}/health"))
        .call()
        .is_ok_and(|r| r.status() == 200)
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

fn not_after(cert_pem: &str) -> Timestamp {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject as _;
    let der = CertificateDer::from_pem_slice(cert_pem.as_bytes()).unwrap();
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).unwrap();
    Timestamp::from_second(cert.validity().not_after.timestamp()).unwrap()
}

/// See: issue 14 (the generated certificate was valid until 4096 and never renewed).
#[test]
fn issue_14_a_generated_certificate_near_its_end_is_renewed_when_the_server_starts() {
    let data = tempfile::tempdir().unwrap();
    let now = Timestamp::now();
    let old = tls::generate_self_signed_at(&[], now.checked_sub(days(710)).unwrap()).unwrap();
    std::fs::create_dir_all(data.path().join("tls")).unwrap();
    std::fs::write(data.path().join("tls/cert.pem"), &old.cert_pem).unwrap();
    std::fs::write(data.path().join("tls/key.pem"), &old.key_pem).unwrap();

    let (_server, addr) = Binary::start(data.path(), "127.0.0.1:0");
    let served = std::fs::read_to_string(data.path().join("tls/cert.pem")).unwrap();
    assert_ne!(served, old.cert_pem, "renewed on disk");
    let left = not_after(&served).duration_since(now);
    assert!(
        left > days(729) && left <= days(731),
        "valid about two years more: {left:?}"
    );
    assert!(trusted(&addr, &served), "the server presents the new one");
    assert!(!trusted(&addr, &old.cert_pem), "and no longer the old one");
}

#[test]
fn a_running_server_presents_a_renewed_certificate_from_the_next_connection() {
    let (ctx, config, _store_dir) = sample_store();
    let data = tempfile::tempdir().unwrap();
    let now = Timestamp::now();
    let old = tls::generate_self_signed_at(&[], now.checked_sub(days(710)).unwrap()).unwrap();
    std::fs::create_dir_all(data.path().join("tls")).unwrap();
    std::fs::write(data.path().join("tls/cert.pem"), &old.cert_pem).unwrap();
    std::fs::write(data.path().join("tls/key.pem"), &old.key_pem).unwrap();

    let (tls_config, live) = tls::live_server_config(&old).unwrap();
    let server_app = Arc::new(otinish::web::App::new(ctx, &config).unwrap());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let handle = otinish::web::start(
        server_app,
        listener,
        tls_config,
        otinish::web::limits(&config),
    )
    .unwrap();
    let addr = handle.addr().to_string();
    assert!(trusted(&addr, &old.cert_pem));

    // What the housekeeping thread does each day.
    let renewed = tls::renew_if_due(data.path(), &[], now)
        .unwrap()
        .expect("due: 20 days left");
    live.replace(&renewed).unwrap();
    assert!(trusted(&addr, &renewed.cert_pem), "no restart needed");
    assert!(!trusted(&addr, &old.cert_pem));
    assert!(
        tls::renew_if_due(data.path(), &[], now).unwrap().is_none(),
        "a fresh one is kept"
    );
    handle.shutdown();
}
