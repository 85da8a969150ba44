//! The global string builtins (`substr`, `subfield`, `regsub`, `regsuball`,
//! `urlencode`, `urldecode`, `cstr_escape`, `xml_escape`, `http_status_matches`) and the
//! `utf8.*`, `json.escape` and `url.normalize` families.
//!
//! Byte functions work on bytes and never assume UTF-8; the `utf8.*` functions count
//! code points and report invalid input as Fastly documents (`EUTF8`, not set, or 0).
//! Regex substitutions never touch `re.group.*` (Fastly: "Calls to regsub do not set
//! re.group.*") and report PCRE2 match failures such as the match limit as
//! `fastly.error = "EREGRECUR"`, returning the input unchanged.

use bytes::Bytes;

use super::std_lib::MAX_BUILT_STRING;
use super::{args, Builtin, Ctx, Fault};
use crate::interp::value::Value;

/// The functions of this module, by catalog name.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("cstr_escape", cstr_escape),
    ("http_status_matches", http_status_matches),
    ("json.escape", json_escape),
    ("regsub", regsub),
    ("regsuball", regsuball),
    ("subfield", subfield),
    ("substr", substr),
    ("url.normalize", url_normalize),
    ("urldecode", urldecode),
    ("urlencode", urlencode),
    ("utf8.codepoint_count", utf8_codepoint_count),
    ("utf8.is_valid", utf8_is_valid),
    ("utf8.strpad", utf8_strpad),
    ("utf8.substr", utf8_substr),
    ("xml_escape", xml_escape),
];

fn string(v: impl Into<Bytes>) -> Value {
    Value::String(v.into())
}

// ---- substrings ----

fn substr(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    let s = args::bytes(args, 0);
    let length = (args.len() > 2).then(|| args::int(args, 2));
    Ok(match substr_range(s.len() as i64, args::int(args, 1), length) {
        Some((start, end)) => Value::String(s.slice(start..end)),
        None => Value::NotSet,
    })
}

fn utf8_substr(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: substr's semantics over code points; not set for invalid UTF-8.
    let s = args::bytes(args, 0);
    let Ok(text) = std::str::from_utf8(&s) else { return Ok(Value::NotSet) };
    let mut bounds: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    bounds.push(text.len());
    let length = (args.len() > 2).then(|| args::int(args, 2));
    Ok(match substr_range(bounds.len() as i64 - 1, args::int(args, 1), length) {
        Some((start, end)) => Value::String(s.slice(bounds[start]..bounds[end])),
        None => Value::NotSet,
    })
}

/// The `[start, end)` range `substr` selects in a string of `len` units, or `None` for
/// Fastly's not-set cases: the range lies wholly outside the string, or the arithmetic
/// overflows. A negative offset counts from the end; a negative length ends that many
/// units before the end; ranges partly outside are truncated
/// (fastly.com/documentation/reference/vcl/functions/strings/substr/).
fn substr_range(len: i64, offset: i64, length: Option<i64>) -> Option<(usize, usize)> {
    let start = if offset < 0 { len.checked_add(offset)? } else { offset };
    if start > len {
        return None;
    }
    let end = match length {
        None => len,
        Some(l) if l >= 0 => start.checked_add(l)?,
        Some(l) => len.checked_add(l)?,
    };
    if start < 0 && end <= 0 {
        return None;
    }
    let start = start.max(0);
    let end = end.clamp(start, len);
    Some((start as usize, end as usize))
}

fn subfield(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: `key=value` or bare `key` items separated by a one-character separator
    // (default `,`), keys matched case-insensitively; a bare key gives "", a missing one
    // not set.
    let subject = args::bytes(args, 0);
    let name = args::bytes(args, 1);
    let separator = args::bytes(args, 2).first().copied().filter(|_| args::is_set(args, 2)).unwrap_or(b',');
    if !args::is_set(args, 0) || name.is_empty() {
        return Ok(Value::NotSet);
    }
    for item in subject.split(|&c| c == separator) {
        let (key, value) = match item.iter().position(|&c| c == b'=') {
            Some(eq) => (&item[..eq], Some(&item[eq + 1..])),
            None => (item, None),
        };
        if key.trim_ascii().eq_ignore_ascii_case(&name) {
            return Ok(string(Bytes::copy_from_slice(value.map_or(&b""[..], <[u8]>::trim_ascii))));
        }
    }
    Ok(Value::NotSet)
}

