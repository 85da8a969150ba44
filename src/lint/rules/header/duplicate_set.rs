//! `header/duplicate-set`: a header set twice in a row, the first value never used.

use crate::diag::Diagnostic;
use crate::lint::rules::{is_header, reads};
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::ast::{AssignOp, Block, Stmt, StmtKind, SubDecl};
use crate::syntax::visit::{self, Visitor};

declare_rule! {
    /// ### What it does
    /// Reports two consecutive `set` statements that assign the same header when the
    /// second one does not read the header: the first assignment has no effect.
    ///
    /// ### Why is this bad
    /// `set` replaces every instance of a header, so the first value is lost. This is
    /// usually a copy-and-paste slip where the second line was meant to set another
    /// header, or to append with `add` or a subfield.
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_deliver {
    ///   set resp.http.Cache-Control = "public";
    ///   set resp.http.Cache-Control = "max-age=60";    # the first line is dead
    ///   # set resp.http.Cache-Control = "public, max-age=60";
    /// }
    /// ```
    DuplicateSet, "header/duplicate-set", Warning, "a header set twice in a row with no read in between"
}

impl Rule for DuplicateSet {
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
    fn sequence(&mut self, stmts: &[Stmt]) {
        for pair in stmts.windows(2) {
            let (
                StmtKind::Set { target: first, op: AssignOp::Assign, .. },
                StmtKind::Set { target: second, op: AssignOp::Assign, value, .. },
            ) = (&pair[0].kind, &pair[1].kind)
            else {
                continue;
            };
            if is_header(&first.name) && first.name.eq_ignore_ascii_case(&second.name) && !reads(value, first.base()) {
                self.out.push(
                    Diagnostic::warning(DuplicateSet::META.id, format!("`{}` is set twice in a row", first.name))
                        .with_primary(first.span, "this value is never used")
                        .with_secondary(second.span, "replaced here")
                        .with_help("remove the first `set`, or combine both values in one"),
                );
            }
        }
    }
}

impl Visitor for Finder<'_> {
    // The default `visit_sub` walks the body without `visit_block`.
    fn visit_sub(&mut self, sub: &SubDecl) {
        self.visit_block(&sub.body);
    }

    fn visit_block(&mut self, block: &Block) {
        self.sequence(&block.stmts);
        visit::walk_block(self, block);
    }

    fn visit_stmt(&mut self, stmt: &Stmt) {
        if let StmtKind::Switch { cases, .. } = &stmt.kind {
            cases.iter().for_each(|c| self.sequence(&c.body));
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
            &DuplicateSet,
            &[
                r#"sub vcl_deliver { set resp.http.A = "1"; set resp.http.B = "2"; }"#,
                r#"sub vcl_deliver { set resp.http.A = "1"; set resp.http.A = resp.http.A ", 2"; }"#,
                r#"sub vcl_deliver { set resp.http.A = "1"; set resp.http.A:x = "2"; }"#,
                r#"sub vcl_deliver { set resp.http.A = "1"; log resp.http.A; set resp.http.A = "2"; }"#,
                r#"sub vcl_deliver { set resp.http.A = "1"; set resp.http.A = header.get(resp, "A"); }"#,
                r#"sub vcl_deliver { declare local var.a STRING; set var.a = "1"; set var.a = "2"; }"#,
            ],
            &[
                (r#"sub vcl_deliver { set resp.http.A = "1"; set resp.http.a = "2"; }"#, 1),
                (
                    r#"sub vcl_deliver { if (req.url) { set resp.http.A = "1"; set resp.http.A = "2"; set resp.http.A = "3"; } }"#,
                    2,
                ),
            ],
        );
    }
}
