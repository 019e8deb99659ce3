//! What *this* code does at runtime, told with the user's own names: the
//! code behind a trigger pattern's `#set! analysis "NAME[:outcome,...]"`.
//!
//! An analysis looks at the matched nodes and asks the semantic model
//! ([`Infer`]) what the receiver holds and where lookups on its class end
//! (through the user's files and the stdlib's stubs); it gives an
//! [`Outcome`]: a facet (the template key `KEY:facet` is tried first, so the
//! sentence fits the case) and the names the sentence needs. A pattern that
//! lists facets applies only when the analysis gives one of them; the note
//! it shows is the pattern's, so which note explains which case stays in
//! the trigger files.
//!
//! The analyses speak about the user's classes (this file's and the
//! workspace's): a receiver that holds a stdlib object gives no outcome, and
//! the chapter's general pattern answers instead. Lookups do go through
//! stdlib bases (`class Registry(dict)` finds `dict.__setitem__`).
//!
//! Each analysis has its own facet enum; [`Analysis::outcomes`] is derived
//! from them, so a facet a pattern names must exist.

use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::args::{Arg, Args, Join, Key, Place, Site};
use super::semantic::infer::Infer;
use super::semantic::ir::{Expr, Lit};
use super::semantic::lookup::{AttrKind, Lookup, Member, MroError, Unknown};
use super::semantic::value::{ClassRef, Value, Wrapper};
use super::semantic::BindingKind;
use super::tree::{is_private_name, snippet};
use super::Parsed;

/// Declares a facet enum (its variants, their names in the trigger files
/// and templates, `ALL`) and its place in [`Facet`].
macro_rules! facets {
    ($(#[$doc:meta])* $name:ident in $any:ident { $($variant:ident => $text:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $text,)* }
            }
        }

        impl From<$name> for Facet {
            fn from(f: $name) -> Facet {
                Facet::$any(f)
            }
        }
    };
}

/// A facet: the case of a construct a sentence is written for (the
/// template key `KEY:facet`). An analysis gives one of its own; the
/// construct's syntax gives the [`SyntaxFacet`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facet {
    Lookup(LookupFacet),
    Super(SuperFacet),
    ClassAttr(ClassAttrFacet),
    With(WithFacet),
    Dispatch(DispatchFacet),
    Construct(ConstructFacet),
    Dataclass(DataclassFacet),
    Syntax(SyntaxFacet),
}

impl Facet {
    /// Its name in the trigger files and templates.
    pub fn name(self) -> &'static str {
        match self {
            Facet::Lookup(f) => f.name(),
            Facet::Super(f) => f.name(),
            Facet::ClassAttr(f) => f.name(),
            Facet::With(f) => f.name(),
            Facet::Dispatch(f) => f.name(),
            Facet::Construct(f) => f.name(),
            Facet::Dataclass(f) => f.name(),
            Facet::Syntax(f) => f.name(),
        }
    }
}

facets! {
    /// What the construct's syntax and values say, whatever the analysis.
    SyntaxFacet in Syntax {
        Generator => "generator",
        Delegating => "delegating",
        Iterable => "iterable",
        EqMethod => "eq-method",
        OrderMethod => "order-method",
        BinaryMethod => "binary-method",
        ReflectedMethod => "reflected-method",
        InplaceMethod => "inplace-method",
        SubclassHook => "subclasshook",
        OtherFunction => "other-function",
    }
}

facets! {
    /// `obj.attr`: which step of the attribute lookup finds `attr`.
    LookupFacet in Lookup {
        DataDescriptor => "data-descriptor",
        DataDescriptorNoGet => "data-descriptor-no-get",
        SetDataDescriptor => "set-data-descriptor",
        NonDataDescriptor => "non-data-descriptor",
        UnknownValue => "unknown-value",
        Ambiguous => "ambiguous",
        Property => "property",
        SetProperty => "set-property",
        CachedProperty => "cached-property",
        TupleField => "tuple-field",
        Getattr => "getattr",
        Getattribute => "getattribute",
        Setattr => "setattr",
        ClassAttr => "class-attr",
        SetShadowsClassAttr => "set-shadows-class-attr",
        MethodShadowed => "method-shadowed",
        DataclassField => "dataclass-field",
        Transformed => "transformed",
        MetaclassSets => "metaclass-sets",
        InitSubclassSets => "init-subclass-sets",
    }
}

facets! {
    /// `super()`: which class's method runs next.
    SuperFacet in Super {
        Known => "known",
        Next => "next",
        Missing => "missing",
        Unknown => "unknown",
    }
}

facets! {
    /// `name = value` in a class body: shadowed by instance attributes?
    ClassAttrFacet in ClassAttr {
        Shadowed => "shadowed",
        Unshadowed => "unshadowed",
    }
}

facets! {
    /// `with expr`: which `__enter__`/`__exit__` run.
    WithFacet in With {
        ClassPropagates => "class-propagates",
        ClassSuppresses => "class-suppresses",
        ClassMaybe => "class-maybe",
        ClassMissing => "class-missing",
        ClassAmbiguous => "class-ambiguous",
        Unknown => "unknown",
    }
}

