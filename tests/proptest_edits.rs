//! Property tests (proptest, with shrinking) for the edit path, the one
//! edit fuzzer: in the core, after any sequence of incremental edits, the
//! text equals the one built by applying the same edits to a plain string,
//! and findings and hovers equal those of a fresh parse (on a small text
//! and on real stdlib files); over LSP, a client
//! that counts lines as the protocol does (`\n`, `\r\n` and a lone `\r`
//! all end a line) and the server stay in step through edits that insert
//! and delete every mix of line endings. `PROPTEST_CASES=10000` for a
//! longer local run.

mod common;

use proptest::prelude::*;
use pyexplain::analysis::findings;
use pyexplain::analysis::rules::{self, Selection};
use pyexplain::analysis::{explain_at, Encoding, LineCol, Parsed};

const BASE: &str = "import asyncio, time\n\n\ndef delegate(results, key=[]):\n    while True:\n        results[key] = yield from averager()\n\n\nasync def main():\n    time.sleep(1)\n    if key is 1:\n        return 中文 + '😀'\n\r\nclass C(A, B, metaclass=M):\n    def __new__(cls):\n        pass\n";

/// `PROPTEST_CASES` when set (proptest itself reads it only for its default
/// configuration, which `with_cases` replaces), else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("yield ".to_string()),
        Just("async def f(x={}):\n".to_string()),
        Just("😀中e\u{301}".to_string()),
        Just("    ".to_string()),
        Just("(\"'".to_string()),
        "[a-z ():=\\[\\]]{0,8}",
    ]
}

/// An edit as the server receives it: a (line, UTF-16 column) range and text.
fn edit() -> impl Strategy<Value = (u32, u32, u32, u32, String)> {
    (0u32..25, 0u32..40, 0u32..4, 0u32..40, piece())
}

type NodeSpan = (String, usize, usize, (usize, usize), (usize, usize));

/// Every node of the tree with its byte range and start/end points.
fn nodes(parsed: &Parsed) -> Vec<NodeSpan> {
    let mut out = Vec::new();
    let Some(tree) = parsed.tree.as_ref() else {
        return out;
    };
    let mut cursor = tree.walk();
    loop {
        let n = cursor.node();
        let (s, e) = (n.start_position(), n.end_position());
        out.push((
            n.kind().to_string(),
            n.start_byte(),
            n.end_byte(),
            (s.row, s.column),
            (e.row, e.column),
        ));
        if cursor.goto_first_child() || cursor.goto_next_sibling() {
            continue;
        }
        loop {
            if !cursor.goto_parent() {
                return out;
            }
            if cursor.goto_next_sibling() {
                break;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(200)))]

    #[test]
    fn incremental_edits_equal_a_fresh_parse(edits in proptest::collection::vec(edit(), 1..12)) {
        let mut parsed = Parsed::new(BASE.to_string());
        let mut plain = BASE.to_string();
        for (line, col, dl, end_col, text) in edits {
            let start = parsed.offset(LineCol { line, col }, Encoding::Utf16);
            let end = parsed.offset(LineCol { line: line + dl, col: end_col }, Encoding::Utf16).max(start);
            parsed.replace(start..end, &text);
            plain.replace_range(start..end, &text);
            prop_assert_eq!(&parsed.text, &plain);
        }
        parsed.reparse();
        let fresh = Parsed::new(plain.clone());
        prop_assert_eq!(
            parsed.tree.as_ref().map(|t| t.root_node().to_sexp()),
            fresh.tree.as_ref().map(|t| t.root_node().to_sexp())
        );
        // Every node's bytes and points too: the edit's points count rows
        // as tree-sitter's lexer does, so a lone CR cannot shift them.
        prop_assert_eq!(nodes(&parsed), nodes(&fresh));
        let sel = Selection::default();
        prop_assert_eq!(rules::check(&parsed, &sel), rules::check(&fresh, &sel));
        for offset in (0..plain.len()).step_by(7) {
            prop_assert_eq!(explain_at(&parsed, offset), explain_at(&fresh, offset));
        }
    }
}

