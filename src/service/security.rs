//! Sign-in security around the password check: the lockout per sign-in name, the limit per
//! client address (`limit`), the audit trail (written in the same transaction as the change it
//! records), the user's own sessions, and the admin's password reset and audit view.

pub mod limit;

use jiff::Timestamp;

use super::{Ctx, Error, Result, new_token};
use crate::domain::security::{AuditEntry, AuditKind, Failures};
use crate::domain::user::{User, UserId};
pub use crate::store::AuditFilter;
use crate::store::{Credentials, LoginKey, SecurityReads, SessionReads, UserReads, WriteTx};

/// Where a request came from, for the audit trail.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// Client address.
    pub address: &'a str,
    /// User-Agent.
    pub device: &'a str,
}

fn clipped(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Appends one audit entry inside the caller's transaction.
pub(super) fn record(
    tx: &mut WriteTx,
    at: Timestamp,
    kind: AuditKind,
    who: (Option<UserId>, &str),
    address: &str,
    detail: &str,
) -> Result<()> {
    tx.append_audit(&AuditEntry {
        at,
        kind,
        user: who.0,
        name: clipped(who.1, 64),
        address: clipped(address, 64),
        detail: clipped(detail, 200),
    })?;
    Ok(())
}

/// A failed attempt to sign in, written in a transaction and not yet counted against its
/// address. Count it with [`FailedAttempt::count`] once the write has returned `Ok`: group
/// commit runs a closure again when another member of its batch fails, so anything counted
/// inside the closure could be counted twice.
#[must_use = "count it once the write has returned Ok"]
pub(super) struct FailedAttempt {
    address: String,
    at: Timestamp,
}

impl FailedAttempt {
    /// Counts the attempt against its client's address (once, after its write committed).
    pub(super) fn count(self, ctx: &Ctx) {
        ctx.sign_in_limit.note(&self.address, self.at);
    }
}

/// Appends a failed attempt to sign in (`SignInFailed`, `RefusedWhileLocked`) inside the
/// caller's transaction, which counts the returned attempt once its write returned `Ok`. Every
/// way in records its failures through here or [`sign_in_failed`], so the per-address limit
/// sees them all. A failure whose write fails is not counted (nothing else of it is kept
/// either, and with the store refusing writes nobody can sign in).
pub(super) fn record_failure(
    tx: &mut WriteTx,
    at: Timestamp,
    kind: AuditKind,
    who: (Option<UserId>, &str),
    address: &str,
    detail: &str,
) -> Result<FailedAttempt> {
    debug_assert!(limit::is_failed_attempt(kind));
    record(tx, at, kind, who, address, detail)?;
    Ok(FailedAttempt {
        address: clipped(address, 64),
        at,
    })
}

/// Audits a failed sign-in (`SignInFailed`) in a transaction of its own, then counts it
/// against the client's address.
pub(super) fn sign_in_failed(
    ctx: &Ctx,
    who: (Option<UserId>, &str),
    origin: Origin<'_>,
    detail: &str,
) -> Result<()> {
    audit_failure(ctx, AuditKind::SignInFailed, who, origin.address, detail)
}

fn audit_failure(
    ctx: &Ctx,
    kind: AuditKind,
    who: (Option<UserId>, &str),
    address: &str,
    detail: &str,
) -> Result<()> {
    let now = ctx.now();
    ctx.store
        .write(|tx| record_failure(tx, now, kind, who, address, detail))?
        .count(ctx);
    Ok(())
}

/// Refuses at once, checking nothing, while the client's address has had too many failed
/// sign-ins; every way in asks this first. The refusal itself is not counted, so waiting out
/// the window is enough.
pub(super) fn refuse_if_throttled(ctx: &Ctx, origin: Origin<'_>) -> Result<()> {
    let now = ctx.now();
    match ctx
        .sign_in_limit
        .refused_until(&clipped(origin.address, 64), now)
    {
        Some(until) => {
            log::warn!(
                "sign-in from {} refused: too many failures (until {until})",
                origin.address
            );
            Err(Error::Throttled { until })
        }
        None => Ok(()),
    }
}

/// Refuses at once, without checking any password, while `key` is locked; the attempt is
/// audited.
pub(super) fn refuse_if_locked(
    ctx: &Ctx,
    key: &LoginKey,
    who: (Option<UserId>, &str),
    origin: Origin<'_>,
) -> Result<()> {
    let now = ctx.now();
    let failures = ctx.store.read(|tx| tx.sign_in_failures(key))?;
    let Some(until) = failures.and_then(|f| f.locked_at(now)) else {
        return Ok(());
    };
    audit_failure(ctx, AuditKind::RefusedWhileLocked, who, origin.address, "")?;
    Err(Error::Locked { until })
}

/// Counts a wrong password for `key` and audits it; returns `Locked` if this one locked the
/// name, else `BadCredentials`.
pub(super) fn count_failure(
    ctx: &Ctx,
    key: &LoginKey,
    who: (Option<UserId>, &str),
    origin: Origin<'_>,
) -> Error {
    let now = ctx.now();
    let outcome = ctx.store.write(|tx| {
        let mut failures: Failures = tx.sign_in_failures(key)?.unwrap_or_default();
        let locked = failures.record(now);
        tx.put_sign_in_failures(key, &failures)?;
        let attempt = record_failure(
            tx,
            now,
            AuditKind::SignInFailed,
            who,
            origin.address,
            origin.device,
        )?;
        if let Some(until) = locked {
            record(
                tx,
                now,
                AuditKind::LockedOut,
                who,
                origin.address,
                &format!("until {until}"),
            )?;
        }
        Ok::<_, Error>((locked, attempt))
    });
    let outcome = outcome.map(|(locked, attempt)| {
        attempt.count(ctx);
        locked
    });
    match outcome {
        Ok(Some(until)) => {
            log::warn!("sign-in name locked after repeated failures (until {until})");
            Error::Locked { until }
        }
        Ok(None) => Error::BadCredentials,
        Err(err) => err,
    }
}

/// A session as its owner sees it in the list.
#[derive(Debug, Clone)]
pub struct SessionView {
    /// Opaque id for the "end" button (the first bytes of the token's hash, hex).
    pub id: String,
    /// When it began.
    pub created_at: Timestamp,
    /// When it ends by itself.
    pub expires_at: Timestamp,
    /// When it was last used (to within five minutes).
    pub last_seen: Timestamp,
    /// Address at sign-in.
    pub address: String,
    /// Browser at sign-in.
    pub device: String,
    /// Whether it is the session making this request.
    pub current: bool,
}

fn session_id(hash: &[u8; 32]) -> String {
    crate::hex::encode(&hash[..12])
}

/// The user's sessions that have not expired, newest first.
pub fn sessions(ctx: &Ctx, user: &User, current_token: Option<&str>) -> Result<Vec<SessionView>> {
    let now = ctx.now();
    Ok(ctx
        .store
        .read(|tx| sessions_in(tx, user, current_token, now))?)
}

/// [`sessions`] read in the caller's snapshot, as of `now`.
pub(super) fn sessions_in(
    tx: &impl crate::store::Tx,
    user: &User,
    current_token: Option<&str>,
    now: Timestamp,
) -> crate::store::Result<Vec<SessionView>> {
    let current = current_token.map(super::auth::token_hash);
    let mut views = Vec::new();
    for (hash, s) in tx.sessions_of(user.id)? {
        if s.expires_at <= now {
            continue;
        }
        let last_seen = tx.session_seen(&hash)?.unwrap_or(s.created_at);
        views.push(SessionView {
            id: session_id(&hash),
            created_at: s.created_at,
            expires_at: s.expires_at,
            last_seen,
            address: s.address,
            device: s.device,
            current: current == Some(hash),
        });
    }
    views.sort_by_key(|s| std::cmp::Reverse(s.created_at));
    Ok(views)
}

/// Ends one of the user's own sessions, by the id shown in the list.
pub fn end_session(ctx: &Ctx, user: &User, id: &str, origin: Origin<'_>) -> Result<()> {
    let now = ctx.now();
    ctx.store.write(|tx| {
        let found = tx
            .sessions_of(user.id)?
            .into_iter()
            .find(|(hash, _)| session_id(hash) == id);
        let Some((hash, _)) = found else {
            return Err(Error::NotFound);
        };
        tx.delete_session(&hash)?;
        record(
            tx,
            now,
            AuditKind::SessionEnded,
            (Some(user.id), user.sign_in_name()),
            origin.address,
            "",
        )
    })
}

/// Ends every session of `user` except `keep` (after a password change or reset).
pub(super) fn end_other_sessions(
    tx: &mut WriteTx,
    user: UserId,
    keep: Option<&[u8; 32]>,
) -> Result<()> {
    for (hash, _) in tx.sessions_of(user)? {
        if Some(&hash) != keep {
            tx.delete_session(&hash)?;
        }
    }
    Ok(())
}

/// What a password replacement records in the audit trail.
pub(super) struct Replacement<'a> {
    /// `PasswordChanged` or `PasswordReset`.
    pub kind: AuditKind,
    /// Whether the owner must choose another at the next sign-in (after an admin's reset).
    pub must_change: bool,
    /// The session to keep (the one making the change), if any.
    pub keep: Option<&'a [u8; 32]>,
    /// Client address for the audit entry.
    pub address: &'a str,
    /// Detail for the audit entry.
    pub detail: &'a str,
}

