//! `subclass-builtin` (§6.3): the C methods of `dict`, `list` and `str` work
//! on the object's storage directly, so an override of `__setitem__` (say)
//! is skipped by `update`, `setdefault` and `__init__`.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{import_module, Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("subclass-builtin"),
    note: NoteId::from_static("dict-subclasses"),
    severity: Severity::Warning,
    fix: Fixes::Unsafe,
    peers: &[],
    kinds: &["class_definition"],
    check,
};

/// (builtin, overridden method, the builtin's methods that never call the
/// override, whether the `collections.User*` class's versions do).
const BYPASSES: &[(&str, &str, &[&str], bool)] = &[
    (
        "dict",
        "__setitem__",
        &["__init__", "update", "setdefault"],
        true,
    ),
    ("dict", "__getitem__", &["get", "pop", "setdefault"], true),
    ("dict", "__delitem__", &["pop", "popitem", "clear"], true),
    ("dict", "update", &["__init__"], true),
    ("list", "append", &["__init__", "extend", "__iadd__"], false),
    ("list", "extend", &["__init__", "__iadd__"], false),
    ("list", "insert", &["append"], false),
    ("list", "__delitem__", &["pop", "remove", "clear"], false),
    ("list", "__getitem__", &["__iter__"], true),
    ("str", "__getitem__", &["__iter__"], true),
];

/// The builtin a base expression names (`dict`, `builtins.list`,
/// `dict[str, int]`, `typing.Dict[str, int]`), with the node to replace.
fn builtin_base<'t>(ctx: &Ctx, base: Node<'t>) -> Option<(&'static str, Node<'t>)> {
    let name = if base.kind() == "subscript" {
        base.field("value")?
    } else {
        base
    };
    if !matches!(
        ctx.last_name(name),
        "dict" | "list" | "str" | "Dict" | "List"
    ) {
        return None;
    }
    let builtin = match ctx.resolve(name)?.as_str() {
        "builtins.dict" | "typing.Dict" => "dict",
        "builtins.list" | "typing.List" => "list",
        "builtins.str" => "str",
        _ => return None,
    };
    Some((builtin, name))
}

/// The methods a class body defines (`def`), and the names it assigns
/// (`update = __update`), also under class-level `if`/`try`/`with`.
fn members<'t>(
    block: Node<'t>,
    src: &'t [u8],
    defs: &mut Vec<(&'t str, Node<'t>)>,
    assigned: &mut Vec<&'t str>,
) {
    let mut c = block.walk();
    let stmts: Vec<Node> = block.named_children(&mut c).collect();
    for stmt in stmts {
        match stmt.kind() {
            "function_definition" | "decorated_definition" => {
                let def = if stmt.kind() == "decorated_definition" {
                    stmt.field("definition")
                        .filter(|d| d.kind() == "function_definition")
                } else {
                    Some(stmt)
                };
                if let Some((d, n)) = def.and_then(|d| Some((d, d.field("name")?))) {
                    defs.push((n.utf8_text(src).unwrap_or(""), d));
                }
            }
            "expression_statement" => {
                let mut c2 = stmt.walk();
                let exprs: Vec<Node> = stmt.named_children(&mut c2).collect();
                for e in exprs {
                    let mut cur = Some(e);
                    while let Some(a) = cur.filter(|a| a.kind() == "assignment") {
                        if let Some(l) = a.field("left").filter(|l| l.kind() == "identifier") {
                            assigned.push(l.utf8_text(src).unwrap_or(""));
                        }
                        cur = a.field("right");
                    }
                }
            }
            "if_statement" | "try_statement" | "with_statement" | "elif_clause" | "else_clause"
            | "except_clause" | "finally_clause" | "block" => {
                members(stmt, src, defs, assigned);
            }
            _ => {}
        }
    }
}

