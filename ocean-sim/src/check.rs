//! How the simulated Ocean judges a message from the POS, and applies it to the referral.
//!
//! | check, in order | answer | source |
//! |---|---|---|
//! | not a FHIR message, or a modelled event breaking an IG rule ([`ocean_messages::parse`]) | **400** | Ocean validates against the IG |
//! | an event Ocean does not process from a POS (unmodelled, or one Ocean itself sends) | **400** `not-supported` | seed: "Supported Event Codes" (incoming) |
//! | an error-severity profile issue in the MessageHeader or a focus resource ([`ocean_model::validate`]) | **400** | Ocean validates the eReferral profiles |
//! | a referral this Ocean never sent | **404** | our choice |
//! | a referral the POS is not the current receiver of (it holds the sender's copy) | **403** | Ocean support: since 5 June 2025 Ocean refuses a status update from a POS that is not the referral's current receiver |
//! | client credentials of another site than the referral's receiving site | **403** | Ocean's client ids are site-specific |
//! | a sender (MessageHeader.sender) whose site number is not the referral's receiving site | **403** | multi-site POSs must answer for the right site |
//! | a referral the referrer cancelled: anything but a `cancelled` Task (the acknowledgement) or a `received`/`requested` one (it changes nothing, and may have left before the POS saw the cancellation) | **409** | seed: only the referrer cancels; our choice of code and of the tolerance |
//! | a Task status Ocean refuses (`draft`, `entered-in-error`, unknown) | **422** | seed status table; [`ocean_status::AcceptedTaskStatus`] |
//! | an Appointment whose status books it but without a valid `start` | **422** | seed: Ocean moves a referral on "an Appointment resource and a valid date" |
//! | otherwise | **200**, applied with [`ocean_status::ReferralState`] | |
//!
//! Ocean's real status codes for these refusals are not public: every refusal is a `4xx` with
//! an OperationOutcome naming the rule, which is what a POS must handle (not retry blindly,
//! show the reason). No reason contains patient data: rule ids, paths and codes only.
use ocean_messages::{Direction, Event, MessageError, Received};
use ocean_model::validate::Severity;
use ocean_model::{AppointmentStatus, Resource};
use ocean_status::ReferralEvent;
use ocean_status::{AcceptedTaskStatus, AppointmentEvent, ReferralState, Stage};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::state::{Inbound, PosRole, SimState};

/// The answer to one POS message.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// The HTTP status.
    pub status: u16,
    /// The OperationOutcome body.
    pub outcome: Value,
    /// What is recorded for the scenarios.
    pub record: Inbound,
}

fn outcome(severity: &str, code: &str, text: &str) -> Value {
    json!({
        "resourceType": "OperationOutcome",
        "issue": [{"severity": severity, "code": code, "diagnostics": text}],
    })
}

struct Refusal {
    status: u16,
    code: &'static str,
    reason: String,
}

fn refuse(status: u16, code: &'static str, reason: impl Into<String>) -> Refusal {
    Refusal {
        status,
        code,
        reason: reason.into(),
    }
}

/// What one message does to a referral.
struct Effects {
    events: Vec<ReferralEvent>,
}

/// Judges `body` and applies it to `state` (see the module docs), for a client of every site.
pub fn judge(body: &[u8], state: &mut SimState) -> Verdict {
    judge_for(body, state, &[])
}

/// [`judge`] for a client whose credentials act for `sites` only (empty: every site).
pub fn judge_for(body: &[u8], state: &mut SimState, sites: &[String]) -> Verdict {
    let seq = u64::try_from(state.inbound.len())
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut record = Inbound {
        seq,
        event: "-".into(),
        referral: None,
        task_status: None,
        appointment_status: None,
        status: 200,
        reason: None,
        folders: None,
    };
    let result = judge_inner(body, state, &mut record, sites);
    let verdict = match result {
        Ok(()) => {
            let text = format!("{} message accepted", record.event);
            Verdict {
                status: 200,
                outcome: outcome("information", "informational", &text),
                record,
            }
        }
        Err(r) => {
            record.status = r.status;
            record.reason = Some(r.reason.clone());
            Verdict {
                status: r.status,
                outcome: outcome("error", r.code, &r.reason),
                record,
            }
        }
    };
    tracing::info!(
        seq = verdict.record.seq,
        event = %verdict.record.event,
        status = verdict.status,
        "POS message judged"
    );
    state.inbound.push(verdict.record.clone());
    verdict
}

