//! Parsing a received body into one of three outcomes.
//!
//! 1. **Not a message** ([`NotAMessage`], answer 400): not JSON, not a Bundle, `Bundle.type` not
//!    `message`, or no MessageHeader as the first entry.
//! 2. **Invalid** ([`InvalidMessage`], answer 400): a message whose event this crate models,
//!    with content that breaks one of the [`MessageRule`]s (the error names the FHIR path and
//!    the rule).
//! 3. **Received** ([`Received`], answer 200): either [`Received::Supported`], a [`Message`]
//!    whose typed [`Event`](crate::Event) is ready for the POS, or [`Received::Unsupported`], a
//!    well-formed message with an event this crate does not model (`notify-update-appointment`,
//!    `send-communication`, a code from another system, an `eventUri`), which a receiver
//!    acknowledges so Ocean stops retrying.
//!
//! Profile issues (what [`ocean_model::validate`] reports) never change the outcome: real Ocean
//! payloads break some profile rules and must still be readable. Read them with
//! [`Message::profile_issues`].
//!
//! # How the event is recognised
//! `MessageHeader.eventCoding` with system `https://ehealthontario.ca/fhir/CodeSystem/message-event-code`
//! (also the `http` spelling, or no system) and one of the codes of [`EventCode`] is a modelled
//! event. Another code, another system or an `eventUri` is unsupported. No event at all is
//! invalid (`msh-event`).
//!
//! # Shapes that parse
//! Ocean v0.11.1 (MessageHeader `fullUrl` a bare UUID, other entries `urn:uuid:` without
//! `resource.id`, referral id in `ext-referral-identifier` as `valueIdentifier`) and v0.10 (no
//! `fullUrl`, resource ids, `Type/id` references, referral id in `ext-id-message-header` as
//! `valueString`), and mixtures: references resolve by the rules of [`Bundle::resolve`].

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

use ocean_model::validate::{Issue, validate_bundle};
use ocean_model::{
    Bundle, BundleType, Identifier, MessageEvent, MessageHeader, OceanBase, OceanNamingSystem,
    ParseError, ParseErrorKind, ParsedReference, Patient, Reference, ReferralId, Resource,
    ResourceType, ServiceRequest, Value, json,
};

use crate::error::{InvalidMessage, MessageError, MessageRule, NotAMessage};
use crate::event::{Event, EventCode, MESSAGE_EVENT_SYSTEM, MESSAGE_EVENT_SYSTEM_HTTP};
use crate::ext;
use crate::idempotency::{IdempotencyKey, MessageIds, fnv1a};
use crate::view::{Participant, Referral};

/// The default body size limit: 32 MiB. Ocean's messages carry attachments by URL (`$binary`),
/// so real ones are tens of kilobytes.
pub const DEFAULT_MAX_BYTES: usize = 32 << 20;

/// Parsing options.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Bodies longer than this are refused ([`NotAMessage::TooLarge`]) before any parsing.
    pub max_bytes: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

impl ParseOptions {
    /// The defaults ([`DEFAULT_MAX_BYTES`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the body size limit.
    pub fn max_bytes(mut self, limit: usize) -> Self {
        self.max_bytes = limit;
        self
    }
}

/// A well-formed message: a modelled event, or one this crate does not model.
#[derive(Debug, Clone)]
pub enum Received {
    /// A modelled event, checked and resolved.
    Supported(Box<Message>),
    /// A message with an event this crate does not model (answer 200 all the same).
    Unsupported(Box<UnsupportedMessage>),
}

impl Received {
    /// Whether the event is modelled.
    pub fn is_supported(&self) -> bool {
        matches!(self, Self::Supported(_))
    }

    /// The event code as received (for an unsupported event, the code or `eventUri` text).
    pub fn event_code(&self) -> &str {
        match self {
            Self::Supported(m) => m.code().code(),
            Self::Unsupported(u) => u.code(),
        }
    }

    /// The supported message, if it is one.
    pub fn message(&self) -> Option<&Message> {
        match self {
            Self::Supported(m) => Some(m),
            Self::Unsupported(_) => None,
        }
    }

    /// The supported message, owned, if it is one.
    pub fn into_message(self) -> Option<Message> {
        match self {
            Self::Supported(m) => Some(*m),
            Self::Unsupported(_) => None,
        }
    }

