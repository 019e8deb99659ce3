//! `blocking-call-in-async` (§12.7): a blocking call directly in an
//! `async def` freezes the whole event loop until it returns.

use tree_sitter::Node;

use super::{ensure_import, is_async, Ctx, Diagnostic, Edit, Fix, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: "blocking-call-in-async",
    note: "generators-to-coroutines",
    severity: Severity::Warning,
    fix: Some(Safety::Safe),
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
    let Some(func) = node.child_by_field_name("function") else {
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
    let async_name = owner
        .child_by_field_name("name")
        .map_or("", |n| ctx.text(n))
        .to_string();
    let fix = if qual == "time.sleep" {
        node.child_by_field_name("arguments").map(|args| {
            let mut edits = vec![Edit {
                range: node.byte_range(),
                text: format!("await asyncio.sleep{}", ctx.text(args)),
            }];
            edits.extend(ensure_import(ctx, "asyncio"));
            Fix {
                safety: Safety::Safe,
                edits,
            }
        })
    } else {
        None
    };
    out.push(Diagnostic {
        rule: RULE.id,
        range: node.byte_range(),
        args: vec![
            ("call".into(), super::super::explain::snippet(func, ctx.src)),
            ("qualname".into(), qual),
            ("func".into(), async_name),
        ],
        fix,
    });
}
