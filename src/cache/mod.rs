//! The object cache: stored responses, their freshness, purging, and request collapsing.
//!
//! Owns `Cache` (a sharded, memory-bounded store of `CachedObject`s keyed by `CacheKey`, with
//! `Vary` variants, soft and hard purges, a surrogate-key index, hit-for-pass markers and the
//! collapsing lock) and `freshness` (what Fastly derives from response headers before
//! `vcl_fetch`). The behaviour follows `fastly-delivery-semantics.md` §1–§4, cited per item.
//!
//! **Architecture Invariant:** `cache` knows nothing about VCL: callers pass in the hash input,
//! header lists, TTLs in nanoseconds and the current time. Time is always injected (`now`), so
//! every freshness decision is a pure function of its arguments and tests never sleep.
//!
//! Layout: `store` (shards, CLOCK eviction, variants), `surrogate` (the per-shard index),
//! `lock` (collapsing), `freshness` (header parsing).

pub mod freshness;
mod headers;
mod lock;
mod store;
mod surrogate;
#[cfg(test)]
mod tests;

use std::fmt;
use std::mem::size_of;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;

pub use freshness::Freshness;
pub use headers::StoredHeaders;
pub use lock::{CacheLock, LockGuard, LockWaiter};
use store::Store;

/// Time is injected everywhere: nanoseconds since the Unix epoch (the unit of `ReqState.now`).
pub type Nanos = i64;

/// Fastly's default maximum cacheable object (accounts created since 2020-06-17, §10.1): 20 MB.
pub const DEFAULT_MAX_OBJECT_SIZE: u64 = 20 * 1024 * 1024;

/// Bytes charged per stored object beyond its body, header bytes and the per-item charges
/// below: the `Arc<CachedObject>` allocation (16 bytes of counts + the struct), its slot in the
/// shard's hash map (`CacheKey` + `Entry`, 64 bytes, times hashbrown's load factor and
/// power-of-two growth), its CLOCK ring slot (32 bytes, the ring grown by doubling), and the
/// header block's own allocations (its buffer, the buffer's shared handle and the offsets:
/// about 64 bytes with allocator headers). Measured by `tests::per_object_overhead_is_covered`
/// (sizes and container capacities, 1,000 to 20,000 objects, no headers): 338–359 bytes per
/// object before the header block.
pub const OBJECT_OVERHEAD: u64 = 448;

/// Bytes charged per stored header beyond its name and value: its three offsets into the
/// object's header buffer (see [`StoredHeaders`]).
pub const HEADER_OVERHEAD: u64 = 12;

/// Bytes charged per surrogate key beyond its text: the object's `Bytes` slot (32) and the
/// index entry. Measured: about 165 bytes for a key that tags one object, about 60 for a key
/// shared by many.
pub const SURROGATE_KEY_OVERHEAD: u64 = 192;

/// Bytes charged per `Vary` entry beyond its name and value: the `(Bytes, Option<Bytes>)` slot.
pub const VARY_OVERHEAD: u64 = size_of::<(Bytes, Option<Bytes>)>() as u64;

/// 128-bit key: xxh3-128 of what `vcl_hash` added (`set req.hash += ...`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct CacheKey(pub u128);

impl CacheKey {
    pub fn from_hash_input(input: &[u8]) -> CacheKey {
        CacheKey(xxhash_rust::xxh3::xxh3_128(input))
    }
}

/// One stored response. Shared as `Arc`; body and headers are never copied on a hit.
///
/// Time model (Fastly's, §1.2 and §1.5): `ttl` is `beresp.ttl`, the freshness lifetime counted
/// from `stored_at` (Age already subtracted by the parser where Fastly does). `initial_age` is
/// the `Age` the origin reported; it adds to the reported age but not to the lifetime again.
/// So `max-age=30` with `Age: 10` stores `ttl = 20s, initial_age = 10s`, and 8 s later
/// `age() = 18s`, `remaining_ttl() = 12s`, as in Fastly's worked example (§1.2, source AGE).
#[derive(Debug)]
pub struct CachedObject {
    pub status: u16,
    /// Response headers as stored (names as received), in one buffer.
    pub headers: StoredHeaders,
    pub body: Bytes,
    pub stored_at: Nanos,
    /// `Age` the origin reported (added to our own age).
    pub initial_age: Nanos,
    /// Freshness lifetime from `stored_at` (`beresp.ttl`); may be negative.
    pub ttl: Nanos,
    pub stale_while_revalidate: Nanos,
    pub stale_if_error: Nanos,
    pub surrogate_keys: Vec<Bytes>,
    /// The request header values this variant was stored for. `Cache::insert` lower-cases the
    /// names and sorts the list, so two lists naming the same headers compare equal.
    pub vary: Vec<(Bytes, Option<Bytes>)>,
    /// VCL asked that the object stay out of non-volatile memory (`beresp.pci` or
    /// `beresp.hipaa`; `obj.is_pci`). The cache is memory-only, so every object is kept
    /// that way; the flag records what was asked.
    pub memory_only: bool,
    hits: AtomicU64,
    /// When the object was last delivered (`stored_at` until then), for `obj.lastuse`.
    last_used: std::sync::atomic::AtomicI64,
    /// Sticky: only ever goes from false to true (Fastly soft purge, §4.1).
    soft_purged: AtomicBool,
}

