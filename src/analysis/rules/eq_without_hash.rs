//! `eq-without-hash` (§6.5): a class that defines `__eq__` but not
//! `__hash__` gets `__hash__ = None`: its instances cannot be set members or
//! dict keys.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Fixes, Rule, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("eq-without-hash"),
    note: NoteId::from_static("hashing-performance"),
    severity: Severity::Info,
    fix: Fixes::None,
    peers: &["PLW1641"],
    kinds: &["class_definition"],
    check,
};

/// Class decorators known not to add a `__hash__`; any other decorator
/// (`@dataclass(frozen=True)`, `@attr.s(hash=True)`, ...) might.
const HARMLESS_DECORATORS: &[&str] = &[
    "functools.total_ordering",
    "enum.unique",
    "typing.final",
    "typing_extensions.final",
];

/// The function a class-body statement defines, if any.
fn def_of(stmt: Node) -> Option<Node> {
    match stmt.kind() {
        "function_definition" => Some(stmt),
        "decorated_definition" => stmt
            .field("definition")
            .filter(|d| d.kind() == "function_definition"),
        _ => None,
    }
}

fn is_named(def: Node, src: &[u8], name: &str) -> bool {
    def.field("name").and_then(|n| n.utf8_text(src).ok()) == Some(name)
}

/// The `def __eq__` directly in a class body, and whether it is decorated.
fn eq_def<'t>(block: Node<'t>, src: &[u8]) -> Option<(Node<'t>, Node<'t>)> {
    let mut c = block.walk();
    let stmts: Vec<Node> = block.named_children(&mut c).collect();
    stmts.into_iter().find_map(|s| {
        def_of(s)
            .filter(|d| is_named(*d, src, "__eq__"))
            .map(|d| (s, d))
    })
}

/// Whether the class body binds `__hash__` (a `def` or an assignment),
/// also under class-level `if`/`try`/`with`.
fn binds_hash(block: Node, src: &[u8]) -> bool {
    let mut c = block.walk();
    let stmts: Vec<Node> = block.named_children(&mut c).collect();
    stmts.into_iter().any(|stmt| match stmt.kind() {
        "function_definition" | "decorated_definition" => {
            def_of(stmt).is_some_and(|d| is_named(d, src, "__hash__"))
        }
        "expression_statement" => {
            let mut c2 = stmt.walk();
            let exprs: Vec<Node> = stmt.named_children(&mut c2).collect();
            exprs.into_iter().any(|e| assigns_hash(e, src))
        }
        "if_statement" | "try_statement" | "with_statement" | "elif_clause" | "else_clause"
        | "except_clause" | "finally_clause" | "block" => binds_hash(stmt, src),
        _ => false,
    })
}

fn is_hash_name(name: Node, src: &[u8]) -> bool {
    name.kind() == "identifier" && name.utf8_text(src).ok() == Some("__hash__")
}

/// `__hash__ = ...`, `__hash__: ClassVar[...] = ...`, `a = __hash__ = ...`,
/// `__hash__, x = ...`.
fn assigns_hash(expr: Node, src: &[u8]) -> bool {
    let mut cur = Some(expr);
    while let Some(a) = cur.filter(|a| a.kind() == "assignment") {
        if let Some(left) = a.field("left") {
            let hit = match left.kind() {
                "identifier" => is_hash_name(left, src),
                "pattern_list" | "tuple_pattern" | "list_pattern" => {
                    let mut c = left.walk();
                    let names: Vec<Node> = left.named_children(&mut c).collect();
                    names.into_iter().any(|n| is_hash_name(n, src))
                }
                _ => false,
            };
            if hit {
                return true;
            }
        }
        cur = a.field("right");
    }
    false
}

/// Whether a method declares an interface rather than implementing it: an
/// `@abstractmethod`, or a body that is only a docstring, `...`, `pass` or
/// `raise NotImplementedError`.
fn is_interface(stmt: Node, func: Node, src: &[u8]) -> bool {
    if stmt.kind() == "decorated_definition" {
        let mut c = stmt.walk();
        let decorators: Vec<Node> = stmt.named_children(&mut c).collect();
        if decorators.into_iter().any(|d| {
            d.kind() == "decorator"
                && d.utf8_text(src)
                    .is_ok_and(|t| t.trim_end().ends_with("abstractmethod"))
        }) {
            return true;
        }
    }
    let Some(body) = func.field("body") else {
        return true;
    };
    let mut c = body.walk();
    let stmts: Vec<Node> = body.named_children(&mut c).collect();
    stmts.into_iter().all(|s| match s.kind() {
        "pass_statement" | "comment" => true,
        "raise_statement" => s.named_child(0).is_some_and(|e| {
            let callee = if e.kind() == "call" {
                e.field("function").unwrap_or(e)
            } else {
                e
            };
            callee.utf8_text(src).ok() == Some("NotImplementedError")
        }),
        "expression_statement" => s
            .named_child(0)
            .is_some_and(|e| matches!(e.kind(), "string" | "ellipsis")),
        _ => false,
    })
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let Some(body) = node.field("body") else {
        return;
    };
    let Some((eq_stmt, eq)) = eq_def(body, ctx.src) else {
        return;
    };
    if is_interface(eq_stmt, eq, ctx.src) || binds_hash(body, ctx.src) {
        return;
    }
    let class_name = ctx.name_of(node);
    // `Cls.__hash__ = ...` after the class body.
    if ctx
        .parsed
        .text
        .contains(&format!("{class_name}.__hash__ ="))
    {
        return;
    }
    // A class decorator may generate `__hash__` (`@dataclass(frozen=True)`).
    // `Node::parent` once, not in a loop.
    if let Some(parent) = node.parent().filter(|p| p.kind() == "decorated_definition") {
        let mut c = parent.walk();
        let decorators: Vec<Node> = parent
            .named_children(&mut c)
            .filter(|d| d.kind() == "decorator")
            .collect();
        for d in decorators {
            let known = d.named_child(0).is_some_and(|expr| {
                ctx.resolve(expr)
                    .is_some_and(|q| HARMLESS_DECORATORS.contains(&q.as_str()))
            });
            if !known {
                return;
            }
        }
    }
    // A `typing.Protocol` describes an interface; it is not hashed itself.
    if let Some(supers) = node.field("superclasses") {
        let mut c = supers.walk();
        let bases: Vec<Node> = supers.named_children(&mut c).collect();
        if bases.into_iter().any(|b| {
            let name = if b.kind() == "subscript" {
                b.field("value").unwrap_or(b)
            } else {
                b
            };
            ctx.last_name(name) == "Protocol"
        }) {
            return;
        }
    }
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        // The header: `def __eq__(self, other)`.
        range: eq.start_byte()
            ..eq.field("parameters")
                .map_or(eq.end_byte(), |p| p.end_byte()),
        args: vec![(Key::Class, class_name.to_string())].into(),
        fix: None,
    });
}
