//! Jupyter notebooks (nbformat 4) as one Python module: the code cells in
//! order, IPython's magics, shell escapes and help syntax masked, with the
//! map between the module's bytes and each cell's own text. Plain data, no
//! I/O: the CLI reads `.ipynb` files into [`Notebook`], the server builds a
//! [`Module`] from the cells its client synchronizes.
//!
//! Masking keeps every byte offset: a masked part becomes `...` (or `0`
//! when shorter than three bytes) padded with spaces, line breaks kept, so
//! the module still parses (an escape inside a `for` body stays a
//! statement) and offsets map back to the cell unchanged. Nothing found
//! inside a masked part is reported (see [`Module::masked`]).
//!
//! `--fix` rewrites only the `source` values of the cells it changed: each
//! value's byte span in the file is known from the parse
//! ([`serde_json::value::RawValue`] borrows it), so outputs, metadata, key
//! order, indentation and the trailing newline stay byte for byte.

use std::ops::Range;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::analysis::fix::{apply_edits, Edit};
use crate::analysis::rules::{self, Diagnostic, Safety, Selection};
use crate::analysis::{Encoding, LineCol, LineIndex, ModuleContext, Parsed};

/// Cell magics whose body IPython runs as Python: the first line is
/// masked, the body analysed. Any other cell magic (`%%bash`, `%%html`,
/// `%%writefile`) masks the whole cell.
const PYTHON_CELL_MAGICS: &[&str] = &[
    "time", "timeit", "capture", "prun", "debug", "python", "python3", "pypy",
];

/// A parsed notebook: the file's text and, per cell, its kind, its source
/// and where that source's JSON value lies in the text.
#[derive(Debug, Clone)]
pub struct Notebook {
    json: String,
    pub cells: Vec<Cell>,
}

/// One cell of a notebook file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Its index among all the notebook's cells (markdown ones too), from 0.
    pub index: usize,
    pub kind: CellKind,
    /// The source, joined.
    pub source: String,
    /// The byte span of the `source` value in the file.
    span: Range<usize>,
    /// Whether the file holds the source as a list of lines.
    as_list: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    Code,
    Markdown,
    Raw,
}

/// Why a notebook cannot be analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotebookError {
    /// Not JSON, or not the shape of a notebook (said in the message).
    Invalid(String),
    /// An nbformat other than 4.
    Version(u64),
    /// A kernel language other than Python.
    NotPython(String),
}

impl std::fmt::Display for NotebookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotebookError::Invalid(why) => write!(f, "not a valid notebook: {why}"),
            NotebookError::Version(v) => write!(
                f,
                "nbformat {v} is not supported (only nbformat 4; `jupyter nbconvert --to notebook` converts it)"
            ),
            NotebookError::NotPython(lang) => {
                write!(f, "a notebook in {lang}, not Python")
            }
        }
    }
}

#[derive(Deserialize)]
struct RawNotebook<'a> {
    nbformat: Option<u64>,
    #[serde(borrow)]
    cells: Option<Vec<&'a RawValue>>,
    #[serde(default)]
    metadata: Metadata,
}

#[derive(Default, Deserialize)]
struct Metadata {
    language_info: Option<LanguageInfo>,
}

#[derive(Deserialize)]
struct LanguageInfo {
    name: Option<String>,
}

#[derive(Deserialize)]
struct RawCell<'a> {
    cell_type: String,
    #[serde(borrow)]
    source: &'a RawValue,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Source {
    Text(String),
    Lines(Vec<String>),
}

/// Where `inner` (a slice of `outer`) starts in `outer`.
fn offset_in(outer: &str, inner: &str) -> Option<usize> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    (start + inner.len() <= outer.len()).then_some(start)
}

