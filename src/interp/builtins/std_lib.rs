//! The `std.*` builtins: string conversion and inspection (`std.atoi`, `std.strtol`,
//! `std.itoa`, `std.strstr`, `std.replace*`, ...), IP and date parsing (`std.str2ip`,
//! `std.anystr2ip`, `std.time`) and the two header-collection helpers (`std.collect`,
//! `std.count`).
//!
//! Every function works on bytes, never panics, and reports bad input the way Fastly
//! documents it: through `fastly.error` (`EPARSENUM`, `ERANGE`, `EINVAL`, `EUTF8`) with
//! the documented fallback value.

use std::net::{IpAddr, Ipv4Addr};

use bytes::Bytes;

use super::{args, Builtin, Ctx, Fault};
use crate::interp::value::{Id, Value};

/// The `std.*` functions of this module, by catalog name.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("std.anystr2ip", anystr2ip),
    ("std.atof", atof),
    ("std.atoi", atoi),
    ("std.basename", basename),
    ("std.collect", collect),
    ("std.count", count),
    ("std.dirname", dirname),
    ("std.integer2time", integer2time),
    ("std.ip", str2ip),
    ("std.ip2str", ip2str),
    ("std.itoa", itoa),
    ("std.itoa_charset", itoa_charset),
    ("std.prefixof", prefixof),
    ("std.replace", replace),
    ("std.replace_prefix", replace_prefix),
    ("std.replace_suffix", replace_suffix),
    ("std.replaceall", replaceall),
    ("std.str2ip", str2ip),
    ("std.strcasecmp", strcasecmp),
    ("std.strlen", strlen),
    ("std.strpad", strpad),
    ("std.strrep", strrep),
    ("std.strrev", strrev),
    ("std.strstr", strstr),
    ("std.strtof", strtof),
    ("std.strtol", strtol),
    ("std.suffixof", suffixof),
    ("std.time", time),
    ("std.tolower", tolower),
    ("std.toupper", toupper),
];

/// The largest string `std.strrep` and `std.strpad` build; past it they set `ERANGE`
/// and return not set instead of exhausting memory (Fastly fails such requests on
/// workspace overflow; we keep the request alive and say why).
pub const MAX_BUILT_STRING: usize = 64 * 1024;

const NS: i64 = 1_000_000_000;

fn string(v: impl Into<Bytes>) -> Value {
    Value::String(v.into())
}

// ---- numbers ----

fn atoi(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: "Behaves as if calling std.strtol with a base of 10."
    Ok(Value::Integer(parse_int_reporting(ctx, &args::bytes(args, 0), 10)))
}

fn strtol(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Integer(parse_int_reporting(ctx, &args::bytes(args, 0), args::int(args, 1))))
}

fn atof(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: "Behaves as if calling std.strtof with a base of 10."
    Ok(Value::Float(parse_float_reporting(ctx, &args::bytes(args, 0), 10)))
}

fn strtof(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Float(parse_float_reporting(ctx, &args::bytes(args, 0), args::int(args, 1))))
}

fn parse_int_reporting(ctx: &mut Ctx<'_>, s: &[u8], base: i64) -> i64 {
    match parse_int(s, base) {
        Ok(v) => v,
        Err((code, v)) => {
            ctx.state.set_error(code);
            v
        }
    }
}

fn parse_float_reporting(ctx: &mut Ctx<'_>, s: &[u8], base: i64) -> f64 {
    match parse_float(s, base) {
        Ok(v) => v,
        Err((code, v)) => {
            ctx.state.set_error(code);
            v
        }
    }
}

