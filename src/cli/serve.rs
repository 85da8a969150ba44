//! `lacquer serve`: runs a VCL service on real traffic. With `--vcl FILE` that VCL serves
//! every Host; with no arguments, the demo: a small built-in origin on a free port and
//! `vcl-examples/demo/demo.vcl` pointed at it, with the URLs to try printed.
//!
//! With `--tls-cert PEM --tls-key PEM` (repeatable, paired in order) it also serves HTTPS
//! on `--listen-tls` (default `127.0.0.1:8443`), choosing the certificate by SNI; plain
//! HTTP stays on `--listen`.
//!
//! Exit status: 2 when the VCL does not check or compile (its diagnostics are printed), a
//! backend cannot be used, a certificate or key cannot be used, or an address cannot be
//! bound; 0 after a clean shutdown (Ctrl-C or SIGTERM: stop accepting on every listener,
//! let in-flight requests finish).

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};

use crate::assemble::{FsLoader, MemoryLoader, SourceKind};
use crate::diag::{self, RenderOptions, Severity};
use crate::ir::Program;
use crate::proxy::{ProxyError, Server, ServerConfig, ServerTls, ServiceConfig, ServiceHandle};

/// The demo service's VCL (its backend is rewritten to the demo origin's address).
const DEMO_VCL: &str = include_str!("../../vcl-examples/demo/demo.vcl");
const DEMO_BACKEND: &str = "F_demo_origin";

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The VCL file to serve for every Host (without it: the demo service).
    #[arg(long, value_name = "FILE")]
    pub vcl: Option<PathBuf>,
    /// Directory to search for `include "name";` (repeatable).
    #[arg(short = 'I', long = "include-path", value_name = "DIR")]
    pub include: Vec<PathBuf>,
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Cache memory, e.g. `256MiB`, `2GiB`, `500MB` or a number of bytes.
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    pub cache_size: u64,
    /// PEM certificate chain for HTTPS (repeatable; the Nth goes with the Nth --tls-key).
    /// The certificate whose SAN covers the client's SNI is used; the first is the
    /// default for clients without SNI or with an unknown name.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Vec<PathBuf>,
    /// PEM private key of the --tls-cert at the same position (repeatable).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Vec<PathBuf>,
    /// Address for HTTPS (h2 and http/1.1 by ALPN); used when a --tls-cert is given.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8443")]
    pub listen_tls: SocketAddr,
    /// MaxMind database (GeoLite2/GeoIP2 City, Country or ASN) for `client.geo.*` and
    /// `client.as.*` (repeatable; without it they read as Fastly's unknown values).
    #[arg(long = "geo-db", value_name = "FILE.mmdb")]
    pub geo_db: Vec<PathBuf>,
    /// `server.region`: the region this node runs in (e.g. `US-East`); not set without it.
    #[arg(long, value_name = "NAME")]
    pub region: Option<String>,
    /// `server.billing_region` (e.g. `North America`); not set without it.
    #[arg(long, value_name = "NAME")]
    pub billing_region: Option<String>,
    /// `req.customer_id`: the account the service belongs to; not set without it.
    #[arg(long, value_name = "ID")]
    pub customer_id: Option<String>,
}

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    runtime.block_on(serve(args))
}

