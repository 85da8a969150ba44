//! `lacquer serve` with health checks, directors and `.max_connections`: in-process
//! origins, the proxy on `127.0.0.1:0`, probes driven one round at a time
//! (`ServiceHandle::probe_once`, with `.interval = 1h` so the background loop never
//! fires during a test), and a clock the test moves.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use lacquer::proxy::ServiceConfig;

use crate::proxy::origin::{Origin, Reply};
use crate::proxy::{edge_with, Edge, Resp, WAIT};

async fn edge(vcl: &str) -> Edge {
    edge_with(vcl, ServiceConfig::default()).await
}

impl Edge {
    async fn probe_rounds(&self, n: usize) {
        for _ in 0..n {
            self.handle.probe_once().await;
        }
    }
}

/// An origin whose `/health` answers 200 while `up` is set, 503 otherwise; other paths
/// answer `body` (cacheable for 10s, usable stale for an hour on errors).
async fn probed_origin(body: &'static str, up: Arc<AtomicBool>) -> Origin {
    Origin::start(move |seen, _| {
        if seen.uri == "/health" {
            return if up.load(Ordering::SeqCst) { Reply::ok("ok") } else { Reply::ok("down").status(503) };
        }
        Reply::ok(body).header("Cache-Control", "max-age=10, stale-if-error=3600").header("X-Origin", body)
    })
    .await
}

/// A backend with a health check on `/health` (1h interval: only `probe_once` runs it).
fn probed_backend(name: &str, origin: &Origin, initial: u32) -> String {
    format!(
        "backend {name} {{ .host = \"127.0.0.1\"; .port = \"{}\";\n  .probe = {{ .request = \"GET /health HTTP/1.1\" \"Host: health.test\" \"Connection: close\"; .expected_response = 200; .interval = 1h; .timeout = 2s; .window = 5; .threshold = 3; .initial = {initial}; }}\n}}\n",
        origin.port()
    )
}

fn origin_hits(origin: &Origin, path: &str) -> usize {
    origin.seen().iter().filter(|s| s.uri == path).count()
}

const DELIVER: &str = r#"
sub vcl_deliver {
  set resp.http.X-State = fastly_info.state;
  return(deliver);
}
"#;

// Fastly (semantics §2.2): a backend that is sick by its health check serves a stale
// object inside stale-if-error automatically, without asking the origin; with nothing
// stale, the selected sick backend gives 503 "Backend is unhealthy" (Fastly does not
// send it the request).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backend_sick_by_probe_serves_stale() {
    let up = Arc::new(AtomicBool::new(true));
    let origin = probed_origin("v1", up.clone()).await;
    let vcl = format!("{}{DELIVER}", probed_backend("F_origin", &origin, 3));
    let e = edge(&vcl).await;
    let first = e.get("/page").await;
    assert_eq!((first.status, first.text().as_str(), first.header("x-state")), (200, "v1", Some("MISS")));

    up.store(false, Ordering::SeqCst);
    // window 5 starting with 3 successes, threshold 3: the third failure makes it sick.
    e.probe_rounds(2).await;
    e.clock.advance_secs(20);
    let still = e.get("/other").await;
    assert_eq!(still.status, 200, "two failures leave 3 of 5 good: still healthy");
    e.probe_rounds(1).await;
    let probe = origin.seen().into_iter().find(|s| s.uri == "/health").expect("a probe reached the origin");
    assert_eq!((probe.method.as_str(), probe.header("host").as_deref()), ("GET", Some("health.test")));

    let before = origin_hits(&origin, "/page");
    let stale = e.get("/page").await;
    assert_eq!((stale.status, stale.text().as_str(), stale.header("x-state")), (200, "v1", Some("HIT-STALE")));
    assert_eq!(origin_hits(&origin, "/page"), before, "a sick backend is not asked");

    let fresh_miss = e.get("/never-seen").await;
    assert_eq!(fresh_miss.status, 503);
    assert!(fresh_miss.text().contains("Backend is unhealthy"), "{}", fresh_miss.text());
    assert_eq!(origin_hits(&origin, "/never-seen"), 0);

    // Healthy again after `threshold` good checks.
    up.store(true, Ordering::SeqCst);
    e.probe_rounds(3).await;
    let back = e.get("/never-seen").await;
    assert_eq!((back.status, back.text().as_str()), (200, "v1"));
}

