//! `ocean gen`.

use crate::common::*;

#[test]
fn help_has_an_example() {
    let out = ocean().args(["gen", "--help"]).assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("Examples:"));
}

#[test]
fn writes_a_bundle_of_at_least_the_size_and_json_matches_the_schema() {
    let f = TempFile::new("gen-1mb.json", b"");
    let out = ocean()
        .args(["gen", "1", "--json", "--out"])
        .arg(&f.0)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = stdout_json(&out);
    assert_valid(&schema("gen.schema.json"), &doc);
    let bytes = std::fs::read(&f.0).unwrap();
    assert!(bytes.len() >= 1_000_000, "{} bytes", bytes.len());
    assert_eq!(doc["bytes"].as_u64().unwrap(), bytes.len() as u64);
    assert_eq!(doc["file"], f.0.display().to_string());
    let bundle: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(
        bundle["entry"].as_array().unwrap().len() as u64,
        doc["entries"].as_u64().unwrap()
    );
    // And `ocean keywords` reads it.
    ocean().arg("keywords").arg(&f.0).assert().code(0);
}

#[test]
fn to_standard_output_through_a_pipe_only() {
    // assert_cmd pipes standard output: allowed, and the same bytes as a file would get.
    let out = ocean().args(["gen", "1", "--out", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.len() >= 1_000_000);
    let f = TempFile::new("gen-same.json", b"");
    ocean()
        .args(["gen", "1", "--out"])
        .arg(&f.0)
        .assert()
        .code(0);
    assert_eq!(std::fs::read(&f.0).unwrap(), out.stdout, "deterministic");
    // With --json the summary would share standard output with the Bundle.
    let out = ocean()
        .args(["gen", "1", "--json", "--out", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_sizes_exit_2() {
    for mb in ["0", "10001", "-3", "lots"] {
        let out = ocean()
            .args(["gen", mb, "--out", "never-written.json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{mb}");
    }
    // No --out: nothing goes to the terminal by default.
    ocean().args(["gen", "1"]).assert().code(2);
    assert!(!root().join("never-written.json").exists());
}

#[test]
fn an_unwritable_path_exits_2_naming_it() {
    let out = ocean()
        .args(["gen", "1", "--out", "no-such-dir/out.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no-such-dir/out.json: cannot be created"),
        "{stderr}"
    );
}
