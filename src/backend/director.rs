//! Directors: how a director's health follows from its members (`.quorum`), and which
//! member serves a request (Fastly's random, hash, client, fallback and chash policies).
//! Nested directors are members like backends (Fastly: directors "can also be used as a
//! backend in other directors").
//!
//! Architecture Invariant: selection is pure and deterministic given its inputs (member
//! health, the request's keys, one random number), so tests pin it without a network.

use super::SelectError;
use crate::ir::{ChashKey, DirectorInfo, DirectorKind, Program};

/// Fastly does not document chash's default `.vnodes_per_node`; lacquer assumes 256.
pub const DEFAULT_VNODES_PER_NODE: u32 = 256;
/// Nesting depth followed before a director counts as unhealthy (a director that names
/// itself, directly or not, must not loop forever).
const MAX_DEPTH: u32 = 8;

/// What a request offers a director to choose with.
#[derive(Clone, Copy)]
pub struct Pick<'a> {
    /// The request's hash (`req.hash`, the cache key's input): hash directors, chash
    /// `.key = object`.
    pub object_key: &'a [u8],
    /// `client.identity` (default: the client IP): client directors, chash `.key = client`.
    pub client_key: &'a [u8],
    /// A random number for the random director.
    pub random: u64,
    /// Backends whose connection already failed for this request (retries skip them).
    pub tried: &'a [u32],
}

/// A director with what selection precomputes (the chash ring).
#[derive(Debug)]
pub struct Director {
    pub name: String,
    pub info: DirectorInfo,
    /// chash: (point, member position), sorted by point.
    ring: Vec<(u64, usize)>,
}

impl Director {
    pub fn new(name: &str, info: DirectorInfo) -> Director {
        let mut ring = Vec::new();
        if info.kind == DirectorKind::Chash {
            let vnodes = info.vnodes_per_node.unwrap_or(DEFAULT_VNODES_PER_NODE).max(1);
            for (pos, m) in info.members.iter().enumerate() {
                let id = m.id.as_deref().unwrap_or_default();
                for v in 0..vnodes {
                    let mut h = Fnv::new(info.seed);
                    h.write(id.as_bytes());
                    h.write(&v.to_le_bytes());
                    ring.push((h.finish(), pos));
                }
            }
            ring.sort_unstable();
        }
        Director { name: name.to_string(), info, ring }
    }

    /// How many backends one request may try: `.retries` for random (default: the number
    /// of members), every member for fallback (Fastly: "next one on connect failure"),
    /// one otherwise.
    pub fn attempts(&self) -> usize {
        match self.info.kind {
            DirectorKind::Random => self.info.retries.map_or(self.info.members.len(), |r| r as usize).max(1),
            DirectorKind::Fallback => self.info.members.len().max(1),
            _ => 1,
        }
    }

    /// The error a request gets when this director has no usable member (Fastly: "All
    /// backends failed or unhealthy", suffixed " (chash)" for chash directors).
    pub fn failed(&self) -> SelectError {
        SelectError::AllFailed { name: self.name.clone(), chash: self.info.kind == DirectorKind::Chash }
    }

    /// The member (by position) that serves the request, among the healthy ones not yet
    /// tried; `member_ok` says whether a member (backend or nested director) is usable.
    pub fn choose(&self, p: &Pick<'_>, member_ok: &dyn Fn(u32) -> bool) -> Option<usize> {
        let members = &self.info.members;
        let usable = |pos: usize| {
            let b = members[pos].backend;
            !p.tried.contains(&b) && member_ok(b)
        };
        match self.info.kind {
            DirectorKind::Fallback => (0..members.len()).find(|&i| usable(i)),
            DirectorKind::Random => weighted(members.iter().map(|m| m.weight), &usable, p.random),
            DirectorKind::Hash => weighted(members.iter().map(|m| m.weight), &usable, key_hash(0, p.object_key)),
            DirectorKind::Client => weighted(members.iter().map(|m| m.weight), &usable, key_hash(0, p.client_key)),
            DirectorKind::Chash => {
                if self.ring.is_empty() {
                    return None;
                }
                let key = match self.info.key {
                    ChashKey::Object => p.object_key,
                    ChashKey::Client => p.client_key,
                };
                let point = key_hash(self.info.seed, key);
                let start = self.ring.partition_point(|(h, _)| *h < point);
                (0..self.ring.len()).map(|i| self.ring[(start + i) % self.ring.len()].1).find(|&pos| usable(pos))
            }
            DirectorKind::Shield => None,
        }
    }
}

