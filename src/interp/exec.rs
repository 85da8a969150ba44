//! The machine that runs a request's subroutines: calls and their locals, `re.group.*`
//! around calls, the step budget and coverage, the per-thread workspace its buffers live
//! in, and the tree evaluator of expressions and leaf statements, which is the one
//! definition of their meaning. What runs is each subroutine compiled to closures
//! (`compiled.rs`); they call back into the evaluator for the shapes they do not
//! specialise.

use std::cmp::Ordering;

use bytes::{Bytes, BytesMut};

use super::builtins::{Ctx, Fault};
use super::state::ReqState;
use super::value::Value;
use super::vars;
use super::Runtime;
use crate::catalog::SubKind;
use crate::ir::{Action, Conv, Expr, GroupSpans, Place, Program, StmtKind, Var};
use crate::syntax::ast::{AssignOp, CompareOp};

mod compiled;
pub use compiled::{compile as compile_code, Code};

/// Statements one request may execute before it is stopped with a 503 (runaway VCL;
/// Fastly stops such requests on its workspace and time limits).
pub const STEP_BUDGET: u64 = 1_000_000;

/// Runs the built-in subroutine `kind` and returns what it decided. A subroutine the VCL
/// does not define does what Fastly's default does.
pub fn run(program: &Program, kind: SubKind, state: &mut ReqState, runtime: &Runtime) -> Result<Action, Fault> {
    // What `time.to_first_byte` and `resp.is_locally_generated` read.
    match kind {
        SubKind::Deliver => state.deliver_started = Some(state.now),
        SubKind::Error => state.went_through_error = true,
        _ => {}
    }
    let Some(idx) = program.entries[kind as usize] else { return Ok(Action::default_for(kind)) };
    with_workspace(|ws| {
        let mut m = Machine::new(program, runtime, state, ws, None);
        Ok(match m.call_at(idx, 0)? {
            Flow::Action => m.action.take(),
            _ => None,
        }
        .unwrap_or_else(|| Action::default_for(kind)))
    })
}

/// Runs any subroutine by index (tests call custom subroutines directly) and returns
/// what it decided and, for typed subroutines, its value.
pub fn run_sub(
    program: &Program,
    sub: u32,
    args: Vec<Value>,
    state: &mut ReqState,
    runtime: &Runtime,
    coverage: Option<&mut Vec<Vec<bool>>>,
) -> Result<(Option<Action>, Option<Value>), Fault> {
    with_workspace(|ws| {
        let mut m = Machine::new(program, runtime, state, ws, coverage);
        Ok(match m.call(sub, args)? {
            Flow::Action => (m.action.take(), None),
            Flow::Return => (None, m.returned.take()),
            _ => (None, None),
        })
    })
}

/// How a statement or block ended. What a `return` or `goto` carries waits in the
/// machine ([`Machine::returned`], [`Machine::action`], [`Machine::goto`]), so `Flow` has
/// no payload, and it is pointer-sized: `Result<Flow, Fault>` is then two words at the
/// same offsets in both variants, which Rust returns in two registers. With a `u8`-sized
/// `Flow` (or a `goto` label inside it) every statement's result went through memory
/// (measured: 479 more instructions per request of `benches/data/request.vcl`).
#[derive(Clone, Copy)]
#[repr(u64)]
enum Flow {
    Next,
    /// `return;` or `return EXPR;` from a custom subroutine.
    Return,
    /// The built-in subroutine is done.
    Action,
    /// `goto`: the label waits in [`Machine::goto`].
    Goto,
    /// `break;`, up to the enclosing `switch`.
    Break,
    /// `fallthrough;`, up to the enclosing `switch`.
    Fallthrough,
}

/// The buffers a machine works in, kept per thread and reused by every subroutine run on
/// it: starting a subroutine builds and drops nothing here, and after the first request
/// a thread's runs do not allocate for them. Each run starts from [`Workspace::tidy`].
struct Workspace {
    /// The locals of every invocation on the call stack, one frame after another.
    locals: Vec<Value>,
    /// Where concatenations are built before their one exactly sized copy; nested ones
    /// stack on top of each other.
    scratch: Vec<u8>,
    /// Where a regex match just found its groups (filled by the match, copied into
    /// `re.group.*` when it succeeds).
    spans: GroupSpans,
    /// Groups of outer frames, saved when a callee first recorded its own: `(owner,
    /// groups)`, restored when the callee returns.
    saved_groups: Vec<(u32, crate::interp::state::ReGroups)>,
    /// Which of the program's prefilter literals the string being tested contains.
    literals: SubjectLiterals,
    /// The string caseless tests last searched, lower-cased.
    folded: Folded,
}

/// A string lower-cased for caseless literal searches, kept while tests go on against
/// the same string (two `(?i)` tests of one User-Agent fold it once).
struct Folded {
    /// The string, held so that no other string can take its place at its address
    /// meanwhile (it is recognised by address and length).
    subject: Option<Bytes>,
    bytes: Vec<u8>,
}

