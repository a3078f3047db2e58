//! The scenarios: one or more per use case row of the seed's Sender, Receiver and General
//! tables, each a sequence of steps with the referral's expected Ocean folder after each.
//!
//! | id | table | priority | use case | what it checks |
//! |---|---|---|---|---|
//! | `S-LAUNCH-NEW` | Sender | Required | Contextual Launch into Ocean | SMART launch with a patient: discovery, authorize with `launch`, token, `Patient/$everything`, keywords |
//! | `S-LAUNCH-EXISTING` | Sender | Required | Contextual Launch into Ocean | the same, for an existing request (`fhirContext` names the POS referral) |
//! | `S-LAUNCH-DASHBOARD` | Sender | Required | Contextual Launch into Ocean | launch without a patient: token without `patient` |
//! | `S-NEW` | Sender | Required | Initiate New Service Request | the sender's copy `notify-add-service-request` is acknowledged |
//! | `S-UPDATE` | Sender | Required | Update Existing Service Request | not run: Ocean does not support it from a sending POS |
//! | `S-STATUS` | Sender | Required | Receive and Process Status Updates | `notify-update-service-request` with accepted, then completed, acknowledged; the POS does not send statuses for a referral it is not the receiver of |
//! | `S-CONFIRM` | Sender | Required | Confirm completion of the Service Request | not run: not supported from a sending POS |
//! | `S-ATTACH` | Sender | Strongly recommended | Send Supporting Information and attachments | `$everything` offers an attachment Ocean accepts (needs `--smart`) |
//! | `S-APPT-NEW` | Sender | Strongly recommended | Receive and Process Appointment Details (New) | update with a booked Appointment acknowledged: Booking Confirmed |
//! | `S-APPT-UPDATE` | Sender | Strongly recommended | Receive and Process Appointment Details (Updates) | rescheduled, then cancelled appointment acknowledged |
//! | `S-CANCEL` | Sender | Strongly recommended | Cancel the Service Request | not run: not supported from a sending POS |
//! | `S-CORRECTION` | Sender | Strongly recommended | Receive Data Corrections Notifications | not run: not supported for a sending POS |
//! | `S-COMM` | Sender | Desirable | Exchange Communications | update with the receiver's message acknowledged: Awaiting Response |
//! | `R-CHALLENGE` | Receiver | Required | Receive New Service Request | endpoint validation: `{"challenge": s}` answered 200 with the same `s` |
//! | `R-NEW` | Receiver | Required | Receive New Service Request | `add-service-request` acknowledged: New |
//! | `R-MALFORMED` | Receiver | Required | Receive New Service Request | a message breaking the IG (`sr-subject`) is refused with a 4xx, not acknowledged |
//! | `R-DUPLICATE` | Receiver | Required | Receive New Service Request | the same message three times (Ocean's retries): each 2xx, handled once (at most one process-request) |
//! | `R-STATUS-ACK` | Receiver | Required | Send Service Request Status | a Task status Ocean accepts arrives for a new referral |
//! | `R-STATUS-ACCEPT` | Receiver | Required | Send Service Request Status | accept: Pending Booking |
//! | `R-STATUS-DECLINE` | Receiver | Required | Send Service Request Status | decline: Declined |
//! | `R-STATUS-COMPLETE` | Receiver | Required | Send Service Request Status | accept, then complete: Completed |
//! | `R-CANCEL` | Receiver | Required | Receive Service Request Cancellation | `revoke-service-request` acknowledged: Cancelled |
//! | `R-ATTACH` | Receiver | Strongly recommended | Receive and attach supporting documentation | `notify-update-service-request` with a new attachment acknowledged, and the POS downloads `$binary` or `$letter` |
//! | `R-APPT-NEW` | Receiver | Strongly recommended | Send Appointment Details (New) | accept, book: Booking Confirmed or Unconfirmed |
//! | `R-APPT-UPDATE` | Receiver | Strongly recommended | Send Appointment Details (Updates) | accept, book, reschedule, cancel the appointment: back to Pending Booking |
//! | `R-CORRECTION` | Receiver | Strongly recommended | Send Data Correction Notification | `notify-data-correction` accepted |
//! | `R-COMM-OUT` | Receiver | Desirable | Exchange Communications | a message to the referrer: Awaiting Reply |
//! | `R-COMM-IN` | Receiver | Desirable | Exchange Communications | `send-communication-from-requester` acknowledged |
//! | `G-MATCH` | General | Strongly recommended | Auto-Match Patient to Received eRequest | not run: the match happens inside the POS |
//! | `G-MULTISITE` | General | Desirable | Support Multiple Ocean Sites | referrals for two sites acknowledged, and each status names its own site |
//!
//! Steps where the POS must act (accept, book, ...) post a [`Prompt`](crate::state::Prompt)
//! (printed, and served at `GET /sim/prompts`) and wait up to the configured time for the POS's
//! message to reach the simulated Ocean API. The Contextual Launch row is in both the Sender
//! and the Receiver tables; it is reported once, under Sender.
mod catalog;
mod ctx;
mod launch;
mod receiver;
mod sender;