fn http_status_matches(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: a comma list of statuses; a leading `!` negates the result.
    let status = args::int(args, 0);
    let fmt = args::bytes(args, 1);
    let (negate, list) = match fmt.strip_prefix(b"!") {
        Some(rest) => (true, rest),
        None => (false, &fmt[..]),
    };
    let matched = list
        .split(|&c| c == b',')
        .any(|item| std::str::from_utf8(item.trim_ascii()).ok().and_then(|t| t.parse::<i64>().ok()) == Some(status));
    Ok(Value::Bool(matched != negate))
}

// ---- regex substitution ----

fn regsub(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(substitute(ctx, args, false))
}

fn regsuball(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(substitute(ctx, args, true))
}

/// `regsub`/`regsuball`: the input with the first (or every) match replaced. The input
/// is returned as it came (not-set stays not set) when nothing matches or matching
/// fails; a failure also sets `EREGRECUR`.
fn substitute(ctx: &mut Ctx<'_>, args: &[Value], all: bool) -> Value {
    let input = args.first().cloned().unwrap_or(Value::NotSet);
    let Some(Value::Regex(index)) = args.get(1) else { return input };
    let Some(re) = ctx.program.regexes.get(*index as usize) else { return input };
    let subject = args::bytes(args, 0);
    let replacement = args::bytes(args, 2);
    let mut out = Vec::with_capacity(subject.len());
    let mut last = 0;
    let mut matched = false;
    if all {
        for caps in re.regex.captures_iter(&subject) {
            let Ok(caps) = caps else {
                ctx.state.set_error("EREGRECUR");
                return input;
            };
            let Some(whole) = caps.get(0) else { continue };
            out.extend_from_slice(&subject[last..whole.start()]);
            expand_replacement(&replacement, &caps, &mut out);
            last = whole.end();
            matched = true;
        }
    } else {
        match re.regex.captures(&subject) {
            Ok(Some(caps)) => {
                if let Some(whole) = caps.get(0) {
                    out.extend_from_slice(&subject[..whole.start()]);
                    expand_replacement(&replacement, &caps, &mut out);
                    last = whole.end();
                    matched = true;
                }
            }
            Ok(None) => {}
            Err(_) => {
                ctx.state.set_error("EREGRECUR");
                return input;
            }
        }
    }
    if !matched {
        return input;
    }
    out.extend_from_slice(&subject[last..]);
    string(out)
}

/// Appends `replacement` with its group references filled in: `\0`-`\9` (one digit,
/// so `\100` is group 1 then `00`) and `\{N}` for any group number (Fastly documents
/// `\{1}` to `\{19}`). Groups that did not take part insert nothing; any other
/// backslash is literal.
fn expand_replacement(replacement: &[u8], caps: &pcre2::bytes::Captures<'_>, out: &mut Vec<u8>) {
    let group = |n: usize, out: &mut Vec<u8>| {
        if let Some(m) = caps.get(n) {
            out.extend_from_slice(m.as_bytes());
        }
    };
    let mut i = 0;
    while i < replacement.len() {
        let c = replacement[i];
        if c == b'\\' {
            match replacement.get(i + 1) {
                Some(d) if d.is_ascii_digit() => {
                    group(usize::from(d - b'0'), out);
                    i += 2;
                    continue;
                }
                Some(b'{') => {
                    let digits = replacement[i + 2..].iter().take_while(|c| c.is_ascii_digit()).count();
                    if digits > 0 && digits <= 3 && replacement.get(i + 2 + digits) == Some(&b'}') {
                        let n =
                            replacement[i + 2..i + 2 + digits].iter().fold(0, |n, d| n * 10 + usize::from(d - b'0'));
                        group(n, out);
                        i += 3 + digits;
                        continue;
                    }
                }
                _ => {}
            }
        }
        out.push(c);
        i += 1;
    }
}