impl Notebook {
    /// Parses a notebook file's text.
    pub fn parse(json: String) -> Result<Notebook, NotebookError> {
        let cells = {
            let raw: RawNotebook =
                serde_json::from_str(&json).map_err(|e| NotebookError::Invalid(e.to_string()))?;
            match raw.nbformat {
                Some(4) => {}
                Some(v) => return Err(NotebookError::Version(v)),
                None => return Err(NotebookError::Invalid("no `nbformat`".into())),
            }
            if let Some(name) = raw.metadata.language_info.and_then(|l| l.name) {
                if !name.eq_ignore_ascii_case("python") {
                    return Err(NotebookError::NotPython(name));
                }
            }
            let Some(raw_cells) = raw.cells else {
                return Err(NotebookError::Invalid("no `cells`".into()));
            };
            let mut cells = Vec::with_capacity(raw_cells.len());
            for (index, raw_cell) in raw_cells.into_iter().enumerate() {
                let bad =
                    |why: String| NotebookError::Invalid(format!("cell {}: {why}", index + 1));
                let cell: RawCell =
                    serde_json::from_str(raw_cell.get()).map_err(|e| bad(e.to_string()))?;
                let kind = match cell.cell_type.as_str() {
                    "code" => CellKind::Code,
                    "markdown" => CellKind::Markdown,
                    "raw" => CellKind::Raw,
                    other => return Err(bad(format!("unknown cell_type `{other}`"))),
                };
                let (source, as_list) = match serde_json::from_str(cell.source.get()) {
                    Ok(Source::Text(s)) => (s, false),
                    Ok(Source::Lines(lines)) => (lines.concat(), true),
                    Err(_) => {
                        return Err(bad(
                            "`source` is neither a string nor a list of strings".into()
                        ))
                    }
                };
                let start = offset_in(&json, cell.source.get())
                    .ok_or_else(|| bad("cannot locate `source`".into()))?;
                cells.push(Cell {
                    index,
                    kind,
                    source,
                    span: start..start + cell.source.get().len(),
                    as_list,
                });
            }
            cells
        };
        Ok(Notebook { json, cells })
    }

    /// The file's text.
    pub fn json(&self) -> &str {
        &self.json
    }

    /// The code cells' sources, for [`Module::new`].
    pub fn code_cells(&self) -> Vec<CellSource> {
        self.cells
            .iter()
            .filter(|c| c.kind == CellKind::Code)
            .map(|c| CellSource {
                index: c.index,
                text: c.source.clone(),
            })
            .collect()
    }

    /// The file's text with the sources of some cells (by index) replaced,
    /// each written in the shape it had (a string, or a list of lines laid
    /// out as the original list was); every other byte as it was.
    pub fn with_sources(&self, sources: &[(usize, String)]) -> String {
        let mut replacements: Vec<(Range<usize>, String)> = sources
            .iter()
            .filter_map(|(index, text)| {
                let cell = self.cells.iter().find(|c| c.index == *index)?;
                let old = self.json.get(cell.span.clone())?;
                let value = if cell.as_list {
                    list_like(old, text)
                } else {
                    json_string(text)
                };
                Some((cell.span.clone(), value))
            })
            .collect();
        replacements.sort_by_key(|(r, _)| r.start);
        let mut out = String::with_capacity(self.json.len());
        let mut at = 0;
        for (range, value) in replacements {
            if range.start < at {
                continue;
            }
            out.push_str(&self.json[at..range.start]);
            out.push_str(&value);
            at = range.end;
        }
        out.push_str(&self.json[at..]);
        out
    }
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// `text` as a JSON list of its lines (each but the last ending in `\n`),
/// with the whitespace the list `old` put before its first item (and after
/// each comma) and before its `]`.
fn list_like(old: &str, text: &str) -> String {
    let inner = old
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or("");
    let lead_len = inner.len() - inner.trim_start().len();
    let trail_len = inner.len() - inner.trim_end().len();
    let (lead, trail) = if inner.trim().is_empty() {
        ("", "")
    } else {
        (&inner[..lead_len], &inner[inner.len() - trail_len..])
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if lines.is_empty() {
        return "[]".into();
    }
    let separator = if lead.is_empty() {
        ", ".to_string()
    } else {
        format!(",{lead}")
    };
    let items: Vec<String> = lines.iter().map(|l| json_string(l)).collect();
    format!("[{lead}{}{trail}]", items.join(&separator))
}

/// A code cell's text, and its index in the notebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellSource {
    pub index: usize,
    pub text: String,
}

/// The code cells as one module.
#[derive(Debug, Clone, Default)]
pub struct Module {
    /// The module's text: the cells in order, masked, each ending in a
    /// line break (one is added where a cell has none).
    pub text: String,
    pub cells: Vec<CellSpan>,
}

/// Where one code cell lies in the module.
#[derive(Debug, Clone)]
pub struct CellSpan {
    /// Its index in the notebook.
    pub index: usize,
    /// Its bytes in the module (the added line break excluded).
    pub range: Range<usize>,
    /// The cell's own text (unmasked) and its line index: positions in
    /// the cell are counted on it.
    pub text: String,
    pub lines: LineIndex,
    /// The masked parts, in module offsets.
    pub masked: Vec<Range<usize>>,
    /// Whether the cell starts with a cell magic (`%%time`, `%%bash`):
    /// its first masked part is that line (or the whole cell).
    pub cell_magic: bool,
}

/// A module offset as a place in one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellOffset {
    /// Which of [`Module::cells`].
    pub cell: usize,
    /// The byte offset in the cell's text.
    pub offset: usize,
}

