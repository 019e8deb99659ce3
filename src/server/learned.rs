//! "I've learned this": the notes whose hovers the user wants brief. Kept per
//! user, never in the project: `learned.json` in the private data directory
//! ([`crate::dirs::data_dir`]: `$XDG_DATA_HOME/pyexplain/` when absolute,
//! else the platform's). Read when the server starts; every change is a
//! read-modify-write under an advisory lock (`learned.json.lock`), so two
//! editor windows merge their marks instead of overwriting each other's,
//! and the file is replaced atomically. A file that cannot be parsed is
//! kept aside as `learned.json.bad` (said in a message), never silently
//! overwritten.
//!
//! The file is `{"version": 1, "learned": ["yield-from", ...]}` with note ids
//! (not section numbers, which a new edition of the course may renumber).
//! Ids this version does not know are kept, so an older server never drops
//! what a newer one wrote.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The file's name inside the data directory.
pub const FILE_NAME: &str = "learned.json";
/// The largest learned file read (it holds a few dozen ids).
const MAX_SIZE: u64 = 1024 * 1024;

/// The learned file's path, if the user has a data directory (nothing is
/// created until a section is marked).
pub fn default_path() -> Option<PathBuf> {
    Some(crate::dirs::data_dir()?.join(FILE_NAME))
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

/// Reads the learned file (a regular file, not followed if it is a link,
/// at most 1 MB); any error means "nothing learned" to the caller.
pub fn load(path: &Path) -> Result<Learned, LoadError> {
    // A directory that is there must be ours (not a link planted by
    // someone else); one that is not there means nothing was marked.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if std::fs::symlink_metadata(dir).is_ok() {
            crate::dirs::private_dir(dir).map_err(LoadError::Unreadable)?;
        }
    }
    match crate::files::read_bounded(path, MAX_SIZE, false) {
        Ok(bytes) => Learned::parse(&String::from_utf8_lossy(&bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(LoadError::Missing),
        // A link, a FIFO, a device, or too large: not a file we wrote.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData
            ) || e.raw_os_error() == Some(ELOOP) =>
        {
            Err(LoadError::Corrupt(e.to_string()))
        }
        Err(e) => Err(LoadError::Unreadable(e)),
    }
}

/// `O_NOFOLLOW` on a link fails with `ELOOP`.
#[cfg(unix)]
const ELOOP: i32 = libc::ELOOP;
#[cfg(not(unix))]
const ELOOP: i32 = -1;

/// The result of a change: the merged set, and where an unreadable file
/// was kept aside (with why), if one was.
#[derive(Debug)]
pub struct Updated {
    pub learned: Learned,
    pub kept_aside: Option<(PathBuf, String)>,
}

/// Applies `change` to the file's current content (not this process's
/// copy: marks another window made since are kept), under an advisory lock
/// held for the read-modify-write, and writes it atomically. A file that
/// cannot be parsed is first renamed to `learned.json.bad` (or `.bad.N`).
pub fn update(path: &Path, change: impl FnOnce(&mut Learned)) -> std::io::Result<Updated> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    crate::dirs::private_dir(dir)?;
    let lock_path = path.with_extension("json.lock");
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
    }
    let lock = options.open(&lock_path)?;
    // An advisory lock (`File::lock`, Rust 1.89) around read-modify-write.
    lock.lock()?;
    let mut kept_aside = None;
    let mut learned = match load(path) {
        Ok(l) => l,
        Err(LoadError::Missing) => Learned::default(),
        Err(LoadError::Corrupt(why)) => {
            let aside = aside_name(path);
            std::fs::rename(path, &aside)?;
            kept_aside = Some((aside, why));
            Learned::default()
        }
        Err(LoadError::Unreadable(e)) => return Err(e),
    };
    change(&mut learned);
    crate::files::write_atomic(path, learned.to_json().as_bytes())?;
    drop(lock);
    Ok(Updated {
        learned,
        kept_aside,
    })
}

/// `learned.json.bad`, or `.bad.2`, `.bad.3`, … if taken.
fn aside_name(path: &Path) -> PathBuf {
    let base = path.with_extension("json.bad");
    let mut candidate = base.clone();
    let mut n = 2;
    while std::fs::symlink_metadata(&candidate).is_ok() {
        candidate = PathBuf::from(format!("{}.{n}", base.display()));
        n += 1;
    }
    candidate
}

