//! The object cache: freshness parsing, lookups, Vary, stale windows, purges, the memory bound,
//! collapsing and hit-for-pass. Time is injected (`now`); nothing sleeps. Section numbers refer
//! to `shared/reference/fastly-delivery-semantics.md`.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use lacquer::cache::freshness::{self, TtlSource, DEFAULT_TTL, SECOND};
use lacquer::cache::{Cache, CacheKey, CacheLock, CachedObject, Lookup, Nanos};

/// 2023-11-14T22:13:20Z, a whole second.
const NOW: Nanos = 1_700_000_000 * SECOND;

fn headers(list: &[(&str, &str)]) -> Vec<(Bytes, Bytes)> {
    list.iter().map(|(n, v)| (Bytes::copy_from_slice(n.as_bytes()), Bytes::copy_from_slice(v.as_bytes()))).collect()
}

fn http_date(at: Nanos) -> String {
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_nanos(at as u64))
}

fn fresh(status: u16, list: &[(&str, &str)]) -> freshness::Freshness {
    freshness::from_response(status, &headers(list), NOW)
}

fn key(s: &str) -> CacheKey {
    CacheKey::from_hash_input(s.as_bytes())
}

fn no_headers(_: &[u8]) -> Option<Bytes> {
    None
}

/// An object stored at `NOW` with the given TTL and stale windows (seconds).
fn object(ttl: i64, swr: i64, sie: i64) -> CachedObject {
    let mut o = CachedObject::new(200, headers(&[("Content-Type", "text/plain")]), Bytes::from_static(b"hello"), NOW);
    o.ttl = ttl * SECOND;
    o.stale_while_revalidate = swr * SECOND;
    o.stale_if_error = sie * SECOND;
    o
}

fn tagged(keys: &[&str]) -> CachedObject {
    let mut o = object(60, 0, 0);
    o.surrogate_keys = keys.iter().map(|k| Bytes::copy_from_slice(k.as_bytes())).collect();
    o
}

fn is_fresh(l: &Lookup) -> bool {
    matches!(l, Lookup::Fresh(_))
}

fn is_stale(l: &Lookup) -> bool {
    matches!(l, Lookup::Stale(_))
}

fn is_miss(l: &Lookup) -> bool {
    matches!(l, Lookup::Miss)
}

// ---------------------------------------------------------------------------------------------
// Freshness: §1.2 TTL precedence, each source alone

#[test]
fn ttl_from_surrogate_control_max_age() {
    // §1.2 order 1: Surrogate-Control: max-age=N.
    let f = fresh(200, &[("Surrogate-Control", "max-age=3600")]);
    assert_eq!((f.ttl, f.source), (3600 * SECOND, TtlSource::SurrogateControlMaxAge));
}

#[test]
fn ttl_from_s_maxage() {
    // §1.2 order 2: Cache-Control: s-maxage=N.
    let f = fresh(200, &[("Cache-Control", "public, s-maxage=600")]);
    assert_eq!((f.ttl, f.source), (600 * SECOND, TtlSource::SMaxAge));
}

#[test]
fn ttl_from_max_age() {
    // §1.2 order 3: Cache-Control: max-age=N.
    let f = fresh(200, &[("Cache-Control", "max-age=300")]);
    assert_eq!((f.ttl, f.source), (300 * SECOND, TtlSource::MaxAge));
}

#[test]
fn ttl_from_expires_minus_date() {
    // §1.2 order 4: Expires − Date (the origin's clock, so skew between clocks does not matter).
    let date = NOW - 1000 * SECOND;
    let f = fresh(200, &[("Date", &http_date(date)), ("Expires", &http_date(date + 90 * SECOND))]);
    assert_eq!((f.ttl, f.source), (90 * SECOND, TtlSource::Expires));
}

#[test]
fn ttl_from_expires_without_date_uses_now() {
    let f = fresh(200, &[("Expires", &http_date(NOW + 45 * SECOND))]);
    assert_eq!((f.ttl, f.source), (45 * SECOND, TtlSource::Expires));
}

#[test]
fn expires_in_the_past_gives_zero_ttl() {
    let f = fresh(200, &[("Date", &http_date(NOW)), ("Expires", &http_date(NOW - 10 * SECOND))]);
    assert_eq!((f.ttl, f.source), (0, TtlSource::Expires));
}

#[test]
fn unparsable_expires_falls_back_to_the_default() {
    // Varnish heritage [inf]: an invalid date counts as no Expires.
    let f = fresh(200, &[("Expires", "0")]);
    assert_eq!((f.ttl, f.source), (DEFAULT_TTL, TtlSource::Default));
}

#[test]
fn default_ttl_is_two_minutes() {
    // §1.2: no freshness header → 2 minutes (parser default); §1.1 worked example.
    let f = fresh(200, &[("Content-Type", "text/html")]);
    assert_eq!((f.ttl, f.source, f.cacheable), (120 * SECOND, TtlSource::Default, true));
    assert_eq!((f.stale_while_revalidate, f.stale_if_error, f.initial_age), (0, 0, 0));
}

