//! `multipart/form-data` bodies (appeal forms with files), parsed from the collected body.
//!
//! The server has already bounded the body size, so parsing works on one in-memory slice:
//! synchronous, allocation-light, and easy to test with arbitrary input. (multer, the usual
//! crate, is built around async streams; our handlers are plain functions.)

use super::forms::Form;

/// A file part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    /// Form field name.
    pub field: String,
    /// The file name the browser sent (untrusted; cleaned later).
    pub file_name: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// No usable boundary in the content type.
    #[error("missing multipart boundary")]
    NoBoundary,
    /// The body does not follow the format.
    #[error("malformed multipart body")]
    Malformed,
    /// More parts than allowed.
    #[error("too many parts")]
    TooManyParts,
}

/// At most this many parts per body.
const MAX_PARTS: usize = 64;
/// Text fields longer than this (in bytes) are kept only cut to it and named in
/// [`Form::size_errors`], so the handler refuses them next to the field. Every text the forms
/// accept is far shorter (at most 10,000 characters).
pub const MAX_TEXT_FIELD: usize = 64 * 1024;

/// The boundary parameter of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<&str> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let value = value.trim().trim_matches('"');
        (!value.is_empty() && value.len() <= 70).then_some(value)
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// A parameter of a Content-Disposition header (`name="…"`, `filename="…"`).
fn disposition_param(header: &str, param: &str) -> Option<String> {
    let mut rest = header;
    while let Some(pos) = rest.find(param) {
        let before = rest[..pos].chars().last();
        let after = &rest[pos + param.len()..];
        if matches!(before, Some(';' | ' ')) {
            if let Some(value) = after.strip_prefix("=\"") {
                let end = value.find('"')?;
                return Some(value[..end].to_owned());
            }
            if let Some(value) = after.strip_prefix('=') {
                let end = value.find(';').unwrap_or(value.len());
                return Some(value[..end].trim().to_owned());
            }
        }
        rest = after;
    }
    None
}

/// Splits a body into text fields and files.
pub fn parse(content_type: &str, body: &[u8]) -> Result<(Form, Vec<FilePart>), Error> {
    let boundary = boundary(content_type).ok_or(Error::NoBoundary)?;
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut pos = find(body, delimiter, 0).ok_or(Error::Malformed)? + delimiter.len();
    let mut fields = Vec::new();
    let mut too_long = Vec::new();
    let mut files = Vec::new();
    let mut next_delimiter = b"\r\n".to_vec();
    next_delimiter.extend_from_slice(delimiter);
    loop {
        let after = body.get(pos..).ok_or(Error::Malformed)?;
        if after.starts_with(b"--") {
            break;
        }
        if !after.starts_with(b"\r\n") {
            return Err(Error::Malformed);
        }
        pos += 2;
        if fields.len() + files.len() >= MAX_PARTS {
            return Err(Error::TooManyParts);
        }
        let head_end = find(body, b"\r\n\r\n", pos).ok_or(Error::Malformed)?;
        let head = std::str::from_utf8(&body[pos..head_end]).map_err(|_| Error::Malformed)?;
        let content_start = head_end + 4;
        let content_end = find(body, &next_delimiter, content_start).ok_or(Error::Malformed)?;
        let content = &body[content_start..content_end];
        pos = content_end + next_delimiter.len();

        let disposition = head
            .split("\r\n")
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("content-disposition")
                    .then(|| value.trim())
            })
            .ok_or(Error::Malformed)?;
        let name = disposition_param(disposition, "name").ok_or(Error::Malformed)?;
        if let Some(file_name) = disposition_param(disposition, "filename") {
            files.push(FilePart {
                field: name,
                file_name,
                bytes: content.to_vec(),
            });
        } else if content.len() > MAX_TEXT_FIELD {
            too_long.push(name.clone());
            fields.push((name, cut(content, MAX_TEXT_FIELD)));
        } else {
            fields.push((name, String::from_utf8_lossy(content).into_owned()));
        }
    }
    Ok((Form::with_too_long(fields, too_long), files))
}

