//! Cursor -> the construct under it -> the note that explains it, with the
//! names from the user's code that the hover's first sentences mention.
//!
//! The triggers (what syntax shows which note) are data, compiled by
//! [`super::triggers`]; this module picks the most specific trigger under
//! the cursor (query patterns with their predicates and runtime analyses,
//! then qualified names and `Q#method` rows resolved through the semantic
//! model) and collects the names its sentence needs, for the winner only.

use crate::analysis::syntax::Fields;
use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::{Node, QueryCursor, QueryMatch, StreamingIterator};

use super::args::{Arg, Args, Join, Key};
use super::ids::NoteId;
use super::runtime::{self, Analysis, Facet, Outcome, SyntaxFacet};
use super::semantic::infer::Infer;
use super::semantic::value::Value;
use super::semantic::{ir::Expr, MODULE_SCOPE};
use super::tree::{first_yield_from, header_range, is_private_name, snippet, FnKind, Up};
use super::triggers::{triggers, Level, Pattern, Predicate, Roles, Row, Triggers};
use super::Parsed;

/// What the cursor is on, and which note explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    /// The note's id (`yield-from`).
    pub note: NoteId,
    /// Byte range of the construct, for the hover's range.
    pub range: Range<usize>,
    /// Template key of the sentence about this code, if any (placeholders in
    /// the key already filled).
    pub context: Option<String>,
    /// Facets tried before the plain key (`KEY:facet`), most specific first.
    pub facets: Vec<Facet>,
    /// Values for the template's placeholders.
    pub args: Args,
    /// The relevance level of the trigger (name table rows: `usage`).
    pub level: Level,
    /// Other notes whose triggers apply under the cursor at the level asked,
    /// less specific than this one, most specific first: the hover lists
    /// them first among the related sections.
    pub also: Vec<NoteId>,
}

impl Explanation {
    /// The template keys to try, most specific first.
    pub fn context_keys(&self) -> Vec<String> {
        let Some(key) = &self.context else {
            return Vec::new();
        };
        let mut keys: Vec<String> = self
            .facets
            .iter()
            .map(|f| format!("{key}:{}", f.name()))
            .collect();
        keys.push(key.clone());
        keys
    }
}

/// The template key of the sentence about a name in an import statement.
pub const IMPORT_CONTEXT: &str = "import";

/// A trigger that applies under some cursor positions, as [`explain_at`]
/// compares them. The sentence's args of a query match are collected only
/// for the candidate that wins.
pub(super) struct Candidate<'t> {
    /// The trigger's level for this code.
    pub(super) level: Level,
    /// The construct's bytes: a smaller construct is more specific, and the
    /// most specific trigger of a construct decides its level ([`pick`]).
    pub(super) construct: Range<usize>,
    pub(super) order: usize,
    pub(super) note: &'t NoteId,
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
        args: Vec<(Key, Node<'t>)>,
        /// What the pattern's runtime analysis found.
        outcome: Option<Outcome>,
    },
    /// A reference whose qualified name (or receiver kind and method) has a
    /// table row; `args` are those the resolution found.
    Name {
        node: Node<'t>,
        expr: Node<'t>,
        context: Option<&'t str>,
        args: Args,
    },
    /// A name in an import statement, complete.
    Ready {
        context: Option<String>,
        facets: Vec<Facet>,
        args: Args,
    },
}

impl Candidate<'_> {
    fn explanation(self, parsed: &Parsed, infer: &Infer) -> Explanation {
        let src = parsed.text.as_bytes();
        let (context, facets, args) = match self.detail {
            Detail::Ready {
                context,
                facets,
                args,
            } => (context, facets, args),
            Detail::Name {
                node,
                expr,
                context,
                mut args,
            } => {
                let (facets, generic) = generic_args(infer, expr, node, src);
                args.extend(generic);
                if let Some(call) = expr.parent().filter(|p| p.kind() == "call") {
                    if call.field("function") == Some(expr) {
                        args.push(Key::Call, snippet(call, src));
                        if let Some(first) = super::tree::first_arg(call) {
                            args.push(Key::Arg0, snippet(first, src));
                        }
                    }
                }
                (context.and_then(|key| args.fill_key(key)), facets, args)
            }
            Detail::Query {
                pattern,
                anchor,
                construct,
                args: captured,
                outcome,
            } => {
                let mut args = Args::new();
                for (key, node) in captured {
                    if !args.contains(key) {
                        args.push(key, snippet(node, src));
                    }
                }
                let (mut facets, generic) = generic_args(infer, construct, anchor, src);
                if let Some(o) = outcome {
                    facets.insert(0, o.facet);
                    args.extend(o.args);
                }
                args.extend(generic);
                args.extend(class_args(infer, construct));
                let context = pattern
                    .context
                    .as_deref()
                    .and_then(|key| args.fill_key(key));
                (context, facets, args)
            }
        };
        Explanation {
            note: self.note.clone(),
            range: self.range,
            context,
            facets,
            args,
            level: self.level,
            also: Vec::new(),
        }
    }
}

