//! The `pyexplain.courseMap` command: which course sections the workspace's
//! files exercise, as a markdown document written under the cache directory
//! (next to the note files, so its section links are relative) for the
//! client to show.
//!
//! It walks and parses a whole workspace, so it is served beside tower-lsp's
//! ordered message loop ([`Side`], fed by the transport): hovers and edits
//! go on while it runs, `$/cancelRequest` stops it (between files) with
//! `RequestCancelled`, and it gives up after [`DEADLINE`]. It reads files
//! from disk, never the open documents, so it needs no ordering with them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{self, Error, Id, Request, Response};
use tower_lsp_server::ls_types::{ExecuteCommandParams, InitializeParams, Uri};

use super::super::{log_stderr, note_files, transport, Phase, Shared};
use super::{show_later, LangName, COURSE_MAP_COMMAND};
use crate::course_map::{self, Links};
use crate::knowledge::{knowledge, Lang};

/// The longest a course map may take.
pub const DEADLINE: Duration = Duration::from_secs(300);

/// The workspace folders of `initialize` (else `rootUri`, else `rootPath`)
/// that are local directories.
pub fn roots(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = params.workspace_folders.as_ref().filter(|f| !f.is_empty()) {
        return folders.iter().filter_map(|f| uri_path(&f.uri)).collect();
    }
    // Clients without workspace folders still send the older fields.
    #[allow(deprecated)]
    let (root_uri, root_path) = (params.root_uri.as_ref(), params.root_path.as_ref());
    match (root_uri, root_path) {
        (Some(uri), _) => uri_path(uri).into_iter().collect(),
        (None, Some(path)) if !path.is_empty() => vec![PathBuf::from(path)],
        _ => Vec::new(),
    }
}

fn uri_path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

/// One argument of the command: a path or file URI, a list of them, or
/// `{"paths": ..., "all": bool, "lang": "zh"|"en"}`; anything else is
/// ignored.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Argument {
    Path(String),
    Paths(Vec<Argument>),
    Options {
        #[serde(default)]
        paths: Option<Box<Argument>>,
        #[serde(default)]
        all: bool,
        #[serde(default)]
        lang: Option<LangName>,
    },
    Other(serde::de::IgnoredAny),
}

/// What the command's arguments ask for.
#[derive(Debug, Default, PartialEq)]
pub struct MapRequest {
    pub paths: Vec<PathBuf>,
    pub all: bool,
    pub lang: Option<Lang>,
}

impl MapRequest {
    pub fn from_arguments(args: Vec<Argument>) -> MapRequest {
        let mut r = MapRequest::default();
        for arg in args {
            r.add(arg);
        }
        r
    }

    fn add(&mut self, arg: Argument) {
        match arg {
            Argument::Path(s) => {
                let path = if s.contains("://") {
                    // A URI: only local files can be mapped.
                    s.parse::<Uri>().ok().and_then(|u| uri_path(&u))
                } else {
                    Some(PathBuf::from(s)).filter(|p| !p.as_os_str().is_empty())
                };
                self.paths.extend(path);
            }
            Argument::Paths(items) => items.into_iter().for_each(|a| self.add(a)),
            Argument::Options { paths, all, lang } => {
                if let Some(paths) = paths {
                    self.add(*paths);
                }
                self.all |= all;
                if let Some(lang) = lang {
                    self.lang = Some(lang.into());
                }
            }
            Argument::Other(_) => {}
        }
    }
}

