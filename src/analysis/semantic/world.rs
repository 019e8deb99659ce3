//! The modules an analysis can see: the one being analysed, the stdlib's
//! stubs, and the user's other files (a [`Workspace`], whose texts a client
//! supplies through [`Sources`]: the analysis core itself does no I/O).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use super::builder::{build, BuildOptions};
use super::{stubs, BindingKind, ModuleModel, Name};

/// Where a workspace's module texts come from (the server's open documents
/// and files, the CLI's files).
pub trait Sources: Send + Sync {
    /// The text of the workspace module `name` (dotted) and whether it is a
    /// package's `__init__`; `None` if the workspace has no such module.
    fn load(&self, name: &str) -> Option<(String, bool)>;
}

/// The user's other files, built into models lazily and kept until
/// invalidated (or, in a bounded workspace, until the models kept exceed
/// its capacity: then the least recently used are forgotten and built
/// again when next asked for; a model is the same whenever it is built).
pub struct Workspace {
    sources: Box<dyn Sources>,
    slots: RwLock<HashMap<String, Arc<Slot>>>,
    /// At most this many source bytes' worth of models kept (`None`: all).
    capacity: Option<usize>,
    /// What the modules forgotten for room imported (see
    /// [`Workspace::may_import`]), until invalidated.
    forgotten: RwLock<HashMap<String, Arc<[Imported]>>>,
    /// Orders the uses of slots, for forgetting the least recent.
    clock: AtomicU64,
    /// Counts the changes: each module's text changed, or all of them.
    generation: AtomicU64,
    /// The generation of each module's last change.
    changed_at: RwLock<HashMap<String, u64>>,
    /// The generation of the last change of every module at once.
    cleared_at: AtomicU64,
}

/// One module's place in a workspace: built once however many analyses ask
/// for it at the same time.
#[derive(Default)]
struct Slot {
    built: OnceLock<Built>,
    last_used: AtomicU64,
}

#[derive(Default)]
struct Built {
    model: Option<Arc<ModuleModel>>,
    imports: Arc<[Imported]>,
    /// The length of the module's text.
    bytes: usize,
}

/// An import statement's target: `import module`, or `from module import
/// name`.
#[derive(Debug, Clone)]
enum Imported {
    Module(Name),
    From(Name, Name),
}

impl Imported {
    /// Whether code read through this import may be module `name`'s.
    fn reaches(&self, name: &str) -> bool {
        let within = |imported: &str| {
            imported == name
                || name
                    .strip_prefix(imported)
                    .is_some_and(|rest| rest.starts_with('.'))
        };
        match self {
            Imported::Module(module) => within(module),
            Imported::From(module, n) => **module == *name || within(&format!("{module}.{n}")),
        }
    }

    fn of(model: &ModuleModel) -> Arc<[Imported]> {
        model
            .bindings
            .iter()
            .filter_map(|b| match &b.kind {
                BindingKind::Import { module } => Some(Imported::Module(module.clone())),
                BindingKind::ImportFrom { module, name } => {
                    Some(Imported::From(module.clone(), name.clone()))
                }
                _ => None,
            })
            .collect()
    }
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Workspace({} modules built)", self.built())
    }
}

impl Workspace {
    pub fn new(sources: Box<dyn Sources>) -> Workspace {
        Workspace {
            sources,
            slots: RwLock::new(HashMap::new()),
            capacity: None,
            forgotten: RwLock::new(HashMap::new()),
            clock: AtomicU64::new(0),
            generation: AtomicU64::new(0),
            changed_at: RwLock::new(HashMap::new()),
            cleared_at: AtomicU64::new(0),
        }
    }

    /// A workspace that keeps the models of at most `bytes` of module text
    /// (a batch run's memory bound; a model is about four times its text).
    pub fn bounded(sources: Box<dyn Sources>, bytes: usize) -> Workspace {
        Workspace {
            capacity: Some(bytes),
            ..Workspace::new(sources)
        }
    }

