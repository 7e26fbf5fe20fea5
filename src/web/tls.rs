//! TLS material: the certificate and key the server presents, and the rustls configuration
//! built from them.
//!
//! Owns reading a configured certificate, generating (once) and reusing a self-signed one under
//! the data directory, the local root CA of `otinish tls ca` and the server certificates it
//! issues, and the rustls `ServerConfig` (ring provider, no client auth, ALPN `http/1.1`).
//! It must not accept connections or know hyper/tokio (that is `web::server`), it parses PEM
//! only through `rustls_pki_types::pem`, and it takes `now` as a parameter.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use rcgen::PublicKeyData as _;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use sha2::{Digest as _, Sha256};

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
/// Existing files are never regenerated or overwritten, whoever made them: neither when
/// `host_names` change (delete them to get a certificate for the new names) nor when they were
/// issued by the local root of [`issue_from_local_ca`].
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

/// Validity of the local root CA: ten years.
const LOCAL_CA_DAYS: i64 = 3652;
/// Longest validity of a server certificate from the local root: browsers (Apple's rule, which
/// Chromium follows for locally trusted roots) refuse more than 825 days.
const SERVER_CERT_DAYS: i64 = 825;
/// `notBefore` is set this far back, so an office PC whose clock runs a little behind the
/// appliance's accepts a certificate made a moment ago.
const BACKDATE_SECONDS: i64 = 3600;
const SECONDS_PER_DAY: i64 = 86_400;

/// Where `otinish tls ca` keeps its files: `data_dir/tls/{ca.pem, ca-key.pem, cert.pem, key.pem}`.
/// `cert.pem` and `key.pem` are the files [`load_or_generate`] serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalCaFiles {
    /// The root certificate to install on office PCs.
    pub ca_cert: PathBuf,
    /// The root's private key (mode 0600 on unix).
    pub ca_key: PathBuf,
    /// The server certificate chain: server certificate, then the root.
    pub cert: PathBuf,
    /// The server's private key (mode 0600 on unix).
    pub key: PathBuf,
}

impl LocalCaFiles {
    /// The files under `data_dir/tls`.
    pub fn in_data_dir(data_dir: &Path) -> Self {
        let dir = data_dir.join("tls");
        Self {
            ca_cert: dir.join("ca.pem"),
            ca_key: dir.join("ca-key.pem"),
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        }
    }
}

/// What [`issue_from_local_ca`] did.
#[derive(Debug, Clone)]
pub struct LocalCaIssued {
    /// Where the files are.
    pub files: LocalCaFiles,
    /// Whether a new root was made (office PCs must install it) rather than the existing one reused.
    pub ca_created: bool,
    /// SHA-256 of the root certificate (DER), as colon-separated uppercase hex pairs.
    pub ca_fingerprint: String,
    /// The names in the server certificate, given names first.
    pub names: Vec<String>,
    /// The last instant the server certificate is valid.
    pub not_after: Timestamp,
}

/// Accepts what the configuration accepts in `host_names` (not empty, no space, `/` or `:`),
/// and ASCII only, because a certificate carries the punycode form of a name.
pub fn check_host_name(name: &str) -> Result<(), TlsError> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name.contains(char::is_whitespace) {
        Some("it contains a space")
    } else if name.contains('/') {
        Some("it contains `/` (give the name alone, not a URL)")
    } else if name.contains(':') {
        Some("it contains `:` (give the name alone, without scheme or port)")
    } else if !name.is_ascii() {
        Some("it is not ASCII (give the punycode form, xn--…)")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(TlsError::NotAHostName {
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// The names of a certificate from the local root: the given ones (checked, repeats dropped),
/// then `localhost`, `127.0.0.1` and `::1`.
fn local_ca_names(host_names: &[String]) -> Result<Vec<String>, TlsError> {
    let mut names: Vec<String> = Vec::new();
    for name in host_names {
        check_host_name(name)?;
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name.clone());
        }
    }
    for name in DEFAULT_NAMES {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name.to_owned());
        }
    }
    Ok(names)
}

