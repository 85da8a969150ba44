//! The formatter: fixtures in `vcl-examples/fmt/` snapshot the formatted output, and every
//! formatted text (fixtures, the `ok/` and `snippets/` corpus, generated VCL) must be
//! idempotent, parse to the same tree (spans aside), keep the same significant tokens
//! (modulo the normalisations below) and keep every comment in order. Also `lacquer fmt`
//! end to end.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use proptest::prelude::*;

use lacquer::diag::{Diagnostic, Severity};
use lacquer::fmt::{format_file, format_statements, format_str};
use lacquer::syntax::{parse_file, parse_statements, SourceMap, Token, TokenKind};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    File,
    Statements,
}

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vcl-examples")
}

fn format_as(text: &str, shape: Shape) -> Result<String, Vec<Diagnostic>> {
    let mut map = SourceMap::new();
    let id = map.add("input.vcl", text.as_bytes());
    match shape {
        Shape::File => format_file(&map, id),
        Shape::Statements => format_statements(&map, id),
    }
}

/// The tokens and the tree (as `Debug` text without spans) of `text`.
fn parse(text: &str, shape: Shape) -> (Vec<Token>, String, Vec<Diagnostic>) {
    let mut map = SourceMap::new();
    let id = map.add("input.vcl", text.as_bytes());
    match shape {
        Shape::File => {
            let p = parse_file(&map, id);
            (p.tokens, strip_spans(&format!("{:?}", p.tree)), p.diagnostics)
        }
        Shape::Statements => {
            let p = parse_statements(&map, id);
            (p.tokens, strip_spans(&format!("{:?}", p.tree)), p.diagnostics)
        }
    }
}

