//! The line printer under the formatter: output lines, indentation, blank lines, and the
//! comment cursor that decides where every comment goes.
//!
//! Comments are not in the tree; the printer walks the comment tokens in source order
//! with one cursor and emits each exactly once:
//! - before an item (statement, declaration, member), comments that start before it go on
//!   their own lines ([`Printer::flush_comments`]);
//! - after an item's last token, comments on the same source line stay on that line
//!   ([`Printer::trailing`]);
//! - inside one item (an expression, a header), a one-line `/* */` stays inline, comments
//!   at a kept line break stay at the break, and the rest move to their own lines just
//!   before the item ([`Printer::line`]); if that would reorder comments, all of the item's
//!   inner comments move before it.
//! - whatever is left at the end of the input is printed last ([`Printer::finish`]).
//!
//! Architecture Invariant: every comment token of the input is printed exactly once, in
//! source order (apart from comments moved out of one line, which keep their order).

use crate::syntax::{Span, Token, TokenKind};

const INDENT: &str = "  ";

/// Continuation lines of a broken expression are two levels deeper than their line.
const CONTINUATION: usize = 2;

/// Where comments met inside a line are placed.
#[derive(Debug, Clone, Copy)]
pub(super) enum Place {
    /// Before the element about to be printed: `/* c */ x`.
    Before,
    /// After what was printed, before the line's closing token: `x /* c */;`.
    After,
    /// At a kept line break after the element that ended at `from`.
    Break { from: u32 },
}

/// The comments of the line being printed.
#[derive(Debug, Default)]
struct LineState {
    /// Comments that could not stay inside the line: printed on their own lines before it.
    deferred: Vec<Token>,
    /// Whether some comment was printed inside the line.
    placed: bool,
    /// A comment was deferred after another was placed: order would not be kept.
    reordered: bool,
    /// Second attempt: defer every inner comment.
    defer_all: bool,
}

pub(super) struct Printer<'a> {
    text: &'a str,
    base: u32,
    comments: Vec<Token>,
    next: usize,
    /// Significant tokens, for punctuation the tree does not keep (`{`, `,`, `:`).
    sig: Vec<Token>,
    out: String,
    indent: usize,
    /// Just after an opening line: no blank line may follow.
    fresh: bool,
    line: LineState,
}

impl<'a> Printer<'a> {
    pub(super) fn new(text: &'a str, base: u32, tokens: &[Token]) -> Printer<'a> {
        let comments = tokens.iter().copied().filter(|t| t.kind.is_comment()).collect();
        let sig = tokens
            .iter()
            .copied()
            .filter(|t| !t.kind.is_trivia() && !matches!(t.kind, TokenKind::Error | TokenKind::Eof))
            .collect();
        Printer {
            text,
            base,
            comments,
            next: 0,
            sig,
            out: String::with_capacity(text.len() + text.len() / 8),
            indent: 0,
            fresh: true,
            line: LineState::default(),
        }
    }

    /// Prints the comments left before `eof` and returns the text: empty, or ending in one
    /// newline (unless it ends in an unclosed `/*`).
    pub(super) fn finish(mut self, eof: u32) -> String {
        self.indent = 0;
        self.flush_comments(eof, true);
        // A `/*` with no `*/` runs to the end of the input: a newline after it would
        // become part of it.
        let unclosed = self.comments.last().is_some_and(|c| {
            c.kind == TokenKind::BlockComment && !(c.span.len() >= 4 && self.slice(c.span).ends_with("*/"))
        });
        if unclosed {
            self.out.pop();
        } else {
            while self.out.ends_with("\n\n") {
                self.out.pop();
            }
        }
        self.out
    }

    // ----- source -----

    fn src(&self, start: u32, end: u32) -> &'a str {
        if end <= start || start < self.base {
            return "";
        }
        let (s, e) = ((start - self.base) as usize, (end - self.base) as usize);
        self.text.get(s..e).unwrap_or("")
    }

