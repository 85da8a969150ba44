//! Regex literals whose language is a small finite set of strings, matched without PCRE2
//! (and one common shape with a group, [`PrefixGroup`]: a literal prefix and the rest of
//! the line).
//!
//! `req.http.User-Agent ~ "(?i)(?:bot|crawler|spider)"` or `req.url.ext ~ "^(?:jpe?g|png)$"`
//! name a handful of strings. Calling PCRE2 for them costs its per-call overhead (match
//! data, JIT stack) on every test; a substring search or a few comparisons give the same
//! answer. This module reads such a pattern, expands it to the strings PCRE2 would try, in
//! the order its backtracking tries them, and matches with PCRE2's leftmost-first rule.
//!
//! It accepts only: an optional leading `(?i)`, an optional `^` first and `$` last,
//! literal characters, escaped punctuation, alternation, non-capturing groups and a
//! greedy `?` after a character or a group, expanding to at most [`MAX_STRINGS`] strings.
//! Anything else (`.`, classes, `*`, `+`, `{`, capturing groups, other flags, `\d` and
//! other letter escapes, `^`/`$` with a top-level `|`) is refused and stays with PCRE2.
//!
//! Invariant: for every pattern it accepts, [`LiteralSet::find`] gives PCRE2's answer
//! (match or not, and the span of `re.group.0`) for every subject; it never panics.

use aho_corasick::{packed, AhoCorasick, MatchKind};
use memchr::memmem;

/// Most strings a pattern may expand to; a bigger set stays with PCRE2.
pub const MAX_STRINGS: usize = 64;

/// Longest subject lower-cased in the thread's buffer for a caseless search (longer ones
/// allocate).
const FOLD_KEPT: usize = 8 * 1024;

