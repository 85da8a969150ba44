//! `lacquer serve` over TLS, end to end: HTTPS termination (certificate by SNI, h2 by
//! ALPN, the smuggling guard and the handshake deadline over TLS, `tls.client.*` in VCL)
//! and TLS to origins (`.ssl = true` with `.ssl_ca_cert`, `.ssl_check_cert = never`,
//! Fastly's 503 on a certificate for the wrong name). Certificates are made at test time.

#[path = "support/tls.rs"]
mod tls;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::{TokioExecutor, TokioIo};
use lacquer::proxy::{PemPair, RunningServer, Server, ServerConfig, ServerTls, ServiceConfig, ServiceHandle};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::proxy::origin::{Origin, Reply};
use tls::{Ca, Leaf, Trust};

/// Every wait in these tests is bounded by this.
const WAIT: Duration = Duration::from_secs(20);

/// The state and what VCL sees of the client's connection, in response headers.
const DELIVER: &str = r#"
sub vcl_deliver {
  set resp.http.X-State = fastly_info.state;
  set resp.http.X-Is-SSL = if(req.is_ssl, "yes", "no");
  set resp.http.X-Edge-TLS = if(fastly_info.edge.is_tls, "yes", "no");
  set resp.http.X-Protocol = req.protocol;
  set resp.http.X-TLS = "[" tls.client.protocol "|" tls.client.cipher "|" tls.client.servername "]";
  set resp.http.X-TLS-Set = if(tls.client.protocol, "set", "unset") if(tls.client.servername, "+sni", "");
  set resp.http.X-H2 = if(fastly_info.is_h2, "yes", "no");
  set resp.http.X-Fastly-SSL = req.http.Fastly-SSL;
}
"#;

fn pair(leaf: &Leaf) -> PemPair {
    PemPair {
        cert_path: "cert.pem".into(),
        cert_pem: leaf.cert_pem.clone().into_bytes(),
        key_path: "key.pem".into(),
        key_pem: leaf.key_pem.clone().into_bytes(),
    }
}

/// The proxy serving `vcl`, over HTTPS with `leaves` (the first is the default) or plain
/// HTTP when there are none.
async fn edge(vcl: &str, leaves: &[&Leaf], config: ServerConfig) -> (RunningServer, ServiceHandle) {
    let program = crate::interp::compile(vcl);
    let handle = ServiceHandle::new(Arc::new(program), ServiceConfig::default()).expect("service");
    let tls = if leaves.is_empty() {
        None
    } else {
        Some(ServerTls::new(&leaves.iter().map(|l| pair(l)).collect::<Vec<_>>()).expect("certificates"))
    };
    let config = ServerConfig { listen: "127.0.0.1:0".parse().unwrap(), tls, ..config };
    let server = Server::bind(config, handle.clone()).await.expect("bind").spawn();
    (server, handle)
}

struct Resp {
    status: u16,
    version: http::Version,
    headers: http::HeaderMap,
    body: Bytes,
}

impl Resp {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

fn get(path: &str, host: &str) -> http::Request<Empty<Bytes>> {
    http::Request::builder().uri(path).header("host", host).body(Empty::new()).unwrap()
}

async fn collect(resp: http::Response<hyper::body::Incoming>) -> Resp {
    let (parts, body) = resp.into_parts();
    let body = tokio::time::timeout(WAIT, body.collect()).await.expect("body in time").expect("body").to_bytes();
    Resp { status: parts.status.as_u16(), version: parts.version, headers: parts.headers, body }
}

/// Sends `reqs` one after another on one HTTP/1.1 connection over `io`.
async fn http1<I>(io: I, reqs: Vec<http::Request<Empty<Bytes>>>) -> Vec<Resp>
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io)).await.expect("http1 handshake");
    tokio::spawn(conn);
    let mut out = Vec::new();
    for req in reqs {
        // The previous response must be read to its end before the connection takes another.
        tokio::time::timeout(WAIT, send.ready()).await.expect("ready in time").expect("connection ready");
        let resp = tokio::time::timeout(WAIT, send.send_request(req)).await.expect("in time").expect("response");
        out.push(collect(resp).await);
    }
    out
}

