//! The `accept.*` builtins: content negotiation against `Accept`, `Accept-Charset`,
//! `Accept-Encoding` and `Accept-Language` values.
//!
//! Each takes the server's offers as a colon-separated list, a fallback, and the
//! header value. Header items are `value;q=weight` (default weight 1, weight 0 means
//! "not acceptable"); matching is case-insensitive and the offer is returned as the
//! caller spelled it. The fallback is returned when nothing acceptable is offered.

use bytes::Bytes;

use super::{args, Builtin, Ctx, Fault};
use crate::interp::value::Value;

/// The functions of this module, by catalog name.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("accept.charset_lookup", charset_lookup),
    ("accept.encoding_lookup", encoding_lookup),
    ("accept.language_filter_basic", language_filter_basic),
    ("accept.language_lookup", language_lookup),
    ("accept.media_lookup", media_lookup),
];

/// One item of an `Accept*` header value.
#[derive(Debug, Clone, PartialEq)]
struct Range {
    value: String,
    /// Thousandths, 0 to 1000.
    q: u32,
    /// Position in the header, the tie-breaker for equal weights.
    index: usize,
}

/// The items of a header value, most preferred first (weight, then header order).
fn parse_ranges(header: &[u8]) -> Vec<Range> {
    let text = String::from_utf8_lossy(header);
    let mut ranges: Vec<Range> = text
        .split(',')
        .enumerate()
        .filter_map(|(index, item)| {
            let mut parts = item.split(';');
            let value = parts.next()?.trim().to_ascii_lowercase();
            if value.is_empty() {
                return None;
            }
            let mut q = 1000;
            for param in parts {
                if let Some((key, weight)) = param.split_once('=') {
                    if key.trim().eq_ignore_ascii_case("q") {
                        q = parse_qvalue(weight.trim())?;
                    }
                }
            }
            Some(Range { value, q, index })
        })
        .collect();
    ranges.sort_by(|a, b| b.q.cmp(&a.q).then(a.index.cmp(&b.index)));
    ranges
}

/// An RFC 7231 qvalue (`0`, `0.5`, `1.000`) in thousandths; `None` when malformed.
fn parse_qvalue(text: &str) -> Option<u32> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 3 || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{frac:0<3}").parse::<u32>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// The colon-separated offers, as spelled by the caller.
fn offers(args: &[Value], i: usize) -> Vec<String> {
    args::text(args, i).split(':').map(str::trim).filter(|o| !o.is_empty()).map(str::to_string).collect()
}

fn fallback(args: &[Value]) -> Value {
    args.get(1).cloned().unwrap_or(Value::NotSet)
}

fn charset_lookup(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(simple_lookup(args))
}

fn encoding_lookup(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: no special handling of `x-gzip` or `x-compress`.
    Ok(simple_lookup(args))
}

/// RFC 7231 sections 5.3.3/5.3.4: each offer takes the weight of the header item naming
/// it, else that of `*`; the heaviest acceptable offer wins, ties going to the earlier
/// header item, then to the earlier offer.
fn simple_lookup(args: &[Value]) -> Value {
    let ranges = parse_ranges(&args::bytes(args, 2));
    let mut best: Option<(u32, usize, usize)> = None;
    let available = offers(args, 0);
    for (offer_index, offer) in available.iter().enumerate() {
        let lower = offer.to_ascii_lowercase();
        let range = ranges.iter().find(|r| r.value == lower).or_else(|| ranges.iter().find(|r| r.value == "*"));
        let Some(range) = range.filter(|r| r.q > 0) else { continue };
        let candidate = (range.q, range.index, offer_index);
        if best.is_none_or(|(q, index, _)| range.q > q || (range.q == q && range.index < index)) {
            best = Some(candidate);
        }
    }
    match best {
        Some((_, _, i)) => Value::from_string(available[i].clone()),
        None => fallback(args),
    }
}

fn language_lookup(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // RFC 4647 section 3.4 (Lookup): each range in preference order is tried against the
    // offers, then shortened subtag by subtag (a single-letter subtag goes with the one
    // after it) until something matches; `*` takes no part.
    let available = offers(args, 0);
    for range in parse_ranges(&args::bytes(args, 2)).iter().filter(|r| r.q > 0 && r.value != "*") {
        let mut tag = range.value.as_str();
        loop {
            if let Some(offer) = available.iter().find(|o| o.eq_ignore_ascii_case(tag)) {
                return Ok(Value::from_string(offer.clone()));
            }
            let Some(cut) = tag.rfind('-') else { break };
            tag = &tag[..cut];
            if tag.len() >= 2 && tag.as_bytes()[tag.len() - 2] == b'-' {
                tag = &tag[..tag.len() - 2];
            }
        }
    }
    Ok(fallback(args))
}