// Freshness: §1.2 TTL precedence, combined

#[test]
fn surrogate_control_beats_everything() {
    // §1.2: Surrogate-Control is preferred over Cache-Control when both exist [SC].
    let f = fresh(
        200,
        &[
            ("Expires", &http_date(NOW + 5 * SECOND)),
            ("Cache-Control", "max-age=20, s-maxage=30"),
            ("Surrogate-Control", "max-age=40"),
        ],
    );
    assert_eq!((f.ttl, f.source), (40 * SECOND, TtlSource::SurrogateControlMaxAge));
}

#[test]
fn s_maxage_beats_max_age_and_expires() {
    let f = fresh(200, &[("Expires", &http_date(NOW + 5 * SECOND)), ("Cache-Control", "max-age=20, s-maxage=30")]);
    assert_eq!((f.ttl, f.source), (30 * SECOND, TtlSource::SMaxAge));
}

#[test]
fn max_age_beats_expires() {
    let f = fresh(200, &[("Expires", &http_date(NOW + 5 * SECOND)), ("Cache-Control", "max-age=20")]);
    assert_eq!((f.ttl, f.source), (20 * SECOND, TtlSource::MaxAge));
}

#[test]
fn surrogate_control_without_max_age_does_not_hide_cache_control() {
    let f = fresh(200, &[("Surrogate-Control", "stale-if-error=60"), ("Cache-Control", "max-age=20")]);
    assert_eq!((f.ttl, f.source), (20 * SECOND, TtlSource::MaxAge));
}

#[test]
fn directives_parse_leniently() {
    // Case-insensitive names, spaces, quoted values, several fields, invalid values skipped.
    assert_eq!(fresh(200, &[("cache-control", " Public ,  MAX-AGE = 30 ")]).ttl, 30 * SECOND);
    assert_eq!(fresh(200, &[("Cache-Control", "max-age=\"45\"")]).ttl, 45 * SECOND);
    assert_eq!(fresh(200, &[("Cache-Control", "public"), ("Cache-Control", "max-age=50")]).ttl, 50 * SECOND);
    assert_eq!(fresh(200, &[("Cache-Control", "max-age=abc, max-age=70")]).ttl, 70 * SECOND);
    assert_eq!(fresh(200, &[("Cache-Control", "max-age=abc")]).source, TtlSource::Default);
    // Delta-seconds are capped at 2^31 (RFC 9111 §1.2.2); a negative value reads as 0.
    assert_eq!(fresh(200, &[("Cache-Control", "max-age=99999999999999999999999")]).ttl, (1 << 31) * SECOND);
    assert_eq!(fresh(200, &[("Cache-Control", "max-age=-5")]).ttl, 0);
}

#[test]
fn no_cache_private_and_no_store_do_not_change_the_ttl() {
    // §1.4: the parser ignores them; the boilerplate VCL passes on private/no-store itself.
    let f = fresh(200, &[("Cache-Control", "private, no-store, no-cache, max-age=60")]);
    assert_eq!((f.ttl, f.cacheable), (60 * SECOND, true));
}

// Freshness: §1.2 Age

#[test]
fn age_is_subtracted_from_max_age_style_ttls() {
    // §1.2 [AGE]: max-age=30 with Age: 10 → beresp.ttl = 20, Age stored with the object.
    let f = fresh(200, &[("Cache-Control", "max-age=30"), ("Age", "10")]);
    assert_eq!((f.ttl, f.initial_age), (20 * SECOND, 10 * SECOND));
    let f = fresh(200, &[("Cache-Control", "s-maxage=30"), ("Age", "10")]);
    assert_eq!((f.ttl, f.initial_age), (20 * SECOND, 10 * SECOND));
    let f = fresh(200, &[("Surrogate-Control", "max-age=30"), ("Age", "10")]);
    assert_eq!((f.ttl, f.initial_age), (20 * SECOND, 10 * SECOND));
}

#[test]
fn fastly_age_worked_example() {
    // §1.2 [AGE]: 8 s after storing, a hit sees obj.age = 18 and obj.ttl = 12.
    let f = fresh(200, &[("Cache-Control", "max-age=30"), ("Age", "10")]);
    let o = CachedObject::new(200, Vec::new(), Bytes::new(), NOW).with_freshness(&f);
    assert_eq!(o.age(NOW + 8 * SECOND), 18 * SECOND);
    assert_eq!(o.remaining_ttl(NOW + 8 * SECOND), 12 * SECOND);
    assert!(o.is_fresh(NOW + 20 * SECOND - 1));
    assert!(!o.is_fresh(NOW + 20 * SECOND));
}

#[test]
fn age_above_max_age_gives_a_negative_ttl() {
    // The object is stale on arrival, but its stale windows still count from its real expiry.
    let f = fresh(200, &[("Cache-Control", "max-age=30, stale-while-revalidate=60"), ("Age", "50")]);
    assert_eq!(f.ttl, -20 * SECOND);
    let o = CachedObject::new(200, Vec::new(), Bytes::new(), NOW).with_freshness(&f);
    assert!(!o.is_fresh(NOW) && o.in_swr(NOW));
    assert!(o.in_swr(NOW + 40 * SECOND - 1) && !o.in_swr(NOW + 40 * SECOND));
}

