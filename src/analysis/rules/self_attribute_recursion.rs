//! `self-attribute-recursion` (§8.2): reading `self.x` inside
//! `__getattribute__`, or assigning `self.x` inside `__setattr__`, calls the
//! same hook again, forever, until `RecursionError`.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("self-attribute-recursion"),
    note: NoteId::from_static("getattr-getattribute"),
    severity: Severity::Error,
    fix: Fixes::Unsafe,
    peers: &[],
    kinds: &["function_definition"],
    check,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hook {
    GetAttribute,
    SetAttr,
}

/// The name a parameter binds (`self`, `self: "C"`, `name="x"`).
fn param_name<'a>(ctx: &Ctx<'a>, p: Node<'a>) -> Option<&'a str> {
    match p.kind() {
        "identifier" => Some(ctx.text(p)),
        "typed_parameter" => p
            .named_child(0)
            .filter(|n| n.kind() == "identifier")
            .map(|n| ctx.text(n)),
        "default_parameter" | "typed_default_parameter" => p.field("name").map(|n| ctx.text(n)),
        _ => None,
    }
}

/// What one walk over the hook's own body finds.
#[derive(Default)]
struct Scan<'t> {
    /// `self.x` nodes, each with whether it is the target of an augmented
    /// assignment (`self.x += 1` both reads and writes).
    attrs: Vec<(Node<'t>, bool)>,
    /// Attributes that are assigned or deleted (not read), by node id.
    written: Vec<usize>,
    /// `setattr(...)` calls.
    setattr_calls: Vec<Node<'t>>,
    /// Every plain string literal's contents.
    literals: Vec<String>,
    /// Byte ranges of `except` clauses: an access there runs only after the
    /// default lookup in the `try` failed, and is not repeated by it.
    handlers: Vec<std::ops::Range<usize>>,
    /// A condition (`if`, `while`, `x if c else y`, `and`/`or`, `match`)
    /// mentions the attribute-name parameter (or, in `__setattr__`, the
    /// value): the hook dispatches on them, so the nested access may take a
    /// branch that ends the recursion.
    dispatches: bool,
}

/// Records the attributes among assignment (or `del`) targets.
fn mark_targets(target: Node, written: &mut Vec<usize>) {
    match target.kind() {
        "attribute" => written.push(target.id()),
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "tuple"
        | "list"
        | "expression_list"
        | "list_splat_pattern"
        | "parenthesized_expression" => {
            let mut c = target.walk();
            let kids: Vec<Node> = target.named_children(&mut c).collect();
            for k in kids {
                mark_targets(k, written);
            }
        }
        _ => {}
    }
}

/// The contents of a string literal without interpolations.
fn literal(ctx: &Ctx, s: Node) -> Option<String> {
    let mut c = s.walk();
    let parts: Vec<Node> = s.named_children(&mut c).collect();
    if parts.iter().any(|p| p.kind() == "interpolation") {
        return None;
    }
    Some(
        parts
            .iter()
            .filter(|p| p.kind() == "string_content")
            .map(|p| ctx.text(*p))
            .collect(),
    )
}

/// Walks the hook's body, not entering nested functions, lambdas and
/// classes (they may run later, outside the hook).
fn scan<'t>(ctx: &Ctx<'t>, body: Node<'t>, this: &str, dispatch_on: &[&str]) -> Scan<'t> {
    let mut s = Scan::default();
    let mut augmented: Vec<usize> = Vec::new();
    for n in crate::analysis::tree::own_nodes(body) {
        let condition = match n.kind() {
            "if_statement" | "elif_clause" | "while_statement" => n.field("condition"),
            "conditional_expression" => n.named_child(1),
            "boolean_operator" => n.field("left"),
            "match_statement" => n.field("subject"),
            _ => None,
        };
        if condition.is_some_and(|c| {
            dispatch_on
                .iter()
                .any(|p| crate::analysis::tree::mentions(c, p, ctx.src))
        }) {
            s.dispatches = true;
        }
        match n.kind() {
            // Statements are visited before their targets.
            "assignment" | "for_statement" | "for_in_clause" => {
                if let Some(left) = n.field("left") {
                    mark_targets(left, &mut s.written);
                }
            }
            "augmented_assignment" => {
                if let Some(left) = n.field("left") {
                    augmented.push(left.id());
                }
            }
            "delete_statement" => {
                let mut c = n.walk();
                let kids: Vec<Node> = n.named_children(&mut c).collect();
                for k in kids {
                    mark_targets(k, &mut s.written);
                }
            }
            "as_pattern" => {
                if let Some(alias) = n.field("alias") {
                    let mut c = alias.walk();
                    let kids: Vec<Node> = alias.named_children(&mut c).collect();
                    for k in kids {
                        mark_targets(k, &mut s.written);
                    }
                }
            }
            "attribute" => {
                let is_self = n
                    .field("object")
                    .is_some_and(|o| o.kind() == "identifier" && ctx.text(o) == this);
                if is_self {
                    s.attrs.push((n, augmented.contains(&n.id())));
                }
            }
            "call" => {
                let is_setattr = n
                    .field("function")
                    .is_some_and(|f| f.kind() == "identifier" && ctx.text(f) == "setattr");
                if is_setattr {
                    s.setattr_calls.push(n);
                }
            }
            "string" => s.literals.extend(literal(ctx, n)),
            "except_clause" | "except_group_clause" => s.handlers.push(n.byte_range()),
            _ => {}
        }
    }
    s
}

