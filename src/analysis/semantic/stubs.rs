//! The stdlib, known from typeshed's stubs (vendored under
//! `vendor/typeshed/`, embedded by `build.rs`). A stub module is parsed with
//! the same grammar and built into a [`ModuleModel`] the first time it is
//! needed, once per process.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::builder::{build, BuildOptions};
use super::ModuleModel;

include!(concat!(env!("OUT_DIR"), "/stub_files.rs"));

/// The Python version whose branches of the stubs are taken.
pub const STUB_VERSION: (u8, u8) = (3, 13);

/// Each stub module's position in `STUB_FILES` and its model, once built.
type Index = HashMap<&'static str, (usize, OnceLock<Option<Arc<ModuleModel>>>)>;

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        STUB_FILES
            .iter()
            .enumerate()
            .map(|(i, (name, _))| (*name, (i, OnceLock::new())))
            .collect()
    })
}

/// The runtime `__mro__` of a stdlib class, by the name a module offers it
/// under (`collections.abc.Mapping`): each class as `module.qualname`.
/// Typeshed's bases are written for type checkers (`Protocol`, `Generic`);
/// this table, dumped from CPython when the stubs were vendored, is what
/// the interpreter does.
pub fn runtime_mro(name: &str) -> Option<&'static [&'static str]> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            RUNTIME_MROS
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| {
                    let (k, v) = l.split_once('\t')?;
                    Some((k, v.split(' ').collect()))
                })
                .collect()
        })
        .get(name)
        .map(Vec::as_slice)
}

/// What a stdlib class defines itself at runtime (`vars(cls)`, dumped from
/// CPython with the MROs), by its runtime `module.qualname` as the MRO
/// table writes it.
pub fn runtime_members(name: &str) -> Option<&'static [&'static str]> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            RUNTIME_MEMBERS
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| {
                    let (k, v) = l.split_once('\t')?;
                    Some((k, v.split(' ').filter(|n| !n.is_empty()).collect()))
                })
                .collect()
        })
        .get(name)
        .map(Vec::as_slice)
}

/// Whether the stdlib stubs have this module.
pub fn has(module: &str) -> bool {
    index().contains_key(module)
}

/// Every stub module's name.
pub fn names() -> impl Iterator<Item = &'static str> {
    STUB_FILES.iter().map(|(n, _)| *n)
}

/// The model of a stdlib module, built on first use.
pub fn model(module: &str) -> Option<Arc<ModuleModel>> {
    let (i, cell) = index().get(module)?;
    cell.get_or_init(|| {
        let (name, text) = STUB_FILES.get(*i)?;
        let prefix = format!("{name}.");
        let is_package = STUB_FILES.iter().any(|(n, _)| n.starts_with(&prefix));
        let tree = crate::analysis::syntax::parse(text, None)?;
        let opts = BuildOptions {
            name: (*name).to_string(),
            is_package,
            stub: true,
            version: STUB_VERSION,
        };
        Some(Arc::new(build(&tree, text.as_bytes(), &opts)))
    })
    .clone()
}

/// Builds the stub models every analysis reaches: `builtins` (every name a
/// module does not bind) and the modules it imports (its annotations name
/// them). About 60 ms, which a long-running client pays ahead of the first
/// analysis instead of during it.
pub fn warm() {
    let Some(builtins) = model("builtins") else {
        return;
    };
    for b in &builtins.bindings {
        if let super::BindingKind::Import { module }
        | super::BindingKind::ImportFrom { module, .. } = &b.kind
        {
            let _ = model(module);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warming_builds_builtins_and_what_it_imports() {
        warm();
        for m in [
            "builtins",
            "typing",
            "types",
            "_typeshed",
            "collections.abc",
        ] {
            let (_, cell) = index().get(m).expect("vendored");
            assert!(cell.get().is_some(), "{m} not built");
        }
    }

    #[test]
    fn the_course_modules_are_vendored_and_build() {
        for m in [
            "builtins",
            "typing",
            "collections",
            "collections.abc",
            "abc",
            "functools",
            "contextlib",
            "dataclasses",
            "enum",
            "socket",
            "selectors",
            "threading",
            "queue",
            "multiprocessing",
            "multiprocessing.pool",
            "concurrent.futures",
            "asyncio",
            "asyncio.tasks",
            "weakref",
            "itertools",
        ] {
            let model = model(m).unwrap_or_else(|| panic!("{m} is not vendored"));
            assert!(!model.bindings.is_empty(), "{m} binds nothing");
        }
        assert!(model("no_such_module").is_none());
        assert!(model("asyncio").unwrap().is_package);
    }
}
