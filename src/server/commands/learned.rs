//! `pyexplain.markLearned` / `pyexplain.unmarkLearned`: the argument names a
//! note (id or section); `unmarkLearned` without one forgets every mark.
//! The change is merged into the file (other windows' marks are kept) and
//! applies at once; a failure to save is said, the mark still applies
//! until the server stops. Answers `{"learned": [ids]}`.

use crate::analysis::args::{Args, Key};
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::MessageType;

use super::super::{learned, Backend};
use super::NoteArgument;
use crate::knowledge::{knowledge, Lang};

impl Backend {
    pub(super) async fn set_learned(
        &self,
        arg: Option<NoteArgument>,
        mark: bool,
    ) -> Result<Option<Value>> {
        let note_id = match &arg {
            Some(arg) => match knowledge().note_by_key(arg.key(), Lang::En) {
                Some(note) => Some(note.id.clone()),
                None => return Err(Error::invalid_params(format!("no note `{}`", arg.key()))),
            },
            None => None,
        };
        let change = |l: &mut learned::Learned| match &note_id {
            Some(id) if mark => {
                l.mark(id.as_str());
            }
            Some(id) => {
                l.unmark(id.as_str());
            }
            None => l.clear(),
        };
        let (path, lang) = self.state(|s| (s.learned_path.clone(), s.lang()));
        let k = knowledge();
        let saved = match &path {
            Some(path) => learned::update(path, change)
                .map_err(|e| (path.display().to_string(), e.to_string())),
            None => Err((
                format!("$XDG_DATA_HOME/pyexplain/{}", learned::FILE_NAME),
                "no data directory".to_string(),
            )),
        };
        let snapshot = match saved {
            Ok(updated) => {
                if let Some((aside, why)) = &updated.kept_aside {
                    self.client
                        .show_message(
                            MessageType::WARNING,
                            format!(
                                "pyexplain: the learned-sections file could not be read ({why}); it was kept as {} and a new one started",
                                aside.display()
                            ),
                        )
                        .await;
                }
                if note_id.is_none() {
                    self.client
                        .show_message(MessageType::INFO, k.ui(lang, "ui.learned-reset"))
                        .await;
                }
                self.state_mut(|s| {
                    s.learned = updated.learned.clone();
                });
                updated.learned
            }
            Err((path, error)) => {
                // Not saved: the change applies to this session.
                let snapshot = self.state_mut(|s| {
                    change(&mut s.learned);
                    s.learned.clone()
                });
                let args = Args::new().with(Key::Path, path).with(Key::Error, error);
                let msg =
                    crate::render::fill(lang, "ui.learned-save-failed", &args).unwrap_or_default();
                self.client.show_message(MessageType::ERROR, msg).await;
                snapshot
            }
        };
        let ids: Vec<&str> = snapshot.ids().collect();
        Ok(Some(serde_json::json!({"learned": ids})))
    }
}
