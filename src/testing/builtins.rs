//! The implementations of falco's `testing.*` and `assert.*` functions (signatures in
//! `crate::catalog::testing`), under the interpreter's builtin ABI.
//!
//! In test mode the compiler passes one more argument than the signature lists: the call
//! site (see [`super::site_arg`]), so a failure can point at its source line. A failed
//! assertion records a [`Failure`] in `ReqState::testing` and returns a [`Fault`], which
//! ends the test (falco: a test stops at its first failed assertion).

use std::collections::HashMap;
use std::net::IpAddr;

use bytes::Bytes;

use super::{site_span, state_name, Failure, TestState};
use crate::catalog::Type;
use crate::interp::builtins::{Builtin, Ctx, Fault};
use crate::interp::value::{render_float, render_rtime, render_time, Id, Value};
use crate::interp::{convert, run_sub, stringify};
use crate::ir::{Action, Conv, Expr, Program, Return, Stmt, StmtKind};
use crate::syntax::Span;

/// The test framework's functions, by name.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("testing.call_subroutine", call_subroutine),
    ("testing.fixed_time", fixed_time),
    ("testing.override_host", override_host),
    ("testing.inject_variable", inject_variable),
    ("testing.inspect", inspect),
    ("testing.table_set", table_set),
    ("testing.table_merge", table_merge),
    ("testing.mock", mock),
    ("testing.restore_mock", restore_mock),
    ("testing.restore_all_mocks", restore_all_mocks),
    ("testing.get_env", get_env),
    ("testing.fixed_access_rate", fixed_access_rate),
    ("testing.set_backend_health", set_backend_health),
    ("assert", assert),
    ("assert.true", assert_true),
    ("assert.false", assert_false),
    ("assert.is_json", is_json),
    ("assert.is_notset", is_notset),
    ("assert.equal", equal),
    ("assert.not_equal", not_equal),
    ("assert.strict_equal", strict_equal),
    ("assert.not_strict_equal", not_strict_equal),
    ("assert.equal_fold", equal_fold),
    ("assert.match", matches),
    ("assert.not_match", not_matches),
    ("assert.contains", contains),
    ("assert.not_contains", not_contains),
    ("assert.starts_with", starts_with),
    ("assert.ends_with", ends_with),
    ("assert.subroutine_called", subroutine_called),
    ("assert.not_subroutine_called", not_subroutine_called),
    ("assert.restart", restart),
    ("assert.not_restart", not_restart),
    ("assert.state", state),
    ("assert.not_state", not_state),
    ("assert.error", error),
    ("assert.not_error", not_error),
];

/// The arguments as written, and the call site the compiler appended.
struct Call<'a> {
    name: &'static str,
    site: Option<Span>,
    args: &'a [Value],
}

impl<'a> Call<'a> {
    fn new(name: &'static str, all: &'a [Value]) -> Call<'a> {
        match all.split_last() {
            Some((Value::Integer(site), args)) => Call { name, site: Some(site_span(*site)), args },
            _ => Call { name, site: None, args: all },
        }
    }

    fn get(&self, i: usize) -> Value {
        self.args.get(i).cloned().unwrap_or(Value::NotSet)
    }

    fn text(&self, i: usize) -> String {
        self.args.get(i).map(Value::to_text).unwrap_or_default()
    }

    /// The optional message argument at `i` (empty means none).
    fn message(&self, i: usize) -> Option<String> {
        self.args.get(i).filter(|v| v.is_set()).map(Value::to_text).filter(|m| !m.is_empty())
    }

    /// Records a failure and stops the test.
    fn fail(
        &self,
        ctx: &mut Ctx<'_>,
        message: String,
        expected: Option<String>,
        actual: Option<String>,
    ) -> Result<Value, Fault> {
        let message = Some(message).filter(|m| !m.is_empty());
        let failure = Failure { what: self.name.to_string(), message, expected, actual, site: self.site };
        if let Some(t) = ctx.state.testing.as_deref_mut() {
            if t.failure.is_none() {
                t.failure = Some(failure);
            }
        }
        Err(Fault::Fatal(Box::new(format!("{} failed", self.name))))
    }

    /// An assertion's outcome: passes, or fails with the user's message (at `msg`) or ours
    /// (empty when expected and actual say it all).
    fn check(
        &self,
        ctx: &mut Ctx<'_>,
        ok: bool,
        msg: usize,
        ours: impl FnOnce() -> String,
        expected: Option<String>,
        actual: Option<String>,
    ) -> Result<Value, Fault> {
        if ok {
            return Ok(Value::Void);
        }
        let message = self.message(msg).unwrap_or_else(ours);
        self.fail(ctx, message, expected, actual)
    }
}

