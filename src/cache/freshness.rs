//! Freshness, surrogate keys and `Vary` read from a backend response's headers.
//!
//! Owns the parser Fastly runs before `vcl_fetch` (fastly-delivery-semantics.md §1): which
//! statuses are cacheable by default (§1.1), `beresp.ttl` from Surrogate-Control, Cache-Control
//! and Expires with the `Age` rules (§1.2), the stale windows (§1.3), `Surrogate-Key` (§4.3) and
//! `Vary` (§1.6). Pure functions over header lists; time comes in as `now`.
//!
//! Header names are matched case-insensitively; a header that appears several times is read as
//! one comma-separated list (RFC 9110 §5.3), the first valid occurrence of a directive winning.

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use super::Nanos;

/// Nanoseconds in one second.
pub const SECOND: Nanos = 1_000_000_000;

/// The TTL the parser gives a response without freshness headers (Fastly: 2 minutes, §1.2).
pub const DEFAULT_TTL: Nanos = 120 * SECOND;

/// Delta-seconds above this are read as this (RFC 9111 §1.2.2: 2^31).
const MAX_DELTA_SECONDS: i64 = 1 << 31;

/// Fastly: each surrogate key is at most 1024 bytes (§4.3).
pub const MAX_SURROGATE_KEY_LEN: usize = 1024;

/// Fastly: only keys entirely within the first 16 KiB of `Surrogate-Key` apply (§4.3).
pub const MAX_SURROGATE_KEY_HEADER_LEN: usize = 16 * 1024;

/// Which header gave `Freshness::ttl`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TtlSource {
    SurrogateControlMaxAge,
    SMaxAge,
    MaxAge,
    Expires,
    Default,
}

impl TtlSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TtlSource::SurrogateControlMaxAge => "surrogate-control max-age",
            TtlSource::SMaxAge => "s-maxage",
            TtlSource::MaxAge => "max-age",
            TtlSource::Expires => "expires",
            TtlSource::Default => "default",
        }
    }
}

/// What Fastly computes from a response before `vcl_fetch` runs (`beresp.ttl`,
/// `beresp.stale_while_revalidate`, `beresp.stale_if_error`, `beresp.cacheable`) and the `Age`
/// the object starts with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Freshness {
    /// `beresp.ttl`: how long the object stays fresh from the moment it is stored. For the
    /// max-age style sources the response's `Age` has already been subtracted, so this can be
    /// negative when `Age` exceeds the max-age.
    pub ttl: Nanos,
    pub stale_while_revalidate: Nanos,
    pub stale_if_error: Nanos,
    /// `beresp.cacheable`: the status is one Fastly caches by default (§1.1).
    pub cacheable: bool,
    /// The `Age` the object is stored with (0 when the TTL came from `Expires`, §1.2).
    pub initial_age: Nanos,
    pub source: TtlSource,
}

/// Freshness from response headers, as Fastly computes it before `vcl_fetch`.
///
/// TTL precedence (§1.2): `Surrogate-Control: max-age` > `Cache-Control: s-maxage` >
/// `Cache-Control: max-age` > `Expires` (minus `Date`, or minus `now` without a valid `Date`) >
/// [`DEFAULT_TTL`]. Stale windows (§1.3): Surrogate-Control first, then Cache-Control, else 0.
/// `no-cache`, `no-store` and `private` are not acted on here (§1.4: the boilerplate VCL does).
/// The TTL is parsed whether or not the status is cacheable (§1.1: a 500 with `max-age=300`
/// still gets a 5 minute `beresp.ttl`).
pub fn from_response(status: u16, headers: &[(Bytes, Bytes)], now: Nanos) -> Freshness {
    let surrogate = Directives::collect(headers, b"surrogate-control");
    let cache_control = Directives::collect(headers, b"cache-control");
    let age = header(headers, b"age").and_then(|v| delta_seconds(v.as_ref())).unwrap_or(0).saturating_mul(SECOND);

    let max_age_style = [
        (surrogate.seconds(b"max-age"), TtlSource::SurrogateControlMaxAge),
        (cache_control.seconds(b"s-maxage"), TtlSource::SMaxAge),
        (cache_control.seconds(b"max-age"), TtlSource::MaxAge),
    ];
    let (ttl, initial_age, source) = match max_age_style.into_iter().find_map(|(s, src)| s.map(|s| (s, src))) {
        // Fastly: `max-age=30` with `Age: 10` gives `beresp.ttl = 20`, and the Age is kept (§1.2).
        Some((seconds, source)) => (seconds.saturating_mul(SECOND).saturating_sub(age), age, source),
        None => match expires_ttl(headers, now) {
            // Fastly: a TTL from Expires starts the object's Age at 0 (§1.2).
            Some(ttl) => (ttl, 0, TtlSource::Expires),
            // The 2 minute default is not max-age style: Age is kept but not subtracted [inf].
            None => (DEFAULT_TTL, age, TtlSource::Default),
        },
    };

    let stale = |name: &[u8]| {
        surrogate.seconds(name).or_else(|| cache_control.seconds(name)).unwrap_or(0).saturating_mul(SECOND)
    };
    Freshness {
        ttl,
        stale_while_revalidate: stale(b"stale-while-revalidate"),
        stale_if_error: stale(b"stale-if-error"),
        cacheable: is_cacheable_status(status),
        initial_age,
        source,
    }
}

/// Fastly caches 200, 203, 300, 301, 302, 404 and 410 by default; 206 only with Segmented
/// Caching, which the cache does not know about, so it is `false` here (§1.1).
pub fn is_cacheable_status(status: u16) -> bool {
    matches!(status, 200 | 203 | 300 | 301 | 302 | 404 | 410)
}

