//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod fixture;
pub mod lsp;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the built `pyexplain` with `args` in `dir`, without the locale
/// variables (so the language is English unless asked for).
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pyexplain"))
        .args(args)
        .current_dir(dir)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run pyexplain")
}

/// Runs the built `pyexplain` with `args` in the repository.
pub fn run(args: &[&str]) -> Output {
    run_in(&repo(), args)
}

/// A fresh directory `pyexplain-<name>-<pid>` in the system's temporary
/// directory holding `files` (path relative to it, text), their
/// directories made.
pub fn temp_tree(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pyexplain-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("make the temporary directory");
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("make a directory");
        }
        std::fs::write(&path, text).expect("write a file");
    }
    dir
}

/// A finished command's standard output, as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A finished command's standard error, as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Whether tests that need tools beyond cargo and python3 (Neovim, aiohttp)
/// must run: `scripts/test` (and so CI) sets `PYEXPLAIN_REQUIRE_EXTERNAL=1`.
pub fn external_required() -> bool {
    std::env::var_os("PYEXPLAIN_REQUIRE_EXTERNAL").is_some_and(|v| !v.is_empty() && v != "0")
}

/// A test that cannot run without `what`: a failure when external tools are
/// required, else a line on the terminal (past the harness's capture, so a
/// plain `cargo test` shows what it did not test).
pub fn skip(test: &str, what: &str) {
    assert!(
        !external_required(),
        "{test}: {what} (PYEXPLAIN_REQUIRE_EXTERNAL is set)"
    );
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {what} (./scripts/test installs it; PYEXPLAIN_REQUIRE_EXTERNAL=1 makes this a failure)"
    );
}

/// The standard library of `python3` (real code to test on).
pub fn stdlib() -> PathBuf {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("python3 is needed to find the stdlib");
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `actual` with the snapshot file; `UPDATE_SNAPSHOTS=1` rewrites it.
/// A missing snapshot fails (it is never created implicitly, so CI cannot
/// pass by writing its own expectations), and under `CI` the update
/// variable is refused for the same reason. A difference fails with a line
/// diff (snapshot `-`, actual `+`).
pub fn check_snapshot(path: &Path, actual: &str) {
    if let Some(message) = compare_snapshot(path, actual, update_snapshots()) {
        panic!("{message}");
    }
}

/// Whether `UPDATE_SNAPSHOTS` asks to rewrite snapshots; refused under CI.
pub fn update_snapshots() -> bool {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| !v.is_empty());
    assert!(
        !(update && in_ci()),
        "UPDATE_SNAPSHOTS is set under CI: snapshots are reviewed and committed, never written by CI"
    );
    update
}

/// What `check_snapshot` fails with, or `None` when the snapshot matches
/// (or was rewritten, with `update`).
pub fn compare_snapshot(path: &Path, actual: &str, update: bool) -> Option<String> {
    if update {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, actual).unwrap();
        return None;
    }
    let Ok(expected) = std::fs::read_to_string(path) else {
        return Some(format!(
            "missing snapshot {}; run `UPDATE_SNAPSHOTS=1 cargo test` and review it",
            path.display()
        ));
    };
    (expected != actual).then(|| {
        format!(
            "snapshot {} differs (run with UPDATE_SNAPSHOTS=1 to accept)\n\n{}",
            path.display(),
            similar_asserts::SimpleDiff::from_str(&expected, actual, "snapshot", "actual")
        )
    })
}

/// Whether this runs in CI (`CI` set to anything but empty, `0` or `false`,
/// as CI services and `.ci/run` set it).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && !v.eq_ignore_ascii_case("false"))
}
