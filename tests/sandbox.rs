//! The server writes nothing outside its cache directory and its data
//! directory (never into the project, not even for the course map) and opens no network socket. The data
//! directory holds one file, `learned.json`, written only when a section is
//! marked as learned.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::lsp::Client;
use serde_json::json;

fn tree(dir: &Path) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p.clone());
            }
            out.insert(p);
        }
    }
    out
}

#[test]
fn writes_only_its_cache_and_learned_file_and_opens_no_socket() {
    let root = std::env::temp_dir().join(format!("pyexplain-sandbox-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let project = root.join("project");
    let home = root.join("home");
    let cache = root.join("cache");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(
        project.join("pyproject.toml"),
        "[tool.pyexplain]\nignore = [\"is-literal\"]\n",
    )
    .unwrap();
    let text = "def add(item, bucket=[]):\n    return (yield from bucket)\n";
    std::fs::write(project.join("demo.py"), text).unwrap();
    let before_project = tree(&project);

    let mut c = Client::spawn_in(
        &[
            ("HOME", &home.to_string_lossy()),
            ("XDG_CACHE_HOME", &cache.to_string_lossy()),
            ("XDG_DATA_HOME", &root.join("data").to_string_lossy()),
            ("XDG_CONFIG_HOME", &root.join("config").to_string_lossy()),
        ],
        Some(&project),
    );
    c.initialize(json!({"processId": null, "rootUri": null, "capabilities": {"window": {"showDocument": {"support": true}}}}));
    let uri = format!("file://{}", project.join("demo.py").display());
    c.open(&uri, text);
    let _ = c.diagnostics(&uri);
    let _ = c.hover(&uri, 1, 13);
    let actions = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri},
        "range": {"start": {"line": 1, "character": 13}, "end": {"line": 1, "character": 13}}, "context": {"diagnostics": []}}));
    let commands: Vec<_> = actions
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.get("command"))
        .cloned()
        .collect();
    // Open the chapter, then mark the section as learned.
    assert_eq!(commands[0]["command"], "pyexplain.openNote");
    assert_eq!(commands[1]["command"], "pyexplain.markLearned");
    for command in &commands {
        // Reading a missing learned.json creates nothing: the data directory
        // appears only when a section is marked.
        assert!(!root.join("data").exists(), "data written before marking");
        let _ = c.request(
            "workspace/executeCommand",
            json!({"command": command["command"], "arguments": command["arguments"]}),
        );
    }
    // The course map of the project: written to the cache too.
    let map = c.request(
        "workspace/executeCommand",
        json!({"command": "pyexplain.courseMap", "arguments": [project.to_string_lossy()]}),
    );
    assert!(
        map["path"]
            .as_str()
            .unwrap()
            .starts_with(&*cache.to_string_lossy()),
        "{map}"
    );

    // No socket among the open file descriptors (Linux /proc).
    let fds = std::fs::read_dir(format!("/proc/{}/fd", c.pid())).unwrap();
    for fd in fds.flatten() {
        let target = std::fs::read_link(fd.path()).unwrap_or_default();
        assert!(
            !target.to_string_lossy().starts_with("socket:"),
            "the server holds a socket: {target:?}"
        );
    }
    assert_eq!(c.shutdown().code(), Some(0));

    assert_eq!(
        tree(&project),
        before_project,
        "the server wrote into the project"
    );
    assert!(
        tree(&home).is_empty(),
        "the server wrote into HOME: {:?}",
        tree(&home)
    );
    assert!(!root.join("config").exists(), "the server created config");
    let data = root.join("data");
    assert_eq!(
        tree(&data),
        BTreeSet::from([
            data.join("pyexplain"),
            data.join("pyexplain/learned.json"),
            data.join("pyexplain/learned.json.lock")
        ]),
        "the data directory holds only learned.json and its lock"
    );
    // Both directories are private.
    use std::os::unix::fs::PermissionsExt;
    for dir in [data.join("pyexplain"), cache.join("pyexplain")] {
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{dir:?}");
    }
    assert!(
        tree(&cache).iter().any(|p| p.ends_with("en/ch12.md")),
        "the note was not materialized in the cache"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// Opens the chapter of the construct at (1, 13) of the demo file; returns
/// the command's response.
fn open_chapter(c: &mut Client, uri: &str) -> serde_json::Value {
    let actions = c.request("textDocument/codeAction", json!({"textDocument": {"uri": uri},
        "range": {"start": {"line": 1, "character": 13}, "end": {"line": 1, "character": 13}}, "context": {"diagnostics": []}}));
    let command = actions[0]["command"].clone();
    assert_eq!(command["command"], "pyexplain.openNote");
    let id = c.request_async(
        "workspace/executeCommand",
        json!({"command": command["command"], "arguments": command["arguments"]}),
    );
    c.response(id)
}

/// A relative `XDG_CACHE_HOME` / `XDG_DATA_HOME` is ignored (the XDG spec
/// says so): nothing is written into the project (the working directory),
/// the files go to `$HOME/.cache`.
#[test]
fn relative_xdg_directories_are_ignored() {
    let root = std::env::temp_dir().join(format!("pyexplain-sandbox-rel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (project, home) = (root.join("project"), root.join("home"));
    std::fs::create_dir_all(&project).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(
        project.join("demo.py"),
        "def add(item, bucket=[]):\n    return (yield from bucket)\n",
    )
    .unwrap();
    let before = tree(&project);
    let mut c = Client::spawn_in(
        &[
            ("HOME", &home.to_string_lossy()),
            ("XDG_CACHE_HOME", "relative-cache"),
            ("XDG_DATA_HOME", "relative-data"),
        ],
        Some(&project),
    );
    c.initialize(json!({"processId": null, "rootUri": null, "capabilities": {}}));
    let uri = format!("file://{}", project.join("demo.py").display());
    c.open(
        &uri,
        "def add(item, bucket=[]):\n    return (yield from bucket)\n",
    );
    let opened = open_chapter(&mut c, &uri);
    let path = opened["result"]["path"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        path.starts_with(&*home.join(".cache/pyexplain").to_string_lossy()),
        "{opened}"
    );
    assert_eq!(c.shutdown().code(), Some(0));
    assert_eq!(tree(&project), before, "the server wrote into the project");
    let _ = std::fs::remove_dir_all(&root);
}

/// `pyexplain` under the cache directory is a link someone planted (to a
/// directory they control): the server refuses it and writes nothing
/// through it.
#[test]
fn a_planted_link_for_the_cache_directory_is_refused() {
    let root = std::env::temp_dir().join(format!("pyexplain-sandbox-link-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let (cache, trap) = (root.join("cache"), root.join("trap"));
    std::fs::create_dir_all(&cache).unwrap();
    std::fs::create_dir_all(&trap).unwrap();
    std::os::unix::fs::symlink(&trap, cache.join("pyexplain")).unwrap();
    let mut c = Client::spawn(&[
        ("XDG_CACHE_HOME", &cache.to_string_lossy()),
        ("HOME", &root.to_string_lossy()),
    ]);
    c.initialize(json!({"processId": null, "rootUri": null, "capabilities": {}}));
    let uri = "file:///tmp/pyexplain-sandbox-link/demo.py";
    c.open(
        uri,
        "def add(item, bucket=[]):\n    return (yield from bucket)\n",
    );
    let opened = open_chapter(&mut c, uri);
    let error = opened["error"]["message"].as_str().unwrap_or_default();
    assert!(error.contains("not a directory"), "{opened}");
    assert!(
        tree(&trap).is_empty(),
        "written through the link: {:?}",
        tree(&trap)
    );
    assert_eq!(c.shutdown().code(), Some(0));
    let _ = std::fs::remove_dir_all(&root);
}