fn language_filter_basic(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // RFC 4647 section 3.3.1 (Basic Filtering): a range matches a tag equal to it or
    // starting with it and a `-`; `*` matches all. Up to `nmatches` offers, in the
    // header's preference order, joined by commas.
    let available = offers(args, 0);
    let limit = usize::try_from(args::int(args, 3)).unwrap_or(0);
    let mut chosen: Vec<&String> = Vec::new();
    for range in parse_ranges(&args::bytes(args, 2)).iter().filter(|r| r.q > 0) {
        for offer in &available {
            let lower = offer.to_ascii_lowercase();
            let matches = range.value == "*"
                || lower == range.value
                || (lower.starts_with(&range.value) && lower.as_bytes().get(range.value.len()) == Some(&b'-'));
            if matches && !chosen.contains(&offer) && chosen.len() < limit {
                chosen.push(offer);
            }
        }
    }
    if chosen.is_empty() {
        return Ok(fallback(args));
    }
    let joined: Vec<&str> = chosen.iter().map(|s| s.as_str()).collect();
    Ok(Value::String(Bytes::from(joined.join(","))))
}

fn media_lookup(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // RFC 7231 section 5.3.2, as Fastly's example shows: a media range naming an offer
    // gives that offer; `type/*` gives the range default of that type (from the third
    // argument) or else the first offer of that type; `*/*` gives the fallback. Media
    // type parameters other than `q` are ignored.
    let available = offers(args, 0);
    let range_defaults = offers(args, 2);
    let mut ranges = parse_ranges(&args::bytes(args, 3));
    // Within one weight, the more specific range is preferred.
    ranges.sort_by(|a, b| b.q.cmp(&a.q).then(specificity(b).cmp(&specificity(a))).then(a.index.cmp(&b.index)));
    let refused = |offer: &str| ranges.iter().any(|r| r.q == 0 && r.value.eq_ignore_ascii_case(offer));
    for range in ranges.iter().filter(|r| r.q > 0) {
        let Some((kind, subtype)) = range.value.split_once('/') else { continue };
        let found = match (kind, subtype) {
            ("*", "*") => return Ok(fallback(args)),
            (kind, "*") => range_defaults
                .iter()
                .find(|d| media_kind(d) == kind)
                .or_else(|| available.iter().find(|o| media_kind(o) == kind && !refused(o))),
            _ => available.iter().find(|o| o.eq_ignore_ascii_case(&range.value)),
        };
        if let Some(found) = found {
            return Ok(Value::from_string(found.clone()));
        }
    }
    Ok(fallback(args))
}

/// 0 for `*/*`, 1 for `type/*`, 2 for a full media type.
fn specificity(range: &Range) -> u8 {
    match range.value.split_once('/') {
        Some(("*", "*")) => 0,
        Some((_, "*")) => 1,
        _ => 2,
    }
}

