//! `wait-with-coroutines` (§13.1): `asyncio.wait()` takes tasks or futures;
//! since Python 3.11 a coroutine among them raises `TypeError`.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::mentions;
use super::unawaited_coroutine::{creates_coroutine, directly_in_async_def};
use super::{import_module, Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("wait-with-coroutines"),
    note: NoteId::from_static("event-loop"),
    severity: Severity::Error,
    fix: Fixes::Unsafe,
    peers: &[],
    kinds: &["call"],
    check,
};

/// The `fs` argument of a call: a generator expression as sole argument,
/// the first positional argument or `fs=`.
fn fs_argument<'t>(ctx: &Ctx, call: Node<'t>) -> Option<Node<'t>> {
    let args = call.field("arguments")?;
    if args.kind() == "generator_expression" {
        return Some(args);
    }
    let mut c = args.walk();
    let named: Vec<Node> = args
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect();
    let first = named.first()?;
    if !matches!(
        first.kind(),
        "keyword_argument" | "list_splat" | "dictionary_splat"
    ) {
        return Some(*first);
    }
    named.iter().find_map(|n| {
        let is_fs =
            n.kind() == "keyword_argument" && n.field("name").is_some_and(|k| ctx.text(k) == "fs");
        if is_fs {
            n.field("value")
        } else {
            None
        }
    })
}

/// The calls among the elements of `fs` that create coroutines.
fn coroutine_elements<'t>(ctx: &Ctx, fs: Node<'t>) -> Vec<Node<'t>> {
    let fs = if fs.kind() == "parenthesized_expression" {
        match fs.named_child(0) {
            Some(inner) => inner,
            None => return Vec::new(),
        }
    } else {
        fs
    };
    let candidates: Vec<Node> = match fs.kind() {
        "list" | "set" | "tuple" => {
            let mut c = fs.walk();
            fs.named_children(&mut c).collect()
        }
        "list_comprehension" | "set_comprehension" | "generator_expression" => {
            // `[fetch() for fetch in fetchers]`: the loop variable hides the
            // module's function.
            let mut c = fs.walk();
            let loop_vars: Vec<Node> = fs
                .named_children(&mut c)
                .filter(|n| n.kind() == "for_in_clause")
                .filter_map(|n| n.field("left"))
                .collect();
            fs.field("body")
                .filter(|body| {
                    let callee = body
                        .field("function")
                        .map(|f| leftmost_name(ctx, f))
                        .unwrap_or("");
                    !loop_vars.iter().any(|v| mentions(*v, callee, ctx.src))
                })
                .into_iter()
                .collect()
        }
        _ => Vec::new(),
    };
    candidates
        .into_iter()
        .filter(|n| n.kind() == "call" && creates_coroutine(ctx, *n))
        .collect()
}

/// The first name of a dotted callee (`self` for `self.page`).
fn leftmost_name<'t>(ctx: &Ctx<'t>, mut node: Node) -> &'t str {
    while node.kind() == "attribute" {
        match node.field("object") {
            Some(obj) => node = obj,
            None => return "",
        }
    }
    if node.kind() == "identifier" {
        ctx.text(node)
    } else {
        ""
    }
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let Some(func) = node.field("function") else {
        return;
    };
    if ctx.last_name(func) != "wait" {
        return;
    }
    let Some(fs) = fs_argument(ctx, node) else {
        return;
    };
    if !matches!(
        fs.kind(),
        "list"
            | "set"
            | "tuple"
            | "parenthesized_expression"
            | "list_comprehension"
            | "set_comprehension"
            | "generator_expression"
    ) {
        return;
    }
    let Some(qual) = ctx.resolve(func) else {
        return;
    };
    if qual != "asyncio.wait" && qual != "asyncio.tasks.wait" {
        return;
    }
    let coros = coroutine_elements(ctx, fs);
    let Some(first) = coros.first() else {
        return;
    };
    // `create_task` needs a running loop: only inside an `async def`, where
    // the elements are evaluated.
    let fix = directly_in_async_def(ctx)
        .then(|| {
            let (asyncio, import) = import_module(ctx, "asyncio", node)?;
            let mut edits: Vec<Edit> = import.into_iter().collect();
            for c in &coros {
                edits.push(Edit {
                    range: c.start_byte()..c.start_byte(),
                    text: format!("{asyncio}.create_task("),
                });
                edits.push(Edit {
                    range: c.end_byte()..c.end_byte(),
                    text: ")".into(),
                });
            }
            Some(Fix {
                safety: Safety::Unsafe,
                edits,
            })
        })
        .flatten();
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: node.byte_range(),
        args: vec![
            (Key::Call, ctx.text(func).to_string()),
            (Key::Coro, crate::analysis::tree::snippet(*first, ctx.src)),
        ]
        .into(),
        fix,
    });
}
