//! `style/*`: spellings with a preferred equivalent.

pub mod else_if;
pub mod unset_over_remove;
