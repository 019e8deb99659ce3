//! Open notebooks (LSP 3.17 notebook sync): each notebook's cells in order
//! with their texts, and the module their Python code cells make
//! ([`crate::notebook::Module`]). The module's text is an ordinary open
//! document in [`super::documents::Documents`] under the notebook's URI, so
//! analysis, findings and the time budget are the files'; a [`View`] turns
//! a request on a cell's URI into module offsets and answers back into the
//! cell's positions (and fix edits onto the right cells' URIs and versions).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tower_lsp_server::ls_types::*;

use super::convert;
use crate::analysis::fix::Edit;
use crate::analysis::{Encoding, LineIndex, Parsed};
use crate::notebook::{CellSource, Module};

/// One cell's text document.
#[derive(Debug, Clone)]
struct CellText {
    version: i32,
    language: String,
    text: String,
}

impl CellText {
    /// A cell's text document as the client opened it, by URI.
    fn opened(item: TextDocumentItem) -> (Uri, CellText) {
        (
            item.uri,
            CellText {
                version: item.version,
                language: item.language_id,
                text: item.text,
            },
        )
    }
}

/// One open notebook.
#[derive(Debug, Clone, Default)]
struct Notebook {
    version: i32,
    /// Every cell, in order: its document and kind.
    cells: Vec<(Uri, NotebookCellKind)>,
    texts: HashMap<Uri, CellText>,
    /// The module of the Python code cells, and those cells' documents
    /// (aligned with the module's cells).
    module: Arc<Module>,
    code: Arc<Vec<(Uri, i32)>>,
}

impl Notebook {
    /// The module again, from the cells as they are now.
    fn rebuild(&mut self) {
        let mut sources = Vec::new();
        let mut code = Vec::new();
        for (index, (uri, kind)) in self.cells.iter().enumerate() {
            let Some(cell) = self.texts.get(uri) else {
                continue;
            };
            if *kind == NotebookCellKind::CODE && cell.language == "python" {
                sources.push(CellSource {
                    index,
                    text: cell.text.clone(),
                });
                code.push((uri.clone(), cell.version));
            }
        }
        self.module = Arc::new(Module::new(&sources));
        self.code = Arc::new(code);
    }
}

/// How a request's document maps onto the analysed text.
#[derive(Debug, Clone)]
pub enum View {
    /// A file: the document is the text.
    File,
    /// A notebook cell: the [`Module::cells`] entry `cell` of `module`;
    /// `code` holds every code cell's URI and version.
    Cell {
        module: Arc<Module>,
        cell: usize,
        code: Arc<Vec<(Uri, i32)>>,
    },
}

impl View {
    /// The analysed text's offset of a position in the document (clamped).
    pub fn offset(&self, parsed: &Parsed, pos: Position, enc: Encoding) -> usize {
        match self {
            View::File => parsed.offset(convert::line_col(pos), enc),
            View::Cell { module, cell, .. } => module
                .offset_of(*cell, convert::line_col(pos), enc)
                .unwrap_or_default(),
        }
    }

    /// A document range as a range of the analysed text.
    pub fn byte_range(&self, parsed: &Parsed, r: Range, enc: Encoding) -> std::ops::Range<usize> {
        let start = self.offset(parsed, r.start, enc);
        let end = self.offset(parsed, r.end, enc);
        start..end.max(start)
    }

    /// The cell's text and line index, with where it starts in the module.
    fn cell_text(&self) -> Option<(&str, &LineIndex, usize)> {
        match self {
            View::File => None,
            View::Cell { module, cell, .. } => {
                let span = module.cells.get(*cell)?;
                Some((&span.text, &span.lines, span.range.start))
            }
        }
    }

    /// Whether an analysed offset is shown in this document: a file shows
    /// every offset; a cell its own, except in its masked magics.
    pub fn shows(&self, offset: usize) -> bool {
        match self {
            View::File => true,
            View::Cell { module, cell, .. } => {
                !module.masked(offset) && module.locate(offset).is_some_and(|a| a.cell == *cell)
            }
        }
    }

