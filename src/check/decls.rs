//! The symbol table and the validation of declaration bodies.

use std::collections::HashMap;
use std::net::IpAddr;

use super::regex::RegexCache;
use super::{SubInfo, Symbols, TableInfo};
use crate::catalog::{SubKind, Type};
use crate::diag::Diagnostic;
use crate::syntax::ast::*;
use crate::syntax::{SourceMap, Span};

pub fn collect(map: &SourceMap, unit: &SourceUnit, generated: bool, diags: &mut Vec<Diagnostic>) -> Symbols {
    let mut s = Symbols::default();
    let mut regexes = RegexCache::default();
    // Names first, so bodies may refer to declarations that come later.
    for decl in &unit.decls {
        match decl {
            Decl::Backend(b) => declare(&mut s.backends, &b.name, "backend/duplicated", "backend", diags),
            Decl::Director(d) => {
                if let Some(prev) = s.backends.get(&d.name.name) {
                    diags.push(duplicate("director/duplicated", "a backend", &d.name, *prev));
                } else {
                    declare(&mut s.directors, &d.name, "director/duplicated", "director", diags);
                }
            }
            Decl::Acl(a) => declare(&mut s.acls, &a.name, "acl/duplicated", "ACL", diags),
            Decl::Table(t) => {
                let ty = table_type(t, diags);
                if let Some(prev) = s.tables.get(&t.name.name) {
                    diags.push(duplicate("table/duplicated", "table", &t.name, prev.span));
                } else {
                    s.tables.insert(t.name.name.clone(), TableInfo { ty, span: t.name.span });
                }
            }
            Decl::Object(o) => {
                let (map_, code, what) = match o.keyword.name.as_str() {
                    "penaltybox" => (&mut s.penaltyboxes, "penaltybox/duplicated", "penaltybox"),
                    "ratecounter" => (&mut s.ratecounters, "ratecounter/duplicated", "ratecounter"),
                    "counter" => (&mut s.counters, "penaltybox/duplicated", "counter"),
                    _ => (&mut s.limiters, "penaltybox/duplicated", "limiter"),
                };
                declare(map_, &o.name, code, what, diags);
            }
            Decl::Sub(sub) => {
                let info = sub_signature(sub, generated, diags);
                if let Some(prev) = s.subs.get(&sub.name.name) {
                    diags.push(duplicate("subroutine/duplicated", "subroutine", &sub.name, prev.span));
                } else {
                    s.subs.insert(sub.name.name.clone(), info);
                }
            }
            _ => {}
        }
    }
    for decl in &unit.decls {
        match decl {
            Decl::Backend(b) => check_backend(b, diags),
            Decl::Director(d) => check_director(d, &s, diags),
            Decl::Acl(a) => check_acl(a, diags),
            Decl::Table(t) => {
                let ty = s.tables.get(&t.name.name).map_or(Type::String, |i| i.ty);
                check_table(map, t, ty, &s, &mut regexes, diags);
            }
            Decl::Object(o) => check_object(o, diags),
            Decl::Describe(d) => diags.push(
                Diagnostic::error(
                    "test/outside-test-file",
                    "`describe` groups tests and belongs in a `*.test.vcl` file",
                )
                .with_primary(d.name.span, "test syntax in a VCL program")
                .with_help("run it with `lacquer test`"),
            ),
            _ => {}
        }
    }
    s
}

fn declare(
    names: &mut HashMap<String, Span>,
    name: &Ident,
    code: &'static str,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) {
    if let Some(prev) = names.get(&name.name) {
        diags.push(duplicate(code, what, name, *prev));
    } else {
        names.insert(name.name.clone(), name.span);
    }
}

fn duplicate(code: &'static str, what: &str, name: &Ident, prev: Span) -> Diagnostic {
    Diagnostic::error(code, format!("`{}` is declared twice", name.name))
        .with_primary(name.span, "declared again here")
        .with_secondary(prev, format!("{what} first declared here"))
}

fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn sub_signature(sub: &SubDecl, generated: bool, diags: &mut Vec<Diagnostic>) -> SubInfo {
    let name = &sub.name.name;
    if let Some(kind) = SubKind::from_sub_name(name) {
        if kind == SubKind::Pipe && !generated {
            diags.push(
                Diagnostic::warning("subroutine/forbid-vcl-pipe", "`vcl_pipe` is not a customer subroutine on Fastly")
                    .with_primary(sub.name.span, "Fastly generates this subroutine itself")
                    .with_help("Fastly does not run customer code in vcl_pipe; remove it"),
            );
        }
        if let Some(ret) = &sub.return_type {
            diags.push(
                Diagnostic::error("subroutine/invalid-return-type", format!("`{name}` cannot have a return type"))
                    .with_primary(ret.span, "built-in subroutines return actions, not values"),
            );
        }
        if let Some(p) = sub.params.first() {
            diags.push(
                Diagnostic::error("subroutine/syntax", format!("`{name}` cannot take parameters"))
                    .with_primary(p.span, "built-in subroutines have no parameters"),
            );
        }
    } else if name.starts_with("vcl_") {
        diags.push(
            Diagnostic::error("subroutine/syntax", format!("unknown built-in subroutine `{name}`"))
                .with_primary(sub.name.span, "the `vcl_` prefix is reserved for Fastly's subroutines")
                .with_help("built-ins: vcl_recv, vcl_hash, vcl_hit, vcl_miss, vcl_pass, vcl_fetch, vcl_error, vcl_deliver, vcl_log"),
        );
    } else if !is_valid_name(name) {
        diags.push(
            Diagnostic::error("subroutine/syntax", format!("invalid subroutine name `{name}`"))
                .with_primary(sub.name.span, "names use letters, digits and `_`"),
        );
    }
    let ret = sub.return_type.as_ref().and_then(|r| match Type::from_name(&r.name) {
        Some(t) if !matches!(t, Type::Id | Type::Void) => Some(t),
        _ => {
            diags.push(
                Diagnostic::error("subroutine/invalid-return-type", format!("unknown return type `{}`", r.name))
                    .with_primary(r.span, "not a VCL type")
                    .with_help("use STRING, INTEGER, FLOAT, BOOL, TIME, RTIME, IP, BACKEND, ACL or REGEX"),
            );
            None
        }
    });
    let params = sub
        .params
        .iter()
        .map(|p| {
            let ty = match Type::from_name(&p.ty.name) {
                Some(t) if !matches!(t, Type::Id | Type::Void) => t,
                _ => {
                    diags.push(
                        Diagnostic::error("subroutine/syntax", format!("unknown parameter type `{}`", p.ty.name))
                            .with_primary(p.ty.span, "not a VCL type"),
                    );
                    Type::String
                }
            };
            if !p.name.name.starts_with("var.") {
                diags.push(
                    Diagnostic::error(
                        "subroutine/syntax",
                        format!("parameter `{}` must be named `var.*`", p.name.name),
                    )
                    .with_primary(p.name.span, "parameters are local variables")
                    .with_help(format!("write `{} var.{}`", p.ty.name, p.name.name)),
                );
            }
            (p.name.name.clone(), ty)
        })
        .collect();
    SubInfo { params, ret, span: sub.name.span }
}

fn table_type(t: &TableDecl, diags: &mut Vec<Diagnostic>) -> Type {
    let Some(ty) = &t.ty else { return Type::String };
    match Type::from_name(&ty.name) {
        Some(
            tt @ (Type::String
            | Type::Acl
            | Type::Backend
            | Type::Bool
            | Type::Float
            | Type::Integer
            | Type::Ip
            | Type::Regex
            | Type::Rtime),
        ) => tt,
        _ => {
            diags.push(
                Diagnostic::error("table/type-variation", format!("`{}` is not a table value type", ty.name))
                    .with_primary(ty.span, "unknown table type")
                    .with_help(
                        "tables hold STRING (the default), ACL, BACKEND, BOOL, FLOAT, INTEGER, IP, REGEX or RTIME",
                    ),
            );
            Type::String
        }
    }
}

