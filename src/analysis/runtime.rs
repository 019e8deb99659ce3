//! What *this* code does at runtime, told with the module's own names: the
//! code behind a trigger pattern's `#set! analysis "NAME[:outcome,...]"`.
//!
//! An analysis looks at the matched nodes and the module's classes
//! ([`Classes`]) and gives an [`Outcome`]: a facet (the template key
//! `KEY:facet` is tried first, so the sentence fits the case) and the names
//! the sentence needs. A pattern that lists outcomes applies only when the
//! analysis gives one of them; the note it shows is the pattern's, so which
//! note explains which case stays in the trigger files.
//!
//! Analyses:
//! - `attribute-lookup` (on `obj.attr`, `@receiver` = `obj`): which step of
//!   the attribute lookup finds `attr` (data descriptor, property, instance
//!   attribute shadowing a class attribute, `__getattr__` fallback, ...).
//! - `super` (on `super()`): which class's method runs next, for the class
//!   and for each module subclass where that differs.
//! - `class-attr` (on `name = value` in a class body): where the module
//!   assigns `self.name`, shadowing it per instance.
//! - `with` (on `with expr`, `@receiver` = `expr`): `__enter__`/`__exit__`.
//! - `dispatch` (`@receiver`, `#set! dunders "__iter__ __getitem__"` or
//!   `binary`/`augmented`): the first dunder the receiver's class has.
//! - `construct` (on `Cls(...)`): metaclass `__call__`, `__new__`, `__init__`.

use std::cell::OnceCell;

use tree_sitter::Node;

use super::classes::{enclosing_method, AttrKind, Classes, Lookup, Receiver};
use super::explain::{is_private_name, snippet};
use super::text::Encoding;
use super::Parsed;

/// The result of an analysis: a facet and template arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub facet: &'static str,
    pub args: Vec<(String, String)>,
}

impl Outcome {
    fn new(facet: &'static str) -> Outcome {
        Outcome {
            facet,
            args: Vec::new(),
        }
    }
    fn arg(mut self, k: &str, v: impl Into<String>) -> Outcome {
        self.args.push((k.to_string(), v.into()));
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
}

impl Analysis {
    /// Every facet the analysis can give (patterns may list only these).
    pub fn outcomes(self) -> &'static [&'static str] {
        match self {
            Analysis::AttributeLookup => &[
                "data-descriptor",
                "data-descriptor-no-get",
                "set-data-descriptor",
                "non-data-descriptor",
                "unknown-value",
                "ambiguous",
                "property",
                "set-property",
                "cached-property",
                "getattr",
                "getattribute",
                "setattr",
                "class-attr",
                "set-shadows-class-attr",
                "method-shadowed",
            ],
            Analysis::Super => &["known", "next", "missing", "unknown"],
            Analysis::ClassAttr => &["shadowed", "unshadowed"],
            Analysis::With => &[
                "class-propagates",
                "class-suppresses",
                "class-maybe",
                "class-missing",
                "class-ambiguous",
                "unknown",
            ],
            Analysis::Dispatch => &[
                "found",
                "fallback",
                "reflected",
                "reflected-if",
                "missing",
                "missing-both",
                "unknown",
                "ambiguous",
            ],
            Analysis::Construct => &["metaclass", "new", "init", "unknown"],
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
            _ => return None,
        })
    }
}

/// What an analysis gets from a match.
pub struct Input<'a, 't> {
    pub parsed: &'t Parsed,
    /// Built on first use and shared by every pattern of one request.
    pub classes: &'a OnceCell<Classes<'t>>,
    pub anchor: Node<'t>,
    pub construct: Node<'t>,
    pub receiver: Option<Node<'t>>,
    /// `#set! dunders`: the methods a `dispatch` tries, in order.
    pub dunders: &'a [String],
}

impl<'t> Input<'_, 't> {
    fn classes(&self) -> &Classes<'t> {
        self.classes.get_or_init(|| Classes::new(self.parsed))
    }
    fn src(&self) -> &'t [u8] {
        self.parsed.text.as_bytes()
    }
    fn line(&self, offset: usize) -> String {
        (self.parsed.line_col(offset, Encoding::Utf8).line + 1).to_string()
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
    }
}

