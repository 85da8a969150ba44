//! What builtin unit tests share: a request state, a program and a runtime to call a
//! builtin against.

use super::{Builtin, Ctx};
use crate::interp::state::ReqState;
use crate::interp::value::Value;
use crate::interp::Runtime;
use crate::ir::{Program, Regex};

pub struct Env {
    pub state: ReqState,
    pub program: Program,
    pub runtime: Runtime,
}

impl Env {
    pub fn new() -> Env {
        Env { state: ReqState::default(), program: Program::default(), runtime: Runtime::default() }
    }

    /// Compiles `pattern` into the program and returns its REGEX value.
    pub fn regex(&mut self, pattern: &str) -> Value {
        self.program.regexes.push(Regex::new(pattern).expect("test pattern"));
        Value::Regex(self.program.regexes.len() as u32 - 1)
    }

    pub fn call(&mut self, f: Builtin, args: &[Value]) -> Value {
        let mut ctx = Ctx { state: &mut self.state, program: &self.program, runtime: &self.runtime };
        f(&mut ctx, args).expect("builtins do not fault here")
    }

    /// `fastly.error` after the calls so far.
    pub fn error(&self) -> Value {
        self.state.fastly_error.clone()
    }
}

/// Calls a builtin on a fresh environment.
pub fn call(f: Builtin, args: &[Value]) -> Value {
    Env::new().call(f, args)
}

pub fn s(text: &str) -> Value {
    Value::str(text)
}