/// What answers at `level` among the query candidates under one cursor
/// position (in the order the cursor met their matches): the candidates at
/// or below `level`, most specific first (the first is the answer, the
/// others are related sections), and the constructs claimed by triggers above
/// it. The most specific trigger of a construct decides its level: where it
/// is hidden, a more general pattern of the same construct does not answer in
/// its place (`x is None` is `everyday`, not the `usage` of any `a is b`),
/// while a trigger of another construct still does.
pub(super) struct Picked {
    pub(super) answers: Vec<usize>,
    pub(super) hidden: Vec<Range<usize>>,
}

/// [`Picked`] for `candidates` at `level`.
pub(super) fn pick(candidates: &[&Candidate], level: Level) -> Picked {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    // Stable: ties go to the first.
    order.sort_by_key(|&i| (candidates[i].construct.len(), candidates[i].order));
    let mut picked = Picked {
        answers: Vec::new(),
        hidden: Vec::new(),
    };
    for i in order {
        let c = candidates[i];
        if c.level > level {
            picked.hidden.push(c.construct.clone());
        } else if !picked.hidden.contains(&c.construct) {
            picked.answers.push(i);
        }
    }
    picked
}

/// Whether a name candidate answers at `level` where the query candidates
/// claimed `hidden` constructs above it.
pub(super) fn name_answers(c: &Candidate, level: Level, hidden: &[Range<usize>]) -> bool {
    c.level <= level && !hidden.contains(&c.construct)
}

/// A query cursor with the safety net every trigger query runs with: no
/// pattern may keep more than this many partial matches alive (patterns
/// with unanchored sibling lists can go quadratic).
pub(super) fn query_cursor() -> QueryCursor {
    let mut cursor = QueryCursor::new();
    cursor.set_match_limit(1024);
    cursor
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
    args: Vec<(Key, Node<'t>)>,
}

impl<'t> MatchParts<'t> {
    /// The match as text: its pattern and each capture's role and bytes
    /// (to compare matches found in different ways).
    pub(super) fn signature(&self) -> String {
        let r = |n: &Node| n.byte_range();
        format!(
            "pattern {} anchors {:?} construct {:?} range {:?} receiver {:?} args {:?}",
            self.pattern_index,
            self.anchors.iter().map(r).collect::<Vec<_>>(),
            self.construct.as_ref().map(r),
            self.range,
            self.receiver.as_ref().map(r),
            self.args
                .iter()
                .map(|(k, n)| (k.name(), r(n)))
                .collect::<Vec<_>>(),
        )
    }

    /// The parts of `m`, a match of a query with `roles`, of the pattern
    /// numbered `pattern_index` among the triggers' patterns.
    pub(super) fn new(
        roles: &Roles,
        pattern_index: usize,
        m: &QueryMatch<'_, 't>,
    ) -> MatchParts<'t> {
        let mut parts = MatchParts {
            pattern_index,
            anchors: Vec::new(),
            construct: None,
            range: None,
            receiver: None,
            args: Vec::new(),
        };
        for cap in m.captures() {
            let idx = Some(cap.index);
            if idx == roles.receiver {
                parts.receiver = Some(cap.node);
            }
            if idx == roles.anchor {
                parts.anchors.push(cap.node);
            } else if idx == roles.construct {
                parts.construct = Some(cap.node);
            } else if idx == roles.range {
                parts.range = Some(cap.node.byte_range());
            } else if let Some((_, name)) = roles.args.iter().find(|(i, _)| *i == cap.index) {
                parts.args.push((*name, cap.node));
            }
        }
        parts
    }
}

