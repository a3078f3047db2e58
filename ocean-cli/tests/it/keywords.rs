//! `ocean keywords`.

use crate::common::*;

#[test]
fn help_has_an_example() {
    let out = ocean().args(["keywords", "--help"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("Examples:"), "{text}");
    assert!(text.contains("--fail-on"), "{text}");
}

#[test]
fn bundled_sample_exits_1_on_warnings_and_says_it_read_the_sample() {
    // The sample deliberately carries a sodium coded 2951-2: a warning (near-miss LOINC).
    ocean().arg("keywords").assert().code(0);
    let out = ocean()
        .args(["keywords", "--fail-on", "warning"])
        .assert()
        .code(1);
    let o = out.get_output();
    assert!(String::from_utf8_lossy(&o.stderr).contains("bundled sample"));
    assert!(String::from_utf8_lossy(&o.stdout).contains("@ptCpp.allg"));
}

#[test]
fn real_fixture_json_is_valid_against_the_schema() {
    let out = ocean()
        .args([
            "keywords",
            "--json",
            "ocean-keywords/samples/everything.json",
        ])
        .output()
        .unwrap();
    let doc = stdout_json(&out);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("ocean-keywords/extraction.schema.json")).unwrap(),
    )
    .unwrap();
    assert_valid(&schema, &doc);
}

#[test]
fn fail_on_warning_and_error() {
    // A Bundle with no Patient: a warning-level finding at most, no error.
    let f = TempFile::new(
        "empty.json",
        br#"{"resourceType":"Bundle","type":"searchset"}"#,
    );
    let base = ocean().arg("keywords").arg(&f.0).output().unwrap();
    let warn = ocean()
        .args(["keywords", "--fail-on", "warning"])
        .arg(&f.0)
        .output()
        .unwrap();
    assert_eq!(
        base.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&base.stdout)
    );
    assert_eq!(warn.status.code(), Some(1));
}

#[test]
fn garbage_and_missing_files_exit_2_naming_the_file() {
    let f = TempFile::new("garbage.json", b"\x00not json at all");
    let out = ocean().arg("keywords").arg(&f.0).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&f.0.display().to_string()), "{err}");

    let out = ocean()
        .args(["keywords", "no/such/file.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no/such/file.json") && err.contains("no such file"),
        "{err}"
    );
}

#[test]
fn unknown_flag_exits_2() {
    ocean().args(["keywords", "--bogus"]).assert().code(2);
}
