//! `regex/matched-value-override`: `re.group.N` read after another match may have
//! replaced the captures the author meant.

use super::groups::{analyze, Source};
use crate::diag::Diagnostic;
use crate::lint::rules::subs;
use crate::lint::{LintContext, Rule, RuleMeta};

declare_rule! {
    /// ### What it does
    /// Reports reads of `re.group.N` when a regex match made after the intended one
    /// (the match in the condition of the enclosing `if`) may have replaced the
    /// captures, and reads outside any matching `if` when several earlier matches
    /// could have set them.
    ///
    /// ### Why is this bad
    /// Fastly keeps one set of captures per subroutine: every successful `~` replaces
    /// all of `re.group.0` to `re.group.19`, with no block scope. A match added later
    /// (even one without groups) silently changes what the earlier code reads.
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_recv {
    ///   if (req.url ~ "^/([a-z]{2})/") {
    ///     if (req.http.Cookie ~ "lang=") { set req.http.X-Pref = "1"; }
    ///     set req.http.X-Lang = re.group.1;   # empty if the Cookie match succeeded
    ///   }
    /// }
    /// ```
    /// Copy the capture into a local variable right after the match.
    MatchedValueOverride, "regex/matched-value-override", Info, "a re.group.N read that a later regex match may have overwritten"
}

impl Rule for MatchedValueOverride {
    fn meta(&self) -> &'static RuleMeta {
        Self::META
    }

    fn check(&self, cx: &LintContext<'_>, out: &mut Vec<Diagnostic>) {
        for sub in subs(cx.unit) {
            let analysis = analyze(sub);
            for read in &analysis.reads {
                let diag = match read.source {
                    Source::Enclosing { meant, overridden_by: Some(later) } => Diagnostic::info(
                        Self::META.id,
                        format!("`re.group.{}` may hold the captures of a later match", read.n),
                    )
                    .with_primary(read.span, "read here")
                    .with_secondary(analysis.matches[meant].span, "the captures meant are made here")
                    .with_secondary(analysis.matches[later].span, "this match replaces them when it succeeds"),
                    Source::After { last, earlier: Some(earlier), .. } => Diagnostic::info(
                        Self::META.id,
                        format!("`re.group.{}` is read outside the `if` of its match, after several matches", read.n),
                    )
                    .with_primary(read.span, "read here")
                    .with_secondary(analysis.matches[earlier].span, "this match may have set it")
                    .with_secondary(analysis.matches[last].span, "or this one"),
                    _ => continue,
                };
                out.push(diag.with_help("copy the capture into a local variable right after its match"));
            }
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
            &MatchedValueOverride,
            &[
                r#"sub vcl_recv { if (req.url ~ "^/(a)") { set req.http.X = re.group.1; } }"#,
                r#"sub vcl_recv {
                     if (req.url ~ "^/(a)") { set req.http.X = re.group.1; }
                     if (req.http.Y ~ "(b)") { set req.http.Z = re.group.1; }
                   }"#,
                // The last match of the condition is the one meant.
                r#"sub vcl_recv { if (req.http.Host ~ "^www" && req.url ~ "^/(a)") { set req.http.X = re.group.1; } }"#,
                r#"sub vcl_recv { if (req.url !~ "^/(en|fr)/") { error 404; } set req.http.L = re.group.1; }"#,
                r#"sub vcl_recv { set req.http.X = if(req.url ~ "^/(a)", re.group.1, "none"); }"#,
                // An ACL match sets no captures.
                r#"acl a { } sub vcl_recv { if (req.url ~ "^/(a)") { if (client.ip ~ a) { } set req.http.X = re.group.1; } }"#,
            ],
            &[
                (
                    r#"sub vcl_recv {
                         if (req.url ~ "^/(a)") {
                           if (req.http.Cookie ~ "x") { }
                           set req.http.X = re.group.1;
                         }
                       }"#,
                    1,
                ),
                (
                    r#"sub vcl_recv {
                         if (req.url ~ "^/(a)") { }
                         if (req.http.Y ~ "(b)") { }
                         set req.http.X = re.group.1;
                       }"#,
                    1,
                ),
            ],
        );
    }
}
