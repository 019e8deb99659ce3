//! Benchmark, not a test: what the semantic model of a whole directory
//! costs when it is one workspace (issue 12: "report the index time and
//! memory for the stdlib as a workspace").
//!
//! Parses every Python file under the directory that `check` would read
//! (as UTF-8; others are skipped and counted), builds its module model with the project's
//! module names, and keeps every model alive, as a workspace that has
//! built every module would. Prints one JSON object: files, bytes, the
//! parse and model times, and the resident memory before and at the peak.
//!
//! ```sh
//! cargo run --release --example index_workspace -- ~/.pyenv/versions/3.11.7/lib/python3.11
//! ```
//!
//! Files are selected as `check` selects them (ruff's default exclusions
//! drop `site-packages` and the stdlib's `venv` package).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use pyexplain::analysis::Parsed;
use pyexplain::files::{self, Exclusions};
use pyexplain::project::Project;

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
    // The files `check` would read there (ruff's default exclusions).
    let (files, errors) = files::collect(std::slice::from_ref(&root), &Exclusions::default());
    for e in &errors {
        eprintln!("{e}");
    }
    let rss_before = status_kib("VmRSS:");

    let project = Project::new();
    project.add_folder(&root);
    let mut models = Vec::with_capacity(files.len());
    let (mut parse, mut model) = (Duration::ZERO, Duration::ZERO);
    let (mut bytes, mut skipped) = (0usize, 0usize);
    let wall = Instant::now();
    // Notebooks are left out: a workspace imports `.py` modules only.
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
    {
        let Ok(text) = files::read(path) else {
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
