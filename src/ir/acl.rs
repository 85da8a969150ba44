//! ACLs compiled for lookup: each address family's entries flattened, once, into a sorted
//! table of disjoint address ranges that each carry their final answer.
//!
//! Fastly's rule is not longest-prefix match: "negations are processed after all
//! inclusions and always take precedence". An address matches when some inclusion
//! covers it and no negation does. A prefix trie walked per request would find every
//! entry on the address's path and combine them; this table is that trie flattened:
//! where the entries' ranges begin and end, the answer can only change, so the
//! boundaries cut the address space into ranges with one answer each, worked out when
//! the program is built. A lookup is one binary search (about 4 steps for a handful of
//! entries, 15 for ten thousand), however the entries nest, and the table holds at most
//! two boundaries per entry.
//!
//! IPv4 entries also match IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`), as the
//! address they map; IPv6 entries match only IPv6 addresses.

use std::net::IpAddr;

/// One `acl` entry: an address and prefix length, included or negated (`!`).
#[derive(Debug, Clone, PartialEq)]
pub struct AclEntry {
    pub negated: bool,
    pub addr: IpAddr,
    pub prefix: u8,
}

/// An `acl`, with its entries as written (for tests and tools) and their lookup tables.
#[derive(Debug, Clone, Default)]
pub struct Acl {
    pub name: String,
    pub entries: Vec<AclEntry>,
    v4: Ranges<u32>,
    v6: Ranges<u128>,
}

/// What the entries covering a range of addresses decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// No entry covers it.
    Outside,
    /// An inclusion covers it and no negation does.
    In,
    /// A negation covers it.
    Out,
}

/// Disjoint ranges in address order: range `i` runs from `starts[i]` to just before
/// `starts[i + 1]` (the last to the end of the family's space). `starts[0]` is 0.
#[derive(Debug, Clone, Default)]
struct Ranges<A> {
    starts: Box<[A]>,
    answers: Box<[Answer]>,
}

impl Ranges<u128> {
    /// The table for entries of one family, each as `(first, last, negated)`.
    fn build(entries: impl Iterator<Item = (u128, u128, bool)>) -> Ranges<u128> {
        // Where a range begins, counts change by +1; just after it ends, by -1 (an entry
        // that runs to the top of the space never ends).
        let mut events: Vec<(u128, i32, i32)> = Vec::new();
        for (first, last, negated) in entries {
            let (inc, neg) = if negated { (0, 1) } else { (1, 0) };
            events.push((first, inc, neg));
            if let Some(after) = last.checked_add(1) {
                events.push((after, -inc, -neg));
            }
        }
        events.sort_unstable_by_key(|e| e.0);
        let (mut starts, mut answers) = (vec![0u128], vec![Answer::Outside]);
        let (mut included, mut negated) = (0, 0);
        let mut i = 0;
        while i < events.len() {
            let at = events[i].0;
            while i < events.len() && events[i].0 == at {
                included += events[i].1;
                negated += events[i].2;
                i += 1;
            }
            let answer = match (included > 0, negated > 0) {
                (_, true) => Answer::Out,
                (true, false) => Answer::In,
                (false, false) => Answer::Outside,
            };
            if answers.last() == Some(&answer) {
                continue;
            }
            if starts.last() == Some(&at) {
                // A range from 0: its answer replaces the initial one.
                answers.pop();
                starts.pop();
                if answers.last() == Some(&answer) {
                    continue;
                }
            }
            starts.push(at);
            answers.push(answer);
        }
        Ranges { starts: starts.into(), answers: answers.into() }
    }

    /// The table of IPv4 entries in 32-bit addresses (a boundary past the top of the
    /// space, where a range ending at 255.255.255.255 stops, is never reached).
    fn narrow(self) -> Ranges<u32> {
        let (starts, answers): (Vec<u32>, Vec<Answer>) = self
            .starts
            .iter()
            .zip(self.answers.iter())
            .filter_map(|(&start, &answer)| Some((u32::try_from(start).ok()?, answer)))
            .unzip();
        Ranges { starts: starts.into(), answers: answers.into() }
    }
}

impl<A: Copy + Ord> Ranges<A> {
    fn answer(&self, addr: A) -> Answer {
        // `starts[0]` is 0, so some range starts at or before `addr`.
        let i = self.starts.partition_point(|&s| s <= addr);
        self.answers.get(i.wrapping_sub(1)).copied().unwrap_or(Answer::Outside)
    }
}

/// The first and last address of `addr/prefix` (host bits of `addr` ignored), in a space
/// of `bits` bits.
fn span(addr: u128, prefix: u8, bits: u32) -> (u128, u128) {
    let host = bits - u32::from(prefix).min(bits);
    let size_mask = if host == 128 { u128::MAX } else { (1u128 << host) - 1 };
    let first = addr & !size_mask;
    (first, first | size_mask)
}

impl Acl {
    pub fn new(name: String, entries: Vec<AclEntry>) -> Acl {
        let of_family = |v4: bool| {
            entries.iter().filter(move |e| e.addr.is_ipv4() == v4).map(|e| {
                let (addr, bits) = match e.addr {
                    IpAddr::V4(a) => (u128::from(u32::from(a)), 32),
                    IpAddr::V6(a) => (u128::from(a), 128),
                };
                let (first, last) = span(addr, e.prefix, bits);
                (first, last, e.negated)
            })
        };
        let (v4, v6) = (Ranges::build(of_family(true)).narrow(), Ranges::build(of_family(false)));
        Acl { name, entries, v4, v6 }
    }