    /// The idempotency key (see [`crate::idempotency`]).
    pub fn idempotency_key(&self) -> &IdempotencyKey {
        match self {
            Self::Supported(m) => m.idempotency_key(),
            Self::Unsupported(u) => u.idempotency_key(),
        }
    }

    /// The Ocean referral id, when the message carries one (always, for a supported message).
    pub fn referral_id(&self) -> Option<&ReferralId> {
        match self {
            Self::Supported(m) => Some(m.referral_id()),
            Self::Unsupported(u) => u.referral_id(),
        }
    }

    /// The resource type of `MessageHeader.focus[0]`, when it resolves.
    pub fn focus_type(&self) -> Option<&str> {
        match self {
            Self::Supported(m) => Some(m.focus().resource_type()),
            Self::Unsupported(u) => u.focus_type(),
        }
    }

    /// The Bundle, when it could be read into the model.
    pub fn bundle(&self) -> Option<&Bundle> {
        match self {
            Self::Supported(m) => Some(m.bundle()),
            Self::Unsupported(u) => u.bundle(),
        }
    }

    /// The profile issues of the Bundle (empty when it could not be read into the model).
    pub fn profile_issues(&self) -> Vec<Issue> {
        self.bundle().map(validate_bundle).unwrap_or_default()
    }
}

/// A message with an event this crate does not model. `Debug` shows ids and codes only.
#[derive(Clone)]
pub struct UnsupportedMessage {
    code: String,
    system: Option<String>,
    bundle: Option<Bundle>,
    referral_id: Option<ReferralId>,
    focus_type: Option<String>,
    key: IdempotencyKey,
}

impl fmt::Debug for UnsupportedMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnsupportedMessage")
            .field("code", &self.code)
            .field("system", &self.system)
            .field("referral_id", &self.referral_id)
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl UnsupportedMessage {
    /// The event code (`eventCoding.code`, or the `eventUri`).
    pub fn code(&self) -> &str {
        &self.code
    }
    /// The `eventCoding.system`, if any.
    pub fn system(&self) -> Option<&str> {
        self.system.as_deref()
    }
    /// The Bundle; `None` when an element the model types had the wrong JSON type (the event is
    /// not modelled, so that is not an error).
    pub fn bundle(&self) -> Option<&Bundle> {
        self.bundle.as_ref()
    }
    /// The Ocean referral id from the MessageHeader extension, if present.
    pub fn referral_id(&self) -> Option<&ReferralId> {
        self.referral_id.as_ref()
    }
    /// The resource type of `focus[0]`, when it resolves.
    pub fn focus_type(&self) -> Option<&str> {
        self.focus_type.as_deref()
    }
    /// The idempotency key.
    pub fn idempotency_key(&self) -> &IdempotencyKey {
        &self.key
    }
}

/// A received message of a modelled event: the Bundle, checked against the [`MessageRule`]s,
/// with its focus, referral (ServiceRequest) and patient resolved.
///
/// `Debug` shows the event, referral id and idempotency key only, never patient data.
#[derive(Clone)]
pub struct Message {
    bundle: Bundle,
    code: EventCode,
    focus: usize,
    other_focus: Vec<usize>,
    sr: usize,
    patient: usize,
    referral_id: ReferralId,
    ocean_base: Option<OceanBase>,
    key: IdempotencyKey,
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("code", &self.code)
            .field("referral_id", &self.referral_id)
            .field("ocean_base", &self.ocean_base)
            .field("key", &self.key)
            .field("entries", &self.bundle.entry.len())
            .finish_non_exhaustive()
    }
}

static EMPTY_SERVICE_REQUEST: LazyLock<ServiceRequest> = LazyLock::new(ServiceRequest::default);
static EMPTY_PATIENT: LazyLock<Patient> = LazyLock::new(Patient::default);
static EMPTY_RESOURCE: LazyLock<Resource> =
    LazyLock::new(|| Resource::from(ServiceRequest::default()));
static EMPTY_HEADER: LazyLock<MessageHeader> = LazyLock::new(MessageHeader::default);

impl Message {
    /// The event code.
    pub fn code(&self) -> EventCode {
        self.code
    }

