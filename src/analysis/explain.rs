//! Cursor -> the construct under it -> the note that explains it, with the
//! names from the user's code that the hover's first sentences mention.
//!
//! What triggers a note is data, in `knowledge/triggers/`:
//!
//! - `*.scm` files hold tree-sitter query patterns. A pattern sets `note` (a
//!   note id) and optionally `context` (a sentence template key of
//!   `knowledge/*/context*.txt`; it may itself contain `{arg}` placeholders,
//!   e.g. `dunder-{dunder}`) with `#set!`. Its captures: `@anchor` (the cursor
//!   must be on one of these nodes), `@construct` (the construct; its range is
//!   the hover's range, or its header for compound statements), optional
//!   `@range` (overrides the range), `@arg.NAME` (fills `{NAME}`).
//!   `#set! resolves "mod.name,..."` requires the `@anchor` reference to
//!   resolve through the module's imports to one of the names;
//!   `#set! requires "pred,..."` requires code-level predicates (see
//!   [`Predicate`]). `#set! analysis "NAME[:outcome,...]"` runs a runtime
//!   analysis (`super::runtime`) on the match, with `@receiver` the
//!   expression whose class matters and `#set! dunders` what a `dispatch`
//!   looks for; its outcome becomes the first facet, and a pattern listing
//!   outcomes applies only for those.
//! - `*.tsv` files map qualified names to notes:
//!   `qualified.name<TAB>note-id<TAB>context-key`. A row `Q` makes every
//!   reference that resolves to `Q` a trigger; a row `Q#method` makes
//!   `x.method` a trigger where `x` holds what calling `Q` returns
//!   (`threading.Thread#start`, `builtins.dict#setdefault`,
//!   `<generator>#send`, `asyncio.get_running_loop#call_soon`).
//!
//! Code only adds what a query cannot reach: the enclosing function and class
//! (`{func}`, `{class}`), facets (`generator`: the template key
//! `KEY:generator` is tried before `KEY`), the mangled form of a private name
//! (`{mangled}`), name resolution through imports and receiver kinds.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

use tree_sitter::{Node, Query, QueryCursor, QueryMatch, StreamingIterator};

use super::module::{dotted_parts, FnKind};
use super::runtime::{self, Analysis, Outcome};
use super::Parsed;
use crate::knowledge::embedded_files;

/// What the cursor is on, and which note explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The note's id (`yield-from`).
    pub note: String,
    /// Byte range of the construct, for the hover's range.
    pub range: Range<usize>,
    /// Template key of the sentence about this code, if any (placeholders in
    /// the key already filled).
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

/// Code-level conditions a pattern can require with `#set! requires`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Predicate {
    /// `class-defines:a+b`: the `@construct` class body defines methods `a` and `b`.
    ClassDefines(Vec<String>),
    /// `@anchor` names a function defined at module level.
    ModuleFunction,
    /// `@anchor` names a function defined in the enclosing function.
    LocalFunction,
    /// The `@construct` function handles slices (mentions `slice`/`indices`).
    HandlesSlice,
    /// The negation of `HandlesSlice`.
    NoSlice,
    /// The `@construct` is inside a class body.
    InClass,
    /// The `@construct` is inside an `async def`.
    InAsyncDef,
    /// The `@anchor` names a module class whose bases collect descriptors
    /// (`type` subclass whose `__new__` inspects the namespace).
    MetaclassCollectsFields,
    /// The `@construct` function returns a generator when called: it
    /// contains `yield`, is not `async`, and no decorator wraps it.
    GeneratorFunction,
    /// `decorates-class` / `decorates-function`: the `@construct` is a
    /// decorator of a class / function definition. (Patterns rooted at the
    /// decorator stay linear in the number of stacked decorators; rooted at
    /// the decorated definition, every hover inside it would see one match
    /// per decorator.)
    Decorates(&'static str),
    /// `in-function:generator` (`plain`, `coroutine`, `async-generator`):
    /// the nearest function enclosing the `@construct` is of this kind
    /// (a `return` statement's meaning depends on it).
    InFunction(FnKind),
}

