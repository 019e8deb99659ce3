//! Robustness: no panic, no hang, no wrong state on any input.
//!
//! - pathological inputs (10,000-deep nesting, huge lines, NUL, lone `\r`);
//! - mutation fuzzing of real files (truncate, delete, duplicate, insert
//!   strange text) through parse, rules, hints and hover (proptest, so a
//!   failure shrinks to the fewest mutations);
//! - (incremental edits are fuzzed with proptest in `proptest_edits.rs`);
//! - the installed Python stdlib: every file through `check` and hover.
//!
//! Longer runs: `PYEXPLAIN_FUZZ_ITERATIONS=100000 cargo test --release --test robustness`.

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;

use pyexplain::analysis::rules::{self, Selection};
use pyexplain::analysis::{explain_at, Encoding, LineCol, Parsed};

const SNIPPETS: &[&str] = &[
    "中文",
    "😀",
    "e\u{301}",
    "\r",
    "\n",
    "\r\n",
    "\0",
    "\t",
    "\u{feff}",
    "yield from ",
    "async ",
    "def f(x=[]):\n",
    "class C(A, B, metaclass=M):\n",
    "    ",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "'''",
    "#",
    " is 1",
    "await ",
    "with open(p) as f:\n",
    "lambda x=[]: x",
    "\u{2028}",
    "\u{10ffff}",
];

/// Cases of the mutation property: `PYEXPLAIN_FUZZ_ITERATIONS`, else 300.
fn iterations() -> u32 {
    std::env::var("PYEXPLAIN_FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One change to a real file; positions are relative to the text as it is
/// when the change applies.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(Index),
    Delete(Index, usize),
    Duplicate(Index, usize),
    Insert(Index, &'static str),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => (any::<Index>(), 0..200usize).prop_map(|(a, n)| Mutation::Delete(a, n)),
        1 => (any::<Index>(), 0..200usize).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        2 => (any::<Index>(), prop::sample::select(SNIPPETS))
            .prop_map(|(a, s)| Mutation::Insert(a, s)),
    ]
}

fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut s = text.to_string();
    for m in mutations {
        let span = |s: &str, a: &Index, n: usize| {
            let a = floor(s, a.index(s.len() + 1));
            (a, floor(s, a + n))
        };
        match m {
            Mutation::Truncate(a) => {
                let a = floor(&s, a.index(s.len() + 1));
                s.truncate(a);
            }
            Mutation::Delete(a, n) => {
                let (a, b) = span(&s, a, *n);
                s.replace_range(a..b, "");
            }
            Mutation::Duplicate(a, n) => {
                let (a, b) = span(&s, a, *n);
                let dup = s[a..b].to_string();
                s.insert_str(b, &dup);
            }
            Mutation::Insert(a, snippet) => {
                let a = floor(&s, a.index(s.len() + 1));
                s.insert_str(a, snippet);
            }
        }
    }
    s
}

/// Where a text is asked: a hint range, then hovers at byte offsets and
/// (line, UTF-16 column) conversions; each may fall past the end.
#[derive(Debug, Clone)]
struct Probes {
    hints: (Index, Index),
    points: Vec<(Index, Index, u32)>,
}

fn probes(points: usize) -> impl Strategy<Value = Probes> {
    (
        (any::<Index>(), any::<Index>()),
        prop::collection::vec((any::<Index>(), any::<Index>(), 0..120u32), points),
    )
        .prop_map(|(hints, points)| Probes { hints, points })
}

/// One value of `strategy`, from a deterministic runner (tests that are not
/// properties but want varied probes).
fn drawn<S: Strategy>(runner: &mut proptest::test_runner::TestRunner, strategy: S) -> S::Value {
    match strategy.new_tree(runner) {
        Ok(tree) => tree.current(),
        Err(why) => panic!("cannot draw a value: {why}"),
    }
}

