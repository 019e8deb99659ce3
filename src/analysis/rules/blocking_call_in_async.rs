//! `blocking-call-in-async` (§12.7): a blocking call directly in an
//! `async def` freezes the whole event loop until it returns.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{
    await_allowed, import_module, is_async, is_awaited, Ctx, Diagnostic, Edit, Fix, Fixes, Rule,
    Safety, Severity,
};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("blocking-call-in-async"),
    note: NoteId::from_static("generators-to-coroutines"),
    severity: Severity::Warning,
    fix: Fixes::Unsafe,
    peers: &["ASYNC251", "ASYNC210", "ASYNC220"],
    kinds: &["call"],
    check,
};

fn is_blocking(qual: &str) -> bool {
    matches!(
        qual,
        "time.sleep" | "urllib.request.urlopen" | "socket.create_connection" | "builtins.input"
    ) || qual
        .strip_prefix("requests.")
        .is_some_and(|rest| !rest.is_empty() && !rest.contains('.'))
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let Some(func) = node.field("function") else {
        return;
    };
    // Cheap filters first: inside an async def, and a plausible name.
    if !ctx.enclosing_function().is_some_and(is_async) {
        return;
    }
    let Some(qual) = ctx.resolve(func) else {
        return;
    };
    if !is_blocking(&qual) {
        return;
    }
    let Some(owner) = ctx.enclosing_function() else {
        return;
    };
    if !is_async(owner) {
        return;
    }
    let async_name = ctx.name_of(owner).to_string();
    let fix = if qual == "time.sleep" {
        sleep_fix(ctx, node)
    } else {
        None
    };
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: node.byte_range(),
        args: vec![
            (Key::Call, crate::analysis::tree::snippet(func, ctx.src)),
            (Key::Qualname, qual),
            (Key::Func, async_name),
        ]
        .into(),
        fix,
    });
}

/// `time.sleep(x)` -> `await asyncio.sleep(x)`: unsafe, since it turns
/// blocking the whole event loop into yielding to it (other tasks now run in
/// between). Only where an `await` is allowed and waits in this coroutine,
/// and not already awaited (`await time.sleep(0)` is a bug of its own).
fn sleep_fix(ctx: &Ctx, call: Node) -> Option<Fix> {
    let args = call.field("arguments")?;
    if args.kind() != "argument_list" || !await_allowed(ctx, call) || is_awaited(call) {
        return None;
    }
    let (asyncio, import) = import_module(ctx, "asyncio", call)?;
    // `await` binds tighter than most operators but looser than `**`,
    // attribute access, calls and subscripts: parenthesize unless the call
    // is a statement, an argument, an assignment's value or in brackets.
    let parent = call.parent()?;
    let bare = matches!(
        parent.kind(),
        "expression_statement"
            | "argument_list"
            | "assignment"
            | "return_statement"
            | "parenthesized_expression"
            | "list"
            | "tuple"
            | "set"
            | "keyword_argument"
    );
    let awaited = format!("await {asyncio}.sleep{}", ctx.text(args));
    let mut edits = vec![Edit {
        range: call.byte_range(),
        text: if bare {
            awaited
        } else {
            format!("({awaited})")
        },
    }];
    edits.extend(import);
    Some(Fix {
        safety: Safety::Unsafe,
        edits,
    })
}
