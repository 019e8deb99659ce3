//! Robustness: no panic, no hang, no wrong state on any input.
//!
//! - pathological inputs (10,000-deep nesting, huge lines, NUL, lone `\r`);
//! - seeded mutation fuzzing of real files (truncate, delete, duplicate,
//!   insert random Unicode) through parse, rules and hover;
//! - (incremental edits are fuzzed with proptest in `proptest_edits.rs`);
//! - the installed Python stdlib: every file through `check` and hover.
//!
//! Longer runs: `PYEXPLAIN_FUZZ_ITERATIONS=100000 cargo test --release --test robustness`.

mod common;

use std::time::{Duration, Instant};

use pyexplain::analysis::rules::{self, Selection};
use pyexplain::analysis::{explain_at, Encoding, LineCol, Parsed};

/// xorshift64*: deterministic, dependency-free randomness.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

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

fn iterations() -> usize {
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

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut s = text.to_string();
    for _ in 0..1 + rng.below(4) {
        let a = floor(&s, rng.below(s.len() + 1));
        let b = floor(&s, a + rng.below(200));
        match rng.below(5) {
            0 => s.truncate(a),
            1 => s.replace_range(a..b, ""),
            2 => {
                let dup = s[a..b].to_string();
                s.insert_str(b, &dup);
            }
            _ => {
                let snippet = SNIPPETS[rng.below(SNIPPETS.len())];
                s.insert_str(a, snippet);
            }
        }
    }
    s
}

/// Runs every surface of the core over a text; panics propagate to the test.
fn exercise(text: &str, rng: &mut Rng) {
    let parsed = Parsed::new(text.to_string());
    let _ = rules::check(&parsed, &Selection::default());
    let (a, b) = (rng.below(text.len() + 2), rng.below(text.len() + 2));
    for hint in pyexplain::analysis::hints::inlay_hints(&parsed, a..b) {
        assert!(a <= hint.offset && hint.offset <= b && text.is_char_boundary(hint.offset));
    }
    // The file's first name (`x` of `x = ((((...))))`) resolves through the
    // module index, which must not recurse as deep as the expression.
    let _ = explain_at(&parsed, 0);
    for _ in 0..20 {
        let offset = rng.below(text.len() + 2);
        if let Some(e) = explain_at(&parsed, offset) {
            let _ = pyexplain::render::hover_markdown(
                &e,
                pyexplain::knowledge::Lang::Zh,
                Default::default(),
            );
        }
        let lc = LineCol {
            line: rng.below(parsed.lines.line_count() + 2) as u32,
            col: rng.below(120) as u32,
        };
        let o = parsed.offset(lc, Encoding::Utf16);
        assert!(o <= text.len() && text.is_char_boundary(o));
    }
}

fn sources() -> Vec<String> {
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
    let mut rng = Rng(7);
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
        let start = Instant::now();
        exercise(&text, &mut rng);
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "too slow on a pathological input"
        );
    }
}

#[test]
fn mutated_sources_never_panic() {
    let sources = sources();
    let mut rng = Rng(0x5eed);
    for i in 0..iterations() {
        let base = &sources[i % sources.len()];
        let text = mutate(&mut rng, base);
        exercise(&text, &mut rng);
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
    let mut rng = Rng(2024);
    let mut non_utf8 = 0;
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let Ok(text) = String::from_utf8(bytes) else {
            non_utf8 += 1;
            continue;
        };
        let start = Instant::now();
        let parsed = Parsed::new(text.clone());
        let _ = rules::check(&parsed, &Selection::default());
        let _ = pyexplain::analysis::hints::inlay_hints(&parsed, 0..text.len());
        for _ in 0..10 {
            let o = rng.below(text.len() + 1);
            let _ = explain_at(&parsed, o);
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{} took {:?}",
            path.display(),
            start.elapsed()
        );
    }
    // The stdlib ships a few deliberately non-UTF-8 test files.
    assert!(non_utf8 < 20);
}
