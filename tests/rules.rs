//! Rule fixtures: `tests/fixtures/rules/<id>/bad.py` (a caret marker with the
//! rule id where each finding starts) and `good.py` (look-alikes that must stay
//! silent). Messages are snapshotted in both languages; every fix is applied
//! and must re-parse without new errors and remove its finding.

mod common;

use std::collections::BTreeSet;

use common::fixture::markers;
use pyexplain::analysis::ids::RuleId;
use pyexplain::analysis::rules::{self, apply_edits, Fixes, Safety, Selection, RULES};
use pyexplain::analysis::{Encoding, Parsed};
use pyexplain::knowledge::{knowledge, Lang};
use pyexplain::render;

fn only(id: RuleId) -> Selection {
    Selection {
        select: vec![id.to_string()],
        ignore: Vec::new(),
    }
}

fn error_count(parsed: &Parsed) -> usize {
    let Some(tree) = parsed.tree.as_ref() else {
        return usize::MAX;
    };
    let mut count = 0;
    let mut cursor = tree.walk();
    loop {
        let n = cursor.node();
        if n.is_error() || n.is_missing() {
            count += 1;
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return count;
            }
        }
    }
}

fn fixture(id: RuleId, name: &str) -> String {
    let path = common::repo().join(format!("tests/fixtures/rules/{id}/{name}"));
    std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("missing fixture {}", path.display()))
}

#[test]
fn every_rule_has_docs_in_both_languages() {
    let k = knowledge();
    for rule in RULES {
        for lang in Lang::ALL {
            assert!(
                k.rule_doc(rule.id, lang).is_some(),
                "{} has no {lang:?} doc",
                rule.id
            );
            assert!(
                k.note(&rule.note, lang).is_some(),
                "{} cites missing note {}",
                rule.id,
                rule.note
            );
            // The same message variants in every language.
            let names = |l: Lang| -> Vec<String> {
                let mut v: Vec<String> = k
                    .rule_doc(rule.id, l)
                    .map(|d| d.variants.iter().map(|(n, _)| n.clone()).collect())
                    .unwrap_or_default();
                v.sort();
                v
            };
            assert_eq!(
                names(lang),
                names(Lang::En),
                "{} has other message variants in {lang:?}",
                rule.id
            );
            if rule.fix != Fixes::None {
                assert!(
                    k.rule_doc(rule.id, lang).unwrap().fix.is_some(),
                    "{} has a fix but no `fix =` title ({lang:?})",
                    rule.id
                );
            }
        }
    }
    let ids: BTreeSet<RuleId> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), RULES.len(), "duplicate rule id");
    for doc in &k.rules {
        assert!(ids.contains(&doc.id), "{} documents no rule", doc.file);
    }
}

