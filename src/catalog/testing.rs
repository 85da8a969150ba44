//! The signatures of falco's test framework, for `lacquer test` only: the `testing.*` and
//! `assert.*` functions and the `testing.*` variables, as [`FnDef`] / [`VarDef`] tables.
//!
//! They are not Fastly's: the checker and the compiler resolve them only in test mode
//! ([`crate::check::Options::testing`]), so a production VCL that calls `assert.equal`
//! is still an unknown-function error. `ANY` ([`Type::Any`]) marks parameters that take
//! a value of any type (`assert.equal(resp.status, 200)`); every optional trailing
//! `message` is the text shown when the assertion fails. The implementations live in
//! `crate::testing::builtins`.

use super::{ArgDef, Arity, FnDef, Scopes, Tier, Type, VarDef, VarMatch};

/// Test helpers may run in any subroutine scope.
const ALL: Scopes = Scopes::ALL;

/// The test framework's functions.
pub static FUNCTIONS: &[FnDef] = &[
    // ---- testing.* ----
    func(
        "testing.call_subroutine",
        Type::Void,
        &[arg("subroutine", Type::String), variadic("args", Type::Any)],
        "Runs a subroutine of the main VCL (typed ones with arguments; their value goes to testing.return_value).",
    ),
    func(
        "testing.fixed_time",
        Type::Void,
        &[arg("time", Type::Any)],
        "Fixes now: an INTEGER of Unix seconds, a TIME, or a \"YYYY-mm-dd HH:MM:SS\" string (UTC).",
    ),
    func("testing.override_host", Type::Void, &[arg("host", Type::String)], "Sets the request's Host header."),
    func(
        "testing.inject_variable",
        Type::Void,
        &[arg("name", Type::String), arg("value", Type::Any)],
        "Sets a variable whose value the runtime takes from outside (client.ip, server.*).",
    ),
    func(
        "testing.inspect",
        Type::Any,
        &[arg("name", Type::String)],
        "Reads any predefined variable regardless of the scope the test runs in.",
    ),
    func(
        "testing.table_set",
        Type::Void,
        &[arg("id", Type::Id), arg("key", Type::String), arg("value", Type::String)],
        "Sets a key of a table of the main VCL for this test.",
    ),
    func(
        "testing.table_merge",
        Type::Void,
        &[arg("id", Type::Id), arg("id", Type::Id)],
        "Copies every entry of the second table into the first for this test.",
    ),
    func(
        "testing.mock",
        Type::Void,
        &[arg("from", Type::String), arg("to", Type::String)],
        "Runs subroutine `to` wherever subroutine `from` is called.",
    ),
    func("testing.restore_mock", Type::Void, &[arg("from", Type::String)], "Removes the mock of one subroutine."),
    func("testing.restore_all_mocks", Type::Void, &[], "Removes every mock."),
    func(
        "testing.get_env",
        Type::String,
        &[arg("name", Type::String)],
        "An environment variable of the machine running the tests (not set when absent).",
    ),
    func(
        "testing.fixed_access_rate",
        Type::Void,
        &[arg("rate", Type::Float)],
        "Fixes the access rate rate counters report (not supported by lacquer's counters).",
    ),
    func(
        "testing.set_backend_health",
        Type::Void,
        &[arg("backend", Type::Backend), arg("healthy", Type::Bool)],
        "Marks a backend healthy or unhealthy.",
    ),
    // ---- assert.* ----
    func(
        "assert",
        Type::Void,
        &[arg("expr", Type::Any), optional("message", Type::String)],
        "Passes when the value is true (a BOOL) or set (a STRING).",
    ),
    func(
        "assert.true",
        Type::Void,
        &[arg("actual", Type::Any), optional("message", Type::String)],
        "Passes when the value is the BOOL true.",
    ),
    func(
        "assert.false",
        Type::Void,
        &[arg("actual", Type::Any), optional("message", Type::String)],
        "Passes when the value is the BOOL false.",
    ),
    func(
        "assert.is_json",
        Type::Void,
        &[arg("actual", Type::String), optional("message", Type::String)],
        "Passes when the string is valid JSON.",
    ),
    func(
        "assert.is_notset",
        Type::Void,
        &[arg("actual", Type::Any), optional("message", Type::String)],
        "Passes when the value is not set.",
    ),
    func(
        "assert.equal",
        Type::Void,
        &[arg("actual", Type::Any), arg("expected", Type::Any), optional("message", Type::String)],
        "Passes when both values have the same type and value (alias of assert.strict_equal).",
    ),
    func(
        "assert.not_equal",
        Type::Void,
        &[arg("actual", Type::Any), arg("expected", Type::Any), optional("message", Type::String)],
        "Passes when the values differ in type or value (alias of assert.not_strict_equal).",
    ),
    func(
        "assert.strict_equal",
        Type::Void,
        &[arg("actual", Type::Any), arg("expected", Type::Any), optional("message", Type::String)],
        "Passes when both values have the same type and value.",
    ),
    func(
        "assert.not_strict_equal",
        Type::Void,
        &[arg("actual", Type::Any), arg("expected", Type::Any), optional("message", Type::String)],
        "Passes when the values differ in type or value.",
    ),
    func(
        "assert.equal_fold",
        Type::Void,
        &[arg("actual", Type::String), arg("expected", Type::String), optional("message", Type::String)],
        "Passes when the strings are equal ignoring case.",
    ),
    func(
        "assert.match",
        Type::Void,
        &[arg("actual", Type::Any), arg("regex", Type::String), optional("message", Type::String)],
        "Passes when the string matches the regular expression.",
    ),
    func(
        "assert.not_match",
        Type::Void,
        &[arg("actual", Type::Any), arg("regex", Type::String), optional("message", Type::String)],
        "Passes when the string does not match the regular expression.",
    ),
    func(
        "assert.contains",
        Type::Void,
        &[arg("actual", Type::Any), arg("expected", Type::String), optional("message", Type::String)],
        "Passes when the string contains the expected text.",
    ),
    func(
        "assert.not_contains",
        Type::Void,
        &[arg("actual", Type::Any), arg("expected", Type::String), optional("message", Type::String)],
        "Passes when the string does not contain the expected text.",
    ),
    func(
        "assert.starts_with",
        Type::Void,
        &[arg("actual", Type::Any), arg("expected", Type::String), optional("message", Type::String)],
        "Passes when the string starts with the expected text.",
    ),
    func(
        "assert.ends_with",
        Type::Void,
        &[arg("actual", Type::Any), arg("expected", Type::String), optional("message", Type::String)],
        "Passes when the string ends with the expected text.",
    ),
    func(
        "assert.subroutine_called",
        Type::Void,
        &[arg("subroutine", Type::String), optional("times", Type::Any), optional("message", Type::String)],
        "Passes when the subroutine ran during the test exactly `times` times (default 1).",
    ),
    func(
        "assert.not_subroutine_called",
        Type::Void,
        &[arg("subroutine", Type::String), optional("message", Type::String)],
        "Passes when the subroutine did not run during the test.",
    ),
    func("assert.restart", Type::Void, &[optional("message", Type::String)], "Passes when the last state is RESTART."),
    func(
        "assert.not_restart",
        Type::Void,
        &[optional("message", Type::String)],
        "Passes when the last state is not RESTART.",
    ),
    func(
        "assert.state",
        Type::Void,
        &[arg("state", Type::Id), optional("message", Type::String)],
        "Passes when the last state is the given one (lookup, pass, error, ...).",
    ),
    func(
        "assert.not_state",
        Type::Void,
        &[arg("state", Type::Id), optional("message", Type::String)],
        "Passes when the last state is not the given one.",
    ),
    func(
        "assert.error",
        Type::Void,
        &[arg("status", Type::Integer), optional("response", Type::String), optional("message", Type::String)],
        "Passes when the last state is ERROR with this obj.status (and obj.response).",
    ),
    func(
        "assert.not_error",
        Type::Void,
        &[optional("message", Type::String)],
        "Passes when the last state is not ERROR.",
    ),
];

