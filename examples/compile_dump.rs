//! Development aid: compile a VCL file to the IR and print what the runtime does not
//! support yet. `cargo run --example compile_dump FILE...`
use lacquer::assemble::{FsLoader, SourceKind};

fn main() {
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read(&path) else {
            eprintln!("cannot read {path}");
            continue;
        };
        let dir = std::path::Path::new(&path).parent().map(|p| p.to_path_buf()).unwrap_or_default();
        let mut loader = FsLoader { dirs: vec![dir] };
        let a = lacquer::analysis::analyze(&path, &text, SourceKind::File, &mut loader, false);
        let (program, diags) = lacquer::ir::compile(&a.program.unit, &a.model);
        for d in &diags {
            println!("{path}: {}", d.message);
        }
        println!("{path}: {} subs, {} regexes, {} diagnostics", program.subs.len(), program.regexes.len(), diags.len());
        if std::env::var_os("DUMP_IR").is_some() {
            for sub in &program.subs {
                println!("{}: {:#?}", sub.name, sub.body);
            }
        }
    }
}
