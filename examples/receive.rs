//! Receive a message from Ocean: parse it and print what a receiver does with it.
//!
//! ```text
//! cargo run --example receive -- [FILE|-]
//! ```
//! With no FILE, reads the bundled Ocean `add-service-request` sample; `-` reads standard input.
//! Prints one JSON object and exits 0 when the body is a FHIR message:
//! `{"event", "supported", "referral", "focus", "idempotencyKey", "issues", "answer"}`, where
//! `answer` is the HTTP status to send Ocean (200, or 400 for a modelled event with broken
//! content, with an `error` member naming the rule and path) and `issues` the profile issues.
//! Prints an error on stderr and exits 2 when the body is not a message (a receiver answers 400).

use std::io::Read;
use std::io::Write as _;
use std::process::ExitCode;

use ocean_ereferral::messages::{self, MessageError, Received, http};
use ocean_ereferral::model::{Resource, json, validate};
use serde_json::{Value, json};

const SAMPLE: &str = include_str!("../testdata/ocean/ereferral_back_pain.bundle.json");

fn usage() -> ExitCode {
    eprintln!("usage: receive [FILE|-]");
    ExitCode::from(2)
}

fn read_body(file: Option<&str>) -> Result<Vec<u8>, String> {
    match file {
        None => Ok(SAMPLE.as_bytes().to_vec()),
        Some("-") => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            Ok(buf)
        }
        Some(path) => std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}")),
    }
}

fn issues_json(issues: &[validate::Issue]) -> Value {
    Value::Array(
        issues
            .iter()
            .map(|i| {
                json!({
                    "severity": i.severity.as_str(),
                    "rule": i.rule,
                    "path": i.path,
                    "message": i.message,
                })
            })
            .collect(),
    )
}

fn main() -> ExitCode {
    let mut file = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "-h" | "--help" => return usage(),
            a if a.starts_with("--") => return usage(),
            a => {
                if file.replace(a.to_owned()).is_some() {
                    return usage();
                }
            }
        }
    }
    let body = match read_body(file.as_deref()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = messages::parse(&body);
    let answer = http::ack(&result).status();
    let report = match &result {
        Ok(received) => {
            let focus = received.focus_type();
            json!({
                "event": received.event_code(),
                "supported": received.is_supported(),
                "referral": received.referral_id().map(|r| r.as_str()),
                "focus": focus,
                "idempotencyKey": received.idempotency_key().as_str(),
                "issues": issues_json(&received.profile_issues()),
                "answer": answer,
            })
        }
        Err(MessageError::Invalid(invalid)) => {
            // The content is broken but it is a message: the profile issues still help.
            let issues = match json::from_slice::<Resource>(&body) {
                Ok(Resource::Bundle(b)) => validate::validate_bundle(&b),
                _ => Vec::new(),
            };
            json!({
                "event": invalid.event.map(|e| e.code()),
                "supported": invalid.event.is_some(),
                "referral": Value::Null,
                "focus": Value::Null,
                "idempotencyKey": Value::Null,
                "issues": issues_json(&issues),
                "answer": answer,
                "error": {
                    "rule": invalid.rule.id(),
                    "path": invalid.path,
                    "message": invalid.to_string(),
                },
            })
        }
        Err(e) => {
            eprintln!("error: {e} (answer {answer})");
            return ExitCode::from(2);
        }
    };
    // What a receiver would do next, on stderr so stdout stays one JSON object.
    if let Ok(Received::Supported(m)) = &result {
        let r = m.referral();
        eprintln!(
            "{}: referral {} for a patient with {} name(s); {} form(s), {} document(s); \
             receiving site {}",
            m.code(),
            r.id(),
            r.patient().name.len(),
            r.forms().count(),
            r.documents().count(),
            m.receiver_site_number().unwrap_or("unknown"),
        );
    }
    match serde_json::to_string_pretty(&report) {
        Ok(s) => match writeln!(std::io::stdout(), "{s}") {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write the report: {e}");
                ExitCode::from(2)
            }
        },
        Err(e) => {
            eprintln!("error: cannot write the report: {e}");
            ExitCode::from(2)
        }
    }
}
