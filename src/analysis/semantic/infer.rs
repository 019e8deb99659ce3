//! Values on demand: what an expression or binding holds, inferred from the
//! models of the modules a [`World`] sees. One [`Infer`] serves one request
//! (a hover, a file's rules); it memoizes bindings and MROs and has a work
//! budget, so a pathological file costs "unknown", never minutes.
//!
//! Python's rules, as far as the model follows them:
//! - a name read where its binding scope's code runs inline (the scope
//!   itself, a class body, a comprehension) sees the bindings that reach
//!   that point: the last one that dominates it, plus those on branches
//!   since, plus later ones in an enclosing loop; read from a function
//!   body, it sees every binding of the enclosing scope (the call happens
//!   later);
//! - a value comes from its source: literals, calls of classes (instances)
//!   and functions (annotated or inferred returns; generators, coroutines),
//!   attributes (modules, class members along the MRO, descriptors,
//!   `self.x = ...` sites), unpacking, iteration, `with`, `await`,
//!   annotations (`Optional[X]`, `X | None`, `list[int]`, string
//!   annotations, type variables substituted from the receiver);
//! - anything else is [`Value::Unknown`].

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;

use super::ir::{Arg, CompKind, Expr, ExprId, Lit, Step};
use super::lookup::MroError;
use super::value::{join, ClassRef, FuncRef, Value, Wrapper};
use super::world::World;
use super::{
    BindingId, BindingKind, FastMap, FastSet, ModuleModel, Name, ParamKind, PathId, ScopeId,
    ScopeKind, MODULE_SCOPE,
};

/// Work one [`Infer`] may do before every further question is "unknown".
const BUDGET: u32 = 200_000;
/// How deep inference may recurse.
const MAX_DEPTH: u32 = 64;

/// A class and one of its attributes.
type SiteKey = (ClassRef, Box<str>);

/// A type variable substitution: type variable name -> value.
pub type Subst = HashMap<Name, Value>;

/// Context for reading an annotation.
#[derive(Debug, Clone, Default)]
pub struct AnnCtx {
    /// What `Self` stands for.
    pub self_type: Option<Value>,
    pub subst: Subst,
}

/// Inference for one request.
pub struct Infer<'w> {
    pub world: &'w World,
    memo: RefCell<FastMap<(Arc<str>, BindingId), Value>>,
    active: RefCell<FastSet<(Arc<str>, BindingId)>>,
    active_funcs: RefCell<FastSet<FuncRef>>,
    pub(super) mros: RefCell<FastMap<ClassRef, Result<Vec<ClassRef>, MroError>>>,
    /// The runtime `module.qualname` of each stdlib class met in a runtime
    /// MRO (keys of [`super::stubs::runtime_members`]).
    pub(super) runtime_names: RefCell<FastMap<ClassRef, &'static str>>,
    pub(super) member_orders:
        RefCell<FastMap<ClassRef, Result<super::lookup::OwnedOrder, MroError>>>,
    qual_classes: RefCell<FastMap<String, Option<ClassRef>>>,
    /// A memo of [`Infer::lookup`]: the same few names are looked up on the
    /// same classes all over a file (`self.assertEqual`, `self.x`).
    pub(super) lookups: RefCell<FastMap<(ClassRef, Box<str>), super::lookup::Lookup>>,
    /// A memo of the questions asked from outside inference about this
    /// module's expressions: the rules and hovers ask about the same calls
    /// and callees one after the other.
    pub(super) node_values: RefCell<FastMap<ExprId, Value>>,
    /// A memo of [`Infer::instance_sites_value`] (every `self.x` of a class
    /// asks it again), and the pairs being computed (a site reading the
    /// attribute itself: `self.n = self.n + 1`).
    site_values: RefCell<FastMap<SiteKey, Option<Value>>>,
    active_sites: RefCell<FastSet<SiteKey>>,
    budget: Cell<u32>,
    depth: Cell<u32>,
    /// Set when a module of the workspace was looked at.
    workspace_read: Cell<bool>,
}

/// Increments the depth for the life of the guard.
struct Deeper<'a>(&'a Cell<u32>);

impl Drop for Deeper<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

impl<'w> Infer<'w> {
    pub fn new(world: &'w World) -> Infer<'w> {
        Infer {
            world,
            memo: RefCell::default(),
            active: RefCell::default(),
            active_funcs: RefCell::default(),
            mros: RefCell::default(),
            runtime_names: RefCell::default(),
            member_orders: RefCell::default(),
            qual_classes: RefCell::default(),
            lookups: RefCell::default(),
            node_values: RefCell::default(),
            site_values: RefCell::default(),
            active_sites: RefCell::default(),
            budget: Cell::new(BUDGET),
            depth: Cell::new(0),
            workspace_read: Cell::new(false),
        }
    }

    /// One unit of work; `None` when the budget or the depth is used up.
    fn step(&self) -> Option<Deeper<'_>> {
        let b = self.budget.get();
        if b == 0 || self.depth.get() >= MAX_DEPTH {
            return None;
        }
        self.budget.set(b - 1);
        self.depth.set(self.depth.get() + 1);
        Some(Deeper(&self.depth))
    }

    /// Whether no inference is under way (a question comes from outside).
    pub(super) fn at_top(&self) -> bool {
        self.depth.get() == 0
    }

    /// Whether the budget ran out (answers since are "unknown").
    pub fn exhausted(&self) -> bool {
        self.budget.get() == 0
    }

    /// Remembers `value` for `key` in `memo`, unless the budget ran out:
    /// an answer found after that is "unknown" for want of work, and a
    /// memo keeps only answers found within the budget (so that
    /// [`Infer::refill`] can find the rest).
    pub fn remember<K: Eq + std::hash::Hash, V, S: std::hash::BuildHasher>(
        &self,
        memo: &RefCell<HashMap<K, V, S>>,
        key: K,
        value: V,
    ) {
        if !self.exhausted() {
            memo.borrow_mut().insert(key, value);
        }
    }

    /// Starts a new question from outside with a full budget, keeping the
    /// memos (they hold only answers found within the budget): a pass that
    /// asks about every construct of a file (the course map) gives each
    /// question the budget a hover on it alone would have, instead of
    /// running dry halfway down a long file.
    pub fn refill(&self) {
        if self.at_top() {
            self.budget.set(BUDGET);
        }
    }

    pub fn module(&self, name: &str) -> Option<Arc<ModuleModel>> {
        let m = self.world.module(name)?;
        if !m.is_stub && !Arc::ptr_eq(&m, &self.world.this) {
            self.workspace_read.set(true);
        }
        Some(m)
    }

    /// Whether an answer so far looked at a module of the workspace (whose
    /// code may change without this module's changing, and may import
    /// this module back).
    pub fn read_workspace(&self) -> bool {
        self.workspace_read.get()
    }

    /// A memo of [`Infer::class_for_qualname`].
    pub(super) fn qual_memo(&self) -> &RefCell<FastMap<String, Option<ClassRef>>> {
        &self.qual_classes
    }

    pub fn this(&self) -> &Arc<ModuleModel> {
        &self.world.this
    }

    // ------------------------------------------------------------ expressions