/// The keys of `Surrogate-Key`, split on whitespace, duplicates removed, in order.
///
/// Fastly (§4.3): a key longer than 1024 bytes, or one that does not end within the first
/// 16 KiB of the header, is ignored together with every key after it. Several `Surrogate-Key`
/// fields count as one space-separated list.
pub fn surrogate_keys(headers: &[(Bytes, Bytes)]) -> Vec<Bytes> {
    let mut keys: Vec<Bytes> = Vec::new();
    let mut seen: HashSet<Bytes> = HashSet::new();
    let mut offset = 0usize; // position in the joined header, fields separated by one space
    'fields: for value in headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(b"surrogate-key")).map(|(_, v)| v) {
        let mut i = 0;
        while i < value.len() {
            if value[i].is_ascii_whitespace() {
                i += 1;
                continue;
            }
            let start = i;
            while i < value.len() && !value[i].is_ascii_whitespace() {
                i += 1;
            }
            if i - start > MAX_SURROGATE_KEY_LEN || offset + i > MAX_SURROGATE_KEY_HEADER_LEN {
                break 'fields;
            }
            let key = value.slice(start..i);
            if seen.insert(key.clone()) {
                keys.push(key);
            }
        }
        offset += value.len() + 1;
    }
    keys
}

/// The request header names a response varies on: lower-cased, duplicates removed, in order.
/// `None` for `Vary: *` (the response matches no later request, so it is not stored).
/// Fastly does not document `Vary: *` (§1.6); this follows RFC 9110 §12.5.5.
pub fn vary_names(headers: &[(Bytes, Bytes)]) -> Option<Vec<Bytes>> {
    let mut names: Vec<Bytes> = Vec::new();
    let mut seen: HashSet<Bytes> = HashSet::new();
    for value in headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(b"vary")).map(|(_, v)| v) {
        for token in value.split(|&b| b == b',') {
            let token = token.trim_ascii();
            if token.is_empty() {
                continue;
            }
            if token == b"*" {
                return None;
            }
            let name = Bytes::from(token.to_ascii_lowercase());
            if seen.insert(name.clone()) {
                names.push(name);
            }
        }
    }
    Some(names)
}

/// The values of the varied-on request headers, in the shape `CachedObject::vary` stores.
pub fn vary_values(names: &[Bytes], req_header: &dyn Fn(&[u8]) -> Option<Bytes>) -> Vec<(Bytes, Option<Bytes>)> {
    names.iter().map(|name| (name.clone(), req_header(name))).collect()
}

/// `Expires − Date` (or `Expires − now` when `Date` is missing or invalid), never negative.
/// An unparsable `Expires` counts as absent, as in Varnish, Fastly's ancestor (an inference:
/// Fastly does not say).
fn expires_ttl(headers: &[(Bytes, Bytes)], now: Nanos) -> Option<Nanos> {
    let expires = header(headers, b"expires").and_then(|v| http_date(v))?;
    let base = header(headers, b"date").and_then(|v| http_date(v)).unwrap_or(now);
    Some(expires.saturating_sub(base).max(0))
}

fn header<'a>(headers: &'a [(Bytes, Bytes)], name: &[u8]) -> Option<&'a Bytes> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
}

/// An HTTP date as nanoseconds since the epoch.
fn http_date(value: &[u8]) -> Option<Nanos> {
    let text = std::str::from_utf8(value).ok()?;
    httpdate::parse_http_date(text.trim()).ok().map(system_time_nanos)
}

fn duration_nanos(d: Duration) -> Nanos {
    Nanos::try_from(d.as_nanos()).unwrap_or(Nanos::MAX)
}

/// Nanoseconds since the epoch of a `SystemTime` (for callers that read the clock).
pub fn system_time_nanos(time: SystemTime) -> Nanos {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => duration_nanos(after),
        Err(before) => -duration_nanos(before.duration()),
    }
}

/// delta-seconds (RFC 9111 §1.2.2): digits, optionally quoted; a leading `-` reads as 0 (as
/// Varnish does); anything else is invalid. Values above 2^31 are capped.
fn delta_seconds(value: &[u8]) -> Option<i64> {
    let value = value.trim_ascii();
    let value = value.strip_prefix(b"\"").and_then(|v| v.strip_suffix(b"\"")).unwrap_or(value);
    if let Some(rest) = value.strip_prefix(b"-") {
        return (!rest.is_empty() && rest.iter().all(u8::is_ascii_digit)).then_some(0);
    }
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: i64 = 0;
    for &d in value {
        n = n.saturating_mul(10).saturating_add(i64::from(d - b'0'));
        if n > MAX_DELTA_SECONDS {
            return Some(MAX_DELTA_SECONDS);
        }
    }
    Some(n)
}

/// The `name[=value]` directives of every field with one name, in order.
struct Directives<'a> {
    items: Vec<(&'a [u8], Option<&'a [u8]>)>,
}

impl<'a> Directives<'a> {
    fn collect(headers: &'a [(Bytes, Bytes)], field: &[u8]) -> Directives<'a> {
        let mut items = Vec::new();
        for value in headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(field)).map(|(_, v)| v) {
            for part in value.split(|&b| b == b',') {
                let part = part.trim_ascii();
                if part.is_empty() {
                    continue;
                }
                match part.iter().position(|&b| b == b'=') {
                    Some(eq) => items.push((part[..eq].trim_ascii(), Some(part[eq + 1..].trim_ascii()))),
                    None => items.push((part, None)),
                }
            }
        }
        Directives { items }
    }

    /// The first valid delta-seconds value of a directive; invalid occurrences are skipped.
    fn seconds(&self, name: &[u8]) -> Option<i64> {
        self.items.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).find_map(|(_, v)| v.and_then(delta_seconds))
    }
}
