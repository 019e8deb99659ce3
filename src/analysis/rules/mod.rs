//! Pitfall rules: one file per rule, one registry table, one tree walk.
//!
//! A rule declares the node kinds it looks at ([`Rule::kinds`]) and a check
//! function called for each such node; [`check`] walks the tree once and
//! dispatches by kind. Diagnostics are plain data: a byte range, the message's
//! placeholder values (the templates live in `knowledge/rules/*/<id>.md`), and
//! an optional [`Fix`]. Suppression comments are applied here, for every rule.

use std::ops::Range;
use std::sync::OnceLock;

use tree_sitter::Node;

use super::args::Args;
pub use super::fix::{apply_edits, indent_at, line_ending, starts_logical_line, Edit, Fix, Safety};
use super::ids::{NoteId, RuleId};
use super::semantic::infer::Infer;
use super::semantic::ir::Expr;
use super::semantic::value::Value;
use super::syntax::Fields;
pub use super::tree::{is_async, mentions, path_down, sole_positional_arg};
use super::Parsed;

/// How loud a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: RuleId,
    /// Which of the rule document's messages says it: `None` for its
    /// `message`, `Some("x")` for its `message.x`.
    pub variant: Option<&'static str>,
    pub range: Range<usize>,
    /// Values for the message template's placeholders.
    pub args: Args,
    pub fix: Option<Fix>,
}

/// The fixes a rule offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixes {
    None,
    Safe,
    Unsafe,
    /// Safe in the cases its documentation names, unsafe in the others.
    Mixed,
}

impl Fixes {
    /// Whether a fix of this safety may come from a rule declaring `self`.
    pub fn allows(self, safety: Safety) -> bool {
        matches!(
            (self, safety),
            (Fixes::Safe, Safety::Safe) | (Fixes::Unsafe, Safety::Unsafe) | (Fixes::Mixed, _)
        )
    }
}

/// A rule's registry entry.
#[derive(Debug)]
pub struct Rule {
    pub id: RuleId,
    /// The note that explains it.
    pub note: NoteId,
    pub severity: Severity,
    /// The fixes it offers (its documentation's "Fix safety" says why).
    pub fix: Fixes,
    /// Codes of equivalent ruff/pylint rules: `# noqa: B006` silences ours too.
    pub peers: &'static [&'static str],
    /// Node kinds the check looks at.
    pub kinds: &'static [&'static str],
    pub check: fn(&Ctx, Node, &mut Vec<Diagnostic>),
}

// @generated begin: the rule registry, one entry per file of this directory
// (`tests/architecture.rs` checks it; `UPDATE_SNAPSHOTS=1 cargo test --test
// architecture` rewrites it).
mod acquire_without_release;
mod blocking_call_in_async;
mod dangling_task;
mod deprecated_get_event_loop;
mod deprecated_set_daemon;
mod division_parity;
mod eq_without_hash;
mod inconsistent_mro;
mod init_returns_value;
mod is_literal;
mod jump_in_finally;
mod missing_main_guard;
mod mp_queue_in_pool;
mod mutable_default;
mod mutate_while_iterating;
mod new_without_return;
mod open_without_with;
mod self_attribute_recursion;
mod send_to_unstarted_generator;
mod stop_iteration_in_generator;
mod subclass_builtin;
mod type_comparison;
mod unawaited_coroutine;
mod unsynchronized_global_update;
mod wait_with_coroutines;

/// Every rule, in file-name order.
pub static RULES: &[Rule] = &[
    acquire_without_release::RULE,
    blocking_call_in_async::RULE,
    dangling_task::RULE,
    deprecated_get_event_loop::RULE,
    deprecated_set_daemon::RULE,
    division_parity::RULE,
    eq_without_hash::RULE,
    inconsistent_mro::RULE,
    init_returns_value::RULE,
    is_literal::RULE,
    jump_in_finally::RULE,
    missing_main_guard::RULE,
    mp_queue_in_pool::RULE,
    mutable_default::RULE,
    mutate_while_iterating::RULE,
    new_without_return::RULE,
    open_without_with::RULE,
    self_attribute_recursion::RULE,
    send_to_unstarted_generator::RULE,
    stop_iteration_in_generator::RULE,
    subclass_builtin::RULE,
    type_comparison::RULE,
    unawaited_coroutine::RULE,
    unsynchronized_global_update::RULE,
    wait_with_coroutines::RULE,
];
// @generated end

