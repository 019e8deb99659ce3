//! C3 linearization of the module's own classes: the MRO Python computes
//! when a `class` statement runs, for classes whose bases are all defined at
//! module level (or `object`). Anything else is "cannot tell", never a guess.

use std::collections::{HashMap, HashSet};

use tree_sitter::Node;

use super::Parsed;

/// Why an MRO could not be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MroError {
    /// A base that is not a class of this module (imported, an expression,
    /// defined twice): its own MRO is unknown here.
    Unknown(String),
    /// C3 has no consistent order: `class` raises `TypeError` at runtime.
    Inconsistent,
}

/// Every class statement at module level (decorated or not), in source
/// order, with its name.
pub fn module_classes(parsed: &Parsed) -> Vec<(&str, Node<'_>)> {
    let Some(tree) = parsed.tree.as_ref() else {
        return Vec::new();
    };
    let src = parsed.text.as_bytes();
    let root = tree.root_node();
    let mut c = root.walk();
    root.named_children(&mut c)
        .filter_map(|stmt| match stmt.kind() {
            "class_definition" => Some(stmt),
            "decorated_definition" => stmt
                .child_by_field_name("definition")
                .filter(|d| d.kind() == "class_definition"),
            _ => None,
        })
        .filter_map(|class| {
            let name = class.child_by_field_name("name")?.utf8_text(src).ok()?;
            Some((name, class))
        })
        .collect()
}

/// Module-level classes: name -> positional base expressions (as written).
fn table(classes: &[(&str, Node)], src: &[u8]) -> HashMap<String, Option<Vec<String>>> {
    let mut out: HashMap<String, Option<Vec<String>>> = HashMap::new();
    for (name, class) in classes {
        let bases = bases(*class, src);
        // Defined twice: which one a base refers to depends on the order of
        // execution; do not guess.
        out.entry(name.to_string())
            .and_modify(|b| *b = None)
            .or_insert(Some(bases));
    }
    out
}

/// The positional bases of a class definition, as written.
pub fn bases(class: Node, src: &[u8]) -> Vec<String> {
    let Some(list) = class.child_by_field_name("superclasses") else {
        return Vec::new();
    };
    let mut c = list.walk();
    list.named_children(&mut c)
        .filter(|n| !matches!(n.kind(), "keyword_argument" | "comment"))
        .map(|n| n.utf8_text(src).unwrap_or("").split_whitespace().collect())
        .collect()
}

/// The C3 linearization of the module class `name` (itself first, `object`
/// last).
pub fn mro(parsed: &Parsed, name: &str) -> Result<Vec<String>, MroError> {
    Linearizer::new(parsed).mro(name)
}

/// A [`Linearizer`] behind `&self`, for callers that hold it in a shared
/// structure (the runtime analyses' [`super::classes::Classes`]).
#[derive(Debug)]
pub struct Mros {
    inner: std::cell::RefCell<Linearizer>,
}

impl Mros {
    /// From the module's classes as [`module_classes`] lists them.
    pub fn from_classes(classes: &[(&str, Node)], src: &[u8]) -> Mros {
        Mros {
            inner: std::cell::RefCell::new(Linearizer::from_classes(classes, src)),
        }
    }

    /// The C3 linearization of the module class `name`.
    pub fn mro(&self, name: &str) -> Result<Vec<String>, MroError> {
        self.inner.borrow_mut().mro(name)
    }
}

/// Inheritance deeper than this is "cannot tell" (it bounds the work per
/// class; no real hierarchy comes near it).
const MAX_DEPTH: usize = 200;

/// The C3 linearizations of one module's classes, each computed once: for
/// callers that ask for many classes (the inlay hints of a whole file).
#[derive(Debug)]
pub struct Linearizer {
    table: HashMap<String, Option<Vec<String>>>,
    /// Name -> (MRO, depth of its inheritance: `object` is 0), or why not.
    memo: HashMap<String, Result<(Vec<String>, usize), MroError>>,
}

impl Linearizer {
    pub fn new(parsed: &Parsed) -> Linearizer {
        Linearizer::from_classes(&module_classes(parsed), parsed.text.as_bytes())
    }

    /// From the module's classes as [`module_classes`] lists them.
    pub fn from_classes(classes: &[(&str, Node)], src: &[u8]) -> Linearizer {
        let mut memo = HashMap::new();
        memo.insert("object".to_string(), Ok((vec!["object".to_string()], 0)));
        Linearizer {
            table: table(classes, src),
            memo,
        }
    }

    /// The C3 linearization of the module class `name`.
    pub fn mro(&mut self, name: &str) -> Result<Vec<String>, MroError> {
        self.compute(name);
        match self.memo.get(name) {
            Some(Ok((order, _))) => Ok(order.clone()),
            Some(Err(e)) => Err(e.clone()),
            None => Err(MroError::Unknown(name.to_string())),
        }
    }

