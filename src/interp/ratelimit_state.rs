//! In-memory rate counters, penalty boxes, counters and limiters shared by every request
//! of a program (Fastly's Edge Rate Limiting primitives,
//! <https://www.fastly.com/documentation/guides/concepts/rate-limiting>, and the "VCL
//! counters and limiters" guide).
//!
//! The tables are POP-level state keyed by declaration name, not by program: a
//! [`RateStore`] holds them for a service, and [`RateState::bind`] resolves a program's
//! declarations (by index) to the store's tables, so a new version that declares the same
//! name keeps counting where the previous one was (deploying does not reset them).
//! [`RateState::default`] is unbound: each index gets its own fresh table on first use
//! (`lacquer test`, unit tests).
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

//!
//! Counters and limiters are estimated counters over fixed windows of `.time_window`
//! (aligned on multiples of the window since the epoch). Fastly's guide says "when a
//! window elapses, some of the counts accumulated are carried over to the next window";
//! we carry over the previous window's count in proportion to the share of the current
//! window not yet elapsed: `estimate = current + previous * (window - elapsed) / window`
//! (rounded down). A window after the next starts from zero, so an entry expires two
//! windows after its last increment. A table keeps at most [`MAX_ENTRIES`] keys; when a
//! new key finds it full, expired keys go first, then the least recently incremented ones
//! (1/16 of the table at once, so a full table does not scan itself on every new key).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use bytes::Bytes;

use crate::ir::Program;

/// Live entries kept per penalty box, rate counter, counter and limiter (Fastly: 200,000
/// per POP for Edge Rate Limiting; the counters guide gives no number, so we use the same).
pub const MAX_ENTRIES: usize = 200_000;

/// Seconds of history a rate counter keeps (its longest bucket is 60s).
const HISTORY: usize = 60;

const NS_PER_SEC: i64 = 1_000_000_000;

/// A service's rate tables by declaration name, shared by all of its versions.
#[derive(Debug, Default, Clone)]
pub struct RateStore {
    inner: Arc<Mutex<StoreInner>>,
}

#[derive(Debug, Default)]
struct StoreInner {
    ratecounters: HashMap<String, Arc<Mutex<RateTable>>>,
    penaltyboxes: HashMap<String, Arc<Mutex<BoxTable>>>,
    counters: HashMap<String, Arc<Mutex<EstTable>>>,
    limiters: HashMap<String, Arc<Mutex<EstTable>>>,
}

impl RateStore {
    /// Drops the tables no bound [`RateState`] uses any more (names that neither the
    /// active version nor a version still finishing requests declares), so a store does
    /// not grow with every name a service ever declared. Called before binding a new
    /// version, it keeps what the outgoing version declares.
    pub fn prune(&self) {
        fn unused<T>(map: &mut HashMap<String, Arc<Mutex<T>>>) {
            map.retain(|_, t| Arc::strong_count(t) > 1);
        }
        let mut s = lock(&self.inner);
        unused(&mut s.ratecounters);
        unused(&mut s.penaltyboxes);
        unused(&mut s.counters);
        unused(&mut s.limiters);
    }

    /// How many tables of each kind the store holds (ratecounters, penalty boxes,
    /// counters, limiters), for tests and metrics.
    pub fn sizes(&self) -> [usize; 4] {
        let s = lock(&self.inner);
        [s.ratecounters.len(), s.penaltyboxes.len(), s.counters.len(), s.limiters.len()]
    }
}

/// The rate tables of one program, indexed like `Program::ratecounters`,
/// `Program::penaltyboxes`, `Program::counters` and `Program::limiters`.
#[derive(Debug, Default)]
pub struct RateState {
    ratecounters: Slots<RateTable>,
    penaltyboxes: Slots<BoxTable>,
    counters: Slots<EstTable>,
    limiters: Slots<EstTable>,
}

/// Tables by index; an unbound index gets a fresh table when first written.
#[derive(Debug)]
struct Slots<T> {
    tables: RwLock<Vec<Arc<Mutex<T>>>>,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Slots { tables: RwLock::new(Vec::new()) }
    }
}

