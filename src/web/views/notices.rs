//! The signed-in user's notices: what happened to which appeal and the tasks still to do,
//! newest first; notices of done tasks folded away below.

use maud::{Markup, html};

use super::layout::{Chrome, page};
use crate::domain::notice::{Notice, NoticeBoard};
use crate::web::paths;

/// The notices page.
pub fn notices(c: &Chrome, board: &NoticeBoard) -> Markup {
    page(
        c,
        c.t("notices.title"),
        html! {
            h1 { (c.t("notices.title")) }
            @if board.current.is_empty() && board.done.is_empty() {
                p.muted { (c.t("notices.empty")) }
            } @else if board.current.is_empty() {
                p.muted { (c.t("notices.none_open")) }
            } @else {
                ul.notices {
                    @for n in &board.current {
                        li.unread[!n.read] { (line(c, n)) }
                    }
                }
            }
            @if !board.done.is_empty() {
                details.done-notices {
                    summary { (c.t("notices.done")) " (" (board.done.len()) ")" }
                    ul.notices.muted {
                        @for n in &board.done {
                            li.done { (line(c, n)) " · " (c.t("notices.task_done")) }
                        }
                    }
                }
            }
        },
    )
}

/// One notice: when, which appeal, what.
fn line(c: &Chrome, n: &Notice) -> Markup {
    html! {
        time datetime=(n.at.to_string()) { (c.time(n.at)) }
        " · "
        a href=(paths::appeal(n.appeal)) { (n.number) }
        " — "
        (c.t(n.kind.key()))
    }
}
