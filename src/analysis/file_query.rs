//! The trigger patterns, split for matching a whole file (the course map).
//!
//! Over a whole file, the single trigger query costs about twice the parse:
//! tree-sitter carries every pattern's partial matches through every node.
//! About a third of the patterns can only match where a given word is in the
//! text: a `#eq?`, `#any-of?` or `#match? "^literal$"` on a capture that
//! every match of the pattern has (tree-sitter treats a predicate on a
//! capture a match lacks as holding, so an optional capture gates nothing).
//! Those patterns are compiled apart, grouped by their words, and run only in
//! a file whose text contains one of the words (one Aho-Corasick pass over
//! the text finds them all), and there only at the nodes of their root kinds
//! (which the caller's walk of the tree collects), with
//! `max_start_depth(0)`, so that tree-sitter descends only as deep as the
//! patterns reach. A group with a pattern whose root kind is not known (a
//! wildcard root, a pattern of siblings) runs over the whole tree.
//!
//! The matches are those of the single query, pattern for pattern and
//! capture for capture; only their order differs between patterns (a test
//! checks this on stdlib files). The hover runs the single query over one
//! byte's range and needs none of this.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use tree_sitter::{CaptureQuantifier, Node, Query, StreamingIterator, Tree};

use super::explain::{query_cursor, MatchParts};
use super::triggers::{triggers, Roles, Triggers};

/// The trigger patterns split by what a file must contain for them to match.
#[derive(Debug)]
pub struct FileQuery {
    /// The patterns without a word: run over the whole tree of every file.
    common: Part,
    gated: Vec<Gated>,
    /// Every group's words, matched in one pass over a file's text.
    words: AhoCorasick,
    /// By the words' pattern index in `words`: the group it activates.
    word_group: Vec<usize>,
    /// By node kind id: the groups with a pattern rooted at that kind.
    by_kind: Vec<Vec<usize>>,
}

/// Some of the trigger patterns, compiled as a query of their own.
#[derive(Debug)]
struct Part {
    query: Query,
    roles: Roles,
    /// By pattern index in `query`: the pattern's index in the triggers.
    patterns: Vec<usize>,
}

/// Patterns that can match only in a file containing one of `words`.
#[derive(Debug)]
struct Gated {
    part: Part,
    /// Every pattern's root kinds are known: the group runs at the nodes of
    /// those kinds only (else over the whole tree).
    rooted: bool,
}

/// Where in a file's text each gated group's words occur (by group; empty:
/// the group cannot match the file).
pub struct Active {
    groups: Vec<Vec<Range<usize>>>,
}

impl Active {
    /// Whether a word of group `g` occurs within `range`.
    fn within(&self, g: usize, range: Range<usize>) -> bool {
        let Some(found) = self.groups.get(g) else {
            return false;
        };
        let i = found.partition_point(|r| r.start < range.start);
        found[i..]
            .iter()
            .take_while(|r| r.start < range.end)
            .any(|r| r.end <= range.end)
    }
}

/// The whole-file split of the embedded triggers, compiled on first use.
pub fn file_query() -> Result<&'static FileQuery, &'static str> {
    static FILE_QUERY: OnceLock<Result<FileQuery, String>> = OnceLock::new();
    FILE_QUERY
        .get_or_init(|| FileQuery::new(triggers()?))
        .as_ref()
        .map_err(String::as_str)
}

