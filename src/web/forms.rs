//! URL-encoded form bodies and query strings, parsed into a small ordered map.

use crate::domain::field::FieldErrors;

/// Name/value pairs of a form or query, in the order sent, and the text fields that were
/// over the size limit (see [`Form::size_errors`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pairs: Vec<(String, String)>,
    too_long: Vec<String>,
}

/// At most this many fields are read from one form; the rest are ignored.
const MAX_FIELDS: usize = 200;

impl Form {
    /// Parses `application/x-www-form-urlencoded` bytes (invalid UTF-8 is replaced).
    pub fn parse(bytes: &[u8]) -> Self {
        Self {
            pairs: form_urlencoded::parse(bytes)
                .take(MAX_FIELDS)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            too_long: Vec::new(),
        }
    }

    /// Builds a form from pairs (prefilled values, multipart text fields).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self {
            pairs,
            too_long: Vec::new(),
        }
    }

    /// Builds a multipart form whose fields named in `too_long` were over the size limit:
    /// their values in `pairs` are cut to it, for showing the form again.
    pub fn with_too_long(pairs: Vec<(String, String)>, too_long: Vec<String>) -> Self {
        Self { pairs, too_long }
    }

    /// `error.too_long` at every text field that was over the size limit, so nothing acts on
    /// a value that was cut; empty when none was.
    pub fn size_errors(&self) -> FieldErrors {
        let mut errors = FieldErrors::default();
        for name in &self.too_long {
            errors.add(name.clone(), "error.too_long");
        }
        errors
    }

    /// The first value of a field, or "".
    pub fn get(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The first value of a field, owned.
    pub fn string(&self, name: &str) -> String {
        self.get(name).to_owned()
    }

    /// Every value of a repeated field (checkboxes).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether a checkbox was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == name)
    }
}

impl crate::service::lifecycle::Fields for Form {
    fn get(&self, name: &str) -> &str {
        Form::get(self, name)
    }

    fn all(&self, name: &str) -> Vec<&str> {
        Form::all(self, name)
    }
}

/// Percent-encodes a value for a query string.
pub fn encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_percent_and_utf8() {
        let form = Form::parse("name=%D0%90%D0%B9%D0%B3%D2%AF%D0%BB+%D0%A1&x=1&x=2".as_bytes());
        assert_eq!(form.get("name"), "Айгүл С");
        assert_eq!(form.all("x"), vec!["1", "2"]);
        assert_eq!(form.get("missing"), "");
        assert!(form.checked("x"));
    }

    #[test]
    fn encoding_round_trips() {
        let text = "Қарасу & co=1";
        let form = Form::parse(format!("a={}", encode(text)).as_bytes());
        assert_eq!(form.get("a"), text);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let _ = Form::parse(&bytes);
        }
    }
}