impl Predicate {
    pub const ALL: [(&'static str, Predicate); 10] = [
        ("module-function", Predicate::ModuleFunction),
        ("local-function", Predicate::LocalFunction),
        ("handles-slice", Predicate::HandlesSlice),
        ("no-slice", Predicate::NoSlice),
        ("in-class", Predicate::InClass),
        ("in-async-def", Predicate::InAsyncDef),
        (
            "metaclass-collects-fields",
            Predicate::MetaclassCollectsFields,
        ),
        ("generator-function", Predicate::GeneratorFunction),
        ("decorates-class", Predicate::Decorates("class_definition")),
        (
            "decorates-function",
            Predicate::Decorates("function_definition"),
        ),
    ];

    fn parse(name: &str) -> Option<Predicate> {
        if let Some(kind) = name.strip_prefix("in-function:") {
            let kind = match kind.trim() {
                "plain" => FnKind::Plain,
                "generator" => FnKind::Generator,
                "coroutine" => FnKind::Coroutine,
                "async-generator" => FnKind::AsyncGenerator,
                _ => return None,
            };
            return Some(Predicate::InFunction(kind));
        }
        if let Some(methods) = name.strip_prefix("class-defines:") {
            return Some(Predicate::ClassDefines(
                methods.split('+').map(|m| m.trim().to_string()).collect(),
            ));
        }
        Predicate::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p.clone())
    }
}

/// One query pattern's settings.
#[derive(Debug)]
struct Pattern {
    note: String,
    context: Option<String>,
    resolves: Vec<String>,
    requires: Vec<Predicate>,
    /// `#set! analysis "NAME[:outcome,...]"`: the runtime analysis and the
    /// outcomes the pattern applies to (empty: any, or none).
    analysis: Option<(Analysis, Vec<String>)>,
    /// `#set! dunders "..."`: what a `dispatch` analysis tries.
    dunders: Vec<String>,
}

/// The compiled triggers.
#[derive(Debug)]
pub struct Triggers {
    pub(super) query: Query,
    patterns: Vec<Pattern>,
    anchor: Option<u32>,
    construct: Option<u32>,
    range: Option<u32>,
    receiver: Option<u32>,
    args: Vec<(u32, String)>,
    names: HashMap<String, (String, Option<String>)>,
    /// The method names of the `Q#method` rows: a receiver's kind is worth
    /// working out only for these.
    methods: HashSet<String>,
}

