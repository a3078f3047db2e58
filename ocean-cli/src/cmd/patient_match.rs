//! `ocean match`: a received referral's patient against the POS's own patients.

use std::ffi::OsString;
use std::io::Write;

use ocean_match::{Candidate, Demographics, Jurisdiction, MatchOutcome, Matcher, SearchHint};
use ocean_model::{Patient, Resource, json};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::value::RawValue;

use crate::Global;
use crate::input::Input;
use crate::outcome::{Exit, Run, Unusable};
use crate::output;

/// A received referral's patient against the POS's own patients (auto-match).
///
/// REFERRAL is an Ocean message Bundle (the patient is the subject of the referral the
/// MessageHeader focuses on) or a Patient. CANDIDATES is what the POS's patient search returned:
/// a JSON array of Patients or a Bundle of them, each with an `id` (the POS chart id). Prints
/// the outcome (`match`: one confident match; `candidates`: a person must choose; `none`), the
/// search hints the POS should query its database by (kinds only), and every candidate's level
/// and reason codes, which name fields, never values. The rules are `ocean_match`'s: health
/// number and birth date make a confident match; names and gender alone never do.
///
/// Exit status: 0 whatever the outcome (a no-match is an answer, not a problem; 1 is never
/// used here: the matcher reports reasons, not issues); 2 when a file cannot be read, is not
/// FHIR JSON, or has no usable patient. `--json` prints one object (schema:
/// `ocean-cli/schemas/match.schema.json`).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    ocean match testdata/ocean/ereferral_back_pain.bundle.json testdata/match/candidates.json\n  \
    ocean match referral-patient.json search-results.json --json | jq -r .outcome\n  \
    pos-search --json | ocean match received.json -")]
pub(crate) struct Args {
    /// The referral: an Ocean message Bundle or a Patient, or `-` for standard input.
    #[arg(value_name = "REFERRAL")]
    referral: OsString,
    /// The POS's candidates: a JSON array of Patients or a Bundle of Patients, or `-`.
    #[arg(value_name = "CANDIDATES")]
    candidates: OsString,
}

/// `ocean match --json`: the outcome, the search hints and every candidate's assessment.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Report {
    /// `match`, `candidates` or `none`.
    pub(crate) outcome: OutcomeCode,
    /// The confident match's id, or the candidates' ids strongest first (empty for `none`).
    pub(crate) matches: Vec<String>,
    /// Every candidate assessed: the match or candidates first, then possible duplicates, then
    /// the rejected ones.
    pub(crate) reasons: Vec<AssessmentOut>,
    /// What the POS should query its database by, by kind (no values).
    pub(crate) search_hints: Vec<String>,
    /// The number of candidates read (repeated ids are assessed once).
    pub(crate) candidates_read: usize,
}

/// The outcome of a match.
#[derive(Debug, Clone, Copy, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum OutcomeCode {
    /// Exactly one confident match.
    Match,
    /// Candidates for a person to choose from.
    Candidates,
    /// Nothing matched.
    None,
}

/// One candidate's assessment.
#[derive(Debug, Serialize, JsonSchema)]
pub(crate) struct AssessmentOut {
    /// The candidate's id (the POS chart id, as given).
    pub(crate) id: String,
    /// `confident`, `possible` or `rejected`.
    pub(crate) level: String,
    /// The reason codes (`health_number.agree`, `birth_date.disagree`, `names_swapped`, ...).
    pub(crate) codes: Vec<String>,
}

/// Runs `ocean match`.
pub(crate) fn run(args: &Args, g: &Global) -> Run {
    let r_in = Input::from_arg(&args.referral);
    let c_in = Input::from_arg(&args.candidates);
    if r_in == Input::Stdin && c_in == Input::Stdin {
        return Err(Unusable::usage(
            "`-` (standard input) can be given only once",
        ));
    }
    let patient = referral_patient(&r_in, &r_in.read_all()?)?;
    let candidates = candidates(&c_in, &c_in.read_all()?)?;
    let matcher = Matcher::default();
    let who = Demographics::from(&patient);
    let hints: Vec<String> = matcher.search_hints(&who).iter().map(hint_kind).collect();
    let outcome = matcher.match_patient(&who, &candidates);
    let report = Report {
        outcome: match &outcome {
            MatchOutcome::Match { .. } => OutcomeCode::Match,
            MatchOutcome::Candidates { .. } => OutcomeCode::Candidates,
            _ => OutcomeCode::None,
        },
        matches: outcome.match_ids().into_iter().map(str::to_owned).collect(),
        reasons: outcome
            .assessments()
            .map(|a| AssessmentOut {
                id: a.id.clone(),
                level: a.confidence.code().to_owned(),
                codes: a.codes().into_iter().map(str::to_owned).collect(),
            })
            .collect(),
        search_hints: hints,
        candidates_read: candidates.len(),
    };
    if g.json {
        output::json(&report)?;
    } else {
        output::text(|w| print_table(w, &report, &outcome))?;
    }
    Ok(Exit::Ok)
}

