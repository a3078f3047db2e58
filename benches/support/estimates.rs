//! Criterion's mean estimates of the current run, read back from `target/criterion/` so that a
//! bench can print its same-run ratios after `final_summary` (shared by the `parse` and
//! `keywords` benches).

use std::path::PathBuf;

/// Criterion's mean estimate (ns) for one benchmark of this run, if it ran.
pub(crate) fn mean_ns(group: &str, function: &str) -> Option<f64> {
    let dir_name = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if matches!(c, ':' | '/' | '\\' | '?' | '*' | '"' | '<' | '>' | '|') {
                    '_'
                } else {
                    c
                }
            })
            .collect()
    };
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let path = target
        .join("criterion")
        .join(dir_name(group))
        .join(dir_name(function))
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.pointer("/mean/point_estimate")
        .and_then(serde_json::Value::as_f64)
}
