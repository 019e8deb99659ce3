//! The command-line client: `check`, `map`, `explain`, `notes`, `note`, `rule`. Same
//! core as the server. The only module (with `main.rs`) that writes to stdout.

pub mod check;
pub mod map;

use std::io::Write;
use std::path::Path;

use clap::{Parser, Subcommand, ValueEnum};
use serde_json::json;

use crate::analysis::rules;
use crate::analysis::{self, Encoding, LineCol, Parsed};
use crate::hover::{self, Subject};
use crate::knowledge::{knowledge, Lang};
use crate::render::{self, Verbosity};

#[derive(Debug, Parser)]
#[command(
    name = "pyexplain",
    version = crate::version_string(),
    about = "Explains advanced Python constructs with the notes of a course, in your editor (LSP) or here."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the language server over stdin/stdout.
    Server,
    /// Check files and directories for the pitfalls the course warns about.
    Check(check::CheckOptions),
    /// Show which sections of the course files and directories exercise.
    Map(map::MapOptions),
    /// Print a rule's documentation (or list the rules).
    Rule {
        id: Option<String>,
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
    },
    /// Print the note for the construct at FILE:LINE:COL (1-based; COL counts
    /// characters), or NOTEBOOK.ipynb:CELL:LINE:COL (CELL counts every cell from 1).
    Explain {
        /// FILE:LINE:COL, e.g. examples/generators.py:12:20, or nb.ipynb:3:2:5
        location: String,
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Print the whole note instead of the hover excerpt.
        #[arg(long)]
        full: bool,
        /// The triggers to answer for, as the editor's `hover.level`:
        /// core, usage (the default) or everyday.
        #[arg(long, value_enum, default_value_t = LevelArg::Usage)]
        level: LevelArg,
    },
    /// List every note: section, id and title (the course's, then the supplement's, `S.n`).
    Notes {
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print one whole note, by section (12.6, S.3) or id (yield-from).
    Note {
        key: String,
        #[arg(long, value_enum)]
        lang: Option<LangArg>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// File selection, shared by `check` and `map` (as ruff's).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FileArgs {
    /// Glob patterns of files and directories to leave out (comma-separated);
    /// replaces `exclude` of pyproject.toml and the default excludes (.git,
    /// .venv, venv, site-packages, build, dist, node_modules, ...).
    #[arg(long, value_delimiter = ',', value_name = "PATTERNS")]
    pub exclude: Option<Vec<String>>,
    /// Like --exclude, but added to what is excluded already.
    #[arg(long, value_delimiter = ',', value_name = "PATTERNS")]
    pub extend_exclude: Vec<String>,
    /// Apply the exclusions to the paths given on the command line too.
    #[arg(long)]
    pub force_exclude: bool,
}

impl FileArgs {
    /// The exclusions, once every pattern is known to be a valid glob.
    pub fn exclusions(&self) -> Result<crate::files::Exclusions, String> {
        for (option, patterns) in [
            ("--exclude", self.exclude.as_deref().unwrap_or_default()),
            ("--extend-exclude", &self.extend_exclude),
        ] {
            for p in patterns {
                crate::files::check_pattern(p).map_err(|e| format!("{option}: {e}"))?;
            }
        }
        Ok(crate::files::Exclusions {
            exclude: self.exclude.clone(),
            extend_exclude: self.extend_exclude.clone(),
            force_exclude: self.force_exclude,
        })
    }

    /// The Python files under `paths` that these options select, each
    /// problem said on `err`: `None` when a pattern is invalid (a usage
    /// error), else the files and the paths that could not be walked.
    pub fn collect(
        &self,
        paths: &[std::path::PathBuf],
        err: &mut impl Write,
    ) -> std::io::Result<Option<(Vec<std::path::PathBuf>, Vec<String>)>> {
        let exclusions = match self.exclusions() {
            Ok(e) => e,
            Err(e) => {
                writeln!(err, "pyexplain: {e}")?;
                return Ok(None);
            }
        };
        let (files, walk_errors) = crate::files::collect(paths, &exclusions);
        for e in &walk_errors {
            writeln!(err, "pyexplain: {e}")?;
        }
        Ok(Some((files, walk_errors)))
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    Core,
    Usage,
    Everyday,
}

impl LevelArg {
    fn level(self) -> analysis::Level {
        match self {
            LevelArg::Core => analysis::Level::Core,
            LevelArg::Usage => analysis::Level::Usage,
            LevelArg::Everyday => analysis::Level::Everyday,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// `--lang`, then the environment, then English.
fn lang(arg: Option<LangArg>) -> Lang {
    match arg {
        Some(LangArg::Zh) => Lang::Zh,
        Some(LangArg::En) => Lang::En,
        None => Lang::from_env().unwrap_or(Lang::En),
    }
}

/// Exit codes: 0 success, 1 nothing to explain there / no such note, 2 usage or I/O error.
pub fn run(command: Command) -> i32 {
    let mut out = std::io::stdout().lock();
    let result = match command {
        Command::Server => unreachable_server(),
        Command::Explain {
            location,
            lang: l,
            format,
            full,
            level,
        } => explain(
            &mut out,
            &location,
            l.map(|l| lang(Some(l))),
            format,
            full,
            level.level(),
        ),
        Command::Notes { lang: l, format } => notes(&mut out, lang(l), format),
        Command::Check(opts) => {
            let selection = crate::analysis::rules::Selection {
                select: opts.select.clone().unwrap_or_default(),
                ignore: opts.ignore.clone().unwrap_or_default(),
            };
            if let Err(e) = crate::config::validate(&selection) {
                return usage(&e);
            }
            check::run(&opts, &mut out).map_err(CliError::Io)
        }
        Command::Map(opts) => map::run(&opts, &mut out).map_err(CliError::Io),
        Command::Rule { id, lang: l } => rule(&mut out, id.as_deref(), lang(l)),
        Command::Note {
            key,
            lang: l,
            format,
        } => note(&mut out, &key, lang(l), format),
    };
    match result {
        Ok(code) => code,
        Err(CliError::Usage(msg)) => {
            let _ = writeln!(std::io::stderr(), "pyexplain: {msg}");
            2
        }
        Err(CliError::Nothing(msg)) => {
            let _ = writeln!(std::io::stderr(), "pyexplain: {msg}");
            1
        }
        // A closed pipe (`pyexplain notes | head`) is not an error worth a message.
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(CliError::Io(e)) => {
            let _ = writeln!(std::io::stderr(), "pyexplain: {e}");
            2
        }
    }
}

/// `1 line`, `2 lines`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn usage(msg: &str) -> i32 {
    let _ = writeln!(std::io::stderr(), "pyexplain: {msg}");
    2
}

fn rule(out: &mut impl Write, id: Option<&str>, lang: Lang) -> Result<i32, CliError> {
    use crate::analysis::rules::RULES;
    match id {
        None => {
            for r in RULES {
                let section = render::rule_section(r.id).unwrap_or_default();
                writeln!(out, "{:<32} §{section:<6} {}", r.id, r.severity.as_str())?;
            }
            Ok(0)
        }
        Some(id) => match rules::rule_by_name(id).and_then(|r| render::rule_doc_full(r.id, lang)) {
            Some(doc) => {
                write!(out, "{doc}")?;
                Ok(0)
            }
            None => Err(CliError::Nothing(format!(
                "no rule `{id}` (see `pyexplain rule`)"
            ))),
        },
    }
}

fn unreachable_server() -> Result<i32, CliError> {
    Err(CliError::Usage("the server is started by main".into()))
}

#[derive(Debug)]
enum CliError {
    Usage(String),
    Nothing(String),
    Io(std::io::Error),
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        CliError::Io(e)
    }
}

/// A place to explain: the file, the notebook cell (1-based, every cell
/// counted), the 1-based line and column.
struct Location<'a> {
    file: &'a str,
    cell: Option<u32>,
    line: u32,
    col: u32,
}

/// `FILE:LINE:COL`, or for a notebook `FILE:CELL:LINE:COL` (the cell
/// written `3` or, as `check` prints it, `cell 3`).
fn parse_location(location: &str) -> Result<Location<'_>, CliError> {
    let (file, line, col) = parse_file_line_col(location)?;
    let notebook = |f: &str| f.to_ascii_lowercase().ends_with(".ipynb");
    if let Some((nb, cell)) = file.rsplit_once(':').filter(|(f, _)| notebook(f)) {
        let cell = cell.trim();
        let cell = cell.strip_prefix("cell").unwrap_or(cell).trim();
        return match cell.parse::<u32>() {
            Ok(n) if n > 0 => Ok(Location {
                file: nb,
                cell: Some(n),
                line,
                col,
            }),
            _ => Err(CliError::Usage(format!(
                "expected NOTEBOOK:CELL:LINE:COL (1-based), got `{location}`"
            ))),
        };
    }
    if notebook(file) {
        return Err(CliError::Usage(format!(
            "a place in a notebook is NOTEBOOK:CELL:LINE:COL (1-based), got `{location}`"
        )));
    }
    Ok(Location {
        file,
        cell: None,
        line,
        col,
    })
}

/// Splits `FILE:LINE:COL` from the right, so paths may contain colons.
fn parse_file_line_col(location: &str) -> Result<(&str, u32, u32), CliError> {
    let bad = || {
        CliError::Usage(format!(
            "expected FILE:LINE:COL (1-based), got `{location}`"
        ))
    };
    let mut parts = location.rsplitn(3, ':');
    let col = parts.next().ok_or_else(bad)?;
    let line = parts.next().ok_or_else(bad)?;
    let file = parts.next().filter(|f| !f.is_empty()).ok_or_else(bad)?;
    let line: u32 = line.trim().parse().map_err(|_| bad())?;
    let col: u32 = col.trim().parse().map_err(|_| bad())?;
    if line == 0 || col == 0 {
        return Err(bad());
    }
    Ok((file, line, col))
}

/// A source file's text: a regular file (not a FIFO or a device), at most
/// [`crate::files::MAX_SOURCE`] bytes, UTF-8.
fn read_source(path: &str) -> Result<String, CliError> {
    crate::files::read(Path::new(path)).map_err(|e| match e {
        crate::files::Unreadable::Error(e) => CliError::Usage(format!("cannot read {path}: {e}")),
        crate::files::Unreadable::Skipped(why) => {
            CliError::Usage(format!("{path}: {}", why.trim_start_matches("skipped: ")))
        }
    })
}

/// `explain`: the language is `--lang`, then `[tool.pyexplain] language`,
/// then the environment (as for `check`).
fn explain(
    out: &mut impl Write,
    location: &str,
    lang: Option<Lang>,
    format: Format,
    full: bool,
    level: analysis::Level,
) -> Result<i32, CliError> {
    let Location {
        file: path,
        cell,
        line,
        col,
    } = parse_location(location)?;
    // The configuration of the file's directory, as `check` reads it.
    let absolute = std::path::absolute(path).unwrap_or_else(|_| Path::new(path).to_path_buf());
    let dir = absolute.parent().unwrap_or(Path::new("."));
    let config = crate::config::load_for(dir).map_err(CliError::Usage)?;
    let lang = lang
        .or(config.language)
        .or_else(Lang::from_env)
        .unwrap_or(Lang::En);
    let project = crate::project::Project::new();
    let context = project.context_for(Path::new(path));
    // A notebook: its code cells as one module, the place in one cell.
    let (parsed, notebook, code_cell) = match cell {
        Some(cell) => {
            let nb = check::read_notebook(Path::new(path)).map_err(|e| match e {
                crate::files::Unreadable::Error(e) | crate::files::Unreadable::Skipped(e) => {
                    CliError::Usage(format!("{path}: {}", e.trim_start_matches("skipped: ")))
                }
            })?;
            let module = crate::notebook::Module::new(&nb.code_cells());
            let Some(code_cell) = module
                .cells
                .iter()
                .position(|c| c.index + 1 == cell as usize)
            else {
                let why = if cell as usize > nb.cells.len() {
                    format!("{path} has {}", count(nb.cells.len(), "cell", "cells"))
                } else {
                    format!("cell {cell} of {path} is not a code cell")
                };
                return Err(CliError::Usage(why));
            };
            let parsed = Parsed::new(module.text.clone()).with_context(context);
            (parsed, Some(module), Some(code_cell))
        }
        None => (
            Parsed::new(read_source(path)?).with_context(context),
            None,
            None,
        ),
    };
    // The text and lines the place counts in: the file's, or the cell's.
    let (text, lines, place) = match (&notebook, code_cell) {
        (Some(m), Some(c)) => (
            m.cells[c].text.as_str(),
            &m.cells[c].lines,
            format!("{path}:cell {}", cell.unwrap_or_default()),
        ),
        _ => (parsed.text.as_str(), &parsed.lines, path.to_string()),
    };
    let line0 = line - 1;
    let Some(content) = lines.line_range(text, line0 as usize) else {
        return Err(CliError::Usage(format!(
            "{place} has {}; line {line} is out of range",
            count(lines.line_count(), "line", "lines")
        )));
    };
    let width = text[content].chars().count() as u32;
    if col - 1 > width {
        return Err(CliError::Usage(format!(
            "line {line} of {place} has {}; column {col} is out of range",
            count(width as usize, "character", "characters")
        )));
    }
    let pos = LineCol {
        line: line0,
        col: col - 1,
    };
    let offset = match (&notebook, code_cell) {
        (Some(m), Some(c)) => m.offset_of(c, pos, Encoding::Chars).unwrap_or_default(),
        _ => parsed.offset(pos, Encoding::Chars),
    };
    // Nothing in a notebook's magics and shell escapes is Python.
    let masked = notebook.as_ref().is_some_and(|m| m.masked(offset));
    // As the editor's hover: inside a finding (of the rules the file's
    // pyproject.toml selects) the rule, else the construct's note.
    let findings = rules::check(&parsed, &config.selection);
    let findings = match &notebook {
        Some(m) => m.reported(findings),
        None => findings,
    };
    let subject = hover::subject_at(&parsed, &findings, offset, level)
        .filter(|s| !notebook.as_ref().is_some_and(|m| m.masked(s.range().start)));
    let Some(subject) = subject.filter(|_| !masked) else {
        let hint = match analysis::explain_at(&parsed, offset) {
            Some(_) if !masked => " at this level (--level everyday shows every trigger)",
            _ => "",
        };
        return Err(CliError::Nothing(format!(
            "nothing at {place}:{line}:{col} has a note{hint}"
        )));
    };
    let k = knowledge();
    let note_id = match &subject {
        Subject::Rule(d) => rules::rule(d.rule).map(|r| &r.note),
        Subject::Note(expl) => Some(&expl.note),
    };
    let Some(note) = note_id.and_then(|id| k.note(id, lang)) else {
        let id = note_id.map(|id| id.to_string()).unwrap_or_default();
        return Err(CliError::Nothing(format!("no note `{id}`")));
    };
    let range = subject.range();
    let at = |offset: usize| match &notebook {
        Some(m) => m
            .line_col(offset, Encoding::Chars)
            .map_or_else(|| parsed.line_col(offset, Encoding::Chars), |(_, lc)| lc),
        None => parsed.line_col(offset, Encoding::Chars),
    };
    let (start, end) = (at(range.start), at(range.end));
    let (markdown, header, rule, message, context) = match &subject {
        Subject::Rule(d) => {
            let message = render::diagnostic_message(d, lang);
            let markdown = if full {
                render::rule_doc_full(d.rule, lang).map(|doc| format!("{message}\n\n{doc}"))
            } else {
                render::rule_hover(d, lang)
            };
            let header = format!("{} [§{}]", d.rule, note.section);
            (markdown, header, Some(d.rule), Some(message), None)
        }
        Subject::Note(expl) => {
            let context = render::context_sentence(expl, lang);
            let markdown = if full {
                let s = render::full_note(note, lang);
                Some(match &context {
                    Some(sentence) => format!("{sentence}\n\n{s}"),
                    None => s,
                })
            } else {
                render::hover_markdown(expl, lang, Verbosity::Full)
            };
            let header = format!("§{} {} [{}]", note.section, note.title, note.id);
            (markdown, header, None, None, context)
        }
    };
    let markdown = markdown.unwrap_or_default();
    match format {
        Format::Text => {
            writeln!(
                out,
                "{place}:{}:{}: {header}\n",
                start.line + 1,
                start.col + 1
            )?;
            writeln!(out, "{}", markdown.trim_end())?;
        }
        Format::Json => {
            let mut value = json!({
                "file": path,
                "kind": if rule.is_some() { "rule" } else { "note" },
                "rule": rule,
                "section": note.section.to_string(),
                "id": note.id,
                "title": note.title,
                "lang": lang.code(),
                "level": match &subject {
                    Subject::Note(expl) => Some(expl.level.name()),
                    Subject::Rule(_) => None,
                },
                // Other sections whose triggers apply here (listed first
                // among the related ones).
                "also": match &subject {
                    Subject::Note(expl) => expl
                        .also
                        .iter()
                        .filter_map(|id| knowledge().note(id, lang))
                        .map(|n| n.section.to_string())
                        .collect::<Vec<_>>(),
                    Subject::Rule(_) => Vec::new(),
                },
                "range": {
                    "start": {"line": start.line + 1, "col": start.col + 1},
                    "end": {"line": end.line + 1, "col": end.col + 1},
                },
                "message": message,
                "context": context,
                "markdown": markdown,
            });
            // In a notebook the range counts in this 1-based cell.
            if let (Some(cell), Some(obj)) = (cell, value.as_object_mut()) {
                obj.insert("cell".into(), json!(cell));
            }
            writeln!(out, "{value:#}")?;
        }
    }
    Ok(0)
}

fn notes(out: &mut impl Write, lang: Lang, format: Format) -> Result<i32, CliError> {
    let k = knowledge();
    match format {
        Format::Text => {
            for note in k.notes_in(lang) {
                writeln!(out, "§{:<6} {:<28} {}", note.section, note.id, note.title)?;
            }
        }
        Format::Json => {
            let list: Vec<_> = k
                .notes_in(lang)
                .map(|n| {
                    json!({"section": n.section.to_string(), "id": n.id, "title": n.title,
                           "summary": n.summary, "supplement": n.section.is_supplement()})
                })
                .collect();
            writeln!(out, "{:#}", serde_json::Value::Array(list))?;
        }
    }
    Ok(0)
}

fn note(out: &mut impl Write, key: &str, lang: Lang, format: Format) -> Result<i32, CliError> {
    let k = knowledge();
    let Some(note) = k.note_by_key(key.trim_start_matches('§'), lang) else {
        return Err(CliError::Nothing(format!(
            "no note `{key}` (see `pyexplain notes`)"
        )));
    };
    match format {
        Format::Text => write!(out, "{}", render::full_note(note, lang))?,
        Format::Json => writeln!(
            out,
            "{:#}",
            json!({"section": note.section.to_string(), "id": note.id, "title": note.title,
                   "summary": note.summary, "supplement": note.section.is_supplement(),
                   "markdown": render::full_note(note, lang)})
        )?,
    }
    Ok(0)
}
