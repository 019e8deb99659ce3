//! Fixes as plain data ([`Edit`], [`Fix`], [`Safety`]) and the helpers that
//! place new code where Python allows it: an import after the module's
//! header, a suppression comment at the end of a line, text in the file's
//! own line endings.
//!
//! A fix is [`Safety::Safe`] only if it keeps what the program does in every
//! case the rule can see (ruff's definition): anything that changes
//! behaviour, even for the better, is [`Safety::Unsafe`]. Each rule's
//! documentation says why in its "Fix safety" section.

use std::ops::Range;

use tree_sitter::Node;

use super::Parsed;

/// Whether a fix keeps the program's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Safety {
    /// Keeps what the program does: applied by `check --fix` and offered as
    /// the preferred quick fix.
    Safe,
    /// Changes what the program does in some case: only with
    /// `--unsafe-fixes`.
    Unsafe,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Unsafe => "unsafe",
        }
    }
}

/// Replace `range` with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// A fix: edits that never overlap, applied together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub safety: Safety,
    pub edits: Vec<Edit>,
}

/// Applies non-overlapping edits (sorted here) to a text; `None` if two
/// overlap or one lies outside the text or inside a character.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Option<String> {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in edits {
        if e.range.start < at || e.range.end > text.len() || e.range.start > e.range.end {
            return None;
        }
        out.push_str(text.get(at..e.range.start)?);
        out.push_str(&e.text);
        at = e.range.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}

/// The line break that ends the line containing `offset` (`\r\n`, `\n` or a
/// lone `\r`); for the last line, the file's first line break; `\n` for a
/// file of one line. Inserted lines use it, so a fix never mixes endings.
pub fn line_ending(text: &str, offset: usize) -> &'static str {
    let bytes = text.as_bytes();
    let from = offset.min(bytes.len());
    let kind = |i: usize| -> &'static str {
        if bytes[i] == b'\r' {
            if bytes.get(i + 1) == Some(&b'\n') {
                "\r\n"
            } else {
                "\r"
            }
        } else {
            "\n"
        }
    };
    if let Some(i) = bytes[from..]
        .iter()
        .position(|b| matches!(b, b'\n' | b'\r'))
    {
        return kind(from + i);
    }
    match bytes.iter().position(|b| matches!(b, b'\n' | b'\r')) {
        Some(i) => kind(i),
        None => "\n",
    }
}

