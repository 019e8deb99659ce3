//! The LSP server: a thin layer over the analysis core. The only module that
//! knows LSP types; positions are converted in [`convert`].
//!
//! Invariants (DESIGN.md §7–9): handlers run one at a time
//! (`concurrency_level(1)`), so every notification is applied before the next
//! request is read; documents are versioned and stale changes ignored;
//! analysis runs under `catch_unwind`, so a bug answers one request with an
//! error instead of ending the server.

mod convert;
mod documents;

use std::panic::{catch_unwind, AssertUnwindSafe};
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
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            language: None,
            hover_enable: true,
            verbosity: Verbosity::Full,
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
    }
}

#[derive(Debug)]
struct State {
    encoding: Encoding,
    /// The language the client's `locale` or the environment names.
    default_lang: Lang,
    settings: Settings,
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
    state: RwLock<State>,
    shutdown: Arc<AtomicBool>,
}

impl Backend {
    fn new(client: Client, shutdown: Arc<AtomicBool>) -> Backend {
        Backend {
            client,
            docs: Documents::default(),
            state: RwLock::new(State {
                encoding: Encoding::Utf16,
                default_lang: Lang::from_env().unwrap_or(Lang::En),
                settings: Settings::default(),
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
        self.state_mut(|s| {
            s.encoding = encoding;
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
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "pyexplain".into(),
                version: Some(crate::version_string().to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {}

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let _ = guarded("didOpen", || self.docs.open(doc.uri, doc.version, doc.text));
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let encoding = self.state(|s| s.encoding);
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let outcome = guarded("didChange", || {
            self.docs
                .change(&uri, version, &params.content_changes, encoding)
        });
        if let Ok(Err(why)) = outcome {
            self.client
                .log_message(
                    MessageType::WARNING,
                    format!("pyexplain: didChange ignored: {why}"),
                )
                .await;
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        self.docs.close(&params.text_document.uri);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.state_mut(|s| s.settings.update(&params.settings));
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
        guarded("hover", || {
            let parsed = &doc.parsed;
            let offset = parsed.offset(convert::line_col(pos.position), encoding);
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

/// Serves LSP over stdin/stdout until `exit`; returns the process exit code
/// (0 after `shutdown`, 1 otherwise, as the protocol asks).
pub async fn run_stdio() -> i32 {
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = shutdown.clone();
    let (service, socket) = LspService::new(move |client| Backend::new(client, flag));
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
        .concurrency_level(1)
        .serve(service)
        .await;
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
