//! `ocean send`: the message a receiving POS sends Ocean, built from a received referral.

use std::ffi::OsString;

use clap::ValueEnum;
use ocean_messages::build::{
    Booking, Correction, FixedClock, Outbound, OutboundMessage, OutgoingAttachment,
    OutgoingCommunication, PosSystem, SequentialIds, TaskUpdate,
};
use ocean_messages::{Message, MessageError, OceanSite, Received, http};
use ocean_model::validate::{Issue, validate_bundle};
use ocean_model::{OceanBase, Severity};
use ocean_status::AcceptedTaskStatus;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::value::RawValue;
use time::macros::datetime;

use crate::Global;
use crate::cmd::validate::{IssueOut, SeverityOut};
use crate::input::Input;
use crate::outcome::{Run, Unusable};
use crate::output;

/// The message a receiving POS sends Ocean, built from a received referral.
///
/// Reads the received message (--from, usually Ocean's `add-service-request`), builds EVENT in
/// reply with `ocean_messages`' builders and prints the Bundle to POST to the site's
/// `$process-messages` (the URL on stderr). The Ocean site (host and site number) is the
/// received message's. The content is a demonstration of each event:
/// `notify-add-process-request` (Task status `received`), `notify-update-process-request`
/// (accept, importing the patient with MRN DEMO-MRN-0001), `notify-add-appointment` (a confirmed
/// 30-minute booking with instructions), `send-communication-from-provider` (a text and a small
/// attachment), `notify-data-correction` (a corrected given name). The built message is then
/// checked as Ocean checks it: the message rules (parsed back with `ocean_messages::parse`) and
/// the eReferral profiles (`ocean_model::validate`), findings on stderr.
///
/// Exit status: 0 when no finding is at or above --fail-on; 1 when one is (the Bundle is still
/// printed); 2 when --from cannot be read or is not a message the toolkit models, or when the
/// builder refuses the reply (it names why: e.g. a reply to a revoked referral, or the sending
/// POS's own copy). Without `--json` stdout is the Bundle itself; `--json` prints one object
/// `{event, url, contentType, messageId, bundle, issues, errors, warnings}` (schema:
/// `ocean-cli/schemas/send.schema.json`).
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  \
    ocean send notify-add-process-request --from testdata/ocean/ereferral_back_pain.bundle.json\n  \
    ocean send notify-update-process-request --from received.json --deterministic > accept.json\n  \
    ocean send notify-add-appointment --from received.json --json | jq -r .url")]
pub(crate) struct Args {
    /// The event to build.
    #[arg(value_enum, value_name = "EVENT")]
    event: Event,
    /// The received message replied to (a FHIR message Bundle from Ocean), or `-`.
    #[arg(long, value_name = "RECEIVED", required = true)]
    from: OsString,
    /// Sequential ids and a fixed clock: the same output on every run.
    #[arg(long)]
    deterministic: bool,
    /// The POS's name in MessageHeader.source.
    #[arg(long, value_name = "NAME", default_value = "Demo EMR")]
    pos_name: String,
    /// The POS's endpoint in MessageHeader.source.
    #[arg(
        long,
        value_name = "URL",
        default_value = "https://emr.example.org/ocean/$process-message"
    )]
    pos_endpoint: String,
}

/// The events a receiving POS sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Event {
    /// The receiver's Process Request Task, status `received`.
    NotifyAddProcessRequest,
    /// Accept the referral, importing the patient with an MRN.
    NotifyUpdateProcessRequest,
    /// A confirmed 30-minute booking with instructions.
    NotifyAddAppointment,
    /// A message to the referrer: a text and a small attachment.
    SendCommunicationFromProvider,
    /// A corrected given name.
    NotifyDataCorrection,
}

/// `ocean send --json`: the built message, where to send it and what the checks found.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Report {
    /// The event code, e.g. `notify-add-process-request`.
    pub(crate) event: String,
    /// Where to POST the Bundle: the site's `$process-messages` URL.
    pub(crate) url: String,
    /// The content type to POST it with.
    pub(crate) content_type: String,
    /// The MessageHeader id.
    pub(crate) message_id: String,
    /// The Bundle to POST (FHIR JSON).
    #[schemars(with = "serde_json::Map<String, serde_json::Value>")]
    pub(crate) bundle: Box<RawValue>,
    /// What the checks of the built message found (message rules, then profile issues).
    pub(crate) issues: Vec<IssueOut>,
    /// Issues of severity `error`.
    pub(crate) errors: usize,
    /// Issues of severity `warning`.
    pub(crate) warnings: usize,
}

