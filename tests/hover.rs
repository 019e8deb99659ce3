//! Hover fixtures: every `tests/fixtures/hover/*.py` marker must show the
//! expected section (or nothing), in both languages; the title, the sentence
//! about this code and the range are snapshotted per language.

mod common;

use common::fixture::markers;
use pyexplain::analysis::{explain_at, explain_at_level, Encoding, Level, LineCol, Parsed};
use pyexplain::knowledge::{knowledge, Lang};
use pyexplain::project::Project;
use pyexplain::render::{self, Verbosity};

/// The section and snapshot text of the hover at a marker, at every level.
fn render_marker(parsed: &Parsed, line: u32, col: u32, lang: Lang) -> (Option<String>, String) {
    let offset = parsed.offset(LineCol { line, col }, Encoding::Chars);
    let Some(expl) = explain_at_level(parsed, offset, Level::Everyday) else {
        return (None, "(no hover)".into());
    };
    let note = knowledge()
        .note(&expl.note, lang)
        .unwrap_or_else(|| panic!("trigger names missing note {}", expl.note));
    let md = render::hover_markdown(&expl, lang, Verbosity::Full).unwrap();
    assert!(
        md.starts_with(&format!("**§{} ", note.section)),
        "hover must start with the section title: {md}"
    );
    let sentence = render::context_sentence(&expl, lang);
    assert!(
        expl.context.is_none() || sentence.is_some(),
        "no template variant of {:?} could be filled with {:?}",
        expl.context,
        expl.args
    );
    let start = parsed.line_col(expl.range.start, Encoding::Chars);
    let end = parsed.line_col(expl.range.end, Encoding::Chars);
    assert!(
        expl.range.start <= offset && offset < expl.range.end,
        "hover range {}:{}-{}:{} does not contain the cursor",
        start.line + 1,
        start.col + 1,
        end.line + 1,
        end.col + 1
    );
    let text = format!(
        "{}\nrange {}:{}-{}:{}\n{}",
        render::title_line(note),
        start.line + 1,
        start.col + 1,
        end.line + 1,
        end.col + 1,
        sentence.unwrap_or_else(|| "(no sentence)".into())
    );
    (Some(note.section.to_string()), text)
}

/// The lowest `hover.level` at which the hover at a marker is the one of
/// every level (same note, same range).
fn level_of(parsed: &Parsed, line: u32, col: u32) -> Option<Level> {
    let offset = parsed.offset(LineCol { line, col }, Encoding::Chars);
    let all = explain_at(parsed, offset)?;
    Level::ALL.into_iter().find(|l| {
        explain_at_level(parsed, offset, *l)
            .is_some_and(|e| e.note == all.note && e.range == all.range)
    })
}

/// Checks the markers of `files` (each parsed with `context_of`), with
/// snapshots in `snapshots/` named by `name_of`.
fn check_fixture_files(
    files: &[std::path::PathBuf],
    snapshots: &std::path::Path,
    name_of: &dyn Fn(&std::path::Path) -> String,
    parse: &dyn Fn(&std::path::Path, String) -> Parsed,
) -> Vec<String> {
    let mut failures = Vec::new();
    for file in files {
        let source = std::fs::read_to_string(file).unwrap();
        let parsed = parse(file, source.clone());
        let marks = markers(&source);
        if marks.is_empty() {
            continue;
        }
        for m in &marks {
            assert!(
                m.raw == "none" || m.expect.is_some(),
                "{}:{}: expected `§N.M` or `none`, got `{}`",
                file.display(),
                m.marker_line,
                m.raw
            );
        }
        let stem = name_of(file);
        for lang in Lang::ALL {
            let mut snapshot = String::new();
            for m in &marks {
                let (section, text) = render_marker(&parsed, m.line, m.col, lang);
                if lang == Lang::En && section.is_some() {
                    let shown_from = level_of(&parsed, m.line, m.col);
                    let written = m.level.as_deref().unwrap_or("usage");
                    if shown_from.map(Level::name) != Some(written) {
                        failures.push(format!(
                            "{}:{}: shown from level {:?}, the marker says {written}",
                            file.display(),
                            m.marker_line,
                            shown_from.map(Level::name),
                        ));
                    }
                }
                if section != m.expect {
                    failures.push(format!(
                        "{}:{} ({}): expected {:?}, got {:?}",
                        file.display(),
                        m.marker_line,
                        lang.code(),
                        m.expect,
                        section
                    ));
                }
                snapshot.push_str(&format!("## {}:{}\n{}\n\n", m.line + 1, m.col + 1, text));
            }
            let snap = snapshots.join(format!("{stem}.{}.md", lang.code()));
            common::check_snapshot(&snap, &snapshot);
        }
    }
    failures
}

fn hover_files() -> Vec<std::path::PathBuf> {
    common::fixture::py_files(&common::repo().join("tests/fixtures/hover"))
}

fn workspace_root() -> std::path::PathBuf {
    common::repo().join("tests/fixtures/workspace")
}

