//! The CMS structures of RFC 5652 that a signature carries: `SignedData`, its one
//! `SignerInfo` and the signed attributes (content type, message digest, signing time).

#[allow(clippy::wildcard_imports)]
use super::*;

// ---------------------------------------------------------------------------------------------
// CMS structures (RFC 5652).

pub(super) struct SignedData<'a> {
    pub(super) econtent_type: String,
    pub(super) econtent: Option<Cow<'a, [u8]>>,
    pub(super) certificates: Vec<&'a [u8]>,
    pub(super) signer_infos: Vec<Tlv<'a>>,
}

/// `ContentInfo` → `SignedData`, keeping certificates and signer infos unparsed.
pub(super) fn parse_signed_data(der: &[u8]) -> Result<SignedData<'_>, CmsError> {
    let (top, rest) = Tlv::parse(der)?;
    // Zero padding after the CMS occurs in the wild (Kalkan samples); anything else is refused.
    if rest.iter().any(|&b| b != 0) {
        return Err(malformed("trailing data after the CMS"));
    }
    if !top.is_universal(TAG_SEQUENCE) || !top.constructed {
        return Err(malformed("not a ContentInfo"));
    }
    let mut content_info = Elements::new(top.content);
    let content_type = content_info
        .expect(Class::Universal, TAG_OID, "content type")?
        .oid("content type")?;
    if content_type != OID_SIGNED_DATA {
        return Err(malformed(format!(
            "content type {content_type} is not SignedData"
        )));
    }
    let explicit = content_info.expect(Class::ContextSpecific, 0, "content")?;
    let signed =
        Elements::new(explicit.content).expect(Class::Universal, TAG_SEQUENCE, "SignedData")?;
    let mut fields = Elements::new(signed.content);
    fields.expect(Class::Universal, TAG_INTEGER, "version")?;
    fields.expect(Class::Universal, TAG_SET, "digestAlgorithms")?;
    let encap = fields.expect(Class::Universal, TAG_SEQUENCE, "encapContentInfo")?;
    let mut encap = Elements::new(encap.content);
    let econtent_type = encap
        .expect(Class::Universal, TAG_OID, "eContentType")?
        .oid("eContentType")?;
    if econtent_type != OID_DATA {
        return Err(malformed(format!(
            "content type {econtent_type} is not data"
        )));
    }
    let econtent = match encap.next()? {
        None => None,
        Some(wrapper) if wrapper.is(Class::ContextSpecific, 0) => {
            let octets = Elements::new(wrapper.content)
                .next()?
                .ok_or_else(|| malformed("empty eContent"))?;
            Some(octets.octets(0)?)
        }
        Some(_) => return Err(malformed("eContent has the wrong type")),
    };

    let mut certificates = Vec::new();
    let mut next = fields.next()?;
    if let Some(certs) = next.filter(|t| t.is(Class::ContextSpecific, 0)) {
        for cert in Elements::new(certs.content).all()? {
            // Other CertificateChoices (attribute certificates, …) are tagged and skipped.
            if cert.is_universal(TAG_SEQUENCE) {
                certificates.push(cert.raw);
            }
        }
        next = fields.next()?;
    }
    if next.is_some_and(|t| t.is(Class::ContextSpecific, 1)) {
        next = fields.next()?; // CRLs are not used.
    }
    let signer_infos = match next {
        Some(set) if set.is_universal(TAG_SET) && set.constructed => {
            Elements::new(set.content).all()?
        }
        _ => return Err(malformed("signerInfos are missing")),
    };
    Ok(SignedData {
        econtent_type,
        econtent,
        certificates,
        signer_infos,
    })
}

/// How a `SignerInfo` names its certificate.
pub(super) enum SignerId<'a> {
    IssuerSerial { issuer: &'a [u8], serial: &'a [u8] },
    KeyId(&'a [u8]),
}

pub(super) struct SignerInfo<'a> {
    pub(super) sid: SignerId<'a>,
    pub(super) digest_oid: String,
    pub(super) signed_attrs: Option<Tlv<'a>>,
    pub(super) signature_oid: String,
    pub(super) signature: &'a [u8],
}

pub(super) fn parse_signer_info<'a>(tlv: &Tlv<'a>) -> Result<SignerInfo<'a>, CmsError> {
    if !tlv.is_universal(TAG_SEQUENCE) || !tlv.constructed {
        return Err(malformed("SignerInfo has the wrong type"));
    }
    let mut fields = Elements::new(tlv.content);
    fields.expect(Class::Universal, TAG_INTEGER, "SignerInfo version")?;
    let sid_tlv = fields
        .next()?
        .ok_or_else(|| malformed("signer identifier is missing"))?;
    let sid = if sid_tlv.is_universal(TAG_SEQUENCE) {
        let mut parts = Elements::new(sid_tlv.content);
        let issuer = parts.expect(Class::Universal, TAG_SEQUENCE, "issuer")?;
        let serial = parts.expect(Class::Universal, TAG_INTEGER, "serial number")?;
        SignerId::IssuerSerial {
            issuer: issuer.raw,
            serial: serial.content,
        }
    } else if sid_tlv.is(Class::ContextSpecific, 0) && !sid_tlv.constructed {
        SignerId::KeyId(sid_tlv.content)
    } else {
        return Err(malformed("signer identifier has the wrong type"));
    };
    let digest_oid = algorithm_oid(
        &fields.expect(Class::Universal, TAG_SEQUENCE, "digestAlgorithm")?,
        "digestAlgorithm",
    )?;
    let mut next = fields
        .next()?
        .ok_or_else(|| malformed("signatureAlgorithm is missing"))?;
    let mut signed_attrs = None;
    if next.is(Class::ContextSpecific, 0) && next.constructed {
        signed_attrs = Some(next);
        next = fields
            .next()?
            .ok_or_else(|| malformed("signatureAlgorithm is missing"))?;
    }
    if !next.is_universal(TAG_SEQUENCE) {
        return Err(malformed("signatureAlgorithm has the wrong type"));
    }
    let signature_oid = algorithm_oid(&next, "signatureAlgorithm")?;
    let signature = fields.expect(Class::Universal, TAG_OCTET_STRING, "signature")?;
    if signature.constructed {
        return Err(malformed("signature is not a primitive octet string"));
    }
    Ok(SignerInfo {
        sid,
        digest_oid,
        signed_attrs,
        signature_oid,
        signature: signature.content,
    })
}

