//! The "open the chapter" action's files: the embedded chapters, written once
//! per version under the user's cache directory (never inside the project),
//! so an editor can open them as ordinary markdown files.

use std::path::{Path, PathBuf};

use crate::knowledge::{knowledge, Note, KNOWLEDGE_HASH};

/// `$XDG_CACHE_HOME/pyexplain/<version>-<knowledge hash>/`, falling back to
/// `~/.cache`, `%LOCALAPPDATA%`, then the temporary directory.
pub fn cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })
        .or_else(|| std::env::var_os("LOCALAPPDATA").map(PathBuf::from))
        .unwrap_or_else(std::env::temp_dir);
    base.join("pyexplain")
        .join(format!("{}-{}", env!("CARGO_PKG_VERSION"), KNOWLEDGE_HASH))
}

/// Writes every chapter file under `dir` (if not there yet) and returns the
/// path of the one holding `note`. Files are written to a temporary name and
/// renamed, so a concurrent reader never sees half a file.
pub fn materialize(dir: &Path, note: &Note) -> std::io::Result<PathBuf> {
    let k = knowledge();
    for chapter in &k.chapters {
        let path = dir.join(chapter.file);
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension(format!("md.{}.tmp", std::process::id()));
        std::fs::write(&tmp, chapter.text)?;
        std::fs::rename(&tmp, &path)?;
    }
    Ok(dir.join(note.file))
}
