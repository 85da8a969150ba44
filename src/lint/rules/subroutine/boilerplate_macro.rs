//! `subroutine/boilerplate-macro`: a built-in subroutine without its `#FASTLY` macro.

use crate::catalog::SubKind;
use crate::diag::Diagnostic;
use crate::lint::rules::subs;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::ast::{Stmt, SubDecl};
use crate::syntax::lexer::macro_name;
use crate::syntax::visit::{self, Visitor};
use crate::syntax::{FileId, Span, TokenKind};

declare_rule! {
    /// ### What it does
    /// Reports a built-in subroutine (`vcl_recv` ... `vcl_log`) whose body has no
    /// `#FASTLY <name>` macro comment, in the subroutine itself or in a file it
    /// includes. Fastly-rendered VCL, where the macros are already expanded between
    /// `#--FASTLY RECV BEGIN` and `END` markers, counts as having them. Snippets are
    /// not checked.
    ///
    /// ### Why is this bad
    /// Fastly replaces each macro with the code generated from the service's
    /// configuration: VCL snippets, logging endpoints, header rules, conditions,
    /// request settings, shielding and the `req.hash += req.vcl.generation` that makes
    /// purge-all work. Without the macro, everything configured in the UI or API for
    /// that subroutine is silently dropped.
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_recv {
    ///   #FASTLY recv
    ///   return(lookup);
    /// }
    /// ```
    BoilerplateMacro, "subroutine/boilerplate-macro", Info, "a built-in subroutine without its #FASTLY macro"
}

impl Rule for BoilerplateMacro {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        if cx.snippet.is_some() {
            return;
        }
        let markers = markers(cx);
        let mut by_kind: Vec<(SubKind, Vec<&SubDecl>)> = Vec::new();
        for sub in subs(cx.unit) {
            let Some(kind) = SubKind::from_sub_name(&sub.name.name).filter(|k| *k != SubKind::Pipe) else { continue };
            match by_kind.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, list)) => list.push(sub),
                None => by_kind.push((kind, vec![sub])),
            }
        }
        for (kind, list) in by_kind {
            if list.iter().any(|sub| regions(cx, sub).into_iter().any(|span| has_marker(&markers, span, kind))) {
                continue;
            }
            let name = &list[0].name;
            out.push(
                Diagnostic::info(Self::META.id, format!("`{}` has no `#FASTLY {}` macro", name.name, kind.as_str()))
                    .with_primary(name.span, "Fastly's generated code is not inserted here")
                    .with_help(format!(
                        "add `#FASTLY {}` at the top of the body, where Fastly inserts the code generated from the service configuration",
                        kind.as_str()
                    )),
            );
        }
    }
}

/// Positions of every `#FASTLY name` macro and `#--FASTLY NAME BEGIN` marker, sorted.
fn markers(cx: &LintContext<'_>) -> Vec<(u32, SubKind)> {
    let mut markers = Vec::new();
    for &(file, tokens) in cx.files {
        let source = cx.map.file(file);
        for token in tokens {
            let name = match token.kind {
                TokenKind::Macro => macro_name(source.slice(token.span)),
                TokenKind::LineComment => expanded_marker(source.slice(token.span)),
                _ => continue,
            };
            if let Some(kind) = name.as_deref().and_then(SubKind::from_short) {
                markers.push((token.span.start, kind));
            }
        }
    }
    markers.sort_unstable();
    markers
}

/// `#--FASTLY RECV BEGIN` → `recv`.
fn expanded_marker(text: &str) -> Option<String> {
    let mut words = text.strip_prefix("#--FASTLY")?.split_whitespace();
    let (name, begin) = (words.next()?, words.next()?);
    (begin.eq_ignore_ascii_case("BEGIN") && words.next().is_none()).then(|| name.to_ascii_lowercase())
}

fn has_marker(markers: &[(u32, SubKind)], span: Span, kind: SubKind) -> bool {
    let first = markers.partition_point(|(pos, _)| *pos < span.start);
    markers[first..].iter().take_while(|(pos, _)| *pos < span.end).any(|(_, k)| *k == kind)
}

/// Where a subroutine's macro may be: its own span and every file included into it.
fn regions(cx: &LintContext<'_>, sub: &SubDecl) -> Vec<Span> {
    struct Included<'m> {
        map: &'m crate::syntax::SourceMap,
        sub: Span,
        files: Vec<FileId>,
    }
    impl Visitor for Included<'_> {
        fn visit_stmt(&mut self, stmt: &Stmt) {
            let outside = stmt.span.start < self.sub.start || stmt.span.start > self.sub.end;
            if outside {
                if let Some(file) = self.map.lookup(stmt.span.start).filter(|f| !self.files.contains(f)) {
                    self.files.push(file);
                }
            }
            visit::walk_stmt(self, stmt);
        }
    }
    let mut included = Included { map: cx.map, sub: sub.span, files: Vec::new() };
    included.visit_block(&sub.body);
    std::iter::once(sub.span).chain(included.files.into_iter().map(|f| cx.map.file(f).span())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::{check, lint_as};

    #[test]
    fn pass_and_fail() {
        check(
            &BoilerplateMacro,
            &[
                "sub vcl_recv {\n  #FASTLY recv\n  return(lookup);\n}",
                "sub vcl_recv {\n  # fastly RECV\n}",
                "sub vcl_fetch {\n#--FASTLY FETCH BEGIN\nset beresp.ttl = 1s;\n#--FASTLY FETCH END\n}",
                // One of the repeated vcl_recv pieces has it: Fastly joins them.
                "sub vcl_recv { }\nsub vcl_recv {\n#FASTLY recv\n}",
                "sub custom { }",
                "sub vcl_pipe { }",
            ],
            &[
                ("sub vcl_recv { return(lookup); }", 1),
                // The macro of another subroutine does not count.
                ("sub vcl_deliver {\n#FASTLY recv\n}", 1),
                ("#FASTLY recv\nsub vcl_recv { }\nsub vcl_recv { }", 1),
                ("sub vcl_hit { } sub vcl_miss { }", 2),
            ],
        );
    }

    #[test]
    fn not_for_snippets() {
        assert!(lint_as(&BoilerplateMacro, "sub vcl_recv { }", Some(SubKind::Recv)).is_empty());
    }
}
