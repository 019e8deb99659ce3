//! The command-line client, run as a user runs it.

mod common;

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pyexplain"))
        .args(args)
        .current_dir(common::repo())
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run pyexplain")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn line_col_of(path: &str, needle: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(common::repo().join(path)).unwrap();
    for (i, line) in text.lines().enumerate() {
        if let Some(b) = line.find(needle) {
            return (i + 1, line[..b].chars().count() + 1);
        }
    }
    panic!("{needle} not in {path}");
}

#[test]
fn explain_yield_from_in_the_example() {
    let (line, col) = line_col_of("examples/generators.py", "yield from");
    let loc = format!("examples/generators.py:{line}:{col}");
    let o = run(&["explain", &loc]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(&format!("examples/generators.py:{line}:{col}: §12.6 ")),
        "{out}"
    );
    assert!(
        out.contains("`delegate` is a delegating generator"),
        "{out}"
    );

    let o = run(&["explain", &loc, "--lang", "zh", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["section"], "12.6");
    assert_eq!(v["id"], "yield-from");
    assert_eq!(v["lang"], "zh");
    assert_eq!(v["range"]["start"]["line"], line);
    assert!(v["context"].as_str().unwrap().contains("委派生成器"));

    let o = run(&["explain", &loc, "--full"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("## §12.6 "));
}

#[test]
fn explain_exit_codes() {
    // A plain name: nothing to explain -> 1.
    let (line, col) = line_col_of("examples/generators.py", "total = 0.0");
    let o = run(&["explain", &format!("examples/generators.py:{line}:{col}")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("has a note"), "{}", stderr(&o));
    // Bad path, bad line, bad column, bad syntax -> 2.
    for loc in [
        "missing.py:1:1",
        "examples/generators.py:9999:1",
        "examples/generators.py:1:999",
        "examples/generators.py:0:1",
        "examples/generators.py:x:1",
        "examples/generators.py",
    ] {
        let o = run(&["explain", loc]);
        assert_eq!(o.status.code(), Some(2), "{loc}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with("pyexplain: "),
            "{loc}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn explain_rejects_non_utf8() {
    let dir = std::env::temp_dir().join(format!("pyexplain-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("latin1.py");
    std::fs::write(&file, b"s = '\xe9'\n").unwrap();
    let o = run(&["explain", &format!("{}:1:1", file.display())]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not UTF-8"));
}

#[test]
fn notes_lists_every_note() {
    let o = run(&["notes"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 74);
    assert!(out
        .lines()
        .any(|l| l.starts_with("§12.6") && l.contains("yield-from")));
    let o = run(&["notes", "--lang", "zh", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 74);
    assert_eq!(v[0]["section"], "2.1");
}

#[test]
fn note_by_section_or_id() {
    let by_section = stdout(&run(&["note", "12.6"]));
    let by_id = stdout(&run(&["note", "yield-from"]));
    assert_eq!(by_section, by_id);
    assert!(by_section.starts_with("## §12.6 "));
    let o = run(&["note", "99.1"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn version_and_help() {
    let o = run(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    let v = stdout(&o);
    assert!(
        v.starts_with(&format!(
            "pyexplain {} (knowledge ",
            env!("CARGO_PKG_VERSION")
        )),
        "{v}"
    );
    for cmd in [
        &["--help"][..],
        &["explain", "--help"],
        &["notes", "--help"],
        &["server", "--help"],
        &["note", "--help"],
    ] {
        let o = run(cmd);
        assert_eq!(o.status.code(), Some(0), "{cmd:?}");
        assert!(stdout(&o).contains("Usage"), "{cmd:?}");
    }
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}