facets! {
    /// An operator or builtin: which dunder runs.
    DispatchFacet in Dispatch {
        Found => "found",
        Fallback => "fallback",
        Reflected => "reflected",
        ReflectedIf => "reflected-if",
        Missing => "missing",
        MissingBoth => "missing-both",
        Unknown => "unknown",
        Ambiguous => "ambiguous",
    }
}

facets! {
    /// `Cls(...)`: what creating an instance runs.
    ConstructFacet in Construct {
        Metaclass => "metaclass",
        New => "new",
        NewRaises => "new-raises",
        Init => "init",
        InitGenerated => "init-generated",
        Unknown => "unknown",
    }
}

facets! {
    DataclassFacet in Dataclass {
        Unhashable => "unhashable",
        Hashable => "hashable",
        Plain => "plain",
        HashError => "hash-error",
        Unknown => "unknown",
    }
}

/// The result of an analysis: a facet and template arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub facet: Facet,
    pub args: Args,
}

impl Outcome {
    fn new(facet: impl Into<Facet>) -> Outcome {
        Outcome {
            facet: facet.into(),
            args: Args::new(),
        }
    }
    fn arg(mut self, k: Key, v: impl Into<Arg>) -> Outcome {
        self.args.push(k, v);
        self
    }
}

/// The analyses a trigger pattern can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Analysis {
    AttributeLookup,
    Super,
    ClassAttr,
    With,
    Dispatch,
    Construct,
    Dataclass,
}

fn all<F: Copy + Into<Facet>>(all: &[F]) -> Vec<Facet> {
    all.iter().map(|f| (*f).into()).collect()
}

impl Analysis {
    /// Every facet the analysis can give (patterns may list only these).
    pub fn outcomes(self) -> Vec<Facet> {
        match self {
            Analysis::AttributeLookup => all(LookupFacet::ALL),
            Analysis::Super => all(SuperFacet::ALL),
            Analysis::ClassAttr => all(ClassAttrFacet::ALL),
            Analysis::With => all(WithFacet::ALL),
            Analysis::Dispatch => all(DispatchFacet::ALL),
            Analysis::Construct => all(ConstructFacet::ALL),
            Analysis::Dataclass => all(DataclassFacet::ALL),
        }
    }

    pub fn parse(name: &str) -> Option<Analysis> {
        Some(match name {
            "attribute-lookup" => Analysis::AttributeLookup,
            "super" => Analysis::Super,
            "class-attr" => Analysis::ClassAttr,
            "with" => Analysis::With,
            "dispatch" => Analysis::Dispatch,
            "construct" => Analysis::Construct,
            "dataclass" => Analysis::Dataclass,
            _ => return None,
        })
    }
}

/// What an analysis gets from a match.
pub struct Input<'a, 't> {
    pub parsed: &'t Parsed,
    pub infer: &'a Infer<'a>,
    pub anchor: Node<'t>,
    pub construct: Node<'t>,
    pub receiver: Option<Node<'t>>,
    /// `#set! dunders`: the methods a `dispatch` tries, in order.
    pub dunders: &'a [String],
}

impl<'t> Input<'_, 't> {
    fn src(&self) -> &'t [u8] {
        self.parsed.text.as_bytes()
    }
}

/// Runs an analysis; `None`: it has nothing to say about this match.
pub fn run(analysis: Analysis, input: &Input) -> Option<Outcome> {
    match analysis {
        Analysis::AttributeLookup => attribute_lookup(input),
        Analysis::Super => super_call(input),
        Analysis::ClassAttr => class_attr(input),
        Analysis::With => with(input),
        Analysis::Dispatch => dispatch(input),
        Analysis::Construct => construct(input),
        Analysis::Dataclass => dataclass(input),
    }
}

/// What the `@dataclass` decorator (`construct`) writes for the class it
/// decorates, from its arguments and the methods the class body defines
/// (those it keeps). `None` where no sentence fits: nothing is written, or
/// the class statement raises for `order=True` (no `eq`, or an ordering
/// method of its own).
fn dataclass(input: &Input) -> Option<Outcome> {
    use super::semantic::lookup::{DataclassOptions, HashAction, ORDERING};
    let infer = input.infer;
    let class = infer.node_class(input.construct.parent()?.field("definition")?)?;
    let cls = infer.class_name(&class);
    let m = infer.this().clone();
    let expr = input.construct.named_child(0)?;
    let e = m.expr_at(expr.start_byte() as u32..expr.end_byte() as u32)?;
    let opts = match DataclassOptions::read(&m, m.callee_and_args(e).1, |e| infer.render(&m, e)) {
        Ok(o) => o,
        Err(arg) => {
            return Some(unknown(DataclassFacet::Unknown, &Unknown::Value(arg)).arg(Key::Cls, cls))
        }
    };
    let own = |name: &str| infer.own_member(&class, name).is_some();
    if opts.order && (!opts.eq || ORDERING.iter().any(|n| own(n))) {
        return None;
    }
    let explicit_hash = infer.has_explicit_hash(&class);
    // Of the names it sets, the methods the sentence lists; the class's own
    // are kept.
    let methods: Vec<String> = opts
        .members(explicit_hash)
        .into_iter()
        .filter(|n| matches!(*n, "__init__" | "__repr__" | "__eq__") || ORDERING.contains(n))
        .filter(|n| !own(n))
        .map(str::to_string)
        .collect();
    let facet = match opts.hash_action(explicit_hash) {
        HashAction::Raise => {
            return Some(Outcome::new(DataclassFacet::HashError).arg(Key::Cls, cls))
        }
        HashAction::SetNone => DataclassFacet::Unhashable,
        HashAction::Add => DataclassFacet::Hashable,
        HashAction::Keep => DataclassFacet::Plain,
    };
    if methods.is_empty() {
        return None;
    }
    Some(
        Outcome::new(facet)
            .arg(Key::Cls, cls)
            .arg(Key::Methods, code_list(methods, Join::And)),
    )
}

