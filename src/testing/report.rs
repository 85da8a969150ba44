//! Test results and their renderings: the text report (one line per test, grouped by file
//! and `describe` block, failures with the assertion, its source line and the expected
//! and actual values, then the `N passed, N failed[, N skipped]` summary), the JSON
//! report, and the statement-coverage summary.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{json, Value as Json};

use crate::catalog::SubKind;

/// Everything one `lacquer test` run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
    /// Statement coverage of the main program (`--coverage`).
    pub coverage: Option<Coverage>,
}

/// The tests of one test file, in source order.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub name: String,
    pub cases: Vec<CaseResult>,
}

/// One test subroutine run in one scope.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The subroutine's name.
    pub sub: String,
    /// The name reports show (`@suite`, else the subroutine's name).
    pub name: String,
    /// The `describe` group, if any.
    pub group: Option<String>,
    pub scope: SubKind,
    /// Whether the test runs in more than one scope (the scope is then shown).
    pub multi_scope: bool,
    pub status: Status,
    pub duration: Duration,
    /// Line of the test subroutine.
    pub line: u32,
    pub failure: Option<FailureReport>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
        }
    }
}

/// Why a test failed, with its place in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct FailureReport {
    /// `assert.equal`, `runtime error`, `before_recv hook: assert.true`, ...
    pub what: String,
    pub message: Option<String>,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub location: Option<Location>,
}

/// A place in a test file: file, 1-based line and column, and the line's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub text: String,
}

/// Statement coverage of the main program's subroutines, in declaration order.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    pub subs: Vec<SubCoverage>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubCoverage {
    pub name: String,
    pub covered: usize,
    pub total: usize,
}

impl Coverage {
    pub fn covered(&self) -> usize {
        self.subs.iter().map(|s| s.covered).sum()
    }

    pub fn total(&self) -> usize {
        self.subs.iter().map(|s| s.total).sum()
    }
}

fn percent(covered: usize, total: usize) -> f64 {
    if total == 0 {
        100.0
    } else {
        covered as f64 * 100.0 / total as f64
    }
}

/// Counts of each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl Report {
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for c in self.files.iter().flat_map(|f| &f.cases) {
            match c.status {
                Status::Passed => t.passed += 1,
                Status::Failed => t.failed += 1,
                Status::Skipped => t.skipped += 1,
            }
        }
        t
    }

    pub fn cases(&self) -> impl Iterator<Item = (&FileReport, &CaseResult)> {
        self.files.iter().flat_map(|f| f.cases.iter().map(move |c| (f, c)))
    }
}

/// `N passed, N failed`, with `, N skipped` when any were.
pub fn summary(t: Totals) -> String {
    let mut s = format!("{} passed, {} failed", t.passed, t.failed);
    if t.skipped > 0 {
        let _ = write!(s, ", {} skipped", t.skipped);
    }
    s
}

/// Milliseconds with two decimals (`0.12ms`).
pub fn millis(d: Duration) -> String {
    format!("{:.2}ms", d.as_secs_f64() * 1000.0)
}

struct Paint {
    color: bool,
}

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn green(&self, t: &str) -> String {
        self.wrap("32", t)
    }
    fn red(&self, t: &str) -> String {
        self.wrap("31", t)
    }
    fn yellow(&self, t: &str) -> String {
        self.wrap("33", t)
    }
    fn dim(&self, t: &str) -> String {
        self.wrap("2", t)
    }
    fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }
}

/// The text report, ending with the summary line (and coverage when measured).
pub fn render_text(report: &Report, color: bool) -> String {
    let p = Paint { color };
    let mut out = String::new();
    for file in &report.files {
        let _ = writeln!(out, "{}", p.bold(&file.name));
        let mut group: Option<&str> = None;
        for c in &file.cases {
            if c.group.as_deref() != group {
                group = c.group.as_deref();
                if let Some(g) = group {
                    let _ = writeln!(out, "  describe {g}");
                }
            }
            let indent = if group.is_some() { "    " } else { "  " };
            render_case(&mut out, &p, indent, c);
        }
        out.push('\n');
    }
    if let Some(cov) = &report.coverage {
        out.push_str(&render_coverage(cov));
        out.push('\n');
    }
    let totals = report.totals();
    let line = summary(totals);
    let line = if totals.failed > 0 { p.red(&line) } else { p.green(&line) };
    let _ = writeln!(out, "{line}");
    out
}

