//! Registry entries for the codes the parser and the checker emit. Their logic lives in
//! `syntax::parser` and `check`; this table holds what `--explain` prints and what
//! `.lacquer.toml` may re-level. Lint rules carry their own entries (`rules/`).
//!
//! Every explanation follows the rule docs' shape: what it does, why it matters (the
//! Fastly fact behind it), an example.

use super::{Origin, RuleMeta};
use crate::diag::Severity;

const fn parser(id: &'static str, summary: &'static str, explain: &'static str) -> RuleMeta {
    RuleMeta { id, default_severity: Severity::Error, summary, explain, origin: Origin::Parser }
}

const fn checker(id: &'static str, summary: &'static str, explain: &'static str) -> RuleMeta {
    RuleMeta { id, default_severity: Severity::Error, summary, explain, origin: Origin::Checker }
}

const fn checker_warning(id: &'static str, summary: &'static str, explain: &'static str) -> RuleMeta {
    RuleMeta { id, default_severity: Severity::Warning, summary, explain, origin: Origin::Checker }
}

/// Parser and checker codes, grouped by category.
pub(super) static FRONT_END: &[RuleMeta] = &[
    // ---- syntax (parser) ----
    parser(
        "syntax/unexpected-token",
        "a token that cannot appear here",
        r#"### What it does
Reports a token the grammar does not allow at this position. The parser skips to the
end of the statement or declaration and keeps going, so later mistakes are still found.

### Why is this bad
Fastly compiles the whole service at activation; one syntax error rejects the version.

### Example
```vcl
sub vcl_recv {
  set req.http.X = "a" ) ;   # `)` has no matching `(`
}
```"#,
    ),
    parser(
        "syntax/expected-semicolon",
        "a statement or property without its closing `;`",
        r#"### What it does
Reports a statement, backend property or ACL entry that is not terminated by `;`.

### Why is this bad
Every VCL statement ends with `;`; Fastly refuses to compile the service otherwise.

### Example
```vcl
sub vcl_recv {
  set req.http.X = "1"     # missing `;`
  return(lookup);
}
```"#,
    ),
    parser(
        "syntax/expected-declaration",
        "something other than a declaration at the top level",
        r#"### What it does
Reports top-level text that starts no declaration (`acl`, `backend`, `director`,
`table`, `sub`, `penaltybox`, `ratecounter`, `include`, `import`, `pragma`).

### Why is this bad
Statements may only appear inside a `sub`; anything else at the top level is a compile
error.

### Example
```vcl
set req.http.X = "1";   # a statement outside any subroutine
sub vcl_recv { }
```"#,
    ),
    parser(
        "syntax/expected-statement",
        "something other than a statement inside a block",
        r#"### What it does
Reports a token inside a subroutine body that starts no statement.

### Why is this bad
Fastly rejects the service; the intended statement keyword is often misspelled.

### Example
```vcl
sub vcl_recv {
  sett req.http.X = "1";   # `sett` is not a statement
}
```"#,
    ),
    parser(
        "syntax/expected-expression",
        "an operator or statement that is missing its operand",
        r#"### What it does
Reports a place where an expression is required but none is written.

### Why is this bad
The statement cannot be compiled, so the service version cannot be activated.

### Example
```vcl
sub vcl_recv {
  if (req.url == ) { }     # nothing to compare with
}
```"#,
    ),
    parser(
        "syntax/expected-assignment",
        "a `set` or `add` without an assignment operator",
        r#"### What it does
Reports a `set` or `add` statement whose target is not followed by `=` (or a compound
operator such as `+=`).

### Why is this bad
Fastly cannot compile the statement.

### Example
```vcl
sub vcl_recv {
  set req.http.X "1";      # missing `=`
}
```"#,
    ),
    parser(
        "syntax/expected-comma",
        "arguments or table entries not separated by `,`",
        r#"### What it does
Reports two function arguments or table entries written without a `,` between them.

### Why is this bad
Fastly cannot compile the call or the table.

### Example
```vcl
sub vcl_recv {
  set req.http.X = regsub(req.url "^/a" "/b");   # commas missing
}
```"#,
    ),
    parser(
        "syntax/unclosed-block",
        "a `{` without its matching `}`",
        r#"### What it does
Reports a block, declaration body or long string opened with `{` that the file never
closes.

### Why is this bad
Everything after the `{` would belong to it; Fastly rejects the file.

### Example
```vcl
sub vcl_recv {
  if (req.url == "/") {
    return(pass);
}
```"#,
    ),
    parser(
        "syntax/unterminated-string",
        "a `\"` string without its closing quote on the same line",
        r#"### What it does
Reports a string literal that reaches the end of the line without a closing `"`.

### Why is this bad
Fastly strings cannot span lines (use a long string `{"..."}` for that); the file does
not compile.

### Example
```vcl
sub vcl_recv {
  set req.http.X = "unterminated;
}
```"#,
    ),
    parser(
        "syntax/unterminated-comment",
        "a `/*` comment that is never closed",
        r#"### What it does
Reports a block comment that has no closing `*/`.

### Why is this bad
The comment swallows the rest of the file, so everything after it is silently ignored
(and Fastly rejects the file).

### Example
```vcl
/* TODO: remove
sub vcl_recv { }
```"#,
    ),
    parser(
        "syntax/invalid-escape",
        "a malformed `%` escape in a string",
        r#"### What it does
Reports `%XX`, `%uXXXX` or `%u{...}` escapes that are incomplete or name a surrogate or
an out-of-range code point.

### Why is this bad
Fastly rejects such strings at compile time. A literal `%` is written `%25`.

### Example
```vcl
sub vcl_recv {
  set req.http.X = "100%";      # `%` starts an escape: write "100%25"
}
```"#,
    ),
    parser(
        "syntax/invalid-character",
        "a character that starts no token",
        r#"### What it does
Reports bytes outside VCL's token set, such as `@`, `$` or a backtick, outside strings
and comments.

### Why is this bad
Fastly's compiler stops at them.

### Example
```vcl
sub vcl_recv {
  set req.http.X = @"1";
}
```"#,
    ),
    parser(
        "syntax/invalid-utf8",
        "bytes that are not valid UTF-8",
        r#"### What it does
Reports byte sequences that are not UTF-8. Positions stay exact: every bad byte is
replaced by one placeholder character.

### Why is this bad
Fastly requires VCL source and string literals to be valid UTF-8.

### Example
A file saved as Latin-1 containing `"café"`.
"#,
    ),
    parser(
        "syntax/integer-overflow",
        "an integer literal outside the 64-bit signed range",
        r#"### What it does
Reports integer (and RTIME) literals that do not fit in a signed 64-bit integer.

### Why is this bad
Fastly's INTEGER is 64-bit signed; a larger literal is a compile error rather than a
silently wrapped value.

### Example
```vcl
sub vcl_recv {
  declare local var.n INTEGER;
  set var.n = 99999999999999999999;
}
```"#,
    ),
    parser(
        "syntax/too-deep",
        "blocks, parentheses or `!` nested too deeply",
        r#"### What it does
Reports nesting deeper than the parser's limit (100 levels) and skips the nested part.

### Why is this bad
Nothing legitimate nests that deep; the limit keeps hostile input from exhausting the
stack of every later pass.

### Example
A generated condition with hundreds of nested parentheses: split it into subroutines.
"#,
    ),
    parser(
        "syntax/chained-comparison",
        "two comparisons chained without `&&` or `||`",
        r#"### What it does
Reports `a == b == c` and similar chains.

### Why is this bad
VCL comparisons produce BOOL and do not chain; the intent is almost always two
comparisons joined by `&&`.

### Example
```vcl
sub vcl_recv {
  if (req.http.A == req.http.B == "1") { }
  # write: if (req.http.A == "1" && req.http.B == "1") { }
}
```"#,
    ),
    parser(
        "syntax/else-without-if",
        "`else`, `elsif` or `elseif` that follows no `if`",
        r#"### What it does
Reports an `else` branch that is not attached to an `if` statement, usually because a
`}` closed the `if` early or a statement was put between them.

### Why is this bad
Fastly rejects the subroutine.

### Example
```vcl
sub vcl_recv {
  if (req.url == "/") { set req.http.X = "1"; }
  set req.http.Y = "2";
  else { set req.http.X = "0"; }
}
```"#,
    ),
    // ---- include ----
    checker(
        "include/module-not-found",
        "an `include` names a file that cannot be found",
        r#"### What it does
Reports `include "name";` when no file `name.vcl` (or `name`) exists in the including
file's directory or the `-I` include paths, and `snippet::name` when no such snippet
was given.

### Why is this bad
Fastly includes uploaded VCL files by name; a missing one fails the activation.

### Example
```vcl
include "shared_headers";   # no shared_headers.vcl next to this file or under -I
```"#,
    ),
    checker(
        "include/cycle",
        "files include each other in a loop",
        r#"### What it does
Reports an `include` that leads back to a file already being included.

### Why is this bad
Textual inclusion of a cycle never ends; Fastly rejects it.

### Example
```vcl
# a.vcl
include "b";
# b.vcl
include "a";
```"#,
    ),
    checker(
        "include/module-load-failed",
        "an included file exists but cannot be read",
        r#"### What it does
Reports an included file that could not be read (permissions, a directory, IO errors).

### Why is this bad
The program is incomplete without it, so nothing after it can be checked reliably.

### Example
`include "secrets";` where `secrets.vcl` is not readable by the linting user.
"#,
    ),
    // ---- acl ----
    checker(
        "acl/syntax",
        "a malformed ACL entry",
        r#"### What it does
Reports ACL entries whose address is not an IPv4/IPv6 literal, or whose `/mask` is out
of range for the address family.

### Why is this bad
Fastly rejects the ACL; hostnames are not allowed in ACLs.

### Example
```vcl
acl office {
  "192.0.2.0"/33;     # an IPv4 mask is at most 32
  "example.com";      # hostnames are not allowed
}
```"#,
    ),
    checker(
        "acl/duplicated",
        "two ACLs with the same name",
        r#"### What it does
Reports an `acl` declared twice.

### Why is this bad
Names must be unique; Fastly rejects the second declaration.

### Example
```vcl
acl office { "192.0.2.0"/24; }
acl office { "198.51.100.0"/24; }
```"#,
    ),
    checker(
        "acl/notfound",
        "a reference to an ACL that is not declared",
        r#"### What it does
Reports `client.ip ~ NAME` (and ACL-typed arguments) where `NAME` is no declared ACL.

### Why is this bad
Fastly cannot compile the match; a typo in an ACL name would otherwise disable a
security check.

### Example
```vcl
acl office { "192.0.2.0"/24; }
sub vcl_recv {
  if (client.ip ~ ofice) { return(pass); }
}
```"#,
    ),
    // ---- backend ----
    checker(
        "backend/syntax",
        "an unknown or mistyped backend property",
        r#"### What it does
Reports backend (and probe) properties Fastly does not know, and values of the wrong
type (`.port` is a STRING, `.connect_timeout` an RTIME, ...).

### Why is this bad
Fastly rejects the backend; a mistyped timeout would otherwise silently keep its
default.

### Example
```vcl
backend F_origin {
  .host = "origin.example.com";
  .port = 443;                 # must be "443"
  .conect_timeout = 1s;        # unknown property
}
```"#,
    ),
    checker(
        "backend/duplicated",
        "two backends with the same name",
        r#"### What it does
Reports a `backend` declared twice (or with the name of a director).

### Why is this bad
Names must be unique; Fastly rejects the service.

### Example
```vcl
backend F_origin { .host = "a.example.com"; }
backend F_origin { .host = "b.example.com"; }
```"#,
    ),
    checker(
        "backend/notfound",
        "a reference to a backend that is not declared",
        r#"### What it does
Reports `set req.backend = NAME`, director members and `backend.NAME.healthy` where
`NAME` is neither a backend nor a director.

### Why is this bad
Fastly cannot compile the reference.

### Example
```vcl
sub vcl_recv {
  set req.backend = F_orgin;   # typo
}
```"#,
    ),
    checker_warning(
        "backend/prober-configuration",
        "a health check whose settings contradict each other",
        r#"### What it does
Reports probes whose `.initial` is below `.threshold`, whose `.threshold` exceeds
`.window`, or whose `.timeout` is not shorter than `.interval`.

### Why is this bad
With `.initial` below `.threshold` the backend starts unhealthy after every
deployment until enough checks pass; with `.threshold` above `.window` it can never be
healthy.

### Example
```vcl
backend F_origin {
  .host = "origin.example.com";
  .probe = { .window = 5; .threshold = 3; .initial = 1; }
}
```"#,
    ),
    // ---- director ----
    checker(
        "director/syntax",
        "an unknown director type or malformed director body",
        r#"### What it does
Reports a director whose type is not `random`, `hash`, `client`, `fallback`, `chash`
or `shield`, and bodies with unknown properties.

### Why is this bad
Fastly rejects the director.

### Example
```vcl
director pool round_robin {     # no such type
  { .backend = F_a; }
}
```"#,
    ),
    checker(
        "director/duplicated",
        "two directors with the same name",
        r#"### What it does
Reports a `director` declared twice (or with the name of a backend).

### Why is this bad
Directors and backends share one namespace; Fastly rejects duplicates.

### Example
```vcl
director pool random { { .backend = F_a; .weight = 1; } }
director pool random { { .backend = F_b; .weight = 1; } }
```"#,
    ),
    checker(
        "director/props-random",
        "a random director with missing or invalid properties",
        r#"### What it does
Checks `random` directors: members need `.backend` and an INTEGER `.weight`;
`.retries` is an INTEGER and `.quorum` a percentage.

### Why is this bad
Fastly rejects a member without a weight.

### Example
```vcl
director pool random {
  .quorum = 50%;
  { .backend = F_a; }          # missing .weight
}
```"#,
    ),
    checker(
        "director/props-fallback",
        "a fallback director with invalid properties",
        r#"### What it does
Checks `fallback` directors: members take `.backend` only; the director itself takes
no properties.

### Why is this bad
Fastly rejects unknown properties; a `.weight` would suggest a weighting that a
fallback director never applies.

### Example
```vcl
director pool fallback {
  { .backend = F_a; .weight = 2; }
}
```"#,
    ),
    checker(
        "director/props-hash",
        "a hash director with missing or invalid properties",
        r#"### What it does
Checks `hash` directors: members need `.backend` and `.weight`; `.quorum` is a
percentage.

### Why is this bad
Fastly rejects the director.

### Example
```vcl
director pool hash {
  { .backend = F_a; }          # missing .weight
}
```"#,
    ),
    checker(
        "director/props-client",
        "a client director with missing or invalid properties",
        r#"### What it does
Checks `client` directors: members need `.backend` and `.weight`; `.quorum` is a
percentage.

### Why is this bad
Fastly rejects the director.

### Example
```vcl
director pool client {
  .retries = 3;                # not a client director property
  { .backend = F_a; .weight = 1; }
}
```"#,
    ),
    checker(
        "director/props-chash",
        "a consistent-hashing director with missing or invalid properties",
        r#"### What it does
Checks `chash` directors: `.key` is `object` or `client`, `.seed` and
`.vnodes_per_node` are INTEGERs, and every member needs `.backend` and a STRING `.id`.

### Why is this bad
Fastly rejects the director; the `.id` keeps the ring stable when members change.

### Example
```vcl
director ring chash {
  .key = object;
  { .backend = F_a; }          # missing .id
}
```"#,
    ),
    checker(
        "director/backend-required",
        "a director without members",
        r#"### What it does
Reports a director (other than `shield`) with no `{ .backend = ...; }` member.

### Why is this bad
Fastly rejects an empty director: it could never select a backend.

### Example
```vcl
director pool random {
  .quorum = 50%;
}
```"#,
    ),
    // ---- table ----
    checker(
        "table/syntax",
        "a malformed table body",
        r#"### What it does
Reports table entries that are not `"key": value` pairs separated by commas.

### Why is this bad
Fastly rejects the table.

### Example
```vcl
table redirects {
  "/old" = "/new",       # `:` expected
}
```"#,
    ),
    checker(
        "table/type-variation",
        "a table value that does not have the table's type",
        r#"### What it does
Reports values that do not match the declared value type (STRING when omitted), and
unknown value types.

### Why is this bad
Every value of a table has one type; Fastly rejects mixed tables.

### Example
```vcl
table ttls RTIME {
  "/a": 10s,
  "/b": "20s",           # a STRING in an RTIME table
}
```"#,
    ),
    checker(
        "table/duplicated",
        "two tables with the same name",
        r#"### What it does
Reports a `table` declared twice.

### Why is this bad
Fastly rejects the service; a dictionary created in the UI is rendered as a table
too, so the clash may be with one you do not see in your file.

### Example
```vcl
table redirects { "/a": "/b" }
table redirects { "/c": "/d" }
```"#,
    ),
    checker(
        "table/duplicated-key",
        "a key that appears twice in one table",
        r#"### What it does
Reports a key written twice in a table body.

### Why is this bad
Fastly rejects the table; lookups could otherwise return either value.

### Example
```vcl
table redirects {
  "/a": "/b",
  "/a": "/c",
}
```"#,
    ),
    checker(
        "table/notfound",
        "a reference to a table that is not declared",
        r#"### What it does
Reports `table.lookup(NAME, ...)` and the other `table.*` functions when `NAME` is no
declared table.

### Why is this bad
Fastly cannot compile the call.

### Example
```vcl
sub vcl_recv {
  set req.http.X = table.lookup(redirect, req.url.path);   # the table is `redirects`
}
```"#,
    ),
    // ---- subroutine ----
    checker(
        "subroutine/syntax",
        "a malformed subroutine declaration",
        r#"### What it does
Reports subroutine headers with bad parameter lists or names (the `vcl_` prefix is
reserved for Fastly's built-in subroutines).

### Why is this bad
Fastly rejects the declaration.

### Example
```vcl
sub vcl_custom { }          # vcl_ names are reserved
```"#,
    ),
    checker(
        "subroutine/duplicated",
        "a custom subroutine declared twice",
        r#"### What it does
Reports a custom subroutine (or typed function) declared more than once. Repeated
`vcl_*` subroutines are allowed: Fastly concatenates them.

### Why is this bad
Fastly rejects the service.

### Example
```vcl
sub set_headers { }
sub set_headers { }
```"#,
    ),
    checker(
        "subroutine/invalid-return-type",
        "a bad return type on a subroutine",
        r#"### What it does
Reports unknown return types on typed subroutines, and a return type on a `vcl_*`
subroutine.

### Why is this bad
Fastly rejects the declaration.

### Example
```vcl
sub vcl_recv STRING { }
```"#,
    ),
    checker(
        "subroutine/recursive-call",
        "a subroutine that calls itself, directly or through others",
        r#"### What it does
Reports cycles in the call graph.

### Why is this bad
Fastly inlines every call and does not allow recursion; the service is rejected.

### Example
```vcl
sub a { call b; }
sub b { call a; }
```"#,
    ),
    checker(
        "subroutine/notfound",
        "a call to a typed subroutine that is not declared",
        r#"### What it does
Reports `NAME()` in an expression when `NAME` is neither a builtin function nor a
declared typed subroutine.

### Why is this bad
Fastly cannot compile the expression.

### Example
```vcl
sub vcl_recv {
  if (is_bot()) { error 403; }     # no `sub is_bot BOOL { ... }`
}
```"#,
    ),
    checker_warning(
        "subroutine/unknown-call-scope",
        "a custom subroutine whose scope cannot be determined",
        r#"### What it does
Reports a custom subroutine that no built-in subroutine calls (directly or
indirectly), has no `_recv`-style name suffix and no `# @scope: recv` annotation, so
the checker cannot tell which variables it may use.

### Why is this bad
Without a scope its body is only checked loosely. It is often dead code.

### Example
```vcl
# @scope: deliver
sub add_security_headers { set resp.http.X-Frame-Options = "DENY"; }
```"#,
    ),
    checker_warning(
        "subroutine/forbid-vcl-pipe",
        "a user-defined `vcl_pipe`",
        r#"### What it does
Reports a `sub vcl_pipe` in custom VCL.

### Why is this bad
Fastly generates `vcl_pipe` itself and does not offer pipe mode to customers; a custom
one is ignored or rejected.

### Example
```vcl
sub vcl_pipe { return(pipe); }
```"#,
    ),
    // ---- penaltybox / ratecounter ----
    checker(
        "penaltybox/syntax",
        "a malformed penaltybox declaration",
        r#"### What it does
Reports a `penaltybox` declaration without a name or body.

### Why is this bad
Fastly rejects it.

### Example
```vcl
penaltybox { }
```"#,
    ),
    checker(
        "counter/invalid",
        "a counter or limiter declaration Fastly rejects",
        r#"### What it does
Reported when VCL is compiled to run and a `counter` or `limiter` declaration breaks
Fastly's rules: a `.type` other than `"estimated"`, a `.time_window` outside 60s–3600s,
a missing `.time_window` (or a limiter's `.max`), a `.max` below 1, or more than 5
counters in one service.

### Why is this bad
Fastly rejects the service (guide "VCL counters and limiters").

### Example
```vcl
counter logins { .type = "estimated"; .time_window = 10s; }
```"#,
    ),
    checker(
        "penaltybox/duplicated",
        "two penalty boxes with the same name",
        r#"### What it does
Reports a `penaltybox` declared twice.

### Why is this bad
Fastly rejects the service.

### Example
```vcl
penaltybox banned { }
penaltybox banned { }
```"#,
    ),
    checker(
        "penaltybox/nonempty-block",
        "a penaltybox with properties",
        r#"### What it does
Reports anything inside a `penaltybox { }` body.

### Why is this bad
Penalty boxes take no configuration; Fastly rejects a non-empty body.

### Example
```vcl
penaltybox banned { .ttl = 10m; }
```"#,
    ),
    checker(
        "penaltybox/notfound",
        "a reference to a penalty box that is not declared",
        r#"### What it does
Reports `ratelimit.penaltybox_add/has` and `ratelimit.check_rate(s)` arguments that
name no declared penaltybox.

### Why is this bad
Fastly cannot compile the call.

### Example
```vcl
sub vcl_recv {
  if (ratelimit.penaltybox_has(baned, client.ip)) { error 429; }
}
```"#,
    ),
    checker(
        "ratecounter/syntax",
        "a malformed ratecounter declaration",
        r#"### What it does
Reports a `ratecounter` declaration without a name or body.

### Why is this bad
Fastly rejects it.

### Example
```vcl
ratecounter { }
```"#,
    ),
    checker(
        "ratecounter/duplicated",
        "two rate counters with the same name",
        r#"### What it does
Reports a `ratecounter` declared twice.

### Why is this bad
Fastly rejects the service.

### Example
```vcl
ratecounter requests { }
ratecounter requests { }
```"#,
    ),
    checker(
        "ratecounter/nonempty-block",
        "a ratecounter with properties",
        r#"### What it does
Reports anything inside a `ratecounter { }` body.

### Why is this bad
Rate counters take no configuration; Fastly rejects a non-empty body.

### Example
```vcl
ratecounter requests { .window = 10s; }
```"#,
    ),
    checker(
        "ratecounter/notfound",
        "a reference to a rate counter that is not declared",
        r#"### What it does
Reports `ratecounter.NAME.*` variables and rate-limit function arguments that name no
declared ratecounter.

### Why is this bad
Fastly cannot compile the reference.

### Example
```vcl
sub vcl_recv {
  if (ratecounter.reqs.rate.10s > 100) { error 429; }
}
```"#,
    ),
    // ---- statements ----
    checker(
        "declare-statement/syntax",
        "a malformed `declare`",
        r#"### What it does
Reports `declare` statements that are not `declare local var.NAME TYPE;` (or `block`),
including names without the `var.` prefix or with a `:`.

### Why is this bad
Fastly rejects the statement.

### Example
```vcl
sub vcl_recv {
  declare local count INTEGER;     # must be var.count
}
```"#,
    ),
    checker(
        "declare-statement/invalid-type",
        "a local variable of an unknown type",
        r#"### What it does
Reports local variables whose type is not one of BOOL, INTEGER, FLOAT, STRING, TIME,
RTIME, IP, BACKEND, ACL.

### Why is this bad
Fastly rejects the declaration.

### Example
```vcl
sub vcl_recv {
  declare local var.n INT;
}
```"#,
    ),
    checker(
        "declare-statement/duplicated",
        "a local variable declared twice in one subroutine",
        r#"### What it does
Reports a second `declare local` of the same name in one subroutine.

### Why is this bad
`declare local` variables live for the whole subroutine even when declared in a nested
block, so the second declaration clashes with the first.

### Example
```vcl
sub vcl_recv {
  declare local var.x STRING;
  if (req.url == "/") { declare local var.x STRING; }
}
```"#,
    ),
    checker(
        "set-statement/syntax",
        "a `set` with a bad target or operator",
        r#"### What it does
Reports `set` statements whose target is not a variable or header, and compound
operators that do not apply to the target's type (`+=` on a BOOL, `&&=` on a STRING).

### Why is this bad
Fastly rejects the statement.

### Example
```vcl
sub vcl_recv {
  set req.http.X += 1;     # arithmetic on a header
}
```"#,
    ),
    checker(
        "unset-statement/syntax",
        "an `unset` of something that cannot be unset",
        r#"### What it does
Reports `unset` (and `remove`) of targets that are not headers, subfields or unsettable
variables, and wildcards anywhere but at the end of a header name.

### Why is this bad
Fastly rejects the statement.

### Example
```vcl
sub vcl_recv {
  unset req.http.X-*-Debug;    # `*` only at the end
}
```"#,
    ),
    checker(
        "add-statement/syntax",
        "an `add` whose target is not an HTTP header",
        r#"### What it does
Reports `add` statements whose target is not a header of `req`, `bereq`, `beresp`,
`obj` or `resp`.

### Why is this bad
`add` appends one more instance of a header (as for `Set-Cookie`); nothing else can be
appended, and Fastly rejects the statement.

### Example
```vcl
sub vcl_recv {
  add req.url = "/x";
}
```"#,
    ),
    checker(
        "call-statement/subroutine-notfound",
        "`call` of a subroutine that is not declared",
        r#"### What it does
Reports `call NAME;` when no custom subroutine `NAME` exists, and `call` of a typed
subroutine (those are used in expressions).

### Why is this bad
Fastly cannot compile the call.

### Example
```vcl
sub vcl_recv {
  call normalise_headers;      # declared as `normalize_headers`
}
```"#,
    ),
    checker(
        "restart-statement/scope",
        "`restart` where Fastly does not allow it",
        r#"### What it does
Reports `restart` outside `vcl_recv`, `vcl_hit`, `vcl_fetch`, `vcl_error` and
`vcl_deliver` (including custom subroutines called from elsewhere).

### Why is this bad
Fastly rejects the subroutine.

### Example
```vcl
sub vcl_miss {
  restart;
}
```"#,
    ),
    checker(
        "error-statement/scope",
        "`error` where Fastly does not allow it",
        r#"### What it does
Reports `error` outside `vcl_recv`, `vcl_hit`, `vcl_miss`, `vcl_pass` and `vcl_fetch`.

### Why is this bad
Fastly rejects the subroutine. In `vcl_deliver` set `resp.status` or `restart`
instead.

### Example
```vcl
sub vcl_deliver {
  error 403;
}
```"#,
    ),
    checker(
        "synthetic-statement/scope",
        "`synthetic` outside `vcl_error`",
        r#"### What it does
Reports `synthetic` anywhere but `vcl_error` (and custom subroutines only called from
it).

### Why is this bad
A synthetic body replaces the body of the error object; Fastly rejects it elsewhere.

### Example
```vcl
sub vcl_recv {
  synthetic "blocked";
}
```"#,
    ),
    checker(
        "synthetic-base64-statement/scope",
        "`synthetic.base64` outside `vcl_error`",
        r#"### What it does
Reports `synthetic.base64` anywhere but `vcl_error`.

### Why is this bad
Like `synthetic`, it only replaces the error object's body; Fastly rejects it
elsewhere.

### Example
```vcl
sub vcl_deliver {
  synthetic.base64 "aGVsbG8=";
}
```"#,
    ),
    // ---- goto ----
    checker(
        "goto/undefined",
        "`goto` a label that does not exist in the subroutine",
        r#"### What it does
Reports `goto NAME;` when the subroutine has no `NAME:` label.

### Why is this bad
Jumps stay within one subroutine; Fastly rejects unknown labels.

### Example
```vcl
sub vcl_recv {
  goto done;
}
```"#,
    ),
    checker(
        "goto/duplicated",
        "a label defined twice in one subroutine",
        r#"### What it does
Reports a second `NAME:` label in the same subroutine.

### Why is this bad
A `goto` must have exactly one target; Fastly rejects the subroutine.

### Example
```vcl
sub vcl_recv {
  goto done;
  done:
  done:
}
```"#,
    ),
    checker(
        "goto/forbidden-backward-jump",
        "`goto` a label that comes before it",
        r#"### What it does
Reports a `goto` whose label appears earlier in the subroutine.

### Why is this bad
Fastly only allows forward jumps, which keeps VCL free of loops.

### Example
```vcl
sub vcl_recv {
  again:
  goto again;
}
```"#,
    ),
    // ---- types, variables, functions ----
    checker(
        "type/mismatch",
        "a value of the wrong type",
        r#"### What it does
Reports assignments, comparisons, arguments and return values whose type does not
match what is expected (after the conversions VCL performs implicitly, such as any
value to STRING in a string context).

### Why is this bad
Fastly rejects the expression.

### Example
```vcl
sub vcl_recv {
  declare local var.n INTEGER;
  set var.n = "10";        # a STRING into an INTEGER: use std.atoi("10")
}
```"#,
    ),
    checker(
        "variable/undefined",
        "a variable that does not exist",
        r#"### What it does
Reports variables that are neither predefined by Fastly nor declared with `declare
local` before use.

### Why is this bad
Fastly cannot compile the reference; it is often a typo (`req.http` names are free,
but `req.*` fields are not).

### Example
```vcl
sub vcl_recv {
  if (req.ur == "/") { }
}
```"#,
    ),
    checker(
        "variable/not-readable",
        "a variable read in a subroutine where it is not available",
        r#"### What it does
Reports reads of variables outside the subroutines where Fastly makes them available
(`beresp.*` outside `vcl_fetch`, `resp.*` before `vcl_deliver`, ...).

### Why is this bad
Fastly rejects the subroutine; custom subroutines inherit the scopes of the built-ins
that call them.

### Example
```vcl
sub vcl_recv {
  if (beresp.status == 200) { }
}
```"#,
    ),
    checker(
        "variable/read-only",
        "`set` of a variable that cannot be written here",
        r#"### What it does
Reports `set` of read-only variables, and of variables that are writable only in other
subroutines.

### Why is this bad
Fastly rejects the statement.

### Example
```vcl
sub vcl_recv {
  set client.ip = "192.0.2.1";
}
```"#,
    ),
    checker(
        "variable/not-unsettable",
        "`unset` of a variable that cannot be unset",
        r#"### What it does
Reports `unset` of variables other than headers and the few variables Fastly marks as
unsettable.

### Why is this bad
Fastly rejects the statement.

### Example
```vcl
sub vcl_recv {
  unset req.url;
}
```"#,
    ),
    checker(
        "variable/protected-header",
        "a write to a header Fastly protects",
        r#"### What it does
Reports `set`, `add` and `unset` of protected headers such as `Content-Length`,
`Transfer-Encoding`, `Fastly-FF` and `Proxy-Authenticate`.

### Why is this bad
Fastly manages these headers itself and rejects changes to them.

### Example
```vcl
sub vcl_deliver {
  unset resp.http.Content-Length;
}
```"#,
    ),
    checker(
        "function/undefined",
        "a call to a function that does not exist",
        r#"### What it does
Reports calls to names that are not Fastly builtin functions (and not typed
subroutines).

### Why is this bad
Fastly cannot compile the call; it is often a typo or a Varnish-only function.

### Example
```vcl
sub vcl_recv {
  set req.http.X = std.lower(req.http.Host);    # std.tolower
}
```"#,
    ),
    checker(
        "function/arguments",
        "a call with the wrong number of arguments",
        r#"### What it does
Reports calls that pass fewer than the required or more than the allowed arguments.

### Why is this bad
Fastly rejects the call.

### Example
```vcl
sub vcl_recv {
  set req.url = regsub(req.url, "^/old");      # the replacement is missing
}
```"#,
    ),
    checker(
        "function/argument-type",
        "a call argument of the wrong type",
        r#"### What it does
Reports arguments whose type does not match the function's signature, including
non-literal regex patterns.

### Why is this bad
Fastly rejects the call; regex patterns must be literals because they are compiled
when the service is loaded.

### Example
```vcl
sub vcl_recv {
  set req.http.X = std.atoi(10);
}
```"#,
    ),
    checker(
        "function/scope",
        "a function called in a subroutine where it is not available",
        r#"### What it does
Reports calls to builtin functions outside the subroutines Fastly allows them in.

### Why is this bad
Fastly rejects the call.

### Example
```vcl
sub vcl_recv {
  resp.tarpit(5);          # only in vcl_deliver
}
```"#,
    ),
    checker(
        "function/unused-return",
        "a function with a return value used as a statement",
        r#"### What it does
Reports statement-position calls to functions that return a value.

### Why is this bad
Fastly only allows VOID functions as statements; the value would be lost anyway.

### Example
```vcl
sub vcl_recv {
  std.tolower(req.url);    # set req.url = std.tolower(req.url);
}
```"#,
    ),
    // ---- return ----
    checker(
        "return/invalid-action",
        "a `return(action)` not allowed in this subroutine",
        r#"### What it does
Reports return states the subroutine does not accept (for example `return(lookup)` in
`vcl_fetch`, or `return(deliver)` in `vcl_miss`).

### Why is this bad
Each built-in subroutine has a fixed set of next states; Fastly rejects any other.

### Example
```vcl
sub vcl_fetch {
  return(lookup);
}
```"#,
    ),
    checker(
        "return/empty-in-builtin",
        "a bare `return;` in a built-in subroutine",
        r#"### What it does
Reports `return;` without a state inside a `vcl_*` subroutine.

### Why is this bad
A bare `return` only leaves a custom subroutine; in a built-in Fastly needs the next
state and rejects it.

### Example
```vcl
sub vcl_recv {
  return;          # return(lookup);
}
```"#,
    ),
    checker(
        "return/value-mismatch",
        "a typed subroutine returning the wrong value",
        r#"### What it does
Reports `return EXPR;` whose type differs from the subroutine's return type, a value
returned from an untyped subroutine, and typed subroutines that can end without
returning.

### Why is this bad
Fastly rejects the subroutine.

### Example
```vcl
sub is_mobile BOOL {
  return "yes";
}
```"#,
    ),
    // ---- misc ----
    checker(
        "regex/syntax",
        "a regular expression PCRE cannot compile",
        r#"### What it does
Compiles every regex literal (`~`, `regsub`, `regsuball`, `querystring.regfilter`,
REGEX tables) with PCRE2 and reports the ones that fail.

### Why is this bad
Fastly compiles regexes when the service is loaded and rejects invalid ones.

### Example
```vcl
sub vcl_recv {
  if (req.url ~ "^/(a|b") { }     # missing `)`
}
```"#,
    ),
    checker(
        "valid-ip",
        "a string that is not a valid IP address where one is required",
        r#"### What it does
Reports IP-typed string literals (ACL entries, IP tables, comparisons with
`client.ip`, `std.ip` fallbacks) that are not IPv4 or IPv6 addresses.

### Why is this bad
Fastly rejects the literal.

### Example
```vcl
sub vcl_recv {
  if (client.ip == "192.0.2.300") { }
}
```"#,
    ),
    checker(
        "operator/assignment",
        "an operator not allowed on the right side of `set`",
        r#"### What it does
Reports `set` values that start with `!` or are bare comparisons.

### Why is this bad
Fastly only accepts a comparison in a value when it is parenthesised and assigned to a
BOOL.

### Example
```vcl
sub vcl_recv {
  declare local var.ok BOOL;
  set var.ok = req.url == "/";     # set var.ok = (req.url == "/");
}
```"#,
    ),
    checker(
        "operator/conditional",
        "an operator applied to operands of the wrong type",
        r#"### What it does
Reports comparisons and matches whose operand types do not fit the operator: `~` on an
INTEGER, `<` on STRINGs, `==` between different types, string concatenation of
non-string literals.

### Why is this bad
Fastly rejects the expression.

### Example
```vcl
sub vcl_recv {
  if (req.restarts ~ "1") { }
}
```"#,
    ),
    checker(
        "runtime/not-supported",
        "VCL that lacquer checks but cannot run yet",
        r#"### What it does
Reported when VCL is compiled to run (`lacquer test`, `lacquer serve`) and it uses a
variable or function the lacquer runtime does not implement yet, such as
`client.socket.cwnd` (TCP statistics of the client connection).

### Why is this bad
lacquer never makes up a value: rather than run your VCL with a wrong answer, it refuses
to run it. `lacquer lint` accepts the same VCL, because Fastly does.

### Example
```vcl
sub vcl_recv {
  set req.http.X-Cwnd = client.socket.cwnd;  # not supported yet
}
```
`cargo run --example runtime_coverage` lists what the runtime implements."#,
    ),
    checker(
        "serve/no-effect",
        "a function `lacquer serve` accepts but cannot act on",
        r#"### What it does
Warns when `lacquer serve` starts with VCL that calls a function whose effect belongs to
a protocol feature lacquer's edge does not have: `h2.push` (HTTP/2 server push),
`h2.disable_header_compression` (HPACK control), `h3.alt_svc` (lacquer does not serve
HTTP/3, so advertising it would send clients to a port nobody serves) and `early_hints`
(`103 Early Hints` responses).

### Why is this bad
The VCL is valid Fastly VCL and runs: the call is recorded (`lacquer test` can assert
it), but nothing changes on the wire. The warning says so instead of letting you believe
the feature works locally.

### Example
```vcl
sub vcl_deliver {
  h2.push("/style.css");  # recorded; no push is sent by lacquer serve
}
```"#,
    ),
    checker(
        "test/outside-test-file",
        "test syntax (`describe`, hooks) in a VCL program",
        r#"### What it does
Reports `describe` blocks outside `*.test.vcl` files.

### Why is this bad
`describe` and its `before_*` / `after_*` hooks are the test framework's syntax (the
format falco users write). Fastly does not know them, so a program containing them
does not compile.

### Example
```vcl
# main.vcl: move this to main.test.vcl and run `lacquer test main.vcl`
describe recv_tests {
  sub test_pass { testing.call_subroutine("vcl_recv"); }
}
```"#,
    ),
    checker(
        "limits/file-size",
        "a program larger than Fastly accepts",
        r#"### What it does
Reports a program whose assembled source exceeds Fastly's VCL size limit (1 MB of
custom VCL per service by default).

### Why is this bad
Fastly refuses to upload or activate the version.

### Example
A 2 MB generated redirect table: move it to an edge dictionary.
"#,
    ),
    checker(
        "limits/sub-calls",
        "a built-in subroutine whose inlined call tree is too large",
        r#"### What it does
Counts, for each built-in subroutine, the calls in its fully inlined call tree (every
`call` of a subroutine that itself calls others counts once per path) and reports it
when the total exceeds Fastly's limit of 25,000.

### Why is this bad
Fastly inlines every `call` when it compiles the service and rejects a program whose
expansion is too large ("Too many sub calls"), even though the source looks small.

### Example
```vcl
sub a { call b; call b; call b; call b; call b; call b; call b; call b; call b; call b; }
sub b { call c; call c; call c; call c; call c; call c; call c; call c; call c; call c; }
# ... five levels of ten calls each expand to 100,000 calls
sub vcl_recv { call a; }
```"#,
    ),
];