/// The rule with this id.
pub fn rule(id: RuleId) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The rule a user names (`mutable-default-argument`), if it exists.
pub fn rule_by_name(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id.as_str() == name)
}

/// Which rules run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Only these (empty: all).
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn enabled(&self, id: RuleId) -> bool {
        let id = id.as_str();
        (self.select.is_empty() || self.select.iter().any(|s| s == id || s == "ALL"))
            && !self.ignore.iter().any(|s| s == id)
    }
}

/// The links of a comparison chain `a < b == c`: (left operand, operator,
/// right operand) for each operator (operands and operators alternate;
/// comments are skipped).
pub fn comparison_links(node: Node) -> Vec<(Node, Node, Node)> {
    let mut c = node.walk();
    let children: Vec<Node> = node
        .children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect();
    children
        .windows(3)
        .step_by(2)
        .map(|w| (w[0], w[1], w[2]))
        .collect()
}

/// See [`Ctx::method_call`].
pub struct MethodCall<'t, 'a> {
    pub func: Node<'t>,
    pub receiver: Node<'t>,
    pub method: &'a str,
    pub args: Node<'t>,
}

/// What a check function sees.
pub struct Ctx<'a> {
    pub parsed: &'a Parsed,
    pub src: &'a [u8],
    /// The semantic model of the file (and what it imports).
    pub infer: &'a Infer<'a>,
    /// The functions, lambdas and classes enclosing the node being checked,
    /// outermost first (tracked by the walk: `Node::parent` is not O(1)).
    pub stack: Vec<Node<'a>>,
    /// Set by [`Ctx::reads_module`].
    wide: std::cell::Cell<bool>,
}

impl<'a> Ctx<'a> {
    /// Says the check reads the module beyond the unit being checked (the
    /// root of the tree, a scan of every name or call, the module's
    /// imports): the unit's findings are computed again after any edit.
    /// Every rule that looks past the node's top-level statement, other
    /// than through the values of the names it reads, calls it.
    pub fn reads_module(&self) {
        self.wide.set(true);
    }

