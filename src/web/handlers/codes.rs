//! One-time codes: sign in with a code, set a new password with a code, and the admin's list
//! of gateway messages.

use super::{ok, unprocessable};
use crate::domain::field::FieldErrors;
use crate::service::codes::{self, Purpose};
use crate::service::deliveries::{DeliveryChannel, DeliveryStatus};
use crate::service::security::Origin;
use crate::service::{self, deliveries};
use crate::web::error::WebError;
use crate::web::response::Response;
use crate::web::session::{self, AdminUser};
use crate::web::views::codes::{Channels, DeliveryRow};
use crate::web::{Call, paths, views};

fn channels(call: &Call) -> Channels {
    Channels {
        sms: call.app.gateways.sms.is_some(),
        email: call.app.gateways.smtp.is_some(),
    }
}

/// GET /login/code and GET /password/forgot
pub fn ask_form(call: &Call, reset: bool) -> Result<Response, WebError> {
    Ok(ok(views::codes::ask(
        &call.chrome(),
        channels(call),
        reset,
        "",
        &FieldErrors::default(),
    )))
}

/// POST /login/code and POST /password/forgot: sends a code (if there is where to) and asks
/// for it.
pub fn ask(call: &Call, reset: bool) -> Result<Response, WebError> {
    let form = call.form();
    let name = form.get("name").trim().to_owned();
    let available = channels(call);
    let channel = match form.get("channel") {
        "sms" if available.sms => DeliveryChannel::Sms,
        "email" if available.email => DeliveryChannel::Email,
        _ => {
            let mut errors = FieldErrors::default();
            errors.add("channel", "error.required");
            return Ok(unprocessable(views::codes::ask(
                &call.chrome(),
                available,
                reset,
                &name,
                &errors,
            )));
        }
    };
    let (address, device) = call.client();
    let purpose = if reset {
        Purpose::Reset
    } else {
        Purpose::SignIn
    };
    match codes::request(
        &call.app.ctx,
        purpose,
        &name,
        channel,
        Origin {
            address: &address,
            device: &device,
        },
    ) {
        Ok(()) => Ok(ok(views::codes::enter(
            &call.chrome(),
            reset,
            &name,
            &FieldErrors::default(),
        ))),
        Err(service::Error::Invalid(errors)) => Ok(unprocessable(views::codes::ask(
            &call.chrome(),
            available,
            reset,
            &name,
            &errors,
        ))),
        Err(other) => Err(other.into()),
    }
}

/// POST /login/code/verify
pub fn sign_in(call: &Call) -> Result<Response, WebError> {
    let form = call.form();
    let name = form.get("name").to_owned();
    let (address, device) = call.client();
    match codes::sign_in(
        &call.app.ctx,
        &name,
        form.get("code"),
        Origin {
            address: &address,
            device: &device,
        },
    ) {
        Ok((token, user)) => {
            call.set_cookie(session::cookie(
                session::SESSION_COOKIE,
                &token,
                call.app.session_secs,
            ));
            Ok(Response::see_other(super::auth::landing(&user)))
        }
        Err(service::Error::Invalid(errors)) => Ok(unprocessable(views::codes::enter(
            &call.chrome(),
            false,
            &name,
            &errors,
        ))),
        Err(other) => Err(other.into()),
    }
}

/// POST /password/reset
pub fn reset(call: &Call) -> Result<Response, WebError> {
    let form = call.form();
    let name = form.get("name").to_owned();
    let (address, device) = call.client();
    match codes::reset_password(
        &call.app.ctx,
        &name,
        form.get("code"),
        form.get("password"),
        form.get("password_again"),
        Origin {
            address: &address,
            device: &device,
        },
    ) {
        Ok(()) => Ok(Response::see_other(&format!("{}?reset=1", paths::LOGIN))),
        Err(service::Error::Invalid(errors)) => Ok(unprocessable(views::codes::enter(
            &call.chrome(),
            true,
            &name,
            &errors,
        ))),
        Err(other) => Err(other.into()),
    }
}

/// GET /admin/deliveries
pub fn deliveries(call: &Call, who: &AdminUser) -> Result<Response, WebError> {
    let ctx = &call.app.ctx;
    let list: Vec<DeliveryRow> = deliveries::recent(ctx, &who.0, 200)?
        .into_iter()
        .map(|d| DeliveryRow {
            when: ctx
                .local(d.created_at)
                .strftime("%Y-%m-%d %H:%M")
                .to_string(),
            channel: match d.channel {
                DeliveryChannel::Sms => "SMS",
                DeliveryChannel::Email => "e-mail",
            },
            to: d.to,
            status_key: match &d.status {
                DeliveryStatus::Pending => "codes.pending",
                DeliveryStatus::Sent(_) => "codes.delivered",
                DeliveryStatus::Failed(_) => "codes.failed",
                DeliveryStatus::Expired => "codes.expired_status",
            },
            attempts: d.attempts,
            detail: match d.status {
                DeliveryStatus::Failed(reason) => reason,
                _ => d.last_error,
            },
        })
        .collect();
    Ok(ok(views::codes::deliveries(
        &call.chrome(),
        channels(call),
        &list,
    )))
}
