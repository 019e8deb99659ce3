//! Every place in a file where a hover would show a note, in one pass: what
//! [`explain_at`](super::explain_at) gives at each byte (at the default
//! relevance level), without asking it at each byte.
//!
//! The trigger patterns are matched over the whole tree once, split by
//! [`FileQuery`](super::file_query::FileQuery): those that need a word run
//! only at the nodes around the word. Each match gives one candidate per
//! `@anchor` capture, valid on the anchor's bytes, found with a full
//! inference budget per question as a hover has (one budget for the whole
//! file ran dry halfway down long files, where the map then missed what the
//! hover shows). Between two consecutive anchor boundaries the set of
//! anchors under the cursor does not change, so one evaluation per such
//! segment gives what `explain_at` gives at every byte of it: per match the
//! last anchor capture under the cursor, and the most specific candidate
//! (`Candidate::beats`). Identifiers in segments that no query candidate
//! wins fall back to the name tables, as in `explain_at`.
//!
//! Both run the patterns with the same match limit. Over the whole stdlib it
//! is never reached; on pathological nesting (1,000 nested `async def`s) it is,
//! and tree-sitter then drops the oldest partial matches: there the two can
//! in principle disagree (the tests check a sample of such inputs).

use super::ids::NoteId;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use std::ops::Range;

use tree_sitter::{Node, StreamingIterator, Tree};

use super::explain::{
    name_answers, name_candidate_for, nested_deeper_than, pick, query_candidate, query_cursor,
    Candidate, MatchParts, RuntimeCache, MAX_HOVER_DEPTH,
};
use super::file_query::{file_query, FileQuery};
use super::semantic::infer::Infer;
use super::tree::Up;
use super::triggers::{triggers, Level};

/// The course map counts what the hover shows at its default level.
pub const MAP_LEVEL: Level = Level::Usage;
use super::Parsed;

/// One construct that has a note: counted once per (note, construct), not
/// once per byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The note's id (`yield-from`).
    pub note: NoteId,
    /// The first byte where a hover shows this note for this construct.
    pub offset: usize,
    /// The hover's range there (the construct, or its header).
    pub range: Range<usize>,
}

/// One `@anchor` capture of one match, and what the match gives with the
/// cursor on it (`None`: its `resolves`/`requires` do not hold there).
struct Item<'t> {
    start: usize,
    end: usize,
    /// The match, numbered in the order the cursor returned them.
    matched: usize,
    /// The capture's position among the match's anchors.
    rank: usize,
    candidate: Option<Candidate<'t>>,
}

