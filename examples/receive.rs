//! Demonstrates the receive flow of `ocean_ereferral::messages`: parse the body Ocean POSTs,
//! build the HTTP answer, then file the event (de-duplicate by its key, read the referral, move
//! it to its Ocean folders).
//!
//! ```text
//! cargo run --example receive [-- FILE]     # the bundled Ocean add-service-request without FILE
//! ```
//!
//! From a shell, `ocean receive FILE|-` does the same, with `--json` (the receive view) and an
//! exit status for CI.

use ocean_ereferral::messages::{self, Received, http};
use ocean_ereferral::status::ReferralState;

const SAMPLE: &[u8] = include_bytes!("../testdata/ocean/ereferral_back_pain.bundle.json");

fn main() -> Result<(), String> {
    let body = match std::env::args_os().nth(1) {
        Some(path) => {
            std::fs::read(path).map_err(|e| format!("the file cannot be read ({})", e.kind()))?
        }
        None => SAMPLE.to_vec(),
    };
    // 1. Parse: linear in the body, never panics, refuses bodies over 32 MiB.
    let result = messages::parse(&body);

    // 2. Answer Ocean: 200, or 400 with an OperationOutcome naming the broken rule (Ocean retries).
    let ack = http::ack(&result);
    println!(
        "HTTP {} ({})\n{}",
        ack.status(),
        ack.content_type(),
        ack.body()
    );

    // 3. File the event.
    match &result {
        Ok(Received::Supported(message)) => {
            // Ocean retries until it gets a 2xx: file each key once.
            println!(
                "{}: de-duplicate by {}",
                message.code(),
                message.idempotency_key()
            );
            let referral = message.referral();
            let name = referral.patient_name().map(|n| n.display());
            println!(
                "referral {} for {}",
                referral.id(),
                name.as_deref().unwrap_or("-")
            );
            // The reason as plain text: reasonCode, else the note, else the reason-for-referral form.
            if let Some(reason) = referral.reason() {
                println!("reason ({:?}): {}", reason.source(), reason.text());
            }
            println!(
                "{} note(s), {} form(s), {} document(s)",
                referral.notes().count(),
                referral.forms().count(),
                referral.documents().count()
            );
            // Where the referral sits in Ocean once this event is filed (a new one starts at New).
            let state = ReferralState::fold(message.event().referral_events());
            let folders = state.folders();
            println!(
                "Ocean folders: sent \"{}\", received \"{}\"",
                folders.sent, folders.received
            );
        }
        // An event this toolkit does not model is acknowledged; its code is input, not printed.
        Ok(Received::Unsupported(_)) => println!("acknowledged, not filed: an unmodelled event"),
        Err(_) => println!("refused: the OperationOutcome above names the rule"),
    }
    Ok(())
}
