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
            // A `tests.rs` is a test module (`#[cfg(test)] mod tests;`); an
            // inline one (`#[cfg(test)]` then `mod tests {`) ends the code.
            // A `#[cfg(test)] mod tests;` line does not: the rest of its
            // file is code.
            let code = if p.file_name().is_some_and(|n| n == "tests.rs") {
                String::new()
            } else {
                let inline = text
                    .match_indices("#[cfg(test)]")
                    .find(|(i, m)| text[i + m.len()..].trim_start().starts_with("mod tests {"));
                text[..inline.map_or(text.len(), |(i, _)| i)].to_string()
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

/// The core takes text and returns data: no file, process, socket,
/// environment, clock or standard stream in `src/analysis/` (the CLI and
/// the server read files and pass their text in).
#[test]
fn analysis_does_no_io() {
    let forbidden = [
        "std::fs",
        "std::io",
        "std::net",
        "std::process",
        "std::env",
        "std::time",
        "std::thread",
        "tokio",
        "File::",
        "include_bytes!(\"/",
        "eprint",
        "println!",
    ];
    let mut checked = 0;
    for (path, code) in sources() {
        if !path.starts_with("analysis/") {
            continue;
        }
        checked += 1;
        for needle in forbidden {
            assert!(
                !code.contains(needle),
                "src/{path} mentions {needle}: the analysis core does no I/O"
            );
        }
    }
    assert!(checked > 20, "only {checked} files under src/analysis/");
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
        if common::update_snapshots() {
            let updated = format!("{}{generated}{}", &text[..start], &text[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "src/analysis/rules/mod.rs: the rule registry does not match the directory; run `UPDATE_SNAPSHOTS=1 cargo test --test architecture`\n\n{}",
                similar_asserts::SimpleDiff::from_str(current, &generated, "mod.rs", "directory")
            );
        }
    }
}

/// The modules a file's code names: `super::x`, `super::super::x`,
/// `crate::analysis::x` (the first path segment after the prefix).
fn named_modules(code: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for prefix in ["super::super::", "crate::analysis::", "super::"] {
        for (i, _) in code.match_indices(prefix) {
            // `super::super::x` is not `super::` + `super`.
            if prefix == "super::" && code[i + prefix.len()..].starts_with("super::") {
                continue;
            }
            if prefix == "super::" && code[..i].ends_with("super::") {
                continue;
            }
            let name: String = code[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.push((prefix.to_string(), name));
        }
    }
    out
}

/// The analysis layer points one way (issue 19): each module names only
/// modules below it, in this order (tree ← semantic ← runtime ← triggers ←
/// explain ← course map); inside `semantic/`, the answers about classes
/// (`lookup.rs`) sit below both `infer.rs` and `classes.rs`.
#[test]
fn analysis_layers_point_one_way() {
    let analysis = [
        "text",
        "syntax",
        "ids",
        "args",
        "tree",
        "fix",
        "semantic",
        "runtime",
        "triggers",
        "explain",
        "file_query",
        "course_map",
        "hints",
        "rules",
        "findings",
    ];
    let semantic = [
        "value", "ir", "lookup", "splice", "builder", "stubs", "world", "infer", "classes", "nodes",
    ];
    let rank = |list: &[&str], name: &str| list.iter().position(|m| *m == name);
    let mut checked = 0;
    for (path, code) in sources() {
        let Some(rest) = path.strip_prefix("analysis/") else {
            continue;
        };
        let (top, sub) = match rest.split_once('/') {
            Some((dir, file)) => (dir, file.strip_suffix(".rs")),
            None => (rest.strip_suffix(".rs").unwrap(), None),
        };
        if top == "mod" || matches!(sub, Some("mod" | "tests")) {
            continue;
        }
        let mine = rank(&analysis, top).unwrap_or_else(|| panic!("src/{path}: no layer"));
        let mine_in_semantic = match (top, sub) {
            ("semantic", Some(file)) => {
                Some(rank(&semantic, file).unwrap_or_else(|| panic!("src/{path}: no layer")))
            }
            _ => None,
        };
        checked += 1;
        for (prefix, name) in named_modules(&code) {
            // Inside `semantic/` (and `rules/`), `super::x` is a sibling.
            let sibling = prefix == "super::" && sub.is_some();
            if sibling {
                if let (Some(mine), Some(theirs)) = (mine_in_semantic, rank(&semantic, &name)) {
                    assert!(
                        theirs <= mine,
                        "src/{path} names semantic::{name}, a layer above it"
                    );
                }
                continue;
            }
            if let Some(theirs) = rank(&analysis, &name) {
                assert!(
                    theirs <= mine,
                    "src/{path} names analysis::{name}, a layer above it"
                );
            }
        }
    }
    assert!(checked > 30, "only {checked} files checked");
    // The check itself.
    assert_eq!(
        named_modules("use super::super::tree::x; use super::infer; crate::analysis::explain"),
        vec![
            ("super::super::".to_string(), "tree".to_string()),
            ("crate::analysis::".to_string(), "explain".to_string()),
            ("super::".to_string(), "infer".to_string()),
        ]
    );
}

/// A rule reaches the rest of the module only through `Ctx::root` (or the
/// `Ctx` helpers that scan the module), which mark the unit being checked
/// as reading beyond itself: `findings::analyse` then never reuses its
/// findings after an edit. A rule that took the tree's root itself would
/// have its findings kept when code elsewhere changed.
#[test]
fn rules_reach_the_module_only_through_ctx() {
    let mut checked = 0;
    for (path, code) in sources() {
        let Some(file) = path.strip_prefix("analysis/rules/") else {
            continue;
        };
        if file == "mod.rs" {
            continue;
        }
        checked += 1;
        for banned in ["parsed.tree", "root_node("] {
            assert!(
                !code.contains(banned),
                "src/{path} uses `{banned}`: take the root with `ctx.root()`"
            );
        }
        // The statements after a module-level one are other units.
        let siblings = ["next_named_sibling", "prev_named_sibling", "next_sibling()"];
        if siblings.iter().any(|s| code.contains(s)) {
            assert!(
                code.contains("ctx.reads_module()"),
                "src/{path} looks at sibling statements: at module level it must call `ctx.reads_module()`"
            );
        }
    }
    assert!(checked >= 25, "only {checked} rule files checked");
}
