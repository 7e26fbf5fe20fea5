//! One-time codes by SMS or e-mail: six digits, valid five minutes, five tries, stored only as
//! a salted SHA-256. Used to sign in without a password and to set a new password when the
//! old one is forgotten.
//!
//! Asking for a code never reveals whether the name has an account or an address for the
//! channel: the answer is the same, and nothing is sent when there is nowhere to send it.
//! A new code replaces the previous one; one may be asked for at most once a minute.

use jiff::SignedDuration;
use sha2::{Digest, Sha256};

use super::deliveries::{self, Message};
use super::security::{self, Origin};
use super::{Ctx, Error, Result};
use crate::domain::field::{FieldErrors, NewPassword};
use crate::domain::lang::Lang;
use crate::domain::security::AuditKind;
use crate::domain::user::User;
use crate::store::{CodeReads, CodeRecord, DeliveryChannel, LoginKey, UserReads};

/// How long a code is valid.
pub const LIFETIME: SignedDuration = SignedDuration::from_mins(5);
/// Wrong entries before a code is dead.
pub const ATTEMPTS: u32 = 5;
/// The least time between two codes for one name.
pub const RESEND_AFTER: SignedDuration = SignedDuration::from_secs(60);

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Signing in without the password.
    SignIn,
    /// Setting a new password.
    Reset,
    /// The second step of signing in, after the password.
    SecondFactor,
}

