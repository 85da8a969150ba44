//! `lacquer test`: falco-compatible unit tests for a VCL program.
//!
//! A test file (`*.test.vcl`) holds test subroutines, optionally grouped in `describe`
//! blocks with `before_<scope>` / `after_<scope>` hooks, and calls the test framework's
//! `testing.*` and `assert.*` functions. This module owns everything about running them:
//!
//! - [`discovery`]: finding test files beside the main VCL and in the include paths;
//! - [`annotations`]: `@scope`, `@suite`, `@skip` and `@tag` from the comments before a
//!   test subroutine, and the `--tag` rules;
//! - [`runner`]: joining the main program with each test file (describe groups flattened
//!   into subroutines), checking and compiling it in test mode, and running every test
//!   with a fresh request state (shared within a `describe` group, as falco does);
//! - [`builtins`]: the implementations of `testing.*` and `assert.*`;
//! - [`report`]: text and JSON reports, and statement coverage.
//!
//! [`TestState`] is the per-request test bookkeeping the interpreter carries in
//! `ReqState::testing` (mocks, the call log, the last state, a recorded failure); it is
//! `None` outside `lacquer test`, so production requests never see any of this.

pub mod annotations;
pub mod builtins;
pub mod discovery;
pub mod report;
pub mod runner;

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;

use crate::interp::state::ReqState;
use crate::interp::value::Value;
use crate::ir::{Action, BVar, Program};
use crate::syntax::Span;

pub use runner::{run_paths, run_sources, Config, Options, RunError, TestFile};

/// What a test carries through the interpreter (`ReqState::testing`).
#[derive(Debug, Clone)]
pub struct TestState {
    /// Mocked subroutines: the index called → the index that runs instead.
    pub mocks: HashMap<u32, u32>,
    /// How often each subroutine (by index, before mocking) ran during the current test.
    pub calls: HashMap<u32, u32>,
    /// The state the last subroutine run by `testing.call_subroutine` moved to, upper
    /// case (`LOOKUP`, `ERROR`, ...); `NONE` before any.
    pub last_state: &'static str,
    /// What the last typed subroutine run by `testing.call_subroutine` returned.
    pub return_value: Value,
    /// The first failed assertion of the current test.
    pub failure: Option<Failure>,
    /// Statements run by subroutines that `testing.call_subroutine` started (`--coverage`).
    pub coverage: Option<Vec<Vec<bool>>>,
    /// Host settings of every backend, by backend index (`testing.origin_host_header`).
    pub backend_hosts: Arc<Vec<BackendHost>>,
    /// `testing.table_set` / `table_merge` calls, by call site ([`site_arg`]): applied to
    /// the program's tables before the test ran (`Ok`), or why they could not be (`Err`).
    pub table_calls: Arc<HashMap<i64, Result<(), String>>>,
}

impl Default for TestState {
    fn default() -> TestState {
        TestState {
            mocks: HashMap::new(),
            calls: HashMap::new(),
            last_state: "NONE",
            return_value: Value::NotSet,
            failure: None,
            coverage: None,
            backend_hosts: Arc::new(Vec::new()),
            table_calls: Arc::new(HashMap::new()),
        }
    }
}

impl TestState {
    /// The interpreter is about to run subroutine `idx`: counts the call and returns the
    /// subroutine to run in its place (its mock, or itself).
    pub fn on_call(&mut self, idx: u32) -> u32 {
        *self.calls.entry(idx).or_default() += 1;
        self.mocks.get(&idx).copied().unwrap_or(idx)
    }

    /// Forgets what the previous test of a `describe` group left behind that belongs to
    /// one test only (its calls and its failure); mocks and state carry over.
    pub fn begin_test(&mut self) {
        self.calls.clear();
        self.failure = None;
    }
}

/// The `.host`, `.host_header` and `.always_use_host_header` of a backend.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BackendHost {
    pub host: Option<String>,
    pub host_header: Option<String>,
    pub always_use_host_header: bool,
}

