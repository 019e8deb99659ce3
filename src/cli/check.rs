//! `pyexplain check PATH...`: the rules over files and directories, in
//! parallel, with ruff-like output.

use crate::analysis::args::{self, Arg, Args, Key};
use crate::analysis::ids::RuleId;
use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use rayon::prelude::*;
use serde_json::{json, Value};

use crate::analysis::rules::{self, Diagnostic, Safety, Selection};
use crate::analysis::{Encoding, ModuleContext, Parsed};
use crate::config::{self, Config};
use crate::files::Unreadable;
use crate::knowledge::Lang;
use crate::notebook::{self, Module, Notebook, NotebookError};
use crate::project::Project;
use crate::render;

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
    Github,
    Sarif,
}

/// Options of one `check` run (the `check` subcommand's arguments).
#[derive(Debug, Clone, clap::Args)]
pub struct CheckOptions {
    /// Files or directories (directories are walked for *.py and *.ipynb, respecting .gitignore and the exclusions).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Apply safe fixes in place.
    #[arg(long)]
    pub fix: bool,
    /// With --fix, apply unsafe fixes too.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Only these rules (comma-separated ids, or ALL); overrides pyproject.toml.
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Skip these rules (comma-separated ids); overrides pyproject.toml.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Option<Vec<String>>,
    /// Print the number of findings per rule instead of the findings
    /// (a table, or JSON with --format json).
    #[arg(long)]
    pub statistics: bool,
    #[arg(long, value_enum)]
    pub lang: Option<super::LangArg>,
    #[command(flatten)]
    pub files: super::FileArgs,
}

/// The outcome for one file.
struct FileResult {
    path: PathBuf,
    /// The text the diagnostics refer to (after fixes), if it could be read.
    parsed: Option<Parsed>,
    /// For a notebook: its code cells as that text.
    notebook: Option<Module>,
    diagnostics: Vec<Diagnostic>,
    fixed: usize,
    error: Option<String>,
    warning: Option<String>,
}

