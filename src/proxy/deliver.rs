//! Delivery: `resp` built from the object, `beresp` or the synthetic `obj`, with the
//! headers Fastly's `#FASTLY deliver` macro adds (added here, before `vcl_deliver` runs,
//! so VCL after the macro can still change them), then the HTTP response from `resp` as
//! `vcl_deliver` left it: `304` for a matching conditional request and `206` for a single
//! byte range on objects the edge holds whole, bodies left off for HEAD (with their length).

use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc;

use super::body::Body;
use super::service::ServiceHandle;
use super::ProxyError;
use crate::backend::BodyRead;
use crate::cache::CachedObject;
use crate::interp::reason;
use crate::interp::state::{Headers, Message, ReqState};

const S: i64 = 1_000_000_000;
const MS: i64 = 1_000_000;
const US: i64 = 1_000;

/// Where the response body comes from.
pub(crate) enum Payload {
    /// An object in (or just stored in) the cache.
    Cached(Arc<CachedObject>),
    /// An origin response not stored: its body (whole, or a prefix and the rest to
    /// stream), the declared length, and the timeouts for the rest.
    Fetched(BodyRead, Option<u64>, crate::backend::BodyTimer),
    /// `vcl_error`'s synthetic body.
    Synthetic(Bytes),
    /// An origin body streamed as it arrives (streaming miss; stored, when cacheable, by
    /// the task feeding the channel), and its declared length.
    Streamed(mpsc::Receiver<Result<Bytes, ProxyError>>, Option<u64>),
}

/// Fills `resp` before `vcl_deliver`.
pub(crate) fn prepare_resp(st: &mut ReqState, payload: &Payload, now: i64) {
    let (mut resp, age) = match payload {
        Payload::Cached(obj) => {
            let mut headers = Headers::new();
            for (n, v) in obj.headers.iter_shared() {
                headers.add(&n, v);
            }
            let status = i64::from(obj.status);
            let msg = Message {
                status,
                response: Bytes::from_static(reason(status).as_bytes()),
                headers,
                ..Message::default()
            };
            (msg, Some(obj.age(now)))
        }
        Payload::Fetched(..) | Payload::Streamed(..) => {
            (Message { headers: st.beresp.headers.clone(), ..st.beresp.clone() }, Some(st.cache.age))
        }
        Payload::Synthetic(_) => (st.obj.clone(), None),
    };
    resp.proto = st.req.proto.clone();
    resp.method = Bytes::new();
    resp.url = Bytes::new();
    let h = &mut resp.headers;
    if let Some(age) = age {
        h.set(b"Age", Bytes::from((age.max(0) / S).to_string()));
    }
    if matches!(payload, Payload::Cached(_) | Payload::Fetched(BodyRead::Complete(_), ..))
        && st.fastly_state != "PASS"
        && !h.contains(b"accept-ranges")
    {
        h.set(b"Accept-Ranges", Bytes::from_static(b"bytes"));
    }
    // Observed on Fastly responses (not documented): `Via: 1.1 varnish`, appended.
    append(h, b"Via", b"1.1 varnish");
    // The DELIVER macro: one entry per delivering node.
    append(h, b"X-Served-By", &st.server_identity.clone());
    let hit = st.fastly_state == "HIT" || st.fastly_state.starts_with("HIT-");
    append(h, b"X-Cache", if hit { b"HIT" } else { b"MISS" });
    append(h, b"X-Cache-Hits", st.cache.hits.max(0).to_string().as_bytes());
    let elapsed = (now - st.time_start).max(0);
    let timer =
        format!("S{}.{:06},VS0,VE{}", st.time_start.div_euclid(S), st.time_start.rem_euclid(S) / US, elapsed / MS);
    h.set(b"X-Timer", Bytes::from(timer));
    h.remove(b"X-Varnish");
    // Debug output (the DELIVER macro, §7) only when the request asks for it or comes from
    // another Fastly node; otherwise the debug and surrogate headers are stripped.
    if st.req.headers.contains(b"fastly-debug") || st.req.headers.contains(b"fastly-ff") {
        let identity = String::from_utf8_lossy(&st.server_identity).into_owned();
        prepend(h, b"Fastly-Debug-Path", format!("(D {identity} {}) ", now.div_euclid(S)));
        let tmp = |name: &[u8]| st.req.headers.get(name).filter(|v| !v.is_empty());
        let ttl_grace = match (tmp(b"fastly-tmp-obj-ttl"), tmp(b"fastly-tmp-obj-grace")) {
            (Some(ttl), Some(grace)) => {
                format!(" {} {} ", String::from_utf8_lossy(ttl), String::from_utf8_lossy(grace))
            }
            _ => " - - ".to_string(),
        };
        let age = h.get(b"age").map_or_else(|| "-".to_string(), |a| String::from_utf8_lossy(a).into_owned());
        let hit_or_miss = if st.cache.hits > 0 { "(H " } else { "(M " };
        prepend(h, b"Fastly-Debug-TTL", format!("{hit_or_miss}{identity}{ttl_grace}{age}) "));
        // `digest.hash_sha256(req.digest)`, as the generated DELIVER macro sets it.
        if !st.hash_input.is_empty() {
            let digest = crate::interp::builtins::digest::sha256_hex(&st.hash_input);
            h.set(b"Fastly-Debug-Digest", Bytes::from(crate::interp::builtins::digest::sha256_hex(digest.as_bytes())));
        }
    } else {
        h.remove(b"Fastly-Debug-Path");
        h.remove(b"Fastly-Debug-TTL");
        h.remove(b"Surrogate-Key");
        h.remove(b"Surrogate-Control");
    }
    st.resp = resp;
}

