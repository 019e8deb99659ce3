//! Helpers over the syntax tree that every layer uses: quoting code in a
//! sentence, a compound statement's header, what a `def` returns when
//! called, dotted names, walking a scope's own code. Depends on nothing but
//! tree-sitter; nothing here knows notes, rules or values.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use tree_sitter::Node;

use super::syntax::Fields;

/// What calling a function definition returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FnKind {
    Plain,
    /// A `def` containing `yield`: returns a generator.
    Generator,
    /// An `async def`: returns a coroutine.
    Coroutine,
    /// An `async def` containing `yield`: returns an async generator.
    AsyncGenerator,
}

/// What calling a function definition returns.
pub fn fn_kind(func: Node) -> FnKind {
    match (is_async(func), contains_yield(func)) {
        (false, false) => FnKind::Plain,
        (false, true) => FnKind::Generator,
        (true, false) => FnKind::Coroutine,
        (true, true) => FnKind::AsyncGenerator,
    }
}

/// Whether a function definition is `async def`.
pub fn is_async(func: Node) -> bool {
    func.kind() == "function_definition" && func.child(0).is_some_and(|c| c.kind() == "async")
}

/// Node kinds that open a scope of their own (their bodies run later or
/// elsewhere).
pub fn is_scope(kind: &str) -> bool {
    matches!(kind, "function_definition" | "lambda" | "class_definition")
}

/// The nodes of a scope's own code under `root`, depth first: nested
/// functions, lambdas and classes are yielded but not entered.
/// `root` itself is always entered.
pub fn own_nodes(root: Node) -> OwnNodes {
    OwnNodes {
        stack: vec![root],
        root: Some(root.id()),
    }
}

/// See [`own_nodes`].
pub struct OwnNodes<'t> {
    stack: Vec<Node<'t>>,
    root: Option<usize>,
}

impl<'t> Iterator for OwnNodes<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        let n = self.stack.pop()?;
        if !is_scope(n.kind()) || self.root == Some(n.id()) {
            let mut c = n.walk();
            let mut kids: Vec<Node> = n.named_children(&mut c).collect();
            kids.reverse();
            self.stack.extend(kids);
        }
        Some(n)
    }
}

/// The nodes of a function's own body, depth first, in source order:
/// nested functions, lambdas and classes are yielded but not entered. The
/// one "walk my own body" loop; [`own_nodes`] for any root.
pub fn own_body(func: Node) -> OwnNodes {
    OwnNodes {
        stack: func.field("body").into_iter().collect(),
        root: None,
    }
}

/// Whether a function's own body contains `yield` (not in nested
/// functions, lambdas or classes).
pub fn contains_yield(func: Node) -> bool {
    own_body(func).any(|n| n.kind() == "yield")
}

/// The operand of the first `yield from` in a function's own body.
pub fn first_yield_from(func: Node) -> Option<Node> {
    own_body(func)
        .filter(|n| n.kind() == "yield")
        .filter(|n| {
            let mut c = n.walk();
            let is_from = n.children(&mut c).any(|ch| ch.kind() == "from");
            is_from
        })
        .filter_map(|n| n.named_child(0))
        .min_by_key(|n| n.start_byte())
}

/// A compound statement's header (from its start to the `:` before its body);
/// any other node's whole range.
pub fn header_range(node: Node) -> Range<usize> {
    let Some(body) = node.field("body") else {
        return node.byte_range();
    };
    let mut c = node.walk();
    let colon_end = node
        .children(&mut c)
        .take_while(|ch| ch.start_byte() < body.start_byte())
        .filter(|ch| ch.kind() == ":")
        .last()
        .map(|ch| ch.end_byte());
    node.start_byte()..colon_end.unwrap_or(body.start_byte())
}

/// A node's text for a sentence: comments removed, on one line, and short.
/// The identifier a name or dotted name ends with (`sleep` of
/// `time.sleep`); `None` for any other expression.
pub fn last_identifier(node: Node) -> Option<Node> {
    match node.kind() {
        "attribute" => node.field("attribute"),
        "identifier" => Some(node),
        _ => None,
    }
}