/// Runs `check`; returns the exit code (0 clean, 1 findings, 2 usage or I/O error).
pub fn run(opts: &CheckOptions, out: &mut impl Write) -> std::io::Result<i32> {
    let mut err = std::io::stderr();
    let mut usage_error = false;
    if opts.statistics && matches!(opts.format, CheckFormat::Github | CheckFormat::Sarif) {
        writeln!(
            err,
            "pyexplain: --statistics prints a table or JSON: use --format text or json"
        )?;
        return Ok(2);
    }
    let Some((files, walk_errors)) = opts.files.collect(&opts.paths, &mut err)? else {
        return Ok(2);
    };
    usage_error |= !walk_errors.is_empty();
    // One configuration per directory, read once.
    let mut configs: HashMap<PathBuf, Result<Config, String>> = HashMap::new();
    let mut jobs = Vec::with_capacity(files.len());
    for file in files {
        // pyproject.toml is looked up from the file's real location:
        // `check a.py` and `check ./a.py` read the same configuration.
        let absolute = std::path::absolute(&file).unwrap_or_else(|_| file.clone());
        let dir = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
        let config = configs
            .entry(dir.clone())
            .or_insert_with(|| config::load_for(&dir))
            .clone();
        match config {
            Ok(mut c) => {
                if let Some(s) = &opts.select {
                    c.selection.select = s.clone();
                }
                if let Some(i) = &opts.ignore {
                    c.selection.ignore = i.clone();
                }
                jobs.push((file, c));
            }
            Err(e) => {
                // Said already if the walk met it.
                if !walk_errors.contains(&e) {
                    writeln!(err, "pyexplain: {e}")?;
                }
                return Ok(2);
            }
        }
    }
    let lang = opts
        .lang
        .map(|l| super::lang(Some(l)))
        .or_else(|| jobs.first().and_then(|(_, c)| c.language))
        .or_else(Lang::from_env)
        .unwrap_or(Lang::En);
    if jobs.is_empty() && walk_errors.is_empty() {
        let k = crate::knowledge::knowledge();
        writeln!(err, "pyexplain: warning: {}", k.ui(lang, "ui.no-files"))?;
    }

    // One project for the run: files import each other through it.
    let project = Project::for_batch();
    for p in &opts.paths {
        if p.is_dir() {
            project.add_folder(p);
        }
    }
    let paths: Vec<&PathBuf> = jobs.iter().map(|(p, _)| p).collect();
    let contexts = project.contexts(&paths);
    let done = Arc::new(AtomicUsize::new(0));
    let progress = Progress::start("checked", jobs.len(), done.clone());
    let mut results: Vec<FileResult> = jobs
        .par_iter()
        .zip(&contexts)
        .map(|((path, config), context)| {
            let r = check_file(path, &config.selection, opts, lang, context);
            done.fetch_add(1, Ordering::Relaxed);
            r
        })
        .collect();
    progress.stop();
    results.sort_by(|a, b| a.path.cmp(&b.path));

    let mut findings = 0;
    let mut fixed = 0;
    for r in &results {
        if let Some(e) = &r.error {
            writeln!(err, "pyexplain: {}: {e}", r.path.display())?;
            usage_error = true;
        }
        if let Some(w) = &r.warning {
            writeln!(err, "pyexplain: warning: {}: {w}", r.path.display())?;
        }
        findings += r.diagnostics.len();
        fixed += r.fixed;
    }
    if opts.statistics {
        // The table (or its JSON) instead of the findings, as ruff does.
        write_statistics(out, &results, opts.format)?;
    } else {
        match opts.format {
            CheckFormat::Text => write_text(out, &results, lang)?,
            CheckFormat::Json => write_json(out, &results, lang)?,
            CheckFormat::Github => write_github(out, &results, lang)?,
            CheckFormat::Sarif => write_sarif(out, &results, lang)?,
        }
    }
    if opts.format == CheckFormat::Text {
        let k = crate::knowledge::knowledge();
        let n = Args::new().with(Key::N, findings).with(Key::Fixed, fixed);
        let key = match (findings, fixed) {
            // Never "All checks passed." when something could not be checked.
            (0, 0) if usage_error => "ui.check-failed",
            (0, 0) => "ui.check-clean",
            (1, 0) => "ui.check-found-one",
            (_, 0) => "ui.check-found",
            _ => "ui.check-fixed",
        };
        let summary = crate::render::fill(lang, key, &n).unwrap_or_default();
        writeln!(err, "{summary}")?;
        if usage_error && key != "ui.check-failed" {
            writeln!(err, "{}", k.ui(lang, "ui.check-failed"))?;
        }
        if opts.fix && !opts.unsafe_fixes {
            // Say what --fix left for --unsafe-fixes.
            let unsafe_only = results
                .iter()
                .flat_map(|r| &r.diagnostics)
                .filter(|d| d.fix.as_ref().is_some_and(|f| f.safety == Safety::Unsafe))
                .count();
            let key = if unsafe_only == 1 {
                "ui.check-unsafe-only-one"
            } else {
                "ui.check-unsafe-only"
            };
            if unsafe_only > 0 {
                let args = Args::new().with(Key::N, unsafe_only);
                let line = crate::render::fill(lang, key, &args).unwrap_or_default();
                writeln!(err, "{line}")?;
            }
        }
    }
    Ok(if usage_error {
        2
    } else if findings > 0 {
        1
    } else {
        0
    })
}

