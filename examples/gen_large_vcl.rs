//! Writes the large benchmark file to standard output, for timing `lacquer lint` end to
//! end: `cargo run --release --example gen_large_vcl -- 24 > /tmp/large.vcl`
//! (a second argument `unique` makes every regex distinct).

#[path = "../benches/large_vcl.rs"]
mod large_vcl;

fn main() {
    let copies = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(24);
    let unique = std::env::args().nth(2).is_some_and(|a| a == "unique");
    print!("{}", large_vcl::generate(copies, unique));
}
