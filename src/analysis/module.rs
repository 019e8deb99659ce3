//! What a module binds: imported names with their qualified names, the other
//! bindings with their scopes and values, and the kinds of its functions.
//! Used to resolve a reference such as `Lock`, `asyncio.gather` or the
//! receiver of `t.start()` to `threading.Lock`, `asyncio.gather`,
//! `threading.Thread`.
//!
//! Deliberately conservative: a name bound by anything but one consistent
//! import (an assignment, a `def`, a parameter, two different imports) does not
//! resolve where that binding is visible, so a local `Lock` class never shows
//! the note of `threading.Lock`. Bindings at module or class level hide a name
//! everywhere; bindings inside a function (or lambda) only inside it. A
//! receiver's kind is known only when every binding of the name in its scope
//! agrees.

use std::collections::{HashMap, HashSet};
use tree_sitter::{Node, Tree};

/// What calling a function defined in the module returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FnKind {
    Plain,
    /// A `def` containing `yield`: returns a generator.
    Generator,
    /// An `async def`: returns a coroutine.
    Coroutine,
    /// An `async def` containing `yield`: returns an async generator.
    AsyncGenerator,
}

/// What a binding assigns to a name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    /// `x = f(...)` / `with f(...) as x`: the callee's dotted parts.
    Call(Vec<String>),
    /// `x = {}` / `[...]` / `{1, 2}` and their comprehensions.
    Literal(&'static str),
    /// A parameter annotated with a (dotted) name: `v: Vector`.
    Annotated(Vec<String>),
    /// `x += y`: the result of an in-place operator on the same name.
    Augmented,
    /// Anything else (a parameter, a loop variable, an expression).
    Other,
}

/// Names a module binds.
#[derive(Debug, Default, Clone)]
pub struct ModuleIndex {
    /// Local name -> qualified name, for names bound only by imports that agree.
    imports: HashMap<String, String>,
    /// Names bound by anything else (or by conflicting imports) at module or
    /// class level: hidden everywhere.
    shadowed: HashSet<String>,
    /// Names bound inside functions: name -> byte ranges of the functions
    /// (or lambdas) whose scope binds them.
    local: HashMap<String, Vec<std::ops::Range<usize>>>,
    /// Every function and lambda: (byte range, node id), in tree order.
    scopes: Vec<(std::ops::Range<usize>, usize)>,
    /// (scope id, name) -> every value bound to it there. The module scope's
    /// id is the root node's.
    values: HashMap<(usize, String), Vec<Value>>,
    /// Functions defined at module level, by name (`None`: defined twice with
    /// different kinds).
    functions: HashMap<String, Option<FnKind>>,
    /// (function node id, name): a `def name` directly in that function's
    /// body (not in a nested function, lambda or class).
    nested_functions: HashSet<(usize, String)>,
    root: usize,
}

