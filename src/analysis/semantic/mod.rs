//! The semantic model: what every name of a module holds, as far as the code
//! (this file, the user's other files, the stdlib's typeshed stubs) shows.
//!
//! [`ModuleModel::build`] walks a module's syntax tree once and records, as
//! plain data that outlives the tree: its scopes (module, class, function,
//! lambda, comprehension), every binding with where its value comes from,
//! its functions and classes, and its expressions in a small tree of their
//! own ([`ir`]). Values are inferred on demand by [`infer::Infer`], across
//! modules through a [`world::World`]; a value the code does not show is
//! [`value::Value::Unknown`], never a guess, and names bound differently on
//! different paths give [`value::Value::OneOf`].

mod builder;
mod classes;
pub mod infer;
pub mod ir;
pub mod lookup;
mod nodes;
mod splice;
pub mod stubs;
#[cfg(test)]
pub(crate) mod tests;
pub mod value;
pub mod world;

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::ops::Range;

pub use builder::{build as build_model, build_reusing, BuildOptions, Previous};
use ir::{Expr, ExprId, Step};

/// The maps of the model and of inference: keys are small (names, ids,
/// ranges), where SipHash's setup costs more than the lookup.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<crate::analysis::syntax::Fnv>>;
/// The sets beside [`FastMap`].
pub type FastSet<K> = HashSet<K, BuildHasherDefault<crate::analysis::syntax::Fnv>>;

/// Names are short strings, compared often and cloned rarely.
pub type Name = std::sync::Arc<str>;
/// Index into [`ModuleModel::scopes`].
pub type ScopeId = u32;
/// Index into [`ModuleModel::bindings`].
pub type BindingId = u32;
/// Index into [`ModuleModel::functions`].
pub type FuncId = u32;
/// Index into [`ModuleModel::classes`].
pub type ClassId = u32;
/// Index into [`ModuleModel::paths`]: where in the branches of its scope a
/// piece of code sits (0: not in any branch).
pub type PathId = u32;

/// The module scope.
pub const MODULE_SCOPE: ScopeId = 0;

/// What kind of scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class(ClassId),
    /// A `def` or a `lambda`.
    Function(FuncId),
    Comprehension,
}

/// A scope: the code that runs with one namespace.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    /// The branch path, in the parent scope, where this scope's code
    /// appears (what a class body or comprehension sees of its parent).
    pub path: PathId,
    /// The byte ranges of code that runs in this scope (a function's
    /// defaults and decorators, a comprehension's first iterable run
    /// outside it).
    pub ranges: Vec<Range<u32>>,
    /// Nested scopes, in source order.
    pub children: Vec<ScopeId>,
    /// The bindings of each name made in this scope, in source order.
    pub names: FastMap<Name, Vec<BindingId>>,
    /// `global x` / `nonlocal x` declared here.
    pub globals: Vec<Name>,
    pub nonlocals: Vec<Name>,
    /// `from m import *` made in this scope: the modules, absolute.
    pub star_imports: Vec<Name>,
}

/// How a binding gets its value.
#[derive(Debug, Clone, PartialEq)]
pub enum BindingKind {
    /// `x = value`, `x: T = value`, `(x := value)`, `a, b = value` (with the
    /// steps that pick this target's part).
    Value {
        value: ExprId,
        steps: Box<[Step]>,
        annotation: Option<ExprId>,
    },
    /// `x: T` without a value.
    Declared {
        annotation: ExprId,
    },
    /// `x += value`.
    AugAssign {
        op: Name,
        value: ExprId,
    },
    /// `for x in iter`, and comprehension variables.
    For {
        iter: ExprId,
        steps: Box<[Step]>,
        is_async: bool,
    },
    /// `with ctx as x`.
    With {
        ctx: ExprId,
        steps: Box<[Step]>,
        is_async: bool,
    },
    /// A parameter of a function (index into its `params`).
    Param {
        func: FuncId,
        index: u16,
    },
    /// `import a.b` binds `a` to module `a`; `import a.b as c` binds `c` to
    /// module `a.b`.
    Import {
        module: Name,
    },
    /// `from module import name` (module made absolute).
    ImportFrom {
        module: Name,
        name: Name,
    },
    Def(FuncId),
    Class(ClassId),
    /// `except types as e`.
    Except {
        types: Option<ExprId>,
        star: bool,
    },
    /// `del x`: the name is unbound again.
    Deleted,
    /// A binding whose value the model does not follow (match captures,
    /// `type X = ...`, `global` without assignment).
    Other,
}

