//! `ocean sim`.

use crate::common::*;

#[test]
#[cfg(feature = "sim")]
fn help_has_an_example_and_the_simulator_flags() {
    let out = ocean().args(["sim", "--help"]).assert().success();
    let help = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(help.contains("Examples:"), "{help}");
    for flag in [
        "--pos",
        "--pos-token-url",
        "--ocean-listen",
        "--scenarios",
        "--report",
        "--serve",
    ] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
}

#[test]
#[cfg(feature = "sim")]
fn an_unreachable_pos_exits_2_naming_it() {
    // Port 1 on loopback: nothing listens there.
    let out = ocean()
        .args([
            "sim",
            "--pos",
            "http://127.0.0.1:1/fhir/$process-message",
            "--wait",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("http://127.0.0.1:1/"), "{stderr}");
}

#[test]
#[cfg(feature = "sim")]
fn bad_arguments_exit_2() {
    ocean()
        .args(["sim", "--pos", "http://127.0.0.1:1/", "--wait=-5"])
        .assert()
        .code(2);
    ocean()
        .args([
            "sim",
            "--pos",
            "http://127.0.0.1:1/",
            "--ocean-client",
            "nonsense",
        ])
        .assert()
        .code(2);
    ocean().args(["sim", "--no-such-flag"]).assert().code(2);
}

#[test]
#[cfg(not(feature = "sim"))]
fn without_the_feature_it_says_how_to_get_it() {
    let out = ocean()
        .args(["sim", "--pos", "http://127.0.0.1:1/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("lacks the `sim` feature"), "{stderr}");
}

/// `ocean sim` against `ocean serve` over loopback: the receiver scenarios a gateway alone passes
/// (the POS's own answers, e.g. `received`, need a POS behind it). `--json` is the simulator's
/// report, valid against `ocean-sim/report.schema.json`.
#[test]
#[cfg(all(feature = "sim", feature = "serve"))]
fn against_ocean_serve_end_to_end() {
    use crate::serve::{Server, TempDir};

    let dir = TempDir::new("sim-e2e");
    let spool = dir.0.join("spool");
    let server = Server::start(&dir.0, &["--spool", spool.to_str().unwrap()]);
    let out = ocean()
        .args([
            "sim",
            "--json",
            "--wait",
            "5",
            "--ocean-listen",
            "127.0.0.1:0",
        ])
        .arg("--pos")
        .arg(format!("http://{}/fhir/$process-message", server.addr))
        .arg("--pos-token-url")
        .arg(format!("http://{}/oauth2/token", server.addr))
        .args([
            "--client-id",
            "ocean-gateway-test",
            "--client-secret",
            "ocean-gateway-test-secret-loopback-only",
            "--scenarios",
            "R-CHALLENGE,R-NEW,R-MALFORMED,R-DUPLICATE",
        ])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = stdout_json(&out);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("ocean-sim/report.schema.json")).unwrap(),
    )
    .unwrap();
    assert_valid(&schema, &report);
    let passed: Vec<&str> = report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["outcome"] == "pass")
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        passed,
        ["R-CHALLENGE", "R-NEW", "R-MALFORMED", "R-DUPLICATE"]
    );
    // What the POS was handed: the new referral, and the duplicated message once.
    let count = || std::fs::read_dir(&spool).map_or(0, |d| d.count());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while count() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(count(), 2);
    assert_eq!(server.terminate(), Some(0));
}
