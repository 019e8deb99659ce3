//! The modules an analysis can see: the one being analysed, the stdlib's
//! stubs, and the user's other files (a [`Workspace`], whose texts a client
//! supplies through [`Sources`]: the analysis core itself does no I/O).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use super::builder::{build, BuildOptions};
use super::{stubs, ModuleModel};

/// Where a workspace's module texts come from (the server's open documents
/// and files, the CLI's files).
pub trait Sources: Send + Sync {
    /// The text of the workspace module `name` (dotted) and whether it is a
    /// package's `__init__`; `None` if the workspace has no such module.
    fn load(&self, name: &str) -> Option<(String, bool)>;
}

/// The user's other files, built into models lazily and kept until
/// invalidated.
pub struct Workspace {
    sources: Box<dyn Sources>,
    models: RwLock<HashMap<String, Option<Arc<ModuleModel>>>>,
    /// Counts the changes: each module's text changed, or all of them.
    generation: AtomicU64,
    /// The generation of each module's last change.
    changed_at: RwLock<HashMap<String, u64>>,
    /// The generation of the last change of every module at once.
    cleared_at: AtomicU64,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.models.read().map(|m| m.len()).unwrap_or(0);
        write!(f, "Workspace({n} modules built)")
    }
}

impl Workspace {
    pub fn new(sources: Box<dyn Sources>) -> Workspace {
        Workspace {
            sources,
            models: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
            changed_at: RwLock::new(HashMap::new()),
            cleared_at: AtomicU64::new(0),
        }
    }

    /// The model of workspace module `name`, built on first use.
    pub fn module(&self, name: &str) -> Option<Arc<ModuleModel>> {
        if let Ok(models) = self.models.read() {
            if let Some(m) = models.get(name) {
                return m.clone();
            }
        }
        let built = self.sources.load(name).and_then(|(text, is_package)| {
            let tree = crate::analysis::syntax::parse(&text, None)?;
            let opts = BuildOptions {
                name: name.to_string(),
                is_package,
                ..BuildOptions::default()
            };
            Some(Arc::new(build(&tree, text.as_bytes(), &opts)))
        });
        if let Ok(mut models) = self.models.write() {
            models.insert(name.to_string(), built.clone());
        }
        built
    }

    /// Forgets module `name` (its text changed).
    pub fn invalidate(&self, name: &str) {
        let now = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        if let Ok(mut changed) = self.changed_at.write() {
            changed.insert(name.to_string(), now);
        }
        if let Ok(mut models) = self.models.write() {
            models.remove(name);
        }
    }

    /// Forgets every module.
    pub fn invalidate_all(&self) {
        let now = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        self.cleared_at.store(now, Ordering::SeqCst);
        if let Ok(mut models) = self.models.write() {
            models.clear();
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

    /// Whether a module built so far imports module `name` (`import` of it
    /// or of a package it is in, an attribute of which may be `name`;
    /// `from` it, or `from` its package `import` it): code read from the
    /// workspace may then come back to `name`.
    pub fn may_import(&self, name: &str) -> bool {
        let reaches = |imported: &str| {
            imported == name
                || name
                    .strip_prefix(imported)
                    .is_some_and(|rest| rest.starts_with('.'))
        };
        let Ok(models) = self.models.read() else {
            return true;
        };
        models.values().flatten().any(|m| {
            m.bindings.iter().any(|b| match &b.kind {
                super::BindingKind::Import { module } => reaches(module),
                super::BindingKind::ImportFrom { module, name: n } => {
                    **module == *name || reaches(&format!("{module}.{n}"))
                }
                _ => false,
            })
        })
    }

    /// How many modules are built.
    pub fn built(&self) -> usize {
        self.models
            .read()
            .map(|m| m.values().filter(|v| v.is_some()).count())
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
