//! TLS material: the certificate and key the server presents, and the rustls configuration
//! built from them.
//!
//! Owns reading a configured certificate, generating and reusing a self-signed one under the
//! data directory and renewing it before it ends (`renewal`), the local root CA of
//! `otinish tls ca` and the server certificates it issues, and the rustls `ServerConfig` (ring
//! provider, no client auth, ALPN `http/1.1`, a certificate replaceable while serving).
//! It must not accept connections or know hyper/tokio (that is `web::server`), it parses PEM
//! only through `rustls_pki_types::pem`, and it takes `now` as a parameter.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

mod local_ca;
mod renewal;
pub use local_ca::{
    LocalCaFiles, LocalCaIssued, check_host_name, issue_from_local_ca, issue_server_certificate,
    new_local_ca, sha256_fingerprint, verify_server_chain,
};
pub use renewal::{
    GENERATED_BACKDATE, GENERATED_CN, GENERATED_VALIDITY, LiveCertificate, RENEW_BEFORE,
    renew_if_due,
};

/// Certificate chain and private key, both as PEM text.
#[derive(Clone)]
pub struct TlsMaterial {
    /// The certificate chain, leaf first.
    pub cert_pem: String,
    /// The private key (PKCS#8, PKCS#1 or SEC1).
    pub key_pem: String,
}

impl std::fmt::Debug for TlsMaterial {
    /// Never prints the private key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsMaterial")
            .field("cert_pem", &self.cert_pem)
            .field("key_pem", &"***")
            .finish()
    }
}

/// Why the TLS material could not be loaded, made or used; messages name the file that failed.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A certificate or key file could not be read.
    #[error("cannot read {}: {error}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        error: io::Error,
    },
    /// A generated certificate or key could not be stored.
    #[error("cannot write {}: {error}", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// What the OS said.
        error: io::Error,
    },
    /// PEM text holds no usable certificate or private key.
    #[error("{origin}: {problem}")]
    Pem {
        /// The file, or which half of the material when there is no file.
        origin: String,
        /// What is wrong with it.
        problem: String,
    },
    /// rcgen refused to make the certificate (usually a host name it cannot encode).
    #[error("cannot generate a self-signed certificate for {names:?}: {error}")]
    Generate {
        /// The subject alternative names asked for.
        names: Vec<String>,
        /// What rcgen said.
        error: rcgen::Error,
    },
    /// rustls refused the certificate and key (for example, the key does not match).
    #[error("the certificate and private key cannot be used together: {0}")]
    Config(rustls::Error),
    /// A name asked for in a certificate is not a host name.
    #[error("`{name}` is not a host name: {reason}")]
    NotAHostName {
        /// The name as given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The local root CA files cannot be used as they are (half missing, a key of another
    /// certificate, expired); the message names the file and the way out.
    #[error("{0}")]
    LocalCa(String),
    /// rcgen refused to make the local root or a certificate issued by it.
    #[error("cannot make the {what}: {error}")]
    Issue {
        /// Which certificate.
        what: &'static str,
        /// What rcgen said.
        error: rcgen::Error,
    },
    /// An issued certificate does not verify against its root for one of its names.
    #[error("the server certificate does not verify against {anchor} for `{name}`: {error}")]
    Chain {
        /// The root it was checked against.
        anchor: String,
        /// The host name checked.
        name: String,
        /// What webpki said.
        error: webpki::Error,
    },
}

/// Names every generated certificate carries, before the configured host names.
const DEFAULT_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// [`generate_self_signed_at`] now, by the system clock: a throw-away certificate (tests,
/// examples). The server's own goes through [`load_or_generate`] with the service clock.
pub fn generate_self_signed(host_names: &[String]) -> Result<TlsMaterial, TlsError> {
    generate_self_signed_at(host_names, crate::clock::Clock::system().now())
}

/// ECDSA P-256 self-signed certificate (rcgen, ring) with SANs `localhost`, `127.0.0.1`, `::1`
/// and the given host names (blank and repeated names are skipped), subject CN
/// [`GENERATED_CN`], valid from a day before `now` ([`GENERATED_BACKDATE`]) for
/// [`GENERATED_VALIDITY`] (two years) after it.
pub fn generate_self_signed_at(
    host_names: &[String],
    now: Timestamp,
) -> Result<TlsMaterial, TlsError> {
    let mut names: Vec<String> = DEFAULT_NAMES.iter().map(|n| (*n).to_owned()).collect();
    for name in host_names {
        let name = name.trim();
        if !name.is_empty() && !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name.to_owned());
        }
    }
    let from = now.checked_sub(GENERATED_BACKDATE).unwrap_or(now);
    let until = now.checked_add(GENERATED_VALIDITY).unwrap_or(now);
    let generate = || -> Result<TlsMaterial, TlsError> {
        let failed = |error| TlsError::Generate {
            names: names.clone(),
            error,
        };
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(failed)?;
        let mut params = rcgen::CertificateParams::new(names.clone()).map_err(failed)?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, GENERATED_CN);
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        local_ca::set_validity(&mut params, from, until)?;
        let cert = params.self_signed(&key).map_err(failed)?;
        Ok(TlsMaterial {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    };
    generate()
}

