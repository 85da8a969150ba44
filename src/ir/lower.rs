//! Lowering: a checked AST to an immutable [`Program`]. Names become indices and slots,
//! regex literals are compiled once (deduplicated by pattern), tables and ACLs become
//! lookup structures, `math.*` constants are folded, and every variable or function the
//! runtime does not implement yet is a compile-time error ("not supported yet: X").
//!
//! The input has passed the checker, so lowering trusts its types; it recomputes them only
//! to insert Fastly's implicit conversions.

use std::collections::HashMap;
use std::net::IpAddr;

use bytes::Bytes;

use super::*;
use crate::catalog::{self, Arity, SubKind, Type};
use crate::check::Model;
use crate::diag::Diagnostic;
use crate::interp::builtins;
use crate::interp::value::{Id, Obj, Value};
use crate::syntax::ast::{self, ConcatSep, Decl, ExprKind, Literal, LogicalOp, StmtKind as AstStmt};
use crate::syntax::Span;

/// Compiles a checked program. The program is usable only when no error diagnostics
/// are returned.
pub fn compile(unit: &ast::SourceUnit, model: &Model) -> (Program, Vec<Diagnostic>) {
    compile_with(unit, model, false)
}

/// [`compile`], and with `testing` set (`lacquer test`: a main program joined with a test
/// file) the test framework's `testing.*` / `assert.*` names resolve as well.
pub fn compile_with(unit: &ast::SourceUnit, model: &Model, testing: bool) -> (Program, Vec<Diagnostic>) {
    let mut c = Compiler {
        program: Program::default(),
        diags: Vec::new(),
        names: Names::default(),
        regex_index: HashMap::new(),
        testing,
        // `lacquer test` reads variables by name while running (`testing.inspect`).
        reads_whole_match: testing,
    };
    c.declarations(unit, model);
    for decl in &unit.decls {
        if let Decl::Sub(sub) = decl {
            if let Some(&idx) = c.names.subs.get(&sub.name.name) {
                let compiled = c.sub(sub);
                c.program.subs[idx as usize] = compiled;
            }
        }
    }
    if let Some((set, bits)) =
        super::prefilter::PrefilterSet::build(c.program.regexes.iter().map(|r| r.prefilter.as_ref()))
    {
        for (regex, bit) in c.program.regexes.iter_mut().zip(bits) {
            regex.set_bit = bit;
        }
        c.program.prefilter_set = Some(set);
    }
    if !c.reads_whole_match {
        for regex in &mut c.program.regexes {
            regex.whole_match_unread();
        }
    }
    c.program.code = crate::interp::compile_code(&c.program);
    (c.program, c.diags)
}

#[derive(Default)]
struct Names {
    backends: HashMap<String, u32>,
    acls: HashMap<String, u32>,
    tables: HashMap<String, u32>,
    subs: HashMap<String, u32>,
    ratecounters: HashMap<String, u32>,
    penaltyboxes: HashMap<String, u32>,
    counters: HashMap<String, u32>,
    limiters: HashMap<String, u32>,
}

struct Compiler {
    program: Program,
    diags: Vec<Diagnostic>,
    names: Names,
    regex_index: HashMap<String, u32>,
    /// Whether the program reads `re.group.0` (when it does not, a match of a regex
    /// without groups need not say where it lies).
    reads_whole_match: bool,
    /// `lacquer test` mode (see [`compile_with`]).
    testing: bool,
}

/// Counters per service (Fastly: "We currently limit you to 5 counters per service").
const MAX_COUNTERS: usize = 5;
/// `.time_window` bounds (Fastly: "Minimum is 60s (1m) and maximum 3600s (1h)").
const MIN_WINDOW: i64 = 60 * 1_000_000_000;
const MAX_WINDOW: i64 = 3600 * 1_000_000_000;

fn has_prop(o: &ast::ObjectDecl, name: &str) -> bool {
    o.props.iter().any(|p| p.name.name == name)
}

/// Enum words accepted as ID arguments (header objects are resolved separately).
const WORDS: &[&str] = &[
    "sha1",
    "sha256",
    "sha384",
    "sha512",
    "default",
    "standard",
    "url",
    "url_nopad",
    "der",
    "jwt",
    "aes128",
    "aes192",
    "aes256",
    "cbc",
    "ctr",
    "gcm",
    "ccm",
    "pkcs7",
    "nopad",
];

impl Compiler {
    fn unsupported(&mut self, what: String, span: Span) {
        self.diags.push(
            Diagnostic::error("runtime/not-supported", format!("not supported yet: {what}"))
                .with_primary(span, "the lacquer runtime cannot run this yet")
                .with_note("`lacquer lint` accepts it; running it (test, serve) needs runtime support"),
        );
    }

