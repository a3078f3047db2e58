//! Building the messages a receiving POS sends to Ocean.
//!
//! Every builder starts from the received [`Message`] (usually the `add-service-request`), so
//! the referral id, the ServiceRequest entry and the Ocean host are always the ones Ocean sent:
//! nothing is invented. An [`Outbound`] holds the received message, the [`OceanSite`], the
//! POS's identity ([`PosSystem`]), an id source and a clock; each method builds one message:
//!
//! | method | event | focus | what Ocean does with it |
//! |---|---|---|---|
//! | [`Outbound::add_process_request`] | `notify-add-process-request` | Task | the receiver's Process Request Task with its first status |
//! | [`Outbound::update_process_request`] | `notify-update-process-request` | Task | status change: accept (optionally importing the patient), decline with a reason, complete, ... |
//! | [`Outbound::add_appointment`] | `notify-add-appointment` | Appointment | booking (Booking Confirmed/Unconfirmed), or booking instructions only |
//! | [`Outbound::update_appointment`] | `notify-update-process-request` | Task, Appointment | rescheduled or cancelled appointment (the IG sends appointment updates with the process-request update) |
//! | [`Outbound::send_communication`] | `send-communication-from-provider` | Communication | message (text and/or attachments) to the referrer: Awaiting Response |
//! | [`Outbound::correct_data`] | `notify-data-correction` | ServiceRequest | corrected demographics and/or referral data |
//!
//! # What a built message contains
//! 1. A new MessageHeader (`fullUrl` `urn:uuid:`, profile `MessageHeader|1.0.1`): the event
//!    coding; the referral id as `ext-referral-identifier` (`valueIdentifier`, system
//!    `{site}/svc/fhir/v1/NamingSystem/id-ereferral-reference`); `source` from the
//!    [`PosSystem`]; `destination` Ocean's `$process-messages` URL with the referrer as
//!    `receiver`; `sender` and `author` the receiving PractitionerRole (with the site's
//!    external service id as the sender's identifier, when configured); `focus`.
//! 2. The new resources, each with a UUID `id`, `fullUrl` `urn:uuid:{id}` and its eReferral
//!    profile: Task (`code` `process-request`, `intent` `order`, `basedOn` the ServiceRequest,
//!    `for` the Patient, `owner` the receiving PractitionerRole, `requester` the referrer),
//!    Appointment or Communication (`basedOn` the ServiceRequest).
//! 3. The received referral, echoed as Ocean sends it (every entry but the MessageHeader and the
//!    Task, Appointment and Communication entries, which the new message supersedes), as Ocean's
//!    own tooling does and as the IG requires for the ServiceRequest a Task is based on. Two
//!    repairs: notes without text are dropped from the ServiceRequest (FHIR requires
//!    `Annotation.text`; Ocean sometimes omits it), and an entry with neither `fullUrl` nor id
//!    gets a `urn:uuid:` `fullUrl`.
//!
//! # What the builders refuse (with [`BuildError`])
//! | refusal | why |
//! |---|---|
//! | any build from `notify-add-service-request` | that is the sending POS's copy; Ocean accepts events only from the referral's receiver |
//! | a site whose host or site number differs from the message's | the message belongs to another Ocean site |
//! | Task status `cancelled`, except to acknowledge a `revoke-service-request` | only the referrer cancels a referral (seed; Ocean's status table); the CA:eReC IG acknowledges a revoke with a `cancelled` process-request Task |
//! | anything else in reply to a `revoke-service-request` | the referral is cancelled |
//! | Task status `draft`, `entered-in-error` or an unknown code ([`TaskUpdate::from_status`]) | Ocean does not accept them |
//! | patient import with a status other than `accepted` | Ocean imports the patient on acceptance |
//! | blank texts (reason, instructions, message, MRN), an appointment ending before it starts, a communication with nothing in it, an attachment without a MIME type or content | Ocean would show nothing or reject it |
//! | a corrected ServiceRequest with another referral id or subject | a correction cannot move data to another referral or patient |
//! | any error-severity profile issue ([`ocean_model::validate`]) in the entries the builder wrote | Ocean validates against the same profiles |
//!
//! Issues inside echoed entries are Ocean's own content and do not block a message.
//!
//! # Deterministic output
//! Ids come from an [`IdSource`] and times from a [`Clock`]; by default fresh v4 UUIDs
//! ([`RandomIds`]) and the current UTC time ([`SystemClock`]). Tests use [`SequentialIds`] and
//! [`FixedClock`] for byte-identical output.
//!
//! ```
//! use ocean_messages::{parse, OceanSite, build::{Outbound, PosSystem, TaskUpdate, SequentialIds, FixedClock}};
//! use ocean_model::OceanBase;
//! let body = include_bytes!("../../testdata/ocean/ereferral_back_pain.bundle.json");
//! let received = parse(body)?.into_message().unwrap();
//! let site = OceanSite::new(OceanBase::Custom("http://localhost:8081".into()), "1234")?;
//! let pos = PosSystem::new("Acme EMR", "https://emr.example.org/ocean/messages")?;
//! let mut out = Outbound::new(&received, &site, &pos)?
//!     .with_ids(SequentialIds::new())
//!     .with_clock(FixedClock::new(time::macros::datetime!(2025-06-01 09:30 -4)));
//! let accepted = out.update_process_request(&TaskUpdate::accept().import_patient(Some("MRN-77".into())))?;
//! assert_eq!(accepted.event().code(), "notify-update-process-request");
//! // Refused: a receiver cannot cancel the referral.
//! let err = out.update_process_request(&TaskUpdate::new(ocean_status::AcceptedTaskStatus::Cancelled));
//! assert!(matches!(err, Err(ocean_messages::build::BuildError::ReceiverCannotCancel)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashSet;
use std::fmt;

use ocean_model::validate::{Issue, validate_bundle};
use ocean_model::{
    AppointmentParticipant, AppointmentStatus, Attachment, Base64Binary, Bundle, BundleEntry,
    BundleType, Code, CodeableConcept, Coding, Communication, CommunicationContent,
    CommunicationPayload, DateTime, EventStatus, Extension, Id, Identifier, IdentifierUse, Instant,
    MessageHeader, MessageHeaderDestination, MessageHeaderSource, Meta, OceanNamingSystem,
    ParticipationStatus, Patient, Profile, Reference, Resource, ResourceType, ServiceRequest, Task,
    TaskIntent, TaskStatus, Uri, Value, identifiers::V2_0203,
};
use ocean_status::{AcceptedTaskStatus, StatusError};
use time::UtcOffset;
use uuid::Uuid;

