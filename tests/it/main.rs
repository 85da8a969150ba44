//! The one integration-test binary.
mod catalog;
mod fixtures;
mod fmt;
mod grammar;
mod support;
mod syntax;
mod lint;
