//! The jupyterlab-lsp configuration of `editors/README.md`, checked for
//! real: a headless Jupyter server with `jupyter-lsp` starts pyexplain from
//! exactly that spec (its `argv` pointing at the built binary), and
//! `tests/jupyter/check.py` talks to it through jupyter-lsp's status page and
//! websocket. Skipped (visibly) without a Python that has `jupyter_lsp`,
//! unless `PYEXPLAIN_REQUIRE_EXTERNAL=1`.

mod common;

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

/// The JSON block after the marker in editors/README.md.
fn documented_spec() -> Value {
    let readme = std::fs::read_to_string(common::repo().join("editors/README.md")).unwrap();
    let marker = "<!-- jupyter-lsp spec: checked by tests/jupyter_lsp.rs -->";
    let after = &readme[readme.find(marker).expect("the marker") + marker.len()..];
    let body = after
        .split_once("```json\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .map(|(json, _)| json)
        .expect("a json block after the marker");
    serde_json::from_str(body).expect("the documented spec is JSON")
}

/// A Python with jupyter-lsp: `PYEXPLAIN_TEST_PYTHON` (scripts/test's venv), else `python3`.
fn python() -> Option<PathBuf> {
    let python = std::env::var_os("PYEXPLAIN_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"));
    let ok = Command::new(&python)
        .args(["-c", "import jupyter_lsp, jupyter_server"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

#[test]
fn jupyter_lsp_starts_pyexplain_from_the_documented_spec() {
    let mut config = documented_spec();
    let spec = &mut config["LanguageServerManager"]["language_servers"]["pyexplain"];
    assert_eq!(spec["argv"], serde_json::json!(["pyexplain", "server"]));
    let Some(python) = python() else {
        common::skip(
            "jupyter_lsp_starts_pyexplain_from_the_documented_spec",
            "no Python with jupyter-lsp and jupyter_server",
        );
        return;
    };
    spec["argv"][0] = Value::String(env!("CARGO_BIN_EXE_pyexplain").into());
    let dir = tempfile::Builder::new()
        .prefix("pyexplain-jupyter-")
        .tempdir()
        .unwrap();
    std::fs::write(
        dir.path().join("jupyter_server_config.json"),
        serde_json::to_string_pretty(&config).unwrap(),
    )
    .unwrap();
    let out = Command::new(python)
        .arg(common::repo().join("tests/jupyter/check.py"))
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for line in [
        "status: pyexplain listed",
        "initialize: serverInfo.name pyexplain",
        "hover: §7.4",
    ] {
        assert!(stdout.contains(line), "{stdout}");
    }
}
