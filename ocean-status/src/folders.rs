//! Ocean's folders and the Task statuses Ocean accepts.
//!
//! # The mapping (seed "Statuses" table; Ocean Provider Network FHIR Playbook)
//! | Task.status | Ocean "Sent" folder | Ocean "Received" folder |
//! |---|---|---|
//! | `requested`, `received` | Sent (All) | New |
//! | `accepted`, `in-progress`, `on-hold`, `ready` | Pending Booking | Pending Booking |
//! | `rejected`, `cancelled` | Declined | Declined |
//! | `completed`, `failed` | Completed | Completed |
//!
//! `draft` and `entered-in-error` are not accepted by Ocean: converting them is an error
//! ([`StatusError::NotAccepted`]), never a silent default. Booking Unconfirmed, Booking
//! Confirmed, Awaiting Response/Reply and Cancelled are not reached by a Task status (see
//! [`crate::state`]).

use std::fmt;

use ocean_model::TaskStatus;
use serde::Serialize;

/// Where a referral is in its life, as Ocean files it. Both folder names derive from it, so the
/// Sent and Received sides can never disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// Just sent: Sent (All) / New.
    New,
    /// Accepted or being worked on: Pending Booking.
    PendingBooking,
    /// An appointment with a date, not confirmed: Booking Unconfirmed.
    BookingUnconfirmed,
    /// An appointment with a date, confirmed: Booking Confirmed.
    BookingConfirmed,
    /// The receiver sent a message: Awaiting Response (Sent) / Awaiting Reply (Received).
    AwaitingResponse,
    /// Rejected (or cancelled by the receiver's Task): Declined. Re-opened by a new status.
    Declined,
    /// Cancelled by the referral's sender, in Ocean. A receiver cannot reach it.
    Cancelled,
    /// Completed (or failed): Completed. Re-opened by a new status.
    Completed,
}

impl Stage {
    /// Every stage, in the worksheet's order.
    pub const ALL: [Stage; 8] = [
        Stage::New,
        Stage::PendingBooking,
        Stage::BookingUnconfirmed,
        Stage::BookingConfirmed,
        Stage::AwaitingResponse,
        Stage::Declined,
        Stage::Cancelled,
        Stage::Completed,
    ];

    /// The folder in Ocean's "Sent" list.
    pub fn sent_folder(self) -> SentFolder {
        match self {
            Stage::New => SentFolder::SentAll,
            Stage::PendingBooking => SentFolder::PendingBooking,
            Stage::BookingUnconfirmed => SentFolder::BookingUnconfirmed,
            Stage::BookingConfirmed => SentFolder::BookingConfirmed,
            Stage::AwaitingResponse => SentFolder::AwaitingResponse,
            Stage::Declined => SentFolder::Declined,
            Stage::Cancelled => SentFolder::Cancelled,
            Stage::Completed => SentFolder::Completed,
        }
    }

    /// The folder in Ocean's "Received" list.
    pub fn received_folder(self) -> ReceivedFolder {
        match self {
            Stage::New => ReceivedFolder::New,
            Stage::PendingBooking => ReceivedFolder::PendingBooking,
            Stage::BookingUnconfirmed => ReceivedFolder::BookingUnconfirmed,
            Stage::BookingConfirmed => ReceivedFolder::BookingConfirmed,
            Stage::AwaitingResponse => ReceivedFolder::AwaitingReply,
            Stage::Declined => ReceivedFolder::Declined,
            Stage::Cancelled => ReceivedFolder::Cancelled,
            Stage::Completed => ReceivedFolder::Completed,
        }
    }

    /// Both folders.
    pub fn folders(self) -> FolderPair {
        FolderPair {
            sent: self.sent_folder(),
            received: self.received_folder(),
        }
    }

    /// The Task statuses listed under this stage's folders (empty for Booking Unconfirmed,
    /// Booking Confirmed, Awaiting Response and Cancelled, which no Task status reaches).
    pub fn task_statuses(self) -> impl Iterator<Item = AcceptedTaskStatus> {
        AcceptedTaskStatus::ALL
            .into_iter()
            .filter(move |s| s.stage() == self)
    }

