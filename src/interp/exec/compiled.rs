//! Compiles each subroutine's resolved IR into closures, once, when the program is
//! built. Statements become calls the machine makes in order; conditions, header writes,
//! comparisons with constants and regex tests on strings the state holds become closures
//! that read the request state directly, so a request pays for neither matching IR node
//! kinds nor the tree evaluator's general cases. Leaves of rarer shapes keep running
//! through the tree evaluator in `exec.rs` (`Machine::eval`, `Machine::cond`,
//! `Machine::leaf`), which stays the one definition of their semantics.

use bytes::Bytes;

use super::{compare, compound, convert, holds, match_in_place, Flow, InPlace, Machine};
use crate::interp::ascii::same_bytes;
use crate::interp::builtins::{table, Builtin, Fault};
use crate::interp::state::{HeaderName, ReqState};
use crate::interp::value::{Id, Obj, Value};
use crate::interp::vars::{self, StringField, UrlPart};
use crate::ir::{BVar, Case, CaseTest, Conv, Expr, Place, Program, Regex, Return, Stmt, StmtKind, Var};
use crate::syntax::ast::{AssignOp, CompareOp};

type StepFn = Box<dyn Fn(&mut Machine<'_>) -> Result<Flow, Fault> + Send + Sync>;
type TestFn = Box<dyn Fn(&mut Machine<'_>) -> Result<Truth, Fault> + Send + Sync>;

/// A condition's outcome, pointer-sized for the reason [`Flow`] is: `Result<Truth, Fault>`
/// comes back in two registers, where `Result<bool, Fault>` would go through memory.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
enum Truth {
    No,
    Yes,
}

impl Truth {
    fn yes(self) -> bool {
        self == Truth::Yes
    }
}

impl From<bool> for Truth {
    fn from(b: bool) -> Truth {
        if b {
            Truth::Yes
        } else {
            Truth::No
        }
    }
}

/// A condition closure's result.
#[inline(always)]
fn yes(b: bool) -> Result<Truth, Fault> {
    Ok(Truth::from(b))
}
type ValueFn = Box<dyn Fn(&mut Machine<'_>) -> Result<Value, Fault> + Send + Sync>;

/// A subroutine's compiled body.
pub struct Code {
    body: Block,
    /// The initial values of its frame's locals (arguments first, then declared locals).
    slot_init: Box<[Value]>,
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Code({} statements)", self.body.steps.len())
    }
}

impl Code {
    pub(super) fn run(&self, m: &mut Machine<'_>) -> Result<Flow, Fault> {
        self.body.run(m)
    }

    pub(super) fn slot_init(&self) -> &[Value] {
        &self.slot_init
    }
}

/// Compiles every subroutine of `program` (by index, as `Program::subs`).
pub fn compile(program: &Program) -> Vec<Code> {
    program
        .subs
        .iter()
        .enumerate()
        .map(|(idx, sub)| Code {
            body: block(&Cx { program, sub: idx as u32 }, &sub.body),
            slot_init: sub.slot_init.clone().into(),
        })
        .collect()
}

/// What compiling one subroutine needs to know.
struct Cx<'p> {
    program: &'p Program,
    sub: u32,
}

/// A compiled statement list.
struct Block {
    sub: u32,
    steps: Box<[StepFn]>,
    /// The statements' ids (`lacquer test --coverage` marks them as they run).
    ids: Box<[u32]>,
    /// Where each label of this block stands: `(label, position)`.
    labels: Box<[(u32, usize)]>,
}

impl Block {
    fn run(&self, m: &mut Machine<'_>) -> Result<Flow, Fault> {
        m.count_steps(self.steps.len())?;
        if m.coverage.is_some() {
            self.run_steps::<true>(m)
        } else {
            self.run_steps::<false>(m)
        }
    }

    /// The statements in order; `COVER`: marking each as run (`lacquer test --coverage`),
    /// decided once per block rather than per statement.
    fn run_steps<const COVER: bool>(&self, m: &mut Machine<'_>) -> Result<Flow, Fault> {
        let mut i = 0;
        while let Some(step) = self.steps.get(i) {
            if COVER {
                m.cover(self.sub, self.ids[i]);
            }
            match step(m)? {
                Flow::Next => i += 1,
                // Fastly only jumps forward: to a later label of this block, or out to an
                // enclosing one.
                Flow::Goto => match self.labels.iter().find(|&&(l, at)| l == m.goto && at > i) {
                    Some(&(_, at)) => i = at,
                    None => return Ok(Flow::Goto),
                },
                other => return Ok(other),
            }
        }
        Ok(Flow::Next)
    }
}

/// A branch of an `if` with several: empty, one statement (run without a block frame),
/// or a block.
enum Arm {
    Empty,
    One { sub: u32, id: u32, step: StepFn },
    Many(Block),
}

impl Arm {
    fn of(body: Block) -> Arm {
        // A label is a place to jump to, so a block holding one keeps its frame.
        if !body.labels.is_empty() || body.steps.len() > 1 {
            return Arm::Many(body);
        }
        let Block { sub, steps, ids, .. } = body;
        match (steps.into_vec().pop(), ids.first()) {
            (Some(step), Some(&id)) => Arm::One { sub, id, step },
            _ => Arm::Empty,
        }
    }

    #[inline(always)]
    fn run(&self, m: &mut Machine<'_>) -> Result<Flow, Fault> {
        match self {
            Arm::Empty => Ok(Flow::Next),
            Arm::One { sub, id, step } => {
                m.count_steps(1)?;
                if m.coverage.is_some() {
                    m.cover(*sub, *id);
                }
                step(m)
            }
            Arm::Many(body) => body.run(m),
        }
    }
}

fn block(cx: &Cx<'_>, stmts: &[Stmt]) -> Block {
    Block {
        sub: cx.sub,
        steps: stmts.iter().map(|s| step(cx, &s.kind)).collect(),
        ids: stmts.iter().map(|s| s.id).collect(),
        labels: stmts
            .iter()
            .enumerate()
            .filter_map(|(at, s)| match s.kind {
                StmtKind::Label(l) => Some((l, at)),
                _ => None,
            })
            .collect(),
    }
}

fn step(cx: &Cx<'_>, kind: &StmtKind) -> StepFn {
    match kind {
        StmtKind::Set { place: Place::Var(Var::Header(obj, name)), op: AssignOp::Assign, value } => {
            let (obj, name) = (*obj, HeaderName::new(name.clone()));
            // The commonest sources, a constant and another header, each in a closure of
            // its own: no choice of source or locals frame at run time.
            match Src::of(value) {
                Some(Src::Const(c)) => {
                    let c = c.unwrap_or_default();
                    return Box::new(move |m| {
                        m.state.message_mut(obj).headers.set_named(&name, c.clone());
                        Ok(Flow::Next)
                    });
                }
                Some(Src::Header(from, from_name)) => {
                    return Box::new(move |m| {
                        let v = m.state.message(from).headers.get_named(&from_name).cloned().unwrap_or_default();
                        m.state.message_mut(obj).headers.set_named(&name, v);
                        Ok(Flow::Next)
                    });
                }
                Some(Src::Field(field)) => {
                    return Box::new(move |m| {
                        let v = field(m.state).clone();
                        m.state.message_mut(obj).headers.set_named(&name, v);
                        Ok(Flow::Next)
                    });
                }
                _ => {}
            }
            // `set req.http.X = re.group.1`: the group sliced from the last match's subject.
            if let Expr::Var(Var::ReGroup(n)) = value {
                let n = *n as usize;
                return Box::new(move |m| {
                    let v = m.state.re_groups.get(n).unwrap_or_default();
                    m.state.message_mut(obj).headers.set_named(&name, v);
                    Ok(Flow::Next)
                });
            }
            // `set req.http.X = req.http.Cookie:name`: the subfield sliced from the header.
            if let Expr::Var(Var::HeaderField(from, from_name, key)) = value {
                let (from, key) = (*from, vars::FieldKey::new(key.clone(), vars::separator(from_name)));
                let from_name = HeaderName::new(from_name.clone());
                return Box::new(move |m| {
                    let v = m.state.message(from).headers.get_named(&from_name).and_then(|v| key.get(v));
                    m.state.message_mut(obj).headers.set_named(&name, v.unwrap_or_default());
                    Ok(Flow::Next)
                });
            }
            let (src, value) = (Src::of(value), value_fn(cx, value));
            Box::new(move |m| {
                // A string the program or the state holds is shared, not copied.
                let v = match src.as_ref().and_then(|s| s.peek(m.state, m.frame())) {
                    Some(v) => v.cloned().unwrap_or_default(),
                    None => value(m)?.into_bytes(),
                };
                m.state.message_mut(obj).headers.set_named(&name, v);
                Ok(Flow::Next)
            })
        }
        // `set req.http.Cache-Control:max-age = ...`: the header by its prepared name.
        StmtKind::Set { place: Place::Var(Var::HeaderField(obj, name, key)), op: AssignOp::Assign, value } => {
            let (obj, sep, key) = (*obj, vars::separator(name), key.clone());
            let (name, value) = (HeaderName::new(name.clone()), value_fn(cx, value));
            Box::new(move |m| {
                let v = value(m)?.into_bytes();
                let headers = &mut m.state.message_mut(obj).headers;
                let current = headers.get_named(&name).map_or(&[][..], |b| &b[..]);
                let updated = vars::field_set_shared(current, &key, &v, sep);
                headers.set_named(&name, updated);
                Ok(Flow::Next)
            })
        }
        StmtKind::Unset(Place::Var(Var::Header(obj, name))) => {
            let (obj, name) = (*obj, HeaderName::new(name.clone()));
            Box::new(move |m| {
                m.state.message_mut(obj).headers.remove_named(&name);
                Ok(Flow::Next)
            })
        }
        // `set req.hash += X`: appended straight from where the string is (the general
        // compound assignment would read `req.hash` as not set and append to that).
        StmtKind::Set { place: Place::Var(Var::Builtin(BVar::ReqHash)), op: AssignOp::Add, value } => {
            let (src, fallback) = (Src::of(value), value_fn(cx, value));
            Box::new(move |m| {
                // The key is taken out while the piece is read in place, so nothing is copied
                // but the piece's bytes into the key.
                let mut key = std::mem::take(&mut m.state.hash_input);
                let appended = match src.as_ref().and_then(|s| s.in_place(m.state, &m.ws.locals[m.base..])) {
                    Some(s) => {
                        vars::hash_append(&mut key, s.bytes());
                        true
                    }
                    None => false,
                };
                m.state.hash_input = key;
                if !appended {
                    let piece = fallback(m)?.to_bytes();
                    vars::hash_append(&mut m.state.hash_input, &piece);
                }
                Ok(Flow::Next)
            })
        }
        StmtKind::Set { place: Place::Local(slot), op: AssignOp::Assign, value }
        | StmtKind::Declare { slot, init: Some(value) } => {
            let (slot, value) = (*slot, value_fn(cx, value));
            Box::new(move |m| {
                let v = value(m)?;
                m.set_local(slot, v);
                Ok(Flow::Next)
            })
        }
        StmtKind::Set { place: Place::Var(Var::Builtin(b)), op: AssignOp::Assign, value } => {
            let (b, value) = (*b, value_fn(cx, value));
            Box::new(move |m| {
                let v = value(m)?;
                vars::set_builtin(m.state, b, v);
                Ok(Flow::Next)
            })
        }
        StmtKind::Set { place, op, value } => {
            let (place, op, value) = (place.clone(), *op, value_fn(cx, value));
            Box::new(move |m| {
                let v = value(m)?;
                let v = if op == AssignOp::Assign { v } else { compound(op, m.read_place(&place), v, m.state) };
                m.write_place(&place, v);
                Ok(Flow::Next)
            })
        }
        // The frame starts with every local at its zero value (`Machine::call_at`), and
        // nothing can run a declaration twice (`goto` only jumps forward) or use a local
        // before it (the checker refuses that): a declaration without a value has nothing
        // left to do.
        StmtKind::Declare { init: None, .. } => Box::new(|_| Ok(Flow::Next)),
        StmtKind::Call { sub, args } if args.is_empty() => {
            let sub = *sub;
            Box::new(move |m| {
                let base = m.ws.locals.len();
                Ok(match m.call_sub(sub, base)? {
                    Flow::Action => Flow::Action,
                    _ => Flow::Next,
                })
            })
        }
        StmtKind::Call { sub, args } => {
            let (sub, args) = (*sub, values(cx, args));
            Box::new(move |m| {
                Ok(match m.call_with(sub, args.len(), |m, i| args[i](m))? {
                    Flow::Action => Flow::Action,
                    _ => Flow::Next,
                })
            })
        }
        StmtKind::Return(Return::Action(a)) => {
            let a = a.clone();
            Box::new(move |m| {
                m.action = Some(a.clone());
                Ok(Flow::Action)
            })
        }
        StmtKind::Return(Return::Bare) => Box::new(|m| {
            m.returned = None;
            Ok(Flow::Return)
        }),
        StmtKind::Return(Return::Value(e)) => {
            let value = value_fn(cx, e);
            Box::new(move |m| {
                m.returned = Some(value(m)?);
                Ok(Flow::Return)
            })
        }
        StmtKind::If { branches, otherwise } => {
            let mut branches: Vec<(Cond, Block)> =
                branches.iter().map(|(c, b)| (Cond::of(cx, c), block(cx, b))).collect();
            let otherwise = block(cx, otherwise);
            // The commonest shape, `if (...) { ... }`, without the loop over branches or
            // an empty `else` to run.
            if branches.len() == 1 && otherwise.steps.is_empty() {
                if let Some((cond, body)) = branches.pop() {
                    // A body of one statement (no label to jump to) runs without a block
                    // frame: counted, marked, called.
                    return match Arm::of(body) {
                        one @ Arm::One { .. } => {
                            Box::new(move |m| if cond.holds(m)? { one.run(m) } else { Ok(Flow::Next) })
                        }
                        Arm::Many(body) => Box::new(move |m| if cond.holds(m)? { body.run(m) } else { Ok(Flow::Next) }),
                        Arm::Empty => Box::new(move |m| cond.holds(m).map(|_| Flow::Next)),
                    };
                }
            }
            let branches: Box<[(Cond, Arm)]> = branches.into_iter().map(|(c, b)| (c, Arm::of(b))).collect();
            let otherwise = Arm::of(otherwise);
            Box::new(move |m| {
                for (cond, body) in branches.iter() {
                    if cond.holds(m)? {
                        return body.run(m);
                    }
                }
                otherwise.run(m)
            })
        }
        StmtKind::Block(body) => {
            let body = block(cx, body);
            Box::new(move |m| body.run(m))
        }
        StmtKind::Switch { subject, cases } => switch(cx, subject, cases),
        StmtKind::Goto(label) => {
            let label = *label;
            Box::new(move |m| {
                m.goto = label;
                Ok(Flow::Goto)
            })
        }
        StmtKind::Label(_) => Box::new(|_| Ok(Flow::Next)),
        StmtKind::Break => Box::new(|_| Ok(Flow::Break)),
        StmtKind::Fallthrough => Box::new(|_| Ok(Flow::Fallthrough)),
        leaf @ (StmtKind::Unset(_)
        | StmtKind::Add { .. }
        | StmtKind::Error { .. }
        | StmtKind::Restart
        | StmtKind::Esi
        | StmtKind::Synthetic { .. }
        | StmtKind::Log(_)
        | StmtKind::Eval(_)) => {
            let leaf = leaf.clone();
            Box::new(move |m| m.leaf(&leaf))
        }
    }
}

/// `switch` (undocumented by Fastly; falco's semantics): the subject as a string is
/// compared with each case label in order, `default` only when none matches; the chosen
/// body runs to `break` or its end, or on into the next body after `fallthrough`.
fn switch(cx: &Cx<'_>, subject: &Expr, cases: &[Case]) -> StepFn {
    enum Test {
        Default,
        Equals(ValueFn),
        Matches(u32),
    }
    let subject = value_fn(cx, subject);
    let cases: Box<[(Test, Block)]> = cases
        .iter()
        .map(|c| {
            let t = match &c.test {
                CaseTest::Default => Test::Default,
                CaseTest::Equals(label) => Test::Equals(value_fn(cx, label)),
                CaseTest::Matches(regex) => Test::Matches(*regex),
            };
            (t, block(cx, &c.body))
        })
        .collect();
    let default = cases.iter().position(|(t, _)| matches!(t, Test::Default));
    Box::new(move |m| {
        let v = subject(m)?;
        let subject = super::stringify(&v, m.program);
        let mut chosen = None;
        for (i, (t, _)) in cases.iter().enumerate() {
            let hit = match t {
                Test::Default => false,
                Test::Equals(label) => {
                    let label = label(m)?;
                    super::stringify(&label, m.program) == subject
                }
                Test::Matches(regex) => m.regex_match(*regex, &subject),
            };
            if hit {
                chosen = Some(i);
                break;
            }
        }
        let Some(mut i) = chosen.or(default) else { return Ok(Flow::Next) };
        loop {
            match cases[i].1.run(m)? {
                Flow::Fallthrough if i + 1 < cases.len() => i += 1,
                Flow::Fallthrough | Flow::Break | Flow::Next => return Ok(Flow::Next),
                other => return Ok(other),
            }
        }
    })
}

/// Two strings (`None`: not set) as `==` compares them.
fn opt_eq(a: Option<&[u8]>, b: Option<&[u8]>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same_bytes(a, b),
        (None, None) => true,
        _ => false,
    }
}