/// Sets `notBefore`/`notAfter`; rcgen counts in the `time` crate, which we only reach through it.
fn set_validity(
    params: &mut rcgen::CertificateParams,
    from: Timestamp,
    until: Timestamp,
) -> Result<(), TlsError> {
    let at = |instant: Timestamp| {
        let seconds = u64::try_from(instant.as_second())
            .map_err(|_| TlsError::LocalCa(format!("the clock reads {instant}, before 1970")))?;
        Ok::<_, TlsError>(rcgen::date_time_ymd(1970, 1, 1) + Duration::from_secs(seconds))
    };
    params.not_before = at(from)?;
    params.not_after = at(until)?;
    Ok(())
}

fn plus_seconds(at: Timestamp, seconds: i64) -> Result<Timestamp, TlsError> {
    Timestamp::from_second(at.as_second().saturating_add(seconds))
        .map_err(|error| TlsError::LocalCa(format!("date out of range: {error}")))
}

/// A new local root CA: ECDSA P-256, CN `Otinish local root (<label>)`, valid ten years from
/// `now` (backdated an hour), `CA:true` with path length 0, key usage keyCertSign and cRLSign.
/// Returns the certificate and its key as PEM.
pub fn new_local_ca(label: &str, now: Timestamp) -> Result<TlsMaterial, TlsError> {
    let issue = |error| TlsError::Issue {
        what: "local root CA",
        error,
    };
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(issue)?;
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "Otinish");
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        format!("Otinish local root ({label})"),
    );
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Constrained(0));
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let from = plus_seconds(now, -BACKDATE_SECONDS)?;
    set_validity(
        &mut params,
        from,
        plus_seconds(from, LOCAL_CA_DAYS * SECONDS_PER_DAY)?,
    )?;
    let cert = params.self_signed(&key).map_err(issue)?;
    Ok(TlsMaterial {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// The root as an rcgen issuer, rebuilt from its certificate: the same subject bytes (so
/// issued certificates chain by name) and its subject key identifier (so they chain by key).
fn local_ca_issuer(
    ca: &TlsMaterial,
    ca_origin: &str,
    now: Timestamp,
) -> Result<(rcgen::Issuer<'static, rcgen::KeyPair>, Timestamp), TlsError> {
    use x509_parser::asn1_rs::Tag;
    use x509_parser::extensions::ParsedExtension;

    let unusable = |problem: String| TlsError::LocalCa(format!("{ca_origin}: {problem}"));
    let der = parse_certificates(&ca.cert_pem, ca_origin)?.swap_remove(0);
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref())
        .map_err(|error| unusable(format!("not an X.509 certificate: {error}")))?;
    let key = rcgen::KeyPair::from_pem(&ca.key_pem)
        .map_err(|error| unusable(format!("its private key cannot be read: {error}")))?;
    if key.der_bytes() != cert.public_key().subject_public_key.data.as_ref() {
        return Err(unusable(
            "the private key belongs to another certificate".to_owned(),
        ));
    }
    let not_after = Timestamp::from_second(cert.validity().not_after.timestamp())
        .map_err(|error| unusable(format!("expiry date out of range: {error}")))?;
    if not_after <= now {
        return Err(unusable(format!(
            "the root expired at {not_after}; make a new one with --force"
        )));
    }
    let mut params = rcgen::CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    for rdn in cert.subject().iter() {
        let mut attributes = rdn.iter();
        let (Some(attribute), None) = (attributes.next(), attributes.next()) else {
            return Err(unusable(
                "its subject has a multi-valued name part".to_owned(),
            ));
        };
        let oid: Vec<u64> = attribute
            .attr_type()
            .iter()
            .ok_or_else(|| unusable("its subject has an unreadable attribute type".to_owned()))?
            .collect();
        let value = attribute.attr_value();
        let text = std::str::from_utf8(value.data)
            .map_err(|_| unusable("its subject is not valid text".to_owned()))?;
        let bad_string = |error: rcgen::Error| unusable(format!("its subject: {error}"));
        let value = match value.header.tag() {
            Tag::Utf8String => rcgen::DnValue::Utf8String(text.to_owned()),
            Tag::PrintableString => {
                rcgen::DnValue::PrintableString(text.try_into().map_err(bad_string)?)
            }
            Tag::Ia5String => rcgen::DnValue::Ia5String(text.try_into().map_err(bad_string)?),
            other => {
                return Err(unusable(format!(
                    "its subject uses an unsupported string type ({other})"
                )));
            }
        };
        params
            .distinguished_name
            .push(rcgen::DnType::from_oid(&oid), value);
    }
    if let Some(key_id) =
        cert.iter_extensions()
            .find_map(|extension| match extension.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(key_id) => Some(key_id.0.to_vec()),
                _ => None,
            })
    {
        params.key_identifier_method = rcgen::KeyIdMethod::PreSpecified(key_id);
    }
    Ok((rcgen::Issuer::new(params, key), not_after))
}

