//! Fastly's request flow for one request: recv → hash → lookup → hit | miss | pass →
//! fetch → deliver → log, with `vcl_error` wherever an error is raised (by VCL or by
//! Fastly itself: unreachable origin, timeouts) and `restart` back to `vcl_recv` (at
//! most 3 times, Fastly's limit). `vcl_log` runs once the response body is over (sent,
//! failed, or abandoned by the client), as Fastly runs it after the response.
//!
//! Caching follows `reference/fastly-delivery-semantics.md`: the key is what `vcl_hash`
//! added; concurrent misses collapse behind one leader whose fetch runs in its own task
//! (a client that goes away does not cancel it); an uncacheable answer marks the key
//! hit-for-pass so waiters and later requests pass in parallel; a stale object inside
//! stale-while-revalidate is served at once while one background fetch refreshes it;
//! inside stale-if-error it is served when VCL says `deliver_stale` (or the backend is
//! sick). A stale object with an `ETag` or `Last-Modified` is revalidated: a `304` from
//! the origin refreshes it (`MISS-REFRESH`, no `vcl_fetch`). Bodies stream to the client
//! as they arrive (streaming miss, `beresp.do_stream`) and are stored once complete; a
//! body that fails midway is never stored. Accept-Encoding is normalised before
//! `vcl_recv`, and the debug headers of the generated macros (`Fastly-Debug-Path`,
//! `-TTL`, `Fastly-Tmp-Obj-*`) are kept as Fastly keeps them.
//!
//! The fetch goes to the backend `backend::Backends::select` chooses: `req.backend`
//! itself, or a member of the director it names, among the backends the health checks
//! call healthy and that have a free `.max_connections` slot; Fastly's generated 503s
//! ("Backend is unhealthy", "All backends failed or unhealthy", "Quorum weight not
//! reached", "backend.max_conn reached") otherwise.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use tokio::sync::mpsc;

use super::body::Body;
use super::compress::Encoding;
use super::deliver::{self, Payload};
use super::service::{Service, ServiceHandle};
use super::ProxyError;
use crate::backend::director::Pick;
use crate::backend::health::is_healthy;
use crate::backend::{read_body, BodyRead, BodyTimer, FetchError, Selected};
use crate::cache::{freshness, Cache, CacheKey, CacheLock, CachedObject, LockGuard, Lookup, StoredHeaders};
use crate::catalog::SubKind;
use crate::interp::state::{CacheMeta, Headers, Message, OriginConn, ReqState, StaleReason};
use crate::interp::value::render_rtime;
use crate::interp::{self, reason};
use crate::ir::Action;

/// Fastly: "Requests are limited to 3 restarts"; the 4th gives a 503.
const MAX_RESTARTS: i64 = 3;
/// Fastly: a URL over 8 KB skips VCL ("Too long request string", 414).
const MAX_URL: usize = 8192;

/// Hop-by-hop fields, never forwarded in either direction.
const HOP_BY_HOP: &[&[u8]] = &[
    b"connection",
    b"keep-alive",
    b"proxy-connection",
    b"te",
    b"trailer",
    b"transfer-encoding",
    b"upgrade",
    b"proxy-authenticate",
    b"proxy-authorization",
];

/// Conditional and range fields: a miss fetches the whole object, and the edge answers
/// 304 / 206 from it (Fastly strips `Range` from the origin request by default).
const MISS_STRIPPED: &[&[u8]] =
    &[b"range", b"if-range", b"if-none-match", b"if-modified-since", b"if-match", b"if-unmodified-since"];

/// What one request ended as, for the access log.
pub(crate) struct Finished {
    pub response: http::Response<Body>,
    pub state: &'static str,
}

/// Handles one downstream request.
pub(crate) async fn handle(
    handle: ServiceHandle,
    req: http::Request<Incoming>,
    peer: SocketAddr,
    local: SocketAddr,
    nth_on_connection: u64,
) -> Finished {
    let svc = handle.current();
    let (parts, body) = req.into_parts();
    if parts.uri.path_and_query().map_or(0, |p| p.as_str().len()) > MAX_URL {
        return simple(414, "Too long request string", "ERROR");
    }
    let limit = handle.config().max_request_body;
    let body = match Limited::new(body, limit).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            return simple(413, "Payload Too Large", "ERROR")
        }
        Err(e) => {
            tracing::debug!(error = %e, "downstream: request body failed");
            return simple(400, "Bad Request", "ERROR");
        }
    };
    let mut st = intake(&handle, &svc, &parts, peer, local);
    st.client_requests = nth_on_connection;
    let is_purge = parts.method.as_str().eq_ignore_ascii_case("PURGE");
    st.is_purge = is_purge;
    st.req_body = body.clone();
    let mut flow = Flow {
        cx: Cx { handle, svc },
        st,
        req_body: body,
        is_purge,
        passed: false,
        waited: false,
        stale: None,
        revalidate: None,
        key: None,
    };
    let response = flow.process().await;
    Finished { response, state: flow.st.fastly_state }
}

/// A plain response that never entered VCL (limits checked before `vcl_recv`).
pub(crate) fn simple(status: u16, text: &'static str, state: &'static str) -> Finished {
    let mut response = http::Response::new(Body::full(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::BAD_REQUEST);
    response.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/plain"));
    Finished { response, state }
}

/// `req.xid`: requests are numbered in the order they arrive, per process.
static NEXT_XID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Mixed with `req.xid` into each request's `fastly_info.request_id`: random per process,
/// so ids differ across restarts and cannot be guessed from the request count.
static REQUEST_ID_KEY: std::sync::LazyLock<u64> = std::sync::LazyLock::new(|| {
    std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), std::process::id())
});