fn testing<'c>(ctx: &'c mut Ctx<'_>, name: &str) -> Result<&'c mut TestState, Fault> {
    ctx.state
        .testing
        .as_deref_mut()
        .ok_or_else(|| Fault::Fatal(Box::new(format!("`{name}` only runs under `lacquer test`"))))
}

// ----- testing.* -----

fn call_subroutine(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("testing.call_subroutine", all);
    let name = c.text(0);
    let Some(idx) = ctx.program.sub_by_name(&name) else {
        return c.fail(ctx, format!("subroutine `{name}` is not defined in the VCL"), None, None);
    };
    let Some(sub) = ctx.program.subs.get(idx as usize) else { return Ok(Value::Void) };
    let given = c.args.get(1..).unwrap_or(&[]);
    if given.len() != sub.params.len() {
        let message = format!("subroutine `{name}` takes {} argument(s), {} given", sub.params.len(), given.len());
        return c.fail(ctx, message, None, None);
    }
    let args = given.iter().zip(&sub.params).map(|(v, t)| convert(v.clone(), conversion(*t), ctx.program)).collect();
    let kind = sub.kind;
    let mut coverage = testing(ctx, c.name)?.coverage.take();
    let result = run_sub(ctx.program, idx, args, ctx.state, ctx.runtime, coverage.as_mut());
    let t = testing(ctx, c.name)?;
    t.coverage = coverage;
    let (action, value) = result?;
    if let Some(v) = value {
        t.return_value = v;
    }
    // A built-in subroutine that ends without `return` does what Fastly's default does.
    let Some(action) = action.or_else(|| kind.map(Action::default_for)) else { return Ok(Value::Void) };
    t.last_state = state_name(&action);
    match action {
        // Fastly hands an `error` over to vcl_error with obj.status and obj.response set.
        Action::Error { status, message } => {
            ctx.state.obj.status = status;
            ctx.state.obj.response = message;
        }
        Action::Restart => ctx.state.restarts += 1,
        _ => {}
    }
    Ok(Value::Void)
}

/// The conversion a `testing.call_subroutine` argument needs for a parameter type.
fn conversion(ty: Type) -> Conv {
    match ty {
        Type::String => Conv::String,
        Type::Integer => Conv::Integer,
        Type::Float => Conv::Float,
        Type::Ip => Conv::Ip,
        Type::Time => Conv::Time,
        Type::Rtime => Conv::Rtime,
        _ => Conv::None,
    }
}

fn fixed_time(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("testing.fixed_time", all);
    let ns = match c.get(0) {
        Value::Integer(secs) => Some(secs.saturating_mul(1_000_000_000)),
        Value::Time(ns) => Some(ns),
        Value::String(s) => parse_time(&String::from_utf8_lossy(&s)),
        _ => None,
    };
    let Some(ns) = ns else {
        let message = "expects Unix seconds (INTEGER), a TIME, or \"YYYY-mm-dd HH:MM:SS\"".to_string();
        return c.fail(ctx, message, None, Some(describe(&c.get(0), ctx.program)));
    };
    ctx.state.now = ns;
    ctx.state.time_start = ns;
    Ok(Value::Void)
}

/// `YYYY-mm-dd HH:MM:SS` (UTC, falco's format), or an HTTP date.
fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
        return t.and_utc().timestamp_nanos_opt();
    }
    let t = httpdate::parse_http_date(text).ok()?;
    let d = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    i64::try_from(d.as_nanos()).ok()
}