/// The text of `bytes` (invalid UTF-8 replaced) cut to at most `max` bytes at a character
/// boundary.
fn cut(bytes: &[u8], max: usize) -> String {
    let mut text = String::from_utf8_lossy(&bytes[..bytes.len().min(max + 4)]).into_owned();
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const CT: &str = "multipart/form-data; boundary=XyZ";

    fn body(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, file, content) in parts {
            out.extend_from_slice(b"--XyZ\r\n");
            match file {
                Some(f) => out.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes(),
                ),
                None => out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
            }
            out.extend_from_slice(content);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"--XyZ--\r\n");
        out
    }

    #[test]
    fn reads_fields_and_files_with_utf8_names() {
        let data = body(&[
            ("subject", None, "Үйірме".as_bytes()),
            (
                "files",
                Some("скан.pdf"),
                b"%PDF-1.4\r\n--Xy not a boundary",
            ),
            ("files", Some(""), b""),
        ]);
        let (form, files) = parse(CT, &data).unwrap();
        assert_eq!(form.get("subject"), "Үйірме");
        assert_eq!(files.len(), 2);
        assert_eq!(files[0].file_name, "скан.pdf");
        assert_eq!(files[0].bytes, b"%PDF-1.4\r\n--Xy not a boundary");
        assert!(files[1].bytes.is_empty());
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        assert_eq!(boundary("multipart/form-data; boundary=abc"), Some("abc"));
        assert_eq!(
            boundary("multipart/form-data; charset=utf-8; boundary=\"a b\""),
            Some("a b")
        );
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
        assert_eq!(boundary("multipart/form-data; boundary="), None);
    }

    #[test]
    fn broken_bodies_are_refused() {
        assert_eq!(parse(CT, b"nothing here"), Err(Error::Malformed));
        assert_eq!(parse(CT, b"--XyZ\r\nno headers end"), Err(Error::Malformed));
        assert_eq!(
            parse(
                CT,
                b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated"
            ),
            Err(Error::Malformed)
        );
        assert_eq!(parse("text/plain", b""), Err(Error::NoBoundary));
        let many: Vec<(&str, Option<&str>, &[u8])> =
            (0..70).map(|_| ("a", None, &b"1"[..])).collect();
        assert_eq!(parse(CT, &body(&many)), Err(Error::TooManyParts));
    }

    #[test]
    fn a_text_field_over_the_limit_is_kept_cut_and_named_while_the_others_are_read() {
        let long = "Қ".repeat(MAX_TEXT_FIELD / 2 + 7);
        let data = body(&[
            ("csrf", None, b"token"),
            ("description", None, long.as_bytes()),
            ("subject", None, "Үйірме".as_bytes()),
        ]);
        let (form, _) = parse(CT, &data).unwrap();
        assert_eq!(form.get("csrf"), "token");
        assert_eq!(form.get("subject"), "Үйірме");
        let kept = form.get("description");
        assert!(kept.len() <= MAX_TEXT_FIELD && kept.len() > MAX_TEXT_FIELD - 4);
        assert!(long.starts_with(kept));
        let errors = form.size_errors();
        assert_eq!(errors.for_field("description"), Some("error.too_long"));
        assert_eq!(errors.for_field("subject"), None);
        assert_eq!(errors.0.len(), 1);
    }

    #[test]
    fn a_text_field_at_the_limit_is_read_whole() {
        let exact = "a".repeat(MAX_TEXT_FIELD);
        let (form, _) = parse(CT, &body(&[("description", None, exact.as_bytes())])).unwrap();
        assert_eq!(form.get("description"), exact);
        assert!(form.size_errors().is_empty());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = parse(CT, &bytes);
            let mut framed = b"--XyZ\r\n".to_vec();
            framed.extend_from_slice(&bytes);
            let _ = parse(CT, &framed);
        }
    }
}
