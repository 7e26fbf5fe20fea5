//! Security headers on every response, and the Origin check for form posts.

use super::request::Request;
use super::response::Response;

/// Content Security Policy: no inline script or style, nothing from elsewhere, no framing.
/// The one exception is `connect-src wss://127.0.0.1:13579`: `NCALayer`, the national signing
/// app, listens there on the user's own computer, and the ЭЦП pages' script must reach it to
/// ask for a signature (nothing else leaves the page).
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self' wss://127.0.0.1:13579; manifest-src 'self'; form-action 'self'; base-uri 'none'; \
frame-ancestors 'none'";

/// Adds the headers every response carries (pages also get `cache-control: no-store`).
pub fn harden(mut response: Response) -> Response {
    let mut add = |name: &'static str, value: &str| {
        if response.header(name).is_none() {
            response.headers.push((name, value.to_owned()));
        }
    };
    add("content-security-policy", CSP);
    add("strict-transport-security", "max-age=31536000");
    add("x-content-type-options", "nosniff");
    add("referrer-policy", "no-referrer");
    add("x-frame-options", "DENY");
    add("cross-origin-opener-policy", "same-origin");
    add("cross-origin-resource-policy", "same-origin");
    add(
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    add("cache-control", "no-store");
    response
}

/// Whether a POST comes from our own pages: its `Origin` (or, failing that, `Referer`) must
/// name the host the browser addressed. Requests with neither (non-browser clients) pass;
/// the CSRF token still guards them.
pub fn same_origin(req: &Request) -> bool {
    let Some(host) = req.header("host") else {
        return false;
    };
    let claimed = req
        .header("origin")
        .filter(|o| *o != "null")
        .or_else(|| req.header("referer"));
    match claimed {
        None => true,
        Some(url) => {
            let Some(rest) = url.strip_prefix("https://") else {
                return false;
            };
            let authority = rest.split('/').next().unwrap_or_default();
            authority.eq_ignore_ascii_case(host)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(headers: &[(&str, &str)]) -> Request {
        let mut req = Request::get("/login");
        req.headers = headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        req
    }

    #[test]
    fn origins_must_match_the_host() {
        assert!(same_origin(&post(&[
            ("host", "127.0.0.1:8443"),
            ("origin", "https://127.0.0.1:8443")
        ])));
        assert!(!same_origin(&post(&[
            ("host", "127.0.0.1:8443"),
            ("origin", "https://evil.example")
        ])));
        assert!(!same_origin(&post(&[
            ("host", "127.0.0.1:8443"),
            ("origin", "http://127.0.0.1:8443")
        ])));
        assert!(!same_origin(&post(&[
            ("host", "a"),
            ("referer", "https://b/x")
        ])));
        assert!(same_origin(&post(&[
            ("host", "a:1"),
            ("referer", "https://a:1/login")
        ])));
        assert!(same_origin(&post(&[("host", "a")])));
        assert!(!same_origin(&post(&[("origin", "https://a")])));
    }

    #[test]
    fn every_response_gets_the_security_headers() {
        let response = harden(Response::text(200, "ok"));
        for name in [
            "content-security-policy",
            "strict-transport-security",
            "x-content-type-options",
            "referrer-policy",
        ] {
            assert!(response.header(name).is_some(), "{name}");
        }
        assert!(
            response
                .header("content-security-policy")
                .unwrap_or_default()
                .contains("frame-ancestors 'none'")
        );
    }
}