    /// The root of the tree (a check that looks at it reads the module).
    pub fn root(&self) -> Option<Node<'a>> {
        self.reads_module();
        self.parsed.tree.as_ref().map(|t| t.root_node())
    }

    /// What an expression holds, as the semantic model knows it.
    pub fn value(&self, node: Node) -> Value {
        self.infer.node_value(node)
    }

    /// Whether `name`, read where `at` is, is the builtin of that name (no
    /// binding of the file hides it, no star import may).
    pub fn builtin_unshadowed(&self, name: &str, at: Node) -> bool {
        self.reads_module();
        let model = self.infer.this();
        let scope = model.scope_at(at.start_byte() as u32);
        model.resolving_scope(scope, name).is_none()
            && model
                .scope(super::semantic::MODULE_SCOPE)
                .star_imports
                .is_empty()
    }

    /// Whether an expression holds an instance of what one of the qualified
    /// names gives (`threading.Lock`, `asyncio.get_running_loop`).
    pub fn holds(&self, node: Node, quals: &[&str]) -> bool {
        self.infer.instance_of_any(node, quals).is_some()
    }

    pub fn text(&self, node: Node) -> &'a str {
        self.parsed.text.get(node.byte_range()).unwrap_or("")
    }

    /// The name of a `def` or `class` (`""` without one).
    pub fn name_of(&self, definition: Node) -> &'a str {
        definition.field("name").map_or("", |n| self.text(n))
    }

    /// A method call `receiver.method(...)`: the callee, its receiver, the
    /// method's name and the arguments node.
    pub fn method_call<'t>(&self, call: Node<'t>) -> Option<MethodCall<'t, 'a>> {
        let func = call.field("function")?;
        if func.kind() != "attribute" {
            return None;
        }
        Some(MethodCall {
            func,
            receiver: func.field("object")?,
            method: self.last_name(func),
            args: call.field("arguments")?,
        })
    }

    /// The last name of a dotted callee (`sleep` for `time.sleep`): a cheap
    /// filter before [`Ctx::resolve`], which needs the module index.
    pub fn last_name(&self, node: Node) -> &'a str {
        super::tree::last_identifier(node).map_or("", |n| self.text(n))
    }

    /// Whether the module's code names `name` anywhere: a reference, an
    /// attribute, a binding (an import, an assignment, a `def`). Comments
    /// and strings do not count.
    pub fn module_names(&self, name: &str) -> bool {
        self.reads_module();
        let m = self.infer.this();
        m.bindings.iter().any(|b| &*b.name == name)
            || m.exprs.iter().any(|e| match e {
                Expr::Name { name: n, .. } | Expr::Attr { attr: n, .. } => &**n == name,
                _ => false,
            })
    }

    /// Whether the module calls something named `name` (`f(...)`,
    /// `obj.f(...)`) anywhere. Comments and strings do not count.
    pub fn module_calls(&self, name: &str) -> bool {
        self.reads_module();
        let m = self.infer.this();
        m.exprs.iter().any(|e| match e {
            Expr::Call { func, .. } => match m.expr(*func) {
                Expr::Name { name: n, .. } | Expr::Attr { attr: n, .. } => &**n == name,
                _ => false,
            },
            _ => false,
        })
    }

    /// The qualified name a callee or reference resolves to through the
    /// imports, at its place (`None` where the name is bound otherwise).
    pub fn resolve(&self, node: Node) -> Option<String> {
        self.infer.node_import_path(node)
    }

    /// The innermost function (or lambda) around the node being checked.
    pub fn enclosing_function(&self) -> Option<Node<'a>> {
        self.stack
            .iter()
            .rev()
            .find(|n| matches!(n.kind(), "function_definition" | "lambda"))
            .copied()
    }

    /// The innermost class around the node being checked.
    pub fn enclosing_class(&self) -> Option<Node<'a>> {
        self.stack
            .iter()
            .rev()
            .find(|n| n.kind() == "class_definition")
            .copied()
    }
}

/// What the walk does per node kind, built once from the rule registry:
/// indexed by kind id (every id whose name a rule lists: a kind may have
/// several ids), the rules to run there.
struct Dispatch {
    rules: Vec<Vec<usize>>,
    comment: Vec<bool>,
    scope: Vec<bool>,
}

impl Dispatch {
    fn rules(&self, kind: u16) -> &[usize] {
        self.rules.get(usize::from(kind)).map_or(&[], Vec::as_slice)
    }
    fn is(flags: &[bool], kind: u16) -> bool {
        flags.get(usize::from(kind)).copied().unwrap_or(false)
    }
}

fn dispatch() -> &'static Dispatch {
    static DISPATCH: OnceLock<Dispatch> = OnceLock::new();
    DISPATCH.get_or_init(|| {
        let lang = super::syntax::language();
        let count = lang.node_kind_count();
        let mut d = Dispatch {
            rules: vec![Vec::new(); count],
            comment: vec![false; count],
            scope: vec![false; count],
        };
        for id in 0..count {
            let Ok(kind_id) = u16::try_from(id) else {
                break;
            };
            if !lang.node_kind_is_named(kind_id) {
                continue;
            }
            let Some(name) = lang.node_kind_for_id(kind_id) else {
                continue;
            };
            d.comment[id] = name == "comment";
            d.scope[id] = matches!(name, "function_definition" | "lambda" | "class_definition");
            for (i, rule) in RULES.iter().enumerate() {
                if rule.kinds.contains(&name) {
                    d.rules[id].push(i);
                }
            }
        }
        d
    })
}