#[test]
fn expires_ttl_starts_age_at_zero() {
    // §1.2 [AGE]: when the TTL came from Expires, Age is initialised to 0 whatever the origin said.
    let f = fresh(200, &[("Date", &http_date(NOW)), ("Expires", &http_date(NOW + 60 * SECOND)), ("Age", "25")]);
    assert_eq!((f.ttl, f.initial_age), (60 * SECOND, 0));
}

#[test]
fn default_ttl_keeps_age_without_subtracting_it() {
    let f = fresh(200, &[("Age", "25")]);
    assert_eq!((f.ttl, f.initial_age), (DEFAULT_TTL, 25 * SECOND));
    assert_eq!(fresh(200, &[("Age", "soon")]).initial_age, 0);
}

// Freshness: §1.3 stale windows

#[test]
fn stale_windows_prefer_surrogate_control() {
    // §1.3: Surrogate-Control first, else Cache-Control, default 0.
    let f = fresh(
        200,
        &[
            ("Cache-Control", "max-age=10, stale-while-revalidate=1, stale-if-error=2"),
            ("Surrogate-Control", "stale-while-revalidate=30, stale-if-error=86400"),
        ],
    );
    assert_eq!((f.stale_while_revalidate, f.stale_if_error), (30 * SECOND, 86400 * SECOND));
    let f = fresh(200, &[("Cache-Control", "max-age=10, stale-while-revalidate=5, stale-if-error=7")]);
    assert_eq!((f.stale_while_revalidate, f.stale_if_error), (5 * SECOND, 7 * SECOND));
    let f = fresh(200, &[("Surrogate-Control", "stale-if-error=9"), ("Cache-Control", "stale-while-revalidate=5")]);
    assert_eq!((f.stale_while_revalidate, f.stale_if_error), (5 * SECOND, 9 * SECOND));
}

// Freshness: §1.1 cacheable statuses

#[test]
fn cacheable_statuses() {
    // §1.1: 200, 203, 300, 301, 302, 404, 410 are cacheable; 206 only with Segmented Caching.
    for status in [200, 203, 300, 301, 302, 404, 410] {
        assert!(fresh(status, &[]).cacheable, "{status}");
    }
    for status in [100, 201, 204, 206, 303, 304, 307, 308, 400, 403, 405, 500, 502, 503, 504] {
        assert!(!fresh(status, &[]).cacheable, "{status}");
    }
}

#[test]
fn uncacheable_status_still_gets_a_ttl() {
    // §1.1 worked example: a 500 with max-age=300 is not cacheable but beresp.ttl is 5 minutes.
    let f = fresh(500, &[("Cache-Control", "max-age=300")]);
    assert_eq!((f.cacheable, f.ttl), (false, 300 * SECOND));
}

// Freshness: §4.3 Surrogate-Key and §1.6 Vary

#[test]
fn surrogate_keys_split_on_whitespace() {
    let keys = freshness::surrogate_keys(&headers(&[
        ("Surrogate-Key", "  a b\tc a "),
        ("Content-Type", "text/html"),
        ("surrogate-key", "d b"),
    ]));
    assert_eq!(keys, ["a", "b", "c", "d"].map(|k| Bytes::from_static(k.as_bytes())));
    assert!(freshness::surrogate_keys(&headers(&[("Surrogate-Key", "   ")])).is_empty());
}

#[test]
fn surrogate_key_limits_drop_the_rest() {
    // §4.3: a key over 1024 bytes, and every key after it, is ignored.
    let long = "x".repeat(1025);
    let keys = freshness::surrogate_keys(&headers(&[("Surrogate-Key", &format!("a {long} b"))]));
    assert_eq!(keys, [Bytes::from_static(b"a")]);
    let max = "y".repeat(1024);
    assert_eq!(freshness::surrogate_keys(&headers(&[("Surrogate-Key", &max)])).len(), 1);
    // §4.3: only keys entirely within the first 16 KiB of the header apply.
    let many: Vec<String> = (0..2000).map(|i| format!("key{i:05}")).collect(); // 8 bytes + 1 space each
    let keys = freshness::surrogate_keys(&headers(&[("Surrogate-Key", &many.join(" "))]));
    assert_eq!(keys.len(), (16 * 1024 + 1) / 9);
    assert_eq!(keys.last().map(|k| k.as_ref()), Some(many[keys.len() - 1].as_bytes()));
}

#[test]
fn vary_names_are_lower_cased_and_deduplicated() {
    let names = freshness::vary_names(&headers(&[("Vary", "Accept-Encoding, Origin"), ("vary", "origin,, X-Device")]));
    assert_eq!(
        names,
        Some(["accept-encoding", "origin", "x-device"].map(|k| Bytes::from_static(k.as_bytes())).to_vec())
    );
    assert_eq!(freshness::vary_names(&headers(&[])), Some(Vec::new()));
}

