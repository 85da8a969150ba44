//! Runtime values and Fastly's conversions to STRING.
//!
//! STRING (and IP) values may be *not set*, distinct from `""`. How not-set renders depends
//! on the consumer: `set` right-hand sides and custom-subroutine arguments see `""`, while
//! generic stringification (e.g. `log`, concatenation inside a function argument) shows
//! `(null)` (catalog section 2, falco's `value.go`).

use std::net::IpAddr;

use bytes::Bytes;

/// A VCL value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A STRING or IP that is not set.
    NotSet,
    /// A byte string (Fastly strings are bytes; usually UTF-8).
    String(Bytes),
    Integer(i64),
    Float(f64),
    Bool(bool),
    /// Nanoseconds since the Unix epoch.
    Time(i64),
    /// Nanoseconds.
    Rtime(i64),
    Ip(IpAddr),
    /// Index into the program's backends (directors included).
    Backend(u32),
    /// Index into the program's ACLs.
    Acl(u32),
    /// Index into the program's compiled regexes.
    Regex(u32),
    /// A bare identifier argument: an enum word (`sha256`, `url_nopad`), an object
    /// (`req`, `beresp`), or a declared name resolved by the compiler (tables, rate counters).
    Id(Id),
    /// No value (VOID functions).
    Void,
}

/// Resolved identifier arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum Id {
    /// An enum word, as written.
    Word(&'static str),
    /// `req`, `bereq`, `beresp`, `obj`, `resp`.
    Object(Obj),
    Table(u32),
    RateCounter(u32),
    PenaltyBox(u32),
    /// A `counter` declaration, by index into `Program::counters`.
    Counter(u32),
    /// A `limiter` declaration, by index into `Program::limiters`.
    Limiter(u32),
    /// A header reference such as `req.http.Cookie` (`std.collect`).
    Header(Obj, Bytes),
    /// A headers collection (`req.headers`, for `std.count`).
    Headers(Obj),
}

/// The HTTP messages VCL can address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Obj {
    Req,
    Bereq,
    Beresp,
    Obj,
    Resp,
}

impl Obj {
    pub fn from_name(name: &str) -> Option<Obj> {
        Some(match name {
            "req" => Obj::Req,
            "bereq" => Obj::Bereq,
            "beresp" => Obj::Beresp,
            "obj" => Obj::Obj,
            "resp" => Obj::Resp,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Obj::Req => "req",
            Obj::Bereq => "bereq",
            Obj::Beresp => "beresp",
            Obj::Obj => "obj",
            Obj::Resp => "resp",
        }
    }
}

const NS: i64 = 1_000_000_000;

impl Value {
    pub fn str(s: &str) -> Value {
        Value::String(Bytes::copy_from_slice(s.as_bytes()))
    }

    pub fn from_string(s: String) -> Value {
        Value::String(Bytes::from(s))
    }

    pub fn is_set(&self) -> bool {
        !matches!(self, Value::NotSet)
    }

    /// Truthiness in a condition: BOOL as is; STRING and IP are true when set.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::NotSet => false,
            _ => true,
        }
    }

    /// The STRING rendering, with not-set as `""` (the `set` convention).
    pub fn to_bytes(&self) -> Bytes {
        match self {
            Value::String(b) => b.clone(),
            Value::Integer(i) => int_bytes(*i),
            Value::NotSet | Value::Void => Bytes::new(),
            other => Bytes::from(other.render()),
        }
    }

    /// [`Value::to_bytes`] of a value the caller owns: a string moves out without a
    /// reference-count round trip.
    pub fn into_bytes(self) -> Bytes {
        match self {
            Value::String(b) => b,
            other => other.to_bytes(),
        }
    }

    /// The STRING rendering, with not-set as `(null)`.
    pub fn to_bytes_null(&self) -> Bytes {
        match self {
            Value::NotSet => Bytes::from_static(b"(null)"),
            other => other.to_bytes(),
        }
    }

    /// Lossy UTF-8 view, for functions that work on text.
    pub fn to_text(&self) -> String {
        String::from_utf8_lossy(&self.to_bytes()).into_owned()
    }

    fn render(&self) -> String {
        match self {
            Value::Integer(i) => i.to_string(),
            Value::Float(f) => render_float(*f),
            Value::Bool(b) => if *b { "1" } else { "0" }.to_string(),
            Value::Time(t) => render_time(*t),
            Value::Rtime(r) => render_rtime(*r),
            Value::Ip(ip) => ip.to_string(),
            Value::Id(Id::Word(w)) => w.to_string(),
            Value::Id(Id::Object(o)) => o.as_str().to_string(),
            // Backends, ACLs and regexes render through the program (names); callers
            // that can do so handle them before reaching here.
            Value::Backend(i) => format!("backend#{i}"),
            Value::Acl(i) => format!("acl#{i}"),
            Value::Regex(i) => format!("regex#{i}"),
            Value::Id(other) => format!("{other:?}"),
            Value::String(_) | Value::NotSet | Value::Void => String::new(),
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Integer(i) => Some(*i),
            _ => None,
        }
    }

    pub fn as_float(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            Value::Integer(i) => Some(*i as f64),
            _ => None,
        }
    }
}

