//! Notebook sync over LSP 3.17 (`notebookDocument/*`), against the binary:
//! the cells of a notebook get the diagnostics, hovers and quick fixes of
//! the equivalent `.py` file, on their own URIs and positions; cells edited,
//! added, moved and removed keep the module in step.

mod common;

use common::lsp::{hover_text, Client};
use serde_json::{json, Value};

const NOTEBOOK: &str = "tests/fixtures/notebook/course.ipynb";
const PYTHON: &str = "tests/fixtures/notebook/course.py";

fn file_uri(rel: &str) -> String {
    format!("file://{}", common::repo().join(rel).display())
}

fn cell_uri(n: usize) -> String {
    format!(
        "vscode-notebook-cell://{}#C{n}",
        common::repo().join(NOTEBOOK).display()
    )
}

/// A server with full hovers every time (a section's later hovers are
/// otherwise brief, and the `.py` file and the cells would differ by turn).
fn ready() -> Client {
    let mut c = Client::spawn(&[]);
    let result = c.initialize(json!({
        "processId": null, "rootUri": null, "capabilities": {},
        "initializationOptions": {"hover": {"repeat": "full"}},
    }));
    let sync = &result["capabilities"]["notebookDocumentSync"];
    assert_eq!(
        sync["notebookSelector"][0]["notebook"], "jupyter-notebook",
        "{result}"
    );
    assert_eq!(
        sync["notebookSelector"][0]["cells"][0]["language"],
        "python"
    );
    c
}

/// The fixture's cells: (kind, language, text).
fn fixture_cells() -> Vec<(u8, &'static str, String)> {
    let nb = pyexplain::notebook::Notebook::parse(
        std::fs::read_to_string(common::repo().join(NOTEBOOK)).unwrap(),
    )
    .unwrap();
    nb.cells
        .iter()
        .map(|c| match c.kind {
            pyexplain::notebook::CellKind::Code => (2, "python", c.source.clone()),
            _ => (1, "markdown", c.source.clone()),
        })
        .collect()
}

fn open_notebook(c: &mut Client, uri: &str, cells: &[(u8, &str, String)]) {
    let cell_list: Vec<Value> = (0..cells.len())
        .map(|i| json!({"kind": cells[i].0, "document": cell_uri(i)}))
        .collect();
    let docs: Vec<Value> = cells
        .iter()
        .enumerate()
        .map(|(i, (_, lang, text))| {
            json!({"uri": cell_uri(i), "languageId": lang, "version": 1, "text": text})
        })
        .collect();
    c.notify(
        "notebookDocument/didOpen",
        json!({"notebookDocument": {"uri": uri, "notebookType": "jupyter-notebook", "version": 1,
               "cells": cell_list}, "cellTextDocuments": docs}),
    );
}

fn change(c: &mut Client, uri: &str, version: i32, cells: Value) {
    c.notify(
        "notebookDocument/didChange",
        json!({"notebookDocument": {"uri": uri, "version": version}, "change": {"cells": cells}}),
    );
}

/// The first line of the `.py` file of each fixture cell (code cells only).
fn py_starts(cells: &[(u8, &str, String)]) -> Vec<Option<u32>> {
    let mut line = 0;
    cells
        .iter()
        .map(|(kind, _, text)| {
            (*kind == 2).then(|| {
                let start = line;
                line += text.split('\n').count() as u32;
                start
            })
        })
        .collect()
}

/// The next diagnostics published for `uri` that `want` accepts (earlier
/// ones, of intermediate states, are passed over; the wait is bounded).
fn diagnostics_until(c: &mut Client, uri: &str, want: impl Fn(&Value) -> bool) -> Value {
    loop {
        let d = c.diagnostics(uri);
        if want(&d) {
            return d;
        }
    }
}

fn first_start(d: &Value) -> Value {
    d["diagnostics"][0]["range"]["start"].clone()
}

fn shift(range: &Value, lines: i64) -> Value {
    let mut r = range.clone();
    for end in ["start", "end"] {
        let l = r[end]["line"].as_i64().unwrap();
        r[end]["line"] = json!(l + lines);
    }
    r
}

/// Applies LSP text edits (UTF-16 positions; this text's non-ASCII is all
/// in the BMP, so UTF-16 units count characters) to a text.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |pos: &Value| -> usize {
        let (line, ch) = (
            pos["line"].as_u64().unwrap() as usize,
            pos["character"].as_u64().unwrap() as usize,
        );
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let rest = &text[start..];
        start + rest.char_indices().nth(ch).map_or(rest.len(), |(i, _)| i)
    };
    let mut edits: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in edits {
        out.replace_range(s..e, t);
    }
    out
}

