//! `counter.*` and `limiter.*`: Fastly's estimated counters and limiters (guide "VCL
//! counters and limiters",
//! <https://www.fastly.com/documentation/guides/full-site-delivery/custom-vcl/vcl-counters-and-limiters>),
//! over the shared tables of [`RateState`](crate::interp::ratelimit_state::RateState).
//!
//! `counter.inc` returns "the incremented state of the counter", `counter.get` "the
//! current value of the counter for the key specified"; both are estimates that carry
//! part of the previous window over (see `ratelimit_state`). A limiter "works like" a
//! counter with a `.max`: the guide pages available to us do not say what happens at
//! `.max`, so we stop counting there: `limiter.inc` and `limiter.get` never return more
//! than `.max`, and an increment at `.max` is not counted.
//!
//! The guide gives no key length limit either; we apply Edge Rate Limiting's ("an entry
//! can be, at maximum, 256 bytes long"): a longer key sets `fastly.error` to `EINVAL`,
//! returns 0 and counts nothing. Time is `ReqState::now`.

use super::{args, Builtin, Ctx, Fault};
use crate::interp::value::{Id, Value};

/// The functions of this module, by catalog name.
pub const FUNCTIONS: &[(&str, Builtin)] =
    &[("counter.get", get), ("counter.inc", inc), ("limiter.get", limiter_get), ("limiter.inc", limiter_inc)];

const MAX_KEY: usize = 256;

/// The key argument when it is at most [`MAX_KEY`] bytes.
fn key(a: &[Value]) -> Option<bytes::Bytes> {
    Some(args::bytes(a, 1)).filter(|k| k.len() <= MAX_KEY)
}

fn integer(n: u64) -> Result<Value, Fault> {
    Ok(Value::Integer(i64::try_from(n).unwrap_or(i64::MAX)))
}

fn einval(ctx: &mut Ctx<'_>) -> Result<Value, Fault> {
    ctx.state.set_error("EINVAL");
    Ok(Value::Integer(0))
}

/// The counter argument and its `.time_window`.
fn counter(ctx: &Ctx<'_>, a: &[Value]) -> Option<(u32, i64)> {
    match a.first() {
        Some(Value::Id(Id::Counter(n))) => ctx.program.counters.get(*n as usize).map(|c| (*n, c.window)),
        _ => None,
    }
}

/// The limiter argument, its `.max` and its `.time_window`.
fn limiter(ctx: &Ctx<'_>, a: &[Value]) -> Option<(u32, u64, i64)> {
    match a.first() {
        Some(Value::Id(Id::Limiter(n))) => {
            ctx.program.limiters.get(*n as usize).map(|l| (*n, u64::try_from(l.max).unwrap_or(0), l.window))
        }
        _ => None,
    }
}

fn inc(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let (Some((c, window)), Some(k)) = (counter(ctx, a), key(a)) else { return einval(ctx) };
    integer(ctx.runtime.rate.counter_inc(c, &k, window, ctx.state.now))
}

fn get(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let (Some((c, window)), Some(k)) = (counter(ctx, a), key(a)) else { return einval(ctx) };
    integer(ctx.runtime.rate.counter_get(c, &k, window, ctx.state.now))
}

fn limiter_inc(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let (Some((l, max, window)), Some(k)) = (limiter(ctx, a), key(a)) else { return einval(ctx) };
    integer(ctx.runtime.rate.limiter_inc(l, &k, max, window, ctx.state.now))
}

