//! Request handlers, one module per route group. Each parses its input, calls one service
//! function, and renders a view or redirects; none touches the store directly except through
//! read-only helpers for the names a page shows.

pub mod admin;
pub mod appeals;
pub mod applicant;
pub mod auth;
pub mod authenticator;
pub mod backup;
pub mod calendar;
pub mod codes;
pub mod ecp;
pub mod passkeys;
pub mod qr_login;
pub mod registry;
pub mod reports;
pub mod routing;
pub mod security;
pub mod terms;

use maud::Markup;

use super::forms::Form;
use super::response::Response;
use crate::service;

/// A 200 page.
fn ok(markup: Markup) -> Response {
    Response::html(200, markup.into_string())
}

/// A refused form shown again with its messages.
fn unprocessable(markup: Markup) -> Response {
    Response::html(422, markup.into_string())
}

/// Refuses a multipart form with a text field over the size limit before anything acts on it,
/// as the field errors the handler shows at those fields: a value cut to the limit is never
/// stored, and an optional field is never dropped unnoticed.
fn refuse_too_long(form: &Form) -> Result<(), service::Error> {
    let errors = form.size_errors();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(service::Error::Invalid(errors))
    }
}
