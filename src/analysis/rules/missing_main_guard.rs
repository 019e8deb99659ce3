//! `missing-main-guard` (§11.6): creating processes at module level, outside
//! `if __name__ == "__main__":`, runs again in every child that re-imports
//! the main module (the spawn and forkserver start methods).

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Fixes, Rule, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("missing-main-guard"),
    note: NoteId::from_static("multiprocessing"),
    severity: Severity::Warning,
    fix: Fixes::None,
    peers: &[],
    kinds: &["call"],
    check,
};

const CREATORS: &[&str] = &[
    "multiprocessing.Process",
    "multiprocessing.Pool",
    "multiprocessing.pool.Pool",
    "concurrent.futures.ProcessPoolExecutor",
    "concurrent.futures.process.ProcessPoolExecutor",
];

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    // Cheapest first: module level only (no def, lambda or class around).
    if !ctx.stack.is_empty() {
        return;
    }
    let Some(func) = node.field("function") else {
        return;
    };
    if !matches!(
        ctx.last_name(func),
        "Process" | "Pool" | "ProcessPoolExecutor"
    ) {
        return;
    }
    let Some(qual) = ctx.resolve(func) else {
        return;
    };
    if !CREATORS.contains(&qual.as_str()) {
        return;
    }
    let Some(root) = ctx.root() else {
        return;
    };
    if guarded(ctx, root, node) {
        return;
    }
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: node.byte_range(),
        args: vec![
            (Key::Call, crate::analysis::tree::snippet(func, ctx.src)),
            (Key::Qualname, qual),
        ]
        .into(),
        fix: None,
    });
}

/// Whether `target` lies in an `if` (or `elif`) whose condition compares
/// `__name__` with `"__main__"`, searching down from the root. Any such
/// comparison counts, `!=` included: the guard's shape is the author's
/// business.
fn guarded(ctx: &Ctx, root: Node, target: Node) -> bool {
    let Some(path) = super::path_down(root, target) else {
        return false;
    };
    path[..path.len() - 1].iter().any(|n| {
        matches!(n.kind(), "if_statement" | "elif_clause")
            && n.field("condition").is_some_and(|c| is_main_test(ctx, c))
    })
}

/// `__name__ == "__main__"` (either order, either quotes), possibly inside
/// `and` / `or` / `not` / parentheses.
fn is_main_test(ctx: &Ctx, cond: Node) -> bool {
    match cond.kind() {
        "comparison_operator" => {
            let mut c = cond.walk();
            let mut has_name = false;
            let mut has_main = false;
            for ch in cond.named_children(&mut c) {
                match ch.kind() {
                    "identifier" => has_name |= ctx.text(ch) == "__name__",
                    "string" => {
                        let t = ctx.text(ch);
                        has_main |= t.trim_matches(['"', '\'']) == "__main__";
                    }
                    _ => {}
                }
            }
            has_name && has_main
        }
        "boolean_operator" | "parenthesized_expression" | "not_operator" => {
            let mut c = cond.walk();
            let found = cond.named_children(&mut c).any(|ch| is_main_test(ctx, ch));
            found
        }
        _ => false,
    }
}
