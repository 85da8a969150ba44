//! `subroutine/boilerplate-macro`: a built-in subroutine without its `#FASTLY` macro.

use crate::catalog::SubKind;
use crate::diag::Diagnostic;
use crate::lint::rules::subs;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::lexer::macro_name;
use crate::syntax::TokenKind;

declare_rule! {
    /// ### What it does
    /// Reports a built-in subroutine (`vcl_recv` ... `vcl_log`) whose body has no
    /// `#FASTLY <name>` macro comment, in the subroutine itself (any of its repeated
    /// declarations) or in a file it includes. Fastly-rendered VCL, where the macros are already expanded between
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
        let present = macros_in_place(cx);
        let mut reported: Vec<SubKind> = Vec::new();
        for sub in subs(cx.unit) {
            let Some(kind) = SubKind::from_sub_name(&sub.name.name).filter(|k| *k != SubKind::Pipe) else { continue };
            if present.contains(&kind) || reported.contains(&kind) {
                continue;
            }
            reported.push(kind);
            out.push(
                Diagnostic::info(Self::META.id, format!("`{}` has no `#FASTLY {}` macro", sub.name.name, kind.as_str()))
                    .with_primary(sub.name.span, "Fastly's generated code is not inserted here")
                    .with_help(format!(
                        "add `#FASTLY {}` at the top of the body, where Fastly inserts the code generated from the service configuration",
                        kind.as_str()
                    )),
            );
        }
    }
}

/// The subroutines whose macro is where Fastly expects it: inside a `sub vcl_NAME`
/// (any of the repeated ones: the assembled tree has joined them, the tokens have not),
/// or in a file without subroutines, which can only be included into one.
fn macros_in_place(cx: &LintContext<'_>) -> Vec<SubKind> {
    let mut present = Vec::new();
    for &(file, tokens) in cx.files {
        let source = cx.map.file(file);
        let mut has_sub = false;
        let mut loose = Vec::new();
        let mut depth = 0u32;
        // The subroutine being read (`None` inside a custom one) and whether its name is next.
        let mut current: Option<SubKind> = None;
        let mut expect_name = false;
        for token in tokens {
            let text = source.slice(token.span);
            let marker = match token.kind {
                TokenKind::Macro => macro_name(text),
                TokenKind::LineComment => expanded_marker(text),
                TokenKind::Whitespace | TokenKind::BlockComment => continue,
                TokenKind::Ident if expect_name => {
                    current = SubKind::from_sub_name(text);
                    expect_name = false;
                    continue;
                }
                // As in the parser's recovery, `sub` always starts a declaration, even
                // after a block that was never closed.
                TokenKind::Ident if text == "sub" => {
                    has_sub = true;
                    depth = 0;
                    expect_name = true;
                    continue;
                }
                TokenKind::LBrace => {
                    depth += 1;
                    continue;
                }
                TokenKind::RBrace => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        current = None;
                    }
                    continue;
                }
                _ => {
                    expect_name = false;
                    continue;
                }
            };
            let Some(kind) = marker.as_deref().and_then(SubKind::from_short) else { continue };
            if depth > 0 && current == Some(kind) {
                present.push(kind);
            } else if depth == 0 {
                loose.push(kind);
            }
        }
        if !has_sub {
            present.extend(loose);
        }
    }
    present
}

/// `#--FASTLY RECV BEGIN` → `recv`.
fn expanded_marker(text: &str) -> Option<String> {
    let mut words = text.strip_prefix("#--FASTLY")?.split_whitespace();
    let (name, begin) = (words.next()?, words.next()?);
    (begin.eq_ignore_ascii_case("BEGIN") && words.next().is_none()).then(|| name.to_ascii_lowercase())
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
                ("sub custom {\n#FASTLY recv\n}\nsub vcl_recv { }", 1),
                ("sub vcl_hit { } sub vcl_miss { }", 2),
            ],
        );
    }

    #[test]
    fn an_unclosed_block_ends_at_the_next_sub() {
        let (map, parsed) = crate::syntax::parser::parse_str(
            "sub vcl_recv {\n#FASTLY recv\nif (req.url) {\n}\nsub vcl_deliver {\n#FASTLY deliver\n}",
        );
        assert!(!parsed.diagnostics.is_empty());
        let files = [(crate::syntax::FileId(0), parsed.tokens.as_slice())];
        let cx = LintContext { map: &map, unit: &parsed.tree, files: &files, snippet: None };
        let mut out = Vec::new();
        BoilerplateMacro.check(&cx, &mut out);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn not_for_snippets() {
        assert!(lint_as(&BoilerplateMacro, "sub vcl_recv { }", Some(SubKind::Recv)).is_empty());
    }
}
