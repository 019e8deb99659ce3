//! Protocol abuse: the server answers clearly and keeps serving.

mod common;

use common::lsp::{frame, hover_text, Client};
use serde_json::{json, Value};

const URI: &str = "file:///tmp/pyexplain-protocol/demo.py";
const TEXT: &str = "def g():\n    x = yield from h()\n";

fn ready() -> Client {
    let mut c = Client::spawn(&[]);
    c.initialize(json!({"processId": null, "rootUri": null, "capabilities": {}}));
    c.open(URI, TEXT);
    c
}

fn assert_still_serving(c: &mut Client) {
    let t = hover_text(&c.hover(URI, 1, 9)).expect("server still answers hovers");
    assert!(t.starts_with("**§12.6"), "{t}");
}

#[test]
fn requests_before_initialize_get_an_error() {
    let mut c = Client::spawn(&[]);
    let id = c.request_async(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
    );
    let resp = c.response(id);
    assert_eq!(resp["error"]["code"], -32002, "{resp}");
    c.initialize(json!({"processId": null, "rootUri": null, "capabilities": {}}));
    c.open(URI, TEXT);
    assert_still_serving(&mut c);
}

#[test]
fn unknown_methods_and_malformed_json() {
    let mut c = ready();
    let id = c.request_async("pyexplain/noSuchMethod", json!({}));
    assert_eq!(c.response(id)["error"]["code"], -32601);
    // Not JSON at all, then JSON that is not a request.
    let junk = b"{not json";
    c.send_raw(format!("Content-Length: {}\r\n\r\n", junk.len()).as_bytes());
    c.send_raw(junk);
    c.send_raw(&frame(&json!({"hello": "world"})));
    // Params of the wrong shape.
    let id = c.request_async("textDocument/hover", json!({"textDocument": 42}));
    assert_eq!(c.response(id)["error"]["code"], -32602);
    assert_still_serving(&mut c);
}

#[test]
fn out_of_range_positions_and_bad_changes_are_clamped_or_ignored() {
    let mut c = ready();
    for (line, ch) in [(0, 9999), (9999, 0), (u32::MAX, u32::MAX)] {
        let r = c.hover(URI, line, ch);
        assert!(r.is_null() || r.get("contents").is_some(), "{r}");
    }
    // A change to an unopened document and one going back in version.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///nope.py", "version": 5}, "contentChanges": [{"text": "x"}]}));
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 0}, "contentChanges": [{"text": ""}]}),
    );
    assert_still_serving(&mut c);
    // A range far past the end, and a reversed range: clamped, text stays valid UTF-8.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
        {"range": {"start": {"line": 500, "character": 3}, "end": {"line": 900, "character": 0}}, "text": "\n# end 😀\n"},
        {"range": {"start": {"line": 1, "character": 40}, "end": {"line": 1, "character": 2}}, "text": ""}]}));
    assert_still_serving(&mut c);
    let actions = c.request("textDocument/codeAction", json!({"textDocument": {"uri": URI},
        "range": {"start": {"line": 99, "character": 99}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}));
    assert!(actions.is_array());
    assert_eq!(c.shutdown().code(), Some(0));
}

#[test]
fn huge_documents_are_served() {
    let mut c = ready();
    let block = "def gen(n):\n    total = yield from helper(n)\n    return total\n\n";
    let big: String = block.repeat(10 * 1024 * 1024 / block.len());
    let uri = "file:///tmp/pyexplain-protocol/big.py";
    c.open(uri, &big);
    let last_line = big.lines().count() as u32 - 3;
    let t = hover_text(&c.hover(uri, last_line, 13)).expect("hover at the end of a 10 MB file");
    assert!(t.starts_with("**§12.6"));
    assert_still_serving(&mut c);
    assert_eq!(c.shutdown().code(), Some(0));
}

#[test]
fn wrong_content_length_does_not_kill_the_server() {
    let mut c = ready();
    // A header with an unparsable length, then a valid request.
    c.send_raw(b"Content-Length: banana\r\n\r\n{}");
    let id = c.request_async(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 9}}),
    );
    let resp = c.response(id);
    assert!(
        resp.get("result").is_some() || resp.get("error").is_some(),
        "{resp}"
    );
    assert_still_serving(&mut c);
    let _: Value = c.request("shutdown", Value::Null);
}