/// One binding of a name.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub name: Name,
    pub scope: ScopeId,
    /// The target's range.
    pub range: Range<u32>,
    /// Where the binding takes effect: after its statement (an assignment's
    /// value is evaluated before the name is bound), at the start of the
    /// body it guards (`for`, `with`, `except`), at the start of the
    /// function (parameters).
    pub at: u32,
    pub path: PathId,
    pub kind: BindingKind,
}

/// How a parameter is passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    Normal,
    /// `*args`
    VarArgs,
    /// `**kwargs`
    KwArgs,
}

/// A parameter of a function.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Name,
    pub kind: ParamKind,
    pub annotation: Option<ExprId>,
    pub default: Option<ExprId>,
}

/// A `def` or `lambda`.
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    pub name: Name,
    /// The `function_definition` (or `lambda`) node's range.
    pub range: Range<u32>,
    /// The decorated definition's range, if decorated.
    pub decorated: Option<Range<u32>>,
    /// The body's scope.
    pub scope: ScopeId,
    /// The scope the `def` statement runs in.
    pub outer: ScopeId,
    /// The class whose body defines it directly.
    pub class: Option<ClassId>,
    pub params: Vec<Param>,
    pub decorators: Vec<ExprId>,
    pub returns: Option<ExprId>,
    pub is_async: bool,
    pub is_lambda: bool,
    /// `yield` in its own body (not in nested scopes).
    pub has_yield: bool,
    /// The values of its `return value` statements (a lambda: its body).
    pub return_values: Vec<ExprId>,
    /// A `return` without a value, or the end of the body reachable.
    pub returns_none: bool,
    /// Its body's statements all end in `raise` (no `return`, no fall off
    /// the end at the top level).
    pub always_raises: bool,
    /// The operands of its `yield from`s.
    pub yield_froms: Vec<ExprId>,
}

/// `self.name = ...` in a method.
#[derive(Debug, Clone, PartialEq)]
pub struct SelfAttr {
    pub method: FuncId,
    /// The assignment statement's range.
    pub range: Range<u32>,
    /// The value assigned, or `None` for an augmented assignment or a
    /// target the model does not follow.
    pub value: Option<(ExprId, Box<[Step]>)>,
    pub annotation: Option<ExprId>,
}

/// A `class` statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    pub name: Name,
    /// `Outer.Inner` for nested classes, `f.<locals>.C` inside functions.
    pub qualname: Name,
    pub range: Range<u32>,
    pub decorated: Option<Range<u32>>,
    pub scope: ScopeId,
    pub outer: ScopeId,
    pub bases: Vec<ExprId>,
    /// `metaclass=M` and other class keywords.
    pub keywords: Vec<(Name, ExprId)>,
    pub decorators: Vec<ExprId>,
    /// `self.x = ...` in its methods, by attribute.
    pub self_attrs: FastMap<Name, Vec<SelfAttr>>,
    /// `setattr(self, name, ...)` with a computed name, or assignments to
    /// `self.__dict__`: instance attributes the model cannot list.
    pub dynamic_attrs: bool,
}

/// One branch level: its parent and whether it is a loop body (code in a
/// loop may see bindings made later in the same loop).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathNode {
    pub parent: PathId,
    pub is_loop: bool,
}

