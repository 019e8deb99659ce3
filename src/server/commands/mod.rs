//! `workspace/executeCommand`: one file per command. Arguments are
//! deserialized with serde (a wrong shape is `-32602` with serde's reason).

pub mod course_map;
mod learned;
mod notes;
mod open_note;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::Client;

use super::Backend;
use crate::knowledge::{Lang, Note};

/// The command behind the "open the chapter" code action.
pub const OPEN_NOTE_COMMAND: &str = "pyexplain.openNote";
/// Marks a note as learned (its hovers become brief): `[{"note": id}]`.
pub const MARK_LEARNED_COMMAND: &str = "pyexplain.markLearned";
/// Shows a learned note in full again; without an argument, every note.
pub const UNMARK_LEARNED_COMMAND: &str = "pyexplain.unmarkLearned";
/// The command that maps the workspace's files to the course's sections.
pub const COURSE_MAP_COMMAND: &str = "pyexplain.courseMap";
/// The table of contents: `[{section, id, title, summary}]` in a language.
pub const NOTES_COMMAND: &str = "pyexplain.notes";

/// Every command the server executes.
pub const ALL: [&str; 5] = [
    OPEN_NOTE_COMMAND,
    MARK_LEARNED_COMMAND,
    UNMARK_LEARNED_COMMAND,
    COURSE_MAP_COMMAND,
    NOTES_COMMAND,
];

/// The code action kind of the note actions (open the chapter, mark as
/// learned): not a quick fix, and not a `source.*` action a client runs
/// on save.
pub const NOTE_ACTION_KIND: CodeActionKind = CodeActionKind::new("pyexplain.note");

/// How long the server waits for the client's answer to one of its own
/// requests (`window/showDocument`, registrations) — in a spawned task,
/// never in a handler.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(30);

/// A note named by a command: `"yield-from"`, `"12.6"`, or
/// `{"note": "yield-from", "section": "12.6", "lang": "zh"}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum NoteArgument {
    Key(String),
    Object {
        note: String,
        #[serde(default)]
        section: Option<String>,
        #[serde(default)]
        lang: Option<LangName>,
    },
}

/// A language in a command argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LangName {
    Zh,
    En,
}

impl From<LangName> for Lang {
    fn from(l: LangName) -> Lang {
        match l {
            LangName::Zh => Lang::Zh,
            LangName::En => Lang::En,
        }
    }
}

impl From<Lang> for LangName {
    fn from(l: Lang) -> LangName {
        match l {
            Lang::Zh => LangName::Zh,
            Lang::En => LangName::En,
        }
    }
}

#[derive(Serialize)]
struct NoteArgumentJson<'a> {
    note: &'a str,
    section: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<LangName>,
}

impl NoteArgument {
    /// The argument the code actions send for `note`.
    pub fn for_note(note: &Note, lang: Option<Lang>) -> NoteArgumentFor<'_> {
        NoteArgumentFor { note, lang }
    }

    /// The note id or section.
    pub fn key(&self) -> &str {
        match self {
            NoteArgument::Key(k) => k,
            NoteArgument::Object { note, .. } => note,
        }
    }

    pub fn lang(&self) -> Option<Lang> {
        match self {
            NoteArgument::Object { lang, .. } => lang.map(Lang::from),
            NoteArgument::Key(_) => None,
        }
    }
}

/// A note argument about to be sent.
pub struct NoteArgumentFor<'a> {
    note: &'a Note,
    lang: Option<Lang>,
}

impl NoteArgumentFor<'_> {
    pub fn to_json(&self) -> Value {
        serde_json::to_value(NoteArgumentJson {
            note: self.note.id.as_str(),
            section: self.note.section.to_string(),
            lang: self.lang.map(LangName::from),
        })
        .unwrap_or(Value::Null)
    }
}

/// The first argument as `T` (`None` when there is none or it is `null`).
fn argument<T: serde::de::DeserializeOwned>(command: &str, args: &[Value]) -> Result<Option<T>> {
    match args.first() {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|e| Error::invalid_params(format!("{command}: {e}"))),
    }
}

impl Backend {
    pub(in crate::server) async fn on_execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<Value>> {
        let args = &params.arguments;
        match params.command.as_str() {
            OPEN_NOTE_COMMAND => self.open_note(argument(OPEN_NOTE_COMMAND, args)?).await,
            MARK_LEARNED_COMMAND => {
                let Some(arg) = argument::<NoteArgument>(MARK_LEARNED_COMMAND, args)? else {
                    return Err(Error::invalid_params(format!(
                        "{MARK_LEARNED_COMMAND} needs a note id or section"
                    )));
                };
                self.set_learned(Some(arg), true).await
            }
            UNMARK_LEARNED_COMMAND => {
                self.set_learned(argument(UNMARK_LEARNED_COMMAND, args)?, false)
                    .await
            }
            NOTES_COMMAND => self.notes(argument(NOTES_COMMAND, args)?),
            // Normally served beside the ordered loop (see `course_map`);
            // this path serves clients that reach it through the router.
            COURSE_MAP_COMMAND => {
                let request = argument(COURSE_MAP_COMMAND, args)?;
                course_map::run_inline(self.shared.clone(), request).await
            }
            other => Err(Error::invalid_params(format!("unknown command {other}"))),
        }
    }
}

/// Asks the client to show `uri` without waiting for it: a spawned task
/// waits (at most [`CLIENT_TIMEOUT`]) and, if the client could not or did
/// not answer, says `fallback` in a message and a log line.
pub fn show_later(
    client: &Client,
    can_show: bool,
    uri: Uri,
    selection: Option<Range>,
    fallback: String,
) {
    let client = client.clone();
    tokio::spawn(async move {
        let shown = if can_show {
            let answer = tokio::time::timeout(
                CLIENT_TIMEOUT,
                client.show_document(ShowDocumentParams {
                    uri,
                    external: Some(false),
                    take_focus: Some(true),
                    selection,
                }),
            )
            .await;
            match answer {
                Ok(Ok(true)) => true,
                Ok(Ok(false)) | Ok(Err(_)) => false,
                Err(_) => {
                    client
                        .log_message(
                            MessageType::WARNING,
                            format!(
                                "pyexplain: the client did not answer window/showDocument within {} s",
                                CLIENT_TIMEOUT.as_secs()
                            ),
                        )
                        .await;
                    false
                }
            }
        } else {
            false
        };
        if !shown {
            client.show_message(MessageType::INFO, fallback).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn note_arguments_in_every_shape() {
        let key = |v: Value| {
            serde_json::from_value::<NoteArgument>(v).map(|a| (a.key().to_string(), a.lang()))
        };
        assert_eq!(
            key(json!("yield-from")).unwrap(),
            ("yield-from".into(), None)
        );
        assert_eq!(
            key(json!({"note": "12.6", "lang": "zh"})).unwrap(),
            ("12.6".into(), Some(Lang::Zh))
        );
        assert!(key(json!({"note": "x", "lang": "fr"})).is_err());
        assert!(key(json!(42)).is_err());
        assert!(argument::<NoteArgument>("c", &[json!(null)])
            .unwrap()
            .is_none());
        assert!(argument::<NoteArgument>("c", &[json!([1])]).is_err());
    }
}