thread_local! {
    /// Where caseless searches lower-case their subject: kept per thread, so a search
    /// neither allocates nor clears a buffer first.
    static FOLDED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Deepest group nesting read (PCRE2 itself refuses beyond 250).
const MAX_DEPTH: usize = 16;

/// A pattern compiled to its finite list of strings.
#[derive(Debug, Clone)]
pub struct LiteralSet {
    /// The strings in the order PCRE2 tries them at one start position.
    strings: Vec<Vec<u8>>,
    /// `(?i)`: ASCII letters match either case. Lacquer builds its PCRE2 regexes without
    /// UTF or UCP (`Regex::new`), and in that mode PCRE2's default (C locale) tables fold
    /// only `A-Z`/`a-z`: every other byte, including those >= 0x80, matches only itself.
    caseless: bool,
    mode: Mode,
    /// The strings' lengths, one bit each (bit 63: 63 bytes or more): a subject of a
    /// length no string has is refused without comparing.
    lengths: u64,
    /// The strings' first bytes (both cases under `(?i)`), one bit each: where a short
    /// subject is searched position by position, most positions are passed over on one
    /// test.
    firsts: [u64; 4],
}

/// Longest subject searched position by position rather than through the automaton,
/// whose setup costs more than a short subject's scan.
const SHORT_SUBJECT: usize = 32;

/// The bit of [`LiteralSet::lengths`] for strings of `len` bytes.
fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

#[derive(Debug, Clone)]
enum Mode {
    /// Unanchored, one case-sensitive string.
    Substring(Box<memmem::Finder<'static>>),
    /// Unanchored: the leftmost start, and there the first string in order. Under `(?i)`
    /// the searcher holds the strings in lower case and searches a lower-cased copy of
    /// the subject (same offsets): aho-corasick's own case-insensitive mode rules out its
    /// SIMD prefilter and walks every byte, as slow as PCRE2 on a long User-Agent.
    Search(SetSearch),
    /// `^`, or an unanchored set containing the empty string (which matches at 0): the
    /// first string in order that is a prefix of the subject.
    Prefix,
    /// `^...$`: the first string equal to the subject or to the subject less a final `\n`.
    Whole,
    /// `...$` without `^`: the leftmost string ending at the end or before a final `\n`.
    Suffix,
}

/// The unanchored search for a set of strings: aho-corasick's packed (SIMD) searcher
/// called directly, which a few strings fit, without the automaton's dispatch around it;
/// the full automaton for the sets it does not take.
#[derive(Debug, Clone)]
enum SetSearch {
    Packed(packed::Searcher),
    Automaton(AhoCorasick),
}

impl SetSearch {
    fn find(&self, subject: &[u8]) -> Option<(usize, usize)> {
        match self {
            SetSearch::Packed(searcher) => searcher.find(subject).map(|m| (m.start(), m.end())),
            SetSearch::Automaton(ac) => ac.find(subject).map(|m| (m.start(), m.end())),
        }
    }
}

impl LiteralSet {
    /// The literal set for `pattern`, when it has one (see the module comment). Call it
    /// only for patterns PCRE2 compiled: it does not report syntax errors.
    pub fn for_pattern(pattern: &str) -> Option<LiteralSet> {
        let (mut body, caseless) = caseless_body(pattern);
        let start = body.first() == Some(&b'^');
        if start {
            body = &body[1..];
        }
        let end = ends_with_anchor(body);
        if end {
            body = &body[..body.len() - 1];
        }
        let mut reader = Reader { bytes: body, pos: 0, depth: 0 };
        let (mut strings, branches) = reader.alternation()?;
        if reader.pos != body.len() {
            return None;
        }
        // In `^a|b` the `^` belongs to the first branch only, and `$` in `a|b$` to the
        // last: refused rather than modelled.
        if (start || end) && branches > 1 {
            return None;
        }
        if !end {
            // Without `$` the empty string matches wherever it is tried, so no string after
            // it can ever be chosen.
            if let Some(i) = strings.iter().position(Vec::is_empty) {
                strings.truncate(i + 1);
            }
        }
        let has_empty = strings.iter().any(Vec::is_empty);
        let mode = match (start, end) {
            (true, true) => Mode::Whole,
            (false, true) => Mode::Suffix,
            (true, false) => Mode::Prefix,
            // The empty string matches at 0, so every match starts at 0.
            (false, false) if has_empty => Mode::Prefix,
            (false, false) if strings.len() == 1 && !caseless => {
                Mode::Substring(Box::new(memmem::Finder::new(&strings[0]).into_owned()))
            }
            (false, false) => {
                let folded: Vec<Vec<u8>> =
                    strings.iter().map(|s| if caseless { s.to_ascii_lowercase() } else { s.clone() }).collect();
                let packed = packed::Config::new()
                    .match_kind(packed::MatchKind::LeftmostFirst)
                    .builder()
                    .extend(&folded)
                    .build();
                Mode::Search(match packed {
                    Some(searcher) => SetSearch::Packed(searcher),
                    None => SetSearch::Automaton(
                        AhoCorasick::builder().match_kind(MatchKind::LeftmostFirst).build(&folded).ok()?,
                    ),
                })
            }
        };
        let lengths = strings.iter().fold(0, |m, s| m | length_bit(s.len()));
        let mut firsts = [0u64; 4];
        for &b in strings.iter().filter_map(|s| s.first()) {
            for b in if caseless { [b.to_ascii_lowercase(), b.to_ascii_uppercase()] } else { [b, b] } {
                firsts[usize::from(b >> 6)] |= 1 << (b & 63);
            }
        }
        Some(LiteralSet { strings, caseless, mode, lengths, firsts })
    }

    /// Whether some string's length is `len`.
    fn has_length(&self, len: usize) -> bool {
        self.lengths & length_bit(len) != 0
    }

    /// The unanchored search, position by position (for short subjects): the leftmost
    /// start, and there the first string in order. No string is empty here (a set with
    /// the empty string is matched as [`Mode::Prefix`]).
    #[inline(never)]
    fn scan(&self, subject: &[u8]) -> Option<(usize, usize)> {
        let firsts = self.firsts;
        let mut at = 0;
        while let Some(i) = subject[at..].iter().position(|&b| firsts[usize::from(b >> 6)] & 1 << (b & 63) != 0) {
            at += i;
            if let Some(len) = self.string_at(&subject[at..]) {
                return Some((at, at + len));
            }
            at += 1;
        }
        None
    }

    /// The length of the first string in order that `rest` starts with.
    #[inline(never)]
    fn string_at(&self, rest: &[u8]) -> Option<usize> {
        self.strings.iter().find(|s| rest.get(..s.len()).is_some_and(|head| self.same(head, s))).map(Vec::len)
    }

    /// Whether [`LiteralSet::find`] lower-cases a subject of `len` bytes before searching
    /// it; a caller that has the lower-cased copy already calls
    /// [`LiteralSet::find_folded`] instead.
    pub fn folds(&self, len: usize) -> bool {
        self.caseless && len > SHORT_SUBJECT && matches!(self.mode, Mode::Search(_))
    }

    /// [`LiteralSet::find`] for a subject it [`folds`](LiteralSet::folds), given lower-cased
    /// (the offsets are the same).
    pub fn find_folded(&self, folded: &[u8]) -> Option<(usize, usize)> {
        match &self.mode {
            Mode::Search(ac) => ac.find(folded),
            _ => self.find(folded),
        }
    }

    /// Where PCRE2's match of the pattern in `subject` lies (`re.group.0`), if it matches.
    pub fn find(&self, subject: &[u8]) -> Option<(usize, usize)> {
        match &self.mode {
            Mode::Search(_) if subject.len() <= SHORT_SUBJECT => self.scan(subject),
            Mode::Substring(finder) => finder.find(subject).map(|at| (at, at + self.strings[0].len())),
            Mode::Search(ac) if self.caseless => FOLDED.with(|cell| {
                let n = subject.len();
                let mut own = Vec::new();
                let mut shared = cell.try_borrow_mut();
                let buf = match &mut shared {
                    Ok(buf) if n <= FOLD_KEPT => &mut **buf,
                    _ => &mut own,
                };
                if buf.len() < n {
                    buf.resize(n, 0);
                }
                crate::interp::ascii::fold_into(buf, subject);
                ac.find(&buf[..n])
            }),
            Mode::Search(ac) => ac.find(subject),
            Mode::Prefix => self
                .strings
                .iter()
                .find(|s| subject.get(..s.len()).is_some_and(|head| self.same(head, s)))
                .map(|s| (0, s.len())),
            Mode::Whole => {
                let trimmed = subject.strip_suffix(b"\n");
                if !self.has_length(subject.len()) && !trimmed.is_some_and(|t| self.has_length(t.len())) {
                    return None;
                }
                self.strings
                    .iter()
                    .find(|s| self.same(subject, s) || trimmed.is_some_and(|t| self.same(t, s)))
                    .map(|s| (0, s.len()))
            }
            Mode::Suffix => self.find_suffix(subject),
        }
    }

    /// The strings, in PCRE2's order of trial.
    pub fn strings(&self) -> &[Vec<u8>] {
        &self.strings
    }

    /// `$` (PCRE2's default: not multiline, not DOLLAR_ENDONLY) holds at the very end and
    /// just before a final `\n`. The match is the one with the leftmost start; at equal
    /// starts, the string tried first.
    fn find_suffix(&self, subject: &[u8]) -> Option<(usize, usize)> {
        let n = subject.len();
        let before_newline = subject.ends_with(b"\n").then(|| n - 1);
        let mut best: Option<(usize, usize)> = None;
        for s in &self.strings {
            for end in before_newline.into_iter().chain([n]) {
                let Some(start) = end.checked_sub(s.len()) else { continue };
                if best.is_some_and(|(b, _)| b <= start) {
                    continue;
                }
                if self.same(&subject[start..end], s) {
                    best = Some((start, end));
                }
            }
        }
        best
    }

    fn same(&self, a: &[u8], b: &[u8]) -> bool {
        if self.caseless {
            a.eq_ignore_ascii_case(b)
        } else {
            crate::interp::ascii::same_bytes(a, b)
        }
    }
}

/// `^PREFIX(.*)` and `^PREFIX(.+)`, each with or without a final `$`, under `(?i)` or
/// not: a literal prefix and the rest of the line captured (`^www\.(.+)$`,
/// `^/api/(.*)`). PCRE2 answers these through its full match call; here they are a prefix
/// comparison and a search for a newline. Without DOTALL `.` is any byte but `\n`, so the
/// greedy group runs to the first newline after the prefix (or the end). Without `$` that
/// is the match. With `$`, which holds at the end and before a final `\n`, no shorter
/// group can help (each position it could stop at is followed by a byte other than
/// `\n`), so the match stands only when the group stopped at the end or at a final `\n`.
#[derive(Debug, Clone)]
pub struct PrefixGroup {
    prefix: Vec<u8>,
    caseless: bool,
    /// `(.+)`: the group takes at least one byte.
    non_empty: bool,
    /// The pattern ends with `$`.
    to_end: bool,
}

impl PrefixGroup {
    /// The matcher for `pattern`, when it has that shape. Call it only for patterns PCRE2
    /// compiled.
    pub fn for_pattern(pattern: &str) -> Option<PrefixGroup> {
        let (body, caseless) = caseless_body(pattern);
        let mut body = body.strip_prefix(b"^")?;
        let to_end = ends_with_anchor(body);
        if to_end {
            body = &body[..body.len() - 1];
        }
        let (prefix, non_empty) = match (body.strip_suffix(b"(.*)"), body.strip_suffix(b"(.+)")) {
            (Some(prefix), _) => (prefix, false),
            (_, Some(prefix)) => (prefix, true),
            _ => return None,
        };
        // The prefix must be one plain string (a trailing `\` would have escaped the
        // group's parenthesis: the reader refuses it as an unfinished escape).
        let mut reader = Reader { bytes: prefix, pos: 0, depth: 0 };
        let (mut strings, branches) = reader.alternation()?;
        if reader.pos != prefix.len() || branches != 1 || strings.len() != 1 {
            return None;
        }
        Some(PrefixGroup { prefix: strings.pop()?, caseless, non_empty, to_end })
    }

    /// Where the match lies, and the group: `(group 0, group 1)`, as PCRE2 gives them.
    pub fn find(&self, subject: &[u8]) -> Option<((usize, usize), (usize, usize))> {
        let start = self.prefix.len();
        let head = subject.get(..start)?;
        let same = if self.caseless {
            head.eq_ignore_ascii_case(&self.prefix)
        } else {
            crate::interp::ascii::same_bytes(head, &self.prefix)
        };
        if !same {
            return None;
        }
        let end = crate::interp::ascii::find_byte(b'\n', &subject[start..]).map_or(subject.len(), |i| start + i);
        if self.non_empty && end == start {
            return None;
        }
        if self.to_end && end != subject.len() && end + 1 != subject.len() {
            return None;
        }
        Some(((0, end), (start, end)))
    }
}

/// A pattern's body without a leading `(?i)`, and whether it had one.
fn caseless_body(pattern: &str) -> (&[u8], bool) {
    match pattern.as_bytes().strip_prefix(b"(?i)") {
        Some(rest) => (rest, true),
        None => (pattern.as_bytes(), false),
    }
}

/// Whether `body` ends with an unescaped `$` (one preceded by an even run of `\`).
fn ends_with_anchor(body: &[u8]) -> bool {
    let Some(rest) = body.strip_suffix(b"$") else { return false };
    let slashes = rest.iter().rev().take_while(|&&b| b == b'\\').count();
    slashes % 2 == 0
}

/// Reads a pattern body and expands it; `None` for anything outside the accepted shapes.
struct Reader<'p> {
    bytes: &'p [u8],
    pos: usize,
    depth: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// `seq | seq | ...`: the branches' strings left to right, and how many branches.
    fn alternation(&mut self) -> Option<(Vec<Vec<u8>>, usize)> {
        let mut out = self.sequence()?;
        let mut branches = 1;
        while self.peek() == Some(b'|') {
            self.pos += 1;
            out.extend(self.sequence()?);
            branches += 1;
            if out.len() > MAX_STRINGS {
                return None;
            }
        }
        Some((out, branches))
    }

    /// Atoms in a row: PCRE2 backtracks into the last choice first, so the first atom's
    /// choice varies slowest.
    fn sequence(&mut self) -> Option<Vec<Vec<u8>>> {
        let mut acc = vec![Vec::new()];
        while let Some(c) = self.peek() {
            if c == b'|' || c == b')' {
                break;
            }
            let mut atom = self.atom()?;
            if self.peek() == Some(b'?') {
                self.pos += 1;
                // `??` (lazy) and `?+` (possessive) are refused; greedy `?` tries the atom
                // before skipping it.
                if matches!(self.peek(), Some(b'?' | b'+')) {
                    return None;
                }
                atom.push(Vec::new());
            }
            if matches!(self.peek(), Some(b'*' | b'+' | b'{' | b'?')) {
                return None;
            }
            if acc.len() * atom.len() > MAX_STRINGS {
                return None;
            }
            acc = acc.iter().flat_map(|head| atom.iter().map(move |tail| [head.as_slice(), tail].concat())).collect();
        }
        Some(acc)
    }

    /// One character, escaped punctuation character or `(?:...)` group.
    fn atom(&mut self) -> Option<Vec<Vec<u8>>> {
        let c = self.peek()?;
        self.pos += 1;
        match c {
            b'(' => {
                if !self.bytes[self.pos..].starts_with(b"?:") || self.depth == MAX_DEPTH {
                    return None;
                }
                self.pos += 2;
                self.depth += 1;
                let (inner, _) = self.alternation()?;
                self.depth -= 1;
                if self.peek() != Some(b')') {
                    return None;
                }
                self.pos += 1;
                Some(inner)
            }
            b'\\' => {
                // A backslash before a non-alphanumeric character makes it literal; letter
                // and digit escapes (`\d`, `\b`, `\Q`, `\x`, back-references) are refused.
                let e = self.peek()?;
                self.pos += 1;
                (e.is_ascii_punctuation() || e == b' ').then(|| vec![vec![e]])
            }
            b'.' | b'[' | b']' | b'{' | b'}' | b'^' | b'$' | b'*' | b'+' | b'?' => None,
            // Without UTF, each byte of the pattern is one character (a `?` after a
            // multi-byte character applies to its last byte, as in PCRE2).
            _ => Some(vec![vec![c]]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{GroupSpans, Regex, RE_GROUPS};

    fn strings(pattern: &str) -> Option<Vec<String>> {
        LiteralSet::for_pattern(pattern)
            .map(|set| set.strings().iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect())
    }

    #[test]
    fn expands_in_backtracking_order() {
        assert_eq!(strings("colou?r").unwrap(), ["colour", "color"]);
        assert_eq!(strings("(?:ab)?c").unwrap(), ["abc", "c"]);
        assert_eq!(strings("(?:a|b)(?:c|d)").unwrap(), ["ac", "ad", "bc", "bd"]);
        assert_eq!(strings("^(?:jpe?g|png|woff2?)$").unwrap(), ["jpeg", "jpg", "png", "woff2", "woff"]);
        assert_eq!(strings(r"a\.b\/c\-d").unwrap(), ["a.b/c-d"]);
        assert_eq!(strings("a||b").unwrap(), ["a", ""], "nothing after the empty string is tried");
        assert_eq!(strings("^(?:a|)$").unwrap(), ["a", ""]);
        assert_eq!(strings(r"a\$").unwrap(), ["a$"], "an escaped dollar is a character");
        assert_eq!(strings(r"a\\$").unwrap(), ["a\\"], "after an escaped backslash, `$` anchors");
    }

    #[test]
    fn which_patterns_take_the_literal_path() {
        let literal = [
            "br",
            "gzip",
            "max-age",
            "^HIT",
            "^/api/",
            "(?:private|no-store)",
            "(?i)(?:bot|crawler|spider|slurp)",
            "(?i)mobile|android|iphone",
            "^(?:jpe?g|png|gif|webp|avif|mp4|woff2?)$",
            "^(?:text/|application/(?:json|javascript)|image/svg)",
            r"TelegramBot \(like TwitterBot\)",
            "Yahoo! Slurp",
            "x$",
            "",
            "^$",
        ];
        for p in literal {
            assert!(LiteralSet::for_pattern(p).is_some(), "{p:?} should be a literal set");
        }
        let pcre = [
            "(a|b)",                                      // capturing group
            "a.b",                                        // any character
            "[ab]c",                                      // class
            "ab*",                                        // unbounded repeat
            "ab+",                                        // unbounded repeat
            "ab{2}",                                      // counted repeat
            "ab??",                                       // lazy
            "ab?+",                                       // possessive
            r"\d",                                        // letter escape
            r"\bbot\b",                                   // word boundary
            r"\Qa.b\E",                                   // quoting
            r"\x41",                                      // hex escape
            "^a|b",                                       // `^` on the first branch only
            "a|b$",                                       // `$` on the last branch only
            "(?:^|&)gclid=",                              // anchor inside a group
            "(?x) a b",                                   // other flags
            "a(?i)b",                                     // flag change inside
            "(?i:ab)",                                    // scoped flag
            "(?=a)a",                                     // lookahead
            "(*UTF)ab",                                   // start-of-pattern verb
            "^www\\.(.+)$",                               // bench: capture and repeat
            "(?:^|&)(?:utm_[a-z]+|gclid|fbclid|mc_eid)=", // bench: classes
            r"Googlebot/(\d+)\.(\d+)",                    // ua_classifier: groups
            "(?:a|b|c|d)(?:a|b|c|d)(?:a|b|c|d)(?:e|f)?",  // 128 strings: over the cap
        ];
        for p in pcre {
            assert!(LiteralSet::for_pattern(p).is_none(), "{p:?} should stay with PCRE2");
        }
        // The hook in `Regex`: literal patterns carry the set, the others do not.
        assert!(Regex::new("(?i)mobile|android|iphone").unwrap().literal.is_some());
        assert!(Regex::new("(a|b)").unwrap().literal.is_none());
    }

    /// Patterns the differential test runs: the benchmark's and the UA classifier's
    /// literal ones, and the shapes where leftmost-first, `?` order, anchors, `$` before a
    /// final newline and case folding could go wrong.
    const PATTERNS: &[&str] = &[
        // benches/data/request.vcl
        "^(?:jpe?g|png|gif|webp|avif|mp4|woff2?)$",
        "br",
        "gzip",
        "^/api/",
        "^(?:css|js|svg|png|jpe?g|gif|webp|woff2?|ico)$",
        "(?i)(?:bot|crawler|spider|slurp)",
        "(?i)mobile|android|iphone",
        "(?:private|no-store)",
        "max-age",
        "^(?:text/|application/(?:json|javascript)|image/svg)",
        "^HIT",
        // vcl-examples/ok/ua_classifier.vcl
        "Googlebot-News",
        "AdsBot-Google-Mobile",
        "APIs-Google",
        "Yahoo! Slurp",
        "360Spider",
        "Facebot",
        r"TelegramBot \(like TwitterBot\)",
        "Slack-ImgProxy",
        "Google Favicon",
        // tricky shapes
        "a|ab",
        "ab|a",
        "b|ab",
        "colou?r",
        "(?:ab)?c",
        "(?:ab)?",
        "^(?:a|ab)$",
        "^(?:ab|a)$",
        "^(?:a|ab)",
        "x$",
        "ab$",
        "(?:a|ab)$",
        "(?:b|ab)$",
        "(?:x|)$",
        "(?:x|x\n)$",
        "(?:x\n|x)$",
        "^(?:x|x\n)$",
        "\n$",
        "^\n$",
        "$",
        "^$",
        "^",
        "",
        "a|",
        "|a",
        "^(?:a|)$",
        "(?:a|)b",
        "(?i)AbC",
        "(?i)^(?:hit|miss)$",
        "(?i)x$",
        "\u{e9}t\u{e9}",
        "(?i)\u{e9}",
        "caf\u{e9}?",
        r"a\.b",
        r"\(x\)",
        r"a\$",
        r"a\\$",
        "a b",
        "(?:(?:a|b)c|d)?e",
    ];

    fn subjects() -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = [
            "", "\n", "\n\n", "a", "A", "ab", "AB", "abc", "aab", "ba", "bab", "c", "x", "x\n", "x\n\n", "X\n",
            "xx", "\nx", "colour", "color", "COLOR", "colr", "e", "de", "ace", "bce", "bcbe", "cafe", "caf",
            "a.b", "axb", "(x)", "a$", "a$\n", "a\\", "a\\\n", "a b", "hit", "HIT", "Hit\n", "MISS", "missing",
            "HITS", "jpg", "jpeg", "jpeg\n", "JPG", "woff", "woff2", "woff2\n", "woff3", "png\n\n", ".png",
            "css", "ico", "br", "gzip, deflate, br", "deflate", "Gzip", "max-age=60", "s-maxage=60",
            "private, no-store", "no-store, private", "public", "/api/v1", "/API/", "/apix", "HIT, MISS",
            "MISS-HIT", "text/html", "application/json", "application/javascript; charset=utf-8",
            "application/xml", "image/svg+xml", "image/png",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) MOBILE",
            "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
            "Spider-Man CRAWLER", "robot", "ROBOTS", "Googlebot-News", "AdsBot-Google-Mobile-Apps",
            "APIs-Google (+https://developers.google.com/webmasters/APIs-Google.html)",
            "360Spider", "facebot", "Facebot", "TelegramBot (like TwitterBot)", "Slack-ImgProxy (+https://api.slack.com/robots)",
            "Google Favicon",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        // Bytes >= 0x80: `é` in UTF-8 and Latin-1, its uppercase forms, and a stray byte.
        for s in [
            &b"\xc3\xa9t\xc3\xa9"[..],
            b"\xc3\x89T\xc3\x89",
            b"\xc3\xa9",
            b"\xc3\x89",
            b"caf\xc3",
            b"caf\xc3\xa9",
            b"\xe9",
            b"\xc9",
            b"\xff\xfe",
        ] {
            out.push(s.to_vec());
        }
        // Each subject also in upper and lower case, and with a trailing newline.
        let base = out.clone();
        for s in &base {
            out.push(s.to_ascii_uppercase());
            out.push(s.to_ascii_lowercase());
            out.push([s.as_slice(), b"\n"].concat());
            out.push([b"zz".as_slice(), s, b"zz"].concat());
        }
        out
    }

    /// PCRE2's answer, from the same builder `Regex::new` uses.
    fn pcre2_find(pattern: &str, subject: &[u8]) -> Option<(usize, usize)> {
        let re = pcre2::bytes::RegexBuilder::new().jit_if_available(true).build(pattern).unwrap();
        re.find(subject).unwrap().map(|m| (m.start(), m.end()))
    }

    #[test]
    fn agrees_with_pcre2() {
        assert!(PATTERNS.len() >= 40);
        let subjects = subjects();
        let mut compared = 0;
        for pattern in PATTERNS {
            let set = LiteralSet::for_pattern(pattern).unwrap_or_else(|| panic!("{pattern:?} is not a literal set"));
            let re = pcre2::bytes::RegexBuilder::new().jit_if_available(true).build(pattern).unwrap();
            let mut subjects = subjects.clone();
            // Plus the pattern's own strings, in both cases, alone, embedded and newline-ended.
            for s in set.strings() {
                for v in [s.clone(), s.to_ascii_uppercase()] {
                    subjects.push([b"-".as_slice(), &v, b"-"].concat());
                    subjects.push([v.as_slice(), b"\n"].concat());
                    subjects.push(v);
                }
            }
            for subject in &subjects {
                let want = re.find(subject).unwrap().map(|m| (m.start(), m.end()));
                assert_eq!(set.find(subject), want, "pattern {pattern:?} on {:?}", String::from_utf8_lossy(subject));
                compared += 1;
            }
        }
        assert!(compared > 40 * 500, "{compared} comparisons");
    }

    /// Pieces random patterns are built from: accepted shapes and a few refused ones.
    const PIECES: &[&str] = &["a", "b", "A", "ab", "|", "(?:", ")", "?", "^", "$", r"\.", ".", "\n", "\u{e9}", "*"];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Any pattern made of the pieces that PCRE2 compiles and the reader accepts
        /// matches as PCRE2 does, on subjects made of the same bytes.
        #[test]
        fn random_patterns_agree_with_pcre2(
            caseless in proptest::bool::ANY,
            pieces in proptest::collection::vec(0..PIECES.len(), 0..8),
            subjects in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(b"abAB.\n\xc3\xa9x".to_vec()), 0..8),
                1..16,
            ),
        ) {
            let body: String = pieces.iter().map(|&i| PIECES[i]).collect();
            let pattern = if caseless { format!("(?i){body}") } else { body };
            let Ok(re) = pcre2::bytes::RegexBuilder::new().jit_if_available(true).build(&pattern) else {
                return Ok(());
            };
            let Some(set) = LiteralSet::for_pattern(&pattern) else { return Ok(()) };
            for subject in &subjects {
                let want = re.find(subject).unwrap().map(|m| (m.start(), m.end()));
                proptest::prop_assert_eq!(set.find(subject), want, "pattern {:?} on {:?}", pattern, subject);
            }
        }
    }

    /// PCRE2's groups 0 and 1, from the same builder `Regex::new` uses.
    fn pcre2_groups(re: &pcre2::bytes::Regex, subject: &[u8]) -> Option<((usize, usize), (usize, usize))> {
        let caps = re.captures(subject).unwrap()?;
        let span = |i: usize| caps.get(i).map(|m| (m.start(), m.end()));
        Some((span(0)?, span(1)?))
    }

    #[test]
    fn prefix_groups_agree_with_pcre2() {
        let patterns = [
            r"^www\.(.+)$",
            r"^www\.(.*)$",
            r"^www\.(.+)",
            r"^/api/(.*)",
            "(?i)^bearer (.+)$",
            "^(.*)$",
            "^(.+)",
            r"^a\$(.*)$",
            "^(?:ab)(.+)$",
        ];
        let mut subjects = subjects();
        for extra in [
            "www.",
            "www.\n",
            "www.x",
            "www.x\n",
            "www.x\ny",
            "www.\nx",
            "www.x\n\n",
            "WWW.example.com",
            "/api/",
            "/api/v1\n",
            "Bearer abc",
            "BEARER \n",
            "a$b",
            "a$\n",
            "abab\n",
        ] {
            subjects.push(extra.as_bytes().to_vec());
        }
        for pattern in patterns {
            let shape =
                PrefixGroup::for_pattern(pattern).unwrap_or_else(|| panic!("{pattern:?} is not a prefix group"));
            let re = pcre2::bytes::RegexBuilder::new().jit_if_available(true).build(pattern).unwrap();
            for subject in &subjects {
                assert_eq!(
                    shape.find(subject),
                    pcre2_groups(&re, subject),
                    "pattern {pattern:?} on {:?}",
                    String::from_utf8_lossy(subject)
                );
            }
        }
        for refused in [r"^www\.(.+)x", r"^a\(.+)", "^(.+)+", "www(.+)$", "^a|b(.+)", r"^a?(.+)", "^(.*?)$", r"^a(\d+)"]
        {
            assert!(PrefixGroup::for_pattern(refused).is_none(), "{refused:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]

        /// `^PREFIX(.*)` and its variants on subjects of the prefix's bytes, newlines and
        /// others, as PCRE2 answers.
        #[test]
        fn random_prefix_groups_agree_with_pcre2(
            caseless in proptest::bool::ANY,
            prefix in proptest::collection::vec(proptest::sample::select(vec!["a", "B", r"\.", "x", r"\$"]), 0..4),
            non_empty in proptest::bool::ANY,
            to_end in proptest::bool::ANY,
            subjects in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(b"aAbB.x$\n".to_vec()), 0..8),
                1..16,
            ),
        ) {
            let pattern = format!(
                "{}^{}({}){}",
                if caseless { "(?i)" } else { "" },
                prefix.concat(),
                if non_empty { ".+" } else { ".*" },
                if to_end { "$" } else { "" }
            );
            let shape = PrefixGroup::for_pattern(&pattern);
            proptest::prop_assert!(shape.is_some(), "{} is refused", pattern);
            let (shape, re) = (shape.unwrap(), pcre2::bytes::RegexBuilder::new().build(&pattern).unwrap());
            for subject in &subjects {
                proptest::prop_assert_eq!(shape.find(subject), pcre2_groups(&re, subject), "pattern {:?} on {:?}", pattern, subject);
            }
        }
    }

    #[test]
    fn regex_match_groups_takes_the_prefix_group_path() {
        let re = Regex::new(r"^www\.(.+)$").unwrap();
        assert!(re.prefilter.is_none(), "answered without PCRE2, so no prefilter");
        let mut spans = GroupSpans::NONE;
        spans.set(3, Some((9, 9)));
        assert!(re.match_groups(b"www.example.com", &mut spans).unwrap());
        assert_eq!((spans.get(0), spans.get(1)), (Some((0, 15)), Some((4, 15))));
        assert!((2..RE_GROUPS).all(|i| spans.get(i).is_none()));
        assert!(!re.match_groups(b"example.com", &mut spans).unwrap());
    }

    #[test]
    fn caseless_folds_ascii_letters_only() {
        // PCRE2 without UTF/UCP: `(?i)` folds A-Z/a-z only; bytes >= 0x80 are exact.
        let set = LiteralSet::for_pattern("(?i)caf\u{e9}").unwrap();
        assert_eq!(set.find(b"CAF\xc3\xa9"), Some((0, 5)));
        assert_eq!(set.find(b"CAF\xc3\x89"), None, "\u{c9} is not \u{e9} without UCP");
        assert_eq!(pcre2_find("(?i)caf\u{e9}", b"CAF\xc3\x89"), None);
        assert_eq!(set.find(b"caf\xe9"), None);
    }

    #[test]
    fn regex_match_groups_takes_the_literal_path() {
        // Fastly: a successful `~` sets re.group.0 to the whole match; no other group.
        let re = Regex::new("(?i)mobile|android|iphone").unwrap();
        let mut spans = GroupSpans::NONE;
        spans.set(3, Some((9, 9)));
        assert!(re.match_groups(b"Linux; Android 14; Mobile", &mut spans).unwrap());
        assert_eq!(spans.get(0), Some((7, 14)));
        assert!((1..RE_GROUPS).all(|i| spans.get(i).is_none()));
        assert!(!re.match_groups(b"Macintosh", &mut spans).unwrap());
    }
}
