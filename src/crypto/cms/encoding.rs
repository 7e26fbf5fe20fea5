//! Reading the input: DER, BER with indefinite lengths, base64 and PEM, and the BER elements
//! the CMS structures are walked with. Never panics; every length is checked.

#[allow(clippy::wildcard_imports)]
use super::*;

// ---------------------------------------------------------------------------------------------
// Input decoding: DER, base64, PEM.

/// The CMS as DER/BER bytes: binary input as is, text input base64-decoded.
pub(super) fn decode_input(input: &[u8]) -> Result<Cow<'_, [u8]>, CmsError> {
    if input.len() > MAX_INPUT_LEN {
        return Err(malformed(format!(
            "{} bytes; at most {MAX_INPUT_LEN} are accepted",
            input.len()
        )));
    }
    if input.first() == Some(&0x30) {
        if input.len() > MAX_DER_LEN {
            return Err(malformed("too large"));
        }
        return Ok(Cow::Borrowed(input));
    }
    let text = input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input);
    let der = if contains(text, b"-----BEGIN") {
        pem_blocks(text)?
            .into_iter()
            .next()
            .map(|(_, der)| der)
            .ok_or_else(|| malformed("empty PEM"))?
    } else {
        decode_base64(text)?
    };
    if der.is_empty() {
        return Err(malformed("empty input"));
    }
    if der.len() > MAX_DER_LEN {
        return Err(malformed("too large"));
    }
    Ok(Cow::Owned(der))
}

pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Decodes base64 (standard or URL-safe alphabet, padding optional), skipping ASCII whitespace.
pub(super) fn decode_base64(text: &[u8]) -> Result<Vec<u8>, CmsError> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 3);
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    let mut symbols: usize = 0;
    let mut padding: usize = 0;
    for &c in text {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return Err(malformed("invalid base64 character")),
        };
        if padding > 0 {
            return Err(malformed("base64 data after padding"));
        }
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        symbols += 1;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits).to_le_bytes()[0]);
            acc &= (1 << bits) - 1;
        }
    }
    if symbols % 4 == 1 || padding > 2 {
        return Err(malformed("truncated base64"));
    }
    Ok(out)
}

/// PEM blocks as (label, decoded bytes); lines outside blocks and header lines are ignored.
pub(super) fn pem_blocks(text: &[u8]) -> Result<Vec<(String, Vec<u8>)>, CmsError> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, Vec<u8>)> = None;
    for line in text.split(|&b| b == b'\n') {
        let line = line.trim_ascii();
        if let Some(rest) = line.strip_prefix(b"-----BEGIN ") {
            let label = rest.strip_suffix(b"-----").unwrap_or(rest);
            current = Some((String::from_utf8_lossy(label).into_owned(), Vec::new()));
        } else if line.starts_with(b"-----END ") {
            if let Some((label, body)) = current.take() {
                blocks.push((label, decode_base64(&body)?));
            }
        } else if let Some((_, body)) = current.as_mut()
            && !line.contains(&b':')
        {
            body.extend_from_slice(line);
        }
    }
    if current.is_some() {
        return Err(malformed("unterminated PEM block"));
    }
    Ok(blocks)
}

/// Certificates from a DER, PEM (CERTIFICATE blocks) or bare base64 file.
pub(super) fn read_certificates(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, CmsError> {
    if bytes.len() > MAX_CERT_FILE_LEN {
        return Err(malformed("certificate file too large"));
    }
    let ders = if bytes.first() == Some(&0x30) {
        vec![bytes.to_vec()]
    } else {
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        if contains(text, b"-----BEGIN") {
            pem_blocks(text)?
                .into_iter()
                .filter(|(label, _)| label == "CERTIFICATE" || label == "X509 CERTIFICATE")
                .map(|(_, der)| der)
                .collect()
        } else {
            vec![decode_base64(text)?]
        }
    };
    if ders.is_empty() || ders.iter().any(Vec::is_empty) {
        return Err(malformed("no certificate in the file"));
    }
    Ok(ders.into_iter().map(CertificateDer::from).collect())
}

// ---------------------------------------------------------------------------------------------
// BER/DER structure.

/// One BER element: its identifier, its content and its whole encoding.
#[derive(Clone, Copy)]
pub(super) struct Tlv<'a> {
    pub(super) class: Class,
    pub(super) tag: u32,
    pub(super) constructed: bool,
    pub(super) definite: bool,
    pub(super) content: &'a [u8],
    pub(super) raw: &'a [u8],
}

