//! Sign-in security: the lockout rule for wrong passwords and the vocabulary of the security
//! audit trail.
//!
//! The rule: [`FAILURES_BEFORE_LOCK`] wrong passwords for one sign-in name within
//! [`FAILURE_WINDOW`] lock that name; while locked, attempts are refused before any password is
//! checked. Each lock in a row lasts twice as long as the one before ([`backoff`]), from
//! 5 minutes up to an hour; a successful sign-in forgets the failures.

use jiff::{SignedDuration, Timestamp};

use super::user::UserId;

/// Wrong passwords within the window that lock the name.
pub const FAILURES_BEFORE_LOCK: u32 = 5;

/// How far back failures count.
pub const FAILURE_WINDOW: SignedDuration = SignedDuration::from_mins(15);

/// How long the `n`-th lock in a row lasts (0-based): 5, 10, 20, 40, then 60 minutes.
pub fn backoff(lockouts_before: u32) -> SignedDuration {
    let minutes = 5_i64.saturating_mul(1_i64 << lockouts_before.min(4));
    SignedDuration::from_mins(minutes.min(60))
}

/// Wrong passwords for one sign-in name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Failures {
    /// Failures in the current window.
    pub count: u32,
    /// When the current window began.
    pub window_start: Option<Timestamp>,
    /// Locked until then.
    pub locked_until: Option<Timestamp>,
    /// Locks in a row so far (each doubles the next).
    pub lockouts: u32,
}

impl Failures {
    /// The end of the lock, if the name is locked at `now`.
    pub fn locked_at(&self, now: Timestamp) -> Option<Timestamp> {
        self.locked_until.filter(|until| *until > now)
    }

    /// Counts a wrong password at `now`; returns the end of the lock if this one caused it.
    pub fn record(&mut self, now: Timestamp) -> Option<Timestamp> {
        let window_over = self
            .window_start
            .is_none_or(|start| now.duration_since(start) > FAILURE_WINDOW);
        if window_over {
            self.count = 0;
            self.window_start = Some(now);
        }
        self.count += 1;
        if self.count < FAILURES_BEFORE_LOCK {
            return None;
        }
        let until = now.checked_add(backoff(self.lockouts)).unwrap_or(now);
        self.locked_until = Some(until);
        self.lockouts = self.lockouts.saturating_add(1);
        self.count = 0;
        self.window_start = None;
        Some(until)
    }
}

/// What happened, in the security audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditKind {
    /// Signed in.
    SignIn,
    /// A wrong name or password.
    SignInFailed,
    /// Too many wrong passwords: the name is locked.
    LockedOut,
    /// An attempt while the name was locked (the password was not checked).
    RefusedWhileLocked,
    /// Signed out.
    SignOut,
    /// A session was ended from the sessions list.
    SessionEnded,
    /// Changed their own password.
    PasswordChanged,
    /// An admin set a new password for someone.
    PasswordReset,
    /// A staff account was created.
    AccountCreated,
    /// Roles or the active flag of a staff account changed.
    RolesChanged,
    /// A way in besides the password was added or removed (authenticator app, passkey).
    SecondFactorChanged,
    /// A member of staff saw an applicant's personal data (appeal page, receipt or file).
    PersonalDataViewed,
}

impl AuditKind {
    /// Every kind, in display order.
    pub const ALL: &'static [AuditKind] = &[
        AuditKind::SignIn,
        AuditKind::SignInFailed,
        AuditKind::LockedOut,
        AuditKind::RefusedWhileLocked,
        AuditKind::SignOut,
        AuditKind::SessionEnded,
        AuditKind::PasswordChanged,
        AuditKind::PasswordReset,
        AuditKind::AccountCreated,
        AuditKind::RolesChanged,
        AuditKind::SecondFactorChanged,
        AuditKind::PersonalDataViewed,
    ];

    /// The stable code used in filters and the CSV export.
    pub fn code(self) -> &'static str {
        match self {
            AuditKind::SignIn => "sign_in",
            AuditKind::SignInFailed => "sign_in_failed",
            AuditKind::LockedOut => "locked_out",
            AuditKind::RefusedWhileLocked => "refused_while_locked",
            AuditKind::SignOut => "sign_out",
            AuditKind::SessionEnded => "session_ended",
            AuditKind::PasswordChanged => "password_changed",
            AuditKind::PasswordReset => "password_reset",
            AuditKind::AccountCreated => "account_created",
            AuditKind::RolesChanged => "roles_changed",
            AuditKind::SecondFactorChanged => "second_factor_changed",
            AuditKind::PersonalDataViewed => "personal_data_viewed",
        }
    }

    /// Parses a code.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// The translation key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            AuditKind::SignIn => "audit.kind_sign_in",
            AuditKind::SignInFailed => "audit.kind_sign_in_failed",
            AuditKind::LockedOut => "audit.kind_locked_out",
            AuditKind::RefusedWhileLocked => "audit.kind_refused_while_locked",
            AuditKind::SignOut => "audit.kind_sign_out",
            AuditKind::SessionEnded => "audit.kind_session_ended",
            AuditKind::PasswordChanged => "audit.kind_password_changed",
            AuditKind::PasswordReset => "audit.kind_password_reset",
            AuditKind::AccountCreated => "audit.kind_account_created",
            AuditKind::RolesChanged => "audit.kind_roles_changed",
            AuditKind::SecondFactorChanged => "audit.kind_second_factor_changed",
            AuditKind::PersonalDataViewed => "privacy.kind_personal_data_viewed",
        }
    }

    /// Whether it is a failure worth an admin's attention.
    pub fn is_alarm(self) -> bool {
        matches!(
            self,
            AuditKind::SignInFailed | AuditKind::LockedOut | AuditKind::RefusedWhileLocked
        )
    }
}

/// One entry of the security audit trail. Entries are only ever appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When.
    pub at: Timestamp,
    /// What.
    pub kind: AuditKind,
    /// The account concerned, when known.
    pub user: Option<UserId>,
    /// The sign-in name as typed or the account's login (at most 64 characters).
    pub name: String,
    /// The client's address.
    pub address: String,
    /// Who did it, when someone else did (an admin), and any detail.
    pub detail: String,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + minutes * 60).unwrap()
    }

    #[test]
    fn the_fifth_failure_in_the_window_locks_for_five_minutes_then_ten() {
        let mut f = Failures::default();
        for n in 0..4 {
            assert_eq!(f.record(at(n)), None);
        }
        assert_eq!(f.record(at(4)), Some(at(9)));
        assert_eq!(f.locked_at(at(8)), Some(at(9)));
        assert_eq!(f.locked_at(at(9)), None, "unlocked when the back-off ends");
        for n in 10..14 {
            assert_eq!(f.record(at(n)), None);
        }
        assert_eq!(
            f.record(at(14)),
            Some(at(24)),
            "the second lock lasts twice as long"
        );
    }

    #[test]
    fn failures_older_than_the_window_are_forgotten() {
        let mut f = Failures::default();
        for n in 0..4 {
            f.record(at(n));
        }
        assert_eq!(f.record(at(20)), None, "a new window starts");
        assert_eq!(f.count, 1);
    }

    #[test]
    fn the_backoff_doubles_up_to_an_hour() {
        let minutes: Vec<i64> = (0..7).map(|n| backoff(n).as_mins()).collect();
        assert_eq!(minutes, [5, 10, 20, 40, 60, 60, 60]);
    }

    #[test]
    fn codes_round_trip() {
        for kind in AuditKind::ALL {
            assert_eq!(AuditKind::from_code(kind.code()), Some(*kind));
        }
    }
}
