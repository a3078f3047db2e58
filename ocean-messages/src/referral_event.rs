//! The referral events a message event causes ([`ReferralEvent`]): how a POS folds its message
//! log, received and built, into Ocean's folder state ([`ReferralState`](ocean_status::ReferralState)).
//!
//! The mapping table is on [`Event::referral_events`], next to the conversion.

use ocean_model::{Appointment, MessageHeader, Resource, ResourceType, Task};
use ocean_status::{AppointmentEvent, ReferralEvent};

use crate::code::EventCode;
use crate::event::Event;
use crate::outbound::OutboundMessage;

impl Event<'_> {
    /// The referral events this message event causes, in the order they apply (empty when it
    /// moves no folder). Fold a referral's message log into Ocean's folder state with
    /// `ReferralState::fold(log.iter().flat_map(|m| m.event().referral_events()))` (built
    /// messages: [`OutboundMessage::referral_events`], the same table).
    ///
    /// | message event | referral events, in order |
    /// |---|---|
    /// | `add-service-request` | none: a new referral starts at `ReferralState::new()` (New) |
    /// | `notify-add-service-request` | none: the sending POS's copy of a new referral |
    /// | `notify-update-service-request` | none (our choice): it reports data Ocean already holds, often its echo of the POS's own message; the folder moves come with the messages that caused them, and folding an echo would replay an old Task status over later moves |
    /// | `revoke-service-request` | `Revoked` |
    /// | `send-communication-from-requester` | `MessageFromSender` |
    /// | `notify-add-process-request` | `TaskStatus(status)` when Ocean accepts the Task's status ([`ReferralEvent::from_task`]); none otherwise (Ocean refuses such a message) |
    /// | `notify-update-process-request` | `TaskStatus(status)` as above; then, for an appointment update (an Appointment among the other focus resources), `Appointment(…)` as below (our choice of order: the appointment is the newer, more specific news) |
    /// | `notify-add-appointment` | `Appointment(…)` by [`AppointmentEvent::from_appointment`]: a booking with a valid start is booked (confirmed or not), a cancelled one is cancelled; booking instructions only cause none |
    /// | `send-communication-from-provider` | `MessageFromReceiver` |
    /// | `notify-data-correction` | none: data, not status |
    ///
    /// ```
    /// use ocean_messages::{parse, Received};
    /// use ocean_status::{ReferralState, Stage};
    /// let body = include_bytes!("../../testdata/ocean/ereferral_back_pain.bundle.json");
    /// let Ok(Received::Supported(message)) = parse(body) else { panic!("not supported") };
    /// assert!(message.event().referral_events().is_empty()); // a new referral
    /// let state = ReferralState::fold(message.event().referral_events());
    /// assert_eq!(state.stage(), Stage::New);
    /// ```
    pub fn referral_events(&self) -> Vec<ReferralEvent> {
        match self {
            Self::NotifyAddProcessRequest(t) => caused(self.code(), Some(t.task()), None),
            Self::NotifyUpdateProcessRequest(t) => caused(
                self.code(),
                Some(t.task()),
                t.appointment().map(|a| a.appointment()),
            ),
            Self::NotifyAddAppointment(a) => caused(self.code(), None, Some(a.appointment())),
            _ => caused(self.code(), None, None),
        }
    }
}

