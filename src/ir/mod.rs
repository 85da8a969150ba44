//! The compiled program: an immutable, resolved form of a checked VCL program that the
//! interpreter runs on the request path. Variables are typed handles or local slots,
//! header names are pre-parsed, functions are direct calls, regex literals are compiled
//! once (PCRE2, JIT where available), tables and ACLs are lookup structures, and source
//! spans live in a side table for errors and tracing.
//!
//! Architecture Invariant: a `Program` is immutable and shared as `Arc<Program>`; nothing
//! on the request path looks a name up, compiles a regex or walks the AST.

use std::collections::HashMap;

use bytes::Bytes;

pub mod acl;
pub mod automaton;
pub mod intern;
pub mod literal;
mod lower;
pub mod prefilter;
pub mod vars;

pub use acl::{Acl, AclEntry};
pub use lower::{compile, compile_with};
pub use vars::BVar;

use crate::catalog::{SubKind, Type};
use crate::interp::builtins::Builtin;
use crate::interp::value::{Obj, Value};
use crate::syntax::ast::{AssignOp, CompareOp};
use crate::syntax::Span;

/// Whether the runtime can run a catalog variable (by its catalog name, templates
/// included): `lacquer lint` accepts every catalog name, compiling reports the rest as
/// "not supported yet".
pub fn runtime_supports_variable(catalog_name: &str) -> bool {
    vars::by_name(catalog_name).is_some()
        || vars::constant(catalog_name).is_some()
        || catalog_name.contains(".http.{NAME}")
        || matches!(
            catalog_name,
            "re.group.{N}"
                | "backend.{NAME}.healthy"
                | "director.{NAME}.healthy"
                | "backend.{NAME}.connections_open"
                | "backend.{NAME}.connections_used"
        )
        || catalog_name.starts_with("ratecounter.{NAME}.")
        // Collection handles (`std.count(req.headers)`): arguments, not string values.
        || catalog_name.strip_suffix(".headers").is_some_and(|obj| crate::interp::value::Obj::from_name(obj).is_some())
        || catalog_name.starts_with("testing.")
}

/// A compiled service version.
#[derive(Debug, Default)]
pub struct Program {
    pub subs: Vec<Sub>,
    /// The subroutines compiled to closures, by the same index as `subs` (what runs).
    pub code: Vec<crate::interp::Code>,
    /// The compiled built-in subroutines, by `SubKind as usize`.
    pub entries: [Option<u32>; 10],
    pub backends: Vec<BackendInfo>,
    pub acls: Vec<Acl>,
    pub tables: Vec<Table>,
    pub regexes: Vec<Regex>,
    /// The searched prefilter literals of all `regexes` together (each regex's bit is
    /// [`Regex::set_bit`]), when there are enough of them.
    pub prefilter_set: Option<prefilter::PrefilterSet>,
    pub ratecounters: Vec<String>,
    pub penaltyboxes: Vec<String>,
    /// `counter` declarations, by `Id::Counter` index.
    pub counters: Vec<CounterDecl>,
    /// `limiter` declarations, by `Id::Limiter` index.
    pub limiters: Vec<LimiterDecl>,
    /// The MD5 of the VCL source this program was compiled from, in hex (`req.vcl.md5`);
    /// set by whoever holds the source ([`crate::assemble::Program::source_md5`]), empty
    /// when nobody did.
    pub vcl_md5: String,
}

/// A `counter NAME { .type = "estimated"; .time_window = ...; }` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct CounterDecl {
    pub name: String,
    /// `.time_window` in nanoseconds (60s–3600s).
    pub window: i64,
}

/// A `limiter NAME { .max = ...; .time_window = ...; }` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct LimiterDecl {
    pub name: String,
    /// `.max`: the value the limiter stops counting at (at least 1).
    pub max: i64,
    /// `.time_window` in nanoseconds (60s–3600s).
    pub window: i64,
}

impl Program {
    /// The subroutine Fastly runs for `kind`, if the VCL defines it.
    pub fn entry(&self, kind: SubKind) -> Option<&Sub> {
        self.entries[kind as usize].map(|i| &self.subs[i as usize])
    }