    /// Fills the memo for `name` and its ancestors: bases first, without
    /// recursion (no depth can overflow the stack). A base that is on the
    /// path being computed (`class A(B)` / `class B(A)`) is unknown.
    fn compute(&mut self, name: &str) {
        let mut on_path: HashSet<String> = HashSet::new();
        // (class, its bases are done)
        let mut stack = vec![(name.to_string(), false)];
        while let Some((class, bases_done)) = stack.pop() {
            if self.memo.contains_key(&class) {
                continue;
            }
            let Some(Some(bases)) = self.table.get(&class).cloned() else {
                self.memo
                    .insert(class.clone(), Err(MroError::Unknown(class.clone())));
                continue;
            };
            if !bases_done {
                if on_path.contains(&class) {
                    self.memo
                        .insert(class.clone(), Err(MroError::Unknown(class.clone())));
                    continue;
                }
                if on_path.len() >= MAX_DEPTH {
                    // `name` is deeper than MAX_DEPTH: stop here. What is
                    // memoized so far is exact; the classes still on the
                    // path are not memoized (they may be shallower).
                    self.memo
                        .insert(name.to_string(), Err(MroError::Unknown(name.to_string())));
                    return;
                }
                on_path.insert(class.clone());
                stack.push((class, true));
                stack.extend(bases.iter().rev().map(|b| (b.clone(), false)));
                continue;
            }
            on_path.remove(&class);
            let result = self.merge_bases(&class, &bases);
            self.memo.insert(class, result);
        }
    }

    /// `class` + the C3 merge of its bases' MROs (all computed) and the
    /// bases themselves.
    fn merge_bases(&self, class: &str, bases: &[String]) -> Result<(Vec<String>, usize), MroError> {
        let mut sequences: Vec<Vec<String>> = Vec::new();
        let mut depth = 0;
        for base in bases {
            match self.memo.get(base) {
                Some(Ok((order, d))) => {
                    sequences.push(order.clone());
                    depth = depth.max(*d);
                }
                Some(Err(e)) => return Err(e.clone()),
                None => return Err(MroError::Unknown(base.clone())),
            }
        }
        if depth + 1 > MAX_DEPTH {
            return Err(MroError::Unknown(class.to_string()));
        }
        if bases.is_empty() {
            sequences.push(vec!["object".to_string()]);
            sequences.push(vec!["object".to_string()]);
        } else {
            sequences.push(bases.to_vec());
        }
        let tail = merge(sequences)?;
        let mut full = vec![class.to_string()];
        full.extend(tail);
        Ok((full, depth + 1))
    }
}

/// C3 merge: repeatedly take the first head that is in no other tail.
fn merge(mut seqs: Vec<Vec<String>>) -> Result<Vec<String>, MroError> {
    let mut out = Vec::new();
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Ok(out);
        }
        let head = seqs
            .iter()
            .map(|s| s[0].clone())
            .find(|h| !seqs.iter().any(|s| s[1..].contains(h)))
            .ok_or(MroError::Inconsistent)?;
        for s in seqs.iter_mut() {
            if s[0] == head {
                s.remove(0);
            }
        }
        out.push(head);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mro_of(src: &str, name: &str) -> Result<Vec<String>, MroError> {
        mro(&Parsed::new(src.to_string()), name)
    }

    #[test]
    fn diamond_and_failures() {
        let src = "class A: pass\nclass B(A): pass\nclass C(A): pass\nclass D(B, C): pass\n";
        assert_eq!(mro_of(src, "D").unwrap(), ["D", "B", "C", "A", "object"]);
        let bad = "class A: pass\nclass B(A): pass\nclass X(A, B): pass\n";
        assert_eq!(mro_of(bad, "X"), Err(MroError::Inconsistent));
        let unknown = "from x import Base\nclass M(Base, object): pass\n";
        assert_eq!(mro_of(unknown, "M"), Err(MroError::Unknown("Base".into())));
        let cycle = "class A(B): pass\nclass B(A): pass\n";
        assert!(matches!(mro_of(cycle, "A"), Err(MroError::Unknown(_))));
        let twice = "class A: pass\nclass A(object): pass\nclass C(A): pass\n";
        assert_eq!(mro_of(twice, "C"), Err(MroError::Unknown("A".into())));
        let self_base = "class A(A): pass\n";
        assert!(matches!(mro_of(self_base, "A"), Err(MroError::Unknown(_))));
    }

    /// A chain `A{i}(A{i-1}, B)`: every class of one module at the cost of
    /// one pass, and "cannot tell" beyond [`MAX_DEPTH`] whatever the order
    /// the classes are asked in.
    #[test]
    fn deep_chains_are_linear_and_bounded() {
        let n = 400;
        let mut src = String::from("class A0: pass\nclass B: pass\n");
        for i in 1..n {
            src.push_str(&format!("class A{i}(A{}, B): pass\n", i - 1));
        }
        let parsed = Parsed::new(src);
        let expect = |i: usize| -> Result<usize, MroError> {
            // A{i} has depth i + 1 (A0 has 1).
            if i + 1 > MAX_DEPTH {
                Err(MroError::Unknown(format!("A{}", MAX_DEPTH)))
            } else if i == 0 {
                Ok(2) // A0, object
            } else {
                Ok(i + 3) // A{i}..A0, B, object
            }
        };
        for order in [(0..n).collect::<Vec<_>>(), (0..n).rev().collect::<Vec<_>>()] {
            let mut lin = Linearizer::new(&parsed);
            for i in order {
                let got = lin.mro(&format!("A{i}")).map(|m| m.len());
                match expect(i) {
                    Ok(len) => assert_eq!(got, Ok(len), "A{i}"),
                    Err(_) => assert!(matches!(got, Err(MroError::Unknown(_))), "A{i}: {got:?}"),
                }
            }
        }
        assert_eq!(mro(&parsed, "A10").unwrap()[..3], ["A10", "A9", "A8"]);
    }
}