/// Reads `cert_file`/`key_file` when both are given (a configured certificate); otherwise uses
/// `data_dir/tls/cert.pem` and `data_dir/tls/key.pem`, generating them on first use (key file
/// mode 0600 on unix) and reusing them after. Returns the material and whether it was
/// generated now.
///
/// A generated certificate with fewer than 30 days left at `now` is renewed
/// ([`renew_if_due`]). Any other existing files are never regenerated or overwritten: neither
/// when `host_names` change (delete them to get a certificate for the new names) nor when they
/// were issued by the local root of [`issue_from_local_ca`] or put there by the admin.
pub fn load_or_generate(
    data_dir: &Path,
    configured: Option<(&Path, &Path)>,
    host_names: &[String],
    now: Timestamp,
) -> Result<(TlsMaterial, bool), TlsError> {
    if let Some((cert_file, key_file)) = configured {
        return Ok((read_material(cert_file, key_file)?, false));
    }
    let dir = data_dir.join("tls");
    let cert_file = dir.join("cert.pem");
    let key_file = dir.join("key.pem");
    if cert_file.exists() && key_file.exists() {
        if let Some(renewed) = renew_if_due(data_dir, host_names, now)? {
            return Ok((renewed, true));
        }
        return Ok((read_material(&cert_file, &key_file)?, false));
    }
    if cert_file.exists() || key_file.exists() {
        log::warn!(
            "only one of {} and {} exists; generating a new pair",
            cert_file.display(),
            key_file.display()
        );
    }
    let material = generate_self_signed_at(host_names, now)?;
    create_private_dir(&dir)?;
    // Key first: a crash between the two renames leaves no cert.pem, so the next start
    // generates a fresh pair instead of pairing a new certificate with an old key.
    write_atomically(&key_file, material.key_pem.as_bytes())?;
    write_atomically(&cert_file, material.cert_pem.as_bytes())?;
    log::info!(
        "generated a self-signed certificate in {}",
        cert_file.display()
    );
    Ok((material, true))
}

/// rustls `ServerConfig` with the ring provider, no client auth and ALPN `http/1.1`.
pub fn server_config(material: &TlsMaterial) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    Ok(live_server_config(material)?.0)
}

/// [`server_config`] whose certificate can be replaced while the server runs: the returned
/// [`LiveCertificate`] is what the config presents to every new connection.
pub fn live_server_config(
    material: &TlsMaterial,
) -> Result<(Arc<rustls::ServerConfig>, Arc<LiveCertificate>), TlsError> {
    let live = Arc::new(LiveCertificate::new(material)?);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Config)?
        .with_no_client_auth()
        .with_cert_resolver(Arc::clone(&live) as Arc<dyn rustls::server::ResolvesServerCert>);
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((Arc::new(config), live))
}

/// Reads and checks both files, so a bad file is reported by its path.
fn read_material(cert_file: &Path, key_file: &Path) -> Result<TlsMaterial, TlsError> {
    let read = |path: &Path| {
        fs::read_to_string(path).map_err(|error| TlsError::Read {
            path: path.to_owned(),
            error,
        })
    };
    let material = TlsMaterial {
        cert_pem: read(cert_file)?,
        key_pem: read(key_file)?,
    };
    parse_certificates(&material.cert_pem, &cert_file.display().to_string())?;
    parse_private_key(&material.key_pem, &key_file.display().to_string())?;
    Ok(material)
}

fn parse_certificates(pem: &str, origin: &str) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let certs = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| pem_error(origin, &format!("invalid PEM: {error}")))?;
    if certs.is_empty() {
        return Err(pem_error(origin, "no certificate found"));
    }
    Ok(certs)
}

fn parse_private_key(pem: &str, origin: &str) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|error| match error {
        rustls_pki_types::pem::Error::NoItemsFound => pem_error(origin, "no private key found"),
        other => pem_error(origin, &format!("invalid PEM: {other}")),
    })
}

fn pem_error(origin: &str, problem: &str) -> TlsError {
    TlsError::Pem {
        origin: origin.to_owned(),
        problem: problem.to_owned(),
    }
}

fn create_private_dir(dir: &Path) -> Result<(), TlsError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|error| TlsError::Write {
        path: dir.to_owned(),
        error,
    })
}

/// Writes to `path.tmp`, syncs, then renames over `path`; the file is readable by the owner only.
fn write_atomically(path: &Path, contents: &[u8]) -> Result<(), TlsError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let write = || -> io::Result<()> {
        match fs::remove_file(&tmp) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    };
    write().map_err(|error| TlsError::Write {
        path: path.to_owned(),
        error,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
