//! `type-comparison` (§4.3): `type(x) == T` matches only the exact class;
//! `isinstance(x, T)` also accepts subclasses, `type(x) is T` says "exactly".

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("type-comparison"),
    note: NoteId::from_static("isinstance-vs-type"),
    severity: Severity::Warning,
    fix: Fixes::Unsafe,
    peers: &["E721"],
    kinds: &["comparison_operator"],
    check,
};

/// The single positional argument of `type(<arg>)`, if `node` is such a
/// call of the builtin `type`.
fn type_call_arg<'t>(ctx: &Ctx, node: Node<'t>) -> Option<Node<'t>> {
    if node.kind() != "call" {
        return None;
    }
    let func = node.field("function")?;
    if func.kind() != "identifier" || ctx.text(func) != "type" {
        return None;
    }
    let arg = crate::analysis::tree::sole_positional_arg(node)?;
    if ctx.resolve(func).as_deref() != Some("builtins.type") {
        return None;
    }
    Some(arg)
}

/// A class written as a (dotted) name: `int`, `cls`, `models.Model`.
fn is_class_ref(node: Node) -> bool {
    match node.kind() {
        "identifier" => true,
        "attribute" => node.field("object").is_some_and(is_class_ref),
        _ => false,
    }
}

fn snippet(ctx: &Ctx, node: Node) -> String {
    crate::analysis::tree::snippet(node, ctx.src)
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let links = super::comparison_links(node);
    let single = links.len() == 1;
    for (left, op, right) in links {
        let op_text = op.kind();
        if op_text != "==" && op_text != "!=" {
            continue;
        }
        // Cheapest test first: one side is a call, the other a name
        // (`type(a) == type(b)` compares exact classes on purpose).
        let (call, class) = if left.kind() == "call" && is_class_ref(right) {
            (left, right)
        } else if right.kind() == "call" && is_class_ref(left) {
            (right, left)
        } else {
            continue;
        };
        let Some(arg) = type_call_arg(ctx, call) else {
            continue;
        };
        let negate = op_text == "!=";
        let not = if negate { "not " } else { "" };
        let replacement = format!("{not}isinstance({}, {})", ctx.text(arg), ctx.text(class));
        // Only a lone comparison can be replaced whole: in a chain
        // (`a < type(x) == T`) the operands are shared.
        let fix = single.then(|| Fix {
            safety: Safety::Unsafe,
            edits: vec![Edit {
                range: node.byte_range(),
                text: replacement,
            }],
        });
        out.push(Diagnostic {
            rule: RULE.id,
            variant: None,
            range: left.start_byte()..right.end_byte(),
            args: vec![
                (
                    Key::Comparison,
                    format!("{} {op_text} {}", snippet(ctx, left), snippet(ctx, right)),
                ),
                (
                    Key::Suggestion,
                    format!(
                        "{not}isinstance({}, {})",
                        snippet(ctx, arg),
                        snippet(ctx, class)
                    ),
                ),
                (
                    Key::Exact,
                    format!(
                        "type({}) {} {}",
                        snippet(ctx, arg),
                        if negate { "is not" } else { "is" },
                        snippet(ctx, class)
                    ),
                ),
            ]
            .into(),
            fix,
        });
    }
}
