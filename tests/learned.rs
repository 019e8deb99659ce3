//! "I've learned this" over stdio: the code action marks a section, its
//! hovers become brief, the mark is saved per user under XDG_DATA_HOME and
//! read by the next server, and it can be undone (one section or all).

mod common;

use std::path::{Path, PathBuf};

use common::lsp::{hover_text, Client};
use pyexplain::knowledge::{knowledge, Lang};
use serde_json::{json, Value};

const URI: &str = "file:///tmp/pyexplain-learned/demo.py";
const DEMO: &str =
    "def delegate(results, key):\n    results[key] = yield from averager()\n\nx = 1\n\n\ndef averager():\n    return (yield)\n";
/// `yield from` (§12.6) and `def delegate` (§9.3).
const YIELD_FROM: (u32, u32) = (1, 21);
const DEF: (u32, u32) = (0, 5);

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pyexplain-learned-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn server(data: &Path, init: Value) -> Client {
    let mut c = Client::spawn(&[("XDG_DATA_HOME", &data.to_string_lossy())]);
    let mut params = json!({"processId": null, "rootUri": null, "capabilities": {}});
    for (k, v) in init.as_object().unwrap() {
        params[k] = v.clone();
    }
    c.initialize(params);
    c.open(URI, DEMO);
    c
}

fn hover(c: &mut Client, (line, col): (u32, u32)) -> String {
    hover_text(&c.hover(URI, line, col)).expect("a hover")
}

/// What a brief hover of §12.6 is: title, the sentence about this code,
/// where to read more.
fn brief_12_6(lang: Lang) -> String {
    let note = knowledge().note_by_key("12.6", lang).unwrap();
    let args = pyexplain::analysis::args::Args::new()
        .with(pyexplain::analysis::args::Key::Section, "12.6");
    let more = pyexplain::render::fill(lang, "ui.more", &args).unwrap();
    let parsed = pyexplain::analysis::Parsed::new(DEMO.to_string());
    let offset = DEMO.find("yield from").unwrap();
    let expl = pyexplain::analysis::explain_at(&parsed, offset).unwrap();
    let sentence = pyexplain::render::context_sentence(&expl, lang).unwrap();
    format!("**§12.6 {}**\n\n{sentence}\n\n{more}", note.title)
}

fn assert_full_12_6(text: &str) {
    assert!(
        text.starts_with("**§12.6 Generator send() and yield from**"),
        "{text}"
    );
    assert!(
        text.contains("`delegate` is a delegating generator"),
        "{text}"
    );
    assert!(text.contains("`x = yield v`"), "the note's excerpt: {text}");
    assert!(text.contains("\n\nRelated: "), "{text}");
}

/// The action after "📖 §12.6": its title and command.
fn learn_action(c: &mut Client) -> (String, Value) {
    let actions = c.actions_at(URI, YIELD_FROM.0, YIELD_FROM.1);
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles[0].starts_with("📖 §12.6 "), "{titles:?}");
    assert_eq!(actions[1]["kind"], "pyexplain.note");
    (titles[1].to_string(), actions[1]["command"].clone())
}

fn learned_file(data: &Path) -> PathBuf {
    data.join("pyexplain").join("learned.json")
}

