//! Required-literal prefilters for regex literals.
//!
//! Many VCL patterns contain a literal that every match must contain (`Firefox/(\d+)`
//! needs `Firefox/`). Checking for it with a substring search is much cheaper than
//! running the regex, and most tests in a long `if ... else if` chain fail. The
//! extraction is deliberately conservative: it only takes runs of plain characters at the
//! top level of the pattern, and gives up (no prefilter) on anything it does not fully
//! understand, so a prefilter can only ever skip a regex that could not have matched.
//!
//! A subject tested against many patterns (a user-agent classifier runs hundreds of
//! tests on one header) is better scanned once for every pattern's literal together:
//! [`PrefilterSet`] holds the literals of a whole program, and the interpreter asks it
//! once per subject which are present.

use aho_corasick::AhoCorasick;
use memchr::memmem;

/// A literal every match of a pattern contains.
#[derive(Debug)]
pub struct Prefilter {
    literal: Vec<u8>,
    search: Search,
}

#[derive(Debug)]
enum Search {
    Exact(Box<memmem::Finder<'static>>),
    /// `(?i)`: ASCII letters in either case (PCRE2 without UCP folds nothing else).
    Caseless(AhoCorasick),
    /// `^` then the literal: every match starts with it, at the start of the subject
    /// (`^` without the multiline flag, which the reader refuses), so one comparison
    /// decides. Caseless under `(?i)`.
    Prefix {
        caseless: bool,
    },
}

impl Prefilter {
    /// Whether `subject` may match (false: it certainly does not).
    pub fn may_match(&self, subject: &[u8]) -> bool {
        match &self.search {
            Search::Exact(finder) => finder.find(subject).is_some(),
            Search::Caseless(ac) => ac.is_match(subject),
            Search::Prefix { caseless } => subject.get(..self.literal.len()).is_some_and(|head| {
                if *caseless {
                    head.eq_ignore_ascii_case(&self.literal)
                } else {
                    head == self.literal
                }
            }),
        }
    }

    pub fn literal(&self) -> &[u8] {
        &self.literal
    }

    /// A literal searched for anywhere in the subject (not an anchored prefix, which
    /// one comparison already decides): `Some(caseless)`.
    fn searched(&self) -> Option<bool> {
        match self.search {
            Search::Exact(_) => Some(false),
            Search::Caseless(_) => Some(true),
            Search::Prefix { .. } => None,
        }
    }
}

/// Fewest searched literals in a program worth a [`PrefilterSet`].
const MIN_SET: usize = 8;

/// The searched literals of a program's regexes, each one bit: one pass over a subject
/// ([`PrefilterSet::scan`]) tells which are in it. An automaton for the exact literals
/// and one for the caseless ones (ASCII letters in either case), both reporting every
/// occurrence, overlapping ones included.
#[derive(Debug)]
pub struct PrefilterSet {
    exact: Option<AhoCorasick>,
    caseless: Option<AhoCorasick>,
    /// The bit of each automaton's pattern, by pattern index.
    exact_bits: Vec<u32>,
    caseless_bits: Vec<u32>,
    bits: usize,
}

impl PrefilterSet {
    /// The set for a program's regexes (by index), and each regex's bit in it; `None`
    /// when too few regexes have a searched literal for a shared pass to pay.
    pub fn build<'a>(filters: impl Iterator<Item = Option<&'a Prefilter>>) -> Option<(PrefilterSet, Vec<Option<u32>>)> {
        let mut bit_of: std::collections::HashMap<(bool, Vec<u8>), u32> = Default::default();
        let (mut exact, mut caseless): (Vec<&[u8]>, Vec<&[u8]>) = (Vec::new(), Vec::new());
        let (mut exact_bits, mut caseless_bits) = (Vec::new(), Vec::new());
        let mut searched = 0;
        let regex_bits: Vec<Option<u32>> = filters
            .map(|f| {
                let f = f?;
                let folded = f.searched()?;
                searched += 1;
                let next = bit_of.len() as u32;
                let key = if folded { f.literal.to_ascii_lowercase() } else { f.literal.clone() };
                let bit = *bit_of.entry((folded, key)).or_insert_with(|| {
                    let (patterns, bits) =
                        if folded { (&mut caseless, &mut caseless_bits) } else { (&mut exact, &mut exact_bits) };
                    patterns.push(&f.literal);
                    bits.push(next);
                    next
                });
                Some(bit)
            })
            .collect();
        if searched < MIN_SET {
            return None;
        }
        let automaton = |patterns: &[&[u8]], folded: bool| {
            if patterns.is_empty() {
                return Ok(None);
            }
            AhoCorasick::builder().ascii_case_insensitive(folded).build(patterns).map(Some)
        };
        let set = PrefilterSet {
            exact: automaton(&exact, false).ok()?,
            caseless: automaton(&caseless, true).ok()?,
            exact_bits,
            caseless_bits,
            bits: bit_of.len(),
        };
        Some((set, regex_bits))
    }