    /// A range of the analysed text in the document's positions: `None`
    /// when it does not start in this document (another cell).
    pub fn range(
        &self,
        parsed: &Parsed,
        bytes: std::ops::Range<usize>,
        enc: Encoding,
    ) -> Option<Range> {
        let Some((text, lines, start)) = self.cell_text() else {
            return Some(convert::range(parsed, bytes, enc));
        };
        if let View::Cell { module, cell, .. } = self {
            if module.locate(bytes.start).is_none_or(|a| a.cell != *cell) {
                return None;
            }
        }
        let at = |offset: usize| {
            let local = offset.saturating_sub(start).min(text.len());
            let lc = lines.line_col(text, local, enc);
            Position::new(lc.line, lc.col)
        };
        Some(Range::new(at(bytes.start), at(bytes.end)))
    }

    /// Edits of the analysed text as a workspace edit: a file's with its
    /// version; a notebook's on each cell they fall in, with its version
    /// (`None` when an edit crosses cells or touches a magic).
    pub fn edit(
        &self,
        uri: &Uri,
        version: i32,
        parsed: &Parsed,
        edits: &[Edit],
        enc: Encoding,
    ) -> Option<WorkspaceEdit> {
        let changes: Vec<(Uri, i32, Vec<TextEdit>)> = match self {
            View::File => vec![(
                uri.clone(),
                version,
                edits
                    .iter()
                    .map(|e| TextEdit {
                        range: convert::range(parsed, e.range.clone(), enc),
                        new_text: e.text.clone(),
                    })
                    .collect(),
            )],
            View::Cell { module, code, .. } => {
                let mut by_cell: Vec<(Uri, i32, Vec<TextEdit>)> = Vec::new();
                for (cell, e) in module.cell_edits(edits)? {
                    let span = module.cells.get(cell)?;
                    let (cell_uri, cell_version) = code.get(cell)?;
                    let at = |o: usize| {
                        let lc = span.lines.line_col(&span.text, o, enc);
                        Position::new(lc.line, lc.col)
                    };
                    let edit = TextEdit {
                        range: Range::new(at(e.range.start), at(e.range.end)),
                        new_text: e.text,
                    };
                    match by_cell.iter_mut().find(|(u, _, _)| u == cell_uri) {
                        Some((_, _, list)) => list.push(edit),
                        None => by_cell.push((cell_uri.clone(), *cell_version, vec![edit])),
                    }
                }
                by_cell
            }
        };
        Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(
                changes
                    .into_iter()
                    .map(|(uri, version, edits)| TextDocumentEdit {
                        text_document: OptionalVersionedTextDocumentIdentifier {
                            uri,
                            version: Some(version),
                        },
                        edits: edits.into_iter().map(OneOf::Left).collect(),
                    })
                    .collect(),
            )),
            ..Default::default()
        })
    }
}

/// What a notebook notification did, for publishing.
#[derive(Debug, Default)]
pub struct Synced {
    /// The notebook's module text and version, to open as its document.
    pub text: Option<(i32, String)>,
    /// Cells no longer analysed (closed, removed, not Python code): their
    /// diagnostics are cleared.
    pub dropped: Vec<Uri>,
    /// Why (part of) the notification was ignored, to log.
    pub ignored: Vec<String>,
}

/// The open notebooks, and which notebook each cell belongs to.
#[derive(Debug, Default)]
pub struct Notebooks {
    map: RwLock<HashMap<Uri, Notebook>>,
    owner: RwLock<HashMap<Uri, Uri>>,
}

