//! Assembly: from a main file (or a snippet) to the one program Fastly would compile.
//!
//! - `include "name";` is resolved through a [`Loader`] (files on disk for the CLI, memory
//!   for tests and the control plane), at top level and inside subroutines, recursively,
//!   with cycle detection. An include creates no scope: its declarations or statements are
//!   spliced in place.
//! - A snippet is placed the way Fastly inserts it: `init` snippets are top-level
//!   declarations; `recv` ... `log` snippets are the body of that subroutine.
//! - Repeated `vcl_*` subroutines are concatenated in order, as Fastly does.
//!
//! This is the only front-end layer that reads files, and it does so only through the loader.

mod loader;

pub use loader::{FsLoader, Loader, MemoryLoader};

use crate::catalog::SubKind;
use crate::diag::Diagnostic;
use crate::syntax::ast::*;
use crate::syntax::parser::{parse_file, parse_statements};
use crate::syntax::{FileId, SourceMap, Span, Token};

/// What kind of text the main file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A whole VCL file (custom VCL, or Fastly-generated VCL).
    File,
    /// An `init` snippet: top-level declarations shared with the service's other VCL.
    InitSnippet,
    /// A snippet of this type (`init` is a `File`).
    Snippet(SubKind),
    /// A `none` snippet: statements meant for `include "snippet::NAME";`.
    DetachedSnippet,
}

impl SourceKind {
    /// From a snippet type name as Fastly's API spells it.
    pub fn from_snippet_type(name: &str) -> Option<SourceKind> {
        match name {
            "init" => Some(SourceKind::InitSnippet),
            "none" => Some(SourceKind::DetachedSnippet),
            other => SubKind::from_short(other).filter(|k| *k != SubKind::Pipe).map(SourceKind::Snippet),
        }
    }
}

/// The assembled program with everything needed to report on it.
#[derive(Debug)]
pub struct Program {
    pub map: SourceMap,
    pub unit: SourceUnit,
    /// Every file read, with its full token list (comments included), main first.
    pub files: Vec<(FileId, Vec<Token>)>,
    pub diagnostics: Vec<Diagnostic>,
    pub kind: SourceKind,
}

impl Program {
    pub fn main_file(&self) -> FileId {
        self.files.first().map_or(FileId(0), |(id, _)| *id)
    }

    /// Token lists by file, as lint rules take them.
    pub fn token_files(&self) -> Vec<(FileId, &[Token])> {
        self.files.iter().map(|(id, t)| (*id, t.as_slice())).collect()
    }

    /// The MD5 of the program's source, in hex (`req.vcl.md5`): every file it read, main
    /// first, each followed by a NUL, so moving text between files changes it.
    pub fn source_md5(&self) -> String {
        use md5::Digest;
        let mut hasher = md5::Md5::new();
        for (id, _) in &self.files {
            hasher.update(self.map.file(*id).text.as_bytes());
            hasher.update([0]);
        }
        hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Assembles a program whose main text is `bytes`, named `name`.
pub fn assemble(name: &str, bytes: &[u8], kind: SourceKind, loader: &mut dyn Loader) -> Program {
    let mut a = Assembler { map: SourceMap::new(), files: Vec::new(), diags: Vec::new(), stack: Vec::new(), loader };
    let id = a.map.add(name, bytes);
    a.stack.push(name.to_string());
    let unit = match kind {
        SourceKind::File | SourceKind::InitSnippet => a.file_unit(id),
        SourceKind::Snippet(sub) => {
            let block = a.statements(id);
            let span = block.span;
            let name = Ident { name: sub.sub_name().to_string(), span: Span::new(span.start, span.start) };
            let decl = Decl::Sub(SubDecl { name, params: Vec::new(), return_type: None, body: block, span });
            SourceUnit { decls: vec![decl], span }
        }
        SourceKind::DetachedSnippet => {
            let block = a.statements(id);
            let span = block.span;
            // Checked as the body of a custom subroutine that may run anywhere.
            let name = Ident { name: "snippet".to_string(), span: Span::new(span.start, span.start) };
            let decl = Decl::Sub(SubDecl { name, params: Vec::new(), return_type: None, body: block, span });
            SourceUnit { decls: vec![decl], span }
        }
    };
    let unit = merge_builtin_subs(unit);
    Program { map: a.map, unit, files: a.files, diagnostics: a.diags, kind }
}

struct Assembler<'l> {
    map: SourceMap,
    files: Vec<(FileId, Vec<Token>)>,
    diags: Vec<Diagnostic>,
    /// Names of the files being included, outermost first (cycle detection).
    stack: Vec<String>,
    loader: &'l mut dyn Loader,
}

/// Fastly: `include` nesting is not documented; this bounds hostile input.
const MAX_INCLUDE_DEPTH: usize = 32;

impl Assembler<'_> {
    fn file_unit(&mut self, id: FileId) -> SourceUnit {
        let parsed = parse_file(&self.map, id);
        self.diags.extend(parsed.diagnostics);
        self.files.push((id, parsed.tokens));
        let mut unit = parsed.tree;
        let mut decls = Vec::with_capacity(unit.decls.len());
        for decl in std::mem::take(&mut unit.decls) {
            match decl {
                Decl::Include(inc) => {
                    if let Some(sub_id) = self.open(&inc.path) {
                        let inner = self.file_unit(sub_id);
                        self.stack.pop();
                        decls.extend(inner.decls);
                    }
                }
                Decl::Sub(mut sub) => {
                    self.splice_block(&mut sub.body);
                    decls.push(Decl::Sub(sub));
                }
                other => decls.push(other),
            }
        }
        unit.decls = decls;
        unit
    }

