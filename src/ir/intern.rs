//! Program strings the request path copies often (header names, short string constants)
//! interned for the life of the process, so sharing one is a plain pointer copy: `Bytes`
//! over a `'static` slice clones and drops without touching a reference count, where a
//! heap-backed `Bytes` pays an atomic increment and decrement per copy.
//!
//! Each distinct string is stored once and kept: programs are recompiled on every
//! activation, and they reuse what earlier versions interned. What can be kept is bounded
//! (strings of at most `MAX_LEN` bytes, at most `MAX_STRINGS` of them, about 4 MiB); past
//! that, strings are ordinary reference-counted `Bytes`.

use std::collections::HashSet;
use std::sync::{Mutex, OnceLock};

use bytes::Bytes;

/// Longest string interned.
pub const MAX_LEN: usize = 64;
/// Most strings interned in one process.
pub const MAX_STRINGS: usize = 1 << 16;

fn table() -> &'static Mutex<HashSet<&'static [u8]>> {
    static TABLE: OnceLock<Mutex<HashSet<&'static [u8]>>> = OnceLock::new();
    TABLE.get_or_init(Default::default)
}

/// `s` as `Bytes`: interned when short and while there is room, otherwise a copy.
pub fn bytes(s: &[u8]) -> Bytes {
    if s.is_empty() {
        return Bytes::new();
    }
    if s.len() > MAX_LEN {
        return Bytes::copy_from_slice(s);
    }
    let Ok(mut table) = table().lock() else { return Bytes::copy_from_slice(s) };
    if let Some(&kept) = table.get(s) {
        return Bytes::from_static(kept);
    }
    if table.len() >= MAX_STRINGS {
        return Bytes::copy_from_slice(s);
    }
    let kept: &'static [u8] = Box::leak(s.to_vec().into_boxed_slice());
    table.insert(kept);
    Bytes::from_static(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_strings_are_shared_long_ones_copied() {
        let a = bytes(b"X-Intern-Test");
        let b = bytes(b"X-Intern-Test");
        assert_eq!(a, b);
        assert_eq!(a.as_ptr(), b.as_ptr(), "one copy for the process");
        let long = vec![b'x'; MAX_LEN + 1];
        let c = bytes(&long);
        assert_eq!(c, long);
        assert_ne!(c.as_ptr(), bytes(&long).as_ptr());
        assert!(bytes(b"").is_empty());
    }
}
