//! Passkey pages: the user's own passkeys with the form that adds one, the sign-in page, and
//! the login page's button. The ceremonies run in `assets/passkeys.js`, loaded by these pages
//! only; its options travel in `data-` attributes, never in inline script.

use maud::{Markup, html};

use super::components::{Input, csrf, input};
use super::layout::{Chrome, page};
use crate::domain::field::FieldErrors;
use crate::web::paths;

/// The login page's way to a passkey sign-in.
pub fn sign_in_button(c: &Chrome) -> Markup {
    html! {
        p { a.btn.secondary href=(paths::LOGIN_PASSKEY) { (c.t("passkeys.sign_in")) } }
    }
}

/// One passkey in its owner's list.
#[derive(Debug, Clone)]
pub struct PasskeyRow {
    /// Id for the remove button.
    pub id: String,
    /// The name the owner gave it.
    pub name: String,
    /// Local date and time it was added.
    pub created: String,
    /// Local date and time it last signed in.
    pub last_used: Option<String>,
}

/// What `navigator.credentials.create` needs, base64url where binary.
#[derive(Debug, Clone)]
pub struct Registration {
    /// The challenge.
    pub challenge: String,
    /// The relying-party id (the host name).
    pub rp_id: String,
    /// The relying party's name the browser shows.
    pub rp_name: String,
    /// The user handle.
    pub user_id: String,
    /// The sign-in name (IIN/BIN or login).
    pub user_name: String,
    /// The full name.
    pub user_display: String,
    /// Credential ids the account has already, space-separated.
    pub exclude: String,
}

/// The profile's passkey page.
#[derive(Debug, Clone)]
pub struct AccountPage<'a> {
    /// The user's passkeys.
    pub rows: &'a [PasskeyRow],
    /// The ceremony, or `None` when this address cannot have passkeys.
    pub registration: Option<Registration>,
    /// A success message key (`passkeys.added`, `passkeys.removed`).
    pub done: Option<&'static str>,
    /// Why the last ceremony was refused (a message key).
    pub error: Option<&'static str>,
    /// The last attempt's refused fields (the name).
    pub errors: &'a FieldErrors,
    /// The name typed in the last attempt.
    pub name: &'a str,
}

/// The text shown instead of any ceremony on an IP address or an unknown host name.
fn unavailable(c: &Chrome) -> Markup {
    html! {
        div.notice.error role="alert" {
            p { (c.t("passkeys.unavailable")) }
            p { (c.t("passkeys.unavailable_admin")) }
        }
    }
}

/// The parts every ceremony page has: the message without JavaScript, the message the script
/// fills in on failure, and the script.
fn script_parts(c: &Chrome) -> Markup {
    html! {
        noscript { p.notice.error { (c.t("passkeys.needs_js")) } }
        p.notice.error #passkey-problem role="alert" tabindex="-1" hidden {}
        script src=(c.assets.passkeys_script_path) defer {}
    }
}

/// Why the last attempt was refused.
fn refusal(c: &Chrome, error: Option<&'static str>) -> Markup {
    html! {
        @if let Some(key) = error {
            div.notice.error role="alert" tabindex="-1" id="form-errors" { (c.t(key)) }
        }
    }
}

/// The user's passkeys, each with a remove button, and the form that adds one.
pub fn account(c: &Chrome, p: &AccountPage) -> Markup {
    page(
        c,
        c.t("passkeys.title"),
        html! {
            h1 { (c.t("passkeys.title")) }
            @if let Some(key) = p.done { p.notice.success role="status" { (c.t(key)) } }
            p { (c.t("passkeys.intro")) }
            @if p.rows.is_empty() {
                p { (c.t("passkeys.none")) }
            } @else {
                div.table-wrap {
                    table.list {
                        thead { tr {
                            th scope="col" { (c.t("passkeys.name")) }
                            th scope="col" { (c.t("passkeys.created")) }
                            th scope="col" { (c.t("passkeys.last_used")) }
                            th scope="col" { span.visually-hidden { (c.t("passkeys.remove")) } }
                        } }
                        tbody {
                            @for row in p.rows {
                                tr {
                                    td { (row.name) }
                                    td { (row.created) }
                                    td { (row.last_used.as_deref().unwrap_or(c.t("passkeys.never"))) }
                                    td {
                                        form method="post" action=(paths::passkey_remove(&row.id)) {
                                            (csrf(c))
                                            button.secondary type="submit" { (c.t("passkeys.remove")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.card {
                h2 { (c.t("passkeys.add_title")) }
                @match &p.registration {
                    None => { (unavailable(c)) }
                    Some(r) => {
                        (refusal(c, p.error))
                        (script_parts(c))
                        div #passkey-ui hidden {
                            form.stack method="post" action=(paths::PASSKEYS)
                                data-passkey="register"
                                data-challenge=(r.challenge) data-rp-id=(r.rp_id) data-rp-name=(r.rp_name)
                                data-user-id=(r.user_id) data-user-name=(r.user_name)
                                data-user-display=(r.user_display) data-exclude=(r.exclude)
                                data-msg-unsupported=(c.t("passkeys.unsupported"))
                                data-msg-failed=(c.t("passkeys.failed"))
                                data-msg-exists=(c.t("passkeys.exists")) {
                                (csrf(c))
                                input type="hidden" name="client_data" value="";
                                input type="hidden" name="attestation_object" value="";
                                (input(c, p.errors, Input::text("name", "passkeys.add_name", p.name).hint("passkeys.add_name_hint")))
                                p.actions { button.primary type="submit" { (c.t("passkeys.add_submit")) } }
                            }
                        }
                    }
                }
            }
            p { a href=(paths::SESSIONS) { (c.t("nav.sessions")) } }
        },
    )
}

/// What `navigator.credentials.get` needs.
#[derive(Debug, Clone)]
pub struct SignIn {
    /// The challenge, base64url.
    pub challenge: String,
    /// The relying-party id (the host name).
    pub rp_id: String,
}

/// The passkey sign-in page: `ceremony` is `None` when this address cannot have passkeys.
/// `error` is why the last attempt was refused (a message key).
pub fn sign_in(c: &Chrome, ceremony: Option<&SignIn>, error: Option<&'static str>) -> Markup {
    page(
        c,
        c.t("passkeys.sign_in_title"),
        html! {
            h1 { (c.t("passkeys.sign_in_title")) }
            @match ceremony {
                None => { (unavailable(c)) }
                Some(s) => {
                    (refusal(c, error))
                    p { (c.t("passkeys.sign_in_intro")) }
                    (script_parts(c))
                    div #passkey-ui hidden {
                        form method="post" action=(paths::LOGIN_PASSKEY)
                            data-passkey="sign-in" data-challenge=(s.challenge) data-rp-id=(s.rp_id)
                            data-msg-unsupported=(c.t("passkeys.unsupported"))
                            data-msg-failed=(c.t("passkeys.failed"))
                            data-msg-exists=(c.t("passkeys.failed")) {
                            (csrf(c))
                            @for name in ["credential_id", "client_data", "authenticator_data", "signature", "user_handle"] {
                                input type="hidden" name=(name) value="";
                            }
                            p.actions { button.primary type="submit" { (c.t("passkeys.sign_in_submit")) } }
                        }
                    }
                }
            }
            p { a href=(paths::LOGIN) { (c.t("passkeys.use_password")) } }
        },
    )
}
