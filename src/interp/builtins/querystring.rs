//! The `querystring.*` builtins and `boltsort.sort`, its deprecated alias for sorting.
//!
//! A URL is split at its first `?` into the part before it (kept byte for byte), the
//! query string, and a `#fragment` (kept). Parameters are the `&`-separated items of
//! the query; a parameter's name is what precedes its first `=`. Fastly's module
//! descends from vmod-querystring, whose filters also "clean": parameters with an empty
//! name (`&&`, `=value`, a lone `?`) are dropped by every function that rewrites the
//! query, and an empty query loses its `?`.

use bytes::Bytes;

use super::strings::percent_encode;
use super::{args, Builtin, Ctx, Fault};
use crate::interp::value::Value;

/// The functions of this module, by catalog name.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("boltsort.sort", sort),
    ("querystring.add", add),
    ("querystring.clean", clean),
    ("querystring.filter", filter),
    ("querystring.filter_except", filter_except),
    ("querystring.filtersep", filtersep),
    ("querystring.get", get),
    ("querystring.globfilter", globfilter),
    ("querystring.globfilter_except", globfilter_except),
    ("querystring.regfilter", regfilter),
    ("querystring.regfilter_except", regfilter_except),
    ("querystring.remove", remove),
    ("querystring.set", set),
    ("querystring.sort", sort),
];

/// What `querystring.filtersep()` returns, separating the names given to
/// `querystring.filter` and `querystring.filter_except`. Fastly does not document the
/// byte; `&` cannot occur inside a parameter name, so it never splits a real name.
pub const FILTER_SEPARATOR: &[u8] = b"&";

/// Fastly: "If there are more than 32 parameters, the URL is left unsorted."
const MAX_SORTED_PARAMS: usize = 32;

/// A URL split around its query string.
struct Url<'a> {
    base: &'a [u8],
    query: Option<&'a [u8]>,
    fragment: &'a [u8],
}

impl<'a> Url<'a> {
    fn parse(url: &'a [u8]) -> Url<'a> {
        let Some(q) = url.iter().position(|&c| c == b'?') else {
            return Url { base: url, query: None, fragment: b"" };
        };
        let after = &url[q + 1..];
        let hash = after.iter().position(|&c| c == b'#').unwrap_or(after.len());
        Url { base: &url[..q], query: Some(&after[..hash]), fragment: &after[hash..] }
    }

    /// The query's parameters, without the empty-named ones.
    fn params(&self) -> Vec<&'a [u8]> {
        self.query.unwrap_or(b"").split(|&c| c == b'&').filter(|p| !name(p).is_empty()).collect()
    }

    /// The URL again with `params` as its query (no `?` when there are none).
    fn with_params<P: AsRef<[u8]>>(&self, params: &[P]) -> Value {
        let mut out = self.base.to_vec();
        for (i, p) in params.iter().enumerate() {
            out.push(if i == 0 { b'?' } else { b'&' });
            out.extend_from_slice(p.as_ref());
        }
        out.extend_from_slice(self.fragment);
        Value::String(Bytes::from(out))
    }
}

/// A parameter's name: the bytes before its first `=`.
fn name(param: &[u8]) -> &[u8] {
    param.iter().position(|&c| c == b'=').map_or(param, |eq| &param[..eq])
}

/// Keeps the parameters for which `keep(name)` holds, cleaning the rest of the query.
fn retain(args: &[Value], mut keep: impl FnMut(&[u8]) -> bool) -> Value {
    let url = args::bytes(args, 0);
    let parsed = Url::parse(&url);
    if parsed.query.is_none() {
        return args.first().cloned().unwrap_or(Value::NotSet);
    }
    let params: Vec<&[u8]> = parsed.params().into_iter().filter(|p| keep(name(p))).collect();
    parsed.with_params(&params)
}

fn clean(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(retain(args, |_| true))
}

fn filtersep(_: &mut Ctx<'_>, _: &[Value]) -> Result<Value, Fault> {
    Ok(Value::String(Bytes::from_static(FILTER_SEPARATOR)))
}