    /// Words of a bit set with one bit per literal.
    pub fn words(&self) -> usize {
        self.bits.div_ceil(64)
    }

    /// Sets the bit of every literal `subject` contains (`present` holds [`Self::words`]
    /// words, cleared by the caller).
    pub fn scan(&self, subject: &[u8], present: &mut [u64]) {
        for (ac, bits) in [(&self.exact, &self.exact_bits), (&self.caseless, &self.caseless_bits)] {
            let Some(ac) = ac else { continue };
            for m in ac.find_overlapping_iter(subject) {
                if let Some(&bit) = bits.get(m.pattern().as_usize()) {
                    if let Some(word) = present.get_mut(bit as usize / 64) {
                        *word |= 1 << (bit % 64);
                    }
                }
            }
        }
    }
}

/// Shortest literal worth a prefilter.
const MIN_LITERAL: usize = 3;

/// The prefilter for a pattern, when it has a required literal.
pub fn for_pattern(pattern: &str) -> Option<Prefilter> {
    let (literal, caseless) = required_literal(pattern)?;
    if caseless && !literal.is_ascii() {
        return None;
    }
    if let Some(prefix) = anchored_prefix(pattern).filter(|p| !p.is_empty() && (!caseless || p.is_ascii())) {
        return Some(Prefilter { literal: prefix, search: Search::Prefix { caseless } });
    }
    if literal.len() < MIN_LITERAL {
        return None;
    }
    let search = if caseless {
        Search::Caseless(AhoCorasick::builder().ascii_case_insensitive(true).build([&literal]).ok()?)
    } else {
        Search::Exact(Box::new(memmem::Finder::new(&literal).into_owned()))
    };
    Some(Prefilter { literal, search })
}

/// The longest run of literal characters at the top level of `pattern` (outside groups,
/// classes and quantified atoms), and whether it matches case-insensitively.
fn required_literal(pattern: &str) -> Option<(Vec<u8>, bool)> {
    let mut bytes = pattern.as_bytes();
    let mut caseless = false;
    if let Some(rest) = bytes.strip_prefix(b"(?i)") {
        bytes = rest;
        caseless = true;
    }
    let mut best: Vec<u8> = Vec::new();
    let mut run: Vec<u8> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let finish = |run: &mut Vec<u8>, best: &mut Vec<u8>| {
        if run.len() > best.len() {
            *best = std::mem::take(run);
        }
        run.clear();
    };
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\\' => {
                let next = *bytes.get(i + 1)?;
                if next.is_ascii_alphanumeric() {
                    // \d \w \b \Q \x \1 ...: not a plain literal; some change how the
                    // rest reads, so give up on those.
                    if matches!(next, b'Q' | b'E' | b'x' | b'c' | b'o' | b'N' | b'p' | b'P' | b'k' | b'g') {
                        return None;
                    }
                    if depth == 0 {
                        finish(&mut run, &mut best);
                    }
                } else if depth == 0 {
                    // An escaped punctuation character is itself, unless quantified.
                    if quantified(bytes, i + 2) {
                        finish(&mut run, &mut best);
                    } else {
                        run.push(next);
                    }
                }
                i += 2;
                continue;
            }
            b'[' => {
                i = skip_class(bytes, i)?;
                if depth == 0 {
                    finish(&mut run, &mut best);
                }
                continue;
            }
            b'(' => {
                // Inline flags other than a leading (?i) change matching: give up.
                if depth == 0 && bytes.get(i + 1) == Some(&b'?') {
                    let kind = *bytes.get(i + 2)?;
                    if !matches!(kind, b':' | b'=' | b'!' | b'<' | b'>' | b'P' | b'\'') {
                        return None;
                    }
                }
                if depth == 0 {
                    finish(&mut run, &mut best);
                }
                depth += 1;
            }
            b')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 && quantified(bytes, i + 1) {
                    // A quantified group's content is optional; nothing to undo here.
                }
            }
            b'|' if depth == 0 => return None,
            b'.' | b'^' | b'$' if depth == 0 => finish(&mut run, &mut best),
            b'{' => {
                // A quantifier `{n}`, `{n,}`, `{n,m}` is skipped whole; any other `{` is a
                // literal in PCRE, which this reader does not try to follow.
                let close = i + bytes[i..].iter().position(|&b| b == b'}')?;
                let body = &bytes[i + 1..close];
                let valid = !body.is_empty()
                    && body[0].is_ascii_digit()
                    && body.iter().all(|b| b.is_ascii_digit() || *b == b',')
                    && body.iter().filter(|b| **b == b',').count() <= 1;
                if !valid {
                    return None;
                }
                if depth == 0 {
                    finish(&mut run, &mut best);
                }
                i = close + 1;
                continue;
            }
            b'*' | b'+' | b'?' if depth == 0 => finish(&mut run, &mut best),
            _ if depth == 0 => {
                if quantified(bytes, i + 1) {
                    finish(&mut run, &mut best);
                } else {
                    run.push(c);
                }
            }
            _ => {}
        }
        i += 1;
    }
    if depth != 0 {
        return None;
    }
    finish(&mut run, &mut best);
    (!best.is_empty()).then_some((best, caseless))
}