#[test]
fn vary_star_is_uncacheable() {
    assert_eq!(freshness::vary_names(&headers(&[("Vary", "Accept-Encoding, *")])), None);
    assert_eq!(freshness::vary_names(&headers(&[("Vary", "*")])), None);
}

// ---------------------------------------------------------------------------------------------
// Lookups and Vary variants (§1.6)

#[test]
fn insert_then_lookup() {
    let cache = Cache::new(1 << 20);
    assert!(is_miss(&cache.lookup(key("/a"), &no_headers, NOW)));
    assert!(cache.insert(key("/a"), object(60, 0, 0)));
    let Lookup::Fresh(hit) = cache.lookup(key("/a"), &no_headers, NOW) else { panic!("expected a fresh hit") };
    assert_eq!((hit.status, hit.body.as_ref()), (200, b"hello".as_ref()));
    assert_eq!(hit.hits(), 0);
    // `obj.lastuse`: time since the previous delivery (since storing, for the first).
    assert_eq!(hit.record_hit(NOW + 5 * SECOND), 5 * SECOND);
    assert_eq!(hit.record_hit(NOW + 7 * SECOND), 2 * SECOND);
    assert_eq!(cache.lookup(key("/a"), &no_headers, NOW).object().map(|o| o.hits()), Some(2));
    assert!(is_miss(&cache.lookup(key("/b"), &no_headers, NOW)));
    assert_eq!(cache.len(), 1);
}

#[test]
fn cache_key_is_xxh3_of_the_hash_input() {
    assert_eq!(key("/a"), key("/a"));
    assert_ne!(key("/a"), key("/b"));
    assert_eq!(CacheKey::from_hash_input(b"x").0, xxhash_rust::xxh3::xxh3_128(b"x"));
}

fn encoded(encoding: Option<&str>, body: &'static str) -> CachedObject {
    let mut o = CachedObject::new(200, Vec::new(), Bytes::from_static(body.as_bytes()), NOW);
    o.ttl = 60 * SECOND;
    let names = [Bytes::from_static(b"accept-encoding")];
    let value = encoding.map(|e| Bytes::copy_from_slice(e.as_bytes()));
    o.vary = freshness::vary_values(&names, &|_| value.clone());
    o
}

fn accept_encoding(value: &'static str) -> impl Fn(&[u8]) -> Option<Bytes> {
    move |name: &[u8]| (name == b"accept-encoding").then(|| Bytes::from_static(value.as_bytes()))
}

#[test]
fn two_variants_of_one_key() {
    let cache = Cache::new(1 << 20);
    let k = key("/page");
    assert!(cache.insert(k, encoded(Some("gzip"), "gzipped")));
    assert!(cache.insert(k, encoded(Some("br"), "brotli")));
    assert_eq!(cache.len(), 2);
    let body = |l: Lookup| l.object().map(|o| o.body.clone());
    assert_eq!(body(cache.lookup(k, &accept_encoding("gzip"), NOW)), Some(Bytes::from_static(b"gzipped")));
    assert_eq!(body(cache.lookup(k, &accept_encoding("br"), NOW)), Some(Bytes::from_static(b"brotli")));
    assert!(is_miss(&cache.lookup(k, &accept_encoding("deflate"), NOW)));
    // A request without the header matches only a variant stored for "absent".
    assert!(is_miss(&cache.lookup(k, &no_headers, NOW)));
    assert!(cache.insert(k, encoded(None, "identity")));
    assert_eq!(body(cache.lookup(k, &no_headers, NOW)), Some(Bytes::from_static(b"identity")));

    // Storing the same variant again replaces it.
    assert!(cache.insert(k, encoded(Some("gzip"), "gzipped v2")));
    assert_eq!(cache.len(), 3);
    assert_eq!(body(cache.lookup(k, &accept_encoding("gzip"), NOW)), Some(Bytes::from_static(b"gzipped v2")));
}

#[test]
fn vary_names_are_canonicalised_on_insert() {
    let cache = Cache::new(1 << 20);
    let k = key("/v");
    let mut o = object(60, 0, 0);
    o.vary = vec![
        (Bytes::from_static(b"X-B"), Some(Bytes::from_static(b"2"))),
        (Bytes::from_static(b"Accept-Encoding"), Some(Bytes::from_static(b"gzip"))),
    ];
    assert!(cache.insert(k, o));
    let req = |name: &[u8]| match name {
        b"accept-encoding" => Some(Bytes::from_static(b"gzip")),
        b"x-b" => Some(Bytes::from_static(b"2")),
        _ => None,
    };
    let Lookup::Fresh(hit) = cache.lookup(k, &req, NOW) else { panic!("expected a fresh hit") };
    let names: Vec<&[u8]> = hit.vary.iter().map(|(n, _)| n.as_ref()).collect();
    assert_eq!(names, [b"accept-encoding".as_ref(), b"x-b".as_ref()]);
}

