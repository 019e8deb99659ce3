//! The file system, for every client: the Python files of a project (as
//! `check` and `map` (CLI) and the course map (server) find them, with the
//! same exclusions), reading
//! them with a bound and only when they are regular files, and the one
//! atomic write every writer uses.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;

/// The largest source file read (a larger one is skipped with a warning):
/// far above any real module, far below what would exhaust memory.
pub const MAX_SOURCE: u64 = 64 * 1024 * 1024;

/// What a walk leaves out when nothing is configured: ruff's default
/// excludes (virtual environments, version control, build output, caches).
/// Matched against each directory's and file's name, at any depth.
pub const DEFAULT_EXCLUDE: &[&str] = &[
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
];

/// The command line's part in file selection (`--exclude`,
/// `--extend-exclude`, `--force-exclude`); patterns are relative to the
/// working directory. The default is what the server uses: the
/// configuration of each directory, else [`DEFAULT_EXCLUDE`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exclusions {
    /// Replaces `exclude` of `pyproject.toml` and the defaults.
    pub exclude: Option<Vec<String>>,
    /// Added to whatever `exclude` is, like `extend-exclude`.
    pub extend_exclude: Vec<String>,
    /// Paths given explicitly are excluded too (otherwise only what a
    /// directory walk finds is).
    pub force_exclude: bool,
}

/// An error message if `pattern` is not a valid glob.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    globset::Glob::new(pattern)
        .map(|_| ())
        .map_err(|e| format!("invalid pattern `{pattern}`: {}", e.kind()))
}

/// The exclusions in force in one directory: a path is excluded when its
/// name or its absolute path matches a pattern. A pattern is matched as
/// written (`venv`, `*_pb2.py`: any name at any depth) and, joined to the
/// directory it is relative to (`gen/legacy` from `pyproject.toml`'s
/// directory), against the absolute path.
#[derive(Debug)]
struct Matcher(globset::GlobSet);

impl Matcher {
    fn new(config: &Config, cli: &Exclusions, cwd: &Path) -> Result<Matcher, String> {
        let root = config
            .source
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(cwd);
        let mut builder = globset::GlobSetBuilder::new();
        let mut add = |pattern: &str, base: Option<&Path>| -> Result<(), String> {
            let glob = |p: &str| {
                globset::Glob::new(p).map_err(|e| format!("invalid pattern `{p}`: {}", e.kind()))
            };
            builder.add(glob(pattern)?);
            if let Some(base) = base {
                let base = globset::escape(&base.to_string_lossy());
                let joined = normalize(&Path::new(&base).join(pattern));
                builder.add(glob(&joined.to_string_lossy())?);
            }
            Ok(())
        };
        match (&cli.exclude, &config.exclude) {
            (Some(patterns), _) => patterns.iter().try_for_each(|p| add(p, Some(cwd)))?,
            (None, Some(patterns)) => patterns.iter().try_for_each(|p| add(p, Some(root)))?,
            (None, None) => DEFAULT_EXCLUDE.iter().try_for_each(|p| add(p, None))?,
        }
        for p in &config.extend_exclude {
            add(p, Some(root))?;
        }
        for p in &cli.extend_exclude {
            add(p, Some(cwd))?;
        }
        builder
            .build()
            .map(Matcher)
            .map_err(|e| format!("exclude patterns: {e}"))
    }

    /// `path` is absolute and normalized.
    fn excludes(&self, path: &Path) -> bool {
        self.0.is_match(path) || path.file_name().is_some_and(|n| self.0.is_match(n))
    }
}

/// `path` without `.` components and with `..` applied to the part before
/// it (lexically: for matching patterns, not for opening files).
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The exclusions of every directory a run meets, from the nearest
/// `pyproject.toml` of each (read once per file).
#[derive(Debug)]
struct Resolver {
    cli: Exclusions,
    cwd: PathBuf,
    /// The nearest `pyproject.toml` of each directory met.
    pyprojects: std::sync::Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Per `pyproject.toml` (`None`: none found).
    matchers: std::sync::Mutex<HashMap<Option<PathBuf>, Arc<Matcher>>>,
    /// Configurations that could not be read (each said once).
    problems: std::sync::Mutex<Vec<String>>,
}

