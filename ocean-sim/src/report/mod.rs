//! The conformance report: one row per use case of the DRO tables, as JSON, Markdown (for the
//! Release Information Worksheet) and a self-contained HTML page.
//!
//! The JSON shape is [`Report`]; its JSON Schema is checked in as
//! `ocean-sim/report.schema.json` ([`json_schema`], kept current by a test). Reports carry no
//! patient data beyond the simulator's [synthetic patients](crate::patients).
mod html;
mod markdown;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use html::to_html;
pub use markdown::to_markdown;

/// A use case's priority in the DRO tables (seed `000_*.txt`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
pub enum Priority {
    /// Required.
    Required,
    /// Strongly recommended.
    #[serde(rename = "Strongly recommended")]
    StronglyRecommended,
    /// Desirable.
    Desirable,
}

impl Priority {
    /// The name as the seed spells it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Required => "Required",
            Self::StronglyRecommended => "Strongly recommended",
            Self::Desirable => "Desirable",
        }
    }
}

/// Which table of the seed a use case is in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// "Sender" eReferral use cases.
    Sender,
    /// "Receiver" eReferral use cases.
    Receiver,
    /// General use cases.
    General,
}

impl Role {
    /// The table's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Sender => "Sender",
            Self::Receiver => "Receiver",
            Self::General => "General",
        }
    }
}

/// A scenario's or a step's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Every step passed.
    Pass,
    /// A step failed: see `step`, `expected`, `actual`.
    Fail,
    /// Not run: not selected, not exercisable through the API, or needing `--smart`.
    NotRun,
}

impl Outcome {
    /// `pass`, `fail`, `not-run`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::NotRun => "not-run",
        }
    }
}

/// One step of a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// What the step does (`deliver add-service-request`).
    pub name: String,
    /// `pass` or `fail`.
    pub outcome: Outcome,
    /// What Ocean expected.
    pub expected: String,
    /// What happened.
    pub actual: String,
    /// The referral's Ocean folders after the step (`Sent: … / Received: …`), when it has one.
    pub folder: Option<String>,
}

/// One scenario: one use case row exercised one way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioResult {
    /// Stable id (`R-NEW`), for `--scenarios`.
    pub id: String,
    /// The use case, as the seed's table names it.
    pub use_case: String,
    /// The seed table.
    pub role: Role,
    /// The use case's priority.
    pub priority: Priority,
    /// What the scenario checks.
    pub title: String,
    /// The result.
    pub outcome: Outcome,
    /// For a failure: the failed step; for not-run: `-`; for a pass: null.
    pub step: Option<String>,
    /// For a failure: what Ocean expected.
    pub expected: Option<String>,
    /// For a failure: what the POS did; for not-run: why it did not run.
    pub actual: Option<String>,
    /// Every step run.
    pub steps: Vec<Step>,
    /// What Ocean's form would be pre-populated with (SMART launch scenarios).
    pub prefill: Option<Prefill>,
}

/// What a SMART launch pre-populates (keywords and findings from `ocean-keywords`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Prefill {
    /// Keyword → value.
    pub keywords: Vec<(String, String)>,
    /// Attachments Ocean would offer (titles).
    pub attachments: Vec<String>,
    /// Findings (`severity [rule] message`).
    pub findings: Vec<String>,
}

/// Counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Passed scenarios.
    pub passed: usize,
    /// Failed scenarios.
    pub failed: usize,
    /// Scenarios not run.
    pub not_run: usize,
    /// Failed scenarios of Required use cases (the exit code is 1 when this is not zero).
    pub required_failed: usize,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// `ocean-sim` and its version.
    pub tool: String,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// The POS webhook tested.
    pub pos: String,
    /// How compressed Ocean's retry clock was: real milliseconds per simulated hour.
    pub real_ms_per_simulated_hour: u64,
    /// The synthetic patients the run used (the only patient data in the report).
    pub synthetic_patients: Vec<String>,
    /// Counts.
    pub summary: Summary,
    /// One entry per scenario, in the seed's table order.
    pub scenarios: Vec<ScenarioResult>,
}

impl Report {
    /// Counts the outcomes into [`Report::summary`].
    pub fn summarise(&mut self) {
        let mut s = Summary::default();
        for r in &self.scenarios {
            match r.outcome {
                Outcome::Pass => s.passed += 1,
                Outcome::Fail => {
                    s.failed += 1;
                    if r.priority == Priority::Required {
                        s.required_failed += 1;
                    }
                }
                Outcome::NotRun => s.not_run += 1,
            }
        }
        self.summary = s;
    }

    /// 0 when every Required scenario that ran passed, else 1.
    pub fn exit_code(&self) -> i32 {
        i32::from(
            self.scenarios
                .iter()
                .any(|r| r.priority == Priority::Required && r.outcome == Outcome::Fail),
        )
    }

    /// The JSON (pretty).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// The JSON Schema of [`Report`] (checked in as `ocean-sim/report.schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Report);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

/// Escapes text for HTML and Markdown table cells.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