    /// A subroutine by name (custom ones included).
    pub fn sub_by_name(&self, name: &str) -> Option<u32> {
        self.subs.iter().position(|s| s.name == name).map(|i| i as u32)
    }
}

/// A compiled subroutine.
#[derive(Debug)]
pub struct Sub {
    pub name: String,
    pub kind: Option<SubKind>,
    /// Number of local slots (parameters first).
    pub slots: u16,
    /// Zero value of each slot (Fastly: 0, false, not set).
    pub slot_init: Vec<Value>,
    pub params: Vec<Type>,
    pub ret: Option<Type>,
    pub body: Vec<Stmt>,
    /// Span of each statement, by [`Stmt::id`] (for tracing and coverage).
    pub spans: Vec<Span>,
}

/// A statement with its id (index into the subroutine's span table).
#[derive(Debug, Clone)]
pub struct Stmt {
    pub id: u32,
    pub kind: StmtKind,
}

#[derive(Debug, Clone)]
pub enum StmtKind {
    Set {
        place: Place,
        op: AssignOp,
        value: Expr,
    },
    Unset(Place),
    Add {
        place: Place,
        value: Expr,
    },
    Call {
        sub: u32,
        args: Vec<Expr>,
    },
    /// Reset a local to its zero value or initialise it.
    Declare {
        slot: u16,
        init: Option<Expr>,
    },
    Return(Return),
    Error {
        status: Option<Expr>,
        message: Option<Expr>,
    },
    Restart,
    Esi,
    Synthetic {
        base64: bool,
        value: Expr,
    },
    Log(Expr),
    /// Jump forward to the label with this id.
    Goto(u32),
    Label(u32),
    If {
        branches: Vec<(Expr, Vec<Stmt>)>,
        otherwise: Vec<Stmt>,
    },
    Block(Vec<Stmt>),
    /// A VOID function call.
    Eval(Expr),
    /// `switch (subject) { ... }`: the subject, as a string, is tested against each
    /// case in order (`default` last, wherever it is written); the first that matches
    /// runs until `break`, or on into the next case's body after `fallthrough`.
    Switch {
        subject: Expr,
        cases: Vec<Case>,
    },
    /// `break;`: leaves the enclosing `switch`.
    Break,
    /// `fallthrough;`: continues with the next case's body.
    Fallthrough,
}

/// One `case` (or `default`) of a `switch`.
#[derive(Debug, Clone)]
pub struct Case {
    pub test: CaseTest,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone)]
pub enum CaseTest {
    Default,
    /// `case "text":` (the label converted to a string).
    Equals(Expr),
    /// `case ~ "regex":` (sets `re.group.*` like `~`).
    Matches(u32),
}

#[derive(Debug, Clone)]
pub enum Return {
    /// `return;` from a custom subroutine.
    Bare,
    Action(Action),
    Value(Expr),
}

/// What a subroutine decided (`return(STATE)`, `error`, `restart`).
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Lookup,
    Pass,
    Pipe,
    Hash,
    Fetch,
    Deliver,
    DeliverStale,
    HitForPass,
    Restart,
    Upgrade,
    Challenge,
    /// `error STATUS "MESSAGE"`: the request continues in `vcl_error`.
    Error {
        status: i64,
        message: Bytes,
    },
}

impl Action {
    pub fn from_name(name: &str) -> Option<Action> {
        Some(match name {
            "lookup" => Action::Lookup,
            "pass" => Action::Pass,
            "pipe" => Action::Pipe,
            "hash" => Action::Hash,
            "fetch" => Action::Fetch,
            "deliver" => Action::Deliver,
            "deliver_stale" => Action::DeliverStale,
            "hit_for_pass" => Action::HitForPass,
            "restart" => Action::Restart,
            "upgrade" => Action::Upgrade,
            "challenge" => Action::Challenge,
            "error" => Action::Error { status: 503, message: Bytes::new() },
            _ => return None,
        })
    }

