//! The module's own classes as Python sees them at runtime: what each class
//! body defines, where the attribute `name` is found along the MRO, whether
//! it is a descriptor, and which module class an expression holds an
//! instance of. Module-level analysis only, no type checker: anything this
//! file does not show (an imported base, a name bound to different classes
//! on different paths) is reported as such, never guessed.

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use super::module::{dotted_parts, Bound};
use super::mro::{MroError, Mros};
use super::Parsed;

/// Something a class body defines directly.
#[derive(Debug, Clone, Copy)]
pub struct Member<'t> {
    /// The `function_definition` (not its decorated wrapper) or the
    /// assignment.
    pub node: Node<'t>,
    pub kind: MemberKind<'t>,
}

#[derive(Debug, Clone, Copy)]
pub enum MemberKind<'t> {
    /// `def name(...)`, possibly decorated (the `decorated_definition`).
    Function(Option<Node<'t>>),
    /// `name = value` / `name: T = value`: the value.
    Value(Node<'t>),
}

/// Where an attribute lookup on a class finds `name`.
#[derive(Debug, Clone)]
pub enum Lookup<'t> {
    Found {
        owner: String,
        member: Member<'t>,
    },
    /// No class of the (fully known) MRO defines it.
    Missing,
    /// Not in the known part; the MRO goes through a class this module does
    /// not define.
    Unknown(String),
}

/// What kind of class attribute a member is, for the attribute lookup order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrKind {
    /// A module class instance whose class defines `__set__` or `__delete__`.
    DataDescriptor {
        class: String,
        methods: Vec<&'static str>,
        get: bool,
    },
    /// A module class instance whose class defines only `__get__`.
    NonDataDescriptor { class: String },
    /// `@property` (or `property(...)`): a data descriptor.
    Property,
    /// `@functools.cached_property`: a non-data descriptor that stores its
    /// result in the instance `__dict__`.
    CachedProperty,
    /// A plain function: a non-data descriptor giving bound methods.
    Function,
    /// `@staticmethod` / `@classmethod`.
    StaticOrClassMethod(String),
    /// A value that is no descriptor (a literal, an instance of a module
    /// class without `__get__`).
    Plain,
    /// Cannot tell from this module (a call to something imported, a
    /// decorator that may wrap the function): the expression.
    Unknown(String),
}

/// Which module class an expression holds an instance of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receiver {
    /// An instance of the class. `via_self`: the expression is the first
    /// parameter of a method, so a subclass instance is possible.
    Instance { class: String, via_self: bool },
    /// The class itself (`Cls`, `cls` in a classmethod).
    Class(String),
    /// Different bindings give different classes (or something unknown,
    /// shown as `None`).
    Ambiguous(Vec<Option<String>>),
}

/// The module-level classes of one parsed file.
/// (class, attr) -> every (class, method, range) assigning `self.attr`.
type SelfSites = HashMap<(String, String), Vec<(String, String, Range<usize>)>>;

pub struct Classes<'t> {
    parsed: &'t Parsed,
    self_sites: std::cell::OnceCell<SelfSites>,
    /// Base name -> the module classes that list it among their bases.
    children: std::cell::OnceCell<HashMap<String, Vec<String>>>,
    src: &'t [u8],
    nodes: HashMap<&'t str, Option<Node<'t>>>,
    pub mros: Mros,
}

impl<'t> Classes<'t> {
    pub fn new(parsed: &'t Parsed) -> Classes<'t> {
        let src = parsed.text.as_bytes();
        let list = super::mro::module_classes(parsed);
        let mut nodes: HashMap<&str, Option<Node>> = HashMap::new();
        for (name, class) in &list {
            // Defined twice: which one is meant depends on execution order.
            nodes
                .entry(name)
                .and_modify(|n| *n = None)
                .or_insert(Some(*class));
        }
        Classes {
            parsed,
            self_sites: Default::default(),
            children: Default::default(),
            src,
            nodes,
            mros: Mros::from_classes(&list, src),
        }
    }

    /// The definition of the module class `name`, if it is defined once.
    pub fn node(&self, name: &str) -> Option<Node<'t>> {
        self.nodes.get(name).copied().flatten()
    }

