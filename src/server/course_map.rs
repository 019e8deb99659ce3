//! The `pyexplain.courseMap` command: which course sections the workspace's
//! files exercise, as a markdown document written under the cache directory
//! (next to the note files, so its section links are relative) for the
//! client to show.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicUsize;

use serde_json::Value;
use tower_lsp_server::ls_types::{InitializeParams, Uri};

use super::note_files;
use crate::course_map::{self, Links};
use crate::knowledge::{knowledge, Lang};

/// The workspace folders of `initialize` (else `rootUri`, else `rootPath`)
/// that are local directories.
pub fn roots(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = params.workspace_folders.as_ref().filter(|f| !f.is_empty()) {
        return folders.iter().filter_map(|f| uri_path(&f.uri)).collect();
    }
    // Clients without workspace folders still send the older fields.
    #[allow(deprecated)]
    let (root_uri, root_path) = (params.root_uri.as_ref(), params.root_path.as_ref());
    match (root_uri, root_path) {
        (Some(uri), _) => uri_path(uri).into_iter().collect(),
        (None, Some(path)) if !path.is_empty() => vec![PathBuf::from(path)],
        _ => Vec::new(),
    }
}

fn uri_path(uri: &Uri) -> Option<PathBuf> {
    if uri.scheme().as_str() != "file" {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

/// What the command's arguments ask for: paths (strings that are file URIs
/// or paths, alone, in arrays or as `{"paths": [...]}`), `all` and `lang`.
#[derive(Debug, Default, PartialEq)]
pub struct Request {
    pub paths: Vec<PathBuf>,
    pub all: bool,
    pub lang: Option<Lang>,
}

impl Request {
    pub fn parse(args: &[Value]) -> Request {
        let mut r = Request::default();
        let add = |v: &Value, paths: &mut Vec<PathBuf>| {
            if let Some(s) = v.as_str() {
                let path = if s.contains("://") {
                    // A URI: only local files can be mapped.
                    s.parse::<Uri>().ok().and_then(|u| uri_path(&u))
                } else {
                    Some(PathBuf::from(s)).filter(|p| !p.as_os_str().is_empty())
                };
                paths.extend(path);
            }
        };
        for arg in args {
            match arg {
                Value::Array(items) => items.iter().for_each(|v| add(v, &mut r.paths)),
                Value::Object(obj) => {
                    match obj.get("paths") {
                        Some(Value::Array(items)) => {
                            items.iter().for_each(|v| add(v, &mut r.paths))
                        }
                        Some(v) => add(v, &mut r.paths),
                        None => {}
                    }
                    if let Some(all) = obj.get("all").and_then(Value::as_bool) {
                        r.all = all;
                    }
                    if let Some(lang) = obj.get("lang").and_then(Value::as_str) {
                        r.lang = Lang::parse(lang);
                    }
                }
                other => add(other, &mut r.paths),
            }
        }
        r
    }
}

/// The map of `paths`, rendered and written: (file, markdown, summary line).
/// Blocking: walks and parses every file.
pub fn build(
    paths: &[PathBuf],
    lang: Lang,
    all: bool,
) -> Result<(PathBuf, String, String), String> {
    let (files, mut problems) = crate::files::collect(paths);
    let map = course_map::map_files(&files, &AtomicUsize::new(0));
    problems.extend(
        map.errors
            .iter()
            .chain(&map.skipped)
            .map(|(p, why)| format!("{}: {why}", p.display())),
    );
    let k = knowledge();
    let mut preamble = vec![format!(
        "{} {}",
        k.ui(lang, "ui.map-folders"),
        paths
            .iter()
            .map(|p| format!("`{}`", p.display()))
            .collect::<Vec<_>>()
            .join(", ")
    )];
    if !problems.is_empty() {
        let mut text = k.ui(lang, "ui.map-problems").to_string();
        for p in &problems {
            text.push_str(&format!("\n- {p}"));
        }
        preamble.push(text);
    }
    let example = |e: &course_map::Example| {
        let text = format!("{}:{}", display_path(&e.path, paths), e.line);
        let target = Uri::from_file_path(&e.path)
            .map(|u| course_map::link_destination(&format!("{}#L{}", u.as_str(), e.line)));
        (text, target)
    };
    // The map sits next to the chapter files: relative links to the notes.
    let section = |note: &crate::knowledge::Note| {
        Some(course_map::link_destination(&format!(
            "{}#L{}",
            note.file,
            note.line + 1
        )))
    };
    let links = Links {
        preamble,
        section: &section,
        example: &example,
    };
    let markdown = map.to_markdown(lang, all, &links);
    let dir = note_files::cache_dir();
    note_files::materialize(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(file_name(paths));
    let tmp = path.with_extension(format!("md.{}.tmp", std::process::id()));
    std::fs::write(&tmp, &markdown).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, &path).map_err(|e| e.to_string())?;
    Ok((path, markdown, map.summary(lang)))
}

/// `course-map-<hash of the paths>.md`: one file per workspace, rewritten.
fn file_name(paths: &[PathBuf]) -> String {
    let mut sorted: Vec<&PathBuf> = paths.iter().collect();
    sorted.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    sorted.hash(&mut h);
    format!("course-map-{:016x}.md", h.finish())
}

/// A path relative to the folder it was found under (with the folder's
/// name when there are several folders).
fn display_path(path: &Path, roots: &[PathBuf]) -> String {
    for root in roots {
        if let Ok(rel) = path.strip_prefix(root) {
            if rel.as_os_str().is_empty() {
                break; // the root is the file itself
            }
            let base = match (roots.len() > 1, root.file_name()) {
                (true, Some(name)) => Path::new(name).join(rel),
                _ => rel.to_path_buf(),
            };
            return base.display().to_string();
        }
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arguments_in_every_shape() {
        assert_eq!(Request::parse(&[]), Request::default());
        let r = Request::parse(&[json!("file:///tmp/a%20b"), json!(["/x", 3]), json!("rel")]);
        assert_eq!(
            r.paths,
            [
                PathBuf::from("/tmp/a b"),
                PathBuf::from("/x"),
                PathBuf::from("rel")
            ]
        );
        let r = Request::parse(&[json!({"paths": ["/y"], "all": true, "lang": "zh"})]);
        assert_eq!(r.paths, [PathBuf::from("/y")]);
        assert!(r.all);
        assert_eq!(r.lang, Some(Lang::Zh));
        let r = Request::parse(&[json!("https://example.com/x"), json!(null)]);
        assert!(r.paths.is_empty());
    }

    #[test]
    fn paths_shown_relative_to_their_folder() {
        let roots = [PathBuf::from("/w/app")];
        assert_eq!(
            display_path(Path::new("/w/app/pkg/a.py"), &roots),
            "pkg/a.py"
        );
        assert_eq!(
            display_path(Path::new("/elsewhere/a.py"), &roots),
            "/elsewhere/a.py"
        );
        let two = [PathBuf::from("/w/app"), PathBuf::from("/w/lib")];
        assert_eq!(display_path(Path::new("/w/lib/b.py"), &two), "lib/b.py");
        let file = [PathBuf::from("/w/app/a.py")];
        assert_eq!(display_path(Path::new("/w/app/a.py"), &file), "/w/app/a.py");
    }
}
