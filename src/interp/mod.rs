//! The interpreter: runs one compiled subroutine over a request's state and returns what
//! it decided. No IO.
//!
//! Architecture Invariant: `interp` does no IO; it returns an `Action` and the proxy acts.

pub mod builtins;
pub mod state;
pub mod value;

/// State shared by every request of a program: rate counters and penalty boxes.
#[derive(Debug, Default)]
pub struct Runtime {}