/// The literal a pattern starting with `^` requires right after it: plain characters
/// and escaped punctuation up to the first one that is quantified or is anything else.
/// Only for patterns [`required_literal`] read whole (no top-level `|`, no flags but a
/// leading `(?i)`, balanced groups), which the caller checked.
fn anchored_prefix(pattern: &str) -> Option<Vec<u8>> {
    let bytes = pattern.as_bytes();
    let bytes = bytes.strip_prefix(b"(?i)").unwrap_or(bytes).strip_prefix(b"^")?;
    let mut prefix = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let (c, width) = match bytes[i] {
            b'\\' => match bytes.get(i + 1) {
                Some(&next) if !next.is_ascii_alphanumeric() => (next, 2),
                _ => break,
            },
            c if c.is_ascii_alphanumeric() || b"-_/:;,=@%&'\"<>~ !#".contains(&c) => (c, 1),
            _ => break,
        };
        if quantified(bytes, i + width) {
            break;
        }
        prefix.push(c);
        i += width;
    }
    Some(prefix)
}

/// Whether the atom ending before `at` is followed by a quantifier.
fn quantified(bytes: &[u8], at: usize) -> bool {
    matches!(bytes.get(at), Some(b'*' | b'+' | b'?' | b'{'))
}

/// Index just past the `]` that closes the class starting at `start`.
fn skip_class(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    if bytes.get(i) == Some(&b'^') {
        i += 1;
    }
    if bytes.get(i) == Some(&b']') {
        i += 1;
    }
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'[' if bytes.get(i + 1) == Some(&b':') => {
                // POSIX class [:alpha:]
                let end = bytes[i..].windows(2).position(|w| w == b":]")?;
                i += end + 2;
            }
            b']' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(p: &str) -> Option<String> {
        required_literal(p).map(|(l, _)| String::from_utf8(l).unwrap())
    }

    #[test]
    fn extracts_plain_top_level_runs() {
        assert_eq!(lit(r"Firefox/(\d+)\.(\d+)").as_deref(), Some("Firefox/"));
        assert_eq!(
            lit(r"^Mozilla/5\.0 \(compatible; Googlebot/").as_deref(),
            Some("Mozilla/5.0 (compatible; Googlebot/")
        );
        assert_eq!(lit(r"(?i)bingbot").as_deref(), Some("bingbot"));
        assert_eq!(lit(r"Chrom(e|ium)/"), Some("Chrom".to_string()));
        assert_eq!(lit(r"colou?r").as_deref(), Some("colo"), "a quantified character is not required");
        assert_eq!(lit(r"a|b"), None, "top-level alternation has no required literal");
        assert_eq!(lit(r"(?x) a b c"), None, "other flags: give up");
        assert_eq!(lit(r"\Qa.b\E"), None);
        assert_eq!(lit(r"[abc]+xyz").as_deref(), Some("xyz"));
        assert_eq!(lit(r"Edg(?:e|A|iOS)?/").as_deref(), Some("Edg"));
        assert_eq!(lit(r"\bSM-[A-Z]\d{3,4}[A-Z0-9]*\b").as_deref(), Some("SM-"), "a quantifier is not a literal");
        assert_eq!(lit(r"ab{2}cd").as_deref(), Some("cd"));
        assert_eq!(lit(r"x{y}abc"), None, "a brace that is not a quantifier: give up");
    }

    #[test]
    fn anchored_patterns_check_their_prefix_in_place() {
        let prefix = |p: &str| anchored_prefix(p).map(|l| String::from_utf8(l).unwrap());
        assert_eq!(prefix(r"^www\.(.+)$").as_deref(), Some("www."));
        assert_eq!(prefix(r"(?i)^Mozilla/5\.0 \(compat").as_deref(), Some("Mozilla/5.0 (compat"));
        assert_eq!(prefix(r"^colou?r").as_deref(), Some("colo"), "a quantified character is not required");
        assert_eq!(prefix(r"^a\d").as_deref(), Some("a"));
        assert_eq!(prefix(r"^(?:x|y)").as_deref(), Some(""));
        assert_eq!(prefix(r"www\."), None, "not anchored");
        let p = for_pattern(r"^www\.(.+)$").unwrap();
        assert!(p.may_match(b"www.example.com"));
        assert!(!p.may_match(b"example.com/www."), "the literal elsewhere is no match");
        assert!(!p.may_match(b"WWW.example.com"));
        assert!(!p.may_match(b"ww"));
        let p = for_pattern(r"(?i)^ab").unwrap();
        assert!(p.may_match(b"AbC"));
        assert!(!p.may_match(b"xab"));
        // Each agrees with PCRE2 on whether a match is possible.
        for (pattern, subject) in
            [(r"^www\.(.+)$", "www.x"), (r"^www\.(.+)$", "xwww.x"), (r"(?i)^ab+", "ABBB"), (r"^a.c", "abc")]
        {
            let re = pcre2::bytes::Regex::new(pattern).unwrap();
            if re.is_match(subject.as_bytes()).unwrap() {
                assert!(for_pattern(pattern).is_none_or(|p| p.may_match(subject.as_bytes())), "{pattern} {subject}");
            }
        }
    }

    #[test]
    fn a_set_finds_every_literal_a_subject_contains() {
        let patterns = [
            r"Firefox/(\d+)",
            r"(?i)bingbot",
            r"Chrom(e|ium)/",
            r"^www\.(.+)$",
            r"Firefox/\d",
            r"(?i)BINGBOT",
            "Edg/",
            "rome/",
            "OPR/",
            "Safari/",
            "Mobile",
        ];
        let filters: Vec<_> = patterns.iter().map(|p| for_pattern(p)).collect();
        let (set, bits) = PrefilterSet::build(filters.iter().map(Option::as_ref)).unwrap();
        assert_eq!(bits[3], None, "an anchored prefix is not searched");
        assert_eq!(bits[0], bits[4], "one bit per distinct literal");
        assert_eq!(bits[1], bits[5], "caseless literals fold alike");
        let subject = b"Mozilla/5.0 Chrome/120.0 Safari/537.36 BingBot";
        let mut present = vec![0u64; set.words()];
        set.scan(subject, &mut present);
        for (p, (f, bit)) in patterns.iter().zip(filters.iter().zip(&bits)) {
            let (Some(f), Some(bit)) = (f, bit) else { continue };
            let seen = present[*bit as usize / 64] & 1 << (bit % 64) != 0;
            assert_eq!(seen, f.may_match(subject), "{p}: the set agrees with the pattern's own prefilter");
        }
        assert!(PrefilterSet::build(filters[..3].iter().map(Option::as_ref)).is_none(), "too few to pay");
    }

    #[test]
    fn case_insensitive_search() {
        let p = for_pattern("(?i)googlebot").unwrap();
        assert!(p.may_match(b"Mozilla/5.0 (compatible; Googlebot/2.1)"));
        assert!(!p.may_match(b"Mozilla/5.0"));
        assert!(p.may_match(b"GOOGLEBOT"));
        assert!(!p.may_match(b"googlebo"));
        assert!(!p.may_match(b""));
    }
}
