//! Sign-in by QR code: a browser shows a code for a single-use, one-minute token; a phone that
//! is already signed in opens it, sees which browser asks (address, browser, time) and approves
//! or refuses; the waiting browser, and only it, then collects its session.
//!
//! The token travels in the QR code and in a cookie of the waiting browser; the request is also
//! bound to that browser's CSRF token, so a photographed code cannot be collected elsewhere.
//! The phone's explicit approval, showing where the request comes from, is the defence against
//! someone showing you *their* code.

use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};

use super::security::Origin;
use super::{Ctx, Error, Result, new_token};
use crate::domain::user::User;
use crate::store::{QrLogin, QrLoginReads, QrState, UserReads};

/// How long a code may be answered and collected.
pub const LIFETIME: SignedDuration = SignedDuration::from_secs(60);

fn hash(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// Starts a request for the browser whose CSRF token is `browser`; returns the token to show.
pub fn start(ctx: &Ctx, browser: &str, origin: Origin<'_>) -> Result<String> {
    let token = new_token();
    let now = ctx.now();
    let login = QrLogin {
        browser: hash(browser),
        address: origin.address.chars().take(64).collect(),
        device: origin.device.chars().take(120).collect(),
        created_at: now,
        expires_at: now.checked_add(LIFETIME).unwrap_or(now),
        state: QrState::Waiting,
    };
    ctx.store
        .write(|tx| tx.put_qr_login(&hash(&token), &login))?;
    Ok(token)
}

/// What the phone shows before approving: the waiting browser's request, if still open.
pub fn describe(ctx: &Ctx, token: &str) -> Result<QrLogin> {
    let now = ctx.now();
    ctx.store
        .read(|tx| tx.qr_login(&hash(token)))?
        .filter(|l| l.state == QrState::Waiting && l.expires_at > now)
        .ok_or(Error::NotFound)
}

/// The phone's answer: approve (sign that browser in as `user`) or refuse.
pub fn answer(ctx: &Ctx, user: &User, token: &str, approve: bool) -> Result<()> {
    let key = hash(token);
    let now = ctx.now();
    ctx.store.write(|tx| {
        let mut login = tx
            .qr_login(&key)?
            .filter(|l| l.state == QrState::Waiting && l.expires_at > now)
            .ok_or(Error::NotFound)?;
        login.state = if approve {
            QrState::Approved(user.id)
        } else {
            QrState::Denied
        };
        tx.put_qr_login(&key, &login).map_err(Error::from)
    })
}

/// Where the waiting browser stands.
#[derive(Debug)]
pub enum Poll {
    /// Not answered yet: keep waiting (until the given time).
    Waiting(Timestamp),
    /// Refused on the phone, expired, spent, or not this browser's.
    Over,
    /// Approved: the new session's token and its user.
    SignedIn(String, User),
}

/// The waiting browser asks whether its code was approved; an approved code signs it in once.
pub fn poll(ctx: &Ctx, token: &str, browser: &str, origin: Origin<'_>) -> Result<Poll> {
    let key = hash(token);
    let now = ctx.now();
    let approved = ctx.store.write(|tx| {
        let Some(mut login) = tx.qr_login(&key)? else {
            return Ok::<_, Error>(Err(Poll::Over));
        };
        if login.browser != hash(browser) || login.expires_at <= now {
            return Ok(Err(Poll::Over));
        }
        match login.state {
            QrState::Waiting => Ok(Err(Poll::Waiting(login.expires_at))),
            QrState::Denied | QrState::Used => Ok(Err(Poll::Over)),
            QrState::Approved(user) => {
                login.state = QrState::Used;
                tx.put_qr_login(&key, &login)?;
                Ok(Ok(tx.user(user)?.filter(|u| u.active)))
            }
        }
    })?;
    match approved {
        Err(poll) => Ok(poll),
        Ok(None) => Ok(Poll::Over),
        Ok(Some(user)) => {
            let session = super::auth::start_session(ctx, &user, origin, "QR code")?;
            Ok(Poll::SignedIn(session, user))
        }
    }
}

/// The QR code of `url` as an SVG document.
pub fn svg(url: &str) -> Result<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|e| Error::Facility {
        what: "QR code".into(),
        source: Box::new(e),
    })?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::user::Role;
    use crate::service::auth;

    const DESKTOP: Origin<'static> = Origin {
        address: "10.0.0.20",
        device: "Firefox on the office PC",
    };

    fn desk() -> (Ctx, User) {
        let (ctx, mut users) = crate::service::testing::with_staff(&[("clerk", Role::Clerk)]);
        (ctx, users.remove(0))
    }

    #[test]
    fn an_approved_code_signs_in_the_waiting_browser_once() {
        let (ctx, clerk) = desk();
        let token = start(&ctx, "desktop-csrf", DESKTOP).unwrap();
        assert_eq!(describe(&ctx, &token).unwrap().device, DESKTOP.device);
        assert!(matches!(
            poll(&ctx, &token, "desktop-csrf", DESKTOP).unwrap(),
            Poll::Waiting(_)
        ));
        answer(&ctx, &clerk, &token, true).unwrap();
        assert!(
            matches!(
                poll(&ctx, &token, "another-browser", DESKTOP).unwrap(),
                Poll::Over
            ),
            "only the browser that showed the code collects it"
        );
        let Poll::SignedIn(session, user) = poll(&ctx, &token, "desktop-csrf", DESKTOP).unwrap()
        else {
            panic!("signed in");
        };
        assert_eq!(user.id, clerk.id);
        assert!(auth::session(&ctx, &session).unwrap().is_some());
        assert!(matches!(
            poll(&ctx, &token, "desktop-csrf", DESKTOP).unwrap(),
            Poll::Over
        ));
        assert!(
            answer(&ctx, &clerk, &token, true).is_err(),
            "a used code is not answered again"
        );
    }

    #[test]
    fn a_refused_or_expired_code_signs_nobody_in() {
        let (ctx, clerk) = desk();
        let refused = start(&ctx, "b", DESKTOP).unwrap();
        answer(&ctx, &clerk, &refused, false).unwrap();
        assert!(matches!(
            poll(&ctx, &refused, "b", DESKTOP).unwrap(),
            Poll::Over
        ));
        let late = start(&ctx, "b", DESKTOP).unwrap();
        ctx.clock.set(
            ctx.now()
                .checked_add(SignedDuration::from_secs(61))
                .unwrap(),
        );
        assert!(answer(&ctx, &clerk, &late, true).is_err());
        assert!(matches!(
            poll(&ctx, &late, "b", DESKTOP).unwrap(),
            Poll::Over
        ));
    }

    #[test]
    fn the_code_is_an_svg_image() {
        let svg = svg("https://desk.example:8443/qr/abc").unwrap();
        assert!(svg.contains("<svg"), "{svg}");
    }
}