fn judge_inner(
    body: &[u8],
    state: &mut SimState,
    record: &mut Inbound,
    sites: &[String],
) -> Result<(), Refusal> {
    let received = ocean_messages::parse(body).map_err(|e| {
        let code = match e {
            MessageError::NotAMessage(_) => "structure",
            _ => "invariant",
        };
        refuse(400, code, e.to_string())
    })?;
    record.event = received.event_code().to_owned();
    record.referral = received
        .referral_id()
        .and_then(|r| Uuid::parse_str(r.as_str()).ok());
    let message = match received {
        Received::Supported(m) => m,
        Received::Unsupported(_) => {
            return Err(refuse(
                400,
                "not-supported",
                "Ocean does not process this message event",
            ));
        }
    };
    if message.code().direction() != Direction::ToOcean {
        return Err(refuse(
            400,
            "not-supported",
            format!(
                "{} is an event Ocean sends, not one it processes",
                message.code()
            ),
        ));
    }
    let mut checked: Vec<(&str, &Resource)> = vec![("focus", message.focus())];
    checked.extend(message.other_focus().map(|r| ("focus", r)));
    for (what, resource) in checked {
        if let Some(issue) = ocean_model::validate::validate(resource)
            .into_iter()
            .find(|i| i.severity == Severity::Error)
        {
            return Err(refuse(
                400,
                "invariant",
                format!("{what} {}: {} ({})", issue.path, issue.message, issue.rule),
            ));
        }
    }
    let effects = effects(&message.event(), record)?;
    let referral_id = record.referral.ok_or_else(|| {
        refuse(
            404,
            "not-found",
            "the message names no referral of this Ocean",
        )
    })?;
    let referral = state.referrals.get_mut(&referral_id).ok_or_else(|| {
        refuse(
            404,
            "not-found",
            "no referral with this id was sent by this Ocean",
        )
    })?;
    if referral.role != PosRole::Receiver {
        return Err(refuse(
            403,
            "forbidden",
            "the POS is not the referral's current receiver: Ocean refuses its updates",
        ));
    }
    if !sites.is_empty() && !sites.contains(&referral.spec.receiver_site) {
        return Err(refuse(
            403,
            "forbidden",
            "the client credentials belong to another Ocean site than the referral's receiver",
        ));
    }
    let sender_site = message.sender().and_then(|p| p.site_number());
    if sender_site.is_some_and(|site| site != referral.spec.receiver_site) {
        return Err(refuse(
            403,
            "forbidden",
            "MessageHeader.sender names another Ocean site than the referral's receiver",
        ));
    }
    if referral.stage() == Stage::Cancelled {
        let ack = matches!(
            effects.events.as_slice(),
            [ReferralEvent::TaskStatus(
                AcceptedTaskStatus::Cancelled
                    | AcceptedTaskStatus::Received
                    | AcceptedTaskStatus::Requested
            )]
        );
        if !ack {
            return Err(refuse(
                409,
                "conflict",
                "the referrer cancelled the referral: only a `cancelled` Task acknowledges it",
            ));
        }
    }
    let mut next: ReferralState = referral.state;
    for e in effects.events {
        next.apply(e);
    }
    referral.state = next;
    record.folders = Some(next.folders());
    Ok(())
}