impl Module {
    pub fn new(cells: &[CellSource]) -> Module {
        let mut text = String::new();
        let mut spans = Vec::with_capacity(cells.len());
        for cell in cells {
            let start = text.len();
            let (masked_text, masked, cell_magic) = mask(&cell.text);
            text.push_str(&masked_text);
            let end = text.len();
            if !cell.text.is_empty() && !cell.text.ends_with('\n') {
                text.push('\n');
            }
            spans.push(CellSpan {
                index: cell.index,
                range: start..end,
                lines: LineIndex::new(&cell.text),
                text: cell.text.clone(),
                masked: masked
                    .into_iter()
                    .map(|r| r.start + start..r.end + start)
                    .collect(),
                cell_magic,
            });
        }
        Module { text, cells: spans }
    }

    /// The cell holding a module offset: the one it lies in, else the one
    /// it ends (the position after a cell's last character).
    pub fn locate(&self, offset: usize) -> Option<CellOffset> {
        let at = |cell: usize, span: &CellSpan| CellOffset {
            cell,
            offset: offset - span.range.start,
        };
        self.cells
            .iter()
            .enumerate()
            .find(|(_, s)| s.range.start <= offset && offset < s.range.end)
            .or_else(|| {
                self.cells
                    .iter()
                    .enumerate()
                    .find(|(_, s)| s.range.end == offset)
            })
            .map(|(i, s)| at(i, s))
    }

    /// The module offset of a place in a cell (clamped to the cell).
    pub fn offset(&self, at: CellOffset) -> Option<usize> {
        let span = self.cells.get(at.cell)?;
        Some(span.range.start + at.offset.min(span.range.len()))
    }

    /// The module offset of a line and column in a cell.
    pub fn offset_of(&self, cell: usize, pos: LineCol, enc: Encoding) -> Option<usize> {
        let span = self.cells.get(cell)?;
        let offset = span.lines.offset(&span.text, pos, enc);
        self.offset(CellOffset { cell, offset })
    }

    /// The cell, line and column of a module offset.
    pub fn line_col(&self, offset: usize, enc: Encoding) -> Option<(usize, LineCol)> {
        let at = self.locate(offset)?;
        let span = &self.cells[at.cell];
        Some((at.cell, span.lines.line_col(&span.text, at.offset, enc)))
    }

