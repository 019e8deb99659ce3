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
mod learned;
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
    /// `inlayHints.enable`: off unless asked for.
    inlay_hints: bool,
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
            inlay_hints: false,
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
        if let Some(enable) = obj
            .get("inlayHints")
            .and_then(|h| h.get("enable"))
            .or_else(|| obj.get("inlayHints.enable"))
            .and_then(Value::as_bool)
        {
            self.inlay_hints = enable;
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
/// Marks a note as learned (its hovers become brief): `[{"note": id}]`.
pub const MARK_LEARNED_COMMAND: &str = "pyexplain.markLearned";
/// Shows a learned note in full again; without an argument, every note.
pub const UNMARK_LEARNED_COMMAND: &str = "pyexplain.unmarkLearned";

/// The command that maps the workspace's files to the course's sections.
pub const COURSE_MAP_COMMAND: &str = "pyexplain.courseMap";

#[derive(Debug)]
struct State {
    encoding: Encoding,
    /// Whether the client handles `window/showDocument`.
    show_document: bool,
    /// Whether the client handles `workspace/inlayHint/refresh`.
    inlay_hint_refresh: bool,
    /// The language the client's `locale` or the environment names.
    default_lang: Lang,
    settings: Settings,
    /// The notes marked as learned, and where they are saved (`None`: the
    /// user has no data directory; marks last until the server stops).
    learned: learned::Learned,
    learned_path: Option<std::path::PathBuf>,
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
                inlay_hint_refresh: false,
                default_lang: Lang::from_env().unwrap_or(Lang::En),
                settings: Settings::default(),
                learned: learned::Learned::default(),
                learned_path: None,
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
        let inlay_hint_refresh = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.inlay_hint.as_ref())
            .and_then(|h| h.refresh_support)
            .unwrap_or(false);
        // The learned notes: read once, here. Anything wrong with the file
        // means "nothing learned", said in the client's log.
        let learned_path = learned::default_path();
        let (learned, problem) = match &learned_path {
            Some(path) => match learned::load(path) {
                Ok(l) => (l, None),
                Err(learned::LoadError::Missing) => (
                    learned::Learned::default(),
                    Some((
                        MessageType::LOG,
                        format!(
                            "pyexplain: no section is marked as learned yet ({} does not exist)",
                            path.display()
                        ),
                    )),
                ),
                Err(e) => (
                    learned::Learned::default(),
                    Some((
                        MessageType::WARNING,
                        format!(
                            "pyexplain: ignoring {} ({e}): no section is marked as learned",
                            path.display()
                        ),
                    )),
                ),
            },
            None => (
                learned::Learned::default(),
                Some((
                    MessageType::WARNING,
                    "pyexplain: no data directory (XDG_DATA_HOME, HOME, APPDATA): learned sections are not saved".to_string(),
                )),
            ),
        };
        if let Some((typ, msg)) = problem {
            self.client.log_message(typ, msg).await;
        }
        let roots = course_map::roots(&params);
        self.state_mut(|s| {
            s.roots = roots;
            s.encoding = encoding;
            s.show_document = show_document;
            s.inlay_hint_refresh = inlay_hint_refresh;
            s.learned = learned;
            s.learned_path = learned_path;
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
                        MARK_LEARNED_COMMAND.to_string(),
                        UNMARK_LEARNED_COMMAND.to_string(),
                        COURSE_MAP_COMMAND.to_string(),
                    ],
                    ..Default::default()
                }),
                inlay_hint_provider: Some(OneOf::Left(true)),
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
        let hints = |s: &State| (s.settings.inlay_hints, s.lang());
        let before = self.state(hints);
        self.state_mut(|s| s.settings.update(&params.settings));
        let (after, refresh) = self.state(|s| (hints(s), s.inlay_hint_refresh));
        // Hints turned on or off, or shown in another language: ask the
        // client to fetch them again (without waiting for its answer).
        if refresh && before != after && (before.0 || after.0) {
            let client = self.client.clone();
            tokio::spawn(async move {
                let _ = client.inlay_hint_refresh().await;
            });
        }
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
        actions.extend(self.note_actions(&params)?);
        Ok(Some(actions))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        match params.command.as_str() {
            OPEN_NOTE_COMMAND => self.open_note(&params.arguments).await,
            MARK_LEARNED_COMMAND => self.set_learned(&params.arguments, true).await,
            UNMARK_LEARNED_COMMAND => self.set_learned(&params.arguments, false).await,
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
            // A section marked as learned is brief whatever the setting.
            let learned = self.is_learned(&expl.note);
            let verbosity = if learned {
                Verbosity::Brief
            } else {
                settings.verbosity
            };
            let markdown = render::hover_markdown(&expl, lang, verbosity)?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: markdown,
                }),
                range: Some(convert::range(parsed, expl.range, encoding)),
            })
        })
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let (encoding, lang, enabled) =
            self.state(|s| (s.encoding, s.lang(), s.settings.inlay_hints));
        if !enabled {
            return Ok(Some(Vec::new()));
        }
        let Some(doc) = self.docs.get(&params.text_document.uri) else {
            return Ok(Some(Vec::new()));
        };
        guarded("inlayHint", || {
            let parsed = &doc.parsed;
            let range = convert::byte_range(parsed, params.range, encoding);
            let hints = analysis::hints::inlay_hints(parsed, range)
                .into_iter()
                .filter_map(|hint| {
                    let label = render::hint_label(&hint.kind, lang);
                    (!label.is_empty()).then(|| InlayHint {
                        position: convert::position(parsed, hint.offset, encoding),
                        label: InlayHintLabel::String(label),
                        kind: None,
                        text_edits: None,
                        tooltip: None,
                        padding_left: Some(true),
                        padding_right: None,
                        data: None,
                    })
                })
                .collect();
            Some(hints)
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

    /// Whether the note `key` (an id or a section) is marked as learned.
    fn is_learned(&self, key: &str) -> bool {
        crate::knowledge::knowledge()
            .note(key, Lang::En)
            .is_some_and(|note| self.state(|s| s.learned.contains(&note.id)))
    }

    /// For the construct at the start of `range`: "📖 §N.M <title>" (open the
    /// chapter), then "Mark §N.M as learned", or "Show full notes again for
    /// §N.M" when it already is.
    fn note_actions(&self, params: &CodeActionParams) -> Result<Vec<CodeActionOrCommand>> {
        let (encoding, lang) = self.state(|s| (s.encoding, s.lang()));
        let Some(doc) = self.docs.get(&params.text_document.uri) else {
            return Ok(Vec::new());
        };
        let action = |title: String, command: &str, argument: Value| {
            CodeActionOrCommand::CodeAction(CodeAction {
                title: title.clone(),
                kind: Some(CodeActionKind::EMPTY),
                command: Some(Command {
                    title,
                    command: command.to_string(),
                    arguments: Some(vec![argument]),
                }),
                ..Default::default()
            })
        };
        guarded("codeAction", || {
            let parsed = &doc.parsed;
            let offset = parsed.offset(convert::line_col(params.range.start), encoding);
            let Some(expl) = analysis::explain_at(parsed, offset) else {
                return Vec::new();
            };
            let k = crate::knowledge::knowledge();
            let Some(note) = k.note(&expl.note, lang) else {
                return Vec::new();
            };
            let section = note.section.to_string();
            let open = action(
                format!("📖 §{section} {}", note.title),
                OPEN_NOTE_COMMAND,
                serde_json::json!({"note": note.id, "section": section, "lang": lang.code()}),
            );
            let (key, command) = if self.is_learned(&note.id) {
                ("ui.unmark-learned", UNMARK_LEARNED_COMMAND)
            } else {
                ("ui.mark-learned", MARK_LEARNED_COMMAND)
            };
            let args = [("section".to_string(), section.clone())];
            let title = k
                .fill(lang, key, &args)
                .unwrap_or_else(|| format!("{command} §{section}"));
            let learn = action(
                title,
                command,
                serde_json::json!({"note": note.id, "section": section}),
            );
            vec![open, learn]
        })
    }

    /// `pyexplain.markLearned` / `pyexplain.unmarkLearned`: the argument is
    /// `{"note": id}` or a bare id or section; `unmarkLearned` without one
    /// forgets every mark. The change applies at once; saving it is reported
    /// if it fails. Answers `{"learned": [ids]}`.
    async fn set_learned(&self, args: &[Value], mark: bool) -> Result<Option<Value>> {
        let key = args
            .first()
            .filter(|a| !a.is_null())
            .map(|a| a.get("note").unwrap_or(a).as_str().unwrap_or_default());
        let note_id = match key {
            Some(key) => match crate::knowledge::knowledge().note(key, Lang::En) {
                Some(note) => Some(note.id.clone()),
                None => return Err(Error::invalid_params(format!("no note `{key}`"))),
            },
            None if mark => {
                return Err(Error::invalid_params(format!(
                    "{MARK_LEARNED_COMMAND} needs a note id or section"
                )))
            }
            None => None,
        };
        let mut snapshot = learned::Learned::default();
        let mut path = None;
        let mut lang = Lang::En;
        self.state_mut(|s| {
            match &note_id {
                Some(id) if mark => {
                    s.learned.mark(id);
                }
                Some(id) => {
                    s.learned.unmark(id);
                }
                None => s.learned.clear(),
            }
            snapshot = s.learned.clone();
            path = s.learned_path.clone();
            lang = s.lang();
        });
        let k = crate::knowledge::knowledge();
        let saved = match &path {
            Some(path) => learned::save(path, &snapshot)
                .map_err(|e| (path.display().to_string(), e.to_string())),
            None => Err((
                "$XDG_DATA_HOME/pyexplain".to_string(),
                "no data directory".to_string(),
            )),
        };
        if let Err((path, error)) = saved {
            let args = [("path".to_string(), path), ("error".to_string(), error)];
            let msg = k
                .fill(lang, "ui.learned-save-failed", &args)
                .unwrap_or_default();
            self.client.show_message(MessageType::ERROR, msg).await;
        } else if note_id.is_none() {
            self.client
                .show_message(MessageType::INFO, k.ui(lang, "ui.learned-reset"))
                .await;
        }
        let ids: Vec<&str> = snapshot.ids().collect();
        Ok(Some(serde_json::json!({"learned": ids})))
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
    struct NoSide;
    impl transport::Side for NoSide {
        fn take(&self, _: &tower_lsp_server::jsonrpc::Request) -> bool {
            false
        }
        fn cancel(&self, _: &tower_lsp_server::jsonrpc::Id) {}
    }
    let input = tokio::spawn(transport::pump_input(
        tokio::io::stdin(),
        proxy_in,
        errors_tx,
        exit.clone(),
        Arc::new(NoSide),
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

    #[test]
    fn inlay_hints_are_off_until_enabled_in_either_shape() {
        let mut s = Settings::default();
        assert!(!s.inlay_hints);
        s.update(&serde_json::json!({"pyexplain": {"inlayHints": {"enable": true}}}));
        assert!(s.inlay_hints);
        s.update(&serde_json::json!({"inlayHints.enable": false}));
        assert!(!s.inlay_hints);
        s.update(&serde_json::json!({"inlayHints": {"enable": "yes"}, "language": "en"}));
        assert!(!s.inlay_hints, "a wrong type changes nothing");
    }
}
