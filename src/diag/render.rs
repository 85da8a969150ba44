//! Human rendering with ariadne, rustc-style. Byte offsets throughout (ariadne counts
//! characters unless told otherwise).

use ariadne::{Color, Config, IndexType, Label as ALabel, Report, ReportKind};

use super::{Diagnostic, Severity};
use crate::syntax::SourceMap;

#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    pub color: bool,
}

/// Renders one diagnostic to text.
pub fn render(map: &SourceMap, diag: &Diagnostic, opts: RenderOptions) -> String {
    let mut out = Vec::new();
    let Some(primary) = diag.primary_span().and_then(|s| map.resolve(s)) else {
        // A diagnostic without a place (e.g. a file that could not be read).
        return format!("{}[{}]: {}\n", diag.severity.as_str(), diag.code, diag.message);
    };
    let kind = match diag.severity {
        Severity::Error => ReportKind::Error,
        Severity::Warning => ReportKind::Warning,
        Severity::Info => ReportKind::Advice,
    };
    let file_name = primary.name.to_string();
    let mut report = Report::build(kind, (file_name.clone(), primary.range.start as usize..primary.range.end as usize))
        .with_config(Config::default().with_index_type(IndexType::Byte).with_color(opts.color))
        .with_code(diag.code)
        .with_message(&diag.message);
    let mut files = vec![(file_name, map.file(primary.file).text.clone())];
    for label in &diag.labels {
        let Some(r) = map.resolve(label.span) else { continue };
        let name = r.name.to_string();
        if !files.iter().any(|(n, _)| *n == name) {
            files.push((name.clone(), map.file(r.file).text.clone()));
        }
        let color = match (label.primary, diag.severity) {
            (false, _) => Color::Blue,
            (true, Severity::Error) => Color::Red,
            (true, Severity::Warning) => Color::Yellow,
            (true, Severity::Info) => Color::Cyan,
        };
        let mut l = ALabel::new((name, r.range.start as usize..r.range.end as usize)).with_message(&label.message);
        if opts.color {
            l = l.with_color(color);
        }
        report = report.with_label(l);
    }
    for note in &diag.notes {
        report = report.with_note(note);
    }
    if let Some(help) = &diag.help {
        report = report.with_help(help);
    }
    let report = report.finish();
    if report.write(ariadne::sources(files), &mut out).is_err() {
        return format!("{}[{}]: {}\n", diag.severity.as_str(), diag.code, diag.message);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Renders many diagnostics, separated as rustc does.
pub fn render_all(map: &SourceMap, diags: &[Diagnostic], opts: RenderOptions) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&render(map, d, opts));
    }
    out
}
