//! Diagnostics after bursts of `didChange`, over LSP: they are computed in
//! the background (the next message is served at once) and coalesced, so
//! what the client sees must still be consistent. Whatever the timing, the
//! publishes of a document come in version order, each carries the findings
//! of exactly the text of the version it names, the last one is the latest
//! version's, and a hover sent right after the burst answers on the latest
//! text. No assertion here depends on how fast anything runs.

mod common;

use common::lsp::{hover_text, Client};
use serde_json::{json, Value};

/// A real, large file (the analysis of each version takes a while, so the
/// changes of a burst arrive while earlier ones are being analysed).
fn base_text() -> String {
    let path = common::stdlib().join("test/test_typing.py");
    let mut text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // It ends without a newline; the changes append whole lines.
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The line appended by change `v`: one `mutable-default` finding each.
fn appended(v: i64) -> String {
    format!("def added_{v}(items=[]):\n    return items\n")
}

/// Appended by the last change only, for the hover.
const DELEGATE: &str = "def delegate():\n    x = yield from h()\n";

/// The `mutable-default-argument` findings on lines at or after `from`.
fn added_findings(params: &Value, from: u64) -> usize {
    params["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .filter(|d| d["code"] == "mutable-default-argument")
        .filter(|d| d["range"]["start"]["line"].as_u64().unwrap_or(0) >= from)
        .count()
}

#[test]
fn a_burst_of_changes_publishes_consistent_versions_in_order() {
    let uri = "file:///tmp/pyexplain-edit-burst/test_typing.py";
    let base = base_text();
    let base_lines = base.lines().count() as u64;
    let mut c = Client::spawn(&[]);
    c.initialize(json!({"processId": null, "rootUri": null, "capabilities": {}}));
    c.open(uri, &base);
    let first = c.diagnostics(uri);
    assert_eq!(first["version"], 1);
    assert_eq!(added_findings(&first, base_lines), 0);

    // Versions 2..=LAST, each appending two lines at the end.
    const LAST: i64 = 25;
    let mut line = base_lines;
    for v in 2..=LAST {
        let mut text = appended(v);
        if v == LAST {
            text.push_str(DELEGATE);
        }
        c.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": v},
                "contentChanges": [{
                    "range": {"start": {"line": line, "character": 0},
                              "end": {"line": line, "character": 0}},
                    "text": text,
                }],
            }),
        );
        line += 2;
        // A hover between changes: answered while the analyses of earlier
        // versions may still run, so later changes land in the middle of
        // them (the case where a stale result could be published).
        c.hover(uri, (line - 2) as u32, 4);
    }
    // The hover answers on the latest text: only version LAST has a
    // `yield from` there.
    let at = line + 1;
    let hover = c.hover(uri, at as u32, 9);
    let text = hover_text(&hover).unwrap_or_default();
    assert!(text.starts_with("**§12.6"), "hover at line {at}: {hover}");

    let mut last_version = 1;
    loop {
        let p = c.diagnostics(uri);
        let v = p["version"].as_i64().expect("a version on every publish");
        assert!(
            v >= last_version,
            "version {v} published after {last_version}"
        );
        assert_eq!(
            added_findings(&p, base_lines) as i64,
            v - 1,
            "the findings published for version {v} are those of its text"
        );
        last_version = v;
        if v == LAST {
            break;
        }
    }
    assert_eq!(c.shutdown().code(), Some(0));
}
