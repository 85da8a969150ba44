//! Running test files against a main program.
//!
//! For each test file the main program (assembled once, with its includes) is joined with
//! the file's declarations: test subroutines stay as they are, `describe` groups are
//! flattened (their tests become subroutines, each hook a subroutine with an internal
//! name), and fixtures (tables, backends, ACLs, helper subroutines) join the program. The
//! result is checked in test mode, every test subroutine and hook in the scopes of its
//! annotation, and compiled in test mode. Then every test runs:
//!
//! - a top-level test runs once per scope with a fresh request state (client.ip
//!   192.0.2.1, Host `localhost`, GET `/`) and fresh rate counters;
//! - the tests of a `describe` group share one state, as falco documents; the group's
//!   `before_<scope>` / `after_<scope>` hooks run before and after each test of that scope;
//! - a test fails at its first failed assertion, or on a runtime fault.
//!
//! `testing.table_set` / `table_merge` calls written in a test (or in its group) are
//! applied to the program's tables before it runs and undone after: a compiled program
//! is immutable while it runs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;

use super::annotations::{self, Annotations};
use super::report::{CaseResult, Coverage, FailureReport, FileReport, Location, Report, Status, SubCoverage};
use super::{discovery, site_arg, BackendHost, Failure, TestState};
use crate::assemble::{self, FsLoader, Loader, SourceKind};
use crate::catalog::{Scopes, SubKind, Type};
use crate::check;
use crate::diag::{Diagnostic, Severity};
use crate::interp::state::ReqState;
use crate::interp::value::Value;
use crate::interp::{run_sub, Runtime};
use crate::ir::{self, Program, Table};
use crate::syntax::ast::*;
use crate::syntax::visit::{self, Visitor};
use crate::syntax::{parse_file, SourceMap, Span};

/// What `lacquer test` was asked to do.
#[derive(Debug, Clone)]
pub struct Config {
    pub main: PathBuf,
    /// Include directories; test files are searched for in them too.
    pub include: Vec<PathBuf>,
    /// Glob over test file names (default `*.test.vcl`).
    pub filter: String,
    pub options: Options,
}

/// How tests run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--tag` values (`@tag` rules).
    pub tags: Vec<String>,
    /// Measure statement coverage of the main program.
    pub coverage: bool,
    /// Geolocation databases for `client.geo.*` (`--geo-db`).
    pub geo: Option<Arc<crate::interp::geo::GeoDb>>,
}

/// A test file's name (as reports show it) and contents.
#[derive(Debug, Clone)]
pub struct TestFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Why tests could not run.
#[derive(Debug)]
pub enum RunError {
    /// A file or directory could not be read.
    Io(String),
    /// The main program or a test file does not check or compile.
    Invalid(Vec<Rejected>),
}

/// Error diagnostics of one program, with the source map they point into.
#[derive(Debug)]
pub struct Rejected {
    pub map: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Io(e) => f.write_str(e),
            RunError::Invalid(r) => {
                let n: usize = r.iter().map(|r| r.diagnostics.len()).sum();
                write!(f, "the VCL does not compile ({n} error(s))")
            }
        }
    }
}

/// Finds the test files for `config.main` and runs them. `progress(done, total)` is
/// called after each test.
pub fn run_paths(config: &Config, progress: &mut dyn FnMut(usize, usize)) -> Result<Report, RunError> {
    let main = &config.main;
    let bytes = std::fs::read(main).map_err(|e| RunError::Io(format!("cannot read {}: {e}", main.display())))?;
    let main_dir = match main.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(p) => p.to_path_buf(),
        None => PathBuf::from("."),
    };
    let mut dirs = vec![main_dir];
    dirs.extend(config.include.iter().cloned());
    let paths = discovery::find(&dirs, &config.filter).map_err(|e| RunError::Io(e.to_string()))?;
    let mut files = Vec::with_capacity(paths.len());
    for path in &paths {
        let bytes = std::fs::read(path).map_err(|e| RunError::Io(format!("cannot read {}: {e}", path.display())))?;
        files.push(TestFile { name: display_name(path), bytes });
    }
    let mut loader = FsLoader { dirs };
    run_sources(&display_name(main), &bytes, &mut loader, &files, &config.options, progress)
}

