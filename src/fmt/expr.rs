//! Printing expressions: single spaces around operators, literals exactly as written
//! (only `5 m` becomes `5m`), concatenation as the user wrote it (juxtaposition or `+`),
//! and the user's line breaks between the parts of a chain (`&&`, `||`, concatenation,
//! call arguments) kept as continuation lines.

use super::printer::{Place, Printer};
use crate::syntax::ast::{ConcatSep, Expr, ExprKind, Literal};
use crate::syntax::Span;

impl Printer<'_> {
    pub(super) fn expr(&mut self, e: &Expr) {
        self.comments_before(e.span.start, Place::Before);
        match &e.kind {
            ExprKind::Literal(lit) => self.literal(lit, e.span),
            ExprKind::Var(v) => self.push(&v.name),
            ExprKind::Call { name, args } => {
                self.push(&name.name);
                self.push("(");
                self.expr_list(args);
                self.comments_before(e.span.end.saturating_sub(1), Place::After);
                self.push(")");
            }
            ExprKind::Paren(inner) => {
                self.push("(");
                self.expr(inner);
                self.comments_before(e.span.end.saturating_sub(1), Place::After);
                self.push(")");
            }
            ExprKind::Not(inner) => {
                self.push("!");
                self.expr(inner);
            }
            ExprKind::Logical { op, operands } => self.chain(operands.iter().map(|o| (op.as_str(), o))),
            ExprKind::Compare { op, lhs, rhs, .. } => {
                self.expr(lhs);
                self.push(" ");
                self.push(op.as_str());
                self.push(" ");
                self.expr(rhs);
            }
            ExprKind::Concat(parts) => self.chain(parts.iter().map(|p| {
                let op = match p.sep {
                    ConcatSep::Concat => "",
                    ConcatSep::Plus => "+",
                    ConcatSep::Minus => "-",
                };
                (op, &p.expr)
            })),
            ExprKind::Invalid => self.verbatim(e.span),
        }
    }

    /// Comma-separated arguments.
    pub(super) fn expr_list(&mut self, args: &[Expr]) {
        self.chain(args.iter().map(|a| (",", a)));
    }

    /// Elements joined by their operators (the first element's is ignored).
    fn chain<'e>(&mut self, items: impl Iterator<Item = (&'static str, &'e Expr)>) {
        let mut prev_end: Option<u32> = None;
        for (op, e) in items {
            if let Some(end) = prev_end {
                self.separator(end, e.span.start, op);
            }
            self.expr(e);
            prev_end = Some(e.span.end);
        }
    }

    fn literal(&mut self, lit: &Literal, span: Span) {
        let text = self.slice(span);
        match lit {
            // `5 m` and `5m` are the same RTIME; print the usual spelling.
            Literal::Rtime(_) if text.contains(|c: char| c.is_whitespace()) => {
                let joined: String = text.split_whitespace().collect();
                self.push(&joined);
            }
            _ => self.push(text),
        }
    }
}
