//! The VCL corpus under `vcl-examples/`: `ok/` files, snippets and the include example
//! check clean; every `err/` file yields errors, snapshotted as rendered diagnostics.

use lacquer::assemble::{FsLoader, SourceKind};
use lacquer::diag::{render_all, RenderOptions, Severity};

use crate::support::{analyze_path, examples_dir};

#[test]
fn ok_files_check_clean() {
    insta::glob!("../../vcl-examples", "ok/*.vcl", |path| {
        let (text, diags) = analyze_path(path, SourceKind::File);
        assert!(no_problems(&diags), "{} should be clean:\n{text}", path.display());
    });
}

/// Clean means no errors and no warnings; info-level advice may remain.
fn no_problems(diags: &[lacquer::diag::Diagnostic]) -> bool {
    diags.iter().all(|d| d.severity == Severity::Info)
}

#[test]
fn snippets_check_clean_as_fastly_inserts_them() {
    insta::glob!("../../vcl-examples", "snippets/*.vcl", |path| {
        let ty = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let kind = SourceKind::from_snippet_type(ty).expect("snippet files are named by type");
        let (text, diags) = analyze_path(path, kind);
        assert!(no_problems(&diags), "{} should be clean:\n{text}", path.display());
    });
}

#[test]
fn includes_resolve_and_check_clean() {
    let path = examples_dir().join("includes/main.vcl");
    let (text, diags) = analyze_path(&path, SourceKind::File);
    assert!(no_problems(&diags), "{text}");
}

#[test]
fn err_files_report_errors() {
    insta::glob!("../../vcl-examples", "err/*.vcl", |path| {
        let (text, diags) = analyze_path(path, SourceKind::File);
        assert!(diags.iter().any(|d| d.severity == Severity::Error), "{} should have errors", path.display());
        insta::assert_snapshot!(text);
    });
}

#[test]
fn missing_include_and_cycle_are_reported() {
    let dir = tempdir("includes");
    std::fs::write(dir.join("a.vcl"), "include \"b\";\n").unwrap();
    std::fs::write(dir.join("b.vcl"), "include \"a\";\n").unwrap();
    std::fs::write(dir.join("main.vcl"), "include \"a\";\ninclude \"nowhere\";\n").unwrap();
    let mut loader = FsLoader { dirs: vec![dir.clone()] };
    let bytes = std::fs::read(dir.join("main.vcl")).unwrap();
    let program = lacquer::assemble::assemble("main.vcl", &bytes, SourceKind::File, &mut loader);
    let codes: Vec<_> = program.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        ["include/cycle", "include/module-not-found"],
        "{}",
        render_all(&program.map, &program.diagnostics, RenderOptions::default())
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn repeated_builtin_subs_are_concatenated() {
    // Fastly concatenates repeated vcl_* subroutines in order.
    let src = "sub vcl_recv { set req.http.A = \"1\"; }\nsub vcl_recv { set req.http.B = \"2\"; return(lookup); }\n";
    let mut loader = lacquer::assemble::MemoryLoader::default();
    let program = lacquer::assemble::assemble("x.vcl", src.as_bytes(), SourceKind::File, &mut loader);
    assert_eq!(program.unit.decls.len(), 1);
    let lacquer::syntax::ast::Decl::Sub(sub) = &program.unit.decls[0] else { panic!("expected a sub") };
    assert_eq!(sub.body.stmts.len(), 3);
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lacquer-test-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
