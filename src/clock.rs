//! The only reader of the system time.
//!
//! Everything else receives `now` from a [`Clock`]: the service layer holds one, tests hold a
//! fixed one, so every rule that depends on time is testable at any date.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use jiff::Timestamp;

/// Where `now` comes from.
#[derive(Debug, Clone)]
pub struct Clock {
    fixed: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The real clock.
    pub fn system() -> Self {
        Self { fixed: None }
    }

    /// A clock that always reads `at` until moved with [`Clock::set`].
    pub fn fixed(at: Timestamp) -> Self {
        Self {
            fixed: Some(Arc::new(AtomicI64::new(at.as_millisecond()))),
        }
    }

    /// Moves a fixed clock (no effect on the system clock).
    pub fn set(&self, at: Timestamp) {
        if let Some(cell) = &self.fixed {
            cell.store(at.as_millisecond(), Ordering::SeqCst);
        }
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        match &self.fixed {
            Some(cell) => Timestamp::from_millisecond(cell.load(Ordering::SeqCst))
                .unwrap_or(Timestamp::UNIX_EPOCH),
            None => {
                Timestamp::try_from(std::time::SystemTime::now()).unwrap_or(Timestamp::UNIX_EPOCH)
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_reads_what_it_was_set_to() {
        let at: Timestamp = "2026-03-20T10:00:00Z".parse().unwrap();
        let clock = Clock::fixed(at);
        assert_eq!(clock.now(), at);
        let later: Timestamp = "2026-03-21T10:00:00Z".parse().unwrap();
        clock.set(later);
        assert_eq!(clock.now(), later);
    }
}