/// Reads the learned file at `initialize`, with what to tell the client's
/// log: nothing marked yet, or why the file is ignored (it is left as it
/// is; the next mark keeps it aside as `learned.json.bad`).
pub fn load_reporting(
    path: Option<&Path>,
) -> (
    Learned,
    Option<(tower_lsp_server::ls_types::MessageType, String)>,
) {
    use tower_lsp_server::ls_types::MessageType;
    let Some(path) = path else {
        return (
            Learned::default(),
            Some((
                MessageType::WARNING,
                "pyexplain: no data directory (XDG_DATA_HOME, HOME, APPDATA): learned sections are not saved".to_string(),
            )),
        );
    };
    match load(path) {
        Ok(l) => (l, None),
        Err(LoadError::Missing) => (
            Learned::default(),
            Some((
                MessageType::LOG,
                format!(
                    "pyexplain: no section is marked as learned yet ({} does not exist)",
                    path.display()
                ),
            )),
        ),
        Err(e) => (
            Learned::default(),
            Some((
                MessageType::WARNING,
                format!(
                    "pyexplain: ignoring {} ({e}): no section is marked as learned; the next mark keeps it aside as {}.bad",
                    path.display(),
                    FILE_NAME
                ),
            )),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix("pyexplain-learned-unit-")
            .tempdir()
            .unwrap()
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
    fn update_round_trips_and_leaves_only_the_file_and_its_lock() {
        let dir = scratch();
        let path = dir.path().join("nested").join(FILE_NAME);
        let u = update(&path, |l| {
            l.mark("yield-from");
            l.mark("some-future-note");
        })
        .unwrap();
        assert!(u.kept_aside.is_none());
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("\"version\": 1"), "{text}");
        assert_eq!(load(&path).unwrap(), u.learned);
        let u = update(&path, |l| {
            l.unmark("yield-from");
        })
        .unwrap();
        assert_eq!(u.learned.ids().collect::<Vec<_>>(), ["some-future-note"]);
        assert_eq!(load(&path).unwrap(), u.learned);
        let mut names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [FILE_NAME, "learned.json.lock"]);
    }

    /// Two windows (here: threads with their own lock handles, as two
    /// processes would have) marking at the same time lose nothing.
    #[test]
    fn concurrent_updates_merge() {
        let dir = scratch();
        let path = dir.path().join(FILE_NAME);
        std::thread::scope(|s| {
            for t in 0..8 {
                let path = &path;
                s.spawn(move || {
                    for i in 0..20 {
                        update(path, |l| {
                            l.mark(&format!("note-{t}-{i}"));
                        })
                        .unwrap();
                    }
                });
            }
        });
        assert_eq!(load(&path).unwrap().ids().count(), 160);
    }

    #[test]
    fn an_unparsable_file_is_kept_aside_never_overwritten() {
        let dir = scratch();
        let path = dir.path().join(FILE_NAME);
        let typo = "{\"version\": 1, \"learned\": [\"yield-from\",]}\n";
        std::fs::write(&path, typo).unwrap();
        assert!(matches!(load(&path), Err(LoadError::Corrupt(_))));
        let u = update(&path, |l| {
            l.mark("async-def");
        })
        .unwrap();
        let (aside, why) = u.kept_aside.unwrap();
        assert_eq!(aside, dir.path().join("learned.json.bad"));
        assert!(!why.is_empty());
        assert_eq!(std::fs::read_to_string(&aside).unwrap(), typo);
        assert_eq!(
            load(&path).unwrap().ids().collect::<Vec<_>>(),
            ["async-def"]
        );
        // A second bad file does not replace the first one kept aside.
        std::fs::write(&path, "{").unwrap();
        let u = update(&path, |_| {}).unwrap();
        assert_eq!(
            u.kept_aside.unwrap().0,
            dir.path().join("learned.json.bad.2")
        );
        assert_eq!(std::fs::read_to_string(&aside).unwrap(), typo);
    }

    #[test]
    fn missing_and_corrupt_files_are_errors_not_panics() {
        let dir = scratch();
        let path = dir.path().join(FILE_NAME);
        assert!(matches!(load(&path), Err(LoadError::Missing)));
        for junk in ["", "{", "[1, 2]", "{\"learned\": \"x\"}", "\u{feff}\u{0}"] {
            std::fs::write(&path, junk).unwrap();
            assert!(
                matches!(load(&path), Err(LoadError::Corrupt(_))),
                "{junk:?}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_and_fifos_are_not_read() {
        let dir = scratch();
        let path = dir.path().join(FILE_NAME);
        let elsewhere = dir.path().join("planted.json");
        std::fs::write(&elsewhere, r#"{"learned": ["yield-from"]}"#).unwrap();
        std::os::unix::fs::symlink(&elsewhere, &path).unwrap();
        assert!(matches!(load(&path), Err(LoadError::Corrupt(_))));
        std::fs::remove_file(&path).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(made.success());
        // Would block forever if opened for reading as a file.
        assert!(matches!(load(&path), Err(LoadError::Corrupt(_))));
        let u = update(&path, |l| {
            l.mark("x");
        })
        .unwrap();
        assert!(u.kept_aside.is_some());
        assert_eq!(load(&path).unwrap().ids().collect::<Vec<_>>(), ["x"]);
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
