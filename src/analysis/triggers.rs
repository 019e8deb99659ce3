//! Cursor -> the construct under it -> the note that explains it, with the
//! names from the user's code that the hover's first sentences mention.
//!
//! What triggers a note is data, in `knowledge/triggers/`:
//!
//! - `*.scm` files hold tree-sitter query patterns. A pattern sets `note` (a
//!   note id) and optionally `context` (a sentence template key of
//!   `knowledge/*/context*.txt`; it may itself contain `{arg}` placeholders,
//!   e.g. `dunder-{dunder}`) with `#set!`. Its captures: `@anchor` (the cursor
//!   must be on one of these nodes), `@construct` (the construct; its range is
//!   the hover's range, or its header for compound statements), optional
//!   `@range` (overrides the range), `@arg.NAME` (fills `{NAME}`).
//!   `#set! resolves "mod.name,..."` requires the `@anchor` reference to
//!   resolve through the module's imports to one of the names;
//!   `#set! requires "pred,..."` requires code-level predicates (see
//!   [`Predicate`]). `#set! analysis "NAME[:outcome,...]"` runs a runtime
//!   analysis (`super::runtime`) on the match, with `@receiver` the
//!   expression whose class matters and `#set! dunders` what a `dispatch`
//!   looks for; its outcome becomes the first facet, and a pattern listing
//!   outcomes applies only for those. `#set! level "core|usage|everyday"`
//!   gives the pattern's relevance level ([`Level`]; `usage` if unset).
//! - `*.tsv` files map qualified names to notes:
//!   `qualified.name<TAB>note-id<TAB>context-key<TAB>level`. A row `Q` makes every
//!   reference that resolves to `Q` a trigger; a row `Q#method` makes
//!   `x.method` a trigger where `x` holds what calling `Q` returns
//!   (`threading.Thread#start`, `builtins.dict#setdefault`,
//!   `<generator>#send`, `asyncio.get_running_loop#call_soon`).
//!
//! - Every pattern and row has a level (`#set! level "core|usage|everyday"`,
//!   the table's last column): a hover shows only triggers at or below the
//!   level asked for, so everyday code stays quiet by default.
//!
//! Code only adds what a query cannot reach: the enclosing function and class
//! (`{func}`, `{class}`), facets (`generator`: the template key
//! `KEY:generator` is tried before `KEY`), the mangled form of a private name
//! (`{mangled}`), name resolution through imports and receiver kinds.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use tree_sitter::Query;

use super::args::Key;
use super::ids::NoteId;
use super::runtime::{Analysis, Facet};
use super::tree::FnKind;
use crate::knowledge::embedded_files;

/// Code-level conditions a pattern can require with `#set! requires`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Predicate {
    /// `class-defines:a+b`: the `@construct` class body defines methods `a` and `b`.
    ClassDefines(Vec<String>),
    /// `receiver-is:builtins.list`: the semantic model knows the `@receiver`
    /// holds an instance of what the qualified name gives.
    ReceiverIs(String),
    /// `receiver-resolves:builtins.any|builtins.all`: the `@receiver`
    /// reference resolves through the imports to one of the names.
    ReceiverResolves(Vec<String>),
    /// `@anchor` names a function defined at module level.
    ModuleFunction,
    /// `@anchor` names a function defined in the enclosing function.
    LocalFunction,
    /// The `@construct` function handles slices (mentions `slice`/`indices`).
    HandlesSlice,
    /// The negation of `HandlesSlice`.
    NoSlice,
    /// The `@construct` is inside a class body.
    InClass,
    /// The `@construct` is inside an `async def`.
    InAsyncDef,
    /// The `@anchor` names a module class whose bases collect descriptors
    /// (`type` subclass whose `__new__` inspects the namespace).
    MetaclassCollectsFields,
    /// The `@construct` function returns a generator when called: it
    /// contains `yield`, is not `async`, and no decorator wraps it.
    GeneratorFunction,
    /// `decorates-class` / `decorates-function`: the `@construct` is a
    /// decorator of a class / function definition. (Patterns rooted at the
    /// decorator stay linear in the number of stacked decorators; rooted at
    /// the decorated definition, every hover inside it would see one match
    /// per decorator.)
    Decorates(&'static str),
    /// `in-function:generator` (`plain`, `coroutine`, `async-generator`):
    /// the nearest function (or lambda) enclosing the `@construct` is of
    /// this kind (what `return` and `yield` mean depends on it).
    InFunction(FnKind),
    /// `decorated-function` (`true`) / `undecorated-function` (`false`):
    /// whether the nearest function (or lambda) enclosing the `@construct`
    /// has a decorator (its name then holds what the decorator returns).
    FunctionDecorated(bool),
    /// `type-checking-only`: the `@construct` is in the body of an
    /// `if TYPE_CHECKING:` (`typing.TYPE_CHECKING`, `t.TYPE_CHECKING`),
    /// which never runs.
    TypeCheckingOnly,
    /// `package-init`: this file is a package's `__init__.py`.
    PackageInit,
}

