//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod fixture;
pub mod lsp;

use std::path::{Path, PathBuf};

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

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `actual` with the snapshot file; `UPDATE_SNAPSHOTS=1` rewrites it.
/// A missing snapshot fails (it is never created implicitly, so CI cannot
/// pass by writing its own expectations).
pub fn check_snapshot(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}; run `UPDATE_SNAPSHOTS=1 cargo test` and review it",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "snapshot {} differs (run with UPDATE_SNAPSHOTS=1 to accept)\n--- expected\n{expected}\n--- actual\n{actual}",
            path.display()
        );
    }
}
