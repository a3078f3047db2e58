//! Message events between Ocean eReferral and a POS (EMR), in the Ontario eReferral IG v0.11.1
//! format Ocean uses: parse every event Ocean sends, build every event a receiving POS sends.
//!
//! # Receive flow (Ocean → POS)
//! Ocean POSTs a FHIR message Bundle to the POS's endpoint (configured in Ocean Cloud Connect).
//! The receiver:
//! 1. reads the body (check the `Content-Type` with [`http::is_fhir_json`]) and calls
//!    [`parse`];
//! 2. answers with [`http::ack`]: the status code and OperationOutcome body for the outcome
//!    (table below);
//! 3. drops a message whose [`Received::idempotency_key`] it has already processed (Ocean
//!    retries until it gets a `2xx`, for up to 96 hours);
//! 4. picks the [`OceanSite`] the message belongs to ([`OceanSite::find_for`]);
//! 5. handles the typed [`Event`] from [`Message::event`], and may log
//!    [`Message::profile_issues`]; [`receive_view`](mod@receive_view) gives the whole filed view as one JSON
//!    object (what the `receive --json` example prints, with a JSON Schema).
//!
//! ```
//! use ocean_messages::{http, parse, Event, Received};
//! let body = include_bytes!("../../testdata/ocean/ereferral_miscellaneous.bundle.json");
//! let result = parse(body);
//! let answer = http::ack(&result); // status 200, OperationOutcome body
//! assert_eq!(answer.status(), 200);
//! if let Ok(Received::Supported(message)) = &result {
//!     match message.event() {
//!         Event::AddServiceRequest(referral) => {
//!             assert_eq!(referral.patient().gender.as_ref().map(|g| g.as_str()), Some("unknown"));
//!             assert!(referral.requester().unwrap().practitioner().is_some());
//!             let sender = message.sender().and_then(|p| p.practitioner()).unwrap();
//!             assert_eq!(sender.name[0].family.as_deref(), Some("Kavanagh"));
//!             let form = referral.forms().next().unwrap();
//!             assert_eq!(form.form_id(), Some("quickReferral"));
//!             assert!(form.items().iter().any(|i| i.link_id() == Some("rfr")));
//!             assert!(referral.letter_url().unwrap().ends_with("/$letter"));
//!             // Neither a reasonCode, nor a note with text, nor an answer to `rfr`: no reason.
//!             assert!(referral.reason().is_none());
//!         }
//!         Event::RevokeServiceRequest(referral) => println!("cancelled: {}", referral.id()),
//!         _ => {}
//!     }
//! }
//! ```
//!
//! # Send flow (POS → Ocean)
//! 1. Keep the received message (or its body) for the referral: every builder starts from it.
//! 2. Create an [`build::Outbound`] with the message, its [`OceanSite`] and the POS's
//!    [`build::PosSystem`], and call the builder for the event (accept, decline, book, message,
//!    correct). Builders refuse what Ocean would reject (see [`build`]).
//! 3. Get a token: POST [`http::ClientCredentials::token_request`] to the site's token URL.
//! 4. POST [`build::OutboundMessage::to_json`] to [`build::OutboundMessage::url`] (the site's
//!    `$process-messages`) with content type [`http::FHIR_JSON`] and the bearer token.
//!
//! # The four outcomes of [`parse`]: the receive table
//! | outcome | when | answer ([`http::ack`]) |
//! |---|---|---|
//! | `Err(`[`MessageError::NotAMessage`]`)` | not JSON, not UTF-8, too deep, too large, not a Bundle, `Bundle.type` not `message`, no MessageHeader first | **400** not a message |
//! | `Err(`[`MessageError::Invalid`]`)` | a modelled event whose content breaks a rule below; a near miss of a modelled event (`event-code`, `event-system`); an ambiguous message (`msh-single`, `msh-event-choice`, `reference-unique`, `full-url-unique`); the error names the FHIR path and the rule | **400** invalid |
//! | `Ok(`[`Received::Unsupported`]`)` | a well-formed message with an event this crate does not model at all (another code, with any system; an `eventUri` whose last segment is not a modelled code) | **200** unsupported (so Ocean stops retrying) |
//! | `Ok(`[`Received::Supported`]`)` | a modelled event, checked and resolved | **200** supported |
//!
//! A referral is never dropped silently: a code that is a modelled one after trimming white
//! space and folding ASCII case (`add-service-request `, `Add-Service-Request`), an `eventUri`
//! ending in one, or a modelled code with a system Ocean does not use (anything but
//! `https://ehealthontario.ca/fhir/CodeSystem/message-event-code`, its `http` spelling, or no
//! system) is **400**, so Ocean retries and alerts the site instead of taking a 200 for a
//! referral nobody read.
//!
//! Profile issues ([`ocean_model::validate`]) are a separate list and never change the
//! outcome: real Ocean payloads break some profile rules (a note without text) and must still be
//! read.
//!
//! # Rules a modelled event must satisfy ([`MessageRule`])
//! | rule | requirement | path in the error |
//! |---|---|---|
//! | `msh-event` | the MessageHeader has an event code | `Bundle.entry[0].resource.eventCoding` |
//! | `msh-focus` | `focus` is present and every focus resolves to an entry | `Bundle.entry[0].resource.focus[i]` |
//! | `focus-type` | `focus[0]` has the event's type (table below) | `Bundle.entry[0].resource.focus[0]` |
//! | `full-url-unique` | no two entries share a `fullUrl` (bare UUID = `urn:uuid:` of it) | `Bundle.entry[i].fullUrl` |
//! | `based-on` | a Task/Appointment/Communication focus names a ServiceRequest entry in `basedOn` (when `basedOn` is empty: the ServiceRequest with the header's referral id, or the only one) | `Bundle.entry[f].resource.basedOn` |
//! | `referral-present` | a Patient focus comes with the referral's ServiceRequest | `Bundle.entry` |
//! | `referral-id` | the Ocean referral id is in the MessageHeader extension (`ext-referral-identifier` `valueIdentifier`, or v0.10 `ext-id-message-header` `valueString`) or a ServiceRequest identifier (`…/NamingSystem/id-ereferral-reference`) | `Bundle.entry[s].resource.identifier` |
//! | `referral-id-agree` | the header's and the ServiceRequest's referral ids are the same | `Bundle.entry[0].resource.extension[i]` |
//! | `sr-subject` | the ServiceRequest's `subject` resolves to a Patient entry (the focus Patient, for a Patient focus) | `Bundle.entry[s].resource.subject` |
//! | `task-status`, `appointment-status` | a Task or Appointment focus has a `status` | `Bundle.entry[f].resource.status` |
//! | `fhir-json` | every modelled element has its FHIR JSON type | the element's path |
//! | `msh-single` | one MessageHeader, the first entry (every message) | `Bundle.entry[i].resource` |
//! | `msh-event-choice` | `eventCoding` or `eventUri`, not both (every message) | `Bundle.entry[0].resource.eventUri` |
//! | `event-code` | a code that is modelled after trimming/case-folding (or an `eventUri` ending in one) is written exactly | `Bundle.entry[0].resource.eventCoding.code` |
//! | `event-system` | a modelled code has Ocean's system or none | `Bundle.entry[0].resource.eventCoding.system` |
//! | `reference-unique` | no two entries share a `Type/id` (resource type and id, or `fullUrl` tail), so no reference means two entries | `Bundle.entry[i]` |
//!
//! # Complexity
//! [`parse`] is linear in the body: the Bundle is read once, its entries are indexed once
//! (`fullUrl`, UUID, `Type/id`), and every reference (focus, `basedOn`, `subject`, participants,
//! form subjects) resolves through that index in constant time. [`Message::profile_issues`]
//! runs [`ocean_model::validate`], whose complexity that crate documents.
//!
//! # Events: focus and what you get
//! | event | direction | focus | [`Event`] variant → view: what you get |
//! |---|---|---|---|
//! | `add-service-request` | Ocean → receiving POS | ServiceRequest | [`Referral`]: referral id, status, category, priority, the reason for referral as plain text with its source ([`Referral::reason`]), plain-text notes with author and time, `authoredOn`; Patient, its chosen name and health number; requester, performers ([`Participant`]: PractitionerRole → Practitioner, Organization, Locations, site number); eForms ([`Form`], hidden items marked); documents ([`Document`]: `$letter`, `$binary`) |
//! | `notify-update-service-request` | Ocean → POS | ServiceRequest | [`Referral`], plus the Task, Appointment and Communication entries Ocean accumulates |
//! | `revoke-service-request` | Ocean → receiving POS | ServiceRequest | [`Referral`] (cancelled by the referrer) |
//! | `send-communication-from-requester` | Ocean → receiving POS | Communication | [`CommunicationView`]: texts, attachments, sender, and the referral |
//! | `notify-add-service-request` | Ocean → sending POS | ServiceRequest | [`Referral`] (the sender's copy) |
//! | `notify-add-process-request` | POS → Ocean | Task | [`TaskView`]: status (and whether Ocean accepts it), reason, patient import, owner |
//! | `notify-update-process-request` | POS → Ocean | Task (+ Appointment) | [`TaskView`], with [`TaskView::appointment`] for an appointment update |
//! | `notify-add-appointment` | POS → Ocean | Appointment | [`AppointmentView`]: status, start/end, booking instructions |
//! | `send-communication-from-provider` | POS → Ocean | Communication | [`CommunicationView`] |
//! | `notify-data-correction` | POS → Ocean | ServiceRequest (or Patient) | [`DataCorrection`]: the corrected ServiceRequest and Patient |
//!
//! Both Ocean v0.11.1 shapes (`urn:uuid:` `fullUrl`s, a bare-UUID MessageHeader `fullUrl`, the
//! referral id as `valueIdentifier`) and v0.10 shapes (resource ids, `Type/id` references, the
//! referral id as `valueString`) parse.
//!
//! # Referral state
//! Every message event moves the referral between Ocean's folders, or not: [`Event::referral_events`]
//! (received) and [`build::OutboundMessage::referral_events`] (built) give the
//! [`ocean_status::ReferralEvent`]s it causes, with the mapping table, so a POS folds a
//! referral's message log into Ocean's folder state with [`ocean_status::ReferralState::fold`].
//!
//! # Idempotency key
//! `{event}|{referral id or -}|{message id}`, the message id being `msh:{MessageHeader.id}`,
//! else `bundle:{Bundle.id}`, else `url:{MessageHeader fullUrl}`, else `fnv:` and a hash of the
//! content. Stable across Ocean's retries of one message, different for every new message. See
//! [`idempotency`].
//!
//! # Sites
//! Every Ocean NamingSystem URI and endpoint is relative to the Ocean host of a site
//! ([`OceanSite`]: host, site number, external service id); a POS may hold several.
//!
//! # Errors
//! No error's `Display` or `Debug` contains patient data: they name element paths, resource
//! types, event codes and rule ids. [`Message`]'s `Debug` shows ids only.
//!
//! Matching a received referral's patient to the POS's charts is the `ocean-match` crate.

