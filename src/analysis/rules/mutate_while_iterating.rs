//! `mutate-while-iterating` (§6.5): adding or removing items of a dict or set
//! while a `for` loop iterates over it raises `RuntimeError`; doing it to a
//! list silently skips or repeats items.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Edit, Fix, Fixes, Rule, Safety, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("mutate-while-iterating"),
    note: NoteId::from_static("hashing-performance"),
    severity: Severity::Warning,
    fix: Fixes::Unsafe,
    peers: &["B909", "PLE4703", "PLE4702"],
    kinds: &["for_statement"],
    check,
};

/// The builtin containers (a subclass of one counts as one).
const CONTAINERS: &[&str] = &["builtins.dict", "builtins.list", "builtins.set"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Dict,
    List,
    Set,
}

impl Container {
    fn of(qual: &str) -> Option<Container> {
        match qual {
            "builtins.dict"
            | "collections.defaultdict"
            | "collections.OrderedDict"
            | "collections.Counter" => Some(Container::Dict),
            "builtins.list" => Some(Container::List),
            "builtins.set" => Some(Container::Set),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Container::Dict => "dict",
            Container::List => "list",
            Container::Set => "set",
        }
    }

    /// Methods that add or remove items.
    fn mutates(self, method: &str) -> bool {
        match self {
            Container::Dict => matches!(method, "pop" | "popitem" | "clear"),
            Container::List => matches!(method, "remove" | "pop" | "insert" | "clear"),
            Container::Set => matches!(method, "add" | "remove" | "discard" | "pop" | "clear"),
        }
    }
}

/// What the loop iterates: the container's name, and whether it is through a
/// dict view (`d.keys()` / `.values()` / `.items()`).
fn iterated<'a>(ctx: &Ctx<'a>, iter: Node<'a>) -> Option<(&'a str, bool)> {
    match iter.kind() {
        "identifier" => Some((ctx.text(iter), false)),
        "call" => {
            let func = iter.field("function")?;
            if func.kind() != "attribute"
                || !matches!(ctx.last_name(func), "keys" | "values" | "items")
            {
                return None;
            }
            let args = iter.field("arguments")?;
            if args.named_child_count() != 0 {
                return None;
            }
            let obj = func.field("object")?;
            (obj.kind() == "identifier").then(|| (ctx.text(obj), true))
        }
        _ => None,
    }
}

/// The loop variable that holds the current key: `k` in `for k in d`,
/// `for k in d.keys()` and `for k, v in d.items()`.
fn loop_key<'a>(ctx: &Ctx<'a>, iter: Node<'a>, left: Node<'a>) -> Option<&'a str> {
    let view = match iter.kind() {
        "call" => iter.field("function").map_or("", |f| ctx.last_name(f)),
        _ => "keys",
    };
    let key = match view {
        "keys" => left,
        "items" if matches!(left.kind(), "pattern_list" | "tuple_pattern") => {
            left.named_child(0)?
        }
        _ => return None,
    };
    (key.kind() == "identifier").then(|| ctx.text(key))
}

struct Search<'a, 'c> {
    ctx: &'c Ctx<'a>,
    name: &'a str,
    /// The loop variable, when it is a plain name: `d[k] = v` with the loop's
    /// own key replaces a value and does not change the size.
    key: Option<&'a str>,
    container: Container,
    found: Vec<Node<'a>>,
}