/// An `if`'s condition: whether a header is there (the commonest test) read in the `if`
/// itself, anything else through its closure.
enum Cond {
    /// `req.http.X` (`true`) or `!req.http.X` (`false`).
    Header(Obj, HeaderName, bool),
    Test(TestFn),
}

impl Cond {
    fn of(cx: &Cx<'_>, e: &Expr) -> Cond {
        match e {
            Expr::Var(Var::Header(obj, name)) => Cond::Header(*obj, HeaderName::new(name.clone()), true),
            Expr::Not(inner) => match &**inner {
                Expr::Var(Var::Header(obj, name)) => Cond::Header(*obj, HeaderName::new(name.clone()), false),
                _ => Cond::Test(test(cx, e)),
            },
            _ => Cond::Test(test(cx, e)),
        }
    }

    #[inline(always)]
    fn holds(&self, m: &mut Machine<'_>) -> Result<bool, Fault> {
        match self {
            Cond::Header(obj, name, present) => Ok(m.state.message(*obj).headers.get_named(name).is_some() == *present),
            Cond::Test(test) => Ok(test(m)?.yes()),
        }
    }

    /// The condition as a closure of its own (an operand of `&&`, `||`, `if()`).
    fn into_test(self) -> TestFn {
        match self {
            Cond::Header(..) => Box::new(move |m| yes(self.holds(m)?)),
            Cond::Test(test) => test,
        }
    }
}

