//! ASCII helpers for the request path: comparing short strings as machine words without
//! calls into `memcmp`, folding the capitals of a header name's words, and folding a
//! whole subject sixteen bytes per step for caseless searches.

/// Whether two byte strings are equal; short ones (what VCL compares most: methods,
/// header values, route names) are compared as machine words without a call into `memcmp`.
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    match (words(a), words(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// A string of at most 16 bytes as two words that together hold every byte of it, read
/// from both ends (the reads overlap). Two strings of the same length are equal exactly
/// when their words are. `None` for longer strings.
#[inline(always)]
pub fn words(s: &[u8]) -> Option<(u64, u64)> {
    let n = s.len();
    let word = |at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
    let half = |at: usize| u64::from(u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or([0; 4])));
    Some(match n {
        0 => (0, 0),
        1..=3 => (u64::from(s[0]) | u64::from(s[n / 2]) << 8 | u64::from(s[n - 1]) << 16, 0),
        4..=7 => (half(0) | half(n - 4) << 32, 0),
        8..=16 => (word(0), word(n - 8)),
        _ => return None,
    })
}

/// Strings shorter than this are searched for a byte a word at a time here; `memchr`'s
/// vector set-up costs more than such a string's scan.
const SHORT: usize = 64;

const ONES: u64 = 0x0101_0101_0101_0101;

/// The bytes of `word` equal to `b`, as the top bit of each (little-endian order; the
/// lowest set bit marks the first such byte, though later ones may be marked wrongly).
#[inline(always)]
fn bytes_equal(word: u64, b: u8) -> u64 {
    let x = word ^ (u64::from(b) * ONES);
    x.wrapping_sub(ONES) & !x & (0x80 * ONES)
}

#[inline(always)]
fn word_at(s: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]))
}

/// Where `b` first occurs in `s` (as `memchr::memchr`).
#[inline]
pub fn find_byte(b: u8, s: &[u8]) -> Option<usize> {
    let n = s.len();
    if n >= SHORT {
        return memchr::memchr(b, s);
    }
    if n < 8 {
        return s.iter().position(|&c| c == b);
    }
    let mut at = 0;
    loop {
        // The last word ends at the end of `s`, overlapping the one before: its bytes
        // before `at` were searched already and did not match.
        let at_word = at.min(n - 8);
        let hits = bytes_equal(word_at(s, at_word), b);
        if hits != 0 {
            return Some(at_word + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
        if at >= n {
            return None;
        }
    }
}

/// Where `b` last occurs in `s` (as `memchr::memrchr`).
#[inline]
pub fn rfind_byte(b: u8, s: &[u8]) -> Option<usize> {
    if s.len() >= SHORT {
        return memchr::memrchr(b, s);
    }
    rfind_masked(s, 0xff, b)
}

/// Where the last byte `c` of `s` with `c & mask == b` is: `rfind_masked(s, 0xfe, b'.')`
/// finds the last `.` or `/` (which differ in the lowest bit only). A word at a time.
#[inline]
pub fn rfind_masked(s: &[u8], mask: u8, b: u8) -> Option<usize> {
    let n = s.len();
    if n < 8 {
        return s.iter().rposition(|&c| c & mask == b);
    }
    // Words from the end; the first word starts at 0, overlapping the one after it
    // (whose bytes did not match).
    let mut end = n;
    loop {
        let start = end.saturating_sub(8);
        let word = word_at(s, start) & (u64::from(mask) * ONES);
        // Exact per byte (no borrow between bytes): the highest marked byte is the last.
        let x = word ^ (u64::from(b) * ONES);
        let hits = !(((x & (0x7f * ONES)) + 0x7f * ONES) | x) & (0x80 * ONES);
        if hits != 0 {
            return Some(start + (63 - hits.leading_zeros() as usize) / 8);
        }
        if start == 0 {
            return None;
        }
        end = start;
    }
}

/// Every ASCII capital in a word of bytes made lower case (other bytes unchanged).
#[inline(always)]
pub fn lower(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let low7 = x & (0x7f * ONES);
    // A byte's top bit after each add: its low seven bits are at least `A`, above `Z`.
    let at_least_a = low7 + (0x80 - u64::from(b'A')) * ONES;
    let above_z = low7 + (0x80 - u64::from(b'Z') - 1) * ONES;
    let capital = at_least_a & !above_z & !x & (0x80 * ONES);
    x | (capital >> 2)
}

/// `src` with its ASCII capitals made lower case, written to `dst` (the same length),
/// sixteen bytes per step straight from the source. A length that is not a multiple of
/// sixteen ends with one step over the last sixteen bytes, overlapping the step before
/// (it writes the same bytes again); shorter strings go byte by byte.
pub fn fold_into(dst: &mut [u8], src: &[u8]) {
    let n = src.len().min(dst.len());
    let (dst, src) = (&mut dst[..n], &src[..n]);
    let fold = |b: u8| b | u8::from(b.wrapping_sub(b'A') < 26) << 5;
    if n < 16 {
        for (d, &b) in dst.iter_mut().zip(src) {
            *d = fold(b);
        }
        return;
    }
    let block = |d: &mut [u8], s: &[u8]| {
        for (d, &b) in d.iter_mut().zip(s) {
            *d = fold(b);
        }
    };
    for (d, s) in dst.chunks_exact_mut(16).zip(src.chunks_exact(16)) {
        block(d, s);
    }
    if n % 16 != 0 {
        block(&mut dst[n - 16..], &src[n - 16..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_search_agrees_with_memchr() {
        let hay: Vec<u8> = b"/a?b/c.d?e/f.g".iter().copied().cycle().take(70).collect();
        for len in 0..hay.len() {
            for start in [0, 1, 5] {
                let s = &hay[start.min(len)..len];
                for b in [b'/', b'?', b'.', b'g', b'x', 0, 0x80] {
                    assert_eq!(find_byte(b, s), memchr::memchr(b, s), "find {b} in {s:?}");
                    assert_eq!(rfind_byte(b, s), memchr::memrchr(b, s), "rfind {b} in {s:?}");
                }
            }
        }
        for len in 0..40 {
            let s = &hay[..len];
            let slow = s.iter().rposition(|&c| c == b'.' || c == b'/');
            assert_eq!(rfind_masked(s, 0xfe, b'.'), slow, "last . or / in {s:?}");
        }
        // Bytes next to the one looked for (the word arithmetic's borrows and carries).
        for b in [0u8, 1, 0x7f, 0x80, 0x81, 0xff] {
            for at in 0..20 {
                let mut s = vec![b.wrapping_add(1); 20];
                s[at] = b;
                assert_eq!(find_byte(b, &s), Some(at));
                assert_eq!(rfind_byte(b, &s), Some(at));
                s[at] = b.wrapping_sub(1);
                assert_eq!(find_byte(b, &s), None);
                assert_eq!(rfind_byte(b, &s), None);
            }
        }
    }

    #[test]
    fn folding_matches_the_standard_library_on_every_byte() {
        let all: Vec<u8> = (0..=255u8).chain(b"Mozilla/5.0 (iPhone; CPU iPhone OS)".iter().copied()).collect();
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, all.len()] {
            let mut dst = vec![b'Q'; len];
            fold_into(&mut dst, &all[..len]);
            assert_eq!(dst, all[..len].to_ascii_lowercase(), "{len}");
        }
    }
}
