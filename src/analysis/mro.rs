//! C3 linearization of the module's own classes: the MRO Python computes
//! when a `class` statement runs, for classes whose bases are all defined at
//! module level (or `object`). Anything else is "cannot tell", never a guess.

use std::collections::HashMap;

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

/// Module-level classes: name -> positional base expressions (as written).
fn classes(parsed: &Parsed) -> HashMap<String, Option<Vec<String>>> {
    let mut out: HashMap<String, Option<Vec<String>>> = HashMap::new();
    let Some(tree) = parsed.tree.as_ref() else {
        return out;
    };
    let src = parsed.text.as_bytes();
    let root = tree.root_node();
    let mut c = root.walk();
    for stmt in root.named_children(&mut c) {
        let class = match stmt.kind() {
            "class_definition" => stmt,
            "decorated_definition" => match stmt.child_by_field_name("definition") {
                Some(d) if d.kind() == "class_definition" => d,
                _ => continue,
            },
            _ => continue,
        };
        let Some(name) = class
            .child_by_field_name("name")
            .and_then(|n| n.utf8_text(src).ok())
        else {
            continue;
        };
        let bases = bases(class, src);
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
    Mros::new(parsed).mro(name)
}

/// The module's classes with their MROs computed on demand and remembered:
/// for callers that ask about many classes of one file.
#[derive(Debug)]
pub struct Mros {
    table: HashMap<String, Option<Vec<String>>>,
    memo: std::cell::RefCell<HashMap<String, Result<Vec<String>, MroError>>>,
}

impl Mros {
    pub fn new(parsed: &Parsed) -> Mros {
        Mros {
            table: classes(parsed),
            memo: Default::default(),
        }
    }

    /// The C3 linearization of the module class `name`.
    pub fn mro(&self, name: &str) -> Result<Vec<String>, MroError> {
        let mut visiting = Vec::new();
        linearize(
            &self.table,
            name,
            &mut self.memo.borrow_mut(),
            &mut visiting,
        )
    }

    /// The module classes defined exactly once, in no particular order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.table
            .iter()
            .filter(|(_, b)| b.is_some())
            .map(|(n, _)| n.as_str())
    }
}

fn linearize(
    table: &HashMap<String, Option<Vec<String>>>,
    name: &str,
    memo: &mut HashMap<String, Result<Vec<String>, MroError>>,
    visiting: &mut Vec<String>,
) -> Result<Vec<String>, MroError> {
    if name == "object" {
        return Ok(vec!["object".to_string()]);
    }
    if let Some(done) = memo.get(name) {
        return done.clone();
    }
    let Some(Some(bases)) = table.get(name) else {
        return Err(MroError::Unknown(name.to_string()));
    };
    // A cycle (`class A(B)` / `class B(A)`) or absurd depth: not a real MRO.
    if visiting.iter().any(|v| v == name) || visiting.len() > 200 {
        return Err(MroError::Unknown(name.to_string()));
    }
    visiting.push(name.to_string());
    let mut sequences: Vec<Vec<String>> = Vec::new();
    let mut result = Ok(());
    for base in bases {
        match linearize(table, base, memo, visiting) {
            Ok(seq) => sequences.push(seq),
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    visiting.pop();
    let out = result.and_then(|()| {
        let effective: Vec<String> = if bases.is_empty() {
            vec!["object".to_string()]
        } else {
            bases.clone()
        };
        if bases.is_empty() {
            sequences.push(vec!["object".to_string()]);
        }
        sequences.push(effective);
        merge(sequences).map(|tail| {
            let mut full = vec![name.to_string()];
            full.extend(tail);
            full
        })
    });
    memo.insert(name.to_string(), out.clone());
    out
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
    }
}