impl Predicate {
    pub const ALL: [(&'static str, Predicate); 14] = [
        ("module-function", Predicate::ModuleFunction),
        ("local-function", Predicate::LocalFunction),
        ("handles-slice", Predicate::HandlesSlice),
        ("no-slice", Predicate::NoSlice),
        ("in-class", Predicate::InClass),
        ("in-async-def", Predicate::InAsyncDef),
        (
            "metaclass-collects-fields",
            Predicate::MetaclassCollectsFields,
        ),
        ("generator-function", Predicate::GeneratorFunction),
        ("decorated-function", Predicate::FunctionDecorated(true)),
        ("undecorated-function", Predicate::FunctionDecorated(false)),
        ("type-checking-only", Predicate::TypeCheckingOnly),
        ("package-init", Predicate::PackageInit),
        ("decorates-class", Predicate::Decorates("class_definition")),
        (
            "decorates-function",
            Predicate::Decorates("function_definition"),
        ),
    ];

    pub fn parse(name: &str) -> Option<Predicate> {
        if let Some(kind) = name.strip_prefix("in-function:") {
            let kind = match kind.trim() {
                "plain" => FnKind::Plain,
                "generator" => FnKind::Generator,
                "coroutine" => FnKind::Coroutine,
                "async-generator" => FnKind::AsyncGenerator,
                _ => return None,
            };
            return Some(Predicate::InFunction(kind));
        }
        if let Some(quals) = name.strip_prefix("receiver-resolves:") {
            let quals = quals.split('|').map(|q| q.trim().to_string()).collect();
            return Some(Predicate::ReceiverResolves(quals));
        }
        if let Some(qual) = name.strip_prefix("receiver-is:") {
            return Some(Predicate::ReceiverIs(qual.trim().to_string()));
        }
        if let Some(methods) = name.strip_prefix("class-defines:") {
            return Some(Predicate::ClassDefines(
                methods.split('+').map(|m| m.trim().to_string()).collect(),
            ));
        }
        Predicate::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| p.clone())
    }
}

/// How far a trigger is from everyday code: a hover shows only triggers at
/// or below the level the user asks for (`hover.level`, default `usage`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// The construct a section is about (`yield from`, a descriptor class,
    /// `super()`, a dunder definition other than `__init__`).
    Core,
    /// A call of an API the course teaches (`executor.submit`); the default
    /// `hover.level`.
    #[default]
    Usage,
    /// What every program is full of (`x is None`, `len()` on a builtin,
    /// a plain constructor call, an import line).
    Everyday,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Core, Level::Usage, Level::Everyday];

    pub fn name(self) -> &'static str {
        match self {
            Level::Core => "core",
            Level::Usage => "usage",
            Level::Everyday => "everyday",
        }
    }

    pub fn parse(name: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.name() == name)
    }
}

/// A table row: the note, the sentence's template key and the level.
#[derive(Debug)]
pub struct Row {
    pub note: NoteId,
    pub context: Option<String>,
    pub level: Level,
}

/// One query pattern's settings.
#[derive(Debug)]
pub struct Pattern {
    pub note: NoteId,
    /// `#set! level`: the trigger's level.
    pub level: Level,
    /// `#set! user-level`: the level instead when the `@receiver` holds a
    /// class of the user's code, or an instance of one (`len(deck)` of the
    /// user's `Deck` is core where `len(buf)` of a builtin is everyday).
    pub user_level: Option<Level>,
    pub context: Option<String>,
    pub resolves: Vec<String>,
    pub requires: Vec<Predicate>,
    /// `#set! analysis "NAME[:outcome,...]"`: the runtime analysis and the
    /// outcomes the pattern applies to (empty: any, or none).
    pub analysis: Option<(Analysis, Vec<Facet>)>,
    /// `#set! dunders "..."`: what a `dispatch` analysis tries.
    pub dunders: Vec<String>,
}

