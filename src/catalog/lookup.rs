//! Name resolution over the catalog tables: exact variable names, templated variable
//! names (`req.http.Cookie:session`, `backend.F_origin.healthy`, `re.group.3`, ...) and
//! builtin functions.
//!
//! The checker and linter call these once per reference, tens of thousands of times on
//! a big file, so every lookup is a hash probe: the indexes are built once, on first
//! use, from [`VARIABLES`] and [`FUNCTIONS`], and templated families are found by the
//! name's first one or two dotted segments rather than by scanning the table.

use std::collections::HashMap as StdHashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The catalog's maps are built once from fixed names and read for every variable and
/// function reference, so they use FNV-1a (fast on short keys) instead of SipHash: no
/// attacker controls what is inserted.
type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<Fnv>>;

#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}
use std::sync::OnceLock;

use super::{FnDef, VarDef, FUNCTIONS, VARIABLES};

/// A resolved variable reference.
#[derive(Debug, Clone, Copy)]
pub struct VarMatch<'a> {
    pub def: &'static VarDef,
    /// The templated part: header name, backend/director/ratecounter name, or group
    /// number text. A trailing `*` (as in `unset req.http.X-*`) stays in it.
    pub param: Option<&'a str>,
    /// The `:key` subfield of a header reference (`req.http.Cookie:session` → `session`).
    pub subfield: Option<&'a str>,
}

/// Resolves a variable name as written in VCL. Exact names win over templates, so
/// `backend.conn.is_tls` is itself and not `backend.{NAME}...` with `NAME = conn`.
pub fn variable(name: &str) -> Option<VarMatch<'_>> {
    let index = index();
    if let Some(&def) = index.exact_vars.get(name) {
        return Some(VarMatch { def, param: None, subfield: None });
    }
    // Try the longer prefix first: `req.http.` is a family, `req.` is not.
    let mut dots = name.match_indices('.').map(|(i, _)| i + 1);
    let first = dots.next()?;
    let candidates = [dots.next(), Some(first)];
    candidates
        .into_iter()
        .flatten()
        .find_map(|end| Some((index.families.get(&name[..end])?, &name[end..])))
        .and_then(|(family, rest)| family.resolve(rest))
}

/// Resolves a builtin function by its full name (`std.tolower`, `regsub`).
pub fn function(name: &str) -> Option<&'static FnDef> {
    index().functions.get(name).copied()
}

/// Fastly: "re.group.{N} runs from 0 to 19".
const MAX_REGEX_GROUP: u8 = 19;

struct Index {
    exact_vars: HashMap<&'static str, &'static VarDef>,
    /// Templated variables keyed by the text before the placeholder (`req.http.`).
    families: HashMap<&'static str, Family>,
    functions: HashMap<&'static str, &'static FnDef>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(Index::build)
}

impl Index {
    fn build() -> Index {
        let mut exact_vars = HashMap::with_capacity_and_hasher(VARIABLES.len(), Default::default());
        let mut families: HashMap<&'static str, Family> = HashMap::default();
        for def in VARIABLES {
            match Template::parse(def.name) {
                Some(t) => {
                    let family = families.entry(t.prefix).or_insert_with(|| Family {
                        shape: Shape::of(t.placeholder, t.suffix),
                        by_suffix: HashMap::default(),
                    });
                    family.by_suffix.insert(t.suffix, def);
                }
                None => {
                    exact_vars.insert(def.name, def);
                }
            }
        }
        let functions = FUNCTIONS.iter().map(|f| (f.name, f)).collect();
        Index { exact_vars, families, functions }
    }
}

/// A templated name split around its placeholder: `backend.` `{NAME}` `.healthy`.
struct Template {
    prefix: &'static str,
    placeholder: &'static str,
    suffix: &'static str,
}

impl Template {
    fn parse(name: &'static str) -> Option<Template> {
        let open = name.find('{')?;
        let close = open + name[open..].find('}')?;
        Some(Template { prefix: &name[..open], placeholder: &name[open + 1..close], suffix: &name[close + 1..] })
    }
}

/// What the placeholder of a family may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `req.http.{NAME}`: any header name up to an optional `:subfield`.
    Header,
    /// `re.group.{N}`: a capture group number.
    Group,
    /// `backend.{NAME}.healthy`: one dot-free segment, then a fixed suffix.
    Segment,
}

impl Shape {
    fn of(placeholder: &str, suffix: &str) -> Shape {
        match (placeholder, suffix) {
            ("N", _) => Shape::Group,
            (_, "") => Shape::Header,
            _ => Shape::Segment,
        }
    }
}

/// The templated variables sharing one prefix, keyed by the text after the placeholder
/// (empty for headers and groups, `.healthy` for `backend.{NAME}.healthy`).
struct Family {
    shape: Shape,
    by_suffix: HashMap<&'static str, &'static VarDef>,
}

impl Family {
    fn resolve<'a>(&self, rest: &'a str) -> Option<VarMatch<'a>> {
        let (param, suffix, subfield) = match self.shape {
            Shape::Header => match rest.split_once(':') {
                Some((header, key)) if !key.is_empty() && !key.contains(':') => (header, "", Some(key)),
                Some(_) => return None,
                None => (rest, "", None),
            },
            Shape::Group => {
                if !is_group_number(rest) {
                    return None;
                }
                (rest, "", None)
            }
            Shape::Segment => {
                if rest.contains(':') {
                    return None;
                }
                let dot = rest.find('.')?;
                (&rest[..dot], &rest[dot..], None)
            }
        };
        if param.is_empty() {
            return None;
        }
        let def = self.by_suffix.get(suffix)?;
        Some(VarMatch { def, param: Some(param), subfield })
    }
}

