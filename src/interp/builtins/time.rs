//! Date and time functions: `time.*`, `strftime` and `parse_time_delta`
//! (<https://www.fastly.com/documentation/reference/vcl/functions/date-and-time/>).
//!
//! TIME values are nanoseconds since the Unix epoch and RTIME values nanoseconds;
//! `time.add`/`time.sub` saturate instead of wrapping.
//!
//! Choices where Fastly's pages are silent:
//! - `time.hex_to_time` keeps sub-second precision (`0x10 / 32` is 0.5 s), accepts an
//!   optional `0x` prefix, and on bad hex, a value wider than 64 bits or a divisor ≤ 0
//!   sets `fastly.error` to `EINVAL` and returns the epoch.
//! - `time.interval_elapsed_ratio` is clamped to `[0, 1]` ("a number between 0 and 1");
//!   an empty interval gives 1 once `ref` reaches it, 0 before; `end < start` is `EINVAL`
//!   (returns 0).
//! - `time.units`/`time.runits` print whole seconds for `s` and truncate toward zero for
//!   `ms`/`us`/`ns`; an unknown unit is `EINVAL` and returns not set.
//! - `parse_time_delta` takes one optional sign, decimal digits and at most one unit
//!   (`d`/`h`/`m`/`s`, either case; none means seconds), surrounded by optional blanks.
//!   Anything else ("10d11h", "1.5h", "") is `EINVAL` and returns 0.
//! - `strftime` formats in GMT with the C locale, implementing the glibc conversions
//!   (`%a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %k %l %m %M %n %p %P %r %R %s %S
//!   %t %T %u %U %V %w %W %x %X %y %Y %z %Z %+ %%`), the `%E`/`%O` modifiers (ignored)
//!   and the `-`, `_`, `0`, `^`, `#` flags with an optional field width. An unknown
//!   conversion is copied through unchanged. A time outside ±262,000 years is `ERANGE`
//!   and returns not set.

use chrono::{DateTime, Datelike, Timelike, Utc};

use super::{args, Builtin, Ctx, Fault};
use crate::interp::value::Value;

/// The functions of this module, by catalog name.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("parse_time_delta", parse_time_delta),
    ("strftime", strftime),
    ("time.add", add),
    ("time.hex_to_time", hex_to_time),
    ("time.interval_elapsed_ratio", interval_elapsed_ratio),
    ("time.is_after", is_after),
    ("time.runits", runits),
    ("time.sub", sub),
    ("time.units", units),
];

const NS: i64 = 1_000_000_000;

fn add(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Time(args::nanos(a, 0).saturating_add(args::nanos(a, 1))))
}

fn sub(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Time(args::nanos(a, 0).saturating_sub(args::nanos(a, 1))))
}

fn is_after(_: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    Ok(Value::Bool(args::nanos(a, 0) > args::nanos(a, 1)))
}

fn hex_to_time(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let divisor = args::int(a, 0);
    let text = args::text(a, 1);
    let digits = text.trim();
    let digits = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")).unwrap_or(digits);
    let value = if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        None
    } else {
        u64::from_str_radix(digits, 16).ok()
    };
    match value {
        Some(v) if divisor > 0 => {
            let ns = i128::from(v) * i128::from(NS) / i128::from(divisor);
            Ok(Value::Time(i64::try_from(ns).unwrap_or(i64::MAX)))
        }
        _ => {
            ctx.state.set_error("EINVAL");
            Ok(Value::Time(0))
        }
    }
}

fn interval_elapsed_ratio(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let (at, start, end) = (args::nanos(a, 0), args::nanos(a, 1), args::nanos(a, 2));
    if end < start {
        ctx.state.set_error("EINVAL");
        return Ok(Value::Float(0.0));
    }
    if end == start {
        return Ok(Value::Float(if at >= end { 1.0 } else { 0.0 }));
    }
    let ratio = (i128::from(at) - i128::from(start)) as f64 / (i128::from(end) - i128::from(start)) as f64;
    Ok(Value::Float(ratio.clamp(0.0, 1.0)))
}

/// Seconds with the number of decimals the unit asks for, truncated toward zero.
fn format_units(unit: &str, ns: i64) -> Option<String> {
    let decimals: u32 = match unit {
        "s" => 0,
        "ms" => 3,
        "us" => 6,
        "ns" => 9,
        _ => return None,
    };
    let sign = if ns < 0 { "-" } else { "" };
    let abs = ns.unsigned_abs();
    let secs = abs / NS as u64;
    if decimals == 0 {
        return Some(format!("{sign}{secs}"));
    }
    let frac = (abs % NS as u64) / 10u64.pow(9 - decimals);
    Some(format!("{sign}{secs}.{frac:0width$}", width = decimals as usize))
}