impl Folded {
    /// `subject` lower-cased.
    fn of(&mut self, subject: &Bytes) -> &[u8] {
        let n = subject.len();
        if !is_held(&self.subject, subject) {
            if self.bytes.len() < n {
                self.bytes.resize(n, 0);
            }
            super::ascii::fold_into(&mut self.bytes, subject);
            self.subject = Some(subject.clone());
        }
        &self.bytes[..n]
    }
}

/// Whether `held` is the string `s` (the same bytes at the same address). Holding it
/// keeps any other string from taking that address, so this is how the caches of a run
/// ([`SubjectLiterals`], [`Folded`]) recognise the string they describe.
fn is_held(held: &Option<Bytes>, s: &[u8]) -> bool {
    held.as_ref().is_some_and(|h| std::ptr::eq(h.as_ptr(), s.as_ptr()) && h.len() == s.len())
}

/// Scratch capacity a thread keeps between runs (for concatenations, and for a
/// lower-cased subject); a run that needed more gives the excess back.
const SCRATCH_KEPT: usize = 64 * 1024;

impl Workspace {
    const fn new() -> Workspace {
        Workspace {
            locals: Vec::new(),
            scratch: Vec::new(),
            spans: GroupSpans::NONE,
            saved_groups: Vec::new(),
            literals: SubjectLiterals::new(),
            folded: Folded { subject: None, bytes: Vec::new() },
        }
    }

    /// Ready for a new run: a run that ended early (a fault, a panic) may have left a
    /// frame or a partial string, and what the last run learned about its strings (their
    /// literals, a lower-cased copy) is forgotten (each run learns its own).
    #[inline(always)]
    fn tidy(&mut self) {
        self.locals.clear();
        self.scratch.clear();
        if self.scratch.capacity() > SCRATCH_KEPT {
            self.scratch.shrink_to(SCRATCH_KEPT);
        }
        self.saved_groups.clear();
        self.literals.forget();
        if self.folded.subject.is_some() {
            self.folded.subject = None;
            if self.folded.bytes.capacity() > SCRATCH_KEPT {
                self.folded.bytes = Vec::new();
            }
        }
    }
}

thread_local! {
    static WORKSPACE: std::cell::RefCell<Workspace> = const { std::cell::RefCell::new(Workspace::new()) };
}

/// Runs `f` in this thread's workspace; a run inside a run (`lacquer test` calling
/// subroutines from a mock) gets a workspace of its own.
#[inline(always)]
fn with_workspace<R>(f: impl FnOnce(&mut Workspace) -> R) -> R {
    WORKSPACE.with(|cell| {
        let mut own = None;
        let mut shared = cell.try_borrow_mut();
        // One call of `f`, so that it is inlined here.
        let ws = match &mut shared {
            Ok(ws) => {
                ws.tidy();
                &mut **ws
            }
            Err(_) => own.insert(Workspace::new()),
        };
        f(ws)
    })
}

struct Machine<'a> {
    program: &'a Program,
    runtime: &'a Runtime,
    state: &'a mut ReqState,
    ws: &'a mut Workspace,
    steps: u64,
    /// Where the running subroutine's locals start in `ws.locals`.
    base: usize,
    /// Statements executed, per subroutine and statement id (`lacquer test --coverage`).
    coverage: Option<&'a mut Vec<Vec<bool>>>,
    /// The value of the `return EXPR;` being unwound ([`Flow::Return`]).
    returned: Option<Value>,
    /// What the subroutine being unwound decided ([`Flow::Action`]).
    action: Option<Action>,
    /// The label a `goto` is looking for ([`Flow::Goto`]).
    goto: u32,
    /// Custom-subroutine calls on the stack (0: the built-in subroutine).
    depth: u32,
    /// The call depth whose match set the current `re.group.*`.
    groups_owner: u32,
}

/// What the program's prefilter literals ([`Program::prefilter_set`]) say about the
/// string being tested, kept while tests go on against the same string: after a few
/// tests the string is scanned once for every literal, and each later test reads a bit
/// instead of searching for its own literal.
struct SubjectLiterals {
    /// The string, held so that no other string can take its place at its address
    /// meanwhile (it is recognised by address and length); `None` before a run's first
    /// test, so that a run that tests nothing drops nothing here.
    subject: Option<Bytes>,
    tests: u32,
    scanned: bool,
    present: Vec<u64>,
}

/// Tests against one string after which it is scanned for every literal at once.
const SCAN_AFTER: u32 = 3;

impl SubjectLiterals {
    const fn new() -> SubjectLiterals {
        SubjectLiterals { subject: None, tests: 0, scanned: false, present: Vec::new() }
    }

    /// Forgets the string (a run learns about its own strings only).
    #[inline(always)]
    fn forget(&mut self) {
        if self.subject.is_some() {
            self.subject = None;
        }
    }

    /// For the regex whose literal is `bit`: `Some(false)` when the literal is not in
    /// `s` (no match possible), `Some(true)` when it is, `None` when not known yet (the
    /// regex checks its own prefilter).
    fn check(&mut self, program: &Program, bit: u32, s: &InPlace<'_>) -> Option<bool> {
        let set = program.prefilter_set.as_ref()?;
        let bytes = s.bytes();
        if bytes.is_empty() {
            return None;
        }
        if !is_held(&self.subject, bytes) {
            self.subject = Some(s.to_bytes());
            self.tests = 0;
            self.scanned = false;
        }
        self.tests += 1;
        if !self.scanned {
            if self.tests < SCAN_AFTER {
                return None;
            }
            self.present.clear();
            self.present.resize(set.words(), 0);
            set.scan(bytes, &mut self.present);
            self.scanned = true;
        }
        Some(self.present.get(bit as usize / 64).is_some_and(|w| w & 1 << (bit % 64) != 0))
    }
}

