//! The analysis core: text in, plain data out. No LSP types, no I/O, and no
//! panics on any input (every range is clamped, every lookup is checked).

pub mod args;
pub mod course_map;
pub mod explain;
pub mod file_query;
pub mod findings;
pub mod fix;
pub mod hints;
pub mod ids;
pub mod rules;
pub mod runtime;
pub mod semantic;
pub mod syntax;
pub mod text;
pub mod tree;
pub mod triggers;

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use tree_sitter::Tree;

pub use course_map::{sections_in, Occurrence};
pub use explain::{explain_at, explain_at_level, Explanation};
pub use text::{Encoding, LineCol, LineIndex};
pub use triggers::Level;

/// Where a module sits: its dotted name (for relative imports and for the
/// other modules that import it) and the workspace it belongs to.
#[derive(Debug, Clone)]
pub struct ModuleContext {
    /// `shop.models`; `__main__` for a file outside any package.
    pub name: String,
    /// A package's `__init__.py`.
    pub is_package: bool,
    pub workspace: Option<Arc<semantic::world::Workspace>>,
}

impl Default for ModuleContext {
    fn default() -> ModuleContext {
        ModuleContext {
            name: "__main__".into(),
            is_package: false,
            workspace: None,
        }
    }
}

/// A source text with its syntax tree and line index. Cloning is cheap apart
/// from the text itself (trees are reference counted).
#[derive(Debug)]
pub struct Parsed {
    pub text: String,
    pub tree: Option<Tree>,
    pub lines: LineIndex,
    model: OnceLock<Arc<semantic::ModuleModel>>,
    /// The last model built and the text it was built from, kept through
    /// edits until the next model is built from it.
    previous: Option<Arc<(Arc<semantic::ModuleModel>, String)>>,
    context: ModuleContext,
    /// Edits applied since the last parse.
    stale: bool,
}

impl Clone for Parsed {
    fn clone(&self) -> Parsed {
        Parsed {
            text: self.text.clone(),
            tree: self.tree.clone(),
            lines: self.lines.clone(),
            model: self.model.clone(),
            previous: self.previous.clone(),
            context: self.context.clone(),
            stale: self.stale,
        }
    }
}

impl Parsed {
    /// Parses a whole text.
    pub fn new(text: String) -> Parsed {
        let tree = syntax::parse(&text, None);
        let lines = LineIndex::new(&text);
        Parsed {
            text,
            tree,
            lines,
            model: OnceLock::new(),
            previous: None,
            context: ModuleContext::default(),
            stale: false,
        }
    }

    /// Sets where the module sits (its name, its workspace).
    pub fn with_context(mut self, context: ModuleContext) -> Parsed {
        self.context = context;
        self.model = OnceLock::new();
        self.previous = None;
        self
    }

    /// Where the module sits.
    pub fn context(&self) -> &ModuleContext {
        &self.context
    }

    /// The module's semantic model, built on first use.
    pub fn model(&self) -> Arc<semantic::ModuleModel> {
        self.model
            .get_or_init(|| {
                let opts = semantic::BuildOptions {
                    name: self.context.name.clone(),
                    is_package: self.context.is_package,
                    ..semantic::BuildOptions::default()
                };
                let previous = self
                    .previous
                    .as_deref()
                    .map(|(model, text)| semantic::Previous {
                        model,
                        text: text.as_bytes(),
                    });
                let mut model = match &self.tree {
                    Some(tree) => {
                        semantic::build_reusing(tree, self.text.as_bytes(), &opts, previous)
                    }
                    None => semantic::ModuleModel::default(),
                };
                // A file named like a stdlib module (a learner's `queue.py`,
                // the stdlib's own `weakref.py`) keeps the name for its
                // relative imports but must not stand for that module where
                // the stubs import it (`_weakref` imports `weakref.ref`).
                if semantic::stubs::has(&model.name) {
                    model.name = "__main__".into();
                }
                Arc::new(model)
            })
            .clone()
    }

    /// The modules an analysis of this one sees.
    pub fn world(&self) -> semantic::world::World {
        semantic::world::World {
            this: self.model(),
            workspace: self.context.workspace.clone(),
        }
    }

    /// Replaces `range` (clamped to the text and to character boundaries)
    /// with `new`, keeping the tree in step for an incremental reparse.
    /// Call [`Parsed::reparse`] after the last edit of a batch.
    pub fn replace(&mut self, range: Range<usize>, new: &str) {
        let end = text::floor_char_boundary(&self.text, range.end.min(self.text.len()));
        let start = text::floor_char_boundary(&self.text, range.start.min(end));
        if let Some(tree) = self.tree.as_mut() {
            tree.edit(&syntax::input_edit(&self.text, start, end, new));
        }
        // The model of the text before this batch of edits, kept for the
        // next model to reuse (unless it was built from a tree not yet
        // reparsed after earlier edits).
        let model = self.model.take();
        if let (Some(model), false) = (model, self.stale) {
            self.previous = Some(Arc::new((model, self.text.clone())));
        }
        self.text.replace_range(start..end, new);
        self.lines = LineIndex::new(&self.text);
        self.stale = true;
    }

    /// Replaces the whole text (a full-document change).
    pub fn replace_all(&mut self, text: String) {
        let context = std::mem::take(&mut self.context);
        *self = Parsed::new(text).with_context(context);
    }

    /// Reparses after edits, reusing the old tree.
    pub fn reparse(&mut self) {
        if self.stale {
            self.tree = syntax::parse(&self.text, self.tree.as_ref());
            self.stale = false;
        }
    }

    /// Drops the syntax tree and the semantic model, keeping the text and the
    /// line index (enough to print positions): for callers that hold many
    /// files after analysing them.
    pub fn release_tree(&mut self) {
        self.tree = None;
        self.model = OnceLock::new();
        self.previous = None;
    }

    /// Byte offset of a line/column (clamped).
    pub fn offset(&self, pos: LineCol, enc: Encoding) -> usize {
        self.lines.offset(&self.text, pos, enc)
    }

    /// Line/column of a byte offset (clamped).
    pub fn line_col(&self, offset: usize, enc: Encoding) -> LineCol {
        self.lines.line_col(&self.text, offset, enc)
    }
}