/// Whether backend or director `idx` of `program` is healthy: a backend as `backend_ok`
/// says; a director when the healthy share of its members' weight reaches `.quorum`
/// (Fastly: "By default, the director is healthy if it has at least one healthy member
/// backend").
pub fn healthy(program: &Program, idx: u32, backend_ok: &dyn Fn(u32) -> bool) -> bool {
    healthy_at(program, idx, backend_ok, 0)
}

fn healthy_at(program: &Program, idx: u32, backend_ok: &dyn Fn(u32) -> bool, depth: u32) -> bool {
    let Some(info) = program.backends.get(idx as usize).and_then(|b| b.director.as_ref()) else {
        return backend_ok(idx);
    };
    if depth >= MAX_DEPTH {
        return false;
    }
    let mut total = 0u64;
    let mut up = 0u64;
    let mut any = false;
    for m in &info.members {
        total += u64::from(m.weight);
        if healthy_at(program, m.backend, backend_ok, depth + 1) {
            up += u64::from(m.weight);
            any = true;
        }
    }
    quorum_met(info.quorum, up, total, any)
}

/// Fastly: `.quorum` is "the percentage threshold that must be reached by the cumulative
/// `.weight` of all healthy backends".
pub fn quorum_met(quorum: Option<u32>, up: u64, total: u64, any: bool) -> bool {
    match quorum {
        Some(q) if total > 0 => up * 100 >= u64::from(q) * total && any,
        _ => any,
    }
}

/// A weighted choice among the usable entries, by `r` (random, or a key's hash, which
/// makes it sticky while the set of usable members stays the same). Members of weight 0
/// are chosen only if all usable ones weigh 0.
fn weighted(weights: impl Iterator<Item = u32>, usable: &dyn Fn(usize) -> bool, r: u64) -> Option<usize> {
    let candidates: Vec<(usize, u64)> =
        weights.enumerate().filter(|(i, _)| usable(*i)).map(|(i, w)| (i, u64::from(w))).collect();
    let total: u64 = candidates.iter().map(|(_, w)| w).sum();
    if total == 0 {
        return candidates.get((r % candidates.len().max(1) as u64) as usize).map(|(i, _)| *i);
    }
    let mut at = r % total;
    for (i, w) in &candidates {
        if at < *w {
            return Some(*i);
        }
        at -= w;
    }
    None
}

/// A stable 64-bit hash of a key (FNV-1a with a final mix), the same on every run and
/// every build, so stickiness survives restarts.
pub fn key_hash(seed: u32, key: &[u8]) -> u64 {
    let mut h = Fnv::new(seed);
    h.write(key);
    h.finish()
}

struct Fnv(u64);

impl Fnv {
    fn new(seed: u32) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325 ^ u64::from(seed).wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// splitmix64's finalizer: FNV alone leaves similar keys close together.
    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::DirectorMember;

    fn info(kind: DirectorKind, weights: &[u32]) -> DirectorInfo {
        DirectorInfo {
            members: weights
                .iter()
                .enumerate()
                .map(|(i, w)| DirectorMember { backend: i as u32, weight: *w, id: Some(format!("m{i}")) })
                .collect(),
            ..DirectorInfo::new(kind)
        }
    }