    /// Lowers a `counter` or `limiter` declaration, enforcing what Fastly's guide "VCL
    /// counters and limiters" states: `.type` is `"estimated"` (the only type, and the
    /// default here), `.time_window` is 60s–3600s, a limiter's `.max` is a positive
    /// count, and a service has at most [`MAX_COUNTERS`] counters. A rejected declaration
    /// is still indexed so its uses resolve; the program is unusable anyway.
    fn add_counter(&mut self, o: &ast::ObjectDecl) {
        let limiter = o.keyword.name == "limiter";
        let what = format!("{} `{}`", o.keyword.name, o.name.name);
        let mut window = None;
        let mut max = None;
        for p in &o.props {
            let ast::PropValue::Expr(e) = &p.value else { continue };
            match (p.name.name.as_str(), &e.kind) {
                ("type", ExprKind::Literal(Literal::String(s))) if !limiter && s.value != "estimated" => {
                    self.counter_error(
                        format!("{what}: unknown .type \"{}\"", s.value),
                        p.span,
                        "the only counter type is \"estimated\"",
                    );
                }
                ("time_window", ExprKind::Literal(Literal::Rtime(ns))) => {
                    if (MIN_WINDOW..=MAX_WINDOW).contains(ns) {
                        window = Some(*ns);
                    } else {
                        self.counter_error(
                            format!("{what}: .time_window is out of range"),
                            p.span,
                            "Fastly accepts 60s to 3600s",
                        );
                    }
                }
                ("max", ExprKind::Literal(Literal::Integer(n))) if limiter => {
                    if *n >= 1 {
                        max = Some(*n);
                    } else {
                        self.counter_error(
                            format!("{what}: .max must be at least 1"),
                            p.span,
                            "a limiter counts up to .max",
                        );
                    }
                }
                _ => {}
            }
        }
        let missing = |field: &str, present: bool| (!present).then(|| format!("{what} has no .{field}"));
        let problems = [missing("time_window", window.is_some() || has_prop(o, "time_window"))]
            .into_iter()
            .chain(limiter.then(|| missing("max", max.is_some() || has_prop(o, "max"))))
            .flatten()
            .collect::<Vec<_>>();
        for message in problems {
            self.counter_error(message, o.name.span, "required field");
        }
        let (window, name) = (window.unwrap_or(MIN_WINDOW), o.name.name.clone());
        if limiter {
            self.names.limiters.insert(name.clone(), self.program.limiters.len() as u32);
            self.program.limiters.push(LimiterDecl { name, max: max.unwrap_or(1), window });
        } else {
            if self.program.counters.len() == MAX_COUNTERS {
                self.counter_error(
                    format!("{what}: a service has at most {MAX_COUNTERS} counters"),
                    o.name.span,
                    "one counter too many",
                );
            }
            self.names.counters.insert(name.clone(), self.program.counters.len() as u32);
            self.program.counters.push(CounterDecl { name, window });
        }
    }

    /// The index of the counter (or limiter, by `kind`) an argument names. The checker
    /// accepts either kind for both function families; `counter.*` on a limiter (or the
    /// reverse) is refused here.
    fn counter_index(&mut self, kind: &str, v: &ast::Variable) -> u32 {
        let names = if kind == "counter" { &self.names.counters } else { &self.names.limiters };
        if let Some(&i) = names.get(&v.name) {
            return i;
        }
        self.counter_error(format!("`{}` is not a {kind}", v.name), v.span, &format!("`{kind}.*` needs a {kind} here"));
        u32::MAX
    }

    fn counter_error(&mut self, message: String, span: Span, label: &str) {
        self.diags.push(Diagnostic::error("counter/invalid", message).with_primary(span, label.to_string()));
    }

    fn declarations(&mut self, unit: &ast::SourceUnit, model: &Model) {
        for decl in &unit.decls {
            match decl {
                Decl::Backend(b) => self.add_backend(&b.name.name, false, backend_props(&b.props)),
                Decl::Director(d) => self.add_backend(&d.name.name, true, BackendProps::default()),
                Decl::Object(o) if matches!(o.keyword.name.as_str(), "counter" | "limiter") => self.add_counter(o),
                Decl::Object(o) => {
                    let (names, list) = match o.keyword.name.as_str() {
                        "ratecounter" => (&mut self.names.ratecounters, &mut self.program.ratecounters),
                        "penaltybox" => (&mut self.names.penaltyboxes, &mut self.program.penaltyboxes),
                        _ => continue,
                    };
                    names.insert(o.name.name.clone(), list.len() as u32);
                    list.push(o.name.name.clone());
                }
                Decl::Acl(a) => {
                    let entries = a
                        .entries
                        .iter()
                        .filter_map(|e| {
                            let addr: IpAddr = e.addr.value.parse().ok()?;
                            let max = if addr.is_ipv4() { 32 } else { 128 };
                            let prefix = e.mask.as_ref().map_or(max, |m| m.value.clamp(0, max as i64) as u8);
                            Some(AclEntry { negated: e.negated, addr, prefix })
                        })
                        .collect();
                    self.names.acls.insert(a.name.name.clone(), self.program.acls.len() as u32);
                    self.program.acls.push(Acl::new(a.name.name.clone(), entries));
                }
                Decl::Sub(s) => {
                    self.names.subs.insert(s.name.name.clone(), self.program.subs.len() as u32);
                    self.program.subs.push(Sub {
                        name: s.name.name.clone(),
                        kind: None,
                        slots: 0,
                        slot_init: Vec::new(),
                        params: Vec::new(),
                        ret: None,
                        body: Vec::new(),
                        spans: Vec::new(),
                    });
                }
                _ => {}
            }
        }
        // Directors after every backend and director has its index: members may name
        // declarations that come later.
        for decl in &unit.decls {
            if let Decl::Director(d) = decl {
                if let Some(&idx) = self.names.backends.get(&d.name.name) {
                    let info = director_info(d, &self.names.backends);
                    self.program.backends[idx as usize].director = Some(info);
                }
            }
        }
        // Tables after backends and ACLs: their values may name them.
        for decl in &unit.decls {
            if let Decl::Table(t) = decl {
                let ty = model.symbols.tables.get(&t.name.name).map_or(Type::String, |i| i.ty);
                let mut entries =
                    crate::ir::TableEntries::with_capacity_and_hasher(t.entries.len(), Default::default());
                for e in &t.entries {
                    if let Some(v) = self.table_value(ty, &e.value) {
                        entries.insert(Bytes::from(e.key.value.clone()), v);
                    }
                }
                self.names.tables.insert(t.name.name.clone(), self.program.tables.len() as u32);
                self.program.tables.push(Table { name: t.name.name.clone(), ty, entries });
            }
        }
    }

    fn add_backend(&mut self, name: &str, is_director: bool, props: BackendProps) {
        self.names.backends.insert(name.to_string(), self.program.backends.len() as u32);
        self.program.backends.push(BackendInfo { name: name.to_string(), is_director, props, director: None });
    }

