//! The one integration-test binary.
mod cache;
mod catalog;
mod fixtures;
mod fmt;
mod geo;
mod grammar;
mod interp;
mod lint;
mod proxy;
mod support;
mod syntax;
mod testing;
