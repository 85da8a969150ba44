//! Origins: one pooled HTTP/1.1 client per declared `backend`, with the declaration's
//! connect / first-byte / between-bytes timeouts (Fastly's defaults 1s / 15s / 10s when
//! not declared), and the fetch errors Fastly turns into generated 503s. [`Backends`]
//! selects the backend for a request: directly, or through a director (`director`), among
//! the backends the health checks (`health`) call healthy and that have a free
//! `.max_connections` slot.
//!
//! A `.ssl = true` backend connects over TLS (see [`tls`]): certificate checked against
//! `.ssl_cert_hostname` with webpki-roots plus `.ssl_ca_cert`, SNI from
//! `.ssl_sni_hostname`, `.ssl_check_cert = never` honoured; a failed handshake is a
//! [`FetchError::Tls`] with Fastly's message. TLS fields lacquer cannot honour are refused
//! when the service is built, never silently dropped.

mod tls;

pub(crate) use self::tls::version_name as tls_version_name;
pub use self::tls::ConnFacts;

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use self::tls::{Connector, HandshakeError, OriginTls};
use crate::ir::{BackendInfo, DirectorKind, Program};

pub mod director;
pub mod health;

use director::{Director, Pick};
use health::{ConnSlot, HealthTable, Probe, Prober};

/// Fastly's default `.connect_timeout`.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// Fastly's default `.first_byte_timeout`.
pub const DEFAULT_FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(15);
/// Fastly's default `.between_bytes_timeout`.
pub const DEFAULT_BETWEEN_BYTES_TIMEOUT: Duration = Duration::from_secs(10);

/// A backend declaration `serve` cannot use.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error("invalid backend \"{name}\": not supported yet: {what}")]
    NotSupported { name: String, what: String },
    #[error("invalid backend \"{name}\": {detail}")]
    Tls { name: String, detail: String },
    #[error("invalid backend \"{name}\": no .host")]
    MissingHost { name: String },
    #[error("invalid backend \"{name}\": .port \"{port}\" is not a port number")]
    BadPort { name: String, port: String },
    #[error("invalid backend \"{name}\": .probe: {detail}")]
    BadProbe { name: String, detail: String },
}

/// Why a fetch from an origin failed; each maps to the `obj.response` of the 503 Fastly
/// generates for it.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("connect to {addr} timed out")]
    ConnectTimeout { addr: String },
    #[error("cannot connect to {addr}: {detail}")]
    Connect { addr: String, detail: String },
    #[error("no response headers within the first byte timeout")]
    FirstByteTimeout,
    #[error("reading the response from {addr} failed: {detail}")]
    Read { addr: String, detail: String },
    #[error("the response body stalled longer than the between bytes timeout")]
    BetweenBytesTimeout,
    /// The whole response did not arrive within `bereq.fetch_timeout`.
    #[error("the response did not arrive within the fetch timeout")]
    FetchTimeout,
    #[error("invalid request to origin: {0}")]
    BadRequest(String),
    /// The TLS handshake failed; `reason` is Fastly's `obj.response` for it.
    #[error("TLS to {addr} failed: {detail}")]
    Tls { addr: String, reason: &'static str, detail: String },
}

/// Fastly's `obj.response` for a failed read from an origin.
const READ_ERROR: &str = "backend read error";

impl FetchError {
    /// The `obj.response` Fastly gives the generated 503 (semantics §2.3; connection
    /// refused has no documented text, so it reads as a read error).
    pub fn obj_response(&self) -> &'static str {
        match self {
            FetchError::ConnectTimeout { .. } => "Connection timed out",
            FetchError::FirstByteTimeout => "first byte timeout",
            // Fastly: vcl_error with obj.status 503 and obj.response "fetch timeout".
            FetchError::FetchTimeout => "fetch timeout",
            FetchError::Connect { .. } | FetchError::Read { .. } | FetchError::BetweenBytesTimeout => {
                "backend read error"
            }
            FetchError::BadRequest(_) => "backend read error",
            FetchError::Tls { reason, .. } => reason,
        }
    }
}

