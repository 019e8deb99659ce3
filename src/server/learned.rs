//! "I've learned this": the notes whose hovers the user wants brief. Kept per
//! user, never in the project: `$XDG_DATA_HOME/pyexplain/learned.json`,
//! falling back to `~/.local/share/pyexplain/` (`%APPDATA%\pyexplain\` on
//! Windows). Read once when the server starts; written whole (temporary file
//! and rename in the same directory) after every change.
//!
//! The file is `{"version": 1, "learned": ["yield-from", ...]}` with note ids
//! (not section numbers, which a new edition of the course may renumber).
//! Ids this version does not know are kept, so an older server never drops
//! what a newer one wrote.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The file's name inside [`data_dir`].
pub const FILE_NAME: &str = "learned.json";

/// `$XDG_DATA_HOME/pyexplain` (an absolute path only, as the XDG spec asks),
/// else `%APPDATA%\pyexplain` on Windows, else `$HOME/.local/share/pyexplain`.
pub fn data_dir() -> Option<PathBuf> {
    data_dir_from(|key| std::env::var_os(key), cfg!(windows))
}

fn data_dir_from(var: impl Fn(&str) -> Option<OsString>, windows: bool) -> Option<PathBuf> {
    let var = |key: &str| var(key).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(xdg) = var("XDG_DATA_HOME").filter(|p| p.is_absolute()) {
        return Some(xdg.join("pyexplain"));
    }
    if windows {
        if let Some(appdata) = var("APPDATA") {
            return Some(appdata.join("pyexplain"));
        }
    }
    var("HOME").map(|home| home.join(".local").join("share").join("pyexplain"))
}

/// The learned file's path, if the user has a data directory.
pub fn default_path() -> Option<PathBuf> {
    data_dir().map(|dir| dir.join(FILE_NAME))
}

/// The ids of the notes marked as learned.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Learned {
    ids: BTreeSet<String>,
}

/// Why [`load`] found nothing learned.
#[derive(Debug)]
pub enum LoadError {
    /// No file yet: nothing was ever marked.
    Missing,
    /// The file exists but cannot be read.
    Unreadable(std::io::Error),
    /// The file is not the JSON this module writes.
    Corrupt(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Missing => write!(f, "no such file"),
            LoadError::Unreadable(e) => write!(f, "cannot read it: {e}"),
            LoadError::Corrupt(e) => write!(f, "not a learned-sections file: {e}"),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct FileFormat {
    #[serde(default)]
    version: u32,
    learned: Vec<String>,
}

impl Learned {
    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// Adds `id`; whether it was new.
    pub fn mark(&mut self, id: &str) -> bool {
        self.ids.insert(id.to_string())
    }

    /// Removes `id`; whether it was there.
    pub fn unmark(&mut self, id: &str) -> bool {
        self.ids.remove(id)
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.ids.clear();
    }

    /// The ids, sorted.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(String::as_str)
    }

    /// Parses the file's text.
    pub fn parse(text: &str) -> Result<Learned, LoadError> {
        let file: FileFormat =
            serde_json::from_str(text).map_err(|e| LoadError::Corrupt(e.to_string()))?;
        Ok(Learned {
            ids: file
                .learned
                .into_iter()
                .filter(|id| !id.trim().is_empty())
                .collect(),
        })
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        let file = FileFormat {
            version: 1,
            learned: self.ids.iter().cloned().collect(),
        };
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Reads the learned file; any error means "nothing learned" to the caller.
pub fn load(path: &Path) -> Result<Learned, LoadError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Learned::parse(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(LoadError::Missing),
        Err(e) => Err(LoadError::Unreadable(e)),
    }
}

/// Writes the learned file: a temporary file in the same directory, renamed
/// over the old one, so a reader never sees half a file. Creates the
/// directory if needed.
pub fn save(path: &Path, learned: &Learned) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(|| FILE_NAME.into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written =
        std::fs::write(&tmp, learned.to_json()).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "pyexplain-learned-unit-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn mark_unmark_clear() {
        let mut l = Learned::default();
        assert!(l.mark("yield-from"));
        assert!(!l.mark("yield-from"));
        assert!(l.mark("async-def"));
        assert!(l.contains("yield-from"));
        assert_eq!(l.ids().collect::<Vec<_>>(), ["async-def", "yield-from"]);
        assert!(l.unmark("yield-from"));
        assert!(!l.unmark("yield-from"));
        assert!(!l.contains("yield-from"));
        l.clear();
        assert_eq!(l.ids().count(), 0);
    }

    #[test]
    fn save_then_load_round_trips_and_leaves_no_temporary_file() {
        let dir = scratch("roundtrip");
        let path = dir.join("nested").join(FILE_NAME);
        let mut l = Learned::default();
        l.mark("yield-from");
        l.mark("some-future-note");
        save(&path, &l).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"version\": 1"), "{text}");
        assert_eq!(load(&path).unwrap(), l);
        // Overwrite with less: the file follows.
        l.unmark("yield-from");
        save(&path, &l).unwrap();
        assert_eq!(load(&path).unwrap(), l);
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, [FILE_NAME]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn missing_and_corrupt_files_are_errors_not_panics() {
        let dir = scratch("corrupt");
        let path = dir.join(FILE_NAME);
        assert!(matches!(load(&path), Err(LoadError::Missing)));
        std::fs::create_dir_all(&dir).unwrap();
        for junk in ["", "{", "[1, 2]", "{\"learned\": \"x\"}", "\u{feff}\u{0}"] {
            std::fs::write(&path, junk).unwrap();
            assert!(
                matches!(load(&path), Err(LoadError::Corrupt(_))),
                "{junk:?}"
            );
        }
        // A directory where the file should be: unreadable, and unwritable.
        std::fs::remove_file(&path).unwrap();
        std::fs::create_dir_all(&path).unwrap();
        assert!(matches!(load(&path), Err(LoadError::Unreadable(_))));
        assert!(save(&path, &Learned::default()).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn data_dir_follows_xdg_then_appdata_then_home() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |key: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| OsString::from(v))
            }
        };
        let all = env(&[
            ("XDG_DATA_HOME", "/xdg"),
            ("APPDATA", "/appdata"),
            ("HOME", "/home/u"),
        ]);
        assert_eq!(
            data_dir_from(all, false),
            Some(PathBuf::from("/xdg/pyexplain"))
        );
        let no_xdg = env(&[
            ("XDG_DATA_HOME", "relative"),
            ("APPDATA", "/appdata"),
            ("HOME", "/home/u"),
        ]);
        assert_eq!(
            data_dir_from(no_xdg, true),
            Some(PathBuf::from("/appdata/pyexplain"))
        );
        assert_eq!(
            data_dir_from(no_xdg, false),
            Some(PathBuf::from("/home/u/.local/share/pyexplain"))
        );
        let empty = env(&[("XDG_DATA_HOME", ""), ("HOME", "")]);
        assert_eq!(data_dir_from(empty, false), None);
    }

    #[test]
    fn a_hand_written_file_without_version_is_accepted() {
        let l = Learned::parse(r#"{"learned": ["yield-from"]}"#).unwrap();
        assert!(l.contains("yield-from"));
    }

    #[test]
    fn blank_ids_are_dropped() {
        let l = Learned::parse(r#"{"version": 1, "learned": ["a", " ", ""]}"#).unwrap();
        assert_eq!(l.ids().collect::<Vec<_>>(), ["a"]);
    }
}
