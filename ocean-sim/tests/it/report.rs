//! The report's JSON Schema is checked in and current; the Markdown and HTML have every row.
use ocean_sim::report::{self, Outcome, Report};

const SCHEMA_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/report.schema.json");

#[test]
fn the_checked_in_schema_is_current() {
    let current = report::json_schema();
    let checked_in = std::fs::read_to_string(SCHEMA_PATH).unwrap_or_default();
    if checked_in != current {
        if std::env::var_os("OCEAN_SIM_WRITE_SCHEMA").is_some() {
            std::fs::write(SCHEMA_PATH, &current).unwrap();
        } else {
            panic!(
                "ocean-sim/report.schema.json is stale: run with OCEAN_SIM_WRITE_SCHEMA=1 and commit it"
            );
        }
    }
}

/// A report with one row per catalog scenario (outcomes cycled), for the renderers.
pub(crate) fn sample() -> Report {
    let outcomes = [Outcome::Pass, Outcome::Fail, Outcome::NotRun];
    let scenarios = ocean_sim::scenarios::CATALOG
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let outcome = outcomes[i % 3];
            report::ScenarioResult {
                id: d.id.into(),
                use_case: d.use_case.into(),
                role: d.role,
                priority: d.priority,
                title: d.title.into(),
                outcome,
                step: (outcome != Outcome::Pass).then(|| "deliver add-service-request".into()),
                expected: (outcome == Outcome::Fail).then(|| "2xx".into()),
                actual: (outcome != Outcome::Pass).then(|| "HTTP 500 <b>|</b>".into()),
                steps: vec![],
                prefill: None,
            }
        })
        .collect();
    let mut r = Report {
        tool: "ocean-sim test".into(),
        started_at: "2026-01-01T00:00:00.000Z".into(),
        pos: "http://127.0.0.1:8787/fhir/$process-message".into(),
        real_ms_per_simulated_hour: 20,
        synthetic_patients: ocean_sim::patients::PATIENTS
            .iter()
            .map(|p| p.display())
            .collect(),
        summary: Default::default(),
        scenarios,
    };
    r.summarise();
    r
}

#[test]
fn every_rendering_has_every_row() {
    let r = sample();
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    let rows = json["scenarios"].as_array().unwrap();
    assert_eq!(rows.len(), ocean_sim::scenarios::CATALOG.len());
    for (row, key) in rows.iter().zip(["pass", "fail", "not-run"].iter().cycle()) {
        assert_eq!(row["outcome"], *key);
        for k in [
            "id", "useCase", "role", "priority", "outcome", "step", "expected", "actual",
        ] {
            assert!(row.get(k).is_some(), "{k}");
        }
    }
    let md = report::to_markdown(&r);
    let html = report::to_html(&r);
    for d in ocean_sim::scenarios::CATALOG {
        assert!(md.contains(&format!("`{}`", d.id)));
        assert!(html.contains(&format!("data-id=\"{}\"", d.id)));
    }
    assert!(
        md.contains("HTTP 500 <b>\\|</b>"),
        "pipes are escaped in Markdown cells"
    );
    assert!(html.contains("HTTP 500 &lt;b&gt;|&lt;/b&gt;") && !html.contains("<b>|</b>"));
    assert_eq!(
        r.summary.required_failed,
        r.scenarios
            .iter()
            .filter(|s| s.outcome == Outcome::Fail && s.priority == report::Priority::Required)
            .count()
    );
}

#[test]
fn the_markdown_is_shaped_for_the_worksheet() {
    insta::assert_snapshot!("worksheet_markdown", report::to_markdown(&sample()));
}
