//! A service as the edge runs it: the active program with its runtime state and
//! backends ([`Service`]), and the long-lived parts that survive activations — the cache,
//! the clock, the settings — behind a cloneable [`ServiceHandle`].
//!
//! Architecture Invariant: the active [`Service`] is an `Arc` in a slot; a request
//! clones the `Arc` once when it starts and finishes on that program even if
//! [`ServiceHandle::activate`] swaps in another meanwhile.
//!
//! Health checks belong to a version: its probes start when the service is built (on the
//! current tokio runtime) and stop when [`ServiceHandle::activate`] replaces it or the
//! service is dropped; the new version's backends start from their `.initial` state.
//!
//! Rate state is not: ratecounters, penalty boxes, counters and limiters live in the
//! handle's [`RateStore`] keyed by declaration name, and each version binds its
//! declarations to it, so a name the new version declares again keeps its counts (Fastly
//! keeps this state at the POP, by name; deploying a version does not reset it).

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use bytes::Bytes;

use super::clock::{Clock, SystemClock};
use super::ProxyError;
use crate::backend::Backends;
use crate::cache::{Cache, CacheKey};
use crate::interp::ratelimit_state::{RateState, RateStore};
use crate::interp::Runtime;
use crate::ir::Program;

/// Settings of one service on this node.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// `req.service_id`.
    pub service_id: String,
    /// `server.identity`, shown in `X-Served-By` (Fastly: `cache-{pop}{node}-{POP}`).
    pub server_identity: String,
    /// `server.datacenter`.
    pub datacenter: String,
    /// Bytes of cache memory.
    pub cache_size: usize,
    /// Larger origin bodies are delivered (streamed) but not cached (Fastly's limit for
    /// accounts created since 2020 is 20 MB).
    pub max_object_size: usize,
    /// Request bodies larger than this get a 413 (bodies are buffered so a restart can
    /// replay them).
    pub max_request_body: usize,
    /// How long a collapsed request waits for the leader's fetch before fetching on its
    /// own.
    pub collapse_wait: Duration,
    /// Hit-for-pass lifetime when the response's TTL is not positive (Fastly does not
    /// document it; its `beresp.ttl` otherwise).
    pub hit_for_pass_ttl: Duration,
    /// Geolocation databases for `client.geo.*` (`--geo-db`), shared by every version.
    pub geo: Option<Arc<crate::interp::geo::GeoDb>>,
    /// Streaming miss (Fastly's account-level setting; on by default here): the value
    /// `beresp.do_stream` starts with in `vcl_fetch`. Streamed bodies reach the client as
    /// they arrive and are stored once complete; VCL can turn it off per response.
    pub streaming_miss: bool,
    /// `server.region`, `server.billing_region` and `req.customer_id`, when configured.
    pub site: Option<Arc<crate::interp::state::SiteInfo>>,
    /// Where the lines of VCL's `log` statements go (`None`: the `lacquer::vcl_log`
    /// tracing target, on standard output).
    pub log_sink: Option<LogSink>,
}

/// Receives each line a request's VCL logged, once its `vcl_log` has run.
#[derive(Clone)]
pub struct LogSink(pub Arc<dyn Fn(Bytes) + Send + Sync>);

impl std::fmt::Debug for LogSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogSink")
    }
}

impl Default for ServiceConfig {
    fn default() -> ServiceConfig {
        ServiceConfig {
            service_id: "local".to_string(),
            server_identity: "cache-lcl1-LCL".to_string(),
            datacenter: "LCL".to_string(),
            cache_size: 256 << 20,
            max_object_size: 20 << 20,
            max_request_body: 8 << 20,
            collapse_wait: Duration::from_secs(15),
            hit_for_pass_ttl: Duration::from_secs(120),
            geo: None,
            streaming_miss: true,
            site: None,
            log_sink: None,
        }
    }
}

/// The active version of a service: its compiled program, the state its requests share
/// (rate counters), and its backends.
#[derive(Debug)]
pub struct Service {
    pub program: Arc<Program>,
    pub runtime: Runtime,
    pub backends: Backends,
    /// The service version (`req.vcl.version`): 1 for the first program a handle serves,
    /// one more for each activation.
    pub version: i64,
}

impl Service {
    /// Builds a service from a compiled program and starts its health checks; fails on a
    /// backend `serve` cannot use, or on probes with no tokio runtime to run on. Its rate
    /// declarations share the tables of the same names in `rate`.
    pub fn new(program: Arc<Program>, rate: &RateStore) -> Result<Service, ProxyError> {
        let backends = Backends::from_program(&program)?;
        backends.prober().spawn().map_err(ProxyError::Internal)?;
        let runtime =
            Runtime { rate: RateState::bind(rate, &program), health: backends.health().clone(), ..Runtime::default() };
        Ok(Service { program, runtime, backends, version: 1 })
    }
}

