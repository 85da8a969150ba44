//! `addr.*` (IP address inspection) and `fastly.hash`.
//!
//! `addr.extract_bits(ip, start_bit, bit_count)` follows Fastly's page
//! (<https://www.fastly.com/documentation/reference/vcl/functions/miscellaneous/addr-extract-bits/>):
//! bit 0 is the lowest-order bit of the last byte, IPv4 addresses behave as if padded with
//! zeros on the left to 128 bits, and a not-set address gives 0. Fastly rejects invalid
//! constants at compile time; if they reach us anyway (`bit_count` outside 0–32,
//! `start_bit` outside 0–127, or their sum above 128) the call sets `fastly.error` to
//! `EINVAL` and returns 0.
//!
//! `fastly.hash(key, seed, from, to)` maps `key` into `from..=to`. Fastly does not publish
//! its hash ("might not offer cryptographic properties"); we use XXH64 of the key with the
//! seed's 64 bits as XXH64 seed, reduced modulo the range size. A given key and seed
//! always give the same value; `from > to` swaps the bounds.

use std::net::IpAddr;

use super::{args, Builtin, Ctx, Fault};
use crate::interp::value::Value;

/// The functions of this module, by catalog name.
pub const FUNCTIONS: &[(&str, Builtin)] =
    &[("addr.extract_bits", extract_bits), ("addr.is_ipv4", is_ipv4), ("addr.is_ipv6", is_ipv6), ("fastly.hash", hash)];

fn ip(a: &[Value]) -> Option<IpAddr> {
    match a.first() {
        Some(Value::Ip(ip)) => Some(*ip),
        _ => None,
    }
}

/// The address as a 128-bit number (IPv4 zero-padded on the left).
fn as_u128(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn extract_bits(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let start = args::int(a, 1);
    let count = args::int(a, 2);
    if !(0..=32).contains(&count) || !(0..128).contains(&start) || start + count > 128 {
        ctx.state.set_error("EINVAL");
        return Ok(Value::Integer(0));
    }
    let Some(addr) = ip(a) else { return Ok(Value::Integer(0)) };
    let mask = (1u128 << count) - 1;
    Ok(Value::Integer(((as_u128(addr) >> start) & mask) as i64))
}

fn is_ipv4(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Bool(matches!(ip(a), Some(IpAddr::V4(_)))))
}

fn is_ipv6(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Bool(matches!(ip(a), Some(IpAddr::V6(_)))))
}

