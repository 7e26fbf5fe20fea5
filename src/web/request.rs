//! Our own HTTP request: what handlers see instead of hyper's types.
//!
//! `web::server` fills it from the wire after the size limits have been enforced, so every
//! handler works on a complete, bounded, in-memory request. Nothing here knows hyper.

use std::net::SocketAddr;

/// The HTTP methods the appliance answers; anything else is `Other` and gets 405.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// HEAD (answered like GET without a body)
    Head,
    /// POST
    Post,
    /// Any other method.
    Other,
}

impl Method {
    /// Maps a method name from the request line.
    pub fn from_name(name: &str) -> Self {
        match name {
            "GET" => Self::Get,
            "HEAD" => Self::Head,
            "POST" => Self::Post,
            _ => Self::Other,
        }
    }
}

/// A complete request with its body already read (bounded by the server's limits).
#[derive(Debug, Clone)]
pub struct Request {
    /// Request method.
    pub method: Method,
    /// Path part of the target, still percent-encoded, always starting with `/`.
    pub path: String,
    /// Query string without the `?` (empty when absent).
    pub query: String,
    /// Header names in lower case, values as sent (non-UTF-8 values are dropped).
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
    /// The client's address.
    pub peer: SocketAddr,
    /// Identifier that ties this request to its log line and error page.
    pub id: u64,
}

impl Request {
    /// The first value of a header, by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of one cookie, if the request carries it.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == "cookie")
            .flat_map(|(_, v)| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    /// A request for tests and the in-process callers: GET with no headers.
    pub fn get(path_and_query: &str) -> Self {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        Self {
            method: Method::Get,
            path: path.to_owned(),
            query: query.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
            peer: SocketAddr::from(([127, 0, 0, 1], 0)),
            id: 0,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cookie_is_found_among_several_cookie_headers() {
        let mut req = Request::get("/");
        req.headers.push(("cookie".into(), "a=1; lang=ru".into()));
        req.headers.push(("cookie".into(), "sid=xyz".into()));
        assert_eq!(req.cookie("lang"), Some("ru"));
        assert_eq!(req.cookie("sid"), Some("xyz"));
        assert_eq!(req.cookie("none"), None);
    }
}
