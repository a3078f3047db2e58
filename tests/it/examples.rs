//! The `receive`, `send` and `match_patient` examples: `receive` runs every sample in
//! `testdata/ocean/`, stops reading stdin at its limit, and no example echoes input text in an
//! error (issue 12 point 6, issue 18 points 2 and 6). `cargo test -p ocean-ereferral` builds the
//! examples first; with `--test it` alone, run `cargo build --examples` before.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// `target/<profile>/examples/<name>`, next to this test binary's `deps/` folder.
fn example(name: &str) -> Command {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap().join("examples");
    let path = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} not built: run `cargo build --examples`",
        path.display()
    );
    Command::new(path)
}

fn run(mut cmd: Command, stdin: Option<&[u8]>) -> Output {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    let data = stdin.unwrap_or_default().to_vec();
    let writer = std::thread::spawn(move || {
        // The example may stop reading early (the size limit): a broken pipe is expected.
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn temp(name: &str, content: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("ocean-examples-{}-{name}", std::process::id()));
    std::fs::write(&path, content).unwrap();
    path
}

fn no_echo(out: &Output, sentinel: &str) {
    for text in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(text).to_lowercase();
        assert!(
            !text.contains(&sentinel.to_lowercase()),
            "echoed {sentinel}: {text}"
        );
    }
}

const BACK_PAIN: &str = include_str!("../../testdata/ocean/ereferral_back_pain.bundle.json");

#[test]
fn receive_runs_every_sample() {
    let mut cmd = example("receive");
    cmd.args(["--all", "--json"]);
    let out = run(cmd, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let views: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&text)
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert_eq!(views.len(), 6);
    assert!(
        views
            .iter()
            .all(|v| v["answer"] == 200 && v["supported"] == true)
    );
    assert_eq!(
        views[0]["referral"]["reason"],
        "Back pain with no red flags"
    );
}

#[test]
fn receive_stops_reading_at_the_limit() {
    // 40 MB of stdin against the 32 MiB limit: refused as too large, 400, exit 1.
    let body = vec![b' '; 40_000_000];
    let mut cmd = example("receive");
    cmd.args(["-", "--json"]);
    let out = run(cmd, Some(&body));
    assert_eq!(out.status.code(), Some(1));
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["answer"], 400);
    assert_eq!(view["issues"][0]["rule"], "not-a-message");
}

#[test]
fn receive_does_not_echo() {
    for body in [
        r#"{"resourceType":"SENTINELTYPE"}"#.to_owned(),
        BACK_PAIN.replacen("\"add-service-request\"", "\"SENTINELCODE\"", 1),
        "SENTINELTEXT not json".to_owned(),
    ] {
        for json in [true, false] {
            let mut cmd = example("receive");
            cmd.arg("-");
            if json {
                cmd.arg("--json");
            }
            let out = run(cmd, Some(body.as_bytes()));
            for s in ["SENTINELTYPE", "SENTINELTEXT"] {
                no_echo(&out, s);
            }
            // An unmodelled code is acknowledged (200) and never printed as the event.
            if json && body.contains("SENTINELCODE") {
                let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
                assert_eq!(view["answer"], 200);
                assert!(view["event"].is_null());
                assert!(!String::from_utf8_lossy(&out.stderr).contains("SENTINELCODE"));
            }
        }
    }
}

#[test]
fn send_does_not_echo() {
    let mut cmd = example("send");
    cmd.arg("SENTINELEVENT");
    let out = run(cmd, None);
    assert_eq!(out.status.code(), Some(2));
    no_echo(&out, "SENTINELEVENT");

    let unsupported = temp(
        "unsupported.json",
        BACK_PAIN
            .replacen("\"add-service-request\"", "\"SENTINELCODE\"", 1)
            .as_bytes(),
    );
    let mut cmd = example("send");
    cmd.args(["notify-add-process-request", "--from"])
        .arg(&unsupported);
    let out = run(cmd, None);
    assert_eq!(out.status.code(), Some(2));
    no_echo(&out, "SENTINELCODE");
    let _ = std::fs::remove_file(unsupported);
}

#[test]
fn match_patient_does_not_echo() {
    let referral = temp("referral.json", br#"{"resourceType":"SENTINELTYPE"}"#);
    let candidates = temp(
        "candidates.json",
        br#"[{"resourceType":"Patient","id":"a"},{"resourceType":"SENTINELOTHER"}]"#,
    );
    let mut cmd = example("match_patient");
    cmd.arg(&referral).arg(&candidates);
    let out = run(cmd, None);
    assert_eq!(out.status.code(), Some(2));
    no_echo(&out, "SENTINELTYPE");

    let patient = temp("patient.json", br#"{"resourceType":"Patient","id":"p"}"#);
    let mut cmd = example("match_patient");
    cmd.arg(&patient).arg(&candidates);
    let out = run(cmd, None);
    assert_eq!(out.status.code(), Some(2));
    no_echo(&out, "SENTINELOTHER");
    for f in [referral, candidates, patient] {
        let _ = std::fs::remove_file(f);
    }
}