/// Replaces a password inside the caller's transaction: new hash, every other session ended,
/// sign-in failures forgotten, one audit entry.
pub(super) fn replace_password(
    tx: &mut WriteTx,
    now: Timestamp,
    user: UserId,
    password_hash: &str,
    how: &Replacement<'_>,
) -> Result<()> {
    let mut stored = tx.user(user)?.ok_or(Error::NotFound)?;
    tx.set_credentials(
        user,
        &Credentials {
            password_hash: password_hash.to_owned(),
        },
    )?;
    stored.must_change_password = how.must_change;
    tx.update_user(&stored)?;
    end_other_sessions(tx, user, how.keep)?;
    tx.clear_sign_in_failures(&LoginKey::of(&stored.account))?;
    record(
        tx,
        now,
        how.kind,
        (Some(user), stored.sign_in_name()),
        how.address,
        how.detail,
    )
}

/// The admin sets a one-time password for the account signing in as `name` (IIN/BIN or
/// login): every session of that account ends and the owner must choose a new password at the
/// next sign-in. Returns the one-time password, to hand over in person.
pub fn reset_password(ctx: &Ctx, admin: &User, name: &str, origin: Origin<'_>) -> Result<String> {
    super::require_admin(admin)?;
    let key = LoginKey::from_sign_in_name(name);
    let password = new_token()[..16].to_owned();
    let password_hash = super::auth::hash_password(&password)?;
    let now = ctx.now();
    let by = format!("by {}", admin.sign_in_name());
    ctx.store.write(|tx| {
        let id = tx.user_id_by_login(&key)?.ok_or(Error::NotFound)?;
        replace_password(
            tx,
            now,
            id,
            &password_hash,
            &Replacement {
                kind: AuditKind::PasswordReset,
                must_change: true,
                keep: None,
                address: origin.address,
                detail: &by,
            },
        )
    })?;
    Ok(password)
}