impl<'a> Machine<'a> {
    fn new(
        program: &'a Program,
        runtime: &'a Runtime,
        state: &'a mut ReqState,
        ws: &'a mut Workspace,
        mut coverage: Option<&'a mut Vec<Vec<bool>>>,
    ) -> Machine<'a> {
        if let Some(cov) = coverage.as_deref_mut() {
            cov.resize(cov.len().max(program.subs.len()), Vec::new());
            for (marks, sub) in cov.iter_mut().zip(&program.subs) {
                if marks.len() < sub.spans.len() {
                    marks.resize(sub.spans.len(), false);
                }
            }
        }
        Machine {
            program,
            runtime,
            state,
            ws,
            steps: 0,
            base: 0,
            coverage,
            returned: None,
            action: None,
            goto: 0,
            depth: 0,
            groups_owner: 0,
        }
    }

    /// Calls subroutine `idx` with `args` (`run_sub`: tests calling a subroutine directly).
    fn call(&mut self, idx: u32, args: Vec<Value>) -> Result<Flow, Fault> {
        let base = self.ws.locals.len();
        self.ws.locals.extend(args);
        self.call_at(idx, base)
    }

    /// Calls subroutine `idx`, whose arguments the caller pushed on the locals stack from
    /// `base`. Each invocation has its own locals (Fastly: custom subroutines do not see
    /// the caller's locals): a frame on one stack that lives as long as the request, so
    /// calls do not allocate.
    ///
    /// Most subroutines a request calls take no arguments and have no locals, outside
    /// `lacquer test`: their frame is empty, and they run here, inlined into the caller,
    /// without the general path's set-up.
    #[inline(always)]
    fn call_at(&mut self, idx: u32, base: usize) -> Result<Flow, Fault> {
        if self.state.testing.is_none() && self.ws.locals.len() == base {
            if let Some(code) = self.program.code.get(idx as usize) {
                return match code.slot_init() {
                    [] => {
                        let saved = std::mem::replace(&mut self.base, base);
                        let result = code.run(self);
                        self.base = saved;
                        result
                    }
                    locals => self.call_with_locals(code, locals, base),
                };
            }
        }
        self.call_framed(idx, base)
    }

    /// [`Machine::call_at`] for a subroutine without arguments that declares locals:
    /// its frame holds their initial values while it runs.
    #[inline(never)]
    fn call_with_locals(&mut self, code: &super::Code, locals: &[Value], base: usize) -> Result<Flow, Fault> {
        self.ws.locals.extend_from_slice(locals);
        let saved = std::mem::replace(&mut self.base, base);
        let result = code.run(self);
        self.ws.locals.truncate(base);
        self.base = saved;
        result
    }

    /// [`Machine::call_at`] in general: under `lacquer test` (mocks, the call log), and
    /// for subroutines with arguments.
    #[inline(never)]
    fn call_framed(&mut self, idx: u32, base: usize) -> Result<Flow, Fault> {
        // `lacquer test` only: log the call, and run the subroutine's mock if it has one.
        let idx = match self.state.testing.as_deref_mut() {
            Some(t) => t.on_call(idx),
            None => idx,
        };
        let program = self.program;
        let (Some(sub), Some(code)) = (program.subs.get(idx as usize), program.code.get(idx as usize)) else {
            self.ws.locals.truncate(base);
            return Ok(Flow::Next);
        };
        let (given, slots) = (self.ws.locals.len() - base, sub.slot_init.len());
        if given != slots {
            match sub.slot_init.get(given..) {
                Some(rest) => self.ws.locals.extend(rest.iter().cloned()),
                None => self.ws.locals.truncate(base + slots),
            }
        }
        let saved = std::mem::replace(&mut self.base, base);
        let result = code.run(self);
        if slots != 0 || given != 0 {
            self.ws.locals.truncate(base);
        }
        self.base = saved;
        result
    }

    /// A custom subroutine called from VCL, its arguments pushed from `base`: it sees the
    /// caller's `re.group.*`, and the caller's are back when it returns. Fastly does not
    /// document this; falco, the reference interpreter, saves and restores captures
    /// around each call, and so do we. The caller's groups are saved only when the callee
    /// (or one it calls) first records a match ([`Machine::save_groups`]).
    #[inline(always)]
    fn call_sub(&mut self, idx: u32, base: usize) -> Result<Flow, Fault> {
        self.depth += 1;
        let flow = self.call_at(idx, base);
        if self.groups_owner == self.depth {
            self.restore_groups();
        }
        self.depth -= 1;
        flow
    }

    /// The caller's `re.group.*` back, after a callee that recorded its own.
    #[cold]
    #[inline(never)]
    fn restore_groups(&mut self) {
        if let Some((owner, groups)) = self.ws.saved_groups.pop() {
            self.state.re_groups = groups;
            self.groups_owner = owner;
        }
    }

    /// Before a match records `re.group.*`: the first record of an invocation saves the
    /// groups of the frame that owns them, for [`Machine::call_sub`] to restore.
    #[inline(always)]
    fn save_groups(&mut self) {
        if self.groups_owner != self.depth {
            self.ws.saved_groups.push((self.groups_owner, self.state.re_groups.clone()));
            self.groups_owner = self.depth;
        }
    }

    /// Evaluates a call's arguments onto the locals stack (where the callee's frame
    /// starts) and calls the subroutine.
    fn call_with(
        &mut self,
        idx: u32,
        n: usize,
        mut arg: impl FnMut(&mut Self, usize) -> Result<Value, Fault>,
    ) -> Result<Flow, Fault> {
        let base = self.ws.locals.len();
        for i in 0..n {
            match arg(self, i) {
                Ok(v) => self.ws.locals.push(v),
                Err(e) => {
                    self.ws.locals.truncate(base);
                    return Err(e);
                }
            }
        }
        self.call_sub(idx, base)
    }

    /// Counts statements against the step budget: a block counts its statements when it
    /// starts.
    fn count_steps(&mut self, n: usize) -> Result<(), Fault> {
        self.steps += n as u64;
        if self.steps > STEP_BUDGET {
            return Err(Fault::Fatal(Box::new("VCL step budget exceeded".into())));
        }
        Ok(())
    }

    /// Marks a statement as run (`lacquer test --coverage`).
    fn cover(&mut self, sub: u32, stmt: u32) {
        if let Some(cov) = self.coverage.as_deref_mut() {
            if let Some(slot) = cov.get_mut(sub as usize).and_then(|s| s.get_mut(stmt as usize)) {
                *slot = true;
            }
        }
    }

    /// The running subroutine's locals.
    fn frame(&self) -> &[Value] {
        &self.ws.locals[self.base..]
    }

    fn local(&self, slot: u16) -> Value {
        self.frame().get(slot as usize).cloned().unwrap_or(Value::NotSet)
    }

    /// The statements the compiler leaves to the tree evaluator (`compiled.rs` runs
    /// blocks, branches, assignments, calls and returns itself).
    fn leaf(&mut self, kind: &StmtKind) -> Result<Flow, Fault> {
        match kind {
            StmtKind::Unset(place) => match place {
                Place::Local(slot) => self.set_local(*slot, Value::NotSet),
                Place::Var(var) => vars::unset(self.state, self.program, var),
            },
            StmtKind::Add { place, value } => {
                let v = self.eval(value)?;
                if let Place::Var(var) = place {
                    vars::add(self.state, var, v);
                }
            }
            StmtKind::Error { status, message } => {
                // Fastly: default status 503; default reason the status's text.
                let status = match status {
                    Some(e) => self.eval(e)?.as_int().unwrap_or(503),
                    None => 503,
                };
                let message = match message {
                    Some(e) => self.eval(e)?.to_bytes(),
                    None => Bytes::from_static(reason(status).as_bytes()),
                };
                self.action = Some(Action::Error { status, message });
                return Ok(Flow::Action);
            }
            StmtKind::Restart => {
                self.action = Some(Action::Restart);
                return Ok(Flow::Action);
            }
            StmtKind::Esi => self.state.esi = true,
            StmtKind::Synthetic { base64, value } => {
                let body = self.eval(value)?.to_bytes();
                // `synthetic.base64` decodes as `digest.base64_decode` does, keeping binary data.
                let body = if *base64 {
                    Bytes::from(super::builtins::digest::decode_standard_base64(&body))
                } else {
                    cut_at_nul(body)
                };
                self.state.synthetic = Some(body);
            }
            StmtKind::Log(e) => {
                let line = self.eval(e)?.to_bytes();
                self.state.log.push(line);
            }
            StmtKind::Eval(e) => {
                self.eval(e)?;
            }
            other => {
                return Err(Fault::Fatal(Box::new(format!(
                    "internal error: the compiler left a statement that is not a leaf to the tree evaluator: {other:?}"
                ))))
            }
        }
        Ok(Flow::Next)
    }

    fn set_local(&mut self, slot: u16, v: Value) {
        if let Some(s) = self.ws.locals.get_mut(self.base + slot as usize) {
            *s = v;
        }
    }

    fn read_place(&mut self, place: &Place) -> Value {
        match place {
            Place::Local(slot) => self.ws.locals.get(self.base + *slot as usize).cloned().unwrap_or(Value::NotSet),
            Place::Var(var) => vars::get(self.state, self.program, self.runtime, var),
        }
    }

    fn write_place(&mut self, place: &Place, v: Value) {
        match place {
            Place::Local(slot) => self.set_local(*slot, v),
            Place::Var(var) => vars::set(self.state, self.program, var, v),
        }
    }

    fn eval(&mut self, e: &Expr) -> Result<Value, Fault> {
        Ok(match e {
            Expr::Const(v) => v.clone(),
            Expr::Local(slot) => self.ws.locals.get(self.base + *slot as usize).cloned().unwrap_or(Value::NotSet),
            Expr::Var(var) => vars::get(self.state, self.program, self.runtime, var),
            Expr::Call { f, args, .. } => {
                // Arguments live on the stack for the common case (at most six).
                let mut values: smallvec::SmallVec<[Value; 6]> = smallvec::SmallVec::new();
                for (a, conv) in args {
                    let v = self.eval(a)?;
                    values.push(convert(v, *conv, self.program));
                }
                self.invoke(*f, &values)?
            }
            Expr::CallSub { sub, args } => {
                let flow = self.call_with(*sub, args.len(), |m, i| m.eval(&args[i]))?;
                self.sub_value(flow)
            }
            Expr::If { cond, then, otherwise } => {
                if self.cond(cond)? {
                    self.eval(then)?
                } else {
                    self.eval(otherwise)?
                }
            }
            Expr::Not(_) | Expr::And(_) | Expr::Or(_) => Value::Bool(self.cond(e)?),
            Expr::Compare { op, lhs, rhs } => {
                let l = self.eval(lhs)?;
                let r = self.eval(rhs)?;
                Value::Bool(compare(*op, &l, &r))
            }
            Expr::Match { negate, subject, regex } => {
                // A string the state holds (`req.http.X ~ "..."`, `req.url.ext ~ ...`) is
                // tested in place and copied out only when the match succeeds (its groups
                // slice it); not set is tested as "".
                let found = in_place(self.state, &self.ws.locals[self.base..], subject)
                    .map(|s| match_in_place(self.program, &s, *regex, &mut self.ws.spans, None));
                let matched = match found {
                    Some(found) => self.finish_match(found),
                    None => {
                        let s = self.eval(subject)?.to_bytes();
                        self.regex_match(*regex, &s)
                    }
                };
                Value::Bool(matched != *negate)
            }
            Expr::MatchDynamic { negate, subject, regex } => {
                let s = self.eval(subject)?.to_bytes();
                match self.eval(regex)? {
                    Value::Regex(idx) => Value::Bool(self.regex_match(idx, &s) != *negate),
                    // The zero REGEX value matches nothing (catalog section 2).
                    _ => Value::Bool(*negate),
                }
            }
            Expr::MatchAcl { negate, subject, acl } => {
                let ip = match self.eval(subject)? {
                    Value::Ip(ip) => Some(ip),
                    Value::String(s) => std::str::from_utf8(&s).ok().and_then(|s| s.parse().ok()),
                    _ => None,
                };
                let matched = match (ip, self.eval(acl)?) {
                    (Some(ip), Value::Acl(a)) => self.program.acls.get(a as usize).is_some_and(|acl| acl.matches(ip)),
                    _ => false,
                };
                Value::Bool(matched != *negate)
            }
            Expr::Concat(parts) => Value::String(self.concat(parts)?),
            Expr::TimeShift { time, delta, subtract } => {
                let t = match self.eval(time)? {
                    Value::Time(t) => t,
                    _ => 0,
                };
                let d = match self.eval(delta)? {
                    Value::Rtime(d) => d,
                    _ => 0,
                };
                Value::Time(if *subtract { t.saturating_sub(d) } else { t.saturating_add(d) })
            }
            Expr::Convert(inner, conv) => {
                let v = self.eval(inner)?;
                convert(v, *conv, self.program)
            }
        })
    }

    /// A string-valued expression read in place, without a copy or a reference-count
    /// round trip: `Some(Some(bytes))` for a string, `Some(None)` for not set, `None` when
    /// the expression has to be evaluated.
    fn peek<'e>(&'e self, e: &'e Expr) -> Option<Option<&'e Bytes>> {
        peek(self.state, &self.ws.locals[self.base..], e)
    }

    /// A concatenation, built in the scratch buffer (a part that is itself a concatenation
    /// builds above this one's bytes) and copied out once.
    fn concat(&mut self, parts: &[Expr]) -> Result<Bytes, Fault> {
        self.concat_with(parts.len(), |m, i| {
            let p = &parts[i];
            // Strings held by the state or the program are appended in place (not set
            // renders as nothing).
            match peek(m.state, &m.ws.locals[m.base..], p) {
                Some(Some(b)) => m.ws.scratch.extend_from_slice(b),
                Some(None) => {}
                None => {
                    let v = m.eval(p)?;
                    m.push_piece(&v);
                }
            }
            Ok(())
        })
    }

    /// Builds a concatenation of `n` pieces, each appended to the scratch buffer by
    /// `piece`, and copies it out once (a nested concatenation builds above this one's
    /// bytes; a fault leaves the buffer as it was).
    #[inline(always)]
    fn concat_with(
        &mut self,
        n: usize,
        mut piece: impl FnMut(&mut Self, usize) -> Result<(), Fault>,
    ) -> Result<Bytes, Fault> {
        let start = self.ws.scratch.len();
        for i in 0..n {
            if let Err(fault) = piece(self, i) {
                self.ws.scratch.truncate(start);
                return Err(fault);
            }
        }
        let out = Bytes::copy_from_slice(&self.ws.scratch[start..]);
        self.ws.scratch.truncate(start);
        Ok(out)
    }

    /// A concatenation's piece, rendered onto the scratch buffer (numbers without an
    /// intermediate string).
    fn push_piece(&mut self, v: &Value) {
        let program = self.program;
        render_piece(v, program, |piece| self.ws.scratch.extend_from_slice(piece));
    }

    /// Calls a builtin function with its converted arguments.
    fn invoke(&mut self, f: super::builtins::Builtin, args: &[Value]) -> Result<Value, Fault> {
        let mut ctx = Ctx { state: self.state, program: self.program, runtime: self.runtime };
        f(&mut ctx, args)
    }

    /// The value a typed custom subroutine returned (not set when it returned none).
    fn sub_value(&mut self, flow: Flow) -> Value {
        match flow {
            Flow::Return => self.returned.take().unwrap_or(Value::NotSet),
            _ => Value::NotSet,
        }
    }

    /// An expression in a condition (`if`, `!`, `&&`, `||`, `if()`), evaluated straight to
    /// a `bool`: the common shapes (a header's presence, a header compared with a
    /// constant, short-circuit chains) read the request state in place.
    fn cond(&mut self, e: &Expr) -> Result<bool, Fault> {
        Ok(match e {
            Expr::Var(Var::Header(obj, name)) => self.state.message(*obj).headers.contains(name),
            Expr::Not(inner) => !self.cond(inner)?,
            Expr::And(ops) => {
                for o in ops {
                    if !self.cond(o)? {
                        return Ok(false);
                    }
                }
                true
            }
            Expr::Or(ops) => {
                for o in ops {
                    if self.cond(o)? {
                        return Ok(true);
                    }
                }
                false
            }
            Expr::Compare { op: op @ (CompareOp::Eq | CompareOp::Ne), lhs, rhs } => {
                if let (Some(l), Some(r)) = (self.peek(lhs), self.peek(rhs)) {
                    // As `compare`: two strings by their bytes, not set equals only not set.
                    (l == r) == (*op == CompareOp::Eq)
                } else {
                    self.eval(e)?.truthy()
                }
            }
            other => self.eval(other)?.truthy(),
        })
    }

    /// Runs a compiled regex; a successful match replaces `re.group.*`. A PCRE2 error
    /// (match limit) counts as no match and sets `fastly.error`. The groups are slices of
    /// the subject, not copies.
    fn regex_match(&mut self, idx: u32, subject: &Bytes) -> bool {
        let Some(re) = self.program.regexes.get(idx as usize) else { return false };
        let spans = &mut self.ws.spans;
        let found = re.match_groups(subject, spans).map_err(|_| ());
        let found = found.map(|hit| hit.then(|| kept_subject(re, spans, || subject.clone())));
        self.finish_match(found)
    }

    /// Settles a match [`match_in_place`] ran: a match records its groups; a PCRE2 error
    /// (match limit) counts as no match and sets `fastly.error`.
    fn finish_match(&mut self, found: Result<Option<Bytes>, ()>) -> bool {
        match found {
            Ok(Some(subject)) => {
                self.save_groups();
                self.state.re_groups.record(subject, &self.ws.spans);
                true
            }
            Ok(None) => false,
            Err(()) => {
                self.state.set_error("EREGRECUR");
                false
            }
        }
    }
}

