//! Properties of the lexer and parser: they never panic and always terminate, tokens tile
//! the input, and hostile nesting gets a diagnostic instead of a stack overflow.

use proptest::prelude::*;

use lacquer::syntax::lexer::lex_str;
use lacquer::syntax::parser::parse_str;
use lacquer::syntax::TokenKind;

fn assert_tiles(text: &str) {
    let (tokens, _) = lex_str(text, 0, &[]);
    let mut pos = 0;
    for t in &tokens {
        assert_eq!(t.span.start, pos, "gap or overlap before {:?}", t);
        pos = t.span.end;
    }
    assert_eq!(pos as usize, text.len());
    assert_eq!(tokens.last().map(|t| t.kind), Some(TokenKind::Eof));
}

/// Fragments that make up plausible (and implausible) VCL.
const SOUP: &[&str] = &[
    "sub",
    "vcl_recv",
    "{",
    "}",
    "(",
    ")",
    ";",
    "set",
    "unset",
    "req.http.X-Foo",
    "req.http.Cookie:a",
    "=",
    "+=",
    "==",
    "!=",
    "~",
    "!~",
    "!",
    "&&",
    "||",
    "+",
    "-",
    "\"str\"",
    "{\"long\"}",
    "10s",
    "5",
    "-1",
    "0x1f",
    "1.5",
    "true",
    "if",
    "else",
    "elsif",
    "return",
    "(lookup)",
    "error",
    "404",
    "synthetic",
    "call",
    "declare",
    "local",
    "var.x",
    "STRING",
    "acl",
    "backend",
    "director",
    "random",
    "table",
    "\"k\":",
    ",",
    ".host",
    ".probe",
    "include",
    "goto",
    "label:",
    "#FASTLY recv\n",
    "# c\n",
    "/* b */",
    "%",
    "50%",
    "log",
    "restart",
    "esi",
    "penaltybox",
    "pragma",
    "C!",
    "W!",
    "\n",
    " ",
    "\"unterminated",
    "@",
    "\u{1}",
    "if(",
    "std.tolower(",
    "regsub(",
    "switch",
    "case",
    "default:",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn lexer_tiles_arbitrary_text(text in "\\PC{0,200}") {
        assert_tiles(&text);
    }

    #[test]
    fn parser_survives_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut map = lacquer::syntax::SourceMap::new();
        let id = map.add("x.vcl", &bytes);
        let parsed = lacquer::syntax::parse_file(&map, id);
        prop_assert_eq!(parsed.tokens.last().map(|t| t.span.end as usize), Some(bytes.len()));
        let _ = lacquer::check::check(&map, &parsed.tree, Default::default());
    }

    #[test]
    fn parser_and_checker_survive_token_soup(parts in proptest::collection::vec(proptest::sample::select(SOUP), 0..120)) {
        let text = parts.join(" ");
        assert_tiles(&text);
        let (map, parsed) = parse_str(&text);
        let _ = lacquer::check::check(&map, &parsed.tree, Default::default());
    }
}

#[test]
fn ten_thousand_nested_ifs_get_a_diagnostic() {
    let n = 10_000;
    let src = format!("sub vcl_recv {{ {} {} }}", "if (req.url) {".repeat(n), "}".repeat(n));
    let (map, parsed) = parse_str(&src);
    assert!(parsed.diagnostics.iter().any(|d| d.code == "syntax/too-deep"));
    assert_eq!(parsed.diagnostics.len(), 1, "one diagnostic, not one per level");
    let _ = lacquer::check::check(&map, &parsed.tree, Default::default());
}

#[test]
fn ten_thousand_nested_parentheses_and_negations_get_a_diagnostic() {
    let n = 10_000;
    for src in [
        format!("sub vcl_recv {{ if ({}req.url{}) {{ }} }}", "(".repeat(n), ")".repeat(n)),
        format!("sub vcl_recv {{ if ({}req.url) {{ }} }}", "!".repeat(n)),
        format!("sub vcl_recv {{ set req.http.X = {}\"a\"{}; }}", "std.tolower(".repeat(n), ")".repeat(n)),
    ] {
        let (map, parsed) = parse_str(&src);
        assert!(parsed.diagnostics.iter().any(|d| d.code == "syntax/too-deep"), "{:?}", parsed.diagnostics);
        let _ = lacquer::check::check(&map, &parsed.tree, Default::default());
    }
}

#[test]
fn long_flat_chains_do_not_nest() {
    // 20,000 operands of || and of concatenation build flat nodes.
    let n = 20_000;
    let cond = vec!["req.http.A"; n].join(" || ");
    let concat = vec!["\"a\""; n].join(" ");
    let src = format!("sub vcl_recv {{ if ({cond}) {{ set req.http.X = {concat}; }} }}");
    let (map, parsed) = parse_str(&src);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics.first());
    let (_, diags) = lacquer::check::check(&map, &parsed.tree, Default::default());
    assert!(diags.is_empty());
}

#[test]
fn ten_mistakes_give_ten_diagnostics_and_a_tree() {
    let src = r#"
sub vcl_recv {
  set req.http.A = "a"
  set req.http.B == "b";
  unset ;
  call ;
  declare local var.x;
  if req.url { }
  set req.http.C = "%zz";
  error 404 "unterminated;
  goto ;
  return(lookup);
}
sub vcl_deliver { set resp.http.D = "ok"; }
@
"#;
    let (_, parsed) = parse_str(src);
    assert!(parsed.diagnostics.len() >= 10, "{:#?}", parsed.diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>());
    assert_eq!(parsed.tree.decls.iter().filter(|d| matches!(d, lacquer::syntax::ast::Decl::Sub(_))).count(), 2);
}
