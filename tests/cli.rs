//! The command-line client, run as a user runs it.

mod common;

use common::{run, run_in, stderr, stdout, temp_tree};

use std::process::Command;

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
    assert!(v["context"].as_str().unwrap().contains("委托生成器"));

    let o = run(&["explain", &loc, "--full"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("## §12.6 "));
}

/// Plain control flow has a keyword hover at the `everyday` level only.
#[test]
fn explain_level_everyday_adds_plain_control_flow() {
    let (line, col) = line_col_of("examples/generators.py", "def main");
    let loc = format!("examples/generators.py:{line}:{col}");
    let o = run(&["explain", &loc]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let o = run(&["explain", &loc, "--level", "everyday", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["section"], "S.22");
    assert_eq!(v["level"], "everyday");
    assert!(v["context"].as_str().unwrap().contains("`main`"), "{v}");
    // A course hover is the same at both levels.
    let (line, col) = line_col_of("examples/generators.py", "yield from");
    let loc = format!("examples/generators.py:{line}:{col}");
    let o = run(&["explain", &loc, "--level", "everyday", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["section"], "12.6");
    assert_eq!(v["level"], "core");
    // `yield from` is what §12.6 is about: shown at the narrowest level too.
    let o = run(&["explain", &loc, "--level", "core", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["section"], "12.6");
    // A bad level is a usage error.
    let o = run(&["explain", &loc, "--level", "often"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
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
    // Counts in the messages agree in number.
    let dir = std::env::temp_dir().join(format!("pyexplain-cli-plural-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("one.py"), "x").unwrap();
    std::fs::write(dir.join("two.py"), "xy\n").unwrap();
    for (loc, said) in [
        ("one.py:2:1", "one.py has 1 line; line 2 is out of range"),
        (
            "one.py:1:3",
            "line 1 of one.py has 1 character; column 3 is out of range",
        ),
        ("two.py:3:1", "two.py has 2 lines; line 3 is out of range"),
        (
            "two.py:1:4",
            "line 1 of two.py has 2 characters; column 4 is out of range",
        ),
    ] {
        let o = run_in(&dir, &["explain", loc]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(stderr(&o), format!("pyexplain: {said}\n"));
    }
    let _ = std::fs::remove_dir_all(&dir);
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
    let k = pyexplain::knowledge::knowledge();
    let supplement = k
        .supplement_notes_in(pyexplain::knowledge::Lang::En)
        .count();
    assert!(supplement > 0);
    let o = run(&["notes"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 74 + supplement);
    assert!(lines
        .iter()
        .any(|l| l.starts_with("§12.6") && l.contains("yield-from")));
    // The course first, then the supplement with its ids, `S.1` ... in order.
    assert!(lines[73].starts_with("§13.8 "), "{out}");
    assert!(lines[74].starts_with("§S.1 "), "{out}");
    assert!(lines
        .iter()
        .any(|l| l.starts_with("§S.11 ") && l.contains(" cached-property ")));
    // The id column lines up whatever the section's width.
    let id_column: Vec<usize> = lines
        .iter()
        .map(|l| l.chars().position(|c| c == ' ').unwrap())
        .collect();
    assert!(id_column.iter().all(|&c| c <= 7), "{out}");
    let starts: Vec<usize> = lines
        .iter()
        .map(|l| {
            l.char_indices()
                .skip_while(|(_, c)| *c != ' ')
                .find(|(_, c)| *c != ' ')
                .unwrap()
                .0
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{out}");

    let o = run(&["notes", "--lang", "zh", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 74 + supplement);
    assert_eq!(v[0]["section"], "2.1");
    assert_eq!(v[0]["supplement"], false);
    assert_eq!(v[74]["section"], "S.1");
    assert_eq!(v[74]["supplement"], true);
    assert_eq!(
        list.iter().filter(|n| n["supplement"] == true).count(),
        supplement
    );
}

#[test]
fn note_by_section_or_id() {
    let by_section = stdout(&run(&["note", "12.6"]));
    let by_id = stdout(&run(&["note", "yield-from"]));
    assert_eq!(by_section, by_id);
    assert!(by_section.starts_with("## §12.6 "));
    let o = run(&["note", "99.1"]);
    assert_eq!(o.status.code(), Some(1));
    // The supplement: by `S.n` (any case, with or without `§`) or by id,
    // marked as beyond the course outline.
    let s3 = stdout(&run(&["note", "S.3"]));
    assert!(
        s3.starts_with("## §S.3 Data classes · *beyond the course outline*\n"),
        "{s3}"
    );
    assert_eq!(s3, stdout(&run(&["note", "dataclasses"])));
    assert_eq!(s3, stdout(&run(&["note", "§s.3"])));
    let zh = stdout(&run(&["note", "S.3", "--lang", "zh"]));
    assert!(zh.starts_with("## §S.3 数据类 · *课程大纲之外*\n"), "{zh}");
    let o = run(&["note", "S.99"]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["note", "S.0"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["note", "S.3", "--format", "json"]).stdout).unwrap();
    assert_eq!(json["section"], "S.3");
    assert_eq!(json["supplement"], true);
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
        &["map", "--help"],
    ] {
        let o = run(cmd);
        assert_eq!(o.status.code(), Some(0), "{cmd:?}");
        assert!(stdout(&o).contains("Usage"), "{cmd:?}");
    }
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

fn temp_project(name: &str) -> std::path::PathBuf {
    let dir = temp_tree(
        &format!("cli-{name}"),
        &[
            (
                "pkg/bad.py",
                "def add(item, bucket=[]):\n    return bucket\n\nok = 1 is 1\n",
            ),
            (
                "pkg/clean.py",
                "def add(item, bucket=None):\n    return bucket\n",
            ),
            ("ignored.py", "def f(x=[]):\n    return x\n"),
            (".gitignore", "ignored.py\n"),
        ],
    );
    std::fs::write(dir.join("pkg/latin1.py"), b"s = '\xe9'\n").unwrap();
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
    // --statistics: the table only (as ruff), most frequent first, or its JSON.
    let o = run(&["check", &d, "--statistics"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o),
        "     1  is-literal                       [§7.2]\n     1  mutable-default-argument         [§7.4]\n"
    );
    let o = run(&["check", &d, "--statistics", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!([
            {"rule": "is-literal", "section": "7.2", "count": 1},
            {"rule": "mutable-default-argument", "section": "7.4", "count": 1},
        ])
    );
    let o = run(&["check", &d, "--statistics", "--format", "sarif"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--statistics"), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
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
fn check_fix_keeps_the_file_as_it_was() {
    let dir = temp_project("keep");
    // A BOM, CRLF line endings, no final newline.
    let file = dir.join("pkg/crlf.py");
    std::fs::write(
        &file,
        "\u{feff}x = 1\r\nok = x is 1\r\nname = 'a'\r\nsame = name is 'a'",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let f = file.to_string_lossy().to_string();
    let o = run(&["check", &f, "--fix"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "\u{feff}x = 1\r\nok = x == 1\r\nname = 'a'\r\nsame = name == 'a'"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    // A file in another encoding is never rewritten.
    let latin = dir.join("pkg/latin1.py");
    let before = std::fs::read(&latin).unwrap();
    std::fs::write(
        &latin,
        [b"# -*- coding: latin-1 -*-\nok = 1 is 1\ns = '\xe9'\n".as_slice()].concat(),
    )
    .unwrap();
    let before_fix = std::fs::read(&latin).unwrap();
    let o = run(&["check", &latin.to_string_lossy(), "--fix"]);
    assert!(stderr(&o).contains("not UTF-8"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&latin).unwrap(), before_fix);
    assert_ne!(before, before_fix);
    // A file with syntax errors gets no fix, and says so.
    let broken = dir.join("pkg/broken.py");
    std::fs::write(&broken, "ok = 1 is 1\ndef f(:\n").unwrap();
    let o = run(&["check", &broken.to_string_lossy(), "--fix"]);
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap(),
        "ok = 1 is 1\ndef f(:\n"
    );
    assert!(stderr(&o).contains("syntax errors"), "{}", stderr(&o));
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

/// A small project for `map`: a generator module, an asyncio module, a file
/// with a syntax error, a non-UTF-8 file and a git-ignored file.
fn map_project(name: &str) -> std::path::PathBuf {
    let dir = temp_tree(
        &format!("cli-map-{name}"),
        &[
            (
                "pkg/gen.py",
                "def averager():\n    total = 0.0\n    while True:\n        term = yield\n        total += term\n\n\ndef delegate(results, key):\n    results[key] = yield from averager()\n\n\ndef counter():\n    n = 0\n    def increment():\n        nonlocal n\n        n += 1\n",
            ),
            (
                "pkg/aio.py",
                "import asyncio\n\n\nasync def fetch(n):\n    await asyncio.sleep(n)\n    return n\n\n\nasync def main():\n    return await asyncio.gather(fetch(1), fetch(2))\n",
            ),
            // Unbalanced parenthesis: still mapped as far as it parses.
            ("pkg/broken.py", "def broken(:\n    yield from range(3)\n"),
            ("ignored.py", "with open('f') as f:\n    pass\n"),
            (".gitignore", "ignored.py\n"),
        ],
    );
    std::fs::write(dir.join("pkg/latin1.py"), b"s = '\xe9'\n").unwrap();
    std::fs::create_dir_all(dir.join(".git")).unwrap();
    dir
}

/// The map's section lines as whitespace-separated fields.
fn map_rows(out: &str) -> Vec<Vec<String>> {
    out.lines()
        .filter(|l| l.starts_with("  §"))
        .map(|l| l.split_whitespace().map(String::from).collect())
        .collect()
}

#[test]
fn map_counts_sections_per_chapter() {
    let dir = map_project("text");
    let d = dir.to_string_lossy().to_string();
    let o = run(&["map", &d]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let headings: Vec<&str> = out
        .lines()
        .filter(|l| !l.starts_with(' ') && !l.is_empty())
        .collect();
    // The supplement comes after chapter 13, in a section of its own, and
    // is not counted among the course's sections.
    let supplement_heading = format!(
        "Beyond the course outline (1/{})",
        pyexplain::knowledge::knowledge()
            .supplement_notes_in(pyexplain::knowledge::Lang::En)
            .count()
    );
    assert_eq!(
        headings,
        [
            "Chapter 9 Iterators and generators (1/6)",
            "Chapter 12 Coroutines and async I/O (2/8)",
            "Chapter 13 Concurrency with asyncio (1/8)",
            supplement_heading.as_str(),
            "4 of 74 sections in 3 files",
        ],
        "{out}"
    );
    let row = |section: &str, id: &str, count: &str, example: &str| {
        let rows = map_rows(&out);
        let r = rows
            .iter()
            .find(|r| r[0] == section)
            .unwrap_or_else(|| panic!("no {section} in\n{out}"));
        assert_eq!(r[1], id, "{out}");
        assert_eq!(r[r.len() - 2], count, "{section} count in\n{out}");
        assert_eq!(r[r.len() - 1], format!("{d}/{example}"), "{out}");
    };
    // def averager / def delegate / def broken; yield / yield from / yield from.
    row("§9.3", "generator-functions", "3", "pkg/broken.py:1");
    row("§12.6", "yield-from", "3", "pkg/broken.py:2");
    // async def fetch, await, return (in a coroutine), async def main, await, return.
    row("§12.8", "async-await", "4", "pkg/aio.py:4");
    row("§13.1", "event-loop", "1", "pkg/aio.py:10");
    // `nonlocal n`: §S.9 of the supplement (the plain `import asyncio` and
    // `while True` keyword roles are `everyday`, not counted by default).
    row("§S.9", "closures", "1", "pkg/gen.py:15");
    assert_eq!(map_rows(&out).len(), 5, "{out}");
    assert!(!out.contains("ignored.py"), ".gitignore: {out}");
    assert!(
        stderr(&o).contains("latin1.py: skipped: not UTF-8"),
        "{}",
        stderr(&o)
    );
    // The title column lines up.
    let starts: Vec<usize> = out
        .lines()
        .filter(|l| l.starts_with("  §"))
        .map(|l| {
            l.find(" 3 ")
                .or(l.find(" 4 "))
                .or(l.find(" 1 "))
                .or(l.find(" 2 "))
                .unwrap()
        })
        .collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "{out}");

    // One file: singular; its own paths.
    let o = run(&["map", &format!("{d}/pkg/gen.py")]);
    assert!(
        stdout(&o).ends_with("2 of 74 sections in 1 file\n"),
        "{}",
        stdout(&o)
    );

    // `map .` shows paths as `pkg/gen.py`, not `./pkg/gen.py`.
    let o = Command::new(env!("CARGO_BIN_EXE_pyexplain"))
        .args(["map", "."])
        .current_dir(&dir)
        .env_remove("LANG")
        .output()
        .unwrap();
    let here = stdout(&o);
    assert!(
        map_rows(&here)
            .iter()
            .any(|r| r.last().unwrap() == "pkg/broken.py:1"),
        "{here}"
    );

    // Chinese headings and summary.
    let zh = stdout(&run(&["map", &d, "--lang", "zh"]));
    assert!(zh.contains("第12章 协程和异步 IO (2/8)\n"), "{zh}");
    assert!(zh.ends_with("3 个文件覆盖了 74 节中的 4 节\n"), "{zh}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn map_all_json_markdown_and_errors() {
    let dir = map_project("json");
    let d = dir.to_string_lossy().to_string();
    // --all: every section, unexercised ones with 0 and no example.
    let out = stdout(&run(&["map", &d, "--all"]));
    let rows = map_rows(&out);
    let supplement = pyexplain::knowledge::knowledge()
        .supplement_notes_in(pyexplain::knowledge::Lang::En)
        .count();
    assert_eq!(rows.len(), 74 + supplement, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with("Chapter ")).count(),
        12
    );
    assert!(
        out.contains(&format!(
            "\nBeyond the course outline (1/{supplement})\n  §S.1 "
        )),
        "{out}"
    );
    assert_eq!(rows.last().unwrap()[0], format!("§S.{supplement}"));
    let r21 = rows.iter().find(|r| r[0] == "§2.1").unwrap();
    assert_eq!(&r21[r21.len() - 2..], ["0", "-"], "{out}");
    assert!(out.contains("Chapter 2 Everything in Python is an object (0/3)\n"));

    let o = run(&["map", &d, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], 1);
    assert_eq!(v["lang"], "en");
    assert_eq!(v["files"], 3);
    assert_eq!(v["sections_total"], 74);
    assert_eq!(v["sections_exercised"], 4);
    let sections = v["sections"].as_array().unwrap();
    let summary: Vec<(&str, &str, u64, u64)> = sections
        .iter()
        .filter(|s| s["supplement"] == false)
        .map(|s| {
            (
                s["id"].as_str().unwrap(),
                s["note"].as_str().unwrap(),
                s["chapter"].as_u64().unwrap(),
                s["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("9.3", "generator-functions", 9, 3),
            ("12.6", "yield-from", 12, 3),
            ("12.8", "async-await", 12, 4),
            ("13.1", "event-loop", 13, 1),
        ]
    );
    // The supplement's notes: after the course's, `chapter` null.
    let sections_all = v["sections"].as_array().unwrap();
    let closures = sections_all.last().unwrap();
    assert_eq!(closures["id"], "S.9");
    assert_eq!(closures["note"], "closures");
    assert!(closures["chapter"].is_null());
    assert_eq!(closures["supplement"], true);
    assert_eq!(closures["count"], 1);
    assert_eq!(v["supplement"]["title"], "Beyond the course outline");
    assert_eq!(v["supplement"]["sections_exercised"], 1);
    assert_eq!(v["supplement"]["sections_total"], supplement);
    assert_eq!(sections[1]["title"], "Generator send() and yield from");
    let examples: Vec<(String, u64, u64)> = sections[1]["examples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().replace(&d, ""),
                e["line"].as_u64().unwrap(),
                e["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        examples,
        [
            ("/pkg/broken.py".to_string(), 2, 5),
            ("/pkg/gen.py".to_string(), 4, 16),
            ("/pkg/gen.py".to_string(), 9, 20),
        ]
    );
    let ch12 = &v["chapters"].as_array().unwrap()[10];
    assert_eq!(ch12["chapter"], 12);
    assert_eq!(ch12["title"], "Chapter 12 Coroutines and async I/O");
    assert_eq!(ch12["sections_exercised"], 2);
    assert_eq!(ch12["sections_total"], 8);
    let all: serde_json::Value =
        serde_json::from_slice(&run(&["map", &d, "--format", "json", "--all"]).stdout).unwrap();
    assert_eq!(all["sections"].as_array().unwrap().len(), 74 + supplement);
    assert_eq!(all["chapters"].as_array().unwrap().len(), 12);

    let md = stdout(&run(&["map", &d, "--format", "markdown"]));
    assert!(
        md.starts_with("# Course map\n\n4 of 74 sections in 3 files\n"),
        "{md}"
    );
    assert!(md.contains("\n## Chapter 12 Coroutines and async I/O (2/8)\n\n| Section | Count | First example |\n"), "{md}");
    assert!(
        md.contains(&format!(
            "\n## Beyond the course outline (1/{supplement})\n\n| Section | Count | First example |\n"
        )),
        "{md}"
    );
    assert!(
        md.contains("| §S.9 Closures, `nonlocal` and `global` `closures` | 1 |"),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "| §12.8 async and await `async-await` | 4 | [{d}/pkg/aio.py:4](<{d}/pkg/aio.py#L4>) |\n"
        )),
        "{md}"
    );

    // A missing path: exit 2, the rest is still mapped.
    let o = run(&["map", &d, &format!("{d}/missing.py")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("missing.py: no such file or directory"));
    assert!(stdout(&o).contains("4 of 74 sections in 3 files"));
    // Only missing paths: the error, and no map (an all-zero one would
    // read as "nothing exercised").
    for format in ["text", "json", "markdown"] {
        let o = run(&["map", &format!("{d}/missing.py"), "--format", format]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("missing.py: no such file or directory"));
        assert_eq!(stdout(&o), "", "{format}");
    }
    assert_eq!(run(&["map"]).status.code(), Some(2), "PATH is required");
    assert_eq!(run(&["map", &d, "--format", "xml"]).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `check a.py` reads `./pyproject.toml` as `check ./a.py` does (the
/// configuration follows the file's real location), and an invalid one is
/// an error for every spelling of the path.
#[test]
fn check_finds_the_configuration_for_a_bare_file_name() {
    let dir = temp_project("bare");
    std::fs::write(dir.join("a.py"), "ok = 1 is 1\n").unwrap();
    std::fs::write(
        dir.join("pyproject.toml"),
        "[tool.pyexplain]\nignore = [\"is-literal\"]\n",
    )
    .unwrap();
    for form in ["a.py", "./a.py", "pkg/../a.py"] {
        let o = run_in(&dir, &["check", form, "--fix"]);
        assert_eq!(o.status.code(), Some(0), "{form}: {}", stderr(&o));
        assert_eq!(
            std::fs::read_to_string(dir.join("a.py")).unwrap(),
            "ok = 1 is 1\n",
            "{form}: a rule the project turned off was fixed"
        );
    }
    std::fs::write(
        dir.join("pyproject.toml"),
        "[tool.pyexplain]\nselekt = []\n",
    )
    .unwrap();
    for form in ["a.py", "./a.py"] {
        let o = run_in(&dir, &["check", form]);
        assert_eq!(o.status.code(), Some(2), "{form}");
        assert!(stderr(&o).contains("selekt"), "{form}: {}", stderr(&o));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// No fix on a file with syntax errors (said), fixes applied to
/// convergence (more than the old cap of 64), and `--fix` says when only
/// unsafe fixes remain.
#[test]
fn check_fix_skips_broken_files_converges_and_names_unsafe_leftovers() {
    let dir = temp_project("converge");
    let broken = "ok = 1 is 1\ndef f(:\n";
    std::fs::write(dir.join("broken.py"), broken).unwrap();
    let o = run_in(&dir, &["check", "broken.py", "--fix"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("broken.py")).unwrap(),
        broken
    );
    assert!(
        stderr(&o).contains("not fixed: the file has syntax errors (line 2)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(o.status.code(), Some(1));

    let many: String = (0..150).map(|i| format!("ok{i} = {i} is 1\n")).collect();
    std::fs::write(dir.join("many.py"), &many).unwrap();
    let o = run_in(&dir, &["check", "many.py", "--fix"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fixed = std::fs::read_to_string(dir.join("many.py")).unwrap();
    assert_eq!(fixed.matches(" == 1").count(), 150, "{fixed}");
    assert!(
        stderr(&o).contains("Fixed 150, 0 remaining."),
        "{}",
        stderr(&o)
    );

    let o = run_in(&dir, &["check", "pkg/bad.py", "--fix"]);
    assert!(
        stderr(&o).contains(
            "1 of the remaining findings has only an unsafe fix (apply it with --unsafe-fixes)."
        ),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A write that fails (here: a file-size limit, as on a full disk) leaves
/// the original untouched and exits 2 with the error; no "Fixed".
#[cfg(unix)]
#[test]
fn a_failed_fix_write_leaves_the_file_untouched() {
    let dir = temp_project("full");
    let text: String = (0..200)
        .map(|i| format!("ok{i} = {i} is 1  # {}\n", "x".repeat(20)))
        .collect();
    assert!(text.len() > 4096);
    std::fs::write(dir.join("big.py"), &text).unwrap();
    let bin = env!("CARGO_BIN_EXE_pyexplain");
    // 4 KiB file-size limit; SIGXFSZ ignored so the write fails with EFBIG.
    let o = Command::new("bash")
        .args([
            "-c",
            &format!("trap '' XFSZ; ulimit -f 4; exec '{bin}' check --fix big.py"),
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.join("big.py")).unwrap(), text);
    let err = stderr(&o);
    assert!(
        err.contains("cannot write fixes") && err.contains("unchanged"),
        "{err}"
    );
    assert!(!err.contains("Fixed"), "{err}");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// "All checks passed." is never printed with exit 2; special files are
/// skipped or refused, never read without bound.
#[cfg(unix)]
#[test]
fn failures_are_never_all_clear_and_special_files_are_refused() {
    let dir = temp_project("special");
    let o = run_in(&dir, &["check", "nope.py"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("All checks passed."), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("could not be checked"),
        "{}",
        stderr(&o)
    );

    let o = run_in(&dir, &["explain", "/dev/zero:1:1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));

    let made = Command::new("mkfifo")
        .arg(dir.join("fifo.py"))
        .status()
        .unwrap();
    assert!(made.success());
    let o = run_in(&dir, &["check", "fifo.py", "pkg/clean.py"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("fifo.py: skipped: not a regular file"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_reads_the_files_a_module_imports() {
    // Run from elsewhere: the module's package is found from its path.
    let file = common::repo().join("tests/fixtures/workspace/shop/services.py");
    let loc = format!("{}:16:13", file.display());
    let o = run(&["explain", &loc]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("(line 10 in `shop.models`)"), "{out}");
    assert!(out.contains("calls `Field.__get__`"), "{out}");
}

#[test]
fn check_knows_every_import_root_before_the_first_file() {
    // `a_main.py` is checked first and imports `helpers` from `z/`, an
    // import root the run only meets with `z/helpers.py`: what the import
    // finds must not depend on which file comes first.
    let dir = temp_tree(
        "cli-roots",
        &[
            (
                "a_main.py",
                "from helpers import fetch\n\n\ndef run():\n    fetch()\n",
            ),
            ("z/helpers.py", "async def fetch():\n    return 1\n"),
        ],
    );
    let d = dir.to_string_lossy().to_string();
    let o = Command::new(env!("CARGO_BIN_EXE_pyexplain"))
        .args(["check", &d])
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap();
    let out = stdout(&o);
    assert!(out.contains("a_main.py:5:5: unawaited-coroutine "), "{out}");
    assert!(
        out.contains("`helpers.fetch` is a coroutine function"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_code_frame_aligns_carets_after_tabs_cjk_emoji_and_combining_marks() {
    let fixture = "tests/fixtures/frames/wide.py";
    let o = run(&["check", fixture, "--select", "is-literal", "--lang", "en"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    // Columns: a tab is 4, `生成器` 6, `🐍` 2, `e` + U+0301 one, so `x is 1`
    // starts 36 columns into the line.
    let frame = format!(
        "{fixture}:3:28: is-literal `x is 1` compares identity with a literal; use `==` to compare values. [§7.2]\n  |\n3 |     s = \"生成器 🐍 cafe\u{301}\";    return x is 1\n  | {}^^^^^^\n\n",
        " ".repeat(36)
    );
    assert_eq!(out, frame, "{out}");
}

/// A project with a Python file (one finding each) in the places ruff's file
/// selection treats differently.
fn selection_project(name: &str) -> std::path::PathBuf {
    let bad = "def f(x=[]):\n    return x\n";
    let files: Vec<(&str, &str)> = [
        ".venv/lib/python3.11/site-packages/dep.py",
        "venv/lib/v.py",
        "build/lib/b.py",
        "dist/d.py",
        "node_modules/pkg/n.py",
        "lib/site-packages/s.py",
        ".git/hooks/h.py",
        ".tox/py311/t.py",
        ".github/scripts/g.py",
        "src/app/main.py",
        "gen/api_pb2.py",
        "gen/legacy.py",
        "sub/build/deep.py",
        "top.py",
        "nested/keep.py",
        "nested/skip.py",
        "nested/venv/inner.py",
    ]
    .into_iter()
    .map(|f| (f, bad))
    .collect();
    let dir = temp_tree(&format!("cli-sel-{name}"), &files);
    // Relative to this file's directory; nested/ has its own, whose
    // `exclude` replaces the defaults there.
    std::fs::write(
        dir.join("pyproject.toml"),
        "[tool.pyexplain]\nextend-exclude = [\"gen/legacy.py\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("nested/pyproject.toml"),
        "[tool.pyexplain]\nexclude = [\"skip.py\"]\n",
    )
    .unwrap();
    dir
}

/// The files `check` reports (each has one finding), relative, sorted; and
/// the number `map` scans with the same arguments.
fn selected(dir: &std::path::Path, args: &[&str]) -> (Vec<String>, u64) {
    let mut check = vec!["check", "--format", "json"];
    check.extend_from_slice(args);
    let o = run_in(dir, &check);
    assert!(o.status.code() != Some(2), "{args:?}: {}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut files: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            d["file"]
                .as_str()
                .unwrap()
                .trim_start_matches("./")
                .to_string()
        })
        .collect();
    files.sort();
    files.dedup();
    let mut map = vec!["map", "--format", "json"];
    map.extend_from_slice(args);
    let o = run_in(dir, &map);
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    (files, v["files"].as_u64().unwrap())
}

#[test]
fn check_and_map_select_files_like_ruff() {
    let dir = selection_project("walk");
    let default = [
        ".github/scripts/g.py",
        "gen/api_pb2.py",
        "nested/keep.py",
        "nested/venv/inner.py",
        "src/app/main.py",
        "top.py",
    ];
    // Default excludes (virtualenvs, site-packages, VCS, build output) and
    // pyproject.toml's extend-exclude; hidden directories are walked.
    assert_eq!(
        selected(&dir, &["."]),
        (default.map(String::from).to_vec(), 6)
    );
    // The same from a subdirectory: the configuration's patterns are
    // relative to its own directory.
    let (files, n) = selected(&dir.join("src"), &[".."]);
    assert_eq!(
        files,
        default.map(|f| format!("../{f}")).to_vec(),
        "from src/"
    );
    assert_eq!(n, 6);

    // --extend-exclude adds (a name anywhere, a path from the working
    // directory, a glob), comma-separated or repeated.
    let (files, n) = selected(
        &dir,
        &[
            ".",
            "--extend-exclude",
            "*_pb2.py,nested/venv",
            "--extend-exclude",
            ".github",
        ],
    );
    assert_eq!(files, ["nested/keep.py", "src/app/main.py", "top.py"]);
    assert_eq!(n, 3);

    // --exclude replaces the defaults and every pyproject.toml's `exclude`
    // (nested/skip.py is back), not their `extend-exclude`.
    let (files, n) = selected(&dir, &[".", "--exclude", ".git,node_modules"]);
    assert_eq!(
        files,
        [
            ".github/scripts/g.py",
            ".tox/py311/t.py",
            ".venv/lib/python3.11/site-packages/dep.py",
            "build/lib/b.py",
            "dist/d.py",
            "gen/api_pb2.py",
            "lib/site-packages/s.py",
            "nested/keep.py",
            "nested/skip.py",
            "nested/venv/inner.py",
            "src/app/main.py",
            "sub/build/deep.py",
            "top.py",
            "venv/lib/v.py",
        ]
    );
    assert_eq!(n, 14);

    // A path given explicitly is checked even when excluded, unless
    // --force-exclude (which also looks at the directories above it).
    let explicit = [
        ".venv/lib/python3.11/site-packages/dep.py",
        "build/lib/b.py",
        "top.py",
    ];
    let (files, n) = selected(&dir, &explicit);
    assert_eq!(files, explicit);
    assert_eq!(n, 3);
    let mut forced = explicit.to_vec();
    forced.push("--force-exclude");
    assert_eq!(selected(&dir, &forced), (vec!["top.py".to_string()], 1));
    let (files, _) = selected(&dir, &["venv", "gen", "--force-exclude"]);
    assert_eq!(files, ["gen/api_pb2.py"], "venv/ dropped, gen/ walked");
    // Nothing left: said, and not an error.
    let o = run_in(&dir, &["check", "venv", "--force-exclude"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("No Python files found"),
        "{}",
        stderr(&o)
    );

    // Bad patterns are usage errors, from the command line or the file.
    let o = run_in(&dir, &["check", ".", "--exclude", "gen/[a"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--exclude: invalid pattern `gen/[a`"),
        "{}",
        stderr(&o)
    );
    let o = run_in(&dir, &["map", ".", "--extend-exclude", "{a"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
    std::fs::write(
        dir.join("nested/pyproject.toml"),
        "[tool.pyexplain]\nexclude = [\"**/[\"]\n",
    )
    .unwrap();
    for cmd in ["check", "map"] {
        let o = run_in(&dir, &[cmd, "."]);
        assert_eq!(o.status.code(), Some(2), "{cmd}");
        let err = stderr(&o);
        assert!(
            err.contains("nested/pyproject.toml: [tool.pyexplain] exclude: invalid pattern `**/[`"),
            "{cmd}: {err}"
        );
        assert_eq!(
            err.matches("invalid pattern").count(),
            1,
            "said once: {err}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
