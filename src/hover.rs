//! What a hover at a byte offset is about: the rule of a finding when the
//! offset is inside one, else the construct's note. The one answer the
//! editor's hover (`src/server/handlers/hover.rs`) and `pyexplain explain`
//! give; each renders it its own way (brief for a learned section; the whole
//! note or rule document with `--full`).
//!
//! The range an answer reports is hoverable at its start: asked at that
//! start, `subject_at` gives the same answer with the same range. A
//! construct's range can begin on a token that has no note of its own (the
//! `def` of a generator function, `abc` of `abc.Mapping`); the reported
//! range then begins at the first token of the construct that gives the
//! same answer, so the editor's highlight and the position `explain`
//! prints can be fed back.

use std::ops::Range;

use crate::analysis::rules::Diagnostic;
use crate::analysis::{self, Explanation, Level, Parsed};

/// The subject of a hover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject<'a> {
    /// Inside this finding: its rule's hover.
    Rule(&'a Diagnostic),
    /// The note of the construct under the offset; its `range` is the
    /// reported one (hoverable at its start).
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

/// How many tokens of a construct (from its start) are tried as the start
/// of its reported range before the token under the cursor is taken. Each
/// try is one `explain_at`; the answer is the same whatever the bound, only
/// the highlight can begin later.
const START_TRIES: usize = 16;

/// The first of `findings` (in their order) whose range holds `offset` (an
/// empty range holds its start), else the construct's note, its range
/// starting where the same answer is given.
pub fn subject_at<'a>(
    parsed: &Parsed,
    findings: &'a [Diagnostic],
    offset: usize,
    level: Level,
) -> Option<Subject<'a>> {
    if let Some(d) = finding_at(findings, offset) {
        return Some(Subject::Rule(d));
    }
    let mut expl = analysis::explain_at_level(parsed, offset, level)?;
    expl.range.start = hoverable_start(parsed, findings, &expl, offset, level);
    Some(Subject::Note(expl))
}

/// The first finding whose range holds `offset`.
pub fn finding_at(findings: &[Diagnostic], offset: usize) -> Option<&Diagnostic> {
    findings
        .iter()
        .find(|d| d.range.start <= offset && offset < d.range.end.max(d.range.start + 1))
}

/// The first position in `expl.range.start..=offset` at which the hover is
/// `expl` again (no finding there, the same note over the same range): the
/// construct's start, else the start of one of its first tokens, else the
/// start of the token under the cursor, else `offset` itself (where the
/// answer is `expl` by definition).
fn hoverable_start(
    parsed: &Parsed,
    findings: &[Diagnostic],
    expl: &Explanation,
    offset: usize,
    level: Level,
) -> usize {
    let same = |at: usize| {
        finding_at(findings, at).is_none()
            && analysis::explain_at_level(parsed, at, level)
                .is_some_and(|e| e.note == expl.note && e.range == expl.range)
    };
    let Some(tree) = parsed.tree.as_ref() else {
        return offset;
    };
    let mut starts = token_starts(tree.root_node(), expl.range.start, offset, START_TRIES);
    // The token under the cursor comes last.
    if let Some(leaf) = tree
        .root_node()
        .descendant_for_byte_range(offset, offset)
        .filter(|n| n.start_byte() >= expl.range.start && n.start_byte() <= offset)
    {
        starts.push(leaf.start_byte());
    }
    starts.dedup();
    starts
        .into_iter()
        .find(|&at| at == offset || same(at))
        .unwrap_or(offset)
}

/// Start bytes of the first `limit` tokens (leaves) that start in
/// `from..=to`, in order, beginning with `from` itself.
fn token_starts(root: tree_sitter::Node, from: usize, to: usize, limit: usize) -> Vec<usize> {
    let mut starts = vec![from];
    let mut cursor = root.walk();
    // Descend to the first leaf that ends after `from`.
    loop {
        let node = cursor.node();
        if node.child_count() == 0 {
            break;
        }
        if cursor.goto_first_child_for_byte(from).is_none() {
            break;
        }
    }
    loop {
        let node = cursor.node();
        if node.start_byte() > to || starts.len() > limit {
            break;
        }
        if node.child_count() == 0
            && node.start_byte() >= from
            && starts.last() != Some(&node.start_byte())
        {
            starts.push(node.start_byte());
        }
        // Pre-order: first child, else next sibling, else up until one has a sibling.
        if cursor.goto_first_child() {
            continue;
        }
        let mut advanced = false;
        while !advanced {
            if cursor.goto_next_sibling() {
                advanced = true;
            } else if !cursor.goto_parent() {
                return starts;
            }
        }
    }
    starts
}
