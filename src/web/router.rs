//! Every route in one table: (method, path segments) → handler, with the user type the
//! handler needs produced before it is called.

use super::Call;
use super::error::WebError;
use super::handlers::{
    admin, appeals, applicant, auth, authenticator, backup, calendar, codes, ecp, passkeys,
    qr_login, registry, reports, routing, security, terms,
};
use super::request::Method::{self, Get, Head, Post};
use super::response::Response;
use super::session::{require_admin, require_applicant, require_staff, require_user};
use crate::domain::appeal::{AppealId, AttachmentId, CategoryId, UnitId};

fn id(segment: &str) -> Result<u64, WebError> {
    segment.parse().map_err(|_| WebError::NotFound)
}

/// Routes a request to its handler.
#[allow(clippy::too_many_lines)] // the one route table, read top to bottom (STYLE habit 10)
pub fn route(call: &Call) -> Result<Response, WebError> {
    let path = call.req.path.as_str();
    if let Some(asset) = call.app.assets.serve(path) {
        return Ok(asset);
    }
    let v = call.visitor;
    // A staff member whose password was set by someone else must choose their own first.
    if v.user().is_some_and(|u| u.must_change_password)
        && !matches!(path, "/account/password" | "/logout" | "/lang")
    {
        return Ok(Response::see_other(super::paths::PASSWORD));
    }
    // Staff the admin requires to use an authenticator add one first.
    if v.signed_in.as_ref().is_some_and(|s| s.must_enrol)
        && !matches!(
            path,
            "/account/authenticator"
                | "/account/authenticator/confirm"
                | "/account/authenticator/code"
                | "/logout"
                | "/lang"
        )
    {
        return Ok(Response::see_other(super::paths::AUTHENTICATOR));
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match (call.req.method, segments.as_slice()) {
        (Get | Head, []) => auth::home(call),
        (Get | Head, ["login"]) => auth::login_form(call),
        (Post, ["login"]) => auth::login(call),
        (Post, ["logout"]) => auth::logout(call),
        (Get | Head, ["register"]) => auth::register_form(call),
        (Post, ["register"]) => auth::register(call),
        (Post, ["lang"]) => auth::set_language(call),
        (Get | Head, ["account", "password"]) => auth::password_form(call, &require_user(v)?),
        (Post, ["account", "password"]) => auth::change_password(call, &require_user(v)?),
        (Get | Head, ["login", "ecp"]) => ecp::login_form(call),
        (Post, ["login", "ecp"]) => ecp::login(call),
        (Get | Head, ["login", "authenticator"]) => authenticator::code_form(call),
        (Post, ["login", "authenticator"]) => authenticator::complete(call),
        (Get | Head, ["account", "authenticator"]) => authenticator::show(call, &require_user(v)?),
        (Post, ["account", "authenticator", "confirm"]) => {
            authenticator::confirm(call, &require_user(v)?)
        }
        (Post, ["account", "authenticator", "code"]) => {
            authenticator::choose_code(call, &require_user(v)?)
        }
        (Post, ["account", "authenticator", "remove"]) => {
            authenticator::remove(call, &require_user(v)?)
        }
        (Post, ["admin", "sign-in-policy"]) => authenticator::set_policy(call, &require_admin(v)?),
        (Get | Head, ["login", "qr"]) => qr_login::start(call),
        (Get | Head, ["login", "qr", "image"]) => qr_login::image(call),
        (Get | Head, ["login", "qr", "wait"]) => qr_login::wait(call),
        (Get | Head, ["qr", token]) => qr_login::question(call, &require_user(v)?, token),
        (Post, ["qr", token, "approve"]) => qr_login::answer(call, &require_user(v)?, token, true),
        (Post, ["qr", token, "deny"]) => qr_login::answer(call, &require_user(v)?, token, false),
        (Get | Head, ["login", "code"]) => codes::ask_form(call, false),
        (Post, ["login", "code"]) => codes::ask(call, false),
        (Post, ["login", "code", "verify"]) => codes::sign_in(call),
        (Get | Head, ["password", "forgot"]) => codes::ask_form(call, true),
        (Post, ["password", "forgot"]) => codes::ask(call, true),
        (Post, ["password", "reset"]) => codes::reset(call),
        (Get | Head, ["login", "passkey"]) => passkeys::sign_in_form(call),
        (Post, ["login", "passkey"]) => passkeys::sign_in(call),
        (Get | Head, ["account", "passkeys"]) => passkeys::account(call, &require_user(v)?),
        (Post, ["account", "passkeys"]) => passkeys::add(call, &require_user(v)?),
        (Post, ["account", "passkeys", id, "remove"]) => {
            passkeys::remove(call, &require_user(v)?, id)
        }
        (Get | Head, ["account", "sessions"]) => security::sessions(call, &require_user(v)?),
        (Post, ["account", "sessions", id, "end"]) => {
            security::end_session(call, &require_user(v)?, id)
        }

        (Get | Head, ["terms"]) => applicant::terms(call),
        (Post, ["terms"]) => applicant::accept_terms(call, &require_applicant(v)?),
        (Get | Head, ["cabinet"]) => applicant::cabinet(call, &require_applicant(v)?),
        (Get | Head, ["appeals", "new"]) => {
            applicant::new_appeal_form(call, &require_applicant(v)?)
        }
        (Post, ["appeals", "new"]) => applicant::file_appeal(call, &require_applicant(v)?),

        (Get | Head, ["appeals", n]) => appeals::show(call, &require_user(v)?, AppealId(id(n)?)),
        (Get | Head, ["appeals", n, "receipt"]) => {
            appeals::receipt(call, &require_user(v)?, AppealId(id(n)?))
        }
        (Post, ["appeals", n, "act"]) => appeals::act(call, &require_user(v)?, AppealId(id(n)?)),
        (Get | Head, ["appeals", n, "complaint"]) => {
            appeals::complaint_form(call, &require_applicant(v)?, AppealId(id(n)?))
        }
        (Post, ["appeals", n, "complaint"]) => {
            appeals::file_complaint(call, &require_applicant(v)?, AppealId(id(n)?))
        }
        (Get | Head, ["notices"]) => appeals::notices(call, &require_user(v)?),
        (Get | Head, ["files", n]) => {
            appeals::download(call, &require_user(v)?, AttachmentId(id(n)?))
        }

        (Get | Head, ["registry"]) => registry::list(call, &require_staff(v)?),
        (Get | Head, ["registry", "new"]) => registry::new_form(call, &require_staff(v)?),
        (Post, ["registry", "new"]) => registry::register(call, &require_staff(v)?),
        (Get | Head, ["registry", "export"]) => reports::export(call, &require_staff(v)?),
        (Get | Head, ["reports"]) => reports::show(call, &require_staff(v)?),
        (Get | Head, ["reports", "download"]) => reports::download(call, &require_staff(v)?),
        (Get | Head, ["reports", "style.css"]) => Ok(reports::stylesheet()),

        (Get | Head, ["admin"]) => admin::settings(call, &require_admin(v)?),
        (Post, ["admin", "profile"]) => admin::save_profile(call, &require_admin(v)?),
        (Post, ["admin", "units"]) => admin::save_unit(call, &require_admin(v)?, None),
        (Post, ["admin", "units", n]) => {
            let n = u32::try_from(id(n)?).map_err(|_| WebError::NotFound)?;
            admin::save_unit(call, &require_admin(v)?, Some(UnitId(n)))
        }
        (Post, ["admin", "categories"]) => admin::save_category(call, &require_admin(v)?, None),
        (Post, ["admin", "categories", n]) => {
            let n = u32::try_from(id(n)?).map_err(|_| WebError::NotFound)?;
            admin::save_category(call, &require_admin(v)?, Some(CategoryId(n)))
        }
        (Get | Head, ["admin", "staff"]) => admin::staff(call, &require_admin(v)?),
        (Post, ["admin", "staff"]) => admin::add_staff(call, &require_admin(v)?),
        (Post, ["admin", "staff", n]) => {
            let n = id(n)?;
            admin::update_staff(call, &require_admin(v)?, n)
        }
        (Post, ["admin", "staff", n, "iin"]) => {
            let n = id(n)?;
            admin::set_staff_iin(call, &require_admin(v)?, n)
        }
        (Get | Head, ["admin", "terms"]) => terms::show(call, &require_admin(v)?),
        (Post, ["admin", "terms"]) => terms::save(call, &require_admin(v)?),
        (Get | Head, ["admin", "routing"]) => routing::show(call, &require_admin(v)?),
        (Post, ["admin", "routing"]) => routing::save(call, &require_admin(v)?),
        (Get | Head, ["admin", "calendar"]) => calendar::show(call, &require_admin(v)?),
        (Post, ["admin", "calendar"]) => calendar::update(call, &require_admin(v)?),
        (Get | Head, ["admin", "backup"]) => backup::download(call, &require_admin(v)?),
        (Get | Head, ["admin", "ecp"]) => ecp::certificates(call, &require_admin(v)?),
        (Post, ["admin", "ecp"]) => ecp::reload(call, &require_admin(v)?),
        (Get | Head, ["admin", "audit"]) => security::audit(call, &require_admin(v)?),
        (Get | Head, ["admin", "deliveries"]) => codes::deliveries(call, &require_admin(v)?),
        (Post, ["admin", "reset-password"]) => security::reset_password(call, &require_admin(v)?),

        (Get | Head, ["health"]) => Ok(Response::text(200, "ok")),
        (Method::Other, _) => Err(WebError::Method),
        _ => Err(WebError::NotFound),
    }
}
