//! Template arguments, typed: which placeholder ([`Key`]) and what fills it
//! ([`Arg`]). The analysis says *what* (a name, a line of some module, a
//! list of classes); `render.rs` writes it in the reader's language.
//! Templates and `@arg.NAME` captures are data: a placeholder or capture
//! that is not a [`Key`] fails the trigger compile or `tests/knowledge.rs`.

/// Declares [`Key`]: its variants and their names in templates.
macro_rules! keys {
    ($($variant:ident => $text:literal,)*) => {
        /// A placeholder of a template (`{func}`), or an `@arg.NAME` capture.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Key { $($variant,)* }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$variant,)*];

            /// Its name in templates.
            pub fn name(self) -> &'static str {
                match self { $(Key::$variant => $text,)* }
            }
        }
    };
}

keys! {
        A => "a",
        Access => "access",
        After => "after",
        Alias => "alias",
        Anchor => "anchor",
        Arg => "arg",
        Arg0 => "arg0",
        Args => "args",
        Attr => "attr",
        B => "b",
        Base => "base",
        Base1 => "base1",
        Base2 => "base2",
        Bases => "bases",
        Body => "body",
        Bypass => "bypass",
        Call => "call",
        Callable => "callable",
        Callee => "callee",
        Candidates => "candidates",
        Cause => "cause",
        Check => "check",
        Class => "class",
        Cls => "cls",
        Comparison => "comparison",
        Cond => "cond",
        Coro => "coro",
        Deco => "deco",
        DecoCall => "deco_call",
        DecoFunc => "deco_func",
        Decorator => "decorator",
        Default => "default",
        Descriptor => "descriptor",
        Dunder => "dunder",
        Enter => "enter",
        Error => "error",
        Exact => "exact",
        Exc => "exc",
        Exit => "exit",
        Expr => "expr",
        Factory => "factory",
        Feature => "feature",
        File => "file",
        Files => "files",
        First => "first",
        Fixed => "fixed",
        Flag => "flag",
        Func => "func",
        Gen => "gen",
        Getter => "getter",
        Guard => "guard",
        Hook => "hook",
        Init => "init",
        Inst => "inst",
        It => "it",
        Iter => "iter",
        Key => "key",
        Kind => "kind",
        Left => "left",
        LeftCls => "left_cls",
        Limit => "limit",
        Line => "line",
        Listener => "listener",
        Lock => "lock",
        Mangled => "mangled",
        Meta => "meta",
        Method => "method",
        Methods => "methods",
        Missing => "missing",
        Module => "module",
        Mro => "mro",
        MroUnknown => "mro_unknown",
        Msg => "msg",
        Mutation => "mutation",
        N => "n",
        Name => "name",
        New => "new",
        Next => "next",
        Ns => "ns",
        Obj => "obj",
        Op => "op",
        Other => "other",
        Others => "others",
        Overridden => "overridden",
        OverriddenName => "overridden_name",
        Owner => "owner",
        Param => "param",
        Params => "params",
        Partial => "partial",
        Path => "path",
        Prop => "prop",
        Qualname => "qualname",
        Queue => "queue",
        Raise => "raise",
        Receiver => "receiver",
        Reflected => "reflected",
        Replacement => "replacement",
        Rhs => "rhs",
        Right => "right",
        RightCls => "right_cls",
        Rule => "rule",
        Safe => "safe",
        Section => "section",
        Sentinel => "sentinel",
        Setter => "setter",
        ShadowedAt => "shadowed_at",
        Size => "size",
        Slice => "slice",
        Start => "start",
        Stmt => "stmt",
        Sub => "sub",
        Subgen => "subgen",
        Subject => "subject",
        Subname => "subname",
        Suggestion => "suggestion",
        Target => "target",
        Total => "total",
        Unknown => "unknown",
        Update => "update",
        User => "user",
        Value => "value",
        Var => "var",
        Wrapped => "wrapped",
        Wrapper => "wrapper",
}

impl Key {
    pub fn parse(name: &str) -> Option<Key> {
        Key::ALL.iter().copied().find(|k| k.name() == name)
    }
}

