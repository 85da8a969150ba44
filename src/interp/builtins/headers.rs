//! The `header.*` builtins (headers by a dynamic name) and the `setcookie.*` builtins
//! (one cookie out of a response's `Set-Cookie` headers).
//!
//! Each takes the message as its first argument (`Value::Id(Id::Object(obj))`) and works
//! on `ctx.state.message_mut(obj).headers`. Protected headers are never changed and
//! invalid header names are ignored, as Fastly documents for these functions.

use bytes::Bytes;

use super::{args, Builtin, Ctx, Fault};
use crate::interp::state::Headers;
use crate::interp::value::{Id, Obj, Value};

/// The functions of this module, by catalog name.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("header.filter", filter),
    ("header.filter_except", filter_except),
    ("header.get", get),
    ("header.set", set),
    ("header.unset", unset),
    ("setcookie.delete_by_name", delete_by_name),
    ("setcookie.get_value_by_name", get_value_by_name),
];

use crate::catalog::is_protected_header as is_protected;

/// Fastly's header-name characters: ``! # $ % & ' * + - . 0-9 A-Z ^ _ ` a-z | ~``.
fn is_valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&c| c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c))
}

/// The message named by the first argument.
fn object(args: &[Value]) -> Option<Obj> {
    match args.first() {
        Some(Value::Id(Id::Object(obj))) => Some(*obj),
        _ => None,
    }
}

fn headers<'s>(ctx: &'s mut Ctx<'_>, args: &[Value]) -> Option<&'s mut Headers> {
    object(args).map(|obj| &mut ctx.state.message_mut(obj).headers)
}

fn get(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: not set for an absent header, and for empty, not-set or invalid names.
    let name = args::bytes(args, 1);
    if !is_valid_name(&name) {
        return Ok(Value::NotSet);
    }
    Ok(match object(args) {
        Some(obj) => ctx.state.message(obj).headers.get(&name).cloned().map_or(Value::NotSet, Value::String),
        None => Value::NotSet,
    })
}

fn set(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: like `set req.http.NAME = value`, so a not-set value is written as the
    // `set` statement writes it (""); no effect on protected or invalid names.
    let name = args::bytes(args, 1);
    let value = args::bytes(args, 2);
    if is_valid_name(&name) && !is_protected(&name) {
        if let Some(headers) = headers(ctx, args) {
            headers.set(&name, value);
        }
    }
    Ok(Value::Void)
}

fn unset(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    let name = args::bytes(args, 1);
    if is_valid_name(&name) && !is_protected(&name) {
        if let Some(headers) = headers(ctx, args) {
            headers.remove(&name);
        }
    }
    Ok(Value::Void)
}

fn filter(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: removes every listed header except protected ones; names are the
    // variadic arguments, matched case-insensitively.
    let names: Vec<Bytes> = (1..args.len()).map(|i| args::bytes(args, i)).collect();
    if let Some(headers) = headers(ctx, args) {
        headers.retain(|n, _| is_protected(n) || !names.iter().any(|x| x.eq_ignore_ascii_case(n)));
    }
    Ok(Value::Void)
}

fn filter_except(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: removes every header except protected ones and the listed ones.
    let names: Vec<Bytes> = (1..args.len()).map(|i| args::bytes(args, i)).collect();
    if let Some(headers) = headers(ctx, args) {
        headers.retain(|n, _| is_protected(n) || names.iter().any(|x| x.eq_ignore_ascii_case(n)));
    }
    Ok(Value::Void)
}

/// The cookie name and value of a `Set-Cookie` field value (RFC 6265 section 5.2):
/// the `name=value` pair before the first `;`, both trimmed; `None` without `=`.
fn cookie_pair(field: &[u8]) -> Option<(&[u8], &[u8])> {
    let pair = field.split(|&c| c == b';').next().unwrap_or(b"");
    let eq = pair.iter().position(|&c| c == b'=')?;
    Some((pair[..eq].trim_ascii(), pair[eq + 1..].trim_ascii()))
}

