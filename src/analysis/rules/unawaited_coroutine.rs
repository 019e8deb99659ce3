//! `unawaited-coroutine` (§12.8): calling an `async def` only creates a
//! coroutine object; as a bare statement, without `await`, its body never runs.
//!
//! Also home of the helpers that tell whether a call creates a coroutine,
//! shared with `wait-with-coroutines`.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{is_async, Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety, Severity};
use crate::analysis::semantic::value::Value;

pub const RULE: Rule = Rule {
    id: RuleId::from_static("unawaited-coroutine"),
    note: NoteId::from_static("async-await"),
    severity: Severity::Warning,
    fix: Fixes::Unsafe,
    peers: &[],
    kinds: &["expression_statement"],
    check,
};

/// If `call` (a `call` node) creates a coroutine object this rule reports,
/// how its callee reads and which message says it:
/// - `None`, the main message, for a coroutine function (an `async def` of
///   the file, of the user's other files or of the stdlib, bound or not,
///   not an async generator): its body never runs;
/// - `Some("returns")` for a plain `def` that returns a coroutine object
///   (through its `return`s or its annotation, as the model follows them):
///   its body runs, only the coroutine it returns does not.
///
/// Not for a wrapper such as `lru_cache` returning one either.
fn coroutine_call(ctx: &Ctx, call: Node) -> Option<(String, Option<&'static str>)> {
    let func = call.field("function")?;
    let (Value::Function(f) | Value::BoundMethod(_, f)) = ctx.value(func) else {
        return None;
    };
    let model = ctx.infer.module(&f.module)?;
    let def = model.function(f.id)?;
    let variant = match (def.is_async, def.has_yield) {
        (true, false) => None,
        // Without a `return` value or an annotation it returns `None`: no
        // need to infer what the call gives.
        (false, false)
            if (!def.return_values.is_empty() || def.returns.is_some())
                && is_coroutine(ctx, &ctx.value(call)) =>
        {
            Some("returns")
        }
        _ => return None,
    };
    let callee = ctx
        .resolve(func)
        .unwrap_or_else(|| ctx.text(func).split_whitespace().collect());
    Some((callee, variant))
}

/// Whether calling `call`'s callee (a `def`, bound or not) gives a
/// coroutine object: it is a coroutine function, or the semantic model says
/// its result is a coroutine (a `def` returning one, a stub annotated to
/// return a `Coroutine`).
pub(super) fn creates_coroutine(ctx: &Ctx, call: Node) -> bool {
    call.field("function")
        .is_some_and(|func| matches!(ctx.value(func), Value::Function(_) | Value::BoundMethod(..)))
        && is_coroutine(ctx, &ctx.value(call))
}

/// Whether a value is a coroutine object.
fn is_coroutine(ctx: &Ctx, v: &Value) -> bool {
    match v {
        Value::Coroutine(Some(_)) => true,
        Value::Instance(c, _) => ctx
            .infer
            .class_for_qualname("collections.abc.Coroutine")
            .is_some_and(|k| ctx.infer.lookup_order(c).contains(&k)),
        _ => false,
    }
}

/// Whether `stmt` runs inside `with pytest.raises(...)` or
/// `with self.assertRaises(...)` (in the same function, at any depth): the
/// code expects the call to raise, so it returns nothing to drop.
fn inside_expects_exception(ctx: &Ctx, stmt: Node) -> bool {
    let mut cur = stmt.parent();
    while let Some(n) = cur {
        match n.kind() {
            "function_definition" | "lambda" | "class_definition" => return false,
            "with_statement" if super::expects_exception(ctx, n) => return true,
            _ => {}
        }
        cur = n.parent();
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
    let Some((callee, variant)) = coroutine_call(ctx, call) else {
        return;
    };
    if inside_expects_exception(ctx, node) {
        return;
    }
    let fix = directly_in_async_def(ctx).then(|| Fix {
        safety: Safety::Unsafe,
        edits: vec![Edit {
            range: call.start_byte()..call.start_byte(),
            text: "await ".into(),
        }],
    });
    out.push(Diagnostic {
        rule: RULE.id,
        variant,
        range: call.byte_range(),
        args: vec![
            (Key::Call, crate::analysis::tree::snippet(call, ctx.src)),
            (Key::Callee, callee),
        ]
        .into(),
        fix,
    });
}
