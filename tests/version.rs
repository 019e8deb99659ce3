//! One version number, in Cargo.toml: the wheel reads it (maturin's dynamic
//! version) and the VS Code extension must carry the same one.

mod common;

#[test]
fn versions_agree() {
    let version = env!("CARGO_PKG_VERSION");
    let package: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo().join("editors/vscode/package.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        package["version"], version,
        "editors/vscode/package.json version differs from Cargo.toml"
    );
    let pyproject = std::fs::read_to_string(common::repo().join("pyproject.toml")).unwrap();
    assert!(
        pyproject.contains("dynamic = [\"version\"]") && !pyproject.contains("\nversion ="),
        "pyproject.toml must take its version from Cargo.toml (dynamic = [\"version\"])"
    );
    assert!(pyexplain::version_string().starts_with(&format!("{version} (knowledge ")));
}
