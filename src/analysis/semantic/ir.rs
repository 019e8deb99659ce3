//! The model's expressions: a small tree of their own, lowered from the
//! syntax tree once, so that a module's model outlives its syntax tree (the
//! stubs and the workspace keep no tree) and values can be inferred from any
//! module in the same way.

use super::{FuncId, Name, PathId, ScopeId};

/// An index into [`super::ModuleModel::exprs`].
pub type ExprId = u32;

/// A literal's kind (and a string's text, which annotations and `__all__`
/// need).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lit {
    /// A plain string literal and its contents (without interpolations).
    Str(Name),
    Bytes,
    /// An f-string (with interpolations).
    FString,
    Int,
    Float,
    Complex,
    True,
    False,
    None,
    Ellipsis,
}

/// A call argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Pos(ExprId),
    /// `*args`
    Star(ExprId),
    /// `name=value`
    Kw(Name, ExprId),
    /// `**kwargs`
    DoubleStar(ExprId),
}

/// Which comprehension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompKind {
    List,
    Set,
    Dict,
    Generator,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A name read at byte `at` of scope `scope`, on branch path `path`.
    Name {
        name: Name,
        at: u32,
        scope: ScopeId,
        path: PathId,
    },
    Attr {
        obj: ExprId,
        attr: Name,
    },
    Call {
        func: ExprId,
        args: Box<[Arg]>,
    },
    /// `obj[items...]` (also `X[Y]` in annotations).
    Subscript {
        obj: ExprId,
        items: Box<[ExprId]>,
    },
    Tuple(Box<[ExprId]>),
    List(Box<[ExprId]>),
    Set(Box<[ExprId]>),
    /// Key/value pairs; a `**mapping` entry has no key.
    Dict(Box<[(Option<ExprId>, ExprId)]>),
    /// A comprehension: its element (for a dict, the key and `value`).
    Comp {
        kind: CompKind,
        elt: ExprId,
        value: Option<ExprId>,
    },
    Lit(Lit),
    BinOp {
        op: Name,
        left: ExprId,
        right: ExprId,
    },
    Unary {
        op: Name,
        operand: ExprId,
    },
    /// `not x`, comparisons: a `bool`.
    Bool,
    /// `a and b`, `a or b`: one of the operands.
    BoolOp {
        left: ExprId,
        right: ExprId,
    },
    Await(ExprId),
    /// `yield x`: what `send()` passes in, unknown here.
    Yield,
    /// `yield from x`: the subgenerator's return value.
    YieldFrom(ExprId),
    Lambda(FuncId),
    /// `a if cond else b`
    IfExp {
        then: ExprId,
        other: ExprId,
    },
    /// `(name := value)`
    Walrus(ExprId),
    /// `*x` in a display or call.
    Starred(ExprId),
    /// Anything else (slices, `*` in odd places, syntax errors).
    Other,
}

/// How a binding's value comes out of its source expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The item at this index of a tuple/list target.
    Index(u16),
    /// A starred target `*rest`: the items from `from` to `len - after`.
    Rest { from: u16, after: u16 },
}