/// Runs every surface of the core over a text; panics propagate to the test.
fn exercise(text: &str, probes: &Probes) {
    let parsed = Parsed::new(text.to_string());
    let _ = rules::check(&parsed, &Selection::default());
    let (a, b) = (
        probes.hints.0.index(text.len() + 2),
        probes.hints.1.index(text.len() + 2),
    );
    for hint in pyexplain::analysis::hints::inlay_hints(&parsed, a..b) {
        assert!(a <= hint.offset && hint.offset <= b && text.is_char_boundary(hint.offset));
    }
    // The file's first name (`x` of `x = ((((...))))`) resolves through the
    // module index, which must not recurse as deep as the expression.
    let _ = explain_at(&parsed, 0);
    for (offset, line, col) in &probes.points {
        let offset = offset.index(text.len() + 2);
        if let Some(e) = explain_at(&parsed, offset) {
            let _ = pyexplain::render::hover_markdown(
                &e,
                pyexplain::knowledge::Lang::Zh,
                Default::default(),
            );
        }
        let lc = LineCol {
            line: line.index(parsed.lines.line_count() + 2) as u32,
            col: *col,
        };
        let o = parsed.offset(lc, Encoding::Utf16);
        assert!(o <= text.len() && text.is_char_boundary(o));
    }
}

/// The real files the mutations start from (read once).
fn sources() -> &'static [String] {
    static SOURCES: OnceLock<Vec<String>> = OnceLock::new();
    SOURCES.get_or_init(read_sources)
}

fn read_sources() -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["tests/fixtures/hover", "examples", "tests/nvim"] {
        let Ok(entries) = std::fs::read_dir(common::repo().join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "py") {
                out.push(std::fs::read_to_string(e.path()).unwrap());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn pathological_inputs() {
    let deep_parens = format!("x = {}1{}\n", "(".repeat(10_000), ")".repeat(10_000));
    let deep_lists = format!("x = {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
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
    deep_defs.push_str("await time.sleep(1)\n");
    let long_line = format!("s = \"{}\" is 1\n", "ab😀".repeat(200_000));
    let binaryish: String = (0..50_000u32)
        .map(|i| char::from_u32(i % 0xD7FF).unwrap_or('?'))
        .collect();
    let lone_cr = "def f():\r    yield 1\r\r    x = yield from g()\r".repeat(500);
    // Thousands of decorators on one definition, and a class with thousands
    // of subclasses and methods assigning `self.x` (the runtime analyses).
    let many_decorators = format!(
        "{}def handler(event):\n    return event\n",
        "@handle(\"key\")\n".repeat(3_000)
    );
    let mut hierarchy =
        String::from("class Base:\n    x = 0\n    def __getattr__(self, n): return n\n");
    for i in 0..2_000usize {
        hierarchy.push_str(&format!(
            "class C{i}(Base if {i} == 0 else C{}):\n    def m{i}(self):\n        self.x = super().m{i}() + self.y\n        return len(self) + self[0]\n",
            i.saturating_sub(1)
        ));
    }
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for text in [
        many_decorators,
        hierarchy,
        deep_parens,
        deep_lists,
        deep_blocks,
        deep_defs,
        long_line,
        binaryish,
        lone_cr,
        String::new(),
    ] {
        // No time limit here (tests never assert on time): a hang shows as
        // a test that does not finish; the README's figures are measured.
        exercise(&text, &drawn(&mut runner, probes(20)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(iterations()))]

    /// Real files, mutated (truncated, cut, duplicated, strange text
    /// inserted), never make parse, rules, hints or hover panic, and every
    /// offset they give back is a character boundary of the text.
    #[test]
    fn mutated_sources_never_panic(
        source in any::<Index>(),
        mutations in prop::collection::vec(mutation(), 1..5),
        probes in probes(20),
    ) {
        let sources = sources();
        prop_assert!(!sources.is_empty());
        let text = mutate(&sources[source.index(sources.len())], &mutations);
        exercise(&text, &probes);
    }
}

/// Every `.py` file of the installed stdlib (deliberately broken and
/// non-UTF-8 ones included) through check and hover.
#[test]
fn stdlib_corpus() {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['stdlib'])",
        ])
        .output()
        .expect("python3 is needed to find the stdlib");
    let stdlib = std::path::PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let mut files = Vec::new();
    let mut stack = vec![stdlib.clone()];
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
    assert!(
        files.len() > 500,
        "found only {} stdlib files under {}",
        files.len(),
        stdlib.display()
    );
    files.sort();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut non_utf8 = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let Ok(text) = String::from_utf8(bytes) else {
            non_utf8 += 1;
            continue;
        };
        let parsed = Parsed::new(text.clone());
        let _ = rules::check(&parsed, &Selection::default());
        let _ = pyexplain::analysis::hints::inlay_hints(&parsed, 0..text.len());
        for o in drawn(&mut runner, prop::collection::vec(any::<Index>(), 10)) {
            let _ = explain_at(&parsed, o.index(text.len() + 1));
        }
    }
    // The stdlib ships a few deliberately non-UTF-8 test files.
    assert!(non_utf8 < 20);
}