    /// The typed event with its view.
    pub fn event(&self) -> Event<'_> {
        Event::of(self)
    }

    /// The referral: ServiceRequest, referral id, patient, requester, performers, forms,
    /// attachments.
    pub fn referral(&self) -> Referral<'_> {
        Referral::new(self)
    }

    /// The Ocean referral id.
    pub fn referral_id(&self) -> &ReferralId {
        &self.referral_id
    }

    /// The Ocean host the message names (from the NamingSystem of its referral id), if any.
    pub fn ocean_base(&self) -> Option<&OceanBase> {
        self.ocean_base.as_ref()
    }

    /// The idempotency key (see [`crate::idempotency`]).
    pub fn idempotency_key(&self) -> &IdempotencyKey {
        &self.key
    }

    /// The MessageHeader (the first entry).
    pub fn header(&self) -> &MessageHeader {
        self.typed(0).unwrap_or(&EMPTY_HEADER)
    }

    /// The whole Bundle, as received.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// The Bundle, owned.
    pub fn into_bundle(self) -> Bundle {
        self.bundle
    }

    /// The resource `MessageHeader.focus[0]` resolves to.
    pub fn focus(&self) -> &Resource {
        self.resource(self.focus).unwrap_or(&EMPTY_RESOURCE)
    }

    /// The resources of `focus[1..]` (e.g. the Appointment of an appointment update).
    pub fn other_focus(&self) -> impl Iterator<Item = &Resource> + '_ {
        self.other_focus.iter().filter_map(|&i| self.resource(i))
    }

    /// The receiver named by `MessageHeader.destination[0].receiver` (for Ocean's messages, the
    /// receiving listing's PractitionerRole with its site number), else the referral's first
    /// performer.
    pub fn receiver(&self) -> Option<Participant<'_>> {
        self.header()
            .destination
            .first()
            .and_then(|d| d.receiver.as_ref())
            .and_then(|r| Participant::resolve(self, r))
            .or_else(|| self.referral().performers().next())
    }

    /// The MessageHeader's `sender`, resolved.
    pub fn sender(&self) -> Option<Participant<'_>> {
        self.header()
            .sender
            .as_ref()
            .and_then(|r| Participant::resolve(self, r))
    }

    /// The Ocean site number of the receiver (its `id-site-number` identifier), if named.
    pub fn receiver_site_number(&self) -> Option<&str> {
        self.receiver().and_then(|p| p.site_number())
    }

    /// The profile issues of the Bundle ([`ocean_model::validate::validate_bundle`]); they do
    /// not affect parsing.
    pub fn profile_issues(&self) -> Vec<Issue> {
        validate_bundle(&self.bundle)
    }

    pub(crate) fn focus_index(&self) -> usize {
        self.focus
    }

    pub(crate) fn other_focus_indices(&self) -> &[usize] {
        &self.other_focus
    }

    pub(crate) fn service_request_index(&self) -> usize {
        self.sr
    }

    pub(crate) fn patient_index(&self) -> usize {
        self.patient
    }

    pub(crate) fn service_request(&self) -> &ServiceRequest {
        self.typed(self.sr).unwrap_or(&EMPTY_SERVICE_REQUEST)
    }

    pub(crate) fn patient(&self) -> &Patient {
        self.typed(self.patient).unwrap_or(&EMPTY_PATIENT)
    }

    pub(crate) fn resource(&self, index: usize) -> Option<&Resource> {
        self.bundle
            .entry
            .get(index)
            .and_then(|e| e.resource.as_ref())
    }

    pub(crate) fn typed<T: ResourceType>(&self, index: usize) -> Option<&T> {
        self.resource(index).and_then(T::from_resource)
    }

    /// Resolves a reference to an entry index.
    pub(crate) fn resolve_index(&self, reference: &Reference) -> Option<usize> {
        resolve_index(&self.bundle, reference)
    }
}

/// Parses a received body with the default [`ParseOptions`].
///
/// ```
/// use ocean_messages::{parse, Event, Received};
/// let body = include_bytes!("../../testdata/ocean/ereferral_back_pain.bundle.json");
/// let Ok(Received::Supported(message)) = parse(body) else { panic!("not supported") };
/// let Event::AddServiceRequest(referral) = message.event() else { panic!("other event") };
/// assert_eq!(referral.id().as_str(), "71db1a5c-89ce-41d5-bc71-8466f6c2f182");
/// assert_eq!(referral.patient().name[0].family.as_deref(), Some("DKTest"));
/// ```
pub fn parse(body: &[u8]) -> Result<Received, MessageError> {
    parse_with(body, &ParseOptions::default())
}

