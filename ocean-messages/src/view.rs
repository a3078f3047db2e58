//! Borrowed views of a parsed [`Message`]: what a POS needs from each event without walking
//! the Bundle.
//!
//! | view | what you get |
//! |---|---|
//! | [`Referral`] | the ServiceRequest with its Ocean referral id, status, category, priority, reasons, notes and `authoredOn`; the Patient and health number; requester, performers and the message's receiver as [`Participant`]s; eForms ([`Form`]); attachments ([`Document`]); any Task, Appointment and Communication entries |
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

use std::borrow::Cow;
use std::fmt;

use ocean_model::{
    Annotation, AnswerValue, Appointment, AppointmentStatus, Attachment, CodeableConcept,
    Communication, CommunicationContent, DateTime, DocumentReference, HealthNumber, Instant,
    Location, OceanBase, OceanNamingSystem, Organization, Patient, Practitioner, PractitionerRole,
    QuestionnaireResponse, QuestionnaireResponseAnswer, QuestionnaireResponseItem, Reference,
    ReferralId, RequestPriority, RequestStatus, Resource, ServiceRequest, Task, TaskStatus,
};
use ocean_status::AcceptedTaskStatus;

use crate::Message;
use crate::ext;

macro_rules! debug_view {
    ($name:ident, $($field:ident),*) => {
        impl fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    $( .field(stringify!($field), &self.$field) )*
                    .finish_non_exhaustive()
            }
        }
    };
}

/// The referral of a message: its ServiceRequest and everything the message carries about it.
#[derive(Clone, Copy)]
pub struct Referral<'m> {
    m: &'m Message,
}

impl fmt::Debug for Referral<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Referral")
            .field("id", self.m.referral_id())
            .finish_non_exhaustive()
    }
}

impl<'m> Referral<'m> {
    pub(crate) fn new(m: &'m Message) -> Self {
        Self { m }
    }