/// One origin as declared, with its connection pool.
pub struct Backend {
    pub name: String,
    pub host: String,
    pub port: u16,
    pub host_header: Option<String>,
    pub always_use_host_header: bool,
    pub connect_timeout: Duration,
    pub first_byte_timeout: Duration,
    pub between_bytes_timeout: Duration,
    client: Client<Connector, Full<Bytes>>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend").field("name", &self.name).field("host", &self.host).field("port", &self.port).finish()
    }
}

impl Backend {
    /// A backend from its declaration (`info` must not be a director); `count`: where its
    /// open connections are counted, and its index there.
    pub fn new(info: &BackendInfo, count: Option<(HealthTable, u32)>) -> Result<Backend, BackendError> {
        let p = &info.props;
        let name = info.name.clone();
        let host = match p.host.as_deref().map(str::trim) {
            Some(h) if !h.is_empty() => h.trim_start_matches('[').trim_end_matches(']').to_string(),
            _ => return Err(BackendError::MissingHost { name }),
        };
        let port = match p.port.as_deref().map(str::trim) {
            None | Some("") => 80,
            Some(s) => s.parse().map_err(|_| BackendError::BadPort { name: name.clone(), port: s.to_string() })?,
        };
        let dur = |v: Option<i64>, default: Duration| match v {
            Some(ns) if ns > 0 => Duration::from_nanos(ns as u64),
            _ => default,
        };
        let connect_timeout = dur(p.connect_timeout, DEFAULT_CONNECT_TIMEOUT);
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        connector.set_connect_timeout(Some(connect_timeout));
        connector.enforce_http(true);
        let tls = if p.ssl { Some(Arc::new(OriginTls::new(&name, &host, p)?)) } else { None };
        let connector = Connector { tcp: connector, tls, handshake_timeout: connect_timeout, count };
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector);
        Ok(Backend {
            name,
            host,
            port,
            host_header: p.host_header.clone(),
            always_use_host_header: p.always_use_host_header,
            connect_timeout,
            first_byte_timeout: dur(p.first_byte_timeout, DEFAULT_FIRST_BYTE_TIMEOUT),
            between_bytes_timeout: dur(p.between_bytes_timeout, DEFAULT_BETWEEN_BYTES_TIMEOUT),
            client,
        })
    }

    /// `host:port` as the connection sees it (IPv6 in brackets).
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// The Host header to send: the request's own unless `.always_use_host_header` (or the
    /// request has none), then `.host_header`, else `.host` (Fastly's `override_host`).
    pub fn host_for(&self, request_host: Option<&[u8]>) -> Bytes {
        let declared = || Bytes::from(self.host_header.clone().unwrap_or_else(|| self.host.clone()));
        match request_host {
            Some(h) if !(self.always_use_host_header && self.host_header.is_some()) => Bytes::copy_from_slice(h),
            _ => declared(),
        }
    }

    /// Sends a request (its URI is the path and query; the authority is this backend's)
    /// and waits for the response head, at most the first byte timeout.
    pub async fn send(
        &self,
        mut req: http::Request<Full<Bytes>>,
        first_byte_timeout: Duration,
        timer: &BodyTimer,
    ) -> Result<http::Response<Incoming>, FetchError> {
        let path = req.uri().path_and_query().map_or("/", |p| p.as_str()).to_string();
        let uri = format!("http://{}{}", self.authority(), path);
        *req.uri_mut() = uri.parse().map_err(|e: http::uri::InvalidUri| FetchError::BadRequest(e.to_string()))?;
        match tokio::time::timeout(timer.cap(first_byte_timeout), self.client.request(req)).await {
            Err(_) if timer.expired() => Err(FetchError::FetchTimeout),
            Err(_) => Err(FetchError::FirstByteTimeout),
            Ok(Ok(resp)) => Ok(resp),
            Ok(Err(e)) => Err(self.classify(e)),
        }
    }

    fn classify(&self, e: hyper_util::client::legacy::Error) -> FetchError {
        let addr = self.authority();
        let detail = error_chain(&e);
        if let Some(h) = find::<HandshakeError>(&e) {
            return FetchError::Tls { addr, reason: h.reason, detail: h.detail.clone() };
        }
        if e.is_connect() {
            if is_timeout(&e) {
                return FetchError::ConnectTimeout { addr };
            }
            return FetchError::Connect { addr, detail };
        }
        FetchError::Read { addr, detail }
    }
}

