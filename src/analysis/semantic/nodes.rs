//! The model asked about syntax nodes of the module being analysed: the
//! bridge the hover, hint and rule code crosses from tree-sitter nodes to
//! values.

use tree_sitter::Node;

use crate::analysis::tree::{fn_kind, FnKind};

use super::infer::Infer;
use super::ir::{Expr, ExprId};
use super::value::{ClassRef, FuncRef, Value};
use super::BindingKind;

impl Infer<'_> {
    /// What calling a `function_definition` of this module returns, from
    /// the model (`async`, `yield` in its own body) instead of a walk of its
    /// body; from the tree where the model has no such function (nested
    /// past its depth limit).
    pub fn function_kind(&self, func: Node) -> FnKind {
        let r = func.start_byte() as u32..func.end_byte() as u32;
        let m = self.this();
        match m.function_at(r).and_then(|id| m.function(id)) {
            Some(f) if !f.is_lambda => match (f.is_async, f.has_yield) {
                (false, false) => FnKind::Plain,
                (false, true) => FnKind::Generator,
                (true, false) => FnKind::Coroutine,
                (true, true) => FnKind::AsyncGenerator,
            },
            _ => fn_kind(func),
        }
    }

    /// The model's expression for a syntax node of this module
    /// (parentheses and annotation wrappers looked through).
    pub fn node_expr(&self, node: Node) -> Option<ExprId> {
        let mut node = node;
        while matches!(node.kind(), "parenthesized_expression" | "type") {
            node = node.named_child(0)?;
        }
        let r = node.start_byte() as u32..node.end_byte() as u32;
        self.this().expr_at(r)
    }

    /// What a syntax node of this module holds: an expression's value, or
    /// for a name being bound (a `def`'s or `class`'s name, an assignment
    /// target) what the binding gives it.
    pub fn node_value(&self, node: Node) -> Value {
        let m = self.this().clone();
        if let Some(e) = self.node_expr(node) {
            if !self.at_top() {
                return self.expr(&m, e);
            }
            if let Some(v) = self.node_values.borrow().get(&e) {
                return v.clone();
            }
            let v = self.expr(&m, e);
            self.remember(&self.node_values, e, v.clone());
            return v;
        }
        let r = node.start_byte() as u32..node.end_byte() as u32;
        match m.binding_at(r) {
            Some(b) => self.binding(&m, b),
            None => Value::Unknown,
        }
    }

    /// The qualified name a reference resolves to through imports
    /// (`asyncio.gather`), if it does.
    pub fn node_import_path(&self, node: Node) -> Option<String> {
        let e = self.node_expr(node)?;
        self.import_path(&self.this().clone(), e)
    }

    /// The class a `class_definition` node of this module defines.
    pub fn node_class(&self, class: Node) -> Option<ClassRef> {
        let r = class.start_byte() as u32..class.end_byte() as u32;
        let id = self.this().class_at(r)?;
        Some(ClassRef {
            module: self.this().name.clone(),
            id,
        })
    }

    /// The function a `function_definition` (or `lambda`) node defines.
    pub fn node_function(&self, def: Node) -> Option<FuncRef> {
        let r = def.start_byte() as u32..def.end_byte() as u32;
        let id = self.this().function_at(r)?;
        Some(FuncRef {
            module: self.this().name.clone(),
            id,
        })
    }

    /// Whether a class is the user's (this file or the workspace), not the
    /// stdlib's.
    pub fn is_user_class(&self, c: &ClassRef) -> bool {
        self.module(&c.module).is_some_and(|m| !m.is_stub)
    }

    /// The classes of this module that derive from `c` (directly or not),
    /// in source order.
    pub fn subclasses_here(&self, c: &ClassRef) -> Vec<ClassRef> {
        let m = self.this().clone();
        (0..m.classes.len() as u32)
            .map(|id| ClassRef {
                module: m.name.clone(),
                id,
            })
            .filter(|k| k != c && self.lookup_order(k)[1..].contains(c))
            .collect()
    }

    /// The 1-based line of a byte offset in module `m`, when it is this
    /// module (other modules' lines mean nothing in this file's hover).
    pub fn line_here(&self, module: &str, offset: u32) -> Option<u32> {
        if *self.this().name != *module {
            return None;
        }
        Some(self.this().line_of(offset) + 1)
    }
}