impl<'a> Search<'a, '_> {
    /// The statements of a block; `depth` counts the loops nested between our
    /// `for` and the block (a `break` there leaves only the inner loop).
    fn block(&mut self, block: Node<'a>, depth: usize) {
        let mut c = block.walk();
        let stmts: Vec<Node<'a>> = block
            .named_children(&mut c)
            .filter(|n| n.kind() != "comment")
            .collect();
        for (i, stmt) in stmts.iter().enumerate() {
            let before = self.found.len();
            self.statement(*stmt, depth);
            if self.found.len() == before {
                continue;
            }
            // Mutations made by this statement itself (not in a block nested
            // in it) are fine if the loop is left right after them.
            let exits = stmts[i..].iter().any(|s| match s.kind() {
                "return_statement" | "raise_statement" => true,
                "break_statement" => depth == 0,
                _ => false,
            });
            if exits {
                let found: Vec<Node<'a>> = self.found.drain(before..).collect();
                self.found
                    .extend(found.into_iter().filter(|m| !is_direct(*stmt, *m)));
            }
        }
    }

    fn statement(&mut self, stmt: Node<'a>, depth: usize) {
        match stmt.kind() {
            "function_definition" | "class_definition" | "decorated_definition" => {}
            "for_statement" | "while_statement" => {
                let same = stmt.kind() == "for_statement"
                    && stmt
                        .field("right")
                        .and_then(|r| iterated(self.ctx, r))
                        .is_some_and(|(n, _)| n == self.name);
                if same {
                    return; // checked on its own
                }
                let mut c = stmt.walk();
                for child in stmt.named_children(&mut c) {
                    match child.kind() {
                        "block" => self.block(child, depth + 1),
                        "else_clause" => self.statement(child, depth),
                        _ => self.expr(child),
                    }
                }
            }
            "if_statement"
            | "try_statement"
            | "with_statement"
            | "match_statement"
            | "elif_clause"
            | "else_clause"
            | "except_clause"
            | "except_group_clause"
            | "finally_clause"
            | "case_clause"
            | "with_clause" => {
                let mut c = stmt.walk();
                for child in stmt.named_children(&mut c) {
                    match child.kind() {
                        "block" => self.block(child, depth),
                        "elif_clause"
                        | "else_clause"
                        | "except_clause"
                        | "except_group_clause"
                        | "finally_clause"
                        | "case_clause" => self.statement(child, depth),
                        _ => self.expr(child),
                    }
                }
            }
            _ => self.expr(stmt),
        }
    }

    /// Mutations inside a simple statement or an expression.
    fn expr(&mut self, node: Node<'a>) {
        let hit = match node.kind() {
            "lambda" | "function_definition" | "class_definition" | "comment" => return,
            "delete_statement" => self.container != Container::Set && self.deletes(node),
            "assignment" | "augmented_assignment" => {
                self.container == Container::Dict
                    && node.field("left").is_some_and(|l| self.is_new_item(l))
            }
            "call" => self.is_mutating_call(node),
            _ => false,
        };
        if hit {
            self.found.push(node);
        }
        let mut c = node.walk();
        for child in node.named_children(&mut c) {
            self.expr(child);
        }
    }

    fn is_ours(&self, node: Node) -> bool {
        node.kind() == "identifier" && self.ctx.text(node) == self.name
    }

    /// `del d[...]` (also among several targets).
    fn deletes(&self, stmt: Node) -> bool {
        let mut c = stmt.walk();
        let mut targets: Vec<Node> = stmt.named_children(&mut c).collect();
        while let Some(t) = targets.pop() {
            match t.kind() {
                "subscript" if t.field("value").is_some_and(|v| self.is_ours(v)) => {
                    return true;
                }
                "expression_list" | "tuple" | "list" | "parenthesized_expression" => {
                    let mut c = t.walk();
                    targets.extend(t.named_children(&mut c));
                }
                _ => {}
            }
        }
        false
    }

    /// `d[key] = ...` with a key other than the loop's own.
    fn is_new_item(&self, left: Node) -> bool {
        if left.kind() != "subscript" || !left.field("value").is_some_and(|v| self.is_ours(v)) {
            return false;
        }
        let mut c = left.walk();
        let index: Vec<Node> = left.children_by_field_name("subscript", &mut c).collect();
        match (index.as_slice(), self.key) {
            ([only], Some(key)) => !(only.kind() == "identifier" && self.ctx.text(*only) == key),
            _ => true,
        }
    }

    fn is_mutating_call(&self, call: Node) -> bool {
        let Some(func) = call.field("function") else {
            return false;
        };
        let method = self.ctx.last_name(func);
        if func.kind() != "attribute"
            || !self.container.mutates(method)
            || !func.field("object").is_some_and(|o| self.is_ours(o))
        {
            return false;
        }
        // `s.add(x)` inside `for x in s`: already there, nothing changes.
        let adds_current = self.container == Container::Set
            && method == "add"
            && call.field("arguments").is_some_and(|a| {
                a.named_child_count() == 1
                    && a.named_child(0).is_some_and(|x| {
                        x.kind() == "identifier" && Some(self.ctx.text(x)) == self.key
                    })
            });
        !adds_current
    }
}

/// Whether `m` belongs to `stmt` itself rather than to a block nested in it.
fn is_direct(stmt: Node, m: Node) -> bool {
    let mut cur = stmt;
    loop {
        if cur.id() == m.id() {
            return true;
        }
        let mut c = cur.walk();
        let next = cur
            .named_children(&mut c)
            .find(|ch| ch.start_byte() <= m.start_byte() && m.end_byte() <= ch.end_byte());
        match next {
            Some(n) if n.kind() == "block" => return false,
            Some(n) => cur = n,
            None => return false,
        }
    }
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let (Some(iter), Some(body)) = (node.field("right"), node.field("body")) else {
        return;
    };
    let Some((name, is_view)) = iterated(ctx, iter) else {
        return;
    };
    // Cheap: the body must mention the name at all.
    if !ctx.text(body).contains(name) {
        return;
    }
    let target = match iter.kind() {
        "call" => iter.field("function").and_then(|f| f.field("object")),
        _ => Some(iter),
    };
    let Some(container) = target
        .and_then(|t| ctx.infer.instance_of_any(t, CONTAINERS))
        .and_then(|i| Container::of(CONTAINERS[i]))
    else {
        return;
    };
    if is_view && container != Container::Dict {
        return;
    }
    let key = node.field("left").and_then(|l| loop_key(ctx, iter, l));
    let mut search = Search {
        ctx,
        name,
        key,
        container,
        found: Vec::new(),
    };
    search.block(body, 0);
    if search.found.is_empty() {
        return;
    }
    let fix = ctx.builtin_unshadowed("list", node).then(|| Fix {
        safety: Safety::Unsafe,
        edits: vec![Edit {
            range: iter.byte_range(),
            text: format!("list({})", ctx.text(iter)),
        }],
    });
    for m in search.found {
        out.push(Diagnostic {
            rule: RULE.id,
            variant: None,
            range: m.byte_range(),
            args: vec![
                (Key::Mutation, crate::analysis::tree::snippet(m, ctx.src)),
                (Key::Name, name.to_string()),
                (Key::Kind, container.name().to_string()),
                (Key::Iter, crate::analysis::tree::snippet(iter, ctx.src)),
            ]
            .into(),
            fix: fix.clone(),
        });
    }
}
