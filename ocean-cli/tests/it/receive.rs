//! `ocean receive`.

use crate::common::*;

const SENTINEL: &str = "ZZ-SENTINEL-7731";

#[allow(clippy::unwrap_used)] // a helper, not a #[test]: clippy.toml's test allowance misses it
fn receive_schema() -> serde_json::Value {
    let text =
        std::fs::read_to_string(root().join("ocean-messages/receive-view.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn help_has_an_example() {
    let out = ocean().args(["receive", "--help"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("Examples:"), "{text}");
    assert!(text.contains("Exit status"), "{text}");
}

#[test]
fn real_fixture_is_answered_200_and_json_matches_the_schema() {
    let f = "testdata/ocean/ereferral_back_pain.bundle.json";
    let out = ocean().args(["receive", f]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("200 (supported)"), "{text}");
    assert!(text.contains("add-service-request"), "{text}");
    assert!(text.contains("receiving site 1234"), "{text}");

    let out = ocean().args(["receive", "--json", f]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = stdout_json(&out);
    assert_valid(&receive_schema(), &doc);
    assert_eq!(doc["answer"], 200);
    assert_eq!(doc["referral"]["patient"]["family"], "DKTest");
}

#[test]
fn every_derived_sample_is_read() {
    for name in [
        "notify_add_service_request",
        "notify_update_service_request",
        "revoke_service_request",
        "send_communication_from_requester",
    ] {
        let f = format!("testdata/ocean/derived/{name}.bundle.json");
        let out = ocean().args(["receive", "--json", &f]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{f}");
        assert_valid(&receive_schema(), &stdout_json(&out));
    }
}

#[test]
fn a_refused_body_exits_1_with_the_view() {
    // JSON, but not a message: Ocean would be answered 400.
    let f = TempFile::new(
        "receive-patient.json",
        br#"{"resourceType":"Patient","id":"p"}"#,
    );
    let out = ocean()
        .args(["receive", "--json"])
        .arg(&f.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = stdout_json(&out);
    assert_valid(&receive_schema(), &doc);
    assert_eq!(doc["answer"], 400);
    assert_eq!(doc["issues"][0]["rule"], "not-a-message");
}

#[test]
fn profile_errors_exit_1_at_the_threshold() {
    // A real Ocean payload with a note without text: answered 200, but a profile error.
    let f = "testdata/ocean/ereferral_miscellaneous.bundle.json";
    let out = ocean().args(["receive", "--json", f]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = stdout_json(&out);
    assert_eq!(doc["answer"], 200);
    assert_eq!(doc["issues"][0]["severity"], "error");
}

#[test]
fn garbage_oversize_and_missing_exit_2_naming_the_file() {
    let f = TempFile::new("receive-garbage.json", format!("{{{{{SENTINEL}").as_bytes());
    let out = ocean().arg("receive").arg(&f.0).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&f.0.display().to_string()), "{err}");
    assert!(!err.contains(SENTINEL), "{err}");

    let out = ocean()
        .args([
            "receive",
            "--max-bytes",
            "100",
            "testdata/ocean/ereferral_back_pain.bundle.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("100-byte limit"), "{err}");

    let out = ocean()
        .args(["receive", "no/such/body.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no/such/body.json: no such file"), "{err}");
    ocean().arg("receive").assert().code(2);
}

#[test]
fn input_text_is_not_echoed() {
    for body in [
        format!(r#"{{"resourceType":"{SENTINEL}"}}"#),
        format!(r#"{{"resourceType":"Bundle","type":"{SENTINEL}"}}"#),
    ] {
        let f = TempFile::new("receive-sentinel.json", body.as_bytes());
        let out = ocean()
            .args(["receive", "--json"])
            .arg(&f.0)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains(SENTINEL), "{all}");
    }
}

#[test]
fn standard_input_over_the_limit_is_refused_without_reading_it_all() {
    // 40 MB on stdin against the 32 MiB default limit (was the `receive` example's test).
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("ocean"))
        .args(["receive", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        // `ocean` stops reading at the limit plus one byte: a broken pipe is expected.
        let _ = stdin.write_all(&vec![b' '; 40_000_000]);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("standard input"), "{err}");
    assert!(err.contains("-byte limit"), "{err}");
}