impl Triggers {
    /// Compiles the query files (name, text) and reads the table files.
    pub fn compile(scm: &[(&str, &str)], tables: &[(&str, &str)]) -> Result<Triggers, String> {
        let mut source = String::new();
        let mut starts = Vec::new(); // (first row, file name)
        for (name, text) in scm {
            starts.push((source.lines().count(), *name));
            source.push_str(text);
            if !source.ends_with('\n') {
                source.push('\n');
            }
        }
        let query = Query::new(&super::syntax::language(), &source).map_err(|e| {
            let (first, file) = starts
                .iter()
                .rev()
                .find(|(row, _)| *row <= e.row)
                .copied()
                .unwrap_or((0, "triggers"));
            format!(
                "{file}:{}:{}: {:?} {}",
                e.row - first + 1,
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
            let mut requires = Vec::new();
            let mut analysis = None;
            let mut dunders = Vec::new();
            let list = |v: &str| -> Vec<String> {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            };
            for prop in query.property_settings(i) {
                let value = prop.value.as_deref().unwrap_or("");
                match &*prop.key {
                    "note" => note = Some(value.to_string()),
                    "context" => context = Some(value.to_string()),
                    "resolves" => resolves = list(value),
                    "requires" => {
                        for name in list(value) {
                            requires.push(Predicate::parse(&name).ok_or_else(|| {
                                format!("trigger pattern {i}: unknown predicate {name}")
                            })?);
                        }
                    }
                    "analysis" => {
                        let (name, outcomes) = value.split_once(':').unwrap_or((value, ""));
                        let a = Analysis::parse(name.trim()).ok_or_else(|| {
                            format!("trigger pattern {i}: unknown analysis {name}")
                        })?;
                        let outcomes = list(outcomes);
                        if let Some(bad) = outcomes
                            .iter()
                            .find(|o| !a.outcomes().contains(&o.as_str()))
                        {
                            return Err(format!(
                                "trigger pattern {i}: {name} has no outcome {bad}"
                            ));
                        }
                        analysis = Some((a, outcomes));
                    }
                    "dunders" => dunders = value.split_whitespace().map(String::from).collect(),
                    other => return Err(format!("trigger pattern {i}: unknown setting {other}")),
                }
            }
            let note = note.ok_or_else(|| format!("trigger pattern {i}: no `note` set"))?;
            patterns.push(Pattern {
                note,
                context,
                resolves,
                requires,
                analysis,
                dunders,
            });
        }
        let index = |name: &str| query.capture_index_for_name(name);
        let anchor = index("anchor");
        let construct = index("construct");
        let range = index("range");
        let receiver = index("receiver");
        let args = query
            .capture_names()
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some((i as u32, n.strip_prefix("arg.")?.to_string())))
            .collect();
        let mut table = HashMap::new();
        for (file, text) in tables {
            for (n, line) in text.lines().enumerate() {
                let line = line.trim_end();
                if line.trim().is_empty() || line.starts_with('#') {
                    continue;
                }
                let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
                let (name, row) = match cols.as_slice() {
                    [name, note] => (name, (note.to_string(), None)),
                    [name, note, ctx] => (
                        name,
                        (
                            note.to_string(),
                            Some(ctx.to_string()).filter(|c| !c.is_empty()),
                        ),
                    ),
                    _ => {
                        return Err(format!(
                            "{file}:{}: expected 2 or 3 tab-separated columns",
                            n + 1
                        ))
                    }
                };
                if table.insert(name.to_string(), row).is_some() {
                    return Err(format!("{file}:{}: {name} listed twice", n + 1));
                }
            }
        }
        let methods = table
            .keys()
            .filter_map(|k| Some(k.split_once('#')?.1.to_string()))
            .collect();
        Ok(Triggers {
            query,
            patterns,
            anchor,
            construct,
            range,
            receiver,
            args,
            names: table,
            methods,
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

    /// Template keys that triggers name (keys with placeholders as written).
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

    /// `KEY:outcome` for every outcome a pattern with an analysis lists:
    /// each must have a sentence, since that outcome is why the note shows.
    pub fn outcome_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .patterns
            .iter()
            .filter_map(|p| Some((p.context.as_deref()?, &p.analysis.as_ref()?.1)))
            .flat_map(|(key, outcomes)| outcomes.iter().map(move |o| format!("{key}:{o}")))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// The qualified names of the table.
    pub fn table_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.names.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}

/// The triggers embedded in the binary, compiled once.
pub fn triggers() -> Result<&'static Triggers, &'static str> {
    static TRIGGERS: OnceLock<Result<Triggers, String>> = OnceLock::new();
    TRIGGERS
        .get_or_init(|| {
            let files = |ext: &str| -> Vec<(&str, &str)> {
                let mut v: Vec<(&str, &str)> = embedded_files()
                    .iter()
                    .filter(|(p, _)| p.starts_with("triggers/") && p.ends_with(ext))
                    .copied()
                    .collect();
                v.sort_unstable();
                v
            };
            Triggers::compile(&files(".scm"), &files(".tsv"))
        })
        .as_ref()
        .map_err(String::as_str)
}

/// A trigger that applies under some cursor positions, as [`explain_at`]
/// compares them. The sentence's args of a query match are collected only
/// for the candidate that wins.
pub(super) struct Candidate<'t> {
    /// Smaller is more specific.
    pub(super) size: usize,
    pub(super) order: usize,
    pub(super) note: &'t str,
    /// The hover's range.
    pub(super) range: Range<usize>,
    detail: Detail<'t>,
}

enum Detail<'t> {
    /// A query match with the cursor on `anchor`.
    Query {
        pattern: &'t Pattern,
        anchor: Node<'t>,
        construct: Node<'t>,
        /// `@arg.NAME` captures, in capture order.
        args: Vec<(&'t str, Node<'t>)>,
        /// What the pattern's runtime analysis found.
        outcome: Option<Outcome>,
    },
    /// A reference whose qualified name (or receiver kind and method) has a
    /// table row; `args` are those the resolution found.
    Name {
        node: Node<'t>,
        expr: Node<'t>,
        context: Option<&'t str>,
        args: Vec<(String, String)>,
    },
    /// A name in an import statement, complete.
    Ready {
        context: Option<String>,
        facets: Vec<&'static str>,
        args: Vec<(String, String)>,
    },
}

impl Candidate<'_> {
    /// Whether `self` beats `other` (more specific; ties go to the first).
    pub(super) fn beats(&self, other: &Candidate) -> bool {
        (self.size, self.order) < (other.size, other.order)
    }

    fn explanation(self, parsed: &Parsed) -> Explanation {
        let note = self.note.to_string();
        match self.detail {
            Detail::Ready {
                context,
                facets,
                args,
            } => Explanation {
                note,
                range: self.range,
                context,
                facets,
                args,
            },
            Detail::Name {
                node,
                expr,
                context,
                mut args,
            } => {
                let src = parsed.text.as_bytes();
                let (facets, generic) = generic_args(expr, node, src);
                args.extend(generic);
                if let Some(call) = expr.parent().filter(|p| p.kind() == "call") {
                    if call.child_by_field_name("function") == Some(expr) {
                        args.push(("call".into(), snippet(call, src)));
                        if let Some(first) = call
                            .child_by_field_name("arguments")
                            .and_then(|a| a.named_child(0))
                        {
                            args.push(("arg0".into(), snippet(first, src)));
                        }
                    }
                }
                let context = context.and_then(|key| crate::knowledge::fill_template(key, &args));
                Explanation {
                    note,
                    range: self.range,
                    context,
                    facets,
                    args,
                }
            }
            Detail::Query {
                pattern,
                anchor,
                construct,
                args: captured,
                outcome,
            } => {
                let src = parsed.text.as_bytes();
                let mut args: Vec<(String, String)> = Vec::new();
                for (name, node) in captured {
                    if !args.iter().any(|(n, _)| n == name) {
                        args.push((name.to_string(), snippet(node, src)));
                    }
                }
                let (mut facets, generic) = generic_args(construct, anchor, src);
                if let Some(o) = outcome {
                    facets.insert(0, o.facet);
                    args.extend(o.args);
                }
                args.extend(generic);
                args.extend(class_args(parsed, construct));
                let context = pattern
                    .context
                    .as_deref()
                    .and_then(|key| crate::knowledge::fill_template(key, &args));
                Explanation {
                    note,
                    range: self.range,
                    context,
                    facets,
                    args,
                }
            }
        }
    }
}

fn consider<'t>(best: &mut Option<Candidate<'t>>, c: Candidate<'t>) {
    if best.as_ref().is_none_or(|b| c.beats(b)) {
        *best = Some(c);
    }
}