    fn table_value(&mut self, ty: Type, e: &ast::Expr) -> Option<Value> {
        Some(match (&e.kind, ty) {
            (ExprKind::Literal(Literal::String(s)), Type::String) => Value::String(intern::bytes(s.value.as_bytes())),
            (ExprKind::Literal(Literal::String(s)), Type::Ip) => Value::Ip(s.value.parse().ok()?),
            (ExprKind::Literal(Literal::String(s)), Type::Regex) => Value::Regex(self.regex(&s.value, s.span)?),
            (ExprKind::Literal(Literal::Integer(i)), Type::Float) => Value::Float(*i as f64),
            (ExprKind::Literal(lit), _) => literal(lit),
            (ExprKind::Var(v), Type::Backend) => Value::Backend(*self.names.backends.get(&v.name)?),
            (ExprKind::Var(v), Type::Acl) => Value::Acl(*self.names.acls.get(&v.name)?),
            _ => return None,
        })
    }

    /// Compiles a regex literal once per pattern (PCRE2, JIT when available).
    fn regex(&mut self, pattern: &str, span: Span) -> Option<u32> {
        if let Some(i) = self.regex_index.get(pattern) {
            return Some(*i);
        }
        match Regex::new(pattern) {
            Ok(regex) => {
                let idx = self.program.regexes.len() as u32;
                self.program.regexes.push(regex);
                self.regex_index.insert(pattern.to_string(), idx);
                Some(idx)
            }
            Err(e) => {
                self.diags.push(
                    Diagnostic::error("regex/syntax", format!("invalid regular expression: {e}"))
                        .with_primary(span, "here"),
                );
                None
            }
        }
    }

    fn sub(&mut self, sub: &ast::SubDecl) -> Sub {
        let kind =
            SubKind::from_sub_name(&sub.name.name).filter(|_| sub.params.is_empty() && sub.return_type.is_none());
        let mut cx =
            SubCx { frames: vec![Vec::new()], slot_init: Vec::new(), spans: Vec::new(), labels: HashMap::new() };
        let mut params = Vec::new();
        for p in &sub.params {
            let ty = Type::from_name(&p.ty.name).unwrap_or(Type::String);
            params.push(ty);
            cx.declare(&p.name.name, ty);
        }
        let ret = sub.return_type.as_ref().and_then(|r| Type::from_name(&r.name));
        let body = self.block(&mut cx, &sub.body.stmts, ret);
        if let Some(kind) = kind {
            self.program.entries[kind as usize] = self.names.subs.get(&sub.name.name).copied();
        }
        Sub {
            name: sub.name.name.clone(),
            kind,
            slots: cx.slot_init.len() as u16,
            slot_init: cx.slot_init,
            params,
            ret,
            body,
            spans: cx.spans,
        }
    }

    fn block(&mut self, cx: &mut SubCx, stmts: &[ast::Stmt], ret: Option<Type>) -> Vec<Stmt> {
        cx.frames.push(Vec::new());
        let out = stmts.iter().filter_map(|s| self.stmt(cx, s, ret)).collect();
        cx.frames.pop();
        out
    }

    fn stmt(&mut self, cx: &mut SubCx, stmt: &ast::Stmt, ret: Option<Type>) -> Option<Stmt> {
        let id = cx.spans.len() as u32;
        cx.spans.push(stmt.span);
        let kind = match &stmt.kind {
            AstStmt::Set { target, op, value, .. } => {
                let (place, ty) = self.place(cx, target)?;
                let value = self.value_as(cx, value, ty);
                StmtKind::Set { place, op: *op, value }
            }
            AstStmt::Unset { target, .. } => StmtKind::Unset(self.place(cx, target)?.0),
            AstStmt::Add { target, value } => {
                let (place, _) = self.place(cx, target)?;
                StmtKind::Add { place, value: self.value_as(cx, value, Type::String) }
            }
            AstStmt::Call { name, args } => {
                let sub = *self.names.subs.get(&name.name)?;
                let params = self.program.subs.get(sub as usize).map(|s| s.params.clone()).unwrap_or_default();
                let args = self.sub_args(cx, &params, args.as_deref().unwrap_or(&[]));
                StmtKind::Call { sub, args }
            }
            AstStmt::Declare { name, ty, init, scope } => {
                let t = Type::from_name(&ty.name).unwrap_or(Type::String);
                let init = init.as_ref().map(|e| self.value_as(cx, e, t));
                let slot = match scope {
                    ast::DeclareScope::Local => cx.declare(&name.name, t),
                    ast::DeclareScope::Block => cx.declare_block(&name.name, t),
                };
                StmtKind::Declare { slot, init }
            }
            AstStmt::Return(r) => StmtKind::Return(match r {
                ast::Return::Bare => Return::Bare,
                ast::Return::Action(a) if ret.is_none() => match Action::from_name(&a.name) {
                    Some(Action::Error { .. }) => {
                        return Some(Stmt { id, kind: StmtKind::Error { status: None, message: None } });
                    }
                    Some(action) => Return::Action(action),
                    None => return None,
                },
                ast::Return::Action(a) => {
                    let e = ast::Expr::new(ExprKind::Var(ast::Variable { name: a.name.clone(), span: a.span }), a.span);
                    Return::Value(self.value_as(cx, &e, ret.unwrap_or(Type::String)))
                }
                ast::Return::Value(e) => Return::Value(self.value_as(cx, e, ret.unwrap_or(Type::String))),
            }),
            AstStmt::Error { status, message } => StmtKind::Error {
                status: status.as_ref().map(|e| self.expr(cx, e).0),
                message: message.as_ref().map(|e| self.value_as(cx, e, Type::String)),
            },
            AstStmt::Restart => StmtKind::Restart,
            AstStmt::Esi => StmtKind::Esi,
            AstStmt::Synthetic { base64, value } => {
                StmtKind::Synthetic { base64: *base64, value: self.value_as(cx, value, Type::String) }
            }
            AstStmt::Log(e) => StmtKind::Log(self.value_as(cx, e, Type::String)),
            AstStmt::Goto(label) => StmtKind::Goto(cx.label(&label.name)),
            AstStmt::Label(label) => StmtKind::Label(cx.label(&label.name)),
            AstStmt::If(ifs) => {
                let branches = ifs
                    .branches
                    .iter()
                    .map(|b| (self.expr(cx, &b.cond).0, self.block(cx, &b.body.stmts, ret)))
                    .collect();
                let otherwise = ifs.else_block.as_ref().map(|b| self.block(cx, &b.stmts, ret)).unwrap_or_default();
                StmtKind::If { branches, otherwise }
            }
            AstStmt::Block(b) => StmtKind::Block(self.block(cx, &b.stmts, ret)),
            AstStmt::Expr(e) => StmtKind::Eval(self.expr(cx, e).0),
            AstStmt::Switch { subject, cases } => {
                let subject = self.value_as(cx, subject, Type::String);
                let cases = cases
                    .iter()
                    .map(|c| {
                        let test = match (&c.label, c.regex) {
                            (None, _) => CaseTest::Default,
                            (Some(label), true) => match label.as_string_lit() {
                                Some(lit) => {
                                    self.regex(&lit.value, lit.span).map_or(CaseTest::Default, CaseTest::Matches)
                                }
                                None => {
                                    self.unsupported(
                                        "a `case ~` label that is not a string literal".into(),
                                        label.span,
                                    );
                                    CaseTest::Default
                                }
                            },
                            (Some(label), false) => CaseTest::Equals(self.value_as(cx, label, Type::String)),
                        };
                        Case { test, body: self.block(cx, &c.body, ret) }
                    })
                    .collect();
                StmtKind::Switch { subject, cases }
            }
            AstStmt::Break => StmtKind::Break,
            AstStmt::Fallthrough => StmtKind::Fallthrough,
            AstStmt::Include(_) | AstStmt::Invalid => return None,
        };
        Some(Stmt { id, kind })
    }