/// Which user class an expression holds an instance of (or is).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Receiver {
    /// An instance of the class or, for all the model knows, of a
    /// subclass (a method's `self`, an annotated parameter).
    Instance(ClassRef),
    Class(ClassRef),
    /// Different on different paths (`None` stands for something that is
    /// not a user class, or unknown).
    Ambiguous(Vec<Option<ClassRef>>),
}

fn receiver(input: &Input, expr: Node) -> Option<Receiver> {
    let infer = input.infer;
    let v = infer.node_value(expr).without_none();
    let user = |c: &ClassRef| infer.is_user_class(c);
    match &v {
        Value::Instance(c, _) if user(c) => Some(Receiver::Instance(c.clone())),
        Value::Class(c) if user(c) => Some(Receiver::Class(c.clone())),
        Value::OneOf(list) => {
            let mut classes: Vec<Option<ClassRef>> = list
                .iter()
                .map(|alt| match alt {
                    Value::Instance(c, _) if user(c) => Some(c.clone()),
                    _ => None,
                })
                .collect();
            if classes.iter().all(Option::is_none) {
                return None;
            }
            classes.dedup();
            Some(Receiver::Ambiguous(classes))
        }
        _ => None,
    }
}

/// `` `A` / `B` `` for an ambiguous receiver; `…` stands for the rest.
fn candidates(infer: &Infer, list: &[Option<ClassRef>]) -> Arg {
    let mut names: Vec<String> = list
        .iter()
        .flatten()
        .map(|c| format!("`{}`", infer.class_name(c)))
        .collect();
    names.sort();
    names.dedup();
    Arg::List {
        items: names,
        join: Join::Or,
        more: list.iter().any(Option::is_none),
    }
}

/// `` `A`, `B` ``: names shown as code.
fn code_list(names: impl IntoIterator<Item = String>, join: Join) -> Arg {
    Arg::List {
        items: names.into_iter().map(|n| format!("`{n}`")).collect(),
        join,
        more: false,
    }
}

fn unknown(facet: impl Into<Facet>, why: &Unknown) -> Outcome {
    Outcome::new(facet).arg(Key::Unknown, why.text())
}

/// The module of a class member, when not this file.
fn other_module(infer: &Infer, m: &super::semantic::ModuleModel) -> Option<String> {
    (*m.name != *infer.this().name).then(|| m.name.to_string())
}

/// The line of a class member, in this file or another of the user's.
fn member_line(infer: &Infer, member: &Member) -> Option<Arg> {
    let Member::Binding { class, id } = member else {
        return None;
    };
    let m = infer.module(&class.module)?;
    let offset = m.binding(*id)?.range.start;
    Some(Arg::Line(Place {
        line: m.line_of(offset) + 1,
        module: other_module(infer, &m),
        cell: None,
    }))
}

/// The `self.attr = …` sites of `classes`, per method (at most three).
fn sites_list(infer: &Infer, classes: &[ClassRef], attr: &str) -> Option<Arg> {
    // (site, first offset): one entry per method, its lines listed.
    let mut sites: Vec<(Site, u32)> = Vec::new();
    for class in classes {
        let m = infer.module(&class.module)?;
        let c = m.class(class.id)?;
        for site in c.self_attrs.get(attr).into_iter().flatten() {
            let method = m
                .function(site.method)
                .map_or("?".into(), |f| f.name.to_string());
            let line = m.line_of(site.range.start) + 1;
            let entry = Site {
                method: format!("{}.{method}", c.name),
                module: other_module(infer, &m),
                lines: vec![line],
            };
            match sites
                .iter_mut()
                .find(|(s, _)| s.method == entry.method && s.module == entry.module)
            {
                Some((s, _)) if !s.lines.contains(&line) => s.lines.push(line),
                Some(_) => {}
                None => sites.push((entry, site.range.start)),
            }
        }
    }
    if sites.is_empty() {
        return None;
    }
    sites.sort_by_key(|s| s.1);
    let more = sites.len() > 3;
    Some(Arg::Sites {
        sites: sites.into_iter().take(3).map(|(s, _)| s).collect(),
        more,
    })
}

/// Whether instances of `class` may get attributes the model cannot list.
fn dynamic_attrs(infer: &Infer, class: &ClassRef) -> bool {
    infer.lookup_order(class).iter().any(|k| {
        infer
            .module(&k.module)
            .and_then(|m| m.class(k.id).map(|c| c.dynamic_attrs))
            .unwrap_or(false)
    })
}

// ---------------------------------------------------------------- attributes