/// A response body read from an origin, up to a limit.
#[derive(Debug)]
pub enum BodyRead {
    /// The whole body.
    Complete(Bytes),
    /// The first `limit` bytes or more, and the rest still to read.
    Partial(Bytes, Incoming),
}

/// How long an origin response may take: each body frame within `between_bytes`, and
/// the whole response by `deadline` (`bereq.fetch_timeout`, when VCL set one). Fastly
/// starts the fetch timeout once the connection is up and the request sent; lacquer
/// starts it when the request goes to the connection pool, so a slow connect counts
/// against it too (bounded by the connect timeout).
#[derive(Debug, Clone, Copy)]
pub struct BodyTimer {
    pub between_bytes: Duration,
    pub deadline: Option<tokio::time::Instant>,
}

impl BodyTimer {
    /// A timer whose whole-response limit (if any) starts now.
    pub fn start(between_bytes: Duration, fetch_timeout: Option<Duration>) -> BodyTimer {
        BodyTimer { between_bytes, deadline: fetch_timeout.map(|t| tokio::time::Instant::now() + t) }
    }

    /// `wait`, or less when the deadline comes first.
    fn cap(&self, wait: Duration) -> Duration {
        match self.deadline {
            Some(d) => wait.min(d.saturating_duration_since(tokio::time::Instant::now())),
            None => wait,
        }
    }

    fn expired(&self) -> bool {
        self.deadline.is_some_and(|d| tokio::time::Instant::now() >= d)
    }

    /// The next frame of `body`: `Ok(None)` at its end; an error when it stalls, fails
    /// or runs past the deadline.
    pub async fn frame(&self, body: &mut Incoming) -> Result<Option<hyper::body::Frame<Bytes>>, FetchError> {
        match tokio::time::timeout(self.cap(self.between_bytes), body.frame()).await {
            Err(_) if self.expired() => Err(FetchError::FetchTimeout),
            Err(_) => Err(FetchError::BetweenBytesTimeout),
            Ok(None) => Ok(None),
            Ok(Some(Err(e))) => Err(FetchError::Read { addr: String::new(), detail: error_chain(&e) }),
            Ok(Some(Ok(frame))) => Ok(Some(frame)),
        }
    }
}

/// Reads `body` until it ends or more than `limit` bytes have arrived, each frame within
/// `timer`'s limits. A body that fails midway is an error: a truncated body is never
/// mistaken for a complete one.
pub async fn read_body(mut body: Incoming, limit: usize, timer: &BodyTimer) -> Result<BodyRead, FetchError> {
    let mut buf = BytesMut::new();
    loop {
        let Some(frame) = timer.frame(&mut body).await? else { return Ok(BodyRead::Complete(exact(buf))) };
        if let Ok(data) = frame.into_data() {
            buf.extend_from_slice(&data);
            if buf.len() > limit {
                return Ok(BodyRead::Partial(buf.freeze(), body));
            }
        }
    }
}

/// The body as `Bytes` without the slack a growing buffer leaves: a body read in several
/// frames can sit in a buffer up to twice its size, and a cached object keeps it for its
/// whole life.
pub(crate) fn exact(buf: BytesMut) -> Bytes {
    if buf.capacity() - buf.len() > buf.len() / 8 {
        Bytes::copy_from_slice(&buf)
    } else {
        buf.freeze()
    }
}

/// The program's backends and directors by index, their shared health, and the probes
/// that keep it.
#[derive(Debug, Default)]
pub struct Backends {
    list: Vec<Option<Arc<Backend>>>,
    directors: Vec<Option<Director>>,
    default: Option<u32>,
    health: HealthTable,
    prober: Prober,
    /// splitmix64 state for the random director, seeded per version from the OS's
    /// per-process hash keys.
    random: std::sync::atomic::AtomicU64,
}

