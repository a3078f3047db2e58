//! The rules a message of a modelled event must satisfy ([`MessageRule`]), checked while its
//! focus, referral and patient are resolved; a broken rule is an [`InvalidMessage`] naming the
//! FHIR path and the rule, nothing from the input.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use ocean_model::{
    Bundle, BundleIndex, Identifier, MessageHeader, OceanBase, OceanNamingSystem, ParseError,
    ParsedReference, Reference, ReferralId, Resource, ResourceType, ServiceRequest, Value, json,
};

use crate::code::EventCode;
use crate::ext;
use crate::idempotency::{IdempotencyKey, MessageIds, fnv1a};
use crate::index::EntryIndex;
use crate::message::{EMPTY_HEADER, EMPTY_RESOURCE, EMPTY_SERVICE_REQUEST, Message};

/// A rule a message of a modelled event must satisfy to be handed to a POS. Profile rules that
/// do not stop a POS from handling the event are reported separately, as profile issues
/// ([`crate::Message::profile_issues`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageRule {
    /// `msh-event`: the MessageHeader has an `eventCoding` (or `eventUri`) with a code.
    MshEvent,
    /// `msh-focus`: `MessageHeader.focus` is present and every focus resolves to an entry.
    MshFocus,
    /// `focus-type`: `focus[0]` is of the type the event needs (see
    /// [`EventCode::focus_types`]).
    FocusType,
    /// `full-url-unique`: no two entries share a `fullUrl` (a bare UUID and `urn:uuid:` of the
    /// same UUID count as the same), so every reference has one meaning.
    FullUrlUnique,
    /// `based-on`: a Task, Appointment or Communication focus names its ServiceRequest in
    /// `basedOn`, and that reference resolves to a ServiceRequest entry.
    BasedOn,
    /// `referral-present`: the message carries the ServiceRequest of the referral.
    ReferralPresent,
    /// `referral-id`: the Ocean referral id is in the MessageHeader extension
    /// (`ext-referral-identifier` or v0.10's `ext-id-message-header`) or in a
    /// ServiceRequest identifier with system `…/NamingSystem/id-ereferral-reference`.
    ReferralId,
    /// `referral-id-agree`: when both the MessageHeader and the ServiceRequest carry a referral
    /// id, they are the same.
    ReferralIdAgree,
    /// `sr-subject`: the ServiceRequest's `subject` resolves to a Patient entry.
    SrSubject,
    /// `task-status`: a Task focus has a `status`.
    TaskStatus,
    /// `appointment-status`: an Appointment focus has a `status`.
    AppointmentStatus,
    /// `fhir-json`: every modelled element has the JSON type FHIR gives it (e.g. no number
    /// where a string belongs).
    FhirJson,
    /// `msh-single`: the message has one MessageHeader, its first entry (checked for every
    /// message, modelled event or not: a second header could carry another event).
    MshSingle,
    /// `msh-event-choice`: the MessageHeader has `eventCoding` or `eventUri`, not both
    /// (checked for every message).
    MshEventChoice,
    /// `event-code`: an event code that is a modelled one after trimming white space and
    /// folding case, or an `eventUri` whose last segment is, is written exactly (answered 400
    /// rather than 200 "unsupported", so a referral is never dropped silently).
    EventCode,
    /// `event-system`: a modelled event code has Ocean's system
    /// (`https://ehealthontario.ca/fhir/CodeSystem/message-event-code`, its `http` spelling,
    /// or none); with any other system it is answered 400, not 200 "unsupported".
    EventSystem,
    /// `reference-unique`: no two entries share a `Type/id` (resource type and id, or the tail
    /// of the `fullUrl`), so no reference can mean two entries (an impostor Patient).
    ReferenceUnique,
}

impl MessageRule {
    /// Every rule, in the order of the crate documentation's table.
    pub const ALL: [MessageRule; 17] = [
        Self::MshEvent,
        Self::MshFocus,
        Self::FocusType,
        Self::FullUrlUnique,
        Self::BasedOn,
        Self::ReferralPresent,
        Self::ReferralId,
        Self::ReferralIdAgree,
        Self::SrSubject,
        Self::TaskStatus,
        Self::AppointmentStatus,
        Self::FhirJson,
        Self::MshSingle,
        Self::MshEventChoice,
        Self::EventCode,
        Self::EventSystem,
        Self::ReferenceUnique,
    ];

