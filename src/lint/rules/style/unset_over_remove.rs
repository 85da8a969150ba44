//! `style/unset-over-remove`: `remove` spelled as `unset`.

use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::ast::{Stmt, StmtKind};
use crate::syntax::visit::{self, Visitor};
use crate::syntax::Span;

declare_rule! {
    /// ### What it does
    /// Reports `remove` statements.
    ///
    /// ### Why is this bad
    /// `remove` is Varnish's older spelling of `unset`. Fastly still accepts it but no
    /// longer documents it; `unset` is the statement in Fastly's reference.
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_deliver {
    ///   remove resp.http.X-Powered-By;      # unset resp.http.X-Powered-By;
    /// }
    /// ```
    UnsetOverRemove, "style/unset-over-remove", Info, "remove instead of unset"
}

impl Rule for UnsetOverRemove {
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
        if let StmtKind::Unset { remove: true, .. } = &stmt.kind {
            let keyword = Span::new(stmt.span.start, stmt.span.start + "remove".len() as u32);
            self.out.push(
                Diagnostic::info(UnsetOverRemove::META.id, "`remove` is better written `unset`")
                    .with_primary(keyword, "write `unset`")
                    .with_help("`unset` is the statement Fastly documents"),
            );
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
            &UnsetOverRemove,
            &["sub vcl_deliver { unset resp.http.X; }"],
            &[("sub vcl_deliver { remove resp.http.X; remove resp.http.Y; }", 2)],
        );
    }
}
