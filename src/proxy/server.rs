//! The listener: accepts TCP connections and serves HTTP/1.1 and h2c (prior knowledge)
//! on each through hyper-util's auto builder, with `TCP_NODELAY`, keep-alive, a header
//! read timeout (slowloris), limits on header size and count (431), and a graceful
//! shutdown: stop accepting, let in-flight requests finish (bounded), close.
//!
//! With [`ServerConfig::tls`] the listener terminates TLS first (see [`super::tls`]): the
//! handshake must finish within the header read timeout (a client that stalls it is cut
//! off like a slowloris one), then the same HTTP/1.1 or h2 (ALPN) serving runs over the
//! decrypted stream, guard included, and each request carries the connection's TLS facts
//! for VCL (`tls.client.*`, `req.is_ssl`).
//!
//! Request smuggling: hyper rejects conflicting `Content-Length`s and non-chunked
//! `Transfer-Encoding` with 400; a request carrying both `Transfer-Encoding` and
//! `Content-Length` is refused here with 400 too (hyper alone would accept it, decode it
//! as chunked and close the connection), see [`super::guard`]. Bodies are re-framed
//! before they reach an origin, so nothing ambiguous is ever forwarded.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;

use super::body::Body;
use super::flow;
use super::guard::{GuardedStream, Verdict};
use super::service::ServiceHandle;
use super::tls::ServerTls;
use super::ProxyError;
use crate::interp::state::TlsClient;

/// Listener settings.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// The whole request head must arrive within this (slowloris).
    pub header_read_timeout: Duration,
    /// Request header fields allowed (Fastly: 255, practical ≈ 200).
    pub max_headers: usize,
    /// Bytes of request head allowed (Fastly: 69 KB); more gets 431.
    pub max_header_bytes: usize,
    /// How long shutdown waits for in-flight requests.
    pub shutdown_grace: Duration,
    /// Terminate TLS on this listener (HTTPS); `None` serves plain HTTP.
    pub tls: Option<ServerTls>,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            header_read_timeout: Duration::from_secs(10),
            max_headers: 200,
            max_header_bytes: 69 * 1024,
            shutdown_grace: Duration::from_secs(10),
            tls: None,
        }
    }
}

/// A bound listener with the service it serves.
pub struct Server {
    listener: TcpListener,
    handle: ServiceHandle,
    config: ServerConfig,
}

impl Server {
    /// Binds `config.listen` (port 0 picks a free port).
    pub async fn bind(config: ServerConfig, handle: ServiceHandle) -> Result<Server, ProxyError> {
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|source| ProxyError::Bind { addr: config.listen, source })?;
        Ok(Server { listener, handle, config })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or(self.config.listen)
    }

    /// Serves until `shutdown` completes, then drains: no new connections, in-flight
    /// requests get up to `shutdown_grace` to finish.
    pub async fn run_until(self, shutdown: impl Future<Output = ()>) {
        let Server { listener, handle, config } = self;
        let builder = Arc::new(builder(&config));
        let acceptor = config.tls.as_ref().map(ServerTls::acceptor);
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut connections = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                accepted = listener.accept() => {
                    let (stream, peer) = match accepted {
                        Ok(a) => a,
                        Err(e) => {
                            // Out of file descriptors and the like: back off briefly.
                            tracing::warn!(error = %e, "accept failed");
                            tokio::time::sleep(Duration::from_millis(20)).await;
                            continue;
                        }
                    };
                    while connections.try_join_next().is_some() {}
                    let conn = Conn {
                        peer,
                        handle: handle.clone(),
                        builder: builder.clone(),
                        max_head: config.max_header_bytes,
                        stop: stop_rx.clone(),
                    };
                    match &acceptor {
                        None => connections.spawn(conn.plain(stream)),
                        Some(acceptor) => {
                            connections.spawn(conn.tls(stream, acceptor.clone(), config.header_read_timeout))
                        }
                    };
                }
            }
        }
        drop(listener);
        let _ = stop_tx.send(true);
        while connections.try_join_next().is_some() {}
        let in_flight = connections.len();
        if in_flight > 0 {
            tracing::info!(connections = in_flight, "draining connections");
        }
        let drained =
            tokio::time::timeout(config.shutdown_grace, async { while connections.join_next().await.is_some() {} })
                .await;
        if drained.is_err() {
            tracing::warn!(left = connections.len(), "shutdown grace period over; closing the rest");
            connections.shutdown().await;
        }
    }

    /// Runs in a background task (tests, embedding); the returned handle stops it.
    pub fn spawn(self) -> RunningServer {
        let addr = self.local_addr();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(self.run_until(async move {
            let _ = rx.await;
        }));
        RunningServer { addr, stop: Some(tx), task }
    }
}

