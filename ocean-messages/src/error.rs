//! Parse errors: "not a message" (answer 400) and "invalid message" (answer 400).
//!
//! Neither carries input text: they name element paths, resource types, event codes and rule
//! ids, never names, health numbers, birth dates or free text. `Debug` is as safe as `Display`.

use std::fmt;

use ocean_model::ParseError;

use crate::EventCode;

/// Why a received body could not be read as a message, or why its content breaks a rule this
/// crate needs to hand the event to a POS. See [`crate::http::ack`] for the status code each
/// answer gets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MessageError {
    /// Not a FHIR message at all: answer `400 Bad Request`.
    #[error("not a FHIR message: {0}")]
    NotAMessage(#[from] NotAMessage),
    /// A message whose event this crate models, with content that breaks a rule (the error
    /// names the element path and the rule): answer `400 Bad Request`.
    #[error(transparent)]
    Invalid(#[from] InvalidMessage),
}

impl MessageError {
    /// The HTTP status a receiver answers: 400 for both [`Self::NotAMessage`] and
    /// [`Self::Invalid`] (the body of the answer tells them apart).
    pub fn http_status(&self) -> u16 {
        match self {
            Self::NotAMessage(_) => 400,
            Self::Invalid(_) => 400,
        }
    }

    /// The FHIR element path the error is about, when there is one.
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::NotAMessage(n) => n.path(),
            Self::Invalid(i) => Some(&i.path),
        }
    }
}

/// The body is not a FHIR message: not JSON, not a Bundle, not a `message` Bundle, or its first
/// entry is not a MessageHeader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotAMessage {
    /// Not JSON, not UTF-8, cut short, or nested too deeply (the [`ParseError`] names the
    /// line and column, never the text).
    #[error("{0}")]
    Json(ParseError),
    /// Longer than the limit in [`crate::ParseOptions`].
    #[error("the body is longer than the {limit}-byte limit")]
    TooLarge {
        /// The limit that was exceeded, in bytes.
        limit: usize,
    },
    /// JSON, but the top-level value is not a resource with `resourceType` `Bundle` (the type
    /// found is not repeated: it is input text).
    #[error("the top-level value is not a Bundle resource")]
    NotABundle,
    /// A Bundle whose `type` is missing or not `message`.
    #[error("Bundle.type is not `message`")]
    NotMessageBundle,
    /// A message Bundle whose first entry has no MessageHeader resource.
    #[error("Bundle.entry[0].resource is not a MessageHeader")]
    NoMessageHeader,
}

impl NotAMessage {
    /// The element path the problem is at, when there is one.
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::Json(e) => e.path.as_deref(),
            Self::NotMessageBundle => Some("Bundle.type"),
            Self::NoMessageHeader => Some("Bundle.entry[0].resource"),
            Self::TooLarge { .. } | Self::NotABundle => None,
        }
    }
}

/// A rule a message of a modelled event must satisfy to be handed to a POS. Profile rules that
/// do not stop a POS from handling the event are reported separately, as profile issues
/// ([`crate::Message::profile_issues`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageRule {
    /// `msh-event`: the MessageHeader has an `eventCoding` (or `eventUri`) with a code.
    MshEvent,
    /// `msh-focus`: `MessageHeader.focus` is present and every focus resolves to an entry.
    MshFocus,
    /// `focus-type`: `focus[0]` is of the type the event needs (see
    /// [`EventCode::focus_types`]).
    FocusType,
    /// `full-url-unique`: no two entries share a `fullUrl` (a bare UUID and `urn:uuid:` of the
    /// same UUID count as the same), so every reference has one meaning.
    FullUrlUnique,
    /// `based-on`: a Task, Appointment or Communication focus names its ServiceRequest in
    /// `basedOn`, and that reference resolves to a ServiceRequest entry.
    BasedOn,
    /// `referral-present`: the message carries the ServiceRequest of the referral.
    ReferralPresent,
    /// `referral-id`: the Ocean referral id is in the MessageHeader extension
    /// (`ext-referral-identifier` or v0.10's `ext-id-message-header`) or in a
    /// ServiceRequest identifier with system `…/NamingSystem/id-ereferral-reference`.
    ReferralId,
    /// `referral-id-agree`: when both the MessageHeader and the ServiceRequest carry a referral
    /// id, they are the same.
    ReferralIdAgree,
    /// `sr-subject`: the ServiceRequest's `subject` resolves to a Patient entry.
    SrSubject,
    /// `task-status`: a Task focus has a `status`.
    TaskStatus,
    /// `appointment-status`: an Appointment focus has a `status`.
    AppointmentStatus,
    /// `fhir-json`: every modelled element has the JSON type FHIR gives it (e.g. no number
    /// where a string belongs).
    FhirJson,
}