fn render_case(out: &mut String, p: &Paint, indent: &str, c: &CaseResult) {
    let name = if c.multi_scope { format!("{} [{}]", c.name, c.scope.as_str()) } else { c.name.clone() };
    match c.status {
        Status::Passed => {
            let _ = writeln!(out, "{indent}{} {name} {}", p.green("✓"), p.dim(&format!("({})", millis(c.duration))));
        }
        Status::Skipped => {
            let _ = writeln!(out, "{indent}{} {name} {}", p.yellow("-"), p.dim("(skipped)"));
        }
        Status::Failed => {
            let _ = writeln!(out, "{indent}{} {name} {}", p.red("✗"), p.dim(&format!("({})", millis(c.duration))));
            if let Some(f) = &c.failure {
                render_failure(out, p, &format!("{indent}    "), f);
            }
        }
    }
}

fn render_failure(out: &mut String, p: &Paint, indent: &str, f: &FailureReport) {
    // `assert.equal failed`, but a fault is just `runtime error`.
    let head = if f.what.ends_with("runtime error") { f.what.clone() } else { format!("{} failed", f.what) };
    match &f.location {
        Some(l) => {
            let _ = writeln!(out, "{indent}{} at {}:{}:{}", p.red(&head), l.file, l.line, l.column);
            let _ = writeln!(out, "{indent}  {} {}", p.dim(&format!("{} |", l.line)), l.text);
        }
        None => {
            let _ = writeln!(out, "{indent}{}", p.red(&head));
        }
    }
    if let Some(m) = &f.message {
        let _ = writeln!(out, "{indent}{m}");
    }
    if let Some(e) = &f.expected {
        let _ = writeln!(out, "{indent}expected: {}", p.green(e));
    }
    if let Some(a) = &f.actual {
        let _ = writeln!(out, "{indent}actual:   {}", p.red(a));
    }
}

/// `coverage (statements run / total)`, one line per subroutine, then the total.
pub fn render_coverage(cov: &Coverage) -> String {
    let width = cov.subs.iter().map(|s| s.name.len()).max().unwrap_or(0).max("total".len());
    let mut out = String::from("coverage (statements run / total)\n");
    for s in &cov.subs {
        let ratio = format!("{}/{}", s.covered, s.total);
        let _ = writeln!(out, "  {:width$}  {ratio:>9}  {:>5.1}%", s.name, percent(s.covered, s.total));
    }
    let ratio = format!("{}/{}", cov.covered(), cov.total());
    let _ = writeln!(out, "  {:width$}  {ratio:>9}  {:>5.1}%", "total", percent(cov.covered(), cov.total()));
    out
}