/// The request state as Fastly has it when `vcl_recv` starts.
fn intake(
    handle: &ServiceHandle,
    svc: &Service,
    parts: &http::request::Parts,
    peer: SocketAddr,
    local: SocketAddr,
) -> ReqState {
    let now = handle.now();
    let config = handle.config();
    let mut st = ReqState::default();
    // Fastly: VCL sees a PURGE request as FASTLYPURGE.
    st.req.method = if parts.method.as_str().eq_ignore_ascii_case("PURGE") {
        Bytes::from_static(b"FASTLYPURGE")
    } else {
        Bytes::copy_from_slice(parts.method.as_str().as_bytes())
    };
    // Absolute-form (and HTTP/2) URIs: the path and query are the URL, the authority is
    // the host.
    st.req.url = Bytes::copy_from_slice(parts.uri.path_and_query().map_or("/", |p| p.as_str()).as_bytes());
    st.req.proto = Bytes::from_static(match parts.version {
        http::Version::HTTP_09 => b"HTTP/0.9",
        http::Version::HTTP_10 => b"HTTP/1.0",
        http::Version::HTTP_2 => b"HTTP/2",
        http::Version::HTTP_3 => b"HTTP/3",
        _ => b"HTTP/1.1",
    });
    let mut headers = Headers::new();
    for (name, value) in &parts.headers {
        if name == http::header::HOST {
            continue;
        }
        headers.add(name.as_str().as_bytes(), Bytes::copy_from_slice(value.as_bytes()));
    }
    let host = match parts.uri.authority() {
        Some(a) => Some(a.as_str().as_bytes().to_vec()),
        None => parts.headers.get(http::header::HOST).map(|h| h.as_bytes().to_vec()),
    };
    st.client_host = parts.headers.get(http::header::HOST).map(|h| Bytes::copy_from_slice(h.as_bytes()));
    if let Some(mut host) = host {
        // Fastly lower-cases Host before vcl_recv (the default key includes it).
        host.make_ascii_lowercase();
        headers.set(b"host", Bytes::from(host));
    }
    headers.set(b"fastly-client-ip", Bytes::from(peer.ip().to_string()));
    normalize_accept_encoding(&mut headers);
    st.req.headers = headers;
    st.client_ip = peer.ip();
    st.server_ip = local.ip();
    // The listener puts the connection's TLS facts on requests that came over HTTPS.
    if let Some(tls) = parts.extensions.get::<crate::interp::state::TlsClient>() {
        st.is_tls = true;
        st.tls_client = Some(tls.clone());
        // Fastly: `Fastly-SSL: 1` on requests that arrived over TLS, unless already present.
        if st.req.headers.get(b"fastly-ssl").is_none() {
            st.req.headers.set(b"fastly-ssl", Bytes::from_static(b"1"));
        }
    }
    st.client_port = peer.port();
    st.server_port = local.port();
    st.xid = NEXT_XID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    st.request_id = crate::interp::builtins::math::splitmix64(st.xid ^ *REQUEST_ID_KEY);
    st.server_identity = Bytes::from(config.server_identity.clone());
    st.server_hostname = Bytes::from(config.server_identity.clone());
    st.server_datacenter = Bytes::from(config.datacenter.clone());
    st.service_id = Bytes::from(config.service_id.clone());
    st.vcl_generation = handle.generation();
    st.vcl_version = svc.version;
    st.site = config.site.clone();
    st.time_start = now;
    st.now = now;
    st.rng ^= (now as u64).rotate_left(17) ^ u64::from(peer.port());
    st.backend = svc.backends.default_index();
    st
}

/// The parts a fetch task needs ('static, cheap to clone).
#[derive(Clone)]
struct Cx {
    handle: ServiceHandle,
    svc: Arc<Service>,
}

impl Cx {
    /// Runs a built-in subroutine; a runtime fault is returned as its message.
    fn run(&self, kind: SubKind, st: &mut ReqState) -> Result<Action, String> {
        st.now = self.handle.now();
        interp::run(&self.svc.program, kind, st, &self.svc.runtime).map_err(|f| {
            tracing::error!(sub = kind.sub_name(), fault = %f, url = %String::from_utf8_lossy(&st.req.url), "VCL runtime fault");
            f.to_string()
        })
    }
}

/// Why `vcl_error` runs.
#[derive(Debug)]
enum ErrorCause {
    /// `error STATUS "MESSAGE"` in VCL.
    Vcl { status: i64, message: Bytes },
    /// A 503 Fastly generates (origin unreachable, timeouts), with its `obj.response`.
    Generated(&'static str),
}

/// Where the flow goes next.
enum Step {
    Restart,
    Error(ErrorCause),
    Deliver(Payload),
    /// A finished response that skips the rest of VCL (purge answer, runtime fault).
    Respond(http::Response<Body>),
}

/// What a fetch (and `vcl_fetch`) ended in.
enum Fetched {
    Deliver(Payload),
    /// The response head is ready and its body is to be streamed (and stored) as it
    /// arrives; `fetch` starts the task that does it.
    Stream(Box<Streamed>),
    /// `return(deliver_stale)` with a usable stale object.
    DeliverStale,
    Error(ErrorCause),
    Restart,
    Fault(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Miss,
    Pass,
}

struct Flow {
    cx: Cx,
    st: ReqState,
    req_body: Bytes,
    is_purge: bool,
    /// The request passed (from recv, hit, miss or hit-for-pass): nothing is stored and
    /// conditional/range fields went to the origin.
    passed: bool,
    /// The request waited behind another's fetch (`-WAIT`).
    waited: bool,
    /// A stale copy of the object, for `deliver_stale` and sick backends.
    stale: Option<Arc<CachedObject>>,
    /// The stale object a miss revalidates (it has an `ETag` or `Last-Modified`).
    revalidate: Option<Arc<CachedObject>>,
    key: Option<CacheKey>,
}

impl Flow {
    async fn process(&mut self) -> http::Response<Body> {
        loop {
            let mut step = self.recv().await;
            if let Step::Error(cause) = step {
                step = self.error(cause);
            }
            let restart = match step {
                Step::Respond(r) => return r,
                Step::Restart => true,
                Step::Deliver(payload) => match self.deliver(payload) {
                    Ok(r) => return r,
                    Err(()) => true,
                },
                Step::Error(_) => {
                    return self.fault("unexpected error step");
                }
            };
            if restart && !self.restart() {
                tracing::warn!(url = %String::from_utf8_lossy(&self.st.req.url), "restart limit (3) exceeded");
                return self.fault("restart limit exceeded");
            }
        }
    }

    /// `restart`: keeps `req` (with its changes), drops everything else.
    fn restart(&mut self) -> bool {
        if self.st.restarts >= MAX_RESTARTS {
            return false;
        }
        self.st.restarts += 1;
        self.st.bereq = Message::default();
        self.st.beresp = Message::default();
        self.st.obj = Message::default();
        self.st.resp = Message::default();
        self.st.cache = CacheMeta::default();
        self.st.fetched_from = None;
        self.st.synthetic = None;
        self.st.hash_input.clear();
        self.st.fastly_state = "NONE";
        self.st.stale_exists = false;
        self.st.resp_stale = None;
        self.st.bereq_timeouts = [None; 4];
        self.passed = false;
        self.waited = false;
        self.stale = None;
        self.revalidate = None;
        self.key = None;
        true
    }

