//! A file's rule findings, kept with what each unit of the file read, so
//! that after an edit only the units it can have changed are checked again.
//!
//! A unit is a top-level statement (a `def`, a `class`, an import, any
//! statement at module level, a comment); the module node itself is a unit
//! of its own, checked every time (the rules that look at the module's
//! statement list dispatch there). [`rules::check_unit`] checks a unit with
//! inference of its own, so a unit's findings are a function of:
//! - its own code;
//! - the values the model gives the names it reads, which come from the
//!   code of the units that bind those names (at module level, in a class
//!   body, `self.x = ...`, `global`), and, through the names those units
//!   read in turn, from further units;
//! - nothing else, unless the check says it read more
//!   ([`rules::UnitCheck::wide`]: the module's other code, a place in a
//!   finding), and then the unit is checked again after every edit;
//! - the workspace modules it read ([`rules::UnitCheck::workspace`]): the
//!   unit is checked again when another module of the workspace changed,
//!   or when a module of the workspace may import this one (its code could
//!   lead back here).
//!
//! After an edit, the units before and after the edited region whose text is
//! unchanged are matched with the previous version's; the others are new.
//! A matched unit keeps its findings (moved with the text) unless it reads
//! a name bound by a new or removed unit, or by a unit that is checked again
//! for that reason (to a fixed point). Everything else is checked again.
//! Where a name is used never matters to a unit's findings through the
//! model (inference follows names to their bindings, never back to their
//! uses); a rule that looks at uses elsewhere scans the module
//! ([`rules::Ctx::module_names`], [`rules::Ctx::root`]), which makes its
//! unit wide. A file with a syntax error, or whose module has a star
//! import, is checked whole. `tests/proptest_edits.rs` checks that the
//! findings after random edits of stdlib files equal a fresh check.

use std::ops::Range;
use std::sync::Arc;

use tree_sitter::Node;

use super::rules::{self, Diagnostic, Selection, UnitCheck};
use super::semantic::world::Workspace;
use super::semantic::{FastSet, ModuleModel, ScopeKind};
use super::{text, Parsed};

/// The findings of one version of a file, ready for the next.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// Suppressed findings dropped; sorted by position, then rule.
    pub diagnostics: Arc<Vec<Diagnostic>>,
    /// How many units were checked (not reused) to produce this version's.
    pub checked: usize,
    /// What reuse needs: absent when the file cannot be reused from.
    reuse: Option<Reuse>,
}

#[derive(Debug, Clone)]
struct Reuse {
    text: Arc<str>,
    /// The workspace (kept: the same one, not another at its address), its
    /// generation when the check began, and whether no module of the
    /// workspace built when it ended imports this one.
    workspace: Option<(Arc<Workspace>, u64, bool)>,
    selection: Selection,
    module: (Arc<str>, bool),
    units: Vec<Unit>,
}

#[derive(Debug, Clone)]
struct Unit {
    range: Range<usize>,
    /// Hashes of every name-like word of its text and its findings' texts.
    reads: Arc<FastSet<u64>>,
    /// Hashes of the names it binds where other units can see them.
    binds: Arc<[u64]>,
    check: Arc<UnitCheck>,
}

impl Findings {
    /// Units kept from the previous version (for tests and logs).
    pub fn units(&self) -> usize {
        self.reuse.as_ref().map_or(0, |r| r.units.len())
    }
}