/// A service as the server holds it; cheap to clone.
#[derive(Clone)]
pub struct ServiceHandle {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    slot: RwLock<Arc<Service>>,
    pub(crate) cache: Cache,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) config: ServiceConfig,
    /// Rate tables by declaration name, shared by every version.
    rate: RateStore,
    /// `req.vcl.generation`: purge-all moves it on, so keys hashed with it change.
    generation: AtomicI64,
    purges: AtomicU64,
}

impl std::fmt::Debug for ServiceHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceHandle").field("service_id", &self.inner.config.service_id).finish()
    }
}

impl ServiceHandle {
    /// A handle serving `program` with the wall clock.
    pub fn new(program: Arc<Program>, config: ServiceConfig) -> Result<ServiceHandle, ProxyError> {
        ServiceHandle::with_clock(program, config, Arc::new(SystemClock))
    }

    /// A handle reading time from `clock` (tests pass a [`super::ManualClock`]).
    pub fn with_clock(
        program: Arc<Program>,
        config: ServiceConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<ServiceHandle, ProxyError> {
        let rate = RateStore::default();
        let mut service = Service::new(program, &rate)?;
        service.runtime.geo = config.geo.clone();
        let mut cache = Cache::new(config.cache_size as u64);
        cache.set_max_object_size(config.max_object_size as u64);
        Ok(ServiceHandle {
            inner: Arc::new(Inner {
                slot: RwLock::new(Arc::new(service)),
                cache,
                clock,
                config,
                rate,
                generation: AtomicI64::new(1),
                purges: AtomicU64::new(0),
            }),
        })
    }

    /// The active service (a request keeps this `Arc` until it finishes).
    pub fn current(&self) -> Arc<Service> {
        match self.inner.slot.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Swaps in a new program atomically (the control plane's activation seam), as the
    /// next version. The
    /// cache is kept, as Fastly keeps it across versions; in-flight requests finish on
    /// the program they started with.
    /// The old version's health checks stop here; its rate tables carry on under the
    /// names the new version declares.
    pub fn activate(&self, program: Arc<Program>) -> Result<(), ProxyError> {
        self.inner.rate.prune();
        let mut service = Service::new(program, &self.inner.rate)?;
        service.runtime.geo = self.inner.config.geo.clone();
        service.version = self.current().version + 1;
        let service = Arc::new(service);
        let old = match self.inner.slot.write() {
            Ok(mut s) => std::mem::replace(&mut *s, service),
            Err(poisoned) => std::mem::replace(&mut *poisoned.into_inner(), service),
        };
        old.backends.prober().stop();
        Ok(())
    }

    /// Runs one round of the active version's health checks now (tests drive probes this
    /// way instead of waiting for `.interval`).
    pub async fn probe_once(&self) {
        self.current().backends.prober().probe_once().await;
    }

    /// Stops the active version's health checks (shutdown).
    pub fn stop_probes(&self) {
        self.current().backends.prober().stop();
    }

    /// Purges every object tagged with a surrogate key; soft marks them stale instead.
    /// Returns how many objects were affected.
    pub fn purge_surrogate_key(&self, key: &[u8], soft: bool) -> usize {
        self.inner.cache.purge_surrogate(key, soft)
    }

    /// Purges the object a cache key names (the API's purge by URL computes the key).
    pub fn purge_key(&self, key: CacheKey, soft: bool) -> usize {
        self.inner.cache.purge(key, soft)
    }

    /// Purges everything: the cache is emptied and `req.vcl.generation` moves on
    /// (Fastly: purge-all increments the generation generated `vcl_hash` code adds).
    pub fn purge_all(&self) -> usize {
        self.inner.generation.fetch_add(1, Ordering::SeqCst);
        self.inner.cache.purge_all()
    }

    /// Objects and bytes in the cache.
    pub fn cache_usage(&self) -> (usize, u64) {
        (self.inner.cache.len(), self.inner.cache.weight())
    }

    pub fn config(&self) -> &ServiceConfig {
        &self.inner.config
    }

    pub(crate) fn now(&self) -> i64 {
        self.inner.clock.now()
    }

    pub(crate) fn generation(&self) -> i64 {
        self.inner.generation.load(Ordering::Relaxed)
    }

    /// A purge id for the edge `PURGE` answer.
    pub(crate) fn next_purge_id(&self) -> Bytes {
        let n = self.inner.purges.fetch_add(1, Ordering::Relaxed) + 1;
        Bytes::from(format!("{}-{}-{}", self.inner.config.service_id, self.now() / 1_000_000, n))
    }
}