/// The lowercased top-level type of a media type (`image` for `image/png`).
fn media_kind(media_type: &str) -> String {
    media_type.split('/').next().unwrap_or("").to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::state::ReqState;
    use crate::interp::Runtime;
    use crate::ir::Program;

    fn call(f: Builtin, args: &[Value]) -> Value {
        let (mut state, program, runtime) = (ReqState::default(), Program::default(), Runtime::default());
        let mut ctx = Ctx { state: &mut state, program: &program, runtime: &runtime };
        f(&mut ctx, args).expect("builtins do not fault here")
    }

    fn s(text: &str) -> Value {
        Value::str(text)
    }

    #[test]
    fn every_function_is_listed_once() {
        let mut names: Vec<&str> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 5);
    }

    #[test]
    fn qvalues() {
        assert_eq!(parse_qvalue("1"), Some(1000));
        assert_eq!(parse_qvalue("0.5"), Some(500));
        assert_eq!(parse_qvalue("0.125"), Some(125));
        assert_eq!(parse_qvalue("1.000"), Some(1000));
        assert_eq!(parse_qvalue("1.5"), None);
        assert_eq!(parse_qvalue("0.1234"), None);
        assert_eq!(parse_qvalue("x"), None);
    }

    #[test]
    fn charset_lookup_examples() {
        // fastly.com/documentation/reference/vcl/functions/content-negotiation/accept-charset-lookup/
        let offered = s("iso-8859-5:iso-8859-2");
        let lookup = |header: &str| call(charset_lookup, &[offered.clone(), s("utf-8"), s(header)]);
        assert_eq!(lookup("iso-8859-2"), s("iso-8859-2"));
        assert_eq!(lookup("ISO-8859-5;q=0.5, iso-8859-2;q=0.8"), s("iso-8859-2"));
        assert_eq!(lookup("iso-8859-2, iso-8859-5"), s("iso-8859-2"), "ties go to the header order");
        assert_eq!(lookup("*"), s("iso-8859-5"));
        assert_eq!(lookup("*, iso-8859-5;q=0"), s("iso-8859-2"));
        assert_eq!(lookup("utf-8"), s("utf-8"));
        assert_eq!(lookup(""), s("utf-8"));
        assert_eq!(call(charset_lookup, &[s("a"), Value::NotSet, Value::NotSet]), Value::NotSet);
    }

    #[test]
    fn encoding_lookup_examples() {
        // fastly.com/documentation/reference/vcl/functions/content-negotiation/accept-encoding-lookup/
        let lookup = |header: &str| call(encoding_lookup, &[s("compress:gzip"), s("identity"), s(header)]);
        assert_eq!(lookup("gzip, deflate, br"), s("gzip"));
        assert_eq!(lookup("compress;q=0.5, gzip;q=1.0"), s("gzip"));
        assert_eq!(lookup("gzip;q=0, compress;q=0.1"), s("compress"));
        assert_eq!(lookup("x-gzip"), s("identity"), "no special handling of x-gzip");
        assert_eq!(lookup("br"), s("identity"));
    }

    #[test]
    fn language_lookup_examples() {
        // fastly.com/documentation/reference/vcl/functions/content-negotiation/accept-language-lookup/
        let lookup = |header: &str| call(language_lookup, &[s("en:de:fr:nl"), s("en"), s(header)]);
        assert_eq!(lookup("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"), s("fr"));
        assert_eq!(lookup("nl-BE-x-foo"), s("nl"));
        assert_eq!(lookup("de;q=0.5, nl"), s("nl"));
        assert_eq!(lookup("ja, *"), s("en"));
        assert_eq!(lookup(""), s("en"));
        assert_eq!(call(language_lookup, &[s("en-US:fr"), s("x"), s("EN-us")]), s("en-US"));
        assert_eq!(call(language_lookup, &[s("zh-Hant:fr"), s("x"), s("zh-Hant-CN-x-private")]), s("zh-Hant"));
    }

    #[test]
    fn language_filter_basic_examples() {
        // fastly.com/documentation/reference/vcl/functions/content-negotiation/accept-language-filter-basic/
        let filter = |header: &str, n: i64| {
            call(language_filter_basic, &[s("en:de:fr:nl"), s("nl"), s(header), Value::Integer(n)])
        };
        assert_eq!(filter("fr, de;q=0.8, en;q=0.5", 2), s("fr,de"));
        assert_eq!(filter("de, fr", 5), s("de,fr"));
        assert_eq!(filter("ja", 2), s("nl"));
        assert_eq!(filter("*", 3), s("en,de,fr"));
        assert_eq!(filter("de", 0), s("nl"));
        let regional = call(language_filter_basic, &[s("en-US:en-GB:fr"), s("x"), s("en"), Value::Integer(5)]);
        assert_eq!(regional, s("en-US,en-GB"));
    }

    #[test]
    fn media_lookup_examples() {
        // fastly.com/documentation/reference/vcl/functions/content-negotiation/accept-media-lookup/
        let lookup = |header: &str| {
            call(media_lookup, &[s("image/jpeg:image/png"), s("text/plain"), s("image/tiff:text/html"), s(header)])
        };
        assert_eq!(lookup("image/jpeg"), s("image/jpeg"));
        assert_eq!(lookup("image/png"), s("image/png"));
        assert_eq!(lookup("image/*"), s("image/tiff"));
        assert_eq!(lookup("text/*"), s("text/html"));
        assert_eq!(lookup("*/*"), s("text/plain"));
        assert_eq!(lookup("image/*;q=0.5, image/PNG"), s("image/png"));
        assert_eq!(lookup("text/html;level=1;q=0.2, image/jpeg;q=0.1"), s("image/jpeg"), "text/html is not offered");
        assert_eq!(lookup("application/json"), s("text/plain"));
        assert_eq!(lookup(""), s("text/plain"));
    }
}
