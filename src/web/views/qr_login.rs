//! Pages of sign-in by QR code: the waiting browser's code, and the phone's question.

use maud::{Markup, html};

use super::components::csrf;
use super::layout::{Chrome, page};
use crate::web::paths;

/// The waiting browser: the code to scan (it reloads itself every two seconds).
pub fn waiting(c: &Chrome, url: &str) -> Markup {
    page(
        c,
        c.t("qr.title"),
        html! {
            h1 { (c.t("qr.title")) }
            p { (c.t("qr.intro")) }
            p { img.qr src=(paths::LOGIN_QR_SVG) width="240" height="240" alt=(c.t("qr.alt")); }
            p.muted { (c.t("qr.or_open")) " " code { (url) } }
            p { a href=(paths::LOGIN) { (c.t("codes.back_to_login")) } }
        },
    )
}

/// The code expired, was refused or was used.
pub fn over(c: &Chrome) -> Markup {
    page(
        c,
        c.t("qr.title"),
        html! {
            h1 { (c.t("qr.title")) }
            p.notice.error role="alert" { (c.t("qr.over")) }
            p { a href=(paths::LOGIN_QR) { (c.t("qr.new_code")) } " · " a href=(paths::LOGIN) { (c.t("codes.back_to_login")) } }
        },
    )
}

/// The phone's question: sign that browser in as you?
pub fn question(c: &Chrome, token: &str, device: &str, address: &str, when: &str) -> Markup {
    page(
        c,
        c.t("qr.question_title"),
        html! {
            h1 { (c.t("qr.question_title")) }
            p { (c.t("qr.question")) }
            dl {
                dt { (c.t("sessions.device")) } dd { (device) }
                dt { (c.t("sessions.address")) } dd { (address) }
                dt { (c.t("audit.when")) } dd { (when) }
            }
            p.notice role="status" { (c.t("qr.warning")) }
            form.inline method="post" action=(paths::qr_answer(token, true)) {
                (csrf(c))
                button.primary type="submit" { (c.t("qr.approve")) }
            }
            form.inline method="post" action=(paths::qr_answer(token, false)) {
                (csrf(c))
                button type="submit" { (c.t("qr.deny")) }
            }
        },
    )
}

/// After the phone answered.
pub fn answered(c: &Chrome, approved: bool) -> Markup {
    page(
        c,
        c.t("qr.question_title"),
        html! {
            h1 { (c.t("qr.question_title")) }
            p.notice.success role="status" { (c.t(if approved { "qr.approved" } else { "qr.denied" })) }
        },
    )
}