    /// The value of expression `e` of module `m`.
    pub fn expr(&self, m: &Arc<ModuleModel>, e: ExprId) -> Value {
        let Some(_g) = self.step() else {
            return Value::Unknown;
        };
        match m.expr(e) {
            Expr::Name {
                name,
                at,
                scope,
                path,
            } => self.name(m, name, *at, *scope, *path),
            Expr::Attr { obj, attr } => {
                let o = self.expr(m, *obj);
                self.attribute(&o, attr)
            }
            Expr::Call { func, args } => {
                let f = self.expr(m, *func);
                self.call(&f, Some((m, args)))
            }
            Expr::Subscript { obj, items } => {
                let o = self.expr(m, *obj);
                self.subscript(m, &o, items)
            }
            Expr::Tuple(items) => {
                if items.iter().any(|i| matches!(m.expr(*i), Expr::Starred(_))) {
                    return self.builtin_instance("tuple", vec![Value::Unknown]);
                }
                Value::Tuple(items.iter().map(|i| self.expr(m, *i)).collect())
            }
            Expr::List(items) => {
                let elt = self.elements(m, items);
                self.builtin_instance("list", vec![elt])
            }
            Expr::Set(items) => {
                let elt = self.elements(m, items);
                self.builtin_instance("set", vec![elt])
            }
            Expr::Dict(pairs) => {
                let keys = join(pairs.iter().filter_map(|(k, _)| k.map(|k| self.expr(m, k))));
                let values = join(pairs.iter().map(|(_, v)| self.expr(m, *v)));
                let whole = pairs.iter().any(|(k, _)| k.is_none());
                if whole {
                    self.builtin_instance("dict", vec![])
                } else {
                    self.builtin_instance("dict", vec![keys, values])
                }
            }
            Expr::Comp { kind, elt, value } => match kind {
                CompKind::List => {
                    let v = self.expr(m, *elt);
                    self.builtin_instance("list", vec![v])
                }
                CompKind::Set => {
                    let v = self.expr(m, *elt);
                    self.builtin_instance("set", vec![v])
                }
                CompKind::Dict => {
                    let k = self.expr(m, *elt);
                    let v = value.map_or(Value::Unknown, |v| self.expr(m, v));
                    self.builtin_instance("dict", vec![k, v])
                }
                CompKind::Generator => Value::Generator(None),
            },
            Expr::Lit(lit) => self.literal(lit),
            Expr::BinOp { op, left, right } => {
                let l = self.expr(m, *left);
                let r = self.expr(m, *right);
                self.binop(&l, op, &r, false)
            }
            Expr::Unary { op, operand } => {
                let v = self.expr(m, *operand);
                let dunder = match &**op {
                    "-" => "__neg__",
                    "+" => "__pos__",
                    "~" => "__invert__",
                    _ => return Value::Unknown,
                };
                self.call_method(&v, dunder)
            }
            Expr::Bool => self.builtin_instance("bool", vec![]),
            Expr::BoolOp { left, right } => join([self.expr(m, *left), self.expr(m, *right)]),
            Expr::Await(inner) => {
                let v = self.expr(m, *inner);
                self.await_value(&v)
            }
            Expr::Yield => Value::Unknown,
            Expr::YieldFrom(sub) => {
                let v = self.expr(m, *sub);
                match v {
                    Value::Generator(Some(f)) => self.return_value(&f, None),
                    _ => Value::Unknown,
                }
            }
            Expr::Lambda(f) => Value::Function(FuncRef {
                module: m.name.clone(),
                id: *f,
            }),
            Expr::IfExp { then, other } => join([self.expr(m, *then), self.expr(m, *other)]),
            Expr::Walrus(v) => self.expr(m, *v),
            Expr::Starred(_) | Expr::Other => Value::Unknown,
        }
    }

    fn elements(&self, m: &Arc<ModuleModel>, items: &[ExprId]) -> Value {
        if items.is_empty() {
            return Value::Unknown;
        }
        join(items.iter().map(|i| match m.expr(*i) {
            Expr::Starred(inner) => {
                let v = self.expr(m, *inner);
                self.iterate(&v)
            }
            _ => self.expr(m, *i),
        }))
    }

    fn literal(&self, lit: &Lit) -> Value {
        let class = match lit {
            Lit::Str(_) | Lit::FString => "str",
            Lit::Bytes => "bytes",
            Lit::Int => "int",
            Lit::Float => "float",
            Lit::Complex => "complex",
            Lit::True | Lit::False => "bool",
            Lit::None => return Value::None,
            Lit::Ellipsis => "ellipsis",
        };
        self.builtin_instance(class, vec![])
    }

    /// A class of `builtins` by name.
    pub fn builtin_class(&self, name: &str) -> Option<ClassRef> {
        self.module_class("builtins", name)
    }

    /// A class defined at the top level of module `module`.
    pub fn module_class(&self, module: &str, name: &str) -> Option<ClassRef> {
        match self.module_member(module, name) {
            Value::Class(c) => Some(c),
            _ => None,
        }
    }

    fn builtin_instance(&self, name: &str, args: Vec<Value>) -> Value {
        match self.builtin_class(name) {
            Some(c) => {
                let args = if args.iter().all(Value::is_unknown) {
                    Vec::new()
                } else {
                    args
                };
                Value::Instance(c, args.into())
            }
            None => Value::Unknown,
        }
    }

    // ------------------------------------------------------------ names

    /// The value of name `name` read at `at` in `scope` (on branch `path`).
    pub fn name(
        &self,
        m: &Arc<ModuleModel>,
        name: &str,
        at: u32,
        scope: ScopeId,
        path: PathId,
    ) -> Value {
        let ids = self.reaching(m, name, at, scope, path);
        if ids.is_empty() {
            return self.unbound_name(m, name, scope);
        }
        join(ids.iter().map(|b| self.binding(m, *b)))
    }

    /// A name no binding of its scope reaches: a star import, a builtin, or
    /// unknown.
    fn unbound_name(&self, m: &Arc<ModuleModel>, name: &str, scope: ScopeId) -> Value {
        if m.resolving_scope(scope, name).is_some() {
            return Value::Unknown;
        }
        for star in &m.scope(MODULE_SCOPE).star_imports {
            let v = self.module_member(star, name);
            if !v.is_unknown() {
                return v;
            }
        }
        if !m.scope(MODULE_SCOPE).star_imports.is_empty() {
            return Value::Unknown;
        }
        self.module_member("builtins", name)
    }

    /// The bindings of `name` that reach a read at `at` in `scope` on `path`.
    pub fn reaching(
        &self,
        m: &ModuleModel,
        name: &str,
        at: u32,
        scope: ScopeId,
        path: PathId,
    ) -> Vec<BindingId> {
        let Some(target) = m.resolving_scope(scope, name) else {
            return Vec::new();
        };
        let ids = m.bindings_in(target, name);
        // Climb from the reading scope to the binding scope: inline code
        // (class bodies, comprehensions) keeps flow order; a function body
        // runs later and sees every binding.
        let mut cur = scope;
        let (mut at, mut path) = (at, path);
        let mut inline = true;
        while cur != target {
            let sc = m.scope(cur);
            if matches!(sc.kind, ScopeKind::Function(_)) {
                inline = false;
                break;
            }
            at = sc.ranges.first().map_or(at, |r| r.start);
            path = sc.path;
            match sc.parent {
                Some(p) => cur = p,
                None => break,
            }
        }
        if !inline {
            return ids.to_vec();
        }
        flow(m, ids, at, path)
    }

    /// The value a binding gives its name.
    pub fn binding(&self, m: &Arc<ModuleModel>, id: BindingId) -> Value {
        let key = (m.name.clone(), id);
        self.memoized(
            &self.memo,
            &self.active,
            key,
            Value::Unknown,
            || match self.step() {
                Some(_g) => self.compute_binding(m, id),
                None => Value::Unknown,
            },
        )
    }

    /// `compute`'s answer for `key`, remembered in `memo` (see
    /// [`Infer::remember`]); `cyclic` when `key` is asked again while its
    /// answer is being computed (`active` holds those keys).
    fn memoized<K, V, S, T>(
        &self,
        memo: &RefCell<HashMap<K, V, S>>,
        active: &RefCell<std::collections::HashSet<K, T>>,
        key: K,
        cyclic: V,
        compute: impl FnOnce() -> V,
    ) -> V
    where
        K: Eq + std::hash::Hash + Clone,
        V: Clone,
        S: std::hash::BuildHasher,
        T: std::hash::BuildHasher,
    {
        if let Some(v) = memo.borrow().get(&key) {
            return v.clone();
        }
        if !active.borrow_mut().insert(key.clone()) {
            return cyclic;
        }
        let v = compute();
        active.borrow_mut().remove(&key);
        self.remember(memo, key, v.clone());
        v
    }

