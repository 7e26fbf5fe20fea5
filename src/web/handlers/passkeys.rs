//! Passkeys: the profile page that lists, adds and removes them, and the sign-in with one.
//!
//! Each ceremony is bound to this browser by its CSRF token (the session's once signed in, the
//! cookie's before) and to the host name in its `Host` header; see `service::passkeys`.

use super::{ok, unprocessable};
use crate::crypto::webauthn::RelyingParty;
use crate::domain::field::FieldErrors;
use crate::service::passkeys::{self, Assertion, Registration};
use crate::service::security::Origin;
use crate::service::{self, Ctx};
use crate::web::Call;
use crate::web::error::WebError;
use crate::web::paths;
use crate::web::response::Response;
use crate::web::session::{self, AnyUser};
use crate::web::views;
use crate::web::views::passkeys::{AccountPage, PasskeyRow, SignIn};

/// The relying party for this request's host, if passkeys can work on it.
fn relying_party(call: &Call) -> Option<RelyingParty> {
    passkeys::relying_party(&call.app.ctx, call.req.header("host").unwrap_or_default())
}

fn local(ctx: &Ctx, at: jiff::Timestamp) -> String {
    ctx.local(at).strftime("%Y-%m-%d %H:%M").to_string()
}

/// The message key of a ceremony refusal, and the refused fields.
fn refusal(errors: &FieldErrors) -> Option<&'static str> {
    errors.for_field(passkeys::FIELD)
}

/// GET /account/passkeys
pub fn account(call: &Call, who: &AnyUser) -> Result<Response, WebError> {
    let done = match call.query().get("done") {
        "added" => Some("passkeys.added"),
        "removed" => Some("passkeys.removed"),
        _ => None,
    };
    Ok(ok(account_page(
        call,
        who,
        done,
        &FieldErrors::default(),
        "",
    )?))
}

fn account_page(
    call: &Call,
    who: &AnyUser,
    done: Option<&'static str>,
    errors: &FieldErrors,
    name: &str,
) -> Result<maud::Markup, WebError> {
    let ctx = &call.app.ctx;
    let rows: Vec<PasskeyRow> = passkeys::list(ctx, &who.0)?
        .into_iter()
        .map(|p| PasskeyRow {
            id: p.id,
            name: p.name,
            created: local(ctx, p.created_at),
            last_used: p.last_used.map(|at| local(ctx, at)),
        })
        .collect();
    let chrome = call.chrome();
    let registration = match relying_party(call) {
        None => None,
        Some(rp) => {
            let options = passkeys::begin_registration(ctx, &who.0, &call.visitor.csrf)?;
            Some(views::passkeys::Registration {
                challenge: options.challenge,
                rp_id: rp.id,
                rp_name: if chrome.institution.is_empty() {
                    chrome.t("app.name").to_owned()
                } else {
                    chrome.institution.clone()
                },
                user_id: options.user_handle,
                user_name: who.0.sign_in_name().to_owned(),
                user_display: who.0.full_name.as_str().to_owned(),
                exclude: options.exclude.join(" "),
            })
        }
    };
    Ok(views::passkeys::account(
        &chrome,
        &AccountPage {
            rows: &rows,
            registration,
            done,
            error: refusal(errors),
            errors,
            name,
        },
    ))
}

/// POST /account/passkeys: verifies the new passkey and stores it.
pub fn add(call: &Call, who: &AnyUser) -> Result<Response, WebError> {
    let form = call.form();
    let Some(rp) = relying_party(call) else {
        let page = account_page(call, who, None, &FieldErrors::default(), "")?;
        return Ok(Response::html(400, page.into_string()));
    };
    let answer = Registration {
        name: form.get("name"),
        client_data_json: form.get("client_data"),
        attestation_object: form.get("attestation_object"),
    };
    match passkeys::register(&call.app.ctx, &who.0, &rp, &call.visitor.csrf, &answer) {
        Ok(()) => Ok(Response::see_other(&format!(
            "{}?done=added",
            paths::PASSKEYS
        ))),
        Err(service::Error::Invalid(errors)) => Ok(unprocessable(account_page(
            call,
            who,
            None,
            &errors,
            form.get("name"),
        )?)),
        Err(other) => Err(other.into()),
    }
}

/// POST /account/passkeys/{id}/remove
pub fn remove(call: &Call, who: &AnyUser, id: &str) -> Result<Response, WebError> {
    passkeys::remove(&call.app.ctx, &who.0, id)?;
    Ok(Response::see_other(&format!(
        "{}?done=removed",
        paths::PASSKEYS
    )))
}

/// The sign-in page with a fresh challenge, or the explanation when this host cannot have
/// passkeys.
fn sign_in_page(
    call: &Call,
    status: u16,
    error: Option<&'static str>,
) -> Result<Response, WebError> {
    let ceremony = match relying_party(call) {
        None => None,
        Some(rp) => Some(SignIn {
            challenge: passkeys::begin_sign_in(&call.app.ctx, &call.visitor.csrf)?,
            rp_id: rp.id,
        }),
    };
    let page = views::passkeys::sign_in(&call.chrome(), ceremony.as_ref(), error);
    Ok(Response::html(status, page.into_string()))
}

/// GET /login/passkey
pub fn sign_in_form(call: &Call) -> Result<Response, WebError> {
    if let Some(user) = call.visitor.user() {
        return Ok(Response::see_other(super::auth::landing(user)));
    }
    sign_in_page(call, 200, None)
}

/// POST /login/passkey: checks the browser's answer and signs in.
pub fn sign_in(call: &Call) -> Result<Response, WebError> {
    let Some(rp) = relying_party(call) else {
        return sign_in_page(call, 400, None);
    };
    let form = call.form();
    let answer = Assertion {
        credential_id: form.get("credential_id"),
        client_data_json: form.get("client_data"),
        authenticator_data: form.get("authenticator_data"),
        signature: form.get("signature"),
        user_handle: form.get("user_handle"),
    };
    let address = call.req.peer.ip().to_string();
    let origin = Origin {
        address: &address,
        device: call.req.header("user-agent").unwrap_or_default(),
    };
    match passkeys::sign_in(&call.app.ctx, &rp, &call.visitor.csrf, &answer, origin) {
        Ok((token, user)) => {
            call.set_cookie(session::cookie(
                session::SESSION_COOKIE,
                &token,
                call.app.session_secs,
            ));
            Ok(Response::see_other(super::auth::landing(&user)))
        }
        Err(service::Error::Invalid(errors)) => sign_in_page(call, 401, refusal(&errors)),
        Err(other) => Err(other.into()),
    }
}