fn check_file(
    path: &Path,
    selection: &Selection,
    opts: &CheckOptions,
    lang: Lang,
    context: &ModuleContext,
) -> FileResult {
    let mut result = FileResult {
        path: path.to_path_buf(),
        parsed: None,
        notebook: None,
        diagnostics: Vec::new(),
        fixed: 0,
        error: None,
        warning: None,
    };
    if is_notebook(path) {
        check_notebook(&mut result, selection, opts, lang, context);
        return result;
    }
    let text = match crate::files::read(path) {
        Ok(t) => t,
        Err(Unreadable::Error(e)) => {
            result.error = Some(e);
            return result;
        }
        Err(Unreadable::Skipped(w)) => {
            result.warning = Some(w);
            return result;
        }
    };
    let mut parsed = Parsed::new(text).with_context(context.clone());
    let mut diagnostics = rules::check(&parsed, selection);
    if opts.fix {
        match fix_file(
            path,
            parsed,
            diagnostics,
            selection,
            opts.unsafe_fixes,
            lang,
        ) {
            Fixed::Done {
                parsed: p,
                diagnostics: d,
                fixed,
                note,
            } => {
                parsed = p;
                diagnostics = d;
                result.fixed = fixed;
                result.warning = note;
            }
            Fixed::Failed {
                parsed: p,
                diagnostics: d,
                error,
            } => {
                parsed = p;
                diagnostics = d;
                result.error = Some(error);
            }
        }
    }
    // Output needs only the text and line index, and only to place
    // findings: a file without any keeps nothing (the texts of a whole
    // tree are most of a run's memory).
    if !diagnostics.is_empty() {
        parsed.release_tree();
        result.parsed = Some(parsed);
    }
    result.diagnostics = diagnostics;
    result
}

/// Whether a path names a Jupyter notebook.
pub(super) fn is_notebook(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "ipynb")
}

/// Reads a notebook: an unreadable file as [`crate::files::read`] says; an
/// invalid one (not JSON, no cells, a source that is not text) an error;
/// another nbformat or kernel language skipped with a warning.
pub(super) fn read_notebook(path: &Path) -> Result<Notebook, Unreadable> {
    let json = crate::files::read(path)?;
    Notebook::parse(json).map_err(|e| match e {
        NotebookError::Invalid(_) => Unreadable::Error(e.to_string()),
        NotebookError::Version(_) | NotebookError::NotPython(_) => {
            Unreadable::Skipped(format!("skipped: {e}"))
        }
    })
}

/// `check` on a notebook: its code cells as one module; with `--fix`, the
/// fixed cells written back into the file's JSON in place, after checking
/// that the new file parses as the same notebook with the fixed sources.
fn check_notebook(
    result: &mut FileResult,
    selection: &Selection,
    opts: &CheckOptions,
    lang: Lang,
    context: &ModuleContext,
) {
    let path = result.path.clone();
    let nb = match read_notebook(&path) {
        Ok(nb) => nb,
        Err(Unreadable::Error(e)) => {
            result.error = Some(e);
            return;
        }
        Err(Unreadable::Skipped(w)) => {
            result.warning = Some(w);
            return;
        }
    };
    let mut cells = nb.code_cells();
    let mut module = Module::new(&cells);
    let mut parsed = Parsed::new(module.text.clone()).with_context(context.clone());
    let mut diagnostics = module.reported(rules::check(&parsed, selection));
    let allowed = |s: Safety| s == Safety::Safe || opts.unsafe_fixes;
    let fixable = diagnostics
        .iter()
        .any(|d| d.fix.as_ref().is_some_and(|f| allowed(f.safety)));
    if opts.fix && fixable {
        let fixed = notebook::fix_cells(&cells, context, selection, opts.unsafe_fixes);
        match fixed.stopped {
            Some(rules::FixStop::SyntaxErrors) => {
                let place = syntax_error_offset(&parsed)
                    .and_then(|o| module.line_col(o, Encoding::Chars))
                    .map(|(c, lc)| args::Place {
                        line: lc.line + 1,
                        module: None,
                        cell: u32::try_from(module.cells[c].index + 1).ok(),
                    });
                // Without a place, the variant that names none.
                let mut args = Args::new();
                if let Some(p) = place {
                    args.push(Key::Line, Arg::Line(p));
                }
                result.warning = crate::render::fill(lang, "ui.check-not-fixed-syntax", &args);
            }
            Some(rules::FixStop::NoConvergence) => {
                let args = Args::new().with(Key::N, rules::MAX_FIX_ROUNDS);
                result.warning = crate::render::fill(lang, "ui.check-fix-limit", &args);
            }
            None => {}
        }
        if fixed.applied > 0 {
            let changed: Vec<(usize, String)> = fixed
                .cells
                .iter()
                .zip(&cells)
                .filter(|(new, old)| new.text != old.text)
                .map(|(new, _)| (new.index, new.text.clone()))
                .collect();
            let json = nb.with_sources(&changed);
            // Never write what does not read back as the fixed notebook.
            let reads_back =
                Notebook::parse(json.clone()).is_ok_and(|again| again.code_cells() == fixed.cells);
            let target = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            let written = if reads_back {
                crate::files::write_atomic(&target, json.as_bytes()).map_err(|e| e.to_string())
            } else {
                Err("the fixed notebook did not read back as written".into())
            };
            match written {
                Ok(()) => {
                    result.fixed = fixed.applied;
                    cells = fixed.cells;
                    module = Module::new(&cells);
                    parsed = Parsed::new(module.text.clone()).with_context(context.clone());
                    diagnostics = module.reported(rules::check(&parsed, selection));
                }
                Err(e) => {
                    result.error = Some(format!(
                        "cannot write fixes ({} not applied; the file is unchanged): {e}",
                        fixed.applied
                    ));
                }
            }
        }
    }
    if !diagnostics.is_empty() {
        parsed.release_tree();
        result.parsed = Some(parsed);
        result.notebook = Some(module);
    }
    result.diagnostics = diagnostics;
}

