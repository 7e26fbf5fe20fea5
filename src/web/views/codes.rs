//! Pages for one-time codes: asking for a code (to sign in, or to set a new password) and
//! entering it; and the admin's list of messages sent through the gateways.

use maud::{Markup, html};

use super::components::{Input, csrf, error_summary, input};
use super::layout::{Chrome, page};
use crate::domain::field::FieldErrors;
use crate::web::paths;

/// Which gateways work here.
#[derive(Debug, Clone, Copy)]
pub struct Channels {
    /// SMS gateway configured.
    pub sms: bool,
    /// E-mail gateway configured.
    pub email: bool,
}

impl Channels {
    /// Whether any gateway works.
    pub fn any(self) -> bool {
        self.sms || self.email
    }
}

/// The form that asks for a code: `reset` for a new password, else to sign in.
pub fn ask(
    c: &Chrome,
    channels: Channels,
    reset: bool,
    name: &str,
    errors: &FieldErrors,
) -> Markup {
    let (title, action) = if reset {
        ("codes.forgot_title", paths::PASSWORD_FORGOT)
    } else {
        ("codes.sign_in_title", paths::LOGIN_CODE)
    };
    page(
        c,
        c.t(title),
        html! {
            h1 { (c.t(title)) }
            @if channels.any() {
                p { (c.t("codes.ask_intro")) }
                (error_summary(c, errors))
                form.stack method="post" action=(action) novalidate {
                    (csrf(c))
                    (input(c, errors, Input::text("name", "login.name", name).hint("login.name_hint").autocomplete("username")))
                    fieldset {
                        legend { (c.t("codes.channel")) }
                        @if channels.sms {
                            div.check { input type="radio" id="channel-sms" name="channel" value="sms" checked; label for="channel-sms" { (c.t("codes.by_sms")) } }
                        }
                        @if channels.email {
                            div.check { input type="radio" id="channel-email" name="channel" value="email" checked[!channels.sms]; label for="channel-email" { (c.t("codes.by_email")) } }
                        }
                    }
                    p.actions { button.primary type="submit" { (c.t("codes.send")) } }
                }
            } @else {
                p { (c.t("codes.no_gateway")) }
            }
            p { a href=(paths::LOGIN) { (c.t("codes.back_to_login")) } }
        },
    )
}

/// The form for the code that was sent (and, for `reset`, the new password).
pub fn enter(c: &Chrome, reset: bool, name: &str, errors: &FieldErrors) -> Markup {
    let (title, action) = if reset {
        ("codes.forgot_title", paths::PASSWORD_RESET)
    } else {
        ("codes.sign_in_title", paths::LOGIN_CODE_VERIFY)
    };
    page(
        c,
        c.t(title),
        html! {
            h1 { (c.t(title)) }
            p.notice role="status" { (c.t("codes.sent")) }
            (error_summary(c, errors))
            form.stack method="post" action=(action) novalidate {
                (csrf(c))
                input type="hidden" name="name" value=(name);
                (input(c, errors, Input::text("code", "codes.code", "").kind("text").autocomplete("one-time-code")))
                @if reset {
                    (input(c, errors, Input::text("password", "password.new", "").kind("password").hint("register.password_hint").autocomplete("new-password")))
                    (input(c, errors, Input::text("password_again", "register.password_again", "").kind("password").autocomplete("new-password")))
                }
                p.actions { button.primary type="submit" { (c.t(if reset { "codes.set_password" } else { "login.submit" })) } }
            }
        },
    )
}

/// One message in the admin's list.
#[derive(Debug, Clone)]
pub struct DeliveryRow {
    /// Local time it was queued.
    pub when: String,
    /// `SMS` or `e-mail`.
    pub channel: &'static str,
    /// Phone or address.
    pub to: String,
    /// Translation key of its status.
    pub status_key: &'static str,
    /// Attempts so far.
    pub attempts: u32,
    /// Why it failed, or the last temporary error.
    pub detail: String,
}

/// The admin's list of messages sent through the gateways, newest first.
pub fn deliveries(c: &Chrome, channels: Channels, list: &[DeliveryRow]) -> Markup {
    page(
        c,
        c.t("codes.deliveries_title"),
        html! {
            h1 { (c.t("codes.deliveries_title")) }
            p {
                (c.t("codes.gateways")) " "
                "SMS: " strong { (c.t(if channels.sms { "codes.on" } else { "codes.off" })) } " · "
                "e-mail: " strong { (c.t(if channels.email { "codes.on" } else { "codes.off" })) }
            }
            div.table-wrap {
                table.list {
                    thead { tr {
                        th scope="col" { (c.t("audit.when")) }
                        th scope="col" { (c.t("codes.channel")) }
                        th scope="col" { (c.t("codes.to")) }
                        th scope="col" { (c.t("codes.status")) }
                        th scope="col" { (c.t("codes.attempts")) }
                        th scope="col" { (c.t("audit.detail")) }
                    } }
                    tbody {
                        @for d in list {
                            tr {
                                td { (d.when) }
                                td { (d.channel) }
                                td { (d.to) }
                                td { (c.t(d.status_key)) }
                                td { (d.attempts) }
                                td { (d.detail) }
                            }
                        }
                    }
                }
            }
            @if list.is_empty() { p { (c.t("audit.none")) } }
        },
    )
}
