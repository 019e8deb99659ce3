//! The built binary over stdio, as an editor drives it.

mod common;

use common::lsp::{hover_text, Client};
use serde_json::{json, Value};

const URI: &str = "file:///tmp/pyexplain-e2e/demo.py";

fn init_params(extra: Value) -> Value {
    let mut params = json!({"processId": null, "rootUri": null, "capabilities": {}});
    if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            p.insert(k.clone(), v.clone());
        }
    }
    params
}

const DEMO: &str =
    "def delegate(results, key):\n    results[key] = yield from averager()\n\nx = 1\n\n\ndef averager():\n    return (yield)\n";

#[test]
fn open_hover_change_hover_shutdown() {
    let mut c = Client::spawn(&[]);
    let init = c.initialize(init_params(json!({})));
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 2);
    assert_eq!(init["serverInfo"]["name"], "pyexplain");
    c.open(URI, DEMO);

    let hover = c.hover(URI, 1, 21);
    let text = hover_text(&hover).expect("hover on yield from");
    assert!(text.starts_with("**§12.6 "), "{text}");
    assert!(
        text.contains("`delegate` is a delegating generator"),
        "{text}"
    );
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert_eq!(
        hover["range"],
        json!({"start": {"line": 1, "character": 19}, "end": {"line": 1, "character": 40}})
    );

    // Plain names and literals: null.
    assert_eq!(c.hover(URI, 3, 0), Value::Null);
    assert_eq!(c.hover(URI, 3, 4), Value::Null);

    // Incremental change: replace `x = 1` with a `with` statement.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 5}},
             "text": "with open(p) as f:\n    pass"}
        ]}),
    );
    let text = hover_text(&c.hover(URI, 3, 1)).expect("hover on the new `with`");
    assert!(text.starts_with("**§4.11 "), "{text}");
    assert!(text.contains("`f`"), "{text}");

    // A stale change (version not newer) is ignored; the editor's text may
    // now differ from the server's, so it says so and answers nothing
    // until a full text brings them back in step.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": "x = 1\n"}]}),
    );
    assert_eq!(c.hover(URI, 3, 1), Value::Null);
    let said = c.wait_for("window/showMessage");
    assert!(
        said["params"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("out of order"),
        "{said}"
    );
    let text = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(text, Value::Null);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [{"text": DEMO}]}),
    );
    let text = hover_text(&c.hover(URI, 1, 21)).expect("hover after the full text");
    assert!(text.starts_with("**§12.6 "), "{text}");

    // Unopened documents get a clean null.
    assert_eq!(c.hover("file:///nowhere.py", 0, 0), Value::Null);

    let status = c.shutdown();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn exit_without_shutdown_is_code_1() {
    let mut c = Client::spawn(&[]);
    c.initialize(init_params(json!({})));
    c.notify("exit", Value::Null);
    assert_eq!(c.wait().code(), Some(1));
}

/// Chinese and an emoji before the cursor: UTF-16 and UTF-8 columns differ.
#[test]
fn unicode_columns_in_both_encodings() {
    let line = "注释 = '😀'; r = yield from gen()";
    let text = format!("def f(gen):\n    {line}\n");
    let prefix = "    注释 = '😀'; r = ";
    let utf16: u32 = prefix.encode_utf16().count() as u32;
    let utf8: u32 = prefix.len() as u32;
    for (offered, col, encoding) in [
        (json!(["utf-16"]), utf16, "utf-16"),
        (json!(["utf-8", "utf-16"]), utf8, "utf-8"),
    ] {
        let mut c = Client::spawn(&[]);
        let init = c.initialize(init_params(
            json!({"capabilities": {"general": {"positionEncodings": offered}}}),
        ));
        assert_eq!(init["capabilities"]["positionEncoding"], encoding);
        c.open(URI, &text);
        let hover = c.hover(URI, 1, col);
        assert!(
            hover_text(&hover).is_some_and(|t| t.starts_with("**§12.6")),
            "{encoding}: {hover}"
        );
        assert_eq!(
            hover["range"]["start"],
            json!({"line": 1, "character": col}),
            "{encoding}"
        );
        // One column before is the space before `yield`: no hover.
        assert_eq!(c.hover(URI, 1, col - 1), Value::Null, "{encoding}");
        // An incremental edit after the emoji, in this encoding: `gen()` -> `other()`.
        let gen_col = col + "yield from ".len() as u32;
        c.notify("textDocument/didChange", json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 1, "character": gen_col}, "end": {"line": 1, "character": gen_col + 3}}, "text": "other"}]}));
        let t = hover_text(&c.hover(URI, 1, col)).unwrap();
        assert!(t.contains("`other()`"), "{encoding}: {t}");
        assert_eq!(c.shutdown().code(), Some(0));
    }
}