impl<T: Default> Slots<T> {
    fn bound<'a>(map: &mut HashMap<String, Arc<Mutex<T>>>, names: impl Iterator<Item = &'a str>) -> Slots<T> {
        let tables = names.map(|n| map.entry(n.to_string()).or_default().clone()).collect();
        Slots { tables: RwLock::new(tables) }
    }

    fn get(&self, i: u32) -> Option<Arc<Mutex<T>>> {
        let tables = self.tables.read().unwrap_or_else(|p| p.into_inner());
        tables.get(i as usize).cloned()
    }

    fn get_or_new(&self, i: u32) -> Arc<Mutex<T>> {
        if let Some(t) = self.get(i) {
            return t;
        }
        let mut tables = self.tables.write().unwrap_or_else(|p| p.into_inner());
        if tables.len() <= i as usize {
            tables.resize_with(i as usize + 1, Arc::default);
        }
        tables[i as usize].clone()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock leaves plain counters behind; keep going.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One rate counter: its entries and the entry most recently incremented.
#[derive(Debug, Default)]
struct RateTable {
    entries: HashMap<Bytes, Counter>,
    last_entry: Option<Bytes>,
}

/// One penalty box: entry to the time its penalty ends.
#[derive(Debug, Default)]
struct BoxTable {
    entries: HashMap<Bytes, i64>,
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

impl RateState {
    /// The tables of `program`'s declarations, taken from (or added to) `store` by name.
    pub fn bind(store: &RateStore, program: &Program) -> RateState {
        let mut s = lock(&store.inner);
        RateState {
            ratecounters: Slots::bound(&mut s.ratecounters, program.ratecounters.iter().map(String::as_str)),
            penaltyboxes: Slots::bound(&mut s.penaltyboxes, program.penaltyboxes.iter().map(String::as_str)),
            counters: Slots::bound(&mut s.counters, program.counters.iter().map(|c| c.name.as_str())),
            limiters: Slots::bound(&mut s.limiters, program.limiters.iter().map(|l| l.name.as_str())),
        }
    }

    /// Adds `delta` to `entry` in rate counter `rc` at time `now_ns` and returns the
    /// entry's total over the last 60 seconds (what `ratelimit.ratecounter_increment`
    /// returns). The entry becomes the counter's [`last_entry`](Self::last_entry).
    pub fn increment(&self, rc: u32, entry: &[u8], delta: u64, now_ns: i64) -> u64 {
        let sec = second(now_ns);
        let table = self.ratecounters.get_or_new(rc);
        let mut t = lock(&table);
        let key = Bytes::copy_from_slice(entry);
        t.last_entry = Some(key.clone());
        if !t.entries.contains_key(entry) && t.entries.len() >= MAX_ENTRIES {
            evict_counter(&mut t.entries, sec);
        }
        let counter = t.entries.entry(key).or_default();
        counter.add(sec, delta);
        counter.sum(sec, HISTORY as i64)
    }

    /// Total increments of `entry` in `rc` over the last `seconds` seconds (1–60),
    /// as the `ratecounter.NAME.bucket.Ns` variables report.
    pub fn bucket(&self, rc: u32, entry: &[u8], seconds: i64, now_ns: i64) -> i64 {
        let sec = second(now_ns);
        let Some(table) = self.ratecounters.get(rc) else { return 0 };
        let total = lock(&table).entries.get(entry).map_or(0, |c| c.sum(sec, seconds));
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
        self.ratecounters.get(rc).and_then(|t| lock(&t).last_entry.clone())
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
        let table = self.penaltyboxes.get_or_new(pb);
        let map = &mut lock(&table).entries;
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
        let Some(table) = self.penaltyboxes.get(pb) else { return false };
        let map = &mut lock(&table).entries;
        match map.get(entry) {
            Some(&until) if until > now_ns => true,
            Some(_) => {
                map.remove(entry);
                false
            }
            None => false,
        }
    }

    /// `counter.inc`: counts one for `key` in counter `c` (windows of `window_ns`) and
    /// returns the new estimate.
    pub fn counter_inc(&self, c: u32, key: &[u8], window_ns: i64, now_ns: i64) -> u64 {
        lock(&self.counters.get_or_new(c)).inc(key, u64::MAX, window_ns, now_ns)
    }

    /// `counter.get`: the estimate for `key` in counter `c` (0 when never counted).
    pub fn counter_get(&self, c: u32, key: &[u8], window_ns: i64, now_ns: i64) -> u64 {
        self.counters.get(c).map_or(0, |t| lock(&t).get(key, window_ns, now_ns))
    }

    /// `limiter.inc`: counts one for `key` in limiter `l` unless its estimate has reached
    /// `max`, and returns the estimate, at most `max`.
    pub fn limiter_inc(&self, l: u32, key: &[u8], max: u64, window_ns: i64, now_ns: i64) -> u64 {
        lock(&self.limiters.get_or_new(l)).inc(key, max, window_ns, now_ns)
    }

    /// `limiter.get`: the estimate for `key` in limiter `l`, at most `max`.
    pub fn limiter_get(&self, l: u32, key: &[u8], max: u64, window_ns: i64, now_ns: i64) -> u64 {
        self.limiters.get(l).map_or(0, |t| lock(&t).get(key, window_ns, now_ns)).min(max)
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

/// The keys of one counter or limiter.
#[derive(Debug)]
struct EstTable {
    entries: HashMap<Bytes, Estimated>,
    /// Keys kept at most ([`MAX_ENTRIES`]; smaller in tests).
    cap: usize,
}

impl Default for EstTable {
    fn default() -> Self {
        EstTable { entries: HashMap::new(), cap: MAX_ENTRIES }
    }
}

/// One key's counts: the window it was last incremented in (`now / window`), that
/// window's count, the count of the window before it, and the time of the last increment.
#[derive(Debug, Clone, Copy)]
struct Estimated {
    window: i64,
    current: u64,
    previous: u64,
    last: i64,
}

impl Estimated {
    /// Moves the counts on to the window containing `now_ns`.
    fn roll(&mut self, window_ns: i64, now_ns: i64) {
        let w = now_ns.div_euclid(window_ns);
        if w == self.window.saturating_add(1) {
            self.previous = self.current;
            self.current = 0;
        } else if w > self.window {
            (self.previous, self.current) = (0, 0);
        }
        // A clock that went backwards stays in the newest window.
        self.window = self.window.max(w);
    }

    /// The carried-over estimate at `now_ns` (see the module comment).
    fn estimate(&self, window_ns: i64, now_ns: i64) -> u64 {
        let w = now_ns.div_euclid(window_ns);
        let (current, previous) = match w - self.window {
            i64::MIN..=0 => (self.current, self.previous),
            1 => (0, self.current),
            _ => (0, 0),
        };
        let elapsed = now_ns.rem_euclid(window_ns).clamp(0, window_ns) as u128;
        let carried = previous as u128 * (window_ns as u128 - elapsed) / window_ns as u128;
        current.saturating_add(carried as u64)
    }

    fn expired(&self, window_ns: i64, now_ns: i64) -> bool {
        now_ns.div_euclid(window_ns) > self.window.saturating_add(1)
    }
}

impl EstTable {
    fn get(&mut self, key: &[u8], window_ns: i64, now_ns: i64) -> u64 {
        let window_ns = window_ns.max(1);
        match self.entries.get(key) {
            Some(e) if e.expired(window_ns, now_ns) => {
                self.entries.remove(key);
                0
            }
            Some(e) => e.estimate(window_ns, now_ns),
            None => 0,
        }
    }

    /// Counts one unless the estimate has reached `max`; returns the estimate (at most
    /// `max`).
    fn inc(&mut self, key: &[u8], max: u64, window_ns: i64, now_ns: i64) -> u64 {
        let window_ns = window_ns.max(1);
        if !self.entries.contains_key(key) && self.entries.len() >= self.cap {
            self.evict(window_ns, now_ns);
        }
        let fresh = Estimated { window: now_ns.div_euclid(window_ns), current: 0, previous: 0, last: now_ns };
        let e = self.entries.entry(Bytes::copy_from_slice(key)).or_insert(fresh);
        e.roll(window_ns, now_ns);
        if e.estimate(window_ns, now_ns) < max {
            e.current = e.current.saturating_add(1);
        }
        e.last = now_ns;
        e.estimate(window_ns, now_ns).min(max)
    }

    /// Drops expired keys; if that leaves the table more than 15/16 full, drops the least
    /// recently incremented keys down to 15/16.
    fn evict(&mut self, window_ns: i64, now_ns: i64) {
        self.entries.retain(|_, e| !e.expired(window_ns, now_ns));
        let keep = (self.cap - self.cap / 16).saturating_sub(1);
        if self.entries.len() > keep {
            let mut ages: Vec<i64> = self.entries.values().map(|e| e.last).collect();
            let drop = self.entries.len() - keep;
            let (_, cutoff, _) = ages.select_nth_unstable(drop - 1);
            let cutoff = *cutoff;
            let mut dropped = 0;
            self.entries.retain(|_, e| {
                let old = e.last <= cutoff && dropped < drop;
                dropped += usize::from(old);
                !old
            });
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

    const MIN: i64 = 60 * S;

    #[test]
    fn the_estimate_carries_the_previous_window_over() {
        // Fastly: "when a window elapses, some of the counts accumulated are carried over
        // to the next window". Windows are [0, 60s), [60s, 120s), ...
        let mut t = EstTable::default();
        for i in 0..10 {
            assert_eq!(t.inc(b"k", u64::MAX, MIN, 50 * S + i), i as u64 + 1);
        }
        assert_eq!(t.get(b"k", MIN, 59 * S), 10);
        // At the start of the next window the whole previous count is carried over,
        // then a share that shrinks with the time elapsed.
        assert_eq!(t.get(b"k", MIN, 60 * S), 10);
        assert_eq!(t.get(b"k", MIN, 66 * S), 9);
        assert_eq!(t.get(b"k", MIN, 90 * S), 5);
        assert_eq!(t.inc(b"k", u64::MAX, MIN, 90 * S), 6);
        assert_eq!(t.get(b"k", MIN, 119 * S), 1);
        // Next window: the one increment of [60s, 120s) is carried over, 10 are not.
        assert_eq!(t.get(b"k", MIN, 120 * S), 1);
        // Two windows after the last increment the key has expired.
        assert_eq!(t.get(b"k", MIN, 180 * S), 0);
        assert!(t.entries.is_empty());
        // A clock that went backwards counts in the newest window.
        t.inc(b"b", u64::MAX, MIN, 130 * S);
        assert_eq!(t.inc(b"b", u64::MAX, MIN, 100 * S), 2);
    }

    #[test]
    fn a_full_table_drops_expired_then_least_recent_keys() {
        let mut t = EstTable { cap: 32, ..EstTable::default() };
        for i in 0..32 {
            t.inc(format!("k{i}").as_bytes(), u64::MAX, MIN, i * S);
        }
        // Full: a new key evicts the three least recently incremented (32 - 32/16 - 1 = 29
        // kept, plus the new one).
        t.inc(b"new", u64::MAX, MIN, 40 * S);
        assert_eq!(t.entries.len(), 30);
        assert!(!t.entries.contains_key(&b"k0"[..]) && !t.entries.contains_key(&b"k2"[..]));
        assert!(t.entries.contains_key(&b"k3"[..]) && t.entries.contains_key(&b"new"[..]));
        let mut u = EstTable { cap: 4, ..EstTable::default() };
        for i in 0..4 {
            u.inc(format!("k{i}").as_bytes(), u64::MAX, MIN, 0);
        }
        u.inc(b"x", u64::MAX, MIN, 120 * S);
        assert_eq!(u.entries.len(), 1, "expired keys go first");
    }

    #[test]
    fn states_bound_to_one_store_share_tables_by_name() {
        use crate::ir::{CounterDecl, LimiterDecl};
        let store = RateStore::default();
        let v1 = Program {
            ratecounters: vec!["rc".into()],
            penaltyboxes: vec!["pb".into()],
            counters: vec![CounterDecl { name: "c".into(), window: MIN }],
            limiters: vec![LimiterDecl { name: "l".into(), max: 9, window: MIN }],
            ..Program::default()
        };
        // Version 2 declares the same names in another order, plus one new counter.
        let v2 = Program {
            ratecounters: vec!["other".into(), "rc".into()],
            penaltyboxes: vec!["pb".into()],
            counters: vec![
                CounterDecl { name: "new".into(), window: MIN },
                CounterDecl { name: "c".into(), window: MIN },
            ],
            limiters: vec![LimiterDecl { name: "l".into(), max: 9, window: MIN }],
            ..Program::default()
        };
        let a = RateState::bind(&store, &v1);
        a.increment(0, b"e", 3, 0);
        a.penalize(0, b"e", MIN, 0);
        a.counter_inc(0, b"e", MIN, 0);
        a.limiter_inc(0, b"e", 9, MIN, 0);
        let b = RateState::bind(&store, &v2);
        assert_eq!(b.increment(1, b"e", 1, S), 4);
        assert_eq!(b.bucket(0, b"e", 60, S), 0);
        assert!(b.penalized(0, b"e", S));
        assert_eq!(b.counter_inc(1, b"e", MIN, S), 2);
        assert_eq!(b.counter_get(0, b"e", MIN, S), 0);
        assert_eq!(b.limiter_get(0, b"e", 9, MIN, S), 1);
        // The old version's in-flight requests count into the same tables.
        a.counter_inc(0, b"e", MIN, S);
        assert_eq!(b.counter_get(1, b"e", MIN, S), 3);
        assert_eq!(store.sizes(), [2, 1, 2, 1]);
        // Unbound states are independent.
        assert_eq!(RateState::default().counter_get(0, b"e", MIN, S), 0);
        // Once version 1 is gone, pruning keeps only what version 2 binds.
        drop(a);
        store.prune();
        assert_eq!(store.sizes(), [2, 1, 2, 1]);
        drop(b);
        store.prune();
        assert_eq!(store.sizes(), [0, 0, 0, 0]);
    }
}