/// The context expressions of a `with` statement's items: `open(p)` of
/// `with open(p) as f:` (the part before `as`).
pub fn with_contexts(with: Node) -> Vec<Node> {
    let mut c = with.walk();
    let clauses: Vec<Node> = with
        .named_children(&mut c)
        .filter(|n| n.kind() == "with_clause")
        .collect();
    let mut out = Vec::new();
    for clause in clauses {
        let mut c = clause.walk();
        for item in clause.named_children(&mut c) {
            let value = item.field("value").unwrap_or(item);
            out.push(if value.kind() == "as_pattern" {
                value.named_child(0).unwrap_or(value)
            } else {
                value
            });
        }
    }
    out
}

pub fn snippet(node: Node, src: &[u8]) -> String {
    let range = node.byte_range();
    let mut comments: Vec<Range<usize>> = Vec::new();
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        if n.kind() == "comment" {
            comments.push(n.byte_range());
            continue;
        }
        if comments.len() > 64 {
            break;
        }
        let mut c = n.walk();
        todo.extend(
            n.children(&mut c)
                .filter(|k| k.child_count() > 0 || k.kind() == "comment"),
        );
    }
    comments.sort_by_key(|r| r.start);
    let mut text = String::new();
    let mut at = range.start;
    for c in comments {
        if c.start >= at {
            text.push_str(std::str::from_utf8(src.get(at..c.start).unwrap_or(b"")).unwrap_or(""));
            text.push(' ');
            at = c.end;
        }
    }
    text.push_str(std::str::from_utf8(src.get(at..range.end).unwrap_or(b"")).unwrap_or(""));
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    const MAX: usize = 48;
    if one_line.chars().count() > MAX {
        let cut: String = one_line.chars().take(MAX - 1).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// The dotted parts of a callee (`a.b.c`), if it is a plain dotted name.
pub fn dotted_parts<'s>(node: Node, src: &'s [u8]) -> Option<Vec<&'s str>> {
    let mut parts = Vec::new();
    let mut cur = node;
    loop {
        match cur.kind() {
            "identifier" => {
                parts.push(cur.utf8_text(src).ok()?);
                break;
            }
            "attribute" => {
                parts.push(cur.field("attribute")?.utf8_text(src).ok()?);
                cur = cur.field("object")?;
            }
            _ => return None,
        }
        if parts.len() > 16 {
            return None;
        }
    }
    parts.reverse();
    Some(parts)
}

/// `__secret`, not `__dunder__`: a name Python mangles inside a class.
pub fn is_private_name(name: &str) -> bool {
    name.starts_with("__") && !name.ends_with("__") && name.len() > 2
}

/// Whether `name` occurs as an identifier anywhere under `node`.
pub fn mentions(node: Node, name: &str, src: &[u8]) -> bool {
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        if n.kind() == "identifier" {
            if n.utf8_text(src).is_ok_and(|t| t == name) {
                return true;
            }
            continue;
        }
        let mut c = n.walk();
        todo.extend(n.named_children(&mut c));
    }
    false
}

/// Whether an attribute access `….name` occurs anywhere under `node`.
pub fn mentions_attribute(node: Node, name: &str, src: &[u8]) -> bool {
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        if n.kind() == "attribute"
            && n.field("attribute")
                .is_some_and(|a| a.utf8_text(src).is_ok_and(|t| t == name))
        {
            return true;
        }
        let mut c = n.walk();
        todo.extend(n.named_children(&mut c));
    }
    false
}