impl CachedObject {
    /// An object with no freshness (ttl 0), no surrogate keys and no `Vary`; set the public
    /// fields, or use `with_freshness`, before inserting.
    pub fn new(status: u16, headers: impl Into<StoredHeaders>, body: Bytes, stored_at: Nanos) -> CachedObject {
        CachedObject {
            status,
            headers: headers.into(),
            body,
            stored_at,
            initial_age: 0,
            ttl: 0,
            stale_while_revalidate: 0,
            stale_if_error: 0,
            surrogate_keys: Vec::new(),
            vary: Vec::new(),
            memory_only: false,
            hits: AtomicU64::new(0),
            last_used: std::sync::atomic::AtomicI64::new(stored_at),
            soft_purged: AtomicBool::new(false),
        }
    }

    /// Takes TTL, stale windows and initial Age from the header parser's result.
    pub fn with_freshness(mut self, freshness: &Freshness) -> CachedObject {
        self.ttl = freshness.ttl;
        self.stale_while_revalidate = freshness.stale_while_revalidate;
        self.stale_if_error = freshness.stale_if_error;
        self.initial_age = freshness.initial_age;
        self
    }

    /// `obj.age`: the origin's Age plus the time spent here.
    pub fn age(&self, now: Nanos) -> Nanos {
        self.initial_age.saturating_add(self.elapsed(now))
    }

    /// `obj.ttl`: freshness left (negative once stale). Counted from `stored_at`, not from
    /// `age()`: the parser already took the origin's Age off `ttl`.
    pub fn remaining_ttl(&self, now: Nanos) -> Nanos {
        self.ttl.saturating_sub(self.elapsed(now))
    }

    /// Not soft-purged and `remaining_ttl > 0`: fresh on `[stored_at, stored_at + ttl)`.
    pub fn is_fresh(&self, now: Nanos) -> bool {
        !self.soft_purged() && self.remaining_ttl(now) > 0
    }

    /// Stale, and less than `stale_while_revalidate` past expiry (a soft-purged object that had
    /// not expired yet counts as 0 past expiry). §2.1: fresh → SWR window → SIE window.
    pub fn in_swr(&self, now: Nanos) -> bool {
        self.in_swr_for(now, Nanos::MAX)
    }

    /// [`CachedObject::in_swr`] for a request that accepts at most `max_stale` past expiry
    /// (`req.max_stale_while_revalidate`: the shorter of the two limits applies).
    pub fn in_swr_for(&self, now: Nanos, max_stale: Nanos) -> bool {
        !self.is_fresh(now) && self.stale_for(now) < self.stale_while_revalidate.min(max_stale)
    }

    /// Stale, and less than `stale_if_error` past expiry (the SIE window also starts at expiry).
    pub fn in_sie(&self, now: Nanos) -> bool {
        self.in_sie_for(now, Nanos::MAX)
    }

    /// [`CachedObject::in_sie`] for a request that accepts at most `max_stale` past expiry
    /// (`req.max_stale_if_error`).
    pub fn in_sie_for(&self, now: Nanos, max_stale: Nanos) -> bool {
        !self.is_fresh(now) && self.stale_for(now) < self.stale_if_error.min(max_stale)
    }

    /// `obj.hits`.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    /// Counts a delivery at `now` and returns how long ago the object was last used
    /// (`obj.lastuse`: since the previous delivery, or since it was stored).
    pub fn record_hit(&self, now: Nanos) -> Nanos {
        self.hits.fetch_add(1, Ordering::Relaxed);
        now.saturating_sub(self.last_used.swap(now, Ordering::Relaxed)).max(0)
    }

    pub fn soft_purged(&self) -> bool {
        self.soft_purged.load(Ordering::Relaxed)
    }