/// The client's side, written from the protocol's definition and nothing
/// of ours: the byte offset of (line, UTF-16 column), lines ending at
/// `\r\n`, `\r` or `\n`, a column past the line's end clamped to it.
fn client_offset(text: &str, line: u32, col: u32) -> usize {
    let mut starts = vec![0];
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') {
            starts.push(i + 2);
            i += 2;
            continue;
        }
        if b[i] == b'\r' || b[i] == b'\n' {
            starts.push(i + 1);
        }
        i += 1;
    }
    let Some(&start) = starts.get(line as usize) else {
        return text.len();
    };
    let mut end = starts.get(line as usize + 1).copied().unwrap_or(text.len());
    while end > start && matches!(b[end - 1], b'\r' | b'\n') {
        end -= 1;
    }
    let mut units = 0;
    for (i, ch) in text[start..end].char_indices() {
        if units + ch.len_utf16() as u32 > col {
            return start + i;
        }
        units += ch.len_utf16() as u32;
    }
    end
}

fn line_ending_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\r".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("x = 1\r".to_string()),
        Just("def f():\r    yield 1\r\n".to_string()),
        Just("a is 1\n".to_string()),
        Just(String::new()),
        "[a-z ]{0,4}",
    ]
}

const MIXED: &str = "import time\r\nasync def main():\r    time.sleep(1)\n    x = 1 is 1\r\n\rdef g(a=[]):\n    yield from a\r";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(24)))]

    /// Edits with CR, CRLF and LF mixes, sent to the real server with the
    /// positions a protocol-conforming client computes: its diagnostics
    /// equal those of a fresh open of the client's text.
    #[test]
    fn lsp_edits_with_mixed_line_endings_keep_server_and_client_in_step(
        edits in proptest::collection::vec(
            (0u32..12, 0u32..30, 0u32..3, 0u32..30, line_ending_piece()), 1..10),
    ) {
        use serde_json::json;
        let mut c = common::lsp::Client::spawn(&[]);
        c.initialize(json!({"processId": null, "rootUri": null, "capabilities": {}}));
        let uri = "file:///tmp/pyexplain-fuzz/edited.py";
        c.open(uri, MIXED);
        let mut text = MIXED.to_string();
        let mut edited = c.diagnostics(uri);
        for (version, (line, col, dl, end_col, insert)) in (2..).zip(edits) {
            let a = client_offset(&text, line, col);
            let b = client_offset(&text, line + dl, end_col).max(a);
            text.replace_range(a..b, &insert);
            // The end is sent as the client computed it; a reversed range
            // (end before start) is sent as an empty one at the start.
            let (el, ec) = if b == a { (line, col) } else { (line + dl, end_col) };
            c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [
                {"range": {"start": {"line": line, "character": col}, "end": {"line": el, "character": ec}}, "text": insert}]}));
            edited = c.diagnostics(uri);
            prop_assert_eq!(&edited["version"], &json!(version));
        }
        let fresh_uri = "file:///tmp/pyexplain-fuzz/fresh.py";
        c.open(fresh_uri, &text);
        let fresh = c.diagnostics(fresh_uri);
        prop_assert_eq!(&edited["diagnostics"], &fresh["diagnostics"], "server text diverged from the client's: {:?}", text);
        prop_assert_eq!(c.shutdown().code(), Some(0));
    }
}

/// Real stdlib files (a spread of sizes and constructs: coroutines,
/// generators, context managers, threads, descriptors) for the edit
/// equivalence below; small enough that a case takes milliseconds.
const STDLIB_FILES: &[&str] = &[
    "asyncio/tasks.py",
    "contextlib.py",
    "queue.py",
    "threading.py",
    "concurrent/futures/_base.py",
    "abc.py",
    "dataclasses.py",
    "functools.py",
];

