//! `unawaited-coroutine` (§12.8): calling an `async def` only creates a
//! coroutine object; as a bare statement, without `await`, its body never runs.
//!
//! Also home of the helpers that tell whether a call creates a coroutine
//! (or a generator) of the module, shared with `wait-with-coroutines` and
//! `send-to-unstarted-generator`.

use tree_sitter::Node;

use super::super::module::FnKind;
use super::{is_async, Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: "unawaited-coroutine",
    note: "async-await",
    severity: Severity::Warning,
    fix: Fixes::Unsafe,
    peers: &[],
    kinds: &["expression_statement"],
    check,
};

/// asyncio functions defined with `async def` (calling one returns a
/// coroutine), by their last name.
const ASYNCIO_COROUTINES: &[&str] = &[
    "sleep",
    "wait_for",
    "wait",
    "open_connection",
    "start_server",
    "open_unix_connection",
    "start_unix_server",
    "to_thread",
    "create_subprocess_exec",
    "create_subprocess_shell",
];

/// Whether a qualified name is one of [`ASYNCIO_COROUTINES`]
/// (`asyncio.sleep`, or through its submodule, `asyncio.tasks.sleep`).
fn is_asyncio_coroutine(qual: &str) -> bool {
    let Some(rest) = qual.strip_prefix("asyncio.") else {
        return false;
    };
    let name = match rest.split_once('.') {
        None => rest,
        Some((sub, name)) => {
            if !matches!(sub, "tasks" | "streams" | "threads" | "subprocess") {
                return false;
            }
            name
        }
    };
    ASYNCIO_COROUTINES.contains(&name)
}

/// If `call` (a `call` node) creates a coroutine, how its callee reads:
/// a module-level `async def` called by name, `self.method()` for an
/// `async def` of the enclosing class, or an asyncio coroutine function.
/// `ctx.stack` must be the stack of a node at or around `call`.
pub(super) fn coroutine_callee(ctx: &Ctx, call: Node) -> Option<String> {
    let func = call.child_by_field_name("function")?;
    match func.kind() {
        "identifier" => {
            let name = ctx.text(func);
            // One scan of the module's statements before `resolve` (which
            // builds the module index): a top-level `async def name`, or
            // `from asyncio import ... name` (`sleep as nap`).
            let (top_async_def, asyncio_import) = top_level_bindings(ctx, name);
            if ASYNCIO_COROUTINES.contains(&name) || asyncio_import {
                if let Some(q) = ctx.resolve(func) {
                    return is_asyncio_coroutine(&q).then_some(q);
                }
            }
            (top_async_def && module_function(ctx, name, FnKind::Coroutine))
                .then(|| name.to_string())
        }
        "attribute" => {
            let last = ctx.last_name(func);
            if ASYNCIO_COROUTINES.contains(&last)
                && top_level_asyncio_import(ctx)
                && ctx.resolve(func).is_some_and(|q| is_asyncio_coroutine(&q))
            {
                return Some(ctx.text(func).to_string());
            }
            self_async_method(ctx, func).then(|| ctx.text(func).to_string())
        }
        _ => None,
    }
}

/// A cheap filter before [`Ctx::resolve`]: whether a statement of the module
/// (not nested) imports asyncio. Scans the module's statements only.
fn top_level_asyncio_import(ctx: &Ctx) -> bool {
    let Some(tree) = ctx.parsed.tree.as_ref() else {
        return false;
    };
    let root = tree.root_node();
    let mut c = root.walk();
    let found = root.named_children(&mut c).any(|n| {
        matches!(n.kind(), "import_statement" | "import_from_statement")
            && ctx.text(n).contains("asyncio")
    });
    found
}

