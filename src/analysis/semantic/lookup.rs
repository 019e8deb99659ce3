//! What the model answers about classes, as plain data: where a lookup
//! finds a name ([`Lookup`], [`Member`]), what kind of class attribute it is
//! ([`AttrKind`]), what class decorators do ([`DecoratorEffect`]), why an MRO
//! cannot be given ([`MroError`]) and what the model cannot follow
//! ([`Unknown`]). Below both `infer.rs` and `classes.rs`, which compute them.

use super::ir::{Arg, Expr, Lit};
use super::value::{ClassRef, FuncRef, Wrapper};
use super::{BindingId, ModuleModel};

/// What the model cannot follow, which makes an answer "cannot tell".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    /// A base class it cannot follow (third-party, computed): its text.
    Base(String),
    /// A decorator it does not know (of the class, or of a member): its
    /// text without the `@`.
    Decorator(String),
    /// A value it cannot tell (a call to something unknown): its text.
    Value(String),
    /// A class whose MRO is not computed (inconsistent, or too long): its
    /// name.
    Class(String),
    /// A metaclass of the code whose `__new__` or `__init__` may set the
    /// attribute on every class it creates: its name.
    Metaclass(String),
    /// A class of the code whose `__init_subclass__` may set the attribute
    /// on every subclass: its name.
    InitSubclass(String),
    /// Nothing to show (a class or binding missing from the model).
    Unshown,
}

impl Unknown {
    /// How a sentence names it: the expression, `@decorator`, or `?`.
    pub fn text(&self) -> String {
        match self {
            Unknown::Base(t)
            | Unknown::Value(t)
            | Unknown::Class(t)
            | Unknown::Metaclass(t)
            | Unknown::InitSubclass(t) => t.clone(),
            Unknown::Decorator(t) => format!("@{t}"),
            Unknown::Unshown => "?".to_string(),
        }
    }
}

/// Why an MRO cannot be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MroError {
    /// Something the model cannot follow (a third-party or computed base).
    Unknown(Unknown),
    /// C3 has no consistent order: the `class` statement raises TypeError.
    Inconsistent,
    /// Longer than [`MAX_MRO`] classes: not computed (a
    /// generated or hostile file; no real hierarchy comes close).
    TooLong,
}

/// The longest MRO computed (see [`MroError::TooLong`]). Measured: the
/// longest `__mro__` of a module-level class in the 3.11 stdlib (every
/// module that imports) has 10 classes
/// (`asyncio.proactor_events._ProactorDuplexPipeTransport`).
pub const MAX_MRO: usize = 256;

/// What defines a name in a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Member {
    /// A binding in the body of `class` (the class searched, which for an
    /// ancestor only the stub lists is not the runtime owner).
    Binding { class: ClassRef, id: BindingId },
    /// A member a stdlib class defines at runtime that its stubs do not
    /// declare: nothing is known about its value.
    Runtime,
    /// A method a class decorator writes (`@dataclass` writes `__init__`):
    /// the decorator's display text.
    Generated(&'static str),
}

/// The classes a member lookup searches, each with the runtime class a
/// member found in it belongs to (see [`Infer::member_order_owned`]).
pub type OwnedOrder = Vec<(ClassRef, ClassRef)>;

/// Where an attribute lookup on a class finds a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found {
        owner: ClassRef,
        member: Member,
    },
    /// No class of the (fully known) MRO defines it.
    Missing,
    /// The search reached something the model cannot follow.
    Unknown(Unknown),
}