/// Runs the selected rules over a parsed file; suppressed findings are
/// dropped. Sorted by position, then rule id.
///
/// Each unit of the file (the module node itself, then each top-level
/// statement) is checked on its own, with inference of its own: a unit's
/// findings do not depend on the order units are checked in, which is what
/// lets `findings::analyse` reuse them after an edit.
pub fn check(parsed: &Parsed, selection: &Selection) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let Some(tree) = parsed.tree.as_ref() else {
        return Vec::new();
    };
    let enabled = enabled(selection);
    if !enabled.iter().any(|e| *e) {
        return Vec::new();
    }
    let world = parsed.world();
    let root = tree.root_node();
    let units = units(root);
    let checked: Vec<UnitCheck> = std::iter::once(root)
        .chain(units.iter().copied())
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&unit| check_unit(parsed, &world, &enabled, unit))
        .collect();
    finish(parsed, &checked)
}

/// Which rules of the registry `selection` runs, by index.
pub fn enabled(selection: &Selection) -> Vec<bool> {
    RULES.iter().map(|r| selection.enabled(r.id)).collect()
}

/// The units of a file below its module node: the top-level statements
/// (and comments), in order.
pub fn units(root: Node) -> Vec<Node> {
    let mut cursor = root.walk();
    root.children(&mut cursor).collect()
}

/// What checking one unit found (suppression not applied yet) and whether
/// the check read beyond the unit.
#[derive(Debug, Clone, Default)]
pub struct UnitCheck {
    pub diagnostics: Vec<Diagnostic>,
    /// The byte ranges of its comments (for suppression).
    pub comments: Vec<Range<usize>>,
    /// The check read more than the unit's own code and the values the
    /// model gives the names it reads: the module's other code (a scan of
    /// the whole module, an import's place, the statements after a
    /// module-level one), or a finding lies outside the unit or names a
    /// line or place. Such a unit is checked again after every edit.
    pub wide: bool,
    /// The check read a module of the workspace: the unit is checked again
    /// when another module of the workspace changed.
    pub workspace: bool,
}

/// Checks one unit: the module node alone (its own kind only), or a
/// top-level statement and everything under it.
pub fn check_unit(
    parsed: &Parsed,
    world: &super::semantic::world::World,
    enabled: &[bool],
    unit: Node,
) -> UnitCheck {
    let infer = Infer::new(world);
    let mut ctx = Ctx {
        parsed,
        src: parsed.text.as_bytes(),
        infer: &infer,
        stack: Vec::new(),
        wide: std::cell::Cell::new(false),
    };
    let mut out = UnitCheck::default();
    // The module node (not `Node::parent`, a search from the root).
    let shallow = parsed
        .tree
        .as_ref()
        .is_some_and(|t| t.root_node().id() == unit.id());
    walk(
        &mut ctx,
        unit,
        shallow,
        enabled,
        &mut out.diagnostics,
        &mut out.comments,
    );
    let range = unit.byte_range();
    let outside = |r: &Range<usize>| r.start < range.start || r.end > range.end;
    out.workspace = infer.read_workspace();
    out.wide = ctx.wide.get()
        || out.diagnostics.iter().any(|d| {
            outside(&d.range)
                || d.fix
                    .as_ref()
                    .is_some_and(|f| f.edits.iter().any(|e| outside(&e.range)))
                || d.args.places()
        });
    out
}

/// The findings of a file from those of all its units: suppression, order
/// and duplicates.
pub fn finish<'u>(
    parsed: &Parsed,
    units: impl IntoIterator<Item = &'u UnitCheck>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut comments = Vec::new();
    for unit in units {
        out.extend(unit.diagnostics.iter().cloned());
        comments.extend(unit.comments.iter().cloned());
    }
    out.retain(|d| !suppressed(parsed, &comments, d));
    out.sort_by_key(|d| (d.range.start, d.rule));
    out.dedup();
    out
}