impl FileQuery {
    /// Splits `triggers`' patterns; the query source is the triggers'.
    pub fn new(triggers: &Triggers) -> Result<FileQuery, String> {
        let query = &triggers.query;
        let source = triggers.source.as_str();
        let language = super::syntax::language();
        let mut common: Vec<usize> = Vec::new();
        // (words, patterns), in order of first appearance.
        let mut groups: Vec<(Vec<String>, Vec<usize>)> = Vec::new();
        // By pattern: its source text, and for a gated one its root kinds.
        let mut texts: Vec<&str> = Vec::with_capacity(query.pattern_count());
        let mut roots: Vec<Option<Vec<String>>> = Vec::with_capacity(query.pattern_count());
        for i in 0..query.pattern_count() {
            let text = pattern_source(query, source, i)
                .ok_or_else(|| format!("trigger pattern {i}: no source text"))?;
            let tokens = tokens(text);
            let gated = gate(query, i, &tokens);
            roots.push(gated.as_ref().and_then(|_| root(query, i, &tokens)));
            texts.push(text);
            match gated {
                None => common.push(i),
                Some(words) => match groups.iter_mut().find(|(w, _)| *w == words) {
                    Some((_, patterns)) => patterns.push(i),
                    None => groups.push((words, vec![i])),
                },
            }
        }
        let part = |patterns: Vec<usize>| -> Result<Part, String> {
            let mut text = String::new();
            for &i in &patterns {
                text.push_str(texts[i]);
                text.push('\n');
            }
            let query = Query::new(&language, &text).map_err(|e| format!("{e:?}"))?;
            if query.pattern_count() != patterns.len() {
                return Err(format!(
                    "{} trigger patterns compiled as {}",
                    patterns.len(),
                    query.pattern_count()
                ));
            }
            Ok(Part {
                roles: Roles::of(&query)?,
                query,
                patterns,
            })
        };
        let kind_count = language.node_kind_count();
        let mut by_kind: Vec<Vec<usize>> = vec![Vec::new(); kind_count];
        let mut gated = Vec::with_capacity(groups.len());
        let mut words: Vec<String> = Vec::new();
        let mut word_group = Vec::new();
        for (g, (group_words, patterns)) in groups.into_iter().enumerate() {
            // Rooted when every pattern's root kinds are known.
            let kinds: Option<Vec<&String>> = patterns
                .iter()
                .map(|&i| roots[i].as_ref())
                .collect::<Option<Vec<_>>>()
                .map(|k| k.into_iter().flatten().collect());
            let rooted = kinds.is_some();
            if let Some(kinds) = kinds {
                for (id, groups) in by_kind.iter_mut().enumerate() {
                    let Ok(id) = u16::try_from(id) else { break };
                    let name = language.node_kind_for_id(id);
                    if language.node_kind_is_named(id)
                        && name.is_some_and(|n| kinds.iter().any(|k| *k == n))
                    {
                        groups.push(g);
                    }
                }
            }
            for w in group_words {
                words.push(w);
                word_group.push(g);
            }
            gated.push(Gated {
                part: part(patterns)?,
                rooted,
            });
        }
        let words = AhoCorasick::new(&words).map_err(|e| e.to_string())?;
        Ok(FileQuery {
            common: part(common)?,
            gated,
            words,
            word_group,
            by_kind,
        })
    }

    /// Where the gated groups' words occur in `text` (one pass over it).
    pub fn active(&self, text: &str) -> Active {
        let mut active = Active {
            groups: vec![Vec::new(); self.gated.len()],
        };
        for m in self.words.find_overlapping_iter(text) {
            if let Some(found) = self
                .word_group
                .get(m.pattern().as_usize())
                .and_then(|&g| active.groups.get_mut(g))
            {
                found.push(m.range());
            }
        }
        for found in &mut active.groups {
            found.sort_unstable_by_key(|r| (r.start, r.end));
        }
        active
    }

    /// The gated groups to run at `node`: those with a pattern rooted at its
    /// kind and a word within it (a match's captures lie within its root,
    /// and the gating capture's text is the word).
    pub fn groups_at<'a>(
        &'a self,
        active: &'a Active,
        node: Node<'_>,
    ) -> impl Iterator<Item = usize> + 'a {
        let range = node.byte_range();
        self.by_kind
            .get(usize::from(node.kind_id()))
            .into_iter()
            .flatten()
            .copied()
            .filter(move |&g| active.within(g, range.clone()))
    }

    /// Every match in `tree` of `src`: the common patterns' over the whole
    /// tree, then the active groups' (at `nodes`, the (group, node) pairs
    /// [`groups_at`](Self::groups_at) gave in a walk of the tree, or over the
    /// whole tree for a group whose root kinds are not known).
    pub(super) fn matches<'t>(
        &self,
        tree: &'t Tree,
        src: &[u8],
        active: &Active,
        nodes: &[(usize, Node<'t>)],
    ) -> Vec<MatchParts<'t>> {
        let mut out = Vec::new();
        let mut cursor = query_cursor();
        let mut run = |part: &Part, root: Node<'t>, cursor: &mut tree_sitter::QueryCursor| {
            let mut matches = cursor.matches(&part.query, root, src);
            while let Some(m) = matches.next() {
                if let Some(&pattern) = part.patterns.get(m.pattern_index) {
                    out.push(MatchParts::new(&part.roles, pattern, m));
                }
            }
        };
        run(&self.common, tree.root_node(), &mut cursor);
        for (g, group) in self.gated.iter().enumerate() {
            // Over the stretch from the first word to the last: a match's
            // root (or, for a wildcard root, the parent tree-sitter matches
            // its children under) contains a word, so intersects it.
            let found = active.groups.get(g).map_or(&[][..], Vec::as_slice);
            if let (false, Some(first), Some(last)) = (group.rooted, found.first(), found.last()) {
                cursor.set_byte_range(first.start..last.end.max(first.end));
                run(&group.part, tree.root_node(), &mut cursor);
            }
        }
        cursor.set_byte_range(0..usize::MAX);
        cursor.set_max_start_depth(Some(0));
        for &(g, node) in nodes {
            if let Some(group) = self.gated.get(g).filter(|group| group.rooted) {
                run(&group.part, node, &mut cursor);
            }
        }
        out
    }
}

