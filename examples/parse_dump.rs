//! Development aid: parse and check one file, print the diagnostics (and the tree with
//! a second argument). `cargo run --example parse_dump FILE [tree]`
use lacquer::assemble::{assemble, FsLoader, SourceKind};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_dump FILE [tree]");
        std::process::exit(2);
    };
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let dir = std::path::Path::new(&path).parent().map(|p| p.to_path_buf()).unwrap_or_default();
    let mut loader = FsLoader { dirs: vec![dir] };
    let program = assemble(&path, &text, SourceKind::File, &mut loader);
    let (_, mut diags) = lacquer::check::check(&program.map, &program.unit, Default::default());
    diags.extend(program.diagnostics.iter().cloned());
    if std::env::args().nth(2).is_some() {
        println!("{:#?}", program.unit);
    }
    print!("{}", lacquer::diag::render_all(&program.map, &diags, Default::default()));
    println!("{} decls, {} diagnostics", program.unit.decls.len(), diags.len());
}
