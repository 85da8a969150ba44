//! Origins: one pooled HTTP/1.1 client per declared `backend`, with the declaration's
//! connect / first-byte / between-bytes timeouts (Fastly's defaults 1s / 15s / 10s when
//! not declared), and the fetch errors Fastly turns into generated 503s.
//!
//! A `.ssl = true` backend connects over TLS (see [`tls`]): certificate checked against
//! `.ssl_cert_hostname` with webpki-roots plus `.ssl_ca_cert`, SNI from
//! `.ssl_sni_hostname`, `.ssl_check_cert = never` honoured; a failed handshake is a
//! [`FetchError::Tls`] with Fastly's message. TLS fields lacquer cannot honour are refused
//! when the service is built, never silently dropped.
//!
//! Minimal for now: no health checks (every backend is healthy), no directors (choosing
//! one fails the request loudly), no `.max_connections` limit.

mod tls;

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use self::tls::{Connector, HandshakeError, OriginTls};
use crate::ir::{BackendInfo, Program};

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
    /// A backend from its declaration (`info` must not be a director).
    pub fn new(info: &BackendInfo) -> Result<Backend, BackendError> {
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
        let connector = Connector { tcp: connector, tls, handshake_timeout: connect_timeout };
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
    ) -> Result<http::Response<Incoming>, FetchError> {
        let path = req.uri().path_and_query().map_or("/", |p| p.as_str()).to_string();
        let uri = format!("http://{}{}", self.authority(), path);
        *req.uri_mut() = uri.parse().map_err(|e: http::uri::InvalidUri| FetchError::BadRequest(e.to_string()))?;
        match tokio::time::timeout(first_byte_timeout, self.client.request(req)).await {
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

/// Reads `body` until it ends or more than `limit` bytes have arrived; each frame must
/// arrive within `between_bytes`. A body that fails midway is an error: a truncated body
/// is never mistaken for a complete one.
pub async fn read_body(mut body: Incoming, limit: usize, between_bytes: Duration) -> Result<BodyRead, FetchError> {
    let mut buf = BytesMut::new();
    loop {
        let frame = match tokio::time::timeout(between_bytes, body.frame()).await {
            Err(_) => return Err(FetchError::BetweenBytesTimeout),
            Ok(None) => return Ok(BodyRead::Complete(exact(buf))),
            Ok(Some(Err(e))) => return Err(FetchError::Read { addr: String::new(), detail: error_chain(&e) }),
            Ok(Some(Ok(frame))) => frame,
        };
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
fn exact(buf: BytesMut) -> Bytes {
    if buf.capacity() - buf.len() > buf.len() / 8 {
        Bytes::copy_from_slice(&buf)
    } else {
        buf.freeze()
    }
}

/// The program's backends by index (`None` for directors), and the default one.
#[derive(Debug, Default)]
pub struct Backends {
    list: Vec<Option<Arc<Backend>>>,
    default: Option<u32>,
}

/// Why no backend could be used for a request.
#[derive(Debug, thiserror::Error)]
pub enum SelectError {
    #[error("not supported yet: directors in serve (\"{0}\")")]
    Director(String),
    #[error("no backend is declared")]
    NoBackend,
}

impl Backends {
    /// Every backend of `program`, connected lazily. Fails on the first declaration
    /// `serve` cannot use (no host, bad port, TLS settings it cannot honour).
    pub fn from_program(program: &Program) -> Result<Backends, BackendError> {
        let mut list = Vec::with_capacity(program.backends.len());
        for info in &program.backends {
            list.push(if info.is_director { None } else { Some(Arc::new(Backend::new(info)?)) });
        }
        // Fastly: the first declared backend is the default `req.backend`.
        let default = program.backends.iter().position(|b| !b.is_director).map(|i| i as u32);
        Ok(Backends { list, default })
    }

    /// The backend `req.backend` starts as.
    pub fn default_index(&self) -> Option<u32> {
        self.default
    }

    /// The backend to fetch from for the chosen index (or the default).
    pub fn select(&self, program: &Program, chosen: Option<u32>) -> Result<Arc<Backend>, SelectError> {
        let idx = chosen.or(self.default).ok_or(SelectError::NoBackend)?;
        match self.list.get(idx as usize) {
            Some(Some(b)) => Ok(b.clone()),
            Some(None) => Err(SelectError::Director(
                program.backends.get(idx as usize).map_or_else(String::new, |b| b.name.clone()),
            )),
            None => Err(SelectError::NoBackend),
        }
    }

    /// Names of declared directors (`serve` warns about them at startup).
    pub fn directors(program: &Program) -> Vec<&str> {
        program.backends.iter().filter(|b| b.is_director).map(|b| b.name.as_str()).collect()
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