use crate::parse::{check_unique_full_urls, sr_referral};
use crate::view::Participant;

use crate::{Direction, EventCode, Message, OceanSite, ext, http};
/// The time type the builders and clocks use (re-exported from the `time` crate).
pub use time::OffsetDateTime;

/// Where new UUIDs come from.
pub trait IdSource {
    /// The next id.
    fn next_uuid(&mut self) -> Uuid;
}

impl<F: FnMut() -> Uuid> IdSource for F {
    fn next_uuid(&mut self) -> Uuid {
        self()
    }
}

/// Fresh random (v4) UUIDs: the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn next_uuid(&mut self) -> Uuid {
        Uuid::new_v4()
    }
}

/// Deterministic UUIDs for tests and snapshots: `00000000-0000-4000-8000-000000000001`,
/// `…0002`, ... (shaped as version 4, variant 1).
#[derive(Debug, Clone, Default)]
pub struct SequentialIds {
    last: u64,
}

impl SequentialIds {
    /// Starts at `…0001`.
    pub fn new() -> Self {
        Self::default()
    }
}

impl IdSource for SequentialIds {
    fn next_uuid(&mut self) -> Uuid {
        self.last = self.last.wrapping_add(1);
        Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0000 | u128::from(self.last))
    }
}

/// Where the current time comes from.
pub trait Clock {
    /// Now.
    fn now(&mut self) -> OffsetDateTime;
}

impl<F: FnMut() -> OffsetDateTime> Clock for F {
    fn now(&mut self) -> OffsetDateTime {
        self()
    }
}

/// The system clock, in UTC: the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&mut self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// Always the same time (with its UTC offset), for tests and snapshots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(OffsetDateTime);

impl FixedClock {
    /// A clock stopped at `at`.
    pub fn new(at: OffsetDateTime) -> Self {
        Self(at)
    }
}

impl Clock for FixedClock {
    fn now(&mut self) -> OffsetDateTime {
        self.0
    }
}

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
    /// The [`PosSystem`] is not usable.
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

/// The POS's identity as the source of its messages (`MessageHeader.source`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosSystem {
    name: String,
    software: Option<String>,
    version: Option<String>,
    endpoint: String,
}

impl PosSystem {
    /// A POS named `name`, reachable at `endpoint` (its message URL, as configured in Ocean; an
    /// `http(s)` URL).
    pub fn new(name: impl Into<String>, endpoint: impl Into<String>) -> Result<Self, BuildError> {
        let name = name.into();
        let endpoint = endpoint.into();
        if name.trim().is_empty() {
            return Err(BuildError::InvalidPosSystem("the name is empty"));
        }
        let scheme_ok = endpoint.starts_with("https://") || endpoint.starts_with("http://");
        if !scheme_ok || endpoint.chars().any(char::is_whitespace) {
            return Err(BuildError::InvalidPosSystem(
                "the endpoint must be an http(s) URL without whitespace",
            ));
        }
        Ok(Self {
            name,
            software: None,
            version: None,
            endpoint,
        })
    }

    /// Adds the software name and version (`source.software`, `source.version`).
    pub fn with_software(
        mut self,
        software: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        self.software = Some(software.into());
        self.version = Some(version.into());
        self
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

/// A Task status to send (for [`Outbound::add_process_request`] and
/// [`Outbound::update_process_request`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskUpdate {
    status: AcceptedTaskStatus,
    reason: Option<String>,
    import_patient: bool,
    patient_mrn: Option<String>,
    task_id: Option<Uuid>,
}

impl TaskUpdate {
    /// A status Ocean accepts.
    pub fn new(status: AcceptedTaskStatus) -> Self {
        Self {
            status,
            reason: None,
            import_patient: false,
            patient_mrn: None,
            task_id: None,
        }
    }

    /// A FHIR Task status; refused when Ocean does not accept it (`draft`, `entered-in-error`,
    /// unknown codes).
    pub fn from_status(status: &TaskStatus) -> Result<Self, BuildError> {
        Ok(Self::new(AcceptedTaskStatus::try_from(status)?))
    }

    /// `accepted`.
    pub fn accept() -> Self {
        Self::new(AcceptedTaskStatus::Accepted)
    }

    /// `rejected` with the decline reason (`Task.statusReason.text`).
    pub fn decline(reason: impl Into<String>) -> Self {
        Self::new(AcceptedTaskStatus::Rejected).with_reason(reason)
    }

    /// `completed`.
    pub fn complete() -> Self {
        Self::new(AcceptedTaskStatus::Completed)
    }

    /// Sets the reason for the status (`Task.statusReason.text`).
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Asks Ocean to import the patient (only with `accepted`): Ocean's
    /// `ext-accept-service-request-import`. With an MRN, the Patient also gets the POS's
    /// identifier (`id-external-patient-reference`, type `MR`) so Ocean links its patient to
    /// the POS's.
    pub fn import_patient(mut self, mrn: Option<String>) -> Self {
        self.import_patient = true;
        self.patient_mrn = mrn;
        self
    }

    /// Uses this Task id (the POS's persistent Process Request Task). Without it an update
    /// reuses the process-request Task of the received message, else a new id.
    pub fn with_task_id(mut self, id: Uuid) -> Self {
        self.task_id = Some(id);
        self
    }

    /// The status.
    pub fn status(&self) -> AcceptedTaskStatus {
        self.status
    }

    /// The reason, if set.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// Whether patient import is asked for.
    pub fn imports_patient(&self) -> bool {
        self.import_patient
    }