/// The map of `paths`, rendered and written: (file, markdown, summary line).
/// Blocking: walks and parses every file.
pub fn build(
    paths: &[PathBuf],
    lang: Lang,
    all: bool,
    max_size: u64,
    stop: &AtomicBool,
) -> Result<Option<(PathBuf, String, String)>, String> {
    let (files, mut problems) = crate::files::collect(paths, &crate::files::Exclusions::default());
    let Some(map) = course_map::map_files_until(&files, &AtomicUsize::new(0), stop, max_size)
    else {
        return Ok(None);
    };
    problems.extend(
        map.errors
            .iter()
            .chain(&map.skipped)
            .map(|(p, why)| format!("{}: {why}", p.display())),
    );
    let k = knowledge();
    let mut preamble = vec![format!(
        "{} {}",
        k.ui(lang, "ui.map-folders"),
        paths
            .iter()
            .map(|p| format!("`{}`", p.display()))
            .collect::<Vec<_>>()
            .join(", ")
    )];
    if !problems.is_empty() {
        let mut text = k.ui(lang, "ui.map-problems").to_string();
        for p in &problems {
            text.push_str(&format!("\n- {p}"));
        }
        preamble.push(text);
    }
    let example = |e: &course_map::Example| {
        let cell = e.cell.map(|c| format!("cell {c}:")).unwrap_or_default();
        let text = format!("{}:{cell}{}", display_path(&e.path, paths), e.line);
        // A notebook's lines are its cells': no line anchor.
        let anchor = match e.cell {
            Some(_) => String::new(),
            None => format!("#L{}", e.line),
        };
        let target = Uri::from_file_path(&e.path)
            .map(|u| course_map::link_destination(&format!("{}{anchor}", u.as_str())));
        (text, target)
    };
    // The map sits next to the chapter files: relative links to the notes.
    let section = |note: &crate::knowledge::Note| {
        Some(course_map::link_destination(&format!(
            "{}#L{}",
            note.file,
            note.line + 1
        )))
    };
    let links = Links {
        preamble,
        section: &section,
        example: &example,
    };
    let markdown = map.to_markdown(lang, all, &links);
    let dir = note_files::cache_dir()?;
    note_files::materialize(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(file_name(paths));
    crate::files::write_atomic(&path, markdown.as_bytes()).map_err(|e| e.to_string())?;
    Ok(Some((path, markdown, map.summary(lang))))
}

/// `course-map-<hash of the paths>.md`: one file per workspace, rewritten.
/// The hash is FNV-1a (64 bits) of the sorted paths' bytes, each followed
/// by a NUL: fixed by its definition, so the name stays the same across
/// builds and Rust versions (std's `DefaultHasher` promises neither).
fn file_name(paths: &[PathBuf]) -> String {
    let mut sorted: Vec<&PathBuf> = paths.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for path in sorted {
        for &b in path.as_os_str().as_encoded_bytes().iter().chain(&[0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("course-map-{h:016x}.md")
}

/// A path relative to the folder it was found under (with the folder's
/// name when there are several folders).
fn display_path(path: &Path, roots: &[PathBuf]) -> String {
    for root in roots {
        if let Ok(rel) = path.strip_prefix(root) {
            if rel.as_os_str().is_empty() {
                break; // the root is the file itself
            }
            let base = match (roots.len() > 1, root.file_name()) {
                (true, Some(name)) => Path::new(name).join(rel),
                _ => rel.to_path_buf(),
            };
            return base.display().to_string();
        }
    }
    path.display().to_string()
}

/// Runs the command: the paths asked for (else the workspace folders),
/// built on the blocking pool until done, cancelled (`stop`) or past
/// [`DEADLINE`]; the client is then asked to show the file (not awaited).
/// The result (`{uri, path, shown, markdown}`) carries the document for
/// clients that cannot show it; `shown` says whether the server asked the
/// client to show it.
async fn run(
    shared: Arc<Shared>,
    request: MapRequest,
    stop: Arc<AtomicBool>,
) -> jsonrpc::Result<Option<Value>> {
    let (roots, default_lang, can_show, max_size) = shared.state(|s| {
        (
            s.roots.clone(),
            s.lang(),
            s.show_document,
            s.settings.max_file_size,
        )
    });
    let paths = if request.paths.is_empty() {
        roots
    } else {
        request.paths
    };
    if paths.is_empty() {
        return Err(Error::invalid_params(
            "pyexplain.courseMap: no workspace folder; pass paths as arguments",
        ));
    }
    let lang = request.lang.unwrap_or(default_lang);
    let all = request.all;
    let job_stop = stop.clone();
    let job = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            build(&paths, lang, all, max_size, &job_stop)
        }))
    });
    let failed = |msg: String| {
        log_stderr(&msg);
        let mut err = Error::internal_error();
        err.message = msg.into();
        err
    };
    let outcome = match tokio::time::timeout(DEADLINE, job).await {
        Ok(outcome) => outcome,
        Err(_) => {
            stop.store(true, Ordering::SeqCst);
            return Err(failed(format!(
                "pyexplain: the course map took longer than {} s and was stopped",
                DEADLINE.as_secs()
            )));
        }
    };
    let (path, markdown, summary) = match outcome {
        Ok(Ok(Ok(Some(done)))) => done,
        Ok(Ok(Ok(None))) => return Err(Error::request_cancelled()),
        Ok(Ok(Err(e))) => {
            return Err(failed(format!(
                "pyexplain: cannot write the course map: {e}"
            )))
        }
        Ok(Err(_)) | Err(_) => return Err(failed("pyexplain: courseMap failed".into())),
    };
    let Some(uri) = Uri::from_file_path(&path) else {
        return Err(Error::internal_error());
    };
    if let Some(client) = shared.client.get() {
        show_later(
            client,
            can_show,
            uri.clone(),
            None,
            format!("pyexplain: {summary}: {}", path.display()),
        );
    }
    Ok(Some(serde_json::json!({
        "uri": uri.as_str(),
        "path": path.to_string_lossy(),
        "shown": can_show,
        "markdown": markdown,
    })))
}

