//! Inlay hints: facts about a definition that the course teaches and the
//! header does not show. Plain data; the labels are rendered in
//! `render::hint_label`, the positions converted by the server.
//!
//! - At the end of a module-level class header with two or more positional
//!   bases (after the `)` of the bases): its C3 MRO, when the semantic model
//!   knows it (through the user's files and the stdlib; not with a base it
//!   cannot follow, not when C3 fails).
//! - Right before the `:` of an undecorated `def` (after its parameters, or
//!   after its return annotation) whose calls do not run the body: generator,
//!   coroutine or async generator. A decorator may wrap the function into
//!   anything, so decorated functions get none (as the `generator-function`
//!   trigger predicate).

use crate::analysis::syntax::Fields;
use std::ops::Range;

use tree_sitter::Node;

use super::semantic::infer::Infer;
use super::tree::FnKind;
use super::Parsed;

/// What a hint says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HintKind {
    /// The class's MRO, the class itself first, `object` last.
    Mro(Vec<String>),
    /// What calling the function returns; never [`FnKind::Plain`].
    Fn(FnKind),
}

/// One hint, shown at a byte offset of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub offset: usize,
    pub kind: HintKind,
}

/// The hints whose offsets lie in `range` (both ends included, clamped to the
/// text), in text order.
pub fn inlay_hints(parsed: &Parsed, range: Range<usize>) -> Vec<Hint> {
    let Some(tree) = parsed.tree.as_ref() else {
        return Vec::new();
    };
    let len = parsed.text.len();
    let (start, end) = (range.start.min(len), range.end.min(len));
    if start > end {
        return Vec::new();
    }
    let root = tree.root_node();
    let world = parsed.world();
    let infer = Infer::new(&world);
    let mut out = Vec::new();
    // (node, is it a module-level statement, is it the definition of a
    // decorated_definition)
    let mut stack = vec![(root, false, false)];
    while let Some((node, module_level, decorated)) = stack.pop() {
        let hint = match node.kind() {
            "class_definition" if module_level => class_hint(&infer, node),
            "function_definition" if !decorated => function_hint(&infer, node),
            _ => None,
        };
        if let Some(h) = hint.filter(|h| start <= h.offset && h.offset <= end) {
            out.push(h);
        }
        let is_root = node.id() == root.id();
        let is_decorated = node.kind() == "decorated_definition";
        let mut c = node.walk();
        for child in node.named_children(&mut c) {
            // A hint lies inside its definition: skip what the range misses.
            if child.end_byte() < start || child.start_byte() > end {
                continue;
            }
            let child_module_level = is_root || (module_level && is_decorated);
            stack.push((child, child_module_level, is_decorated));
        }
    }
    out.sort_by_key(|h| h.offset);
    out
}

/// The MRO hint after the bases of a class with two or more positional bases.
fn class_hint(infer: &Infer, class: Node) -> Option<Hint> {
    let bases = class.field("superclasses")?;
    let mut c = bases.walk();
    let positional = bases
        .named_children(&mut c)
        .filter(|n| !matches!(n.kind(), "keyword_argument" | "comment"))
        .count();
    if positional < 2 {
        return None;
    }
    let class = infer.node_class(class)?;
    let order = infer.mro(&class).ok()?;
    Some(Hint {
        offset: bases.end_byte(),
        kind: HintKind::Mro(order.iter().map(|c| infer.class_name(c)).collect()),
    })
}