/// A query cursor with the safety net every trigger query runs with: no
/// pattern may keep more than this many partial matches alive (patterns
/// with unanchored sibling lists can go quadratic).
pub(super) fn query_cursor() -> QueryCursor {
    let mut cursor = QueryCursor::new();
    cursor.set_match_limit(1024);
    cursor
}

/// How the analysis goes up the tree. `Node::parent` makes tree-sitter
/// search down from the root, fine for one hover; a whole-file pass builds
/// the parent of every node once, in one walk.
pub(super) enum Up<'t> {
    Tree,
    Map(HashMap<usize, Node<'t>, BuildHasherDefault<IdHasher>>),
}

/// A hasher for node ids (addresses, distinct within a tree): one multiply
/// instead of SipHash, for maps with an entry per node.
#[derive(Default)]
pub(super) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        // Addresses end in zero bits: fold the product's high half down.
        let m = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = m ^ (m >> 32);
    }
}

impl<'t> Up<'t> {
    pub(super) fn parent(&self, node: Node<'t>) -> Option<Node<'t>> {
        match self {
            Up::Tree => node.parent(),
            Up::Map(parents) => parents.get(&node.id()).copied(),
        }
    }
}

/// One query match's captures, by role.
pub(super) struct MatchParts<'t> {
    pattern_index: usize,
    /// The `@anchor` captures, in capture order.
    pub(super) anchors: Vec<Node<'t>>,
    /// The last `@construct` capture.
    construct: Option<Node<'t>>,
    /// The last `@range` capture.
    range: Option<Range<usize>>,
    /// The last `@receiver` capture.
    receiver: Option<Node<'t>>,
    args: Vec<(&'t str, Node<'t>)>,
}