// Fastly: "Backends that do have a health check are considered sick upon service
// initialization ... marked healthy once enough successful health checks have been
// completed to reach the configured threshold" (`.initial` successes pre-filled).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn backend_starts_sick_below_threshold() {
    let up = Arc::new(AtomicBool::new(true));
    let origin = probed_origin("v1", up).await;
    let vcl = format!(
        "{}sub vcl_deliver {{ set resp.http.X-Healthy = if(req.backend.healthy, \"yes\", \"no\"); }}\nsub vcl_error {{ set obj.http.X-Healthy = if(req.backend.healthy, \"yes\", \"no\"); }}\n",
        probed_backend("F_origin", &origin, 1)
    );
    let e = edge(&vcl).await;
    let r = e.get("/").await;
    assert_eq!((r.status, r.header("x-healthy")), (503, Some("no")));
    e.probe_rounds(2).await;
    let r = e.get("/").await;
    assert_eq!((r.status, r.header("x-healthy")), (200, Some("yes")));
}

const POOL: &str = r#"
director pool random {
  { .backend = F_a; .weight = 1; }
  { .backend = F_b; .weight = 1; }
  { .backend = F_c; .weight = 1; }
}
sub vcl_recv { set req.backend = pool; return(pass); }
sub vcl_deliver { set resp.http.X-Director-Healthy = if(director.pool.healthy, "yes", "no"); }
sub vcl_error { set obj.http.X-Director-Healthy = if(director.pool.healthy, "yes", "no"); }
"#;

async fn three_origins() -> (Vec<Origin>, Vec<Arc<AtomicBool>>) {
    let mut origins = Vec::new();
    let mut ups = Vec::new();
    for body in ["a", "b", "c"] {
        let up = Arc::new(AtomicBool::new(true));
        origins.push(probed_origin(body, up.clone()).await);
        ups.push(up);
    }
    (origins, ups)
}

fn count_by_origin(responses: &[Resp]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for r in responses {
        *counts.entry(r.text()).or_insert(0) += 1;
    }
    counts
}

// Fastly: "The random director selects a backend randomly from its members, considering
// only those which are currently healthy."
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn random_director_spreads_and_skips_a_sick_member() {
    let (origins, ups) = three_origins().await;
    let backends: String = ["F_a", "F_b", "F_c"].iter().zip(&origins).map(|(n, o)| probed_backend(n, o, 3)).collect();
    let e = edge(&format!("{backends}{POOL}")).await;
    let mut responses = Vec::new();
    for i in 0..60 {
        responses.push(e.get(&format!("/r{i}")).await);
    }
    let counts = count_by_origin(&responses);
    for name in ["a", "b", "c"] {
        assert!(counts.get(name).copied().unwrap_or(0) >= 5, "every member gets traffic: {counts:?}");
    }

    ups[1].store(false, Ordering::SeqCst);
    e.probe_rounds(3).await;
    let before = origin_hits(&origins[1], "/s0");
    let mut responses = Vec::new();
    for i in 0..40 {
        responses.push(e.get(&format!("/s{i}")).await);
    }
    let counts = count_by_origin(&responses);
    assert_eq!(counts.get("b"), None, "the sick member gets nothing: {counts:?}");
    assert_eq!(counts.values().sum::<usize>(), 40);
    assert_eq!(origin_hits(&origins[1], "/s0"), before);
    assert_eq!(responses[0].header("x-director-healthy"), Some("yes"));
}

