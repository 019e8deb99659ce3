//! `[tool.pyexplain]` in the nearest `pyproject.toml`: which rules run, in
//! which language messages are shown, and which files a walk leaves out. Read by the CLI and the server (the
//! server's LSP settings override it). A bad file is a clear error, never a
//! panic.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::analysis::rules::{self, Selection};
use crate::knowledge::Lang;

/// The settings of one `[tool.pyexplain]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    pub selection: Selection,
    pub language: Option<Lang>,
    /// `exclude`: glob patterns that replace the default excludes
    /// ([`crate::files::DEFAULT_EXCLUDE`]); relative to the file's directory.
    pub exclude: Option<Vec<String>>,
    /// `extend-exclude`: glob patterns added to `exclude` (or the defaults).
    pub extend_exclude: Vec<String>,
    /// The file it came from, if any.
    pub source: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Table {
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    language: Option<String>,
    exclude: Option<Vec<String>>,
    #[serde(default)]
    extend_exclude: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct PyProject {
    tool: Option<Tools>,
}

#[derive(Debug, Deserialize)]
struct Tools {
    pyexplain: Option<toml::Value>,
}

/// The nearest `pyproject.toml` at or above `start` (a file or directory).
pub fn find_pyproject(start: &Path) -> Option<PathBuf> {
    let mut dir = if start.is_dir() {
        Some(start)
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join("pyproject.toml");
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// Reads the configuration that applies to `start`; `Ok(default)` when no
/// pyproject.toml (or no `[tool.pyexplain]`) is found.
pub fn load_for(start: &Path) -> Result<Config, String> {
    match find_pyproject(start) {
        Some(path) => {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut config = parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            config.source = Some(path);
            Ok(config)
        }
        None => Ok(Config::default()),
    }
}

/// Parses a pyproject.toml's `[tool.pyexplain]` table.
pub fn parse(text: &str) -> Result<Config, String> {
    let doc: PyProject = toml::from_str(text).map_err(|e| e.message().to_string())?;
    let Some(value) = doc.tool.and_then(|t| t.pyexplain) else {
        return Ok(Config::default());
    };
    let table: Table = value
        .try_into()
        .map_err(|e: toml::de::Error| format!("[tool.pyexplain]: {}", e.message()))?;
    let language = match table.language.as_deref() {
        None | Some("auto") => None,
        Some(l) => Some(Lang::parse(l).ok_or_else(|| {
            format!("[tool.pyexplain] language = {l:?}: expected \"zh\", \"en\" or \"auto\"")
        })?),
    };
    let selection = Selection {
        select: table.select,
        ignore: table.ignore,
    };
    validate(&selection).map_err(|e| format!("[tool.pyexplain] {e}"))?;
    for (key, patterns) in [
        ("exclude", table.exclude.as_deref().unwrap_or_default()),
        ("extend-exclude", &table.extend_exclude),
    ] {
        for p in patterns {
            crate::files::check_pattern(p).map_err(|e| format!("[tool.pyexplain] {key}: {e}"))?;
        }
    }
    Ok(Config {
        selection,
        language,
        exclude: table.exclude,
        extend_exclude: table.extend_exclude,
        source: None,
    })
}

/// Every id in a selection must name a rule (or be `ALL` in `select`).
pub fn validate(selection: &Selection) -> Result<(), String> {
    for (key, ids) in [("select", &selection.select), ("ignore", &selection.ignore)] {
        for id in ids {
            if rules::rule_by_name(id).is_none() && !(key == "select" && id == "ALL") {
                return Err(format!(
                    "{key}: unknown rule `{id}` (see `pyexplain rule` for the list)"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_table_and_rejects_mistakes() {
        let c = parse("[tool.pyexplain]\nignore = [\"is-literal\"]\nlanguage = \"zh\"\n").unwrap();
        assert_eq!(c.selection.ignore, vec!["is-literal"]);
        assert_eq!(c.language, Some(Lang::Zh));
        assert_eq!(
            parse("[project]\nname = \"x\"\n").unwrap(),
            Config::default()
        );
        assert!(parse("[tool.pyexplain]\nselect = [\"no-such-rule\"]\n")
            .unwrap_err()
            .contains("unknown rule `no-such-rule`"));
        assert!(parse("[tool.pyexplain]\nlanguage = \"fr\"\n")
            .unwrap_err()
            .contains("language"));
        assert!(parse("[tool.pyexplain]\nselekt = []\n")
            .unwrap_err()
            .contains("selekt"));
        assert!(parse("[tool.pyexplain\n").is_err());
    }

    #[test]
    fn reads_exclude_patterns_and_rejects_bad_globs() {
        let c = parse("[tool.pyexplain]\nexclude = [\"gen\"]\nextend-exclude = [\"*_pb2.py\"]\n")
            .unwrap();
        assert_eq!(c.exclude, Some(vec!["gen".to_string()]));
        assert_eq!(c.extend_exclude, vec!["*_pb2.py"]);
        assert_eq!(parse("[tool.pyexplain]\n").unwrap().exclude, None);
        let e = parse("[tool.pyexplain]\nextend-exclude = [\"a[\"]\n").unwrap_err();
        assert!(e.contains("extend-exclude") && e.contains("`a[`"), "{e}");
        assert!(parse("[tool.pyexplain]\nexclude = \"gen\"\n").is_err());
    }
}