// ---- URL encoding ----

fn urlencode(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(string(percent_encode(&args::bytes(args, 0))))
}

fn urldecode(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: `%XX` and `+` decode; the result is a C string, so a decoded NUL ends it.
    // Malformed escapes are kept as they are.
    let s = args::bytes(args, 0);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let byte = match s[i] {
            b'%' => match (s.get(i + 1).and_then(hex_value), s.get(i + 2).and_then(hex_value)) {
                (Some(hi), Some(lo)) => {
                    i += 2;
                    hi << 4 | lo
                }
                _ => b'%',
            },
            b'+' => b' ',
            other => other,
        };
        if byte == 0 {
            break;
        }
        out.push(byte);
        i += 1;
    }
    Ok(string(out))
}

/// RFC 3986 unreserved characters, which percent-encoding leaves alone.
pub(super) fn is_unreserved(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~')
}

/// Percent-encodes every byte outside the unreserved set, with uppercase hex
/// (`urlencode("hello world")` is `hello%20world`).
pub(super) fn percent_encode(s: &[u8]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(s.len());
    for &c in s {
        if is_unreserved(c) {
            out.push(c);
        } else {
            out.extend_from_slice(&[b'%', HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]]);
        }
    }
    out
}

fn hex_value(c: &u8) -> Option<u8> {
    (*c as char).to_digit(16).map(|d| d as u8)
}

// ---- escaping ----

fn cstr_escape(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly's rules, in priority order: `\"`, `\\`, `\b \t \n \v \r`, then `\xHH` for
    // other bytes ≤ 0x1F or ≥ 0x7F; everything else as is.
    let s = args::bytes(args, 0);
    let mut out = Vec::with_capacity(s.len());
    for &c in s.iter() {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0b => out.extend_from_slice(b"\\v"),
            b'\r' => out.extend_from_slice(b"\\r"),
            c if c <= 0x1f || c >= 0x7f => out.extend_from_slice(format!("\\x{c:02X}").as_bytes()),
            c => out.push(c),
        }
    }
    Ok(string(out))
}

fn xml_escape(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: byte by byte, `& < > ' "` become entities, all else passes through.
    let s = args::bytes(args, 0);
    let mut out = Vec::with_capacity(s.len());
    for &c in s.iter() {
        match c {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'\'' => out.extend_from_slice(b"&apos;"),
            b'"' => out.extend_from_slice(b"&quot;"),
            c => out.push(c),
        }
    }
    Ok(string(out))
}

fn json_escape(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly's rules, in priority order: `\"`, `\\`, `\b \t \n \f \r`, `\uHHHH` for other
    // controls, U+007F, U+2028 and U+2029, surrogate pairs beyond the BMP; other valid
    // UTF-8 passes through. Invalid UTF-8 cannot be escaped: EUTF8 and not set.
    let s = args::bytes(args, 0);
    let Ok(text) = std::str::from_utf8(&s) else {
        ctx.state.set_error("EUTF8");
        return Ok(Value::NotSet);
    };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if c <= '\u{1f}' || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c if u32::from(c) > 0xffff => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04X}", unit));
                }
            }
            c => out.push(c),
        }
    }
    Ok(Value::from_string(out))
}

// ---- UTF-8 ----

fn utf8_codepoint_count(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: zero when the string is not valid UTF-8.
    let s = args::bytes(args, 0);
    Ok(Value::Integer(std::str::from_utf8(&s).map_or(0, |t| t.chars().count() as i64)))
}

fn utf8_is_valid(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Bool(std::str::from_utf8(&args::bytes(args, 0)).is_ok()))
}

