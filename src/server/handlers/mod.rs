//! The LSP methods, one file per concern. Each is an `impl Backend` block
//! that `server/mod.rs` routes to.

mod code_action;
mod hover;
mod inlay_hint;
mod lifecycle;
mod notebook;
mod sync;

pub(super) use sync::Pending;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use std::time::Duration;

use tower_lsp_server::ls_types::{MessageType, Uri};

use super::budget::{self, Outcome};
use super::documents::Document;
use super::{internal_error, Backend};

impl Backend {
    /// Runs an analysis `job` on `doc` within the time budget. Past the
    /// budget the answer is `Ok(None)` ("nothing") and a log line; while
    /// that job still runs, further requests on the same version answer
    /// nothing at once instead of piling up behind it. A panic is an
    /// internal error for this request only.
    pub(super) async fn analyse<R, F>(
        &self,
        what: &str,
        doc: &Arc<Document>,
        job: F,
    ) -> tower_lsp_server::jsonrpc::Result<Option<R>>
    where
        R: Send + 'static,
        F: FnOnce() -> R + Send + 'static,
    {
        if doc.overrun.load(Ordering::SeqCst) {
            return Ok(None);
        }
        warm_up().await;
        let budget = self.state(|s| s.settings.time_budget);
        match budget::within(budget, job).await {
            Outcome::Done(r) => Ok(Some(r)),
            Outcome::Panicked(msg) => Err(internal_error(what, &msg)),
            Outcome::OverBudget(handle) => {
                doc.overrun.store(true, Ordering::SeqCst);
                let msg = format!(
                    "pyexplain: {what} took longer than {} ms (setting `timeBudgetMs`): answered nothing",
                    budget.as_millis()
                );
                log_stderr_and_client(self, &msg).await;
                let doc = doc.clone();
                tokio::spawn(async move {
                    let _ = handle.await;
                    doc.overrun.store(false, Ordering::SeqCst);
                });
                Ok(None)
            }
        }
    }
}

/// Parses the notes once, outside any request's budget: that one-time cost
/// is not the analysis of the request (a few milliseconds; diagnostics and
/// hovers need the notes' texts).
pub(super) async fn warm_up() {
    static READY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if READY.load(Ordering::Acquire) {
        return;
    }
    let _ = tokio::task::spawn_blocking(|| {
        let _ = std::panic::catch_unwind(crate::knowledge::knowledge);
    })
    .await;
    READY.store(true, Ordering::Release);
}

impl Backend {
    /// Whether the notes' triggers are compiled. They compile once in the
    /// background (about half a second of tree-sitter's query analysis),
    /// started at `initialized` or else by the first request that needs
    /// them; until then requests answer at once from what is ready (a
    /// finding's hover, quick fixes) rather than wait.
    pub(super) fn notes_ready(&self) -> bool {
        if crate::analysis::triggers::compiled() {
            return true;
        }
        self.compile_notes();
        false
    }

    /// Starts compiling the notes' triggers in the background (once per
    /// process), and building the stub models every analysis reaches; when
    /// the triggers are done, one line in the client's log says so (clients
    /// and tests that must see the notes wait for it).
    pub(super) fn compile_notes(&self) {
        static STARTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
        if STARTED.swap(true, Ordering::SeqCst) {
            return;
        }
        let client = self.client.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            // The stub models every analysis reaches, on the other core.
            tokio::task::spawn_blocking(|| {
                let _ = std::panic::catch_unwind(crate::analysis::semantic::stubs::warm);
            });
            let compiled = tokio::task::spawn_blocking(|| {
                std::panic::catch_unwind(|| {
                    let _ = crate::knowledge::knowledge();
                    crate::analysis::triggers::triggers()
                        .map(|t| t.patterns.len())
                        .map_err(str::to_string)
                })
            })
            .await;
            let (kind, msg) = match compiled {
                Ok(Ok(Ok(n))) => (
                    MessageType::LOG,
                    format!(
                        "{NOTES_READY} ({n} trigger patterns compiled in {} ms)",
                        started.elapsed().as_millis()
                    ),
                ),
                Ok(Ok(Err(e))) => (MessageType::ERROR, format!("pyexplain: triggers: {e}")),
                _ => (
                    MessageType::ERROR,
                    "pyexplain: compiling the triggers panicked".to_string(),
                ),
            };
            client.log_message(kind, msg).await;
        });
    }
}

/// The start of the log line sent once the notes' triggers are compiled.
pub const NOTES_READY: &str = "pyexplain: notes ready";

/// Says (stderr and the client's log) that the diagnostics of `uri` ran
/// past the time budget and will be published when ready.
async fn log_diagnostics_over_budget(backend: &Backend, uri: &Uri, budget: Duration) {
    let msg = format!(
        "pyexplain: diagnostics of {} took longer than {} ms (setting `timeBudgetMs`): published when ready",
        uri.as_str(),
        budget.as_millis()
    );
    log_stderr_and_client(backend, &msg).await;
}

async fn log_stderr_and_client(backend: &Backend, msg: &str) {
    super::log_stderr(msg);
    backend
        .client
        .log_message(MessageType::WARNING, msg.to_string())
        .await;
}