/// What `--fix` did to one file.
enum Fixed {
    /// Written (or nothing to do); `note`: a warning to print (not fixed
    /// because of syntax errors, or the bound was hit).
    Done {
        parsed: Parsed,
        diagnostics: Vec<Diagnostic>,
        fixed: usize,
        note: Option<String>,
    },
    /// The write failed: the file is as it was (these are its findings).
    Failed {
        parsed: Parsed,
        diagnostics: Vec<Diagnostic>,
        error: String,
    },
}

/// Applies the fixes to convergence ([`rules::fix_all`]: round by round
/// until none applies, at most [`rules::MAX_FIX_ROUNDS`] rounds, said when
/// hit), then writes the file atomically. A file with syntax errors is not
/// fixed (said, with the line): a fix computed on an error-recovered tree
/// can land anywhere.
fn fix_file(
    path: &Path,
    original: Parsed,
    diagnostics: Vec<Diagnostic>,
    selection: &Selection,
    unsafe_fixes: bool,
    lang: Lang,
) -> Fixed {
    let allowed = |s: Safety| s == Safety::Safe || unsafe_fixes;
    let has_fix = |ds: &[Diagnostic]| {
        ds.iter()
            .any(|d| d.fix.as_ref().is_some_and(|f| allowed(f.safety)))
    };
    if !has_fix(&diagnostics) {
        return Fixed::Done {
            parsed: original,
            diagnostics,
            fixed: 0,
            note: None,
        };
    }
    if let Some(line) = syntax_error_line(&original) {
        let line = Arg::Line(args::Place {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            module: None,
            cell: None,
        });
        let args = Args::new().with(Key::Line, line);
        let note = crate::render::fill(lang, "ui.check-not-fixed-syntax", &args);
        return Fixed::Done {
            parsed: original,
            diagnostics,
            fixed: 0,
            note,
        };
    }
    let result = rules::fix_all(&original.text, original.context(), selection, unsafe_fixes);
    let fixed = result.applied;
    let note = match result.stopped {
        Some(rules::FixStop::NoConvergence) => {
            let args = Args::new().with(Key::N, rules::MAX_FIX_ROUNDS);
            crate::render::fill(lang, "ui.check-fix-limit", &args)
        }
        // Checked above, with the line.
        Some(rules::FixStop::SyntaxErrors) | None => None,
    };
    let parsed = Parsed::new(result.text).with_context(original.context().clone());
    let current = rules::check(&parsed, selection);
    if fixed == 0 {
        return Fixed::Done {
            parsed: original,
            diagnostics,
            fixed,
            note,
        };
    }
    // Write through a link to the file it names, atomically.
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    match crate::files::write_atomic(&target, parsed.text.as_bytes()) {
        Ok(()) => Fixed::Done {
            parsed,
            diagnostics: current,
            fixed,
            note,
        },
        Err(e) => Fixed::Failed {
            parsed: original,
            diagnostics,
            error: format!("cannot write fixes ({fixed} not applied; the file is unchanged): {e}"),
        },
    }
}