/// Python-shaped insertions: tokens that change scopes, suites and the
/// constructs the rules look at, as a typist would make them.
fn python_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("\n".to_string()),
        Just("    ".to_string()),
        Just("async ".to_string()),
        Just("await ".to_string()),
        Just("yield ".to_string()),
        Just("def f(x=[]):\n    ".to_string()),
        Just("class C(dict):\n    def __eq__(self, o): return True\n".to_string()),
        Just("open('f')\n".to_string()),
        Just("asyncio.sleep(1)\n".to_string()),
        Just(" is 1".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(":".to_string()),
        Just("\"".to_string()),
        Just("#".to_string()),
        "[a-z_ ]{1,6}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(16)))]

    /// The server's path on real code: rounds of edits (one didChange
    /// each), the tree edited and reparsed incrementally after each round;
    /// the findings then equal those of a fresh analysis of the final text.
    #[test]
    fn incremental_edits_of_stdlib_files_equal_a_fresh_analysis(
        file in 0..STDLIB_FILES.len(),
        rounds in proptest::collection::vec(
            proptest::collection::vec((0.0f64..1.0, 0usize..24, python_piece()), 1..4),
            1..5),
    ) {
        let path = common::stdlib().join(STDLIB_FILES[file]);
        let text = std::fs::read_to_string(&path).expect("a stdlib file");
        let mut parsed = Parsed::new(text);
        let sel = Selection::default();
        // As the server does: the first version is analysed before edits,
        // each later one from the findings of the one before.
        let mut found = findings::analyse(&parsed, &sel, None);
        for round in rounds {
            for (at, len, insert) in round {
                let start = (at * parsed.text.len() as f64) as usize;
                parsed.replace(start..start + len, &insert);
            }
            parsed.reparse();
            found = findings::analyse(&parsed, &sel, Some(&found));
        }
        let fresh = Parsed::new(parsed.text.clone());
        prop_assert_eq!(
            parsed.tree.as_ref().map(|t| t.root_node().to_sexp()),
            fresh.tree.as_ref().map(|t| t.root_node().to_sexp())
        );
        // The model built from the previous versions' equals a fresh one.
        prop_assert!(*parsed.model() == *fresh.model(), "the reused model differs from a fresh one");
        let expected = rules::check(&fresh, &sel);
        prop_assert_eq!(rules::check(&parsed, &sel), expected.clone());
        prop_assert_eq!(&*found.diagnostics, &expected);
    }
}

/// Files for the reuse property below: the rules find things in them, and
/// their units read each other's names (classes and their subclasses,
/// helpers, module state).
const REUSE_FILES: &[&str] = &[
    "asyncio/tasks.py",
    "asyncio/base_events.py",
    "concurrent/futures/thread.py",
    "concurrent/futures/process.py",
    "multiprocessing/pool.py",
    "threading.py",
    "queue.py",
    "contextlib.py",
    "dataclasses.py",
    "functools.py",
    "collections/__init__.py",
    "test/test_typing.py",
];

/// Statements a typist inserts at the start of a line (indented as that
/// line is): bindings other code reads, calls the rules look at.
fn statement() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("x = 1".to_string()),
        Just("f = open('f')".to_string()),
        Just("self.data = []".to_string()),
        Just("asyncio.sleep(1)".to_string()),
        Just("time.sleep(1)".to_string()),
        Just("return None".to_string()),
        Just("yield 1".to_string()),
        Just("global counter".to_string()),
        Just("counter += 1".to_string()),
        Just("loop = asyncio.get_event_loop()".to_string()),
        Just("async def run(): pass".to_string()),
        Just("def __eq__(self, other): return True".to_string()),
        Just("class dict(list): pass".to_string()),
        Just("import asyncio".to_string()),
        Just("pass".to_string()),
        Just("lock = threading.Lock()".to_string()),
        Just("lock.acquire()".to_string()),
        Just("lock.release()".to_string()),
        Just("f.close()".to_string()),
        Just("threading.Thread(target=main).start()".to_string()),
        Just("from unittest.mock import mock_open".to_string()),
    ]
}

