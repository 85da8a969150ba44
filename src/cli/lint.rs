//! `lacquer lint`: diagnostics for VCL files and snippets, as text (rustc style) or JSON.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::{use_color, LintArgs, OutputFormat};
use crate::analysis::{analyze, Analysis};
use crate::assemble::{FsLoader, SourceKind};
use crate::diag::{self, RenderOptions, Severity};
use crate::lint::{self, Config};

pub fn run(args: LintArgs) -> anyhow::Result<ExitCode> {
    if let Some(rule) = &args.explain {
        return match lint::explain(rule) {
            Some(text) => {
                println!("{text}");
                Ok(ExitCode::SUCCESS)
            }
            None => {
                eprintln!(
                    "error: unknown rule `{rule}`; `lacquer lint --explain` takes an id such as `unused/variable`"
                );
                Ok(ExitCode::from(2))
            }
        };
    }
    let config = load_config(&args)?;
    let kind = match &args.snippet {
        Some(t) => SourceKind::from_snippet_type(t).with_context(|| format!("unknown snippet type `{t}`"))?,
        None => SourceKind::File,
    };
    let mut reports = Vec::new();
    for path in &args.files {
        let (name, bytes) = read_input(path)?;
        let mut dirs: Vec<PathBuf> = Vec::new();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty() && path != Path::new("-")) {
            dirs.push(parent.to_path_buf());
        } else {
            dirs.push(PathBuf::from("."));
        }
        dirs.extend(args.include.iter().cloned());
        let mut loader = FsLoader { dirs };
        let mut analysis = analyze(&name, &bytes, kind, &mut loader, true);
        analysis.diagnostics = config.apply(std::mem::take(&mut analysis.diagnostics));
        if !args.verbose {
            analysis.diagnostics.retain(|d| d.severity != Severity::Info);
        }
        reports.push((name, analysis));
    }
    let errors: usize = reports.iter().map(|(_, a)| a.count(Severity::Error)).sum();
    let warnings: usize = reports.iter().map(|(_, a)| a.count(Severity::Warning)).sum();
    let mut out = std::io::stdout().lock();
    match args.format {
        OutputFormat::Json => write_json(&mut out, &reports)?,
        OutputFormat::Text => {
            let color = use_color(args.color, std::io::stdout().is_terminal());
            for (_, a) in &reports {
                write!(out, "{}", diag::render_all(&a.program.map, &a.diagnostics, RenderOptions { color }))?;
            }
            if errors + warnings > 0 {
                writeln!(out, "{}", summary(errors, warnings))?;
            }
        }
    }
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
    format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}

fn write_json(out: &mut impl Write, reports: &[(String, Analysis)]) -> anyhow::Result<()> {
    let mut all: Vec<diag::JsonDiagnostic> = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    for (name, a) in reports {
        let r = diag::to_json(&a.program.map, &a.diagnostics, name);
        errors += r.errors;
        warnings += r.warnings;
        all.extend(r.diagnostics);
    }
    let report = diag::JsonReport { diagnostics: all, errors, warnings };
    serde_json::to_writer(&mut *out, &report)?;
    writeln!(out)?;
    Ok(())
}

fn read_input(path: &Path) -> anyhow::Result<(String, Vec<u8>)> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).context("cannot read standard input")?;
        return Ok(("<stdin>".to_string(), bytes));
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((path.display().to_string(), bytes))
}

fn load_config(args: &LintArgs) -> anyhow::Result<Config> {
    let mut config = match &args.config {
        Some(path) => Config::load(path)?,
        None => {
            let cwd = std::env::current_dir().context("cannot read the current directory")?;
            Config::discover(&cwd)?.map(|(_, c)| c).unwrap_or_default()
        }
    };
    for spec in &args.rules {
        config.set(spec)?;
    }
    Ok(config)
}