impl OutboundMessage {
    /// The referral events this built message causes once Ocean accepts it, by the table on
    /// [`Event::referral_events`]: the same as parsing the message back and asking its event.
    pub fn referral_events(&self) -> Vec<ReferralEvent> {
        let bundle = self.bundle();
        let focus: Vec<&Resource> = bundle
            .first_of::<MessageHeader>()
            .map(|h| h.focus.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(|f| f.reference.as_deref())
            .filter_map(|r| bundle.resolve(r))
            .collect();
        let first = focus.first().copied();
        let code = self.event();
        let appointment = match code {
            EventCode::NotifyAddAppointment => first.and_then(Appointment::from_resource),
            _ => focus
                .get(1..)
                .unwrap_or_default()
                .iter()
                .find_map(|r| Appointment::from_resource(r)),
        };
        caused(code, first.and_then(Task::from_resource), appointment)
    }
}

/// The table of [`Event::referral_events`], from the event code and its focus Task and
/// Appointment (each when the event has one).
fn caused(
    code: EventCode,
    task: Option<&Task>,
    appointment: Option<&Appointment>,
) -> Vec<ReferralEvent> {
    let booking = || {
        appointment
            .and_then(AppointmentEvent::from_appointment)
            .map(ReferralEvent::Appointment)
    };
    let status = || task.and_then(|t| ReferralEvent::from_task(t).ok());
    match code {
        EventCode::AddServiceRequest
        | EventCode::NotifyAddServiceRequest
        | EventCode::NotifyUpdateServiceRequest
        | EventCode::NotifyDataCorrection => Vec::new(),
        EventCode::RevokeServiceRequest => vec![ReferralEvent::Revoked],
        EventCode::SendCommunicationFromRequester => vec![ReferralEvent::MessageFromSender],
        EventCode::SendCommunicationFromProvider => vec![ReferralEvent::MessageFromReceiver],
        EventCode::NotifyAddProcessRequest => status().into_iter().collect(),
        EventCode::NotifyUpdateProcessRequest => status().into_iter().chain(booking()).collect(),
        EventCode::NotifyAddAppointment => booking().into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocean_model::{AppointmentStatus, Instant, TaskIntent, TaskStatus};
    use ocean_status::AcceptedTaskStatus;

    #[test]
    fn every_row_of_the_table() {
        let accepted = Task::new(TaskStatus::Accepted, TaskIntent::Order);
        let draft = Task::new(TaskStatus::Draft, TaskIntent::Order);
        let mut booked = Appointment::new(AppointmentStatus::Booked);
        booked.start = Some(Instant::new("2026-12-01T09:00:00-08:00"));
        let instructions = Appointment::new(AppointmentStatus::Proposed);
        let cancelled = Appointment::new(AppointmentStatus::Cancelled);
        let task = ReferralEvent::TaskStatus(AcceptedTaskStatus::Accepted);
        let confirmed = ReferralEvent::Appointment(AppointmentEvent::BookedConfirmed);
        let appt_cancelled = ReferralEvent::Appointment(AppointmentEvent::Cancelled);
        for code in [
            EventCode::AddServiceRequest,
            EventCode::NotifyAddServiceRequest,
            EventCode::NotifyUpdateServiceRequest,
            EventCode::NotifyDataCorrection,
        ] {
            assert_eq!(caused(code, Some(&accepted), Some(&booked)), []);
        }
        assert_eq!(
            caused(EventCode::RevokeServiceRequest, None, None),
            [ReferralEvent::Revoked]
        );
        assert_eq!(
            caused(EventCode::SendCommunicationFromRequester, None, None),
            [ReferralEvent::MessageFromSender]
        );
        assert_eq!(
            caused(EventCode::SendCommunicationFromProvider, None, None),
            [ReferralEvent::MessageFromReceiver]
        );
        assert_eq!(
            caused(EventCode::NotifyAddProcessRequest, Some(&accepted), None),
            [task]
        );
        assert_eq!(
            caused(EventCode::NotifyAddProcessRequest, Some(&draft), None),
            []
        );
        assert_eq!(
            caused(
                EventCode::NotifyUpdateProcessRequest,
                Some(&accepted),
                Some(&cancelled)
            ),
            [task, appt_cancelled]
        );
        assert_eq!(
            caused(EventCode::NotifyAddAppointment, None, Some(&booked)),
            [confirmed]
        );
        assert_eq!(
            caused(EventCode::NotifyAddAppointment, None, Some(&instructions)),
            []
        );
    }
}