/// Every construct of the file that a hover explains, in text order.
pub fn sections_in(parsed: &Parsed) -> Vec<Occurrence> {
    let (Ok(triggers), Ok(file_query), Some(tree)) =
        (triggers(), file_query(), parsed.tree.as_ref())
    else {
        return Vec::new();
    };
    let src = parsed.text.as_bytes();
    let (walked, matches) = walk_and_match(file_query, parsed, tree);

    let mut items: Vec<Item> = Vec::new();
    let world = parsed.world();
    let infer = Infer::new(&world);
    let runtime = RuntimeCache::new(parsed, &infer);
    let up = walked.up;
    for (matched, parts) in matches.iter().enumerate() {
        for (rank, &anchor) in parts.anchors.iter().enumerate() {
            let (start, end) = (anchor.start_byte(), anchor.end_byte().min(src.len()));
            if start >= end {
                continue; // an empty anchor is under no cursor
            }
            // Each question gets the budget a hover on it alone has.
            infer.refill();
            items.push(Item {
                start,
                end,
                matched,
                rank,
                // Every level: a hidden trigger still claims its construct.
                candidate: query_candidate(
                    parsed,
                    triggers,
                    &up,
                    &runtime,
                    parts,
                    anchor,
                    Level::Everyday,
                ),
            });
        }
    }

    // Segments between anchor boundaries, each with its winning item.
    let mut bounds: Vec<usize> = items.iter().flat_map(|i| [i.start, i.end]).collect();
    bounds.sort_unstable();
    bounds.dedup();
    items.sort_by_key(|i| (i.start, i.matched, i.rank));
    let mut segments: Vec<Segment> = Vec::with_capacity(bounds.len());
    let mut active: Vec<usize> = Vec::new();
    let mut next = 0;
    for w in bounds.windows(2) {
        let (start, end) = (w[0], w[1]);
        while next < items.len() && items[next].start <= start {
            active.push(next);
            next += 1;
        }
        active.retain(|&i| items[i].end > start);
        // `explain_at` looks at a match's last anchor under the cursor only,
        // and meets the matches in their order.
        let mut here: Vec<usize> = active
            .iter()
            .copied()
            .filter(|&i| {
                let item = &items[i];
                item.candidate.is_some()
                    && !active
                        .iter()
                        .any(|&j| items[j].matched == item.matched && items[j].rank > item.rank)
            })
            .collect();
        here.sort_by_key(|&i| items[i].matched);
        let candidates: Vec<&Candidate> = here
            .iter()
            .filter_map(|&i| items[i].candidate.as_ref())
            .collect();
        let picked = pick(&candidates, MAP_LEVEL);
        segments.push(Segment {
            start,
            end,
            best: picked.answers.first().map(|&w| here[w]),
            hidden: picked.hidden,
        });
    }
    let mut seen: HashSet<(&NoteId, Range<usize>)> = HashSet::new();
    let mut out = Vec::new();
    for segment in &segments {
        if let Some(c) = segment.best.and_then(|b| items[b].candidate.as_ref()) {
            record(&mut seen, &mut out, tree.root_node(), c, segment.start);
        }
    }

    // Identifiers where no query candidate wins: the name tables, unless a
    // hidden query trigger claims the same construct.
    let segment_at = |offset: usize| -> Option<&Segment> {
        let i = segments.partition_point(|s| s.start <= offset);
        segments.get(i.checked_sub(1)?).filter(|s| offset < s.end)
    };
    let no_hidden: Vec<Range<usize>> = Vec::new();
    for node in walked.identifiers {
        let start = node.start_byte();
        if start >= node.end_byte().min(src.len()) {
            continue;
        }
        let segment = segment_at(start);
        if segment.is_some_and(|s| s.best.is_some()) {
            continue;
        }
        let hidden = segment.map_or(&no_hidden, |s| &s.hidden);
        infer.refill();
        if let Some(c) = name_candidate_for(parsed, triggers, &infer, &up, node)
            .filter(|c| name_answers(c, MAP_LEVEL, hidden))
        {
            record(&mut seen, &mut out, tree.root_node(), &c, start);
        }
    }
    out.sort_by_key(|o| (o.offset, o.range.start, o.range.end));
    out
}

/// A stretch of bytes between anchor boundaries: the item whose candidate
/// answers there, and the constructs hidden triggers claim.
struct Segment {
    start: usize,
    end: usize,
    best: Option<usize>,
    hidden: Vec<Range<usize>>,
}

/// One walk of `tree` (of `parsed`), and every match of the trigger
/// patterns in it, by the split query (the walk finds where its gated
/// patterns run).
fn walk_and_match<'t>(
    file_query: &FileQuery,
    parsed: &Parsed,
    tree: &'t Tree,
) -> (Walked<'t>, Vec<MatchParts<'t>>) {
    let active = file_query.active(&parsed.text);
    let walked = walk(tree, |node, gated| {
        gated.extend(file_query.groups_at(&active, node).map(|g| (g, node)));
    });
    let matches = file_query.matches(tree, parsed.text.as_bytes(), &active, &walked.gated);
    (walked, matches)
}

