//! `condition/literal`: an `if` condition whose left-most operand is a literal.

use crate::diag::Diagnostic;
use crate::lint::rules::unparen;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::ast::{Expr, ExprKind, Stmt, StmtKind};
use crate::syntax::visit::{self, Visitor};

declare_rule! {
    /// ### What it does
    /// Reports `if` conditions (and the condition of the `if()` function) whose
    /// left-most operand is a literal: `if (true)`, `if ("/" == req.url)`,
    /// `if (!0)`. Every operand of `&&` and `||` is checked.
    ///
    /// ### Why is this bad
    /// Fastly's compiler rejects a literal on the left of a condition, so the service
    /// does not activate. A literal alone is also constant: the branch always or
    /// never runs.
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_recv {
    ///   if ("/admin" == req.url.path) { }     # write: req.url.path == "/admin"
    /// }
    /// ```
    Literal, "condition/literal", Error, "a literal as the left-most operand of a condition"
}

impl Rule for Literal {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let mut finder = Finder { out };
        visit::walk_unit(&mut finder, cx.unit);
    }
}

struct Finder<'o> {
    out: &'o mut Vec<Diagnostic>,
}

impl Finder<'_> {
    fn condition(&mut self, cond: &Expr) {
        match &unparen(cond).kind {
            ExprKind::Logical { operands, .. } => operands.iter().for_each(|o| self.condition(o)),
            ExprKind::Not(inner) => self.condition(inner),
            ExprKind::Compare { lhs, op, .. } => {
                if let Some(lit) = leftmost_literal(lhs) {
                    self.out.push(
                        Diagnostic::error(
                            Literal::META.id,
                            "a literal cannot be the left operand of a comparison in a condition",
                        )
                        .with_primary(lit.span, "literal on the left")
                        .with_help(format!("put the variable on the left: `VARIABLE {} LITERAL`", op.as_str())),
                    );
                }
            }
            _ => {
                if let Some(lit) = leftmost_literal(cond) {
                    self.out.push(
                        Diagnostic::error(Literal::META.id, "a literal cannot be used as a condition")
                            .with_primary(lit.span, "constant condition")
                            .with_help("test a variable, or remove the `if` if the branch should always run"),
                    );
                }
            }
        }
    }
}

/// The literal a (non-boolean) expression starts with, if any.
fn leftmost_literal(expr: &Expr) -> Option<&Expr> {
    let expr = unparen(expr);
    match &expr.kind {
        ExprKind::Literal(_) => Some(expr),
        ExprKind::Concat(parts) => parts.first().and_then(|p| leftmost_literal(&p.expr)),
        _ => None,
    }
}

impl Visitor for Finder<'_> {
    fn visit_stmt(&mut self, stmt: &Stmt) {
        if let StmtKind::If(ifs) = &stmt.kind {
            for branch in &ifs.branches {
                self.condition(&branch.cond);
            }
        }
        visit::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &Expr) {
        if let ExprKind::Call { name, args } = &expr.kind {
            if name.name == "if" {
                if let Some(cond) = args.first() {
                    self.condition(cond);
                }
            }
        }
        visit::walk_expr(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::check;

    #[test]
    fn pass_and_fail() {
        check(
            &Literal,
            &[
                r#"sub vcl_recv { if (req.url == "/") { } }"#,
                r#"sub vcl_recv { if (!req.http.X && (req.restarts > 0 || req.url ~ "^/a")) { } }"#,
                r#"sub vcl_recv { set req.http.X = if(req.http.Y, "a", "b"); }"#,
            ],
            &[
                (r#"sub vcl_recv { if (true) { } }"#, 1),
                (r#"sub vcl_recv { if ("/" == req.url) { } elsif (!0) { } }"#, 2),
                (r#"sub vcl_recv { if (req.http.X && ("a" == req.http.Y || false)) { } }"#, 2),
                (r#"sub vcl_recv { set req.http.X = if(("a" ~ req.http.Y), "a", "b"); }"#, 1),
            ],
        );
    }
}