/// The names of a `querystring.filtersep()`-separated list.
fn name_list(args: &[Value]) -> Vec<Bytes> {
    let mut rest = args::bytes(args, 1);
    let mut out = Vec::new();
    while let Some(at) = super::std_lib::find(&rest, FILTER_SEPARATOR) {
        out.push(rest.slice(..at));
        rest = rest.slice(at + FILTER_SEPARATOR.len()..);
    }
    out.push(rest);
    out
}

fn filter(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    let names = name_list(args);
    Ok(retain(args, |n| !names.iter().any(|x| x[..] == *n)))
}

fn filter_except(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    let names = name_list(args);
    Ok(retain(args, |n| names.iter().any(|x| x[..] == *n)))
}

fn globfilter(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    let glob = args::bytes(args, 1);
    Ok(retain(args, |n| !glob_match(&glob, n)))
}

fn globfilter_except(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    let glob = args::bytes(args, 1);
    Ok(retain(args, |n| glob_match(&glob, n)))
}

fn regfilter(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(regex_retain(ctx, args, false))
}

fn regfilter_except(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(regex_retain(ctx, args, true))
}

/// Filters by a regex on the parameter names. The regex only tests names, so
/// `re.group.*` stay as they were (Fastly: "Saves and restores captures"); a match
/// failure (PCRE2 limits) counts as no match and sets `EREGRECUR`.
fn regex_retain(ctx: &mut Ctx<'_>, args: &[Value], keep_matching: bool) -> Value {
    let re = match args.get(1) {
        Some(Value::Regex(i)) => ctx.program.regexes.get(*i as usize),
        _ => None,
    };
    let Some(re) = re else { return args.first().cloned().unwrap_or(Value::NotSet) };
    let mut failed = false;
    let out = retain(args, |n| {
        let matched = re.regex.is_match(n).unwrap_or_else(|_| {
            failed = true;
            false
        });
        matched == keep_matching
    });
    if failed {
        ctx.state.set_error("EREGRECUR");
    }
    out
}

fn remove(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    let url = args::bytes(args, 0);
    Ok(match url.iter().position(|&c| c == b'?') {
        Some(q) => Value::String(url.slice(..q)),
        None => args.first().cloned().unwrap_or(Value::NotSet),
    })
}

/// `name=value`, both percent-encoded; a not-set value gives a bare `name`.
fn encoded_param(args: &[Value]) -> Vec<u8> {
    let mut param = percent_encode(&args::bytes(args, 1));
    if args::is_set(args, 2) {
        param.push(b'=');
        param.extend_from_slice(&percent_encode(&args::bytes(args, 2)));
    }
    param
}

fn add(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: appended to the end of the query string, name and value URL-encoded.
    let url = args::bytes(args, 0);
    let parsed = Url::parse(&url);
    let param = encoded_param(args);
    let mut out = parsed.base.to_vec();
    out.push(b'?');
    if let Some(query) = parsed.query.filter(|q| !q.is_empty()) {
        out.extend_from_slice(query);
        if !query.ends_with(b"&") {
            out.push(b'&');
        }
    }
    out.extend_from_slice(&param);
    out.extend_from_slice(parsed.fragment);
    Ok(Value::String(Bytes::from(out)))
}

fn set(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: replaces the first value, removes duplicates, or appends when absent.
    let url = args::bytes(args, 0);
    let parsed = Url::parse(&url);
    let param = encoded_param(args);
    let target = percent_encode(&args::bytes(args, 1));
    let mut params: Vec<&[u8]> = Vec::new();
    let mut placed = false;
    for p in parsed.params() {
        if name(p) != target {
            params.push(p);
        } else if !placed {
            params.push(&param);
            placed = true;
        }
    }
    if !placed {
        params.push(&param);
    }
    Ok(parsed.with_params(&params))
}

