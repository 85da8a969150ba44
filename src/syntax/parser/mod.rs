//! The parser: hand-written recursive descent over the token list, with a Pratt loop for
//! expressions (`expr.rs`) and rust-analyzer-style recovery.
//!
//! Recovery: `expect` reports "expected X, found Y" without consuming; a statement that
//! cannot be parsed is skipped to its `;` (or the next `}` / statement keyword) and kept
//! as an `Error` node; a declaration likewise to the next declaration keyword. Nesting
//! deeper than [`MAX_DEPTH`] is reported and skipped, so 10,000 nested `if`s give one
//! diagnostic instead of a stack overflow.
//!
//! Architecture Invariant: the parser consumes every token, and every loop makes progress.

mod decl;
mod expr;
mod literal;
mod stmt;

use super::ast::{Block, SourceUnit};
use super::lexer::{lex, Token};
use super::span::{FileId, SourceMap, Span};
use super::token::TokenKind;
use crate::diag::Diagnostic;

pub use literal::{decode_string, parse_rtime};

/// How deep blocks, parentheses and `!` may nest. Real VCL stays far below; the limit
/// exists so that hostile input cannot exhaust the stack of any pass over the tree.
pub const MAX_DEPTH: u32 = 100;

/// A parse result: the tree, the full token list (with trivia, for the formatter) and
/// the diagnostics of lexing and parsing.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub tree: T,
    pub tokens: Vec<Token>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a whole VCL file.
pub fn parse_file(map: &SourceMap, file: FileId) -> Parsed<SourceUnit> {
    let source = map.file(file);
    let (tokens, mut diagnostics) = lex(source);
    let mut p = Parser::new(&source.text, source.base, &tokens);
    let tree = p.source_unit();
    diagnostics.append(&mut p.diags);
    Parsed { tree, tokens, diagnostics }
}

/// Parses a file of statements, as a subroutine snippet is (Fastly splices `recv` ...
/// `log` snippets into the body of that subroutine).
pub fn parse_statements(map: &SourceMap, file: FileId) -> Parsed<Block> {
    let source = map.file(file);
    let (tokens, mut diagnostics) = lex(source);
    let mut p = Parser::new(&source.text, source.base, &tokens);
    let tree = p.statement_list();
    diagnostics.append(&mut p.diags);
    Parsed { tree, tokens, diagnostics }
}

pub(crate) struct Parser<'a> {
    text: &'a str,
    base: u32,
    tokens: &'a [Token],
    /// Indices of the significant tokens (not trivia, not lexer errors); the last is `Eof`.
    sig: Vec<u32>,
    pos: usize,
    diags: Vec<Diagnostic>,
    depth: u32,
    /// Offset of the last reported error: a second error at the same place is noise.
    last_error_at: Option<u32>,
}

/// Words that start a top-level declaration.
const DECL_KEYWORDS: &[&str] = &[
    "acl",
    "backend",
    "director",
    "table",
    "sub",
    "penaltybox",
    "ratecounter",
    "counter",
    "limiter",
    "include",
    "import",
    "pragma",
    "describe",
];

/// Words that start a statement.
const STMT_KEYWORDS: &[&str] = &[
    "set",
    "unset",
    "remove",
    "add",
    "call",
    "declare",
    "return",
    "error",
    "restart",
    "esi",
    "synthetic",
    "synthetic.base64",
    "log",
    "goto",
    "if",
    "include",
    "switch",
    "break",
    "fallthrough",
];

