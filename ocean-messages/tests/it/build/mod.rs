//! Every outbound message, built from the real Ocean fixtures with deterministic ids and clock:
//! snapshots, profile check, re-parse, and every refusal. One module per event; what spans
//! events (chained builds, other fixtures and shapes, refusals, sites, defaults) is here.

use ocean_messages::build::{
    AppointmentUpdate, Booking, BuildError, Correction, FixedClock, Outbound, OutboundMessage,
    OutgoingAttachment, OutgoingCommunication, SequentialIds, TaskUpdate,
};
use ocean_messages::{Corrected, Event, EventCode, Message, OceanSite, parse};
use ocean_model::validate::validate_bundle;
use ocean_model::{OceanBase, RequestPriority, TaskStatus};
use ocean_status::{AcceptedTaskStatus, StatusError};
use serde_json::Value;
use time::macros::datetime;
use uuid::Uuid;

use crate::common::*;

mod appointment;
mod communication;
mod correction;
mod process_request;

/// Checks a built message: no profile errors anywhere, and it parses back (through this crate's
/// parser) to a supported message of the same event about the same referral and patient.
pub fn check(built: &OutboundMessage, from: &Message) -> Message {
    let errors: Vec<_> = validate_bundle(built.bundle())
        .into_iter()
        .filter(|i| i.is_error())
        .collect();
    assert!(errors.is_empty(), "profile errors: {errors:?}");
    let json = built.to_json().unwrap();
    let back = supported(json.as_bytes());
    assert_eq!(back.code(), built.event());
    assert_eq!(back.referral_id(), from.referral_id());
    assert_eq!(back.ocean_base(), from.ocean_base());
    assert_eq!(
        back.idempotency_key().as_str(),
        format!(
            "{}|{}|msh:{}",
            built.event(),
            from.referral_id(),
            built.message_id()
        )
    );
    let r = back.referral();
    assert_eq!(
        r.service_request().identifier,
        from.referral().service_request().identifier
    );
    assert_eq!(
        back.referral().forms().count(),
        from.referral().forms().count()
    );
    // The receiving role speaks: sender and author of the header, with its site number.
    let sender = back.sender().expect("sender resolves");
    assert_eq!(sender.site_number(), Some("1234"));
    assert_eq!(
        built.url(),
        "http://localhost:8081/svc/fhir/v1/$process-messages"
    );
    back
}

/// The id the appointment tests give the appointment they update.
const APPOINTMENT: Uuid = Uuid::from_u128(0xa99a_0000_0000_4000_8000_0000_0000_0001);

fn received() -> Message {
    supported(BACK_PAIN)
}

#[test]
fn chained_builds_reuse_ids_from_the_previous_message() {
    let (m, site, pos) = (received(), site(), pos());
    // Book, then read the booking back and cancel it without naming its id.
    let booked = outbound(&m, &site, &pos)
        .add_appointment(&Booking::scheduled(datetime!(2025-06-10 14:00 -4)))
        .unwrap();
    let booked_back = check(&booked, &m);
    let appointment_id = booked_back.focus().id().unwrap().to_owned();
    let mut next = Outbound::new(&booked_back, &site, &pos)
        .unwrap()
        .with_ids(SequentialIds::new())
        .with_clock(FixedClock::new(datetime!(2025-06-03 08:00 -4)));
    // The appointment is not echoed (the new message supersedes it), but its id is reused.
    let cancelled = next
        .update_appointment(&AppointmentUpdate::cancel(None))
        .unwrap();
    let back = check(&cancelled, &m);
    let Event::NotifyUpdateProcessRequest(t) = back.event() else {
        panic!("wrong event")
    };
    let a = t.appointment().unwrap();
    assert_eq!(
        a.appointment().id.as_ref().unwrap().as_str(),
        appointment_id
    );
    // The cancelled appointment keeps what was booked.
    assert_eq!(a.start().unwrap().as_str(), "2025-06-10T14:00:00.000-04:00");
    assert_eq!(back.referral().appointments().count(), 1);
    // An update reuses the process-request Task id of the message it starts from.
    let task_id = t.task().id.clone();
    let again = Outbound::new(&back, &site, &pos)
        .unwrap()
        .update_process_request(&TaskUpdate::complete())
        .unwrap();
    let again_back = check(&again, &m);
    assert_eq!(
        again_back.focus().id().map(str::to_owned),
        task_id.map(|i| i.into_string())
    );
}

