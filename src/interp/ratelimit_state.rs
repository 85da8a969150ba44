//! In-memory rate counters and penalty boxes shared by every request of a program
//! (Fastly's Edge Rate Limiting primitives, <https://www.fastly.com/documentation/guides/concepts/rate-limiting>).
//!
//! A rate counter keeps, per `(counter, entry)`, the increments of each of the last 60
//! whole seconds. From those it answers the `ratecounter.NAME.bucket.{10..60}s` totals
//! and the `ratecounter.NAME.rate.{1,10,60}s` per-second averages; a window of `N`
//! seconds covers the current second and the `N - 1` before it. A penalty box maps an
//! entry to the time its penalty ends.
//!
//! Time is always passed in (nanoseconds since the epoch, from `ReqState::now`), so tests
//! control it. Sizes are bounded: a penalty box holds at most [`MAX_ENTRIES`] live entries
//! and, when full, a new entry evicts the one with the smallest remaining TTL (Fastly's
//! penaltybox page); a rate counter holds at most [`MAX_ENTRIES`] entries and evicts idle
//! ones first, then the least recently incremented.
//!
//! Fastly documents the `ratecounter.*` variables as reading "the most recently
//! incremented entry in the named ratecounter within the POP". We keep that literally:
//! [`RateState::last_entry`] is the entry most recently incremented in the counter by any
//! request, and [`RateState::bucket_last`] / [`RateState::rate_last`] read it. Within one
//! request that increments before reading (the documented usage), this is the entry the
//! request itself incremented.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;

/// Live entries kept per penalty box and per rate counter (Fastly: 200,000 per POP).
pub const MAX_ENTRIES: usize = 200_000;

/// Seconds of history a rate counter keeps (its longest bucket is 60s).
const HISTORY: usize = 60;

const NS_PER_SEC: i64 = 1_000_000_000;

/// Rate counters and penalty boxes of one program, indexed like `Program::ratecounters`
/// and `Program::penaltyboxes`.
#[derive(Debug, Default)]
pub struct RateState {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    counters: Vec<HashMap<Bytes, Counter>>,
    last_entry: Vec<Option<Bytes>>,
    boxes: Vec<HashMap<Bytes, i64>>,
}

/// Per-second increments of one entry over the last [`HISTORY`] seconds, oldest first;
/// only seconds that saw increments are stored.
#[derive(Debug, Clone, Default)]
struct Counter {
    seconds: VecDeque<(i64, u64)>,
}

impl Counter {
    fn add(&mut self, sec: i64, delta: u64) {
        match self.seconds.back_mut() {
            Some((last, n)) if *last == sec => *n = n.saturating_add(delta),
            // A clock that went backwards: fold into the newest second.
            Some((last, n)) if *last > sec => *n = n.saturating_add(delta),
            _ => self.seconds.push_back((sec, delta)),
        }
        let oldest = sec.saturating_sub(HISTORY as i64 - 1);
        while self.seconds.front().is_some_and(|(s, _)| *s < oldest) {
            self.seconds.pop_front();
        }
    }

    /// Increments within the `seconds` seconds ending with `sec` (inclusive).
    fn sum(&self, sec: i64, seconds: i64) -> u64 {
        let seconds = seconds.clamp(0, HISTORY as i64);
        let oldest = sec.saturating_sub(seconds - 1);
        self.seconds.iter().filter(|(s, _)| *s >= oldest && *s <= sec).fold(0u64, |acc, (_, n)| acc.saturating_add(*n))
    }

    fn last(&self) -> i64 {
        self.seconds.back().map_or(i64::MIN, |(s, _)| *s)
    }

    fn idle(&self, sec: i64) -> bool {
        self.last() <= sec.saturating_sub(HISTORY as i64)
    }
}

fn second(now_ns: i64) -> i64 {
    now_ns.div_euclid(NS_PER_SEC)
}

