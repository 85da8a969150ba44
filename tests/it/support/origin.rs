//! In-process origins for proxy tests (Viceroy-style): a hyper server on `127.0.0.1:0`
//! answering from a script, counting requests and how many were in flight at once, and
//! recording what it received.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};

/// What the origin answers.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// Wait this long before answering (real time: concurrency tests only).
    pub delay: Duration,
}

impl Reply {
    pub fn ok(body: impl Into<Bytes>) -> Reply {
        Reply { status: 200, headers: Vec::new(), body: body.into(), delay: Duration::ZERO }
    }

    pub fn status(mut self, status: u16) -> Reply {
        self.status = status;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = d;
        self
    }
}

/// A request the origin received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub uri: String,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    }
}

type Script = dyn Fn(&Seen, usize) -> Reply + Send + Sync;

struct State {
    script: Box<Script>,
    hits: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    down: AtomicBool,
    seen: Mutex<Vec<Seen>>,
}

/// A running origin.
#[derive(Clone)]
pub struct Origin {
    pub addr: SocketAddr,
    state: Arc<State>,
}

impl Origin {
    /// Starts an origin; `script` gets each request and its 1-based sequence number.
    pub async fn start(script: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Origin {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind origin");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(State {
            script: Box::new(script),
            hits: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            down: AtomicBool::new(false),
            seen: Mutex::new(Vec::new()),
        });
        let st = state.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let st = st.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                        let st = st.clone();
                        async move { answer(st, req).await }
                    });
                    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Origin { addr, state }
    }

    /// An origin that always gives the same reply.
    pub async fn fixed(reply: Reply) -> Origin {
        Origin::start(move |_, _| reply.clone()).await
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Requests answered (or refused while down).
    pub fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }

    /// The most requests in progress at the same time.
    pub fn max_concurrent(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }

    /// While down, the origin drops every connection without answering.
    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }

    /// A backend declaration pointing at this origin.
    pub fn backend(&self, name: &str) -> String {
        format!("backend {name} {{ .host = \"127.0.0.1\"; .port = \"{}\"; }}\n", self.port())
    }
}

#[derive(Debug)]
struct Down;

impl std::fmt::Display for Down {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("origin is down")
    }
}

impl std::error::Error for Down {}

async fn answer(
    st: Arc<State>,
    req: http::Request<hyper::body::Incoming>,
) -> Result<http::Response<Full<Bytes>>, Down> {
    let n = st.hits.fetch_add(1, Ordering::SeqCst) + 1;
    if st.down.load(Ordering::SeqCst) {
        // A service error makes hyper close the connection without a response.
        return Err(Down);
    }
    let now = st.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    st.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let seen = Seen { method: parts.method.to_string(), uri: parts.uri.to_string(), headers: parts.headers, body };
    st.seen.lock().unwrap().push(seen.clone());
    let reply = (st.script)(&seen, n);
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    st.in_flight.fetch_sub(1, Ordering::SeqCst);
    let mut resp = http::Response::new(Full::new(reply.body));
    *resp.status_mut() = http::StatusCode::from_u16(reply.status).unwrap();
    for (n, v) in reply.headers {
        resp.headers_mut().append(http::HeaderName::from_bytes(n.as_bytes()).unwrap(), v.parse().unwrap());
    }
    Ok(resp)
}
