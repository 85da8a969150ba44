//! `regex/uncaptured-variable`: `re.group.N` read where no match can have set it.

use super::groups::{analyze, Source};
use crate::diag::Diagnostic;
use crate::lint::rules::subs;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ### What it does
    /// Reports reads of `re.group.N` with no regex match before them in the
    /// subroutine, and reads of a group number larger than the pattern that set the
    /// captures has groups.
    ///
    /// ### Why is this bad
    /// Captures are per subroutine: a custom subroutine does not see the matches of
    /// its caller's earlier statements in a way the reader can rely on, and a group
    /// that the pattern does not have is always empty. Either way the value read is
    /// not the one intended.
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_recv {
    ///   if (req.url ~ "^/(a|b)/") {
    ///     set req.http.X = re.group.2;    # the pattern has one group
    ///   }
    /// }
    /// ```
    UncapturedVariable, "regex/uncaptured-variable", Warning, "a re.group.N read that no regex match has set"
}

impl Rule for UncapturedVariable {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        for sub in subs(cx.unit) {
            let analysis = analyze(sub);
            for read in &analysis.reads {
                let diag = match read.source {
                    // In a snippet, the match may be in the code Fastly runs before it.
                    Source::None if cx.snippet.is_none() => Diagnostic::warning(
                        Self::META.id,
                        format!("`re.group.{}` is read but no regex match precedes it in `{}`", read.n, sub.name.name),
                    )
                    .with_primary(read.span, "nothing captured yet")
                    .with_help("read captures inside the `if` whose condition does the `~` match"),
                    Source::Enclosing { meant, .. } => {
                        let m = analysis.matches[meant];
                        match m.groups {
                            Some(groups) if read.n > groups => too_few(read.span, read.n, groups)
                                .with_secondary(m.span, format!("this pattern has {}", plural(groups))),
                            _ => continue,
                        }
                    }
                    Source::After { max_groups: Some(groups), .. } if read.n > groups => {
                        too_few(read.span, read.n, groups)
                    }
                    _ => continue,
                };
                out.push(diag);
            }
        }
    }
}

fn too_few(span: crate::syntax::Span, n: u32, groups: u32) -> Diagnostic {
    Diagnostic::warning(
        UncapturedVariable::META.id,
        format!("`re.group.{n}` is always empty: the pattern that set the captures has {}", plural(groups)),
    )
    .with_primary(span, "no such group")
}

fn plural(groups: u32) -> String {
    match groups {
        1 => "1 capture group".to_string(),
        n => format!("{n} capture groups"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::SubKind;
    use crate::lint::rules::testing::{check, lint_as};

    #[test]
    fn pass_and_fail() {
        check(
            &UncapturedVariable,
            &[
                r#"sub vcl_recv { if (req.url ~ "^/(a)/(b)") { set req.http.X = re.group.2; } }"#,
                r#"sub vcl_recv { if (req.url ~ "^/a") { set req.http.X = re.group.0; } }"#,
                r#"sub vcl_recv { if (req.url !~ "^/(en|fr)/") { error 404; } set req.http.L = re.group.1; }"#,
                // A pattern known only at run time may have any number of groups.
                r#"table t REGEX { "a": "(x)(y)" }
                   sub vcl_recv { if (req.url ~ table.lookup_regex(t, "a", "()")) { set req.http.X = re.group.2; } }"#,
            ],
            &[
                (r#"sub vcl_recv { set req.http.X = re.group.1; }"#, 1),
                (r#"sub vcl_recv { if (req.url ~ "^/(a)") { set req.http.X = re.group.2; } }"#, 1),
                (r#"sub vcl_recv { if (req.url ~ "^/(a)") { } set req.http.X = re.group.3; }"#, 1),
                // The match in another subroutine does not count.
                (r#"sub vcl_recv { if (req.url ~ "^/(a)") { } } sub vcl_deliver { set resp.http.X = re.group.1; }"#, 1),
            ],
        );
    }

    #[test]
    fn snippets_may_read_earlier_captures() {
        let src = "sub vcl_recv { set req.http.X = re.group.1; }";
        assert!(lint_as(&UncapturedVariable, src, Some(SubKind::Recv)).is_empty());
    }
}
