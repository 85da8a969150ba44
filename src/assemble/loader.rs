//! Where included files come from.

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;

/// A file found for an include.
pub struct Loaded {
    /// The name diagnostics show (a path for files on disk).
    pub display_name: String,
    pub bytes: Vec<u8>,
}

/// Resolves `include "name";`.
pub trait Loader {
    /// `Ok(None)` when no file has that name.
    fn load(&mut self, name: &str) -> io::Result<Option<Loaded>>;
    /// Where it looked, for the "not found" note.
    fn searched(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Looks in a list of directories for `name` and `name.vcl` (`snippet::name` looks for
/// the snippet's file by its name).
pub struct FsLoader {
    pub dirs: Vec<PathBuf>,
}

impl Loader for FsLoader {
    fn load(&mut self, name: &str) -> io::Result<Option<Loaded>> {
        let name = name.strip_prefix("snippet::").unwrap_or(name);
        if name.is_empty() || name.contains('\0') {
            return Ok(None);
        }
        for dir in &self.dirs {
            for candidate in [dir.join(name), dir.join(format!("{name}.vcl"))] {
                if candidate.is_file() {
                    let bytes = std::fs::read(&candidate)?;
                    return Ok(Some(Loaded { display_name: candidate.display().to_string(), bytes }));
                }
            }
        }
        Ok(None)
    }

    fn searched(&self) -> Vec<String> {
        self.dirs.iter().map(|d| d.display().to_string()).collect()
    }
}

/// Files held in memory, by include name (tests, the control plane's uploaded VCLs).
#[derive(Default)]
pub struct MemoryLoader {
    pub files: HashMap<String, String>,
}

impl MemoryLoader {
    pub fn with(mut self, name: &str, text: &str) -> MemoryLoader {
        self.files.insert(name.to_string(), text.to_string());
        self
    }
}

impl Loader for MemoryLoader {
    fn load(&mut self, name: &str) -> io::Result<Option<Loaded>> {
        Ok(self.files.get(name).map(|t| Loaded { display_name: name.to_string(), bytes: t.as_bytes().to_vec() }))
    }
}