/// Runs `ocean send`.
pub(crate) fn run(args: &Args, g: &Global) -> Run {
    let input = Input::from_arg(&args.from);
    let body = input.read_all()?;
    let received = match ocean_messages::parse(&body) {
        Ok(Received::Supported(m)) => *m,
        // The unmodelled code is input text: not repeated.
        Ok(Received::Unsupported(_)) => {
            return Err(Unusable::input(
                input.name(),
                "the message's event is not one this toolkit models",
            ));
        }
        Err(e) => {
            return Err(Unusable::input(
                input.name(),
                format!("not a usable received message: {e}"),
            ));
        }
    };
    let built = build(args, &received).map_err(|e| Unusable::usage(format!("refused: {e}")))?;
    let unserialisable = |_| Unusable::usage("the built message cannot be serialised");
    let json = built.to_json().map_err(unserialisable)?;
    let issues = check(&built, &json);
    let severities: Vec<Severity> = issues.iter().map(|(s, _)| *s).collect();
    let count = |s| severities.iter().filter(|x| **x == s).count();
    if g.json {
        let bundle = RawValue::from_string(json).map_err(unserialisable)?;
        output::json(&Report {
            event: built.event().code().to_owned(),
            url: built.url().to_owned(),
            content_type: http::FHIR_JSON.to_owned(),
            message_id: built.message_id().to_string(),
            bundle,
            issues: issues.into_iter().map(|(_, i)| i).collect(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
        })?;
    } else {
        eprintln!("POST {} (Content-Type: {})", built.url(), http::FHIR_JSON);
        for (_, i) in &issues {
            eprintln!(
                "{} {} at {}: {}",
                severity_word(i.severity),
                i.rule,
                i.path,
                i.message
            );
        }
        eprintln!(
            "{} error(s), {} warning(s)",
            count(Severity::Error),
            count(Severity::Warning)
        );
        let pretty = built.to_json_pretty().map_err(unserialisable)?;
        output::text(|w| writeln!(w, "{pretty}"))?;
    }
    Ok(g.fail_on.exit_for(severities))
}

fn severity_word(s: SeverityOut) -> &'static str {
    match s {
        SeverityOut::Error => "error",
        SeverityOut::Warning => "warning",
        SeverityOut::Information => "info",
    }
}

/// The site the received message belongs to: its Ocean host and receiving site number (a real
/// POS looks it up among its configured sites with `OceanSite::find_for`).
fn site_of(received: &Message) -> Result<OceanSite, String> {
    let base = received
        .ocean_base()
        .cloned()
        .unwrap_or(OceanBase::Production);
    let number = received.receiver_site_number().unwrap_or("0").to_owned();
    OceanSite::new(base, number).map_err(|e| e.to_string())
}

fn build(args: &Args, received: &Message) -> Result<OutboundMessage, String> {
    let site = site_of(received)?;
    let pos = PosSystem::new(args.pos_name.clone(), args.pos_endpoint.clone())
        .map_err(|e| e.to_string())?
        .with_software("ocean-cli", env!("CARGO_PKG_VERSION"));
    let mut out = Outbound::new(received, &site, &pos).map_err(|e| e.to_string())?;
    if args.deterministic {
        out = out
            .with_ids(SequentialIds::new())
            .with_clock(FixedClock::new(datetime!(2025-06-02 10:15:30.250 -4)));
    }
    let built = match args.event {
        Event::NotifyAddProcessRequest => {
            out.add_process_request(&TaskUpdate::new(AcceptedTaskStatus::Received))
        }
        Event::NotifyUpdateProcessRequest => out.update_process_request(
            &TaskUpdate::accept().import_patient(Some("DEMO-MRN-0001".to_owned())),
        ),
        Event::NotifyAddAppointment => out.add_appointment(
            &Booking::scheduled(datetime!(2025-06-10 14:00 -4))
                .ending(datetime!(2025-06-10 14:30 -4))
                .with_instructions("Please arrive 15 minutes early and bring your health card."),
        ),
        Event::SendCommunicationFromProvider => out.send_communication(
            &OutgoingCommunication::text("Could you send the most recent imaging report?")
                .with_attachment(
                    OutgoingAttachment::data("text/plain", b"Questions for the referrer".to_vec())
                        .with_title("questions.txt"),
                ),
        ),
        Event::NotifyDataCorrection => {
            let mut patient = received.referral().patient().clone();
            if let Some(name) = patient.name.first_mut() {
                name.given = vec!["Corrected".to_owned()];
            }
            out.correct_data(&Correction::new().with_patient(patient))
        }
    };
    built.map_err(|e| e.to_string())
}

/// The checks Ocean runs on the built message: its message rules (the Bundle parsed back as a
/// receiver parses it), then the profile issues of every entry, echoed ones included.
fn check(built: &OutboundMessage, json: &str) -> Vec<(Severity, IssueOut)> {
    let mut issues = Vec::new();
    if let Err(e) = ocean_messages::parse(json.as_bytes()) {
        let rule = match &e {
            MessageError::Invalid(i) => i.rule.id(),
            _ => "not-a-message",
        };
        issues.push((
            Severity::Error,
            IssueOut {
                severity: SeverityOut::Error,
                rule: rule.to_owned(),
                path: e.path().unwrap_or("Bundle").to_owned(),
                message: e.to_string(),
            },
        ));
    }
    issues.extend(
        validate_bundle(built.bundle())
            .iter()
            .map(|i: &Issue| (i.severity, IssueOut::from(i))),
    );
    issues
}
