//! Reusing a statement's part of the previous version's model.
//!
//! The builder walks statements in order and a statement's walk only adds
//! to the model's tables, so each statement of the module and of a class
//! body outside functions owns a contiguous run of every table
//! ([`UnitPart`]). When the next version of the file has the same statement
//! in the same place (the same bytes, parsed without errors, in a class of
//! the same qualified name), its part is copied instead of walked again:
//! ids moved to where the tables now end, byte offsets moved with the
//! statement's text. What a part may point to outside itself is the module
//! scope, the root branch path (id 0 of each) and, in a class body, the
//! class and its scope; anything else, or an offset outside the statement,
//! means the part cannot be moved and the statement is walked.

use std::ops::Range;

use super::ir::{Arg, Expr, ExprId};
use super::{
    Binding, BindingKind, Class, ClassId, Counts, FastMap, Function, ModuleModel, Name, Param,
    PathNode, Scope, ScopeId, ScopeKind, SelfAttr, UnitPart,
};

/// Where one part's ids and offsets go.
struct Shift {
    from: Counts,
    to: Counts,
    at: Counts,
    old_range: Range<u32>,
    delta: i64,
    /// The class whose body the statement is in: its scope and id in the
    /// previous model, then in this one.
    class: Option<((ScopeId, ClassId), (ScopeId, ClassId))>,
}

/// `id` of a table whose part in the old model is `from..to`, moved to
/// start at `at`; `shared` ids (the module scope, the root path) stay.
fn moved(id: u32, from: u32, to: u32, at: u32, shared: bool) -> Option<u32> {
    if (from..to).contains(&id) {
        Some(id - from + at)
    } else if shared && id == 0 {
        Some(0)
    } else {
        None
    }
}

/// An optional field moved by `f`: `None` stays `None`, a field that
/// cannot be moved makes the whole `None`.
fn opt<T, U>(field: Option<T>, f: impl FnOnce(T) -> Option<U>) -> Option<Option<U>> {
    match field {
        Some(x) => f(x).map(Some),
        None => Some(None),
    }
}

impl Shift {
    fn expr_id(&self, id: ExprId) -> Option<ExprId> {
        moved(id, self.from.exprs, self.to.exprs, self.at.exprs, false)
    }
    fn scope(&self, id: u32) -> Option<u32> {
        match self.class {
            Some(((old, _), (new, _))) if id == old => Some(new),
            _ => moved(id, self.from.scopes, self.to.scopes, self.at.scopes, true),
        }
    }
    fn binding_id(&self, id: u32) -> Option<u32> {
        moved(
            id,
            self.from.bindings,
            self.to.bindings,
            self.at.bindings,
            false,
        )
    }
    fn function_id(&self, id: u32) -> Option<u32> {
        moved(
            id,
            self.from.functions,
            self.to.functions,
            self.at.functions,
            false,
        )
    }
    fn class_id(&self, id: u32) -> Option<u32> {
        match self.class {
            Some(((_, old), (_, new))) if id == old => Some(new),
            _ => moved(
                id,
                self.from.classes,
                self.to.classes,
                self.at.classes,
                false,
            ),
        }
    }

    fn counts(&self, c: Counts) -> Option<Counts> {
        let at =
            |c: u32, from: u32, to: u32, at: u32| (from..=to).contains(&c).then(|| c - from + at);
        let (f, t, a) = (self.from, self.to, self.at);
        Some(Counts {
            exprs: at(c.exprs, f.exprs, t.exprs, a.exprs)?,
            scopes: at(c.scopes, f.scopes, t.scopes, a.scopes)?,
            bindings: at(c.bindings, f.bindings, t.bindings, a.bindings)?,
            functions: at(c.functions, f.functions, t.functions, a.functions)?,
            classes: at(c.classes, f.classes, t.classes, a.classes)?,
            paths: at(c.paths, f.paths, t.paths, a.paths)?,
        })
    }

    /// A part inside this one (a statement of a class body it holds).
    fn unit(&self, u: &UnitPart) -> Option<UnitPart> {
        Some(UnitPart {
            range: self.range(&u.range)?,
            start: self.counts(u.start)?,
            end: self.counts(u.end)?,
            class: opt(u.class, |c| self.class_id(c))?,
            nested: u.nested,
            depth: u.depth,
            reusable: u.reusable,
        })
    }

    fn self_attr(&self, s: &SelfAttr) -> Option<SelfAttr> {
        Some(SelfAttr {
            method: self.function_id(s.method)?,
            range: self.range(&s.range)?,
            value: match &s.value {
                Some((e, steps)) => Some((self.expr_id(*e)?, steps.clone())),
                None => None,
            },
            annotation: self.opt_expr(s.annotation)?,
        })
    }
    fn path(&self, id: u32) -> Option<u32> {
        moved(id, self.from.paths, self.to.paths, self.at.paths, true)
    }

