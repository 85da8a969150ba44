//! `error-statement/code`: `error` with a status outside Fastly's custom range.

use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::ast::{ExprKind, Literal, Stmt, StmtKind};
use crate::syntax::visit::{self, Visitor};

/// Fastly: "statuses 600–699 are reserved for customer signalling".
const CUSTOM: std::ops::RangeInclusive<i64> = 600..=699;

declare_rule! {
    /// ### What it does
    /// Reports `error N` statements whose literal status is outside 600–699.
    ///
    /// ### Why is this bad
    /// `error` jumps to `vcl_error`, where the status tells the handler what happened.
    /// Fastly reserves 600–699 for your own signals: they never collide with the 503s
    /// that Fastly itself raises (backend timeouts, unhealthy origins) or with the
    /// internal codes its generated VCL uses (550, 801). A standard status works, but
    /// then `vcl_error` cannot tell your error from Fastly's. Translate the custom code
    /// to the status the client should see in `vcl_error`.
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_recv {
    ///   if (req.url.path == "/old") { error 601; }   # not: error 301
    /// }
    /// sub vcl_error {
    ///   if (obj.status == 601) {
    ///     set obj.status = 301;
    ///     set obj.http.Location = "/new";
    ///     return(deliver);
    ///   }
    /// }
    /// ```
    Code, "error-statement/code", Info, "an error status outside the custom range 600-699"
}

impl Rule for Code {
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

impl Visitor for Finder<'_> {
    fn visit_stmt(&mut self, stmt: &Stmt) {
        if let StmtKind::Error { status: Some(status), .. } = &stmt.kind {
            if let ExprKind::Literal(Literal::Integer(code)) = status.kind {
                if !CUSTOM.contains(&code) {
                    self.out.push(
                        Diagnostic::info(
                            Code::META.id,
                            format!("`error {code}` uses a status outside the custom range 600-699"),
                        )
                        .with_primary(status.span, "not a custom status")
                        .with_help("raise a 6xx status and set the final status in `vcl_error`"),
                    );
                }
            }
        }
        visit::walk_stmt(self, stmt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::check;

    #[test]
    fn pass_and_fail() {
        check(
            &Code,
            &[
                "sub vcl_recv { error 601 \"redirect\"; }",
                "sub vcl_recv { error; }",
                "sub vcl_recv { declare local var.s INTEGER; error var.s; }",
            ],
            &[("sub vcl_recv { error 404 \"Not Found\"; }", 1), ("sub vcl_recv { error 700; error 599; }", 2)],
        );
    }
}
