//! Byte offsets <-> (line, column). The only place that counts columns.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r` (as LSP defines them). Columns are
//! counted in the unit the caller asks for: UTF-8 bytes, UTF-16 code units, or
//! Unicode scalar values (what the CLI prints). Every conversion clamps: a
//! position past the end of its line lands at the line's end, a line past the
//! end of the text lands at the end of the text, and a column inside a
//! multi-unit character lands at the start of that character.
//!
//! Also: which spans of a text an edit left as they were
//! ([`unchanged_spans`]), for the analyses that reuse a previous version's
//! results.

use std::ops::Range;

/// The unit columns are counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    /// Unicode scalar values (`char`s).
    Chars,
}

/// A zero-based line and column, the column in some [`Encoding`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Start offsets of every line of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset where each line starts; always begins with 0.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i + 1);
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// Number of lines (a text ending in a newline has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of a line's content, without its line terminator.
    pub fn line_range(&self, text: &str, line: usize) -> Option<std::ops::Range<usize>> {
        let start = *self.starts.get(line)?;
        let mut end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Some(start..end)
    }

    /// The line containing a byte offset (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset -> line and column in `enc`. Offsets past the end or inside
    /// a character are clamped.
    pub fn line_col(&self, text: &str, offset: usize, enc: Encoding) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.starts[line];
        let end = self
            .line_range(text, line)
            .map_or(offset, |range| range.end)
            .max(start);
        let upto = &text[start..offset.min(end).max(start)];
        LineCol {
            line: to_u32(line),
            col: to_u32(count_units(upto, enc)),
        }
    }

    /// Line and column in `enc` -> byte offset, clamped to the text and to the
    /// line's content.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        let line = pos.line as usize;
        let Some(range) = self.line_range(text, line) else {
            return text.len();
        };
        let content = &text[range.clone()];
        range.start + byte_of_units(content, pos.col as usize, enc)
    }
}

/// Largest char boundary <= `offset`.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The spans of a new text that are the same bytes as a span of an old
/// text before and after the edited region: at the same offset (before
/// it), or at the same distance from the end (after it). `old` and `new`
/// are in order and do not overlap (a file's top-level statements); the
/// pairs are (new index, old index).
pub fn unchanged_spans(
    old: &[Range<usize>],
    old_text: &[u8],
    new: &[Range<usize>],
    new_text: &[u8],
) -> Vec<(usize, usize)> {
    let same = |o: &Range<usize>, n: &Range<usize>, shift: isize| {
        n.start as isize - o.start as isize == shift
            && n.len() == o.len()
            && old_text.get(o.clone()).is_some()
            && old_text.get(o.clone()) == new_text.get(n.clone())
    };
    let mut out = Vec::new();
    let mut head = 0;
    while head < old.len().min(new.len()) && same(&old[head], &new[head], 0) {
        out.push((head, head));
        head += 1;
    }
    let shift = new_text.len() as isize - old_text.len() as isize;
    let mut tail = 0;
    while tail < old.len().min(new.len()) - head
        && same(
            &old[old.len() - 1 - tail],
            &new[new.len() - 1 - tail],
            shift,
        )
    {
        out.push((new.len() - 1 - tail, old.len() - 1 - tail));
        tail += 1;
    }
    out
}

fn count_units(s: &str, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => s.len(),
        Encoding::Utf16 => s.chars().map(char::len_utf16).sum(),
        Encoding::Chars => s.chars().count(),
    }
}

/// Byte offset within `line` of the first character at or after `units`
/// units, never splitting a character (a column inside one is clamped to its
/// start), never past the line.
fn byte_of_units(line: &str, units: usize, enc: Encoding) -> usize {
    if enc == Encoding::Utf8 {
        return floor_char_boundary(line, units);
    }
    let mut seen = 0;
    for (i, ch) in line.char_indices() {
        let width = if enc == Encoding::Utf16 {
            ch.len_utf16()
        } else {
            1
        };
        if seen + width > units {
            return i;
        }
        seen += width;
    }
    line.len()
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let text = "s = '中😀' + x\n";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(text, x, Encoding::Utf8).col, 16);
        assert_eq!(idx.line_col(text, x, Encoding::Utf16).col, 12);
        assert_eq!(idx.line_col(text, x, Encoding::Chars).col, 11);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Chars] {
            let lc = idx.line_col(text, x, enc);
            assert_eq!(idx.offset(text, lc, enc), x);
        }
    }

    #[test]
    fn positions_are_clamped() {
        let text = "ab\r\ncd😀\rlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 3);
        // Past the end of line 0 -> end of "ab", not into "\r\n".
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 99 }, Encoding::Utf16),
            2
        );
        // Inside the surrogate pair of the emoji -> start of the emoji.
        let emoji = text.find('😀').unwrap();
        assert_eq!(
            idx.offset(text, LineCol { line: 1, col: 3 }, Encoding::Utf16),
            emoji
        );
        // Inside the UTF-8 bytes of the emoji -> start of the emoji.
        assert_eq!(
            idx.offset(text, LineCol { line: 1, col: 4 }, Encoding::Utf8),
            emoji
        );
        // Line past the end -> end of text.
        assert_eq!(
            idx.offset(text, LineCol { line: 9, col: 0 }, Encoding::Utf8),
            text.len()
        );
        // Offset inside a character or past the end.
        assert_eq!(
            idx.line_col(text, emoji + 1, Encoding::Utf16),
            LineCol { line: 1, col: 2 }
        );
        assert_eq!(
            idx.line_col(text, 999, Encoding::Utf8),
            LineCol { line: 2, col: 4 }
        );
    }
}
