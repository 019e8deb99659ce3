//! Builds a [`ModuleModel`] in one walk of the syntax tree: statements in
//! order, each expression lowered once into the model's own expression
//! tree, scopes opened and closed as the walk enters and leaves them.
//!
//! Typeshed stubs are built the same way, with their `sys.version_info` and
//! `sys.platform` branches decided statically (for the newest Python the
//! notes cover, on Linux); in user code both branches of every `if` count.

use super::{FastMap, FastSet};
use std::cell::RefCell;
use std::ops::Range;

use tree_sitter::{Node, Tree};

use crate::analysis::syntax::Fields;
use crate::analysis::text::unchanged_spans;
use crate::analysis::tree::named_children;

use super::ir::{Arg, CompKind, Expr, ExprId, Lit, Step};
use super::splice;
use super::{
    Binding, BindingKind, Class, ClassId, FuncId, Function, ModuleModel, Name, Param, ParamKind,
    PathId, PathNode, Scope, ScopeId, ScopeKind, SelfAttr, UnitPart, MODULE_SCOPE,
};

/// Nesting deeper than this (statements or expressions) is not followed:
/// the rest of the subtree is one unknown expression. Keeps pathological
/// input (70,000 nested calls) from exhausting the stack.
const MAX_DEPTH: u32 = 200;

/// How to build a model.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The module's dotted name (`__main__` when unknown).
    pub name: String,
    /// Whether the module is a package's `__init__`.
    pub is_package: bool,
    /// A typeshed stub: decide version and platform checks statically.
    pub stub: bool,
    /// The Python version the stubs' version checks are decided for.
    pub version: (u8, u8),
}

impl Default for BuildOptions {
    fn default() -> BuildOptions {
        BuildOptions {
            name: "__main__".into(),
            is_package: false,
            stub: false,
            version: (3, 13),
        }
    }
}

/// Where a target's value comes from, before the unpacking steps.
#[derive(Clone, Copy)]
enum Source {
    Value {
        value: ExprId,
        annotation: Option<ExprId>,
    },
    For {
        iter: ExprId,
        is_async: bool,
    },
    With {
        ctx: ExprId,
        is_async: bool,
    },
}

impl Source {
    fn kind(self, steps: &[Step]) -> BindingKind {
        let steps: Box<[Step]> = steps.into();
        match self {
            Source::Value { value, annotation } => BindingKind::Value {
                value,
                steps,
                annotation,
            },
            Source::For { iter, is_async } => BindingKind::For {
                iter,
                steps,
                is_async,
            },
            Source::With { ctx, is_async } => BindingKind::With {
                ctx,
                steps,
                is_async,
            },
        }
    }
}

struct Builder<'a> {
    src: &'a [u8],
    /// `src` as text, validated once (`None` if it is not UTF-8): a node's
    /// text is then a slice, not a UTF-8 check of its bytes.
    text: Option<&'a str>,
    opts: &'a BuildOptions,
    m: ModuleModel,
    scope: ScopeId,
    path: PathId,
    /// The innermost function or lambda whose body is being walked.
    func: Option<FuncId>,
    /// Qualified-name prefix of the current scope (`C.`, `f.<locals>.`).
    qual: String,
    depth: u32,
    /// The statement being walked (for the ranges of attribute sites).
    stmt_range: Range<u32>,
    /// Each name's text once: a module reads the same few names many times.
    names: RefCell<FastSet<Name>>,
    /// How many times `__all__` was recorded (a statement that records it
    /// cannot be reused: the list depends on the statements before).
    all_writes: u32,
    /// How many times a class was found to have instance attributes the
    /// model cannot list (a statement that finds it cannot be reused).
    dynamic_writes: u32,
    previous: Option<Previous<'a>>,
    /// Where the previous model's parts are, found on first use.
    old: std::cell::OnceCell<OldParts>,
}

/// The previous model's parts: the module's statements', and each class
/// body's by the class's qualified name (unique ones only).
#[derive(Default)]
struct OldParts {
    module: Vec<usize>,
    classes: FastMap<Name, Option<(ClassId, Vec<usize>)>>,
}

/// The previous version of a file and its model, built with the same
/// options: the top-level statements the edits left as they were take their
/// part of that model instead of being walked again.
#[derive(Debug, Clone, Copy)]
pub struct Previous<'p> {
    pub model: &'p ModuleModel,
    pub text: &'p [u8],
}

/// Builds the model of a module from its syntax tree.
pub fn build(tree: &Tree, src: &[u8], opts: &BuildOptions) -> ModuleModel {
    build_reusing(tree, src, opts, None)
}

/// Builds the model of a module from its syntax tree, reusing the parts of
/// `previous` that belong to top-level statements the edits left unchanged.
/// The result equals [`build`]'s.
pub fn build_reusing<'a>(
    tree: &Tree,
    src: &'a [u8],
    opts: &'a BuildOptions,
    previous: Option<Previous<'a>>,
) -> ModuleModel {
    let root = tree.root_node();
    let mut b = Builder {
        src,
        text: std::str::from_utf8(src).ok(),
        opts,
        m: ModuleModel {
            name: opts.name.as_str().into(),
            is_package: opts.is_package,
            is_stub: opts.stub,
            ..ModuleModel::default()
        },
        scope: MODULE_SCOPE,
        path: 0,
        func: None,
        qual: String::new(),
        depth: 0,
        stmt_range: 0..0,
        names: RefCell::default(),
        all_writes: 0,
        dynamic_writes: 0,
        previous,
        old: std::cell::OnceCell::new(),
    };
    b.m.paths.push(PathNode {
        parent: 0,
        is_loop: false,
    });
    b.m.scopes.push(Scope {
        kind: ScopeKind::Module,
        parent: None,
        path: 0,
        ranges: std::iter::once(0..root.end_byte() as u32).collect(),
        children: Vec::new(),
        names: FastMap::default(),
        globals: Vec::new(),
        nonlocals: Vec::new(),
        star_imports: Vec::new(),
    });
    if let Some(p) = previous {
        // The tables end up about as long as the previous version's: room
        // for that and some more saves copying them as they grow (and they
        // are not shrunk after).
        let room = |len: usize| len + len / 8 + 16;
        let (m, old) = (&mut b.m, p.model);
        m.exprs.reserve(room(old.exprs.len()));
        m.expr_ranges.reserve(room(old.expr_ranges.len()));
        m.scopes.reserve(room(old.scopes.len()));
        m.bindings.reserve(room(old.bindings.len()));
        m.functions.reserve(room(old.functions.len()));
        m.classes.reserve(room(old.classes.len()));
        m.paths.reserve(room(old.paths.len()));
        m.units.reserve(room(old.units.len()));
    }
    b.statements(root, None);
    b.m.line_starts = line_starts(src);
    // An edited file's model is replaced at the next edit: giving back
    // the room reserved above would only copy the tables once more.
    if previous.is_none() {
        b.m.shrink();
    }
    b.m
}

