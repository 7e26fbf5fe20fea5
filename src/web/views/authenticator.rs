//! Pages of the authenticator app: enrolment and removal in the profile, and the code step of
//! signing in.

use maud::{Markup, html};

use super::components::{Input, csrf, error_summary, input};
use super::layout::{Chrome, page};
use crate::domain::field::FieldErrors;
use crate::web::paths;

/// What the profile page shows.
#[derive(Debug, Clone)]
pub enum State<'a> {
    /// Enrolling: the secret and its link, and the first code to type.
    Enrolling {
        /// Base32 secret to type into the app.
        secret: &'a str,
        /// `otpauth://` link (opens the app on a phone).
        uri: &'a str,
    },
    /// On: the form to remove it.
    On,
    /// A code by SMS or e-mail is the second factor (translation key of the channel).
    CodeOn(&'static str),
}

/// The ways a code can come, offered instead of the app (each needs its gateway and an
/// address in the account).
#[derive(Debug, Clone, Copy, Default)]
pub struct CodeChoice {
    /// By SMS.
    pub sms: bool,
    /// By e-mail.
    pub email: bool,
}

/// The profile page of the authenticator.
pub fn profile(
    c: &Chrome,
    state: &State,
    required: bool,
    errors: &FieldErrors,
    codes: CodeChoice,
) -> Markup {
    page(
        c,
        c.t("authenticator.title"),
        html! {
            h1 { (c.t("authenticator.title")) }
            @if required { div.notice role="status" { (c.t("authenticator.required")) } }
            (error_summary(c, errors))
            @match state {
                State::Enrolling { secret, uri } => {
                    p { (c.t("authenticator.intro")) }
                    p { (c.t("authenticator.key")) " " code.secret { (secret) } }
                    p { a href=(uri) { (c.t("authenticator.open_app")) } }
                    form.stack method="post" action=(paths::AUTHENTICATOR_CONFIRM) novalidate {
                        (csrf(c))
                        (input(c, errors, Input::text("code", "authenticator.code", "").autocomplete("one-time-code")))
                        p.actions { button.primary type="submit" { (c.t("authenticator.confirm")) } }
                    }
                    @if codes.sms || codes.email {
                        h2 { (c.t("authenticator.code_instead")) }
                        form.stack method="post" action=(paths::SECOND_FACTOR_CODE) {
                            (csrf(c))
                            fieldset {
                                legend { (c.t("codes.channel")) }
                                @if codes.sms {
                                    div.check { input type="radio" id="factor-sms" name="channel" value="sms" checked; label for="factor-sms" { (c.t("codes.by_sms")) } }
                                }
                                @if codes.email {
                                    div.check { input type="radio" id="factor-email" name="channel" value="email" checked[!codes.sms]; label for="factor-email" { (c.t("codes.by_email")) } }
                                }
                            }
                            p.actions { button type="submit" { (c.t("authenticator.code_choose")) } }
                        }
                    }
                }
                State::CodeOn(channel) => {
                    p.notice.success role="status" { (c.t("authenticator.code_on")) " " strong { (c.t(channel)) } }
                    form.stack method="post" action=(paths::AUTHENTICATOR_REMOVE) novalidate {
                        (csrf(c))
                        (input(c, errors, Input::text("password", "password.current", "").kind("password").autocomplete("current-password")))
                        p.actions { button type="submit" { (c.t("authenticator.remove")) } }
                    }
                }
                State::On => {
                    p.notice.success role="status" { (c.t("authenticator.on")) }
                    form.stack method="post" action=(paths::AUTHENTICATOR_REMOVE) novalidate {
                        (csrf(c))
                        (input(c, errors, Input::text("password", "password.current", "").kind("password").autocomplete("current-password")))
                        p.actions { button type="submit" { (c.t("authenticator.remove")) } }
                    }
                }
            }
        },
    )
}

/// The second step of signing in.
pub fn code_step(c: &Chrome, errors: &FieldErrors) -> Markup {
    page(
        c,
        c.t("authenticator.step_title"),
        html! {
            h1 { (c.t("authenticator.step_title")) }
            p { (c.t("authenticator.step_intro")) }
            p.muted { (c.t("authenticator.step_code")) }
            (error_summary(c, errors))
            form.stack method="post" action=(paths::LOGIN_AUTHENTICATOR) novalidate {
                (csrf(c))
                (input(c, errors, Input::text("code", "authenticator.code", "").autocomplete("one-time-code")))
                p.actions { button.primary type="submit" { (c.t("login.submit")) } }
            }
            p { a href=(paths::LOGIN) { (c.t("codes.back_to_login")) } }
        },
    )
}
