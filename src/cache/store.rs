//! The object store: sharded, memory-bounded, variants per key, CLOCK eviction.
//!
//! Each shard is an `RwLock` over a map of cache key → `Entry` (the key's variants, newest
//! first), a CLOCK ring of keys, the shard's surrogate-key index and its hit-for-pass markers.
//! A hit takes the shard's read lock and sets the entry's `referenced` bit (an atomic), so hits
//! on different keys never serialize and hits on one key only share a read lock.
//!
//! The memory bound is global: `weight` (the sum of `CachedObject::weight` of every stored
//! object) is kept at or under `capacity` after every insert by evicting whole keys (all their
//! variants), first from the inserting shard while it holds more than its share, then from the
//! other shards in turn. Eviction is CLOCK (second chance): a key hit since the hand last passed
//! it is spared once.
//!
//! Invariant: every change to a shard's objects and to its surrogate index happens under that
//! shard's write lock, together, so the index is exact (see `surrogate`). At most one shard lock
//! is held at a time, and no user code runs under a lock.

use std::collections::hash_map::Entry as MapEntry;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use bytes::Bytes;
use smallvec::SmallVec;

#[cfg(test)]
use super::surrogate::table_bytes;
use super::surrogate::SurrogateIndex;
use super::{CacheKey, CachedObject, Nanos};

/// Number of store shards (a power of two).
const SHARDS: usize = 64;

/// Fastly stores up to 200 variations of one object (§1.6); the oldest goes first.
pub(super) const MAX_VARIANTS: usize = 200;

pub(super) type Variants = SmallVec<[Arc<CachedObject>; 1]>;

pub(super) struct Store {
    shards: Box<[RwLock<Shard>]>,
    capacity: u64,
    weight: AtomicU64,
    len: AtomicUsize,
    /// Where eviction from "other shards" continues.
    cursor: AtomicUsize,
}

/// All variants of one cache key.
#[derive(Debug)]
pub(super) struct Entry {
    /// Newest first; lookups take the first that matches.
    variants: Variants,
    /// Sum of the variants' weights.
    weight: u64,
    /// CLOCK bit, set by hits under the read lock.
    referenced: AtomicBool,
    /// Tells this entry's CLOCK slot apart from a purged predecessor's.
    seq: u64,
}

#[derive(Default)]
struct Shard {
    map: HashMap<CacheKey, Entry>,
    clock: VecDeque<(CacheKey, u64)>,
    next_seq: u64,
    weight: u64,
    index: SurrogateIndex,
    hit_for_pass: HashMap<CacheKey, Nanos>,
    /// Expired markers are swept when the marker map reaches this size.
    hit_for_pass_sweep_at: usize,
}

/// Objects and weight removed by one operation.
#[derive(Default)]
struct Removed {
    objects: usize,
    weight: u64,
}

impl Store {
    pub(super) fn new(capacity: u64) -> Store {
        Store {
            shards: (0..SHARDS).map(|_| RwLock::new(Shard::default())).collect(),
            capacity,
            weight: AtomicU64::new(0),
            len: AtomicUsize::new(0),
            cursor: AtomicUsize::new(0),
        }
    }

    pub(super) fn capacity(&self) -> u64 {
        self.capacity
    }

    pub(super) fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    pub(super) fn weight(&self) -> u64 {
        self.weight.load(Ordering::Relaxed)
    }

    /// The variants of a key (cheap: reference-count bumps), marking the key as recently used.
    pub(super) fn variants(&self, key: CacheKey) -> Option<Variants> {
        let shard = self.read(key);
        let entry = shard.map.get(&key)?;
        entry.referenced.store(true, Ordering::Relaxed);
        Some(entry.variants.clone())
    }

    /// Stores `object` (whose `vary` is canonical and whose weight is `weight`), replacing the
    /// variant with the same `vary`, then evicts until the store is within its capacity.
    pub(super) fn insert(&self, key: CacheKey, object: Arc<CachedObject>, weight: u64) {
        let shard_index = shard_of(key);
        let mut shard = self.write_shard(shard_index);
        let removed = shard.insert(key, object, weight);
        self.account(1, weight, &removed);
        drop(shard);
        self.evict_to_capacity(shard_index, key);
    }