/// The candidate of a query match with the cursor on `anchor` (one of its
/// anchors), if the pattern can be at most `floor` (its level, or its
/// user level) and its `resolves` and `requires` hold there.
pub(super) fn query_candidate<'t>(
    parsed: &'t Parsed,
    triggers: &'t Triggers,
    up: &Up<'t>,
    runtime: &RuntimeCache<'_, 't>,
    parts: &MatchParts<'t>,
    anchor: Node<'t>,
    floor: Level,
) -> Option<Candidate<'t>> {
    let pattern = triggers.patterns.get(parts.pattern_index)?;
    if pattern
        .level
        .min(pattern.user_level.unwrap_or(pattern.level))
        > floor
    {
        return None;
    }
    let construct = parts.construct.unwrap_or(anchor);
    let infer = runtime.infer;
    if !pattern.resolves.is_empty() {
        let resolved = infer.node_import_path(reference_expr(up, anchor));
        if !resolved.is_some_and(|q| pattern.resolves.contains(&q)) {
            return None;
        }
    }
    if !pattern
        .requires
        .iter()
        .all(|p| holds(p, parsed, infer, up, anchor, construct, parts.receiver))
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
                Some(o) if outcomes.is_empty() || outcomes.contains(&o.facet) => Some(o),
                None if outcomes.is_empty() => None,
                _ => return None,
            }
        }
    };
    let level = match (pattern.user_level, parts.receiver) {
        (Some(user), Some(r)) if dispatches_to_user_code(infer, construct, r) => user,
        _ => pattern.level,
    };
    Some(Candidate {
        level,
        construct: construct.byte_range(),
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

/// What a request asks the semantic model, and each runtime analysis's
/// outcome per (anchor, receiver): several patterns share a syntax, and so
/// an analysis.
pub(super) struct RuntimeCache<'a, 't> {
    parsed: &'t Parsed,
    pub(super) infer: &'a Infer<'a>,
    seen: std::cell::RefCell<RuntimeSeen>,
}

type RuntimeSeen = HashMap<(Analysis, usize, Option<usize>, String), Option<Outcome>>;

impl<'a, 't> RuntimeCache<'a, 't> {
    pub(super) fn new(parsed: &'t Parsed, infer: &'a Infer<'a>) -> RuntimeCache<'a, 't> {
        RuntimeCache {
            parsed,
            infer,
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
            infer: self.infer,
            anchor,
            construct,
            receiver,
            dunders,
        };
        let outcome = runtime::run(analysis, &input);
        self.infer.remember(&self.seen, key, outcome.clone());
        outcome
    }
}

/// Syntax nested deeper than this around the cursor gets no explanation: the
/// trigger query's work grows with the nodes around the cursor, and 70,000
/// nested calls would keep it busy for minutes (the semantic model stops
/// following at the same depth).
pub const MAX_HOVER_DEPTH: usize = 200;

/// Whether more than `limit` syntax nodes enclose `offset`.
pub(super) fn nested_deeper_than(root: Node, offset: usize, limit: usize) -> bool {
    let mut cursor = root.walk();
    let mut depth = 0;
    while cursor.goto_first_child_for_byte(offset).is_some() {
        depth += 1;
        if depth > limit {
            return true;
        }
    }
    false
}

/// The explanation for the construct at byte `offset`, if any has a note,
/// at every level (the course map's view).
pub fn explain_at(parsed: &Parsed, offset: usize) -> Option<Explanation> {
    explain_at_level(parsed, offset, Level::Everyday)
}

/// The explanation for the construct at byte `offset` among the triggers at
/// or below `level`: a trigger above it does not hide a lower one.
pub fn explain_at_level(parsed: &Parsed, offset: usize, level: Level) -> Option<Explanation> {
    let triggers = triggers().ok()?;
    let tree = parsed.tree.as_ref()?;
    let src = parsed.text.as_bytes();
    if offset >= src.len() || nested_deeper_than(tree.root_node(), offset, MAX_HOVER_DEPTH) {
        return None;
    }
    let mut candidates: Vec<Candidate> = Vec::new();
    let world = parsed.world();
    let infer = Infer::new(&world);
    let runtime = RuntimeCache::new(parsed, &infer);
    let mut cursor = query_cursor();
    cursor.set_byte_range(offset..offset + 1);
    let mut matches = cursor.matches(&triggers.query, tree.root_node(), src);
    while let Some(m) = matches.next() {
        let parts = MatchParts::new(&triggers.roles, m.pattern_index, m);
        // The last anchor capture under the cursor.
        let Some(&anchor) = parts
            .anchors
            .iter()
            .rev()
            .find(|a| a.start_byte() <= offset && offset < a.end_byte())
        else {
            continue;
        };
        // Every level: a hidden trigger still claims its construct (`pick`).
        candidates.extend(query_candidate(
            parsed,
            triggers,
            &Up::Tree,
            &runtime,
            &parts,
            anchor,
            Level::Everyday,
        ));
    }
    drop(matches);
    let Picked { answers, hidden } = pick(&candidates.iter().collect::<Vec<_>>(), level);
    let Some((&first, rest)) = answers.split_first() else {
        // A query pattern anchored under the cursor knows more than a bare name.
        return name_candidate(parsed, triggers, &infer, offset)
            .filter(|c| name_answers(c, level, &hidden))
            .map(|c| c.explanation(parsed, &infer));
    };
    // Where two sections apply, the most specific wins and the others are
    // named among the related ones.
    let mut also: Vec<NoteId> = Vec::new();
    for &i in rest {
        let note = candidates[i].note;
        if note != candidates[first].note && !also.contains(note) {
            also.push(note.clone());
        }
    }
    let best = candidates.swap_remove(first);
    let mut expl = best.explanation(parsed, &infer);
    expl.also = also;
    Some(expl)
}

fn holds<'t>(
    p: &Predicate,
    parsed: &Parsed,
    infer: &Infer,
    up: &Up<'t>,
    anchor: Node<'t>,
    construct: Node<'t>,
    receiver: Option<Node<'t>>,
) -> bool {
    let src = parsed.text.as_bytes();
    match p {
        Predicate::ReceiverResolves(quals) => receiver
            .and_then(|r| infer.node_import_path(r))
            .is_some_and(|q| quals.contains(&q)),
        Predicate::ReceiverIs(qual) => {
            receiver.is_some_and(|r| infer.instance_of_any(r, &[qual.as_str()]).is_some())
        }
        Predicate::ClassDefines(methods) => {
            let Some(body) = construct
                .field("body")
                .filter(|_| construct.kind() == "class_definition")
            else {
                return false;
            };
            let mut c = body.walk();
            let defined: Vec<&str> = body
                .named_children(&mut c)
                .map(|n| match n.kind() {
                    "decorated_definition" => n.field("definition").unwrap_or(n),
                    _ => n,
                })
                .filter(|n| n.kind() == "function_definition")
                .filter_map(|n| n.field("name"))
                .filter_map(|n| n.utf8_text(src).ok())
                .collect();
            methods.iter().all(|m| defined.contains(&m.as_str()))
        }
        Predicate::ModuleFunction => {
            anchor.kind() == "identifier" && defined_function(infer, anchor) == Some(MODULE_SCOPE)
        }
        Predicate::LocalFunction => {
            let Some(f) = enclosing(up, anchor, &["function_definition"]) else {
                return false;
            };
            let Some(outer) = infer
                .node_function(f)
                .and_then(|f| infer.this().function(f.id).map(|func| func.scope))
            else {
                return false;
            };
            anchor.kind() == "identifier" && defined_function(infer, anchor) == Some(outer)
        }
        Predicate::HandlesSlice => mentions_slice(construct, src),
        Predicate::NoSlice => !mentions_slice(construct, src),
        Predicate::InClass => enclosing(up, construct, &["class_definition"]).is_some(),
        Predicate::InAsyncDef => enclosing(up, construct, &["function_definition"])
            .is_some_and(|f| f.child(0).is_some_and(|c| c.kind() == "async")),
        Predicate::MetaclassCollectsFields => metaclass_collects_fields(infer, anchor),
        Predicate::GeneratorFunction => {
            construct.kind() == "function_definition"
                && infer.function_kind(construct) == FnKind::Generator
                && up
                    .parent(construct)
                    .is_none_or(|p| p.kind() != "decorated_definition")
        }
        Predicate::Decorates(kind) => {
            construct.kind() == "decorator"
                && up
                    .parent(construct)
                    .filter(|d| d.kind() == "decorated_definition")
                    .and_then(|d| d.field("definition"))
                    .is_some_and(|def| def.kind() == *kind)
        }
        Predicate::PackageInit => parsed.context().is_package,
        Predicate::TypeCheckingOnly => {
            let mut cur = construct;
            while let Some(parent) = up.parent(cur) {
                if parent.kind() == "if_statement"
                    && parent.field("consequence") == Some(cur)
                    && parent
                        .field("condition")
                        .and_then(super::tree::last_identifier)
                        .is_some_and(|n| n.utf8_text(src) == Ok("TYPE_CHECKING"))
                {
                    return true;
                }
                cur = parent;
            }
            false
        }
        Predicate::FunctionDecorated(decorated) => {
            enclosing(up, construct, &["function_definition", "lambda"]).is_some_and(|f| {
                up.parent(f)
                    .is_some_and(|p| p.kind() == "decorated_definition")
                    == *decorated
            })
        }
        // A lambda with `yield` is a generator function too.
        Predicate::InFunction(kind) => enclosing(up, construct, &["function_definition", "lambda"])
            .is_some_and(|f| infer.function_kind(f) == *kind),
    }
}

/// The nearest ancestor of one of `kinds`.
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

/// The scope a function named by `anchor` is defined in, when the name holds
/// exactly that one function (a plain `def`, not rebound, not decorated).
fn defined_function(infer: &Infer, anchor: Node) -> Option<super::semantic::ScopeId> {
    let Value::Function(f) = infer.node_value(anchor) else {
        return None;
    };
    if *f.module != *infer.this().name {
        return None;
    }
    let func = infer.this().function(f.id)?;
    (!func.is_lambda).then_some(func.outer)
}

/// A class of the user's deriving from `type` whose `__new__` or `__init__`
/// reads the class namespace (`attrs.items()`, `isinstance(...)`): the ORM
/// pattern of a metaclass collecting field descriptors.
fn metaclass_collects_fields(infer: &Infer, anchor: Node) -> bool {
    let Value::Class(c) = infer.node_value(anchor) else {
        return false;
    };
    let Some(type_class) = infer.builtin_class("type") else {
        return false;
    };
    if !infer.is_user_class(&c) || !infer.lookup_order(&c)[1..].contains(&type_class) {
        return false;
    }
    let Some(m) = infer.module(&c.module) else {
        return false;
    };
    let Some(class) = m.class(c.id) else {
        return false;
    };
    ["__new__", "__init__"].iter().any(|name| {
        m.bindings_in(class.scope, name).iter().any(|b| {
            let Some(super::semantic::BindingKind::Def(f)) = m.binding(*b).map(|b| &b.kind) else {
                return false;
            };
            let Some(func) = m.function(*f) else {
                return false;
            };
            // A call of `….items()` or `isinstance(…)` inside the method.
            m.exprs.iter().enumerate().any(|(i, e)| {
                let r = m.expr_range(i as u32);
                if r.start < func.range.start || r.end > func.range.end {
                    return false;
                }
                let Expr::Call { func: callee, .. } = e else {
                    return false;
                };
                match m.expr(*callee) {
                    Expr::Attr { attr, .. } => &**attr == "items",
                    Expr::Name { name, .. } => &**name == "isinstance",
                    _ => false,
                }
            })
        })
    })
}

/// For an identifier that is the attribute of a dotted chain, the whole
/// chain (`asyncio.gather` for `gather`); otherwise the identifier.
fn reference_expr<'t>(up: &Up<'t>, node: Node<'t>) -> Node<'t> {
    match up.parent(node) {
        Some(p) if p.kind() == "attribute" && p.field("attribute") == Some(node) => p,
        _ => node,
    }
}

/// A reference (`Lock`, `threading.Lock`, `t.start`) under the cursor whose
/// qualified name (or receiver's class and method) has a row in the tables.
fn name_candidate<'t>(
    parsed: &'t Parsed,
    triggers: &'t Triggers,
    infer: &Infer,
    offset: usize,
) -> Option<Candidate<'t>> {
    let node = parsed
        .tree
        .as_ref()?
        .root_node()
        .descendant_for_byte_range(offset, offset + 1)?;
    name_candidate_for(parsed, triggers, infer, &Up::Tree, node)
}

