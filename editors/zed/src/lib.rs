//! pyexplain for Zed: starts `pyexplain server` for Python files.
//!
//! The binary comes from `lsp.pyexplain.binary.path` in Zed's settings, else
//! from `PATH` (`pip install pyexplain-lsp`, `cargo install`). Initialization
//! options and settings are passed through from `lsp.pyexplain`.

use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct PyExplain;

/// `lsp.pyexplain` from Zed's settings, if readable.
fn lsp_settings(worktree: &zed::Worktree) -> Option<LspSettings> {
    LspSettings::for_worktree("pyexplain", worktree).ok()
}

impl zed::Extension for PyExplain {
    fn new() -> Self {
        PyExplain
    }

    fn language_server_command(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = lsp_settings(worktree).and_then(|s| s.binary);
        let path = binary
            .as_ref()
            .and_then(|b| b.path.clone())
            .or_else(|| worktree.which("pyexplain"))
            .ok_or_else(|| {
                "pyexplain not found: `pip install pyexplain-lsp`, or set lsp.pyexplain.binary.path"
                    .to_string()
            })?;
        let args = binary
            .and_then(|b| b.arguments)
            .unwrap_or_else(|| vec!["server".to_string()]);
        Ok(zed::Command {
            command: path,
            args,
            env: Vec::new(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(lsp_settings(worktree).and_then(|s| s.initialization_options))
    }

    fn language_server_workspace_configuration(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(lsp_settings(worktree)
            .and_then(|s| s.settings)
            .map(|settings| zed::serde_json::json!({ "pyexplain": settings })))
    }
}

zed::register_extension!(PyExplain);