#[test]
fn miscellaneous_fixture_with_external_service_id() {
    let m = supported(MISC);
    let site = site().with_external_service_id("acme-emr-ocean-7").unwrap();
    let pos = pos();
    let built = outbound(&m, &site, &pos)
        .update_process_request(&TaskUpdate::accept())
        .unwrap();
    let back = check(&built, &m);
    // Ocean's note without text was dropped from the echoed ServiceRequest; no profile error.
    assert!(back.referral().notes().next().is_none());
    let sender = back.header().sender.as_ref().unwrap();
    let id = sender.identifier.as_ref().unwrap();
    assert_eq!(id.value.as_deref(), Some("acme-emr-ocean-7"));
    assert_eq!(
        id.system.as_ref().unwrap().as_str(),
        "http://localhost:8081/svc/fhir/v1/NamingSystem/id-referral-target-external-service"
    );
    insta::assert_json_snapshot!("miscellaneous_accept", built.bundle());
}

#[test]
fn builds_from_the_v0_10_shape() {
    // References in the echo stay `Type/id`; new resources use urn:uuid.
    let mut v = json(BACK_PAIN);
    for e in v["entry"].as_array_mut().unwrap() {
        let url = e["fullUrl"]
            .as_str()
            .unwrap()
            .trim_start_matches("urn:uuid:")
            .to_owned();
        e["resource"]["id"] = Value::from(url);
        e.as_object_mut().unwrap().remove("fullUrl");
    }
    let text = serde_json::to_string(&v).unwrap();
    let mut text = text;
    for (i, e) in json(BACK_PAIN)["entry"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        if i == 0 {
            continue;
        }
        let url = e["fullUrl"].as_str().unwrap();
        let ty = e["resource"]["resourceType"].as_str().unwrap();
        text = text.replace(
            &format!("\"reference\":\"{url}\""),
            &format!(
                "\"reference\":\"{ty}/{}\"",
                url.trim_start_matches("urn:uuid:")
            ),
        );
    }
    let m = supported(text.as_bytes());
    let (site, pos) = (site(), pos());
    let built = outbound(&m, &site, &pos)
        .update_process_request(&TaskUpdate::accept())
        .unwrap();
    let back = check(&built, &m);
    let Event::NotifyUpdateProcessRequest(t) = back.event() else {
        panic!("wrong event")
    };
    assert!(
        t.task().based_on[0]
            .reference
            .as_deref()
            .unwrap()
            .starts_with("ServiceRequest/")
    );
}