/// [`name_candidate`] for the node the cursor is on.
pub(super) fn name_candidate_for<'t>(
    parsed: &'t Parsed,
    triggers: &'t Triggers,
    infer: &Infer,
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
    // The reference and the dotted chains it starts (`socket` in
    // `socket.socket(...)`, `sock` in `self.sock.accept()`): any token of a
    // dotted name with a row shows that row, for the whole name.
    let mut chain = vec![reference_expr(up, node)];
    while let Some(parent) = chain.last().and_then(|c| up.parent(*c)) {
        let is_object =
            parent.kind() == "attribute" && parent.field("object") == chain.last().copied();
        if !is_object || chain.len() > 16 {
            break;
        }
        chain.push(parent);
    }
    let mut candidate = chain
        .iter()
        .rev()
        .find_map(|expr| row_candidate(triggers, infer, src, *expr))?;
    // A name in a type annotation (`x: Sequence[int]`, `-> Mapping[...]`)
    // is what a type checker's hover already shows: everyday.
    if in_annotation(up, node) {
        candidate.level = Level::Everyday;
    }
    Some(candidate)
}

/// Whether `node` is part of a type annotation (a `type` node: of a
/// parameter, a return, an annotated assignment), within its statement.
fn in_annotation<'t>(up: &Up<'t>, node: Node<'t>) -> bool {
    let mut at = up.parent(node);
    while let Some(n) = at {
        if n.kind() == "type" {
            return true;
        }
        if n.kind().ends_with("statement")
            || n.kind() == "function_definition"
            || n.kind() == "block"
        {
            return false;
        }
        at = up.parent(n);
    }
    false
}

