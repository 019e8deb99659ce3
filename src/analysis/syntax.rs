//! tree-sitter-python parsing. Never fails: tree-sitter always returns a tree
//! (with ERROR nodes for what it cannot parse), and analysis descends into them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use tree_sitter::{InputEdit, Language, Node, Parser, Point, Tree};

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

/// A field's id by name, from a table built once: tree-sitter's
/// `Node::child_by_field_name` finds the id by comparing the name with the
/// grammar's field names one by one (`strncmp`) on every call, which was
/// 8% of an analysis (see `bench/profile.md`).
pub fn field_id(name: &str) -> Option<u16> {
    type Table = HashMap<Box<str>, u16, BuildHasherDefault<Fnv>>;
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let lang = language();
            (1..=lang.field_count() as u16)
                .filter_map(|id| Some((lang.field_name_for_id(id)?.into(), id)))
                .collect()
        })
        .get(name)
        .copied()
}

/// FNV-1a: field names are a few bytes, where SipHash's setup dominates.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// `node.field("body")`: [`Node::child_by_field_name`] through
/// [`field_id`].
pub trait Fields<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>>;
}

impl<'t> Fields<'t> for Node<'t> {
    fn field(&self, name: &str) -> Option<Node<'t>> {
        self.child_by_field_id(field_id(name)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::disallowed_methods)] // the method it is compared with
    fn field_lookup_by_table_equals_tree_sitters() {
        let text = "class C(B, metaclass=M):\n    def f(self, x: int = 1) -> None:\n        return x.y[0](a=b)\n";
        let tree = parse(text, None).expect("tree");
        let lang = language();
        let names: Vec<&str> = (1..=lang.field_count() as u16)
            .filter_map(|id| lang.field_name_for_id(id))
            .chain(["no_such_field", ""])
            .collect();
        let mut cursor = tree.walk();
        let mut checked = 0;
        loop {
            let node = cursor.node();
            for name in &names {
                assert_eq!(node.field(name), node.child_by_field_name(name), "{name}");
                checked += usize::from(node.field(name).is_some());
            }
            if cursor.goto_first_child() || cursor.goto_next_sibling() {
                continue;
            }
            while cursor.goto_parent() && !cursor.goto_next_sibling() {}
            if cursor.node() == tree.root_node() {
                break;
            }
        }
        assert!(checked > 10, "{checked}");
    }
}
