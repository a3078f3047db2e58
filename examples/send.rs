//! Build a message a receiving POS sends to Ocean, starting from a received referral.
//!
//! ```text
//! cargo run --example send -- EVENT [--from RECEIVED.json] [--deterministic]
//! ```
//! EVENT is one of `notify-add-process-request` (status `received`),
//! `notify-update-process-request` (accept, importing the patient with an MRN),
//! `notify-add-appointment` (a confirmed 30-minute booking with instructions),
//! `send-communication-from-provider` (a text and a small attachment) or
//! `notify-data-correction` (a corrected given name). The received message defaults to the
//! bundled Ocean `add-service-request` sample; the Ocean site (host and site number) is read from
//! it. `--deterministic` uses sequential ids and a fixed clock (the output is then the same on
//! every run). Prints the Bundle to POST to Ocean's `$process-messages` (URL on stderr) and exits
//! 0; exits 2 with a message on stderr on bad arguments or a refused build.

use std::io::Write as _;
use std::process::ExitCode;

use ocean_ereferral::messages::build::{
    Booking, Correction, FixedClock, OffsetDateTime, Outbound, OutboundMessage, OutgoingAttachment,
    OutgoingCommunication, PosSystem, SequentialIds, TaskUpdate,
};
use ocean_ereferral::messages::{self, EventCode, Message, OceanSite, Received};
use ocean_ereferral::model::{Instant, OceanBase};
use ocean_ereferral::status::AcceptedTaskStatus;

const SAMPLE: &str = include_str!("../testdata/ocean/ereferral_back_pain.bundle.json");

fn usage() -> ExitCode {
    eprintln!(
        "usage: send EVENT [--from RECEIVED.json] [--deterministic]\n\
         EVENT: notify-add-process-request | notify-update-process-request | \
         notify-add-appointment | send-communication-from-provider | notify-data-correction"
    );
    ExitCode::from(2)
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

/// A time from FHIR text.
fn at(text: &str) -> Result<OffsetDateTime, String> {
    Instant::new(text)
        .instant()
        .ok_or_else(|| format!("not a time: {text}"))
}

fn build(
    event: EventCode,
    received: &Message,
    site: &OceanSite,
    pos: &PosSystem,
    deterministic: bool,
) -> Result<OutboundMessage, String> {
    let mut out = Outbound::new(received, site, pos).map_err(|e| e.to_string())?;
    if deterministic {
        out = out
            .with_ids(SequentialIds::new())
            .with_clock(FixedClock::new(at("2025-06-02T10:15:30.250-04:00")?));
    }
    let built = match event {
        EventCode::NotifyAddProcessRequest => {
            out.add_process_request(&TaskUpdate::new(AcceptedTaskStatus::Received))
        }
        EventCode::NotifyUpdateProcessRequest => out.update_process_request(
            &TaskUpdate::accept().import_patient(Some("DEMO-MRN-0001".to_owned())),
        ),
        EventCode::NotifyAddAppointment => out.add_appointment(
            &Booking::scheduled(at("2025-06-10T14:00:00-04:00")?)
                .ending(at("2025-06-10T14:30:00-04:00")?)
                .with_instructions("Please arrive 15 minutes early and bring your health card."),
        ),
        EventCode::SendCommunicationFromProvider => out.send_communication(
            &OutgoingCommunication::text("Could you send the most recent imaging report?")
                .with_attachment(
                    OutgoingAttachment::data("text/plain", b"Questions for the referrer".to_vec())
                        .with_title("questions.txt"),
                ),
        ),
        EventCode::NotifyDataCorrection => {
            let mut patient = received.referral().patient().clone();
            if let Some(name) = patient.name.first_mut() {
                name.given = vec!["Corrected".to_owned()];
            }
            out.correct_data(&Correction::new().with_patient(patient))
        }
        other => return Err(format!("{other} is sent by Ocean, not by a POS")),
    };
    built.map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let mut event = None;
    let mut from = None;
    let mut deterministic = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--from" => match args.next() {
                Some(path) => from = Some(path),
                None => return usage(),
            },
            "--deterministic" => deterministic = true,
            "-h" | "--help" => return usage(),
            a if a.starts_with("--") => return usage(),
            a => {
                if event.replace(a.to_owned()).is_some() {
                    return usage();
                }
            }
        }
    }
    let Some(event) = event else { return usage() };
    let Some(event) = EventCode::from_code(&event) else {
        // The argument is not repeated: errors name only our own codes.
        return fail("not an event this toolkit models (see the usage for the POS events)");
    };
    let body = match &from {
        None => SAMPLE.as_bytes().to_vec(),
        Some(path) => match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return fail(format!("cannot read the --from file: {}", e.kind())),
        },
    };
    let received = match messages::parse(&body) {
        Ok(Received::Supported(m)) => *m,
        Ok(Received::Unsupported(_)) => {
            // The unmodelled code is input text: not repeated.
            return fail("the received message's event is not one this toolkit models");
        }
        Err(e) => return fail(e),
    };
    // The site the received message belongs to: its Ocean host and receiving site number. A
    // real POS looks it up among its configured sites with `OceanSite::find_for`.
    let base = received
        .ocean_base()
        .cloned()
        .unwrap_or(OceanBase::Production);
    let number = received.receiver_site_number().unwrap_or("0").to_owned();
    let site = match OceanSite::new(base, number) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let pos = match PosSystem::new("Demo EMR", "https://emr.example.org/ocean/$process-message") {
        Ok(p) => p.with_software("ocean-ereferral-example", env!("CARGO_PKG_VERSION")),
        Err(e) => return fail(e),
    };
    let built = match build(event, &received, &site, &pos, deterministic) {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    match built.to_json_pretty() {
        Ok(json) => {
            eprintln!("POST {} (Content-Type: application/fhir+json)", built.url());
            match writeln!(std::io::stdout(), "{json}") {
                Ok(()) => ExitCode::SUCCESS,
                // A closed pipe (`| head`) is not an error worth a panic.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => fail(e),
            }
        }
        Err(e) => fail(e),
    }
}