    /// The name as VCL writes it (`deliver_stale`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Lookup => "lookup",
            Action::Pass => "pass",
            Action::Pipe => "pipe",
            Action::Hash => "hash",
            Action::Fetch => "fetch",
            Action::Deliver => "deliver",
            Action::DeliverStale => "deliver_stale",
            Action::HitForPass => "hit_for_pass",
            Action::Restart => "restart",
            Action::Upgrade => "upgrade",
            Action::Challenge => "challenge",
            Action::Error { .. } => "error",
        }
    }

    /// What a built-in subroutine does when it ends without `return` (catalog 5.1).
    pub fn default_for(kind: SubKind) -> Action {
        match kind {
            SubKind::Recv => Action::Lookup,
            SubKind::Hash => Action::Hash,
            SubKind::Miss => Action::Fetch,
            SubKind::Pass => Action::Pass,
            SubKind::Pipe => Action::Pipe,
            _ => Action::Deliver,
        }
    }
}

/// Something `set`, `unset` and `add` write to.
#[derive(Debug, Clone)]
pub enum Place {
    Local(u16),
    Var(Var),
}

/// A resolved variable.
#[derive(Debug, Clone)]
pub enum Var {
    /// `req.http.Name` (the name as written).
    Header(Obj, Bytes),
    /// `req.http.Name:key`
    HeaderField(Obj, Bytes, Bytes),
    /// `req.http.Prefix*` (unset only)
    HeaderPrefix(Obj, Bytes),
    ReGroup(u8),
    Builtin(BVar),
    BackendHealthy(u32),
    /// `backend.NAME.connections_open` (`used: false`) or `.connections_used`.
    BackendConnections {
        backend: u32,
        used: bool,
    },
    /// `ratecounter.NAME.bucket.Ns` (a count) or `ratecounter.NAME.rate.Ns` (per second)
    /// of the counter's most recently incremented entry.
    RateCounter {
        rc: u32,
        rate: bool,
        seconds: i64,
    },
}

/// A resolved expression.
#[derive(Debug, Clone)]
pub enum Expr {
    Const(Value),
    Local(u16),
    Var(Var),
    /// A builtin function with its arguments, each converted to its parameter type.
    Call {
        name: &'static str,
        f: Builtin,
        args: Vec<(Expr, Conv)>,
    },
    /// A typed custom subroutine.
    CallSub {
        sub: u32,
        args: Vec<Expr>,
    },
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Compare {
        op: CompareOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `~` against a literal regex (compiled once; index into `Program::regexes`).
    Match {
        negate: bool,
        subject: Box<Expr>,
        regex: u32,
    },
    /// `~` against a REGEX value (a local or `table.lookup_regex`).
    MatchDynamic {
        negate: bool,
        subject: Box<Expr>,
        regex: Box<Expr>,
    },
    /// `client.ip ~ acl`
    MatchAcl {
        negate: bool,
        subject: Box<Expr>,
        acl: Box<Expr>,
    },
    /// String concatenation; not-set parts render as `""`.
    Concat(Vec<Expr>),
    /// `TIME + RTIME` / `TIME - RTIME`.
    TimeShift {
        time: Box<Expr>,
        delta: Box<Expr>,
        subtract: bool,
    },
    /// An implicit conversion to the target type of an assignment.
    Convert(Box<Expr>, Conv),
}

/// Conversions the compiler inserts where Fastly converts implicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conv {
    /// Keep the value as it is.
    None,
    /// To STRING, not-set kept as not-set.
    String,
    /// To FLOAT (from INTEGER; from TIME/RTIME as seconds).
    Float,
    /// To INTEGER (from FLOAT truncated; from TIME/RTIME as seconds).
    Integer,
    /// STRING to IP (not set when unparseable).
    Ip,
    /// To TIME (a STRING date, numbers as seconds since the epoch).
    Time,
    /// To RTIME (a STRING duration, numbers as seconds).
    Rtime,
}

/// A backend or director, by name.
#[derive(Debug, Clone)]
pub struct BackendInfo {
    pub name: String,
    pub is_director: bool,
    /// The declared connection settings (`lacquer serve` connects with them); empty for
    /// directors.
    pub props: BackendProps,
    /// The director's policy and members (`Some` exactly when `is_director`).
    pub director: Option<DirectorInfo>,
}

