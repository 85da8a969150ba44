//! Where each `re.group.N` read gets its value from, per subroutine.
//!
//! Fastly sets `re.group.0` ... `re.group.N` on every successful regex match (`~`,
//! `!~`) and keeps them, subroutine-wide, until the next one. The walk records the
//! matches in source order and, for each read, the match that the author most likely
//! meant: the last match in the condition of the innermost enclosing `if` (or `if()`
//! expression) that has one, else simply the last match before the read.

use crate::syntax::ast::{CompareOp, Expr, ExprKind, Literal, Stmt, StmtKind, SubDecl};
use crate::syntax::visit::{self, Visitor};
use crate::syntax::Span;

/// A regex match.
#[derive(Debug, Clone, Copy)]
pub(super) struct Match {
    /// The pattern.
    pub span: Span,
    /// Capture groups of a literal pattern; `None` for a pattern known only at run time.
    pub groups: Option<u32>,
}

/// A read of `re.group.N`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Read {
    pub span: Span,
    pub n: u32,
    /// How the read relates to the matches before it.
    pub source: Source,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Source {
    /// No match precedes the read in the subroutine.
    None,
    /// Inside the `if` whose condition made match `meant`; `overridden_by` is the first
    /// match made after it and before the read, if any.
    Enclosing { meant: usize, overridden_by: Option<usize> },
    /// Outside any matching `if`: `last` is the latest match before the read and
    /// `earlier` the one before it, if any; `max_groups` is the most capture groups any
    /// earlier match has (`None` if one of them is not a literal).
    After { last: usize, earlier: Option<usize>, max_groups: Option<u32> },
}

pub(super) struct Analysis {
    pub matches: Vec<Match>,
    pub reads: Vec<Read>,
}

pub(super) fn analyze(sub: &SubDecl) -> Analysis {
    let mut walker = Walker::default();
    walker.visit_block(&sub.body);
    Analysis { matches: walker.matches, reads: walker.reads }
}

#[derive(Default)]
struct Walker {
    matches: Vec<Match>,
    reads: Vec<Read>,
    /// For each enclosing `if` body, the range of match indices its condition made.
    enclosing: Vec<std::ops::Range<usize>>,
    /// Most capture groups of any match so far; `None` once a non-literal pattern is seen.
    max_groups: Option<u32>,
}

impl Walker {
    /// Visits `body` with the matches made by `cond` as its enclosing ones.
    fn guarded(&mut self, cond: &Expr, body: impl FnOnce(&mut Walker)) {
        let before = self.matches.len();
        self.visit_expr(cond);
        self.enclosing.push(before..self.matches.len());
        body(self);
        self.enclosing.pop();
    }

    fn record_match(&mut self, pattern: &Expr) {
        let groups = match &pattern.kind {
            ExprKind::Literal(Literal::String(s)) => Some(capture_groups(&s.value)),
            // A bare name on the right of `~` is an ACL: no captures, no reset.
            ExprKind::Var(v) if !v.name.contains('.') => return,
            _ => None,
        };
        let first = self.matches.is_empty();
        self.max_groups = match (groups, self.max_groups) {
            (Some(g), Some(m)) => Some(g.max(m)),
            (Some(g), None) if first => Some(g),
            _ => None,
        };
        self.matches.push(Match { span: pattern.span, groups });
    }

    fn record_read(&mut self, span: Span, n: u32) {
        let source = if let Some(range) = self.enclosing.iter().rev().find(|r| !r.is_empty()) {
            let meant = range.end - 1;
            let overridden_by = (self.matches.len() > range.end).then_some(range.end);
            Source::Enclosing { meant, overridden_by }
        } else if let Some(last) = self.matches.len().checked_sub(1) {
            Source::After { last, earlier: last.checked_sub(1), max_groups: self.max_groups }
        } else {
            Source::None
        };
        self.reads.push(Read { span, n, source });
    }
}

impl Visitor for Walker {
    fn visit_stmt(&mut self, stmt: &Stmt) {
        let StmtKind::If(ifs) = &stmt.kind else {
            return visit::walk_stmt(self, stmt);
        };
        for branch in &ifs.branches {
            self.guarded(&branch.cond, |w| w.visit_block(&branch.body));
        }
        if let Some(block) = &ifs.else_block {
            self.visit_block(block);
        }
    }

    fn visit_expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Compare { op: CompareOp::Match | CompareOp::NotMatch, lhs, rhs, .. } => {
                self.visit_expr(lhs);
                self.visit_expr(rhs);
                self.record_match(rhs);
            }
            ExprKind::Call { name, args } if name.name == "if" && args.len() == 3 => {
                self.guarded(&args[0], |w| w.visit_expr(&args[1]));
                self.visit_expr(&args[2]);
            }
            ExprKind::Var(v) => {
                if let Some(n) = v.name.strip_prefix("re.group.").and_then(|n| n.parse().ok()) {
                    self.record_read(expr.span, n);
                }
            }
            _ => visit::walk_expr(self, expr),
        }
    }
}

/// Counts the capturing groups of a PCRE pattern: `(`, `(?<name>`, `(?P<name>`,
/// `(?'name'`; not `(?:`, look-arounds, `(*VERB)`, escaped or bracketed parentheses,
/// nor anything between `\Q` and `\E`.
pub(super) fn capture_groups(pattern: &str) -> u32 {
    let bytes = pattern.as_bytes();
    let mut count = 0;
    let mut i = 0;
    let mut in_class = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'Q') => {
                i = pattern[i + 2..].find("\\E").map_or(bytes.len(), |e| i + 2 + e + 2);
                continue;
            }
            b'\\' => i += 1,
            b'[' if !in_class => {
                in_class = true;
                // A `]` right after `[` or `[^` is a literal.
                if bytes.get(i + 1) == Some(&b'^') {
                    i += 1;
                }
                if bytes.get(i + 1) == Some(&b']') {
                    i += 1;
                }
            }
            b']' if in_class => in_class = false,
            b'(' if !in_class => {
                let rest = &bytes[i + 1..];
                let capturing = match rest.first() {
                    Some(b'?') => {
                        matches!(rest.get(1), Some(b'P') if rest.get(2) == Some(&b'<'))
                            || (rest.get(1) == Some(&b'<') && !matches!(rest.get(2), Some(b'=' | b'!')))
                            || rest.get(1) == Some(&b'\'')
                    }
                    Some(b'*') => false,
                    _ => true,
                };
                if capturing {
                    count += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_capture_groups() {
        assert_eq!(capture_groups("^/(a)/(b)$"), 2);
        assert_eq!(capture_groups("(?:a)(?i)(?=x)(?<!y)"), 0);
        assert_eq!(capture_groups("(?<n>a)(?P<m>b)(?'o'c)"), 3);
        assert_eq!(capture_groups(r"\(a\)[(]"), 0);
        assert_eq!(capture_groups(r"[]()](x)"), 1);
        assert_eq!(capture_groups(r"\Q(a)\E(b)"), 1);
        assert_eq!(capture_groups("(*UTF)(a"), 1);
        assert_eq!(capture_groups(r"\"), 0);
    }
}