impl ModuleIndex {
    pub fn build(tree: &Tree, src: &[u8]) -> ModuleIndex {
        let root = tree.root_node();
        let mut index = ModuleIndex {
            root: root.id(),
            ..ModuleIndex::default()
        };
        let mut imports: HashMap<String, Option<String>> = HashMap::new();
        let mut other: HashSet<String> = HashSet::new();
        let mut cursor = tree.walk();
        let mut targets: Vec<(Node, Option<Node>)> = Vec::new();
        // Enclosing functions, lambdas and classes of the current node.
        let mut stack: Vec<Node> = Vec::new();
        loop {
            let node = cursor.node();
            // The scope a binding made at this node belongs to: the innermost
            // function or lambda, unless a class is nearer (class level
            // counts as module level).
            let scope = stack
                .last()
                .filter(|n| n.kind() != "class_definition")
                .copied();
            collect_bindings(node, src, &mut imports, &mut targets);
            if node.kind() == "function_definition" {
                if let (Some(outer), Some(name)) = (stack.last(), node.child_by_field_name("name"))
                {
                    if outer.kind() == "function_definition" {
                        index
                            .nested_functions
                            .insert((outer.id(), text(name, src).to_string()));
                    }
                }
            }
            if node.kind() == "function_definition" && scope.is_none() && stack.is_empty() {
                if let Some(name) = node.child_by_field_name("name") {
                    let kind = fn_kind(node);
                    index
                        .functions
                        .entry(text(name, src).to_string())
                        .and_modify(|k| {
                            if *k != Some(kind) {
                                *k = None;
                            }
                        })
                        .or_insert(Some(kind));
                }
            }
            while let Some((target, value)) = targets.pop() {
                match target.kind() {
                    "identifier" => {
                        let name = text(target, src).to_string();
                        let value = value.map_or(Value::Other, |v| value_of(v, src));
                        index
                            .values
                            .entry((scope.map_or(index.root, |s| s.id()), name.clone()))
                            .or_default()
                            .push(value);
                        match scope {
                            Some(s) => index.local.entry(name).or_default().push(s.byte_range()),
                            None => {
                                other.insert(name);
                            }
                        }
                    }
                    "attribute" | "subscript" => {}
                    _ => {
                        let mut c = target.walk();
                        targets.extend(target.named_children(&mut c).map(|n| (n, None)));
                    }
                }
            }
            let is_scope = matches!(
                node.kind(),
                "function_definition" | "lambda" | "class_definition"
            );
            if is_scope && node.kind() != "class_definition" {
                index.scopes.push((node.byte_range(), node.id()));
            }
            if cursor.goto_first_child() {
                if is_scope {
                    stack.push(node);
                }
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    for (name, qual) in imports {
                        match qual {
                            Some(q) if !other.contains(&name) => {
                                index.imports.insert(name, q);
                            }
                            _ => {
                                index.shadowed.insert(name);
                            }
                        }
                    }
                    index.shadowed.extend(other);
                    return index;
                }
                if stack.last().is_some_and(|s| s.id() == cursor.node().id()) {
                    stack.pop();
                }
            }
        }
    }

    /// The qualified name of a dotted reference (`["asyncio", "gather"]`)
    /// read at `at`, if its first name is imported, or is a builtin that no
    /// binding visible there shadows.
    pub fn resolve_at(&self, parts: &[&str], at: Node) -> Option<String> {
        let first = parts.first()?;
        if let Some(scopes) = self.local.get(*first) {
            let pos = at.start_byte();
            if scopes.iter().any(|r| r.start <= pos && pos < r.end) {
                return None;
            }
        }
        self.resolve(parts)
    }

    /// Like [`ModuleIndex::resolve_at`], ignoring function-local bindings.
    pub fn resolve(&self, parts: &[&str]) -> Option<String> {
        let (first, rest) = parts.split_first()?;
        let base = if let Some(q) = self.imports.get(*first) {
            q.clone()
        } else if !self.shadowed.contains(*first) && is_builtin(first) {
            format!("builtins.{first}")
        } else {
            return None;
        };
        let mut out = base;
        for part in rest {
            out.push('.');
            out.push_str(part);
        }
        Some(out)
    }

    /// The kind of a module-level function, if it is defined once (or every
    /// definition agrees) and nothing else rebinds its name.
    pub fn function_kind(&self, name: &str) -> Option<FnKind> {
        let kind = (*self.functions.get(name)?)?;
        let only_defs = self
            .values
            .get(&(self.root, name.to_string()))
            .is_some_and(|vals| vals.iter().all(|v| *v == Value::Other));
        only_defs.then_some(kind)
    }

    /// Whether the body of `function` (a `function_definition` node of this
    /// tree) defines a function `name` itself, not in a nested function,
    /// lambda or class.
    pub fn defines_nested_function(&self, function: Node, name: &str) -> bool {
        self.nested_functions
            .contains(&(function.id(), name.to_string()))
    }

    /// What the name `name`, read at `at`, holds: the qualified name of the
    /// callable that produced it (`threading.Thread`), `builtins.dict` /
    /// `builtins.list` / `builtins.set` for literals, or `<generator>`,
    /// `<coroutine>`, `<asyncgen>` for the result of calling a module
    /// function of that kind. `None` unless every binding in the innermost
    /// scope that binds the name agrees.
    pub fn value_kind(&self, name: &str, at: Node) -> Option<String> {
        let vals = self.scope_values(name, at)?;
        let mut kinds = vals.iter().map(|v| self.kind_of(v, at));
        let first = kinds.next()??;
        kinds.all(|k| k.as_deref() == Some(&first)).then_some(first)
    }

    /// Every value bound to `name` in the innermost scope (seen from `at`)
    /// that binds it.
    fn scope_values(&self, name: &str, at: Node) -> Option<&Vec<Value>> {
        let pos = at.start_byte();
        // Enclosing scopes, innermost first, then the module.
        let mut enclosing: Vec<&(std::ops::Range<usize>, usize)> = self
            .scopes
            .iter()
            .filter(|(r, _)| r.start <= pos && pos < r.end)
            .collect();
        enclosing.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        let mut ids = enclosing.iter().map(|(_, id)| *id).chain([self.root]);
        ids.find_map(|id| self.values.get(&(id, name.to_string())))
    }

    /// What a receiver expression holds: a name bound in scope, a call, or
    /// a display (`{}`, `[...]`).
    pub fn expr_kind(&self, object: Node, src: &[u8]) -> Option<String> {
        match object.kind() {
            "identifier" => self.value_kind(object.utf8_text(src).ok()?, object),
            "call" => {
                let f = object.child_by_field_name("function")?;
                let parts = dotted_parts(f, src)?;
                self.call_kind(&parts, object)
            }
            "dictionary" | "dictionary_comprehension" => Some("builtins.dict".into()),
            "list" | "list_comprehension" => Some("builtins.list".into()),
            "set" | "set_comprehension" => Some("builtins.set".into()),
            _ => None,
        }
    }

    /// The kind of the value a call expression's callee produces, for a
    /// callee given as dotted parts (`asyncio.get_event_loop()`).
    pub fn call_kind(&self, parts: &[&str], at: Node) -> Option<String> {
        if let [single] = parts {
            if let Some(kind) = self.function_kind(single) {
                return match kind {
                    FnKind::Generator => Some("<generator>".into()),
                    FnKind::Coroutine => Some("<coroutine>".into()),
                    FnKind::AsyncGenerator => Some("<asyncgen>".into()),
                    FnKind::Plain => None,
                };
            }
        }
        self.resolve_at(parts, at)
    }

    fn kind_of(&self, value: &Value, at: Node) -> Option<String> {
        match value {
            Value::Call(parts) => {
                let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
                self.call_kind(&parts, at)
            }
            Value::Literal(kind) => Some((*kind).to_string()),
            Value::Annotated(_) | Value::Augmented | Value::Other => None,
        }
    }

    /// What the innermost scope that binds `name` (as seen at `at`) binds
    /// to it, one entry per binding; `None` if no scope there binds it.
    pub fn bound_values(&self, name: &str, at: Node) -> Option<Vec<Bound>> {
        let vals = self.scope_values(name, at)?;
        Some(
            vals.iter()
                .filter(|v| **v != Value::Augmented)
                .map(|v| match v {
                    Value::Call(p) => Bound::Call(p.clone()),
                    Value::Annotated(p) => Bound::Annotated(p.clone()),
                    Value::Literal(_) | Value::Augmented | Value::Other => Bound::Other,
                })
                .collect(),
        )
    }

    /// A local name that the module's imports bind to exactly `qual`
    /// (`aio` for `import asyncio as aio`), preferring `qual` itself.
    pub fn local_name_for(&self, qual: &str) -> Option<String> {
        if self.imports.get(qual).map(String::as_str) == Some(qual) {
            return Some(qual.to_string());
        }
        let mut names: Vec<&String> = self
            .imports
            .iter()
            .filter(|(_, q)| q.as_str() == qual)
            .map(|(l, _)| l)
            .collect();
        names.sort();
        names.first().map(|n| (*n).clone())
    }

    /// Whether anything in the module binds `name` (an import, an
    /// assignment, a parameter, in any scope).
    pub fn binds_anywhere(&self, name: &str) -> bool {
        self.imports.contains_key(name)
            || self.shadowed.contains(name)
            || self.local.contains_key(name)
    }

    /// Whether a function or lambda enclosing `at` binds `name`.
    pub fn is_local(&self, name: &str, at: Node) -> bool {
        let pos = at.start_byte();
        self.local
            .get(name)
            .is_some_and(|scopes| scopes.iter().any(|r| r.start <= pos && pos < r.end))
    }
}