    fn statements(&mut self, id: FileId) -> Block {
        let parsed = parse_statements(&self.map, id);
        self.diags.extend(parsed.diagnostics);
        self.files.push((id, parsed.tokens));
        let mut block = parsed.tree;
        self.splice_block(&mut block);
        block
    }

    /// Replaces `include` statements in a block (and nested blocks) by the statements of
    /// the included file.
    fn splice_block(&mut self, block: &mut Block) {
        if !block.stmts.iter().any(needs_splice) {
            return;
        }
        let mut out = Vec::with_capacity(block.stmts.len());
        for mut stmt in std::mem::take(&mut block.stmts) {
            match &mut stmt.kind {
                StmtKind::Include(path) => {
                    let path = path.clone();
                    if let Some(id) = self.open(&path) {
                        let inner = self.statements(id);
                        self.stack.pop();
                        out.extend(inner.stmts);
                    }
                    continue;
                }
                StmtKind::Block(b) => self.splice_block(b),
                StmtKind::If(ifs) => {
                    for br in &mut ifs.branches {
                        self.splice_block(&mut br.body);
                    }
                    if let Some(e) = &mut ifs.else_block {
                        self.splice_block(e);
                    }
                }
                _ => {}
            }
            out.push(stmt);
        }
        block.stmts = out;
    }

    /// Loads an included file; on success it is pushed on the include stack.
    fn open(&mut self, path: &StringLit) -> Option<FileId> {
        let name = path.value.as_str();
        if let Some(pos) = self.stack.iter().position(|n| n == name) {
            let chain = self.stack[pos..].join(" -> ");
            self.diags.push(
                Diagnostic::error("include/cycle", format!("include cycle: {chain} -> {name}"))
                    .with_primary(path.span, "this include leads back to a file being included"),
            );
            return None;
        }
        if self.stack.len() >= MAX_INCLUDE_DEPTH {
            self.diags.push(
                Diagnostic::error("include/cycle", format!("includes nested deeper than {MAX_INCLUDE_DEPTH} levels"))
                    .with_primary(path.span, "too deep"),
            );
            return None;
        }
        match self.loader.load(name) {
            Ok(Some(found)) => {
                let id = self.map.add(found.display_name, &found.bytes);
                self.stack.push(name.to_string());
                Some(id)
            }
            Ok(None) => {
                let d = Diagnostic::error("include/module-not-found", format!("cannot find included file \"{name}\""))
                    .with_primary(path.span, "not found");
                let searched = self.loader.searched();
                let d = if searched.is_empty() {
                    d
                } else {
                    d.with_note(format!("looked for `{name}` and `{name}.vcl` in: {}", searched.join(", ")))
                };
                self.diags.push(d.with_help("pass the directory that holds it with `-I DIR`"));
                None
            }
            Err(err) => {
                self.diags.push(
                    Diagnostic::error(
                        "include/module-load-failed",
                        format!("cannot read included file \"{name}\": {err}"),
                    )
                    .with_primary(path.span, "could not be read"),
                );
                None
            }
        }
    }
}

fn needs_splice(stmt: &Stmt) -> bool {
    matches!(stmt.kind, StmtKind::Include(_) | StmtKind::Block(_) | StmtKind::If(_))
}

/// Fastly concatenates repeated `vcl_*` subroutines, in order, into the first one.
fn merge_builtin_subs(mut unit: SourceUnit) -> SourceUnit {
    let mut first: Vec<(String, usize)> = Vec::new();
    let mut out: Vec<Decl> = Vec::with_capacity(unit.decls.len());
    for decl in std::mem::take(&mut unit.decls) {
        if let Decl::Sub(sub) = &decl {
            if SubKind::from_sub_name(&sub.name.name).is_some() && sub.params.is_empty() && sub.return_type.is_none() {
                if let Some((_, idx)) = first.iter().find(|(n, _)| *n == sub.name.name) {
                    let idx = *idx;
                    if let (Decl::Sub(target), Decl::Sub(sub)) = (&mut out[idx], decl) {
                        target.body.stmts.extend(sub.body.stmts);
                    }
                    continue;
                }
                first.push((sub.name.name.clone(), out.len()));
            }
        }
        out.push(decl);
    }
    unit.decls = out;
    unit
}
