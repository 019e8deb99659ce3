//! `stop-iteration-in-generator` (§9.3): since PEP 479 (Python 3.7) a
//! `StopIteration` escaping a generator's body becomes `RuntimeError`; a
//! generator ends with `return`.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{is_async, Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety, Severity};
use crate::analysis::tree::FnKind;

pub const RULE: Rule = Rule {
    id: RuleId::from_static("stop-iteration-in-generator"),
    note: NoteId::from_static("generator-functions"),
    severity: Severity::Error,
    fix: Fixes::Unsafe,
    peers: &["R1708"],
    kinds: &["raise_statement"],
    check,
};

/// Where a `raise` sits in its generator.
struct Place {
    /// In the body of a `try` (inside the generator, outside nested scopes)
    /// that has `except` clauses: the exception may be caught before it
    /// leaves the generator.
    caught: bool,
    /// In a `finally` block, where a `return` would discard an exception in
    /// flight (`jump-in-finally`).
    in_finally: bool,
}

/// Searches downward from `func` to `target`.
fn place(func: Node, target: Node) -> Place {
    let range = target.byte_range();
    let contains = |n: Node| n.start_byte() <= range.start && range.end <= n.end_byte();
    let mut place = Place {
        caught: false,
        in_finally: false,
    };
    let Some(mut cur) = func.field("body") else {
        return place;
    };
    loop {
        if cur.id() == target.id() {
            return place;
        }
        match cur.kind() {
            "try_statement" => {
                let in_body = cur.field("body").is_some_and(contains);
                let mut c = cur.walk();
                let has_handlers = cur
                    .named_children(&mut c)
                    .any(|n| n.kind() == "except_clause");
                if in_body && has_handlers {
                    place.caught = true;
                    return place;
                }
            }
            "finally_clause" => place.in_finally = true,
            _ => {}
        }
        let mut c = cur.walk();
        let next = cur.named_children(&mut c).find(|n| contains(*n));
        match next {
            Some(n) => cur = n,
            None => return place,
        }
    }
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let cause = node.field("cause");
    let Some(exc) = node
        .named_child(0)
        .filter(|n| n.kind() != "comment" && cause.is_none_or(|c| c.id() != n.id()))
    else {
        return;
    };
    let (name, call_args) = match exc.kind() {
        "identifier" => (exc, None),
        "call" => match (exc.field("function"), exc.field("arguments")) {
            (Some(f), Some(a)) if f.kind() == "identifier" => (f, Some(a)),
            _ => return,
        },
        _ => return,
    };
    if ctx.text(name) != "StopIteration" {
        return;
    }
    // Directly in the function (a class body inside it is another scope).
    let Some(func) = ctx.stack.last().copied() else {
        return;
    };
    if func.kind() != "function_definition"
        || !matches!(
            ctx.infer.function_kind(func),
            FnKind::Generator | FnKind::AsyncGenerator
        )
    {
        return;
    }
    if ctx.resolve(name).as_deref() != Some("builtins.StopIteration") {
        return;
    }
    let place = place(func, node);
    if place.caught {
        return;
    }
    let func_name = ctx.name_of(func);
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: node.byte_range(),
        args: vec![
            (Key::Raise, crate::analysis::tree::snippet(node, ctx.src)),
            (Key::Func, func_name.to_string()),
        ]
        .into(),
        fix: if place.in_finally {
            None
        } else {
            fix(ctx, node, func, cause, call_args)
        },
    });
}

/// `raise StopIteration` / `StopIteration()` -> `return`;
/// `raise StopIteration(v)` -> `return v` (not in an async generator, where
/// `return` takes no value).
fn fix(ctx: &Ctx, node: Node, func: Node, cause: Option<Node>, args: Option<Node>) -> Option<Fix> {
    if cause.is_some() {
        return None;
    }
    let text = match args {
        None => "return".to_string(),
        Some(args) => {
            if args.kind() != "argument_list" {
                return None;
            }
            let mut c = args.walk();
            let named: Vec<Node> = args.named_children(&mut c).collect();
            match named.as_slice() {
                [] => "return".to_string(),
                [value] => {
                    if is_async(func)
                        || matches!(
                            value.kind(),
                            "keyword_argument" | "list_splat" | "dictionary_splat" | "comment"
                        )
                    {
                        return None;
                    }
                    let v = ctx.text(*value);
                    // `return x := 1` is a syntax error.
                    if value.kind() == "named_expression" {
                        format!("return ({v})")
                    } else {
                        format!("return {v}")
                    }
                }
                _ => return None,
            }
        }
    };
    Some(Fix {
        safety: Safety::Unsafe,
        edits: vec![Edit {
            range: node.byte_range(),
            text,
        }],
    })
}
