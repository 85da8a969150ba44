//! `ratelimit.*`: Edge Rate Limiting over the shared counters and penalty boxes of
//! [`RateState`](crate::interp::ratelimit_state::RateState)
//! (<https://www.fastly.com/documentation/reference/vcl/functions/rate-limiting/>).
//!
//! Argument limits, from the function pages: an entry is at most 256 bytes; `delta` is
//! 0–100,000 for `check_rate(s)` and 0–1,000 for `ratecounter_increment`; `window` is 1,
//! 10 or 60; `limit` is 10–70,000,000. A violation sets `fastly.error` to `EINVAL` and
//! returns the documented default (`false`, or 0 for the INTEGER result) without
//! touching any counter. The penalty TTL is rounded to the nearest minute and clamped to
//! 1–60 minutes ("between 1m and 1h, minute granularity").
//!
//! `check_rate(s)` adds the delta(s) first, then answers true when the entry is already
//! in the penalty box or when its rate over the window (increments in the last `window`
//! seconds divided by `window`) exceeds the limit, in which case the entry is also put in
//! the penalty box for the TTL. Time is `ReqState::now`.

use super::{args, Builtin, Ctx, Fault};
use crate::interp::value::{Id, Value};

/// The functions of this module, by catalog name.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("ratelimit.check_rate", check_rate),
    ("ratelimit.check_rates", check_rates),
    ("ratelimit.penaltybox_add", penaltybox_add),
    ("ratelimit.penaltybox_has", penaltybox_has),
    ("ratelimit.ratecounter_increment", ratecounter_increment),
];

const MAX_ENTRY: usize = 256;
const MINUTE: i64 = 60 * 1_000_000_000;

fn ratecounter(ctx: &Ctx<'_>, a: &[Value], i: usize) -> Option<u32> {
    match a.get(i) {
        Some(Value::Id(Id::RateCounter(n))) if (*n as usize) < ctx.program.ratecounters.len() => Some(*n),
        _ => None,
    }
}

fn penaltybox(ctx: &Ctx<'_>, a: &[Value], i: usize) -> Option<u32> {
    match a.get(i) {
        Some(Value::Id(Id::PenaltyBox(n))) if (*n as usize) < ctx.program.penaltyboxes.len() => Some(*n),
        _ => None,
    }
}

/// The entry argument when it is at most 256 bytes.
fn entry(a: &[Value], i: usize) -> Option<bytes::Bytes> {
    Some(args::bytes(a, i)).filter(|e| e.len() <= MAX_ENTRY)
}

/// The TTL rounded to the nearest minute and clamped to 1–60 minutes, in nanoseconds.
fn penalty_ttl(ns: i64) -> i64 {
    let minutes = ns.saturating_add(MINUTE / 2).div_euclid(MINUTE);
    minutes.clamp(1, 60) * MINUTE
}

/// One counter of a `check_rate(s)` call.
struct Limit {
    rc: u32,
    delta: u64,
    window: i64,
    limit: f64,
}

/// Reads `rc, delta, window, limit` starting at argument `i`.
fn limit_args(ctx: &Ctx<'_>, a: &[Value], i: usize) -> Option<Limit> {
    let rc = ratecounter(ctx, a, i)?;
    let delta = args::int(a, i + 1);
    let window = args::int(a, i + 2);
    let limit = args::int(a, i + 3);
    let valid = (0..=100_000).contains(&delta) && matches!(window, 1 | 10 | 60) && (10..=70_000_000).contains(&limit);
    valid.then_some(Limit { rc, delta: delta as u64, window, limit: limit as f64 })
}

fn einval(ctx: &mut Ctx<'_>, v: Value) -> Result<Value, Fault> {
    ctx.state.set_error("EINVAL");
    Ok(v)
}