/// The 1-based line of the first syntax error, if the file has one.
fn syntax_error_line(parsed: &Parsed) -> Option<usize> {
    syntax_error_offset(parsed).map(|o| parsed.lines.line_of(o) + 1)
}

/// Where the first syntax error starts, if the text has one.
fn syntax_error_offset(parsed: &Parsed) -> Option<usize> {
    let root = parsed.tree.as_ref()?.root_node();
    if !root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    let mut node = root;
    // Descend to the first error or missing node.
    'down: loop {
        if node.is_error() || node.is_missing() {
            break;
        }
        for child in node.children(&mut cursor) {
            if child.has_error() {
                node = child;
                continue 'down;
            }
        }
        break;
    }
    Some(node.start_byte())
}

/// 1-based line and column (in characters) of a byte offset.
fn position(parsed: &Parsed, offset: usize) -> (u32, u32) {
    let lc = parsed.line_col(offset, Encoding::Chars);
    (lc.line + 1, lc.col + 1)
}

/// A place in a checked file: the 1-based notebook cell (`None` for a
/// Python file), line and column (in characters, 1-based; in a notebook
/// counted in the cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    cell: Option<usize>,
    line: u32,
    col: u32,
}

impl Place {
    fn of(parsed: &Parsed, notebook: Option<&Module>, offset: usize) -> Place {
        if let Some((cell, lc)) = notebook.and_then(|m| m.line_col(offset, Encoding::Chars)) {
            return Place {
                cell: notebook.map(|m| m.cells[cell].index + 1),
                line: lc.line + 1,
                col: lc.col + 1,
            };
        }
        let (line, col) = position(parsed, offset);
        Place {
            cell: None,
            line,
            col,
        }
    }

    /// `cell 3:` in a notebook, nothing in a file.
    fn cell_prefix(&self) -> String {
        self.cell.map(|c| format!("cell {c}:")).unwrap_or_default()
    }
}

