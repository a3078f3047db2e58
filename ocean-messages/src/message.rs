//! A received message: a modelled event ([`Message`], checked and resolved) or one this crate
//! does not model ([`UnsupportedMessage`]), and [`Received`], the two as [`parse`](crate::parse())
//! returns them.

use std::fmt;
use std::sync::LazyLock;

use ocean_model::validate::{Issue, validate_bundle};
use ocean_model::{
    Bundle, MessageHeader, OceanBase, Patient, Reference, ReferralId, Resource, ResourceType,
    ServiceRequest,
};

use crate::code::EventCode;
use crate::idempotency::IdempotencyKey;
use crate::index::EntryIndex;

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
    pub(crate) code: String,
    pub(crate) system: Option<String>,
    pub(crate) bundle: Option<Bundle>,
    pub(crate) referral_id: Option<ReferralId>,
    pub(crate) focus_type: Option<String>,
    pub(crate) key: IdempotencyKey,
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

/// A received message of a modelled event: the Bundle, checked against the [`MessageRule`](crate::MessageRule)s,
/// with its focus, referral (ServiceRequest) and patient resolved.
///
/// `Debug` shows the event, referral id and idempotency key only, never patient data.
#[derive(Clone)]
pub struct Message {
    pub(crate) bundle: Bundle,
    pub(crate) code: EventCode,
    pub(crate) focus: usize,
    pub(crate) other_focus: Vec<usize>,
    pub(crate) sr: usize,
    pub(crate) patient: usize,
    pub(crate) referral_id: ReferralId,
    pub(crate) ocean_base: Option<OceanBase>,
    pub(crate) key: IdempotencyKey,
    pub(crate) index: EntryIndex,
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

pub(crate) static EMPTY_SERVICE_REQUEST: LazyLock<ServiceRequest> =
    LazyLock::new(ServiceRequest::default);
pub(crate) static EMPTY_PATIENT: LazyLock<Patient> = LazyLock::new(Patient::default);
pub(crate) static EMPTY_RESOURCE: LazyLock<Resource> =
    LazyLock::new(|| Resource::from(ServiceRequest::default()));
pub(crate) static EMPTY_HEADER: LazyLock<MessageHeader> = LazyLock::new(MessageHeader::default);

impl Message {
    /// The event code.
    pub fn code(&self) -> EventCode {
        self.code
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
        self.index.resolve(reference)
    }
}