/// The kind of value a declaration field takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Str,
    Bool,
    Int,
    Rtime,
    /// A bare word from a fixed set.
    Word(&'static [&'static str]),
    /// A string or an integer (`.port`).
    Port,
    /// A nested `{ ... }` block.
    Object,
    Percent,
    BackendRef,
}

impl Field {
    fn describe(self) -> String {
        match self {
            Field::Str => "a string".into(),
            Field::Bool => "`true` or `false`".into(),
            Field::Int => "an integer".into(),
            Field::Rtime => "a duration like `10s`".into(),
            Field::Word(words) => format!("one of {}", words.join(", ")),
            Field::Port => "a port like \"443\"".into(),
            Field::Object => "a `{ ... }` block".into(),
            Field::Percent => "a percentage like `50%`".into(),
            Field::BackendRef => "a backend name".into(),
        }
    }
}

/// Backend fields (catalog 3.1; falco's `BackendPropertyTypes` plus TLS client fields).
const BACKEND_FIELDS: &[(&str, Field)] = &[
    ("dynamic", Field::Bool),
    ("share_key", Field::Str),
    ("host", Field::Str),
    ("port", Field::Port),
    ("ssl", Field::Bool),
    ("ssl_cert_hostname", Field::Str),
    ("ssl_sni_hostname", Field::Str),
    ("ssl_hostname", Field::Str),
    ("ssl_check_cert", Field::Word(&["always", "never"])),
    ("ssl_ca_cert", Field::Str),
    ("ssl_client_cert", Field::Str),
    ("ssl_client_key", Field::Str),
    ("ssl_ciphers", Field::Str),
    ("min_tls_version", Field::Str),
    ("max_tls_version", Field::Str),
    ("connect_timeout", Field::Rtime),
    ("first_byte_timeout", Field::Rtime),
    ("between_bytes_timeout", Field::Rtime),
    ("fetch_timeout", Field::Rtime),
    ("keepalive_time", Field::Rtime),
    ("max_connections", Field::Int),
    ("host_header", Field::Str),
    ("always_use_host_header", Field::Bool),
    ("bypass_local_route_table", Field::Bool),
    ("prefer_ipv6", Field::Bool),
    ("probe", Field::Object),
];

const PROBE_FIELDS: &[(&str, Field)] = &[
    ("dummy", Field::Bool),
    ("request", Field::Str),
    ("url", Field::Str),
    ("expected_response", Field::Int),
    ("interval", Field::Rtime),
    ("timeout", Field::Rtime),
    ("window", Field::Int),
    ("threshold", Field::Int),
    ("initial", Field::Int),
];

