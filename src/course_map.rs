//! Which course sections a set of files exercises: [`sections_in`] over every
//! file (in parallel), counted per section with the first examples, and
//! rendered as JSON or markdown (the CLI prints text itself). Used by
//! `pyexplain map` and the server's `pyexplain.courseMap` command. No LSP
//! types, no stdout.

use crate::analysis::args::{Args, Key};
use crate::analysis::ids::NoteId;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::{json, Value};

use crate::analysis::{sections_in, Encoding, Parsed};
use crate::files::{self, Unreadable};
use crate::knowledge::{knowledge, Chapter, Lang, Note};

/// How many examples a section keeps (the first ones, by path then position).
pub const MAX_EXAMPLES: usize = 3;

/// Where a section is exercised: 1-based line, column in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub path: PathBuf,
    /// In a notebook: the 1-based cell, which `line` and `column` count in.
    pub cell: Option<u32>,
    pub line: u32,
    pub column: u32,
}

impl Example {
    /// `a.py:12`, or `nb.ipynb:cell 3:2` in a notebook.
    pub fn place(&self) -> String {
        match self.cell {
            Some(cell) => format!("{}:cell {cell}:{}", self.path.display(), self.line),
            None => format!("{}:{}", self.path.display(), self.line),
        }
    }
}

/// One note's tally.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Constructs that show this note on hover.
    pub count: usize,
    /// The first [`MAX_EXAMPLES`] of them, by path then position.
    pub examples: Vec<Example>,
}

/// The sections a set of files exercises.
#[derive(Debug, Default)]
pub struct CourseMap {
    /// Files analysed (read, UTF-8).
    pub files: usize,
    /// By note id.
    pub tallies: HashMap<NoteId, Tally>,
    /// Files skipped with a warning (not UTF-8).
    pub skipped: Vec<(PathBuf, String)>,
    /// Files that could not be read.
    pub errors: Vec<(PathBuf, String)>,
}

/// A section of the course with its tally (zero if not exercised).
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub note: &'a Note,
    pub count: usize,
    pub examples: &'a [Example],
}

/// A chapter with its sections, in course order; or, last, the supplement
/// beyond the course outline with its notes (`S.1` …).
#[derive(Debug, Clone)]
pub struct ChapterRows<'a> {
    /// The chapter number; `None` for the supplement.
    pub number: Option<u8>,
    /// `Chapter 12 Coroutines and async I/O`, or the supplement's title.
    pub title: &'a str,
    pub rows: Vec<Row<'a>>,
}

impl ChapterRows<'_> {
    /// Sections of this chapter exercised at least once.
    pub fn exercised(&self) -> usize {
        self.rows.iter().filter(|r| r.count > 0).count()
    }
}

/// Maps `files` (as [`files::collect`] lists them), in parallel; `done` counts
/// the files finished, for a progress display.
pub fn map_files(files: &[PathBuf], done: &AtomicUsize) -> CourseMap {
    map_files_until(files, done, &AtomicBool::new(false), files::MAX_SOURCE).unwrap_or_default()
}

/// [`map_files`], stopping early (`None`) once `stop` is set (between
/// files), and skipping files larger than `max_size` bytes.
pub fn map_files_until(
    files: &[PathBuf],
    done: &AtomicUsize,
    stop: &AtomicBool,
    max_size: u64,
) -> Option<CourseMap> {
    // One project: the files import each other through it.
    let project = crate::project::Project::for_batch();
    let contexts = project.contexts(files);
    let results: Vec<(&PathBuf, Result<FileTallies, Unreadable>)> = files
        .par_iter()
        .zip(&contexts)
        .map(|(path, context)| {
            let r = if stop.load(Ordering::Relaxed) {
                Err(Unreadable::Skipped("stopped".into()))
            } else {
                map_file(path, max_size, context)
            };
            done.fetch_add(1, Ordering::Relaxed);
            (path, r)
        })
        .collect();
    if stop.load(Ordering::Relaxed) {
        return None;
    }
    let mut map = CourseMap::default();
    // `files` is sorted: merging in order keeps the first examples first.
    for (path, result) in results {
        match result {
            Ok(tallies) => {
                map.files += 1;
                for (note, t) in tallies {
                    let total = map.tallies.entry(note).or_default();
                    total.count += t.count;
                    let room = MAX_EXAMPLES.saturating_sub(total.examples.len());
                    total.examples.extend(t.examples.into_iter().take(room));
                }
            }
            Err(Unreadable::Skipped(why)) => map.skipped.push((path.clone(), why)),
            Err(Unreadable::Error(why)) => map.errors.push((path.clone(), why)),
        }
    }
    Some(map)
}