/// `` `A` / `B` `` for an ambiguous receiver; `…` stands for bindings that
/// are not instances of a module class.
fn candidates(list: &[Option<String>]) -> String {
    let mut names: Vec<String> = list.iter().flatten().map(|c| format!("`{c}`")).collect();
    if list.iter().any(Option::is_none) {
        names.push("…".to_string());
    }
    names.join(" / ")
}

fn unknown(why: &str) -> Outcome {
    Outcome::new("unknown").arg("unknown", why)
}

// ---------------------------------------------------------------- attributes

fn attribute_lookup(input: &Input) -> Option<Outcome> {
    let src = input.src();
    let attr = input.anchor.utf8_text(src).ok()?;
    // Private names have their own note (§4.7), dunders their own rules.
    if is_private_name(attr) || (attr.starts_with("__") && attr.ends_with("__")) {
        return None;
    }
    let receiver = input.receiver?;
    let classes = input.classes();
    let store = is_store(input.construct);
    let outcome = match classes.receiver(receiver)? {
        Receiver::Instance { class, via_self } => {
            let o = lookup_outcome(input, &class, attr, store)?;
            overridden(input, o, &class, attr, via_self)
        }
        Receiver::Class(_) => return None,
        Receiver::Ambiguous(list) => {
            // Worth saying only if one of the classes makes it interesting.
            list.iter()
                .flatten()
                .find_map(|c| lookup_outcome(input, c, attr, store))?;
            Outcome::new("ambiguous").arg("candidates", candidates(&list))
        }
    };
    Some(outcome.arg("receiver", snippet(receiver, src)))
}

/// `obj.attr = value` (also `+=`, `del obj.attr` is not a store).
fn is_store(attribute: Node) -> bool {
    let Some(parent) = attribute.parent() else {
        return false;
    };
    matches!(parent.kind(), "assignment" | "augmented_assignment")
        && parent.child_by_field_name("left") == Some(attribute)
}

fn lookup_outcome(input: &Input, class: &str, attr: &str, store: bool) -> Option<Outcome> {
    let classes = input.classes();
    let hook = if store {
        "__setattr__"
    } else {
        "__getattribute__"
    };
    if let Lookup::Found { owner, .. } = classes.lookup(class, hook) {
        let facet = if store { "setattr" } else { "getattribute" };
        return Some(
            Outcome::new(facet)
                .arg("owner", owner)
                .arg("cls", class)
                .arg("hook", hook),
        );
    }
    let shadow_sites = || sites_list(input, &classes.instance_assignments(class, attr));
    match classes.lookup(class, attr) {
        Lookup::Found { owner, member } => {
            let line = input.line(member.node.start_byte());
            let with_owner = |o: Outcome| {
                o.arg("owner", owner.clone())
                    .arg("cls", class)
                    .arg("line", line.clone())
            };
            match classes.attr_kind(&member) {
                AttrKind::DataDescriptor {
                    class: d,
                    methods,
                    get,
                } => {
                    let methods = methods
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let facet = match (store, get) {
                        (true, _) => "set-data-descriptor",
                        (false, true) => "data-descriptor",
                        (false, false) => "data-descriptor-no-get",
                    };
                    Some(
                        with_owner(Outcome::new(facet))
                            .arg("descriptor", d)
                            .arg("methods", methods),
                    )
                }
                AttrKind::NonDataDescriptor { class: d } => {
                    let mut o = with_owner(Outcome::new(if store {
                        "set-shadows-class-attr"
                    } else {
                        "non-data-descriptor"
                    }))
                    .arg("descriptor", d);
                    if let Some(sites) = shadow_sites() {
                        o = o.arg("shadowed_at", sites);
                    }
                    Some(o)
                }
                AttrKind::Property => Some(with_owner(Outcome::new(if store {
                    "set-property"
                } else {
                    "property"
                }))),
                AttrKind::CachedProperty if !store => {
                    Some(with_owner(Outcome::new("cached-property")))
                }
                AttrKind::Plain | AttrKind::CachedProperty => {
                    let facet = if store {
                        "set-shadows-class-attr"
                    } else {
                        "class-attr"
                    };
                    let mut o = with_owner(Outcome::new(facet));
                    if let Some(sites) = shadow_sites() {
                        o = o.arg("shadowed_at", sites);
                    }
                    Some(o)
                }
                AttrKind::Function | AttrKind::StaticOrClassMethod(_) => {
                    // A method: interesting only when an instance attribute
                    // of the same name hides it.
                    let sites = shadow_sites()?;
                    Some(with_owner(Outcome::new("method-shadowed")).arg("shadowed_at", sites))
                }
                AttrKind::Unknown(expr) => {
                    if matches!(member.kind, super::classes::MemberKind::Function(_)) {
                        return None;
                    }
                    Some(with_owner(Outcome::new("unknown-value")).arg("value", expr))
                }
            }
        }
        Lookup::Missing if !store => {
            if !classes.instance_assignments(class, attr).is_empty() {
                return None;
            }
            match classes.lookup(class, "__getattr__") {
                Lookup::Found { owner, .. } => Some(
                    Outcome::new("getattr")
                        .arg("owner", owner)
                        .arg("cls", class),
                ),
                _ => None,
            }
        }
        Lookup::Missing | Lookup::Unknown(_) => None,
    }
}