/// Scanning the module's statements (not nested ones): whether one is
/// `async def name`, and whether one is `from asyncio... import` binding
/// `name`.
fn top_level_bindings(ctx: &Ctx, name: &str) -> (bool, bool) {
    let Some(tree) = ctx.parsed.tree.as_ref() else {
        return (false, false);
    };
    let root = tree.root_node();
    let (mut async_def, mut asyncio_import) = (false, false);
    let mut c = root.walk();
    for n in root.named_children(&mut c) {
        match n.kind() {
            // `async` is the first token of an `async def`.
            "function_definition"
                if n.child(0).is_some_and(|a| a.kind() == "async")
                    && n.child_by_field_name("name")
                        .is_some_and(|i| ctx.text(i) == name) =>
            {
                async_def = true;
            }
            "import_from_statement"
                if n.child_by_field_name("module_name")
                    .is_some_and(|m| ctx.text(m).split('.').next() == Some("asyncio"))
                    && super::mentions(n, name, ctx.src) =>
            {
                asyncio_import = true;
            }
            _ => {}
        }
    }
    (async_def, asyncio_import)
}

/// Whether `name`, called where `ctx.stack` says, is the module-level
/// function of that kind: defined once, undecorated (a decorator may return
/// anything), not rebound at module level, and not bound in an enclosing
/// function.
pub(super) fn module_function(ctx: &Ctx, name: &str, kind: FnKind) -> bool {
    let Some(tree) = ctx.parsed.tree.as_ref() else {
        return false;
    };
    let root = tree.root_node();
    // The only module-level binding must be a plain top-level `def`. This
    // scan of the module's statements comes first: it is cheaper than the
    // module index.
    let mut c = root.walk();
    let top_def = root.named_children(&mut c).any(|n| {
        n.kind() == "function_definition"
            && n.child_by_field_name("name")
                .is_some_and(|i| ctx.text(i) == name)
    });
    if !top_def || ctx.module().function_kind(name) != Some(kind) {
        return false;
    }
    if ctx
        .stack
        .iter()
        .any(|s| s.kind() != "class_definition" && scope_binds(*s, name, ctx.src, true))
    {
        return false;
    }
    count_bindings(root, name, ctx.src, 2) == 1
}

/// Whether `attr` (an attribute callee) is `self.method` inside a method of a
/// class whose only `method` is an undecorated `async def` (not an async
/// generator), and `self` is the method's first parameter, never rebound.
fn self_async_method(ctx: &Ctx, attr: Node) -> bool {
    let (Some(obj), Some(method)) = (
        attr.child_by_field_name("object"),
        attr.child_by_field_name("attribute"),
    ) else {
        return false;
    };
    if obj.kind() != "identifier" {
        return false;
    }
    let receiver = ctx.text(obj);
    let method = ctx.text(method);
    let n = ctx.stack.len();
    if n < 2 {
        return false;
    }
    let (class, func) = (ctx.stack[n - 2], ctx.stack[n - 1]);
    if class.kind() != "class_definition" || func.kind() != "function_definition" {
        return false;
    }
    // The first parameter is the receiver.
    let first = func
        .child_by_field_name("parameters")
        .and_then(|p| p.named_child(0));
    if !first.is_some_and(|p| p.kind() == "identifier" && ctx.text(p) == receiver) {
        return false;
    }
    let Some(body) = class.child_by_field_name("body") else {
        return false;
    };
    // Exactly one binding of `method` in the class body: an undecorated
    // `async def` without `yield`. (The class's statements first: cheaper
    // than the searches below.)
    let mut c = body.walk();
    let def = body.named_children(&mut c).find(|n| {
        n.kind() == "function_definition"
            && n.child(0).is_some_and(|a| a.kind() == "async")
            && n.child_by_field_name("name")
                .is_some_and(|i| ctx.text(i) == method)
    });
    let Some(def) = def else {
        return false;
    };
    if super::super::module::fn_kind(def) != FnKind::Coroutine {
        return false;
    }
    // Not a staticmethod/classmethod (one parent() call, not a loop).
    if let Some(parent) = func.parent().filter(|p| p.kind() == "decorated_definition") {
        let mut c = parent.walk();
        let odd = parent.named_children(&mut c).any(|d| {
            d.kind() == "decorator"
                && matches!(
                    ctx.text(d).trim_start_matches('@').trim(),
                    "staticmethod" | "classmethod"
                )
        });
        if odd {
            return false;
        }
    }
    if scope_binds(func, receiver, ctx.src, false) {
        return false;
    }
    if count_bindings(body, method, ctx.src, 2) != 1 {
        return false;
    }
    // `self.method = ...` somewhere replaces it on the instance.
    !ctx.text(class).contains(&format!(".{method} ="))
}