    /// A module range as a range in one cell: `None` when it crosses
    /// cells. A range ending on a cell's added line break ends at the
    /// cell's end.
    pub fn cell_range(&self, range: Range<usize>) -> Option<(usize, Range<usize>)> {
        let at = self.locate(range.start)?;
        let span = &self.cells[at.cell];
        let mut end = range.end.max(range.start);
        if end == span.range.end + 1 && self.text.as_bytes().get(span.range.end) == Some(&b'\n') {
            end = span.range.end;
        }
        if end > span.range.end {
            return None;
        }
        Some((at.cell, at.offset..end - span.range.start))
    }

    /// Whether a module offset lies inside a masked part (its first byte
    /// included, the byte after it not).
    pub fn masked(&self, offset: usize) -> bool {
        self.cells
            .iter()
            .flat_map(|c| &c.masked)
            .any(|m| m.start <= offset && offset < m.end)
    }

    /// Whether an edit's range touches a masked part (an empty range
    /// strictly inside one), or lies at or before the end of a cell
    /// magic's masked first line (text before `%%` would break it).
    fn touches_masked(&self, range: &Range<usize>) -> bool {
        let inside = self.cells.iter().flat_map(|c| &c.masked).any(|m| {
            if range.is_empty() {
                m.start < range.start && range.start < m.end
            } else {
                range.start < m.end && m.start < range.end
            }
        });
        inside
            || self.locate(range.start).is_some_and(|at| {
                let c = &self.cells[at.cell];
                c.cell_magic && c.masked.first().is_some_and(|m| range.start <= m.end)
            })
    }

    /// The findings a notebook reports: none inside a masked part.
    pub fn reported(&self, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter(|d| !self.masked(d.range.start) && self.locate(d.range.start).is_some())
            .collect()
    }

    /// A fix's edits as edits of cells (by position in [`Module::cells`]):
    /// `None` when an edit crosses cells or touches a masked part.
    pub fn cell_edits(&self, edits: &[Edit]) -> Option<Vec<(usize, Edit)>> {
        edits
            .iter()
            .map(|e| {
                if self.touches_masked(&e.range) {
                    return None;
                }
                let (cell, range) = self.cell_range(e.range.clone())?;
                Some((
                    cell,
                    Edit {
                        range,
                        text: e.text.clone(),
                    },
                ))
            })
            .collect()
    }
}

/// What [`fix_cells`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedCells {
    /// The code cells after the fixes.
    pub cells: Vec<CellSource>,
    pub applied: usize,
    /// Why fixing stopped early (as for files).
    pub stopped: Option<rules::FixStop>,
}

/// Applies every fix the selection allows to the code cells, as
/// [`rules::fix_all`] does to a file: round by round, non-overlapping fixes
/// together, a round that breaks the parse undone for its first fix alone.
/// A fix that would edit a masked part or cross cells is left out; a module
/// with syntax errors is left alone.
pub fn fix_cells(
    cells: &[CellSource],
    context: &ModuleContext,
    selection: &Selection,
    allow_unsafe: bool,
) -> FixedCells {
    let allowed = |s: Safety| s == Safety::Safe || allow_unsafe;
    let mut out = FixedCells {
        cells: cells.to_vec(),
        applied: 0,
        stopped: None,
    };
    let module = Module::new(&out.cells);
    let parsed = Parsed::new(module.text.clone()).with_context(context.clone());
    if !rules::parses_cleanly(&parsed) {
        let fixable = module
            .reported(rules::check(&parsed, selection))
            .iter()
            .any(|d| d.fix.as_ref().is_some_and(|f| allowed(f.safety)));
        if fixable {
            out.stopped = Some(rules::FixStop::SyntaxErrors);
        }
        return out;
    }
    let ((cells, _, _), applied, stopped) = rules::fix_rounds(
        (out.cells.clone(), module, parsed),
        |(_, module, parsed)| {
            module
                .reported(rules::check(parsed, selection))
                .into_iter()
                .filter_map(|d| d.fix)
                .filter(|f| allowed(f.safety))
                .filter_map(|f| module.cell_edits(&f.edits))
                .collect()
        },
        |(cells, _, _), edits| {
            let mut next = cells.clone();
            for (i, cell) in next.iter_mut().enumerate() {
                let mine = rules::edits_at(edits, &i);
                if !mine.is_empty() {
                    cell.text = apply_edits(&cell.text, &mine)?;
                }
            }
            let module = Module::new(&next);
            let parsed = Parsed::new(module.text.clone()).with_context(context.clone());
            rules::parses_cleanly(&parsed).then_some((next, module, parsed))
        },
    );
    out.cells = cells;
    out.applied = applied;
    out.stopped = stopped;
    out
}