// ---------------------------------------------------------------- super()

fn super_call(input: &Input) -> Option<Outcome> {
    let src = input.src();
    let (_, class_node) = enclosing_method(input.construct)?;
    let classes = input.classes();
    let class = classes.name_of(class_node)?;
    // `super().name`: the attribute looked up.
    let method = input
        .construct
        .parent()
        .filter(|p| {
            p.kind() == "attribute" && p.child_by_field_name("object") == Some(input.construct)
        })
        .and_then(|p| p.child_by_field_name("attribute"))
        .and_then(|a| a.utf8_text(src).ok());
    let after = |of: &str| -> Option<String> {
        let order = classes.mros.mro(of).ok()?;
        let pos = order.iter().position(|c| c == class)?;
        Some(format!("`{}`", order[pos + 1..].join("` → `")))
    };
    let Some(method) = method else {
        // Plain `super()`: the classes it searches for a `class` instance.
        return match classes.mros.mro(class) {
            Ok(_) => Some(Outcome::new("known").arg("after", after(class)?)),
            Err(super::mro::MroError::Unknown(base)) => Some(unknown(&base)),
            Err(super::mro::MroError::Inconsistent) => None,
        };
    };
    let describe = |l: &Lookup| -> Option<String> {
        match l {
            Lookup::Found { owner, .. } => Some(format!("`{owner}.{method}`")),
            Lookup::Missing if object_has(method) => Some(format!("`object.{method}`")),
            Lookup::Missing => None,
            Lookup::Unknown(_) => None,
        }
    };
    let own = classes.lookup_after(class, class, method);
    let mut outcome = match &own {
        Lookup::Unknown(base) => return Some(unknown(base).arg("method", method)),
        Lookup::Missing if !object_has(method) => Outcome::new("missing"),
        _ => Outcome::new("next").arg("next", describe(&own)?),
    };
    outcome = outcome.arg("method", method);
    // Subclasses whose MRO puts another class after `class`.
    let mut others = Vec::new();
    for sub in classes.descendants(class) {
        let l = classes.lookup_after(&sub, class, method);
        let (mine, theirs) = (describe(&own), describe(&l));
        match (&l, theirs) {
            (Lookup::Unknown(why), _) => others.push(format!("`{sub}`: ? (`{why}`)")),
            (_, Some(theirs)) if Some(&theirs) != mine.as_ref() => {
                others.push(format!("`{sub}`: {theirs}"))
            }
            _ => {}
        }
    }
    if !others.is_empty() {
        let more = others.len() > 3;
        others.truncate(3);
        if more {
            others.push("…".into());
        }
        outcome = outcome.arg("others", others.join(", "));
    }
    if let Some(after) = after(class) {
        outcome = outcome.arg("after", after);
    }
    Some(outcome)
}

/// Methods every class inherits from `object`.
fn object_has(name: &str) -> bool {
    matches!(
        name,
        "__init__"
            | "__new__"
            | "__init_subclass__"
            | "__repr__"
            | "__str__"
            | "__format__"
            | "__eq__"
            | "__ne__"
            | "__hash__"
            | "__lt__"
            | "__le__"
            | "__gt__"
            | "__ge__"
            | "__getattribute__"
            | "__setattr__"
            | "__delattr__"
            | "__dir__"
            | "__reduce__"
            | "__reduce_ex__"
            | "__sizeof__"
            | "__subclasshook__"
            | "__getstate__"
    )
}

