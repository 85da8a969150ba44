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
mod proxy_health;
mod proxy_tls;
mod support;
mod syntax;
mod testing;
