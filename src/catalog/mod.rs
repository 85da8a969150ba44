//! The catalog of Fastly VCL: every predefined variable and builtin function, with its
//! type, the subroutines that may read, write or unset it, and a one-line description
//! in our own words.
//!
//! The tables are data ([`variables::VARIABLES`], [`functions::FUNCTIONS`]); this module
//! owns the types and the lookups (templated names such as `req.http.{NAME}` included).
//! Checked against Fastly's own metadata export by `tests/it/catalog.rs`.

mod functions;
mod lookup;
// `lacquer test`: falco's testing.*/assert.* signatures, resolved only in test mode.
mod testing;
mod variables;

pub use functions::FUNCTIONS;
pub use lookup::{function, variable, VarMatch};
pub use variables::VARIABLES;

/// A `testing.*` / `assert.*` function of falco's test framework (`lacquer test` only).
pub fn testing_function(name: &str) -> Option<&'static FnDef> {
    testing::function(name)
}

/// A `testing.*` variable of falco's test framework (`lacquer test` only).
pub fn testing_variable(name: &str) -> Option<VarMatch<'_>> {
    testing::variable(name)
}

/// Headers VCL may not modify (Fastly's "special headers" page): setting one is a compile
/// error, and `header.set` ignores them.
pub const PROTECTED_HEADERS: &[&str] = &[
    "content-length",
    "content-range",
    "expect",
    "fastly-ff",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Whether VCL may not modify this header (case-insensitive).
pub fn is_protected_header(name: &[u8]) -> bool {
    PROTECTED_HEADERS.iter().any(|p| p.as_bytes().eq_ignore_ascii_case(name))
}

/// A VCL value type, as Fastly's reference names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    String,
    Integer,
    Float,
    Bool,
    Time,
    Rtime,
    Ip,
    Backend,
    Acl,
    Regex,
    /// A bare identifier argument (`req`, a table name, `sha256`, ...).
    Id,
    /// No value: the return type of statement-like functions and untyped subroutines.
    Void,
    /// Any value: test-framework signatures only (`assert.equal(ANY, ANY)`, `lacquer test`).
    Any,
}

