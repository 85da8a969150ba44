//! `lacquer test`: the example suite under `vcl-examples/tests/` passes, the failing
//! example's report is snapshotted, and the framework's semantics (annotations, describe
//! groups and hooks, mocks, coverage, check errors, exit codes) on small programs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use lacquer::assemble::MemoryLoader;
use lacquer::testing::report::{self, Report, Status};
use lacquer::testing::runner::Options;
use lacquer::testing::{run_paths, run_sources, Config, RunError, TestFile};

use crate::support::examples_dir;

fn config(main: &Path, filter: &str, coverage: bool) -> Config {
    Config {
        main: main.to_path_buf(),
        include: Vec::new(),
        filter: filter.to_string(),
        options: Options { tags: Vec::new(), coverage, ..Options::default() },
    }
}

fn ok(result: Result<Report, RunError>) -> Report {
    match result {
        Ok(r) => r,
        Err(RunError::Invalid(rejected)) => {
            let text: String = rejected
                .iter()
                .map(|r| {
                    lacquer::diag::render_all(&r.map, &r.diagnostics, lacquer::diag::RenderOptions { color: false })
                })
                .collect();
            panic!("the VCL does not compile:\n{text}")
        }
        Err(e) => panic!("{e}"),
    }
}

/// Runs one in-memory test file against an in-memory main program.
fn run_with(main: &str, test: &str, options: Options) -> Result<Report, RunError> {
    let mut loader = MemoryLoader::default();
    let files = [TestFile { name: "t.test.vcl".into(), bytes: test.as_bytes().to_vec() }];
    run_sources("main.vcl", main.as_bytes(), &mut loader, &files, &options, &mut |_, _| {})
}

fn run(main: &str, test: &str) -> Report {
    ok(run_with(main, test, Options::default()))
}

/// `(name, status)` of every case, in order.
fn outcomes(report: &Report) -> Vec<(String, Status)> {
    report.cases().map(|(_, c)| (c.name.clone(), c.status)).collect()
}

fn statuses(report: &Report) -> Vec<Status> {
    report.cases().map(|(_, c)| c.status).collect()
}

fn failure_text(report: &Report) -> String {
    let mut r = report.clone();
    for f in &mut r.files {
        for c in &mut f.cases {
            c.duration = Duration::ZERO;
        }
    }
    report::render_text(&r, false)
}

const MAIN: &str = r#"
backend F_origin { .host = "origin.example"; .port = "443"; }
sub add_header { set req.http.Added = "real"; }
sub label(STRING var.s) STRING { return "<" var.s ">"; }
sub vcl_recv {
#FASTLY recv
  set req.backend = F_origin;
  call add_header;
  if (req.url ~ "^/pass") { return(pass); }
  if (req.url ~ "^/deny") { error 403 "Denied"; }
  if (req.url ~ "^/again" && req.restarts == 0) { restart; }
  return(lookup);
}
sub vcl_deliver {
#FASTLY deliver
  set resp.http.X-Label = label("x");
  return(deliver);
}
"#;

// ----- the example suite -----

#[test]
fn example_suite_passes() {
    let main = examples_dir().join("tests/main.vcl");
    let report = ok(run_paths(&config(&main, "*.test.vcl", true), &mut |_, _| {}));
    let failed: Vec<String> = report
        .cases()
        .filter(|(_, c)| c.status == Status::Failed)
        .map(|(f, c)| format!("{}: {}", f.name, c.name))
        .collect();
    assert!(failed.is_empty(), "failing example tests: {failed:?}\n{}", failure_text(&report));
    let t = report.totals();
    assert_eq!((t.passed, t.failed, t.skipped), (94, 0, 2), "{}", failure_text(&report));
    assert_eq!(report.files.len(), 11);
    assert!(report::render_text(&report, false).ends_with("\n94 passed, 0 failed, 2 skipped\n"));
    let cov = report.coverage.as_ref().expect("coverage was asked for");
    assert_eq!(cov.covered(), cov.total(), "the example suite runs every statement of main.vcl");
    assert!(cov.subs.iter().any(|s| s.name == "vcl_recv" && s.total > 10));
}

#[test]
fn filter_narrows_the_files() {
    let main = examples_dir().join("tests/main.vcl");
    let report = ok(run_paths(&config(&main, "headers*", false), &mut |_, _| {}));
    assert_eq!(report.files.len(), 1);
    assert!(report.files[0].name.ends_with("headers.test.vcl"));
    assert!(report.coverage.is_none());
}

// ----- the failing example -----

fn failing_report() -> Report {
    let main = examples_dir().join("tests-failing/main.vcl");
    ok(run_paths(&config(&main, "*.test.vcl", false), &mut |_, _| {}))
}