    /// A Fastly-style 503 for a request VCL could not finish (runtime fault, restart
    /// limit); `vcl_error` does not run, as on Fastly's workspace overflows.
    fn fault(&mut self, why: &str) -> http::Response<Body> {
        self.st.fastly_state = "ERROR";
        self.st.obj = Message {
            status: 503,
            response: Bytes::from_static(b"Service Unavailable"),
            proto: Bytes::from_static(b"HTTP/1.1"),
            ..Message::default()
        };
        tracing::debug!(why, "responding 503");
        deliver::synthetic_fault(&self.st, &self.cx.handle)
    }

    async fn recv(&mut self) -> Step {
        self.st.fastly_state = "NONE";
        let recv = match self.cx.run(SubKind::Recv, &mut self.st) {
            Ok(a) => a,
            Err(f) => return Step::Respond(self.fault(&f)),
        };
        if recv == Action::Restart {
            return Step::Restart;
        }
        // Fastly computes the key on every path (pass and error included).
        self.st.hash_input.clear();
        if self.cx.svc.program.entry(SubKind::Hash).is_some() {
            if let Err(f) = self.cx.run(SubKind::Hash, &mut self.st) {
                return Step::Respond(self.fault(&f));
            }
        } else {
            default_hash(&mut self.st);
        }
        let key = CacheKey::from_hash_input(&self.st.hash_input);
        self.key = Some(key);
        match recv {
            Action::Error { status, message } => return Step::Error(ErrorCause::Vcl { status, message }),
            _ if self.is_purge => return Step::Respond(self.purge(key)),
            Action::Pass | Action::Pipe => return self.pass().await,
            _ => {}
        }
        let now = self.cx.handle.now();
        if self.cx.handle.inner.cache.is_hit_for_pass(key, now) {
            self.st.fastly_state = "HITPASS";
            return self.pass().await;
        }
        self.lookup(key).await
    }

    /// `PURGE`: purges the object the URL maps to (the key `vcl_hash` computed) and
    /// answers as Fastly does.
    fn purge(&mut self, key: CacheKey) -> http::Response<Body> {
        let soft = self.st.req.headers.contains(b"fastly-soft-purge");
        let purged = self.cx.handle.purge_key(key, soft);
        let id = self.cx.handle.next_purge_id();
        tracing::info!(url = %String::from_utf8_lossy(&self.st.req.url), soft, purged, "purge");
        let body = format!("{{\"status\": \"ok\", \"id\": \"{}\"}}", String::from_utf8_lossy(&id));
        let mut r = http::Response::new(Body::full(Bytes::from(body)));
        r.headers_mut().insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
        self.st.resp.status = 200;
        r
    }

    /// Cache lookup with request collapsing.
    async fn lookup(&mut self, key: CacheKey) -> Step {
        let deadline = Instant::now() + self.cx.handle.config().collapse_wait;
        loop {
            let now = self.cx.handle.now();
            let found = if self.st.hash_always_miss { Lookup::Miss } else { self.cache_lookup(key, now) };
            // `hash_always_miss` and `hash_ignore_busy` make stale objects unusable.
            let stale_usable = !self.st.hash_always_miss && !self.st.hash_ignore_busy;
            match found {
                Lookup::Fresh(obj) => return self.hit(obj, if self.waited { "HIT-WAIT" } else { "HIT" }).await,
                Lookup::Stale(obj) if stale_usable => {
                    self.st.stale_exists = true;
                    if has_validators(&obj) {
                        self.revalidate = Some(obj.clone());
                    }
                    if obj.in_swr_for(now, self.st.max_stale_while_revalidate) {
                        self.refresh_in_background(key, &obj);
                        self.st.resp_stale = Some(StaleReason::Revalidating);
                        return self.hit(obj, "HIT").await;
                    }
                    if obj.in_sie_for(now, self.st.max_stale_if_error) {
                        if self.backend_sick() {
                            // Fastly: a sick backend serves stale automatically.
                            self.st.resp_stale = Some(StaleReason::Error);
                            return self.hit(obj, "HIT-STALE").await;
                        }
                        self.stale = Some(obj);
                    }
                }
                _ => {}
            }
            if self.waited && self.cx.handle.inner.cache.is_hit_for_pass(key, now) {
                self.st.fastly_state = "HITPASS";
                return self.pass().await;
            }
            if self.st.hash_ignore_busy {
                return self.miss(key, None).await;
            }
            match self.cx.handle.inner.cache.lock(key) {
                CacheLock::Leader(guard) => {
                    // Someone may have stored the object between the lookup and the lock.
                    if !self.st.hash_always_miss {
                        if let Lookup::Fresh(obj) = self.cache_lookup(key, self.cx.handle.now()) {
                            drop(guard);
                            return self.hit(obj, "HIT").await;
                        }
                    }
                    return self.miss(key, Some(guard)).await;
                }
                CacheLock::Follower(waiter) => {
                    self.waited = true;
                    let left = deadline.saturating_duration_since(Instant::now());
                    if tokio::time::timeout(left, waiter.wait()).await.is_err() {
                        tracing::warn!(url = %String::from_utf8_lossy(&self.st.req.url), "collapsed request waited too long; fetching on its own");
                        return self.miss(key, None).await;
                    }
                }
            }
        }
    }

    fn cache_lookup(&self, key: CacheKey, now: i64) -> Lookup {
        let headers = &self.st.req.headers;
        self.cx.handle.inner.cache.lookup(key, &|name: &[u8]| headers.get(name).cloned(), now)
    }

    /// Whether the request's backend (or director) is sick: by its health checks and
    /// connection room, or a test's mock.
    fn backend_sick(&self) -> bool {
        let svc = &self.cx.svc;
        self.st
            .backend
            .or(svc.backends.default_index())
            .is_some_and(|b| !is_healthy(&svc.program, svc.backends.health(), &self.st.sick_backends, b))
    }

    /// Stale-while-revalidate: one background fetch per key (whoever takes the lock).
    fn refresh_in_background(&self, key: CacheKey, stale: &Arc<CachedObject>) {
        let CacheLock::Leader(guard) = self.cx.handle.inner.cache.lock(key) else { return };
        let cx = self.cx.clone();
        let mut st = self.st.clone();
        let revalidate = has_validators(stale).then(|| stale.clone());
        tokio::spawn(async move {
            st.is_background_fetch = true;
            build_bereq(&mut st, Mode::Miss);
            add_validators(&mut st.bereq.headers, revalidate.as_deref());
            st.fastly_state = "MISS";
            match cx.run(SubKind::Miss, &mut st) {
                Ok(Action::Fetch | Action::Deliver) => {}
                _ => return,
            }
            let stale = Stale { usable: false, revalidate };
            match fetch(cx, st, Bytes::new(), Some(key), Some(guard), Mode::Miss, stale).await.1 {
                Fetched::Deliver(_) => tracing::debug!("background revalidation done"),
                Fetched::Error(cause) => tracing::warn!(?cause, "BG-ERROR: background revalidation failed"),
                _ => {}
            }
        });
    }