fn attribute_lookup(input: &Input) -> Option<Outcome> {
    let src = input.src();
    let attr = input.anchor.utf8_text(src).ok()?;
    // Private names have their own note (§4.7), dunders their own rules.
    if is_private_name(attr) || (attr.starts_with("__") && attr.ends_with("__")) {
        return None;
    }
    let receiver_node = input.receiver?;
    let store = is_store(input.construct);
    let infer = input.infer;
    let outcome = match receiver(input, receiver_node)? {
        Receiver::Instance(class) => {
            let o = lookup_outcome(input, &class, attr, store)?;
            overridden(input, o, &class, attr)
        }
        Receiver::Class(_) => return None,
        Receiver::Ambiguous(list) => {
            // Worth saying only if one of the classes makes it interesting.
            list.iter()
                .flatten()
                .find_map(|c| lookup_outcome(input, c, attr, store))?;
            Outcome::new(LookupFacet::Ambiguous).arg(Key::Candidates, candidates(infer, &list))
        }
    };
    Some(outcome.arg(Key::Receiver, snippet(receiver_node, src)))
}

/// `obj.attr = value` (also `+=`; `del obj.attr` is not a store).
fn is_store(attribute: Node) -> bool {
    let Some(parent) = attribute.parent() else {
        return false;
    };
    matches!(parent.kind(), "assignment" | "augmented_assignment")
        && parent.field("left") == Some(attribute)
}

fn lookup_outcome(input: &Input, class: &ClassRef, attr: &str, store: bool) -> Option<Outcome> {
    let infer = input.infer;
    let cls = infer.class_name(class);
    let hook = if store {
        "__setattr__"
    } else {
        "__getattribute__"
    };
    if let Lookup::Found { owner, .. } = infer.lookup(class, hook) {
        if infer.is_user_class(&owner) {
            let facet = if store {
                LookupFacet::Setattr
            } else {
                LookupFacet::Getattribute
            };
            return Some(
                Outcome::new(facet)
                    .arg(Key::Owner, infer.class_name(&owner))
                    .arg(Key::Cls, cls)
                    .arg(Key::Hook, hook),
            );
        }
    }
    let order = infer.lookup_order(class);
    let shadow_sites = || sites_list(infer, &order, attr);
    match infer.lookup(class, attr) {
        Lookup::Found { owner, member } => {
            // What the stdlib's classes hold is the table rows' business.
            if !infer.is_user_class(&owner) {
                return None;
            }
            let line = member_line(infer, &member)?;
            let owner_name = infer.class_name(&owner);
            let with_owner = |o: Outcome| {
                o.arg(Key::Owner, owner_name.clone())
                    .arg(Key::Cls, cls.clone())
                    .arg(Key::Line, line.clone())
            };
            match infer.attr_kind(&member) {
                AttrKind::DataDescriptor {
                    class: d,
                    methods,
                    get,
                } => {
                    let methods = code_list(methods.iter().map(|m| m.to_string()), Join::And);
                    let facet = match (store, get) {
                        (true, _) => LookupFacet::SetDataDescriptor,
                        (false, true) => LookupFacet::DataDescriptor,
                        (false, false) => LookupFacet::DataDescriptorNoGet,
                    };
                    Some(
                        with_owner(Outcome::new(facet))
                            .arg(Key::Descriptor, infer.class_name(&d))
                            .arg(Key::Methods, methods),
                    )
                }
                AttrKind::NonDataDescriptor { class: d } => {
                    if dynamic_attrs(infer, class) {
                        return None;
                    }
                    let facet = if store {
                        LookupFacet::SetShadowsClassAttr
                    } else {
                        LookupFacet::NonDataDescriptor
                    };
                    let mut o =
                        with_owner(Outcome::new(facet)).arg(Key::Descriptor, infer.class_name(&d));
                    if let Some(sites) = shadow_sites() {
                        o = o.arg(Key::ShadowedAt, sites);
                    }
                    Some(o)
                }
                AttrKind::Property(_) => Some(with_owner(Outcome::new(if store {
                    LookupFacet::SetProperty
                } else {
                    LookupFacet::Property
                }))),
                AttrKind::CachedProperty(_) if !store => {
                    Some(with_owner(Outcome::new(LookupFacet::CachedProperty)))
                }
                AttrKind::TupleField => Some(with_owner(Outcome::new(LookupFacet::TupleField))),
                AttrKind::Plain | AttrKind::CachedProperty(_) => {
                    if dynamic_attrs(infer, class) {
                        return None;
                    }
                    let facet = if store {
                        LookupFacet::SetShadowsClassAttr
                    } else {
                        LookupFacet::ClassAttr
                    };
                    let mut o = with_owner(Outcome::new(facet));
                    if let Some(sites) = shadow_sites() {
                        o = o.arg(Key::ShadowedAt, sites);
                    }
                    Some(o)
                }
                AttrKind::Function | AttrKind::StaticOrClassMethod(_) => {
                    // A method: interesting only when an instance attribute
                    // of the same name hides it.
                    let sites = shadow_sites()?;
                    Some(
                        with_owner(Outcome::new(LookupFacet::MethodShadowed))
                            .arg(Key::ShadowedAt, sites),
                    )
                }
                AttrKind::Unknown(expr) => {
                    if let Member::Binding { class, id } = &member {
                        let m = infer.module(&class.module)?;
                        if matches!(m.binding(*id).map(|x| &x.kind), Some(BindingKind::Def(_))) {
                            return None;
                        }
                    }
                    Some(
                        with_owner(Outcome::new(LookupFacet::UnknownValue))
                            .arg(Key::Value, expr.text()),
                    )
                }
                AttrKind::DataclassField { set_by_init: true } if !store => {
                    Some(with_owner(Outcome::new(LookupFacet::DataclassField)))
                }
                AttrKind::Transformed(why) if !store => Some(
                    unknown(
                        match why {
                            Unknown::Metaclass(_) => LookupFacet::MetaclassSets,
                            Unknown::InitSubclass(_) => LookupFacet::InitSubclassSets,
                            _ => LookupFacet::Transformed,
                        },
                        &why,
                    )
                    .arg(Key::Owner, owner_name.clone())
                    .arg(Key::Line, line.clone())
                    .arg(Key::Cls, cls.clone()),
                ),
                AttrKind::DataclassField { .. }
                | AttrKind::Transformed(_)
                | AttrKind::EnumMember
                | AttrKind::InstanceAnnotation => None,
            }
        }
        Lookup::Missing if !store => {
            if infer.instance_sites_value(class, attr).is_some() || dynamic_attrs(infer, class) {
                return None;
            }
            match infer.lookup(class, "__getattr__") {
                Lookup::Found { owner, .. } if infer.is_user_class(&owner) => Some(
                    Outcome::new(LookupFacet::Getattr)
                        .arg(Key::Owner, infer.class_name(&owner))
                        .arg(Key::Cls, cls),
                ),
                _ => None,
            }
        }
        Lookup::Missing | Lookup::Unknown(_) => None,
    }
}