/// The findings of `parsed` for `selection`, reusing `previous` (the
/// findings of an earlier version of the same document) where the edit
/// cannot have changed them. Equal to a fresh [`rules::check`] always.
pub fn analyse(parsed: &Parsed, selection: &Selection, previous: Option<&Findings>) -> Findings {
    let Some(tree) = parsed.tree.as_ref() else {
        return Findings::default();
    };
    let enabled = rules::enabled(selection);
    if !enabled.iter().any(|e| *e) {
        return Findings::default();
    }
    let world = parsed.world();
    let generation = world.workspace.as_ref().map(|w| w.generation());
    let model = world.this.clone();
    let root = tree.root_node();
    let nodes = rules::units(root);
    let text = parsed.text.as_str();
    let module = (model.name.clone(), model.is_package);
    let reusable = !root.has_error()
        && model
            .scope(super::semantic::MODULE_SCOPE)
            .star_imports
            .is_empty();
    let prev = previous
        .and_then(|p| p.reuse.as_ref())
        .filter(|p| reusable && p.selection == *selection && p.module == module);

    // Which new units keep an old unit's findings: (new index, old index).
    let matched = prev.map_or_else(Vec::new, |p| {
        let old: Vec<Range<usize>> = p.units.iter().map(|u| u.range.clone()).collect();
        let new: Vec<Range<usize>> = nodes.iter().map(|n| n.byte_range()).collect();
        text::unchanged_spans(&old, p.text.as_bytes(), &new, text.as_bytes())
    });
    let mut kept: Vec<Option<usize>> = vec![None; nodes.len()];
    for &(new, old) in &matched {
        kept[new] = Some(old);
    }
    let binds = binds_by_unit(&model, &nodes);
    if let Some(p) = prev {
        // Units that read the workspace keep their findings if no other
        // module changed and none could import this one back.
        let workspace_unchanged = match (&world.workspace, &p.workspace) {
            (Some(w), Some((was, then, alone))) => {
                Arc::ptr_eq(w, was) && *alone && !w.changed_since(*then, &module.0)
            }
            (None, None) => true,
            _ => false,
        };
        // Names whose values may have changed: those bound by units that
        // are gone or new, then by units that read one of them.
        let mut old_kept = vec![false; p.units.len()];
        for &(_, old) in &matched {
            old_kept[old] = true;
        }
        let mut changed: FastSet<u64> = FastSet::default();
        for (unit, keep) in p.units.iter().zip(&old_kept) {
            if !keep {
                changed.extend(unit.binds.iter().copied());
            }
        }
        for (i, keep) in kept.iter().enumerate() {
            if keep.is_none() {
                changed.extend(binds[i].iter().copied());
            }
        }
        loop {
            let mut grew = false;
            for (i, keep) in kept.iter_mut().enumerate() {
                let Some(old) = *keep else {
                    continue;
                };
                if p.units[old].reads.iter().any(|h| changed.contains(h)) {
                    *keep = None;
                    changed.extend(binds[i].iter().copied());
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        for keep in kept.iter_mut() {
            if let Some(old) = *keep {
                let unit = &p.units[old];
                if unit.check.wide || (unit.check.workspace && !workspace_unchanged) {
                    *keep = None;
                }
            }
        }
    }

    use rayon::prelude::*;
    let mut fresh: Vec<Option<UnitCheck>> = kept
        .par_iter()
        .enumerate()
        .map(|(i, k)| {
            k.is_none()
                .then(|| rules::check_unit(parsed, &world, &enabled, nodes[i]))
        })
        .collect();
    let checked = fresh.iter().filter(|c| c.is_some()).count();
    let mut units = Vec::with_capacity(nodes.len());
    for (i, node) in nodes.iter().enumerate() {
        let range = node.byte_range();
        let unit = match (kept[i], prev) {
            (Some(old), Some(p)) => {
                let was = &p.units[old];
                let delta = range.start as isize - was.range.start as isize;
                Unit {
                    range,
                    reads: was.reads.clone(),
                    binds: was.binds.clone(),
                    check: if delta == 0 {
                        was.check.clone()
                    } else {
                        Arc::new(moved(&was.check, delta))
                    },
                }
            }
            _ => {
                let check = fresh[i].take().unwrap_or_default();
                let mut reads: FastSet<u64> =
                    words(text.get(range.clone()).unwrap_or("")).collect();
                for d in &check.diagnostics {
                    for t in d.args.texts() {
                        reads.extend(words(t));
                    }
                    for e in d.fix.iter().flat_map(|f| &f.edits) {
                        reads.extend(words(&e.text));
                    }
                }
                Unit {
                    range,
                    reads: Arc::new(reads),
                    binds: Arc::from(binds[i].as_slice()),
                    check: Arc::new(check),
                }
            }
        };
        units.push(unit);
    }
    // The module node: checked every time.
    let top = rules::check_unit(parsed, &world, &enabled, root);
    let checks = std::iter::once(&top).chain(units.iter().map(|u| &*u.check));
    let diagnostics = Arc::new(rules::finish(parsed, checks));
    Findings {
        diagnostics,
        checked: checked + 1,
        reuse: reusable.then(|| Reuse {
            text: Arc::from(text),
            workspace: world
                .workspace
                .as_ref()
                .zip(generation)
                .map(|(w, g)| (w.clone(), g, !w.may_import(&module.0))),
            selection: selection.clone(),
            module,
            units,
        }),
    }
}

/// A unit's findings moved by `delta` bytes with its text.
fn moved(check: &UnitCheck, delta: isize) -> UnitCheck {
    let shift =
        |r: &Range<usize>| (r.start as isize + delta) as usize..(r.end as isize + delta) as usize;
    let mut out = check.clone();
    for d in &mut out.diagnostics {
        d.range = shift(&d.range);
        for f in d.fix.iter_mut() {
            for e in &mut f.edits {
                e.range = shift(&e.range);
            }
        }
    }
    for c in &mut out.comments {
        *c = shift(c);
    }
    out
}

/// For each unit, the hashes of the names it binds where other units see
/// them: bindings in the module's and in class scopes, names declared
/// `global`, `self.x = ...` attributes.
fn binds_by_unit(model: &ModuleModel, nodes: &[Node]) -> Vec<Vec<u64>> {
    let mut out = vec![Vec::new(); nodes.len()];
    let starts: Vec<usize> = nodes.iter().map(|n| n.start_byte()).collect();
    let unit_of = |at: usize| -> Option<usize> {
        let i = starts.partition_point(|s| *s <= at).checked_sub(1)?;
        (at < nodes[i].end_byte()).then_some(i)
    };
    // Scopes other units see into: the module's, and class bodies whose
    // enclosing scopes are all class bodies up to the module's (what a
    // function defines inside reaches others only through its name).
    let mut seen = vec![false; model.scopes.len()];
    for (i, s) in model.scopes.iter().enumerate() {
        seen[i] = match s.kind {
            ScopeKind::Module => true,
            ScopeKind::Class(_) => s
                .parent
                .and_then(|p| seen.get(p as usize).copied())
                .unwrap_or(false),
            _ => false,
        };
    }
    for b in &model.bindings {
        let visible = seen.get(b.scope as usize).copied().unwrap_or(false);
        if visible {
            if let Some(i) = unit_of(b.range.start as usize) {
                out[i].push(hash(&b.name));
            }
        }
    }
    for s in &model.scopes {
        let Some(start) = s.ranges.first().map(|r| r.start as usize) else {
            continue;
        };
        if let Some(i) = unit_of(start) {
            out[i].extend(s.globals.iter().map(|g| hash(g)));
        }
    }
    for c in &model.classes {
        if !seen.get(c.scope as usize).copied().unwrap_or(false) {
            continue;
        }
        if let Some(i) = unit_of(c.range.start as usize) {
            out[i].extend(c.self_attrs.keys().map(|a| hash(a)));
        }
    }
    for binds in &mut out {
        binds.sort_unstable();
        binds.dedup();
    }
    out
}

/// The hashes of the name-like words of a text (identifiers, keywords, the
/// words in strings and comments: more than the names it reads, never
/// fewer), but for the name after `def` or `class`, which binds.
fn words(text: &str) -> impl Iterator<Item = u64> + '_ {
    let is_word = |b: u8| b == b'_' || b.is_ascii_alphanumeric() || b >= 0x80;
    let bytes = text.as_bytes();
    let mut i = 0;
    // Whether the last word was `def` or `class` with only blanks since.
    let mut defines = false;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let b = bytes[i];
            if is_word(b) {
                let start = i;
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
                let word = text.get(start..i).unwrap_or("");
                let named = std::mem::replace(&mut defines, matches!(word, "def" | "class"));
                if named || b.is_ascii_digit() {
                    continue;
                }
                return Some(hash(word));
            }
            if b != b' ' && b != b'\t' {
                defines = false;
            }
            i += 1;
        }
        None
    })
}