#[test]
fn failing_example_text_report() {
    insta::assert_snapshot!(failure_text(&failing_report()));
}

#[test]
fn json_report_shape() {
    let json = report::render_json(&failing_report());
    assert_eq!(json["totals"]["passed"], 2);
    assert_eq!(json["totals"]["failed"], 6);
    assert_eq!(json["totals"]["skipped"], 1);
    assert_eq!(json["totals"]["total"], 9);
    let tests = json["tests"].as_array().expect("tests array");
    assert_eq!(tests.len(), 9);
    let passed = &tests[0];
    assert_eq!(passed["status"], "passed");
    assert_eq!(passed["suite"], "passes");
    assert_eq!(passed["name"], "test_passes");
    assert!(passed["message"].is_null() && passed["expected"].is_null());
    assert!(passed["duration_ms"].as_f64().is_some());
    let failed = &tests[1];
    assert_eq!(failed["file"], "vcl-examples/tests-failing/failing.test.vcl");
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["assertion"], "assert.equal");
    assert_eq!(failed["expected"], "\"HIT\"");
    assert_eq!(failed["actual"], "\"MISS\"");
    assert_eq!(failed["line"], 11);
    assert_eq!(failed["column"], 3);
    assert_eq!(failed["source"], "  assert.equal(req.http.X-Cache, \"HIT\");");
    assert_eq!(failed["scope"], "recv");
    assert!(failed["group"].is_null());
    let custom = tests.iter().find(|t| t["suite"] == "custom message").expect("custom message test");
    assert_eq!(custom["message"], "a session must not bypass the cache");
    let skipped = tests.iter().find(|t| t["status"] == "skipped").expect("a skipped test");
    assert_eq!(skipped["name"], "test_skipped");
    let grouped = tests.iter().find(|t| t["name"] == "test_second").expect("grouped test");
    assert_eq!(grouped["group"], "group");
    assert_eq!(grouped["assertion"], "before_recv hook: assert.is_notset");
}

// ----- annotations -----

#[test]
fn annotations_skip_scope_and_suite_names() {
    let test = r#"
// @suite: named by @suite
sub test_a { assert.true(true); }

// @skip
sub test_b { assert.true(false); }

// @scope: recv, deliver
sub test_twice { assert.true(true); }

# @deliver
sub test_legacy_scope { set resp.http.X = "1"; assert.equal(resp.http.X, "1"); }

sub test_by_name_fetch { set beresp.status = 200; assert.equal(beresp.status, 200); }
"#;
    let report = run(MAIN, test);
    let cases: Vec<_> = report.cases().map(|(_, c)| (c.name.as_str(), c.scope.as_str(), c.status)).collect();
    assert_eq!(
        cases,
        [
            ("named by @suite", "recv", Status::Passed),
            ("test_b", "recv", Status::Skipped),
            ("test_twice", "recv", Status::Passed),
            ("test_twice", "deliver", Status::Passed),
            ("test_legacy_scope", "deliver", Status::Passed),
            ("test_by_name_fetch", "fetch", Status::Passed),
        ]
    );
    let text = failure_text(&report);
    assert!(text.contains("✓ test_twice [deliver] (0.00ms)"), "{text}");
}

#[test]
fn tags_follow_falcos_table() {
    let test = r#"
// @tag: prod
sub test_prod { assert.true(true); }
// @tag: !prod
sub test_not_prod { assert.true(true); }
sub test_untagged { assert.true(true); }
"#;
    let with = |tags: &[&str]| {
        let options = Options { tags: tags.iter().map(|t| t.to_string()).collect(), ..Options::default() };
        statuses(&ok(run_with(MAIN, test, options)))
    };
    use Status::*;
    assert_eq!(with(&[]), [Skipped, Passed, Passed]);
    assert_eq!(with(&["prod"]), [Passed, Skipped, Passed]);
    assert_eq!(with(&["dev"]), [Skipped, Passed, Passed]);
}

// ----- describe groups -----

#[test]
fn describe_shares_state_and_runs_hooks_per_scope() {
    let test = r#"
describe counting {
  before_recv { set req.http.Trace = req.http.Trace "b"; }
  after_recv { set req.http.Trace = req.http.Trace "a"; }

  sub test_one { assert.equal(req.http.Trace, "b"); set req.http.Kept = "1"; }
  sub test_two { assert.equal(req.http.Trace, "bab"); assert.equal(req.http.Kept, "1"); }

  // @scope: deliver
  sub test_three { assert.equal(req.http.Trace, "baba", "recv hooks do not run for deliver tests"); }
}

sub test_outside { assert.is_notset(req.http.Kept, "top-level tests start fresh"); }
"#;
    let report = run(MAIN, test);
    assert!(statuses(&report).iter().all(|s| *s == Status::Passed), "{}", failure_text(&report));
    let groups: Vec<_> = report.cases().map(|(_, c)| c.group.clone()).collect();
    assert_eq!(groups, [Some("counting".into()), Some("counting".into()), Some("counting".into()), None]);
    assert!(failure_text(&report).contains("  describe counting\n    ✓ test_one"));
}

