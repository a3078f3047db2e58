//! Where a referral sits after a sequence of events: a small state machine over [`Stage`].
//!
//! A referral starts in [`Stage::New`] (Sent (All) / New). Each [`ReferralEvent`] moves it, or not, by
//! these rules (our reading of the seed's Statuses table and Ocean's Playbook; where Ocean
//! publishes nothing the row says "our choice"):
//!
//! | event | referral open (New, Pending Booking, Booking …, Awaiting …) | Declined or Completed | Cancelled |
//! |---|---|---|---|
//! | Task `requested` / `received` | no change (seed: "no action will be taken") | no change | no change |
//! | any other Task status | to its stage ([`AcceptedTaskStatus::stage`]) | **re-opens**: to its stage | no change (a receiver cannot act on a cancelled referral) |
//! | appointment booked, not confirmed | Booking Unconfirmed | no change (our choice: a closed referral is re-opened by a Task status, not by an appointment) | no change |
//! | appointment booked, confirmed | Booking Confirmed | no change (our choice) | no change |
//! | appointment cancelled | from Booking Unconfirmed/Confirmed back to Pending Booking; otherwise no change (our choice) | no change | no change |
//! | message from the receiver (`send-communication-from-provider`) | Awaiting Response / Awaiting Reply | no change (our choice) | no change |
//! | message from the sender (`send-communication-from-requester`) | no change (Ocean documents no move) | no change | no change |
//! | revoke by the sender (`revoke-service-request`) | Cancelled | Cancelled | no change |
//!
//! A POS gets these events from its message log: `ocean-messages` converts every received or
//! built message event into the [`ReferralEvent`]s it causes (`Event::referral_events`,
//! `OutboundMessage::referral_events`, with the mapping table there), so
//! `ReferralState::fold(log.flat_map(referral_events))` is Ocean's folder state for the
//! referral. This crate does not depend on `ocean-messages`; the conversion lives there.
//!
//! Consequences, property-tested: no event a receiver can send reaches Cancelled; Declined and
//! Completed re-open on a Task status that moves; appointment events never move a Declined,
//! Completed or Cancelled referral; folding is deterministic.
//!
//! ```
//! use ocean_status::{AcceptedTaskStatus as S, AppointmentEvent, ReferralEvent, ReferralState, Stage};
//! let state = ReferralState::fold([
//!     ReferralEvent::TaskStatus(S::Accepted),
//!     ReferralEvent::Appointment(AppointmentEvent::BookedConfirmed),
//!     ReferralEvent::TaskStatus(S::Completed),
//! ]);
//! assert_eq!(state.stage(), Stage::Completed);
//! assert_eq!(state.folders().received.name(), "Completed");
//! ```

use ocean_model::{Appointment, AppointmentStatus, Task};

use crate::{AcceptedTaskStatus, FolderPair, Stage, StatusError, TaskEffect};

/// What happened to a referral, as far as Ocean's folders are concerned (renamed from `Event`,
/// so it is not confused with `ocean_messages::Event`, the message event that causes it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferralEvent {
    /// The receiver sent this Task status (`notify-add-process-request` /
    /// `notify-update-process-request`).
    TaskStatus(AcceptedTaskStatus),
    /// The receiver sent an appointment (`notify-add-appointment`, or an update).
    Appointment(AppointmentEvent),
    /// The receiver sent a message (`send-communication-from-provider`).
    MessageFromReceiver,
    /// The sender sent a message (`send-communication-from-requester`).
    MessageFromSender,
    /// The sender cancelled the referral in Ocean (`revoke-service-request`).
    Revoked,
}

impl ReferralEvent {
    /// Whether a receiving POS can send this event.
    pub fn is_from_receiver(self) -> bool {
        matches!(
            self,
            ReferralEvent::TaskStatus(_)
                | ReferralEvent::Appointment(_)
                | ReferralEvent::MessageFromReceiver
        )
    }

    /// The event for a Task's status (an error for statuses Ocean does not accept, or a Task
    /// without status).
    pub fn from_task(task: &Task) -> Result<Self, StatusError> {
        let status = task.status.as_ref().ok_or(StatusError::Unrecognized)?;
        Ok(ReferralEvent::TaskStatus(AcceptedTaskStatus::try_from(
            status,
        )?))
    }
}

/// What an appointment event means for the folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppointmentEvent {
    /// A booking with a date, not yet confirmed.
    BookedUnconfirmed,
    /// A confirmed booking with a date.
    BookedConfirmed,
    /// The booking was cancelled.
    Cancelled,
}