/// A backend declaration's connection settings, as written. `None`: not declared, so
/// Fastly's default applies (port 80, connect 1s, first byte 15s, between bytes 10s).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BackendProps {
    pub host: Option<String>,
    /// `.port`, a quoted number in Fastly's VCL.
    pub port: Option<String>,
    pub ssl: bool,
    pub host_header: Option<String>,
    pub always_use_host_header: bool,
    /// Nanoseconds.
    pub connect_timeout: Option<i64>,
    pub first_byte_timeout: Option<i64>,
    pub between_bytes_timeout: Option<i64>,
    pub max_connections: Option<i64>,
    /// `.ssl_cert_hostname`: the name the origin's certificate must carry.
    pub ssl_cert_hostname: Option<String>,
    /// `.ssl_sni_hostname`: the SNI sent to the origin.
    pub ssl_sni_hostname: Option<String>,
    /// `.ssl_hostname` (deprecated): both of the above at once.
    pub ssl_hostname: Option<String>,
    /// `.ssl_check_cert`: `Some(false)` for `never`; `None` means Fastly's `always`.
    pub ssl_check_cert: Option<bool>,
    /// `.ssl_ca_cert`: PEM of an extra trust root.
    pub ssl_ca_cert: Option<String>,
    pub ssl_client_cert: Option<String>,
    pub ssl_client_key: Option<String>,
    pub ssl_ciphers: Option<String>,
    /// `.min_tls_version` / `.max_tls_version`, e.g. `"1.2"`.
    pub min_tls_version: Option<String>,
    pub max_tls_version: Option<String>,
    /// `.probe = { ... }`: the health check, as written.
    pub probe: Option<ProbeProps>,
}

/// A backend's `.probe` block as written. `None`: not declared, so the default applies
/// (`backend::health` holds Fastly's defaults).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProbeProps {
    /// `.request`: the request lines (one string literal per line).
    pub request: Vec<String>,
    /// `.url` (Varnish heritage): a GET of this path when `.request` is absent.
    pub url: Option<String>,
    pub expected_response: Option<i64>,
    /// Nanoseconds.
    pub interval: Option<i64>,
    /// Nanoseconds.
    pub timeout: Option<i64>,
    pub window: Option<i64>,
    pub threshold: Option<i64>,
    pub initial: Option<i64>,
    /// `.dummy = true`: no HTTP checks, the backend is always healthy.
    pub dummy: bool,
}

/// A director: its policy, director-level fields and members (resolved to backend
/// indices; a member may itself be a director).
#[derive(Debug, Clone, PartialEq)]
pub struct DirectorInfo {
    pub kind: DirectorKind,
    /// `.quorum`, percent of the total member weight that must be healthy. `None`: healthy
    /// when at least one member is.
    pub quorum: Option<u32>,
    /// `.retries` (random): attempts before giving up. `None`: the number of members.
    pub retries: Option<u32>,
    /// chash `.key`.
    pub key: ChashKey,
    /// chash `.seed`.
    pub seed: u32,
    /// chash `.vnodes_per_node`. `None`: the runtime's default.
    pub vnodes_per_node: Option<u32>,
    pub members: Vec<DirectorMember>,
}

impl DirectorInfo {
    /// A director of `kind` with no members and every field at its default.
    pub fn new(kind: DirectorKind) -> DirectorInfo {
        DirectorInfo {
            kind,
            quorum: None,
            retries: None,
            key: ChashKey::Object,
            seed: 0,
            vnodes_per_node: None,
            members: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectorKind {
    Random,
    Hash,
    Client,
    Fallback,
    Chash,
    /// Fastly's generated shield directors (no members the runtime can use).
    Shield,
}

impl DirectorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DirectorKind::Random => "random",
            DirectorKind::Hash => "hash",
            DirectorKind::Client => "client",
            DirectorKind::Fallback => "fallback",
            DirectorKind::Chash => "chash",
            DirectorKind::Shield => "shield",
        }
    }
}

/// What a chash director hashes: the object (cache key) or the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChashKey {
    #[default]
    Object,
    Client,
}

/// One `{ .backend = ...; }` member of a director.
#[derive(Debug, Clone, PartialEq)]
pub struct DirectorMember {
    /// Index into the program's backends.
    pub backend: u32,
    /// `.weight`; 1 when not declared (fallback and chash members).
    pub weight: u32,
    /// chash `.id`.
    pub id: Option<String>,
}