/// A search hint by its kind: the values are patient data.
fn hint_kind(h: &SearchHint) -> String {
    match h {
        SearchHint::HealthNumber { jurisdiction, .. } => match jurisdiction {
            Jurisdiction::Province(p) => format!("health number ({p})"),
            _ => "health number (another identifier system)".to_owned(),
        },
        SearchHint::BirthDate { family_keys, .. } if family_keys.is_empty() => {
            "birth date".to_owned()
        }
        SearchHint::BirthDate { .. } => "birth date, narrowed by family keys".to_owned(),
        _ => "other".to_owned(),
    }
}

/// The referral's patient, from a message Bundle or a Patient.
fn referral_patient(input: &Input, bytes: &[u8]) -> Result<Patient, Unusable> {
    let resource: Resource = json::from_slice(bytes)
        .map_err(|e| Unusable::input(input.name(), format!("not FHIR JSON: {e}")))?;
    match &resource {
        Resource::Patient(p) => Ok((**p).clone()),
        Resource::Bundle(b) => ocean_match::patient_from_message(b)
            .cloned()
            .ok_or_else(|| {
                Unusable::input(
                    input.name(),
                    "the Bundle is not a message whose referral names a Patient entry",
                )
            }),
        // The type found is input text (any name parses): not repeated.
        _ => Err(Unusable::input(
            input.name(),
            "must be an Ocean message Bundle or a Patient",
        )),
    }
}

/// The candidates: a JSON array of Patients, or a Bundle whose entries are Patients; each with
/// an id.
fn candidates(input: &Input, bytes: &[u8]) -> Result<Vec<Candidate>, Unusable> {
    let bad = |what: String| Unusable::input(input.name(), what);
    let trimmed = bytes.trim_ascii_start();
    let patients: Vec<(String, Patient)> = if trimmed.first() == Some(&b'[') {
        // serde_json's messages can quote the input: the position only.
        let items: Vec<Box<RawValue>> = serde_json::from_slice(bytes).map_err(|e| {
            bad(format!(
                "not a JSON array of Patients ({:?} error at line {}, column {})",
                e.classify(),
                e.line(),
                e.column()
            ))
        })?;
        items
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let at = format!("[{i}]");
                let resource: Resource = json::from_str(raw.get())
                    .map_err(|e| bad(format!("{at}: not FHIR JSON: {e}")))?;
                match resource {
                    Resource::Patient(p) => Ok((at, *p)),
                    _ => Err(bad(format!("{at} is not a Patient"))),
                }
            })
            .collect::<Result<_, _>>()?
    } else {
        let resource: Resource =
            json::from_slice(bytes).map_err(|e| bad(format!("not FHIR JSON: {e}")))?;
        let Resource::Bundle(b) = resource else {
            return Err(bad(
                "must be a JSON array of Patients or a Bundle of Patients".to_owned(),
            ));
        };
        b.entry
            .into_iter()
            .enumerate()
            .filter_map(|(i, e)| match e.resource {
                Some(Resource::Patient(p)) => Some((format!("Bundle.entry[{i}]"), *p)),
                _ => None,
            })
            .collect()
    };
    patients
        .iter()
        .map(|(at, p)| {
            Candidate::from_patient(p).ok_or_else(|| bad(format!("{at}: a Patient without id")))
        })
        .collect()
}

fn print_table(w: &mut dyn Write, r: &Report, outcome: &MatchOutcome) -> std::io::Result<()> {
    writeln!(w, "{:<14} {outcome}", "outcome")?;
    let matches = if r.matches.is_empty() {
        "-".to_owned()
    } else {
        r.matches.join(", ")
    };
    writeln!(w, "{:<14} {matches}", "matches")?;
    let hints = if r.search_hints.is_empty() {
        "- (the referral has neither a health number nor a birth date)".to_owned()
    } else {
        r.search_hints.join("; ")
    };
    writeln!(w, "{:<14} {hints}", "search by")?;
    writeln!(w)?;
    writeln!(w, "{:<20} {:<10} reasons", "candidate", "level")?;
    writeln!(w, "{}", "-".repeat(80))?;
    for a in &r.reasons {
        writeln!(w, "{:<20} {:<10} {}", a.id, a.level, a.codes.join(" "))?;
    }
    writeln!(
        w,
        "{} candidate(s) read, {} assessed",
        r.candidates_read,
        r.reasons.len()
    )
}