/// [`Machine::peek`] over the parts of the machine it reads (so the scratch buffer can
/// be written while a peeked string is borrowed).
fn peek<'e>(state: &'e ReqState, frame: &'e [Value], e: &'e Expr) -> Option<Option<&'e Bytes>> {
    match e {
        Expr::Const(Value::String(b)) => Some(Some(b)),
        Expr::Const(Value::NotSet) => Some(None),
        Expr::Local(slot) => match frame.get(*slot as usize)? {
            Value::String(b) => Some(Some(b)),
            Value::NotSet => Some(None),
            _ => None,
        },
        Expr::Var(var) => vars::peek(state, var),
        _ => None,
    }
}

/// A string-valued expression readable without evaluating it: a string the program or
/// the state holds, a part of a URL, or not set.
enum InPlace<'a> {
    NotSet,
    Whole(&'a Bytes),
    Part(&'a Bytes, std::ops::Range<usize>),
    Static(&'static [u8]),
}

impl InPlace<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            InPlace::NotSet => &[],
            InPlace::Whole(b) => b,
            InPlace::Part(b, range) => &b[range.clone()],
            InPlace::Static(s) => s,
        }
    }

    /// The string's bytes, `None` when not set (what `==` compares).
    fn string(&self) -> Option<&[u8]> {
        match self {
            InPlace::NotSet => None,
            _ => Some(self.bytes()),
        }
    }

    /// The string as a value of its own (shares the bytes; not set is `""`).
    fn to_bytes(&self) -> Bytes {
        match self {
            InPlace::NotSet => Bytes::new(),
            InPlace::Whole(b) => (*b).clone(),
            InPlace::Part(b, range) => b.slice(range.clone()),
            InPlace::Static(s) => Bytes::from_static(s),
        }
    }
}

