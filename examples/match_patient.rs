//! Match a received referral's patient against POS patients and print the outcome as JSON.
//!
//! ```text
//! cargo run --example match_patient -- [REFERRAL.json CANDIDATES.json]
//! cargo run --example match_patient -- testdata/ocean/ereferral_back_pain.bundle.json testdata/match/candidates.json
//! ```
//! REFERRAL is an Ocean message Bundle (the patient is the subject of the ServiceRequest the
//! MessageHeader focuses on) or a Patient resource. CANDIDATES is a JSON array of Patient
//! resources, each with an `id` (the POS chart id). With no arguments, matches the bundled
//! `testdata/match/referral-patient.json` against `testdata/match/candidates.json`.
//!
//! Prints one JSON object `{"outcome": "match"|"candidates"|"none", "matches": ["<id>", ...],
//! "reasons": [{"id", "level", "codes": [...]}]}`: `matches` holds the confident match or the
//! candidates; `reasons` explains every candidate with reason codes that name fields only. Also
//! prints the search hints the POS would query by to stderr (kinds only, no values). Exits 0
//! whatever the outcome, 2 with a message on stderr when an input cannot be used. Error
//! messages never quote the input.

use std::process::ExitCode;

use ocean_ereferral::model::{Patient, Resource, json};
use ocean_ereferral::patient::{
    Candidate, Demographics, Matcher, SearchHint, patient_from_message,
};
use serde_json::value::RawValue;

const SAMPLE_REFERRAL: &str = include_str!("../testdata/match/referral-patient.json");
const SAMPLE_CANDIDATES: &str = include_str!("../testdata/match/candidates.json");

fn usage() -> ExitCode {
    eprintln!("usage: match_patient [REFERRAL.json CANDIDATES.json]");
    ExitCode::from(2)
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read a file: {}", e.kind()))
}

/// The referral's patient, from a message Bundle or a Patient.
fn referral_patient(text: &str) -> Result<Patient, String> {
    let resource: Resource =
        json::from_str(text).map_err(|e| format!("REFERRAL is not FHIR JSON: {e}"))?;
    match &resource {
        Resource::Patient(p) => Ok((**p).clone()),
        Resource::Bundle(b) => patient_from_message(b)
            .cloned()
            .ok_or_else(|| "REFERRAL: the Bundle holds no Patient".to_owned()),
        // The type found is input text (any name parses): not repeated.
        _ => Err("REFERRAL must be a Bundle or a Patient".to_owned()),
    }
}

/// The candidates: every element a Patient with an id.
fn candidates(text: &str) -> Result<Vec<Candidate>, String> {
    // serde_json's messages can quote the input, so report the position only.
    let items: Vec<Box<RawValue>> = serde_json::from_str(text).map_err(|e| {
        format!(
            "CANDIDATES is not a JSON array ({:?} error at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        )
    })?;
    items
        .iter()
        .enumerate()
        .map(|(i, raw)| {
            let resource: Resource =
                json::from_str(raw.get()).map_err(|e| format!("CANDIDATES[{i}]: {e}"))?;
            let patient = resource
                .as_type::<Patient>()
                .ok_or_else(|| format!("CANDIDATES[{i}] is not a Patient"))?;
            Candidate::from_patient(patient)
                .ok_or_else(|| format!("CANDIDATES[{i}]: a Patient without id"))
        })
        .collect()
}

fn run(referral: &str, list: &str) -> Result<String, String> {
    let patient = referral_patient(referral)?;
    let candidates = candidates(list)?;
    let matcher = Matcher::default();
    let who = Demographics::from(&patient);
    for hint in matcher.search_hints(&who) {
        let kind = match hint {
            SearchHint::HealthNumber { jurisdiction, .. } => {
                format!("health number ({jurisdiction:?})")
            }
            SearchHint::BirthDate { .. } => "birth date, narrowed by family keys".to_owned(),
            _ => "other".to_owned(),
        };
        eprintln!("search hint: {kind}");
    }
    let outcome = matcher.match_patient(&who, &candidates);
    eprintln!("outcome: {outcome}");
    serde_json::to_string_pretty(&outcome).map_err(|e| format!("cannot write JSON: {e}"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let inputs = match args.as_slice() {
        [] => Ok((SAMPLE_REFERRAL.to_owned(), SAMPLE_CANDIDATES.to_owned())),
        [r, c] if !r.starts_with('-') && !c.starts_with('-') => {
            read(r).and_then(|r| Ok((r, read(c)?)))
        }
        _ => return usage(),
    };
    match inputs.and_then(|(r, c)| run(&r, &c)) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
