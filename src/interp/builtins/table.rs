//! The `table.*` builtins: lookups in the program's `table` declarations (and edge
//! dictionaries compiled into them).
//!
//! The table argument arrives as `Value::Id(Id::Table(index))` into `program.tables`;
//! entries are already typed values, so a lookup returns the stored value as it is.
//! An absent key gives the default argument, or not set for `table.lookup` without
//! one (Fastly: "When the key is absent, a not set string value is returned").

use super::{args, Builtin, Ctx, Fault};
use crate::interp::value::{Id, Value};
use crate::ir::Table;

/// The functions of this module, by catalog name.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("table.contains", contains),
    ("table.lookup", lookup),
    ("table.lookup_acl", lookup_acl),
    ("table.lookup_backend", lookup_backend),
    ("table.lookup_bool", lookup_bool),
    ("table.lookup_float", lookup_float),
    ("table.lookup_integer", lookup_integer),
    ("table.lookup_ip", lookup_ip),
    ("table.lookup_regex", lookup_regex),
    ("table.lookup_rtime", lookup_rtime),
];

/// The REGEX `table.lookup_regex` returns for an absent key: an index no compiled regex
/// has, which the interpreter treats as the unsatisfiable regex (the REGEX zero value).
pub const UNSATISFIABLE_REGEX: u32 = u32::MAX;

fn table<'p>(ctx: &Ctx<'p>, args: &[Value]) -> Option<&'p Table> {
    match args.first() {
        Some(Value::Id(Id::Table(i))) => ctx.program.tables.get(*i as usize),
        _ => None,
    }
}

/// The entry for `key`, if the table has it and it has the expected kind.
pub fn find<'p>(table: &'p Table, key: &[u8], kind: fn(&Value) -> bool) -> Option<&'p Value> {
    table.entries.get(key).filter(|v| kind(v))
}

/// The entry for the key argument, if the table has it and it has the expected kind.
fn entry<'p>(ctx: &Ctx<'p>, args: &[Value], kind: fn(&Value) -> bool) -> Option<&'p Value> {
    let table = table(ctx, args)?;
    match args.get(1) {
        Some(Value::String(key)) => find(table, key, kind),
        _ => find(table, &args::bytes(args, 1), kind),
    }
}

/// The lookups that give the entry as stored, or else their default argument (not set
/// without one), and the kind of entry each accepts. The compiled interpreter runs
/// these without building an argument list (`exec/compiled.rs`), through [`find`].
pub fn stored_kind(name: &str) -> Option<fn(&Value) -> bool> {
    Some(match name {
        "table.lookup" => is_string,
        "table.lookup_acl" => is_acl,
        "table.lookup_backend" => is_backend,
        "table.lookup_bool" => is_bool,
        "table.lookup_integer" => is_integer,
        "table.lookup_ip" => is_ip,
        "table.lookup_rtime" => is_rtime,
        _ => return None,
    })
}

fn is_string(v: &Value) -> bool {
    matches!(v, Value::String(_))
}

fn is_acl(v: &Value) -> bool {
    matches!(v, Value::Acl(_))
}

fn is_backend(v: &Value) -> bool {
    matches!(v, Value::Backend(_))
}

fn is_bool(v: &Value) -> bool {
    matches!(v, Value::Bool(_))
}

fn is_integer(v: &Value) -> bool {
    matches!(v, Value::Integer(_))
}

fn is_ip(v: &Value) -> bool {
    matches!(v, Value::Ip(_))
}

fn is_rtime(v: &Value) -> bool {
    matches!(v, Value::Rtime(_))
}

/// The entry, or the default argument (not set when there is none).
fn lookup_or_default(ctx: &Ctx<'_>, args: &[Value], kind: fn(&Value) -> bool) -> Value {
    match entry(ctx, args, kind) {
        Some(v) => v.clone(),
        None => args.get(2).cloned().unwrap_or(Value::NotSet),
    }
}