    fn sub_args(&mut self, cx: &mut SubCx, params: &[Type], args: &[ast::Expr]) -> Vec<Expr> {
        args.iter().zip(params).map(|(a, t)| self.value_as(cx, a, *t)).collect()
    }

    /// The target of `set`/`unset`/`add` and its type.
    fn place(&mut self, cx: &mut SubCx, target: &ast::Variable) -> Option<(Place, Type)> {
        if target.name.starts_with("var.") {
            let (slot, ty) = cx.lookup(&target.name)?;
            return Some((Place::Local(slot), ty));
        }
        let (var, ty) = self.var(&target.name, target.span)?;
        Some((Place::Var(var), ty))
    }

    /// Resolves a catalog variable to a runtime handle.
    fn var(&mut self, name: &str, span: Span) -> Option<(Var, Type)> {
        // `lacquer test`: the `testing.*` variables, in test mode only.
        if let (true, Some(b), Some(m)) = (self.testing, vars::testing(name), catalog::testing_variable(name)) {
            return Some((Var::Builtin(b), m.def.ty));
        }
        let m = catalog::variable(name)?;
        if let Some(param) = m.param {
            let obj = name.split('.').next().and_then(Obj::from_name);
            if let (Some(obj), true) = (obj, m.def.name.contains(".http.")) {
                let header = intern::bytes(param.as_bytes());
                return Some(match (m.subfield, param.strip_suffix('*')) {
                    (Some(key), _) => {
                        (Var::HeaderField(obj, header, Bytes::copy_from_slice(key.as_bytes())), Type::String)
                    }
                    (None, Some(prefix)) => {
                        (Var::HeaderPrefix(obj, Bytes::copy_from_slice(prefix.as_bytes())), Type::String)
                    }
                    (None, None) => (Var::Header(obj, header), Type::String),
                });
            }
            if m.def.name == "re.group.{N}" {
                let n = param.parse().unwrap_or(0);
                self.reads_whole_match |= n == 0;
                return Some((Var::ReGroup(n), Type::String));
            }
            if let Some(rest) = m.def.name.strip_prefix("ratecounter.{NAME}.") {
                if let Some(&rc) = self.names.ratecounters.get(param) {
                    let (kind, window) = rest.split_once('.').unwrap_or((rest, "10s"));
                    let seconds = window.trim_end_matches('s').parse().unwrap_or(10);
                    return Some((Var::RateCounter { rc, rate: kind == "rate", seconds }, m.def.ty));
                }
            }
            if m.def.name == "backend.{NAME}.healthy" || m.def.name == "director.{NAME}.healthy" {
                if let Some(&b) = self.names.backends.get(param) {
                    return Some((Var::BackendHealthy(b), Type::Bool));
                }
            }
            if let Some(which) = m.def.name.strip_prefix("backend.{NAME}.connections_") {
                if let Some(&backend) = self.names.backends.get(param) {
                    return Some((Var::BackendConnections { backend, used: which == "used" }, Type::Integer));
                }
            }
        }
        match vars::by_name(m.def.name) {
            Some(b) => Some((Var::Builtin(b), m.def.ty)),
            None => {
                self.unsupported(format!("variable `{name}`"), span);
                None
            }
        }
    }

    /// An expression converted to `target` (Fastly's implicit conversions on assignment).
    fn value_as(&mut self, cx: &mut SubCx, e: &ast::Expr, target: Type) -> Expr {
        let (expr, ty) = self.expr(cx, e);
        match conversion(target, ty) {
            Conv::None => expr,
            conv => Expr::Convert(Box::new(expr), conv),
        }
    }