fn grow<T: Default>(v: &mut Vec<T>, index: u32) -> &mut T {
    let i = index as usize;
    if v.len() <= i {
        v.resize_with(i + 1, T::default);
    }
    &mut v[i]
}

impl RateState {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere while holding the lock leaves plain counters behind; keep going.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds `delta` to `entry` in rate counter `rc` at time `now_ns` and returns the
    /// entry's total over the last 60 seconds (what `ratelimit.ratecounter_increment`
    /// returns). The entry becomes the counter's [`last_entry`](Self::last_entry).
    pub fn increment(&self, rc: u32, entry: &[u8], delta: u64, now_ns: i64) -> u64 {
        let sec = second(now_ns);
        let mut inner = self.lock();
        let key = Bytes::copy_from_slice(entry);
        *grow(&mut inner.last_entry, rc) = Some(key.clone());
        let map = grow(&mut inner.counters, rc);
        if !map.contains_key(entry) && map.len() >= MAX_ENTRIES {
            evict_counter(map, sec);
        }
        let counter = map.entry(key).or_default();
        counter.add(sec, delta);
        counter.sum(sec, HISTORY as i64)
    }

    /// Total increments of `entry` in `rc` over the last `seconds` seconds (1–60),
    /// as the `ratecounter.NAME.bucket.Ns` variables report.
    pub fn bucket(&self, rc: u32, entry: &[u8], seconds: i64, now_ns: i64) -> i64 {
        let sec = second(now_ns);
        let inner = self.lock();
        let total = inner.counters.get(rc as usize).and_then(|m| m.get(entry)).map_or(0, |c| c.sum(sec, seconds));
        i64::try_from(total).unwrap_or(i64::MAX)
    }

    /// Average increments per second of `entry` in `rc` over the last `window` seconds,
    /// as the `ratecounter.NAME.rate.Ns` variables and `ratelimit.check_rate` use.
    pub fn rate(&self, rc: u32, entry: &[u8], window: i64, now_ns: i64) -> f64 {
        let window = window.clamp(1, HISTORY as i64);
        self.bucket(rc, entry, window, now_ns) as f64 / window as f64
    }

    /// The entry most recently incremented in `rc` (by any request), if any.
    pub fn last_entry(&self, rc: u32) -> Option<Bytes> {
        self.lock().last_entry.get(rc as usize).cloned().flatten()
    }

    /// [`bucket`](Self::bucket) for the counter's [`last_entry`](Self::last_entry); 0 when
    /// nothing was incremented yet.
    pub fn bucket_last(&self, rc: u32, seconds: i64, now_ns: i64) -> i64 {
        match self.last_entry(rc) {
            Some(entry) => self.bucket(rc, &entry, seconds, now_ns),
            None => 0,
        }
    }

    /// [`rate`](Self::rate) for the counter's [`last_entry`](Self::last_entry); 0.0 when
    /// nothing was incremented yet.
    pub fn rate_last(&self, rc: u32, window: i64, now_ns: i64) -> f64 {
        match self.last_entry(rc) {
            Some(entry) => self.rate(rc, &entry, window, now_ns),
            None => 0.0,
        }
    }

    /// Puts `entry` in penalty box `pb` until `now_ns + ttl_ns` (a later call replaces
    /// the expiry). When the box is full, expired entries go first, then the entry with
    /// the smallest remaining TTL.
    pub fn penalize(&self, pb: u32, entry: &[u8], ttl_ns: i64, now_ns: i64) {
        let mut inner = self.lock();
        let map = grow(&mut inner.boxes, pb);
        if !map.contains_key(entry) && map.len() >= MAX_ENTRIES {
            map.retain(|_, &mut until| until > now_ns);
            if map.len() >= MAX_ENTRIES {
                let soonest = map.iter().min_by_key(|(_, &until)| until).map(|(k, _)| k.clone());
                if let Some(k) = soonest {
                    map.remove(&k);
                }
            }
        }
        map.insert(Bytes::copy_from_slice(entry), now_ns.saturating_add(ttl_ns));
    }