/// Replaces every `Span { start: N, end: M }` of a `Debug` rendering with `_`.
fn strip_spans(debug: &str) -> String {
    const OPEN: &str = "Span { start: ";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find(OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        match after.find('}') {
            Some(close) => {
                out.push('_');
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn text_of<'t>(text: &'t str, t: &Token) -> &'t str {
    &text[t.span.start as usize..t.span.end as usize]
}

/// The significant tokens, with the formatter's normalisations undone on both sides:
/// `elseif`/`elsif` read as `else if`, `default:` as `default :`, `5 m` as `5m`; empty
/// statements and the optional `;` after `}` are dropped, and so is a `,` before `}`.
fn words(text: &str, tokens: &[Token]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in tokens.iter().filter(|t| !t.kind.is_trivia() && t.kind != TokenKind::Eof) {
        let s = text_of(text, t);
        match (t.kind, s) {
            (TokenKind::Ident, "elseif" | "elsif") => out.extend(["else".to_string(), "if".to_string()]),
            (TokenKind::Ident, "default:") => out.extend(["default".to_string(), ":".to_string()]),
            (TokenKind::Rtime, _) => out.push(s.split_whitespace().collect()),
            (TokenKind::Semi, _)
                if out.last().is_none_or(|w| matches!(w.as_str(), ";" | "{" | "}") || w.ends_with(':')) => {}
            (TokenKind::RBrace, _) => {
                if out.last().is_some_and(|w| w == ",") {
                    out.pop();
                }
                out.push(s.to_string());
            }
            _ => out.push(s.to_string()),
        }
    }
    out
}

/// Comments and `#FASTLY` lines in order (line comments without trailing whitespace).
fn comments(text: &str, tokens: &[Token]) -> Vec<String> {
    tokens
        .iter()
        .filter(|t| t.kind.is_comment())
        .map(|t| {
            let s = text_of(text, t);
            if t.kind == TokenKind::BlockComment {
                s.to_string()
            } else {
                s.trim_end().to_string()
            }
        })
        .collect()
}

/// Panics with the first difference and some context around it.
fn assert_same<T: PartialEq + std::fmt::Debug>(what: &str, name: &str, before: &[T], after: &[T]) {
    if before == after {
        return;
    }
    let i = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let from = i.saturating_sub(3);
    panic!(
        "{name}: {what} differ at item {i}\n  input:  {:?}\n  output: {:?}",
        &before[from..(i + 3).min(before.len())],
        &after[from..(i + 3).min(after.len())]
    );
}

fn assert_same_text(what: &str, name: &str, before: &str, after: &str) {
    if before == after {
        return;
    }
    let i = before.bytes().zip(after.bytes()).take_while(|(a, b)| a == b).count();
    let context = |s: &str| {
        let mut from = i.saturating_sub(150);
        while !s.is_char_boundary(from) {
            from -= 1;
        }
        let mut to = (i + 150).min(s.len());
        while !s.is_char_boundary(to) {
            to += 1;
        }
        s[from..to].to_string()
    };
    panic!("{name}: {what} differ at byte {i}\n  input:  …{}…\n  output: …{}…", context(before), context(after));
}

/// Formats `text` and checks the formatter's promises; returns the output.
fn assert_formats_well(name: &str, text: &str, shape: Shape) -> String {
    let (in_tokens, in_tree, in_diags) = parse(text, shape);
    assert!(
        !in_diags.iter().any(|d| d.severity == Severity::Error),
        "{name}: the input should parse cleanly: {:?}\n{text}",
        in_diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    let out = format_as(text, shape).unwrap_or_else(|d| {
        panic!("{name}: formatting failed: {:?}\n{text}", d.iter().map(|d| &d.message).collect::<Vec<_>>())
    });
    let again =
        format_as(&out, shape).unwrap_or_else(|d| panic!("{name}: the output does not format again: {d:?}\n{out}"));
    assert_same_text("first and second formatting", name, &out, &again);

    let (out_tokens, out_tree, out_diags) = parse(&out, shape);
    assert!(out_diags.is_empty(), "{name}: the output has diagnostics: {out_diags:?}\n{out}");
    assert_same("comments", name, &comments(text, &in_tokens), &comments(&out, &out_tokens));
    assert_same("tokens", name, &words(text, &in_tokens), &words(&out, &out_tokens));
    assert_same_text("trees", name, &in_tree, &out_tree);
    assert_no_trailing_whitespace(name, &out, &out_tokens);
    out
}

/// No line ends in whitespace (inside block comments and long strings, which are printed
/// as written, anything goes).
fn assert_no_trailing_whitespace(name: &str, out: &str, tokens: &[Token]) {
    for t in tokens {
        let s = text_of(out, t);
        let bad = match t.kind {
            TokenKind::Whitespace => s.split('\n').rev().skip(1).any(|segment| !segment.is_empty()),
            TokenKind::LineComment | TokenKind::Macro => s != s.trim_end(),
            _ => false,
        };
        assert!(!bad, "{name}: trailing whitespace at byte {}:\n{out}", t.span.start);
    }
}

/// Fixture files named `snippet_*.vcl` are snippets of statements.
fn shape_of_fixture(path: &Path) -> Shape {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    if stem.starts_with("snippet_") {
        Shape::Statements
    } else {
        Shape::File
    }
}

#[test]
fn fixtures_format_to_their_snapshots() {
    insta::glob!("../../vcl-examples", "fmt/*.vcl", |path| {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let out = assert_formats_well(&path.display().to_string(), &text, shape_of_fixture(path));
        insta::assert_snapshot!(out);
    });
}

fn vcl_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "vcl"))
        .collect();
    files.sort();
    files
}

#[test]
fn ok_files_format_well() {
    let files = vcl_files("ok");
    assert!(!files.is_empty());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_formats_well(&path.display().to_string(), &text, Shape::File);
    }
}

#[test]
fn snippets_format_well() {
    let files = vcl_files("snippets");
    assert!(!files.is_empty());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // `init` snippets are top-level declarations; the others are statements.
        let shape = if path.file_stem().is_some_and(|s| s == "init") { Shape::File } else { Shape::Statements };
        assert_formats_well(&path.display().to_string(), &text, shape);
    }
}

