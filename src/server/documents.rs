//! Open documents: versioned snapshots, changed before any `.await`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::convert;
use crate::analysis::rules::{self, Diagnostic, Selection};
use crate::analysis::{Encoding, Parsed};

/// One open document at one version.
#[derive(Debug)]
pub struct Document {
    pub version: i32,
    pub parsed: Parsed,
    /// The findings for the last selection asked for.
    findings: std::sync::Mutex<Option<(Selection, Arc<Vec<Diagnostic>>)>>,
}

impl Document {
    pub fn new(version: i32, parsed: Parsed) -> Document {
        Document {
            version,
            parsed,
            findings: std::sync::Mutex::new(None),
        }
    }

    /// The rule findings, computed once per selection.
    pub fn diagnostics(&self, selection: &Selection) -> Arc<Vec<Diagnostic>> {
        let mut cache = match self.findings.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some((sel, found)) = cache.as_ref() {
            if sel == selection {
                return found.clone();
            }
        }
        let found = Arc::new(rules::check(&self.parsed, selection));
        *cache = Some((selection.clone(), found.clone()));
        found
    }
}

/// The open documents. Handlers take an `Arc` snapshot and never hold the lock
/// across an `.await`.
#[derive(Debug, Default)]
pub struct Documents {
    map: RwLock<HashMap<Uri, Arc<Document>>>,
}

impl Documents {
    pub fn open(&self, uri: Uri, version: i32, text: String) {
        let doc = Arc::new(Document::new(version, Parsed::new(text)));
        self.write(|m| {
            m.insert(uri, doc);
        });
    }

    pub fn close(&self, uri: &Uri) {
        self.write(|m| {
            m.remove(uri);
        });
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
    /// clamped to the text.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: &[TextDocumentContentChangeEvent],
        encoding: Encoding,
    ) -> Result<(), String> {
        let Some(current) = self.get(uri) else {
            return Err(format!("{} is not open", uri.as_str()));
        };
        if version <= current.version {
            return Err(format!(
                "version {version} of {} is not newer than {}",
                uri.as_str(),
                current.version
            ));
        }
        let mut parsed = current.parsed.clone();
        for change in changes {
            match change.range {
                Some(range) => {
                    let bytes = convert::byte_range(&parsed, range, encoding);
                    parsed.replace(bytes, &change.text);
                }
                None => parsed.replace_all(change.text.clone()),
            }
        }
        parsed.reparse();
        let doc = Arc::new(Document::new(version, parsed));
        self.write(|m| {
            m.insert(uri.clone(), doc);
        });
        Ok(())
    }

    fn write(&self, f: impl FnOnce(&mut HashMap<Uri, Arc<Document>>)) {
        match self.map.write() {
            Ok(mut m) => f(&mut m),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}
