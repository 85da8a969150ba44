//! Literal values: string escapes (`%xx`, `%uXXXX`, `%u{X}`), long strings, integers
//! (decimal, hex, negative), floats (incl. hex floats) and RTIME durations.

use super::Parser;
use crate::diag::Diagnostic;
use crate::syntax::ast::{Literal, StringLit};
use crate::syntax::lexer::{Token, RTIME_UNITS};
use crate::syntax::span::Span;
use crate::syntax::token::TokenKind;

/// A bad escape inside a string: its byte range relative to the string body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscapeError {
    pub start: usize,
    pub end: usize,
    pub message: &'static str,
}

/// Decodes the body of a `"..."` string (without quotes). Fastly: `%XX` is a byte,
/// `%uXXXX` and `%u{X..}` code points as UTF-8, and a NUL ends the string.
pub fn decode_string(body: &str) -> (String, Vec<EscapeError>) {
    if !body.contains('%') {
        return (body.to_string(), Vec::new());
    }
    let bytes = body.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut errors = Vec::new();
    let mut i = 0;
    let mut ended = false;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            if !ended {
                out.push(bytes[i]);
            }
            i += 1;
            continue;
        }
        let start = i;
        match escape_at(bytes, i) {
            Ok((Escaped::Byte(b), len)) => {
                if b == 0 {
                    ended = true;
                } else if !ended {
                    out.push(b);
                }
                i += len;
            }
            Ok((Escaped::Char(c), len)) => {
                if c == '\0' {
                    ended = true;
                } else if !ended {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                i += len;
            }
            Err((len, message)) => {
                errors.push(EscapeError { start, end: start + len, message });
                i += len;
            }
        }
    }
    match String::from_utf8(out) {
        Ok(s) => (s, errors),
        Err(e) => {
            errors.push(EscapeError { start: 0, end: body.len(), message: "escapes produce invalid UTF-8" });
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), errors)
        }
    }
}

enum Escaped {
    Byte(u8),
    Char(char),
}

fn hex_value(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() {
        return None;
    }
    let mut v: u32 = 0;
    for &b in bytes {
        v = v.checked_mul(16)? + (b as char).to_digit(16)?;
    }
    Some(v)
}

/// Parses the escape starting at `bytes[i] == '%'`; returns the value and length, or the
/// length to skip and a message.
fn escape_at(bytes: &[u8], i: usize) -> Result<(Escaped, usize), (usize, &'static str)> {
    let rest = &bytes[i + 1..];
    if rest.first() == Some(&b'u') {
        if rest.get(1) == Some(&b'{') {
            let Some(close) = rest.iter().position(|&b| b == b'}') else {
                return Err((2, "unterminated `%u{...}` escape"));
            };
            let digits = &rest[2..close];
            if digits.is_empty() || digits.len() > 6 {
                return Err((close + 2, "`%u{...}` takes 1 to 6 hex digits"));
            }
            let v = hex_value(digits).ok_or((close + 2, "invalid hex digit in `%u{...}` escape"))?;
            let c = code_point(v).map_err(|m| (close + 2, m))?;
            return Ok((Escaped::Char(c), close + 2));
        }
        let digits = rest.get(1..5).ok_or((rest.len() + 1, "`%u` takes exactly four hex digits"))?;
        let v = hex_value(digits).ok_or((2, "`%u` takes exactly four hex digits"))?;
        let c = code_point(v).map_err(|m| (6, m))?;
        return Ok((Escaped::Char(c), 6));
    }
    let digits = rest.get(..2).ok_or((rest.len() + 1, "incomplete `%` escape: expected two hex digits"))?;
    let v =
        hex_value(digits).ok_or((1, "invalid `%` escape: expected two hex digits (write `%25` for a literal `%`)"))?;
    Ok((Escaped::Byte(v as u8), 3))
}

fn code_point(v: u32) -> Result<char, &'static str> {
    if (0xD800..=0xDFFF).contains(&v) {
        return Err("surrogate code points are not allowed");
    }
    char::from_u32(v).ok_or("code point above U+10FFFF")
}

/// Nanoseconds of an RTIME literal like `1.5h` or `5 m`; clamps to the i64 range as Fastly
/// does. `None` when the text is not an RTIME.
pub fn parse_rtime(text: &str) -> Option<i64> {
    let unit = RTIME_UNITS.iter().find(|u| text.ends_with(**u) && !(**u == "s" && text.ends_with("ms")))?;
    let number = text[..text.len() - unit.len()].trim_end();
    let factor: i128 = match *unit {
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        "d" => 86_400_000_000_000,
        "w" => 604_800_000_000_000,
        "y" => 31_536_000_000_000_000,
        _ => return None,
    };
    let clamp = |ns: i128| ns.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
    if let Ok(n) = number.parse::<i64>() {
        return Some(clamp((n as i128) * factor));
    }
    // `whole.fraction` in decimal digits is converted exactly (through f64, 9223372036.854s
    // would come out a millisecond short); the fraction is rounded to the nanosecond.
    if let Some((whole, fraction)) = number.split_once('.') {
        let digits = |s: &str| !s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit());
        let (negative, whole) = match whole.strip_prefix('-') {
            Some(w) => (true, w),
            None => (false, whole),
        };
        if (whole.is_empty() || digits(whole)) && digits(fraction) {
            let whole: i128 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
            let scale = 10i128.pow(fraction.len() as u32);
            let fraction: i128 = fraction.parse().ok()?;
            let ns = whole * factor + (fraction * factor + scale / 2) / scale;
            return Some(clamp(if negative { -ns } else { ns }));
        }
    }
    let n: f64 = number.parse().ok()?;
    let ns = n * factor as f64;
    Some(if ns >= i64::MAX as f64 {
        i64::MAX
    } else if ns <= i64::MIN as f64 {
        i64::MIN
    } else {
        ns.round() as i64
    })
}