/// One file's tallies by note id, in the order the notes first occur.
type FileTallies = Vec<(NoteId, Tally)>;

fn map_file(
    path: &Path,
    max_size: u64,
    context: &crate::analysis::ModuleContext,
) -> Result<FileTallies, Unreadable> {
    let text = files::read(path)?;
    let notebook = if path.extension().is_some_and(|x| x == "ipynb") {
        let nb = crate::notebook::Notebook::parse(text.clone()).map_err(|e| match e {
            crate::notebook::NotebookError::Invalid(_) => Unreadable::Error(e.to_string()),
            _ => Unreadable::Skipped(format!("skipped: {e}")),
        })?;
        Some(crate::notebook::Module::new(&nb.code_cells()))
    } else {
        None
    };
    if text.len() as u64 > max_size {
        return Err(Unreadable::Skipped(format!(
            "skipped: larger than {max_size} bytes"
        )));
    }
    let text = match &notebook {
        Some(m) => m.text.clone(),
        None => text,
    };
    let parsed = Parsed::new(text).with_context(context.clone());
    let mut out: Vec<(NoteId, Tally)> = Vec::new();
    let mut index: HashMap<NoteId, usize> = HashMap::new();
    for o in sections_in(&parsed) {
        if notebook.as_ref().is_some_and(|m| m.masked(o.offset)) {
            continue;
        }
        let i = *index.entry(o.note.clone()).or_insert_with(|| {
            out.push((o.note.clone(), Tally::default()));
            out.len() - 1
        });
        let Some((_, tally)) = out.get_mut(i) else {
            continue;
        };
        tally.count += 1;
        if tally.examples.len() < MAX_EXAMPLES {
            let (cell, lc) = match notebook
                .as_ref()
                .and_then(|m| Some((m, m.line_col(o.offset, Encoding::Chars)?)))
            {
                Some((m, (c, lc))) => (Some(m.cells[c].index as u32 + 1), lc),
                None => (None, parsed.line_col(o.offset, Encoding::Chars)),
            };
            tally.examples.push(Example {
                // `pyexplain map .` walks `./a.py`: show `a.py`.
                path: path.strip_prefix(".").unwrap_or(path).to_path_buf(),
                cell,
                line: lc.line + 1,
                column: lc.col + 1,
            });
        }
    }
    Ok(out)
}