/// `0` to `19`, written without leading zeros.
fn is_group_number(text: &str) -> bool {
    let canonical =
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) && (text == "0" || !text.starts_with('0'));
    canonical && text.parse::<u8>().is_ok_and(|n| n <= MAX_REGEX_GROUP)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Scopes, SubKind, Tier, Type};

    fn var(name: &str) -> VarMatch<'_> {
        variable(name).unwrap_or_else(|| panic!("{name} should resolve"))
    }

    #[test]
    fn exact_names() {
        let m = var("req.url");
        assert_eq!(m.def.name, "req.url");
        assert_eq!(m.def.ty, Type::String);
        assert!(m.def.write.contains(SubKind::Recv));
        assert_eq!((m.param, m.subfield), (None, None));
        assert_eq!(var("math.PI").def.read, Scopes::ALL);
        assert_eq!(var("now").def.ty, Type::Time);
    }

    #[test]
    fn client_ip_is_ip() {
        assert_eq!(var("client.ip").def.ty, Type::Ip);
    }

    #[test]
    fn headers_with_and_without_subfield() {
        let m = var("req.http.Cookie:session");
        assert_eq!(m.def.name, "req.http.{NAME}");
        assert_eq!(m.param, Some("Cookie"));
        assert_eq!(m.subfield, Some("session"));

        let m = var("beresp.http.Cache-Control");
        assert_eq!(m.def.name, "beresp.http.{NAME}");
        assert_eq!((m.param, m.subfield), (Some("Cache-Control"), None));

        for object in ["req", "bereq", "beresp", "obj", "resp"] {
            let name = format!("{object}.http.X-Test");
            assert_eq!(var(&name).def.name, format!("{object}.http.{{NAME}}"));
        }
        assert_eq!(var("req.http.X-Forwarded.For").param, Some("X-Forwarded.For"));
    }

    #[test]
    fn header_wildcard_stays_in_param() {
        assert_eq!(var("req.http.X-*").param, Some("X-*"));
    }

    #[test]
    fn malformed_headers_are_rejected() {
        for name in ["req.http.", "req.http.:x", "req.http.Cookie:", "req.http.A:b:c"] {
            assert!(variable(name).is_none(), "{name}");
        }
    }

    #[test]
    fn named_templates() {
        let m = var("backend.F_origin.healthy");
        assert_eq!(m.def.name, "backend.{NAME}.healthy");
        assert_eq!(m.def.ty, Type::Bool);
        assert_eq!(m.param, Some("F_origin"));
        assert_eq!(var("backend.F_origin.connections_open").def.name, "backend.{NAME}.connections_open");
        assert_eq!(var("director.dir1.healthy").def.name, "director.{NAME}.healthy");
        let m = var("ratecounter.rc.bucket.60s");
        assert_eq!(m.def.name, "ratecounter.{NAME}.bucket.60s");
        assert_eq!(m.param, Some("rc"));
        assert_eq!(var("ratecounter.rc.rate.1s").def.ty, Type::Float);
    }

    #[test]
    fn exact_names_win_over_templates() {
        let m = var("backend.conn.is_tls");
        assert_eq!(m.def.name, "backend.conn.is_tls");
        assert_eq!(m.param, None);
        assert_eq!(var("backend.socket.tcpi_rtt").def.name, "backend.socket.tcpi_rtt");
    }

    #[test]
    fn regex_groups() {
        for n in ["0", "9", "19"] {
            let name = format!("re.group.{n}");
            let m = var(&name);
            assert_eq!(m.def.name, "re.group.{N}");
            assert_eq!(m.param, Some(n));
        }
        for name in ["re.group.20", "re.group.", "re.group.x", "re.group.01", "re.group.1:a"] {
            assert!(variable(name).is_none(), "{name}");
        }
    }

    #[test]
    fn unknown_names() {
        for name in [
            "",
            "req",
            "req.nope",
            "nope.http.X",
            "backend.F_origin",
            "backend.F_origin.nope",
            "backend..healthy",
            "ratecounter.rc.bucket.5s",
            "client.ip:x",
            "backend.F:x.healthy",
        ] {
            assert!(variable(name).is_none(), "{name}");
        }
    }

    #[test]
    fn later_tiers_resolve() {
        let m = var("fastly.bot.name");
        assert_eq!(m.def.tier, Tier::Newer);
        let m = var("geoip.city");
        assert_eq!(m.def.tier, Tier::Legacy);
        assert!(m.def.deprecated);
    }

    #[test]
    fn functions() {
        let f = function("std.tolower").expect("std.tolower");
        assert_eq!(f.ret, Type::String);
        assert_eq!((f.min_args(), f.max_args()), (1, Some(1)));
        let f = function("header.filter").expect("header.filter");
        assert_eq!(f.max_args(), None);
        let f = function("time.add").expect("time.add");
        assert_eq!(f.args[1].ty, Type::Rtime);
        assert!(function("if").is_some());
        assert!(function("std.nope").is_none());
        assert!(function("").is_none());
    }
}
