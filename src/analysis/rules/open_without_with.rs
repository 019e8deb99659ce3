//! `open-without-with` (§4.11): a file object bound to a name outside `with`
//! stays open when an exception skips its `close()`.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Fixes, Rule, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("open-without-with"),
    note: NoteId::from_static("with-statement"),
    severity: Severity::Info,
    fix: Fixes::None,
    peers: &["R1732", "SIM115"],
    kinds: &["assignment"],
    check,
};

const OPENERS: &[&str] = &["builtins.open", "io.open", "codecs.open"];

/// Methods that keep the object they are given (ownership moves on).
const KEEPERS: &[&str] = &[
    "append",
    "extend",
    "add",
    "insert",
    "enter_context",
    "push",
    "callback",
    "register",
    "setdefault",
    "put",
    "put_nowait",
    "closing",
];

/// Calls that use a file they are given without keeping it.
const BORROWERS: &[&str] = &[
    "print",
    "load",
    "dump",
    "reader",
    "writer",
    "DictReader",
    "DictWriter",
    "copyfileobj",
    "lockf",
    "flock",
    "fstat",
    "isinstance",
    "repr",
    "str",
    "len",
    "next",
    "iter",
    "list",
    "sorted",
    "enumerate",
    "zip",
];

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let (Some(left), Some(call)) = (node.field("left"), node.field("right")) else {
        return;
    };
    if left.kind() != "identifier" || call.kind() != "call" {
        return;
    }
    let Some(func) = call.field("function") else {
        return;
    };
    if ctx.last_name(func) != "open" {
        return;
    }
    if !ctx
        .resolve(func)
        .is_some_and(|q| OPENERS.contains(&q.as_str()))
    {
        return;
    }
    // Tests that patch `open` with `unittest.mock.mock_open` get no file.
    if ctx.module_names("mock_open") {
        return;
    }
    let name = ctx.text(left);
    let scope = match ctx.stack.last() {
        Some(f) if f.kind() == "function_definition" => f.field("body"),
        Some(_) => return, // class body
        None => ctx.root(),
    };
    let Some(scope) = scope else {
        return;
    };
    // One parent() call, only for `name = open(...)`.
    let Some(stmt) = node.parent() else {
        return;
    };
    if stmt.kind() != "expression_statement" {
        return; // `a = f = open(...)`: an alias to follow
    }
    if closed_next(ctx, stmt, name) {
        return;
    }
    let uses = Uses::scan(ctx, scope, name);
    if uses.managed || (uses.passed && !uses.closed) {
        return;
    }
    out.push(Diagnostic {
        rule: RULE.id,
        // Nothing closes it: no `close()` to be skipped by an exception.
        variant: (!uses.closed).then_some("unclosed"),
        range: call.byte_range(),
        args: vec![
            (Key::Name, name.to_string()),
            (Key::Call, crate::analysis::tree::snippet(call, ctx.src)),
        ]
        .into(),
        fix: None,
    });
}

/// Whether the statement executed right after `stmt` closes the file
/// (nothing can raise in between): `f = open(p)` then `f.close()`, also as
/// the first statement of a following `try`, or of the `else` of the `try`
/// whose body `stmt` ends.
fn closed_next(ctx: &Ctx, stmt: Node, name: &str) -> bool {
    fn first_of(block: Option<Node>) -> Option<Node> {
        let b = block?;
        let mut c = b.walk();
        let first = b.named_children(&mut c).find(|n| n.kind() != "comment");
        first
    }
    let is_close = |s: Node| {
        s.kind() == "expression_statement"
            && s.named_child(0).is_some_and(|c| {
                c.kind() == "call"
                    && c.field("function")
                        .is_some_and(|f| is_method_of(ctx, f, name, "close"))
            })
    };
    if ctx.stack.is_empty() {
        // At module level the statements after it are other units.
        ctx.reads_module();
    }
    let mut next = stmt.next_named_sibling();
    while let Some(n) = next.filter(|n| n.kind() == "comment") {
        next = n.next_named_sibling();
    }
    match next {
        Some(n) if n.kind() == "try_statement" => first_of(n.field("body")).is_some_and(is_close),
        Some(n) => is_close(n),
        None => {
            // The last statement of a `try` body: the `else` runs next.
            let Some(block) = stmt.parent() else {
                return false;
            };
            let Some(try_stmt) = block.parent().filter(|t| t.kind() == "try_statement") else {
                return false;
            };
            if try_stmt.field("body").map(|b| b.id()) != Some(block.id()) {
                return false;
            }
            let mut c = try_stmt.walk();
            let else_block = try_stmt
                .named_children(&mut c)
                .find(|n| n.kind() == "else_clause")
                .and_then(|e| e.field("body"));
            first_of(else_block).is_some_and(is_close)
        }
    }
}

