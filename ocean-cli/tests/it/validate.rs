//! `ocean validate`.

use crate::common::*;

#[test]
fn help_has_an_example() {
    let out = ocean().args(["validate", "--help"]).assert().success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("Examples:"));
}

#[test]
fn real_fixture_passes_and_json_matches_the_schema() {
    let out = ocean()
        .args([
            "validate",
            "--json",
            "testdata/ocean/ereferral_back_pain.bundle.json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_valid(&schema("validate.schema.json"), &stdout_json(&out));
}

#[test]
fn errors_exit_1() {
    // A Patient whose gender is not in the required value set: an error.
    let f = TempFile::new(
        "bad.json",
        br#"{"resourceType":"Patient","id":"p","gender":"robot"}"#,
    );
    let out = ocean()
        .args(["validate", "--json"])
        .arg(&f.0)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc = stdout_json(&out);
    assert_valid(&schema("validate.schema.json"), &doc);
    assert!(doc["errors"].as_u64().unwrap() >= 1);
}

#[test]
fn garbage_and_missing_exit_2_naming_the_file() {
    let f = TempFile::new("garbage.json", b"{{{");
    let out = ocean().arg("validate").arg(&f.0).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&f.0.display().to_string()));
    let out = ocean().args(["validate", "missing.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json: no such file"));
}

#[test]
fn no_file_is_a_usage_error() {
    ocean().arg("validate").assert().code(2);
}