/// The kind of a class attribute, for the attribute lookup order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrKind {
    /// An instance of a class defining `__set__` or `__delete__`.
    DataDescriptor {
        class: ClassRef,
        methods: Vec<&'static str>,
        get: bool,
    },
    /// An instance of a class defining only `__get__`.
    NonDataDescriptor { class: ClassRef },
    /// `@property` (a data descriptor): the getter.
    Property(FuncRef),
    /// `@functools.cached_property`: a non-data descriptor that stores its
    /// result in the instance `__dict__`.
    CachedProperty(FuncRef),
    /// A plain function: binds as a method.
    Function,
    /// `@staticmethod` / `@classmethod`.
    StaticOrClassMethod(Wrapper),
    /// A `typing.NamedTuple` field: a read-only data descriptor reading the
    /// instance's tuple item.
    TupleField,
    /// A member of an `enum.Enum` class: an instance of the class.
    EnumMember,
    /// `x: T` in a stub's class body: an attribute of instances.
    InstanceAnnotation,
    /// A field of a `@dataclass`: `set_by_init` when the `__init__` it
    /// writes sets it on every instance (else the instance lacks it until
    /// other code sets it).
    DataclassField { set_by_init: bool },
    /// A name bound in the body of a class whose decorator the model
    /// cannot follow, which may turn it into something else (`@attrs.define`
    /// makes fields slots), or whose metaclass may set it again on the
    /// class (`Unknown::Metaclass`, `Unknown::InitSubclass`).
    Transformed(Unknown),
    /// A value that is no descriptor.
    Plain,
    /// The model cannot tell (a call to something unknown, an unknown
    /// decorator).
    Unknown(Unknown),
}

/// What a class's decorators do to lookups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecoratorEffect {
    /// No decorator, or only ones that return the class unchanged.
    None,
    /// Adds these methods (unless the class defines them): the decorator's
    /// display text and the names.
    Adds(&'static str, Vec<&'static str>),
    /// Returns the class, with some of these methods added: which ones
    /// cannot be told (`@dataclass(**options)`).
    MayAdd(Unknown, Vec<&'static str>),
    /// A decorator the model does not know.
    Unknown(Unknown),
}

/// The ordering methods (`@dataclass(order=True)` and
/// `@functools.total_ordering` write them).
pub const ORDERING: [&str; 4] = ["__lt__", "__le__", "__gt__", "__ge__"];

/// What `@dataclass(...)` is asked to do, read from its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataclassOptions {
    pub init: bool,
    pub repr: bool,
    pub eq: bool,
    pub order: bool,
    pub unsafe_hash: bool,
    pub frozen: bool,
    pub match_args: bool,
    pub slots: bool,
}

/// What `@dataclass` does to `__hash__` (the table in `dataclasses.py`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAction {
    /// Leaves it as it is: the class's own, or the inherited one.
    Keep,
    /// Sets it to `None`: instances are unhashable.
    SetNone,
    /// Writes one from the fields.
    Add,
    /// Raises `TypeError` (`unsafe_hash=True` on a class with its own).
    Raise,
}