/// The rule walk over `top`'s subtree (only `top` itself when `shallow`).
fn walk<'a>(
    ctx: &mut Ctx<'a>,
    top: Node<'a>,
    shallow: bool,
    enabled: &[bool],
    out: &mut Vec<Diagnostic>,
    comments: &mut Vec<Range<usize>>,
) {
    let dispatch = dispatch();
    let mut cursor = top.walk();
    loop {
        let node = cursor.node();
        let kind = node.kind_id();
        if Dispatch::is(&dispatch.comment, kind) {
            comments.push(node.byte_range());
        } else {
            for &i in dispatch.rules(kind) {
                if enabled[i] {
                    (RULES[i].check)(ctx, node, out);
                }
            }
        }
        if shallow {
            return;
        }
        let is_scope = Dispatch::is(&dispatch.scope, kind);
        if cursor.goto_first_child() {
            if is_scope {
                ctx.stack.push(node);
            }
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            if ctx
                .stack
                .last()
                .is_some_and(|s| s.id() == cursor.node().id())
            {
                ctx.stack.pop();
            }
        }
    }
}

/// `# pyexplain: ignore`, `# pyexplain: ignore[id, ...]` or `# noqa` (bare or
/// with a peer code) on the diagnostic's first line.
fn suppressed(parsed: &Parsed, comments: &[Range<usize>], d: &Diagnostic) -> bool {
    let line = parsed.lines.line_of(d.range.start);
    let Some(rule) = rule(d.rule) else {
        return false;
    };
    comments
        .iter()
        .filter(|c| parsed.lines.line_of(c.start) == line)
        .any(|c| {
            let text = parsed.text.get(c.clone()).unwrap_or("");
            directive_silences(text, rule)
        })
}

/// Whether a comment's text silences `rule`.
pub fn directive_silences(comment: &str, rule: &Rule) -> bool {
    for part in comment.split('#').map(str::trim) {
        if let Some(rest) = part.strip_prefix("pyexplain:") {
            let rest = rest.trim();
            if let Some(list) = rest.strip_prefix("ignore") {
                let list = list.trim();
                if list.is_empty() || !list.starts_with('[') {
                    return true;
                }
                let inner = list.trim_start_matches('[').split(']').next().unwrap_or("");
                if inner.split(',').any(|id| id.trim() == rule.id.as_str()) {
                    return true;
                }
            }
        } else if let Some(rest) = part
            .strip_prefix("noqa")
            .or_else(|| part.strip_prefix("NOQA"))
        {
            let rest = rest.trim();
            let Some(codes) = rest.strip_prefix(':') else {
                return rest.is_empty();
            };
            if codes
                .split([',', ' '])
                .map(str::trim)
                .any(|c| c == rule.id.as_str() || rule.peers.contains(&c))
            {
                return true;
            }
        }
    }
    false
}

/// The name under which `module` can be used at the node being checked,
/// and the edit importing it when the module is not imported yet: an
/// existing `import module` (or `import module as m`) is reused; a new
/// `import module` goes after the module's header. `None` when the name is
/// taken by something else, or no place for the import exists.
pub fn import_module(ctx: &Ctx, module: &str, at: Node) -> Option<(String, Option<Edit>)> {
    ctx.reads_module();
    let model = ctx.infer.this().clone();
    let scope = model.scope_at(at.start_byte() as u32);
    // A module-level `import module` (or `import module as m`) whose name
    // means the module where the fix writes it.
    let imports_it = |name: &str| {
        let ids = model.bindings_in(super::semantic::MODULE_SCOPE, name);
        !ids.is_empty()
            && ids.iter().all(|b| {
                matches!(model.binding(*b).map(|b| &b.kind),
                    Some(super::semantic::BindingKind::Import { module: m }) if &**m == module)
            })
            && model.resolving_scope(scope, name) == Some(super::semantic::MODULE_SCOPE)
    };
    if imports_it(module) {
        return Some((module.to_string(), None));
    }
    let mut aliases: Vec<&str> = model
        .bindings
        .iter()
        .filter(|b| b.scope == super::semantic::MODULE_SCOPE)
        .filter(|b| matches!(&b.kind, super::semantic::BindingKind::Import { module: m } if &**m == module))
        .map(|b| &*b.name)
        .collect();
    aliases.sort_unstable();
    if let Some(alias) = aliases.into_iter().find(|a| imports_it(a)) {
        return Some((alias.to_string(), None));
    }
    // `module` bound to something else anywhere: a new import would be
    // shadowed, or would shadow.
    if model.bindings.iter().any(|b| *b.name == *module) {
        return None;
    }
    let pos = super::fix::module_header_end(ctx.parsed)?;
    let edit = super::fix::insert_line(&ctx.parsed.text, pos, &format!("import {module}"));
    Some((module.to_string(), Some(edit)))
}

