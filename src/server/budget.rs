//! The time budget of an analysis request: the work runs on tokio's
//! blocking pool and the handler waits for it at most the budget. Past it,
//! the request is answered with "nothing" (and a log line, by the caller)
//! and the message loop moves on; the work itself cannot be interrupted, so
//! it finishes in the background and its result is dropped, or used later
//! (diagnostics are published when they are ready).

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Duration;

use tokio::task::JoinHandle;

/// How an analysis job ended.
pub enum Outcome<R> {
    Done(R),
    /// It panicked: the message.
    Panicked(String),
    /// Still running when the budget ran out; the handle yields its result
    /// (`None` if it panicked).
    OverBudget(JoinHandle<Option<R>>),
}

/// The text of a panic payload.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Runs `job` within `budget`.
pub async fn within<R, F>(budget: Duration, job: F) -> Outcome<R>
where
    R: Send + 'static,
    F: FnOnce() -> R + Send + 'static,
{
    let (tx, rx) = tokio::sync::oneshot::channel();
    let handle = tokio::task::spawn_blocking(move || {
        match catch_unwind(AssertUnwindSafe(job)) {
            Ok(r) => {
                // The waiter may be gone (over budget): the result then
                // goes to whoever awaits the handle.
                let _ = tx.send(Ok(()));
                Some(r)
            }
            Err(panic) => {
                let _ = tx.send(Err(panic_message(panic.as_ref())));
                None
            }
        }
    });
    match tokio::time::timeout(budget, rx).await {
        Ok(Ok(Ok(()))) => match handle.await {
            Ok(Some(r)) => Outcome::Done(r),
            Ok(None) => Outcome::Panicked(String::new()),
            Err(e) => Outcome::Panicked(e.to_string()),
        },
        Ok(Ok(Err(msg))) => Outcome::Panicked(msg),
        Ok(Err(_)) => Outcome::Panicked("the analysis task ended".into()),
        Err(_) => Outcome::OverBudget(handle),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn done_within_the_budget() {
        match within(Duration::from_secs(60), || 6 * 7).await {
            Outcome::Done(v) => assert_eq!(v, 42),
            _ => panic!("expected Done"),
        }
    }

    #[tokio::test]
    async fn a_panic_is_reported_not_propagated() {
        match within(Duration::from_secs(60), || -> u8 { panic!("boom") }).await {
            Outcome::Panicked(msg) => assert!(msg.contains("boom"), "{msg}"),
            _ => panic!("expected Panicked"),
        }
    }

    /// A job that cannot finish before the budget has run out (it waits for
    /// a release that comes only afterwards): the caller gets OverBudget
    /// and can still collect the result later.
    #[tokio::test]
    async fn over_budget_answers_at_once_and_the_result_comes_later() {
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let outcome = within(Duration::from_millis(1), move || {
            let _ = wait.recv();
            "late"
        })
        .await;
        let Outcome::OverBudget(handle) = outcome else {
            panic!("expected OverBudget");
        };
        release.send(()).unwrap();
        assert_eq!(handle.await.unwrap(), Some("late"));
    }
}
