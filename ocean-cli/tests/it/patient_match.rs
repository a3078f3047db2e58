//! `ocean match`.

use crate::common::*;

const SENTINEL: &str = "ZZ-SENTINEL-7731";
const REFERRAL: &str = "testdata/match/referral-patient.json";
const CANDIDATES: &str = "testdata/match/candidates.json";

#[test]
fn help_has_an_example_and_says_1_is_never_used() {
    let out = ocean().args(["match", "--help"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("Examples:"), "{text}");
    assert!(text.contains("1 is never"), "{text}");
}

#[test]
fn real_fixtures_match_and_json_matches_the_schema() {
    let out = ocean()
        .args(["match", REFERRAL, CANDIDATES])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("confident match"), "{text}");
    assert!(text.contains("pos-1001"), "{text}");

    let out = ocean()
        .args(["match", "--json", REFERRAL, CANDIDATES])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = stdout_json(&out);
    assert_valid(&schema("match.schema.json"), &doc);
    assert_eq!(doc["outcome"], "match");
    assert_eq!(doc["matches"], serde_json::json!(["pos-1001"]));
    assert_eq!(doc["candidatesRead"], 7);
    // Search hints name kinds, never values.
    let hints = doc["searchHints"].to_string();
    assert!(hints.contains("health number (ON)"), "{hints}");
    assert!(!hints.contains("1234"), "{hints}");
}

#[test]
fn candidates_as_a_bundle_and_from_a_message() {
    let text = std::fs::read_to_string(root().join(CANDIDATES)).unwrap();
    let list: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
    let bundle = serde_json::json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": list.iter().map(|p| serde_json::json!({"resource": p})).collect::<Vec<_>>(),
    });
    let f = TempFile::new("match-bundle.json", bundle.to_string().as_bytes());
    let out = ocean()
        .args(["match", "--json", REFERRAL])
        .arg(&f.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout_json(&out)["outcome"], "match");

    // An Ocean message as REFERRAL: its patient (no health number there) matches nobody.
    let out = ocean()
        .args([
            "match",
            "--json",
            "testdata/ocean/ereferral_back_pain.bundle.json",
            CANDIDATES,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = stdout_json(&out);
    assert_valid(&schema("match.schema.json"), &doc);
    assert_eq!(doc["outcome"], "none");
}

#[test]
fn no_match_exits_0_even_with_fail_on_warning() {
    let f = TempFile::new("match-empty.json", b"[]");
    let out = ocean()
        .args(["match", "--fail-on", "warning", "--json", REFERRAL])
        .arg(&f.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = stdout_json(&out);
    assert_valid(&schema("match.schema.json"), &doc);
    assert_eq!(doc["outcome"], "none");
}

#[test]
fn unusable_inputs_exit_2_naming_the_file() {
    let f = TempFile::new("match-garbage.json", format!("{{{SENTINEL}").as_bytes());
    let out = ocean()
        .args(["match", REFERRAL])
        .arg(&f.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&f.0.display().to_string()), "{err}");
    assert!(!err.contains(SENTINEL), "{err}");

    let no_id = TempFile::new("match-no-id.json", br#"[{"resourceType":"Patient"}]"#);
    let out = ocean()
        .args(["match", REFERRAL])
        .arg(&no_id.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[0]: a Patient without id"));

    let out = ocean()
        .args(["match", "no/such/referral.json", CANDIDATES])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/referral.json: no such file"));
    ocean().args(["match", REFERRAL]).assert().code(2);
    ocean().args(["match", "-", "-"]).assert().code(2);
}

#[test]
fn input_text_is_not_echoed() {
    let other = TempFile::new(
        "match-sentinel-ref.json",
        format!(r#"{{"resourceType":"{SENTINEL}","id":"x"}}"#).as_bytes(),
    );
    let list = TempFile::new(
        "match-sentinel-list.json",
        format!(r#"[{{"resourceType":"Observation","id":"{SENTINEL}"}}]"#).as_bytes(),
    );
    for args in [
        [other.0.display().to_string(), CANDIDATES.to_owned()],
        [REFERRAL.to_owned(), list.0.display().to_string()],
    ] {
        let out = ocean().arg("match").args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains(SENTINEL), "{err}");
    }
}