impl<'a> Parser<'a> {
    fn new(text: &'a str, base: u32, tokens: &'a [Token]) -> Parser<'a> {
        // Error tokens were reported by the lexer; the parser reads past them like trivia.
        let sig = tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.kind.is_trivia() && t.kind != TokenKind::Error)
            .map(|(i, _)| i as u32)
            .collect();
        Parser { text, base, tokens, sig, pos: 0, diags: Vec::new(), depth: 0, last_error_at: None }
    }

    // ----- looking -----

    fn nth_token(&self, n: usize) -> Token {
        let idx = (self.pos + n).min(self.sig.len() - 1);
        self.tokens[self.sig[idx] as usize]
    }

    fn current(&self) -> Token {
        self.nth_token(0)
    }

    fn nth(&self, n: usize) -> TokenKind {
        self.nth_token(n).kind
    }

    fn kind(&self) -> TokenKind {
        self.nth(0)
    }

    fn at(&self, kind: TokenKind) -> bool {
        self.kind() == kind
    }

    fn at_eof(&self) -> bool {
        self.at(TokenKind::Eof)
    }

    fn text_of(&self, token: Token) -> &'a str {
        let start = (token.span.start - self.base) as usize;
        let end = (token.span.end - self.base) as usize;
        &self.text[start..end]
    }

    fn current_text(&self) -> &'a str {
        self.text_of(self.current())
    }

    /// Whether the current token is the identifier `word`.
    fn at_word(&self, word: &str) -> bool {
        self.at(TokenKind::Ident) && self.current_text() == word
    }

    fn at_decl_keyword(&self) -> bool {
        self.at(TokenKind::Ident) && DECL_KEYWORDS.contains(&self.current_text())
    }

    fn at_stmt_keyword(&self) -> bool {
        self.at(TokenKind::Ident) && STMT_KEYWORDS.contains(&self.current_text())
    }

    /// The span of the previous significant token (for "expected `;`" after it).
    fn prev_span(&self) -> Span {
        if self.pos == 0 {
            return Span::new(self.base, self.base);
        }
        self.tokens[self.sig[self.pos - 1] as usize].span
    }

    /// Whether two adjacent significant tokens touch (no trivia between).
    fn touches_next(&self) -> bool {
        self.current().span.end == self.nth_token(1).span.start
    }

    // ----- consuming -----

    fn bump(&mut self) -> Token {
        let t = self.current();
        if self.pos < self.sig.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, kind: TokenKind) -> bool {
        if self.at(kind) {
            self.bump();
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        if self.at_word(word) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Consumes `kind` or reports "expected X, found Y" without consuming.
    fn expect(&mut self, kind: TokenKind) -> Option<Token> {
        if self.at(kind) {
            return Some(self.bump());
        }
        if kind == TokenKind::LBrace && self.at(TokenKind::LongString) {
            let span = self.current().span;
            self.error_at(
                Diagnostic::error("syntax/unexpected-token", "expected `{`, found a long string `{\"...\"}`")
                    .with_primary(Span::new(span.start, span.start + 2), "`{\"` starts a long string")
                    .with_help("put a space or a newline between `{` and `\"`"),
            );
            return None;
        }
        self.error_expected(kind.describe());
        None
    }

    /// `;` is reported just after the previous token, where it belongs.
    fn expect_semi(&mut self) {
        if self.eat(TokenKind::Semi) {
            return;
        }
        let found = self.found();
        let at = self.prev_span().end_point();
        self.error_at(
            Diagnostic::error("syntax/expected-semicolon", format!("expected `;`, found {found}"))
                .with_primary(at, "add `;` here")
                .with_help("statements and declaration members end with `;`"),
        );
    }

    fn found(&self) -> String {
        match self.kind() {
            TokenKind::Ident => format!("`{}`", self.current_text()),
            k => k.describe().to_string(),
        }
    }

    fn error_expected(&mut self, what: &str) {
        let found = self.found();
        let span = self.current().span;
        self.error_at(
            Diagnostic::error("syntax/unexpected-token", format!("expected {what}, found {found}"))
                .with_primary(span, format!("expected {what}")),
        );
    }

    /// Records a diagnostic unless one was already reported at the same offset.
    fn error_at(&mut self, diag: Diagnostic) {
        let at = diag.primary_span().map_or(0, |s| s.start);
        if self.last_error_at == Some(at) {
            return;
        }
        self.last_error_at = Some(at);
        self.diags.push(diag);
    }

    fn ident(&mut self, what: &str) -> Option<super::ast::Ident> {
        if self.at(TokenKind::Ident) {
            let t = self.bump();
            return Some(super::ast::Ident { name: self.text_of(t).to_string(), span: t.span });
        }
        self.error_expected(what);
        None
    }

    // ----- recovery -----

    /// Skips a statement that could not be parsed: up to and including its `;`, or up
    /// to (not including) a `}` or the start of the next statement. A `{ ... }` met on
    /// the way is skipped whole.
    fn recover_stmt(&mut self) {
        let start = self.pos;
        loop {
            match self.kind() {
                TokenKind::Eof | TokenKind::RBrace => break,
                TokenKind::Semi => {
                    self.bump();
                    break;
                }
                TokenKind::LBrace => {
                    self.skip_balanced();
                    break;
                }
                _ if self.pos > start && (self.at_stmt_keyword() || self.at_decl_keyword()) => break,
                _ => {
                    self.bump();
                }
            }
        }
    }

    /// Skips a `{ ... }` (or `( ... )`) group, nested ones included, without recursion.
    fn skip_balanced(&mut self) {
        let mut depth = 0u32;
        loop {
            match self.kind() {
                TokenKind::Eof => return,
                TokenKind::LBrace | TokenKind::LParen => depth += 1,
                TokenKind::RBrace | TokenKind::RParen => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.bump();
                        return;
                    }
                }
                _ => {}
            }
            self.bump();
        }
    }

    /// Skips to the `}` that closes the block we are in (not consumed).
    fn skip_to_block_end(&mut self) {
        let mut depth = 0u32;
        loop {
            match self.kind() {
                TokenKind::Eof => return,
                TokenKind::LBrace | TokenKind::LParen => depth += 1,
                TokenKind::RBrace if depth == 0 => return,
                // A stray `)` at this level is skipped with the rest.
                TokenKind::RParen if depth == 0 => {}
                TokenKind::RBrace | TokenKind::RParen => depth -= 1,
                _ => {}
            }
            self.bump();
        }
    }

    /// Enters one nesting level; false (after reporting once) when too deep.
    fn enter(&mut self) -> bool {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.current().span;
            self.error_at(
                Diagnostic::error("syntax/too-deep", format!("nesting deeper than {MAX_DEPTH} levels"))
                    .with_primary(span, "too deeply nested")
                    .with_help("split the logic into subroutines"),
            );
            return false;
        }
        true
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    fn span_from(&self, start: Span) -> Span {
        start.to(self.prev_span())
    }
}

/// Parses `text` as a file, for tests and tools that have no source map.
pub fn parse_str(text: &str) -> (SourceMap, Parsed<SourceUnit>) {
    let mut map = SourceMap::new();
    let id = map.add("input.vcl", text.as_bytes());
    let parsed = parse_file(&map, id);
    (map, parsed)
}
