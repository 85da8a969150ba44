//! The lint rules, one per file under `<category>/<rule_name>.rs`.
//!
//! A rule is declared with `declare_rule!`: its doc comment ("What it does / Why is
//! this bad / Example") becomes both the rustdoc and the `--explain` text, so the two
//! cannot drift. Each rule walks the tree once; tests next to it lint `pass` and
//! `fail` snippets.

/// Declares a rule's unit struct and its `META`, whose `explain` is the doc comment.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        $name:ident, $id:literal, $severity:ident, $summary:literal $(,)?
    ) => {
        $(#[doc = $doc])+
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name;

        impl $name {
            pub const META: &'static $crate::lint::RuleMeta = &$crate::lint::RuleMeta {
                id: $id,
                default_severity: $crate::diag::Severity::$severity,
                summary: $summary,
                explain: concat!($($doc, "\n"),+),
                origin: $crate::lint::Origin::Lint,
            };
        }
    };
}

pub mod condition;
pub mod deprecated;
pub mod error_statement;
pub mod header;
pub mod operator;
pub mod regex;
pub mod set_statement;
pub mod style;
pub mod subroutine;
pub mod unused;

use super::Rule;
use crate::syntax::ast::{Decl, Expr, ExprKind, SourceUnit, SubDecl};
use crate::syntax::visit::{self, Visitor};

/// Every lint rule, in registry order.
pub static RULES: &[&dyn Rule] = &[
    &unused::declaration::UnusedDeclaration,
    &unused::variable::UnusedVariable,
    &unused::goto::UnusedGoto,
    &regex::url_extension::UrlExtension,
    &regex::matched_value_override::MatchedValueOverride,
    &regex::uncaptured_variable::UncapturedVariable,
    &set_statement::overwrite_vary::OverwriteVary,
    &condition::literal::Literal,
    &error_statement::code::Code,
    &subroutine::boilerplate_macro::BoilerplateMacro,
    &operator::time_calculation::TimeCalculation,
    &deprecated::Deprecated,
    &style::else_if::ElseIf,
    &style::unset_over_remove::UnsetOverRemove,
    &header::duplicate_set::DuplicateSet,
];

/// The subroutines of a program, in order.
fn subs(unit: &SourceUnit) -> impl Iterator<Item = &SubDecl> {
    unit.decls.iter().filter_map(|d| match d {
        Decl::Sub(s) => Some(s),
        _ => None,
    })
}

/// Strips any number of parentheses.
fn unparen(mut expr: &Expr) -> &Expr {
    while let ExprKind::Paren(inner) = &expr.kind {
        expr = inner;
    }
    expr
}

/// Whether a variable name is an HTTP header of one of the five message objects.
fn is_header(name: &str) -> bool {
    ["req.http.", "bereq.http.", "beresp.http.", "obj.http.", "resp.http."].iter().any(|p| name.starts_with(p))
}

/// FNV-1a: the rules hash many short names per file, where SipHash's DoS resistance
/// buys nothing (the input is the user's own program) and costs most of a rule's time.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type FastBuild = std::hash::BuildHasherDefault<Fnv>;
type FastSet<T> = std::collections::HashSet<T, FastBuild>;
type FastMap<K, V> = std::collections::HashMap<K, V, FastBuild>;

/// Whether `expr` may read the variable `name` (header names compare without case):
/// directly, or through a `header.*` function or a call of a custom subroutine.
fn reads(expr: &Expr, name: &str) -> bool {
    struct Reads<'n> {
        name: &'n str,
        found: bool,
    }
    impl Visitor for Reads<'_> {
        fn visit_expr(&mut self, expr: &Expr) {
            match &expr.kind {
                ExprKind::Var(v) => self.found |= v.base().eq_ignore_ascii_case(self.name),
                ExprKind::Call { name, .. } => {
                    self.found |= name.name.starts_with("header.") || crate::catalog::function(&name.name).is_none();
                }
                _ => {}
            }
            visit::walk_expr(self, expr);
        }
    }
    let mut r = Reads { name, found: false };
    r.visit_expr(expr);
    r.found
}

/// Test helpers: parse a snippet of VCL and lint it with one rule.
#[cfg(test)]
pub(crate) mod testing {
    use crate::catalog::SubKind;
    use crate::diag::Diagnostic;
    use crate::lint::{LintContext, Rule};
    use crate::syntax::ast::SourceUnit;
    use crate::syntax::parser::parse_str;
    use crate::syntax::{FileId, SourceMap, Token};

    pub(crate) struct Parsed {
        pub map: SourceMap,
        pub unit: SourceUnit,
        files: Vec<(FileId, &'static [Token])>,
    }

    impl Parsed {
        pub fn cx(&self) -> LintContext<'_> {
            LintContext { map: &self.map, unit: &self.unit, files: &self.files, snippet: None }
        }
    }

    /// Parses `src`, asserting that it has no syntax errors.
    pub(crate) fn parse(src: &str) -> Parsed {
        let (map, parsed) = parse_str(src);
        assert!(parsed.diagnostics.is_empty(), "test VCL does not parse: {:?}", parsed.diagnostics);
        // Leak the token list: tests are short-lived and this keeps `Parsed` simple.
        let tokens: &'static [Token] = Vec::leak(parsed.tokens);
        Parsed { map, unit: parsed.tree, files: vec![(FileId(0), tokens)] }
    }

    pub(crate) fn lint(rule: &dyn Rule, src: &str) -> Vec<Diagnostic> {
        lint_as(rule, src, None)
    }

    pub(crate) fn lint_as(rule: &dyn Rule, src: &str, snippet: Option<SubKind>) -> Vec<Diagnostic> {
        let parsed = parse(src);
        let cx = LintContext { snippet, ..parsed.cx() };
        let mut out = Vec::new();
        rule.check(&cx, &mut out);
        for d in &out {
            assert_eq!(d.code, rule.meta().id, "a rule reports its own code");
            assert_eq!(d.severity, rule.meta().default_severity);
            assert!(d.primary_span().is_some(), "{d:?}");
        }
        out
    }

    /// Asserts that every `pass` snippet is clean and every `fail` snippet reports
    /// exactly the given number of diagnostics.
    pub(crate) fn check(rule: &dyn Rule, pass: &[&str], fail: &[(&str, usize)]) {
        for src in pass {
            let got = lint(rule, src);
            assert!(got.is_empty(), "expected no {} in:\n{src}\ngot: {got:#?}", rule.meta().id);
        }
        for (src, n) in fail {
            let got = lint(rule, src);
            assert_eq!(got.len(), *n, "expected {n} {} in:\n{src}\ngot: {got:#?}", rule.meta().id);
        }
    }
}