    /// The model of workspace module `name`, built on first use.
    pub fn module(&self, name: &str) -> Option<Arc<ModuleModel>> {
        let found = self.slots.read().ok().and_then(|s| s.get(name).cloned());
        let slot = match found {
            Some(slot) => slot,
            None => match self.slots.write() {
                Ok(mut slots) => slots.entry(name.to_string()).or_default().clone(),
                // A poisoned lock: build without keeping.
                Err(_) => Arc::new(Slot::default()),
            },
        };
        slot.last_used.store(
            self.clock.fetch_add(1, Ordering::Relaxed),
            Ordering::Relaxed,
        );
        let mut fresh = false;
        let built = slot.built.get_or_init(|| {
            fresh = true;
            self.build(name)
        });
        if fresh && self.capacity.is_some() {
            self.make_room(name);
        }
        built.model.clone()
    }

    fn build(&self, name: &str) -> Built {
        let Some((text, is_package)) = self.sources.load(name) else {
            return Built::default();
        };
        let Some(tree) = crate::analysis::syntax::parse(&text, None) else {
            return Built::default();
        };
        let opts = BuildOptions {
            name: name.to_string(),
            is_package,
            ..BuildOptions::default()
        };
        let model = build(&tree, text.as_bytes(), &opts);
        Built {
            imports: Imported::of(&model),
            model: Some(Arc::new(model)),
            bytes: text.len(),
        }
    }

    /// Forgets the least recently used models (never `keep`, just built)
    /// while those kept exceed the capacity.
    fn make_room(&self, keep: &str) {
        let Some(capacity) = self.capacity else {
            return;
        };
        let Ok(mut slots) = self.slots.write() else {
            return;
        };
        let mut kept: usize = slots
            .values()
            .filter_map(|s| s.built.get())
            .map(|b| b.bytes)
            .sum();
        while kept > capacity {
            let oldest = slots
                .iter()
                .filter(|(n, s)| n.as_str() != keep && s.built.get().is_some_and(|b| b.bytes > 0))
                .min_by_key(|(_, s)| s.last_used.load(Ordering::Relaxed))
                .map(|(n, _)| n.clone());
            let Some(oldest) = oldest else {
                break;
            };
            let Some(slot) = slots.remove(&oldest) else {
                break;
            };
            if let Some(built) = slot.built.get() {
                kept -= built.bytes;
                if let Ok(mut forgotten) = self.forgotten.write() {
                    forgotten.insert(oldest, built.imports.clone());
                }
            }
        }
    }

    /// Forgets module `name` (its text changed).
    pub fn invalidate(&self, name: &str) {
        let now = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        if let Ok(mut changed) = self.changed_at.write() {
            changed.insert(name.to_string(), now);
        }
        if let Ok(mut slots) = self.slots.write() {
            slots.remove(name);
        }
        if let Ok(mut forgotten) = self.forgotten.write() {
            forgotten.remove(name);
        }
    }

    /// Forgets every module.
    pub fn invalidate_all(&self) {
        let now = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.cleared_at.store(now, Ordering::SeqCst);
        if let Ok(mut slots) = self.slots.write() {
            slots.clear();
        }
        if let Ok(mut forgotten) = self.forgotten.write() {
            forgotten.clear();
        }
    }

    /// The number of changes so far (see [`Workspace::changed_since`]).
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Whether a module other than `except` changed after `generation`
    /// (or the lock of the record was poisoned).
    pub fn changed_since(&self, generation: u64, except: &str) -> bool {
        if self.cleared_at.load(Ordering::SeqCst) > generation {
            return true;
        }
        match self.changed_at.read() {
            Ok(changed) => changed.iter().any(|(n, g)| *g > generation && n != except),
            Err(_) => true,
        }
    }

    /// Whether a module built so far (kept or forgotten for room) imports
    /// module `name` (`import` of it or of a package it is in, an attribute
    /// of which may be `name`; `from` it, or `from` its package `import`
    /// it): code read from the workspace may then come back to `name`.
    pub fn may_import(&self, name: &str) -> bool {
        let (Ok(slots), Ok(forgotten)) = (self.slots.read(), self.forgotten.read()) else {
            return true;
        };
        let kept = slots.values().filter_map(|s| s.built.get());
        kept.map(|b| &b.imports)
            .chain(forgotten.values())
            .any(|imports| imports.iter().any(|i| i.reaches(name)))
    }