/// The command reached through tower-lsp's router (not through the side):
/// runs in line, not cancellable.
pub async fn run_inline(
    shared: Arc<Shared>,
    args: Option<Vec<Argument>>,
) -> jsonrpc::Result<Option<Value>> {
    let request = MapRequest::from_arguments(args.unwrap_or_default());
    run(shared, request, Arc::new(AtomicBool::new(false))).await
}

/// Serves `pyexplain.courseMap` requests beside tower-lsp's ordered loop
/// and hears their `$/cancelRequest`s (see the module doc).
pub struct Side {
    shared: Arc<Shared>,
    replies: mpsc::Sender<Vec<u8>>,
    running: Arc<Mutex<HashMap<Id, Arc<AtomicBool>>>>,
}

impl Side {
    pub fn new(shared: Arc<Shared>, replies: mpsc::Sender<Vec<u8>>) -> Side {
        Side {
            shared,
            replies,
            running: Arc::default(),
        }
    }
}

/// `-32002`, as tower-lsp answers requests before `initialize`.
fn not_initialized() -> Error {
    Error {
        code: jsonrpc::ErrorCode::ServerError(-32002),
        message: "Server not initialized".into(),
        data: None,
    }
}

fn reply(id: Id, result: jsonrpc::Result<Option<Value>>) -> Vec<u8> {
    let response = Response::from_parts(id, result.map(|v| v.unwrap_or(Value::Null)));
    transport::frame(&serde_json::to_vec(&response).unwrap_or_default())
}

