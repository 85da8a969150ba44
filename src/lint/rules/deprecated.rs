//! `deprecated`: uses of variables and functions Fastly has deprecated, or that only
//! survive as undocumented legacy names.

use std::sync::OnceLock;

use crate::catalog::{self, Tier, VarDef};
use crate::diag::Diagnostic;
use crate::lint::rules::FastSet;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::ast::{Expr, ExprKind, Variable};
use crate::syntax::visit::{self, Visitor};
use crate::syntax::Span;

declare_rule! {
    /// ### What it does
    /// Reports reads and writes of predefined variables, and calls of builtin
    /// functions, that Fastly marks as deprecated (`beresp.grace`, `boltsort.sort`)
    /// or that lacquer accepts only as legacy, undocumented names
    /// (`client.class.checker`, `client.display.*`, ...).
    ///
    /// ### Why is this bad
    /// Deprecated names have a documented replacement and may stop working; legacy
    /// ones already return fixed or empty values on Fastly's current platform.
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_recv {
    ///   set req.url = boltsort.sort(req.url);     # querystring.sort(req.url)
    /// }
    /// ```
    Deprecated, "deprecated", Warning, "a deprecated or legacy variable or function"
}

impl Rule for Deprecated {
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
    fn variable(&mut self, var: &Variable) {
        // Locals and bare names (backends, ACLs, enum words) are not in the catalog.
        if var.name.starts_with("var.") || !var.name.contains('.') {
            return;
        }
        if let Some(def) = deprecated_variable(&var.name) {
            self.report("variable", &var.name, var.span, def.tier, def.doc);
        }
    }

    fn report(&mut self, what: &str, name: &str, span: Span, tier: Tier, doc: &str) {
        let (message, label) = match tier {
            Tier::Legacy => (format!("{what} `{name}` is a legacy name Fastly no longer documents"), "legacy"),
            _ => (format!("{what} `{name}` is deprecated"), "deprecated"),
        };
        self.out.push(
            Diagnostic::warning(Deprecated::META.id, message).with_primary(span, label).with_note(doc.to_string()),
        );
    }
}

/// The deprecated catalog entry a variable name resolves to. Most names are headers
/// and current variables, so only names that can reach a deprecated entry (an exact
/// name, or a template's prefix) pay for a full catalog lookup.
fn deprecated_variable(name: &str) -> Option<&'static VarDef> {
    struct Index {
        exact: FastSet<&'static str>,
        template_prefixes: Vec<&'static str>,
    }
    static INDEX: OnceLock<Index> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index = Index { exact: FastSet::default(), template_prefixes: Vec::new() };
        for v in catalog::VARIABLES.iter().filter(|v| v.deprecated) {
            match v.name.split_once('{') {
                Some((prefix, _)) => index.template_prefixes.push(prefix),
                None => {
                    index.exact.insert(v.name);
                }
            }
        }
        index
    });
    if !index.exact.contains(name) && !index.template_prefixes.iter().any(|p| name.starts_with(p)) {
        return None;
    }
    catalog::variable(name).map(|m| m.def).filter(|d| d.deprecated)
}

impl Visitor for Finder<'_> {
    fn visit_target(&mut self, target: &Variable) {
        self.variable(target);
    }

    fn visit_expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Var(v) => self.variable(v),
            ExprKind::Call { name, .. } => {
                if let Some(f) = catalog::function(&name.name).filter(|f| f.deprecated) {
                    self.report("function", &name.name, name.span, f.tier, f.doc);
                }
            }
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
            &Deprecated,
            &[
                "sub vcl_recv { set req.url = querystring.sort(req.url); }",
                "sub vcl_fetch { set beresp.stale_if_error = 1h; }",
                "backend F_a { .host = \"a\"; } sub vcl_recv { set req.backend = F_a; }",
            ],
            &[
                ("sub vcl_recv { set req.url = boltsort.sort(req.url); }", 1),
                ("sub vcl_fetch { set beresp.grace = 1h; }", 1),
                ("sub vcl_recv { if (client.class.checker) { } }", 1),
            ],
        );
    }
}