/// Why no backend could be used for a request; each maps to the `obj.response` of the
/// 503 Fastly generates.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    #[error("no backend is declared")]
    NoBackend,
    #[error("backend \"{0}\" is unhealthy")]
    Unhealthy(String),
    #[error("backend \"{0}\" has all its .max_connections in use")]
    MaxConnections(String),
    #[error("director \"{0}\" is below its .quorum")]
    Quorum(String),
    #[error("director \"{name}\" has no usable member")]
    AllFailed { name: String, chash: bool },
    #[error("not supported yet: shield directors in serve (\"{0}\")")]
    Shield(String),
}

impl SelectError {
    /// The `obj.response` of the generated 503.
    pub fn obj_response(&self) -> &'static str {
        match self {
            // Fastly: "Backend is unhealthy": the selected backend's health check
            // reports it down, and Fastly does not send it the request.
            SelectError::Unhealthy(_) => "Backend is unhealthy",
            // Fastly's 503 guide: "503 backend.max_conn reached" when a request is made
            // to a backend that has reached its limit.
            SelectError::MaxConnections(_) => "backend.max_conn reached",
            // Fastly's older director guide: below quorum → "Quorum weight not reached".
            SelectError::Quorum(_) => "Quorum weight not reached",
            SelectError::AllFailed { chash: false, .. } => "All backends failed or unhealthy",
            SelectError::AllFailed { chash: true, .. } => "All backends failed or unhealthy (chash)",
            SelectError::NoBackend => "No healthy backends",
            SelectError::Shield(_) => "not supported yet: shield directors in serve",
        }
    }
}

/// The backend a request fetches from, with the connection slot it holds until the fetch
/// ends.
#[derive(Debug)]
pub struct Selected {
    pub index: u32,
    pub backend: Arc<Backend>,
    /// The director the request was routed through and how many backends it may try.
    pub director: Option<(u32, usize)>,
    pub slot: ConnSlot,
}