impl Infer<'_> {
    /// The class of what the qualified name `q` gives: the class itself, or
    /// the class of what calling a function named `q` returns
    /// (`asyncio.get_running_loop` gives `asyncio.AbstractEventLoop`).
    /// `None` for names the model cannot follow (third-party packages).
    pub fn class_for_qualname(&self, q: &str) -> Option<ClassRef> {
        if q.starts_with('<') {
            return None;
        }
        if let Some(done) = self.qual_memo().borrow().get(q) {
            return done.clone();
        }
        let found = self.compute_class_for_qualname(q);
        self.remember(self.qual_memo(), q.to_string(), found.clone());
        found
    }

    /// What a qualified name holds: the longest prefix that is a module,
    /// then attributes.
    fn qualname_value(&self, q: &str) -> Option<Value> {
        let parts: Vec<&str> = q.split('.').collect();
        let (mut value, rest) = (1..=parts.len()).rev().find_map(|n| {
            let module = parts[..n].join(".");
            self.module(&module)
                .map(|_| (Value::Module(module.into()), &parts[n..]))
        })?;
        for p in rest {
            value = self.attribute(&value, p);
        }
        Some(value)
    }

    fn compute_class_for_qualname(&self, q: &str) -> Option<ClassRef> {
        let value = self.qualname_value(q)?;
        match value {
            Value::Class(c) => Some(c),
            Value::Function(_) | Value::BoundMethod(..) => match self.call(&value, None) {
                Value::Instance(c, _) => Some(c),
                _ => None,
            },
            _ => None,
        }
    }

    /// The class a qualified name names itself (not through a call).
    pub fn module_class_path(&self, q: &str) -> Option<ClassRef> {
        match self.qualname_value(q)? {
            Value::Class(c) => Some(c),
            _ => None,
        }
    }

    /// The qualified names of the callables whose results `node` is bound
    /// to: a call `Q(...)` itself, or a name bound by `x = Q(...)`,
    /// `with Q(...) as x` (every reaching binding must be such a call).
    pub fn call_paths(&self, node: Node) -> Vec<String> {
        let Some(e) = self.node_expr(node) else {
            return Vec::new();
        };
        let m = self.this().clone();
        let sources: Vec<ExprId> = match m.expr(e) {
            Expr::Call { .. } => vec![e],
            Expr::Name {
                name,
                at,
                scope,
                path,
            } => {
                let mut out = Vec::new();
                for b in self.reaching(&m, name, *at, *scope, *path) {
                    match m.binding(b).map(|b| &b.kind) {
                        Some(BindingKind::Value { value, steps, .. }) if steps.is_empty() => {
                            out.push(*value)
                        }
                        Some(BindingKind::With { ctx, steps, .. }) if steps.is_empty() => {
                            out.push(*ctx)
                        }
                        _ => return Vec::new(),
                    }
                }
                out
            }
            _ => return Vec::new(),
        };
        let mut out = Vec::new();
        for s in sources {
            let Expr::Call { func, .. } = m.expr(s) else {
                return Vec::new();
            };
            match self.import_path(&m, *func) {
                Some(p) => out.push(p),
                None => return Vec::new(),
            }
        }
        out
    }

    /// Which of the qualified names `quals` the value of `node` is an
    /// instance of: through the model (the class `Q` gives is in the MRO of
    /// the value's class), or, for a `Q` the model cannot follow, by the
    /// call the name is bound to.
    pub fn instance_of_any(&self, node: Node, quals: &[&str]) -> Option<usize> {
        let v = self.node_value(node).without_none();
        if let Value::Instance(c, _) = &v {
            let order = self.lookup_order(c);
            for (i, q) in quals.iter().enumerate() {
                if self
                    .class_for_qualname(q)
                    .is_some_and(|k| order.contains(&k))
                {
                    return Some(i);
                }
            }
        }
        let paths = self.call_paths(node);
        if paths.is_empty() {
            return None;
        }
        quals.iter().position(|q| paths.iter().all(|p| p == q))
    }
}
