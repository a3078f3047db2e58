//! `ocean worksheet`.

use crate::common::*;

const SENTINEL: &str = "ZZ-SENTINEL-7731";

#[test]
fn help_has_an_example() {
    let out = ocean().args(["worksheet", "--help"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("Examples:"), "{text}");
    assert!(text.contains("Exit status"), "{text}");
}

#[test]
fn sample_config_prints_markdown_csv_and_json() {
    let f = "ocean-status/sample-config.json";
    let out = ocean().args(["worksheet", f]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("## Task statuses: Example EMR 4.2"), "{md}");
    assert!(
        md.contains("| Pending Booking | Pending Booking | accepted |"),
        "{md}"
    );

    let out = ocean().args(["worksheet", "--csv", f]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("Sent (All),New,requested,"),
        "{csv}"
    );

    let out = ocean().args(["worksheet", "--json", f]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = stdout_json(&out);
    assert_valid(&schema("worksheet.schema.json"), &doc);
    assert_eq!(doc["product"], "Example EMR 4.2");
    assert_eq!(doc["problems"], serde_json::json!([]));
    assert!(
        doc["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"] == "accepted" && r["posFolder"] == "Pending Referrals")
    );
}

#[test]
fn no_config_reads_the_sample_and_says_so() {
    let out = ocean().arg("worksheet").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("documented sample"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Example EMR 4.2"));
}

#[test]
fn mapping_is_a_table_or_json() {
    let out = ocean().args(["worksheet", "--mapping"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("in-progress"));
    let out = ocean()
        .args(["worksheet", "--mapping", "--json"])
        .output()
        .unwrap();
    let doc = stdout_json(&out);
    assert_valid(&schema("worksheet-mapping.schema.json"), &doc);
    assert_eq!(doc["statuses"].as_array().unwrap().len(), 10);
    ocean()
        .args(["worksheet", "--mapping", "ocean-status/sample-config.json"])
        .assert()
        .code(2);
}

#[test]
fn a_bad_configuration_exits_1_naming_every_key_and_no_value() {
    let text = std::fs::read_to_string(root().join("ocean-status/sample-config.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let statuses = doc["statuses"].as_object_mut().unwrap();
    let accepted = statuses.remove("accepted").unwrap();
    statuses.insert("acepted".into(), accepted);
    statuses["received"]["posFolder"] = " ".into();
    doc["folders"][SENTINEL] = serde_json::json!({"posFolder": SENTINEL, "configurable": true});
    let f = TempFile::new("worksheet-bad.json", doc.to_string().as_bytes());

    let out = ocean().arg("worksheet").arg(&f.0).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("statuses.accepted: missing"), "{err}");
    assert!(err.contains("statuses.received.posFolder: empty"), "{err}");
    assert!(
        err.contains("folders: a key that is not a worksheet row"),
        "{err}"
    );
    assert!(!err.contains(SENTINEL), "{err}");

    let out = ocean()
        .args(["worksheet", "--json"])
        .arg(&f.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = stdout_json(&out);
    assert_valid(&schema("worksheet.schema.json"), &report);
    assert_eq!(report["problems"].as_array().unwrap().len(), 4);
    assert!(!report.to_string().contains(SENTINEL));
}

#[test]
fn a_wrong_type_is_named_by_its_key_without_its_value() {
    let f = TempFile::new(
        "worksheet-type.json",
        format!(r#"{{"statuses":{{"received":{{"posFolder":"x","configurable":"{SENTINEL}"}}}}}}"#)
            .as_bytes(),
    );
    let out = ocean().arg("worksheet").arg(&f.0).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("statuses.received.configurable"), "{err}");
    assert!(!err.contains(SENTINEL), "{err}");
}

#[test]
fn garbage_and_missing_exit_2_naming_the_file() {
    let f = TempFile::new("worksheet-garbage.json", format!("{{{SENTINEL}").as_bytes());
    let out = ocean().arg("worksheet").arg(&f.0).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&f.0.display().to_string()), "{err}");
    assert!(!err.contains(SENTINEL), "{err}");

    let out = ocean()
        .args(["worksheet", "no/such/config.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/config.json: no such file"));
}
