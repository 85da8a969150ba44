//! `lacquer test`: runs falco-style unit tests (`*.test.vcl`) against a main VCL and
//! prints a text or JSON report; the work is done by [`crate::testing`].
//!
//! Exit status: 1 when a test failed, 2 for usage or IO problems and when the main VCL or
//! a test file does not check or compile (its diagnostics are printed), 0 otherwise.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use super::{use_color, ColorChoice, OutputFormat};
use crate::diag::{self, RenderOptions};
use crate::interp::geo::GeoDb;
use crate::testing::discovery::DEFAULT_FILTER;
use crate::testing::report::{self, Report};
use crate::testing::runner::Options;
use crate::testing::{run_paths, Config, RunError};

/// Suites longer than this show a progress counter on an interactive stderr.
const PROGRESS_THRESHOLD: usize = 50;

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// The main VCL file; test files are searched for beside it and in the include paths.
    pub main: PathBuf,
    /// Directory to search for `include "name";` and for test files (repeatable).
    #[arg(short = 'I', long = "include-path", alias = "include_path", value_name = "DIR")]
    pub include: Vec<PathBuf>,
    /// Glob over test file names.
    #[arg(short = 'f', long, value_name = "GLOB", default_value = DEFAULT_FILTER)]
    pub filter: String,
    /// Run tests whose `@tag` rules match this tag (repeatable, or comma-separated).
    #[arg(short = 't', long = "tag", value_name = "TAG", value_delimiter = ',')]
    pub tags: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Report statement coverage of the main VCL's subroutines.
    #[arg(long)]
    pub coverage: bool,
    /// MaxMind database (GeoLite2/GeoIP2 City, Country or ASN) for `client.geo.*` and
    /// `client.as.*` (repeatable; without it they read as Fastly's unknown values).
    #[arg(long = "geo-db", value_name = "FILE.mmdb")]
    pub geo_db: Vec<PathBuf>,
    /// Colour: auto (on a terminal), always or never.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
}

pub fn run(args: TestArgs) -> anyhow::Result<ExitCode> {
    let geo = match args.geo_db.is_empty() {
        true => None,
        false => match GeoDb::open(&args.geo_db) {
            Ok(db) => Some(Arc::new(db)),
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(ExitCode::from(2));
            }
        },
    };
    let config = Config {
        main: args.main.clone(),
        include: args.include.clone(),
        filter: args.filter.clone(),
        options: Options {
            tags: args.tags.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect(),
            coverage: args.coverage,
            geo,
        },
    };
    let interactive = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    let mut progress = |done: usize, total: usize| {
        if interactive && total > PROGRESS_THRESHOLD {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{done}/{total} tests");
            if done == total {
                let _ = write!(err, "\r\x1b[K");
            }
            let _ = err.flush();
        }
    };
    let report = match run_paths(&config, &mut progress) {
        Ok(report) => report,
        Err(RunError::Io(e)) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
        Err(err @ RunError::Invalid(_)) => {
            let color = use_color(args.color, std::io::stderr().is_terminal());
            let mut out = std::io::stderr().lock();
            if let RunError::Invalid(rejected) = &err {
                for r in rejected {
                    write!(out, "{}", diag::render_all(&r.map, &r.diagnostics, RenderOptions { color }))?;
                }
            }
            writeln!(out, "error: {err}; no tests ran")?;
            return Ok(ExitCode::from(2));
        }
    };
    if report.files.is_empty() {
        eprintln!(
            "warning: no test files matching `{}` beside {} or in the include paths",
            args.filter,
            args.main.display()
        );
    }
    write_report(&report, &args)?;
    Ok(if report.totals().failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn write_report(report: &Report, args: &TestArgs) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &report::render_json(report))?;
            writeln!(out)?;
        }
        OutputFormat::Text => {
            let color = use_color(args.color, std::io::stdout().is_terminal());
            write!(out, "{}", report::render_text(report, color))?;
        }
    }
    Ok(())
}
