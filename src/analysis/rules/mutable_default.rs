//! `mutable-default-argument` (§7.4): a default that is a fresh mutable
//! object is created once, when `def` runs, and shared by every call.

use tree_sitter::Node;

use super::{indent_at, newline, Ctx, Diagnostic, Edit, Fix, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: "mutable-default-argument",
    note: "mutable-default",
    severity: Severity::Warning,
    fix: Some(Safety::Unsafe),
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
        "list" | "dictionary" | "set" | "list_comprehension" | "dictionary_comprehension"
        | "set_comprehension" => true,
        "call" => value.child_by_field_name("function").is_some_and(|f| {
            let last = ctx.last_name(f);
            MUTABLE_FACTORIES.iter().any(|q| q.rsplit('.').next() == Some(last))
                && ctx
                    .resolve(f)
                    .is_some_and(|q| MUTABLE_FACTORIES.contains(&q.as_str()))
        }),
        _ => false,
    }
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let (Some(name), Some(value)) = (
        node.child_by_field_name("name"),
        node.child_by_field_name("value"),
    ) else {
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
        "function_definition" => owner
            .child_by_field_name("name")
            .map_or("<function>", |n| ctx.text(n)),
        "lambda" => "lambda",
        _ => return,
    };
    let param = ctx.text(name);
    let value_text = ctx.text(value);
    out.push(Diagnostic {
        rule: RULE.id,
        range: value.byte_range(),
        args: vec![
            ("param".into(), param.to_string()),
            ("value".into(), super::super::explain::snippet(value, ctx.src)),
            ("func".into(), func.to_string()),
        ],
        fix: fix(ctx, owner, value, param, value_text),
    });
}

/// `param=<value>` -> `param=None` plus `if param is None: param = <value>`
/// at the top of the body, after the docstring. Only for a `def` whose body
/// starts on its own line.
fn fix(ctx: &Ctx, func: Node, value: Node, param: &str, value_text: &str) -> Option<Fix> {
    if func.kind() != "function_definition" || value_text.contains('\n') {
        return None;
    }
    let body = func.child_by_field_name("body")?;
    let mut c = body.walk();
    let stmts: Vec<Node> = body.named_children(&mut c).filter(|n| n.kind() != "comment").collect();
    let first = stmts.first()?;
    let text = &ctx.parsed.text;
    let lines = &ctx.parsed.lines;
    if lines.line_of(first.start_byte()) == lines.line_of(func.start_byte()) {
        return None; // `def f(x=[]): return x`
    }
    let is_docstring = first.kind() == "expression_statement"
        && first.named_child(0).is_some_and(|s| s.kind() == "string");
    let anchor = if is_docstring { stmts.get(1) } else { Some(first) };
    let nl = newline(text);
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