/// The JSON report: `{"tests": [...], "totals": {...}, "coverage": {...}}`. Each test has
/// `file`, `group` (its `describe` block or null), `suite` (the name reports show: its
/// `@suite`, else the subroutine's name), `name` (the subroutine), `scope`, `status`
/// (`passed`, `failed` or `skipped`), `duration_ms`, `line` (of the failure, else of the
/// subroutine), and for a failure `column`, `assertion`, `message`, `expected`, `actual`
/// and `source` (the failing line's text); `totals` counts each status and the total.
pub fn render_json(report: &Report) -> Json {
    let tests: Vec<Json> = report
        .cases()
        .map(|(file, c)| {
            let f = c.failure.as_ref();
            let loc = f.and_then(|f| f.location.as_ref());
            json!({
                "file": file.name,
                "group": c.group,
                "suite": c.name,
                "name": c.sub,
                "scope": c.scope.as_str(),
                "status": c.status.as_str(),
                "duration_ms": c.duration.as_secs_f64() * 1000.0,
                "line": loc.map_or(c.line, |l| l.line),
                "column": loc.map(|l| l.column),
                "assertion": f.map(|f| f.what.clone()),
                "message": f.and_then(|f| f.message.clone()),
                "expected": f.and_then(|f| f.expected.clone()),
                "actual": f.and_then(|f| f.actual.clone()),
                "source": loc.map(|l| l.text.clone()),
            })
        })
        .collect();
    let t = report.totals();
    let mut out = json!({
        "tests": tests,
        "totals": {
            "passed": t.passed,
            "failed": t.failed,
            "skipped": t.skipped,
            "total": t.passed + t.failed + t.skipped,
        },
    });
    if let (Some(cov), Some(obj)) = (&report.coverage, out.as_object_mut()) {
        let subs: Vec<Json> = cov
            .subs
            .iter()
            .map(|s| json!({"name": s.name, "covered": s.covered, "total": s.total, "percent": percent(s.covered, s.total)}))
            .collect();
        obj.insert(
            "coverage".into(),
            json!({
                "subroutines": subs,
                "covered": cov.covered(),
                "total": cov.total(),
                "percent": percent(cov.covered(), cov.total()),
            }),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(name: &str, status: Status, group: Option<&str>) -> CaseResult {
        CaseResult {
            sub: name.into(),
            name: name.into(),
            group: group.map(String::from),
            scope: SubKind::Recv,
            multi_scope: false,
            status,
            duration: Duration::from_micros(120),
            line: 1,
            failure: None,
        }
    }

    #[test]
    fn runtime_errors_are_not_assertions() {
        let mut c = case("t", Status::Failed, None);
        c.failure = Some(FailureReport {
            what: "runtime error".into(),
            message: Some("VCL step budget exceeded".into()),
            expected: None,
            actual: None,
            location: None,
        });
        let report = Report { files: vec![FileReport { name: "f".into(), cases: vec![c] }], coverage: None };
        let text = render_text(&report, false);
        assert!(text.contains("  ✗ t (0.12ms)\n      runtime error\n      VCL step budget exceeded\n"), "{text}");
    }

    #[test]
    fn summary_line() {
        assert_eq!(summary(Totals { passed: 3, failed: 0, skipped: 0 }), "3 passed, 0 failed");
        assert_eq!(summary(Totals { passed: 3, failed: 1, skipped: 2 }), "3 passed, 1 failed, 2 skipped");
    }

    #[test]
    fn text_groups_by_file_and_describe() {
        let mut failed = case("b", Status::Failed, Some("g"));
        failed.failure = Some(FailureReport {
            what: "assert.equal".into(),
            message: None,
            expected: Some("\"HIT\"".into()),
            actual: Some("\"MISS\"".into()),
            location: Some(Location {
                file: "t.test.vcl".into(),
                line: 12,
                column: 3,
                text: "  assert.equal(x, \"HIT\");".into(),
            }),
        });
        let report = Report {
            files: vec![FileReport {
                name: "t.test.vcl".into(),
                cases: vec![case("a", Status::Passed, None), failed, case("c", Status::Skipped, Some("g"))],
            }],
            coverage: None,
        };
        let text = render_text(&report, false);
        assert_eq!(
            text,
            "t.test.vcl\n  ✓ a (0.12ms)\n  describe g\n    ✗ b (0.12ms)\n        assert.equal failed at t.test.vcl:12:3\n          12 |   assert.equal(x, \"HIT\");\n        expected: \"HIT\"\n        actual:   \"MISS\"\n    - c (skipped)\n\n1 passed, 1 failed, 1 skipped\n"
        );
        let j = render_json(&report);
        assert_eq!(j["totals"]["failed"], 1);
        assert_eq!(j["tests"][1]["line"], 12);
        assert_eq!(j["tests"][1]["group"], "g");
    }
}
