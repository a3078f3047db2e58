//! A headless Chromium for tests.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The names a Chromium-compatible browser is installed under, in the order they are tried.
pub const NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// The first of [`NAMES`] found on `PATH`.
pub fn chromium() -> Option<PathBuf> {
    NAMES.iter().find_map(|name| {
        let out = Command::new("which").arg(name).output().ok()?;
        out.status
            .success()
            .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
    })
}

/// The browser, or `None` (with a note on stderr) when it is not installed and `CI` is not
/// set. Under CI a missing browser is a test failure: `.ci/run` installs it, so a test that
/// needs it never passes by skipping.
///
/// # Panics
/// When `CI` is set and no browser is found.
pub fn browser_or_skip() -> Option<PathBuf> {
    let b = chromium();
    if b.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs chromium (.ci/run); it is missing"
        );
        eprintln!("chromium not installed: skipped outside CI");
    }
    b
}

/// Runs `browser` headless (no sandbox, no GPU, no `/dev/shm`, no scrollbars) with `args`
/// (`--dump-dom URL`, `--screenshot=FILE --window-size=W,H URL`) and waits for it.
pub fn headless(browser: &Path, args: &[&str]) -> io::Result<Output> {
    Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
        ])
        .args(args)
        .output()
}
