//! `mutable-default-argument` (§7.4): a default that is a fresh mutable
//! object is created once, when `def` runs, and shared by every call.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{
    indent_at, line_ending, starts_logical_line, Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety,
    Severity,
};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("mutable-default-argument"),
    note: NoteId::from_static("mutable-default"),
    severity: Severity::Warning,
    fix: Fixes::Unsafe,
    peers: &["B006", "W0102"],
    kinds: &["default_parameter", "typed_default_parameter"],
    check,
};

/// Callables whose call builds a fresh mutable object.
const MUTABLE_FACTORIES: &[&str] = &[
    "builtins.list",
    "builtins.dict",
    "builtins.set",
    "builtins.bytearray",
    "collections.defaultdict",
    "collections.deque",
    "collections.Counter",
    "collections.OrderedDict",
];

fn is_mutable(ctx: &Ctx, value: Node) -> bool {
    match value.kind() {
        "list"
        | "dictionary"
        | "set"
        | "list_comprehension"
        | "dictionary_comprehension"
        | "set_comprehension" => true,
        "call" => value.field("function").is_some_and(|f| {
            let last = ctx.last_name(f);
            MUTABLE_FACTORIES
                .iter()
                .any(|q| q.rsplit('.').next() == Some(last))
                && ctx
                    .resolve(f)
                    .is_some_and(|q| MUTABLE_FACTORIES.contains(&q.as_str()))
        }),
        _ => false,
    }
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let (Some(name), Some(value)) = (node.field("name"), node.field("value")) else {
        return;
    };
    if !is_mutable(ctx, value) {
        return;
    }
    // The parameter list belongs to the innermost function or lambda.
    let Some(owner) = ctx.enclosing_function() else {
        return;
    };
    let func = match owner.kind() {
        "function_definition" => owner.field("name").map_or("<function>", |n| ctx.text(n)),
        "lambda" => "lambda",
        _ => return,
    };
    let param = ctx.text(name);
    let value_text = ctx.text(value);
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: value.byte_range(),
        args: vec![
            (Key::Param, param.to_string()),
            (Key::Value, crate::analysis::tree::snippet(value, ctx.src)),
            (Key::Func, func.to_string()),
        ]
        .into(),
        fix: fix(ctx, owner, value, param, value_text),
    });
}

/// `param=<value>` -> `param=None` plus `if param is None: param = <value>`
/// at the top of the body, after the docstring. Only for a `def` whose body
/// starts on its own line.
fn fix(ctx: &Ctx, func: Node, value: Node, param: &str, value_text: &str) -> Option<Fix> {
    if func.kind() != "function_definition"
        || value_text.contains(['\n', '\r'])
        || !same_meaning_in_body(ctx, func, value)
    {
        return None;
    }
    let body = func.field("body")?;
    let mut c = body.walk();
    let stmts: Vec<Node> = body
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect();
    let first = stmts.first()?;
    let text = &ctx.parsed.text;
    let lines = &ctx.parsed.lines;
    if lines.line_of(first.start_byte()) == lines.line_of(func.start_byte()) {
        return None; // `def f(x=[]): return x`
    }
    let is_docstring = first.kind() == "expression_statement"
        && first.named_child(0).is_some_and(|s| s.kind() == "string");
    let anchor = if is_docstring {
        stmts.get(1)
    } else {
        Some(first)
    };
    if !starts_logical_line(text, first.start_byte())
        || anchor.is_some_and(|a| !starts_logical_line(text, a.start_byte()))
    {
        return None; // `"""doc"""; x = 1`, or a body after a backslash
    }
    let nl = line_ending(text, first.start_byte());
    let indent = indent_at(text, first.start_byte());
    let unit = if indent.contains('\t') { "\t" } else { "    " };
    let guard = format!("{indent}if {param} is None:{nl}{indent}{unit}{param} = {value_text}{nl}");
    let insert = match anchor {
        Some(stmt) => {
            let line = lines.line_of(stmt.start_byte());
            let start = lines.line_range(text, line)?.start;
            Edit {
                range: start..start,
                text: guard,
            }
        }
        None => {
            // Only a docstring: append after it.
            let end = first.end_byte();
            let trimmed = guard.strip_suffix(nl).unwrap_or(&guard);
            Edit {
                range: end..end,
                text: format!("{nl}{trimmed}"),
            }
        }
    };
    Some(Fix {
        safety: Safety::Unsafe,
        edits: vec![
            Edit {
                range: value.byte_range(),
                text: "None".into(),
            },
            insert,
        ],
    })
}

/// Whether every name the default mentions means the same in the function's
/// body as where the default is evaluated (the scope around the `def`): not
/// a parameter or local of the function, and not a name of the class body
/// the `def` sits in (class-level names are invisible inside methods).
/// Names bound inside the default itself (comprehension variables) are fine.
fn same_meaning_in_body(ctx: &Ctx, func: Node, value: Node) -> bool {
    let mut bound_inside = Vec::new();
    let mut names = Vec::new();
    let mut todo = vec![value];
    while let Some(n) = todo.pop() {
        match n.kind() {
            "identifier" => names.push(ctx.text(n)),
            "for_in_clause" => {
                if let Some(left) = n.field("left") {
                    let mut c = left.walk();
                    let mut stack = vec![left];
                    while let Some(t) = stack.pop() {
                        if t.kind() == "identifier" {
                            bound_inside.push(ctx.text(t));
                        }
                        stack.extend(t.named_children(&mut c).collect::<Vec<_>>());
                    }
                }
                if let Some(right) = n.field("right") {
                    todo.push(right);
                }
                continue;
            }
            // `obj.name`: only `obj` is looked up; `f(key=...)`: `key` is not.
            "attribute" => {
                todo.extend(n.field("object"));
                continue;
            }
            "keyword_argument" => {
                todo.extend(n.field("value"));
                continue;
            }
            _ => {}
        }
        let mut c = n.walk();
        todo.extend(n.named_children(&mut c));
    }
    let class_body = ctx
        .stack
        .iter()
        .rev()
        .nth(1)
        .filter(|s| s.kind() == "class_definition")
        .and_then(|c| c.field("body"));
    names
        .iter()
        .filter(|n| !bound_inside.contains(n))
        .all(|name| {
            !param_names(ctx, func).contains(name)
                && !binds_in(ctx, func, name)
                && !class_body.is_some_and(|b| binds_in(ctx, b, name))
        })
}

/// The names a function's parameters bind (not their annotations or
/// defaults).
fn param_names<'a>(ctx: &Ctx<'a>, func: Node) -> Vec<&'a str> {
    let Some(params) = func.field("parameters") else {
        return Vec::new();
    };
    let mut c = params.walk();
    let names = params
        .named_children(&mut c)
        .filter_map(|p| match p.kind() {
            "identifier" => Some(p),
            "default_parameter" | "typed_default_parameter" => p.field("name"),
            "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
                let first = p.named_child(0)?;
                match first.kind() {
                    "identifier" => Some(first),
                    _ => first.named_child(0),
                }
            }
            _ => None,
        })
        .map(|n| ctx.text(n))
        .collect();
    names
}

/// Whether the scope whose node is `scope` (a function, or a class body's
/// block) binds `name` itself, as the semantic model records it.
fn binds_in(ctx: &Ctx, scope: Node, name: &str) -> bool {
    let model = ctx.infer.this();
    // The scope whose code starts where the function's body (or the class
    // body) does.
    let at = match scope.field("body") {
        Some(b) => b.start_byte(),
        None => scope.start_byte(),
    } as u32;
    let id = model.scope_at(at);
    !model.bindings_in(id, name).is_empty()
}