/// A path as reports show it: relative to the current directory when below it.
fn display_name(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let rel = cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()).unwrap_or(path);
    rel.strip_prefix("./").unwrap_or(rel).display().to_string()
}

/// Runs `files` against the main program `main` (named `main_name`; includes through
/// `loader`).
pub fn run_sources(
    main_name: &str,
    main: &[u8],
    loader: &mut dyn Loader,
    files: &[TestFile],
    options: &Options,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, RunError> {
    let base = assemble::assemble(main_name, main, SourceKind::File, loader);
    let (model, mut diags) = check::check(&base.map, &base.unit, check::Options::default());
    diags.extend(base.diagnostics.iter().cloned());
    diags.retain(|d| d.severity == Severity::Error);
    if diags.is_empty() {
        diags = ir::compile(&base.unit, &model).1;
        diags.retain(|d| d.severity == Severity::Error);
    }
    if !diags.is_empty() {
        crate::diag::sort(&mut diags);
        return Err(RunError::Invalid(vec![Rejected { map: base.map.clone(), diagnostics: diags }]));
    }
    let main_subs: Vec<String> = base
        .unit
        .decls
        .iter()
        .filter_map(|d| match d {
            Decl::Sub(s) => Some(s.name.name.clone()),
            _ => None,
        })
        .collect();

    let mut prepared = Vec::new();
    let mut rejected = Vec::new();
    // `req.vcl.md5` is that of the VCL under test, not of the test files.
    let md5 = base.source_md5();
    for file in files {
        match prepare(&base.map, &base.unit, file) {
            Ok(mut p) => {
                p.program.vcl_md5 = md5.clone();
                prepared.push(p)
            }
            Err(r) => rejected.push(r),
        }
    }
    if !rejected.is_empty() {
        return Err(RunError::Invalid(rejected));
    }

    let total: usize = prepared.iter().map(Prepared::case_count).sum();
    let mut done = 0;
    let mut coverage: HashMap<String, Vec<bool>> = HashMap::new();
    let mut report = Report::default();
    for p in &mut prepared {
        let mut cov: Vec<Vec<bool>> = Vec::new();
        let mut run = Run { p, options, cov: options.coverage.then_some(&mut cov), done: &mut done, total, progress };
        let cases = run.all();
        report.files.push(FileReport { name: p.name.clone(), cases });
        if options.coverage {
            merge_coverage(&mut coverage, &p.program, &main_subs, &cov);
        }
    }
    if options.coverage {
        let reference = prepared.first().map(|p| &p.program);
        report.coverage = Some(Coverage {
            subs: main_subs
                .iter()
                .map(|name| {
                    let total = reference
                        .and_then(|p| p.sub_by_name(name).and_then(|i| p.subs.get(i as usize)))
                        .map_or(0, |s| s.spans.len());
                    let covered = coverage.get(name).map_or(0, |v| v.iter().filter(|b| **b).count());
                    SubCoverage { name: name.clone(), covered, total }
                })
                .collect(),
        });
    }
    Ok(report)
}

/// ORs the statements run in `cov` (indexed by `program`'s subroutines) into `into`,
/// keyed by subroutine name, for the main program's subroutines.
fn merge_coverage(into: &mut HashMap<String, Vec<bool>>, program: &Program, main_subs: &[String], cov: &[Vec<bool>]) {
    for name in main_subs {
        let Some(idx) = program.sub_by_name(name) else { continue };
        let Some(run) = cov.get(idx as usize) else { continue };
        let entry = into.entry(name.clone()).or_default();
        if entry.len() < run.len() {
            entry.resize(run.len(), false);
        }
        for (slot, ran) in entry.iter_mut().zip(run) {
            *slot |= *ran;
        }
    }
}

// ----- preparing a test file -----

/// A test file joined with the main program, compiled, with its tests in order.
struct Prepared {
    name: String,
    map: SourceMap,
    program: Program,
    items: Vec<Item>,
    backend_hosts: Arc<Vec<BackendHost>>,
    /// Table calls in each test subroutine and hook (by subroutine index).
    tables: HashMap<u32, Vec<TableCall>>,
}

enum Item {
    Test(Case),
    Group(Group),
}

struct Case {
    sub: String,
    idx: u32,
    ann: Annotations,
    line: u32,
}

struct Group {
    name: String,
    tests: Vec<Case>,
    /// Hook subroutines by (before?, scope).
    hooks: HashMap<(bool, SubKind), u32>,
}

/// A table call's site ([`site_arg`]) and what it does, or why it cannot be applied.
type TableCall = (i64, Result<TableOp, String>);

/// A `testing.table_set` / `testing.table_merge` call resolved against the program.
#[derive(Debug, Clone)]
enum TableOp {
    Set { table: u32, key: Bytes, value: Value },
    Merge { base: u32, from: u32 },
}

impl Prepared {
    fn case_count(&self) -> usize {
        self.items
            .iter()
            .map(|i| match i {
                Item::Test(c) => c.ann.scopes.len(),
                Item::Group(g) => g.tests.iter().map(|c| c.ann.scopes.len()).sum(),
            })
            .sum()
    }
}

/// A test or hook subroutine found while flattening the file.
struct Pending {
    sub: String,
    span: Span,
    ann: Annotations,
}

fn prepare(base_map: &SourceMap, base_unit: &SourceUnit, file: &TestFile) -> Result<Prepared, Rejected> {
    let mut map = base_map.clone();
    let id = map.add(file.name.clone(), &file.bytes);
    let parsed = parse_file(&map, id);
    let mut diags: Vec<Diagnostic> = parsed.diagnostics.into_iter().filter(|d| d.severity == Severity::Error).collect();
    let tokens = parsed.tokens;
    let mut unit = base_unit.clone();
    let mut roots: HashMap<String, Scopes> = HashMap::new();
    // (item, tests pending resolution to indices)
    enum Shape {
        Test(Pending),
        Group(String, Vec<Pending>, Vec<(bool, SubKind, String)>),
    }
    let mut shapes = Vec::new();
    let test_of = |sub: &SubDecl, roots: &mut HashMap<String, Scopes>| {
        let comments = annotations::leading_comments(&map, &tokens, sub.span.start);
        let ann = annotations::parse(&comments, &sub.name.name);
        let scopes = ann.scopes.iter().fold(Scopes::NONE, |acc, k| acc | k.scope());
        roots.insert(sub.name.name.clone(), scopes);
        Pending { sub: sub.name.name.clone(), span: sub.span, ann }
    };
    let mut used_names: Vec<String> = Vec::new();
    for decl in parsed.tree.decls {
        match decl {
            Decl::Sub(sub) => {
                shapes.push(Shape::Test(test_of(&sub, &mut roots)));
                unit.decls.push(Decl::Sub(sub));
            }
            Decl::Describe(d) => {
                let mut tests = Vec::new();
                let mut hooks: Vec<(bool, SubKind, String)> = Vec::new();
                for item in d.items {
                    match item {
                        Decl::Sub(sub) => {
                            tests.push(test_of(&sub, &mut roots));
                            unit.decls.push(Decl::Sub(sub));
                        }
                        Decl::Hook(h) => {
                            let Some((before, kind)) = annotations::hook_scope(&h.name.name) else {
                                diags.push(
                                    Diagnostic::error("subroutine/syntax", format!("unknown hook `{}`", h.name.name))
                                        .with_primary(h.name.span, "not a hook")
                                        .with_help("hooks are `before_<scope>` and `after_<scope>`, e.g. `before_recv { ... }`"),
                                );
                                continue;
                            };
                            if hooks.iter().any(|(b, k, _)| *b == before && *k == kind) {
                                diags.push(
                                    Diagnostic::error(
                                        "subroutine/duplicated",
                                        format!("hook `{}` is declared twice", h.name.name),
                                    )
                                    .with_primary(h.name.span, "declared again here"),
                                );
                                continue;
                            }
                            let internal = hook_name(&d.name.name, &h.name.name, &used_names);
                            used_names.push(internal.clone());
                            roots.insert(internal.clone(), kind.scope());
                            hooks.push((before, kind, internal.clone()));
                            let name = Ident { name: internal, span: h.name.span };
                            unit.decls.push(Decl::Sub(SubDecl {
                                name,
                                params: Vec::new(),
                                return_type: None,
                                body: h.body,
                                span: h.span,
                            }));
                        }
                        other => unit.decls.push(other),
                    }
                }
                shapes.push(Shape::Group(d.name.name.clone(), tests, hooks));
            }
            Decl::Hook(h) => diags.push(
                Diagnostic::error("subroutine/syntax", format!("hook `{}` outside a `describe` group", h.name.name))
                    .with_primary(h.name.span, "hooks belong in a `describe` block"),
            ),
            Decl::Include(inc) => diags.push(
                Diagnostic::error("include/module-not-found", "test files cannot include other files")
                    .with_primary(inc.span, "not supported in a test file")
                    .with_help("put shared fixtures in the test file itself, or in the main VCL"),
            ),
            other => unit.decls.push(other),
        }
    }
    let options = check::Options { generated: false, testing: true, sub_scopes: roots };
    let (model, check_diags) = check::check(&map, &unit, options);
    diags.extend(check_diags.into_iter().filter(|d| d.severity == Severity::Error));
    let reject = |map: SourceMap, mut diagnostics: Vec<Diagnostic>| {
        crate::diag::sort(&mut diagnostics);
        Rejected { map, diagnostics }
    };
    if !diags.is_empty() {
        return Err(reject(map, diags));
    }
    let (program, compile_diags) = ir::compile_with(&unit, &model, true);
    let compile_errors: Vec<_> = compile_diags.into_iter().filter(|d| d.severity == Severity::Error).collect();
    if !compile_errors.is_empty() {
        return Err(reject(map, compile_errors));
    }

    let line_of = |span: Span| map.resolve(span).map_or(0, |r| r.start.0);
    let case = |p: Pending, program: &Program| {
        let idx = program.sub_by_name(&p.sub).unwrap_or(u32::MAX);
        Case { line: line_of(p.span), sub: p.sub, idx, ann: p.ann }
    };
    let mut items = Vec::new();
    for shape in shapes {
        match shape {
            Shape::Test(p) => items.push(Item::Test(case(p, &program))),
            Shape::Group(name, tests, hooks) => {
                let tests = tests.into_iter().map(|p| case(p, &program)).collect();
                let hooks = hooks
                    .into_iter()
                    .filter_map(|(before, kind, sub)| Some(((before, kind), program.sub_by_name(&sub)?)))
                    .collect();
                items.push(Item::Group(Group { name, tests, hooks }));
            }
        }
    }
    let backend_hosts = Arc::new(backend_hosts(&unit, &program));
    let tables = table_calls(&unit, &program);
    Ok(Prepared { name: file.name.clone(), map, program, items, backend_hosts, tables })
}

/// The internal subroutine name of a hook: `__GROUP__before_recv` (made unique).
fn hook_name(group: &str, hook: &str, used: &[String]) -> String {
    let clean: String = group.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let base = format!("__{clean}__{hook}");
    let mut name = base.clone();
    let mut n = 1;
    while used.contains(&name) {
        n += 1;
        name = format!("{base}_{n}");
    }
    name
}

/// `.host`, `.host_header` and `.always_use_host_header` of each backend, by index.
fn backend_hosts(unit: &SourceUnit, program: &Program) -> Vec<BackendHost> {
    let mut by_name: HashMap<&str, BackendHost> = HashMap::new();
    for decl in &unit.decls {
        let Decl::Backend(b) = decl else { continue };
        let mut h = BackendHost::default();
        for prop in &b.props {
            let PropValue::Expr(e) = &prop.value else { continue };
            match (prop.name.name.as_str(), &e.kind) {
                ("host", ExprKind::Literal(Literal::String(s))) => h.host = Some(s.value.clone()),
                ("host_header", ExprKind::Literal(Literal::String(s))) => h.host_header = Some(s.value.clone()),
                ("always_use_host_header", ExprKind::Literal(Literal::Bool(v))) => h.always_use_host_header = *v,
                _ => {}
            }
        }
        by_name.insert(b.name.name.as_str(), h);
    }
    program.backends.iter().map(|b| by_name.get(b.name.as_str()).cloned().unwrap_or_default()).collect()
}

/// Finds `testing.table_set` / `testing.table_merge` calls in each subroutine body.
struct TableCalls<'a> {
    program: &'a Program,
    found: Vec<TableCall>,
}

