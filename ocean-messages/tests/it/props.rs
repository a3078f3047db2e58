//! Property tests over builder inputs: every message built passes the profile check and parses
//! back (through this crate's parser) to an equivalent event; blank input is refused, never
//! sent.

use ocean_messages::build::{
    AppointmentUpdate, Booking, BuildError, Correction, OutgoingAttachment, OutgoingCommunication,
    TaskUpdate,
};
use ocean_messages::{Event, Message};
use ocean_model::Instant;
use ocean_status::AcceptedTaskStatus;
use proptest::prelude::*;
use time::{OffsetDateTime, UtcOffset};
use uuid::Uuid;

use crate::build::check;
use crate::common::*;

fn fixture() -> Message {
    supported(BACK_PAIN)
}

/// A text with something in it (any Unicode, including markup and quotes).
fn text() -> impl Strategy<Value = String> {
    "[ a-zA-Z0-9éàüçÉ<>&\"'/\\\\.,;:!?()\\-\n\t漢字😀]{0,60}[a-zA-Z0-9é漢]"
}

fn status() -> impl Strategy<Value = AcceptedTaskStatus> {
    prop::sample::select(
        AcceptedTaskStatus::ALL
            .into_iter()
            .filter(|s| *s != AcceptedTaskStatus::Cancelled)
            .collect::<Vec<_>>(),
    )
}

fn time() -> impl Strategy<Value = OffsetDateTime> {
    // 2000-01-01 .. 2100-01-01, milliseconds, offsets from -12:00 to +14:00 in quarter hours.
    (946_684_800_000i64..4_102_444_800_000, -48i32..=56).prop_map(|(ms, q)| {
        let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap();
        t.to_offset(UtcOffset::from_whole_seconds(q * 15 * 60).unwrap())
    })
}

fn same_instant(text: &Instant, t: OffsetDateTime) -> bool {
    text.instant() == Some(t)
}

fn task_update() -> impl Strategy<Value = TaskUpdate> {
    (
        status(),
        proptest::option::of(text()),
        any::<bool>(),
        proptest::option::of("[A-Z0-9-]{1,12}"),
    )
        .prop_map(|(status, reason, import, mrn)| {
            let mut u = TaskUpdate::new(status);
            if let Some(r) = reason {
                u = u.with_reason(r);
            }
            if import && status == AcceptedTaskStatus::Accepted {
                u = u.import_patient(mrn);
            }
            u
        })
}