impl CourseMap {
    /// Every chapter of the course with every section, in course order,
    /// then the supplement with every note (if it has any).
    pub fn chapters(&self, lang: Lang) -> Vec<ChapterRows<'_>> {
        let k = knowledge();
        let row = |note: &'static Note| {
            let tally = self.tallies.get(&note.id);
            Row {
                note,
                count: tally.map_or(0, |t| t.count),
                examples: tally.map_or(&[], |t| t.examples.as_slice()),
            }
        };
        let mut chapters: Vec<&Chapter> = k
            .chapters
            .iter()
            .filter(|c| c.lang == lang && !c.supplement)
            .collect();
        chapters.sort_by_key(|c| c.number);
        let mut out: Vec<ChapterRows> = chapters
            .into_iter()
            .map(|chapter| ChapterRows {
                number: Some(chapter.number),
                title: &chapter.title,
                rows: k
                    .course_notes_in(lang)
                    .filter(|n| n.section.chapter == chapter.number)
                    .map(row)
                    .collect(),
            })
            .collect();
        let supplement: Vec<Row> = k.supplement_notes_in(lang).map(row).collect();
        if !supplement.is_empty() {
            out.push(ChapterRows {
                number: None,
                title: k.ui(lang, "ui.map-supplement"),
                rows: supplement,
            });
        }
        out
    }

    /// (sections exercised, sections in the course); the supplement is not
    /// part of the course and not counted.
    pub fn coverage(&self, lang: Lang) -> (usize, usize) {
        let notes: Vec<&Note> = knowledge().course_notes_in(lang).collect();
        let exercised = notes
            .iter()
            .filter(|n| self.tallies.get(&n.id).is_some_and(|t| t.count > 0))
            .count();
        (exercised, notes.len())
    }

    /// The summary line: `7 of 74 sections in 3 files`.
    pub fn summary(&self, lang: Lang) -> String {
        let (n, total) = self.coverage(lang);
        let key = if self.files == 1 {
            "ui.map-summary-one"
        } else {
            "ui.map-summary"
        };
        let args = Args::new()
            .with(Key::N, n)
            .with(Key::Total, total)
            .with(Key::Files, self.files);
        crate::render::fill(lang, key, &args).unwrap_or_default()
    }

    /// The JSON document of `pyexplain map --format json` (`schema` 1):
    /// files scanned, per chapter how many sections are exercised, the same
    /// for the supplement (`supplement`, absent without one), and per
    /// section (only exercised ones unless `all`) its tally; a supplement
    /// note's `chapter` is `null`.
    pub fn to_json(&self, lang: Lang, all: bool) -> Value {
        let chapters = self.chapters(lang);
        let (exercised, total) = self.coverage(lang);
        let summary = |c: &ChapterRows| {
            json!({
                "chapter": c.number,
                "title": c.title,
                "sections_total": c.rows.len(),
                "sections_exercised": c.exercised(),
            })
        };
        let chapter_list: Vec<Value> = chapters
            .iter()
            .filter(|c| c.number.is_some())
            .map(summary)
            .collect();
        let supplement = chapters.iter().find(|c| c.number.is_none()).map(|c| {
            json!({
                "title": c.title,
                "sections_total": c.rows.len(),
                "sections_exercised": c.exercised(),
            })
        });
        let sections: Vec<Value> = chapters
            .iter()
            .flat_map(|c| c.rows.iter())
            .filter(|r| all || r.count > 0)
            .map(|r| {
                json!({
                    "id": r.note.section.to_string(),
                    "note": r.note.id,
                    "title": r.note.title,
                    "chapter": (!r.note.section.is_supplement()).then_some(r.note.section.chapter),
                    "supplement": r.note.section.is_supplement(),
                    "count": r.count,
                    "examples": r.examples.iter().map(|e| {
                        let mut example = json!({
                            "path": e.path.display().to_string(),
                            "line": e.line,
                            "column": e.column,
                        });
                        if let (Some(cell), Some(obj)) = (e.cell, example.as_object_mut()) {
                            obj.insert("cell".into(), json!(cell));
                        }
                        example
                    }).collect::<Vec<_>>(),
                })
            })
            .collect();
        let mut doc = json!({
            "schema": 1,
            "lang": lang.code(),
            "files": self.files,
            "sections_total": total,
            "sections_exercised": exercised,
            "chapters": chapter_list,
            "sections": sections,
        });
        if let (Some(s), Some(obj)) = (supplement, doc.as_object_mut()) {
            obj.insert("supplement".into(), s);
        }
        doc
    }

    /// A markdown document: a heading per chapter, a table per chapter
    /// (section, count, first example). `links` names the files.
    pub fn to_markdown(&self, lang: Lang, all: bool, links: &Links) -> String {
        let k = knowledge();
        let mut out = format!(
            "# {}\n\n{}\n",
            k.ui(lang, "ui.map-title"),
            self.summary(lang)
        );
        for line in &links.preamble {
            out.push_str(&format!("\n{line}\n"));
        }
        for c in self.chapters(lang) {
            let rows: Vec<&Row> = c.rows.iter().filter(|r| all || r.count > 0).collect();
            if rows.is_empty() {
                continue;
            }
            out.push_str(&format!(
                "\n## {} ({}/{})\n\n| {} | {} | {} |\n|---|---:|---|\n",
                c.title,
                c.exercised(),
                c.rows.len(),
                k.ui(lang, "ui.map-section"),
                k.ui(lang, "ui.map-count"),
                k.ui(lang, "ui.map-example"),
            ));
            for r in rows {
                let title = table_cell(&format!("§{} {}", r.note.section, r.note.title));
                let section = match (links.section)(r.note) {
                    Some(target) => format!("[{title}]({target})"),
                    None => title,
                };
                let example = r.examples.first().map_or_else(
                    || "—".to_string(),
                    |e| {
                        let (text, target) = (links.example)(e);
                        let text = table_cell(&text);
                        match target {
                            Some(t) => format!("[{text}]({t})"),
                            None => text,
                        }
                    },
                );
                out.push_str(&format!(
                    "| {section} `{}` | {} | {example} |\n",
                    r.note.id, r.count
                ));
            }
        }
        out
    }
}