/// A cell's text with its magics masked, the masked byte ranges, and
/// whether it starts with a cell magic.
fn mask(text: &str) -> (String, Vec<Range<usize>>, bool) {
    let mut bytes = text.as_bytes().to_vec();
    let mut masked: Vec<Range<usize>> = Vec::new();
    let lines: Vec<Range<usize>> = line_ranges(text);
    let mut blank = |bytes: &mut Vec<u8>, range: Range<usize>| {
        let mut filler = if range.len() >= 3 { "..." } else { "0" }.bytes();
        for b in &mut bytes[range.clone()] {
            if *b != b'\n' && *b != b'\r' {
                *b = filler.next().unwrap_or(b' ');
            }
        }
        masked.push(range);
    };
    // A cell magic: its first non-blank line starts with `%%`.
    let first = lines
        .iter()
        .position(|l| !text[l.clone()].trim().is_empty());
    let mut start_line = 0;
    if let Some(first) = first {
        let line = &text[lines[first].clone()];
        if let Some(magic) = line.trim_start().strip_prefix("%%") {
            let name = magic
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap_or("");
            if PYTHON_CELL_MAGICS.contains(&name) {
                let l = lines[first].clone();
                let content = l.start..l.start + line.trim_end().len();
                let lead = line.len() - line.trim_start().len();
                blank(&mut bytes, content.start + lead..content.end);
                start_line = first + 1;
            } else {
                blank(&mut bytes, 0..text.len());
                return (
                    String::from_utf8(bytes).unwrap_or_else(|_| " ".repeat(text.len())),
                    masked,
                    true,
                );
            }
        }
    }
    let mut scan = Scanner::default();
    let mut i = start_line;
    while i < lines.len() {
        let line = lines[i].clone();
        let content = &text[line.clone()];
        let trimmed = content.trim_start();
        let lead = content.len() - trimmed.len();
        if scan.at_statement_start() {
            if let Some(from) = escape_start(trimmed) {
                // The escape and its backslash-continued lines.
                let mut end_line = i;
                while text[lines[end_line].clone()].trim_end().ends_with('\\')
                    && end_line + 1 < lines.len()
                {
                    end_line += 1;
                }
                let end = lines[end_line].start + text[lines[end_line].clone()].trim_end().len();
                blank(&mut bytes, line.start + lead + from..end);
                i = end_line + 1;
                continue;
            }
            let code_end = scan.line(content);
            let code = content[..code_end].trim_end();
            if scan.at_statement_start() && code.ends_with('?') && !code.trim().is_empty() {
                // `obj?` / `obj??`: help.
                blank(&mut bytes, line.start + lead..line.start + code.len());
            }
        } else {
            scan.line(content);
        }
        i += 1;
    }
    let cell_magic = start_line > 0;
    (
        String::from_utf8(bytes).unwrap_or_else(|_| " ".repeat(text.len())),
        masked,
        cell_magic,
    )
}

/// Where, in a statement's first line (leading blanks removed), an IPython
/// escape starts: `%magic`, `!cmd`, `?obj` at the start, or the right side
/// of `name = %magic` / `name = !cmd`.
fn escape_start(line: &str) -> Option<usize> {
    if line.starts_with(['%', '!', '?']) {
        return Some(0);
    }
    // `a = !ls`, `a, b = %sx ls`: names, commas, dots and blanks, then `=`.
    let eq = line.find('=')?;
    let target = &line[..eq];
    let names_only = !target.trim().is_empty()
        && target
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == ',' || c == '.' || c == ' ');
    if !names_only {
        return None;
    }
    let rest = &line[eq + 1..];
    let value = rest.trim_start();
    let at = eq + 1 + (rest.len() - value.len());
    (value.starts_with('%') || value.starts_with('!') && !value.starts_with("!="))
        .then_some(at)
        .filter(|_| !rest.starts_with('='))
}