/// A condition, straight to a [`Truth`].
fn test(cx: &Cx<'_>, e: &Expr) -> TestFn {
    match e {
        // `req.http.X` and `!req.http.X`, as an `if` reads them ([`Cond::of`] makes
        // nothing but a header test of these).
        Expr::Var(Var::Header(..)) => Cond::of(cx, e).into_test(),
        Expr::Not(inner) if matches!(**inner, Expr::Var(Var::Header(..))) => Cond::of(cx, e).into_test(),
        Expr::Not(inner) => {
            let inner = test(cx, inner);
            Box::new(move |m| yes(!inner(m)?.yes()))
        }
        Expr::And(ops) => {
            let ops: Box<[TestFn]> = ops.iter().map(|o| test(cx, o)).collect();
            Box::new(move |m| {
                for o in ops.iter() {
                    if !o(m)?.yes() {
                        return yes(false);
                    }
                }
                yes(true)
            })
        }
        Expr::Or(ops) => {
            let ops: Box<[TestFn]> = ops.iter().map(|o| test(cx, o)).collect();
            Box::new(move |m| {
                for o in ops.iter() {
                    if o(m)?.yes() {
                        return yes(true);
                    }
                }
                yes(false)
            })
        }
        // An INTEGER field against a constant (`resp.status == 404`, `beresp.status >= 500`).
        Expr::Compare { op, lhs, rhs }
            if int_field(lhs).is_some() && matches!(**rhs, Expr::Const(Value::Integer(_))) =>
        {
            match (int_field(lhs), &**rhs) {
                (Some(field), Expr::Const(Value::Integer(k))) => int_compare(*op, field, *k),
                _ => compare_values(cx, *op, lhs, rhs),
            }
        }
        Expr::Compare { op: op @ (CompareOp::Eq | CompareOp::Ne), lhs, rhs } => {
            let eq = *op == CompareOp::Eq;
            match (Src::of(lhs), Src::of(rhs)) {
                // A string compared with a constant (`req.method == "POST"`): as `compare`,
                // two strings by their bytes, not set equals only not set.
                (Some(Src::Field(field)), Some(Src::Const(Some(c)))) => {
                    Box::new(move |m| yes(same_bytes(field(m.state), &c) == eq))
                }
                (Some(Src::Header(obj, name)), Some(Src::Const(c))) => Box::new(move |m| {
                    let v = m.state.message(obj).headers.get_named(&name);
                    yes(opt_eq(v.map(|b| &b[..]), c.as_deref()) == eq)
                }),
                (Some(Src::Local(slot)), Some(Src::Const(c))) => {
                    let whole = e.clone();
                    Box::new(move |m| match m.frame().get(slot as usize) {
                        Some(Value::String(b)) => yes(opt_eq(Some(b), c.as_deref()) == eq),
                        Some(Value::NotSet) => yes(c.is_none() == eq),
                        _ => yes(m.eval(&whole)?.truthy()),
                    })
                }
                (Some(l), Some(r)) => {
                    let whole = e.clone();
                    Box::new(move |m| {
                        let frame = m.frame();
                        match (l.in_place(m.state, frame), r.in_place(m.state, frame)) {
                            (Some(a), Some(b)) => yes(opt_eq(a.string(), b.string()) == eq),
                            _ => yes(m.eval(&whole)?.truthy()),
                        }
                    })
                }
                _ => compare_values(cx, *op, lhs, rhs),
            }
        }
        Expr::Compare { op, lhs, rhs } => compare_values(cx, *op, lhs, rhs),
        Expr::Match { negate, subject, regex } => match Src::of(subject) {
            Some(src) => {
                let (negate, regex, whole) = (*negate, *regex, e.clone());
                let re = cx.program.regexes.get(regex as usize);
                // Whether a match's subject is readable afterwards (`re.group.0`); when it
                // is not, a match records only that the groups changed.
                let read = re.is_none_or(Regex::match_is_read);
                match (re.and_then(|r| r.literal()).cloned(), src) {
                    // A pattern that is a set of strings tested on a header (the commonest
                    // test): the header read in place, not set tested as "".
                    (Some(set), Src::Header(obj, name)) => Box::new(move |m| {
                        let value = m.state.message(obj).headers.get_named(&name);
                        let found = match value {
                            Some(v) if set.folds(v.len()) => set.find_folded(m.ws.folded.of(v)),
                            _ => set.find(value.map_or(&[][..], |v| &v[..])),
                        };
                        let Some(span) = found else { return yes(negate) };
                        let (subject, span) = match value {
                            Some(v) if read => (v.clone(), span),
                            _ => (Bytes::new(), (0, 0)),
                        };
                        m.save_groups();
                        m.state.re_groups.record_whole(subject, span);
                        yes(!negate)
                    }),
                    // A pattern that is a set of strings: searched for in place, and only a
                    // match copies the subject out (for `re.group.0`).
                    (Some(set), src) => Box::new(move |m| {
                        let found = match src.in_place(m.state, &m.ws.locals[m.base..]) {
                            Some(s) => set.find(s.bytes()).map(|span| match read {
                                true => (s.to_bytes(), span),
                                false => (Bytes::new(), (0, 0)),
                            }),
                            None => return yes(m.eval(&whole)?.truthy()),
                        };
                        yes(match found {
                            Some((subject, span)) => {
                                m.save_groups();
                                m.state.re_groups.record_whole(subject, span);
                                !negate
                            }
                            None => negate,
                        })
                    }),
                    (None, src) => {
                        let bit = cx.program.regexes.get(regex as usize).and_then(|r| r.set_bit);
                        Box::new(move |m| {
                            let found = match src.in_place(m.state, &m.ws.locals[m.base..]) {
                                Some(s) => {
                                    let known = bit.and_then(|bit| m.ws.literals.check(m.program, bit, &s));
                                    match_in_place(m.program, &s, regex, &mut m.ws.spans, known)
                                }
                                None => return yes(m.eval(&whole)?.truthy()),
                            };
                            yes(m.finish_match(found) != negate)
                        })
                    }
                }
            }
            // A computed subject (a function's result, a concatenation): evaluated, then
            // matched.
            None => {
                let (negate, regex, subject) = (*negate, *regex, value_fn(cx, subject));
                Box::new(move |m| {
                    let s = subject(m)?.to_bytes();
                    yes(m.regex_match(regex, &s) != negate)
                })
            }
        },
        Expr::MatchAcl { negate, subject, acl } => match (&**subject, &**acl) {
            (Expr::Var(Var::Builtin(BVar::ClientIp)), Expr::Const(Value::Acl(a))) => {
                let (negate, a) = (*negate, *a as usize);
                Box::new(
                    move |m| yes(m.program.acls.get(a).is_some_and(|acl| acl.matches(m.state.client_ip)) != negate),
                )
            }
            _ => fallback_test(e),
        },
        // Anything else (a BOOL variable or function, `if()`): its value's truth.
        _ => {
            let value = value_fn(cx, e);
            Box::new(move |m| yes(value(m)?.truthy()))
        }
    }
}