/// The candidate of a reference or dotted name with a table row: its
/// qualified name's row, or for `obj.method` the row of the receiver's class.
fn row_candidate<'t>(
    triggers: &'t Triggers,
    infer: &Infer,
    src: &[u8],
    expr: Node<'t>,
) -> Option<Candidate<'t>> {
    // The identifier the name ends with (`method` of `obj.method`).
    let node = match expr.kind() {
        "attribute" => expr.field("attribute")?,
        _ => expr,
    };
    let mut args = Args::new();
    let mut row = None;
    if let Some(qual) = infer.node_import_path(expr) {
        if let Some(r) = triggers.names.get(&qual) {
            args.push(Key::Name, snippet(expr, src));
            args.push(Key::Qualname, qual.clone());
            row = Some(r);
        }
    }
    if row.is_none() && expr.kind() == "attribute" {
        // A method on a receiver whose class the model knows.
        let object = expr.field("object")?;
        let method = node.utf8_text(src).ok()?;
        if !triggers.methods.contains(method) {
            return None;
        }
        let (kind, r) = receiver_row(triggers, infer, object, method)?;
        args.push(Key::Receiver, snippet(object, src));
        args.push(Key::Method, method.to_string());
        args.push(Key::Qualname, kind);
        row = Some(r);
    }
    let row = row?;
    Some(Candidate {
        level: row.level,
        construct: expr.byte_range(),
        order: usize::MAX,
        note: &row.note,
        range: expr.byte_range(),
        detail: Detail::Name {
            node,
            expr,
            context: row.context.as_deref(),
            args,
        },
    })
}