fn booking() -> impl Strategy<Value = (Booking, Option<(OffsetDateTime, Option<OffsetDateTime>)>)> {
    prop_oneof![
        (
            time(),
            proptest::option::of(0i64..600),
            any::<bool>(),
            proptest::option::of(text())
        )
            .prop_map(|(start, minutes, confirmed, instructions)| {
                let end = minutes.map(|m| start + time::Duration::minutes(m));
                let mut b = Booking::scheduled(start);
                if let Some(e) = end {
                    b = b.ending(e);
                }
                if !confirmed {
                    b = b.unconfirmed();
                }
                if let Some(i) = instructions {
                    b = b.with_instructions(i);
                }
                (b, Some((start, end)))
            }),
        text().prop_map(|t| (Booking::instructions_only(t), None)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn task_updates_round_trip(update in task_update(), add in any::<bool>()) {
        let (m, site, pos) = (fixture(), site(), pos());
        let mut out = outbound(&m, &site, &pos);
        let built = if add { out.add_process_request(&update) } else { out.update_process_request(&update) }
            .unwrap();
        let back = check(&built, &m);
        let t = match back.event() {
            Event::NotifyAddProcessRequest(t) | Event::NotifyUpdateProcessRequest(t) => t,
            other => panic!("wrong event {:?}", other.code()),
        };
        prop_assert_eq!(t.accepted_status(), Some(update.status()));
        prop_assert_eq!(t.imports_patient(), update.imports_patient());
        prop_assert_eq!(t.reason(), update.reason());
        if let Some(mrn) = update.patient_mrn() {
            prop_assert!(back.referral().patient().identifier.iter().any(|i| i.value.as_deref() == Some(mrn)));
        }
    }

    #[test]
    fn bookings_round_trip((booking, when) in booking()) {
        let (m, site, pos) = (fixture(), site(), pos());
        let built = outbound(&m, &site, &pos).add_appointment(&booking).unwrap();
        let back = check(&built, &m);
        let Event::NotifyAddAppointment(a) = back.event() else { panic!("wrong event") };
        match when {
            Some((start, end)) => {
                prop_assert!(same_instant(a.start().unwrap(), start));
                prop_assert_eq!(a.end().is_some(), end.is_some());
                if let Some(end) = end {
                    prop_assert!(same_instant(a.end().unwrap(), end));
                }
                prop_assert!(!a.is_instructions_only());
            }
            None => prop_assert!(a.is_instructions_only()),
        }
    }

    #[test]
    fn appointment_updates_round_trip(
        (booking, when) in booking(),
        cancel in proptest::option::of(proptest::option::of(text())),
        id in any::<u128>(),
    ) {
        let (m, site, pos) = (fixture(), site(), pos());
        let id = Uuid::from_u128(id);
        let update = match &cancel {
            Some(reason) => AppointmentUpdate::cancel(reason.clone()),
            None => AppointmentUpdate::reschedule(booking),
        }
        .with_appointment_id(id);
        let built = outbound(&m, &site, &pos).update_appointment(&update).unwrap();
        let back = check(&built, &m);
        let Event::NotifyUpdateProcessRequest(t) = back.event() else { panic!("wrong event") };
        let a = t.appointment().unwrap();
        let id_text = id.to_string();
        prop_assert_eq!(a.appointment().id.as_ref().map(|i| i.as_str()), Some(id_text.as_str()));
        match cancel {
            Some(reason) => {
                prop_assert_eq!(a.status().unwrap().as_str(), "cancelled");
                prop_assert_eq!(a.cancellation_reason(), reason.as_deref());
            }
            None => {
                if let Some((start, _)) = when {
                    prop_assert!(same_instant(a.start().unwrap(), start));
                }
            }
        }
    }

    #[test]
    fn communications_round_trip(
        message in proptest::option::of(text()),
        files in proptest::collection::vec(
            (prop::collection::vec(any::<u8>(), 1..64), proptest::option::of(text()), any::<bool>()),
            0..3,
        ),
    ) {
        prop_assume!(message.is_some() || !files.is_empty());
        let (m, site, pos) = (fixture(), site(), pos());
        let mut c = match &message {
            Some(t) => OutgoingCommunication::text(t.clone()),
            None => OutgoingCommunication::attachments_only(),
        };
        for (i, (bytes, title, as_url)) in files.iter().enumerate() {
            let mut a = if *as_url {
                OutgoingAttachment::url("application/pdf", format!("https://emr.example.org/f/{i}"))
            } else {
                OutgoingAttachment::data("application/octet-stream", bytes.clone())
            };
            if let Some(t) = title {
                a = a.with_title(t.clone());
            }
            c = c.with_attachment(a);
        }
        let built = outbound(&m, &site, &pos).send_communication(&c).unwrap();
        let back = check(&built, &m);
        let Event::SendCommunicationFromProvider(view) = back.event() else { panic!("wrong event") };
        let texts: Vec<String> = view.texts().map(str::to_owned).collect();
        prop_assert_eq!(texts, message.into_iter().collect::<Vec<_>>());
        let attachments = view.attachments();
        prop_assert_eq!(attachments.len(), files.len());
        for (a, (bytes, title, as_url)) in attachments.iter().zip(&files) {
            prop_assert_eq!(a.title(), title.as_deref());
            if !as_url {
                prop_assert_eq!(a.size(), Some(bytes.len() as i64));
                let data = a.attachment().data.as_ref().unwrap();
                prop_assert_eq!(data.decoded_len(), Some(bytes.len()));
            }
        }
    }

    #[test]
    fn corrections_round_trip(family in text(), given in text(), urgent in any::<bool>(), both in any::<bool>()) {
        let (m, site, pos) = (fixture(), site(), pos());
        let mut patient = m.referral().patient().clone();
        patient.name[0].family = Some(family.clone());
        patient.name[0].given = vec![given.clone()];
        let mut correction = Correction::new().with_patient(patient);
        if both {
            let mut sr = m.referral().service_request().clone();
            sr.priority = Some(if urgent {
                ocean_model::RequestPriority::Urgent
            } else {
                ocean_model::RequestPriority::Routine
            });
            correction = correction.with_service_request(sr);
        }
        let built = outbound(&m, &site, &pos).correct_data(&correction).unwrap();
        let back = check(&built, &m);
        let Event::NotifyDataCorrection(d) = back.event() else { panic!("wrong event") };
        prop_assert_eq!(d.patient().name[0].family.as_deref(), Some(family.as_str()));
        prop_assert_eq!(&d.patient().name[0].given, &vec![given]);
    }

    /// Any text, blank or not: a blank one is refused with `Empty`, anything else builds.
    #[test]
    fn blank_texts_are_refused(reason in "\\PC{0,8}|[ \t\n]{0,4}") {
        let (m, site, pos) = (fixture(), site(), pos());
        let result = outbound(&m, &site, &pos).update_process_request(&TaskUpdate::decline(reason.clone()));
        if reason.trim().is_empty() {
            prop_assert_eq!(result.unwrap_err(), BuildError::Empty("the status reason"));
        } else {
            check(&result.unwrap(), &m);
        }
    }
}
