//! The `lacquer` command line: argument parsing and dispatch. Each subcommand lives in
//! its own module with `pub fn run(args) -> anyhow::Result<ExitCode>`.
//!
//! Exit status contract: 0 when there is nothing wrong, 1 when the input has errors (or
//! `fmt --check` found unformatted files), 2 for usage or IO problems.

pub mod catalog;
pub mod fmt;
pub mod lint;
// `lacquer serve` (the edge: VCL on real traffic).
pub mod serve;
// `lacquer test` (falco-compatible unit tests).
pub mod test;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "lacquer", version, about = "Fastly VCL, on your own machines: lint, format, test and serve")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check VCL files for errors and lint warnings.
    Lint(LintArgs),
    /// Format VCL files in place (or check that they are formatted).
    Fmt(FmtArgs),
    /// List every Fastly variable and function lacquer knows.
    Catalog(CatalogArgs),
    /// Run the unit tests (`*.test.vcl`, falco's format) of a main VCL.
    Test(test::TestArgs),
    /// Serve a VCL on real traffic (no arguments: a demo service with its own origin).
    Serve(serve::ServeArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct LintArgs {
    /// VCL files to lint (`-` for standard input).
    #[arg(required_unless_present = "explain")]
    pub files: Vec<PathBuf>,
    /// Directory to search for `include "name";` (repeatable).
    #[arg(short = 'I', long = "include-path", value_name = "DIR")]
    pub include: Vec<PathBuf>,
    /// Lint the file as a VCL snippet of this type, the way Fastly inserts it.
    #[arg(long, value_name = "TYPE", value_parser = ["init", "recv", "hash", "hit", "miss", "pass", "fetch", "error", "deliver", "log", "none"])]
    pub snippet: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    /// Explain a rule (e.g. `lacquer lint --explain unused/variable`).
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
    /// Set a rule's severity: `RULE=error|warning|info|off` (repeatable).
    #[arg(long = "rule", value_name = "RULE=LEVEL")]
    pub rules: Vec<String>,
    /// Configuration file (default: `.lacquer.toml` in the current directory or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Treat warnings as errors for the exit status.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Also show info-level advice (hidden by default, so a clean file prints nothing).
    #[arg(short, long)]
    pub verbose: bool,
    /// Colour: auto (on a terminal), always or never.
    #[arg(long, value_enum, default_value_t)]
    pub color: ColorChoice,
}

#[derive(Debug, clap::Args)]
pub struct FmtArgs {
    /// VCL files to format in place (`-` reads standard input and writes standard output).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Report files that are not formatted and exit 1, changing nothing.
    #[arg(long)]
    pub check: bool,
    /// Format the file as a snippet of statements (any type but `init`).
    #[arg(long, value_name = "TYPE")]
    pub snippet: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CatalogArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Only entries whose name contains this text.
    pub filter: Option<String>,
}

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Lint(args) => lint::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Catalog(args) => run_catalog(args),
        Command::Test(args) => test::run(args),
        Command::Serve(args) => serve::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run_catalog(args: CatalogArgs) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &catalog::render_json())?;
        writeln!(out)?;
    } else {
        write!(out, "{}", catalog::render_text(args.filter.as_deref()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether to colour output written to stderr/stdout.
pub fn use_color(choice: ColorChoice, stream_is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stream_is_tty && std::env::var_os("NO_COLOR").is_none(),
    }
}