#[test]
fn language_from_locale_options_and_configuration() {
    let zh_title = "**§12.6 生成器";
    // locale zh -> Chinese
    let mut c = Client::spawn(&[]);
    c.initialize(init_params(json!({"locale": "zh-CN"})));
    c.open(URI, DEMO);
    assert!(hover_text(&c.hover(URI, 1, 21))
        .unwrap()
        .starts_with(zh_title));
    // switched live by didChangeConfiguration
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyexplain": {"language": "en"}}}),
    );
    assert!(hover_text(&c.hover(URI, 1, 21))
        .unwrap()
        .starts_with("**§12.6 Generator"));
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyexplain": {"language": "zh"}}}),
    );
    assert!(hover_text(&c.hover(URI, 1, 21))
        .unwrap()
        .starts_with(zh_title));
    drop(c);

    // initializationOptions; an empty didChangeConfiguration (what eglot
    // sends after initialize when it has no workspace configuration) keeps
    // them, settings for us replace them.
    let mut c = Client::spawn(&[]);
    c.initialize(init_params(
        json!({"initializationOptions": {"language": "zh"}}),
    ));
    c.open(URI, DEMO);
    assert!(hover_text(&c.hover(URI, 1, 21))
        .unwrap()
        .starts_with(zh_title));
    c.notify("workspace/didChangeConfiguration", json!({"settings": {}}));
    assert!(hover_text(&c.hover(URI, 1, 21))
        .unwrap()
        .starts_with(zh_title));
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyexplain": {"hover": {"verbosity": "full"}}}}),
    );
    assert!(hover_text(&c.hover(URI, 1, 21))
        .unwrap()
        .starts_with("**§12.6 Generator"));
    drop(c);

    // LANG, then English
    let mut c = Client::spawn(&[("LANG", "zh_CN.UTF-8")]);
    c.initialize(init_params(json!({})));
    c.open(URI, DEMO);
    assert!(hover_text(&c.hover(URI, 1, 21))
        .unwrap()
        .starts_with(zh_title));
    drop(c);
    let mut c = Client::spawn(&[]);
    c.initialize(init_params(json!({})));
    c.open(URI, DEMO);
    assert!(hover_text(&c.hover(URI, 1, 21))
        .unwrap()
        .starts_with("**§12.6 Generator"));
}

/// 200 didChange + hover pairs sent without waiting: each hover must see the
/// text of the change just before it.
#[test]
fn pipelined_changes_never_give_stale_hovers() {
    let mut c = Client::spawn(&[]);
    c.initialize(init_params(json!({})));
    c.open(URI, "x = 0\n");
    let mut ids = Vec::new();
    for v in 0..200u32 {
        // Alternate between a line that has a note and one that has none
        // (`return` has a keyword hover: an assignment's name has none).
        let text = if v % 2 == 0 {
            "def g():\n    yield 1\n"
        } else {
            "def g():\n    value = 1\n"
        };
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": v + 2}, "contentChanges": [
                {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}}, "text": text}]}),
        );
        ids.push((
            v,
            c.request_async(
                "textDocument/hover",
                json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 5}}),
            ),
        ));
    }
    for (v, id) in ids {
        let resp = c.response(id);
        let has = hover_text(&resp["result"]).is_some();
        assert_eq!(has, v % 2 == 0, "hover {v} saw stale text: {resp}");
    }
    assert_eq!(c.shutdown().code(), Some(0));
}

