//! Whether a regex matches, answered by a deterministic automaton built when the
//! program is built, for regexes whose match leaves nothing VCL can read: no capture
//! groups, in a program that never reads `re.group.0` (`Regex::whole_match_unread`).
//!
//! `req.url.qs ~ "(?:^|&)(?:utm_[a-z]+|gclid|fbclid|mc_eid)="` costs PCRE2 its per-call
//! set-up (match data, JIT stack, the checks of `pcre2_match`) before its JIT code runs.
//! A dense DFA walks the subject with one table load per byte, from a start state found
//! when it was built, and stops at the first byte that decides.
//!
//! Only whether there is a match is asked, never where. The set of subjects a pattern
//! matches is the same for a backtracking engine and an automaton, so their different
//! ways of picking a span (PCRE2 leaves a loop at an empty iteration; the automaton does
//! not) do not matter here.
//!
//! What must agree is how the pattern reads. `regex-syntax` reads part of PCRE2's syntax
//! the way PCRE2 does, and part differently (`\v`, `\<`, `[a&&b]`, `[a[b]]`, `{,3}`,
//! multi-line `^`...). A pattern is handed to it only when every token is in the shared
//! part (checked by [`admit`]):
//! - ASCII only: in PCRE2 without UTF, `é+` repeats the last byte of `é`;
//! - literal characters, and escaped punctuation other than `\<`, `\>` and `\_`;
//! - the escapes `\d \D \w \W \s \S \b \B \A \z \n \r \t \f` and `\xHH`;
//! - `.`, `^`, `$`, `|`, and non-capturing groups `(?:...)`;
//! - classes of characters, ranges, those escapes and POSIX `[:name:]` classes;
//! - greedy and lazy `* + ?` and `{n}`, `{n,}`, `{n,m}`;
//! - the flags `i` and `s`, set (`(?i)`, `(?-i)`) or scoped (`(?i:...)`).
//!
//! Everything else stays with PCRE2: capture groups, possessive and atomic forms,
//! lookaround, backreferences, `\Q..\E`, other escapes, other flags and verbs.
//!
//! Both read bytes the same way: lacquer builds PCRE2 without UTF or UCP (`Regex::new`),
//! so `.` is any byte but `\n`, classes and `\w`/`\d`/`\s` are ASCII, and `(?i)` folds
//! `A-Z` only. Here `regex-syntax` runs with Unicode and UTF-8 off, which reads the same.
//!
//! One difference is left for the caller to route around. PCRE2's `$` also matches
//! before a final newline, and the automaton's `$` does not. So a pattern with `$` is
//! answered here only for subjects without a newline (header values never hold one).
//!
//! Invariant: for every pattern admitted and every subject it answers, the answer is
//! PCRE2's. A differential test and a proptest of random patterns check this.

use regex_automata::dfa::{dense, Automaton as _};
use regex_automata::nfa::thompson;
use regex_automata::util::primitives::StateID;
use regex_automata::util::{start, syntax};
use regex_automata::Anchored;

/// Largest table the DFA may grow to while it is built; a pattern whose DFA would be
/// bigger stays with PCRE2.
const SIZE_LIMIT: usize = 1 << 20;

/// Longest subject the automaton answers for. It reads every byte up to the one that
/// decides, where PCRE2 pays a fixed cost per call and then often skips ahead (to a
/// required first byte): on a User-Agent of a hundred bytes and more PCRE2 is faster
/// (measured on `vcl-examples/ok/ua_classifier.vcl`: 8% more instructions with no limit).
const LONGEST_SUBJECT: usize = 64;

/// A pattern's forward DFA, and where a search from the start of a subject begins.
#[derive(Debug, Clone)]
pub struct Automaton {
    dfa: dense::DFA<Vec<u32>>,
    start: StateID,
    /// The pattern has `$`: subjects with a newline are left to PCRE2.
    dollar: bool,
}