    /// The Ocean referral id.
    pub fn id(&self) -> &'m ReferralId {
        self.m.referral_id()
    }

    /// The Ocean host the referral id names, if any.
    pub fn ocean_base(&self) -> Option<&'m OceanBase> {
        self.m.ocean_base()
    }

    /// The ServiceRequest.
    pub fn service_request(&self) -> &'m ServiceRequest {
        self.m.service_request()
    }

    /// The index of the ServiceRequest in `Bundle.entry`.
    pub fn entry_index(&self) -> usize {
        self.m.service_request_index()
    }

    /// `ServiceRequest.status` (`active`, `revoked`, ...).
    pub fn status(&self) -> Option<&'m RequestStatus> {
        self.service_request().status.as_ref()
    }

    /// `ServiceRequest.priority`.
    pub fn priority(&self) -> Option<&'m RequestPriority> {
        self.service_request().priority.as_ref()
    }

    /// `ServiceRequest.authoredOn`.
    pub fn authored_on(&self) -> Option<&'m DateTime> {
        self.service_request().authored_on.as_ref()
    }

    /// `ServiceRequest.category` (Ocean: SNOMED CT, with Ocean's category name as `display`).
    pub fn categories(&self) -> &'m [CodeableConcept] {
        &self.service_request().category
    }

    /// The first category as text: its `text`, else the first coding's `display` (Ocean's
    /// category name, e.g. `MENTAL_HEALTH_ASSESSMENT_AND_REFERRAL`), else its code.
    pub fn category(&self) -> Option<&'m str> {
        self.categories()
            .iter()
            .find_map(CodeableConcept::display_text)
    }

    /// `ServiceRequest.reasonCode` as text.
    pub fn reasons(&self) -> impl Iterator<Item = &'m str> + use<'m> {
        self.service_request()
            .reason_code
            .iter()
            .filter_map(CodeableConcept::display_text)
    }

    /// `ServiceRequest.note` (Ocean: "Reason for Referral" as HTML).
    pub fn notes(&self) -> &'m [Annotation] {
        &self.service_request().note
    }

    /// The text of every note that has one.
    pub fn note_texts(&self) -> impl Iterator<Item = &'m str> + use<'m> {
        self.notes()
            .iter()
            .filter_map(|n| n.text.as_deref().filter(|t| !t.is_empty()))
    }

    /// The Patient (`ServiceRequest.subject`).
    pub fn patient(&self) -> &'m Patient {
        self.m.patient()
    }

    /// The index of the Patient in `Bundle.entry`.
    pub fn patient_index(&self) -> usize {
        self.m.patient_index()
    }

    /// The patient's provincial health number, if the Patient has one with a value.
    pub fn health_number(&self) -> Option<HealthNumber> {
        HealthNumber::find(&self.patient().identifier)
    }

    /// `ServiceRequest.requester`, resolved.
    pub fn requester(&self) -> Option<Participant<'m>> {
        self.service_request()
            .requester
            .as_ref()
            .and_then(|r| Participant::resolve(self.m, r))
    }

    /// `ServiceRequest.performer[]`, resolved (unresolvable ones are skipped).
    pub fn performers(&self) -> impl Iterator<Item = Participant<'m>> + use<'m> {
        let m = self.m;
        self.service_request()
            .performer
            .iter()
            .filter_map(move |r| Participant::resolve(m, r))
    }

    /// The eForms: every QuestionnaireResponse entry, in Bundle order.
    pub fn forms(&self) -> impl Iterator<Item = Form<'m>> + use<'m> {
        let m = self.m;
        m.bundle()
            .entries_of::<QuestionnaireResponse>()
            .map(move |(_, _, qr)| Form { qr, m })
    }

    /// The documents: every DocumentReference entry, in Bundle order (Ocean: the referral letter
    /// and the attachments).
    pub fn documents(&self) -> impl Iterator<Item = Document<'m>> + use<'m> {
        self.m
            .bundle()
            .entries_of::<DocumentReference>()
            .map(|(_, _, doc)| Document { doc })
    }

    /// The referral letter link (`…/ServiceRequest/{id}/$letter`), if a document has one.
    pub fn letter_url(&self) -> Option<&'m str> {
        self.documents()
            .flat_map(|d| d.links())
            .find(|l| l.kind() == DocumentKind::ReferralLetter)
            .and_then(|l| l.url())
    }

    /// Every Task entry (the referral's process state, where the message carries it).
    pub fn tasks(&self) -> impl Iterator<Item = TaskView<'m>> + use<'m> {
        let m = self.m;
        m.bundle()
            .entries_of::<Task>()
            .map(move |(i, _, _)| TaskView::new(m, i))
    }

    /// Every Appointment entry.
    pub fn appointments(&self) -> impl Iterator<Item = AppointmentView<'m>> + use<'m> {
        let m = self.m;
        m.bundle()
            .entries_of::<Appointment>()
            .map(move |(i, _, _)| AppointmentView::new(m, i))
    }

    /// Every Communication entry.
    pub fn communications(&self) -> impl Iterator<Item = CommunicationView<'m>> + use<'m> {
        let m = self.m;
        m.bundle()
            .entries_of::<Communication>()
            .map(move |(i, _, _)| CommunicationView::new(m, i))
    }
}

/// A person or organisation in a referral (requester, performer, sender, receiver): a
/// PractitionerRole with its Practitioner, Organization and Locations, or a Practitioner or
/// Organization referenced directly.
#[derive(Clone)]
pub struct Participant<'m> {
    role: Option<&'m PractitionerRole>,
    role_index: Option<usize>,
    practitioner: Option<&'m Practitioner>,
    organization: Option<&'m Organization>,
    locations: Vec<&'m Location>,
}

impl fmt::Debug for Participant<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Participant")
            .field("role_index", &self.role_index)
            .field("practitioner", &self.practitioner.is_some())
            .field("organization", &self.organization.is_some())
            .field("locations", &self.locations.len())
            .finish()
    }
}