    pub(super) fn purge(&self, key: CacheKey, soft: bool) -> usize {
        if soft {
            let shard = self.read(key);
            let Some(entry) = shard.map.get(&key) else { return 0 };
            entry.variants.iter().for_each(|v| v.mark_soft_purged());
            return entry.variants.len();
        }
        let mut shard = self.write_shard(shard_of(key));
        let removed = shard.remove_key(key);
        self.account(0, 0, &removed);
        removed.objects
    }

    pub(super) fn purge_surrogate(&self, surrogate: &[u8], soft: bool) -> usize {
        let mut purged = 0;
        for (i, lock) in self.shards.iter().enumerate() {
            {
                let shard = lock.read().unwrap_or_else(PoisonError::into_inner);
                let Some(keys) = shard.index.get(surrogate) else { continue };
                if soft {
                    for entry in keys.iter().filter_map(|k| shard.map.get(&k)) {
                        for object in entry.variants.iter().filter(|v| v.surrogate_keys.iter().any(|s| s == surrogate))
                        {
                            object.mark_soft_purged();
                            purged += 1;
                        }
                    }
                    continue;
                }
            }
            let mut shard = self.write_shard(i);
            let removed = shard.remove_surrogate(surrogate);
            self.account(0, 0, &removed);
            purged += removed.objects;
        }
        purged
    }

    pub(super) fn purge_all(&self) -> usize {
        let mut purged = 0;
        for i in 0..self.shards.len() {
            let mut shard = self.write_shard(i);
            let removed = shard.clear();
            self.account(0, 0, &removed);
            purged += removed.objects;
        }
        purged
    }

    pub(super) fn mark_hit_for_pass(&self, key: CacheKey, ttl: Nanos, now: Nanos) {
        self.write_shard(shard_of(key)).mark_hit_for_pass(key, ttl, now);
    }

    pub(super) fn is_hit_for_pass(&self, key: CacheKey, now: Nanos) -> bool {
        self.read(key).hit_for_pass.get(&key).is_some_and(|&until| until > now)
    }

    /// (surrogate key, cache key) pairs in the index.
    pub(super) fn surrogate_index_len(&self) -> usize {
        self.shards.iter().map(|s| s.read().unwrap_or_else(PoisonError::into_inner).index.pairs()).sum()
    }

    /// Bytes the store spends on bookkeeping outside the objects, as (maps, CLOCK rings and
    /// spilled variant lists; surrogate indexes), hash tables sized from their capacities.
    #[cfg(test)]
    pub(super) fn structure_bytes(&self) -> (usize, usize) {
        let mut structures = 0;
        let mut index = 0;
        for lock in self.shards.iter() {
            let shard = lock.read().unwrap_or_else(PoisonError::into_inner);
            let spilled: usize = shard
                .map
                .values()
                .filter(|e| e.variants.spilled())
                .map(|e| e.variants.capacity() * std::mem::size_of::<Arc<CachedObject>>())
                .sum();
            structures += table_bytes::<(CacheKey, Entry)>(shard.map.capacity())
                + shard.clock.capacity() * std::mem::size_of::<(CacheKey, u64)>()
                + table_bytes::<(CacheKey, Nanos)>(shard.hit_for_pass.capacity())
                + spilled;
            index += shard.index.heap_bytes();
        }
        (structures, index)
    }

    /// Updates the totals. Called with the shard's write lock held, so an object's addition is
    /// always counted before its removal and the totals never wrap.
    fn account(&self, added_objects: usize, added_weight: u64, removed: &Removed) {
        self.len.fetch_add(added_objects, Ordering::Relaxed);
        self.len.fetch_sub(removed.objects, Ordering::Relaxed);
        self.weight.fetch_add(added_weight, Ordering::Relaxed);
        self.weight.fetch_sub(removed.weight, Ordering::Relaxed);
    }

    /// Evicts until `weight <= capacity`, starting with the inserting shard while it holds more
    /// than its share, then round-robin. The key just stored is spared while anything else can
    /// go (in a cache smaller than a few objects per shard the CLOCK hand would otherwise pick
    /// the newcomer first); when only that key is left, its older variants go, then the key.
    fn evict_to_capacity(&self, home: usize, just_stored: CacheKey) {
        self.evict_round_robin(home, Some(just_stored));
        while self.weight() > self.capacity {
            let mut shard = self.write_shard(home);
            let removed = shard.remove_oldest_variant(just_stored);
            self.account(0, 0, &removed);
            if removed.objects == 0 {
                break;
            }
        }
        self.evict_round_robin(home, None);
    }