fn override_host(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("testing.override_host", all);
    ctx.state.req.headers.set(b"Host", c.get(0).to_bytes());
    Ok(Value::Void)
}

/// The variables whose value the runtime takes from outside the VCL.
const INJECTABLE: &[&str] = &[
    "client.ip",
    "server.ip",
    "server.hostname",
    "server.identity",
    "server.datacenter",
    "req.service_id",
    "req.vcl.generation",
    "req.vcl.version",
    "server.region",
    "server.billing_region",
    "req.customer_id",
    "req.is_ssl",
    "obj.hits",
    "obj.age",
];

fn inject_variable(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("testing.inject_variable", all);
    let name = c.text(0);
    let value = c.get(1);
    let ip = |v: &Value| match v {
        Value::Ip(ip) => Some(*ip),
        Value::String(s) => std::str::from_utf8(s).ok().and_then(|s| s.trim().parse::<IpAddr>().ok()),
        _ => None,
    };
    let st = &mut *ctx.state;
    let done = match name.as_str() {
        "client.ip" => ip(&value).map(|a| st.client_ip = a).is_some(),
        "server.ip" => ip(&value).map(|a| st.server_ip = a).is_some(),
        "server.hostname" => {
            st.server_hostname = value.to_bytes();
            true
        }
        "server.identity" => {
            st.server_identity = value.to_bytes();
            true
        }
        "server.datacenter" => {
            st.server_datacenter = value.to_bytes();
            true
        }
        "req.service_id" => {
            st.service_id = value.to_bytes();
            true
        }
        "req.vcl.generation" => value.as_int().map(|g| st.vcl_generation = g).is_some(),
        "req.vcl.version" => value.as_int().map(|v| st.vcl_version = v).is_some(),
        "server.region" | "server.billing_region" | "req.customer_id" => {
            let mut site = st.site.as_deref().cloned().unwrap_or_default();
            let fact = match name.as_str() {
                "server.region" => &mut site.region,
                "server.billing_region" => &mut site.billing_region,
                _ => &mut site.customer_id,
            };
            *fact = Some(value.to_bytes());
            st.site = Some(std::sync::Arc::new(site));
            true
        }
        // The cache supplies these.
        "obj.hits" => value.as_int().map(|h| st.cache.hits = h).is_some(),
        "obj.age" => match value {
            Value::Rtime(ns) => {
                st.cache.age = ns;
                true
            }
            Value::Integer(secs) => {
                st.cache.age = secs.saturating_mul(1_000_000_000);
                true
            }
            _ => false,
        },
        "req.is_ssl" => match value {
            Value::Bool(b) => {
                st.is_tls = b;
                true
            }
            _ => false,
        },
        _ => {
            let message = format!(
                "cannot inject `{name}`: lacquer injects only variables the runtime takes from outside ({}); set writable variables with `set`",
                INJECTABLE.join(", ")
            );
            return c.fail(ctx, message, None, None);
        }
    };
    if done {
        Ok(Value::Void)
    } else {
        let message = format!("cannot inject `{name}`: the value does not fit the variable's type");
        let actual = describe(&value, ctx.program);
        c.fail(ctx, message, None, Some(actual))
    }
}

/// Reached only when the name is not a string literal (literal names compile to a read).
fn inspect(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("testing.inspect", all);
    c.fail(
        ctx,
        "lacquer needs the variable name as a string literal: `testing.inspect(\"obj.status\")`".into(),
        None,
        None,
    )
}

/// `table_set` and `table_merge` were applied to the program's tables before the test
/// ran (a compiled program is immutable while it runs); this reports the calls that
/// could not be.
fn table_set(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    table_call(ctx, Call::new("testing.table_set", all), all)
}

fn table_merge(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    table_call(ctx, Call::new("testing.table_merge", all), all)
}