impl<'m> Participant<'m> {
    /// Resolves a reference to a PractitionerRole, Practitioner or Organization entry.
    pub(crate) fn resolve(m: &'m Message, reference: &Reference) -> Option<Self> {
        let index = m.resolve_index(reference)?;
        let mut p = Self {
            role: None,
            role_index: None,
            practitioner: None,
            organization: None,
            locations: Vec::new(),
        };
        match m.resource(index)? {
            Resource::PractitionerRole(role) => {
                p.role = Some(role);
                p.role_index = Some(index);
                p.practitioner = role
                    .practitioner
                    .as_ref()
                    .and_then(|r| m.resolve_index(r))
                    .and_then(|i| m.typed(i));
                p.organization = role
                    .organization
                    .as_ref()
                    .and_then(|r| m.resolve_index(r))
                    .and_then(|i| m.typed(i));
                p.locations = role
                    .location
                    .iter()
                    .filter_map(|r| m.resolve_index(r).and_then(|i| m.typed(i)))
                    .collect();
            }
            Resource::Practitioner(pr) => p.practitioner = Some(pr),
            Resource::Organization(o) => p.organization = Some(o),
            _ => return None,
        }
        Some(p)
    }

    /// The PractitionerRole, when the reference named one.
    pub fn role(&self) -> Option<&'m PractitionerRole> {
        self.role
    }

    /// The index of the PractitionerRole in `Bundle.entry`.
    pub fn role_index(&self) -> Option<usize> {
        self.role_index
    }

    /// The Practitioner (of the role, or referenced directly).
    pub fn practitioner(&self) -> Option<&'m Practitioner> {
        self.practitioner
    }

    /// The Organization (of the role, or referenced directly).
    pub fn organization(&self) -> Option<&'m Organization> {
        self.organization
    }

    /// The role's Locations (Ocean: the listing's and the clinician's addresses).
    pub fn locations(&self) -> &[&'m Location] {
        &self.locations
    }

    /// The value of an Ocean identifier (any Ocean host) on the role, else on the Practitioner.
    pub fn ocean_identifier(&self, ns: OceanNamingSystem) -> Option<&'m str> {
        let find = |ids: &'m [ocean_model::Identifier]| {
            ids.iter().find_map(|id| {
                let system = id.system.as_ref()?.as_str();
                let (_, found) = OceanBase::parse_naming_system(system)?;
                (found == ns)
                    .then_some(id.value.as_deref())
                    .flatten()
                    .filter(|v| !v.is_empty())
            })
        };
        self.role
            .and_then(|r| find(&r.identifier))
            .or_else(|| self.practitioner.and_then(|p| find(&p.identifier)))
    }

    /// The Ocean site number (`id-site-number`).
    pub fn site_number(&self) -> Option<&'m str> {
        self.ocean_identifier(OceanNamingSystem::SiteNumber)
    }

    /// The Ocean directory listing reference (`id-referral-target-reference`).
    pub fn listing_reference(&self) -> Option<&'m str> {
        self.ocean_identifier(OceanNamingSystem::ReferralTargetReference)
    }
}

/// An eForm: a QuestionnaireResponse.
#[derive(Clone, Copy)]
pub struct Form<'m> {
    qr: &'m QuestionnaireResponse,
    m: &'m Message,
}

impl fmt::Debug for Form<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Form")
            .field("items", &self.qr.item.len())
            .finish_non_exhaustive()
    }
}

