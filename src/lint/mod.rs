//! Lint: style and correctness rules over the assembled tree, the registry of every
//! diagnostic code lacquer emits, per-rule configuration and `--explain` texts.
//!
//! Three kinds of codes live in the [`registry`]: the parser's (`syntax/*`), the
//! checker's (names, types, scopes: their logic is in `check`, only their metadata is
//! here) and the lint rules of [`rules`], one rule per file. [`run`] runs the lint rules
//! only; [`Config::apply`] and [`apply_ignores`] then re-level or drop diagnostics of
//! any origin.
//!
//! Architecture Invariant: running the rules does no IO and never panics on any input;
//! each rule walks the tree once, so linting stays linear in the size of the program.
//! (Only [`Config::load`] and [`Config::discover`] read files.)

mod config;
mod ignore;
mod registry;
pub mod rules;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use config::{Config, ConfigError, Level, CONFIG_FILE};
pub use ignore::apply_ignores;

use crate::catalog::SubKind;
use crate::diag::{Diagnostic, Severity};
use crate::syntax::ast::SourceUnit;
use crate::syntax::{FileId, SourceMap, Token};

/// What the registry knows about one diagnostic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// `category/kebab-name`, or a single word (`deprecated`, `valid-ip`).
    pub id: &'static str,
    pub default_severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// The "What it does / Why / Example" text for `lacquer lint --explain`. For lint
    /// rules this is the rule's doc comment, one leading space per line included.
    pub explain: &'static str,
    pub origin: Origin,
}

/// Which pass emits a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    Parser,
    Checker,
    Lint,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Parser => "parser",
            Origin::Checker => "checker",
            Origin::Lint => "lint",
        }
    }
}

/// One lint rule: a unit struct with its metadata and a check over the whole program.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>);
}

/// Everything a rule may look at.
#[derive(Debug, Clone, Copy)]
pub struct LintContext<'a> {
    pub map: &'a SourceMap,
    /// The assembled program (includes resolved, snippets placed).
    pub unit: &'a SourceUnit,
    /// The token lists (with comments and `#FASTLY` macros) of every file in the program.
    pub files: &'a [(FileId, &'a [Token])],
    /// Set when the input is a subroutine snippet rather than a whole program: rules
    /// that need the rest of the service (boilerplate macros, captures made before the
    /// snippet runs) stay quiet.
    pub snippet: Option<SubKind>,
}

/// Every code lacquer can emit: parser, checker and lint rules, each once.
pub fn registry() -> &'static [&'static RuleMeta] {
    static REGISTRY: OnceLock<Vec<&'static RuleMeta>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut all: Vec<&'static RuleMeta> = registry::FRONT_END.iter().collect();
        all.extend(rules::RULES.iter().map(|r| r.meta()));
        all
    })
}

/// The registry entry for a code.
pub fn rule(id: &str) -> Option<&'static RuleMeta> {
    static BY_ID: OnceLock<HashMap<&'static str, &'static RuleMeta>> = OnceLock::new();
    BY_ID.get_or_init(|| registry().iter().map(|m| (m.id, *m)).collect()).get(id).copied()
}

/// Runs every lint rule and returns their diagnostics in source order.
pub fn run(cx: &LintContext<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in rules::RULES {
        rule.check(cx, &mut out);
    }
    crate::diag::sort(&mut out);
    out
}

/// The text `lacquer lint --explain RULE` prints.
pub fn explain(id: &str) -> Option<String> {
    let meta = rule(id)?;
    let kind = match meta.origin {
        Origin::Parser => "reported by the parser",
        Origin::Checker => "reported by the checker",
        Origin::Lint => "lint rule",
    };
    Some(format!(
        "{} ({kind}, default severity: {})\n\n{}\n\n{}",
        meta.id,
        meta.default_severity.as_str(),
        meta.summary,
        dedent(meta.explain).trim_end()
    ))
}

/// Drops the one leading space that doc comments (`/// text`) leave on every line.
fn dedent(text: &str) -> String {
    let indented = text.lines().all(|l| l.is_empty() || l.starts_with(' '));
    if !indented {
        return text.to_string();
    }
    text.lines().map(|l| l.strip_prefix(' ').unwrap_or(l)).collect::<Vec<_>>().join("\n")
}

/// The part of a code before its `/` (the whole code when it has none).
fn category(id: &str) -> &str {
    id.split_once('/').map_or(id, |(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_ids_are_unique_and_explained() {
        let mut seen = std::collections::HashSet::new();
        for meta in registry() {
            assert!(seen.insert(meta.id), "duplicate id {}", meta.id);
            assert!(!meta.summary.is_empty() && !meta.explain.trim().is_empty(), "{}", meta.id);
            let text = explain(meta.id).unwrap();
            assert!(text.starts_with(meta.id), "{text}");
        }
        assert!(rule("unused/variable").is_some_and(|m| m.origin == Origin::Lint));
        assert!(rule("type/mismatch").is_some_and(|m| m.origin == Origin::Checker));
        assert!(rule("syntax/unexpected-token").is_some_and(|m| m.origin == Origin::Parser));
        assert!(rule("no/such-rule").is_none());
    }

    #[test]
    fn explain_drops_doc_indentation() {
        let text = explain("unused/goto").unwrap();
        assert!(text.contains("\n### What it does\n"), "{text}");
    }
}