fn utf8_strpad(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: std.strpad with the width counted in code points; EUTF8 for input that is
    // not UTF-8.
    let (s, width, pad) = (args::bytes(args, 0), args::int(args, 1), args::bytes(args, 2));
    let (Ok(text), Ok(pad)) = (std::str::from_utf8(&s), std::str::from_utf8(&pad)) else {
        ctx.state.set_error("EUTF8");
        return Ok(Value::NotSet);
    };
    let have = text.chars().count() as u64;
    let target = width.unsigned_abs();
    if pad.is_empty() || target <= have {
        return Ok(string(s.clone()));
    }
    if target > MAX_BUILT_STRING as u64 {
        ctx.state.set_error("ERANGE");
        return Ok(Value::NotSet);
    }
    let fill: String = pad.chars().cycle().take((target - have) as usize).collect();
    Ok(Value::from_string(if width < 0 { format!("{text}{fill}") } else { format!("{fill}{text}") }))
}

// ---- URL normalization ----

fn url_normalize(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: other schemes and invalid syntax come back unchanged.
    let url = args::bytes(args, 0);
    Ok(match normalize_url(&url) {
        Some(normalized) => string(normalized),
        None => args.first().cloned().unwrap_or(Value::NotSet),
    })
}

/// RFC 3986 / RFC 9110 normalization as `url.normalize` documents it: lowercase scheme
/// and host, no default port, `/` for an empty path, unreserved escapes decoded and the
/// others uppercased in the path, dot segments removed, the query kept as is and the
/// fragment dropped. Accepts `http(s)://authority/...` or a path starting with `/`.
fn normalize_url(url: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(url.len());
    let rest = if url.starts_with(b"/") {
        url
    } else {
        let colon = url.iter().position(|&c| c == b':')?;
        let scheme = url[..colon].to_ascii_lowercase();
        let default_port: &[u8] = match &scheme[..] {
            b"http" => b"80",
            b"https" => b"443",
            _ => return None,
        };
        let after = url[colon + 1..].strip_prefix(b"//")?;
        let authority_end = after.iter().position(|&c| matches!(c, b'/' | b'?' | b'#')).unwrap_or(after.len());
        let (authority, rest) = after.split_at(authority_end);
        out.extend_from_slice(&scheme);
        out.extend_from_slice(b"://");
        out.extend_from_slice(&normalize_authority(authority, default_port)?);
        if rest.is_empty() || matches!(rest[0], b'?' | b'#') {
            out.push(b'/');
        }
        rest
    };
    let path_end = rest.iter().position(|&c| matches!(c, b'?' | b'#')).unwrap_or(rest.len());
    let (path, tail) = rest.split_at(path_end);
    out.extend_from_slice(&remove_dot_segments(&normalize_escapes(path)?));
    if tail.first() == Some(&b'?') {
        let query_end = tail.iter().position(|&c| c == b'#').unwrap_or(tail.len());
        out.extend_from_slice(&tail[..query_end]);
    }
    Some(out)
}

/// `userinfo@host:port` with the host lowercased and a default port removed.
fn normalize_authority(authority: &[u8], default_port: &[u8]) -> Option<Vec<u8>> {
    let (userinfo, hostport) = match authority.iter().rposition(|&c| c == b'@') {
        Some(at) => authority.split_at(at + 1),
        None => (&b""[..], authority),
    };
    let port_at = if hostport.starts_with(b"[") {
        let close = hostport.iter().position(|&c| c == b']')?;
        match hostport.get(close + 1) {
            None => None,
            Some(b':') => Some(close + 1),
            Some(_) => return None,
        }
    } else {
        hostport.iter().rposition(|&c| c == b':')
    };
    let (host, port) = match port_at {
        Some(at) => (&hostport[..at], &hostport[at + 1..]),
        None => (hostport, &b""[..]),
    };
    if host.is_empty() || !port.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut out = userinfo.to_vec();
    out.extend_from_slice(&host.to_ascii_lowercase());
    if !port.is_empty() && port != default_port {
        out.push(b':');
        out.extend_from_slice(port);
    }
    Some(out)
}