impl Notebooks {
    fn write<R>(
        &self,
        f: impl FnOnce(&mut HashMap<Uri, Notebook>, &mut HashMap<Uri, Uri>) -> R,
    ) -> R {
        let mut map = match self.map.write() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut owner = match self.owner.write() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&mut map, &mut owner)
    }

    /// Whether `uri` is an open notebook.
    pub fn is_notebook(&self, uri: &Uri) -> bool {
        match self.map.read() {
            Ok(m) => m.contains_key(uri),
            Err(poisoned) => poisoned.into_inner().contains_key(uri),
        }
    }

    /// The notebook a cell belongs to, and the view of that cell (`None`
    /// for a cell that is not Python code).
    pub fn cell(&self, cell: &Uri) -> Option<(Uri, Option<View>)> {
        let notebook = match self.owner.read() {
            Ok(m) => m.get(cell).cloned(),
            Err(poisoned) => poisoned.into_inner().get(cell).cloned(),
        }?;
        let map = match self.map.read() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        let nb = map.get(&notebook)?;
        let view = nb
            .code
            .iter()
            .position(|(u, _)| u == cell)
            .map(|i| View::Cell {
                module: nb.module.clone(),
                cell: i,
                code: nb.code.clone(),
            });
        Some((notebook, view))
    }

    /// Every Python code cell's view, by URI and version.
    pub fn cells(&self, notebook: &Uri) -> Vec<(Uri, i32, View)> {
        let map = match self.map.read() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        let Some(nb) = map.get(notebook) else {
            return Vec::new();
        };
        nb.code
            .iter()
            .enumerate()
            .map(|(i, (uri, version))| {
                let view = View::Cell {
                    module: nb.module.clone(),
                    cell: i,
                    code: nb.code.clone(),
                };
                (uri.clone(), *version, view)
            })
            .collect()
    }

    /// `notebookDocument/didOpen`.
    pub fn open(&self, params: DidOpenNotebookDocumentParams) -> Synced {
        let doc = params.notebook_document;
        let mut nb = Notebook {
            version: doc.version,
            cells: doc
                .cells
                .iter()
                .map(|c| (c.document.clone(), c.kind.clone()))
                .collect(),
            ..Default::default()
        };
        for item in params.cell_text_documents {
            let (uri, cell) = CellText::opened(item);
            nb.texts.insert(uri, cell);
        }
        nb.rebuild();
        let text = (nb.version, nb.module.text.clone());
        self.write(|map, owner| {
            if let Some(old) = map.remove(&doc.uri) {
                for (cell, _) in &old.cells {
                    owner.remove(cell);
                }
            }
            for (cell, _) in &nb.cells {
                owner.insert(cell.clone(), doc.uri.clone());
            }
            map.insert(doc.uri.clone(), nb);
        });
        Synced {
            text: Some(text),
            ..Default::default()
        }
    }

    /// `notebookDocument/didChange`: structure (cells added, removed,
    /// moved — a move is a removal and an insertion), cell kinds, cell
    /// texts (each change applied in order, as for a text document).
    pub fn change(&self, params: DidChangeNotebookDocumentParams, enc: Encoding) -> Synced {
        let uri = params.notebook_document.uri;
        let version = params.notebook_document.version;
        let mut synced = Synced::default();
        self.write(|map, owner| {
            let Some(nb) = map.get_mut(&uri) else {
                synced
                    .ignored
                    .push(format!("notebook {} is not open", uri.as_str()));
                return;
            };
            if version <= nb.version {
                synced.ignored.push(format!(
                    "version {version} of notebook {} is not newer than {}",
                    uri.as_str(),
                    nb.version
                ));
                return;
            }
            let before: Vec<Uri> = nb.code.iter().map(|(u, _)| u.clone()).collect();
            nb.version = version;
            let Some(cells) = params.change.cells else {
                return;
            };
            if let Some(structure) = cells.structure {
                let array = structure.array;
                let start = (array.start as usize).min(nb.cells.len());
                let end = (start + array.delete_count as usize).min(nb.cells.len());
                let added: Vec<(Uri, NotebookCellKind)> = array
                    .cells
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| (c.document, c.kind))
                    .collect();
                for (cell, _) in &added {
                    owner.insert(cell.clone(), uri.clone());
                }
                let removed: Vec<(Uri, NotebookCellKind)> =
                    nb.cells.splice(start..end, added).collect();
                for (cell, _) in removed {
                    if !nb.cells.iter().any(|(c, _)| *c == cell) {
                        owner.remove(&cell);
                    }
                }
                for item in structure.did_open.unwrap_or_default() {
                    let (uri, cell) = CellText::opened(item);
                    nb.texts.insert(uri, cell);
                }
                for closed in structure.did_close.unwrap_or_default() {
                    nb.texts.remove(&closed.uri);
                }
            }
            for data in cells.data.unwrap_or_default() {
                if let Some(slot) = nb.cells.iter_mut().find(|(c, _)| *c == data.document) {
                    slot.1 = data.kind;
                }
            }
            for content in cells.text_content.unwrap_or_default() {
                let Some(cell) = nb.texts.get_mut(&content.document.uri) else {
                    synced.ignored.push(format!(
                        "cell {} is not open in notebook {}",
                        content.document.uri.as_str(),
                        uri.as_str()
                    ));
                    continue;
                };
                for change in &content.changes {
                    match change.range {
                        None => cell.text.clone_from(&change.text),
                        Some(r) => {
                            let lines = LineIndex::new(&cell.text);
                            let start = lines.offset(&cell.text, convert::line_col(r.start), enc);
                            let end = lines.offset(&cell.text, convert::line_col(r.end), enc);
                            let range = start..end.max(start);
                            cell.text.replace_range(range, &change.text);
                        }
                    }
                }
                cell.version = content.document.version;
            }
            nb.rebuild();
            let after: Vec<&Uri> = nb.code.iter().map(|(u, _)| u).collect();
            synced.dropped = before.into_iter().filter(|u| !after.contains(&u)).collect();
            synced.text = Some((version, nb.module.text.clone()));
        });
        synced
    }

    /// `notebookDocument/didClose`: the cells whose diagnostics to clear.
    pub fn close(&self, uri: &Uri) -> Vec<Uri> {
        self.write(|map, owner| {
            let Some(nb) = map.remove(uri) else {
                return Vec::new();
            };
            for (cell, _) in &nb.cells {
                owner.remove(cell);
            }
            nb.cells.into_iter().map(|(c, _)| c).collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    fn cell(name: &str, kind: NotebookCellKind) -> NotebookCell {
        NotebookCell {
            kind,
            document: uri(name),
            metadata: None,
            execution_summary: None,
        }
    }

    fn item(name: &str, text: &str) -> TextDocumentItem {
        TextDocumentItem {
            uri: uri(name),
            language_id: "python".into(),
            version: 1,
            text: text.into(),
        }
    }

    #[test]
    fn cells_move_and_edit_and_the_module_follows() {
        let nbs = Notebooks::default();
        let nb = uri("file:///tmp/n.ipynb");
        nbs.open(DidOpenNotebookDocumentParams {
            notebook_document: NotebookDocument {
                uri: nb.clone(),
                notebook_type: "jupyter-notebook".into(),
                version: 1,
                metadata: None,
                cells: vec![
                    cell("cell:a", NotebookCellKind::CODE),
                    cell("cell:b", NotebookCellKind::CODE),
                ],
            },
            cell_text_documents: vec![item("cell:a", "a = 1"), item("cell:b", "b = 2")],
        });
        // Move b before a: delete one at 1, insert it at 0.
        let change = |version, structure, text_content| DidChangeNotebookDocumentParams {
            notebook_document: VersionedNotebookDocumentIdentifier {
                version,
                uri: nb.clone(),
            },
            change: NotebookDocumentChangeEvent {
                metadata: None,
                cells: Some(NotebookDocumentCellChange {
                    structure,
                    data: None,
                    text_content,
                }),
            },
        };
        let moved = [
            NotebookCellArrayChange {
                start: 1,
                delete_count: 1,
                cells: None,
            },
            NotebookCellArrayChange {
                start: 0,
                delete_count: 0,
                cells: Some(vec![cell("cell:b", NotebookCellKind::CODE)]),
            },
        ];
        for (v, array) in moved.into_iter().enumerate() {
            let s = nbs.change(
                change(
                    2 + v as i32,
                    Some(NotebookDocumentCellChangeStructure {
                        array,
                        did_open: None,
                        did_close: None,
                    }),
                    None,
                ),
                Encoding::Utf16,
            );
            assert!(s.ignored.is_empty());
        }
        let s = nbs.change(
            change(
                4,
                None,
                Some(vec![NotebookDocumentChangeTextContent {
                    document: VersionedTextDocumentIdentifier {
                        uri: uri("cell:a"),
                        version: 2,
                    },
                    changes: vec![TextDocumentContentChangeEvent {
                        range: Some(Range::new(Position::new(0, 4), Position::new(0, 5))),
                        range_length: None,
                        text: "10".into(),
                    }],
                }]),
            ),
            Encoding::Utf16,
        );
        assert_eq!(s.text, Some((4, "b = 2\na = 10\n".into())));
        let (owner, view) = nbs.cell(&uri("cell:a")).unwrap();
        assert_eq!(owner, nb);
        assert!(matches!(view, Some(View::Cell { cell: 1, .. })));
        // A stale version is ignored.
        let s = nbs.change(change(3, None, None), Encoding::Utf16);
        assert_eq!(s.ignored.len(), 1);
        assert_eq!(nbs.close(&nb).len(), 2);
        assert!(nbs.cell(&uri("cell:a")).is_none());
    }
}
