//! Jupyter notebooks in the CLI and the core: a notebook gets the findings,
//! fixes and hovers its equivalent `.py` file gets, positions per cell;
//! `--fix` rewrites only the fixed cells' sources; bad notebooks are said,
//! never a crash. (The server's notebook sync: `tests/protocol_notebook.rs`.)

mod common;

use std::path::{Path, PathBuf};

use common::{run, run_in, stderr, stdout};
use pyexplain::analysis::rules::{self, Selection};
use pyexplain::analysis::{Encoding, Level, Parsed};
use pyexplain::knowledge::Lang;
use pyexplain::notebook::{Module, Notebook};
use pyexplain::render;
use serde_json::Value;

const NOTEBOOK: &str = "tests/fixtures/notebook/course.ipynb";
const PYTHON: &str = "tests/fixtures/notebook/course.py";

fn read(path: &str) -> String {
    std::fs::read_to_string(common::repo().join(path)).unwrap()
}

fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("pyexplain-nb-{name}-"))
        .tempdir()
        .unwrap()
}

/// Per code cell: its 1-based cell number and the 0-based line of the
/// equivalent `.py` file where it starts (the `.py` file is the code cells
/// in order, each magic line commented out).
fn cell_starts(nb: &Notebook) -> Vec<(usize, usize)> {
    let mut line = 0;
    nb.code_cells()
        .iter()
        .map(|c| {
            let start = (c.index + 1, line);
            line += c.text.split('\n').count();
            start
        })
        .collect()
}

fn notebook() -> Notebook {
    Notebook::parse(read(NOTEBOOK)).unwrap()
}

/// The `.py` line (1-based) of a notebook place (cell, 1-based line).
fn py_line(starts: &[(usize, usize)], cell: u64, line: u64) -> u64 {
    let (_, start) = starts
        .iter()
        .find(|(c, _)| *c as u64 == cell)
        .unwrap_or_else(|| panic!("no code cell {cell}"));
    *start as u64 + line
}