impl<'m> Form<'m> {
    /// The QuestionnaireResponse.
    pub fn response(&self) -> &'m QuestionnaireResponse {
        self.qr
    }

    /// The Ocean eForm reference (`id-form-reference` identifier value, e.g. `quickReferral`).
    pub fn form_id(&self) -> Option<&'m str> {
        let id = self.qr.identifier.as_ref()?;
        let system = id.system.as_ref()?.as_str();
        matches!(
            OceanBase::parse_naming_system(system),
            Some((_, OceanNamingSystem::FormReference))
        )
        .then_some(id.value.as_deref())
        .flatten()
    }

    /// Whether the form's subject is the referral's patient (or it names none).
    pub fn is_about_patient(&self) -> bool {
        self.qr
            .subject
            .as_ref()
            .is_none_or(|s| self.m.resolve_index(s) == Some(self.m.patient_index()))
    }

    /// Every item, depth first in document order (nested items, including those under
    /// answers, follow their parent), with hidden items marked.
    pub fn items(&self) -> Vec<FormItem<'m>> {
        let mut out = Vec::new();
        let mut stack: Vec<(&'m QuestionnaireResponseItem, usize, bool)> = self
            .qr
            .item
            .iter()
            .rev()
            .map(|item| (item, 0, false))
            .collect();
        while let Some((item, depth, parent_hidden)) = stack.pop() {
            let hidden = parent_hidden || is_hidden(item);
            out.push(FormItem {
                item,
                depth,
                hidden,
            });
            let nested = item
                .item
                .iter()
                .chain(item.answer.iter().flat_map(|a| a.item.iter()));
            let children: Vec<_> = nested.map(|c| (c, depth + 1, hidden)).collect();
            stack.extend(children.into_iter().rev());
        }
        out
    }

    /// The items a person filled in or saw: the visible ones.
    pub fn visible_items(&self) -> Vec<FormItem<'m>> {
        self.items().into_iter().filter(|i| !i.hidden).collect()
    }
}

fn is_hidden(item: &QuestionnaireResponseItem) -> bool {
    item.extension.iter().any(|e| {
        e.url
            .as_ref()
            .is_some_and(|u| ext::is_item_visibility(u.as_str()))
            && e.value_str() == Some("hidden")
    })
}

/// One eForm item.
#[derive(Clone, Copy)]
pub struct FormItem<'m> {
    item: &'m QuestionnaireResponseItem,
    depth: usize,
    hidden: bool,
}

debug_view!(FormItem, depth, hidden);

impl<'m> FormItem<'m> {
    /// The item.
    pub fn item(&self) -> &'m QuestionnaireResponseItem {
        self.item
    }

    /// `linkId`.
    pub fn link_id(&self) -> Option<&'m str> {
        self.item.link_id.as_deref()
    }

    /// The question or group text (the eForm caption).
    pub fn text(&self) -> Option<&'m str> {
        self.item.text.as_deref()
    }

    /// How deeply the item is nested (0 for a top-level item).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Whether Ocean marked the item (or an item it is nested in) hidden.
    pub fn is_hidden(&self) -> bool {
        self.hidden
    }

    /// The answers.
    pub fn answers(&self) -> &'m [QuestionnaireResponseAnswer] {
        &self.item.answer
    }

    /// Each answer as text: strings, numbers and dates as written, booleans `true`/`false`,
    /// codings by display (else code), quantities as value and unit, references and attachments
    /// by their display or title (else URL).
    pub fn answer_texts(&self) -> Vec<Cow<'m, str>> {
        self.item
            .answer
            .iter()
            .filter_map(|a| a.value.as_ref().and_then(answer_text))
            .collect()
    }
}

