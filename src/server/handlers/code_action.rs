//! `textDocument/codeAction`: quick fixes and "ignore this line" for the
//! findings in the range (`quickfix`), then for the construct at the
//! range's start "📖 §N.M title" and "Mark §N.M as learned" /
//! "Show full notes again" (kind `pyexplain.note`). `context.only` is
//! honoured: a client asking for `source.fixAll` gets neither.

use crate::analysis::args::{Args, Key};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::super::commands::{self, NoteArgument};
use super::super::{diagnostics, Backend};
use crate::analysis;
use crate::knowledge::knowledge;

/// Whether an action of `kind` answers a request for `only` (a kind
/// matches itself and its sub-kinds: `quickfix` covers `quickfix.x`).
fn wanted(kind: &CodeActionKind, only: Option<&Vec<CodeActionKind>>) -> bool {
    let Some(only) = only else {
        return true;
    };
    only.iter().any(|o| {
        let (k, o) = (kind.as_str(), o.as_str());
        k == o || (k.starts_with(o) && k[o.len()..].starts_with('.'))
    })
}

impl Backend {
    pub(in crate::server) async fn on_code_action(
        &self,
        params: CodeActionParams,
    ) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        // A notebook cell is read through its notebook's module.
        let Some((doc, view, config_uri)) = self.resolve(&uri) else {
            return Ok(Some(Vec::new()));
        };
        if doc.off.is_some() {
            return Ok(Some(Vec::new()));
        }
        let only = params.context.only.clone();
        let fixes = wanted(&CodeActionKind::QUICKFIX, only.as_ref());
        let notes = wanted(&commands::NOTE_ACTION_KIND, only.as_ref());
        if !fixes && !notes {
            return Ok(Some(Vec::new()));
        }
        let selection = self.selection(&config_uri).await;
        let (encoding, lang, learned) = self.state(|s| (s.encoding, s.lang(), s.learned.clone()));
        // The chapter's actions need the triggers; the fixes do not.
        let notes = notes && self.notes_ready();
        let job_doc = doc.clone();
        let actions = self
            .analyse("codeAction", &doc, move || {
                let mut actions = Vec::new();
                if fixes {
                    actions.extend(diagnostics::actions(
                        &uri,
                        &job_doc,
                        params.range,
                        &params.context.diagnostics,
                        &selection,
                        encoding,
                        lang,
                        &view,
                    ));
                }
                if notes {
                    let parsed = &job_doc.parsed;
                    let offset = view.offset(parsed, params.range.start, encoding);
                    let note = Some(offset)
                        .filter(|o| view.shows(*o))
                        .and_then(|offset| analysis::explain_at(parsed, offset))
                        .and_then(|expl| knowledge().note(&expl.note, lang));
                    if let Some(note) = note {
                        actions.extend(note_actions(
                            note,
                            lang,
                            learned.contains(note.id.as_str()),
                        ));
                    }
                }
                actions
            })
            .await?;
        Ok(Some(actions.unwrap_or_default()))
    }
}

/// "📖 §N.M title" (open the chapter), then "Mark §N.M as learned", or
/// "Show full notes again for §N.M" when it already is.
fn note_actions(
    note: &crate::knowledge::Note,
    lang: crate::knowledge::Lang,
    learned: bool,
) -> Vec<CodeActionOrCommand> {
    let action = |title: String, command: &str, argument: serde_json::Value| {
        CodeActionOrCommand::CodeAction(CodeAction {
            title: title.clone(),
            kind: Some(commands::NOTE_ACTION_KIND),
            command: Some(Command {
                title,
                command: command.to_string(),
                arguments: Some(vec![argument]),
            }),
            ..Default::default()
        })
    };
    let section = note.section.to_string();
    let open = action(
        format!("📖 §{section} {}", note.title),
        commands::OPEN_NOTE_COMMAND,
        NoteArgument::for_note(note, Some(lang)).to_json(),
    );
    let (key, command) = if learned {
        ("ui.unmark-learned", commands::UNMARK_LEARNED_COMMAND)
    } else {
        ("ui.mark-learned", commands::MARK_LEARNED_COMMAND)
    };
    let args = Args::new().with(Key::Section, section.clone());
    let title =
        crate::render::fill(lang, key, &args).unwrap_or_else(|| format!("{command} §{section}"));
    let learn = action(title, command, NoteArgument::for_note(note, None).to_json());
    vec![open, learn]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_filters_by_kind_and_sub_kind() {
        let q = CodeActionKind::QUICKFIX;
        let n = commands::NOTE_ACTION_KIND;
        assert!(wanted(&q, None) && wanted(&n, None));
        let fix_all = vec![CodeActionKind::SOURCE_FIX_ALL];
        assert!(!wanted(&q, Some(&fix_all)) && !wanted(&n, Some(&fix_all)));
        let quickfix = vec![CodeActionKind::QUICKFIX];
        assert!(wanted(&q, Some(&quickfix)) && !wanted(&n, Some(&quickfix)));
        let parent = vec![CodeActionKind::new("pyexplain")];
        assert!(wanted(&n, Some(&parent)) && !wanted(&q, Some(&parent)));
        let prefix_only = vec![CodeActionKind::new("quick")];
        assert!(!wanted(&q, Some(&prefix_only)));
    }
}
