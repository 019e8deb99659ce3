//! Fixture files: Python source with caret markers.
//!
//! A marker is a comment line whose `^` points at a column of the nearest
//! code line above it, followed by the expectation:
//!
//! ```python
//! results[key] = yield from averager()
//! #              ^ §12.6
//! #                    ^ §12.6
//! x = 1
//! #   ^ none
//! ```
//!
//! `§N.M` expects a hover showing that section; `none` expects no hover.
//! Several carets on one marker line share the expectation. A level after
//! the section (`§7.2 everyday`, `§12.6 core`) is the `hover.level` from
//! which the hover shows; without one it is `usage`, the default.

#[derive(Debug, Clone)]
pub struct Marker {
    /// Zero-based line of the code the caret points at.
    pub line: u32,
    /// Zero-based column, in characters.
    pub col: u32,
    /// `Some("12.6")` or `None` for "no hover".
    pub expect: Option<String>,
    /// The level written after the section (`core`, `everyday`), if any.
    pub level: Option<String>,
    /// The text after the carets, as written (`§12.6`, `none`, a rule id).
    pub raw: String,
    /// 1-based line of the marker itself, for messages.
    pub marker_line: usize,
}

pub fn markers(source: &str) -> Vec<Marker> {
    let mut out = Vec::new();
    let mut code_line: Option<usize> = None;
    for (i, line) in source.lines().enumerate() {
        let trimmed = line.trim_start();
        let is_marker = trimmed.starts_with('#') && trimmed[1..].trim_start().starts_with('^');
        if !is_marker {
            code_line = Some(i);
            continue;
        }
        let Some(target) = code_line else { continue };
        let chars: Vec<char> = line.chars().collect();
        let last_caret = chars.iter().rposition(|&c| c == '^').unwrap();
        let rest: String = chars[last_caret + 1..].iter().collect();
        let rest = rest.trim();
        let (section, level) = match rest.split_once(' ') {
            Some((s, l)) => (s, Some(l.trim().to_string())),
            None => (rest, None),
        };
        let expect = if rest == "none" {
            None
        } else {
            section.strip_prefix('§').map(str::to_string)
        };
        for (col, c) in chars.iter().enumerate() {
            if *c == '^' {
                out.push(Marker {
                    line: target as u32,
                    col: col as u32,
                    expect: expect.clone(),
                    level: level.clone(),
                    raw: rest.to_string(),
                    marker_line: i + 1,
                });
            }
        }
    }
    out
}

/// The `.py` files directly in `dir`, sorted.
pub fn py_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    files
}