    /// Bytes charged to the memory bound: body, header names and values, surrogate keys and
    /// `Vary` entries, each item with its bookkeeping charge, plus [`OBJECT_OVERHEAD`].
    /// Byte buffers the `Bytes` values share with something else are not seen; store owned
    /// copies, not slices of a larger read buffer.
    pub fn weight(&self) -> u64 {
        let headers = self.headers.text_len() as u64 + self.headers.len() as u64 * HEADER_OVERHEAD;
        let keys: u64 = self.surrogate_keys.iter().map(|k| len(k) + SURROGATE_KEY_OVERHEAD).sum();
        let vary: u64 = self.vary.iter().map(|(n, v)| len(n) + v.as_ref().map_or(0, len) + VARY_OVERHEAD).sum();
        len(&self.body) + headers + keys + vary + OBJECT_OVERHEAD
    }

    fn elapsed(&self, now: Nanos) -> Nanos {
        now.saturating_sub(self.stored_at).max(0)
    }

    fn stale_for(&self, now: Nanos) -> Nanos {
        self.remaining_ttl(now).saturating_neg().max(0)
    }

    fn mark_soft_purged(&self) {
        self.soft_purged.store(true, Ordering::Relaxed);
    }

    /// Lower-cases the `Vary` names, sorts by name and keeps the first of duplicates.
    fn canonicalize_vary(&mut self) {
        for (name, _) in &mut self.vary {
            if name.iter().any(u8::is_ascii_uppercase) {
                *name = Bytes::from(name.to_ascii_lowercase());
            }
        }
        self.vary.sort_by(|a, b| a.0.cmp(&b.0));
        self.vary.dedup_by(|later, first| later.0 == first.0);
    }
}

fn len(bytes: &Bytes) -> u64 {
    bytes.len() as u64
}

/// The outcome of `Cache::lookup`.
#[derive(Debug, Clone)]
pub enum Lookup {
    Fresh(Arc<CachedObject>),
    /// Expired or soft-purged, still stored (Fastly never deletes at expiry, §2.1). Whether it
    /// may be served is the caller's call: `in_swr`, `in_sie`, `stale.exists`.
    Stale(Arc<CachedObject>),
    Miss,
}

impl Lookup {
    pub fn as_str(&self) -> &'static str {
        match self {
            Lookup::Fresh(_) => "fresh",
            Lookup::Stale(_) => "stale",
            Lookup::Miss => "miss",
        }
    }

    pub fn object(&self) -> Option<&Arc<CachedObject>> {
        match self {
            Lookup::Fresh(o) | Lookup::Stale(o) => Some(o),
            Lookup::Miss => None,
        }
    }
}

/// The object cache. Share it as `Arc<Cache>`; every method takes `&self` except configuration.
pub struct Cache {
    store: Store,
    locks: Arc<lock::LockTable>,
    max_object_size: u64,
}

impl Cache {
    /// A cache holding at most `capacity_bytes` of object weight.
    pub fn new(capacity_bytes: u64) -> Cache {
        Cache {
            store: Store::new(capacity_bytes),
            locks: Arc::new(lock::LockTable::new()),
            max_object_size: DEFAULT_MAX_OBJECT_SIZE,
        }
    }

    /// Finds the newest variant whose `Vary`'d request headers match `req_header` (the current
    /// request's header by lower-case name). Marks the key as recently used but does not count
    /// a hit (`record_hit` is the caller's, once it delivers). `req_header` runs outside every
    /// lock.
    pub fn lookup(&self, key: CacheKey, req_header: &dyn Fn(&[u8]) -> Option<Bytes>, now: Nanos) -> Lookup {
        let Some(variants) = self.store.variants(key) else { return Lookup::Miss };
        match variants.into_iter().find(|v| store::vary_matches(v, req_header)) {
            Some(object) if object.is_fresh(now) => Lookup::Fresh(object),
            Some(object) => Lookup::Stale(object),
            None => Lookup::Miss,
        }
    }

    /// Stores a variant, replacing the key's variant stored for the same `Vary` values (and
    /// any hit-for-pass marker of the key). At most 200 variants per key are kept (Fastly,
    /// §1.6), the oldest going first. Refused (returns false) when the body is larger than
    /// `max_object_size` (Fastly's limit is on the object, §10.1) or the object's weight is
    /// larger than the whole cache.
    pub fn insert(&self, key: CacheKey, object: CachedObject) -> bool {
        self.store(key, object).is_ok()
    }

    /// `insert`, returning the stored object (to deliver it without a second lookup), or
    /// the object, not stored, when it was refused.
    pub fn store(&self, key: CacheKey, object: CachedObject) -> Result<Arc<CachedObject>, Arc<CachedObject>> {
        let mut object = object;
        object.canonicalize_vary();
        let weight = object.weight();
        let object = Arc::new(object);
        if len(&object.body) > self.max_object_size || weight > self.store.capacity() {
            return Err(object);
        }
        self.store.insert(key, object.clone(), weight);
        Ok(object)
    }

