//! Tests of the semantic model: value sources, one fixture string each.

use std::sync::Arc;

use super::builder::{build, BuildOptions};
use super::infer::Infer;
use super::world::World;

/// The value of the expression whose text is `needle` (its `nth`
/// occurrence) in `src`, described.
fn value_of(src: &str, needle: &str, nth: usize) -> String {
    let tree = crate::analysis::syntax::parse(src, None).unwrap();
    let model = Arc::new(build(&tree, src.as_bytes(), &BuildOptions::default()));
    let world = World::alone(model.clone());
    let infer = Infer::new(&world);
    let word = |i: usize| {
        let before = src[..i].chars().next_back();
        let after = src[i + needle.len()..].chars().next();
        let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        !ident(before) && !ident(after)
    };
    let start = src
        .match_indices(needle)
        .map(|(i, _)| i)
        .filter(|i| word(*i))
        .nth(nth)
        .expect("needle") as u32;
    let end = start + needle.len() as u32;
    let e = model
        .expr_at(start..end)
        .unwrap_or_else(|| panic!("no expression at {needle} #{nth}"));
    infer.describe(&infer.expr(&model, e))
}

#[test]
fn literals_calls_and_builtin_constructors() {
    let src = "nums = [1, 2]\ns = set(nums)\nd = {'a': 1.5}\nt = (1, 'x')\nnums; s; d; t\nl = list(d)\nl\n";
    assert_eq!(value_of(src, "nums", 2), "list[int]");
    assert_eq!(value_of(src, "s", 1), "set[int]");
    assert_eq!(value_of(src, "d", 1), "dict[str, float]");
    assert_eq!(value_of(src, "t", 1), "tuple[int, str]");
    assert_eq!(value_of(src, "l", 1), "list[str]");
}

#[test]
fn unpacking_with_for_and_stdlib_returns() {
    let src = "import socket\nfrom concurrent.futures import ThreadPoolExecutor\nserver = socket.socket()\nsock, addr = server.accept()\nsock\nwith ThreadPoolExecutor() as executor:\n    future = executor.submit(print)\n    executor; future\nfor k, v in {'a': 1}.items():\n    k; v\n";
    assert_eq!(value_of(src, "server", 1), "socket.socket");
    assert_eq!(value_of(src, "sock", 1), "socket.socket");
    assert_eq!(
        value_of(src, "executor", 1),
        "concurrent.futures.ThreadPoolExecutor"
    );
    assert_eq!(value_of(src, "future", 1), "concurrent.futures.Future");
    assert_eq!(value_of(src, "k", 1), "str");
    assert_eq!(value_of(src, "v", 1), "int");
}

#[test]
fn attributes_params_and_branches() {
    let src = "import queue, threading\nfrom typing import Optional\nclass Worker(threading.Thread):\n    def __init__(self, q: 'queue.Queue', lock: Optional[threading.Lock] = None):\n        super().__init__()\n        self.q = q\n        self.gen = self.produce()\n    def produce(self):\n        yield 1\n    def run(self):\n        self.q; self.gen; lock\nw = Worker(queue.Queue())\nw\nif w:\n    x = 1\nelse:\n    x = 'a'\nx\n";
    assert_eq!(value_of(src, "self.q", 1), "queue.Queue");
    assert_eq!(value_of(src, "self.gen", 1), "generator");
    assert_eq!(value_of(src, "w", 2), "Worker");
    assert_eq!(value_of(src, "x", 2), "int | str");
}