/// How many `re.group.*` a match records (`re.group.0` ... `re.group.19`).
pub const RE_GROUPS: usize = 20;

/// Where each group of a match lies in the subject: `(start, end)` byte offsets, in a
/// small plain array (a match fills it, `re.group.*` keep a copy). Subjects are header
/// values and URLs, far below 4 GiB: a group beyond `u32` offsets reads as not set. Only
/// the first `len` entries mean anything, so a match without groups writes one entry,
/// not twenty, and a copy copies what the match set.
#[derive(Clone, Copy)]
pub struct GroupSpans {
    len: u8,
    spans: [(u32, u32); RE_GROUPS],
}

impl PartialEq for GroupSpans {
    fn eq(&self, other: &GroupSpans) -> bool {
        self.len == other.len && self.spans[..self.len as usize] == other.spans[..other.len as usize]
    }
}

impl Eq for GroupSpans {}

impl std::fmt::Debug for GroupSpans {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries((0..self.len as usize).map(|i| self.get(i))).finish()
    }
}

/// A group that did not take part in the match.
const NO_SPAN: (u32, u32) = (u32::MAX, u32::MAX);

impl GroupSpans {
    /// No group set. (Entries past `len` mean nothing; zeros make this a few vector
    /// stores rather than a copy.)
    pub const NONE: GroupSpans = GroupSpans { len: 0, spans: [(0, 0); RE_GROUPS] };

    /// Group `i`'s byte range, `None` when it did not take part.
    pub fn get(&self, i: usize) -> Option<(usize, usize)> {
        if i >= self.len as usize {
            return None;
        }
        let (start, end) = self.spans[i];
        (start != u32::MAX).then_some((start as usize, end as usize))
    }

    pub fn set(&mut self, i: usize, span: Option<(usize, usize)>) {
        if i >= RE_GROUPS {
            return;
        }
        let len = self.len as usize;
        if i >= len {
            self.spans[len..i].fill(NO_SPAN);
            self.len = i as u8 + 1;
        }
        self.spans[i] = match span.map(|(start, end)| (u32::try_from(start), u32::try_from(end))) {
            Some((Ok(start), Ok(end))) if start != u32::MAX => (start, end),
            _ => NO_SPAN,
        };
    }

    /// Only the whole match (`re.group.0`), for patterns without groups.
    pub fn whole(span: (usize, usize)) -> GroupSpans {
        let mut spans = GroupSpans::NONE;
        spans.set_whole(span);
        spans
    }

    /// Makes these the groups of a match without capture groups.
    pub fn set_whole(&mut self, span: (usize, usize)) {
        self.len = 0;
        self.set(0, Some(span));
    }

    /// Makes these a copy of `other` (only the entries it set).
    pub fn copy_from(&mut self, other: &GroupSpans) {
        let n = other.len as usize;
        self.spans[..n].copy_from_slice(&other.spans[..n]);
        self.len = other.len;
    }
}

/// A compiled regex literal.
#[derive(Debug)]
pub struct Regex {
    pub pattern: String,
    pub regex: pcre2::bytes::Regex,
    /// A literal every match contains, checked before running the regex.
    pub prefilter: Option<prefilter::Prefilter>,
    /// The prefilter's bit in [`Program::prefilter_set`].
    pub set_bit: Option<u32>,
    /// When the pattern is a small finite set of strings without capture groups, the
    /// matcher that answers `~` in PCRE2's place (`literal.rs`).
    literal: Option<literal::LiteralSet>,
    /// When the pattern is a literal prefix and the rest of the line in a group
    /// (`^www\.(.+)$`), the matcher that answers in PCRE2's place (`literal.rs`).
    prefix_group: Option<literal::PrefixGroup>,
    /// In a program that never reads `re.group.0`, for a pattern without capture groups
    /// whose syntax reads the same to `regex-syntax`: the automaton that answers `~` in
    /// PCRE2's place, saying only whether it matches (`automaton.rs`).
    automaton: Option<automaton::Automaton>,
    /// The program never reads `re.group.0` ([`Regex::whole_match_unread`]).
    whole_unread: bool,
    /// Whether the pattern has capture groups (beyond the whole match); asked once, as
    /// PCRE2 answers it with a pattern-info call.
    has_groups: bool,
    /// Reusable PCRE2 match data for patterns with capture groups, so a match does not
    /// allocate on the request path. This scratch space is the only mutable part of a
    /// `Program`; it never changes what a match returns.
    locations: std::sync::Mutex<Vec<pcre2::bytes::CaptureLocations>>,
}