impl Automaton {
    /// The automaton for `pattern`, when its syntax is admitted (see the module comment)
    /// and it fits [`SIZE_LIMIT`]. Call it only for patterns PCRE2 compiled.
    pub fn for_pattern(pattern: &str) -> Option<Automaton> {
        let Admitted { dollar } = admit(pattern)?;
        let dfa = dense::Builder::new()
            .syntax(syntax::Config::new().unicode(false).utf8(false))
            .thompson(thompson::Config::new().utf8(false))
            .configure(dense::Config::new().dfa_size_limit(Some(SIZE_LIMIT)).determinize_size_limit(Some(SIZE_LIMIT)))
            .build(pattern)
            .ok()?;
        // Every search starts at the start of its subject: nothing looks behind it.
        let start = dfa.start_state(&start::Config::new().anchored(Anchored::No)).ok()?;
        Some(Automaton { dfa, start, dollar })
    }

    /// Whether the pattern matches somewhere in `subject`, or `None` when this subject is
    /// PCRE2's to answer (longer than [`LONGEST_SUBJECT`], or a `$` pattern and a subject
    /// with a newline).
    #[inline]
    pub fn is_match(&self, subject: &[u8]) -> Option<bool> {
        if subject.len() > LONGEST_SUBJECT || self.dollar && memchr::memchr(b'\n', subject).is_some() {
            return None;
        }
        let dfa = &self.dfa;
        let mut state = self.start;
        for &b in subject {
            state = dfa.next_state(state, b);
            // Match, dead, quit and accelerated states are the special ones. The DFA
            // reports a match one byte late, so a match state here is final; a dead one
            // means no match can follow. Quit states are not built (no Unicode word
            // boundaries), and an accelerated state is only a hint, passed over.
            if dfa.is_special_state(state) {
                if dfa.is_match_state(state) {
                    return Some(true);
                }
                if dfa.is_dead_state(state) {
                    return Some(false);
                }
            }
        }
        Some(dfa.is_match_state(dfa.next_eoi_state(state)))
    }
}

/// What [`admit`] learned about a pattern it admits.
struct Admitted {
    dollar: bool,
}

/// POSIX class names both engines read alike (ASCII, in the C locale).
const POSIX: &[&[u8]] = &[
    b"alnum", b"alpha", b"ascii", b"blank", b"cntrl", b"digit", b"graph", b"lower", b"print", b"punct", b"space",
    b"upper", b"word", b"xdigit",
];

/// Whether every token of `pattern` reads the same to PCRE2 and `regex-syntax` (see the
/// module comment); what it cannot place refuses the pattern.
fn admit(pattern: &str) -> Option<Admitted> {
    let p = pattern.as_bytes();
    if !pattern.is_ascii() {
        return None;
    }
    let mut dollar = false;
    // Whether the last token was an assertion: PCRE2 and `regex-syntax` disagree on what
    // a quantifier after one means, so none is admitted there.
    let mut after_assertion = false;
    let mut i = 0;
    while i < p.len() {
        let assertion;
        match p[i] {
            b'\\' => {
                let e = *p.get(i + 1)?;
                assertion = matches!(e, b'b' | b'B' | b'A' | b'z');
                if assertion && p.get(i + 2) == Some(&b'{') {
                    return None; // `\b{start}` is a `regex-syntax` assertion
                }
                i = escape(p, i + 1)?;
            }
            b'[' => {
                assertion = false;
                i = class(p, i + 1)?;
            }
            b'(' => {
                if p.get(i + 1) != Some(&b'?') {
                    return None; // a capture group
                }
                let mut j = i + 2;
                while j < p.len() && matches!(p[j], b'i' | b's' | b'-') {
                    j += 1;
                }
                match p.get(j) {
                    Some(b':' | b')') => {}
                    _ => return None,
                }
                // `(?i)` is a flag setting, not something a quantifier applies to.
                assertion = p[j] == b')';
                i = j + 1;
            }
            b'{' => {
                if after_assertion {
                    return None;
                }
                i = quantifier_end(p, counted_end(p, i + 1)?)?;
                assertion = false;
            }
            b'*' | b'+' | b'?' => {
                if after_assertion {
                    return None;
                }
                i = quantifier_end(p, i + 1)?;
                assertion = false;
            }
            b'^' | b'$' => {
                dollar |= p[i] == b'$';
                assertion = true;
                i += 1;
            }
            _ => {
                assertion = false;
                i += 1;
            }
        }
        after_assertion = assertion;
    }
    Some(Admitted { dollar })
}