    fn expr(&mut self, cx: &mut SubCx, e: &ast::Expr) -> (Expr, Type) {
        match &e.kind {
            ExprKind::Literal(lit) => {
                let v = literal(lit);
                let ty = value_type(&v);
                (Expr::Const(v), ty)
            }
            ExprKind::Var(v) => self.read(cx, v),
            ExprKind::Call { name, args } => self.call(cx, name, args),
            ExprKind::Paren(inner) => self.expr(cx, inner),
            ExprKind::Not(inner) => (Expr::Not(Box::new(self.expr(cx, inner).0)), Type::Bool),
            ExprKind::Logical { op, operands } => {
                let ops = operands.iter().map(|o| self.expr(cx, o).0).collect();
                (if *op == LogicalOp::And { Expr::And(ops) } else { Expr::Or(ops) }, Type::Bool)
            }
            ExprKind::Compare { op, lhs, rhs, .. } => (self.compare(cx, *op, lhs, rhs), Type::Bool),
            ExprKind::Concat(parts) => self.concat(cx, parts),
            ExprKind::Invalid => (Expr::Const(Value::NotSet), Type::String),
        }
    }

    fn read(&mut self, cx: &mut SubCx, v: &ast::Variable) -> (Expr, Type) {
        if v.name.starts_with("var.") {
            if let Some((slot, ty)) = cx.lookup(&v.name) {
                return (Expr::Local(slot), ty);
            }
        }
        if let Some(c) = vars::constant(&v.name) {
            let ty = value_type(&c);
            return (Expr::Const(c), ty);
        }
        if let Some(&b) = self.names.backends.get(&v.name) {
            return (Expr::Const(Value::Backend(b)), Type::Backend);
        }
        if let Some(&a) = self.names.acls.get(&v.name) {
            return (Expr::Const(Value::Acl(a)), Type::Acl);
        }
        match self.var(&v.name, v.span) {
            Some((var, ty)) => (Expr::Var(var), ty),
            None => (Expr::Const(Value::NotSet), Type::String),
        }
    }

    fn compare(&mut self, cx: &mut SubCx, op: ast::CompareOp, lhs: &ast::Expr, rhs: &ast::Expr) -> Expr {
        let (l, lt) = self.expr(cx, lhs);
        let negate = op == ast::CompareOp::NotMatch;
        match op {
            ast::CompareOp::Match | ast::CompareOp::NotMatch => {
                if lt == Type::Ip {
                    let acl = self.expr(cx, rhs).0;
                    return Expr::MatchAcl { negate, subject: Box::new(l), acl: Box::new(acl) };
                }
                if let Some(lit) = rhs.as_string_lit() {
                    if let Some(regex) = self.regex(&lit.value, lit.span) {
                        return Expr::Match { negate, subject: Box::new(l), regex };
                    }
                    return Expr::Const(Value::Bool(false));
                }
                let r = self.expr(cx, rhs).0;
                Expr::MatchDynamic { negate, subject: Box::new(l), regex: Box::new(r) }
            }
            _ => {
                let (r, rt) = self.expr(cx, rhs);
                let r = match conversion(lt, rt) {
                    Conv::Ip | Conv::Float => Expr::Convert(Box::new(r), conversion(lt, rt)),
                    _ => r,
                };
                Expr::Compare { op, lhs: Box::new(l), rhs: Box::new(r) }
            }
        }
    }

    /// Juxtaposition concatenates; `+`/`-` with a TIME and an RTIME shift the time.
    fn concat(&mut self, cx: &mut SubCx, parts: &[ast::ConcatPart]) -> (Expr, Type) {
        let mut segments: Vec<(Expr, Type)> = Vec::new();
        for part in parts {
            let (e, t) = self.expr(cx, &part.expr);
            match (part.sep, segments.pop()) {
                (ConcatSep::Concat, prev) | (_, prev @ None) => {
                    segments.extend(prev);
                    segments.push((e, t));
                }
                (sep, Some((prev, Type::Time))) if t == Type::Rtime => {
                    let shifted =
                        Expr::TimeShift { time: Box::new(prev), delta: Box::new(e), subtract: sep == ConcatSep::Minus };
                    segments.push((shifted, Type::Time));
                }
                (_, Some(prev)) => {
                    segments.push(prev);
                    segments.push((e, t));
                }
            }
        }
        if segments.len() == 1 {
            if let Some(seg) = segments.pop() {
                return seg;
            }
        }
        (Expr::Concat(segments.into_iter().map(|(e, _)| e).collect()), Type::String)
    }

    fn call(&mut self, cx: &mut SubCx, name: &ast::Ident, args: &[ast::Expr]) -> (Expr, Type) {
        if name.name == "if" && args.len() == 3 {
            let cond = self.expr(cx, &args[0]).0;
            let (a, at) = self.expr(cx, &args[1]);
            let (b, bt) = self.expr(cx, &args[2]);
            let ty = if at == bt { at } else { Type::String };
            let conv = |e: Expr, t: Type| if t == ty { e } else { Expr::Convert(Box::new(e), Conv::String) };
            return (
                Expr::If { cond: Box::new(cond), then: Box::new(conv(a, at)), otherwise: Box::new(conv(b, bt)) },
                ty,
            );
        }
        if let Some(&sub) = self.names.subs.get(&name.name) {
            let (params, ret) =
                self.program.subs.get(sub as usize).map(|s| (s.params.clone(), s.ret)).unwrap_or_default();
            let args = self.sub_args(cx, &params, args);
            return (Expr::CallSub { sub, args }, ret.unwrap_or(Type::Void));
        }
        // `lacquer test`: `testing.inspect("obj.status")` reads the variable itself, in any
        // scope; the test framework's functions resolve in test mode only.
        if self.testing && name.name == "testing.inspect" {
            if let Some(lit) = args.first().and_then(ast::Expr::as_string_lit) {
                return self.inspect(cx, lit);
            }
        }
        let found =
            catalog::function(&name.name).or_else(|| catalog::testing_function(&name.name).filter(|_| self.testing));
        let Some(def) = found else { return (Expr::Const(Value::NotSet), Type::String) };
        let Some(f) = builtins::lookup(def.name) else {
            self.unsupported(format!("function `{}`", def.name), name.span);
            return (Expr::Const(Value::NotSet), def.ret);
        };
        let mut lowered = Vec::with_capacity(args.len());
        for (i, arg) in args.iter().enumerate() {
            let param = def.args.get(i).or_else(|| def.args.last().filter(|a| a.arity == Arity::Variadic));
            let Some(param) = param else { continue };
            lowered.push(self.argument(cx, param.ty, param.name, arg));
        }
        // `lacquer test`: a test-framework builtin gets its call site as a last, hidden
        // argument, so a failed assertion can point at its source line.
        if self.testing && catalog::testing_function(def.name).is_some() {
            lowered.push((Expr::Const(Value::Integer(crate::testing::site_arg(name.span))), Conv::None));
        }
        (Expr::Call { name: def.name, f, args: lowered }, def.ret)
    }