/// Whether `await` may be written at `node` and waits in the coroutine of
/// the innermost `async def`: that function is the innermost scope (not a
/// lambda or class body inside it) and no generator expression lies in
/// between (an `await` there makes an async generator expression).
pub fn await_allowed(ctx: &Ctx, node: Node) -> bool {
    let Some(func) = ctx.stack.last().copied().filter(|f| is_async(*f)) else {
        return false;
    };
    let Some(body) = func.field("body") else {
        return false;
    };
    match path_down(body, node) {
        Some(path) => !path.iter().any(|n| n.kind() == "generator_expression"),
        None => false,
    }
}

/// Whether a `with` statement is `with self.assertRaises(...)` or
/// `with pytest.raises(...)`: a test that expects its body to raise.
pub fn expects_exception(ctx: &Ctx, with: Node) -> bool {
    super::tree::with_contexts(with).into_iter().any(|value| {
        value.kind() == "call"
            && value.field("function").is_some_and(|f| {
                matches!(
                    ctx.last_name(f),
                    "assertRaises" | "assertRaisesRegex" | "raises"
                )
            })
    })
}

/// Whether `node` is the operand of an `await`.
pub fn is_awaited(node: Node) -> bool {
    node.parent().is_some_and(|p| p.kind() == "await")
}

/// What [`fix_all`] did to a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedText {
    /// The text after the fixes (the input if none applied).
    pub text: String,
    /// How many fixes were applied.
    pub applied: usize,
    /// Why nothing was applied to a text that had fixes, or why fixing
    /// stopped early.
    pub stopped: Option<FixStop>,
}

/// Why [`fix_all`] stopped before every fixable finding was fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixStop {
    /// The text does not parse: no fix is applied to it.
    SyntaxErrors,
    /// Fixes kept producing new fixes for [`MAX_FIX_ROUNDS`] rounds.
    NoConvergence,
}

/// How many rounds of fixes [`fix_all`] runs before it gives up.
pub const MAX_FIX_ROUNDS: usize = 100;

/// Applies every fix the selection allows, round by round: each round takes
/// the fixes of the current text that do not overlap (in position order),
/// applies them together, and checks again, until no fix is left. A round
/// whose result does not parse as cleanly is undone fix by fix (the first
/// fix alone is tried instead). A text with syntax errors is left alone.
pub fn fix_all(
    text: &str,
    context: &super::ModuleContext,
    selection: &Selection,
    allow_unsafe: bool,
) -> FixedText {
    let allowed = |s: Safety| s == Safety::Safe || allow_unsafe;
    let mut out = FixedText {
        text: text.to_string(),
        applied: 0,
        stopped: None,
    };
    let parsed = Parsed::new(out.text.clone()).with_context(context.clone());
    if parsed
        .tree
        .as_ref()
        .is_none_or(|t| t.root_node().has_error())
    {
        let fixable = check(&parsed, selection)
            .iter()
            .any(|d| d.fix.as_ref().is_some_and(|f| allowed(f.safety)));
        if fixable {
            out.stopped = Some(FixStop::SyntaxErrors);
        }
        return out;
    }
    let (parsed, applied, stopped) = fix_rounds(
        parsed,
        |parsed| {
            check(parsed, selection)
                .into_iter()
                .filter_map(|d| d.fix)
                .filter(|f| allowed(f.safety))
                .map(|f| f.edits.into_iter().map(|e| ((), e)).collect())
                .collect()
        },
        |parsed, edits| {
            apply_edits(&parsed.text, &edits_at(edits, &()))
                .map(|t| Parsed::new(t).with_context(context.clone()))
                .filter(parses_cleanly)
        },
    );
    out.text = parsed.text.clone();
    out.applied = applied;
    out.stopped = stopped;
    out
}

