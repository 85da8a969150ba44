//! `lacquer serve`'s request flow end to end: an in-process origin, the proxy on
//! `127.0.0.1:0`, a clock the test moves (no sleeping to pass time), and real HTTP
//! between them. Each test asserts status, headers, body and how often the origin was hit.

#[path = "support/origin.rs"]
pub(crate) mod origin;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use lacquer::proxy::{LogSink, ManualClock, RunningServer, Server, ServerConfig, ServiceConfig, ServiceHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use origin::{Origin, Reply};

pub(crate) const T0: i64 = 1_700_000_000 * 1_000_000_000;
/// Every wait in these tests is bounded by this.
pub(crate) const WAIT: Duration = Duration::from_secs(10);

pub(crate) struct Edge {
    pub server: Option<RunningServer>,
    pub clock: Arc<ManualClock>,
    pub handle: ServiceHandle,
    pub client: Client<HttpConnector, Full<Bytes>>,
}

pub(crate) struct Resp {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The proxy serving `vcl` (a backend `F_origin` for `origin` is prepended).
async fn edge(origin: &Origin, vcl: &str) -> Edge {
    edge_with(&format!("{}{vcl}", origin.backend("F_origin")), ServiceConfig::default()).await
}

pub(crate) async fn edge_with(vcl: &str, config: ServiceConfig) -> Edge {
    let program = crate::interp::compile(vcl);
    let clock = Arc::new(ManualClock::new(T0));
    let handle = ServiceHandle::with_clock(Arc::new(program), config, clock.clone()).expect("service");
    let config = ServerConfig { listen: "127.0.0.1:0".parse().unwrap(), ..Default::default() };
    let server = Server::bind(config, handle.clone()).await.expect("bind").spawn();
    let client = Client::builder(TokioExecutor::new()).build_http();
    Edge { server: Some(server), clock, handle, client }
}

impl Edge {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.as_ref().unwrap().addr())
    }

    pub async fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = http::Request::builder().method(method).uri(self.url(path));
        for (n, v) in headers {
            req = req.header(*n, *v);
        }
        let req = req.body(Full::new(Bytes::new())).unwrap();
        let resp =
            tokio::time::timeout(WAIT, self.client.request(req)).await.expect("response in time").expect("response");
        let (parts, body) = resp.into_parts();
        let body = tokio::time::timeout(WAIT, body.collect()).await.expect("body in time").expect("body").to_bytes();
        Resp { status: parts.status.as_u16(), headers: parts.headers, body }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.request("GET", path, &[]).await
    }

    pub fn advance(&self, secs: i64) {
        self.clock.advance_secs(secs);
    }
}

