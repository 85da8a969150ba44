//! `set-statement/overwrite-vary`: `set beresp.http.Vary = ...` replaces what the
//! origin (and Fastly's own code) put in `Vary`.

use crate::diag::Diagnostic;
use crate::lint::rules::reads;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::ast::{AssignOp, Stmt, StmtKind};
use crate::syntax::visit::{self, Visitor};

declare_rule! {
    /// ### What it does
    /// Reports `set beresp.http.Vary = ...;` and `set resp.http.Vary = ...;` that
    /// replace the whole header, unless the new value reads the old one.
    ///
    /// ### Why is this bad
    /// `Vary` decides which request headers split the cache. Overwriting it drops the
    /// values the origin sent and the ones Fastly adds itself (`Accept-Encoding` for
    /// compression, the `Fastly-Vary-String` of the generated fetch code), so
    /// different variants can be served from one cache entry. The subfield form adds
    /// one token and keeps the rest.
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_fetch {
    ///   set beresp.http.Vary = "Accept-Encoding";        # drops the origin's values
    ///   set beresp.http.Vary:Accept-Encoding = "";       # adds the token, keeps the rest
    /// }
    /// ```
    OverwriteVary, "set-statement/overwrite-vary", Warning, "a set that replaces the whole Vary header"
}

impl Rule for OverwriteVary {
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
        if let StmtKind::Set { target, op: AssignOp::Assign, value, .. } = &stmt.kind {
            let is_vary = target.subfield().is_none()
                && ["beresp.http.vary", "resp.http.vary"].iter().any(|v| target.name.eq_ignore_ascii_case(v));
            if is_vary && !reads(value, &target.name) {
                let object = &target.name[..target.name.len() - "Vary".len()];
                let tokens: Vec<&str> = value
                    .as_string_lit()
                    .map(|s| s.value.split(',').map(str::trim).filter(|t| !t.is_empty()).collect())
                    .unwrap_or_default();
                let help = if tokens.is_empty() || tokens.iter().any(|t| t.contains(char::is_whitespace)) {
                    format!("add each token with the subfield form: `set {object}Vary:Accept-Encoding = \"\";`")
                } else {
                    let sets: Vec<String> = tokens.iter().map(|t| format!("set {object}Vary:{t} = \"\";")).collect();
                    format!("add the tokens and keep the rest: `{}`", sets.join(" "))
                };
                self.out.push(
                    Diagnostic::warning(
                        OverwriteVary::META.id,
                        format!("`set {}` replaces every value of `Vary`", target.name),
                    )
                    .with_primary(target.span, "overwrites the origin's Vary")
                    .with_help(help),
                );
            }
        }
        visit::walk_stmt(self, stmt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::{check, lint};

    #[test]
    fn pass_and_fail() {
        check(
            &OverwriteVary,
            &[
                r#"sub vcl_fetch { set beresp.http.Vary:Accept-Encoding = ""; }"#,
                r#"sub vcl_fetch { set beresp.http.Vary = beresp.http.Vary ", Accept-Encoding"; }"#,
                r#"sub vcl_fetch { set beresp.http.Vary = if(beresp.http.vary, beresp.http.vary ",X", "X"); }"#,
                r#"sub vcl_fetch { unset beresp.http.Vary; }"#,
                r#"sub vcl_recv { set req.http.Vary = "x"; }"#,
            ],
            &[
                (r#"sub vcl_fetch { set beresp.http.Vary = "Accept-Encoding"; }"#, 1),
                (r#"sub vcl_deliver { set resp.http.vary = "Origin, Accept-Encoding"; }"#, 1),
            ],
        );
    }

    #[test]
    fn suggests_subfields() {
        let d = lint(&OverwriteVary, r#"sub vcl_fetch { set beresp.http.Vary = "Origin, Accept-Encoding"; }"#);
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                r#"add the tokens and keep the rest: `set beresp.http.Vary:Origin = ""; set beresp.http.Vary:Accept-Encoding = "";`"#
            )
        );
    }
}