fn answer_text(value: &AnswerValue) -> Option<Cow<'_, str>> {
    Some(match value {
        AnswerValue::Boolean(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        AnswerValue::Decimal(d) => Cow::Borrowed(d.as_str()),
        AnswerValue::Integer(i) => Cow::Owned(i.to_string()),
        AnswerValue::Date(d) => Cow::Borrowed(d.as_str()),
        AnswerValue::DateTime(d) => Cow::Borrowed(d.as_str()),
        AnswerValue::Time(t) => Cow::Borrowed(t.as_str()),
        AnswerValue::String(s) => Cow::Borrowed(s.as_str()),
        AnswerValue::Uri(u) => Cow::Borrowed(u.as_str()),
        AnswerValue::Attachment(a) => Cow::Borrowed(
            a.title
                .as_deref()
                .or_else(|| a.url.as_ref().map(|u| u.as_str()))?,
        ),
        AnswerValue::Coding(c) => Cow::Borrowed(
            c.display
                .as_deref()
                .or_else(|| c.code.as_ref().map(|c| c.as_str()))?,
        ),
        AnswerValue::Quantity(q) => {
            let value = q.value.as_ref()?.as_str();
            match q
                .unit
                .as_deref()
                .or_else(|| q.code.as_ref().map(|c| c.as_str()))
            {
                Some(unit) => Cow::Owned(format!("{value} {unit}")),
                None => Cow::Borrowed(value),
            }
        }
        AnswerValue::Reference(r) => {
            Cow::Borrowed(r.display.as_deref().or(r.reference.as_deref())?)
        }
    })
}

/// What a document link points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// Ocean's referral summary PDF: a URL ending in `/$letter` (fetch it with a token; add
    /// `?attachments=true` for the consolidated PDF).
    ReferralLetter,
    /// An attachment's content: a URL ending in `/$binary`.
    Binary,
    /// Content inline, as base64 `data`.
    Inline,
    /// Another URL, or nothing usable.
    Other,
}

/// A DocumentReference (referral letter or attachment).
#[derive(Clone, Copy)]
pub struct Document<'m> {
    doc: &'m DocumentReference,
}

impl fmt::Debug for Document<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("links", &self.doc.content.len())
            .finish_non_exhaustive()
    }
}

impl<'m> Document<'m> {
    /// The DocumentReference.
    pub fn document_reference(&self) -> &'m DocumentReference {
        self.doc
    }

    /// One link per `content.attachment`.
    pub fn links(&self) -> impl Iterator<Item = DocumentLink<'m>> + use<'m> {
        self.doc
            .content
            .iter()
            .filter_map(|c| c.attachment.as_ref())
            .map(|attachment| DocumentLink { attachment })
    }
}

/// One attachment of a document or communication.
#[derive(Clone, Copy)]
pub struct DocumentLink<'m> {
    attachment: &'m Attachment,
}

impl fmt::Debug for DocumentLink<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocumentLink")
            .field("kind", &self.kind())
            .finish_non_exhaustive()
    }
}

impl<'m> DocumentLink<'m> {
    /// The attachment.
    pub fn attachment(&self) -> &'m Attachment {
        self.attachment
    }

    /// What the link points at.
    pub fn kind(&self) -> DocumentKind {
        if let Some(url) = self.url() {
            let path = url.split(['?', '#']).next().unwrap_or_default();
            if path.ends_with("/$letter") {
                return DocumentKind::ReferralLetter;
            }
            if path.ends_with("/$binary") {
                return DocumentKind::Binary;
            }
        }
        if self.attachment.data.is_some() {
            DocumentKind::Inline
        } else {
            DocumentKind::Other
        }
    }

    /// The URL, if any.
    pub fn url(&self) -> Option<&'m str> {
        self.attachment.url.as_ref().map(|u| u.as_str())
    }

    /// The MIME type (Ocean: `application/pdf`).
    pub fn content_type(&self) -> Option<&'m str> {
        self.attachment.content_type.as_ref().map(|c| c.as_str())
    }

    /// The title (Ocean: the file name).
    pub fn title(&self) -> Option<&'m str> {
        self.attachment.title.as_deref()
    }

    /// The size in bytes, when given.
    pub fn size(&self) -> Option<i64> {
        self.attachment.size
    }
}

/// A Communication (a message between referrer and receiver).
#[derive(Clone, Copy)]
pub struct CommunicationView<'m> {
    m: &'m Message,
    index: usize,
}

debug_view!(CommunicationView, index);

static EMPTY_COMMUNICATION: std::sync::LazyLock<Communication> =
    std::sync::LazyLock::new(Communication::default);