/// Pattern `i`'s text in `source`, the source `query` was compiled from.
fn pattern_source<'s>(query: &Query, source: &'s str, i: usize) -> Option<&'s str> {
    source.get(query.start_byte_for_pattern(i)..query.end_byte_for_pattern(i))
}

/// A token of a query pattern's source.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    Open,
    Close,
    OpenAlt,
    CloseAlt,
    /// A string literal's value (escapes resolved).
    Str(String),
    /// Anything else up to a delimiter: a node kind, `field:`, `@capture`,
    /// `#predicate?`, `.`, `!field`, a quantifier.
    Atom(&'a str),
}

/// The tokens of a pattern's source, comments left out.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '(' => out.push(Token::Open),
            ')' => out.push(Token::Close),
            '[' => out.push(Token::OpenAlt),
            ']' => out.push(Token::CloseAlt),
            ';' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                let mut value = String::new();
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some((_, 'n')) => value.push('\n'),
                            Some((_, 't')) => value.push('\t'),
                            Some((_, 'r')) => value.push('\r'),
                            Some((_, '0')) => value.push('\0'),
                            Some((_, other)) => value.push(other),
                            None => break,
                        },
                        _ => value.push(c),
                    }
                }
                out.push(Token::Str(value));
            }
            c if c.is_whitespace() => {}
            _ => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_whitespace() || "()[]\";".contains(d) {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                out.push(Token::Atom(&text[i..end]));
            }
        }
    }
    out
}

/// The words one of which a file must contain for pattern `i` to match:
/// of its `#eq?` / `#any-of?` / `#match? "^literal$"` predicates on a
/// capture every match has, the one whose shortest word is longest (a
/// longer word is rarer). `None`: no such predicate.
fn gate(query: &Query, i: usize, tokens: &[Token]) -> Option<Vec<String>> {
    let quantifiers = query.capture_quantifiers(i);
    let mut best: Option<Vec<String>> = None;
    for (k, w) in tokens.windows(3).enumerate() {
        let [Token::Open, Token::Atom(op), Token::Atom(capture)] = w else {
            continue;
        };
        let Some(name) = capture.strip_prefix('@') else {
            continue;
        };
        let always = query
            .capture_index_for_name(name)
            .and_then(|c| quantifiers.get(c as usize))
            .is_some_and(|q| matches!(q, CaptureQuantifier::One | CaptureQuantifier::OneOrMore));
        if !always {
            continue;
        }
        let mut values = Vec::new();
        for t in &tokens[k + 3..] {
            match t {
                Token::Str(s) => values.push(s.as_str()),
                Token::Close => break,
                _ => {
                    values.clear();
                    break;
                }
            }
        }
        let words: Option<Vec<String>> = match (*op, values.as_slice()) {
            ("#eq?", [word]) => literal(word),
            ("#any-of?", words) if !words.is_empty() => words
                .iter()
                .map(|w| literal(w))
                .collect::<Option<Vec<_>>>()
                .map(|v| v.concat()),
            ("#match?", [regex]) => regex_words(regex),
            _ => None,
        };
        let Some(mut words) = words else {
            continue;
        };
        words.sort_unstable();
        words.dedup();
        let shortest = |v: &[String]| v.iter().map(String::len).min().unwrap_or(0);
        if best.as_ref().is_none_or(|b| shortest(&words) > shortest(b)) {
            best = Some(words);
        }
    }
    best
}

