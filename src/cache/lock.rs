//! Request collapsing: one fetch per cache key at a time (fastly-delivery-semantics.md §3.1).
//!
//! The first caller of `Cache::lock` for a key becomes the `Leader` and fetches; every later
//! caller gets a `Follower` that waits until the leader releases, then looks the key up again
//! (a hit, or a hit-for-pass marker that sends it to the origin on its own). The table holds a
//! `watch` receiver per locked key; the leader's guard owns the sender. Releasing (or dropping)
//! the guard removes the table entry and drops the sender, which wakes every follower, so a
//! leader that fails, panics or is cancelled never strands its followers. A follower that
//! joined just before the release still wakes: a closed channel stays closed.
//!
//! Modelled on pingora-cache's `CacheKeyLock`; waiting has no timeout of its own, the caller
//! bounds it (Fastly-style `-WAIT` requests should not hang forever behind a slow origin).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::watch;

use super::CacheKey;

const LOCK_SHARDS: usize = 16;

/// What `Cache::lock` hands out.
#[derive(Debug)]
pub enum CacheLock {
    /// This caller fetches; it must release (or drop) the guard when the response is stored or
    /// known to be uncacheable.
    Leader(LockGuard),
    /// Another request is fetching this key: wait, then look up again.
    Follower(LockWaiter),
}

impl CacheLock {
    pub fn as_str(&self) -> &'static str {
        match self {
            CacheLock::Leader(_) => "leader",
            CacheLock::Follower(_) => "follower",
        }
    }
}

/// The leader's hold on a key. Dropping it releases too.
#[derive(Debug)]
pub struct LockGuard {
    table: Arc<LockTable>,
    key: CacheKey,
    id: u64,
    sender: Option<watch::Sender<()>>,
}

impl LockGuard {
    /// Wakes the waiters; they look up again (a hit, or a hit-for-pass marker tells them to pass).
    pub fn release(mut self) {
        self.unlock();
    }

    pub fn key(&self) -> CacheKey {
        self.key
    }

    /// How many followers currently hold a waiter for this key.
    pub fn waiters(&self) -> usize {
        // The table keeps one receiver of its own.
        self.sender.as_ref().map_or(0, |s| s.receiver_count().saturating_sub(1))
    }

    fn unlock(&mut self) {
        if let Some(sender) = self.sender.take() {
            self.table.remove(self.key, self.id);
            drop(sender); // closes the channel: every follower's `wait` returns
        }
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        self.unlock();
    }
}

/// A follower's ticket: `wait` returns once the leader released.
#[derive(Debug)]
pub struct LockWaiter {
    receiver: watch::Receiver<()>,
}

impl LockWaiter {
    /// Returns when the leader released (or dropped) its guard. Not bounded here: wrap it in
    /// `tokio::time::timeout`.
    pub async fn wait(mut self) {
        // The leader never sends; `changed` returns `Err` once the sender is dropped.
        let _closed = self.receiver.changed().await;
    }
}

/// Locked keys → (the leader's id, a receiver followers clone).
type Locked = HashMap<CacheKey, (u64, watch::Receiver<()>)>;

/// Locked keys, sharded so unrelated misses do not contend on one mutex.
#[derive(Debug)]
pub(super) struct LockTable {
    shards: Box<[Mutex<Locked>]>,
    next_id: AtomicU64,
}

impl LockTable {
    pub(super) fn new() -> LockTable {
        LockTable { shards: (0..LOCK_SHARDS).map(|_| Mutex::new(HashMap::new())).collect(), next_id: AtomicU64::new(0) }
    }

    pub(super) fn lock(self: &Arc<Self>, key: CacheKey) -> CacheLock {
        let mut shard = self.shard(key);
        if let Some((_, receiver)) = shard.get(&key) {
            return CacheLock::Follower(LockWaiter { receiver: receiver.clone() });
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (sender, receiver) = watch::channel(());
        shard.insert(key, (id, receiver));
        CacheLock::Leader(LockGuard { table: Arc::clone(self), key, id, sender: Some(sender) })
    }

    /// Number of keys currently being fetched by a leader.
    pub(super) fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().unwrap_or_else(PoisonError::into_inner).len()).sum()
    }

    fn remove(&self, key: CacheKey, id: u64) {
        let mut shard = self.shard(key);
        if shard.get(&key).is_some_and(|(held, _)| *held == id) {
            shard.remove(&key);
        }
    }

    fn shard(&self, key: CacheKey) -> MutexGuard<'_, Locked> {
        // A panic while holding the mutex cannot leave the map half-updated (single calls).
        self.shards[key.0 as usize % self.shards.len()].lock().unwrap_or_else(PoisonError::into_inner)
    }
}