/// Checks one property against a field table; returns the field if known.
fn check_field(
    prop: &Property,
    fields: &[(&str, Field)],
    code: &'static str,
    owner: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Field> {
    let name = prop.name.name.as_str();
    let Some((_, field)) = fields.iter().find(|(n, _)| *n == name) else {
        let known: Vec<_> = fields.iter().map(|(n, _)| format!(".{n}")).collect();
        diags.push(
            Diagnostic::error(code, format!("unknown {owner} field `.{name}`"))
                .with_primary(prop.name.span, "not a field here")
                .with_note(format!("known fields: {}", known.join(" "))),
        );
        return None;
    };
    let ok = match (&prop.value, field) {
        (PropValue::Object(..), Field::Object) => true,
        (PropValue::Object(..), _) | (_, Field::Object) => false,
        (PropValue::Expr(e), f) => value_fits(e, *f),
    };
    if !ok {
        diags.push(
            Diagnostic::error(code, format!("`.{name}` takes {}", field.describe()))
                .with_primary(prop.value.span(), "wrong kind of value"),
        );
    }
    Some(*field)
}

fn value_fits(e: &Expr, f: Field) -> bool {
    match (&e.kind, f) {
        (ExprKind::Literal(Literal::String(_)), Field::Str | Field::Port) => true,
        (ExprKind::Concat(parts), Field::Str) => parts.iter().all(|p| p.expr.as_string_lit().is_some()),
        (ExprKind::Literal(Literal::Bool(_)), Field::Bool) => true,
        (ExprKind::Literal(Literal::Integer(_)), Field::Int | Field::Port) => true,
        (ExprKind::Literal(Literal::Rtime(_)), Field::Rtime) => true,
        (ExprKind::Literal(Literal::Percent(p)), Field::Percent) => (0..=100).contains(p),
        (ExprKind::Var(v), Field::Word(words)) => words.contains(&v.name.as_str()),
        (ExprKind::Var(_), Field::BackendRef) => true,
        _ => false,
    }
}

fn int_prop(props: &[Property], name: &str) -> Option<(i64, Span)> {
    props.iter().find(|p| p.name.name == name).and_then(|p| match &p.value {
        PropValue::Expr(Expr { kind: ExprKind::Literal(Literal::Integer(v)), span }) => Some((*v, *span)),
        _ => None,
    })
}

fn check_backend(b: &BackendDecl, diags: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for prop in &b.props {
        if let Some(prev) = seen.insert(&prop.name.name, prop.name.span) {
            diags.push(
                Diagnostic::error("backend/syntax", format!("`.{}` is set twice", prop.name.name))
                    .with_primary(prop.name.span, "set again here")
                    .with_secondary(prev, "first set here"),
            );
        }
        if check_field(prop, BACKEND_FIELDS, "backend/syntax", "backend", diags) == Some(Field::Object) {
            if let PropValue::Object(probe, _) = &prop.value {
                for p in probe {
                    check_field(p, PROBE_FIELDS, "backend/syntax", "probe", diags);
                }
                check_probe(probe, diags);
            }
        }
    }
    if !b.props.iter().any(|p| p.name.name == "host") {
        diags.push(
            Diagnostic::error("backend/syntax", format!("backend `{}` has no `.host`", b.name.name))
                .with_primary(b.name.span, "every backend needs a host")
                .with_help("add `.host = \"origin.example.com\";`"),
        );
    }
}

/// Fastly/Varnish probe semantics: a backend starts with `initial` good checks and is
/// healthy with `threshold` good checks in the last `window`.
fn check_probe(probe: &[Property], diags: &mut Vec<Diagnostic>) {
    let threshold = int_prop(probe, "threshold");
    if let (Some((initial, span)), Some((threshold, _))) = (int_prop(probe, "initial"), threshold) {
        if initial < threshold {
            diags.push(
                Diagnostic::warning(
                    "backend/prober-configuration",
                    format!("`.initial` ({initial}) is below `.threshold` ({threshold}): the backend starts unhealthy"),
                )
                .with_primary(span, "too few initial good checks")
                .with_help("set `.initial` to at least `.threshold`"),
            );
        }
    }
    if let (Some((window, span)), Some((threshold, _))) = (int_prop(probe, "window"), threshold) {
        if threshold > window {
            diags.push(
                Diagnostic::warning(
                    "backend/prober-configuration",
                    format!("`.threshold` ({threshold}) is larger than `.window` ({window}): the backend can never be healthy"),
                )
                .with_primary(span, "window too small"),
            );
        }
    }
}

/// What a director type accepts: its code, its fields, its members' fields, and the
/// member fields it requires.
type DirectorShape =
    (&'static str, &'static [(&'static str, Field)], &'static [(&'static str, Field)], &'static [&'static str]);

fn check_director(d: &DirectorDecl, s: &Symbols, diags: &mut Vec<Diagnostic>) {
    let kind = d.kind.name.as_str();
    let (code, props, member_props, required): DirectorShape = match kind {
        "random" => (
            "director/props-random",
            &[("quorum", Field::Percent), ("retries", Field::Int)],
            &[("backend", Field::BackendRef), ("weight", Field::Int)],
            &["backend", "weight"],
        ),
        "hash" => (
            "director/props-hash",
            &[("quorum", Field::Percent)],
            &[("backend", Field::BackendRef), ("weight", Field::Int)],
            &["backend", "weight"],
        ),
        "client" => (
            "director/props-client",
            &[("quorum", Field::Percent)],
            &[("backend", Field::BackendRef), ("weight", Field::Int)],
            &["backend", "weight"],
        ),
        "fallback" => ("director/props-fallback", &[], &[("backend", Field::BackendRef)], &["backend"]),
        "chash" => (
            "director/props-chash",
            &[
                ("key", Field::Word(&["object", "client"])),
                ("seed", Field::Int),
                ("vnodes_per_node", Field::Int),
                ("quorum", Field::Percent),
            ],
            &[("backend", Field::BackendRef), ("id", Field::Str), ("weight", Field::Int)],
            &["backend", "id"],
        ),
        "shield" => ("director/syntax", &[("shield", Field::Str), ("is_ssl", Field::Bool)], &[], &[]),
        other => {
            diags.push(
                Diagnostic::error("director/syntax", format!("unknown director type `{other}`"))
                    .with_primary(d.kind.span, "not a director type")
                    .with_help("director types: random, hash, client, fallback, chash"),
            );
            return;
        }
    };
    let mut members = 0;
    for item in &d.items {
        match item {
            DirectorItem::Property(p) => {
                check_field(p, props, code, &format!("{kind} director"), diags);
            }
            DirectorItem::Member(m) => {
                members += 1;
                for p in &m.props {
                    if check_field(p, member_props, code, &format!("{kind} director member"), diags)
                        == Some(Field::BackendRef)
                    {
                        if let PropValue::Expr(Expr { kind: ExprKind::Var(v), .. }) = &p.value {
                            if !s.is_backend(&v.name) {
                                diags.push(
                                    Diagnostic::error(
                                        "backend/notfound",
                                        format!("backend `{}` is not declared", v.name),
                                    )
                                    .with_primary(v.span, "unknown backend"),
                                );
                            }
                        }
                    }
                }
                for req in required {
                    if !m.props.iter().any(|p| p.name.name == *req) {
                        diags.push(
                            Diagnostic::error(code, format!("{kind} director member needs `.{req}`"))
                                .with_primary(m.span, format!("missing `.{req}`")),
                        );
                    }
                }
            }
        }
    }
    if members == 0 && kind != "shield" {
        diags.push(
            Diagnostic::error("director/backend-required", format!("director `{}` has no backends", d.name.name))
                .with_primary(d.name.span, "add at least one `{ .backend = ...; }` member"),
        );
    }
}

fn check_acl(a: &AclDecl, diags: &mut Vec<Diagnostic>) {
    for entry in &a.entries {
        match entry.addr.value.parse::<IpAddr>() {
            Ok(ip) => {
                let max = if ip.is_ipv4() { 32 } else { 128 };
                if let Some(mask) = &entry.mask {
                    if !(0..=max).contains(&mask.value) {
                        diags.push(
                            Diagnostic::error("acl/syntax", format!("prefix length {} is out of range", mask.value))
                                .with_primary(mask.span, format!("must be 0 to {max}")),
                        );
                    }
                }
            }
            Err(_) => diags.push(
                Diagnostic::error("acl/syntax", format!("\"{}\" is not an IP address", entry.addr.value))
                    .with_primary(
                        entry.addr.span,
                        "ACL entries are IP addresses, optionally with /bits after the quotes",
                    )
                    .with_help("write e.g. \"192.0.2.0\"/24; hostnames are not allowed"),
            ),
        }
    }
}

fn check_table(
    map: &SourceMap,
    t: &TableDecl,
    ty: Type,
    s: &Symbols,
    regexes: &mut RegexCache,
    diags: &mut Vec<Diagnostic>,
) {
    let mut keys: HashMap<&str, Span> = HashMap::with_capacity(t.entries.len());
    for entry in &t.entries {
        if let Some(prev) = keys.insert(&entry.key.value, entry.key.span) {
            diags.push(
                Diagnostic::error("table/duplicated-key", format!("key \"{}\" appears twice", entry.key.value))
                    .with_primary(entry.key.span, "duplicate key")
                    .with_secondary(prev, "first here"),
            );
        }
        let v = &entry.value;
        let ok = match (&v.kind, ty) {
            (ExprKind::Literal(Literal::String(_)), Type::String) => true,
            (ExprKind::Literal(Literal::Integer(_)), Type::Integer) => true,
            (ExprKind::Literal(Literal::Integer(_) | Literal::Float(_)), Type::Float) => true,
            (ExprKind::Literal(Literal::Bool(_)), Type::Bool) => true,
            (ExprKind::Literal(Literal::Rtime(_)), Type::Rtime) => true,
            (ExprKind::Literal(Literal::String(sv)), Type::Ip) => {
                if sv.value.parse::<IpAddr>().is_err() {
                    diags.push(
                        Diagnostic::error("valid-ip", format!("\"{}\" is not an IP address", sv.value))
                            .with_primary(sv.span, "IP table values are addresses"),
                    );
                }
                true
            }
            (ExprKind::Literal(Literal::String(sv)), Type::Regex) => {
                if let Some(d) = regexes.check(map, sv) {
                    diags.push(d);
                }
                true
            }
            (ExprKind::Var(var), Type::Backend) => {
                if !s.is_backend(&var.name) {
                    diags.push(
                        Diagnostic::error("backend/notfound", format!("backend `{}` is not declared", var.name))
                            .with_primary(var.span, "unknown backend"),
                    );
                }
                true
            }
            (ExprKind::Var(var), Type::Acl) => {
                if !s.acls.contains_key(&var.name) {
                    diags.push(
                        Diagnostic::error("acl/notfound", format!("ACL `{}` is not declared", var.name))
                            .with_primary(var.span, "unknown ACL"),
                    );
                }
                true
            }
            (ExprKind::Invalid, _) => true,
            _ => false,
        };
        if !ok {
            diags.push(
                Diagnostic::error("table/type-variation", format!("table `{}` holds {ty} values", t.name.name))
                    .with_primary(v.span, format!("not a {ty} literal"))
                    .with_secondary(t.ty.as_ref().map_or(t.name.span, |i| i.span), "value type declared here"),
            );
        }
    }
}

fn check_object(o: &ObjectDecl, diags: &mut Vec<Diagnostic>) {
    let (code, fields): (&'static str, &[(&str, Field)]) = match o.keyword.name.as_str() {
        "penaltybox" => ("penaltybox/nonempty-block", &[]),
        "ratecounter" => ("ratecounter/nonempty-block", &[]),
        // Fastly's counters and limiters guide.
        "counter" => ("penaltybox/syntax", &[("type", Field::Str), ("time_window", Field::Rtime)]),
        _ => ("penaltybox/syntax", &[("max", Field::Int), ("time_window", Field::Rtime)]),
    };
    if fields.is_empty() {
        if let Some(first) = o.props.first() {
            diags.push(
                Diagnostic::error(code, format!("a {} body must be empty", o.keyword.name))
                    .with_primary(first.span, "no fields are allowed here")
                    .with_help(format!("write `{} {} {{ }}`", o.keyword.name, o.name.name)),
            );
        }
        return;
    }
    for p in &o.props {
        check_field(p, fields, code, &o.keyword.name, diags);
    }
}
