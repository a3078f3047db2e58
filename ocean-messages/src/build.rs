//! Building the messages a receiving POS sends to Ocean: every builder type, gathered under one
//! path (each event's builder lives in the module of its event).
//!
//! Every builder starts from the received [`Message`](crate::Message) (usually the `add-service-request`), so
//! the referral id, the ServiceRequest entry and the Ocean host are always the ones Ocean sent:
//! nothing is invented. An [`Outbound`] holds the received message, the [`OceanSite`](crate::OceanSite), the
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

pub use crate::appointment::{AppointmentChange, AppointmentUpdate, Booking};
pub use crate::build_error::BuildError;
pub use crate::clock::{Clock, FixedClock, IdSource, RandomIds, SequentialIds, SystemClock};
pub use crate::communication::{AttachmentContent, OutgoingAttachment, OutgoingCommunication};
pub use crate::correction::Correction;
pub use crate::outbound::{OffsetDateTime, Outbound, OutboundMessage};
pub use crate::pos::PosSystem;
pub use crate::process_request::TaskUpdate;
