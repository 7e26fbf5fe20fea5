//! Who is asking: the session cookie, the language, the CSRF token, and the typed users that
//! the router hands to handlers (`ApplicantUser`, `StaffUser`, `AdminUser`).

use super::App;
use super::error::WebError;
use super::request::Request;
use crate::domain::lang::Lang;
use crate::domain::user::{Role, User};
use crate::service::auth::{self, SignedIn};

/// Session cookie name.
pub const SESSION_COOKIE: &str = "otinish_session";
/// CSRF cookie for visitors who are not signed in (double-submit).
pub const CSRF_COOKIE: &str = "otinish_csrf";
/// Chosen language.
pub const LANG_COOKIE: &str = "otinish_lang";

/// The visitor behind a request.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// Page language.
    pub lang: Lang,
    /// The signed-in user, if any.
    pub signed_in: Option<SignedIn>,
    /// The session token from the cookie, if valid.
    pub token: Option<String>,
    /// The token forms must carry.
    pub csrf: String,
    /// Whether the anonymous CSRF cookie must be set on the response.
    pub new_csrf_cookie: bool,
}

impl Visitor {
    /// The signed-in user.
    pub fn user(&self) -> Option<&User> {
        self.signed_in.as_ref().map(|s| &s.user)
    }
}

/// Reads the cookies of a request.
pub fn visitor(app: &App, req: &Request) -> Result<Visitor, WebError> {
    let token = req.cookie(SESSION_COOKIE).map(str::to_owned);
    let signed_in = match &token {
        Some(token) => auth::session(&app.ctx, token)?,
        None => None,
    };
    let lang = req
        .cookie(LANG_COOKIE)
        .and_then(Lang::from_code)
        // The account's language only once its user chose it; until then the default.
        .or_else(|| {
            signed_in
                .as_ref()
                .filter(|s| s.lang_chosen)
                .map(|s| s.user.lang)
        })
        .unwrap_or(app.default_lang);
    let (csrf, new_csrf_cookie) = match (&signed_in, req.cookie(CSRF_COOKIE)) {
        (Some(s), _) => (s.csrf_token.clone(), false),
        (None, Some(existing))
            if existing.len() == 64 && existing.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            (existing.to_owned(), false)
        }
        (None, _) => (crate::service::new_token(), true),
    };
    Ok(Visitor {
        lang,
        token: signed_in.as_ref().and(token),
        signed_in,
        csrf,
        new_csrf_cookie,
    })
}

/// Whether a posted form carries this visitor's CSRF token (constant-time comparison).
pub fn csrf_ok(visitor: &Visitor, sent: &str) -> bool {
    let expected = visitor.csrf.as_bytes();
    let sent = sent.as_bytes();
    !visitor.new_csrf_cookie
        && expected.len() == sent.len()
        && expected
            .iter()
            .zip(sent)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// A `Set-Cookie` value with our attributes.
pub fn cookie(name: &str, value: &str, max_age_secs: u64) -> String {
    format!("{name}={value}; Path=/; Max-Age={max_age_secs}; Secure; HttpOnly; SameSite=Strict")
}

/// A signed-in applicant.
#[derive(Debug, Clone)]
pub struct ApplicantUser(pub User);

/// A signed-in member of staff (any role).
#[derive(Debug, Clone)]
pub struct StaffUser(pub User);

/// A signed-in admin.
#[derive(Debug, Clone)]
pub struct AdminUser(pub User);

/// Anyone signed in.
#[derive(Debug, Clone)]
pub struct AnyUser(pub User);

/// The signed-in user, or a redirect to sign in.
pub fn require_user(v: &Visitor) -> Result<AnyUser, WebError> {
    v.user().cloned().map(AnyUser).ok_or(WebError::SignIn)
}

/// The signed-in applicant, or a refusal.
pub fn require_applicant(v: &Visitor) -> Result<ApplicantUser, WebError> {
    let user = v.user().ok_or(WebError::SignIn)?;
    if user.is_applicant() {
        Ok(ApplicantUser(user.clone()))
    } else {
        Err(WebError::Forbidden)
    }
}

/// The signed-in staff member, or a refusal.
pub fn require_staff(v: &Visitor) -> Result<StaffUser, WebError> {
    let user = v.user().ok_or(WebError::SignIn)?;
    if !user.is_applicant() && !user.roles().is_empty() {
        Ok(StaffUser(user.clone()))
    } else {
        Err(WebError::Forbidden)
    }
}

/// The signed-in admin, or a refusal.
pub fn require_admin(v: &Visitor) -> Result<AdminUser, WebError> {
    let user = v.user().ok_or(WebError::SignIn)?;
    if user.roles().has(Role::Admin) {
        Ok(AdminUser(user.clone()))
    } else {
        Err(WebError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visitor(csrf: &str, fresh: bool) -> Visitor {
        Visitor {
            lang: Lang::Kk,
            signed_in: None,
            token: None,
            csrf: csrf.into(),
            new_csrf_cookie: fresh,
        }
    }

    #[test]
    fn csrf_tokens_must_match_exactly() {
        let v = visitor("abcd", false);
        assert!(csrf_ok(&v, "abcd"));
        assert!(!csrf_ok(&v, "abce"));
        assert!(!csrf_ok(&v, "abc"));
        assert!(!csrf_ok(&v, ""));
        // A token minted for this very request was never shown in a form.
        assert!(!csrf_ok(&visitor("abcd", true), "abcd"));
    }

    #[test]
    fn cookies_are_secure_httponly_and_strict() {
        let c = cookie("a", "b", 60);
        for part in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(c.contains(part), "{c}");
        }
    }
}
