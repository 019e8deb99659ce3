//! `sections_in` is `explain_at` at every byte, computed in one pass: every
//! occurrence it reports is what a hover at its offset shows (same note, same
//! range), and, on the hover fixtures and small stdlib files, every hover at
//! any byte is one of its occurrences. It never panics on garbage.
//!
//! The whole stdlib (forward direction): `PYEXPLAIN_MAP_STDLIB=all cargo test
//! --release --test course_map`.

mod common;

use pyexplain::analysis::ids::NoteId;
use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use pyexplain::analysis::course_map::match_signatures;
use pyexplain::analysis::{explain_at_level, sections_in, Explanation, Level, Parsed};

/// What the hover shows at its default level, the level the course map
/// counts.
fn explain_at(parsed: &Parsed, offset: usize) -> Option<Explanation> {
    explain_at_level(parsed, offset, Level::Usage)
}

/// Each occurrence's offset gives the same note and range through `explain_at`;
/// occurrences are distinct per (note, range) and in text order.
fn assert_forward(name: &str, parsed: &Parsed) -> Vec<(NoteId, Range<usize>)> {
    let occurrences = sections_in(parsed);
    let mut seen = HashSet::new();
    let mut last = 0;
    for o in &occurrences {
        let lc = parsed.line_col(o.offset, pyexplain::analysis::Encoding::Chars);
        let at = format!("{name}:{}:{}", lc.line + 1, lc.col + 1);
        let e = explain_at(parsed, o.offset)
            .unwrap_or_else(|| panic!("{at}: sections_in says {}, explain_at nothing", o.note));
        assert_eq!(
            (&e.note, &e.range),
            (&o.note, &o.range),
            "{at}: explain_at and sections_in disagree"
        );
        assert!(
            seen.insert((o.note.clone(), o.range.clone())),
            "{at}: {} counted twice",
            o.note
        );
        assert!(o.offset >= last, "{at}: not in text order");
        last = o.offset;
    }
    occurrences.into_iter().map(|o| (o.note, o.range)).collect()
}

/// Every byte's hover is one of the occurrences.
fn assert_backward(name: &str, parsed: &Parsed, found: &[(NoteId, Range<usize>)]) {
    let found: HashSet<&(NoteId, Range<usize>)> = found.iter().collect();
    let mut at_bytes = HashSet::new();
    for offset in 0..parsed.text.len() {
        if let Some(e) = explain_at(parsed, offset) {
            let key = (e.note, e.range);
            if !found.contains(&key) {
                let lc = parsed.line_col(offset, pyexplain::analysis::Encoding::Chars);
                panic!(
                    "{name}:{}:{}: explain_at gives {} {:?}, sections_in misses it",
                    lc.line + 1,
                    lc.col + 1,
                    key.0,
                    key.1
                );
            }
            at_bytes.insert(key);
        }
    }
    assert_eq!(
        at_bytes.len(),
        found.len(),
        "{name}: an occurrence no byte's hover shows"
    );
}

fn py_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name()
                    .is_some_and(|n| n != "site-packages" && n != "__pycache__")
                {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "py") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn hover_fixtures_both_directions() {
    let files = py_files(&common::repo().join("tests/fixtures/hover"));
    assert!(files.len() > 20);
    let mut notes = HashSet::new();
    for file in files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let parsed = Parsed::new(std::fs::read_to_string(&file).unwrap());
        let found = assert_forward(&name, &parsed);
        assert_backward(&name, &parsed, &found);
        notes.extend(found.into_iter().map(|(n, _)| n));
    }
    // The fixtures exercise most of the course.
    assert!(notes.len() > 50, "only {} notes", notes.len());
}

/// Small stdlib files in both directions, bigger ones forward.
#[test]
fn stdlib_samples() {
    let root = common::stdlib();
    let all = std::env::var("PYEXPLAIN_MAP_STDLIB").is_ok_and(|v| v == "all");
    let files: Vec<PathBuf> = if all {
        py_files(&root)
    } else {
        [
            "asyncio/locks.py",
            "asyncio/queues.py",
            "asyncio/tasks.py",
            "concurrent/futures/thread.py",
            "contextlib.py",
            "abc.py",
            "queue.py",
            "threading.py",
            "socketserver.py",
            "functools.py",
            "weakref.py",
            "enum.py",
            // Long enough that one inference budget for the whole file ran
            // dry before its end.
            "test/test_argparse.py",
        ]
        .iter()
        .map(|f| root.join(f))
        .filter(|p| p.exists())
        .collect()
    };
    assert!(!files.is_empty(), "no stdlib under {}", root.display());
    let mut total = 0;
    for file in &files {
        let Ok(text) = String::from_utf8(std::fs::read(file).unwrap()) else {
            continue;
        };
        let name = file.display().to_string();
        let parsed = Parsed::new(text);
        let found = assert_forward(&name, &parsed);
        total += found.len();
        if !all && parsed.text.len() < 12_000 {
            assert_backward(&name, &parsed, &found);
        }
    }
    assert!(total > 100, "only {total} occurrences in the samples");
}

