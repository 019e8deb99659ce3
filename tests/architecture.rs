//! Invariants of ARCHITECTURE.md that a grep can prove.

mod common;

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Each source file's text before its `#[cfg(test)]` module, with its path
/// relative to `src/`.
fn sources() -> Vec<(String, String)> {
    let src = common::repo().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
            let rel = p
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, code)
        })
        .collect()
}

#[test]
fn only_the_server_knows_lsp() {
    for (path, code) in sources() {
        if path.starts_with("server/") {
            continue;
        }
        for needle in ["tower_lsp_server", "ls_types", "lsp_types"] {
            assert!(
                !code.contains(needle),
                "src/{path} mentions {needle}: LSP types belong in src/server/"
            );
        }
    }
}

#[test]
fn stdout_belongs_to_the_protocol() {
    for (path, code) in sources() {
        if path.starts_with("cli/") || path == "main.rs" {
            continue;
        }
        for needle in ["println!", "print!(", "std::io::stdout", "dbg!("] {
            assert!(
                !code.contains(needle),
                "src/{path} writes to stdout ({needle})"
            );
        }
    }
}

#[test]
fn no_unwrap_or_expect_outside_tests() {
    for (path, code) in sources() {
        for needle in [".unwrap()", ".expect("] {
            assert!(
                !code.contains(needle),
                "src/{path} uses {needle}: handle the error instead"
            );
        }
    }
}
