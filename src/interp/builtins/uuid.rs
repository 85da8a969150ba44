//! `uuid.*`: RFC 4122 / RFC 9562 UUIDs.
//!
//! UUIDs are read and written in the canonical 36-character form
//! (`xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex digits in either case on input, lowercase
//! on output); braces and `urn:uuid:` prefixes are not accepted. `uuid.is_versionN` also
//! requires the RFC 4122 variant (`10xx` in the high bits of the ninth byte).
//! Name-based UUIDs (`version3`/`version5`) hash the namespace's 16 bytes followed by the
//! name up to its first NUL byte (Fastly: "This implementation will, however, truncate
//! at the first NUL byte"); an unparsable namespace sets `fastly.error` to `EINVAL` and
//! returns not set. Random bits come from the request's generator (`ReqState::next_random`)
//! and `version7`'s timestamp from `ReqState::now`, so tests are reproducible.

use md5::Md5;
use sha1::{Digest, Sha1};

use super::{args, Builtin, Ctx, Fault};
use crate::interp::value::Value;

/// The functions of this module, by catalog name.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("uuid.dns", dns),
    ("uuid.is_valid", is_valid),
    ("uuid.is_version3", is_version3),
    ("uuid.is_version4", is_version4),
    ("uuid.is_version5", is_version5),
    ("uuid.is_version7", is_version7),
    ("uuid.oid", oid),
    ("uuid.url", url),
    ("uuid.version3", version3),
    ("uuid.version4", version4),
    ("uuid.version5", version5),
    ("uuid.version7", version7),
    ("uuid.x500", x500),
];

const NS_DNS: &str = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
const NS_URL: &str = "6ba7b811-9dad-11d1-80b4-00c04fd430c8";
const NS_OID: &str = "6ba7b812-9dad-11d1-80b4-00c04fd430c8";
const NS_X500: &str = "6ba7b814-9dad-11d1-80b4-00c04fd430c8";

/// Parses the canonical textual form.
fn parse(text: &[u8]) -> Option<[u8; 16]> {
    if text.len() != 36 {
        return None;
    }
    let mut out = [0u8; 16];
    let mut nibbles = 0usize;
    for (i, &c) in text.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if c != b'-' {
                return None;
            }
            continue;
        }
        let v = char::from(c).to_digit(16)? as u8;
        let byte = &mut out[nibbles / 2];
        *byte = if nibbles % 2 == 0 { v << 4 } else { *byte | v };
        nibbles += 1;
    }
    Some(out)
}

fn format(b: &[u8; 16]) -> String {
    let hex = super::digest::hex_lower(b);
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Stamps the version nibble and the RFC 4122 variant.
fn stamp(mut b: [u8; 16], version: u8) -> [u8; 16] {
    b[6] = (b[6] & 0x0F) | (version << 4);
    b[8] = (b[8] & 0x3F) | 0x80;
    b
}

fn version_of(text: &[u8]) -> Option<u8> {
    let b = parse(text)?;
    if b[8] & 0xC0 != 0x80 {
        return None;
    }
    Some(b[6] >> 4)
}

fn text(s: &str) -> Value {
    Value::str(s)
}

fn dns(_: &mut Ctx<'_>, _: &[Value]) -> Result<Value, Fault> {
    Ok(text(NS_DNS))
}

fn url(_: &mut Ctx<'_>, _: &[Value]) -> Result<Value, Fault> {
    Ok(text(NS_URL))
}

fn oid(_: &mut Ctx<'_>, _: &[Value]) -> Result<Value, Fault> {
    Ok(text(NS_OID))
}

fn x500(_: &mut Ctx<'_>, _: &[Value]) -> Result<Value, Fault> {
    Ok(text(NS_X500))
}

fn is_valid(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Bool(parse(&args::bytes(a, 0)).is_some()))
}

fn is_version(a: &[Value], v: u8) -> Result<Value, Fault> {
    Ok(Value::Bool(version_of(&args::bytes(a, 0)) == Some(v)))
}

fn is_version3(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    is_version(a, 3)
}

fn is_version4(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    is_version(a, 4)
}

fn is_version5(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    is_version(a, 5)
}

fn is_version7(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    is_version(a, 7)
}

/// Name-based UUID: the first 16 bytes of `hash(namespace || name)`.
fn name_based(ctx: &mut Ctx<'_>, a: &[Value], version: u8) -> Result<Value, Fault> {
    let Some(ns) = parse(&args::bytes(a, 0)) else {
        ctx.state.set_error("EINVAL");
        return Ok(Value::NotSet);
    };
    let name = args::bytes(a, 1);
    let name = name.split(|&b| b == 0).next().unwrap_or_default();
    let digest: Vec<u8> = if version == 3 {
        let mut h = Md5::new();
        h.update(ns);
        h.update(name);
        h.finalize().to_vec()
    } else {
        let mut h = Sha1::new();
        h.update(ns);
        h.update(name);
        h.finalize().to_vec()
    };
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    Ok(Value::from_string(format(&stamp(b, version))))
}

fn version3(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    name_based(ctx, a, 3)
}

fn version5(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    name_based(ctx, a, 5)
}

fn random_bytes(ctx: &mut Ctx<'_>) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&ctx.state.next_random().to_be_bytes());
    b[8..].copy_from_slice(&ctx.state.next_random().to_be_bytes());
    b
}

fn version4(ctx: &mut Ctx<'_>, _: &[Value]) -> Result<Value, Fault> {
    let b = random_bytes(ctx);
    Ok(Value::from_string(format(&stamp(b, 4))))
}