fn fallback_test(e: &Expr) -> TestFn {
    let e = e.clone();
    Box::new(move |m| m.cond(&e).map(Truth::from))
}

/// `lhs op rhs` on the two values (as `compare` orders them).
fn compare_values(cx: &Cx<'_>, op: CompareOp, lhs: &Expr, rhs: &Expr) -> TestFn {
    let (l, r) = (value_fn(cx, lhs), value_fn(cx, rhs));
    Box::new(move |m| {
        let a = l(m)?;
        let b = r(m)?;
        yes(compare(op, &a, &b))
    })
}

/// An INTEGER variable the state holds as a plain field.
/// `field OP k`, the operator chosen when the code is built.
fn int_compare(op: CompareOp, field: fn(&ReqState) -> i64, k: i64) -> TestFn {
    match op {
        CompareOp::Eq => Box::new(move |m| yes(field(m.state) == k)),
        CompareOp::Ne => Box::new(move |m| yes(field(m.state) != k)),
        CompareOp::Lt => Box::new(move |m| yes(field(m.state) < k)),
        CompareOp::Gt => Box::new(move |m| yes(field(m.state) > k)),
        CompareOp::Le => Box::new(move |m| yes(field(m.state) <= k)),
        CompareOp::Ge => Box::new(move |m| yes(field(m.state) >= k)),
        CompareOp::Match | CompareOp::NotMatch => Box::new(move |m| yes(holds(op, Some(field(m.state).cmp(&k))))),
    }
}

