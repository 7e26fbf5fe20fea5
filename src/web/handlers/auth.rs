//! Home, sign-in, sign-out, registration, password change, language switch.

use super::{ok, unprocessable};
use crate::domain::field::FieldErrors;
use crate::domain::lang::Lang;
use crate::service::{self, auth};
use crate::web::Call;
use crate::web::error::WebError;
use crate::web::paths;
use crate::web::response::Response;
use crate::web::session::{self, AnyUser};
use crate::web::views;

/// GET /
pub fn home(call: &Call) -> Result<Response, WebError> {
    Ok(ok(views::home::home(&call.chrome())))
}

/// Where a user lands after signing in.
pub(super) fn landing(user: &crate::domain::user::User) -> &'static str {
    if user.is_applicant() {
        paths::CABINET
    } else {
        paths::REGISTRY
    }
}

/// GET /login
pub fn login_form(call: &Call) -> Result<Response, WebError> {
    if let Some(user) = call.visitor.user() {
        return Ok(Response::see_other(landing(user)));
    }
    let next = call.query().string("next");
    let next = if paths::is_local(&next) {
        next
    } else {
        String::new()
    };
    let notice = (call.query().get("reset") == "1").then_some("codes.password_set");
    Ok(ok(views::auth::login(
        &call.chrome(),
        "",
        &next,
        notice,
        None,
        &ways_in(call),
    )))
}

/// The ways in the login page offers besides the password.
fn ways_in(call: &Call) -> views::auth::WaysIn {
    let ctx = &call.app.ctx;
    let c = call.chrome();
    let host = call.req.header("host").unwrap_or_default();
    let passkeys = crate::service::passkeys::relying_party(ctx, host).is_some();
    let ecp = crate::service::ecp::available(ctx);
    views::auth::WaysIn {
        code: call.app.gateways.sms.is_some() || call.app.gateways.smtp.is_some(),
        others: maud::html! {
            @if passkeys { (views::passkeys::sign_in_button(&c)) }
            @if ecp { (views::ecp::sign_in_button(&c)) }
        },
    }
}

/// POST /login
pub fn login(call: &Call) -> Result<Response, WebError> {
    let form = call.form();
    let name = form.get("name");
    let next = Some(form.get("next"))
        .filter(|n| paths::is_local(n))
        .unwrap_or_default();
    let device = call.req.header("user-agent").unwrap_or_default();
    match auth::sign_in(
        &call.app.ctx,
        name,
        form.get("password"),
        &call.req.peer.ip().to_string(),
        device,
    ) {
        Ok((token, user)) => {
            call.set_cookie(session::cookie(
                session::SESSION_COOKIE,
                &token,
                call.app.session_secs,
            ));
            let target = if next.is_empty() {
                landing(&user)
            } else {
                next
            };
            Ok(Response::see_other(target))
        }
        Err(service::Error::BadCredentials) => Ok(Response::html(
            401,
            views::auth::login(
                &call.chrome(),
                name,
                next,
                Some("login.failed"),
                None,
                &ways_in(call),
            )
            .into_string(),
        )),
        Err(service::Error::SecondFactor { pending }) => {
            call.set_cookie(session::cookie(
                super::authenticator::PENDING_COOKIE,
                &pending,
                300,
            ));
            Ok(Response::see_other(paths::LOGIN_AUTHENTICATOR))
        }
        Err(service::Error::Locked { until }) => {
            let local = call.app.ctx.local(until).strftime("%H:%M").to_string();
            Ok(Response::html(
                429,
                views::auth::login(
                    &call.chrome(),
                    name,
                    next,
                    Some("login.locked"),
                    Some(&local),
                    &ways_in(call),
                )
                .into_string(),
            )
            .with_header("retry-after", "300"))
        }
        Err(service::Error::Throttled { until }) => {
            let local = call.app.ctx.local(until).strftime("%H:%M").to_string();
            let wait = until.duration_since(call.app.ctx.now()).as_secs().max(1);
            Ok(Response::html(
                429,
                views::auth::login(
                    &call.chrome(),
                    name,
                    next,
                    Some("sign_in_limit.refused"),
                    Some(&local),
                    &ways_in(call),
                )
                .into_string(),
            )
            .with_header("retry-after", wait.to_string()))
        }
        Err(other) => Err(other.into()),
    }
}

