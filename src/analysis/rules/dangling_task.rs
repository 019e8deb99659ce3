//! `dangling-task` (§13.6): a task whose reference is dropped at once can be
//! garbage-collected before it finishes (the loop keeps only weak references
//! to tasks), and its exception is never retrieved.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::unawaited_coroutine::bare_call;
use super::{Ctx, Diagnostic, Fixes, Rule, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("dangling-task"),
    note: NoteId::from_static("future-task"),
    severity: Severity::Warning,
    fix: Fixes::None,
    peers: &["RUF006"],
    kinds: &["expression_statement"],
    check,
};

/// Functions that schedule a coroutine as a task and return it.
const SPAWNERS: &[&str] = &[
    "asyncio.create_task",
    "asyncio.ensure_future",
    "asyncio.tasks.create_task",
    "asyncio.tasks.ensure_future",
];

/// Functions returning an event loop.
const LOOPS: &[&str] = &[
    "asyncio.get_event_loop",
    "asyncio.get_running_loop",
    "asyncio.new_event_loop",
    "asyncio.events.get_event_loop",
    "asyncio.events.get_running_loop",
    "asyncio.events.new_event_loop",
];

/// `loop.create_task` where `loop` is known to hold an event loop, or
/// `asyncio.get_running_loop().create_task`.
fn is_loop(ctx: &Ctx, obj: Node) -> bool {
    match obj.kind() {
        "identifier" => ctx.holds(obj, LOOPS),
        "call" => {
            let empty = obj
                .field("arguments")
                .is_some_and(|a| a.kind() == "argument_list" && a.named_child_count() == 0);
            empty
                && obj
                    .field("function")
                    .and_then(|f| ctx.resolve(f))
                    .is_some_and(|q| LOOPS.contains(&q.as_str()))
        }
        _ => false,
    }
}

/// Whether the statement is directly in the body of
/// `with self.assertRaises(...)` or `with pytest.raises(...)`: a test that
/// expects the call to fail, so no task is created. (Two `parent()` calls,
/// not a loop.)
fn expected_to_raise(ctx: &Ctx, stmt: Node) -> bool {
    let Some(with) = stmt
        .parent()
        .filter(|b| b.kind() == "block")
        .and_then(|b| b.parent())
        .filter(|w| w.kind() == "with_statement")
    else {
        return false;
    };
    super::expects_exception(ctx, with)
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let Some(call) = bare_call(node) else {
        return;
    };
    let Some(func) = call.field("function") else {
        return;
    };
    let last = ctx.last_name(func);
    if last != "create_task" && last != "ensure_future" {
        return;
    }
    let spawned = ctx
        .resolve(func)
        .is_some_and(|q| SPAWNERS.contains(&q.as_str()))
        || (last == "create_task"
            && func.kind() == "attribute"
            && func.field("object").is_some_and(|o| is_loop(ctx, o)));
    if !spawned || expected_to_raise(ctx, node) {
        return;
    }
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: call.byte_range(),
        args: vec![(Key::Call, crate::analysis::tree::snippet(call, ctx.src))].into(),
        fix: None,
    });
}