/// FNV-1a ([`super::syntax::Fnv`]): names are short.
fn hash(name: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = super::syntax::Fnv::default();
    h.write(name.as_bytes());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::semantic::tests::Texts;
    use crate::analysis::semantic::world::Workspace;
    use crate::analysis::ModuleContext;

    const FILE: &str = "import asyncio\n\n\ndef fetch():\n    return 1\n\n\ndef main():\n    fetch()\n\n\ndef other():\n    x = 1\n    return x\n\n\nclass Box:\n    def get(self):\n        return self\n";

    fn edited(parsed: &mut Parsed, from: &str, to: &str) {
        let at = parsed.text.find(from).expect("the text to edit");
        parsed.replace(at..at + from.len(), to);
        parsed.reparse();
    }

    fn fresh(parsed: &Parsed) -> Vec<Diagnostic> {
        let again = Parsed::new(parsed.text.clone()).with_context(parsed.context.clone());
        rules::check(&again, &Selection::default())
    }

    /// `found` is what a fresh check of `parsed` finds, and that includes a
    /// coroutine never awaited.
    fn assert_fresh_with_unawaited(found: &Findings, parsed: &Parsed) {
        assert_eq!(*found.diagnostics, fresh(parsed));
        assert!(found
            .diagnostics
            .iter()
            .any(|d| d.rule.as_str() == "unawaited-coroutine"));
    }

    #[test]
    fn an_edit_inside_one_function_checks_that_unit_and_the_module_node_only() {
        let sel = Selection::default();
        let mut parsed = Parsed::new(FILE.to_string());
        let first = analyse(&parsed, &sel, None);
        assert_eq!(first.checked, first.units() + 1);
        edited(&mut parsed, "x = 1", "x = 2");
        let next = analyse(&parsed, &sel, Some(&first));
        assert_eq!(next.checked, 2);
        assert_eq!(*next.diagnostics, fresh(&parsed));
        // A line added above moves every later unit: kept, and moved.
        edited(&mut parsed, "import asyncio\n", "import asyncio\n\n");
        let moved = analyse(&parsed, &sel, Some(&next));
        assert_eq!(moved.checked, 1, "the module node only");
        assert_eq!(*moved.diagnostics, fresh(&parsed));
    }

    #[test]
    fn a_unit_reading_a_name_whose_definition_changed_is_checked_again() {
        let sel = Selection::default();
        let mut parsed = Parsed::new(FILE.to_string());
        let first = analyse(&parsed, &sel, None);
        assert!(first.diagnostics.is_empty());
        // `fetch` becomes a coroutine function: `main`'s call of it is now
        // a coroutine never awaited, though `main` did not change.
        edited(&mut parsed, "def fetch", "async def fetch");
        let next = analyse(&parsed, &sel, Some(&first));
        assert_fresh_with_unawaited(&next, &parsed);
        // `other` and `Box` read nothing `fetch` binds: kept.
        assert_eq!(next.checked, 3, "fetch, main and the module node");
    }

    #[test]
    fn a_check_that_looks_at_the_statements_after_it_is_done_again() {
        // At module level, `acquire()`'s critical section is made of the
        // units that follow it.
        let text =
            "import threading\nlock = threading.Lock()\nlock.acquire()\nwork()\nlock.release()\n";
        let sel = Selection::default();
        let mut parsed = Parsed::new(text.to_string());
        let first = analyse(&parsed, &sel, None);
        assert!(first
            .diagnostics
            .iter()
            .any(|d| d.rule.as_str() == "acquire-without-release"));
        edited(&mut parsed, "lock.release()", "pass");
        let next = analyse(&parsed, &sel, Some(&first));
        assert_eq!(*next.diagnostics, fresh(&parsed));
        edited(&mut parsed, "pass", "lock.release()");
        let again = analyse(&parsed, &sel, Some(&next));
        assert_eq!(*again.diagnostics, *first.diagnostics);
    }

    #[test]
    fn a_syntax_error_checks_the_whole_file() {
        let sel = Selection::default();
        let mut parsed = Parsed::new(FILE.to_string());
        let first = analyse(&parsed, &sel, None);
        edited(&mut parsed, "x = 1", "x = (");
        let next = analyse(&parsed, &sel, Some(&first));
        assert_eq!(next.units(), 0, "nothing to reuse from a broken file");
        assert_eq!(*next.diagnostics, fresh(&parsed));
    }

    /// A workspace whose module `helpers` has this text.
    fn helpers(text: &str) -> Arc<Texts> {
        Texts::new(&[("helpers", text)], 0)
    }

    const USES_HELPERS: &str =
        "import helpers\n\n\ndef main():\n    helpers.load()\n\n\ndef other():\n    return 2\n";

    fn workspace(texts: &Arc<Texts>) -> ModuleContext {
        ModuleContext {
            name: "app".into(),
            is_package: false,
            workspace: Some(Arc::new(Workspace::new(Box::new(texts.clone())))),
        }
    }

    #[test]
    fn a_unit_reading_another_module_is_checked_again_when_that_module_changes() {
        let texts = helpers("def load():\n    return 1\n");
        let context = workspace(&texts);
        let text = USES_HELPERS;
        let sel = Selection::default();
        let mut parsed = Parsed::new(text.to_string()).with_context(context.clone());
        let first = analyse(&parsed, &sel, None);
        assert!(first.diagnostics.is_empty());
        // Nothing else changed: `main` is kept.
        edited(&mut parsed, "return 2", "return 3");
        let kept = analyse(&parsed, &sel, Some(&first));
        assert_eq!(kept.checked, 2);
        // `helpers.load` becomes a coroutine function.
        texts.set("helpers", "async def load():\n    return 1\n");
        if let Some(w) = &context.workspace {
            w.invalidate("helpers");
        }
        edited(&mut parsed, "return 3", "return 4");
        let next = analyse(&parsed, &sel, Some(&kept));
        assert!(next.checked >= 3, "main is checked again");
        assert_fresh_with_unawaited(&next, &parsed);
    }

    #[test]
    fn another_workspace_keeps_nothing_that_read_the_old_one() {
        let texts = helpers("def load():\n    return 1\n");
        let text = USES_HELPERS;
        let sel = Selection::default();
        let parsed = Parsed::new(text.to_string()).with_context(workspace(&texts));
        let first = analyse(&parsed, &sel, None);
        assert!(first.diagnostics.is_empty());
        // The project is loaded again (new roots): a new workspace, where
        // `helpers.load` is a coroutine function.
        texts.set("helpers", "async def load():\n    return 1\n");
        let mut parsed = Parsed::new(text.to_string()).with_context(workspace(&texts));
        edited(&mut parsed, "return 2", "return 3");
        let next = analyse(&parsed, &sel, Some(&first));
        assert_fresh_with_unawaited(&next, &parsed);
    }

    #[test]
    fn a_workspace_module_importing_this_one_keeps_nothing_that_read_it() {
        let texts = helpers("import app\n\nload = app.fetch\n");
        let context = workspace(&texts);
        let text =
            "import helpers\n\n\ndef fetch():\n    return 1\n\n\ndef main():\n    helpers.load()\n";
        let sel = Selection::default();
        let mut parsed = Parsed::new(text.to_string()).with_context(context);
        let first = analyse(&parsed, &sel, None);
        assert!(first.diagnostics.is_empty());
        // `main` reads only `helpers` and `load`, but `helpers.load` is
        // this module's `fetch`.
        edited(&mut parsed, "def fetch", "async def fetch");
        let next = analyse(&parsed, &sel, Some(&first));
        assert_fresh_with_unawaited(&next, &parsed);
    }
}