/// Counts, then decides: penalised already, or over any limit (which penalises).
fn check(ctx: &mut Ctx<'_>, entry: &[u8], limits: &[Limit], pb: u32, ttl: i64) -> Result<Value, Fault> {
    let now = ctx.state.now;
    let rate = &ctx.runtime.rate;
    for l in limits {
        rate.increment(l.rc, entry, l.delta, now);
    }
    if rate.penalized(pb, entry, now) {
        return Ok(Value::Bool(true));
    }
    let exceeded = limits.iter().any(|l| rate.rate(l.rc, entry, l.window, now) > l.limit);
    if exceeded {
        rate.penalize(pb, entry, penalty_ttl(ttl), now);
    }
    Ok(Value::Bool(exceeded))
}

fn check_rate(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let (Some(e), Some(l), Some(pb)) = (entry(a, 0), limit_args(ctx, a, 1), penaltybox(ctx, a, 5)) else {
        return einval(ctx, Value::Bool(false));
    };
    check(ctx, &e, &[l], pb, args::nanos(a, 6))
}

fn check_rates(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let (Some(e), Some(l1), Some(l2), Some(pb)) =
        (entry(a, 0), limit_args(ctx, a, 1), limit_args(ctx, a, 5), penaltybox(ctx, a, 9))
    else {
        return einval(ctx, Value::Bool(false));
    };
    check(ctx, &e, &[l1, l2], pb, args::nanos(a, 10))
}

fn ratecounter_increment(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let delta = args::int(a, 2);
    let (Some(rc), Some(e), true) = (ratecounter(ctx, a, 0), entry(a, 1), (0..=1_000).contains(&delta)) else {
        return einval(ctx, Value::Integer(0));
    };
    let total = ctx.runtime.rate.increment(rc, &e, delta as u64, ctx.state.now);
    Ok(Value::Integer(i64::try_from(total).unwrap_or(i64::MAX)))
}

fn penaltybox_add(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let (Some(pb), Some(e)) = (penaltybox(ctx, a, 0), entry(a, 1)) else {
        return einval(ctx, Value::Void);
    };
    ctx.runtime.rate.penalize(pb, &e, penalty_ttl(args::nanos(a, 2)), ctx.state.now);
    Ok(Value::Void)
}