pub use catalog::{CATALOG, ScenarioDef, Selection};
pub use ctx::{Ctx, Failed, Run, now_instant as ctx_now};

use crate::report::{Outcome, Report, ScenarioResult};

/// Runs the selected scenarios (the challenge first, then in catalog order) and returns the
/// report (summarised), in catalog order.
pub async fn run(ctx: &Ctx, selection: &Selection, started_at: String) -> Report {
    // Ocean validates the endpoint (the challenge) before it sends anything: R-CHALLENGE runs
    // first; the report keeps the seed's table order.
    let order = CATALOG
        .iter()
        .filter(|d| d.id == "R-CHALLENGE")
        .chain(CATALOG.iter().filter(|d| d.id != "R-CHALLENGE"));
    let mut scenarios = Vec::new();
    for def in order {
        let result = if let Some(reason) = def.not_supported {
            not_run(def, reason)
        } else if !selection.matches(def) {
            not_run(def, "not selected (--scenarios)")
        } else {
            eprintln!("[ocean-sim] running {}: {}", def.id, def.title);
            let mut run = Run::new(def.id);
            let outcome = match dispatch(ctx, def.id, &mut run).await {
                Ok(Outcome::Pass) => Outcome::Pass,
                Ok(other) => other,
                Err(Failed) => Outcome::Fail,
            };
            ctx.shared.clear_prompt(def.id);
            run.into_result(def, outcome)
        };
        eprintln!("[ocean-sim] {} {}", result.id, result.outcome.as_str());
        scenarios.push(result);
    }
    scenarios.sort_by_key(|r| CATALOG.iter().position(|d| d.id == r.id));
    let mut report = Report {
        tool: format!("ocean-sim {}", env!("CARGO_PKG_VERSION")),
        started_at,
        pos: ctx.deliverer.pos().webhook.clone(),
        real_ms_per_simulated_hour: u64::try_from(ctx.scale.real_per_hour().as_millis())
            .unwrap_or(u64::MAX),
        synthetic_patients: crate::patients::PATIENTS
            .iter()
            .map(|p| p.display())
            .collect(),
        summary: Default::default(),
        scenarios,
    };
    report.summarise();
    report
}

fn not_run(def: &ScenarioDef, reason: &str) -> ScenarioResult {
    ScenarioResult {
        id: def.id.to_owned(),
        use_case: def.use_case.to_owned(),
        role: def.role,
        priority: def.priority,
        title: def.title.to_owned(),
        outcome: Outcome::NotRun,
        step: Some("-".to_owned()),
        expected: None,
        actual: Some(reason.to_owned()),
        steps: Vec::new(),
        prefill: None,
    }
}

async fn dispatch(ctx: &Ctx, id: &str, run: &mut Run) -> Result<Outcome, Failed> {
    match id {
        "S-LAUNCH-NEW" | "S-LAUNCH-EXISTING" | "S-LAUNCH-DASHBOARD" | "S-ATTACH" => {
            launch::scenario(ctx, id, run).await
        }
        "S-NEW" => sender::new_copy(ctx, run).await,
        "S-STATUS" => sender::status(ctx, run).await,
        "S-APPT-NEW" => sender::appointment_new(ctx, run).await,
        "S-APPT-UPDATE" => sender::appointment_update(ctx, run).await,
        "S-COMM" => sender::communication(ctx, run).await,
        "R-CHALLENGE" => receiver::challenge(ctx, run).await,
        "R-NEW" => receiver::new_referral(ctx, run).await,
        "R-MALFORMED" => receiver::malformed(ctx, run).await,
        "R-DUPLICATE" => receiver::duplicate(ctx, run).await,
        "R-STATUS-ACK" => receiver::status_ack(ctx, run).await,
        "R-STATUS-ACCEPT" => receiver::status_accept(ctx, run).await,
        "R-STATUS-DECLINE" => receiver::status_decline(ctx, run).await,
        "R-STATUS-COMPLETE" => receiver::status_complete(ctx, run).await,
        "R-CANCEL" => receiver::cancel(ctx, run).await,
        "R-ATTACH" => receiver::attach(ctx, run).await,
        "R-APPT-NEW" => receiver::appointment_new(ctx, run).await,
        "R-APPT-UPDATE" => receiver::appointment_update(ctx, run).await,
        "R-CORRECTION" => receiver::correction(ctx, run).await,
        "R-COMM-OUT" => receiver::communication_out(ctx, run).await,
        "R-COMM-IN" => receiver::communication_in(ctx, run).await,
        "G-MULTISITE" => receiver::multisite(ctx, run).await,
        _ => Ok(Outcome::NotRun),
    }
}