#[test]
fn at_most_200_variants_per_key() {
    // §1.6: Fastly stores up to 200 variations; the oldest goes.
    let cache = Cache::new(1 << 30);
    let k = key("/many");
    for i in 0..201 {
        let mut o = object(60, 0, 0);
        o.vary = vec![(Bytes::from_static(b"x-v"), Some(Bytes::from(i.to_string())))];
        assert!(cache.insert(k, o));
    }
    assert_eq!(cache.len(), 200);
    let value = |v: &'static str| move |_: &[u8]| Some(Bytes::from_static(v.as_bytes()));
    assert!(is_miss(&cache.lookup(k, &value("0"), NOW)));
    assert!(is_fresh(&cache.lookup(k, &value("1"), NOW)));
    assert!(is_fresh(&cache.lookup(k, &value("200"), NOW)));
}

// ---------------------------------------------------------------------------------------------
// Fresh, SWR and SIE windows at exact boundaries (§2.1)

#[test]
fn fresh_swr_sie_windows_at_exact_boundaries() {
    // §2.1 example: max-age=300, stale-while-revalidate=60, stale-if-error=86400:
    // fresh [0, 300 s), SWR [300 s, 360 s), SIE [300 s, 86,700 s), then kept but unusable.
    let cache = Cache::new(1 << 20);
    let k = key("/windows");
    assert!(cache.insert(k, object(300, 60, 86400)));
    let at = |s: i64, ns: i64| NOW + s * SECOND + ns;
    let state = |t: Nanos| {
        let l = cache.lookup(k, &no_headers, t);
        let o = l.object().cloned().expect("stored");
        (l.as_str(), o.is_fresh(t), o.in_swr(t), o.in_sie(t))
    };
    assert_eq!(state(at(0, 0)), ("fresh", true, false, false));
    assert_eq!(state(at(299, SECOND - 1)), ("fresh", true, false, false));
    assert_eq!(state(at(300, 0)), ("stale", false, true, true));
    assert_eq!(state(at(359, SECOND - 1)), ("stale", false, true, true));
    assert_eq!(state(at(360, 0)), ("stale", false, false, true));
    assert_eq!(state(at(86_699, SECOND - 1)), ("stale", false, false, true));
    assert_eq!(state(at(86_700, 0)), ("stale", false, false, false));
    // §2.1: a stale object is never deleted at expiry.
    assert_eq!(state(at(1_000_000, 0)), ("stale", false, false, false));
}

#[test]
fn age_and_remaining_ttl_follow_the_clock() {
    let mut o = object(100, 0, 0);
    o.initial_age = 5 * SECOND;
    assert_eq!((o.age(NOW), o.remaining_ttl(NOW)), (5 * SECOND, 100 * SECOND));
    assert_eq!((o.age(NOW + 30 * SECOND), o.remaining_ttl(NOW + 30 * SECOND)), (35 * SECOND, 70 * SECOND));
    assert_eq!(o.remaining_ttl(NOW + 130 * SECOND), -30 * SECOND);
    // A clock behind stored_at does not make the object younger than its initial Age.
    assert_eq!(o.age(NOW - SECOND), 5 * SECOND);
}

// ---------------------------------------------------------------------------------------------
// Purges (§4)

#[test]
fn soft_purge_turns_fresh_into_stale() {
    // §4.1: soft purge marks stale; SWR/SIE still work.
    let cache = Cache::new(1 << 20);
    assert!(cache.insert(key("/a"), object(300, 60, 600)));
    assert!(cache.insert(key("/b"), object(300, 60, 600)));
    assert_eq!(cache.purge(key("/a"), true), 1);
    let l = cache.lookup(key("/a"), &no_headers, NOW);
    assert!(is_stale(&l));
    let o = l.object().cloned().expect("still stored");
    assert!(o.soft_purged() && !o.is_fresh(NOW) && o.in_swr(NOW) && o.in_sie(NOW));
    // The SWR window still ends at the original expiry + SWR.
    assert!(o.in_swr(NOW + 360 * SECOND - 1) && !o.in_swr(NOW + 360 * SECOND));
    assert!(is_fresh(&cache.lookup(key("/b"), &no_headers, NOW)));
    assert_eq!(cache.len(), 2);
    assert_eq!(cache.purge(key("/missing"), true), 0);
}

#[test]
fn hard_purge_removes_every_variant() {
    let cache = Cache::new(1 << 20);
    let k = key("/page");
    assert!(cache.insert(k, encoded(Some("gzip"), "a")));
    assert!(cache.insert(k, encoded(Some("br"), "b")));
    assert!(cache.insert(key("/other"), object(60, 0, 0)));
    assert_eq!(cache.purge(k, false), 2);
    assert!(is_miss(&cache.lookup(k, &accept_encoding("gzip"), NOW)));
    assert!(is_miss(&cache.lookup(k, &accept_encoding("br"), NOW)));
    assert!(is_fresh(&cache.lookup(key("/other"), &no_headers, NOW)));
    assert_eq!(cache.len(), 1);
    assert_eq!(cache.purge(k, false), 0);
}

