//! `style/else-if`: `elsif` and `elseif` spelled out as `else if`.

use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::ast::{Stmt, StmtKind};
use crate::syntax::visit::{self, Visitor};
use crate::syntax::{SourceMap, Span};

declare_rule! {
    /// ### What it does
    /// Reports `elsif` and `elseif` branches.
    ///
    /// ### Why is this bad
    /// Fastly accepts all three spellings, but `else if` is the one its documentation
    /// and boilerplate use and the one readers from other languages expect. One
    /// spelling per code base keeps searches and diffs simple; `lacquer fmt` writes
    /// `else if`.
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_recv {
    ///   if (req.url.path == "/a") { }
    ///   elsif (req.url.path == "/b") { }     # else if (req.url.path == "/b")
    /// }
    /// ```
    ElseIf, "style/else-if", Info, "elsif or elseif instead of else if"
}

impl Rule for ElseIf {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        let mut finder = Finder { map: cx.map, out };
        visit::walk_unit(&mut finder, cx.unit);
    }
}

struct Finder<'a> {
    map: &'a SourceMap,
    out: &'a mut Vec<Diagnostic>,
}

impl Visitor for Finder<'_> {
    fn visit_stmt(&mut self, stmt: &Stmt) {
        if let StmtKind::If(ifs) = &stmt.kind {
            for branch in ifs.branches.iter().skip(1) {
                // A branch's span starts at its keyword (`if` after `else`, or `elsif`).
                let text = self.map.slice(branch.span);
                let Some(keyword) = ["elseif", "elsif"].into_iter().find(|k| text.starts_with(k)) else { continue };
                let span = Span::new(branch.span.start, branch.span.start + keyword.len() as u32);
                self.out.push(
                    Diagnostic::info(ElseIf::META.id, format!("`{keyword}` is better written `else if`"))
                        .with_primary(span, "write `else if`")
                        .with_help("`lacquer fmt` rewrites it"),
                );
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
            &ElseIf,
            &["sub vcl_recv { if (req.url) { } else if (req.http.X) { } else { } }"],
            &[
                ("sub vcl_recv { if (req.url) { } elsif (req.http.X) { } elseif (req.http.Y) { } }", 2),
                ("sub vcl_recv { if (req.url) { if (req.http.A) { } elsif (req.http.B) { } } }", 1),
            ],
        );
    }
}
