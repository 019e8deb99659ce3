//! Inlay hints: the fixtures `tests/fixtures/hints/*.py` with every hint
//! written inline as `⟨label⟩` → `tests/snapshots/hints/*.{en,zh}.txt`; and the
//! binary over stdio: off by default, the setting in both shapes, the refresh
//! request, UTF-16/UTF-8 columns after CJK text and an emoji, the range.

mod common;

use common::lsp::Client;
use pyexplain::analysis::hints::inlay_hints;
use pyexplain::analysis::Parsed;
use pyexplain::knowledge::Lang;
use pyexplain::render;
use serde_json::{json, Value};

/// The source with each hint's label inserted at its offset.
fn inline(source: &str, lang: Lang) -> String {
    let parsed = Parsed::new(source.to_string());
    let mut out = String::new();
    let mut last = 0;
    for hint in inlay_hints(&parsed, 0..source.len()) {
        out.push_str(&source[last..hint.offset]);
        out.push_str(&format!(" ⟨{}⟩", render::hint_label(&hint.kind, lang)));
        last = hint.offset;
    }
    out.push_str(&source[last..]);
    out
}

#[test]
fn hint_fixtures() {
    let files = common::fixture::py_files(&common::repo().join("tests/fixtures/hints"));
    assert!(!files.is_empty());
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        let stem = file.file_stem().unwrap().to_string_lossy().to_string();
        for lang in Lang::ALL {
            let snap =
                common::repo().join(format!("tests/snapshots/hints/{stem}.{}.txt", lang.code()));
            common::check_snapshot(&snap, &inline(&source, lang));
        }
    }
}

const URI: &str = "file:///tmp/pyexplain-hints/demo.py";

/// CJK names and an emoji before the hints: UTF-16, UTF-8 and character
/// columns all differ.
const CJK: &str = "class 基类: pass\nclass 混入: pass\nclass 类(基类, 混入): pass\ndef 生成器(数据=\"注释😀\"):\n    yield 数据\n";

fn spawn(init: Value) -> Client {
    let mut c = Client::spawn(&[]);
    let mut params = json!({"processId": null, "rootUri": null, "capabilities": {}});
    for (k, v) in init.as_object().unwrap() {
        params[k] = v.clone();
    }
    let result = c.initialize(params);
    assert_eq!(result["capabilities"]["inlayHintProvider"], true);
    c.open(URI, CJK);
    c
}

fn hints(c: &mut Client, start: (u32, u32), end: (u32, u32)) -> Value {
    c.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": URI}, "range": {
            "start": {"line": start.0, "character": start.1},
            "end": {"line": end.0, "character": end.1}}}),
    )
}

fn everything(c: &mut Client) -> Value {
    hints(c, (0, 0), (99, 0))
}

fn utf16(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

#[test]
fn off_by_default() {
    let mut c = spawn(json!({}));
    assert_eq!(everything(&mut c), json!([]));
    // A brief or disabled hover changes nothing.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyexplain": {"hover": {"verbosity": "brief"}}}}),
    );
    assert_eq!(everything(&mut c), json!([]));
    assert_eq!(c.shutdown().code(), Some(0));
}

#[test]
fn enabled_hints_with_utf16_columns_and_the_range() {
    let mut c = spawn(json!({"initializationOptions": {"inlayHints": {"enable": true}}}));
    let got = everything(&mut c);
    let class_col = utf16("class 类(基类, 混入)");
    let def_col = utf16("def 生成器(数据=\"注释😀\")");
    assert_ne!(
        def_col as usize,
        "def 生成器(数据=\"注释😀\")".chars().count()
    );
    assert_eq!(
        got,
        json!([
            {"position": {"line": 2, "character": class_col}, "label": "MRO: 类 → 基类 → 混入 → object", "paddingLeft": true},
            {"position": {"line": 3, "character": def_col}, "label": "generator", "paddingLeft": true},
        ])
    );
    // Only hints inside the requested range (its end included).
    let only_def = hints(&mut c, (3, 0), (3, def_col));
    assert_eq!(only_def.as_array().unwrap().len(), 1, "{only_def}");
    assert_eq!(only_def[0]["label"], "generator");
    assert_eq!(hints(&mut c, (3, 0), (3, def_col - 1)), json!([]));
    assert_eq!(hints(&mut c, (0, 0), (1, 0)), json!([]));
    // Unopened documents: nothing.
    let none = c.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": "file:///nowhere.py"}, "range": {
            "start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}}),
    );
    assert_eq!(none, json!([]));
    // Chinese labels follow the language.
    // Settings are replaced wholesale: the change carries every key.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyexplain": {"language": "zh", "inlayHints": {"enable": true}}}}),
    );
    let labels: Vec<Value> = everything(&mut c)
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["label"].clone())
        .collect();
    assert_eq!(
        labels,
        [json!("MRO：类 → 基类 → 混入 → object"), json!("生成器")]
    );
    // No refresh request: this client did not offer refreshSupport.
    assert!(
        !c.backlog
            .iter()
            .any(|m| m["method"] == "workspace/inlayHint/refresh"),
        "{:?}",
        c.backlog
    );
    assert_eq!(c.shutdown().code(), Some(0));
}

#[test]
fn utf8_columns_when_negotiated() {
    let mut c = spawn(json!({
        "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-16"]}},
        "initializationOptions": {"inlayHints.enable": true},
    }));
    let got = everything(&mut c);
    let def_col = "def 生成器(数据=\"注释😀\")".len();
    assert_eq!(got[1]["position"], json!({"line": 3, "character": def_col}));
    assert_eq!(c.shutdown().code(), Some(0));
}

/// Turning hints on (or off) live asks a client that supports it to refresh.
#[test]
fn the_setting_changes_live_and_asks_for_a_refresh() {
    let mut c =
        spawn(json!({"capabilities": {"workspace": {"inlayHint": {"refreshSupport": true}}}}));
    assert_eq!(everything(&mut c), json!([]));
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyexplain": {"inlayHints": {"enable": true}}}}),
    );
    let refresh = c.wait_for("workspace/inlayHint/refresh");
    assert!(refresh.get("id").is_some(), "a request: {refresh}");
    assert_eq!(everything(&mut c).as_array().unwrap().len(), 2);
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyexplain": {"inlayHints": {"enable": false}}}}),
    );
    c.wait_for("workspace/inlayHint/refresh");
    assert_eq!(everything(&mut c), json!([]));
    assert_eq!(c.shutdown().code(), Some(0));
}