fn get_value_by_name(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: the value of the last cookie with that name; not set when there is none.
    let wanted = args::bytes(args, 1);
    let Some(obj) = object(args) else { return Ok(Value::NotSet) };
    let value = ctx
        .state
        .message(obj)
        .headers
        .get_all(b"set-cookie")
        .filter_map(|field| cookie_pair(field))
        .filter(|(name, _)| !wanted.is_empty() && *name == &wanted[..])
        .last()
        .map(|(_, value)| Value::String(Bytes::copy_from_slice(value)));
    Ok(value.unwrap_or(Value::NotSet))
}

fn delete_by_name(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly: removes every Set-Cookie header for that cookie; true if any was removed.
    let wanted = args::bytes(args, 1);
    let Some(headers) = headers(ctx, args) else { return Ok(Value::Bool(false)) };
    let before = headers.len();
    headers.retain(|name, field| {
        !(name.eq_ignore_ascii_case(b"set-cookie") && cookie_pair(field).is_some_and(|(n, _)| n == &wanted[..]))
    });
    Ok(Value::Bool(headers.len() < before))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::builtins::testkit::{s, Env};

    fn obj(o: Obj) -> Value {
        Value::Id(Id::Object(o))
    }

    fn names(h: &Headers) -> Vec<String> {
        h.iter().map(|(n, _)| String::from_utf8_lossy(n).into_owned()).collect()
    }

    #[test]
    fn every_function_is_listed_once() {
        let mut names: Vec<&str> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 7);
    }

    #[test]
    fn get_examples() {
        // fastly.com/documentation/reference/vcl/functions/headers/header-get/
        let mut env = Env::new();
        env.state.req.headers.add(b"User-Agent", Bytes::from_static(b"curl"));
        assert_eq!(env.call(get, &[obj(Obj::Req), s("user-agent")]), s("curl"));
        assert_eq!(env.call(get, &[obj(Obj::Req), s("x-absent")]), Value::NotSet);
        assert_eq!(env.call(get, &[obj(Obj::Req), s("")]), Value::NotSet);
        assert_eq!(env.call(get, &[obj(Obj::Req), Value::NotSet]), Value::NotSet);
        assert_eq!(env.call(get, &[obj(Obj::Req), s("bad name")]), Value::NotSet);
        assert_eq!(env.call(get, &[obj(Obj::Resp), s("user-agent")]), Value::NotSet);
    }

    #[test]
    fn set_examples() {
        // fastly.com/documentation/reference/vcl/functions/headers/header-set/
        let mut env = Env::new();
        env.call(set, &[obj(Obj::Req), s("abc"), s("xyz")]);
        assert_eq!(env.state.req.headers.get(b"ABC"), Some(&Bytes::from_static(b"xyz")));
        env.call(set, &[obj(Obj::Resp), s("hello!"), s("abc")]);
        assert_eq!(env.state.resp.headers.get(b"hello!"), Some(&Bytes::from_static(b"abc")));
        env.call(set, &[obj(Obj::Resp), s("Content-Length"), s("5")]);
        env.call(set, &[obj(Obj::Resp), s("bad name"), s("x")]);
        env.call(set, &[obj(Obj::Resp), s(""), s("x")]);
        assert_eq!(names(&env.state.resp.headers), ["hello!"], "protected and invalid names are ignored");
        env.call(set, &[obj(Obj::Resp), s("hello!"), Value::NotSet]);
        assert_eq!(env.state.resp.headers.get(b"hello!"), Some(&Bytes::new()));
    }

    #[test]
    fn unset_examples() {
        // fastly.com/documentation/reference/vcl/functions/headers/header-unset/
        let mut env = Env::new();
        env.state.req.headers.add(b"X-A", Bytes::from_static(b"1"));
        env.state.req.headers.add(b"x-a", Bytes::from_static(b"2"));
        env.state.req.headers.add(b"Content-Length", Bytes::from_static(b"3"));
        env.call(unset, &[obj(Obj::Req), s("X-a")]);
        env.call(unset, &[obj(Obj::Req), s("content-length")]);
        assert_eq!(names(&env.state.req.headers), ["Content-Length"]);
    }

    #[test]
    fn filter_examples() {
        // fastly.com/documentation/reference/vcl/functions/headers/header-filter/
        let mut env = Env::new();
        for name in ["Server", "X-Powered-By", "Content-MD5", "Content-Length", "Date"] {
            env.state.resp.headers.add(name.as_bytes(), Bytes::from_static(b"v"));
        }
        env.call(filter, &[obj(Obj::Resp), s("server"), s("X-Powered-By"), s("Content-MD5"), s("Content-Length")]);
        assert_eq!(names(&env.state.resp.headers), ["Content-Length", "Date"]);
        env.call(filter, &[obj(Obj::Resp)]);
        assert_eq!(env.state.resp.headers.len(), 2, "an empty list removes nothing");
    }

    #[test]
    fn filter_except_examples() {
        // fastly.com/documentation/reference/vcl/functions/headers/header-filter-except/
        let mut env = Env::new();
        for name in ["Accept", "User-Agent", "Cookie", "Host", "Proxy-Authorization", "X-Junk"] {
            env.state.req.headers.add(name.as_bytes(), Bytes::from_static(b"v"));
        }
        env.call(filter_except, &[obj(Obj::Req), s("accept"), s("User-Agent"), s("Host")]);
        assert_eq!(names(&env.state.req.headers), ["Accept", "User-Agent", "Host", "Proxy-Authorization"]);
        env.call(filter_except, &[obj(Obj::Req)]);
        assert_eq!(names(&env.state.req.headers), ["Proxy-Authorization"], "protected headers stay");
    }

    #[test]
    fn setcookie_get_value_by_name_examples() {
        // fastly.com/documentation/reference/vcl/functions/miscellaneous/setcookie-get-value-by-name/
        // and docs.fastly.com/en/guides/response-cookie-handling
        let mut env = Env::new();
        env.state.resp.headers.add(b"Set-Cookie", Bytes::from_static(b"one=a; httponly; secure"));
        env.state.resp.headers.add(b"Set-Cookie", Bytes::from_static(b"two=b or not to b; httponly"));
        env.state.resp.headers.add(b"set-cookie", Bytes::from_static(b"one=last"));
        assert_eq!(env.call(get_value_by_name, &[obj(Obj::Resp), s("two")]), s("b or not to b"));
        assert_eq!(env.call(get_value_by_name, &[obj(Obj::Resp), s("one")]), s("last"), "the last one wins");
        assert_eq!(env.call(get_value_by_name, &[obj(Obj::Resp), s("three")]), Value::NotSet);
        assert_eq!(env.call(get_value_by_name, &[obj(Obj::Beresp), s("one")]), Value::NotSet);
        assert_eq!(env.call(get_value_by_name, &[obj(Obj::Resp), s("")]), Value::NotSet);
    }

    #[test]
    fn setcookie_delete_by_name_examples() {
        // fastly.com/documentation/reference/vcl/functions/miscellaneous/setcookie-delete-by-name/
        let mut env = Env::new();
        env.state.resp.headers.add(b"Set-Cookie", Bytes::from_static(b"bar=baz"));
        assert_eq!(env.call(delete_by_name, &[obj(Obj::Resp), s("bar")]), Value::Bool(true));
        assert!(env.state.resp.headers.is_empty());
        assert_eq!(env.call(delete_by_name, &[obj(Obj::Resp), s("bar")]), Value::Bool(false));
        env.state.beresp.headers.add(b"Set-Cookie", Bytes::from_static(b"foo=1; path=/"));
        env.state.beresp.headers.add(b"Set-Cookie", Bytes::from_static(b"keep=2"));
        env.state.beresp.headers.add(b"set-cookie", Bytes::from_static(b"foo=3"));
        env.state.beresp.headers.add(b"X-Foo", Bytes::from_static(b"foo=4"));
        assert_eq!(env.call(delete_by_name, &[obj(Obj::Beresp), s("foo")]), Value::Bool(true));
        assert_eq!(names(&env.state.beresp.headers), ["Set-Cookie", "X-Foo"]);
    }
}
