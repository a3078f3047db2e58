//! The simulator passes a correct stub POS and fails a wrong one, each for the right reason.
use std::time::Duration;

use ocean_sim::report::{Outcome, Report};
use ocean_sim::scenarios::Selection;

use crate::pos_stub::{Flaw, start};

async fn run(flaw: Flaw, scenarios: &str) -> Report {
    let running = start(flaw).await;
    let selection = Selection::parse(scenarios).unwrap();
    let report = tokio::time::timeout(
        Duration::from_secs(120),
        ocean_sim::run_on(&running.server, &running.config, &selection),
    )
    .await
    .expect("the run is bounded");
    running.server.stop();
    report
}

fn row<'r>(report: &'r Report, id: &str) -> &'r ocean_sim::report::ScenarioResult {
    report.scenarios.iter().find(|r| r.id == id).unwrap()
}

fn failed_with(report: &Report, id: &str, needle: &str) {
    let r = row(report, id);
    assert_eq!(r.outcome, Outcome::Fail, "{id}: {r:#?}");
    let text = format!("{:?} {:?}", r.actual, r.expected);
    assert!(text.contains(needle), "{id}: expected `{needle}` in {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correct_pos_passes_the_receiver_and_general_scenarios() {
    let report = run(
        Flaw::None,
        "receiver,general,S-NEW,S-STATUS,S-APPT-*,S-COMM",
    )
    .await;
    for r in &report.scenarios {
        let expected = match r.id.as_str() {
            "G-MATCH" => Outcome::NotRun,
            id if id.starts_with("S-LAUNCH")
                || id == "S-ATTACH"
                || id == "S-UPDATE"
                || id == "S-CONFIRM"
                || id == "S-CANCEL"
                || id == "S-CORRECTION" =>
            {
                Outcome::NotRun
            }
            _ => Outcome::Pass,
        };
        assert_eq!(r.outcome, expected, "{}: {:#?}", r.id, r);
    }
    assert_eq!(report.exit_code(), 0);
    let ids: Vec<_> = report.scenarios.iter().map(|r| r.id.as_str()).collect();
    let catalog: Vec<_> = ocean_sim::scenarios::CATALOG.iter().map(|d| d.id).collect();
    assert_eq!(ids, catalog, "the report keeps the seed's table order");
    // Every step that moves a referral says where it is.
    let complete = row(&report, "R-STATUS-COMPLETE");
    assert!(
        complete
            .steps
            .iter()
            .any(|s| s.folder.as_deref() == Some("Sent: Completed / Received: Completed"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pos_that_acknowledges_a_malformed_message_fails() {
    let report = run(Flaw::AcksMalformed, "R-MALFORMED,R-NEW").await;
    failed_with(&report, "R-MALFORMED", "acknowledged a message");
    assert_eq!(row(&report, "R-NEW").outcome, Outcome::Pass);
    assert_eq!(report.exit_code(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pos_that_answers_500_forever_fails_after_oceans_96_hours() {
    let report = run(Flaw::Always500, "R-NEW,S-NEW").await;
    failed_with(
        &report,
        "R-NEW",
        "no 2xx after 101 attempt(s) over 96 simulated hour(s); last answer: HTTP 500",
    );
    failed_with(&report, "S-NEW", "HTTP 500");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pos_that_sends_draft_fails() {
    let report = run(Flaw::SendsDraft, "R-STATUS-ACK").await;
    failed_with(&report, "R-STATUS-ACK", "HTTP 422");
    failed_with(&report, "R-STATUS-ACK", "`draft` is not accepted by Ocean");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pos_whose_appointment_has_no_date_fails() {
    let report = run(Flaw::AppointmentWithoutDate, "R-APPT-NEW").await;
    failed_with(&report, "R-APPT-NEW", "valid date");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pos_that_updates_a_referral_it_does_not_receive_fails() {
    let report = run(Flaw::StatusAsSender, "S-NEW").await;
    failed_with(&report, "S-NEW", "not the referral's current receiver");
    failed_with(&report, "S-NEW", "HTTP 403");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pos_that_ignores_the_challenge_fails() {
    let report = run(Flaw::IgnoresChallenge, "R-CHALLENGE").await;
    failed_with(&report, "R-CHALLENGE", "without the challenge");
    assert_eq!(report.exit_code(), 1);
}

#[tokio::test]
async fn an_unreachable_pos_is_an_error_and_the_cli_exits_2() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let config = ocean_sim::SimConfig::new(ocean_sim::deliver::PosEndpoint {
        webhook: format!("http://{addr}/hook"),
        token_url: None,
        client_id: "x".into(),
        client_secret: "y".into(),
    });
    let err = ocean_sim::run(config, &Selection::all()).await.unwrap_err();
    assert!(matches!(err, ocean_sim::SimError::PosUnreachable(_)));
    let exe = env!("CARGO_BIN_EXE_ocean-sim");
    let status = std::process::Command::new(exe)
        .args([
            "--pos",
            &format!("http://{addr}/hook"),
            "--ocean-listen",
            "127.0.0.1:0",
        ])
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(2));
    let bad = std::process::Command::new(exe)
        .args(["--scenarios", "R-NEW"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "no --pos");
    let unknown = std::process::Command::new(exe)
        .args(["--pos", "http://127.0.0.1:1/", "--scenarios", "NOPE"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2), "unknown scenario");
    let bad_client = std::process::Command::new(exe)
        .args([
            "--pos",
            "http://127.0.0.1:1/",
            "--ocean-client",
            "1234=no-secret",
        ])
        .output()
        .unwrap();
    assert_eq!(
        bad_client.status.code(),
        Some(2),
        "--ocean-client SITE=ID:SECRET"
    );
}
