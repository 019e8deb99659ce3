//! The LSP server: a thin layer over the analysis core. The only module that
//! knows LSP types; positions are converted in [`convert`].
//!
//! Invariants (DESIGN.md §7–9): handlers run one at a time
//! (`concurrency_level(1)`), so every notification is applied before the next
//! request is read; documents are versioned and stale changes ignored;
//! analysis runs under `catch_unwind`, so a bug answers one request with an
//! error instead of ending the server.

mod convert;
mod course_map;
mod diagnostics;
mod documents;
pub mod note_files;
mod transport;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::analysis::{self, Encoding};
use crate::knowledge::Lang;
use crate::render::{self, Verbosity};
use documents::Documents;

/// User settings, from `initializationOptions` and `workspace/didChangeConfiguration`.
#[derive(Debug, Clone)]
struct Settings {
    /// An explicit language (`"zh"`/`"en"`); `None` for `"auto"` or unset.
    language: Option<Lang>,
    hover_enable: bool,
    verbosity: Verbosity,
    /// Rule selection from the client; overrides pyproject.toml when set.
    select: Option<Vec<String>>,
    ignore: Option<Vec<String>>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            language: None,
            hover_enable: true,
            verbosity: Verbosity::Full,
            select: None,
            ignore: None,
        }
    }
}

impl Settings {
    /// Applies the keys present in `value` (either `{"pyexplain": {...}}` or
    /// the inner object); unknown keys and wrong types are ignored.
    fn update(&mut self, value: &Value) {
        let obj = value.get("pyexplain").unwrap_or(value);
        if let Some(lang) = obj.get("language").and_then(Value::as_str) {
            self.language = Lang::parse(lang);
        }
        let hover = obj.get("hover");
        if let Some(enable) = hover
            .and_then(|h| h.get("enable"))
            .or_else(|| obj.get("hover.enable"))
            .and_then(Value::as_bool)
        {
            self.hover_enable = enable;
        }
        if let Some(v) = hover
            .and_then(|h| h.get("verbosity"))
            .or_else(|| obj.get("hover.verbosity"))
            .and_then(Value::as_str)
        {
            self.verbosity = if v == "brief" {
                Verbosity::Brief
            } else {
                Verbosity::Full
            };
        }
        let ids = |key: &str| -> Option<Vec<String>> {
            obj.get(key)?.as_array().map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
        };
        if let Some(select) = ids("select") {
            self.select = Some(select);
        }
        if let Some(ignore) = ids("ignore") {
            self.ignore = Some(ignore);
        }
    }
}

/// The command behind the "open the chapter" code action.
pub const OPEN_NOTE_COMMAND: &str = "pyexplain.openNote";

/// The command that maps the workspace's files to the course's sections.
pub const COURSE_MAP_COMMAND: &str = "pyexplain.courseMap";

#[derive(Debug)]
struct State {
    encoding: Encoding,
    /// Whether the client handles `window/showDocument`.
    show_document: bool,
    /// The language the client's `locale` or the environment names.
    default_lang: Lang,
    settings: Settings,
    /// The workspace folders (local directories) from `initialize`.
    roots: Vec<PathBuf>,
}

impl State {
    fn lang(&self) -> Lang {
        self.settings.language.unwrap_or(self.default_lang)
    }
}

/// The language server.
pub struct Backend {
    client: Client,
    docs: Documents,
    configs: diagnostics::Configs,
    state: RwLock<State>,
    shutdown: Arc<AtomicBool>,
}

impl Backend {
    fn new(client: Client, shutdown: Arc<AtomicBool>) -> Backend {
        Backend {
            client,
            docs: Documents::default(),
            configs: diagnostics::Configs::default(),
            state: RwLock::new(State {
                encoding: Encoding::Utf16,
                show_document: false,
                default_lang: Lang::from_env().unwrap_or(Lang::En),
                settings: Settings::default(),
                roots: Vec::new(),
            }),
            shutdown,
        }
    }

    fn state<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        match self.state.read() {
            Ok(s) => f(&s),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    fn state_mut(&self, f: impl FnOnce(&mut State)) {
        match self.state.write() {
            Ok(mut s) => f(&mut s),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}

/// Runs `f`, turning a panic into an LSP internal error.
fn guarded<R>(what: &str, f: impl FnOnce() -> R) -> Result<R> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let msg = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing_stderr(&format!("pyexplain: {what} failed: {msg}"));
        let mut err = Error::internal_error();
        err.message = format!("pyexplain: {what} failed: {msg}").into();
        err
    })
}

