//! Properties of the referral state machine.

use ocean_status::{
    AcceptedTaskStatus, AppointmentEvent, ReferralEvent, ReferralState, Stage, TaskEffect,
};
use proptest::prelude::*;

fn task_status() -> impl Strategy<Value = AcceptedTaskStatus> {
    prop::sample::select(AcceptedTaskStatus::ALL.to_vec())
}

fn appointment() -> impl Strategy<Value = AppointmentEvent> {
    prop::sample::select(vec![
        AppointmentEvent::BookedUnconfirmed,
        AppointmentEvent::BookedConfirmed,
        AppointmentEvent::Cancelled,
    ])
}

/// Events a receiving POS can send.
fn receiver_event() -> impl Strategy<Value = ReferralEvent> {
    prop_oneof![
        task_status().prop_map(ReferralEvent::TaskStatus),
        appointment().prop_map(ReferralEvent::Appointment),
        Just(ReferralEvent::MessageFromReceiver),
    ]
}

/// Any event, including the sender's.
fn any_event() -> impl Strategy<Value = ReferralEvent> {
    prop_oneof![
        4 => receiver_event(),
        1 => Just(ReferralEvent::MessageFromSender),
        1 => Just(ReferralEvent::Revoked),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// No sequence of receiver events ever reaches Cancelled, at any step.
    #[test]
    fn receivers_never_cancel(events in prop::collection::vec(receiver_event(), 0..40)) {
        let mut state = ReferralState::new();
        for e in events {
            prop_assert!(e.is_from_receiver());
            state.apply(e);
            prop_assert_ne!(state.stage(), Stage::Cancelled);
        }
    }

    /// From Declined or Completed, a Task status that moves re-opens the referral to its stage;
    /// `requested`/`received` leave it where it is.
    #[test]
    fn closed_referrals_reopen_on_a_new_status(
        prefix in prop::collection::vec(receiver_event(), 0..20),
        close in prop::sample::select(vec![AcceptedTaskStatus::Rejected, AcceptedTaskStatus::Cancelled,
                                          AcceptedTaskStatus::Completed, AcceptedTaskStatus::Failed]),
        next in task_status(),
    ) {
        let mut state = ReferralState::fold(prefix);
        state.apply(ReferralEvent::TaskStatus(close));
        let closed = state.stage();
        prop_assert!(matches!(closed, Stage::Declined | Stage::Completed));
        state.apply(ReferralEvent::TaskStatus(next));
        match next.effect() {
            TaskEffect::MoveTo(stage) => prop_assert_eq!(state.stage(), stage),
            TaskEffect::NoChange => prop_assert_eq!(state.stage(), closed),
        }
    }

    /// Appointment events never move a Declined, Completed or Cancelled referral (it must be
    /// re-opened by a Task status first).
    #[test]
    fn appointments_never_move_closed_referrals(events in prop::collection::vec(any_event(), 0..40)) {
        let mut state = ReferralState::new();
        for e in events {
            let before = state.stage();
            state.apply(e);
            if matches!(e, ReferralEvent::Appointment(_)) && before.is_closed() {
                prop_assert_eq!(state.stage(), before);
            }
        }
    }

    /// Folding is deterministic and equals applying the events one by one; Cancelled is final.
    #[test]
    fn folding_is_deterministic(events in prop::collection::vec(any_event(), 0..40)) {
        let a = ReferralState::fold(events.clone());
        let b = ReferralState::fold(events.clone());
        prop_assert_eq!(a, b);
        let mut c = ReferralState::new();
        let mut cancelled = false;
        for e in &events {
            let t = c.apply(*e);
            if cancelled {
                prop_assert_eq!(t.to, Stage::Cancelled);
            }
            cancelled |= t.to == Stage::Cancelled;
            prop_assert_eq!(t.to, c.stage());
            prop_assert_eq!(c.folders(), c.stage().folders());
        }
        prop_assert_eq!(a, c);
    }
}