    fn offset(&self, o: u32) -> Option<u32> {
        if !(self.old_range.start..=self.old_range.end).contains(&o) {
            return None;
        }
        u32::try_from(i64::from(o) + self.delta).ok()
    }

    fn range(&self, r: &Range<u32>) -> Option<Range<u32>> {
        Some(self.offset(r.start)?..self.offset(r.end)?)
    }

    fn ranges(&self, rs: &[Range<u32>]) -> Option<Vec<Range<u32>>> {
        rs.iter().map(|r| self.range(r)).collect()
    }

    fn opt_expr(&self, id: Option<ExprId>) -> Option<Option<ExprId>> {
        opt(id, |e| self.expr_id(e))
    }

    fn expr_ids(&self, ids: &[ExprId]) -> Option<Box<[ExprId]>> {
        ids.iter().map(|&e| self.expr_id(e)).collect()
    }

    fn expr(&self, e: &Expr) -> Option<Expr> {
        Some(match e {
            Expr::Name {
                name,
                at,
                scope,
                path,
            } => Expr::Name {
                name: name.clone(),
                at: self.offset(*at)?,
                scope: self.scope(*scope)?,
                path: self.path(*path)?,
            },
            Expr::Attr { obj, attr } => Expr::Attr {
                obj: self.expr_id(*obj)?,
                attr: attr.clone(),
            },
            Expr::Call { func, args } => Expr::Call {
                func: self.expr_id(*func)?,
                args: args
                    .iter()
                    .map(|a| {
                        Some(match a {
                            Arg::Pos(e) => Arg::Pos(self.expr_id(*e)?),
                            Arg::Star(e) => Arg::Star(self.expr_id(*e)?),
                            Arg::Kw(k, e) => Arg::Kw(k.clone(), self.expr_id(*e)?),
                            Arg::DoubleStar(e) => Arg::DoubleStar(self.expr_id(*e)?),
                        })
                    })
                    .collect::<Option<_>>()?,
            },
            Expr::Subscript { obj, items } => Expr::Subscript {
                obj: self.expr_id(*obj)?,
                items: self.expr_ids(items)?,
            },
            Expr::Tuple(items) => Expr::Tuple(self.expr_ids(items)?),
            Expr::List(items) => Expr::List(self.expr_ids(items)?),
            Expr::Set(items) => Expr::Set(self.expr_ids(items)?),
            Expr::Dict(pairs) => Expr::Dict(
                pairs
                    .iter()
                    .map(|(k, v)| Some((self.opt_expr(*k)?, self.expr_id(*v)?)))
                    .collect::<Option<_>>()?,
            ),
            Expr::Comp { kind, elt, value } => Expr::Comp {
                kind: *kind,
                elt: self.expr_id(*elt)?,
                value: self.opt_expr(*value)?,
            },
            Expr::BinOp { op, left, right } => Expr::BinOp {
                op: op.clone(),
                left: self.expr_id(*left)?,
                right: self.expr_id(*right)?,
            },
            Expr::Unary { op, operand } => Expr::Unary {
                op: op.clone(),
                operand: self.expr_id(*operand)?,
            },
            Expr::BoolOp { left, right } => Expr::BoolOp {
                left: self.expr_id(*left)?,
                right: self.expr_id(*right)?,
            },
            Expr::IfExp { then, other } => Expr::IfExp {
                then: self.expr_id(*then)?,
                other: self.expr_id(*other)?,
            },
            Expr::Await(e) => Expr::Await(self.expr_id(*e)?),
            Expr::YieldFrom(e) => Expr::YieldFrom(self.expr_id(*e)?),
            Expr::Walrus(e) => Expr::Walrus(self.expr_id(*e)?),
            Expr::Starred(e) => Expr::Starred(self.expr_id(*e)?),
            Expr::Lambda(f) => Expr::Lambda(self.function_id(*f)?),
            Expr::Lit(_) | Expr::Bool | Expr::Yield | Expr::Other => e.clone(),
        })
    }

    fn scope_data(&self, s: &Scope) -> Option<Scope> {
        let mut names = FastMap::default();
        names.reserve(s.names.len());
        for (name, ids) in &s.names {
            let ids = ids
                .iter()
                .map(|&b| self.binding_id(b))
                .collect::<Option<_>>()?;
            names.insert(name.clone(), ids);
        }
        Some(Scope {
            kind: match s.kind {
                ScopeKind::Module => return None,
                ScopeKind::Class(c) => ScopeKind::Class(self.class_id(c)?),
                ScopeKind::Function(f) => ScopeKind::Function(self.function_id(f)?),
                ScopeKind::Comprehension => ScopeKind::Comprehension,
            },
            parent: opt(s.parent, |p| self.scope(p))?,
            path: self.path(s.path)?,
            ranges: self.ranges(&s.ranges)?,
            children: s
                .children
                .iter()
                .map(|&c| self.scope(c))
                .collect::<Option<_>>()?,
            names,
            globals: s.globals.clone(),
            nonlocals: s.nonlocals.clone(),
            star_imports: s.star_imports.clone(),
        })
    }

