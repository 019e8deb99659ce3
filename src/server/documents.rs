//! Open documents: versioned snapshots, changed before any `.await`.
//!
//! A document larger than the size limit is kept as text and line index
//! only (no syntax tree): it gets no analysis, and memory stays the text's.
//! A `didChange` whose version is not newer than the document's is ignored;
//! unless it repeats the last change exactly, the client's text and ours may
//! now differ, so the document is marked out of sync (no analysis) until a
//! full-text change or a reopen brings it back.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{mpsc, Arc, OnceLock, RwLock};

use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::convert;
use crate::analysis::findings::{self, Findings};
use crate::analysis::rules::{Diagnostic, Selection};
use crate::analysis::{Encoding, LineIndex, ModuleContext, Parsed};
use crate::project::Project;

/// Frees a replaced version on a thread of its own: dropping a large file's
/// tree and model takes milliseconds the new version's diagnostics should
/// not wait for. Inline when that thread cannot be started.
fn drop_later(old: Arc<Document>) {
    static BIN: OnceLock<Option<mpsc::Sender<Arc<Document>>>> = OnceLock::new();
    let bin = BIN.get_or_init(|| {
        let (send, receive) = mpsc::channel::<Arc<Document>>();
        std::thread::Builder::new()
            .name("pyexplain-drop".into())
            .spawn(move || receive.into_iter().for_each(drop))
            .ok()
            .map(|_| send)
    });
    if let Some(bin) = bin {
        // A send fails only when the thread is gone; the value comes back
        // inside the error and is dropped here.
        let _ = bin.send(old);
    }
}

/// Why a document gets no analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Off {
    /// Larger than the size limit (bytes).
    TooLarge(u64),
    /// A change was ignored: the text may differ from the client's.
    OutOfSync,
}

/// One open document at one version.
#[derive(Debug)]
pub struct Document {
    pub version: i32,
    pub parsed: Parsed,
    /// Set when the document gets no analysis.
    pub off: Option<Off>,
    /// A fingerprint of the last change applied (to recognize a repeat).
    last_change: u64,
    /// The findings for the last selection asked for.
    findings: std::sync::Mutex<Option<(Selection, Arc<Findings>)>>,
    /// The findings of the version this one replaced (until this one's
    /// are computed from them).
    previous: std::sync::Mutex<Option<Arc<Findings>>>,
    /// An analysis of this version is still running past its budget.
    pub overrun: std::sync::atomic::AtomicBool,
}