fn int_field(e: &Expr) -> Option<fn(&ReqState) -> i64> {
    match e {
        Expr::Var(Var::Builtin(b)) => vars::int_field(*b),
        _ => None,
    }
}

fn values(cx: &Cx<'_>, args: &[Expr]) -> Box<[ValueFn]> {
    args.iter().map(|a| value_fn(cx, a)).collect()
}

/// An expression's value.
fn value_fn(cx: &Cx<'_>, e: &Expr) -> ValueFn {
    match e {
        // Constants of the common kinds are made in place rather than through the general
        // (out-of-line) `Value::clone`.
        Expr::Const(Value::String(b)) => {
            let b = b.clone();
            Box::new(move |_| Ok(Value::String(b.clone())))
        }
        &Expr::Const(Value::Integer(k)) => Box::new(move |_| Ok(Value::Integer(k))),
        &Expr::Const(Value::Rtime(k)) => Box::new(move |_| Ok(Value::Rtime(k))),
        &Expr::Const(Value::Bool(k)) => Box::new(move |_| Ok(Value::Bool(k))),
        Expr::Const(v) => {
            let v = v.clone();
            Box::new(move |_| Ok(v.clone()))
        }
        Expr::Local(slot) => {
            let slot = *slot;
            Box::new(move |m| Ok(m.local(slot)))
        }
        // Headers and string fields read without the general variable lookup (and
        // headers by their prepared names).
        Expr::Var(Var::Header(obj, name)) => {
            let (obj, name) = (*obj, HeaderName::new(name.clone()));
            Box::new(move |m| {
                Ok(m.state.message(obj).headers.get_named(&name).map_or(Value::NotSet, |v| Value::String(v.clone())))
            })
        }
        Expr::Var(Var::HeaderField(obj, name, key)) => {
            let (obj, key) = (*obj, vars::FieldKey::new(key.clone(), vars::separator(name)));
            let name = HeaderName::new(name.clone());
            Box::new(move |m| {
                let field = m.state.message(obj).headers.get_named(&name).and_then(|v| key.get(v));
                Ok(field.map_or(Value::NotSet, Value::String))
            })
        }
        Expr::Var(Var::Builtin(b)) => {
            if let Some(field) = vars::string_field(*b) {
                return Box::new(move |m| Ok(Value::String(field(m.state).clone())));
            }
            if let Some(field) = vars::int_field(*b) {
                return Box::new(move |m| Ok(Value::Integer(field(m.state))));
            }
            let b = *b;
            Box::new(move |m| Ok(vars::get_builtin(m.state, m.program, m.runtime, b)))
        }
        Expr::Var(var) => {
            let var = var.clone();
            Box::new(move |m| Ok(vars::get(m.state, m.program, m.runtime, &var)))
        }
        Expr::Not(_)
        | Expr::And(_)
        | Expr::Or(_)
        | Expr::Compare { .. }
        | Expr::Match { .. }
        | Expr::MatchAcl { .. } => {
            let t = test(cx, e);
            Box::new(move |m| Ok(Value::Bool(t(m)?.yes())))
        }
        Expr::If { cond, then, otherwise } => {
            let (cond, then, otherwise) = (test(cx, cond), value_fn(cx, then), value_fn(cx, otherwise));
            Box::new(move |m| if cond(m)?.yes() { then(m) } else { otherwise(m) })
        }
        Expr::Convert(inner, conv) => match (int_field(inner), *conv) {
            // An INTEGER field as a string (`set beresp.http.X-Status = beresp.status`).
            (Some(field), Conv::String) => {
                Box::new(move |m| Ok(Value::String(crate::interp::value::int_bytes(field(m.state)))))
            }
            (_, conv) => {
                let inner = value_fn(cx, inner);
                Box::new(move |m| {
                    let v = inner(m)?;
                    Ok(convert(v, conv, m.program))
                })
            }
        },
        Expr::Call { name, f, args } => table_lookup(cx, name, *f, args).unwrap_or_else(|| call(cx, *f, args)),
        Expr::CallSub { sub, args } => {
            let (sub, args) = (*sub, values(cx, args));
            Box::new(move |m| {
                let flow = m.call_with(sub, args.len(), |m, i| args[i](m))?;
                Ok(m.sub_value(flow))
            })
        }
        Expr::Concat(parts) => {
            // Strings the program or the state holds are appended in place (not set
            // renders as nothing), numbers the state holds are rendered in place; other
            // pieces are evaluated and rendered.
            let pieces: Box<[Piece]> = parts.iter().map(|p| Piece::of(cx, p)).collect();
            Box::new(move |m| {
                let built = m.concat_with(pieces.len(), |m, i| {
                    match &pieces[i] {
                        Piece::Src(src, value) => match src.in_place(m.state, &m.ws.locals[m.base..]) {
                            Some(s) => m.ws.scratch.extend_from_slice(s.bytes()),
                            None => {
                                let v = value(m)?;
                                m.push_piece(&v);
                            }
                        },
                        Piece::Number(number) => {
                            let mut digits = [0u8; 20];
                            let at = crate::interp::value::write_int(number(m.state), &mut digits);
                            m.ws.scratch.extend_from_slice(&digits[at..]);
                        }
                        Piece::Value(value) => {
                            let v = value(m)?;
                            m.push_piece(&v);
                        }
                    }
                    Ok(())
                })?;
                Ok(Value::String(built))
            })
        }
        _ => {
            let e = e.clone();
            Box::new(move |m| m.eval(&e))
        }
    }
}

