//! Embeds `knowledge/` into the binary: every file under it becomes an entry of
//! `KNOWLEDGE_FILES` (path relative to `knowledge/`, contents), and
//! `KNOWLEDGE_HASH` fingerprints them all, so a bug report names exactly what
//! was shown.
//!
//! The rule registry is not generated here: `src/analysis/rules/mod.rs`
//! holds it, checked against the directory by `tests/architecture.rs`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets this"));
    let knowledge = root.join("knowledge");
    println!("cargo:rerun-if-changed=knowledge");
    let mut files = Vec::new();
    collect(&knowledge, &mut files);
    files.sort();
    // FNV-1a over (name, contents): stable across builds and platforms.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut code = String::from("pub static KNOWLEDGE_FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path
            .strip_prefix(&knowledge)
            .expect("collected under knowledge/")
            .to_string_lossy()
            .replace('\\', "/");
        let bytes = std::fs::read(path).expect("knowledge file readable");
        for b in rel.bytes().chain([0u8]).chain(bytes.iter().copied()) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    writeln!(code, "pub static KNOWLEDGE_HASH: &str = \"{hash:016x}\";").expect("write");
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets this");
    writeln!(
        code,
        "pub static VERSION: &str = \"{version} (knowledge {hash:016x})\";"
    )
    .expect("write");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets this"));
    std::fs::write(out.join("knowledge_files.rs"), code).expect("write generated file");
    write_stubs(&root, &out);
}

/// Embeds the vendored typeshed stubs (`vendor/typeshed/stdlib/**.pyi`) as
/// `STUB_FILES`: (dotted module name, contents), sorted by name.
fn write_stubs(root: &Path, out: &Path) {
    let dir = root.join("vendor/typeshed/stdlib");
    println!("cargo:rerun-if-changed=vendor/typeshed/stdlib");
    let mut files = Vec::new();
    collect(&dir, &mut files);
    let mut modules: Vec<(String, PathBuf)> = files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pyi"))
        .map(|p| {
            let rel = p
                .strip_prefix(&dir)
                .expect("collected under stdlib/")
                .with_extension("")
                .to_string_lossy()
                .replace('\\', "/");
            let rel = rel.strip_suffix("/__init__").unwrap_or(&rel).to_string();
            (rel.replace('/', "."), p)
        })
        .collect();
    modules.sort();
    let mut code = String::from("pub static STUB_FILES: &[(&str, &str)] = &[\n");
    for (name, path) in &modules {
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    let mro = root.join("vendor/typeshed/runtime-mro.tsv");
    println!("cargo:rerun-if-changed={}", mro.display());
    writeln!(
        code,
        "pub static RUNTIME_MROS: &str = include_str!({:?});",
        mro.display().to_string()
    )
    .expect("write to string");
    let members = root.join("vendor/typeshed/runtime-members.tsv");
    println!("cargo:rerun-if-changed={}", members.display());
    writeln!(
        code,
        "pub static RUNTIME_MEMBERS: &str = include_str!({:?});",
        members.display().to_string()
    )
    .expect("write to string");
    std::fs::write(out.join("stub_files.rs"), code).expect("write generated file");
}