    /// Whether the referral is closed (Declined, Cancelled or Completed).
    pub fn is_closed(self) -> bool {
        matches!(self, Stage::Declined | Stage::Cancelled | Stage::Completed)
    }
}

/// A folder of Ocean's "Sent" list, named as Ocean spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SentFolder {
    /// "Sent (All)"
    SentAll,
    /// "Pending Booking"
    PendingBooking,
    /// "Booking Unconfirmed"
    BookingUnconfirmed,
    /// "Booking Confirmed"
    BookingConfirmed,
    /// "Awaiting Response"
    AwaitingResponse,
    /// "Declined"
    Declined,
    /// "Cancelled"
    Cancelled,
    /// "Completed"
    Completed,
}

impl SentFolder {
    /// The name as Ocean spells it.
    pub fn name(self) -> &'static str {
        match self {
            SentFolder::SentAll => "Sent (All)",
            SentFolder::PendingBooking => "Pending Booking",
            SentFolder::BookingUnconfirmed => "Booking Unconfirmed",
            SentFolder::BookingConfirmed => "Booking Confirmed",
            SentFolder::AwaitingResponse => "Awaiting Response",
            SentFolder::Declined => "Declined",
            SentFolder::Cancelled => "Cancelled",
            SentFolder::Completed => "Completed",
        }
    }
}

/// A folder of Ocean's "Received" list, named as Ocean spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReceivedFolder {
    /// "New"
    New,
    /// "Pending Booking"
    PendingBooking,
    /// "Booking Unconfirmed"
    BookingUnconfirmed,
    /// "Booking Confirmed"
    BookingConfirmed,
    /// "Awaiting Reply"
    AwaitingReply,
    /// "Declined"
    Declined,
    /// "Cancelled"
    Cancelled,
    /// "Completed"
    Completed,
}

impl ReceivedFolder {
    /// The name as Ocean spells it.
    pub fn name(self) -> &'static str {
        match self {
            ReceivedFolder::New => "New",
            ReceivedFolder::PendingBooking => "Pending Booking",
            ReceivedFolder::BookingUnconfirmed => "Booking Unconfirmed",
            ReceivedFolder::BookingConfirmed => "Booking Confirmed",
            ReceivedFolder::AwaitingReply => "Awaiting Reply",
            ReceivedFolder::Declined => "Declined",
            ReceivedFolder::Cancelled => "Cancelled",
            ReceivedFolder::Completed => "Completed",
        }
    }
}

impl fmt::Display for SentFolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for ReceivedFolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for SentFolder {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl Serialize for ReceivedFolder {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Where a referral shows in Ocean: its Sent folder (at the referrer) and its Received folder
/// (at the receiver).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct FolderPair {
    /// The folder in the sender's "Sent" list.
    pub sent: SentFolder,
    /// The folder in the receiver's "Received" list.
    pub received: ReceivedFolder,
}

/// A Task.status Ocean accepts from a receiving POS (in `notify-add-process-request` /
/// `notify-update-process-request`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AcceptedTaskStatus {
    /// `requested`
    Requested,
    /// `received`
    Received,
    /// `accepted`: Ocean may also import the patient (Ocean's `ext-accept-service-request-import`).
    Accepted,
    /// `in-progress`
    InProgress,
    /// `on-hold`
    OnHold,
    /// `ready`
    Ready,
    /// `rejected`
    Rejected,
    /// `cancelled`: files the referral as Declined (a receiver cannot cancel a referral).
    Cancelled,
    /// `completed`
    Completed,
    /// `failed`: the seed files it under Completed.
    Failed,
}

/// What a Task status does to a referral's folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskEffect {
    /// Nothing moves: `requested` and `received` leave the referral where it is (the seed: "no
    /// action will be taken and it will remain in this folder").
    NoChange,
    /// The referral moves to this stage.
    MoveTo(Stage),
}

