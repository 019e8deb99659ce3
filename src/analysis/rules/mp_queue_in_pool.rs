//! `mp-queue-in-pool` (§11.7): a `multiprocessing.Queue` passed to a `Pool`
//! task is pickled, and such a queue refuses: it can only be shared by
//! inheritance. A manager queue (a proxy) works.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{import_module, Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("mp-queue-in-pool"),
    note: NoteId::from_static("ipc"),
    severity: Severity::Error,
    fix: Fixes::Unsafe,
    peers: &[],
    kinds: &["call"],
    check,
};

const POOL_METHODS: &[&str] = &[
    "apply",
    "apply_async",
    "map",
    "map_async",
    "starmap",
    "starmap_async",
    "imap",
    "imap_unordered",
];

const POOLS: &[&str] = &["multiprocessing.Pool", "multiprocessing.pool.Pool"];

/// Queue classes that can only be shared by inheritance, with the manager
/// method that replaces each (`None`: no automatic replacement).
/// The multiprocessing queues (instances of what these give).
const QUEUES: &[&str] = &[
    "multiprocessing.Queue",
    "multiprocessing.SimpleQueue",
    "multiprocessing.JoinableQueue",
    "multiprocessing.queues.Queue",
    "multiprocessing.queues.SimpleQueue",
    "multiprocessing.queues.JoinableQueue",
];

fn queue_kind(qual: &str) -> Option<Option<&'static str>> {
    match qual {
        "multiprocessing.Queue" | "multiprocessing.SimpleQueue" => Some(Some("Queue")),
        "multiprocessing.JoinableQueue" => Some(Some("JoinableQueue")),
        "multiprocessing.queues.Queue"
        | "multiprocessing.queues.SimpleQueue"
        | "multiprocessing.queues.JoinableQueue" => Some(None),
        _ => None,
    }
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let Some(call) = ctx
        .method_call(node)
        .filter(|c| POOL_METHODS.contains(&c.method))
    else {
        return;
    };
    let (func, receiver, args) = (call.func, call.receiver, call.args);
    if receiver.kind() != "identifier" {
        return;
    }
    // A pool of processes: `ThreadPool` derives from `Pool`, but its tasks
    // share the queue in memory.
    let is_pool = ctx.holds(receiver, POOLS)
        && !ctx.holds(
            receiver,
            &[
                "multiprocessing.pool.ThreadPool",
                "multiprocessing.dummy.Pool",
            ],
        );
    if !is_pool {
        return;
    }
    let Some(queue) = find_queue(ctx, args, node) else {
        return;
    };
    let (shown, fix) = match queue {
        Queue::Named(name) => (name, fix_bindings(ctx, ctx.text(name))),
        Queue::Inline(call) => (call, fix_calls(ctx, &[call])),
    };
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: node.byte_range(),
        args: vec![
            (Key::Queue, crate::analysis::tree::snippet(shown, ctx.src)),
            (Key::Call, crate::analysis::tree::snippet(func, ctx.src)),
        ]
        .into(),
        fix,
    });
}

#[derive(Clone, Copy)]
enum Queue<'a> {
    /// A name bound to a queue.
    Named(Node<'a>),
    /// `mp.Queue()` written in the arguments.
    Inline(Node<'a>),
}

/// A multiprocessing queue among the values passed to the task (not in a
/// `lambda`, not the object of an attribute, not a callback).
fn find_queue<'a>(ctx: &Ctx<'a>, args: Node<'a>, call: Node<'a>) -> Option<Queue<'a>> {
    let mut stack = vec![args];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "identifier" => {
                let _ = call;
                if ctx.holds(n, QUEUES) {
                    return Some(Queue::Named(n));
                }
            }
            "lambda" | "attribute" => {}
            "call" => {
                let is_queue = n.field("function").is_some_and(|f| {
                    matches!(ctx.last_name(f), "Queue" | "SimpleQueue" | "JoinableQueue")
                        && ctx.resolve(f).is_some_and(|q| queue_kind(&q).is_some())
                });
                if is_queue {
                    return Some(Queue::Inline(n));
                }
                stack.extend(n.field("arguments"));
            }
            "keyword_argument" => {
                let name = n.field("name").map_or("", |k| ctx.text(k));
                if !matches!(name, "callback" | "error_callback") {
                    stack.extend(n.field("value"));
                }
            }
            _ => {
                let mut c = n.walk();
                stack.extend(n.named_children(&mut c));
            }
        }
    }
    None
}

