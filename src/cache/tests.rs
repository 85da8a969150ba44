//! Unit tests that need the store's internals: weight accounting and the measured per-object
//! bookkeeping overhead.

use std::mem::size_of;

use bytes::Bytes;

use super::*;

fn object(body: &'static [u8], headers: &[(&'static [u8], &'static [u8])], keys: &[&[u8]]) -> CachedObject {
    let headers: Vec<(Bytes, Bytes)> =
        headers.iter().map(|(n, v)| (Bytes::from_static(n), Bytes::from_static(v))).collect();
    let mut object = CachedObject::new(200, headers, Bytes::from_static(body), 0);
    object.surrogate_keys = keys.iter().map(|k| Bytes::copy_from_slice(k)).collect();
    object.ttl = 60 * freshness::SECOND;
    object
}

#[test]
fn weight_accounts_body_and_headers() {
    let bare = object(b"", &[], &[]);
    assert_eq!(bare.weight(), OBJECT_OVERHEAD);

    let full = object(b"0123456789", &[(b"Content-Type", b"text/plain"), (b"X-A", b"1")], &[]);
    let header_bytes = (12 + 10) + (3 + 1);
    assert_eq!(full.weight(), OBJECT_OVERHEAD + 10 + header_bytes + 2 * HEADER_OVERHEAD);

    let tagged = object(b"", &[], &[b"k1", b"key2"]);
    assert_eq!(tagged.weight(), OBJECT_OVERHEAD + 6 + 2 * SURROGATE_KEY_OVERHEAD);

    let mut varied = object(b"", &[], &[]);
    varied.vary = vec![(Bytes::from_static(b"accept-encoding"), Some(Bytes::from_static(b"gzip")))];
    assert_eq!(varied.weight(), OBJECT_OVERHEAD + 15 + 4 + VARY_OVERHEAD);
}

#[test]
fn cache_weight_is_the_sum_of_object_weights() {
    let cache = Cache::new(1 << 30);
    let a = object(b"aaaa", &[(b"X", b"1")], &[b"k"]);
    let b = object(b"bbbbbbbb", &[], &[]);
    let expected = a.weight() + b.weight();
    assert!(cache.insert(CacheKey::from_hash_input(b"a"), a));
    assert!(cache.insert(CacheKey::from_hash_input(b"b"), b));
    assert_eq!(cache.weight(), expected);
    assert_eq!(cache.purge(CacheKey::from_hash_input(b"a"), false), 1);
    assert_eq!(cache.weight(), object(b"bbbbbbbb", &[], &[]).weight());
    cache.purge_all();
    assert_eq!(cache.weight(), 0);
}

/// Measures the bookkeeping bytes per object (everything but body, header and key bytes) with
/// `size_of` and the containers' capacities, at several fill levels of the hash tables, and
/// checks each weight charge covers its part.
#[test]
fn per_object_overhead_is_covered() {
    assert_eq!(HEADER_OVERHEAD, 3 * size_of::<u32>() as u64, "a header costs exactly its three offsets");
    for n in [1_000usize, 5_000, 7_000, 10_000, 14_000, 20_000] {
        for shared_key in [false, true] {
            let cache = Cache::new(1 << 40);
            for i in 0..n {
                let key = if shared_key { b"all".to_vec() } else { format!("product-{i:05}").into_bytes() };
                let mut o = CachedObject::new(200, Vec::new(), Bytes::from_static(b"body"), 0);
                o.surrogate_keys = vec![Bytes::from(key)];
                assert!(cache.insert(CacheKey::from_hash_input(&i.to_le_bytes()), o));
            }
            let (structures, index) = cache.store.structure_bytes();
            let object = (16 + size_of::<CachedObject>()) * n; // Arc counts + the struct
            let fixed = (structures + object) / n;
            let per_key = (index + size_of::<Bytes>() * n) / n;
            eprintln!(
                "{n} objects, {} surrogate key: fixed {fixed} bytes (charged {OBJECT_OVERHEAD}), \
                 surrogate key {per_key} bytes (charged {SURROGATE_KEY_OVERHEAD})",
                if shared_key { "shared" } else { "unique" },
            );
            assert!(fixed as u64 <= OBJECT_OVERHEAD, "fixed {fixed} > {OBJECT_OVERHEAD}");
            assert!(per_key as u64 <= SURROGATE_KEY_OVERHEAD, "surrogate key {per_key} > {SURROGATE_KEY_OVERHEAD}");
        }
    }
}