/// One binding of a name, as [`ModuleIndex::bound_values`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bound {
    /// `x = f(...)`, `with f(...) as x`: the callee's dotted parts.
    Call(Vec<String>),
    /// A parameter annotated `x: T`: the annotation's dotted parts.
    Annotated(Vec<String>),
    /// Anything else.
    Other,
}

/// What calling a function definition returns.
pub fn fn_kind(func: Node) -> FnKind {
    let is_async = func.child(0).is_some_and(|c| c.kind() == "async");
    match (is_async, super::explain::contains_yield(func)) {
        (false, false) => FnKind::Plain,
        (false, true) => FnKind::Generator,
        (true, false) => FnKind::Coroutine,
        (true, true) => FnKind::AsyncGenerator,
    }
}

/// The dotted parts of a callee (`a.b.c`), if it is a plain dotted name.
pub fn dotted_parts<'s>(node: Node, src: &'s [u8]) -> Option<Vec<&'s str>> {
    let mut parts = Vec::new();
    let mut cur = node;
    loop {
        match cur.kind() {
            "identifier" => {
                parts.push(cur.utf8_text(src).ok()?);
                break;
            }
            "attribute" => {
                parts.push(cur.child_by_field_name("attribute")?.utf8_text(src).ok()?);
                cur = cur.child_by_field_name("object")?;
            }
            _ => return None,
        }
        if parts.len() > 16 {
            return None;
        }
    }
    parts.reverse();
    Some(parts)
}