/// One GET over HTTPS to `addr` with `sni`, trusting `ca`.
async fn https_get(addr: std::net::SocketAddr, sni: &str, ca: &Ca, path: &str) -> Resp {
    let stream = tls::connect(addr, sni, Trust::Ca(ca), &[b"http/1.1"]).await;
    http1(stream, vec![get(path, sni)]).await.remove(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn https_requests_are_served_miss_then_hit() {
    let ca = Ca::new();
    let leaf = ca.leaf(&["www.example.test"]);
    let origin = Origin::fixed(Reply::ok("hello").header("Cache-Control", "max-age=60")).await;
    let (server, _h) =
        edge(&format!("{}{DELIVER}", origin.backend("F_origin")), &[&leaf], ServerConfig::default()).await;
    let stream = tls::connect(server.addr(), "www.example.test", Trust::Ca(&ca), &[b"http/1.1"]).await;
    let r = http1(stream, vec![get("/", "www.example.test"), get("/", "www.example.test")]).await;
    assert_eq!((r[0].status, &r[0].body[..], r[0].header("x-state")), (200, &b"hello"[..], "MISS"));
    assert_eq!((r[1].status, r[1].header("x-state")), (200, "HIT"));
    assert_eq!(origin.hits(), 1, "the second request is a hit");
    // Fastly: `Fastly-SSL: 1` is added to requests that arrived over TLS, and the origin
    // sees it on the miss.
    assert_eq!(origin.seen()[0].header("fastly-ssl").as_deref(), Some("1"));
    assert_eq!(r[0].header("x-fastly-ssl"), "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn vcl_reads_the_client_tls_facts() {
    let ca = Ca::new();
    let leaf = ca.leaf(&["www.example.test"]);
    let origin = Origin::fixed(Reply::ok("x")).await;
    let vcl = format!("{}{DELIVER}", origin.backend("F_origin"));
    let (tls_edge, _h) = edge(&vcl, &[&leaf], ServerConfig::default()).await;
    let r = https_get(tls_edge.addr(), "www.example.test", &ca, "/").await;
    // Fastly: req.is_ssl / fastly_info.edge.is_tls are true over TLS, req.protocol is
    // "https", tls.client.protocol is like "TLSv1.2", tls.client.cipher is the OpenSSL name
    // of the suite (TLS 1.3 suites go by their IANA names there), tls.client.servername is
    // the SNI.
    assert_eq!((r.header("x-is-ssl"), r.header("x-edge-tls"), r.header("x-protocol")), ("yes", "yes", "https"));
    assert_eq!(r.header("x-tls"), "[TLSv1.3|TLS_AES_256_GCM_SHA384|www.example.test]");
    assert_eq!(r.header("x-tls-set"), "set+sni");

    // TLS 1.2 (rcgen's keys are ECDSA P-256).
    let stream =
        tls::connect_with(tls_edge.addr(), "www.example.test", Trust::Ca(&ca), &[], &[&rustls::version::TLS12]).await;
    let r = http1(stream, vec![get("/", "www.example.test")]).await.remove(0);
    assert_eq!(r.header("x-tls"), "[TLSv1.2|ECDHE-ECDSA-AES256-GCM-SHA384|www.example.test]");

    // A client without SNI (connecting by IP address): Fastly returns "" for servername.
    let stream = tls::connect(tls_edge.addr(), "127.0.0.1", Trust::Anything, &[b"http/1.1"]).await;
    let r = http1(stream, vec![get("/", "www.example.test")]).await.remove(0);
    assert_eq!((r.header("x-tls"), r.header("x-tls-set")), ("[TLSv1.3|TLS_AES_256_GCM_SHA384|]", "set+sni"));

    // Plain HTTP: not TLS, and (Fastly) the tls.client.* strings are not set, so they test
    // false and concatenate as ""; no Fastly-SSL.
    let (plain_edge, _h2) = edge(&vcl, &[], ServerConfig::default()).await;
    let tcp = tokio::net::TcpStream::connect(plain_edge.addr()).await.unwrap();
    let r = http1(tcp, vec![get("/", "www.example.test")]).await.remove(0);
    assert_eq!((r.header("x-is-ssl"), r.header("x-edge-tls"), r.header("x-protocol")), ("no", "no", "http"));
    assert_eq!((r.header("x-tls"), r.header("x-tls-set")), ("[||]", "unset"));
    assert_eq!(r.header("x-fastly-ssl"), "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sni_picks_the_certificate_whose_san_matches() {
    let ca = Ca::new();
    let a = ca.leaf(&["a.example.test"]);
    let b = ca.leaf(&["b.example.test", "*.b.example.test"]);
    let origin = Origin::fixed(Reply::ok("x")).await;
    let (server, _h) =
        edge(&format!("{}{DELIVER}", origin.backend("F_origin")), &[&a, &b], ServerConfig::default()).await;
    let addr = server.addr();
    // Verified against the CA for the name asked: the handshake only succeeds when the
    // certificate covers it; the DER tells which one was presented.
    let exact = tls::connect(addr, "b.example.test", Trust::Ca(&ca), &[]).await;
    assert_eq!(tls::presented(&exact), b.der);
    let wildcard = tls::connect(addr, "img.b.example.test", Trust::Ca(&ca), &[]).await;
    assert_eq!(tls::presented(&wildcard), b.der);
    let first = tls::connect(addr, "a.example.test", Trust::Ca(&ca), &[]).await;
    assert_eq!(tls::presented(&first), a.der);
    // A `*.` wildcard covers one label only; unknown names and no SNI get the first pair.
    for sni in ["x.img.b.example.test", "unknown.test", "127.0.0.1"] {
        let s = tls::connect(addr, sni, Trust::Anything, &[]).await;
        assert_eq!(tls::presented(&s), a.der, "{sni}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn h2_is_negotiated_by_alpn() {
    let ca = Ca::new();
    let leaf = ca.leaf(&["www.example.test"]);
    let origin = Origin::fixed(Reply::ok("over h2").header("Cache-Control", "max-age=60")).await;
    let (server, _h) =
        edge(&format!("{}{DELIVER}", origin.backend("F_origin")), &[&leaf], ServerConfig::default()).await;
    let stream = tls::connect(server.addr(), "www.example.test", Trust::Ca(&ca), &[b"h2", b"http/1.1"]).await;
    assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (mut send, conn) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await.expect("h2 handshake");
    tokio::spawn(conn);
    let req = http::Request::builder().uri("https://www.example.test/").body(Empty::<Bytes>::new()).unwrap();
    let r = collect(send.send_request(req).await.expect("response")).await;
    assert_eq!((r.status, r.version, &r.body[..]), (200, http::Version::HTTP_2, &b"over h2"[..]));
    assert_eq!((r.header("x-h2"), r.header("x-is-ssl")), ("yes", "yes"));

    // Offering only http/1.1 gets HTTP/1.1.
    let r = https_get(server.addr(), "www.example.test", &ca, "/").await;
    assert_eq!((r.version, r.header("x-h2"), r.header("x-state")), (http::Version::HTTP_11, "no", "HIT"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_smuggling_guard_applies_over_tls() {
    let ca = Ca::new();
    let leaf = ca.leaf(&["www.example.test"]);
    let origin = Origin::fixed(Reply::ok("ok")).await;
    let vcl = format!("{}sub vcl_recv {{ return(pass); }}", origin.backend("F_origin"));
    let (server, _h) = edge(&vcl, &[&leaf], ServerConfig::default()).await;
    let mut s = tls::connect(server.addr(), "www.example.test", Trust::Ca(&ca), &[b"http/1.1"]).await;
    s.write_all(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n")
        .await
        .unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(WAIT, s.read_to_end(&mut out)).await.expect("answer in time");
    let text = String::from_utf8_lossy(&out);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(!text.contains("HTTP/1.1 200"), "nothing smuggled through: {text}");
    assert_eq!(origin.hits(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_stalled_handshake_is_cut_off_at_the_header_read_timeout() {
    let ca = Ca::new();
    let leaf = ca.leaf(&["www.example.test"]);
    let origin = Origin::fixed(Reply::ok("ok")).await;
    let config = ServerConfig { header_read_timeout: Duration::from_secs(5), ..Default::default() };
    let (server, _h) = edge(&format!("{}{DELIVER}", origin.backend("F_origin")), &[&leaf], config).await;
    // Half a TLS record header, then nothing (slowloris on the handshake). Time is paused:
    // tokio jumps to the next timer while everything waits.
    let mut s = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    s.write_all(&[0x16, 0x03]).await.unwrap();
    let started = tokio::time::Instant::now();
    let mut buf = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(60), s.read_to_end(&mut buf)).await.expect("closed in time");
    assert_eq!(n.unwrap_or(0), 0, "closed without an answer");
    let waited = started.elapsed();
    assert!(waited >= Duration::from_secs(5) && waited < Duration::from_secs(6), "{waited:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn tls_origins_are_verified_with_the_declared_ca_and_name() {
    let ca = Ca::new();
    let origin = Origin::fixed(Reply::ok("secret").header("Cache-Control", "max-age=60")).await;
    let front = tls::tls_front(&ca.leaf(&["origin.example.test"]), origin.addr).await;
    let backend = |cert_host: &str| {
        format!(
            "backend F_origin {{ .host = \"127.0.0.1\"; .port = \"{}\"; .ssl = true; .ssl_cert_hostname = \"{cert_host}\"; .ssl_sni_hostname = \"origin.example.test\"; .ssl_ca_cert = {{\"{}\"}}; }}\n",
            front.port(),
            ca.pem()
        )
    };
    // `backend.conn.*` in vcl_fetch: the connection is TLS, and which version it speaks.
    let fetch = "sub vcl_fetch { set beresp.http.X-Conn = backend.conn.is_tls \"|\" backend.conn.tls_protocol; }\n";
    let (server, _h) =
        edge(&format!("{}{DELIVER}{fetch}", backend("origin.example.test")), &[], ServerConfig::default()).await;
    let tcp = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let r = http1(tcp, vec![get("/", "www.example.test"), get("/", "www.example.test")]).await;
    assert_eq!((r[0].status, &r[0].body[..], r[0].header("x-state")), (200, &b"secret"[..], "MISS"));
    assert_eq!(r[0].header("x-conn"), "1|TLSv1.3");
    assert_eq!(r[1].header("x-state"), "HIT");
    assert_eq!(origin.hits(), 1);

    // The certificate does not carry the name the backend checks: Fastly's "Hostname
    // mismatch" (guides/tls-origin-configuration-messages) as a generated 503 through
    // vcl_error.
    let vcl = format!(
        "{}sub vcl_recv {{ return(pass); }}\nsub vcl_error {{ set obj.http.X-Reason = obj.response; }}",
        backend("other.example.test")
    );
    let (server, _h) = edge(&vcl, &[], ServerConfig::default()).await;
    let tcp = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let r = http1(tcp, vec![get("/", "www.example.test")]).await.remove(0);
    assert_eq!((r.status, r.header("x-reason")), (503, "Hostname mismatch"));
    assert_eq!(origin.hits(), 1, "nothing was sent over the unverified connection");

    // A CA the backend does not trust: its leaf alone, then with the CA's own
    // (self-signed) certificate in the chain, named as OpenSSL / Fastly do.
    let stranger = Ca::new();
    let leaf = stranger.leaf(&["origin.example.test"]);
    let fronts = [
        (tls::tls_front(&leaf, origin.addr).await, "unable to get local issuer certificate"),
        (
            tls::tls_front_with_chain(&leaf, &[stranger.der()], origin.addr).await,
            "self signed certificate in certificate chain",
        ),
    ];
    for (front, reason) in fronts {
        let vcl = format!(
            "backend F_origin {{ .host = \"127.0.0.1\"; .port = \"{}\"; .ssl = true; .ssl_cert_hostname = \"origin.example.test\"; .ssl_ca_cert = {{\"{}\"}}; }}\nsub vcl_recv {{ return(pass); }}\nsub vcl_error {{ set obj.http.X-Reason = obj.response; }}",
            front.port(),
            ca.pem()
        );
        let (server, _h) = edge(&vcl, &[], ServerConfig::default()).await;
        let tcp = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
        let r = http1(tcp, vec![get("/", "www.example.test")]).await.remove(0);
        assert_eq!((r.status, r.header("x-reason")), (503, reason));
    }
    assert_eq!(origin.hits(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn self_signed_origins_need_ssl_check_cert_never() {
    let origin = Origin::fixed(Reply::ok("self-signed ok")).await;
    let front = tls::tls_front(&tls::self_signed(&["localhost"]), origin.addr).await;
    let vcl = |extra: &str| {
        format!(
            "backend F_origin {{ .host = \"127.0.0.1\"; .port = \"{}\"; .ssl = true; .ssl_cert_hostname = \"localhost\";{extra} }}\nsub vcl_recv {{ return(pass); }}\nsub vcl_error {{ set obj.http.X-Reason = obj.response; }}",
            front.port()
        )
    };
    // Trusted by nothing (webpki-roots only): Fastly's message for a self-signed origin
    // certificate (guides/tls-origin-configuration-messages).
    let (server, _h) = edge(&vcl(""), &[], ServerConfig::default()).await;
    let tcp = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let r = http1(tcp, vec![get("/", "www.example.test")]).await.remove(0);
    assert_eq!((r.status, r.header("x-reason")), (503, "self signed certificate"));
    assert_eq!(origin.hits(), 0);

    let (server, _h) = edge(&vcl(" .ssl_check_cert = never;"), &[], ServerConfig::default()).await;
    let tcp = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let r = http1(tcp, vec![get("/", "www.example.test")]).await.remove(0);
    assert_eq!((r.status, &r.body[..]), (200, &b"self-signed ok"[..]));
    assert_eq!(origin.hits(), 1);
}

#[test]
fn tls_fields_lacquer_cannot_honour_fail_at_startup() {
    let build = |fields: &str| {
        let vcl = format!("backend F_tls {{ .host = \"example.com\"; .port = \"443\"; .ssl = true;{fields} }}");
        ServiceHandle::new(Arc::new(crate::interp::compile(&vcl)), ServiceConfig::default()).map(|_| ())
    };
    assert!(build("").is_ok(), "TLS to origin is supported");
    assert!(build(" .min_tls_version = \"1.2\"; .max_tls_version = \"1.3\";").is_ok());
    let err = |fields: &str| build(fields).unwrap_err().to_string();
    assert_eq!(
        err(" .ssl_ciphers = \"ECDHE-RSA-AES128-GCM-SHA256\";"),
        "invalid backend \"F_tls\": not supported yet: .ssl_ciphers (rustls chooses among its own suites)"
    );
    assert!(err(" .ssl_client_cert = \"x\"; .ssl_client_key = \"y\";").contains("not supported yet: .ssl_client_cert"));
    assert!(err(" .max_tls_version = \"1.1\";").contains("not supported yet: .max_tls_version below 1.2"));
    assert!(err(" .ssl_ca_cert = \"not pem\";").contains("invalid backend \"F_tls\": .ssl_ca_cert"));
}

#[test]
fn unusable_certificates_are_refused_clearly() {
    let ca = Ca::new();
    let a = ca.leaf(&["a.example.test"]);
    let b = ca.leaf(&["b.example.test"]);
    let err = |p: PemPair| ServerTls::new(&[p]).unwrap_err().to_string();
    // A key that belongs to another certificate.
    let mismatched = PemPair { key_pem: b.key_pem.clone().into_bytes(), ..pair(&a) };
    assert!(err(mismatched).starts_with("key.pem does not belong to the certificate in cert.pem"));
    // Not PEM at all, or a key file holding a certificate.
    assert_eq!(err(PemPair { cert_pem: b"hello".to_vec(), ..pair(&a) }), "cert.pem: no PEM certificate in it");
    let key_is_cert = PemPair { key_pem: a.cert_pem.clone().into_bytes(), ..pair(&a) };
    assert!(err(key_is_cert).starts_with("key.pem: no usable PEM private key in it"));
    // A file that is not there.
    let missing = ServerTls::from_files(&[("/nonexistent/cert.pem".into(), "/nonexistent/key.pem".into())]);
    assert!(missing.unwrap_err().to_string().starts_with("cannot read /nonexistent/cert.pem"));
}

/// A scratch directory for one test's files.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lacquer-tls-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn serve_listens_on_https_and_stops_cleanly() {
    use std::io::BufRead;
    let ca = Ca::new();
    let leaf = ca.leaf(&["www.example.test"]);
    let origin = Origin::fixed(Reply::ok("from the cli")).await;
    let dir = scratch("serve");
    std::fs::write(dir.join("main.vcl"), format!("{}{DELIVER}", origin.backend("F_origin"))).unwrap();
    std::fs::write(dir.join("cert.pem"), &leaf.cert_pem).unwrap();
    std::fs::write(dir.join("key.pem"), &leaf.key_pem).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lacquer"))
        .args(["serve", "--listen", "127.0.0.1:0", "--listen-tls", "127.0.0.1:0", "--vcl"])
        .arg(dir.join("main.vcl"))
        .arg("--tls-cert")
        .arg(dir.join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.join("key.pem"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    // "lacquer: serving main.vcl on http://A/ and https://B/ (Ctrl-C stops)"
    let https = line.split("https://").nth(1).and_then(|r| r.split('/').next()).unwrap_or_else(|| panic!("{line}"));
    let r = https_get(https.parse().unwrap(), "www.example.test", &ca, "/").await;
    assert_eq!((r.status, &r.body[..], r.header("x-protocol")), (200, &b"from the cli"[..], "https"));
    // SIGTERM: both listeners stop, exit 0.
    let killed = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn serve_exits_2_on_unusable_certificate_files() {
    let ca = Ca::new();
    let (a, b) = (ca.leaf(&["a.example.test"]), ca.leaf(&["b.example.test"]));
    let dir = scratch("bad");
    std::fs::write(dir.join("main.vcl"), "backend F { .host = \"127.0.0.1\"; .port = \"9\"; }\n").unwrap();
    std::fs::write(dir.join("a.pem"), &a.cert_pem).unwrap();
    std::fs::write(dir.join("b.key"), &b.key_pem).unwrap();
    let serve = |extra: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_lacquer"))
            .args(["serve", "--listen", "127.0.0.1:0", "--listen-tls", "127.0.0.1:0", "--vcl"])
            .arg(dir.join("main.vcl"))
            .args(extra)
            .current_dir(&dir)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, err) = serve(&["--tls-cert", "a.pem", "--tls-key", "b.key"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("error: cannot use the TLS certificate: b.key does not belong to the certificate in a.pem"),
        "{err}"
    );
    let (code, err) = serve(&["--tls-cert", "missing.pem", "--tls-key", "b.key"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("cannot read missing.pem"), "{err}");
    // A certificate without its key is a usage error.
    let (code, err) = serve(&["--tls-cert", "a.pem"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--tls-key"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}