/// What one module binds and how, built from its syntax tree in one walk.
#[derive(Debug, Clone, Default)]
pub struct ModuleModel {
    /// The dotted module name (`shop.models`; `__main__` when unknown).
    pub name: std::sync::Arc<str>,
    pub is_package: bool,
    /// Built from a typeshed stub.
    pub is_stub: bool,
    pub exprs: Vec<Expr>,
    pub expr_ranges: Vec<Range<u32>>,
    pub scopes: Vec<Scope>,
    pub bindings: Vec<Binding>,
    pub functions: Vec<Function>,
    pub classes: Vec<Class>,
    pub paths: Vec<PathNode>,
    /// `__all__`, when the module lists it as a literal.
    pub all: Option<Vec<Name>>,
    /// Byte offset where each line starts.
    pub line_starts: Vec<u32>,
    /// Binding ids by target range, built on first use by
    /// [`ModuleModel::binding_at`].
    binding_index: RangeIndex,
    /// Expression ids by range, built on first use by [`ModuleModel::expr_at`].
    range_index: RangeIndex,
    /// Function ids by node range, built on first use by
    /// [`ModuleModel::function_at`].
    function_index: RangeIndex,
    /// Each statement's part of the tables above, in the order their walks
    /// ended: what the next version of the file may reuse
    /// ([`build_reusing`]).
    units: Vec<UnitPart>,
    /// How many statements took their part from the previous version's
    /// model (not part of the model's equality).
    pub reused: u32,
}

/// Two models are equal when their data are (the lookup indexes, built on
/// first use, and the reuse count do not count). Every field is named, so
/// that a new one must be placed here.
impl PartialEq for ModuleModel {
    fn eq(&self, other: &ModuleModel) -> bool {
        let ModuleModel {
            name,
            is_package,
            is_stub,
            exprs,
            expr_ranges,
            scopes,
            bindings,
            functions,
            classes,
            paths,
            all,
            line_starts,
            units,
            binding_index: _,
            range_index: _,
            function_index: _,
            reused: _,
        } = self;
        *name == other.name
            && *is_package == other.is_package
            && *is_stub == other.is_stub
            && *exprs == other.exprs
            && *expr_ranges == other.expr_ranges
            && *scopes == other.scopes
            && *bindings == other.bindings
            && *functions == other.functions
            && *classes == other.classes
            && *paths == other.paths
            && *all == other.all
            && *line_starts == other.line_starts
            && *units == other.units
    }
}

/// How long each table of a model is: where a statement's part starts or
/// ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Counts {
    exprs: u32,
    scopes: u32,
    bindings: u32,
    functions: u32,
    classes: u32,
    paths: u32,
}

/// One statement's part of a model: the entries its walk added to each
/// table (`start..end`). Parts are recorded for the module's statements and
/// for the statements of class bodies outside any function. Besides its
/// entries, a statement adds only children and bindings to the scope it
/// runs in (or the module's), and instance attribute sites to the class
/// whose body it is in.
#[derive(Debug, Clone, PartialEq)]
struct UnitPart {
    range: Range<u32>,
    start: Counts,
    end: Counts,
    /// The class whose body the statement is in (`None`: the module's).
    class: Option<ClassId>,
    /// How many parts before this one are inside it (its class bodies').
    nested: u32,
    /// The builder's nesting depth at the statement.
    depth: u32,
    /// The statement parsed without errors and changed nothing else of the
    /// model that later statements read (`global` or `nonlocal` where it
    /// runs, `from m import *`, `__all__`, an instance attribute the model
    /// cannot name): an identical statement in the same place of the next
    /// version may take this part.
    reusable: bool,
}

/// Ids by (start, end), built on the first lookup from `ranges` (index and
/// range, in insertion order: of equal ranges, the last inserted wins).
type RangeIndex = std::sync::OnceLock<FastMap<(u32, u32), u32>>;

/// The id whose range is `range`, from `index` (built from `ranges` on
/// first use).
fn id_at<'r>(
    index: &RangeIndex,
    ranges: impl ExactSizeIterator<Item = (usize, &'r Range<u32>)>,
    range: Range<u32>,
) -> Option<u32> {
    let index = index.get_or_init(|| {
        let mut map = FastMap::with_capacity_and_hasher(ranges.len(), Default::default());
        for (i, r) in ranges {
            map.insert((r.start, r.end), i as u32);
        }
        map
    });
    index.get(&(range.start, range.end)).copied()
}