/// Logs go to stderr: stdout is the protocol.
fn tracing_stderr(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{msg}");
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offers_utf8 = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.contains(&PositionEncodingKind::UTF8));
        let encoding = if offers_utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let show_document = params
            .capabilities
            .window
            .as_ref()
            .and_then(|w| w.show_document.as_ref())
            .is_some_and(|c| c.support);
        let roots = course_map::roots(&params);
        self.state_mut(|s| {
            s.encoding = encoding;
            s.show_document = show_document;
            s.roots = roots;
            if let Some(lang) = params.locale.as_deref().and_then(Lang::parse) {
                s.default_lang = lang;
            }
            if let Some(opts) = &params.initialization_options {
                s.settings.update(opts);
            }
        });
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: vec![
                        OPEN_NOTE_COMMAND.to_string(),
                        COURSE_MAP_COMMAND.to_string(),
                    ],
                    ..Default::default()
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "pyexplain".into(),
                version: Some(crate::version_string().to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        // Parse the notes and compile the triggers off the request path, so
        // the first hover does not pay for it (`initialize` stays instant).
        std::thread::spawn(|| {
            let _ = catch_unwind(|| {
                let _ = crate::knowledge::knowledge();
                let _ = analysis::explain::triggers();
            });
        });
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let uri = doc.uri.clone();
        let _ = guarded("didOpen", || self.docs.open(doc.uri, doc.version, doc.text));
        self.publish(uri).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let encoding = self.state(|s| s.encoding);
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let outcome = guarded("didChange", || {
            self.docs
                .change(&uri, version, &params.content_changes, encoding)
        });
        match outcome {
            Ok(Err(why)) => {
                self.client
                    .log_message(
                        MessageType::WARNING,
                        format!("pyexplain: didChange ignored: {why}"),
                    )
                    .await;
            }
            Ok(Ok(())) => self.publish(uri).await,
            Err(_) => {}
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.docs.close(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.state_mut(|s| s.settings.update(&params.settings));
        self.configs.clear();
        for (uri, _) in self.docs.all() {
            self.publish(uri).await;
        }
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = &params.text_document.uri;
        let mut actions = Vec::new();
        if let Some(doc) = self.docs.get(uri) {
            let selection = self.selection(uri).await;
            let (encoding, lang) = self.state(|s| (s.encoding, s.lang()));
            actions.extend(guarded("codeAction", || {
                diagnostics::actions(
                    uri,
                    &doc,
                    params.range,
                    &params.context.diagnostics,
                    &selection,
                    encoding,
                    lang,
                )
            })?);
        }
        actions.extend(self.note_action(&params)?);
        Ok(Some(actions))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        match params.command.as_str() {
            OPEN_NOTE_COMMAND => self.open_note(&params.arguments).await,
            COURSE_MAP_COMMAND => self.course_map(&params.arguments).await,
            other => Err(Error::invalid_params(format!("unknown command {other}"))),
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let (encoding, lang, settings) = self.state(|s| (s.encoding, s.lang(), s.settings.clone()));
        if !settings.hover_enable {
            return Ok(None);
        }
        let pos = params.text_document_position_params;
        let Some(doc) = self.docs.get(&pos.text_document.uri) else {
            return Ok(None);
        };
        let selection = self.selection(&pos.text_document.uri).await;
        guarded("hover", || {
            let parsed = &doc.parsed;
            let offset = parsed.offset(convert::line_col(pos.position), encoding);
            if let Some((markdown, range)) = diagnostics::hover_at(&doc, &selection, offset, lang) {
                return Some(Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: markdown,
                    }),
                    range: Some(convert::range(parsed, range, encoding)),
                });
            }
            let expl = analysis::explain_at(parsed, offset)?;
            let markdown = render::hover_markdown(&expl, lang, settings.verbosity)?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: markdown,
                }),
                range: Some(convert::range(parsed, expl.range, encoding)),
            })
        })
    }
}