impl Visitor for TableCalls<'_> {
    fn visit_expr(&mut self, expr: &Expr) {
        if let ExprKind::Call { name, args } = &expr.kind {
            let op = match name.name.as_str() {
                "testing.table_set" => Some(self.set(args)),
                "testing.table_merge" => Some(self.merge(args)),
                _ => None,
            };
            if let Some(op) = op {
                self.found.push((site_arg(name.span), op));
            }
        }
        visit::walk_expr(self, expr);
    }
}

impl TableCalls<'_> {
    fn table(&self, e: Option<&Expr>) -> Result<u32, String> {
        let name = match e.map(|e| &e.kind) {
            Some(ExprKind::Var(v)) => v.name.as_str(),
            _ => return Err("the table must be named directly".into()),
        };
        self.program
            .tables
            .iter()
            .position(|t| t.name == name)
            .map(|i| i as u32)
            .ok_or_else(|| format!("`{name}` is not a table"))
    }

    fn set(&self, args: &[Expr]) -> Result<TableOp, String> {
        let table = self.table(args.first())?;
        let literal = |e: Option<&Expr>, what: &str| match e.map(|e| &e.kind) {
            Some(ExprKind::Literal(Literal::String(s))) => Ok(s.value.clone()),
            _ => Err(format!("lacquer applies table_set before the test runs, so the {what} must be a string literal")),
        };
        let key = literal(args.get(1), "key")?;
        let text = literal(args.get(2), "value")?;
        let ty = self.program.tables.get(table as usize).map_or(Type::String, |t| t.ty);
        let value = table_value(self.program, ty, &text)?;
        Ok(TableOp::Set { table, key: Bytes::from(key), value })
    }

    fn merge(&self, args: &[Expr]) -> Result<TableOp, String> {
        let base = self.table(args.first())?;
        let from = self.table(args.get(1))?;
        let ty = |i: u32| self.program.tables.get(i as usize).map(|t| t.ty);
        if ty(base) != ty(from) {
            return Err("the tables hold values of different types".into());
        }
        Ok(TableOp::Merge { base, from })
    }
}