#[test]
fn a_failing_hook_fails_the_test() {
    let test = r#"
describe g {
  after_recv { assert.equal(req.http.X, "never"); }
  sub test_one { set req.http.X = "1"; }
}
"#;
    let report = run(MAIN, test);
    let case = report.cases().next().expect("one case").1;
    assert_eq!(case.status, Status::Failed);
    let f = case.failure.as_ref().expect("failure");
    assert_eq!(f.what, "after_recv hook: assert.equal");
    assert_eq!(f.location.as_ref().map(|l| l.line), Some(3));
}

// ----- testing.* -----

#[test]
fn call_subroutine_states_errors_restarts_and_return_values() {
    let test = r#"
sub test_states {
  testing.call_subroutine("vcl_recv");
  assert.state(lookup);
  set req.url = "/pass";
  testing.call_subroutine("vcl_recv");
  assert.equal(testing.state, "PASS");
  set req.url = "/deny";
  testing.call_subroutine("vcl_recv");
  assert.error(403, "Denied");
  assert.equal(testing.inspect("obj.response"), "Denied");
  set req.url = "/again";
  testing.call_subroutine("vcl_recv");
  assert.restart();
  assert.equal(req.restarts, 1);
  testing.call_subroutine("vcl_recv");
  assert.not_restart();
  testing.call_subroutine("label", "y");
  assert.equal(testing.return_value, "<y>");
}
"#;
    let report = run(MAIN, test);
    assert_eq!(statuses(&report), [Status::Passed], "{}", failure_text(&report));
}

#[test]
fn mocks_replace_custom_subroutines_only() {
    let test = r#"
sub mock_header { set req.http.Added = "mock"; }

sub test_mock {
  testing.mock("add_header", "mock_header");
  testing.call_subroutine("vcl_recv");
  assert.equal(req.http.Added, "mock");
  assert.subroutine_called("add_header");
  testing.restore_mock("add_header");
  testing.call_subroutine("vcl_recv");
  assert.equal(req.http.Added, "real");
  assert.subroutine_called("add_header", 2);
  assert.not_subroutine_called("mock_header");
}

sub test_builtin_mock_fails {
  testing.mock("vcl_recv", "mock_header");
}

# A spy that calls through would call itself once it stands in for add_header.
sub spy_header { call add_header; }

sub test_recursive_mock_fails {
  testing.mock("add_header", "spy_header");
}
"#;
    let report = run(MAIN, test);
    assert_eq!(
        outcomes(&report),
        [
            ("mock_header".to_string(), Status::Passed),
            ("test_mock".to_string(), Status::Passed),
            ("test_builtin_mock_fails".to_string(), Status::Failed),
            ("spy_header".to_string(), Status::Passed),
            ("test_recursive_mock_fails".to_string(), Status::Failed),
        ],
        "{}",
        failure_text(&report)
    );
    let text = failure_text(&report);
    assert!(text.contains("`vcl_recv` is a built-in subroutine; only custom subroutines can be mocked"), "{text}");
    assert!(text.contains("`spy_header` would call itself through the mocked `add_header`"), "{text}");
}

#[test]
fn inject_variable_refuses_what_vcl_sets() {
    let test = r#"
sub test_inject { testing.inject_variable("client.ip", "10.1.2.3"); assert.equal(client.ip, std.ip("10.1.2.3", "0.0.0.0")); }
sub test_refused { testing.inject_variable("req.url", "/x"); }
"#;
    let report = run(MAIN, test);
    assert_eq!(statuses(&report), [Status::Passed, Status::Failed]);
    assert!(failure_text(&report).contains("cannot inject `req.url`"));
}