    /// `lacquer test`: `testing.inspect("NAME")` compiles to a read of the variable.
    fn inspect(&mut self, cx: &mut SubCx, lit: &ast::StringLit) -> (Expr, Type) {
        let v = ast::Variable { name: lit.value.clone(), span: lit.span };
        if !v.name.starts_with("var.") && catalog::variable(&v.name).is_none() {
            self.diags.push(
                Diagnostic::error("variable/undefined", format!("`testing.inspect`: unknown variable `{}`", v.name))
                    .with_primary(lit.span, "not a predefined variable"),
            );
        }
        self.read(cx, &v)
    }

    fn argument(&mut self, cx: &mut SubCx, ty: Type, pname: &str, arg: &ast::Expr) -> (Expr, Conv) {
        match (ty, &arg.kind) {
            (Type::Id, ExprKind::Var(v)) => (Expr::Const(Value::Id(self.id(pname, v))), Conv::None),
            (Type::Id, ExprKind::Literal(Literal::String(s))) => {
                let id = WORDS.iter().find(|w| **w == s.value).map_or(Id::Word("default"), |w| Id::Word(w));
                (Expr::Const(Value::Id(id)), Conv::None)
            }
            (Type::Regex, ExprKind::Literal(Literal::String(s))) => {
                let v = self.regex(&s.value, s.span).map_or(Value::NotSet, Value::Regex);
                (Expr::Const(v), Conv::None)
            }
            _ => {
                let (e, t) = self.expr(cx, arg);
                (e, conversion(ty, t))
            }
        }
    }

    fn id(&mut self, pname: &str, v: &ast::Variable) -> Id {
        let name = v.name.as_str();
        match pname {
            "counter" => return Id::Counter(self.counter_index(pname, v)),
            "limiter" => return Id::Limiter(self.counter_index(pname, v)),
            _ => {}
        }
        if let Some(&t) = self.names.tables.get(name) {
            return Id::Table(t);
        }
        if pname.starts_with("rc") {
            if let Some(&r) = self.names.ratecounters.get(name) {
                return Id::RateCounter(r);
            }
        }
        if let Some(&p) = self.names.penaltyboxes.get(name) {
            return Id::PenaltyBox(p);
        }
        if let Some(obj) = Obj::from_name(name) {
            return Id::Object(obj);
        }
        if let Some((obj, rest)) = name.split_once('.') {
            if let Some(obj) = Obj::from_name(obj) {
                if rest == "headers" {
                    return Id::Headers(obj);
                }
                if let Some(h) = rest.strip_prefix("http.") {
                    return Id::Header(obj, Bytes::copy_from_slice(h.as_bytes()));
                }
            }
        }
        match WORDS.iter().find(|w| **w == name) {
            Some(w) => Id::Word(w),
            // `lacquer test`: `assert.state(lookup)` names a state.
            None if self.testing && Action::from_name(name).is_some() => {
                Id::Word(Action::from_name(name).map_or("default", |a| a.as_str()))
            }
            None => {
                self.unsupported(format!("identifier argument `{name}`"), v.span);
                Id::Word("default")
            }
        }
    }
}

/// Per-subroutine compile state: local slots by scope, labels.
struct SubCx {
    frames: Vec<Vec<(String, u16, Type)>>,
    slot_init: Vec<Value>,
    spans: Vec<Span>,
    labels: HashMap<String, u32>,
}

impl SubCx {
    /// `declare local` and parameters: subroutine scope.
    fn declare(&mut self, name: &str, ty: Type) -> u16 {
        let slot = self.new_slot(ty);
        self.frames[0].push((name.to_string(), slot, ty));
        slot
    }

    /// `declare block`: the enclosing block.
    fn declare_block(&mut self, name: &str, ty: Type) -> u16 {
        let slot = self.new_slot(ty);
        if let Some(f) = self.frames.last_mut() {
            f.push((name.to_string(), slot, ty));
        }
        slot
    }

    fn new_slot(&mut self, ty: Type) -> u16 {
        self.slot_init.push(zero(ty));
        (self.slot_init.len() - 1) as u16
    }

    fn lookup(&self, name: &str) -> Option<(u16, Type)> {
        self.frames.iter().rev().flat_map(|f| f.iter().rev()).find(|(n, _, _)| n == name).map(|(_, s, t)| (*s, *t))
    }

    fn label(&mut self, name: &str) -> u32 {
        let next = self.labels.len() as u32;
        *self.labels.entry(name.to_string()).or_insert(next)
    }
}

/// A local's value before assignment (Fastly: 0, false, not set).
fn zero(ty: Type) -> Value {
    match ty {
        Type::Integer => Value::Integer(0),
        Type::Float => Value::Float(0.0),
        Type::Bool => Value::Bool(false),
        Type::Time => Value::Time(0),
        Type::Rtime => Value::Rtime(0),
        _ => Value::NotSet,
    }
}

