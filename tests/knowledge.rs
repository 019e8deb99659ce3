//! The knowledge square: sections <-> en notes <-> zh notes <-> triggers and
//! templates, all derived from the files and checked here; and every example runs.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use pyexplain::analysis::triggers::triggers;
use pyexplain::knowledge::{embedded_files, is_cjk, knowledge, placeholders, Lang, Section};
use pyexplain::render::{excerpt, HOVER_CHARS};

#[test]
fn knowledge_parses_without_problems() {
    let k = knowledge();
    assert!(k.problems.is_empty(), "{}", k.problems.join("\n"));
}

#[test]
fn every_section_has_a_note_in_both_languages_with_the_same_id() {
    let k = knowledge();
    let by_lang = |lang| -> BTreeMap<Section, pyexplain::analysis::ids::NoteId> {
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
    let ids: BTreeSet<&pyexplain::analysis::ids::NoteId> = en.values().collect();
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
                k.note_by_key(&r.to_string(), note.lang).is_some(),
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

/// Relevance levels (issue 14): plain control flow and what every program
/// is full of are `everyday`, hidden at the default level; a level that is
/// not one of the three is an error.
#[test]
fn plain_control_flow_triggers_are_everyday() {
    use pyexplain::analysis::triggers::{Level, Triggers};
    let t = triggers().unwrap();
    let everyday = [
        "kw-if",
        "kw-elif",
        "kw-while",
        "kw-if-else",
        "kw-def",
        "kw-class",
        "kw-return",
        "kw-import",
        "kw-from-import",
        "kw-import-as",
        "kw-in",
        "kw-not-in",
        "kw-for-in",
        "kw-pass",
        "kw-break",
        "kw-continue",
        "kw-try",
        "kw-except",
        "kw-raise",
        "kw-and",
        "kw-or",
        "kw-not",
        "kw-with-as",
    ];
    for key in everyday {
        let levels: Vec<Level> = t
            .patterns
            .iter()
            .filter(|p| p.context.as_deref() == Some(key))
            .map(|p| p.level)
            .collect();
        assert!(!levels.is_empty(), "no pattern sets {key}");
        assert!(
            levels.iter().all(|l| *l == Level::Everyday),
            "{key}: {levels:?}"
        );
    }
    // The roles the supplement teaches stay visible at the default level.
    for key in [
        "kw-for-else",
        "kw-nonlocal",
        "kw-match",
        "kw-raise-from",
        "kw-except-star",
    ] {
        assert!(
            t.patterns
                .iter()
                .any(|p| p.context.as_deref() == Some(key) && p.level <= Level::default()),
            "{key} is hidden by default"
        );
    }
    let bad = Triggers::compile(
        &[(
            "t.scm",
            "((pass_statement) @anchor (#set! note \"keywords\") (#set! level \"often\"))",
        )],
        &[],
    );
    assert!(bad.is_err_and(|e| e.contains("unknown level often")));
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

/// The markdown files whose examples run: every chapter, every rule document
/// and the measured version facts.
fn example_files() -> Vec<String> {
    let repo = common::repo();
    let k = knowledge();
    let mut files: Vec<String> = k
        .chapters
        .iter()
        .map(|c| c.file)
        .chain(k.rules.iter().map(|r| r.file))
        .map(|f| {
            repo.join("knowledge")
                .join(f)
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    // 12 chapters and the supplement's groups, in two languages.
    let groups = k.chapters.iter().filter(|c| c.supplement).count();
    assert_eq!(k.chapters.len() - groups, 24);
    assert!(groups >= 2 && groups % 2 == 0, "{groups} supplement files");
    files.sort();
    files.push(
        repo.join("tests/support/version-facts.md")
            .to_string_lossy()
            .into_owned(),
    );
    files
}

/// The interpreter that runs `run_examples.py`: the test venv's (it has
/// aiohttp), else `python3`.
fn test_python() -> String {
    std::env::var("PYEXPLAIN_TEST_PYTHON").unwrap_or_else(|_| {
        let venv = common::repo().join(".venv/bin/python");
        if venv.exists() {
            venv.to_string_lossy().into_owned()
        } else {
            "python3".into()
        }
    })
}

fn run_examples(files: &[String], env: &[(&str, &str)]) -> (bool, String, String) {
    let python = test_python();
    let out = Command::new(&python)
        .arg(common::repo().join("tests/support/run_examples.py"))
        .args(files)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every ```python block of every note, rule document and version fact runs
/// on every Python 3.8-3.13 of the machine and prints what it says there.
/// A missing interpreter fails the test (install it with pyenv), unless
/// `PYEXPLAIN_ALLOW_MISSING_PYTHONS=1` says that a partial check is meant.
#[test]
fn every_example_runs_on_every_python() {
    let (ok, stdout, stderr) = run_examples(&example_files(), &[]);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    let used: BTreeSet<String> = stdout
        .lines()
        .find_map(|l| l.strip_prefix("interpreters: "))
        .unwrap_or_default()
        .split(", ")
        .filter_map(|v| {
            let mut parts = v.split('.');
            Some(format!("{}.{}", parts.next()?, parts.next()?))
        })
        .collect();
    let missing: Vec<String> = (8..=13)
        .map(|minor| format!("3.{minor}"))
        .filter(|v| !used.contains(v))
        .collect();
    if std::env::var_os("PYEXPLAIN_ALLOW_MISSING_PYTHONS").is_none() {
        assert!(
            missing.is_empty(),
            "the examples ran on {used:?} only; missing Python {missing:?} \
             (`pyenv install 3.X`, or set PYEXPLAIN_ALLOW_MISSING_PYTHONS=1)\n{stdout}"
        );
    }
    // The aiohttp example runs somewhere (the test venv has aiohttp).
    assert!(!stdout.contains("runs on no interpreter"), "{stdout}");
}

/// The runner itself: version ranges, per-version output and stderr
/// declarations are checked, and a wrong expectation fails.
#[test]
fn example_runner_checks_each_version() {
    let dir = std::env::temp_dir().join(format!("pyexplain-runner-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let python = test_python();
    let out = Command::new(&python)
        .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        .output()
        .unwrap();
    let own = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    };
    let env = [("PYEXPLAIN_EXAMPLE_PYTHONS", python.as_str())];
    let good = write(
        "good.md",
        &format!(
            "```python\nimport sys\nprint(sys.version_info[:2] >= (3, 8))  # -> True\n\
             print('{own}')  # {own}+ -> {own}\nif sys.version_info < (3, 8): print('old')  # 3.0–3.7 -> old\n```\n\n\
             ```python\nimport warnings\nwarnings.warn('careful')  # stderr: UserWarning: careful\n```\n"
        ),
    );
    let (ok, stdout, stderr) = run_examples(&[good], &env);
    assert!(ok, "{stdout}\n{stderr}");
    assert!(stdout.contains("2 passed, 0 failed"), "{stdout}");

    let bad = write(
        "bad.md",
        &format!(
            "```python\nprint('{own}')  # {own}+ -> elsewhere\n```\n\n\
             ```python\nimport warnings\nwarnings.warn('careful')\n```\n\n\
             ```python\n# Python 3.0–3.7\nprint(1)  # -> 1\n```\n"
        ),
    );
    let (ok, stdout, stderr) = run_examples(&[bad], &env);
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains(&format!("bad.md:1 [{own}")) && stderr.contains("output differs"),
        "{stderr}"
    );
    assert!(stderr.contains("unexpected stderr"), "{stderr}");
    assert!(
        stderr.contains("bad.md:10: runs on no interpreter"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where a hover sentence or a diagnostic message names a Python version,
/// the measured fact behind it (a `## id` of `tests/support/version-facts.md`,
/// which runs on every interpreter) and the versions both languages must
/// name. `None`: a documented fact outside 3.8-3.13 that no interpreter here
/// can measure. Keys of rule messages are `rule:<id>`.
const VERSION_FACTS: &[(&str, &[&str], Option<&str>)] = &[
    (
        "ch13-get-event-loop",
        &["3.12", "3.13", "3.14"],
        Some("get-event-loop-implicit"),
    ),
    (
        "rule:deprecated-get-event-loop",
        &["3.12", "3.13", "3.14"],
        Some("get-event-loop-implicit"),
    ),
    ("dunder-__buffer__", &["3.12"], Some("buffer-protocol")),
    (
        "dunder-__release_buffer__",
        &["3.12"],
        Some("buffer-protocol"),
    ),
    // `abc.abstractproperty` and friends: deprecated in 3.3's documentation,
    // no warning at run time.
    ("c4-abstract-deprecated", &["3.3"], None),
    ("c4-abstract-deprecated-name", &["3.3"], None),
    // PEP 765: the warning comes with 3.14.
    ("c4-finally-return", &["3.14"], None),
    ("rule:jump-in-finally", &["3.14"], None),
    ("ch6-dict-merge", &["3.9"], Some("dict-merge")),
    ("ch6-dict-merge-update", &["3.9"], Some("dict-merge")),
    // Insertion order became a language guarantee in 3.7 (a documented
    // promise; every version here keeps it).
    ("ch6-ordereddict", &["3.7"], None),
    ("ch7-is-literal", &["3.8"], Some("is-literal-warning")),
    (
        "ch09-raise-stopiteration",
        &["3.7"],
        Some("stop-iteration-in-generator"),
    ),
    (
        "rule:stop-iteration-in-generator",
        &["3.7"],
        Some("stop-iteration-in-generator"),
    ),
    ("ch09-dis", &["3.11"], Some("return-generator")),
    ("ch11-is-gil-enabled", &["3.13"], Some("is-gil-enabled")),
    ("ch11-checkinterval", &["3.9"], Some("setcheckinterval")),
    ("ch11-thread-setdaemon", &["3.10"], Some("set-daemon")),
    ("rule:deprecated-set-daemon", &["3.10"], Some("set-daemon")),
    (
        "ch12-asyncio-coroutine",
        &["3.8", "3.11"],
        Some("asyncio-coroutine-decorator"),
    ),
    (
        "ch12-asyncio-coroutine-name",
        &["3.8", "3.11"],
        Some("asyncio-coroutine-decorator"),
    ),
    // Deprecated in 3.14 (not installed here).
    ("ch12-asyncio-iscoroutinefunction", &["3.14"], None),
    ("ch13-wait", &["3.11"], Some("wait-coroutines")),
    (
        "rule:wait-with-coroutines",
        &["3.11"],
        Some("wait-coroutines"),
    ),
    ("ch13-task-group", &["3.11"], Some("asyncio-additions")),
    ("ch13-wait-for", &["3.11"], Some("asyncio-additions")),
    ("ch13-timeout", &["3.11"], Some("asyncio-additions")),
    ("ch13-cancelled-error", &["3.8"], Some("asyncio-additions")),
    (
        "async-with:class-missing",
        &["3.11"],
        Some("with-missing-dunder"),
    ),
    (
        "with-as:class-missing",
        &["3.11"],
        Some("with-missing-dunder"),
    ),
    ("with:class-missing", &["3.11"], Some("with-missing-dunder")),
    // The supplement's keyword roles and topics.
    ("kw-type-alias", &["3.12"], Some("supplement-additions")),
    ("sup-type-params", &["3.12"], Some("supplement-additions")),
    (
        "sup-exception-group",
        &["3.11"],
        Some("supplement-additions"),
    ),
    ("sup-get-overloads", &["3.11"], Some("supplement-additions")),
    ("sup-timeout-at", &["3.11"], Some("supplement-additions")),
    ("sup-pos-only", &["3.8"], Some("supplement-additions")),
];

/// `3.12`, `3.8` ... named in a text (not `§13.1`, not `13.1`).
fn versions_named(text: &str) -> BTreeSet<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = BTreeSet::new();
    for i in 0..chars.len() {
        let before_ok =
            i == 0 || !(chars[i - 1].is_ascii_digit() || matches!(chars[i - 1], '.' | '§'));
        if chars[i] == '3' && before_ok && chars.get(i + 1) == Some(&'.') {
            let digits: String = chars[i + 2..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if !digits.is_empty() {
                out.insert(format!("3.{digits}"));
            }
        }
    }
    out
}

/// Every variant of a template key or rule message, in one language.
fn variants(key: &str, lang: Lang) -> Vec<String> {
    match key.strip_prefix("rule:") {
        Some(id) => pyexplain::analysis::rules::rule_by_name(id)
            .and_then(|r| knowledge().rule_doc(r.id, lang))
            .map(|d| d.messages().cloned().collect())
            .unwrap_or_default(),
        None => knowledge().templates(lang, key).to_vec(),
    }
}

#[test]
fn hover_sentences_name_the_measured_versions() {
    let k = knowledge();
    let facts =
        std::fs::read_to_string(common::repo().join("tests/support/version-facts.md")).unwrap();
    // Which sentences name versions is derived from the files.
    let mut keys: BTreeSet<String> = BTreeSet::new();
    for lang in Lang::ALL {
        for key in k.template_keys(lang) {
            if !key.starts_with("ui.")
                && k.templates(lang, key)
                    .iter()
                    .any(|t| !versions_named(t).is_empty())
            {
                keys.insert(key.to_string());
            }
        }
        for doc in k.rules.iter().filter(|d| d.lang == lang) {
            if doc.messages().any(|m| !versions_named(m).is_empty()) {
                keys.insert(format!("rule:{}", doc.id));
            }
        }
    }
    let listed: BTreeSet<String> = VERSION_FACTS
        .iter()
        .map(|(k, _, _)| k.to_string())
        .collect();
    assert_eq!(keys, listed, "sentences naming versions vs VERSION_FACTS");
    for (key, versions, fact) in VERSION_FACTS {
        // A variant that names a version names all of the fact's; the
        // variants of both languages (same order) name the same ones.
        let named = |lang| -> Vec<BTreeSet<String>> {
            let texts = variants(key, lang);
            assert!(!texts.is_empty(), "{key} ({lang:?}) missing");
            for text in texts.iter().filter(|t| !versions_named(t).is_empty()) {
                for v in *versions {
                    assert!(
                        versions_named(text).contains(*v),
                        "{key} ({lang:?}) does not name {v}: {text}"
                    );
                }
            }
            texts.iter().map(|t| versions_named(t)).collect()
        };
        assert_eq!(
            named(Lang::En),
            named(Lang::Zh),
            "{key}: en and zh name different versions"
        );
        if let Some(fact) = fact {
            assert!(
                facts.contains(&format!("\n## {fact}\n")),
                "{key}: no fact `## {fact}`"
            );
        }
    }
}

/// The §13.1 sentence and the rule message say exactly what was measured:
/// a warning on 3.12 and 3.13 (silent on 3.8-3.11), `RuntimeError` on 3.14.
#[test]
fn get_event_loop_sentences_name_the_warning_versions() {
    let expectations = [
        (Lang::En, ["warn", "3.12", "3.13", "3.14", "RuntimeError"]),
        (Lang::Zh, ["警告", "3.12", "3.13", "3.14", "RuntimeError"]),
    ];
    for (lang, words) in expectations {
        for text in variants("ch13-get-event-loop", lang)
            .into_iter()
            .chain(variants("rule:deprecated-get-event-loop", lang))
        {
            for w in words {
                assert!(text.contains(w), "{lang:?}: `{w}` missing in {text}");
            }
            for wrong in [
                "3.10",
                "3.11",
                "elsewhere it is deprecated",
                "其他地方调用已被弃用",
            ] {
                assert!(!text.contains(wrong), "{lang:?}: `{wrong}` in {text}");
            }
        }
    }
}

/// The Chinese files: notes, rule documents, templates.
fn zh_files() -> Vec<(&'static str, &'static str)> {
    let files: Vec<_> = embedded_files()
        .iter()
        .filter(|(path, _)| path.starts_with("zh/") || path.starts_with("rules/zh/"))
        .copied()
        .collect();
    assert!(files.len() > 30);
    files
}

/// Lines outside code fences, with their 1-based numbers.
fn prose_lines(text: &str) -> Vec<(usize, &str)> {
    let mut fence = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
            continue;
        }
        if !fence {
            out.push((i + 1, line));
        }
    }
    out
}

/// Lines of `text` (outside code blocks) that end in a Chinese character
/// and continue with one on the next line.
fn cjk_breaks(text: &str) -> Vec<String> {
    let lines = prose_lines(text);
    lines
        .windows(2)
        .filter(|pair| {
            let ((n, a), (m, b)) = (pair[0], pair[1]);
            m == n + 1
                && a.trim_end().chars().last().is_some_and(is_cjk)
                && b.trim_start().chars().next().is_some_and(is_cjk)
        })
        .map(|pair| format!("{}: {}", pair[0].0, pair[0].1))
        .collect()
}

/// Markdown renders a line break inside a paragraph as a space, which shows
/// between two Chinese characters. The zh sources are not wrapped there (the
/// rule documents' "Fix safety" sections aside, which `knowledge.rs` joins
/// when it loads them), and nothing a user sees is.
#[test]
fn zh_text_never_breaks_a_line_between_chinese_characters() {
    let mut bad = Vec::new();
    for (path, text) in zh_files() {
        let text = text.split("\n## 修复的安全性").next().unwrap_or(text);
        bad.extend(cjk_breaks(text).into_iter().map(|l| format!("{path}:{l}")));
    }
    let k = knowledge();
    for note in k.notes_in(Lang::Zh) {
        for text in [&note.title, &note.summary, &note.body] {
            bad.extend(
                cjk_breaks(text)
                    .into_iter()
                    .map(|l| format!("§{} loaded: {l}", note.section)),
            );
        }
    }
    for doc in k.rules.iter().filter(|d| d.lang == Lang::Zh) {
        for text in doc.messages().chain([&doc.body]).chain(&doc.fix) {
            bad.extend(
                cjk_breaks(text)
                    .into_iter()
                    .map(|l| format!("{} loaded: {l}", doc.file)),
            );
        }
    }
    for key in k.template_keys(Lang::Zh) {
        for t in k.templates(Lang::Zh, key) {
            assert!(!t.contains('\n'), "{key}");
        }
    }
    assert!(bad.is_empty(), "wrapped zh lines:\n{}", bad.join("\n"));
}

/// Text outside code blocks and `code spans`.
fn without_code(line: &str) -> String {
    line.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}

/// The course's Chinese terms (knowledge/README.md, "Terminology"): the
/// drifted variants and calques a review found, and ASCII quotes, never come
/// back in zh text.
#[test]
fn zh_text_uses_the_course_terms() {
    const DRIFT: &[(&str, &str)] = &[
        ("魔术方法", "魔法函数"),
        ("委派", "委托（委托生成器）"),
        ("不变式", "不变量"),
        ("浮到", "冒泡 / 传到"),
        ("最派生", "派生层次最深的"),
        ("一次又一次", "反复"),
        ("闭包单元", "闭包变量（cell）"),
        ("发射后不管", "创建后不再过问"),
        ("后台送数线程", "后台的发送线程"),
    ];
    let mut bad = Vec::new();
    let mut special_method_notes = BTreeSet::new();
    for (path, text) in zh_files() {
        for (n, line) in prose_lines(text) {
            if path.ends_with(".txt") && line.trim_start().starts_with('#') {
                continue;
            }
            let prose = without_code(line);
            for (drift, term) in DRIFT {
                if prose.contains(drift) {
                    bad.push(format!("{path}:{n}: `{drift}` (use {term})"));
                }
            }
            if prose.contains('"') {
                bad.push(format!("{path}:{n}: ASCII quote (use “ ”)"));
            }
            for label in ["**陷阱：**", "**现代 Python：**"] {
                if let Some(at) = line.find(label) {
                    if !line[at + label.len()..].starts_with(' ') {
                        bad.push(format!("{path}:{n}: `{label}` without a space after it"));
                    }
                }
            }
        }
    }
    for note in knowledge().notes_in(Lang::Zh) {
        if without_code(&note.body).contains("特殊方法") {
            special_method_notes.insert(note.section.to_string());
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // 魔法函数 is the course's term; 特殊方法 is mentioned once, where §3.1
    // introduces it.
    assert_eq!(
        special_method_notes.into_iter().collect::<Vec<_>>(),
        vec!["3.1".to_string()]
    );
}

/// Comments in zh examples are written in Chinese (markers such as
/// `# -> output`, `# Python 3.11+`, `# pip install x`, `# stderr: ...` stay).
#[test]
fn zh_example_comments_are_chinese() {
    let mut bad = Vec::new();
    for (path, text) in zh_files().into_iter().filter(|(p, _)| p.ends_with(".md")) {
        let mut fence = false;
        for (i, line) in text.lines().enumerate() {
            if line.starts_with("```") {
                fence = line.starts_with("```python");
                continue;
            }
            let Some(at) = line.find('#').filter(|_| fence) else {
                continue;
            };
            // A `#` inside a string is not a comment.
            if line[..at].matches(['"', '\'']).count() % 2 == 1 {
                continue;
            }
            let comment = line[at + 1..].trim();
            let marker = comment.contains("->")
                || comment.contains("stderr:")
                || comment.starts_with("Python 3")
                || comment.starts_with("pip install");
            let words = comment
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_lowercase()))
                .count();
            if !marker && words >= 2 && !comment.chars().any(is_cjk) {
                bad.push(format!("{path}:{}: {line}", i + 1));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "English comments in zh examples:\n{}",
        bad.join("\n")
    );
}

/// A markdown body as blocks: (is code, text).
fn md_blocks(body: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let mut fence = false;
    for line in body.lines() {
        if line.trim_start().starts_with("```") {
            if !fence && !cur.is_empty() {
                out.push((false, cur.join("\n")));
                cur.clear();
            }
            cur.push(line);
            if fence {
                out.push((true, cur.join("\n")));
                cur.clear();
            }
            fence = !fence;
        } else if fence || !line.trim().is_empty() {
            cur.push(line);
        } else if !cur.is_empty() {
            out.push((false, cur.join("\n")));
            cur.clear();
        }
    }
    if !cur.is_empty() {
        out.push((fence, cur.join("\n")));
    }
    out
}

/// Classes and functions a code block defines at its top level (methods are
/// often the API they override, such as `run` or `close`). `main` is the
/// conventional entry point of `asyncio.run(main())`, not a name to look up.
fn defined_names(code: &str) -> BTreeSet<String> {
    code.lines()
        .filter_map(|l| {
            let rest = l
                .strip_prefix("class ")
                .or_else(|| l.strip_prefix("def "))
                .or_else(|| l.strip_prefix("async def "))?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            (!name.is_empty() && name != "main").then_some(name)
        })
        .collect()
}

/// Identifiers inside the `code spans` of a paragraph.
fn named_in_prose(text: &str) -> BTreeSet<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .flat_map(|span| {
            span.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every note and rule document: (what, body).
fn all_bodies() -> Vec<(String, String)> {
    let k = knowledge();
    k.notes
        .iter()
        .map(|n| (format!("§{} ({:?})", n.section, n.lang), n.body.clone()))
        .chain(k.rules.iter().map(|r| (r.file.to_string(), r.body.clone())))
        .collect()
}

/// Notes are written to be cut: a paragraph never names a class or function
/// that only a later example defines, so any leading part of a note (what a
/// hover shows) is readable on its own.
#[test]
fn prose_never_names_what_a_later_example_defines() {
    let mut bad = Vec::new();
    for (what, body) in all_bodies() {
        let blocks = md_blocks(&body);
        let mut defined = BTreeSet::new();
        for (i, (code, text)) in blocks.iter().enumerate() {
            if *code {
                defined.extend(defined_names(text));
                continue;
            }
            // A lead-in ("like this:") comes with the example it introduces.
            if text.ends_with([':', '：']) {
                if let Some((true, next)) = blocks.get(i + 1) {
                    defined.extend(defined_names(next));
                }
            }
            let later: BTreeSet<String> = blocks[i..]
                .iter()
                .filter(|(c, _)| *c)
                .flat_map(|(_, t)| defined_names(t))
                .filter(|n| !defined.contains(n))
                .collect();
            let forward: Vec<String> = named_in_prose(text).intersection(&later).cloned().collect();
            if !forward.is_empty() {
                bad.push(format!("{what}: {forward:?} before their example: {text}"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n\n"));
}

/// Whether an excerpt's last block ends a thought: a sentence, a code block,
/// a table; not a lead-in such as "like this:".
fn ends_a_thought(block: &str) -> bool {
    let block = block.trim_end();
    if block.ends_with("```") || block.starts_with('|') {
        return true;
    }
    let end = block.trim_end_matches(['*', ')', '）', '"', '”', '’', '`', '_']);
    end.ends_with(['.', '。', '!', '?', '！', '？'])
}

/// Every excerpt a hover can show (any budget up to the default) ends at a
/// complete thought and names no class or function it does not show.
#[test]
fn every_hover_excerpt_is_complete() {
    let mut bad = Vec::new();
    for (what, body) in all_bodies() {
        let all_defined: BTreeSet<String> = md_blocks(&body)
            .iter()
            .filter(|(c, _)| *c)
            .flat_map(|(_, t)| defined_names(t))
            .collect();
        let mut seen = BTreeSet::new();
        for budget in (0..=HOVER_CHARS.max(body.chars().count() + 2)).step_by(4) {
            let (text, _) = excerpt(&body, budget);
            if !seen.insert(text.clone()) {
                continue;
            }
            let blocks = md_blocks(&text);
            let Some((_, last)) = blocks.last() else {
                bad.push(format!("{what}: empty excerpt"));
                continue;
            };
            if !ends_a_thought(last) {
                bad.push(format!(
                    "{what} (budget {budget}): ends mid-thought: {last}"
                ));
            }
            let shown: BTreeSet<String> = blocks
                .iter()
                .filter(|(c, _)| *c)
                .flat_map(|(_, t)| defined_names(t))
                .collect();
            let named: BTreeSet<String> = blocks
                .iter()
                .filter(|(c, _)| !*c)
                .flat_map(|(_, t)| named_in_prose(t))
                .collect();
            let missing: Vec<&String> = named
                .iter()
                .filter(|n| all_defined.contains(*n) && !shown.contains(*n))
                .collect();
            if !missing.is_empty() {
                bad.push(format!(
                    "{what} (budget {budget}): names {missing:?} without their example"
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The number of sentences in a paragraph (code spans count as words).
fn sentences(text: &str, lang: Lang) -> usize {
    let words: String = text.split('`').step_by(2).collect::<Vec<_>>().join("X");
    let chars: Vec<char> = words.chars().collect();
    let mut count = 1;
    for (i, c) in chars.iter().enumerate() {
        let rest = &chars[i + 1..];
        let ends = match lang {
            Lang::Zh => matches!(c, '。' | '！' | '？') && !rest.is_empty(),
            Lang::En => {
                let before: String = chars[..=i].iter().collect();
                matches!(c, '.' | '!' | '?')
                    && rest.first().is_some_and(|c| c.is_whitespace())
                    && rest
                        .iter()
                        .find(|c| !c.is_whitespace())
                        .is_some_and(|c| c.is_uppercase() || matches!(c, '(' | '*'))
                    && !["e.g.", "i.e.", "etc.", "vs."]
                        .iter()
                        .any(|a| before.ends_with(a))
            }
        };
        count += usize::from(ends);
    }
    count
}

/// Notes are written to be cut: after the one-sentence summary, a paragraph
/// says one thing in at most three sentences.
#[test]
fn note_paragraphs_are_short() {
    let mut bad = Vec::new();
    for note in &knowledge().notes {
        for (i, (code, text)) in md_blocks(&note.body).iter().enumerate() {
            if *code || i == 0 || text.starts_with('|') || text.starts_with("- ") {
                continue;
            }
            let n = sentences(text, note.lang);
            if n > 3 {
                bad.push(format!(
                    "§{} ({:?}): {n} sentences: {text}",
                    note.section, note.lang
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} paragraphs:\n{}",
        bad.len(),
        bad.join("\n\n")
    );
}

/// Whether a template key matches a trigger's key written with placeholders
/// (`ch02-relation-{check}-{a}-{b}`): each placeholder stands for a
/// non-empty part without `:`.
fn key_matches(pattern: &str, key: &str) -> bool {
    match pattern.split_once('{') {
        None => pattern == key,
        Some((literal, rest)) => {
            let Some(rest_key) = key.strip_prefix(literal) else {
                return false;
            };
            let after = rest.split_once('}').map_or("", |(_, a)| a);
            (1..=rest_key.len())
                .filter(|n| rest_key.is_char_boundary(*n))
                .take_while(|n| !rest_key[..*n].contains(':'))
                .any(|n| key_matches(after, &rest_key[n..]))
        }
    }
}

/// Facets are typed (`runtime::Facet`) and their lists derived from the
/// enums; the templates are data. Every facet an analysis can give a
/// pattern has a sentence (`KEY:facet`, else the plain `KEY`) in both
/// languages, so no outcome silently drops the sentence; every sentence
/// template is reachable: a trigger's key, or `KEY:facet` for a facet that
/// can reach that key, or a key the code names.
#[test]
fn every_facet_has_a_sentence_and_every_sentence_is_used() {
    use pyexplain::analysis::explain::IMPORT_CONTEXT;
    use pyexplain::analysis::runtime::{Facet, SyntaxFacet};
    let t = triggers().unwrap();
    let k = knowledge();
    let syntax: Vec<Facet> = SyntaxFacet::ALL.iter().map(|f| (*f).into()).collect();
    let mut reachable: Vec<String> = vec![
        IMPORT_CONTEXT.to_string(),
        pyexplain::render::OVERRIDDEN_KEY.to_string(),
    ];
    let mut silent = Vec::new();
    let keyed = t
        .patterns
        .iter()
        .filter_map(|p| Some((p.context.as_deref()?, p.analysis.as_ref())))
        .chain(
            t.names
                .values()
                .filter_map(|r| Some((r.context.as_deref()?, None))),
        );
    for (key, analysis) in keyed {
        let mut facets = syntax.clone();
        if let Some((a, listed)) = analysis {
            let given = if listed.is_empty() {
                a.outcomes()
            } else {
                listed.clone()
            };
            for f in &given {
                let faceted = format!("{key}:{}", f.name());
                for lang in Lang::ALL {
                    let has = |key: &str| !k.templates(lang, key).is_empty();
                    if !key.contains('{') && !has(&faceted) && !has(key) {
                        silent.push(format!("{faceted} ({})", lang.code()));
                    }
                }
            }
            facets.extend(given);
        }
        reachable.push(key.to_string());
        reachable.extend(facets.iter().map(|f| format!("{key}:{}", f.name())));
    }
    assert!(silent.is_empty(), "facets without a sentence: {silent:?}");
    for lang in Lang::ALL {
        let unused: Vec<&str> = k
            .template_keys(lang)
            .into_iter()
            .filter(|key| !key.starts_with("ui."))
            .filter(|key| !reachable.iter().any(|r| key_matches(r, key)))
            .collect();
        assert!(
            unused.is_empty(),
            "templates no trigger or facet reaches ({}): {unused:?}",
            lang.code()
        );
    }
    // The matcher itself.
    assert!(key_matches("a-{x}-{y}", "a-isinstance-type"));
    assert!(!key_matches("a-{x}-{y}", "a-isinstance"));
    assert!(!key_matches("a-{x}", "a-b:generator"));
    assert!(key_matches("a-{x}:generator", "a-b:generator"));
}

/// Interface strings are named in the code (`"ui.more"`): every name the
/// source uses has a string in both languages, and every string is used.
#[test]
fn every_ui_string_is_defined_and_used() {
    let mut named = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for part in text.split("\"ui.").skip(1) {
                    let name: String = part
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect();
                    if part[name.len()..].starts_with('"') {
                        named.insert(format!("ui.{name}"));
                    }
                }
            }
        }
    }
    assert!(named.contains("ui.more"), "{named:?}");
    let k = knowledge();
    for lang in Lang::ALL {
        let defined: BTreeSet<String> = k
            .template_keys(lang)
            .into_iter()
            .filter(|key| key.starts_with("ui."))
            .map(String::from)
            .collect();
        let missing: Vec<_> = named.difference(&defined).collect();
        let unused: Vec<_> = defined.difference(&named).collect();
        assert!(
            missing.is_empty(),
            "ui strings missing ({}): {missing:?}",
            lang.code()
        );
        assert!(
            unused.is_empty(),
            "ui strings never used ({}): {unused:?}",
            lang.code()
        );
    }
}

/// Template arguments are typed (`analysis::args::Key`): every placeholder
/// of a sentence, interface string, rule message or fix title is a key,
/// and every key is some template's placeholder or a capture the triggers
/// use (`@arg.NAME`; a capture that is no key fails the trigger compile).
#[test]
fn every_placeholder_is_a_key_and_every_key_is_used() {
    use pyexplain::analysis::args::Key;
    let k = knowledge();
    let mut templates: Vec<String> = Vec::new();
    for lang in Lang::ALL {
        for key in k.template_keys(lang) {
            templates.extend(k.templates(lang, key).iter().cloned());
        }
    }
    for doc in &k.rules {
        templates.extend(doc.messages().cloned());
        templates.extend(doc.fix.clone());
    }
    let t = triggers().unwrap();
    templates.extend(t.context_keys().into_iter().map(String::from));
    let mut used = BTreeSet::new();
    for template in &templates {
        for name in placeholders(template) {
            let key = Key::parse(name);
            assert!(key.is_some(), "{{{name}}} is no args::Key: {template}");
            used.extend(key);
        }
    }
    used.extend(t.roles.args.iter().map(|(_, key)| *key));
    let unused: Vec<&str> = Key::ALL
        .iter()
        .filter(|key| !used.contains(*key))
        .map(|key| key.name())
        .collect();
    assert!(unused.is_empty(), "keys no template uses: {unused:?}");
}
