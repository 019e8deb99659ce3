//! `division-parity` (§5.7): `x / 2 == 0` is true only for 0; the parity
//! test is `x % 2 == 0`.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("division-parity"),
    note: NoteId::from_static("comprehensions"),
    severity: Severity::Warning,
    fix: Fixes::Unsafe,
    peers: &[],
    kinds: &["comparison_operator"],
    check,
};

/// `<x> / 2`: the `/` operator node.
fn halving<'t>(ctx: &Ctx, node: Node<'t>) -> Option<Node<'t>> {
    if node.kind() != "binary_operator" {
        return None;
    }
    let op = node.field("operator")?;
    let right = node.field("right")?;
    (op.kind() == "/" && right.kind() == "integer" && ctx.text(right) == "2").then_some(op)
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    for (left, op, right) in super::comparison_links(node) {
        if op.kind() != "==" && op.kind() != "!=" {
            continue;
        }
        let is_parity_value = |n: Node| n.kind() == "integer" && matches!(ctx.text(n), "0" | "1");
        let (div, slash) = match (halving(ctx, left), halving(ctx, right)) {
            (Some(s), _) if is_parity_value(right) => (left, s),
            (_, Some(s)) if is_parity_value(left) => (right, s),
            _ => continue,
        };
        let snippet = |n: Node| crate::analysis::tree::snippet(n, ctx.src);
        let comparison = format!("{} {} {}", snippet(left), op.kind(), snippet(right));
        let value = snippet(div.field("left").unwrap_or(div));
        let fixed = if left.id() == div.id() {
            format!("{value} % 2 {} {}", op.kind(), snippet(right))
        } else {
            format!("{} {} {value} % 2", snippet(left), op.kind())
        };
        out.push(Diagnostic {
            rule: RULE.id,
            variant: None,
            range: left.start_byte()..right.end_byte(),
            args: vec![
                (Key::Comparison, comparison),
                (Key::Fixed, fixed),
                (Key::Value, value),
            ]
            .into(),
            fix: Some(Fix {
                safety: Safety::Unsafe,
                edits: vec![Edit {
                    range: slash.byte_range(),
                    text: "%".into(),
                }],
            }),
        });
    }
}