/// Whether `node` holds a class of the user's code (this module or the
/// workspace), or an instance of one, on some path.
fn holds_user_class(infer: &Infer, node: Node) -> bool {
    infer
        .node_value(node)
        .alternatives()
        .iter()
        .any(|v| match v {
            Value::Class(c) | Value::Instance(c, _) => infer.is_user_class(c),
            _ => false,
        })
}

/// Whether the user's own code answers a dispatch: the `@receiver`, or
/// either operand of a binary operator (`0 + v` runs `Vector.__radd__`),
/// holds a class of the user's code or an instance of one.
fn dispatches_to_user_code(infer: &Infer, construct: Node, receiver: Node) -> bool {
    holds_user_class(infer, receiver)
        || ["left", "right"].iter().any(|f| {
            construct
                .field(f)
                .is_some_and(|n| holds_user_class(infer, n))
        })
}

/// How well a `Q#method` row fits a receiver (smaller is better): the
/// position of `Q`'s class in the receiver's MRO, not named like its call,
/// not the class's own row, the row's name.
type RowRank<'a> = (usize, bool, bool, &'a str);

/// The `Q#method` row for `object.method`: the row whose `Q` gives the most
/// specific class of the receiver's MRO (`Q` a class, or a function whose
/// result is an instance), `<generator>` / `<coroutine>` for what calling a
/// generator function / `async def` returns, or, for a `Q` the model cannot
/// follow (a third-party package), a receiver bound to a call of `Q`.
fn receiver_row<'t>(
    triggers: &'t Triggers,
    infer: &Infer,
    object: Node,
    method: &str,
) -> Option<(String, &'t Row)> {
    let suffix = format!("#{method}");
    let mut rows: Vec<(&str, &'t Row)> = triggers
        .names
        .iter()
        .filter_map(|(k, v)| Some((k.strip_suffix(&suffix)?, v)))
        .collect();
    rows.sort_by_key(|(q, _)| *q);
    if rows.is_empty() {
        return None;
    }
    let value = infer.node_value(object).without_none();
    let special = match &value {
        Value::Generator(_) => Some("<generator>"),
        Value::Coroutine(_) => Some("<coroutine>"),
        Value::AsyncGenerator(_) => Some("<asyncgen>"),
        _ => None,
    };
    if let Some(kind) = special {
        return rows
            .iter()
            .find(|(q, _)| *q == kind)
            .map(|(q, r)| (q.to_string(), *r));
    }
    let paths = infer.call_paths(object);
    if let Value::Instance(class, _) = &value {
        let order = infer.lookup_order(class);
        // The most specific class of the MRO; among rows for the same class,
        // the one named like the call the receiver comes from
        // (`socket.create_connection#send`), then the class's own row, then
        // by name: never the map's order.
        let mut best: Option<(RowRank, &'t Row)> = None;
        for (q, r) in &rows {
            let Some(row_class) = infer.class_for_qualname(q) else {
                continue;
            };
            if let Some(pos) = order.iter().position(|c| *c == row_class) {
                let is_class_row = infer.module_class_path(q).is_some();
                let rank = (pos, !paths.iter().any(|p| p == q), !is_class_row, *q);
                if best.as_ref().is_none_or(|(b, _)| rank < *b) {
                    best = Some((rank, r));
                }
            }
        }
        if let Some(((_, _, _, q), r)) = best {
            return Some((q.to_string(), r));
        }
    }
    // A third-party `Q`: the receiver is bound to what calling `Q` returns.
    rows.iter()
        .find(|(q, _)| infer.class_for_qualname(q).is_none() && paths.iter().any(|p| p == q))
        .map(|(q, r)| (q.to_string(), *r))
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
            let module = stmt.field("module_name")?;
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
    let note = &triggers.names.get(&qual)?.note;
    Some(Candidate {
        // An import line says only what it imports.
        level: Level::Everyday,
        construct: dotted.byte_range(),
        order: usize::MAX,
        note,
        range: dotted.start_byte()..node.end_byte(),
        detail: Detail::Ready {
            context: Some(IMPORT_CONTEXT.into()),
            facets: Vec::new(),
            args: Args::new().with(Key::Qualname, qual),
        },
    })
}

/// Whether an identifier is used as a value (not a definition's name, a
/// parameter, a keyword argument's name or an import).
fn is_reference<'t>(up: &Up<'t>, node: Node<'t>) -> bool {
    let Some(parent) = up.parent(node) else {
        return false;
    };
    let field_is = |field: &str| parent.field(field) == Some(node);
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
fn generic_args(infer: &Infer, construct: Node, anchor: Node, src: &[u8]) -> (Vec<Facet>, Args) {
    let mut args = Args::new();
    let mut facets = Vec::new();
    if construct.kind() == "function_definition" {
        if let Some(name) = construct.field("name") {
            args.push(Key::Name, snippet(name, src));
        }
        match infer.function_kind(construct) {
            FnKind::Generator | FnKind::AsyncGenerator => {
                facets.push(SyntaxFacet::Generator.into())
            }
            FnKind::Plain | FnKind::Coroutine => {}
        }
        // Delegating only to a generator: `yield from range(3)` forwards
        // no `send()`.
        if let Some(sub) = first_yield_from(construct) {
            if delegates(infer, sub) == Some(true) {
                facets.insert(0, SyntaxFacet::Delegating.into());
                args.push(Key::Subgen, snippet(sub, src));
            }
        }
    }
    if construct.kind() == "yield" {
        if let Some(sub) = construct.named_child(0) {
            match delegates(infer, sub) {
                Some(true) => facets.insert(0, SyntaxFacet::Generator.into()),
                Some(false) => facets.insert(0, SyntaxFacet::Iterable.into()),
                None => {}
            }
        }
    }
    if construct.kind() == "decorator" {
        // The decorated definition's name.
        if let Some(name) = construct
            .parent()
            .and_then(|d| d.field("definition"))
            .and_then(|d| d.field("name"))
        {
            args.push(Key::Target, snippet(name, src));
            args.push(Key::Wrapper, snippet(name, src));
        }
    }
    let mut found_func = false;
    let mut class_name = None;
    let mut cur = construct.parent();
    while let Some(n) = cur {
        match n.kind() {
            "function_definition" if !found_func => {
                found_func = true;
                if let Some(name) = n.field("name") {
                    args.push(Key::Func, snippet(name, src));
                    if construct.kind() == "return_statement" {
                        let name = name.utf8_text(src).unwrap_or("");
                        let (facet, method) = not_implemented_role(name);
                        facets.insert(0, facet.into());
                        if let Some((key, method)) = method {
                            args.push(key, method);
                        }
                    }
                }
            }
            "class_definition" => {
                if let Some(name) = n.field("name") {
                    let name = snippet(name, src);
                    args.push(Key::Class, name.clone());
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
    args.push(Key::Anchor, anchor_text.to_string());
    if let Some(class) = class_name {
        if is_private_name(anchor_text) {
            let stripped = class.trim_start_matches('_');
            if !stripped.is_empty() {
                args.push(Key::Mangled, format!("_{stripped}{anchor_text}"));
            }
        }
    }
    (facets, args)
}

/// What returning `NotImplemented` means from a function named `name`,
/// and the method it hands over to: the reflected one of a binary
/// operator's (`__radd__` for `__add__`), the forward one of a reflected or
/// in-place operator's (`__add__` for `__radd__` and `__iadd__`).
fn not_implemented_role(name: &str) -> (SyntaxFacet, Option<(Key, String)>) {
    const BINARY: &[&str] = &[
        "add", "sub", "mul", "matmul", "truediv", "floordiv", "mod", "divmod", "pow", "lshift",
        "rshift", "and", "xor", "or",
    ];
    let Some(inner) = name.strip_prefix("__").and_then(|n| n.strip_suffix("__")) else {
        return (SyntaxFacet::OtherFunction, None);
    };
    match inner {
        "eq" | "ne" => return (SyntaxFacet::EqMethod, None),
        "lt" | "le" | "gt" | "ge" => return (SyntaxFacet::OrderMethod, None),
        "subclasshook" => return (SyntaxFacet::SubclassHook, None),
        _ => {}
    }
    if BINARY.contains(&inner) {
        return (
            SyntaxFacet::BinaryMethod,
            Some((Key::Reflected, format!("__r{inner}__"))),
        );
    }
    for (prefix, facet) in [
        ("r", SyntaxFacet::ReflectedMethod),
        ("i", SyntaxFacet::InplaceMethod),
    ] {
        if let Some(op) = inner.strip_prefix(prefix).filter(|op| BINARY.contains(op)) {
            // `__idivmod__` does not exist: `divmod` has no in-place form.
            if !(prefix == "i" && op == "divmod") {
                return (facet, Some((Key::Method, format!("__{op}__"))));
            }
        }
    }
    (SyntaxFacet::OtherFunction, None)
}

/// Whether `yield from sub` delegates to a generator (which gets the
/// caller's `send()` and `throw()` and whose return value the expression
/// gives): `Some(false)` for a known plain iterable, `None` when unknown.
fn delegates(infer: &Infer, sub: Node) -> Option<bool> {
    let v = infer.node_value(sub);
    let generator = infer.module_class("typing", "Generator");
    let is_gen = |alt: &Value| match alt {
        Value::Generator(_) | Value::Coroutine(_) => Some(true),
        Value::Instance(c, _) => Some(
            generator
                .as_ref()
                .is_some_and(|g| infer.lookup_order(c).contains(g)),
        ),
        Value::Tuple(_) => Some(false),
        _ => None,
    };
    let verdicts: Vec<Option<bool>> = v.alternatives().iter().map(is_gen).collect();
    match verdicts.first() {
        Some(first) if verdicts.iter().all(|x| x == first) => *first,
        _ => None,
    }
}

/// `{mro}` (`D → B → C → A → object`) for a class whose MRO the model
/// knows, or `{mro_unknown}` naming the base that makes it impossible to
/// tell.
fn class_args(infer: &Infer, construct: Node) -> Args {
    if construct.kind() != "class_definition" {
        return Args::new();
    }
    let Some(class) = infer.node_class(construct) else {
        return Args::new();
    };
    match infer.mro(&class) {
        Ok(order) => {
            let names: Vec<String> = order.iter().map(|c| infer.class_name(c)).collect();
            Args::new().with(
                Key::Mro,
                Arg::List {
                    items: names.iter().map(|n| format!("`{n}`")).collect(),
                    join: Join::Arrow,
                    more: false,
                },
            )
        }
        Err(super::semantic::lookup::MroError::Unknown(base)) => {
            Args::new().with(Key::MroUnknown, base.text())
        }
        Err(_) => Args::new(),
    }
}