/// Regexes compiled so far by this process ([`Regex::new`]); the interpreter benchmark
/// checks that running requests adds none.
static COMPILATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many regexes this process has compiled (every one when a program is built; none
/// while requests run).
pub fn regex_compilations() -> u64 {
    COMPILATIONS.load(std::sync::atomic::Ordering::Relaxed)
}

impl Regex {
    /// Compiles a pattern once: PCRE2 (JIT when available), its prefilter, and its literal
    /// set when it has one. The builder sets neither UTF nor UCP: a pattern's bytes are its
    /// characters, and `(?i)` folds ASCII letters only (`literal.rs` relies on this).
    pub fn new(pattern: &str) -> Result<Regex, pcre2::Error> {
        COMPILATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let regex = pcre2::bytes::RegexBuilder::new().jit_if_available(true).build(pattern)?;
        let has_groups = regex.captures_len() > 1;
        let prefix_group = if has_groups { literal::PrefixGroup::for_pattern(pattern) } else { None };
        Ok(Regex {
            pattern: pattern.to_string(),
            has_groups,
            regex,
            // A pattern answered without PCRE2 has no use for a prefilter.
            prefilter: if prefix_group.is_some() { None } else { prefilter::for_pattern(pattern) },
            set_bit: None,
            literal: if has_groups { None } else { literal::LiteralSet::for_pattern(pattern) },
            automaton: None,
            whole_unread: false,
            prefix_group,
            locations: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// For a program that never reads `re.group.0`: a match of this regex then leaves
    /// nothing readable but whether it matched, which an automaton can answer for
    /// patterns without capture groups (`automaton.rs`).
    pub fn whole_match_unread(&mut self) {
        self.whole_unread = true;
        if !self.has_groups && self.literal.is_none() {
            self.automaton = automaton::Automaton::for_pattern(&self.pattern);
        }
    }

    /// Whether a match leaves something of its subject readable (`re.group.N`): false
    /// for a pattern without capture groups in a program that never reads `re.group.0`,
    /// whose match records no subject at all.
    pub fn match_is_read(&self) -> bool {
        self.has_groups || !self.whole_unread
    }

    /// The literal set that answers `~` for this pattern in PCRE2's place, if it has one.
    pub fn literal(&self) -> Option<&literal::LiteralSet> {
        self.literal.as_ref()
    }

    /// Matches `subject` in one pass, filling `spans` with the groups' ranges when it
    /// matches. A literal set answers alone; otherwise the prefilter runs first, then
    /// PCRE2, whose error (match limit) is returned.
    pub fn match_groups(&self, subject: &[u8], spans: &mut GroupSpans) -> Result<bool, pcre2::Error> {
        self.match_groups_filtered(subject, spans, true)
    }

    /// [`Regex::match_groups`], checking the prefilter only with `prefilter` set (the
    /// caller may know the answer already, from [`Program::prefilter_set`]).
    pub fn match_groups_filtered(
        &self,
        subject: &[u8],
        spans: &mut GroupSpans,
        prefilter: bool,
    ) -> Result<bool, pcre2::Error> {
        if let Some(set) = &self.literal {
            let Some(span) = set.find(subject) else { return Ok(false) };
            spans.set_whole(span);
            return Ok(true);
        }
        if let Some(shape) = &self.prefix_group {
            let Some((whole, group)) = shape.find(subject) else { return Ok(false) };
            spans.set_whole(whole);
            spans.set(1, Some(group));
            return Ok(true);
        }
        if prefilter && self.prefilter.as_ref().is_some_and(|p| !p.may_match(subject)) {
            return Ok(false);
        }
        if let Some(found) = self.automaton.as_ref().and_then(|a| a.is_match(subject)) {
            // Only in programs that never read `re.group.0`: where the match lies is
            // not kept.
            if found {
                spans.set_whole((0, 0));
            }
            return Ok(found);
        }
        if !self.has_groups {
            // No capture groups: only `re.group.0`, and PCRE2's pooled match data does.
            let Some(m) = self.regex.find(subject)? else { return Ok(false) };
            spans.set_whole((m.start(), m.end()));
            return Ok(true);
        }
        // One PCRE2 run that records the groups, with match data from the pool (so a
        // match does not allocate).
        let pooled = self.locations.lock().map(|mut pool| pool.pop()).unwrap_or(None);
        let mut locs = pooled.unwrap_or_else(|| self.regex.capture_locations());
        let found = self.regex.captures_read(&mut locs, subject);
        if let Ok(Some(_)) = found {
            spans.len = 0;
            for i in 0..locs.len().min(RE_GROUPS) {
                spans.set(i, locs.get(i));
            }
        }
        if let Ok(mut pool) = self.locations.lock() {
            pool.push(locs);
        }
        Ok(found?.is_some())
    }
}

/// A `table` with its value type and entries.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub ty: Type,
    pub entries: TableEntries,
}

/// A table's entries by key. The keys are fixed when the program is compiled (a request
/// cannot add colliding keys), so a fast non-keyed hash serves.
pub type TableEntries = HashMap<Bytes, Value, std::hash::BuildHasherDefault<KeyHasher>>;

/// xxh3 over a table key (one call for the bytes; the length is mixed in cheaply).
#[derive(Debug, Default)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxhash_rust::xxh3::xxh3_64_with_seed(bytes, self.0);
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0 ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A checked and compiled program for unit tests (panics on any error diagnostic).
#[cfg(test)]
pub fn compile_for_tests(src: &str) -> Program {
    use crate::assemble::{MemoryLoader, SourceKind};
    let a = crate::analysis::analyze("test.vcl", src.as_bytes(), SourceKind::File, &mut MemoryLoader::default(), false);
    let errors: Vec<_> =
        a.diagnostics.iter().filter(|d| d.severity == crate::diag::Severity::Error).map(|d| &d.message).collect();
    assert!(errors.is_empty(), "check errors: {errors:?}");
    let (program, diags) = compile(&a.program.unit, &a.model);
    assert!(diags.is_empty(), "compile errors: {:?}", diags.iter().map(|d| &d.message).collect::<Vec<_>>());
    program
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Groups left over from an earlier match: all twenty set.
    fn stale_groups() -> GroupSpans {
        let mut spans = GroupSpans::NONE;
        for i in 0..RE_GROUPS {
            spans.set(i, Some((9, 9)));
        }
        spans
    }

    #[test]
    fn group_spans_compare_and_copy_only_what_a_match_set() {
        let mut a = stale_groups();
        a.set_whole((1, 2));
        assert_eq!(a, GroupSpans::whole((1, 2)));
        assert_eq!(a.get(1), None);
        let mut b = stale_groups();
        b.copy_from(&a);
        assert_eq!(b, a);
        b.set(3, Some((4, 5)));
        assert_eq!((b.get(1), b.get(2), b.get(3)), (None, None, Some((4, 5))));
        b.set(RE_GROUPS, Some((0, 1)));
        assert_eq!(b.get(RE_GROUPS), None);
    }

    /// Runs `vcl_recv` of `src` on a request for `url` and returns `req.http.X-Out`.
    fn recv_out(src: &str, url: &'static str) -> Option<bytes::Bytes> {
        let program = compile_for_tests(src);
        let mut st = crate::interp::state::ReqState::default();
        st.req.url = bytes::Bytes::from_static(url.as_bytes());
        crate::interp::run(&program, SubKind::Recv, &mut st, &crate::interp::Runtime::default()).unwrap();
        st.req.headers.get(b"X-Out").cloned()
    }

    #[test]
    fn an_automaton_answers_only_where_the_whole_match_is_never_read() {
        let pattern = "(?:^|&)(?:utm_[a-z]+|gclid)=";
        // Nothing reads re.group.0: the automaton says whether it matches, and a match
        // still leaves re.group.1 unset (Fastly: groups the pattern lacks are not set).
        let unread = format!(
            r#"sub vcl_recv {{
              if (req.url ~ "^/(a)") {{ }}
              if (req.url.qs ~ "{pattern}") {{ set req.http.X-Out = "match:" + if(re.group.1, "stale", "unset"); }}
              else {{ set req.http.X-Out = "none"; }}
            }}"#
        );
        let program = compile_for_tests(&unread);
        let idx = program.regexes.iter().position(|r| r.pattern == pattern).unwrap();
        assert!(program.regexes[idx].automaton.is_some());
        assert_eq!(recv_out(&unread, "/a?x=1&utm_source=y").as_deref(), Some(&b"match:unset"[..]));
        assert_eq!(recv_out(&unread, "/a?x=1&utm_=y").as_deref(), Some(&b"none"[..]));
        assert_eq!(recv_out(&unread, "/a?gclid=1").as_deref(), Some(&b"match:unset"[..]));

        // A program that reads re.group.0 gets PCRE2's span.
        let read = format!(
            r#"sub vcl_recv {{
              if (req.url.qs ~ "{pattern}") {{ set req.http.X-Out = re.group.0; }}
            }}"#
        );
        let program = compile_for_tests(&read);
        assert!(program.regexes.iter().all(|r| r.automaton.is_none()));
        assert_eq!(recv_out(&read, "/a?x=1&utm_source=y").as_deref(), Some(&b"&utm_source="[..]));
    }

    #[test]
    fn an_unread_match_records_no_subject_but_still_replaces_the_groups() {
        // Nothing reads re.group.0, so literal-set and automaton matches copy nothing out;
        // each still replaces the groups an earlier match set (re.group.1 becomes unset).
        let src = r#"sub vcl_recv {
              if (req.url ~ "^/(a)") { set req.http.X-Out = re.group.1; }
              if (req.http.Accept-Encoding ~ "gzip|br") { set req.http.X-Out = req.http.X-Out "," if(re.group.1, "stale", "unset"); }
              if (req.url ~ "^/(a)") { }
              if (req.url.ext ~ "^(?:css|js)$") { set req.http.X-Out = req.http.X-Out "," if(re.group.1, "stale", "unset"); }
              if (req.url ~ "^/(a)") { }
              if (req.url.qs ~ "(?:^|&)utm_[a-z]+=") { set req.http.X-Out = req.http.X-Out "," if(re.group.1, "stale", "unset"); }
            }"#;
        let program = compile_for_tests(src);
        assert!(program.regexes.iter().any(|r| r.literal.is_some() && !r.match_is_read()));
        let mut st = crate::interp::state::ReqState::default();
        st.req.url = bytes::Bytes::from_static(b"/a/site.css?utm_source=x");
        st.req.headers.set(b"Accept-Encoding", bytes::Bytes::from_static(b"gzip, br"));
        crate::interp::run(&program, SubKind::Recv, &mut st, &crate::interp::Runtime::default()).unwrap();
        assert_eq!(st.req.headers.get(b"X-Out").map(|b| &b[..]), Some(&b"a,unset,unset,unset"[..]));
    }

    #[test]
    fn regex_groups_in_one_pass_with_reused_match_data() {
        // Fastly: a successful `~` sets re.group.0 (the whole match) and one group per
        // parenthesised sub-pattern; the rest are not set.
        let re = Regex::new("^www\\.(.+)\\.(com|org)$").unwrap();
        for _ in 0..3 {
            // The second and third runs take the pooled match data; results do not change.
            let mut spans = stale_groups();
            assert!(re.match_groups(b"www.example.com", &mut spans).unwrap());
            assert_eq!(spans.get(0), Some((0, 15)));
            assert_eq!(spans.get(1), Some((4, 11)));
            assert_eq!(spans.get(2), Some((12, 15)));
            assert!((3..RE_GROUPS).all(|i| spans.get(i).is_none()));
        }
        assert!(!re.match_groups(b"example.com", &mut { GroupSpans::NONE }).unwrap());

        // No groups: only re.group.0.
        let plain = Regex::new("(?:gzip|br)").unwrap();
        let mut spans = stale_groups();
        assert!(plain.match_groups(b"deflate, br", &mut spans).unwrap());
        assert_eq!(spans.get(0), Some((9, 11)));
        assert!((1..RE_GROUPS).all(|i| spans.get(i).is_none()));
    }
}