/// The OID of an `AlgorithmIdentifier` (parameters are not used).
pub(super) fn algorithm_oid(tlv: &Tlv<'_>, what: &str) -> Result<String, CmsError> {
    Elements::new(tlv.content)
        .next()?
        .ok_or_else(|| malformed(format!("{what} is empty")))?
        .oid(what)
}

pub(super) struct SignedAttrs<'a> {
    pub(super) content_type: String,
    pub(super) message_digest: &'a [u8],
    pub(super) signing_time: Option<Timestamp>,
}

/// contentType and messageDigest (required) and signingTime (optional), each single-valued
/// and at most once; other attributes are ignored.
pub(super) fn parse_signed_attrs(content: &[u8]) -> Result<SignedAttrs<'_>, CmsError> {
    let mut content_type = None;
    let mut message_digest = None;
    let mut signing_time = None;
    let mut attrs = Elements::new(content);
    while let Some(attr) = attrs.next()? {
        if !attr.is_universal(TAG_SEQUENCE) {
            return Err(malformed("signed attribute has the wrong type"));
        }
        let mut parts = Elements::new(attr.content);
        let oid = parts
            .expect(Class::Universal, TAG_OID, "attribute type")?
            .oid("attribute type")?;
        let values = parts.expect(Class::Universal, TAG_SET, "attribute values")?;
        let mut values = Elements::new(values.content);
        let value = values.next()?;
        let single = match (value, values.next()?) {
            (Some(value), None) => Some(value),
            _ => None,
        };
        let slot_taken = match oid.as_str() {
            OID_CONTENT_TYPE => content_type.is_some(),
            OID_MESSAGE_DIGEST => message_digest.is_some(),
            OID_SIGNING_TIME => signing_time.is_some(),
            _ => continue,
        };
        let Some(value) = single.filter(|_| !slot_taken) else {
            return Err(malformed(format!(
                "attribute {oid} must have exactly one value"
            )));
        };
        match oid.as_str() {
            OID_CONTENT_TYPE => content_type = Some(value.oid("contentType")?),
            OID_MESSAGE_DIGEST => {
                if !value.is_universal(TAG_OCTET_STRING) || value.constructed {
                    return Err(malformed("messageDigest is not an octet string"));
                }
                message_digest = Some(value.content);
            }
            _ => signing_time = Some(parse_time(&value)?),
        }
    }
    Ok(SignedAttrs {
        content_type: content_type.ok_or_else(|| malformed("contentType attribute is missing"))?,
        message_digest: message_digest
            .ok_or_else(|| malformed("messageDigest attribute is missing"))?,
        signing_time,
    })
}

/// `UTCTime` (`YYMMDDHHMMSSZ`) or `GeneralizedTime` (`YYYYMMDDHHMMSS[.f]Z`), in UTC.
pub(super) fn parse_time(tlv: &Tlv<'_>) -> Result<Timestamp, CmsError> {
    let bad = || malformed("invalid signingTime");
    let text = std::str::from_utf8(tlv.content).map_err(|_| bad())?;
    let text = text.strip_suffix('Z').ok_or_else(bad)?;
    let number = |from: usize, to: usize| -> Result<i16, CmsError> {
        let digits = text.get(from..to).ok_or_else(bad)?;
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        digits.parse().map_err(|_| bad())
    };
    let (year, rest) = if tlv.is_universal(TAG_UTC_TIME) && text.len() == 12 {
        let yy = number(0, 2)?;
        (if yy >= 50 { 1900 + yy } else { 2000 + yy }, 2)
    } else if tlv.is_universal(TAG_GENERALIZED_TIME) && text.len() >= 14 {
        let fraction = text.get(14..).ok_or_else(bad)?;
        let fraction_ok = fraction.is_empty()
            || fraction
                .strip_prefix('.')
                .is_some_and(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()));
        if !fraction_ok {
            return Err(bad());
        }
        (number(0, 4)?, 4)
    } else {
        return Err(bad());
    };
    let field = |index: usize| -> Result<i8, CmsError> {
        i8::try_from(number(rest + 2 * index, rest + 2 * index + 2)?).map_err(|_| bad())
    };
    let datetime = DateTime::new(
        year,
        field(0)?,
        field(1)?,
        field(2)?,
        field(3)?,
        field(4)?,
        0,
    )
    .map_err(|_| bad())?;
    TimeZone::UTC.to_timestamp(datetime).map_err(|_| bad())
}
