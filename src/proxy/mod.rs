//! The edge: `lacquer serve`'s HTTP server and Fastly's request flow over it.
//!
//! `server` accepts connections (HTTP/1.1 and h2c through hyper-util's auto builder,
//! `TCP_NODELAY`, header read timeout, header size and count limits, graceful shutdown;
//! with `tls`, HTTPS with a certificate chosen by SNI and h2 by ALPN)
//! and hands each request to `flow`, which runs the VCL state machine
//! (recv → hash → lookup → hit | miss | pass → fetch → deliver → log, with error and
//! restart) against the cache and the backends. `deliver` turns the final `resp` into
//! an HTTP response (Fastly's headers, 304, 206, HEAD). A [`ServiceHandle`] holds the
//! active program in a swappable slot: activating a new one never disturbs requests
//! that started on the old one.
//!
//! Architecture Invariant: the interpreter decides, the proxy acts. VCL runs through
//! `interp::run` and returns an `Action`; only this module performs lookups, fetches and
//! writes. No request path panics: a runtime fault in VCL becomes a Fastly-style 503,
//! never a dropped connection.

mod body;
mod clock;
mod compress;
mod deliver;
mod flow;
mod guard;
mod server;
mod service;
mod tls;

pub use body::Body;
pub use clock::{Clock, ManualClock, SystemClock};
pub use server::{RunningServer, Server, ServerConfig};
pub use service::{LogSink, Service, ServiceConfig, ServiceHandle};
pub use tls::{PemPair, ServerTls, TlsError};

use crate::backend::{BackendError, FetchError};

/// An error on the request path, by where it came from (pingora's upstream /
/// downstream / internal split).
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    /// The origin failed (connect, timeout, read).
    #[error("upstream: {0}")]
    Upstream(#[from] FetchError),
    /// The client sent something unusable, or went away.
    #[error("downstream: {0}")]
    Downstream(String),
    /// Our side failed (a VCL runtime fault, a task that died).
    #[error("internal: {0}")]
    Internal(String),
    /// The service cannot be built (a backend `serve` cannot use).
    #[error("{0}")]
    Service(#[from] BackendError),
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
}
