//! The landing page.

use maud::{Markup, html};

use super::layout::{Chrome, page};
use crate::web::paths;

/// The landing page: what the desk is and where to start.
pub fn home(c: &Chrome) -> Markup {
    page(
        c,
        c.t("home.title"),
        html! {
            h1 { (c.t("home.title")) }
            p.lead { (c.institution) }
            p { (c.t("home.intro")) }
            div.grid {
                section.card {
                    h2 { (c.t("home.applicants")) }
                    p { (c.t("home.applicants_text")) }
                    @if c.user.is_none() {
                        p.actions {
                            a.btn.primary href=(paths::REGISTER) { (c.t("nav.register")) }
                            a.btn.secondary href=(paths::LOGIN) { (c.t("nav.login")) }
                        }
                    } @else {
                        p.actions { a.btn.primary href=(paths::CABINET) { (c.t("nav.cabinet")) } }
                    }
                }
                section.card {
                    h2 { (c.t("home.terms_title")) }
                    p { (c.t("home.terms_text")) }
                }
            }
        },
    )
}