#[test]
fn surrogate_purge_removes_exactly_the_tagged_objects() {
    // §4.3: every object tagged with the key, and only those.
    let cache = Cache::new(1 << 20);
    assert!(cache.insert(key("/1"), tagged(&["product-1", "all"])));
    assert!(cache.insert(key("/2"), tagged(&["product-2", "all"])));
    assert!(cache.insert(key("/3"), tagged(&["product-1"])));
    assert!(cache.insert(key("/4"), object(60, 0, 0)));
    assert_eq!(cache.surrogate_index_len(), 5);

    assert_eq!(cache.purge_surrogate(b"product-1", false), 2);
    assert!(is_miss(&cache.lookup(key("/1"), &no_headers, NOW)));
    assert!(is_miss(&cache.lookup(key("/3"), &no_headers, NOW)));
    assert!(is_fresh(&cache.lookup(key("/2"), &no_headers, NOW)));
    assert!(is_fresh(&cache.lookup(key("/4"), &no_headers, NOW)));
    // /1's other key no longer points at it.
    assert_eq!(cache.surrogate_index_len(), 2);
    assert_eq!(cache.purge_surrogate(b"all", false), 1);
    assert_eq!(cache.purge_surrogate(b"product-1", false), 0);
    assert_eq!(cache.purge_surrogate(b"nothing", false), 0);
    assert_eq!((cache.len(), cache.surrogate_index_len()), (1, 0));
}

#[test]
fn surrogate_purge_is_per_variant() {
    let cache = Cache::new(1 << 20);
    let k = key("/page");
    let mut gzip = encoded(Some("gzip"), "a");
    gzip.surrogate_keys = vec![Bytes::from_static(b"gz")];
    assert!(cache.insert(k, gzip));
    assert!(cache.insert(k, encoded(Some("br"), "b")));
    assert_eq!(cache.purge_surrogate(b"gz", false), 1);
    assert!(is_miss(&cache.lookup(k, &accept_encoding("gzip"), NOW)));
    assert!(is_fresh(&cache.lookup(k, &accept_encoding("br"), NOW)));
}

#[test]
fn soft_surrogate_purge_marks_only_tagged_objects_stale() {
    let cache = Cache::new(1 << 20);
    assert!(cache.insert(key("/1"), tagged(&["a"])));
    assert!(cache.insert(key("/2"), tagged(&["b"])));
    assert_eq!(cache.purge_surrogate(b"a", true), 1);
    assert!(is_stale(&cache.lookup(key("/1"), &no_headers, NOW)));
    assert!(is_fresh(&cache.lookup(key("/2"), &no_headers, NOW)));
    // Soft purge keeps the object, so the index still has it.
    assert_eq!((cache.len(), cache.surrogate_index_len()), (2, 2));
}

#[test]
fn replacing_a_variant_updates_the_index() {
    let cache = Cache::new(1 << 20);
    assert!(cache.insert(key("/1"), tagged(&["old"])));
    assert!(cache.insert(key("/1"), tagged(&["new"])));
    assert_eq!(cache.purge_surrogate(b"old", false), 0);
    assert_eq!(cache.surrogate_index_len(), 1);
    assert_eq!(cache.purge_surrogate(b"new", false), 1);
    assert_eq!(cache.surrogate_index_len(), 0);
}

#[test]
fn surrogate_index_does_not_keep_evicted_objects() {
    let one = tagged(&["group", "item"]).weight();
    let cache = Cache::new(one * 10);
    for i in 0..100 {
        assert!(cache.insert(key(&format!("/{i}")), tagged(&["group", &format!("item-{i}")])));
    }
    assert!(cache.len() <= 10);
    // Two index pairs per stored object, none for evicted ones.
    assert_eq!(cache.surrogate_index_len(), 2 * cache.len());
    let stored = cache.len();
    assert_eq!(cache.purge_surrogate(b"group", false), stored);
    assert_eq!((cache.len(), cache.surrogate_index_len(), cache.weight()), (0, 0, 0));
}

#[test]
fn purge_all_empties_the_cache() {
    let cache = Cache::new(1 << 20);
    for i in 0..50 {
        assert!(cache.insert(key(&format!("/{i}")), tagged(&["all"])));
    }
    cache.mark_hit_for_pass(key("/hfp"), 60 * SECOND, NOW);
    assert_eq!(cache.purge_all(), 50);
    assert_eq!((cache.len(), cache.weight(), cache.surrogate_index_len()), (0, 0, 0));
    assert!(cache.is_empty());
    assert!(is_miss(&cache.lookup(key("/0"), &no_headers, NOW)));
    assert!(!cache.is_hit_for_pass(key("/hfp"), NOW));
    assert_eq!(cache.purge_all(), 0);
}

// ---------------------------------------------------------------------------------------------
// Memory bound and object size