/// Every trigger match in `parsed`, as text, sorted: found by the single
/// query over the whole tree (`split` false) or as [`sections_in`] finds
/// them, by the [`FileQuery`] split. The two must agree; tests compare them
/// on real code.
#[doc(hidden)]
pub fn match_signatures(parsed: &Parsed, split: bool) -> Result<Vec<String>, &'static str> {
    let tree = parsed.tree.as_ref().ok_or("no tree")?;
    let mut out: Vec<String> = if split {
        let (_, matches) = walk_and_match(file_query()?, parsed, tree);
        matches.iter().map(MatchParts::signature).collect()
    } else {
        let triggers = triggers()?;
        let mut cursor = query_cursor();
        let mut matches = cursor.matches(&triggers.query, tree.root_node(), parsed.text.as_bytes());
        let mut out = Vec::new();
        while let Some(m) = matches.next() {
            out.push(MatchParts::new(&triggers.roles, m.pattern_index, m).signature());
        }
        out
    };
    out.sort_unstable();
    Ok(out)
}

/// What [`walk`] gathers.
struct Walked<'t> {
    /// Every node's parent.
    up: Up<'t>,
    /// The identifiers, in text order.
    identifiers: Vec<Node<'t>>,
    /// The (gated group, node) pairs where a gated group runs.
    gated: Vec<(usize, Node<'t>)>,
}

/// One walk of the tree: every node's parent (so that going up costs no
/// search from the root), the identifiers in text order, and what `gate`
/// adds for each node.
fn walk<'t>(
    tree: &'t Tree,
    mut gate: impl FnMut(Node<'t>, &mut Vec<(usize, Node<'t>)>),
) -> Walked<'t> {
    let count = tree.root_node().descendant_count();
    let mut parents = HashMap::with_capacity_and_hasher(count, BuildHasherDefault::default());
    let mut identifiers = Vec::new();
    let mut gated = Vec::new();
    let mut walk = tree.walk();
    let mut stack: Vec<Node> = Vec::new();
    loop {
        let node = walk.node();
        if let Some(&p) = stack.last() {
            parents.insert(node.id(), p);
        }
        if node.kind() == "identifier" {
            identifiers.push(node);
        }
        gate(node, &mut gated);
        if walk.goto_first_child() {
            stack.push(node);
            continue;
        }
        while !walk.goto_next_sibling() {
            if !walk.goto_parent() {
                return Walked {
                    up: Up::Map(parents),
                    identifiers,
                    gated,
                };
            }
            stack.pop();
        }
    }
}

/// Adds an occurrence of `c` at `offset` unless its (note, construct) is in
/// or `offset` is nested deeper than a hover explains.
fn record<'t>(
    seen: &mut HashSet<(&'t NoteId, Range<usize>)>,
    out: &mut Vec<Occurrence>,
    root: tree_sitter::Node,
    c: &Candidate<'t>,
    offset: usize,
) {
    if nested_deeper_than(root, offset, MAX_HOVER_DEPTH) {
        return;
    }
    if seen.insert((c.note, c.range.clone())) {
        out.push(Occurrence {
            note: c.note.clone(),
            offset,
            range: c.range.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The walk's parents are `Node::parent`'s, for every node.
    #[test]
    fn the_parent_map_agrees_with_tree_sitter() {
        let text = "import asyncio as aio\n@dec\nclass C(B, metaclass=M):\n    async def f(self, x=[]):\n        async with aio.Lock() as l:\n            return [y async for y in g() if (z := y)]\n(\n";
        let parsed = Parsed::new(text.to_string());
        let tree = parsed.tree.as_ref().unwrap();
        let walked = walk(tree, |_, _| {});
        let (up, identifiers) = (walked.up, walked.identifiers);
        assert!(identifiers.len() > 10);
        let mut cursor = tree.walk();
        let mut count = 0;
        loop {
            let node = cursor.node();
            assert_eq!(up.parent(node), node.parent(), "{node:?}");
            count += 1;
            if cursor.goto_first_child() {
                continue;
            }
            while !cursor.goto_next_sibling() {
                if !cursor.goto_parent() {
                    assert!(count > 50);
                    return;
                }
            }
        }
    }
}
