//! `deprecated-get-event-loop` (§13.1): `asyncio.get_event_loop()` outside a
//! coroutine is deprecated (3.10-3.13 warn when it has to create a loop;
//! 3.14 raises `RuntimeError` when no loop is set).

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{import_module, is_async, Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("deprecated-get-event-loop"),
    note: NoteId::from_static("event-loop"),
    severity: Severity::Info,
    fix: Fixes::Unsafe,
    peers: &[],
    kinds: &["call"],
    check,
};

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let Some(func) = node.field("function") else {
        return;
    };
    if ctx.last_name(func) != "get_event_loop" {
        return;
    }
    let no_args = node
        .field("arguments")
        .is_some_and(|a| a.kind() == "argument_list" && a.named_child_count() == 0);
    if !no_args || ctx.stack.iter().any(|s| is_async(*s)) {
        return;
    }
    let Some(qual) = ctx.resolve(func) else {
        return;
    };
    if qual != "asyncio.get_event_loop" && qual != "asyncio.events.get_event_loop" {
        return;
    }
    // A file that sets the current loop itself gets that loop back, with no
    // warning on any version.
    if ctx.module_calls("set_event_loop") || version_gated(ctx, node) {
        return;
    }
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: node.byte_range(),
        args: vec![(Key::Call, crate::analysis::tree::snippet(node, ctx.src))].into(),
        fix: fix(ctx, node, func, &qual),
    });
}

/// Whether `node` lies in an `if` (or a conditional expression) that tests
/// `sys.version_info`: code kept for older Pythons. Searches downward from
/// the root.
fn version_gated(ctx: &Ctx, node: Node) -> bool {
    let Some(mut cur) = ctx.root() else {
        return false;
    };
    let range = node.byte_range();
    let tests_version = |n: Node| super::mentions(n, "version_info", ctx.src);
    loop {
        if cur.id() == node.id() {
            return false;
        }
        let gated = match cur.kind() {
            "if_statement" => {
                let mut c = cur.walk();
                cur.field("condition").is_some_and(tests_version)
                    || cur
                        .named_children(&mut c)
                        .filter(|n| n.kind() == "elif_clause")
                        .filter_map(|n| n.field("condition"))
                        .any(tests_version)
            }
            "conditional_expression" => tests_version(cur),
            _ => false,
        };
        if gated {
            return true;
        }
        let mut c = cur.walk();
        let next = cur
            .named_children(&mut c)
            .find(|n| n.start_byte() <= range.start && range.end <= n.end_byte());
        match next {
            Some(n) => cur = n,
            None => return false,
        }
    }
}

/// `asyncio.get_event_loop().run_until_complete(x)` -> `asyncio.run(x)`.
fn fix(ctx: &Ctx, node: Node, func: Node, qual: &str) -> Option<Fix> {
    // Two parent() calls, not a loop.
    let attr = node.parent().filter(|p| p.kind() == "attribute")?;
    if attr.field("object")?.id() != node.id() || ctx.last_name(attr) != "run_until_complete" {
        return None;
    }
    let outer = attr.parent().filter(|p| p.kind() == "call")?;
    if outer.field("function")?.id() != attr.id() {
        return None;
    }
    let arg = crate::analysis::tree::sole_positional_arg(outer)?;
    let mut edits = Vec::new();
    let run = match func.kind() {
        "attribute" if qual == "asyncio.get_event_loop" => {
            let obj = func.field("object")?;
            if obj.kind() != "identifier" {
                return None;
            }
            format!("{}.run", ctx.text(obj))
        }
        "identifier" => {
            let (asyncio, import) = import_module(ctx, "asyncio", node)?;
            edits.extend(import);
            format!("{asyncio}.run")
        }
        _ => return None,
    };
    edits.push(Edit {
        range: outer.byte_range(),
        text: format!("{run}({})", ctx.text(arg)),
    });
    Some(Fix {
        safety: Safety::Unsafe,
        edits,
    })
}