impl<'m> CommunicationView<'m> {
    pub(crate) fn new(m: &'m Message, index: usize) -> Self {
        Self { m, index }
    }

    /// The Communication.
    pub fn communication(&self) -> &'m Communication {
        self.m.typed(self.index).unwrap_or(&EMPTY_COMMUNICATION)
    }

    /// The referral it is about.
    pub fn referral(&self) -> Referral<'m> {
        Referral::new(self.m)
    }

    /// Every `payload.contentString`.
    pub fn texts(&self) -> impl Iterator<Item = &'m str> + use<'m> {
        self.communication()
            .payload
            .iter()
            .filter_map(|p| match p.content.as_ref()? {
                CommunicationContent::String(s) => Some(s.as_str()),
                _ => None,
            })
    }

    /// Every attachment: `payload.contentAttachment`, and the attachments of DocumentReferences
    /// named by `payload.contentReference`.
    pub fn attachments(&self) -> Vec<DocumentLink<'m>> {
        let m = self.m;
        let mut out = Vec::new();
        for p in &self.communication().payload {
            match p.content.as_ref() {
                Some(CommunicationContent::Attachment(attachment)) => {
                    out.push(DocumentLink { attachment });
                }
                Some(CommunicationContent::Reference(r)) => {
                    if let Some(doc) = m
                        .resolve_index(r)
                        .and_then(|i| m.typed::<DocumentReference>(i))
                    {
                        out.extend(Document { doc }.links());
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// `sent`.
    pub fn sent(&self) -> Option<&'m DateTime> {
        self.communication().sent.as_ref()
    }

    /// `sender`, resolved.
    pub fn sender(&self) -> Option<Participant<'m>> {
        self.communication()
            .sender
            .as_ref()
            .and_then(|r| Participant::resolve(self.m, r))
    }
}

/// A Task (the receiver's Process Request).
#[derive(Clone, Copy)]
pub struct TaskView<'m> {
    m: &'m Message,
    index: usize,
}

debug_view!(TaskView, index);

static EMPTY_TASK: std::sync::LazyLock<Task> = std::sync::LazyLock::new(Task::default);

impl<'m> TaskView<'m> {
    pub(crate) fn new(m: &'m Message, index: usize) -> Self {
        Self { m, index }
    }

    /// The Task.
    pub fn task(&self) -> &'m Task {
        self.m.typed(self.index).unwrap_or(&EMPTY_TASK)
    }

    /// The referral it is about.
    pub fn referral(&self) -> Referral<'m> {
        Referral::new(self.m)
    }

    /// `Task.status` (always present on an event's focus Task).
    pub fn status(&self) -> Option<&'m TaskStatus> {
        self.task().status.as_ref()
    }

    /// The status as one Ocean accepts, or `None` when it is missing or one Ocean refuses
    /// (`draft`, `entered-in-error`, unknown codes).
    pub fn accepted_status(&self) -> Option<AcceptedTaskStatus> {
        self.status()
            .and_then(|s| AcceptedTaskStatus::try_from(s).ok())
    }

    /// Whether `Task.code` is `process-request`.
    pub fn is_process_request(&self) -> bool {
        self.task()
            .code
            .as_ref()
            .is_some_and(|c| c.has_code(None, ext::PROCESS_REQUEST))
    }

    /// The reason for the status (`statusReason` as text: a decline reason, for instance).
    pub fn reason(&self) -> Option<&'m str> {
        self.task()
            .status_reason
            .as_ref()
            .and_then(CodeableConcept::display_text)
    }

    /// Whether the Task asks Ocean to import the patient (Ocean's
    /// `ext-accept-service-request-import` set to true).
    pub fn imports_patient(&self) -> bool {
        self.task().extension.iter().any(|e| {
            e.url
                .as_ref()
                .is_some_and(|u| ext::is_accept_import(u.as_str()))
                && matches!(e.value, Some(ocean_model::Value::Boolean(true)))
        })
    }

    /// `Task.owner`, resolved.
    pub fn owner(&self) -> Option<Participant<'m>> {
        self.task()
            .owner
            .as_ref()
            .and_then(|r| Participant::resolve(self.m, r))
    }

    /// For the event's focus Task: the Appointment among the other focus resources (an
    /// appointment update or cancellation sent as `notify-update-process-request`).
    pub fn appointment(&self) -> Option<AppointmentView<'m>> {
        if self.index != self.m.focus_index() {
            return None;
        }
        self.m
            .other_focus_indices()
            .iter()
            .find(|&&i| self.m.typed::<Appointment>(i).is_some())
            .map(|&i| AppointmentView::new(self.m, i))
    }
}

