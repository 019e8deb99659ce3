//! `textDocument/hover`: the rule's hover inside a finding, else the note
//! of the construct under the cursor (brief for a section marked learned).

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::super::{convert, Backend};
use crate::hover::{self, Subject};
use crate::render::{self, Verbosity};

impl Backend {
    pub(in crate::server) async fn on_hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let (encoding, lang, settings, learned) =
            self.state(|s| (s.encoding, s.lang(), s.settings.clone(), s.learned.clone()));
        if !settings.hover_enable {
            return Ok(None);
        }
        let pos = params.text_document_position_params;
        let Some(doc) = self.docs.get(&pos.text_document.uri) else {
            return Ok(None);
        };
        if doc.off.is_some() {
            return Ok(None);
        }
        let selection = self.selection(&pos.text_document.uri).await;
        let job_doc = doc.clone();
        let hover = self
            .analyse("hover", &doc, move || {
                let parsed = &job_doc.parsed;
                let offset = parsed.offset(convert::line_col(pos.position), encoding);
                let findings = job_doc.diagnostics(&selection);
                // The same subject `pyexplain explain` answers with.
                let subject = hover::subject_at(parsed, &findings, offset)?;
                let markdown = match &subject {
                    Subject::Rule(d) => render::rule_hover(d, lang)?,
                    Subject::Note(expl) => {
                        // A section marked as learned is brief whatever the setting.
                        let verbosity = if learned.contains(&expl.note) {
                            Verbosity::Brief
                        } else {
                            settings.verbosity
                        };
                        render::hover_markdown(expl, lang, verbosity)?
                    }
                };
                let range = subject.range();
                Some(Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: markdown,
                    }),
                    range: Some(convert::range(parsed, range, encoding)),
                })
            })
            .await?;
        Ok(hover.flatten())
    }
}
