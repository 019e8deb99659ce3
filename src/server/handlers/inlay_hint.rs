//! `textDocument/inlayHint` (off unless `inlayHints.enable`): the MRO of
//! multi-base classes, generator / coroutine before a `def`'s colon.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;

use super::super::Backend;
use crate::analysis;
use crate::render;

impl Backend {
    pub(in crate::server) async fn on_inlay_hint(
        &self,
        params: InlayHintParams,
    ) -> Result<Option<Vec<InlayHint>>> {
        let (encoding, lang, enabled) =
            self.state(|s| (s.encoding, s.lang(), s.settings.inlay_hints));
        // A notebook cell is read through its notebook's module.
        let Some((doc, view, _)) = self.resolve(&params.text_document.uri) else {
            return Ok(Some(Vec::new()));
        };
        if !enabled || doc.off.is_some() {
            return Ok(Some(Vec::new()));
        }
        let job_doc = doc.clone();
        let hints = self
            .analyse("inlayHint", &doc, move || {
                let parsed = &job_doc.parsed;
                let range = view.byte_range(parsed, params.range, encoding);
                analysis::hints::inlay_hints(parsed, range)
                    .into_iter()
                    .filter(|hint| view.shows(hint.offset))
                    .filter_map(|hint| {
                        let label = render::hint_label(&hint.kind, lang);
                        let position = view
                            .range(parsed, hint.offset..hint.offset, encoding)?
                            .start;
                        (!label.is_empty()).then_some(InlayHint {
                            position,
                            label: InlayHintLabel::String(label),
                            kind: None,
                            text_edits: None,
                            tooltip: None,
                            padding_left: Some(true),
                            padding_right: None,
                            data: None,
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .await?;
        Ok(Some(hints.unwrap_or_default()))
    }
}
