//! The user's cache and data directories, in one place: the platform's
//! (`dirs`: `$XDG_CACHE_HOME` / `$XDG_DATA_HOME` when they are absolute,
//! else `~/.cache` / `~/.local/share` on Linux, `~/Library/Caches` /
//! `~/Library/Application Support` on macOS, `%LOCALAPPDATA%` / `%APPDATA%`
//! on Windows), never a shared temporary directory, never a relative path
//! (which would write into the project).
//!
//! pyexplain's directory under either is private: created with mode 0700,
//! and used only if it is a real directory (not a symbolic link) owned by
//! the current user and writable by no one else, so no other user can
//! plant the files it reads there.

use std::path::{Path, PathBuf};

/// `<cache>/pyexplain`, private.
pub fn cache_dir() -> Result<PathBuf, String> {
    let base = dirs::cache_dir().ok_or("no cache directory (XDG_CACHE_HOME, HOME)")?;
    private_dir(&base.join("pyexplain")).map_err(|e| e.to_string())
}

/// `<data>/pyexplain`, not created: whoever writes there makes it private
/// with [`private_dir`] first.
pub fn data_dir() -> Option<PathBuf> {
    Some(dirs::data_dir()?.join("pyexplain"))
}

/// Creates `dir` (and missing parents) with mode 0700 and checks it is
/// ours: a directory, not a link, owned by us, closed to others (a mode
/// that lets others in is tightened).
pub fn private_dir(dir: &Path) -> std::io::Result<PathBuf> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    let meta = std::fs::symlink_metadata(dir)?;
    let refuse = |why: &str| {
        Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("{}: {why}; not used", dir.display()),
        ))
    };
    if !meta.is_dir() {
        return refuse("not a directory (a symbolic link or another file)");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me {
            return refuse("owned by another user");
        }
        if meta.mode() & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn private_dirs_are_0700_and_links_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let dir = private_dir(&root.path().join("a/b/pyexplain")).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        // Too open: tightened.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        // A planted link (to a directory someone else controls): refused.
        let elsewhere = root.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        let link = root.path().join("link");
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        assert!(private_dir(&link).is_err());
        // A file where the directory should be: refused.
        let file = root.path().join("file");
        std::fs::write(&file, "").unwrap();
        assert!(private_dir(&file).is_err());
    }
}
