//! The analysis core: text in, plain data out. No LSP types, no I/O, and no
//! panics on any input (every range is clamped, every lookup is checked).

pub mod classes;
pub mod course_map;
pub mod explain;
pub mod fix;
pub mod hints;
pub mod module;
pub mod mro;
pub mod rules;
pub mod runtime;
pub mod syntax;
pub mod text;

use std::ops::Range;
use std::sync::OnceLock;

use tree_sitter::Tree;

pub use course_map::{sections_in, Occurrence};
pub use explain::{explain_at, Explanation};
pub use module::ModuleIndex;
pub use text::{Encoding, LineCol, LineIndex};

/// A source text with its syntax tree and line index. Cloning is cheap apart
/// from the text itself (trees are reference counted).
#[derive(Debug)]
pub struct Parsed {
    pub text: String,
    pub tree: Option<Tree>,
    pub lines: LineIndex,
    module: OnceLock<ModuleIndex>,
    /// Edits applied since the last parse.
    stale: bool,
}

impl Clone for Parsed {
    fn clone(&self) -> Parsed {
        Parsed {
            text: self.text.clone(),
            tree: self.tree.clone(),
            lines: self.lines.clone(),
            module: self.module.clone(),
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
            module: OnceLock::new(),
            stale: false,
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
        self.text.replace_range(start..end, new);
        self.lines = LineIndex::new(&self.text);
        self.module = OnceLock::new();
        self.stale = true;
    }

    /// Replaces the whole text (a full-document change).
    pub fn replace_all(&mut self, text: String) {
        *self = Parsed::new(text);
    }

    /// Reparses after edits, reusing the old tree.
    pub fn reparse(&mut self) {
        if self.stale {
            self.tree = syntax::parse(&self.text, self.tree.as_ref());
            self.stale = false;
        }
    }

    /// Drops the syntax tree and the module index, keeping the text and the
    /// line index (enough to print positions): for callers that hold many
    /// files after analysing them.
    pub fn release_tree(&mut self) {
        self.tree = None;
        self.module = OnceLock::new();
    }

    /// Names the module binds, computed on first use.
    pub fn module(&self) -> &ModuleIndex {
        self.module.get_or_init(|| match &self.tree {
            Some(tree) => ModuleIndex::build(tree, self.text.as_bytes()),
            None => ModuleIndex::default(),
        })
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
