//! The lexer driver: runs the `logos` machine over a file and fixes up what a regular
//! lexer cannot see: RTIME literals written with a space (`5 m`), `#FASTLY` macro lines,
//! invalid UTF-8 and unmatched bytes as [`TokenKind::Error`].
//!
//! Architecture Invariant: the tokens tile the input: every byte is in exactly one token,
//! in order, and the list ends with one empty [`TokenKind::Eof`].

use logos::Logos;

use super::span::{SourceFile, Span};
use super::token::TokenKind;
use crate::diag::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// RTIME units (Fastly: `ms s m h d w y`).
pub const RTIME_UNITS: [&str; 7] = ["ms", "s", "m", "h", "d", "w", "y"];

/// Lexes one file. Positions are global (the file's base is added).
pub fn lex(file: &SourceFile) -> (Vec<Token>, Vec<Diagnostic>) {
    lex_str(&file.text, file.base, &file.invalid_utf8)
}

/// Lexes `text` whose first byte is at global position `base`.
pub fn lex_str(text: &str, base: u32, invalid_utf8: &[std::ops::Range<u32>]) -> (Vec<Token>, Vec<Diagnostic>) {
    let mut tokens: Vec<Token> = Vec::with_capacity(text.len() / 4 + 1);
    let mut diags = Vec::new();
    let mut lexer = TokenKind::lexer(text);
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        let span = Span::new(base + range.start as u32, base + range.end as u32);
        let kind = match result {
            Ok(kind) => kind,
            Err(()) => TokenKind::Error,
        };
        let kind = match kind {
            TokenKind::Ident if is_unit(&text[range.clone()]) => {
                if merge_rtime(&mut tokens, span, text, base) {
                    continue;
                }
                kind
            }
            TokenKind::LineComment if is_macro(&text[range.clone()]) => TokenKind::Macro,
            _ => kind,
        };
        // A closed comment is at least `/**/`; `/*/` is an opening with a stray slash.
        let comment = &text[range.clone()];
        if kind == TokenKind::BlockComment && (comment.len() < 4 || !comment.ends_with("*/")) {
            diags.push(
                Diagnostic::error("syntax/unterminated-comment", "unterminated block comment")
                    .with_primary(Span::new(span.start, span.start + 2), "this comment is never closed")
                    .with_help("close it with `*/`"),
            );
        }
        if kind == TokenKind::Error && !in_ranges(invalid_utf8, range.start as u32) {
            let ch = text[range.clone()].chars().next().unwrap_or(' ');
            diags.push(
                Diagnostic::error("syntax/invalid-character", format!("unexpected character {ch:?}"))
                    .with_primary(span, "not valid in VCL here"),
            );
        }
        tokens.push(Token { kind, span });
    }
    for bad in invalid_utf8 {
        diags.push(
            Diagnostic::error("syntax/invalid-utf8", "invalid UTF-8")
                .with_primary(Span::new(base + bad.start, base + bad.end), "these bytes are not UTF-8")
                .with_note("Fastly VCL source must be valid UTF-8"),
        );
    }
    let end = base + text.len() as u32;
    tokens.push(Token { kind: TokenKind::Eof, span: Span::new(end, end) });
    (tokens, diags)
}

fn is_unit(text: &str) -> bool {
    RTIME_UNITS.contains(&text)
}

fn in_ranges(ranges: &[std::ops::Range<u32>], pos: u32) -> bool {
    ranges.iter().any(|r| r.contains(&pos))
}

