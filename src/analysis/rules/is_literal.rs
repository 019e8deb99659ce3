//! `is-literal` (§7.2): `is` compares identity; comparing with a literal
//! depends on CPython's caching of small ints and strings.

use tree_sitter::Node;

use super::{Ctx, Diagnostic, Edit, Fix, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: "is-literal",
    note: "eq-vs-is",
    severity: Severity::Warning,
    fix: Some(Safety::Safe),
    peers: &["F632"],
    kinds: &["comparison_operator"],
    check,
};

fn is_literal(node: Node) -> bool {
    match node.kind() {
        "string" | "concatenated_string" | "integer" | "float" | "tuple" | "list"
        | "dictionary" | "set" => true,
        "unary_operator" => node
            .child_by_field_name("argument")
            .is_some_and(|a| matches!(a.kind(), "integer" | "float")),
        "parenthesized_expression" => node.named_child(0).is_some_and(is_literal),
        _ => false,
    }
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    // Operands and operators alternate: a OP b OP c ...
    let mut c = node.walk();
    let children: Vec<Node> = node.children(&mut c).filter(|n| n.kind() != "comment").collect();
    let mut i = 1;
    while i + 1 < children.len() {
        let (left, op, right) = (children[i - 1], children[i], children[i + 1]);
        let op_text = op.kind();
        if (op_text == "is" || op_text == "is not") && (is_literal(left) || is_literal(right)) {
            let replacement = if op_text == "is" { "==" } else { "!=" };
            out.push(Diagnostic {
                rule: RULE.id,
                range: left.start_byte()..right.end_byte(),
                args: vec![
                    ("op".into(), op_text.to_string()),
                    ("replacement".into(), replacement.to_string()),
                    ("left".into(), super::super::explain::snippet(left, ctx.src)),
                    ("right".into(), super::super::explain::snippet(right, ctx.src)),
                ],
                fix: Some(Fix {
                    safety: Safety::Safe,
                    edits: vec![Edit {
                        range: op.byte_range(),
                        text: replacement.into(),
                    }],
                }),
            });
        }
        i += 2;
    }
}