    /// The POS's MRN sent with the import, if any.
    pub fn patient_mrn(&self) -> Option<&str> {
        self.patient_mrn.as_deref()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum BookingKind {
    Scheduled {
        start: OffsetDateTime,
        end: Option<OffsetDateTime>,
        confirmed: bool,
    },
    InstructionsOnly,
}

/// An appointment to send ([`Outbound::add_appointment`], or the new time of
/// [`AppointmentUpdate::reschedule`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    kind: BookingKind,
    instructions: Option<String>,
    description: Option<String>,
    appointment_id: Option<Uuid>,
}

impl Booking {
    /// A confirmed booking (Appointment `booked`: Ocean's Booking Confirmed) starting at
    /// `start`, with the patient as participant.
    pub fn scheduled(start: OffsetDateTime) -> Self {
        Self {
            kind: BookingKind::Scheduled {
                start,
                end: None,
                confirmed: true,
            },
            instructions: None,
            description: None,
            appointment_id: None,
        }
    }

    /// Booking instructions only (Appointment `proposed`, no time, no participant; the text is
    /// `patientInstruction`, Ocean's booking comments).
    pub fn instructions_only(instructions: impl Into<String>) -> Self {
        Self {
            kind: BookingKind::InstructionsOnly,
            instructions: Some(instructions.into()),
            description: None,
            appointment_id: None,
        }
    }

    /// Sets the end (also written as `minutesDuration`).
    pub fn ending(mut self, end: OffsetDateTime) -> Self {
        if let BookingKind::Scheduled { end: e, .. } = &mut self.kind {
            *e = Some(end);
        }
        self
    }

    /// Not yet confirmed with the patient (Appointment `pending`: Ocean's Booking Unconfirmed).
    pub fn unconfirmed(mut self) -> Self {
        if let BookingKind::Scheduled { confirmed, .. } = &mut self.kind {
            *confirmed = false;
        }
        self
    }

    /// Booking comments for the patient (`patientInstruction`).
    pub fn with_instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// A description (`Appointment.description`).
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Uses this Appointment id (the POS's persistent appointment id).
    pub fn with_appointment_id(mut self, id: Uuid) -> Self {
        self.appointment_id = Some(id);
        self
    }
}

/// What changes in an appointment update.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppointmentChange {
    /// New time (and instructions).
    Reschedule(Booking),
    /// Cancelled, with an optional reason (`cancelationReason.text`).
    Cancel {
        /// Why.
        reason: Option<String>,
    },
}

/// An appointment update or cancellation ([`Outbound::update_appointment`]): sent as
/// `notify-update-process-request` with the Task and the Appointment as focus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentUpdate {
    change: AppointmentChange,
    appointment_id: Option<Uuid>,
    task: TaskUpdate,
}

impl AppointmentUpdate {
    /// The appointment moves to a new time. The Task goes with status `accepted` unless
    /// [`Self::with_task`] says otherwise.
    pub fn reschedule(booking: Booking) -> Self {
        Self {
            change: AppointmentChange::Reschedule(booking),
            appointment_id: None,
            task: TaskUpdate::accept(),
        }
    }

    /// The appointment is cancelled (the referral goes back to Pending Booking with the Task
    /// `accepted`, unless [`Self::with_task`] says otherwise).
    pub fn cancel(reason: Option<String>) -> Self {
        Self {
            change: AppointmentChange::Cancel { reason },
            appointment_id: None,
            task: TaskUpdate::accept(),
        }
    }

    /// The Task status (and reason) sent with the update.
    pub fn with_task(mut self, task: TaskUpdate) -> Self {
        self.task = task;
        self
    }

    /// The id of the appointment to update. Without it: the rescheduled booking's id, else the
    /// last Appointment of the received message.
    pub fn with_appointment_id(mut self, id: Uuid) -> Self {
        self.appointment_id = Some(id);
        self
    }
}

/// Content of an outgoing attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttachmentContent {
    /// The bytes, sent inline as base64 `data` with their `size`.
    Data(Vec<u8>),
    /// A URL Ocean can fetch (`http(s)`).
    Url(String),
}

/// A file sent with a communication (`payload.contentAttachment`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingAttachment {
    content_type: String,
    title: Option<String>,
    content: AttachmentContent,
}

impl OutgoingAttachment {
    /// Bytes of a MIME type (`application/pdf`).
    pub fn data(content_type: impl Into<String>, bytes: Vec<u8>) -> Self {
        Self {
            content_type: content_type.into(),
            title: None,
            content: AttachmentContent::Data(bytes),
        }
    }

    /// A URL of a MIME type.
    pub fn url(content_type: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            content_type: content_type.into(),
            title: None,
            content: AttachmentContent::Url(url.into()),
        }
    }

    /// The file name shown in Ocean.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }
}

/// A message to the referrer ([`Outbound::send_communication`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutgoingCommunication {
    text: Option<String>,
    attachments: Vec<OutgoingAttachment>,
}

impl OutgoingCommunication {
    /// A text message.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: Some(text.into()),
            attachments: Vec::new(),
        }
    }

    /// A message with attachments only (add them with [`Self::with_attachment`]).
    pub fn attachments_only() -> Self {
        Self::default()
    }

    /// Adds an attachment.
    pub fn with_attachment(mut self, attachment: OutgoingAttachment) -> Self {
        self.attachments.push(attachment);
        self
    }
}

/// Corrected data ([`Outbound::correct_data`]): start from the received resources
/// (`message.referral().patient().clone()`), change what is wrong, and pass them here.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Correction {
    patient: Option<Patient>,
    service_request: Option<ServiceRequest>,
}

impl Correction {
    /// Nothing corrected yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The corrected Patient (demographics).
    pub fn with_patient(mut self, patient: Patient) -> Self {
        self.patient = Some(patient);
        self
    }

    /// The corrected ServiceRequest (referral data). Its Ocean referral id and subject must
    /// stay the received ones (left out, they are filled in).
    pub fn with_service_request(mut self, service_request: ServiceRequest) -> Self {
        self.service_request = Some(service_request);
        self
    }
}

/// A built message: the Bundle to POST to the site's `$process-messages` URL with content type
/// [`http::FHIR_JSON`]. `Debug` shows the event and ids only.
#[derive(Clone)]
pub struct OutboundMessage {
    event: EventCode,
    bundle: Bundle,
    message_id: Uuid,
    url: String,
}

