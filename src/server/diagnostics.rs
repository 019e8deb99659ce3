//! Rule findings as LSP diagnostics and code actions.

use crate::analysis::args::{Args, Key};
use crate::analysis::ids::RuleId;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use tower_lsp_server::ls_types::*;

use super::documents::Document;
use super::note_files;
use super::notebooks::View;
use crate::analysis::rules::{self, Safety, Selection};
use crate::analysis::Encoding;
use crate::config::{self, Config};
use crate::knowledge::{knowledge, Lang};
use crate::render;

/// `pyproject.toml` configurations, read once per directory.
#[derive(Debug, Default)]
pub struct Configs {
    by_dir: Mutex<HashMap<PathBuf, Result<Config, String>>>,
}

impl Configs {
    /// The configuration for a document (default for non-file URIs). The
    /// error, if any, is returned once so the caller can show it.
    pub fn for_uri(&self, uri: &Uri) -> (Config, Option<String>) {
        let Some(path) = uri.to_file_path() else {
            return (Config::default(), None);
        };
        let dir = path.parent().map(|p| p.to_path_buf()).unwrap_or_default();
        let mut map = match self.by_dir.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(found) = map.get(&dir) {
            return (found.clone().unwrap_or_default(), None);
        }
        let loaded = config::load_for(&dir);
        map.insert(dir, loaded.clone());
        match loaded {
            Ok(c) => (c, None),
            Err(e) => (Config::default(), Some(e)),
        }
    }

    pub fn clear(&self) {
        if let Ok(mut m) = self.by_dir.lock() {
            m.clear();
        }
    }
}

/// The URI of the materialized chapter holding a rule's note.
fn note_uri(rule: RuleId, lang: Lang) -> Option<Uri> {
    let note = knowledge().note(&rules::rule(rule)?.note, lang)?;
    let path = note_files::note_path(note).ok()?;
    Uri::from_file_path(path)
}

/// LSP diagnostics for a document, or for the notebook cell `view` shows.
pub fn to_lsp(
    doc: &Document,
    selection: &Selection,
    enc: Encoding,
    lang: Lang,
    view: &View,
) -> Vec<Diagnostic> {
    let parsed = &doc.parsed;
    let mut hrefs: HashMap<RuleId, Option<Uri>> = HashMap::new();
    doc.diagnostics(selection)
        .iter()
        .filter(|d| view.shows(d.range.start))
        .filter_map(|d| {
            let range = view.range(parsed, d.range.clone(), enc)?;
            let rule = rules::rule(d.rule);
            let href = hrefs
                .entry(d.rule)
                .or_insert_with(|| note_uri(d.rule, lang))
                .clone();
            Some(Diagnostic {
                range,
                severity: Some(match rule.map(|r| r.severity) {
                    Some(rules::Severity::Error) => DiagnosticSeverity::ERROR,
                    Some(rules::Severity::Warning) => DiagnosticSeverity::WARNING,
                    _ => DiagnosticSeverity::INFORMATION,
                }),
                code: Some(NumberOrString::String(d.rule.to_string())),
                code_description: href.map(|href| CodeDescription { href }),
                source: Some("pyexplain".into()),
                message: format!(
                    "{} [§{}]",
                    render::diagnostic_message(d, lang),
                    render::rule_section(d.rule).unwrap_or_default()
                ),
                ..Default::default()
            })
        })
        .collect()
}

/// Quick fixes and "ignore this line" for the findings touching `range`
/// (of the document, or of the notebook cell `view` shows; a cell's edits
/// go to the cells they fall in, with their versions).
#[allow(clippy::too_many_arguments)]
pub fn actions(
    uri: &Uri,
    doc: &Document,
    range: Range,
    context: &[Diagnostic],
    selection: &Selection,
    enc: Encoding,
    lang: Lang,
    view: &View,
) -> Vec<CodeActionOrCommand> {
    let parsed = &doc.parsed;
    let wanted = view.byte_range(parsed, range, enc);
    let lsp_diags = to_lsp(doc, selection, enc, lang, view);
    let mut out = Vec::new();
    let mut ignored_lines: Vec<(usize, RuleId)> = Vec::new();
    let found = doc.diagnostics(selection);
    let shown = found.iter().filter(|d| view.shows(d.range.start));
    for (d, lsp) in shown.zip(lsp_diags) {
        // Findings under the requested range, or named by the client in
        // the request's context (editors send the cursor line's diagnostics).
        let touches = d.range.start <= wanted.end && wanted.start <= d.range.end;
        let named = context.iter().any(|c| {
            c.range == lsp.range && c.code == lsp.code && c.source.as_deref() == Some("pyexplain")
        });
        if !touches && !named {
            continue;
        }
        let fix_edit = d
            .fix
            .as_ref()
            .and_then(|fix| Some((fix, view.edit(uri, doc.version, parsed, &fix.edits, enc)?)));
        if let Some((fix, edit)) = fix_edit {
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: render::fix_title(d, lang),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp.clone()]),
                edit: Some(edit),
                is_preferred: Some(fix.safety == Safety::Safe),
                ..Default::default()
            }));
        }
        let line = parsed.lines.line_of(d.range.start);
        if ignored_lines.contains(&(line, d.rule)) {
            continue;
        }
        ignored_lines.push((line, d.rule));
        // No action where a comment cannot go (the line ends inside a
        // string, or continues with a backslash).
        let ignore = crate::analysis::fix::ignore_line_edit(parsed, d.range.start, d.rule)
            .and_then(|ignore| view.edit(uri, doc.version, parsed, &[ignore], enc));
        if let Some(edit) = ignore {
            let args = Args::new().with(Key::Rule, d.rule);
            let title = crate::render::fill(lang, "ui.ignore-line", &args)
                .unwrap_or_else(|| format!("Ignore {} on this line", d.rule));
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp]),
                edit: Some(edit),
                is_preferred: Some(false),
                ..Default::default()
            }));
        }
    }
    out
}
