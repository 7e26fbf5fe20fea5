//! Second factors: the authenticator app (TOTP, RFC 6238) or a one-time code by SMS or e-mail
//! after the password; enrolment in the profile, the second step of signing in, and the
//! admin's policy that requires one of staff.
//!
//! A password accepted for an account with a second factor does not start a session: it leaves
//! a pending sign-in (its token in a cookie, five minutes, five codes) that the code completes
//! (for a code factor, the code is sent at that moment). An app code is never accepted twice
//! (the last accepted time step is stored); a sent code works once.

use jiff::{SignedDuration, Timestamp};

use super::codes::Purpose;
use super::security::{self, Origin};
use super::{Ctx, Error, Result, new_token};
use crate::crypto::totp::{self, TotpSecret};
use crate::domain::security::AuditKind;
use crate::domain::user::User;
use crate::store::{
    CodeFactor, DeliveryChannel, PendingSignIn, SignInPolicy, TotpReads, TotpRecord, UserReads,
};

/// How long a pending sign-in waits for its code.
pub const PENDING_LIFETIME: SignedDuration = SignedDuration::from_mins(5);
/// Wrong codes a pending sign-in allows.
pub const PENDING_ATTEMPTS: u32 = 5;

fn refused(key: &'static str) -> Error {
    Error::field("code", key)
}

fn unix(at: Timestamp) -> i64 {
    at.as_second()
}

/// Whether `user` has a confirmed authenticator.
pub fn is_on(ctx: &Ctx, user: &User) -> Result<bool> {
    Ok(ctx
        .store
        .read(|tx| tx.totp(user.id))?
        .is_some_and(|t| t.confirmed_at.is_some()))
}

/// The account's second factor, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    /// The authenticator app.
    App,
    /// A one-time code sent through this channel.
    Code(DeliveryChannel),
}

/// The second factor of `user`: the app if confirmed, else a code factor if chosen.
pub fn factor(ctx: &Ctx, user: &User) -> Result<Option<Factor>> {
    if is_on(ctx, user)? {
        return Ok(Some(Factor::App));
    }
    Ok(ctx
        .store
        .read(|tx| tx.code_factor(user.id))?
        .map(|f| Factor::Code(f.channel)))
}

/// Whether `user` must add a second factor before anything else (the admin requires one of
/// staff and this staff member has none).
pub fn must_enrol(ctx: &Ctx, user: &User) -> Result<bool> {
    if user.is_applicant() {
        return Ok(false);
    }
    let policy = ctx.store.read(|tx| tx.sign_in_policy())?;
    Ok(policy.staff_need_authenticator && factor(ctx, user)?.is_none())
}

/// Chooses a code by SMS or e-mail as the second factor (the account needs an address for the
/// channel; the gateway must be configured, which the page checks).
pub fn choose_code(
    ctx: &Ctx,
    user: &User,
    channel: DeliveryChannel,
    origin: Origin<'_>,
) -> Result<()> {
    let has_address = match channel {
        DeliveryChannel::Sms => user.phone.is_some(),
        DeliveryChannel::Email => user.email.is_some(),
    };
    if !has_address {
        return Err(Error::field("channel", "authenticator.no_address"));
    }
    let now = ctx.now();
    ctx.store.write(|tx| {
        tx.put_code_factor(
            user.id,
            Some(&CodeFactor {
                channel,
                since: now,
            }),
        )?;
        security::record(
            tx,
            now,
            AuditKind::SecondFactorChanged,
            (Some(user.id), user.sign_in_name()),
            origin.address,
            "code second factor chosen",
        )
    })
}

/// What the enrolment page shows: the secret to type (or scan) and the `otpauth://` link.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// Base32 secret.
    pub secret: String,
    /// Provisioning URI.
    pub uri: String,
}

/// Starts (or restarts) enrolment: a new unconfirmed secret. Refused while one is confirmed.
pub fn start(ctx: &Ctx, user: &User) -> Result<Enrolment> {
    let secret = TotpSecret::generate()
        .map_err(|e| Error::Store(crate::store::Error::Database(e.to_string())))?;
    let record = TotpRecord {
        secret: *secret.as_bytes(),
        confirmed_at: None,
        last_step: None,
    };
    ctx.store.write(|tx| {
        if tx.totp(user.id)?.is_some_and(|t| t.confirmed_at.is_some()) {
            return Err(Error::Forbidden);
        }
        tx.put_totp(user.id, &record)?;
        Ok(())
    })?;
    Ok(Enrolment {
        secret: secret.to_base32(),
        uri: totp::provisioning_uri(&secret, "Otinish", user.sign_in_name()),
    })
}

/// Confirms enrolment with a first code from the app.
pub fn confirm(ctx: &Ctx, user: &User, code: &str, origin: Origin<'_>) -> Result<()> {
    let now = ctx.now();
    ctx.store.write(|tx| {
        let Some(mut record) = tx.totp(user.id)? else {
            return Err(refused("authenticator.start_again"));
        };
        let secret = TotpSecret::from_bytes(record.secret);
        let Some(step) = totp::verify(&secret, code, unix(now), record.last_step) else {
            return Err(refused("authenticator.wrong"));
        };
        record.confirmed_at = Some(now);
        record.last_step = Some(step);
        tx.put_totp(user.id, &record)?;
        security::record(
            tx,
            now,
            AuditKind::SecondFactorChanged,
            (Some(user.id), user.sign_in_name()),
            origin.address,
            "authenticator added",
        )
    })
}