// Fastly: `.quorum` is "the percentage threshold that must be reached by the cumulative
// `.weight` of all healthy backends in order for the director to be deemed healthy";
// below it the request fails with 503 "Quorum weight not reached" (older director guide).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn director_below_quorum_gives_503() {
    let (origins, ups) = three_origins().await;
    let backends: String = ["F_a", "F_b", "F_c"].iter().zip(&origins).map(|(n, o)| probed_backend(n, o, 3)).collect();
    let vcl =
        format!("{backends}{}", POOL.replace("director pool random {", "director pool random {\n  .quorum = 50%;"));
    let e = edge(&vcl).await;
    ups[0].store(false, Ordering::SeqCst);
    e.probe_rounds(3).await;
    let ok = e.get("/q1").await;
    assert_eq!((ok.status, ok.header("x-director-healthy")), (200, Some("yes")), "2 of 3 is above 50%");

    ups[1].store(false, Ordering::SeqCst);
    e.probe_rounds(3).await;
    let r = e.get("/q2").await;
    assert_eq!((r.status, r.header("x-director-healthy")), (503, Some("no")));
    assert!(r.text().contains("Quorum weight not reached"), "{}", r.text());
    assert_eq!(origin_hits(&origins[2], "/q2"), 0, "the last healthy member is not used below quorum");

    // Every member sick, no quorum declared: "All backends failed or unhealthy".
    let vcl = format!("{backends}{POOL}");
    let e = edge(&vcl).await;
    for up in &ups {
        up.store(false, Ordering::SeqCst);
    }
    e.probe_rounds(3).await;
    let r = e.get("/q3").await;
    assert_eq!(r.status, 503);
    assert!(r.text().contains("All backends failed or unhealthy"), "{}", r.text());
}

// Fastly: the fallback director takes the first healthy member in declaration order,
// and the next one when the connection fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fallback_director_takes_the_first_healthy_in_order() {
    let (origins, ups) = three_origins().await;
    // F_b has no health check (always healthy) and nothing listens on its port.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_port = closed.local_addr().unwrap().port();
    drop(closed);
    let vcl = format!(
        "{}backend F_b {{ .host = \"127.0.0.1\"; .port = \"{dead_port}\"; }}\n{}\
         director chain fallback {{ {{ .backend = F_a; }} {{ .backend = F_b; }} {{ .backend = F_c; }} }}\n\
         sub vcl_recv {{ set req.backend = chain; return(pass); }}\n",
        probed_backend("F_a", &origins[0], 3),
        probed_backend("F_c", &origins[2], 3),
    );
    let e = edge(&vcl).await;
    assert_eq!(e.get("/f1").await.text(), "a");
    ups[0].store(false, Ordering::SeqCst);
    e.probe_rounds(3).await;
    // a is sick; b refuses the connection; the director moves on to c.
    let r = e.get("/f2").await;
    assert_eq!((r.status, r.text().as_str()), (200, "c"));
    // a recovers: back to the first.
    ups[0].store(true, Ordering::SeqCst);
    e.probe_rounds(3).await;
    assert_eq!(e.get("/f3").await.text(), "a");
}