impl Backend {
    /// The rule selection for a document: the client's settings, else its
    /// pyproject.toml. A bad configuration is shown once.
    async fn selection(&self, uri: &Uri) -> crate::analysis::rules::Selection {
        let (config, error) = self.configs.for_uri(uri);
        if let Some(e) = error {
            self.client
                .show_message(MessageType::ERROR, format!("pyexplain: {e}"))
                .await;
        }
        let settings = self.state(|s| s.settings.clone());
        let mut selection = config.selection;
        if let Some(select) = settings.select {
            selection.select = select;
        }
        if let Some(ignore) = settings.ignore {
            selection.ignore = ignore;
        }
        if let Err(e) = crate::config::validate(&selection) {
            self.client
                .show_message(MessageType::ERROR, format!("pyexplain settings: {e}"))
                .await;
        }
        selection
    }

    async fn publish(&self, uri: Uri) {
        let Some(doc) = self.docs.get(&uri) else {
            return;
        };
        let selection = self.selection(&uri).await;
        let (encoding, lang) = self.state(|s| (s.encoding, s.lang()));
        let diags = guarded("diagnostics", || {
            diagnostics::to_lsp(&doc, &selection, encoding, lang)
        });
        if let Ok(diags) = diags {
            self.client
                .publish_diagnostics(uri, diags, Some(doc.version))
                .await;
        }
    }

    /// The "📖 §N.M <title>" action for the construct at the start of `range`.
    fn note_action(&self, params: &CodeActionParams) -> Result<Option<CodeActionOrCommand>> {
        let (encoding, lang) = self.state(|s| (s.encoding, s.lang()));
        let Some(doc) = self.docs.get(&params.text_document.uri) else {
            return Ok(None);
        };
        guarded("codeAction", || {
            let parsed = &doc.parsed;
            let offset = parsed.offset(convert::line_col(params.range.start), encoding);
            let expl = analysis::explain_at(parsed, offset)?;
            let note = crate::knowledge::knowledge().note(&expl.note, lang)?;
            let title = format!("📖 §{} {}", note.section, note.title);
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                kind: Some(CodeActionKind::EMPTY),
                command: Some(Command {
                    title,
                    command: OPEN_NOTE_COMMAND.to_string(),
                    arguments: Some(vec![serde_json::json!({
                        "note": note.id,
                        "section": note.section.to_string(),
                        "lang": lang.code(),
                    })]),
                }),
                ..Default::default()
            }))
        })
    }

    /// Writes the note's chapter under the cache directory and asks the
    /// client to show it with the note's heading selected. Clients without
    /// `window/showDocument` get a message with the path; the command's
    /// result (`{uri, line}`) lets an editor plugin open it itself.
    async fn open_note(&self, args: &[Value]) -> Result<Option<Value>> {
        let arg = args.first();
        let key = arg
            .and_then(|a| a.get("note").or(Some(a)))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let lang = arg
            .and_then(|a| a.get("lang"))
            .and_then(Value::as_str)
            .and_then(Lang::parse)
            .unwrap_or_else(|| self.state(State::lang));
        let Some(note) = crate::knowledge::knowledge().note(&key, lang) else {
            return Err(Error::invalid_params(format!("no note `{key}`")));
        };
        let path = note_files::note_path(note)
            .and_then(|path| {
                // Written once per process; rewrite if the cache was cleared since.
                if path.exists() {
                    Ok(path)
                } else {
                    note_files::materialize(&note_files::cache_dir())
                        .map(|()| path)
                        .map_err(|e| e.to_string())
                }
            })
            .map_err(|e| {
                let mut err = Error::internal_error();
                err.message = format!("pyexplain: cannot write the note file: {e}").into();
                err
            })?;
        let Some(uri) = Uri::from_file_path(&path) else {
            return Err(Error::internal_error());
        };
        let line = u32::try_from(note.line).unwrap_or(0);
        let heading_len = crate::knowledge::knowledge()
            .chapters
            .iter()
            .find(|c| c.file == note.file)
            .and_then(|c| c.text.lines().nth(note.line))
            .map_or(0, |l| l.encode_utf16().count());
        let selection = Range::new(
            Position::new(line, 0),
            Position::new(line, u32::try_from(heading_len).unwrap_or(0)),
        );
        let result =
            serde_json::json!({"uri": uri.as_str(), "line": line, "path": path.to_string_lossy()});
        if self.state(|s| s.show_document) {
            let shown = self
                .client
                .show_document(ShowDocumentParams {
                    uri,
                    external: Some(false),
                    take_focus: Some(true),
                    selection: Some(selection),
                })
                .await;
            if let Ok(true) = shown {
                return Ok(Some(result));
            }
        }
        self.client
            .show_message(
                MessageType::INFO,
                format!("§{} {}: {}", note.section, note.title, path.display()),
            )
            .await;
        Ok(Some(result))
    }
}