/// The subclasses of `class` in this file that define `name` themselves,
/// where the answer differs for their instances (`{overridden}`): `self`
/// in a method, and any other receiver the model knows only as a `class`
/// (a parameter annotated with it may hold a subclass instance).
fn overridden(input: &Input, o: Outcome, class: &ClassRef, name: &str) -> Outcome {
    let infer = input.infer;
    let subs: Vec<String> = infer
        .subclasses_here(class)
        .into_iter()
        .filter(|d| infer.own_member(d, name).is_some())
        .map(|d| infer.class_name(&d))
        .collect();
    if subs.is_empty() {
        return o;
    }
    o.arg(Key::Overridden, code_list(subs, Join::And))
        .arg(Key::OverriddenName, name)
}

// ---------------------------------------------------------------- super()

fn super_call(input: &Input) -> Option<Outcome> {
    let src = input.src();
    let infer = input.infer;
    let model = infer.this().clone();
    // The method `super()` is written in, directly in a class body.
    let f = model.enclosing_function(input.construct.start_byte() as u32)?;
    let func = model.function(f)?;
    if func.is_lambda {
        return None;
    }
    let class = ClassRef {
        module: model.name.clone(),
        id: func.class?,
    };
    let class_name = infer.class_name(&class);
    // `super().name`: the attribute looked up.
    let method = input
        .construct
        .parent()
        .filter(|p| p.kind() == "attribute" && p.field("object") == Some(input.construct))
        .and_then(|p| p.field("attribute"))
        .and_then(|a| a.utf8_text(src).ok());
    let after = |of: &ClassRef| -> Option<Arg> {
        let order = infer.mro(of).ok()?;
        let pos = order.iter().position(|c| *c == class)?;
        Some(code_list(
            order[pos + 1..].iter().map(|c| infer.class_name(c)),
            Join::Arrow,
        ))
    };
    let Some(method) = method else {
        // Plain `super()`: the classes it searches for an instance.
        return match infer.mro(&class) {
            Ok(_) => Some(Outcome::new(SuperFacet::Known).arg(Key::After, after(&class)?)),
            Err(MroError::Unknown(base)) => Some(unknown(SuperFacet::Unknown, &base)),
            Err(MroError::Inconsistent | MroError::TooLong) => None,
        };
    };
    let describe = |l: &Lookup| -> Option<String> {
        match l {
            Lookup::Found { owner, .. } => Some(format!("`{}.{method}`", infer.class_name(owner))),
            Lookup::Missing | Lookup::Unknown(_) => None,
        }
    };
    let own = infer.lookup_after(&class, &class, method);
    let mut outcome = match &own {
        Lookup::Unknown(base) => {
            return Some(unknown(SuperFacet::Unknown, base).arg(Key::Method, method))
        }
        Lookup::Missing => Outcome::new(SuperFacet::Missing),
        Lookup::Found { .. } => Outcome::new(SuperFacet::Next).arg(Key::Next, describe(&own)?),
    };
    outcome = outcome.arg(Key::Method, method);
    // Subclasses whose MRO puts another class after this one.
    let mut others = Vec::new();
    for sub in infer.subclasses_here(&class) {
        let l = infer.lookup_after(&sub, &class, method);
        let (mine, theirs) = (describe(&own), describe(&l));
        match (&l, theirs) {
            (Lookup::Unknown(why), _) => others.push(format!(
                "`{}`: ? (`{}`)",
                infer.class_name(&sub),
                why.text()
            )),
            (_, Some(theirs)) if Some(&theirs) != mine.as_ref() => {
                others.push(format!("`{}`: {theirs}", infer.class_name(&sub)))
            }
            _ => {}
        }
    }
    if !others.is_empty() {
        let more = others.len() > 3;
        others.truncate(3);
        outcome = outcome.arg(
            Key::Others,
            Arg::List {
                items: others,
                join: Join::And,
                more,
            },
        );
    }
    let _ = class_name;
    if let Some(after) = after(&class) {
        outcome = outcome.arg(Key::After, after);
    }
    Some(outcome)
}