/// Most entries one page of the audit view shows.
pub const AUDIT_PAGE: usize = 100;

/// The audit trail for the admin: up to `limit` entries matching `filter`, newest first.
pub fn audit(
    ctx: &Ctx,
    admin: &User,
    filter: &AuditFilter,
    limit: usize,
) -> Result<Vec<(u64, AuditEntry)>> {
    super::require_admin(admin)?;
    Ok(ctx.store.read(|tx| tx.audit_entries(filter, limit))?)
}

/// The audit entries matching `filter` as CSV (UTF-8 with a byte-order mark, so spreadsheet
/// programs read Kazakh letters), at most 100,000 rows.
pub fn audit_csv(ctx: &Ctx, admin: &User, filter: &AuditFilter) -> Result<Vec<u8>> {
    let entries = audit(ctx, admin, filter, 100_000)?;
    let mut out = String::from("\u{feff}id,at,kind,user,name,address,detail\r\n");
    for (id, e) in entries {
        let cells = [
            id.to_string(),
            e.at.to_string(),
            e.kind.code().to_owned(),
            e.user.map(|u| u.0.to_string()).unwrap_or_default(),
            e.name,
            e.address,
            e.detail,
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    Ok(out.into_bytes())
}

/// A CSV cell: quoted when needed, and a leading `=`, `+`, `-` or `@` neutralised so a
/// spreadsheet never runs a typed sign-in name as a formula.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
