//! Interpreter throughput: a production-shaped recv/hash/fetch/deliver program
//! (`benches/data/request.vcl`) per request, and the user-agent classifier
//! (`vcl-examples/ok/ua_classifier.vcl`, 384 regexes) on 1,000 user agents.
//! A counting allocator reports allocations per request: the first request (which also
//! pays one-time costs such as PCRE2's per-thread match data) and the steady state.
//! `cargo bench --bench interp`

// The counting allocator is the only unsafe code in the project: it forwards to the
// system allocator unchanged.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lacquer::assemble::{MemoryLoader, SourceKind};
use lacquer::catalog::SubKind;
use lacquer::interp::state::ReqState;
use lacquer::interp::{run, Runtime};
use lacquer::ir::{Acl, AclEntry, Program};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn compile(path: &str) -> Program {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read(&full).expect("bench input");
    let mut loader = MemoryLoader::default();
    let a = lacquer::analysis::analyze(path, &text, SourceKind::File, &mut loader, false);
    assert!(a.diagnostics.iter().all(|d| d.severity != lacquer::diag::Severity::Error), "{path} does not check");
    let (program, diags) = lacquer::ir::compile(&a.program.unit, &a.model);
    assert!(diags.is_empty(), "{path}: {:?}", diags.iter().map(|d| &d.message).collect::<Vec<_>>());
    program
}

include!("data/request_state.rs");

/// recv, hash, fetch and deliver of one request.
fn one_request(program: &Program, runtime: &Runtime, template: &ReqState) {
    let mut st = template.clone();
    for kind in [SubKind::Recv, SubKind::Hash, SubKind::Fetch, SubKind::Deliver] {
        run(program, kind, &mut st, runtime).expect("no fault");
    }
    std::hint::black_box(&st);
}

fn bench(c: &mut Criterion) {
    let runtime = Runtime::default();
    let program = compile("benches/data/request.vcl");
    let template = request();

    let compiled = lacquer::ir::regex_compilations();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    one_request(&program, &runtime, &template);
    let first = ALLOCATIONS.load(Ordering::Relaxed) - before;
    const REPEATS: u64 = 100;
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..REPEATS {
        one_request(&program, &runtime, &template);
    }
    let steady = (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / REPEATS as f64;
    let at_run_time = lacquer::ir::regex_compilations() - compiled;
    eprintln!("request.vcl: {at_run_time} regex compilations in {} requests", REPEATS + 1);
    assert_eq!(at_run_time, 0, "regexes are compiled with the program, never per request");
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    std::hint::black_box(template.clone());
    let clone = ALLOCATIONS.load(Ordering::Relaxed) - before;
    eprintln!(
        "request.vcl: {steady:.1} allocations per request ({clone} of them cloning the request state; \
         the first request: {first})"
    );

    c.bench_function("request_vcl/recv_hash_fetch_deliver", |b| b.iter(|| one_request(&program, &runtime, &template)));
    // The VCL alone: each request's state is built (cloned) before the clock starts and
    // dropped after it stops, in batches small enough to stay in the L2 cache.
    c.bench_function("request_vcl/vcl_only", |b| {
        b.iter_batched_ref(
            || template.clone(),
            |st| {
                for kind in [SubKind::Recv, SubKind::Hash, SubKind::Fetch, SubKind::Deliver] {
                    run(&program, kind, st, &runtime).expect("no fault");
                }
            },
            criterion::BatchSize::NumIterations(64),
        )
    });
    // The part of the above that is not VCL: building the request's state.
    c.bench_function("request_vcl/state_clone_only", |b| b.iter(|| std::hint::black_box(template.clone())));

    let ua_program = compile("vcl-examples/ok/ua_classifier.vcl");
    let agents: Vec<Bytes> =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data/user_agents.txt"))
            .expect("user agents")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| Bytes::copy_from_slice(l.as_bytes()))
            .collect();
    let mut st = ReqState::default();
    let compiled = lacquer::ir::regex_compilations();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for ua in &agents {
        st.req.headers.set(b"User-Agent", ua.clone());
        run(&ua_program, SubKind::Recv, &mut st, &runtime).expect("no fault");
    }
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    let at_run_time = lacquer::ir::regex_compilations() - compiled;
    eprintln!(
        "ua_classifier.vcl: {:.1} allocations per user agent; {at_run_time} regex compilations for {} user agents \
         ({} regexes compiled with the program)",
        allocations as f64 / agents.len() as f64,
        agents.len(),
        ua_program.regexes.len()
    );
    assert_eq!(at_run_time, 0, "regexes are compiled with the program, never per request");

    let mut group = c.benchmark_group("ua_classifier");
    group.throughput(Throughput::Elements(agents.len() as u64));
    group.bench_function("1000_user_agents", |b| {
        b.iter(|| {
            let mut st = ReqState::default();
            for ua in &agents {
                st.req.headers.set(b"User-Agent", ua.clone());
                run(&ua_program, SubKind::Recv, &mut st, &runtime).expect("no fault");
            }
            std::hint::black_box(&st);
        })
    });
    group.finish();

    // ACL lookups as the ACL grows: one binary search over its flattened ranges.
    let mut group = c.benchmark_group("acl_lookup");
    for size in [5u32, 100, 10_000] {
        let entries: Vec<AclEntry> = (0..size)
            .map(|i| AclEntry {
                negated: i % 7 == 3,
                addr: std::net::IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i * 4096)),
                prefix: if i % 5 == 0 { 20 } else { 24 },
            })
            .collect();
        let acl = Acl::new(format!("acl{size}"), entries);
        let probes: Vec<std::net::IpAddr> =
            (0..64u32).map(|i| std::net::IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + i * 7919 * 97))).collect();
        group.throughput(Throughput::Elements(probes.len() as u64));
        group.bench_function(format!("{size}_entries"), |b| {
            b.iter(|| probes.iter().filter(|&&ip| acl.matches(std::hint::black_box(ip))).count())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
