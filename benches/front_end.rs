//! Front-end throughput: lex, parse, and parse + check (+ lint), on the example corpus
//! and on a generated 30,000-line file with about 7,000 regexes.
//! `cargo bench --bench front_end`; throughput is reported in bytes/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lacquer::assemble::{MemoryLoader, SourceKind};

#[path = "large_vcl.rs"]
mod large_vcl;

fn inputs() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vcl-examples/ok");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("vcl-examples/ok")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "vcl"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    out.sort();
    out.push(("large_24x".to_string(), large_vcl::generate(24, false)));
    out.push(("large_24x_unique_regex".to_string(), large_vcl::generate(24, true)));
    out
}

fn bench(c: &mut Criterion) {
    for (name, text) in inputs() {
        let mut group = c.benchmark_group(name.as_str());
        group.throughput(Throughput::Bytes(text.len() as u64));
        if text.len() > 200_000 {
            group.sample_size(20);
        }
        group.bench_function("lex", |b| {
            b.iter(|| lacquer::syntax::lexer::lex_str(&text, 0, &[]));
        });
        group.bench_function("parse", |b| {
            b.iter(|| lacquer::syntax::parser::parse_str(&text));
        });
        group.bench_function("parse_check", |b| {
            b.iter(|| {
                let (map, parsed) = lacquer::syntax::parser::parse_str(&text);
                lacquer::check::check(&map, &parsed.tree, Default::default())
            });
        });
        group.bench_function("analyze_with_lint", |b| {
            b.iter(|| {
                let mut loader = MemoryLoader::default();
                lacquer::analysis::analyze("x.vcl", text.as_bytes(), SourceKind::File, &mut loader, true)
            });
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