/// The edits of `edits` (as [`fix_rounds`] passes them) placed at `place`.
pub fn edits_at<P: PartialEq>(edits: &[(P, Edit)], place: &P) -> Vec<Edit> {
    edits
        .iter()
        .filter(|(p, _)| p == place)
        .map(|(_, e)| e.clone())
        .collect()
}

/// The rounds of [`fix_all`] over any document `state` (a text, a
/// notebook's cells): `fixes` gives the allowed fixes of its findings, each
/// a list of (place, edit) (edits in different places, such as two cells,
/// never clash); `apply` gives the document with some of them applied, if
/// it parses cleanly. Each round takes the fixes that do not overlap, first
/// come first served, and applies them together, or the first alone if
/// together they break the document; it stops when no fix is left, when
/// even the first alone breaks it, or after [`MAX_FIX_ROUNDS`]. The final
/// state, the fixes applied, and why it stopped early.
pub fn fix_rounds<S, P: PartialEq + Clone>(
    mut state: S,
    mut fixes: impl FnMut(&S) -> Vec<Vec<(P, Edit)>>,
    apply: impl Fn(&S, &[(P, Edit)]) -> Option<S>,
) -> (S, usize, Option<FixStop>) {
    let mut applied = 0;
    for _ in 0..MAX_FIX_ROUNDS {
        let fixes = fixes(&state);
        let Some(first) = fixes.first() else {
            return (state, applied, None);
        };
        let mut taken = 0;
        let mut edits: Vec<(P, Edit)> = Vec::new();
        for fix in &fixes {
            let clashes = fix.iter().any(|(p, e)| {
                edits.iter().any(|(tp, t)| {
                    p == tp
                        && (e.range.start < t.range.end && t.range.start < e.range.end
                            || e.range.start == t.range.start)
                })
            });
            if !clashes {
                taken += 1;
                edits.extend(fix.iter().cloned());
            }
        }
        let (next, count) = match apply(&state, &edits) {
            Some(next) => (next, taken),
            // One fix alone; if even that breaks the document, stop.
            None => match apply(&state, first) {
                Some(next) => (next, 1),
                None => return (state, applied, None),
            },
        };
        state = next;
        applied += count;
    }
    (state, applied, Some(FixStop::NoConvergence))
}

