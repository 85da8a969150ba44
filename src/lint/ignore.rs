//! Inline ignore comments, falco-compatible:
//!
//! - `# lacquer-ignore-next-line [rule ...]`: the line after the comment;
//! - `set x = y; # lacquer-ignore [rule ...]`: the comment's own line;
//! - `# lacquer-ignore-start [rule ...]` ... `# lacquer-ignore-end [rule ...]`: every
//!   line in between (an `-end` without rules closes every open region; a `-start`
//!   never closed runs to the end of the file).
//!
//! The `falco-ignore*` spellings work the same, and any comment style (`#`, `//`,
//! `/* */`) may carry them. Without rules a directive covers every code; a rule may
//! also be a category (`unused` covers `unused/variable`). Syntax errors are never
//! dropped: an ignore comment cannot hide a program that does not parse.

use std::collections::HashMap;

use super::LintContext;
use crate::diag::Diagnostic;
use crate::syntax::{FileId, TokenKind};

/// Drops the diagnostics (of any origin) that an ignore comment covers.
pub fn apply_ignores(cx: &LintContext<'_>, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let ignores = Ignores::collect(cx);
    if ignores.is_empty() {
        return diags;
    }
    diags.into_iter().filter(|d| !ignores.covers(cx, d)).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    NextLine,
    SameLine,
    Start,
    End,
}

/// The codes a directive names; empty means all of them.
type RuleList = Vec<String>;

#[derive(Debug)]
struct Region {
    file: FileId,
    first_line: u32,
    last_line: u32,
    rules: RuleList,
}

#[derive(Debug, Default)]
struct Ignores {
    lines: HashMap<(FileId, u32), Vec<RuleList>>,
    regions: Vec<Region>,
}

impl Ignores {
    fn collect(cx: &LintContext<'_>) -> Ignores {
        let mut ignores = Ignores::default();
        for &(file_id, tokens) in cx.files {
            let file = cx.map.file(file_id);
            let mut open: Vec<(u32, RuleList)> = Vec::new();
            for token in tokens.iter().filter(|t| matches!(t.kind, TokenKind::LineComment | TokenKind::BlockComment)) {
                let Some((directive, rules)) = parse_directive(file.slice(token.span)) else { continue };
                let line = file.line_col(token.span.start.saturating_sub(file.base)).0;
                match directive {
                    Directive::NextLine => {
                        let end_line = file.line_col(token.span.end.saturating_sub(file.base)).0;
                        ignores.lines.entry((file_id, end_line + 1)).or_default().push(rules);
                    }
                    Directive::SameLine => ignores.lines.entry((file_id, line)).or_default().push(rules),
                    Directive::Start => open.push((line, rules)),
                    Directive::End => {
                        let closing: Vec<(u32, RuleList)> = if rules.is_empty() {
                            std::mem::take(&mut open)
                        } else {
                            let (closed, still_open) =
                                std::mem::take(&mut open).into_iter().partition(|(_, r)| *r == rules);
                            open = still_open;
                            closed
                        };
                        for (first_line, rules) in closing {
                            ignores.regions.push(Region { file: file_id, first_line, last_line: line, rules });
                        }
                    }
                }
            }
            for (first_line, rules) in open {
                ignores.regions.push(Region { file: file_id, first_line, last_line: u32::MAX, rules });
            }
        }
        ignores
    }

    fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.regions.is_empty()
    }

    fn covers(&self, cx: &LintContext<'_>, diag: &Diagnostic) -> bool {
        if diag.code.starts_with("syntax/") {
            return false;
        }
        let Some(resolved) = diag.primary_span().and_then(|s| cx.map.resolve(s)) else {
            return false;
        };
        let (file, line) = (resolved.file, resolved.start.0);
        let named = |rules: &RuleList| rules.is_empty() || rules.iter().any(|r| names(r, diag.code));
        self.lines.get(&(file, line)).is_some_and(|lists| lists.iter().any(named))
            || self
                .regions
                .iter()
                .any(|r| r.file == file && (r.first_line..=r.last_line).contains(&line) && named(&r.rules))
    }
}