impl<'t> MatchParts<'t> {
    pub(super) fn new(triggers: &'t Triggers, m: &QueryMatch<'_, 't>) -> MatchParts<'t> {
        let mut parts = MatchParts {
            pattern_index: m.pattern_index,
            anchors: Vec::new(),
            construct: None,
            range: None,
            receiver: None,
            args: Vec::new(),
        };
        for cap in m.captures() {
            let idx = Some(cap.index);
            if idx == triggers.receiver {
                parts.receiver = Some(cap.node);
            }
            if idx == triggers.anchor {
                parts.anchors.push(cap.node);
            } else if idx == triggers.construct {
                parts.construct = Some(cap.node);
            } else if idx == triggers.range {
                parts.range = Some(cap.node.byte_range());
            } else if let Some((_, name)) = triggers.args.iter().find(|(i, _)| *i == cap.index) {
                parts.args.push((name.as_str(), cap.node));
            }
        }
        parts
    }
}

/// The candidate of a query match with the cursor on `anchor` (one of its
/// anchors), if the pattern's `resolves` and `requires` hold there.
pub(super) fn query_candidate<'t>(
    parsed: &'t Parsed,
    triggers: &'t Triggers,
    up: &Up<'t>,
    runtime: &RuntimeCache<'t>,
    parts: &MatchParts<'t>,
    anchor: Node<'t>,
) -> Option<Candidate<'t>> {
    let pattern = triggers.patterns.get(parts.pattern_index)?;
    let src = parsed.text.as_bytes();
    let construct = parts.construct.unwrap_or(anchor);
    if !pattern.resolves.is_empty() {
        let resolved = dotted_parts(reference_expr(up, anchor), src)
            .and_then(|parts| parsed.module().resolve_at(&parts, anchor));
        if !resolved.is_some_and(|q| pattern.resolves.contains(&q)) {
            return None;
        }
    }
    if !pattern
        .requires
        .iter()
        .all(|p| holds(p, parsed, up, anchor, construct))
    {
        return None;
    }
    let outcome = match &pattern.analysis {
        None => None,
        Some((analysis, outcomes)) => {
            let outcome = runtime.run(
                *analysis,
                anchor,
                construct,
                parts.receiver,
                &pattern.dunders,
            );
            match outcome {
                Some(o) if outcomes.is_empty() || outcomes.iter().any(|w| w == o.facet) => Some(o),
                None if outcomes.is_empty() => None,
                _ => return None,
            }
        }
    };
    Some(Candidate {
        size: construct.byte_range().len(),
        order: parts.pattern_index,
        note: &pattern.note,
        range: parts
            .range
            .clone()
            .unwrap_or_else(|| header_range(construct)),
        detail: Detail::Query {
            pattern,
            anchor,
            construct,
            args: parts.args.clone(),
            outcome,
        },
    })
}

/// The runtime analyses' shared state for one file: the module's classes,
/// built on first use, and each analysis's outcome per (anchor, receiver):
/// several patterns share a syntax, and so an analysis.
pub(super) struct RuntimeCache<'t> {
    parsed: &'t Parsed,
    classes: OnceCell<super::classes::Classes<'t>>,
    seen: std::cell::RefCell<RuntimeSeen>,
}

type RuntimeSeen = HashMap<(Analysis, usize, Option<usize>, String), Option<Outcome>>;

