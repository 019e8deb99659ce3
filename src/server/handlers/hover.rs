//! `textDocument/hover`: the rule's hover inside a finding, else the note
//! of the construct under the cursor among the triggers at `hover.level`
//! (brief for a section marked learned, and for a section's hovers away from
//! where it was first shown in full this session unless `hover.repeat` is
//! `full`).

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::super::Backend;
use crate::hover::{self, Subject};
use crate::render::{self, Verbosity};

impl Backend {
    pub(in crate::server) async fn on_hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let (encoding, lang, settings, learned, shown) = self.state(|s| {
            let shown = s.shown.clone();
            (
                s.encoding,
                s.lang(),
                s.settings.clone(),
                s.learned.clone(),
                shown,
            )
        });
        if !settings.hover_enable {
            return Ok(None);
        }
        let pos = params.text_document_position_params;
        // A notebook cell is read through its notebook's module.
        let Some((doc, view, config_uri)) = self.resolve(&pos.text_document.uri) else {
            return Ok(None);
        };
        if doc.off.is_some() {
            return Ok(None);
        }
        let selection = self.selection(&config_uri).await;
        let job_doc = doc.clone();
        let uri = pos.text_document.uri.as_str().to_string();
        let notes = self.notes_ready();
        let hover = self
            .analyse("hover", &doc, move || {
                let parsed = &job_doc.parsed;
                let offset = view.offset(parsed, pos.position, encoding);
                if !view.shows(offset) {
                    return None;
                }
                // The same subject `pyexplain explain` answers with. While
                // the notes' triggers are still compiling, only a finding's,
                // and only once the findings are there: a hover then waits
                // for nothing (a finding not yet published is not one the
                // user is pointing at).
                let findings = if notes {
                    job_doc.diagnostics(&selection)
                } else {
                    job_doc.computed_diagnostics(&selection)?
                };
                let subject = if notes {
                    hover::subject_at(parsed, &findings, offset, settings.level)
                } else {
                    hover::finding_at(&findings, offset).map(Subject::Rule)
                }
                .filter(|s| view.shows(s.range().start))?;
                // The section and place of a first full hover, to remember.
                let mut first = None;
                let markdown = match &subject {
                    Subject::Rule(d) => render::rule_hover(d, lang)?,
                    Subject::Note(expl) => {
                        let place = (uri, expl.range.start);
                        let repeated = settings.repeat_brief
                            && shown.get(&expl.note).is_some_and(|p| *p != place);
                        // A section marked as learned is brief whatever the setting.
                        let verbosity = if learned.contains(expl.note.as_str()) || repeated {
                            Verbosity::Brief
                        } else {
                            settings.verbosity
                        };
                        if verbosity == Verbosity::Full && !shown.contains_key(&expl.note) {
                            first = Some((expl.note.clone(), place));
                        }
                        render::hover_markdown(expl, lang, verbosity)?
                    }
                };
                let range = subject.range();
                let hover = Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: markdown,
                    }),
                    range: view.range(parsed, range, encoding),
                };
                Some((hover, first))
            })
            .await?;
        let Some((hover, first)) = hover.flatten() else {
            return Ok(None);
        };
        if let Some((note, place)) = first {
            self.state_mut(|s| {
                s.shown.entry(note).or_insert(place);
            });
        }
        Ok(Some(hover))
    }
}
