//! `unused/*`: declarations, local variables and goto labels nothing refers to.

pub mod declaration;
pub mod goto;
pub mod variable;