/// The only argument of a call, if it has exactly one and it is positional
/// (not `*args`, `**kwargs`, `k=v`, nor a bare generator expression).
pub fn sole_positional_arg(call: Node) -> Option<Node> {
    let args = call.field("arguments")?;
    if args.kind() != "argument_list" {
        return None; // `f(x for x in y)`
    }
    let mut c = args.walk();
    let mut named = args
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment");
    let arg = named.next()?;
    if named.next().is_some()
        || matches!(
            arg.kind(),
            "keyword_argument" | "list_splat" | "dictionary_splat"
        )
    {
        return None;
    }
    Some(arg)
}

/// The named children of `node`, collected (so that the caller may walk
/// them while it borrows other things).
pub fn named_children(node: Node) -> Vec<Node> {
    let mut c = node.walk();
    node.named_children(&mut c).collect()
}

/// The first argument of a call as written: the generator expression itself
/// for `f(x for x in y)` (tree-sitter makes it the call's `arguments`).
pub fn first_arg(call: Node) -> Option<Node> {
    let args = call.field("arguments")?;
    if args.kind() == "generator_expression" {
        return Some(args);
    }
    let mut c = args.walk();
    let first = args.named_children(&mut c).find(|n| n.kind() != "comment");
    first
}

/// The nodes from `from` down to `target` (both included), found by
/// descending into the child that contains `target`: the downward stand-in
/// for a `Node::parent` chain, which tree-sitter answers in O(depth×width).
/// `None` when `target` does not lie under `from`.
pub fn path_down<'t>(from: Node<'t>, target: Node<'t>) -> Option<Vec<Node<'t>>> {
    let mut path = vec![from];
    let mut cur = from;
    while cur.id() != target.id() {
        let mut c = cur.walk();
        cur = cur.named_children(&mut c).find(|ch| {
            ch.start_byte() <= target.start_byte() && target.end_byte() <= ch.end_byte()
        })?;
        path.push(cur);
    }
    Some(path)
}

/// The name of a function's first positional parameter.
pub fn first_param<'s>(def: Node, src: &'s [u8]) -> Option<&'s str> {
    let params = def.field("parameters")?;
    let first = params.named_child(0)?;
    let ident = match first.kind() {
        "identifier" => first,
        "typed_parameter" => first.named_child(0)?,
        "default_parameter" | "typed_default_parameter" => first.field("name")?,
        _ => return None,
    };
    (ident.kind() == "identifier")
        .then(|| ident.utf8_text(src).ok())
        .flatten()
}

/// How code goes up the tree. `Node::parent` makes tree-sitter search down
/// from the root, fine for one hover; a whole-file pass builds the parent of
/// every node once, in one walk.
pub enum Up<'t> {
    Tree,
    Map(HashMap<usize, Node<'t>, BuildHasherDefault<IdHasher>>),
}

impl<'t> Up<'t> {
    pub fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        match self {
            Up::Tree => node.parent(),
            Up::Map(parents) => parents.get(&node.id()).copied(),
        }
    }
}

/// A hasher for node ids (addresses, distinct within a tree): one multiply
/// instead of SipHash, for maps with an entry per node.
#[derive(Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        // Addresses end in zero bits: fold the product's high half down.
        let m = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = m ^ (m >> 32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> tree_sitter::Tree {
        crate::analysis::syntax::parse(src, None).unwrap()
    }

    #[test]
    fn snippets_drop_comments_and_collapse_lines() {
        let src = "register(on_done,  # <1>\n         timeout=3)\n";
        let tree = parse(src);
        let call = tree
            .root_node()
            .named_child(0)
            .unwrap()
            .named_child(0)
            .unwrap();
        assert_eq!(
            snippet(call, src.as_bytes()),
            "register(on_done, timeout=3)"
        );
    }

    #[test]
    fn own_nodes_skip_nested_scopes() {
        let src = "def f():\n    yield 1\n    def g():\n        yield 2\n    lambda: (yield)\n";
        let tree = parse(src);
        let f = tree.root_node().named_child(0).unwrap();
        let yields = own_body(f).filter(|n| n.kind() == "yield").count();
        assert_eq!(yields, 1);
        assert_eq!(fn_kind(f), FnKind::Generator);
    }
}
