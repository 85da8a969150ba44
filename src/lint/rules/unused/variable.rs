//! `unused/variable`: local variables that are declared but never read.

use crate::diag::Diagnostic;
use crate::lint::rules::{subs, FastMap};
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::ast::{Block, DeclareScope, Expr, ExprKind, Ident, Stmt, StmtKind};
use crate::syntax::visit::{self, Visitor};

declare_rule! {
    /// ### What it does
    /// Reports `declare local` (and `declare block`) variables that are never read
    /// after their declaration, within their scope: the subroutine for `local`, the
    /// enclosing block for `block`. Assigning to a variable is not reading it.
    ///
    /// ### Why is this bad
    /// A variable that is only written does nothing; it is usually left over from a
    /// refactoring, or the read uses a misspelled name.
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_recv {
    ///   declare local var.country STRING;
    ///   set var.country = client.geo.country_code;   # written, never read
    /// }
    /// ```
    UnusedVariable, "unused/variable", Warning, "a local variable that is never read"
}

impl Rule for UnusedVariable {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        for sub in subs(cx.unit) {
            let mut locals = Locals { scope_ends: vec![sub.body.span.end], ..Locals::default() };
            locals.visit_block(&sub.body);
            for (name, scope_end) in &locals.declared {
                let reads = locals.reads.get(name.name.as_str()).map_or(&[][..], Vec::as_slice);
                // Reads are collected in source order: find the first after the declaration.
                let first_after = reads.partition_point(|&pos| pos < name.span.end);
                if reads.get(first_after).is_some_and(|&pos| pos <= *scope_end) {
                    continue;
                }
                out.push(
                    Diagnostic::warning(Self::META.id, format!("`{}` is declared but never read", name.name))
                        .with_primary(name.span, "never read")
                        .with_help(
                            "remove the declaration and its assignments, or read it where it was meant to be used",
                        ),
                );
            }
        }
    }
}

#[derive(Default)]
struct Locals {
    /// Each declaration's name and the end of its scope.
    declared: Vec<(Ident, u32)>,
    /// Positions of every read of each `var.*` name, in source order.
    reads: FastMap<String, Vec<u32>>,
    /// Ends of the enclosing blocks, innermost last.
    scope_ends: Vec<u32>,
}

impl Visitor for Locals {
    fn visit_block(&mut self, block: &Block) {
        self.scope_ends.push(block.span.end);
        visit::walk_block(self, block);
        self.scope_ends.pop();
    }

    fn visit_stmt(&mut self, stmt: &Stmt) {
        if let StmtKind::Declare { scope, name, .. } = &stmt.kind {
            let end = match scope {
                DeclareScope::Local => self.scope_ends.first(),
                DeclareScope::Block => self.scope_ends.last(),
            };
            self.declared.push((name.clone(), end.copied().unwrap_or(stmt.span.end)));
        }
        visit::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &Expr) {
        if let ExprKind::Var(v) = &expr.kind {
            if v.name.starts_with("var.") {
                match self.reads.get_mut(v.name.as_str()) {
                    Some(positions) => positions.push(expr.span.start),
                    None => {
                        self.reads.insert(v.name.clone(), vec![expr.span.start]);
                    }
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
            &UnusedVariable,
            &[
                r#"sub vcl_recv { declare local var.a STRING; set var.a = "x"; set req.http.A = var.a; }"#,
                r#"sub vcl_recv { declare local var.a BOOL; if (var.a) { } }"#,
                r#"sub vcl_recv { declare local var.n INTEGER; set req.http.N = std.itoa(var.n); }"#,
                // `local` lives for the whole subroutine, even when declared in a block.
                r#"sub vcl_recv { if (req.url) { declare local var.a STRING; } set req.http.A = var.a; }"#,
                r#"sub f(STRING var.p) { set req.http.P = var.p; } sub vcl_recv { call f("x"); }"#,
            ],
            &[
                (r#"sub vcl_recv { declare local var.a STRING; set var.a = "x"; }"#, 1),
                (r#"sub vcl_recv { declare local var.a INTEGER; set var.a += 1; declare local var.b STRING; }"#, 2),
                // A read in another subroutine is a different variable.
                (r#"sub vcl_recv { declare local var.a STRING; } sub vcl_deliver { set resp.http.A = var.a; }"#, 1),
                // A `block` variable ends with its block.
                (r#"sub vcl_recv { if (req.url) { declare block var.a STRING; } set req.http.A = var.a; }"#, 1),
            ],
        );
    }
}