/// A failed assertion (or a test that could not go on), as the report shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// `assert.equal`, `testing.call_subroutine`, `runtime error`, `before_recv hook`, ...
    pub what: String,
    /// The explanation: the user's message argument when given, ours otherwise (none when
    /// the expected and actual values say it all).
    pub message: Option<String>,
    pub expected: Option<String>,
    pub actual: Option<String>,
    /// The call site in the test file, when known.
    pub site: Option<Span>,
}

/// The hidden last argument the compiler gives test-framework builtins in test mode:
/// the call site's span, packed into an INTEGER.
pub fn site_arg(span: Span) -> i64 {
    (i64::from(span.start) << 32) | i64::from(span.end)
}

/// The span packed by [`site_arg`].
pub fn site_span(packed: i64) -> Span {
    Span::new((packed >> 32) as u32, (packed & 0xFFFF_FFFF) as u32)
}

/// The upper-case state name `testing.state` reports for an action (falco's spelling).
pub fn state_name(action: &Action) -> &'static str {
    match action {
        Action::Lookup => "LOOKUP",
        Action::Pass => "PASS",
        Action::Pipe => "PIPE",
        Action::Hash => "HASH",
        Action::Fetch => "FETCH",
        Action::Deliver => "DELIVER",
        Action::DeliverStale => "DELIVER_STALE",
        Action::HitForPass => "HIT_FOR_PASS",
        Action::Restart => "RESTART",
        Action::Upgrade => "UPGRADE",
        Action::Challenge => "CHALLENGE",
        Action::Error { .. } => "ERROR",
    }
}

/// Reads a `testing.*` variable (the interpreter's `BVar::Testing*` handles).
pub fn read_var(st: &ReqState, _program: &Program, b: BVar) -> Value {
    let t = st.testing.as_deref();
    match b {
        BVar::TestingState => Value::str(t.map_or("NONE", |t| t.last_state)),
        BVar::TestingSyntheticBody => st.synthetic.clone().map_or(Value::NotSet, Value::String),
        BVar::TestingReturnValue => t.map_or(Value::NotSet, |t| t.return_value.clone()),
        BVar::TestingOriginHostHeader => origin_host_header(st, t).map_or(Value::NotSet, Value::String),
        _ => Value::NotSet,
    }
}

/// The Host header the request would carry to its backend: the backend's host when it
/// sets `.always_use_host_header`, else `bereq.http.Host`, the backend's `.host_header`
/// (Fastly's "override host"), or `req.http.Host`.
fn origin_host_header(st: &ReqState, t: Option<&TestState>) -> Option<Bytes> {
    let backend = st.backend.and_then(|b| t.and_then(|t| t.backend_hosts.get(b as usize)));
    let text = |s: &String| Bytes::copy_from_slice(s.as_bytes());
    if let Some(b) = backend.filter(|b| b.always_use_host_header) {
        if let Some(h) = b.host_header.as_ref().or(b.host.as_ref()) {
            return Some(text(h));
        }
    }
    if let Some(h) = st.bereq.headers.get(b"host") {
        return Some(h.clone());
    }
    if let Some(h) = backend.and_then(|b| b.host_header.as_ref()) {
        return Some(text(h));
    }
    st.req.headers.get(b"host").cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_round_trip() {
        let span = Span::new(123_456, 123_470);
        assert_eq!(site_span(site_arg(span)), span);
        let big = Span::new(u32::MAX - 1, u32::MAX);
        assert_eq!(site_span(site_arg(big)), big);
    }

    #[test]
    fn mocks_replace_and_calls_count() {
        let mut t = TestState::default();
        t.mocks.insert(3, 7);
        assert_eq!(t.on_call(3), 7);
        assert_eq!(t.on_call(3), 7);
        assert_eq!(t.on_call(1), 1);
        assert_eq!(t.calls.get(&3), Some(&2), "calls count the subroutine called, not its mock");
        t.begin_test();
        assert!(t.calls.is_empty());
        assert_eq!(t.mocks.len(), 1, "mocks carry over within a describe group");
    }
}