/// An INTEGER's decimal rendering: from [`SMALL_INTS`] for 0 to 999 (status codes,
/// counters), otherwise in one exactly sized allocation (no `String` on the way).
pub fn int_bytes(i: i64) -> Bytes {
    if let Ok(n @ 0..1000) = usize::try_from(i) {
        let digits = 1 + usize::from(n >= 10) + usize::from(n >= 100);
        return Bytes::from_static(&SMALL_INTS[3 * n + 3 - digits..3 * n + 3]);
    }
    let mut buf = [0u8; 20];
    let digits = write_int(i, &mut buf);
    Bytes::copy_from_slice(&buf[digits..])
}

/// `000` to `999`, three digits each: the rendering of `n < 1000` is the last one, two
/// or three digits of the `n`th triple, shared rather than allocated.
static SMALL_INTS: [u8; 3000] = {
    let mut out = [0u8; 3000];
    let mut n = 0;
    while n < 1000 {
        out[3 * n] = b'0' + (n / 100) as u8;
        out[3 * n + 1] = b'0' + (n / 10 % 10) as u8;
        out[3 * n + 2] = b'0' + (n % 10) as u8;
        n += 1;
    }
    out
};

/// Writes `i` in decimal at the end of `buf` (20 bytes hold any i64) and returns where
/// the rendering starts.
pub fn write_int(i: i64, buf: &mut [u8; 20]) -> usize {
    let mut n = i.unsigned_abs();
    let mut pos = buf.len();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        pos -= 1;
        buf[pos] = b'-';
    }
    pos
}

/// FLOAT renders with three decimals (Fastly: `1.500`); NaN and infinities by name.
pub fn render_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "inf" } else { "-inf" }.to_string()
    } else {
        format!("{f:.3}")
    }
}

/// RTIME renders as seconds with three decimals, no unit (Fastly: `3.5d` → `302400.000`).
pub fn render_rtime(ns: i64) -> String {
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    let secs = abs / NS as u64;
    let millis = (abs % NS as u64) / 1_000_000;
    format!("{sign}{secs}.{millis:03}")
}

/// TIME renders as an RFC 1123 date in GMT; out of range → `datetime out of bounds`.
pub fn render_time(ns: i64) -> String {
    let secs = ns.div_euclid(NS);
    if !(0..=253_402_300_799).contains(&secs) {
        return "datetime out of bounds".to_string();
    }
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs as u64);
    httpdate::fmt_http_date(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renderings_follow_fastly() {
        // Fastly's type pages: FLOAT 3 decimals, RTIME seconds with 3 decimals, BOOL 1/0,
        // TIME RFC 1123 GMT.
        assert_eq!(Value::Float(1.5).to_bytes(), "1.500");
        assert_eq!(Value::Rtime(302_400 * NS).to_bytes(), "302400.000");
        assert_eq!(Value::Rtime(-1_500_000_000).to_bytes(), "-1.500");
        assert_eq!(Value::Bool(true).to_bytes(), "1");
        for i in [0, 7, -7, 42, i64::MAX, i64::MIN] {
            assert_eq!(Value::Integer(i).to_bytes(), i.to_string());
        }
        // Every integer of the shared table, and its edges.
        for i in (-2..1002).chain([9_999, 10_000, -1000]) {
            assert_eq!(int_bytes(i), i.to_string(), "{i}");
        }
        assert_eq!(Value::Time(0).to_bytes(), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(Value::NotSet.to_bytes(), "");
        assert_eq!(Value::NotSet.to_bytes_null(), "(null)");
        assert!(!Value::NotSet.truthy());
        assert!(Value::str("").truthy(), "an empty but set string is true");
    }
}
