//! `textDocument/hover`: the rule's hover inside a finding, else the note
//! of the construct under the cursor (brief for a section marked learned).

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::super::{convert, diagnostics, Backend};
use crate::analysis;
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
                let (markdown, range) =
                    match diagnostics::hover_at(&job_doc, &selection, offset, lang) {
                        Some(found) => found,
                        None => {
                            let expl = analysis::explain_at(parsed, offset)?;
                            // A section marked as learned is brief whatever the setting.
                            let verbosity = if learned.contains(&expl.note) {
                                Verbosity::Brief
                            } else {
                                settings.verbosity
                            };
                            (render::hover_markdown(&expl, lang, verbosity)?, expl.range)
                        }
                    };
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
