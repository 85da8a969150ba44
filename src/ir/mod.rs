//! The compiled program: an immutable, resolved form of a checked VCL program that the
//! interpreter runs on the request path. Variables are typed handles or local slots,
//! header names are pre-parsed, functions are direct calls, regex literals are compiled
//! once (PCRE2, JIT where available), tables and ACLs are lookup structures, and source
//! spans live in a side table for errors and tracing.
//!
//! Architecture Invariant: a `Program` is immutable and shared as `Arc<Program>`; nothing
//! on the request path looks a name up, compiles a regex or walks the AST.

use std::collections::HashMap;
use std::net::IpAddr;

use bytes::Bytes;

use crate::catalog::Type;
use crate::interp::value::Value;

/// A compiled service version.
#[derive(Debug, Default)]
pub struct Program {
    pub backends: Vec<BackendInfo>,
    pub acls: Vec<Acl>,
    pub tables: Vec<Table>,
    pub regexes: Vec<Regex>,
    pub ratecounters: Vec<String>,
    pub penaltyboxes: Vec<String>,
}

/// A backend or director, by name.
#[derive(Debug, Clone)]
pub struct BackendInfo {
    pub name: String,
    pub is_director: bool,
}

/// A compiled regex literal.
#[derive(Debug)]
pub struct Regex {
    pub pattern: String,
    pub regex: pcre2::bytes::Regex,
}

/// A `table` with its value type and entries.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub ty: Type,
    pub entries: HashMap<Bytes, Value>,
}

/// An `acl`: entries checked most specific first, negations taking precedence
/// (Fastly: "negations are processed after all inclusions and always take precedence").
#[derive(Debug, Clone, Default)]
pub struct Acl {
    pub name: String,
    pub entries: Vec<AclEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AclEntry {
    pub negated: bool,
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Acl {
    /// Whether `ip` matches: some inclusion covers it and no negation does.
    pub fn matches(&self, ip: IpAddr) -> bool {
        let mut included = false;
        for e in &self.entries {
            if covers(e.addr, e.prefix, ip) {
                if e.negated {
                    return false;
                }
                included = true;
            }
        }
        included
    }
}

/// Whether the network `net/prefix` contains `ip` (IPv4-mapped IPv6 addresses match
/// IPv4 networks).
pub fn covers(net: IpAddr, prefix: u8, ip: IpAddr) -> bool {
    let ip = match (net, ip) {
        (IpAddr::V4(_), IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => return false,
        },
        _ => ip,
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let p = u32::from(prefix.min(32));
            let mask = if p == 0 { 0 } else { u32::MAX << (32 - p) };
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let p = u32::from(prefix.min(128));
            let mask = if p == 0 { 0 } else { u128::MAX << (128 - p) };
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}