impl AcceptedTaskStatus {
    /// Every accepted status, in the worksheet's order.
    pub const ALL: [AcceptedTaskStatus; 10] = [
        Self::Requested,
        Self::Received,
        Self::Accepted,
        Self::InProgress,
        Self::OnHold,
        Self::Ready,
        Self::Rejected,
        Self::Cancelled,
        Self::Completed,
        Self::Failed,
    ];

    /// The FHIR code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Requested => "requested",
            Self::Received => "received",
            Self::Accepted => "accepted",
            Self::InProgress => "in-progress",
            Self::OnHold => "on-hold",
            Self::Ready => "ready",
            Self::Rejected => "rejected",
            Self::Cancelled => "cancelled",
            Self::Completed => "completed",
            Self::Failed => "failed",
        }
    }

    /// The same as `code()`, under the accessor name every code type of the workspace has
    /// (`ocean_model`'s conventions).
    pub fn as_str(self) -> &'static str {
        self.code()
    }

    /// The stage whose folders this status is listed under in the mapping table.
    pub fn stage(self) -> Stage {
        match self {
            Self::Requested | Self::Received => Stage::New,
            Self::Accepted | Self::InProgress | Self::OnHold | Self::Ready => Stage::PendingBooking,
            Self::Rejected | Self::Cancelled => Stage::Declined,
            Self::Completed | Self::Failed => Stage::Completed,
        }
    }

    /// The folders of [`Self::stage`].
    pub fn folders(self) -> FolderPair {
        self.stage().folders()
    }

    /// What sending this status does (see [`TaskEffect`]).
    pub fn effect(self) -> TaskEffect {
        match self {
            Self::Requested | Self::Received => TaskEffect::NoChange,
            other => TaskEffect::MoveTo(other.stage()),
        }
    }

    /// The model's Task status.
    pub fn to_task_status(self) -> TaskStatus {
        TaskStatus::from_code(self.code())
    }

    /// Reads a FHIR code (`"in-progress"`): `None` for a code Ocean does not accept. This is the
    /// workspace's one `from_code` shape for a closed set of codes (see `ocean-model`'s crate
    /// docs); [`AcceptedTaskStatus::parse`] says *why* a code is refused.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::parse(code).ok()
    }

    /// Reads a FHIR code and says why Ocean refuses it: [`StatusError::NotAccepted`] for a FHIR
    /// status Ocean refuses (`draft`, `entered-in-error`), [`StatusError::Unrecognized`] for a
    /// code that is no FHIR Task status.
    pub fn parse(code: &str) -> Result<Self, StatusError> {
        Self::try_from(&TaskStatus::from_code(code))
    }
}

impl fmt::Display for AcceptedTaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for AcceptedTaskStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// A Task status Ocean does not accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatusError {
    /// A FHIR Task status Ocean refuses (`draft`, `entered-in-error`).
    #[error("Task.status `{0}` is not accepted by Ocean")]
    NotAccepted(&'static str),
    /// A code outside the FHIR Task status value set (not shown: it may be any text).
    #[error("Task.status is not a FHIR task-status code")]
    Unrecognized,
}

impl TryFrom<&TaskStatus> for AcceptedTaskStatus {
    type Error = StatusError;

    /// Every FHIR Task status, matched exhaustively: ten are accepted, `draft` and
    /// `entered-in-error` are refused.
    fn try_from(status: &TaskStatus) -> Result<Self, StatusError> {
        Ok(match status {
            TaskStatus::Requested => Self::Requested,
            TaskStatus::Received => Self::Received,
            TaskStatus::Accepted => Self::Accepted,
            TaskStatus::InProgress => Self::InProgress,
            TaskStatus::OnHold => Self::OnHold,
            TaskStatus::Ready => Self::Ready,
            TaskStatus::Rejected => Self::Rejected,
            TaskStatus::Cancelled => Self::Cancelled,
            TaskStatus::Completed => Self::Completed,
            TaskStatus::Failed => Self::Failed,
            TaskStatus::Draft => return Err(StatusError::NotAccepted("draft")),
            TaskStatus::EnteredInError => return Err(StatusError::NotAccepted("entered-in-error")),
            TaskStatus::Unrecognized(_) => return Err(StatusError::Unrecognized),
        })
    }
}