#[test]
fn syntax_errors_are_returned_not_formatted() {
    let diags =
        format_str("sub vcl_recv {\n  set req.http.X = \"a\"\n  set ;\n}\n").expect_err("broken code is not formatted");
    assert!(diags.iter().any(|d| d.severity == Severity::Error && d.code.starts_with("syntax/")), "{diags:?}");
    assert!(format_as("set req.http.X = ;", Shape::Statements).is_err());
    assert!(format_str("set req.http.X = \"statements are not declarations\";").is_err());
}

#[test]
fn style_rules() {
    let cases: &[(&str, &str)] = &[
        ("sub vcl_recv{return (lookup);}", "sub vcl_recv {\n  return(lookup);\n}\n"),
        (
            "sub f { if (a) { esi; } elsif (b) { esi; } elseif (c) { esi; } else { esi; } }",
            "sub f {\n  if (a) {\n    esi;\n  } else if (b) {\n    esi;\n  } else if (c) {\n    esi;\n  } else {\n    esi;\n  }\n}\n",
        ),
        ("sub f { set var.x   =   \"a\"   req.http.B+\"c\"; }", "sub f {\n  set var.x = \"a\" req.http.B + \"c\";\n}\n"),
        ("sub f { set var.t = 5 m; set var.u = 0x1F; set var.s = \"%20\"; }", "sub f {\n  set var.t = 5m;\n  set var.u = 0x1F;\n  set var.s = \"%20\";\n}\n"),
        ("table t { \"a\": \"b\", \"c\": \"d\" }", "table t {\n  \"a\": \"b\",\n  \"c\": \"d\",\n}\n"),
        ("acl a { ! \"10.0.0.1\"; \"10.0.0.0\" / 8; }", "acl a {\n  !\"10.0.0.1\";\n  \"10.0.0.0\"/8;\n}\n"),
        ("sub a {}\nsub b {}", "sub a {\n}\n\nsub b {\n}\n"),
        ("pragma optional_param a 1;\npragma optional_param b 2;\nC!\nW!\n", "pragma optional_param a 1;\npragma optional_param b 2;\nC!\nW!\n"),
        ("sub f {\n  set a.b = 1;\n\n\n\n  set a.c = 2;\n}\n", "sub f {\n  set a.b = 1;\n\n  set a.c = 2;\n}\n"),
        ("sub f { unset req.http.A; remove req.http.B; }", "sub f {\n  unset req.http.A;\n  remove req.http.B;\n}\n"),
        (
            "backend b { .probe = { .request = \"a\"\n \"b\"; }; }",
            "backend b {\n  .probe = {\n    .request = \"a\"\n        \"b\";\n  }\n}\n",
        ),
        ("", ""),
        ("# only a comment", "# only a comment\n"),
    ];
    for (input, expected) in cases {
        let out = format_str(input).unwrap_or_else(|d| panic!("{input:?}: {d:?}"));
        assert_eq!(&out, expected, "formatting {input:?}");
    }
}

#[test]
fn comments_stay_where_they_belong() {
    let input = "sub f { # after brace\n  # before\n  set a.b = 1; # trailing\n  set a.c = \"x\" # at a break\n    \"y\";\n  # last\n}\n# eof\n";
    let expected = "sub f { # after brace\n  # before\n  set a.b = 1; # trailing\n  set a.c = \"x\" # at a break\n      \"y\";\n  # last\n}\n# eof\n";
    assert_eq!(format_str(input).unwrap(), expected);
    // A line comment inside an expression that cannot stay there moves before the statement.
    let out = format_str("sub f { set a.b # odd\n = 1; }").unwrap();
    assert_eq!(out, "sub f {\n  # odd\n  set a.b = 1;\n}\n");
    // A `/*` left open swallows the rest of the file: an error, so the file is left alone.
    let err = format_str("sub f { } /* open  \n\n").unwrap_err();
    assert!(err.iter().any(|d| d.code == "syntax/unterminated-comment"));
}

// ----- generated VCL -----

