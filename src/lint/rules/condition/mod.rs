//! `condition/*`: `if` conditions Fastly rejects.

pub mod literal;