#[test]
fn memory_bound_evicts() {
    let one = object(60, 0, 0).weight();
    let capacity = one * 20;
    let cache = Cache::new(capacity);
    for i in 0..500 {
        assert!(cache.insert(key(&format!("/{i}")), object(60, 0, 0)));
        assert!(cache.weight() <= capacity, "weight {} over {capacity} after insert {i}", cache.weight());
    }
    assert!(cache.len() <= 20 && !cache.is_empty());
    assert_eq!(cache.weight(), one * cache.len() as u64);
    // The newest object is still there.
    assert!(is_fresh(&cache.lookup(key("/499"), &no_headers, NOW)));
}

#[test]
fn recently_hit_objects_get_a_second_chance() {
    // CLOCK: a key hit since the hand last passed it is spared once.
    let one = object(60, 0, 0).weight();
    let cache = Cache::new(one * 3);
    for k in ["/a", "/b", "/c"] {
        assert!(cache.insert(key(k), object(60, 0, 0)));
    }
    assert!(is_fresh(&cache.lookup(key("/a"), &no_headers, NOW)));
    assert!(cache.insert(key("/d"), object(60, 0, 0)));
    assert_eq!(cache.len(), 3);
    assert!(is_fresh(&cache.lookup(key("/a"), &no_headers, NOW)));
    assert!(is_fresh(&cache.lookup(key("/d"), &no_headers, NOW)));
    let b_or_c = [key("/b"), key("/c")].map(|k| is_miss(&cache.lookup(k, &no_headers, NOW)));
    assert_eq!(b_or_c.iter().filter(|&&gone| gone).count(), 1);
}

#[test]
fn memory_bound_holds_when_one_key_fills_the_cache() {
    // Eviction is per key (all variants); when only the key being stored is left, its older
    // variants go.
    let one = encoded(Some("x"), "body").weight();
    let cache = Cache::new(one * 2 + one / 2);
    let k = key("/variants");
    assert!(cache.insert(k, encoded(Some("a"), "body")));
    assert!(cache.insert(k, encoded(Some("b"), "body")));
    assert_eq!(cache.len(), 2);
    assert!(cache.insert(k, encoded(Some("c"), "body")));
    assert!(cache.weight() <= cache.capacity());
    assert_eq!((cache.len(), cache.weight()), (2, 2 * one));
    assert!(is_miss(&cache.lookup(k, &accept_encoding("a"), NOW)));
    assert!(is_fresh(&cache.lookup(k, &accept_encoding("b"), NOW)));
    assert!(is_fresh(&cache.lookup(k, &accept_encoding("c"), NOW)));
}

#[test]
fn max_object_size_is_refused() {
    let mut cache = Cache::new(1 << 20);
    assert_eq!(cache.max_object_size(), 20 * 1024 * 1024);
    cache.set_max_object_size(100);
    let sized = |n: usize| CachedObject::new(200, Vec::new(), Bytes::from(vec![b'x'; n]), NOW);
    assert!(cache.insert(key("/ok"), sized(100)));
    assert!(!cache.insert(key("/big"), sized(101)));
    assert!(is_miss(&cache.lookup(key("/big"), &no_headers, NOW)));
    // An object heavier than the whole cache is refused too.
    let small = Cache::new(1000);
    assert!(!small.insert(key("/x"), sized(1000)));
    assert_eq!((small.len(), small.weight()), (0, 0));
}