    fn pick(key: &[u8], random: u64) -> Pick<'_> {
        Pick { object_key: key, client_key: key, random, tried: &[] }
    }

    // Fastly: quorum is a share of the cumulative weight ("At minimum, two backends must
    // be healthy for their cumulative weight (~ 66%) to exceed the 50% quorum").
    #[test]
    fn quorum_is_a_share_of_weight() {
        assert!(quorum_met(Some(50), 2, 3, true));
        assert!(!quorum_met(Some(50), 1, 3, true));
        assert!(quorum_met(None, 1, 3, true));
        assert!(!quorum_met(None, 0, 3, false));
    }

    // Fastly's example: weights 2, 1, 1 → the first member half of the time.
    #[test]
    fn random_follows_weights() {
        let d = Director::new("d", info(DirectorKind::Random, &[2, 1, 1]));
        let ok = |_| true;
        let mut counts = [0; 3];
        for r in 0..4000u64 {
            counts[d.choose(&pick(b"", r), &ok).unwrap()] += 1;
        }
        assert_eq!(counts, [2000, 1000, 1000]);
    }

    #[test]
    fn chash_moves_only_the_keys_of_a_sick_member() {
        let d = Director::new("d", info(DirectorKind::Chash, &[1, 1, 1]));
        let all = |_| true;
        let no_1 = |b| b != 1;
        let mut moved = 0;
        for k in 0..300u32 {
            let key = k.to_le_bytes();
            let before = d.choose(&pick(&key, 0), &all).unwrap();
            let after = d.choose(&pick(&key, 0), &no_1).unwrap();
            assert_ne!(after, 1);
            if before != 1 {
                assert_eq!(before, after, "a key on a healthy member stays");
            } else {
                moved += 1;
            }
        }
        assert!(moved > 50 && moved < 150, "about a third of the keys were on member 1: {moved}");
    }

    // Members may name backends and directors declared later; a director is a member
    // like a backend (Fastly: directors "can also be used as a backend in other
    // directors"), and its health follows its own members.
    #[test]
    fn lowering_resolves_members_and_nested_directors() {
        let program = crate::ir::compile_for_tests(
            r#"
director outer fallback { { .backend = inner; } { .backend = F_c; } }
director inner chash { .key = client; .seed = 7; .vnodes_per_node = 16; .quorum = 50%;
  { .backend = F_a; .id = "a"; } { .backend = F_b; .id = "b"; .weight = 3; } }
backend F_a { .host = "127.0.0.1"; }
backend F_b { .host = "127.0.0.1"; }
backend F_c { .host = "127.0.0.1"; }
"#,
        );
        let idx = |name: &str| program.backends.iter().position(|b| b.name == name).unwrap() as u32;
        let inner = program.backends[idx("inner") as usize].director.clone().unwrap();
        assert_eq!(
            (inner.kind, inner.key, inner.seed, inner.vnodes_per_node),
            (DirectorKind::Chash, ChashKey::Client, 7, Some(16))
        );
        assert_eq!(inner.quorum, Some(50));
        assert_eq!(
            inner.members.iter().map(|m| (m.backend, m.weight)).collect::<Vec<_>>(),
            [(idx("F_a"), 1), (idx("F_b"), 3)]
        );
        let outer = program.backends[idx("outer") as usize].director.clone().unwrap();
        assert_eq!(outer.members[0].backend, idx("inner"));
        // F_b (3 of 4 weight) down: inner is below 50% quorum, so outer relies on F_c.
        let (a, b, c) = (idx("F_a"), idx("F_b"), idx("F_c"));
        assert!(!healthy(&program, idx("inner"), &|i| i != b));
        assert!(healthy(&program, idx("inner"), &|i| i != a));
        assert!(healthy(&program, idx("outer"), &|i| i != b));
        assert!(!healthy(&program, idx("outer"), &|i| i != b && i != c));
    }

    #[test]
    fn fallback_takes_the_first_healthy() {
        let d = Director::new("d", info(DirectorKind::Fallback, &[1, 1, 1]));
        let ok = |b| b != 0;
        assert_eq!(d.choose(&pick(b"", 0), &ok), Some(1));
        let none = |_| false;
        assert_eq!(d.choose(&pick(b"", 0), &none), None);
    }
}