fn in_place<'e>(state: &'e ReqState, frame: &'e [Value], e: &'e Expr) -> Option<InPlace<'e>> {
    match peek(state, frame, e) {
        Some(Some(b)) => Some(InPlace::Whole(b)),
        Some(None) => Some(InPlace::NotSet),
        None => match e {
            Expr::Var(var) => vars::peek_part(state, var).map(|(b, range)| InPlace::Part(b, range)),
            _ => None,
        },
    }
}

/// `~` on a string read in place: `Ok(Some(subject))` when it matches (the groups, in
/// `spans`, slice the subject, which is copied out only then); not set is tested as "".
/// `literal` is what the caller may know already about the regex's prefilter literal
/// being in the subject ([`SubjectLiterals`]); `None` lets the regex check it. Inlined:
/// the user-agent classifier runs it hundreds of times per request.
#[inline(always)]
fn match_in_place(
    program: &Program,
    s: &InPlace<'_>,
    regex: u32,
    spans: &mut GroupSpans,
    literal: Option<bool>,
) -> Result<Option<Bytes>, ()> {
    let Some(re) = program.regexes.get(regex as usize) else { return Ok(None) };
    let found = match literal {
        Some(false) => false,
        known => re.match_groups_filtered(s.bytes(), spans, known.is_none()).map_err(|_| ())?,
    };
    Ok(found.then(|| kept_subject(re, spans, || s.to_bytes())))
}