impl Backend {
    /// Maps the workspace folders (or the paths given as arguments) to the
    /// course's sections off the message loop (`spawn_blocking`; other
    /// requests wait, as they wait for any handler), writes the markdown
    /// under the cache directory and asks the client to show it. The result
    /// (`{uri, path, shown, markdown}`) carries the document for clients
    /// that cannot show it.
    async fn course_map(&self, args: &[Value]) -> Result<Option<Value>> {
        let request = course_map::Request::parse(args);
        let (roots, default_lang, show_document) =
            self.state(|s| (s.roots.clone(), s.lang(), s.show_document));
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
        let job = tokio::task::spawn_blocking(move || {
            catch_unwind(AssertUnwindSafe(|| course_map::build(&paths, lang, all)))
        });
        let failed = |msg: String| {
            tracing_stderr(&msg);
            let mut err = Error::internal_error();
            err.message = msg.into();
            err
        };
        let (path, markdown, summary) = match job.await {
            Ok(Ok(Ok(done))) => done,
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
        let mut shown = false;
        if show_document {
            let answer = self
                .client
                .show_document(ShowDocumentParams {
                    uri: uri.clone(),
                    external: Some(false),
                    take_focus: Some(true),
                    selection: None,
                })
                .await;
            shown = matches!(answer, Ok(true));
        }
        if !shown {
            self.client
                .show_message(
                    MessageType::INFO,
                    format!("pyexplain: {summary}: {}", path.display()),
                )
                .await;
        }
        Ok(Some(serde_json::json!({
            "uri": uri.as_str(),
            "path": path.to_string_lossy(),
            "shown": shown,
            "markdown": markdown,
        })))
    }
}

/// Serves LSP over stdin/stdout until `exit`; returns the process exit code
/// (0 after `shutdown`, 1 otherwise, as the protocol asks).
pub async fn run_stdio() -> i32 {
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = shutdown.clone();
    let (service, socket) = LspService::new(move |client| Backend::new(client, flag));
    // stdin -> framing proxy -> tower-lsp -> output pump -> stdout.
    let (server_in, proxy_in) = tokio::io::duplex(1 << 20);
    let (proxy_out, server_out) = tokio::io::duplex(1 << 20);
    let (errors_tx, errors_rx) = tokio::sync::mpsc::channel(64);
    let exit = Arc::new(tokio::sync::Notify::new());
    let input = tokio::spawn(transport::pump_input(
        tokio::io::stdin(),
        proxy_in,
        errors_tx,
        exit.clone(),
    ));
    let output = tokio::spawn(transport::pump_output(
        proxy_out,
        errors_rx,
        tokio::io::stdout(),
    ));
    let serve = Server::new(server_in, server_out, socket)
        .concurrency_level(1)
        .serve(service);
    tokio::pin!(serve);
    tokio::select! {
        () = &mut serve => {}
        () = exit.notified() => {
            // tower-lsp-server does not always return from `serve` after
            // `exit` while the client keeps its end open: bound the wait.
            let _ = tokio::time::timeout(std::time::Duration::from_millis(300), &mut serve).await;
        }
    }
    // The server is done (exit, or the client closed stdin): flush what is left.
    input.abort();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), output).await;
    if shutdown.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_analysis_becomes_an_internal_error() {
        let result: Result<()> = guarded("hover", || panic!("boom"));
        let err = result.unwrap_err();
        assert_eq!(
            err.code,
            tower_lsp_server::jsonrpc::ErrorCode::InternalError
        );
        assert!(
            err.message.contains("hover failed: boom"),
            "{}",
            err.message
        );
        assert_eq!(guarded("hover", || 7).ok(), Some(7));
    }

    #[test]
    fn settings_accept_both_shapes_and_ignore_junk() {
        let mut s = Settings::default();
        s.update(&serde_json::json!({"pyexplain": {"language": "zh", "hover": {"enable": false}}}));
        assert_eq!(s.language, Some(Lang::Zh));
        assert!(!s.hover_enable);
        s.update(&serde_json::json!({"language": "auto", "hover": {"verbosity": "brief"}}));
        assert_eq!(s.language, None);
        assert_eq!(s.verbosity, Verbosity::Brief);
        s.update(&serde_json::json!({"language": 42, "hover": "x"}));
        assert_eq!(s.language, None);
    }
}