impl fmt::Debug for OutboundMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboundMessage")
            .field("event", &self.event)
            .field("message_id", &self.message_id)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl OutboundMessage {
    /// The event.
    pub fn event(&self) -> EventCode {
        self.event
    }

    /// The Bundle.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// The Bundle, owned.
    pub fn into_bundle(self) -> Bundle {
        self.bundle
    }

    /// The MessageHeader id.
    pub fn message_id(&self) -> Uuid {
        self.message_id
    }

    /// Where to POST it: the site's `$process-messages` URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The body as compact JSON.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        ocean_model::json::to_string(&self.bundle)
    }

    /// The body as indented JSON.
    pub fn to_json_pretty(&self) -> Result<String, serde_json::Error> {
        ocean_model::json::to_string_pretty(&self.bundle)
    }
}

/// Formats a time as a FHIR `instant` (`2025-06-01T09:30:00.000-04:00`), keeping its offset
/// (converted to UTC when the offset has seconds, which FHIR cannot write).
pub(crate) fn instant_text(t: OffsetDateTime) -> Result<String, BuildError> {
    let t = if t.offset().seconds_past_minute() != 0 {
        // `checked_to_offset`: near the edge of `time`'s range, `to_offset` would panic.
        t.checked_to_offset(UtcOffset::UTC)
            .ok_or(BuildError::ClockOutOfRange)?
    } else {
        t
    };
    if !(1..=9999).contains(&t.year()) {
        return Err(BuildError::ClockOutOfRange);
    }
    let offset = t.offset();
    let zone = if offset.is_utc() {
        "Z".to_owned()
    } else {
        let sign = if offset.is_negative() { '-' } else { '+' };
        format!(
            "{sign}{:02}:{:02}",
            offset.whole_hours().unsigned_abs(),
            offset.minutes_past_hour().unsigned_abs()
        )
    };
    Ok(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{zone}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    ))
}

fn profiled(resource_type: &str) -> Option<Box<Meta>> {
    Profile::ocean_v0_11_1(resource_type).map(|p| {
        let mut meta = Meta::default();
        meta.profile = vec![p.to_uri()];
        Box::new(meta)
    })
}

fn urn(id: Uuid) -> String {
    format!("urn:uuid:{id}")
}

fn non_blank(text: &Option<String>, what: &'static str) -> Result<(), BuildError> {
    match text {
        Some(t) if t.trim().is_empty() => Err(BuildError::Empty(what)),
        _ => Ok(()),
    }
}

/// The uuid an entry is known by (its `fullUrl` `urn:uuid:`/bare UUID, else its id if a UUID).
fn entry_uuid(entry: &BundleEntry) -> Option<Uuid> {
    let from_url = entry
        .full_url
        .as_ref()
        .and_then(|u| ocean_model::ParsedReference::parse(u.as_str()).uuid())
        .and_then(|u| Uuid::parse_str(u).ok());
    from_url.or_else(|| {
        entry
            .resource
            .as_ref()
            .and_then(Resource::id)
            .and_then(|id| Uuid::parse_str(id).ok())
    })
}

/// A new resource for the message, with its id.
struct NewEntry {
    id: Uuid,
    resource: Resource,
}

/// Builds messages to Ocean from a received message (see the module docs).
pub struct Outbound<'a> {
    received: &'a Message,
    site: &'a OceanSite,
    pos: &'a PosSystem,
    ids: Box<dyn IdSource + 'a>,
    clock: Box<dyn Clock + 'a>,
    /// UUIDs in use in the message being built (echoed entries, new ids).
    taken: HashSet<Uuid>,
}

impl fmt::Debug for Outbound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outbound")
            .field("received", &self.received)
            .field("site", &self.site)
            .field("pos", &self.pos)
            .finish_non_exhaustive()
    }
}

impl<'a> Outbound<'a> {
    /// Builders for replies to `received`, for `site`, from `pos`. Refused when the message is
    /// the sending POS's `notify-add-service-request`, or when it names another Ocean host or
    /// site number than `site`.
    pub fn new(
        received: &'a Message,
        site: &'a OceanSite,
        pos: &'a PosSystem,
    ) -> Result<Self, BuildError> {
        if received.code() == EventCode::NotifyAddServiceRequest {
            return Err(BuildError::SendingPosCopy);
        }
        if received
            .ocean_base()
            .is_some_and(|b| b.url() != site.base().url())
        {
            return Err(BuildError::SiteMismatch("Ocean host"));
        }
        if receiving_role(received)
            .and_then(|r| r.site_number())
            .is_some_and(|n| n != site.site_number())
        {
            return Err(BuildError::SiteMismatch("site number"));
        }
        Ok(Self {
            received,
            site,
            pos,
            ids: Box::new(RandomIds),
            clock: Box::new(SystemClock),
            taken: HashSet::new(),
        })
    }

    /// Uses `ids` for every new id.
    pub fn with_ids(mut self, ids: impl IdSource + 'a) -> Self {
        self.ids = Box::new(ids);
        self
    }

    /// Uses `clock` for every time written.
    pub fn with_clock(mut self, clock: impl Clock + 'a) -> Self {
        self.clock = Box::new(clock);
        self
    }

    /// `notify-add-process-request`: the receiver's Process Request Task (a new Task id unless
    /// the update gives one).
    pub fn add_process_request(
        &mut self,
        update: &TaskUpdate,
    ) -> Result<OutboundMessage, BuildError> {
        self.process_request(EventCode::NotifyAddProcessRequest, update)
    }

    /// `notify-update-process-request`: a new Task status (the Task id: the update's, else the
    /// received message's process-request Task, else a new one).
    pub fn update_process_request(
        &mut self,
        update: &TaskUpdate,
    ) -> Result<OutboundMessage, BuildError> {
        self.process_request(EventCode::NotifyUpdateProcessRequest, update)
    }

    fn process_request(
        &mut self,
        code: EventCode,
        update: &TaskUpdate,
    ) -> Result<OutboundMessage, BuildError> {
        self.check_task(update, true)?;
        let now = self.start()?;
        let task = self.task(code, update, &now)?;
        let mrn = update
            .patient_mrn
            .as_deref()
            .filter(|_| update.import_patient);
        self.assemble(code, vec![task], Vec::new(), &now, mrn)
    }