/// Whether a rule written in a directive names `code` (exactly, or as its category).
fn names(rule: &str, code: &str) -> bool {
    code == rule || code.strip_prefix(rule).is_some_and(|rest| rest.starts_with('/'))
}

/// The directive in a comment's text, with the rules it names.
fn parse_directive(comment: &str) -> Option<(Directive, RuleList)> {
    let body = if let Some(inner) = comment.strip_prefix("/*") {
        inner.strip_suffix("*/").unwrap_or(inner)
    } else {
        comment.trim_start_matches('#').trim_start_matches("//")
    };
    let body = body.trim();
    let rest = body.strip_prefix("lacquer-ignore").or_else(|| body.strip_prefix("falco-ignore"))?;
    let (directive, rest) =
        [("-next-line", Directive::NextLine), ("-start", Directive::Start), ("-end", Directive::End)]
            .into_iter()
            .find_map(|(suffix, d)| rest.strip_prefix(suffix).map(|r| (d, r)))
            .unwrap_or((Directive::SameLine, rest));
    if !rest.is_empty() && !rest.starts_with(|c: char| c.is_whitespace()) {
        return None;
    }
    let rules =
        rest.split(|c: char| c.is_whitespace() || c == ',').filter(|r| !r.is_empty()).map(str::to_string).collect();
    Some((directive, rules))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;
    use crate::lint::rules::testing::parse;
    use crate::syntax::Span;

    #[test]
    fn directives() {
        assert_eq!(parse_directive("# lacquer-ignore"), Some((Directive::SameLine, vec![])));
        assert_eq!(
            parse_directive("// falco-ignore-next-line unused/variable, deprecated"),
            Some((Directive::NextLine, vec!["unused/variable".into(), "deprecated".into()]))
        );
        assert_eq!(parse_directive("/* lacquer-ignore-start style */"), Some((Directive::Start, vec!["style".into()])));
        assert_eq!(parse_directive("#lacquer-ignore-end"), Some((Directive::End, vec![])));
        assert_eq!(parse_directive("# lacquer-ignored"), None);
        assert_eq!(parse_directive("# a comment"), None);
    }

    fn at_line(src: &str, line: usize, code: &'static str) -> Diagnostic {
        let start = src.split_inclusive('\n').take(line - 1).map(str::len).sum::<usize>() as u32;
        Diagnostic::warning(code, "x").with_primary(Span::new(start, start + 1), "here")
    }

    #[test]
    fn drops_covered_diagnostics_only() {
        let src = "sub vcl_recv {\n\
                   # lacquer-ignore-next-line unused\n\
                   set req.http.A = \"1\";\n\
                   set req.http.B = \"1\"; # falco-ignore deprecated\n\
                   # lacquer-ignore-start\n\
                   set req.http.C = \"1\";\n\
                   # lacquer-ignore-end\n\
                   set req.http.D = \"1\";\n\
                   }\n";
        let t = parse(src);
        let cx = t.cx();
        let diags = vec![
            at_line(src, 3, "unused/variable"),
            at_line(src, 3, "deprecated"),
            at_line(src, 4, "deprecated"),
            at_line(src, 4, "unused/goto"),
            at_line(src, 6, "type/mismatch"),
            at_line(src, 6, "syntax/expected-semicolon"),
            at_line(src, 8, "deprecated"),
        ];
        let kept: Vec<_> = apply_ignores(&cx, diags).iter().map(|d| d.code).collect();
        assert_eq!(kept, ["deprecated", "unused/goto", "syntax/expected-semicolon", "deprecated"]);
    }

    #[test]
    fn unclosed_start_runs_to_end_of_file() {
        let src = "# lacquer-ignore-start unused/goto\nsub vcl_recv {\n}\n";
        let t = parse(src);
        let kept = apply_ignores(&t.cx(), vec![at_line(src, 3, "unused/goto"), at_line(src, 3, "deprecated")]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].code, "deprecated");
    }
}
