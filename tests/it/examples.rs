//! The examples, run as a vendor runs them: each runs on the bundled fixtures and shows what it
//! demonstrates, and those that take a FILE never echo its text in an error (issue 12 point 6,
//! issue 18 points 2 and 6). `cargo test -p ocean-ereferral` builds the examples first; with
//! `--test it` alone, run `cargo build --examples` before. The command-line behaviours the
//! examples used to have (options, exit statuses, stdin limits) are `ocean`'s, tested in
//! `ocean-cli/tests/it`.

use std::path::PathBuf;
use std::process::Command;

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

/// Runs an example on its bundled fixture; it must succeed. Returns stdout.
fn stdout_of(name: &str) -> String {
    let out = example(name).output().unwrap();
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn temp(name: &str, content: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!("ocean-examples-{}-{name}", std::process::id()));
    std::fs::write(&path, content).unwrap();
    path
}

fn no_echo(sentinel: &str, streams: &[&[u8]]) {
    for text in streams {
        let text = String::from_utf8_lossy(text);
        assert!(!text.contains(sentinel), "echoed {sentinel}: {text}");
    }
}

const BACK_PAIN: &str = include_str!("../../testdata/ocean/ereferral_back_pain.bundle.json");

#[test]
fn each_example_shows_what_it_demonstrates_on_the_bundled_fixtures() {
    let keywords = stdout_of("keywords");
    assert!(
        keywords.contains("@ptLatestVal.bp          128/82 mm[Hg] (2024-05-14)"),
        "{keywords}"
    );
    assert!(keywords.contains("[near-miss-code]"), "{keywords}");
    assert!(keywords.contains("same values: true"), "{keywords}");

    let validate = stdout_of("validate");
    assert!(validate.starts_with("Bundle: 0 issue(s)"), "{validate}");
    assert!(validate.contains("same JSON: true"), "{validate}");

    let receive = stdout_of("receive");
    assert!(
        receive.starts_with("HTTP 200 (application/fhir+json)"),
        "{receive}"
    );
    assert!(
        receive.contains("reason (Note): Back pain with no red flags"),
        "{receive}"
    );
    assert!(receive.contains("received \"New\""), "{receive}");

    // Deterministic: the same bytes on every run, a Task of status `received`.
    let send = stdout_of("send");
    assert_eq!(send, stdout_of("send"));
    assert!(
        send.contains("\"code\": \"notify-add-process-request\""),
        "{send}"
    );
    assert!(send.contains("\"status\": \"received\""), "{send}");

    let matched = stdout_of("match_patient");
    assert!(
        matched.contains("outcome: match [\"pos-1001\"]"),
        "{matched}"
    );
    assert!(matched.contains("pos-1003   rejected"), "{matched}");

    let worksheet = stdout_of("worksheet");
    assert!(
        worksheet.contains("## Task statuses: Example EMR 4.2"),
        "{worksheet}"
    );
    assert!(
        worksheet.contains("an empty configuration: 10 problem(s)"),
        "{worksheet}"
    );

    let smart = stdout_of("smart_launch");
    assert!(smart.starts_with("discovery: no findings"), "{smart}");
    assert!(
        smart.contains("launch URL: https://ocean.cognisantmd.com/sso/smart/auth?"),
        "{smart}"
    );
    assert!(
        smart.contains("token response checker: no findings"),
        "{smart}"
    );

    let generated = stdout_of("gen_everything");
    assert!(
        generated.contains("same values both ways: true"),
        "{generated}"
    );
}

#[test]
fn a_file_is_never_echoed_in_an_error() {
    let files = [
        temp("not-json.json", b"SENTINELTEXT not json"),
        temp("not-a-resource.json", br#"["SENTINELTEXT"]"#),
        temp(
            "truncated.json",
            br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","id":"SENTINELTEXT""#,
        ),
    ];
    for name in ["keywords", "validate"] {
        for file in &files {
            let out = example(name).arg(file).output().unwrap();
            assert!(!out.status.success(), "{name} accepted {}", file.display());
            assert!(!out.stderr.is_empty());
            no_echo("SENTINELTEXT", &[&out.stderr]);
        }
        let out = example(name)
            .arg("/nonexistent/SENTINELPATH")
            .output()
            .unwrap();
        assert!(!out.status.success());
        no_echo("SENTINELPATH", &[&out.stderr]);
    }
    for file in files {
        let _ = std::fs::remove_file(file);
    }
}

#[test]
fn receive_answers_every_body_without_echoing_it() {
    for (body, answer) in [
        (r#"{"resourceType":"SENTINELTYPE"}"#.to_owned(), "HTTP 400"),
        ("SENTINELTEXT not json".to_owned(), "HTTP 400"),
        // An unmodelled event code is acknowledged, and never printed.
        (
            BACK_PAIN.replacen("\"add-service-request\"", "\"SENTINELCODE\"", 1),
            "HTTP 200",
        ),
    ] {
        let file = temp("receive.json", body.as_bytes());
        let out = example("receive").arg(&file).output().unwrap();
        assert!(out.status.success());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.starts_with(answer), "{stdout}");
        for s in ["SENTINELTYPE", "SENTINELTEXT", "SENTINELCODE"] {
            no_echo(s, &[&out.stdout, &out.stderr]);
        }
        let _ = std::fs::remove_file(file);
    }
}