/// Removes the authenticator after checking the password.
pub fn remove(ctx: &Ctx, user: &User, password: &str, origin: Origin<'_>) -> Result<()> {
    if !super::auth::password_is(ctx, user, password)? {
        return Err(Error::field("password", "error.password_wrong"));
    }
    let now = ctx.now();
    ctx.store.write(|tx| {
        tx.remove_totp(user.id)?;
        tx.put_code_factor(user.id, None)?;
        security::record(
            tx,
            now,
            AuditKind::SecondFactorChanged,
            (Some(user.id), user.sign_in_name()),
            origin.address,
            "second factor removed",
        )
    })
}

/// After a right password: a pending sign-in waiting for the code (sent now for a code
/// factor); returns its token.
pub(super) fn begin_pending(
    ctx: &Ctx,
    user: &User,
    factor: Factor,
    origin: Origin<'_>,
) -> Result<String> {
    if let Factor::Code(channel) = factor {
        match super::codes::request(
            ctx,
            Purpose::SecondFactor,
            user.sign_in_name(),
            channel,
            origin,
        ) {
            // A code sent less than a minute ago is still good.
            Ok(()) | Err(Error::Invalid(_)) => {}
            Err(other) => return Err(other),
        }
    }
    let token = new_token();
    let now = ctx.now();
    let pending = PendingSignIn {
        user: user.id,
        expires_at: now.checked_add(PENDING_LIFETIME).unwrap_or(now),
        attempts_left: PENDING_ATTEMPTS,
    };
    ctx.store
        .write(|tx| tx.put_pending_sign_in(&super::auth::token_hash(&token), &pending))?;
    Ok(token)
}

/// The second step: a code from the app completes the pending sign-in; returns the session
/// token and the user.
pub fn complete(
    ctx: &Ctx,
    pending_token: &str,
    code: &str,
    origin: Origin<'_>,
) -> Result<(String, User)> {
    security::refuse_if_throttled(ctx, origin)?;
    let hash = super::auth::token_hash(pending_token);
    let now = ctx.now();
    if let Some(user) = code_factor_user(ctx, &hash)? {
        if let Err(err) = super::codes::check(ctx, Purpose::SecondFactor, user.sign_in_name(), code)
        {
            if matches!(err, Error::Invalid(_)) {
                security::sign_in_failed(
                    ctx,
                    (Some(user.id), user.sign_in_name()),
                    origin,
                    "wrong second-factor code",
                )?;
            }
            return Err(err);
        }
        ctx.store.write(|tx| tx.remove_pending_sign_in(&hash))?;
        let token = super::auth::start_session(ctx, &user, origin, "password + code")?;
        return Ok((token, user));
    }
    let user = ctx.store.write(|tx| {
        let Some(mut pending) = tx.pending_sign_in(&hash)? else {
            return Err(refused("authenticator.expired"));
        };
        if pending.expires_at <= now {
            tx.remove_pending_sign_in(&hash)?;
            return Err(refused("authenticator.expired"));
        }
        let user = tx
            .user(pending.user)?
            .filter(|u| u.active)
            .ok_or(Error::NotFound)?;
        let Some(mut record) = tx.totp(user.id)? else {
            return Err(refused("authenticator.expired"));
        };
        let secret = TotpSecret::from_bytes(record.secret);
        let Some(step) = totp::verify(&secret, code, unix(now), record.last_step) else {
            pending.attempts_left = pending.attempts_left.saturating_sub(1);
            if pending.attempts_left == 0 {
                tx.remove_pending_sign_in(&hash)?;
            } else {
                tx.put_pending_sign_in(&hash, &pending)?;
            }
            let attempt = security::record_failure(
                tx,
                now,
                AuditKind::SignInFailed,
                (Some(user.id), user.sign_in_name()),
                origin.address,
                "wrong authenticator code",
            )?;
            return Ok(Err(attempt));
        };
        record.last_step = Some(step);
        tx.put_totp(user.id, &record)?;
        tx.remove_pending_sign_in(&hash)?;
        Ok(Ok(user))
    })?;
    match user {
        Ok(user) => {
            let token = super::auth::start_session(ctx, &user, origin, "password + authenticator")?;
            Ok((token, user))
        }
        Err(attempt) => {
            attempt.count(ctx);
            Err(refused("authenticator.wrong"))
        }
    }
}

/// The user of a live pending sign-in whose second factor is a code (not the app).
fn code_factor_user(ctx: &Ctx, hash: &[u8; 32]) -> Result<Option<User>> {
    let now = ctx.now();
    ctx.store.read(|tx| {
        let Some(pending) = tx.pending_sign_in(hash)?.filter(|p| p.expires_at > now) else {
            return Ok::<_, Error>(None);
        };
        let app = tx
            .totp(pending.user)?
            .is_some_and(|t| t.confirmed_at.is_some());
        if app || tx.code_factor(pending.user)?.is_none() {
            return Ok(None);
        }
        Ok(tx.user(pending.user)?.filter(|u| u.active))
    })
}

/// Sets whether staff must use an authenticator (admin only).
pub fn set_policy(ctx: &Ctx, admin: &User, staff_need_authenticator: bool) -> Result<()> {
    super::require_admin(admin)?;
    ctx.store.write(|tx| {
        tx.put_sign_in_policy(SignInPolicy {
            staff_need_authenticator,
        })
    })?;
    Ok(())
}

/// The admin's sign-in policy.
pub fn policy(ctx: &Ctx) -> Result<SignInPolicy> {
    Ok(ctx.store.read(|tx| tx.sign_in_policy())?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