fn literal(lit: &Literal) -> Value {
    match lit {
        Literal::String(s) => Value::String(intern::bytes(s.value.as_bytes())),
        Literal::Integer(i) | Literal::Percent(i) => Value::Integer(*i),
        Literal::Float(f) => Value::Float(*f),
        Literal::Rtime(r) => Value::Rtime(*r),
        Literal::Bool(b) => Value::Bool(*b),
    }
}

fn value_type(v: &Value) -> Type {
    match v {
        Value::String(_) | Value::NotSet => Type::String,
        Value::Integer(_) => Type::Integer,
        Value::Float(_) => Type::Float,
        Value::Bool(_) => Type::Bool,
        Value::Time(_) => Type::Time,
        Value::Rtime(_) => Type::Rtime,
        Value::Ip(_) => Type::Ip,
        Value::Backend(_) => Type::Backend,
        Value::Acl(_) => Type::Acl,
        Value::Regex(_) => Type::Regex,
        Value::Id(_) => Type::Id,
        Value::Void => Type::Void,
    }
}

/// The conversion a value of type `from` needs where a `to` is expected.
fn conversion(to: Type, from: Type) -> Conv {
    match (to, from) {
        (a, b) if a == b => Conv::None,
        (Type::String, _) => Conv::String,
        (Type::Float, Type::Integer | Type::Rtime | Type::Time) => Conv::Float,
        (Type::Integer, Type::Float | Type::Rtime | Type::Time) => Conv::Integer,
        (Type::Ip, Type::String) => Conv::Ip,
        (Type::Time, Type::String | Type::Integer | Type::Float | Type::Rtime) => Conv::Time,
        (Type::Rtime, Type::String | Type::Integer | Type::Float | Type::Time) => Conv::Rtime,
        _ => Conv::None,
    }
}

/// The connection settings of a `backend` declaration (the checker has typed them; a
/// property written in an unexpected form is left at Fastly's default).
fn backend_props(props: &[ast::Property]) -> BackendProps {
    let mut out = BackendProps::default();
    for p in props {
        let ast::PropValue::Expr(e) = &p.value else { continue };
        if let ("ssl_check_cert", ExprKind::Var(v)) = (p.name.name.as_str(), &e.kind) {
            // Fastly: `always` (the default) or `never`.
            out.ssl_check_cert = Some(v.name != "never");
            continue;
        }
        let ExprKind::Literal(lit) = &e.kind else { continue };
        match (p.name.name.as_str(), lit) {
            ("host", Literal::String(s)) => out.host = Some(s.value.clone()),
            ("port", Literal::String(s)) => out.port = Some(s.value.clone()),
            ("port", Literal::Integer(i)) => out.port = Some(i.to_string()),
            ("ssl", Literal::Bool(b)) => out.ssl = *b,
            ("host_header", Literal::String(s)) => out.host_header = Some(s.value.clone()),
            ("always_use_host_header", Literal::Bool(b)) => out.always_use_host_header = *b,
            ("connect_timeout", Literal::Rtime(ns)) => out.connect_timeout = Some(*ns),
            ("first_byte_timeout", Literal::Rtime(ns)) => out.first_byte_timeout = Some(*ns),
            ("between_bytes_timeout", Literal::Rtime(ns)) => out.between_bytes_timeout = Some(*ns),
            ("max_connections", Literal::Integer(i)) => out.max_connections = Some(*i),
            ("ssl_cert_hostname", Literal::String(s)) => out.ssl_cert_hostname = Some(s.value.clone()),
            ("ssl_sni_hostname", Literal::String(s)) => out.ssl_sni_hostname = Some(s.value.clone()),
            ("ssl_hostname", Literal::String(s)) => out.ssl_hostname = Some(s.value.clone()),
            ("ssl_ca_cert", Literal::String(s)) => out.ssl_ca_cert = Some(s.value.clone()),
            ("ssl_client_cert", Literal::String(s)) => out.ssl_client_cert = Some(s.value.clone()),
            ("ssl_client_key", Literal::String(s)) => out.ssl_client_key = Some(s.value.clone()),
            ("ssl_ciphers", Literal::String(s)) => out.ssl_ciphers = Some(s.value.clone()),
            ("min_tls_version", Literal::String(s)) => out.min_tls_version = Some(s.value.clone()),
            ("max_tls_version", Literal::String(s)) => out.max_tls_version = Some(s.value.clone()),
            _ => {}
        }
    }
    for p in props {
        if let ("probe", ast::PropValue::Object(fields, _)) = (p.name.name.as_str(), &p.value) {
            out.probe = Some(probe_props(fields));
        }
    }
    out
}

/// A `.probe = { ... }` block. `.request` is one string per request line, written side by
/// side (Fastly: `"HEAD / HTTP/1.1" "Host: example.com" "Connection: close"`).
fn probe_props(props: &[ast::Property]) -> ProbeProps {
    let mut out = ProbeProps::default();
    for p in props {
        let ast::PropValue::Expr(e) = &p.value else { continue };
        if p.name.name == "request" {
            out.request = string_parts(e);
            continue;
        }
        let ExprKind::Literal(lit) = &e.kind else { continue };
        match (p.name.name.as_str(), lit) {
            ("url", Literal::String(s)) => out.url = Some(s.value.clone()),
            ("expected_response", Literal::Integer(i)) => out.expected_response = Some(*i),
            ("interval", Literal::Rtime(ns)) => out.interval = Some(*ns),
            ("timeout", Literal::Rtime(ns)) => out.timeout = Some(*ns),
            ("window", Literal::Integer(i)) => out.window = Some(*i),
            ("threshold", Literal::Integer(i)) => out.threshold = Some(*i),
            ("initial", Literal::Integer(i)) => out.initial = Some(*i),
            ("dummy", Literal::Bool(b)) => out.dummy = *b,
            _ => {}
        }
    }
    out
}