impl ModuleModel {
    fn counts(&self) -> Counts {
        let len = |n: usize| n as u32;
        Counts {
            exprs: len(self.exprs.len()),
            scopes: len(self.scopes.len()),
            bindings: len(self.bindings.len()),
            functions: len(self.functions.len()),
            classes: len(self.classes.len()),
            paths: len(self.paths.len()),
        }
    }

    /// Gives back what the vectors and maps grew beyond their contents while
    /// the model was built (up to half of each): a workspace keeps the
    /// models of every module its files import.
    pub(super) fn shrink(&mut self) {
        self.exprs.shrink_to_fit();
        self.expr_ranges.shrink_to_fit();
        self.bindings.shrink_to_fit();
        self.functions.shrink_to_fit();
        self.classes.shrink_to_fit();
        self.paths.shrink_to_fit();
        self.line_starts.shrink_to_fit();
        self.units.shrink_to_fit();
        self.scopes.shrink_to_fit();
        for s in &mut self.scopes {
            s.names.shrink_to_fit();
            s.children.shrink_to_fit();
        }
        for c in &mut self.classes {
            c.self_attrs.shrink_to_fit();
        }
    }

    pub fn expr(&self, id: ExprId) -> &Expr {
        self.exprs.get(id as usize).unwrap_or(&Expr::Other)
    }

    /// A decorator (or any expression) split into what it names and its
    /// call arguments: `(dataclass, Some([eq=False]))` for
    /// `dataclass(eq=False)`, `(dataclass, None)` for a bare `dataclass`.
    pub fn callee_and_args(&self, id: ExprId) -> (ExprId, Option<&[ir::Arg]>) {
        match self.expr(id) {
            Expr::Call { func, args } => (*func, Some(&args[..])),
            _ => (id, None),
        }
    }

    pub fn expr_range(&self, id: ExprId) -> Range<u32> {
        self.expr_ranges.get(id as usize).cloned().unwrap_or(0..0)
    }

    pub fn scope(&self, id: ScopeId) -> &Scope {
        static EMPTY: std::sync::OnceLock<Scope> = std::sync::OnceLock::new();
        self.scopes
            .get(id as usize)
            .or_else(|| self.scopes.first())
            .unwrap_or_else(|| {
                EMPTY.get_or_init(|| Scope {
                    kind: ScopeKind::Module,
                    parent: None,
                    path: 0,
                    ranges: Vec::new(),
                    children: Vec::new(),
                    names: FastMap::default(),
                    globals: Vec::new(),
                    nonlocals: Vec::new(),
                    star_imports: Vec::new(),
                })
            })
    }

    pub fn binding(&self, id: BindingId) -> Option<&Binding> {
        self.bindings.get(id as usize)
    }

    pub fn function(&self, id: FuncId) -> Option<&Function> {
        self.functions.get(id as usize)
    }

    pub fn class(&self, id: ClassId) -> Option<&Class> {
        self.classes.get(id as usize)
    }

