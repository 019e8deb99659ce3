//! Cursor -> the construct under it -> the note that explains it, with the
//! names from the user's code that the hover's first sentences mention.
//!
//! What triggers a note is data (`knowledge/triggers.scm`, `knowledge/names.tsv`):
//!
//! - A query pattern in `triggers.scm` sets `note` (a note id) and optionally
//!   `context` (a sentence template key of `knowledge/*/context.txt`) with
//!   `#set!`. Its captures: `@anchor` (the cursor must be on one of these
//!   nodes), `@construct` (the construct; its range is the hover's range, or
//!   its header for compound statements), optional `@range` (overrides the
//!   range), `@arg.NAME` (fills `{NAME}` in the template). `#set! resolves
//!   "mod.name"` additionally requires the `@anchor` reference to resolve
//!   through the module's imports to one of the comma-separated names.
//! - A row of `names.tsv` (`qualified.name<TAB>note-id<TAB>context-key`) makes
//!   every reference that resolves to that name a trigger.
//!
//! Code only adds what a query cannot reach: the enclosing function and class
//! (`{func}`, `{class}`), whether a function is a generator (the `generator`
//! facet: the template key `KEY:generator` is tried before `KEY`), and name
//! resolution through imports.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use tree_sitter::{Node, Query, QueryCursor, StreamingIterator};

use super::Parsed;
use crate::knowledge::embedded_file;

/// What the cursor is on, and which note explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The note's id (`yield-from`).
    pub note: String,
    /// Byte range of the construct, for the hover's range.
    pub range: Range<usize>,
    /// Template key of the sentence about this code, if any.
    pub context: Option<String>,
    /// Facets tried before the plain key (`KEY:facet`), most specific first.
    pub facets: Vec<&'static str>,
    /// Values for the template's placeholders.
    pub args: Vec<(String, String)>,
}

impl Explanation {
    /// The template keys to try, most specific first.
    pub fn context_keys(&self) -> Vec<String> {
        let Some(key) = &self.context else {
            return Vec::new();
        };
        let mut keys: Vec<String> = self.facets.iter().map(|f| format!("{key}:{f}")).collect();
        keys.push(key.clone());
        keys
    }
}

/// One `triggers.scm` pattern's settings.
#[derive(Debug)]
struct Pattern {
    note: String,
    context: Option<String>,
    resolves: Vec<String>,
}

/// The compiled triggers.
#[derive(Debug)]
pub struct Triggers {
    query: Query,
    patterns: Vec<Pattern>,
    anchor: Option<u32>,
    construct: Option<u32>,
    range: Option<u32>,
    args: Vec<(u32, String)>,
    names: HashMap<String, (String, Option<String>)>,
}