    async fn hit(&mut self, obj: Arc<CachedObject>, state: &'static str) -> Step {
        let now = self.cx.handle.now();
        let lastuse = obj.record_hit(now);
        load_obj(&mut self.st, &obj, now);
        self.st.cache.lastuse = lastuse;
        self.st.fastly_state = state;
        // The HIT macro: the object's TTL and grace, for `Fastly-Debug-TTL` in deliver.
        let (ttl, grace) = (render_rtime(self.st.cache.ttl), render_rtime(self.st.cache.grace));
        static TMP_TTL: Bytes = Bytes::from_static(b"Fastly-Tmp-Obj-TTL");
        static TMP_GRACE: Bytes = Bytes::from_static(b"Fastly-Tmp-Obj-Grace");
        self.st.req.headers.set_shared(&TMP_TTL, Bytes::from(ttl));
        self.st.req.headers.set_shared(&TMP_GRACE, Bytes::from(grace));
        match self.cx.run(SubKind::Hit, &mut self.st) {
            Err(f) => Step::Respond(self.fault(&f)),
            Ok(Action::Pass) => self.pass().await,
            Ok(Action::Error { status, message }) => Step::Error(ErrorCause::Vcl { status, message }),
            Ok(Action::Restart) => Step::Restart,
            Ok(_) => {
                // Fastly: writing 0 to `obj.ttl` in vcl_hit purges the object.
                if self.st.cache.ttl <= 0 && obj.is_fresh(now) {
                    if let Some(key) = self.key {
                        self.cx.handle.purge_key(key, false);
                    }
                }
                Step::Deliver(Payload::Cached(obj))
            }
        }
    }

    async fn miss(&mut self, key: CacheKey, guard: Option<LockGuard>) -> Step {
        // The MISS macro forgets what a hit before a restart saw.
        self.st.req.headers.remove(b"Fastly-Tmp-Obj-TTL");
        self.st.req.headers.remove(b"Fastly-Tmp-Obj-Grace");
        build_bereq(&mut self.st, Mode::Miss);
        add_validators(&mut self.st.bereq.headers, self.revalidate.as_deref());
        self.st.fastly_state = if self.waited { "MISS-WAIT" } else { "MISS" };
        match self.cx.run(SubKind::Miss, &mut self.st) {
            Err(f) => Step::Respond(self.fault(&f)),
            Ok(Action::Pass) => {
                drop(guard);
                self.passed = true;
                self.st.fastly_state = "PASS";
                self.run_pass_sub().await
            }
            Ok(Action::Error { status, message }) => Step::Error(ErrorCause::Vcl { status, message }),
            Ok(Action::DeliverStale) if self.usable_stale().is_some() => {
                drop(guard);
                self.deliver_stale()
            }
            Ok(_) => self.fetch(Some(key), guard, Mode::Miss).await,
        }
    }

    /// The pass path: a fresh `bereq` from `req`, then `vcl_pass`.
    async fn pass(&mut self) -> Step {
        self.passed = true;
        // A stale hit that VCL turned into a pass delivers a fresh response.
        self.st.resp_stale = None;
        build_bereq(&mut self.st, Mode::Pass);
        self.st.fastly_state = "PASS";
        self.run_pass_sub().await
    }

    async fn run_pass_sub(&mut self) -> Step {
        match self.cx.run(SubKind::Pass, &mut self.st) {
            Err(f) => Step::Respond(self.fault(&f)),
            Ok(Action::Error { status, message }) => Step::Error(ErrorCause::Vcl { status, message }),
            Ok(_) => self.fetch(None, None, Mode::Pass).await,
        }
    }

    /// Fetches and runs `vcl_fetch`. A leader's fetch runs in its own task, so a client
    /// going away does not cancel the fetch its followers wait for.
    async fn fetch(&mut self, key: Option<CacheKey>, guard: Option<LockGuard>, mode: Mode) -> Step {
        let body = if mode == Mode::Pass { self.req_body.clone() } else { Bytes::new() };
        let stale = Stale {
            usable: self.usable_stale().is_some(),
            revalidate: if mode == Mode::Miss { self.revalidate.clone() } else { None },
        };
        let st = std::mem::take(&mut self.st);
        let (st, fetched) = if guard.is_some() {
            match tokio::spawn(fetch(self.cx.clone(), st, body, key, guard, mode, stale)).await {
                Ok(r) => r,
                Err(e) => {
                    // The state went with the task; answer from what is left.
                    return Step::Respond(self.fault(&format!("fetch task failed: {e}")));
                }
            }
        } else {
            fetch(self.cx.clone(), st, body, key, guard, mode, stale).await
        };
        self.st = st;
        match fetched {
            Fetched::Deliver(p) => Step::Deliver(p),
            // `fetch` starts streams itself; one reaching here has no lock to hand over.
            Fetched::Stream(job) => Step::Deliver(stream_body(&self.cx, job, None)),
            Fetched::DeliverStale => self.deliver_stale(),
            Fetched::Error(cause) => Step::Error(cause),
            Fetched::Restart => Step::Restart,
            Fetched::Fault(f) => Step::Respond(self.fault(&f)),
        }
    }

    /// The stale copy, if still inside its stale-if-error (or SWR) window.
    fn usable_stale(&self) -> Option<Arc<CachedObject>> {
        let now = self.cx.handle.now();
        let (sie, swr) = (self.st.max_stale_if_error, self.st.max_stale_while_revalidate);
        self.stale.clone().filter(|o| o.in_sie_for(now, sie) || o.in_swr_for(now, swr))
    }

    fn deliver_stale(&mut self) -> Step {
        match self.usable_stale() {
            Some(obj) => {
                let now = self.cx.handle.now();
                load_obj(&mut self.st, &obj, now);
                self.st.fastly_state = "HIT-STALE";
                self.st.resp_stale = Some(StaleReason::Error);
                Step::Deliver(Payload::Cached(obj))
            }
            None => Step::Error(ErrorCause::Generated("backend read error")),
        }
    }

