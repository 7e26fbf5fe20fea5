//! The limit on failed sign-ins per client address: [`ADDRESS_FAILURES`] failures from one
//! address within [`ADDRESS_WINDOW`] refuse every further attempt from it, by any way in,
//! until the oldest of them leaves the window.
//!
//! Only failures count: an office behind one address signs in as often as it likes, and a
//! success does not forget the failures either (an attacker with one good account must not
//! reset the count between guesses). The counts are kept in memory and rebuilt at start from
//! the audit trail, which records every failure with its address, so a restart forgives
//! nothing and no table is needed. Attempts with no address (the command line) never count.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

use crate::domain::security::AuditKind;
use crate::store::{AuditFilter, SecurityReads, Store};

/// Failed sign-ins from one address that stop further attempts from it.
pub const ADDRESS_FAILURES: usize = 10;

/// How long a failure counts against its address.
pub const ADDRESS_WINDOW: SignedDuration = SignedDuration::from_mins(5);

/// Addresses remembered before the stale ones are dropped.
const MAX_ADDRESSES: usize = 10_000;

/// Whether an audit entry of `kind` is a failed attempt to sign in.
pub fn is_failed_attempt(kind: AuditKind) -> bool {
    matches!(
        kind,
        AuditKind::SignInFailed | AuditKind::RefusedWhileLocked
    )
}

/// The recent failures per address (at most the last [`ADDRESS_FAILURES`] of each).
#[derive(Debug, Default)]
pub struct AddressLimit {
    seen: Mutex<HashMap<String, VecDeque<Timestamp>>>,
}

impl AddressLimit {
    /// The limit as the audit trail of the last [`ADDRESS_WINDOW`] before `now` leaves it.
    /// A trail that cannot be read is logged and the limit starts empty.
    pub fn rebuild(store: &Store, now: Timestamp) -> Self {
        let limit = Self::default();
        let filter = AuditFilter {
            from: now.checked_sub(ADDRESS_WINDOW).ok(),
            ..AuditFilter::default()
        };
        match store.read(|tx| tx.audit_entries(&filter, usize::MAX)) {
            Ok(entries) => {
                // Newest first from the store; counted oldest first.
                for (_, entry) in entries.into_iter().rev() {
                    if is_failed_attempt(entry.kind) {
                        limit.note(&entry.address, entry.at);
                    }
                }
            }
            Err(err) => log::error!("rebuilding the sign-in limit from the audit trail: {err}"),
        }
        limit
    }

    /// Counts a failed sign-in from `address` at `at`.
    pub fn note(&self, address: &str, at: Timestamp) {
        if address.is_empty() {
            return;
        }
        let Ok(mut seen) = self.seen.lock() else {
            return;
        };
        if seen.len() >= MAX_ADDRESSES && !seen.contains_key(address) {
            seen.retain(|_, times| times.back().is_some_and(|last| counts(*last, at)));
        }
        let times = seen.entry(address.to_owned()).or_default();
        let place = times.partition_point(|t| *t <= at);
        times.insert(place, at);
        while times.len() > ADDRESS_FAILURES {
            times.pop_front();
        }
    }

    /// When attempts from `address` are accepted again, if they are refused at `now`.
    pub fn refused_until(&self, address: &str, now: Timestamp) -> Option<Timestamp> {
        let seen = self.seen.lock().ok()?;
        let times = seen.get(address)?;
        if times.len() < ADDRESS_FAILURES {
            return None;
        }
        // The oldest of the last ADDRESS_FAILURES: while it counts, they all do.
        let oldest = *times.front()?;
        counts(oldest, now).then(|| oldest.checked_add(ADDRESS_WINDOW).unwrap_or(now))
    }
}

/// Whether a failure at `at` still counts at `now`.
fn counts(at: Timestamp, now: Timestamp) -> bool {
    now.duration_since(at) < ADDRESS_WINDOW
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::domain::security::AuditEntry;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + seconds).unwrap()
    }

    #[test]
    fn the_tenth_failure_in_five_minutes_refuses_the_address_until_the_first_leaves() {
        let limit = AddressLimit::default();
        for n in 0..9 {
            limit.note("10.0.0.1", at(n * 10));
            assert_eq!(limit.refused_until("10.0.0.1", at(n * 10)), None);
        }
        limit.note("10.0.0.1", at(90));
        assert_eq!(limit.refused_until("10.0.0.1", at(90)), Some(at(300)));
        assert_eq!(limit.refused_until("10.0.0.2", at(90)), None, "per address");
        assert_eq!(limit.refused_until("10.0.0.1", at(299)), Some(at(300)));
        assert_eq!(limit.refused_until("10.0.0.1", at(300)), None);
    }

    #[test]
    fn failures_spread_wider_than_the_window_never_refuse() {
        let limit = AddressLimit::default();
        for n in 0..100 {
            limit.note("10.0.0.1", at(n * 34));
            assert_eq!(limit.refused_until("10.0.0.1", at(n * 34)), None, "{n}");
        }
    }

    #[test]
    fn attempts_without_an_address_never_count() {
        let limit = AddressLimit::default();
        for _ in 0..20 {
            limit.note("", at(0));
        }
        assert_eq!(limit.refused_until("", at(0)), None);
    }

    #[test]
    fn the_limit_is_rebuilt_from_the_failures_the_audit_trail_holds() {
        let store = Store::in_memory().unwrap();
        let entry = |seconds, kind, address: &str| AuditEntry {
            at: at(seconds),
            kind,
            user: None,
            name: "clerk".into(),
            address: address.into(),
            detail: String::new(),
        };
        store
            .write(|tx| {
                // Old failures outside the window, then successes, then recent failures.
                for n in 0..10 {
                    tx.append_audit(&entry(n, AuditKind::SignInFailed, "10.0.0.3"))?;
                }
                for n in 0..30 {
                    tx.append_audit(&entry(400 + n, AuditKind::SignIn, "10.0.0.1"))?;
                }
                for n in 0..9 {
                    tx.append_audit(&entry(500 + n, AuditKind::SignInFailed, "10.0.0.1"))?;
                }
                tx.append_audit(&entry(510, AuditKind::RefusedWhileLocked, "10.0.0.1"))?;
                tx.append_audit(&entry(511, AuditKind::LockedOut, "10.0.0.2"))?;
                Ok::<_, crate::store::Error>(())
            })
            .unwrap();
        let limit = AddressLimit::rebuild(&store, at(520));
        assert_eq!(limit.refused_until("10.0.0.1", at(520)), Some(at(800)));
        assert_eq!(limit.refused_until("10.0.0.2", at(520)), None);
        assert_eq!(
            limit.refused_until("10.0.0.3", at(520)),
            None,
            "older than the window"
        );
    }
}
