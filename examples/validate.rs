//! Demonstrates `ocean_ereferral::model`: parse a FHIR resource or Bundle leniently and
//! losslessly, check it against the Ontario eReferral profiles, and serialise it back.
//!
//! ```text
//! cargo run --example validate [-- FILE]     # the bundled Ocean add-service-request without FILE
//! ```
//!
//! From a shell, `ocean validate FILE...` does the same for many files, with `--json`,
//! `--roundtrip` and an exit status for CI (`--fail-on`).

use ocean_ereferral::model::{Resource, json, validate};
use ocean_ereferral::serde_json::{self, Value};

const SAMPLE: &str = include_str!("../testdata/ocean/ereferral_back_pain.bundle.json");

fn main() -> Result<(), String> {
    let bytes = match std::env::args_os().nth(1) {
        Some(path) => {
            std::fs::read(path).map_err(|e| format!("the file cannot be read ({})", e.kind()))?
        }
        None => SAMPLE.as_bytes().to_vec(),
    };
    // Lenient: unknown elements are kept, a modelled element of the wrong JSON type is kept and
    // reported as a `fhir-json` issue. `ParseError` names a path and position, never input text.
    let resource: Resource = json::from_slice(&bytes).map_err(|e| e.to_string())?;
    let issues = match &resource {
        Resource::Bundle(bundle) => validate::validate_bundle(bundle),
        other => validate::validate(other),
    };
    println!("{}: {} issue(s)", resource.resource_type(), issues.len());
    for issue in &issues {
        // Rule ids and FHIR paths, no patient data.
        println!(
            "  {} {} at {}: {}",
            issue.severity.as_str(),
            issue.rule,
            issue.path,
            issue.message
        );
    }
    let errors = issues.iter().filter(|i| i.is_error()).count();
    println!(
        "{errors} error(s), {} warning(s) or information",
        issues.len() - errors
    );

    // Lossless: what serialises back is the same JSON as what was read.
    let again = json::to_string(&resource).map_err(|e| e.to_string())?;
    let same = serde_json::from_str::<Value>(&again).ok() == serde_json::from_slice(&bytes).ok();
    println!("round trip: {} bytes, same JSON: {same}", again.len());
    Ok(())
}
