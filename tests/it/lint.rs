//! Lint rules over `vcl-examples/lint/`: one fixture per rule, named after the rule id
//! (`regex__url-extension.vcl` is `regex/url-extension`). Each fixture must trigger its
//! own rule; the rendered lint diagnostics are snapshotted. Also the registry's
//! invariants, and ignore comments and configuration end to end.

use std::collections::HashSet;
use std::path::Path;

use lacquer::assemble::{self, FsLoader, MemoryLoader, SourceKind};
use lacquer::diag::{render_all, Diagnostic, RenderOptions};
use lacquer::lint::{self, Config, LintContext, Origin};

use crate::support::examples_dir;

/// Assembles a program and runs the lint rules (not the checker) and ignore comments.
fn lint_program(program: &assemble::Program) -> Vec<Diagnostic> {
    let files = program.token_files();
    let snippet = match program.kind {
        SourceKind::Snippet(kind) => Some(kind),
        _ => None,
    };
    let cx = LintContext { map: &program.map, unit: &program.unit, files: &files, snippet };
    lint::apply_ignores(&cx, lint::run(&cx))
}

fn rule_of(path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    stem.replace("__", "/")
}

#[test]
fn every_fixture_triggers_its_rule() {
    insta::glob!("../../vcl-examples", "lint/*.vcl", |path| {
        let id = rule_of(path);
        assert!(lint::rule(&id).is_some_and(|m| m.origin == Origin::Lint), "{} names no lint rule", path.display());
        let bytes = std::fs::read(path).unwrap();
        let name = path.strip_prefix(examples_dir()).unwrap_or(path).display().to_string();
        let mut loader = FsLoader { dirs: vec![path.parent().unwrap().to_path_buf()] };
        let program = assemble::assemble(&name, &bytes, SourceKind::File, &mut loader);
        assert!(program.diagnostics.is_empty(), "{} does not parse", path.display());
        let diags = lint_program(&program);
        let text = render_all(&program.map, &diags, RenderOptions { color: false });
        assert!(diags.iter().any(|d| d.code == id), "{} does not trigger {id}:\n{text}", path.display());
        insta::assert_snapshot!(text);
    });
}

#[test]
fn every_lint_rule_has_a_fixture() {
    let dir = examples_dir().join("lint");
    let fixtures: HashSet<String> =
        std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| rule_of(&e.path())).collect();
    for meta in lint::registry().iter().filter(|m| m.origin == Origin::Lint) {
        assert!(fixtures.contains(meta.id), "no fixture vcl-examples/lint/{}.vcl", meta.id.replace('/', "__"));
    }
}

#[test]
fn registry_ids_are_unique_well_formed_and_explained() {
    let mut seen = HashSet::new();
    for meta in lint::registry() {
        assert!(seen.insert(meta.id), "duplicate rule id {}", meta.id);
        assert!(well_formed(meta.id), "{} does not match ^[a-z0-9-]+(/[a-z0-9-]+)?$", meta.id);
        assert!(!meta.summary.trim().is_empty(), "{} has no summary", meta.id);
        assert!(!meta.explain.trim().is_empty(), "{} has no explanation", meta.id);
        let text = lint::explain(meta.id).unwrap_or_else(|| panic!("no explain for {}", meta.id));
        assert!(text.contains(meta.summary) && text.contains("What it does"), "{text}");
        assert_eq!(lint::rule(meta.id).map(|m| m.id), Some(meta.id));
    }
    assert!(lint::explain("no/such-rule").is_none());
}

/// `^[a-z0-9-]+(/[a-z0-9-]+)?$` without a regex engine.
fn well_formed(id: &str) -> bool {
    let part = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    match id.split_once('/') {
        Some((category, name)) => part(category) && part(name),
        None => part(id),
    }
}

#[test]
fn ignore_comments_and_config_apply_to_any_code() {
    let src = "sub vcl_recv {\n  #FASTLY recv\n  declare local var.a STRING; # lacquer-ignore unused/variable\n  \
               # falco-ignore-next-line\n  remove req.http.A;\n  declare local var.b STRING;\n  if (req.url ~ \"\\.css$\") { }\n}\n";
    let mut loader = MemoryLoader::default();
    let program = assemble::assemble("x.vcl", src.as_bytes(), SourceKind::File, &mut loader);
    let diags = lint_program(&program);
    let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["unused/variable", "regex/url-extension"]);

    let mut config = Config::default();
    config.set("unused=off").unwrap();
    config.set("regex/url-extension=error").unwrap();
    let diags = config.apply(diags);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].severity, lacquer::diag::Severity::Error);
}

