//! Notebook sync (LSP 3.17): `notebookDocument/didOpen`, `didChange`,
//! `didSave`, `didClose`. The Python code cells are analysed together as
//! one module, kept as the notebook URI's document; diagnostics are
//! published per cell URI, with the cell's version.

use tower_lsp_server::ls_types::*;

use super::super::budget::{self, Outcome};
use super::super::notebooks::Synced;
use super::super::{diagnostics, Backend};

impl Backend {
    pub(in crate::server) async fn on_notebook_did_open(
        &self,
        params: DidOpenNotebookDocumentParams,
    ) {
        let uri = params.notebook_document.uri.clone();
        let synced = self.notebooks.open(params);
        self.notebook_synced(uri, synced).await;
    }

    pub(in crate::server) async fn on_notebook_did_change(
        &self,
        params: DidChangeNotebookDocumentParams,
    ) {
        let uri = params.notebook_document.uri.clone();
        let encoding = self.state(|s| s.encoding);
        let synced = self.notebooks.change(params, encoding);
        self.notebook_synced(uri, synced).await;
    }

    pub(in crate::server) async fn on_notebook_did_close(
        &self,
        params: DidCloseNotebookDocumentParams,
    ) {
        let uri = params.notebook_document.uri;
        let cells = self.notebooks.close(&uri);
        self.docs.close(&uri);
        for cell in cells {
            self.client
                .publish_diagnostics(cell, Vec::new(), None)
                .await;
        }
    }

    /// The notebook's module text is its document's new version; then its
    /// cells' diagnostics are published.
    async fn notebook_synced(&self, uri: Uri, synced: Synced) {
        for why in synced.ignored {
            self.client
                .log_message(
                    MessageType::WARNING,
                    format!("pyexplain: notebookDocument/didChange: {why}"),
                )
                .await;
        }
        for cell in synced.dropped {
            self.client
                .publish_diagnostics(cell, Vec::new(), None)
                .await;
        }
        let Some((version, text)) = synced.text else {
            return;
        };
        let limit = self.state(|s| s.settings.max_file_size);
        if let Some(off) = self.docs.open(uri.clone(), version, text, limit) {
            self.say_off(&uri, off).await;
        }
        self.publish_notebook(uri).await;
    }

    /// Publishes each Python code cell's diagnostics (the findings that
    /// start in it, none in its magics). Past the time budget they are
    /// published when ready, if the notebook has not changed since.
    pub(in crate::server) async fn publish_notebook(&self, uri: Uri) {
        let Some(doc) = self.docs.get(&uri) else {
            return;
        };
        let cells = self.notebooks.cells(&uri);
        if doc.off.is_some() {
            for (cell, version, _) in cells {
                self.client
                    .publish_diagnostics(cell, Vec::new(), Some(version))
                    .await;
            }
            return;
        }
        let selection = self.selection(&uri).await;
        super::warm_up().await;
        let (encoding, lang, budget) =
            self.state(|s| (s.encoding, s.lang(), s.settings.time_budget));
        let job_doc = doc.clone();
        let outcome = budget::within(budget, move || {
            cells
                .into_iter()
                .map(|(cell, version, view)| {
                    let diags = diagnostics::to_lsp(&job_doc, &selection, encoding, lang, &view);
                    (cell, version, diags)
                })
                .collect::<Vec<_>>()
        })
        .await;
        match outcome {
            Outcome::Done(per_cell) => {
                for (cell, version, diags) in per_cell {
                    self.client
                        .publish_diagnostics(cell, diags, Some(version))
                        .await;
                }
            }
            Outcome::Panicked(msg) => {
                super::super::log_stderr(&format!("pyexplain: diagnostics failed: {msg}"));
            }
            Outcome::OverBudget(handle) => {
                super::log_diagnostics_over_budget(self, &uri, budget).await;
                let client = self.client.clone();
                let version = doc.version;
                let current = self.docs.clone();
                tokio::spawn(async move {
                    if let Ok(Some(per_cell)) = handle.await {
                        if current.get(&uri).map(|d| d.version) == Some(version) {
                            for (cell, cell_version, diags) in per_cell {
                                client
                                    .publish_diagnostics(cell, diags, Some(cell_version))
                                    .await;
                            }
                        }
                    }
                });
            }
        }
    }
}

impl Backend {
    /// What a request on `uri` reads: a file's own document, or for a
    /// notebook cell its notebook's module seen through the cell (`None`
    /// for a cell that is not Python code, or an unknown document); with
    /// the URI whose `pyproject.toml` applies.
    pub(in crate::server) fn resolve(
        &self,
        uri: &Uri,
    ) -> Option<(
        std::sync::Arc<super::super::documents::Document>,
        super::super::notebooks::View,
        Uri,
    )> {
        if let Some((notebook, view)) = self.notebooks.cell(uri) {
            let doc = self.docs.get(&notebook)?;
            return Some((doc, view?, notebook));
        }
        let doc = self.docs.get(uri)?;
        Some((doc, super::super::notebooks::View::File, uri.clone()))
    }
}