/// A server certificate issued by the root `ca` for `names` (the first is the subject CN):
/// ECDSA P-256 with a new key, EKU serverAuth, `CA:false`, valid 825 days from `now`
/// (backdated an hour) or until the root expires if sooner. The returned chain is the server
/// certificate followed by the root. Checked with webpki against the root for every name
/// before it is returned.
pub fn issue_server_certificate(
    ca: &TlsMaterial,
    names: &[String],
    now: Timestamp,
) -> Result<(TlsMaterial, Timestamp), TlsError> {
    issue_server_certificate_from(ca, "root certificate", names, now)
}

/// [`issue_server_certificate`], with problems of the root reported as coming from `ca_origin`.
fn issue_server_certificate_from(
    ca: &TlsMaterial,
    ca_origin: &str,
    names: &[String],
    now: Timestamp,
) -> Result<(TlsMaterial, Timestamp), TlsError> {
    let issue = |error| TlsError::Issue {
        what: "server certificate",
        error,
    };
    let (issuer, ca_not_after) = local_ca_issuer(ca, ca_origin, now)?;
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(issue)?;
    let mut params = rcgen::CertificateParams::new(names.to_vec()).map_err(issue)?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params.distinguished_name.push(
        rcgen::DnType::CommonName,
        names.first().map_or("localhost", String::as_str),
    );
    params.is_ca = rcgen::IsCa::ExplicitNoCa;
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    let from = plus_seconds(now, -BACKDATE_SECONDS)?;
    let until = plus_seconds(from, SERVER_CERT_DAYS * SECONDS_PER_DAY)?.min(ca_not_after);
    set_validity(&mut params, from, until)?;
    let cert = params.signed_by(&key, &issuer).map_err(issue)?;
    let material = TlsMaterial {
        cert_pem: format!("{}{}\n", cert.pem(), ca.cert_pem.trim_end()),
        key_pem: key.serialize_pem(),
    };
    for name in names {
        verify_server_chain(&material.cert_pem, &ca.cert_pem, name, now)?;
    }
    Ok((material, until))
}

