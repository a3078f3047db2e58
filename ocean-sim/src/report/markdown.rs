//! The report as Markdown, shaped for the Release Information Worksheet's test case results.
use super::{Outcome, Report, Role};

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "✅ pass",
        Outcome::Fail => "❌ fail",
        Outcome::NotRun => "➖ not run",
    }
}

/// The Markdown report: a summary, then one table per seed table (Sender, Receiver, General),
/// one row per scenario: priority, use case, scenario id and title, result, and for a failure
/// the step, what Ocean expected and what the POS did.
pub fn to_markdown(report: &Report) -> String {
    let mut out = String::new();
    out.push_str("# DRO eReferral test case results (ocean-sim)\n\n");
    out.push_str(&format!(
        "- Tool: {}\n- Run started: {}\n- POS webhook: `{}`\n- Ocean's retry clock: 1 simulated hour = {} ms\n- Synthetic patients only: {}\n\n",
        report.tool,
        report.started_at,
        report.pos,
        report.real_ms_per_simulated_hour,
        report.synthetic_patients.join("; ")
    ));
    let s = report.summary;
    out.push_str(&format!(
        "**{} passed, {} failed ({} Required), {} not run.**\n",
        s.passed, s.failed, s.required_failed, s.not_run
    ));
    for role in [Role::Sender, Role::Receiver, Role::General] {
        let rows: Vec<_> = report.scenarios.iter().filter(|r| r.role == role).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## \"{}\" use cases\n\n", role.name()));
        out.push_str("| Priority | Use case | Scenario | Result | Step | Expected | Actual |\n");
        out.push_str("|---|---|---|---|---|---|---|\n");
        for r in rows {
            out.push_str(&format!(
                "| {} | {} | `{}` {} | {} | {} | {} | {} |\n",
                r.priority.name(),
                cell(&r.use_case),
                r.id,
                cell(&r.title),
                mark(r.outcome),
                cell(r.step.as_deref().unwrap_or("")),
                cell(r.expected.as_deref().unwrap_or("")),
                cell(r.actual.as_deref().unwrap_or("")),
            ));
        }
    }
    out
}