/// Whether a function or lambda binds `name` in its own scope (parameters
/// when `with_params`, assignments, loops, imports, `with ... as`, nested
/// `def`/`class` names, ...). Conservative: comprehension variables, `global`
/// and `del` count too.
pub(super) fn scope_binds(scope: Node, name: &str, src: &[u8], with_params: bool) -> bool {
    if with_params
        && scope
            .child_by_field_name("parameters")
            .is_some_and(|p| super::mentions(p, name, src))
    {
        return true;
    }
    scope
        .child_by_field_name("body")
        .is_some_and(|b| count_bindings(b, name, src, 1) > 0)
}

/// Whether a block (a class body, say) binds `name` itself, not counting
/// nested functions' and classes' own scopes.
pub(super) fn body_binds(body: Node, name: &str, src: &[u8]) -> bool {
    count_bindings(body, name, src, 1) > 0
}

/// How many bindings of `name` a scope's body holds (not looking into nested
/// functions, lambdas or class bodies, whose names count), up to `limit`.
fn count_bindings(body: Node, name: &str, src: &[u8], limit: usize) -> usize {
    let text = |n: Node| n.utf8_text(src).unwrap_or("");
    let mut count = 0;
    let mut todo = vec![body];
    while let Some(n) = todo.pop() {
        if count >= limit {
            break;
        }
        let bound = match n.kind() {
            "function_definition" | "class_definition" => {
                if n.child_by_field_name("name")
                    .is_some_and(|i| text(i) == name)
                {
                    count += 1;
                }
                // Decorators and defaults are evaluated here, but bind nothing
                // (barring a walrus, which is left out).
                continue;
            }
            "lambda" => continue,
            "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => n
                .child_by_field_name("left")
                .is_some_and(|l| target_binds(l, name, src)),
            "named_expression" => n
                .child_by_field_name("name")
                .is_some_and(|l| text(l) == name),
            "as_pattern" | "except_clause" => n
                .child_by_field_name("alias")
                .is_some_and(|a| target_binds(a, name, src)),
            "import_statement"
            | "import_from_statement"
            | "global_statement"
            | "nonlocal_statement"
            | "delete_statement"
            | "case_pattern" => {
                if super::mentions(n, name, src) {
                    count += 1;
                }
                continue;
            }
            _ => false,
        };
        if bound {
            count += 1;
        }
        let mut c = n.walk();
        todo.extend(n.named_children(&mut c));
    }
    count
}

/// Whether an assignment target binds `name` (attributes and subscripts
/// bind nothing).
fn target_binds(target: Node, name: &str, src: &[u8]) -> bool {
    let mut todo = vec![target];
    while let Some(n) = todo.pop() {
        match n.kind() {
            "identifier" => {
                if n.utf8_text(src).unwrap_or("") == name {
                    return true;
                }
            }
            "attribute" | "subscript" => {}
            _ => {
                let mut c = n.walk();
                todo.extend(n.named_children(&mut c));
            }
        }
    }
    false
}

/// Whether the innermost scope around the node being checked is an
/// `async def` (not a lambda, nor a class body inside one), so that `await`
/// and `asyncio.create_task` may be used there.
pub(super) fn directly_in_async_def(ctx: &Ctx) -> bool {
    ctx.stack.last().is_some_and(|f| is_async(*f))
}

/// The statement's only expression, if it is a call.
pub(super) fn bare_call(stmt: Node) -> Option<Node> {
    let mut c = stmt.walk();
    let mut exprs = stmt
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment");
    let first = exprs.next()?;
    (exprs.next().is_none() && first.kind() == "call").then_some(first)
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let Some(call) = bare_call(node) else {
        return;
    };
    let Some(callee) = coroutine_callee(ctx, call) else {
        return;
    };
    let fix = directly_in_async_def(ctx).then(|| Fix {
        safety: Safety::Unsafe,
        edits: vec![Edit {
            range: call.start_byte()..call.start_byte(),
            text: "await ".into(),
        }],
    });
    out.push(Diagnostic {
        rule: RULE.id,
        range: call.byte_range(),
        args: vec![
            ("call".into(), super::super::explain::snippet(call, ctx.src)),
            ("callee".into(), callee),
        ],
        fix,
    });
}
