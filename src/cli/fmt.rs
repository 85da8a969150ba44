//! `lacquer fmt`: formats files in place, checks them (`--check`), or formats standard
//! input to standard output (`-`).
//!
//! A file is rewritten only when its text changes, through a temporary file in the same
//! directory renamed over it, so an interrupted run never leaves a half-written file.
//! A file with syntax errors is left untouched and its diagnostics go to stderr.
//! Exit status: 0 when all is well, 1 for syntax errors or (with `--check`) unformatted
//! files, 2 when a file cannot be read or written.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::FmtArgs;
use crate::diag::{render_all, RenderOptions};
use crate::syntax::SourceMap;

pub fn run(args: FmtArgs) -> anyhow::Result<ExitCode> {
    let statements = args.snippet.as_deref().is_some_and(|t| t != "init");
    let mut status = Status::Ok;
    for path in &args.files {
        let result =
            if path.as_os_str() == "-" { stdin(args.check, statements) } else { file(path, args.check, statements) };
        let s = result.unwrap_or_else(|err| {
            eprintln!("error: {err:#}");
            Status::Io
        });
        status = status.max(s);
    }
    Ok(ExitCode::from(status as u8))
}

/// The outcome for one input; the worst one is the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Ok = 0,
    /// Syntax errors, or not formatted under `--check`.
    Failed = 1,
    Io = 2,
}

/// Formats `text` read from `name`: Ok(formatted) or the rendered diagnostics.
fn format(name: &str, bytes: &[u8], statements: bool) -> Result<String, String> {
    let mut map = SourceMap::new();
    let id = map.add(name, bytes);
    let result = if statements { crate::fmt::format_statements(&map, id) } else { crate::fmt::format_file(&map, id) };
    result.map_err(|diags| render_all(&map, &diags, RenderOptions { color: false }))
}

fn stdin(check: bool, statements: bool) -> anyhow::Result<Status> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).context("cannot read standard input")?;
    let formatted = match format("<stdin>", &bytes, statements) {
        Ok(f) => f,
        Err(rendered) => {
            eprint!("{rendered}");
            return Ok(Status::Failed);
        }
    };
    let mut out = std::io::stdout().lock();
    if check {
        if formatted.as_bytes() == bytes {
            return Ok(Status::Ok);
        }
        writeln!(out, "would reformat: <stdin>")?;
        write!(out, "{}", diff("<stdin>", &String::from_utf8_lossy(&bytes), &formatted))?;
        return Ok(Status::Failed);
    }
    out.write_all(formatted.as_bytes())?;
    Ok(Status::Ok)
}

fn file(path: &Path, check: bool, statements: bool) -> anyhow::Result<Status> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let formatted = match format(&path.display().to_string(), &bytes, statements) {
        Ok(f) => f,
        Err(rendered) => {
            eprint!("{rendered}");
            return Ok(Status::Failed);
        }
    };
    if formatted.as_bytes() == bytes {
        return Ok(Status::Ok);
    }
    if check {
        let mut out = std::io::stdout().lock();
        writeln!(out, "would reformat: {}", path.display())?;
        write!(out, "{}", diff(&path.display().to_string(), &String::from_utf8_lossy(&bytes), &formatted))?;
        return Ok(Status::Failed);
    }
    write_atomically(path, formatted.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Status::Ok)
}

/// Writes through a temporary file next to the target (the real file when `path` is a
/// symlink), keeping the permissions, then renames it over the target.
fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let target = fs::canonicalize(path)?;
    let dir = target.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let name = target.file_name().map_or_else(|| "vcl".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.lacquer-fmt-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
        fs::set_permissions(&tmp, fs::metadata(&target)?.permissions())?;
        fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// Above this many cells in the alignment table (changed old lines × changed new lines)
/// the diff shows the whole changed region instead of aligning it.
const MAX_TABLE: usize = 4_000_000;

/// A unified diff of `old` against `new`.
fn diff(name: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let ops = edit_script(&a, &b);
    let mut out = format!("--- {name}\n+++ {name} (formatted)\n");
    // Hunks: runs of changes with CONTEXT equal lines around them.
    let changed: Vec<usize> =
        ops.iter().enumerate().filter(|(_, op)| !matches!(op, Op::Same(..))).map(|(i, _)| i).collect();
    let mut i = 0;
    while i < changed.len() {
        let start = changed[i].saturating_sub(CONTEXT);
        let mut end = changed[i] + 1;
        while i + 1 < changed.len() && changed[i + 1] <= end + 2 * CONTEXT {
            i += 1;
            end = changed[i] + 1;
        }
        let end = (end + CONTEXT).min(ops.len());
        let hunk = &ops[start..end];
        let (old_start, new_start) = hunk.first().map_or((0, 0), Op::positions);
        let old_len = hunk.iter().filter(|op| !matches!(op, Op::Insert(..))).count();
        let new_len = hunk.iter().filter(|op| !matches!(op, Op::Delete(..))).count();
        out.push_str(&format!("@@ -{},{} +{},{} @@\n", old_start + 1, old_len, new_start + 1, new_len));
        for op in hunk {
            let (mark, line) = match op {
                Op::Same(i, _) => (' ', a[*i]),
                Op::Delete(i, _) => ('-', a[*i]),
                Op::Insert(_, j) => ('+', b[*j]),
            };
            out.push(mark);
            out.push_str(line);
            out.push('\n');
        }
        i += 1;
    }
    out
}

/// One step of an edit script, with the old and new line indices it stands at.
#[derive(Debug, Clone, Copy)]
enum Op {
    Same(usize, usize),
    Delete(usize, usize),
    Insert(usize, usize),
}

impl Op {
    fn positions(&self) -> (usize, usize) {
        match *self {
            Op::Same(i, j) | Op::Delete(i, j) | Op::Insert(i, j) => (i, j),
        }
    }
}

/// Common prefix and suffix, and a longest-common-subsequence alignment of the middle
/// (when small enough).
fn edit_script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut ops: Vec<Op> = (0..prefix).map(|i| Op::Same(i, i)).collect();
    if (am.len() + 1).saturating_mul(bm.len() + 1) <= MAX_TABLE {
        // lcs[i][j]: length of the LCS of am[i..] and bm[j..].
        let w = bm.len() + 1;
        let mut lcs = vec![0u32; (am.len() + 1) * w];
        for i in (0..am.len()).rev() {
            for j in (0..bm.len()).rev() {
                lcs[i * w + j] = if am[i] == bm[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < am.len() || j < bm.len() {
            if i < am.len() && j < bm.len() && am[i] == bm[j] {
                ops.push(Op::Same(prefix + i, prefix + j));
                i += 1;
                j += 1;
            } else if i < am.len() && (j == bm.len() || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
                ops.push(Op::Delete(prefix + i, prefix + j));
                i += 1;
            } else {
                ops.push(Op::Insert(prefix + i, prefix + j));
                j += 1;
            }
        }
    } else {
        ops.extend((0..am.len()).map(|i| Op::Delete(prefix + i, prefix)));
        ops.extend((0..bm.len()).map(|j| Op::Insert(prefix + am.len(), prefix + j)));
    }
    ops.extend((0..suffix).map(|k| Op::Same(a.len() - suffix + k, b.len() - suffix + k)));
    ops
}