    /// The name of `class` (a `class_definition`) if it is the module class
    /// of that name (not a nested class, not one defined twice).
    pub fn name_of(&self, class: Node<'t>) -> Option<&'t str> {
        let name = class
            .child_by_field_name("name")?
            .utf8_text(self.src)
            .ok()?;
        (self.node(name).map(|n| n.id()) == Some(class.id())).then_some(name)
    }

    /// Whether `name` is a class this module defines once.
    pub fn is_class(&self, name: &str) -> bool {
        self.node(name).is_some()
    }

    /// What the body of class `class` itself defines as `name` (the last
    /// definition wins, as at runtime; `None` if it is defined only in
    /// branches or not at all).
    pub fn member(&self, class: &str, name: &str) -> Option<Member<'t>> {
        let body = self.node(class)?.child_by_field_name("body")?;
        let mut found = None;
        let mut c = body.walk();
        for stmt in body.named_children(&mut c) {
            let (def, decorated) = match stmt.kind() {
                "decorated_definition" => (stmt.child_by_field_name("definition"), Some(stmt)),
                "function_definition" => (Some(stmt), None),
                "expression_statement" => {
                    let Some(assign) = stmt.named_child(0).filter(|a| a.kind() == "assignment")
                    else {
                        continue;
                    };
                    let (Some(left), Some(right)) = (
                        assign.child_by_field_name("left"),
                        assign.child_by_field_name("right"),
                    ) else {
                        continue;
                    };
                    if left.kind() == "identifier" && left.utf8_text(self.src).ok() == Some(name) {
                        found = Some(Member {
                            node: assign,
                            kind: MemberKind::Value(right),
                        });
                    }
                    continue;
                }
                _ => continue,
            };
            let Some(def) = def.filter(|d| d.kind() == "function_definition") else {
                continue;
            };
            if def
                .child_by_field_name("name")
                .and_then(|n| n.utf8_text(self.src).ok())
                == Some(name)
            {
                found = Some(Member {
                    node: def,
                    kind: MemberKind::Function(decorated),
                });
            }
        }
        found
    }