/// The kind hint before the `:` of a generator, coroutine or async generator
/// function.
fn function_hint(infer: &Infer, func: Node) -> Option<Hint> {
    let kind = infer.function_kind(func);
    if kind == FnKind::Plain {
        return None;
    }
    let before_colon = func
        .field("return_type")
        .or_else(|| func.field("parameters"))?;
    Some(Hint {
        offset: before_colon.end_byte(),
        kind: HintKind::Fn(kind),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hints(src: &str) -> Vec<(String, HintKind)> {
        let parsed = Parsed::new(src.to_string());
        inlay_hints(&parsed, 0..src.len())
            .into_iter()
            .map(|h| {
                (
                    src[..h.offset].lines().last().unwrap_or("").to_string(),
                    h.kind,
                )
            })
            .collect()
    }

    fn mro_of(names: &[&str]) -> HintKind {
        HintKind::Mro(names.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn diamond_gets_its_mro_after_the_bases() {
        let src = "class A: pass\nclass B(A): pass\nclass C(A): pass\nclass D(B, C):\n    pass\n";
        assert_eq!(
            hints(src),
            [(
                "class D(B, C)".to_string(),
                mro_of(&["D", "B", "C", "A", "object"])
            )]
        );
    }

    #[test]
    fn no_mro_hint_when_unknown_inconsistent_single_base_or_nested() {
        for src in [
            // An imported base: cannot tell.
            "from x import Base\nclass A: pass\nclass M(Base, A): pass\n",
            // C3 fails.
            "class A: pass\nclass B(A): pass\nclass X(A, B): pass\n",
            // One base (and a keyword argument is not a base).
            "class A: pass\nclass B(A, metaclass=type): pass\n",
            // Not at module level: the hint is for module-level headers.
            "class A: pass\nclass B: pass\ndef f():\n    class C(A, B): pass\n",
        ] {
            assert!(hints(src).is_empty(), "{src}");
        }
    }

    #[test]
    fn each_class_statement_gets_the_mro_of_its_own_bases() {
        let src = "class A: pass\nclass B: pass\nclass C(A, B): pass\nclass C(B, A): pass\n";
        assert_eq!(
            hints(src),
            [
                (
                    "class C(A, B)".to_string(),
                    mro_of(&["C", "A", "B", "object"])
                ),
                (
                    "class C(B, A)".to_string(),
                    mro_of(&["C", "B", "A", "object"])
                ),
            ]
        );
    }

    #[test]
    fn decorated_module_class_keeps_its_mro_hint() {
        let src = "class A: pass\nclass B: pass\n@dataclass\nclass C(A, B): pass\n";
        assert_eq!(
            hints(src),
            [(
                "class C(A, B)".to_string(),
                mro_of(&["C", "A", "B", "object"])
            )]
        );
    }

    #[test]
    fn function_kinds_before_the_colon() {
        let src = "\
def gen(n):
    yield n
async def co() -> int:
    return 1
async def agen():
    yield 1
def plain():
    return (x for x in ())
class K:
    def method(self):
        def inner():
            yield 1
        return inner
@wraps
def decorated():
    yield 1
lam = lambda: (yield)
";
        assert_eq!(
            hints(src),
            [
                ("def gen(n)".to_string(), HintKind::Fn(FnKind::Generator)),
                (
                    "async def co() -> int".to_string(),
                    HintKind::Fn(FnKind::Coroutine)
                ),
                (
                    "async def agen()".to_string(),
                    HintKind::Fn(FnKind::AsyncGenerator)
                ),
                (
                    "        def inner()".to_string(),
                    HintKind::Fn(FnKind::Generator)
                ),
            ]
        );
    }

    #[test]
    fn only_hints_inside_the_range() {
        let src = "def a():\n    yield 1\ndef b():\n    yield 2\n";
        let parsed = Parsed::new(src.to_string());
        let b = src.find("def b").unwrap();
        let a_end = src.find("():").unwrap() + 2;
        let b_end = b + "def b()".len();
        let offsets = |r: Range<usize>| -> Vec<usize> {
            inlay_hints(&parsed, r).iter().map(|h| h.offset).collect()
        };
        assert_eq!(offsets(0..src.len()), [a_end, b_end]);
        assert_eq!(offsets(b..src.len()), [b_end]);
        assert_eq!(offsets(0..a_end), [a_end], "the end is included");
        assert!(offsets(0..a_end - 1).is_empty());
        assert_eq!(offsets(b_end..b_end), [b_end]);
        // Reversed, past the end: nothing, no panic.
        assert!(offsets(b_end..1).is_empty());
        assert!(offsets(1000..2000).is_empty());
    }

    #[test]
    fn broken_code_never_panics() {
        for src in [
            "def f(:\n yield",
            "class A(B, C",
            "async def",
            "class (A, B): pass",
            "",
        ] {
            let _ = hints(src);
        }
    }
}