/// The indentation (spaces/tabs) of the line containing `offset`.
pub fn indent_at(text: &str, offset: usize) -> &str {
    let offset = super::text::floor_char_boundary(text, offset);
    let start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = &text[start..];
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

/// Whether `offset` is the first non-blank character of a logical line: only
/// spaces and tabs before it on its physical line, and the line before does
/// not end with a backslash continuation. Code inserted at the start of such
/// a line starts a statement of its own.
pub fn starts_logical_line(text: &str, offset: usize) -> bool {
    let offset = super::text::floor_char_boundary(text, offset);
    let before = &text[..offset];
    let line_start = before.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let blank = |c: char| c == ' ' || c == '\t' || (c == '\u{feff}' && line_start == 0);
    if !before[line_start..].chars().all(blank) {
        return false;
    }
    let prev = before[..line_start].trim_end_matches(['\n', '\r']);
    !prev.ends_with('\\')
}

/// The byte offset where a line of code inserted at module level goes: after
/// a byte-order mark, the leading comments (shebang, encoding line, licence),
/// the module docstring and the `from __future__` imports. `None` when that
/// place is not the start of a line of its own (a `;` after the docstring).
pub fn module_header_end(parsed: &Parsed) -> Option<usize> {
    let tree = parsed.tree.as_ref()?;
    let text = &parsed.text;
    let root = tree.root_node();
    let mut header_end: Option<usize> = None;
    let mut first_stmt: Option<Node> = None;
    let mut seen_statement = false;
    let mut c = root.walk();
    for stmt in root.named_children(&mut c) {
        match stmt.kind() {
            "comment" => continue,
            "expression_statement"
                if !seen_statement
                    && stmt.named_child_count() == 1
                    && stmt
                        .named_child(0)
                        .is_some_and(|s| matches!(s.kind(), "string" | "concatenated_string")) =>
            {
                seen_statement = true;
                header_end = Some(stmt.end_byte());
            }
            "future_import_statement" => {
                seen_statement = true;
                header_end = Some(stmt.end_byte());
            }
            _ => {
                first_stmt = Some(stmt);
                break;
            }
        }
    }
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let Some(end) = header_end else {
        // No docstring or future import: before the first statement, after
        // the comments above it.
        return match first_stmt {
            Some(stmt) => {
                let at = stmt.start_byte().max(bom);
                let line_start = text[..at].rfind(['\n', '\r']).map_or(bom, |i| i + 1);
                starts_logical_line(text, at).then_some(line_start.max(bom))
            }
            None => Some(text.len()),
        };
    };
    // The rest of the header's last line must be blank or a comment.
    let rest = &text[end..];
    let line_len = rest.find(['\n', '\r']).unwrap_or(rest.len());
    let tail = rest[..line_len].trim_start_matches([' ', '\t']);
    if !(tail.is_empty() || tail.starts_with('#')) {
        return None;
    }
    let mut at = end + line_len;
    if rest[line_len..].starts_with("\r\n") {
        at += 2;
    } else if line_len < rest.len() {
        at += 1;
    }
    Some(at)
}

/// An edit inserting `line` (without line break) as a statement of its own
/// at `at` (from [`module_header_end`]), in the file's line endings.
pub fn insert_line(text: &str, at: usize, line: &str) -> Edit {
    let nl = line_ending(text, at);
    let at_line_start =
        at == 0 || text[..at].ends_with(['\n', '\r']) || (at == 3 && text.starts_with('\u{feff}'));
    let text = if at_line_start {
        format!("{line}{nl}")
    } else {
        format!("{nl}{line}{nl}")
    };
    Edit {
        range: at..at,
        text,
    }
}

/// The edit that adds `  # pyexplain: ignore[rule]` to the line where
/// `start` is (or adds the rule to an ignore comment already there). `None`
/// where no comment can go: the line ends inside a string, or continues
/// with a backslash.
pub fn ignore_line_edit(
    parsed: &Parsed,
    start: usize,
    rule: crate::analysis::ids::RuleId,
) -> Option<Edit> {
    let text = &parsed.text;
    let line = parsed.lines.line_of(start);
    let range = parsed.lines.line_range(text, line)?;
    let content = &text[range.clone()];
    if content.trim_end().ends_with('\\') {
        return None;
    }
    let tree = parsed.tree.as_ref()?;
    let end = range.end;
    // A token spanning the line break (a triple-quoted string, an f-string)
    // would swallow the comment.
    let mut node = tree.root_node().descendant_for_byte_range(end, end);
    while let Some(n) = node {
        if n.start_byte() < end && end < n.end_byte() && n.kind().contains("string") {
            return None;
        }
        if n.kind() == "comment" && n.start_byte() < end {
            break;
        }
        node = n.parent();
    }
    // An existing `# pyexplain: ignore[...]` on the line: add to its list.
    let mut cursor = tree.root_node().walk();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.end_byte() < range.start || n.start_byte() > end {
            continue;
        }
        if n.kind() == "comment" && n.start_byte() >= range.start {
            let comment = n.utf8_text(text.as_bytes()).ok()?;
            if let Some(at) = comment.find("pyexplain: ignore[") {
                let close = comment[at..].find(']')? + at;
                let pos = n.start_byte() + close;
                return Some(Edit {
                    range: pos..pos,
                    text: format!(", {rule}"),
                });
            }
        }
        stack.extend(n.children(&mut cursor));
    }
    Some(Edit {
        range: end..end,
        text: format!("  # pyexplain: ignore[{rule}]"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(src: &str) -> Option<String> {
        let parsed = Parsed::new(src.to_string());
        let at = module_header_end(&parsed)?;
        let edit = insert_line(src, at, "import asyncio");
        apply_edits(src, &[edit])
    }

    #[test]
    fn imports_go_after_the_module_header() {
        assert_eq!(header("x = 1\n").unwrap(), "import asyncio\nx = 1\n");
        assert_eq!(
            header("#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nx = 1\n").unwrap(),
            "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nimport asyncio\nx = 1\n"
        );
        assert_eq!(
            header("#!/usr/bin/env python\n\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nx = 1\n")
                .unwrap(),
            "#!/usr/bin/env python\n\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\nimport asyncio\nx = 1\n"
        );
        assert_eq!(
            header("\u{feff}x = 1\r\n").unwrap(),
            "\u{feff}import asyncio\r\nx = 1\r\n"
        );
        assert_eq!(
            header("\"\"\"Doc.\"\"\"").unwrap(),
            "\"\"\"Doc.\"\"\"\nimport asyncio\n"
        );
        assert_eq!(
            header("'''Doc.'''  # c\r\nx = 1\r\n").unwrap(),
            "'''Doc.'''  # c\r\nimport asyncio\r\nx = 1\r\n"
        );
        assert_eq!(header("'''Doc.'''; x = 1\n"), None);
        assert_eq!(header("").unwrap(), "import asyncio\n");
    }

    #[test]
    fn line_endings_follow_the_line() {
        assert_eq!(line_ending("a\r\nb\nc", 0), "\r\n");
        assert_eq!(line_ending("a\r\nb\nc", 3), "\n");
        assert_eq!(line_ending("a\rb", 2), "\r");
        assert_eq!(line_ending("abc", 1), "\n");
    }

    #[test]
    fn logical_lines() {
        let src = "x = 1 + \\\n    2\n    y\n";
        assert!(!starts_logical_line(src, src.find('2').unwrap()));
        assert!(starts_logical_line(src, src.find('y').unwrap()));
        assert!(!starts_logical_line(src, src.find('1').unwrap()));
    }

    #[test]
    fn ignore_comments_never_go_into_strings_or_continuations() {
        let edit = |src: &str, needle: &str| {
            let parsed = Parsed::new(src.to_string());
            ignore_line_edit(
                &parsed,
                src.find(needle).unwrap(),
                crate::analysis::ids::RuleId::from_static("is-literal"),
            )
            .and_then(|e| apply_edits(src, &[e]))
        };
        assert_eq!(
            edit("x = a is 1\n", "a").unwrap(),
            "x = a is 1  # pyexplain: ignore[is-literal]\n"
        );
        assert_eq!(edit("x = a is 1 + \\\n    2\n", "a"), None);
        assert_eq!(edit("x = (a is '''\n''')\n", "a"), None);
        assert_eq!(
            edit("x = a is 1  # pyexplain: ignore[type-comparison]\n", "a").unwrap(),
            "x = a is 1  # pyexplain: ignore[type-comparison, is-literal]\n"
        );
        assert_eq!(
            edit("x = a is 1  # note\n", "a").unwrap(),
            "x = a is 1  # note  # pyexplain: ignore[is-literal]\n"
        );
    }
}
