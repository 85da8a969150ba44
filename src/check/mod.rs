//! The checker: names, types and scopes of an assembled program, against the catalog.
//!
//! - `decls`: the symbol table (backends, directors, tables, ACLs, subroutines, penalty
//!   boxes, rate counters) with duplicate detection, and the validation of each
//!   declaration's body (backend and probe fields, director members, table values, ACL
//!   entries);
//! - `scope`: the call graph, recursion, and the set of built-in subroutines each custom
//!   subroutine runs in (a custom subroutine is checked in the scope of every caller);
//! - `body`: statements and expressions: variable availability and writability per
//!   subroutine, types of assignments, comparisons, arguments and returns, legal return
//!   actions, statement scopes, locals, labels, regexes.
//!
//! Architecture Invariant: no IO, no panics; the result is a [`Model`] plus diagnostics.

mod body;
mod decls;
mod regex;
mod scope;
pub mod types;

use std::collections::HashMap;

use crate::catalog::{Scopes, Type};
use crate::diag::Diagnostic;
use crate::syntax::ast::SourceUnit;
use crate::syntax::{SourceMap, Span};

/// Fastly: "Custom VCL file size: 1 MB".
pub const MAX_VCL_FILE_SIZE: usize = 1024 * 1024;

/// What the checker learned about the program.
#[derive(Debug, Default)]
pub struct Model {
    pub symbols: Symbols,
    /// For each subroutine, the built-in scopes it runs in (empty: never called).
    pub sub_scopes: HashMap<String, Scopes>,
}

/// Declared names by kind.
#[derive(Debug, Default)]
pub struct Symbols {
    pub backends: HashMap<String, Span>,
    pub directors: HashMap<String, Span>,
    pub tables: HashMap<String, TableInfo>,
    pub acls: HashMap<String, Span>,
    pub subs: HashMap<String, SubInfo>,
    pub penaltyboxes: HashMap<String, Span>,
    pub ratecounters: HashMap<String, Span>,
    pub counters: HashMap<String, Span>,
    pub limiters: HashMap<String, Span>,
}

impl Symbols {
    /// Whether `name` is a backend or a director (both are BACKEND values).
    pub fn is_backend(&self, name: &str) -> bool {
        self.backends.contains_key(name) || self.directors.contains_key(name)
    }
}

#[derive(Debug, Clone)]
pub struct TableInfo {
    pub ty: Type,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct SubInfo {
    pub params: Vec<(String, Type)>,
    /// `None` for an ordinary (VOID) subroutine.
    pub ret: Option<Type>,
    pub span: Span,
}

/// Options that change what the checker accepts.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Fastly-generated VCL (`pragma`, `C!`, `W!`): allows what only Fastly writes, such
    /// as `vcl_pipe`.
    pub generated: bool,
    /// `lacquer test`: a main program joined with a test file (describe groups already
    /// flattened into subroutines by `crate::testing`); `testing.*` and `assert.*` resolve.
    pub testing: bool,
    /// `lacquer test`: extra call-graph roots, the scopes each test subroutine and hook
    /// runs in (from its `@scope` annotation); merged into the computed scopes.
    pub sub_scopes: HashMap<String, Scopes>,
}

/// Whether this is VCL rendered by Fastly (it carries `pragma` lines and `C!`/`W!`).
pub fn is_generated(unit: &SourceUnit) -> bool {
    use crate::syntax::ast::Decl;
    unit.decls.iter().any(|d| matches!(d, Decl::Generated(_) | Decl::Pragma(_)))
}

/// Checks an assembled program.
pub fn check(map: &SourceMap, unit: &SourceUnit, options: Options) -> (Model, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    for (_, file) in map.files() {
        if file.text.len() > MAX_VCL_FILE_SIZE {
            diags.push(
                Diagnostic::error(
                    "limits/file-size",
                    format!("VCL file is {} bytes; Fastly accepts at most {MAX_VCL_FILE_SIZE}", file.text.len()),
                )
                .with_primary(Span::new(file.base, file.base), "this file is too large")
                .with_help("move parts into separate included files or snippets"),
            );
        }
    }
    let generated = options.generated || is_generated(unit);
    let symbols = decls::collect(map, unit, generated, &mut diags);
    let sub_scopes = scope::resolve(unit, &symbols, &options.sub_scopes, &mut diags);
    let mut model = Model { symbols, sub_scopes };
    body::check_bodies(map, unit, &mut model, options.testing, &mut diags);
    (model, diags)
}
