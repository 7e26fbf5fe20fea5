//! TLS material: the certificate and key the server presents, and the rustls configuration
//! built from them.
//!
//! Owns reading a configured certificate, generating (once) and reusing a self-signed one under
//! the data directory, and the rustls `ServerConfig` (ring provider, no client auth,
//! ALPN `http/1.1`). It must not accept connections or know hyper/tokio (that is
//! `web::server`), and it parses PEM only through `rustls_pki_types::pem`.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

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
}

/// Names every generated certificate carries, before the configured host names.
const DEFAULT_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// ECDSA P-256 self-signed certificate (rcgen, ring) with SANs `localhost`, `127.0.0.1`, `::1`
/// and the given host names (blank and repeated names are skipped).
pub fn generate_self_signed(host_names: &[String]) -> Result<TlsMaterial, TlsError> {
    let mut names: Vec<String> = DEFAULT_NAMES.iter().map(|n| (*n).to_owned()).collect();
    for name in host_names {
        let name = name.trim();
        if !name.is_empty() && !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name.to_owned());
        }
    }
    let generate = || -> Result<TlsMaterial, rcgen::Error> {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut params = rcgen::CertificateParams::new(names.clone())?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "otinish self-signed");
        params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.self_signed(&key)?;
        Ok(TlsMaterial {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    };
    generate().map_err(|error| TlsError::Generate {
        names: names.clone(),
        error,
    })
}

/// Reads `cert_file`/`key_file` when both are given (a configured certificate); otherwise uses
/// `data_dir/tls/cert.pem` and `data_dir/tls/key.pem`, generating them on first use (key file
/// mode 0600 on unix) and reusing them after. Returns the material and whether it was
/// generated now.
///
/// Generated files are not regenerated when `host_names` change: delete them to get a
/// certificate for the new names.
pub fn load_or_generate(
    data_dir: &Path,
    configured: Option<(&Path, &Path)>,
    host_names: &[String],
) -> Result<(TlsMaterial, bool), TlsError> {
    if let Some((cert_file, key_file)) = configured {
        return Ok((read_material(cert_file, key_file)?, false));
    }
    let dir = data_dir.join("tls");
    let cert_file = dir.join("cert.pem");
    let key_file = dir.join("key.pem");
    if cert_file.exists() && key_file.exists() {
        return Ok((read_material(&cert_file, &key_file)?, false));
    }
    if cert_file.exists() || key_file.exists() {
        log::warn!(
            "only one of {} and {} exists; generating a new pair",
            cert_file.display(),
            key_file.display()
        );
    }
    let material = generate_self_signed(host_names)?;
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
    let certs = parse_certificates(&material.cert_pem, "certificate PEM")?;
    let key = parse_private_key(&material.key_pem, "private key PEM")?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Config)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(TlsError::Config)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
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
mod tests {
    use super::*;

    #[test]
    fn first_use_generates_files_and_later_uses_reuse_them() {
        let dir = tempfile::tempdir().unwrap();
        let (first, generated) = load_or_generate(dir.path(), None, &[]).unwrap();
        assert!(generated, "the first call must generate");
        let cert_on_disk = fs::read_to_string(dir.path().join("tls/cert.pem")).unwrap();
        let key_on_disk = fs::read_to_string(dir.path().join("tls/key.pem")).unwrap();
        assert_eq!(cert_on_disk, first.cert_pem);
        assert_eq!(key_on_disk, first.key_pem);

        let (second, generated) = load_or_generate(dir.path(), None, &[]).unwrap();
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
        load_or_generate(dir.path(), None, &[]).unwrap();
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
            load_or_generate(data.path(), Some((&cert_file, &key_file)), &[]).unwrap();

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

        let err = load_or_generate(files.path(), Some((&cert_file, &key_file)), &[]).unwrap_err();

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

        let err = load_or_generate(files.path(), Some((&cert_file, &key_file)), &[]).unwrap_err();

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

    #[test]
    fn debug_output_hides_the_private_key() {
        let material = generate_self_signed(&[]).unwrap();
        let shown = format!("{material:?}");
        assert!(!shown.contains("PRIVATE KEY"));
    }
}