fn value_of(node: Node, src: &[u8]) -> Value {
    if matches!(node.kind(), "typed_parameter" | "typed_default_parameter") {
        return node
            .child_by_field_name("type")
            .and_then(|t| t.named_child(0))
            .and_then(|t| dotted_parts(t, src))
            .map_or(Value::Other, |p| {
                Value::Annotated(p.into_iter().map(String::from).collect())
            });
    }
    // Parentheses are unwrapped in a loop: `x = ((((...))))` may nest deeper
    // than the stack allows.
    let mut node = node;
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => return Value::Other,
        }
    }
    match node.kind() {
        "augmented_assignment" => Value::Augmented,
        "call" => node
            .child_by_field_name("function")
            .and_then(|f| dotted_parts(f, src))
            .map_or(Value::Other, |p| {
                Value::Call(p.into_iter().map(String::from).collect())
            }),
        "dictionary" | "dictionary_comprehension" => Value::Literal("builtins.dict"),
        "list" | "list_comprehension" => Value::Literal("builtins.list"),
        "set" | "set_comprehension" => Value::Literal("builtins.set"),
        _ => Value::Other,
    }
}

fn text<'a>(node: Node, src: &'a [u8]) -> &'a str {
    node.utf8_text(src).unwrap_or("")
}

fn record(imports: &mut HashMap<String, Option<String>>, local: &str, qual: String) {
    imports
        .entry(local.to_string())
        .and_modify(|seen| {
            if seen.as_deref() != Some(qual.as_str()) {
                *seen = None;
            }
        })
        .or_insert(Some(qual));
}