/// Whether the text parsed without a syntax error.
pub fn parses_cleanly(parsed: &Parsed) -> bool {
    parsed
        .tree
        .as_ref()
        .is_some_and(|t| !t.root_node().has_error())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy document for [`fix_rounds`]: buffers of text, every `x`
    /// replaced by `y` (one fix per `x`, placed in its buffer), and a
    /// document where two buffers end in `y` "does not parse".
    fn replace_x(docs: &[String]) -> Vec<Vec<(usize, Edit)>> {
        let mut fixes = Vec::new();
        for (place, text) in docs.iter().enumerate() {
            for (i, _) in text.match_indices('x') {
                let edit = Edit {
                    range: i..i + 1,
                    text: "y".into(),
                };
                fixes.push(vec![(place, edit)]);
            }
        }
        fixes
    }

    fn apply_to(docs: &[String], edits: &[(usize, Edit)], strict: bool) -> Option<Vec<String>> {
        let mut next = docs.to_vec();
        for (place, text) in next.iter_mut().enumerate() {
            *text = apply_edits(text, &edits_at(edits, &place))?;
        }
        let broken = next.iter().filter(|t| t.ends_with('y')).count() > 1;
        (!strict || !broken).then_some(next)
    }

    /// [`fix_rounds`] replacing every `x` of `docs` (`strict`: two buffers
    /// ending in `y` do not parse), and how many rounds asked for fixes.
    fn rounds_of(docs: &[&str], strict: bool) -> (Vec<String>, usize, Option<FixStop>, usize) {
        let docs: Vec<String> = docs.iter().map(|d| d.to_string()).collect();
        let mut rounds = 0;
        let (done, applied, stopped) = fix_rounds(
            docs,
            |d| {
                rounds += 1;
                replace_x(d)
            },
            |d, e| apply_to(d, e, strict),
        );
        (done, applied, stopped, rounds)
    }

    #[test]
    fn fix_rounds_applies_fixes_in_different_places_together() {
        // The same bytes of two buffers: one round applies both.
        let (done, applied, stopped, rounds) = rounds_of(&["ax", "bx"], false);
        assert_eq!(done, ["ay", "by"]);
        assert_eq!((applied, stopped, rounds), (2, None, 2));
    }

    #[test]
    fn fix_rounds_takes_the_first_alone_when_together_they_break() {
        let (done, applied, stopped, rounds) = rounds_of(&["ax", "bx"], true);
        // Round 1: both break, the first alone does not; round 2: the
        // second alone breaks: stop.
        assert_eq!(done, ["ay", "bx"]);
        assert_eq!((applied, stopped, rounds), (1, None, 2));
    }

    #[test]
    fn fix_rounds_keeps_overlapping_fixes_for_a_later_round() {
        // Two fixes of the same byte: the second waits for the next round,
        // where it no longer applies.
        let docs = vec!["x".to_string()];
        let (done, applied, _) = fix_rounds(
            docs,
            |d| {
                let mut fixes = replace_x(d);
                if let Some(first) = fixes.first().cloned() {
                    fixes.push(first);
                }
                fixes
            },
            |d, e| apply_to(d, e, false),
        );
        assert_eq!((done[0].as_str(), applied), ("y", 1));
    }

    #[test]
    fn fix_rounds_gives_up_when_fixes_never_run_out() {
        let docs = vec![String::new()];
        let (done, applied, stopped) = fix_rounds(
            docs,
            |_| {
                vec![vec![(
                    0,
                    Edit {
                        range: 0..0,
                        text: "z".into(),
                    },
                )]]
            },
            |d, e| apply_to(d, e, false),
        );
        assert_eq!(applied, MAX_FIX_ROUNDS);
        assert_eq!(done[0].len(), MAX_FIX_ROUNDS);
        assert_eq!(stopped, Some(FixStop::NoConvergence));
    }

    #[test]
    fn every_kind_a_rule_lists_is_a_named_kind_of_the_grammar() {
        let lang = super::super::syntax::language();
        let d = dispatch();
        for (i, rule) in RULES.iter().enumerate() {
            for kind in rule.kinds {
                assert_ne!(lang.id_for_node_kind(kind, true), 0, "{}: {kind}", rule.id);
                let ids: Vec<usize> = (0..d.rules.len())
                    .filter(|&k| d.rules[k].contains(&i))
                    .collect();
                assert!(
                    ids.iter()
                        .any(|&k| lang.node_kind_for_id(k as u16) == Some(kind)),
                    "{}: {kind} is not dispatched",
                    rule.id
                );
            }
        }
        let comment = lang.id_for_node_kind("comment", true);
        assert!(Dispatch::is(&d.comment, comment));
        for scope in ["function_definition", "lambda", "class_definition"] {
            assert!(
                Dispatch::is(&d.scope, lang.id_for_node_kind(scope, true)),
                "{scope}"
            );
        }
        assert!(!Dispatch::is(&d.scope, lang.id_for_node_kind("call", true)));
    }
}
