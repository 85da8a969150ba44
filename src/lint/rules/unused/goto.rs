//! `unused/goto`: labels that no `goto` jumps to.

use std::collections::HashSet;

use crate::diag::Diagnostic;
use crate::lint::rules::subs;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::ast::{Ident, Stmt, StmtKind};
use crate::syntax::visit::{self, Visitor};

declare_rule! {
    /// ### What it does
    /// Reports a `label:` in a subroutine that no `goto label;` in the same subroutine
    /// targets.
    ///
    /// ### Why is this bad
    /// A label without a jump is noise; more often the `goto` that should reach it
    /// misspells its name or was removed by mistake.
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_recv {
    ///   if (req.url ~ "^/health") { goto finish; }
    ///   set req.http.X = "1";
    ///   finsh:            # the goto says `finish`
    /// }
    /// ```
    UnusedGoto, "unused/goto", Warning, "a goto label that no goto targets"
}

impl Rule for UnusedGoto {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        for sub in subs(cx.unit) {
            let mut jumps = Jumps::default();
            jumps.visit_block(&sub.body);
            for label in jumps.labels {
                if !jumps.targets.contains(&label.name) {
                    out.push(
                        Diagnostic::warning(
                            Self::META.id,
                            format!("label `{}` is never the target of a `goto`", label.name),
                        )
                        .with_primary(label.span, "no `goto` jumps here")
                        .with_help("remove the label, or check the spelling of the `goto` meant to reach it"),
                    );
                }
            }
        }
    }
}

#[derive(Default)]
struct Jumps {
    labels: Vec<Ident>,
    targets: HashSet<String>,
}

impl Visitor for Jumps {
    fn visit_stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Label(label) => self.labels.push(label.clone()),
            StmtKind::Goto(target) => {
                self.targets.insert(target.name.clone());
            }
            _ => visit::walk_stmt(self, stmt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::check;

    #[test]
    fn pass_and_fail() {
        check(
            &UnusedGoto,
            &[
                "sub vcl_recv { goto done; set req.http.X = \"1\"; done: }",
                "sub vcl_recv { if (req.url) { goto done; } done: }",
            ],
            &[
                ("sub vcl_recv { done: }", 1),
                ("sub vcl_recv { goto a; a: b: }", 1),
                // Labels are per subroutine.
                ("sub vcl_recv { goto done; } sub vcl_deliver { done: }", 1),
            ],
        );
    }
}