impl transport::Side for Side {
    fn take(&self, request: &Request) -> bool {
        if request.method() != "workspace/executeCommand" {
            return false;
        }
        let (Some(id), Some(params)) = (request.id().cloned(), request.params()) else {
            return false;
        };
        // Other commands, and params tower-lsp would reject, go the usual way.
        let Ok(params) = serde_json::from_value::<ExecuteCommandParams>(params.clone()) else {
            return false;
        };
        if params.command != COURSE_MAP_COMMAND {
            return false;
        }
        let replies = self.replies.clone();
        let phase = self.shared.state(|s| s.phase);
        let early = match phase {
            Phase::Starting => Some(not_initialized()),
            Phase::ShutDown => Some(Error::invalid_request()),
            Phase::Running => None,
        };
        let args: Result<Vec<Argument>, _> = params
            .arguments
            .into_iter()
            .map(serde_json::from_value)
            .collect();
        let early = early.or_else(|| {
            args.as_ref()
                .err()
                .map(|e| Error::invalid_params(format!("{COURSE_MAP_COMMAND}: {e}")))
        });
        if let Some(error) = early {
            tokio::spawn(async move {
                let _ = replies.send(reply(id, Err(error))).await;
            });
            return true;
        }
        let request = MapRequest::from_arguments(args.unwrap_or_default());
        let stop = Arc::new(AtomicBool::new(false));
        if let Ok(mut running) = self.running.lock() {
            running.insert(id.clone(), stop.clone());
        }
        let (shared, running) = (self.shared.clone(), self.running.clone());
        tokio::spawn(async move {
            let result = run(shared, request, stop).await;
            if let Ok(mut running) = running.lock() {
                running.remove(&id);
            }
            let _ = replies.send(reply(id, result)).await;
        });
        true
    }

    fn cancel(&self, id: &Id) {
        if let Ok(running) = self.running.lock() {
            if let Some(stop) = running.get(id) {
                stop.store(true, Ordering::SeqCst);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(args: &[Value]) -> MapRequest {
        MapRequest::from_arguments(
            args.iter()
                .map(|a| serde_json::from_value(a.clone()).unwrap())
                .collect(),
        )
    }

    #[test]
    fn the_file_name_hash_is_stable() {
        // Fixed values (computed independently with Python): a change here
        // renames every user's course maps.
        assert_eq!(file_name(&[]), "course-map-cbf29ce484222325.md");
        assert_eq!(
            file_name(&[PathBuf::from("/w/app")]),
            file_name(&[PathBuf::from("/w/app"), PathBuf::from("/w/app")])
        );
        assert_eq!(
            file_name(&[PathBuf::from("/a"), PathBuf::from("/b")]),
            file_name(&[PathBuf::from("/b"), PathBuf::from("/a")])
        );
        assert_ne!(
            file_name(&[PathBuf::from("/ab")]),
            file_name(&[PathBuf::from("/a"), PathBuf::from("b")])
        );
        assert_eq!(
            file_name(&[PathBuf::from("/w/app")]),
            "course-map-6c9daf471e43f6bd.md"
        );
    }

    #[test]
    fn arguments_in_every_shape() {
        assert_eq!(parse(&[]), MapRequest::default());
        let r = parse(&[json!("file:///tmp/a%20b"), json!(["/x", 3]), json!("rel")]);
        assert_eq!(
            r.paths,
            [
                PathBuf::from("/tmp/a b"),
                PathBuf::from("/x"),
                PathBuf::from("rel")
            ]
        );
        let r = parse(&[json!({"paths": ["/y"], "all": true, "lang": "zh"})]);
        assert_eq!(r.paths, [PathBuf::from("/y")]);
        assert!(r.all);
        assert_eq!(r.lang, Some(Lang::Zh));
        let r = parse(&[json!("https://example.com/x"), json!(null)]);
        assert!(r.paths.is_empty());
    }

    #[test]
    fn paths_shown_relative_to_their_folder() {
        let roots = [PathBuf::from("/w/app")];
        assert_eq!(
            display_path(Path::new("/w/app/pkg/a.py"), &roots),
            "pkg/a.py"
        );
        assert_eq!(
            display_path(Path::new("/elsewhere/a.py"), &roots),
            "/elsewhere/a.py"
        );
        let two = [PathBuf::from("/w/app"), PathBuf::from("/w/lib")];
        assert_eq!(display_path(Path::new("/w/lib/b.py"), &two), "lib/b.py");
        let file = [PathBuf::from("/w/app/a.py")];
        assert_eq!(display_path(Path::new("/w/app/a.py"), &file), "/w/app/a.py");
    }
}
