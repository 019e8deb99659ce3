//! Pitfall rules: one file per rule, one registry table, one tree walk.
//!
//! A rule declares the node kinds it looks at ([`Rule::kinds`]) and a check
//! function called for each such node; [`check`] walks the tree once and
//! dispatches by kind. Diagnostics are plain data: a byte range, the message's
//! placeholder values (the templates live in `knowledge/rules/*/<id>.md`), and
//! an optional [`Fix`]. Suppression comments are applied here, for every rule.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use tree_sitter::Node;

use super::module::{dotted_parts, ModuleIndex};
use super::Parsed;

/// How loud a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// Whether a fix keeps the program's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Safety {
    /// Applied by `check --fix` and offered as the preferred quick fix.
    Safe,
    /// Changes behaviour in corner cases: only with `--unsafe-fixes`.
    Unsafe,
}

/// Replace `range` with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// A fix: edits that never overlap, applied together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub safety: Safety,
    pub edits: Vec<Edit>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub range: Range<usize>,
    /// Values for the message template's placeholders.
    pub args: Vec<(String, String)>,
    pub fix: Option<Fix>,
}

/// A rule's registry entry.
#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    /// The note that explains it.
    pub note: &'static str,
    pub severity: Severity,
    /// The safety of its fix, if it has one.
    pub fix: Option<Safety>,
    /// Codes of equivalent ruff/pylint rules: `# noqa: B006` silences ours too.
    pub peers: &'static [&'static str],
    /// Node kinds the check looks at.
    pub kinds: &'static [&'static str],
    pub check: fn(&Ctx, Node, &mut Vec<Diagnostic>),
}

// `mod <rule>;` for every rule file and `pub static RULES: &[Rule]`.
include!(concat!(env!("OUT_DIR"), "/rules_registry.rs"));

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Which rules run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Only these (empty: all).
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn enabled(&self, id: &str) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| s == id || s == "ALL"))
            && !self.ignore.iter().any(|s| s == id)
    }
}

/// What a check function sees.
pub struct Ctx<'a> {
    pub parsed: &'a Parsed,
    pub src: &'a [u8],
    /// The functions, lambdas and classes enclosing the node being checked,
    /// outermost first (tracked by the walk: `Node::parent` is not O(1)).
    pub stack: Vec<Node<'a>>,
}

impl<'a> Ctx<'a> {
    pub fn module(&self) -> &'a ModuleIndex {
        self.parsed.module()
    }

    pub fn text(&self, node: Node) -> &'a str {
        node.utf8_text(self.src).unwrap_or("")
    }

    /// The last name of a dotted callee (`sleep` for `time.sleep`): a cheap
    /// filter before [`Ctx::resolve`], which needs the module index.
    pub fn last_name(&self, node: Node) -> &'a str {
        match node.kind() {
            "attribute" => node
                .child_by_field_name("attribute")
                .map_or("", |a| self.text(a)),
            "identifier" => self.text(node),
            _ => "",
        }
    }

    /// The qualified name a callee or reference resolves to at its place.
    pub fn resolve(&self, node: Node) -> Option<String> {
        let parts = dotted_parts(node, self.src)?;
        self.module().resolve_at(&parts, node)
    }

    /// The innermost function (or lambda) around the node being checked.
    pub fn enclosing_function(&self) -> Option<Node<'a>> {
        self.stack
            .iter()
            .rev()
            .find(|n| matches!(n.kind(), "function_definition" | "lambda"))
            .copied()
    }

    /// The innermost class around the node being checked.
    pub fn enclosing_class(&self) -> Option<Node<'a>> {
        self.stack
            .iter()
            .rev()
            .find(|n| n.kind() == "class_definition")
            .copied()
    }
}

/// Whether `name` occurs as an identifier anywhere under `node`.
pub fn mentions(node: Node, name: &str, src: &[u8]) -> bool {
    let mut todo = vec![node];
    while let Some(n) = todo.pop() {
        if n.kind() == "identifier" {
            if n.utf8_text(src).is_ok_and(|t| t == name) {
                return true;
            }
            continue;
        }
        let mut c = n.walk();
        todo.extend(n.named_children(&mut c));
    }
    false
}

/// The only argument of a call, if it has exactly one and it is positional
/// (not `*args`, `**kwargs`, `k=v`, nor a bare generator expression).
pub fn sole_positional_arg(call: Node) -> Option<Node> {
    let args = call.child_by_field_name("arguments")?;
    if args.kind() != "argument_list" {
        return None; // `f(x for x in y)`
    }
    let mut c = args.walk();
    let mut named = args
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment");
    let arg = named.next()?;
    if named.next().is_some()
        || matches!(
            arg.kind(),
            "keyword_argument" | "list_splat" | "dictionary_splat"
        )
    {
        return None;
    }
    Some(arg)
}

/// The nodes from `from` down to `target` (both included), found by
/// descending into the child that contains `target`: the downward stand-in
/// for a `Node::parent` chain, which tree-sitter answers in O(depth×width).
/// `None` when `target` does not lie under `from`.
pub fn path_down<'t>(from: Node<'t>, target: Node<'t>) -> Option<Vec<Node<'t>>> {
    let mut path = vec![from];
    let mut cur = from;
    while cur.id() != target.id() {
        let mut c = cur.walk();
        cur = cur.named_children(&mut c).find(|ch| {
            ch.start_byte() <= target.start_byte() && target.end_byte() <= ch.end_byte()
        })?;
        path.push(cur);
    }
    Some(path)
}

/// Whether a function definition is `async def`.
pub fn is_async(func: Node) -> bool {
    func.kind() == "function_definition" && func.child(0).is_some_and(|c| c.kind() == "async")
}

