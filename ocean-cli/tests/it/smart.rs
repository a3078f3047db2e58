//! `ocean smart launch` and `ocean smart check-discovery`.

use crate::common::*;

const SENTINEL: &str = "ZZ-SENTINEL-7731";

/// The launch configuration of the `smart_launch` example.
const CONFIG: &str = r#"{
  "oceanLaunchUrl": "https://ocean.cognisantmd.com/sso/smart/auth",
  "fhirBaseUrl": "https://emr.example.ca/fhir",
  "siteNum": "1234",
  "actions": { "newRequest": "viewMap", "existingRequest": "viewMap", "dashboard": "portal" },
  "referralParam": "resource"
}"#;

/// A document `ocean_smart::discovery::PosServer` generates (the crate's checked-in snapshot).
#[allow(clippy::unwrap_used)] // a helper, not a #[test]: clippy.toml's test allowance misses it
fn generated(name: &str) -> String {
    let path = root().join(format!(
        "ocean-smart/tests/it/snapshots/it__discovery_rules__generated_{name}.snap"
    ));
    let text = std::fs::read_to_string(path).unwrap();
    // The insta header is between the first two `---` lines.
    text.splitn(3, "---\n").nth(2).unwrap().to_owned()
}

#[test]
fn help_has_an_example_at_every_level() {
    for args in [
        vec!["smart", "--help"],
        vec!["smart", "launch", "--help"],
        vec!["smart", "check-discovery", "--help"],
    ] {
        let out = ocean().args(&args).assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(text.contains("Examples:"), "{args:?}: {text}");
    }
}