#[test]
fn concurrent_use_keeps_the_accounting_exact() {
    let one = tagged(&["t"]).weight();
    let cache = Arc::new(Cache::new(one * 50));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let cache = Arc::clone(&cache);
            std::thread::spawn(move || {
                for i in 0..2000 {
                    let k = key(&format!("/{}", (t * 7919 + i) % 300));
                    match i % 10 {
                        0 => {
                            cache.purge(k, false);
                        }
                        1 => {
                            cache.purge_surrogate(b"t", i % 20 == 1);
                        }
                        2..=5 => {
                            cache.insert(k, tagged(&["t"]));
                        }
                        _ => {
                            cache.lookup(k, &no_headers, NOW);
                        }
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("worker panicked");
    }
    assert!(cache.weight() <= one * 50);
    assert_eq!(cache.weight(), one * cache.len() as u64);
    assert_eq!(cache.surrogate_index_len(), cache.len());
    let stored = cache.len();
    assert_eq!(cache.purge_surrogate(b"t", false), stored);
    assert_eq!((cache.len(), cache.weight(), cache.surrogate_index_len()), (0, 0, 0));
}

// ---------------------------------------------------------------------------------------------
// Request collapsing (§3.1)

const WAIT: Duration = Duration::from_secs(5);

fn split(cache: &Cache, k: CacheKey, followers: usize) -> (lacquer::cache::LockGuard, Vec<lacquer::cache::LockWaiter>) {
    let CacheLock::Leader(guard) = cache.lock(k) else { panic!("the first caller leads") };
    let waiters = (0..followers)
        .map(|_| match cache.lock(k) {
            CacheLock::Follower(w) => w,
            CacheLock::Leader(_) => panic!("a second leader for one key"),
        })
        .collect();
    (guard, waiters)
}

#[tokio::test]
async fn collapsing_releases_followers_on_release() {
    let cache = Cache::new(1 << 20);
    let k = key("/slow");
    let (guard, waiters) = split(&cache, k, 5);
    assert_eq!(guard.waiters(), 5);
    assert_eq!(cache.locked_keys(), 1);
    // Another key is independent.
    assert_eq!(cache.lock(key("/other")).as_str(), "leader");

    let tasks: Vec<_> = waiters.into_iter().map(|w| tokio::spawn(w.wait())).collect();
    tokio::task::yield_now().await;
    assert!(tasks.iter().all(|t| !t.is_finished()), "followers wait for the leader");
    assert!(cache.insert(k, object(60, 0, 0)));
    guard.release();
    for t in tasks {
        tokio::time::timeout(WAIT, t).await.expect("follower released").expect("task ran");
    }
    // Followers look up again and hit.
    assert!(is_fresh(&cache.lookup(k, &no_headers, NOW)));
    assert_eq!(cache.locked_keys(), 0);
    // The next miss leads again.
    assert_eq!(cache.lock(k).as_str(), "leader");
}

#[tokio::test]
async fn collapsing_releases_followers_when_the_leader_is_dropped() {
    let cache = Arc::new(Cache::new(1 << 20));
    let k = key("/failing");
    let (guard, waiters) = split(&cache, k, 3);
    let tasks: Vec<_> = waiters.into_iter().map(|w| tokio::spawn(w.wait())).collect();
    // A leader whose task is cancelled drops its guard.
    let leader = tokio::spawn(async move {
        let _guard = guard;
        std::future::pending::<()>().await;
    });
    tokio::task::yield_now().await;
    leader.abort();
    for t in tasks {
        tokio::time::timeout(WAIT, t).await.expect("follower released").expect("task ran");
    }
    assert_eq!(cache.locked_keys(), 0);
    let CacheLock::Leader(_next) = cache.lock(k) else { panic!("a new leader after the drop") };
}

#[tokio::test]
async fn a_follower_that_waits_after_the_release_returns_at_once() {
    let cache = Cache::new(1 << 20);
    let (guard, mut waiters) = split(&cache, key("/k"), 1);
    drop(guard);
    let waiter = waiters.pop().expect("one follower");
    tokio::time::timeout(WAIT, waiter.wait()).await.expect("no lost wake-up");
}

#[tokio::test]
async fn hit_for_pass_after_collapsing_lets_followers_pass() {
    // §3.1: fetch: return(pass) on a cacheable response → hit-for-pass; queued requests are
    // forwarded individually, later requests go straight to pass.
    let cache = Cache::new(1 << 20);
    let k = key("/private");
    let (guard, waiters) = split(&cache, k, 2);
    cache.mark_hit_for_pass(k, 120 * SECOND, NOW);
    guard.release();
    for w in waiters {
        tokio::time::timeout(WAIT, w.wait()).await.expect("released");
        assert!(cache.is_hit_for_pass(k, NOW));
    }
}

// ---------------------------------------------------------------------------------------------
// Hit-for-pass markers

#[test]
fn hit_for_pass_marker_expires() {
    let cache = Cache::new(1 << 20);
    let k = key("/hfp");
    assert!(!cache.is_hit_for_pass(k, NOW));
    cache.mark_hit_for_pass(k, 10 * SECOND, NOW);
    assert!(cache.is_hit_for_pass(k, NOW));
    assert!(cache.is_hit_for_pass(k, NOW + 10 * SECOND - 1));
    assert!(!cache.is_hit_for_pass(k, NOW + 10 * SECOND));
    assert!(!cache.is_hit_for_pass(key("/other"), NOW));
    // Marking again extends; a zero TTL clears.
    cache.mark_hit_for_pass(k, 10 * SECOND, NOW + 20 * SECOND);
    assert!(cache.is_hit_for_pass(k, NOW + 25 * SECOND));
    cache.mark_hit_for_pass(k, 0, NOW + 25 * SECOND);
    assert!(!cache.is_hit_for_pass(k, NOW + 25 * SECOND));
}

#[test]
fn storing_or_purging_clears_hit_for_pass() {
    let cache = Cache::new(1 << 20);
    let k = key("/hfp");
    cache.mark_hit_for_pass(k, 60 * SECOND, NOW);
    assert!(cache.insert(k, object(60, 0, 0)));
    assert!(!cache.is_hit_for_pass(k, NOW));
    cache.mark_hit_for_pass(k, 60 * SECOND, NOW);
    cache.purge(k, false);
    assert!(!cache.is_hit_for_pass(k, NOW));
}

#[test]
fn many_expired_markers_are_swept() {
    // Markers nobody asks about again do not pile up: marking sweeps the expired ones.
    let cache = Cache::new(1 << 20);
    for i in 0..10_000 {
        cache.mark_hit_for_pass(key(&format!("/{i}")), SECOND, NOW + i64::from(i) * SECOND);
    }
    let last = NOW + 9_999 * SECOND;
    assert!(cache.is_hit_for_pass(key("/9999"), last));
    assert!(!cache.is_hit_for_pass(key("/0"), last));
}
