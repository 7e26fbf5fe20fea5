//! How large a body each request may send, decided from its head before the body is read.
//!
//! Only the routes that take files (the appeal form, the complaint form, the clerk's
//! registration form and the card's steps, which carry answer drafts and documents) accept a
//! large body: the configured attachments plus the form. And only from a signed-in user whose
//! session's CSRF token is in the URL (`?csrf=`, which those forms put in their action) or the
//! `x-csrf-token` header, so that it is checked before a byte of the body is read; such a
//! request without the token is refused at once. Every other body, signed in or not, may be
//! [`FORM_BODY_LIMIT`]. The answers (413, 403, 503) are pages in the visitor's language.
//!
//! This module decides; `web::server` enforces (and knows nothing of routes or sessions).

use std::sync::Arc;

use super::error::{self, WebError};
use super::forms::Form;
use super::request::{Method, Request};
use super::response::Response;
use super::server::{Application, BodyRefusal};
use super::{App, Call, security, session};

/// The largest body of a form without files: 16 KiB.
///
/// The largest such forms are far smaller: registration (IIN, name, phone, e-mail, address,
/// two passwords: well under 2 KiB even in Cyrillic, which URL-encoding triples), sign-in with
/// an `NCALayer` signature (a CMS carrying the signer's certificate, and at most two more of
/// its chain: under 8 KiB base64 and URL-encoded) and a passkey's attestation (1–3 KiB). Long texts (the appeal's
/// description, answers, protocols) are fields of the upload forms, which take the large limit.
pub const FORM_BODY_LIMIT: usize = 16 * 1024;

/// The name of the URL parameter and (as `x-csrf-token`) the header that carry the CSRF token
/// where it must be checked before the body.
pub const CSRF_PARAM: &str = "csrf";

/// Whether this is a route that takes files (its form is `multipart/form-data`).
pub fn is_upload_route(method: Method, path: &str) -> bool {
    if method != Method::Post {
        return false;
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    matches!(
        segments.as_slice(),
        ["appeals" | "registry", "new"] | ["appeals", _, "act" | "complaint"]
    )
}

/// The CSRF token sent outside the body: the `x-csrf-token` header, else `?csrf=`.
pub fn token_before_body(req: &Request) -> Option<String> {
    if let Some(token) = req.header("x-csrf-token") {
        return Some(token.to_owned());
    }
    let query = Form::parse(req.query.as_bytes());
    let token = query.string(CSRF_PARAM);
    (!token.is_empty()).then_some(token)
}

/// The web application as the server runs it.
pub struct WebApplication {
    app: Arc<App>,
    upload_limit: usize,
}

impl WebApplication {
    /// `app`, whose upload routes take bodies up to `upload_limit` bytes.
    pub fn new(app: Arc<App>, upload_limit: usize) -> Self {
        Self { app, upload_limit }
    }

    /// The error page for `err`, in the language of whoever sent `head`.
    fn page(&self, head: &Request, err: &WebError) -> Response {
        let visitor = session::visitor(&self.app, head).unwrap_or_else(|_| session::Visitor {
            lang: self.app.default_lang,
            signed_in: None,
            token: None,
            csrf: String::new(),
            new_csrf_cookie: false,
        });
        let call = Call {
            app: &self.app,
            req: head,
            visitor: &visitor,
            set_cookies: std::cell::RefCell::new(Vec::new()),
            multipart: None,
        };
        security::harden(error::render(&call, err))
    }
}

impl Application for WebApplication {
    fn body_limit(&self, head: &Request) -> Result<usize, Response> {
        if !is_upload_route(head.method, &head.path) {
            return Ok(FORM_BODY_LIMIT);
        }
        let visitor = match session::visitor(&self.app, head) {
            Ok(visitor) if visitor.signed_in.is_some() => visitor,
            // Not signed in: a small body, which the route then refuses as usual.
            Ok(_) | Err(_) => return Ok(FORM_BODY_LIMIT),
        };
        let token = token_before_body(head).unwrap_or_default();
        if security::same_origin(head) && session::csrf_ok(&visitor, &token) {
            Ok(self.upload_limit)
        } else {
            log::info!(
                "request {}: upload without its CSRF token in the URL; refused unread",
                head.id
            );
            Err(self.page(head, &WebError::Csrf))
        }
    }

    fn refuse(&self, head: &Request, why: BodyRefusal) -> Response {
        match why {
            BodyRefusal::TooLarge { limit } => {
                log::info!(
                    "request {} {}: body over its limit of {limit} bytes; 413",
                    head.id,
                    head.path
                );
                self.page(head, &WebError::TooLarge)
            }
            BodyRefusal::Busy => self.page(head, &WebError::Busy),
        }
    }

    fn handle(&self, request: Request) -> Response {
        super::handle(&self.app, request)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::web::paths;

    #[test]
    fn only_the_four_forms_with_files_are_upload_routes() {
        for path in [
            paths::NEW_APPEAL.to_owned(),
            paths::REGISTRY_NEW.to_owned(),
            paths::act(crate::domain::appeal::AppealId(7)),
            "/appeals/7/complaint".to_owned(),
        ] {
            assert!(is_upload_route(Method::Post, &path), "{path}");
            assert!(!is_upload_route(Method::Get, &path), "GET {path}");
        }
        for path in [
            "/login",
            "/register",
            "/appeals/7",
            "/admin/profile",
            "/lang",
        ] {
            assert!(!is_upload_route(Method::Post, path), "{path}");
        }
    }

    #[test]
    fn the_token_comes_from_the_header_or_the_url() {
        let mut req = Request::get("/appeals/new?csrf=abc");
        assert_eq!(token_before_body(&req).as_deref(), Some("abc"));
        req.headers.push(("x-csrf-token".into(), "def".into()));
        assert_eq!(token_before_body(&req).as_deref(), Some("def"));
        assert_eq!(token_before_body(&Request::get("/appeals/new")), None);
    }
}