/// Polls `cond` (real time, bounded) for work a background task does.
async fn eventually(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Fastly's boilerplate fetch logic (pass on private / Set-Cookie) and the state in a
/// response header.
const BOILERPLATE: &str = r#"
sub vcl_fetch {
  if (beresp.http.Set-Cookie) { return(pass); }
  if (beresp.http.Cache-Control ~ "(private|no-store)") { return(pass); }
  return(deliver);
}
sub vcl_deliver {
  set resp.http.X-State = fastly_info.state;
  return(deliver);
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn miss_then_hit() {
    let origin = Origin::fixed(Reply::ok("hello").header("Cache-Control", "max-age=60")).await;
    let e = edge(&origin, BOILERPLATE).await;
    let first = e.request("GET", "/", &[("Host", "WWW.Example.COM")]).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.text(), "hello");
    assert_eq!(first.header("x-cache"), Some("MISS"));
    assert_eq!(first.header("x-state"), Some("MISS"));
    assert_eq!(first.header("x-cache-hits"), Some("0"));
    assert_eq!(first.header("via"), Some("1.1 varnish"));
    assert_eq!(first.header("x-served-by"), Some("cache-lcl1-LCL"));
    let timer = first.header("x-timer").unwrap();
    assert!(timer.starts_with("S1700000000.000000,VS0,VE"), "{timer}");
    e.advance(5);
    let second = e.request("GET", "/", &[("Host", "www.example.com")]).await;
    assert_eq!(second.text(), "hello");
    assert_eq!(second.header("x-cache"), Some("HIT"));
    assert_eq!(second.header("x-cache-hits"), Some("1"));
    assert_eq!(second.header("age"), Some("5"));
    assert_eq!(origin.hits(), 1, "the second request is a hit");
    // Fastly lower-cases Host before vcl_recv; the origin gets it and the client's address.
    let seen = &origin.seen()[0];
    assert_eq!(seen.header("host").as_deref(), Some("www.example.com"));
    assert_eq!(seen.header("x-forwarded-for").as_deref(), Some("127.0.0.1"));
}

/// `Fastly-Debug` on the request (any value) adds Fastly-Debug-Path and Fastly-Debug-TTL
/// as the generated FETCH and DELIVER macros build them (Fastly's header reference:
/// `(D|F <server.identity> <unix seconds>)`, and `{H|M} <identity> <remainingTTL>
/// <grace> <age>` with `- -` when the node did not hit the object); without it they are
/// stripped, even when the origin sent them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fastly_debug_headers() {
    let origin = Origin::fixed(
        Reply::ok("hello").header("Cache-Control", "max-age=60").header("Fastly-Debug-Path", "(F upstream 1)"),
    )
    .await;
    let e = edge(&origin, BOILERPLATE).await;
    let miss = e.request("GET", "/", &[("Fastly-Debug", "1")]).await;
    assert_eq!(
        miss.header("fastly-debug-path"),
        Some("(D cache-lcl1-LCL 1700000000) (F cache-lcl1-LCL 1700000000) (F upstream 1)")
    );
    assert_eq!(miss.header("fastly-debug-ttl"), Some("(M cache-lcl1-LCL - - 0)"), "trailing space trimmed by HTTP");
    e.advance(5);
    let hit = e.request("GET", "/", &[("Fastly-Debug", "1")]).await;
    assert_eq!(
        hit.header("fastly-debug-path"),
        Some("(D cache-lcl1-LCL 1700000005) (F cache-lcl1-LCL 1700000000) (F upstream 1)")
    );
    assert_eq!(hit.header("fastly-debug-ttl"), Some("(H cache-lcl1-LCL 55.000 0.000 5)"));
    // `digest.hash_sha256(req.digest)`: 64 hex digits, the same for every request of the key.
    let digest = hit.header("fastly-debug-digest").unwrap();
    assert!(digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()), "{digest}");
    assert_eq!(miss.header("fastly-debug-digest"), Some(digest));
    let plain = e.get("/").await;
    assert_eq!(plain.header("x-cache"), Some("HIT"));
    assert_eq!(plain.header("fastly-debug-path"), None);
    assert_eq!(plain.header("fastly-debug-ttl"), None);
    assert_eq!(origin.hits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ttl_from_headers_and_from_vcl() {
    let origin =
        Origin::start(|seen, n| Reply::ok(format!("{} #{n}", seen.uri)).header("Cache-Control", "max-age=10")).await;
    let vcl = r#"sub vcl_fetch { if (req.url == "/long") { set beresp.ttl = 100s; } return(deliver); }"#;
    let e = edge(&origin, vcl).await;
    assert_eq!(e.get("/short").await.text(), "/short #1");
    assert_eq!(e.get("/long").await.text(), "/long #2");
    e.advance(9);
    assert_eq!(e.get("/short").await.header("x-cache"), Some("HIT"));
    e.advance(2);
    // max-age=10 from the origin: expired after 11 s.
    let short = e.get("/short").await;
    assert_eq!((short.text().as_str(), short.header("x-cache")), ("/short #3", Some("MISS")));
    // beresp.ttl set in VCL wins over the header.
    let long = e.get("/long").await;
    assert_eq!((long.text().as_str(), long.header("x-cache")), ("/long #2", Some("HIT")));
    assert_eq!(origin.hits(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn age_from_origin_shortens_ttl() {
    // Fastly: max-age=30 with Age: 10 leaves 20 s.
    let origin = Origin::fixed(Reply::ok("x").header("Cache-Control", "max-age=30").header("Age", "10")).await;
    let e = edge(&origin, "").await;
    assert_eq!(e.get("/").await.header("age"), Some("10"));
    e.advance(8);
    let hit = e.get("/").await;
    assert_eq!((hit.header("x-cache"), hit.header("age")), (Some("HIT"), Some("18")));
    e.advance(13);
    assert_eq!(e.get("/").await.header("x-cache"), Some("MISS"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn vary_keeps_variants_apart() {
    let origin = Origin::start(|seen, _| {
        Reply::ok(seen.header("accept-language").unwrap_or_default())
            .header("Cache-Control", "max-age=60")
            .header("Vary", "Accept-Language")
    })
    .await;
    let e = edge(&origin, "").await;
    assert_eq!(e.request("GET", "/", &[("Accept-Language", "en")]).await.text(), "en");
    assert_eq!(e.request("GET", "/", &[("Accept-Language", "fr")]).await.text(), "fr");
    let en = e.request("GET", "/", &[("Accept-Language", "en")]).await;
    assert_eq!((en.text().as_str(), en.header("x-cache")), ("en", Some("HIT")));
    let fr = e.request("GET", "/", &[("Accept-Language", "fr")]).await;
    assert_eq!((fr.text().as_str(), fr.header("x-cache")), ("fr", Some("HIT")));
    assert_eq!(origin.hits(), 2);
}

/// Fastly normalizes Accept-Encoding before vcl_recv (Accept-Encoding header reference):
/// the original is kept in Fastly-Orig-Accept-Encoding and the value becomes the one best
/// scheme, so `gzip, br` and `br, deflate, gzip` share a `Vary: Accept-Encoding` variant.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn accept_encoding_is_normalized_before_recv() {
    let origin =
        Origin::fixed(Reply::ok("v").header("Cache-Control", "max-age=60").header("Vary", "Accept-Encoding")).await;
    let vcl = r#"
sub vcl_deliver {
  set resp.http.X-AE = if(req.http.Accept-Encoding, req.http.Accept-Encoding, "(none)");
  set resp.http.X-Orig-AE = req.http.Fastly-Orig-Accept-Encoding;
  set resp.http.X-State = fastly_info.state;
}
"#;
    let e = edge(&origin, vcl).await;
    let first = e.request("GET", "/", &[("Accept-Encoding", "gzip, br")]).await;
    assert_eq!(first.header("x-ae"), Some("gzip"));
    assert_eq!(first.header("x-orig-ae"), Some("gzip, br"));
    assert_eq!(origin.seen()[0].header("accept-encoding").as_deref(), Some("gzip"));
    let same_variant = e.request("GET", "/", &[("Accept-Encoding", "br, deflate, GZIP")]).await;
    assert_eq!(same_variant.header("x-state"), Some("HIT"));
    let deflate = e.request("GET", "/", &[("Accept-Encoding", "deflate, identity")]).await;
    assert_eq!(deflate.header("x-ae"), Some("deflate"));
    assert_eq!(deflate.header("x-state"), Some("MISS"));
    let other = e.request("GET", "/", &[("Accept-Encoding", "br")]).await;
    assert_eq!(other.header("x-ae"), Some("(none)"));
    assert_eq!(other.header("x-orig-ae"), Some("br"));
    let none = e.get("/").await;
    assert_eq!(none.header("x-state"), Some("HIT"), "no Accept-Encoding is the variant `br` normalized to");
    assert_eq!(none.header("x-orig-ae"), Some(""), "not set (a not-set value assigns \"\")");
    assert_eq!(origin.hits(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn conditional_requests_get_304_from_cache() {
    let origin = Origin::fixed(
        Reply::ok("body")
            .header("Cache-Control", "max-age=60")
            .header("ETag", "\"v1\"")
            .header("Last-Modified", "Tue, 14 Nov 2023 22:00:00 GMT"),
    )
    .await;
    let e = edge(&origin, "").await;
    // Even the miss answers 304: the edge fetched the whole object without the validator.
    let first = e.request("GET", "/", &[("If-None-Match", "\"v1\"")]).await;
    assert_eq!(first.status, 304);
    assert!(first.body.is_empty());
    assert_eq!(origin.seen()[0].header("if-none-match"), None);
    let hit = e.request("GET", "/", &[("If-None-Match", "W/\"v1\", \"v0\"")]).await;
    assert_eq!((hit.status, hit.header("etag")), (304, Some("\"v1\"")));
    assert_eq!(e.request("GET", "/", &[("If-None-Match", "\"v2\"")]).await.status, 200);
    let ims = e.request("GET", "/", &[("If-Modified-Since", "Wed, 15 Nov 2023 00:00:00 GMT")]).await;
    assert_eq!(ims.status, 304);
    let older = e.request("GET", "/", &[("If-Modified-Since", "Mon, 13 Nov 2023 00:00:00 GMT")]).await;
    assert_eq!((older.status, older.text().as_str()), (200, "body"));
    assert_eq!(origin.hits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn range_on_cached_object_gives_206() {
    let origin = Origin::fixed(Reply::ok("0123456789").header("Cache-Control", "max-age=60")).await;
    let e = edge(&origin, "").await;
    let part = e.request("GET", "/", &[("Range", "bytes=2-5")]).await;
    assert_eq!(part.status, 206);
    assert_eq!(part.text(), "2345");
    assert_eq!(part.header("content-range"), Some("bytes 2-5/10"));
    // Fastly strips Range from the origin request and caches the whole object.
    assert_eq!(origin.seen()[0].header("range"), None);
    let suffix = e.request("GET", "/", &[("Range", "bytes=-3")]).await;
    assert_eq!((suffix.status, suffix.text().as_str()), (206, "789"));
    let bad = e.request("GET", "/", &[("Range", "bytes=20-")]).await;
    assert_eq!((bad.status, bad.header("content-range")), (416, Some("bytes */10")));
    assert_eq!(e.get("/").await.text(), "0123456789");
    assert_eq!(origin.hits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn head_is_answered_from_cache_without_body() {
    let origin = Origin::fixed(Reply::ok("0123456789").header("Cache-Control", "max-age=60")).await;
    let e = edge(&origin, "").await;
    let head = e.request("HEAD", "/", &[]).await;
    assert_eq!((head.status, head.header("content-length")), (200, Some("10")));
    assert!(head.body.is_empty());
    // A HEAD miss fetches the object with GET, so a later GET is a hit.
    assert_eq!(origin.seen()[0].method, "GET");
    let get = e.get("/").await;
    assert_eq!((get.text().as_str(), get.header("x-cache")), ("0123456789", Some("HIT")));
    assert_eq!(origin.hits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn concurrent_misses_collapse_into_one_fetch() {
    let origin =
        Origin::fixed(Reply::ok("collapsed").header("Cache-Control", "max-age=60").delay(Duration::from_millis(200)))
            .await;
    let e = Arc::new(edge(&origin, "").await);
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let e = e.clone();
        tasks.push(tokio::spawn(async move { e.get("/popular").await }));
    }
    for t in tasks {
        let r = t.await.unwrap();
        assert_eq!((r.status, r.text().as_str()), (200, "collapsed"));
    }
    assert_eq!(origin.hits(), 1, "100 concurrent misses, one origin fetch");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 8)]
async fn uncacheable_answers_do_not_serialize() {
    let delay = Duration::from_millis(200);
    let origin = Origin::fixed(Reply::ok("mine").header("Cache-Control", "private").delay(delay)).await;
    let e = Arc::new(edge(&origin, BOILERPLATE).await);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let e = e.clone();
        tasks.push(tokio::spawn(async move { e.get("/account").await }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().text(), "mine");
    }
    let took = started.elapsed();
    assert_eq!(origin.hits(), 100, "every request reaches the origin");
    // Serialized, 100 requests would take 20 s; the followers pass together once the
    // first answer marks the key hit-for-pass.
    assert!(took < delay * 15, "took {took:?}");
    assert!(origin.max_concurrent() >= 10, "max concurrent {}", origin.max_concurrent());
    // Later requests pass straight away (HITPASS → PASS).
    let later = e.get("/account").await;
    assert_eq!((later.header("x-state"), later.header("x-cache")), (Some("PASS"), Some("MISS")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stale_while_revalidate_serves_stale_and_refreshes_once() {
    let origin = Origin::start(|_, n| {
        let reply = Reply::ok(format!("v{n}")).header("Cache-Control", "max-age=10, stale-while-revalidate=60");
        // The refresh is slow, so the stale requests below overlap it.
        if n > 1 {
            reply.delay(Duration::from_millis(300))
        } else {
            reply
        }
    })
    .await;
    let e = edge(&origin, BOILERPLATE).await;
    assert_eq!(e.get("/").await.text(), "v1");
    e.advance(15);
    for _ in 0..5 {
        let stale = e.get("/").await;
        assert_eq!((stale.text().as_str(), stale.header("x-cache")), ("v1", Some("HIT")), "stale served at once");
    }
    eventually("the background refresh", || origin.hits() == 2).await;
    eventually("the refreshed object", || e.handle.cache_usage().0 == 1).await;
    let mut fresh = e.get("/").await;
    // The refresh stores when its body is in; poll (bounded) rather than race it.
    let deadline = Instant::now() + WAIT;
    while fresh.text() != "v2" && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
        fresh = e.get("/").await;
    }
    assert_eq!((fresh.text().as_str(), fresh.header("x-cache")), ("v2", Some("HIT")));
    assert_eq!(origin.hits(), 2, "exactly one background fetch");
}

/// `req.max_stale_while_revalidate` and `req.max_stale_if_error` cap the object's windows
/// for one request (Fastly: "if beresp.stale_if_error for an object is set to one hour,
/// but req.max_stale_if_error is set to ten minutes, ten minutes is the maximum stale age
/// for that particular request"); unset, they read as falco's observed 9223372036.854s.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_request_caps_how_stale_an_object_it_accepts() {
    let origin = Origin::start(|_, n| {
        Reply::ok(format!("v{n}")).header("Cache-Control", "max-age=10, stale-while-revalidate=60, stale-if-error=3600")
    })
    .await;
    let vcl = format!(
        r#"
sub vcl_recv {{
  set req.http.X-Default = req.max_stale_while_revalidate "|" req.max_stale_if_error;
  if (req.http.X-Cap) {{ set req.max_stale_while_revalidate = 5s; set req.grace = 5s; }}
}}
sub vcl_deliver {{
  set resp.http.X-Default = req.http.X-Default;
  set resp.http.X-Grace = req.grace;
}}
{BOILERPLATE}"#
    );
    let e = edge(&origin, &vcl).await;
    let first = e.get("/").await;
    assert_eq!(first.text(), "v1");
    assert_eq!(first.header("x-default"), Some("9223372036.854|9223372036.854"));
    e.advance(20);
    // 10 s past expiry: inside the object's 60 s window, outside the request's 5 s.
    let capped = e.request("GET", "/", &[("X-Cap", "1")]).await;
    assert_eq!((capped.text().as_str(), capped.header("x-state")), ("v2", Some("MISS")));
    assert_eq!(capped.header("x-grace"), Some("5.000"));
    e.advance(20);
    let uncapped = e.get("/").await;
    assert_eq!((uncapped.text().as_str(), uncapped.header("x-cache")), ("v2", Some("HIT")), "stale within 60 s");

    // The stale-if-error window too: the origin is down, the object 100 s past expiry.
    let vcl = format!(
        "sub vcl_recv {{ if (req.http.X-Cap) {{ set req.max_stale_if_error = 5s; }} }}\n{SERVE_STALE_ON_ERROR}"
    );
    let e = edge(&origin, &vcl).await;
    e.get("/sie").await;
    origin.set_down(true);
    e.advance(100);
    assert_eq!(e.get("/sie").await.header("x-state"), Some("HIT-STALE"));
    let capped = e.request("GET", "/sie", &[("X-Cap", "1")]).await;
    assert_eq!((capped.status, capped.header("x-state")), (503, Some("ERROR")));
}

const SERVE_STALE_ON_ERROR: &str = r#"
sub vcl_error {
  if (obj.status == 503) { return(deliver_stale); }
  return(deliver);
}
sub vcl_deliver {
  set resp.http.X-State = fastly_info.state;
  return(deliver);
}
"#;

/// Fastly revalidates a stale object that has an `ETag` or `Last-Modified`; a `304`
/// updates the stored TTL and resets Age to the 304's `Age` (0 without one), and
/// `fastly_info.state` gains `-REFRESH` (Fastly's Age header reference, "Revalidation";
/// fastly_info.state reference). The client's own conditional headers are not forwarded.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stale_object_with_validators_is_revalidated_by_304() {
    let origin = Origin::start(|seen, _| {
        if seen.header("if-none-match").as_deref() == Some("\"v1\"") {
            Reply::ok("").status(304).header("Cache-Control", "max-age=30").header("X-Refreshed", "yes")
        } else {
            Reply::ok("body v1").header("Cache-Control", "max-age=10").header("ETag", "\"v1\"")
        }
    })
    .await;
    let e = edge(&origin, BOILERPLATE).await;
    let first = e.request("GET", "/r", &[("If-None-Match", "\"other\"")]).await;
    assert_eq!(first.text(), "body v1");
    assert_eq!(origin.seen()[0].header("if-none-match"), None, "client validators stay at the edge");
    e.advance(15);
    let refreshed = e.get("/r").await;
    assert_eq!(refreshed.status, 200);
    assert_eq!(refreshed.text(), "body v1", "the stored body, not the 304's");
    assert_eq!(refreshed.header("x-state"), Some("MISS-REFRESH"));
    assert_eq!(refreshed.header("x-cache"), Some("MISS"));
    assert_eq!(refreshed.header("x-refreshed"), Some("yes"), "the 304's headers update the stored ones");
    assert_eq!(refreshed.header("cache-control"), Some("max-age=30"));
    assert_eq!(refreshed.header("age"), Some("0"));
    assert_eq!(origin.seen()[1].header("if-none-match").as_deref(), Some("\"v1\""));
    // Fresh again for the 304's 30 s.
    e.advance(20);
    let hit = e.get("/r").await;
    assert_eq!(hit.header("x-state"), Some("HIT"));
    assert_eq!(hit.header("age"), Some("20"));
    assert_eq!(origin.hits(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stale_if_error_when_origin_is_down() {
    let origin = Origin::fixed(Reply::ok("kept").header("Cache-Control", "max-age=10, stale-if-error=3600")).await;
    let e = edge(&origin, SERVE_STALE_ON_ERROR).await;
    assert_eq!(e.get("/").await.text(), "kept");
    origin.set_down(true);
    e.advance(20);
    let stale = e.get("/").await;
    assert_eq!(stale.status, 200);
    assert_eq!((stale.text().as_str(), stale.header("x-state")), ("kept", Some("HIT-STALE")));
    // Past the stale-if-error window: Fastly's generated 503.
    e.advance(3600);
    let gone = e.get("/").await;
    assert_eq!((gone.status, gone.header("x-state")), (503, Some("ERROR")));
    assert!(gone.text().contains("backend read error"), "{}", gone.text());
    // Nothing stale at all: 503 too.
    let other = e.get("/never-cached").await;
    assert_eq!(other.status, 503);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stale_if_error_on_origin_5xx_with_deliver_stale_in_fetch() {
    let origin = Origin::start(|_, n| {
        if n == 1 {
            Reply::ok("good").header("Cache-Control", "max-age=10, stale-if-error=3600")
        } else {
            Reply::ok("broken").status(500)
        }
    })
    .await;
    let vcl = r#"sub vcl_fetch { if (beresp.status >= 500) { return(deliver_stale); } return(deliver); }"#;
    let e = edge(&origin, vcl).await;
    assert_eq!(e.get("/").await.text(), "good");
    e.advance(20);
    let r = e.get("/").await;
    assert_eq!((r.status, r.text().as_str()), (200, "good"));
    // Without a stale copy the origin's 500 is delivered.
    let none = e.get("/fresh-url").await;
    assert_eq!((none.status, none.text().as_str()), (500, "broken"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn unreachable_origin_gives_fastly_503() {
    // Bind and drop: nothing listens on this port.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let vcl = format!("backend F_gone {{ .host = \"127.0.0.1\"; .port = \"{port}\"; }}\n{BOILERPLATE}");
    let e = edge_with(&vcl, ServiceConfig::default()).await;
    let r = e.get("/").await;
    assert_eq!((r.status, r.header("x-state")), (503, Some("ERROR")));
    assert!(r.text().contains("Error 503 backend read error"), "{}", r.text());
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hard_and_soft_purge() {
    let origin = Origin::start(|_, n| {
        Reply::ok(format!("v{n}")).header("Cache-Control", "max-age=60, stale-while-revalidate=30")
    })
    .await;
    let vcl =
        r#"sub vcl_recv { if (req.method == "FASTLYPURGE") { set req.http.X-Saw-Purge = "1"; } return(lookup); }"#;
    let e = edge(&origin, vcl).await;
    assert_eq!(e.get("/page").await.text(), "v1");
    let purge = e.request("PURGE", "/page", &[]).await;
    assert_eq!(purge.status, 200);
    assert_eq!(purge.header("content-type"), Some("application/json"));
    assert!(purge.text().starts_with("{\"status\": \"ok\", \"id\": \""), "{}", purge.text());
    let after = e.get("/page").await;
    assert_eq!((after.text().as_str(), after.header("x-cache")), ("v2", Some("MISS")));
    // Soft purge: marked stale, so it is still served within stale-while-revalidate while
    // one background fetch refreshes it.
    let soft = e.request("PURGE", "/page", &[("Fastly-Soft-Purge", "1")]).await;
    assert_eq!(soft.status, 200);
    let stale = e.get("/page").await;
    assert_eq!((stale.text().as_str(), stale.header("x-cache")), ("v2", Some("HIT")));
    eventually("the refresh after a soft purge", || origin.hits() == 3).await;
    // Purging by surrogate key through the handle (the API's hook).
    let origin2 =
        Origin::fixed(Reply::ok("tagged").header("Cache-Control", "max-age=60").header("Surrogate-Key", "a b")).await;
    let e2 = edge(&origin2, "").await;
    let tagged = e2.get("/t").await;
    assert_eq!(tagged.header("surrogate-key"), None, "stripped without Fastly-Debug");
    let debug = e2.request("GET", "/t", &[("Fastly-Debug", "1")]).await;
    assert_eq!(debug.header("surrogate-key"), Some("a b"));
    assert_eq!(e2.handle.purge_surrogate_key(b"b", false), 1);
    assert_eq!(e2.get("/t").await.header("x-cache"), Some("MISS"));
    assert!(e2.handle.purge_all() >= 1);
    assert_eq!(e2.get("/t").await.header("x-cache"), Some("MISS"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn restart_reenters_recv_and_is_capped_at_three() {
    let origin = Origin::start(|seen, _| {
        if seen.header("x-retry").is_some() {
            Reply::ok("second try")
        } else {
            Reply::ok("broken").status(500)
        }
    })
    .await;
    let vcl = r#"
sub vcl_recv { if (req.restarts > 0) { set req.http.X-Retry = req.restarts; } return(pass); }
sub vcl_fetch { if (beresp.status == 500 && req.restarts < 1) { restart; } return(deliver); }
sub vcl_deliver { set resp.http.X-Restarts = req.restarts; return(deliver); }
"#;
    let e = edge(&origin, vcl).await;
    let r = e.get("/").await;
    assert_eq!((r.status, r.text().as_str(), r.header("x-restarts")), (200, "second try", Some("1")));
    assert_eq!(origin.hits(), 2);
    // Fastly: at most 3 restarts; the 4th gives a 503.
    let looping = crate::interp::compile("sub vcl_recv { restart; }");
    e.handle.activate(Arc::new(looping)).unwrap();
    let r = e.get("/").await;
    assert_eq!(r.status, 503);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn error_and_synthetic_response_from_vcl_error() {
    let origin = Origin::fixed(Reply::ok("never")).await;
    let vcl = r#"
sub vcl_recv {
  if (req.url == "/teapot") { error 618 "Teapot"; }
  if (req.url == "/moved") { error 801 "Moved"; }
  return(lookup);
}
sub vcl_error {
  if (obj.status == 618) {
    set obj.status = 418;
    set obj.response = "I'm a teapot";
    set obj.http.Content-Type = "text/plain";
    synthetic "short and stout";
    return(deliver);
  }
  if (obj.status == 801) {
    set obj.status = 301;
    set obj.http.Location = "https://" req.http.host req.url;
    synthetic "";
    return(deliver);
  }
}
sub vcl_deliver { set resp.http.X-State = fastly_info.state; return(deliver); }
"#;
    let e = edge(&origin, vcl).await;
    let tea = e.get("/teapot").await;
    assert_eq!((tea.status, tea.text().as_str()), (418, "short and stout"));
    assert_eq!(tea.header("content-type"), Some("text/plain"));
    assert_eq!(tea.header("x-state"), Some("ERROR"));
    let moved = e.request("GET", "/moved", &[("Host", "shop.example")]).await;
    assert_eq!((moved.status, moved.header("location")), (301, Some("https://shop.example/moved")));
    assert_eq!(moved.header("x-state"), Some("HIT-SYNTH"));
    assert_eq!(moved.header("x-cache"), Some("HIT"));
    assert_eq!(origin.hits(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn runtime_fault_gives_503_not_a_dropped_connection() {
    // 22,650 inlined calls of 50 statements each: over the interpreter's step budget.
    let mut vcl = String::from("sub leaf {\n");
    for _ in 0..50 {
        vcl.push_str("  set req.http.X-Work = \"1\";\n");
    }
    vcl.push_str("}\nsub middle {\n");
    for _ in 0..150 {
        vcl.push_str("  call leaf;\n");
    }
    vcl.push_str("}\nsub vcl_recv {\n");
    for _ in 0..150 {
        vcl.push_str("  call middle;\n");
    }
    vcl.push_str("  return(pass);\n}\n");
    let origin = Origin::fixed(Reply::ok("never")).await;
    let e = edge(&origin, &vcl).await;
    let r = e.get("/").await;
    assert_eq!(r.status, 503);
    assert!(r.text().contains("Guru Mediation"));
    assert_eq!(origin.hits(), 0);
    // The connection and the server are fine afterwards.
    e.handle
        .activate(Arc::new(crate::interp::compile(&format!(
            "{}sub vcl_recv {{ return(pass); }}",
            origin.backend("F_origin")
        ))))
        .unwrap();
    assert_eq!(e.get("/").await.text(), "never");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn activation_swaps_the_program() {
    let origin = Origin::fixed(Reply::ok("x").header("Cache-Control", "max-age=60")).await;
    let v1 = format!("{}sub vcl_deliver {{ set resp.http.X-Version = \"1\"; }}", origin.backend("F_origin"));
    let e = edge_with(&v1, ServiceConfig::default()).await;
    assert_eq!(e.get("/").await.header("x-version"), Some("1"));
    let v2 = format!(
        "{}sub vcl_deliver {{ set resp.http.X-Version = \"2\"; set resp.http.X-Vcl-Version = req.vcl.version; }}",
        origin.backend("F_origin")
    );
    e.handle.activate(Arc::new(crate::interp::compile(&v2))).unwrap();
    let r = e.get("/").await;
    // Same cache, new program, the next version number (`req.vcl.version`).
    assert_eq!((r.header("x-version"), r.header("x-cache")), (Some("2"), Some("HIT")));
    assert_eq!(r.header("x-vcl-version"), Some("2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn unsupported_tls_fields_fail_loudly() {
    // TLS to origin works (proxy_tls.rs); the TLS fields it cannot honour are refused.
    let tls = "backend F_tls { .host = \"example.com\"; .port = \"443\"; .ssl = true; .ssl_ciphers = \"RC4\"; }";
    let program = crate::interp::compile(tls);
    let err = ServiceHandle::new(Arc::new(program), ServiceConfig::default()).unwrap_err();
    assert!(err.to_string().contains("not supported yet: .ssl_ciphers"), "{err}");
    // Directors are served: tests/it/proxy_health.rs.
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn objects_over_the_size_limit_are_passed_not_cached() {
    let big = Bytes::from(vec![b'x'; 4096]);
    let origin = Origin::fixed(Reply::ok(big.clone()).header("Cache-Control", "max-age=60")).await;
    let config = ServiceConfig { max_object_size: 1024, ..Default::default() };
    let e = edge_with(&format!("{}{BOILERPLATE}", origin.backend("F_origin")), config).await;
    let first = e.get("/big").await;
    assert_eq!((first.status, first.body.len()), (200, 4096));
    let second = e.get("/big").await;
    assert_eq!(second.body, big);
    assert_eq!(second.header("x-cache"), Some("MISS"));
    assert_eq!(origin.hits(), 2);
}

/// Sends raw bytes and returns what the proxy answered (until it closes or 2 s pass).
async fn raw(addr: std::net::SocketAddr, request: &[u8]) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(request).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(2), s.read_to_end(&mut out)).await;
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn request_smuggling_and_oversized_heads_are_refused() {
    let origin = Origin::fixed(Reply::ok("ok")).await;
    let e = edge(&origin, "sub vcl_recv { return(pass); }").await;
    let addr = e.server.as_ref().unwrap().addr();
    // Transfer-Encoding with Content-Length: refused by lacquer's guard.
    let te_cl = raw(addr, b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n").await;
    assert!(te_cl.starts_with("HTTP/1.1 400"), "{te_cl}");
    assert!(!te_cl.contains("HTTP/1.1 200"), "nothing after the refused request is served: {te_cl}");
    // Conflicting Content-Length values: hyper refuses them.
    let cl_cl = raw(addr, b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab").await;
    assert!(cl_cl.starts_with("HTTP/1.1 400"), "{cl_cl}");
    // A Transfer-Encoding that is not chunked: hyper refuses it.
    let te_gzip = raw(addr, b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n").await;
    assert!(te_gzip.starts_with("HTTP/1.1 400"), "{te_gzip}");
    // Header section over the limit: 431.
    let huge = format!("GET / HTTP/1.1\r\nHost: a\r\nX-Big: {}\r\n\r\n", "a".repeat(80 * 1024));
    let big = raw(addr, huge.as_bytes()).await;
    assert!(big.starts_with("HTTP/1.1 431"), "{}", &big[..big.len().min(200)]);
    // Too many header fields: 431.
    let mut many = String::from("GET / HTTP/1.1\r\nHost: a\r\n");
    for i in 0..300 {
        many.push_str(&format!("X-H{i}: v\r\n"));
    }
    many.push_str("\r\n");
    let many = raw(addr, many.as_bytes()).await;
    assert!(many.starts_with("HTTP/1.1 431"), "{}", &many[..many.len().min(200)]);
    // Keep-alive with a chunked body then a plain request: both served.
    let two = raw(addr, b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n\r\n\r\n\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").await;
    assert_eq!(two.matches("HTTP/1.1 200").count(), 2, "{two}");
    assert_eq!(origin.seen()[0].body.as_ref(), b"\r\n\r\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn http2_cleartext_is_served() {
    let origin = Origin::fixed(Reply::ok("h2").header("Cache-Control", "max-age=60")).await;
    let e = edge(&origin, "").await;
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).http2_only(true).build_http();
    let req = http::Request::get(e.url("/")).body(Full::new(Bytes::new())).unwrap();
    let resp = tokio::time::timeout(WAIT, client.request(req)).await.unwrap().unwrap();
    assert_eq!(resp.version(), http::Version::HTTP_2);
    assert_eq!(resp.headers().get("x-cache").unwrap(), "MISS");
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body.as_ref(), b"h2");
    // HTTP/2's :authority is the host: the same key as HTTP/1's Host.
    assert_eq!(e.request("GET", "/", &[]).await.header("x-cache"), Some("HIT"));
    // HEAD over HTTP/2: the length of the body a GET would get, and no DATA frames.
    let head = http::Request::head(e.url("/")).body(Full::new(Bytes::new())).unwrap();
    let resp = tokio::time::timeout(WAIT, client.request(head)).await.unwrap().expect("HEAD over h2");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers().get("content-length").unwrap(), "2");
    assert!(resp.into_body().collect().await.unwrap().to_bytes().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn shutdown_lets_in_flight_requests_finish() {
    let origin = Origin::fixed(Reply::ok("slow").delay(Duration::from_millis(300))).await;
    let mut e = edge(&origin, "sub vcl_recv { return(pass); }").await;
    let url = e.url("/");
    let client = e.client.clone();
    let in_flight = tokio::spawn(async move {
        let req = http::Request::get(url).body(Full::new(Bytes::new())).unwrap();
        let resp = client.request(req).await.unwrap();
        resp.into_body().collect().await.unwrap().to_bytes()
    });
    eventually("the request to reach the origin", || origin.hits() == 1).await;
    let server = e.server.take().unwrap();
    let addr = server.addr();
    tokio::time::timeout(WAIT, server.shutdown()).await.expect("drained in time");
    assert_eq!(in_flight.await.unwrap().as_ref(), b"slow");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "no longer accepting");
}

/// `beresp.gzip` compresses the object before it is stored (Fastly's compression guide:
/// the generated policy adds `Vary: Accept-Encoding` and sets `beresp.gzip` when the
/// normalized Accept-Encoding is `gzip`); setting `beresp.brotli` unsets `beresp.gzip`
/// (beresp.gzip reference), and an origin-encoded body is never encoded again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn beresp_gzip_and_brotli_compress_before_storing() {
    use std::io::Read;
    let text = "compress me at the edge, please. ".repeat(64);
    let origin = Origin::start({
        let text = text.clone();
        move |seen, _| {
            let reply = Reply::ok(text.clone()).header("Cache-Control", "max-age=60");
            if seen.uri.starts_with("/encoded") {
                reply.header("Content-Encoding", "x-custom")
            } else {
                reply
            }
        }
    })
    .await;
    let vcl = r#"
sub vcl_fetch {
  set beresp.http.Vary = "Accept-Encoding";
  if (req.http.Accept-Encoding == "gzip") { set beresp.gzip = true; }
  if (req.url ~ "^/br") { set beresp.gzip = true; set beresp.brotli = true; }
  set beresp.http.X-Flags = if(beresp.gzip, "gzip", "") if(beresp.brotli, "br", "");
}
"#;
    let e = edge(&origin, vcl).await;
    let gz = e.request("GET", "/page", &[("Accept-Encoding", "gzip, br")]).await;
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.header("x-flags"), Some("gzip"));
    assert!(gz.body.len() < text.len() / 4);
    let mut plain = String::new();
    flate2::read::GzDecoder::new(&gz.body[..]).read_to_string(&mut plain).unwrap();
    assert_eq!(plain, text);
    let hit = e.request("GET", "/page", &[("Accept-Encoding", "gzip")]).await;
    assert_eq!((hit.header("x-cache"), hit.header("content-encoding")), (Some("HIT"), Some("gzip")));
    assert_eq!(hit.body, gz.body);
    let identity = e.get("/page").await;
    assert_eq!((identity.header("content-encoding"), identity.text()), (None, text.clone()));
    let br = e.get("/br").await;
    assert_eq!((br.header("content-encoding"), br.header("x-flags")), (Some("br"), Some("br")));
    let mut plain = Vec::new();
    brotli::BrotliDecompress(&mut &br.body[..], &mut plain).unwrap();
    assert_eq!(plain, text.as_bytes());
    let encoded = e.request("GET", "/encoded", &[("Accept-Encoding", "gzip")]).await;
    assert_eq!((encoded.header("content-encoding"), encoded.text()), (Some("x-custom"), text.clone()));
}

/// Connection facts VCL can read: the backend a fetch went to and both ends of its
/// connection (`beresp.backend.*`, `req.backend.ip` / `.port` in deliver), the request's
/// number on its client connection (`client.requests`), and lacquer being one node (the
/// clustering flags are false; `req.backend.is_origin` is true for a plain backend) that
/// neither pushes nor takes alternate paths to origins.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn vcl_reads_the_backend_connection_and_client_request_count() {
    let origin = Origin::fixed(Reply::ok("x").header("Cache-Control", "max-age=60")).await;
    let vcl = r#"
sub vcl_fetch {
  set beresp.http.X-Fetch = beresp.backend.name "|" beresp.backend.host "|" beresp.backend.ip ":" beresp.backend.port
    "|" beresp.backend.src_ip "|" req.backend.is_origin "|" req.backend.is_shield "|" bereq.is_clustering
    "|" backend.conn.is_tls "|" if(backend.conn.tls_protocol, "tls", "plain") "|" beresp.used_alternate_path_to_origin;
  set beresp.http.X-Requests = beresp.backend.requests;
  set beresp.http.X-Handshake = beresp.handshake_time_to_origin_ms;
}
sub vcl_deliver {
  set resp.http.X-Deliver = req.backend.name "|" req.backend.port "|" client.requests "|" req.is_clustering
    "|" fastly_info.h2.is_push;
}
"#;
    let e = edge(&origin, vcl).await;
    let first = e.get("/conn").await;
    let fetch = first.header("x-fetch").unwrap();
    assert_eq!(fetch, format!("F_origin|127.0.0.1|127.0.0.1:{}|127.0.0.1|1|0|0|0|plain|0", origin.port()));
    assert_eq!(first.header("x-requests"), Some("1"));
    // `beresp.backend.requests` counts the responses of one pooled origin connection:
    // sequential fetches reuse it (hyper returns it to the pool as each body ends, so
    // one of a few fetches finding it busy is allowed).
    let mut counts = Vec::new();
    for i in 0..5 {
        let r = e.get(&format!("/conn-{i}")).await;
        let n = r.header("x-requests").and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        counts.push(n);
        // `beresp.handshake_time_to_origin_ms`: what this fetch waited to open its
        // connection, so 0 on a reused one.
        let handshake = r.header("x-handshake").and_then(|v| v.parse::<i64>().ok()).expect("a number");
        assert!(handshake >= 0 && (n == 1 || handshake == 0), "request {n} on its connection: {handshake} ms");
    }
    assert!(counts.iter().all(|&n| n >= 1) && counts.iter().any(|&n| n >= 3), "{counts:?}");
    assert_eq!(first.header("x-deliver"), Some(format!("F_origin|{}|1|0|0", origin.port()).as_str()));
    // Two requests on one connection (its own, so no pool decides): the second is number
    // 2 on it.
    let addr = e.server.as_ref().unwrap().addr();
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut send, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let mut numbers = Vec::new();
    for _ in 0..2 {
        let req = http::Request::get("/conn").header("Host", "edge.test").body(Full::new(Bytes::new())).unwrap();
        // The connection takes the next request only once it has finished the last one.
        tokio::time::timeout(WAIT, send.ready()).await.expect("ready in time").expect("connection open");
        let resp = tokio::time::timeout(WAIT, send.send_request(req)).await.expect("in time").expect("response");
        let deliver = resp.headers().get("x-deliver").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        resp.into_body().collect().await.expect("body");
        numbers.push(deliver.split('|').nth(2).unwrap_or_default().to_string());
    }
    assert_eq!(numbers, ["1", "2"]);
}

/// `backend.NAME.connections_open` / `connections_used`: "the number of connections open
/// for" and "currently in use for a particular backend". In vcl_fetch the fetch holds one
/// connection; once the (unstreamed) body is read the connection waits idle in the pool,
/// open but unused.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn vcl_reads_how_many_connections_a_backend_has() {
    let origin = Origin::fixed(Reply::ok("x")).await;
    let vcl = r#"
sub vcl_recv { return(pass); }
sub vcl_fetch {
  set beresp.do_stream = false;
  set beresp.http.X-Fetch = backend.F_origin.connections_open "|" backend.F_origin.connections_used;
}
sub vcl_deliver {
  set resp.http.X-Deliver = backend.F_origin.connections_open "|" backend.F_origin.connections_used;
}
"#;
    let e = edge(&origin, vcl).await;
    let r = e.get("/").await;
    assert_eq!((r.header("x-fetch"), r.header("x-deliver")), (Some("1|1"), Some("1|0")));
}

/// `obj.lastuse`: "the approximate time elapsed since the object was last requested"
/// (Fastly's obj.lastuse reference) — since it was stored for the first hit.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn obj_lastuse_is_the_time_since_the_previous_delivery() {
    let origin = Origin::fixed(Reply::ok("x").header("Cache-Control", "max-age=60")).await;
    let vcl = "sub vcl_hit { set req.http.X-Lastuse = obj.lastuse; }\nsub vcl_deliver { set resp.http.X-Lastuse = req.http.X-Lastuse; }";
    let e = edge(&origin, vcl).await;
    e.get("/").await;
    e.advance(5);
    assert_eq!(e.get("/").await.header("x-lastuse"), Some("5.000"));
    e.advance(2);
    assert_eq!(e.get("/").await.header("x-lastuse"), Some("2.000"));
}

/// Fastly's `bereq.fetch_timeout`: "the amount of time Fastly should wait for a backend
/// server to deliver an entire object ... If the timeout is triggered, Fastly will create
/// an error object and invoke vcl_error with obj.status set to 503 and obj.response set to
/// \"fetch timeout\"". Here the body stalls (well within the between-bytes timeout) and
/// then the head itself is late.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_fetch_timeout_bounds_the_whole_response() {
    let vcl = r#"
sub vcl_miss { set bereq.fetch_timeout = 300ms; set req.http.X-Limit = bereq.fetch_timeout; }
sub vcl_fetch { set beresp.do_stream = false; }
sub vcl_error { set obj.http.X-Why = obj.response; set obj.http.X-Limit = req.http.X-Limit; }
"#;
    // The gate is never opened: the rest of the body never comes.
    let (addr, _gate) = slow_body_origin(Some(" and the rest")).await;
    let e = edge_with(&format!("{}{vcl}", raw_backend(addr)), ServiceConfig::default()).await;
    let started = Instant::now();
    let r = e.get("/slow-body").await;
    assert_eq!((r.status, r.header("x-why")), (503, Some("fetch timeout")));
    assert_eq!(r.header("x-limit"), Some("0.300"));
    assert!(started.elapsed() < Duration::from_secs(5), "gave up at the fetch timeout, not the between-bytes one");

    let origin = Origin::fixed(Reply::ok("late").delay(Duration::from_secs(3))).await;
    let e = edge(&origin, vcl).await;
    let r = e.get("/slow-head").await;
    assert_eq!((r.status, r.header("x-why")), (503, Some("fetch timeout")));
}

/// Fastly: "The built-in vcl_log subroutine is executed after the response to the client
/// has finished, and therefore has access to data about the final state of the request"
/// (vcl_log reference): `resp.body_bytes_written` and `resp.completed` say what went out,
/// for a body delivered whole and for one the client walked away from. Lines `log`ged in
/// earlier subroutines go out with vcl_log's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn vcl_log_runs_once_the_body_is_sent() {
    let lines = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let sink = {
        let lines = lines.clone();
        LogSink(Arc::new(move |line: Bytes| lines.lock().unwrap().push(String::from_utf8_lossy(&line).into_owned())))
    };
    let vcl = r#"
sub vcl_deliver { log "deliver " req.url; }
sub vcl_log { log "log " req.url " " resp.body_bytes_written " " resp.completed; }
"#;
    let origin = Origin::fixed(Reply::ok(vec![b'x'; 100_000])).await;
    let config = ServiceConfig { log_sink: Some(sink.clone()), ..Default::default() };
    let e = edge_with(&format!("{}{vcl}", origin.backend("F_origin")), config).await;
    let r = e.get("/whole").await;
    assert_eq!(r.body.len(), 100_000);
    eventually("the log lines", || lines.lock().unwrap().len() == 2).await;
    assert_eq!(*lines.lock().unwrap(), ["deliver /whole", "log /whole 100000 1"]);

    // The client leaves after the first bytes of a body the origin never finishes.
    lines.lock().unwrap().clear();
    let (addr, _gate) = slow_body_origin(None).await;
    let config = ServiceConfig { log_sink: Some(sink), ..Default::default() };
    let e = edge_with(&format!("{}{vcl}", raw_backend(addr)), config).await;
    let stream = tokio::net::TcpStream::connect(e.server.as_ref().unwrap().addr()).await.unwrap();
    let (mut send, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.unwrap();
    let conn = tokio::spawn(conn);
    let req = http::Request::get("/left").header("Host", "edge.test").body(Full::new(Bytes::new())).unwrap();
    let resp = tokio::time::timeout(WAIT, send.send_request(req)).await.expect("head in time").unwrap();
    let mut body = resp.into_body();
    let first = tokio::time::timeout(WAIT, body.frame()).await.expect("first bytes in time").unwrap().unwrap();
    assert_eq!(first.into_data().unwrap(), "first");
    drop((body, send));
    conn.abort();
    eventually("the log line of the abandoned response", || lines.lock().unwrap().len() == 2).await;
    assert_eq!(*lines.lock().unwrap(), ["deliver /left", "log /left 5 0"]);
}

/// `beresp.pci` / `beresp.hipaa` ("prevent the fetched object from being stored in
/// non-volatile memory") are kept with the object, and `obj.is_pci` reads them on later
/// hits. (lacquer's cache is memory-only, so every object already stays off disk.)
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pci_objects_say_so_on_every_hit() {
    let origin = Origin::fixed(Reply::ok("card").header("Cache-Control", "max-age=60")).await;
    let vcl = r#"
sub vcl_fetch {
  if (req.url == "/pci") { set beresp.pci = true; }
  if (req.url == "/hipaa") { set beresp.hipaa = true; }
  set beresp.http.X-Flags = beresp.pci "|" beresp.hipaa;
}
sub vcl_deliver { set resp.http.X-Pci = obj.is_pci; set resp.http.X-State = fastly_info.state; }
"#;
    let e = edge(&origin, vcl).await;
    for (url, flags, pci) in [("/pci", "1|0", "1"), ("/hipaa", "0|1", "1"), ("/plain", "0|0", "0")] {
        let miss = e.get(url).await;
        assert_eq!(
            (miss.header("x-state"), miss.header("x-flags"), miss.header("x-pci")),
            (Some("MISS"), Some(flags), Some(pci))
        );
        let hit = e.get(url).await;
        assert_eq!((hit.header("x-state"), hit.header("x-pci")), (Some("HIT"), Some(pci)), "{url}");
    }
}

/// `fastly_info.request_id` (undocumented; falco observed 32 hex digits, 64 random bits
/// then 1): one per request, never repeated.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_request_has_its_own_id() {
    let origin = Origin::fixed(Reply::ok("x")).await;
    let e = edge(&origin, "sub vcl_deliver { set resp.http.X-Id = fastly_info.request_id; }").await;
    let mut ids = std::collections::HashSet::new();
    for _ in 0..20 {
        let id = e.get("/").await.header("x-id").expect("an id").to_string();
        assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        assert!(id.ends_with("0000000000000001"), "{id}");
        assert!(ids.insert(id), "ids repeat");
    }
}

/// A raw HTTP/1.1 origin that sends the head and a first chunk of the body, then waits for
/// `gate` before sending the rest (`Some`) or cutting the connection (`None`).
async fn slow_body_origin(rest: Option<&'static str>) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (gate, opened) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let (mut conn, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && conn.read(&mut byte).await.unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        let start = "HTTP/1.1 200 OK\r\nCache-Control: max-age=60\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n";
        conn.write_all(start.as_bytes()).await.unwrap();
        let _ = opened.await;
        if let Some(rest) = rest {
            let tail = format!("{:x}\r\n{rest}\r\n0\r\n\r\n", rest.len());
            conn.write_all(tail.as_bytes()).await.unwrap();
        }
        // Dropping the connection ends it (a truncated chunked body when `rest` is None).
    });
    (addr, gate)
}

fn raw_backend(addr: std::net::SocketAddr) -> String {
    format!("backend F_raw {{ .host = \"127.0.0.1\"; .port = \"{}\"; }}\n", addr.port())
}

/// Streaming miss (on by default, as the issue asks; Fastly's `beresp.do_stream`): the
/// client gets the head and the first bytes while the origin is still sending, and the
/// object is stored once complete, so the next request is a HIT with the whole body.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn streaming_miss_delivers_bytes_before_the_origin_finishes() {
    let (addr, gate) = slow_body_origin(Some(" and the rest")).await;
    let e = edge_with(&format!("{}{BOILERPLATE}", raw_backend(addr)), ServiceConfig::default()).await;
    let req = http::Request::get(e.url("/big")).body(Full::new(Bytes::new())).unwrap();
    let resp = tokio::time::timeout(WAIT, e.client.request(req)).await.expect("head in time").unwrap();
    assert_eq!(resp.headers().get("x-state").unwrap(), "MISS");
    let mut body = resp.into_body();
    let first = tokio::time::timeout(WAIT, body.frame()).await.expect("first bytes in time").unwrap().unwrap();
    assert_eq!(first.into_data().unwrap(), "first", "streamed before the origin sent the rest");
    gate.send(()).unwrap();
    let rest = tokio::time::timeout(WAIT, body.collect()).await.unwrap().unwrap().to_bytes();
    assert_eq!(rest, " and the rest");
    let deadline = Instant::now() + WAIT;
    let hit = loop {
        let r = e.get("/big").await;
        if r.header("x-state") == Some("HIT") || Instant::now() > deadline {
            break r;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    assert_eq!((hit.header("x-state"), hit.text().as_str()), (Some("HIT"), "first and the rest"));
}

/// A streamed body the origin cuts short reaches the client as a cut response (Fastly,
/// semantics §10.1: with Streaming Miss the connection is cut) and is never stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn truncated_streamed_body_is_cut_and_not_stored() {
    let (addr, gate) = slow_body_origin(None).await;
    let e = edge_with(&format!("{}{BOILERPLATE}", raw_backend(addr)), ServiceConfig::default()).await;
    let req = http::Request::get(e.url("/cut")).body(Full::new(Bytes::new())).unwrap();
    let resp = tokio::time::timeout(WAIT, e.client.request(req)).await.unwrap().unwrap();
    assert_eq!(resp.status(), 200);
    gate.send(()).unwrap();
    let body = tokio::time::timeout(WAIT, resp.into_body().collect()).await.expect("body ends in time");
    assert!(body.is_err(), "the client sees a cut body, not a short one presented as complete");
    // Not stored: the next request goes to the origin again (which is gone: a 503).
    let again = e.get("/cut").await;
    assert_eq!(again.status, 503);
}

/// `set beresp.do_stream = false` turns streaming off for a response: the body is read
/// whole before delivery, so a truncated one becomes Fastly's generated 503.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn do_stream_false_buffers_and_a_truncated_body_is_a_503() {
    let (addr, gate) = slow_body_origin(None).await;
    let vcl = "sub vcl_fetch { set beresp.do_stream = false; }";
    let e = edge_with(&format!("{}{vcl}", raw_backend(addr)), ServiceConfig::default()).await;
    let pending = tokio::spawn({
        let client = e.client.clone();
        let url = e.url("/cut");
        async move {
            let req = http::Request::get(url).body(Full::new(Bytes::new())).unwrap();
            tokio::time::timeout(WAIT, client.request(req)).await
        }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!pending.is_finished(), "no head before the whole body");
    gate.send(()).unwrap();
    let resp = pending.await.unwrap().expect("answer in time").unwrap();
    assert_eq!(resp.status(), 503);
}

#[test]
fn demo_vcl_compiles() {
    let src = std::fs::read_to_string(crate::support::examples_dir().join("demo/demo.vcl")).unwrap();
    crate::interp::compile(&src);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn stale_variables_describe_a_stale_delivery() {
    let origin = Origin::fixed(Reply::ok("kept").header("Cache-Control", "max-age=10, stale-if-error=3600")).await;
    let vcl = r#"
sub vcl_error {
  if (obj.status == 503 && stale.exists) { return(deliver_stale); }
  return(deliver);
}
sub vcl_deliver {
  set resp.http.X-Stale = resp.stale "|" resp.stale.is_error "|" resp.stale.is_revalidating "|" if(stale.exists, "exists", "none");
  return(deliver);
}
"#;
    let e = edge(&origin, vcl).await;
    let fresh = e.get("/").await;
    assert_eq!(fresh.header("x-stale"), Some("0|0|0|none"));
    origin.set_down(true);
    e.advance(20);
    // Fastly (stale.exists): "a non-NULL string if stale content exists".
    let stale = e.get("/").await;
    assert_eq!((stale.text().as_str(), stale.header("x-stale")), ("kept", Some("1|1|0|exists")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bereq_first_byte_timeout_applies_to_the_fetch() {
    let origin = Origin::fixed(Reply::ok("slow").delay(Duration::from_millis(400))).await;
    let e = edge(&origin, "sub vcl_miss { set bereq.first_byte_timeout = 50ms; }").await;
    let r = e.get("/").await;
    assert_eq!(r.status, 503, "{}", r.text());
    let e = edge(&origin, "sub vcl_miss { set bereq.first_byte_timeout = 5s; }").await;
    assert_eq!(e.get("/").await.text(), "slow");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn serve_reads_client_geo_from_the_configured_database() {
    let origin = Origin::fixed(Reply::ok("x")).await;
    let db = lacquer::interp::geo::GeoDb::from_bytes(vec![crate::geo::city_db()]).expect("test database");
    let config = ServiceConfig { geo: Some(Arc::new(db)), ..ServiceConfig::default() };
    let vcl = r#"
sub vcl_recv {
  if (req.http.Geo-Ip) { set client.geo.ip_override = req.http.Geo-Ip; }
  error 600;
}
sub vcl_error {
  set obj.status = 200;
  set obj.http.Country = client.geo.country_code;
  synthetic client.geo.city.utf8;
  return(deliver);
}
"#;
    let e = edge_with(&format!("{}{vcl}", origin.backend("F_origin")), config).await;
    let r = e.request("GET", "/", &[("Geo-Ip", "192.0.2.10")]).await;
    assert_eq!((r.header("country"), r.text().as_str()), (Some("CH"), "Zürich"));
    // The client itself (127.0.0.1) is in no database: Fastly's unknown values.
    let r = e.request("GET", "/", &[]).await;
    assert_eq!((r.header("country"), r.text().as_str()), (Some(""), ""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rate_state_survives_activation_by_name() {
    // Fastly keeps ratecounters, penalty boxes, counters and limiters at the POP by name
    // (ratecounter.{NAME}.* read "the named ratecounter within the POP"); deploying a
    // version that declares the same names does not reset them.
    let origin = Origin::fixed(Reply::ok("never")).await;
    let version = |extra: &str| {
        format!(
            r#"{backend}
{extra}
ratecounter hits {{ }}
counter pages {{ .type = "estimated"; .time_window = 60s; }}
sub vcl_recv {{
  set req.http.X-Hits = ratelimit.ratecounter_increment(hits, "client", 1);
  set req.http.X-Pages = counter.inc(pages, req.url.path);
  error 600;
}}
sub vcl_error {{
  set obj.status = 200;
  set obj.http.X-Hits = req.http.X-Hits;
  set obj.http.X-Pages = req.http.X-Pages;
  return(deliver);
}}
"#,
            backend = origin.backend("F_origin")
        )
    };
    let counts = |r: &Resp| (r.header("x-hits").map(str::to_owned), r.header("x-pages").map(str::to_owned));
    let e = edge_with(&version(""), ServiceConfig::default()).await;
    for n in 1..=3 {
        let r = e.get("/a").await;
        assert_eq!(counts(&r), (Some(n.to_string()), Some(n.to_string())));
    }
    // Version 2 declares other objects first, so the shared names get other indices.
    let v2 = version("ratecounter other { }\ncounter first { .type = \"estimated\"; .time_window = 120s; }");
    e.handle.activate(Arc::new(crate::interp::compile(&v2))).unwrap();
    let r = e.get("/a").await;
    assert_eq!(counts(&r), (Some("4".into()), Some("4".into())));
    assert_eq!(origin.hits(), 0);
}
