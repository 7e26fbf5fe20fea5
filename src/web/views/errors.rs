//! Error pages: not found, forbidden, bad request, server error with its request id.

use maud::{Markup, html};

use super::layout::{Chrome, page};
use crate::web::paths;

/// A page for an error status; `request_id` is shown for server errors.
pub fn error_page(
    c: &Chrome,
    title_key: &'static str,
    text_key: &'static str,
    request_id: Option<u64>,
) -> Markup {
    page(
        c,
        c.t(title_key),
        html! {
            h1 { (c.t(title_key)) }
            p { (c.t(text_key)) }
            @if let Some(id) = request_id {
                p { (c.t("error.request_id")) " " code { (id) } }
            }
            p { a href=(paths::HOME) { (c.t("error.home")) } }
        },
    )
}