#[test]
fn refusals() {
    let (m, site, pos) = (received(), site(), pos());
    let mut out = outbound(&m, &site, &pos);
    assert_eq!(
        TaskUpdate::from_status(&TaskStatus::Draft).unwrap_err(),
        BuildError::Status(StatusError::NotAccepted("draft"))
    );
    assert_eq!(
        TaskUpdate::from_status(&TaskStatus::from_code("booked")).unwrap_err(),
        BuildError::Status(StatusError::Unrecognized)
    );
    assert!(TaskUpdate::from_status(&TaskStatus::OnHold).is_ok());
    assert_eq!(
        out.add_process_request(&TaskUpdate::new(AcceptedTaskStatus::Cancelled))
            .unwrap_err(),
        BuildError::ReceiverCannotCancel
    );
    assert_eq!(
        out.update_process_request(&TaskUpdate::complete().import_patient(None))
            .unwrap_err(),
        BuildError::ImportNeedsAccept
    );
    assert_eq!(
        out.update_process_request(&TaskUpdate::decline("  "))
            .unwrap_err(),
        BuildError::Empty("the status reason")
    );
    assert_eq!(
        out.update_process_request(&TaskUpdate::accept().import_patient(Some(String::new())))
            .unwrap_err(),
        BuildError::Empty("the patient MRN")
    );
    assert_eq!(
        out.add_appointment(
            &Booking::scheduled(datetime!(2025-06-10 14:00 -4))
                .ending(datetime!(2025-06-10 13:00 -4))
        )
        .unwrap_err(),
        BuildError::EndBeforeStart
    );
    assert_eq!(
        out.add_appointment(&Booking::instructions_only("\n"))
            .unwrap_err(),
        BuildError::Empty("the booking instructions")
    );
    assert_eq!(
        out.update_appointment(&AppointmentUpdate::cancel(None))
            .unwrap_err(),
        BuildError::NoAppointment
    );
    assert_eq!(
        out.update_appointment(
            &AppointmentUpdate::cancel(None)
                .with_appointment_id(APPOINTMENT)
                .with_task(TaskUpdate::new(AcceptedTaskStatus::Cancelled))
        )
        .unwrap_err(),
        BuildError::ReceiverCannotCancel
    );
    assert_eq!(
        out.send_communication(&OutgoingCommunication::attachments_only())
            .unwrap_err(),
        BuildError::EmptyCommunication
    );
    assert_eq!(
        out.send_communication(&OutgoingCommunication::text(" "))
            .unwrap_err(),
        BuildError::Empty("the communication text")
    );
    assert_eq!(
        out.send_communication(
            &OutgoingCommunication::attachments_only()
                .with_attachment(OutgoingAttachment::data("pdf", vec![1]))
        )
        .unwrap_err(),
        BuildError::InvalidAttachment {
            index: 0,
            reason: "the MIME type must look like type/subtype"
        }
    );
    assert!(matches!(
        out.send_communication(
            &OutgoingCommunication::text("x")
                .with_attachment(OutgoingAttachment::url("image/png", "https://x/a.png"))
                .with_attachment(OutgoingAttachment::data("application/pdf", Vec::new()))
        ),
        Err(BuildError::InvalidAttachment { index: 1, .. })
    ));
    assert!(matches!(
        out.send_communication(
            &OutgoingCommunication::text("x")
                .with_attachment(OutgoingAttachment::url("image/png", "file:///etc/passwd"))
        ),
        Err(BuildError::InvalidAttachment { index: 0, .. })
    ));
    assert_eq!(
        out.correct_data(&Correction::new()).unwrap_err(),
        BuildError::EmptyCorrection
    );
    let mut sr = m.referral().service_request().clone();
    sr.identifier[0].value = Some("another-referral".into());
    assert_eq!(
        out.correct_data(&Correction::new().with_service_request(sr))
            .unwrap_err(),
        BuildError::ReferralIdChanged
    );
    let mut sr = m.referral().service_request().clone();
    sr.subject = Some(ocean_model::Reference::to("Patient/someone-else"));
    assert_eq!(
        out.correct_data(&Correction::new().with_service_request(sr))
            .unwrap_err(),
        BuildError::SubjectChanged
    );
    // A correction that breaks the profile (a Patient without gender) is refused, naming the
    // rule and path only.
    let mut patient = m.referral().patient().clone();
    patient.gender = None;
    patient.name[0].family = Some("SENTINELFAMILY".into());
    let err = out
        .correct_data(&Correction::new().with_patient(patient))
        .unwrap_err();
    let BuildError::Profile(issues) = &err else {
        panic!("expected a profile refusal, got {err}")
    };
    assert_eq!(issues[0].rule, "patient-gender");
    assert!(
        err.to_string()
            .contains("patient-gender at Bundle.entry[1].resource.gender")
    );
    assert!(!format!("{err} {err:?}").contains("SENTINEL"));
    // A clock FHIR cannot write.
    let mut out = Outbound::new(&m, &site, &pos)
        .unwrap()
        .with_clock(|| datetime!(-0001-01-01 0:00 UTC));
    assert_eq!(
        out.update_process_request(&TaskUpdate::accept())
            .unwrap_err(),
        BuildError::ClockOutOfRange
    );
}

#[test]
fn wrong_site_or_role_is_refused() {
    let m = received();
    let pos = pos();
    let production = OceanSite::new(OceanBase::Production, "1234").unwrap();
    assert_eq!(
        Outbound::new(&m, &production, &pos).unwrap_err(),
        BuildError::SiteMismatch("Ocean host")
    );
    let other = OceanSite::new(OceanBase::Custom("http://localhost:8081".into()), "77").unwrap();
    assert_eq!(
        Outbound::new(&m, &other, &pos).unwrap_err(),
        BuildError::SiteMismatch("site number")
    );
    let mut v = json(BACK_PAIN);
    set_event(&mut v, "notify-add-service-request");
    let copy = supported(&to_bytes(&v));
    let site = site();
    assert_eq!(
        Outbound::new(&copy, &site, &pos).unwrap_err(),
        BuildError::SendingPosCopy
    );
}

#[test]
fn default_ids_and_clock_are_fresh() {
    let (m, site, pos) = (received(), site(), pos());
    let mut out = Outbound::new(&m, &site, &pos).unwrap();
    let a = out.add_process_request(&TaskUpdate::accept()).unwrap();
    let b = out.add_process_request(&TaskUpdate::accept()).unwrap();
    assert_ne!(a.message_id(), b.message_id());
    assert_eq!(a.message_id().get_version_num(), 4);
    check(&a, &m);
    let debug = format!("{a:?}");
    assert!(!debug.contains("DKTest"));
    let parsed = parse(a.to_json_pretty().unwrap().as_bytes()).unwrap();
    assert_eq!(
        parsed.event_code(),
        EventCode::NotifyAddProcessRequest.code()
    );
}