#[test]
fn launch_urls_for_the_three_scenarios() {
    let f = TempFile::new("smart-config.json", CONFIG.as_bytes());
    let base = "https://ocean.cognisantmd.com/sso/smart/auth?iss=https%3A%2F%2Femr.example.ca%2Ffhir&launch=L1&action=";
    for (args, want) in [
        (
            vec!["new-request", "--patient", "pt-42", "--encounter", "enc-1"],
            format!("{base}viewMap&siteNum=1234"),
        ),
        (
            vec![
                "existing-request",
                "--patient",
                "pt-42",
                "--referral",
                "sr-9",
            ],
            format!("{base}viewMap&resource=sr-9&siteNum=1234"),
        ),
        (vec!["dashboard"], format!("{base}portal&siteNum=1234")),
    ] {
        let out = ocean()
            .args(["smart", "launch", "--json", "--launch-id", "L1", "--config"])
            .arg(&f.0)
            .args(&args)
            .args(["--user", "Practitioner/dr-7"])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc = stdout_json(&out);
        assert_valid(&schema("smart-launch.schema.json"), &doc);
        assert_eq!(doc["url"], want.as_str());
        assert_eq!(doc["launchId"], "L1");
    }
    // The human table, with a random launch id.
    let out = ocean()
        .args(["smart", "launch", "--config"])
        .arg(&f.0)
        .args(["dashboard", "--user", "Practitioner/dr-7"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("URL        https://ocean."));
}

#[test]
fn launch_findings_and_scenarios_not_offered_exit_1() {
    // No existing-request action: a warning, and that launch is not offered.
    let f = TempFile::new(
        "smart-config-partial.json",
        br#"{"oceanLaunchUrl":"https://o.example/sso/smart/auth","fhirBaseUrl":"https://p.example/fhir","siteNum":"1","actions":{"newRequest":"viewMap","dashboard":"portal"}}"#,
    );
    let run = |args: &[&str]| {
        ocean()
            .args(["smart", "launch", "--json", "--config"])
            .arg(&f.0)
            .args(args)
            .args(["--user", "Practitioner/dr-7"])
            .output()
            .unwrap()
    };
    let ok = run(&["new-request", "--patient", "pt-1"]);
    assert_eq!(ok.status.code(), Some(0));
    let warn = run(&["new-request", "--patient", "pt-1", "--fail-on", "warning"]);
    assert_eq!(warn.status.code(), Some(1));
    let missing = run(&["existing-request", "--patient", "pt-1", "--referral", "r-1"]);
    assert_eq!(missing.status.code(), Some(1));
    let doc = stdout_json(&missing);
    assert_valid(&schema("smart-launch.schema.json"), &doc);
    assert_eq!(doc["url"], serde_json::Value::Null);
    assert!(
        doc["notOffered"]
            .as_str()
            .unwrap()
            .contains("existingRequest")
    );

    // An http launch URL: an error, so no URL at all.
    let bad = TempFile::new(
        "smart-config-http.json",
        br#"{"oceanLaunchUrl":"http://o.example/x","fhirBaseUrl":"https://p.example/fhir","siteNum":"1","actions":{"dashboard":"portal"}}"#,
    );
    let out = ocean()
        .args(["smart", "launch", "--json", "--config"])
        .arg(&bad.0)
        .args(["dashboard", "--user", "Practitioner/dr-7"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = stdout_json(&out);
    assert_valid(&schema("smart-launch.schema.json"), &doc);
    assert!(doc["errors"].as_u64().unwrap() >= 1);
}

#[test]
fn launch_unusable_inputs_exit_2() {
    let f = TempFile::new("smart-config-2.json", CONFIG.as_bytes());
    let run = |args: &[&str]| {
        ocean()
            .args(["smart", "launch", "--config"])
            .arg(&f.0)
            .args(args)
            .output()
            .unwrap()
    };
    // A missing argument of the scenario; a patient id that is not a FHIR id.
    let out = run(&["new-request", "--user", "Practitioner/dr-7"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--patient"));
    let out = run(&[
        "new-request",
        "--user",
        "Practitioner/dr-7",
        "--patient",
        SENTINEL,
    ]);
    let out2 = run(&[
        "new-request",
        "--user",
        "Practitioner/dr-7",
        "--patient",
        "a b!",
    ]);
    // A valid id: the patient travels in the token response, never in the URL.
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(SENTINEL));
    assert_eq!(out2.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out2.stderr).contains("a b!"));

    let garbage = TempFile::new("smart-garbage.json", format!("{{{SENTINEL}").as_bytes());
    let shape = TempFile::new(
        "smart-shape.json",
        format!(r#"{{"siteNum":{{"{SENTINEL}":1}}}}"#).as_bytes(),
    );
    for file in [&garbage, &shape] {
        let out = ocean()
            .args([
                "smart",
                "launch",
                "dashboard",
                "--user",
                "Practitioner/dr-7",
                "--config",
            ])
            .arg(&file.0)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&file.0.display().to_string()), "{err}");
        assert!(!err.contains(SENTINEL), "{err}");
    }
    let out = ocean()
        .args([
            "smart",
            "launch",
            "dashboard",
            "--user",
            "Practitioner/dr-7",
        ])
        .args(["--config", "no/such/launch.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/launch.json: no such file"));
}

#[test]
fn generated_discovery_documents_pass() {
    let smart = TempFile::new(
        "smart-discovery-ok.json",
        generated("smart_configuration").as_bytes(),
    );
    let oidc = TempFile::new(
        "smart-openid-ok.json",
        generated("openid_configuration").as_bytes(),
    );
    let out = ocean()
        .args(["smart", "check-discovery", "--fail-on", "warning", "--json"])
        .arg(&smart.0)
        .arg("--openid")
        .arg(&oidc.0)
        .args(["--issuer", "https://emr.example.ca/auth"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let doc = stdout_json(&out);
    assert_valid(&schema("smart-discovery.schema.json"), &doc);
    assert_eq!(doc["findings"], serde_json::json!([]));

    // Another issuer than the id tokens': an error of the OpenID document.
    let out = ocean()
        .args(["smart", "check-discovery", "--json"])
        .arg(&smart.0)
        .arg("--openid")
        .arg(&oidc.0)
        .args(["--issuer", "https://other.example/auth"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = stdout_json(&out);
    assert!(doc["findings"].as_array().unwrap().iter().any(|f| {
        f["field"]
            .as_str()
            .unwrap()
            .starts_with("openid-configuration.")
    }));
}

#[test]
fn the_hl7_example_document_has_errors_exit_1() {
    let f = "ocean-smart/tests/fixtures/smart-configuration.hl7-example.json";
    let out = ocean()
        .args(["smart", "check-discovery", "--json", f])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc = stdout_json(&out);
    assert_valid(&schema("smart-discovery.schema.json"), &doc);
    assert!(doc["errors"].as_u64().unwrap() >= 1);
    let out = ocean()
        .args(["smart", "check-discovery", f])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("smart.capability"));
}

#[test]
fn discovery_garbage_and_missing_exit_2() {
    let f = TempFile::new(
        "smart-discovery-garbage.json",
        format!("[{SENTINEL}").as_bytes(),
    );
    let out = ocean()
        .args(["smart", "check-discovery"])
        .arg(&f.0)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&f.0.display().to_string()), "{err}");
    assert!(!err.contains(SENTINEL), "{err}");
    let out = ocean()
        .args(["smart", "check-discovery", "no/such/smart.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/smart.json: no such file"));
    ocean().arg("smart").assert().code(2);
}
