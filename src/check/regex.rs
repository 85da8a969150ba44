//! Regex literals are PCRE2 (Fastly: "We support PCRE expressions ... using the PCRE2
//! library"), compiled at load time, so a bad pattern is a compile error. Each distinct
//! pattern is compiled once per check.

use std::collections::HashMap;

use crate::diag::Diagnostic;
use crate::syntax::ast::StringLit;
use crate::syntax::{SourceMap, Span};

#[derive(Default)]
pub struct RegexCache {
    seen: HashMap<String, Option<(String, Option<usize>)>>,
}

impl RegexCache {
    /// Validates a pattern literal; the error is placed on the pattern, at the offending
    /// byte when the literal has no escapes to shift offsets.
    pub fn check(&mut self, map: &SourceMap, lit: &StringLit) -> Option<Diagnostic> {
        let result = self.seen.entry(lit.value.clone()).or_insert_with(|| compile_error(&lit.value));
        let (message, offset) = result.as_ref()?;
        let raw = map.slice(lit.span);
        let span = match offset {
            Some(off) if !lit.long && raw.len() == lit.value.len() + 2 => {
                let at = lit.span.start + 1 + (*off as u32).min(lit.value.len() as u32);
                Span::new(at, (at + 1).min(lit.span.end - 1).max(at))
            }
            _ => lit.span,
        };
        Some(
            Diagnostic::error("regex/syntax", format!("invalid regular expression: {message}"))
                .with_primary(span, message.clone())
                .with_secondary(lit.span, "in this pattern")
                .with_note("Fastly compiles regular expressions with PCRE2 when the VCL is loaded"),
        )
    }
}

fn compile_error(pattern: &str) -> Option<(String, Option<usize>)> {
    match pcre2::bytes::RegexBuilder::new().build(pattern) {
        Ok(_) => None,
        Err(e) => {
            // Display reads "PCRE2: error compiling pattern at offset N: MESSAGE".
            let full = e.to_string();
            let text = full.rsplit_once(": ").map_or(full.as_str(), |(_, m)| m).to_string();
            Some((text, e.offset()))
        }
    }
}