/// The "📖 §N.M" code action opens the note's chapter, written under the
/// cache directory, with the heading selected.
#[test]
fn chapter_action_shows_the_note_file() {
    let cache = std::env::temp_dir().join(format!("pyexplain-e2e-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let cache_str = cache.to_string_lossy().into_owned();
    for show_document in [true, false] {
        let mut c = Client::spawn(&[("XDG_CACHE_HOME", &cache_str)]);
        c.initialize(init_params(
            json!({"capabilities": {"window": {"showDocument": {"support": show_document}}}}),
        ));
        c.open(URI, DEMO);
        let range =
            json!({"start": {"line": 1, "character": 21}, "end": {"line": 1, "character": 21}});
        let actions = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": range, "context": {"diagnostics": []}}),
        );
        let action = &actions[0];
        assert_eq!(
            action["title"].as_str().unwrap(),
            "📖 §12.6 Generator send() and yield from"
        );
        assert_eq!(action["kind"], "pyexplain.note");
        let command = &action["command"];
        let result = c.request(
            "workspace/executeCommand",
            json!({"command": command["command"], "arguments": command["arguments"]}),
        );
        let path = std::path::PathBuf::from(result["path"].as_str().unwrap());
        assert!(path.starts_with(&cache), "{path:?} not under the cache dir");
        let text = std::fs::read_to_string(&path).unwrap();
        let line = result["line"].as_u64().unwrap() as usize;
        assert!(
            text.lines().nth(line).unwrap().starts_with("## 12.6 "),
            "heading line"
        );
        // Nothing with a note under the cursor: no action.
        let none = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}}, "context": {"diagnostics": []}}),
        );
        assert_eq!(none, json!([]));
        // The server asks the client to show it after answering (never
        // waiting for the client in a handler); without showDocument it
        // says where the file is.
        if show_document {
            let shown = c.wait_for("window/showDocument");
            assert_eq!(shown["params"]["uri"], result["uri"]);
            assert_eq!(shown["params"]["selection"]["start"]["line"], line);
        } else {
            let said = c.wait_for("window/showMessage");
            assert!(said["params"]["message"]
                .as_str()
                .unwrap()
                .contains(&*path.to_string_lossy()));
            assert!(!c
                .backlog
                .iter()
                .any(|m| m["method"] == "window/showDocument"));
        }
        assert_eq!(c.shutdown().code(), Some(0));
    }
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn diagnostics_quick_fixes_and_rule_hover() {
    let cache = std::env::temp_dir().join(format!("pyexplain-e2e-diag-{}", std::process::id()));
    let mut c = Client::spawn(&[("XDG_CACHE_HOME", &cache.to_string_lossy())]);
    c.initialize(init_params(json!({})));
    let text =
        "def add(item, bucket=[]):\n    bucket.append(item)\n    return bucket\n\nok = 1 is 1\n";
    c.open(URI, text);
    let published = c.diagnostics(URI);
    assert_eq!(published["version"], 1);
    let diags = published["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["mutable-default-argument", "is-literal"]);
    let d = &diags[0];
    assert_eq!(d["source"], "pyexplain");
    assert_eq!(d["severity"], 2);
    assert_eq!(
        d["range"],
        json!({"start": {"line": 0, "character": 21}, "end": {"line": 0, "character": 23}})
    );
    assert!(
        d["message"].as_str().unwrap().contains("`bucket`")
            && d["message"].as_str().unwrap().ends_with("[§7.4]")
    );
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .starts_with("file:"));

    // Quick fixes on the first line: the (unsafe) fix, then "ignore", then the note.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 25}},
               "context": {"diagnostics": [d]}}),
    );
    let titles: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles[0],
        "Default `bucket` to `None` and create the value in the body"
    );
    assert_eq!(titles[1], "Ignore mutable-default-argument on this line");
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], false);
    let change = &fix["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], 1);
    assert_eq!(change["edits"][0]["newText"], "None");
    let ignore = &actions[1]["edit"]["documentChanges"][0]["edits"][0];
    assert_eq!(
        ignore["newText"],
        "  # pyexplain: ignore[mutable-default-argument]"
    );

    // The safe fix on line 5 is preferred.
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 4, "character": 5}, "end": {"line": 4, "character": 5}}, "context": {"diagnostics": []}}),
    );
    assert_eq!(actions[0]["title"], "Replace `is` with `==`");
    assert_eq!(actions[0]["isPreferred"], true);

    // Hover inside a finding shows the rule.
    let hover = hover_text(&c.hover(URI, 0, 22)).unwrap();
    assert!(
        hover.starts_with("**§7.4 mutable-default-argument**"),
        "{hover}"
    );

    // Applying the ignore edit as a client would: the finding disappears.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
        {"range": ignore["range"], "text": ignore["newText"]}]}),
    );
    let published = c.diagnostics(URI);
    assert_eq!(published["version"], 2);
    let codes: Vec<&str> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["is-literal"]);

    // Settings: ignoring the rule and switching language republish at once.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyexplain": {"ignore": ["is-literal"]}}}),
    );
    assert!(c.diagnostics(URI)["diagnostics"]
        .as_array()
        .unwrap()
        .is_empty());
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"pyexplain": {"ignore": [], "language": "zh"}}}),
    );
    let published = c.diagnostics(URI);
    assert!(published["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("比较值请用"));
    assert_eq!(c.shutdown().code(), Some(0));
    let _ = std::fs::remove_dir_all(&cache);
}

/// `pyexplain.courseMap` maps the workspace folder's files, writes the
/// markdown under the cache directory and shows it (or returns it).
#[test]
fn course_map_command_maps_the_workspace() {
    let root = std::env::temp_dir().join(format!("pyexplain-e2e-map-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let project = root.join("project");
    let cache = root.join("cache");
    std::fs::create_dir_all(project.join("pkg")).unwrap();
    std::fs::write(
        project.join("aio.py"),
        "import asyncio\n\n\nasync def main():\n    await asyncio.gather(f(), f())\n",
    )
    .unwrap();
    std::fs::write(
        project.join("pkg/gen.py"),
        "def delegate(results, key):\n    results[key] = yield from averager()\n",
    )
    .unwrap();
    // Left out as `check` and `map` leave them out: a virtualenv and build
    // output by default, `legacy/` by the project's `extend-exclude`.
    for (path, text) in [
        (
            ".venv/lib/python3.11/site-packages/dep.py",
            "async def dep():\n    pass\n",
        ),
        ("build/lib/out.py", "class M(type):\n    pass\n"),
        ("legacy/old.py", "import threading\nthreading.Lock()\n"),
        (
            "pyproject.toml",
            "[tool.pyexplain]\nextend-exclude = [\"legacy\"]\n",
        ),
    ] {
        let path = project.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let project_uri = format!("file://{}", project.display());
    for show_document in [true, false] {
        let mut c = Client::spawn(&[("XDG_CACHE_HOME", &cache.to_string_lossy())]);
        let init = c.initialize(init_params(json!({
            "workspaceFolders": [{"uri": project_uri, "name": "project"}],
            "capabilities": {"window": {"showDocument": {"support": show_document}}},
        })));
        let commands = &init["capabilities"]["executeCommandProvider"]["commands"];
        assert!(
            commands
                .as_array()
                .unwrap()
                .contains(&json!("pyexplain.courseMap")),
            "{commands}"
        );
        let result = c.request(
            "workspace/executeCommand",
            json!({"command": "pyexplain.courseMap", "arguments": []}),
        );
        let md = result["markdown"].as_str().unwrap();
        let path = std::path::PathBuf::from(result["path"].as_str().unwrap());
        assert!(path.starts_with(&cache), "{path:?} not under the cache dir");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), md);
        assert!(
            md.starts_with("# Course map\n\n4 of 74 sections in 2 files\n"),
            "{md}"
        );
        assert!(
            md.contains(&format!("\nFiles under `{}`\n", project.display())),
            "{md}"
        );
        assert!(
            md.contains("\n## Chapter 12 Coroutines and async I/O (2/8)\n\n| Section | Count | First example |\n|---|---:|---|\n"),
            "{md}"
        );
        // A row: the note linked next to the map, the example as a file URI with #L.
        let row = md
            .lines()
            .find(|l| l.contains("`async-await`"))
            .unwrap_or_else(|| panic!("{md}"));
        assert!(
            row.starts_with("| [§12.8 async and await](<en/ch12.md#L")
                && row.ends_with(&format!(
                    "`async-await` | 2 | [aio.py:4](<{project_uri}/aio.py#L4>) |"
                )),
            "{row}"
        );
        assert!(
            md.contains(&format!(
                "`yield-from` | 1 | [pkg/gen.py:2](<{project_uri}/pkg/gen.py#L2>) |"
            )),
            "{md}"
        );
        assert!(md.contains("`generator-functions` | 1 |"), "{md}");
        assert!(md.contains("`event-loop` | 1 |"), "{md}");
        // The relative links resolve: the chapters sit next to the map.
        assert!(path.parent().unwrap().join("en/ch12.md").exists());
        assert_eq!(result["shown"], show_document);
        if show_document {
            let shown = c.wait_for("window/showDocument");
            assert_eq!(shown["params"]["uri"], result["uri"]);
        } else {
            assert!(!c
                .backlog
                .iter()
                .any(|m| m["method"] == "window/showDocument"));
            // The notification may arrive after the command's response.
            let said = (0..5).any(|_| {
                c.wait_for("window/showMessage")["params"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("4 of 74 sections in 2 files")
            });
            assert!(said, "no showMessage with the map's summary");
        }
        // Paths as arguments, --all and the language.
        let zh = c.request(
            "workspace/executeCommand",
            json!({"command": "pyexplain.courseMap",
                   "arguments": [{"paths": [format!("{project_uri}/pkg")], "all": true, "lang": "zh"}]}),
        );
        let md = zh["markdown"].as_str().unwrap();
        assert!(
            md.starts_with("# 课程地图\n\n1 个文件覆盖了 74 节中的 2 节\n"),
            "{md}"
        );
        assert!(
            md.contains("\n## 第2章 Python 中一切皆对象 (0/3)\n"),
            "{md}"
        );
        // The course's 72 unexercised sections, then the supplement in a
        // section of its own, none of its notes exercised here.
        let supplement = pyexplain::knowledge::knowledge()
            .supplement_notes_in(pyexplain::knowledge::Lang::Zh)
            .count();
        let (course, rest) = md
            .split_once("\n## 课程大纲之外（补充）")
            .unwrap_or_else(|| panic!("no supplement section: {md}"));
        assert_eq!(course.matches("| — |").count(), 72, "{md}");
        assert!(rest.starts_with(&format!(" (0/{supplement})\n")), "{md}");
        assert_eq!(rest.matches("| — |").count(), supplement, "{md}");
        assert!(md.contains("[gen.py:2]"), "{md}");
        assert_eq!(c.shutdown().code(), Some(0));
    }
    // Without a workspace folder or paths: an error, not a crash.
    let mut c = Client::spawn(&[("XDG_CACHE_HOME", &cache.to_string_lossy())]);
    c.initialize(init_params(json!({})));
    let id = c.request_async(
        "workspace/executeCommand",
        json!({"command": "pyexplain.courseMap", "arguments": []}),
    );
    let resp = c.response(id);
    assert_eq!(resp["error"]["code"], -32602, "{resp}");
    assert_eq!(c.shutdown().code(), Some(0));
    let _ = std::fs::remove_dir_all(&root);
}

/// The server reads the user's other files: a hover in `shop/services.py`
/// knows the descriptor `shop/models.py` declares, and an edit in an open
/// `models.py` (not saved) changes what `services.py` hovers say.
#[test]
fn hovers_follow_imports_into_the_workspace_and_open_documents() {
    let root = common::repo().join("tests/fixtures/workspace");
    let root_uri = format!("file://{}", root.display());
    let services = format!("{root_uri}/shop/services.py");
    let models = format!("{root_uri}/shop/models.py");
    let mut c = Client::spawn(&[]);
    c.initialize(init_params(json!({
        "rootUri": root_uri,
        "workspaceFolders": [{"uri": root_uri, "name": "workspace"}],
    })));
    let text = std::fs::read_to_string(root.join("shop/services.py")).unwrap();
    c.open(&services, &text);
    // `p.price` in `print(p.price, ...)` (line 16, 0-based 15).
    let line = text
        .lines()
        .position(|l| l.contains("print(p.price"))
        .unwrap() as u32;
    let col = text
        .lines()
        .nth(line as usize)
        .unwrap()
        .find("price")
        .unwrap() as u32;
    let hover = hover_text(&c.hover(&services, line, col)).expect("a hover on p.price");
    assert!(hover.contains("(line 10 in `shop.models`)"), "{hover}");
    assert!(hover.contains("data descriptor"), "{hover}");
    // The editor's unsaved text of models.py wins: `price` becomes a plain
    // class attribute.
    let models_text = std::fs::read_to_string(root.join("shop/models.py"))
        .unwrap()
        .replace("price = Field()", "price = 0");
    c.open(&models, &models_text);
    let hover = hover_text(&c.hover(&services, line, col)).expect("a hover on p.price");
    assert!(
        hover.contains("is a class attribute of `Product`"),
        "{hover}"
    );
    assert!(c.shutdown().success());
}

/// A client that never answers `window/showDocument` (asked after "open the
/// chapter") holds nothing: while the request is pending, hovers, code
/// actions and another command are answered, and the server shuts down.
#[test]
fn a_client_that_never_answers_show_document_blocks_nothing() {
    let cache =
        std::env::temp_dir().join(format!("pyexplain-e2e-silent-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let mut c = Client::spawn(&[("XDG_CACHE_HOME", &cache.to_string_lossy())]);
    c.initialize(init_params(
        json!({"capabilities": {"window": {"showDocument": {"support": true}}}}),
    ));
    c.open(URI, DEMO);
    let actions = c.actions_at(URI, 1, 21);
    let command = actions[0]["command"].clone();
    let result = c.execute(&command);
    let asked = c.wait_for_unanswered("window/showDocument");
    assert_eq!(asked["params"]["uri"], result["uri"]);
    for _ in 0..3 {
        let text = hover_text(&c.hover(URI, 1, 21)).unwrap_or_default();
        assert!(text.starts_with("**§12.6 "), "{text}");
    }
    // A second "open the chapter" is answered too (and asks again).
    let again = c.execute(&command);
    assert_eq!(again["uri"], result["uri"]);
    c.wait_for_unanswered("window/showDocument");
    assert_eq!(c.shutdown().code(), Some(0));
    let _ = std::fs::remove_dir_all(&cache);
}

/// `pyexplain.courseMap` over the whole stdlib runs beside the message
/// loop: a hover sent after it is answered while it is still running, and
/// `$/cancelRequest` then stops it with `RequestCancelled` (-32800).
#[test]
fn course_map_blocks_no_hover_and_is_cancelled() {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("python3 is needed to find the stdlib");
    let stdlib = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let cache =
        std::env::temp_dir().join(format!("pyexplain-e2e-cancel-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&cache);
    let mut c = Client::spawn(&[("XDG_CACHE_HOME", &cache.to_string_lossy())]);
    c.initialize(init_params(json!({
        "workspaceFolders": [{"uri": format!("file://{stdlib}"), "name": "stdlib"}],
    })));
    c.open(URI, DEMO);
    let map = c.request_async(
        "workspace/executeCommand",
        json!({"command": "pyexplain.courseMap", "arguments": []}),
    );
    let text = hover_text(&c.hover(URI, 1, 21)).unwrap_or_default();
    assert!(text.starts_with("**§12.6 "), "{text}");
    c.notify("$/cancelRequest", json!({"id": map}));
    let reply = c.response(map);
    assert_eq!(reply["error"]["code"], -32800, "{reply}");
    // No map was written, and the server goes on.
    let written = std::fs::read_dir(cache.join("pyexplain"))
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with("course-map"));
    assert!(!written, "a cancelled map was written");
    let text = hover_text(&c.hover(URI, 1, 21)).unwrap_or_default();
    assert!(text.starts_with("**§12.6 "), "{text}");
    assert_eq!(c.shutdown().code(), Some(0));
    let _ = std::fs::remove_dir_all(&cache);
}

/// Requests sent before the notes' triggers are compiled are answered from
/// what is ready, never held until the compile ends: a finding's hover and
/// its quick fix come as usual; a note's hover is either there or null (the
/// order of the compile and the request is the machine's); once the log
/// line says the notes are ready, the note is there.
#[test]
fn requests_before_the_notes_are_ready_answer_from_what_is_ready() {
    let mut c = Client::spawn(&[]);
    c.initialize_only(init_params(json!({})));
    let text = "def add(item, bucket=[]):\n    return (yield from bucket)\n";
    c.open(URI, text);
    // Inside the finding on `[]`: before its diagnostics are published, the
    // finding's hover or nothing (the hover waits for no analysis); once
    // they are, the finding's hover.
    if let Some(t) = hover_text(&c.hover(URI, 0, 22)) {
        assert!(t.contains("mutable-default-argument"), "{t}");
    }
    let diags = c.diagnostics(URI);
    let rule = hover_text(&c.hover(URI, 0, 22)).expect("the finding's hover");
    assert!(rule.contains("mutable-default-argument"), "{rule}");
    let d = &diags["diagnostics"][0];
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    assert!(
        actions
            .as_array()
            .is_some_and(|a| a.iter().any(|a| a["kind"] == "quickfix")),
        "{actions}"
    );
    // On `yield from`: the note, or nothing yet; never an error.
    let early = c.hover(URI, 1, 13);
    if let Some(t) = hover_text(&early) {
        assert!(t.starts_with("**§12.6 "), "{t}");
    }
    let ready = c.notes_ready();
    assert!(ready["params"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("trigger patterns compiled in")));
    let note = hover_text(&c.hover(URI, 1, 13)).expect("the note once ready");
    assert!(note.starts_with("**§12.6 "), "{note}");
    c.shutdown();
}