/// `strtol` as Fastly documents it: leading whitespace and trailing characters are
/// allowed; base 0 detects `0x` (hex) and `0` (octal); bases 2 to 36 take an optional
/// `0x` for 16. Errors carry the value to return: `EPARSENUM` with 0, `ERANGE` with 0
/// for a bad base or the saturated value on overflow.
fn parse_int(s: &[u8], base: i64) -> Result<i64, (&'static str, i64)> {
    if base != 0 && !(2..=36).contains(&base) {
        return Err(("ERANGE", 0));
    }
    let mut i = 0;
    while i < s.len() && matches!(s[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        i += 1;
    }
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let has_hex_prefix = s.get(i) == Some(&b'0')
        && matches!(s.get(i + 1), Some(b'x' | b'X'))
        && s.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
    let base = match base {
        0 if has_hex_prefix => {
            i += 2;
            16
        }
        0 if s.get(i) == Some(&b'0') => 8,
        0 => 10,
        16 if has_hex_prefix => {
            i += 2;
            16
        }
        b => b as u32,
    };
    let mut magnitude: u128 = 0;
    let mut digits = 0;
    let mut overflow = false;
    while let Some(d) = s.get(i).and_then(|c| (*c as char).to_digit(base)) {
        digits += 1;
        magnitude = magnitude * u128::from(base) + u128::from(d);
        if magnitude > u128::from(u64::MAX) {
            overflow = true;
            magnitude = u128::from(u64::MAX);
        }
        i += 1;
    }
    if digits == 0 {
        return Err(("EPARSENUM", 0));
    }
    let limit = if negative { i64::MIN.unsigned_abs() } else { i64::MAX as u64 };
    if overflow || magnitude > u128::from(limit) {
        return Err(("ERANGE", if negative { i64::MIN } else { i64::MAX }));
    }
    let v = magnitude as u64;
    Ok(if negative { 0i64.wrapping_sub_unsigned(v) } else { v as i64 })
}

/// `strtof` as Fastly documents it: bases 0, 10 and 16 (16 needs the `0x` prefix, 10
/// forbids it), decimal and hex float syntax, `NaN`, `inf`, `+inf`, `-inf`
/// (case-sensitive), no whitespace. Characters after the number are ignored.
fn parse_float(s: &[u8], base: i64) -> Result<f64, (&'static str, f64)> {
    if !matches!(base, 0 | 10 | 16) {
        return Err(("ERANGE", 0.0));
    }
    if s.starts_with(b"NaN") {
        return Ok(f64::NAN);
    }
    let (negative, body) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.starts_with(b"inf") {
        return Ok(if negative { f64::NEG_INFINITY } else { f64::INFINITY });
    }
    let hex = body.len() > 2 && body[0] == b'0' && matches!(body[1], b'x' | b'X');
    let magnitude = match (base, hex) {
        (16, false) | (10, true) => return Err(("EPARSENUM", 0.0)),
        (_, true) => parse_hex_float(&body[2..]),
        (_, false) => parse_decimal_float(body),
    };
    let Some(magnitude) = magnitude else { return Err(("EPARSENUM", 0.0)) };
    let v = if negative { -magnitude } else { magnitude };
    if v.is_infinite() {
        return Err(("ERANGE", v));
    }
    Ok(v)
}

/// The longest decimal float at the start of `s`: digits, optional fraction, optional
/// exponent; at least one mantissa digit.
fn parse_decimal_float(s: &[u8]) -> Option<f64> {
    let mut i = 0;
    let int_digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if s.get(i) == Some(&b'.') {
        frac_digits = s[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += 1 + frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return None;
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(s.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_digits = s[j.min(s.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp_digits > 0 {
            i = j + exp_digits;
        }
    }
    std::str::from_utf8(&s[..i]).ok()?.parse::<f64>().ok()
}

/// A hex float after its `0x`: hex digits, optional `.` fraction, optional binary
/// exponent `p[+-]digits`.
fn parse_hex_float(s: &[u8]) -> Option<f64> {
    let mut value = 0.0f64;
    let mut digits = 0;
    let mut i = 0;
    while let Some(d) = s.get(i).and_then(|c| (*c as char).to_digit(16)) {
        value = value * 16.0 + f64::from(d);
        digits += 1;
        i += 1;
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        let mut scale = 1.0 / 16.0;
        while let Some(d) = s.get(i).and_then(|c| (*c as char).to_digit(16)) {
            value += f64::from(d) * scale;
            scale /= 16.0;
            digits += 1;
            i += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if matches!(s.get(i), Some(b'p' | b'P')) {
        let mut j = i + 1;
        let negative = match s.get(j) {
            Some(b'-') => {
                j += 1;
                true
            }
            Some(b'+') => {
                j += 1;
                false
            }
            _ => false,
        };
        let mut exp: i32 = 0;
        let mut exp_digits = 0;
        while let Some(d) = s.get(j).filter(|c| c.is_ascii_digit()) {
            exp = exp.saturating_mul(10).saturating_add(i32::from(d - b'0'));
            exp_digits += 1;
            j += 1;
        }
        if exp_digits > 0 {
            value *= 2f64.powi(if negative { -exp } else { exp });
        }
    }
    Some(value)
}

fn itoa(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    let base = if args.len() > 1 { args::int(args, 1) } else { 10 };
    if !(2..=36).contains(&base) {
        ctx.state.set_error("EINVAL");
        return Ok(Value::NotSet);
    }
    let digits: Vec<char> = "0123456789abcdefghijklmnopqrstuvwxyz".chars().take(base as usize).collect();
    Ok(Value::from_string(format_in_digits(args::int(args, 0), &digits)))
}

fn itoa_charset(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Each character of the charset is one digit; a charset that is not UTF-8 is taken
    // byte by byte (as Latin-1 code points would be wrong, we keep the raw bytes).
    let charset = args::bytes(args, 1);
    let value = args::int(args, 0);
    match std::str::from_utf8(&charset) {
        Ok(text) if args::is_set(args, 1) && text.chars().count() >= 2 => {
            let digits: Vec<char> = text.chars().collect();
            Ok(Value::from_string(format_in_digits(value, &digits)))
        }
        Err(_) if charset.len() >= 2 => {
            let mut out = Vec::new();
            let base = charset.len() as u64;
            let mut n = value.unsigned_abs();
            loop {
                out.push(charset[(n % base) as usize]);
                n /= base;
                if n == 0 {
                    break;
                }
            }
            if value < 0 {
                out.push(b'-');
            }
            out.reverse();
            Ok(string(out))
        }
        _ => {
            ctx.state.set_error("EINVAL");
            Ok(Value::NotSet)
        }
    }
}

/// `value` written with `digits` as its digit alphabet (base = `digits.len()` ≥ 2), a
/// leading `-` for negative values and no base prefix.
fn format_in_digits(value: i64, digits: &[char]) -> String {
    let base = digits.len() as u64;
    let mut n = value.unsigned_abs();
    let mut out = Vec::new();
    loop {
        out.push(digits[(n % base) as usize]);
        n /= base;
        if n == 0 {
            break;
        }
    }
    if value < 0 {
        out.push('-');
    }
    out.iter().rev().collect()
}

// ---- strings ----

fn strlen(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Integer(args::bytes(args, 0).len() as i64))
}

fn tolower(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    if !args::is_set(args, 0) {
        return Ok(Value::NotSet);
    }
    Ok(string(args::bytes(args, 0).to_ascii_lowercase()))
}

fn toupper(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    if !args::is_set(args, 0) {
        return Ok(Value::NotSet);
    }
    Ok(string(args::bytes(args, 0).to_ascii_uppercase()))
}

fn strcasecmp(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: "If either string is not-set, std.strcasecmp will return false."
    if !args::is_set(args, 0) || !args::is_set(args, 1) {
        return Ok(Value::Bool(false));
    }
    Ok(Value::Bool(args::bytes(args, 0).eq_ignore_ascii_case(&args::bytes(args, 1))))
}

fn prefixof(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: "An empty string is not considered a prefix."
    let prefix = args::bytes(args, 1);
    Ok(Value::Bool(!prefix.is_empty() && args::bytes(args, 0).starts_with(&prefix)))
}

fn suffixof(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: "An empty string is not considered a suffix."
    let suffix = args::bytes(args, 1);
    Ok(Value::Bool(!suffix.is_empty() && args::bytes(args, 0).ends_with(&suffix)))
}

fn strstr(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: the rest of the haystack from the first needle; not set when absent.
    if !args::is_set(args, 0) {
        return Ok(Value::NotSet);
    }
    let haystack = args::bytes(args, 0);
    Ok(match find(&haystack, &args::bytes(args, 1)) {
        Some(at) => Value::String(haystack.slice(at..)),
        None => Value::NotSet,
    })
}

/// The first position of `needle` in `haystack` (an empty needle is found at 0).
pub(super) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn replace(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    let (s, target, replacement) = (args::bytes(args, 0), args::bytes(args, 1), args::bytes(args, 2));
    if target.is_empty() {
        return Ok(args.first().cloned().unwrap_or(Value::NotSet));
    }
    Ok(match find(&s, &target) {
        Some(at) => string([&s[..at], &replacement[..], &s[at + target.len()..]].concat()),
        None => args.first().cloned().unwrap_or(Value::NotSet),
    })
}

fn replaceall(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: substitutions continue after the replaced text, so they never recur.
    let (s, target, replacement) = (args::bytes(args, 0), args::bytes(args, 1), args::bytes(args, 2));
    if target.is_empty() || find(&s, &target).is_none() {
        return Ok(args.first().cloned().unwrap_or(Value::NotSet));
    }
    let mut out = Vec::with_capacity(s.len());
    let mut rest = &s[..];
    while let Some(at) = find(rest, &target) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(&replacement);
        rest = &rest[at + target.len()..];
    }
    out.extend_from_slice(rest);
    Ok(string(out))
}

fn replace_prefix(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    let (s, target, replacement) = (args::bytes(args, 0), args::bytes(args, 1), args::bytes(args, 2));
    if target.is_empty() || !s.starts_with(&target) {
        return Ok(args.first().cloned().unwrap_or(Value::NotSet));
    }
    Ok(string([&replacement[..], &s[target.len()..]].concat()))
}

fn replace_suffix(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    let (s, target, replacement) = (args::bytes(args, 0), args::bytes(args, 1), args::bytes(args, 2));
    if target.is_empty() || !s.ends_with(&target) {
        return Ok(args.first().cloned().unwrap_or(Value::NotSet));
    }
    Ok(string([&s[..s.len() - target.len()], &replacement[..]].concat()))
}

fn strrep(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: "If n is a negative value, it is taken to mean zero."
    let s = args::bytes(args, 0);
    let n = args::int(args, 1).max(0) as u64;
    match (s.len() as u64).checked_mul(n) {
        Some(total) if total <= MAX_BUILT_STRING as u64 => Ok(string(s.repeat(n as usize))),
        _ => {
            ctx.state.set_error("ERANGE");
            Ok(Value::NotSet)
        }
    }
}

fn strpad(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: width in bytes; negative pads on the right, positive on the left; the pad
    // repeats and is cut short at the width.
    let (s, width, pad) = (args::bytes(args, 0), args::int(args, 1), args::bytes(args, 2));
    let target = width.unsigned_abs();
    if pad.is_empty() || target <= s.len() as u64 {
        return Ok(string(s));
    }
    if target > MAX_BUILT_STRING as u64 {
        ctx.state.set_error("ERANGE");
        return Ok(Value::NotSet);
    }
    let fill: Vec<u8> = pad.iter().copied().cycle().take(target as usize - s.len()).collect();
    Ok(string(if width < 0 { [&s[..], &fill[..]].concat() } else { [&fill[..], &s[..]].concat() }))
}

fn strrev(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: byte strings only; multi-byte UTF-8 input sets EUTF8.
    if !args::is_set(args, 0) {
        return Ok(Value::NotSet);
    }
    let s = args::bytes(args, 0);
    if !s.is_ascii() {
        ctx.state.set_error("EUTF8");
        return Ok(Value::NotSet);
    }
    let mut out = s.to_vec();
    out.reverse();
    Ok(string(out))
}

fn basename(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // POSIX basename, as Fastly documents: "" and not set give ".", only slashes "/".
    let s = args::bytes(args, 0);
    let trimmed = trim_trailing_slashes(&s);
    Ok(string(match trimmed {
        None => Bytes::from_static(b"."),
        Some([]) => Bytes::from_static(b"/"),
        Some(t) => match t.iter().rposition(|&c| c == b'/') {
            Some(at) => Bytes::copy_from_slice(&t[at + 1..]),
            None => Bytes::copy_from_slice(t),
        },
    }))
}

fn dirname(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // POSIX dirname, as Fastly documents: no slash gives ".", only slashes "/".
    let s = args::bytes(args, 0);
    let out: &[u8] = match trim_trailing_slashes(&s) {
        None => b".",
        Some([]) => b"/",
        Some(t) => match t.iter().rposition(|&c| c == b'/') {
            None => b".",
            Some(at) => match trim_trailing_slashes(&t[..at]) {
                Some([]) | None => b"/",
                Some(dir) => dir,
            },
        },
    };
    Ok(string(Bytes::copy_from_slice(out)))
}

/// `s` without its trailing slashes: `None` for `""`, `Some("")` when only slashes.
fn trim_trailing_slashes(s: &[u8]) -> Option<&[u8]> {
    if s.is_empty() {
        return None;
    }
    let end = s.iter().rposition(|&c| c != b'/').map_or(0, |i| i + 1);
    Some(&s[..end])
}

// ---- IP addresses ----

fn str2ip(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: standard numeric notation only; the fallback when it does not parse.
    let parse = |b: &[u8]| std::str::from_utf8(b).ok().and_then(|t| t.parse::<IpAddr>().ok());
    Ok(parse(&args::bytes(args, 0)).or_else(|| parse(&args::bytes(args, 1))).map_or(Value::NotSet, Value::Ip))
}

fn anystr2ip(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(parse_any_ip(&args::bytes(args, 0))
        .or_else(|| parse_any_ip(&args::bytes(args, 1)))
        .map_or(Value::NotSet, Value::Ip))
}

fn ip2str(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(match args.first() {
        Some(Value::Ip(ip)) => Value::from_string(ip.to_string()),
        _ => Value::NotSet,
    })
}

/// `inet_aton`-style IPv4 (each part hex `0x..`, octal `0..` or decimal; fewer than four
/// parts make the last one fill the remaining bytes), or a standard IPv6 address.
fn parse_any_ip(s: &[u8]) -> Option<IpAddr> {
    if s.contains(&b':') {
        return std::str::from_utf8(s).ok()?.parse::<IpAddr>().ok();
    }
    let parts: Vec<&[u8]> = s.split(|&c| c == b'.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut numbers = Vec::with_capacity(parts.len());
    for part in &parts {
        numbers.push(parse_c_number(part)?);
    }
    let (last, leading) = numbers.split_last()?;
    let mut addr: u64 = 0;
    for (i, n) in leading.iter().enumerate() {
        if *n > 255 {
            return None;
        }
        addr |= n << (8 * (3 - i));
    }
    let remaining_bits = 8 * (4 - leading.len());
    if *last >= 1u64 << remaining_bits {
        return None;
    }
    Some(IpAddr::V4(Ipv4Addr::from((addr | last) as u32)))
}

/// An unsigned number in C notation: `0x` hex, leading-zero octal, or decimal.
fn parse_c_number(s: &[u8]) -> Option<u64> {
    let (digits, radix) = match s {
        [b'0', b'x' | b'X', rest @ ..] => (rest, 16),
        [b'0', rest @ ..] if !rest.is_empty() => (rest, 8),
        _ => (s, 10),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for c in digits {
        let d = (*c as char).to_digit(radix)?;
        n = n.checked_mul(u64::from(radix))?.checked_add(u64::from(d))?;
        if n > u64::from(u32::MAX) {
            return None;
        }
    }
    Some(n)
}

// ---- time ----

fn integer2time(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Time(args::int(args, 0).saturating_mul(NS)))
}

fn time(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Time(parse_date(&args::bytes(args, 0)).unwrap_or_else(|| args::nanos(args, 1))))
}

const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/// The date formats `std.time` documents, in nanoseconds since the epoch:
/// `Mon, 02 Jan 2006 22:04:05 GMT` (RFC 1123), `Monday, 02-Jan-06 22:04:05 GMT`
/// (RFC 850), `Mon Jan  2 22:04:05 2006` (asctime), `2006-01-02 22:04:05` (ISO 8601
/// subset), and seconds since the epoch, optionally with a fraction. GMT only.
pub fn parse_date(s: &[u8]) -> Option<i64> {
    let text = std::str::from_utf8(s).ok()?.trim();
    if let Some(ns) = parse_epoch_seconds(text) {
        return Some(ns);
    }
    let (date, clock) = if let Some((_, rest)) = text.split_once(',') {
        let fields: Vec<&str> = rest.split_whitespace().collect();
        match fields.as_slice() {
            // RFC 850: 02-Jan-06 22:04:05 GMT
            [dmy, clock, "GMT"] => {
                let mut it = dmy.split('-');
                let (day, month, year) = (it.next()?, it.next()?, it.next()?);
                if it.next().is_some() {
                    return None;
                }
                // Two-digit years pivot as in POSIX strptime's %y: 69-99 are 19xx.
                let year = match (year.len(), parse_digits(year)?) {
                    (2, y @ 0..=68) => 2000 + y,
                    (2, y) => 1900 + y,
                    (_, y) => y,
                };
                ((year, month_number(month)?, parse_digits(day)?), *clock)
            }
            // RFC 1123: 02 Jan 2006 22:04:05 GMT
            [day, month, year, clock, "GMT"] => {
                ((parse_digits(year)?, month_number(month)?, parse_digits(day)?), *clock)
            }
            _ => return None,
        }
    } else {
        let fields: Vec<&str> = text.split_whitespace().collect();
        match fields.as_slice() {
            // asctime: Mon Jan  2 22:04:05 2006
            [weekday, month, day, clock, year] if weekday.chars().all(|c| c.is_ascii_alphabetic()) => {
                ((parse_digits(year)?, month_number(month)?, parse_digits(day)?), *clock)
            }
            // ISO 8601 subset: 2006-01-02 22:04:05 (or with a `T`, optionally `Z`)
            [ymd, clock] => (parse_ymd(ymd)?, *clock),
            [one] => {
                let (ymd, clock) = one.split_once('T')?;
                (parse_ymd(ymd)?, clock.strip_suffix('Z').unwrap_or(clock))
            }
            _ => return None,
        }
    };
    let (hour, minute, second) = parse_clock(clock)?;
    let days = days_from_civil(date.0, date.1, date.2)?;
    let secs = days.checked_mul(86_400)?.checked_add(hour * 3600 + minute * 60 + second)?;
    secs.checked_mul(NS)
}

fn parse_epoch_seconds(text: &str) -> Option<i64> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let secs: i64 = parse_digits(whole)?;
    if !frac.bytes().all(|c| c.is_ascii_digit()) || (text.contains('.') && frac.is_empty()) {
        return None;
    }
    let mut frac_ns: i64 = 0;
    for (i, c) in frac.bytes().take(9).enumerate() {
        frac_ns += i64::from(c - b'0') * 10i64.pow(8 - i as u32);
    }
    secs.checked_mul(NS)?.checked_add(frac_ns)
}

fn parse_digits(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 12 || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn month_number(s: &str) -> Option<i64> {
    let lower = s.to_ascii_lowercase();
    MONTHS.iter().position(|m| *m == lower).map(|i| i as i64 + 1)
}

fn parse_ymd(s: &str) -> Option<(i64, i64, i64)> {
    let mut it = s.split('-');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    Some((parse_digits(y)?, parse_digits(m)?, parse_digits(d)?))
}

fn parse_clock(s: &str) -> Option<(i64, i64, i64)> {
    let mut it = s.split(':');
    let (h, m, sec) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || [h, m, sec].iter().any(|p| p.len() != 2) {
        return None;
    }
    let (h, m, sec) = (parse_digits(h)?, parse_digits(m)?, parse_digits(sec)?);
    (h < 24 && m < 60 && sec < 61).then_some((h, m, sec))
}

/// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> Option<i64> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&month) || day < 1 || day > month_days[(month - 1) as usize] || year > 9999 {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

// ---- header collections ----

fn collect(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: joins the instances with the separator (default `,`) plus a space.
    let Some(Value::Id(Id::Header(obj, name))) = args.first() else { return Ok(Value::Void) };
    let separator = if args::is_set(args, 1) { args::bytes(args, 1) } else { Bytes::from_static(b",") };
    let headers = &mut ctx.state.message_mut(*obj).headers;
    let values: Vec<Bytes> = headers.get_all(name).cloned().collect();
    if values.len() > 1 {
        let mut joined = Vec::new();
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                joined.extend_from_slice(&separator);
                joined.push(b' ');
            }
            joined.extend_from_slice(v);
        }
        headers.set(name, Bytes::from(joined));
    }
    Ok(Value::Void)
}

fn count(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Integer(match args.first() {
        Some(Value::Id(Id::Headers(obj))) => ctx.state.message(*obj).headers.len() as i64,
        _ => 0,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::builtins::testkit::{call, s, Env};
    use crate::interp::value::Obj;

    /// Every builtin of the string, header, query-string, accept and table modules,
    /// called with odd argument lists (missing, mistyped, extreme, invalid UTF-8),
    /// returns without panicking.
    #[test]
    fn builtins_never_panic_on_odd_arguments() {
        use super::super::{accept, headers, querystring, strings, table};
        use crate::ir::{Regex, Table};
        let pool = [
            Value::NotSet,
            s(""),
            Value::String(Bytes::from_static(b"\xff\xfe%\x00")),
            s("/p?a=1&&=x&b#f"),
            s("%zz%4"),
            s("0x"),
            s("-"),
            s("http://[::1]:x/../.."),
            s("Mon, 02 Jan 2006 22:04:05 GMT"),
            s("\\{99}\\9\\"),
            Value::Integer(i64::MIN),
            Value::Integer(i64::MAX),
            Value::Integer(-1),
            Value::Float(f64::NAN),
            Value::Bool(true),
            Value::Time(i64::MIN),
            Value::Rtime(i64::MAX),
            Value::Ip("::1".parse().expect("ip")),
            Value::Regex(0),
            Value::Regex(u32::MAX),
            Value::Acl(0),
            Value::Backend(9),
            Value::Id(Id::Object(Obj::Resp)),
            Value::Id(Id::Table(0)),
            Value::Id(Id::Table(99)),
            Value::Id(Id::Header(Obj::Req, Bytes::from_static(b"X"))),
            Value::Id(Id::Headers(Obj::Req)),
            Value::Id(Id::Word("sha256")),
            Value::Void,
        ];
        let mut env = Env::new();
        env.program.regexes.push(Regex::new("(a|b)*").expect("test pattern"));
        let entries = [(Bytes::from_static(b""), s("v"))].into_iter().collect();
        env.program.tables.push(Table { name: "t".to_string(), ty: crate::catalog::Type::String, entries });
        env.state.req.headers.add(b"X", Bytes::from_static(b"1"));
        env.state.resp.headers.add(b"Set-Cookie", Bytes::from_static(b"a=1"));
        let modules = [
            FUNCTIONS,
            strings::FUNCTIONS,
            querystring::FUNCTIONS,
            headers::FUNCTIONS,
            accept::FUNCTIONS,
            table::FUNCTIONS,
        ];
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for (_, f) in modules.iter().flat_map(|m| m.iter()) {
            for arity in 0..=5 {
                for _ in 0..60 {
                    let args: Vec<Value> = (0..arity)
                        .map(|_| {
                            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                            pool[(seed >> 33) as usize % pool.len()].clone()
                        })
                        .collect();
                    env.call(*f, &args);
                }
            }
        }
    }

    #[test]
    fn every_function_is_listed_once() {
        let mut names: Vec<&str> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names.len(), 30);
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 30);
        assert!(names.iter().all(|n| n.starts_with("std.")));
    }

    #[test]
    fn strtol_follows_the_documented_formats() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-strtol/
        assert_eq!(call(strtol, &[s("0x2A"), Value::Integer(16)]), Value::Integer(42));
        assert_eq!(call(strtol, &[s("2A"), Value::Integer(16)]), Value::Integer(42));
        assert_eq!(call(strtol, &[s("123"), Value::Integer(10)]), Value::Integer(123));
        assert_eq!(call(strtol, &[s("-4"), Value::Integer(10)]), Value::Integer(-4));
        assert_eq!(call(strtol, &[s("0xABC"), Value::Integer(0)]), Value::Integer(0xABC));
        assert_eq!(call(strtol, &[s("-0x0"), Value::Integer(0)]), Value::Integer(0));
        assert_eq!(call(strtol, &[s("0123"), Value::Integer(0)]), Value::Integer(0o123));
        assert_eq!(call(strtol, &[s("0"), Value::Integer(0)]), Value::Integer(0));
        assert_eq!(
            call(strtol, &[s("  42abc"), Value::Integer(10)]),
            Value::Integer(42),
            "whitespace and trailing text"
        );
        assert_eq!(call(strtol, &[s("zz"), Value::Integer(36)]), Value::Integer(35 * 36 + 35));
        assert_eq!(call(strtol, &[s("-9223372036854775808"), Value::Integer(10)]), Value::Integer(i64::MIN));
    }

    #[test]
    fn strtol_errors_set_fastly_error() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-strtol/ (Errors)
        let mut env = Env::new();
        assert_eq!(env.call(strtol, &[s("garbage"), Value::Integer(10)]), Value::Integer(0));
        assert_eq!(env.error(), s("EPARSENUM"));
        let mut env = Env::new();
        assert_eq!(env.call(strtol, &[s("10"), Value::Integer(37)]), Value::Integer(0));
        assert_eq!(env.error(), s("ERANGE"));
        let mut env = Env::new();
        env.call(strtol, &[s("10"), Value::Integer(1)]);
        assert_eq!(env.error(), s("ERANGE"));
        let mut env = Env::new();
        assert_eq!(env.call(strtol, &[s("99999999999999999999"), Value::Integer(10)]), Value::Integer(i64::MAX));
        assert_eq!(env.error(), s("ERANGE"));
        let mut env = Env::new();
        assert_eq!(env.call(strtol, &[Value::NotSet, Value::Integer(10)]), Value::Integer(0));
        assert_eq!(env.error(), s("EPARSENUM"));
    }

    #[test]
    fn atoi_is_strtol_base_ten() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-atoi/
        assert_eq!(call(atoi, &[s("42")]), Value::Integer(42));
        assert_eq!(call(atoi, &[s("0x10")]), Value::Integer(0), "no hex prefix in base 10");
        let mut env = Env::new();
        assert_eq!(env.call(atoi, &[s("")]), Value::Integer(0));
        assert_eq!(env.error(), s("EPARSENUM"));
    }

    #[test]
    fn strtof_follows_the_documented_formats() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-strtof/
        assert_eq!(call(strtof, &[s("1.2"), Value::Integer(10)]), Value::Float(1.2));
        assert_eq!(call(strtof, &[s("-1.2e-3"), Value::Integer(10)]), Value::Float(-1.2e-3));
        assert_eq!(call(strtof, &[s("0xA.B"), Value::Integer(16)]), Value::Float(10.6875));
        assert_eq!(call(strtof, &[s("0xA.Bp-3"), Value::Integer(0)]), Value::Float(10.6875 / 8.0));
        assert_eq!(call(strtof, &[s("inf"), Value::Integer(10)]), Value::Float(f64::INFINITY));
        assert_eq!(call(strtof, &[s("-inf"), Value::Integer(10)]), Value::Float(f64::NEG_INFINITY));
        assert!(matches!(call(strtof, &[s("NaN"), Value::Integer(0)]), Value::Float(f) if f.is_nan()));
        let mut env = Env::new();
        env.call(strtof, &[s("0xA"), Value::Integer(10)]);
        assert_eq!(env.error(), s("EPARSENUM"), "base 10 forbids the 0x prefix");
        let mut env = Env::new();
        env.call(strtof, &[s("A.B"), Value::Integer(16)]);
        assert_eq!(env.error(), s("EPARSENUM"), "base 16 needs the 0x prefix");
        let mut env = Env::new();
        env.call(strtof, &[s(" 1.0"), Value::Integer(10)]);
        assert_eq!(env.error(), s("EPARSENUM"), "no whitespace permitted");
        let mut env = Env::new();
        env.call(strtof, &[s("1.0"), Value::Integer(8)]);
        assert_eq!(env.error(), s("ERANGE"));
    }

    #[test]
    fn atof_is_strtof_base_ten() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-atof/
        assert_eq!(call(atof, &[s("21.83")]), Value::Float(21.83));
        let mut env = Env::new();
        assert_eq!(env.call(atof, &[s("abc")]), Value::Float(0.0));
        assert_eq!(env.error(), s("EPARSENUM"));
    }

    #[test]
    fn itoa_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-itoa/
        assert_eq!(call(itoa, &[Value::Integer(-10)]), s("-10"));
        assert_eq!(call(itoa, &[Value::Integer(42), Value::Integer(16)]), s("2a"));
        assert_eq!(call(itoa, &[Value::Integer(i64::MIN), Value::Integer(10)]), s("-9223372036854775808"));
        let mut env = Env::new();
        assert_eq!(env.call(itoa, &[Value::Integer(1), Value::Integer(37)]), Value::NotSet);
        assert_eq!(env.error(), s("EINVAL"));
    }

    #[test]
    fn itoa_charset_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-itoa-charset/
        assert_eq!(call(itoa_charset, &[Value::Integer(8), s("ab")]), s("baaa"));
        assert_eq!(call(itoa_charset, &[Value::Integer(0xdeadbeef), s("0123456789ABCDEF")]), s("DEADBEEF"));
        let base62 = s("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
        assert_eq!(call(itoa_charset, &[Value::Integer(4825434263756878946), base62]), s("5KsxueeBfd8"));
        for charset in [s("a"), Value::NotSet, s("")] {
            let mut env = Env::new();
            assert_eq!(env.call(itoa_charset, &[Value::Integer(8), charset]), Value::NotSet);
            assert_eq!(env.error(), s("EINVAL"));
        }
    }

    #[test]
    fn strlen_counts_bytes() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-strlen/
        assert_eq!(call(strlen, &[s("Hello world!")]), Value::Integer(12));
        assert_eq!(call(strlen, &[Value::NotSet]), Value::Integer(0));
        assert_eq!(call(strlen, &[s("é")]), Value::Integer(2));
    }

    #[test]
    fn case_mapping() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-tolower/
        assert_eq!(call(tolower, &[s("HELLO")]), s("hello"));
        assert_eq!(call(tolower, &[s("VerY")]), s("very"));
        // fastly.com/documentation/reference/vcl/functions/strings/std-toupper/
        assert_eq!(call(toupper, &[s("hello")]), s("HELLO"));
        assert_eq!(call(toupper, &[Value::NotSet]), Value::NotSet);
    }

    #[test]
    fn strcasecmp_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-strcasecmp/
        assert_eq!(call(strcasecmp, &[s("Hello"), s("hELLO")]), Value::Bool(true));
        assert_eq!(call(strcasecmp, &[s("smörgås"), s("SMÖRGÅS")]), Value::Bool(false), "ASCII only");
        assert_eq!(call(strcasecmp, &[Value::NotSet, Value::NotSet]), Value::Bool(false));
        assert_eq!(call(strcasecmp, &[s(""), s("")]), Value::Bool(true));
    }

    #[test]
    fn prefix_and_suffix() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-prefixof/
        assert_eq!(call(prefixof, &[s("greenhouse"), s("green")]), Value::Bool(true));
        assert_eq!(call(prefixof, &[s("greenhouse"), s("house")]), Value::Bool(false));
        assert_eq!(call(prefixof, &[s("greenhouse"), s("")]), Value::Bool(false), "empty is not a prefix");
        // fastly.com/documentation/reference/vcl/functions/strings/std-suffixof/
        assert_eq!(call(suffixof, &[s("rectangles"), s("angles")]), Value::Bool(true));
        assert_eq!(call(suffixof, &[s("rectangles"), s("")]), Value::Bool(false));
        assert_eq!(call(suffixof, &[s("a"), s("ba")]), Value::Bool(false));
    }

    #[test]
    fn strstr_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-strstr/
        assert_eq!(call(strstr, &[s("/path?a=1"), s("?")]), s("?a=1"));
        assert_eq!(call(strstr, &[s("/path"), s("?")]), Value::NotSet);
        assert_eq!(call(strstr, &[Value::NotSet, s("")]), Value::NotSet);
        assert_eq!(call(strstr, &[s("abc"), s("")]), s("abc"));
    }

    #[test]
    fn replace_family() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-replace/
        assert_eq!(call(replace, &[s("abcabc"), s("b"), s("")]), s("acabc"));
        assert_eq!(call(replace, &[s("abc"), s(""), s("x")]), s("abc"));
        // fastly.com/documentation/reference/vcl/functions/strings/std-replaceall/
        assert_eq!(call(replaceall, &[s("aaa"), s("a"), s("aa")]), s("aaaaaa"));
        assert_eq!(call(replaceall, &[s("a+b+c"), s("+"), s("%2520")]), s("a%2520b%2520c"));
        assert_eq!(call(replaceall, &[Value::NotSet, s("a"), s("b")]), Value::NotSet);
        // fastly.com/documentation/reference/vcl/functions/strings/std-replace-prefix/
        assert_eq!(call(replace_prefix, &[s("0xABCD1234"), s("0x"), s("")]), s("ABCD1234"));
        assert_eq!(call(replace_prefix, &[s("ABCD"), s("0x"), s("")]), s("ABCD"));
        // fastly.com/documentation/reference/vcl/functions/strings/std-replace-suffix/
        assert_eq!(call(replace_suffix, &[s("/a/b/"), s("/"), s("")]), s("/a/b"));
        assert_eq!(call(replace_suffix, &[s("/a/b"), s("/"), s("")]), s("/a/b"));
        assert_eq!(call(replace_suffix, &[s("abab"), s("ab"), s("X")]), s("abX"));
    }

    #[test]
    fn strrep_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-strrep/
        assert_eq!(call(strrep, &[s("abc"), Value::Integer(3)]), s("abcabcabc"));
        assert_eq!(call(strrep, &[s("abc"), Value::Integer(-1)]), s(""));
        let mut env = Env::new();
        assert_eq!(env.call(strrep, &[s("abc"), Value::Integer(i64::MAX)]), Value::NotSet);
        assert_eq!(env.error(), s("ERANGE"));
    }

    #[test]
    fn strpad_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-strpad/
        assert_eq!(call(strpad, &[s("abc"), Value::Integer(-10), s("-=")]), s("abc-=-=-=-"));
        assert_eq!(call(strpad, &[s("abc"), Value::Integer(10), s("-=")]), s("-=-=-=-abc"));
        assert_eq!(call(strpad, &[s(""), Value::Integer(12), s("abcd")]), s("abcdabcdabcd"));
        assert_eq!(call(strpad, &[s("abc"), Value::Integer(2), s("-")]), s("abc"));
        assert_eq!(call(strpad, &[s("abc"), Value::Integer(10), s("")]), s("abc"));
        // fastly.com/documentation/reference/vcl/functions/strings/utf8-strpad/
        assert_eq!(call(strpad, &[s("abc"), Value::Integer(7), s("🌸🌼")]), s("🌸abc"));
        let mut env = Env::new();
        assert_eq!(env.call(strpad, &[s("a"), Value::Integer(i64::MIN), s("x")]), Value::NotSet);
        assert_eq!(env.error(), s("ERANGE"));
    }

    #[test]
    fn strrev_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-strrev/
        assert_eq!(call(strrev, &[s("abc")]), s("cba"));
        let mut env = Env::new();
        assert_eq!(env.call(strrev, &[s("añb")]), Value::NotSet);
        assert_eq!(env.error(), s("EUTF8"));
    }

    #[test]
    fn basename_and_dirname() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-basename/
        assert_eq!(call(basename, &[s("/foo/bar/foobar")]), s("foobar"));
        assert_eq!(call(basename, &[s("foo")]), s("foo"));
        assert_eq!(call(basename, &[s("/")]), s("/"));
        assert_eq!(call(basename, &[s("")]), s("."));
        assert_eq!(call(basename, &[Value::NotSet]), s("."));
        assert_eq!(call(basename, &[s("/usr/lib/")]), s("lib"));
        // fastly.com/documentation/reference/vcl/functions/strings/std-dirname/
        assert_eq!(call(dirname, &[s("/foo/bar/foobar")]), s("/foo/bar"));
        assert_eq!(call(dirname, &[s("foo")]), s("."));
        assert_eq!(call(dirname, &[s("/")]), s("/"));
        assert_eq!(call(dirname, &[s("")]), s("."));
        assert_eq!(call(dirname, &[Value::NotSet]), s("."));
        assert_eq!(call(dirname, &[s("/usr/lib")]), s("/usr"));
        assert_eq!(call(dirname, &[s("/usr/")]), s("/"));
        assert_eq!(call(dirname, &[s("//a//b//")]), s("//a"));
        assert_eq!(call(dirname, &[s("fastly.com/api")]), s("fastly.com"));
        assert_eq!(call(basename, &[s("fastly.com/api")]), s("api"));
    }

    #[test]
    fn str2ip_and_ip2str() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-str2ip/
        let ip = |t: &str| Value::Ip(t.parse().expect("test address"));
        assert_eq!(call(str2ip, &[s("192.0.2.1"), s("192.0.2.2")]), ip("192.0.2.1"));
        assert_eq!(call(str2ip, &[s("2001:db8::1"), s("192.0.2.2")]), ip("2001:db8::1"));
        assert_eq!(call(str2ip, &[s("example.com"), s("192.0.2.2")]), ip("192.0.2.2"));
        assert_eq!(call(str2ip, &[Value::NotSet, s("192.0.2.2")]), ip("192.0.2.2"));
        assert_eq!(call(str2ip, &[s("nope"), s("nope")]), Value::NotSet);
        // fastly.com/documentation/reference/vcl/functions/strings/std-ip2str/
        assert_eq!(call(ip2str, &[ip("192.0.2.2")]), s("192.0.2.2"));
        assert_eq!(call(ip2str, &[ip("2001:DB8::1")]), s("2001:db8::1"));
        assert_eq!(call(ip2str, &[Value::NotSet]), Value::NotSet);
    }

    #[test]
    fn anystr2ip_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/std-anystr2ip/
        let ip = |t: &str| Value::Ip(t.parse().expect("test address"));
        assert_eq!(call(anystr2ip, &[s("0xc0.0.01001"), s("192.0.2.2")]), ip("192.0.2.1"));
        assert_eq!(call(anystr2ip, &[s("0x8.010.2056"), s("192.0.2.2")]), ip("8.8.8.8"));
        assert_eq!(call(anystr2ip, &[s("134744072"), s("192.0.2.2")]), ip("8.8.8.8"));
        assert_eq!(call(anystr2ip, &[s("2001:db8::1"), s("192.0.2.2")]), ip("2001:db8::1"));
        assert_eq!(call(anystr2ip, &[s("256.1.1.1"), s("192.0.2.2")]), ip("192.0.2.2"));
        assert_eq!(call(anystr2ip, &[s("1.2.3.4.5"), s("192.0.2.2")]), ip("192.0.2.2"));
        assert_eq!(call(anystr2ip, &[s("09"), s("192.0.2.2")]), ip("192.0.2.2"), "9 is not octal");
        assert_eq!(call(anystr2ip, &[s(""), s("")]), Value::NotSet);
    }

    #[test]
    fn time_parses_the_documented_formats() {
        // fastly.com/documentation/reference/vcl/functions/date-and-time/std-time/
        let want = Value::Time(1_136_239_445 * NS);
        let fallback = Value::Time(0);
        for text in [
            "Mon, 02 Jan 2006 22:04:05 GMT",
            "Monday, 02-Jan-06 22:04:05 GMT",
            "Mon Jan 2 22:04:05 2006",
            "Mon Jan  2 22:04:05 2006",
            "2006-01-02 22:04:05",
            "1136239445",
            "1136239445.00",
        ] {
            assert_eq!(call(time, &[s(text), fallback.clone()]), want, "{text}");
        }
        assert_eq!(call(time, &[s("1136239445.5"), fallback.clone()]), Value::Time(1_136_239_445 * NS + NS / 2));
        let out_of_bounds = Value::Time(-NS);
        assert_eq!(call(time, &[s("Not a date"), out_of_bounds.clone()]), out_of_bounds);
        assert_eq!(out_of_bounds.to_bytes(), "datetime out of bounds");
        for bad in
            ["", "Mon, 32 Jan 2006 22:04:05 GMT", "Mon, 02 Jan 2006 22:04:05 PST", "2006-13-02 22:04:05", "1.", "-5"]
        {
            assert_eq!(call(time, &[s(bad), fallback.clone()]), fallback, "{bad}");
        }
    }

    #[test]
    fn integer2time_examples() {
        // fastly.com/documentation/reference/vcl/functions/date-and-time/std-integer2time/
        assert_eq!(call(integer2time, &[Value::Integer(1_136_239_445)]), Value::Time(1_136_239_445 * NS));
        assert_eq!(call(integer2time, &[Value::Integer(i64::MAX)]), Value::Time(i64::MAX));
    }

    #[test]
    fn collect_joins_instances() {
        // fastly.com/documentation/reference/vcl/functions/miscellaneous/std-collect/
        let mut env = Env::new();
        env.state.req.headers.add(b"Cookie", Bytes::from_static(b"name1=value1"));
        env.state.req.headers.add(b"X-Other", Bytes::from_static(b"x"));
        env.state.req.headers.add(b"cookie", Bytes::from_static(b"name2=value2"));
        let header = Value::Id(Id::Header(Obj::Req, Bytes::from_static(b"Cookie")));
        assert_eq!(env.call(collect, &[header.clone(), s(";")]), Value::Void);
        assert_eq!(env.state.req.headers.get(b"cookie"), Some(&Bytes::from_static(b"name1=value1; name2=value2")));
        assert_eq!(env.state.req.headers.len(), 2);

        let mut env = Env::new();
        env.state.req.headers.add(b"Via", Bytes::from_static(b"a"));
        env.state.req.headers.add(b"Via", Bytes::from_static(b"b"));
        env.call(collect, &[Value::Id(Id::Header(Obj::Req, Bytes::from_static(b"via")))]);
        assert_eq!(env.state.req.headers.get(b"via"), Some(&Bytes::from_static(b"a, b")));
        env.call(collect, &[Value::Id(Id::Header(Obj::Req, Bytes::from_static(b"absent")))]);
        assert_eq!(env.state.req.headers.len(), 1);
    }

    #[test]
    fn count_counts_headers() {
        // fastly.com/documentation/reference/vcl/functions/miscellaneous/std-count/
        let mut env = Env::new();
        env.state.req.headers.add(b"A", Bytes::new());
        env.state.req.headers.add(b"B", Bytes::new());
        assert_eq!(env.call(count, &[Value::Id(Id::Headers(Obj::Req))]), Value::Integer(2));
        assert_eq!(env.call(count, &[Value::Id(Id::Headers(Obj::Resp))]), Value::Integer(0));
    }
}