/// Whether regex `idx` matches `subject`, with where its groups lie: the prefilter
/// first, then PCRE2 (JIT), in one pass. `Err` when PCRE2 gives up (match limit), which
/// VCL reports as `EREGRECUR`.
/// The subject a match of `re` records for `re.group.*`: the subject itself, or when
/// nothing of it is readable afterwards (no groups, `re.group.0` never read), nothing,
/// with the whole match recorded as empty.
#[inline(always)]
fn kept_subject(re: &crate::ir::Regex, spans: &mut GroupSpans, subject: impl FnOnce() -> Bytes) -> Bytes {
    if re.match_is_read() {
        subject()
    } else {
        spans.set_whole((0, 0));
        Bytes::new()
    }
}

/// A value as a piece of a concatenation, handed to `push`: numbers rendered without an
/// intermediate string, backends by name, not set as nothing.
fn render_piece(v: &Value, program: &Program, mut push: impl FnMut(&[u8])) {
    match v {
        Value::String(b) => push(b),
        Value::Integer(i) => {
            let mut digits = [0u8; 20];
            let at = super::value::write_int(*i, &mut digits);
            push(&digits[at..]);
        }
        v => push(&stringify(v, program)),
    }
}

/// A value as a string piece: backends by name; not-set as `""`.
pub fn stringify(v: &Value, program: &Program) -> Bytes {
    match v {
        Value::Backend(b) => program.backends.get(*b as usize).map_or_else(Bytes::new, |b| Bytes::from(b.name.clone())),
        other => other.to_bytes(),
    }
}