impl Resolver {
    fn absolute(&self, path: &Path) -> PathBuf {
        normalize(&self.cwd.join(path))
    }

    /// The exclusions in force in directory `dir` (absolute).
    fn matcher(&self, dir: &Path) -> Arc<Matcher> {
        let pyproject = {
            let mut known = match self.pyprojects.lock() {
                Ok(m) => m,
                Err(poisoned) => poisoned.into_inner(),
            };
            known
                .entry(dir.to_path_buf())
                .or_insert_with(|| crate::config::find_pyproject(dir))
                .clone()
        };
        let mut matchers = match self.matchers.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(m) = matchers.get(&pyproject) {
            return m.clone();
        }
        let config = match &pyproject {
            Some(p) => crate::config::load_for(p).unwrap_or_else(|e| {
                self.problem(e);
                Config::default()
            }),
            None => Config::default(),
        };
        let matcher = Matcher::new(&config, &self.cli, &self.cwd)
            .or_else(|e| {
                self.problem(e);
                Matcher::new(&Config::default(), &Exclusions::default(), &self.cwd)
            })
            .unwrap_or_else(|_| Matcher(globset::GlobSet::empty()));
        let matcher = Arc::new(matcher);
        matchers.insert(pyproject, matcher.clone());
        matcher
    }

    fn problem(&self, message: String) {
        if let Ok(mut p) = self.problems.lock() {
            if !p.contains(&message) {
                p.push(message);
            }
        }
    }

    /// Whether a walk excludes `path` (absolute), judged by its directory.
    fn excluded(&self, path: &Path) -> bool {
        path.parent()
            .is_some_and(|dir| self.matcher(dir).excludes(path))
    }

    /// Whether `--force-exclude` drops a path given explicitly: the path or
    /// a directory above it, up to (not including) its project's root (the
    /// directory of its `pyproject.toml`, else the working directory), is
    /// excluded.
    fn excluded_explicitly(&self, path: &Path) -> bool {
        let root = crate::config::find_pyproject(path)
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| self.cwd.clone());
        let mut current = Some(path);
        while let Some(p) = current {
            if p == root {
                break;
            }
            if self.excluded(p) {
                return true;
            }
            if !p.starts_with(&root) {
                break;
            }
            current = p.parent();
        }
        false
    }
}

/// Files to analyse, as ruff selects them: given files as they are (unless
/// `force_exclude` and excluded), directories walked for `*.py` and `*.ipynb` with
/// `.gitignore` respected and the exclusions of each directory's
/// `pyproject.toml` (`exclude`, `extend-exclude`, else [`DEFAULT_EXCLUDE`])
/// and of the command line applied. Sorted, without duplicates; the second
/// list holds what could not be walked (missing paths, unreadable
/// directories, a `pyproject.toml` that cannot be read). Given paths that
/// are not regular files or directories (a FIFO, a device) are kept:
/// [`read`] skips them with a warning.
pub fn collect(paths: &[PathBuf], exclusions: &Exclusions) -> (Vec<PathBuf>, Vec<String>) {
    let resolver = Arc::new(Resolver {
        cli: exclusions.clone(),
        cwd: std::env::current_dir().unwrap_or_default(),
        pyprojects: Default::default(),
        matchers: Default::default(),
        problems: Default::default(),
    });
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(_) => {
                errors.push(format!("{}: no such file or directory", path.display()));
                continue;
            }
        };
        if exclusions.force_exclude && resolver.excluded_explicitly(&resolver.absolute(path)) {
            continue;
        }
        if !meta.is_dir() {
            files.push(path.clone());
            continue;
        }
        let r = resolver.clone();
        let walker = ignore::WalkBuilder::new(path)
            // Hidden directories are walked (`.github/scripts`); the
            // exclusions name the ones to leave out (`.venv`, `.git`).
            .hidden(false)
            .filter_entry(move |e| e.depth() == 0 || !r.excluded(&r.absolute(e.path())))
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let p = e.path();
                    if e.file_type().is_some_and(|t| t.is_file())
                        && p.extension().is_some_and(|x| x == "py" || x == "ipynb")
                    {
                        files.push(p.to_path_buf());
                    }
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    if let Ok(problems) = resolver.problems.lock() {
        errors.extend(problems.iter().cloned());
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
