//! pyexplain: a language server that teaches advanced Python.
//!
//! - [`analysis`]: the core (parse, find the construct, pick the note); plain data.
//! - [`knowledge`]: the embedded course notes.
//! - [`render`]: explanations as markdown.
//! - [`hover`]: what a hover at a position is about (rule or note), for the
//!   server's hover and `pyexplain explain`.
//! - [`server`]: the LSP server (the only module that knows LSP types).
//! - [`cli`]: the command-line client.
//! - [`config`]: `[tool.pyexplain]` in pyproject.toml.
//! - [`files`]: the Python files of a project (walking, bounded reading), atomic writes.
//! - [`dirs`]: the private cache and data directories.
//! - [`course_map`]: which sections a set of files exercises.
//! - [`notebook`]: Jupyter notebooks as one module (cells, masked magics, positions, fixes).
//! - [`project`]: module names and the user's other files, for the semantic model.

#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod analysis;
pub mod cli;
pub mod config;
pub mod course_map;
pub mod dirs;
pub mod files;
pub mod hover;
pub mod knowledge;
pub mod notebook;
pub mod project;
pub mod render;
pub mod server;

/// The crate version and the knowledge base's content hash:
/// `0.1.0 (knowledge 1a2b3c4d5e6f7a8b)`.
pub fn version_string() -> &'static str {
    knowledge::VERSION
}
