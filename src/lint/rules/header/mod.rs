//! `header/*`: header writes that have no effect.

pub mod duplicate_set;