    fn compute_binding(&self, m: &Arc<ModuleModel>, id: BindingId) -> Value {
        let Some(b) = m.binding(id) else {
            return Value::Unknown;
        };
        match &b.kind {
            BindingKind::Value {
                value,
                steps,
                annotation,
            } => {
                let v = self.expr(m, *value);
                let v = self.unpack(v, steps);
                match annotation {
                    Some(a) if steps.is_empty() => {
                        let ann = self.annotation(m, *a, &AnnCtx::default());
                        prefer(v, ann)
                    }
                    _ => v,
                }
            }
            BindingKind::Declared { annotation } => {
                self.annotation(m, *annotation, &AnnCtx::default())
            }
            BindingKind::AugAssign { op, value } => {
                let before = self.reaching(m, &b.name, b.range.start, b.scope, b.path);
                let prev = join(
                    before
                        .iter()
                        .filter(|x| **x != id)
                        .map(|x| self.binding(m, *x)),
                );
                let right = self.expr(m, *value);
                self.binop(&prev, op, &right, true)
            }
            BindingKind::For {
                iter,
                steps,
                is_async,
            } => {
                let v = self.expr(m, *iter);
                let el = if *is_async {
                    self.aiterate(&v)
                } else {
                    self.iterate(&v)
                };
                self.unpack(el, steps)
            }
            BindingKind::With {
                ctx,
                steps,
                is_async,
            } => {
                let v = self.expr(m, *ctx);
                let entered = self.enter(&v, *is_async);
                self.unpack(entered, steps)
            }
            BindingKind::Param { func, index } => self.param(m, *func, *index as usize),
            BindingKind::Import { module } => {
                if self.module(module).is_some() {
                    Value::Module(Arc::from(&**module))
                } else {
                    Value::Unknown
                }
            }
            BindingKind::ImportFrom { module, name } => {
                let v = self.module_member(module, name);
                if v.is_unknown() {
                    let sub = format!("{module}.{name}");
                    if self.module(&sub).is_some() {
                        return Value::Module(sub.into());
                    }
                }
                v
            }
            BindingKind::Def(f) => self.decorated_function(m, *f),
            BindingKind::Class(c) => self.decorated_class(m, *c),
            BindingKind::Except { types, star } => {
                if *star {
                    return self.builtin_instance("ExceptionGroup", vec![]);
                }
                let Some(t) = types else {
                    return Value::Unknown;
                };
                let v = self.expr(m, *t);
                join(v.alternatives().iter().map(|alt| match alt {
                    Value::Class(c) => Value::instance(c.clone()),
                    Value::Tuple(items) => join(items.iter().map(|i| match i {
                        Value::Class(c) => Value::instance(c.clone()),
                        _ => Value::Unknown,
                    })),
                    _ => Value::Unknown,
                }))
            }
            BindingKind::Deleted | BindingKind::Other => Value::Unknown,
        }
    }

    /// What a parameter holds inside its function: its annotation, or for
    /// the first parameter of a method the instance (or class).
    fn param(&self, m: &Arc<ModuleModel>, func: super::FuncId, index: usize) -> Value {
        let Some(f) = m.function(func) else {
            return Value::Unknown;
        };
        let Some(p) = f.params.get(index) else {
            return Value::Unknown;
        };
        match p.kind {
            ParamKind::VarArgs => {
                let el = p.annotation.map_or(Value::Unknown, |a| {
                    self.annotation(m, a, &AnnCtx::default())
                });
                return self.builtin_instance("tuple", vec![el]);
            }
            ParamKind::KwArgs => {
                let el = p.annotation.map_or(Value::Unknown, |a| {
                    self.annotation(m, a, &AnnCtx::default())
                });
                let key = self.builtin_instance("str", vec![]);
                return self.builtin_instance("dict", vec![key, el]);
            }
            ParamKind::Normal => {}
        }
        if index == 0 {
            if let Some(c) = f.class {
                let class = ClassRef {
                    module: m.name.clone(),
                    id: c,
                };
                match self.method_flavour(m, func) {
                    Some(Wrapper::StaticMethod) => {}
                    Some(Wrapper::ClassMethod) => return Value::Class(class),
                    _ if matches!(
                        &*f.name,
                        "__new__" | "__init_subclass__" | "__class_getitem__"
                    ) =>
                    {
                        return Value::Class(class)
                    }
                    _ => return Value::instance(class),
                }
            }
        }
        match p.annotation {
            Some(a) => self.annotation(m, a, &AnnCtx::default()),
            None => Value::Unknown,
        }
    }

    /// `staticmethod`/`classmethod` (or property, ...) when a decorator of
    /// the function says so.
    pub fn method_flavour(&self, m: &Arc<ModuleModel>, func: super::FuncId) -> Option<Wrapper> {
        let f = m.function(func)?;
        f.decorators
            .iter()
            .find_map(|d| self.known_decorator(m, *d))
            .and_then(|d| match d {
                Decorator::Wraps(w) => Some(w),
                _ => None,
            })
    }

    // ------------------------------------------------------------ modules

    /// What module `module` binds to `name` at the end of its execution
    /// (or a submodule, or what its star imports provide).
    pub fn module_member(&self, module: &str, name: &str) -> Value {
        let Some(_g) = self.step() else {
            return Value::Unknown;
        };
        let Some(m) = self.module(module) else {
            return Value::Unknown;
        };
        let ids = m.bindings_in(MODULE_SCOPE, name);
        if !ids.is_empty() {
            let reach = flow(&m, ids, u32::MAX, 0);
            return join(reach.iter().map(|b| self.binding(&m, *b)));
        }
        let sub = format!("{module}.{name}");
        if self.module(&sub).is_some() {
            return Value::Module(sub.into());
        }
        for star in &m.scope(MODULE_SCOPE).star_imports {
            let exported = match self.module(star).and_then(|s| s.all.clone()) {
                Some(all) => all.iter().any(|n| &**n == name),
                None => !name.starts_with('_'),
            };
            if exported {
                let v = self.module_member(star, name);
                if !v.is_unknown() {
                    return v;
                }
            }
        }
        Value::Unknown
    }

    /// Where a name or dotted expression is defined: (module, name of the
    /// binding), following imports (`Optional` imported from `typing` is
    /// `("typing", "Optional")`); builtins are `("builtins", name)`.
    pub fn definition(&self, m: &Arc<ModuleModel>, e: ExprId) -> Option<(Arc<str>, Name)> {
        self.definition_with(m, e, false)
    }

    /// [`Infer::definition`]; with `late`, names are looked up as an
    /// annotation sees them (every binding of the scope, so a class can
    /// name itself in its methods' annotations).
    pub fn definition_with(
        &self,
        m: &Arc<ModuleModel>,
        e: ExprId,
        late: bool,
    ) -> Option<(Arc<str>, Name)> {
        match self.defining_binding(m, e, late)? {
            Defined::Binding(dm, b) => {
                let binding = dm.binding(b)?;
                Some((dm.name.clone(), binding.name.clone()))
            }
            Defined::Builtin(name) => Some(("builtins".into(), name)),
        }
    }