    fn binding(&self, b: &Binding) -> Option<Binding> {
        let kind = match &b.kind {
            BindingKind::Value {
                value,
                steps,
                annotation,
            } => BindingKind::Value {
                value: self.expr_id(*value)?,
                steps: steps.clone(),
                annotation: self.opt_expr(*annotation)?,
            },
            BindingKind::Declared { annotation } => BindingKind::Declared {
                annotation: self.expr_id(*annotation)?,
            },
            BindingKind::AugAssign { op, value } => BindingKind::AugAssign {
                op: op.clone(),
                value: self.expr_id(*value)?,
            },
            BindingKind::For {
                iter,
                steps,
                is_async,
            } => BindingKind::For {
                iter: self.expr_id(*iter)?,
                steps: steps.clone(),
                is_async: *is_async,
            },
            BindingKind::With {
                ctx,
                steps,
                is_async,
            } => BindingKind::With {
                ctx: self.expr_id(*ctx)?,
                steps: steps.clone(),
                is_async: *is_async,
            },
            BindingKind::Param { func, index } => BindingKind::Param {
                func: self.function_id(*func)?,
                index: *index,
            },
            BindingKind::Def(f) => BindingKind::Def(self.function_id(*f)?),
            BindingKind::Class(c) => BindingKind::Class(self.class_id(*c)?),
            BindingKind::Except { types, star } => BindingKind::Except {
                types: self.opt_expr(*types)?,
                star: *star,
            },
            BindingKind::Import { .. }
            | BindingKind::ImportFrom { .. }
            | BindingKind::Deleted
            | BindingKind::Other => b.kind.clone(),
        };
        Some(Binding {
            name: b.name.clone(),
            scope: self.scope(b.scope)?,
            range: self.range(&b.range)?,
            at: self.offset(b.at)?,
            path: self.path(b.path)?,
            kind,
        })
    }

    fn function(&self, f: &Function) -> Option<Function> {
        Some(Function {
            name: f.name.clone(),
            range: self.range(&f.range)?,
            decorated: opt(f.decorated.as_ref(), |r| self.range(r))?,
            scope: self.scope(f.scope)?,
            outer: self.scope(f.outer)?,
            class: opt(f.class, |c| self.class_id(c))?,
            params: f
                .params
                .iter()
                .map(|p| {
                    Some(Param {
                        name: p.name.clone(),
                        kind: p.kind,
                        annotation: self.opt_expr(p.annotation)?,
                        default: self.opt_expr(p.default)?,
                    })
                })
                .collect::<Option<_>>()?,
            decorators: self.expr_ids(&f.decorators)?.into_vec(),
            returns: self.opt_expr(f.returns)?,
            is_async: f.is_async,
            is_lambda: f.is_lambda,
            has_yield: f.has_yield,
            return_values: self.expr_ids(&f.return_values)?.into_vec(),
            returns_none: f.returns_none,
            always_raises: f.always_raises,
            yield_froms: self.expr_ids(&f.yield_froms)?.into_vec(),
        })
    }

    fn class(&self, c: &Class) -> Option<Class> {
        let mut self_attrs = FastMap::default();
        self_attrs.reserve(c.self_attrs.len());
        for (name, sites) in &c.self_attrs {
            let sites = sites
                .iter()
                .map(|s| self.self_attr(s))
                .collect::<Option<_>>()?;
            self_attrs.insert(name.clone(), sites);
        }
        Some(Class {
            name: c.name.clone(),
            qualname: c.qualname.clone(),
            range: self.range(&c.range)?,
            decorated: opt(c.decorated.as_ref(), |r| self.range(r))?,
            scope: self.scope(c.scope)?,
            outer: self.scope(c.outer)?,
            bases: self.expr_ids(&c.bases)?.into_vec(),
            keywords: c
                .keywords
                .iter()
                .map(|(k, e)| Some((k.clone(), self.expr_id(*e)?)))
                .collect::<Option<_>>()?,
            decorators: self.expr_ids(&c.decorators)?.into_vec(),
            self_attrs,
            dynamic_attrs: c.dynamic_attrs,
        })
    }
}

/// The part of table `all` from `from` to `to`, each entry moved by `f`.
fn part<T, U>(all: &[T], from: u32, to: u32, f: impl Fn(&T) -> Option<U>) -> Option<Vec<U>> {
    all.get(from as usize..to as usize)?.iter().map(f).collect()
}