/// Fastly's implicit conversions.
pub fn convert(v: Value, conv: Conv, program: &Program) -> Value {
    const NS: f64 = 1e9;
    match (conv, v) {
        (Conv::None, v) => v,
        (Conv::String, Value::NotSet) => Value::NotSet,
        (Conv::String, v) => Value::String(stringify(&v, program)),
        (Conv::Float, Value::Integer(i)) => Value::Float(i as f64),
        (Conv::Float, Value::Rtime(t) | Value::Time(t)) => Value::Float(t as f64 / NS),
        (Conv::Integer, Value::Float(f)) => Value::Integer(f as i64),
        (Conv::Integer, Value::Rtime(t) | Value::Time(t)) => Value::Integer(t / 1_000_000_000),
        (Conv::Ip, Value::String(s)) => match std::str::from_utf8(&s).ok().and_then(|s| s.parse().ok()) {
            Some(ip) => Value::Ip(ip),
            None => Value::NotSet,
        },
        (Conv::Time, Value::Integer(i)) => Value::Time(i.saturating_mul(1_000_000_000)),
        (Conv::Time, Value::Float(f)) => Value::Time((f * NS) as i64),
        (Conv::Time, Value::Rtime(t)) => Value::Time(t),
        (Conv::Time, Value::String(s)) => {
            let text = String::from_utf8_lossy(&s);
            match httpdate::parse_http_date(text.trim()) {
                Ok(t) => Value::Time(t.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i64)),
                Err(_) => Value::Time(0),
            }
        }
        (Conv::Rtime, Value::Integer(i)) => Value::Rtime(i.saturating_mul(1_000_000_000)),
        (Conv::Rtime, Value::Float(f)) => Value::Rtime((f * NS) as i64),
        (Conv::Rtime, Value::Time(t)) => Value::Rtime(t),
        (Conv::Rtime, Value::String(s)) => {
            let text = String::from_utf8_lossy(&s);
            Value::Rtime(crate::syntax::parser::parse_rtime(text.trim()).unwrap_or(0))
        }
        (_, v) => v,
    }
}