#[test]
fn the_shapes_real_code_has() {
    let src = r#"import selectors
import socket
import threading
import asyncio
from queue import Queue
from typing import Optional, Dict, List


class Server:
    def __init__(self, host: str, port: int = 0) -> None:
        self.sock = socket.socket()
        self._selector = selectors.DefaultSelector()
        self.queue: "Queue[int]" = Queue()
        self.clients: Dict[str, socket.socket] = {}
        self.lock = threading.Lock()

    def serve(self):
        selector = self._selector
        conn, addr = self.sock.accept()
        self.queue.task_done()
        with self.lock as held:
            pass
        for name, client in self.clients.items():
            pass
        selector; conn; held; name; client


class Worker(threading.Thread):
    def run(self) -> None:
        pass


def make(flag: bool) -> "Worker":
    return Worker()


def pick(x: int | None, y: Optional[List[str]]):
    x; y


w = make(True)
w.daemon = True
w
nums = [1, 2]
nums += (7, 9)
nums
counter = 0
def bump():
    global counter
    counter += 1
if (n := len(nums)) > 1:
    n
squares = [s * s for s in nums]
squares
async def main():
    reader, writer = await asyncio.open_connection("h", 1)
    reader; writer
    lock = asyncio.Lock()
    async with lock as acquired:
        acquired
"#;
    assert_eq!(value_of(src, "selector", 1), "selectors.DefaultSelector");
    assert_eq!(value_of(src, "conn", 1), "socket.socket");
    assert_eq!(value_of(src, "self.queue", 1), "queue.Queue");
    assert_eq!(value_of(src, "held", 1), "bool");
    assert_eq!(value_of(src, "name", 1), "str");
    assert_eq!(value_of(src, "client", 1), "socket.socket");
    assert_eq!(value_of(src, "w", 2), "Worker");
    assert_eq!(value_of(src, "x", 1), "int | None");
    assert_eq!(value_of(src, "y", 1), "list[str] | None");
    assert_eq!(value_of(src, "nums", 2), "list[int]");
    assert_eq!(value_of(src, "n", 1), "int");
    assert_eq!(value_of(src, "squares", 1), "list[int]");
    assert_eq!(value_of(src, "reader", 1), "asyncio.StreamReader");
    assert_eq!(value_of(src, "writer", 1), "asyncio.StreamWriter");
    assert_eq!(value_of(src, "acquired", 1), "None");
}

/// A `TypedDict` class only describes dicts: what is annotated with it,
/// or with a subclass of it, holds a plain `dict`; other classes stay.
#[test]
fn typeddict_annotations_hold_dicts() {
    let src = "import typing as t\nclass Extra(t.TypedDict, total=False):\n    default: str\nclass More(Extra):\n    envvar: str\nclass Plain:\n    pass\ndef show(extra: Extra, more: 'More', plain: Plain):\n    extra; more; plain\n";
    assert_eq!(value_of(src, "extra", 1), "dict");
    assert_eq!(value_of(src, "more", 1), "dict");
    assert_eq!(value_of(src, "plain", 1), "Plain");
}

#[test]
fn unknowns_stay_unknown() {
    let src = "import somethirdparty\nx = somethirdparty.make()\nx\ndef f(a):\n    a\nclass C:\n    def m(self, name, v):\n        setattr(self, name, v)\n        self.k = 1\n    def n(self):\n        self.k\n";
    assert_eq!(value_of(src, "x", 1), "?");
    assert_eq!(value_of(src, "a", 1), "?");
    // setattr with a computed name: instance attributes cannot be listed.
    assert_eq!(value_of(src, "self.k", 1), "?");
}

/// What hides a lookup is typed (`lookup::Unknown`): an unknown class
/// decorator, a base the model cannot follow, a class without an MRO.
#[test]
fn lookups_say_what_hides_them() {
    use super::lookup::{Lookup, Unknown};
    let src = "import thirdparty\n\n@thirdparty.wrap\nclass D:\n    def f(self): pass\n\nclass B(thirdparty.Base):\n    pass\n\nclass X: pass\nclass Y(X): pass\nclass Z(X, Y): pass\n";
    let tree = crate::analysis::syntax::parse(src, None).unwrap();
    let model = Arc::new(build(&tree, src.as_bytes(), &BuildOptions::default()));
    let world = World::alone(model.clone());
    let infer = Infer::new(&world);
    let class = |name: &str| super::value::ClassRef {
        module: model.name.clone(),
        id: model
            .classes
            .iter()
            .position(|c| &*c.name == name)
            .expect(name) as u32,
    };
    assert_eq!(
        infer.lookup(&class("D"), "g"),
        Lookup::Unknown(Unknown::Decorator("thirdparty.wrap".into()))
    );
    assert_eq!(
        Unknown::Decorator("thirdparty.wrap".into()).text(),
        "@thirdparty.wrap"
    );
    assert_eq!(
        infer.lookup(&class("B"), "g"),
        Lookup::Unknown(Unknown::Base("thirdparty.Base".into()))
    );
    assert_eq!(
        infer.lookup(&class("Z"), "g"),
        Lookup::Unknown(Unknown::Class(infer.class_name(&class("Z"))))
    );
}