/// A builtin function's call: its arguments evaluated and converted, then the function.
fn call(cx: &Cx<'_>, f: Builtin, args: &[(Expr, Conv)]) -> ValueFn {
    let args: Box<[(ValueFn, Conv)]> = args.iter().map(|(a, conv)| (value_fn(cx, a), *conv)).collect();
    Box::new(move |m| {
        // Arguments live on the stack for the common case (at most six).
        let mut values: smallvec::SmallVec<[Value; 6]> = smallvec::SmallVec::new();
        for (a, conv) in args.iter() {
            let v = a(m)?;
            values.push(if *conv == Conv::None { v } else { convert(v, *conv, m.program) });
        }
        m.invoke(f, &values)
    })
}

/// `table.lookup(TABLE, key[, default])` and the lookups like it
/// ([`table::stored_kind`]) with a declared table and a constant default: the key is read
/// in place and no argument list is built. Tables do not change while a program runs, so
/// a constant key is looked up once, here.
fn table_lookup(cx: &Cx<'_>, name: &str, f: Builtin, args: &[(Expr, Conv)]) -> Option<ValueFn> {
    let kind = table::stored_kind(name)?;
    let [(Expr::Const(Value::Id(Id::Table(t))), Conv::None), (key, Conv::None), rest @ ..] = args else { return None };
    let default = match rest {
        [] => Value::NotSet,
        [(Expr::Const(v), Conv::None)] => v.clone(),
        _ => return None,
    };
    let t = *t as usize;
    let lookup = move |program: &Program, key: &[u8]| {
        program.tables.get(t).and_then(|table| table::find(table, key, kind)).unwrap_or(&default).clone()
    };
    if let Expr::Const(Value::String(key)) = key {
        let found = lookup(cx.program, key);
        return Some(Box::new(move |_| Ok(found.clone())));
    }
    let src = Src::of(key)?;
    // A key that is not a string in place (a local of another type) goes the general way.
    let general = call(cx, f, args);
    Some(Box::new(move |m| match src.in_place(m.state, &m.ws.locals[m.base..]) {
        Some(key) => Ok(lookup(m.program, key.bytes())),
        None => general(m),
    }))
}