/// The course map matches the triggers with a split of the query (patterns
/// that need a word run only where the word is); it must find exactly the
/// single query's matches. On every tenth stdlib file (every file with
/// `PYEXPLAIN_MAP_STDLIB=all`) and the hover fixtures.
#[test]
fn the_split_query_finds_the_single_querys_matches() {
    let all = std::env::var("PYEXPLAIN_MAP_STDLIB").is_ok_and(|v| v == "all");
    let stdlib = py_files(&common::stdlib());
    let files = stdlib
        .iter()
        .enumerate()
        .filter(|(i, _)| all || i % 10 == 0)
        .map(|(_, f)| f.clone())
        .chain(py_files(&common::repo().join("tests/fixtures/hover")));
    let mut checked = 0;
    let mut matches = 0;
    for file in files {
        let Ok(text) = String::from_utf8(std::fs::read(&file).unwrap()) else {
            continue;
        };
        let parsed = Parsed::new(text);
        let single = match_signatures(&parsed, false).unwrap();
        let split = match_signatures(&parsed, true).unwrap();
        if single != split {
            let only = |a: &[String], b: &[String]| -> Vec<String> {
                a.iter()
                    .filter(|x| !b.contains(x))
                    .take(5)
                    .cloned()
                    .collect()
            };
            panic!(
                "{}: the split query differs; only the single query: {:?}; only the split: {:?}",
                file.display(),
                only(&single, &split),
                only(&split, &single)
            );
        }
        checked += 1;
        matches += single.len();
    }
    assert!(
        checked > 100 && matches > 100_000,
        "{checked} files, {matches} matches"
    );
}

const TOKENS: &[&str] = &[
    "yield from ",
    "yield ",
    "async ",
    "await ",
    "def ",
    "class ",
    "(",
    ")",
    ":",
    "\n",
    "    ",
    "with ",
    " as ",
    "import ",
    "from ",
    "asyncio",
    ".",
    "gather",
    "threading",
    "Lock",
    "@property",
    "__getattr__",
    "self",
    "x",
    "=",
    "[",
    "]",
    "{",
    "}",
    ",",
    "lambda ",
    "super()",
    "metaclass=",
    "for ",
    " in ",
    "try:",
    "finally:",
    "return ",
    "'s'",
    "\"",
    "#",
    "中文",
    "\t",
    "\r",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
    ))]

    #[test]
    fn garbage_never_panics_and_stays_consistent(
        picks in proptest::collection::vec(0..TOKENS.len(), 0..120),
        noise in ".{0,40}",
    ) {
        let mut text: String = picks.iter().map(|&i| TOKENS[i]).collect();
        text.push_str(&noise);
        let parsed = Parsed::new(text);
        let found = assert_forward("garbage", &parsed);
        assert_backward("garbage", &parsed, &found);
        if parsed.tree.is_some() {
            prop_assert_eq!(
                match_signatures(&parsed, true).unwrap(),
                match_signatures(&parsed, false).unwrap()
            );
        }
    }
}

#[test]
fn empty_and_tree_less_inputs() {
    assert!(sections_in(&Parsed::new(String::new())).is_empty());
    let mut parsed = Parsed::new("async def f():\n    await g()\n".into());
    assert!(!sections_in(&parsed).is_empty());
    parsed.release_tree();
    assert!(sections_in(&parsed).is_empty());
}

/// Deep nesting and huge lines: no panic, consistent, bounded time.
#[test]
fn pathological_inputs() {
    let mut deep_blocks = String::new();
    for i in 0..2_000 {
        deep_blocks.push_str(&" ".repeat(i));
        deep_blocks.push_str("if x:\n");
    }
    deep_blocks.push_str(&" ".repeat(2_000));
    deep_blocks.push_str("yield from g()\n");
    let mut deep_defs = String::new();
    for i in 0..1_000 {
        deep_defs.push_str(&" ".repeat(i * 4));
        deep_defs.push_str(&format!("async def f{i}(x=[]):\n"));
    }
    deep_defs.push_str(&" ".repeat(4_000));
    deep_defs.push_str("await asyncio.sleep(1)\n");
    let many_defs =
        "class C(A, B):\n    @property\n    def f(self):\n        yield from g()\n".repeat(5_000);
    for text in [
        format!("x = {}1{}\n", "(".repeat(10_000), ")".repeat(10_000)),
        format!("x = {}{}\n", "[".repeat(10_000), "]".repeat(10_000)),
        deep_blocks,
        deep_defs,
        many_defs,
        format!("s = \"{}\" is 1\n", "ab😀".repeat(200_000)),
        "def f():\r    yield 1\r\r    x = yield from g()\r".repeat(500),
    ] {
        let parsed = Parsed::new(text);
        let found = sections_in(&parsed);
        // A hover costs milliseconds on these: check a sample.
        let step = found.len() / 50 + 1;
        for o in found.iter().step_by(step) {
            let e = explain_at(&parsed, o.offset).expect("a hover at the occurrence");
            assert_eq!((&e.note, &e.range), (&o.note, &o.range));
        }
    }
}