    /// The innermost scope whose code contains byte `offset`.
    pub fn scope_at(&self, offset: u32) -> ScopeId {
        let mut cur = MODULE_SCOPE;
        if self.scopes.is_empty() {
            return cur;
        }
        'down: loop {
            for &child in &self.scope(cur).children {
                if self
                    .scope(child)
                    .ranges
                    .iter()
                    .any(|r| r.start <= offset && offset < r.end)
                {
                    cur = child;
                    continue 'down;
                }
            }
            return cur;
        }
    }

    /// The bindings of `name` made in `scope`, in source order.
    pub fn bindings_in(&self, scope: ScopeId, name: &str) -> &[BindingId] {
        self.scope(scope)
            .names
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The scope a name read in `scope` refers to (Python's rules: the scope
    /// itself, then enclosing function scopes skipping class bodies, then
    /// the module), or `None` for a builtin or undefined name.
    pub fn resolving_scope(&self, scope: ScopeId, name: &str) -> Option<ScopeId> {
        let here = self.scope(scope);
        if here.globals.iter().any(|g| &**g == name) {
            return self.binds(MODULE_SCOPE, name).then_some(MODULE_SCOPE);
        }
        if here.names.contains_key(name) {
            return Some(scope);
        }
        let mut cur = here.parent;
        while let Some(s) = cur {
            let sc = self.scope(s);
            let skip = matches!(sc.kind, ScopeKind::Class(_));
            if !skip && (sc.names.contains_key(name) || s == MODULE_SCOPE && self.binds(s, name)) {
                return Some(s);
            }
            cur = sc.parent;
        }
        None
    }

    /// Whether `scope` binds `name` (a star import counts as "maybe").
    fn binds(&self, scope: ScopeId, name: &str) -> bool {
        let sc = self.scope(scope);
        sc.names.contains_key(name)
    }

    /// The function whose body is `scope`, if any.
    pub fn scope_function(&self, scope: ScopeId) -> Option<FuncId> {
        match self.scope(scope).kind {
            ScopeKind::Function(f) => Some(f),
            _ => None,
        }
    }

    /// The innermost function (not lambda) or class around `offset`.
    pub fn enclosing_function(&self, offset: u32) -> Option<FuncId> {
        let mut s = Some(self.scope_at(offset));
        while let Some(id) = s {
            let sc = self.scope(id);
            if let ScopeKind::Function(f) = sc.kind {
                return Some(f);
            }
            s = sc.parent;
        }
        None
    }

    /// The class statement at exactly this range (the `class_definition`).
    pub fn class_at(&self, range: Range<u32>) -> Option<ClassId> {
        self.classes
            .iter()
            .position(|c| c.range == range)
            .map(|i| i as ClassId)
    }

    /// The function whose `def` (or `lambda`) node has this range.
    pub fn function_at(&self, range: Range<u32>) -> Option<FuncId> {
        // Reversed: the first of equal ranges is inserted last and wins.
        let ranges = self.functions.iter().map(|f| &f.range).enumerate().rev();
        id_at(&self.function_index, ranges, range)
    }

    /// The expression lowered from the syntax node with this range (the
    /// outermost one if several share it).
    pub fn expr_at(&self, range: Range<u32>) -> Option<ExprId> {
        // Expressions are lowered children first: the outermost of equal
        // ranges comes last and wins.
        id_at(
            &self.range_index,
            self.expr_ranges.iter().enumerate(),
            range,
        )
    }

    /// The 0-based line of a byte offset.
    pub fn line_of(&self, offset: u32) -> u32 {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i as u32,
            Err(i) => i.saturating_sub(1) as u32,
        }
    }

    /// The binding whose target (a name being bound: a `def`'s or
    /// `class`'s name, an assignment target, a parameter) has this range.
    pub fn binding_at(&self, range: Range<u32>) -> Option<BindingId> {
        let ranges = self.bindings.iter().map(|b| &b.range).enumerate();
        id_at(&self.binding_index, ranges, range)
    }

    /// Whether path `a` is `b` or one of its ancestors (code on path `b` runs
    /// only after code on path `a` has been entered).
    pub fn path_contains(&self, a: PathId, b: PathId) -> bool {
        let mut cur = b;
        loop {
            if cur == a {
                return true;
            }
            if cur == 0 {
                return false;
            }
            cur = self.paths.get(cur as usize).map_or(0, |p| p.parent);
        }
    }

    /// The loop bodies around path `p`, innermost first.
    pub fn enclosing_loops(&self, p: PathId) -> Vec<PathId> {
        let mut out = Vec::new();
        let mut cur = p;
        while cur != 0 {
            let node = self.paths.get(cur as usize).copied().unwrap_or(PathNode {
                parent: 0,
                is_loop: false,
            });
            if node.is_loop {
                out.push(cur);
            }
            cur = node.parent;
        }
        out
    }
}