/// What each capture of a compiled query is for: its index of `@anchor`,
/// `@construct`, `@range`, `@receiver` and the `@arg.NAME` captures.
#[derive(Debug)]
pub struct Roles {
    pub anchor: Option<u32>,
    pub construct: Option<u32>,
    pub range: Option<u32>,
    pub receiver: Option<u32>,
    /// The `@arg.NAME` captures: their index and key.
    pub args: Vec<(u32, Key)>,
}

impl Roles {
    /// The roles of `query`'s captures; an `@arg.NAME` without a template
    /// placeholder `{NAME}` is an error.
    pub fn of(query: &Query) -> Result<Roles, String> {
        let index = |name: &str| query.capture_index_for_name(name);
        let mut args = Vec::new();
        for (i, n) in query.capture_names().iter().enumerate() {
            if let Some(name) = n.strip_prefix("arg.") {
                let key = Key::parse(name)
                    .ok_or_else(|| format!("capture @{n}: no template placeholder {{{name}}}"))?;
                args.push((i as u32, key));
            }
        }
        Ok(Roles {
            anchor: index("anchor"),
            construct: index("construct"),
            range: index("range"),
            receiver: index("receiver"),
            args,
        })
    }
}

/// The compiled triggers.
#[derive(Debug)]
pub struct Triggers {
    pub query: Query,
    /// The query's source: every `*.scm` file, in order.
    pub source: String,
    pub patterns: Vec<Pattern>,
    pub roles: Roles,
    pub names: HashMap<String, Row>,
    /// The method names of the `Q#method` rows: a receiver's kind is worth
    /// working out only for these.
    pub methods: HashSet<String>,
}