    /// Whether `entry`'s penalty in `pb` is still running at `now_ns`.
    pub fn penalized(&self, pb: u32, entry: &[u8], now_ns: i64) -> bool {
        let mut inner = self.lock();
        let Some(map) = inner.boxes.get_mut(pb as usize) else { return false };
        match map.get(entry) {
            Some(&until) if until > now_ns => true,
            Some(_) => {
                map.remove(entry);
                false
            }
            None => false,
        }
    }
}

/// Makes room in a full rate counter: drops idle entries, else the least recently
/// incremented one.
fn evict_counter(map: &mut HashMap<Bytes, Counter>, sec: i64) {
    map.retain(|_, c| !c.idle(sec));
    if map.len() >= MAX_ENTRIES {
        let oldest = map.iter().min_by_key(|(_, c)| c.last()).map(|(k, _)| k.clone());
        if let Some(k) = oldest {
            map.remove(&k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = NS_PER_SEC;

    #[test]
    fn buckets_cover_the_trailing_seconds() {
        let st = RateState::default();
        assert_eq!(st.increment(0, b"a", 5, 100 * S), 5);
        assert_eq!(st.increment(0, b"a", 3, 105 * S), 8);
        assert_eq!(st.bucket(0, b"a", 10, 105 * S), 8);
        // At 110s the 10s bucket covers seconds 101..=110: only the second increment.
        assert_eq!(st.bucket(0, b"a", 10, 110 * S), 3);
        assert_eq!(st.bucket(0, b"a", 60, 159 * S), 8);
        assert_eq!(st.bucket(0, b"a", 60, 160 * S), 3);
        assert_eq!(st.bucket(0, b"a", 60, 170 * S), 0);
        assert_eq!(st.rate(0, b"a", 10, 105 * S), 0.8);
        assert_eq!(st.bucket(0, b"b", 10, 105 * S), 0);
        assert_eq!(st.bucket(7, b"a", 10, 105 * S), 0);
    }

    #[test]
    fn history_older_than_a_minute_is_dropped() {
        let st = RateState::default();
        st.increment(0, b"a", 4, 10 * S);
        assert_eq!(st.increment(0, b"a", 1, 69 * S), 5);
        assert_eq!(st.increment(0, b"a", 1, 70 * S), 2);
    }

    #[test]
    fn last_entry_tracks_the_most_recent_increment() {
        let st = RateState::default();
        assert_eq!(st.bucket_last(1, 10, 0), 0);
        st.increment(1, b"x", 2, 0);
        st.increment(1, b"y", 7, 0);
        assert_eq!(st.last_entry(1).as_deref(), Some(&b"y"[..]));
        assert_eq!(st.bucket_last(1, 10, 0), 7);
        assert_eq!(st.rate_last(1, 1, 0), 7.0);
    }

    #[test]
    fn penalties_expire() {
        let st = RateState::default();
        st.penalize(0, b"a", 60 * S, 0);
        assert!(st.penalized(0, b"a", 59 * S));
        assert!(!st.penalized(0, b"a", 60 * S));
        assert!(!st.penalized(0, b"b", 0));
        assert!(!st.penalized(3, b"a", 0));
    }

    #[test]
    fn a_full_penalty_box_evicts_the_smallest_remaining_ttl() {
        let st = RateState::default();
        for i in 0..MAX_ENTRIES {
            // Entry 0 has the shortest TTL.
            st.penalize(0, format!("e{i}").as_bytes(), (i as i64 + 60) * S, 0);
        }
        st.penalize(0, b"new", 120 * S, 0);
        assert!(st.penalized(0, b"new", 0));
        assert!(!st.penalized(0, b"e0", 0));
        assert!(st.penalized(0, b"e1", 0));
    }
}
