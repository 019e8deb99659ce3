//! Document sync and configuration: `didOpen`, `didChange`, `didSave`,
//! `didChangeConfiguration`, `didChangeWatchedFiles`; publishing
//! diagnostics within the time budget.

use std::collections::HashMap;
use std::sync::Arc;

use crate::analysis::args::{Args, Key};
use tower_lsp_server::ls_types::*;

use super::super::budget::{self, Outcome};
use super::super::documents::{Changed, Off};
use super::super::settings::Settings;
use super::super::{diagnostics, Backend};
use crate::knowledge::Lang;

/// Whether `uri` names a `pyproject.toml`.
fn is_pyproject(uri: &Uri) -> bool {
    uri.path().as_str().ends_with("/pyproject.toml")
}

impl Backend {
    pub(in crate::server) async fn on_did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let uri = doc.uri.clone();
        let limit = self.state(|s| s.settings.max_file_size);
        let off = self.docs.open(doc.uri, doc.version, doc.text, limit);
        if let Some(off) = off {
            self.say_off(&uri, off).await;
        }
        self.publish(uri).await;
    }

    pub(in crate::server) async fn on_did_change(&self, params: DidChangeTextDocumentParams) {
        let (encoding, limit) = self.state(|s| (s.encoding, s.settings.max_file_size));
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        match self
            .docs
            .change(&uri, version, &params.content_changes, encoding, limit)
        {
            Changed::Ignored(why, now_out_of_sync) => {
                self.client
                    .log_message(
                        MessageType::WARNING,
                        format!("pyexplain: didChange ignored: {why}"),
                    )
                    .await;
                if now_out_of_sync {
                    let was = self.docs.get(&uri).map(|d| d.off);
                    // Said once: when it goes out of sync, not on every
                    // change after that.
                    if !why.contains("is out of sync") {
                        self.say_off(&uri, Off::OutOfSync).await;
                    }
                    if was.is_some() {
                        let _published = self.publish_lock.lock().await;
                        self.client.publish_diagnostics(uri, Vec::new(), None).await;
                    }
                }
            }
            Changed::Applied { off, was } => {
                // Say so when a document crosses the size limit.
                if let Some(off) =
                    off.filter(|o| !matches!((was, o), (Some(Off::TooLarge(_)), Off::TooLarge(_))))
                {
                    self.say_off(&uri, off).await;
                }
                self.publish(uri).await;
            }
        }
    }

    /// The one clear message for a document that gets no analysis.
    pub(in crate::server) async fn say_off(&self, uri: &Uri, off: Off) {
        let lang = self.state(|s| s.lang());
        let limit = self.state(|s| s.settings.max_file_size);
        let path = uri
            .to_file_path()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| uri.as_str().to_string());
        let mb = |n: u64| format!("{:.1}", n as f64 / (1024.0 * 1024.0));
        let message = match off {
            Off::TooLarge(size) => crate::render::fill(
                lang,
                "ui.file-too-large",
                &Args::new()
                    .with(Key::Path, path)
                    .with(Key::Size, mb(size))
                    .with(Key::Limit, mb(limit)),
            ),
            Off::OutOfSync => {
                crate::render::fill(lang, "ui.out-of-sync", &Args::new().with(Key::Path, path))
            }
        };
        if let Some(message) = message {
            self.client
                .show_message(MessageType::WARNING, message)
                .await;
        }
    }

    pub(in crate::server) async fn on_did_save(&self, params: DidSaveTextDocumentParams) {
        if is_pyproject(&params.text_document.uri) {
            self.reload_configs().await;
        }
    }

    /// A Python file changed outside the editor: the modules built from it
    /// are forgotten (an open document's text keeps winning).
    fn python_files_changed(&self, params: &DidChangeWatchedFilesParams) {
        for change in &params.changes {
            if change.uri.path().as_str().ends_with(".py") {
                if let Some(path) = change.uri.to_file_path() {
                    self.docs.project().changed(&path);
                }
            }
        }
    }

    pub(in crate::server) async fn on_did_change_watched_files(
        &self,
        params: DidChangeWatchedFilesParams,
    ) {
        self.python_files_changed(&params);
        if params.changes.iter().any(|c| is_pyproject(&c.uri)) {
            self.reload_configs().await;
        }
    }

    /// pyproject.toml changed: read the configurations again and re-publish.
    async fn reload_configs(&self) {
        self.configs.clear();
        self.republish_all().await;
    }

    async fn republish_all(&self) {
        for (uri, _) in self.docs.all() {
            self.publish(uri).await;
        }
    }

    pub(in crate::server) async fn on_did_change_configuration(
        &self,
        params: DidChangeConfigurationParams,
    ) {
        // `null` is the pull model's "something changed", and `{}` is what
        // clients with no settings for us send (eglot after `initialize`,
        // when `eglot-workspace-configuration` is unset): nothing to apply,
        // so what `initializationOptions` said stays in force. Any other
        // object replaces the settings wholesale.
        if params.settings.is_null() || params.settings.as_object().is_some_and(|o| o.is_empty()) {
            return;
        }
        let (settings, problems) = Settings::from_client(&params.settings);
        let hints = |s: &Settings, default: Lang| (s.inlay_hints, s.lang(default));
        let (before, after, refresh, limit_changed) = self.state_mut(|s| {
            let before = hints(&s.settings, s.default_lang);
            let limit_changed = s.settings.max_file_size != settings.max_file_size;
            s.settings = settings;
            let after = hints(&s.settings, s.default_lang);
            (before, after, s.inlay_hint_refresh, limit_changed)
        });
        self.report_setting_problems(problems).await;
        if limit_changed {
            let limit = self.state(|s| s.settings.max_file_size);
            self.docs.relimit(limit);
        }
        // Hints turned on or off, or shown in another language: ask the
        // client to fetch them again (without waiting for its answer).
        if refresh && before != after && (before.0 || after.0) {
            let client = self.client.clone();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(
                    super::super::commands::CLIENT_TIMEOUT,
                    client.inlay_hint_refresh(),
                )
                .await;
            });
        }
        self.configs.clear();
        self.republish_all().await;
    }

    /// The rule selection for a document: the client's settings, else its
    /// pyproject.toml (whose error, if any, is shown once).
    pub(in crate::server) async fn selection(
        &self,
        uri: &Uri,
    ) -> crate::analysis::rules::Selection {
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
        selection
    }

    /// Asks for the diagnostics of the document's current version, without
    /// waiting for them: the handler returns at once, so the next message
    /// (a hover) is served while they are computed. One job per document
    /// runs at a time; a request arriving while it runs makes it run once
    /// more when it ends, on the version current then, so a burst of
    /// changes costs one analysis of the latest version, not one per change.
    /// (A notebook's cells are published as before, awaited.)
    pub(in crate::server) async fn publish(&self, uri: Uri) {
        if self.notebooks.is_notebook(&uri) {
            return self.publish_notebook(uri).await;
        }
        if !self.pending.request(&uri) {
            return;
        }
        let backend = self.clone();
        tokio::spawn(async move {
            loop {
                backend.publish_now(&uri).await;
                if !backend.pending.again(&uri) {
                    break;
                }
            }
        });
    }

    /// Computes and publishes the diagnostics of the document as it is now;
    /// they are dropped if the document changed (or closed) meanwhile. Past
    /// the time budget a line is logged and they are published when ready.
    async fn publish_now(&self, uri: &Uri) {
        let Some(doc) = self.docs.get(uri) else {
            return;
        };
        let diags = if doc.off.is_some() {
            Vec::new()
        } else {
            let selection = self.selection(uri).await;
            super::warm_up().await;
            let (encoding, lang, budget) =
                self.state(|s| (s.encoding, s.lang(), s.settings.time_budget));
            let job_doc = doc.clone();
            let outcome = budget::within(budget, move || {
                diagnostics::to_lsp(
                    &job_doc,
                    &selection,
                    encoding,
                    lang,
                    &super::super::notebooks::View::File,
                )
            })
            .await;
            match outcome {
                Outcome::Done(diags) => diags,
                Outcome::Panicked(msg) => {
                    super::super::log_stderr(&format!("pyexplain: diagnostics failed: {msg}"));
                    return;
                }
                Outcome::OverBudget(handle) => {
                    super::log_diagnostics_over_budget(self, uri, budget).await;
                    match handle.await {
                        Ok(Some(diags)) => diags,
                        _ => return,
                    }
                }
            }
        };
        // Under the lock that `didClose` and an out-of-sync change take to
        // publish their empty lists: a result for a document replaced
        // meanwhile is never published after them.
        let _published = self.publish_lock.lock().await;
        if self.docs.get(uri).is_some_and(|d| Arc::ptr_eq(&d, &doc)) {
            self.client
                .publish_diagnostics(uri.clone(), diags, Some(doc.version))
                .await;
        }
    }
}

/// The documents whose diagnostics job is running, and whether it must run
/// again when it ends.
#[derive(Debug, Default)]
pub struct Pending {
    running: std::sync::Mutex<HashMap<Uri, bool>>,
}

impl Pending {
    fn with<R>(&self, f: impl FnOnce(&mut HashMap<Uri, bool>) -> R) -> R {
        match self.running.lock() {
            Ok(mut m) => f(&mut m),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// A job is wanted for `uri`: `true` when the caller must start it,
    /// `false` when the running one will run again instead.
    fn request(&self, uri: &Uri) -> bool {
        self.with(|m| match m.get_mut(uri) {
            Some(again) => {
                *again = true;
                false
            }
            None => {
                m.insert(uri.clone(), false);
                true
            }
        })
    }

    /// The running job for `uri` ended one pass: `true` when it must run
    /// again (a request came meanwhile); otherwise it is gone.
    fn again(&self, uri: &Uri) -> bool {
        self.with(|m| match m.get_mut(uri) {
            Some(again) if *again => {
                *again = false;
                true
            }
            _ => {
                m.remove(uri);
                false
            }
        })
    }
}
