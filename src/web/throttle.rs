//! A small in-memory limiter for sign-in attempts per client address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Allows `limit` attempts per address in each `window`.
#[derive(Debug)]
pub struct Throttle {
    limit: u32,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Throttle {
    /// A limiter.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an attempt; false when the address is over its limit.
    pub fn allow(&self, addr: IpAddr, now: Instant) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            return true;
        };
        if seen.len() > 10_000 {
            seen.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = seen.entry(addr).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_resets_after_the_window() {
        let throttle = Throttle::new(2, Duration::from_secs(60));
        let addr = IpAddr::from([127, 0, 0, 1]);
        let t0 = Instant::now();
        assert!(throttle.allow(addr, t0));
        assert!(throttle.allow(addr, t0));
        assert!(!throttle.allow(addr, t0));
        assert!(throttle.allow(IpAddr::from([10, 0, 0, 1]), t0));
        assert!(throttle.allow(addr, t0 + Duration::from_secs(61)));
    }
}
