//! Classes as Python sees them at runtime, for any class the model knows
//! (this file's, the workspace's, the stdlib's from typeshed): the C3 MRO,
//! where an attribute lookup finds a name, what kind of class attribute it
//! is (descriptor, property, method, plain value), what class decorators
//! add, the metaclass, and type-argument substitution through generic bases.
//!
//! What the model cannot follow (a third-party base, an unknown class
//! decorator) makes a lookup [`Lookup::Unknown`] with the reason, never a
//! guess.

use std::collections::HashSet;
use std::sync::Arc;

use super::infer::{AnnCtx, Decorator, Infer, Subst};
use super::ir::{Arg, Expr, Lit};
use super::lookup::{
    AttrKind, DataclassOptions, DecoratorEffect, Lookup, Member, MroError, OwnedOrder, Unknown,
    MAX_MRO, ORDERING,
};
use super::value::{ClassRef, FuncRef, Value, Wrapper};
use super::{BindingKind, ModuleModel};

impl Infer<'_> {
    fn class_model(&self, c: &ClassRef) -> Option<(Arc<ModuleModel>, super::Class)> {
        let m = self.module(&c.module)?;
        let class = m.class(c.id)?.clone();
        Some((m, class))
    }

    /// The class a base expression names (`Base`, `mod.Base`,
    /// `Generic[T]`'s `Generic`, `dict[str, int]`'s `dict`).
    fn base_class(&self, m: &Arc<ModuleModel>, e: super::ir::ExprId) -> Result<ClassRef, String> {
        let head = match m.expr(e) {
            Expr::Subscript { obj, .. } => *obj,
            _ => e,
        };
        match self.expr(m, head) {
            Value::Class(c) => Ok(c),
            _ => Err(self.render(m, e)),
        }
    }

    /// The C3 linearization of `c` (itself first, `object` last), as the
    /// runtime computes it. A base the model cannot follow, or one whose
    /// runtime effect the stubs do not show (`Protocol`, `Generic`,
    /// `NamedTuple` in user code), makes it unknown; one longer than
    /// [`MAX_MRO`] is [`MroError::TooLong`].
    ///
    /// The bases are linearized first, from an explicit stack: a chain of
    /// thousands of classes neither recurses as deep nor (past the cap)
    /// costs more than a walk over it.
    pub fn mro(&self, c: &ClassRef) -> Result<Vec<ClassRef>, MroError> {
        if let Some(done) = self.mros.borrow().get(c) {
            return done.clone();
        }
        let mut stack = vec![c.clone()];
        let mut expanded: HashSet<ClassRef> = HashSet::new();
        while let Some(top) = stack.last().cloned() {
            if self.mros.borrow().contains_key(&top) {
                stack.pop();
                continue;
            }
            if expanded.insert(top.clone()) {
                // First visit: its bases go first. A base already on the
                // stack (a cycle) is left alone: `compute_mro` finds no
                // result for it and calls the order inconsistent.
                if let Ok(bases) = self.user_bases(&top) {
                    for b in bases.into_iter().rev() {
                        if !expanded.contains(&b) && !self.mros.borrow().contains_key(&b) {
                            stack.push(b);
                        }
                    }
                }
                continue;
            }
            stack.pop();
            let result = self.compute_mro(&top);
            if self.exhausted() {
                // Out of budget: unknown now, and not remembered (a
                // refilled budget may find it).
                return Err(MroError::Unknown(Unknown::Unshown));
            }
            self.mros.borrow_mut().insert(top, result);
        }
        self.mros
            .borrow()
            .get(c)
            .cloned()
            .unwrap_or(Err(MroError::Inconsistent))
    }

    /// The bases of a class defined in Python source (not a stub), as
    /// classes; an error when one cannot be followed.
    fn user_bases(&self, c: &ClassRef) -> Result<Vec<ClassRef>, MroError> {
        let Some((m, class)) = self.class_model(c) else {
            return Err(MroError::Unknown(Unknown::Unshown));
        };
        if m.is_stub {
            return Ok(Vec::new());
        }
        let mut bases = Vec::new();
        for b in &class.bases {
            let base = self
                .base_class(&m, *b)
                .map_err(|t| MroError::Unknown(Unknown::Base(t)))?;
            let name = self.class_name(&base);
            if matches!(
                name.as_str(),
                "typing.Generic" | "typing.Protocol" | "typing.NamedTuple" | "typing.TypedDict"
            ) {
                return Err(MroError::Unknown(Unknown::Base(name)));
            }
            bases.push(base);
        }
        Ok(bases)
    }

    /// C3 for one class whose bases [`Infer::mro`] has linearized already
    /// (a base without a result is on the stack: a cycle).
    fn compute_mro(&self, c: &ClassRef) -> Result<Vec<ClassRef>, MroError> {
        let Some((m, class)) = self.class_model(c) else {
            return Err(MroError::Unknown(Unknown::Unshown));
        };
        if m.is_stub {
            return self.stub_mro(c, &m, &class);
        }
        let bases = self.user_bases(c)?;
        let object = self.builtin_class("object");
        if bases.is_empty() {
            return Ok(match object {
                Some(o) if o != *c => vec![c.clone(), o],
                _ => vec![c.clone()],
            });
        }
        let mut seqs: Vec<Vec<ClassRef>> = Vec::new();
        for b in &bases {
            let done = self.mros.borrow().get(b).cloned();
            seqs.push(done.unwrap_or(Err(MroError::Inconsistent))?);
        }
        seqs.push(bases);
        let mut out = vec![c.clone()];
        loop {
            seqs.retain(|s| !s.is_empty());
            if seqs.is_empty() {
                return Ok(out);
            }
            if out.len() >= MAX_MRO {
                return Err(MroError::TooLong);
            }
            let head = seqs
                .iter()
                .map(|s| &s[0])
                .find(|h| !seqs.iter().any(|s| s[1..].contains(h)))
                .cloned();
            let Some(head) = head else {
                return Err(MroError::Inconsistent);
            };
            for s in seqs.iter_mut() {
                if s[0] == head {
                    s.remove(0);
                }
            }
            out.push(head);
        }
    }

    /// The MRO of a stdlib class: the runtime's, from the table dumped from
    /// CPython, each entry found in the stubs again.
    fn stub_mro(
        &self,
        c: &ClassRef,
        m: &ModuleModel,
        class: &super::Class,
    ) -> Result<Vec<ClassRef>, MroError> {
        let shown = self.class_name(c);
        let raw = format!("{}.{}", m.name, class.qualname);
        let entries = super::stubs::runtime_mro(&shown)
            .or_else(|| super::stubs::runtime_mro(&raw))
            .ok_or_else(|| MroError::Unknown(Unknown::Class(shown.clone())))?;
        let mut out = vec![c.clone()];
        if let Some(first) = entries.first() {
            self.runtime_names
                .borrow_mut()
                .entry(c.clone())
                .or_insert(first);
        }
        for entry in entries.iter().skip(1) {
            let k = self
                .class_for_qualname(entry)
                .ok_or_else(|| MroError::Unknown(Unknown::Base((*entry).to_string())))?;
            self.runtime_names
                .borrow_mut()
                .entry(k.clone())
                .or_insert(entry);
            if !out.contains(&k) {
                out.push(k);
            }
        }
        Ok(out)
    }

    /// The classes a lookup searches: [`Infer::member_order`] when known,
    /// else the class followed by what its bases' lookups search (good
    /// enough to tell what a class derives from, never shown as an MRO).
    pub fn lookup_order(&self, c: &ClassRef) -> Vec<ClassRef> {
        if let Ok(order) = self.member_order(c) {
            return order;
        }
        // Depth first from an explicit stack (no recursion as deep as a
        // chain of bases), at most [`MAX_MRO`] classes: a base with a known
        // order contributes it whole, one without is followed to its bases.
        let mut out: Vec<ClassRef> = Vec::new();
        let mut seen: HashSet<ClassRef> = HashSet::new();
        let mut stack = vec![c.clone()];
        while let Some(k) = stack.pop() {
            if out.len() >= MAX_MRO {
                break;
            }
            if !seen.insert(k.clone()) {
                continue;
            }
            out.push(k.clone());
            if k != *c {
                if let Ok(order) = self.member_order(&k) {
                    for a in order.into_iter().skip(1) {
                        if seen.insert(a.clone()) {
                            out.push(a);
                        }
                    }
                    continue;
                }
            }
            if let Some((m, class)) = self.class_model(&k) {
                let bases: Vec<ClassRef> = class
                    .bases
                    .iter()
                    .filter_map(|b| self.base_class(&m, *b).ok())
                    .collect();
                stack.extend(bases.into_iter().rev());
            }
        }
        out
    }

    /// The classes whose bodies (or stubs) a member lookup searches: the
    /// runtime MRO, where each stdlib class is followed by the classes its
    /// stub derives it from that the runtime MRO does not list (typeshed
    /// declares the methods of C types such as `dict_items` on the ABCs
    /// they are registered with). A stdlib class without a runtime row is
    /// searched through its stub's bases.
    pub fn member_order(&self, c: &ClassRef) -> Result<Vec<ClassRef>, MroError> {
        self.member_order_owned(c)
            .map(|order| order.into_iter().map(|(k, _)| k).collect())
    }

    /// [`Infer::member_order`], each class paired with the class of the
    /// runtime MRO that a member found in it belongs to at runtime: itself,
    /// or for an ancestor only the stub lists (`Mapping` for `dict`), the
    /// runtime class the stub derives from it.
    pub fn member_order_owned(&self, c: &ClassRef) -> Result<Vec<(ClassRef, ClassRef)>, MroError> {
        if let Some(done) = self.member_orders.borrow().get(c) {
            return done.clone();
        }
        let result = self.compute_member_order(c);
        self.member_orders
            .borrow_mut()
            .insert(c.clone(), result.clone());
        result
    }

    fn compute_member_order(&self, c: &ClassRef) -> Result<OwnedOrder, MroError> {
        let mro = match self.mro(c) {
            Ok(order) => order,
            Err(_) if !self.is_user_class(c) => {
                // No runtime row: the stub's own order, each class its own
                // owner (nothing better is known).
                return Ok(self
                    .typeshed_order(c, 0)
                    .into_iter()
                    .map(|k| (k.clone(), k))
                    .collect());
            }
            Err(e) => return Err(e),
        };
        let mut out: Vec<(ClassRef, ClassRef)> = Vec::with_capacity(mro.len());
        for k in &mro {
            if out.iter().any(|(s, _)| s == k) {
                continue;
            }
            out.push((k.clone(), k.clone()));
            if !self.is_user_class(k) {
                for a in self.typeshed_order(k, 0).into_iter().skip(1) {
                    if !mro.contains(&a) && !out.iter().any(|(s, _)| *s == a) {
                        out.push((a, k.clone()));
                    }
                }
            }
        }
        Ok(out)
    }

    /// A stub class and the classes its stub derives it from, depth first
    /// (bases the model cannot follow and `Protocol`/`Generic` left out).
    fn typeshed_order(&self, c: &ClassRef, depth: u32) -> Vec<ClassRef> {
        let mut out = vec![c.clone()];
        if depth > 24 {
            return out;
        }
        let Some((m, class)) = self.class_model(c) else {
            return out;
        };
        for b in &class.bases {
            let Ok(base) = self.base_class(&m, *b) else {
                continue;
            };
            for k in self.typeshed_order(&base, depth + 1) {
                if !out.contains(&k) {
                    out.push(k);
                }
            }
        }
        // `object` last, as in every MRO.
        if let Some(o) = self.builtin_class("object") {
            if let Some(pos) = out.iter().position(|k| *k == o) {
                let o = out.remove(pos);
                out.push(o);
            }
        }
        out
    }

    /// Where looking `name` up on class `c` finds it.
    pub fn lookup(&self, c: &ClassRef, name: &str) -> Lookup {
        let key = (c.clone(), Box::<str>::from(name));
        if let Some(found) = self.lookups.borrow().get(&key) {
            return found.clone();
        }
        let found = self.lookup_uncached(c, name);
        self.remember(&self.lookups, key, found.clone());
        found
    }

    fn lookup_uncached(&self, c: &ClassRef, name: &str) -> Lookup {
        let order = match self.member_order_owned(c) {
            Ok(order) => order,
            Err(MroError::Unknown(why)) => {
                // The class itself is still searched.
                if let Some(member) = self.own_member(c, name) {
                    if let DecoratorEffect::Unknown(d) = self.class_decorator_effect(c) {
                        return Lookup::Unknown(d);
                    }
                    return Lookup::Found {
                        owner: c.clone(),
                        member,
                    };
                }
                return Lookup::Unknown(why);
            }
            Err(MroError::Inconsistent | MroError::TooLong) => {
                return Lookup::Unknown(Unknown::Class(self.class_name(c)))
            }
        };
        self.lookup_in(&order, name)
    }

    /// The first class of `order` (pairs of [`Infer::member_order_owned`])
    /// that defines `name`. A stdlib class the runtime table knows defines
    /// what `vars(cls)` held in CPython, whatever its stub declares; the
    /// stub (its own or an ancestor's) then only says what the member is.
    fn lookup_in(&self, order: &[(ClassRef, ClassRef)], name: &str) -> Lookup {
        for (k, owner) in order {
            if !self.is_user_class(k) {
                match self.runtime_defines(owner, name) {
                    Some(false) => continue,
                    Some(true) if k == owner => {
                        return Lookup::Found {
                            owner: owner.clone(),
                            member: self.stub_member(k, name),
                        };
                    }
                    // Found on `owner` already, or no table row: the stubs.
                    Some(true) => continue,
                    None => {}
                }
            }
            if let Some(member) = self.own_member(k, name) {
                return Lookup::Found {
                    owner: owner.clone(),
                    member,
                };
            }
            match self.class_decorator_effect(k) {
                DecoratorEffect::Unknown(d) => return Lookup::Unknown(d),
                DecoratorEffect::MayAdd(d, names) if names.contains(&name) => {
                    return Lookup::Unknown(d)
                }
                DecoratorEffect::Adds(by, names) if names.contains(&name) => {
                    return Lookup::Found {
                        owner: owner.clone(),
                        member: Member::Generated(by),
                    }
                }
                _ => {}
            }
        }
        Lookup::Missing
    }

    /// Whether the stdlib class `k` itself defines `name` at runtime, when
    /// the runtime table has a row for it.
    fn runtime_defines(&self, k: &ClassRef, name: &str) -> Option<bool> {
        let runtime = *self.runtime_names.borrow().get(k)?;
        let members = super::stubs::runtime_members(runtime)?;
        Some(members.binary_search(&name).is_ok())
    }

    /// What the stubs say about a member the stdlib class `k` defines at
    /// runtime: the declaration in its stub or the nearest stub ancestor's.
    fn stub_member(&self, k: &ClassRef, name: &str) -> Member {
        self.typeshed_order(k, 0)
            .iter()
            .find_map(|a| self.own_member(a, name))
            .unwrap_or(Member::Runtime)
    }

    /// Like [`Infer::lookup`], searching only the classes after `after` in
    /// the MRO of `c` (what `super().name` in a method of `after` finds).
    pub fn lookup_after(&self, c: &ClassRef, after: &ClassRef, name: &str) -> Lookup {
        let order = match self.member_order_owned(c) {
            Ok(order) => order,
            Err(MroError::Unknown(why)) => return Lookup::Unknown(why),
            Err(MroError::Inconsistent | MroError::TooLong) => {
                return Lookup::Unknown(Unknown::Class(self.class_name(c)))
            }
        };
        if !order.iter().any(|(k, _)| k == after) {
            return Lookup::Missing;
        }
        // Past `after` and the stub-only ancestors attributed to it.
        let rest: Vec<(ClassRef, ClassRef)> = order
            .iter()
            .skip_while(|(k, _)| k != after)
            .skip_while(|(_, owner)| owner == after)
            .cloned()
            .collect();
        self.lookup_in(&rest, name)
    }

    /// What the body of class `c` itself binds to `name` (the last binding,
    /// as at runtime). In user code an annotation without a value binds
    /// nothing (except a `NamedTuple` field or a dataclass field).
    pub fn own_member(&self, c: &ClassRef, name: &str) -> Option<Member> {
        let (m, class) = self.class_model(c)?;
        let ids = m.bindings_in(class.scope, name);
        let last = *ids.iter().rev().find(|id| {
            m.binding(**id).is_some_and(|b| match b.kind {
                BindingKind::Declared { .. } => m.is_stub || self.is_namedtuple(c),
                BindingKind::Deleted => false,
                _ => true,
            })
        })?;
        Some(Member::Binding {
            class: c.clone(),
            id: last,
        })
    }

    /// Whether the body of `c` defines `__hash__`, as `dataclasses` counts
    /// it: `__hash__ = None` next to an `__eq__` does not count (Python
    /// writes that itself for a class that defines `__eq__` only).
    pub fn has_explicit_hash(&self, c: &ClassRef) -> bool {
        let Some(Member::Binding { id, .. }) = self.own_member(c, "__hash__") else {
            return false;
        };
        let Some(m) = self.module(&c.module) else {
            return true;
        };
        let is_none = m.binding(id).is_some_and(|b| {
            matches!(&b.kind, BindingKind::Value { value, steps, .. }
                if steps.is_empty() && matches!(m.expr(*value), Expr::Lit(Lit::None)))
        });
        !(is_none && self.own_member(c, "__eq__").is_some())
    }

    /// Whether `c` is a `typing.NamedTuple` class (written with the class
    /// syntax).
    pub fn is_namedtuple(&self, c: &ClassRef) -> bool {
        let Some((m, class)) = self.class_model(c) else {
            return false;
        };
        class.bases.iter().any(|b| {
            matches!(self.definition(&m, *b), Some((module, name)) if matches!(&*module, "typing" | "typing_extensions") && &*name == "NamedTuple")
        })
    }

    /// Whether `c` is a `TypedDict` class (its bases name `TypedDict`, or
    /// another `TypedDict` class): calling it, or annotating with it, gives
    /// a plain `dict`.
    pub fn is_typeddict(&self, c: &ClassRef) -> bool {
        // Through the MRO (which is safe from cyclic bases): some class
        // of it lists `TypedDict` among its bases.
        self.lookup_order(c).iter().any(|k| {
            self.class_model(k).is_some_and(|(m, class)| {
                class.bases.iter().any(|b| {
                    matches!(self.definition(&m, *b), Some((module, name)) if matches!(&*module, "typing" | "typing_extensions") && &*name == "TypedDict")
                })
            })
        })
    }

    /// Whether `enum.Enum` is among the classes `c` derives from.
    pub fn is_enum(&self, c: &ClassRef) -> bool {
        let Some(e) = self.module_class("enum", "Enum") else {
            return false;
        };
        c != &e && self.lookup_order(c).contains(&e)
    }

    /// What kind of class attribute `member` (found on `owner`) is.
    pub fn attr_kind(&self, member: &Member) -> AttrKind {
        let (owner, b) = match member {
            Member::Generated(_) => return AttrKind::Function,
            Member::Runtime => return AttrKind::Unknown(Unknown::Unshown),
            Member::Binding { class, id } => (class, *id),
        };
        let Some(m) = self.module(&owner.module) else {
            return AttrKind::Unknown(Unknown::Unshown);
        };
        let Some(binding) = m.binding(b) else {
            return AttrKind::Unknown(Unknown::Unshown);
        };
        match &binding.kind {
            BindingKind::Def(f) => self.def_kind(&m, *f),
            BindingKind::Declared { .. } | BindingKind::Value { .. }
                if let Some(why) = self.class_setup_may_set(owner, &binding.name) =>
            {
                AttrKind::Transformed(why)
            }
            BindingKind::Declared { .. } => {
                if self.is_namedtuple(owner) {
                    AttrKind::TupleField
                } else if let Some(kind) = self.decorated_member_kind(owner, &m, binding) {
                    kind
                } else {
                    AttrKind::InstanceAnnotation
                }
            }
            BindingKind::Value { value, .. } => {
                if self.is_namedtuple(owner) {
                    return AttrKind::TupleField;
                }
                if let Some(kind) = self.decorated_member_kind(owner, &m, binding) {
                    return kind;
                }
                let v = self.binding(&m, b);
                if self.is_enum(owner) && !binding.name.starts_with('_') {
                    let is_descriptor_like =
                        matches!(v, Value::Function(_) | Value::Wrapped(..) | Value::Class(_));
                    if !is_descriptor_like {
                        return AttrKind::EnumMember;
                    }
                }
                self.value_kind(&m, &v, *value)
            }
            _ => {
                let v = self.binding(&m, b);
                self.value_kind(&m, &v, 0)
            }
        }
    }

    fn def_kind(&self, m: &Arc<ModuleModel>, f: super::FuncId) -> AttrKind {
        let Some(func) = m.function(f) else {
            return AttrKind::Unknown(Unknown::Unshown);
        };
        let fref = FuncRef {
            module: m.name.clone(),
            id: f,
        };
        // The outermost decorator decides what the class holds.
        for d in &func.decorators {
            match self.known_decorator(m, *d) {
                Some(Decorator::Transparent) => continue,
                Some(Decorator::Wraps(Wrapper::Property)) => return AttrKind::Property(fref),
                Some(Decorator::Wraps(Wrapper::CachedProperty)) => {
                    return AttrKind::CachedProperty(fref)
                }
                Some(Decorator::Wraps(w @ (Wrapper::StaticMethod | Wrapper::ClassMethod))) => {
                    return AttrKind::StaticOrClassMethod(w)
                }
                _ if m.is_stub => continue,
                _ => {
                    // A decorator of the user's: what it gives the class.
                    let f = FuncRef {
                        module: m.name.clone(),
                        id: f,
                    };
                    let _ = &f;
                    return match self.decorated_value(m, f.id) {
                        Value::Instance(c, _) => self.descriptor_class(&c, m, *d),
                        Value::Function(_) => AttrKind::Function,
                        _ => AttrKind::Unknown(Unknown::Decorator(self.render(m, *d))),
                    };
                }
            }
        }
        AttrKind::Function
    }

    /// The kind of a class attribute holding `v` (from expression `e`).
    fn value_kind(&self, m: &Arc<ModuleModel>, v: &Value, e: super::ir::ExprId) -> AttrKind {
        match v {
            Value::Function(_) => AttrKind::Function,
            Value::Wrapped(f, Wrapper::Property) => AttrKind::Property(f.clone()),
            Value::Wrapped(f, Wrapper::CachedProperty) => AttrKind::CachedProperty(f.clone()),
            Value::Wrapped(_, w @ (Wrapper::StaticMethod | Wrapper::ClassMethod)) => {
                AttrKind::StaticOrClassMethod(*w)
            }
            Value::None | Value::Tuple(_) | Value::Module(_) | Value::Class(_) => AttrKind::Plain,
            Value::Instance(class, _) => self.descriptor_class(class, m, e),
            _ => AttrKind::Unknown(Unknown::Value(self.render(m, e))),
        }
    }

    /// An instance of `class` as a class attribute: a descriptor if the
    /// class defines `__get__`/`__set__`/`__delete__`.
    fn descriptor_class(
        &self,
        class: &ClassRef,
        m: &Arc<ModuleModel>,
        e: super::ir::ExprId,
    ) -> AttrKind {
        let mut data = Vec::new();
        let mut get = false;
        for dunder in ["__get__", "__set__", "__delete__"] {
            match self.lookup(class, dunder) {
                Lookup::Found { .. } if dunder == "__get__" => get = true,
                Lookup::Found { .. } => data.push(dunder),
                Lookup::Missing => {}
                Lookup::Unknown(_) => return AttrKind::Unknown(Unknown::Value(self.render(m, e))),
            }
        }
        // `property(...)` assigned as a value.
        if let Some(p) = self.builtin_class("property") {
            if *class == p {
                return AttrKind::DataDescriptor {
                    class: class.clone(),
                    methods: data,
                    get,
                };
            }
        }
        if !data.is_empty() {
            AttrKind::DataDescriptor {
                class: class.clone(),
                methods: data,
                get,
            }
        } else if get {
            AttrKind::NonDataDescriptor {
                class: class.clone(),
            }
        } else {
            AttrKind::Plain
        }
    }

    /// What class `c`'s decorators do to lookups. Known decorators add up
    /// (`@functools.total_ordering` over `@dataclass`); any unknown one
    /// makes the whole effect unknown.
    pub fn class_decorator_effect(&self, c: &ClassRef) -> DecoratorEffect {
        let Some((m, class)) = self.class_model(c) else {
            return DecoratorEffect::None;
        };
        let mut adds: Vec<&'static str> = Vec::new();
        let mut by: Option<&'static str> = None;
        let mut maybe: Option<Unknown> = None;
        for d in &class.decorators {
            let (head, args) = m.callee_and_args(*d);
            // `@Base.register`: registers a virtual subclass, returns it.
            if let Expr::Attr { attr, .. } = m.expr(head) {
                if &**attr == "register" && args.is_none() {
                    continue;
                }
            }
            let def = self.definition(&m, head);
            match def.as_ref().map(|(a, b)| (&**a, &**b)) {
                Some(("dataclasses", "dataclass")) => {
                    match DataclassOptions::read(&m, args, |e| self.render(&m, e)) {
                        Ok(o) => {
                            adds.extend(o.members(self.has_explicit_hash(c)));
                            by.get_or_insert("@dataclass");
                        }
                        Err(_) => {
                            adds.extend(DataclassOptions::MAY_SET);
                            maybe.get_or_insert(Unknown::Decorator(self.render(&m, *d)));
                        }
                    }
                }
                Some(("functools", "total_ordering")) => {
                    adds.extend(ORDERING);
                    by.get_or_insert("@functools.total_ordering");
                }
                Some((
                    "typing" | "typing_extensions",
                    "final" | "runtime_checkable" | "type_check_only" | "dataclass_transform",
                ))
                | Some(("enum", "unique" | "verify")) => {}
                // `unittest.skip(...)` and its kin mark the class and
                // return it.
                Some((
                    "unittest" | "unittest.case",
                    "skip" | "skipIf" | "skipUnless" | "expectedFailure",
                )) => {}
                // A stub's class decorators describe the runtime class
                // (`@disjoint_base`, `@type_check_only`): nothing to add.
                _ if m.is_stub => {}
                _ => return DecoratorEffect::Unknown(Unknown::Decorator(self.render(&m, *d))),
            }
        }
        match (maybe, by) {
            (Some(d), _) => DecoratorEffect::MayAdd(d, adds),
            (None, Some(by)) => DecoratorEffect::Adds(by, adds),
            (None, None) => DecoratorEffect::None,
        }
    }

    /// The options of the `@dataclass` decorating `c`, if one does (`Err`:
    /// an argument the model cannot read).
    fn dataclass_options(&self, c: &ClassRef) -> Option<Result<DataclassOptions, String>> {
        let (m, class) = self.class_model(c)?;
        class.decorators.iter().find_map(|d| {
            let (head, args) = m.callee_and_args(*d);
            let def = self.definition(&m, head)?;
            (&*def.0 == "dataclasses" && &*def.1 == "dataclass")
                .then(|| DataclassOptions::read(&m, args, |e| self.render(&m, e)))
        })
    }

    /// What may set `name` again on a class after its body ran, whatever
    /// the body bound: the metaclass of `owner` (`Unknown::Metaclass`), or
    /// an `__init_subclass__` of `owner` or a base, which runs for every
    /// subclass (`Unknown::InitSubclass`). Only code the model has (not the
    /// stubs) whose method names the attribute (`klass.name = ...`, read or
    /// written) or calls `setattr` counts.
    pub fn class_setup_may_set(&self, owner: &ClassRef, name: &str) -> Option<Unknown> {
        if let Some(meta) = self.metaclass(owner) {
            let order = self.lookup_order(&meta);
            if order
                .iter()
                .any(|k| self.method_names_attr(k, &["__new__", "__init__"], name))
            {
                return Some(Unknown::Metaclass(self.class_name(&meta)));
            }
        }
        self.lookup_order(owner)
            .into_iter()
            .find(|k| self.method_names_attr(k, &["__init_subclass__"], name))
            .map(|k| Unknown::InitSubclass(self.class_name(&k)))
    }

    /// Whether one of `methods`, defined in the body of `class` (from the
    /// code, not the stubs), mentions the attribute `name` or `setattr`.
    fn method_names_attr(&self, class: &ClassRef, methods: &[&str], name: &str) -> bool {
        let Some((m, class)) = self.class_model(class) else {
            return false;
        };
        if m.is_stub {
            return false;
        }
        methods.iter().any(|method| {
            m.bindings_in(class.scope, method).iter().any(|&b| {
                let Some(BindingKind::Def(f)) = m.binding(b).map(|b| &b.kind) else {
                    return false;
                };
                let Some(body) = m.function(*f).map(|f| f.range.clone()) else {
                    return false;
                };
                m.exprs.iter().zip(&m.expr_ranges).any(|(e, r)| {
                    body.start <= r.start
                        && r.end <= body.end
                        && match e {
                            Expr::Attr { attr, .. } => &**attr == name,
                            Expr::Name { name: n, .. } => &**n == "setattr",
                            _ => false,
                        }
                })
            })
        })
    }

    /// What a decorator of the class makes of a name bound in its body by
    /// an assignment or an annotation (`binding`, in module `m`): `None`
    /// when the decorators leave class attributes alone.
    fn decorated_member_kind(
        &self,
        owner: &ClassRef,
        m: &ModuleModel,
        binding: &super::Binding,
    ) -> Option<AttrKind> {
        match self.class_decorator_effect(owner) {
            // `@attrs.define` turns `x = attrs.field()` into a slot; who
            // knows what another decorator does.
            DecoratorEffect::Unknown(d) | DecoratorEffect::MayAdd(d, _) => {
                return Some(AttrKind::Transformed(d))
            }
            DecoratorEffect::None => return None,
            DecoratorEffect::Adds(..) => {}
        }
        let options = self.dataclass_options(owner)?.ok()?;
        let (annotation, value) = match &binding.kind {
            BindingKind::Value {
                annotation: Some(a),
                value,
                steps,
            } if steps.is_empty() => (*a, Some(*value)),
            BindingKind::Declared { annotation } => (*annotation, None),
            _ => return None,
        };
        // `ClassVar` and `InitVar` annotations (also as strings) and the
        // `KW_ONLY` marker are no instance fields.
        let text = self.render(m, annotation);
        if ["ClassVar", "InitVar", "KW_ONLY"]
            .iter()
            .any(|w| text.contains(w))
        {
            return None;
        }
        // `field(init=False)` without a default leaves the instance
        // without the attribute until other code sets it.
        let init_false = value.is_some_and(|v| match m.expr(v) {
            Expr::Call { args, .. } => {
                let kw = |name: &str| {
                    args.iter()
                        .any(|a| matches!(a, Arg::Kw(k, _) if &**k == name))
                };
                args.iter().any(|a| {
                    matches!(a, Arg::Kw(k, e) if &**k == "init" && !matches!(m.expr(*e), Expr::Lit(Lit::True)))
                }) && !kw("default")
                    && !kw("default_factory")
            }
            _ => false,
        });
        Some(AttrKind::DataclassField {
            set_by_init: options.init && !init_false,
        })
    }

    /// The metaclass of `c`: its `metaclass=` keyword, else the most
    /// derived metaclass of its bases, else `type`.
    pub fn metaclass(&self, c: &ClassRef) -> Option<ClassRef> {
        let (m, class) = self.class_model(c)?;
        for (k, v) in &class.keywords {
            if &**k == "metaclass" {
                return match self.expr(&m, *v) {
                    Value::Class(meta) => Some(meta),
                    _ => None,
                };
            }
        }
        let mut best: Option<ClassRef> = None;
        for b in &class.bases {
            let Ok(base) = self.base_class(&m, *b) else {
                return None;
            };
            let meta = self.metaclass(&base)?;
            best = match best {
                None => Some(meta),
                Some(cur) => {
                    if self.lookup_order(&meta).contains(&cur) {
                        Some(meta)
                    } else {
                        Some(cur)
                    }
                }
            };
        }
        best.or_else(|| self.builtin_class("type"))
    }

    /// The type variables of a generic class, in order (`Generic[...]` when
    /// it is listed, else as they first appear in the bases).
    pub fn class_params(&self, c: &ClassRef) -> Vec<super::Name> {
        let Some((m, class)) = self.class_model(c) else {
            return Vec::new();
        };
        let mut params = Vec::new();
        for b in &class.bases {
            let Expr::Subscript { obj, items } = m.expr(*b) else {
                continue;
            };
            let explicit = matches!(
                self.definition(&m, *obj),
                Some((module, name)) if &*module == "typing" && matches!(&*name, "Generic" | "Protocol")
            );
            let mut found = Vec::new();
            for i in items.iter() {
                if let Some(tv) = self.typevar_name(&m, *i) {
                    found.push(tv);
                }
            }
            if explicit && &*self.class_name(c) != "typing.Protocol" {
                return found;
            }
            for tv in found {
                if !params.contains(&tv) {
                    params.push(tv);
                }
            }
        }
        params
    }

    /// The type-variable substitution for members of `owner` read through
    /// `recv` (an instance of `owner` or of a class deriving from it).
    pub fn subst_for(&self, recv: &Value, owner: &ClassRef) -> Subst {
        let (class, args) = match recv {
            Value::Instance(c, args) => (c.clone(), args.to_vec()),
            Value::Tuple(items) => match self.builtin_class("tuple") {
                Some(t) => (t, vec![super::value::join(items.iter().cloned())]),
                None => return Subst::new(),
            },
            _ => return Subst::new(),
        };
        self.subst_path(&class, &args, owner, 0)
    }

    fn subst_path(&self, class: &ClassRef, args: &[Value], owner: &ClassRef, depth: u32) -> Subst {
        let params = self.class_params(class);
        let here: Subst = params
            .iter()
            .cloned()
            .zip(
                args.iter()
                    .cloned()
                    .chain(std::iter::repeat(Value::Unknown)),
            )
            .collect();
        if class == owner || depth > 16 {
            return here;
        }
        let Some((m, c)) = self.class_model(class) else {
            return Subst::new();
        };
        for b in &c.bases {
            let Ok(base) = self.base_class(&m, *b) else {
                continue;
            };
            if base != *owner && !self.lookup_order(&base).contains(owner) {
                continue;
            }
            let base_args: Vec<Value> = match m.expr(*b) {
                Expr::Subscript { items, .. } => {
                    let ctx = AnnCtx {
                        self_type: None,
                        subst: here.clone(),
                    };
                    items
                        .iter()
                        .map(|i| self.annotation(&m, *i, &ctx))
                        .collect()
                }
                _ => Vec::new(),
            };
            return self.subst_path(&base, &base_args, owner, depth + 1);
        }
        Subst::new()
    }

    /// A short display of an expression of the model: dotted names, calls
    /// (`dataclass(…)`), subscripts; `…` for anything else.
    pub fn render(&self, m: &ModuleModel, e: super::ir::ExprId) -> String {
        match m.expr(e) {
            Expr::Name { name, .. } => name.to_string(),
            Expr::Attr { obj, attr } => format!("{}.{attr}", self.render(m, *obj)),
            Expr::Call { func, args } => {
                let inner = if args.is_empty() { "" } else { "…" };
                format!("{}({inner})", self.render(m, *func))
            }
            Expr::Subscript { obj, .. } => format!("{}[…]", self.render(m, *obj)),
            Expr::Lit(Lit::Str(s)) if s.len() < 32 => format!("{s:?}"),
            _ => "…".into(),
        }
    }
}