/// Puts `entry` before a header's current value (Fastly's debug headers list the newest
/// node first).
pub(crate) fn prepend(h: &mut Headers, name: &[u8], entry: String) {
    let mut value = entry.into_bytes();
    if let Some(old) = h.get(name) {
        value.extend_from_slice(old);
    }
    h.set(name, Bytes::from(value));
}

fn append(h: &mut Headers, name: &[u8], value: &[u8]) {
    let joined = match h.get(name) {
        Some(old) if !old.is_empty() => {
            let mut b = BytesMut::with_capacity(old.len() + 2 + value.len());
            b.extend_from_slice(old);
            b.extend_from_slice(b", ");
            b.extend_from_slice(value);
            b.freeze()
        }
        _ => Bytes::copy_from_slice(value),
    };
    h.set(name, joined);
}

/// The HTTP response from `resp`. With `conditional`, the edge holds the whole body
/// and answers `If-None-Match` / `If-Modified-Since` (304) and single ranges (206).
pub(crate) fn respond(st: &ReqState, payload: Payload, conditional: bool) -> http::Response<Body> {
    let mut status = u16::try_from(st.resp.status).ok().filter(|s| (100..1000).contains(s)).unwrap_or(503);
    let mut headers = http::HeaderMap::with_capacity(st.resp.headers.len() + 2);
    for (name, value) in st.resp.headers.iter() {
        if is_framing(name) {
            continue;
        }
        match (http::HeaderName::from_bytes(name), http::HeaderValue::from_maybe_shared(value.clone())) {
            (Ok(n), Ok(v)) => {
                headers.append(n, v);
            }
            _ => tracing::debug!(name = %String::from_utf8_lossy(name), "skipping an invalid response header"),
        }
    }
    let mut body = match payload {
        Payload::Cached(obj) => Body::full(obj.body.clone()),
        Payload::Fetched(BodyRead::Complete(b), _, _) => Body::full(b),
        Payload::Fetched(BodyRead::Partial(prefix, rest), len, timer) => Body::stream(prefix, rest, timer, len),
        Payload::Synthetic(b) => Body::full(b),
        Payload::Streamed(rx, len) => Body::Stream { rx, len },
    };
    let method = &st.req.method;
    if conditional && status == 200 && (method == "GET" || method == "HEAD") {
        if let Body::Full(full) = &body {
            let full = full.clone().unwrap_or_default();
            if not_modified(&st.req.headers, &headers) {
                status = 304;
                body = Body::empty();
            } else if let Some(range) = st.req.headers.get(b"range").filter(|_| if_range_ok(&st.req.headers, &headers))
            {
                match byte_range(range, full.len() as u64) {
                    RangeAnswer::Ignore => {}
                    RangeAnswer::Partial(start, end) => {
                        status = 206;
                        set(&mut headers, "content-range", format!("bytes {start}-{end}/{}", full.len()));
                        body = Body::full(full.slice(start as usize..end as usize + 1));
                    }
                    RangeAnswer::Unsatisfiable => {
                        status = 416;
                        set(&mut headers, "content-range", format!("bytes */{}", full.len()));
                        body = Body::empty();
                    }
                }
            }
        }
    }
    // `resp.tarpit` from vcl_deliver: Fastly paces only responses of 4000 bytes or less, in
    // chunks of 100 bytes unless VCL says otherwise (resp.tarpit reference).
    if let (Some((interval, chunk)), Body::Full(Some(full))) = (st.edge.tarpit, &body) {
        if full.len() <= 4000 && interval > 0 {
            let chunk = chunk.filter(|c| *c > 0).unwrap_or(100) as usize;
            body = Body::paced(full.clone(), Duration::from_secs(interval as u64), chunk);
        }
    }
    if method == "HEAD" {
        // The head a GET would get, and no body. HTTP/1 would drop the body itself, but
        // HTTP/2 must not send DATA for a HEAD, so the length is stated and the body left
        // out here (dropping a stream stops its reader).
        let len = body.exact_len();
        if let Some(len) = len.filter(|_| status != 304 && status != 204) {
            set(&mut headers, "content-length", len.to_string());
        }
        body = Body::empty();
    }
    let mut response = http::Response::new(body);
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::SERVICE_UNAVAILABLE);
    *response.headers_mut() = headers;
    if status != 304 && status != 206 && st.resp.response != reason(i64::from(status)) && !st.resp.response.is_empty() {
        if let Ok(phrase) = hyper::ext::ReasonPhrase::try_from(st.resp.response.clone()) {
            response.extensions_mut().insert(phrase);
        }
    }
    response
}

