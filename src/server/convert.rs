//! Core <-> LSP conversions: positions, ranges, encodings. Every column the
//! server sends or receives goes through here.

use std::ops::Range;

use tower_lsp_server::ls_types::{Position, PositionEncodingKind};

use crate::analysis::{Encoding, LineCol, Parsed};

pub fn encoding_kind(enc: Encoding) -> PositionEncodingKind {
    match enc {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        _ => PositionEncodingKind::UTF16,
    }
}

pub fn line_col(pos: Position) -> LineCol {
    LineCol {
        line: pos.line,
        col: pos.character,
    }
}

pub fn position(parsed: &Parsed, offset: usize, enc: Encoding) -> Position {
    let lc = parsed.line_col(offset, enc);
    Position::new(lc.line, lc.col)
}

pub fn range(
    parsed: &Parsed,
    bytes: Range<usize>,
    enc: Encoding,
) -> tower_lsp_server::ls_types::Range {
    tower_lsp_server::ls_types::Range::new(
        position(parsed, bytes.start, enc),
        position(parsed, bytes.end, enc),
    )
}

/// An LSP range -> byte range, clamped; a reversed range becomes empty at its start.
pub fn byte_range(
    parsed: &Parsed,
    r: tower_lsp_server::ls_types::Range,
    enc: Encoding,
) -> Range<usize> {
    let start = parsed.offset(line_col(r.start), enc);
    let end = parsed.offset(line_col(r.end), enc);
    if end < start {
        start..start
    } else {
        start..end
    }
}
