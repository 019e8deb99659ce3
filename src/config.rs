//! `[tool.pyexplain]` in the nearest `pyproject.toml`: which rules run and in
//! which language messages are shown. Read by the CLI and the server (the
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
    /// The file it came from, if any.
    pub source: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    language: Option<String>,
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
    Ok(Config {
        selection,
        language,
        source: None,
    })
}

/// Every id in a selection must name a rule (or be `ALL` in `select`).
pub fn validate(selection: &Selection) -> Result<(), String> {
    for (key, ids) in [("select", &selection.select), ("ignore", &selection.ignore)] {
        for id in ids {
            if rules::rule(id).is_none() && !(key == "select" && id == "ALL") {
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
}