#[test]
fn coverage_counts_statements_run() {
    let test = r#"
sub test_lookup_only { testing.call_subroutine("vcl_recv"); }
"#;
    let options = Options { coverage: true, ..Options::default() };
    let report = ok(run_with(MAIN, test, options));
    let cov = report.coverage.expect("coverage");
    let recv = cov.subs.iter().find(|s| s.name == "vcl_recv").expect("vcl_recv");
    // set backend, call, three ifs (not their bodies), return.
    assert_eq!((recv.covered, recv.total), (6, 9));

    // A body of one statement that runs is covered too (it runs without a block frame).
    let test = r#"
sub test_pass { set req.url = "/pass"; testing.call_subroutine("vcl_recv"); }
"#;
    let report = ok(run_with(MAIN, test, Options { coverage: true, ..Options::default() }));
    let cov = report.coverage.expect("coverage");
    let recv = cov.subs.iter().find(|s| s.name == "vcl_recv").expect("vcl_recv");
    // set backend, call, the first if and its `return(pass)`.
    assert_eq!((recv.covered, recv.total), (4, 9));
    let deliver = cov.subs.iter().find(|s| s.name == "vcl_deliver").expect("vcl_deliver");
    assert_eq!(deliver.covered, 0);
    assert!(cov.subs.iter().all(|s| !s.name.starts_with("test_")), "only the main program is measured");
    assert!(report::render_coverage(&cov).contains("vcl_recv"));
}

// ----- check errors -----

#[test]
fn tests_are_checked_in_their_scope() {
    let test = r#"
sub test_recv_reads_beresp { assert.equal(beresp.status, 200); }
"#;
    let Err(RunError::Invalid(rejected)) = run_with(MAIN, test, Options::default()) else {
        panic!("a recv test reading beresp must not check")
    };
    let codes: Vec<_> = rejected.iter().flat_map(|r| &r.diagnostics).map(|d| d.code).collect();
    assert_eq!(codes, ["variable/not-readable"]);
}

#[test]
fn testing_functions_exist_only_in_test_mode() {
    let main = "sub vcl_recv {\n#FASTLY recv\n  assert.true(true);\n}\n";
    let Err(RunError::Invalid(rejected)) = run_with(main, "", Options::default()) else {
        panic!("assert.* in the main program must not check")
    };
    let codes: Vec<_> = rejected.iter().flat_map(|r| &r.diagnostics).map(|d| d.code).collect();
    assert_eq!(codes, ["function/undefined"]);
}

#[test]
fn unknown_hooks_are_reported() {
    let test = "describe g {\n  before_pipe { }\n  sub test_a { }\n}\n";
    let Err(RunError::Invalid(rejected)) = run_with(MAIN, test, Options::default()) else {
        panic!("before_pipe is not a hook")
    };
    let messages: Vec<_> = rejected.iter().flat_map(|r| &r.diagnostics).map(|d| d.message.as_str()).collect();
    assert_eq!(messages, ["unknown hook `before_pipe`"]);
}

// ----- the binary -----

fn lacquer(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lacquer"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CI")
        .output()
        .expect("run lacquer")
}

fn scratch(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lacquer-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write scratch file");
    }
    dir
}

#[test]
fn exit_codes() {
    let out = lacquer(&["test", "vcl-examples/tests/main.vcl"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.lines().last(), Some("94 passed, 0 failed, 2 skipped"));

    let out = lacquer(&["test", "vcl-examples/tests-failing/main.vcl"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().last(), Some("2 passed, 6 failed, 1 skipped"));

    let out = lacquer(&["test", "vcl-examples/tests/no-such-main.vcl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));

    let dir =
        scratch("invalid", &[("main.vcl", MAIN), ("bad.test.vcl", "sub test_x { assert.equal(nope.nope, 1); }\n")]);
    let out = lacquer(&["test", &dir.join("main.vcl").display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown variable `nope.nope`") && stderr.contains("no tests ran"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);

    let out = lacquer(&["test", "--format", "json", "vcl-examples/tests-failing/main.vcl"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["totals"]["failed"], 6);
}

#[test]
fn include_paths_are_searched_for_tests() {
    let dir = scratch(
        "include",
        &[("main.vcl", "include \"shared\";\nsub vcl_recv {\n#FASTLY recv\n  call shared_sub;\n}\n")],
    );
    let lib = dir.join("lib");
    std::fs::create_dir_all(&lib).expect("lib dir");
    std::fs::write(lib.join("shared.vcl"), "sub shared_sub { set req.http.Shared = \"1\"; }\n").expect("write");
    std::fs::write(
        lib.join("shared.test.vcl"),
        "sub test_shared { testing.call_subroutine(\"vcl_recv\"); assert.equal(req.http.Shared, \"1\"); }\n",
    )
    .expect("write");
    // lib/ is below main's directory (found recursively, as falco does) and an include path.
    let out = lacquer(&["test", "-I", &lib.display().to_string(), &dir.join("main.vcl").display().to_string()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.lines().last(), Some("1 passed, 0 failed"), "found once, not twice: {stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