fn penaltybox_has(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let (Some(pb), Some(e)) = (penaltybox(ctx, a, 0), entry(a, 1)) else {
        return einval(ctx, Value::Bool(false));
    };
    Ok(Value::Bool(ctx.runtime.rate.penalized(pb, &e, ctx.state.now)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::state::ReqState;
    use crate::interp::Runtime;
    use crate::ir::Program;

    const S: i64 = 1_000_000_000;

    struct World {
        program: Program,
        runtime: Runtime,
    }

    impl World {
        fn new() -> World {
            let program = Program {
                ratecounters: vec!["rc".into(), "rc2".into()],
                penaltyboxes: vec!["pb".into()],
                ..Program::default()
            };
            World { program, runtime: Runtime::default() }
        }

        /// Runs `f` at `now_ns` as a fresh request; returns the result and `fastly.error`.
        fn call(&self, f: Builtin, a: &[Value], now_ns: i64) -> (Value, Value) {
            let mut state = ReqState { now: now_ns, ..ReqState::default() };
            let mut ctx = Ctx { state: &mut state, program: &self.program, runtime: &self.runtime };
            let v = f(&mut ctx, a).expect("no fault");
            (v, state.fastly_error)
        }
    }

    fn rc(n: u32) -> Value {
        Value::Id(Id::RateCounter(n))
    }

    fn pb() -> Value {
        Value::Id(Id::PenaltyBox(0))
    }

    fn int(i: i64) -> Value {
        Value::Integer(i)
    }

    fn check_rate_args(entry: &str, delta: i64, window: i64, limit: i64, ttl: i64) -> Vec<Value> {
        vec![Value::str(entry), rc(0), int(delta), int(window), int(limit), pb(), Value::Rtime(ttl)]
    }

    #[test]
    fn every_function_is_registered() {
        for (name, _) in FUNCTIONS {
            assert!(crate::catalog::function(name).is_some(), "{name} is not in the catalog");
        }
        assert_eq!(FUNCTIONS.len(), 5);
    }

    #[test]
    fn check_rate_penalises_over_the_limit() {
        // .../ratelimit-check-rate example: 100 requests per second over 10 seconds,
        // penalised for 10 minutes.
        let w = World::new();
        let t0 = 1_000 * S;
        let args = check_rate_args("192.0.2.1", 1, 10, 100, 600 * S);
        // 1000 hits within one second: rate over 10 s is exactly 100, not above it.
        for _ in 0..1000 {
            assert_eq!(w.call(check_rate, &args, t0), (Value::Bool(false), Value::NotSet));
        }
        assert_eq!(w.call(check_rate, &args, t0), (Value::Bool(true), Value::NotSet));
        assert_eq!(w.call(penaltybox_has, &[pb(), Value::str("192.0.2.1")], t0), (Value::Bool(true), Value::NotSet));
        // Another client is unaffected.
        assert_eq!(w.call(check_rate, &check_rate_args("192.0.2.2", 1, 10, 100, 600 * S), t0).0, Value::Bool(false));
        // Still penalised after the counts age out, until the TTL ends.
        assert_eq!(w.call(check_rate, &args, t0 + 599 * S).0, Value::Bool(true));
        assert_eq!(w.call(check_rate, &args, t0 + 600 * S).0, Value::Bool(false));
        // The ratecounter variables read the last entry incremented.
        assert_eq!(w.runtime.rate.last_entry(0).as_deref(), Some(&b"192.0.2.1"[..]));
    }

    #[test]
    fn windows_and_deltas() {
        let w = World::new();
        let t0 = 50 * S;
        // delta 0 checks without counting.
        for _ in 0..5 {
            assert_eq!(w.call(check_rate, &check_rate_args("a", 0, 1, 10, 60 * S), t0).0, Value::Bool(false));
        }
        assert_eq!(w.runtime.rate.bucket(0, b"a", 60, t0), 0);
        // A 1 s window over limit 10: the 11th hit in one second trips it.
        assert_eq!(w.call(check_rate, &check_rate_args("a", 10, 1, 10, 60 * S), t0).0, Value::Bool(false));
        assert_eq!(w.call(check_rate, &check_rate_args("a", 1, 1, 10, 60 * S), t0).0, Value::Bool(true));
        // A 60 s window spreads the same count: 611 hits over a minute is above 10/s.
        assert_eq!(w.call(check_rate, &check_rate_args("b", 600, 60, 10, 60 * S), t0).0, Value::Bool(false));
        assert_eq!(w.call(check_rate, &check_rate_args("b", 11, 60, 10, 60 * S), t0 + 30 * S).0, Value::Bool(true));
    }

    #[test]
    fn check_rates_trips_on_either_counter() {
        // .../ratelimit-check-rates: two counters, one penalty box.
        let w = World::new();
        let a = |d1: i64, d2: i64| {
            vec![
                Value::str("e"),
                rc(0),
                int(d1),
                int(1),
                int(1_000),
                rc(1),
                int(d2),
                int(10),
                int(10),
                pb(),
                Value::Rtime(120 * S),
            ]
        };
        assert_eq!(w.call(check_rates, &a(1, 100), 0), (Value::Bool(false), Value::NotSet));
        assert_eq!(w.runtime.rate.bucket(0, b"e", 10, 0), 1);
        assert_eq!(w.runtime.rate.bucket(1, b"e", 10, 0), 100);
        assert_eq!(w.call(check_rates, &a(1, 1), 0), (Value::Bool(true), Value::NotSet));
        assert_eq!(w.call(penaltybox_has, &[pb(), Value::str("e")], 119 * S).0, Value::Bool(true));
        assert_eq!(w.call(penaltybox_has, &[pb(), Value::str("e")], 120 * S).0, Value::Bool(false));
    }

    #[test]
    fn invalid_arguments_set_einval_and_count_nothing() {
        let w = World::new();
        let long = "x".repeat(257);
        let bad = [
            check_rate_args(&long, 1, 10, 100, 60 * S),
            check_rate_args("a", -1, 10, 100, 60 * S),
            check_rate_args("a", 100_001, 10, 100, 60 * S),
            check_rate_args("a", 1, 5, 100, 60 * S),
            check_rate_args("a", 1, 10, 9, 60 * S),
            check_rate_args("a", 1, 10, 70_000_001, 60 * S),
            vec![Value::str("a"), rc(7), int(1), int(10), int(100), pb(), Value::Rtime(60 * S)],
            vec![Value::str("a"), pb(), int(1), int(10), int(100), pb(), Value::Rtime(60 * S)],
        ];
        for args in bad {
            assert_eq!(w.call(check_rate, &args, 0), (Value::Bool(false), Value::str("EINVAL")));
        }
        assert_eq!(w.runtime.rate.bucket(0, b"a", 60, 0), 0);
        let ok_entry = "x".repeat(256);
        assert_eq!(
            w.call(check_rate, &check_rate_args(&ok_entry, 1, 10, 100, 60 * S), 0),
            (Value::Bool(false), Value::NotSet)
        );
        assert_eq!(
            w.call(check_rates, &[Value::str("a"), rc(0), int(1), int(10), int(100)], 0),
            (Value::Bool(false), Value::str("EINVAL"))
        );
        assert_eq!(
            w.call(ratecounter_increment, &[rc(0), Value::str("a"), int(1_001)], 0),
            (int(0), Value::str("EINVAL"))
        );
        assert_eq!(
            w.call(ratecounter_increment, &[rc(0), Value::str(&long), int(1)], 0),
            (int(0), Value::str("EINVAL"))
        );
        assert_eq!(
            w.call(penaltybox_add, &[pb(), Value::str(&long), Value::Rtime(60 * S)], 0),
            (Value::Void, Value::str("EINVAL"))
        );
        assert_eq!(w.call(penaltybox_has, &[pb(), Value::str(&long)], 0), (Value::Bool(false), Value::str("EINVAL")));
    }

    #[test]
    fn ratecounter_increment_returns_the_last_minute() {
        // .../ratelimit-ratecounter-increment example: increment by 10 per response and read
        // the hits of the last 60 seconds.
        let w = World::new();
        let a = [rc(0), Value::str("192.0.2.1"), int(10)];
        assert_eq!(w.call(ratecounter_increment, &a, 0), (int(10), Value::NotSet));
        assert_eq!(w.call(ratecounter_increment, &a, 30 * S), (int(20), Value::NotSet));
        assert_eq!(w.call(ratecounter_increment, &a, 60 * S), (int(20), Value::NotSet));
        assert_eq!(w.call(ratecounter_increment, &a, 91 * S), (int(20), Value::NotSet));
        assert_eq!(w.runtime.rate.bucket_last(0, 10, 91 * S), 10);
        assert_eq!(w.runtime.rate.rate_last(0, 10, 91 * S), 1.0);
    }

    #[test]
    fn penaltybox_ttl_has_minute_granularity() {
        // .../ratelimit-penaltybox-add: ttl between 1m and 1h, rounded to the nearest minute.
        let w = World::new();
        let add = |entry: &str, ttl: i64| w.call(penaltybox_add, &[pb(), Value::str(entry), Value::Rtime(ttl)], 0);
        let has = |entry: &str, at: i64| w.call(penaltybox_has, &[pb(), Value::str(entry)], at).0 == Value::Bool(true);
        assert_eq!(add("five", 5 * 60 * S), (Value::Void, Value::NotSet));
        assert!(has("five", 299 * S) && !has("five", 300 * S));
        add("round-up", 90 * S);
        assert!(has("round-up", 119 * S) && !has("round-up", 120 * S));
        add("round-down", 89 * S);
        assert!(!has("round-down", 60 * S));
        add("short", S);
        assert!(has("short", 59 * S) && !has("short", 60 * S));
        add("long", 2 * 3600 * S);
        assert!(has("long", 3599 * S) && !has("long", 3600 * S));
        assert!(!has("never-added", 0));
        assert_eq!(penalty_ttl(-5), MINUTE);
        assert_eq!(penalty_ttl(i64::MAX), 60 * MINUTE);
    }
}
