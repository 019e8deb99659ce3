//! `unsynchronized-global-update` (§11.4): `counter += 1` on a global from a
//! function that several threads run is a read-modify-write that can lose
//! updates unless a lock guards it.

use crate::analysis::args::Key;
use crate::analysis::ids::{NoteId, RuleId};
use crate::analysis::syntax::Fields;
use tree_sitter::Node;

use super::{Ctx, Diagnostic, Fixes, Rule, Severity};

pub const RULE: Rule = Rule {
    id: RuleId::from_static("unsynchronized-global-update"),
    note: NoteId::from_static("thread-sync"),
    severity: Severity::Warning,
    fix: Fixes::None,
    peers: &[],
    kinds: &["augmented_assignment"],
    check,
};

/// Types whose augmented assignments update the object in place.
const MUTABLE: &[&str] = &[
    "builtins.list",
    "builtins.dict",
    "builtins.set",
    "builtins.bytearray",
    "collections.deque",
    "collections.Counter",
    "collections.defaultdict",
    "collections.OrderedDict",
];

/// Pools whose tasks run in threads.
const THREAD_POOLS: &[&str] = &[
    "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor",
    "multiprocessing.pool.ThreadPool",
    "multiprocessing.dummy.Pool",
];

/// Pool methods whose first argument is the function to run.
const POOL_METHODS: &[&str] = &[
    "submit",
    "map",
    "apply",
    "apply_async",
    "map_async",
    "imap",
    "imap_unordered",
    "starmap",
    "starmap_async",
];

/// Constructs whose body runs repeatedly.
fn is_loop(kind: &str) -> bool {
    matches!(
        kind,
        "for_statement"
            | "while_statement"
            | "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression"
    )
}

fn check(ctx: &Ctx, node: Node, out: &mut Vec<Diagnostic>) {
    let Some(left) = node.field("left") else {
        return;
    };
    if left.kind() != "identifier" {
        return;
    }
    let Some(func) = ctx.enclosing_function() else {
        return;
    };
    if func.kind() != "function_definition" {
        return;
    }
    let (Some(func_name), Some(body)) = (func.field("name"), func.field("body")) else {
        return;
    };
    let name = ctx.text(left);
    let mut scan = BodyScan::default();
    scan.run(ctx, body, name);
    if !scan.declared_global || scan.acquires {
        return;
    }
    if inside_lock(body, node) {
        return;
    }
    // `results += [x]` on a global list extends it in place: nothing is lost.
    if ctx.holds(left, MUTABLE) {
        return;
    }
    let func_name = ctx.text(func_name);
    if !runs_in_several_threads(ctx, func_name) {
        return;
    }
    out.push(Diagnostic {
        rule: RULE.id,
        variant: None,
        range: node.byte_range(),
        args: vec![
            (Key::Update, crate::analysis::tree::snippet(node, ctx.src)),
            (Key::Name, name.to_string()),
            (Key::Func, func_name.to_string()),
        ]
        .into(),
        fix: None,
    });
}

/// What a function body (not its nested functions and classes) holds.
#[derive(Default)]
struct BodyScan {
    /// `global <name>`.
    declared_global: bool,
    /// Some `x.acquire()`: a lock handled by hand; do not second-guess it.
    acquires: bool,
}

impl BodyScan {
    fn run(&mut self, ctx: &Ctx, body: Node, name: &str) {
        for n in crate::analysis::tree::own_nodes(body) {
            match n.kind() {
                "global_statement" => {
                    let mut c = n.walk();
                    if n.named_children(&mut c).any(|id| ctx.text(id) == name) {
                        self.declared_global = true;
                    }
                }
                "call" => {
                    self.acquires |= n
                        .field("function")
                        .is_some_and(|f| f.kind() == "attribute" && ctx.last_name(f) == "acquire");
                }
                _ => {}
            }
        }
    }
}

/// Whether `target` sits in a `with <name>:` / `with <obj.attr>:` block
/// inside `body` (a lock, a condition, a semaphore), searching down from
/// `body`.
fn inside_lock(body: Node, target: Node) -> bool {
    let Some(path) = super::path_down(body, target) else {
        return false;
    };
    path[..path.len() - 1]
        .iter()
        .any(|n| n.kind() == "with_statement" && with_holds_lock(*n))
}

/// `with lock:`, `with self._lock:`, `with lock as held:`: an item that is a
/// plain name or attribute (a call such as `open(...)` is not a lock).
fn with_holds_lock(with: Node) -> bool {
    crate::analysis::tree::with_contexts(with)
        .into_iter()
        .any(|v| matches!(v.kind(), "identifier" | "attribute"))
}

/// Whether the module runs `func` in several threads at once: submitted to a
/// thread pool, or given as `target=` to `threading.Thread` inside a loop or
/// a comprehension, or in two places.
fn runs_in_several_threads(ctx: &Ctx, func: &str) -> bool {
    let Some(root) = ctx.root() else {
        return false;
    };
    // Cheap: the name must occur besides its definition.
    if ctx.parsed.text.matches(func).nth(1).is_none() {
        return false;
    }
    let mut threads = 0;
    // (node, inside a loop)
    let mut stack = vec![(root, false)];
    while let Some((n, in_loop)) = stack.pop() {
        if n.kind() == "call" {
            match thread_use(ctx, n, func) {
                Use::Pool => return true,
                Use::Thread if in_loop => return true,
                Use::Thread => threads += 1,
                Use::None => {}
            }
            if threads >= 2 {
                return true;
            }
        }
        let in_loop = in_loop || is_loop(n.kind());
        let mut c = n.walk();
        stack.extend(n.named_children(&mut c).map(|ch| (ch, in_loop)));
    }
    false
}

enum Use {
    None,
    Thread,
    Pool,
}

fn thread_use(ctx: &Ctx, call: Node, func: &str) -> Use {
    let (Some(callee), Some(args)) = (call.field("function"), call.field("arguments")) else {
        return Use::None;
    };
    let last = ctx.last_name(callee);
    let is_func = |n: Node| n.kind() == "identifier" && ctx.text(n) == func;
    if last == "Thread" {
        let mut c = args.walk();
        let target = args.named_children(&mut c).any(|a| {
            a.kind() == "keyword_argument"
                && a.field("name").is_some_and(|k| ctx.text(k) == "target")
                && a.field("value").is_some_and(is_func)
        });
        if target && ctx.resolve(callee).as_deref() == Some("threading.Thread") {
            return Use::Thread;
        }
        return Use::None;
    }
    if callee.kind() != "attribute" || !POOL_METHODS.contains(&last) {
        return Use::None;
    }
    if !args.named_child(0).is_some_and(is_func) {
        return Use::None;
    }
    let Some(receiver) = callee.field("object") else {
        return Use::None;
    };
    let _ = call;
    // `pool.submit(f)`, `ThreadPoolExecutor().submit(f)`.
    if ctx.holds(receiver, THREAD_POOLS) {
        Use::Pool
    } else {
        Use::None
    }
}