    /// `vcl_error` with a synthetic `obj`.
    fn error(&mut self, cause: ErrorCause) -> Step {
        let (status, message, generated) = match cause {
            ErrorCause::Vcl { status, message } => (status, message, false),
            ErrorCause::Generated(text) => (503, Bytes::from_static(text.as_bytes()), true),
        };
        self.st.obj =
            Message { status, response: message, proto: Bytes::from_static(b"HTTP/1.1"), ..Message::default() };
        self.st.synthetic = None;
        self.st.fastly_state = "ERROR";
        let action = match self.cx.run(SubKind::Error, &mut self.st) {
            Ok(a) => a,
            Err(f) => return Step::Respond(self.fault(&f)),
        };
        match action {
            Action::Restart => Step::Restart,
            Action::DeliverStale if self.usable_stale().is_some() => self.deliver_stale(),
            _ => {
                self.st.fastly_state = if self.st.obj.status >= 400 { "ERROR" } else { "HIT-SYNTH" };
                let body = match self.st.synthetic.take() {
                    Some(b) => b,
                    None if generated => {
                        if !self.st.obj.headers.contains(b"content-type") {
                            self.st.obj.headers.set(b"Content-Type", Bytes::from_static(b"text/html; charset=utf-8"));
                        }
                        deliver::guru_meditation(&self.st)
                    }
                    None => Bytes::new(),
                };
                Step::Deliver(Payload::Synthetic(body))
            }
        }
    }

    /// `vcl_deliver`, then the response, whose body runs `vcl_log` when it is over. `Err`
    /// is a restart.
    fn deliver(&mut self, payload: Payload) -> Result<http::Response<Body>, ()> {
        let now = self.cx.handle.now();
        deliver::prepare_resp(&mut self.st, &payload, now);
        match self.cx.run(SubKind::Deliver, &mut self.st) {
            Ok(Action::Restart) => return Err(()),
            Ok(_) => {}
            Err(f) => return Ok(self.fault(&f)),
        }
        let conditional =
            !self.passed && matches!(payload, Payload::Cached(_) | Payload::Fetched(BodyRead::Complete(_), _, _));
        let response = deliver::respond(&self.st, payload, conditional);
        // Fastly runs vcl_log "after the response to the client has finished": when the
        // body is over (or the client gone), with what was sent. The request's state goes
        // with the body; the flow keeps what the access log reads.
        let keep = ReqState { fastly_state: self.st.fastly_state, ..ReqState::default() };
        let mut st = std::mem::replace(&mut self.st, keep);
        let cx = self.cx.clone();
        let log = move |sent: u64, completed: bool| {
            st.resp_body_bytes = sent;
            st.resp_completed = completed;
            let _ = cx.run(SubKind::Log, &mut st);
            // `log` lines of every subroutine go to the log target.
            let sink = cx.handle.config().log_sink.as_ref();
            for line in st.log.drain(..) {
                match sink {
                    Some(sink) => (sink.0)(line),
                    None => tracing::info!(target: "lacquer::vcl_log", "{}", String::from_utf8_lossy(&line)),
                }
            }
        };
        Ok(response.map(|body| Body::watched(body, Box::new(log))))
    }
}

/// Fastly's default `vcl_hash` (no custom one): the URL, the host and the generation.
fn default_hash(st: &mut ReqState) {
    st.hash_input.extend_from_slice(&st.req.url);
    if let Some(host) = st.req.headers.get(b"host") {
        st.hash_input.extend_from_slice(host);
    }
    st.hash_input.extend_from_slice(st.vcl_generation.to_string().as_bytes());
}

/// `bereq` from `req`, as Fastly builds it when entering `vcl_miss` / `vcl_pass`.
fn build_bereq(st: &mut ReqState, mode: Mode) {
    let mut headers = st.req.headers.clone();
    headers.retain(|name, _| !HOP_BY_HOP.iter().any(|h| name.eq_ignore_ascii_case(h)));
    if mode == Mode::Miss {
        headers.retain(|name, _| !MISS_STRIPPED.iter().any(|h| name.eq_ignore_ascii_case(h)));
    }
    // X-Forwarded-For gains the client address, as Fastly's BEREQ block arranges.
    let client = st.client_ip.to_string();
    let xff = match headers.get(b"x-forwarded-for") {
        Some(v) if !v.is_empty() => format!("{}, {client}", String::from_utf8_lossy(v)),
        _ => client,
    };
    headers.set(b"x-forwarded-for", Bytes::from(xff));
    // A miss fetches the object for every method that looks it up (HEAD included).
    let method = if mode == Mode::Miss && (st.req.method == "HEAD" || st.req.method == "FASTLYPURGE") {
        Bytes::from_static(b"GET")
    } else {
        st.req.method.clone()
    };
    st.bereq = Message {
        method,
        url: st.req.url.clone(),
        proto: Bytes::from_static(b"HTTP/1.1"),
        headers,
        ..Message::default()
    };
}

/// Fastly's Accept-Encoding normalization before `vcl_recv` (Accept-Encoding header
/// reference, "Normalization"): the original value goes to `Fastly-Orig-Accept-Encoding`,
/// then a value mentioning gzip becomes `gzip`, one mentioning deflate becomes `deflate`,
/// and any other is removed, so a `Vary: Accept-Encoding` object has at most three
/// variants. Fastly also removes the header for user agents "that have problems with
/// compressed responses" without publishing the pattern; lacquer does not guess one.
fn normalize_accept_encoding(headers: &mut Headers) {
    let Some(original) = headers.get(b"accept-encoding").cloned() else { return };
    headers.set(b"Fastly-Orig-Accept-Encoding", original.clone());
    let mentions = |what: &[u8]| original.windows(what.len()).any(|w| w.eq_ignore_ascii_case(what));
    if mentions(b"gzip") {
        headers.set(b"Accept-Encoding", Bytes::from_static(b"gzip"));
    } else if mentions(b"deflate") {
        headers.set(b"Accept-Encoding", Bytes::from_static(b"deflate"));
    } else {
        headers.remove(b"Accept-Encoding");
    }
}

/// `obj.*` from a cached object.
fn load_obj(st: &mut ReqState, obj: &CachedObject, now: i64) {
    let mut headers = Headers::new();
    for (n, v) in obj.headers.iter_shared() {
        headers.add(&n, v);
    }
    st.obj = Message {
        status: i64::from(obj.status),
        response: Bytes::from_static(reason(i64::from(obj.status)).as_bytes()),
        proto: Bytes::from_static(b"HTTP/1.1"),
        headers,
        ..Message::default()
    };
    st.cache = CacheMeta {
        ttl: obj.remaining_ttl(now),
        grace: obj.stale_while_revalidate,
        stale_if_error: obj.stale_if_error,
        stale_while_revalidate: obj.stale_while_revalidate,
        cacheable: true,
        hits: obj.hits() as i64,
        stored_at: obj.stored_at,
        age: obj.age(now),
        lastuse: 0,
        pci: obj.memory_only,
        hipaa: obj.memory_only,
    };
}

/// `bereq.first_byte_timeout` (slot 1), `bereq.between_bytes_timeout` (slot 2) or
/// `bereq.fetch_timeout` (slot 3) as VCL left them; `None` when VCL did not set them (the
/// backend's own apply). The connect timeout is the backend pool's.
fn vcl_timeout(st: &ReqState, slot: usize) -> Option<Duration> {
    st.bereq_timeouts[slot].map(|ns| Duration::from_nanos(ns.max(0) as u64))
}

/// Chooses the backend (through the director, if `req.backend` is one) and sends the
/// request; the response comes with the timer for its body. A connection failure to a
/// director's member tries another one while the director allows (random: `.retries`;
/// fallback: the next member).
async fn send_to_backend(
    cx: &Cx,
    st: &mut ReqState,
    body: Bytes,
) -> Result<(Selected, http::Response<Incoming>, BodyTimer), ErrorCause> {
    let svc = &cx.svc;
    let client_key = match &st.client_identity {
        Some(id) => id.clone(),
        None => Bytes::from(st.client_ip.to_string()),
    };
    let mut tried: Vec<u32> = Vec::new();
    loop {
        let random = svc.backends.next_random();
        let pick = Pick { object_key: &st.hash_input, client_key: &client_key, random, tried: &tried };
        let selected = match svc.backends.select(&svc.program, st.backend, &st.sick_backends, &pick) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(error = %e, "no backend for the fetch");
                return Err(ErrorCause::Generated(e.obj_response()));
            }
        };
        let request = match origin_request(st, &selected.backend, body.clone()) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "invalid backend request");
                return Err(ErrorCause::Generated("backend read error"));
            }
        };
        let backend = &selected.backend;
        let first_byte_timeout = vcl_timeout(st, 1).unwrap_or(backend.first_byte_timeout);
        // `bereq.fetch_timeout` (0: none) runs from here to the body's last byte.
        let fetch_timeout = vcl_timeout(st, 3).filter(|t| !t.is_zero());
        let timer = BodyTimer::start(vcl_timeout(st, 2).unwrap_or(backend.between_bytes_timeout), fetch_timeout);
        match backend.send(request, first_byte_timeout, &timer).await {
            Ok(response) => return Ok((selected, response, timer)),
            Err(e) => {
                tracing::warn!(backend = %backend.name, error = %e, "origin fetch failed");
                let connect = matches!(e, FetchError::Connect { .. } | FetchError::ConnectTimeout { .. });
                match selected.director {
                    Some((director, attempts)) if connect => {
                        tried.push(selected.index);
                        if tried.len() >= attempts {
                            // Fastly: "All backends failed or unhealthy" when no member
                            // gave a valid response.
                            let chash = svc
                                .program
                                .backends
                                .get(director as usize)
                                .and_then(|b| b.director.as_ref())
                                .is_some_and(|d| d.kind == crate::ir::DirectorKind::Chash);
                            return Err(ErrorCause::Generated(if chash {
                                "All backends failed or unhealthy (chash)"
                            } else {
                                "All backends failed or unhealthy"
                            }));
                        }
                    }
                    _ => return Err(ErrorCause::Generated(e.obj_response())),
                }
            }
        }
    }
}