impl<'t> RuntimeCache<'t> {
    pub(super) fn new(parsed: &'t Parsed) -> RuntimeCache<'t> {
        RuntimeCache {
            parsed,
            classes: OnceCell::new(),
            seen: Default::default(),
        }
    }

    fn run(
        &self,
        analysis: Analysis,
        anchor: Node<'t>,
        construct: Node<'t>,
        receiver: Option<Node<'t>>,
        dunders: &[String],
    ) -> Option<Outcome> {
        let key = (
            analysis,
            anchor.id(),
            receiver.map(|r| r.id()),
            dunders.join(" "),
        );
        if let Some(done) = self.seen.borrow().get(&key) {
            return done.clone();
        }
        let input = runtime::Input {
            parsed: self.parsed,
            classes: &self.classes,
            anchor,
            construct,
            receiver,
            dunders,
        };
        let outcome = runtime::run(analysis, &input);
        self.seen.borrow_mut().insert(key, outcome.clone());
        outcome
    }
}

/// The explanation for the construct at byte `offset`, if any has a note.
pub fn explain_at(parsed: &Parsed, offset: usize) -> Option<Explanation> {
    let triggers = triggers().ok()?;
    let tree = parsed.tree.as_ref()?;
    let src = parsed.text.as_bytes();
    if offset >= src.len() {
        return None;
    }
    let mut best: Option<Candidate> = None;
    let runtime = RuntimeCache::new(parsed);
    let mut cursor = query_cursor();
    cursor.set_byte_range(offset..offset + 1);
    let mut matches = cursor.matches(&triggers.query, tree.root_node(), src);
    while let Some(m) = matches.next() {
        let parts = MatchParts::new(triggers, m);
        // The last anchor capture under the cursor.
        let Some(&anchor) = parts
            .anchors
            .iter()
            .rev()
            .find(|a| a.start_byte() <= offset && offset < a.end_byte())
        else {
            continue;
        };
        if let Some(c) = query_candidate(parsed, triggers, &Up::Tree, &runtime, &parts, anchor) {
            consider(&mut best, c);
        }
    }
    drop(matches);

    // A query pattern anchored under the cursor knows more than a bare name.
    if best.is_none() {
        best = name_candidate(parsed, triggers, offset);
    }
    best.map(|c| c.explanation(parsed))
}

fn holds<'t>(
    p: &Predicate,
    parsed: &Parsed,
    up: &Up<'t>,
    anchor: Node<'t>,
    construct: Node<'t>,
) -> bool {
    let src = parsed.text.as_bytes();
    let anchor_text = anchor.utf8_text(src).unwrap_or("");
    match p {
        Predicate::ClassDefines(methods) => {
            let Some(body) = construct
                .child_by_field_name("body")
                .filter(|_| construct.kind() == "class_definition")
            else {
                return false;
            };
            let mut c = body.walk();
            let defined: Vec<&str> = body
                .named_children(&mut c)
                .map(|n| match n.kind() {
                    "decorated_definition" => n.child_by_field_name("definition").unwrap_or(n),
                    _ => n,
                })
                .filter(|n| n.kind() == "function_definition")
                .filter_map(|n| n.child_by_field_name("name"))
                .filter_map(|n| n.utf8_text(src).ok())
                .collect();
            methods.iter().all(|m| defined.contains(&m.as_str()))
        }
        Predicate::ModuleFunction => {
            anchor.kind() == "identifier" && parsed.module().function_kind(anchor_text).is_some()
        }
        Predicate::LocalFunction => enclosing(up, anchor, &["function_definition"])
            .is_some_and(|f| parsed.module().defines_nested_function(f, anchor_text)),
        Predicate::HandlesSlice => mentions_slice(construct, src),
        Predicate::NoSlice => !mentions_slice(construct, src),
        Predicate::InClass => enclosing(up, construct, &["class_definition"]).is_some(),
        Predicate::InAsyncDef => enclosing(up, construct, &["function_definition"])
            .is_some_and(|f| f.child(0).is_some_and(|c| c.kind() == "async")),
        Predicate::MetaclassCollectsFields => metaclass_collects_fields(parsed, anchor_text),
        Predicate::GeneratorFunction => {
            construct.kind() == "function_definition"
                && super::module::fn_kind(construct) == FnKind::Generator
                && up
                    .parent(construct)
                    .is_none_or(|p| p.kind() != "decorated_definition")
        }
        Predicate::Decorates(kind) => {
            construct.kind() == "decorator"
                && up
                    .parent(construct)
                    .filter(|d| d.kind() == "decorated_definition")
                    .and_then(|d| d.child_by_field_name("definition"))
                    .is_some_and(|def| def.kind() == *kind)
        }
        Predicate::InFunction(kind) => enclosing(up, construct, &["function_definition"])
            .is_some_and(|f| super::module::fn_kind(f) == *kind),
    }
}

/// The nearest ancestor of one of `kinds` (stopping at a lambda for functions).
fn enclosing<'t>(up: &Up<'t>, node: Node<'t>, kinds: &[&str]) -> Option<Node<'t>> {
    let mut cur = up.parent(node);
    while let Some(n) = cur {
        if kinds.contains(&n.kind()) {
            return Some(n);
        }
        cur = up.parent(n);
    }
    None
}