/// Where each line starts (`\n`, `\r\n` or a lone `\r` end a line).
fn line_starts(src: &[u8]) -> Vec<u32> {
    let mut out = vec![0];
    let mut i = 0;
    while i < src.len() {
        match src[i] {
            b'\n' => out.push(i as u32 + 1),
            b'\r' => {
                if src.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                out.push(i as u32 + 1);
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn range(n: Node) -> Range<u32> {
    n.start_byte() as u32..n.end_byte() as u32
}

/// Statement kinds (to tell statements from expressions inside `ERROR`
/// nodes).
fn is_statement(kind: &str) -> bool {
    matches!(
        kind,
        "expression_statement"
            | "if_statement"
            | "for_statement"
            | "while_statement"
            | "try_statement"
            | "with_statement"
            | "function_definition"
            | "class_definition"
            | "decorated_definition"
            | "import_statement"
            | "import_from_statement"
            | "future_import_statement"
            | "return_statement"
            | "raise_statement"
            | "global_statement"
            | "nonlocal_statement"
            | "delete_statement"
            | "assert_statement"
            | "match_statement"
            | "type_alias_statement"
            | "pass_statement"
            | "break_statement"
            | "continue_statement"
            | "print_statement"
            | "exec_statement"
            | "block"
            | "module"
            | "ERROR"
    )
}

impl<'a> Builder<'a> {
    fn text(&self, n: Node) -> &'a str {
        match self.text {
            Some(text) => text.get(n.byte_range()).unwrap_or(""),
            None => n.utf8_text(self.src).unwrap_or(""),
        }
    }

    fn name(&self, n: Node) -> Name {
        self.intern(self.text(n))
    }

    fn intern(&self, s: &str) -> Name {
        let mut names = self.names.borrow_mut();
        if let Some(name) = names.get(s) {
            return name.clone();
        }
        let name: Name = s.into();
        names.insert(name.clone());
        name
    }

    fn push(&mut self, e: Expr, r: Range<u32>) -> ExprId {
        self.m.exprs.push(e);
        self.m.expr_ranges.push(r);
        (self.m.exprs.len() - 1) as ExprId
    }

    fn other(&mut self, n: Node) -> ExprId {
        self.push(Expr::Other, range(n))
    }

    // ------------------------------------------------------------ scopes

    fn open_scope(&mut self, kind: ScopeKind, ranges: Vec<Range<u32>>) -> ScopeId {
        let id = self.m.scopes.len() as ScopeId;
        self.m.scopes.push(Scope {
            kind,
            parent: Some(self.scope),
            path: self.path,
            ranges,
            children: Vec::new(),
            names: FastMap::default(),
            globals: Vec::new(),
            nonlocals: Vec::new(),
            star_imports: Vec::new(),
        });
        let parent = self.scope as usize;
        self.m.scopes[parent].children.push(id);
        id
    }

    /// Records a binding of `name` made in the current scope (or in the
    /// scope a `global` / `nonlocal` declaration sends it to).
    fn bind(&mut self, name: Name, r: Range<u32>, at: u32, kind: BindingKind) {
        let mut scope = self.scope;
        let here = &self.m.scopes[scope as usize];
        if here.globals.contains(&name) {
            scope = MODULE_SCOPE;
        } else if here.nonlocals.contains(&name) {
            let mut cur = here.parent;
            let mut first_function = None;
            while let Some(s) = cur {
                let sc = &self.m.scopes[s as usize];
                if matches!(sc.kind, ScopeKind::Function(_)) {
                    first_function.get_or_insert(s);
                    if sc.names.contains_key(&name) {
                        first_function = Some(s);
                        break;
                    }
                }
                cur = sc.parent;
            }
            if let Some(s) = first_function {
                scope = s;
            }
        }
        let id = self.m.bindings.len() as u32;
        self.m.bindings.push(Binding {
            name: name.clone(),
            scope,
            range: r,
            at,
            path: if scope == self.scope { self.path } else { 0 },
            kind,
        });
        self.m.scopes[scope as usize]
            .names
            .entry(name)
            .or_default()
            .push(id);
    }

    /// Runs `f` in a new branch (an `if` body, a loop body, a handler).
    fn branch(&mut self, is_loop: bool, f: impl FnOnce(&mut Self)) {
        let saved = self.path;
        self.m.paths.push(PathNode {
            parent: saved,
            is_loop,
        });
        self.path = (self.m.paths.len() - 1) as PathId;
        f(self);
        self.path = saved;
    }

    // ------------------------------------------------------------ statements

    fn block(&mut self, node: Node) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        let children = named_children(node);
        for child in children {
            if is_statement(child.kind()) || child.kind() == "comment" {
                self.stmt(child);
            } else {
                self.expr(child);
            }
        }
        self.depth -= 1;
    }

    /// A statement list whose statements are recorded as parts: the
    /// module's, or (`class`) the body of a class outside any function.
    /// Walked as [`Builder::block`] walks a block, except that statements
    /// the edits left unchanged since the previous version take their part
    /// of its model.
    fn statements(&mut self, list: Node, class: Option<ClassId>) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        let children = named_children(list);
        let (old_class, reuse) = self.unchanged(&children, class);
        for (child, old) in children.into_iter().zip(reuse) {
            let start = self.m.counts();
            let first_part = self.m.units.len();
            let r = range(child);
            let scope = &self.m.scopes[self.scope as usize];
            // A class body's `global x` sends later bindings of `x` elsewhere.
            let plain = class.is_none() || scope.globals.is_empty() && scope.nonlocals.is_empty();
            let clean = plain && !child.has_error();
            let reused =
                clean && old.is_some_and(|k| self.splice(k, r.clone(), class.zip(old_class)));
            let mut reusable = reused;
            if reused {
                self.m.reused += 1;
            } else {
                let before = self.outside();
                // The statement being walked, for a top-level expression too.
                self.stmt_range = r.clone();
                if is_statement(child.kind()) || child.kind() == "comment" {
                    self.stmt(child);
                } else {
                    self.expr(child);
                }
                reusable = clean && self.outside() == before;
            }
            let nested = (self.m.units.len() - first_part) as u32;
            self.m.units.push(UnitPart {
                range: r,
                start,
                end: self.m.counts(),
                class,
                nested,
                depth: self.depth,
                reusable,
            });
        }
        self.depth -= 1;
    }

    /// What a statement may change outside its part that later statements
    /// read.
    fn outside(&self) -> (usize, usize, usize, u32, u32) {
        let scope = &self.m.scopes[self.scope as usize];
        (
            scope.globals.len(),
            scope.nonlocals.len(),
            scope.star_imports.len(),
            self.all_writes,
            self.dynamic_writes,
        )
    }

    /// For each statement of a list (the module's, or `class`'s body), the
    /// previous model's part of an unchanged statement in the same place,
    /// and the previous model's class of the same qualified name.
    fn unchanged(
        &self,
        children: &[Node],
        class: Option<ClassId>,
    ) -> (Option<ClassId>, Vec<Option<usize>>) {
        let mut reuse = vec![None; children.len()];
        let Some(p) = self.previous else {
            return (None, reuse);
        };
        let old = self.old.get_or_init(|| {
            let mut old = OldParts::default();
            for (i, part) in p.model.units.iter().enumerate() {
                match part.class {
                    None => old.module.push(i),
                    Some(c) => {
                        let Some(qualname) = p.model.class(c).map(|c| c.qualname.clone()) else {
                            continue;
                        };
                        let slot = old
                            .classes
                            .entry(qualname)
                            .or_insert_with(|| Some((c, Vec::new())));
                        match slot {
                            Some((id, parts)) if *id == c => parts.push(i),
                            // Two classes of this name: neither is matched.
                            _ => *slot = None,
                        }
                    }
                }
            }
            old
        });
        let (old_class, parts) = match class {
            None => (None, &old.module),
            Some(c) => match old.classes.get(&self.m.classes[c as usize].qualname) {
                Some(Some((id, parts))) => (Some(*id), parts),
                _ => return (None, reuse),
            },
        };
        let old_ranges: Vec<Range<usize>> = parts
            .iter()
            .filter_map(|&i| p.model.units.get(i))
            .map(|u| u.range.start as usize..u.range.end as usize)
            .collect();
        let new: Vec<Range<usize>> = children.iter().map(|c| c.byte_range()).collect();
        for (n, o) in unchanged_spans(&old_ranges, p.text, &new, self.src) {
            reuse[n] = parts.get(o).copied();
        }
        (old_class, reuse)
    }

    /// Takes the previous model's part `k` for the statement now at `range`
    /// (in the body of `class`, whose previous model's id is given).
    fn splice(&mut self, k: usize, range: Range<u32>, class: Option<(ClassId, ClassId)>) -> bool {
        let Some(p) = self.previous else {
            return false;
        };
        let Some(part) = p.model.units.get(k) else {
            return false;
        };
        if part.depth != self.depth {
            return false;
        }
        let class = match class {
            Some((new, old)) => match (self.m.class(new), p.model.class(old)) {
                (Some(n), Some(o)) => Some(((o.scope, old), (n.scope, new))),
                _ => return false,
            },
            None => None,
        };
        splice::splice(&mut self.m, p.model, k, range, class)
    }

    fn stmt(&mut self, node: Node) {
        self.stmt_range = range(node);
        match node.kind() {
            "expression_statement" => {
                let children = named_children(node);
                for child in children {
                    match child.kind() {
                        "assignment" => self.assignment(child, node.end_byte() as u32),
                        "augmented_assignment" => self.augmented(child, node.end_byte() as u32),
                        "comment" => {}
                        _ => {
                            self.expr(child);
                        }
                    }
                }
            }
            "if_statement" => self.if_statement(node),
            "for_statement" => self.for_statement(node),
            "while_statement" => {
                if let Some(c) = node.field("condition") {
                    self.expr(c);
                }
                if let Some(body) = node.field("body") {
                    self.branch(true, |b| b.block(body));
                }
                if let Some(alt) = node.field("alternative") {
                    self.branch(false, |b| b.block(alt));
                }
            }
            "try_statement" => self.try_statement(node),
            "with_statement" => self.with_statement(node),
            "function_definition" => self.function(node, Vec::new(), None),
            "class_definition" => self.class(node, Vec::new(), None),
            "decorated_definition" => self.decorated(node),
            "import_statement" => self.import(node),
            "import_from_statement" => self.import_from(node),
            "return_statement" => {
                let value = node
                    .named_child(0)
                    .filter(|n| n.kind() != "comment")
                    .map(|v| self.expr(v));
                if let Some(f) = self.func {
                    let func = &mut self.m.functions[f as usize];
                    match value {
                        Some(v) => func.return_values.push(v),
                        None => func.returns_none = true,
                    }
                }
            }
            "global_statement" | "nonlocal_statement" => {
                let global = node.kind() == "global_statement";
                let mut c = node.walk();
                let names: Vec<Name> = node
                    .named_children(&mut c)
                    .filter(|n| n.kind() == "identifier")
                    .map(|n| self.name(n))
                    .collect();
                let scope = &mut self.m.scopes[self.scope as usize];
                if global {
                    scope.globals.extend(names);
                } else {
                    scope.nonlocals.extend(names);
                }
            }
            "delete_statement" => {
                let targets = named_children(node);
                for t in targets {
                    self.delete_target(t);
                }
            }
            "match_statement" => self.match_statement(node),
            "type_alias_statement" => {
                if let Some(left) = node.field("left") {
                    let target = first_identifier(left).unwrap_or(left);
                    if target.kind() == "identifier" {
                        let at = node.end_byte() as u32;
                        self.bind(self.name(target), range(target), at, BindingKind::Other);
                    }
                }
                if let Some(right) = node.field("right") {
                    self.expr(right);
                }
            }
            "future_import_statement"
            | "pass_statement"
            | "break_statement"
            | "continue_statement"
            | "comment" => {}
            "block" | "module" | "ERROR" => self.block(node),
            _ => {
                // assert, raise, print, exec and anything new: lower its
                // expressions.
                let children = named_children(node);
                for child in children {
                    if is_statement(child.kind()) {
                        self.stmt(child);
                    } else if child.kind() != "comment" {
                        self.expr(child);
                    }
                }
            }
        }
    }

    fn assignment(&mut self, node: Node, stmt_end: u32) {
        // `a = b = value`: assignment(a, assignment(b, value)).
        let mut targets = Vec::new();
        let mut cur = node;
        loop {
            targets.extend(cur.field("left"));
            match cur.field("right") {
                Some(r) if r.kind() == "assignment" => cur = r,
                _ => break,
            }
        }
        let annotation = cur.field("type").map(|t| self.expr(t));
        let value = cur.field("right").map(|r| self.expr(r));
        for target in targets {
            match value {
                Some(value) => self.target(
                    target,
                    Source::Value { value, annotation },
                    &mut Vec::new(),
                    stmt_end,
                ),
                None => {
                    // `x: T` declares without binding a value.
                    if target.kind() == "identifier" {
                        if let Some(annotation) = annotation {
                            let name = self.name(target);
                            self.bind(
                                name,
                                range(target),
                                stmt_end,
                                BindingKind::Declared { annotation },
                            );
                        }
                    } else if target.kind() == "attribute" {
                        self.expr(target);
                        self.self_attr(target, None, annotation);
                    } else {
                        self.expr(target);
                    }
                }
            }
        }
        if self.scope == MODULE_SCOPE {
            self.record_all(node, value);
        }
    }

    /// `__all__ = [...]` / `(...)` / `+= [...]` of string literals.
    fn record_all(&mut self, node: Node, value: Option<ExprId>) {
        let Some(left) = node.field("left") else {
            return;
        };
        if self.text(left) != "__all__" {
            return;
        }
        let Some(value) = value else { return };
        let items: Vec<ExprId> = match self.m.expr(value) {
            Expr::List(items) | Expr::Tuple(items) => items.to_vec(),
            _ => return,
        };
        let mut names = Vec::new();
        for i in items {
            if let Expr::Lit(Lit::Str(s)) = self.m.expr(i) {
                names.push(s.clone());
            }
        }
        self.all_writes += 1;
        let all = self.m.all.get_or_insert_with(Vec::new);
        if node.kind() == "assignment" {
            all.clear();
        }
        all.extend(names);
    }

    fn augmented(&mut self, node: Node, stmt_end: u32) {
        let value = node.field("right").map(|r| self.expr(r));
        let op: Name = node
            .field("operator")
            .map(|o| self.intern(self.text(o).trim_end_matches('=')))
            .unwrap_or_default();
        let Some(left) = node.field("left") else {
            return;
        };
        match left.kind() {
            "identifier" => {
                // The target is read first.
                self.expr(left);
                if let Some(value) = value {
                    let name = self.name(left);
                    self.bind(
                        name,
                        range(left),
                        stmt_end,
                        BindingKind::AugAssign { op, value },
                    );
                }
            }
            "attribute" => {
                self.expr(left);
                self.self_attr(left, None, None);
            }
            _ => {
                self.expr(left);
            }
        }
        if self.scope == MODULE_SCOPE {
            self.record_all(node, value);
        }
    }

    /// Binds an assignment (or loop, `with`) target: names get bindings,
    /// `self.x` targets in a method become instance attribute sites,
    /// anything else is read as an expression.
    fn target(&mut self, t: Node, source: Source, steps: &mut Vec<Step>, at: u32) {
        match t.kind() {
            "identifier" => {
                let name = self.name(t);
                self.bind(name, range(t), at, source.kind(steps));
            }
            "attribute" => {
                let value = match source {
                    Source::Value { value, annotation } => {
                        Some((value, steps.as_slice().into(), annotation))
                    }
                    _ => None,
                };
                // The object is read.
                self.expr(t);
                match value {
                    Some((v, s, a)) => self.self_attr(t, Some((v, s)), a),
                    None => self.self_attr(t, None, None),
                }
            }
            "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list"
            | "expression_list" => {
                let mut c = t.walk();
                let items: Vec<Node> = t
                    .named_children(&mut c)
                    .filter(|n| n.kind() != "comment")
                    .collect();
                let star = items
                    .iter()
                    .position(|n| matches!(n.kind(), "list_splat_pattern" | "list_splat"));
                for (i, item) in items.iter().enumerate() {
                    let step = match star {
                        Some(s) if i == s => Step::Rest {
                            from: i as u16,
                            after: (items.len() - i - 1) as u16,
                        },
                        Some(s) if i > s => {
                            // After the star: counted from the end, which the
                            // steps cannot say; leave it unknown.
                            let inner = *item;
                            self.expr(inner);
                            continue;
                        }
                        _ => Step::Index(i as u16),
                    };
                    steps.push(step);
                    let inner = if matches!(item.kind(), "list_splat_pattern" | "list_splat") {
                        item.named_child(0).unwrap_or(*item)
                    } else {
                        *item
                    };
                    self.target(inner, source, steps, at);
                    steps.pop();
                }
            }
            "parenthesized_expression" => {
                if let Some(inner) = t.named_child(0) {
                    self.target(inner, source, steps, at);
                }
            }
            _ => {
                self.expr(t);
            }
        }
    }

    /// `self.<attr> = ...` inside a method of a class (where `self` is the
    /// method's first parameter): an instance attribute site.
    fn self_attr(
        &mut self,
        target: Node,
        value: Option<(ExprId, Box<[Step]>)>,
        annotation: Option<ExprId>,
    ) {
        let (Some(obj), Some(attr)) = (target.field("object"), target.field("attribute")) else {
            return;
        };
        let Some((method, class)) = self.method_receiver(obj) else {
            return;
        };
        let attr = self.name(attr);
        let statement = self.stmt_range.clone();
        let class = &mut self.m.classes[class as usize];
        if &*attr == "__dict__" {
            class.dynamic_attrs = true;
            self.dynamic_writes += 1;
            return;
        }
        class.self_attrs.entry(attr).or_default().push(SelfAttr {
            method,
            range: statement,
            value,
            annotation,
        });
    }

    /// If `obj` is the first parameter of the method being walked (a plain
    /// method, not a static or class method), the method and its class.
    fn method_receiver(&self, obj: Node) -> Option<(FuncId, ClassId)> {
        if obj.kind() != "identifier" {
            return None;
        }
        let f = self.func?;
        let func = &self.m.functions[f as usize];
        let class = func.class?;
        if func.is_lambda || self.scope != func.scope {
            return None;
        }
        let first = func.params.first()?;
        if first.kind != ParamKind::Normal || *first.name != *self.text(obj) {
            return None;
        }
        let special = func.decorators.iter().any(|d| {
            matches!(self.m.expr(*d), Expr::Name { name, .. } if matches!(&**name, "staticmethod" | "classmethod"))
        });
        // The receiver must not be rebound in the method.
        let rebound = self.m.scopes[func.scope as usize]
            .names
            .get(&first.name)
            .is_some_and(|b| b.len() > 1);
        (!special
            && !rebound
            && !matches!(
                &*func.name,
                "__new__" | "__init_subclass__" | "__class_getitem__"
            ))
        .then_some((f, class))
    }

    fn delete_target(&mut self, t: Node) {
        match t.kind() {
            "identifier" => {
                let name = self.name(t);
                self.bind(name, range(t), t.end_byte() as u32, BindingKind::Deleted);
            }
            "expression_list" | "tuple" | "list" | "parenthesized_expression" => {
                let items = named_children(t);
                for i in items {
                    self.delete_target(i);
                }
            }
            _ => {
                self.expr(t);
            }
        }
    }

    fn if_statement(&mut self, node: Node) {
        // (condition, body) for the `if`, each `elif`, and the `else`.
        let mut arms: Vec<(Option<Node>, Option<Node>)> =
            vec![(node.field("condition"), node.field("consequence"))];
        let mut c = node.walk();
        for alt in node.children_by_field_name("alternative", &mut c) {
            match alt.kind() {
                "elif_clause" => arms.push((alt.field("condition"), alt.field("consequence"))),
                _ => arms.push((None, alt.field("body"))),
            }
        }
        let mut decided = false;
        for (condition, body) in arms {
            if decided {
                break;
            }
            let fixed = match condition {
                Some(c) if self.opts.stub => self.static_condition(c),
                None if self.opts.stub => Some(true),
                _ => None,
            };
            if let (Some(c), None) = (condition, fixed) {
                self.expr(c);
            }
            let Some(body) = body else { continue };
            match fixed {
                Some(true) => {
                    self.block(body);
                    decided = true;
                }
                Some(false) => {}
                None => self.branch(false, |b| b.block(body)),
            }
        }
    }

    /// A stub's `sys.version_info` / `sys.platform` test, decided for the
    /// configured version on Linux; `None` if it tests anything else.
    fn static_condition(&self, c: Node) -> Option<bool> {
        match c.kind() {
            "parenthesized_expression" => self.static_condition(c.named_child(0)?),
            "not_operator" => Some(!self.static_condition(c.field("argument")?)?),
            "boolean_operator" => {
                let l = self.static_condition(c.field("left")?)?;
                let r = self.static_condition(c.field("right")?)?;
                let op = c.field("operator").map(|o| o.kind());
                Some(if op == Some("and") { l && r } else { l || r })
            }
            "comparison_operator" => {
                let mut w = c.walk();
                let parts: Vec<Node> = c.children(&mut w).collect();
                let [left, op, right] = parts.as_slice() else {
                    return None;
                };
                match self.text(*left) {
                    "sys.version_info" => {
                        let version = self.version_tuple(*right)?;
                        let have = (
                            u32::from(self.opts.version.0),
                            u32::from(self.opts.version.1),
                        );
                        Some(match op.kind() {
                            ">=" => have >= version,
                            ">" => have > version,
                            "<" => have < version,
                            "<=" => have <= version,
                            "==" => have == version,
                            "!=" => have != version,
                            _ => return None,
                        })
                    }
                    "sys.platform" => {
                        let value = self.text(*right).trim_matches(|c| c == '"' || c == '\'');
                        match op.kind() {
                            "==" => Some(value == "linux"),
                            "!=" => Some(value != "linux"),
                            _ => None,
                        }
                    }
                    _ => None,
                }
            }
            "call" => {
                // sys.platform.startswith("linux")
                let f = self.text(c.field("function")?);
                if f != "sys.platform.startswith" {
                    return None;
                }
                let arg = crate::analysis::tree::first_arg(c)?;
                let value = self.text(arg).trim_matches(|c| c == '"' || c == '\'');
                Some("linux".starts_with(value))
            }
            _ => None,
        }
    }

    fn version_tuple(&self, n: Node) -> Option<(u32, u32)> {
        if n.kind() != "tuple" {
            return None;
        }
        let major: u32 = self.text(n.named_child(0)?).parse().ok()?;
        let minor: u32 = n
            .named_child(1)
            .and_then(|m| self.text(m).parse().ok())
            .unwrap_or(0);
        Some((major, minor))
    }

    fn for_statement(&mut self, node: Node) {
        let is_async = node.child(0).is_some_and(|c| c.kind() == "async");
        let iter = match node.field("right") {
            Some(r) => self.expr(r),
            None => self.other(node),
        };
        let body = node.field("body");
        let left = node.field("left");
        self.branch(true, |b| {
            let at = body.map_or(node.end_byte(), |x| x.start_byte()) as u32;
            if let Some(left) = left {
                b.target(left, Source::For { iter, is_async }, &mut Vec::new(), at);
            }
            if let Some(body) = body {
                b.block(body);
            }
        });
        if let Some(alt) = node.field("alternative") {
            self.branch(false, |b| b.block(alt));
        }
    }

    fn try_statement(&mut self, node: Node) {
        let children = named_children(node);
        for child in children {
            match child.kind() {
                "block" => self.branch(false, |b| b.block(child)),
                "except_clause" | "except_group_clause" => {
                    let star = child.kind() == "except_group_clause";
                    self.branch(false, |b| b.except_clause(child, star));
                }
                "else_clause" => {
                    if let Some(body) = child.field("body") {
                        self.branch(false, |b| b.block(body));
                    }
                }
                "finally_clause" => {
                    let blocks = named_children(child);
                    for b in blocks {
                        self.stmt(b);
                    }
                }
                _ => {}
            }
        }
    }

    fn except_clause(&mut self, node: Node, star: bool) {
        let children = named_children(node);
        let body_start = children
            .iter()
            .find(|n| n.kind() == "block")
            .map_or(node.end_byte(), |b| b.start_byte()) as u32;
        for child in children {
            match child.kind() {
                "block" => self.block(child),
                "as_pattern" => {
                    let types = child.named_child(0).map(|t| self.expr(t));
                    self.bind_except_alias(child.field("alias"), types, body_start, star);
                }
                "comment" => {}
                _ => {
                    // `except E:`; older grammars: `except E as e` with an
                    // `alias` field on the clause itself.
                    let is_alias = node.field("alias").is_some_and(|a| a.id() == child.id());
                    if !is_alias {
                        let types = Some(self.expr(child));
                        self.bind_except_alias(node.field("alias"), types, body_start, star);
                    }
                }
            }
        }
    }

    /// The text of `node`'s `operator` field (`+`, `not`), or empty.
    fn operator(&mut self, node: Node) -> Name {
        node.field("operator")
            .map(|o| self.name(o))
            .unwrap_or_default()
    }

    /// Binds `e` of `except E as e` for the clause's body.
    fn bind_except_alias(
        &mut self,
        alias: Option<Node>,
        types: Option<ExprId>,
        body_start: u32,
        star: bool,
    ) {
        if let Some(ident) = alias.and_then(first_identifier) {
            let name = self.name(ident);
            self.bind(
                name,
                range(ident),
                body_start,
                BindingKind::Except { types, star },
            );
        }
    }

    fn with_statement(&mut self, node: Node) {
        let is_async = node.child(0).is_some_and(|c| c.kind() == "async");
        let body = node.field("body");
        let at = body.map_or(node.end_byte(), |b| b.start_byte()) as u32;
        let children = named_children(node);
        for child in children {
            if child.kind() != "with_clause" {
                continue;
            }
            let items = named_children(child);
            for item in items {
                if item.kind() != "with_item" {
                    continue;
                }
                let Some(value) = item.field("value") else {
                    continue;
                };
                if value.kind() == "as_pattern" {
                    let ctx = match value.named_child(0) {
                        Some(e) => self.expr(e),
                        None => self.other(value),
                    };
                    if let Some(alias) = value.field("alias") {
                        let target = alias.named_child(0).unwrap_or(alias);
                        self.target(target, Source::With { ctx, is_async }, &mut Vec::new(), at);
                    }
                } else {
                    self.expr(value);
                }
            }
        }
        if let Some(body) = body {
            self.block(body);
        }
    }

    fn match_statement(&mut self, node: Node) {
        if let Some(subject) = node.field("subject") {
            self.expr(subject);
        }
        let Some(body) = node.field("body") else {
            return;
        };
        let cases = named_children(body);
        for case in cases {
            if case.kind() != "case_clause" {
                continue;
            }
            self.branch(false, |b| {
                let at = case
                    .field("consequence")
                    .map_or(case.end_byte(), |x| x.start_byte()) as u32;
                let parts = named_children(case);
                for part in parts {
                    match part.kind() {
                        "case_pattern" => b.pattern_captures(part, at),
                        "if_clause" => {
                            let exprs = named_children(part);
                            for e in exprs {
                                b.expr(e);
                            }
                        }
                        "block" => b.block(part),
                        _ => {}
                    }
                }
            });
        }
    }

    /// Capture names in a match pattern (`case Point(x=px)`, `case [a, *rest]`,
    /// `case {"k": v}`, `case _ as whole`): bindings whose value is not
    /// followed. Class names and dotted values in patterns are reads.
    fn pattern_captures(&mut self, pattern: Node, at: u32) {
        let mut todo = vec![pattern];
        while let Some(p) = todo.pop() {
            match p.kind() {
                "class_pattern" => {
                    let parts = named_children(p);
                    for (i, part) in parts.into_iter().enumerate() {
                        if i == 0 && part.kind() == "dotted_name" {
                            let idents = named_children(part);
                            if let Some(first) = idents.first() {
                                self.expr(*first);
                            }
                        } else {
                            todo.push(part);
                        }
                    }
                }
                "keyword_pattern" => {
                    // `x=pattern`: the keyword is an attribute name.
                    let mut c = p.walk();
                    let parts: Vec<Node> = p.named_children(&mut c).skip(1).collect();
                    todo.extend(parts);
                }
                "dotted_name" => {
                    // A value pattern (`Color.RED`) or a single capture name.
                    let idents = named_children(p);
                    if idents.len() == 1 {
                        let ident = idents[0];
                        if self.text(ident) != "_" {
                            let name = self.name(ident);
                            self.bind(name, range(ident), at, BindingKind::Other);
                        }
                    } else if let Some(first) = idents.first() {
                        self.expr(*first);
                    }
                }
                "identifier" => {
                    if self.text(p) != "_" {
                        let name = self.name(p);
                        self.bind(name, range(p), at, BindingKind::Other);
                    }
                }
                "string"
                | "integer"
                | "float"
                | "true"
                | "false"
                | "none"
                | "concatenated_string" => {}
                _ => {
                    let mut c = p.walk();
                    todo.extend(p.named_children(&mut c));
                }
            }
        }
    }

    fn decorated(&mut self, node: Node) {
        let children = named_children(node);
        let mut decorators = Vec::new();
        for child in &children {
            if child.kind() == "decorator" {
                if let Some(e) = child.named_child(0) {
                    decorators.push(self.expr(e));
                }
            }
        }
        let Some(def) = node.field("definition") else {
            return;
        };
        match def.kind() {
            "function_definition" => self.function(def, decorators, Some(range(node))),
            "class_definition" => self.class(def, decorators, Some(range(node))),
            _ => self.stmt(def),
        }
    }

    /// Lowers a function's parameters (defaults and annotations run in the
    /// enclosing scope) and returns them with the ranges that run outside
    /// the function's own scope.
    fn params(&mut self, params: Option<Node>) -> (Vec<Param>, Vec<Range<u32>>) {
        let mut out = Vec::new();
        let mut outside = Vec::new();
        let Some(params) = params else {
            return (out, outside);
        };
        let items = named_children(params);
        for p in items {
            let (name_node, kind, annotation, default) = match p.kind() {
                "identifier" => (Some(p), ParamKind::Normal, None, None),
                "typed_parameter" => {
                    let first = p.named_child(0);
                    let (ident, kind) = match first.map(|f| f.kind()) {
                        Some("list_splat_pattern") => {
                            (first.and_then(|f| f.named_child(0)), ParamKind::VarArgs)
                        }
                        Some("dictionary_splat_pattern") => {
                            (first.and_then(|f| f.named_child(0)), ParamKind::KwArgs)
                        }
                        _ => (first, ParamKind::Normal),
                    };
                    (ident, kind, p.field("type"), None)
                }
                "default_parameter" => (p.field("name"), ParamKind::Normal, None, p.field("value")),
                "typed_default_parameter" => (
                    p.field("name"),
                    ParamKind::Normal,
                    p.field("type"),
                    p.field("value"),
                ),
                "list_splat_pattern" => (p.named_child(0), ParamKind::VarArgs, None, None),
                "dictionary_splat_pattern" => (p.named_child(0), ParamKind::KwArgs, None, None),
                _ => continue,
            };
            let annotation = annotation.map(|a| {
                outside.push(range(a));
                self.expr(a)
            });
            let default = default.map(|d| {
                outside.push(range(d));
                self.expr(d)
            });
            let Some(name_node) = name_node.filter(|n| n.kind() == "identifier") else {
                continue;
            };
            out.push(Param {
                name: self.name(name_node),
                kind,
                annotation,
                default,
            });
        }
        (out, outside)
    }

    fn function(&mut self, node: Node, decorators: Vec<ExprId>, decorated: Option<Range<u32>>) {
        let name: Name = node
            .field("name")
            .map(|n| self.name(n))
            .unwrap_or_else(|| "<function>".into());
        let is_async = node.child(0).is_some_and(|c| c.kind() == "async");
        let params_node = node.field("parameters");
        let (params, mut outside) = self.params(params_node);
        let returns = node.field("return_type").map(|r| {
            outside.push(range(r));
            self.expr(r)
        });
        let class = match self.m.scopes[self.scope as usize].kind {
            ScopeKind::Class(c) => Some(c),
            _ => None,
        };
        let fid = self.m.functions.len() as FuncId;
        let start = params_node.map_or(node.start_byte(), |p| p.start_byte()) as u32;
        let ranges = subtract(start..node.end_byte() as u32, &mut outside);
        let outer = self.scope;
        let scope = self.open_scope(ScopeKind::Function(fid), ranges);
        self.m.functions.push(Function {
            name: name.clone(),
            range: range(node),
            decorated,
            scope,
            outer,
            class,
            params,
            decorators,
            returns,
            is_async,
            is_lambda: false,
            has_yield: false,
            return_values: Vec::new(),
            returns_none: false,
            always_raises: false,
            yield_froms: Vec::new(),
        });
        if let Some(n) = node.field("name") {
            self.bind(
                name.clone(),
                range(n),
                node.end_byte() as u32,
                BindingKind::Def(fid),
            );
        }
        let body = node.field("body");
        let body_start = body.map_or(node.end_byte(), |b| b.start_byte()) as u32;
        let saved = (self.scope, self.path, self.func, self.qual.clone());
        self.scope = scope;
        self.path = 0;
        self.func = Some(fid);
        self.qual = format!("{}{name}.<locals>.", self.qual);
        let params: Vec<(Name, Range<u32>)> = self.m.functions[fid as usize]
            .params
            .iter()
            .map(|p| (p.name.clone(), 0..0))
            .collect();
        for (i, (pname, _)) in params.into_iter().enumerate() {
            self.bind(
                pname,
                start..start,
                body_start,
                BindingKind::Param {
                    func: fid,
                    index: i as u16,
                },
            );
        }
        if let Some(body) = body {
            self.block(body);
            let (falls_off, raises) = ending(body);
            let f = &mut self.m.functions[fid as usize];
            f.returns_none |= falls_off;
            f.always_raises = raises && f.return_values.is_empty() && !f.returns_none;
        }
        (self.scope, self.path, self.func, self.qual) = saved;
    }

    fn lambda(&mut self, node: Node) -> ExprId {
        let params_node = node.field("parameters");
        let (params, mut outside) = self.params(params_node);
        let fid = self.m.functions.len() as FuncId;
        let start = params_node.map_or(node.start_byte(), |p| p.start_byte()) as u32;
        let ranges = subtract(start..node.end_byte() as u32, &mut outside);
        let outer = self.scope;
        let scope = self.open_scope(ScopeKind::Function(fid), ranges);
        self.m.functions.push(Function {
            name: "<lambda>".into(),
            range: range(node),
            decorated: None,
            scope,
            outer,
            class: None,
            params,
            decorators: Vec::new(),
            returns: None,
            is_async: false,
            is_lambda: true,
            has_yield: false,
            return_values: Vec::new(),
            returns_none: false,
            always_raises: false,
            yield_froms: Vec::new(),
        });
        let saved = (self.scope, self.path, self.func);
        self.scope = scope;
        self.path = 0;
        self.func = Some(fid);
        let names: Vec<Name> = self.m.functions[fid as usize]
            .params
            .iter()
            .map(|p| p.name.clone())
            .collect();
        for (i, pname) in names.into_iter().enumerate() {
            self.bind(
                pname,
                start..start,
                start,
                BindingKind::Param {
                    func: fid,
                    index: i as u16,
                },
            );
        }
        if let Some(body) = node.field("body") {
            let v = self.expr(body);
            self.m.functions[fid as usize].return_values.push(v);
        }
        (self.scope, self.path, self.func) = saved;
        self.push(Expr::Lambda(fid), range(node))
    }

    fn class(&mut self, node: Node, decorators: Vec<ExprId>, decorated: Option<Range<u32>>) {
        let name: Name = node
            .field("name")
            .map(|n| self.name(n))
            .unwrap_or_else(|| "<class>".into());
        let mut bases = Vec::new();
        let mut keywords = Vec::new();
        if let Some(list) = node.field("superclasses") {
            let items = named_children(list);
            for item in items {
                match item.kind() {
                    "keyword_argument" => {
                        if let (Some(k), Some(v)) = (item.field("name"), item.field("value")) {
                            let key = self.name(k);
                            let value = self.expr(v);
                            keywords.push((key, value));
                        }
                    }
                    "comment" => {}
                    "list_splat" | "dictionary_splat" => {
                        self.expr(item);
                    }
                    _ => bases.push(self.expr(item)),
                }
            }
        }
        let cid = self.m.classes.len() as ClassId;
        let body = node.field("body");
        let ranges = body.map_or_else(Vec::new, |b| vec![range(b)]);
        let outer = self.scope;
        let scope = self.open_scope(ScopeKind::Class(cid), ranges);
        let qualname: Name = format!("{}{name}", self.qual).into();
        self.m.classes.push(Class {
            name: name.clone(),
            qualname,
            range: range(node),
            decorated,
            scope,
            outer,
            bases,
            keywords,
            decorators,
            self_attrs: FastMap::default(),
            dynamic_attrs: false,
        });
        if let Some(n) = node.field("name") {
            self.bind(
                name.clone(),
                range(n),
                node.end_byte() as u32,
                BindingKind::Class(cid),
            );
        }
        let saved = (self.scope, self.path, self.qual.clone());
        self.scope = scope;
        self.path = 0;
        self.qual = format!("{}{name}.", self.qual);
        match body {
            // Outside functions, a class body's statements are parts a later
            // version may reuse (most edits land in a method of a class).
            Some(body) if self.func.is_none() => self.statements(body, Some(cid)),
            Some(body) => self.block(body),
            None => {}
        }
        (self.scope, self.path, self.qual) = saved;
    }

    fn import(&mut self, node: Node) {
        let at = node.end_byte() as u32;
        let mut c = node.walk();
        let names: Vec<Node> = node.children_by_field_name("name", &mut c).collect();
        for n in names {
            match n.kind() {
                "dotted_name" => {
                    let full = dotted(self.text(n));
                    let first: Name = full.split('.').next().unwrap_or("").into();
                    if let Some(ident) = n.named_child(0) {
                        self.bind(
                            first.clone(),
                            range(ident),
                            at,
                            BindingKind::Import { module: first },
                        );
                    }
                }
                "aliased_import" => {
                    if let (Some(m), Some(alias)) = (n.field("name"), n.field("alias")) {
                        let module: Name = dotted(self.text(m)).into();
                        let name = self.name(alias);
                        self.bind(name, range(alias), at, BindingKind::Import { module });
                    }
                }
                _ => {}
            }
        }
    }

    /// The absolute module of a `from X import` (relative imports resolved
    /// against this module's package), if it can be told.
    fn absolute_module(&self, module: Node) -> Option<Name> {
        match module.kind() {
            "dotted_name" => Some(dotted(self.text(module)).into()),
            "relative_import" => {
                let text = dotted(self.text(module));
                let level = text.chars().take_while(|c| *c == '.').count();
                let rest = &text[level..];
                let mut package: Vec<&str> = self.opts.name.split('.').collect();
                if !self.opts.is_package {
                    package.pop();
                }
                for _ in 1..level {
                    package.pop()?;
                }
                if package.is_empty() || self.opts.name == "__main__" {
                    return None;
                }
                let mut out = package.join(".");
                if !rest.is_empty() {
                    out.push('.');
                    out.push_str(rest);
                }
                Some(out.into())
            }
            _ => None,
        }
    }

    fn import_from(&mut self, node: Node) {
        let at = node.end_byte() as u32;
        let module = node
            .field("module_name")
            .and_then(|m| self.absolute_module(m));
        let children = named_children(node);
        if children.iter().any(|n| n.kind() == "wildcard_import") {
            if let Some(m) = module {
                self.m.scopes[self.scope as usize].star_imports.push(m);
            }
            return;
        }
        let mut w = node.walk();
        let names: Vec<Node> = node.children_by_field_name("name", &mut w).collect();
        for n in names {
            let (imported, local) = match n.kind() {
                "dotted_name" => (n, n),
                "aliased_import" => match (n.field("name"), n.field("alias")) {
                    (Some(a), Some(b)) => (a, b),
                    _ => continue,
                },
                _ => continue,
            };
            let name: Name = dotted(self.text(imported)).into();
            let local_name = self.name(local);
            let kind = match &module {
                Some(m) => BindingKind::ImportFrom {
                    module: m.clone(),
                    name,
                },
                None => BindingKind::Other,
            };
            self.bind(local_name, range(local), at, kind);
        }
    }

    // ------------------------------------------------------------ expressions

    fn expr(&mut self, node: Node) -> ExprId {
        if self.depth > MAX_DEPTH {
            return self.other(node);
        }
        self.depth += 1;
        let id = self.lower(node);
        self.depth -= 1;
        id
    }

    fn exprs(&mut self, node: Node) -> Box<[ExprId]> {
        let mut c = node.walk();
        let items: Vec<Node> = node
            .named_children(&mut c)
            .filter(|n| n.kind() != "comment")
            .collect();
        items.into_iter().map(|n| self.expr(n)).collect()
    }

    /// Lowers every named child (for what they bind and contain), giving an
    /// unknown expression.
    fn children_other(&mut self, node: Node) -> ExprId {
        let items = named_children(node);
        for item in items {
            if is_statement(item.kind()) && item.kind() != "ERROR" {
                self.stmt(item);
            } else if item.kind() != "comment" {
                self.expr(item);
            }
        }
        self.other(node)
    }

    fn lower(&mut self, node: Node) -> ExprId {
        let r = range(node);
        let e = match node.kind() {
            "identifier" => Expr::Name {
                name: self.name(node),
                at: r.start,
                scope: self.scope,
                path: self.path,
            },
            "attribute" => {
                let obj = match node.field("object") {
                    Some(o) => self.expr(o),
                    None => return self.other(node),
                };
                let attr = node
                    .field("attribute")
                    .map(|a| self.name(a))
                    .unwrap_or_default();
                Expr::Attr { obj, attr }
            }
            "call" => return self.call(node),
            "subscript" => {
                let obj = match node.field("value") {
                    Some(o) => self.expr(o),
                    None => return self.other(node),
                };
                let mut c = node.walk();
                let subs: Vec<Node> = node.children_by_field_name("subscript", &mut c).collect();
                let items = subs.into_iter().map(|s| self.expr(s)).collect();
                Expr::Subscript { obj, items }
            }
            "generic_type" => {
                let parts = named_children(node);
                let Some(head) = parts.first() else {
                    return self.other(node);
                };
                let obj = self.expr(*head);
                let mut items = Vec::new();
                for p in &parts[1..] {
                    if p.kind() == "type_parameter" {
                        let ts = named_children(*p);
                        for t in ts {
                            items.push(self.expr(t));
                        }
                    }
                }
                Expr::Subscript {
                    obj,
                    items: items.into(),
                }
            }
            "type" | "parenthesized_expression" => {
                let inner = node.named_child(0).filter(|n| n.kind() != "comment");
                return match inner {
                    Some(i) => self.expr(i),
                    None => self.other(node),
                };
            }
            "string" => Expr::Lit(self.string(node)),
            "concatenated_string" => {
                let parts = named_children(node);
                let mut text = String::new();
                let mut lit = None;
                for p in parts {
                    match self.string(p) {
                        Lit::Str(s) => {
                            text.push_str(&s);
                            lit.get_or_insert(Lit::Str(Name::default()));
                        }
                        other => lit = Some(other),
                    }
                }
                match lit {
                    Some(Lit::Str(_)) | None => Expr::Lit(Lit::Str(text.into())),
                    Some(other) => Expr::Lit(other),
                }
            }
            "integer" => Expr::Lit(if self.text(node).ends_with(['j', 'J']) {
                Lit::Complex
            } else {
                Lit::Int
            }),
            "float" => Expr::Lit(if self.text(node).ends_with(['j', 'J']) {
                Lit::Complex
            } else {
                Lit::Float
            }),
            "true" => Expr::Lit(Lit::True),
            "false" => Expr::Lit(Lit::False),
            "none" => Expr::Lit(Lit::None),
            "ellipsis" => Expr::Lit(Lit::Ellipsis),
            "list" => Expr::List(self.exprs(node)),
            "tuple" | "expression_list" | "pattern_list" => Expr::Tuple(self.exprs(node)),
            "set" => Expr::Set(self.exprs(node)),
            "dictionary" => {
                let items = named_children(node);
                let mut pairs = Vec::new();
                for item in items {
                    match item.kind() {
                        "pair" => {
                            let k = item.field("key").map(|k| self.expr(k));
                            let v = match item.field("value") {
                                Some(v) => self.expr(v),
                                None => self.other(item),
                            };
                            pairs.push((k, v));
                        }
                        "dictionary_splat" => {
                            let v = match item.named_child(0) {
                                Some(v) => self.expr(v),
                                None => self.other(item),
                            };
                            pairs.push((None, v));
                        }
                        "comment" => {}
                        _ => {
                            self.expr(item);
                        }
                    }
                }
                Expr::Dict(pairs.into())
            }
            "list_comprehension" => return self.comprehension(node, CompKind::List),
            "set_comprehension" => return self.comprehension(node, CompKind::Set),
            "dictionary_comprehension" => return self.comprehension(node, CompKind::Dict),
            "generator_expression" => return self.comprehension(node, CompKind::Generator),
            "binary_operator" => {
                let (Some(l), Some(rt)) = (node.field("left"), node.field("right")) else {
                    return self.children_other(node);
                };
                let op = self.operator(node);
                let left = self.expr(l);
                let right = self.expr(rt);
                Expr::BinOp { op, left, right }
            }
            "unary_operator" => {
                let Some(a) = node.field("argument") else {
                    return self.children_other(node);
                };
                let op = self.operator(node);
                let operand = self.expr(a);
                Expr::Unary { op, operand }
            }
            "not_operator" | "comparison_operator" => {
                self.exprs(node);
                Expr::Bool
            }
            "boolean_operator" => {
                let (Some(l), Some(rt)) = (node.field("left"), node.field("right")) else {
                    return self.children_other(node);
                };
                let left = self.expr(l);
                let right = self.expr(rt);
                Expr::BoolOp { left, right }
            }
            "await" => match node.named_child(0) {
                Some(inner) => Expr::Await(self.expr(inner)),
                None => Expr::Other,
            },
            "yield" => {
                if let Some(f) = self.func {
                    self.m.functions[f as usize].has_yield = true;
                }
                let mut c = node.walk();
                let is_from = node.children(&mut c).any(|ch| ch.kind() == "from");
                let operand = node.named_child(0).filter(|n| n.kind() != "comment");
                match (is_from, operand) {
                    (true, Some(o)) => {
                        let sub = self.expr(o);
                        if let Some(f) = self.func {
                            self.m.functions[f as usize].yield_froms.push(sub);
                        }
                        Expr::YieldFrom(sub)
                    }
                    (_, Some(o)) => {
                        self.expr(o);
                        Expr::Yield
                    }
                    (_, None) => Expr::Yield,
                }
            }
            "lambda" => return self.lambda(node),
            "conditional_expression" => {
                let mut c = node.walk();
                let parts: Vec<Node> = node
                    .named_children(&mut c)
                    .filter(|n| n.kind() != "comment")
                    .collect();
                let ids: Vec<ExprId> = parts.iter().map(|p| self.expr(*p)).collect();
                match ids.as_slice() {
                    [then, _, other] => Expr::IfExp {
                        then: *then,
                        other: *other,
                    },
                    _ => Expr::Other,
                }
            }
            "named_expression" => {
                let value = match node.field("value") {
                    Some(v) => self.expr(v),
                    None => return self.other(node),
                };
                if let Some(name) = node.field("name") {
                    self.walrus(name, value, node.end_byte() as u32);
                }
                Expr::Walrus(value)
            }
            "list_splat" | "dictionary_splat" => match node.named_child(0) {
                Some(inner) => Expr::Starred(self.expr(inner)),
                None => Expr::Other,
            },
            "keyword_argument" => {
                if let Some(v) = node.field("value") {
                    self.expr(v);
                }
                Expr::Other
            }
            _ => return self.children_other(node),
        };
        self.push(e, r)
    }

    /// A string literal's kind, lowering its interpolations.
    fn string(&mut self, node: Node) -> Lit {
        let parts = named_children(node);
        let mut interpolated = false;
        let mut bytes = false;
        let mut text = String::new();
        for p in parts {
            match p.kind() {
                "string_start" => {
                    let prefix = self.text(p).trim_end_matches(['"', '\'']);
                    bytes = prefix.contains(['b', 'B']);
                    interpolated |= prefix.contains(['f', 'F', 't', 'T']);
                }
                "string_content" => text.push_str(self.text(p)),
                "interpolation" => {
                    interpolated = true;
                    if let Some(e) = p.field("expression") {
                        self.expr(e);
                    }
                }
                _ => {}
            }
        }
        if interpolated {
            Lit::FString
        } else if bytes {
            Lit::Bytes
        } else {
            Lit::Str(text.into())
        }
    }

    /// `(name := value)`: binds in the nearest enclosing scope that is not a
    /// comprehension.
    fn walrus(&mut self, name: Node, value: ExprId, at: u32) {
        let mut scope = self.scope;
        while matches!(self.m.scopes[scope as usize].kind, ScopeKind::Comprehension) {
            match self.m.scopes[scope as usize].parent {
                Some(p) => scope = p,
                None => break,
            }
        }
        let saved = (self.scope, self.path);
        if scope != self.scope {
            self.scope = scope;
            self.path = 0;
        }
        let kind = BindingKind::Value {
            value,
            steps: Box::new([]),
            annotation: None,
        };
        self.bind(self.name(name), range(name), at, kind);
        (self.scope, self.path) = saved;
    }

    fn call(&mut self, node: Node) -> ExprId {
        let func = match node.field("function") {
            Some(f) => self.expr(f),
            None => return self.other(node),
        };
        let mut args = Vec::new();
        if let Some(list) = node.field("arguments") {
            if list.kind() == "generator_expression" {
                args.push(Arg::Pos(self.expr(list)));
            } else {
                let items = named_children(list);
                for item in items {
                    match item.kind() {
                        "keyword_argument" => {
                            let (Some(k), Some(v)) = (item.field("name"), item.field("value"))
                            else {
                                continue;
                            };
                            let key = self.name(k);
                            let value = self.expr(v);
                            args.push(Arg::Kw(key, value));
                        }
                        "list_splat" => {
                            if let Some(i) = item.named_child(0) {
                                args.push(Arg::Star(self.expr(i)));
                            }
                        }
                        "dictionary_splat" => {
                            if let Some(i) = item.named_child(0) {
                                args.push(Arg::DoubleStar(self.expr(i)));
                            }
                        }
                        "comment" => {}
                        _ => args.push(Arg::Pos(self.expr(item))),
                    }
                }
            }
        }
        self.setattr_site(node, func, &args);
        self.push(
            Expr::Call {
                func,
                args: args.into(),
            },
            range(node),
        )
    }

    /// `setattr(self, "name", value)` in a method: an instance attribute
    /// site; with a computed name, instance attributes the model cannot
    /// list.
    fn setattr_site(&mut self, call: Node, func: ExprId, args: &[Arg]) {
        if !matches!(self.m.expr(func), Expr::Name { name, .. } if &**name == "setattr") {
            return;
        }
        let Some(list) = call.field("arguments") else {
            return;
        };
        let Some(first) = list.named_child(0) else {
            return;
        };
        let Some((method, class)) = self.method_receiver(first) else {
            return;
        };
        let literal = match args.get(1) {
            Some(Arg::Pos(n)) => match self.m.expr(*n) {
                Expr::Lit(Lit::Str(s)) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        };
        let value = match args.get(2) {
            Some(Arg::Pos(v)) => Some((*v, Box::<[Step]>::default())),
            _ => None,
        };
        let _ = call;
        let statement = self.stmt_range.clone();
        let class = &mut self.m.classes[class as usize];
        match literal {
            Some(attr) => class.self_attrs.entry(attr).or_default().push(SelfAttr {
                method,
                range: statement,
                value,
                annotation: None,
            }),
            None => {
                class.dynamic_attrs = true;
                self.dynamic_writes += 1;
            }
        }
    }

    fn comprehension(&mut self, node: Node, kind: CompKind) -> ExprId {
        let mut c = node.walk();
        let clauses: Vec<Node> = node
            .named_children(&mut c)
            .filter(|n| matches!(n.kind(), "for_in_clause" | "if_clause"))
            .collect();
        // The first iterable runs in the enclosing scope.
        let first_iter = clauses
            .first()
            .filter(|c| c.kind() == "for_in_clause")
            .and_then(|c| c.field("right"));
        let first_id = first_iter.map(|i| self.expr(i));
        let ranges = match first_iter {
            Some(i) => vec![
                node.start_byte() as u32..i.start_byte() as u32,
                i.end_byte() as u32..node.end_byte() as u32,
            ],
            None => vec![range(node)],
        };
        let scope = self.open_scope(ScopeKind::Comprehension, ranges);
        let saved = (self.scope, self.path);
        self.scope = scope;
        self.path = 0;
        let at = node.start_byte() as u32;
        for (i, clause) in clauses.iter().enumerate() {
            match clause.kind() {
                "for_in_clause" => {
                    let is_async = clause.child(0).is_some_and(|c| c.kind() == "async");
                    let iter = match (i, first_id) {
                        (0, Some(id)) => id,
                        _ => match clause.field("right") {
                            Some(r) => self.expr(r),
                            None => self.other(*clause),
                        },
                    };
                    if let Some(left) = clause.field("left") {
                        self.target(left, Source::For { iter, is_async }, &mut Vec::new(), at);
                    }
                }
                _ => {
                    let conds = named_children(*clause);
                    for cond in conds {
                        self.expr(cond);
                    }
                }
            }
        }
        let body = node.field("body");
        let (elt, value) = match body {
            Some(b) if b.kind() == "pair" => {
                let k = match b.field("key") {
                    Some(k) => self.expr(k),
                    None => self.other(b),
                };
                let v = b.field("value").map(|v| self.expr(v));
                (k, v)
            }
            Some(b) => (self.expr(b), None),
            None => (self.other(node), None),
        };
        (self.scope, self.path) = saved;
        self.push(Expr::Comp { kind, elt, value }, range(node))
    }
}

/// `a . b` written with spaces: `a.b`.
fn dotted(text: &str) -> String {
    text.split_whitespace().collect()
}

fn first_identifier(n: Node) -> Option<Node> {
    if n.kind() == "identifier" {
        return Some(n);
    }
    let mut c = n.walk();
    let found = n.named_children(&mut c).find(|c| c.kind() == "identifier");
    found
}

/// Whether a body can fall off its end, and whether it ends in `raise`
/// (its last statement, at the top level).
fn ending(body: Node) -> (bool, bool) {
    let mut c = body.walk();
    let last = body
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .last();
    match last.map(|n| n.kind()) {
        Some("return_statement") => (false, false),
        Some("raise_statement") => (false, true),
        _ => (true, false),
    }
}

/// `whole` without the `holes` (which lie inside it), as sorted ranges.
fn subtract(whole: Range<u32>, holes: &mut [Range<u32>]) -> Vec<Range<u32>> {
    holes.sort_by_key(|h| h.start);
    let mut out = Vec::new();
    let mut at = whole.start;
    for h in holes.iter() {
        if h.start > at {
            out.push(at..h.start.min(whole.end));
        }
        at = at.max(h.end);
    }
    if at < whole.end {
        out.push(at..whole.end);
    }
    out
}