    /// Whether `ip` matches: some inclusion covers it and no negation does.
    pub fn matches(&self, ip: IpAddr) -> bool {
        let answer = match ip {
            IpAddr::V4(a) => self.v4.answer(u32::from(a)),
            IpAddr::V6(a) => {
                let own = self.v6.answer(u128::from(a));
                match a.to_ipv4_mapped() {
                    Some(v4) => match (own, self.v4.answer(u32::from(v4))) {
                        (Answer::Out, _) | (_, Answer::Out) => Answer::Out,
                        (Answer::In, _) | (_, Answer::In) => Answer::In,
                        _ => Answer::Outside,
                    },
                    None => own,
                }
            }
        };
        answer == Answer::In
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rule read straight from Fastly's words, entry by entry: the definition the
    /// table must agree with.
    fn by_entries(entries: &[AclEntry], ip: IpAddr) -> bool {
        fn covers(net: IpAddr, prefix: u8, ip: IpAddr) -> bool {
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
        let covering = || entries.iter().filter(|e| covers(e.addr, e.prefix, ip));
        covering().any(|e| !e.negated) && !covering().any(|e| e.negated)
    }

    fn entry(text: &str) -> AclEntry {
        let (negated, text) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (addr, prefix) = text.split_once('/').unwrap_or((text, ""));
        let addr: IpAddr = addr.parse().unwrap();
        let prefix = prefix.parse().unwrap_or(if addr.is_ipv4() { 32 } else { 128 });
        AclEntry { negated, addr, prefix }
    }

    #[test]
    fn negations_win_over_inclusions_however_specific() {
        // Fastly: "negations are processed after all inclusions and always take precedence".
        let acl = Acl::new(
            "a".into(),
            [
                "10.0.0.0/8",
                "!10.0.0.66",
                "!192.168.0.0/16",
                "192.168.1.0/24",
                "2001:db8::/32",
                "0.0.0.0/0",
                "!0.0.0.0/1",
            ]
            .map(entry)
            .to_vec(),
        );
        for (ip, want) in [
            ("10.1.2.3", false), // inside 10/8, but 0.0.0.0/1 is negated
            ("10.0.0.66", false),
            ("192.168.1.7", false),
            ("200.1.1.1", true), // 0.0.0.0/0
            ("2001:db8::1", true),
            ("2001:db9::1", false),
            ("::ffff:200.1.1.1", true),
            ("::ffff:10.0.0.1", false),
        ] {
            assert_eq!(acl.matches(ip.parse().unwrap()), want, "{ip}");
        }
    }

    #[test]
    fn edges_of_the_address_space() {
        let acl = Acl::new(
            "a".into(),
            ["255.255.255.255", "0.0.0.0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"].map(entry).to_vec(),
        );
        for (ip, want) in [
            ("255.255.255.255", true),
            ("255.255.255.254", false),
            ("0.0.0.0", true),
            ("0.0.0.1", false),
            ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true),
            ("::", false),
        ] {
            assert_eq!(acl.matches(ip.parse().unwrap()), want, "{ip}");
        }
        assert!(!Acl::new("empty".into(), Vec::new()).matches("1.2.3.4".parse().unwrap()));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Random entries over a few nearby networks, probed at and around every entry's
        /// first and last address, agree with the entry-by-entry rule.
        #[test]
        fn the_table_agrees_with_the_rule(
            raw in proptest::collection::vec((proptest::bool::ANY, proptest::bool::ANY, 0u32..4, 0u8..=32), 0..12),
        ) {
            let entries: Vec<AclEntry> = raw
                .iter()
                .map(|&(negated, v6, net, prefix)| {
                    let base = 0x0a00_0000u32 | (net << 22);
                    let addr = if v6 {
                        IpAddr::V6(std::net::Ipv6Addr::from(0x2001_0db8_u128 << 96 | u128::from(base)))
                    } else {
                        IpAddr::V4(std::net::Ipv4Addr::from(base))
                    };
                    let prefix = if v6 { 96 + prefix } else { prefix };
                    AclEntry { negated, addr, prefix }
                })
                .collect();
            let acl = Acl::new("a".into(), entries.clone());
            let mut probes = Vec::new();
            for e in &entries {
                let (addr, bits) = match e.addr {
                    IpAddr::V4(a) => (u128::from(u32::from(a)), 32),
                    IpAddr::V6(a) => (u128::from(a), 128),
                };
                let (first, last) = span(addr, e.prefix, bits);
                for x in [first.wrapping_sub(1), first, first + 1, last.wrapping_sub(1), last, last.wrapping_add(1)] {
                    if bits == 32 {
                        let x = x as u32;
                        probes.push(IpAddr::V4(x.into()));
                        probes.push(IpAddr::V6(std::net::Ipv4Addr::from(x).to_ipv6_mapped()));
                    } else {
                        probes.push(IpAddr::V6(x.into()));
                    }
                }
            }
            for ip in probes {
                proptest::prop_assert_eq!(acl.matches(ip), by_entries(&entries, ip), "{} in {:?}", ip, entries);
            }
        }
    }
}