impl AppointmentEvent {
    /// Reads an Appointment as Ocean does (seed: it moves the referral "when Ocean receives an
    /// Appointment … with a valid date"):
    ///
    /// | Appointment.status | with a valid `start` | without |
    /// |---|---|---|
    /// | `proposed`, `pending`, `waitlist` | BookedUnconfirmed | `None` (booking instructions only) |
    /// | `booked`, `arrived`, `checked-in`, `fulfilled` | BookedConfirmed | `None` |
    /// | `cancelled`, `noshow`, `entered-in-error` | Cancelled | Cancelled |
    /// | absent or not a FHIR code | `None` | `None` |
    pub fn from_appointment(appointment: &Appointment) -> Option<Self> {
        let dated = appointment
            .start
            .as_ref()
            .is_some_and(|s| s.instant().is_some());
        match appointment.status.as_ref()? {
            AppointmentStatus::Cancelled
            | AppointmentStatus::Noshow
            | AppointmentStatus::EnteredInError => Some(Self::Cancelled),
            AppointmentStatus::Proposed
            | AppointmentStatus::Pending
            | AppointmentStatus::Waitlist => dated.then_some(Self::BookedUnconfirmed),
            AppointmentStatus::Booked
            | AppointmentStatus::Arrived
            | AppointmentStatus::CheckedIn
            | AppointmentStatus::Fulfilled => dated.then_some(Self::BookedConfirmed),
            AppointmentStatus::Unrecognized(_) => None,
        }
    }
}

/// A move (or not) of a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Transition {
    /// The stage before the event.
    pub from: Stage,
    /// The stage after the event.
    pub to: Stage,
}

impl Transition {
    /// Whether the folders changed.
    pub fn changed(self) -> bool {
        self.from != self.to
    }
}

/// The current state of one referral in Ocean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReferralState {
    stage: Stage,
    task_status: Option<AcceptedTaskStatus>,
}

impl Default for ReferralState {
    fn default() -> Self {
        Self::new()
    }
}

impl ReferralState {
    /// A referral just sent: Sent (All) / New, no Task status yet.
    pub const fn new() -> Self {
        Self {
            stage: Stage::New,
            task_status: None,
        }
    }

    /// The current stage.
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// The current folders.
    pub fn folders(&self) -> FolderPair {
        self.stage.folders()
    }

    /// The last Task status the receiver sent (while the referral was not cancelled).
    pub fn task_status(&self) -> Option<AcceptedTaskStatus> {
        self.task_status
    }

    /// Applies one event by the rules in the module docs.
    pub fn apply(&mut self, event: ReferralEvent) -> Transition {
        let from = self.stage;
        let to = match (from, event) {
            (Stage::Cancelled, _) => Stage::Cancelled,
            (_, ReferralEvent::Revoked) => Stage::Cancelled,
            (_, ReferralEvent::TaskStatus(status)) => {
                self.task_status = Some(status);
                match status.effect() {
                    TaskEffect::NoChange => from,
                    TaskEffect::MoveTo(stage) => stage,
                }
            }
            (Stage::Declined | Stage::Completed, _) => from,
            (_, ReferralEvent::Appointment(AppointmentEvent::BookedUnconfirmed)) => {
                Stage::BookingUnconfirmed
            }
            (_, ReferralEvent::Appointment(AppointmentEvent::BookedConfirmed)) => {
                Stage::BookingConfirmed
            }
            (
                Stage::BookingUnconfirmed | Stage::BookingConfirmed,
                ReferralEvent::Appointment(AppointmentEvent::Cancelled),
            ) => Stage::PendingBooking,
            (_, ReferralEvent::Appointment(AppointmentEvent::Cancelled)) => from,
            (_, ReferralEvent::MessageFromReceiver) => Stage::AwaitingResponse,
            (_, ReferralEvent::MessageFromSender) => from,
        };
        self.stage = to;
        Transition { from, to }
    }

