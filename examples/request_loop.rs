//! Runs the interpreter benchmark's request (`benches/data/request.vcl`) N times, for
//! profilers (`valgrind --tool=callgrind`, `perf record`), without criterion's machinery.
//! `cargo run --release --example request_loop -- 100000`

use bytes::Bytes;
use lacquer::assemble::{MemoryLoader, SourceKind};
use lacquer::catalog::SubKind;
use lacquer::interp::state::ReqState;
use lacquer::interp::{run, Runtime};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let path = std::env::args().nth(2).unwrap_or_else(|| "benches/data/request.vcl".to_string());
    let path = path.as_str();
    let text = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).expect("bench input");
    let mut loader = MemoryLoader::default();
    let a = lacquer::analysis::analyze(path, &text, SourceKind::File, &mut loader, false);
    let (program, diags) = lacquer::ir::compile(&a.program.unit, &a.model);
    assert!(
        diags.is_empty() && a.diagnostics.iter().all(|d| d.severity != lacquer::diag::Severity::Error),
        "{path} does not compile"
    );
    let runtime = Runtime::default();
    let mut template = ReqState::default();
    template.req.url = Bytes::from_static(b"/products/shoes/running?utm_source=news&size=42");
    template.client_ip = "198.18.0.20".parse().unwrap();
    for (name, value) in [
        ("Host", "www.example.com"),
        ("User-Agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"),
        ("Accept-Encoding", "gzip, deflate, br"),
        ("Accept", "text/html,application/xhtml+xml"),
        ("Cookie", "currency=EUR; _ga=GA1.2.3; consent=yes"),
    ] {
        template.req.headers.set(name.as_bytes(), Bytes::from_static(value.as_bytes()));
    }
    template.beresp.status = 200;
    template.beresp.headers.set(b"Content-Type", Bytes::from_static(b"text/html; charset=utf-8"));
    template.beresp.headers.set(b"Cache-Control", Bytes::from_static(b"public"));
    template.resp.status = 200;
    let start = std::time::Instant::now();
    for _ in 0..n {
        let mut st = template.clone();
        for kind in [SubKind::Recv, SubKind::Hash, SubKind::Fetch, SubKind::Deliver] {
            run(&program, kind, &mut st, &runtime).expect("no fault");
        }
        std::hint::black_box(&st);
    }
    eprintln!("{:.2} µs per request", start.elapsed().as_secs_f64() * 1e6 / n as f64);
}
