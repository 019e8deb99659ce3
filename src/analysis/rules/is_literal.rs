//! `is-literal` (§7.2): `is` compares identity; comparing with a literal
//! depends on CPython's caching of small ints and strings.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("is-literal"),
    note: NoteId::from_static("eq-vs-is"),
    severity: Severity::Warning,
    fix: Fixes::Mixed,
    peers: &["F632"],
    kinds: &["comparison_operator"],
    check,
};

fn is_literal(node: Node) -> bool {
    match node.kind() {
        "string"
        | "concatenated_string"
        | "integer"
        | "float"
        | "tuple"
        | "list"
        | "dictionary"
        | "set" => true,
        "unary_operator" => node
            .field("argument")
            .is_some_and(|a| matches!(a.kind(), "integer" | "float")),
        "parenthesized_expression" => node.named_child(0).is_some_and(is_literal),
        _ => false,
    }
}

/// A literal whose `is` comparison can only be meant as `==`: a string,
/// bytes or number constant (not an f-string, which builds a new object,
/// nor a container, where `is` and `==` are different questions).
fn is_value_constant(node: Node) -> bool {
    match node.kind() {
        "string" => {
            let mut c = node.walk();
            let interpolated = node
                .named_children(&mut c)
                .any(|n| n.kind() == "interpolation");
            !interpolated
        }
        "concatenated_string" => {
            let mut c = node.walk();
            let all = node.named_children(&mut c).all(is_value_constant);
            all
        }
        "integer" | "float" => true,
        "unary_operator" => node
            .field("argument")
            .is_some_and(|a| matches!(a.kind(), "integer" | "float")),
        "parenthesized_expression" => node.named_child(0).is_some_and(is_value_constant),
        _ => false,
    }
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    for (left, op, right) in super::comparison_links(node) {
        let op_text = op.kind();
        if (op_text == "is" || op_text == "is not") && (is_literal(left) || is_literal(right)) {
            let replacement = if op_text == "is" { "==" } else { "!=" };
            out.push(Diagnostic {
                rule: RULE.id,
                variant: None,
                range: left.start_byte()..right.end_byte(),
                args: vec![
                    (Key::Op, op_text.to_string()),
                    (Key::Replacement, replacement.to_string()),
                    (Key::Left, crate::analysis::tree::snippet(left, ctx.src)),
                    (Key::Right, crate::analysis::tree::snippet(right, ctx.src)),
                ]
                .into(),
                fix: Some(Fix {
                    // `[] is not []` is always true, `[] != []` false: for
                    // containers the replacement changes the result.
                    safety: if (is_literal(left) && !is_value_constant(left))
                        || (is_literal(right) && !is_value_constant(right))
                    {
                        Safety::Unsafe
                    } else {
                        Safety::Safe
                    },
                    edits: vec![Edit {
                        range: op.byte_range(),
                        text: replacement.into(),
                    }],
                }),
            });
        }
    }
}
