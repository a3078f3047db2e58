//! Parse a FHIR resource or Bundle and print its profile issues as JSON.
//!
//! ```text
//! cargo run --example validate -- [FILE|-] [--roundtrip]
//! ```
//! With no FILE, checks the bundled Ocean `add-service-request` sample. Prints one JSON object
//! `{"resourceType", "issues": [{"severity","rule","path","message"}], "errors", "warnings"}`
//! and exits 0 when the input parsed (whatever the issues: a modelled element of the wrong JSON
//! type is kept and listed as a `fhir-json` issue with its path); with `--roundtrip` prints the
//! re-serialised JSON instead. Exits 2 with a message on stderr ("not FHIR JSON") only when the
//! input is not JSON or not a resource.

use std::io::Read;
use std::process::ExitCode;

use ocean_ereferral::model::{Resource, json, validate};

const SAMPLE: &str = include_str!("../testdata/ocean/ereferral_back_pain.bundle.json");

fn usage() -> ExitCode {
    eprintln!("usage: validate [FILE|-] [--roundtrip]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut file = None;
    let mut roundtrip = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--roundtrip" => roundtrip = true,
            "-h" | "--help" => return usage(),
            a if a.starts_with("--") => return usage(),
            a => {
                if file.replace(a.to_owned()).is_some() {
                    return usage();
                }
            }
        }
    }
    let bytes = match file.as_deref() {
        None => SAMPLE.as_bytes().to_vec(),
        Some("-") => {
            let mut buf = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut buf) {
                eprintln!("error: cannot read standard input: {e}");
                return ExitCode::from(2);
            }
            buf
        }
        Some(path) => match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let resource: Resource = match json::from_slice(&bytes) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: not FHIR JSON: {e}");
            return ExitCode::from(2);
        }
    };
    if roundtrip {
        return match json::to_string_pretty(&resource) {
            Ok(s) => {
                println!("{s}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: cannot serialise: {e}");
                ExitCode::from(2)
            }
        };
    }
    let issues = match &resource {
        Resource::Bundle(b) => validate::validate_bundle(b),
        other => validate::validate(other),
    };
    let errors = issues.iter().filter(|i| i.is_error()).count();
    let report = serde_json::json!({
        "resourceType": resource.resource_type(),
        "issues": issues,
        "errors": errors,
        "warnings": issues.len() - errors,
    });
    match serde_json::to_string_pretty(&report) {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot print the report: {e}");
            ExitCode::from(2)
        }
    }
}