/// A server running in the background.
pub struct RunningServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningServer {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting and waits for the drain to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn builder(config: &ServerConfig) -> auto::Builder<TokioExecutor> {
    let mut b = auto::Builder::new(TokioExecutor::new());
    b.http1()
        .keep_alive(true)
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout)
        .max_headers(config.max_headers)
        .max_buf_size(config.max_header_bytes.max(8192));
    b.http2().timer(TokioTimer::new()).max_header_list_size(config.max_header_bytes as u32);
    b
}

/// One accepted connection and what serving it needs.
struct Conn {
    peer: SocketAddr,
    handle: ServiceHandle,
    builder: Arc<auto::Builder<TokioExecutor>>,
    max_head: usize,
    stop: watch::Receiver<bool>,
}

impl Conn {
    async fn plain(self, stream: TcpStream) {
        // Never TCP_CORK: small responses go out at once.
        let _ = stream.set_nodelay(true);
        let local = stream.local_addr().unwrap_or(self.peer);
        self.serve(stream, local, None).await;
    }

    /// Handshakes (bounded by the header read timeout), then serves over TLS.
    async fn tls(self, stream: TcpStream, acceptor: tokio_rustls::TlsAcceptor, handshake_timeout: Duration) {
        let _ = stream.set_nodelay(true);
        let local = stream.local_addr().unwrap_or(self.peer);
        let stream = match tokio::time::timeout(handshake_timeout, acceptor.accept(stream)).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                tracing::debug!(peer = %self.peer, error = %e, "TLS handshake failed");
                return;
            }
            Err(_) => {
                tracing::debug!(peer = %self.peer, "TLS handshake timed out");
                return;
            }
        };
        let facts = super::tls::client_facts(stream.get_ref().1);
        self.serve(stream, local, Some(facts)).await;
    }

    async fn serve<S>(self, stream: S, local: SocketAddr, tls: Option<TlsClient>)
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let Conn { peer, handle, builder, max_head, mut stop } = self;
        let (stream, verdicts) = GuardedStream::new(stream, max_head);
        let requests = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let service = service_fn(move |mut req: http::Request<Incoming>| {
            let handle = handle.clone();
            let verdicts = verdicts.clone();
            if let Some(tls) = &tls {
                req.extensions_mut().insert(tls.clone());
            }
            // `client.requests`: this request's number on its connection.
            let n = requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            async move { Ok::<_, Infallible>(serve(handle, req, peer, local, n, &verdicts).await) }
        });
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        tokio::pin!(conn);
        let mut stopping = *stop.borrow();
        if stopping {
            conn.as_mut().graceful_shutdown();
        }
        loop {
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(%peer, error = %e, "downstream connection ended with an error");
                    }
                    return;
                }
                changed = stop.changed(), if !stopping => {
                    stopping = true;
                    if changed.is_ok() {
                        conn.as_mut().graceful_shutdown();
                    }
                }
            }
        }
    }
}

/// One request: the flow, then the access log line.
async fn serve(
    handle: ServiceHandle,
    req: http::Request<Incoming>,
    peer: SocketAddr,
    local: SocketAddr,
    nth: u64,
    verdicts: &super::guard::Verdicts,
) -> http::Response<Body> {
    let started = Instant::now();
    // The access log's method and URL, kept only when the log is on (they would cost an
    // allocation per request otherwise).
    let logged = tracing::enabled!(target: "lacquer::access", tracing::Level::INFO).then(|| {
        (req.method().clone(), req.uri().path_and_query().map_or_else(|| "/".to_string(), |p| p.as_str().to_string()))
    });
    let verdict = if req.version() == http::Version::HTTP_2 { Verdict::Fine } else { verdicts.next() };
    let finished = match verdict {
        Verdict::Fine => flow::handle(handle, req, peer, local, nth).await,
        refused => {
            let mut f = match refused {
                Verdict::TooLarge => flow::simple(431, "Request Header Fields Too Large", "ERROR"),
                _ => flow::simple(400, "Bad Request", "ERROR"),
            };
            f.response.headers_mut().insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
            f
        }
    };
    let Some((method, url)) = logged else { return finished.response };
    tracing::info!(
        target: "lacquer::access",
        %method,
        url = %url,
        status = finished.response.status().as_u16(),
        state = %finished.state,
        duration_ms = format_args!("{:.3}", started.elapsed().as_secs_f64() * 1000.0),
        client = %peer.ip(),
    );
    finished.response
}