impl<'a> Tlv<'a> {
    /// Reads the first element of `input`, returning it and the bytes after it.
    pub(super) fn parse(input: &'a [u8]) -> Result<(Self, &'a [u8]), CmsError> {
        let (rest, any) =
            Any::from_ber(input).map_err(|_| malformed("invalid ASN.1 (BER/DER) encoding"))?;
        let used = input.len().saturating_sub(rest.len());
        let raw = input
            .get(..used)
            .ok_or_else(|| malformed("invalid ASN.1 length"))?;
        let header = &any.header;
        let tlv = Tlv {
            class: header.class(),
            tag: header.tag().0,
            constructed: header.is_constructed(),
            definite: matches!(header.length(), Length::Definite(_)),
            content: any.data,
            raw,
        };
        Ok((tlv, rest))
    }

    pub(super) fn is(&self, class: Class, tag: u32) -> bool {
        self.class == class && self.tag == tag
    }

    pub(super) fn is_universal(&self, tag: u32) -> bool {
        self.is(Class::Universal, tag)
    }

    /// The dotted OID if this is an OBJECT IDENTIFIER.
    pub(super) fn oid(&self, what: &str) -> Result<String, CmsError> {
        if !self.is_universal(TAG_OID) || self.constructed || self.content.is_empty() {
            return Err(malformed(format!("{what}: expected an object identifier")));
        }
        Ok(oid_string(self.content))
    }

    /// The bytes of an OCTET STRING, joining the chunks of a constructed (BER) one.
    pub(super) fn octets(&self, depth: u8) -> Result<Cow<'a, [u8]>, CmsError> {
        if !self.is_universal(TAG_OCTET_STRING) || depth > 4 {
            return Err(malformed("expected an octet string"));
        }
        if !self.constructed {
            return Ok(Cow::Borrowed(self.content));
        }
        let mut joined = Vec::new();
        let mut chunks = Elements::new(self.content);
        while let Some(chunk) = chunks.next()? {
            joined.extend_from_slice(&chunk.octets(depth + 1)?);
        }
        Ok(Cow::Owned(joined))
    }
}

/// The elements of a constructed value's content, in order.
pub(super) struct Elements<'a> {
    pub(super) rest: &'a [u8],
}

impl<'a> Elements<'a> {
    pub(super) fn new(content: &'a [u8]) -> Self {
        Self { rest: content }
    }

    pub(super) fn next(&mut self) -> Result<Option<Tlv<'a>>, CmsError> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let (tlv, rest) = Tlv::parse(self.rest)?;
        self.rest = rest;
        Ok(Some(tlv))
    }

    /// The next element, which must be `class`/`tag` (constructed for SEQUENCE and SET).
    pub(super) fn expect(
        &mut self,
        class: Class,
        tag: u32,
        what: &str,
    ) -> Result<Tlv<'a>, CmsError> {
        let tlv = self
            .next()?
            .ok_or_else(|| malformed(format!("{what} is missing")))?;
        let needs_constructed =
            class == Class::Universal && (tag == TAG_SEQUENCE || tag == TAG_SET);
        if !tlv.is(class, tag) || (needs_constructed && !tlv.constructed) {
            return Err(malformed(format!("{what} has the wrong type")));
        }
        Ok(tlv)
    }

    pub(super) fn all(mut self) -> Result<Vec<Tlv<'a>>, CmsError> {
        let mut all = Vec::new();
        while let Some(tlv) = self.next()? {
            all.push(tlv);
        }
        Ok(all)
    }
}

pub(super) fn oid_string(content: &[u8]) -> String {
    Oid::new(Cow::Borrowed(content)).to_id_string()
}