    fn evict_round_robin(&self, home: usize, spare: Option<CacheKey>) {
        let fair_share = self.capacity / self.shards.len() as u64;
        let mut from_home = true;
        let mut idle = 0;
        // Two rounds of empty-handed shards: the first may only have cleared CLOCK bits.
        while self.weight() > self.capacity && idle <= 2 * self.shards.len() {
            let i = if from_home { home } else { self.cursor.fetch_add(1, Ordering::Relaxed) % self.shards.len() };
            let mut shard = self.write_shard(i);
            if from_home && shard.weight <= fair_share {
                from_home = false;
                continue;
            }
            let removed = shard.evict_one(spare);
            self.account(0, 0, &removed);
            drop(shard);
            if removed.objects == 0 {
                idle += 1;
                from_home = false;
            } else {
                idle = 0;
            }
        }
    }

    fn read(&self, key: CacheKey) -> RwLockReadGuard<'_, Shard> {
        // Every shard operation leaves the shard consistent before anything can panic, so a
        // poisoned lock is still usable.
        self.shards[shard_of(key)].read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write_shard(&self, i: usize) -> RwLockWriteGuard<'_, Shard> {
        self.shards[i % self.shards.len()].write().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Shards are chosen by the key's high half (the maps hash the whole key).
fn shard_of(key: CacheKey) -> usize {
    ((key.0 >> 64) as usize) & (SHARDS - 1)
}

impl Shard {
    fn insert(&mut self, key: CacheKey, object: Arc<CachedObject>, weight: u64) -> Removed {
        let Shard { map, clock, next_seq, index, .. } = self;
        let entry = match map.entry(key) {
            MapEntry::Occupied(e) => e.into_mut(),
            MapEntry::Vacant(e) => {
                *next_seq += 1;
                clock.push_back((key, *next_seq));
                e.insert(Entry {
                    variants: SmallVec::new(),
                    weight: 0,
                    referenced: AtomicBool::new(false),
                    seq: *next_seq,
                })
            }
        };
        let mut dropped: Variants = SmallVec::new();
        entry.variants.retain(|v| {
            let same = v.vary == object.vary;
            if same {
                dropped.push(Arc::clone(v));
            }
            !same
        });
        index.add(key, &object.surrogate_keys);
        entry.variants.insert(0, object);
        while entry.variants.len() > MAX_VARIANTS {
            dropped.extend(entry.variants.pop());
        }
        let removed = Removed { objects: dropped.len(), weight: dropped.iter().map(|v| v.weight()).sum() };
        entry.weight = entry.weight + weight - removed.weight;
        unindex(index, key, &dropped, &entry.variants);
        self.weight = self.weight + weight - removed.weight;
        // A cacheable answer replaces an earlier uncacheable one.
        self.hit_for_pass.remove(&key);
        self.compact_clock();
        removed
    }

    fn remove_key(&mut self, key: CacheKey) -> Removed {
        self.hit_for_pass.remove(&key);
        let Some(entry) = self.map.remove(&key) else { return Removed::default() };
        unindex(&mut self.index, key, &entry.variants, &[]);
        self.weight -= entry.weight;
        self.compact_clock();
        Removed { objects: entry.variants.len(), weight: entry.weight }
    }

    /// Removes every variant tagged with `surrogate` (other variants of the same keys stay).
    fn remove_surrogate(&mut self, surrogate: &[u8]) -> Removed {
        let mut removed = Removed::default();
        let Some(keys) = self.index.take(surrogate) else { return removed };
        for key in keys.iter() {
            let MapEntry::Occupied(mut slot) = self.map.entry(key) else { continue };
            let entry = slot.get_mut();
            let mut dropped: Variants = SmallVec::new();
            entry.variants.retain(|v| {
                let tagged = v.surrogate_keys.iter().any(|s| s == surrogate);
                if tagged {
                    dropped.push(Arc::clone(v));
                }
                !tagged
            });
            let weight: u64 = dropped.iter().map(|v| v.weight()).sum();
            entry.weight -= weight;
            unindex(&mut self.index, key, &dropped, &entry.variants);
            if entry.variants.is_empty() {
                slot.remove();
            }
            self.weight -= weight;
            removed.objects += dropped.len();
            removed.weight += weight;
        }
        self.compact_clock();
        removed
    }