/// A table value written as a string, converted to the table's type.
fn table_value(program: &Program, ty: Type, text: &str) -> Result<Value, String> {
    let bad = || format!("\"{text}\" is not a {ty} value");
    Ok(match ty {
        Type::String => Value::str(text),
        Type::Integer => Value::Integer(text.trim().parse().map_err(|_| bad())?),
        Type::Float => Value::Float(text.trim().parse().map_err(|_| bad())?),
        Type::Bool => match text.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad()),
        },
        Type::Rtime => Value::Rtime(crate::syntax::parser::parse_rtime(text.trim()).ok_or_else(bad)?),
        Type::Ip => Value::Ip(text.trim().parse().map_err(|_| bad())?),
        Type::Backend => Value::Backend(program.backends.iter().position(|b| b.name == text).ok_or_else(bad)? as u32),
        Type::Acl => Value::Acl(program.acls.iter().position(|a| a.name == text).ok_or_else(bad)? as u32),
        _ => return Err(format!("lacquer cannot set values of {ty} tables from a test")),
    })
}

fn table_calls(unit: &SourceUnit, program: &Program) -> HashMap<u32, Vec<TableCall>> {
    let mut out = HashMap::new();
    for decl in &unit.decls {
        let Decl::Sub(sub) = decl else { continue };
        let mut v = TableCalls { program, found: Vec::new() };
        v.visit_block(&sub.body);
        if let (false, Some(idx)) = (v.found.is_empty(), program.sub_by_name(&sub.name.name)) {
            out.insert(idx, v.found);
        }
    }
    out
}