// Fastly: the hash director is "keyed on the request hash (cache key)": the same URL
// always reaches the same member while the members' health stays the same; the client
// director does the same with `client.identity`, chash with a consistent hash ring.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hash_client_and_chash_directors_are_sticky() {
    let (origins, _ups) = three_origins().await;
    let backends: String = ["F_a", "F_b", "F_c"].iter().zip(&origins).map(|(n, o)| probed_backend(n, o, 3)).collect();
    let members = "{ .backend = F_a; .weight = 1; } { .backend = F_b; .weight = 1; } { .backend = F_c; .weight = 1; }";
    let vcl = format!(
        "{backends}director by_url hash {{ {members} }}\ndirector by_client client {{ {members} }}\n\
         director ring chash {{ {{ .backend = F_a; .id = \"a\"; }} {{ .backend = F_b; .id = \"b\"; }} {{ .backend = F_c; .id = \"c\"; }} }}\n\
         sub vcl_recv {{\n  if (req.http.X-Sticky-Client) {{ set client.identity = req.http.X-Sticky-Client; set req.backend = by_client; }}\n  else if (req.url ~ \"^/ring\") {{ set req.backend = ring; }}\n  else {{ set req.backend = by_url; }}\n  return(pass);\n}}\n"
    );
    let e = edge(&vcl).await;
    let mut seen_members = std::collections::HashSet::new();
    for i in 0..12 {
        let path = format!("/h{i}");
        let first = e.get(&path).await.text();
        for _ in 0..3 {
            assert_eq!(e.get(&path).await.text(), first, "{path} stays on one member");
        }
        seen_members.insert(first);
    }
    assert!(seen_members.len() >= 2, "different URLs spread: {seen_members:?}");

    let mut by_client = std::collections::HashSet::new();
    for i in 0..4 {
        by_client.insert(e.request("GET", &format!("/c{i}"), &[("X-Sticky-Client", "user-42")]).await.text());
    }
    assert_eq!(by_client.len(), 1, "one client identity, one member: {by_client:?}");

    // chash (`.key = object` by default): sticky per URL too.
    let mut on_ring = std::collections::HashSet::new();
    for i in 0..12 {
        let path = format!("/ring/{i}");
        let first = e.get(&path).await.text();
        assert_eq!(e.get(&path).await.text(), first, "{path} stays on one ring member");
        on_ring.insert(first);
    }
    assert!(on_ring.len() >= 2, "the ring spreads URLs: {on_ring:?}");
}

// Fastly (API default `max_conn` 200; the 503 guide's "backend.max_conn reached": a
// request to a backend that has reached its limit fails with that error rather than
// queueing). Connections are counted per in-flight fetch.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn max_connections_limits_concurrent_fetches() {
    let origin = Origin::start(|seen, _| {
        let delay = if seen.uri == "/slow" { Duration::from_millis(400) } else { Duration::ZERO };
        Reply::ok("body").delay(delay)
    })
    .await;
    let vcl = format!(
        "backend F_origin {{ .host = \"127.0.0.1\"; .port = \"{}\"; .max_connections = 1; }}\nsub vcl_recv {{ return(pass); }}\n",
        origin.port()
    );
    let e = Arc::new(edge(&vcl).await);
    let slow = {
        let e = e.clone();
        tokio::spawn(async move { e.get("/slow").await })
    };
    let deadline = Instant::now() + WAIT;
    while origin_hits(&origin, "/slow") == 0 {
        assert!(Instant::now() < deadline, "the slow request never reached the origin");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let refused = e.get("/fast").await;
    assert_eq!(refused.status, 503);
    assert!(refused.text().contains("backend.max_conn reached"), "{}", refused.text());
    assert_eq!(origin_hits(&origin, "/fast"), 0);
    assert_eq!(slow.await.unwrap().status, 200);
    // The slot is given back once the fetch ends.
    assert_eq!(e.get("/fast").await.status, 200);
}

// Probes belong to a service version: activating another stops them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn activation_stops_the_old_versions_probes() {
    let up = Arc::new(AtomicBool::new(true));
    let origin = probed_origin("v1", up.clone()).await;
    let vcl = probed_backend("F_origin", &origin, 3);
    let e = edge(&vcl).await;
    let old = e.handle.current();
    assert_eq!(old.backends.prober().running(), 1);
    up.store(false, Ordering::SeqCst);
    e.probe_rounds(3).await;
    assert!(!old.backends.health().probe_healthy(0));

    e.handle.activate(Arc::new(crate::interp::compile(&vcl))).expect("activate");
    let deadline = Instant::now() + WAIT;
    while old.backends.prober().running() != 0 {
        assert!(Instant::now() < deadline, "old probes still running");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let new = e.handle.current();
    assert_eq!(new.backends.prober().running(), 1);
    assert!(new.backends.health().probe_healthy(0), "the new version starts from `.initial`");
    e.handle.stop_probes();
}