/// Records imports of `node` and pushes the roots of binding targets, each
/// with the value bound when the target is a plain name given one value.
fn collect_bindings<'t>(
    node: Node<'t>,
    src: &[u8],
    imports: &mut HashMap<String, Option<String>>,
    targets: &mut Vec<(Node<'t>, Option<Node<'t>>)>,
) {
    match node.kind() {
        "import_statement" => {
            let mut c = node.walk();
            for name in node.children_by_field_name("name", &mut c) {
                match name.kind() {
                    "dotted_name" => {
                        let full = text(name, src);
                        let first = full.split('.').next().unwrap_or(full).trim();
                        record(imports, first, first.to_string());
                    }
                    "aliased_import" => {
                        if let (Some(n), Some(a)) = (
                            name.child_by_field_name("name"),
                            name.child_by_field_name("alias"),
                        ) {
                            record(imports, text(a, src), dotted(n, src));
                        }
                    }
                    _ => {}
                }
            }
        }
        "import_from_statement" => {
            let module = node.child_by_field_name("module_name");
            let module = match module {
                Some(m) if m.kind() == "dotted_name" => Some(dotted(m, src)),
                _ => None, // relative imports do not resolve
            };
            let mut c = node.walk();
            for name in node.children_by_field_name("name", &mut c) {
                let (n, local) = match name.kind() {
                    "dotted_name" => (Some(name), Some(name)),
                    "aliased_import" => (
                        name.child_by_field_name("name"),
                        name.child_by_field_name("alias"),
                    ),
                    _ => (None, None),
                };
                if let (Some(n), Some(local)) = (n, local) {
                    let local = text(local, src);
                    match &module {
                        Some(m) => record(imports, local, format!("{m}.{}", dotted(n, src))),
                        None => {
                            imports.insert(local.to_string(), None);
                        }
                    }
                }
            }
        }
        "function_definition" | "class_definition" => {
            targets.extend(node.child_by_field_name("name").map(|n| (n, None)));
        }
        "parameters" | "lambda_parameters" => {
            let mut c = node.walk();
            for p in node.named_children(&mut c) {
                let target = match p.kind() {
                    "identifier" | "list_splat_pattern" | "dictionary_splat_pattern" => Some(p),
                    "default_parameter" | "typed_default_parameter" => {
                        p.child_by_field_name("name")
                    }
                    "typed_parameter" => p.named_child(0),
                    _ => None,
                };
                // A typed parameter's "value" is its annotation.
                let value = Some(p).filter(|p| {
                    matches!(p.kind(), "typed_parameter" | "typed_default_parameter")
                        && target.is_some_and(|t| t.kind() == "identifier")
                });
                targets.extend(target.map(|t| (t, value)));
            }
        }
        "assignment" => {
            if let Some(left) = node.child_by_field_name("left") {
                let right = node
                    .child_by_field_name("right")
                    .filter(|_| left.kind() == "identifier");
                targets.push((left, right));
            }
        }
        "augmented_assignment" => {
            // `x += y` rebinds `x` to what `x.__iadd__(y)` returns: recorded
            // as such, so it does not hide what `x` was bound to.
            targets.extend(node.child_by_field_name("left").map(|n| (n, Some(node))));
        }
        "for_statement" | "for_in_clause" => {
            targets.extend(node.child_by_field_name("left").map(|n| (n, None)));
        }
        "named_expression" => {
            targets.extend(
                node.child_by_field_name("name")
                    .map(|n| (n, node.child_by_field_name("value"))),
            );
        }
        "as_pattern" => {
            if let Some(alias) = node.child_by_field_name("alias") {
                // `with f() as x`: the alias is an as_pattern_target around `x`.
                let value = node.named_child(0).filter(|v| v.id() != alias.id());
                let inner = alias.named_child(0).filter(|n| n.kind() == "identifier");
                match (inner, node.parent().map(|p| p.kind())) {
                    (Some(ident), Some("with_item")) => targets.push((ident, value)),
                    _ => targets.push((alias, None)),
                }
            }
        }
        _ => {}
    }
}

fn dotted(node: Node, src: &[u8]) -> String {
    text(node, src).split_whitespace().collect::<String>()
}

/// Names of the `builtins` module that notes or rules refer to.
fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "property"
            | "staticmethod"
            | "classmethod"
            | "super"
            | "isinstance"
            | "issubclass"
            | "type"
            | "object"
            | "len"
            | "iter"
            | "next"
            | "aiter"
            | "anext"
            | "id"
            | "dir"
            | "vars"
            | "getattr"
            | "setattr"
            | "hasattr"
            | "delattr"
            | "slice"
            | "set"
            | "frozenset"
            | "dict"
            | "list"
            | "tuple"
            | "open"
            | "repr"
            | "str"
            | "hash"
            | "sorted"
            | "reversed"
            | "enumerate"
            | "zip"
            | "map"
            | "filter"
            | "sum"
            | "input"
            | "print"
            | "callable"
            | "StopIteration"
            | "StopAsyncIteration"
            | "NotImplemented"
            | "bytearray"
            | "memoryview"
            | "bytes"
            | "range"
            | "int"
            | "float"
            | "complex"
            | "bool"
            | "abs"
            | "divmod"
            | "pow"
            | "round"
            | "format"
    )
}