fn task_event(
    status: Option<&ocean_model::TaskStatus>,
    record: &mut Inbound,
) -> Result<ReferralEvent, Refusal> {
    let status = status.ok_or_else(|| refuse(422, "required", "Task.status is missing"))?;
    record.task_status = Some(status.as_str().to_owned());
    let accepted = AcceptedTaskStatus::try_from(status)
        .map_err(|e| refuse(422, "code-invalid", format!("Task.status: {e}")))?;
    Ok(ReferralEvent::TaskStatus(accepted))
}

fn appointment_event(
    a: &ocean_model::Appointment,
    record: &mut Inbound,
) -> Result<Option<ReferralEvent>, Refusal> {
    record.appointment_status = a.status.as_ref().map(|s| s.as_str().to_owned());
    let books = matches!(
        a.status,
        Some(
            AppointmentStatus::Booked
                | AppointmentStatus::Arrived
                | AppointmentStatus::CheckedIn
                | AppointmentStatus::Fulfilled
                | AppointmentStatus::Pending
                | AppointmentStatus::Waitlist
        )
    );
    let dated = a.start.as_ref().is_some_and(|s| s.instant().is_some());
    let proposed_with_start = a.status == Some(AppointmentStatus::Proposed) && a.start.is_some();
    if (books || proposed_with_start) && !dated {
        return Err(refuse(
            422,
            "required",
            "Appointment.start: a booking needs a valid date and time",
        ));
    }
    Ok(AppointmentEvent::from_appointment(a).map(ReferralEvent::Appointment))
}

