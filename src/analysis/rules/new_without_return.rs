//! `new-without-return` (§8.4): `__new__` must return the new object; one
//! that never returns a value makes `Cls()` evaluate to `None` and skips
//! `__init__`.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Fixes, Rule, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("new-without-return"),
    note: NoteId::from_static("new-vs-init"),
    severity: Severity::Warning,
    fix: Fixes::None,
    peers: &[],
    kinds: &["function_definition"],
    check,
};

/// Statements that are not real code: a docstring, `...`, `pass`.
fn is_stub_stmt(stmt: Node) -> bool {
    match stmt.kind() {
        "pass_statement" | "comment" => true,
        "expression_statement" => stmt
            .named_child(0)
            .is_some_and(|e| matches!(e.kind(), "string" | "ellipsis")),
        _ => false,
    }
}

fn statements(block: Node) -> Vec<Node> {
    let mut c = block.walk();
    block
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect()
}

/// The last block among a clause's children (`except E as e: <block>`).
fn last_block(clause: Node) -> Option<Node> {
    let mut c = clause.walk();
    let blocks: Vec<Node> = clause
        .named_children(&mut c)
        .filter(|b| b.kind() == "block")
        .collect();
    blocks.last().copied()
}

/// Whether some `return <value>` (or `yield`) occurs in the function's own
/// body, not counting nested functions, lambdas and classes.
fn returns_value(body: Node) -> bool {
    crate::analysis::tree::own_nodes(body).any(|n| {
        let returns = n.kind() == "return_statement"
            && n.named_child(0).is_some_and(|v| v.kind() != "comment");
        // A generator `__new__` is another mistake.
        returns || n.kind() == "yield"
    })
}

/// Whether control can never run off the end of `block`, for a function
/// with no `return <value>`: its last statement raises, or is an
/// `if`/`try`/`with` whose every way out raises.
fn always_raises(block: Node) -> bool {
    let stmts = statements(block);
    let Some(last) = stmts.last() else {
        return false;
    };
    match last.kind() {
        "raise_statement" => true,
        "if_statement" => {
            let mut has_else = false;
            let mut all = last.field("consequence").is_some_and(always_raises);
            let mut c = last.walk();
            let alts: Vec<Node> = last.children_by_field_name("alternative", &mut c).collect();
            for alt in alts {
                if alt.kind() == "else_clause" {
                    has_else = true;
                }
                let b = alt.field("consequence").or_else(|| alt.field("body"));
                all = all && b.is_some_and(always_raises);
            }
            has_else && all
        }
        "with_statement" => last.field("body").is_some_and(always_raises),
        "try_statement" => {
            let mut c = last.walk();
            let clauses: Vec<Node> = last.named_children(&mut c).collect();
            let finally_raises = clauses.iter().any(|cl| {
                cl.kind() == "finally_clause" && last_block(*cl).is_some_and(always_raises)
            });
            if finally_raises {
                return true;
            }
            let main_ok = match clauses.iter().find(|cl| cl.kind() == "else_clause") {
                Some(e) => e.field("body").is_some_and(always_raises),
                None => last.field("body").is_some_and(always_raises),
            };
            main_ok
                && clauses
                    .iter()
                    .filter(|cl| cl.kind() == "except_clause")
                    .all(|cl| last_block(*cl).is_some_and(always_raises))
        }
        _ => false,
    }
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let Some(name) = node.field("name") else {
        return;
    };
    if ctx.text(name) != "__new__" {
        return;
    }
    // A method: directly in a class body.
    let Some(class) = ctx.stack.last().filter(|s| s.kind() == "class_definition") else {
        return;
    };
    let Some(body) = node.field("body") else {
        return;
    };
    if statements(body).into_iter().all(is_stub_stmt) {
        return; // `...` in a stub, a protocol or an `@overload`
    }
    if returns_value(body) || always_raises(body) {
        return;
    }
    let class_name = ctx.name_of(*class);
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        // The header: `def __new__(cls, ...)`.
        range: node.start_byte()
            ..node
                .field("parameters")
                .map_or(name.end_byte(), |p| p.end_byte()),
        args: vec![(Key::Class, class_name.to_string())].into(),
        fix: None,
    });
}
