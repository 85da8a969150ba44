//! Per-rule severities: the `[lint.rules]` table of `.lacquer.toml` and `--rule
//! RULE=LEVEL` flags.
//!
//! ```toml
//! [lint.rules]
//! "unused/variable" = "off"
//! "regex/url-extension" = "error"
//! "style" = "off"            # a whole category
//! ```
//!
//! A key is a registry id or a category that has one; an exact id wins over its
//! category. Unknown ids are errors that name the id and where it was written, so a
//! typo never silently disables nothing. Parser codes (`syntax/*`) cannot be
//! re-levelled: a program that does not parse is always an error. This is the only
//! part of `lint` that reads files.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{category, registry, rule, Origin};
use crate::diag::{Diagnostic, Severity};

/// The name of the configuration file that [`Config::discover`] looks for.
pub const CONFIG_FILE: &str = ".lacquer.toml";

/// What a rule is turned into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

impl Level {
    /// `error`, `warning` (or `warn`), `info`, `off` (or falco's `ignore`), any case.
    pub fn parse(text: &str) -> Option<Level> {
        Some(match text.to_ascii_lowercase().as_str() {
            "error" => Level::Error,
            "warning" | "warn" => Level::Warning,
            "info" => Level::Info,
            "off" | "ignore" => Level::Off,
            _ => return None,
        })
    }

    fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid {}: {message}", .path.display())]
    Parse { path: PathBuf, message: String },
    #[error("unknown rule \"{id}\" in {origin}")]
    UnknownRule { origin: String, id: String },
    #[error("invalid level \"{level}\" for rule \"{id}\" in {origin}: expected error, warning, info or off")]
    InvalidLevel { origin: String, id: String, level: String },
    #[error("rule \"{id}\" in {origin} cannot be re-levelled: syntax errors are always errors")]
    NotConfigurable { origin: String, id: String },
    #[error("invalid --rule \"{spec}\": expected RULE=LEVEL")]
    InvalidSpec { spec: String },
}

/// Severity overrides by rule id or category.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    levels: HashMap<&'static str, Level>,
}

#[derive(Debug, Default, Deserialize)]
struct FileFormat {
    #[serde(default)]
    lint: LintSection,
}

#[derive(Debug, Default, Deserialize)]
struct LintSection {
    #[serde(default)]
    rules: BTreeMap<String, String>,
}

impl Config {
    /// Reads a `.lacquer.toml`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.to_path_buf(), source })?;
        Config::parse(&text, path)
    }

    /// Parses the text of a configuration file; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let file: FileFormat = toml::from_str(text)
            .map_err(|e| ConfigError::Parse { path: path.to_path_buf(), message: e.message().to_string() })?;
        let origin = path.display().to_string();
        let mut config = Config::default();
        for (id, level) in &file.lint.rules {
            config.insert(id, level, &origin)?;
        }
        Ok(config)
    }

    /// The nearest `.lacquer.toml` in `start_dir` or one of its parents.
    pub fn discover(start_dir: &Path) -> Result<Option<(PathBuf, Config)>, ConfigError> {
        for dir in start_dir.ancestors() {
            let candidate = dir.join(CONFIG_FILE);
            if candidate.is_file() {
                let config = Config::load(&candidate)?;
                return Ok(Some((candidate, config)));
            }
        }
        Ok(None)
    }

    /// Applies one `--rule RULE=LEVEL` flag (later flags win).
    pub fn set(&mut self, spec: &str) -> Result<(), ConfigError> {
        let Some((id, level)) = spec.split_once('=') else {
            return Err(ConfigError::InvalidSpec { spec: spec.to_string() });
        };
        let (id, level) = (id.trim(), level.trim());
        if id.is_empty() || level.is_empty() {
            return Err(ConfigError::InvalidSpec { spec: spec.to_string() });
        }
        self.insert(id, level, "--rule")
    }

    /// The configured level of a code, if any (its own, else its category's).
    pub fn level(&self, code: &str) -> Option<Level> {
        self.levels.get(code).or_else(|| self.levels.get(category(code))).copied()
    }

    /// Re-levels diagnostics by code and drops the ones turned off.
    pub fn apply(&self, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
        if self.levels.is_empty() {
            return diags;
        }
        diags
            .into_iter()
            .filter_map(|mut d| {
                if let Some(level) = self.level(d.code) {
                    d.severity = level.severity()?;
                }
                Some(d)
            })
            .collect()
    }

    fn insert(&mut self, id: &str, level: &str, origin: &str) -> Result<(), ConfigError> {
        let key = resolve_key(id)
            .ok_or_else(|| ConfigError::UnknownRule { origin: origin.to_string(), id: id.to_string() })?;
        let parsed = Level::parse(level).ok_or_else(|| ConfigError::InvalidLevel {
            origin: origin.to_string(),
            id: id.to_string(),
            level: level.to_string(),
        })?;
        let parser_only =
            registry().iter().filter(|m| m.id == key || category(m.id) == key).all(|m| m.origin == Origin::Parser);
        if parser_only {
            return Err(ConfigError::NotConfigurable { origin: origin.to_string(), id: id.to_string() });
        }
        self.levels.insert(key, parsed);
        Ok(())
    }
}

