//! Fix safety, checked by running programs: a safe fix never changes what a
//! program prints, and every unsafe fix is unsafe for a reason a program can
//! show. See `tests/fixtures/fixes/README.md`.

mod common;

use pyexplain::analysis::ids::RuleId;
use std::path::{Path, PathBuf};
use std::process::Command;

use pyexplain::analysis::rules::{self, Fixes, Selection, RULES};
use pyexplain::analysis::{ModuleContext, Parsed};

/// Every Python 3.8–3.13 on the machine (PATH, then pyenv's versions), and
/// `python3` (or `PYEXPLAIN_TEST_PYTHON`), each once.
fn interpreters() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    let default = std::env::var_os("PYEXPLAIN_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("python3"));
    found.push(default);
    let pyenv = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")));
    for minor in 8..=13 {
        let name = format!("python3.{minor}");
        if Command::new(&name)
            .arg("-c")
            .arg("pass")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            found.push(PathBuf::from(name));
            continue;
        }
        let Some(root) = &pyenv else { continue };
        let Ok(entries) = std::fs::read_dir(root.join("versions")) else {
            continue;
        };
        let mut dirs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&format!("3.{minor}.")))
            })
            .collect();
        dirs.sort();
        if let Some(dir) = dirs.last() {
            let exe = dir.join("bin").join(&name);
            if exe.exists() {
                found.push(exe);
            }
        }
    }
    found
}

/// stdout and exit status of running `source` with `python`.
fn run(python: &Path, source: &str, dir: &Path, name: &str) -> (String, Option<i32>) {
    let file = dir.join(name);
    std::fs::write(&file, source).unwrap();
    let out = Command::new(python)
        .arg(&file)
        .current_dir(dir)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code(),
    )
}

fn programs(kind: &str) -> Vec<(String, String)> {
    let dir = common::repo().join("tests/fixtures/fixes").join(kind);
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

/// The rules whose fixes `fix_all` applied between `before` and `after`.
fn fixed_rules(before: &str, after: &str) -> Vec<RuleId> {
    let had = rules::check(&Parsed::new(before.to_string()), &Selection::default());
    let has = rules::check(&Parsed::new(after.to_string()), &Selection::default());
    let mut ids: Vec<RuleId> = had
        .iter()
        .filter(|d| d.fix.is_some())
        .map(|d| d.rule)
        .filter(|id| {
            had.iter().filter(|d| d.rule == *id).count()
                > has.iter().filter(|d| d.rule == *id).count()
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[test]
fn safe_fixes_keep_every_programs_output_on_every_python() {
    let pythons = interpreters();
    let tmp = std::env::temp_dir().join(format!("pyexplain-fix-safety-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut covered: Vec<RuleId> = Vec::new();
    let mut failures = Vec::new();
    for (name, source) in programs("safe") {
        let fixed = rules::fix_all(
            &source,
            &ModuleContext::default(),
            &Selection::default(),
            false,
        );
        assert!(fixed.applied > 0, "safe/{name}: no safe fix applies");
        assert_eq!(fixed.stopped, None, "safe/{name}");
        covered.extend(fixed_rules(&source, &fixed.text));
        for python in &pythons {
            let before = run(python, &source, &tmp, &name);
            let after = run(python, &fixed.text, &tmp, &name);
            if before != after {
                failures.push(format!(
                    "safe/{name} on {}: {before:?} became {after:?}",
                    python.display()
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for rule in RULES {
        if matches!(rule.fix, Fixes::Safe | Fixes::Mixed) {
            assert!(
                covered.contains(&rule.id),
                "{} has safe fixes but no program in tests/fixtures/fixes/safe",
                rule.id
            );
        }
    }
}

#[test]
fn unsafe_fixes_change_what_the_programs_show() {
    let pythons = interpreters();
    let tmp = std::env::temp_dir().join(format!("pyexplain-fix-unsafe-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut failures = Vec::new();
    let mut covered: Vec<RuleId> = Vec::new();
    for (name, source) in programs("unsafe") {
        let rule = source
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# "))
            .and_then(|l| l.split(':').next())
            .unwrap_or("");
        assert!(
            rules::rule_by_name(rule).is_some(),
            "unsafe/{name}: the first line must name the rule"
        );
        let safe = rules::fix_all(
            &source,
            &ModuleContext::default(),
            &Selection::default(),
            false,
        );
        assert_eq!(safe.text, source, "unsafe/{name}: a safe fix applies");
        let fixed = rules::fix_all(
            &source,
            &ModuleContext::default(),
            &Selection::default(),
            true,
        );
        assert_eq!(
            fixed_rules(&source, &fixed.text),
            rules::rule_by_name(rule)
                .map(|r| vec![r.id])
                .unwrap_or_default(),
            "unsafe/{name}: the unsafe fixes applied"
        );
        covered.extend(rules::rule_by_name(rule).map(|r| r.id));
        let differs = pythons.iter().any(|python| {
            run(python, &source, &tmp, &name) != run(python, &fixed.text, &tmp, &name)
        });
        if !differs {
            failures.push(format!(
                "unsafe/{name}: the {rule} fix changes nothing on any Python"
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for rule in RULES {
        if matches!(rule.fix, Fixes::Unsafe | Fixes::Mixed) {
            assert!(
                covered.contains(&rule.id),
                "{} has unsafe fixes but no program in tests/fixtures/fixes/unsafe",
                rule.id
            );
        }
    }
}