// ---------------------------------------------------------------- class attributes

fn class_attr(input: &Input) -> Option<Outcome> {
    let src = input.src();
    let infer = input.infer;
    let name = input.anchor.utf8_text(src).ok()?;
    // construct: the assignment; its statement, the block, the class.
    let class_node = input.construct.parent()?.parent()?.parent()?;
    if class_node.kind() != "class_definition" {
        return None;
    }
    let class = infer.node_class(class_node)?;
    if infer.is_namedtuple(&class) || infer.is_enum(&class) || dynamic_attrs(infer, &class) {
        return None;
    }
    // A field a decorator or the metaclass turns into something else (or
    // sets again on the class) is not one value in the class `__dict__`.
    if let Lookup::Found { member, .. } = infer.lookup(&class, name) {
        if matches!(
            infer.attr_kind(&member),
            AttrKind::Transformed(_) | AttrKind::DataclassField { .. }
        ) {
            return None;
        }
    }
    let mut classes = vec![class.clone()];
    classes.extend(infer.subclasses_here(&class));
    let o = match sites_list(infer, &classes, name) {
        Some(list) => Outcome::new(ClassAttrFacet::Shadowed).arg(Key::ShadowedAt, list),
        None => Outcome::new(ClassAttrFacet::Unshadowed),
    };
    // Instances of a subclass that binds the name again do not share it.
    Some(overridden(input, o, &class, name))
}

// ---------------------------------------------------------------- with

fn with(input: &Input) -> Option<Outcome> {
    let receiver_node = input.receiver?;
    let infer = input.infer;
    let class = match receiver(input, receiver_node)? {
        Receiver::Instance(class) => class,
        Receiver::Class(_) => return None,
        Receiver::Ambiguous(list) => {
            return Some(
                Outcome::new(WithFacet::ClassAmbiguous)
                    .arg(Key::Candidates, candidates(infer, &list)),
            )
        }
    };
    let cls = infer.class_name(&class);
    let is_async = input
        .construct
        .child(0)
        .is_some_and(|c| c.kind() == "async");
    let (enter, exit) = if is_async {
        ("__aenter__", "__aexit__")
    } else {
        ("__enter__", "__exit__")
    };
    let found = |name: &str| match infer.lookup(&class, name) {
        Lookup::Found { owner, member } => Ok(Some((owner, member))),
        Lookup::Missing => Ok(None),
        Lookup::Unknown(why) => Err(why),
    };
    let (enter_at, exit_at) = match (found(enter), found(exit)) {
        (Ok(Some(a)), Ok(Some(b))) => (a, b),
        (Err(why), _) | (_, Err(why)) => {
            return Some(unknown(WithFacet::Unknown, &why).arg(Key::Cls, cls))
        }
        (Ok(entered), Ok(_)) => {
            let missing = if entered.is_none() { enter } else { exit };
            return Some(
                Outcome::new(WithFacet::ClassMissing)
                    .arg(Key::Cls, cls)
                    .arg(Key::Missing, missing),
            );
        }
    };
    let facet = match exit_suppresses(infer, &exit_at.1) {
        Some(true) => WithFacet::ClassSuppresses,
        Some(false) => WithFacet::ClassPropagates,
        None => WithFacet::ClassMaybe,
    };
    Some(
        Outcome::new(facet)
            .arg(Key::Cls, cls)
            .arg(
                Key::Enter,
                format!("{}.{enter}", infer.class_name(&enter_at.0)),
            )
            .arg(
                Key::Exit,
                format!("{}.{exit}", infer.class_name(&exit_at.0)),
            ),
    )
}

/// Whether an `__exit__` can return a true value (which swallows the
/// exception): `Some(false)` when it is annotated `-> None` or every
/// `return` returns nothing, `None` or `False`; `Some(true)` when one
/// returns `True`; `None` when a value is computed.
fn exit_suppresses(infer: &Infer, member: &Member) -> Option<bool> {
    let Member::Binding { class, id } = member else {
        return None;
    };
    let m = infer.module(&class.module)?;
    let BindingKind::Def(f) = m.binding(*id)?.kind else {
        return None;
    };
    let func = m.function(f)?;
    if let Some(ann) = func.returns {
        return match m.expr(ann) {
            Expr::Lit(Lit::None) => Some(false),
            _ => None,
        };
    }
    if m.is_stub {
        return None;
    }
    let mut verdict = Some(false);
    for v in &func.return_values {
        match m.expr(*v) {
            Expr::Lit(Lit::None | Lit::False) => {}
            Expr::Lit(Lit::True) => return Some(true),
            _ => verdict = None,
        }
    }
    verdict
}

// ---------------------------------------------------------------- implicit dunders