#[test]
fn the_cells_get_the_py_files_diagnostics_hovers_and_fixes() {
    let mut c = ready();
    let cells = fixture_cells();
    let starts = py_starts(&cells);
    let nb_uri = file_uri(NOTEBOOK);
    let py_uri = file_uri(PYTHON);
    let py_text = std::fs::read_to_string(common::repo().join(PYTHON)).unwrap();
    c.open(&py_uri, &py_text);
    let py_diags = c.diagnostics(&py_uri);
    open_notebook(&mut c, &nb_uri, &cells);

    // Diagnostics: each finding on the cell it starts in, at the cell's
    // line; the `.py` file's, shifted.
    let mut seen = 0;
    for (i, start) in starts.iter().enumerate() {
        let Some(start) = start else { continue };
        let got = c.diagnostics(&cell_uri(i));
        assert_eq!(got["version"], 1);
        let want: Vec<Value> = py_diags["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| {
                let line = d["range"]["start"]["line"].as_u64().unwrap() as u32;
                line >= *start && line < start + cells[i].2.split('\n').count() as u32
            })
            .map(|d| {
                let mut d = d.clone();
                d["range"] = shift(&d["range"], -(*start as i64));
                d
            })
            .collect();
        assert_eq!(got["diagnostics"].as_array().unwrap(), &want, "cell {i}");
        seen += want.len();
    }
    assert_eq!(seen, 1, "the mutable default of cell 2");

    // Hovers: at every position of every code cell, the `.py` file's.
    let mut answered = 0;
    for (i, start) in starts.iter().enumerate() {
        let Some(start) = start else { continue };
        for (line, text) in cells[i].2.split('\n').enumerate() {
            let magic = text.starts_with(['%', '!']);
            for ch in 0..=text.encode_utf16().count() as u32 {
                let in_cell = c.hover(&cell_uri(i), line as u32, ch);
                if magic {
                    assert!(in_cell.is_null(), "a hover on a magic: {in_cell}");
                    continue;
                }
                let in_py = c.hover(&py_uri, start + line as u32, ch);
                assert_eq!(
                    hover_text(&in_cell),
                    hover_text(&in_py),
                    "cell {i} {line}:{ch}"
                );
                if !in_py.is_null() {
                    assert_eq!(in_cell["range"], shift(&in_py["range"], -(*start as i64)));
                    answered += 1;
                }
            }
        }
    }
    assert!(answered > 50, "{answered}");

    // The descriptor read in cell 4 (its class is in cell 2).
    let h = c.hover(&cell_uri(3), 2, 12);
    let text = hover_text(&h).unwrap_or_default();
    assert!(text.contains("§8.3"), "{text}");

    // The quick fix in cell 2: edits on cell 2's URI and version, giving
    // the `.py` file's fixed function.
    let fixes_in = |c: &mut Client, uri: &str, line: u32| -> Vec<Value> {
        c.actions_at(uri, line, 28)
            .into_iter()
            .filter(|a| a["kind"] == "quickfix" && !a["title"].as_str().unwrap().contains("gnore"))
            .collect()
    };
    let cell_fix = fixes_in(&mut c, &cell_uri(1), 1);
    let py_fix = fixes_in(&mut c, &py_uri, starts[1].unwrap() + 1);
    assert_eq!(cell_fix.len(), 1, "{cell_fix:?}");
    assert_eq!(cell_fix[0]["title"], py_fix[0]["title"]);
    let changes = cell_fix[0]["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["textDocument"]["uri"], cell_uri(1));
    assert_eq!(changes[0]["textDocument"]["version"], 1);
    let fixed_cell = apply(&cells[1].2, changes[0]["edits"].as_array().unwrap());
    let py_changes = &py_fix[0]["edit"]["documentChanges"][0]["edits"];
    let fixed_py = apply(&py_text, py_changes.as_array().unwrap());
    assert!(fixed_cell.contains("def append_to(item, bucket=None):\n    if bucket is None:"));
    assert!(fixed_py.contains(&fixed_cell.replace("%matplotlib", "# %matplotlib")));
    // "Ignore on this line" goes to the cell too.
    let ignore: Vec<Value> = c
        .actions_at(&cell_uri(1), 1, 28)
        .into_iter()
        .filter(|a| a["title"].as_str().unwrap().contains("gnore"))
        .collect();
    assert_eq!(
        ignore[0]["edit"]["documentChanges"][0]["textDocument"]["uri"],
        cell_uri(1)
    );
    // A magic line gets no note action.
    assert!(c.actions_at(&cell_uri(1), 0, 3).is_empty());

    // Close: every cell's diagnostics cleared.
    c.notify(
        "notebookDocument/didClose",
        json!({"notebookDocument": {"uri": nb_uri}, "cellTextDocuments": []}),
    );
    let cleared = c.diagnostics(&cell_uri(1));
    assert_eq!(cleared["diagnostics"], json!([]));
    assert!(c.hover(&cell_uri(3), 2, 12).is_null());
    c.shutdown();
}