impl Triggers {
    /// Compiles `triggers.scm` and reads `names.tsv`.
    pub fn compile(scm: &str, names: &str) -> Result<Triggers, String> {
        let query = Query::new(&super::syntax::language(), scm).map_err(|e| {
            format!(
                "triggers.scm:{}:{}: {:?} {}",
                e.row + 1,
                e.column + 1,
                e.kind,
                e.message
            )
        })?;
        let mut patterns = Vec::with_capacity(query.pattern_count());
        for i in 0..query.pattern_count() {
            let mut note = None;
            let mut context = None;
            let mut resolves = Vec::new();
            for prop in query.property_settings(i) {
                let value = prop.value.as_deref().unwrap_or("").to_string();
                match &*prop.key {
                    "note" => note = Some(value),
                    "context" => context = Some(value),
                    "resolves" => {
                        resolves = value.split(',').map(|s| s.trim().to_string()).collect()
                    }
                    other => {
                        return Err(format!("triggers.scm pattern {i}: unknown setting {other}"))
                    }
                }
            }
            let note = note.ok_or_else(|| format!("triggers.scm pattern {i}: no `note` set"))?;
            patterns.push(Pattern {
                note,
                context,
                resolves,
            });
        }
        let index = |name: &str| query.capture_index_for_name(name);
        let anchor = index("anchor");
        let construct = index("construct");
        let range = index("range");
        let args = query
            .capture_names()
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some((i as u32, n.strip_prefix("arg.")?.to_string())))
            .collect();
        let mut table = HashMap::new();
        for (n, line) in names.lines().enumerate() {
            let line = line.trim_end();
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
            match cols.as_slice() {
                [name, note] => table.insert(name.to_string(), (note.to_string(), None)),
                [name, note, ctx] => table.insert(
                    name.to_string(),
                    (
                        note.to_string(),
                        Some(ctx.to_string()).filter(|c| !c.is_empty()),
                    ),
                ),
                _ => {
                    return Err(format!(
                        "names.tsv:{}: expected 2 or 3 tab-separated columns",
                        n + 1
                    ))
                }
            };
        }
        Ok(Triggers {
            query,
            patterns,
            anchor,
            construct,
            range,
            args,
            names: table,
        })
    }

    /// The note ids that triggers can lead to (query patterns and table rows).
    pub fn note_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .patterns
            .iter()
            .map(|p| p.note.as_str())
            .chain(self.names.values().map(|(n, _)| n.as_str()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Template keys that triggers name.
    pub fn context_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .patterns
            .iter()
            .filter_map(|p| p.context.as_deref())
            .chain(self.names.values().filter_map(|(_, c)| c.as_deref()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Placeholders a pattern-based template can use.
    pub fn arg_names(&self) -> Vec<&str> {
        self.args.iter().map(|(_, n)| n.as_str()).collect()
    }
}

/// The triggers embedded in the binary, compiled once.
pub fn triggers() -> Result<&'static Triggers, &'static str> {
    static TRIGGERS: OnceLock<Result<Triggers, String>> = OnceLock::new();
    TRIGGERS
        .get_or_init(|| {
            let scm = embedded_file("triggers.scm").ok_or("knowledge/triggers.scm missing")?;
            let names = embedded_file("names.tsv").unwrap_or("");
            Triggers::compile(scm, names)
        })
        .as_ref()
        .map_err(String::as_str)
}

struct Candidate {
    /// Smaller is more specific.
    size: usize,
    order: usize,
    expl: Explanation,
}

/// The explanation for the construct at byte `offset`, if any has a note.
pub fn explain_at(parsed: &Parsed, offset: usize) -> Option<Explanation> {
    let triggers = triggers().ok()?;
    let tree = parsed.tree.as_ref()?;
    let src = parsed.text.as_bytes();
    if offset >= src.len() {
        return None;
    }
    let root = tree.root_node();
    let mut best: Option<Candidate> = None;
    let consider = |best: &mut Option<Candidate>, c: Candidate| {
        let better = match best {
            None => true,
            Some(b) => (c.size, c.order) < (b.size, b.order),
        };
        if better {
            *best = Some(c);
        }
    };

    let mut cursor = QueryCursor::new();
    cursor.set_byte_range(offset..offset + 1);
    let mut matches = cursor.matches(&triggers.query, root, src);
    while let Some(m) = matches.next() {
        let pattern = &triggers.patterns[m.pattern_index];
        let mut anchor_hit = None;
        let mut construct = None;
        let mut range = None;
        let mut args = Vec::new();
        for cap in m.captures() {
            let idx = Some(cap.index);
            if idx == triggers.anchor {
                if cap.node.start_byte() <= offset && offset < cap.node.end_byte() {
                    anchor_hit = Some(cap.node);
                }
            } else if idx == triggers.construct {
                construct = Some(cap.node);
            } else if idx == triggers.range {
                range = Some(cap.node.byte_range());
            } else if let Some((_, name)) = triggers.args.iter().find(|(i, _)| *i == cap.index) {
                args.push((name.clone(), snippet(cap.node, src)));
            }
        }
        let Some(anchor) = anchor_hit else { continue };
        if !pattern.resolves.is_empty() {
            let resolved = reference_parts(anchor, src)
                .and_then(|(_, parts)| parsed.module().resolve_at(&parts, anchor));
            if !resolved.is_some_and(|q| pattern.resolves.contains(&q)) {
                continue;
            }
        }
        let construct = construct.unwrap_or(anchor);
        let range = range.unwrap_or_else(|| header_range(construct));
        let (facets, generic) = generic_args(construct, src);
        args.extend(generic);
        consider(
            &mut best,
            Candidate {
                size: construct.byte_range().len(),
                order: m.pattern_index,
                expl: Explanation {
                    note: pattern.note.clone(),
                    range,
                    context: pattern.context.clone(),
                    facets,
                    args,
                },
            },
        );
    }
    drop(matches);

    // A query pattern anchored under the cursor knows more than a bare name.
    if best.is_none() {
        if let Some(c) = name_candidate(parsed, triggers, offset) {
            consider(&mut best, c);
        }
    }
    best.map(|c| c.expl)
}

/// A reference (`Lock`, `threading.Lock`, `asyncio.gather`) under the cursor
/// whose qualified name has a row in `names.tsv`.
fn name_candidate(parsed: &Parsed, triggers: &Triggers, offset: usize) -> Option<Candidate> {
    let tree = parsed.tree.as_ref()?;
    let src = parsed.text.as_bytes();
    let node = tree
        .root_node()
        .descendant_for_byte_range(offset, offset + 1)?;
    if node.kind() != "identifier" || !is_reference(node) {
        return None;
    }
    let (expr, parts) = reference_parts(node, src)?;
    let qual = parsed.module().resolve_at(&parts, node)?;
    let (note, context) = triggers.names.get(&qual)?;
    let (facets, mut args) = generic_args(expr, src);
    args.push(("name".into(), parts.join(".")));
    args.push(("qualname".into(), qual.clone()));
    if let Some(call) = expr.parent().filter(|p| p.kind() == "call") {
        if call.child_by_field_name("function") == Some(expr) {
            args.push(("call".into(), snippet(call, src)));
        }
    }
    Some(Candidate {
        size: expr.byte_range().len(),
        order: usize::MAX,
        expl: Explanation {
            note: note.clone(),
            range: expr.byte_range(),
            context: context.clone(),
            facets,
            args,
        },
    })
}

/// Whether an identifier is used as a value (not a definition's name, a
/// parameter, a keyword argument's name, an import, or an attribute name
/// read off something other than a plain dotted chain).
fn is_reference(node: Node) -> bool {
    let Some(parent) = node.parent() else {
        return false;
    };
    let field_is = |field: &str| parent.child_by_field_name(field) == Some(node);
    match parent.kind() {
        "function_definition" | "class_definition" => !field_is("name"),
        "parameters"
        | "lambda_parameters"
        | "typed_parameter"
        | "list_splat_pattern"
        | "dictionary_splat_pattern"
        | "dotted_name"
        | "aliased_import"
        | "global_statement"
        | "nonlocal_statement" => false,
        "default_parameter" | "typed_default_parameter" | "keyword_argument" => !field_is("name"),
        _ => true,
    }
}

/// For an identifier, the dotted expression it ends (`asyncio.gather` for
/// `gather`, just `Lock` for `Lock`) and its parts. `None` when the chain
/// contains anything but names (`self.x().y`).
fn reference_parts<'t, 's>(node: Node<'t>, src: &'s [u8]) -> Option<(Node<'t>, Vec<&'s str>)> {
    let mut expr = node;
    if let Some(parent) = node.parent() {
        if parent.kind() == "attribute" && parent.child_by_field_name("attribute") == Some(node) {
            expr = parent;
        }
    }
    let mut parts = Vec::new();
    let mut cur = expr;
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
    Some((expr, parts))
}

/// `{func}`, `{class}` and facets from the construct's surroundings.
fn generic_args(construct: Node, src: &[u8]) -> (Vec<&'static str>, Vec<(String, String)>) {
    let mut args = Vec::new();
    let mut facets = Vec::new();
    if construct.kind() == "function_definition" {
        if let Some(name) = construct.child_by_field_name("name") {
            args.push(("name".into(), snippet(name, src)));
        }
        if contains_yield(construct) {
            facets.push("generator");
        }
    }
    let mut found_func = false;
    let mut cur = construct.parent();
    while let Some(n) = cur {
        match n.kind() {
            "function_definition" if !found_func => {
                found_func = true;
                if let Some(name) = n.child_by_field_name("name") {
                    args.push(("func".into(), snippet(name, src)));
                }
            }
            "class_definition" => {
                if let Some(name) = n.child_by_field_name("name") {
                    args.push(("class".into(), snippet(name, src)));
                }
                break;
            }
            "lambda" if !found_func => break,
            _ => {}
        }
        cur = n.parent();
    }
    (facets, args)
}

/// Whether a function's own body contains `yield` (not in nested functions,
/// lambdas or classes).
pub fn contains_yield(func: Node) -> bool {
    let Some(body) = func.child_by_field_name("body") else {
        return false;
    };
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "yield" => return true,
            "function_definition" | "lambda" | "class_definition" => continue,
            _ => {}
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    false
}

/// A compound statement's header (from its start to the `:` before its body);
/// any other node's whole range.
pub fn header_range(node: Node) -> Range<usize> {
    let Some(body) = node.child_by_field_name("body") else {
        return node.byte_range();
    };
    let mut c = node.walk();
    let colon_end = node
        .children(&mut c)
        .take_while(|ch| ch.start_byte() < body.start_byte())
        .filter(|ch| ch.kind() == ":")
        .last()
        .map(|ch| ch.end_byte());
    node.start_byte()..colon_end.unwrap_or(body.start_byte())
}

/// A node's text, on one line and short enough for a sentence.
fn snippet(node: Node, src: &[u8]) -> String {
    let text = node.utf8_text(src).unwrap_or("");
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    const MAX: usize = 48;
    if one_line.chars().count() > MAX {
        let cut: String = one_line.chars().take(MAX - 1).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}
