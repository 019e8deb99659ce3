//! The LSP server: a thin layer over the analysis core. The only module that
//! knows LSP types; positions are converted in [`convert`].
//!
//! This file holds the state and routes each LSP method to its handler in
//! `handlers/` (document sync, hover, code actions, inlay hints, lifecycle)
//! or its command in `commands/`. Invariants (ARCHITECTURE.md): handlers run
//! one at a time (`concurrency_level(1)`), so every notification is applied
//! before the next request is read; documents are versioned and stale
//! changes ignored; analysis runs on the blocking pool within a time budget
//! and under `catch_unwind`, so a bug or a pathological file costs one
//! answer, never the session or the message loop. Requests to the client
//! (`window/showDocument`) are never awaited by a handler, and the course
//! map is served beside the ordered loop (`commands::course_map`).

mod budget;
mod commands;
mod convert;
mod diagnostics;
mod documents;
mod handlers;
mod learned;
pub mod note_files;
mod notebooks;
mod settings;
mod transport;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::analysis::Encoding;
use crate::knowledge::Lang;
use documents::Documents;
use settings::Settings;

pub use commands::{
    COURSE_MAP_COMMAND, MARK_LEARNED_COMMAND, NOTES_COMMAND, OPEN_NOTE_COMMAND,
    UNMARK_LEARNED_COMMAND,
};

/// Where the server is in its life: the course map, served outside
/// tower-lsp's router, needs to know.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Phase {
    #[default]
    Starting,
    Running,
    ShutDown,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    encoding: Encoding,
    /// Whether the client handles `window/showDocument`.
    show_document: bool,
    /// Whether the client handles `workspace/inlayHint/refresh`.
    inlay_hint_refresh: bool,
    /// Whether the client lets us register a file watcher.
    watch_files: bool,
    /// The language the client's `locale` or the environment names.
    default_lang: Lang,
    settings: Settings,
    /// The notes marked as learned, and where they are saved (`None`: the
    /// user has no data directory; marks last until the server stops).
    learned: learned::Learned,
    learned_path: Option<PathBuf>,
    /// Where each section's first full hover of this session was shown
    /// (document, construct start): its hovers elsewhere are brief
    /// (`hover.repeat`).
    shown: std::collections::HashMap<crate::analysis::ids::NoteId, (String, usize)>,
    /// The workspace folders (local directories) from `initialize`.
    roots: Vec<PathBuf>,
}

impl State {
    fn lang(&self) -> Lang {
        self.settings.lang(self.default_lang)
    }
}

impl Default for State {
    fn default() -> State {
        State {
            phase: Phase::Starting,
            encoding: Encoding::Utf16,
            show_document: false,
            inlay_hint_refresh: false,
            watch_files: false,
            default_lang: Lang::from_env().unwrap_or(Lang::En),
            settings: Settings::default(),
            learned: learned::Learned::default(),
            learned_path: None,
            shown: std::collections::HashMap::new(),
            roots: Vec::new(),
        }
    }
}

/// What the backend and the side-served course map share.
#[derive(Default)]
struct Shared {
    state: RwLock<State>,
    client: OnceLock<Client>,
}

impl Shared {
    fn state<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        match self.state.read() {
            Ok(s) => f(&s),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    fn state_mut<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        match self.state.write() {
            Ok(mut s) => f(&mut s),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}

/// The language server.
#[derive(Clone)]
pub struct Backend {
    client: Client,
    docs: Arc<Documents>,
    notebooks: Arc<notebooks::Notebooks>,
    configs: Arc<diagnostics::Configs>,
    shared: Arc<Shared>,
    shutdown: Arc<AtomicBool>,
    /// Documents whose diagnostics are being computed in the background.
    pending: Arc<handlers::Pending>,
    /// Held while publishing diagnostics, so that a background result for a
    /// replaced document never lands after the empty list of a `didClose`.
    publish_lock: Arc<tokio::sync::Mutex<()>>,
}

impl Backend {
    fn state<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        self.shared.state(f)
    }

    fn state_mut<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        self.shared.state_mut(f)
    }
}

/// Turns a panic message into an LSP internal error (and a log line).
fn internal_error(what: &str, msg: &str) -> Error {
    log_stderr(&format!("pyexplain: {what} failed: {msg}"));
    let mut err = Error::internal_error();
    err.message = format!("pyexplain: {what} failed: {msg}").into();
    err
}

/// Logs go to stderr: stdout is the protocol.
fn log_stderr(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{msg}");
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        self.on_initialize(params).await
    }

    async fn initialized(&self, _: InitializedParams) {
        self.on_initialized().await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        self.state_mut(|s| s.phase = Phase::ShutDown);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        self.on_did_open(params).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        self.on_did_change(params).await;
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        self.on_did_save(params).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let _published = self.publish_lock.lock().await;
        self.docs.close(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn notebook_did_open(&self, params: DidOpenNotebookDocumentParams) {
        self.on_notebook_did_open(params).await;
    }

    async fn notebook_did_change(&self, params: DidChangeNotebookDocumentParams) {
        self.on_notebook_did_change(params).await;
    }

    async fn notebook_did_save(&self, _: DidSaveNotebookDocumentParams) {}

    async fn notebook_did_close(&self, params: DidCloseNotebookDocumentParams) {
        self.on_notebook_did_close(params).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.on_did_change_configuration(params).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        self.on_did_change_watched_files(params).await;
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.on_code_action(params).await
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        self.on_execute_command(params).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        self.on_hover(params).await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        self.on_inlay_hint(params).await
    }
}

/// Serves LSP over stdin/stdout until `exit`; returns the process exit code
/// (0 after `shutdown`, 1 otherwise, as the protocol asks).
pub async fn run_stdio() -> i32 {
    let shutdown = Arc::new(AtomicBool::new(false));
    let shared = Arc::new(Shared::default());
    let (replies_tx, replies_rx) = tokio::sync::mpsc::channel(64);
    let (service, socket) = {
        let (flag, shared) = (shutdown.clone(), shared.clone());
        LspService::new(move |client| {
            let _ = shared.client.set(client.clone());
            Backend {
                client,
                docs: Arc::new(Documents::default()),
                notebooks: Arc::default(),
                configs: Arc::default(),
                shared,
                shutdown: flag,
                pending: Arc::default(),
                publish_lock: Arc::default(),
            }
        })
    };
    let side = Arc::new(commands::course_map::Side::new(
        shared.clone(),
        replies_tx.clone(),
    ));
    // stdin -> framing proxy -> tower-lsp -> output pump -> stdout.
    let (server_in, proxy_in) = tokio::io::duplex(1 << 20);
    let (proxy_out, server_out) = tokio::io::duplex(1 << 20);
    let exit = Arc::new(tokio::sync::Notify::new());
    let input = tokio::spawn(transport::pump_input(
        tokio::io::stdin(),
        proxy_in,
        replies_tx,
        exit.clone(),
        side,
    ));
    let output = tokio::spawn(transport::pump_output(
        proxy_out,
        replies_rx,
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