/// Parses a received body.
pub fn parse_with(body: &[u8], options: &ParseOptions) -> Result<Received, MessageError> {
    if body.len() > options.max_bytes {
        return Err(NotAMessage::TooLarge {
            limit: options.max_bytes,
        }
        .into());
    }
    // Read as any resource, so a missing or wrong `resourceType` is told apart from a Bundle.
    let bundle: Bundle = match json::from_slice::<Resource>(body) {
        Ok(Resource::Bundle(b)) => *b,
        Ok(_) => return Err(NotAMessage::NotABundle.into()),
        Err(e) => return unreadable(body, e),
    };
    if bundle.type_ != Some(BundleType::Message) {
        return Err(NotAMessage::NotMessageBundle.into());
    }
    let Some(header) = header_of(&bundle) else {
        return Err(NotAMessage::NoMessageHeader.into());
    };
    match event_of(header) {
        EventId::Missing => Err(InvalidMessage::new(
            None,
            MessageRule::MshEvent,
            "Bundle.entry[0].resource.eventCoding",
            "the MessageHeader has no event code",
        )
        .into()),
        EventId::Other { system, code } => {
            let code = code.to_owned();
            let system = system.map(str::to_owned);
            Ok(Received::Unsupported(Box::new(unsupported(
                bundle, code, system, body,
            ))))
        }
        EventId::Modelled(code) => Ok(Received::Supported(Box::new(resolve_message(
            bundle, code, body,
        )?))),
    }
}

fn header_of(bundle: &Bundle) -> Option<&MessageHeader> {
    bundle
        .entry
        .first()
        .and_then(|e| e.resource.as_ref())
        .and_then(MessageHeader::from_resource)
}

enum EventId<'a> {
    Modelled(EventCode),
    Other {
        system: Option<&'a str>,
        code: &'a str,
    },
    Missing,
}

fn classify_event<'a>(
    system: Option<&'a str>,
    code: Option<&'a str>,
    uri: Option<&'a str>,
) -> EventId<'a> {
    if let Some(code) = code.filter(|c| !c.is_empty()) {
        let ours =
            system.is_none_or(|s| s == MESSAGE_EVENT_SYSTEM || s == MESSAGE_EVENT_SYSTEM_HTTP);
        return match EventCode::from_code(code) {
            Some(c) if ours => EventId::Modelled(c),
            _ => EventId::Other { system, code },
        };
    }
    match uri.filter(|u| !u.is_empty()) {
        Some(u) => EventId::Other {
            system: None,
            code: u,
        },
        None => EventId::Missing,
    }
}

fn event_of(header: &MessageHeader) -> EventId<'_> {
    match &header.event {
        Some(MessageEvent::Coding(c)) => classify_event(
            c.system.as_ref().map(|s| s.as_str()),
            c.code.as_ref().map(|c| c.as_str()),
            None,
        ),
        Some(MessageEvent::Uri(u)) => classify_event(None, None, Some(u.as_str())),
        None => EventId::Missing,
    }
}

pub(crate) fn resolve_index(bundle: &Bundle, reference: &Reference) -> Option<usize> {
    let text = reference.reference.as_deref()?;
    let (i, entry) = bundle.resolve_entry(text)?;
    entry.resource.as_ref().map(|_| i)
}

/// A referral id found in the MessageHeader extension.
struct HeaderReferral<'a> {
    extension: usize,
    value: &'a str,
    system: Option<&'a str>,
}

fn header_referral(header: &MessageHeader) -> Option<HeaderReferral<'_>> {
    header.extension.iter().enumerate().find_map(|(i, e)| {
        let url = e.url.as_ref()?.as_str();
        let (value, system) = if url == ext::REFERRAL_IDENTIFIER {
            match e.value.as_ref()? {
                Value::Identifier(id) => {
                    (id.value.as_deref()?, id.system.as_ref().map(|s| s.as_str()))
                }
                _ => return None,
            }
        } else if url == ext::ID_MESSAGE_HEADER {
            (e.value_str()?, None)
        } else {
            return None;
        };
        (!value.is_empty()).then_some(HeaderReferral {
            extension: i,
            value,
            system,
        })
    })
}

