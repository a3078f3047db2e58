//! `ocean send`.

use crate::common::*;

const SENTINEL: &str = "ZZ-SENTINEL-7731";
const RECEIVED: &str = "testdata/ocean/ereferral_back_pain.bundle.json";
const EVENTS: [&str; 5] = [
    "notify-add-process-request",
    "notify-update-process-request",
    "notify-add-appointment",
    "send-communication-from-provider",
    "notify-data-correction",
];

#[test]
fn help_has_an_example_and_lists_the_events() {
    let out = ocean().args(["send", "--help"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("Examples:"), "{text}");
    for e in EVENTS {
        assert!(text.contains(e), "{e}: {text}");
    }
}

#[test]
fn every_event_builds_from_a_real_fixture_and_json_matches_the_schema() {
    for event in EVENTS {
        let out = ocean()
            .args([
                "send",
                event,
                "--from",
                RECEIVED,
                "--deterministic",
                "--json",
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{event}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc = stdout_json(&out);
        assert_valid(&schema("send.schema.json"), &doc);
        assert_eq!(doc["event"], event);
        assert_eq!(doc["bundle"]["type"], "message");
        assert_eq!(doc["errors"], 0);
        assert!(doc["url"].as_str().unwrap().ends_with("/$process-messages"));
    }
}

#[test]
fn default_output_is_the_bundle_and_deterministic_is_stable() {
    let run = || {
        ocean()
            .args([
                "send",
                "notify-add-appointment",
                "--from",
                RECEIVED,
                "--deterministic",
            ])
            .output()
            .unwrap()
    };
    let (a, b) = (run(), run());
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
    let bundle = stdout_json(&a);
    assert_eq!(bundle["resourceType"], "Bundle");
    assert!(String::from_utf8_lossy(&a.stderr).contains("POST "));
}

#[test]
fn a_built_message_with_profile_errors_exits_1() {
    // The received Patient has a gender outside the required value set: echoed into the reply,
    // it is an error-severity profile issue of the built message.
    let text = std::fs::read_to_string(root().join(RECEIVED)).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    for e in doc["entry"].as_array_mut().unwrap() {
        if e["resource"]["resourceType"] == "Patient" {
            e["resource"]["gender"] = "robot".into();
        }
    }
    let f = TempFile::new("send-robot.json", doc.to_string().as_bytes());
    let out = ocean()
        .args(["send", "notify-add-process-request", "--json", "--from"])
        .arg(&f.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = stdout_json(&out);
    assert_valid(&schema("send.schema.json"), &report);
    assert!(report["errors"].as_u64().unwrap() >= 1);
    assert!(
        report["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["rule"] == "code-unrecognized")
    );
}

#[test]
fn refused_builds_garbage_and_missing_exit_2() {
    // A reply to a revoked referral is refused by the builder.
    let out = ocean()
        .args([
            "send",
            "notify-add-process-request",
            "--from",
            "testdata/ocean/derived/revoke_service_request.bundle.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("revoked"));

    let f = TempFile::new("send-garbage.json", format!("[[{SENTINEL}").as_bytes());
    let out = ocean()
        .args(["send", "notify-add-process-request", "--from"])
        .arg(&f.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&f.0.display().to_string()), "{err}");
    assert!(!err.contains(SENTINEL), "{err}");

    let out = ocean()
        .args([
            "send",
            "notify-add-process-request",
            "--from",
            "no/such/rx.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/rx.json: no such file"));

    ocean()
        .args(["send", "add-service-request", "--from", RECEIVED])
        .assert()
        .code(2);
    ocean()
        .args(["send", "notify-add-process-request"])
        .assert()
        .code(2);
}

#[test]
fn input_text_is_not_echoed() {
    let f = TempFile::new(
        "send-sentinel.json",
        format!(r#"{{"resourceType":"Bundle","type":"{SENTINEL}"}}"#).as_bytes(),
    );
    let out = ocean()
        .args(["send", "notify-add-process-request", "--from"])
        .arg(&f.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains(SENTINEL), "{err}");
}
