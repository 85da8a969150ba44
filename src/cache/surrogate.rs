//! The surrogate-key index of one store shard: surrogate key → the cache keys of that shard
//! with at least one variant tagged with it.
//!
//! Invariant (kept by `store`, which changes the index only under the same shard lock as the
//! objects): a cache key is in a surrogate key's set exactly when one of its stored variants
//! carries that surrogate key. So purging a surrogate key costs in proportion to the objects it
//! tags, and evicted or purged objects never linger here.

use std::collections::{HashMap, HashSet};

use bytes::Bytes;

use super::CacheKey;

#[derive(Default, Debug)]
pub(super) struct SurrogateIndex {
    keys: HashMap<Bytes, KeySet>,
    /// Number of (surrogate key, cache key) pairs.
    pairs: usize,
}

/// The cache keys tagged with one surrogate key. Most surrogate keys tag one object (an id);
/// `One` spares those a hash table of their own.
#[derive(Debug)]
pub(super) enum KeySet {
    One(CacheKey),
    Many(HashSet<CacheKey>),
}

impl KeySet {
    pub(super) fn iter(&self) -> impl Iterator<Item = CacheKey> + '_ {
        let (one, many) = match self {
            KeySet::One(key) => (Some(*key), None),
            KeySet::Many(set) => (None, Some(set.iter().copied())),
        };
        one.into_iter().chain(many.into_iter().flatten())
    }

    fn len(&self) -> usize {
        match self {
            KeySet::One(_) => 1,
            KeySet::Many(set) => set.len(),
        }
    }

    /// Adds a key; false when it was already there.
    fn insert(&mut self, key: CacheKey) -> bool {
        match self {
            KeySet::One(one) if *one == key => false,
            KeySet::One(one) => {
                *self = KeySet::Many(HashSet::from([*one, key]));
                true
            }
            KeySet::Many(set) => set.insert(key),
        }
    }

    /// Removes a key; returns (whether it was there, whether the set is now empty).
    fn remove(&mut self, key: CacheKey) -> (bool, bool) {
        match self {
            KeySet::One(one) => (*one == key, *one == key),
            KeySet::Many(set) => (set.remove(&key), set.is_empty()),
        }
    }
}

impl SurrogateIndex {
    pub(super) fn add(&mut self, key: CacheKey, surrogate_keys: &[Bytes]) {
        for surrogate in surrogate_keys {
            let added = match self.keys.get_mut(surrogate) {
                Some(set) => set.insert(key),
                None => {
                    self.keys.insert(surrogate.clone(), KeySet::One(key));
                    true
                }
            };
            self.pairs += usize::from(added);
        }
    }

    pub(super) fn remove(&mut self, surrogate: &[u8], key: CacheKey) {
        let Some(set) = self.keys.get_mut(surrogate) else { return };
        let (removed, empty) = set.remove(key);
        self.pairs -= usize::from(removed);
        if empty {
            self.keys.remove(surrogate);
        }
    }

    pub(super) fn get(&self, surrogate: &[u8]) -> Option<&KeySet> {
        self.keys.get(surrogate)
    }

    /// Removes a surrogate key and returns the cache keys it tagged.
    pub(super) fn take(&mut self, surrogate: &[u8]) -> Option<KeySet> {
        let set = self.keys.remove(surrogate)?;
        self.pairs -= set.len();
        Some(set)
    }

    pub(super) fn clear(&mut self) {
        self.keys = HashMap::new();
        self.pairs = 0;
    }

    pub(super) fn pairs(&self) -> usize {
        self.pairs
    }

    /// Heap bytes held by the index (hash tables sized from their capacities).
    #[cfg(test)]
    pub(super) fn heap_bytes(&self) -> usize {
        let sets: usize = self
            .keys
            .values()
            .map(|set| match set {
                KeySet::One(_) => 0,
                KeySet::Many(set) => table_bytes::<CacheKey>(set.capacity()),
            })
            .sum();
        table_bytes::<(Bytes, KeySet)>(self.keys.capacity()) + sets
    }
}

/// Bytes of a hashbrown table holding `capacity` items of `T`: buckets (capacity × 8/7,
/// rounded up to a power of two) of `T` plus one control byte each and a 16-byte group tail.
#[cfg(test)]
pub(super) fn table_bytes<T>(capacity: usize) -> usize {
    if capacity == 0 {
        return 0;
    }
    let buckets =
        if capacity < 8 { (capacity + 1).next_power_of_two() } else { (capacity * 8 / 7).next_power_of_two() };
    buckets * (std::mem::size_of::<T>() + 1) + 16
}