/// Fields hyper computes from the body it is given.
fn is_framing(name: &[u8]) -> bool {
    [&b"content-length"[..], b"transfer-encoding", b"connection", b"keep-alive", b"upgrade", b"te", b"trailer"]
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h))
}

fn set(headers: &mut http::HeaderMap, name: &'static str, value: String) {
    if let Ok(v) = http::HeaderValue::from_str(&value) {
        headers.insert(name, v);
    }
}

/// RFC 9110 §13.1.2 / §13.1.3: If-None-Match (weak comparison) wins over
/// If-Modified-Since.
fn not_modified(req: &Headers, resp: &http::HeaderMap) -> bool {
    if let Some(inm) = req.get(b"if-none-match") {
        let Some(etag) = resp.get(http::header::ETAG) else { return false };
        let etag = strip_weak(etag.as_bytes());
        return inm.split(|&c| c == b',').map(|t| t.trim_ascii()).any(|t| t == b"*" || strip_weak(t) == etag);
    }
    if let Some(ims) = req.get(b"if-modified-since") {
        let parse = |b: &[u8]| httpdate::parse_http_date(std::str::from_utf8(b).ok()?).ok();
        let (Some(ims), Some(lm)) =
            (parse(ims), resp.get(http::header::LAST_MODIFIED).and_then(|v| parse(v.as_bytes())))
        else {
            return false;
        };
        return lm <= ims;
    }
    false
}

fn strip_weak(tag: &[u8]) -> &[u8] {
    tag.strip_prefix(b"W/").unwrap_or(tag)
}

/// `If-Range`: the range applies only if the validator still matches (strong ETag or
/// the exact Last-Modified date).
fn if_range_ok(req: &Headers, resp: &http::HeaderMap) -> bool {
    let Some(v) = req.get(b"if-range") else { return true };
    let v = v.trim_ascii();
    if v.starts_with(b"\"") {
        return resp.get(http::header::ETAG).is_some_and(|e| e.as_bytes() == v);
    }
    resp.get(http::header::LAST_MODIFIED).is_some_and(|lm| lm.as_bytes() == v)
}

enum RangeAnswer {
    Ignore,
    /// Inclusive byte positions.
    Partial(u64, u64),
    Unsatisfiable,
}

