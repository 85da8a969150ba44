//! Finding test files: every file whose name matches the filter (default `*.test.vcl`)
//! in the main VCL's directory and in each include directory, searched recursively as
//! falco does. Hidden directories and symbolic links are not followed, the depth is
//! bounded, and the result is sorted and free of duplicates.

use std::io;
use std::path::{Path, PathBuf};

/// The default `--filter`.
pub const DEFAULT_FILTER: &str = "*.test.vcl";

/// How deep below a search directory test files are looked for.
const MAX_DEPTH: usize = 16;

/// Test files under `dirs` whose file name matches `filter`.
pub fn find(dirs: &[PathBuf], filter: &str) -> io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for dir in dirs {
        walk(dir, filter, 0, &mut found)?;
    }
    let mut seen = std::collections::HashSet::new();
    found.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    found.sort();
    Ok(found)
}

fn walk(dir: &Path, filter: &str, depth: usize, found: &mut Vec<PathBuf>) -> io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if depth > 0 && e.kind() == io::ErrorKind::PermissionDenied => return Ok(()),
        Err(e) => return Err(io::Error::new(e.kind(), format!("cannot read directory {}: {e}", dir.display()))),
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            if !name.starts_with('.') && depth < MAX_DEPTH {
                walk(&entry.path(), filter, depth + 1, found)?;
            }
        } else if kind.is_file() && glob_match(filter, &name) {
            found.push(entry.path());
        }
    }
    Ok(())
}

/// Shell-style matching of a whole file name: `*` any run of characters, `?` one
/// character, `[abc]` / `[a-z]` / `[!abc]` one character of a set; anything else itself.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative matching with backtracking to the last `*` (linear in practice).
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ni));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                '[' => {
                    if let Some((matched, next)) = class(&p, pi, n[ni]) {
                        if matched {
                            pi = next;
                            ni += 1;
                            continue;
                        }
                    } else if n[ni] == '[' {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
                c if c == n[ni] => {
                    pi += 1;
                    ni += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, sn)) => {
                pi = sp + 1;
                ni = sn + 1;
                star = Some((sp, sn + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Matches `c` against the class starting at `p[start] == '['`; returns whether it
/// matched and the index after the class, or `None` for an unterminated class.
fn class(p: &[char], start: usize, c: char) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some('!' | '^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            return Some((matched != negate, i + 1));
        }
        first = false;
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            if p[i] <= c && c <= p[i + 2] {
                matched = true;
            }
            i += 3;
        } else {
            if p[i] == c {
                matched = true;
            }
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("*.test.vcl", "main.test.vcl"));
        assert!(glob_match("*.test.vcl", ".test.vcl"));
        assert!(!glob_match("*.test.vcl", "main.vcl"));
        assert!(!glob_match("*.test.vcl", "main.test.vcl.bak"));
        assert!(glob_match("state*.test.vcl", "state_machine.test.vcl"));
        assert!(glob_match("?ain.vcl", "main.vcl"));
        assert!(glob_match("[mn]ain.vcl", "nain.vcl"));
        assert!(!glob_match("[!mn]ain.vcl", "main.vcl"));
        assert!(glob_match("[a-z]*.vcl", "x.vcl"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*b*c", "aXbYbZc"));
        assert!(!glob_match("a*b*c", "aXbYbZ"));
        assert!(glob_match("[", "["));
    }

    #[test]
    fn finds_test_files_recursively_without_duplicates() {
        let root = std::env::temp_dir().join(format!("lacquer-discovery-{}", std::process::id()));
        let sub = root.join("nested");
        let hidden = root.join(".hidden");
        for d in [&sub, &hidden] {
            std::fs::create_dir_all(d).expect("temp dir");
        }
        for f in [root.join("a.test.vcl"), sub.join("b.test.vcl"), hidden.join("c.test.vcl"), root.join("main.vcl")] {
            std::fs::write(f, "").expect("temp file");
        }
        let found = find(&[root.clone(), sub.clone()], DEFAULT_FILTER).expect("readable");
        let names: Vec<_> =
            found.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["a.test.vcl", "b.test.vcl"]);
        let _ = std::fs::remove_dir_all(&root);
    }
}