fn table_call(ctx: &mut Ctx<'_>, c: Call<'_>, all: &[Value]) -> Result<Value, Fault> {
    let site = all.last().and_then(Value::as_int);
    let outcome = ctx.state.testing.as_deref().and_then(|t| site.and_then(|s| t.table_calls.get(&s).cloned()));
    match outcome {
        Some(Ok(())) => Ok(Value::Void),
        Some(Err(message)) => c.fail(ctx, message, None, None),
        None => c.fail(ctx, "this table call was not prepared before the test ran (is it in a helper subroutine?); lacquer applies table_set/table_merge written in the test itself or its describe group".into(), None, None),
    }
}

fn mock(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("testing.mock", all);
    let (from, to) = (c.text(0), c.text(1));
    if from.starts_with("vcl_") {
        return c.fail(
            ctx,
            format!("`{from}` is a built-in subroutine; only custom subroutines can be mocked"),
            None,
            None,
        );
    }
    let p = ctx.program;
    let (Some(a), Some(b)) = (p.sub_by_name(&from), p.sub_by_name(&to)) else {
        let missing = if p.sub_by_name(&from).is_none() { from } else { to };
        return c.fail(ctx, format!("subroutine `{missing}` is not defined"), None, None);
    };
    let (sa, sb) = (&p.subs[a as usize], &p.subs[b as usize]);
    if sa.params != sb.params || sa.ret != sb.ret {
        return c.fail(
            ctx,
            format!("`{to}` cannot stand in for `{from}`: their parameters or return types differ"),
            None,
            None,
        );
    }
    let mut mocks = testing(ctx, c.name)?.mocks.clone();
    mocks.insert(a, b);
    if recursive(p, &mocks, b) {
        let message = format!("`{to}` would call itself through the mocked `{from}`; VCL has no recursion");
        return c.fail(ctx, message, None, None);
    }
    testing(ctx, c.name)?.mocks = mocks;
    Ok(Value::Void)
}

/// Whether running `start` with these mocks would recurse (Fastly rejects recursion, so
/// only a mock can close a cycle, and the new one passes through its target).
fn recursive(program: &Program, mocks: &HashMap<u32, u32>, start: u32) -> bool {
    let edges = |n: u32| -> Vec<u32> {
        let mut out = Vec::new();
        if let Some(sub) = program.subs.get(n as usize) {
            stmts_calls(&sub.body, &mut out);
        }
        out.into_iter().map(|c| mocks.get(&c).copied().unwrap_or(c)).collect()
    };
    let mut on_stack = vec![start];
    let mut stack = vec![(start, edges(start), 0usize)];
    let mut done: Vec<u32> = Vec::new();
    while let Some((node, children, i)) = stack.last_mut() {
        let Some(&child) = children.get(*i) else {
            done.push(*node);
            on_stack.pop();
            stack.pop();
            continue;
        };
        *i += 1;
        if on_stack.contains(&child) {
            return true;
        }
        if !done.contains(&child) {
            on_stack.push(child);
            stack.push((child, edges(child), 0));
        }
    }
    false
}

/// The subroutines a block calls directly (`call` and typed subroutines in expressions).
fn stmts_calls(list: &[Stmt], out: &mut Vec<u32>) {
    for s in list {
        match &s.kind {
            StmtKind::Call { sub, args } => {
                out.push(*sub);
                args.iter().for_each(|e| expr_calls(e, out));
            }
            StmtKind::Set { value, .. } | StmtKind::Add { value, .. } | StmtKind::Synthetic { value, .. } => {
                expr_calls(value, out)
            }
            StmtKind::Log(e) | StmtKind::Eval(e) | StmtKind::Return(Return::Value(e)) => expr_calls(e, out),
            StmtKind::Declare { init: Some(e), .. } => expr_calls(e, out),
            StmtKind::Error { status, message } => status.iter().chain(message).for_each(|e| expr_calls(e, out)),
            StmtKind::If { branches, otherwise } => {
                for (cond, body) in branches {
                    expr_calls(cond, out);
                    stmts_calls(body, out);
                }
                stmts_calls(otherwise, out);
            }
            StmtKind::Block(body) => stmts_calls(body, out),
            _ => {}
        }
    }
}

