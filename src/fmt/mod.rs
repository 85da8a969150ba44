//! The formatter: one canonical layout for VCL files and snippets.
//!
//! The style: 2-space indentation; one declaration, member or statement per line; one
//! blank line between top-level declarations with a body, and at most one where the user
//! left some elsewhere; `sub name {` on one line and `}` alone; `} else if (...) {` for
//! every spelling of `else if`; `return(lookup);`; single spaces around operators;
//! literals exactly as written (`5 m` becomes `5m`); concatenation as written
//! (juxtaposition or `+`); table entries each ending in `,`; director members
//! `{ .backend = F_a; .weight = 1; }` on one line; `pragma`, `C!`, `W!`, `unset` and
//! `remove` as written. Lines are not wrapped, but a line break the user made between the
//! parts of a concatenation, a `&&`/`||` chain or an argument list is kept.
//!
//! Every comment and `#FASTLY` macro line is kept, in order (see [`printer`]).
//!
//! Architecture Invariant: no IO, no panics, and broken code is never formatted: a file
//! with syntax errors gives back its diagnostics. The output is checked before it is
//! returned (it parses cleanly, to the same tokens and the same comments); if that check
//! ever fails, the caller gets an `fmt/internal-error` diagnostic instead of a changed
//! meaning.

mod expr;
mod items;
mod printer;

use std::borrow::Cow;

use crate::diag::{Diagnostic, Severity};
use crate::syntax::parser::{parse_file, parse_statements};
use crate::syntax::{FileId, SourceMap, Span, Token, TokenKind};
use printer::Printer;

/// Formats a whole file. Err(diagnostics) when the file has syntax errors.
pub fn format_file(map: &SourceMap, file: FileId) -> Result<String, Vec<Diagnostic>> {
    let parsed = parse_file(map, file);
    if has_errors(&parsed.diagnostics) {
        return Err(parsed.diagnostics);
    }
    let source = map.file(file);
    let mut p = Printer::new(&source.text, source.base, &parsed.tokens);
    p.source_unit(&parsed.tree);
    let out = p.finish(source.span().end);
    verify(map, file, &parsed.tokens, out, Shape::File)
}

/// Formats a snippet of statements (the body of a `recv` ... `log` snippet).
pub fn format_statements(map: &SourceMap, file: FileId) -> Result<String, Vec<Diagnostic>> {
    let parsed = parse_statements(map, file);
    if has_errors(&parsed.diagnostics) {
        return Err(parsed.diagnostics);
    }
    let source = map.file(file);
    let mut p = Printer::new(&source.text, source.base, &parsed.tokens);
    p.statements(&parsed.tree.stmts);
    let out = p.finish(source.span().end);
    verify(map, file, &parsed.tokens, out, Shape::Statements)
}

/// Formats `text` as a whole file.
pub fn format_str(text: &str) -> Result<String, Vec<Diagnostic>> {
    let mut map = SourceMap::new();
    let id = map.add("input.vcl", text.as_bytes());
    format_file(&map, id)
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    File,
    Statements,
}

fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// The safety net: the output must parse without errors to the same significant tokens
/// (modulo [`normalized_words`]) and the same comments as the input.
fn verify(
    map: &SourceMap,
    file: FileId,
    tokens: &[Token],
    out: String,
    shape: Shape,
) -> Result<String, Vec<Diagnostic>> {
    let mut out_map = SourceMap::new();
    let out_id = out_map.add("formatted.vcl", out.as_bytes());
    let (out_tokens, out_diags) = match shape {
        Shape::File => {
            let p = parse_file(&out_map, out_id);
            (p.tokens, p.diagnostics)
        }
        Shape::Statements => {
            let p = parse_statements(&out_map, out_id);
            (p.tokens, p.diagnostics)
        }
    };
    let source = map.file(file);
    let out_source = out_map.file(out_id);
    let before = normalized_words(tokens, &source.text, source.base);
    let after = normalized_words(&out_tokens, &out_source.text, out_source.base);
    let comments_before = comment_texts(tokens, &source.text, source.base);
    let comments_after = comment_texts(&out_tokens, &out_source.text, out_source.base);

    let problem = if has_errors(&out_diags) {
        Some((source.span().start, "the formatted text would not parse"))
    } else if let Some(i) =
        (0..before.len().max(after.len())).find(|&i| before.get(i).map(|w| &w.0) != after.get(i).map(|w| &w.0))
    {
        Some((before.get(i).map_or(source.span().end, |w| w.1), "the formatted text would read differently here"))
    } else if comments_before != comments_after {
        Some((source.span().start, "the formatted text would lose or move a comment"))
    } else {
        None
    };
    match problem {
        None => Ok(out),
        Some((at, label)) => Err(vec![Diagnostic::error(
            "fmt/internal-error",
            "the formatter cannot format this file safely; it is left unchanged",
        )
        .with_primary(Span::new(at, at), label)
        .with_note("this is a bug in lacquer's formatter; please report it with the file")]),
    }
}

/// The significant tokens as text with their start, after the normalisations the
/// formatter makes: `elseif`/`elsif` → `else if`, `default:` → `default :`, `5 m` → `5m`,
/// empty statements and the optional `;` after `}` dropped, a `,` before `}` dropped.
fn normalized_words<'t>(tokens: &[Token], text: &'t str, base: u32) -> Vec<(Cow<'t, str>, u32)> {
    let mut words: Vec<(Cow<'t, str>, u32)> = Vec::with_capacity(tokens.len() / 2);
    for t in tokens {
        if t.kind.is_trivia() || t.kind == TokenKind::Eof {
            continue;
        }
        let start = t.span.start;
        let s = text.get((start - base) as usize..(t.span.end - base) as usize).unwrap_or("");
        match t.kind {
            TokenKind::Rtime if s.contains(char::is_whitespace) => {
                words.push((Cow::Owned(s.split_whitespace().collect()), start));
            }
            TokenKind::Ident if s == "elseif" || s == "elsif" => {
                words.push((Cow::Borrowed("else"), start));
                words.push((Cow::Borrowed("if"), start));
            }
            TokenKind::Ident if s == "default:" => {
                words.push((Cow::Borrowed("default"), start));
                words.push((Cow::Borrowed(":"), start));
            }
            TokenKind::Semi if words.last().is_none_or(|w| matches!(&*w.0, ";" | "{" | "}") || w.0.ends_with(':')) => {}
            TokenKind::RBrace => {
                if words.last().is_some_and(|w| w.0 == ",") {
                    words.pop();
                }
                words.push((Cow::Borrowed(s), start));
            }
            _ => words.push((Cow::Borrowed(s), start)),
        }
    }
    words
}

/// The comments in order, as printed (line comments without trailing whitespace).
fn comment_texts<'t>(tokens: &[Token], text: &'t str, base: u32) -> Vec<&'t str> {
    tokens
        .iter()
        .filter(|t| t.kind.is_comment())
        .map(|t| {
            let s = text.get((t.span.start - base) as usize..(t.span.end - base) as usize).unwrap_or("");
            if t.kind == TokenKind::BlockComment {
                s
            } else {
                s.trim_end()
            }
        })
        .collect()
}
