//! Event codes: the ten message events this crate models, who sends each and what it focuses on.

use std::fmt;

use ocean_model::Coding;

/// The event-code system of eReferral message events, as Ocean writes it (https).
pub use ocean_model::validate::MESSAGE_EVENT_SYSTEM;

/// The same system with `http`: some senders write it so. Parsing accepts it; the profile check
/// reports it (rule `msh-event`); builders always write [`MESSAGE_EVENT_SYSTEM`].
pub const MESSAGE_EVENT_SYSTEM_HTTP: &str =
    "http://ehealthontario.ca/fhir/CodeSystem/message-event-code";

/// Who sends an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Ocean sends it to a POS (the receiving POS, or the sending POS for its records).
    FromOcean,
    /// A receiving POS sends it to Ocean.
    ToOcean,
}

/// A message event this crate models (`MessageHeader.eventCoding.code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventCode {
    /// `add-service-request`: a new referral for the receiving POS.
    AddServiceRequest,
    /// `notify-add-service-request`: a copy of the referral a sending POS's user just sent.
    NotifyAddServiceRequest,
    /// `notify-update-service-request`: referral data or status changed (also Ocean's echo of
    /// the POS's own updates).
    NotifyUpdateServiceRequest,
    /// `revoke-service-request`: the referrer cancelled the referral.
    RevokeServiceRequest,
    /// `send-communication-from-requester`: a message from the referrer.
    SendCommunicationFromRequester,
    /// `notify-add-process-request`: the receiver created its Process Request Task.
    NotifyAddProcessRequest,
    /// `notify-update-process-request`: the Task status changed, or an appointment was updated
    /// or cancelled (then the Appointment is a second focus).
    NotifyUpdateProcessRequest,
    /// `notify-add-appointment`: a booking, or booking instructions only.
    NotifyAddAppointment,
    /// `send-communication-from-provider`: a message to the referrer.
    SendCommunicationFromProvider,
    /// `notify-data-correction`: the receiver corrected demographics or referral data.
    NotifyDataCorrection,
}

impl EventCode {
    /// Every modelled event: first the five Ocean sends, then the five a POS sends.
    pub const ALL: [EventCode; 10] = [
        Self::AddServiceRequest,
        Self::NotifyAddServiceRequest,
        Self::NotifyUpdateServiceRequest,
        Self::RevokeServiceRequest,
        Self::SendCommunicationFromRequester,
        Self::NotifyAddProcessRequest,
        Self::NotifyUpdateProcessRequest,
        Self::NotifyAddAppointment,
        Self::SendCommunicationFromProvider,
        Self::NotifyDataCorrection,
    ];

    /// The code exactly as Ocean spells it.
    pub fn code(self) -> &'static str {
        match self {
            Self::AddServiceRequest => "add-service-request",
            Self::NotifyAddServiceRequest => "notify-add-service-request",
            Self::NotifyUpdateServiceRequest => "notify-update-service-request",
            Self::RevokeServiceRequest => "revoke-service-request",
            Self::SendCommunicationFromRequester => "send-communication-from-requester",
            Self::NotifyAddProcessRequest => "notify-add-process-request",
            Self::NotifyUpdateProcessRequest => "notify-update-process-request",
            Self::NotifyAddAppointment => "notify-add-appointment",
            Self::SendCommunicationFromProvider => "send-communication-from-provider",
            Self::NotifyDataCorrection => "notify-data-correction",
        }
    }

    /// The same as `code()`, under the accessor name every code type of the workspace has
    /// (`ocean_model`'s conventions).
    pub fn as_str(self) -> &'static str {
        self.code()
    }

    /// Reads a code (exact spelling); `None` for a code this crate does not model.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Who sends this event.
    pub fn direction(self) -> Direction {
        match self {
            Self::AddServiceRequest
            | Self::NotifyAddServiceRequest
            | Self::NotifyUpdateServiceRequest
            | Self::RevokeServiceRequest
            | Self::SendCommunicationFromRequester => Direction::FromOcean,
            _ => Direction::ToOcean,
        }
    }

    /// The resource types `MessageHeader.focus[0]` may point to. `notify-data-correction` is
    /// built with the ServiceRequest as focus (the IG's choice); a Patient focus also parses.
    pub fn focus_types(self) -> &'static [&'static str] {
        match self {
            Self::AddServiceRequest
            | Self::NotifyAddServiceRequest
            | Self::NotifyUpdateServiceRequest
            | Self::RevokeServiceRequest => &["ServiceRequest"],
            Self::SendCommunicationFromRequester | Self::SendCommunicationFromProvider => {
                &["Communication"]
            }
            Self::NotifyAddProcessRequest | Self::NotifyUpdateProcessRequest => &["Task"],
            Self::NotifyAddAppointment => &["Appointment"],
            Self::NotifyDataCorrection => &["ServiceRequest", "Patient"],
        }
    }

    /// The `eventCoding` for this event (system [`MESSAGE_EVENT_SYSTEM`], `display` = code, as
    /// Ocean writes it).
    pub fn to_coding(self) -> Coding {
        let mut c = Coding::new(MESSAGE_EVENT_SYSTEM, self.code());
        c.display = Some(self.code().to_owned());
        c
    }

    /// Whether `resource_type` is an allowed focus type.
    pub(crate) fn allows_focus(self, resource_type: &str) -> bool {
        self.focus_types().contains(&resource_type)
    }
}

impl fmt::Display for EventCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for EventCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_directions() {
        for c in EventCode::ALL {
            assert_eq!(EventCode::from_code(c.code()), Some(c));
            assert_eq!(c.to_string(), c.code());
            assert!(!c.focus_types().is_empty());
        }
        let from: Vec<_> = EventCode::ALL
            .iter()
            .filter(|c| c.direction() == Direction::FromOcean)
            .collect();
        assert_eq!(from.len(), 5);
        assert_eq!(EventCode::from_code("Add-Service-Request"), None);
        let coding = EventCode::NotifyAddAppointment.to_coding();
        assert!(coding.is(MESSAGE_EVENT_SYSTEM, "notify-add-appointment"));
        assert_eq!(coding.display.as_deref(), Some("notify-add-appointment"));
    }

    #[test]
    fn focus_rules() {
        assert!(EventCode::NotifyDataCorrection.allows_focus("Patient"));
        assert!(!EventCode::NotifyAddProcessRequest.allows_focus("ServiceRequest"));
    }
}