/// The Ocean referral id of a ServiceRequest: an identifier whose system is
/// `{any Ocean host}/svc/fhir/v1/NamingSystem/id-ereferral-reference`.
pub(crate) fn sr_referral(identifiers: &[Identifier]) -> Option<(&str, &str)> {
    identifiers.iter().find_map(|id| {
        let system = id.system.as_ref()?.as_str();
        let value = id.value.as_deref().filter(|v| !v.is_empty())?;
        matches!(
            OceanBase::parse_naming_system(system),
            Some((_, OceanNamingSystem::EReferralReference))
        )
        .then_some((value, system))
    })
}

/// A key under which two `fullUrl`s are "the same": the lower-case UUID of `urn:uuid:X` and of a
/// bare UUID `X`, else the text.
fn full_url_key(url: &str) -> Cow<'_, str> {
    match ParsedReference::parse(url).uuid() {
        Some(u) if u.bytes().any(|b| b.is_ascii_uppercase()) => Cow::Owned(u.to_ascii_lowercase()),
        Some(u) => Cow::Borrowed(u),
        None => Cow::Borrowed(url),
    }
}

pub(crate) fn check_unique_full_urls(
    bundle: &Bundle,
    code: EventCode,
) -> Result<(), InvalidMessage> {
    let mut seen = HashSet::with_capacity(bundle.entry.len());
    for (i, e) in bundle.entry.iter().enumerate() {
        let Some(url) = e
            .full_url
            .as_ref()
            .map(|u| u.as_str())
            .filter(|u| !u.is_empty())
        else {
            continue;
        };
        if !seen.insert(full_url_key(url)) {
            return Err(InvalidMessage::new(
                Some(code),
                MessageRule::FullUrlUnique,
                format!("Bundle.entry[{i}].fullUrl"),
                "another entry has the same fullUrl",
            ));
        }
    }
    Ok(())
}

fn focus_type_detail(code: EventCode) -> &'static str {
    match code.focus_types() {
        ["ServiceRequest"] => "focus[0] must be a ServiceRequest for this event",
        ["Communication"] => "focus[0] must be a Communication for this event",
        ["Task"] => "focus[0] must be a Task for this event",
        ["Appointment"] => "focus[0] must be an Appointment for this event",
        _ => "focus[0] must be a ServiceRequest or a Patient for this event",
    }
}

/// The `basedOn` of a Task, Appointment or Communication.
fn based_on(resource: &Resource) -> Option<&[Reference]> {
    match resource {
        Resource::Task(t) => Some(&t.based_on),
        Resource::Appointment(a) => Some(&a.based_on),
        Resource::Communication(c) => Some(&c.based_on),
        _ => None,
    }
}

/// The ServiceRequest entry when the focus does not name it: the one whose referral id is the
/// MessageHeader's, else the only ServiceRequest of the Bundle.
fn fallback_service_request(bundle: &Bundle, header_id: Option<&str>) -> Option<usize> {
    let mut srs = bundle.entries_of::<ServiceRequest>();
    if let Some(id) = header_id {
        if let Some((i, _, _)) = bundle
            .entries_of::<ServiceRequest>()
            .find(|(_, _, sr)| sr_referral(&sr.identifier).is_some_and(|(v, _)| v == id))
        {
            return Some(i);
        }
    }
    let (first, _, _) = srs.next()?;
    srs.next().is_none().then_some(first)
}