/// RFC 9562 version 7: 48-bit Unix time in milliseconds, then random bits.
fn version7(ctx: &mut Ctx<'_>, _: &[Value]) -> Result<Value, Fault> {
    let millis = ctx.state.now.div_euclid(1_000_000).max(0) as u64;
    let mut b = random_bytes(ctx);
    b[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    Ok(Value::from_string(format(&stamp(b, 7))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::state::ReqState;
    use crate::interp::Runtime;
    use crate::ir::Program;

    fn run(state: &mut ReqState, f: Builtin, a: &[Value]) -> Value {
        let program = Program::default();
        let runtime = Runtime::default();
        let mut ctx = Ctx { state, program: &program, runtime: &runtime };
        f(&mut ctx, a).expect("no fault")
    }

    fn call(f: Builtin, a: &[Value]) -> Value {
        run(&mut ReqState::default(), f, a)
    }

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    #[test]
    fn every_function_is_registered() {
        for (name, _) in FUNCTIONS {
            assert!(crate::catalog::function(name).is_some(), "{name} is not in the catalog");
        }
        assert_eq!(FUNCTIONS.len(), 13);
    }

    #[test]
    fn namespaces_are_rfc_4122_appendix_c() {
        assert_eq!(call(dns, &[]), s("6ba7b810-9dad-11d1-80b4-00c04fd430c8"));
        assert_eq!(call(url, &[]), s("6ba7b811-9dad-11d1-80b4-00c04fd430c8"));
        assert_eq!(call(oid, &[]), s("6ba7b812-9dad-11d1-80b4-00c04fd430c8"));
        assert_eq!(call(x500, &[]), s("6ba7b814-9dad-11d1-80b4-00c04fd430c8"));
    }

    #[test]
    fn name_based_uuids_match_reference_values() {
        // Fastly's example: uuid.version3(uuid.dns(), "www.fastly.com") (values computed with
        // Python's uuid module, which implements RFC 4122).
        assert_eq!(call(version3, &[s(NS_DNS), s("www.fastly.com")]), s("3f22bcdf-f888-31a6-9575-d1588cb14ff4"));
        assert_eq!(call(version5, &[s(NS_DNS), s("www.fastly.com")]), s("86573da0-058f-5871-a5b7-f3cb33447360"));
        // ramsey/uuid documentation (rfc4122/version3): URL namespace, "https://www.php.net".
        assert_eq!(call(version3, &[s(NS_URL), s("https://www.php.net")]), s("3f703955-aaba-3e70-a3cb-baff6aa3b28f"));
        // Uppercase namespaces parse too.
        assert_eq!(
            call(version5, &[s(&NS_DNS.to_uppercase()), s("www.example.com")]),
            s("2ed6657d-e927-568b-95e1-2665a8aea6a2")
        );
        // The name stops at its first NUL byte.
        assert_eq!(
            call(version5, &[s(NS_DNS), Value::String(bytes::Bytes::from_static(b"www.example.com\0junk"))]),
            s("2ed6657d-e927-568b-95e1-2665a8aea6a2")
        );
        let mut state = ReqState::default();
        assert_eq!(run(&mut state, version3, &[s("not-a-uuid"), s("x")]), Value::NotSet);
        assert_eq!(state.fastly_error, s("EINVAL"));
    }

    #[test]
    fn validation_checks_form_version_and_variant() {
        assert_eq!(call(is_valid, &[s("6ba7b810-9dad-11d1-80b4-00c04fd430c8")]), Value::Bool(true));
        assert_eq!(call(is_valid, &[s("6BA7B810-9DAD-11D1-80B4-00C04FD430C8")]), Value::Bool(true));
        assert_eq!(call(is_valid, &[s("00000000-0000-0000-0000-000000000000")]), Value::Bool(true));
        assert_eq!(call(is_valid, &[s("6ba7b8109dad11d180b400c04fd430c8")]), Value::Bool(false));
        assert_eq!(call(is_valid, &[s("{6ba7b810-9dad-11d1-80b4-00c04fd430c8}")]), Value::Bool(false));
        assert_eq!(call(is_valid, &[s("6ba7b810-9dad-11d1-80b4-00c04fd430cg")]), Value::Bool(false));
        assert_eq!(call(is_valid, &[Value::NotSet]), Value::Bool(false));
        assert_eq!(call(is_version3, &[s("3f22bcdf-f888-31a6-9575-d1588cb14ff4")]), Value::Bool(true));
        assert_eq!(call(is_version5, &[s("3f22bcdf-f888-31a6-9575-d1588cb14ff4")]), Value::Bool(false));
        assert_eq!(call(is_version5, &[s("86573da0-058f-5871-a5b7-f3cb33447360")]), Value::Bool(true));
        // Version nibble 4 but NCS variant (0xxx): not an RFC 4122 version 4 UUID.
        assert_eq!(call(is_version4, &[s("86573da0-058f-4871-05b7-f3cb33447360")]), Value::Bool(false));
        assert_eq!(call(is_version7, &[s("018f3c5e-8a00-7abc-9def-0123456789ab")]), Value::Bool(true));
    }

    #[test]
    fn generated_uuids_carry_their_version() {
        let mut state = ReqState { now: 1_700_000_000_123 * 1_000_000, ..ReqState::default() };
        let v4 = run(&mut state, version4, &[]);
        assert_eq!(call(is_version4, std::slice::from_ref(&v4)), Value::Bool(true));
        let v4b = run(&mut state, version4, &[]);
        assert_ne!(v4, v4b, "each call draws new random bits");
        let v7 = run(&mut state, version7, &[]);
        assert_eq!(call(is_version7, std::slice::from_ref(&v7)), Value::Bool(true));
        // 1,700,000,000,123 ms = 0x018bcfe5687b.
        assert!(v7.to_text().starts_with("018bcfe5-687b-7"), "{}", v7.to_text());
    }
}