impl DataclassOptions {
    /// Every name `@dataclass` may set on a class, whatever its arguments.
    pub const MAY_SET: &'static [&'static str] = &[
        "__match_args__",
        "__init__",
        "__repr__",
        "__eq__",
        "__hash__",
        "__lt__",
        "__le__",
        "__gt__",
        "__ge__",
        "__setattr__",
        "__delattr__",
        "__slots__",
    ];

    /// The options `args` give (`None`: a bare `@dataclass`). `Err` with
    /// the argument's text when one is not a literal `True` or `False` (a
    /// name, `**options`), is positional or is not a flag of `dataclass`:
    /// what the decorator writes then cannot be told.
    pub fn read(
        m: &ModuleModel,
        args: Option<&[Arg]>,
        render: impl Fn(super::ir::ExprId) -> String,
    ) -> Result<DataclassOptions, String> {
        let mut o = DataclassOptions {
            init: true,
            repr: true,
            eq: true,
            order: false,
            unsafe_hash: false,
            frozen: false,
            match_args: true,
            slots: false,
        };
        for a in args.into_iter().flatten() {
            let (k, v) = match a {
                Arg::Kw(k, v) => (k, v),
                Arg::Pos(e) => return Err(render(*e)),
                Arg::Star(e) => return Err(format!("*{}", render(*e))),
                Arg::DoubleStar(e) => return Err(format!("**{}", render(*e))),
            };
            let value = match m.expr(*v) {
                Expr::Lit(Lit::True) => true,
                Expr::Lit(Lit::False) => false,
                _ => return Err(format!("{k}={}", render(*v))),
            };
            match &**k {
                "init" => o.init = value,
                "repr" => o.repr = value,
                "eq" => o.eq = value,
                "order" => o.order = value,
                "unsafe_hash" => o.unsafe_hash = value,
                "frozen" => o.frozen = value,
                "match_args" => o.match_args = value,
                "slots" => o.slots = value,
                "kw_only" | "weakref_slot" => {}
                _ => return Err(format!("{k}={}", render(*v))),
            }
        }
        Ok(o)
    }

    /// What happens to `__hash__`, given whether the class body defines
    /// one (see [`Infer::has_explicit_hash`]).
    pub fn hash_action(&self, explicit: bool) -> HashAction {
        match (self.unsafe_hash, explicit) {
            (true, true) => HashAction::Raise,
            (true, false) => HashAction::Add,
            (false, true) => HashAction::Keep,
            (false, false) => match (self.eq, self.frozen) {
                (true, true) => HashAction::Add,
                (true, false) => HashAction::SetNone,
                (false, _) => HashAction::Keep,
            },
        }
    }

    /// The names `@dataclass` sets on the class (those the class body
    /// defines are kept: a lookup finds them first).
    pub fn members(&self, explicit_hash: bool) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.match_args {
            out.push("__match_args__");
        }
        if self.init {
            out.push("__init__");
        }
        if self.repr {
            out.push("__repr__");
        }
        if self.eq {
            out.push("__eq__");
        }
        if matches!(
            self.hash_action(explicit_hash),
            HashAction::SetNone | HashAction::Add
        ) {
            out.push("__hash__");
        }
        if self.order {
            out.extend(ORDERING);
        }
        if self.frozen {
            out.extend(["__setattr__", "__delattr__"]);
        }
        if self.slots {
            out.push("__slots__");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{DataclassOptions, HashAction};

    /// The `__hash__` table of `dataclasses.py`, row for row: (unsafe_hash,
    /// eq, frozen, the body defines `__hash__`) and what CPython 3.11 did
    /// with each combination (`__dict__['__hash__']` after decoration, or
    /// the `TypeError`).
    #[test]
    fn hash_action_follows_the_dataclasses_table() {
        use HashAction::*;
        let table = [
            (false, false, false, false, Keep),
            (false, false, false, true, Keep),
            (false, false, true, false, Keep),
            (false, false, true, true, Keep),
            (false, true, false, false, SetNone),
            (false, true, false, true, Keep),
            (false, true, true, false, Add),
            (false, true, true, true, Keep),
            (true, false, false, false, Add),
            (true, false, false, true, Raise),
            (true, false, true, false, Add),
            (true, false, true, true, Raise),
            (true, true, false, false, Add),
            (true, true, false, true, Raise),
            (true, true, true, false, Add),
            (true, true, true, true, Raise),
        ];
        for (unsafe_hash, eq, frozen, explicit, expected) in table {
            let o = DataclassOptions {
                init: true,
                repr: true,
                eq,
                order: false,
                unsafe_hash,
                frozen,
                match_args: true,
                slots: false,
            };
            assert_eq!(
                o.hash_action(explicit),
                expected,
                "unsafe_hash={unsafe_hash} eq={eq} frozen={frozen} explicit={explicit}"
            );
            assert_eq!(
                o.members(explicit).contains(&"__hash__"),
                matches!(expected, SetNone | Add)
            );
            assert!(o
                .members(explicit)
                .iter()
                .all(|m| DataclassOptions::MAY_SET.contains(m)));
        }
    }
}