fn expr_calls(e: &Expr, out: &mut Vec<u32>) {
    match e {
        Expr::CallSub { sub, args } => {
            out.push(*sub);
            args.iter().for_each(|a| expr_calls(a, out));
        }
        Expr::Call { args, .. } => args.iter().for_each(|(a, _)| expr_calls(a, out)),
        Expr::If { cond, then, otherwise } => [cond, then, otherwise].into_iter().for_each(|x| expr_calls(x, out)),
        Expr::Not(x) | Expr::Convert(x, _) | Expr::Match { subject: x, .. } => expr_calls(x, out),
        Expr::And(v) | Expr::Or(v) | Expr::Concat(v) => v.iter().for_each(|x| expr_calls(x, out)),
        Expr::Compare { lhs: a, rhs: b, .. }
        | Expr::MatchDynamic { subject: a, regex: b, .. }
        | Expr::MatchAcl { subject: a, acl: b, .. }
        | Expr::TimeShift { time: a, delta: b, .. } => {
            expr_calls(a, out);
            expr_calls(b, out);
        }
        _ => {}
    }
}

fn restore_mock(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("testing.restore_mock", all);
    if let Some(idx) = ctx.program.sub_by_name(&c.text(0)) {
        testing(ctx, c.name)?.mocks.remove(&idx);
    }
    Ok(Value::Void)
}

fn restore_all_mocks(ctx: &mut Ctx<'_>, _all: &[Value]) -> Result<Value, Fault> {
    testing(ctx, "testing.restore_all_mocks")?.mocks.clear();
    Ok(Value::Void)
}

fn get_env(_ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("testing.get_env", all);
    Ok(std::env::var(c.text(0)).map_or(Value::NotSet, Value::from_string))
}

fn fixed_access_rate(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("testing.fixed_access_rate", all);
    let message = "not supported: lacquer's rate counters count real increments; drive them with \
                   `ratelimit.ratecounter_increment` or `ratelimit.check_rate` and `testing.fixed_time`"
        .to_string();
    c.fail(ctx, message, None, None)
}

fn set_backend_health(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("testing.set_backend_health", all);
    if let Value::Backend(b) = c.get(0) {
        let sick = &mut ctx.state.sick_backends;
        sick.retain(|x| *x != b);
        if !matches!(c.get(1), Value::Bool(true)) {
            sick.push(b);
        }
    }
    Ok(Value::Void)
}

// ----- assert.* -----

fn assert(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("assert", all);
    let v = c.get(0);
    match v {
        Value::Bool(_) | Value::String(_) | Value::NotSet => {
            let actual = describe(&v, ctx.program);
            c.check(ctx, v.truthy(), 1, String::new, Some("true".into()), Some(actual))
        }
        other => {
            let actual = describe_typed(&other, ctx.program);
            c.fail(ctx, "expects a BOOL or a STRING".into(), Some("BOOL or STRING".into()), Some(actual))
        }
    }
}

fn assert_true(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    assert_bool(ctx, Call::new("assert.true", all), true)
}

fn assert_false(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    assert_bool(ctx, Call::new("assert.false", all), false)
}

fn assert_bool(ctx: &mut Ctx<'_>, c: Call<'_>, want: bool) -> Result<Value, Fault> {
    let v = c.get(0);
    let actual = describe_typed(&v, ctx.program);
    let ok = v == Value::Bool(want);
    c.check(ctx, ok, 1, String::new, Some(want.to_string()), Some(actual))
}

fn is_json(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("assert.is_json", all);
    let v = c.get(0);
    let ok = serde_json::from_slice::<serde_json::Value>(&v.to_bytes()).is_ok();
    let actual = describe(&v, ctx.program);
    c.check(ctx, ok, 1, String::new, Some("valid JSON".into()), Some(actual))
}

fn is_notset(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("assert.is_notset", all);
    let v = c.get(0);
    let actual = describe(&v, ctx.program);
    c.check(ctx, !v.is_set(), 1, String::new, Some("(not set)".into()), Some(actual))
}

