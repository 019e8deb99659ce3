//! `initialize` and `initialized`: capabilities, settings, learned marks,
//! the `pyproject.toml` watcher.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::super::commands::{self, course_map};
use super::super::settings::Settings;
use super::super::{convert, learned, Backend, Phase};
use crate::analysis::Encoding;
use crate::knowledge::Lang;

impl Backend {
    pub(in crate::server) async fn on_initialize(
        &self,
        params: InitializeParams,
    ) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let offers_utf8 = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|encs| encs.contains(&PositionEncodingKind::UTF8));
        let encoding = if offers_utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let show_document = caps
            .window
            .as_ref()
            .and_then(|w| w.show_document.as_ref())
            .is_some_and(|c| c.support);
        let workspace = caps.workspace.as_ref();
        let inlay_hint_refresh = workspace
            .and_then(|w| w.inlay_hint.as_ref())
            .and_then(|h| h.refresh_support)
            .unwrap_or(false);
        let watch_files = workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        // The learned notes: read once, here (kept aside if unreadable).
        let learned_path = learned::default_path();
        let (learned, problem) = learned::load_reporting(learned_path.as_deref());
        if let Some((typ, msg)) = problem {
            self.client.log_message(typ, msg).await;
        }
        let (settings, problems) = Settings::from_client(
            params
                .initialization_options
                .as_ref()
                .unwrap_or(&serde_json::Value::Null),
        );
        let roots = course_map::roots(&params);
        // The workspace folders are the project's import roots (the
        // modules themselves are read only when a file imports them).
        for root in &roots {
            self.docs.project().add_folder(root);
        }
        self.state_mut(|s| {
            s.phase = Phase::Running;
            s.roots = roots;
            s.encoding = encoding;
            s.show_document = show_document;
            s.inlay_hint_refresh = inlay_hint_refresh;
            s.watch_files = watch_files;
            s.learned = learned;
            s.learned_path = learned_path;
            if let Some(lang) = params.locale.as_deref().and_then(Lang::parse) {
                s.default_lang = lang;
            }
            s.settings = settings;
        });
        self.report_setting_problems(problems).await;
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(convert::encoding_kind(encoding)),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        // The fallback for clients that cannot watch files:
                        // a saved pyproject.toml is read again.
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            commands::NOTE_ACTION_KIND,
                        ]),
                        ..Default::default()
                    },
                )),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: commands::ALL.iter().map(|c| c.to_string()).collect(),
                    ..Default::default()
                }),
                inlay_hint_provider: Some(OneOf::Left(true)),
                // Jupyter notebooks: their Python cells, analysed together.
                notebook_document_sync: Some(OneOf::Left(NotebookDocumentSyncOptions {
                    notebook_selector: vec![NotebookSelector::ByNotebook {
                        notebook: Notebook::String("jupyter-notebook".into()),
                        cells: Some(vec![NotebookCellSelector {
                            language: "python".into(),
                        }]),
                    }],
                    save: Some(false),
                })),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "pyexplain".into(),
                version: Some(crate::version_string().to_string()),
            }),
            offset_encoding: None,
        })
    }

    pub(in crate::server) async fn on_initialized(&self) {
        // Parse the notes and compile the triggers off the request path, so
        // the first hover does not pay for it (`initialize` stays instant).
        self.compile_notes();
        if self.state(|s| s.watch_files) {
            // Ask to hear of pyproject.toml changes; not awaited (a client
            // that never answers must not hold the message loop).
            let client = self.client.clone();
            tokio::spawn(async move {
                let options = DidChangeWatchedFilesRegistrationOptions {
                    watchers: vec![
                        FileSystemWatcher {
                            glob_pattern: GlobPattern::String("**/pyproject.toml".into()),
                            kind: None,
                        },
                        FileSystemWatcher {
                            glob_pattern: GlobPattern::String("**/*.py".into()),
                            kind: None,
                        },
                    ],
                };
                let registration = Registration {
                    id: "pyexplain-pyproject".into(),
                    method: "workspace/didChangeWatchedFiles".into(),
                    register_options: serde_json::to_value(options).ok(),
                };
                let answer = tokio::time::timeout(
                    commands::CLIENT_TIMEOUT,
                    client.register_capability(vec![registration]),
                )
                .await;
                if !matches!(answer, Ok(Ok(()))) {
                    client
                        .log_message(
                            MessageType::LOG,
                            "pyexplain: the client did not register the pyproject.toml watcher; saving it in the editor re-reads it",
                        )
                        .await;
                }
            });
        }
    }

    /// One message per bad setting, when the settings arrive (never per
    /// request).
    pub(in crate::server) async fn report_setting_problems(&self, problems: Vec<String>) {
        for p in problems {
            self.client
                .show_message(MessageType::WARNING, format!("pyexplain: {p}"))
                .await;
        }
    }
}
