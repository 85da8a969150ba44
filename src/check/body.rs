//! Subroutine bodies: statements and expressions, checked in the scope of every built-in
//! subroutine the body runs in.

use std::collections::HashMap;
use std::net::IpAddr;

use super::regex::RegexCache;
use super::types::{self, Compat};
use super::{Model, Symbols};
use crate::catalog::{self, ArgDef, Scopes, SubKind, Type};
use crate::diag::Diagnostic;
use crate::syntax::ast::*;
use crate::syntax::{SourceMap, Span};

/// Local variable types `declare` accepts (the docs list, plus IP, BACKEND and ACL as
/// falco and Fastly's compiler accept).
const LOCAL_TYPES: &[Type] = &[
    Type::Bool,
    Type::Integer,
    Type::Float,
    Type::Time,
    Type::Rtime,
    Type::String,
    Type::Regex,
    Type::Ip,
    Type::Backend,
    Type::Acl,
];

/// `testing`: `lacquer test` mode, where `testing.*` and `assert.*` resolve.
pub fn check_bodies(map: &SourceMap, unit: &SourceUnit, model: &mut Model, testing: bool, diags: &mut Vec<Diagnostic>) {
    let mut regexes = RegexCache::default();
    for decl in &unit.decls {
        let Decl::Sub(sub) = decl else { continue };
        let name = sub.name.name.as_str();
        let builtin = SubKind::from_sub_name(name).filter(|_| sub.params.is_empty() && sub.return_type.is_none());
        let scopes = model.sub_scopes.get(name).copied().unwrap_or_default();
        let info = model.symbols.subs.get(name);
        let mut cx = Body {
            map,
            symbols: &model.symbols,
            sub: name,
            builtin,
            scopes,
            ret: info.and_then(|i| i.ret),
            frames: vec![Vec::new()],
            labels: HashMap::new(),
            gotos: Vec::new(),
            seq: 0,
            regexes: &mut regexes,
            testing,
            diags,
        };
        if let Some(info) = info.filter(|i| i.span == sub.name.span) {
            for ((pname, ty), param) in info.params.iter().zip(&sub.params) {
                cx.frames[0].push(Local { name: pname.clone(), ty: *ty, span: param.name.span });
            }
        }
        cx.block_stmts(&sub.body.stmts);
        cx.finish_gotos();
    }
}

struct Local {
    name: String,
    ty: Type,
    span: Span,
}

struct Body<'a> {
    map: &'a SourceMap,
    symbols: &'a Symbols,
    sub: &'a str,
    builtin: Option<SubKind>,
    /// The built-in subroutines this body runs in; empty when nothing calls it.
    scopes: Scopes,
    ret: Option<Type>,
    /// Local variables: frame 0 is the subroutine, one more per nested block.
    frames: Vec<Vec<Local>>,
    labels: HashMap<String, (Span, u32)>,
    gotos: Vec<(Ident, u32)>,
    /// Statement sequence number, for forward-only `goto`.
    seq: u32,
    regexes: &'a mut RegexCache,
    /// `lacquer test` mode: the test framework's names resolve (`crate::catalog::testing_*`).
    testing: bool,
    diags: &'a mut Vec<Diagnostic>,
}

