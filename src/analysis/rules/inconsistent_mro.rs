//! `inconsistent-mro` (§4.5): bases whose C3 linearization has no consistent
//! order; the `class` statement raises `TypeError` when it runs.

use tree_sitter::Node;

use super::{Ctx, Diagnostic, Fixes, Rule, Severity};
use crate::analysis::mro::{bases, mro, MroError};

pub const RULE: Rule = Rule {
    id: "inconsistent-mro",
    note: "mro",
    severity: Severity::Error,
    fix: Fixes::None,
    peers: &["E0240"],
    kinds: &["class_definition"],
    check,
};

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    // Module-level classes only (the module's class table), with two or
    // more bases: only there can C3 fail first.
    if !ctx.stack.is_empty() {
        return;
    }
    let listed = bases(node, ctx.src);
    if listed.len() < 2 {
        return;
    }
    let Some(name_node) = node.child_by_field_name("name") else {
        return;
    };
    let name = ctx.text(name_node);
    if mro(ctx.parsed, name) != Err(MroError::Inconsistent) {
        return;
    }
    // Report where it fails first: not when a base is itself inconsistent.
    if listed
        .iter()
        .any(|b| mro(ctx.parsed, b) == Err(MroError::Inconsistent))
    {
        return;
    }
    out.push(Diagnostic {
        rule: RULE.id,
        range: name_node.byte_range(),
        args: vec![
            ("class".into(), name.to_string()),
            ("bases".into(), listed.join(", ")),
        ],
        fix: None,
    });
}