    /// Where looking `name` up on class `class` (through its MRO) finds it.
    /// The class itself is searched even when the rest of its MRO is unknown.
    pub fn lookup(&self, class: &str, name: &str) -> Lookup<'t> {
        match self.mros.mro(class) {
            Ok(order) => self.search(&order, name),
            Err(e) => match self.member(class, name) {
                Some(member) if self.decorator(class).is_none() => Lookup::Found {
                    owner: class.to_string(),
                    member,
                },
                _ => Lookup::Unknown(match e {
                    MroError::Unknown(base) => self.decorator(class).unwrap_or(base),
                    MroError::Inconsistent => class.to_string(),
                }),
            },
        }
    }

    /// Looks `name` up in the classes after `after` in the MRO of `class`
    /// (what `super().name` inside `after` finds for a `class` instance).
    pub fn lookup_after(&self, class: &str, after: &str, name: &str) -> Lookup<'t> {
        let order = match self.mros.mro(class) {
            Ok(order) => order,
            Err(MroError::Unknown(base)) => return Lookup::Unknown(base),
            Err(MroError::Inconsistent) => return Lookup::Unknown(class.to_string()),
        };
        let Some(pos) = order.iter().position(|c| c == after) else {
            return Lookup::Missing;
        };
        self.search(&order[pos + 1..], name)
    }

    /// The first class of `order` whose body defines `name`. A decorated
    /// class on the way makes it unknown: the decorator may add or replace
    /// members (`@dataclass` writes `__init__`).
    fn search(&self, order: &[String], name: &str) -> Lookup<'t> {
        for c in order.iter().filter(|c| *c != "object") {
            if let Some(d) = self.decorator(c) {
                return Lookup::Unknown(d);
            }
            if let Some(member) = self.member(c, name) {
                return Lookup::Found {
                    owner: c.clone(),
                    member,
                };
            }
        }
        Lookup::Missing
    }

    /// `@decorator` of a decorated module class (the outermost one).
    pub fn decorator(&self, class: &str) -> Option<String> {
        let decorated = self
            .node(class)?
            .parent()
            .filter(|p| p.kind() == "decorated_definition")?;
        let first = decorated
            .named_child(0)
            .filter(|d| d.kind() == "decorator")?;
        let expr = first.named_child(0)?;
        Some(format!("@{}", super::explain::snippet(expr, self.src)))
    }

    /// Module classes that derive from `class`, directly or through other
    /// module classes, whatever else their bases are; in source order.
    pub fn descendants(&self, class: &str) -> Vec<String> {
        let children = self.children.get_or_init(|| {
            let mut map: HashMap<String, Vec<String>> = HashMap::new();
            for (name, node) in &self.nodes {
                let Some(node) = node else { continue };
                for base in super::mro::bases(*node, self.src) {
                    map.entry(base).or_default().push(name.to_string());
                }
            }
            map
        });
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut frontier = vec![class];
        while let Some(parent) = frontier.pop() {
            for child in children.get(parent).into_iter().flatten() {
                if child != class && seen.insert(child) {
                    frontier.push(child);
                }
            }
        }
        let mut found: Vec<(usize, String)> = seen
            .into_iter()
            .filter_map(|n| Some((self.node(n)?.start_byte(), n.to_string())))
            .collect();
        found.sort();
        found.into_iter().map(|(_, n)| n).collect()
    }

    /// What kind of class attribute `member` (found on class `owner`) is.
    pub fn attr_kind(&self, member: &Member<'t>) -> AttrKind {
        match member.kind {
            MemberKind::Function(None) => AttrKind::Function,
            MemberKind::Function(Some(decorated)) => {
                let mut kind = AttrKind::Function;
                let mut c = decorated.walk();
                for dec in decorated.named_children(&mut c) {
                    if dec.kind() != "decorator" {
                        continue;
                    }
                    let Some(expr) = dec.named_child(0) else {
                        continue;
                    };
                    let text = expr.utf8_text(self.src).unwrap_or("");
                    let last = text.rsplit('.').next().unwrap_or(text);
                    let this = match last {
                        "property" | "setter" | "getter" | "deleter" => AttrKind::Property,
                        "cached_property" => AttrKind::CachedProperty,
                        "staticmethod" | "classmethod" => {
                            AttrKind::StaticOrClassMethod(last.to_string())
                        }
                        "abstractmethod" | "override" | "final" => continue,
                        _ => AttrKind::Unknown(format!("@{text}")),
                    };
                    // The outermost decorator decides what the class holds.
                    kind = this;
                    break;
                }
                kind
            }
            MemberKind::Value(value) => self.value_kind(value),
        }
    }

    fn value_kind(&self, value: Node<'t>) -> AttrKind {
        let text = super::explain::snippet(value, self.src);
        match value.kind() {
            "integer"
            | "float"
            | "string"
            | "concatenated_string"
            | "true"
            | "false"
            | "none"
            | "list"
            | "dictionary"
            | "set"
            | "tuple"
            | "list_comprehension"
            | "dictionary_comprehension"
            | "set_comprehension"
            | "unary_operator" => AttrKind::Plain,
            "lambda" => AttrKind::Function,
            "call" => {
                let Some(parts) = value
                    .child_by_field_name("function")
                    .and_then(|f| dotted_parts(f, self.src))
                else {
                    return AttrKind::Unknown(text);
                };
                if let [single] = parts.as_slice() {
                    if self.is_class(single) {
                        return self.descriptor_class(single, text);
                    }
                }
                match self.parsed.module().resolve(&parts).as_deref() {
                    Some("builtins.property") => AttrKind::Property,
                    Some("builtins.staticmethod" | "builtins.classmethod") => {
                        AttrKind::StaticOrClassMethod(parts.join("."))
                    }
                    _ => AttrKind::Unknown(text),
                }
            }
            _ => AttrKind::Unknown(text),
        }
    }

    /// An instance of module class `class` as a class attribute.
    fn descriptor_class(&self, class: &str, text: String) -> AttrKind {
        let mut data = Vec::new();
        let mut get = false;
        for dunder in ["__get__", "__set__", "__delete__"] {
            match self.lookup(class, dunder) {
                Lookup::Found { .. } if dunder == "__get__" => get = true,
                Lookup::Found { .. } => data.push(dunder),
                Lookup::Missing => {}
                Lookup::Unknown(_) => return AttrKind::Unknown(text),
            }
        }
        if !data.is_empty() {
            AttrKind::DataDescriptor {
                class: class.to_string(),
                methods: data,
                get,
            }
        } else if get {
            AttrKind::NonDataDescriptor {
                class: class.to_string(),
            }
        } else {
            AttrKind::Plain
        }
    }

    /// `self.<attr> = ...` in the methods of `class` and of the module
    /// classes of its MRO (or of `class` alone when its MRO is unknown):
    /// (class, method, byte range of the assignment), in source order.
    pub fn instance_assignments(
        &self,
        class: &str,
        attr: &str,
    ) -> Vec<(String, String, Range<usize>)> {
        let owners: Vec<String> = match self.mros.mro(class) {
            Ok(order) => order.into_iter().filter(|c| c != "object").collect(),
            Err(_) => vec![class.to_string()],
        };
        let index = self.self_sites.get_or_init(|| self.index_self_sites());
        let mut out: Vec<(String, String, Range<usize>)> = owners
            .iter()
            .filter_map(|owner| index.get(&(owner.clone(), attr.to_string())))
            .flatten()
            .cloned()
            .collect();
        out.sort_by_key(|(_, _, r)| r.start);
        out
    }

    /// Every `self.<attr> = ...` of every module class, by (class, attr):
    /// one walk of the class bodies' statements (expressions are not
    /// entered), done once per [`Classes`].
    fn index_self_sites(&self) -> SelfSites {
        let mut index = SelfSites::new();
        for (owner, node) in &self.nodes {
            let Some(body) = node.and_then(|n| n.child_by_field_name("body")) else {
                continue;
            };
            let mut c = body.walk();
            for stmt in body.named_children(&mut c) {
                let def = match stmt.kind() {
                    "decorated_definition" => stmt.child_by_field_name("definition"),
                    "function_definition" => Some(stmt),
                    _ => None,
                };
                let Some(def) = def.filter(|d| d.kind() == "function_definition") else {
                    continue;
                };
                let Some(this) = first_param(def, self.src) else {
                    continue;
                };
                let method = def
                    .child_by_field_name("name")
                    .and_then(|n| n.utf8_text(self.src).ok())
                    .unwrap_or("");
                for (attr, range) in self_assignments(def, this, self.src) {
                    index
                        .entry((owner.to_string(), attr.to_string()))
                        .or_default()
                        .push((owner.to_string(), method.to_string(), range));
                }
            }
        }
        index
    }

    /// Which module class the expression `expr` holds an instance of (or is).
    pub fn receiver(&self, expr: Node<'t>) -> Option<Receiver> {
        let module = self.parsed.module();
        match expr.kind() {
            "parenthesized_expression" => self.receiver(expr.named_child(0)?),
            "call" => {
                let f = expr.child_by_field_name("function")?;
                let class = self.class_ref(f)?;
                Some(Receiver::Instance {
                    class,
                    via_self: false,
                })
            }
            "identifier" => {
                let name = expr.utf8_text(self.src).ok()?;
                if let Some(r) = self.self_receiver(expr, name) {
                    return Some(r);
                }
                let Some(bound) = module.bound_values(name, expr) else {
                    // Not bound in any function scope or at module level:
                    // maybe a class referenced by name.
                    return None;
                };
                if module.is_local(name, expr) || bound.iter().any(|b| *b != Bound::Other) {
                    let classes: Vec<Option<String>> = bound
                        .iter()
                        .map(|b| match b {
                            Bound::Call(parts) | Bound::Annotated(parts) => {
                                match parts.as_slice() {
                                    [single]
                                        if self.is_class(single)
                                            && !module.is_local(single, expr) =>
                                    {
                                        Some(single.clone())
                                    }
                                    _ => None,
                                }
                            }
                            Bound::Other => None,
                        })
                        .collect();
                    if classes.iter().all(Option::is_none) {
                        return None;
                    }
                    let mut distinct = classes.clone();
                    distinct.sort();
                    distinct.dedup();
                    return match distinct.as_slice() {
                        [Some(class)] => Some(Receiver::Instance {
                            class: class.clone(),
                            via_self: false,
                        }),
                        _ => Some(Receiver::Ambiguous(distinct)),
                    };
                }
                None
            }
            _ => None,
        }
    }

    /// A reference to a module class by name (not rebound in a function).
    pub fn class_ref(&self, node: Node<'t>) -> Option<String> {
        if node.kind() != "identifier" {
            return None;
        }
        let name = node.utf8_text(self.src).ok()?;
        let module = self.parsed.module();
        if !self.is_class(name) || module.is_local(name, node) {
            return None;
        }
        // Rebound at module level by something other than the class itself?
        let bound = module.bound_values(name, node)?;
        (bound.len() == 1).then(|| name.to_string())
    }

    /// `self` (the first parameter of a method of a module class) or `cls`
    /// (of a classmethod).
    fn self_receiver(&self, ident: Node<'t>, name: &str) -> Option<Receiver> {
        let (def, class) = enclosing_method(ident)?;
        if first_param(def, self.src)? != name {
            return None;
        }
        // `self` rebound inside the method: cannot tell.
        let bound = self.parsed.module().bound_values(name, ident)?;
        if bound.len() != 1 {
            return None;
        }
        let class_name = self.name_of(class)?;
        match method_decorator(def, self.src).as_deref() {
            Some("staticmethod") => None,
            Some("classmethod") => Some(Receiver::Class(class_name.to_string())),
            _ => Some(Receiver::Instance {
                class: class_name.to_string(),
                via_self: true,
            }),
        }
    }
}

