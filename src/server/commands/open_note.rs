//! `pyexplain.openNote`: writes the note's chapter under the cache directory
//! and asks the client to show it with the note's heading selected (without
//! waiting for the answer). The result (`{uri, line, path}`) lets an editor
//! plugin open it itself.

use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::super::{note_files, Backend};
use super::{show_later, NoteArgument};
use crate::knowledge::knowledge;

impl Backend {
    pub(super) async fn open_note(&self, arg: Option<NoteArgument>) -> Result<Option<Value>> {
        let key = arg.as_ref().map(NoteArgument::key).unwrap_or_default();
        let (default_lang, can_show) = self.state(|s| (s.lang(), s.show_document));
        let lang = arg
            .as_ref()
            .and_then(NoteArgument::lang)
            .unwrap_or(default_lang);
        let Some(note) = knowledge().note_by_key(key, lang) else {
            return Err(Error::invalid_params(format!("no note `{key}`")));
        };
        let path = note_files::note_path(note)
            .and_then(|path| {
                // Written once per process; rewrite if the cache was cleared since.
                if path.is_file() {
                    Ok(path)
                } else {
                    note_files::cache_dir()
                        .and_then(|dir| note_files::materialize(&dir).map_err(|e| e.to_string()))
                        .map(|()| path)
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
        let heading_len = knowledge()
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
        show_later(
            &self.client,
            can_show,
            uri,
            Some(selection),
            format!("§{} {}: {}", note.section, note.title, path.display()),
        );
        Ok(Some(result))
    }
}