async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    init_tracing();
    let mut demo_origin = None;
    let program = match &args.vcl {
        Some(path) => {
            let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let mut dirs = vec![path.parent().map(Path::to_path_buf).unwrap_or_default()];
            dirs.extend(args.include.iter().cloned());
            let mut loader = FsLoader { dirs };
            match compile(&path.display().to_string(), &bytes, &mut loader) {
                Some(p) => p,
                None => return Ok(ExitCode::from(2)),
            }
        }
        None => {
            let origin = start_demo_origin().await.context("cannot start the demo origin")?;
            let vcl = demo_vcl(origin);
            demo_origin = Some(origin);
            match compile("vcl-examples/demo/demo.vcl", vcl.as_bytes(), &mut MemoryLoader::default()) {
                Some(p) => p,
                None => return Ok(ExitCode::from(2)),
            }
        }
    };
    let geo = match args.geo_db.is_empty() {
        true => None,
        false => Some(Arc::new(crate::interp::geo::GeoDb::open(&args.geo_db)?)),
    };
    let site = crate::interp::state::SiteInfo {
        region: args.region.clone().map(Bytes::from),
        billing_region: args.billing_region.clone().map(Bytes::from),
        customer_id: args.customer_id.clone().map(Bytes::from),
    };
    let config = ServiceConfig {
        cache_size: usize::try_from(args.cache_size).unwrap_or(usize::MAX),
        geo,
        site: (site != Default::default()).then(|| Arc::new(site)),
        ..Default::default()
    };
    let handle = match ServiceHandle::new(Arc::new(program), config) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let tls = match tls_settings(&args) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let Some(server) = bind(ServerConfig { listen: args.listen, ..Default::default() }, &handle, "--listen").await
    else {
        return Ok(ExitCode::from(2));
    };
    let tls_server = match tls {
        None => None,
        Some(tls) => {
            let config = ServerConfig { listen: args.listen_tls, tls: Some(tls), ..Default::default() };
            match bind(config, &handle, "--listen-tls").await {
                Some(s) => Some(s),
                None => return Ok(ExitCode::from(2)),
            }
        }
    };
    let addr = server.local_addr();
    let https = tls_server.as_ref().map(|s| format!(" and https://{}/", s.local_addr())).unwrap_or_default();
    {
        let mut out = std::io::stdout().lock();
        match demo_origin {
            Some(origin) => {
                writeln!(out, "lacquer demo: serving vcl-examples/demo/demo.vcl on http://{addr}/{https} (demo origin on http://{origin}/)")?;
                writeln!(out, "Try:")?;
                writeln!(out, "  curl -i http://{addr}/             # X-Cache: MISS (fetched from the origin)")?;
                writeln!(out, "  curl -i http://{addr}/             # X-Cache: HIT, X-Cache-Hits: 1")?;
                writeln!(
                    out,
                    "  curl -i -X PURGE http://{addr}/    # {{\"status\": \"ok\", ...}}: the next request is a MISS"
                )?;
                writeln!(out, "  curl -i http://{addr}/admin        # 403 from vcl_error")?;
                writeln!(out, "Ctrl-C stops.")?;
            }
            None => writeln!(
                out,
                "lacquer: serving {} on http://{addr}/{https} (Ctrl-C stops)",
                args.vcl.as_deref().unwrap_or(Path::new("-")).display()
            )?,
        }
        out.flush()?;
    }
    // One signal stops every listener; each drains its own connections.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let plain = tokio::spawn(server.run_until(stopped(stop_rx.clone())));
    let secure = tls_server.map(|s| tokio::spawn(s.run_until(stopped(stop_rx))));
    shutdown_signal().await;
    let _ = stop_tx.send(true);
    let _ = plain.await;
    if let Some(secure) = secure {
        let _ = secure.await;
    }
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// The HTTPS settings from `--tls-cert` / `--tls-key`, or `None` without them.
fn tls_settings(args: &ServeArgs) -> Result<Option<ServerTls>, String> {
    if args.tls_cert.is_empty() && args.tls_key.is_empty() {
        return Ok(None);
    }
    if args.tls_cert.len() != args.tls_key.len() {
        return Err(format!(
            "{} --tls-cert but {} --tls-key: give one key per certificate, in the same order",
            args.tls_cert.len(),
            args.tls_key.len()
        ));
    }
    let pairs: Vec<_> = args.tls_cert.iter().cloned().zip(args.tls_key.iter().cloned()).collect();
    ServerTls::from_files(&pairs).map(Some).map_err(|e| format!("cannot use the TLS certificate: {e}"))
}

