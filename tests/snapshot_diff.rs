//! The snapshot check itself: a difference fails with a line diff, a
//! missing snapshot is never written unless asked, an update rewrites it.

mod common;

use common::compare_snapshot;

/// The message without terminal colours (the diff is coloured on a terminal).
fn plain(message: &str) -> String {
    let mut out = String::new();
    let mut chars = message.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte.
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn a_difference_is_shown_as_a_line_diff() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.md");
    let snapshot = "line one\n生成器 stays\nold third line\nline four\n";
    std::fs::write(&path, snapshot).unwrap();
    assert_eq!(compare_snapshot(&path, snapshot, false), None);

    let actual = "line one\n生成器 stays\nnew third line\nline four\n";
    let message = plain(&compare_snapshot(&path, actual, false).expect("a difference"));
    assert!(message.contains("x.md differs"), "{message}");
    assert!(message.contains("UPDATE_SNAPSHOTS=1"), "{message}");
    let lines: Vec<&str> = message.lines().collect();
    let removed = lines.iter().filter(|l| l.contains("old third line"));
    let added = lines.iter().filter(|l| l.contains("new third line"));
    assert!(
        removed.clone().count() == 1 && removed.clone().all(|l| l.contains('-')),
        "{message}"
    );
    assert!(
        added.clone().count() == 1 && added.clone().all(|l| l.contains('+')),
        "{message}"
    );
    // Unchanged lines are context, marked neither way.
    let context: Vec<&&str> = lines.iter().filter(|l| l.contains("line one")).collect();
    assert_eq!(context.len(), 1, "{message}");
    assert!(
        !context[0].contains('-') && !context[0].contains('+'),
        "{message}"
    );
    // The file is untouched.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), snapshot);
}

#[test]
fn a_missing_snapshot_fails_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/missing.md");
    let message = compare_snapshot(&path, "text\n", false).expect("missing is a failure");
    assert!(message.starts_with("missing snapshot"), "{message}");
    assert!(!path.exists());
}

#[test]
fn an_update_writes_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/new.md");
    assert_eq!(compare_snapshot(&path, "text\n", true), None);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "text\n");
    assert_eq!(compare_snapshot(&path, "text\n", false), None);
}