fn hash(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let key = args::bytes(a, 0);
    let seed = args::int(a, 1) as u64;
    let (from, to) = (args::int(a, 2), args::int(a, 3));
    let (lo, hi) = if from <= to { (from, to) } else { (to, from) };
    let span = (i128::from(hi) - i128::from(lo) + 1) as u128;
    let h = u128::from(xxhash_rust::xxh64::xxh64(&key, seed));
    Ok(Value::Integer((i128::from(lo) + (h % span) as i128) as i64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::state::ReqState;
    use crate::interp::Runtime;
    use crate::ir::Program;

    fn call(f: Builtin, a: &[Value]) -> (Value, Value) {
        let mut state = ReqState::default();
        let program = Program::default();
        let runtime = Runtime::default();
        let mut ctx = Ctx { state: &mut state, program: &program, runtime: &runtime };
        let v = f(&mut ctx, a).expect("no fault");
        (v, state.fastly_error)
    }

    fn ip(s: &str) -> Value {
        Value::Ip(s.parse().expect("valid address"))
    }

    fn bits(addr: Value, start: i64, count: i64) -> i64 {
        match call(extract_bits, &[addr, Value::Integer(start), Value::Integer(count)]) {
            (Value::Integer(v), Value::NotSet) => v,
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn every_function_is_registered() {
        for (name, _) in FUNCTIONS {
            assert!(crate::catalog::function(name).is_some(), "{name} is not in the catalog");
        }
        assert_eq!(FUNCTIONS.len(), 4);
    }

    #[test]
    fn extract_bits_counts_from_the_last_byte() {
        // .../addr-extract-bits example: addr.extract_bits(server.ip, 0, 8) == 7 for an IPv4
        // address ending in ".7" or an IPv6 address ending in "07".
        assert_eq!(bits(ip("192.0.2.7"), 0, 8), 7);
        assert_eq!(bits(ip("2001:db8::7"), 0, 8), 7);
        assert_eq!(bits(ip("192.0.2.7"), 8, 8), 2);
        assert_eq!(bits(ip("192.0.2.7"), 24, 8), 192);
        assert_eq!(bits(ip("192.0.2.7"), 0, 32), 0xC000_0207);
        // IPv4 is zero-padded on the left: bits past 32 are 0, and a run crossing bit 32
        // keeps only the address's bits.
        assert_eq!(bits(ip("255.255.255.255"), 32, 32), 0);
        assert_eq!(bits(ip("255.255.255.255"), 28, 8), 0x0F);
        assert_eq!(bits(ip("2001:db8::7"), 112, 16), 0x2001);
        assert_eq!(bits(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 96, 32), 0xFFFF_FFFF);
        assert_eq!(bits(Value::NotSet, 0, 8), 0);
        assert_eq!(bits(ip("192.0.2.7"), 0, 0), 0);
        for (start, count) in [(0, 33), (128, 1), (100, 32), (-1, 8), (0, -1)] {
            assert_eq!(
                call(extract_bits, &[ip("192.0.2.7"), Value::Integer(start), Value::Integer(count)]),
                (Value::Integer(0), Value::str("EINVAL"))
            );
        }
    }

    #[test]
    fn address_families() {
        assert_eq!(call(is_ipv4, &[ip("192.0.2.1")]).0, Value::Bool(true));
        assert_eq!(call(is_ipv4, &[ip("2001:db8::1")]).0, Value::Bool(false));
        assert_eq!(call(is_ipv6, &[ip("2001:db8::1")]).0, Value::Bool(true));
        assert_eq!(call(is_ipv6, &[ip("192.0.2.1")]).0, Value::Bool(false));
        assert_eq!(call(is_ipv4, &[Value::NotSet]).0, Value::Bool(false));
        assert_eq!(call(is_ipv6, &[Value::NotSet]).0, Value::Bool(false));
    }

    #[test]
    fn fastly_hash_is_a_stable_value_in_range() {
        // .../fastly-hash example: fastly.hash(req.url, 0, 0, 1023).
        let h = |key: &str, seed: i64, from: i64, to: i64| match call(
            hash,
            &[Value::str(key), Value::Integer(seed), Value::Integer(from), Value::Integer(to)],
        ) {
            (Value::Integer(v), Value::NotSet) => v,
            other => panic!("unexpected {other:?}"),
        };
        let v = h("/index.html", 0, 0, 1023);
        assert!((0..=1023).contains(&v));
        assert_eq!(h("/index.html", 0, 0, 1023), v);
        assert_eq!(v as u64, xxhash_rust::xxh64::xxh64(b"/index.html", 0) % 1024);
        let spread: std::collections::HashSet<_> = (0..200).map(|i| h(&format!("/p{i}"), 0, 0, 9)).collect();
        assert_eq!(spread.len(), 10, "keys spread over the range");
        let seeds: std::collections::HashSet<_> = (0..50).map(|seed| h("/same", seed, 0, 1_000_000)).collect();
        assert!(seeds.len() > 40, "the seed changes the hash");
        assert_eq!(h("x", 1, 5, 5), 5);
        assert!((-10..=-1).contains(&h("x", 1, -1, -10)));
        let full = h("x", 1, i64::MIN, i64::MAX);
        assert_eq!(full as u64 ^ (1 << 63), xxhash_rust::xxh64::xxh64(b"x", 1));
    }
}
