//! The user's project as the semantic model sees it: the dotted module name
//! of each file, and the texts of the modules an analysis imports, read from
//! disk (or, in the server, from the editor's open documents) when first
//! needed. The analysis core does no I/O: it asks through
//! [`Sources`](crate::analysis::semantic::world::Sources).
//!
//! A file's module name follows Python's import rules for a project run
//! from its root: the directories above it that hold an `__init__.py` are
//! its packages (`shop/models.py` in a package `shop` is `shop.models`), and
//! the first directory without one is an import root, where its siblings are
//! found. The project's folders and their `src/` are roots too.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use crate::analysis::semantic::world::{Sources, Workspace};
use crate::analysis::ModuleContext;

/// The project's files, as the workspace's [`Sources`].
#[derive(Debug, Default)]
struct Files {
    /// Import roots, in the order they are searched.
    roots: RwLock<Vec<PathBuf>>,
    /// Texts that win over the disk (the editor's open documents).
    overlay: RwLock<HashMap<PathBuf, String>>,
}

impl Files {
    fn text(&self, path: &Path) -> Option<String> {
        if let Ok(overlay) = self.overlay.read() {
            if let Some(t) = overlay.get(path) {
                return Some(t.clone());
            }
        }
        crate::files::read(path).ok()
    }
}

/// How much imported modules' text a batch run keeps the models of: a
/// model takes about six times its text, so about 18 MiB. The modules a
/// run's files import most stay (the stdlib's test files import
/// `test.support` hundreds of times); one imported once is built again if
/// asked for after it was forgotten.
pub const BATCH_MODELS_TEXT: usize = 3 << 20;

/// The [`Sources`] of a project.
struct ProjectSources(Arc<Files>);

impl Sources for ProjectSources {
    fn load(&self, name: &str) -> Option<(String, bool)> {
        if name.is_empty() || name == "__main__" {
            return None;
        }
        let parts: Vec<&str> = name.split('.').collect();
        if parts
            .iter()
            .any(|p| p.is_empty() || p.contains(['/', '\\']))
        {
            return None;
        }
        let roots = self.0.roots.read().ok()?.clone();
        for root in roots {
            let base = parts.iter().fold(root.clone(), |p, part| p.join(part));
            let package = base.join("__init__.py");
            if let Some(text) = self.0.text(&package) {
                return Some((text, true));
            }
            let module = base.with_extension("py");
            if let Some(text) = self.0.text(&module) {
                return Some((text, false));
            }
        }
        None
    }
}

/// A project: its import roots, open-document texts, and the workspace
/// the analyses of its files share.
#[derive(Debug, Clone)]
pub struct Project {
    files: Arc<Files>,
    workspace: Arc<Workspace>,
}

impl Default for Project {
    fn default() -> Project {
        Project::new()
    }
}

impl std::fmt::Debug for ProjectSources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ProjectSources")
    }
}

impl Project {
    pub fn new() -> Project {
        Project::with(Workspace::new)
    }

    /// A project whose workspace `make` makes from the project's sources.
    fn with(make: impl FnOnce(Box<dyn Sources>) -> Workspace) -> Project {
        let files = Arc::new(Files::default());
        let workspace = Arc::new(make(Box::new(ProjectSources(files.clone()))));
        Project { files, workspace }
    }

    /// A project for one run over many files (`check`, `map`): its
    /// workspace keeps the models of at most [`BATCH_MODELS_TEXT`] bytes of
    /// imported modules' text, the least recently used forgotten first.
    pub fn for_batch() -> Project {
        Project::with(|sources| Workspace::bounded(sources, BATCH_MODELS_TEXT))
    }

    /// Adds a folder of the project (and its `src/`, if any) as import roots.
    pub fn add_folder(&self, folder: &Path) {
        let folder = absolute(folder);
        self.add_root(&folder);
        let src = folder.join("src");
        if src.is_dir() {
            self.add_root(&src);
        }
    }

    fn add_root(&self, root: &Path) {
        if let Ok(mut roots) = self.files.roots.write() {
            if !roots.iter().any(|r| r == root) {
                roots.push(root.to_path_buf());
                // A new root can change what an import finds.
                self.workspace.invalidate_all();
            }
        }
    }

