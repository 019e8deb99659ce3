//! Open documents: versioned snapshots, changed before any `.await`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::convert;
use crate::analysis::{Encoding, Parsed};

/// One open document at one version.
#[derive(Debug)]
pub struct Document {
    pub version: i32,
    pub parsed: Parsed,
}

/// The open documents. Handlers take an `Arc` snapshot and never hold the lock
/// across an `.await`.
#[derive(Debug, Default)]
pub struct Documents {
    map: RwLock<HashMap<Uri, Arc<Document>>>,
}

impl Documents {
    pub fn open(&self, uri: Uri, version: i32, text: String) {
        let doc = Arc::new(Document {
            version,
            parsed: Parsed::new(text),
        });
        self.write(|m| {
            m.insert(uri, doc);
        });
    }

    pub fn close(&self, uri: &Uri) {
        self.write(|m| {
            m.remove(uri);
        });
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
        let doc = Arc::new(Document { version, parsed });
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