/// The words an anchored regex can match, if it is a sequence of word
/// characters, `\.` and groups of alternatives of those
/// (`^(multiprocessing|mp)\.Process$`); `None` for anything else.
fn regex_words(regex: &str) -> Option<Vec<String>> {
    let body = regex.strip_prefix('^')?.strip_suffix('$')?;
    let mut words = vec![String::new()];
    let mut chars = body.chars();
    let plain = |c: char| c.is_alphanumeric() || c == '_';
    while let Some(c) = chars.next() {
        let options: Vec<String> = match c {
            '\\' if chars.next()? == '.' => vec![".".to_string()],
            '(' => {
                let mut group = String::new();
                loop {
                    match chars.next()? {
                        ')' => break,
                        '\\' if chars.next()? == '.' => group.push('.'),
                        c if plain(c) || c == '|' => group.push(c),
                        _ => return None,
                    }
                }
                group.split('|').map(str::to_string).collect()
            }
            c if plain(c) => vec![c.to_string()],
            _ => return None,
        };
        words = words
            .iter()
            .flat_map(|w| options.iter().map(move |o| format!("{w}{o}")))
            .collect();
        if words.len() > 16 {
            return None;
        }
    }
    words
        .iter()
        .map(|w| literal(w))
        .collect::<Option<Vec<_>>>()
        .map(|v| v.concat())
}