/// A chain of thousands of classes (each deriving from the one before, or
/// from the two before) with `super()` and `self` in the last one: the MRO
/// and lookup walks neither recurse as deep as the chain (a stack overflow
/// aborts the whole server, on its 2 MiB analysis threads as on this test's)
/// nor grow with its square. Below the cap the MRO is still given whole.
#[test]
fn long_class_chains_neither_overflow_nor_blow_up() {
    let chain = |n: usize, two_bases: bool| {
        let mut s = String::from(
            "class C0:\n    def m(self):\n        return 0\n\n\nclass C1(C0):\n    pass\n",
        );
        for i in 2..n {
            if two_bases {
                s.push_str(&format!("class C{i}(C{}, C{}):\n    pass\n", i - 1, i - 2));
            } else {
                s.push_str(&format!("class C{i}(C{}):\n    pass\n", i - 1));
            }
        }
        s.push_str(&format!(
            "class D(C{}):\n    def m(self):\n        return super().m() + self.y\n",
            n - 1
        ));
        s
    };
    for (n, two_bases) in [(20_000, false), (4_000, true)] {
        let text = chain(n, two_bases);
        let parsed = Parsed::new(text.clone());
        let _ = rules::check(&parsed, &Selection::default());
        for needle in ["super()", "self.y", "class D"] {
            let at = text.rfind(needle).unwrap();
            let _ = explain_at(&parsed, at);
        }
    }
    // Short chains: the whole MRO, as Python gives it.
    let text = chain(6, true);
    let parsed = Parsed::new(text.clone());
    let e = explain_at(&parsed, text.rfind("class C5").unwrap() + 6).expect("a hover on C5");
    let mro = e
        .args
        .get(pyexplain::analysis::args::Key::Mro)
        .map(|v| pyexplain::render::arg_text(v, pyexplain::knowledge::Lang::En));
    assert_eq!(
        mro.as_deref(),
        Some("`C5` → `C4` → `C3` → `C2` → `C1` → `C0` → `object`"),
        "{:?}",
        e.args
    );
}

/// A hover inside 70,000 nested calls: nothing to explain there (the trigger
/// query over so deep a tree ran for minutes), while the code after it is
/// explained as usual.
#[test]
fn a_hover_deep_in_nested_calls_is_nothing_and_the_rest_still_answers() {
    let n = 70_000;
    let text = format!(
        "x = {}1{}\n\ndef gen():\n    yield from range(3)\n",
        "f(".repeat(n),
        ")".repeat(n)
    );
    let parsed = Parsed::new(text.clone());
    assert!(explain_at(&parsed, 4 + 2 * (n / 2)).is_none());
    let at = text.find("yield from").unwrap();
    let e = explain_at(&parsed, at).expect("the yield from after the deep line");
    assert_eq!(e.note.as_str(), "yield-from");
}
