//! Borrowed views of a parsed [`Message`](crate::Message): what a POS needs from each event
//! without walking the Bundle; every view type, gathered under one path (each lives in the
//! module of its event).
//!
//! | view | what you get |
//! |---|---|
//! | [`Referral`] | the ServiceRequest with its Ocean referral id, status, category, priority, reasons, notes and `authoredOn`; the Patient and health number; requester, performers and the message's receiver as [`Participant`]s; eForms ([`Form`]); attachments ([`Document`]); any Task, Appointment and Communication entries |
//! | [`Reason`], [`Note`] | the reason for referral as plain text and where it came from (reasonCode, the labelled note, the eForm item `rfr`); each note's plain text, author and time |
//! | [`PersonName`] | the chosen name of a patient or practitioner, displayed `family, given` |
//! | [`Participant`] | a PractitionerRole with its Practitioner, Organization and Locations resolved (or a bare Practitioner or Organization), and its Ocean identifiers (site number, listing reference) |
//! | [`Form`] | a QuestionnaireResponse: the Ocean eForm id and every item, flattened, with hidden items marked and answers as text |
//! | [`Document`] | a DocumentReference and its links: the referral letter (`$letter`), attachments (`$binary`), inline data |
//! | [`CommunicationView`] | a Communication: texts, attachments, sender |
//! | [`TaskView`] | a Task: status (and whether Ocean accepts it), reason, patient import, owner, the appointment of an appointment update |
//! | [`AppointmentView`] | an Appointment: status, start/end, booking instructions, cancellation reason |
//! | [`DataCorrection`] | the corrected ServiceRequest and Patient |
//!
//! Hidden eForm items: an item is hidden when it, or an item it is nested in, carries Ocean's
//! `ext-ocean-eform-item-visibility` extension with `valueString` `hidden` (any Ocean host).

pub use crate::appointment::AppointmentView;
pub use crate::communication::CommunicationView;
pub use crate::correction::{Corrected, DataCorrection};
pub use crate::document::{Document, DocumentKind, DocumentLink};
pub use crate::form::{Form, FormItem};
pub use crate::name::PersonName;
pub use crate::participant::Participant;
pub use crate::process_request::TaskView;
pub use crate::reason::{Note, Reason, ReasonSource};
pub use crate::referral::Referral;
