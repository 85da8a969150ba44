//! Shared helpers for the integration tests.

use std::path::{Path, PathBuf};

use lacquer::assemble::{FsLoader, SourceKind};
use lacquer::diag::{render_all, Diagnostic, RenderOptions};

pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vcl-examples")
}

/// Assembles, checks and lints a file; returns the rendered diagnostics (names relative to
/// `vcl-examples/`, no colour) and the diagnostics.
pub fn analyze_path(path: &Path, kind: SourceKind) -> (String, Vec<Diagnostic>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let name = path.strip_prefix(examples_dir()).unwrap_or(path).display().to_string();
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut loader = FsLoader { dirs: vec![dir] };
    let analysis = lacquer::analysis::analyze(&name, &bytes, kind, &mut loader, true);
    let text = render_all(&analysis.program.map, &analysis.diagnostics, RenderOptions { color: false });
    (text, analysis.diagnostics)
}
