//! What a module binds: imported names with their qualified names, and every
//! other name bound anywhere in the file. Used to resolve a reference such as
//! `Lock` or `asyncio.gather` to `threading.Lock` / `asyncio.gather`.
//!
//! Deliberately conservative: a name bound by anything but one consistent
//! import (an assignment, a `def`, a parameter, two different imports) does not
//! resolve where that binding is visible, so a local `Lock` class never shows
//! the note of `threading.Lock`. Bindings at module or class level hide a name
//! everywhere; bindings inside a function (or lambda) only inside it.

use std::collections::{HashMap, HashSet};
use tree_sitter::{Node, Tree};

/// Names a module binds.
#[derive(Debug, Default, Clone)]
pub struct ModuleIndex {
    /// Local name -> qualified name, for names bound only by imports that agree.
    imports: HashMap<String, String>,
    /// Names bound by anything else (or by conflicting imports) at module or
    /// class level: hidden everywhere.
    shadowed: HashSet<String>,
    /// Names bound inside functions: name -> ids of the functions (or
    /// lambdas) whose scope binds them.
    local: HashMap<String, Vec<usize>>,
}

impl ModuleIndex {
    pub fn build(tree: &Tree, src: &[u8]) -> ModuleIndex {
        let mut imports: HashMap<String, Option<String>> = HashMap::new();
        let mut other: HashSet<String> = HashSet::new();
        let mut local: HashMap<String, Vec<usize>> = HashMap::new();
        let mut cursor = tree.walk();
        let mut targets: Vec<Node> = Vec::new();
        loop {
            let node = cursor.node();
            collect_bindings(node, src, &mut imports, &mut targets);
            while let Some(target) = targets.pop() {
                match target.kind() {
                    "identifier" => {
                        let name = text(target, src).to_string();
                        match binding_scope(target) {
                            Some(scope) => local.entry(name).or_default().push(scope),
                            None => {
                                other.insert(name);
                            }
                        }
                    }
                    "attribute" | "subscript" => {}
                    _ => {
                        let mut c = target.walk();
                        targets.extend(target.named_children(&mut c));
                    }
                }
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    let mut index = ModuleIndex::default();
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
                    index.local = local;
                    return index;
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
            let mut cur = Some(at);
            while let Some(n) = cur {
                if scopes.contains(&n.id()) {
                    return None;
                }
                cur = n.parent();
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

    /// Whether `name` is bound in this module other than by a plain import.
    pub fn is_shadowed(&self, name: &str) -> bool {
        self.shadowed.contains(name)
    }
}

/// The function or lambda whose scope a binding identifier belongs to;
/// `None` for module or class level. A `def`/`class` name binds in the scope
/// around the definition.
fn binding_scope(ident: Node) -> Option<usize> {
    let mut cur = ident.parent();
    if let Some(p) = cur {
        if matches!(p.kind(), "function_definition" | "class_definition")
            && p.child_by_field_name("name") == Some(ident)
        {
            cur = p.parent();
        }
    }
    while let Some(n) = cur {
        match n.kind() {
            "function_definition" | "lambda" => return Some(n.id()),
            "class_definition" => return None,
            _ => {}
        }
        cur = n.parent();
    }
    None
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

/// Records imports of `node` and pushes the roots of binding targets.
fn collect_bindings<'t>(
    node: Node<'t>,
    src: &[u8],
    imports: &mut HashMap<String, Option<String>>,
    targets: &mut Vec<Node<'t>>,
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
            targets.extend(node.child_by_field_name("name"));
        }
        "parameters" | "lambda_parameters" => {
            let mut c = node.walk();
            for p in node.named_children(&mut c) {
                match p.kind() {
                    "identifier" | "list_splat_pattern" | "dictionary_splat_pattern" => {
                        targets.push(p)
                    }
                    "default_parameter" | "typed_default_parameter" => {
                        targets.extend(p.child_by_field_name("name"))
                    }
                    "typed_parameter" => targets.extend(p.named_child(0)),
                    _ => {}
                }
            }
        }
        "assignment" | "augmented_assignment" | "for_statement" | "for_in_clause" => {
            targets.extend(node.child_by_field_name("left"));
        }
        "named_expression" => targets.extend(node.child_by_field_name("name")),
        "as_pattern" => targets.extend(node.child_by_field_name("alias")),
        "global_statement" | "nonlocal_statement" => {}
        _ => {}
    }
}

fn dotted(node: Node, src: &[u8]) -> String {
    text(node, src).split_whitespace().collect::<String>()
}

/// Names of the `builtins` module that have notes or that learners call.
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
            | "NotImplemented"
            | "bytearray"
            | "memoryview"
            | "bytes"
            | "range"
    )
}
