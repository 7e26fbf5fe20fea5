//! Sign-in by QR code: the waiting browser's page, image and polling; the phone's question
//! and answer.

use super::ok;
use crate::service::qr_login::{self, Poll};
use crate::service::security::Origin;
use crate::web::error::WebError;
use crate::web::response::Response;
use crate::web::session::{self, AnyUser};
use crate::web::{Call, paths, views};

/// The cookie holding the waiting browser's token.
const QR_COOKIE: &str = "otinish_qr";

/// How often the waiting page reloads itself (the `Refresh` header: no script needed).
const REFRESH: &str = "2; url=/login/qr/wait";

fn link(call: &Call, token: &str) -> String {
    let host = call.req.header("host").unwrap_or("localhost");
    format!("https://{host}{}", paths::qr(token))
}

fn waiting(call: &Call, token: &str) -> Response {
    ok(views::qr_login::waiting(&call.chrome(), &link(call, token)))
        .with_header("refresh", REFRESH)
        .with_header("cache-control", "no-store")
}

/// GET /login/qr: a new code for this browser.
pub fn start(call: &Call) -> Result<Response, WebError> {
    let (address, device) = call.client();
    let token = qr_login::start(
        &call.app.ctx,
        &call.visitor.csrf,
        Origin {
            address: &address,
            device: &device,
        },
    )?;
    call.set_cookie(session::cookie(QR_COOKIE, &token, 120));
    Ok(waiting(call, &token))
}

/// GET /login/qr/image: this browser's code as an SVG image.
pub fn image(call: &Call) -> Result<Response, WebError> {
    let token = call.req.cookie(QR_COOKIE).ok_or(WebError::NotFound)?;
    let svg = qr_login::svg(&link(call, token))?;
    Ok(Response::bytes("image/svg+xml", svg.into_bytes()).with_header("cache-control", "no-store"))
}

/// GET /login/qr/wait: signed in once the phone approved; otherwise wait or start again.
pub fn wait(call: &Call) -> Result<Response, WebError> {
    let Some(token) = call.req.cookie(QR_COOKIE).map(str::to_owned) else {
        return Ok(ok(views::qr_login::over(&call.chrome())));
    };
    let (address, device) = call.client();
    let poll = qr_login::poll(
        &call.app.ctx,
        &token,
        &call.visitor.csrf,
        Origin {
            address: &address,
            device: &device,
        },
    )?;
    match poll {
        Poll::Waiting(_) => Ok(waiting(call, &token)),
        Poll::Over => {
            call.set_cookie(session::cookie(QR_COOKIE, "", 0));
            Ok(ok(views::qr_login::over(&call.chrome())))
        }
        Poll::SignedIn(session_token, user) => {
            call.set_cookie(session::cookie(QR_COOKIE, "", 0));
            call.set_cookie(session::cookie(
                session::SESSION_COOKIE,
                &session_token,
                call.app.session_secs,
            ));
            Ok(Response::see_other(super::auth::landing(&user)))
        }
    }
}

/// GET /qr/{token}: the signed-in phone is asked whether to sign that browser in.
pub fn question(call: &Call, _who: &AnyUser, token: &str) -> Result<Response, WebError> {
    let ctx = &call.app.ctx;
    let request = qr_login::describe(ctx, token)?;
    let when = ctx
        .local(request.created_at)
        .strftime("%H:%M:%S")
        .to_string();
    Ok(ok(views::qr_login::question(
        &call.chrome(),
        token,
        &request.device,
        &request.address,
        &when,
    ))
    .with_header("cache-control", "no-store"))
}

/// POST /qr/{token}/approve and /qr/{token}/deny
pub fn answer(
    call: &Call,
    who: &AnyUser,
    token: &str,
    approve: bool,
) -> Result<Response, WebError> {
    qr_login::answer(&call.app.ctx, &who.0, token, approve)?;
    Ok(ok(views::qr_login::answered(&call.chrome(), approve)))
}