impl Purpose {
    fn key(self, name: &str) -> String {
        let purpose = match self {
            Purpose::SignIn => "sign-in",
            Purpose::Reset => "reset",
            Purpose::SecondFactor => "second-factor",
        };
        format!("{purpose}:{}", LoginKey::from_sign_in_name(name))
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    assert!(
        getrandom::fill(&mut bytes).is_ok(),
        "the operating system's random generator failed"
    );
    bytes
}

fn new_code() -> String {
    // Rejection sampling keeps the six digits uniform.
    loop {
        let n = u32::from_le_bytes(random_bytes::<4>());
        if n < 4_000_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

fn hash(salt: &[u8; 16], code: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(code.as_bytes());
    hasher.finalize().into()
}

fn text(lang: Lang, code: &str) -> String {
    match lang {
        Lang::Kk => {
            format!("Otinish: бір реттік код {code}. 5 минут жарамды. Оны ешкімге айтпаңыз.")
        }
        Lang::Ru => {
            format!("Otinish: одноразовый код {code}. Действует 5 минут. Никому его не сообщайте.")
        }
        Lang::En => format!(
            "Otinish: your one-time code is {code}. It is valid for 5 minutes. Tell no one."
        ),
    }
}

/// Sends a code for the account signing in as `name` through `channel`, if there is such an
/// account with an address for the channel. Refuses (field `name`) only when a code was sent
/// less than a minute ago, and (`Throttled`) an address with too many failed sign-ins.
pub fn request(
    ctx: &Ctx,
    purpose: Purpose,
    name: &str,
    channel: DeliveryChannel,
    origin: Origin<'_>,
) -> Result<()> {
    security::refuse_if_throttled(ctx, origin)?;
    let key = purpose.key(name);
    let now = ctx.now();
    let user = ctx.store.read(|tx| {
        let Some(id) = tx.user_id_by_login(&LoginKey::from_sign_in_name(name))? else {
            return Ok::<_, Error>(None);
        };
        Ok(tx.user(id)?.filter(|u| u.active))
    })?;
    let Some(user) = user else {
        log::info!("one-time code asked for a name with no active account");
        return Ok(());
    };
    let to = match channel {
        DeliveryChannel::Sms => user.phone.as_ref().map(|p| p.as_str().to_owned()),
        DeliveryChannel::Email => user.email.as_ref().map(|e| e.as_str().to_owned()),
    };
    let Some(to) = to else {
        log::info!(
            "one-time code asked for user {} with no address for the channel",
            user.id.0
        );
        return Ok(());
    };
    let code = new_code();
    let salt = random_bytes::<16>();
    let expires_at = now.checked_add(LIFETIME).unwrap_or(now);
    ctx.store.write(|tx| {
        if let Some(previous) = tx.code(&key)?
            && now.duration_since(previous.issued_at) < RESEND_AFTER
        {
            return Err(Error::field("name", "codes.too_soon"));
        }
        tx.put_code(
            &key,
            &CodeRecord {
                user: user.id,
                salt,
                hash: hash(&salt, &code),
                issued_at: now,
                expires_at,
                attempts_left: ATTEMPTS,
            },
        )?;
        deliveries::queue(
            tx,
            now,
            Message {
                user: Some(user.id),
                channel,
                to: to.clone(),
                subject: "Otinish".into(),
                body: text(user.lang, &code),
                secret: true,
                expires_at: Some(expires_at),
            },
        )?;
        Ok(())
    })?;
    log::info!(
        "one-time code queued for user {} from {}",
        user.id.0,
        origin.address
    );
    Ok(())
}

fn refused(key: &'static str) -> Error {
    Error::field("code", key)
}

/// Checks a code for `name`; a right code is used up and its account returned. A wrong one
/// costs one of the five tries; then the code is dead.
pub(super) fn check(ctx: &Ctx, purpose: Purpose, name: &str, code: &str) -> Result<User> {
    let key = purpose.key(name);
    let now = ctx.now();
    let code = code.trim();
    // A refusal is returned inside `Ok`, so that the spent try (or the dead code's removal)
    // is committed: an `Err` would roll it back and leave the five tries untouched.
    let outcome = ctx.store.write(|tx| {
        let Some(mut record) = tx.code(&key)? else {
            return Ok::<_, Error>(Err("codes.expired"));
        };
        if record.expires_at <= now || record.attempts_left == 0 {
            tx.remove_code(&key)?;
            return Ok(Err("codes.expired"));
        }
        let wanted = hash(&record.salt, code);
        let difference = wanted
            .iter()
            .zip(record.hash.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if difference != 0 {
            record.attempts_left -= 1;
            if record.attempts_left == 0 {
                tx.remove_code(&key)?;
            } else {
                tx.put_code(&key, &record)?;
            }
            return Ok(Err("codes.wrong"));
        }
        tx.remove_code(&key)?;
        Ok(tx
            .user(record.user)?
            .filter(|u| u.active)
            .ok_or("codes.expired"))
    })?;
    outcome.map_err(refused)
}

/// Signs in with a code: a new session token and the user.
pub fn sign_in(ctx: &Ctx, name: &str, code: &str, origin: Origin<'_>) -> Result<(String, User)> {
    security::refuse_if_throttled(ctx, origin)?;
    let key = LoginKey::from_sign_in_name(name);
    security::refuse_if_locked(ctx, &key, (None, name), origin)?;
    match check(ctx, Purpose::SignIn, name, code) {
        Ok(user) => {
            let token = super::auth::start_session(ctx, &user, origin, "one-time code")?;
            Ok((token, user))
        }
        Err(err) => {
            let _ = security::count_failure(ctx, &key, (None, name), origin);
            Err(err)
        }
    }
}

/// Sets a new password with a code sent for resetting it; every session of the account ends.
pub fn reset_password(
    ctx: &Ctx,
    name: &str,
    code: &str,
    password: &str,
    again: &str,
    origin: Origin<'_>,
) -> Result<()> {
    let mut errors = FieldErrors::default();
    let new = errors.take("password", NewPassword::parse(password));
    if new.is_some() && new.as_ref().map(NewPassword::expose) != Some(again) {
        errors.add("password_again", "error.password_mismatch");
    }
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return Err(Error::Invalid(errors));
    };
    security::refuse_if_throttled(ctx, origin)?;
    let password_hash = super::auth::hash_password(new.expose())?;
    // A wrong reset code is a failed way in: audited, and counted against the address (not
    // the name, whose owner may be resetting just because the name is locked).
    let user = match check(ctx, Purpose::Reset, name, code) {
        Ok(user) => user,
        Err(err @ Error::Invalid(_)) => {
            security::sign_in_failed(ctx, (None, name), origin, "password reset code")?;
            return Err(err);
        }
        Err(err) => return Err(err),
    };
    let now = ctx.now();
    ctx.store.write(|tx| {
        security::replace_password(
            tx,
            now,
            user.id,
            &password_hash,
            &security::Replacement {
                kind: AuditKind::PasswordChanged,
                must_change: false,
                keep: None,
                address: origin.address,
                detail: "with a one-time code",
            },
        )
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
