//! The knowledge square: sections <-> en notes <-> zh notes <-> triggers and
//! templates, all derived from the files and checked here; and every example runs.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use pyexplain::analysis::explain::triggers;
use pyexplain::knowledge::{knowledge, placeholders, Lang, Section};

#[test]
fn knowledge_parses_without_problems() {
    let k = knowledge();
    assert!(k.problems.is_empty(), "{}", k.problems.join("\n"));
}

#[test]
fn every_section_has_a_note_in_both_languages_with_the_same_id() {
    let k = knowledge();
    let by_lang = |lang| -> BTreeMap<Section, String> {
        k.notes_in(lang)
            .map(|n| (n.section, n.id.clone()))
            .collect()
    };
    let en = by_lang(Lang::En);
    let zh = by_lang(Lang::Zh);
    assert_eq!(en, zh, "en and zh notes differ in sections or ids");
    assert_eq!(
        k.notes_in(Lang::En).count(),
        en.len(),
        "duplicate section in en"
    );
    assert_eq!(
        k.notes_in(Lang::Zh).count(),
        zh.len(),
        "duplicate section in zh"
    );
    let ids: BTreeSet<&String> = en.values().collect();
    assert_eq!(ids.len(), en.len(), "duplicate note id");
    // Chapters 2-13, each numbered 1..n without gaps.
    let mut chapters: BTreeMap<u8, Vec<u8>> = BTreeMap::new();
    for s in en.keys() {
        chapters.entry(s.chapter).or_default().push(s.number);
    }
    assert_eq!(
        chapters.keys().copied().collect::<Vec<_>>(),
        (2..=13).collect::<Vec<_>>()
    );
    for (ch, nums) in &chapters {
        assert_eq!(
            *nums,
            (1..=nums.len() as u8).collect::<Vec<_>>(),
            "chapter {ch}"
        );
    }
    assert_eq!(en.len(), 74);
}

/// Where the course outline is at hand (the workplace's shared folder), its
/// sections (summaries excluded) are exactly ours.
#[test]
fn sections_match_the_course_outline_when_available() {
    let outline = common::repo().join("../shared/seeds/000_4fefd7beb27dd33e.txt");
    let Ok(text) = std::fs::read_to_string(&outline) else {
        return;
    };
    let mut sections = BTreeSet::new();
    for line in text.lines() {
        let t = line.trim();
        let Some((num, title)) = t.split_once(' ') else {
            continue;
        };
        if title.contains("本章小") || title.contains("课程总结") {
            continue;
        }
        if let Some(s) = Section::parse(num) {
            if num.matches('.').count() == 1 {
                sections.insert(s);
            }
        }
    }
    let ours: BTreeSet<Section> = knowledge().notes_in(Lang::En).map(|n| n.section).collect();
    assert_eq!(ours, sections);
}

#[test]
fn related_sections_exist_and_are_few() {
    let k = knowledge();
    for note in &k.notes {
        assert!(
            note.related.len() <= 3,
            "§{} {:?}: too many related",
            note.section,
            note.lang
        );
        for r in &note.related {
            assert!(
                k.note(&r.to_string(), note.lang).is_some(),
                "§{} names missing §{r}",
                note.section
            );
            assert_ne!(*r, note.section, "§{} relates to itself", note.section);
        }
    }
}

#[test]
fn triggers_compile_and_name_existing_notes_and_templates() {
    let t = triggers().expect("triggers.scm compiles");
    let k = knowledge();
    for id in t.note_ids() {
        for lang in Lang::ALL {
            assert!(
                k.note(id, lang).is_some(),
                "trigger names missing note {id} ({lang:?})"
            );
        }
    }
    // Keys with placeholders (`dunder-{dunder}`) are checked by the hover
    // fixtures, which must produce a sentence wherever a key is set.
    let outcome_keys = t.outcome_keys();
    assert!(outcome_keys
        .iter()
        .any(|k| k == "rt-lookup:data-descriptor"));
    let keys = t
        .context_keys()
        .into_iter()
        .chain(outcome_keys.iter().map(String::as_str));
    for key in keys.filter(|k| !k.contains('{')) {
        for lang in Lang::ALL {
            assert!(
                !k.templates(lang, key).is_empty(),
                "template {key} missing in {lang:?}"
            );
        }
    }
}

#[test]
fn templates_agree_between_languages() {
    let k = knowledge();
    let en = k.template_keys(Lang::En);
    let zh = k.template_keys(Lang::Zh);
    assert_eq!(en, zh, "context.txt keys differ");
    for key in en {
        let vars = |lang| -> Vec<BTreeSet<String>> {
            k.templates(lang, key)
                .iter()
                .map(|t| placeholders(t).into_iter().map(String::from).collect())
                .collect()
        };
        assert_eq!(
            vars(Lang::En),
            vars(Lang::Zh),
            "placeholders of {key} differ"
        );
    }
}

/// Every ```python block of every note runs and prints what it says.
#[test]
fn every_example_runs() {
    let repo = common::repo();
    let python = std::env::var("PYEXPLAIN_TEST_PYTHON").unwrap_or_else(|_| {
        let venv = repo.join(".venv/bin/python");
        if venv.exists() {
            venv.to_string_lossy().into_owned()
        } else {
            "python3".into()
        }
    });
    let mut files: Vec<String> = knowledge()
        .chapters
        .iter()
        .map(|c| {
            repo.join("knowledge")
                .join(c.file)
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(files.len(), 24);
    // The rule documents' examples run too.
    files.extend(knowledge().rules.iter().map(|r| {
        repo.join("knowledge")
            .join(r.file)
            .to_string_lossy()
            .into_owned()
    }));
    files.sort();
    // Without the venv (plain `cargo test`), examples needing a module
    // that is not installed (aiohttp) are skipped, and said.
    let skip_missing = if common::external_required() {
        "0"
    } else {
        "1"
    };
    let out = Command::new(&python)
        .arg(repo.join("tests/support/run_examples.py"))
        .args(&files)
        .env("PYEXPLAIN_EXAMPLES_SKIP_MISSING", skip_missing)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    for line in stderr.lines().filter(|l| l.starts_with("skipped: ")) {
        common::skip("every_example_runs", line.trim_start_matches("skipped: "));
    }
}