/// One `bytes=` range over a body of `len` bytes; several ranges are answered with the
/// whole body (allowed by RFC 9110 §14.2).
fn byte_range(header: &[u8], len: u64) -> RangeAnswer {
    let Some(spec) = std::str::from_utf8(header).ok().and_then(|h| h.trim().strip_prefix("bytes=")) else {
        return RangeAnswer::Ignore;
    };
    if spec.contains(',') {
        return RangeAnswer::Ignore;
    }
    let Some((a, b)) = spec.trim().split_once('-') else { return RangeAnswer::Ignore };
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let Ok(n) = b.parse::<u64>() else { return RangeAnswer::Ignore };
        if n == 0 || len == 0 {
            return RangeAnswer::Unsatisfiable;
        }
        (len.saturating_sub(n), len - 1)
    } else {
        let Ok(start) = a.parse::<u64>() else { return RangeAnswer::Ignore };
        let end = if b.is_empty() {
            len.saturating_sub(1)
        } else {
            match b.parse::<u64>() {
                Ok(e) if e >= start => e.min(len.saturating_sub(1)),
                _ => return RangeAnswer::Ignore,
            }
        };
        if start >= len {
            return RangeAnswer::Unsatisfiable;
        }
        (start, end)
    };
    RangeAnswer::Partial(start, end)
}

/// Fastly's default error page for the 503s it generates (Varnish's "Guru Mediation"
/// page, which Fastly serves when `vcl_error` sets no synthetic body).
pub(crate) fn guru_meditation(st: &ReqState) -> Bytes {
    let status = st.obj.status;
    let text = String::from_utf8_lossy(&st.obj.response);
    Bytes::from(format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\"\n \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n<html>\n  <head>\n    <title>{status} {text}</title>\n  </head>\n  <body>\n    <h1>Error {status} {text}</h1>\n    <p>{text}</p>\n    <h3>Guru Mediation:</h3>\n    <p>Details: {} {} {}</p>\n    <hr>\n    <p>Varnish cache server</p>\n  </body>\n</html>\n",
        String::from_utf8_lossy(&st.server_identity),
        st.now / S,
        st.rng % 1_000_000_000,
    ))
}

/// The 503 for a request VCL could not finish; no VCL runs.
pub(crate) fn synthetic_fault(st: &ReqState, _handle: &ServiceHandle) -> http::Response<Body> {
    let mut response = http::Response::new(Body::full(guru_meditation(st)));
    *response.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
    let h = response.headers_mut();
    h.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(http::header::VIA, http::HeaderValue::from_static("1.1 varnish"));
    if let Ok(v) = http::HeaderValue::from_maybe_shared(st.server_identity.clone()) {
        h.insert("x-served-by", v);
    }
    h.insert("x-cache", http::HeaderValue::from_static("MISS"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert!(matches!(byte_range(b"bytes=0-3", 10), RangeAnswer::Partial(0, 3)));
        assert!(matches!(byte_range(b"bytes=5-", 10), RangeAnswer::Partial(5, 9)));
        assert!(matches!(byte_range(b"bytes=-4", 10), RangeAnswer::Partial(6, 9)));
        assert!(matches!(byte_range(b"bytes=8-100", 10), RangeAnswer::Partial(8, 9)));
        assert!(matches!(byte_range(b"bytes=10-", 10), RangeAnswer::Unsatisfiable));
        assert!(matches!(byte_range(b"bytes=0-1,3-4", 10), RangeAnswer::Ignore));
        assert!(matches!(byte_range(b"items=0-1", 10), RangeAnswer::Ignore));
    }

    #[test]
    fn conditionals() {
        let mut req = Headers::new();
        req.set(b"if-none-match", Bytes::from_static(b"\"a\", W/\"b\""));
        let mut resp = http::HeaderMap::new();
        resp.insert(http::header::ETAG, http::HeaderValue::from_static("\"b\""));
        assert!(not_modified(&req, &resp));
        resp.insert(http::header::ETAG, http::HeaderValue::from_static("\"c\""));
        assert!(!not_modified(&req, &resp));
    }
}