// ---------------------------------------------------------------- class attributes

fn class_attr(input: &Input) -> Option<Outcome> {
    let src = input.src();
    let name = input.anchor.utf8_text(src).ok()?;
    let class_node = input.construct.parent()?.parent()?.parent()?;
    if class_node.kind() != "class_definition" {
        return None;
    }
    let classes = input.classes();
    let class = classes.name_of(class_node)?;
    // `self.name = …` in this class and in module subclasses.
    let mut sites = classes.instance_assignments(class, name);
    for sub in classes.descendants(class) {
        for site in classes.instance_assignments(&sub, name) {
            if !sites.iter().any(|s| s.2 == site.2) {
                sites.push(site);
            }
        }
    }
    sites.sort_by_key(|s| s.2.start);
    Some(match sites_list(input, &sites) {
        Some(list) => Outcome::new("shadowed").arg("shadowed_at", list),
        None => Outcome::new("unshadowed"),
    })
}

/// `` `Cls.method` (L12), … `` for `self.x = …` sites (at most three).
fn sites_list(input: &Input, sites: &[(String, String, std::ops::Range<usize>)]) -> Option<String> {
    if sites.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = sites
        .iter()
        .take(3)
        .map(|(c, m, r)| format!("`{c}.{m}` (L{})", input.line(r.start)))
        .collect();
    if sites.len() > 3 {
        parts.push("…".into());
    }
    Some(parts.join(", "))
}

// ---------------------------------------------------------------- with

fn with(input: &Input) -> Option<Outcome> {
    let receiver = input.receiver?;
    let classes = input.classes();
    let class = match classes.receiver(receiver)? {
        Receiver::Instance { class, .. } => class,
        Receiver::Class(_) => return None,
        Receiver::Ambiguous(list) => {
            return Some(Outcome::new("class-ambiguous").arg("candidates", candidates(&list)))
        }
    };
    let is_async = input
        .construct
        .child(0)
        .is_some_and(|c| c.kind() == "async");
    let (enter, exit) = if is_async {
        ("__aenter__", "__aexit__")
    } else {
        ("__enter__", "__exit__")
    };
    let found = |name: &str| match classes.lookup(&class, name) {
        Lookup::Found { owner, member } => Ok(Some((owner, member))),
        Lookup::Missing => Ok(None),
        Lookup::Unknown(why) => Err(why),
    };
    let (enter_at, exit_at) = match (found(enter), found(exit)) {
        (Ok(Some(a)), Ok(Some(b))) => (a, b),
        (Err(why), _) | (_, Err(why)) => return Some(unknown(&why).arg("cls", class)),
        (Ok(entered), Ok(_)) => {
            let missing = if entered.is_none() { enter } else { exit };
            return Some(
                Outcome::new("class-missing")
                    .arg("cls", class)
                    .arg("missing", missing),
            );
        }
    };
    let facet = match exit_suppresses(exit_at.1.node, input.src()) {
        Some(true) => "class-suppresses",
        Some(false) => "class-propagates",
        None => "class-maybe",
    };
    Some(
        Outcome::new(facet)
            .arg("cls", class)
            .arg("enter", format!("{}.{enter}", enter_at.0))
            .arg("exit", format!("{}.{exit}", exit_at.0)),
    )
}

/// Whether an `__exit__` can return a true value (which swallows the
/// exception): `Some(false)` when every `return` returns nothing, `None`,
/// `False`; `Some(true)` when one returns `True`; `None` when a return value
/// is computed.
fn exit_suppresses(func: Node, src: &[u8]) -> Option<bool> {
    if func.kind() != "function_definition" {
        return None;
    }
    let body = func.child_by_field_name("body")?;
    let mut stack = vec![body];
    let mut verdict = Some(false);
    while let Some(n) = stack.pop() {
        match n.kind() {
            "function_definition" | "lambda" | "class_definition" => continue,
            "return_statement" => match n.named_child(0) {
                None => {}
                Some(v) => match v.utf8_text(src).unwrap_or("") {
                    "None" | "False" => {}
                    "True" => return Some(true),
                    _ => verdict = None,
                },
            },
            _ => {}
        }
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c));
    }
    verdict
}