#[test]
fn the_equivalent_py_file_is_the_code_cells() {
    let nb = notebook();
    let py: String = nb
        .code_cells()
        .iter()
        .map(|c| {
            let lines: Vec<String> = c
                .text
                .split('\n')
                .map(|l| {
                    if l.starts_with('%') || l.starts_with('!') {
                        format!("# {l}")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            lines.join("\n") + "\n"
        })
        .collect();
    assert_eq!(py, read(PYTHON), "the fixture pair drifted apart");
}

#[test]
fn check_finds_the_same_as_in_the_py_file_with_cell_positions() {
    let starts = cell_starts(&notebook());
    let o = run(&["check", NOTEBOOK, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let nb: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    let o = run(&["check", PYTHON, "--format", "json"]);
    let py: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!nb.is_empty());
    assert_eq!(nb.len(), py.len(), "{nb:#?}\n{py:#?}");
    for (n, p) in nb.iter().zip(&py) {
        assert_eq!(n["rule"], p["rule"]);
        assert_eq!(n["message"], p["message"]);
        let cell = n["cell"].as_u64().unwrap();
        for end in ["start", "end"] {
            let (nl, pl) = (&n["range"][end], &p["range"][end]);
            assert_eq!(
                py_line(&starts, cell, nl["line"].as_u64().unwrap()),
                pl["line"]
            );
            assert_eq!(nl["col"], pl["col"]);
        }
        assert_eq!(n["fix"]["title"], p["fix"]["title"]);
        let (ne, pe) = (
            n["fix"]["edits"].as_array().unwrap(),
            p["fix"]["edits"].as_array().unwrap(),
        );
        assert_eq!(ne.len(), pe.len());
        for (a, b) in ne.iter().zip(pe) {
            assert_eq!(a["text"], b["text"]);
            let cell = a["cell"].as_u64().unwrap();
            let line = a["start"]["line"].as_u64().unwrap();
            assert_eq!(py_line(&starts, cell, line), b["start"]["line"]);
        }
        assert!(p.get("cell").is_none(), "a .py finding has no cell");
    }
    // The mutable default of cell 2, as ruff writes notebook places.
    let o = run(&["check", NOTEBOOK]);
    let text = stdout(&o);
    assert!(
        text.contains("course.ipynb:cell 2:2:28: mutable-default-argument"),
        "{text}"
    );
    assert!(
        text.contains("2 | def append_to(item, bucket=[]):"),
        "{text}"
    );
    // GitHub annotations and SARIF carry the cell too.
    let o = run(&["check", NOTEBOOK, "--format", "github"]);
    assert!(
        stdout(&o).contains("line=2,col=28,endLine=2,endColumn=30::cell 2: The default"),
        "{}",
        stdout(&o)
    );
    let o = run(&["check", NOTEBOOK, "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["cell"], 2);
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
}

/// Every byte of every code cell: the notebook's module and the `.py`
/// file give the same hover subject (rule or note, with the same range),
/// except on masked magic lines, which give none.
#[test]
fn every_hover_in_the_cells_is_the_py_files() {
    let nb = notebook();
    let module = Module::new(&nb.code_cells());
    let m = Parsed::new(module.text.clone());
    let py_text = read(PYTHON);
    let p = Parsed::new(py_text.clone());
    let selection = Selection::default();
    let m_found = module.reported(rules::check(&m, &selection));
    let p_found = rules::check(&p, &selection);
    let py_line_starts: Vec<usize> = std::iter::once(0)
        .chain(py_text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let starts = cell_starts(&nb);
    let mut compared = 0;
    let mut masked = 0;
    for (c, cell) in module.cells.iter().enumerate() {
        let first_line = starts[c].1;
        for offset in 0..=cell.text.len() {
            if !cell.text.is_char_boundary(offset) {
                continue;
            }
            let at = module.offset(pyexplain::notebook::CellOffset { cell: c, offset });
            let at = at.unwrap();
            let lc = cell.lines.line_col(&cell.text, offset, Encoding::Utf8);
            let py_at = py_line_starts[first_line + lc.line as usize] + lc.col as usize;
            let line = &cell.text[cell.lines.line_range(&cell.text, lc.line as usize).unwrap()];
            let m_subject = pyexplain::hover::subject_at(&m, &m_found, at, Level::Everyday)
                .filter(|s| !module.masked(s.range().start));
            if module.masked(at) || line.starts_with(['%', '!']) {
                masked += 1;
                assert!(
                    module.masked(at) || m_subject.is_none(),
                    "a hover on a magic line"
                );
                continue;
            }
            let p_subject = pyexplain::hover::subject_at(&p, &p_found, py_at, Level::Everyday);
            // What the user sees: the rendered hover, and where its range is.
            let describe = |s: &pyexplain::hover::Subject, base: usize| {
                let r = s.range();
                let what = match s {
                    pyexplain::hover::Subject::Rule(d) => render::rule_hover(d, Lang::En),
                    pyexplain::hover::Subject::Note(e) => {
                        render::hover_markdown(e, Lang::En, render::Verbosity::Full)
                    }
                };
                (what, r.start as isize - base as isize, r.len())
            };
            let base_m = at - offset;
            let base_p = py_at - offset;
            assert_eq!(
                m_subject.as_ref().map(|s| describe(s, base_m)),
                p_subject.as_ref().map(|s| describe(s, base_p)),
                "cell {} offset {offset} ({lc:?})",
                cell.index + 1
            );
            compared += 1;
        }
    }
    assert!(compared > 300 && masked > 10, "{compared} {masked}");
}

#[test]
fn explain_answers_at_a_cell_place_as_in_the_py_file() {
    let starts = cell_starts(&notebook());
    // (cell, line, col) of: the yield from, the descriptor attribute read
    // in cell 4 (its class is in cell 2), the mutable default, `__get__`.
    for (cell, line, col) in [(3, 3, 9), (4, 3, 12), (4, 2, 6), (2, 2, 28), (2, 8, 9)] {
        let nb_loc = format!("{NOTEBOOK}:{cell}:{line}:{col}");
        let py_loc = format!("{PYTHON}:{}:{col}", py_line(&starts, cell, line as u64));
        let a = run(&["explain", &nb_loc, "--format", "json"]);
        let b = run(&["explain", &py_loc, "--format", "json"]);
        assert_eq!(a.status.code(), b.status.code(), "{nb_loc}: {}", stderr(&a));
        assert_eq!(a.status.code(), Some(0), "{nb_loc}: {}", stderr(&a));
        let (a, b): (Value, Value) = (
            serde_json::from_slice(&a.stdout).unwrap(),
            serde_json::from_slice(&b.stdout).unwrap(),
        );
        for key in [
            "kind", "rule", "id", "section", "markdown", "context", "message",
        ] {
            assert_eq!(a[key], b[key], "{nb_loc}: {key}");
        }
        assert_eq!(a["cell"], cell);
        assert_eq!(a["range"]["start"]["col"], b["range"]["start"]["col"]);
        let start = a["range"]["start"]["line"].as_u64().unwrap();
        assert_eq!(
            py_line(&starts, cell, start),
            b["range"]["start"]["line"].as_u64().unwrap()
        );
    }
    let descriptor = run(&["explain", &format!("{NOTEBOOK}:cell 4:3:12")]);
    let text = stdout(&descriptor);
    assert!(
        text.starts_with(&format!("{NOTEBOOK}:cell 4:3:12: §8.3 ")),
        "{text}"
    );
    // Places that are not in a code cell, or not Python.
    for (loc, says) in [
        ("1:1:1", "cell 1 of"),
        ("9:1:1", "has 4 cells"),
        ("4:9:1", "line 9 is out of range"),
        ("3:6:2", "has a note"),
    ] {
        let o = run(&["explain", &format!("{NOTEBOOK}:{loc}")]);
        assert_ne!(o.status.code(), Some(0), "{loc}");
        assert!(stderr(&o).contains(says), "{loc}: {}", stderr(&o));
    }
    let o = run(&["explain", &format!("{NOTEBOOK}:3:3")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("NOTEBOOK:CELL:LINE:COL"),
        "{}",
        stderr(&o)
    );
}

/// A Python with `nbformat`: `PYEXPLAIN_TEST_PYTHON` (scripts/test's venv), else `python3`.
fn nbformat_python() -> Option<PathBuf> {
    let python = std::env::var_os("PYEXPLAIN_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"));
    let ok = std::process::Command::new(&python)
        .args(["-c", "import nbformat"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

fn validate_with_nbformat(test: &str, path: &Path) {
    let Some(python) = nbformat_python() else {
        common::skip(
            test,
            "no Python with nbformat to validate the fixed notebook",
        );
        return;
    };
    let o = std::process::Command::new(python)
        .args([
            "-c",
            "import sys, nbformat\nnb = nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT)\nnbformat.validate(nb)\nprint(len(nb.cells))",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(o.status.success(), "nbformat: {}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "4");
}

#[test]
fn fix_rewrites_only_the_fixed_sources_and_nbformat_accepts_the_result() {
    let dir = scratch("fix");
    let nb_path = dir.path().join("course.ipynb");
    let py_path = dir.path().join("course.py");
    let original = read(NOTEBOOK);
    std::fs::write(&nb_path, &original).unwrap();
    std::fs::write(&py_path, read(PYTHON)).unwrap();
    // Safe fixes only: this fix is unsafe, nothing is written.
    let o = run_in(dir.path(), &["check", "--fix", "course.ipynb"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&nb_path).unwrap(), original);
    for file in ["course.ipynb", "course.py"] {
        let o = run_in(dir.path(), &["check", "--fix", "--unsafe-fixes", file]);
        assert_eq!(o.status.code(), Some(0), "{file}: {}", stderr(&o));
        assert!(stderr(&o).contains("Fixed 1"), "{}", stderr(&o));
    }
    let fixed = std::fs::read_to_string(&nb_path).unwrap();
    // Byte for byte the original but for the one source line that became
    // three, laid out as nbformat lays out lists.
    let expected = original.replace(
        "    \"def append_to(item, bucket=[]):\\n\",\n",
        "    \"def append_to(item, bucket=None):\\n\",\n    \"    if bucket is None:\\n\",\n    \"        bucket = []\\n\",\n",
    );
    assert_ne!(expected, original);
    assert_eq!(fixed, expected);
    // The fixed cells are the fixed `.py` file.
    let nb = Notebook::parse(fixed).unwrap();
    let cells: Vec<String> = nb.code_cells().into_iter().map(|c| c.text).collect();
    let py = std::fs::read_to_string(&py_path).unwrap();
    let fixed_cell = &cells[0];
    assert!(py.contains(&fixed_cell.replace("%matplotlib", "# %matplotlib")));
    validate_with_nbformat(
        "fix_rewrites_only_the_fixed_sources_and_nbformat_accepts_the_result",
        &nb_path,
    );
}

/// A notebook with its cells' sources as plain strings (nbformat allows
/// both), a cell magic and IPython escapes everywhere they may be.
#[test]
fn string_sources_and_magics_are_kept_by_fixes() {
    let dir = scratch("magics");
    let path = dir.path().join("m.ipynb");
    let cells = serde_json::json!([
        {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [],
         "source": "%%bash\necho 'def f(x=[]): pass'"},
        {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [],
         "source": "%%time\ndef g(x={}):\n    return x\nfiles = !ls\ng?"},
        {"cell_type": "raw", "metadata": {}, "source": "def h(x=[]): pass"},
    ]);
    let json = format!(
        "{{\"cells\": {cells}, \"metadata\": {{}}, \"nbformat\": 4, \"nbformat_minor\": 5}}"
    );
    std::fs::write(&path, &json).unwrap();
    let o = run_in(dir.path(), &["check", "m.ipynb"]);
    let out = stdout(&o);
    // Only the Python cell's default: not the bash cell's, not the raw cell's.
    assert_eq!(out.matches("mutable-default-argument").count(), 1, "{out}");
    assert!(out.contains("m.ipynb:cell 2:2:9:"), "{out}");
    let o = run_in(dir.path(), &["check", "--fix", "--unsafe-fixes", "m.ipynb"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fixed = std::fs::read_to_string(&path).unwrap();
    let expected = json.replace(
        "def g(x={}):\\n    return x",
        "def g(x=None):\\n    if x is None:\\n        x = {}\\n    return x",
    );
    assert_eq!(fixed, expected);
    validate_cells_count(&path, 3);
}

fn validate_cells_count(path: &Path, n: usize) {
    let nb = Notebook::parse(std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(nb.cells.len(), n);
}

#[test]
fn bad_notebooks_are_said_and_never_written() {
    let dir = scratch("bad");
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let broken = write("broken.ipynb", "{\"cells\": [");
    write(
        "old.ipynb",
        r#"{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}"#,
    );
    write(
        "numbers.ipynb",
        r#"{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "source": [1, 2]}]}"#,
    );
    write(
        "r.ipynb",
        r#"{"nbformat": 4, "nbformat_minor": 5, "metadata": {"language_info": {"name": "R"}}, "cells": []}"#,
    );
    let o = run_in(dir.path(), &["check", "--fix", "--unsafe-fixes", "."]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("broken.ipynb: not a valid notebook: EOF"),
        "{err}"
    );
    assert!(
        err.contains("warning: ./old.ipynb: skipped: nbformat 3 is not supported"),
        "{err}"
    );
    assert!(
        err.contains("numbers.ipynb: not a valid notebook: cell 1: `source` is neither a string nor a list of strings"),
        "{err}"
    );
    assert!(
        err.contains("warning: ./r.ipynb: skipped: a notebook in R, not Python"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), "{\"cells\": [");
    // explain says the same.
    let o = run_in(dir.path(), &["explain", "broken.ipynb:1:1:1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a valid notebook"),
        "{}",
        stderr(&o)
    );
    // map too.
    let o = run_in(dir.path(), &["map", "."]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("broken.ipynb: not a valid notebook"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_fifty_megabyte_output_is_carried_through_a_fix() {
    let dir = scratch("big");
    let path = dir.path().join("big.ipynb");
    let blob = "A".repeat(50 * 1024 * 1024);
    let json = format!(
        r#"{{"cells": [{{"cell_type": "code", "execution_count": 1, "metadata": {{}}, "outputs": [{{"data": {{"image/png": "{blob}"}}, "metadata": {{}}, "output_type": "display_data"}}], "source": ["def f(x=[]):\n", "    return x"]}}], "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}"#
    );
    std::fs::write(&path, &json).unwrap();
    drop(blob);
    let o = run_in(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "big.ipynb"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let fixed = std::fs::read_to_string(&path).unwrap();
    let expected = json.replace(
        r#"["def f(x=[]):\n", "    return x"]"#,
        r#"["def f(x=None):\n", "    if x is None:\n", "        x = []\n", "    return x"]"#,
    );
    assert!(fixed == expected, "the blob or the layout changed");
}

#[test]
fn directory_walks_find_notebooks_and_exclusions_drop_them() {
    let dir = scratch("walk");
    std::fs::create_dir(dir.path().join("lessons")).unwrap();
    std::fs::write(dir.path().join("lessons/course.ipynb"), read(NOTEBOOK)).unwrap();
    std::fs::write(dir.path().join("lessons/a.py"), "def f(x=[]):\n    pass\n").unwrap();
    let o = run_in(dir.path(), &["check", "."]);
    let out = stdout(&o);
    assert!(out.contains("lessons/course.ipynb:cell 2:2:28:"), "{out}");
    assert!(out.contains("lessons/a.py:1:9:"), "{out}");
    let o = run_in(dir.path(), &["check", ".", "--extend-exclude", "*.ipynb"]);
    let out = stdout(&o);
    assert!(
        !out.contains("course.ipynb") && out.contains("a.py"),
        "{out}"
    );
    // The course map counts the notebook's constructs, per cell.
    let o = run_in(
        dir.path(),
        &["map", "lessons/course.ipynb", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let map: Value = serde_json::from_slice(&o.stdout).unwrap();
    let yield_from = map["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["note"] == "yield-from")
        .expect("yield from counted");
    assert_eq!(yield_from["examples"][0]["cell"], 3);
    assert_eq!(yield_from["examples"][0]["line"], 3);
    let o = run_in(dir.path(), &["map", "lessons/course.ipynb"]);
    assert!(
        stdout(&o).contains("course.ipynb:cell 3:3"),
        "{}",
        stdout(&o)
    );
}

/// A notebook with a syntax error gets no fix, and the message names the
/// cell and its line in words (`cell 2, line 2`), not a code location.
#[test]
fn a_syntax_error_is_named_by_cell_and_line() {
    let dir = scratch("syntax");
    let cell = |source: &str| {
        format!(
            r#"{{"cell_type": "code", "execution_count": null, "metadata": {{}}, "outputs": [], "source": {}}}"#,
            serde_json::to_string(source).unwrap()
        )
    };
    let nb = format!(
        r#"{{"cells": [{}, {}], "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}}"#,
        cell("def append_to(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n"),
        cell("x = 1\ndef broken(:\n    pass\n"),
    );
    std::fs::write(dir.path().join("bad.ipynb"), nb).unwrap();
    let o = run_in(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "bad.ipynb"],
    );
    assert!(
        stderr(&o).contains("not fixed: the file has syntax errors (cell 2, line 2)"),
        "{}",
        stderr(&o)
    );
}