/// The attribute name Python looks up for `self.<attr>` written in `class`:
/// `__x` is mangled to `_Class__x`.
fn mangled(attr: &str, class: &str) -> Option<String> {
    if attr.starts_with("__") && !attr.ends_with("__") {
        let stripped = class.trim_start_matches('_');
        if stripped.is_empty() {
            return None;
        }
        return Some(format!("_{stripped}{attr}"));
    }
    Some(attr.to_string())
}

/// Whitespace collapsed, cut at 60 characters.
fn short(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        let cut: String = one_line.chars().take(59).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let Some(name) = node.field("name") else {
        return;
    };
    let hook = match ctx.text(name) {
        "__getattribute__" => Hook::GetAttribute,
        "__setattr__" => Hook::SetAttr,
        _ => return,
    };
    let Some(class) = ctx.stack.last().filter(|s| s.kind() == "class_definition") else {
        return;
    };
    let class_name = ctx.name_of(*class);
    let Some(params) = node.field("parameters") else {
        return;
    };
    let mut c = params.walk();
    let ps: Vec<Node> = params.named_children(&mut c).collect();
    let (Some(this), Some(name_param)) = (
        ps.first().and_then(|p| param_name(ctx, *p)),
        ps.get(1).and_then(|p| param_name(ctx, *p)),
    ) else {
        return;
    };
    let Some(body) = node.field("body") else {
        return;
    };
    let value_param = ps.get(2).and_then(|p| param_name(ctx, *p));
    let dispatch_on: Vec<&str> = match hook {
        Hook::GetAttribute => vec![name_param],
        Hook::SetAttr => [Some(name_param), value_param]
            .into_iter()
            .flatten()
            .collect(),
    };
    let s = scan(ctx, body, this, &dispatch_on);
    if s.dispatches {
        return;
    }
    let attr_name = |a: Node| a.field("attribute").map_or("", |n| ctx.text(n));
    // `self.__class__ = Other` swaps the hook out (lazy modules do this
    // before touching anything else).
    if s.attrs
        .iter()
        .any(|(a, _)| s.written.contains(&a.id()) && attr_name(*a) == "__class__")
    {
        return;
    }
    let hook_name = ctx.text(name);
    for &(attr_node, aug) in &s.attrs {
        let attr = attr_name(attr_node);
        // The hook names the attribute itself: it may handle it specially.
        if s.literals.iter().any(|l| l == attr) {
            continue;
        }
        let start = attr_node.start_byte();
        if s.handlers.iter().any(|r| r.contains(&start)) {
            continue;
        }
        let written = s.written.contains(&attr_node.id());
        let looked_up = mangled(attr, class_name);
        let shown = looked_up.as_deref().unwrap_or(attr);
        match hook {
            Hook::GetAttribute if aug || !written => {
                let safe = format!("object.__getattribute__({this}, \"{shown}\")");
                let fix = (looked_up.is_some() && !aug).then(|| Fix {
                    safety: Safety::Unsafe,
                    edits: vec![Edit {
                        range: attr_node.byte_range(),
                        text: safe.clone(),
                    }],
                });
                push(ctx, out, attr_node, hook_name, &safe, fix);
            }
            Hook::SetAttr if aug || written => {
                let (safe, fix) = match looked_up.as_deref() {
                    Some(key) if !aug => setattr_fix(ctx, attr_node, this, key),
                    _ => (None, None),
                };
                let safe = safe
                    .unwrap_or_else(|| format!("object.__setattr__({this}, \"{shown}\", value)"));
                push(ctx, out, attr_node, hook_name, &safe, fix);
            }
            _ => {}
        }
    }
    if hook == Hook::SetAttr {
        let unhandled = s
            .setattr_calls
            .iter()
            .filter(|c| !s.handlers.iter().any(|r| r.contains(&c.start_byte())));
        for call in unhandled {
            setattr_call(ctx, out, *call, this, name_param, hook_name, &s.literals);
        }
    }
}