fn resolve_message(
    bundle: Bundle,
    code: EventCode,
    body: &[u8],
) -> Result<Message, InvalidMessage> {
    let invalid = |rule, path: String, detail| InvalidMessage::new(Some(code), rule, path, detail);
    check_unique_full_urls(&bundle, code)?;
    let header = header_of(&bundle).unwrap_or(&EMPTY_HEADER);

    // Focus.
    if header.focus.is_empty() {
        return Err(invalid(
            MessageRule::MshFocus,
            "Bundle.entry[0].resource.focus".to_owned(),
            "focus is required",
        ));
    }
    let mut focus_indices = Vec::with_capacity(header.focus.len());
    for (i, f) in header.focus.iter().enumerate() {
        let index = resolve_index(&bundle, f).ok_or_else(|| {
            invalid(
                MessageRule::MshFocus,
                format!("Bundle.entry[0].resource.focus[{i}]"),
                "focus does not resolve to an entry of the Bundle",
            )
        })?;
        focus_indices.push(index);
    }
    let focus = focus_indices.first().copied().unwrap_or_default();
    let other_focus = focus_indices.get(1..).unwrap_or_default().to_vec();
    let focus_resource = bundle
        .entry
        .get(focus)
        .and_then(|e| e.resource.as_ref())
        .unwrap_or(&EMPTY_RESOURCE);
    if !code.allows_focus(focus_resource.resource_type()) {
        return Err(invalid(
            MessageRule::FocusType,
            "Bundle.entry[0].resource.focus[0]".to_owned(),
            focus_type_detail(code),
        ));
    }

    // The referral's ServiceRequest.
    let from_header = header_referral(header);
    let sr = match focus_resource {
        Resource::ServiceRequest(_) => focus,
        other => match based_on(other) {
            Some(refs) if !refs.is_empty() => refs
                .iter()
                .filter_map(|r| resolve_index(&bundle, r))
                .find(|&i| {
                    matches!(
                        bundle.entry.get(i).and_then(|e| e.resource.as_ref()),
                        Some(Resource::ServiceRequest(_))
                    )
                })
                .ok_or_else(|| {
                    invalid(
                        MessageRule::BasedOn,
                        format!("Bundle.entry[{focus}].resource.basedOn"),
                        "basedOn does not resolve to a ServiceRequest entry of the Bundle",
                    )
                })?,
            Some(_) => fallback_service_request(&bundle, from_header.as_ref().map(|h| h.value))
                .ok_or_else(|| {
                    invalid(
                        MessageRule::BasedOn,
                        format!("Bundle.entry[{focus}].resource.basedOn"),
                        "basedOn (the referral's ServiceRequest) is required",
                    )
                })?,
            None => fallback_service_request(&bundle, from_header.as_ref().map(|h| h.value))
                .ok_or_else(|| {
                    invalid(
                        MessageRule::ReferralPresent,
                        "Bundle.entry".to_owned(),
                        "the referral's ServiceRequest is not an entry of the Bundle",
                    )
                })?,
        },
    };
    let service_request = bundle
        .entry
        .get(sr)
        .and_then(|e| e.resource.as_ref())
        .and_then(ServiceRequest::from_resource)
        .unwrap_or(&EMPTY_SERVICE_REQUEST);

    // Referral id and Ocean host.
    let from_sr = sr_referral(&service_request.identifier);
    let referral_id = match (&from_header, from_sr) {
        (None, None) => {
            return Err(invalid(
                MessageRule::ReferralId,
                format!("Bundle.entry[{sr}].resource.identifier"),
                "no Ocean referral id in the MessageHeader extension or the ServiceRequest \
                 identifier",
            ));
        }
        (Some(h), Some((v, _))) if h.value != v => {
            return Err(invalid(
                MessageRule::ReferralIdAgree,
                format!("Bundle.entry[0].resource.extension[{}]", h.extension),
                "the MessageHeader and ServiceRequest name different referral ids",
            ));
        }
        (Some(h), _) => h.value,
        (None, Some((v, _))) => v,
    };
    let base_of = |system: &str| match OceanBase::parse_naming_system(system) {
        Some((base, OceanNamingSystem::EReferralReference)) => Some(base),
        _ => None,
    };
    let ocean_base = from_header
        .as_ref()
        .and_then(|h| h.system)
        .and_then(base_of)
        .or_else(|| from_sr.and_then(|(_, s)| base_of(s)));

    // The patient.
    let subject_path = || format!("Bundle.entry[{sr}].resource.subject");
    let Some(subject) = service_request.subject.as_ref() else {
        return Err(invalid(
            MessageRule::SrSubject,
            subject_path(),
            "subject is required",
        ));
    };
    let patient = resolve_index(&bundle, subject).ok_or_else(|| {
        invalid(
            MessageRule::SrSubject,
            subject_path(),
            "subject does not resolve to an entry of the Bundle",
        )
    })?;
    if !matches!(
        bundle.entry.get(patient).and_then(|e| e.resource.as_ref()),
        Some(Resource::Patient(_))
    ) {
        return Err(invalid(
            MessageRule::SrSubject,
            subject_path(),
            "subject must resolve to a Patient",
        ));
    }
    if matches!(focus_resource, Resource::Patient(_)) && patient != focus {
        return Err(invalid(
            MessageRule::SrSubject,
            subject_path(),
            "subject must be the focus Patient",
        ));
    }

    // Status of a Task or Appointment focus.
    match focus_resource {
        Resource::Task(t) if t.status.is_none() => {
            return Err(invalid(
                MessageRule::TaskStatus,
                format!("Bundle.entry[{focus}].resource.status"),
                "the Task has no status",
            ));
        }
        Resource::Appointment(a) if a.status.is_none() => {
            return Err(invalid(
                MessageRule::AppointmentStatus,
                format!("Bundle.entry[{focus}].resource.status"),
                "the Appointment has no status",
            ));
        }
        _ => {}
    }

    let key = IdempotencyKey::from_parts(
        code.code(),
        Some(referral_id),
        message_ids(&bundle, header),
        || content_hash(&bundle, body),
    );
    let referral_id = ReferralId::new(referral_id);
    Ok(Message {
        bundle,
        code,
        focus,
        other_focus,
        sr,
        patient,
        referral_id,
        ocean_base,
        key,
    })
}

