//! Benchmark, not a test: what the semantic model of a whole directory
//! costs when it is one workspace (issue 12: "report the index time and
//! memory for the stdlib as a workspace").
//!
//! Parses every `*.py` file under the directory (as UTF-8; others are
//! skipped and counted), builds its module model with the project's
//! module names, and keeps every model alive, as a workspace that has
//! built every module would. Prints one JSON object: files, bytes, the
//! parse and model times, and the resident memory before and at the peak.
//!
//! ```sh
//! cargo run --release --example index_workspace -- ~/.pyenv/versions/3.11.7/lib/python3.11
//! ```
//!
//! `site-packages` and hidden directories are not walked.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pyexplain::analysis::Parsed;
use pyexplain::project::Project;

fn python_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let Some(name) = name else { continue };
        if name.starts_with('.') || name == "site-packages" || name == "__pycache__" {
            continue;
        }
        if path.is_dir() && !path.is_symlink() {
            python_files(&path, out);
        } else if name.ends_with(".py") && path.is_file() {
            out.push(path);
        }
    }
}

/// A `/proc/self/status` field in KiB (Linux), else 0.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let Some(root) = std::env::args().nth(1) else {
        eprintln!("usage: index_workspace DIR");
        std::process::exit(2);
    };
    let root = PathBuf::from(root);
    let mut files = Vec::new();
    python_files(&root, &mut files);
    let rss_before = status_kib("VmRSS:");

    let project = Project::new();
    project.add_folder(&root);
    let mut models = Vec::with_capacity(files.len());
    let (mut parse, mut model) = (Duration::ZERO, Duration::ZERO);
    let (mut bytes, mut skipped) = (0usize, 0usize);
    let wall = Instant::now();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            skipped += 1;
            continue;
        };
        bytes += text.len();
        let t = Instant::now();
        let parsed = Parsed::new(text).with_context(project.context_for(path));
        parse += t.elapsed();
        let t = Instant::now();
        models.push(parsed.model());
        model += t.elapsed();
    }
    let wall = wall.elapsed();
    let bindings: usize = models.iter().map(|m| m.bindings.len()).sum();
    println!(
        "{{\"dir\": {:?}, \"files\": {}, \"skipped_not_utf8\": {}, \"mib\": {:.1}, \
         \"bindings\": {}, \"parse_s\": {:.2}, \"model_s\": {:.2}, \"wall_s\": {:.2}, \
         \"rss_before_mib\": {:.1}, \"peak_rss_mib\": {:.1}}}",
        root.display().to_string(),
        models.len(),
        skipped,
        bytes as f64 / 1048576.0,
        bindings,
        parse.as_secs_f64(),
        model.as_secs_f64(),
        wall.as_secs_f64(),
        rss_before as f64 / 1024.0,
        status_kib("VmHWM:") as f64 / 1024.0,
    );
}
