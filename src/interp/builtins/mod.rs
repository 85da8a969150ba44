//! Fastly's builtin functions, one module per family, behind one calling convention.
//!
//! The interpreter evaluates and converts the arguments to the parameter types of the
//! catalog before calling: STRING parameters receive `Value::String` or `Value::NotSet`
//! (never other types), FLOAT parameters receive `Value::Float` (integers promoted),
//! INTEGER/BOOL/TIME/RTIME their own variant, IP `Value::Ip` (or `NotSet`), REGEX
//! `Value::Regex` (compiled once, in `program.regexes`), ACL `Value::Acl`, BACKEND
//! `Value::Backend`, ID `Value::Id`. Optional arguments that were not written are absent
//! (the slice is shorter); variadic ones are the tail of the slice.
//!
//! A function never panics. Bad input sets `fastly.error` (`ctx.state.set_error("EINVAL")`)
//! and returns the value Fastly documents for that case; only conditions that end the
//! request return `Err(Fault)`.

pub mod accept;
pub mod addr;
pub mod counter;
pub mod digest;
pub mod edge;
pub mod headers;
pub mod math;
pub mod querystring;
pub mod ratelimit;
pub mod signature;
pub mod std_lib;
pub mod strings;
pub mod table;
pub mod time;
pub mod uuid;

use super::state::ReqState;
use super::value::Value;
use super::Runtime;
use crate::ir::Program;

#[cfg(test)]
mod testkit;

/// A builtin's implementation.
pub type Builtin = fn(&mut Ctx<'_>, &[Value]) -> Result<Value, Fault>;

/// What a builtin can see.
pub struct Ctx<'a> {
    pub state: &'a mut ReqState,
    pub program: &'a Program,
    /// State shared by all requests (rate counters, penalty boxes).
    pub runtime: &'a Runtime,
}

/// A condition that ends the request with Fastly's 503.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Fault {
    /// Boxed: results that carry a `Fault` stay two words, so they come back in registers.
    #[error("{0}")]
    Fatal(Box<String>),
}

/// Every implemented builtin, by catalog name.
pub fn lookup(name: &str) -> Option<Builtin> {
    MODULES.iter().flat_map(|m| m.iter()).find(|(n, _)| *n == name).map(|(_, f)| *f)
}

/// The implemented functions of each module.
const MODULES: &[&[(&str, Builtin)]] = &[
    digest::FUNCTIONS,
    std_lib::FUNCTIONS,
    strings::FUNCTIONS,
    querystring::FUNCTIONS,
    headers::FUNCTIONS,
    accept::FUNCTIONS,
    table::FUNCTIONS,
    addr::FUNCTIONS,
    math::FUNCTIONS,
    ratelimit::FUNCTIONS,
    counter::FUNCTIONS,
    signature::FUNCTIONS,
    edge::FUNCTIONS,
    time::FUNCTIONS,
    uuid::FUNCTIONS,
    // `lacquer test`: testing.*/assert.* (resolved by the compiler in test mode only).
    crate::testing::builtins::FUNCTIONS,
];

/// Helpers for argument access: the interpreter guarantees types, so these only
/// guard against a missing optional argument.
pub mod args {
    use bytes::Bytes;

    use crate::interp::value::Value;

    /// A STRING argument as bytes (`""` when not set or absent).
    pub fn bytes(args: &[Value], i: usize) -> Bytes {
        args.get(i).map(Value::to_bytes).unwrap_or_default()
    }

    /// A STRING argument as text (lossy UTF-8).
    pub fn text(args: &[Value], i: usize) -> String {
        args.get(i).map(Value::to_text).unwrap_or_default()
    }

    pub fn is_set(args: &[Value], i: usize) -> bool {
        args.get(i).is_some_and(Value::is_set)
    }

    pub fn int(args: &[Value], i: usize) -> i64 {
        match args.get(i) {
            Some(Value::Integer(v)) => *v,
            Some(Value::Float(f)) => *f as i64,
            _ => 0,
        }
    }

    pub fn float(args: &[Value], i: usize) -> f64 {
        args.get(i).and_then(Value::as_float).unwrap_or(0.0)
    }

    pub fn boolean(args: &[Value], i: usize) -> bool {
        matches!(args.get(i), Some(Value::Bool(true)))
    }

    /// TIME and RTIME arguments in nanoseconds.
    pub fn nanos(args: &[Value], i: usize) -> i64 {
        match args.get(i) {
            Some(Value::Time(t) | Value::Rtime(t)) => *t,
            _ => 0,
        }
    }
}
