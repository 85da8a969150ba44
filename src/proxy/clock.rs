//! The proxy's time source. Everything on the request path that needs "now" (VCL's
//! `now`, `time.start`, cache freshness, ages) reads it through a [`Clock`], so tests
//! move time forward instead of sleeping. Timeouts (first byte, collapsing waits) use
//! tokio's timer, which is about waiting, not about what time it is.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Nanoseconds since the Unix epoch.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> i64;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i64)
    }
}

/// A clock that moves only when told to (tests).
#[derive(Debug, Default)]
pub struct ManualClock {
    now: AtomicI64,
}

impl ManualClock {
    /// A clock reading `start` nanoseconds since the epoch.
    pub fn new(start: i64) -> ManualClock {
        ManualClock { now: AtomicI64::new(start) }
    }

    /// Moves the clock forward by `ns` nanoseconds.
    pub fn advance(&self, ns: i64) {
        self.now.fetch_add(ns, Ordering::SeqCst);
    }

    /// Moves the clock forward by whole seconds.
    pub fn advance_secs(&self, secs: i64) {
        self.advance(secs.saturating_mul(1_000_000_000));
    }

    pub fn set(&self, ns: i64) {
        self.now.store(ns, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }
}