impl Type {
    /// The spelling Fastly uses (`STRING`, `RTIME`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Type::String => "STRING",
            Type::Integer => "INTEGER",
            Type::Float => "FLOAT",
            Type::Bool => "BOOL",
            Type::Time => "TIME",
            Type::Rtime => "RTIME",
            Type::Ip => "IP",
            Type::Backend => "BACKEND",
            Type::Acl => "ACL",
            Type::Regex => "REGEX",
            Type::Id => "ID",
            Type::Void => "VOID",
            Type::Any => "ANY",
        }
    }

    /// Parses a type name as written in VCL (`declare local var.x STRING;`).
    pub fn from_name(name: &str) -> Option<Type> {
        Some(match name {
            "STRING" => Type::String,
            "INTEGER" => Type::Integer,
            "FLOAT" => Type::Float,
            "BOOL" => Type::Bool,
            "TIME" => Type::Time,
            "RTIME" => Type::Rtime,
            "IP" => Type::Ip,
            "BACKEND" => Type::Backend,
            "ACL" => Type::Acl,
            "REGEX" => Type::Regex,
            "ID" => Type::Id,
            "VOID" => Type::Void,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of the nine built-in subroutines (plus `vcl_pipe`, which Fastly generates).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubKind {
    Recv,
    Hash,
    Hit,
    Miss,
    Pass,
    Fetch,
    Error,
    Deliver,
    Log,
    Pipe,
}

impl SubKind {
    pub const ALL: [SubKind; 10] = [
        SubKind::Recv,
        SubKind::Hash,
        SubKind::Hit,
        SubKind::Miss,
        SubKind::Pass,
        SubKind::Fetch,
        SubKind::Error,
        SubKind::Deliver,
        SubKind::Log,
        SubKind::Pipe,
    ];

    /// The short name (`recv`), as used by `#FASTLY recv`, snippet types and scopes.
    pub fn as_str(self) -> &'static str {
        match self {
            SubKind::Recv => "recv",
            SubKind::Hash => "hash",
            SubKind::Hit => "hit",
            SubKind::Miss => "miss",
            SubKind::Pass => "pass",
            SubKind::Fetch => "fetch",
            SubKind::Error => "error",
            SubKind::Deliver => "deliver",
            SubKind::Log => "log",
            SubKind::Pipe => "pipe",
        }
    }

    /// The subroutine name (`vcl_recv`).
    pub fn sub_name(self) -> &'static str {
        match self {
            SubKind::Recv => "vcl_recv",
            SubKind::Hash => "vcl_hash",
            SubKind::Hit => "vcl_hit",
            SubKind::Miss => "vcl_miss",
            SubKind::Pass => "vcl_pass",
            SubKind::Fetch => "vcl_fetch",
            SubKind::Error => "vcl_error",
            SubKind::Deliver => "vcl_deliver",
            SubKind::Log => "vcl_log",
            SubKind::Pipe => "vcl_pipe",
        }
    }

    pub fn from_short(name: &str) -> Option<SubKind> {
        SubKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    pub fn from_sub_name(name: &str) -> Option<SubKind> {
        SubKind::ALL.into_iter().find(|k| k.sub_name() == name)
    }

    /// The scope bit of this subroutine.
    pub fn scope(self) -> Scopes {
        Scopes(1 << self as u16)
    }

    /// The `return(STATE)` actions Fastly accepts in this subroutine
    /// (Fastly's `subroutines.json`, plus `pipe` for the generated `vcl_pipe`).
    pub fn returns(self) -> &'static [&'static str] {
        match self {
            SubKind::Recv => &["lookup", "pass", "error", "restart", "upgrade", "pipe", "challenge"],
            SubKind::Hash => &["hash"],
            SubKind::Hit => &["deliver", "pass", "error", "restart"],
            SubKind::Miss => &["fetch", "deliver_stale", "pass", "error"],
            SubKind::Pass => &["pass", "error"],
            SubKind::Fetch => &["deliver", "deliver_stale", "pass", "hit_for_pass", "error", "restart"],
            SubKind::Error => &["deliver", "deliver_stale", "restart"],
            SubKind::Deliver => &["deliver", "restart"],
            SubKind::Log => &["deliver"],
            SubKind::Pipe => &["pipe", "error"],
        }
    }
}

/// A set of subroutine scopes (a bit per [`SubKind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Scopes(pub u16);

impl Scopes {
    pub const NONE: Scopes = Scopes(0);
    /// The nine customer-visible subroutines (Fastly's "all").
    pub const ALL: Scopes = Scopes(0b01_1111_1111);
    pub const RECV: Scopes = Scopes(1 << SubKind::Recv as u16);
    pub const HASH: Scopes = Scopes(1 << SubKind::Hash as u16);
    pub const HIT: Scopes = Scopes(1 << SubKind::Hit as u16);
    pub const MISS: Scopes = Scopes(1 << SubKind::Miss as u16);
    pub const PASS: Scopes = Scopes(1 << SubKind::Pass as u16);
    pub const FETCH: Scopes = Scopes(1 << SubKind::Fetch as u16);
    pub const ERROR: Scopes = Scopes(1 << SubKind::Error as u16);
    pub const DELIVER: Scopes = Scopes(1 << SubKind::Deliver as u16);
    pub const LOG: Scopes = Scopes(1 << SubKind::Log as u16);
    pub const PIPE: Scopes = Scopes(1 << SubKind::Pipe as u16);

    pub const fn union(self, other: Scopes) -> Scopes {
        Scopes(self.0 | other.0)
    }

    pub const fn contains(self, kind: SubKind) -> bool {
        self.0 & (1 << kind as u16) != 0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn intersects(self, other: Scopes) -> bool {
        self.0 & other.0 != 0
    }

    /// The scopes in subroutine order.
    pub fn iter(self) -> impl Iterator<Item = SubKind> {
        SubKind::ALL.into_iter().filter(move |k| self.contains(*k))
    }

    /// `recv, hash, ...` or `all` when every customer scope is in.
    pub fn describe(self) -> String {
        if self.0 & Scopes::ALL.0 == Scopes::ALL.0 {
            return "all".to_string();
        }
        if self.is_empty() {
            return "none".to_string();
        }
        self.iter().map(SubKind::as_str).collect::<Vec<_>>().join(", ")
    }
}

impl std::ops::BitOr for Scopes {
    type Output = Scopes;
    fn bitor(self, rhs: Scopes) -> Scopes {
        self.union(rhs)
    }
}

/// Where a catalog entry comes from (see the catalog's tiers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// In Fastly's public metadata.
    Documented,
    /// Documented on fastly.com, newer than the metadata snapshot.
    Newer,
    /// Legacy or undocumented: accepted for compatibility, linted as deprecated.
    Legacy,
}

/// A predefined variable. Templated names spell the variable part as Fastly does:
/// `req.http.{NAME}`, `backend.{NAME}.healthy`, `re.group.{N}`.
#[derive(Debug, Clone, Copy)]
pub struct VarDef {
    pub name: &'static str,
    pub ty: Type,
    /// Subroutines in which the variable can be read.
    pub read: Scopes,
    /// Subroutines in which the variable can be `set`.
    pub write: Scopes,
    /// Subroutines in which the variable can be `unset`.
    pub unset: Scopes,
    pub tier: Tier,
    pub deprecated: bool,
    pub doc: &'static str,
}

/// How many times an argument may appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    Required,
    Optional,
    /// Zero or more further arguments of this type.
    Variadic,
}

#[derive(Debug, Clone, Copy)]
pub struct ArgDef {
    pub name: &'static str,
    pub ty: Type,
    pub arity: Arity,
}

/// A builtin function.
#[derive(Debug, Clone, Copy)]
pub struct FnDef {
    pub name: &'static str,
    pub ret: Type,
    pub args: &'static [ArgDef],
    /// Subroutines from which the function may be called.
    pub scopes: Scopes,
    pub tier: Tier,
    pub deprecated: bool,
    pub doc: &'static str,
}

impl FnDef {
    /// The fewest arguments a call must pass.
    pub fn min_args(&self) -> usize {
        self.args.iter().filter(|a| a.arity == Arity::Required).count()
    }

    /// The most arguments a call may pass (`None`: variadic).
    pub fn max_args(&self) -> Option<usize> {
        if self.args.iter().any(|a| a.arity == Arity::Variadic) {
            None
        } else {
            Some(self.args.len())
        }
    }
}
