//! Property tests (proptest, with shrinking) for the core's edit path:
//! after any sequence of incremental edits, the text equals the one built by
//! applying the same edits to a plain string, and findings and hovers equal
//! those of a fresh parse. `PROPTEST_CASES=10000` for a longer local run.

use proptest::prelude::*;
use pyexplain::analysis::rules::{self, Selection};
use pyexplain::analysis::{explain_at, Encoding, LineCol, Parsed};

const BASE: &str = "import asyncio, time\n\n\ndef delegate(results, key=[]):\n    while True:\n        results[key] = yield from averager()\n\n\nasync def main():\n    time.sleep(1)\n    if key is 1:\n        return 中文 + '😀'\n\r\nclass C(A, B, metaclass=M):\n    def __new__(cls):\n        pass\n";

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("yield ".to_string()),
        Just("async def f(x={}):\n".to_string()),
        Just("😀中e\u{301}".to_string()),
        Just("    ".to_string()),
        Just("(\"'".to_string()),
        "[a-z ():=\\[\\]]{0,8}",
    ]
}

/// An edit as the server receives it: a (line, UTF-16 column) range and text.
fn edit() -> impl Strategy<Value = (u32, u32, u32, u32, String)> {
    (0u32..25, 0u32..40, 0u32..4, 0u32..40, piece())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn incremental_edits_equal_a_fresh_parse(edits in proptest::collection::vec(edit(), 1..12)) {
        let mut parsed = Parsed::new(BASE.to_string());
        let mut plain = BASE.to_string();
        for (line, col, dl, end_col, text) in edits {
            let start = parsed.offset(LineCol { line, col }, Encoding::Utf16);
            let end = parsed.offset(LineCol { line: line + dl, col: end_col }, Encoding::Utf16).max(start);
            parsed.replace(start..end, &text);
            plain.replace_range(start..end, &text);
            prop_assert_eq!(&parsed.text, &plain);
        }
        parsed.reparse();
        let fresh = Parsed::new(plain.clone());
        prop_assert_eq!(
            parsed.tree.as_ref().map(|t| t.root_node().to_sexp()),
            fresh.tree.as_ref().map(|t| t.root_node().to_sexp())
        );
        let sel = Selection::default();
        prop_assert_eq!(rules::check(&parsed, &sel), rules::check(&fresh, &sel));
        for offset in (0..plain.len()).step_by(7) {
            prop_assert_eq!(explain_at(&parsed, offset), explain_at(&fresh, offset));
        }
    }
}