/// A part of the previous model, moved to where it goes in the new one.
struct Piece {
    exprs: Vec<Expr>,
    expr_ranges: Vec<Range<u32>>,
    scopes: Vec<Scope>,
    bindings: Vec<Binding>,
    functions: Vec<Function>,
    classes: Vec<Class>,
    paths: Vec<PathNode>,
    /// The parts inside it (its class bodies' statements).
    units: Vec<UnitPart>,
    /// The instance attribute sites its methods add to the class around it.
    attrs: Vec<(Name, SelfAttr)>,
}

impl Shift {
    /// Part `k` of `old` moved, or `None` if something in it cannot be.
    fn piece(&self, old: &ModuleModel, k: usize, nested: u32) -> Option<Piece> {
        let (f, t) = (self.from, self.to);
        let mut attrs = Vec::new();
        if let Some(((_, old_class), _)) = self.class {
            for (name, sites) in &old.class(old_class)?.self_attrs {
                for site in sites {
                    if (f.functions..t.functions).contains(&site.method) {
                        attrs.push((name.clone(), self.self_attr(site)?));
                    }
                }
            }
        }
        let first = (k as u32).checked_sub(nested)?;
        Some(Piece {
            exprs: part(&old.exprs, f.exprs, t.exprs, |e| self.expr(e))?,
            expr_ranges: part(&old.expr_ranges, f.exprs, t.exprs, |r| self.range(r))?,
            scopes: part(&old.scopes, f.scopes, t.scopes, |x| self.scope_data(x))?,
            bindings: part(&old.bindings, f.bindings, t.bindings, |b| self.binding(b))?,
            functions: part(&old.functions, f.functions, t.functions, |x| {
                self.function(x)
            })?,
            classes: part(&old.classes, f.classes, t.classes, |c| self.class(c))?,
            paths: part(&old.paths, f.paths, t.paths, |p| {
                Some(PathNode {
                    parent: self.path(p.parent)?,
                    is_loop: p.is_loop,
                })
            })?,
            units: part(&old.units, first, k as u32, |u| self.unit(u))?,
            attrs,
        })
    }
}

/// Appends to `m` the part `k` of `old` (and the parts inside it), for
/// the same statement now at `range`, as walking it would have; `class` is
/// the class whose body it is in (scope and id in `old`, then in `m`).
/// `false` (and `m` untouched) when the part points outside itself in a way
/// that cannot be moved.
pub(super) fn splice(
    m: &mut ModuleModel,
    old: &ModuleModel,
    k: usize,
    range: Range<u32>,
    class: Option<((ScopeId, ClassId), (ScopeId, ClassId))>,
) -> bool {
    let Some(unit) = old.units.get(k) else {
        return false;
    };
    if !unit.reusable
        || range.len() != unit.range.len()
        || unit.class != class.map(|((_, old_id), _)| old_id)
    {
        return false;
    }
    let s = Shift {
        from: unit.start,
        to: unit.end,
        at: m.counts(),
        old_range: unit.range.clone(),
        delta: i64::from(range.start) - i64::from(unit.range.start),
        class,
    };
    let Some(piece) = s.piece(old, k, unit.nested) else {
        return false;
    };
    // What the walk adds outside the part, in the order it adds it: the
    // nested scopes and the bindings of the scope it runs in (or of the
    // module, for `global`), the instance attributes of its class.
    let outside = |id: ScopeId| id < s.at.scopes;
    for (i, scope) in piece.scopes.iter().enumerate() {
        if let Some(parent) = scope.parent.filter(|p| outside(*p)) {
            if let Some(p) = m.scopes.get_mut(parent as usize) {
                p.children.push(s.at.scopes + i as u32);
            }
        }
    }
    for (i, b) in piece.bindings.iter().enumerate() {
        if outside(b.scope) {
            if let Some(sc) = m.scopes.get_mut(b.scope as usize) {
                let id = s.at.bindings + i as u32;
                sc.names.entry(b.name.clone()).or_default().push(id);
            }
        }
    }
    if let Some((_, (_, new_class))) = class {
        if let Some(c) = m.classes.get_mut(new_class as usize) {
            for (name, site) in piece.attrs {
                c.self_attrs.entry(name).or_default().push(site);
            }
        }
    }
    m.exprs.extend(piece.exprs);
    m.expr_ranges.extend(piece.expr_ranges);
    m.scopes.extend(piece.scopes);
    m.bindings.extend(piece.bindings);
    m.functions.extend(piece.functions);
    m.classes.extend(piece.classes);
    m.paths.extend(piece.paths);
    m.units.extend(piece.units);
    true
}