    pub(super) fn slice(&self, span: Span) -> &'a str {
        self.src(span.start, span.end)
    }

    /// Whether the source has an empty line right before `pos`.
    fn source_blank_before(&self, pos: u32) -> bool {
        let local = pos.saturating_sub(self.base) as usize;
        let before = self.text.get(..local).unwrap_or("");
        let code = before.trim_end_matches(is_space);
        before[code.len()..].matches('\n').count() >= 2
    }

    /// The first significant token starting at or after `pos`.
    pub(super) fn next_sig(&self, pos: u32) -> Option<Token> {
        let i = self.sig.partition_point(|t| t.span.start < pos);
        self.sig.get(i).copied()
    }

    /// The first significant token at or after `pos`, if it is a `kind`.
    pub(super) fn next_sig_of(&self, pos: u32, kind: TokenKind) -> Option<Token> {
        self.next_sig(pos).filter(|t| t.kind == kind)
    }

    /// Start of the `}` that closes a construct ending at `end` (which may include an
    /// optional `;` after the brace).
    pub(super) fn rbrace_before(&self, end: u32) -> u32 {
        let last_before = |pos: u32| {
            let i = self.sig.partition_point(|t| t.span.start < pos);
            i.checked_sub(1).and_then(|i| self.sig.get(i)).copied()
        };
        match last_before(end) {
            Some(t) if t.kind == TokenKind::RBrace => t.span.start,
            Some(t) if t.kind == TokenKind::Semi => match last_before(t.span.start) {
                Some(b) if b.kind == TokenKind::RBrace => b.span.start,
                _ => end.saturating_sub(1),
            },
            _ => end.saturating_sub(1),
        }
    }

    /// The significant tokens of `span` separated by single spaces: a fallback for
    /// recovered nodes, which a file without errors does not have.
    pub(super) fn verbatim(&mut self, span: Span) {
        let i = self.sig.partition_point(|t| t.span.start < span.start);
        let mut first = true;
        for t in self.sig[i..].iter().take_while(|t| t.span.end <= span.end) {
            if !first {
                self.out.push(' ');
            }
            first = false;
            let text = self.src(t.span.start, t.span.end);
            self.out.push_str(text);
        }
    }

    // ----- output -----

    pub(super) fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// Whether the last character printed (in the current line) satisfies `pred`.
    pub(super) fn ends_with(&self, pred: impl Fn(char) -> bool) -> bool {
        self.out.chars().next_back().is_some_and(pred)
    }

    pub(super) fn indent(&mut self) {
        self.indent += 1;
    }

    pub(super) fn dedent(&mut self) {
        self.indent = self.indent.saturating_sub(1);
    }

    /// Marks the start of a block body: no blank line before its first line.
    pub(super) fn open(&mut self) {
        self.fresh = true;
    }

    fn write_indent(&mut self) {
        for _ in 0..self.indent {
            self.out.push_str(INDENT);
        }
    }

    fn newline_continuation(&mut self) {
        self.out.push('\n');
        for _ in 0..self.indent + CONTINUATION {
            self.out.push_str(INDENT);
        }
    }

    /// One empty line, unless at the start of the output or of a block, or after one.
    pub(super) fn blank_line(&mut self) {
        if !self.fresh && !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// Leading comments of an item starting at `pos`, and the empty line the user left
    /// before it (at most one).
    pub(super) fn item_start(&mut self, pos: u32) {
        self.flush_comments(pos, true);
        if self.source_blank_before(pos) {
            self.blank_line();
        }
    }

    // ----- comments -----

    fn peek_comment(&self) -> Option<Token> {
        self.comments.get(self.next).copied()
    }

    /// A comment as printed: line comments lose trailing whitespace (and `\r`).
    fn comment_text(&self, c: Token) -> &'a str {
        let text = self.slice(c.span);
        if c.kind == TokenKind::BlockComment {
            text
        } else {
            text.trim_end()
        }
    }

    /// Every comment starting before `pos`, each on its own line at the current
    /// indentation (comments on one source line stay together).
    pub(super) fn flush_comments(&mut self, pos: u32, blanks: bool) {
        while let Some(c) = self.peek_comment() {
            if c.span.start >= pos {
                break;
            }
            if blanks && self.source_blank_before(c.span.start) {
                self.blank_line();
            }
            self.next += 1;
            self.write_indent();
            let text = self.comment_text(c);
            self.out.push_str(text);
            self.trailing(c.span.end, pos);
            self.out.push('\n');
            self.fresh = false;
        }
    }

    /// Comments after `from` on the same source line (and before `limit`), appended to
    /// the output line.
    fn trailing(&mut self, mut from: u32, limit: u32) {
        while let Some(c) = self.peek_comment() {
            if c.span.start < from || c.span.start >= limit {
                break;
            }
            if !self.src(from, c.span.start).chars().all(|ch| ch != '\n' && is_space(ch)) {
                break;
            }
            self.next += 1;
            self.out.push(' ');
            let text = self.comment_text(c);
            self.out.push_str(text);
            from = c.span.end;
            if c.kind != TokenKind::BlockComment {
                break;
            }
        }
    }

    /// Comments that start before `pos`, met while printing a line.
    pub(super) fn comments_before(&mut self, pos: u32, place: Place) {
        let mut prev_end = match place {
            Place::Break { from } => from,
            _ => 0,
        };
        while let Some(c) = self.peek_comment() {
            if c.span.start >= pos {
                break;
            }
            self.next += 1;
            let text = self.comment_text(c);
            let inline = c.kind == TokenKind::BlockComment && !text.contains('\n');
            match place {
                _ if self.line.defer_all => self.line.deferred.push(c),
                Place::Break { .. } => {
                    if self.src(prev_end, c.span.start).contains('\n') {
                        self.newline_continuation();
                    } else {
                        self.out.push(' ');
                    }
                    self.out.push_str(text);
                    self.line.placed = true;
                }
                Place::Before if inline => {
                    // After the `/` of an ACL mask, `/*` would read as `//`.
                    if self.out.ends_with('/') {
                        self.out.push(' ');
                    }
                    self.out.push_str(text);
                    self.out.push(' ');
                    self.line.placed = true;
                }
                Place::After if inline => {
                    self.out.push(' ');
                    self.out.push_str(text);
                    self.line.placed = true;
                }
                _ => {
                    if self.line.placed {
                        self.line.reordered = true;
                    }
                    self.line.deferred.push(c);
                }
            }
            prev_end = c.span.end;
        }
    }

    /// An element of a line: its leading inline comments, then its source text.
    pub(super) fn elem(&mut self, span: Span) {
        self.comments_before(span.start, Place::Before);
        let text = self.slice(span);
        self.out.push_str(text);
    }

    /// Between two elements of a chain or list. `op` is `&&`, `+`, `,`, or `""` for
    /// juxtaposition. A line break the user made between them is kept (the operator ends
    /// the first line, the next element starts a continuation line), with the comments
    /// found there; elsewhere the elements are separated by single spaces.
    pub(super) fn separator(&mut self, prev_end: u32, next_start: u32, op: &str) {
        if self.src(prev_end, next_start).contains('\n') {
            if !op.is_empty() && op != "," {
                self.out.push(' ');
            }
            self.out.push_str(op);
            self.comments_before(next_start, Place::Break { from: prev_end });
            self.newline_continuation();
        } else {
            match op {
                "" => self.out.push(' '),
                "," => self.out.push_str(", "),
                _ => {
                    self.out.push(' ');
                    self.out.push_str(op);
                    self.out.push(' ');
                }
            }
        }
    }

    // ----- lines -----

    /// Prints one line. `f` prints its content; `end` is where its final token starts
    /// (`;`, `{`, `,`), printed as `suffix`; comments after `trail_from` on the same source
    /// line trail it. Inner comments that cannot stay in the line go on their own lines
    /// before it, indented `defer_extra` levels deeper (for `} else {` lines).
    pub(super) fn line(
        &mut self,
        end: u32,
        suffix: &str,
        trail_from: u32,
        defer_extra: usize,
        f: &dyn Fn(&mut Printer<'a>),
    ) {
        let first = self.next;
        let outer = std::mem::take(&mut self.out);
        self.line = LineState::default();
        f(self);
        self.comments_before(end, Place::After);
        if self.line.reordered {
            self.out.clear();
            self.next = first;
            self.line = LineState { defer_all: true, ..LineState::default() };
            f(self);
            self.comments_before(end, Place::After);
        }
        let body = std::mem::replace(&mut self.out, outer);
        let deferred = std::mem::take(&mut self.line.deferred);
        self.indent += defer_extra;
        for c in deferred {
            self.write_indent();
            let text = self.comment_text(c);
            self.out.push_str(text);
            self.out.push('\n');
            self.fresh = false;
        }
        self.indent -= defer_extra;
        self.write_indent();
        self.out.push_str(&body);
        self.out.push_str(suffix);
        self.trailing(trail_from, u32::MAX);
        self.out.push('\n');
        self.fresh = false;
    }

    /// The closing `}` at `rbrace` of a body printed one level deeper: the body's last
    /// comments, then the brace and its trailing comments.
    pub(super) fn close_brace(&mut self, rbrace: u32, trail_from: u32) {
        self.end_of_body(rbrace);
        self.write_indent();
        self.out.push('}');
        self.trailing(trail_from.max(rbrace + 1), u32::MAX);
        self.out.push('\n');
        self.fresh = false;
    }

    /// The comments at the end of a body (one level deeper), before its `}` at `rbrace`.
    pub(super) fn end_of_body(&mut self, rbrace: u32) {
        self.indent += 1;
        self.flush_comments(rbrace, true);
        self.indent -= 1;
    }
}

/// Whitespace as the lexer sees it.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0c' | '\x0b')
}