/// A piece of a concatenation.
enum Piece {
    /// A string read in place, or when it is not one (a local of another type), the
    /// expression's value.
    Src(Src, ValueFn),
    /// A number the state holds that the variable renders in decimal (`now.sec`).
    Number(fn(&ReqState) -> i64),
    /// Any other expression, evaluated and rendered.
    Value(ValueFn),
}

impl Piece {
    fn of(cx: &Cx<'_>, e: &Expr) -> Piece {
        if let Some(src) = Src::of(e) {
            return Piece::Src(src, value_fn(cx, e));
        }
        match e {
            Expr::Var(Var::Builtin(b)) => match vars::int_string(*b) {
                Some(number) => Piece::Number(number),
                None => Piece::Value(value_fn(cx, e)),
            },
            _ => Piece::Value(value_fn(cx, e)),
        }
    }
}

/// A string-valued expression whose value the program or the state holds: read in
/// place, with no copy and no reference-count round trip.
enum Src {
    /// A constant string, or not set (`None`).
    Const(Option<Bytes>),
    /// A local; only STRING locals read in place (the others give `None`).
    Local(u16),
    Header(Obj, HeaderName),
    Field(StringField),
    /// Part of a URL (`req.url.ext`): readable in place, but only as a slice.
    UrlPart(StringField, UrlPart),
    /// A string the state names by a `'static` slice (`fastly_info.state`).
    Static(fn(&ReqState) -> &'static [u8]),
}

impl Src {
    fn of(e: &Expr) -> Option<Src> {
        Some(match e {
            Expr::Const(Value::String(b)) => Src::Const(Some(b.clone())),
            Expr::Const(Value::NotSet) => Src::Const(None),
            Expr::Local(slot) => Src::Local(*slot),
            Expr::Var(Var::Header(obj, name)) => Src::Header(*obj, HeaderName::new(name.clone())),
            Expr::Var(Var::Builtin(b)) => match vars::string_field(*b) {
                Some(field) => Src::Field(field),
                None => match vars::static_field(*b) {
                    Some(field) => Src::Static(field),
                    None => {
                        let (url, part) = vars::url_field(*b)?;
                        Src::UrlPart(url, part)
                    }
                },
            },
            _ => return None,
        })
    }

