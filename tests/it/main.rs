//! The one integration-test binary.
mod catalog;
mod fixtures;
mod fmt;
mod grammar;
mod interp;
mod support;
mod syntax;
mod lint;