    /// The binding that defines what `e` (a name or `module.name`) refers
    /// to, following imports to the module that binds it.
    pub fn defining_binding(&self, m: &Arc<ModuleModel>, e: ExprId, late: bool) -> Option<Defined> {
        let _g = self.step()?;
        match m.expr(e) {
            Expr::Name {
                name,
                at,
                scope,
                path,
            } => {
                let ids = if late {
                    self.reaching_late(m, name, *scope)
                } else {
                    self.reaching(m, name, *at, *scope, *path)
                };
                match ids.as_slice() {
                    [] => {
                        if m.resolving_scope(*scope, name).is_some() {
                            return None;
                        }
                        for star in &m.scope(MODULE_SCOPE).star_imports {
                            if let Some(d) = self.member_binding(star, name) {
                                return Some(d);
                            }
                        }
                        let builtins = self.module("builtins")?;
                        if let Some(b) = builtins.bindings_in(MODULE_SCOPE, name).last() {
                            return Some(Defined::Binding(builtins.clone(), *b));
                        }
                        Some(Defined::Builtin(name.clone()))
                    }
                    [one] => self.follow_import(m, *one),
                    _ => None,
                }
            }
            Expr::Attr { obj, attr } => {
                let obj_value = if late {
                    self.late_expr(m, *obj)
                } else {
                    self.expr(m, *obj)
                };
                match obj_value {
                    Value::Module(module) => self.member_binding(&module, attr),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn follow_import(&self, m: &Arc<ModuleModel>, b: BindingId) -> Option<Defined> {
        let binding = m.binding(b)?;
        match &binding.kind {
            BindingKind::ImportFrom { module, name } => self.member_binding(module, name),
            _ => Some(Defined::Binding(m.clone(), b)),
        }
    }

    fn member_binding(&self, module: &str, name: &str) -> Option<Defined> {
        let _g = self.step()?;
        let m = self.module(module)?;
        let ids = m.bindings_in(MODULE_SCOPE, name);
        if let Some(last) = ids.last() {
            return self.follow_import(&m, *last);
        }
        for star in &m.scope(MODULE_SCOPE).star_imports {
            if let Some(d) = self.member_binding(star, name) {
                return Some(d);
            }
        }
        None
    }

    /// The bindings an annotation sees: every binding of the name's scope
    /// (the module's as of its end).
    pub fn reaching_late(&self, m: &ModuleModel, name: &str, scope: ScopeId) -> Vec<BindingId> {
        let Some(target) = m.resolving_scope(scope, name) else {
            return Vec::new();
        };
        let ids = m.bindings_in(target, name);
        if target == MODULE_SCOPE {
            flow(m, ids, u32::MAX, 0)
        } else {
            ids.to_vec()
        }
    }

    /// A name or dotted name's value as an annotation sees it.
    pub fn late_expr(&self, m: &Arc<ModuleModel>, e: ExprId) -> Value {
        let Some(_g) = self.step() else {
            return Value::Unknown;
        };
        match m.expr(e) {
            Expr::Name { name, scope, .. } => {
                let ids = self.reaching_late(m, name, *scope);
                if ids.is_empty() {
                    return self.unbound_name(m, name, *scope);
                }
                join(ids.iter().map(|b| self.binding(m, *b)))
            }
            Expr::Attr { obj, attr } => {
                let o = self.late_expr(m, *obj);
                self.attribute(&o, attr)
            }
            _ => self.expr(m, e),
        }
    }

    /// The qualified name a reference resolves to through imports, as
    /// written (`asyncio.gather` for `asyncio.gather` or for `gather`
    /// imported from asyncio; `builtins.len`). `None` for names bound any
    /// other way where they are read.
    pub fn import_path(&self, m: &Arc<ModuleModel>, e: ExprId) -> Option<String> {
        let _g = self.step()?;
        match m.expr(e) {
            Expr::Name {
                name,
                at,
                scope,
                path,
            } => {
                let ids = self.reaching(m, name, *at, *scope, *path);
                if ids.is_empty() {
                    if m.resolving_scope(*scope, name).is_some()
                        || !m.scope(MODULE_SCOPE).star_imports.is_empty()
                    {
                        return None;
                    }
                    let builtins = self.module("builtins")?;
                    return (!builtins.bindings_in(MODULE_SCOPE, name).is_empty())
                        .then(|| format!("builtins.{name}"));
                }
                let mut found: Option<String> = None;
                for id in ids {
                    let b = m.binding(id)?;
                    let q = match &b.kind {
                        BindingKind::Import { module } => {
                            // `import a.b` binds `a`.
                            if **module == *b.name || module.starts_with(&format!("{}.", b.name)) {
                                b.name.to_string()
                            } else {
                                module.to_string()
                            }
                        }
                        BindingKind::ImportFrom { module, name } => format!("{module}.{name}"),
                        _ => return None,
                    };
                    if found.as_ref().is_some_and(|f| *f != q) {
                        return None;
                    }
                    found = Some(q);
                }
                found
            }
            Expr::Attr { obj, attr } => Some(format!("{}.{attr}", self.import_path(m, *obj)?)),
            _ => None,
        }
    }

    // ------------------------------------------------------------ unpacking, iteration

    /// Applies unpacking steps to a value.
    pub fn unpack(&self, v: Value, steps: &[Step]) -> Value {
        let mut v = v;
        for step in steps {
            v = join(v.alternatives().iter().map(|alt| match (alt, step) {
                (Value::Tuple(items), Step::Index(i)) => {
                    items.get(*i as usize).cloned().unwrap_or(Value::Unknown)
                }
                (Value::Tuple(items), Step::Rest { from, after }) => {
                    let end = items.len().saturating_sub(*after as usize);
                    let rest = items
                        .get(*from as usize..end)
                        .map(|s| join(s.iter().cloned()))
                        .unwrap_or(Value::Unknown);
                    self.builtin_instance("list", vec![rest])
                }
                (other, Step::Index(_)) => self.iterate(other),
                (other, Step::Rest { .. }) => {
                    let el = self.iterate(other);
                    self.builtin_instance("list", vec![el])
                }
            }));
        }
        v
    }

    /// What iterating over `v` gives.
    pub fn iterate(&self, v: &Value) -> Value {
        let Some(_g) = self.step() else {
            return Value::Unknown;
        };
        join(v.alternatives().iter().map(|alt| match alt {
            Value::Tuple(items) => join(items.iter().cloned()),
            Value::Instance(..) => {
                let it = self.call_method(alt, "__iter__");
                self.call_method(&it, "__next__")
            }
            _ => Value::Unknown,
        }))
    }

    fn aiterate(&self, v: &Value) -> Value {
        let it = self.call_method(v, "__aiter__");
        let next = self.call_method(&it, "__anext__");
        self.await_value(&next)
    }

    /// What `with v as x` binds to `x`: `__enter__`'s result (awaited
    /// `__aenter__`'s for `async with`).
    pub fn enter(&self, v: &Value, is_async: bool) -> Value {
        if is_async {
            let r = self.call_method(v, "__aenter__");
            self.await_value(&r)
        } else {
            self.call_method(v, "__enter__")
        }
    }

    /// What `await v` gives.
    pub fn await_value(&self, v: &Value) -> Value {
        let Some(_g) = self.step() else {
            return Value::Unknown;
        };
        join(v.alternatives().iter().map(|alt| match alt {
            Value::Coroutine(Some(f)) => self.return_value(f, None),
            Value::Instance(..) => {
                let gen = self.call_method(alt, "__await__");
                match gen {
                    Value::Instance(_, args) if args.len() == 3 => args[2].clone(),
                    _ => Value::Unknown,
                }
            }
            _ => Value::Unknown,
        }))
    }

    fn subscript(&self, m: &Arc<ModuleModel>, obj: &Value, items: &[ExprId]) -> Value {
        match obj {
            // `list[int]` as a value is (an alias of) the class.
            Value::Class(_) => obj.clone(),
            Value::Tuple(values) => {
                if let [one] = items {
                    if let Expr::Lit(Lit::Int) = m.expr(*one) {
                        return join(values.iter().cloned());
                    }
                }
                Value::Unknown
            }
            _ => self.call_method(obj, "__getitem__"),
        }
    }

    /// `left op right` (`op` without `=`); with `inplace`, `__iop__` first.
    pub fn binop(&self, left: &Value, op: &str, right: &Value, inplace: bool) -> Value {
        let Some((method, _reflected, iop)) = dunders_of(op) else {
            return Value::Unknown;
        };
        let _ = right;
        join(left.alternatives().iter().map(|l| {
            if let Value::Tuple(_) = l {
                if method == "__add__" {
                    return self.builtin_instance("tuple", vec![Value::Unknown]);
                }
            }
            if inplace {
                let r = self.call_method(l, iop);
                if !r.is_unknown() {
                    return r;
                }
            }
            self.call_method(l, method)
        }))
    }

    // ------------------------------------------------------------ attributes

    /// `v.attr`.
    pub fn attribute(&self, v: &Value, attr: &str) -> Value {
        let Some(_g) = self.step() else {
            return Value::Unknown;
        };
        join(
            v.without_none()
                .alternatives()
                .iter()
                .map(|alt| self.attribute_one(alt, attr)),
        )
    }

    fn attribute_one(&self, v: &Value, attr: &str) -> Value {
        match v {
            Value::Module(name) => self.module_member(name, attr),
            Value::Class(c) => self.class_attribute(c, attr),
            Value::Instance(c, _) => self.instance_attribute(v, c, attr),
            Value::Tuple(_) => match self.builtin_class("tuple") {
                Some(t) => self.instance_attribute(v, &t, attr),
                None => Value::Unknown,
            },
            Value::Generator(_) | Value::Coroutine(_) | Value::AsyncGenerator(_) => {
                let class = match v {
                    Value::Generator(_) => "GeneratorType",
                    Value::Coroutine(_) => "CoroutineType",
                    _ => "AsyncGeneratorType",
                };
                match self.module_class("types", class) {
                    Some(t) => self.instance_attribute(v, &t, attr),
                    None => Value::Unknown,
                }
            }
            _ => Value::Unknown,
        }
    }

    /// `obj.attr` on an instance of `class`: a data descriptor of the class
    /// first, then the instance's own attributes (`self.x = ...` sites),
    /// then class attributes (methods bind), then `__getattr__`.
    fn instance_attribute(&self, recv: &Value, class: &ClassRef, attr: &str) -> Value {
        use super::lookup::{AttrKind, Lookup};
        let lookup = self.lookup(class, attr);
        let mut class_level = None;
        if let Lookup::Found { member, .. } = &lookup {
            let kind = self.attr_kind(member);
            match kind {
                AttrKind::Property(f) | AttrKind::CachedProperty(f) => {
                    return self.return_value(&f, Some(recv));
                }
                AttrKind::DataDescriptor { .. } | AttrKind::TupleField => {
                    return self.member_value(recv, member, &kind);
                }
                _ => class_level = Some((member.clone(), kind)),
            }
        }
        let own = self.instance_sites_value(class, attr);
        if let Some(v) = own {
            return v;
        }
        if let Some((member, kind)) = class_level {
            return self.member_value(recv, &member, &kind);
        }
        if let Lookup::Missing = lookup {
            if let Lookup::Found {
                member: super::lookup::Member::Binding { class: defined, id },
                ..
            } = self.lookup(class, "__getattr__")
            {
                if let Some(m) = self.module(&defined.module) {
                    if let Some(BindingKind::Def(f)) = m.binding(id).map(|x| &x.kind) {
                        let f = FuncRef {
                            module: defined.module.clone(),
                            id: *f,
                        };
                        return self.return_value(&f, Some(recv));
                    }
                }
            }
        }
        Value::Unknown
    }

    /// The values `self.attr = ...` sites of `class` and its MRO assign.
    pub fn instance_sites_value(&self, class: &ClassRef, attr: &str) -> Option<Value> {
        let key = (class.clone(), Box::from(attr));
        // A site that reads the attribute itself: what it adds is unknown.
        self.memoized(
            &self.site_values,
            &self.active_sites,
            key,
            Some(Value::Unknown),
            || self.compute_instance_sites_value(class, attr),
        )
    }

    fn compute_instance_sites_value(&self, class: &ClassRef, attr: &str) -> Option<Value> {
        let order = self.lookup_order(class);
        let mut values = Vec::new();
        for k in &order {
            let m = self.module(&k.module)?;
            let c = m.class(k.id)?;
            if c.dynamic_attrs {
                return Some(Value::Unknown);
            }
            for site in c.self_attrs.get(attr).into_iter().flatten() {
                let v = match (&site.value, site.annotation) {
                    (Some((e, steps)), ann) => {
                        let v = self.expr(&m, *e);
                        let v = self.unpack(v, steps);
                        match ann {
                            Some(a) => prefer(v, self.annotation(&m, a, &AnnCtx::default())),
                            None => v,
                        }
                    }
                    (None, Some(a)) => self.annotation(&m, a, &AnnCtx::default()),
                    (None, None) => {
                        // `self.x += ...`: the class attribute's value type.
                        continue;
                    }
                };
                values.push(v);
            }
        }
        (!values.is_empty()).then(|| join(values))
    }

    /// `Cls.attr`: the class's member along its MRO, else the metaclass's.
    fn class_attribute(&self, class: &ClassRef, attr: &str) -> Value {
        use super::lookup::Lookup;
        match self.lookup(class, attr) {
            Lookup::Found { member, .. } => {
                let kind = self.attr_kind(&member);
                self.member_value(&Value::Class(class.clone()), &member, &kind)
            }
            Lookup::Missing => {
                let Some(meta) = self.metaclass(class) else {
                    return Value::Unknown;
                };
                match self.lookup(&meta, attr) {
                    Lookup::Found { member, .. } => {
                        let kind = self.attr_kind(&member);
                        let as_instance = Value::Class(class.clone());
                        self.member_value(&as_instance, &member, &kind)
                    }
                    _ => Value::Unknown,
                }
            }
            Lookup::Unknown(_) => Value::Unknown,
        }
    }

    /// What reading a class member gives through `recv` (an instance, or the
    /// class itself).
    fn member_value(
        &self,
        recv: &Value,
        member: &super::lookup::Member,
        kind: &super::lookup::AttrKind,
    ) -> Value {
        use super::lookup::{AttrKind, Member};
        let on_class = matches!(recv, Value::Class(_));
        // The class whose body binds the member (for an ancestor only the
        // stub lists, not the runtime `owner`): its module, its type
        // parameters.
        let (owner, b) = match member {
            Member::Binding { class, id } => (class, *id),
            Member::Generated(_) | Member::Runtime => return Value::Unknown,
        };
        let Some(m) = self.module(&owner.module) else {
            return Value::Unknown;
        };
        let Some(binding) = m.binding(b) else {
            return Value::Unknown;
        };
        let func = match &binding.kind {
            BindingKind::Def(f) => Some(FuncRef {
                module: owner.module.clone(),
                id: *f,
            }),
            _ => None,
        };
        match kind {
            AttrKind::Function => match (func, on_class) {
                (Some(f), false) => Value::BoundMethod(Arc::new(recv.clone()), f),
                (Some(f), true) => Value::Function(f),
                (None, _) => self.binding(&m, b),
            },
            AttrKind::StaticOrClassMethod(w) => match (func, w) {
                (Some(f), Wrapper::ClassMethod) => {
                    let class = match recv {
                        Value::Instance(c, _) => Value::Class(c.clone()),
                        other => other.clone(),
                    };
                    Value::BoundMethod(Arc::new(class), f)
                }
                (Some(f), _) => Value::Function(f),
                (None, _) => Value::Unknown,
            },
            AttrKind::Property(_) | AttrKind::CachedProperty(_) => Value::Unknown,
            // A tuple item, or a data class field set by `__init__`: the
            // instance's own value, as annotated.
            AttrKind::TupleField | AttrKind::DataclassField { set_by_init: true } => {
                match &binding.kind {
                    BindingKind::Value {
                        annotation: Some(a),
                        ..
                    }
                    | BindingKind::Declared { annotation: a }
                        if !on_class =>
                    {
                        self.annotation(&m, *a, &self.ann_ctx(recv, owner))
                    }
                    _ => Value::Unknown,
                }
            }
            AttrKind::EnumMember => Value::instance(owner.clone()),
            AttrKind::DataDescriptor { get: true, .. } | AttrKind::NonDataDescriptor { .. } => {
                let desc = self.binding(&m, b);
                if on_class {
                    return Value::Unknown;
                }
                self.call_method(&desc, "__get__")
            }
            AttrKind::DataDescriptor { .. } => self.binding(&m, b),
            AttrKind::InstanceAnnotation => match &binding.kind {
                BindingKind::Declared { annotation } if !on_class || m.is_stub => {
                    self.annotation(&m, *annotation, &self.ann_ctx(recv, owner))
                }
                _ => Value::Unknown,
            },
            AttrKind::Plain => {
                let v = self.binding(&m, b);
                match (&v, on_class) {
                    (Value::Function(f), false) => {
                        Value::BoundMethod(Arc::new(recv.clone()), f.clone())
                    }
                    _ => v,
                }
            }
            AttrKind::DataclassField { .. } | AttrKind::Transformed(_) | AttrKind::Unknown(_) => {
                Value::Unknown
            }
        }
    }

    /// The annotation context for members of `owner` read through `recv`.
    pub fn ann_ctx(&self, recv: &Value, owner: &ClassRef) -> AnnCtx {
        let self_type = match recv {
            Value::Class(c) => Some(Value::instance(c.clone())),
            other => Some(other.clone()),
        };
        AnnCtx {
            subst: self.subst_for(recv, owner),
            self_type,
        }
    }

    // ------------------------------------------------------------ calls

    /// `recv.name()` with no arguments known.
    pub fn call_method(&self, recv: &Value, name: &str) -> Value {
        let f = self.attribute(recv, name);
        self.call(&f, None)
    }

    /// Calling `callee` (the call's arguments, when known, for the builtins
    /// whose result depends on them).
    pub fn call(&self, callee: &Value, site: Option<(&Arc<ModuleModel>, &[Arg])>) -> Value {
        let Some(_g) = self.step() else {
            return Value::Unknown;
        };
        join(callee.alternatives().iter().map(|alt| {
            match alt {
                Value::Class(c) => self.construct(c, site),
                Value::Function(f) => self.call_function(f, None, site),
                Value::BoundMethod(recv, f) => self.call_function(f, Some(recv), site),
                Value::Wrapped(f, w) => match w {
                    Wrapper::ContextManager => self
                        .module_class("contextlib", "_GeneratorContextManager")
                        .map_or(Value::Unknown, Value::instance),
                    Wrapper::AsyncContextManager => self
                        .module_class("contextlib", "_AsyncGeneratorContextManager")
                        .map_or(Value::Unknown, Value::instance),
                    Wrapper::Cached | Wrapper::StaticMethod => self.call_function(f, None, site),
                    _ => Value::Unknown,
                },
                Value::Instance(..) => {
                    let call = self.attribute(alt, "__call__");
                    match call {
                        Value::BoundMethod(..) => self.call(&call, None),
                        _ => Value::Unknown,
                    }
                }
                _ => Value::Unknown,
            }
        }))
    }

    /// The first positional argument's value.
    fn first_arg(&self, site: Option<(&Arc<ModuleModel>, &[Arg])>) -> Option<Value> {
        let (m, args) = site?;
        match args {
            [Arg::Pos(e)] => Some(self.expr(m, *e)),
            _ => None,
        }
    }

    /// Calling a class: an instance (with the element type for the builtin
    /// containers built from an iterable).
    fn construct(&self, c: &ClassRef, site: Option<(&Arc<ModuleModel>, &[Arg])>) -> Value {
        if &*c.module == "builtins" {
            let name = self.class_name(c);
            match name.as_str() {
                "list" | "set" | "frozenset" | "tuple" => {
                    let el = self
                        .first_arg(site)
                        .map_or(Value::Unknown, |v| self.iterate(&v));
                    return self.builtin_instance(&name, vec![el]);
                }
                "type" => {
                    if let Some(v) = self.first_arg(site) {
                        return match v {
                            Value::Instance(c, _) => Value::Class(c),
                            _ => Value::Unknown,
                        };
                    }
                    return Value::Unknown;
                }
                "super" => return Value::Unknown,
                "bool" | "int" | "str" | "float" | "bytes" | "dict" | "object" | "bytearray"
                | "range" | "slice" | "complex" | "memoryview" | "property" | "staticmethod"
                | "classmethod" => {}
                _ => {}
            }
        }
        Value::instance(c.clone())
    }

    fn call_function(
        &self,
        f: &FuncRef,
        recv: Option<&Arc<Value>>,
        site: Option<(&Arc<ModuleModel>, &[Arg])>,
    ) -> Value {
        let Some(m) = self.module(&f.module) else {
            return Value::Unknown;
        };
        let Some(func) = m.function(f.id) else {
            return Value::Unknown;
        };
        // A few builtins whose result depends on their argument.
        if &*f.module == "builtins" && recv.is_none() {
            match &*func.name {
                "iter" => {
                    if let Some(v) = self.first_arg(site) {
                        return self.call_method(&v, "__iter__");
                    }
                }
                "next" => {
                    if let Some(v) = self.first_arg(site) {
                        return self.call_method(&v, "__next__");
                    }
                }
                "sorted" => {
                    let el = self
                        .first_arg(site)
                        .map_or(Value::Unknown, |v| self.iterate(&v));
                    return self.builtin_instance("list", vec![el]);
                }
                _ => {}
            }
        }
        match (func.is_async, func.has_yield) {
            (true, true) => return Value::AsyncGenerator(Some(f.clone())),
            (true, false) => return Value::Coroutine(Some(f.clone())),
            (false, true) => return Value::Generator(Some(f.clone())),
            (false, false) => {}
        }
        self.return_value(f, recv.map(|r| &**r))
    }

    /// What a function returns when called (with `recv` bound to its first
    /// parameter): its annotation, else the values of its `return`s; for an
    /// `async def`, what awaiting the coroutine gives.
    pub fn return_value(&self, f: &FuncRef, recv: Option<&Value>) -> Value {
        let Some(_g) = self.step() else {
            return Value::Unknown;
        };
        let Some(m) = self.module(&f.module) else {
            return Value::Unknown;
        };
        let Some(func) = m.function(f.id) else {
            return Value::Unknown;
        };
        if let Some(ann) = func.returns {
            let ctx = match (recv, func.class) {
                (Some(r), Some(c)) => self.ann_ctx(
                    r,
                    &ClassRef {
                        module: f.module.clone(),
                        id: c,
                    },
                ),
                (Some(r), None) => AnnCtx {
                    self_type: Some(r.clone()),
                    subst: Subst::new(),
                },
                _ => match func.class {
                    Some(c) => AnnCtx {
                        self_type: Some(Value::instance(ClassRef {
                            module: f.module.clone(),
                            id: c,
                        })),
                        subst: Subst::new(),
                    },
                    None => AnnCtx::default(),
                },
            };
            let v = self.annotation(&m, ann, &ctx);
            // `-> Generator[...]` on a generator function says what it
            // yields; calling it still gives the generator.
            return v;
        }
        if m.is_stub || func.always_raises {
            return Value::Unknown;
        }
        if !self.active_funcs.borrow_mut().insert(f.clone()) {
            return Value::Unknown;
        }
        let first = func.params.first().map(|p| p.name.clone());
        let mut values: Vec<Value> = func
            .return_values
            .iter()
            .map(|e| match (m.expr(*e), recv, &first) {
                (Expr::Name { name, .. }, Some(r), Some(p))
                    if name == p && func.class.is_some() =>
                {
                    r.clone()
                }
                _ => self.expr(&m, *e),
            })
            .collect();
        if func.returns_none {
            values.push(Value::None);
        }
        self.active_funcs.borrow_mut().remove(f);
        join(values)
    }

    /// The value of a `def` after its decorators.
    pub(super) fn decorated_value(&self, m: &Arc<ModuleModel>, f: super::FuncId) -> Value {
        self.decorated_function(m, f)
    }

    /// The value of a `def` after its decorators.
    fn decorated_function(&self, m: &Arc<ModuleModel>, f: super::FuncId) -> Value {
        let Some(func) = m.function(f) else {
            return Value::Unknown;
        };
        let fref = FuncRef {
            module: m.name.clone(),
            id: f,
        };
        let mut value = Value::Function(fref.clone());
        // Decorators apply bottom-up.
        for d in func.decorators.iter().rev() {
            value = match (self.known_decorator(m, *d), &value) {
                (Some(Decorator::Transparent), _) => value,
                (Some(Decorator::Wraps(w)), Value::Function(_)) => Value::Wrapped(fref.clone(), w),
                (Some(Decorator::Wraps(w)), Value::Wrapped(_, Wrapper::Cached)) => {
                    Value::Wrapped(fref.clone(), w)
                }
                // A stub's other decorators describe the runtime function.
                (None, _) if m.is_stub => value,
                // Another decorator: what calling it with the function gives
                // (a class makes an instance; a function, what it returns).
                (None, _) => match self.expr(m, *d) {
                    Value::Class(c) => Value::instance(c),
                    Value::Function(f) if !self.is_wrapper_factory(&f) => {
                        self.return_value(&f, None)
                    }
                    _ => return Value::Unknown,
                },
                _ => return Value::Unknown,
            };
        }
        value
    }

    /// Whether calling function `f` with a function is known to give
    /// something the model follows: a user function whose return value it
    /// can infer. (Stub functions used as decorators are not followed.)
    fn is_wrapper_factory(&self, f: &FuncRef) -> bool {
        self.module(&f.module).is_none_or(|m| m.is_stub)
    }

    /// A class after its decorators: the class itself when every decorator
    /// is one the model knows returns it.
    fn decorated_class(&self, m: &Arc<ModuleModel>, c: super::ClassId) -> Value {
        let class = ClassRef {
            module: m.name.clone(),
            id: c,
        };
        match self.class_decorator_effect(&class) {
            super::lookup::DecoratorEffect::Unknown(_) => Value::Unknown,
            _ => Value::Class(class),
        }
    }

    /// What a decorator expression is, when the model knows it.
    pub(super) fn known_decorator(&self, m: &Arc<ModuleModel>, d: ExprId) -> Option<Decorator> {
        // `@functools.lru_cache(maxsize=None)`, `@functools.wraps(f)`: the
        // callee decides.
        let (head, args) = m.callee_and_args(d);
        let called = args.is_some();
        if let Expr::Attr { attr, obj } = m.expr(head) {
            // `@prop.setter` / `.getter` / `.deleter` on a property.
            if matches!(&**attr, "setter" | "getter" | "deleter") && !called {
                let _ = obj;
                return Some(Decorator::Wraps(Wrapper::Property));
            }
        }
        let (module, name) = self.definition(m, head)?;
        let known = match (&*module, &*name) {
            ("builtins", "property") => Decorator::Wraps(Wrapper::Property),
            ("builtins", "staticmethod") => Decorator::Wraps(Wrapper::StaticMethod),
            ("builtins", "classmethod") => Decorator::Wraps(Wrapper::ClassMethod),
            ("functools", "cached_property") => Decorator::Wraps(Wrapper::CachedProperty),
            ("functools", "lru_cache" | "cache") => Decorator::Wraps(Wrapper::Cached),
            ("functools", "wraps") if called => Decorator::Transparent,
            ("contextlib", "contextmanager") => Decorator::Wraps(Wrapper::ContextManager),
            ("contextlib", "asynccontextmanager") => Decorator::Wraps(Wrapper::AsyncContextManager),
            ("abc", "abstractmethod")
            | (
                "typing" | "typing_extensions",
                "overload" | "override" | "final" | "type_check_only" | "no_type_check",
            )
            | ("typing_extensions", "deprecated")
            | ("warnings", "deprecated") => Decorator::Transparent,
            _ => return None,
        };
        Some(known)
    }

    // ------------------------------------------------------------ annotations

    /// What a value annotated with expression `e` holds (an instance of the
    /// class; `None`; one of several).
    pub fn annotation(&self, m: &Arc<ModuleModel>, e: ExprId, ctx: &AnnCtx) -> Value {
        let Some(_g) = self.step() else {
            return Value::Unknown;
        };
        match m.expr(e) {
            Expr::Lit(Lit::None) => Value::None,
            Expr::Lit(Lit::Str(s)) => self.string_annotation(m, e, s, ctx),
            Expr::BinOp { op, left, right } if &**op == "|" => join([
                self.annotation(m, *left, ctx),
                self.annotation(m, *right, ctx),
            ]),
            Expr::Subscript { obj, items } => self.generic_annotation(m, *obj, items, ctx),
            Expr::Name { .. } | Expr::Attr { .. } => self.type_ref(m, e, ctx),
            _ => Value::Unknown,
        }
    }

    /// `"Foo"` / `"mod.Foo"`: a dotted name looked up where the annotation
    /// is (anything more complex is unknown).
    fn string_annotation(&self, m: &Arc<ModuleModel>, e: ExprId, s: &str, ctx: &AnnCtx) -> Value {
        let s = s.trim();
        let parts: Vec<&str> = s.split('.').collect();
        if parts.is_empty()
            || !parts
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
        {
            return Value::Unknown;
        }
        let range = m.expr_range(e);
        let scope = m.scope_at(range.start);
        // String annotations are evaluated late: every binding counts.
        let ids = self.reaching_late(m, parts[0], scope);
        let mut v = if ids.is_empty() {
            self.unbound_name(m, parts[0], scope)
        } else {
            join(ids.iter().map(|b| self.binding(m, *b)))
        };
        for p in &parts[1..] {
            v = self.attribute(&v, p);
        }
        let _ = ctx;
        match v {
            Value::Class(c) => self.annotated_instance(c),
            _ => Value::Unknown,
        }
    }

    fn type_ref(&self, m: &Arc<ModuleModel>, e: ExprId, ctx: &AnnCtx) -> Value {
        if let Some(tv) = self.typevar_name(m, e) {
            return ctx.subst.get(&*tv).cloned().unwrap_or(Value::Unknown);
        }
        if let Some(Defined::Binding(dm, b)) = self.defining_binding(m, e, true) {
            let Some(binding) = dm.binding(b) else {
                return Value::Unknown;
            };
            match (&*dm.name, &*binding.name) {
                ("typing" | "typing_extensions", "Any" | "Callable" | "Never" | "NoReturn") => {
                    return Value::Unknown
                }
                ("typing" | "typing_extensions", "Self") => {
                    return ctx.self_type.clone().unwrap_or(Value::Unknown)
                }
                ("typing" | "typing_extensions", alias) => {
                    if let Some(c) = self.typing_alias(alias) {
                        return Value::instance(c);
                    }
                }
                _ => {}
            }
            // A type alias (`Addr: TypeAlias = tuple[str, int]`,
            // `Num = int | float`): the annotation it stands for.
            if let BindingKind::Value { value, steps, .. } = &binding.kind {
                if steps.is_empty() && is_type_expression(&dm, *value) {
                    return self.annotation(&dm, *value, ctx);
                }
            }
            return match self.binding(&dm, b) {
                Value::Class(c) => self.annotated_instance(c),
                Value::None => Value::None,
                _ => Value::Unknown,
            };
        }
        match self.late_expr(m, e) {
            Value::Class(c) => self.annotated_instance(c),
            Value::None => Value::None,
            _ => Value::Unknown,
        }
    }

    /// What a value annotated with class `c` holds: an instance of `c`,
    /// except for a `TypedDict` class, whose values are plain `dict`s.
    fn annotated_instance(&self, c: ClassRef) -> Value {
        if self.is_typeddict(&c) {
            if let Some(dict) = self.builtin_class("dict") {
                return Value::instance(dict);
            }
        }
        Value::instance(c)
    }

    /// `typing.List` and friends: the runtime class they stand for.
    fn typing_alias(&self, name: &str) -> Option<ClassRef> {
        let (module, class) = match name {
            "List" => ("builtins", "list"),
            "Dict" => ("builtins", "dict"),
            "Set" => ("builtins", "set"),
            "FrozenSet" => ("builtins", "frozenset"),
            "Tuple" => ("builtins", "tuple"),
            "Type" => ("builtins", "type"),
            "Text" => ("builtins", "str"),
            "DefaultDict" => ("collections", "defaultdict"),
            "Deque" => ("collections", "deque"),
            "Counter" => ("collections", "Counter"),
            "ChainMap" => ("collections", "ChainMap"),
            "OrderedDict" => ("collections", "OrderedDict"),
            _ => return None,
        };
        self.module_class(module, class)
    }

    fn generic_annotation(
        &self,
        m: &Arc<ModuleModel>,
        head: ExprId,
        items: &[ExprId],
        ctx: &AnnCtx,
    ) -> Value {
        let ann = |i: usize| {
            items
                .get(i)
                .map_or(Value::Unknown, |e| self.annotation(m, *e, ctx))
        };
        let form = self
            .definition_with(m, head, true)
            .filter(|(module, _)| matches!(&**module, "typing" | "typing_extensions"))
            .map(|(_, name)| name);
        if let Some(form) = form.as_deref() {
            match form {
                "Optional" => return join([ann(0), Value::None]),
                "Union" => return join((0..items.len()).map(ann)),
                "ClassVar" | "Final" | "Annotated" | "Required" | "NotRequired" | "ReadOnly" => {
                    return ann(0)
                }
                "Type" => return class_of(ann(0)),
                "Callable" | "Concatenate" | "Literal" | "TypeGuard" | "TypeIs" | "Unpack" => {
                    return Value::Unknown
                }
                "Tuple" => return self.tuple_annotation(m, items, ctx),
                alias => {
                    if let Some(c) = self.typing_alias(alias) {
                        let args: Vec<Value> = (0..items.len()).map(ann).collect();
                        return Value::Instance(c, args.into());
                    }
                }
            }
        }
        match self.late_expr(m, head) {
            Value::Class(c) => {
                if &*c.module == "builtins" {
                    match self.class_name(&c).as_str() {
                        "tuple" => return self.tuple_annotation(m, items, ctx),
                        "type" => return class_of(ann(0)),
                        _ => {}
                    }
                }
                let args: Vec<Value> = (0..items.len()).map(ann).collect();
                Value::Instance(c, args.into())
            }
            _ => Value::Unknown,
        }
    }

    /// `tuple[A, B]` (fixed) or `tuple[A, ...]` (any length).
    fn tuple_annotation(&self, m: &Arc<ModuleModel>, items: &[ExprId], ctx: &AnnCtx) -> Value {
        if let [one, ell] = items {
            if matches!(m.expr(*ell), Expr::Lit(Lit::Ellipsis)) {
                let el = self.annotation(m, *one, ctx);
                return self.builtin_instance("tuple", vec![el]);
            }
        }
        Value::Tuple(items.iter().map(|i| self.annotation(m, *i, ctx)).collect())
    }

    /// If `e` names a type variable (`_T = TypeVar("_T")`), its name.
    pub fn typevar_name(&self, m: &Arc<ModuleModel>, e: ExprId) -> Option<Name> {
        let Expr::Name {
            name,
            at,
            scope,
            path,
        } = m.expr(e)
        else {
            return None;
        };
        let _ = (at, path);
        let ids = self.reaching_late(m, name, *scope);
        let [one] = ids.as_slice() else {
            return None;
        };
        let b = m.binding(*one)?;
        let (vm, value) = match &b.kind {
            BindingKind::Value { value, steps, .. } if steps.is_empty() => (m.clone(), *value),
            BindingKind::ImportFrom { module, name: n } => {
                let vm = self.module(module)?;
                let last = *vm.bindings_in(MODULE_SCOPE, n).last()?;
                match &vm.binding(last)?.kind {
                    BindingKind::Value { value, .. } => (vm.clone(), *value),
                    _ => return None,
                }
            }
            _ => return None,
        };
        let Expr::Call { func, .. } = vm.expr(value) else {
            return None;
        };
        let callee = match vm.expr(*func) {
            Expr::Name { name, .. } => name.clone(),
            Expr::Attr { attr, .. } => attr.clone(),
            _ => return None,
        };
        matches!(&*callee, "TypeVar" | "ParamSpec" | "TypeVarTuple").then(|| name.clone())
    }

    /// A class's display name: its name in this module, `module.name`
    /// elsewhere (the public module that re-exports it, and
    /// `collections.abc` for the ABCs typeshed defines in `typing`);
    /// builtins bare.
    pub fn class_name(&self, c: &ClassRef) -> String {
        let Some(m) = self.module(&c.module) else {
            return "?".into();
        };
        let Some(class) = m.class(c.id) else {
            return "?".into();
        };
        // The user's classes by the name they are written with (their
        // module is said where it matters: "line 10 in `shop.models`").
        if !m.is_stub || &*c.module == "builtins" {
            return class.qualname.to_string();
        }
        if &*c.module == "typing" {
            match &*class.name {
                "Iterable" | "Iterator" | "Generator" | "Mapping" | "MutableMapping"
                | "Sequence" | "MutableSequence" | "MutableSet" | "Container" | "Collection"
                | "Hashable" | "Sized" | "Awaitable" | "Coroutine" | "AsyncIterable"
                | "AsyncIterator" | "AsyncGenerator" | "Reversible" | "KeysView" | "ValuesView"
                | "ItemsView" | "MappingView" | "ByteString" => {
                    return format!("collections.abc.{}", class.name)
                }
                "AbstractSet" => return "collections.abc.Set".into(),
                "_Generic" => return "typing.Generic".into(),
                "_Protocol" => return "typing.Protocol".into(),
                _ => {}
            }
        }
        // The shortest enclosing package that re-exports the same class.
        let parts: Vec<&str> = c.module.split('.').collect();
        for n in 1..parts.len() {
            let module = parts[..n].join(".");
            if let Value::Class(found) = self.module_member(&module, &class.name) {
                if found == *c {
                    return format!("{module}.{}", class.qualname);
                }
            }
        }
        format!("{}.{}", c.module, class.qualname)
    }
}

/// What defines a name: a binding of some module, or a builtin the stubs
/// do not list.
#[derive(Debug, Clone)]
pub enum Defined {
    Binding(Arc<ModuleModel>, BindingId),
    Builtin(Name),
}

/// Known decorators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Decorator {
    /// Returns the function (or class) unchanged.
    Transparent,
    Wraps(Wrapper),
}

/// The class of an instance value.
fn class_of(v: Value) -> Value {
    join(v.alternatives().iter().map(|alt| match alt {
        Value::Instance(c, _) => Value::Class(c.clone()),
        _ => Value::Unknown,
    }))
}

/// The dunders of a binary operator: (method, reflected, in-place).
pub fn dunders_of(op: &str) -> Option<(&'static str, &'static str, &'static str)> {
    const OPS: &[(&str, &str, &str, &str)] = &[
        ("+", "__add__", "__radd__", "__iadd__"),
        ("-", "__sub__", "__rsub__", "__isub__"),
        ("*", "__mul__", "__rmul__", "__imul__"),
        ("@", "__matmul__", "__rmatmul__", "__imatmul__"),
        ("/", "__truediv__", "__rtruediv__", "__itruediv__"),
        ("//", "__floordiv__", "__rfloordiv__", "__ifloordiv__"),
        ("%", "__mod__", "__rmod__", "__imod__"),
        ("**", "__pow__", "__rpow__", "__ipow__"),
        ("<<", "__lshift__", "__rlshift__", "__ilshift__"),
        (">>", "__rshift__", "__rrshift__", "__irshift__"),
        ("&", "__and__", "__rand__", "__iand__"),
        ("|", "__or__", "__ror__", "__ior__"),
        ("^", "__xor__", "__rxor__", "__ixor__"),
    ];
    let op = op.trim_end_matches('=');
    OPS.iter().find(|o| o.0 == op).map(|o| (o.1, o.2, o.3))
}

/// The bindings among `ids` (one name, one scope, source order) that reach
/// a read at `at` on `path`: the last that dominates it and those after it;
/// then, inside loops, bindings later in the loop (the next iteration sees
/// them) unless one in the loop dominates the read.
pub fn flow(m: &ModuleModel, ids: &[BindingId], at: u32, path: PathId) -> Vec<BindingId> {
    let mut out = Vec::new();
    let mut dominator: Option<BindingId> = None;
    for &id in ids.iter().rev() {
        let Some(b) = m.binding(id) else { continue };
        if b.at > at {
            continue;
        }
        out.push(id);
        if m.path_contains(b.path, path) {
            dominator = Some(id);
            break;
        }
    }
    for lp in m.enclosing_loops(path) {
        if let Some(d) = dominator.and_then(|d| m.binding(d)) {
            if m.path_contains(lp, d.path) {
                break;
            }
        }
        for &id in ids {
            if let Some(b) = m.binding(id) {
                if b.at > at && m.path_contains(lp, b.path) && !out.contains(&id) {
                    out.push(id);
                }
            }
        }
    }
    // A `del` that reaches leaves the name unbound on that path.
    out.retain(|id| !matches!(m.binding(*id).map(|b| &b.kind), Some(BindingKind::Deleted)));
    out
}

impl Infer<'_> {
    /// A value as a short type-like text: `list[int]`, `socket.socket`,
    /// `type[Shape]`, `generator`, `Foo | None`; `?` for unknown.
    pub fn describe(&self, v: &Value) -> String {
        match v {
            Value::Unknown => "?".into(),
            Value::None => "None".into(),
            Value::Module(m) => format!("module {m}"),
            Value::Class(c) => format!("type[{}]", self.class_name(c)),
            Value::Instance(c, args) => {
                let name = self.class_name(c);
                if args.is_empty() || args.iter().all(Value::is_unknown) {
                    name
                } else {
                    let inner: Vec<String> = args.iter().map(|a| self.describe(a)).collect();
                    format!("{name}[{}]", inner.join(", "))
                }
            }
            Value::Tuple(items) => {
                let inner: Vec<String> = items.iter().map(|a| self.describe(a)).collect();
                format!("tuple[{}]", inner.join(", "))
            }
            Value::Function(f) | Value::Wrapped(f, _) => {
                format!("function {}", self.function_name(f))
            }
            Value::BoundMethod(_, f) => format!("bound method {}", self.function_name(f)),
            Value::Generator(_) => "generator".into(),
            Value::Coroutine(_) => "coroutine".into(),
            Value::AsyncGenerator(_) => "async generator".into(),
            Value::OneOf(list) => {
                // `None` last, as people write it.
                let mut parts: Vec<String> = list
                    .iter()
                    .filter(|a| **a != Value::None)
                    .map(|a| self.describe(a))
                    .collect();
                if list.contains(&Value::None) {
                    parts.push("None".into());
                }
                parts.join(" | ")
            }
        }
    }

    /// `Class.method` or `function` (with the module for other modules).
    pub fn function_name(&self, f: &FuncRef) -> String {
        let Some(m) = self.module(&f.module) else {
            return "?".into();
        };
        let Some(func) = m.function(f.id) else {
            return "?".into();
        };
        let prefix = match func.class {
            Some(c) => format!(
                "{}.",
                self.class_name(&ClassRef {
                    module: f.module.clone(),
                    id: c
                })
            ),
            None if Arc::ptr_eq(&m, self.this()) || &*f.module == "builtins" => String::new(),
            None => format!("{}.", f.module),
        };
        format!("{prefix}{}", func.name)
    }
}

/// Whether an expression reads as a type (so a name bound to it is a type
/// alias): a subscript, a `|` union, a dotted name, `None`.
fn is_type_expression(m: &ModuleModel, e: ExprId) -> bool {
    match m.expr(e) {
        Expr::Subscript { .. } | Expr::Name { .. } | Expr::Attr { .. } => true,
        Expr::BinOp { op, left, right } => {
            &**op == "|" && is_type_expression(m, *left) && is_type_expression(m, *right)
        }
        Expr::Lit(Lit::None) => true,
        _ => false,
    }
}

/// A binding's value given both its assigned value and its annotation: the
/// annotation when the value is unknown, or is the same class without the
/// type arguments the annotation gives (`x: dict[str, int] = {}`).
fn prefer(value: Value, annotation: Value) -> Value {
    if annotation.is_unknown() {
        return value;
    }
    if value.has_unknown() {
        return annotation;
    }
    match (&value, &annotation) {
        (Value::Instance(c, args), Value::Instance(c2, args2))
            if c == c2 && args.is_empty() && !args2.is_empty() =>
        {
            annotation
        }
        _ => value,
    }
}
