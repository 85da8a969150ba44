//! Test annotations: the `@` lines in the comments right before a test subroutine
//! (falco's format), read from the file's token list, and the `--tag` rules.
//!
//! - `@scope: recv,fetch` runs the test once per scope (legacy spelling: `@recv`); without
//!   one, a name ending in `_recv`, `_fetch`, ... picks that scope, else `recv`;
//! - `@suite: text` is the name reports show (default: the subroutine's name);
//! - `@skip` skips the test;
//! - `@tag: prod,!dev` runs the test only when the tag rules allow it ([`tags_allow`]).

use crate::catalog::SubKind;
use crate::syntax::{SourceMap, Token, TokenKind};

/// What the comments before a test subroutine say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotations {
    pub suite: Option<String>,
    /// In order, without repeats; never empty after [`parse`].
    pub scopes: Vec<SubKind>,
    pub skip: bool,
    pub tags: Vec<Tag>,
}

/// `prod` or `!prod`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub inverse: bool,
}

/// The scopes a test may run in (falco's: every customer subroutine but `vcl_pipe`).
fn scopes() -> impl Iterator<Item = SubKind> {
    SubKind::ALL.into_iter().filter(|k| *k != SubKind::Pipe)
}

/// The text of the comments directly before the declaration starting at `start` (only
/// whitespace between them), one entry per line, in source order.
pub fn leading_comments(map: &SourceMap, tokens: &[Token], start: u32) -> Vec<String> {
    let idx = tokens.partition_point(|t| t.span.start < start);
    let mut lines: Vec<String> = Vec::new();
    for t in tokens[..idx].iter().rev() {
        match t.kind {
            TokenKind::Whitespace => {}
            TokenKind::LineComment | TokenKind::BlockComment => {
                let text = map.slice(t.span);
                for line in text.lines().rev() {
                    lines.push(line.to_string());
                }
            }
            _ => break,
        }
    }
    lines.reverse();
    lines
}

/// Reads the annotations of a test subroutine named `sub_name` from its leading comments.
pub fn parse(comments: &[String], sub_name: &str) -> Annotations {
    let mut a = Annotations::default();
    for line in comments {
        let line = line.trim_start_matches([' ', '\t', '*', '/', '#']).trim_end();
        let line = line.strip_suffix("*/").unwrap_or(line).trim_end();
        let Some(body) = line.strip_prefix('@') else { continue };
        if let Some(name) = body.strip_prefix("suite:") {
            a.suite = Some(name.trim().to_string());
            continue;
        }
        if body.starts_with("skip") {
            a.skip = true;
        }
        if let Some(tags) = body.strip_prefix("tag:") {
            a.tags = parse_tags(tags);
            continue;
        }
        let list = body.strip_prefix("scope:").unwrap_or(body);
        for word in list.split(',') {
            let word = word.trim().to_ascii_lowercase();
            if let Some(kind) = scopes().find(|k| k.as_str() == word) {
                if !a.scopes.contains(&kind) {
                    a.scopes.push(kind);
                }
            }
        }
    }
    if a.scopes.is_empty() {
        let by_name = scopes().find(|k| sub_name.ends_with(&format!("_{}", k.as_str())));
        a.scopes.push(by_name.unwrap_or(SubKind::Recv));
    }
    a
}

/// `prod, !dev` → `prod` and inverse `dev`.
pub fn parse_tags(text: &str) -> Vec<Tag> {
    text.split(',')
        .filter_map(|t| {
            let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            let (inverse, name) = match t.strip_prefix('!') {
                Some(rest) => (true, rest.trim_start_matches('!').to_string()),
                None => (false, t),
            };
            (!name.is_empty()).then_some(Tag { name, inverse })
        })
        .collect()
}

/// Whether a test with these `@tag`s runs under the `--tag` options (falco's table): an
/// untagged test always runs; a tagged one runs when one of its tags matches, where
/// `prod` matches when `prod` is given and `!prod` matches when it is not.
pub fn tags_allow(tags: &[Tag], given: &[String]) -> bool {
    tags.is_empty() || tags.iter().any(|t| given.contains(&t.name) != t.inverse)
}

/// A hook's name split into its kind and scope: `before_recv` → (`before`, Recv).
pub fn hook_scope(name: &str) -> Option<(bool, SubKind)> {
    let (before, scope) = match (name.strip_prefix("before_"), name.strip_prefix("after_")) {
        (Some(s), _) => (true, s),
        (_, Some(s)) => (false, s),
        _ => return None,
    };
    scopes().find(|k| k.as_str() == scope).map(|k| (before, k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[&str]) -> Vec<String> {
        text.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn falco_annotations() {
        let a = parse(&lines(&["// @scope: recv, fetch", "// @suite: my suite", "# @tag: prod,!dev", "// @skip"]), "t");
        assert_eq!(a.scopes, vec![SubKind::Recv, SubKind::Fetch]);
        assert_eq!(a.suite.as_deref(), Some("my suite"));
        assert!(a.skip);
        assert_eq!(
            a.tags,
            vec![Tag { name: "prod".into(), inverse: false }, Tag { name: "dev".into(), inverse: true }]
        );
    }

    #[test]
    fn legacy_scope_and_defaults() {
        assert_eq!(parse(&lines(&["// @deliver"]), "t").scopes, vec![SubKind::Deliver]);
        assert_eq!(parse(&lines(&["/* @scope: error */"]), "t").scopes, vec![SubKind::Error]);
        assert_eq!(parse(&[], "test_vcl_fetch").scopes, vec![SubKind::Fetch]);
        assert_eq!(parse(&[], "test_something").scopes, vec![SubKind::Recv]);
        assert_eq!(parse(&lines(&["// plain comment"]), "t").suite, None);
    }

    #[test]
    fn tag_table_from_falcos_docs() {
        let t = |s: &str| parse_tags(s);
        let g = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(!tags_allow(&t("prod"), &g(&[])));
        assert!(tags_allow(&t("prod"), &g(&["prod"])));
        assert!(!tags_allow(&t("prod"), &g(&["dev"])));
        assert!(tags_allow(&t("!prod"), &g(&[])));
        assert!(!tags_allow(&t("!prod"), &g(&["prod"])));
        assert!(tags_allow(&t("!prod"), &g(&["dev"])));
        assert!(tags_allow(&[], &g(&[])));
        assert!(tags_allow(&[], &g(&["prod"])));
    }

    #[test]
    fn hooks() {
        assert_eq!(hook_scope("before_recv"), Some((true, SubKind::Recv)));
        assert_eq!(hook_scope("after_deliver"), Some((false, SubKind::Deliver)));
        assert_eq!(hook_scope("before_pipe"), None);
        assert_eq!(hook_scope("around_recv"), None);
    }
}