impl Backends {
    /// Every backend and director of `program`, connected lazily, all healthy but those
    /// whose probe starts below its threshold. Fails on the first declaration `serve`
    /// cannot use (no host, bad port, TLS settings it cannot honour, bad probe).
    pub fn from_program(program: &Program) -> Result<Backends, BackendError> {
        let health = HealthTable::for_program(program);
        let mut list = Vec::with_capacity(program.backends.len());
        let mut directors = Vec::with_capacity(program.backends.len());
        let mut probed = Vec::new();
        for (idx, info) in program.backends.iter().enumerate() {
            if let Some(d) = &info.director {
                list.push(None);
                directors.push(Some(Director::new(&info.name, d.clone())));
                continue;
            }
            let backend = Arc::new(Backend::new(info, Some((health.clone(), idx as u32)))?);
            if let Some(p) = &info.props.probe {
                let probe = Probe::from_props(p)
                    .map_err(|detail| BackendError::BadProbe { name: info.name.clone(), detail })?;
                if let Some(probe) = probe {
                    probed.push((idx as u32, backend.clone(), probe));
                }
            }
            list.push(Some(backend));
            directors.push(None);
        }
        // Fastly: the first declared backend is the default `req.backend`.
        let default = program.backends.iter().position(|b| !b.is_director).map(|i| i as u32);
        let prober = Prober::new(probed, &health);
        let seed =
            std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), program.backends.len());
        Ok(Backends { list, directors, default, health, prober, random: seed.into() })
    }

    /// The backend `req.backend` starts as.
    pub fn default_index(&self) -> Option<u32> {
        self.default
    }

    /// The health every request of this version reads.
    pub fn health(&self) -> &HealthTable {
        &self.health
    }

    /// A random number for the random director (Fastly picks at random; the request's
    /// own seeded generator would repeat itself on a kept-alive connection).
    pub fn next_random(&self) -> u64 {
        let x = self.random.fetch_add(0x9e37_79b9_7f4a_7c15, std::sync::atomic::Ordering::Relaxed);
        director::key_hash(0, &x.to_le_bytes())
    }

    /// The health checks of this version.
    pub fn prober(&self) -> &Prober {
        &self.prober
    }

    /// The backend to fetch from for the chosen backend or director (or the default),
    /// with one of its connection slots. `mocked_sick` are backends a test marked sick;
    /// `p.tried` lists backends whose connection already failed for this request.
    pub fn select(
        &self,
        program: &Program,
        chosen: Option<u32>,
        mocked_sick: &[u32],
        p: &Pick<'_>,
    ) -> Result<Selected, SelectError> {
        let idx = chosen.or(self.default).ok_or(SelectError::NoBackend)?;
        if let Some(Some(d)) = self.directors.get(idx as usize) {
            if mocked_sick.contains(&idx) {
                return Err(d.failed());
            }
            let (index, backend, slot) = self.through(program, d, mocked_sick, p, 0)?;
            return Ok(Selected { index, backend, director: Some((idx, d.attempts())), slot });
        }
        let backend = self.backend(idx)?;
        if mocked_sick.contains(&idx) || !self.health.probe_healthy(idx) {
            return Err(SelectError::Unhealthy(backend.name.clone()));
        }
        let slot = self.health.try_acquire(idx).ok_or_else(|| SelectError::MaxConnections(backend.name.clone()))?;
        Ok(Selected { index: idx, backend, director: None, slot })
    }

    /// A backend chosen through director `d` (and any directors nested in it).
    fn through(
        &self,
        program: &Program,
        d: &Director,
        mocked_sick: &[u32],
        p: &Pick<'_>,
        depth: u32,
    ) -> Result<(u32, Arc<Backend>, ConnSlot), SelectError> {
        if d.info.kind == DirectorKind::Shield {
            return Err(SelectError::Shield(d.name.clone()));
        }
        if depth > 8 {
            return Err(d.failed());
        }
        let backend_ok = |b: u32| !mocked_sick.contains(&b) && self.health.is_usable(b);
        let member_ok = |b: u32| !mocked_sick.contains(&b) && director::healthy(program, b, &backend_ok);
        // Quorum counts every member, tried or not: it is the director's health.
        let (mut up, mut total, mut any) = (0u64, 0u64, false);
        for m in &d.info.members {
            total += u64::from(m.weight);
            if member_ok(m.backend) {
                up += u64::from(m.weight);
                any = true;
            }
        }
        if any && !director::quorum_met(d.info.quorum, up, total, any) {
            return Err(SelectError::Quorum(d.name.clone()));
        }
        // A member whose slots are all taken between the health read and the acquire is
        // skipped like an unhealthy one.
        let mut skipped: Vec<u32> = p.tried.to_vec();
        loop {
            let pick = Pick { tried: &skipped, ..*p };
            let pos = d.choose(&pick, &member_ok).ok_or_else(|| d.failed())?;
            let member = d.info.members[pos].backend;
            if let Some(Some(nested)) = self.directors.get(member as usize) {
                return self.through(program, nested, mocked_sick, p, depth + 1);
            }
            let backend = self.backend(member)?;
            match self.health.try_acquire(member) {
                Some(slot) => return Ok((member, backend, slot)),
                None => skipped.push(member),
            }
        }
    }

    fn backend(&self, idx: u32) -> Result<Arc<Backend>, SelectError> {
        match self.list.get(idx as usize) {
            Some(Some(b)) => Ok(b.clone()),
            _ => Err(SelectError::NoBackend),
        }
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// The first error of type `T` in `e`'s source chain.
fn find<'a, T: std::error::Error + 'static>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a T> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(t) = s.downcast_ref::<T>() {
            return Some(t);
        }
        source = s.source();
    }
    None
}

fn is_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::TimedOut {
                return true;
            }
        }
        if s.to_string().contains("timed out") {
            return true;
        }
        source = s.source();
    }
    false
}