/// An Appointment (a booking, or booking instructions only).
#[derive(Clone, Copy)]
pub struct AppointmentView<'m> {
    m: &'m Message,
    index: usize,
}

debug_view!(AppointmentView, index);

static EMPTY_APPOINTMENT: std::sync::LazyLock<Appointment> =
    std::sync::LazyLock::new(Appointment::default);

impl<'m> AppointmentView<'m> {
    pub(crate) fn new(m: &'m Message, index: usize) -> Self {
        Self { m, index }
    }

    /// The Appointment.
    pub fn appointment(&self) -> &'m Appointment {
        self.m.typed(self.index).unwrap_or(&EMPTY_APPOINTMENT)
    }

    /// The referral it is about.
    pub fn referral(&self) -> Referral<'m> {
        Referral::new(self.m)
    }

    /// `status`.
    pub fn status(&self) -> Option<&'m AppointmentStatus> {
        self.appointment().status.as_ref()
    }

    /// `start`.
    pub fn start(&self) -> Option<&'m Instant> {
        self.appointment().start.as_ref()
    }

    /// `end`.
    pub fn end(&self) -> Option<&'m Instant> {
        self.appointment().end.as_ref()
    }

    /// Ocean's booking comments (`patientInstruction`).
    pub fn booking_instructions(&self) -> Option<&'m str> {
        self.appointment().patient_instruction.as_deref()
    }

    /// Whether this is booking instructions only: status `proposed`, no start and no
    /// participant.
    pub fn is_instructions_only(&self) -> bool {
        let a = self.appointment();
        a.status == Some(AppointmentStatus::Proposed)
            && a.start.is_none()
            && a.participant.is_empty()
    }

    /// `cancelationReason` as text.
    pub fn cancellation_reason(&self) -> Option<&'m str> {
        self.appointment()
            .cancelation_reason
            .as_ref()
            .and_then(CodeableConcept::display_text)
    }
}

/// The corrected resource of a `notify-data-correction` (its focus).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Corrected<'m> {
    /// Referral data: the ServiceRequest (and, in the Bundle, its Patient).
    ServiceRequest(&'m ServiceRequest),
    /// Demographics: the Patient.
    Patient(&'m Patient),
}

/// A data correction: the corrected ServiceRequest and Patient.
#[derive(Clone, Copy)]
pub struct DataCorrection<'m> {
    m: &'m Message,
}

impl fmt::Debug for DataCorrection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataCorrection").finish_non_exhaustive()
    }
}

impl<'m> DataCorrection<'m> {
    pub(crate) fn new(m: &'m Message) -> Self {
        Self { m }
    }

    /// The referral (with the corrected ServiceRequest and Patient).
    pub fn referral(&self) -> Referral<'m> {
        Referral::new(self.m)
    }

    /// The focus resource.
    pub fn corrected(&self) -> Corrected<'m> {
        match self.m.focus() {
            Resource::Patient(p) => Corrected::Patient(p),
            _ => Corrected::ServiceRequest(self.m.service_request()),
        }
    }

    /// The (corrected) Patient.
    pub fn patient(&self) -> &'m Patient {
        self.m.patient()
    }

    /// The (corrected) ServiceRequest.
    pub fn service_request(&self) -> &'m ServiceRequest {
        self.m.service_request()
    }
}