/// The test framework's variables (read-only, readable in every scope).
pub static VARIABLES: &[VarDef] = &[
    var(
        "testing.state",
        Type::String,
        "The state the last called subroutine moved to, upper case (LOOKUP, PASS, ERROR, ...).",
    ),
    var("testing.synthetic_body", Type::String, "The body set by `synthetic` or `synthetic.base64`."),
    var("testing.origin_host_header", Type::String, "The Host header that would be sent to the chosen backend."),
    var(
        "testing.return_value",
        Type::Any,
        "The value the last typed subroutine run by testing.call_subroutine returned.",
    ),
];

/// A test-framework function by name (`assert.equal`).
pub fn function(name: &str) -> Option<&'static FnDef> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// A test-framework variable by name (`testing.state`).
pub fn variable(name: &str) -> Option<VarMatch<'_>> {
    VARIABLES.iter().find(|v| v.name == name).map(|def| VarMatch { def, param: None, subfield: None })
}

const fn func(name: &'static str, ret: Type, args: &'static [ArgDef], doc: &'static str) -> FnDef {
    FnDef { name, ret, args, scopes: ALL, tier: Tier::Newer, deprecated: false, doc }
}

const fn var(name: &'static str, ty: Type, doc: &'static str) -> VarDef {
    VarDef { name, ty, read: ALL, write: Scopes::NONE, unset: Scopes::NONE, tier: Tier::Newer, deprecated: false, doc }
}

const fn arg(name: &'static str, ty: Type) -> ArgDef {
    ArgDef { name, ty, arity: Arity::Required }
}

const fn optional(name: &'static str, ty: Type) -> ArgDef {
    ArgDef { name, ty, arity: Arity::Optional }
}

const fn variadic(name: &'static str, ty: Type) -> ArgDef {
    ArgDef { name, ty, arity: Arity::Variadic }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_outside_fastlys_catalog() {
        for (i, f) in FUNCTIONS.iter().enumerate() {
            assert!(FUNCTIONS[..i].iter().all(|g| g.name != f.name), "{} twice", f.name);
            assert!(super::super::function(f.name).is_none(), "{} shadows a Fastly function", f.name);
        }
        for v in VARIABLES {
            assert!(super::super::variable(v.name).is_none(), "{} shadows a Fastly variable", v.name);
        }
    }

    #[test]
    fn optional_arguments_trail() {
        for f in FUNCTIONS {
            let first_optional = f.args.iter().position(|a| a.arity != Arity::Required).unwrap_or(f.args.len());
            assert!(f.args[first_optional..].iter().all(|a| a.arity != Arity::Required), "{}", f.name);
        }
    }
}
