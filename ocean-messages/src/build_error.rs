//! Why a message to Ocean was not built ([`BuildError`]): every refusal of the builders, with no
//! patient data.

use ocean_model::validate::Issue;
use ocean_status::StatusError;

/// Why a message was not built. Holds no patient data: rule ids, paths and fixed texts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The received message is `notify-add-service-request`, the sending POS's copy of its own
    /// referral: Ocean accepts events only from the referral's receiver.
    #[error(
        "the received message is a notify-add-service-request (the sending POS's copy): Ocean \
         accepts events only from the referral's receiver"
    )]
    SendingPosCopy,
    /// The received message is `revoke-service-request`: the referral is cancelled, and the
    /// only message left to send is a process-request update with status `cancelled`.
    #[error(
        "the referral was revoked by the referrer: the only reply is a process-request Task with \
         status `cancelled`"
    )]
    Revoked,
    /// Task status `cancelled` outside the acknowledgement of a revoke.
    #[error(
        "a receiver cannot cancel a referral (only the referrer can, in Ocean): send `rejected` \
         to decline; `cancelled` only acknowledges a revoke-service-request"
    )]
    ReceiverCannotCancel,
    /// A Task status Ocean does not accept.
    #[error(transparent)]
    Status(#[from] StatusError),
    /// Patient import was asked with a status other than `accepted`.
    #[error("patient import goes with Task status `accepted` only")]
    ImportNeedsAccept,
    /// The site's host or site number is not the message's.
    #[error("the received message belongs to another Ocean site: its {0} differs")]
    SiteMismatch(&'static str),
    /// A text that must say something is empty or blank.
    #[error("{0} is empty")]
    Empty(&'static str),
    /// An appointment that ends before it starts.
    #[error("the appointment ends before it starts")]
    EndBeforeStart,
    /// An appointment update with no appointment to update.
    #[error(
        "no appointment to update: give its id, or build from a message that carries the \
         Appointment"
    )]
    NoAppointment,
    /// A communication with neither text nor attachment.
    #[error("a communication needs a text or an attachment")]
    EmptyCommunication,
    /// An attachment Ocean could not use.
    #[error("attachment {index}: {reason}")]
    InvalidAttachment {
        /// Position in the communication's attachments (0-based).
        index: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A correction with nothing corrected.
    #[error("a correction needs a corrected Patient or ServiceRequest")]
    EmptyCorrection,
    /// The corrected ServiceRequest names another Ocean referral id.
    #[error("the corrected ServiceRequest names another referral id")]
    ReferralIdChanged,
    /// The corrected ServiceRequest names another subject.
    #[error("the corrected ServiceRequest names another subject")]
    SubjectChanged,
    /// The clock gave a time FHIR cannot write (outside years 1 to 9999).
    #[error("the clock gave a time outside the years 1 to 9999")]
    ClockOutOfRange,
    /// An id given for a new resource (or repeated by the id source) is already used by an
    /// entry of the message.
    #[error("an id for a new resource is already used in the message")]
    DuplicateId,
    /// The [`PosSystem`](crate::build::PosSystem) is not usable.
    #[error("invalid POS system: {0}")]
    InvalidPosSystem(&'static str),
    /// The entries the builder wrote break profile rules (rule and path of each).
    #[error("the built message breaks profile rules: {}", list_issues(.0))]
    Profile(Vec<Issue>),
}

fn list_issues(issues: &[Issue]) -> String {
    issues
        .iter()
        .map(|i| format!("{} at {}", i.rule, i.path))
        .collect::<Vec<_>>()
        .join(", ")
}