fn learned_ids(data: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(learned_file(data)).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], 1, "{text}");
    v["learned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn mark_brief_restart_unmark_full() {
    let data = scratch("cycle");
    let mut c = server(&data, json!({}));
    // No file yet: "nothing learned", said in the log.
    let log = c.wait_for("window/logMessage");
    assert_eq!(log["params"]["type"], 4, "a log line: {log}");
    assert!(
        log["params"]["message"]
            .as_str()
            .unwrap()
            .contains("learned.json"),
        "{log}"
    );
    assert_full_12_6(&hover(&mut c, YIELD_FROM));

    let (title, command) = learn_action(&mut c);
    assert_eq!(title, "Mark §12.6 as learned");
    assert_eq!(command["command"], "pyexplain.markLearned");
    assert_eq!(command["arguments"][0]["note"], "yield-from");
    let result = c.execute(&command);
    assert_eq!(result, json!({"learned": ["yield-from"]}));

    // Brief now: the title, the sentence about this code and where to read
    // more; not the note's text, the example or the related line.
    let brief = hover(&mut c, YIELD_FROM);
    assert_eq!(brief, brief_12_6(Lang::En));
    assert!(brief.contains("`pyexplain note 12.6`"), "{brief}");
    assert!(brief.contains("delegating generator"), "{brief}");
    assert!(!brief.contains("```"), "{brief}");
    assert!(!brief.contains("Related:"), "{brief}");
    // Other sections stay full.
    let other = hover(&mut c, DEF);
    assert!(
        other.starts_with("**§9.3 ") && other.contains("Related:"),
        "{other}"
    );

    // Saved per user, and nothing else in the data directory than the
    // file and the lock that serializes writers.
    assert_eq!(learned_ids(&data), ["yield-from"]);
    let mut names: Vec<_> = std::fs::read_dir(data.join("pyexplain"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["learned.json", "learned.json.lock"]);

    // The action now offers the way back.
    let (title, command) = learn_action(&mut c);
    assert_eq!(title, "Show full notes again for §12.6");
    assert_eq!(command["command"], "pyexplain.unmarkLearned");
    assert_eq!(c.shutdown().code(), Some(0));

    // A new server reads the mark.
    let mut c = server(&data, json!({}));
    assert_eq!(hover(&mut c, YIELD_FROM), brief_12_6(Lang::En));
    let (_, command) = learn_action(&mut c);
    assert_eq!(c.execute(&command), json!({"learned": []}));
    assert_full_12_6(&hover(&mut c, YIELD_FROM));
    assert!(learned_ids(&data).is_empty());

    // Mark two sections, then reset everything (the palette command: no
    // argument).
    let (_, command) = learn_action(&mut c);
    c.execute(&command);
    let result = c.request(
        "workspace/executeCommand",
        json!({"command": "pyexplain.markLearned", "arguments": ["9.3"]}),
    );
    assert_eq!(
        result,
        json!({"learned": ["generator-functions", "yield-from"]})
    );
    assert!(!hover(&mut c, DEF).contains("Related:"));
    let result = c.request(
        "workspace/executeCommand",
        json!({"command": "pyexplain.unmarkLearned"}),
    );
    assert_eq!(result, json!({"learned": []}));
    let msg = c.wait_for("window/showMessage");
    assert_eq!(msg["params"]["type"], 3, "{msg}");
    assert!(
        msg["params"]["message"]
            .as_str()
            .unwrap()
            .contains("full notes are shown again"),
        "{msg}"
    );
    assert_full_12_6(&hover(&mut c, YIELD_FROM));
    assert!(hover(&mut c, DEF).contains("Related:"));
    assert!(learned_ids(&data).is_empty());

    // Bad arguments: an error, no change.
    for args in [json!(["no-such-note"]), json!([])] {
        let id = c.request_async(
            "workspace/executeCommand",
            json!({"command": "pyexplain.markLearned", "arguments": args}),
        );
        let resp = c.response(id);
        assert_eq!(resp["error"]["code"], -32602, "{resp}");
    }
    assert!(learned_ids(&data).is_empty());
    assert_eq!(c.shutdown().code(), Some(0));
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn action_titles_and_brief_hover_in_chinese() {
    let data = scratch("zh");
    let mut c = server(&data, json!({"locale": "zh-CN"}));
    let (title, command) = learn_action(&mut c);
    assert_eq!(title, "将 §12.6 标记为已学");
    c.execute(&command);
    assert_eq!(hover(&mut c, YIELD_FROM), brief_12_6(Lang::Zh));
    let (title, _) = learn_action(&mut c);
    assert_eq!(title, "重新显示 §12.6 的完整笔记");
    // The mark is per note, not per language.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyexplain": {"language": "en"}}}),
    );
    assert_eq!(hover(&mut c, YIELD_FROM), brief_12_6(Lang::En));
    let (title, _) = learn_action(&mut c);
    assert_eq!(title, "Show full notes again for §12.6");
    assert_eq!(c.shutdown().code(), Some(0));
    let _ = std::fs::remove_dir_all(&data);
}

/// `hover.verbosity = "brief"` makes every hover brief; "full" leaves the
/// learned sections brief.
#[test]
fn verbosity_setting_and_learned_sections() {
    let data = scratch("verbosity");
    let mut c = server(
        &data,
        json!({"initializationOptions": {"hover": {"verbosity": "brief"}}}),
    );
    assert_eq!(hover(&mut c, YIELD_FROM), brief_12_6(Lang::En));
    assert!(!hover(&mut c, DEF).contains("Related:"));
    let (_, command) = learn_action(&mut c);
    c.execute(&command);
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyexplain": {"hover": {"verbosity": "full"}}}}),
    );
    assert_eq!(hover(&mut c, YIELD_FROM), brief_12_6(Lang::En));
    assert!(hover(&mut c, DEF).contains("Related:"));
    assert_eq!(c.shutdown().code(), Some(0));
    let _ = std::fs::remove_dir_all(&data);
}

#[test]
fn a_corrupt_file_means_nothing_learned_and_is_logged() {
    let data = scratch("corrupt");
    std::fs::create_dir_all(data.join("pyexplain")).unwrap();
    std::fs::write(learned_file(&data), "{\"learned\": [\"yield-fr").unwrap();
    let mut c = server(&data, json!({}));
    let log = c.wait_for("window/logMessage");
    assert_eq!(log["params"]["type"], 2, "a warning: {log}");
    let message = log["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("learned.json") && message.contains("not a learned-sections file"),
        "{message}"
    );
    assert_full_12_6(&hover(&mut c, YIELD_FROM));
    // Marking replaces the broken file with a good one.
    let (_, command) = learn_action(&mut c);
    c.execute(&command);
    assert_eq!(learned_ids(&data), ["yield-from"]);
    assert_eq!(c.shutdown().code(), Some(0));
    let _ = std::fs::remove_dir_all(&data);
}