fn lit() -> BoxedStrategy<Vec<String>> {
    prop::sample::select(vec![
        "\"a\"",
        "\"%20x\"",
        "\"\"",
        "{\"long \"q\" \"}",
        "{X\"tag\"X}",
        "0",
        "42",
        "-7",
        "0x1F",
        "1.5",
        "-0.25",
        "1e3",
        "10s",
        "5 m",
        "1.5h",
        "-1d",
        "100ms",
        "true",
        "false",
        "req.http.X-A",
        "req.http.Cookie:s",
        "var.x",
        "client.ip",
        "LF",
        "F_a",
    ])
    .prop_map(|s| vec![s.to_string()])
    .boxed()
}

fn target() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["req.http.X", "var.x", "req.http.Cookie:a", "resp.http.Y-Z"]).prop_map(String::from)
}

fn join(parts: Vec<Vec<String>>, sep: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 && !sep.is_empty() {
            out.push(sep.to_string());
        }
        out.extend(p);
    }
    out
}

/// Expressions that are valid wherever an expression is: primaries, concatenations,
/// comparisons, `&&` and `||` chains.
fn expr() -> BoxedStrategy<Vec<String>> {
    lit()
        .prop_recursive(3, 24, 4, |inner| {
            let call = (
                prop::sample::select(vec!["std.tolower", "regsub", "if", "f"]),
                prop::collection::vec(inner.clone(), 0..3),
            )
                .prop_map(|(name, args)| {
                    let mut v = vec![name.to_string(), "(".to_string()];
                    v.extend(join(args, ","));
                    v.push(")".to_string());
                    v
                })
                .boxed();
            let paren = inner.clone().prop_map(|e| [vec!["(".to_string()], e, vec![")".to_string()]].concat()).boxed();
            // Juxtaposed parts must be literals or calls; after `+` or `-` anything primary.
            let concat = (lit(), prop::collection::vec((prop::sample::select(vec!["", "+", "-"]), lit()), 1..4))
                .prop_map(|(first, rest)| {
                    let mut v = first;
                    for (sep, part) in rest {
                        if !sep.is_empty() {
                            v.push(sep.to_string());
                        }
                        v.extend(part);
                    }
                    v
                })
                .boxed();
            let primary = prop_oneof![lit(), paren.clone()];
            let not = primary.prop_map(|e| [vec!["!".to_string()], e].concat()).boxed();
            let operand = prop_oneof![lit(), concat.clone(), call.clone(), paren.clone(), not.clone()].boxed();
            let compare =
                (operand.clone(), prop::sample::select(vec!["==", "!=", "<", ">=", "~", "!~"]), operand.clone())
                    .prop_map(|(a, op, b)| [a, vec![op.to_string()], b].concat())
                    .boxed();
            let term = prop_oneof![operand.clone(), compare.clone()].boxed();
            let and = prop::collection::vec(term.clone(), 2..4).prop_map(|v| join(v, "&&")).boxed();
            let or = prop::collection::vec(prop_oneof![term.clone(), and.clone()], 2..4).prop_map(|v| join(v, "||"));
            prop_oneof![call, paren, not, concat, compare, and, or]
        })
        .boxed()
}

fn tokens(words: &[&str]) -> Vec<String> {
    words.iter().map(|s| s.to_string()).collect()
}