#![forbid(unsafe_code)]

/// `Debug` for a view: its type name and the given fields, never the resources it borrows.
macro_rules! debug_view {
    ($name:ident, $($field:ident),*) => {
        impl std::fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($name))
                    $( .field(stringify!($field), &self.$field) )*
                    .finish_non_exhaustive()
            }
        }
    };
}

mod appointment;
pub mod build;
mod build_error;
mod clock;
mod code;
mod communication;
mod correction;
mod document;
mod envelope;
mod error;
pub mod event;
pub mod ext;
mod form;
pub mod http;
pub mod idempotency;
mod index;
mod message;
mod name;
mod outbound;
mod parse;
mod participant;
mod pos;
mod process_request;
mod reason;
pub mod receive_view;
mod referral;
mod referral_event;
mod rules;
pub mod site;
pub mod view;

pub use appointment::AppointmentView;
pub use code::{Direction, EventCode};
pub use communication::CommunicationView;
pub use correction::{Corrected, DataCorrection};
pub use document::{Document, DocumentKind, DocumentLink};
pub use error::{MessageError, NotAMessage};
pub use event::Event;
pub use form::{Form, FormItem};
pub use idempotency::IdempotencyKey;
pub use message::{Message, Received, UnsupportedMessage};
pub use name::PersonName;
pub use parse::{DEFAULT_MAX_BYTES, ParseOptions, parse, parse_with};
pub use participant::Participant;
pub use process_request::TaskView;
pub use reason::{Note, REASON_ITEM, REASON_LABEL, Reason, ReasonSource};
pub use receive_view::receive_view;
pub use referral::Referral;
pub use rules::{InvalidMessage, MessageRule};
pub use site::{OceanSite, SiteError};