impl From<AcceptedTaskStatus> for TaskStatus {
    fn from(s: AcceptedTaskStatus) -> Self {
        s.to_task_status()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One test per row of the seed table.
    #[test]
    fn seed_rows() {
        use AcceptedTaskStatus as S;
        let row = |s: S| (s.folders().sent.name(), s.folders().received.name());
        assert_eq!(row(S::Requested), ("Sent (All)", "New"));
        assert_eq!(row(S::Received), ("Sent (All)", "New"));
        for s in [S::Accepted, S::InProgress, S::OnHold, S::Ready] {
            assert_eq!(row(s), ("Pending Booking", "Pending Booking"), "{s}");
        }
        assert_eq!(row(S::Rejected), ("Declined", "Declined"));
        assert_eq!(row(S::Cancelled), ("Declined", "Declined"));
        assert_eq!(row(S::Completed), ("Completed", "Completed"));
        assert_eq!(row(S::Failed), ("Completed", "Completed"));
    }

    #[test]
    fn folders_without_a_task_status() {
        assert_eq!(
            Stage::BookingUnconfirmed.folders(),
            FolderPair {
                sent: SentFolder::BookingUnconfirmed,
                received: ReceivedFolder::BookingUnconfirmed
            }
        );
        assert_eq!(
            Stage::BookingConfirmed.sent_folder().name(),
            "Booking Confirmed"
        );
        assert_eq!(
            Stage::AwaitingResponse.sent_folder().name(),
            "Awaiting Response"
        );
        assert_eq!(
            Stage::AwaitingResponse.received_folder().name(),
            "Awaiting Reply"
        );
        assert_eq!(Stage::Cancelled.received_folder().name(), "Cancelled");
        assert!(
            AcceptedTaskStatus::ALL
                .iter()
                .all(|s| s.stage() != Stage::Cancelled)
        );
    }

    #[test]
    fn every_fhir_status_is_accepted_or_refused() {
        for status in TaskStatus::KNOWN {
            match AcceptedTaskStatus::try_from(status) {
                Ok(a) => assert_eq!(a.code(), status.as_str()),
                Err(StatusError::NotAccepted(code)) => {
                    assert!(["draft", "entered-in-error"].contains(&code));
                    assert_eq!(code, status.as_str());
                }
                Err(e) => panic!("{status}: {e}"),
            }
        }
        assert_eq!(
            AcceptedTaskStatus::parse("booked"),
            Err(StatusError::Unrecognized)
        );
        assert!(!StatusError::Unrecognized.to_string().contains("booked"));
        assert_eq!(AcceptedTaskStatus::ALL.len(), TaskStatus::KNOWN.len() - 2);
    }

    #[test]
    fn both_directions() {
        let codes = |st: Stage| {
            st.task_statuses()
                .map(AcceptedTaskStatus::code)
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(Stage::New), ["requested", "received"]);
        assert_eq!(
            codes(Stage::PendingBooking),
            ["accepted", "in-progress", "on-hold", "ready"]
        );
        assert_eq!(codes(Stage::Declined), ["rejected", "cancelled"]);
        assert_eq!(codes(Stage::Completed), ["completed", "failed"]);
        for st in [
            Stage::BookingUnconfirmed,
            Stage::BookingConfirmed,
            Stage::AwaitingResponse,
            Stage::Cancelled,
        ] {
            assert!(codes(st).is_empty());
        }
    }

    #[test]
    fn effects() {
        assert_eq!(AcceptedTaskStatus::Requested.effect(), TaskEffect::NoChange);
        assert_eq!(AcceptedTaskStatus::Received.effect(), TaskEffect::NoChange);
        assert_eq!(
            AcceptedTaskStatus::Cancelled.effect(),
            TaskEffect::MoveTo(Stage::Declined)
        );
    }
}
