//! The local root CA of `otinish tls ca`: made once and kept, and the server certificates it
//! issues for the configured host names, `localhost` and `127.0.0.1`, so office browsers trust
//! the desk without a warning (passkeys need that).

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use rcgen::PublicKeyData as _;
use rustls_pki_types::{ServerName, UnixTime};
use sha2::{Digest as _, Sha256};

use super::{
    DEFAULT_NAMES, TlsError, TlsMaterial, create_private_dir, parse_certificates, pem_error,
    read_material, write_atomically,
};

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
/// `cert.pem` and `key.pem` are the files [`super::load_or_generate`] serves.
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
pub(super) fn set_validity(
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