/// The kind ids each rule looks at, built once.
fn dispatch() -> &'static HashMap<u16, Vec<usize>> {
    static DISPATCH: OnceLock<HashMap<u16, Vec<usize>>> = OnceLock::new();
    DISPATCH.get_or_init(|| {
        let lang = super::syntax::language();
        let mut map: HashMap<u16, Vec<usize>> = HashMap::new();
        for (i, rule) in RULES.iter().enumerate() {
            for kind in rule.kinds {
                let id = lang.id_for_node_kind(kind, true);
                if id != 0 {
                    map.entry(id).or_default().push(i);
                }
            }
        }
        map
    })
}

/// Runs the selected rules over a parsed file; suppressed findings are
/// dropped. Sorted by position, then rule id.
pub fn check(parsed: &Parsed, selection: &Selection) -> Vec<Diagnostic> {
    let Some(tree) = parsed.tree.as_ref() else {
        return Vec::new();
    };
    let mut ctx = Ctx {
        parsed,
        src: parsed.text.as_bytes(),
        stack: Vec::new(),
    };
    let enabled: Vec<bool> = RULES.iter().map(|r| selection.enabled(r.id)).collect();
    if !enabled.iter().any(|e| *e) {
        return Vec::new();
    }
    let dispatch = dispatch();
    let mut out = Vec::new();
    let mut comments: Vec<Node> = Vec::new();
    let mut cursor = tree.walk();
    loop {
        let node = cursor.node();
        if node.kind() == "comment" {
            comments.push(node);
        } else if let Some(rules) = dispatch.get(&node.kind_id()) {
            for &i in rules {
                if enabled[i] {
                    (RULES[i].check)(&ctx, node, &mut out);
                }
            }
        }
        let is_scope = matches!(
            node.kind(),
            "function_definition" | "lambda" | "class_definition"
        );
        if cursor.goto_first_child() {
            if is_scope {
                ctx.stack.push(node);
            }
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                out.retain(|d| !suppressed(parsed, &comments, d));
                out.sort_by(|a, b| (a.range.start, a.rule).cmp(&(b.range.start, b.rule)));
                out.dedup();
                return out;
            }
            if ctx
                .stack
                .last()
                .is_some_and(|s| s.id() == cursor.node().id())
            {
                ctx.stack.pop();
            }
        }
    }
}

/// `# pyexplain: ignore`, `# pyexplain: ignore[id, ...]` or `# noqa` (bare or
/// with a peer code) on the diagnostic's first line.
fn suppressed(parsed: &Parsed, comments: &[Node], d: &Diagnostic) -> bool {
    let line = parsed.lines.line_of(d.range.start);
    let Some(rule) = rule(d.rule) else {
        return false;
    };
    comments
        .iter()
        .filter(|c| parsed.lines.line_of(c.start_byte()) == line)
        .any(|c| {
            let text = c.utf8_text(parsed.text.as_bytes()).unwrap_or("");
            directive_silences(text, rule)
        })
}

/// Whether a comment's text silences `rule`.
pub fn directive_silences(comment: &str, rule: &Rule) -> bool {
    for part in comment.split('#').map(str::trim) {
        if let Some(rest) = part.strip_prefix("pyexplain:") {
            let rest = rest.trim();
            if let Some(list) = rest.strip_prefix("ignore") {
                let list = list.trim();
                if list.is_empty() || !list.starts_with('[') {
                    return true;
                }
                let inner = list.trim_start_matches('[').split(']').next().unwrap_or("");
                if inner.split(',').any(|id| id.trim() == rule.id) {
                    return true;
                }
            }
        } else if let Some(rest) = part
            .strip_prefix("noqa")
            .or_else(|| part.strip_prefix("NOQA"))
        {
            let rest = rest.trim();
            let Some(codes) = rest.strip_prefix(':') else {
                return rest.is_empty();
            };
            if codes
                .split([',', ' '])
                .map(str::trim)
                .any(|c| c == rule.id || rule.peers.contains(&c))
            {
                return true;
            }
        }
    }
    false
}

/// Applies non-overlapping edits (sorted here) to a text.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Option<String> {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in edits {
        if e.range.start < at || e.range.end > text.len() || e.range.start > e.range.end {
            return None;
        }
        out.push_str(text.get(at..e.range.start)?);
        out.push_str(&e.text);
        at = e.range.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

/// An edit adding `import module` at the top of the file (after the module
/// docstring and `__future__` imports), unless the module is imported
/// already under its own name.
pub fn ensure_import(ctx: &Ctx, module: &str) -> Option<Edit> {
    if ctx.module().resolve(&[module]).as_deref() == Some(module) {
        return None;
    }
    let tree = ctx.parsed.tree.as_ref()?;
    let root = tree.root_node();
    let mut at = 0;
    let mut c = root.walk();
    for (i, stmt) in root.named_children(&mut c).enumerate() {
        let is_docstring = i == 0
            && stmt.kind() == "expression_statement"
            && stmt.named_child(0).is_some_and(|s| s.kind() == "string");
        let is_future = stmt.kind() == "future_import_statement";
        if is_docstring || is_future {
            at = stmt.end_byte();
            continue;
        }
        if stmt.kind() == "comment" && at == 0 {
            continue;
        }
        break;
    }
    let nl = newline(&ctx.parsed.text);
    if at == 0 {
        Some(Edit {
            range: 0..0,
            text: format!("import {module}{nl}"),
        })
    } else {
        Some(Edit {
            range: at..at,
            text: format!("{nl}import {module}"),
        })
    }
}

/// The file's newline style.
pub fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// The indentation (spaces/tabs) of the line containing `offset`.
pub fn indent_at(text: &str, offset: usize) -> &str {
    let start = text[..offset.min(text.len())]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let line = &text[start..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}