/// The data directory cannot be created: the mark still applies in this
/// session, and the user is told it was not saved.
#[test]
fn a_write_failure_is_shown_and_the_mark_still_applies() {
    let data = scratch("readonly");
    // `pyexplain` is a file, so `pyexplain/learned.json` cannot be written.
    std::fs::write(data.join("pyexplain"), "not a directory").unwrap();
    let mut c = server(&data, json!({}));
    let (_, command) = learn_action(&mut c);
    assert_eq!(c.execute(&command), json!({"learned": ["yield-from"]}));
    let msg = c.wait_for("window/showMessage");
    assert_eq!(msg["params"]["type"], 1, "an error: {msg}");
    let message = msg["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("could not save") && message.contains("learned.json"),
        "{message}"
    );
    assert_eq!(hover(&mut c, YIELD_FROM), brief_12_6(Lang::En));
    assert_eq!(c.shutdown().code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(data.join("pyexplain")).unwrap(),
        "not a directory"
    );
    let _ = std::fs::remove_dir_all(&data);
}

/// Two editor windows (two servers, same data directory) mark different
/// sections: both marks survive (each write merges with the file).
#[test]
fn two_servers_merge_their_marks() {
    let data = scratch("two-servers");
    let mut a = server(&data, json!({}));
    let mut b = server(&data, json!({}));
    let mark = |c: &mut Client, note: &str| {
        c.execute(&json!({"command": "pyexplain.markLearned", "arguments": [{"note": note}]}))
    };
    mark(&mut a, "yield-from");
    // B read the file before A wrote it; its write still keeps A's mark.
    let answer = mark(&mut b, "generator-functions");
    assert_eq!(
        answer,
        json!({"learned": ["generator-functions", "yield-from"]})
    );
    assert_eq!(learned_ids(&data), ["generator-functions", "yield-from"]);
    assert_eq!(a.shutdown().code(), Some(0));
    assert_eq!(b.shutdown().code(), Some(0));
    let _ = std::fs::remove_dir_all(&data);
}

/// A hand-edited learned.json with a typo is not replaced by an empty one:
/// it is kept as learned.json.bad, and the user is told.
#[test]
fn a_file_with_a_typo_is_kept_aside() {
    let data = scratch("typo");
    std::fs::create_dir_all(data.join("pyexplain")).unwrap();
    let typo = "{\"version\": 1, \"learned\": [\"yield-from\",]}\n";
    std::fs::write(data.join("pyexplain/learned.json"), typo).unwrap();
    let mut c = server(&data, json!({}));
    c.execute(&json!({"command": "pyexplain.markLearned", "arguments": [{"note": "generator-functions"}]}));
    let said = c.wait_for("window/showMessage");
    assert!(
        said["params"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("learned.json.bad"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_to_string(data.join("pyexplain/learned.json.bad")).unwrap(),
        typo
    );
    assert_eq!(learned_ids(&data), ["generator-functions"]);
    assert_eq!(c.shutdown().code(), Some(0));
    let _ = std::fs::remove_dir_all(&data);
}

/// A FIFO named learned.json would block a reader for ever: `initialize`
/// answers at once.
#[test]
fn a_fifo_named_learned_json_does_not_hang_initialize() {
    let data = scratch("fifo");
    std::fs::create_dir_all(data.join("pyexplain")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(data.join("pyexplain/learned.json"))
        .status()
        .unwrap();
    assert!(made.success());
    let mut c = server(&data, json!({}));
    assert!(hover_text(&c.hover(URI, YIELD_FROM.0, YIELD_FROM.1)).is_some());
    assert_eq!(c.shutdown().code(), Some(0));
    let _ = std::fs::remove_dir_all(&data);
}

/// A section's first hover of the session is full; its hovers elsewhere are
/// brief (the sentence about that code kept); the first place stays full;
/// `hover.repeat = "full"` keeps every hover full.
#[test]
fn later_hovers_of_a_section_are_brief_elsewhere() {
    let data = scratch("repeat");
    let bare_yield = (7, 12);
    let mut c = server(&data, json!({}));
    assert_full_12_6(&hover(&mut c, YIELD_FROM));
    let again = hover(&mut c, bare_yield);
    assert!(again.starts_with("**§12.6 "), "{again}");
    assert!(!again.contains("Related:"), "brief: {again}");
    assert!(again.contains("`pyexplain note 12.6`"), "{again}");
    assert!(
        again.contains("`averager`"),
        "the sentence about this code: {again}"
    );
    assert_full_12_6(&hover(&mut c, YIELD_FROM));
    c.shutdown();

    let mut c = server(
        &data,
        json!({"initializationOptions": {"hover": {"repeat": "full"}}}),
    );
    assert_full_12_6(&hover(&mut c, YIELD_FROM));
    let again = hover(&mut c, bare_yield);
    assert!(again.contains("Related:"), "full: {again}");
    c.shutdown();
}
