//! The Python files of a project, as `check` and `map` (CLI) and the course
//! map (server) find and read them.

use std::path::{Path, PathBuf};

/// Files to analyse: given files as they are, directories walked for `*.py`
/// with `.gitignore` respected. Sorted, without duplicates; the second list
/// holds what could not be walked (missing paths, unreadable directories).
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_file() {
            files.push(path.clone());
        } else if path.is_dir() {
            let walker = ignore::WalkBuilder::new(path).build();
            for entry in walker {
                match entry {
                    Ok(e) => {
                        let p = e.path();
                        if e.file_type().is_some_and(|t| t.is_file())
                            && p.extension().is_some_and(|x| x == "py")
                        {
                            files.push(p.to_path_buf());
                        }
                    }
                    Err(e) => errors.push(e.to_string()),
                }
            }
        } else {
            errors.push(format!("{}: no such file or directory", path.display()));
        }
    }
    files.sort();
    files.dedup();
    (files, errors)
}

/// Why a file's text is not available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// An I/O error: the run fails.
    Error(String),
    /// Not UTF-8: the file is skipped with a warning.
    Skipped(String),
}

/// A source file's text, if it can be read and is UTF-8.
pub fn read(path: &Path) -> Result<String, Unreadable> {
    let bytes = std::fs::read(path).map_err(|e| Unreadable::Error(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| {
        Unreadable::Skipped(format!(
            "skipped: not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}
