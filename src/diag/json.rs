//! Machine-readable diagnostics: the `lacquer lint --format json` contract
//! `{"diagnostics":[{"file","line","column","end_line","end_column","severity","code","message"}],"errors":N,"warnings":N}`
//! with 1-based lines and columns (columns count characters).

use serde::Serialize;

use super::{Diagnostic, Severity};
use crate::syntax::SourceMap;

#[derive(Debug, Clone, Serialize)]
pub struct JsonDiagnostic {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct JsonReport {
    pub diagnostics: Vec<JsonDiagnostic>,
    pub errors: usize,
    pub warnings: usize,
}

/// Builds the JSON report; `fallback_file` names diagnostics that have no span.
pub fn to_json(map: &SourceMap, diags: &[Diagnostic], fallback_file: &str) -> JsonReport {
    let diagnostics = diags
        .iter()
        .map(|d| {
            let resolved = d.primary_span().and_then(|s| map.resolve(s));
            let (file, start, end) = match resolved {
                Some(r) => (r.name.to_string(), r.start, r.end),
                None => (fallback_file.to_string(), (1, 1), (1, 1)),
            };
            JsonDiagnostic {
                file,
                line: start.0,
                column: start.1,
                end_line: end.0,
                end_column: end.1,
                severity: d.severity,
                code: d.code,
                message: d.message.clone(),
                help: d.help.clone(),
            }
        })
        .collect();
    JsonReport {
        diagnostics,
        errors: diags.iter().filter(|d| d.severity == Severity::Error).count(),
        warnings: diags.iter().filter(|d| d.severity == Severity::Warning).count(),
    }
}