/// `--statistics`: per rule the number of findings, most frequent first
/// (ties by id); a table, or a JSON array with `--format json`.
fn write_statistics(
    out: &mut impl Write,
    results: &[FileResult],
    format: CheckFormat,
) -> std::io::Result<()> {
    let mut counts: BTreeMap<RuleId, usize> = BTreeMap::new();
    for r in results {
        for d in &r.diagnostics {
            *counts.entry(d.rule).or_default() += 1;
        }
    }
    let mut rows: Vec<(RuleId, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if format == CheckFormat::Json {
        let list: Vec<Value> = rows
            .iter()
            .map(|(rule, n)| json!({"rule": rule, "section": render::rule_section(*rule), "count": n}))
            .collect();
        return writeln!(out, "{:#}", Value::Array(list));
    }
    for (rule, n) in rows {
        let section = render::rule_section(rule).unwrap_or_default();
        writeln!(out, "{n:>6}  {rule:<32} [§{section}]")?;
    }
    Ok(())
}

fn write_text(out: &mut impl Write, results: &[FileResult], lang: Lang) -> std::io::Result<()> {
    for r in results {
        let Some(parsed) = &r.parsed else { continue };
        for d in &r.diagnostics {
            let at = Place::of(parsed, r.notebook.as_ref(), d.range.start);
            let section = render::rule_section(d.rule).unwrap_or_default();
            writeln!(
                out,
                "{}:{}{}:{}: {} {} [§{section}]",
                r.path.display(),
                at.cell_prefix(),
                at.line,
                at.col,
                d.rule,
                render::diagnostic_message(d, lang)
            )?;
            match &r.notebook {
                Some(m) => match m.cell_range(d.range.clone()) {
                    Some((c, range)) => {
                        let cell = &m.cells[c];
                        write_frame(out, &cell.text, &cell.lines, range)?;
                    }
                    None => writeln!(out)?,
                },
                None => write_frame(out, &parsed.text, &parsed.lines, d.range.clone())?,
            }
        }
    }
    Ok(())
}

/// The diagnostic's first line with carets under its range, drawn by
/// annotate-snippets: tabs become four spaces and the carets are placed by
/// display width (CJK and emoji two columns, combining marks none).
fn write_frame(
    out: &mut impl Write,
    text: &str,
    lines: &crate::analysis::LineIndex,
    found: std::ops::Range<usize>,
) -> std::io::Result<()> {
    let line = lines.line_of(found.start);
    let Some(range) = lines.line_range(text, line) else {
        return Ok(());
    };
    let Some(content) = text.get(range.clone()) else {
        return Ok(());
    };
    let start = found.start.clamp(range.start, range.end) - range.start;
    let end = found.end.clamp(range.start + start, range.end) - range.start;
    // An empty range (at the end of a line) still gets one caret.
    let end = if end == start {
        content
            .get(start..)
            .and_then(|rest| rest.chars().next())
            .map_or(start, |c| start + c.len_utf8())
    } else {
        end
    };
    let report = [Group::with_level(Level::ERROR).element(
        Snippet::source(content)
            .line_start(line + 1)
            .annotation(AnnotationKind::Primary.span(start..end)),
    )];
    writeln!(out, "{}", Renderer::plain().render(&report))?;
    writeln!(out)?;
    Ok(())
}

fn diagnostic_json(
    path: &Path,
    parsed: &Parsed,
    notebook: Option<&Module>,
    d: &Diagnostic,
    lang: Lang,
) -> Value {
    let at = |offset: usize| {
        let p = Place::of(parsed, notebook, offset);
        (p.line, p.col)
    };
    let start = Place::of(parsed, notebook, d.range.start);
    let (line, col) = (start.line, start.col);
    let (end_line, end_col) = at(d.range.end);
    let rule = rules::rule(d.rule);
    let mut value = json!({
        "file": path.display().to_string(),
        "rule": d.rule,
        "section": render::rule_section(d.rule),
        "severity": rule.map(|r| r.severity.as_str()),
        "message": render::diagnostic_message(d, lang),
        "range": {"start": {"line": line, "col": col}, "end": {"line": end_line, "col": end_col}},
        "fix": d.fix.as_ref().map(|f| json!({
            "safety": if f.safety == Safety::Safe { "safe" } else { "unsafe" },
            "title": render::fix_title(d, lang),
            "edits": f.edits.iter().map(|e| {
                let (sl, sc) = at(e.range.start);
                let (el, ec) = at(e.range.end);
                let mut edit = json!({"start": {"line": sl, "col": sc}, "end": {"line": el, "col": ec}, "text": e.text});
                if let (Some(cell), Some(obj)) = (Place::of(parsed, notebook, e.range.start).cell, edit.as_object_mut()) {
                    obj.insert("cell".into(), json!(cell));
                }
                edit
            }).collect::<Vec<_>>(),
        })),
    });
    // The 1-based cell, in a notebook (lines and columns count in it).
    if let (Some(cell), Some(obj)) = (start.cell, value.as_object_mut()) {
        obj.insert("cell".into(), json!(cell));
    }
    value
}

fn write_json(out: &mut impl Write, results: &[FileResult], lang: Lang) -> std::io::Result<()> {
    let mut all = Vec::new();
    for r in results {
        let Some(parsed) = &r.parsed else { continue };
        all.extend(
            r.diagnostics
                .iter()
                .map(|d| diagnostic_json(&r.path, parsed, r.notebook.as_ref(), d, lang)),
        );
    }
    writeln!(out, "{:#}", Value::Array(all))
}

/// Every finding with its file, 1-based start and end places.
fn findings(results: &[FileResult]) -> impl Iterator<Item = (&Path, &Diagnostic, Place, Place)> {
    results.iter().flat_map(|r| {
        r.parsed.iter().flat_map(move |parsed| {
            r.diagnostics.iter().map(move |d| {
                let start = Place::of(parsed, r.notebook.as_ref(), d.range.start);
                let end = Place::of(parsed, r.notebook.as_ref(), d.range.end);
                (r.path.as_path(), d, start, end)
            })
        })
    })
}

/// A rule's severity in a format's words (`info` is `notice` or `note`).
fn level(d: &Diagnostic, info: &'static str) -> &'static str {
    match rules::rule(d.rule).map(|r| r.severity) {
        Some(rules::Severity::Error) => "error",
        Some(rules::Severity::Warning) => "warning",
        _ => info,
    }
}

fn write_github(out: &mut impl Write, results: &[FileResult], lang: Lang) -> std::io::Result<()> {
    for (path, d, start, end) in findings(results) {
        {
            let level = level(d, "notice");
            // In a notebook the lines are the cell's: the message says which.
            let message = format!(
                "{}{}",
                start
                    .cell
                    .map(|c| format!("cell {c}: "))
                    .unwrap_or_default(),
                render::diagnostic_message(d, lang)
            )
            .replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A");
            writeln!(
                out,
                "::{level} title=pyexplain ({}),file={},line={},col={},endLine={},endColumn={}::{message}",
                d.rule,
                path.display(),
                start.line,
                start.col,
                end.line,
                end.col
            )?;
        }
    }
    Ok(())
}

fn write_sarif(out: &mut impl Write, results: &[FileResult], lang: Lang) -> std::io::Result<()> {
    let rules_json: Vec<Value> = rules::RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": {"text": crate::knowledge::knowledge()
                    .rule_doc(r.id, lang).map(|d| d.message.clone()).unwrap_or_default()},
                "properties": {"section": render::rule_section(r.id)},
            })
        })
        .collect();
    let mut sarif_results = Vec::new();
    for (path, d, start, end) in findings(results) {
        {
            let level = level(d, "note");
            let mut result = json!({
                "ruleId": d.rule,
                "level": level,
                "message": {"text": render::diagnostic_message(d, lang)},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": path.display().to_string()},
                    "region": {"startLine": start.line, "startColumn": start.col, "endLine": end.line, "endColumn": end.col},
                }}],
            });
            // SARIF has no cells: in a notebook the region's lines are the
            // cell's, and the cell is a property.
            if let (Some(cell), Some(obj)) = (start.cell, result.as_object_mut()) {
                obj.insert("properties".into(), json!({"cell": cell}));
            }
            sarif_results.push(result);
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "pyexplain", "version": env!("CARGO_PKG_VERSION"), "rules": rules_json}},
            "results": sarif_results,
        }],
    });
    writeln!(out, "{doc:#}")
}

/// A one-line progress counter on stderr, for long runs on a terminal.
pub(super) struct Progress {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// Shows `{verb} n/total files` after half a second on a terminal.
    pub(super) fn start(verb: &'static str, total: usize, done: Arc<AtomicUsize>) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        let handle = (std::io::stderr().is_terminal() && total > 100).then(|| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let start = Instant::now();
                let mut shown = false;
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(100));
                    if start.elapsed() > Duration::from_millis(500) {
                        let n = done.load(Ordering::Relaxed);
                        let _ = write!(std::io::stderr(), "\r{verb} {n}/{total} files");
                        shown = true;
                    }
                }
                if shown {
                    let _ = write!(std::io::stderr(), "\r\x1b[K");
                }
            })
        });
        Progress { stop, handle }
    }

    pub(super) fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle {
            let _ = h.join();
        }
    }
}
