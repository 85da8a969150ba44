//! `operator/time-calculation`: `now + 1d` written inline in an expression.

use std::collections::HashSet;

use crate::catalog::{self, Type};
use crate::diag::Diagnostic;
use crate::lint::rules::subs;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::ast::{ConcatSep, Expr, ExprKind, Literal, Stmt, StmtKind};
use crate::syntax::visit::{self, Visitor};

declare_rule! {
    /// ### What it does
    /// Reports TIME arithmetic written with `+` or `-` inside an expression:
    /// a TIME variable followed by `+ 1d` or `- 5m`.
    ///
    /// ### Why is this bad
    /// In VCL, `+` is also string concatenation. `now + 1d` adds a day only because the
    /// right side is an RTIME literal right after a TIME variable; `now + var.ttl` or
    /// `std.time(...) + 1d` concatenate strings instead. `time.add()` and `time.sub()`
    /// say what is meant and accept any RTIME.
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_deliver {
    ///   set resp.http.Expires = now + 1d;                # works, but only in this shape
    ///   set resp.http.Expires = time.add(now, 1d);       # clear
    /// }
    /// ```
    TimeCalculation, "operator/time-calculation", Info, "inline TIME arithmetic such as now + 1d"
}

impl Rule for TimeCalculation {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        for sub in subs(cx.unit) {
            let mut finder = Finder { out, time_locals: HashSet::new() };
            for param in &sub.params {
                if param.ty.name == "TIME" {
                    finder.time_locals.insert(param.name.name.clone());
                }
            }
            finder.visit_block(&sub.body);
        }
    }
}

struct Finder<'o> {
    out: &'o mut Vec<Diagnostic>,
    /// Local variables and parameters of type TIME.
    time_locals: HashSet<String>,
}

impl Finder<'_> {
    fn is_time(&self, expr: &Expr) -> bool {
        let ExprKind::Var(v) = &expr.kind else { return false };
        if v.name.starts_with("var.") {
            return self.time_locals.contains(&v.name);
        }
        catalog::variable(&v.name).is_some_and(|m| m.def.ty == Type::Time)
    }
}

impl Visitor for Finder<'_> {
    fn visit_stmt(&mut self, stmt: &Stmt) {
        if let StmtKind::Declare { name, ty, .. } = &stmt.kind {
            if ty.name == "TIME" {
                self.time_locals.insert(name.name.clone());
            }
        }
        visit::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &Expr) {
        if let ExprKind::Concat(parts) = &expr.kind {
            for pair in parts.windows(2) {
                let (time, offset) = (&pair[0].expr, &pair[1]);
                let fun = match offset.sep {
                    ConcatSep::Plus => "time.add",
                    ConcatSep::Minus => "time.sub",
                    ConcatSep::Concat => continue,
                };
                let (ExprKind::Var(v), ExprKind::Literal(Literal::Rtime(_))) = (&time.kind, &offset.expr.kind) else {
                    continue;
                };
                if self.is_time(time) {
                    self.out.push(
                        Diagnostic::info(TimeCalculation::META.id, "time arithmetic written inline")
                            .with_primary(time.span.to(offset.expr.span), "a TIME and an RTIME literal")
                            .with_help(format!(
                                "use `{fun}({}, ...)`, which states the intent and accepts any RTIME",
                                v.name
                            )),
                    );
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
            &TimeCalculation,
            &[
                r#"sub vcl_deliver { set resp.http.Expires = time.add(now, 1d); }"#,
                r#"sub vcl_deliver { set resp.http.X = "a" + "b"; }"#,
                r#"sub vcl_deliver { set resp.http.X = req.http.A + 1d; }"#,
            ],
            &[
                (r#"sub vcl_deliver { set resp.http.Expires = now + 1d; }"#, 1),
                (r#"sub vcl_deliver { set resp.http.X = "expires=" now - 5m; }"#, 1),
                (r#"sub vcl_deliver { declare local var.t TIME; set var.t = now; set resp.http.X = var.t + 1h; }"#, 1),
            ],
        );
    }
}