fn limiter_get(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let (Some((l, max, window)), Some(k)) = (limiter(ctx, a), key(a)) else { return einval(ctx) };
    integer(ctx.runtime.rate.limiter_get(l, &k, max, window, ctx.state.now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::builtins::testkit::{s, Env};
    use crate::ir::{CounterDecl, LimiterDecl};

    const S: i64 = 1_000_000_000;

    fn env() -> Env {
        let mut env = Env::new();
        env.program.counters = vec![CounterDecl { name: "logins".into(), window: 60 * S }];
        env.program.limiters = vec![LimiterDecl { name: "lim".into(), max: 3, window: 60 * S }];
        env
    }

    fn at(env: &mut Env, now: i64, f: Builtin, key: &str, id: Id) -> Value {
        env.state.now = now;
        env.call(f, &[Value::Id(id), s(key)])
    }

    #[test]
    fn every_function_is_registered() {
        for (name, _) in FUNCTIONS {
            assert!(crate::catalog::function(name).is_some(), "{name} is not in the catalog");
        }
    }

    #[test]
    fn counter_inc_returns_the_incremented_value_and_get_reads_it() {
        // Guide: counter.inc "returns the incremented state of the counter", counter.get
        // "the current value of the counter for the key specified".
        let mut env = env();
        let c = Id::Counter(0);
        assert_eq!(at(&mut env, 0, get, "deliver", c.clone()), Value::Integer(0));
        assert_eq!(at(&mut env, 0, inc, "deliver", c.clone()), Value::Integer(1));
        assert_eq!(at(&mut env, S, inc, "deliver", c.clone()), Value::Integer(2));
        assert_eq!(at(&mut env, 2 * S, get, "deliver", c.clone()), Value::Integer(2));
        assert_eq!(at(&mut env, 2 * S, get, "other", c.clone()), Value::Integer(0));
        // Guide: "when a window elapses, some of the counts accumulated are carried over":
        // 45s into the next window, a quarter of the previous window is left.
        for _ in 0..6 {
            at(&mut env, 10 * S, inc, "deliver", c.clone());
        }
        assert_eq!(at(&mut env, 59 * S, get, "deliver", c.clone()), Value::Integer(8));
        assert_eq!(at(&mut env, 105 * S, get, "deliver", c.clone()), Value::Integer(2));
        assert_eq!(at(&mut env, 105 * S, inc, "deliver", c.clone()), Value::Integer(3));
        // Two windows later nothing is left.
        assert_eq!(at(&mut env, 180 * S, get, "deliver", c), Value::Integer(0));
        assert_eq!(env.error(), Value::NotSet);
    }

    #[test]
    fn a_limiter_stops_at_max() {
        let mut env = env();
        let l = Id::Limiter(0);
        let got: Vec<Value> = (0..5).map(|_| at(&mut env, 0, limiter_inc, "ip", l.clone())).collect();
        assert_eq!(got, [1, 2, 3, 3, 3].map(Value::Integer));
        assert_eq!(at(&mut env, 0, limiter_get, "ip", l.clone()), Value::Integer(3));
        assert_eq!(at(&mut env, 0, limiter_get, "other", l.clone()), Value::Integer(0));
        // The count at max was not grown by the refused increments: half a window later the
        // estimate is 3 * 1/2 = 1, and counting resumes.
        assert_eq!(at(&mut env, 90 * S, limiter_get, "ip", l.clone()), Value::Integer(1));
        assert_eq!(at(&mut env, 90 * S, limiter_inc, "ip", l), Value::Integer(2));
    }

    #[test]
    fn bad_arguments_set_einval_and_count_nothing() {
        let mut env = env();
        let long = "k".repeat(257);
        assert_eq!(at(&mut env, 0, inc, &long, Id::Counter(0)), Value::Integer(0));
        assert_eq!(env.error(), Value::str("EINVAL"));
        assert_eq!(at(&mut env, 0, limiter_inc, &long, Id::Limiter(0)), Value::Integer(0));
        assert_eq!(at(&mut env, 0, inc, "k", Id::Counter(9)), Value::Integer(0));
        assert_eq!(at(&mut env, 0, limiter_get, "k", Id::Counter(0)), Value::Integer(0));
        assert_eq!(at(&mut env, 0, get, &"k".repeat(256), Id::Counter(0)), Value::Integer(0));
        assert_eq!(env.runtime.rate.counter_get(0, long.as_bytes(), 60 * S, 0), 0);
    }
}