/// Module texts held in memory, for tests: they count their loads, and
/// each load can take a while.
#[derive(Default)]
pub(crate) struct Texts {
    texts: std::sync::Mutex<std::collections::HashMap<String, String>>,
    loads: std::sync::atomic::AtomicUsize,
    delay: std::time::Duration,
}

impl Texts {
    /// Modules (name, text), each load taking `delay_ms`.
    pub(crate) fn new(modules: &[(&str, &str)], delay_ms: u64) -> Arc<Texts> {
        let t = Texts {
            delay: std::time::Duration::from_millis(delay_ms),
            ..Texts::default()
        };
        for (name, text) in modules {
            t.set(name, text);
        }
        Arc::new(t)
    }

    /// Module `name` has `text` from now on.
    pub(crate) fn set(&self, name: &str, text: &str) {
        if let Ok(mut texts) = self.texts.lock() {
            texts.insert(name.to_string(), text.to_string());
        }
    }

    /// How many loads were asked for.
    pub(crate) fn loads(&self) -> usize {
        self.loads.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl super::world::Sources for Arc<Texts> {
    fn load(&self, name: &str) -> Option<(String, bool)> {
        self.loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let text = self.texts.lock().ok()?.get(name).cloned();
        std::thread::sleep(self.delay);
        text.map(|t| (t, false))
    }
}

/// After edits, the statements the edits left unchanged take their part of
/// the previous model, moved, and the model equals one built afresh.
#[test]
fn unchanged_statements_reuse_the_previous_model() {
    use crate::analysis::Parsed;
    let src = "import os\n__all__ = ['f']\nfrom m import *\n\
               counter = 0\n\
               def f(a, b=[x for x in range(3)]):\n    global counter\n    counter += 1\n    g = lambda y: y + a\n    return g\n\
               if os.name:\n    class C(dict):\n        def __init__(self):\n            self.x = [i for i in self]\n        def m(self):\n            global counter\n            counter = self.y = self.x\n            def inner():\n                nonlocal v\n                v = 2\n            v = 1\n            return inner\n\
               @f\nclass D(C):\n    y: int = 1\n\
               edited = 1\n\
               tail = f(1)\n";
    let mut parsed = Parsed::new(src.to_string());
    let first = parsed.model();
    assert_eq!(first.reused, 0);
    // An edit inside one statement near the end: every other statement that
    // is reusable is taken over, the ones after it moved by the new length.
    let at = parsed.text.find("edited = 1").unwrap() + "edited = ".len();
    parsed.replace(at..at + 1, "(1, 2)");
    parsed.reparse();
    let edited = parsed.model();
    let fresh = Parsed::new(parsed.text.clone()).model();
    assert!(*edited == *fresh);
    // 9 statements: `__all__` and the star import are walked again, and
    // so is the edited one.
    assert_eq!(edited.reused, 6);
    // A line added at the top moves everything.
    parsed.replace(0..0, "# a comment\n");
    parsed.reparse();
    let moved = parsed.model();
    assert!(*moved == *Parsed::new(parsed.text.clone()).model());
    assert_eq!(moved.reused, 7);
    // An edit inside one method: the class body's other statements are
    // reused (`m` sets `self.y` on the class and binds the module's
    // `counter`), with the module's other statements.
    let at = parsed.text.find("in self]").unwrap() + "in self".len();
    parsed.replace(at..at, " if i");
    parsed.reparse();
    let method = parsed.model();
    assert!(*method == *Parsed::new(parsed.text.clone()).model());
    assert_eq!(method.reused, 8);
    // A syntax error in one statement: that one is walked, never reused.
    let at = parsed.text.find("counter = 0").unwrap();
    parsed.replace(at..at, "(");
    parsed.reparse();
    let broken = parsed.model();
    assert!(*broken == *Parsed::new(parsed.text.clone()).model());
}
