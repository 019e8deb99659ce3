//! What the model answers about classes, as plain data: where a lookup
//! finds a name ([`Lookup`], [`Member`]), what kind of class attribute it is
//! ([`AttrKind`]), what class decorators do ([`DecoratorEffect`]), why an MRO
//! cannot be given ([`MroError`]) and what the model cannot follow
//! ([`Unknown`]). Below both `infer.rs` and `classes.rs`, which compute them.

use super::value::{ClassRef, FuncRef, Wrapper};
use super::BindingId;

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
    /// Nothing to show (a class or binding missing from the model).
    Unshown,
}

impl Unknown {
    /// How a sentence names it: the expression, `@decorator`, or `?`.
    pub fn text(&self) -> String {
        match self {
            Unknown::Base(t) | Unknown::Value(t) | Unknown::Class(t) => t.clone(),
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
    /// A decorator the model does not know.
    Unknown(Unknown),
}