    /// How many modules are built and kept.
    pub fn built(&self) -> usize {
        self.slots
            .read()
            .map(|s| {
                s.values()
                    .filter(|s| s.built.get().is_some_and(|b| b.model.is_some()))
                    .count()
            })
            .unwrap_or(0)
    }
}

/// The modules one analysis sees.
#[derive(Debug, Clone)]
pub struct World {
    pub this: Arc<ModuleModel>,
    pub workspace: Option<Arc<Workspace>>,
}

impl World {
    /// Just this module and the stdlib.
    pub fn alone(this: Arc<ModuleModel>) -> World {
        World {
            this,
            workspace: None,
        }
    }

    /// The model of module `name`: this one, a stdlib stub, or a workspace
    /// module.
    pub fn module(&self, name: &str) -> Option<Arc<ModuleModel>> {
        if *self.this.name == *name {
            return Some(self.this.clone());
        }
        if let Some(m) = stubs::model(name) {
            return Some(m);
        }
        self.workspace.as_ref()?.module(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::semantic::tests::Texts;

    #[test]
    fn a_module_asked_for_at_once_by_several_analyses_is_built_once() {
        let t = Texts::new(&[("a", "x = 1\n")], 50);
        let w = Arc::new(Workspace::new(Box::new(t.clone())));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let w = w.clone();
                std::thread::spawn(move || w.module("a"))
            })
            .collect();
        let models: Vec<_> = threads.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(t.loads(), 1);
        let first = models[0].clone().unwrap();
        assert!(models
            .iter()
            .all(|m| m.as_ref().is_some_and(|m| Arc::ptr_eq(m, &first))));
        // A module the sources lack is asked for once too.
        assert!(w.module("missing").is_none() && w.module("missing").is_none());
        assert_eq!(t.loads(), 2);
    }

    #[test]
    fn a_model_built_from_a_text_that_changed_meanwhile_is_not_kept() {
        let t = Texts::new(&[("a", "x = 1\n")], 100);
        let w = Arc::new(Workspace::new(Box::new(t.clone())));
        let building = {
            let w = w.clone();
            std::thread::spawn(move || w.module("a"))
        };
        std::thread::sleep(std::time::Duration::from_millis(30));
        t.set("a", "x = 1\ny = 2\n");
        w.invalidate("a");
        let old = building.join().unwrap().unwrap();
        assert_eq!(old.bindings.len(), 1);
        assert_eq!(w.module("a").unwrap().bindings.len(), 2);
    }

    #[test]
    fn a_bounded_workspace_forgets_the_least_recently_used_but_not_their_imports() {
        let a = "import c\nx = 1\n";
        let b = "from d import y\n";
        let e = "z = 3\n";
        let t = Texts::new(&[("a", a), ("b", b), ("e", e)], 0);
        // Room for two of the three texts.
        let w = Workspace::bounded(Box::new(t.clone()), a.len() + b.len());
        // A module the sources lack takes no room and is never forgotten.
        assert!(w.module("missing").is_none());
        let first_a = w.module("a").unwrap();
        w.module("b").unwrap();
        w.module("a").unwrap(); // `b` is now the least recently used
        w.module("e").unwrap();
        assert_eq!(w.built(), 2);
        assert_eq!(t.loads(), 4);
        // `a` was kept; `b` was forgotten and is built again, the same.
        assert!(Arc::ptr_eq(&w.module("a").unwrap(), &first_a));
        assert!(w.module("missing").is_none());
        assert_eq!(t.loads(), 4);
        // What forgotten `b` imported still counts.
        assert!(w.may_import("d") && w.may_import("c") && !w.may_import("f"));
        let again = w.module("b").unwrap();
        assert_eq!(t.loads(), 5);
        assert_eq!(again.bindings.len(), 1);
        // Invalidated modules' imports no longer count.
        w.invalidate("b");
        w.invalidate("a");
        assert!(!w.may_import("d") && !w.may_import("c"));
    }
}