fn simple_stmt() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        (target(), prop::sample::select(vec!["=", "+=", "||="]), expr()).prop_map(|(t, op, e)| [
            vec!["set".into(), t, op.into()],
            e,
            tokens(&[";"])
        ]
        .concat()),
        (prop::sample::select(vec!["unset", "remove"]), target()).prop_map(|(k, t)| vec![k.into(), t, ";".into()]),
        (target(), expr()).prop_map(|(t, e)| [vec!["add".into(), t, "=".into()], e, tokens(&[";"])].concat()),
        Just(tokens(&["call", "my_sub", ";"])),
        prop::collection::vec(expr(), 0..3).prop_map(|args| [
            tokens(&["call", "my_sub", "("]),
            join(args, ","),
            tokens(&[")", ";"])
        ]
        .concat()),
        Just(tokens(&["declare", "local", "var.s", "STRING", ";"])),
        expr().prop_map(|e| [tokens(&["declare", "local", "var.s", "STRING", "="]), e, tokens(&[";"])].concat()),
        Just(tokens(&["return", ";"])),
        Just(tokens(&["return", "(", "lookup", ")", ";"])),
        lit().prop_map(|e| [tokens(&["return"]), e, tokens(&[";"])].concat()),
        Just(tokens(&["error", ";"])),
        expr().prop_map(|e| [tokens(&["error", "404"]), e, tokens(&[";"])].concat()),
        prop::sample::select(vec!["restart", "esi", "break", "fallthrough"]).prop_map(|k| vec![k.into(), ";".into()]),
        (prop::sample::select(vec!["synthetic", "synthetic.base64", "log"]), expr()).prop_map(|(k, e)| [
            vec![k.into()],
            e,
            tokens(&[";"])
        ]
        .concat()),
        Just(tokens(&["goto", "done", ";"])),
        Just(tokens(&["done:"])),
        Just(tokens(&["include", "\"inc\"", ";"])),
        prop::collection::vec(expr(), 0..3).prop_map(|args| [
            tokens(&["std.collect", "("]),
            join(args, ","),
            tokens(&[")", ";"])
        ]
        .concat()),
        Just(tokens(&[";"])),
    ]
}

fn stmt() -> BoxedStrategy<Vec<String>> {
    simple_stmt()
        .prop_recursive(3, 24, 4, |inner| {
            let body = prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|v| [tokens(&["{"]), v.concat(), tokens(&["}"])].concat());
            let cond = expr().prop_map(|e| [tokens(&["("]), e, tokens(&[")"])].concat());
            let branch_kw = prop::sample::select(vec!["else if", "elseif", "elsif"]);
            let if_stmt = (
                cond.clone(),
                body.clone(),
                prop::collection::vec((branch_kw, cond.clone(), body.clone()), 0..3),
                prop::option::of(body.clone()),
            )
                .prop_map(|(c, b, elifs, els)| {
                    let mut v = [tokens(&["if"]), c, b].concat();
                    for (kw, c, b) in elifs {
                        v.extend(kw.split(' ').map(String::from));
                        v.extend(c);
                        v.extend(b);
                    }
                    if let Some(b) = els {
                        v.push("else".into());
                        v.extend(b);
                    }
                    v
                });
            let case = (
                prop::option::of(prop::sample::select(vec!["\"a\"", "\"b\""])),
                prop::collection::vec(inner.clone(), 0..3),
            )
                .prop_map(|(label, body)| {
                    let head = match label {
                        Some(l) => tokens(&["case", l, ":"]),
                        None => tokens(&["default:"]),
                    };
                    [head, body.concat()].concat()
                });
            let switch = (expr(), prop::collection::vec(case, 0..3)).prop_map(|(e, cases)| {
                [tokens(&["switch", "("]), e, tokens(&[")", "{"]), cases.concat(), tokens(&["}"])].concat()
            });
            prop_oneof![3 => inner, 2 => if_stmt, 1 => body, 1 => switch]
        })
        .boxed()
}