fn apply(tables: &mut [Table], op: &TableOp) {
    match op {
        TableOp::Set { table, key, value } => {
            if let Some(t) = tables.get_mut(*table as usize) {
                t.entries.insert(key.clone(), value.clone());
            }
        }
        TableOp::Merge { base, from } => {
            let entries = tables.get(*from as usize).map(|t| t.entries.clone()).unwrap_or_default();
            if let Some(t) = tables.get_mut(*base as usize) {
                t.entries.extend(entries);
            }
        }
    }
}

// ----- running -----

struct Run<'a, 'p> {
    p: &'a mut Prepared,
    options: &'a Options,
    cov: Option<&'a mut Vec<Vec<bool>>>,
    done: &'a mut usize,
    total: usize,
    progress: &'p mut dyn FnMut(usize, usize),
}

impl Run<'_, '_> {
    fn all(&mut self) -> Vec<CaseResult> {
        let mut out = Vec::new();
        let items = std::mem::take(&mut self.p.items);
        for item in &items {
            match item {
                Item::Test(case) => {
                    for &scope in &case.ann.scopes {
                        let result = if self.skip(case) {
                            skipped(case, scope, None)
                        } else {
                            let subs = [case.idx];
                            let saved = self.prepare_tables(&subs);
                            let (mut state, runtime) = self.fresh(&subs);
                            let r = self.case(case, scope, None, &mut state, &runtime);
                            self.restore_tables(saved);
                            r
                        };
                        self.tick();
                        out.push(result);
                    }
                }
                Item::Group(group) => out.extend(self.group(group)),
            }
        }
        self.p.items = items;
        out
    }

