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
    let template = request();
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

include!("../benches/data/request_state.rs");