    /// The object a `304 Not Modified` answer to a revalidation makes of a stale one (Fastly,
    /// semantics §1.5: the stored TTL is updated and Age reset to the 304's `Age`, or 0): the
    /// same status, body and variant; the stored headers updated by the 304's (each field
    /// the 304 carries replaces the stored one, RFC 9111 §4.3.4); freshness parsed again
    /// from the merged headers. When those headers say nothing about freshness, the old
    /// object's lifetime is kept, so a TTL that VCL set when the object was first fetched
    /// survives (a 304 does not run `vcl_fetch`).
    pub fn refreshed(old: &CachedObject, not_modified: &[(Bytes, Bytes)], now: Nanos) -> CachedObject {
        let updated = |name: &[u8]| not_modified.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
        let mut merged: Vec<(Bytes, Bytes)> = old.headers.iter_shared().filter(|(n, _)| !updated(n)).collect();
        merged.extend(not_modified.iter().filter(|(n, _)| !n.eq_ignore_ascii_case(b"content-length")).cloned());
        let parsed = freshness::from_response(old.status, &merged, now);
        let mut object = CachedObject::new(old.status, StoredHeaders::from(merged), old.body.clone(), now);
        object.surrogate_keys = freshness::surrogate_keys(&object.headers.iter_shared().collect::<Vec<_>>());
        object.vary = old.vary.clone();
        object.memory_only = old.memory_only;
        if parsed.source == freshness::TtlSource::Default {
            object.ttl = old.ttl;
            object.stale_while_revalidate = old.stale_while_revalidate;
            object.stale_if_error = old.stale_if_error;
        } else {
            object = object.with_freshness(&parsed);
        }
        // Age restarts from the 304's own `Age` (0 when it has none).
        object.initial_age = parsed.initial_age;
        object
    }

    /// Purges every variant of a key; returns how many. Hard: removed at once (and the key's
    /// hit-for-pass marker with them). Soft: marked stale, so SWR, SIE and revalidation still
    /// work (Fastly soft purge, §4.1).
    pub fn purge(&self, key: CacheKey, soft: bool) -> usize {
        self.store.purge(key, soft)
    }

    /// Purges the objects tagged with a surrogate key (§4.3); other variants of the same cache
    /// keys stay. Cost is proportional to the objects purged (plus one read lock per shard).
    pub fn purge_surrogate(&self, surrogate_key: &[u8], soft: bool) -> usize {
        self.store.purge_surrogate(surrogate_key, soft)
    }

    /// Removes every object and hit-for-pass marker (Fastly purge-all is always hard, §4.1).
    pub fn purge_all(&self) -> usize {
        self.store.purge_all()
    }

    /// Number of stored objects (variants).
    pub fn len(&self) -> usize {
        self.store.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sum of the stored objects' `weight()`; at most `capacity()` once inserts return.
    pub fn weight(&self) -> u64 {
        self.store.weight()
    }

    pub fn capacity(&self) -> u64 {
        self.store.capacity()
    }

    pub fn max_object_size(&self) -> u64 {
        self.max_object_size
    }

    pub fn set_max_object_size(&mut self, bytes: u64) {
        self.max_object_size = bytes;
    }

    /// Request collapsing: the first caller for a key becomes the leader and fetches; the
    /// others wait (§3.1). See [`CacheLock`].
    pub fn lock(&self, key: CacheKey) -> CacheLock {
        self.locks.lock(key)
    }

    /// Number of keys a leader is fetching right now.
    pub fn locked_keys(&self) -> usize {
        self.locks.len()
    }

    /// Hit-for-pass: remember for `ttl` that this key's answer was uncacheable, so concurrent
    /// and later misses go to the origin in parallel instead of queueing (§3.1). A `ttl <= 0`
    /// clears the marker. Markers are not charged to the memory bound; expired ones are swept
    /// as new ones arrive.
    pub fn mark_hit_for_pass(&self, key: CacheKey, ttl: Nanos, now: Nanos) {
        self.store.mark_hit_for_pass(key, ttl, now);
    }

    /// True while a marker set by `mark_hit_for_pass` has not expired (`now < marked + ttl`).
    pub fn is_hit_for_pass(&self, key: CacheKey, now: Nanos) -> bool {
        self.store.is_hit_for_pass(key, now)
    }

    /// Number of (surrogate key, cache key) pairs in the surrogate index; 0 when no stored
    /// object carries a surrogate key.
    pub fn surrogate_index_len(&self) -> usize {
        self.store.surrogate_index_len()
    }
}

impl fmt::Debug for Cache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cache")
            .field("len", &self.len())
            .field("weight", &self.weight())
            .field("capacity", &self.capacity())
            .field("max_object_size", &self.max_object_size)
            .finish_non_exhaustive()
    }
}