fn contains(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Bool(entry(ctx, args, |_| true).is_some()))
}

fn lookup(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(lookup_or_default(ctx, args, is_string))
}

fn lookup_acl(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(lookup_or_default(ctx, args, is_acl))
}

fn lookup_backend(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(lookup_or_default(ctx, args, is_backend))
}

fn lookup_bool(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(lookup_or_default(ctx, args, is_bool))
}

fn lookup_float(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // An INTEGER literal in a FLOAT table reads as a FLOAT.
    Ok(match entry(ctx, args, |v| matches!(v, Value::Float(_) | Value::Integer(_))) {
        Some(v) => Value::Float(v.as_float().unwrap_or(0.0)),
        None => args.get(2).cloned().unwrap_or(Value::Float(0.0)),
    })
}

fn lookup_integer(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(lookup_or_default(ctx, args, is_integer))
}

fn lookup_ip(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(lookup_or_default(ctx, args, is_ip))
}

fn lookup_rtime(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    Ok(lookup_or_default(ctx, args, is_rtime))
}

fn lookup_regex(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value, Fault> {
    // Fastly takes no default here; the regex is not run, so captures are untouched.
    Ok(entry(ctx, args, |v| matches!(v, Value::Regex(_))).cloned().unwrap_or(Value::Regex(UNSATISFIABLE_REGEX)))
}

#[cfg(test)]
mod tests {

    use bytes::Bytes;

    use super::*;
    use crate::catalog::Type;
    use crate::interp::state::ReqState;
    use crate::interp::Runtime;
    use crate::ir::Program;

    const NS: i64 = 1_000_000_000;

    /// A program with one table per call to `add`, in order.
    struct Tables(Program);

    impl Tables {
        fn new() -> Tables {
            Tables(Program::default())
        }

        fn add(mut self, ty: Type, entries: &[(&str, Value)]) -> Tables {
            let entries: crate::ir::TableEntries =
                entries.iter().map(|(k, v)| (Bytes::copy_from_slice(k.as_bytes()), v.clone())).collect();
            self.0.tables.push(Table { name: format!("t{}", self.0.tables.len()), ty, entries });
            self
        }

        fn call(&self, f: Builtin, args: &[Value]) -> Value {
            let (mut state, runtime) = (ReqState::default(), Runtime::default());
            let mut ctx = Ctx { state: &mut state, program: &self.0, runtime: &runtime };
            f(&mut ctx, args).expect("builtins do not fault here")
        }
    }

    fn t(i: u32) -> Value {
        Value::Id(Id::Table(i))
    }

    fn s(text: &str) -> Value {
        Value::str(text)
    }

    #[test]
    fn every_function_is_listed_once() {
        let mut names: Vec<&str> = FUNCTIONS.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 10);
    }

    #[test]
    fn lookup_and_contains() {
        // fastly.com/documentation/reference/vcl/functions/table/table-lookup/
        let tables = Tables::new().add(Type::String, &[("US", s("en-US")), ("FR", s("fr-FR")), ("NL", s("nl-NL"))]);
        assert_eq!(tables.call(lookup, &[t(0), s("FR")]), s("fr-FR"));
        assert_eq!(tables.call(lookup, &[t(0), s("DE")]), Value::NotSet);
        assert_eq!(tables.call(lookup, &[t(0), s("DE"), s("en-US")]), s("en-US"));
        assert_eq!(tables.call(lookup, &[t(0), s("fr")]), Value::NotSet, "keys are case-sensitive");
        assert_eq!(tables.call(lookup, &[t(7), s("FR"), s("x")]), s("x"), "an unknown table has no keys");
        // fastly.com/documentation/reference/vcl/functions/table/table-contains/
        assert_eq!(tables.call(contains, &[t(0), s("US")]), Value::Bool(true));
        assert_eq!(tables.call(contains, &[t(0), s("")]), Value::Bool(false));
        assert_eq!(tables.call(contains, &[t(0), Value::NotSet]), Value::Bool(false));
    }

    #[test]
    fn typed_lookups() {
        // fastly.com/documentation/reference/vcl/functions/table/table-lookup-bool/ and the
        // pages of table.lookup_integer, _float, _ip, _rtime, _acl, _backend.
        let tables = Tables::new()
            .add(Type::Bool, &[("broadband", Value::Bool(true)), ("dialup", Value::Bool(false))])
            .add(Type::Integer, &[("a.example.com", Value::Integer(50))])
            .add(Type::Float, &[("ratio", Value::Float(2.5)), ("one", Value::Integer(1))])
            .add(Type::Ip, &[("home", Value::Ip("192.0.2.1".parse().expect("ip")))])
            .add(Type::Rtime, &[("/b", Value::Rtime(86_400 * NS))])
            .add(Type::Acl, &[("doc", Value::Acl(3))])
            .add(Type::Backend, &[("a.example.com", Value::Backend(2))]);
        assert_eq!(tables.call(lookup_bool, &[t(0), s("dialup"), Value::Bool(true)]), Value::Bool(false));
        assert_eq!(tables.call(lookup_bool, &[t(0), s("cable"), Value::Bool(true)]), Value::Bool(true));
        assert_eq!(tables.call(lookup_integer, &[t(1), s("a.example.com"), Value::Integer(0)]), Value::Integer(50));
        assert_eq!(tables.call(lookup_integer, &[t(1), s("z.example.com"), Value::Integer(0)]), Value::Integer(0));
        assert_eq!(tables.call(lookup_float, &[t(2), s("ratio"), Value::Float(0.0)]), Value::Float(2.5));
        assert_eq!(tables.call(lookup_float, &[t(2), s("one"), Value::Float(0.0)]), Value::Float(1.0));
        let fallback_ip = Value::Ip("198.51.100.1".parse().expect("ip"));
        assert_eq!(
            tables.call(lookup_ip, &[t(3), s("home"), fallback_ip.clone()]),
            Value::Ip("192.0.2.1".parse().expect("ip"))
        );
        assert_eq!(tables.call(lookup_ip, &[t(3), s("away"), fallback_ip.clone()]), fallback_ip);
        assert_eq!(tables.call(lookup_rtime, &[t(4), s("/b"), Value::Rtime(5 * NS)]), Value::Rtime(86_400 * NS));
        assert_eq!(tables.call(lookup_rtime, &[t(4), s("/z"), Value::Rtime(5 * NS)]), Value::Rtime(5 * NS));
        assert_eq!(tables.call(lookup_acl, &[t(5), s("doc"), Value::Acl(0)]), Value::Acl(3));
        assert_eq!(tables.call(lookup_acl, &[t(5), s("png"), Value::Acl(0)]), Value::Acl(0));
        assert_eq!(tables.call(lookup_backend, &[t(6), s("a.example.com"), Value::Backend(0)]), Value::Backend(2));
        assert_eq!(tables.call(lookup_backend, &[t(6), s("b.example.com"), Value::Backend(0)]), Value::Backend(0));
        assert_eq!(
            tables.call(lookup_integer, &[t(0), s("dialup"), Value::Integer(9)]),
            Value::Integer(9),
            "wrong kind"
        );
    }

    #[test]
    fn lookup_regex_returns_the_compiled_regex() {
        // fastly.com/documentation/reference/vcl/functions/table/table-lookup-regex/
        let tables = Tables::new().add(Type::Regex, &[("images", Value::Regex(4))]);
        assert_eq!(tables.call(lookup_regex, &[t(0), s("images")]), Value::Regex(4));
        assert_eq!(tables.call(lookup_regex, &[t(0), s("video")]), Value::Regex(UNSATISFIABLE_REGEX));
    }
}