fn mentions_slice(func: Node, src: &[u8]) -> bool {
    let mut stack = vec![func];
    while let Some(n) = stack.pop() {
        if n.kind() == "identifier" {
            if matches!(n.utf8_text(src), Ok("slice" | "indices")) {
                return true;
            }
            continue;
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    false
}

/// A module class `name` deriving from `type` whose body defines `__new__`
/// or `__init__` reading the class namespace's values: the ORM pattern.
fn metaclass_collects_fields(parsed: &Parsed, name: &str) -> bool {
    let Some(tree) = parsed.tree.as_ref() else {
        return false;
    };
    let src = parsed.text.as_bytes();
    let root = tree.root_node();
    let mut c = root.walk();
    let found = root.named_children(&mut c).find(|n| {
        n.kind() == "class_definition"
            && n.child_by_field_name("name")
                .and_then(|x| x.utf8_text(src).ok())
                == Some(name)
    });
    let Some(class) = found else { return false };
    let text = class.utf8_text(src).unwrap_or("");
    let derives_type = class
        .child_by_field_name("superclasses")
        .and_then(|s| s.utf8_text(src).ok())
        .is_some_and(|s| {
            s.trim_matches(|c| c == '(' || c == ')')
                .split(',')
                .any(|b| b.trim() == "type")
        });
    derives_type
        && (text.contains("def __new__") || text.contains("def __init__"))
        && (text.contains(".items()") || text.contains("isinstance("))
}

/// For an identifier that is the attribute of a dotted chain, the whole
/// chain (`asyncio.gather` for `gather`); otherwise the identifier.
fn reference_expr<'t>(up: &Up<'t>, node: Node<'t>) -> Node<'t> {
    match up.parent(node) {
        Some(p) if p.kind() == "attribute" && p.child_by_field_name("attribute") == Some(node) => p,
        _ => node,
    }
}

/// A reference (`Lock`, `threading.Lock`, `t.start`) under the cursor whose
/// qualified name (or receiver kind and method) has a row in the tables.
fn name_candidate<'t>(
    parsed: &'t Parsed,
    triggers: &'t Triggers,
    offset: usize,
) -> Option<Candidate<'t>> {
    let node = parsed
        .tree
        .as_ref()?
        .root_node()
        .descendant_for_byte_range(offset, offset + 1)?;
    name_candidate_for(parsed, triggers, &Up::Tree, node)
}

/// [`name_candidate`] for the node the cursor is on.
pub(super) fn name_candidate_for<'t>(
    parsed: &'t Parsed,
    triggers: &'t Triggers,
    up: &Up<'t>,
    node: Node<'t>,
) -> Option<Candidate<'t>> {
    let src = parsed.text.as_bytes();
    if node.kind() != "identifier" {
        return None;
    }
    if let Some(c) = import_candidate(parsed, triggers, up, node) {
        return Some(c);
    }
    if !is_reference(up, node) {
        return None;
    }
    let module = parsed.module();
    let expr = reference_expr(up, node);
    let mut args = Vec::new();
    let mut row = None;
    if let Some(parts) = dotted_parts(expr, src) {
        if let Some(qual) = module.resolve_at(&parts, node) {
            if let Some(r) = triggers.names.get(&qual) {
                args.push(("name".to_string(), parts.join(".")));
                args.push(("qualname".to_string(), qual.clone()));
                row = Some(r);
            }
        }
    }
    if row.is_none() && expr.kind() == "attribute" {
        // A method on a receiver of known kind.
        let object = expr.child_by_field_name("object")?;
        let method = node.utf8_text(src).ok()?;
        if !triggers.methods.contains(method) {
            return None;
        }
        let kind = module.expr_kind(object, src)?;
        let r = triggers.names.get(&format!("{kind}#{method}"))?;
        args.push(("receiver".to_string(), snippet(object, src)));
        args.push(("method".to_string(), method.to_string()));
        args.push(("qualname".to_string(), kind));
        row = Some(r);
    }
    let (note, context) = row?;
    Some(Candidate {
        size: expr.byte_range().len(),
        order: usize::MAX,
        note,
        range: expr.byte_range(),
        detail: Detail::Name {
            node,
            expr,
            context: context.as_deref(),
            args,
        },
    })
}

/// A name inside an import statement (`from threading import Lock`): the
/// imported name's row.
fn import_candidate<'t>(
    parsed: &'t Parsed,
    triggers: &'t Triggers,
    up: &Up<'t>,
    node: Node<'t>,
) -> Option<Candidate<'t>> {
    let src = parsed.text.as_bytes();
    let dotted = up.parent(node).filter(|p| p.kind() == "dotted_name")?;
    let mut stmt = up.parent(dotted)?;
    if stmt.kind() == "aliased_import" {
        stmt = up.parent(stmt)?;
    }
    let module_name = match stmt.kind() {
        "import_from_statement" => {
            let module = stmt.child_by_field_name("module_name")?;
            if module.id() == dotted.id() {
                return None;
            }
            Some(
                module
                    .utf8_text(src)
                    .ok()?
                    .split_whitespace()
                    .collect::<String>(),
            )
        }
        "import_statement" => None,
        _ => return None,
    };
    // The dotted prefix up to and including this identifier.
    let upto = &parsed.text[dotted.start_byte()..node.end_byte()];
    let upto: String = upto.split_whitespace().collect();
    let qual = match module_name {
        Some(m) => format!("{m}.{upto}"),
        None => upto,
    };
    let (note, _) = triggers.names.get(&qual)?;
    Some(Candidate {
        size: dotted.byte_range().len(),
        order: usize::MAX,
        note,
        range: dotted.start_byte()..node.end_byte(),
        detail: Detail::Ready {
            context: Some("import".into()),
            facets: Vec::new(),
            args: vec![("qualname".into(), qual)],
        },
    })
}

