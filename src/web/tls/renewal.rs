//! The generated self-signed certificate's life: about two years, renewed when fewer than 30
//! days are left (at start and daily from the housekeeping thread), and handed to the running
//! server without a restart through [`LiveCertificate`].
//!
//! Only a certificate this program generated is ever replaced: the one under
//! `data_dir/tls` that is self-signed with the subject [`GENERATED_CN`]. A configured
//! certificate (`tls.cert_file`), one issued by `otinish tls ca` (issued by the local root)
//! and any other file the admin put there are left as they are.

use std::path::Path;
use std::sync::{Arc, PoisonError, RwLock};

use jiff::{SignedDuration, Timestamp};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

use super::{
    TlsError, TlsMaterial, create_private_dir, generate_self_signed_at, parse_certificates,
    parse_private_key, read_material, write_atomically,
};

/// The subject common name of every certificate [`generate_self_signed_at`] makes; how a
/// generated certificate is told from one that someone else made.
pub const GENERATED_CN: &str = "otinish self-signed";

/// Validity of a generated certificate from `now`.
pub const GENERATED_VALIDITY: SignedDuration = SignedDuration::from_hours(730 * 24);

/// How far back `notBefore` is set, so a client whose clock runs behind still accepts it.
pub const GENERATED_BACKDATE: SignedDuration = SignedDuration::from_hours(24);

/// A generated certificate with less than this left is renewed.
pub const RENEW_BEFORE: SignedDuration = SignedDuration::from_hours(30 * 24);

/// What the first certificate of a PEM chain says about its own life and origin.
struct Leaf {
    generated: bool,
    not_after: Timestamp,
}

fn leaf(pem: &str, origin: &str) -> Result<Leaf, TlsError> {
    let der = parse_certificates(pem, origin)?.swap_remove(0);
    let (_, cert) =
        x509_parser::parse_x509_certificate(der.as_ref()).map_err(|error| TlsError::Pem {
            origin: origin.to_owned(),
            problem: format!("not an X.509 certificate: {error}"),
        })?;
    let cn_is_ours = cert
        .subject()
        .iter_common_name()
        .any(|cn| cn.as_str() == Ok(GENERATED_CN));
    let self_issued = cert.subject().as_raw() == cert.issuer().as_raw();
    let not_after =
        Timestamp::from_second(cert.validity().not_after.timestamp()).map_err(|error| {
            TlsError::Pem {
                origin: origin.to_owned(),
                problem: format!("expiry date out of range: {error}"),
            }
        })?;
    Ok(Leaf {
        generated: cn_is_ours && self_issued,
        not_after,
    })
}

/// Whether `material` is a generated certificate to replace at `now`: fewer than
/// [`RENEW_BEFORE`] left, or a key that does not belong to it (a renewal cut short between
/// its two files).
pub(super) fn due(material: &TlsMaterial, origin: &str, now: Timestamp) -> Result<bool, TlsError> {
    let leaf = leaf(&material.cert_pem, origin)?;
    if !leaf.generated {
        return Ok(false);
    }
    let ends_soon = leaf.not_after.duration_since(now) < RENEW_BEFORE;
    Ok(ends_soon || certified_key(material).is_err())
}

/// Renews the generated certificate in `data_dir/tls` if it is due (fewer than 30 days
/// left): writes the new pair (key first) and returns it. `None` when there is nothing to renew: no such files, another
/// kind of certificate, or plenty of time left.
pub fn renew_if_due(
    data_dir: &Path,
    host_names: &[String],
    now: Timestamp,
) -> Result<Option<TlsMaterial>, TlsError> {
    let dir = data_dir.join("tls");
    let (cert_file, key_file) = (dir.join("cert.pem"), dir.join("key.pem"));
    if !cert_file.exists() || !key_file.exists() {
        return Ok(None);
    }
    let current = read_material(&cert_file, &key_file)?;
    if !due(&current, &cert_file.display().to_string(), now)? {
        return Ok(None);
    }
    let material = generate_self_signed_at(host_names, now)?;
    create_private_dir(&dir)?;
    write_atomically(&key_file, material.key_pem.as_bytes())?;
    write_atomically(&cert_file, material.cert_pem.as_bytes())?;
    log::info!(
        "renewed the self-signed certificate in {} (it was to end within {} days)",
        cert_file.display(),
        RENEW_BEFORE.as_hours() / 24
    );
    Ok(Some(material))
}

fn certified_key(material: &TlsMaterial) -> Result<CertifiedKey, TlsError> {
    let certs = parse_certificates(&material.cert_pem, "certificate PEM")?;
    let key = parse_private_key(&material.key_pem, "private key PEM")?;
    CertifiedKey::from_der(certs, key, &rustls::crypto::ring::default_provider())
        .map_err(TlsError::Config)
}

/// The certificate the server presents, replaceable while it runs: every new connection gets
/// the one set last; connections already open keep theirs.
#[derive(Debug)]
pub struct LiveCertificate {
    current: RwLock<Arc<CertifiedKey>>,
}

impl LiveCertificate {
    /// Presents `material` (its key must belong to its certificate).
    pub fn new(material: &TlsMaterial) -> Result<Self, TlsError> {
        Ok(Self {
            current: RwLock::new(Arc::new(certified_key(material)?)),
        })
    }

    /// Presents `material` from the next connection on; a pair that does not fit is refused and
    /// the old one stays.
    pub fn replace(&self, material: &TlsMaterial) -> Result<(), TlsError> {
        let key = Arc::new(certified_key(material)?);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = key;
        Ok(())
    }
}

impl ResolvesServerCert for LiveCertificate {
    fn resolve(&self, _client_hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(Arc::clone(
            &self.current.read().unwrap_or_else(PoisonError::into_inner),
        ))
    }
}