#[test]
fn cells_edited_added_moved_and_removed_keep_the_module_in_step() {
    let mut c = ready();
    let uri = "file:///tmp/pyexplain-protocol-notebook/lesson.ipynb";
    let cells = vec![
        (2, "python", "class Celsius:\n    def __get__(self, obj, owner):\n        return 20\n\n\nclass Room:\n    temp = Celsius()".to_string()),
        (1, "markdown", "Read the temperature:".to_string()),
        (2, "python", "r = Room()\nprint(r.temp)".to_string()),
    ];
    open_notebook(&mut c, uri, &cells);
    for i in [0, 2] {
        assert_eq!(c.diagnostics(&cell_uri(i))["diagnostics"], json!([]));
    }
    // A hover in the last cell knows the class of the first.
    let read = |c: &mut Client, cell: usize, line: u32| {
        hover_text(&c.hover(&cell_uri(cell), line, 9)).unwrap_or_default()
    };
    let descriptor = read(&mut c, 2, 1);
    assert!(
        descriptor.contains("§8.3") && descriptor.contains("Celsius"),
        "{descriptor}"
    );

    // Edit a cell: a mutable default typed into the first cell.
    change(
        &mut c,
        uri,
        2,
        json!({"textContent": [{"document": {"uri": cell_uri(0), "version": 2},
            "changes": [{"range": {"start": {"line": 1, "character": 32}, "end": {"line": 1, "character": 32}},
                         "text": ", cache={}"}]}]}),
    );
    let d = c.diagnostics(&cell_uri(0));
    assert_eq!(d["version"], 2);
    assert_eq!(
        d["diagnostics"][0]["code"], "mutable-default-argument",
        "{d}"
    );
    assert_eq!(
        d["diagnostics"][0]["range"]["start"],
        json!({"line": 1, "character": 40})
    );

    // Add a cell at the top, with a finding of its own.
    change(
        &mut c,
        uri,
        3,
        json!({"structure": {
            "array": {"start": 0, "deleteCount": 0, "cells": [{"kind": 2, "document": cell_uri(9)}]},
            "didOpen": [{"uri": cell_uri(9), "languageId": "python", "version": 1, "text": "def log(x, seen=[]):\n    pass"}]}}),
    );
    let added = c.diagnostics(&cell_uri(9));
    assert_eq!(first_start(&added), json!({"line": 0, "character": 16}));
    // The first cell's finding stays on its line although the cell moved down.
    let d = c.diagnostics(&cell_uri(0));
    assert_eq!(first_start(&d), json!({"line": 1, "character": 40}));
    assert!(read(&mut c, 2, 1).contains("Celsius"));

    // Move the class's cell below its use (now cells: 9, 0, 1, 2 → 9, 1, 2, 0).
    change(
        &mut c,
        uri,
        4,
        json!({"structure": {"array": {"start": 1, "deleteCount": 1}}}),
    );
    change(
        &mut c,
        uri,
        5,
        json!({"structure": {"array": {"start": 3, "deleteCount": 0,
            "cells": [{"kind": 2, "document": cell_uri(0)}]}}}),
    );
    // Taken out (cleared, no version), then put back (the cell's version).
    let out = c.diagnostics(&cell_uri(0));
    assert_eq!(
        (&out["diagnostics"], &out["version"]),
        (&json!([]), &Value::Null)
    );
    let back = c.diagnostics(&cell_uri(0));
    assert_eq!(back["version"], 2);
    assert_eq!(first_start(&back), json!({"line": 1, "character": 40}));
    // Hovers answer in the moved cell at its own positions: `__get__`.
    let get = hover_text(&c.hover(&cell_uri(0), 1, 9)).unwrap_or_default();
    assert!(get.contains("§8.3"), "{get}");

    // Remove the class's cell: its diagnostics are cleared, and the use no
    // longer names it.
    change(
        &mut c,
        uri,
        6,
        json!({"structure": {"array": {"start": 3, "deleteCount": 1},
            "didClose": [{"uri": cell_uri(0)}]}}),
    );
    let gone = diagnostics_until(&mut c, &cell_uri(0), |d| d["version"].is_null());
    assert_eq!(gone["diagnostics"], json!([]));
    assert!(c.hover(&cell_uri(0), 1, 9).is_null());
    let after = read(&mut c, 2, 1);
    assert!(!after.contains("Celsius"), "{after}");

    // A stale change is ignored (and logged), the notebook kept.
    change(&mut c, uri, 6, json!({"textContent": []}));
    let said = |m: &Value| m["params"]["message"].as_str().unwrap_or("").to_string();
    let mut log = c.wait_for("window/logMessage");
    while !said(&log).contains("notebookDocument") {
        log = c.wait_for("window/logMessage");
    }
    assert!(
        said(&log).contains("version 6 of notebook") && said(&log).contains("not newer"),
        "{log}"
    );
    let rule = hover_text(&c.hover(&cell_uri(9), 0, 16)).unwrap_or_default();
    assert!(rule.contains("§7.4"), "{rule}");
    c.shutdown();
}