fn workspace_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut todo = vec![workspace_root()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|e| e == "py") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn hover_fixtures() {
    let files = hover_files();
    assert!(!files.is_empty());
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        assert!(
            !markers(&source).is_empty(),
            "{} has no markers",
            file.display()
        );
    }
    let failures = check_fixture_files(
        &files,
        &common::repo().join("tests/snapshots/hover"),
        &|f| f.file_stem().unwrap().to_string_lossy().to_string(),
        &|_, text| Parsed::new(text),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every outcome of an analysis (`KEY:facet` template: what the model
/// knows, "cannot follow", "different classes on different paths",
/// "missing") is shown by some fixture marker, in both languages.
#[test]
fn every_outcome_template_is_shown_by_a_fixture() {
    let project = Project::new();
    project.add_folder(&workspace_root());
    let mut sites: Vec<(std::path::PathBuf, Parsed)> = Vec::new();
    for f in hover_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        sites.push((f, Parsed::new(text)));
    }
    for f in workspace_files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let parsed = Parsed::new(text).with_context(project.context_for(&f));
        sites.push((f, parsed));
    }
    let k = knowledge();
    for lang in Lang::ALL {
        let mut shown = std::collections::BTreeSet::new();
        for (_, parsed) in &sites {
            for m in markers(&parsed.text) {
                let offset = parsed.offset(
                    LineCol {
                        line: m.line,
                        col: m.col,
                    },
                    Encoding::Chars,
                );
                let Some(expl) = explain_at_level(parsed, offset, Level::Everyday) else {
                    continue;
                };
                if let Some(key) = expl
                    .context_keys()
                    .into_iter()
                    .find(|key| pyexplain::render::fill(lang, key, &expl.args).is_some())
                {
                    shown.insert(key);
                }
            }
        }
        let missing: Vec<&str> = k
            .template_keys(lang)
            .into_iter()
            .filter(|key| key.contains(':') && !key.starts_with("ui.") && !shown.contains(*key))
            .collect();
        assert!(
            missing.is_empty(),
            "no fixture marker shows these outcomes ({}): {missing:?}",
            lang.code()
        );
    }
}

/// A project split across files (`tests/fixtures/workspace/`): hovers know
/// what the other modules define, through relative and absolute imports.
#[test]
fn workspace_fixtures() {
    let root = workspace_root();
    let files = workspace_files();
    let project = Project::new();
    project.add_folder(&root);
    let failures = check_fixture_files(
        &files,
        &common::repo().join("tests/snapshots/workspace"),
        &|f| {
            f.strip_prefix(&root)
                .unwrap()
                .with_extension("")
                .to_string_lossy()
                .replace(['/', '\\'], ".")
        },
        &|f, text| Parsed::new(text).with_context(project.context_for(f)),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn hovers_fit_in_a_hover() {
    // Every note's hover excerpt stays within the character budget, but for
    // a first paragraph that is longer on its own (none is, today).
    let k = knowledge();
    for note in &k.notes {
        let (excerpt, _) = render::excerpt(&note.body, render::HOVER_CHARS);
        assert!(
            excerpt.chars().count() <= render::HOVER_CHARS,
            "§{} ({:?}) hover excerpt is {} characters",
            note.section,
            note.lang,
            excerpt.chars().count()
        );
    }
}

/// Every section of the course and the supplement is reachable at the
/// default level: some fixture marker expects it.
#[test]
fn every_section_is_reachable_from_a_fixture() {
    let dir = common::repo().join("tests/fixtures/hover");
    let mut seen = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "py") {
            let source = std::fs::read_to_string(&path).unwrap();
            // At the default level: `everyday` markers do not count.
            seen.extend(
                markers(&source)
                    .into_iter()
                    .filter(|m| m.level.as_deref() != Some("everyday"))
                    .filter_map(|m| m.expect),
            );
        }
    }
    let missing: Vec<String> = knowledge()
        .notes_in(Lang::En)
        .map(|n| n.section.to_string())
        .filter(|s| !seen.contains(s))
        .collect();
    assert!(
        missing.is_empty(),
        "sections no fixture reaches: {}",
        missing.join(", ")
    );
}

/// Where two sections apply under the cursor, the most specific wins and
/// the other comes first among the related sections (issue 14).
#[test]
fn the_less_specific_section_is_related() {
    let src = "class Invoice:\n    pass\n\ninv = Invoice()\nprint(type(inv) is Invoice)\n";
    let parsed = Parsed::new(src.to_string());
    let at = src.find(") is").unwrap() + 2;
    let expl = explain_at(&parsed, at).expect("a hover on `is`");
    assert_eq!(expl.note.as_str(), "isinstance-vs-type");
    let also: Vec<&str> = expl.also.iter().map(|n| n.as_str()).collect();
    assert_eq!(also, ["eq-vs-is"]);
    for lang in Lang::ALL {
        let md = render::hover_markdown(&expl, lang, Verbosity::Full).unwrap();
        let related = md.lines().last().unwrap();
        let other = knowledge().note_by_key("eq-vs-is", lang).unwrap();
        let first = format!("§{} {}", other.section, other.title);
        let label = knowledge().ui(lang, "ui.related");
        let rest = related.strip_prefix(label).unwrap_or_default().trim_start();
        assert!(rest.starts_with(&first), "{related}");
        assert_eq!(related.matches("§7.2").count(), 1, "{related}");
    }
    // A construct with one section lists only its note's related ones.
    let at = src.find("Invoice()").unwrap();
    assert!(explain_at(&parsed, at).is_none_or(|e| e.also.is_empty()));
}
