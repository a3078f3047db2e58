//! The SMART launch scenarios against the minimal SMART server.
use std::time::Duration;

use ocean_sim::report::{Outcome, Report};
use ocean_sim::scenarios::Selection;
use ocean_sim::smart::SmartTarget;
use serde_json::Value;

use crate::pos_stub::{Flaw, start};
use crate::smart_server::{self, SmartFlaw};

/// Runs the launch scenarios; a task plays the POS user who clicks "Launch Ocean".
pub(crate) async fn run(flaw: SmartFlaw) -> Report {
    run_selected(flaw, "S-LAUNCH-*,S-ATTACH").await
}

/// Runs `scenarios` with a correct stub POS and the SMART server.
pub(crate) async fn run_selected(flaw: SmartFlaw, scenarios: &str) -> Report {
    let mut running = start(Flaw::None).await;
    let smart = smart_server::start(flaw).await;
    running.config.smart = Some(SmartTarget {
        fhir_base: smart.fhir_base.clone(),
        client_id: smart_server::CLIENT_ID.into(),
        client_secret: smart_server::CLIENT_SECRET.into(),
        redirect_uri: smart_server::REDIRECT.into(),
    });
    let ocean = running.server.base.clone();
    let iss = smart.fhir_base.clone();
    let clicker = tokio::spawn(async move {
        let http = reqwest::Client::new();
        let mut done = std::collections::HashSet::new();
        loop {
            tokio::time::sleep(Duration::from_millis(10)).await;
            let Ok(r) = http.get(format!("{ocean}/sim/prompts")).send().await else {
                continue;
            };
            let prompts: Vec<Value> = r.json().await.unwrap_or_default();
            for p in prompts {
                let scenario = p["scenario"].as_str().unwrap_or_default().to_owned();
                let Some(kind) = p["action"].as_str().and_then(|a| a.strip_prefix("launch-"))
                else {
                    continue;
                };
                if done.insert(scenario) {
                    let url = format!(
                        "{ocean}/sim/launch?iss={}&launch=L-{kind}",
                        ocean_smart::query::encode(&iss)
                    );
                    http.get(url).send().await.unwrap();
                }
            }
        }
    });
    let selection = Selection::parse(scenarios).unwrap();
    let report = tokio::time::timeout(
        Duration::from_secs(120),
        ocean_sim::run_on(&running.server, &running.config, &selection),
    )
    .await
    .unwrap();
    clicker.abort();
    running.server.stop();
    report
}

fn outcome(report: &Report, id: &str) -> Outcome {
    report
        .scenarios
        .iter()
        .find(|r| r.id == id)
        .unwrap()
        .outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_three_launches_pass_and_show_the_prefilled_form() {
    let report = run(SmartFlaw::None).await;
    for id in [
        "S-LAUNCH-NEW",
        "S-LAUNCH-EXISTING",
        "S-LAUNCH-DASHBOARD",
        "S-ATTACH",
    ] {
        let r = report.scenarios.iter().find(|r| r.id == id).unwrap();
        assert_eq!(r.outcome, Outcome::Pass, "{r:#?}");
    }
    let new = report
        .scenarios
        .iter()
        .find(|r| r.id == "S-LAUNCH-NEW")
        .unwrap();
    let prefill = new.prefill.as_ref().unwrap();
    assert!(
        prefill
            .keywords
            .iter()
            .any(|(k, v)| k == "@ptLatestVal.bp" && v == "128/82 mm[Hg]"),
        "{prefill:#?}"
    );
    assert!(
        report
            .scenarios
            .iter()
            .find(|r| r.id == "S-LAUNCH-DASHBOARD")
            .unwrap()
            .prefill
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_without_the_patient_fails_with_the_reason() {
    let report = run(SmartFlaw::EverythingWithoutPatient).await;
    let r = report
        .scenarios
        .iter()
        .find(|r| r.id == "S-LAUNCH-NEW")
        .unwrap();
    assert_eq!(r.outcome, Outcome::Fail);
    assert_eq!(r.step.as_deref(), Some("Patient/$everything"));
    assert!(
        r.actual
            .as_deref()
            .unwrap()
            .contains("everything.patient-missing"),
        "{r:#?}"
    );
    assert_eq!(outcome(&report, "S-LAUNCH-DASHBOARD"), Outcome::Pass);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_without_a_required_member_fails_with_the_reason() {
    let report = run(SmartFlaw::DiscoveryWithoutTokenEndpoint).await;
    let r = report
        .scenarios
        .iter()
        .find(|r| r.id == "S-LAUNCH-NEW")
        .unwrap();
    assert_eq!(r.outcome, Outcome::Fail);
    assert_eq!(r.step.as_deref(), Some("discovery documents"));
    assert!(
        r.actual.as_deref().unwrap().contains("token_endpoint"),
        "{r:#?}"
    );
    assert_eq!(report.exit_code(), 1);
}