/// The hash for a message without ids: of the Bundle as the model writes it, so a retry that is
/// formatted differently has the same key.
fn content_hash(bundle: &Bundle, body: &[u8]) -> u64 {
    match json::to_vec(bundle) {
        Ok(canonical) => fnv1a(&canonical),
        Err(_) => fnv1a(body),
    }
}

fn message_ids<'a>(bundle: &'a Bundle, header: &'a MessageHeader) -> MessageIds<'a> {
    MessageIds {
        header_id: header.id.as_ref().map(|i| i.as_str()),
        bundle_id: bundle.id.as_ref().map(|i| i.as_str()),
        header_full_url: bundle
            .entry
            .first()
            .and_then(|e| e.full_url.as_ref())
            .map(|u| u.as_str()),
    }
}

fn unsupported(
    bundle: Bundle,
    code: String,
    system: Option<String>,
    body: &[u8],
) -> UnsupportedMessage {
    let header = header_of(&bundle).unwrap_or(&EMPTY_HEADER);
    let referral = header_referral(header).map(|h| h.value).or_else(|| {
        bundle
            .resources_of::<ServiceRequest>()
            .find_map(|sr| sr_referral(&sr.identifier).map(|(v, _)| v))
    });
    let focus_type = header
        .focus
        .first()
        .and_then(|f| f.reference.as_deref())
        .and_then(|r| bundle.resolve(r))
        .map(|r| r.resource_type().to_owned());
    let key = IdempotencyKey::from_parts(&code, referral, message_ids(&bundle, header), || {
        content_hash(&bundle, body)
    });
    UnsupportedMessage {
        referral_id: referral.map(ReferralId::new),
        code,
        system,
        focus_type,
        key,
        bundle: Some(bundle),
    }
}