/// The string literals of an expression: one for a literal, each part of a juxtaposition.
fn string_parts(e: &ast::Expr) -> Vec<String> {
    match &e.kind {
        ExprKind::Literal(Literal::String(s)) => vec![s.value.clone()],
        ExprKind::Concat(parts) => parts.iter().flat_map(|p| string_parts(&p.expr)).collect(),
        _ => Vec::new(),
    }
}

/// A director's policy, fields and members, with member names resolved to indices (the
/// checker reported unknown names; such members are left out).
fn director_info(d: &ast::DirectorDecl, backends: &HashMap<String, u32>) -> DirectorInfo {
    let kind = match d.kind.name.as_str() {
        "random" => DirectorKind::Random,
        "hash" => DirectorKind::Hash,
        "client" => DirectorKind::Client,
        "fallback" => DirectorKind::Fallback,
        "chash" => DirectorKind::Chash,
        _ => DirectorKind::Shield,
    };
    let mut info = DirectorInfo::new(kind);
    let nonneg = |i: i64| u32::try_from(i.max(0)).unwrap_or(u32::MAX);
    for item in &d.items {
        match item {
            ast::DirectorItem::Property(p) => {
                let ast::PropValue::Expr(e) = &p.value else { continue };
                match (p.name.name.as_str(), &e.kind) {
                    ("quorum", ExprKind::Literal(Literal::Percent(q))) => info.quorum = Some(nonneg(*q).min(100)),
                    ("retries", ExprKind::Literal(Literal::Integer(i))) => info.retries = Some(nonneg(*i)),
                    ("seed", ExprKind::Literal(Literal::Integer(i))) => info.seed = *i as u32,
                    ("vnodes_per_node", ExprKind::Literal(Literal::Integer(i))) => {
                        info.vnodes_per_node = Some(nonneg(*i))
                    }
                    ("key", ExprKind::Var(v)) if v.name == "client" => info.key = ChashKey::Client,
                    _ => {}
                }
            }
            ast::DirectorItem::Member(m) => {
                let mut backend = None;
                let mut weight = 1;
                let mut id = None;
                for p in &m.props {
                    let ast::PropValue::Expr(e) = &p.value else { continue };
                    match (p.name.name.as_str(), &e.kind) {
                        ("backend", ExprKind::Var(v)) => backend = backends.get(&v.name).copied(),
                        ("weight", ExprKind::Literal(Literal::Integer(i))) => weight = nonneg(*i),
                        ("id", ExprKind::Literal(Literal::String(s))) => id = Some(s.value.clone()),
                        _ => {}
                    }
                }
                if let Some(backend) = backend {
                    info.members.push(DirectorMember { backend, weight, id });
                }
            }
        }
    }
    info
}

#[cfg(test)]
mod tests {
    use crate::assemble::{MemoryLoader, SourceKind};
    use crate::diag::Severity;

    /// Compiles `src` (which must check clean) and returns the compiler's error messages.
    fn compile_errors(src: &str) -> (super::Program, Vec<String>) {
        let mut loader = MemoryLoader::default();
        let a = crate::analysis::analyze("t.vcl", src.as_bytes(), SourceKind::File, &mut loader, false);
        let checked: Vec<_> = a.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        assert!(checked.is_empty(), "{checked:?}");
        let (program, diags) = super::compile(&a.program.unit, &a.model);
        (program, diags.into_iter().map(|d| format!("{}: {}", d.code, d.message)).collect())
    }

    #[test]
    fn counters_and_limiters_are_lowered_with_their_fields() {
        let (p, errors) = compile_errors(
            r#"counter c { .type = "estimated"; .time_window = 2m; }
limiter l { .max = 50; .time_window = 60s; }
sub vcl_recv { set req.http.X = counter.inc(c, "k") + limiter.get(l, "k"); }"#,
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(p.counters, [super::CounterDecl { name: "c".into(), window: 120_000_000_000 }]);
        assert_eq!(p.limiters, [super::LimiterDecl { name: "l".into(), max: 50, window: 60_000_000_000 }]);
    }

    #[test]
    fn fastly_limits_are_compile_errors() {
        // Guide "VCL counters and limiters": .type "estimated" is the only type;
        // .time_window "Minimum is 60s (1m) and maximum 3600s (1h)"; "We currently limit
        // you to 5 counters per service".
        let (_, errors) = compile_errors(
            r#"counter a { .type = "exact"; .time_window = 60s; }
counter b { .type = "estimated"; .time_window = 59s; }
counter c { .type = "estimated"; .time_window = 3601s; }
counter d { .type = "estimated"; }
counter e { .type = "estimated"; .time_window = 1h; }
counter f { .type = "estimated"; .time_window = 1h; }
limiter l { .time_window = 60s; .max = 0; }
limiter m { .time_window = 60s; }"#,
        );
        assert_eq!(
            errors,
            [
                "counter/invalid: counter `a`: unknown .type \"exact\"",
                "counter/invalid: counter `b`: .time_window is out of range",
                "counter/invalid: counter `c`: .time_window is out of range",
                "counter/invalid: counter `d` has no .time_window",
                "counter/invalid: counter `f`: a service has at most 5 counters",
                "counter/invalid: limiter `l`: .max must be at least 1",
                "counter/invalid: limiter `m` has no .max",
            ]
        );
    }

    #[test]
    fn a_counter_function_needs_its_own_kind() {
        let (_, errors) = compile_errors(
            r#"counter c { .type = "estimated"; .time_window = 60s; }
limiter l { .max = 5; .time_window = 60s; }
sub vcl_recv { set req.http.X = limiter.inc(c, "k") + counter.get(l, "k"); }"#,
        );
        assert_eq!(errors, ["counter/invalid: `c` is not a limiter", "counter/invalid: `l` is not a counter"]);
    }
}