/// `self.x = value` as a whole statement -> `object.__setattr__(self, "x",
/// value)`. Returns the suggestion and, when mechanical, the fix.
fn setattr_fix(ctx: &Ctx, attr_node: Node, this: &str, key: &str) -> (Option<String>, Option<Fix>) {
    // `Node::parent` twice, not in a loop: only for a finding.
    let Some(assign) = attr_node.parent().filter(|p| p.kind() == "assignment") else {
        return (None, None);
    };
    if assign.field("left").map(|l| l.id()) != Some(attr_node.id())
        || assign.field("type").is_some()
    {
        return (None, None);
    }
    let Some(right) = assign.field("right") else {
        return (None, None);
    };
    let value = match right.kind() {
        "assignment" | "augmented_assignment" | "yield" | "pattern_list" => return (None, None),
        "expression_list" => format!("({})", ctx.text(right)),
        _ => ctx.text(right).to_string(),
    };
    let text = format!("object.__setattr__({this}, \"{key}\", {value})");
    let safe = short(&text);
    let whole_statement = assign
        .parent()
        .is_some_and(|st| st.kind() == "expression_statement" && st.named_child_count() == 1);
    if !whole_statement {
        return (Some(safe), None);
    }
    let fix = Fix {
        safety: Safety::Unsafe,
        edits: vec![Edit {
            range: assign.byte_range(),
            text,
        }],
    };
    (Some(safe), Some(fix))
}

/// `setattr(self, name, value)` inside `__setattr__`, with `name` the hook's
/// own parameter, or a string literal the hook does not mention elsewhere.
fn setattr_call(
    ctx: &Ctx,
    out: &mut Vec<Diagnostic>,
    call: Node,
    this: &str,
    name_param: &str,
    hook_name: &str,
    literals: &[String],
) {
    let (Some(func), Some(args)) = (call.field("function"), call.field("arguments")) else {
        return;
    };
    let mut c = args.walk();
    let a: Vec<Node> = args
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect();
    let [obj, key, value] = a.as_slice() else {
        return;
    };
    if obj.kind() != "identifier" || ctx.text(*obj) != this {
        return;
    }
    if [key, value].iter().any(|n| {
        matches!(
            n.kind(),
            "keyword_argument" | "list_splat" | "dictionary_splat"
        )
    }) {
        return;
    }
    let same_name = match key.kind() {
        "identifier" => ctx.text(*key) == name_param,
        // Its own occurrence counts once.
        "string" => {
            literal(ctx, *key).is_some_and(|k| literals.iter().filter(|l| **l == k).count() <= 1)
        }
        _ => false,
    };
    if !same_name || ctx.resolve(func).as_deref() != Some("builtins.setattr") {
        return;
    }
    let safe = format!("object.__setattr__{}", ctx.text(args));
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: call.byte_range(),
        args: vec![
            (Key::Access, short(ctx.text(call))),
            (Key::Hook, hook_name.to_string()),
            (Key::Safe, short(&safe)),
        ]
        .into(),
        fix: Some(Fix {
            safety: Safety::Unsafe,
            edits: vec![Edit {
                range: func.byte_range(),
                text: "object.__setattr__".into(),
            }],
        }),
    });
}

fn push(
    ctx: &Ctx,
    out: &mut Vec<Diagnostic>,
    attr_node: Node,
    hook_name: &str,
    safe: &str,
    fix: Option<Fix>,
) {
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: attr_node.byte_range(),
        args: vec![
            (Key::Access, short(ctx.text(attr_node))),
            (Key::Hook, hook_name.to_string()),
            (Key::Safe, short(safe)),
        ]
        .into(),
        fix,
    });
}