fn parse_hex_float(text: &str) -> Option<f64> {
    let body = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"))?;
    let (mantissa, exp) = match body.find(['p', 'P']) {
        Some(i) => (&body[..i], body[i + 1..].parse::<i32>().ok()?),
        None => (body, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    Some(v * 2f64.powi(exp))
}

impl Parser<'_> {
    pub(super) fn decode_string_token(&mut self, t: Token) -> StringLit {
        let text = self.text_of(t);
        if t.kind == TokenKind::LongString {
            // `{DELIM"` ... `"DELIM}`: no escapes.
            let open = text.find('"').map_or(text.len(), |i| i + 1);
            let close = format!("\"{}}}", &text[1..open.saturating_sub(1).max(1)]);
            let body = match text.strip_suffix(close.as_str()) {
                Some(inner) if inner.len() >= open => &inner[open..],
                _ => {
                    // The lexer ran to the end of the input looking for the close.
                    self.error_at(
                        Diagnostic::error("syntax/unterminated-string", "unterminated long string")
                            .with_primary(
                                Span::new(t.span.start, t.span.start + open as u32),
                                "this string is never closed",
                            )
                            .with_help(format!("close it with `{close}`")),
                    );
                    &text[open.min(text.len())..]
                }
            };
            let value = body.split('\0').next().unwrap_or("").to_string();
            return StringLit { value, long: true, span: t.span };
        }
        let body = &text[1..text.len() - 1];
        let (value, errors) = decode_string(body);
        let body_start = t.span.start + 1;
        for e in errors {
            let span = Span::new(body_start + e.start as u32, body_start + e.end as u32);
            self.error_at(
                Diagnostic::error("syntax/invalid-escape", e.message).with_primary(span, "in this escape").with_help(
                    "in \"...\" strings `%` starts an escape: `%XX`, `%uXXXX` or `%u{X}`; use {\"...\"} for text without escapes",
                ),
            );
        }
        StringLit { value, long: false, span: t.span }
    }

    pub(super) fn report_unterminated(&mut self, span: Span) {
        self.error_at(
            Diagnostic::error("syntax/unterminated-string", "unterminated string")
                .with_primary(span, "this string has no closing `\"` on its line")
                .with_help("use a long string {\"...\"} for text with quotes or newlines"),
        );
    }

    /// A numeric literal token, negated when `negative`.
    pub(super) fn number_literal(&mut self, t: Token, negative: bool, span: Span) -> Literal {
        let text = self.text_of(t);
        let sign = if negative { "-" } else { "" };
        match t.kind {
            TokenKind::Integer => {
                let parsed = if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
                    i128::from_str_radix(hex, 16).ok().map(|v| if negative { -v } else { v })
                } else {
                    format!("{sign}{text}").parse::<i128>().ok()
                };
                match parsed.and_then(|v| i64::try_from(v).ok()) {
                    Some(v) => Literal::Integer(v),
                    None => {
                        self.error_at(
                            Diagnostic::error("syntax/integer-overflow", "integer literal out of range")
                                .with_primary(span, "does not fit in a 64-bit signed INTEGER"),
                        );
                        Literal::Integer(0)
                    }
                }
            }
            TokenKind::Float => {
                let v = if text.starts_with("0x") || text.starts_with("0X") {
                    parse_hex_float(text).unwrap_or(0.0)
                } else {
                    text.parse::<f64>().unwrap_or(0.0)
                };
                Literal::Float(if negative { -v } else { v })
            }
            _ => {
                let v = parse_rtime(text).unwrap_or(0);
                Literal::Rtime(if negative { v.saturating_neg() } else { v })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes() {
        // Fastly string reference: %XX bytes, %uXXXX and %u{X} code points, NUL ends.
        assert_eq!(decode_string("a%20b").0, "a b");
        assert_eq!(decode_string("%u00e9%u{1F600}").0, "é😀");
        assert_eq!(decode_string("x%00y").0, "x");
        assert_eq!(decode_string("%zz").1.len(), 1);
        assert_eq!(decode_string("%u{D800}").1[0].message, "surrogate code points are not allowed");
        assert_eq!(decode_string("50%").1.len(), 1);
    }

    #[test]
    fn rtime_values() {
        assert_eq!(parse_rtime("10s"), Some(10_000_000_000));
        assert_eq!(parse_rtime("1.5h"), Some(5_400_000_000_000));
        assert_eq!(parse_rtime("100ms"), Some(100_000_000));
        assert_eq!(parse_rtime("5 m"), Some(300_000_000_000));
        assert_eq!(parse_rtime("1000y"), Some(i64::MAX), "clamps like Fastly");
        // Decimal fractions are exact, however large the whole part.
        assert_eq!(parse_rtime("9223372036.854s"), Some(9_223_372_036_854_000_000));
        assert_eq!(parse_rtime("0.0000000015s"), Some(2), "rounded to the nanosecond");
        assert_eq!(parse_rtime(".5s"), Some(500_000_000));
    }

    #[test]
    fn hex_floats() {
        assert_eq!(parse_hex_float("0x1.8p1"), Some(3.0));
        assert_eq!(parse_hex_float("0xAp0"), Some(10.0));
    }
}
