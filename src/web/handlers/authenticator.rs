//! The authenticator app: enrolment in the profile, the code step of signing in, and the
//! admin's policy requiring it of staff.

use super::{ok, unprocessable};
use crate::domain::field::FieldErrors;
use crate::service::authenticator::Factor;
use crate::service::deliveries::DeliveryChannel;
use crate::service::security::Origin;
use crate::service::{self, authenticator};
use crate::web::error::WebError;
use crate::web::response::Response;
use crate::web::session::{self, AdminUser, AnyUser};
use crate::web::views::authenticator::{CodeChoice, State};
use crate::web::{Call, paths, views};

/// The cookie holding a pending sign-in's token (five minutes).
pub const PENDING_COOKIE: &str = "otinish_pending";

fn profile_page(call: &Call, who: &AnyUser, errors: &FieldErrors) -> Result<Response, WebError> {
    let ctx = &call.app.ctx;
    let required = authenticator::must_enrol(ctx, &who.0)?;
    let codes = CodeChoice {
        sms: call.app.gateways.sms.is_some() && who.0.phone.is_some(),
        email: call.app.gateways.smtp.is_some() && who.0.email.is_some(),
    };
    let factor = authenticator::factor(ctx, &who.0)?;
    let page = if let Some(Factor::Code(channel)) = factor {
        let label = match channel {
            DeliveryChannel::Sms => "codes.by_sms",
            DeliveryChannel::Email => "codes.by_email",
        };
        views::authenticator::profile(
            &call.chrome(),
            &State::CodeOn(label),
            required,
            errors,
            codes,
        )
    } else if factor == Some(Factor::App) {
        views::authenticator::profile(&call.chrome(), &State::On, required, errors, codes)
    } else {
        let enrolment = authenticator::start(ctx, &who.0)?;
        views::authenticator::profile(
            &call.chrome(),
            &State::Enrolling {
                secret: &enrolment.secret,
                uri: &enrolment.uri,
            },
            required,
            errors,
            codes,
        )
    };
    Ok(if errors.is_empty() {
        ok(page).with_header("cache-control", "no-store")
    } else {
        unprocessable(page).with_header("cache-control", "no-store")
    })
}

/// GET /account/authenticator: a fresh secret to enrol, or the removal form.
pub fn show(call: &Call, who: &AnyUser) -> Result<Response, WebError> {
    profile_page(call, who, &FieldErrors::default())
}

/// POST /account/authenticator/confirm
pub fn confirm(call: &Call, who: &AnyUser) -> Result<Response, WebError> {
    let (address, device) = call.client();
    let origin = Origin {
        address: &address,
        device: &device,
    };
    match authenticator::confirm(&call.app.ctx, &who.0, call.form().get("code"), origin) {
        Ok(()) => Ok(Response::see_other(paths::AUTHENTICATOR)),
        // A new secret is shown with the error: the code belonged to the one on the page.
        Err(service::Error::Invalid(errors)) => profile_page(call, who, &errors),
        Err(other) => Err(other.into()),
    }
}

/// POST /account/authenticator/code: a code by SMS or e-mail as the second factor.
pub fn choose_code(call: &Call, who: &AnyUser) -> Result<Response, WebError> {
    let channel = match call.form().get("channel") {
        "sms" if call.app.gateways.sms.is_some() => DeliveryChannel::Sms,
        "email" if call.app.gateways.smtp.is_some() => DeliveryChannel::Email,
        _ => return Err(WebError::BadRequest),
    };
    let (address, device) = call.client();
    let origin = Origin {
        address: &address,
        device: &device,
    };
    match authenticator::choose_code(&call.app.ctx, &who.0, channel, origin) {
        Ok(()) => Ok(Response::see_other(paths::AUTHENTICATOR)),
        Err(service::Error::Invalid(errors)) => profile_page(call, who, &errors),
        Err(other) => Err(other.into()),
    }
}

/// POST /account/authenticator/remove
pub fn remove(call: &Call, who: &AnyUser) -> Result<Response, WebError> {
    let (address, device) = call.client();
    let origin = Origin {
        address: &address,
        device: &device,
    };
    match authenticator::remove(&call.app.ctx, &who.0, call.form().get("password"), origin) {
        Ok(()) => Ok(Response::see_other(paths::AUTHENTICATOR)),
        Err(service::Error::Invalid(errors)) => profile_page(call, who, &errors),
        Err(other) => Err(other.into()),
    }
}

/// GET /login/authenticator
pub fn code_form(call: &Call) -> Result<Response, WebError> {
    if call.req.cookie(PENDING_COOKIE).is_none() {
        return Ok(Response::see_other(paths::LOGIN));
    }
    Ok(ok(views::authenticator::code_step(
        &call.chrome(),
        &FieldErrors::default(),
    )))
}

/// POST /login/authenticator
pub fn complete(call: &Call) -> Result<Response, WebError> {
    let Some(pending) = call.req.cookie(PENDING_COOKIE).map(str::to_owned) else {
        return Ok(Response::see_other(paths::LOGIN));
    };
    let (address, device) = call.client();
    let origin = Origin {
        address: &address,
        device: &device,
    };
    match authenticator::complete(&call.app.ctx, &pending, call.form().get("code"), origin) {
        Ok((token, user)) => {
            call.set_cookie(session::cookie(PENDING_COOKIE, "", 0));
            call.set_cookie(session::cookie(
                session::SESSION_COOKIE,
                &token,
                call.app.session_secs,
            ));
            Ok(Response::see_other(super::auth::landing(&user)))
        }
        Err(service::Error::Invalid(errors)) => Ok(unprocessable(views::authenticator::code_step(
            &call.chrome(),
            &errors,
        ))),
        Err(service::Error::NotFound) => Ok(Response::see_other(paths::LOGIN)),
        Err(other) => Err(other.into()),
    }
}

/// POST /admin/sign-in-policy
pub fn set_policy(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let need = call.form().get("staff_need_authenticator") == "yes";
    authenticator::set_policy(&call.app.ctx, &who.0, need)?;
    Ok(Response::see_other(paths::ADMIN_AUDIT))
}