/// `10` `s` or `10` ` ` `s` (spaces or tabs only) becomes one RTIME token. Hex and
/// exponent numbers take no unit.
fn merge_rtime(tokens: &mut Vec<Token>, unit: Span, text: &str, base: u32) -> bool {
    let n = tokens.len();
    let (num_idx, ws) = match tokens.last() {
        Some(t) if matches!(t.kind, TokenKind::Integer | TokenKind::Float) && t.span.end == unit.start => {
            (n - 1, false)
        }
        Some(t) if t.kind == TokenKind::Whitespace && n >= 2 => {
            let num = tokens[n - 2];
            if matches!(num.kind, TokenKind::Integer | TokenKind::Float) && t.span.end == unit.start {
                (n - 2, true)
            } else {
                return false;
            }
        }
        _ => return false,
    };
    if ws {
        // Only blanks may stand between the number and its unit.
        let gap = tokens[n - 1].span;
        if gap.len() > 8 {
            return false;
        }
    }
    let num = tokens[num_idx];
    let digits = &text[(num.span.start - base) as usize..(num.span.end - base) as usize];
    if digits.starts_with("0x") || digits.starts_with("0X") || digits.contains(['e', 'E']) {
        return false;
    }
    tokens.truncate(num_idx);
    tokens.push(Token { kind: TokenKind::Rtime, span: num.span.to(unit) });
    true
}

/// `#FASTLY recv` (case-insensitive, any spacing, nothing after the name).
fn is_macro(text: &str) -> bool {
    macro_name(text).is_some()
}

/// The subroutine name of a `#FASTLY <name>` macro comment, lower-cased.
pub fn macro_name(text: &str) -> Option<String> {
    let rest = text.strip_prefix('#')?.trim_start();
    let rest = match rest.get(..6) {
        Some(word) if word.eq_ignore_ascii_case("fastly") => &rest[6..],
        _ => return None,
    };
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let name = rest.trim();
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic() || c == '_')).then(|| name.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, &str)> {
        let (tokens, _) = lex_str(src, 0, &[]);
        tokens
            .iter()
            .filter(|t| t.kind != TokenKind::Whitespace)
            .map(|t| (t.kind, &src[t.span.start as usize..t.span.end as usize]))
            .collect()
    }

    #[test]
    fn rtime_literals_with_and_without_space() {
        use TokenKind::*;
        assert_eq!(
            kinds("10s 1.5h 5 m 100ms")[..4],
            [(Rtime, "10s"), (Rtime, "1.5h"), (Rtime, "5 m"), (Rtime, "100ms")]
        );
        assert_eq!(kinds("5 max")[..2], [(Integer, "5"), (Ident, "max")]);
        assert_eq!(kinds("0x10s")[..2], [(Integer, "0x10"), (Ident, "s")]);
    }

    #[test]
    fn headers_subfields_labels_and_wildcards_are_identifiers() {
        use TokenKind::*;
        assert_eq!(kinds("req.http.Cookie:session")[0], (Ident, "req.http.Cookie:session"));
        assert_eq!(kinds("unset req.http.X-*;")[1], (Ident, "req.http.X-*"));
        assert_eq!(kinds("my_label:")[0], (Ident, "my_label:"));
    }

    #[test]
    fn strings_long_strings_and_comments() {
        use TokenKind::*;
        assert_eq!(
            kinds(r#"{"a"b"} {xyz"a"}b"xyz}"#)[..2],
            [(LongString, r#"{"a"b"}"#), (LongString, r#"{xyz"a"}b"xyz}"#)]
        );
        assert_eq!(kinds("#FASTLY recv\n# other")[..2], [(Macro, "#FASTLY recv"), (LineComment, "# other")]);
        assert_eq!(kinds("\"abc\nx")[0], (UnterminatedString, "\"abc"));
        assert_eq!(kinds("/* a */ /* b")[..2], [(BlockComment, "/* a */"), (BlockComment, "/* b")]);
    }

    #[test]
    fn operators_longest_match() {
        use TokenKind::*;
        let k: Vec<_> = kinds("!~ != ! && &&= ||= rol= ror= <<= >>= %=").into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            k,
            [
                NotMatch, Ne, Bang, AndAnd, AndAssign, OrAssign, RolAssign, RorAssign, ShlAssign, ShrAssign, RemAssign,
                Eof
            ]
        );
    }

    #[test]
    fn tokens_tile_the_input() {
        let src = "sub vcl_recv { set req.http.X = \"a\" 10s; } @ $ \u{1}";
        let (tokens, diags) = lex_str(src, 0, &[]);
        let mut pos = 0;
        for t in &tokens {
            assert_eq!(t.span.start, pos);
            pos = t.span.end;
        }
        assert_eq!(pos as usize, src.len());
        assert_eq!(diags.len(), 3);
    }
}
