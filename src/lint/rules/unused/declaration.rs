//! `unused/declaration`: ACLs, backends, directors, tables, penalty boxes, rate counters
//! and custom subroutines that nothing refers to.

use crate::diag::Diagnostic;
use crate::lint::rules::FastSet;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::ast::{Decl, Expr, ExprKind, Stmt, StmtKind};
use crate::syntax::visit::{self, Visitor};

declare_rule! {
    /// ### What it does
    /// Reports top-level declarations that no code refers to: `acl`, `backend`,
    /// `director`, `table`, `penaltybox`, `ratecounter` (and `counter`, `limiter`) and
    /// custom subroutines. A reference is any use of the name: `set req.backend = X`,
    /// a director member, `call X`, `X()`, a function argument (`table.lookup(X, ...)`),
    /// the right side of `~` (`client.ip ~ X`), `backend.X.healthy`,
    /// `director.X.healthy` and `ratecounter.X.*`. The built-in `vcl_*` subroutines
    /// are always used.
    ///
    /// ### Why is this bad
    /// Dead declarations are left over from removed logic, or the sign of a typo in the
    /// place that was meant to use them. An unused backend is still health-checked by
    /// Fastly, generating origin traffic for nothing.
    ///
    /// ### Example
    /// ```vcl
    /// acl office { "192.0.2.0"/24; }     # never matched against
    ///
    /// sub vcl_recv {
    ///   #FASTLY recv
    ///   return(lookup);
    /// }
    /// ```
    UnusedDeclaration, "unused/declaration", Warning, "a declaration that nothing refers to"
}

impl Rule for UnusedDeclaration {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let mut refs = References::default();
        visit::walk_unit(&mut refs, cx.unit);
        for decl in &cx.unit.decls {
            // Subroutines are used by calls; everything else by name.
            let (kind, name, used) = match decl {
                Decl::Acl(d) => ("acl", &d.name, &refs.names),
                Decl::Backend(d) => ("backend", &d.name, &refs.names),
                Decl::Director(d) => ("director", &d.name, &refs.names),
                Decl::Table(d) => ("table", &d.name, &refs.names),
                Decl::Object(d) => (d.keyword.name.as_str(), &d.name, &refs.names),
                Decl::Sub(d) if !d.name.name.starts_with("vcl_") => ("subroutine", &d.name, &refs.calls),
                _ => continue,
            };
            if used.contains(name.name.as_str()) {
                continue;
            }
            out.push(
                Diagnostic::warning(Self::META.id, format!("{kind} `{}` is declared but never used", name.name))
                    .with_primary(name.span, "not referred to anywhere")
                    .with_help("remove it, or use it where it was meant to be used"),
            );
        }
    }
}

/// Every name the program refers to (each distinct name allocated once).
#[derive(Default)]
struct References {
    /// Bare names and the `NAME` of `backend.NAME.*`, `director.NAME.*`, `ratecounter.NAME.*`.
    names: FastSet<String>,
    /// Subroutines invoked with `call` or as `NAME()`.
    calls: FastSet<String>,
}

fn insert(set: &mut FastSet<String>, name: &str) {
    if !set.contains(name) {
        set.insert(name.to_string());
    }
}

impl References {
    fn add_variable(&mut self, name: &str) {
        if !name.contains('.') {
            insert(&mut self.names, name);
            return;
        }
        for family in ["backend.", "director.", "ratecounter."] {
            if let Some(rest) = name.strip_prefix(family) {
                insert(&mut self.names, rest.split('.').next().unwrap_or(rest));
            }
        }
    }
}

impl Visitor for References {
    fn visit_stmt(&mut self, stmt: &Stmt) {
        if let StmtKind::Call { name, .. } = &stmt.kind {
            insert(&mut self.calls, &name.name);
        }
        visit::walk_stmt(self, stmt);
    }

    fn visit_expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Var(v) => self.add_variable(&v.name),
            ExprKind::Call { name, .. } => insert(&mut self.calls, &name.name),
            _ => {}
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
            &UnusedDeclaration,
            &[
                r#"backend F_a { .host = "a"; }
                   sub vcl_recv { set req.backend = F_a; }"#,
                r#"backend F_a { .host = "a"; }
                   backend F_b { .host = "b"; }
                   director pool random { { .backend = F_a; .weight = 1; } { .backend = F_b; .weight = 1; } }
                   sub vcl_recv { if (director.pool.healthy) { set req.backend = pool; } }"#,
                r#"acl office { "192.0.2.0"/24; }
                   table t { "a": "b" }
                   penaltybox pb { }
                   ratecounter rc { }
                   sub vcl_recv {
                     if (client.ip ~ office && table.contains(t, req.url) && ratelimit.penaltybox_has(pb, client.ip)) { }
                     if (ratecounter.rc.rate.10s > 1) { }
                   }"#,
                r#"backend F_a { .host = "a"; }
                   sub vcl_recv { if (backend.F_a.healthy) { } }"#,
                r#"sub helper { }
                   sub is_bot BOOL { return true; }
                   sub vcl_recv { call helper; if (is_bot()) { } }"#,
                "sub vcl_recv { } sub vcl_deliver { }",
            ],
            &[
                (r#"backend F_a { .host = "a"; } sub vcl_recv { }"#, 1),
                (r#"acl a { } table t { "a": "b" } penaltybox pb { } ratecounter rc { } sub vcl_recv { }"#, 4),
                (r#"sub helper { } sub vcl_recv { }"#, 1),
                // A name used as a variable does not make a subroutine called.
                (r#"sub helper { } sub vcl_recv { set req.http.X = helper; }"#, 1),
            ],
        );
    }
}