    /// The state after a sequence of events, starting from [`ReferralState::new`].
    pub fn fold(events: impl IntoIterator<Item = ReferralEvent>) -> Self {
        let mut state = Self::new();
        for e in events {
            state.apply(e);
        }
        state
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AcceptedTaskStatus as S;

    fn after(events: &[ReferralEvent]) -> Stage {
        ReferralState::fold(events.iter().copied()).stage()
    }

    #[test]
    fn each_rule() {
        use ReferralEvent::*;
        let booked = Appointment(AppointmentEvent::BookedConfirmed);
        let unconfirmed = Appointment(AppointmentEvent::BookedUnconfirmed);
        let appt_cancelled = Appointment(AppointmentEvent::Cancelled);
        assert_eq!(after(&[]), Stage::New);
        assert_eq!(after(&[TaskStatus(S::Received)]), Stage::New);
        assert_eq!(
            after(&[TaskStatus(S::Accepted), TaskStatus(S::Requested)]),
            Stage::PendingBooking
        );
        assert_eq!(after(&[TaskStatus(S::OnHold)]), Stage::PendingBooking);
        assert_eq!(after(&[unconfirmed]), Stage::BookingUnconfirmed);
        assert_eq!(after(&[unconfirmed, booked]), Stage::BookingConfirmed);
        assert_eq!(after(&[booked, appt_cancelled]), Stage::PendingBooking);
        assert_eq!(after(&[appt_cancelled]), Stage::New);
        assert_eq!(after(&[MessageFromReceiver]), Stage::AwaitingResponse);
        assert_eq!(
            after(&[MessageFromReceiver, MessageFromSender]),
            Stage::AwaitingResponse
        );
        assert_eq!(
            after(&[MessageFromReceiver, TaskStatus(S::Ready)]),
            Stage::PendingBooking
        );
        assert_eq!(after(&[TaskStatus(S::Rejected)]), Stage::Declined);
        assert_eq!(after(&[TaskStatus(S::Cancelled)]), Stage::Declined);
        assert_eq!(after(&[TaskStatus(S::Rejected), booked]), Stage::Declined);
        assert_eq!(
            after(&[TaskStatus(S::Rejected), MessageFromReceiver]),
            Stage::Declined
        );
        assert_eq!(
            after(&[TaskStatus(S::Rejected), TaskStatus(S::Accepted)]),
            Stage::PendingBooking
        );
        assert_eq!(after(&[TaskStatus(S::Failed)]), Stage::Completed);
        assert_eq!(after(&[TaskStatus(S::Completed), booked]), Stage::Completed);
        assert_eq!(
            after(&[TaskStatus(S::Completed), TaskStatus(S::InProgress)]),
            Stage::PendingBooking
        );
        assert_eq!(
            after(&[TaskStatus(S::Completed), TaskStatus(S::Received)]),
            Stage::Completed
        );
        assert_eq!(after(&[Revoked]), Stage::Cancelled);
        assert_eq!(
            after(&[TaskStatus(S::Completed), Revoked]),
            Stage::Cancelled
        );
        assert_eq!(
            after(&[
                Revoked,
                TaskStatus(S::Accepted),
                booked,
                MessageFromReceiver
            ]),
            Stage::Cancelled
        );
    }

    #[test]
    fn task_status_is_remembered() {
        let mut s = ReferralState::new();
        let t = s.apply(ReferralEvent::TaskStatus(S::Received));
        assert!(!t.changed());
        assert_eq!(s.task_status(), Some(S::Received));
        let t = s.apply(ReferralEvent::TaskStatus(S::Accepted));
        assert_eq!((t.from, t.to), (Stage::New, Stage::PendingBooking));
    }

    #[test]
    fn appointments_as_ocean_reads_them() {
        let appt = |status: &str, start: Option<&str>| {
            let mut a = Appointment::new(AppointmentStatus::from_code(status));
            a.start = start.map(ocean_model::Instant::new);
            AppointmentEvent::from_appointment(&a)
        };
        let date = Some("2026-12-01T09:00:00-08:00");
        assert_eq!(appt("proposed", None), None);
        assert_eq!(
            appt("proposed", date),
            Some(AppointmentEvent::BookedUnconfirmed)
        );
        assert_eq!(
            appt("pending", date),
            Some(AppointmentEvent::BookedUnconfirmed)
        );
        assert_eq!(
            appt("booked", date),
            Some(AppointmentEvent::BookedConfirmed)
        );
        assert_eq!(appt("booked", Some("next tuesday")), None);
        assert_eq!(appt("cancelled", None), Some(AppointmentEvent::Cancelled));
        assert_eq!(appt("noshow", date), Some(AppointmentEvent::Cancelled));
        assert_eq!(appt("tentative", date), None);
    }

    #[test]
    fn events_from_tasks() {
        let t = Task::new(
            ocean_model::TaskStatus::Draft,
            ocean_model::TaskIntent::Order,
        );
        assert_eq!(
            ReferralEvent::from_task(&t),
            Err(StatusError::NotAccepted("draft"))
        );
        let t = Task::new(
            ocean_model::TaskStatus::Accepted,
            ocean_model::TaskIntent::Order,
        );
        assert_eq!(
            ReferralEvent::from_task(&t),
            Ok(ReferralEvent::TaskStatus(S::Accepted))
        );
    }
}