    fn skip(&self, case: &Case) -> bool {
        case.ann.skip || !annotations::tags_allow(&case.ann.tags, &self.options.tags)
    }

    fn tick(&mut self) {
        *self.done += 1;
        (self.progress)(*self.done, self.total);
    }

    /// A new request state for a test (or a group) whose subroutines are `subs`.
    fn fresh(&self, subs: &[u32]) -> (ReqState, Runtime) {
        let mut st = ReqState::default();
        st.req.headers.set(b"Host", Bytes::from_static(b"localhost"));
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
        st.now = now;
        st.time_start = now;
        let table_calls = subs
            .iter()
            .filter_map(|s| self.p.tables.get(s))
            .flatten()
            .map(|(site, op)| (*site, op.as_ref().map(|_| ()).map_err(Clone::clone)))
            .collect();
        st.testing = Some(Box::new(TestState {
            backend_hosts: Arc::clone(&self.p.backend_hosts),
            table_calls: Arc::new(table_calls),
            coverage: self.options.coverage.then(Vec::new),
            ..TestState::default()
        }));
        (st, Runtime { geo: self.options.geo.clone(), ..Runtime::default() })
    }

    /// Applies the table calls of `subs`; returns the tables to restore afterwards.
    fn prepare_tables(&mut self, subs: &[u32]) -> Option<Vec<Table>> {
        let ops: Vec<TableOp> =
            subs.iter().filter_map(|s| self.p.tables.get(s)).flatten().filter_map(|(_, op)| op.clone().ok()).collect();
        if ops.is_empty() {
            return None;
        }
        let saved = self.p.program.tables.clone();
        for op in &ops {
            apply(&mut self.p.program.tables, op);
        }
        // The compiled code looks constant keys up once, when it is built.
        self.p.program.code = crate::interp::compile_code(&self.p.program);
        Some(saved)
    }

    fn restore_tables(&mut self, saved: Option<Vec<Table>>) {
        if let Some(tables) = saved {
            self.p.program.tables = tables;
            self.p.program.code = crate::interp::compile_code(&self.p.program);
        }
    }

    fn group(&mut self, g: &Group) -> Vec<CaseResult> {
        let mut subs: Vec<u32> = g.tests.iter().map(|c| c.idx).collect();
        subs.extend(g.hooks.values().copied());
        let saved = self.prepare_tables(&subs);
        let (mut state, runtime) = self.fresh(&subs);
        let mut out = Vec::new();
        for case in &g.tests {
            for &scope in &case.ann.scopes {
                let result = if self.skip(case) {
                    skipped(case, scope, Some(&g.name))
                } else {
                    self.case(case, scope, Some(g), &mut state, &runtime)
                };
                self.tick();
                out.push(result);
            }
        }
        self.restore_tables(saved);
        out
    }