fn effects(event: &Event<'_>, record: &mut Inbound) -> Result<Effects, Refusal> {
    let mut events = Vec::new();
    match event {
        Event::NotifyAddProcessRequest(t) | Event::NotifyUpdateProcessRequest(t) => {
            events.push(task_event(t.status(), record)?);
            if let Some(a) = t.appointment() {
                events.extend(appointment_event(a.appointment(), record)?);
            }
        }
        Event::NotifyAddAppointment(a) => {
            events.extend(appointment_event(a.appointment(), record)?);
        }
        Event::SendCommunicationFromProvider(_) => events.push(ReferralEvent::MessageFromReceiver),
        Event::NotifyDataCorrection(_) => {}
        _ => {
            return Err(refuse(
                400,
                "not-supported",
                "Ocean does not process this message event",
            ));
        }
    }
    Ok(Effects { events })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patients::patient;
    use crate::template::{ReferralSpec, Templates};
    use ocean_messages::OceanSite;
    use ocean_messages::build::{Booking, Outbound, PosSystem, TaskUpdate};
    use ocean_model::OceanBase;
    use proptest::prelude::*;

    const BASE: &str = "http://127.0.0.1:9";

    fn setup(role: PosRole) -> (SimState, Vec<u8>) {
        let spec = ReferralSpec {
            referral_id: Uuid::new_v4(),
            receiver_site: "1234".into(),
            sender_site: "9999".into(),
            patient: patient(0),
            attachment: None,
        };
        let mut state = SimState::default();
        state.referrals.insert(
            spec.referral_id,
            crate::state::SimReferral {
                spec: spec.clone(),
                role,
                state: ReferralState::new(),
            },
        );
        let t = Templates::new(BASE, "http://127.0.0.1:10/hook");
        let body = t
            .message(
                "add-service-request",
                &spec,
                &[],
                "2026-01-01T00:00:00Z",
                None,
            )
            .body();
        (state, body)
    }

    fn reply(
        received: &[u8],
        f: impl FnOnce(&mut Outbound<'_>) -> ocean_messages::build::OutboundMessage,
    ) -> Value {
        let m = ocean_messages::parse(received)
            .unwrap()
            .into_message()
            .unwrap();
        let site = OceanSite::new(OceanBase::Custom(BASE.into()), "1234").unwrap();
        let pos = PosSystem::new("Test EMR", "http://127.0.0.1/emr").unwrap();
        let mut out = Outbound::new(&m, &site, &pos).unwrap();
        serde_json::from_str(&f(&mut out).to_json().unwrap()).unwrap()
    }

    fn set_task_status(v: &mut Value, status: &str) {
        for e in v["entry"].as_array_mut().unwrap() {
            if e["resource"]["resourceType"] == "Task" {
                e["resource"]["status"] = status.into();
            }
        }
    }

    #[test]
    fn an_accept_moves_the_referral_to_pending_booking() {
        let (mut state, add) = setup(PosRole::Receiver);
        let v = reply(&add, |o| {
            o.update_process_request(&TaskUpdate::accept()).unwrap()
        });
        let verdict = judge(v.to_string().as_bytes(), &mut state);
        assert_eq!(verdict.status, 200, "{:?}", verdict.outcome);
        assert_eq!(
            verdict.record.folders.unwrap().received.name(),
            "Pending Booking"
        );
        assert_eq!(state.inbound.len(), 1);
    }

    #[test]
    fn refusals_name_the_rule() {
        let (mut state, add) = setup(PosRole::Receiver);
        let mut v = reply(&add, |o| {
            o.update_process_request(&TaskUpdate::accept()).unwrap()
        });
        set_task_status(&mut v, "draft");
        let verdict = judge(v.to_string().as_bytes(), &mut state);
        assert_eq!(verdict.status, 422);
        assert!(
            verdict
                .record
                .reason
                .unwrap()
                .contains("`draft` is not accepted")
        );

        let mut booked = reply(&add, |o| {
            o.add_appointment(&Booking::scheduled(
                time::macros::datetime!(2026-02-01 09:00 UTC),
            ))
            .unwrap()
        });
        for e in booked["entry"].as_array_mut().unwrap() {
            if e["resource"]["resourceType"] == "Appointment" {
                e["resource"].as_object_mut().unwrap().remove("start");
                e["resource"].as_object_mut().unwrap().remove("end");
            }
        }
        assert_eq!(judge(booked.to_string().as_bytes(), &mut state).status, 422);
        assert_eq!(judge(b"not json", &mut state).status, 400);
        assert_eq!(
            judge(&add, &mut state).status,
            400,
            "an event Ocean sends is not one it processes"
        );

        let (mut other, add) = setup(PosRole::Sender);
        let v = reply(&add, |o| {
            o.update_process_request(&TaskUpdate::accept()).unwrap()
        });
        let verdict = judge(v.to_string().as_bytes(), &mut other);
        assert_eq!(verdict.status, 403);
        let (mut mine, add) = setup(PosRole::Receiver);
        let v2 = reply(&add, |o| {
            o.update_process_request(&TaskUpdate::accept()).unwrap()
        });
        let elsewhere = judge_for(v2.to_string().as_bytes(), &mut mine, &["5678".to_owned()]);
        assert_eq!(elsewhere.status, 403);
        assert!(
            elsewhere
                .record
                .reason
                .unwrap()
                .contains("another Ocean site")
        );
        let here = judge_for(v2.to_string().as_bytes(), &mut mine, &["1234".to_owned()]);
        assert_eq!(here.status, 200);
        other.referrals.clear();
        assert_eq!(judge(v.to_string().as_bytes(), &mut other).status, 404);
    }

    #[test]
    fn a_cancelled_referral_takes_only_the_acknowledgement() {
        let (mut state, add) = setup(PosRole::Receiver);
        for r in state.referrals.values_mut() {
            r.state.apply(ReferralEvent::Revoked);
        }
        let v = reply(&add, |o| {
            o.update_process_request(&TaskUpdate::accept()).unwrap()
        });
        assert_eq!(judge(v.to_string().as_bytes(), &mut state).status, 409);
    }

    proptest! {
        #[test]
        fn any_bytes_get_an_answer_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut state = SimState::default();
            let v = judge(&bytes, &mut state);
            prop_assert!((400..500).contains(&v.status));
            prop_assert_eq!(state.inbound.len(), 1);
        }
    }
}
