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

/// Parses the notes and compiles the triggers once, outside any request's
/// budget: that one-time cost is not the analysis of the request.
pub(super) async fn warm_up() {
    static READY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if READY.load(Ordering::Acquire) {
        return;
    }
    let _ = tokio::task::spawn_blocking(|| {
        let _ = std::panic::catch_unwind(|| {
            let _ = crate::knowledge::knowledge();
            let _ = crate::analysis::triggers::triggers();
        });
    })
    .await;
    READY.store(true, Ordering::Release);
}

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