    fn clear(&mut self) -> Removed {
        let removed = Removed {
            objects: self.map.values().map(|e| e.variants.len()).sum(),
            weight: self.map.values().map(|e| e.weight).sum(),
        };
        self.map = HashMap::new();
        self.clock = VecDeque::new();
        self.index.clear();
        self.hit_for_pass = HashMap::new();
        self.weight = 0;
        removed
    }

    /// CLOCK: advance the hand until a key not referenced since the hand last passed it comes
    /// up, and evict all its variants. Gives up after one turn (clearing every bit on the way,
    /// so the next turn finds a victim); `spare` is passed over.
    fn evict_one(&mut self, spare: Option<CacheKey>) -> Removed {
        let mut budget = self.clock.len();
        while budget > 0 {
            budget -= 1;
            let Some((key, seq)) = self.clock.pop_front() else { break };
            let Some(entry) = self.map.get(&key) else { continue };
            if entry.seq != seq {
                continue; // the slot of an entry purged since
            }
            if spare == Some(key) || entry.referenced.swap(false, Ordering::Relaxed) {
                self.clock.push_back((key, seq));
                continue;
            }
            let Some(entry) = self.map.remove(&key) else { continue };
            unindex(&mut self.index, key, &entry.variants, &[]);
            self.weight -= entry.weight;
            return Removed { objects: entry.variants.len(), weight: entry.weight };
        }
        Removed::default()
    }

    /// Removes the oldest variant of a key that has more than one.
    fn remove_oldest_variant(&mut self, key: CacheKey) -> Removed {
        let Some(entry) = self.map.get_mut(&key) else { return Removed::default() };
        if entry.variants.len() < 2 {
            return Removed::default();
        }
        let Some(oldest) = entry.variants.pop() else { return Removed::default() };
        let weight = oldest.weight();
        entry.weight -= weight;
        unindex(&mut self.index, key, &[oldest], &entry.variants);
        self.weight -= weight;
        Removed { objects: 1, weight }
    }

    /// Drops the CLOCK slots of removed entries once they outnumber the live ones, so purging
    /// and re-inserting without eviction pressure cannot grow the ring without bound.
    fn compact_clock(&mut self) {
        if self.clock.len() > 2 * self.map.len() + 32 {
            let map = &self.map;
            self.clock.retain(|(key, seq)| map.get(key).is_some_and(|e| e.seq == *seq));
        }
    }

    fn mark_hit_for_pass(&mut self, key: CacheKey, ttl: Nanos, now: Nanos) {
        if ttl <= 0 {
            self.hit_for_pass.remove(&key);
            return;
        }
        self.hit_for_pass.insert(key, now.saturating_add(ttl));
        // Markers that nobody asks about again are swept here, amortised over insertions.
        if self.hit_for_pass.len() >= self.hit_for_pass_sweep_at {
            self.hit_for_pass.retain(|_, until| *until > now);
            self.hit_for_pass_sweep_at = (self.hit_for_pass.len() * 2).max(64);
        }
    }
}

/// Removes `key` from the index entries of the surrogate keys `gone` carried that no variant in
/// `kept` carries.
fn unindex(index: &mut SurrogateIndex, key: CacheKey, gone: &[Arc<CachedObject>], kept: &[Arc<CachedObject>]) {
    let mut gone_keys = gone.iter().flat_map(|v| v.surrogate_keys.iter()).peekable();
    if gone_keys.peek().is_none() {
        return;
    }
    // A set, so objects with thousands of keys do not make this quadratic.
    let still_tagged: HashSet<&Bytes> = kept.iter().flat_map(|v| v.surrogate_keys.iter()).collect();
    for surrogate in gone_keys {
        if !still_tagged.contains(surrogate) {
            index.remove(surrogate, key);
        }
    }
}

/// True when every varied-on request header of `object` has the value it was stored for.
pub(super) fn vary_matches(object: &CachedObject, req_header: &dyn Fn(&[u8]) -> Option<Bytes>) -> bool {
    object.vary.iter().all(|(name, stored)| req_header(name) == *stored)
}