fn equal(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    strict(ctx, Call::new("assert.equal", all), true)
}

fn not_equal(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    strict(ctx, Call::new("assert.not_equal", all), false)
}

fn strict_equal(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    strict(ctx, Call::new("assert.strict_equal", all), true)
}

fn not_strict_equal(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    strict(ctx, Call::new("assert.not_strict_equal", all), false)
}

/// falco's strict equality: the same type and the same value. A not-set STRING counts as
/// the STRING `""`, as in falco (use `assert.is_notset` to tell them apart).
fn strict(ctx: &mut Ctx<'_>, c: Call<'_>, want_equal: bool) -> Result<Value, Fault> {
    let (actual, expected) = (c.get(0), c.get(1));
    let p = ctx.program;
    let same_type = type_name(&actual) == type_name(&expected);
    let equal = same_type && stringify(&actual, p) == stringify(&expected, p);
    if equal == want_equal {
        return Ok(Value::Void);
    }
    let (e, a) = if same_type {
        (describe(&expected, p), describe(&actual, p))
    } else {
        (describe_typed(&expected, p), describe_typed(&actual, p))
    };
    let ours = if !want_equal {
        "the values are equal".to_string()
    } else if same_type {
        String::new()
    } else {
        format!("type mismatch: expected {}, actual {}", type_name(&expected), type_name(&actual))
    };
    let expected = if want_equal { e } else { format!("not {e}") };
    c.check(ctx, false, 2, || ours, Some(expected), Some(a))
}

fn equal_fold(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("assert.equal_fold", all);
    let (a, e) = (c.text(0), c.text(1));
    let ok = a.to_lowercase() == e.to_lowercase();
    let (ea, ee) = (describe(&c.get(0), ctx.program), describe(&c.get(1), ctx.program));
    c.check(ctx, ok, 2, || "the strings differ (ignoring case)".into(), Some(ee), Some(ea))
}

/// The actual value of a string assertion: a STRING (falco rejects other types).
fn string_actual(ctx: &mut Ctx<'_>, c: &Call<'_>) -> Result<Bytes, Result<Value, Fault>> {
    match c.get(0) {
        Value::String(s) => Ok(s),
        Value::NotSet => Ok(Bytes::new()),
        other => {
            let actual = describe_typed(&other, ctx.program);
            Err(c.fail(ctx, "expects a STRING".into(), Some("a STRING".into()), Some(actual)))
        }
    }
}

fn matches(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    regex_assert(ctx, Call::new("assert.match", all), true)
}

fn not_matches(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    regex_assert(ctx, Call::new("assert.not_match", all), false)
}

fn regex_assert(ctx: &mut Ctx<'_>, c: Call<'_>, want: bool) -> Result<Value, Fault> {
    let subject = match string_actual(ctx, &c) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let pattern = c.text(1);
    let re = match pcre2::bytes::Regex::new(&pattern) {
        Ok(re) => re,
        Err(e) => return c.fail(ctx, format!("invalid regular expression: {e}"), None, None),
    };
    let found = re.is_match(&subject).unwrap_or(false);
    let expected = format!("{}matching /{pattern}/", if want { "" } else { "not " });
    let actual = describe(&c.get(0), ctx.program);
    c.check(ctx, found == want, 2, String::new, Some(expected), Some(actual))
}

fn contains(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    text_assert(ctx, Call::new("assert.contains", all), Text::Contains, true)
}

fn not_contains(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    text_assert(ctx, Call::new("assert.not_contains", all), Text::Contains, false)
}

fn starts_with(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    text_assert(ctx, Call::new("assert.starts_with", all), Text::Starts, true)
}

fn ends_with(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    text_assert(ctx, Call::new("assert.ends_with", all), Text::Ends, true)
}

#[derive(Clone, Copy)]
enum Text {
    Contains,
    Starts,
    Ends,
}