/// An edit that keeps the file parseable more often than not: a name
/// replaced by another name of the file, a statement inserted before a
/// line (at its indentation), or a line deleted.
#[derive(Debug, Clone)]
enum Change {
    Rename {
        at: f64,
        to: f64,
    },
    Insert {
        at: f64,
        statement: String,
    },
    Delete {
        at: f64,
    },
    /// `async ` added before a `def` that has none, or taken away.
    Async {
        at: f64,
    },
}

fn change() -> impl Strategy<Value = Change> {
    prop_oneof![
        3 => (0.0f64..1.0, 0.0f64..1.0).prop_map(|(at, to)| Change::Rename { at, to }),
        2 => (0.0f64..1.0, statement()).prop_map(|(at, statement)| Change::Insert { at, statement }),
        1 => (0.0f64..1.0).prop_map(|at| Change::Delete { at }),
        2 => (0.0f64..1.0).prop_map(|at| Change::Async { at }),
    ]
}

/// The byte ranges of the identifiers of a text (outside nothing: strings
/// and comments too, as a typist's edits fall anywhere).
fn names(text: &str) -> Vec<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'_' || b[i].is_ascii_alphabetic() {
            let s = i;
            while i < b.len() && (b[i] == b'_' || b[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            out.push(s..i);
        } else {
            i += 1;
        }
    }
    out
}

/// The byte range (start, end with its newline) of the lines of a text.
fn line_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    out
}

fn apply(text: &str, change: &Change) -> Option<(std::ops::Range<usize>, String)> {
    let pick = |at: f64, n: usize| {
        n.checked_sub(1)
            .map(|last| ((at * n as f64) as usize).min(last))
    };
    match change {
        Change::Rename { at, to } => {
            let all = names(text);
            let from = all.get(pick(*at, all.len())?)?.clone();
            let to = all.get(pick(*to, all.len())?)?.clone();
            Some((from, text[to].to_string()))
        }
        Change::Insert { at, statement } => {
            let lines = line_spans(text);
            let (start, end) = *lines.get(pick(*at, lines.len())?)?;
            let line = &text[start..end];
            let indent = &line[..line.len() - line.trim_start().len()];
            if line.trim().is_empty() {
                return None;
            }
            Some((start..start, format!("{indent}{statement}\n")))
        }
        Change::Async { at } => {
            let defs: Vec<usize> = text.match_indices("def ").map(|(i, _)| i).collect();
            let i = *defs.get(pick(*at, defs.len())?)?;
            if text[..i].ends_with("async ") {
                Some((i - 6..i, String::new()))
            } else {
                Some((i..i, "async ".to_string()))
            }
        }
        Change::Delete { at } => {
            let lines = line_spans(text);
            let (start, end) = *lines.get(pick(*at, lines.len())?)?;
            Some((start..end, String::new()))
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(24)))]

    /// Reuse across versions on real code, with edits that mostly keep the
    /// file parseable (so units are reused): after each edit, the model and
    /// the findings computed from the previous version's equal a fresh
    /// model and check of the text.
    #[test]
    fn findings_reused_after_edits_equal_a_fresh_check(
        file in 0..REUSE_FILES.len(),
        changes in proptest::collection::vec(change(), 1..6),
    ) {
        let path = common::stdlib().join(REUSE_FILES[file]);
        let text = std::fs::read_to_string(&path).expect("a stdlib file");
        let mut parsed = Parsed::new(text);
        let sel = Selection::default();
        let mut found = findings::analyse(&parsed, &sel, None);
        for change in &changes {
            let Some((range, insert)) = apply(&parsed.text, change) else {
                continue;
            };
            parsed.replace(range, &insert);
            parsed.reparse();
            found = findings::analyse(&parsed, &sel, Some(&found));
            let fresh = Parsed::new(parsed.text.clone());
            prop_assert!(*parsed.model() == *fresh.model(), "the reused model differs after {:?}", change);
            prop_assert_eq!(&*found.diagnostics, &rules::check(&fresh, &sel), "after {:?}", change);
        }
    }
}