    /// `notify-add-appointment`: a booking, or booking instructions only.
    pub fn add_appointment(&mut self, booking: &Booking) -> Result<OutboundMessage, BuildError> {
        self.not_revoked()?;
        let now = self.start()?;
        let id = match booking.appointment_id {
            Some(id) => self.claim(id)?,
            None => self.fresh_id()?,
        };
        let appointment = self.appointment(id, booking, &now)?;
        self.assemble(
            EventCode::NotifyAddAppointment,
            vec![appointment],
            Vec::new(),
            &now,
            None,
        )
    }

    /// `notify-update-process-request` with the Task and the Appointment as focus: an
    /// appointment rescheduled or cancelled.
    pub fn update_appointment(
        &mut self,
        update: &AppointmentUpdate,
    ) -> Result<OutboundMessage, BuildError> {
        self.not_revoked()?;
        self.check_task(&update.task, false)?;
        let now = self.start()?;
        let booking_id = match &update.change {
            AppointmentChange::Reschedule(b) => b.appointment_id,
            AppointmentChange::Cancel { .. } => None,
        };
        let received_appointments: Vec<(Uuid, &ocean_model::Appointment)> = self
            .received
            .bundle()
            .entry
            .iter()
            .filter_map(|e| {
                let a = e
                    .resource
                    .as_ref()
                    .and_then(ocean_model::Appointment::from_resource)?;
                Some((entry_uuid(e)?, a))
            })
            .collect();
        let id = update
            .appointment_id
            .or(booking_id)
            .or_else(|| received_appointments.last().map(|(id, _)| *id))
            .ok_or(BuildError::NoAppointment)?;
        let id = self.claim(id)?;
        let task = self.task(EventCode::NotifyUpdateProcessRequest, &update.task, &now)?;
        let appointment = match &update.change {
            AppointmentChange::Reschedule(booking) => self.appointment(id, booking, &now)?,
            AppointmentChange::Cancel { reason } => {
                non_blank(reason, "the cancellation reason")?;
                let mut a = received_appointments
                    .iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, a)| (*a).clone())
                    .unwrap_or_default();
                a.id = Some(Id::new(id.to_string()));
                a.meta = profiled("Appointment");
                a.status = Some(AppointmentStatus::Cancelled);
                a.cancelation_reason = reason.as_ref().map(CodeableConcept::from_text);
                a.based_on = vec![self.referral_reference()];
                NewEntry {
                    id,
                    resource: a.into(),
                }
            }
        };
        self.assemble(
            EventCode::NotifyUpdateProcessRequest,
            vec![task, appointment],
            Vec::new(),
            &now,
            update
                .task
                .patient_mrn
                .as_deref()
                .filter(|_| update.task.import_patient),
        )
    }

    /// `send-communication-from-provider`: a message to the referrer.
    pub fn send_communication(
        &mut self,
        message: &OutgoingCommunication,
    ) -> Result<OutboundMessage, BuildError> {
        self.not_revoked()?;
        non_blank(&message.text, "the communication text")?;
        if message.text.is_none() && message.attachments.is_empty() {
            return Err(BuildError::EmptyCommunication);
        }
        let now = self.start()?;
        let mut c = Communication::new(EventStatus::Completed);
        let id = self.fresh_id()?;
        c.id = Some(Id::new(id.to_string()));
        c.meta = profiled("Communication");
        c.based_on = vec![self.referral_reference()];
        c.subject = self.received.service_request().subject.clone();
        c.sent = Some(DateTime::new(now.clone()));
        c.recipient = self
            .received
            .service_request()
            .requester
            .iter()
            .cloned()
            .collect();
        c.sender = self.receiver_reference();
        if let Some(text) = &message.text {
            let mut p = CommunicationPayload::default();
            p.content = Some(CommunicationContent::String(text.clone()));
            c.payload.push(p);
        }
        for (index, a) in message.attachments.iter().enumerate() {
            let bad = |reason| BuildError::InvalidAttachment { index, reason };
            let ct = a.content_type.trim();
            let (top, sub) = ct.split_once('/').unwrap_or_default();
            if top.is_empty() || sub.is_empty() || ct.chars().any(char::is_whitespace) {
                return Err(bad("the MIME type must look like type/subtype"));
            }
            non_blank(&a.title, "an attachment title")?;
            let mut att = Attachment::default();
            att.content_type = Some(Code::new(ct));
            att.title = a.title.clone();
            att.creation = Some(DateTime::new(now.clone()));
            match &a.content {
                AttachmentContent::Data(bytes) => {
                    if bytes.is_empty() {
                        return Err(bad("the content is empty"));
                    }
                    att.data = Some(Base64Binary::new(http::base64(bytes)));
                    att.size = i64::try_from(bytes.len()).ok();
                }
                AttachmentContent::Url(url) => {
                    let ok = (url.starts_with("https://") || url.starts_with("http://"))
                        && !url.chars().any(char::is_whitespace);
                    if !ok {
                        return Err(bad("the URL must be http(s) without whitespace"));
                    }
                    att.url = Some(Uri::new(url.as_str()));
                }
            }
            let mut p = CommunicationPayload::default();
            p.content = Some(CommunicationContent::Attachment(att));
            c.payload.push(p);
        }
        self.assemble(
            EventCode::SendCommunicationFromProvider,
            vec![NewEntry {
                id,
                resource: c.into(),
            }],
            Vec::new(),
            &now,
            None,
        )
    }

    /// `notify-data-correction`: the corrected Patient and/or ServiceRequest replace the
    /// received ones (same entries, same `fullUrl`); the ServiceRequest is the focus.
    pub fn correct_data(&mut self, correction: &Correction) -> Result<OutboundMessage, BuildError> {
        self.not_revoked()?;
        if correction.patient.is_none() && correction.service_request.is_none() {
            return Err(BuildError::EmptyCorrection);
        }
        let received = self.received;
        let original_sr = received.service_request();
        let mut replacements = Vec::new();
        if let Some(sr) = &correction.service_request {
            let mut sr = sr.clone();
            match sr_referral(&sr.identifier) {
                Some((v, _)) if v != received.referral_id().as_str() => {
                    return Err(BuildError::ReferralIdChanged);
                }
                Some(_) => {}
                None => sr.identifier.push(
                    original_sr
                        .identifier
                        .iter()
                        .find(|i| sr_referral(std::slice::from_ref(*i)).is_some())
                        .cloned()
                        .unwrap_or_else(|| {
                            self.site.base().referral_identifier(received.referral_id())
                        }),
                ),
            }
            match (&sr.subject, &original_sr.subject) {
                (Some(a), Some(b)) if a.reference != b.reference => {
                    return Err(BuildError::SubjectChanged);
                }
                (None, original) => sr.subject = original.clone(),
                _ => {}
            }
            if sr.id.is_none() {
                sr.id = original_sr.id.clone();
            }
            replacements.push((received.service_request_index(), Resource::from(sr)));
        }
        if let Some(p) = &correction.patient {
            let mut p = p.clone();
            if p.id.is_none() {
                p.id = received.patient().id.clone();
            }
            replacements.push((received.patient_index(), Resource::from(p)));
        }
        let now = self.start()?;
        self.assemble(
            EventCode::NotifyDataCorrection,
            Vec::new(),
            replacements,
            &now,
            None,
        )
    }

    /// Starts a message: the current time, and the UUIDs the echoed entries already use.
    fn start(&mut self) -> Result<String, BuildError> {
        self.taken = self
            .received
            .bundle()
            .entry
            .iter()
            .enumerate()
            .filter(|(i, e)| echoed(*i, e))
            .filter_map(|(_, e)| entry_uuid(e))
            .collect();
        instant_text(self.clock.now())
    }

    /// A UUID not yet used in the message (an id source that repeats itself is asked again, up
    /// to 32 times).
    fn fresh_id(&mut self) -> Result<Uuid, BuildError> {
        for _ in 0..32 {
            let id = self.ids.next_uuid();
            if self.taken.insert(id) {
                return Ok(id);
            }
        }
        Err(BuildError::DuplicateId)
    }

    /// Claims an id given by the caller or reused from the received message.
    fn claim(&mut self, id: Uuid) -> Result<Uuid, BuildError> {
        if self.taken.insert(id) {
            Ok(id)
        } else {
            Err(BuildError::DuplicateId)
        }
    }

    fn not_revoked(&self) -> Result<(), BuildError> {
        if self.received.code() == EventCode::RevokeServiceRequest {
            return Err(BuildError::Revoked);
        }
        Ok(())
    }

    /// The Task rules; `cancel_ack_allowed` for a plain process-request message.
    fn check_task(&self, update: &TaskUpdate, cancel_ack_allowed: bool) -> Result<(), BuildError> {
        let revoked = self.received.code() == EventCode::RevokeServiceRequest;
        match (update.status, revoked) {
            (AcceptedTaskStatus::Cancelled, true) if cancel_ack_allowed => {}
            (AcceptedTaskStatus::Cancelled, _) => return Err(BuildError::ReceiverCannotCancel),
            (_, true) => return Err(BuildError::Revoked),
            _ => {}
        }
        if update.import_patient && update.status != AcceptedTaskStatus::Accepted {
            return Err(BuildError::ImportNeedsAccept);
        }
        non_blank(&update.reason, "the status reason")?;
        non_blank(&update.patient_mrn, "the patient MRN")?;
        Ok(())
    }

    /// How the echoed ServiceRequest is referenced.
    fn referral_reference(&self) -> Reference {
        Reference::to(self.reference_to(self.received.service_request_index()))
    }

    /// A reference to entry `index` of the received Bundle as it is echoed: its `fullUrl`, else
    /// `Type/id`, else the `urn:uuid:` the echo gives it ([`Self::echo`] uses the same rule).
    fn reference_to(&self, index: usize) -> String {
        let entry = self.received.bundle().entry.get(index);
        if let Some(url) = entry
            .and_then(|e| e.full_url.as_ref())
            .filter(|u| !u.as_str().is_empty())
        {
            return url.as_str().to_owned();
        }
        if let Some(r) = entry.and_then(|e| e.resource.as_ref()) {
            if let Some(id) = r.id() {
                return format!("{}/{id}", r.resource_type());
            }
        }
        urn(Self::stand_in_uuid(index))
    }

    /// The `urn:uuid:` given to an echoed entry with neither `fullUrl` nor id: derived from its
    /// index, so every reference to it agrees without extra state.
    fn stand_in_uuid(index: usize) -> Uuid {
        Uuid::from_u128(0x0cea_0000_0000_4000_8000_0000_0000_0000 | index as u128)
    }

    /// A reference to the receiving PractitionerRole (the message's sender and author, the
    /// Task's owner).
    fn receiver_reference(&self) -> Option<Reference> {
        let index = receiving_role(self.received)?.role_index()?;
        Some(Reference::to(self.reference_to(index)))
    }

    fn task(
        &mut self,
        code: EventCode,
        update: &TaskUpdate,
        now: &str,
    ) -> Result<NewEntry, BuildError> {
        let reused = (code == EventCode::NotifyUpdateProcessRequest)
            .then(|| {
                self.received.bundle().entry.iter().find_map(|e| {
                    let t = e.resource.as_ref().and_then(Task::from_resource)?;
                    let is_pr = t
                        .code
                        .as_ref()
                        .is_some_and(|c| c.has_code(None, ext::PROCESS_REQUEST));
                    if is_pr { entry_uuid(e) } else { None }
                })
            })
            .flatten();
        let id = match update.task_id.or(reused) {
            Some(id) => self.claim(id)?,
            None => self.fresh_id()?,
        };
        let mut t = Task::new(update.status.to_task_status(), TaskIntent::Order);
        t.id = Some(Id::new(id.to_string()));
        t.meta = profiled("Task");
        let mut coding = Coding::default();
        coding.code = Some(Code::new(ext::PROCESS_REQUEST));
        coding.display = Some("Process Request".to_owned());
        t.code = Some(CodeableConcept::from_coding(coding));
        t.based_on = vec![self.referral_reference()];
        t.for_ = self.received.service_request().subject.clone();
        if code == EventCode::NotifyAddProcessRequest {
            t.authored_on = Some(DateTime::new(now));
        }
        t.last_modified = Some(DateTime::new(now));
        t.requester = self.received.service_request().requester.clone();
        t.owner = self.receiver_reference();
        t.status_reason = update.reason.as_ref().map(CodeableConcept::from_text);
        if update.import_patient {
            t.extension.push(Extension::new(
                ext::ACCEPT_SERVICE_REQUEST_IMPORT,
                Value::Boolean(true),
            ));
        }
        Ok(NewEntry {
            id,
            resource: t.into(),
        })
    }

    fn appointment(
        &mut self,
        id: Uuid,
        booking: &Booking,
        now: &str,
    ) -> Result<NewEntry, BuildError> {
        non_blank(&booking.instructions, "the booking instructions")?;
        non_blank(&booking.description, "the appointment description")?;
        let mut a = ocean_model::Appointment::default();
        a.id = Some(Id::new(id.to_string()));
        a.meta = profiled("Appointment");
        a.based_on = vec![self.referral_reference()];
        a.created = Some(DateTime::new(now));
        a.patient_instruction = booking.instructions.clone();
        a.description = booking.description.clone();
        match booking.kind {
            BookingKind::InstructionsOnly => {
                if booking.instructions.is_none() {
                    return Err(BuildError::Empty("the booking instructions"));
                }
                a.status = Some(AppointmentStatus::Proposed);
            }
            BookingKind::Scheduled {
                start,
                end,
                confirmed,
            } => {
                a.status = Some(if confirmed {
                    AppointmentStatus::Booked
                } else {
                    AppointmentStatus::Pending
                });
                a.start = Some(Instant::new(instant_text(start)?));
                if let Some(end) = end {
                    if end < start {
                        return Err(BuildError::EndBeforeStart);
                    }
                    a.end = Some(Instant::new(instant_text(end)?));
                    a.minutes_duration = Some((end - start).whole_minutes());
                }
                let mut p = AppointmentParticipant::default();
                p.actor = self.received.service_request().subject.clone();
                p.required = Some(Code::new("required"));
                p.status = Some(if confirmed {
                    ParticipationStatus::Accepted
                } else {
                    ParticipationStatus::NeedsAction
                });
                a.participant = vec![p];
            }
        }
        Ok(NewEntry {
            id,
            resource: a.into(),
        })
    }

    /// The received referral, echoed (see the module docs), with `replacements` applied; returns
    /// the entries and, for each received index, its position among them.
    fn echo(
        &self,
        replacements: Vec<(usize, Resource)>,
        patient_mrn: Option<&str>,
    ) -> (Vec<BundleEntry>, Vec<(usize, usize)>) {
        let mut entries = Vec::new();
        let mut positions = Vec::new();
        for (i, e) in self.received.bundle().entry.iter().enumerate() {
            if !echoed(i, e) {
                continue;
            }
            let mut entry = e.clone();
            if entry
                .full_url
                .as_ref()
                .is_none_or(|u| u.as_str().is_empty())
                && entry.resource.as_ref().and_then(Resource::id).is_none()
            {
                entry.full_url = Some(Uri::new(urn(Self::stand_in_uuid(i))));
            }
            if let Some(Resource::ServiceRequest(sr)) = &mut entry.resource {
                sr.note
                    .retain(|n| n.text.as_deref().is_some_and(|t| !t.is_empty()));
            }
            if i == self.received.patient_index() {
                if let (Some(Resource::Patient(p)), Some(mrn)) = (&mut entry.resource, patient_mrn)
                {
                    self.set_mrn(p, mrn);
                }
            }
            positions.push((i, entries.len()));
            entries.push(entry);
        }
        for (i, resource) in replacements {
            if let Some(&(_, pos)) = positions.iter().find(|(r, _)| *r == i) {
                if let Some(entry) = entries.get_mut(pos) {
                    entry.resource = Some(resource);
                }
            }
        }
        (entries, positions)
    }

    /// Sets the POS's MRN on the Patient (`id-external-patient-reference` on the site's host,
    /// type v2-0203 `MR`), replacing an identifier of that NamingSystem (any host).
    fn set_mrn(&self, patient: &mut Patient, mrn: &str) {
        patient.identifier.retain(|id| {
            !id.system.as_ref().is_some_and(|s| {
                matches!(
                    ocean_model::OceanBase::parse_naming_system(s.as_str()),
                    Some((_, OceanNamingSystem::ExternalPatientReference))
                )
            })
        });
        let mut coding = Coding::new(V2_0203, Code::new("MR"));
        coding.display = Some("Medical record number".to_owned());
        let mut type_ = CodeableConcept::from_coding(coding);
        type_.text = Some("EMR/EHR Medical Record Number".to_owned());
        let mut id = Identifier::new(
            self.site
                .naming_system(OceanNamingSystem::ExternalPatientReference),
            mrn,
        );
        id.use_ = Some(IdentifierUse::Usual);
        id.type_ = Some(type_);
        patient.identifier.push(id);
    }

    fn assemble(
        &mut self,
        code: EventCode,
        new: Vec<NewEntry>,
        replacements: Vec<(usize, Resource)>,
        now: &str,
        patient_mrn: Option<&str>,
    ) -> Result<OutboundMessage, BuildError> {
        let received = self.received;
        let bundle_id = self.fresh_id()?;
        let header_id = self.fresh_id()?;
        let replaced: Vec<usize> = replacements.iter().map(|(i, _)| *i).collect();
        let (echoed, positions) = self.echo(replacements, patient_mrn);

        let mut header = MessageHeader::new(code.to_coding(), self.pos.endpoint.as_str());
        header.id = Some(Id::new(header_id.to_string()));
        header.meta = profiled("MessageHeader");
        header.extension.push(Extension::new(
            ext::REFERRAL_IDENTIFIER,
            Value::Identifier(Box::new(
                self.site.base().referral_identifier(received.referral_id()),
            )),
        ));
        let mut source = MessageHeaderSource::default();
        source.name = Some(self.pos.name.clone());
        source.software = self.pos.software.clone();
        source.version = self.pos.version.clone();
        source.endpoint = Some(Uri::new(self.pos.endpoint.as_str()));
        header.source = Some(source);
        let mut destination = MessageHeaderDestination::default();
        destination.name = Some("Ocean".to_owned());
        destination.endpoint = Some(Uri::new(self.site.process_messages_url()));
        destination.receiver = received.service_request().requester.clone();
        header.destination = vec![destination];
        let receiver = self.receiver_reference();
        header.author = receiver.clone();
        header.sender = receiver.map(|mut r| {
            if let Some(service) = self.site.external_service_id() {
                r.identifier = Some(Box::new(Identifier::new(
                    self.site
                        .naming_system(OceanNamingSystem::ReferralTargetExternalService),
                    service,
                )));
            }
            r
        });

        // Entry order: MessageHeader, new resources, echoed referral.
        let mut authored: Vec<usize> = vec![0];
        let mut entries = Vec::with_capacity(1 + new.len() + echoed.len());
        entries.push(BundleEntry::new(urn(header_id), Resource::from(header)));
        for n in new {
            header_focus(&mut entries, &urn(n.id));
            authored.push(entries.len());
            entries.push(BundleEntry::new(urn(n.id), n.resource));
        }
        let offset = entries.len();
        for i in &replaced {
            if let Some((_, pos)) = positions.iter().find(|(r, _)| r == i) {
                authored.push(offset + pos);
            }
        }
        if patient_mrn.is_some() {
            if let Some((_, pos)) = positions
                .iter()
                .find(|(r, _)| *r == received.patient_index())
            {
                authored.push(offset + pos);
            }
        }
        if code == EventCode::NotifyDataCorrection {
            let sr_ref = self.reference_to(received.service_request_index());
            header_focus(&mut entries, &sr_ref);
        }
        entries.extend(echoed);

        let mut bundle = Bundle::new(BundleType::Message);
        bundle.id = Some(Id::new(bundle_id.to_string()));
        bundle.timestamp = Some(Instant::new(now));
        bundle.entry = entries;

        if check_unique_full_urls(&bundle, code).is_err() {
            return Err(BuildError::DuplicateId);
        }
        let errors: Vec<Issue> = validate_bundle(&bundle)
            .into_iter()
            .filter(|i| i.is_error() && in_authored(&i.path, &authored))
            .collect();
        if !errors.is_empty() {
            return Err(BuildError::Profile(errors));
        }
        Ok(OutboundMessage {
            event: code,
            bundle,
            message_id: header_id,
            url: self.site.process_messages_url(),
        })
    }
}

