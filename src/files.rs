//! The file system, for every client: the Python files of a project (as
//! `check` and `map` (CLI) and the course map (server) find them), reading
//! them with a bound and only when they are regular files, and the one
//! atomic write every writer uses.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The largest source file read (a larger one is skipped with a warning):
/// far above any real module, far below what would exhaust memory.
pub const MAX_SOURCE: u64 = 64 * 1024 * 1024;

/// Files to analyse: given files as they are, directories walked for `*.py`
/// with `.gitignore` respected. Sorted, without duplicates; the second list
/// holds what could not be walked (missing paths, unreadable directories).
/// Given paths that are not regular files or directories (a FIFO, a
/// device) are kept: [`read`] skips them with a warning.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
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
            }
            Ok(_) => files.push(path.clone()),
            Err(_) => errors.push(format!("{}: no such file or directory", path.display())),
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
    /// Not a regular file, too large, or not UTF-8: skipped with a warning.
    Skipped(String),
}

/// Opens `path` for reading only if it is a regular file: a FIFO would
/// block, a device never ends. The kind is checked on the open file
/// (opened non-blocking), so it cannot be swapped in between.
/// `follow`: whether a symbolic link at `path` itself is followed.
pub fn open_regular(path: &Path, follow: bool) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
        options.custom_flags(libc::O_NONBLOCK | nofollow);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    Ok(file)
}

/// Reads at most `limit` bytes of a regular file; more is an error.
pub fn read_bounded(path: &Path, limit: u64, follow: bool) -> std::io::Result<Vec<u8>> {
    let file = open_regular(path, follow)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {} MB", limit / (1024 * 1024)),
        ));
    }
    Ok(bytes)
}

/// A source file's text, if it is a regular file of at most [`MAX_SOURCE`]
/// bytes of UTF-8.
pub fn read(path: &Path) -> Result<String, Unreadable> {
    let bytes = read_bounded(path, MAX_SOURCE, true).map_err(|e| match e.kind() {
        std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => {
            Unreadable::Skipped(format!("skipped: {e}"))
        }
        _ => Unreadable::Error(e.to_string()),
    })?;
    String::from_utf8(bytes).map_err(|e| {
        Unreadable::Skipped(format!(
            "skipped: not UTF-8 (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Writes `bytes` to `path` atomically: a temporary file in the same
/// directory, written, flushed to disk (`fsync`), given the permissions of
/// the file it replaces, then renamed over it. A failure at any step leaves
/// the original untouched (and removes the temporary file). A symbolic
/// link at `path` is replaced, not followed: callers that mean the link's
/// target pass the canonical path.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "file".to_string(), |n| n.to_string_lossy().into_owned());
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        if meta.is_file() {
            tmp.as_file().set_permissions(meta.permissions())?;
        }
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename itself is durable once the directory is synced (best
    // effort: not every platform can open a directory).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("pyexplain-files-{name}-"))
            .tempdir()
            .unwrap()
    }

    #[test]
    fn atomic_write_replaces_keeps_permissions_and_leaves_no_temporary() {
        let dir = scratch("atomic");
        let path = dir.path().join("a.py");
        std::fs::write(&path, "old\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        }
        write_atomic(&path, b"new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o640);
        }
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["a.py"]);
    }

    #[test]
    fn a_failed_atomic_write_leaves_the_original() {
        let dir = scratch("fail");
        // The target is a directory: the rename fails after the temporary
        // file was written.
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), "x").unwrap();
        assert!(write_atomic(&path, b"new").is_err());
        assert!(path.is_dir());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["taken"], "no temporary file left");
        // A missing directory: nothing written anywhere.
        assert!(write_atomic(&dir.path().join("no/such/dir/a.py"), b"x").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_skipped_and_reads_are_bounded() {
        let dir = scratch("special");
        let fifo = dir.path().join("f.py");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Would block forever if opened as a file for reading.
        assert!(matches!(read(&fifo), Err(Unreadable::Skipped(_))));
        assert!(matches!(
            read(Path::new("/dev/zero")),
            Err(Unreadable::Skipped(_))
        ));
        let big = dir.path().join("big.py");
        std::fs::write(&big, vec![b'#'; 2000]).unwrap();
        assert!(read_bounded(&big, 1000, true).is_err());
        assert_eq!(read_bounded(&big, 2000, true).unwrap().len(), 2000);
        // A link is followed only when asked.
        let link = dir.path().join("link.py");
        std::os::unix::fs::symlink(&big, &link).unwrap();
        assert!(read_bounded(&link, 5000, true).is_ok());
        assert!(read_bounded(&link, 5000, false).is_err());
    }
}