/// The fetch and `vcl_fetch`, owning the request state so it can run in its own task.
async fn fetch(
    cx: Cx,
    mut st: ReqState,
    body: Bytes,
    key: Option<CacheKey>,
    guard: Option<LockGuard>,
    mode: Mode,
    stale: Stale,
) -> (ReqState, Fetched) {
    let fetched = match fetch_inner(&cx, &mut st, body, key, mode, stale).await {
        // The guard goes with the body: followers wake once the object is stored (or the
        // key marked hit-for-pass), not when the head arrives.
        Fetched::Stream(job) => Fetched::Deliver(stream_body(&cx, job, guard)),
        // Followers wake only now: the object is stored or the key marked hit-for-pass.
        other => {
            drop(guard);
            other
        }
    };
    (st, fetched)
}

async fn fetch_inner(
    cx: &Cx,
    st: &mut ReqState,
    body: Bytes,
    key: Option<CacheKey>,
    mode: Mode,
    stale: Stale,
) -> Fetched {
    let has_stale = stale.usable;
    let started = Instant::now();
    let (selected, response, timer) = match send_to_backend(cx, st, body).await {
        Ok(sent) => sent,
        Err(cause) => return Fetched::Error(cause),
    };
    // `beresp.backend.*`: the backend and, when the connector reports them, both ends of
    // the connection.
    let conn = response.extensions().get::<hyper_util::client::legacy::connect::HttpInfo>();
    let facts = response.extensions().get::<crate::backend::ConnFacts>();
    let requests = facts.map_or(1, |f| f.requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
    st.fetched_from = Some(OriginConn {
        backend: selected.index,
        remote: conn.map(|c| c.remote_addr()),
        local: conn.map(|c| c.local_addr()),
        tls_protocol: facts.and_then(|f| f.tls_protocol),
        requests,
        handshake_ms: match facts {
            Some(f) if requests == 1 => i64::try_from(f.handshake.as_millis()).unwrap_or(i64::MAX),
            _ => 0,
        },
    });
    // The connection slot is held until the body is read (or handed to the client).
    let backend = selected.backend.clone();
    let _slot = selected.slot;
    tracing::debug!(backend = %backend.name, status = response.status().as_u16(), first_byte_ms = started.elapsed().as_millis() as u64, "origin answered");
    let (parts, incoming) = response.into_parts();
    let now = cx.handle.now();
    st.now = now;
    if let (304, Some(old), Some(key), Mode::Miss) = (parts.status.as_u16(), &stale.revalidate, key, mode) {
        return refresh(cx, st, key, old, &parts.headers, now);
    }
    // beresp, and what Fastly computes before vcl_fetch.
    let mut headers = Headers::new();
    let mut pairs = Vec::with_capacity(parts.headers.len());
    for (name, value) in &parts.headers {
        let n = Bytes::copy_from_slice(name.as_str().as_bytes());
        let v = Bytes::copy_from_slice(value.as_bytes());
        pairs.push((n.clone(), v.clone()));
        if HOP_BY_HOP.iter().any(|h| name.as_str().as_bytes().eq_ignore_ascii_case(h)) {
            continue;
        }
        headers.add(&n, v);
    }
    let status = parts.status.as_u16();
    let content_length =
        parts.headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let reason_phrase = parts
        .extensions
        .get::<hyper::ext::ReasonPhrase>()
        .map(|r| Bytes::copy_from_slice(r.as_bytes()))
        .unwrap_or_else(|| Bytes::from_static(reason(i64::from(status)).as_bytes()));
    st.beresp = Message {
        status: i64::from(status),
        response: reason_phrase,
        proto: Bytes::from_static(b"HTTP/1.1"),
        headers,
        ..Message::default()
    };
    let f = freshness::from_response(status, &pairs, now);
    st.cache = CacheMeta {
        ttl: f.ttl,
        grace: f.stale_while_revalidate,
        stale_if_error: f.stale_if_error,
        stale_while_revalidate: f.stale_while_revalidate,
        // Fastly: a fetch caused by a pass is never cacheable.
        cacheable: f.cacheable && mode == Mode::Miss,
        hits: 0,
        stored_at: now,
        age: f.initial_age,
        lastuse: 0,
        pci: false,
        hipaa: false,
    };
    st.edge.do_stream = cx.handle.config().streaming_miss;
    // The FETCH macro: this node ran vcl_fetch (`Fastly-Debug-Path`, §7).
    let fetch_entry =
        format!("(F {} {}) ", String::from_utf8_lossy(&st.server_identity), now.div_euclid(freshness::SECOND));
    deliver::prepend(&mut st.beresp.headers, b"Fastly-Debug-Path", fetch_entry);
    let action = match cx.run(SubKind::Fetch, st) {
        Ok(a) => a,
        Err(f) => return Fetched::Fault(f),
    };
    let hfp = |st: &ReqState| {
        if let (Some(key), Mode::Miss) = (key, mode) {
            let ttl =
                if st.cache.ttl > 0 { st.cache.ttl } else { cx.handle.config().hit_for_pass_ttl.as_nanos() as i64 };
            cx.handle.inner.cache.mark_hit_for_pass(key, ttl, cx.handle.now());
        }
    };
    let store = match action {
        Action::Error { status, message } => return Fetched::Error(ErrorCause::Vcl { status, message }),
        Action::Restart => return Fetched::Restart,
        Action::DeliverStale if has_stale => return Fetched::DeliverStale,
        Action::Pass | Action::HitForPass => {
            hfp(st);
            false
        }
        _ => {
            let storable = mode == Mode::Miss && st.cache.cacheable;
            if !storable {
                // Uncacheable: let waiters and later requests pass in parallel rather than
                // queue behind one fetch after another.
                hfp(st);
            }
            storable
        }
    };
    let limit = cx.handle.config().max_object_size;
    // A conditional or range request is answered from the whole body (304, 206), so it
    // is read before delivery even when streaming.
    // ... and so is one the edge compresses.
    let encoding = Encoding::requested(st.edge.gzip, st.edge.brotli, st.beresp.status, &st.beresp.headers);
    let whole_body_needed = encoding.is_some()
        || [&b"range"[..], b"if-none-match", b"if-modified-since"].iter().any(|h| st.req.headers.contains(h));
    if st.edge.do_stream && !whole_body_needed {
        let store = match (store, key) {
            (true, Some(key)) => match object(st, Bytes::new(), now) {
                Some(template) => Some((key, template)),
                None => {
                    hfp(st);
                    None
                }
            },
            _ => None,
        };
        let hit_for_pass_ttl =
            if st.cache.ttl > 0 { st.cache.ttl } else { cx.handle.config().hit_for_pass_ttl.as_nanos() as i64 };
        return Fetched::Stream(Box::new(Streamed {
            incoming,
            timer,
            len: content_length,
            store,
            limit: limit as u64,
            hit_for_pass_ttl,
            slot: _slot,
        }));
    }
    let read = match read_body(incoming, limit, &timer).await {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!(backend = %backend.name, error = %e, "origin body failed; not stored");
            return Fetched::Error(ErrorCause::Generated(e.obj_response()));
        }
    };
    let mut content_length = content_length;
    let body = match read {
        BodyRead::Complete(b) => match encoding {
            Some(enc) => {
                let compressed = enc.compress(&b);
                st.beresp.headers.set(b"Content-Encoding", Bytes::from_static(enc.token()));
                content_length = Some(compressed.len() as u64);
                compressed
            }
            None => b,
        },
        partial @ BodyRead::Partial(..) => {
            if store {
                tracing::info!(limit, "object over the size limit: passed, not cached");
                hfp(st);
            }
            return Fetched::Deliver(Payload::Fetched(partial, content_length, timer));
        }
    };
    if store {
        let stored = match (object(st, body.clone(), now), key) {
            (Some(obj), Some(key)) => cx.handle.inner.cache.insert(key, obj),
            _ => false,
        };
        if !stored {
            hfp(st);
        }
    }
    Fetched::Deliver(Payload::Fetched(BodyRead::Complete(body), content_length, timer))
}