fn get(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: the undecoded value of the first parameter whose name equals the
    // URL-encoded `name`; "" for a name without a value; not set when absent, when the
    // URL has no query, or for not-set or empty arguments.
    let (url, wanted) = (args::bytes(args, 0), args::bytes(args, 1));
    if url.is_empty() || wanted.is_empty() {
        return Ok(Value::NotSet);
    }
    let wanted = percent_encode(&wanted);
    let parsed = Url::parse(&url);
    for param in parsed.query.unwrap_or(b"").split(|&c| c == b'&') {
        if name(param) == wanted {
            let value = param.get(wanted.len() + 1..).unwrap_or(b"");
            return Ok(Value::String(Bytes::copy_from_slice(value)));
        }
    }
    Ok(Value::NotSet)
}

fn sort(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: by name, case-sensitively (bytewise, so `A` before `a`), keeping every
    // parameter unless `only_unique_keys` keeps the first of each name; more than 32
    // parameters leave the URL as it was.
    let url = args::bytes(args, 0);
    let parsed = Url::parse(&url);
    if parsed.query.is_none() {
        return Ok(args.first().cloned().unwrap_or(Value::NotSet));
    }
    let mut params = parsed.params();
    if params.len() > MAX_SORTED_PARAMS {
        return Ok(args.first().cloned().unwrap_or(Value::NotSet));
    }
    if args::boolean(args, 1) {
        let mut seen: Vec<&[u8]> = Vec::new();
        params.retain(|p| {
            let n = name(p);
            let first = !seen.contains(&n);
            seen.push(n);
            first
        });
    }
    params.sort_by(|a, b| name(a).cmp(name(b)));
    Ok(parsed.with_params(&params))
}

