//! `inconsistent-mro` (§4.5): bases whose C3 linearization has no consistent
//! order; the `class` statement raises `TypeError` when it runs.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Fixes, Rule, Severity};
use crate::analysis::semantic::lookup::MroError;

pub const RULE: Rule = Rule {
    id: RuleId::from_static("inconsistent-mro"),
    note: NoteId::from_static("mro"),
    severity: Severity::Error,
    fix: Fixes::None,
    peers: &["E0240"],
    kinds: &["class_definition"],
    check,
};

/// The positional bases of a class definition, as written.
fn bases<'a>(ctx: &Ctx<'a>, class: Node<'a>) -> Vec<Node<'a>> {
    let Some(list) = class.field("superclasses") else {
        return Vec::new();
    };
    let mut c = list.walk();
    let found: Vec<Node> = list
        .named_children(&mut c)
        .filter(|n| {
            !matches!(
                n.kind(),
                "keyword_argument" | "comment" | "list_splat" | "dictionary_splat"
            )
        })
        .collect();
    let _ = ctx;
    found
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    // Two or more bases: only there can C3 fail first.
    let listed = bases(ctx, node);
    if listed.len() < 2 {
        return;
    }
    let Some(name_node) = node.field("name") else {
        return;
    };
    let name = ctx.text(name_node);
    let Some(class) = ctx.infer.node_class(node) else {
        return;
    };
    if ctx.infer.mro(&class) != Err(MroError::Inconsistent) {
        return;
    }
    // Report where it fails first: not when a base is itself inconsistent.
    let base_inconsistent = listed.iter().any(|b| match ctx.value(*b) {
        crate::analysis::semantic::value::Value::Class(c) => {
            ctx.infer.mro(&c) == Err(MroError::Inconsistent)
        }
        _ => false,
    });
    if base_inconsistent {
        return;
    }
    let listed: Vec<String> = listed
        .iter()
        .map(|b| ctx.text(*b).split_whitespace().collect())
        .collect();
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: name_node.byte_range(),
        args: vec![
            (Key::Class, name.to_string()),
            (Key::Bases, listed.join(", ")),
        ]
        .into(),
        fix: None,
    });
}
