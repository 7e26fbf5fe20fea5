//! Sign-in, registration and password pages.

use maud::{Markup, html};

use super::components::{Input, csrf, error_summary, input};
use super::layout::{Chrome, page};
use crate::domain::field::FieldErrors;
use crate::domain::tax_id::ApplicantKind;
use crate::web::forms::Form;
use crate::web::paths;

/// The sign-in form; `failed` shows the generic refusal.
/// Ways in besides the password that work on this installation.
#[derive(Debug, Clone, Default)]
pub struct WaysIn {
    /// A one-time code by SMS or e-mail (a gateway is configured).
    pub code: bool,
    /// Buttons of other methods (passkey, ЭЦП), when they can work.
    pub others: Markup,
}

/// `until`: the local time a lock ends, shown after the message.
pub fn login(
    c: &Chrome,
    name: &str,
    next: &str,
    failed: Option<&'static str>,
    until: Option<&str>,
    ways: &WaysIn,
) -> Markup {
    page(
        c,
        c.t("login.title"),
        html! {
            h1 { (c.t("login.title")) }
            @if let Some(key) = failed {
                @let success = key == "codes.password_set";
                div.notice.error[!success].success[success] role=(if success { "status" } else { "alert" }) tabindex="-1" id="form-errors" {
                    (c.t(key))
                    @if let Some(until) = until { " " strong { (until) } }
                }
            }
            form.stack method="post" action=(paths::LOGIN) {
                (csrf(c))
                input type="hidden" name="next" value=(next);
                (input(c, &FieldErrors::default(), Input::text("name", "login.name", name).hint("login.name_hint").autocomplete("username")))
                (input(c, &FieldErrors::default(), Input::text("password", "login.password", "").kind("password").autocomplete("current-password")))
                p.actions { button.primary type="submit" { (c.t("login.submit")) } }
            }
            p { a.btn.secondary href=(paths::PASSWORD_FORGOT) { (c.t("codes.forgot_link")) } }
            @if ways.code {
                p { a.btn.secondary href=(paths::LOGIN_CODE) { (c.t("codes.sign_in_link")) } }
            }
            p { a.btn.secondary href=(paths::LOGIN_QR) { (c.t("qr.link")) } }
            (ways.others)
            p { (c.t("login.no_account")) " " a href=(paths::REGISTER) { (c.t("nav.register")) } }
        },
    )
}

/// The applicant registration form.
pub fn register(c: &Chrome, form: &Form, errors: &FieldErrors) -> Markup {
    let kind = if form.get("kind").is_empty() {
        "individual"
    } else {
        form.get("kind")
    };
    page(
        c,
        c.t("register.title"),
        html! {
            h1 { (c.t("register.title")) }
            (error_summary(c, errors))
            form.stack method="post" action=(paths::REGISTER) novalidate {
                (csrf(c))
                fieldset {
                    legend { (c.t("register.kind")) }
                    @for k in ApplicantKind::ALL {
                        div.check {
                            input type="radio" id=(format!("kind-{}", k.code())) name="kind" value=(k.code()) checked[kind == k.code()];
                            label for=(format!("kind-{}", k.code())) { (c.t(if k == ApplicantKind::Individual { "register.individual" } else { "register.legal" })) }
                        }
                    }
                }
                (input(c, errors, Input::text("tax_id", "register.tax_id", form.get("tax_id")).hint("register.tax_id_hint").autocomplete("off")))
                (input(c, errors, Input::text("full_name", "register.full_name", form.get("full_name")).autocomplete("name")))
                (input(c, errors, Input::text("phone", "register.phone", form.get("phone")).kind("tel").autocomplete("tel")))
                (input(c, errors, Input::text("email", "register.email", form.get("email")).kind("email").autocomplete("email")))
                (input(c, errors, Input::text("address", "register.address", form.get("address")).optional().autocomplete("street-address")))
                (input(c, errors, Input::text("password", "register.password", "").kind("password").hint("register.password_hint").autocomplete("new-password")))
                (input(c, errors, Input::text("password_again", "register.password_again", "").kind("password").autocomplete("new-password")))
                p.actions { button.primary type="submit" { (c.t("register.submit")) } }
            }
        },
    )
}

/// Change own password (also the forced change after an admin reset or first start).
pub fn password(c: &Chrome, errors: &FieldErrors, forced: bool) -> Markup {
    page(
        c,
        c.t("password.title"),
        html! {
            h1 { (c.t("password.title")) }
            @if forced { div.notice role="status" { (c.t("password.forced")) } }
            (error_summary(c, errors))
            form.stack method="post" action=(paths::PASSWORD) novalidate {
                (csrf(c))
                (input(c, errors, Input::text("current", "password.current", "").kind("password").autocomplete("current-password")))
                (input(c, errors, Input::text("password", "password.new", "").kind("password").hint("register.password_hint").autocomplete("new-password")))
                (input(c, errors, Input::text("password_again", "register.password_again", "").kind("password").autocomplete("new-password")))
                p.actions { button.primary type="submit" { (c.t("password.submit")) } }
            }
        },
    )
}