/// The receiving POS's PractitionerRole in a message: for one Ocean sent, its
/// `destination.receiver` (else the referral's first performer); for one a POS sent (a built
/// message read back), its `sender` (else the first performer).
fn receiving_role(message: &Message) -> Option<Participant<'_>> {
    match message.code().direction() {
        Direction::FromOcean => message.receiver(),
        Direction::ToOcean => message
            .sender()
            .or_else(|| message.referral().performers().next()),
    }
}

/// Whether received entry `index` is echoed: not the MessageHeader, nor a Task, Appointment or
/// Communication (the new message supersedes those).
fn echoed(index: usize, entry: &BundleEntry) -> bool {
    index != 0
        && !matches!(
            entry.resource,
            Some(
                Resource::MessageHeader(_)
                    | Resource::Task(_)
                    | Resource::Appointment(_)
                    | Resource::Communication(_)
            )
        )
}

/// Appends a focus reference to the MessageHeader (the first entry).
fn header_focus(entries: &mut [BundleEntry], reference: &str) {
    if let Some(Resource::MessageHeader(h)) = entries.first_mut().and_then(|e| e.resource.as_mut())
    {
        h.focus.push(Reference::to(reference));
    }
}

/// Whether an issue path is Bundle-level or inside one of the authored entries.
fn in_authored(path: &str, authored: &[usize]) -> bool {
    let Some(rest) = path.strip_prefix("Bundle.entry[") else {
        return true;
    };
    let index: Option<usize> = rest.split(']').next().and_then(|n| n.parse().ok());
    index.is_some_and(|i| authored.contains(&i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn instants() {
        assert_eq!(
            instant_text(datetime!(2025-06-01 09:30:05.123 -4)).unwrap(),
            "2025-06-01T09:30:05.123-04:00"
        );
        assert_eq!(
            instant_text(datetime!(2025-06-01 09:30 UTC)).unwrap(),
            "2025-06-01T09:30:00.000Z"
        );
        assert_eq!(
            instant_text(datetime!(2025-06-01 09:30 +5:30)).unwrap(),
            "2025-06-01T09:30:00.000+05:30"
        );
        assert_eq!(
            instant_text(datetime!(2025-06-01 09:30 -0:30)).unwrap(),
            "2025-06-01T09:30:00.000-00:30"
        );
        assert_eq!(
            instant_text(datetime!(2025-06-01 09:30 +0:00:30)).unwrap(),
            "2025-06-01T09:29:30.000Z"
        );
        assert_eq!(
            instant_text(datetime!(-0001-01-01 0:00 UTC)),
            Err(BuildError::ClockOutOfRange)
        );
        assert_eq!(
            instant_text(datetime!(-9999-01-01 0:00 +0:00:30)),
            Err(BuildError::ClockOutOfRange)
        );
        for text in ["2025-06-01T09:30:05.123-04:00", "2025-06-01T09:30:00.000Z"] {
            assert!(Instant::new(text).parse().is_ok());
        }
    }

    #[test]
    fn sequential_ids() {
        let mut ids = SequentialIds::new();
        assert_eq!(
            ids.next_uuid().to_string(),
            "00000000-0000-4000-8000-000000000001"
        );
        assert_eq!(
            ids.next_uuid().to_string(),
            "00000000-0000-4000-8000-000000000002"
        );
        let mut counter = 0u128;
        let mut closure = || {
            counter += 1;
            Uuid::from_u128(counter)
        };
        assert_eq!(closure.next_uuid(), Uuid::from_u128(1));
    }

    #[test]
    fn authored_paths() {
        assert!(in_authored("Bundle.timestamp", &[0]));
        assert!(in_authored("Bundle.entry[1].resource.code", &[0, 1]));
        assert!(!in_authored("Bundle.entry[10].resource.code", &[0, 1]));
        assert!(!in_authored("Bundle.entry[x].resource", &[0]));
    }

    #[test]
    fn pos_system_validation() {
        assert!(PosSystem::new("Acme", "https://emr.example/m").is_ok());
        assert!(matches!(
            PosSystem::new(" ", "https://emr.example/m"),
            Err(BuildError::InvalidPosSystem(_))
        ));
        assert!(matches!(
            PosSystem::new("Acme", "emr.example/m"),
            Err(BuildError::InvalidPosSystem(_))
        ));
    }
}