fn units_of(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    match format_units(&args::text(a, 0), args::nanos(a, 1)) {
        Some(s) => Ok(Value::from_string(s)),
        None => {
            ctx.state.set_error("EINVAL");
            Ok(Value::NotSet)
        }
    }
}

fn units(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    units_of(ctx, a)
}

fn runits(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    units_of(ctx, a)
}

/// Seconds in one delta such as `10d`, `3H` or `45`.
fn parse_delta(text: &str) -> Option<i64> {
    let t = text.trim_matches(|c: char| c == ' ' || c == '\t');
    let (negative, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let digits_end = rest.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(rest.len());
    if digits_end == 0 {
        return None;
    }
    let n: i64 = rest[..digits_end].parse().ok()?;
    let scale = match &rest[digits_end..] {
        "" | "s" | "S" => 1,
        "m" | "M" => 60,
        "h" | "H" => 3_600,
        "d" | "D" => 86_400,
        _ => return None,
    };
    let secs = n.checked_mul(scale)?;
    Some(if negative { -secs } else { secs })
}

fn parse_time_delta(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    match parse_delta(&args::text(a, 0)) {
        Some(secs) => Ok(Value::Integer(secs)),
        None => {
            ctx.state.set_error("EINVAL");
            Ok(Value::Integer(0))
        }
    }
}

fn strftime(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, Fault> {
    let fmt = args::bytes(a, 0);
    match format_time(&fmt, args::nanos(a, 1)) {
        Some(out) => Ok(Value::String(out.into())),
        None => {
            ctx.state.set_error("ERANGE");
            Ok(Value::NotSet)
        }
    }
}

const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Flags and width of one conversion.
#[derive(Debug, Clone, Copy, Default)]
struct Spec {
    /// `-`: no padding; `_`: spaces; `0`: zeros.
    pad: Option<u8>,
    upper: bool,
    swap: bool,
    width: Option<usize>,
}

impl Spec {
    fn num(&self, out: &mut Vec<u8>, value: i64, width: usize, fill: u8) {
        let digits = value.unsigned_abs().to_string();
        let sign = if value < 0 { "-" } else { "" };
        let width = self.width.unwrap_or(width);
        let fill = match self.pad {
            Some(b'-') => {
                out.extend_from_slice(sign.as_bytes());
                out.extend_from_slice(digits.as_bytes());
                return;
            }
            Some(b'_') => b' ',
            Some(b'0') => b'0',
            _ => fill,
        };
        let len = sign.len() + digits.len();
        if fill == b'0' {
            out.extend_from_slice(sign.as_bytes());
            out.extend(std::iter::repeat_n(b'0', width.saturating_sub(len)));
        } else {
            out.extend(std::iter::repeat_n(b' ', width.saturating_sub(len)));
            out.extend_from_slice(sign.as_bytes());
        }
        out.extend_from_slice(digits.as_bytes());
    }

    /// Text, with `^` (uppercase) or `#` (`lower_on_swap`: lowercase, else uppercase)
    /// applied and padded with spaces to the width.
    fn text(&self, out: &mut Vec<u8>, s: &str, lower_on_swap: bool) {
        let s = if self.swap {
            if lower_on_swap {
                s.to_ascii_lowercase()
            } else {
                s.to_ascii_uppercase()
            }
        } else if self.upper {
            s.to_ascii_uppercase()
        } else {
            s.to_string()
        };
        if let Some(w) = self.width {
            let fill = if self.pad == Some(b'0') { b'0' } else { b' ' };
            out.extend(std::iter::repeat_n(fill, w.saturating_sub(s.len())));
        }
        out.extend_from_slice(s.as_bytes());
    }
}

/// Formats `ns` (a TIME) with C `strftime` conversions in GMT; `None` when out of range.
fn format_time(fmt: &[u8], ns: i64) -> Option<Vec<u8>> {
    let secs = ns.div_euclid(NS);
    let t = DateTime::<Utc>::from_timestamp(secs, 0)?;
    let mut out = Vec::with_capacity(fmt.len() + 16);
    let mut i = 0;
    while i < fmt.len() {
        let c = fmt[i];
        if c != b'%' {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut spec = Spec::default();
        while let Some(&f) = fmt.get(i) {
            match f {
                b'-' | b'_' | b'0' => spec.pad = Some(f),
                b'^' => spec.upper = true,
                b'#' => spec.swap = true,
                _ => break,
            }
            i += 1;
        }
        let width_start = i;
        while fmt.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i > width_start {
            spec.width =
                std::str::from_utf8(&fmt[width_start..i]).ok().and_then(|w| w.parse().ok()).map(|w: usize| w.min(1024));
        }
        while matches!(fmt.get(i), Some(b'E' | b'O')) {
            i += 1;
        }
        let Some(&conv) = fmt.get(i) else {
            out.extend_from_slice(&fmt[start..]);
            break;
        };
        i += 1;
        if !convert(&mut out, conv, spec, &t, secs) {
            out.extend_from_slice(&fmt[start..i]);
        }
    }
    Some(out)
}

/// Writes one conversion; false when `conv` is not a known conversion.
fn convert(out: &mut Vec<u8>, conv: u8, spec: Spec, t: &DateTime<Utc>, secs: i64) -> bool {
    let year = i64::from(t.year());
    let wday = t.weekday().num_days_from_sunday() as usize;
    let month0 = t.month0() as usize;
    let hour = i64::from(t.hour());
    let hour12 = if hour % 12 == 0 { 12 } else { hour % 12 };
    let yday = i64::from(t.ordinal0());
    let iso = t.iso_week();
    let sub = |out: &mut Vec<u8>, f: &str| {
        if let Some(s) = format_time(f.as_bytes(), secs.saturating_mul(NS)) {
            spec.text(out, &String::from_utf8_lossy(&s), false);
        }
    };
    match conv {
        b'a' => spec.text(out, &DAYS[wday][..3], false),
        b'A' => spec.text(out, DAYS[wday], false),
        b'b' | b'h' => spec.text(out, &MONTHS[month0][..3], false),
        b'B' => spec.text(out, MONTHS[month0], false),
        b'c' => sub(out, "%a %b %e %H:%M:%S %Y"),
        b'C' => spec.num(out, year.div_euclid(100), 2, b'0'),
        b'd' => spec.num(out, i64::from(t.day()), 2, b'0'),
        b'D' | b'x' => sub(out, "%m/%d/%y"),
        b'e' => spec.num(out, i64::from(t.day()), 2, b' '),
        b'F' => sub(out, "%Y-%m-%d"),
        b'g' => spec.num(out, i64::from(iso.year()).rem_euclid(100), 2, b'0'),
        b'G' => spec.num(out, i64::from(iso.year()), 1, b'0'),
        b'H' => spec.num(out, hour, 2, b'0'),
        b'I' => spec.num(out, hour12, 2, b'0'),
        b'j' => spec.num(out, yday + 1, 3, b'0'),
        b'k' => spec.num(out, hour, 2, b' '),
        b'l' => spec.num(out, hour12, 2, b' '),
        b'm' => spec.num(out, month0 as i64 + 1, 2, b'0'),
        b'M' => spec.num(out, i64::from(t.minute()), 2, b'0'),
        b'n' => out.push(b'\n'),
        b'p' => spec.text(out, if hour < 12 { "AM" } else { "PM" }, true),
        b'P' => spec.text(out, if hour < 12 { "am" } else { "pm" }, false),
        b'r' => sub(out, "%I:%M:%S %p"),
        b'R' => sub(out, "%H:%M"),
        b's' => spec.num(out, secs, 1, b'0'),
        b'S' => spec.num(out, i64::from(t.second()), 2, b'0'),
        b't' => out.push(b'\t'),
        b'T' | b'X' => sub(out, "%H:%M:%S"),
        b'u' => spec.num(out, if wday == 0 { 7 } else { wday as i64 }, 1, b'0'),
        b'U' => spec.num(out, (yday + 7 - wday as i64) / 7, 2, b'0'),
        b'V' => spec.num(out, i64::from(iso.week()), 2, b'0'),
        b'w' => spec.num(out, wday as i64, 1, b'0'),
        b'W' => spec.num(out, (yday + 7 - ((wday as i64 + 6) % 7)) / 7, 2, b'0'),
        b'y' => spec.num(out, year.rem_euclid(100), 2, b'0'),
        b'Y' => spec.num(out, year, 1, b'0'),
        b'z' => spec.text(out, "+0000", false),
        b'Z' => spec.text(out, "GMT", true),
        b'+' => sub(out, "%a %b %e %H:%M:%S %Z %Y"),
        b'%' => out.push(b'%'),
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::state::ReqState;
    use crate::interp::Runtime;
    use crate::ir::Program;

    /// Result and `fastly.error`.
    fn call(f: Builtin, a: &[Value]) -> (Value, Value) {
        let mut state = ReqState::default();
        let program = Program::default();
        let runtime = Runtime::default();
        let mut ctx = Ctx { state: &mut state, program: &program, runtime: &runtime };
        let v = f(&mut ctx, a).expect("no fault");
        (v, state.fastly_error)
    }

    fn ok(f: Builtin, a: &[Value]) -> Value {
        let (v, err) = call(f, a);
        assert_eq!(err, Value::NotSet, "unexpected fastly.error");
        v
    }

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    /// 2006-01-02 22:04:05 GMT, a Monday (Fastly's std.time examples).
    const T: i64 = 1_136_239_445 * NS;

    fn fmt(f: &str, ns: i64) -> String {
        ok(strftime, &[s(f), Value::Time(ns)]).to_text()
    }

    #[test]
    fn every_function_is_registered() {
        for (name, _) in FUNCTIONS {
            assert!(crate::catalog::function(name).is_some(), "{name} is not in the catalog");
        }
        assert_eq!(FUNCTIONS.len(), 9);
    }

    #[test]
    fn add_sub_and_is_after() {
        // fastly.com/documentation/reference/vcl/functions/date-and-time/time-add: now + 1d.
        assert_eq!(ok(add, &[Value::Time(T), Value::Rtime(86_400 * NS)]), Value::Time(T + 86_400 * NS));
        assert_eq!(ok(sub, &[Value::Time(T), Value::Rtime(5 * NS)]), Value::Time(T - 5 * NS));
        assert_eq!(ok(add, &[Value::Time(i64::MAX), Value::Rtime(1)]), Value::Time(i64::MAX));
        assert_eq!(ok(is_after, &[Value::Time(T + 1), Value::Time(T)]), Value::Bool(true));
        assert_eq!(ok(is_after, &[Value::Time(T), Value::Time(T)]), Value::Bool(false));
    }

    #[test]
    fn hex_to_time_matches_fastly_example() {
        // .../time-hex-to-time: time.hex_to_time(1, "43b9a355") is "Mon, 02 Jan 2006 22:04:05 GMT".
        let v = ok(hex_to_time, &[Value::Integer(1), s("43b9a355")]);
        assert_eq!(v, Value::Time(T));
        assert_eq!(v.to_text(), "Mon, 02 Jan 2006 22:04:05 GMT");
        // Microseconds divided by 1,000,000, as in the time.is_after example.
        assert_eq!(
            ok(hex_to_time, &[Value::Integer(1_000_000), s("409675C81A148")]),
            Value::Time(1_136_239_445_123_400_000)
        );
        assert_eq!(ok(hex_to_time, &[Value::Integer(32), s("0x10")]), Value::Time(NS / 2));
        for bad in [
            vec![Value::Integer(0), s("10")],
            vec![Value::Integer(1), s("xyz")],
            vec![Value::Integer(1), s("")],
            vec![Value::Integer(1), s("10000000000000000")],
        ] {
            assert_eq!(call(hex_to_time, &bad), (Value::Time(0), s("EINVAL")));
        }
    }

    #[test]
    fn interval_elapsed_ratio_is_the_elapsed_fraction() {
        // .../time-interval-elapsed-ratio: proportion of [start, end] elapsed at ref.
        let r = |at: i64, start: i64, end: i64| {
            ok(interval_elapsed_ratio, &[Value::Time(at), Value::Time(start), Value::Time(end)])
        };
        assert_eq!(r(25, 0, 100), Value::Float(0.25));
        assert_eq!(r(-5, 0, 100), Value::Float(0.0));
        assert_eq!(r(500, 0, 100), Value::Float(1.0));
        assert_eq!(r(10, 10, 10), Value::Float(1.0));
        assert_eq!(r(9, 10, 10), Value::Float(0.0));
        assert_eq!(
            call(interval_elapsed_ratio, &[Value::Time(0), Value::Time(10), Value::Time(5)]),
            (Value::Float(0.0), s("EINVAL"))
        );
    }

    #[test]
    fn units_format_per_fastly_table() {
        // .../time-units and .../time-runits: s whole seconds; ms, us, ns with 3, 6, 9 decimals.
        let t = Value::Time(T + 123_456_789);
        assert_eq!(ok(units, &[s("s"), t.clone()]), s("1136239445"));
        assert_eq!(ok(units, &[s("ms"), t.clone()]), s("1136239445.123"));
        assert_eq!(ok(units, &[s("us"), t.clone()]), s("1136239445.123456"));
        assert_eq!(ok(units, &[s("ns"), t.clone()]), s("1136239445.123456789"));
        assert_eq!(call(units, &[s("min"), t]), (Value::NotSet, s("EINVAL")));
        let r = Value::Rtime(-1_500_000_000);
        assert_eq!(ok(runits, &[s("s"), r.clone()]), s("-1"));
        assert_eq!(ok(runits, &[s("ms"), r.clone()]), s("-1.500"));
        assert_eq!(ok(runits, &[s("ns"), Value::Rtime(5)]), s("0.000000005"));
        assert_eq!(call(runits, &[s(""), r]), (Value::NotSet, s("EINVAL")));
    }

    #[test]
    fn parse_time_delta_takes_one_delta() {
        // .../parse-time-delta: d/D, h/H, m/M, s/S; "10d11h3m2s" is not supported.
        let p = |t: &str| call(parse_time_delta, &[s(t)]);
        assert_eq!(p("2d"), (Value::Integer(172_800), Value::NotSet));
        assert_eq!(p("3H"), (Value::Integer(10_800), Value::NotSet));
        assert_eq!(p("5m"), (Value::Integer(300), Value::NotSet));
        assert_eq!(p("45S"), (Value::Integer(45), Value::NotSet));
        assert_eq!(p("120"), (Value::Integer(120), Value::NotSet));
        assert_eq!(p(" 1h "), (Value::Integer(3_600), Value::NotSet));
        assert_eq!(p("-1m"), (Value::Integer(-60), Value::NotSet));
        for bad in ["10d11h3m2s", "1.5h", "", "h", "3w", "99999999999999999999d"] {
            assert_eq!(p(bad), (Value::Integer(0), s("EINVAL")), "{bad}");
        }
    }

    #[test]
    fn strftime_conversions() {
        // .../strftime: POSIX conversions; Fastly's docs use {"%Y-%m-%d %H:%M"}-style formats.
        assert_eq!(fmt("%Y-%m-%d %H:%M:%S", T), "2006-01-02 22:04:05");
        assert_eq!(fmt("%a, %d %b %Y %T GMT", T), "Mon, 02 Jan 2006 22:04:05 GMT");
        assert_eq!(fmt("%A %B %e %j", T), "Monday January  2 002");
        assert_eq!(fmt("%c", T), "Mon Jan  2 22:04:05 2006");
        assert_eq!(fmt("%D|%F|%R|%T|%x|%X", T), "01/02/06|2006-01-02|22:04|22:04:05|01/02/06|22:04:05");
        assert_eq!(fmt("%I %l %p %P %r", T), "10 10 PM pm 10:04:05 PM");
        assert_eq!(fmt("%k|%C|%y|%s|%z|%Z", T), "22|20|06|1136239445|+0000|GMT");
        assert_eq!(fmt("%u %w %U %W %V %G %g", T), "1 1 01 01 01 2006 06");
        assert_eq!(fmt("%n%t%%", T), "\n\t%");
        assert_eq!(fmt("%+", T), "Mon Jan  2 22:04:05 GMT 2006");
        // 2005-01-01 is a Saturday in ISO week 53 of 2004.
        let jan1 = 1_104_537_600 * NS;
        assert_eq!(fmt("%G-W%V-%u %U %W", jan1), "2004-W53-6 00 00");
        // Epoch, midnight: 12-hour clock shows 12 AM.
        assert_eq!(fmt("%I%p %H", 0), "12AM 00");
        // Flags, widths, modifiers, unknown conversions and a trailing '%'.
        assert_eq!(fmt("%-d %_m %-j %5Y %^a %#Z %Ey %Om", T), "2  1 2 02006 MON gmt 06 01");
        assert_eq!(fmt("%Q %", T), "%Q %");
        assert_eq!(fmt("no conversions", T), "no conversions");
        // Sub-second times format their whole second.
        assert_eq!(fmt("%S", T + 999_999_999), "05");
        assert_eq!(fmt("%Y", -NS), "1969");
        assert_eq!(call(strftime, &[s("%Y"), Value::Time(i64::MIN)]).0.to_text(), "1677");
    }
}