/// `fnmatch(3)` without flags: `*`, `?`, bracket classes (`[a-z]`, `[!x]`, `[^x]`) and
/// `\` escapes, over bytes.
fn glob_match(pattern: &[u8], subject: &[u8]) -> bool {
    let (mut p, mut i) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while i < subject.len() {
        if pattern.get(p) == Some(&b'*') {
            p += 1;
            backtrack = Some((p, i));
            continue;
        }
        if let Some(next) = match_one(pattern, p, subject[i]) {
            p = next;
            i += 1;
            continue;
        }
        match backtrack {
            Some((star_p, star_i)) => {
                p = star_p;
                i = star_i + 1;
                backtrack = Some((star_p, star_i + 1));
            }
            None => return false,
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == b'*')
}

/// Whether the pattern element at `p` (not `*`) matches `c`; the next element's index.
fn match_one(pattern: &[u8], p: usize, c: u8) -> Option<usize> {
    match *pattern.get(p)? {
        b'?' => Some(p + 1),
        b'\\' if p + 1 < pattern.len() => (pattern[p + 1] == c).then_some(p + 2),
        b'[' => match match_class(pattern, p, c) {
            Some((true, next)) => Some(next),
            Some((false, _)) => None,
            None => (c == b'[').then_some(p + 1),
        },
        literal => (literal == c).then_some(p + 1),
    }
}

/// A bracket class at `p`: whether it matches `c` and the index after it, or `None`
/// when it is unterminated (then `[` is literal).
fn match_class(pattern: &[u8], p: usize, c: u8) -> Option<(bool, usize)> {
    let mut j = p + 1;
    let negate = matches!(pattern.get(j), Some(b'!' | b'^'));
    if negate {
        j += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let mut lo = *pattern.get(j)?;
        if lo == b']' && !first {
            return Some((matched != negate, j + 1));
        }
        first = false;
        if lo == b'\\' {
            j += 1;
            lo = *pattern.get(j)?;
        }
        if pattern.get(j + 1) == Some(&b'-') && pattern.get(j + 2).is_some_and(|&h| h != b']') {
            let hi = pattern[j + 2];
            matched |= lo <= c && c <= hi;
            j += 3;
        } else {
            matched |= lo == c;
            j += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::builtins::testkit::{call, s, Env};

    fn sep() -> String {
        String::from_utf8(FILTER_SEPARATOR.to_vec()).expect("ASCII separator")
    }

    #[test]
    fn every_function_is_listed_once() {
        let mut names: Vec<&str> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 14);
    }

    #[test]
    fn get_examples() {
        // fastly.com/documentation/reference/vcl/functions/query-string/querystring-get/
        assert_eq!(call(get, &[s("/?a=1&b=2&c=3"), s("d")]), Value::NotSet);
        assert_eq!(call(get, &[s("/?a=1&b=&c=3"), s("b")]), s(""));
        assert_eq!(call(get, &[s("/?a=1&b=2&c=3&b=4&d=5"), s("b")]), s("2"));
        assert_eq!(call(get, &[s("/"), s("a")]), Value::NotSet);
        assert_eq!(call(get, &[s(""), s("")]), Value::NotSet);
        assert_eq!(call(get, &[Value::NotSet, s("a")]), Value::NotSet);
        assert_eq!(call(get, &[s("/?foo="), s("foo")]), s(""));
        assert_eq!(call(get, &[s("/?foo=&foo=bar"), s("foo")]), s(""));
        assert_eq!(call(get, &[s("/?flag&x=1"), s("flag")]), s(""));
        assert_eq!(call(get, &[s("/?a%20b=c%20d"), s("a b")]), s("c%20d"), "name encoded, value as is");
        assert_eq!(call(get, &[s("/?a=1#b=2"), s("b")]), Value::NotSet, "the fragment is not the query");
    }

    #[test]
    fn add_and_set_examples() {
        // fastly.com/documentation/reference/vcl/functions/query-string/querystring-add/
        assert_eq!(call(add, &[s("/p?a=1"), s("foo"), s("bar")]), s("/p?a=1&foo=bar"));
        assert_eq!(call(add, &[s("/p"), s("foo"), s("bar")]), s("/p?foo=bar"));
        assert_eq!(call(add, &[s("/p?"), s("foo"), s("b r")]), s("/p?foo=b%20r"));
        assert_eq!(call(add, &[s("/p?a=1"), s("a"), s("2")]), s("/p?a=1&a=2"));
        // fastly.com/documentation/reference/vcl/functions/query-string/querystring-set/
        assert_eq!(call(set, &[s("/p?foo=bar&x=1&foo=qux"), s("foo"), s("baz")]), s("/p?foo=baz&x=1"));
        assert_eq!(call(set, &[s("/p?x=1"), s("foo"), s("baz")]), s("/p?x=1&foo=baz"));
        assert_eq!(call(set, &[s("/p"), s("a&b"), s("c=d")]), s("/p?a%26b=c%3Dd"));
    }

    #[test]
    fn clean_examples() {
        // fastly.com/documentation/reference/vcl/functions/query-string/querystring-clean/
        assert_eq!(call(clean, &[s("/path?name=value&&=value-only&name-only")]), s("/path?name=value&name-only"));
        assert_eq!(call(clean, &[s("/path?")]), s("/path"));
        assert_eq!(call(clean, &[s("/path")]), s("/path"));
        assert_eq!(call(clean, &[Value::NotSet]), Value::NotSet);
    }

    #[test]
    fn filter_examples() {
        // fastly.com/documentation/reference/vcl/functions/query-string/querystring-filter/
        let names = s(&format!("utm_source{0}utm_medium{0}utm_campaign", sep()));
        let url = s("/p?utm_source=a&q=1&utm_medium=b&utm_campaign=c&p=2");
        assert_eq!(call(filter, &[url.clone(), names]), s("/p?q=1&p=2"));
        // fastly.com/documentation/reference/vcl/functions/query-string/querystring-filter-except/
        let keep = s(&format!("q{}p", sep()));
        assert_eq!(call(filter_except, &[url, keep]), s("/p?q=1&p=2"));
        assert_eq!(call(filter_except, &[s("/p?a=1"), s("q")]), s("/p"));
        // fastly.com/documentation/reference/vcl/functions/query-string/querystring-filtersep/
        assert_eq!(call(filtersep, &[]), Value::String(Bytes::from_static(FILTER_SEPARATOR)));
    }

    #[test]
    fn globfilter_examples() {
        // fastly.com/documentation/reference/vcl/functions/query-string/querystring-globfilter/
        let url = s("/p?utm_source=a&q=1&utm_medium=b");
        assert_eq!(call(globfilter, &[url.clone(), s("utm_*")]), s("/p?q=1"));
        // fastly.com/documentation/reference/vcl/functions/query-string/querystring-globfilter-except/
        assert_eq!(call(globfilter_except, &[url, s("utm_*")]), s("/p?utm_source=a&utm_medium=b"));
        assert!(glob_match(b"a?c", b"abc"));
        assert!(glob_match(b"[a-c]x", b"bx"));
        assert!(!glob_match(b"[!a-c]x", b"bx"));
        assert!(glob_match(b"*a*b*", b"xxaxxbxx"));
        assert!(!glob_match(b"*a*b", b"xxaxxbxx"));
        assert!(glob_match(b"\\*", b"*"));
        assert!(glob_match(b"[", b"["));
        assert!(glob_match(b"", b""));
        assert!(!glob_match(b"", b"a"));
    }

    #[test]
    fn regfilter_examples() {
        // fastly.com/documentation/reference/vcl/functions/query-string/querystring-regfilter/
        let mut env = Env::new();
        let utm = env.regex("utm_.*");
        let url = s("/p?utm_source=a&q=1&p=2");
        assert_eq!(env.call(regfilter, &[url.clone(), utm]), s("/p?q=1&p=2"));
        // fastly.com/documentation/reference/vcl/functions/query-string/querystring-regfilter-except/
        let qp = env.regex("^(q|p)$");
        assert_eq!(env.call(regfilter_except, &[url, qp]), s("/p?q=1&p=2"));
        let key = env.regex(r"key-([0-9]|\w)");
        let mut spans = crate::ir::GroupSpans::NONE;
        spans.set(1, Some((0, 5)));
        env.state.re_groups.record(Bytes::from_static(b"image"), &spans);
        assert_eq!(
            env.call(regfilter_except, &[s("/example?key-1=image-abc&something-else=xyz"), key]),
            s("/example?key-1=image-abc")
        );
        assert_eq!(env.state.re_groups.get(1), Some(Bytes::from_static(b"image")), "captures untouched");
    }

    #[test]
    fn remove_examples() {
        // fastly.com/documentation/reference/vcl/functions/query-string/querystring-remove/
        assert_eq!(call(remove, &[s("/p?a=1&b=2")]), s("/p"));
        assert_eq!(call(remove, &[s("/p")]), s("/p"));
    }

    #[test]
    fn sort_examples() {
        // fastly.com/documentation/reference/vcl/functions/query-string/querystring-sort/
        assert_eq!(call(sort, &[s("/foo?b=1&a=2&c=3")]), s("/foo?a=2&b=1&c=3"));
        assert_eq!(call(sort, &[s("/test?a=7&a=2&a=1&b=5&b=3"), Value::Bool(true)]), s("/test?a=7&b=5"));
        assert_eq!(call(sort, &[s("/t?b=1&a=2&b=0&a=1")]), s("/t?a=2&a=1&b=1&b=0"), "duplicates kept in order");
        assert_eq!(call(sort, &[s("/t?a=1&B=2&A=3")]), s("/t?A=3&B=2&a=1"), "uppercase first");
        assert_eq!(call(sort, &[s("/t?b&&=x&a")]), s("/t?a&b"), "empty parameters dropped");
        let many: Vec<String> = (0..33).rev().map(|i| format!("p{i:02}=1")).collect();
        let url = format!("/t?{}", many.join("&"));
        assert_eq!(call(sort, &[s(&url)]), s(&url), "more than 32 parameters stay unsorted");
        // fastly.com/documentation/reference/vcl/functions/query-string/boltsort-sort/
        let boltsort = FUNCTIONS.iter().find(|(n, _)| *n == "boltsort.sort").map(|(_, f)| *f).expect("listed");
        assert_eq!(call(boltsort, &[s("/foo?b=1&a=2")]), s("/foo?a=2&b=1"));
    }
}
