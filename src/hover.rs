//! What a hover at a byte offset is about: the rule of a finding when the
//! offset is inside one, else the construct's note. The one answer the
//! editor's hover (`src/server/handlers/hover.rs`) and `pyexplain explain`
//! give; each renders it its own way (brief for a learned section; the whole
//! note or rule document with `--full`).

use std::ops::Range;

use crate::analysis::rules::Diagnostic;
use crate::analysis::{self, Explanation, Parsed};

/// The subject of a hover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject<'a> {
    /// Inside this finding: its rule's hover.
    Rule(&'a Diagnostic),
    /// The note of the construct under the offset.
    Note(Explanation),
}

impl Subject<'_> {
    /// The byte range the hover is about.
    pub fn range(&self) -> Range<usize> {
        match self {
            Subject::Rule(d) => d.range.clone(),
            Subject::Note(e) => e.range.clone(),
        }
    }
}

/// The first of `findings` (in their order) whose range holds `offset` (an
/// empty range holds its start), else the construct's note.
pub fn subject_at<'a>(
    parsed: &Parsed,
    findings: &'a [Diagnostic],
    offset: usize,
) -> Option<Subject<'a>> {
    if let Some(d) = finding_at(findings, offset) {
        return Some(Subject::Rule(d));
    }
    analysis::explain_at(parsed, offset).map(Subject::Note)
}

/// The first finding whose range holds `offset`.
pub fn finding_at(findings: &[Diagnostic], offset: usize) -> Option<&Diagnostic> {
    findings
        .iter()
        .find(|d| d.range.start <= offset && offset < d.range.end.max(d.range.start + 1))
}
