//! Why a received body was refused ([`MessageError`]): not a message at all ([`NotAMessage`]), or
//! a message that breaks a rule ([`InvalidMessage`]); both answer 400.
//!
//! Neither carries input text: they name element paths, resource types, event codes and rule
//! ids, never names, health numbers, birth dates or free text. `Debug` is as safe as `Display`.

use ocean_model::ParseError;

use crate::rules::InvalidMessage;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::EventCode;
    use crate::rules::MessageRule;

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
