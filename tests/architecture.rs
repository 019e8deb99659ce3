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
            // A `tests.rs` is a test module (`#[cfg(test)] mod tests;`).
            let code = if p.file_name().is_some_and(|n| n == "tests.rs") {
                String::new()
            } else {
                text.split("#[cfg(test)]").next().unwrap_or("").to_string()
            };
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

/// The rule registry in `src/analysis/rules/mod.rs` lists every rule file of
/// that directory (`mod x;` and `x::RULE`), in file-name order.
/// `UPDATE_SNAPSHOTS=1` rewrites it.
#[test]
fn rule_registry_is_up_to_date() {
    let dir = common::repo().join("src/analysis/rules");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let stem = name.strip_suffix(".rs")?.to_string();
            (stem != "mod").then_some(stem)
        })
        .collect();
    names.sort();
    let mut generated = String::new();
    generated
        .push_str("// @generated begin: the rule registry, one entry per file of this directory\n");
    generated
        .push_str("// (`tests/architecture.rs` checks it; `UPDATE_SNAPSHOTS=1 cargo test --test\n");
    generated.push_str("// architecture` rewrites it).\n");
    for n in &names {
        generated.push_str(&format!("mod {n};\n"));
    }
    generated.push_str("\n/// Every rule, in file-name order.\npub static RULES: &[Rule] = &[\n");
    for n in &names {
        generated.push_str(&format!("    {n}::RULE,\n"));
    }
    generated.push_str("];\n// @generated end\n");
    let path = dir.join("mod.rs");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find("// @generated begin")
        .expect("generated section start");
    let end = text
        .find("// @generated end\n")
        .expect("generated section end")
        + "// @generated end\n".len();
    let current = &text[start..end];
    if current != generated {
        if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
            let updated = format!("{}{generated}{}", &text[..start], &text[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "src/analysis/rules/mod.rs: the rule registry does not match the directory; run `UPDATE_SNAPSHOTS=1 cargo test --test architecture`\n--- expected\n{generated}\n--- actual\n{current}"
            );
        }
    }
}