/// `word` as a gate word: letters, digits, `_` and `.` only (a regex's
/// metacharacters or an empty word gate nothing).
fn literal(word: &str) -> Option<Vec<String>> {
    (!word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.'))
    .then(|| vec![word.to_string()])
}

/// The kinds pattern `i`'s root node can have, as far as its source says:
/// the first node after the grouping parentheses, or each alternative of a
/// top-level `[...]`, provided nothing but captures and predicates follows
/// it in the group. `None` for a wildcard root (tree-sitter matches
/// `(_ (a) (b))` as siblings under any parent), an anonymous root or a
/// pattern of siblings.
fn root(query: &Query, i: usize, tokens: &[Token]) -> Option<Vec<String>> {
    let start = tokens.iter().position(|t| *t != Token::Open)?;
    let kind = |t: Option<&Token>| match t {
        Some(Token::Atom(k)) if *k != "_" && k.chars().all(|c| c.is_alphanumeric() || c == '_') => {
            Some(k.to_string())
        }
        _ => None,
    };
    // The root's tokens end at `end` (its closing parenthesis or bracket).
    let (kinds, end) = match tokens.get(start)? {
        Token::Atom(_) if start > 0 => {
            (vec![kind(tokens.get(start))?], closing(tokens, start - 1)?)
        }
        Token::OpenAlt => {
            let end = closing(tokens, start)?;
            let mut kinds = Vec::new();
            let mut k = start + 1;
            while k < end {
                // Not a string, a capture or a nested list.
                let close = (tokens[k] == Token::Open)
                    .then(|| closing(tokens, k))
                    .flatten()?;
                kinds.push(kind(tokens.get(k + 1))?);
                k = close + 1;
                // Captures of the alternative.
                while matches!(tokens.get(k), Some(Token::Atom(a)) if a.starts_with('@')) {
                    k += 1;
                }
            }
            (kinds, end)
        }
        _ => return None,
    };
    // After the root: captures, quantifiers-free predicates, the group's end.
    let mut k = end + 1;
    while let Some(t) = tokens.get(k) {
        match t {
            Token::Atom(a) if a.starts_with('@') => k += 1,
            Token::Open if matches!(tokens.get(k + 1), Some(Token::Atom(a)) if a.starts_with('#')) =>
            {
                k = closing(tokens, k)? + 1;
            }
            Token::Close => k += 1,
            _ => return None,
        }
    }
    query.is_pattern_rooted(i).then_some(kinds)
}

/// The index of the token closing the parenthesis or bracket at `open`.
fn closing(tokens: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, t) in tokens.iter().enumerate().skip(open) {
        match t {
            Token::Open | Token::OpenAlt => depth += 1,
            Token::Close | Token::CloseAlt => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compiled(scm: &str) -> Triggers {
        Triggers::compile(&[("t.scm", scm)], &[]).expect("compiles")
    }

    #[test]
    fn gates_need_a_capture_every_match_has() {
        let t = compiled(concat!(
            "((call function: (identifier) @anchor) @construct (#eq? @anchor \"setattr\") (#set! note \"n\") (#set! level \"core\"))\n",
            "((call function: (identifier) @anchor arguments: (argument_list (identifier)? @x)) @construct (#eq? @x \"rare\") (#set! note \"n\") (#set! level \"core\"))\n",
            "((call function: [(identifier) @anchor (attribute attribute: (identifier) @a)]) @construct (#eq? @a \"alt\") (#set! note \"n\") (#set! level \"core\"))\n",
            "((call function: (_) @anchor) @construct (#any-of? @anchor \"start\" \"join\") (#match? @anchor \"^threading\\\\.Thread$\") (#set! note \"n\") (#set! level \"core\"))\n",
            "((call function: (_) @anchor) @construct (#match? @anchor \"^thr.*$\") (#set! note \"n\") (#set! level \"core\"))\n",
            "((call function: (_) @anchor) @construct (#not-eq? @anchor \"x\") (#set! note \"n\") (#set! level \"core\"))\n",
        ));
        let q = &t.query;
        let gate_of = |i: usize| gate(q, i, &tokens(pattern_source(q, &t.source, i).unwrap()));
        assert_eq!(gate_of(0), Some(vec!["setattr".to_string()]));
        assert_eq!(gate_of(1), None, "an optional capture gates nothing");
        assert_eq!(
            gate_of(2),
            None,
            "a capture of one alternative gates nothing"
        );
        assert_eq!(gate_of(3), Some(vec!["threading.Thread".to_string()]));
        assert_eq!(gate_of(4), None, "a regex is not a word");
        assert_eq!(gate_of(5), None, "a negation is no gate");
        assert_eq!(
            regex_words("^(multiprocessing|mp)\\.Process$"),
            Some(vec![
                "multiprocessing.Process".to_string(),
                "mp.Process".to_string()
            ])
        );
        assert_eq!(
            regex_words("^a(b|)c$"),
            Some(vec!["abc".to_string(), "ac".to_string()])
        );
        assert_eq!(regex_words("^a+$"), None);
        assert_eq!(regex_words("abc"), None, "unanchored");
    }

    #[test]
    fn root_kinds_from_the_source() {
        let t = compiled(concat!(
            "((call function: (identifier) @anchor) @construct (#set! note \"n\") (#set! level \"core\"))\n",
            "(attribute attribute: (identifier) @anchor (#set! note \"n\") (#set! level \"core\"))\n",
            "([(list) (tuple)] @anchor (#set! note \"n\") (#set! level \"core\"))\n",
            "((_ (expression_statement) @anchor) (#set! note \"n\") (#set! level \"core\"))\n",
            "((identifier) @anchor . (identifier) (#set! note \"n\") (#set! level \"core\"))\n",
            "((call (identifier)) @anchor (string) (#set! note \"n\") (#set! level \"core\"))\n",
        ));
        let q = &t.query;
        let root_of = |i: usize| root(q, i, &tokens(pattern_source(q, &t.source, i).unwrap()));
        let kinds = |k: &[&str]| Some(k.iter().map(|k| k.to_string()).collect::<Vec<_>>());
        assert_eq!(root_of(0), kinds(&["call"]));
        assert_eq!(root_of(1), kinds(&["attribute"]));
        assert_eq!(root_of(2), kinds(&["list", "tuple"]));
        assert_eq!(root_of(3), None, "a wildcard root");
        assert_eq!(root_of(4), None, "siblings");
        assert_eq!(root_of(5), None, "a node and a sibling");
    }

    #[test]
    fn a_file_without_the_words_runs_no_gated_group() {
        let t = compiled(concat!(
            "((call function: (identifier) @anchor) @construct (#eq? @anchor \"setattr\") (#set! note \"n\") (#set! level \"core\"))\n",
            "((call function: (identifier) @anchor) @construct (#set! note \"m\") (#set! level \"core\"))\n",
        ));
        let fq = FileQuery::new(&t).expect("splits");
        assert_eq!(fq.gated.len(), 1);
        assert!(fq.active("f(x)\n").groups[0].is_empty());
        assert_eq!(
            fq.active("setattr(x, 'a', 1)\n").groups[0],
            vec![Range { start: 0, end: 7 }]
        );
        // A word inside a longer one counts too (overlapping matches).
        assert_eq!(
            fq.active("x.__setattribute\n").groups[0],
            vec![Range { start: 4, end: 11 }]
        );
    }
}
