//! `regex/url-extension`: a regex on the URL that only tests its file extension.

use crate::diag::Diagnostic;
use crate::lint::{LintContext, Rule, RuleMeta};
use crate::syntax::ast::{CompareOp, Expr, ExprKind};
use crate::syntax::visit::{self, Visitor};

declare_rule! {
    /// ### What it does
    /// Reports `req.url ~ "\.(jpg|png)$"` and similar matches of `req.url`,
    /// `req.url.path`, `bereq.url` or `bereq.url.path` against a pattern that only
    /// looks at the file extension (optionally followed by a query string).
    ///
    /// ### Why is this bad
    /// Fastly already splits the extension out as `req.url.ext`. Comparing it is
    /// clearer, cheaper than a regex over the whole URL, and does not get the query
    /// string case wrong (`\.jpg$` misses `/a.jpg?w=100`).
    ///
    /// ### Example
    /// ```vcl
    /// sub vcl_recv {
    ///   if (req.url ~ "\.(jpe?g|png|gif)$") { }      # misses "?v=2"
    ///   if (req.url.ext ~ "^(jpe?g|png|gif)$") { }   # better
    ///   if (req.url.ext == "css") { }                # best for one extension
    /// }
    /// ```
    UrlExtension, "regex/url-extension", Warning, "a URL regex that only tests the file extension"
}

impl Rule for UrlExtension {
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
    fn visit_expr(&mut self, expr: &Expr) {
        if let ExprKind::Compare { op: op @ (CompareOp::Match | CompareOp::NotMatch), lhs, rhs, .. } = &expr.kind {
            if let (ExprKind::Var(v), Some(pattern)) = (&lhs.kind, rhs.as_string_lit()) {
                let ext_var = match v.name.as_str() {
                    "req.url" | "req.url.path" => Some("req.url.ext"),
                    "bereq.url" | "bereq.url.path" => Some("bereq.url.ext"),
                    _ => None,
                };
                if let Some((ext_var, ext)) = ext_var.zip(extension_only(&pattern.value)) {
                    let subject =
                        if ext.case_insensitive { format!("std.tolower({ext_var})") } else { ext_var.to_string() };
                    let suggestion = match ext.alternatives.as_slice() {
                        [one] if !one.contains('?') => {
                            let eq = if *op == CompareOp::Match { "==" } else { "!=" };
                            format!("{subject} {eq} \"{}\"", one.to_ascii_lowercase())
                        }
                        _ => format!("{subject} {} \"^(?:{})$\"", op.as_str(), ext.alternatives.join("|")),
                    };
                    self.out.push(
                        Diagnostic::warning(
                            UrlExtension::META.id,
                            format!("this regex only tests the file extension of `{}`", v.name),
                        )
                        .with_primary(rhs.span, "an extension match")
                        .with_help(format!("compare `{ext_var}` instead: `{suggestion}`")),
                    );
                }
            }
        }
        visit::walk_expr(self, expr);
    }
}

struct Extension<'p> {
    alternatives: Vec<&'p str>,
    case_insensitive: bool,
}

/// What may follow the extension: end of string, optionally after a query string.
const TAILS: &[&str] = &[
    "$",
    r"\z",
    r"(\?.*)?$",
    r"(?:\?.*)?$",
    r"(\?|$)",
    r"($|\?)",
    r"(?:\?|$)",
    r"(?:$|\?)",
    r"(\?.*|$)",
    r"(?:\?.*|$)",
    r"($|\?.*)",
    r"(?:$|\?.*)",
];

/// `\.(jpg|png)$`, `(?i)\.css(\?.*)?$`, `\.(?:js|css)$` ...: the extension
/// alternatives, when the pattern tests nothing else.
fn extension_only(pattern: &str) -> Option<Extension<'_>> {
    let (case_insensitive, p) = match pattern.strip_prefix("(?i)") {
        Some(rest) => (true, rest),
        None => (false, pattern),
    };
    let p = p.strip_prefix(r"\.")?;
    let (list, tail) = if let Some(group) = p.strip_prefix("(?:").or_else(|| p.strip_prefix('(')) {
        let close = group.find(')')?;
        (&group[..close], &group[close + 1..])
    } else {
        let end = p.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(p.len());
        (&p[..end], &p[end..])
    };
    let alternatives: Vec<&str> = list.split('|').collect();
    let plain = |a: &&str| !a.is_empty() && a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'?');
    (alternatives.iter().all(plain) && TAILS.contains(&tail)).then_some(Extension { alternatives, case_insensitive })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::{check, lint};

    #[test]
    fn pass_and_fail() {
        check(
            &UrlExtension,
            &[
                r#"sub vcl_recv { if (req.url.ext ~ "^(jpg|png)$") { } }"#,
                r#"sub vcl_recv { if (req.url ~ "^/static/.*\.(jpg|png)$") { } }"#,
                r#"sub vcl_recv { if (req.http.Referer ~ "\.(jpg|png)$") { } }"#,
                r#"sub vcl_recv { if (req.url ~ "\.(jpg|png)/thumb$") { } }"#,
            ],
            &[
                (r#"sub vcl_recv { if (req.url ~ "\.(jpg|png|gif)$") { } }"#, 1),
                (r#"sub vcl_recv { if (req.url.path ~ "(?i)\.css$") { } }"#, 1),
                (r#"sub vcl_recv { if (req.url ~ "\.(?:jpe?g|webp)(\?.*)?$" || req.url !~ "\.js($|\?)") { } }"#, 2),
                (r#"sub vcl_miss { if (bereq.url ~ "\.mp4$") { } }"#, 1),
            ],
        );
    }

    #[test]
    fn suggests_the_comparison() {
        let d = lint(&UrlExtension, r#"sub vcl_recv { if (req.url ~ "\.css$") { } }"#);
        assert_eq!(d[0].help.as_deref(), Some(r#"compare `req.url.ext` instead: `req.url.ext == "css"`"#));
        let d = lint(&UrlExtension, r#"sub vcl_recv { if (req.url !~ "(?i)\.(jpg|png)$") { } }"#);
        assert_eq!(
            d[0].help.as_deref(),
            Some(r#"compare `req.url.ext` instead: `std.tolower(req.url.ext) !~ "^(?:jpg|png)$"`"#)
        );
    }
}
