//! `deprecated-set-daemon` (§11.2): `Thread.setDaemon()` is deprecated since
//! Python 3.10; set the `daemon` attribute instead.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("deprecated-set-daemon"),
    note: NoteId::from_static("threads"),
    severity: Severity::Warning,
    fix: Fixes::Unsafe,
    peers: &[],
    kinds: &["call"],
    check,
};

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    // Cheapest test first: the method name is unique to `threading.Thread`.
    let Some(call) = ctx.method_call(node).filter(|c| c.method == "setDaemon") else {
        return;
    };
    let (receiver, args) = (call.receiver, call.args);
    if args.kind() != "argument_list" {
        return;
    }
    let mut c = args.walk();
    let items: Vec<Node> = args.named_children(&mut c).collect();
    // `setDaemon(flag)` or `setDaemon(daemonic=flag)`; anything else is not
    // the threading method.
    let value = match items.as_slice() {
        [one] if one.kind() == "keyword_argument" => {
            if one.field("name").map(|n| ctx.text(n)) != Some("daemonic") {
                return;
            }
            match one.field("value") {
                Some(v) => v,
                None => return,
            }
        }
        [one] if !matches!(one.kind(), "list_splat" | "dictionary_splat" | "comment") => *one,
        _ => return,
    };
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: node.byte_range(),
        args: vec![
            (Key::Call, crate::analysis::tree::snippet(node, ctx.src)),
            (
                Key::Receiver,
                crate::analysis::tree::snippet(receiver, ctx.src),
            ),
            (Key::Value, crate::analysis::tree::snippet(value, ctx.src)),
        ]
        .into(),
        fix: fix(ctx, node, receiver, value),
    });
}

/// `t.setDaemon(x)` -> `t.daemon = x`, only for a call that is a whole
/// statement on one line, on what is known to be a `threading.Thread`.
/// Unsafe: the `DeprecationWarning` that `setDaemon` emits (3.10+) goes away,
/// and a program may rely on it (a test asserting it, `-W error`).
fn fix(ctx: &Ctx, call: Node, receiver: Node, value: Node) -> Option<Fix> {
    if !ctx.holds(receiver, &["threading.Thread"]) {
        return None;
    }
    // One parent() call, on a rare node: fine.
    let stmt = call.parent()?;
    if stmt.kind() != "expression_statement" || stmt.named_child_count() != 1 {
        return None;
    }
    if ctx.text(call).contains(['\n', '\r', '#']) {
        return None;
    }
    let value_text = match value.kind() {
        // A walrus needs parentheses on the right of `=`.
        "named_expression" => format!("({})", ctx.text(value)),
        _ => ctx.text(value).to_string(),
    };
    Some(Fix {
        safety: Safety::Unsafe,
        edits: vec![Edit {
            range: call.byte_range(),
            text: format!("{}.daemon = {value_text}", ctx.text(receiver)),
        }],
    })
}
