//! `grammar/vcl.ungram` and the AST stay in step: every production the grammar names is a
//! type or enum variant in `src/syntax/ast.rs`.

use std::path::Path;

#[test]
fn every_grammar_production_is_an_ast_node() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let grammar = std::fs::read_to_string(root.join("grammar/vcl.ungram")).expect("grammar/vcl.ungram");
    let ast = std::fs::read_to_string(root.join("src/syntax/ast.rs")).expect("src/syntax/ast.rs");
    let mut names = Vec::new();
    for line in grammar.lines() {
        if let Some((name, _)) = line.split_once(" =") {
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric()) {
                names.push(name.to_string());
            }
        }
    }
    assert!(names.len() > 30, "grammar has {} productions", names.len());
    let missing: Vec<_> = names
        .iter()
        .filter(|n| {
            let as_type = format!("pub struct {n} ");
            let as_enum = format!("pub enum {n} ");
            let as_variant = format!("    {n}(");
            let as_unit = format!("    {n},");
            let as_struct_variant = format!("    {n} {{");
            ![as_type, as_enum, as_variant, as_unit, as_struct_variant].iter().any(|p| ast.contains(p.as_str()))
        })
        .collect();
    assert!(missing.is_empty(), "productions without an AST node: {missing:?}");
}