/// Decodes escapes of unreserved characters and uppercases the rest; `None` for a
/// malformed escape.
fn normalize_escapes(path: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(path.len());
    let mut i = 0;
    while i < path.len() {
        if path[i] == b'%' {
            let hi = path.get(i + 1).and_then(hex_value)?;
            let lo = path.get(i + 2).and_then(hex_value)?;
            let byte = hi << 4 | lo;
            if is_unreserved(byte) {
                out.push(byte);
            } else {
                out.push(b'%');
                out.extend_from_slice(&path[i + 1..i + 3].to_ascii_uppercase());
            }
            i += 3;
        } else {
            out.push(path[i]);
            i += 1;
        }
    }
    Some(out)
}

/// RFC 3986 section 5.2.4.
fn remove_dot_segments(path: &[u8]) -> Vec<u8> {
    let mut input = path;
    let mut out: Vec<u8> = Vec::with_capacity(path.len());
    let pop_segment = |out: &mut Vec<u8>| {
        let cut = out.iter().rposition(|&c| c == b'/').unwrap_or(0);
        out.truncate(cut);
    };
    while !input.is_empty() {
        if let Some(rest) = input.strip_prefix(b"../") {
            input = rest;
        } else if let Some(rest) = input.strip_prefix(b"./") {
            input = rest;
        } else if input.starts_with(b"/./") {
            input = &input[2..];
        } else if input == b"/." {
            input = b"/";
        } else if input.starts_with(b"/../") {
            input = &input[3..];
            pop_segment(&mut out);
        } else if input == b"/.." {
            input = b"/";
            pop_segment(&mut out);
        } else if input == b"." || input == b".." {
            input = b"";
        } else {
            let start = usize::from(input[0] == b'/');
            let end = input[start..].iter().position(|&c| c == b'/').map_or(input.len(), |p| p + start);
            out.extend_from_slice(&input[..end]);
            input = &input[end..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::builtins::testkit::{call, s, Env};

    fn int(i: i64) -> Value {
        Value::Integer(i)
    }

    #[test]
    fn every_function_is_listed_once() {
        let mut names: Vec<&str> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FUNCTIONS.len());
        assert_eq!(names.len(), 15);
    }

    #[test]
    fn substr_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/substr/
        assert_eq!(call(substr, &[s("abcdefg"), int(0), int(3)]), s("abc"));
        assert_eq!(call(substr, &[s("abcdefg"), int(5), int(3)]), s("fg"));
        assert_eq!(call(substr, &[s("abc"), int(4), int(2)]), Value::NotSet);
        assert_eq!(call(substr, &[s("abc"), int(3), int(2)]), s(""));
        assert_eq!(call(substr, &[s("abcdefg"), int(-3), int(2)]), s("ef"));
        assert_eq!(call(substr, &[s("abcdefg"), int(1), int(-3)]), s("bcd"));
        // The page also gives substr("abcdefg", -4, -3) as "de", which its own rule
        // (a negative length ends that many bytes before the end) makes "d"; we follow
        // the rule, as falco does.
        assert_eq!(call(substr, &[s("abcdefg"), int(-4), int(-3)]), s("d"));
        assert_eq!(call(substr, &[s("foobar"), int(0), int(3)]), s("foo"));
        assert_eq!(call(substr, &[s("foobar"), int(2), int(3)]), s("oba"));
        assert_eq!(call(substr, &[s("foobar"), int(-3)]), s("bar"));
        assert_eq!(call(substr, &[s("abcdefg"), int(3)]), s("defg"));
        assert_eq!(call(substr, &[s("abcdefg"), int(3), int(0)]), s(""));
        assert_eq!(call(substr, &[s("abc"), int(-5), int(3)]), s("a"), "partly before the start");
        assert_eq!(call(substr, &[s("abc"), int(-5), int(1)]), Value::NotSet, "wholly before the start");
        // "An unset value is also returned in the extreme edge cases ... integer overflows."
        assert_eq!(call(substr, &[s("abcdefg"), int(i64::MAX), int(1)]), Value::NotSet);
        assert_eq!(call(substr, &[s("abcdefg"), int(1), int(i64::MAX)]), Value::NotSet);
        assert_eq!(call(substr, &[s("abcdefg"), int(i64::MAX)]), Value::NotSet);
        assert_eq!(call(substr, &[s("abcdefg"), int(2), int(i64::MIN)]), s(""));
        assert_eq!(call(substr, &[Value::NotSet, int(0)]), s(""));
    }

    #[test]
    fn utf8_substr_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/utf8-substr/
        assert_eq!(call(utf8_substr, &[s("αβγ"), int(1), int(1)]), s("β"));
        assert_eq!(call(utf8_substr, &[s("αβγ"), int(-2)]), s("βγ"));
        assert_eq!(call(utf8_substr, &[s("αβγ"), int(4)]), Value::NotSet);
        let invalid = Value::String(Bytes::from_static(b"\xff\xfe"));
        assert_eq!(call(utf8_substr, &[invalid, int(0)]), Value::NotSet);
    }

    #[test]
    fn subfield_examples() {
        // fastly.com/documentation/reference/vcl/functions/miscellaneous/subfield/
        let cc = s("public, max-age=3600, private");
        assert_eq!(call(subfield, &[cc.clone(), s("private")]), s(""), "a bare key is present and empty");
        assert_eq!(call(subfield, &[cc.clone(), s("MAX-AGE")]), s("3600"));
        assert_eq!(call(subfield, &[cc, s("s-maxage")]), Value::NotSet);
        assert_eq!(call(subfield, &[s("a=1&foo=bar&b=2"), s("foo"), s("&")]), s("bar"));
        let cookie = s("value1=123value123; testValue=asdf_true; staff_user=true;");
        assert_eq!(call(subfield, &[cookie, s("staff_user"), s(";")]), s("true"));
        assert_eq!(call(subfield, &[Value::NotSet, s("a")]), Value::NotSet);
    }

    #[test]
    fn http_status_matches_examples() {
        // fastly.com/documentation/reference/vcl/functions/miscellaneous/http-status-matches/
        assert_eq!(call(http_status_matches, &[int(404), s("!200,301,302")]), Value::Bool(true));
        assert_eq!(call(http_status_matches, &[int(301), s("!200,301,302")]), Value::Bool(false));
        assert_eq!(call(http_status_matches, &[int(302), s("200, 301, 302")]), Value::Bool(true));
        assert_eq!(call(http_status_matches, &[int(500), s("200,301")]), Value::Bool(false));
        assert_eq!(call(http_status_matches, &[int(200), s("")]), Value::Bool(false));
    }

    #[test]
    fn regsub_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/regsub/
        let mut env = Env::new();
        let query = env.regex(r"\?.*$");
        assert_eq!(env.call(regsub, &[s("/a/b?c=d"), query.clone(), s("")]), s("/a/b"));
        let status = env.regex("^([1-5])..");
        assert_eq!(env.call(regsub, &[s("404"), status, s("\\100")]), s("400"), "\\1 then a literal 00");
        let pair = env.regex("(a+)(b+)");
        assert_eq!(env.call(regsub, &[s("xaabbby"), pair.clone(), s("[\\2\\1\\0]")]), s("x[bbbaaaabbb]y"));
        assert_eq!(env.call(regsub, &[s("xaby"), pair.clone(), s("\\{2}\\{1}")]), s("xbay"));
        assert_eq!(env.call(regsub, &[s("xaby"), pair.clone(), s("\\{7}-\\9")]), s("x-y"), "absent groups are empty");
        assert_eq!(
            env.call(regsub, &[s("xaby"), pair.clone(), s("\\x\\")]),
            s("x\\x\\y"),
            "other backslashes are literal"
        );
        assert_eq!(env.call(regsub, &[s("zzz"), pair.clone(), s("!")]), s("zzz"));
        assert_eq!(env.call(regsub, &[Value::NotSet, pair, s("!")]), Value::NotSet);
        assert!(env.state.re_groups.is_empty(), "regsub leaves re.group.* alone");
        assert_eq!(env.state.fastly_error, Value::NotSet);
    }

    #[test]
    fn regsuball_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/regsuball/
        let mut env = Env::new();
        let plus = env.regex(r"\+");
        assert_eq!(env.call(regsuball, &[s("a+b+c"), plus, s("%2520")]), s("a%2520b%2520c"));
        let a = env.regex("a");
        assert_eq!(env.call(regsuball, &[s("aaa"), a, s("aa")]), s("aaaaaa"));
        let empty = env.regex("x*");
        assert_eq!(env.call(regsuball, &[s("ab"), empty, s("-")]), s("-a-b-"));
        let word = env.regex(r"(\w+)@(\w+)");
        assert_eq!(env.call(regsuball, &[s("a@b c@d"), word, s("\\2@\\1")]), s("b@a d@c"));
    }

    #[test]
    fn regex_match_failure_sets_eregrecur() {
        // fastly.com/documentation/reference/vcl/functions/strings/regsub/ (Errors):
        // catastrophic backtracking exceeds PCRE2's match limit.
        let mut env = Env::new();
        let evil = env.regex("(a+)+$");
        let input = s(&format!("{}b", "a".repeat(40)));
        assert_eq!(env.call(regsub, &[input.clone(), evil.clone(), s("x")]), input);
        assert_eq!(env.state.fastly_error, s("EREGRECUR"));
        let mut env = Env::new();
        let evil = env.regex("(a+)+$");
        assert_eq!(env.call(regsuball, &[input.clone(), evil, s("x")]), input);
        assert_eq!(env.state.fastly_error, s("EREGRECUR"));
    }

    #[test]
    fn urlencode_and_urldecode() {
        // fastly.com/documentation/reference/vcl/functions/strings/urlencode/
        assert_eq!(call(urlencode, &[s("hello world")]), s("hello%20world"));
        assert_eq!(call(urlencode, &[s("a/b?c=d&e~f.g_h-i")]), s("a%2Fb%3Fc%3Dd%26e~f.g_h-i"));
        assert_eq!(call(urlencode, &[s("é")]), s("%C3%A9"));
        // fastly.com/documentation/reference/vcl/functions/strings/urldecode/
        assert_eq!(call(urldecode, &[s("hello%20world+!")]), s("hello world !"));
        assert_eq!(call(urldecode, &[s("%41%zz%4")]), s("A%zz%4"), "malformed escapes are kept");
        assert_eq!(call(urldecode, &[s("ab%00cd")]), s("ab"), "a decoded NUL truncates");
        assert_eq!(call(urldecode, &[s("%C3%A9")]), s("é"));
    }

    #[test]
    fn cstr_escape_rules() {
        // fastly.com/documentation/reference/vcl/functions/strings/cstr-escape/
        assert_eq!(call(cstr_escape, &[s("london")]), s("london"));
        assert_eq!(call(cstr_escape, &[s("a\"b\\c")]), s("a\\\"b\\\\c"));
        assert_eq!(call(cstr_escape, &[s("\u{8}\t\n\u{b}\r\u{c}\u{1}")]), s("\\b\\t\\n\\v\\r\\x0C\\x01"));
        assert_eq!(call(cstr_escape, &[s("\u{7f}é")]), s("\\x7F\\xC3\\xA9"));
    }

    #[test]
    fn xml_escape_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/xml-escape/
        assert_eq!(call(xml_escape, &[s("abc123")]), s("abc123"));
        assert_eq!(call(xml_escape, &[s("romeo&juliet")]), s("romeo&amp;juliet"));
        assert_eq!(call(xml_escape, &[s("0 < 1")]), s("0 &lt; 1"));
        assert_eq!(call(xml_escape, &[s("isn't")]), s("isn&apos;t"));
        assert_eq!(call(xml_escape, &[s("\"a\">")]), s("&quot;a&quot;&gt;"));
    }

    #[test]
    fn json_escape_rules() {
        // fastly.com/documentation/reference/vcl/functions/strings/json-escape/
        assert_eq!(call(json_escape, &[s("a\"b\\c")]), s("a\\\"b\\\\c"));
        assert_eq!(call(json_escape, &[s("\u{8}\t\n\u{c}\r")]), s("\\b\\t\\n\\f\\r"));
        assert_eq!(
            call(json_escape, &[s("\u{1}\u{b}\u{7f}\u{2028}\u{2029}")]),
            s("\\u0001\\u000B\\u007F\\u2028\\u2029")
        );
        // The page's example writes U+1F601 as \uD83D\uDE00; its surrogate pair is
        // D83D DE01.
        assert_eq!(call(json_escape, &[s("😁")]), s("\\uD83D\\uDE01"));
        assert_eq!(call(json_escape, &[s("aé")]), s("aé"));
        let mut env = Env::new();
        assert_eq!(env.call(json_escape, &[Value::String(Bytes::from_static(b"\xff"))]), Value::NotSet);
        assert_eq!(env.state.fastly_error, s("EUTF8"));
    }

    #[test]
    fn utf8_counting_and_validity() {
        // fastly.com/documentation/reference/vcl/functions/strings/utf8-codepoint-count/
        assert_eq!(call(utf8_codepoint_count, &[s("αβγ")]), int(3));
        assert_eq!(call(utf8_codepoint_count, &[Value::String(Bytes::from_static(b"a\xff"))]), int(0));
        // fastly.com/documentation/reference/vcl/functions/strings/utf8-is-valid/
        assert_eq!(call(utf8_is_valid, &[s("😁")]), Value::Bool(true));
        assert_eq!(call(utf8_is_valid, &[Value::String(Bytes::from_static(b"\xc3"))]), Value::Bool(false));
        assert_eq!(call(utf8_is_valid, &[Value::NotSet]), Value::Bool(true));
    }

    #[test]
    fn utf8_strpad_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/utf8-strpad/
        assert_eq!(call(utf8_strpad, &[s("abc"), int(7), s("🌸🌼")]), s("🌸🌼🌸🌼abc"));
        assert_eq!(call(utf8_strpad, &[s("abc"), int(-5), s("é")]), s("abcéé"));
        assert_eq!(call(utf8_strpad, &[s("abc"), int(2), s("é")]), s("abc"));
        let mut env = Env::new();
        assert_eq!(
            env.call(utf8_strpad, &[s("abc"), int(7), Value::String(Bytes::from_static(b"\xff"))]),
            Value::NotSet
        );
        assert_eq!(env.state.fastly_error, s("EUTF8"));
        let mut env = Env::new();
        assert_eq!(env.call(utf8_strpad, &[s("abc"), int(i64::MAX), s("x")]), Value::NotSet);
        assert_eq!(env.state.fastly_error, s("ERANGE"));
    }

    #[test]
    fn url_normalize_examples() {
        // fastly.com/documentation/reference/vcl/functions/strings/url-normalize/
        assert_eq!(call(url_normalize, &[s("/foo/../foo%3dbar")]), s("/foo%3Dbar"));
        assert_eq!(call(url_normalize, &[s("HTTP://WWW.Example.COM:80")]), s("http://www.example.com/"));
        assert_eq!(
            call(url_normalize, &[s("https://example.com:443/a/./b/../c?x=%2a#frag")]),
            s("https://example.com/a/c?x=%2a")
        );
        assert_eq!(
            call(url_normalize, &[s("https://example.com:8443/%7Euser/%2e%2e/x")]),
            s("https://example.com:8443/x")
        );
        assert_eq!(call(url_normalize, &[s("http://[2001:DB8::1]:80/")]), s("http://[2001:db8::1]/"));
        assert_eq!(call(url_normalize, &[s("http://u@Host/a%2fb")]), s("http://u@host/a%2Fb"));
        assert_eq!(call(url_normalize, &[s("/a/b/../../../c")]), s("/c"));
        for unchanged in ["ftp://Example.com/../a", "not a url", "/bad%zzescape", "http://:80/", "http://h:x/"] {
            assert_eq!(call(url_normalize, &[s(unchanged)]), s(unchanged), "{unchanged}");
        }
        assert_eq!(call(url_normalize, &[Value::NotSet]), Value::NotSet);
    }
}