impl Document {
    fn with(version: i32, parsed: Parsed, off: Option<Off>, last_change: u64) -> Document {
        Document {
            version,
            parsed,
            off,
            last_change,
            findings: std::sync::Mutex::new(None),
            previous: std::sync::Mutex::new(None),
            overrun: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The findings for `selection` if they are already computed (`None`
    /// while they are being computed or were never asked for): for a
    /// request that must not wait for an analysis.
    pub fn computed_diagnostics(&self, selection: &Selection) -> Option<Arc<Vec<Diagnostic>>> {
        if self.off.is_some() {
            return Some(Arc::new(Vec::new()));
        }
        let cache = match self.findings.try_lock() {
            Ok(c) => c,
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        cached(&cache, selection)
    }

    /// The rule findings, computed once per selection (none when the
    /// document is off).
    pub fn diagnostics(&self, selection: &Selection) -> Arc<Vec<Diagnostic>> {
        if self.off.is_some() {
            return Arc::new(Vec::new());
        }
        let mut cache = match self.findings.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(found) = cached(&cache, selection) {
            return found;
        }
        let previous = match self.previous.lock() {
            Ok(mut p) => p.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        let found = Arc::new(findings::analyse(
            &self.parsed,
            selection,
            previous.as_deref(),
        ));
        *cache = Some((selection.clone(), found.clone()));
        found.diagnostics.clone()
    }

    /// The findings this version's can be computed from: those of the
    /// version it replaces, when computed and not being computed now.
    fn findings_to_reuse(&self) -> Option<Arc<Findings>> {
        let computed = self
            .findings
            .try_lock()
            .ok()
            .and_then(|c| c.as_ref().map(|(_, f)| f.clone()));
        computed.or_else(|| self.previous.try_lock().ok().and_then(|p| p.clone()))
    }
}

/// The findings a document's cache holds for `selection`.
fn cached(
    cache: &Option<(Selection, Arc<Findings>)>,
    selection: &Selection,
) -> Option<Arc<Vec<Diagnostic>>> {
    cache
        .as_ref()
        .filter(|(sel, _)| sel == selection)
        .map(|(_, found)| found.diagnostics.clone())
}

/// A text with its line index and no syntax tree: for documents over the
/// size limit (analysis never looks at them).
fn unparsed(text: String) -> Parsed {
    let mut parsed = Parsed::new(String::new());
    parsed.lines = LineIndex::new(&text);
    parsed.text = text;
    parsed.tree = None;
    parsed
}

/// Parses `text` in its module context, or keeps it as text only when it
/// is over `limit`.
fn load(text: String, limit: u64, context: ModuleContext) -> (Parsed, Option<Off>) {
    let size = text.len() as u64;
    if size > limit {
        (unparsed(text), Some(Off::TooLarge(size)))
    } else {
        (Parsed::new(text).with_context(context), None)
    }
}

fn fingerprint(version: i32, changes: &[TextDocumentContentChangeEvent]) -> u64 {
    // Stable within one process, which is all a repeat check needs.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    version.hash(&mut h);
    for c in changes {
        c.range
            .map(|r| (r.start.line, r.start.character, r.end.line, r.end.character))
            .hash(&mut h);
        c.text.hash(&mut h);
    }
    h.finish()
}

/// What a `didChange` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Changed {
    /// Applied; the document's analysis state changed to this.
    Applied { off: Option<Off>, was: Option<Off> },
    /// Not applied, with the reason to log; `true` when the document is now
    /// out of sync.
    Ignored(String, bool),
}

/// The open documents. Handlers take an `Arc` snapshot and never hold the lock
/// across an `.await`. Their texts also feed the project, so a module that
/// imports an open one sees the editor's text, not the disk's.
#[derive(Debug, Default)]
pub struct Documents {
    map: RwLock<HashMap<Uri, Arc<Document>>>,
    project: Project,
}

impl Documents {
    /// The project the documents belong to.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// The module context of a document: its module name and the project
    /// (a document that is not a file is a module of its own).
    fn context(&self, uri: &Uri) -> ModuleContext {
        match uri.to_file_path() {
            Some(path) => self.project.context_for(&path),
            None => ModuleContext::default(),
        }
    }

    /// The editor's text of a document, for the modules that import it.
    fn share(&self, uri: &Uri, text: &str) {
        if let Some(path) = uri.to_file_path() {
            self.project.set_text(&path, text);
        }
    }

    /// Opens (or reopens) a document; returns why it gets no analysis.
    pub fn open(&self, uri: Uri, version: i32, text: String, limit: u64) -> Option<Off> {
        self.share(&uri, &text);
        let (parsed, off) = load(text, limit, self.context(&uri));
        let doc = Arc::new(Document::with(version, parsed, off, 0));
        self.write(|m| {
            m.insert(uri, doc);
        });
        off
    }

    pub fn close(&self, uri: &Uri) {
        self.write(|m| {
            m.remove(uri);
        });
        if let Some(path) = uri.to_file_path() {
            self.project.forget_text(&path);
        }
    }

    /// Every open document.
    pub fn all(&self) -> Vec<(Uri, Arc<Document>)> {
        match self.map.read() {
            Ok(m) => m.iter().map(|(u, d)| (u.clone(), d.clone())).collect(),
            Err(poisoned) => poisoned
                .into_inner()
                .iter()
                .map(|(u, d)| (u.clone(), d.clone()))
                .collect(),
        }
    }

    pub fn get(&self, uri: &Uri) -> Option<Arc<Document>> {
        match self.map.read() {
            Ok(m) => m.get(uri).cloned(),
            Err(poisoned) => poisoned.into_inner().get(uri).cloned(),
        }
    }

    /// Applies a `didChange`: ignored (with the reason) for an unopened
    /// document or a version not newer than the current one. Ranges are
    /// clamped to the text; each range refers to the text as the previous
    /// change in the batch left it, as the protocol says.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        encoding: Encoding,
        limit: u64,
    ) -> Changed {
        let Some(current) = self.get(uri) else {
            return Changed::Ignored(format!("{} is not open", uri.as_str()), false);
        };
        let print = fingerprint(version, changes);
        let full_text = changes.iter().rposition(|c| c.range.is_none());
        if version <= current.version {
            let repeat = version == current.version && print == current.last_change;
            let why = if repeat {
                format!(
                    "version {version} of {} repeats the last change",
                    uri.as_str()
                )
            } else {
                format!(
                    "version {version} of {} is not newer than {}",
                    uri.as_str(),
                    current.version
                )
            };
            if repeat {
                return Changed::Ignored(why, false);
            }
            let stale = Document::with(
                current.version,
                current.parsed.clone(),
                Some(Off::OutOfSync),
                current.last_change,
            );
            self.write(|m| {
                m.insert(uri.clone(), Arc::new(stale));
            });
            return Changed::Ignored(why, true);
        }
        let was = current.off;
        // A full-text change resynchronizes; changes before it do not matter.
        let (mut parsed, mut off, rest) = match full_text {
            Some(i) => {
                let (parsed, off) = load(changes[i].text.clone(), limit, self.context(uri));
                (parsed, off, &changes[i + 1..])
            }
            None if was == Some(Off::OutOfSync) => {
                return Changed::Ignored(
                    format!(
                        "{} is out of sync: incremental change {version} not applied (a full-text change or reopening resynchronizes)",
                        uri.as_str()
                    ),
                    true,
                );
            }
            None => (current.parsed.clone(), was, changes),
        };
        for change in rest {
            if let Some(range) = change.range {
                let bytes = convert::byte_range(&parsed, range, encoding);
                parsed.replace(bytes, &change.text);
            }
        }
        let size = parsed.text.len() as u64;
        if size > limit {
            if parsed.tree.is_some() {
                parsed.release_tree();
            }
            off = Some(Off::TooLarge(size));
        } else if matches!(off, Some(Off::TooLarge(_))) || parsed.tree.is_none() {
            parsed = Parsed::new(std::mem::take(&mut parsed.text)).with_context(self.context(uri));
            off = None;
        } else {
            parsed.reparse();
        }
        self.share(uri, &parsed.text);
        let doc = Document::with(version, parsed, off, print);
        if let Ok(mut previous) = doc.previous.lock() {
            *previous = current.findings_to_reuse();
        }
        let doc = Arc::new(doc);
        self.write(|m| {
            m.insert(uri.clone(), doc);
        });
        drop_later(current);
        Changed::Applied { off, was }
    }

    /// Re-applies the size limit to every document (after the setting
    /// changed): those now under it are parsed, those over it dropped to text.
    pub fn relimit(&self, limit: u64) {
        for (uri, doc) in self.all() {
            let size = doc.parsed.text.len() as u64;
            let too_large = matches!(doc.off, Some(Off::TooLarge(_)));
            if (size > limit) != too_large && doc.off != Some(Off::OutOfSync) {
                let (parsed, off) = load(doc.parsed.text.clone(), limit, self.context(&uri));
                let new = Document::with(doc.version, parsed, off, doc.last_change);
                self.write(|m| {
                    m.insert(uri.clone(), Arc::new(new));
                });
            }
        }
    }

    fn write(&self, f: impl FnOnce(&mut HashMap<Uri, Arc<Document>>)) {
        match self.map.write() {
            Ok(mut m) => f(&mut m),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn uri() -> Uri {
        "file:///tmp/doc.py".parse().unwrap()
    }

    fn edit(line: u32, ch: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(line, ch), Position::new(line, ch))),
            range_length: None,
            text: text.into(),
        }
    }

    fn full(text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn computed_findings_are_only_those_already_there_for_that_selection() {
        let docs = Documents::default();
        docs.open(uri(), 1, "if x is 1:\n    pass\n".into(), 1000);
        let doc = docs.get(&uri()).unwrap();
        let all = Selection::default();
        assert!(doc.computed_diagnostics(&all).is_none(), "never asked for");
        let found = doc.diagnostics(&all);
        assert!(found.iter().any(|d| d.rule.as_str() == "is-literal"));
        assert_eq!(doc.computed_diagnostics(&all), Some(found));
        let other = Selection {
            select: vec!["is-literal".into()],
            ignore: Vec::new(),
        };
        assert!(
            doc.computed_diagnostics(&other).is_none(),
            "another selection"
        );
        // While another request computes them, nothing (no waiting).
        let held = doc.findings.lock().unwrap();
        assert!(doc.computed_diagnostics(&all).is_none());
        drop(held);
        assert!(doc.computed_diagnostics(&all).is_some());
    }

    #[test]
    fn a_repeated_change_is_ignored_and_keeps_the_document_in_sync() {
        let docs = Documents::default();
        docs.open(uri(), 1, "x = 1\n".into(), 1000);
        let change = [edit(0, 0, "y = 2\n")];
        assert!(matches!(
            docs.change(&uri(), 2, &change, Encoding::Utf16, 1000),
            Changed::Applied { .. }
        ));
        assert!(matches!(
            docs.change(&uri(), 2, &change, Encoding::Utf16, 1000),
            Changed::Ignored(_, false)
        ));
        let doc = docs.get(&uri()).unwrap();
        assert_eq!(doc.parsed.text, "y = 2\nx = 1\n");
        assert_eq!(doc.off, None);
    }

    #[test]
    fn an_older_or_different_same_version_change_puts_it_out_of_sync_until_a_full_text() {
        let docs = Documents::default();
        docs.open(uri(), 5, "x = 1\n".into(), 1000);
        let ignored = docs.change(&uri(), 5, &[edit(0, 0, "#")], Encoding::Utf16, 1000);
        assert!(matches!(ignored, Changed::Ignored(_, true)), "{ignored:?}");
        assert_eq!(docs.get(&uri()).unwrap().off, Some(Off::OutOfSync));
        assert!(docs
            .get(&uri())
            .unwrap()
            .diagnostics(&Selection::default())
            .is_empty());
        // Incremental changes cannot be trusted any more.
        let later = docs.change(&uri(), 6, &[edit(0, 0, "#")], Encoding::Utf16, 1000);
        assert!(matches!(later, Changed::Ignored(_, true)));
        assert_eq!(docs.get(&uri()).unwrap().parsed.text, "x = 1\n");
        // A full text resynchronizes.
        let back = docs.change(&uri(), 7, &[full("z = 3\n")], Encoding::Utf16, 1000);
        assert_eq!(
            back,
            Changed::Applied {
                off: None,
                was: Some(Off::OutOfSync)
            }
        );
        assert_eq!(docs.get(&uri()).unwrap().parsed.text, "z = 3\n");
    }

    #[test]
    fn documents_over_the_limit_keep_no_tree_and_come_back_under_it() {
        let docs = Documents::default();
        let off = docs.open(uri(), 1, "x = 1\n".repeat(10), 30);
        assert_eq!(off, Some(Off::TooLarge(60)));
        let doc = docs.get(&uri()).unwrap();
        assert!(doc.parsed.tree.is_none());
        assert_eq!(doc.parsed.lines.line_count(), 11);
        // Edits still apply to the text.
        docs.change(&uri(), 2, &[edit(1, 0, "#")], Encoding::Utf16, 30);
        assert!(docs
            .get(&uri())
            .unwrap()
            .parsed
            .text
            .starts_with("x = 1\n#x = 1\n"));
        // Shrunk under the limit: parsed again.
        let back = docs.change(&uri(), 3, &[full("x = 1\n")], Encoding::Utf16, 30);
        assert_eq!(
            back,
            Changed::Applied {
                off: None,
                was: Some(Off::TooLarge(61))
            }
        );
        assert!(docs.get(&uri()).unwrap().parsed.tree.is_some());
        // A raised limit parses a large document; a lowered one drops it.
        docs.change(
            &uri(),
            4,
            &[full(&"y = 2\n".repeat(10))],
            Encoding::Utf16,
            30,
        );
        docs.relimit(1000);
        assert!(docs.get(&uri()).unwrap().parsed.tree.is_some());
        docs.relimit(10);
        assert!(docs.get(&uri()).unwrap().parsed.tree.is_none());
    }
}
