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
    // Clamped to the end of the line / of the text, where the hover is
    // the one at that position.
    for (line, ch, clamped) in [
        (0, 9999, (0, 8)),
        (9999, 0, (2, 0)),
        (u32::MAX, u32::MAX, (2, 0)),
    ] {
        let r = c.hover(URI, line, ch);
        assert_eq!(r, c.hover(URI, clamped.0, clamped.1), "({line}, {ch})");
    }
    // A change to an unopened document: ignored.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///nope.py", "version": 5}, "contentChanges": [{"text": "x"}]}));
    assert_still_serving(&mut c);
    // One going back in version: ignored, and the document is out of step
    // with the editor until a full text arrives.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 0}, "contentChanges": [{"text": ""}]}),
    );
    assert_eq!(c.hover(URI, 1, 9), Value::Null);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": TEXT}]}),
    );
    assert_still_serving(&mut c);
    // A range far past the end, and a reversed range: clamped, text stays valid UTF-8.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [
        {"range": {"start": {"line": 500, "character": 3}, "end": {"line": 900, "character": 0}}, "text": "\n# end 😀\n"},
        {"range": {"start": {"line": 1, "character": 40}, "end": {"line": 1, "character": 2}}, "text": ""}]}));
    assert_still_serving(&mut c);
    let actions = c.request("textDocument/codeAction", json!({"textDocument": {"uri": URI},
        "range": {"start": {"line": 99, "character": 99}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}));
    assert!(actions.is_array());
    assert_eq!(c.shutdown().code(), Some(0));
}

/// A document over the size limit (default 4 MiB) gets one clear message
/// and no analysis; edits still apply to its text; raising `maxFileSize`
/// turns analysis on for it.
#[test]
fn huge_documents_are_switched_off_with_one_message() {
    let mut c = ready();
    let block = "def gen(n):\n    total = yield from helper(n)\n    return total\n\n";
    let big: String = block.repeat(10 * 1024 * 1024 / block.len());
    let uri = "file:///tmp/pyexplain-protocol/big.py";
    c.open(uri, &big);
    let said = c.wait_for("window/showMessage");
    let message = said["params"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("big.py") && message.contains("maxFileSize"),
        "{said}"
    );
    assert_eq!(c.diagnostics(uri)["diagnostics"], json!([]));
    let last_line = big.lines().count() as u32 - 3;
    assert_eq!(c.hover(uri, last_line, 13), Value::Null);
    let actions = c.actions_at(uri, last_line, 13);
    assert!(actions.is_empty(), "{actions:?}");
    assert_still_serving(&mut c);
    // An edit: still off, no second message.
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
        {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "# edited\n"}]}));
    assert_eq!(c.diagnostics(uri)["diagnostics"], json!([]));
    assert!(!c
        .backlog
        .iter()
        .any(|m| m["method"] == "window/showMessage"));
    // The limit is a setting: a small one turns a small document off, the
    // default turns it back on.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyexplain": {"maxFileSize": 10}}}),
    );
    assert_eq!(c.hover(URI, 1, 9), Value::Null);
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyexplain": {}}}),
    );
    assert_still_serving(&mut c);
    assert_eq!(c.shutdown().code(), Some(0));
}

