//! The "open the chapter" action's files: the embedded chapters, written once
//! per version under the user's cache directory (never inside the project),
//! so an editor can open them as ordinary markdown files.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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

/// The path of the chapter file holding `note`, under [`cache_dir`]. The
/// chapters are written on first use only (once per process), so callers
/// on hot paths (every publishDiagnostics) do no file-system work; a caller
/// about to show the file checks it still exists (see `open_note`).
pub fn note_path(note: &Note) -> Result<PathBuf, String> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let dir = DIR
        .get_or_init(|| {
            let dir = cache_dir();
            materialize(&dir).map(|()| dir).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)?;
    Ok(dir.join(note.file))
}

/// Writes every chapter file under `dir` (those not there yet). Files are
/// written to a temporary name and renamed, so a concurrent reader never sees
/// half a file.
pub fn materialize(dir: &Path) -> std::io::Result<()> {
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
    Ok(())
}