/// Whether an identifier is used as a value (not a definition's name, a
/// parameter, a keyword argument's name or an import).
fn is_reference<'t>(up: &Up<'t>, node: Node<'t>) -> bool {
    let Some(parent) = up.parent(node) else {
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

/// `{func}`, `{class}`, `{name}`, `{mangled}` and facets from the construct's
/// surroundings.
fn generic_args(
    construct: Node,
    anchor: Node,
    src: &[u8],
) -> (Vec<&'static str>, Vec<(String, String)>) {
    let mut args = Vec::new();
    let mut facets = Vec::new();
    if construct.kind() == "function_definition" {
        if let Some(name) = construct.child_by_field_name("name") {
            args.push(("name".into(), snippet(name, src)));
        }
        match super::module::fn_kind(construct) {
            FnKind::Generator | FnKind::AsyncGenerator => facets.push("generator"),
            FnKind::Plain | FnKind::Coroutine => {}
        }
        if let Some(sub) = first_yield_from(construct) {
            facets.insert(0, "delegating");
            args.push(("subgen".into(), snippet(sub, src)));
        }
    }
    if construct.kind() == "decorator" {
        // The decorated definition's name.
        if let Some(name) = construct
            .parent()
            .and_then(|d| d.child_by_field_name("definition"))
            .and_then(|d| d.child_by_field_name("name"))
        {
            args.push(("target".into(), snippet(name, src)));
            args.push(("wrapper".into(), snippet(name, src)));
        }
    }
    let mut found_func = false;
    let mut class_name = None;
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
                    let name = snippet(name, src);
                    args.push(("class".into(), name.clone()));
                    class_name = Some(name);
                }
                break;
            }
            "lambda" if !found_func => break,
            _ => {}
        }
        cur = n.parent();
    }
    let anchor_text = anchor.utf8_text(src).unwrap_or("");
    args.push(("anchor".into(), anchor_text.to_string()));
    if let Some(class) = class_name {
        if is_private_name(anchor_text) {
            let stripped = class.trim_start_matches('_');
            if !stripped.is_empty() {
                args.push(("mangled".into(), format!("_{stripped}{anchor_text}")));
            }
        }
    }
    (facets, args)
}

/// `{mro}` (`D → B → C → A → object`) for a module-level class whose bases
/// are all module classes, or `{mro_unknown}` naming the base that makes it
/// impossible to tell here.
fn class_args(parsed: &Parsed, construct: Node) -> Vec<(String, String)> {
    if construct.kind() != "class_definition" {
        return Vec::new();
    }
    let Some(name) = construct
        .child_by_field_name("name")
        .and_then(|n| n.utf8_text(parsed.text.as_bytes()).ok())
    else {
        return Vec::new();
    };
    match super::mro::mro(parsed, name) {
        Ok(order) => vec![("mro".into(), format!("`{}`", order.join("` → `")))],
        Err(super::mro::MroError::Unknown(base)) if base != name => {
            vec![("mro_unknown".into(), base)]
        }
        Err(_) => Vec::new(),
    }
}

/// `__secret`, not `__dunder__`: a name Python mangles inside a class.
pub fn is_private_name(name: &str) -> bool {
    name.starts_with("__") && !name.ends_with("__") && name.len() > 2
}

/// The operand of the first `yield from` in a function's own body.
fn first_yield_from(func: Node) -> Option<Node> {
    let body = func.child_by_field_name("body")?;
    let mut stack = vec![body];
    let mut found: Option<Node> = None;
    while let Some(n) = stack.pop() {
        match n.kind() {
            "yield" => {
                let mut c = n.walk();
                let is_from = n.children(&mut c).any(|ch| ch.kind() == "from");
                if is_from {
                    if let Some(operand) = n.named_child(0) {
                        if found.is_none_or(|f| operand.start_byte() < f.start_byte()) {
                            found = Some(operand);
                        }
                    }
                }
            }
            "function_definition" | "lambda" | "class_definition" => continue,
            _ => {}
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    found
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
pub fn snippet(node: Node, src: &[u8]) -> String {
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
