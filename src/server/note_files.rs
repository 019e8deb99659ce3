//! The "open the chapter" action's files: the embedded chapters, written once
//! per version under the user's private cache directory (never inside the
//! project, never in a shared temporary directory), so an editor can open
//! them as ordinary markdown files.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::knowledge::{knowledge, Note, KNOWLEDGE_HASH};

/// `<cache>/pyexplain/<version>-<knowledge hash>/` (see [`crate::dirs`]),
/// created private.
pub fn cache_dir() -> Result<PathBuf, String> {
    let dir =
        crate::dirs::cache_dir()?.join(format!("{}-{}", env!("CARGO_PKG_VERSION"), KNOWLEDGE_HASH));
    crate::dirs::private_dir(&dir).map_err(|e| e.to_string())
}

/// The path of the chapter file holding `note`, under [`cache_dir`]. The
/// chapters are written on first use only (once per process), so callers
/// on hot paths (every publishDiagnostics) do no file-system work; a caller
/// about to show the file checks it still exists (see `open_note`).
pub fn note_path(note: &Note) -> Result<PathBuf, String> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let dir = DIR
        .get_or_init(|| {
            let dir = cache_dir()?;
            materialize(&dir).map(|()| dir).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)?;
    Ok(dir.join(note.file))
}

/// Writes every chapter file under `dir` (those not there yet, or not a
/// regular file: a link or anything else there is replaced), each
/// atomically, so a concurrent reader never sees half a file.
pub fn materialize(dir: &Path) -> std::io::Result<()> {
    let k = knowledge();
    for chapter in &k.chapters {
        let path = dir.join(chapter.file);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            crate::dirs::private_dir(parent)?;
        }
        crate::files::write_atomic(&path, chapter.text.as_bytes())?;
    }
    Ok(())
}