/// A setting with the wrong type is said once, when it arrives, not on
/// every request (it used to pop up on every hover and keystroke).
#[test]
fn a_bad_setting_is_reported_once() {
    let mut c = Client::spawn(&[]);
    c.initialize(
        json!({"processId": null, "rootUri": null, "capabilities": {},
        "initializationOptions": {"select": ["no-such-rule"], "hover": {"enable": "yes"}}}),
    );
    c.open(URI, TEXT);
    for _ in 0..3 {
        assert_still_serving(&mut c);
        let _ = c.actions_at(URI, 1, 9);
    }
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
        {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "\n"}]}));
    let _ = c.diagnostics(URI);
    let _ = c.diagnostics(URI);
    let messages: Vec<String> = c
        .backlog
        .iter()
        .filter(|m| m["method"] == "window/showMessage")
        .map(|m| {
            m["params"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(messages[0].contains("no-such-rule") || messages[1].contains("no-such-rule"));
    assert!(messages.iter().any(|m| m.contains("hover.enable")));
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
    let hover = hover_text(&resp["result"]).unwrap_or_else(|| panic!("{resp}"));
    assert!(hover.starts_with("**§12.6"), "{hover}");
    assert_eq!(c.response_to(&Value::Null)["error"]["code"], -32700);
    assert_still_serving(&mut c);
    assert!(null_id_errors(&mut c).is_empty());
    let _: Value = c.request("shutdown", Value::Null);
}

/// The error responses with `id: null` received so far (their codes).
fn null_id_errors(c: &mut Client) -> Vec<i64> {
    let (errors, rest): (Vec<Value>, Vec<Value>) = std::mem::take(&mut c.backlog)
        .into_iter()
        .partition(|m| m["id"].is_null() && m.get("error").is_some());
    c.backlog = rest;
    errors
        .iter()
        .map(|m| m["error"]["code"].as_i64().unwrap_or(0))
        .collect()
}

fn framed(body: &str) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// Every malformed frame and invalid JSON-RPC shape of the attack run, one
/// after the other in one session: each gets the error the spec prescribes
/// (with the request's id when it is usable) and the next hover is answered.
#[test]
fn every_malformed_message_gets_its_error_and_the_session_continues() {
    let mut c = ready();
    let cases: Vec<(Vec<u8>, i64, Value)> = vec![
        (b"Content-Length: 0\r\n\r\n".to_vec(), -32700, Value::Null),
        (framed("{not json"), -32700, Value::Null),
        (framed("[1, 2]"), -32600, Value::Null),
        (
            framed(r#"{"jsonrpc":"2.0","id":1.5,"method":"textDocument/hover"}"#),
            -32600,
            Value::Null,
        ),
        (
            framed(r#"{"jsonrpc":"2.0","id":1e3,"method":"textDocument/hover"}"#),
            -32600,
            Value::Null,
        ),
        (
            framed(r#"{"jsonrpc":"2.0","id":{},"method":"textDocument/hover"}"#),
            -32600,
            Value::Null,
        ),
        (
            framed(r#"{"jsonrpc":"2.0","id":[1],"method":"textDocument/hover"}"#),
            -32600,
            Value::Null,
        ),
        (
            framed(r#"{"jsonrpc":"2.0","id":true,"method":"textDocument/hover"}"#),
            -32600,
            Value::Null,
        ),
        (
            framed(r#"{"jsonrpc":"2.0","id":1180591620717411303424,"method":"x"}"#),
            -32600,
            Value::Null,
        ),
        (
            framed(r#"{"jsonrpc":"2.0","id":900,"method":12}"#),
            -32600,
            json!(900),
        ),
        (
            framed(r#"{"jsonrpc":"1.0","id":901,"method":"textDocument/hover"}"#),
            -32600,
            json!(901),
        ),
        (
            framed(r#"{"jsonrpc":null,"id":"x902","method":"textDocument/hover"}"#),
            -32600,
            json!("x902"),
        ),
        (
            framed(r#"{"jsonrpc":"2.0","id":903,"id":904,"method":"shutdown"}"#),
            -32600,
            Value::Null,
        ),
        (
            b"Content-Length: 13\n\n{\"broken\": 1}".to_vec(),
            -32600,
            Value::Null,
        ),
        (b"Content-Length: -1\r\n\r\n".to_vec(), -32700, Value::Null),
        (
            b"Content-Length: 300\r\n\r\n{\"a\":".to_vec(),
            -32700,
            Value::Null,
        ),
        (b"Content-Length: 7\r\n\r\n".to_vec(), -32700, Value::Null),
        (b"\x00\xff garbage".to_vec(), -32700, Value::Null),
    ];
    for (bad, code, id) in cases {
        c.send_raw(&bad);
        let what = String::from_utf8_lossy(&bad).into_owned();
        // The hover right behind it (a cut frame is only known to be bad
        // when the next one arrives).
        let hover = c.request_async(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 9}}),
        );
        let reply = c.response_to(&id);
        assert_eq!(reply["error"]["code"], code, "{what}: {reply}");
        let text = hover_text(&c.response(hover)["result"]).unwrap_or_default();
        assert!(text.starts_with("**§12.6"), "{what}: {text}");
        assert!(null_id_errors(&mut c).is_empty(), "{what}: a second error");
    }
    assert_eq!(c.shutdown().code(), Some(0));
}

mod junk_between_requests {
    use super::*;
    use proptest::prelude::*;

    fn junk() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..40),
            Just(b"Content-Length: ".to_vec()),
            Just(b"Content-Type: x".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"{".to_vec()),
            Just(b"\"".to_vec()),
            "[0-9]{1,3}".prop_map(String::into_bytes),
            Just(br#"{"jsonrpc":"2.0","id":{},"method":"x"}"#.to_vec()),
        ];
        proptest::collection::vec(piece, 0..6).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// Random bytes between valid requests sent to the real server:
        /// every valid request is answered, with the real hover.
        #[test]
        fn every_valid_request_is_answered(junks in proptest::collection::vec(junk(), 3..5)) {
            let mut c = ready();
            for j in &junks {
                c.send_raw(j);
                let id = c.request_async(
                    "textDocument/hover",
                    json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 9}}),
                );
                let resp = c.response(id);
                let text = hover_text(&resp["result"]).unwrap_or_default();
                prop_assert!(text.starts_with("**§12.6"), "{resp} after {:?}", String::from_utf8_lossy(j));
            }
            prop_assert_eq!(c.shutdown().code(), Some(0));
        }
    }
}