/// Checks, as a browser trusting only `ca_pem` would, that the chain in `cert_pem` (leaf
/// first) is valid at `now` for serverAuth and for the host `name` (a DNS name or an IP address).
pub fn verify_server_chain(
    cert_pem: &str,
    ca_pem: &str,
    name: &str,
    now: Timestamp,
) -> Result<(), TlsError> {
    let chain_error = |error| TlsError::Chain {
        anchor: "the local root".to_owned(),
        name: name.to_owned(),
        error,
    };
    let chain = parse_certificates(cert_pem, "server certificate")?;
    let roots = parse_certificates(ca_pem, "root certificate")?;
    let anchors = roots
        .iter()
        .map(|der| webpki::anchor_from_trusted_cert(der).map(|anchor| anchor.to_owned()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(chain_error)?;
    let Some((leaf, intermediates)) = chain.split_first() else {
        return Err(pem_error("server certificate", "no certificate found"));
    };
    let leaf = webpki::EndEntityCert::try_from(leaf).map_err(chain_error)?;
    let seconds = u64::try_from(now.as_second()).unwrap_or(0);
    leaf.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &anchors,
        intermediates,
        UnixTime::since_unix_epoch(Duration::from_secs(seconds)),
        webpki::KeyUsage::server_auth(),
        None,
        None,
    )
    .map_err(chain_error)?;
    let server_name = ServerName::try_from(name).map_err(|_| TlsError::NotAHostName {
        name: name.to_owned(),
        reason: "it is neither a DNS name nor an IP address",
    })?;
    leaf.verify_is_valid_for_subject_name(&server_name)
        .map_err(chain_error)
}

/// SHA-256 of the first certificate in `cert_pem` (DER), as `AB:CD:…`, the form certificate
/// viewers show.
pub fn sha256_fingerprint(cert_pem: &str) -> Result<String, TlsError> {
    let der = parse_certificates(cert_pem, "certificate")?.swap_remove(0);
    let digest = Sha256::digest(der.as_ref());
    Ok(digest
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(":"))
}

/// `otinish tls ca`: makes the local root CA in `data_dir/tls/ca.pem` + `ca-key.pem` unless
/// both exist (then reuses it, so office PCs that trust it need nothing new) or `replace_ca`
/// is set, then issues `cert.pem` + `key.pem` from it for `host_names` plus `localhost`,
/// `127.0.0.1` and `::1`. Nothing is written when a name is refused or the existing root
/// cannot be used. Keys are written with mode 0600 on unix.
pub fn issue_from_local_ca(
    data_dir: &Path,
    host_names: &[String],
    now: Timestamp,
    replace_ca: bool,
) -> Result<LocalCaIssued, TlsError> {
    let names = local_ca_names(host_names)?;
    let files = LocalCaFiles::in_data_dir(data_dir);
    let existing = (files.ca_cert.exists(), files.ca_key.exists());
    let (ca, ca_created) = match existing {
        (true, true) if !replace_ca => (read_material(&files.ca_cert, &files.ca_key)?, false),
        (true, false) | (false, true) if !replace_ca => {
            let (present, absent) = if existing.0 {
                (&files.ca_cert, &files.ca_key)
            } else {
                (&files.ca_key, &files.ca_cert)
            };
            return Err(TlsError::LocalCa(format!(
                "{} exists but {} does not: put it back, or run with --force to make a new root \
                 (office PCs must then install the new ca.pem)",
                present.display(),
                absent.display()
            )));
        }
        _ => (new_local_ca(&names[0], now)?, true),
    };
    let ca_origin = files.ca_cert.display().to_string();
    let (server, not_after) = issue_server_certificate_from(&ca, &ca_origin, &names, now)?;
    let ca_fingerprint = sha256_fingerprint(&ca.cert_pem)?;
    if let Some(dir) = files.cert.parent() {
        create_private_dir(dir)?;
    }
    if ca_created {
        // Key first, as in `load_or_generate`: an interrupted run leaves no lone new ca.pem.
        write_atomically(&files.ca_key, ca.key_pem.as_bytes())?;
        write_atomically(&files.ca_cert, ca.cert_pem.as_bytes())?;
    }
    write_atomically(&files.key, server.key_pem.as_bytes())?;
    write_atomically(&files.cert, server.cert_pem.as_bytes())?;
    log::info!(
        "issued {} from the local root {}",
        files.cert.display(),
        files.ca_cert.display()
    );
    Ok(LocalCaIssued {
        files,
        ca_created,
        ca_fingerprint,
        names,
        not_after,
    })
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

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
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
        let (material, generated) = load_or_generate(dir.path(), None, &[]).unwrap();
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
        let root_days = (root.validity().not_after.timestamp()
            - root.validity().not_before.timestamp())
            / 86_400;
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

        let err =
            issue_from_local_ca(dir.path(), &[], at("2036-06-01T00:00:00Z"), false).unwrap_err();

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
        let issued =
            issue_from_local_ca(dir.path(), &[], at("2026-03-02T05:00:00Z"), false).unwrap();
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
}
