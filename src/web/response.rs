//! Our own HTTP response: what handlers return and `web::server` writes to the wire.

/// A complete response; the body is always in memory (pages are small, files are bounded).
#[derive(Debug, Clone)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Headers to send; names in lower case.
    pub headers: Vec<(&'static str, String)>,
    /// The body (empty for redirects and HEAD).
    pub body: Vec<u8>,
}

impl Response {
    /// An HTML page.
    pub fn html(status: u16, body: String) -> Self {
        Self {
            status,
            headers: vec![("content-type", "text/html; charset=utf-8".to_owned())],
            body: body.into_bytes(),
        }
    }

    /// Plain text, for the rare answers that are not pages (limits hit before routing).
    pub fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("content-type", "text/plain; charset=utf-8".to_owned())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// 303 See Other: the answer to every successful form POST.
    pub fn see_other(location: &str) -> Self {
        Self {
            status: 303,
            headers: vec![("location", location.to_owned())],
            body: Vec::new(),
        }
    }

    /// Bytes with a content type (assets, attachments).
    pub fn bytes(content_type: &str, body: Vec<u8>) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type", content_type.to_owned())],
            body,
        }
    }

    /// Adds a header and returns the response.
    #[must_use]
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The first value of a header, by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}