/// `==`, `!=`, `<`, ... on two values of compatible types.
fn compare(op: CompareOp, l: &Value, r: &Value) -> bool {
    let ord: Option<Ordering> = match (l, r) {
        (Value::Integer(a), Value::Integer(b)) => Some(a.cmp(b)),
        (Value::Integer(_) | Value::Float(_), Value::Integer(_) | Value::Float(_)) => {
            l.as_float().and_then(|a| r.as_float().and_then(|b| a.partial_cmp(&b)))
        }
        (Value::Rtime(a) | Value::Time(a), Value::Rtime(b) | Value::Time(b)) => Some(a.cmp(b)),
        // RTIME compared with a number counts seconds.
        (Value::Rtime(a), Value::Integer(_) | Value::Float(_)) => {
            (*a as f64 / 1e9).partial_cmp(&r.as_float().unwrap_or(0.0))
        }
        (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
        (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (Value::Ip(a), Value::Ip(b)) => Some(a.cmp(b)),
        (Value::Backend(a), Value::Backend(b)) => Some(a.cmp(b)),
        (Value::NotSet, Value::NotSet) => Some(Ordering::Equal),
        _ => None,
    };
    holds(op, ord)
}

/// Whether comparison `op` holds for two values ordered as `ord` (`None`: incomparable).
fn holds(op: CompareOp, ord: Option<Ordering>) -> bool {
    match op {
        CompareOp::Eq => ord == Some(Ordering::Equal),
        CompareOp::Ne => ord != Some(Ordering::Equal),
        CompareOp::Lt => ord == Some(Ordering::Less),
        CompareOp::Gt => ord == Some(Ordering::Greater),
        CompareOp::Le => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
        CompareOp::Ge => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
        CompareOp::Match | CompareOp::NotMatch => false,
    }
}

/// `set X op= V`. Integer overflow wraps and division by zero leaves the value unchanged;
/// both set `fastly.error` (ERANGE / EDOM).
fn compound(op: AssignOp, current: Value, v: Value, state: &mut ReqState) -> Value {
    use Value::*;
    match (op, current, v) {
        (AssignOp::Add, String(a), v) => {
            let mut out = BytesMut::from(&a[..]);
            out.extend_from_slice(&v.to_bytes());
            String(out.freeze())
        }
        (AssignOp::Add, NotSet, v) => String(v.to_bytes()),
        (AssignOp::And, Bool(a), Bool(b)) => Bool(a && b),
        (AssignOp::Or, Bool(a), Bool(b)) => Bool(a || b),
        (op, Integer(a), v) => {
            let b = match v {
                Integer(b) => b,
                Float(f) => f as i64,
                Rtime(t) | Time(t) => t / 1_000_000_000,
                _ => 0,
            };
            let r = match op {
                AssignOp::Add => a.checked_add(b),
                AssignOp::Sub => a.checked_sub(b),
                AssignOp::Mul => a.checked_mul(b),
                AssignOp::Div if b == 0 => {
                    state.set_error("EDOM");
                    return Integer(a);
                }
                AssignOp::Div => a.checked_div(b),
                AssignOp::Rem if b == 0 => {
                    state.set_error("EDOM");
                    return Integer(a);
                }
                AssignOp::Rem => a.checked_rem(b),
                AssignOp::BitOr => Some(a | b),
                AssignOp::BitAnd => Some(a & b),
                AssignOp::BitXor => Some(a ^ b),
                AssignOp::Shl => Some(a.wrapping_shl(b as u32)),
                AssignOp::Shr => Some(a.wrapping_shr(b as u32)),
                AssignOp::Rol => Some(a.rotate_left(b.rem_euclid(64) as u32)),
                AssignOp::Ror => Some(a.rotate_right(b.rem_euclid(64) as u32)),
                _ => Some(a),
            };
            match r {
                Some(r) => Integer(r),
                None => {
                    state.set_error("ERANGE");
                    Integer(a)
                }
            }
        }
        (op, Float(a), v) => {
            let b = match v {
                Rtime(t) | Time(t) => t as f64 / 1e9,
                other => other.as_float().unwrap_or(0.0),
            };
            Float(match op {
                AssignOp::Add => a + b,
                AssignOp::Sub => a - b,
                AssignOp::Mul => a * b,
                AssignOp::Div => a / b,
                AssignOp::Rem => a % b,
                _ => a,
            })
        }
        (op, cur @ (Rtime(_) | Time(_)), v) => {
            let (a, is_time) = match cur {
                Time(t) => (t, true),
                Rtime(t) => (t, false),
                _ => (0, false),
            };
            let b_ns = match &v {
                Rtime(t) | Time(t) => *t as f64,
                other => other.as_float().unwrap_or(0.0) * 1e9,
            };
            let r = match op {
                AssignOp::Add => a as f64 + b_ns,
                AssignOp::Sub => a as f64 - b_ns,
                AssignOp::Mul => a as f64 * v.as_float().unwrap_or(1.0),
                AssignOp::Div => a as f64 / v.as_float().unwrap_or(1.0),
                AssignOp::Rem => a as f64 % v.as_float().unwrap_or(1.0),
                _ => a as f64,
            } as i64;
            if is_time {
                Time(r)
            } else {
                Rtime(r)
            }
        }
        (_, current, _) => current,
    }
}

/// Fastly: a NUL ends a string.
fn cut_at_nul(b: Bytes) -> Bytes {
    match b.iter().position(|&c| c == 0) {
        Some(i) => b.slice(..i),
        None => b,
    }
}

/// The reason phrase `error N;` uses when none is given.
pub fn reason(status: i64) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        418 => "I'm a teapot",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown Error",
    }
}
