//! `pyexplain.notes`: the course's table of contents in a language
//! (`{"lang": "zh"}`; default the server's), for an editor's note picker.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;

use super::super::Backend;
use super::LangName;
use crate::knowledge::{knowledge, Lang};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotesArgument {
    #[serde(default)]
    lang: Option<LangName>,
}

#[derive(Serialize)]
struct Entry<'a> {
    section: String,
    id: &'a str,
    title: &'a str,
    summary: &'a str,
}

impl Backend {
    pub(super) fn notes(&self, arg: Option<NotesArgument>) -> Result<Option<Value>> {
        let lang = arg
            .and_then(|a| a.lang)
            .map(Lang::from)
            .unwrap_or_else(|| self.state(|s| s.lang()));
        let entries: Vec<Entry> = knowledge()
            .notes_in(lang)
            .map(|n| Entry {
                section: n.section.to_string(),
                id: n.id.as_str(),
                title: &n.title,
                summary: &n.summary,
            })
            .collect();
        Ok(Some(serde_json::to_value(entries).unwrap_or(Value::Null)))
    }
}