fn decl() -> impl Strategy<Value = Vec<String>> {
    let prop_expr = prop_oneof![
        Just(tokens(&[".host", "=", "\"h\"", ";"])),
        Just(tokens(&[".port", "=", "\"80\"", ";"])),
        Just(tokens(&[".connect_timeout", "=", "5 s", ";"])),
        Just(tokens(&[
            ".probe",
            "=",
            "{",
            ".request",
            "=",
            "\"GET /\"",
            "\"Host: h\"",
            ";",
            ".window",
            "=",
            "5",
            ";",
            "}"
        ])),
        Just(tokens(&[".probe", "=", "{", "}", ";"])),
    ];
    let member = prop_oneof![
        Just(tokens(&["{", ".backend", "=", "F_a", ";", ".weight", "=", "1", ";", "}"])),
        Just(tokens(&["{", ".backend", "=", "F_b", ";", "}", ";"])),
        Just(tokens(&[".quorum", "=", "50%", ";"])),
    ];
    let entry = prop_oneof![
        Just(tokens(&["\"k\"", ":", "\"v\""])),
        Just(tokens(&["\"n\"", ":", "-1"])),
        Just(tokens(&["{\"long\"}", ":", "F_a"])),
    ];
    let acl_entry = prop_oneof![
        Just(tokens(&["\"10.0.0.0\"", "/", "8", ";"])),
        Just(tokens(&["!", "\"10.1.1.1\"", ";"])),
        Just(tokens(&["\"::1\"", ";"])),
    ];
    prop_oneof![
        prop::collection::vec(prop_expr, 0..4).prop_map(|p| [
            tokens(&["backend", "F_a", "{"]),
            p.concat(),
            tokens(&["}"])
        ]
        .concat()),
        prop::collection::vec(member, 0..4).prop_map(|m| [
            tokens(&["director", "d", "random", "{"]),
            m.concat(),
            tokens(&["}"])
        ]
        .concat()),
        (prop::collection::vec(entry, 0..4), any::<bool>()).prop_map(|(e, trailing)| {
            let mut v = tokens(&["table", "t", "{"]);
            v.extend(join(e, ","));
            if trailing && v.len() > 3 {
                v.push(",".into());
            }
            v.push("}".into());
            v
        }),
        prop::collection::vec(acl_entry, 0..4)
            .prop_map(|e| [tokens(&["acl", "a", "{"]), e.concat(), tokens(&["}"])].concat()),
        (prop::sample::select(vec!["vcl_recv", "my_sub"]), prop::collection::vec(stmt(), 0..5))
            .prop_map(|(name, body)| [tokens(&["sub", name, "{"]), body.concat(), tokens(&["}"])].concat()),
        prop::collection::vec(stmt(), 0..3).prop_map(|body| [
            tokens(&["sub", "typed", "(", "STRING", "var.a", ")", "STRING", "{"]),
            body.concat(),
            tokens(&["}"])
        ]
        .concat()),
        Just(tokens(&["sub", "no_params", "(", ")", "{", "}"])),
        Just(tokens(&["penaltybox", "pb", "{", "}"])),
        Just(tokens(&["include", "\"x\"", ";"])),
        Just(tokens(&["import", "boltsort", ";"])),
        Just(tokens(&["pragma", "optional_param", "geoip_opt_in", "true", ";"])),
        Just(tokens(&["C!"])),
        Just(tokens(&["W!"])),
    ]
}

/// What may stand between two tokens: whitespace, and comments of every kind.
const SEPARATORS: &[&str] = &[
    " ",
    " ",
    " ",
    "\n",
    "\n  ",
    "\n\n",
    "\t",
    " /* c1 */ ",
    " # c2\n",
    "\n// c3\n",
    "\n/* multi\n   line */\n",
    "\n#FASTLY recv\n",
    "\n\n\n# c4\n\n",
    " /*c5*/",
    "\r\n",
];

/// Joins tokens with separators picked by `picks` (cycled).
fn layout(tokens: &[String], picks: &[usize]) -> String {
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            let pick = if picks.is_empty() { 0 } else { picks[i % picks.len()] };
            out.push_str(SEPARATORS[pick % SEPARATORS.len()]);
        }
        out.push_str(t);
    }
    if let Some(&last) = picks.first() {
        out.push_str(SEPARATORS[last % SEPARATORS.len()]);
    }
    out
}

