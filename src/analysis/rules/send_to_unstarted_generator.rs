//! `send-to-unstarted-generator` (§12.6): a just-created generator has not
//! reached its first `yield`, so there is nothing to receive a value:
//! `g.send(value)` with a value other than `None` raises `TypeError`.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::mentions;
use super::{Ctx, Diagnostic, Fixes, Rule, Severity};
use crate::analysis::semantic::value::Value;

pub const RULE: Rule = Rule {
    id: RuleId::from_static("send-to-unstarted-generator"),
    note: NoteId::from_static("yield-from"),
    severity: Severity::Error,
    fix: Fixes::None,
    peers: &[],
    kinds: &["block", "module"],
    check,
};

/// `var = gen(...)`: the names of the variable and the function.
fn generator_assignment<'t>(ctx: &Ctx<'t>, stmt: Node<'t>) -> Option<(&'t str, &'t str, Node<'t>)> {
    if stmt.kind() != "expression_statement" {
        return None;
    }
    let assign = stmt.named_child(0).filter(|n| n.kind() == "assignment")?;
    let left = assign.field("left").filter(|n| n.kind() == "identifier")?;
    let right = assign.field("right").filter(|n| n.kind() == "call")?;
    let func = right
        .field("function")
        .filter(|n| n.kind() == "identifier")?;
    Some((ctx.text(left), ctx.text(func), right))
}

/// Literals that are certainly not `None`.
fn is_non_none_literal(node: Node) -> bool {
    matches!(
        node.kind(),
        "integer"
            | "float"
            | "string"
            | "concatenated_string"
            | "true"
            | "false"
            | "list"
            | "tuple"
            | "dictionary"
            | "set"
            | "list_comprehension"
            | "dictionary_comprehension"
            | "set_comprehension"
            | "ellipsis"
    ) || (node.kind() == "unary_operator"
        && node
            .field("argument")
            .is_some_and(|a| matches!(a.kind(), "integer" | "float")))
}

/// Whether a callee is a builtin that cannot reach a global variable by
/// name (`print`, `len`; not `exec`, `eval`, `globals`, `vars`).
fn harmless_builtin(ctx: &Ctx, func: Node) -> bool {
    func.kind() == "identifier"
        && !matches!(
            ctx.text(func),
            "exec" | "eval" | "globals" | "vars" | "locals"
        )
        && ctx
            .resolve(func)
            .is_some_and(|q| q.starts_with("builtins."))
}

/// Whether a function's body lets code other than its own statements reach
/// its local `var`: a nested function, lambda or class mentioning it (a
/// closure, which a call in between may run), or a `global`/`nonlocal`
/// declaration of it.
fn reachable_elsewhere(ctx: &Ctx, func: Node, var: &str) -> bool {
    let Some(body) = func.field("body") else {
        return true;
    };
    let mut todo = vec![body];
    while let Some(n) = todo.pop() {
        match n.kind() {
            "function_definition"
            | "lambda"
            | "class_definition"
            | "global_statement"
            | "nonlocal_statement" => {
                if mentions(n, var, ctx.src) {
                    return true;
                }
                continue;
            }
            _ => {}
        }
        let mut c = n.walk();
        todo.extend(n.named_children(&mut c));
    }
    false
}

/// What a statement does with `var`.
enum Use<'t> {
    /// Nothing (and, outside a function, calls nothing but builtins: a
    /// function called there could prime the global `var`).
    None,
    /// Its only use is `var.send(<literal other than None>)`, evaluated now.
    Send(Node<'t>),
    /// Anything else: stop looking.
    Other,
}

fn use_of<'t>(ctx: &Ctx<'t>, stmt: Node<'t>, var: &str, module_level: bool) -> Use<'t> {
    let mut refs = 0;
    let mut send: Option<Node> = None;
    let mut calls_other = false;
    // (node, deferred: inside a lambda, comprehension or nested scope)
    let mut todo = vec![(stmt, false)];
    while let Some((n, deferred)) = todo.pop() {
        match n.kind() {
            "identifier" => {
                if ctx.text(n) == var {
                    refs += 1;
                }
                continue;
            }
            "call" => {
                let func = n.field("function");
                if module_level && !func.is_some_and(|f| harmless_builtin(ctx, f)) {
                    calls_other = true;
                }
                let is_send = !deferred
                    && func.is_some_and(|f| {
                        f.kind() == "attribute"
                            && ctx.last_name(f) == "send"
                            && f.field("object")
                                .is_some_and(|o| o.kind() == "identifier" && ctx.text(o) == var)
                    });
                if is_send {
                    let args = n.field("arguments");
                    let single = args.and_then(|a| {
                        let mut c = a.walk();
                        let named: Vec<Node> = a
                            .named_children(&mut c)
                            .filter(|x| x.kind() != "comment")
                            .collect();
                        match named.as_slice() {
                            [only] if a.kind() == "argument_list" => Some(*only),
                            _ => None,
                        }
                    });
                    if single.is_some_and(is_non_none_literal) {
                        send = Some(n);
                    }
                }
            }
            _ => {}
        }
        let deferred = deferred
            || matches!(
                n.kind(),
                "lambda"
                    | "function_definition"
                    | "class_definition"
                    | "generator_expression"
                    | "list_comprehension"
                    | "set_comprehension"
                    | "dictionary_comprehension"
            );
        let mut c = n.walk();
        todo.extend(n.named_children(&mut c).map(|ch| (ch, deferred)));
    }
    match (refs, send) {
        (0, _) if !calls_other => Use::None,
        (1, Some(call)) if matches!(stmt.kind(), "expression_statement" | "return_statement") => {
            Use::Send(call)
        }
        _ => Use::Other,
    }
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    // Cheap first: the block sends something somewhere.
    if !ctx.text(node).contains(".send(") {
        return;
    }
    let mut c = node.walk();
    let stmts: Vec<Node> = node
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect();
    // In a function, `var` is local: only the statements in between, or a
    // closure they call, can prime it. Elsewhere (module level, a class body,
    // even inside `if __name__ == "__main__":`) any call might.
    let func = ctx
        .stack
        .last()
        .copied()
        .filter(|s| s.kind() == "function_definition");
    let module_level = func.is_none();
    for (i, stmt) in stmts.iter().enumerate() {
        let Some((var, gen, call)) = generator_assignment(ctx, *stmt) else {
            continue;
        };
        // The call gives a generator of the user's (a `def` with `yield`,
        // not decorated into something else).
        if !matches!(ctx.value(call), Value::Generator(Some(_))) {
            continue;
        }
        if func.is_some_and(|f| reachable_elsewhere(ctx, f, var)) {
            continue;
        }
        for next in &stmts[i + 1..] {
            match use_of(ctx, *next, var, module_level) {
                Use::None => continue,
                Use::Other => break,
                Use::Send(call) => {
                    out.push(Diagnostic {
                        rule: RULE.id,
                        variant: None,
                        range: call.byte_range(),
                        args: vec![
                            (Key::Call, crate::analysis::tree::snippet(call, ctx.src)),
                            (Key::Var, var.to_string()),
                            (Key::Gen, gen.to_string()),
                        ]
                        .into(),
                        fix: None,
                    });
                    break;
                }
            }
        }
    }
}