#[test]
fn odd_notebook_messages_are_ignored_and_the_session_goes_on() {
    let mut c = ready();
    let uri = "file:///tmp/pyexplain-protocol-notebook/odd.ipynb";
    // A change to a notebook never opened; an empty notebook.
    change(&mut c, uri, 2, json!({"textContent": []}));
    open_notebook(&mut c, uri, &[]);
    // Cells spliced far past the end, a text change for a cell never opened,
    // a range past the cell's end, a cell in no notebook hovered.
    change(
        &mut c,
        uri,
        2,
        json!({"structure": {"array": {"start": 99, "deleteCount": 99,
            "cells": [{"kind": 2, "document": cell_uri(0)}]},
            "didOpen": [{"uri": cell_uri(0), "languageId": "python", "version": 1, "text": "x = 1"}]}}),
    );
    change(
        &mut c,
        uri,
        3,
        json!({"textContent": [
            {"document": {"uri": cell_uri(5), "version": 2}, "changes": [{"text": "y"}]},
            {"document": {"uri": cell_uri(0), "version": 2}, "changes": [
                {"range": {"start": {"line": 40, "character": 9}, "end": {"line": 50, "character": 0}},
                 "text": "\ndef f(a=[]):\n    pass"}]}]}),
    );
    let d = diagnostics_until(&mut c, &cell_uri(0), |d| d["version"] == 2);
    assert_eq!(first_start(&d), json!({"line": 1, "character": 8}), "{d}");
    assert!(c.hover(&cell_uri(7), 0, 0).is_null());
    let rule = hover_text(&c.hover(&cell_uri(0), 1, 8)).unwrap_or_default();
    assert!(rule.contains("§7.4"), "{rule}");
    c.shutdown();
}

#[test]
fn inlay_hints_in_a_cell_are_that_cells() {
    let mut c = Client::spawn(&[]);
    c.initialize(
        json!({"processId": null, "rootUri": null, "capabilities": {},
        "initializationOptions": {"inlayHints": {"enable": true}}}),
    );
    let uri = "file:///tmp/pyexplain-protocol-notebook/hints.ipynb";
    let cells = vec![
        (
            2,
            "python",
            "class A:\n    pass\n\n\nclass B:\n    pass".to_string(),
        ),
        (
            2,
            "python",
            "%time x = 1\nclass C(A, B):\n    pass\n\n\ndef numbers():\n    yield 1".to_string(),
        ),
    ];
    open_notebook(&mut c, uri, &cells);
    c.diagnostics(&cell_uri(1));
    let hints = |c: &mut Client, cell: usize| {
        c.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": cell_uri(cell)}, "range": {
                "start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}}),
        )
    };
    // The MRO of a class whose bases are in the first cell, and the
    // generator, at their places in the second cell; none in the first.
    assert_eq!(
        hints(&mut c, 1),
        json!([
            {"position": {"line": 1, "character": 13}, "label": "MRO: C → A → B → object", "paddingLeft": true},
            {"position": {"line": 5, "character": 13}, "label": "generator", "paddingLeft": true},
        ])
    );
    assert_eq!(hints(&mut c, 0), json!([]));
    c.shutdown();
}