    /// The stable rule id (`"msh-focus"`).
    pub fn id(self) -> &'static str {
        match self {
            Self::MshEvent => "msh-event",
            Self::MshFocus => "msh-focus",
            Self::FocusType => "focus-type",
            Self::FullUrlUnique => "full-url-unique",
            Self::BasedOn => "based-on",
            Self::ReferralPresent => "referral-present",
            Self::ReferralId => "referral-id",
            Self::ReferralIdAgree => "referral-id-agree",
            Self::SrSubject => "sr-subject",
            Self::TaskStatus => "task-status",
            Self::AppointmentStatus => "appointment-status",
            Self::FhirJson => "fhir-json",
            Self::MshSingle => "msh-single",
            Self::MshEventChoice => "msh-event-choice",
            Self::EventCode => "event-code",
            Self::EventSystem => "event-system",
            Self::ReferenceUnique => "reference-unique",
        }
    }
}

impl fmt::Display for MessageRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A message of a modelled event whose content breaks a [`MessageRule`]: the element path, the
/// rule and a fixed description, nothing from the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct InvalidMessage {
    /// The event, when it could be read.
    pub event: Option<EventCode>,
    /// The rule broken.
    pub rule: MessageRule,
    /// The FHIR path of the offending element (`Bundle.entry[8].resource.subject`).
    pub path: String,
    /// What is wrong (fixed text, never input text).
    pub detail: &'static str,
    /// For [`MessageRule::FhirJson`]: the underlying parse error (path, line, column, kind).
    pub cause: Option<ParseError>,
}

impl InvalidMessage {
    pub(crate) fn new(
        event: Option<EventCode>,
        rule: MessageRule,
        path: impl Into<String>,
        detail: &'static str,
    ) -> Self {
        Self {
            event,
            rule,
            path: path.into(),
            detail,
            cause: None,
        }
    }
}

impl fmt::Display for InvalidMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.event {
            Some(e) => write!(f, "invalid {e} message")?,
            None => f.write_str("invalid message")?,
        }
        write!(f, " at {} ({}): {}", self.path, self.rule, self.detail)?;
        if let Some(c) = &self.cause {
            write!(f, ": {}", c.kind)?;
        }
        Ok(())
    }
}

pub(crate) fn header_of(bundle: &Bundle) -> Option<&MessageHeader> {
    bundle
        .entry
        .first()
        .and_then(|e| e.resource.as_ref())
        .and_then(MessageHeader::from_resource)
}

/// A referral id found in the MessageHeader extension.
pub(crate) struct HeaderReferral<'a> {
    pub(crate) extension: usize,
    pub(crate) value: &'a str,
    pub(crate) system: Option<&'a str>,
}

pub(crate) fn header_referral(header: &MessageHeader) -> Option<HeaderReferral<'_>> {
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

pub(crate) fn resolve_message(
    bundle: Bundle,
    code: EventCode,
    body: &[u8],
) -> Result<Message, InvalidMessage> {
    let invalid = |rule, path: String, detail| InvalidMessage::new(Some(code), rule, path, detail);
    check_unique_full_urls(&bundle, code)?;
    let model_index = BundleIndex::new(&bundle);
    // The later entry of the first pair in Bundle order (the pairs come in no set order).
    if let Some(i) = model_index.duplicates().map(|(a, b)| a.max(b)).min() {
        return Err(invalid(
            MessageRule::ReferenceUnique,
            format!("Bundle.entry[{i}]"),
            "another entry has the same Type/id, so a reference could mean either",
        ));
    }
    let resolve_index = |_: &Bundle, r: &Reference| {
        model_index
            .resolve(r)
            .entry_index()
            .filter(|&i| bundle.entry.get(i).is_some_and(|e| e.resource.is_some()))
    };
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

    let index = EntryIndex::new(&bundle);
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
        index,
    })
}

/// The hash for a message without ids: of the Bundle as the model writes it, so a retry that is
/// formatted differently has the same key.
pub(crate) fn content_hash(bundle: &Bundle, body: &[u8]) -> u64 {
    match json::to_vec(bundle) {
        Ok(canonical) => fnv1a(&canonical),
        Err(_) => fnv1a(body),
    }
}

pub(crate) fn message_ids<'a>(bundle: &'a Bundle, header: &'a MessageHeader) -> MessageIds<'a> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<_> = MessageRule::ALL.iter().map(|r| r.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), MessageRule::ALL.len());
    }

    #[test]
    fn full_url_keys() {
        assert_eq!(
            full_url_key("urn:uuid:ABCDEF01-0000-4000-8000-000000000000"),
            full_url_key("abcdef01-0000-4000-8000-000000000000")
        );
        assert_eq!(full_url_key("Patient/1"), "Patient/1");
    }
}