/// The function directly in a class body that encloses `node` (not through a
/// nested function or lambda), with that class.
pub fn enclosing_method(node: Node) -> Option<(Node, Node)> {
    let mut cur = node.parent();
    let mut def = None;
    while let Some(n) = cur {
        match n.kind() {
            "function_definition" if def.is_none() => def = Some(n),
            "function_definition" | "lambda" => return None,
            "class_definition" => {
                let d = def?;
                // The def must sit in this class's body (possibly decorated).
                let holder = d
                    .parent()
                    .filter(|p| p.kind() == "decorated_definition")
                    .unwrap_or(d);
                let in_body =
                    holder.parent().and_then(|b| b.parent()).map(|c| c.id()) == Some(n.id());
                return in_body.then_some((d, n));
            }
            _ => {}
        }
        cur = n.parent();
    }
    None
}

/// The name of a function's first positional parameter.
pub fn first_param<'s>(def: Node, src: &'s [u8]) -> Option<&'s str> {
    let params = def.child_by_field_name("parameters")?;
    let first = params.named_child(0)?;
    let ident = match first.kind() {
        "identifier" => first,
        "typed_parameter" => first.named_child(0)?,
        "default_parameter" | "typed_default_parameter" => first.child_by_field_name("name")?,
        _ => return None,
    };
    (ident.kind() == "identifier")
        .then(|| ident.utf8_text(src).ok())
        .flatten()
}