/// Binds a listener; prints why not (and returns `None`) when it cannot.
async fn bind(config: ServerConfig, handle: &ServiceHandle, flag: &str) -> Option<Server> {
    match Server::bind(config, handle.clone()).await {
        Ok(s) => Some(s),
        Err(e @ ProxyError::Bind { .. }) => {
            eprintln!("error: {e} (is another server using this port? try {flag} 127.0.0.1:0)");
            None
        }
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

/// Checks and compiles a VCL file; prints the diagnostics and returns `None` on errors.
fn compile(name: &str, bytes: &[u8], loader: &mut dyn crate::assemble::Loader) -> Option<Program> {
    let analysis = crate::analysis::analyze(name, bytes, SourceKind::File, loader, false);
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let errors: Vec<_> = analysis.diagnostics.iter().filter(|d| d.severity == Severity::Error).cloned().collect();
    if !errors.is_empty() {
        eprint!("{}", diag::render_all(&analysis.program.map, &errors, RenderOptions { color }));
        eprintln!("error: {name} does not check; not serving it");
        return None;
    }
    let (mut program, diags) = crate::ir::compile(&analysis.program.unit, &analysis.model);
    program.vcl_md5 = analysis.program.source_md5();
    let errors: Vec<_> = diags.into_iter().filter(|d| d.severity == Severity::Error).collect();
    if !errors.is_empty() {
        eprint!("{}", diag::render_all(&analysis.program.map, &errors, RenderOptions { color }));
        eprintln!("error: {name} cannot run yet; not serving it");
        return None;
    }
    let idle = calls_without_effect(&analysis.program.unit);
    if !idle.is_empty() {
        eprint!("{}", diag::render_all(&analysis.program.map, &idle, RenderOptions { color }));
    }
    Some(program)
}

/// Calls whose effect needs a protocol feature `serve` lacks: they run (and are recorded
/// for `lacquer test`) but change nothing on the wire, so `serve` says so at startup.
pub fn calls_without_effect(unit: &crate::syntax::ast::SourceUnit) -> Vec<diag::Diagnostic> {
    use crate::syntax::ast::{Expr, ExprKind};
    use crate::syntax::visit::{walk_expr, walk_unit, Visitor};
    const IDLE: &[(&str, &str)] = &[
        ("h2.push", "lacquer serve does not send HTTP/2 server pushes"),
        ("h2.disable_header_compression", "lacquer serve does not control HPACK per header"),
        ("h3.alt_svc", "lacquer serve does not speak HTTP/3, so it advertises no Alt-Svc"),
        ("early_hints", "lacquer serve sends no 103 Early Hints"),
    ];
    struct Finder(Vec<diag::Diagnostic>);
    impl Visitor for Finder {
        fn visit_expr(&mut self, expr: &Expr) {
            if let ExprKind::Call { name, .. } = &expr.kind {
                if let Some((f, why)) = IDLE.iter().find(|(f, _)| *f == name.name) {
                    self.0.push(
                        diag::Diagnostic::warning("serve/no-effect", format!("`{f}` has no effect in lacquer serve"))
                            .with_primary(expr.span, why.to_string()),
                    );
                }
            }
            walk_expr(self, expr);
        }
    }
    let mut finder = Finder(Vec::new());
    walk_unit(&mut finder, unit);
    finder.0
}

/// The demo VCL with its backend declaration pointed at `origin`.
fn demo_vcl(origin: SocketAddr) -> String {
    let decl = format!(
        "backend {DEMO_BACKEND} {{\n  .host = \"{}\";\n  .port = \"{}\";\n  .connect_timeout = 1s;\n  .first_byte_timeout = 15s;\n  .between_bytes_timeout = 10s;\n}}",
        origin.ip(),
        origin.port()
    );
    let start = DEMO_VCL.find(&format!("backend {DEMO_BACKEND} {{"));
    let end = start.and_then(|s| DEMO_VCL[s..].find("\n}").map(|e| s + e + 2));
    match (start, end) {
        (Some(s), Some(e)) => format!("{}{}{}", &DEMO_VCL[..s], decl, &DEMO_VCL[e..]),
        _ => DEMO_VCL.to_string(),
    }
}

/// The demo origin: every URL answers 200 with the time, cacheable for a minute and
/// tagged with the surrogate key `demo`.
async fn start_demo_origin() -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            tokio::spawn(async move {
                let service = service_fn(|req: http::Request<hyper::body::Incoming>| async move {
                    let now = httpdate::fmt_http_date(std::time::SystemTime::now());
                    let body =
                        format!("Hello from the lacquer demo origin.\nPath: {}\nGenerated: {now}\n", req.uri().path());
                    let resp = http::Response::builder()
                        .header("Content-Type", "text/plain; charset=utf-8")
                        .header("Cache-Control", "max-age=60")
                        .header("Surrogate-Key", "demo")
                        .body(Full::new(Bytes::from(body)));
                    resp.map_err(|e| std::io::Error::other(e.to_string()))
                });
                let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(addr)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("shutting down: no new connections, finishing in-flight requests");
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}

/// `256MiB`, `2GiB`, `500MB`, `64k`, or plain bytes.
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| format!("invalid size `{s}` (e.g. 256MiB)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        "t" | "tb" => 1_000_000_000_000,
        "tib" => 1 << 40,
        _ => return Err(format!("invalid size unit in `{s}` (use B, KiB, MiB, GiB, KB, MB, GB)")),
    };
    Ok((n * mult as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("lots").is_err());
    }

    #[test]
    fn demo_backend_is_rewritten() {
        let vcl = demo_vcl("127.0.0.1:4321".parse().unwrap());
        assert!(vcl.contains(".port = \"4321\";"));
        assert!(!vcl.contains(".port = \"8081\";"));
    }

    #[test]
    fn calls_serve_cannot_act_on_are_reported_with_their_span() {
        let vcl = "sub vcl_deliver {\n  h2.push(\"/a.css\");\n  set resp.http.X = \"1\";\n  h3.alt_svc();\n}\n";
        let analysis =
            crate::analysis::analyze("t.vcl", vcl.as_bytes(), SourceKind::File, &mut MemoryLoader::default(), false);
        let found = calls_without_effect(&analysis.program.unit);
        let messages: Vec<_> = found.iter().map(|d| (d.code, d.message.as_str())).collect();
        assert_eq!(
            messages,
            [
                ("serve/no-effect", "`h2.push` has no effect in lacquer serve"),
                ("serve/no-effect", "`h3.alt_svc` has no effect in lacquer serve")
            ]
        );
        let span = found[0].primary_span().unwrap();
        assert_eq!(&vcl[span.start as usize..span.end as usize], "h2.push(\"/a.css\")");
    }
}