#[test]
fn snippets_skip_rules_that_need_the_whole_service() {
    let src = "set req.http.X = re.group.1;\n";
    let mut loader = MemoryLoader::default();
    let program = assemble::assemble(
        "recv.vcl",
        src.as_bytes(),
        SourceKind::Snippet(lacquer::catalog::SubKind::Recv),
        &mut loader,
    );
    assert!(lint_program(&program).is_empty());
}

/// A big generated file (30,000 lines, 7,000 regexes) lints in well under a second.
#[test]
fn linting_is_linear() {
    let mut src = String::from("sub vcl_recv {\n  #FASTLY recv\n");
    for i in 0..7_000 {
        src.push_str(&format!(
            "  if (req.url ~ \"^/p{i}/([a-z]+)\") {{\n    set req.http.X-{i} = re.group.1;\n  }}\n  set req.http.Y-{i} = \"{i}\";\n"
        ));
    }
    src.push_str("  return(lookup);\n}\n");
    assert!(src.lines().count() > 28_000);
    let mut loader = MemoryLoader::default();
    let program = assemble::assemble("big.vcl", src.as_bytes(), SourceKind::File, &mut loader);
    let files = program.token_files();
    let cx = LintContext { map: &program.map, unit: &program.unit, files: &files, snippet: None };
    let start = std::time::Instant::now();
    let diags = lint::run(&cx);
    let elapsed = start.elapsed();
    assert!(diags.is_empty(), "{:?}", diags.first());
    // Generous for unoptimised CI builds; a quadratic rule takes minutes here.
    assert!(elapsed.as_secs_f64() < 2.0, "lint took {elapsed:?}");
}

/// Pieces of VCL that exercise every rule, glued in any order: lint never panics, even
/// on the recovered tree of a broken program.
const PIECES: &[&str] = &[
    "sub vcl_recv {",
    "sub helper {",
    "}",
    "{",
    "if (",
    ")",
    "elsif (req.http.X) {",
    "} else {",
    "req.url ~ \"\\.(jpg|png)$\"",
    "req.url ~ \"^/(a)(?:b)[(]\"",
    "client.ip ~ office",
    "re.group.1",
    "re.group.19",
    "set req.http.A = \"1\";",
    "set beresp.http.Vary = \"x\";",
    "set resp.http.Expires = now + 1d;",
    "declare local var.t TIME;",
    "declare block var.s STRING;",
    "var.s",
    "goto done;",
    "done:",
    "remove req.http.A;",
    "error 404;",
    "call helper;",
    "helper()",
    "boltsort.sort(req.url)",
    "\"literal\" ==",
    "true",
    "&&",
    ";",
    "\n#FASTLY recv\n",
    "\n# lacquer-ignore-start\n",
    "\n# lacquer-ignore-end unused\n",
    "/* falco-ignore */",
    "acl office { \"192.0.2.0\"/24; }",
    "backend F_a { .host = \"a\"; }",
    "\"unterminated",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]
    #[test]
    fn lint_never_panics(pieces in proptest::collection::vec(0..PIECES.len(), 0..60)) {
        let src: String = pieces.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join(" ");
        for kind in [SourceKind::File, SourceKind::Snippet(lacquer::catalog::SubKind::Recv)] {
            let mut loader = MemoryLoader::default();
            let program = assemble::assemble("p.vcl", src.as_bytes(), kind, &mut loader);
            let diags = lint_program(&program);
            let _ = render_all(&program.map, &diags, RenderOptions { color: false });
        }
    }
}

/// Every code the parser, assembler and checker can emit is in the registry, so it has an
/// explanation and can be re-levelled.
#[test]
fn every_emitted_code_is_registered() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut missing = Vec::new();
    let mut seen = 0;
    for dir in ["syntax", "syntax/parser", "check", "assemble", "ir", "testing", "cli"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for marker in ["Diagnostic::error(\"", "Diagnostic::warning(\"", "Diagnostic::info(\""] {
                for (i, _) in text.match_indices(marker) {
                    let rest = &text[i + marker.len()..];
                    let code = &rest[..rest.find('"').unwrap()];
                    seen += 1;
                    if lacquer::lint::rule(code).is_none() {
                        missing.push(format!("{code} ({})", path.display()));
                    }
                }
            }
        }
    }
    assert!(seen > 50, "found only {seen} emitted codes");
    assert!(missing.is_empty(), "codes emitted but not registered: {missing:?}");
}