/// What a scope does with the file.
#[derive(Default)]
struct Uses {
    /// Taken care of some other way: `with name`, closed or handed to a
    /// cleanup call in a `finally` or `except`, or leaving the scope
    /// (returned, yielded, stored, aliased, handed to a keeper such as
    /// `list.append` or `ExitStack.enter_context`, declared global, used by a
    /// nested function, `name.close` registered as a callback).
    managed: bool,
    /// `name.close()` somewhere: the scope owns the file.
    closed: bool,
    /// Given as an argument to some call (`json.load(f)`, or a
    /// `connect_read_pipe(..., f)` / `self.initfp(f)` that may take it
    /// over): without a `close()` of its own, the scope is not the owner.
    passed: bool,
}

impl Uses {
    fn scan(ctx: &Ctx, scope: Node, name: &str) -> Uses {
        let mut uses = Uses::default();
        // (node, inside a finally/except clause)
        let mut stack = vec![(scope, false)];
        while let Some((n, in_cleanup)) = stack.pop() {
            let nested = matches!(
                n.kind(),
                "function_definition" | "lambda" | "class_definition"
            ) && n.id() != scope.id();
            let managed = match n.kind() {
                "with_item" | "return_statement" | "yield" | "global_statement"
                | "nonlocal_statement" => passes(ctx, n, name),
                _ if nested => crate::analysis::tree::mentions(n, name, ctx.src),
                "assignment" | "augmented_assignment" => n.field("right").is_some_and(|r| {
                    let stored = n
                        .field("left")
                        .is_some_and(|l| matches!(l.kind(), "attribute" | "subscript"));
                    let alias = r.kind() == "identifier" && ctx.text(r) == name;
                    alias || (stored && passes(ctx, r, name))
                }),
                "call" => {
                    let func = n.field("function");
                    let given = n.field("arguments").is_some_and(|a| passes(ctx, a, name));
                    if func.is_some_and(|f| is_method_of(ctx, f, name, "close")) {
                        uses.closed = true;
                    }
                    uses.passed |=
                        given && !func.is_some_and(|f| BORROWERS.contains(&ctx.last_name(f)));
                    let keeper = func.is_some_and(|f| KEEPERS.contains(&ctx.last_name(f)));
                    let cleanup = in_cleanup
                        && (given || func.is_some_and(|f| is_method_of(ctx, f, name, "close")));
                    cleanup || (keeper && given)
                }
                // `atexit.register(f.close)`, `weakref.finalize(obj, f.close)`
                "argument_list" => {
                    let mut c = n.walk();
                    let found = n
                        .named_children(&mut c)
                        .any(|a| is_method_of(ctx, a, name, "close"));
                    found
                }
                _ => false,
            };
            if managed {
                uses.managed = true;
                return uses;
            }
            if nested {
                continue;
            }
            let in_cleanup = in_cleanup
                || matches!(
                    n.kind(),
                    "finally_clause" | "except_clause" | "except_group_clause"
                );
            let mut c = n.walk();
            stack.extend(n.named_children(&mut c).map(|ch| (ch, in_cleanup)));
        }
        uses
    }
}

/// `name.<method>` (the attribute itself, called or not).
fn is_method_of(ctx: &Ctx, node: Node, name: &str, method: &str) -> bool {
    node.kind() == "attribute"
        && ctx.last_name(node) == method
        && node
            .field("object")
            .is_some_and(|o| o.kind() == "identifier" && ctx.text(o) == name)
}

/// Whether `name` occurs in the subtree as a value of its own (not as the
/// object of an attribute, like `f.read()`).
fn passes(ctx: &Ctx, root: Node, name: &str) -> bool {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "identifier" => {
                if ctx.text(n) == name {
                    return true;
                }
            }
            "attribute" => {
                // An attribute of the file is not the file.
                if let Some(o) = n.field("object") {
                    if !(o.kind() == "identifier" && ctx.text(o) == name) {
                        stack.push(o);
                    }
                }
            }
            "keyword_argument" => stack.extend(n.field("value")),
            _ => {
                let mut c = n.walk();
                stack.extend(n.named_children(&mut c));
            }
        }
    }
    false
}