// ---------------------------------------------------------------- implicit dunders

/// Python's binary operators: (operator, method, reflected, in-place).
const OPERATORS: &[(&str, &str, &str, &str)] = &[
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

fn operator(op: &str) -> Option<(&'static str, &'static str, &'static str, &'static str)> {
    let op = op.trim_end_matches('=');
    OPERATORS.iter().find(|o| o.0 == op).copied()
}

/// The class an expression holds an instance of: Ok(Some(class)), Ok(None)
/// when nothing is known, Err(outcome) when it is ambiguous.
/// For `self` in a method of `class`: the module subclasses that define
/// `name` themselves, where the answer differs (`{overridden}`).
fn overridden(input: &Input, o: Outcome, class: &str, name: &str, via_self: bool) -> Outcome {
    if !via_self {
        return o;
    }
    let classes = input.classes();
    let subs: Vec<String> = classes
        .descendants(class)
        .into_iter()
        .filter(|d| classes.member(d, name).is_some())
        .map(|d| format!("`{d}`"))
        .collect();
    if subs.is_empty() {
        return o;
    }
    o.arg("overridden", subs.join(", "))
        .arg("overridden_name", name)
}

fn instance_of(input: &Input, expr: Node) -> Result<Option<String>, Outcome> {
    instance_of_self(input, expr).map(|c| c.map(|(c, _)| c))
}

/// Like [`instance_of`], also telling whether `expr` is `self`.
fn instance_of_self(input: &Input, expr: Node) -> Result<Option<(String, bool)>, Outcome> {
    match input.classes().receiver(expr) {
        Some(Receiver::Instance { class, via_self }) => Ok(Some((class, via_self))),
        Some(Receiver::Ambiguous(list)) => Err(Outcome::new("ambiguous")
            .arg("candidates", candidates(&list))
            .arg("receiver", snippet(expr, input.src()))),
        Some(Receiver::Class(_)) | None => Ok(None),
    }
}

/// Finds the first of `names` on `class`: ("found"/"fallback", owner, name),
/// or the outcome saying it cannot be told / none exists.
fn first_of(input: &Input, class: &str, names: &[&str]) -> Result<(bool, String, String), Outcome> {
    for (i, name) in names.iter().enumerate() {
        match input.classes().lookup(class, name) {
            Lookup::Found { owner, .. } => return Ok((i > 0, owner, (*name).to_string())),
            Lookup::Missing => {}
            Lookup::Unknown(why) => {
                return Err(unknown(&why).arg("cls", class).arg("dunder", *name))
            }
        }
    }
    Err(Outcome::new("missing")
        .arg("cls", class)
        .arg("dunder", names.first().copied().unwrap_or("")))
}

fn dispatch(input: &Input) -> Option<Outcome> {
    let receiver = input.receiver?;
    let src = input.src();
    let kind = input.dunders.first().map(String::as_str);
    let outcome = match kind {
        Some("binary") => binary(input, receiver)?,
        Some("augmented") => {
            let op = input.anchor.utf8_text(src).ok()?;
            let (_, method, _, inplace) = operator(op)?;
            let class = instance_of(input, receiver).ok()??;
            match first_of(input, &class, &[inplace, method]) {
                Ok((false, owner, name)) => found("found", &class, &owner, &name),
                Ok((true, owner, name)) => {
                    found("fallback", &class, &owner, &name).arg("first", inplace)
                }
                Err(o) => o,
            }
            .arg("op", op)
        }
        _ => {
            let (class, via_self) = match instance_of_self(input, receiver) {
                Ok(Some(found)) => found,
                Ok(None) => return None,
                Err(o) => return Some(o),
            };
            let names: Vec<&str> = input.dunders.iter().map(String::as_str).collect();
            match first_of(input, &class, &names) {
                Ok((false, owner, name)) => {
                    let o = found("found", &class, &owner, &name);
                    overridden(input, o, &class, &name, via_self)
                }
                Ok((true, owner, name)) => {
                    let o = found("fallback", &class, &owner, &name).arg("first", names[0]);
                    overridden(input, o, &class, &name, via_self)
                }
                Err(o) => o,
            }
        }
    };
    Some(outcome.arg("receiver", snippet(receiver, src)))
}

fn found(facet: &'static str, class: &str, owner: &str, name: &str) -> Outcome {
    Outcome::new(facet)
        .arg("cls", class)
        .arg("method", format!("{owner}.{name}"))
        .arg("dunder", name)
}

/// `a + b`: the left operand's method, else the right operand's reflected one.
fn binary(input: &Input, left: Node) -> Option<Outcome> {
    let src = input.src();
    let op = input.anchor.utf8_text(src).ok()?;
    let (op, method, reflected, _) = operator(op)?;
    let right = input.construct.child_by_field_name("right")?;
    let left_class = match instance_of(input, left) {
        Ok(c) => c,
        Err(o) => return Some(o.arg("op", op)),
    };
    let right_class = instance_of(input, right).ok().flatten();
    let out = match (&left_class, &right_class) {
        (Some(l), _) => match first_of(input, l, &[method]) {
            Ok((_, owner, name)) => found("found", l, &owner, &name).arg("reflected", reflected),
            Err(o) if o.facet == "missing" => match right_class
                .as_deref()
                .map(|r| (r, first_of(input, r, &[reflected])))
            {
                Some((r, Ok((_, owner, name)))) => found("reflected", r, &owner, &name)
                    .arg("left_cls", l.clone())
                    .arg("first", method),
                Some((r, Err(ro))) if ro.facet == "missing" => Outcome::new("missing-both")
                    .arg("cls", l.clone())
                    .arg("dunder", method)
                    .arg("right_cls", r)
                    .arg("reflected", reflected),
                _ => o.arg("reflected", reflected),
            },
            Err(o) => o,
        },
        (None, Some(r)) => match first_of(input, r, &[reflected]) {
            Ok((_, owner, name)) => found("reflected-if", r, &owner, &name).arg("first", method),
            Err(_) => return None,
        },
        (None, None) => return None,
    };
    Some(out.arg("op", op).arg("right", snippet(right, src)))
}

// ---------------------------------------------------------------- Cls(...)

fn construct(input: &Input) -> Option<Outcome> {
    let classes = input.classes();
    let class = classes.class_ref(input.anchor)?;
    let src = input.src();
    let class_node = classes.node(&class)?;
    // A declared metaclass defined in this module with its own __call__.
    let meta = class_node
        .child_by_field_name("superclasses")
        .and_then(|list| {
            let mut c = list.walk();
            let found = list
                .named_children(&mut c)
                .filter(|n| n.kind() == "keyword_argument")
                .find(|n| {
                    n.child_by_field_name("name")
                        .and_then(|k| k.utf8_text(src).ok())
                        == Some("metaclass")
                })
                .and_then(|n| n.child_by_field_name("value"))
                .and_then(|v| v.utf8_text(src).ok())
                .map(str::to_string);
            found
        });
    if let Some(meta) = meta {
        if !classes.is_class(&meta) {
            return Some(unknown(&meta).arg("cls", class));
        }
        if let Lookup::Found { owner, .. } = classes.lookup(&meta, "__call__") {
            return Some(
                Outcome::new("metaclass")
                    .arg("cls", class)
                    .arg("meta", meta)
                    .arg("call", format!("{owner}.__call__")),
            );
        }
    }
    let step = |name: &str| -> Result<String, String> {
        match classes.lookup(&class, name) {
            Lookup::Found { owner, .. } => Ok(format!("{owner}.{name}")),
            Lookup::Missing => Ok(format!("object.{name}")),
            Lookup::Unknown(why) => Err(why),
        }
    };
    match (step("__new__"), step("__init__")) {
        (Ok(new), Ok(init)) => {
            if new == "object.__new__" && init == "object.__init__" {
                // Nothing of this module runs: not worth a hover.
                return None;
            }
            let facet = if new == "object.__new__" {
                "init"
            } else {
                "new"
            };
            Some(
                Outcome::new(facet)
                    .arg("cls", class)
                    .arg("new", new)
                    .arg("init", init),
            )
        }
        // A class decorator (`@dataclass`) may write `__init__`: worth saying.
        // An imported base (`Exception`, `UserList`) is the common case for
        // which there is nothing to add.
        (Err(why), _) | (_, Err(why)) if why.starts_with('@') => {
            Some(unknown(&why).arg("cls", class))
        }
        _ => None,
    }
}
