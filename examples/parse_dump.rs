fn main() {
    let path = std::env::args().nth(1).expect("file");
    let text = std::fs::read(&path).unwrap();
    let mut map = lacquer::syntax::SourceMap::new();
    let id = map.add(path.clone(), &text);
    let parsed = lacquer::syntax::parse_file(&map, id);
    if std::env::args().nth(2).is_some() {
        println!("{:#?}", parsed.tree);
    }
    print!("{}", lacquer::diag::render_all(&map, &parsed.diagnostics, Default::default()));
    println!("{} decls, {} diagnostics", parsed.tree.decls.len(), parsed.diagnostics.len());
}