/// Past a quantifier ending at `at`: a lazy `?` is taken, a possessive `+` refuses.
fn quantifier_end(p: &[u8], at: usize) -> Option<usize> {
    match p.get(at) {
        Some(b'+') => None,
        Some(b'?') => Some(at + 1),
        _ => Some(at),
    }
}

/// Past `n}`, `n,}` or `n,m}` from `at` (just after `{`); anything else (which PCRE2 may
/// read as literal characters, or as `{,m}` in recent versions) refuses.
fn counted_end(p: &[u8], at: usize) -> Option<usize> {
    let digits = |from: usize| from + p[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut j = digits(at);
    if j == at {
        return None;
    }
    if p.get(j) == Some(&b',') {
        j = digits(j + 1);
    }
    (p.get(j) == Some(&b'}')).then_some(j + 1)
}

/// Past an escape whose letter is at `at` (just after `\`). Inside a class the caller
/// refuses the assertions (`\b` is a backspace there to PCRE2).
fn escape(p: &[u8], at: usize) -> Option<usize> {
    let e = *p.get(at)?;
    match e {
        b'b' | b'B' | b'A' | b'z' => Some(at + 1),
        b'd' | b'D' | b'w' | b'W' | b's' | b'S' | b'n' | b'r' | b't' | b'f' => Some(at + 1),
        b'x' => {
            let hex = p.get(at + 1..at + 3)?;
            hex.iter().all(u8::is_ascii_hexdigit).then_some(at + 3)
        }
        // Escaped punctuation is the character, except `\<` and `\>` (word boundaries
        // to `regex-syntax`) and `\_` (a word character, which it refuses to escape).
        b'<' | b'>' | b'_' => None,
        _ if e.is_ascii_punctuation() => Some(at + 1),
        _ => None,
    }
}

/// Past a class whose body starts at `at` (just after `[`). Refuses `regex-syntax`'s
/// set operations (`&&`, `--`, `~~`) and nested classes, which PCRE2 reads as
/// characters, and any `[` that does not open a POSIX class.
fn class(p: &[u8], at: usize) -> Option<usize> {
    let mut j = at;
    if p.get(j) == Some(&b'^') {
        j += 1;
    }
    // A `]` first is a character to both.
    if p.get(j) == Some(&b']') {
        j += 1;
    }
    loop {
        let c = *p.get(j)?;
        match c {
            b']' => return Some(j + 1),
            b'\\' => {
                // `\b` in a class is a backspace to PCRE2.
                if matches!(p.get(j + 1), Some(b'b' | b'B' | b'A' | b'z')) {
                    return None;
                }
                j = escape(p, j + 1)?;
            }
            b'[' => {
                if p.get(j + 1) != Some(&b':') {
                    return None;
                }
                let name_at = j + 2 + usize::from(p.get(j + 2) == Some(&b'^'));
                let len = p[name_at..].iter().take_while(|b| b.is_ascii_lowercase()).count();
                if !POSIX.contains(&&p[name_at..name_at + len])
                    || p.get(name_at + len..name_at + len + 2) != Some(b":]")
                {
                    return None;
                }
                j = name_at + len + 2;
            }
            b'&' | b'-' | b'~' if p.get(j + 1) == Some(&c) => return None,
            _ => j += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// PCRE2's answer, from the same builder `Regex::new` uses.
    fn pcre2(pattern: &str) -> pcre2::bytes::Regex {
        pcre2::bytes::RegexBuilder::new().jit_if_available(true).build(pattern).unwrap()
    }

    fn pcre2_matches(re: &pcre2::bytes::Regex, subject: &[u8]) -> bool {
        re.is_match(subject).unwrap()
    }

    #[test]
    fn which_patterns_are_admitted() {
        let admitted = [
            "(?:^|&)(?:utm_[a-z]+|gclid|fbclid|mc_eid)=", // benches/data/request.vcl
            r"^/(?:[a-z]{2})/",
            r"\d+\.\d*",
            r"(?i)\bbot\b",
            r"[[:alpha:]_][[:alnum:]]*",
            r"[^\s;]+",
            r"a.*?b",
            r"(?s)a.b",
            r"(?i:ab)c",
            r"\x41\.\-",
            "[]a]",
            "x$",
            "(?:a*)*b", // loops over what can match nothing: only their spans differ
            "(?:=|\\W*?)*",
        ];
        for p in admitted {
            assert!(Automaton::for_pattern(p).is_some(), "{p:?} should be admitted");
        }
        let refused = [
            "(a)",        // capture group
            "a*+",        // possessive
            "(?>a)",      // atomic
            "(?=a)",      // lookahead
            r"\1",        // backreference
            r"\Qa\E",     // quoting
            r"\v",        // vertical space to PCRE2, VT to regex-syntax
            r"\<a\>",     // literal to PCRE2, word boundaries to regex-syntax
            r"\b{start}", // a regex-syntax assertion
            "[a&&b]",     // set intersection in regex-syntax
            "[a--b]",     // set difference in regex-syntax
            "[a[b]]",     // a nested class in regex-syntax
            "[[:nope:]]", // unknown POSIX class
            "a{,3}",      // {0,3} or literal, depending on PCRE2's version
            "a{x}",       // literal to PCRE2
            "(?m)^a",     // multi-line anchors differ at a final newline
            "(?x)a b",    // extended syntax
            "^*",         // a quantified assertion
            "\u{e9}+",    // not ASCII
            r"\e",        // escape character
            r"\h",        // horizontal space
            r"[\b]",      // backspace in a class
            "(*UTF)a",    // verb
        ];
        for p in refused {
            assert!(Automaton::for_pattern(p).is_none(), "{p:?} should stay with PCRE2");
        }
    }

    #[test]
    fn dollar_subjects_with_a_newline_go_to_pcre2() {
        let a = Automaton::for_pattern("ab$").unwrap();
        assert_eq!(a.is_match(b"xab"), Some(true));
        assert_eq!(a.is_match(b"xabc"), Some(false));
        assert_eq!(a.is_match(b"xab\n"), None, "PCRE2's `$` matches before a final newline");
        let b = Automaton::for_pattern("ab").unwrap();
        assert_eq!(b.is_match(b"ab\n"), Some(true));
        assert_eq!(b.is_match(&[b'a'; LONGEST_SUBJECT + 1]), None, "long subjects are PCRE2's");
        assert_eq!(b.is_match(&[b'a'; LONGEST_SUBJECT]), Some(false));
    }

    /// Patterns where anchors, classes, case folding, flags and repetition could read
    /// differently, with the subjects below.
    const PATTERNS: &[&str] = &[
        "(?:^|&)(?:utm_[a-z]+|gclid|fbclid|mc_eid)=",
        "a|ab",
        "ab|a",
        "a*",
        "a*?",
        "a+?b",
        "(?:a|ab)(?:c|bcd)",
        "(?:a*)?b",
        "(?:a*)*b",
        "(?:=|\\W*?)*&",
        "(?:a|b)+?b",
        "x*$",
        "^$",
        "$",
        "^",
        r"\bx",
        r"x\b",
        r"\Bx",
        r"\Ax",
        r"x\z",
        r"(?i)[^a]+",
        r"(?i)[[:upper:]]+",
        r"[[:^alpha:]]+",
        r"(?i)A(?-i)b|c",
        r"a(?i)b|c",
        r"(?i:a)B",
        r".+",
        r"(?s).+",
        r"[\s]+",
        r"\S+",
        r"\W+",
        r"[\x00-\x1f\x7f]",
        r"[^\x00-\x7f]+",
        "[]a]+",
        "[^]a]+",
        r"a{2,3}",
        r"a{2,}?",
        r"(?:ab){2}",
        r"[a-c-]+",
        r"[-a]+",
        r"\d+(?:\.\d+)?",
        r"(?i)mozilla/\d\.\d",
    ];

    fn subjects() -> Vec<Vec<u8>> {
        let mut out: Vec<Vec<u8>> = [
            "",
            "\n",
            "a",
            "A",
            "ab",
            "aB",
            "Ab",
            "AB",
            "abc",
            "abcd",
            "abbcd",
            "aab",
            "b",
            "c",
            "C",
            "x",
            "x\n",
            "xx\n",
            "\nx",
            "x\nx",
            "aaa",
            "aaaa",
            "a b",
            "a\tb",
            "a\x0bb",
            "a\x0cb",
            "utm_source=news&size=42",
            "size=42&utm_source=news",
            "x&gclid=1",
            "gclid=1",
            "&fbclid",
            "mc_eid=",
            "UTM_SOURCE=x",
            "1.5",
            "12.",
            "v1.2.3",
            "-a-",
            "]a]",
            "Mozilla/5.0 (X11)",
            "MOZILLA/4.0",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        for s in [&b"\xc3\xa9a"[..], b"\xff", b"a\x80b", b"\x00\x1f\x7f"] {
            out.push(s.to_vec());
        }
        let base = out.clone();
        for s in &base {
            out.push([b"zz ".as_slice(), s, b"\n"].concat());
        }
        out
    }

    #[test]
    fn agrees_with_pcre2() {
        let subjects = subjects();
        let mut compared = 0;
        for pattern in PATTERNS {
            let auto = Automaton::for_pattern(pattern).unwrap_or_else(|| panic!("{pattern:?} is not admitted"));
            let re = pcre2(pattern);
            for s in &subjects {
                if let Some(found) = auto.is_match(s) {
                    assert_eq!(found, pcre2_matches(&re, s), "{pattern:?} on {:?}", String::from_utf8_lossy(s));
                    compared += 1;
                }
            }
        }
        assert!(compared > PATTERNS.len() * subjects.len() * 9 / 10, "most subjects answered: {compared}");
    }

    /// Random patterns over the admitted syntax.
    fn pattern() -> impl Strategy<Value = String> {
        let atom = prop_oneof![
            Just("a".to_string()),
            Just("b".to_string()),
            Just("B".to_string()),
            Just("&".to_string()),
            Just("=".to_string()),
            Just(r"\.".to_string()),
            Just(".".to_string()),
            Just(r"\d".to_string()),
            Just(r"\w".to_string()),
            Just(r"\s".to_string()),
            Just(r"\W".to_string()),
            Just("[a-c]".to_string()),
            Just("[^ab]".to_string()),
            Just("[[:alpha:]1]".to_string()),
            Just(r"\b".to_string()),
            Just("^".to_string()),
            Just("$".to_string()),
            Just(r"\n".to_string()),
            Just(r"\B".to_string()),
            Just(r"\A".to_string()),
            Just(r"\z".to_string()),
            Just(r"[\s=]".to_string()),
            Just(r"\S".to_string()),
            Just("[[:upper:]]".to_string()),
        ];
        atom.prop_recursive(5, 32, 3, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a}{b}")),
                (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("(?:{a}|{b})")),
                inner.clone().prop_map(|a| format!("(?i:{a})")),
                (
                    inner,
                    prop_oneof![
                        Just("*"),
                        Just("+"),
                        Just("?"),
                        Just("*?"),
                        Just("+?"),
                        Just("??"),
                        Just("{1,2}"),
                        Just("{2}"),
                        Just("{0,}?")
                    ]
                )
                    .prop_map(|(a, q)| format!("(?:{a}){q}")),
            ]
        })
        .prop_map(|p| match p.len() % 6 {
            0 | 3 => format!("(?i){p}"),
            1 => format!("(?s){p}"),
            2 => format!("(?i)a(?-i){p}"),
            _ => p,
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(std::env::var("AUTOMATON_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(1000)))]
        #[test]
        fn random_patterns_agree_with_pcre2(
            pattern in pattern(),
            subjects in proptest::collection::vec(proptest::collection::vec(
                prop_oneof![Just(b'a'), Just(b'b'), Just(b'B'), Just(b'&'), Just(b'='), Just(b'.'), Just(b'1'), Just(b' '), Just(b'\n'), Just(0xe9u8)],
                0..12), 1..8),
        ) {
            let Ok(re) = pcre2::bytes::RegexBuilder::new().jit_if_available(true).build(&pattern) else { return Ok(()) };
            let Some(auto) = Automaton::for_pattern(&pattern) else { return Ok(()) };
            for s in &subjects {
                if let Some(found) = auto.is_match(s) {
                    prop_assert_eq!(found, pcre2_matches(&re, s), "{:?} on {:?}", pattern, String::from_utf8_lossy(s));
                }
            }
        }
    }
}
