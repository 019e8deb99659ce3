//! tree-sitter-python parsing. Never fails: tree-sitter always returns a tree
//! (with ERROR nodes for what it cannot parse), and analysis descends into them.

use std::cell::RefCell;
use tree_sitter::{InputEdit, Language, Parser, Point, Tree};

/// The Python grammar.
pub fn language() -> Language {
    tree_sitter_python::LANGUAGE.into()
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses `text`, reusing `old` (already [`Tree::edit`]ed) for an incremental
/// reparse. `None` only if tree-sitter refuses the grammar, which a test rules out.
pub fn parse(text: &str, old: Option<&Tree>) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        if slot.is_none() {
            let mut parser = Parser::new();
            parser.set_language(&language()).ok()?;
            *slot = Some(parser);
        }
        let parser = slot.as_mut()?;
        parser.parse(text, old).or_else(|| {
            parser.reset();
            parser.parse(text, None)
        })
    })
}

/// The tree-sitter point (row, byte column) of a byte offset.
pub fn point_at(text: &str, offset: usize) -> Point {
    let offset = super::text::floor_char_boundary(text, offset);
    let before = &text.as_bytes()[..offset];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Point::new(row, offset - line_start)
}

/// The [`InputEdit`] for replacing `old_text[start..old_end]` with `new`.
pub fn input_edit(old_text: &str, start: usize, old_end: usize, new: &str) -> InputEdit {
    let start_position = point_at(old_text, start);
    let old_end_position = point_at(old_text, old_end);
    let newlines = new.bytes().filter(|&b| b == b'\n').count();
    let new_end_position = if newlines == 0 {
        Point::new(start_position.row, start_position.column + new.len())
    } else {
        let last = new.rfind('\n').map_or(0, |i| i + 1);
        Point::new(start_position.row + newlines, new.len() - last)
    };
    InputEdit {
        start_byte: start,
        old_end_byte: old_end,
        new_end_byte: start + new.len(),
        start_position,
        old_end_position,
        new_end_position,
    }
}