/// The user class `expr` holds an instance of (`None`: not a user
/// class's instance; `Err`: an outcome saying it differs by path).
fn instance_of(input: &Input, expr: Node) -> Result<Option<ClassRef>, Outcome> {
    match receiver(input, expr) {
        Some(Receiver::Instance(class)) => Ok(Some(class)),
        Some(Receiver::Ambiguous(list)) => Err(Outcome::new(DispatchFacet::Ambiguous)
            .arg(Key::Candidates, candidates(input.infer, &list))
            .arg(Key::Receiver, snippet(expr, input.src()))),
        Some(Receiver::Class(_)) | None => Ok(None),
    }
}

/// Finds the first of `names` that `class` (or a base other than `object`)
/// defines: (whether a fallback, owner, name), or the outcome saying it
/// cannot be told / none exists.
fn first_of(
    input: &Input,
    class: &ClassRef,
    names: &[&str],
) -> Result<(bool, ClassRef, String), Outcome> {
    let infer = input.infer;
    let object = infer.builtin_class("object");
    for (i, name) in names.iter().enumerate() {
        match infer.lookup(class, name) {
            Lookup::Found { owner, .. } if Some(&owner) != object.as_ref() => {
                return Ok((i > 0, owner, (*name).to_string()))
            }
            Lookup::Found { .. } | Lookup::Missing => {}
            Lookup::Unknown(why) => {
                return Err(unknown(DispatchFacet::Unknown, &why)
                    .arg(Key::Cls, infer.class_name(class))
                    .arg(Key::Dunder, *name))
            }
        }
    }
    Err(Outcome::new(DispatchFacet::Missing)
        .arg(Key::Cls, infer.class_name(class))
        .arg(Key::Dunder, names.first().copied().unwrap_or("")))
}

fn dispatch(input: &Input) -> Option<Outcome> {
    let receiver_node = input.receiver?;
    let src = input.src();
    let kind = input.dunders.first().map(String::as_str);
    let outcome = match kind {
        Some("binary") => binary(input, receiver_node)?,
        Some("augmented") => {
            let op = input.anchor.utf8_text(src).ok()?;
            let (method, _, inplace) = super::semantic::infer::dunders_of(op)?;
            let class = match instance_of(input, receiver_node) {
                Ok(Some(c)) => c,
                Ok(None) => return None,
                Err(o) => return Some(o.arg(Key::Op, op)),
            };
            match first_of(input, &class, &[inplace, method]) {
                Ok((false, owner, name)) => {
                    found(input, DispatchFacet::Found, &class, &owner, &name)
                }
                Ok((true, owner, name)) => {
                    found(input, DispatchFacet::Fallback, &class, &owner, &name)
                        .arg(Key::First, inplace)
                }
                Err(o) => o,
            }
            .arg(Key::Op, op)
        }
        _ => {
            let class = match instance_of(input, receiver_node) {
                Ok(Some(found)) => found,
                Ok(None) => return None,
                Err(o) => return Some(o),
            };
            let names: Vec<&str> = input.dunders.iter().map(String::as_str).collect();
            match first_of(input, &class, &names) {
                Ok((false, owner, name)) => {
                    let o = found(input, DispatchFacet::Found, &class, &owner, &name);
                    overridden(input, o, &class, &name)
                }
                Ok((true, owner, name)) => {
                    let o = found(input, DispatchFacet::Fallback, &class, &owner, &name)
                        .arg(Key::First, names[0]);
                    overridden(input, o, &class, &name)
                }
                Err(o) => o,
            }
        }
    };
    Some(outcome.arg(Key::Receiver, snippet(receiver_node, src)))
}

fn found(
    input: &Input,
    facet: DispatchFacet,
    class: &ClassRef,
    owner: &ClassRef,
    name: &str,
) -> Outcome {
    let infer = input.infer;
    Outcome::new(facet)
        .arg(Key::Cls, infer.class_name(class))
        .arg(Key::Method, format!("{}.{name}", infer.class_name(owner)))
        .arg(Key::Dunder, name)
}

/// `a + b`: the left operand's method, else the right operand's reflected one.
fn binary(input: &Input, left: Node) -> Option<Outcome> {
    let src = input.src();
    let infer = input.infer;
    let op = input.anchor.utf8_text(src).ok()?;
    let (method, reflected, _) = super::semantic::infer::dunders_of(op)?;
    let right = input.construct.field("right")?;
    let left_class = match instance_of(input, left) {
        Ok(c) => c,
        Err(o) => return Some(o.arg(Key::Op, op)),
    };
    let right_class = instance_of(input, right).ok().flatten();
    let out =
        match (&left_class, &right_class) {
            (Some(l), _) => match first_of(input, l, &[method]) {
                Ok((_, owner, name)) => found(input, DispatchFacet::Found, l, &owner, &name)
                    .arg(Key::Reflected, reflected),
                Err(o) if o.facet == DispatchFacet::Missing.into() => match right_class
                    .as_ref()
                    .map(|r| (r, first_of(input, r, &[reflected])))
                {
                    Some((r, Ok((_, owner, name)))) => {
                        found(input, DispatchFacet::Reflected, r, &owner, &name)
                            .arg(Key::LeftCls, infer.class_name(l))
                            .arg(Key::First, method)
                    }
                    Some((r, Err(ro))) if ro.facet == DispatchFacet::Missing.into() => {
                        Outcome::new(DispatchFacet::MissingBoth)
                            .arg(Key::Cls, infer.class_name(l))
                            .arg(Key::Dunder, method)
                            .arg(Key::RightCls, infer.class_name(r))
                            .arg(Key::Reflected, reflected)
                    }
                    _ => o.arg(Key::Reflected, reflected),
                },
                Err(o) => o,
            },
            (None, Some(r)) => match first_of(input, r, &[reflected]) {
                Ok((_, owner, name)) => found(input, DispatchFacet::ReflectedIf, r, &owner, &name)
                    .arg(Key::First, method),
                Err(_) => return None,
            },
            (None, None) => return None,
        };
    Some(out.arg(Key::Op, op).arg(Key::Right, snippet(right, src)))
}