    /// `Some(Some(bytes))` for a string, `Some(None)` for not set, `None` when the value is
    /// not a whole string the state holds (evaluate the expression instead).
    fn peek<'s>(&'s self, st: &'s ReqState, frame: &'s [Value]) -> Option<Option<&'s Bytes>> {
        match self {
            Src::Const(c) => Some(c.as_ref()),
            Src::Local(slot) => match frame.get(*slot as usize)? {
                Value::String(b) => Some(Some(b)),
                Value::NotSet => Some(None),
                _ => None,
            },
            Src::Header(obj, name) => Some(st.message(*obj).headers.get_named(name)),
            Src::Field(field) => Some(Some(field(st))),
            Src::UrlPart(..) | Src::Static(_) => None,
        }
    }

    fn in_place<'s>(&'s self, st: &'s ReqState, frame: &'s [Value]) -> Option<InPlace<'s>> {
        match self {
            Src::Static(field) => Some(InPlace::Static(field(st))),
            Src::UrlPart(url, part) => {
                let url = url(st);
                Some(InPlace::Part(url, vars::url_part(url, *part)))
            }
            other => Some(match other.peek(st, frame)? {
                Some(b) => InPlace::Whole(b),
                None => InPlace::NotSet,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::state::ReqState;
    use crate::interp::Runtime;

    /// Conditions and values the compiler specialises, each next to the general cases it
    /// must agree with.
    const CONDITIONS: &[&str] = &[
        "req.http.Host",
        "!req.http.Nope",
        r#"req.method == "GET""#,
        r#"req.method != "GET""#,
        r#"req.http.Host == "www.example.com""#,
        r#"req.http.Nope == """#,
        r#"var.s == "abc""#,
        "var.s != req.http.Host",
        "var.unset == req.http.Nope",
        r#"var.unset == "x""#,
        r#"var.unset != """#,
        r#"req.url.ext == "png""#,
        "beresp.status >= 500",
        "req.restarts < 1",
        "beresp.status == 200",
        "beresp.status != 200",
        "beresp.status <= 199",
        "beresp.status > 100",
        "req.restarts == 0",
        r#"fastly_info.state ~ "^MISS""#,
        r#"fastly_info.state ~ "^HIT""#,
        r#"fastly_info.state == "MISS""#,
        r#"fastly_info.state != req.http.Host"#,
        "var.n > 3",
        r#"req.http.Host ~ "^www\.(.+)$""#,
        r#"req.url.qs ~ "(?:^|&)(?:utm_[a-z]+|gclid)=""#,
        r#"req.url.ext ~ "^(?:png|jpe?g)$""#,
        r#"!(req.http.User-Agent ~ "(?i)bot|mobile")"#,
        r#"req.http.Nope ~ "^$""#,
        r#"fastly_info.state ~ "^NO""#,
        "client.ip ~ office",
        "req.http.A && req.http.B || req.http.Host",
        "std.strlen(req.url) > 3",
        r#"table.lookup_bool(flags, "on", false)"#,
        "var.b",
        "if(var.b, false, true)",
    ];

    const VALUES: &[&str] = &[
        "req.http.Host",
        "req.http.Nope",
        "req.http.Cookie:session",
        "req.method",
        "req.url.path",
        r#""a" req.url "b" var.n req.http.Nope"#,
        // Past the concatenation's stack buffer (128 bytes), and numbers rendered in place.
        r#"req.http.User-Agent "|" req.http.User-Agent "|" now.sec "|" time.elapsed.msec"#,
        r#"if(req.http.Host, "y", "n")"#,
        "std.toupper(req.http.Host)",
        "var.n",
        "var.unset",
        "re.group.1",
        "beresp.status",
        "req.restarts",
        "now.sec",
        r#"table.lookup(redirects, req.url.path, "none")"#,
        r#"regsub(req.url, "^/", "")"#,
        "server.identity",
    ];

    fn program() -> Program {
        let mut vcl = String::from(
            r#"acl office { "198.18.0.0"/16; }
            table flags BOOL { "on": true }
            table redirects { "/products/shoes": "/shoes" }
            sub vcl_fetch {
              declare local var.s STRING;
              declare local var.unset STRING;
              declare local var.n INTEGER;
              declare local var.b BOOL;
              set var.s = "abc";
              set var.n = 7;
              set var.b = true;
            "#,
        );
        for c in CONDITIONS {
            vcl.push_str(&format!("  if ({c}) {{ }}\n"));
        }
        for v in VALUES {
            vcl.push_str(&format!("  set req.http.V = {v};\n"));
        }
        vcl.push_str("}\n");
        crate::ir::compile_for_tests(&vcl)
    }

    fn state() -> ReqState {
        let mut st = ReqState::default();
        st.req.url = Bytes::from_static(b"/products/shoes?utm_source=x&size=42");
        st.client_ip = "198.18.0.20".parse().unwrap();
        st.beresp.status = 503;
        st.fastly_state = "MISS";
        for (n, v) in [
            ("Host", "www.example.com"),
            ("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148"),
            ("Cookie", "currency=EUR; session=s1"),
            ("B", "1"),
        ] {
            st.req.headers.set(n.as_bytes(), Bytes::from_static(v.as_bytes()));
        }
        st
    }

    #[test]
    fn compiled_conditions_and_values_agree_with_the_tree_evaluator() {
        let program = program();
        let runtime = Runtime::default();
        let idx = program.sub_by_name("vcl_fetch").expect("vcl_fetch");
        let sub = &program.subs[idx as usize];
        let cx = Cx { program: &program, sub: idx };
        let (mut conditions, mut values) = (0, 0);
        for stmt in &sub.body {
            // Each expression runs twice from the same state, with the locals the
            // subroutine's first statements set and `re.group.*` from an earlier match.
            let run = |f: &dyn Fn(&mut Machine<'_>) -> String| {
                let mut st = state();
                let mut ws = crate::interp::exec::Workspace::new();
                let mut m = Machine::new(&program, &runtime, &mut st, &mut ws, None);
                m.ws.locals.extend(sub.slot_init.iter().cloned());
                m.ws.locals[0] = Value::String(Bytes::from_static(b"abc"));
                m.ws.locals[2] = Value::Integer(7);
                m.ws.locals[3] = Value::Bool(true);
                m.regex_match(0, &Bytes::from_static(b"www.example.org"));
                let out = f(&mut m);
                format!("{out} groups={:?} error={:?}", st.re_groups, st.fastly_error)
            };
            match &stmt.kind {
                StmtKind::If { branches, .. } => {
                    let e = &branches[0].0;
                    let compiled = test(&cx, e);
                    let tree = run(&|m| format!("{:?}", m.cond(e)));
                    assert_eq!(
                        run(&|m| format!("{:?}", compiled(m).map(Truth::yes))),
                        tree,
                        "condition {:?}",
                        CONDITIONS[conditions]
                    );
                    conditions += 1;
                }
                StmtKind::Set { place: Place::Var(Var::Header(..)), value, .. } => {
                    let compiled = value_fn(&cx, value);
                    let tree = run(&|m| format!("{:?}", m.eval(value)));
                    assert_eq!(run(&|m| format!("{:?}", compiled(m))), tree, "value {:?}", VALUES[values]);
                    values += 1;
                }
                _ => {}
            }
        }
        assert_eq!((conditions, values), (CONDITIONS.len(), VALUES.len()));
    }
}
