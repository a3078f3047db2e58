//! Demonstrates `ocean_ereferral::patient` (`ocean-match`): the search hints a POS queries its
//! database by for a received referral's patient, then the auto-match of that patient against
//! the POS's charts, with reason codes that name fields, never values.
//!
//! ```text
//! cargo run --example match_patient     # testdata/match/referral-patient.json vs candidates.json
//! ```
//!
//! From a shell, `ocean match REFERRAL CANDIDATES` does the same on any referral (a message
//! Bundle or a Patient) and search result (an array or Bundle of Patients), with `--json`.

use ocean_ereferral::model::{Patient, json};
use ocean_ereferral::patient::{Candidate, Demographics, Matcher, SearchHint};
use ocean_ereferral::serde_json::{self, value::RawValue};

const REFERRAL: &str = include_str!("../testdata/match/referral-patient.json");
const CANDIDATES: &str = include_str!("../testdata/match/candidates.json");

fn main() -> Result<(), String> {
    // From a message Bundle, `ocean_ereferral::patient::patient_from_message` finds the Patient.
    let patient: Patient = json::from_str(REFERRAL).map_err(|e| e.to_string())?;
    let who = Demographics::from(&patient);
    let matcher = Matcher::default();

    // 1. What to search the POS's database by: the health number, else the birth date.
    for hint in matcher.search_hints(&who) {
        match hint {
            SearchHint::HealthNumber { jurisdiction, .. } => {
                println!("search by health number ({jurisdiction:?})");
            }
            SearchHint::BirthDate { family_keys, .. } => {
                println!(
                    "search by birth date, narrowed by {} family key(s)",
                    family_keys.len()
                );
            }
            _ => println!("search by another kind of hint"),
        }
    }

    // 2. What the search returned, as candidates: each a Patient with the POS's chart id.
    // (serde_json's own messages can quote the input: only the position is shown.)
    let raw: Vec<Box<RawValue>> = serde_json::from_str(CANDIDATES).map_err(|e| {
        format!(
            "not a JSON array (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let mut candidates = Vec::new();
    for item in &raw {
        let p: Patient = json::from_str(item.get()).map_err(|e| e.to_string())?;
        candidates.extend(Candidate::from_patient(&p));
    }

    // 3. The outcome: one confident match, candidates for a person to choose from, or none.
    let outcome = matcher.match_patient(&who, &candidates);
    println!("outcome: {} {:?}", outcome.code(), outcome.match_ids());
    for a in outcome.assessments() {
        println!(
            "  {:<10} {:<9} {}",
            a.id,
            a.confidence.as_str(),
            a.codes().join(" ")
        );
    }
    Ok(())
}