/// Replaces the queue constructor calls bound to `name` in the innermost
/// scope that binds it; no fix unless every binding there is such a call.
fn fix_bindings(ctx: &Ctx, name: &str) -> Option<Fix> {
    let root = ctx.root()?;
    let scopes = ctx
        .stack
        .iter()
        .rev()
        .filter(|s| s.kind() != "class_definition")
        .copied()
        .chain([root]);
    for scope in scopes {
        let mut values = Vec::new();
        let mut other = false;
        bindings(ctx, scope, name, &mut values, &mut other);
        if values.is_empty() && !other {
            continue;
        }
        if other {
            return None;
        }
        return fix_calls(ctx, &values);
    }
    None
}

/// The values assigned to `name` directly in `scope` (not in nested
/// functions); `other` is set for any binding that is not `name = call`.
fn bindings<'a>(
    ctx: &Ctx<'a>,
    scope: Node<'a>,
    name: &str,
    values: &mut Vec<Node<'a>>,
    other: &mut bool,
) {
    for n in crate::analysis::tree::own_nodes(scope) {
        if n.id() != scope.id() && crate::analysis::tree::is_scope(n.kind()) {
            continue;
        }
        match n.kind() {
            "assignment" => {
                let left = n.field("left");
                if left.is_some_and(|l| l.kind() == "identifier" && ctx.text(l) == name) {
                    match n.field("right").filter(|r| r.kind() == "call") {
                        Some(r) => values.push(r),
                        None => *other = true,
                    }
                } else if left.is_some_and(|l| binds(ctx, l, name)) {
                    *other = true;
                }
            }
            "named_expression" => {
                *other |= n.field("name").is_some_and(|l| binds(ctx, l, name));
            }
            "augmented_assignment" | "for_statement" | "for_in_clause" => {
                *other |= n.field("left").is_some_and(|l| binds(ctx, l, name));
            }
            "as_pattern_target" | "global_statement" | "nonlocal_statement" | "parameters" => {
                *other |= binds(ctx, n, name);
            }
            _ => {}
        }
    }
}

/// Whether a binding target names `name` (itself, a direct child, or inside
/// a tuple or list target or a parameter).
fn binds(ctx: &Ctx, node: Node, name: &str) -> bool {
    if node.kind() == "identifier" {
        return ctx.text(node) == name;
    }
    let mut c = node.walk();
    let found = node.named_children(&mut c).any(|ch| match ch.kind() {
        "identifier" => ctx.text(ch) == name,
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "list_splat_pattern"
        | "typed_parameter"
        | "default_parameter"
        | "typed_default_parameter" => binds(ctx, ch, name),
        _ => false,
    });
    found
}

/// `mp.Queue(...)` -> `mp.Manager().Queue(...)`; a bare `Queue(...)` (from
/// `from multiprocessing import Queue`) -> `multiprocessing.Manager().Queue(...)`.
fn fix_calls(ctx: &Ctx, calls: &[Node]) -> Option<Fix> {
    let mut edits = Vec::new();
    let mut import = None;
    for call in calls {
        let func = call.field("function")?;
        let method = queue_kind(&ctx.resolve(func)?)??;
        let prefix = match func.kind() {
            "attribute" => {
                let obj = func.field("object")?;
                if ctx.resolve(obj).as_deref() != Some("multiprocessing") {
                    return None;
                }
                ctx.text(obj).to_string()
            }
            "identifier" => {
                let (name, edit) = import_module(ctx, "multiprocessing", *call)?;
                import = import.or(edit);
                name
            }
            _ => return None,
        };
        edits.push(Edit {
            range: func.byte_range(),
            text: format!("{prefix}.Manager().{method}"),
        });
    }
    if edits.is_empty() {
        return None;
    }
    edits.extend(import);
    Some(Fix {
        safety: Safety::Unsafe,
        edits,
    })
}