/// How the markdown names things: lines after the summary, a link target
/// for a section's note (if any), and an example's text and link target.
pub struct Links<'a> {
    pub preamble: Vec<String>,
    pub section: &'a dyn Fn(&Note) -> Option<String>,
    pub example: &'a dyn Fn(&Example) -> (String, Option<String>),
}

/// Text safe inside a markdown table cell.
fn table_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A link destination for a path (`<...>` so spaces are allowed).
pub fn link_destination(target: &str) -> String {
    format!(
        "<{}>",
        target
            .replace('<', "%3C")
            .replace('>', "%3E")
            .replace('\n', "")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_merge_in_path_order_and_keep_three_examples() {
        let dir = std::env::temp_dir().join(format!("pyexplain-map-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let body = "async def f():\n    await g()\n    await g()\n";
        std::fs::write(dir.join("b.py"), body).unwrap();
        std::fs::write(dir.join("a.py"), body).unwrap();
        std::fs::write(dir.join("c.py"), b"s = '\xe9'\n").unwrap();
        let (files, errors) =
            files::collect(std::slice::from_ref(&dir), &files::Exclusions::default());
        assert!(errors.is_empty());
        let map = map_files(&files, &AtomicUsize::new(0));
        assert_eq!(map.files, 2);
        assert_eq!(map.skipped.len(), 1);
        type Summary = (NoteId, usize, Vec<(String, u32)>);
        let rows: Vec<Summary> = map
            .chapters(Lang::En)
            .into_iter()
            .flat_map(|c| c.rows)
            .filter(|r| r.count > 0)
            .map(|r| {
                (
                    r.note.id.clone(),
                    r.count,
                    r.examples
                        .iter()
                        .map(|e| {
                            (
                                e.path.file_name().unwrap().to_string_lossy().into_owned(),
                                e.line,
                            )
                        })
                        .collect(),
                )
            })
            .collect();
        assert!(!rows.is_empty());
        for (note, count, examples) in &rows {
            assert_eq!(count % 2, 0, "{note}: each file counts the same");
            assert!(examples.len() <= MAX_EXAMPLES);
            assert_eq!(examples[0].0, "a.py", "{note}: a.py comes first");
            let mut sorted = examples.clone();
            sorted.sort();
            assert_eq!(&sorted, examples, "{note}: by path then line");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