/// `staticmethod` / `classmethod` when the function is decorated with one.
fn method_decorator(def: Node, src: &[u8]) -> Option<String> {
    let decorated = def
        .parent()
        .filter(|p| p.kind() == "decorated_definition")?;
    let mut c = decorated.walk();
    let found = decorated
        .named_children(&mut c)
        .filter(|d| d.kind() == "decorator")
        .filter_map(|d| d.named_child(0)?.utf8_text(src).ok())
        .map(|t| t.rsplit('.').next().unwrap_or(t).to_string())
        .find(|t| t == "staticmethod" || t == "classmethod");
    found
}

/// `<this>.<attr> = ...` (also augmented assignments and tuple targets) in
/// a method's own body: (attr, byte range of the assignment). Only
/// statements are entered; an assignment cannot hide inside an expression.
fn self_assignments<'s>(def: Node, this: &str, src: &'s [u8]) -> Vec<(&'s str, Range<usize>)> {
    let mut out = Vec::new();
    let Some(body) = def.child_by_field_name("body") else {
        return out;
    };
    let mut stack = vec![body];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "assignment" | "augmented_assignment" => {
                let mut targets: Vec<Node> = n.child_by_field_name("left").into_iter().collect();
                while let Some(t) = targets.pop() {
                    match t.kind() {
                        "attribute" => {
                            let obj = t.child_by_field_name("object");
                            let name = t.child_by_field_name("attribute");
                            if obj.and_then(|o| o.utf8_text(src).ok()) == Some(this) {
                                if let Some(attr) = name.and_then(|a| a.utf8_text(src).ok()) {
                                    out.push((attr, n.byte_range()));
                                }
                            }
                        }
                        "pattern_list" | "tuple_pattern" | "list_pattern" | "tuple" | "list" => {
                            let mut c = t.walk();
                            targets.extend(t.named_children(&mut c));
                        }
                        _ => {}
                    }
                }
                // `a = self.x = 1`: the right side may be another assignment.
                stack.extend(
                    n.child_by_field_name("right")
                        .filter(|r| r.kind() == "assignment"),
                );
            }
            "block"
            | "expression_statement"
            | "if_statement"
            | "elif_clause"
            | "else_clause"
            | "for_statement"
            | "while_statement"
            | "try_statement"
            | "except_clause"
            | "except_group_clause"
            | "finally_clause"
            | "with_statement"
            | "match_statement"
            | "case_clause" => {
                let mut c = n.walk();
                stack.extend(n.named_children(&mut c));
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with<R>(src: &str, f: impl FnOnce(&Parsed, &Classes) -> R) -> R {
        let parsed = Parsed::new(src.to_string());
        let classes = Classes::new(&parsed);
        f(&parsed, &classes)
    }

    #[test]
    fn lookup_follows_the_mro_and_admits_unknowns() {
        let src = "class A:\n    def hello(self): pass\nclass B(A): pass\nclass C(A):\n    def hello(self): pass\nclass D(B, C): pass\nfrom x import Base\nclass E(Base): pass\n";
        with(src, |_, c| {
            assert!(matches!(c.lookup("D", "hello"), Lookup::Found { owner, .. } if owner == "C"));
            assert!(
                matches!(c.lookup_after("D", "B", "hello"), Lookup::Found { owner, .. } if owner == "C")
            );
            assert!(
                matches!(c.lookup_after("B", "B", "hello"), Lookup::Found { owner, .. } if owner == "A")
            );
            assert!(matches!(c.lookup("D", "nope"), Lookup::Missing));
            assert!(matches!(c.lookup("E", "hello"), Lookup::Unknown(b) if b == "Base"));
            assert_eq!(c.descendants("A"), ["B", "C", "D"]);
            assert_eq!(c.descendants("Base"), ["E"]);
        });
    }

    #[test]
    fn descriptors_are_classified() {
        let src = "class Data:\n    def __get__(self, o, t): pass\n    def __set__(self, o, v): pass\nclass NonData:\n    def __get__(self, o, t): pass\nclass Plain: pass\nimport functools\nclass M:\n    a = Data()\n    b = NonData()\n    c = Plain()\n    d = 3\n    e = other()\n    @property\n    def f(self): pass\n    @functools.cached_property\n    def g(self): pass\n    def h(self): pass\n    @staticmethod\n    def i(): pass\n    @deco\n    def j(self): pass\n";
        with(src, |_, c| {
            let kind = |n: &str| c.attr_kind(&c.member("M", n).unwrap());
            assert_eq!(
                kind("a"),
                AttrKind::DataDescriptor {
                    class: "Data".into(),
                    methods: vec!["__set__"],
                    get: true
                }
            );
            assert_eq!(
                kind("b"),
                AttrKind::NonDataDescriptor {
                    class: "NonData".into()
                }
            );
            assert_eq!(kind("c"), AttrKind::Plain);
            assert_eq!(kind("d"), AttrKind::Plain);
            assert!(matches!(kind("e"), AttrKind::Unknown(_)));
            assert_eq!(kind("f"), AttrKind::Property);
            assert_eq!(kind("g"), AttrKind::CachedProperty);
            assert_eq!(kind("h"), AttrKind::Function);
            assert!(matches!(kind("i"), AttrKind::StaticOrClassMethod(_)));
            assert!(matches!(kind("j"), AttrKind::Unknown(_)));
        });
    }

    #[test]
    fn receivers_and_instance_assignments() {
        let src = "class A:\n    x = 0\n    def m(self):\n        self.x = 1\n        self.y, self.x = 2, 3\n    @classmethod\n    def k(cls): cls\nclass B: pass\ndef f(flag, v: A):\n    a = A()\n    if flag:\n        b = A()\n    else:\n        b = B()\n    a; b; v\n";
        with(src, |p, c| {
            let root = p.tree.as_ref().unwrap().root_node();
            let at = |needle: &str, nth: usize| {
                let off = p.text.match_indices(needle).nth(nth).unwrap().0;
                root.descendant_for_byte_range(off, off + 1).unwrap()
            };
            let inst = |c: &str, s: bool| {
                Some(Receiver::Instance {
                    class: c.into(),
                    via_self: s,
                })
            };
            assert_eq!(c.receiver(at("self", 1)), inst("A", true));
            assert_eq!(c.receiver(at("cls", 1)), Some(Receiver::Class("A".into())));
            assert_eq!(c.receiver(at("a;", 0)), inst("A", false));
            assert_eq!(c.receiver(at("v\n", 0)), inst("A", false));
            assert_eq!(
                c.receiver(at("b;", 0)),
                Some(Receiver::Ambiguous(vec![
                    Some("A".into()),
                    Some("B".into())
                ]))
            );
            assert_eq!(c.receiver(at("flag", 1)), None);
            assert_eq!(c.instance_assignments("A", "x").len(), 2);
        });
    }
}