impl Triggers {
    /// Compiles the query files (name, text) and reads the table files.
    pub fn compile(scm: &[(&str, &str)], tables: &[(&str, &str)]) -> Result<Triggers, String> {
        let mut source = String::new();
        let mut starts = Vec::new(); // (first row, file name)
        for (name, text) in scm {
            starts.push((source.lines().count(), *name));
            source.push_str(text);
            if !source.ends_with('\n') {
                source.push('\n');
            }
        }
        let query = Query::new(&super::syntax::language(), &source).map_err(|e| {
            let (first, file) = starts
                .iter()
                .rev()
                .find(|(row, _)| *row <= e.row)
                .copied()
                .unwrap_or((0, "triggers"));
            format!(
                "{file}:{}:{}: {:?} {}",
                e.row - first + 1,
                e.column + 1,
                e.kind,
                e.message
            )
        })?;
        let mut patterns = Vec::with_capacity(query.pattern_count());
        for i in 0..query.pattern_count() {
            let mut note = None;
            let mut context = None;
            let mut resolves = Vec::new();
            let mut requires = Vec::new();
            let mut analysis = None;
            let mut dunders = Vec::new();
            let mut level = None;
            let mut user_level = None;
            let level_of = |v: &str| {
                Level::parse(v).ok_or_else(|| format!("trigger pattern {i}: unknown level {v}"))
            };
            let list = |v: &str| -> Vec<String> {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            };
            for prop in query.property_settings(i) {
                let value = prop.value.as_deref().unwrap_or("");
                match &*prop.key {
                    "note" => note = Some(NoteId::new(value)),
                    "context" => context = Some(value.to_string()),
                    "resolves" => resolves = list(value),
                    "requires" => {
                        for name in list(value) {
                            requires.push(Predicate::parse(&name).ok_or_else(|| {
                                format!("trigger pattern {i}: unknown predicate {name}")
                            })?);
                        }
                    }
                    "analysis" => {
                        let (name, outcomes) = value.split_once(':').unwrap_or((value, ""));
                        let a = Analysis::parse(name.trim()).ok_or_else(|| {
                            format!("trigger pattern {i}: unknown analysis {name}")
                        })?;
                        let known = a.outcomes();
                        let outcomes = list(outcomes)
                            .iter()
                            .map(|o| {
                                known
                                    .iter()
                                    .find(|f| f.name() == o)
                                    .copied()
                                    .ok_or_else(|| {
                                        format!("trigger pattern {i}: {name} has no outcome {o}")
                                    })
                            })
                            .collect::<Result<Vec<Facet>, String>>()?;
                        analysis = Some((a, outcomes));
                    }
                    "dunders" => dunders = value.split_whitespace().map(String::from).collect(),
                    "level" => level = Some(level_of(value)?),
                    "user-level" => user_level = Some(level_of(value)?),
                    other => return Err(format!("trigger pattern {i}: unknown setting {other}")),
                }
            }
            let note = note.ok_or_else(|| format!("trigger pattern {i}: no `note` set"))?;
            let level = level.ok_or_else(|| format!("trigger pattern {i}: no `level` set"))?;
            patterns.push(Pattern {
                note,
                level,
                user_level,
                context,
                resolves,
                requires,
                analysis,
                dunders,
            });
        }
        let roles = Roles::of(&query)?;
        let mut table = HashMap::new();
        for (file, text) in tables {
            for (n, line) in text.lines().enumerate() {
                let line = line.trim_end();
                if line.trim().is_empty() || line.starts_with('#') {
                    continue;
                }
                let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
                let [name, note, ctx, level] = cols.as_slice() else {
                    return Err(format!(
                        "{file}:{}: expected 4 tab-separated columns (name, note, context, level)",
                        n + 1
                    ));
                };
                let row = Row {
                    note: NoteId::new(*note),
                    context: Some(ctx.to_string()).filter(|c| !c.is_empty()),
                    level: Level::parse(level)
                        .ok_or_else(|| format!("{file}:{}: unknown level {level}", n + 1))?,
                };
                if table.insert(name.to_string(), row).is_some() {
                    return Err(format!("{file}:{}: {name} listed twice", n + 1));
                }
            }
        }
        let methods = table
            .keys()
            .filter_map(|k| Some(k.split_once('#')?.1.to_string()))
            .collect();
        Ok(Triggers {
            query,
            source,
            patterns,
            roles,
            names: table,
            methods,
        })
    }

    /// The note ids that triggers can lead to (query patterns and table rows).
    pub fn note_ids(&self) -> Vec<&NoteId> {
        let mut ids: Vec<&NoteId> = self
            .patterns
            .iter()
            .map(|p| &p.note)
            .chain(self.names.values().map(|r| &r.note))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Template keys that triggers name (keys with placeholders as written).
    pub fn context_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .patterns
            .iter()
            .filter_map(|p| p.context.as_deref())
            .chain(self.names.values().filter_map(|r| r.context.as_deref()))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// `KEY:outcome` for every outcome a pattern with an analysis lists:
    /// each must have a sentence, since that outcome is why the note shows.
    pub fn outcome_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .patterns
            .iter()
            .filter_map(|p| Some((p.context.as_deref()?, &p.analysis.as_ref()?.1)))
            .flat_map(|(key, outcomes)| outcomes.iter().map(move |o| format!("{key}:{}", o.name())))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// The qualified names of the table.
    pub fn table_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.names.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}

/// The triggers embedded in the binary, compiled once.
static TRIGGERS: OnceLock<Result<Triggers, String>> = OnceLock::new();

/// The triggers embedded in the binary, compiled on first use (about half a
/// second of tree-sitter's query analysis; a caller on another thread waits
/// for the first one to finish).
pub fn triggers() -> Result<&'static Triggers, &'static str> {
    TRIGGERS
        .get_or_init(|| {
            let files = |ext: &str| -> Vec<(&str, &str)> {
                let mut v: Vec<(&str, &str)> = embedded_files()
                    .iter()
                    .filter(|(p, _)| p.starts_with("triggers/") && p.ends_with(ext))
                    .copied()
                    .collect();
                v.sort_unstable();
                v
            };
            Triggers::compile(&files(".scm"), &files(".tsv"))
        })
        .as_ref()
        .map_err(String::as_str)
}

/// Whether [`triggers`] has finished compiling (without waiting for it).
pub fn compiled() -> bool {
    TRIGGERS.get().is_some()
}
