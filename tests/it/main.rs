//! The one integration-test binary.
mod catalog;
mod fixtures;
mod fmt;
mod grammar;
mod interp;
mod lint;
mod support;
mod syntax;
mod testing;