/// A body to stream to the client as it arrives (Fastly's streaming miss, `beresp.do_stream`),
/// storing it when it completes.
struct Streamed {
    incoming: Incoming,
    timer: BodyTimer,
    /// The declared `Content-Length`.
    len: Option<u64>,
    /// The key and the object to store (its body filled in once complete), when cacheable.
    store: Option<(CacheKey, CachedObject)>,
    /// Bodies larger than this are delivered but not stored.
    limit: u64,
    /// How long the key is marked hit-for-pass when the body cannot be stored.
    hit_for_pass_ttl: i64,
    /// The backend's `.max_connections` slot, held until the body is read.
    slot: crate::backend::health::ConnSlot,
}

/// Starts the task that reads a streamed body: each frame goes to the client at once and
/// into the object being stored. The fetch goes on when the client disconnects (others may
/// wait for the object); a body that fails midway, times out between bytes or outgrows the
/// object limit is not stored, and the client sees a cut connection for a failure, as on
/// Fastly once headers are sent (semantics §10.1, §10.2). `guard` (the collapsing lock) is
/// released when the task ends.
fn stream_body(cx: &Cx, job: Box<Streamed>, guard: Option<LockGuard>) -> Payload {
    let (tx, rx) = mpsc::channel(8);
    let len = job.len;
    let handle = cx.handle.clone();
    tokio::spawn(async move {
        let Streamed { mut incoming, timer, store, limit, hit_for_pass_ttl, slot, .. } = *job;
        let _guard = guard;
        let _slot = slot;
        let mut client = Some(tx);
        let mut buf = store.as_ref().map(|_| BytesMut::with_capacity(len.unwrap_or(0).min(limit) as usize));
        let failure = loop {
            let frame = match timer.frame(&mut incoming).await {
                Err(e) => break Some(e),
                Ok(None) => break None,
                Ok(Some(frame)) => frame,
            };
            let Ok(data) = frame.into_data() else { continue };
            if let Some(b) = &mut buf {
                if (b.len() + data.len()) as u64 > limit {
                    tracing::info!(limit, "streamed object over the size limit: delivered, not cached");
                    buf = None;
                } else {
                    b.extend_from_slice(&data);
                }
            }
            if let Some(tx) = &client {
                if tx.send(Ok(data)).await.is_err() {
                    client = None;
                }
            }
            if client.is_none() && buf.is_none() {
                // Nobody reads and nothing is stored.
                break None;
            }
        };
        let now = handle.now();
        let cache = &handle.inner.cache;
        match (failure, store, buf) {
            (Some(e), store, _) => {
                tracing::warn!(error = %e, "streamed origin body failed; not stored");
                if let Some(tx) = client {
                    let _ = tx.send(Err(ProxyError::Upstream(e))).await;
                }
                if let Some((key, _)) = store {
                    cache.mark_hit_for_pass(key, hit_for_pass_ttl, now);
                }
            }
            (None, Some((key, mut object)), Some(body)) => {
                object.body = crate::backend::exact(body);
                if !cache.insert(key, object) {
                    cache.mark_hit_for_pass(key, hit_for_pass_ttl, now);
                }
            }
            (None, Some((key, _)), None) => cache.mark_hit_for_pass(key, hit_for_pass_ttl, now),
            (None, None, _) => {}
        }
    });
    Payload::Streamed(rx, len)
}