impl MessageRule {
    /// Every rule, in the order of the crate documentation's table.
    pub const ALL: [MessageRule; 12] = [
        Self::MshEvent,
        Self::MshFocus,
        Self::FocusType,
        Self::FullUrlUnique,
        Self::BasedOn,
        Self::ReferralPresent,
        Self::ReferralId,
        Self::ReferralIdAgree,
        Self::SrSubject,
        Self::TaskStatus,
        Self::AppointmentStatus,
        Self::FhirJson,
    ];

    /// The stable rule id (`"msh-focus"`).
    pub fn id(self) -> &'static str {
        match self {
            Self::MshEvent => "msh-event",
            Self::MshFocus => "msh-focus",
            Self::FocusType => "focus-type",
            Self::FullUrlUnique => "full-url-unique",
            Self::BasedOn => "based-on",
            Self::ReferralPresent => "referral-present",
            Self::ReferralId => "referral-id",
            Self::ReferralIdAgree => "referral-id-agree",
            Self::SrSubject => "sr-subject",
            Self::TaskStatus => "task-status",
            Self::AppointmentStatus => "appointment-status",
            Self::FhirJson => "fhir-json",
        }
    }
}

impl fmt::Display for MessageRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A message of a modelled event whose content breaks a [`MessageRule`]: the element path, the
/// rule and a fixed description, nothing from the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct InvalidMessage {
    /// The event, when it could be read.
    pub event: Option<EventCode>,
    /// The rule broken.
    pub rule: MessageRule,
    /// The FHIR path of the offending element (`Bundle.entry[8].resource.subject`).
    pub path: String,
    /// What is wrong (fixed text, never input text).
    pub detail: &'static str,
    /// For [`MessageRule::FhirJson`]: the underlying parse error (path, line, column, kind).
    pub cause: Option<ParseError>,
}

impl InvalidMessage {
    pub(crate) fn new(
        event: Option<EventCode>,
        rule: MessageRule,
        path: impl Into<String>,
        detail: &'static str,
    ) -> Self {
        Self {
            event,
            rule,
            path: path.into(),
            detail,
            cause: None,
        }
    }
}

impl fmt::Display for InvalidMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.event {
            Some(e) => write!(f, "invalid {e} message")?,
            None => f.write_str("invalid message")?,
        }
        write!(f, " at {} ({}): {}", self.path, self.rule, self.detail)?;
        if let Some(c) = &self.cause {
            write!(f, ": {}", c.kind)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<_> = MessageRule::ALL.iter().map(|r| r.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), MessageRule::ALL.len());
    }

    #[test]
    fn statuses_and_display() {
        let e = MessageError::from(InvalidMessage::new(
            Some(EventCode::AddServiceRequest),
            MessageRule::SrSubject,
            "Bundle.entry[8].resource.subject",
            "subject must resolve to a Patient entry",
        ));
        assert_eq!(e.http_status(), 400);
        assert_eq!(
            e.to_string(),
            "invalid add-service-request message at Bundle.entry[8].resource.subject \
             (sr-subject): subject must resolve to a Patient entry"
        );
        assert_eq!(e.path(), Some("Bundle.entry[8].resource.subject"));
        let n = MessageError::from(NotAMessage::NoMessageHeader);
        assert_eq!(n.http_status(), 400);
        assert_eq!(n.path(), Some("Bundle.entry[0].resource"));
    }
}