    /// Runs subroutine `idx`; a failed assertion or a fault becomes a failure.
    fn exec(&mut self, idx: u32, state: &mut ReqState, runtime: &Runtime) -> Option<Failure> {
        let result = run_sub(&self.p.program, idx, Vec::new(), state, runtime, self.cov.as_deref_mut());
        let t = state.testing.as_deref_mut();
        let recorded = t.and_then(|t| t.failure.take());
        match result {
            Ok(_) => recorded,
            Err(fault) => Some(recorded.unwrap_or_else(|| Failure {
                what: "runtime error".into(),
                message: Some(fault.to_string()),
                expected: None,
                actual: None,
                site: None,
            })),
        }
    }

    fn case(
        &mut self,
        case: &Case,
        scope: SubKind,
        group: Option<&Group>,
        state: &mut ReqState,
        runtime: &Runtime,
    ) -> CaseResult {
        if let Some(t) = state.testing.as_deref_mut() {
            t.begin_test();
        }
        let hook = |before: bool| group.and_then(|g| g.hooks.get(&(before, scope)).copied());
        let mut failure = None;
        if let Some(h) = hook(true) {
            failure = self.exec(h, state, runtime).map(|f| in_hook(f, "before", scope));
        }
        let start = Instant::now();
        if failure.is_none() {
            failure = self.exec(case.idx, state, runtime);
        }
        let duration = start.elapsed();
        if let Some(h) = hook(false) {
            if let Some(f) = self.exec(h, state, runtime) {
                failure = failure.or(Some(in_hook(f, "after", scope)));
            }
        }
        self.collect_coverage(state);
        let multi_scope = case.ann.scopes.len() > 1;
        CaseResult {
            sub: case.sub.clone(),
            name: case.ann.suite.clone().unwrap_or_else(|| case.sub.clone()),
            group: group.map(|g| g.name.clone()),
            scope,
            multi_scope,
            status: if failure.is_some() { Status::Failed } else { Status::Passed },
            duration,
            line: case.line,
            failure: failure.map(|f| self.failure_report(f)),
        }
    }

    /// Moves the coverage of subroutines run through `testing.call_subroutine` into ours.
    fn collect_coverage(&mut self, state: &mut ReqState) {
        let (Some(cov), Some(t)) = (self.cov.as_deref_mut(), state.testing.as_deref_mut()) else { return };
        let Some(inner) = t.coverage.as_mut() else { return };
        if cov.len() < inner.len() {
            cov.resize(inner.len(), Vec::new());
        }
        for (into, from) in cov.iter_mut().zip(inner.iter_mut()) {
            if into.len() < from.len() {
                into.resize(from.len(), false);
            }
            for (a, b) in into.iter_mut().zip(from.iter_mut()) {
                *a |= *b;
                *b = false;
            }
        }
    }

    fn failure_report(&self, f: Failure) -> FailureReport {
        let location = f.site.and_then(|span| {
            let r = self.p.map.resolve(span)?;
            let text = self.p.map.file(r.file).text.lines().nth(r.start.0.saturating_sub(1) as usize).unwrap_or("");
            Some(Location { file: r.name.to_string(), line: r.start.0, column: r.start.1, text: text.to_string() })
        });
        FailureReport { what: f.what, message: f.message, expected: f.expected, actual: f.actual, location }
    }
}

fn in_hook(mut f: Failure, when: &str, scope: SubKind) -> Failure {
    f.what = format!("{when}_{} hook: {}", scope.as_str(), f.what);
    f
}

fn skipped(case: &Case, scope: SubKind, group: Option<&str>) -> CaseResult {
    CaseResult {
        sub: case.sub.clone(),
        name: case.ann.suite.clone().unwrap_or_else(|| case.sub.clone()),
        group: group.map(String::from),
        scope,
        multi_scope: case.ann.scopes.len() > 1,
        status: Status::Skipped,
        duration: Duration::ZERO,
        line: case.line,
        failure: None,
    }
}