/// How the items of an [`Arg::List`] are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// An enumeration (`A`, `B`).
    And,
    /// Alternatives (`A` / `B`).
    Or,
    /// An order (`A` → `B`).
    Arrow,
}

/// A place in the user's code: a line of this file (of one of its cells,
/// for a notebook), or of another module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// 1-based.
    pub line: u32,
    /// The module, when not the file the sentence is about.
    pub module: Option<String>,
    /// The notebook cell (1-based) the line counts in.
    pub cell: Option<u32>,
}

/// Where a method assigns an attribute (`self.x = …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// `Class.method`.
    pub method: String,
    /// The module, when not the file the sentence is about.
    pub module: Option<String>,
    /// 1-based, in order.
    pub lines: Vec<u32>,
}

/// What fills a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Source text or a name, shown as written (templates put the
    /// backticks around it).
    Text(String),
    /// Markdown pieces (each already shown as code), joined; `more`: the
    /// list was cut (`…`).
    List {
        items: Vec<String>,
        join: Join,
        more: bool,
    },
    /// A line.
    Line(Place),
    /// Assignment sites, per method; `more`: the list was cut.
    Sites { sites: Vec<Site>, more: bool },
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Arg {
        Arg::Text(s.to_string())
    }
}

impl From<crate::analysis::ids::RuleId> for Arg {
    fn from(id: crate::analysis::ids::RuleId) -> Arg {
        Arg::Text(id.to_string())
    }
}

impl From<usize> for Arg {
    fn from(n: usize) -> Arg {
        Arg::Text(n.to_string())
    }
}

/// A template's arguments; the first one given for a key counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args(Vec<(Key, Arg)>);

impl<A: Into<Arg>> From<Vec<(Key, A)>> for Args {
    fn from(list: Vec<(Key, A)>) -> Args {
        Args(list.into_iter().map(|(k, a)| (k, a.into())).collect())
    }
}

impl Args {
    pub fn new() -> Args {
        Args::default()
    }

    /// `self` with `key` added.
    pub fn with(mut self, key: Key, arg: impl Into<Arg>) -> Args {
        self.push(key, arg);
        self
    }

    pub fn push(&mut self, key: Key, arg: impl Into<Arg>) {
        self.0.push((key, arg.into()));
    }

    pub fn extend(&mut self, other: Args) {
        self.0.extend(other.0);
    }

    /// Whether an argument is a line or a place (it moves when the code
    /// above it does).
    pub fn places(&self) -> bool {
        self.0
            .iter()
            .any(|(_, a)| matches!(a, Arg::Line(_) | Arg::Sites { .. }))
    }

    /// The text of every text and list argument.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .flat_map(|(_, a)| match a {
                Arg::Text(s) => std::slice::from_ref(s).iter(),
                Arg::List { items, .. } => items.iter(),
                _ => [].iter(),
            })
            .map(String::as_str)
    }

    pub fn get(&self, key: Key) -> Option<&Arg> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, a)| a)
    }

    /// The text of a [`Arg::Text`] argument.
    pub fn text(&self, key: Key) -> Option<&str> {
        match self.get(key)? {
            Arg::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn contains(&self, key: Key) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(Key, Arg)> {
        self.0.iter()
    }

    /// Fills the placeholders of a template key (`dunder-{anchor}`) from
    /// the text arguments; `None` if one is missing.
    pub fn fill_key(&self, key: &str) -> Option<String> {
        crate::knowledge::fill_template(key, |name| Some(self.text(Key::parse(name)?)?.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_back_and_the_first_argument_counts() {
        for k in Key::ALL {
            assert_eq!(Key::parse(k.name()), Some(*k));
        }
        assert_eq!(Key::parse("nope"), None);
        let args = Args::new()
            .with(Key::Anchor, "__len__")
            .with(Key::Anchor, "__iter__")
            .with(
                Key::Line,
                Arg::Line(Place {
                    line: 3,
                    module: None,
                    cell: None,
                }),
            );
        assert_eq!(args.text(Key::Anchor), Some("__len__"));
        assert_eq!(args.text(Key::Line), None);
        assert_eq!(
            args.fill_key("dunder-{anchor}").as_deref(),
            Some("dunder-__len__")
        );
        assert_eq!(args.fill_key("dunder-{func}"), None);
    }
}
