//! The one place that turns failures into HTTP statuses and error pages.

use super::Call;
use super::response::Response;
use super::views::errors::error_page;
use crate::domain::lifecycle::Refusal;
use crate::service;

/// Why a request failed.
#[derive(Debug)]
pub enum WebError {
    /// No such page or thing (also what an applicant gets for someone else's appeal).
    NotFound,
    /// The page needs a signed-in user.
    SignIn,
    /// Signed in but not allowed.
    Forbidden,
    /// Malformed request.
    BadRequest,
    /// The form's CSRF token or origin did not match.
    Csrf,
    /// Too many attempts; try later.
    TooMany,
    /// The request body is larger than its route takes (refused before it is read).
    TooLarge,
    /// No room for the request body among those in flight; try again in a few seconds.
    Busy,
    /// Method not allowed on this path.
    Method,
    /// The state machine refused the step.
    Refused(Refusal),
    /// The appeal kept changing while the step was being saved; nothing was saved.
    ChangedMeanwhile,
    /// The store cannot be written (disk full, read-only): reads still work.
    Unwritable(String),
    /// A bug or a store failure.
    Internal(String),
}

impl From<service::Error> for WebError {
    fn from(err: service::Error) -> Self {
        match err {
            service::Error::NotFound => WebError::NotFound,
            service::Error::Forbidden
            | service::Error::BadCredentials
            | service::Error::SecondFactor { .. } => WebError::Forbidden,
            service::Error::Locked { .. } | service::Error::Throttled { .. } => WebError::TooMany,
            service::Error::Invalid(_) => WebError::BadRequest,
            service::Error::Refused(r) => WebError::Refused(r),
            service::Error::ChangedMeanwhile => WebError::ChangedMeanwhile,
            service::Error::Store(crate::store::Error::Unwritable(e)) => WebError::Unwritable(e),
            service::Error::Store(e) => WebError::Internal(e.to_string()),
            e @ service::Error::Facility { .. } => WebError::Internal(e.to_string()),
        }
    }
}

/// The error page for a failure.
pub fn render(call: &Call, err: &WebError) -> Response {
    let c = call.chrome();
    let (status, title, text) = match err {
        WebError::SignIn => {
            return Response::see_other(&super::paths::login_then(&call.req.path));
        }
        WebError::NotFound => (404, "error.not_found", "error.not_found_text"),
        WebError::Forbidden => (403, "error.forbidden", "error.forbidden_text"),
        WebError::BadRequest => (400, "error.bad_request", "error.bad_request_text"),
        WebError::Csrf => (403, "error.csrf", "error.csrf_text"),
        WebError::TooMany => (429, "error.too_many", "error.too_many_text"),
        WebError::TooLarge => (413, "error.too_large", "error.too_large_text"),
        WebError::Busy => (503, "error.busy", "error.busy_text"),
        WebError::Method => (405, "error.bad_request", "error.bad_request_text"),
        WebError::Refused(r) => (409, "error.refused", r.key()),
        WebError::ChangedMeanwhile => (
            409,
            "error.changed_meanwhile",
            "error.changed_meanwhile_text",
        ),
        WebError::Unwritable(detail) => {
            log::error!(
                "request {} {}: nothing saved, the store cannot be written (disk full or read-only?): {detail}",
                call.req.id,
                call.req.path
            );
            (503, "error.unwritable", "error.unwritable_text")
        }
        WebError::Internal(detail) => {
            log::error!("request {} {}: {detail}", call.req.id, call.req.path);
            (500, "error.internal", "error.internal_text")
        }
    };
    let id = matches!(err, WebError::Internal(_) | WebError::Unwritable(_)).then_some(call.req.id);
    let mut response = Response::html(status, error_page(&c, title, text, id).into_string());
    if status == 405 {
        response = response.with_header("allow", "GET, HEAD, POST");
    }
    if status == 429 {
        response = response.with_header("retry-after", "60");
    }
    if let WebError::Busy = err {
        response = response.with_header("retry-after", "5");
    } else if status == 503 {
        response = response.with_header("retry-after", "300");
    }
    response
}
