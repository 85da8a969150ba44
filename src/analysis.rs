//! The front end in one call: assemble, parse, check and lint a program, and return every
//! diagnostic in source order. `lacquer lint`, `lacquer test` and the control plane's
//! validation all go through here, so they agree on what is an error.

use crate::assemble::{self, Loader, Program, SourceKind};
use crate::check::{self, Model};
use crate::diag::{self, Diagnostic, Severity};
use crate::lint;

/// A program with all its diagnostics.
pub struct Analysis {
    pub program: Program,
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}

/// Analyses `bytes` (named `name`) as a file or snippet, resolving includes via `loader`.
/// Lint rules run when `with_lint` is set and the VCL is not Fastly-generated; checker and
/// syntax errors always do.
pub fn analyze(name: &str, bytes: &[u8], kind: SourceKind, loader: &mut dyn Loader, with_lint: bool) -> Analysis {
    let mut program = assemble::assemble(name, bytes, kind, loader);
    let (model, mut diagnostics) = check::check(&program.map, &program.unit, check::Options::default());
    diagnostics.append(&mut program.diagnostics);
    // Fastly-rendered VCL is checked, but its generated code is not ours to restyle.
    if with_lint && !check::is_generated(&program.unit) {
        let files = program.token_files();
        let snippet = match kind {
            SourceKind::Snippet(k) => Some(k),
            _ => None,
        };
        let cx = lint::LintContext { map: &program.map, unit: &program.unit, files: &files, snippet };
        diagnostics.extend(lint::run(&cx));
        diagnostics = lint::apply_ignores(&cx, diagnostics);
        if matches!(kind, SourceKind::InitSnippet | SourceKind::DetachedSnippet) {
            // Their declarations serve the rest of the service, and a `none` snippet's
            // regex groups may come from the file that includes it: not in view here.
            diagnostics.retain(|d| d.code != "unused/declaration" && d.code != "regex/uncaptured-variable");
        }
    }
    diag::sort(&mut diagnostics);
    Analysis { program, model, diagnostics }
}