/// Whether a method body only hands its arguments to the builtin's own
/// method (`return super().__getitem__(i)`, `return list.__getitem__(self,
/// i)`): skipping it changes nothing.
fn only_delegates(ctx: &Ctx, def: Node, method: &str, builtin: &str) -> bool {
    let Some(body) = def.field("body") else {
        return false;
    };
    let mut c = body.walk();
    let stmts: Vec<Node> = body
        .named_children(&mut c)
        .filter(|s| s.kind() != "comment")
        .filter(|s| {
            // A docstring.
            !(s.kind() == "expression_statement"
                && s.named_child(0).is_some_and(|e| e.kind() == "string"))
        })
        .collect();
    let [stmt] = stmts.as_slice() else {
        return false;
    };
    let Some(call) = stmt.named_child(0).filter(|e| e.kind() == "call") else {
        return false;
    };
    if !matches!(stmt.kind(), "return_statement" | "expression_statement") {
        return false;
    }
    let (Some(func), Some(args)) = (call.field("function"), call.field("arguments")) else {
        return false;
    };
    if func.kind() != "attribute" || ctx.last_name(func) != method {
        return false;
    }
    let receiver_ok = func.field("object").is_some_and(|o| match o.kind() {
        "identifier" => ctx.text(o) == builtin,
        "call" => o.field("function").is_some_and(|f| ctx.text(f) == "super"),
        _ => false,
    });
    let mut c2 = args.walk();
    let plain_args = args.named_children(&mut c2).all(|a| {
        matches!(
            a.kind(),
            "identifier" | "list_splat" | "dictionary_splat" | "comment"
        )
    });
    receiver_ok && plain_args
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let Some(supers) = node.field("superclasses") else {
        return;
    };
    // Exactly one positional base (a mixin could supply the methods).
    let mut c = supers.walk();
    let bases: Vec<Node> = supers
        .named_children(&mut c)
        .filter(|n| !matches!(n.kind(), "keyword_argument" | "comment"))
        .collect();
    let [base] = bases.as_slice() else {
        return;
    };
    let Some((builtin, base_name)) = builtin_base(ctx, *base) else {
        return;
    };
    let Some(body) = node.field("body") else {
        return;
    };
    let mut defs = Vec::new();
    let mut assigned = Vec::new();
    members(body, ctx.src, &mut defs, &mut assigned);
    let defined = |m: &str| defs.iter().any(|(n, _)| *n == m) || assigned.contains(&m);
    for (b, method, bypassers, routed) in BYPASSES {
        let Some(def) = defs.iter().find(|(n, _)| n == method).map(|(_, d)| *d) else {
            continue;
        };
        if *b != builtin {
            continue;
        }
        let missing: Vec<&str> = bypassers.iter().copied().filter(|m| !defined(m)).collect();
        if missing.is_empty() || only_delegates(ctx, def, method, builtin) {
            continue;
        }
        // A sequence `__getitem__` that only changes slicing (returning the
        // subclass for `x[1:3]`): iteration skipping it changes nothing.
        if *method == "__getitem__"
            && builtin != "dict"
            && crate::analysis::tree::mentions(def, "slice", ctx.src)
        {
            continue;
        }
        let class = ctx.name_of(node);
        let user = match builtin {
            "dict" => "UserDict",
            "list" => "UserList",
            _ => "UserString",
        };
        let fix = if *routed {
            fix(ctx, body, base_name, builtin, user, &defined)
        } else {
            None
        };
        out.push(Diagnostic {
            rule: RULE.id,
            variant: None,
            // The header: `class Name(dict)`.
            range: node.start_byte()..supers.end_byte(),
            args: vec![
                (Key::Class, class.to_string()),
                (Key::Base, builtin.to_string()),
                (Key::Method, (*method).to_string()),
                (Key::Bypass, missing.join(", ")),
                (Key::User, user.to_string()),
            ]
            .into(),
            fix,
        });
        return;
    }
}

/// `class C(dict)` -> `class C(collections.UserDict)` (or `UserDict` when
/// imported by name), unless the body names the builtin itself
/// (`dict.__setitem__(self, ...)` would break) or already uses `.data`,
/// the attribute the `User*` classes keep their contents in.
fn fix(
    ctx: &Ctx,
    body: Node,
    base_name: Node,
    builtin: &str,
    user: &str,
    defined: &dyn Fn(&str) -> bool,
) -> Option<Fix> {
    if crate::analysis::tree::mentions(body, builtin, ctx.src)
        || crate::analysis::tree::mentions_attribute(body, "data", ctx.src)
    {
        return None;
    }
    // `UserString` has no `str`-style constructor.
    if builtin == "str" && (defined("__new__") || defined("__init__")) {
        return None;
    }
    let qual = format!("collections.{user}");
    ctx.reads_module();
    let model = ctx.infer.this().clone();
    let imported_by_name = {
        let ids = model.bindings_in(crate::analysis::semantic::MODULE_SCOPE, user);
        !ids.is_empty()
            && ids.iter().all(|b| {
                matches!(model.binding(*b).map(|b| &b.kind),
                    Some(crate::analysis::semantic::BindingKind::ImportFrom { module, name })
                        if format!("{module}.{name}") == qual)
            })
    };
    let (text, import) = if imported_by_name {
        (user.to_string(), None)
    } else {
        let (collections, import) = import_module(ctx, "collections", base_name)?;
        (format!("{collections}.{user}"), import)
    };
    let mut edits = vec![Edit {
        range: base_name.byte_range(),
        text,
    }];
    edits.extend(import);
    Some(Fix {
        safety: Safety::Unsafe,
        edits,
    })
}
