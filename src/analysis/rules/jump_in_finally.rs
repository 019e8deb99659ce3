//! `jump-in-finally` (§4.11): `return`, `break` or `continue` leaving a
//! `finally` block discards the exception in flight (and overrides a return
//! value of the `try`). A `SyntaxWarning` since Python 3.14 (PEP 765).

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Fixes, Rule, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("jump-in-finally"),
    note: NoteId::from_static("with-statement"),
    severity: Severity::Warning,
    fix: Fixes::None,
    peers: &["B012", "PLW0150"],
    kinds: &["finally_clause"],
    check,
};

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    // (node, inside a loop that is itself inside this finally block)
    let mut todo: Vec<(Node, bool)> = Vec::new();
    let mut c = node.walk();
    todo.extend(node.named_children(&mut c).map(|n| (n, false)));
    let mut found: Vec<Node> = Vec::new();
    while let Some((n, in_loop)) = todo.pop() {
        match n.kind() {
            "return_statement" => found.push(n),
            "break_statement" | "continue_statement" if !in_loop => found.push(n),
            // Other scopes; a nested `finally` is checked on its own.
            "function_definition" | "lambda" | "class_definition" | "finally_clause" => continue,
            "for_statement" | "while_statement" => {
                // `break` in the loop's body belongs to the loop; in its
                // `else` clause, to the enclosing one.
                let body = n.field("body");
                let mut c = n.walk();
                for ch in n.named_children(&mut c) {
                    let is_body = body.is_some_and(|b| b.id() == ch.id());
                    todo.push((ch, in_loop || is_body));
                }
                continue;
            }
            _ => {}
        }
        if !matches!(
            n.kind(),
            "return_statement" | "break_statement" | "continue_statement"
        ) {
            let mut c = n.walk();
            todo.extend(n.named_children(&mut c).map(|ch| (ch, in_loop)));
        }
    }
    for stmt in found {
        out.push(Diagnostic {
            rule: RULE.id,
            variant: None,
            range: stmt.byte_range(),
            args: vec![(Key::Stmt, crate::analysis::tree::snippet(stmt, ctx.src))].into(),
            fix: None,
        });
    }
}
