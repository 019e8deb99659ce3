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
    // Chapters 2-13, each numbered 1..n without gaps; then the supplement,
    // numbered S.1..S.n without gaps.
    let mut chapters: BTreeMap<u8, Vec<u8>> = BTreeMap::new();
    for s in en.keys() {
        chapters.entry(s.chapter).or_default().push(s.number);
    }
    let supplement = chapters.remove(&Section::SUPPLEMENT).unwrap_or_default();
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
    assert_eq!(k.course_notes_in(Lang::En).count(), 74);
    assert!(
        supplement.len() >= 26,
        "the supplement has {} notes",
        supplement.len()
    );
    assert_eq!(
        supplement,
        (1..=supplement.len() as u8).collect::<Vec<_>>(),
        "the supplement is numbered S.1..S.n"
    );
    // Course sections and supplement notes never share a number or an id.
    assert!(en.keys().all(|s| s.is_supplement() != (s.chapter <= 13)));
}

/// The supplement's group files: the same groups in both languages, each
/// group holding the same notes, marked as beyond the outline in its title,
/// groups numbered 1..g.
#[test]
fn supplement_groups_agree_between_languages() {
    let k = knowledge();
    let groups = |lang| -> BTreeMap<u8, (String, Vec<Section>)> {
        k.chapters
            .iter()
            .filter(|c| c.lang == lang && c.supplement)
            .map(|c| {
                let name = c.file.rsplit('/').next().unwrap_or("").to_string();
                let sections = k
                    .notes_in(lang)
                    .filter(|n| n.file == c.file)
                    .map(|n| n.section)
                    .collect();
                (c.number, (name, sections))
            })
            .collect()
    };
    let en = groups(Lang::En);
    let zh = groups(Lang::Zh);
    assert_eq!(en, zh, "supplement groups differ between en and zh");
    assert_eq!(
        en.keys().copied().collect::<Vec<_>>(),
        (1..=en.len() as u8).collect::<Vec<_>>()
    );
    assert!(en.values().all(|(_, sections)| !sections.is_empty()));
    for c in k.chapters.iter().filter(|c| c.supplement) {
        let mark = match c.lang {
            Lang::En => "Beyond the outline",
            Lang::Zh => "大纲之外",
        };
        assert!(c.title.starts_with(mark), "{}: title {:?}", c.file, c.title);
    }
    // Every supplement note lives in a supplement file, every course note in a chapter file.
    for n in &k.notes {
        let in_supplement = n.file.contains("/supplement-");
        assert_eq!(in_supplement, n.section.is_supplement(), "{}", n.file);
    }
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
    let ours: BTreeSet<Section> = knowledge()
        .course_notes_in(Lang::En)
        .map(|n| n.section)
        .collect();
    assert_eq!(ours, sections);
}

/// At most three related sections; a course note may link up to two
/// supplement notes besides (course first: the course note wins on hover,
/// the supplement is "Related").
#[test]
fn related_sections_exist_and_are_few() {
    let k = knowledge();
    for note in &k.notes {
        let supplement = note.related.iter().filter(|r| r.is_supplement()).count();
        let course = note.related.len() - supplement;
        if note.section.is_supplement() {
            assert!(
                note.related.len() <= 3,
                "§{} {:?}: too many related",
                note.section,
                note.lang
            );
        } else {
            assert!(
                course <= 3 && supplement <= 2,
                "§{} {:?}: too many related",
                note.section,
                note.lang
            );
        }
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
    // 12 chapters and the supplement's groups, in two languages.
    let groups = knowledge().chapters.iter().filter(|c| c.supplement).count();
    assert_eq!(files.len() - groups, 24);
    assert!(groups >= 2 && groups % 2 == 0, "{groups} supplement files");
    // The rule documents' examples run too.
    files.extend(knowledge().rules.iter().map(|r| {
        repo.join("knowledge")
            .join(r.file)
            .to_string_lossy()
            .into_owned()
    }));
    files.sort();
    let out = Command::new(&python)
        .arg(repo.join("tests/support/run_examples.py"))
        .args(&files)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}