impl Body<'_> {
    fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Where the body runs, for messages: `vcl_deliver` or `vcl_deliver (via `sub`)`.
    fn in_scope(&self, kind: SubKind) -> String {
        if self.builtin.is_some() {
            kind.sub_name().to_string()
        } else {
            format!("{} (which calls `{}`)", kind.sub_name(), self.sub)
        }
    }

    /// The first scope this body runs in that `allowed` does not cover.
    fn first_outside(&self, allowed: Scopes) -> Option<SubKind> {
        self.scopes.iter().find(|k| {
            // Fastly keeps bereq available in the generated vcl_pipe as in vcl_pass.
            let k = if *k == SubKind::Pipe { SubKind::Pass } else { *k };
            !allowed.contains(k)
        })
    }

    // ----- statements -----

    fn block_stmts(&mut self, stmts: &[Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    fn nested_block(&mut self, block: &Block) {
        self.frames.push(Vec::new());
        self.block_stmts(&block.stmts);
        self.frames.pop();
    }

    fn stmt(&mut self, stmt: &Stmt) {
        self.seq += 1;
        match &stmt.kind {
            StmtKind::Set { target, op, op_span, value } => self.set(target, *op, *op_span, value),
            StmtKind::Unset { target, .. } => self.unset(target),
            StmtKind::Add { target, value } => self.add(target, value),
            StmtKind::Call { name, args } => self.call_stmt(name, args.as_deref()),
            StmtKind::Declare { scope, name, ty, init } => self.declare(*scope, name, ty, init.as_ref()),
            StmtKind::Return(r) => self.return_stmt(r, stmt.span),
            StmtKind::Error { status, message } => {
                self.statement_scope(
                    stmt.span,
                    "error",
                    "error-statement/scope",
                    Scopes::RECV | Scopes::HIT | Scopes::MISS | Scopes::PASS | Scopes::FETCH,
                );
                if let Some(status) = status {
                    if let Some(t) = self.value(status) {
                        if t != Type::Integer {
                            self.error(
                                Diagnostic::error(
                                    "type/mismatch",
                                    format!("the `error` status must be an INTEGER, found {t}"),
                                )
                                .with_primary(status.span, "not a status code"),
                            );
                        }
                    }
                }
                if let Some(m) = message {
                    self.stringish(m);
                }
            }
            StmtKind::Restart => self.statement_scope(
                stmt.span,
                "restart",
                "restart-statement/scope",
                Scopes::RECV | Scopes::HIT | Scopes::FETCH | Scopes::ERROR | Scopes::DELIVER,
            ),
            StmtKind::Synthetic { base64, value } => {
                let (what, code) = if *base64 {
                    ("synthetic.base64", "synthetic-base64-statement/scope")
                } else {
                    ("synthetic", "synthetic-statement/scope")
                };
                self.statement_scope(stmt.span, what, code, Scopes::ERROR);
                self.stringish(value);
            }
            StmtKind::Log(e) => self.stringish(e),
            StmtKind::Goto(label) => self.gotos.push((label.clone(), self.seq)),
            StmtKind::Label(label) => {
                if let Some((prev, _)) = self.labels.get(&label.name) {
                    let prev = *prev;
                    self.error(
                        Diagnostic::error("goto/duplicated", format!("label `{}` is defined twice", label.name))
                            .with_primary(label.span, "defined again here")
                            .with_secondary(prev, "first defined here"),
                    );
                } else {
                    self.labels.insert(label.name.clone(), (label.span, self.seq));
                }
            }
            StmtKind::If(ifs) => {
                for branch in &ifs.branches {
                    self.condition(&branch.cond);
                    self.nested_block(&branch.body);
                }
                if let Some(e) = &ifs.else_block {
                    self.nested_block(e);
                }
            }
            StmtKind::Block(b) => self.nested_block(b),
            StmtKind::Expr(e) => self.expr_stmt(e),
            StmtKind::Switch { subject, cases } => {
                self.value(subject);
                for case in cases {
                    if let Some(label) = &case.label {
                        self.value(label);
                        // `case ~ "re":` compiles its pattern like `~` does.
                        if let (true, ExprKind::Literal(Literal::String(lit))) = (case.regex, &label.kind) {
                            if let Some(d) = self.regexes.check(self.map, lit) {
                                self.error(d);
                            }
                        }
                    }
                    self.frames.push(Vec::new());
                    self.block_stmts(&case.body);
                    self.frames.pop();
                }
            }
            StmtKind::Esi | StmtKind::Include(_) | StmtKind::Break | StmtKind::Fallthrough | StmtKind::Invalid => {}
        }
    }

    fn statement_scope(&mut self, span: Span, what: &str, code: &'static str, allowed: Scopes) {
        if let Some(kind) = self.first_outside(allowed) {
            let msg = format!("`{what}` is not allowed in {}", self.in_scope(kind));
            self.error(
                Diagnostic::error(code, msg)
                    .with_primary(span, format!("not allowed in {}", kind.sub_name()))
                    .with_note(format!("`{what}` is allowed in: {}", allowed.describe())),
            );
        }
    }

    fn set(&mut self, target: &Variable, op: AssignOp, op_span: Span, value: &Expr) {
        let target_ty = self.writable(target, "set");
        if op == AssignOp::Assign {
            let bare = match &value.kind {
                ExprKind::Compare { .. } | ExprKind::Logical { .. } => Some("a comparison"),
                ExprKind::Not(_) => Some("a negation"),
                _ => None,
            };
            if let Some(what) = bare {
                self.error(
                    Diagnostic::error(
                        "operator/assignment",
                        format!("{what} on the right of `set` must be in parentheses"),
                    )
                    .with_primary(value.span, "wrap this in `( ... )`")
                    .with_help("write `set var.ok = (a == b);`"),
                );
            }
        }
        if let (Some(Type::Backend), ExprKind::Var(v)) = (target_ty, &value.kind) {
            if !v.name.contains('.') && !self.symbols.is_backend(&v.name) {
                self.error(
                    Diagnostic::error("backend/notfound", format!("backend `{}` is not declared", v.name))
                        .with_primary(v.span, "no backend or director with this name"),
                );
                return;
            }
        }
        let value_ty = self.value(value);
        if let (Some(t), Some(v)) = (target_ty, value_ty) {
            self.assignment(t, v, op, op_span, value, target.span);
        }
    }

    /// Reports an incompatible assignment of `value` (type `v`) to a `t` target.
    fn assignment(&mut self, t: Type, v: Type, op: AssignOp, op_span: Span, value: &Expr, target_span: Span) {
        match types::compound(op, t, v) {
            Compat::Always => {}
            Compat::VariableOnly if !value.is_literal() => {}
            compat => {
                let detail = if compat == Compat::VariableOnly {
                    format!("a {v} literal cannot be assigned to {t}")
                } else if op == AssignOp::Assign {
                    format!("expected {t}, found {v}")
                } else {
                    format!("`{}` does not apply to {t} and {v}", op.as_str())
                };
                let mut d = Diagnostic::error("type/mismatch", detail)
                    .with_primary(value.span, format!("this is {v}"))
                    .with_secondary(target_span, format!("this is {t}"));
                if op != AssignOp::Assign {
                    d = d.with_secondary(op_span, "operator");
                }
                if t == Type::String && v != Type::String {
                    d = d.with_help("write it as a string literal, or convert with a function such as std.itoa");
                }
                self.error(d);
            }
        }
        if t == Type::Ip {
            if let Some(lit) = value.as_string_lit() {
                self.check_ip_literal(lit);
            }
        }
    }

    fn check_ip_literal(&mut self, lit: &StringLit) {
        if lit.value.parse::<IpAddr>().is_err() {
            self.error(
                Diagnostic::error("valid-ip", format!("\"{}\" is not an IP address", lit.value))
                    .with_primary(lit.span, "expected an IPv4 or IPv6 address"),
            );
        }
    }

    /// Resolves a `set`/`add`/`unset` target and checks it may be written here.
    fn writable(&mut self, target: &Variable, verb: &str) -> Option<Type> {
        let name = target.name.as_str();
        if name.ends_with('*') && verb != "unset" {
            self.error(
                Diagnostic::error("set-statement/syntax", format!("`{verb}` cannot use a wildcard"))
                    .with_primary(target.span, "`*` is only allowed in `unset`"),
            );
            return None;
        }
        if name.starts_with("var.") {
            return self.local(target);
        }
        let Some(m) = catalog::variable(name) else {
            self.undefined(target);
            return None;
        };
        if let Some(header) = m.param.filter(|_| m.def.name.contains(".http.")) {
            let header = header.trim_end_matches('*');
            if catalog::is_protected_header(header.as_bytes()) {
                self.error(
                    Diagnostic::error("variable/protected-header", format!("the `{header}` header cannot be modified"))
                        .with_primary(target.span, "protected header")
                        .with_note("Fastly manages Content-Length, Transfer-Encoding, Fastly-FF, TE, Upgrade and a few others itself"),
                );
                return None;
            }
        }
        let (allowed, code, what) = match verb {
            "unset" => (m.def.unset, "variable/not-unsettable", "unset"),
            _ => (m.def.write, "variable/read-only", "set"),
        };
        if allowed.is_empty() {
            let msg =
                if verb == "unset" { format!("`{name}` cannot be unset") } else { format!("`{name}` is read-only") };
            self.error(Diagnostic::error(code, msg).with_primary(target.span, format!("cannot be {what}")));
            return None;
        }
        if let Some(kind) = self.first_outside(allowed) {
            let msg = format!("`{name}` cannot be {what} in {}", self.in_scope(kind));
            self.error(
                Diagnostic::error(code, msg)
                    .with_primary(
                        target.span,
                        format!("not {what}table in {}", kind.sub_name())
                            .replace("settable", "writable")
                            .replace("unsettable", "removable"),
                    )
                    .with_note(format!("it can be {what} in: {}", allowed.describe())),
            );
        }
        Some(if m.subfield.is_some() { Type::String } else { m.def.ty })
    }

    fn unset(&mut self, target: &Variable) {
        self.writable(target, "unset");
    }

    fn add(&mut self, target: &Variable, value: &Expr) {
        if !target.name.contains(".http.") || target.subfield().is_some() {
            self.error(
                Diagnostic::error("add-statement/syntax", "`add` only appends HTTP headers")
                    .with_primary(target.span, "not a header")
                    .with_help("use `add resp.http.Set-Cookie = \"...\";`, or `set` for other variables"),
            );
        } else {
            self.writable(target, "set");
        }
        self.stringish(value);
    }

    fn call_stmt(&mut self, name: &Ident, args: Option<&[Expr]>) {
        let Some(info) = self.symbols.subs.get(&name.name) else {
            self.error(
                Diagnostic::error(
                    "call-statement/subroutine-notfound",
                    format!("subroutine `{}` is not defined", name.name),
                )
                .with_primary(name.span, "no such subroutine"),
            );
            args.into_iter().flatten().for_each(|a| {
                self.value(a);
            });
            return;
        };
        if SubKind::from_sub_name(&name.name).is_some() {
            self.error(
                Diagnostic::error(
                    "call-statement/subroutine-notfound",
                    format!("`{}` is a built-in subroutine and cannot be called", name.name),
                )
                .with_primary(name.span, "Fastly runs built-in subroutines itself"),
            );
            return;
        }
        if let Some(ret) = info.ret {
            self.error(
                Diagnostic::error(
                    "function/unused-return",
                    format!("`{}` returns {ret}; use it in an expression instead of `call`", name.name),
                )
                .with_primary(name.span, "typed subroutine"),
            );
        }
        let params = info.params.clone();
        self.sub_args(name, &params, args.unwrap_or(&[]));
    }

    fn sub_args(&mut self, name: &Ident, params: &[(String, Type)], args: &[Expr]) {
        if params.len() != args.len() {
            self.error(
                Diagnostic::error(
                    "function/arguments",
                    format!("`{}` takes {} argument(s), {} given", name.name, params.len(), args.len()),
                )
                .with_primary(name.span, "wrong number of arguments"),
            );
        }
        for ((_, ty), arg) in params.iter().zip(args) {
            if let Some(t) = self.value(arg) {
                if !types::argument(*ty, t) {
                    self.error(
                        Diagnostic::error("function/argument-type", format!("expected {ty}, found {t}"))
                            .with_primary(arg.span, format!("this is {t}")),
                    );
                }
            }
        }
        args.iter().skip(params.len()).for_each(|a| {
            self.value(a);
        });
    }

    fn declare(&mut self, scope: DeclareScope, name: &Ident, ty: &Ident, init: Option<&Expr>) {
        if !name.name.starts_with("var.") || name.name.len() <= 4 || name.name.contains(':') {
            self.error(
                Diagnostic::error(
                    "declare-statement/syntax",
                    format!("local variable names start with `var.`, found `{}`", name.name),
                )
                .with_primary(name.span, "invalid local name")
                .with_help(format!(
                    "write `declare local var.{} {};`",
                    name.name.trim_start_matches("var."),
                    ty.name
                )),
            );
        }
        let t = match Type::from_name(&ty.name).filter(|t| LOCAL_TYPES.contains(t)) {
            Some(t) => t,
            None => {
                self.error(
                    Diagnostic::error(
                        "declare-statement/invalid-type",
                        format!("`{}` is not a local variable type", ty.name),
                    )
                    .with_primary(ty.span, "unknown type")
                    .with_help("locals are BOOL, INTEGER, FLOAT, TIME, RTIME, STRING, REGEX, IP, BACKEND or ACL"),
                );
                Type::String
            }
        };
        if let Some(prev) = self.find_local(&name.name).map(|l| l.span) {
            self.error(
                Diagnostic::error("declare-statement/duplicated", format!("`{}` is already declared", name.name))
                    .with_primary(name.span, "declared again")
                    .with_secondary(prev, "first declared here"),
            );
        }
        if let Some(init) = init {
            if let Some(v) = self.value(init) {
                self.assignment(t, v, AssignOp::Assign, name.span, init, name.span);
            }
        }
        let local = Local { name: name.name.clone(), ty: t, span: name.span };
        match scope {
            DeclareScope::Local => self.frames[0].push(local),
            DeclareScope::Block => self.frames.last_mut().unwrap_or(&mut Vec::new()).push(local),
        }
    }

    fn find_local(&self, name: &str) -> Option<&Local> {
        self.frames.iter().rev().flat_map(|f| f.iter()).find(|l| l.name == name)
    }

    fn local(&mut self, v: &Variable) -> Option<Type> {
        match self.find_local(&v.name) {
            Some(l) => Some(l.ty),
            None => {
                self.error(
                    Diagnostic::error("variable/undefined", format!("local variable `{}` is not declared", v.name))
                        .with_primary(v.span, "not declared (locals must be declared before use)")
                        .with_help(format!("add `declare local {} STRING;` before this", v.name)),
                );
                None
            }
        }
    }

    fn return_stmt(&mut self, r: &Return, span: Span) {
        match r {
            Return::Bare => {
                if self.builtin.is_some() {
                    self.error(
                        Diagnostic::error(
                            "return/empty-in-builtin",
                            format!("`return;` in {} needs an action", self.sub),
                        )
                        .with_primary(span, "a built-in subroutine returns an action")
                        .with_help(format!(
                            "write e.g. `return({});`",
                            self.builtin.map_or("deliver", |k| k.returns()[0])
                        )),
                    );
                } else if let Some(ret) = self.ret {
                    self.error(
                        Diagnostic::error("return/value-mismatch", format!("`{}` must return a {ret}", self.sub))
                            .with_primary(span, "missing value"),
                    );
                }
            }
            Return::Action(action) if self.ret.is_some() => {
                // `return (name);` in a typed subroutine is a value.
                let e =
                    Expr::new(ExprKind::Var(Variable { name: action.name.clone(), span: action.span }), action.span);
                self.return_value(&e);
            }
            Return::Action(action) => self.return_action(action),
            Return::Value(Expr { kind: ExprKind::Var(v), .. }) if self.ret.is_none() && is_action_word(&v.name) => {
                self.error(
                    Diagnostic::error(
                        "return/invalid-action",
                        format!("actions are written in parentheses: `return({});`", v.name),
                    )
                    .with_primary(v.span, "missing parentheses")
                    .with_help(format!("write `return({});`", v.name)),
                );
            }
            Return::Value(e) => self.return_value(e),
        }
    }

    fn return_action(&mut self, action: &Ident) {
        for kind in self.scopes.iter() {
            if !kind.returns().contains(&action.name.as_str()) {
                let msg = format!("`return({})` is not allowed in {}", action.name, self.in_scope(kind));
                self.error(
                    Diagnostic::error("return/invalid-action", msg)
                        .with_primary(action.span, format!("not an action of {}", kind.sub_name()))
                        .with_note(format!("{} may return: {}", kind.sub_name(), kind.returns().join(", "))),
                );
                return;
            }
        }
    }

    fn return_value(&mut self, e: &Expr) {
        let Some(ret) = self.ret else {
            self.error(
                Diagnostic::error(
                    "return/value-mismatch",
                    format!("`{}` has no return type, so it cannot return a value", self.sub),
                )
                .with_primary(e.span, "unexpected value")
                .with_help("declare the type: `sub name STRING { ... }`; actions are written `return(action);`"),
            );
            return;
        };
        if let Some(t) = self.value(e) {
            self.assignment(ret, t, AssignOp::Assign, e.span, e, e.span);
        }
    }

    fn finish_gotos(&mut self) {
        for (label, seq) in std::mem::take(&mut self.gotos) {
            match self.labels.get(&label.name) {
                None => self.error(
                    Diagnostic::error(
                        "goto/undefined",
                        format!("label `{}` is not defined in `{}`", label.name, self.sub),
                    )
                    .with_primary(label.span, "no such label")
                    .with_help(format!("define it later in this subroutine: `{}:`", label.name)),
                ),
                Some((def, at)) if *at < seq => {
                    let def = *def;
                    self.error(
                        Diagnostic::error(
                            "goto/forbidden-backward-jump",
                            format!("`goto {}` jumps backwards", label.name),
                        )
                        .with_primary(label.span, "Fastly only allows jumping forward")
                        .with_secondary(def, "label defined before the goto"),
                    );
                }
                Some(_) => {}
            }
        }
    }

    fn expr_stmt(&mut self, e: &Expr) {
        let ty = self.expr(e);
        if let (Some(t), ExprKind::Call { name, .. }) = (ty, &e.kind) {
            if t != Type::Void {
                self.error(
                    Diagnostic::error(
                        "function/unused-return",
                        format!("the {t} returned by `{}` is not used", name.name),
                    )
                    .with_primary(e.span, "value ignored")
                    .with_help("assign it: `set var.x = ...;`"),
                );
            }
        }
    }

    // ----- expressions -----

    /// An expression whose value is used.
    fn value(&mut self, e: &Expr) -> Option<Type> {
        let t = self.expr(e)?;
        if t == Type::Void {
            let name = match &e.kind {
                ExprKind::Call { name, .. } => name.name.as_str(),
                _ => "this",
            };
            self.error(
                Diagnostic::error("function/unused-return", format!("`{name}` returns no value"))
                    .with_primary(e.span, "used as a value"),
            );
            return None;
        }
        Some(t)
    }

    /// An expression that must convert to STRING (log, synthetic, messages).
    fn stringish(&mut self, e: &Expr) {
        if let Some(t) = self.value(e) {
            if !types::stringifies(t) {
                self.error(
                    Diagnostic::error("type/mismatch", format!("expected STRING, found {t}"))
                        .with_primary(e.span, format!("{t} does not convert to STRING")),
                );
            }
        }
    }

    fn condition(&mut self, e: &Expr) {
        if let Some(t) = self.value(e) {
            if !types::is_condition(t) {
                self.error(
                    Diagnostic::error("type/mismatch", format!("a condition must be BOOL, found {t}"))
                        .with_primary(e.span, format!("this is {t}"))
                        .with_help("compare it: e.g. `if (resp.status == 200)`"),
                );
            }
        }
    }

    fn expr(&mut self, e: &Expr) -> Option<Type> {
        match &e.kind {
            ExprKind::Literal(lit) => Some(match lit {
                Literal::String(_) => Type::String,
                Literal::Integer(_) => Type::Integer,
                Literal::Float(_) => Type::Float,
                Literal::Rtime(_) => Type::Rtime,
                Literal::Bool(_) => Type::Bool,
                Literal::Percent(_) => {
                    self.error(
                        Diagnostic::error("type/mismatch", "a percentage is only valid as a director's `.quorum`")
                            .with_primary(e.span, "not a value here"),
                    );
                    return None;
                }
            }),
            ExprKind::Var(v) => self.read(v),
            ExprKind::Call { name, args } => self.call(name, args),
            ExprKind::Paren(inner) => self.expr(inner),
            ExprKind::Not(inner) => {
                self.condition(inner);
                Some(Type::Bool)
            }
            ExprKind::Logical { operands, .. } => {
                for o in operands {
                    self.condition(o);
                }
                Some(Type::Bool)
            }
            ExprKind::Compare { op, op_span, lhs, rhs } => {
                self.compare(*op, *op_span, lhs, rhs);
                Some(Type::Bool)
            }
            ExprKind::Concat(parts) => self.concat(parts),
            ExprKind::Invalid => None,
        }
    }

    /// Reads a name: a local, a catalog variable, a backend/director or an ACL.
    fn read(&mut self, v: &Variable) -> Option<Type> {
        let name = v.name.as_str();
        if name.starts_with("var.") {
            return self.local(v);
        }
        // `lacquer test`: `testing.*` variables resolve in test mode only.
        let found = catalog::variable(name).or_else(|| catalog::testing_variable(name).filter(|_| self.testing));
        if let Some(m) = found {
            if name.ends_with('*') {
                self.error(
                    Diagnostic::error("variable/undefined", "a header wildcard can only be unset")
                        .with_primary(v.span, "`*` is only allowed in `unset`"),
                );
                return None;
            }
            let read = m.def.read;
            if read.is_empty() {
                self.error(
                    Diagnostic::error("variable/not-readable", format!("`{name}` cannot be read"))
                        .with_primary(v.span, "write-only"),
                );
                return None;
            }
            if let Some(kind) = self.first_outside(read) {
                let msg = format!("`{name}` is not available in {}", self.in_scope(kind));
                self.error(
                    Diagnostic::error("variable/not-readable", msg)
                        .with_primary(v.span, format!("not readable in {}", kind.sub_name()))
                        .with_note(format!("`{}` can be read in: {}", m.def.name, read.describe())),
                );
            }
            return Some(if m.subfield.is_some() { Type::String } else { m.def.ty });
        }
        if self.symbols.is_backend(name) {
            return Some(Type::Backend);
        }
        if self.symbols.acls.contains_key(name) {
            return Some(Type::Acl);
        }
        self.undefined(v);
        None
    }

    fn undefined(&mut self, v: &Variable) {
        let name = v.name.as_str();
        let kind = if self.symbols.tables.contains_key(name) {
            Some("a table: read it with `table.lookup(NAME, key)`")
        } else if self.symbols.ratecounters.contains_key(name) || self.symbols.penaltyboxes.contains_key(name) {
            Some("a rate-limiting object: use it through `ratelimit.*` functions")
        } else if self.symbols.subs.contains_key(name) {
            Some("a subroutine: call it with `call NAME;` or `NAME()`")
        } else {
            None
        };
        let mut d = Diagnostic::error("variable/undefined", format!("unknown variable `{name}`"))
            .with_primary(v.span, "not defined");
        if let Some(kind) = kind {
            d = d.with_note(format!("`{name}` is {kind}"));
        } else if let Some(s) = suggest(name) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        self.error(d);
    }

    fn concat(&mut self, parts: &[ConcatPart]) -> Option<Type> {
        // Segments separated by juxtaposition; `+`/`-` join a segment and mean time
        // arithmetic when a TIME meets an RTIME (`now + 1d`), string concatenation otherwise.
        let mut segments: Vec<Option<Type>> = Vec::new();
        let mut all = Vec::with_capacity(parts.len());
        for part in parts {
            let t = self.value(&part.expr);
            all.push((t, part.expr.span));
            match (part.sep, segments.last_mut()) {
                (ConcatSep::Concat, _) | (_, None) => segments.push(t),
                (ConcatSep::Plus, Some(last)) => {
                    if !(*last == Some(Type::Time) && t == Some(Type::Rtime)) {
                        *last = Some(Type::String);
                    }
                }
                (ConcatSep::Minus, Some(last)) => {
                    if !(*last == Some(Type::Time) && t == Some(Type::Rtime)) && last.is_some() && t.is_some() {
                        self.error(
                            Diagnostic::error("type/mismatch", "`-` only subtracts an RTIME from a TIME")
                                .with_primary(part.expr.span, "expected an RTIME after a TIME"),
                        );
                    }
                }
            }
        }
        if segments.len() == 1 && segments[0] == Some(Type::Time) {
            return Some(Type::Time);
        }
        for (t, span) in all {
            if let Some(t) = t.filter(|t| !types::stringifies(*t)) {
                self.error(
                    Diagnostic::error("type/mismatch", format!("{t} cannot be part of a string"))
                        .with_primary(span, format!("{t} does not convert to STRING")),
                );
            }
        }
        Some(Type::String)
    }

    fn compare(&mut self, op: CompareOp, op_span: Span, lhs: &Expr, rhs: &Expr) {
        let lt = self.value(lhs);
        match op {
            CompareOp::Match | CompareOp::NotMatch => self.regex_match(op, op_span, lt, lhs, rhs),
            CompareOp::Eq | CompareOp::Ne => {
                let rt = self.value(rhs);
                let (Some(l), Some(r)) = (lt, rt) else { return };
                let ok = l == r
                    || (l == Type::Ip && r == Type::String && rhs.as_string_lit().is_some())
                    || (l == Type::Float && r == Type::Integer && rhs.is_literal())
                    || (matches!(l, Type::Rtime | Type::Time) && matches!(r, Type::Rtime | Type::Time));
                if l == Type::Ip {
                    if let Some(lit) = rhs.as_string_lit() {
                        self.check_ip_literal(lit);
                    }
                }
                if !ok {
                    self.error(
                        Diagnostic::error("type/mismatch", format!("cannot compare {l} with {r}"))
                            .with_primary(rhs.span, format!("this is {r}"))
                            .with_secondary(lhs.span, format!("this is {l}")),
                    );
                }
            }
            _ => {
                let rt = self.value(rhs);
                let (Some(l), Some(r)) = (lt, rt) else { return };
                let numeric = |t: Type| matches!(t, Type::Integer | Type::Float | Type::Rtime);
                let ok = (numeric(l) && numeric(r)) || (l == Type::Time && r == Type::Time);
                if !ok {
                    self.error(
                        Diagnostic::error(
                            "operator/conditional",
                            format!("`{}` cannot order {l} and {r}", op.as_str()),
                        )
                        .with_primary(op_span, "needs numbers, durations or times on both sides")
                        .with_secondary(lhs.span, format!("this is {l}"))
                        .with_secondary(rhs.span, format!("this is {r}")),
                    );
                }
            }
        }
    }

    fn regex_match(&mut self, op: CompareOp, op_span: Span, lt: Option<Type>, lhs: &Expr, rhs: &Expr) {
        match lt {
            Some(Type::Ip) => {
                let ok = match &rhs.kind {
                    ExprKind::Var(v) if self.symbols.acls.contains_key(&v.name) => true,
                    ExprKind::Var(v) if !v.name.contains('.') => false,
                    // An ACL-typed value: a local, a parameter or `table.lookup_acl(...)`.
                    _ => self.value(rhs) == Some(Type::Acl),
                };
                if !ok {
                    self.error(
                        Diagnostic::error("acl/notfound", "an IP address is matched against an ACL")
                            .with_primary(rhs.span, "expected the name of a declared `acl`")
                            .with_help("declare `acl internal { \"10.0.0.0\"/8; }` and write `client.ip ~ internal`"),
                    );
                }
            }
            Some(Type::String) | None => {
                match &rhs.kind {
                    ExprKind::Literal(Literal::String(lit)) => {
                        if let Some(d) = self.regexes.check(self.map, lit) {
                            self.error(d);
                        }
                    }
                    ExprKind::Var(v) if self.symbols.acls.contains_key(&v.name) => {
                        self.error(
                            Diagnostic::error(
                                "operator/conditional",
                                format!("ACL `{}` matches IP addresses, not strings", v.name),
                            )
                            .with_primary(lhs.span, "this is a STRING")
                            .with_help("match an IP such as `client.ip`"),
                        );
                    }
                    _ => {
                        if let Some(t) = self.value(rhs) {
                            if t != Type::Regex {
                                self.error(
                                Diagnostic::error("operator/conditional", "the right side of `~` must be a regular expression literal")
                                    .with_primary(rhs.span, "not a literal pattern")
                                    .with_note("Fastly compiles patterns when the VCL loads, so they cannot be built at run time"),
                            );
                            }
                        }
                    }
                }
            }
            Some(t) => {
                self.error(
                    Diagnostic::error(
                        "operator/conditional",
                        format!("`{}` needs a STRING on the left, found {t}", op.as_str()),
                    )
                    .with_primary(op_span, "regex match")
                    .with_secondary(lhs.span, format!("this is {t}")),
                );
            }
        }
    }

    fn call(&mut self, name: &Ident, args: &[Expr]) -> Option<Type> {
        if name.name == "if" {
            return self.if_function(name, args);
        }
        if let Some(info) = self.symbols.subs.get(&name.name) {
            let (ret, params) = (info.ret, info.params.clone());
            let Some(ret) = ret else {
                self.error(
                    Diagnostic::error(
                        "function/unused-return",
                        format!("subroutine `{}` returns no value; run it with `call {};`", name.name, name.name),
                    )
                    .with_primary(name.span, "not a typed subroutine"),
                );
                return None;
            };
            self.sub_args(name, &params, args);
            return Some(ret);
        }
        // `lacquer test`: `testing.*` / `assert.*` functions resolve in test mode only.
        let found =
            catalog::function(&name.name).or_else(|| catalog::testing_function(&name.name).filter(|_| self.testing));
        let Some(def) = found else {
            let mut d = Diagnostic::error("function/undefined", format!("unknown function `{}`", name.name))
                .with_primary(name.span, "not a Fastly function or a typed subroutine");
            if let Some(s) = suggest_function(&name.name) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            self.error(d);
            for a in args {
                self.expr(a);
            }
            return None;
        };
        if let Some(kind) = self.first_outside(def.scopes) {
            let msg = format!("`{}` cannot be called in {}", def.name, self.in_scope(kind));
            self.error(
                Diagnostic::error("function/scope", msg)
                    .with_primary(name.span, format!("not available in {}", kind.sub_name()))
                    .with_note(format!("`{}` is available in: {}", def.name, def.scopes.describe())),
            );
        }
        let (min, max) = (def.min_args(), def.max_args());
        if args.len() < min || max.is_some_and(|m| args.len() > m) {
            let expected = match max {
                Some(m) if m == min => format!("{min}"),
                Some(m) => format!("{min} to {m}"),
                None => format!("at least {min}"),
            };
            let sig: Vec<_> = def
                .args
                .iter()
                .map(|a| match a.arity {
                    catalog::Arity::Required => format!("{} {}", a.ty, a.name),
                    catalog::Arity::Optional => format!("[{} {}]", a.ty, a.name),
                    catalog::Arity::Variadic => format!("{} {}...", a.ty, a.name),
                })
                .collect();
            self.error(
                Diagnostic::error(
                    "function/arguments",
                    format!("`{}` takes {expected} argument(s), {} given", def.name, args.len()),
                )
                .with_primary(name.span, "wrong number of arguments")
                .with_note(format!("{} {}({})", def.ret, def.name, sig.join(", "))),
            );
        }
        for (i, arg) in args.iter().enumerate() {
            let param = def.args.get(i).or_else(|| def.args.last().filter(|a| a.arity == catalog::Arity::Variadic));
            match param {
                Some(p) => self.argument(def.name, i, p, arg),
                None => {
                    self.expr(arg);
                }
            }
        }
        Some(def.ret)
    }

    fn if_function(&mut self, name: &Ident, args: &[Expr]) -> Option<Type> {
        if args.len() != 3 {
            self.error(
                Diagnostic::error("function/arguments", format!("`if` takes 3 arguments, {} given", args.len()))
                    .with_primary(name.span, "write `if(condition, value_if_true, value_if_false)`"),
            );
            args.iter().for_each(|a| {
                self.expr(a);
            });
            return Some(Type::String);
        }
        self.condition(&args[0]);
        let a = self.value(&args[1]);
        let b = self.value(&args[2]);
        match (a, b) {
            (Some(a), Some(b)) if a == b => Some(a),
            _ => Some(Type::String),
        }
    }

    fn argument(&mut self, fname: &str, index: usize, param: &ArgDef, arg: &Expr) {
        let mismatch = |found: &str| {
            Diagnostic::error(
                "function/argument-type",
                format!("argument {} of `{fname}` (`{}`) must be {}, found {found}", index + 1, param.name, param.ty),
            )
            .with_primary(arg.span, format!("expected {}", param.ty))
        };
        match param.ty {
            Type::Id => match &arg.kind {
                ExprKind::Var(v) => self.id_argument(fname, param.name, v),
                ExprKind::Literal(Literal::String(_)) => {}
                _ => {
                    let found = self.expr(arg).map_or("an expression".to_string(), |t| t.to_string());
                    self.error(mismatch(&found));
                }
            },
            Type::Acl => match &arg.kind {
                ExprKind::Var(v) if self.symbols.acls.contains_key(&v.name) => {}
                ExprKind::Var(v) if v.name.starts_with("var.") && self.local(v) == Some(Type::Acl) => {}
                _ => {
                    let found = self.expr(arg).map_or("an unknown name".to_string(), |t| t.to_string());
                    self.error(mismatch(&found));
                }
            },
            Type::Regex => match &arg.kind {
                ExprKind::Literal(Literal::String(lit)) => {
                    if let Some(d) = self.regexes.check(self.map, lit) {
                        self.error(d);
                    }
                }
                _ => {
                    if let Some(t) = self.value(arg) {
                        if t != Type::Regex {
                            self.error(mismatch(&t.to_string()).with_note("patterns must be string literals"));
                        }
                    }
                }
            },
            expected => {
                if let Some(t) = self.value(arg) {
                    if !types::argument(expected, t) {
                        self.error(mismatch(&t.to_string()));
                    } else if expected == Type::Ip && t == Type::String {
                        if let Some(lit) = arg.as_string_lit() {
                            self.check_ip_literal(lit);
                        }
                    }
                }
            }
        }
    }

    /// A bare-identifier argument: a declared object name, or a word from a fixed set.
    fn id_argument(&mut self, fname: &str, param: &str, v: &Variable) {
        let name = v.name.as_str();
        let (ok, what, code): (bool, &str, &'static str) = match param {
            "id" => (self.symbols.tables.contains_key(name), "a declared table", "table/notfound"),
            p if p.starts_with("rc") => {
                (self.symbols.ratecounters.contains_key(name), "a declared ratecounter", "ratecounter/notfound")
            }
            "pb" => (self.symbols.penaltyboxes.contains_key(name), "a declared penaltybox", "penaltybox/notfound"),
            "where" => {
                let allowed: &[&str] = if fname.starts_with("setcookie.") {
                    &["beresp", "resp"]
                } else {
                    &["req", "resp", "obj", "bereq", "beresp"]
                };
                (allowed.contains(&name), "one of req, resp, obj, bereq, beresp", "function/argument-type")
            }
            "hash_method" => (
                ["sha1", "sha256", "sha384", "sha512", "default"].contains(&name),
                "sha1, sha256, sha384, sha512 or default",
                "function/argument-type",
            ),
            "base64_variant" => (
                ["standard", "url", "url_nopad", "default"].contains(&name),
                "standard, url, url_nopad or default",
                "function/argument-type",
            ),
            "digest_format" => (["der", "jwt"].contains(&name), "der or jwt", "function/argument-type"),
            "cipher" => {
                (["aes128", "aes192", "aes256"].contains(&name), "aes128, aes192 or aes256", "function/argument-type")
            }
            "mode" => (["cbc", "ctr", "gcm", "ccm"].contains(&name), "cbc, ctr, gcm or ccm", "function/argument-type"),
            "padding" => (["pkcs7", "nopad"].contains(&name), "pkcs7 or nopad", "function/argument-type"),
            "counter" | "limiter" => (
                self.symbols.counters.contains_key(name) || self.symbols.limiters.contains_key(name),
                "a declared counter or limiter",
                "function/argument-type",
            ),
            // Header and collection references (`std.collect(req.http.Cookie)`).
            _ => (true, "", "function/argument-type"),
        };
        if !ok {
            self.error(
                Diagnostic::error(code, format!("`{name}` is not {what}"))
                    .with_primary(v.span, format!("`{fname}` expects {what} here")),
            );
            return;
        }
        if param == "id" {
            self.table_function_type(fname, v);
        }
    }

    /// `table.lookup_integer` on a STRING table is a type error.
    fn table_function_type(&mut self, fname: &str, v: &Variable) {
        let Some(info) = self.symbols.tables.get(&v.name) else { return };
        let expected = match fname {
            "table.lookup" => Type::String,
            "table.lookup_acl" => Type::Acl,
            "table.lookup_backend" => Type::Backend,
            "table.lookup_bool" => Type::Bool,
            "table.lookup_float" => Type::Float,
            "table.lookup_integer" => Type::Integer,
            "table.lookup_ip" => Type::Ip,
            "table.lookup_regex" => Type::Regex,
            "table.lookup_rtime" => Type::Rtime,
            _ => return,
        };
        if info.ty != expected {
            let ty = info.ty;
            let span = info.span;
            self.error(
                Diagnostic::error(
                    "table/type-variation",
                    format!("`{fname}` reads {expected} values but table `{}` holds {ty}", v.name),
                )
                .with_primary(v.span, format!("a {ty} table"))
                .with_secondary(span, "table declared here"),
            );
        }
    }
}

fn is_action_word(name: &str) -> bool {
    SubKind::ALL.iter().any(|k| k.returns().contains(&name))
}

/// The closest catalog variable name, for "did you mean".
fn suggest(name: &str) -> Option<String> {
    let candidates = catalog::VARIABLES.iter().map(|v| v.name).filter(|n| !n.contains('{'));
    closest(name, candidates)
}

fn suggest_function(name: &str) -> Option<String> {
    closest(name, catalog::FUNCTIONS.iter().map(|f| f.name))
}

fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let max = (name.len() / 3).max(1);
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= max)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 3 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(!a[i - 1].eq_ignore_ascii_case(&b[j - 1]));
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}
