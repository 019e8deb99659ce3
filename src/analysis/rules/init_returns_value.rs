//! `init-returns-value` (§8.4): `__init__` initialises an object that
//! already exists; returning anything but `None` raises `TypeError`.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Fixes, Rule, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("init-returns-value"),
    note: NoteId::from_static("new-vs-init"),
    severity: Severity::Error,
    fix: Fixes::None,
    peers: &["PLE0101"],
    kinds: &["return_statement"],
    check,
};

/// Whether a returned expression may well be `None` at run time: `None`, a
/// call (`return super().__init__(...)` is a common, harmless idiom) or an
/// `await`. Everything else is flagged.
fn may_be_none(value: Node) -> bool {
    match value.kind() {
        "none" | "call" | "await" => true,
        "parenthesized_expression" => value.named_child(0).is_none_or(may_be_none),
        _ => false,
    }
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let Some(value) = node.named_child(0).filter(|v| v.kind() != "comment") else {
        return; // bare `return`
    };
    if may_be_none(value) {
        return;
    }
    // Directly in `def __init__`, itself directly in a class body.
    let n = ctx.stack.len();
    if n < 2 {
        return;
    }
    let (func, class) = (ctx.stack[n - 1], ctx.stack[n - 2]);
    if func.kind() != "function_definition" || class.kind() != "class_definition" {
        return;
    }
    if func.field("name").map(|n| ctx.text(n)) != Some("__init__") {
        return;
    }
    let class_name = ctx.name_of(class);
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: node.byte_range(),
        args: vec![
            (Key::Value, crate::analysis::tree::snippet(value, ctx.src)),
            (Key::Class, class_name.to_string()),
        ]
        .into(),
        fix: None,
    });
}