/// POST /logout
pub fn logout(call: &Call) -> Result<Response, WebError> {
    if let Some(token) = &call.visitor.token {
        auth::sign_out(&call.app.ctx, token)?;
    }
    call.set_cookie(session::cookie(session::SESSION_COOKIE, "", 0));
    // The browser drops what the offline app kept (the last-seen list of appeals), so the
    // next person on this device never sees it.
    Ok(Response::see_other(paths::HOME).with_header("clear-site-data", "\"storage\""))
}

/// GET /register
pub fn register_form(call: &Call) -> Result<Response, WebError> {
    Ok(ok(views::auth::register(
        &call.chrome(),
        &call.form(),
        &FieldErrors::default(),
    )))
}

/// POST /register: creates the account and signs it in, then asks for the terms.
pub fn register(call: &Call) -> Result<Response, WebError> {
    let form = call.form();
    let input = auth::RegistrationForm {
        kind: form.string("kind"),
        tax_id: form.string("tax_id"),
        full_name: form.string("full_name"),
        phone: form.string("phone"),
        email: form.string("email"),
        address: form.string("address"),
        password: form.string("password"),
        password_again: form.string("password_again"),
    };
    match auth::register_applicant(&call.app.ctx, &input, call.visitor.lang) {
        Ok(_) => {
            let device = call.req.header("user-agent").unwrap_or_default();
            let (token, _) = auth::sign_in(
                &call.app.ctx,
                &input.tax_id,
                &input.password,
                &call.req.peer.ip().to_string(),
                device,
            )?;
            call.set_cookie(session::cookie(
                session::SESSION_COOKIE,
                &token,
                call.app.session_secs,
            ));
            Ok(Response::see_other(paths::TERMS))
        }
        Err(service::Error::Invalid(errors)) => Ok(unprocessable(views::auth::register(
            &call.chrome(),
            &form,
            &errors,
        ))),
        Err(other) => Err(other.into()),
    }
}

/// GET /account/password
pub fn password_form(call: &Call, who: &AnyUser) -> Result<Response, WebError> {
    Ok(ok(views::auth::password(
        &call.chrome(),
        &FieldErrors::default(),
        who.0.must_change_password,
    )))
}

/// POST /account/password
pub fn change_password(call: &Call, who: &AnyUser) -> Result<Response, WebError> {
    let form = call.form();
    match auth::change_password(
        &call.app.ctx,
        &who.0,
        form.get("current"),
        form.get("password"),
        form.get("password_again"),
        call.visitor.token.as_deref(),
    ) {
        Ok(()) => Ok(Response::see_other(landing(&who.0))),
        Err(service::Error::Invalid(errors)) => Ok(unprocessable(views::auth::password(
            &call.chrome(),
            &errors,
            who.0.must_change_password,
        ))),
        Err(other) => Err(other.into()),
    }
}

/// POST /lang: remembers the choice in a cookie and, when signed in, in the profile.
pub fn set_language(call: &Call) -> Result<Response, WebError> {
    let form = call.form();
    let lang = Lang::from_code(form.get("lang")).ok_or(WebError::BadRequest)?;
    let next = form.get("next");
    // `next` goes back out in the Location header: anything but a short local path is refused
    // before anything changes, never echoed.
    if !next.is_empty() && !paths::is_local(next) {
        return Err(WebError::BadRequest);
    }
    if let Some(user) = call.visitor.user() {
        auth::set_language(&call.app.ctx, user, lang)?;
    }
    call.set_cookie(session::cookie(
        session::LANG_COOKIE,
        lang.code(),
        365 * 86_400,
    ));
    Ok(Response::see_other(if next.is_empty() {
        paths::HOME
    } else {
        next
    }))
}
