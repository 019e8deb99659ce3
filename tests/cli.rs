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

fn temp_project(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pyexplain-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    std::fs::write(
        dir.join("pkg/bad.py"),
        "def add(item, bucket=[]):\n    return bucket\n\nok = 1 is 1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("pkg/clean.py"),
        "def add(item, bucket=None):\n    return bucket\n",
    )
    .unwrap();
    std::fs::write(dir.join("pkg/latin1.py"), b"s = '\xe9'\n").unwrap();
    std::fs::write(dir.join("ignored.py"), "def f(x=[]):\n    return x\n").unwrap();
    std::fs::write(dir.join(".gitignore"), "ignored.py\n").unwrap();
    // The ignore crate honours .gitignore inside git repositories.
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    dir
}

#[test]
fn check_reports_like_ruff_with_exit_codes() {
    let dir = temp_project("report");
    let d = dir.to_string_lossy().to_string();
    let o = run(&["check", &d]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("pkg/bad.py:1:22: mutable-default-argument "),
        "{out}"
    );
    assert!(
        out.contains("[§7.4]") && out.contains("1 | def add(item, bucket=[]):"),
        "{out}"
    );
    assert!(out.contains("pkg/bad.py:4:6: is-literal "), "{out}");
    assert!(
        !out.contains("ignored.py"),
        ".gitignore must be respected: {out}"
    );
    assert!(
        stderr(&o).contains("latin1.py: skipped: not UTF-8"),
        "{}",
        stderr(&o)
    );
    // Clean file: 0.
    assert_eq!(
        run(&["check", &format!("{d}/pkg/clean.py")]).status.code(),
        Some(0)
    );
    // --select / --ignore.
    let o = run(&["check", &d, "--select", "is-literal", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["rule"], "is-literal");
    assert_eq!(v[0]["section"], "7.2");
    assert_eq!(v[0]["fix"]["safety"], "safe");
    assert_eq!(
        run(&[
            "check",
            &d,
            "--ignore",
            "is-literal,mutable-default-argument"
        ])
        .status
        .code(),
        Some(0)
    );
    // Unknown rule ids and paths are usage errors.
    assert_eq!(
        run(&["check", &d, "--select", "nope"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["check", &format!("{d}/missing")]).status.code(),
        Some(2)
    );
    // github, sarif, statistics.
    let gh = stdout(&run(&["check", &d, "--format", "github"]));
    assert!(
        gh.lines().any(
            |l| l.starts_with("::warning title=pyexplain (is-literal),file=")
                && l.contains("line=4,col=6")
        ),
        "{gh}"
    );
    let sarif: serde_json::Value =
        serde_json::from_slice(&run(&["check", &d, "--format", "sarif"]).stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);
    let stats = stdout(&run(&["check", &d, "--statistics"]));
    assert!(
        stats
            .lines()
            .any(|l| l.trim_start().starts_with("1  is-literal")),
        "{stats}"
    );
    // Chinese messages.
    assert!(stdout(&run(&["check", &d, "--lang", "zh"])).contains("只在定义 `add` 时创建一次"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_fix_applies_safe_fixes_and_unsafe_on_request() {
    let dir = temp_project("fix");
    let file = dir.join("pkg/bad.py");
    let f = file.to_string_lossy().to_string();
    let o = run(&["check", &f, "--fix"]);
    assert_eq!(o.status.code(), Some(1), "the unsafe finding remains");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("ok = 1 == 1") && text.contains("bucket=[]"),
        "{text}"
    );
    let o = run(&["check", &f, "--fix", "--unsafe-fixes"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("bucket=None") && text.contains("if bucket is None:"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_reads_pyproject_and_rejects_a_bad_one() {
    let dir = temp_project("config");
    let d = dir.to_string_lossy().to_string();
    std::fs::write(
        dir.join("pyproject.toml"),
        "[tool.pyexplain]\nignore = [\"is-literal\"]\nlanguage = \"zh\"\n",
    )
    .unwrap();
    let o = run(&["check", &d, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, vec!["mutable-default-argument"]);
    assert!(v[0]["message"].as_str().unwrap().contains("默认值"));
    std::fs::write(
        dir.join("pyproject.toml"),
        "[tool.pyexplain]\nignore = [\"no-such-rule\"]\n",
    )
    .unwrap();
    let o = run(&["check", &d]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown rule `no-such-rule`"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn rule_command_prints_the_doc() {
    let o = run(&["rule", "mutable-default-argument"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.starts_with("# mutable-default-argument\n\n§7.4 "),
        "{out}"
    );
    for heading in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Fix safety",
    ] {
        assert!(out.contains(heading), "{heading} missing");
    }
    assert!(stdout(&run(&["rule", "is-literal", "--lang", "zh"])).contains("## 为什么不好？"));
    let list = stdout(&run(&["rule"]));
    assert!(list.lines().count() >= 3 && list.contains("is-literal"));
    assert_eq!(run(&["rule", "nope"]).status.code(), Some(1));
}
