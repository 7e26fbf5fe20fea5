//! The signed-in user's notices: what happened to which appeal, newest first.

use maud::{Markup, html};

use super::layout::{Chrome, page};
use crate::domain::notice::Notice;
use crate::web::paths;

/// The notices page.
pub fn notices(c: &Chrome, list: &[Notice]) -> Markup {
    page(
        c,
        c.t("notices.title"),
        html! {
            h1 { (c.t("notices.title")) }
            @if list.is_empty() {
                p.muted { (c.t("notices.empty")) }
            } @else {
                ul.notices {
                    @for n in list {
                        li.unread[!n.read] {
                            time datetime=(n.at.to_string()) { (c.time(n.at)) }
                            " · "
                            a href=(paths::appeal(n.appeal)) { (n.number) }
                            " — "
                            (c.t(n.kind.key()))
                        }
                    }
                }
            }
        },
    )
}
