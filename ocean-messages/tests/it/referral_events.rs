//! The referral events a message log causes: every built message causes the same events as the
//! message parsed back, and folding the events of a message sequence equals applying them one
//! by one.

use ocean_messages::Message;
use ocean_messages::build::{
    AppointmentUpdate, Booking, Correction, OutboundMessage, OutgoingCommunication, TaskUpdate,
};
use ocean_status::{AcceptedTaskStatus, AppointmentEvent, ReferralEvent, ReferralState, Stage};
use proptest::prelude::*;
use time::macros::datetime;
use uuid::Uuid;

use crate::common::*;

/// One entry of a referral's message log.
#[derive(Debug, Clone)]
enum Step {
    /// Built by the receiving POS.
    AddProcessRequest(AcceptedTaskStatus),
    UpdateProcessRequest(AcceptedTaskStatus),
    Book {
        confirmed: bool,
    },
    Instructions,
    Reschedule,
    CancelAppointment,
    Message,
    Correct,
    /// Received from Ocean.
    NewReferral,
    Update,
    Revoke,
    MessageFromSender,
}

fn status() -> impl Strategy<Value = AcceptedTaskStatus> {
    prop::sample::select(
        AcceptedTaskStatus::ALL
            .into_iter()
            .filter(|s| *s != AcceptedTaskStatus::Cancelled)
            .collect::<Vec<_>>(),
    )
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        status().prop_map(Step::AddProcessRequest),
        status().prop_map(Step::UpdateProcessRequest),
        any::<bool>().prop_map(|confirmed| Step::Book { confirmed }),
        Just(Step::Instructions),
        Just(Step::Reschedule),
        Just(Step::CancelAppointment),
        Just(Step::Message),
        Just(Step::Correct),
        Just(Step::NewReferral),
        Just(Step::Update),
        Just(Step::Revoke),
        Just(Step::MessageFromSender),
    ]
}

const APPOINTMENT: Uuid = Uuid::from_u128(0x0aaa_0000_0000_4000_8000_0000_0000_0001);

fn built(step: &Step) -> Option<OutboundMessage> {
    let (m, site, pos) = (supported(BACK_PAIN), site(), pos());
    let mut out = outbound(&m, &site, &pos);
    let start = datetime!(2026-12-01 09:00 -8);
    let built = match step {
        Step::AddProcessRequest(s) => out.add_process_request(&TaskUpdate::new(*s)),
        Step::UpdateProcessRequest(s) => out.update_process_request(&TaskUpdate::new(*s)),
        Step::Book { confirmed } => {
            let b = Booking::scheduled(start);
            out.add_appointment(&if *confirmed { b } else { b.unconfirmed() })
        }
        Step::Instructions => out.add_appointment(&Booking::instructions_only("Call us")),
        Step::Reschedule => out.update_appointment(
            &AppointmentUpdate::reschedule(Booking::scheduled(start))
                .with_appointment_id(APPOINTMENT),
        ),
        Step::CancelAppointment => out.update_appointment(
            &AppointmentUpdate::cancel(Some("Clinic closed".into()))
                .with_appointment_id(APPOINTMENT),
        ),
        Step::Message => out.send_communication(&OutgoingCommunication::text("Please call")),
        Step::Correct => {
            out.correct_data(&Correction::new().with_patient(m.referral().patient().clone()))
        }
        _ => return None,
    };
    Some(built.unwrap())
}

/// A message Ocean sends, made from the fixtures.
fn received(step: &Step) -> Message {
    match step {
        Step::NewReferral => supported(BACK_PAIN),
        Step::Update | Step::Revoke => {
            let mut v = json(BACK_PAIN);
            let code = if matches!(step, Step::Update) {
                "notify-update-service-request"
            } else {
                "revoke-service-request"
            };
            set_event(&mut v, code);
            supported(&to_bytes(&v))
        }
        _ => {
            // A communication from the referrer: a built one, with the requester's event code.
            let message = built(&Step::Message).unwrap();
            let mut v: serde_json::Value =
                serde_json::from_str(&message.to_json().unwrap()).unwrap();
            set_event(&mut v, "send-communication-from-requester");
            supported(&to_bytes(&v))
        }
    }
}

/// The referral events of one log entry; for a built message, checks they are those of the
/// message parsed back.
fn events(step: &Step) -> Vec<ReferralEvent> {
    match built(step) {
        Some(message) => {
            let events = message.referral_events();
            let back = supported(message.to_json().unwrap().as_bytes());
            assert_eq!(back.event().referral_events(), events, "{step:?}");
            events
        }
        None => received(step).event().referral_events(),
    }
}

#[test]
fn each_event_causes_what_the_table_says() {
    use ReferralEvent::*;
    let accepted = TaskStatus(AcceptedTaskStatus::Accepted);
    let cases: [(Step, Vec<ReferralEvent>); 13] = [
        (Step::NewReferral, vec![]),
        (Step::Update, vec![]),
        (Step::Revoke, vec![Revoked]),
        (Step::MessageFromSender, vec![MessageFromSender]),
        (
            Step::AddProcessRequest(AcceptedTaskStatus::Received),
            vec![TaskStatus(AcceptedTaskStatus::Received)],
        ),
        (
            Step::UpdateProcessRequest(AcceptedTaskStatus::Accepted),
            vec![accepted],
        ),
        (
            Step::Book { confirmed: true },
            vec![Appointment(AppointmentEvent::BookedConfirmed)],
        ),
        (
            Step::Book { confirmed: false },
            vec![Appointment(AppointmentEvent::BookedUnconfirmed)],
        ),
        (Step::Instructions, vec![]),
        (
            Step::Reschedule,
            vec![accepted, Appointment(AppointmentEvent::BookedConfirmed)],
        ),
        (
            Step::CancelAppointment,
            vec![accepted, Appointment(AppointmentEvent::Cancelled)],
        ),
        (Step::Message, vec![MessageFromReceiver]),
        (Step::Correct, vec![]),
    ];
    for (step, expected) in cases {
        assert_eq!(events(&step), expected, "{step:?}");
    }
}

#[test]
fn a_log_folds_into_ocean_folders() {
    let log = [
        Step::NewReferral,
        Step::AddProcessRequest(AcceptedTaskStatus::Received),
        Step::UpdateProcessRequest(AcceptedTaskStatus::Accepted),
        Step::Book { confirmed: true },
        Step::Message,
        Step::MessageFromSender,
    ];
    let state = ReferralState::fold(log.iter().flat_map(events));
    assert_eq!(state.stage(), Stage::AwaitingResponse);
    assert_eq!(state.task_status(), Some(AcceptedTaskStatus::Accepted));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn folding_a_message_sequence_equals_applying_its_events_one_by_one(
        log in proptest::collection::vec(step(), 0..10),
    ) {
        let per_message: Vec<Vec<ReferralEvent>> = log.iter().map(events).collect();
        let folded = ReferralState::fold(per_message.iter().flatten().copied());
        let mut state = ReferralState::new();
        for events in &per_message {
            for event in events {
                state.apply(*event);
            }
        }
        prop_assert_eq!(folded, state);
    }
}