/// The byte ranges of a text's lines, each with its line break.
fn line_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        out.push(start..start + line.len());
        start += line.len();
    }
    out
}

/// Just enough of Python's lexer to know whether a line starts a
/// statement: open brackets, strings (triple-quoted ones across lines) and
/// backslash continuations.
#[derive(Debug, Default)]
struct Scanner {
    depth: usize,
    /// Inside a triple-quoted string (its quote character).
    triple: Option<u8>,
    continued: bool,
}

impl Scanner {
    fn at_statement_start(&self) -> bool {
        self.depth == 0 && self.triple.is_none() && !self.continued
    }

    /// Scans one line (with its line break); returns where its code ends
    /// (before a comment).
    fn line(&mut self, line: &str) -> usize {
        let b = line.as_bytes();
        let mut i = 0;
        let mut code_end = line.trim_end_matches(['\n', '\r']).len();
        self.continued = false;
        while i < b.len() {
            if let Some(q) = self.triple {
                if b[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if b[i..].starts_with(&[q, q, q]) {
                    self.triple = None;
                    i += 3;
                    continue;
                }
                i += 1;
                continue;
            }
            match b[i] {
                b'#' => {
                    code_end = i;
                    break;
                }
                q @ (b'\'' | b'"') => {
                    if b[i..].starts_with(&[q, q, q]) {
                        self.triple = Some(q);
                        i += 3;
                        continue;
                    }
                    // A one-line string: to its closing quote or the line's end.
                    i += 1;
                    while i < b.len() && b[i] != q && b[i] != b'\n' {
                        if b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                    i += 1;
                    continue;
                }
                b'(' | b'[' | b'{' => self.depth += 1,
                b')' | b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                _ => {}
            }
            i += 1;
        }
        if self.triple.is_none() {
            let code = line[..code_end.min(line.len())].trim_end_matches(['\n', '\r']);
            self.continued = code.ends_with('\\');
        }
        code_end.min(line.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> String {
        mask(text).0
    }

    #[test]
    fn magics_escapes_and_help_are_masked_to_the_same_length() {
        let cases = [
            ("%time f()\n", "...      \n"),
            ("!ls\nx = 1\n", "...\nx = 1\n"),
            ("for i in x:\n    !echo $i\n", "for i in x:\n    ...     \n"),
            ("files = !ls -l\n", "files = ...   \n"),
            ("len?\n", "... \n"),
            ("%%bash\necho hi\n", "...   \n       \n"),
            ("%%time\nx = 1\n", "...   \nx = 1\n"),
            ("%a\n", "0 \n"),
            ("%cd \\\n  dir\n", "...  \n     \n"),
        ];
        for (text, want) in cases {
            let got = masked(text);
            assert_eq!(got, want, "{text:?}");
            assert_eq!(got.len(), text.len());
        }
    }

    #[test]
    fn python_is_never_masked() {
        for text in [
            "x = (a\n     % b)\n",
            "s = \"\"\"\n%d items\n!\n\"\"\"\n",
            "a != b\n",
            "x = 1 \\\n    % 2\n",
            "# why?\n",
            "d = {'a': 1}\nd == 2\n",
        ] {
            assert_eq!(masked(text), text, "{text:?}");
        }
    }

    #[test]
    fn cells_map_to_the_module_and_back() {
        let cells = [
            CellSource {
                index: 0,
                text: "class C:\n    pass".into(),
            },
            CellSource {
                index: 2,
                text: "%time C()\nC()\n".into(),
            },
        ];
        let m = Module::new(&cells);
        assert_eq!(m.text, "class C:\n    pass\n...      \nC()\n");
        let c = m.text.rfind("C()").unwrap();
        let (cell, lc) = m.line_col(c, Encoding::Utf8).unwrap();
        assert_eq!((cell, lc.line, lc.col), (1, 1, 0));
        assert_eq!(
            m.offset_of(1, LineCol { line: 1, col: 0 }, Encoding::Utf8),
            Some(c)
        );
        assert!(m.masked(m.text.find("...").unwrap()));
        // The end of the first cell (before the added line break) is in it.
        assert_eq!(m.locate(17).map(|a| a.cell), Some(0));
        assert_eq!(m.cell_range(13..18), Some((0, 13..17)));
        assert_eq!(m.cell_range(13..20), None);
    }

    #[test]
    fn sources_are_replaced_in_place_keeping_their_shape() {
        let json = "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"metadata\": {},\n   \"source\": [\n    \"def f(x=[]):\\n\",\n    \"    return x\"\n   ],\n   \"outputs\": [], \"execution_count\": null\n  },\n  {\"cell_type\": \"markdown\", \"metadata\": {}, \"source\": \"# hi\"}\n ],\n \"metadata\": {},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n";
        let nb = Notebook::parse(json.into()).unwrap();
        assert_eq!(nb.cells[0].source, "def f(x=[]):\n    return x");
        assert_eq!(nb.cells[1].kind, CellKind::Markdown);
        let out = nb.with_sources(&[(0, "def f(x=None):\n    return x".into())]);
        assert_eq!(
            out,
            json.replace("x=[]", "x=None"),
            "only the source changed, laid out as before"
        );
        let out = nb.with_sources(&[(1, "# hé\n".into())]);
        assert_eq!(out, json.replace("\"# hi\"", "\"# hé\\n\""));
    }

    proptest::proptest! {
        /// Any text: masking keeps every byte offset and line break, the
        /// module maps every offset of every cell back to it, and no
        /// range or edit makes the map panic.
        #[test]
        fn masking_and_the_cell_map_hold_for_any_text(
            texts in proptest::collection::vec("[%!?a-z =()'\"\\#\n\u{e9}\u{4e2d}]{0,40}", 1..4),
            ranges in proptest::collection::vec((0usize..200, 0usize..200), 0..8),
        ) {
            for t in &texts {
                let (m, masked, _) = mask(t);
                proptest::prop_assert_eq!(m.len(), t.len());
                proptest::prop_assert_eq!(m.matches('\n').count(), t.matches('\n').count());
                proptest::prop_assert!(masked.iter().all(|r| r.end <= t.len()));
            }
            let cells: Vec<CellSource> = texts
                .iter()
                .enumerate()
                .map(|(index, text)| CellSource { index, text: text.clone() })
                .collect();
            let module = Module::new(&cells);
            for (c, span) in module.cells.iter().enumerate() {
                for offset in 0..=span.text.len() {
                    let at = module.offset(CellOffset { cell: c, offset }).unwrap();
                    if !span.text.is_empty() && offset < span.text.len() {
                        proptest::prop_assert_eq!(module.locate(at), Some(CellOffset { cell: c, offset }));
                    }
                }
            }
            for (a, b) in ranges {
                let edit = Edit { range: a.min(b)..a.max(b), text: "x".into() };
                let _ = module.cell_edits(&[edit]);
                let _ = module.line_col(a, Encoding::Utf16);
                let _ = module.cell_range(a..b);
            }
        }
    }

    #[test]
    fn bad_notebooks_are_errors() {
        let err = |s: &str| Notebook::parse(s.into()).unwrap_err().to_string();
        assert!(err("{").starts_with("not a valid notebook"));
        assert!(err(r#"{"nbformat": 3, "worksheets": []}"#).contains("nbformat 3"));
        assert!(
            err(r#"{"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}"#)
                .contains("cell 1: `source` is neither")
        );
        assert!(err(
            r#"{"nbformat": 4, "metadata": {"language_info": {"name": "R"}}, "cells": []}"#
        )
        .contains("in R"));
    }
}