fn text_assert(ctx: &mut Ctx<'_>, c: Call<'_>, how: Text, want: bool) -> Result<Value, Fault> {
    let s = match string_actual(ctx, &c) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let needle = c.get(1).to_bytes();
    let found = match how {
        Text::Contains => needle.is_empty() || s.windows(needle.len()).any(|w| w == &needle[..]),
        Text::Starts => s.starts_with(&needle),
        Text::Ends => s.ends_with(&needle),
    };
    let verb = match how {
        Text::Contains => "containing",
        Text::Starts => "starting with",
        Text::Ends => "ending with",
    };
    let expected = format!("{}{verb} {}", if want { "" } else { "not " }, quote(&needle));
    let actual = describe(&c.get(0), ctx.program);
    c.check(ctx, found == want, 2, String::new, Some(expected), Some(actual))
}

fn calls_of(ctx: &mut Ctx<'_>, name: &str) -> u32 {
    let idx = ctx.program.sub_by_name(name);
    let calls: Option<&HashMap<u32, u32>> = ctx.state.testing.as_deref().map(|t| &t.calls);
    idx.and_then(|i| calls.and_then(|c| c.get(&i)).copied()).unwrap_or(0)
}

fn times(n: i64) -> String {
    if n == 1 {
        "called once".to_string()
    } else {
        format!("called {n} times")
    }
}

fn subroutine_called(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("assert.subroutine_called", all);
    let name = c.text(0);
    // (name), (name, times), (name, message) or (name, times, message).
    let (want, msg) = match c.get(1) {
        Value::Integer(n) => (n, 2),
        _ => (1, 1),
    };
    let got = i64::from(calls_of(ctx, &name));
    let ours = || format!("subroutine `{name}`");
    c.check(ctx, got == want, msg, ours, Some(times(want)), Some(times(got)))
}

fn not_subroutine_called(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("assert.not_subroutine_called", all);
    let name = c.text(0);
    let got = i64::from(calls_of(ctx, &name));
    let ours = || format!("subroutine `{name}`");
    c.check(ctx, got == 0, 1, ours, Some("not called".into()), Some(times(got)))
}

fn last_state(ctx: &Ctx<'_>) -> &'static str {
    ctx.state.testing.as_deref().map_or("NONE", |t| t.last_state)
}

fn restart(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("assert.restart", all);
    let s = last_state(ctx);
    c.check(ctx, s == "RESTART", 0, || "`restart` was not called".into(), Some("RESTART".into()), Some(s.into()))
}

fn not_restart(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("assert.not_restart", all);
    let s = last_state(ctx);
    c.check(ctx, s != "RESTART", 0, || "`restart` was called".into(), Some("not RESTART".into()), Some(s.into()))
}

/// The state word of `assert.state(lookup)`, upper case.
fn state_arg(c: &Call<'_>) -> String {
    match c.get(0) {
        Value::Id(Id::Word(w)) => w.to_ascii_uppercase(),
        other => other.to_text().to_ascii_uppercase(),
    }
}

fn state(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("assert.state", all);
    let (want, got) = (state_arg(&c), last_state(ctx));
    c.check(ctx, want == got, 1, String::new, Some(want.clone()), Some(got.into()))
}

fn not_state(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("assert.not_state", all);
    let (want, got) = (state_arg(&c), last_state(ctx));
    c.check(ctx, want != got, 1, String::new, Some(format!("not {want}")), Some(got.into()))
}

fn error(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("assert.error", all);
    let s = last_state(ctx);
    let status = c.get(0).as_int().unwrap_or(0);
    if s != "ERROR" {
        let ours = || "no `error` was raised".to_string();
        return c.check(ctx, false, 2, ours, Some(format!("ERROR {status}")), Some(s.into()));
    }
    let got = ctx.state.obj.status;
    if got != status {
        let ours = || "the error status differs".to_string();
        return c.check(ctx, false, 2, ours, Some(format!("ERROR {status}")), Some(format!("ERROR {got}")));
    }
    if let Some(Value::String(want)) = c.args.get(1) {
        let got = ctx.state.obj.response.clone();
        let ours = || "error response differs".to_string();
        return c.check(ctx, got == *want, 2, ours, Some(quote(want)), Some(quote(&got)));
    }
    Ok(Value::Void)
}

fn not_error(ctx: &mut Ctx<'_>, all: &[Value]) -> Result<Value, Fault> {
    let c = Call::new("assert.not_error", all);
    let s = last_state(ctx);
    let actual = if s == "ERROR" { format!("ERROR {}", ctx.state.obj.status) } else { s.to_string() };
    c.check(ctx, s != "ERROR", 0, || "the state moved to ERROR".into(), Some("not ERROR".into()), Some(actual))
}

// ----- rendering values for reports -----

/// A value's VCL type name.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::NotSet | Value::String(_) => "STRING",
        Value::Integer(_) => "INTEGER",
        Value::Float(_) => "FLOAT",
        Value::Bool(_) => "BOOL",
        Value::Time(_) => "TIME",
        Value::Rtime(_) => "RTIME",
        Value::Ip(_) => "IP",
        Value::Backend(_) => "BACKEND",
        Value::Acl(_) => "ACL",
        Value::Regex(_) => "REGEX",
        Value::Id(_) => "ID",
        Value::Void => "VOID",
    }
}