#[test]
fn bad_fixtures_fire_exactly_where_marked_and_good_ones_stay_silent() {
    let mut failures = Vec::new();
    for rule in RULES {
        let bad = fixture(rule.id, "bad.py");
        let parsed = Parsed::new(bad.clone());
        let found: BTreeSet<(u32, u32)> = rules::check(&parsed, &only(rule.id))
            .iter()
            .map(|d| {
                let lc = parsed.line_col(d.range.start, Encoding::Chars);
                (lc.line, lc.col)
            })
            .collect();
        let marks = markers(&bad);
        assert!(!marks.is_empty(), "{}/bad.py has no markers", rule.id);
        let expected: BTreeSet<(u32, u32)> = marks
            .iter()
            .inspect(|m| {
                assert_eq!(
                    m.raw,
                    rule.id.as_str(),
                    "{}/bad.py:{}: marker names another rule",
                    rule.id,
                    m.marker_line
                )
            })
            .map(|m| (m.line, m.col))
            .collect();
        for (line, col) in expected.difference(&found) {
            failures.push(format!(
                "{}/bad.py:{}:{}: expected a finding, got none",
                rule.id,
                line + 1,
                col + 1
            ));
        }
        for (line, col) in found.difference(&expected) {
            failures.push(format!(
                "{}/bad.py:{}:{}: unexpected finding",
                rule.id,
                line + 1,
                col + 1
            ));
        }
        let good = Parsed::new(fixture(rule.id, "good.py"));
        for d in rules::check(&good, &only(rule.id)) {
            let lc = good.line_col(d.range.start, Encoding::Chars);
            failures.push(format!(
                "{}/good.py:{}:{}: false positive",
                rule.id,
                lc.line + 1,
                lc.col + 1
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn messages_and_fixes_snapshot() {
    for rule in RULES {
        let bad = fixture(rule.id, "bad.py");
        let parsed = Parsed::new(bad.clone());
        let found = rules::check(&parsed, &only(rule.id));
        let mut snap = String::new();
        for lang in Lang::ALL {
            for d in &found {
                let lc = parsed.line_col(d.range.start, Encoding::Chars);
                snap.push_str(&format!(
                    "{}:{} [{}] {}\n",
                    lc.line + 1,
                    lc.col + 1,
                    lang.code(),
                    render::diagnostic_message(d, lang)
                ));
                if let Some(fix) = &d.fix {
                    snap.push_str(&format!(
                        "    fix ({}): {}\n",
                        fix.safety.as_str(),
                        render::fix_title(d, lang)
                    ));
                }
                let template = knowledge()
                    .rule_doc(rule.id, lang)
                    .unwrap()
                    .message_for(d.variant)
                    .unwrap_or_else(|| panic!("{} has no message {:?}", rule.id, d.variant));
                let message = render::diagnostic_message(d, lang);
                for name in pyexplain::knowledge::placeholders(template) {
                    assert!(
                        !message.contains(&format!("{{{name}}}")),
                        "unfilled {{{name}}} in {}",
                        rule.id
                    );
                }
            }
        }
        // All fixes, applied one at a time (re-checking in between).
        let mut text = bad.clone();
        for _ in 0..64 {
            let p = Parsed::new(text.clone());
            let Some(fix) = rules::check(&p, &only(rule.id))
                .into_iter()
                .find_map(|d| d.fix)
            else {
                break;
            };
            text = apply_edits(&text, &fix.edits).expect("fix edits apply");
        }
        if text != bad {
            snap.push_str("\n--- after all fixes\n");
            snap.push_str(&text);
        }
        common::check_snapshot(
            &common::repo().join(format!("tests/snapshots/rules/{}.txt", rule.id)),
            &snap,
        );
    }
}

#[test]
fn every_fix_reparses_cleanly_and_removes_its_finding() {
    for rule in RULES {
        let bad = fixture(rule.id, "bad.py");
        let parsed = Parsed::new(bad.clone());
        let before_errors = error_count(&parsed);
        let found = rules::check(&parsed, &only(rule.id));
        let mut fixes = 0;
        for d in &found {
            let Some(fix) = &d.fix else { continue };
            fixes += 1;
            assert!(
                rule.fix.allows(fix.safety),
                "{}: a {:?} fix, but the registry says {:?}",
                rule.id,
                fix.safety,
                rule.fix
            );
            let fixed = apply_edits(&bad, &fix.edits).expect("edits apply");
            let reparsed = Parsed::new(fixed.clone());
            assert!(
                error_count(&reparsed) <= before_errors,
                "{}: fix at {:?} introduces syntax errors:\n{fixed}",
                rule.id,
                d.range
            );
            let after = rules::check(&reparsed, &only(rule.id));
            assert!(
                after.len() < found.len(),
                "{}: fix at {:?} does not remove its finding:\n{fixed}",
                rule.id,
                d.range
            );
        }
        if rule.fix != Fixes::None {
            assert!(
                fixes > 0,
                "{}: has a fix but its bad fixture exercises none",
                rule.id
            );
        }
    }
}

#[test]
fn suppression_comments_silence_findings() {
    let src = "def f(x=[]):  # pyexplain: ignore[mutable-default-argument]\n    return x\n\ndef g(x=[]):  # noqa: B006\n    return x\n\ndef h(x=[]):  # pyexplain: ignore\n    return x\n\ndef i(x=[]):  # pyexplain: ignore[is-literal]\n    return x\n\ndef j(x=[]):  # noqa: F632\n    return x\n";
    let parsed = Parsed::new(src.to_string());
    let found = rules::check(&parsed, &Selection::default());
    let lines: Vec<u32> = found
        .iter()
        .map(|d| parsed.line_col(d.range.start, Encoding::Utf8).line + 1)
        .collect();
    assert_eq!(lines, vec![10, 13]);
}

/// What a rule document's "Fix safety" section says, from its first words:
/// the code's [`Fixes`] must match it.
fn documented_fixes(section: &str, lang: Lang) -> Option<Fixes> {
    let first = section.trim_start();
    let table: &[(&str, Fixes)] = match lang {
        Lang::En => &[
            ("No fix", Fixes::None),
            ("Sometimes safe", Fixes::Mixed),
            ("Unsafe", Fixes::Unsafe),
            ("Safe", Fixes::Safe),
        ],
        Lang::Zh => &[
            ("没有自动修复", Fixes::None),
            ("部分安全", Fixes::Mixed),
            ("不安全", Fixes::Unsafe),
            ("安全", Fixes::Safe),
        ],
    };
    table
        .iter()
        .find(|(prefix, _)| first.starts_with(prefix))
        .map(|(_, f)| *f)
}

#[test]
fn fix_safety_sections_match_the_code() {
    let k = knowledge();
    let mut failures = Vec::new();
    for rule in RULES {
        for lang in Lang::ALL {
            let doc = k.rule_doc(rule.id, lang).unwrap();
            let heading = match lang {
                Lang::En => "## Fix safety",
                Lang::Zh => "## 修复的安全性",
            };
            let Some(at) = doc.body.find(heading) else {
                failures.push(format!("{} ({lang:?}): no `{heading}` section", rule.id));
                continue;
            };
            let section = &doc.body[at + heading.len()..];
            let section = section.split("\n## ").next().unwrap_or("");
            match documented_fixes(section, lang) {
                Some(f) if f == rule.fix => {}
                other => failures.push(format!(
                    "{} ({lang:?}): the code says {:?}, the document {:?}",
                    rule.id, rule.fix, other
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixes_never_exceed_their_declared_safety_on_the_bad_fixtures() {
    // A rule declaring `Mixed` must show both kinds on its fixtures, so the
    // claim is exercised; `Safe`/`Unsafe` rules only their own kind.
    for rule in RULES {
        let parsed = Parsed::new(fixture(rule.id, "bad.py"));
        let kinds: BTreeSet<&str> = rules::check(&parsed, &only(rule.id))
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .map(|f| f.safety.as_str())
            .collect();
        let expected: BTreeSet<&str> = match rule.fix {
            Fixes::None => BTreeSet::new(),
            Fixes::Safe => [Safety::Safe.as_str()].into(),
            Fixes::Unsafe => [Safety::Unsafe.as_str()].into(),
            Fixes::Mixed => [Safety::Safe.as_str(), Safety::Unsafe.as_str()].into(),
        };
        assert_eq!(kinds, expected, "{}: fix kinds on bad.py", rule.id);
    }
}

/// The fixes of `rule` on `src`, each applied alone.
fn fixed_versions(rule: &str, src: &str) -> Vec<String> {
    let parsed = Parsed::new(src.to_string());
    let rule = rules::rule_by_name(rule).expect("a rule").id;
    rules::check(&parsed, &only(rule))
        .into_iter()
        .filter_map(|d| d.fix)
        .map(|f| apply_edits(src, &f.edits).expect("edits apply"))
        .collect()
}

#[test]
fn fixes_respect_continuations_headers_and_line_endings() {
    // A body joined to the header by a backslash: no place for the guard.
    assert!(fixed_versions(
        "mutable-default-argument",
        "def f(x=[]):\
    return x
"
    )
    .is_empty());
    // CRLF files get CRLF lines.
    let fixed = fixed_versions(
        "mutable-default-argument",
        "def f(x=[]):\r\n    return x\r\n",
    );
    assert_eq!(
        fixed,
        ["def f(x=None):\r\n    if x is None:\r\n        x = []\r\n    return x\r\n"]
    );
    // The import goes after the shebang, docstring and __future__ import,
    // in the file's line endings; an existing alias is reused.
    let src = "#!/usr/bin/env python3\r\n\"\"\"Doc.\"\"\"\r\nfrom __future__ import annotations\r\nimport time\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n";
    assert_eq!(
        fixed_versions("blocking-call-in-async", src),
        ["#!/usr/bin/env python3\r\n\"\"\"Doc.\"\"\"\r\nfrom __future__ import annotations\r\nimport asyncio\r\nimport time\r\n\r\nasync def f():\r\n    await asyncio.sleep(1)\r\n"]
    );
    let src = "import asyncio as aio\nimport time\n\nasync def f():\n    time.sleep(1)\n";
    assert_eq!(
        fixed_versions("blocking-call-in-async", src),
        ["import asyncio as aio\nimport time\n\nasync def f():\n    await aio.sleep(1)\n"]
    );
    // `asyncio` taken by something else: no fix.
    let src = "import time\nasyncio = None\n\nasync def f():\n    time.sleep(1)\n";
    assert!(fixed_versions("blocking-call-in-async", src).is_empty());
    // A BOM stays first.
    let src = "\u{feff}import time\n\nasync def f():\n    time.sleep(1)\n";
    assert!(fixed_versions("blocking-call-in-async", src)[0]
        .starts_with("\u{feff}import asyncio\nimport time\n"));
}

/// The findings of the rule named `id` on `src`.
fn findings(id: &str, src: &str) -> usize {
    let rule = rules::rule_by_name(id).expect("a rule").id;
    rules::check(&Parsed::new(src.to_string()), &only(rule)).len()
}

/// Predicates ask the tree and the semantic model, never the raw text: a
/// comment or a string that mentions `set_event_loop(`, `mock_open` or
/// `assertRaises` is not code that does it (issue 19).
#[test]
fn comments_and_strings_are_not_code() {
    let loop_src = |extra: &str| {
        format!("import asyncio\n{extra}\ndef main():\n    loop = asyncio.get_event_loop()\n")
    };
    let id = "deprecated-get-event-loop";
    assert_eq!(findings(id, &loop_src("")), 1);
    assert_eq!(
        findings(id, &loop_src("# set_event_loop(loop) elsewhere")),
        1
    );
    assert_eq!(
        findings(id, &loop_src("NOTE = 'call set_event_loop(loop)'")),
        1
    );
    // A file that sets the current loop gets that loop back.
    let sets = "def init(loop):\n    asyncio.set_event_loop(loop)";
    assert_eq!(findings(id, &loop_src(sets)), 0);
    let policy = "def init(loop):\n    asyncio.get_event_loop_policy().set_event_loop(loop)";
    assert_eq!(findings(id, &loop_src(policy)), 0);

    let open_src = |extra: &str| {
        format!("{extra}\ndef load(path):\n    f = open(path)\n    data = f.read()\n    f.close()\n    return data\n")
    };
    let id = "open-without-with";
    assert_eq!(findings(id, &open_src("")), 1);
    assert_eq!(findings(id, &open_src("# tests use mock_open")), 1);
    assert_eq!(findings(id, &open_src("DOC = 'see mock_open'")), 1);
    // Tests that patch `open` with `mock_open` get no file.
    assert_eq!(
        findings(id, &open_src("from unittest.mock import mock_open")),
        0
    );
    assert_eq!(
        findings(
            id,
            &open_src("from unittest import mock\nm = mock.mock_open()")
        ),
        0
    );

    let task_src = |with: &str| {
        format!("import asyncio\nimport pytest\n\nasync def work():\n    pass\n\nasync def test_it(self):\n    with {with}:\n        asyncio.create_task(work())\n")
    };
    let id = "dangling-task";
    assert_eq!(findings(id, &task_src("log_section('assertRaises')")), 1);
    assert_eq!(findings(id, &task_src("timer('raises(')")), 1);
    assert_eq!(findings(id, &task_src("self.assertRaises(TypeError)")), 0);
    assert_eq!(
        findings(id, &task_src("self.assertRaisesRegex(TypeError, 'x')")),
        0
    );
    assert_eq!(
        findings(id, &task_src("pytest.raises(RuntimeError) as info")),
        0
    );
    assert_eq!(
        findings(id, &task_src("lock, pytest.raises(RuntimeError)")),
        0
    );

    // `.data` is where the `User*` classes keep their contents: a body that
    // uses it gets no fix; a comment that mentions it is no use.
    let upper = |extra: &str| {
        format!("class Upper(dict):\n    def __setitem__(self, key, value):\n        {extra}\n        super().__setitem__(key, value.upper())\n")
    };
    assert_eq!(fixed_versions("subclass-builtin", &upper("pass")).len(), 1);
    assert_eq!(
        fixed_versions("subclass-builtin", &upper("# not self.data")).len(),
        1
    );
    assert!(fixed_versions("subclass-builtin", &upper("print(self.data)")).is_empty());
}