/// What a fetch may fall back on: whether a stale copy can be delivered (`deliver_stale`),
/// and the stale object a `304 Not Modified` would refresh.
#[derive(Default)]
struct Stale {
    usable: bool,
    revalidate: Option<Arc<CachedObject>>,
}

/// Fastly revalidates a stale object that has a `Last-Modified` or `ETag` (semantics §1.5).
fn has_validators(obj: &CachedObject) -> bool {
    obj.headers.get(b"etag").is_some() || obj.headers.get(b"last-modified").is_some()
}

/// Makes the backend request conditional on the stale object's validators (the client's
/// own conditional headers were already stripped from a miss's `bereq`).
fn add_validators(bereq: &mut Headers, stale: Option<&CachedObject>) {
    let Some(obj) = stale else { return };
    if let Some(etag) = obj.headers.get(b"etag") {
        bereq.set(b"If-None-Match", Bytes::copy_from_slice(etag));
    }
    if let Some(modified) = obj.headers.get(b"last-modified") {
        bereq.set(b"If-Modified-Since", Bytes::copy_from_slice(modified));
    }
}

/// A `304` answered a revalidation: the stale object, refreshed, is stored and delivered
/// (`fastly_info.state` gains `-REFRESH`); `vcl_fetch` does not run for a revalidation.
fn refresh(
    cx: &Cx,
    st: &mut ReqState,
    key: CacheKey,
    old: &CachedObject,
    headers: &http::HeaderMap,
    now: i64,
) -> Fetched {
    let pairs: Vec<(Bytes, Bytes)> = headers
        .iter()
        .filter(|(n, _)| !HOP_BY_HOP.iter().any(|h| n.as_str().as_bytes().eq_ignore_ascii_case(h)))
        .map(|(n, v)| (Bytes::copy_from_slice(n.as_str().as_bytes()), Bytes::copy_from_slice(v.as_bytes())))
        .collect();
    let object = cx.handle.inner.cache.store(key, Cache::refreshed(old, &pairs, now)).unwrap_or_else(|refused| refused);
    tracing::debug!(ttl_s = object.ttl / freshness::SECOND, "stale object revalidated by a 304");
    load_obj(st, &object, now);
    st.fastly_state = "MISS-REFRESH";
    Fetched::Deliver(Payload::Cached(object))
}

/// The object to store from `beresp` as `vcl_fetch` left it; `None` when it cannot be
/// stored (`Vary: *`, a status outside HTTP's range, no lifetime at all).
fn object(st: &ReqState, body: Bytes, now: i64) -> Option<CachedObject> {
    let status = u16::try_from(st.beresp.status).ok().filter(|s| (100..1000).contains(s))?;
    if st.cache.ttl <= 0 && st.cache.stale_while_revalidate <= 0 && st.cache.stale_if_error <= 0 {
        return None;
    }
    let fields: Vec<(&[u8], &[u8])> = st
        .beresp
        .headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case(b"content-length"))
        .map(|(n, v)| (&n[..], &v[..]))
        .collect();
    let headers = StoredHeaders::from_pairs(fields.iter().copied());
    // Surrogate keys are slices of the stored header buffer, so they cost no allocation of
    // their own; the pairs themselves are only borrowed for the parse.
    let pairs: Vec<(Bytes, Bytes)> = headers.iter_shared().collect();
    let names = freshness::vary_names(&pairs)?;
    let vary = freshness::vary_values(&names, &|name: &[u8]| st.req.headers.get(name).cloned());
    let surrogate_keys = freshness::surrogate_keys(&pairs);
    drop(pairs);
    let mut obj = CachedObject::new(status, headers, body, now);
    obj.surrogate_keys = surrogate_keys;
    obj.vary = vary;
    obj.initial_age = st.cache.age.max(0);
    obj.ttl = st.cache.ttl;
    obj.stale_while_revalidate = st.cache.stale_while_revalidate.max(0);
    obj.stale_if_error = st.cache.stale_if_error.max(0);
    obj.memory_only = st.cache.pci || st.cache.hipaa;
    Some(obj)
}

/// The request to the origin from `bereq`.
fn origin_request(
    st: &ReqState,
    backend: &crate::backend::Backend,
    body: Bytes,
) -> Result<http::Request<Full<Bytes>>, http::Error> {
    let mut builder = http::Request::builder()
        .method(http::Method::from_bytes(&st.bereq.method).unwrap_or(http::Method::GET))
        .uri(String::from_utf8_lossy(&st.bereq.url).as_ref());
    let host = backend.host_for(st.bereq.headers.get(b"host").map(|h| &h[..]));
    if let Some(h) = builder.headers_mut() {
        for (name, value) in st.bereq.headers.iter() {
            if name.eq_ignore_ascii_case(b"host") || name.eq_ignore_ascii_case(b"content-length") {
                continue;
            }
            match (http::HeaderName::from_bytes(name), http::HeaderValue::from_maybe_shared(value.clone())) {
                (Ok(n), Ok(v)) => {
                    h.append(n, v);
                }
                _ => tracing::debug!(name = %String::from_utf8_lossy(name), "skipping an invalid header to origin"),
            }
        }
        if let Ok(v) = http::HeaderValue::from_maybe_shared(host) {
            h.insert(http::header::HOST, v);
        }
    }
    builder.body(Full::new(body))
}