/// Fragments of VCL, valid and not, for text that is mostly nonsense.
const SOUP: &[&str] = &[
    "sub",
    "vcl_recv",
    "{",
    "}",
    "(",
    ")",
    ";",
    "set",
    "req.http.X",
    "=",
    "\"s\"",
    "10s",
    "5 m",
    "if",
    "else",
    "elsif",
    "return",
    "(lookup)",
    "# c\n",
    "/* b */",
    "acl",
    "table",
    "\"k\":",
    ",",
    ".host",
    "C!",
    "pragma",
    "switch",
    "case",
    "default:",
    "\n",
    "!",
    "&&",
    "||",
    "+",
    "-",
    "~",
    "==",
    "-1",
    "label:",
    "goto",
    "{\"long\"}",
    "#FASTLY recv\n",
    "backend",
    "director",
    "random",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_files_format_well(decls in prop::collection::vec(decl(), 0..5), picks in prop::collection::vec(0usize..64, 1..40)) {
        let text = layout(&decls.concat(), &picks);
        assert_formats_well("generated file", &text, Shape::File);
    }

    #[test]
    fn generated_snippets_format_well(stmts in prop::collection::vec(stmt(), 0..6), picks in prop::collection::vec(0usize..64, 1..40)) {
        let text = layout(&stmts.concat(), &picks);
        assert_formats_well("generated snippet", &text, Shape::Statements);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let _ = format_str(&text);
        let _ = format_as(&text, Shape::Statements);
    }

    #[test]
    fn token_soup_never_panics_and_formats_idempotently(parts in prop::collection::vec(prop::sample::select(SOUP), 0..60)) {
        let text = parts.join(" ");
        for shape in [Shape::File, Shape::Statements] {
            if let Ok(out) = format_as(&text, shape) {
                prop_assert_eq!(format_as(&out, shape).ok(), Some(out.clone()));
            }
        }
    }
}

// ----- the command -----

fn lacquer(args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lacquer"));
    cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run lacquer");
    if let Some(input) = stdin {
        use std::io::Write;
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait for lacquer")
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lacquer-fmt-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

const MESSY: &str = "sub vcl_recv{set req.http.X=\"1\";}\n";
const TIDY: &str = "sub vcl_recv {\n  set req.http.X = \"1\";\n}\n";

#[test]
fn cli_rewrites_files_in_place_only_when_needed() {
    let dir = scratch_dir("inplace");
    let messy = dir.join("messy.vcl");
    let tidy = dir.join("tidy.vcl");
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(&tidy, TIDY).unwrap();
    let out = lacquer(&["fmt", messy.to_str().unwrap(), tidy.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), TIDY);
    assert_eq!(std::fs::read_to_string(&tidy).unwrap(), TIDY);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn cli_check_reports_and_changes_nothing() {
    let dir = scratch_dir("check");
    let messy = dir.join("messy.vcl");
    let tidy = dir.join("tidy.vcl");
    std::fs::write(&messy, MESSY).unwrap();
    std::fs::write(&tidy, TIDY).unwrap();
    let out = lacquer(&["fmt", "--check", messy.to_str().unwrap(), tidy.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("would reformat: {}", messy.display())), "{stdout}");
    assert!(!stdout.contains(&format!("would reformat: {}", tidy.display())), "{stdout}");
    assert!(stdout.contains("+  set req.http.X = \"1\";"), "a diff follows: {stdout}");
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), MESSY);

    let out = lacquer(&["fmt", "--check", tidy.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn cli_formats_standard_input_to_standard_output() {
    let out = lacquer(&["fmt", "-"], Some(MESSY));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), TIDY);

    let out = lacquer(&["fmt", "--snippet", "recv", "-"], Some("set req.http.X=\"1\";if(req.http.Y){esi;}"));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "set req.http.X = \"1\";\nif (req.http.Y) {\n  esi;\n}\n");
}

#[test]
fn cli_leaves_broken_and_missing_files_alone() {
    let dir = scratch_dir("broken");
    let broken = dir.join("broken.vcl");
    let text = "sub vcl_recv {\n  set req.http.X = ;\n}\n";
    std::fs::write(&broken, text).unwrap();
    let out = lacquer(&["fmt", broken.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("syntax/expected-expression"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), text);

    let missing = dir.join("missing.vcl");
    let out = lacquer(&["fmt", missing.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.vcl"));
    std::fs::remove_dir_all(&dir).ok();
}