    /// The module context of the file at `path`: its dotted name, whether it
    /// is a package's `__init__`, and this project's workspace. Its import
    /// root becomes a root of the project.
    pub fn context_for(&self, path: &Path) -> ModuleContext {
        let (name, is_package, root) = module_name(&absolute(path));
        if let Some(root) = root {
            self.add_root(&root);
        }
        ModuleContext {
            name,
            is_package,
            workspace: Some(self.workspace.clone()),
        }
    }

    /// The module contexts of a batch of files (a `check` or `map` run),
    /// every file's import root added before any is analysed: what an
    /// import finds must not depend on the order the files are analysed in
    /// (a root found halfway through a run would also forget every model
    /// built before it).
    pub fn contexts<P: AsRef<Path>>(&self, paths: &[P]) -> Vec<ModuleContext> {
        paths.iter().map(|p| self.context_for(p.as_ref())).collect()
    }

    /// The editor's text of an open file (it wins over the disk), and the
    /// models built from the old text forgotten.
    pub fn set_text(&self, path: &Path, text: &str) {
        let path = absolute(path);
        if let Ok(mut overlay) = self.files.overlay.write() {
            overlay.insert(path.clone(), text.to_string());
        }
        self.changed(&path);
    }

    /// The file is closed in the editor: the disk's text counts again.
    pub fn forget_text(&self, path: &Path) {
        let path = absolute(path);
        if let Ok(mut overlay) = self.files.overlay.write() {
            overlay.remove(&path);
        }
        self.changed(&path);
    }

    /// The file changed on disk (or in the editor).
    pub fn changed(&self, path: &Path) {
        let (name, _, _) = module_name(&absolute(path));
        self.workspace.invalidate(&name);
    }

    /// How many of the project's modules are built.
    pub fn built(&self) -> usize {
        self.workspace.built()
    }
}

/// `path` made absolute (without resolving links).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The dotted module name of a file, whether it is a package's
/// `__init__.py`, and its import root (the first directory above it
/// without an `__init__.py`).
pub fn module_name(path: &Path) -> (String, bool, Option<PathBuf>) {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let is_package = stem == "__init__";
    let mut parts: Vec<String> = if is_package { Vec::new() } else { vec![stem] };
    let mut dir = path.parent().map(Path::to_path_buf);
    while let Some(d) = dir.clone() {
        if !d.join("__init__.py").is_file() {
            break;
        }
        match d.file_name() {
            Some(n) => parts.insert(0, n.to_string_lossy().into_owned()),
            None => break,
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    let valid = !parts.is_empty()
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'));
    if !valid {
        return ("__main__".into(), false, dir);
    }
    (parts.join("."), is_package, dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_follow_packages() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("shop/orders")).unwrap();
        std::fs::write(root.join("shop/__init__.py"), "").unwrap();
        std::fs::write(root.join("shop/orders/__init__.py"), "").unwrap();
        std::fs::write(root.join("shop/models.py"), "").unwrap();
        std::fs::write(root.join("script.py"), "").unwrap();
        std::fs::write(root.join("my-script.py"), "").unwrap();
        let name = |p: &str| {
            let (n, pkg, r) = module_name(&root.join(p));
            (n, pkg, r.map(|r| r == root))
        };
        assert_eq!(
            name("shop/models.py"),
            ("shop.models".into(), false, Some(true))
        );
        assert_eq!(
            name("shop/orders/__init__.py"),
            ("shop.orders".into(), true, Some(true))
        );
        assert_eq!(name("script.py"), ("script".into(), false, Some(true)));
        assert_eq!(name("my-script.py").0, "__main__");
    }

    #[test]
    fn sources_find_modules_under_the_roots_and_prefer_open_texts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("shop")).unwrap();
        std::fs::write(root.join("shop/__init__.py"), "X = 1\n").unwrap();
        std::fs::write(root.join("shop/models.py"), "class Field: pass\n").unwrap();
        let project = Project::new();
        let ctx = project.context_for(&root.join("shop/models.py"));
        assert_eq!(ctx.name, "shop.models");
        let sources = ProjectSources(project.files.clone());
        assert_eq!(sources.load("shop.models").map(|t| t.1), Some(false));
        assert_eq!(sources.load("shop").map(|t| t.1), Some(true));
        assert_eq!(sources.load("nope"), None);
        assert_eq!(sources.load("../etc"), None);
        project.set_text(&root.join("shop/models.py"), "class Other: pass\n");
        assert_eq!(
            sources.load("shop.models").map(|t| t.0),
            Some("class Other: pass\n".to_string())
        );
    }
}
