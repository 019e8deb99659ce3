//! What a name or expression holds, as far as the model knows: a small
//! lattice where [`Value::Unknown`] means "the code does not show it" and
//! [`Value::OneOf`] "different values on different paths". Never a guess.

use std::sync::Arc;

use super::{ClassId, FuncId};

/// A class, by its module's dotted name and its index in that module.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassRef {
    pub module: Arc<str>,
    pub id: ClassId,
}

/// A function (or lambda), by its module's dotted name and its index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncRef {
    pub module: Arc<str>,
    pub id: FuncId,
}

/// What a decorator known to the model turned a function into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Wrapper {
    /// `@contextlib.contextmanager`: calling it gives a context manager.
    ContextManager,
    /// `@contextlib.asynccontextmanager`.
    AsyncContextManager,
    /// `@functools.lru_cache(...)` / `@functools.cache`: calls return what the
    /// function returns.
    Cached,
    Property,
    CachedProperty,
    StaticMethod,
    ClassMethod,
}

/// A value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// The code does not show it.
    Unknown,
    /// `None`.
    None,
    /// A module object, by dotted name.
    Module(Arc<str>),
    /// A class object.
    Class(ClassRef),
    /// An instance of a class, with its type arguments where known
    /// (`list[int]`: one argument).
    Instance(ClassRef, Arc<[Value]>),
    /// A tuple of known length and items.
    Tuple(Arc<[Value]>),
    /// A function object (a `def`, a lambda, a stub function).
    Function(FuncRef),
    /// A function wrapped by a decorator the model knows.
    Wrapped(FuncRef, Wrapper),
    /// A method bound to its receiver (an instance, or a class for a
    /// classmethod).
    BoundMethod(Arc<Value>, FuncRef),
    /// What calling a generator function returns (the function, if known).
    Generator(Option<FuncRef>),
    /// What calling an `async def` returns.
    Coroutine(Option<FuncRef>),
    /// What calling an async generator function returns.
    AsyncGenerator(Option<FuncRef>),
    /// One of these, depending on the path taken (at least two, distinct,
    /// none of them `OneOf`).
    OneOf(Arc<[Value]>),
}

impl Value {
    /// An instance without type arguments.
    pub fn instance(class: ClassRef) -> Value {
        Value::Instance(class, Arc::from([]))
    }

    /// The values this one stands for (itself, or the members of a
    /// `OneOf`).
    pub fn alternatives(&self) -> &[Value] {
        match self {
            Value::OneOf(list) => list,
            other => std::slice::from_ref(other),
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// Whether any alternative is unknown.
    pub fn has_unknown(&self) -> bool {
        self.alternatives().iter().any(Value::is_unknown)
    }

    /// `self` without its `None` alternative (what an attribute access or a
    /// call can only mean when it works).
    pub fn without_none(&self) -> Value {
        match self {
            Value::OneOf(list) => join(list.iter().filter(|v| **v != Value::None).cloned()),
            other => other.clone(),
        }
    }
}

/// The join of several values: one value, a `OneOf` of the distinct ones,
/// or `Unknown` when there is none. An unknown alternative is kept (the
/// value may be anything on that path), so a sentence can say so.
pub fn join(values: impl IntoIterator<Item = Value>) -> Value {
    let mut out: Vec<Value> = Vec::new();
    for v in values {
        for alt in v.alternatives() {
            if !out.contains(alt) {
                out.push(alt.clone());
            }
        }
        // Unbounded unions say nothing useful.
        if out.len() > 8 {
            return Value::Unknown;
        }
    }
    match out.len() {
        0 => Value::Unknown,
        1 => out.pop().unwrap_or(Value::Unknown),
        _ => {
            out.sort();
            Value::OneOf(out.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_flattens_dedups_and_keeps_unknown() {
        let a = Value::Module("a".into());
        let b = Value::Module("b".into());
        assert_eq!(join([a.clone(), a.clone()]), a);
        let ab = join([a.clone(), b.clone()]);
        assert_eq!(ab.alternatives().len(), 2);
        assert_eq!(join([ab.clone(), a.clone()]), ab);
        assert!(join([a.clone(), Value::Unknown]).has_unknown());
        assert_eq!(join([]), Value::Unknown);
        assert_eq!(join([a.clone(), Value::None]).without_none(), a);
    }
}
