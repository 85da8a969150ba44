//! Runs the user-agent classifier benchmark (`vcl-examples/ok/ua_classifier.vcl` over
//! `benches/data/user_agents.txt`) N times, for profilers, without criterion's machinery.
//! `cargo run --release --example ua_loop -- 20`

use bytes::Bytes;
use lacquer::assemble::{MemoryLoader, SourceKind};
use lacquer::catalog::SubKind;
use lacquer::interp::state::ReqState;
use lacquer::interp::{run, Runtime};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = "vcl-examples/ok/ua_classifier.vcl";
    let text = std::fs::read(root.join(path)).expect("classifier");
    let mut loader = MemoryLoader::default();
    let a = lacquer::analysis::analyze(path, &text, SourceKind::File, &mut loader, false);
    let (program, diags) = lacquer::ir::compile(&a.program.unit, &a.model);
    assert!(diags.is_empty(), "{path} does not compile");
    let agents: Vec<Bytes> = std::fs::read_to_string(root.join("benches/data/user_agents.txt"))
        .expect("user agents")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| Bytes::copy_from_slice(l.as_bytes()))
        .collect();
    let runtime = Runtime::default();
    let start = std::time::Instant::now();
    for _ in 0..n {
        let mut st = ReqState::default();
        for ua in &agents {
            st.req.headers.set(b"User-Agent", ua.clone());
            run(&program, SubKind::Recv, &mut st, &runtime).expect("no fault");
        }
        std::hint::black_box(&st);
    }
    let per_ua = start.elapsed().as_secs_f64() * 1e6 / (n * agents.len()) as f64;
    eprintln!("{per_ua:.2} µs per user agent");
}