/// The body did not read as a `Bundle`: decide between "not a message", "invalid" and
/// "unsupported" by reading only the envelope, as generic JSON (error path only).
fn unreadable(body: &[u8], error: ParseError) -> Result<Received, MessageError> {
    if matches!(
        error.kind,
        ParseErrorKind::Syntax | ParseErrorKind::Eof | ParseErrorKind::Io | ParseErrorKind::TooDeep
    ) {
        return Err(NotAMessage::Json(error).into());
    }
    let body_text = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body_text) else {
        return Err(NotAMessage::Json(error).into());
    };
    if str_at(&value, "resourceType") != Some("Bundle") {
        return Err(NotAMessage::NotABundle.into());
    }
    if str_at(&value, "type") != Some("message") {
        return Err(NotAMessage::NotMessageBundle.into());
    }
    let first = value
        .get("entry")
        .and_then(|e| e.get(0))
        .and_then(|e| e.get("resource"));
    let Some(header) = first.filter(|h| str_at(h, "resourceType") == Some("MessageHeader")) else {
        return Err(NotAMessage::NoMessageHeader.into());
    };
    let coding = header.get("eventCoding");
    let event = classify_event(
        coding.and_then(|c| str_at(c, "system")),
        coding.and_then(|c| str_at(c, "code")),
        str_at(header, "eventUri"),
    );
    match event {
        EventId::Other { system, code } => {
            let referral = header
                .get("extension")
                .and_then(|e| e.as_array())
                .and_then(|exts| {
                    exts.iter().find_map(|e| match str_at(e, "url")? {
                        ext::REFERRAL_IDENTIFIER => {
                            e.get("valueIdentifier").and_then(|i| str_at(i, "value"))
                        }
                        ext::ID_MESSAGE_HEADER => str_at(e, "valueString"),
                        _ => None,
                    })
                });
            let ids = MessageIds {
                header_id: str_at(header, "id"),
                bundle_id: str_at(&value, "id"),
                header_full_url: value
                    .get("entry")
                    .and_then(|e| e.get(0))
                    .and_then(|e| str_at(e, "fullUrl")),
            };
            let key = IdempotencyKey::from_parts(code, referral, ids, || fnv1a(body));
            Ok(Received::Unsupported(Box::new(UnsupportedMessage {
                code: code.to_owned(),
                system: system.map(str::to_owned),
                bundle: None,
                referral_id: referral.filter(|r| !r.is_empty()).map(ReferralId::new),
                focus_type: None,
                key,
            })))
        }
        EventId::Modelled(code) => Err(fhir_json(Some(code), error).into()),
        EventId::Missing => Err(fhir_json(None, error).into()),
    }
}

fn str_at<'v>(v: &'v serde_json::Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(|x| x.as_str())
}

fn fhir_json(event: Option<EventCode>, mut error: ParseError) -> InvalidMessage {
    // The body was read as a `Resource`: its paths start there; it is a Bundle.
    if let Some(rest) = error
        .path
        .as_deref()
        .and_then(|p| p.strip_prefix("Resource"))
    {
        error.path = Some(format!("Bundle{rest}"));
    }
    let mut e = InvalidMessage::new(
        event,
        MessageRule::FhirJson,
        error.path.clone().unwrap_or_else(|| "Bundle".to_owned()),
        "an element has the wrong JSON type",
    );
    e.cause = Some(error);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACK_PAIN: &[u8] = include_bytes!("../../testdata/ocean/ereferral_back_pain.bundle.json");

    #[test]
    fn fixture_is_supported() {
        let r = parse(BACK_PAIN).unwrap();
        assert!(r.is_supported());
        assert_eq!(r.event_code(), "add-service-request");
        assert_eq!(r.focus_type(), Some("ServiceRequest"));
        let m = r.message().unwrap();
        assert_eq!(
            m.ocean_base(),
            Some(&OceanBase::Custom("http://localhost:8081".into()))
        );
        assert_eq!(m.receiver_site_number(), Some("1234"));
        assert!(!format!("{m:?}").contains("DKTest"));
    }

    #[test]
    fn size_limit() {
        let e = parse_with(BACK_PAIN, &ParseOptions::new().max_bytes(100)).unwrap_err();
        assert_eq!(
            e,
            MessageError::NotAMessage(NotAMessage::TooLarge { limit: 100 })
        );
    }

    #[test]
    fn full_url_keys() {
        assert_eq!(
            full_url_key("urn:uuid:ABCDEF01-0000-4000-8000-000000000000"),
            full_url_key("abcdef01-0000-4000-8000-000000000000")
        );
        assert_eq!(full_url_key("Patient/1"), "Patient/1");
    }

    #[test]
    fn event_classification() {
        assert!(matches!(
            classify_event(
                Some(MESSAGE_EVENT_SYSTEM_HTTP),
                Some("add-service-request"),
                None
            ),
            EventId::Modelled(EventCode::AddServiceRequest)
        ));
        assert!(matches!(
            classify_event(None, Some("add-service-request"), None),
            EventId::Modelled(EventCode::AddServiceRequest)
        ));
        assert!(matches!(
            classify_event(Some("urn:other"), Some("add-service-request"), None),
            EventId::Other { .. }
        ));
        assert!(matches!(
            classify_event(None, Some(""), Some("")),
            EventId::Missing
        ));
        assert!(matches!(
            classify_event(None, None, Some("http://x/event")),
            EventId::Other {
                system: None,
                code: "http://x/event"
            }
        ));
    }
}