// ---------------------------------------------------------------- Cls(...)

fn construct(input: &Input) -> Option<Outcome> {
    let infer = input.infer;
    let class = match infer.node_value(input.anchor) {
        Value::Class(c) if infer.is_user_class(&c) => c,
        _ => return None,
    };
    let cls = infer.class_name(&class);
    // A metaclass of the user's with its own __call__.
    match infer.metaclass(&class) {
        None => {
            let m = infer.module(&class.module)?;
            let c = m.class(class.id)?;
            let meta = c
                .keywords
                .iter()
                .find(|(k, _)| &**k == "metaclass")
                .map(|(_, v)| infer.render(&m, *v));
            if let Some(meta) = meta {
                return Some(
                    unknown(ConstructFacet::Unknown, &Unknown::Value(meta)).arg(Key::Cls, cls),
                );
            }
        }
        Some(meta) if infer.is_user_class(&meta) => {
            if let Lookup::Found { owner, .. } = infer.lookup(&meta, "__call__") {
                if infer.is_user_class(&owner) {
                    return Some(
                        Outcome::new(ConstructFacet::Metaclass)
                            .arg(Key::Cls, cls)
                            .arg(Key::Meta, infer.class_name(&meta))
                            .arg(Key::Call, format!("{}.__call__", infer.class_name(&owner))),
                    );
                }
            }
        }
        Some(_) => {}
    }
    // Where `__new__` and `__init__` are found: (display, user's code?,
    // written by a decorator, always raises).
    let step = |name: &str| -> Result<(String, bool, Option<&'static str>, bool), Unknown> {
        match infer.lookup(&class, name) {
            Lookup::Found {
                owner,
                member: Member::Generated(by),
            } => Ok((
                format!("{}.{name}", infer.class_name(&owner)),
                true,
                Some(by),
                false,
            )),
            Lookup::Found {
                owner,
                member: Member::Binding { class: defined, id },
            } => {
                let raises = infer
                    .module(&defined.module)
                    .and_then(|m| match m.binding(id)?.kind {
                        BindingKind::Def(f) => Some(m.function(f)?.always_raises),
                        _ => None,
                    })
                    .unwrap_or(false);
                Ok((
                    format!("{}.{name}", infer.class_name(&owner)),
                    infer.is_user_class(&owner),
                    None,
                    raises,
                ))
            }
            Lookup::Found {
                owner,
                member: Member::Runtime,
            } => Ok((
                format!("{}.{name}", infer.class_name(&owner)),
                false,
                None,
                false,
            )),
            Lookup::Missing => Ok((format!("object.{name}"), false, None, false)),
            Lookup::Unknown(why) => Err(why),
        }
    };
    match (step("__new__"), step("__init__")) {
        (Ok(new), Ok(init)) => {
            if !new.1 && !init.1 {
                // Nothing of the user's runs: not worth a hover.
                return None;
            }
            let facet = if new.1 && new.3 {
                ConstructFacet::NewRaises
            } else if new.1 {
                ConstructFacet::New
            } else if init.2.is_some() {
                ConstructFacet::InitGenerated
            } else {
                ConstructFacet::Init
            };
            let mut o = Outcome::new(facet)
                .arg(Key::Cls, cls)
                .arg(Key::New, new.0)
                .arg(Key::Init, init.0);
            if let Some(by) = init.2 {
                o = o.arg(Key::Decorator, by);
            }
            Some(o)
        }
        // A class decorator may write `__init__`: worth saying. A
        // third-party base is the common case with nothing to add.
        (Err(why @ Unknown::Decorator(_)), _) | (_, Err(why @ Unknown::Decorator(_))) => {
            Some(unknown(ConstructFacet::Unknown, &why).arg(Key::Cls, cls))
        }
        _ => None,
    }
}

/// Decorators this module knows by name, for sentences.
pub fn wrapper_name(w: Wrapper) -> &'static str {
    match w {
        Wrapper::ContextManager => "contextlib.contextmanager",
        Wrapper::AsyncContextManager => "contextlib.asynccontextmanager",
        Wrapper::Cached => "functools.lru_cache",
        Wrapper::Property => "property",
        Wrapper::CachedProperty => "functools.cached_property",
        Wrapper::StaticMethod => "staticmethod",
        Wrapper::ClassMethod => "classmethod",
    }
}