/// The registry's own spelling of a rule id or category.
fn resolve_key(id: &str) -> Option<&'static str> {
    if let Some(meta) = rule(id) {
        return Some(meta.id);
    }
    registry().iter().map(|m| category(m.id)).find(|c| *c == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(code: &'static str, severity: Severity) -> Diagnostic {
        Diagnostic::new(severity, code, "x")
    }

    #[test]
    fn file_levels_apply_by_id_then_category() {
        let config = Config::parse(
            "[lint.rules]\n\"unused/variable\" = \"off\"\n\"regex/url-extension\" = \"error\"\nunused = \"info\"\n",
            Path::new(".lacquer.toml"),
        )
        .unwrap();
        let out = config.apply(vec![
            diag("unused/variable", Severity::Warning),
            diag("regex/url-extension", Severity::Warning),
            diag("unused/goto", Severity::Warning),
            diag("type/mismatch", Severity::Error),
        ]);
        let got: Vec<_> = out.iter().map(|d| (d.code, d.severity)).collect();
        assert_eq!(
            got,
            [
                ("regex/url-extension", Severity::Error),
                ("unused/goto", Severity::Info),
                ("type/mismatch", Severity::Error)
            ]
        );
    }

    #[test]
    fn unknown_ids_and_bad_levels_are_errors_naming_them() {
        let err =
            Config::parse("[lint.rules]\n\"unused/varaible\" = \"off\"\n", Path::new("/x/.lacquer.toml")).unwrap_err();
        assert_eq!(err.to_string(), "unknown rule \"unused/varaible\" in /x/.lacquer.toml");
        let err = Config::parse("[lint.rules]\n\"unused/variable\" = \"loud\"\n", Path::new("c.toml")).unwrap_err();
        assert!(err.to_string().contains("invalid level \"loud\""), "{err}");
        let err = Config::parse("[lint.rules\n", Path::new("c.toml")).unwrap_err();
        assert!(err.to_string().starts_with("invalid c.toml"), "{err}");
        let err =
            Config::parse("[lint.rules]\n\"syntax/unexpected-token\" = \"off\"\n", Path::new("c.toml")).unwrap_err();
        assert!(matches!(err, ConfigError::NotConfigurable { .. }), "{err}");
        assert!(Config::parse("[lint.rules]\nsyntax = \"off\"\n", Path::new("c.toml")).is_err());
    }

    #[test]
    fn rule_flags() {
        let mut config = Config::default();
        config.set("deprecated=error").unwrap();
        config.set(" style/else-if = OFF ").unwrap();
        assert_eq!(config.level("deprecated"), Some(Level::Error));
        assert_eq!(config.level("style/else-if"), Some(Level::Off));
        assert!(matches!(config.set("deprecated"), Err(ConfigError::InvalidSpec { .. })));
        assert!(matches!(config.set("nope=off"), Err(ConfigError::UnknownRule { .. })));
    }

    #[test]
    fn other_sections_are_allowed() {
        assert!(Config::parse("[fmt]\nindent = 2\n", Path::new("c.toml")).unwrap().levels.is_empty());
    }

    #[test]
    fn discover_walks_up() {
        let root = std::env::temp_dir().join(format!("lacquer-config-{}", std::process::id()));
        let nested = root.join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        std::fs::write(root.join(CONFIG_FILE), "[lint.rules]\n\"unused/goto\" = \"off\"\n").unwrap();
        let (path, config) = Config::discover(&nested).unwrap().unwrap();
        assert_eq!(path, root.join(CONFIG_FILE));
        assert_eq!(config.level("unused/goto"), Some(Level::Off));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
