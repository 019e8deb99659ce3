//! `acquire-without-release` (§11.4): `lock.acquire()` not followed by a
//! `try` whose `finally` releases the lock stays locked forever when the code
//! in between raises.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Fixes, Rule, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("acquire-without-release"),
    note: NoteId::from_static("thread-sync"),
    severity: Severity::Info,
    fix: Fixes::None,
    peers: &["R1732", "PLR1732"],
    kinds: &["expression_statement"],
    check,
};

/// What a receiver must hold (by its binding) to count as a lock.
const LOCK_KINDS: &[&str] = &[
    "threading.Lock",
    "threading.RLock",
    "threading.Semaphore",
    "threading.BoundedSemaphore",
    "threading.Condition",
    "_thread.allocate_lock",
    "_thread.RLock",
    "multiprocessing.Lock",
    "multiprocessing.RLock",
    "multiprocessing.Semaphore",
    "multiprocessing.BoundedSemaphore",
    "multiprocessing.Condition",
];

/// A name that says "lock": `lock`, `_lock`, `self._wlock`, `read_lock`
/// (not `block` or `clock`).
fn named_like_lock(name: &str) -> bool {
    name.to_ascii_lowercase().split('_').any(|part| {
        part.ends_with("lock")
            && !matches!(part, "block" | "clock" | "unlock" | "deadlock" | "flock")
    })
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let Some(call) = node.named_child(0) else {
        return;
    };
    if call.kind() != "call" || node.named_child_count() != 1 {
        return;
    }
    let Some(func) = call.field("function") else {
        return;
    };
    if func.kind() != "attribute" || ctx.last_name(func) != "acquire" {
        return;
    }
    let Some(receiver) = func.field("object") else {
        return;
    };
    let is_lock = match receiver.kind() {
        "identifier" => {
            let name = ctx.text(receiver);
            named_like_lock(name) || ctx.holds(receiver, LOCK_KINDS)
        }
        "attribute" => named_like_lock(ctx.last_name(receiver)),
        _ => false,
    };
    if !is_lock {
        return;
    }
    let recv: String = ctx.text(receiver).split_whitespace().collect();
    // The shape of a critical section: `acquire()`, some statements, then
    // `release()` (or a `try` releasing it) later in the same block. A `try`
    // right after the acquire that releases it is the safe form, and with
    // nothing in between nothing can raise.
    let mut following = Vec::new();
    if ctx.stack.is_empty() {
        // At module level the statements after it are other units.
        ctx.reads_module();
    }
    let mut next = node.next_named_sibling();
    while let Some(n) = next {
        if n.kind() != "comment" {
            following.push(n);
        }
        next = n.next_named_sibling();
    }
    match following.first() {
        None => return,
        Some(n) if n.kind() == "try_statement" && try_releases(ctx, *n, &recv) => return,
        Some(n) if is_release_stmt(ctx, *n, &recv) => return,
        Some(_) => {}
    }
    // A release after another `acquire()` of the same lock pairs with that
    // one (`acquire(); hand over; acquire(); release()`).
    let released_later = following
        .iter()
        .take_while(|n| !is_call_stmt(ctx, **n, &recv, "acquire"))
        .any(|n| {
            is_release_stmt(ctx, *n, &recv)
                || n.kind() == "try_statement" && try_releases(ctx, *n, &recv)
        });
    if !released_later {
        return;
    }
    let scope = match ctx.enclosing_function() {
        Some(f) if f.kind() == "function_definition" => f.field("body"),
        Some(_) => return,
        None => ctx.root(),
    };
    let Some(scope) = scope else {
        return;
    };
    // Acquired inside a `try` whose `finally` releases it.
    if inside_releasing_try(ctx, scope, node, &recv) {
        return;
    }
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: call.byte_range(),
        args: vec![
            (Key::Call, crate::analysis::tree::snippet(call, ctx.src)),
            (Key::Lock, crate::analysis::tree::snippet(receiver, ctx.src)),
        ]
        .into(),
        fix: None,
    });
}

/// Whether `node` is a call `<recv>.release()`.
fn is_release(ctx: &Ctx, node: Node, recv: &str) -> bool {
    is_method_call(ctx, node, recv, "release")
}

/// Whether `node` is a call `<recv>.<method>(...)`.
fn is_method_call(ctx: &Ctx, node: Node, recv: &str, method: &str) -> bool {
    node.kind() == "call"
        && node.field("function").is_some_and(|f| {
            f.kind() == "attribute"
                && ctx.last_name(f) == method
                && f.field("object")
                    .is_some_and(|o| ctx.text(o).split_whitespace().collect::<String>() == recv)
        })
}

/// Whether a statement is `<recv>.release()`.
fn is_release_stmt(ctx: &Ctx, stmt: Node, recv: &str) -> bool {
    is_call_stmt(ctx, stmt, recv, "release")
}

/// Whether a statement is `<recv>.<method>(...)`.
fn is_call_stmt(ctx: &Ctx, stmt: Node, recv: &str, method: &str) -> bool {
    stmt.kind() == "expression_statement"
        && stmt
            .named_child(0)
            .is_some_and(|c| is_method_call(ctx, c, recv, method))
}

/// Whether the subtree (not nested functions) releases `recv`.
fn releases_in(ctx: &Ctx, root: Node, recv: &str) -> bool {
    crate::analysis::tree::own_nodes(root).any(|n| is_release(ctx, n, recv))
}

/// Whether a `try` releases `recv` in its `finally`, an `except` handler or
/// its `else`.
fn try_releases(ctx: &Ctx, try_stmt: Node, recv: &str) -> bool {
    let mut c = try_stmt.walk();
    let found = try_stmt.named_children(&mut c).any(|clause| {
        matches!(
            clause.kind(),
            "finally_clause" | "except_clause" | "except_group_clause" | "else_clause"
        ) && releases_in(ctx, clause, recv)
    });
    found
}

/// Whether `target` lies in the body of a `try` (inside `scope`) that
/// releases `recv`, searching down from `scope`.
fn inside_releasing_try(ctx: &Ctx, scope: Node, target: Node, recv: &str) -> bool {
    let Some(path) = super::path_down(scope, target) else {
        return false;
    };
    path.windows(2).any(|pair| {
        pair[0].kind() == "try_statement"
            && pair[1].kind() == "block"
            && try_releases(ctx, pair[0], recv)
    })
}