/// A value as a report shows it: strings quoted, not set spelled out, numbers bare.
pub fn describe(v: &Value, program: &Program) -> String {
    match v {
        Value::NotSet => "(not set)".to_string(),
        Value::String(s) => quote(s),
        Value::Integer(i) => i.to_string(),
        Value::Float(f) => render_float(*f),
        Value::Bool(b) => b.to_string(),
        Value::Time(t) => render_time(*t),
        Value::Rtime(r) => format!("{}s", render_rtime(*r).trim_end_matches('0').trim_end_matches('.')),
        Value::Ip(ip) => ip.to_string(),
        Value::Backend(_) => String::from_utf8_lossy(&stringify(v, program)).into_owned(),
        Value::Acl(a) => program.acls.get(*a as usize).map_or_else(|| format!("acl#{a}"), |acl| acl.name.clone()),
        Value::Regex(r) => {
            program.regexes.get(*r as usize).map_or_else(|| format!("regex#{r}"), |re| format!("/{}/", re.pattern))
        }
        Value::Id(Id::Word(w)) => w.to_string(),
        other => String::from_utf8_lossy(&other.to_bytes()).into_owned(),
    }
}

/// [`describe`] with the type in front (`INTEGER 200`), for type mismatches.
pub fn describe_typed(v: &Value, program: &Program) -> String {
    format!("{} {}", type_name(v), describe(v, program))
}

/// A byte string in double quotes, with `"`, `\` and control characters escaped.
pub fn quote(b: &[u8]) -> String {
    let text = String::from_utf8_lossy(b);
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_has_a_signature_and_back() {
        for (name, _) in FUNCTIONS {
            assert!(crate::catalog::testing_function(name).is_some(), "{name} has no signature");
        }
        // One implementation per signature (13 testing.*, 24 assert*).
        assert_eq!(FUNCTIONS.len(), 37);
    }

    #[test]
    fn values_render_for_reports() {
        let p = Program::default();
        assert_eq!(describe(&Value::str("a\"b"), &p), "\"a\\\"b\"");
        assert_eq!(describe(&Value::NotSet, &p), "(not set)");
        assert_eq!(describe(&Value::Rtime(60_000_000_000), &p), "60s");
        assert_eq!(describe(&Value::Rtime(1_500_000_000), &p), "1.5s");
        assert_eq!(describe_typed(&Value::Integer(200), &p), "INTEGER 200");
    }

    #[test]
    fn fixed_time_formats() {
        assert_eq!(parse_time("2023-09-08 16:59:00"), Some(1_694_192_340_000_000_000));
        assert_eq!(parse_time("Thu, 01 Jan 1970 00:00:10 GMT"), Some(10_000_000_000));
        assert_eq!(parse_time("yesterday"), None);
    }
}
