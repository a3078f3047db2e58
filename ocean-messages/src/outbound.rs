//! Assembling a message to Ocean from a received one ([`Outbound`]): the MessageHeader, the new
//! resources, the echoed referral, the profile check, and why a build is refused
//! ([`BuildError`]). The event builders live with their event's module.

use std::collections::HashSet;
use std::fmt;

use ocean_model::validate::{Issue, validate_bundle};
use ocean_model::{
    Bundle, BundleEntry, BundleType, Code, CodeableConcept, Coding, Extension, Id, Identifier,
    IdentifierUse, Instant, InstantForm, MessageHeader, MessageHeaderDestination,
    MessageHeaderSource, Meta, OceanNamingSystem, Patient, Profile, Reference, Resource, Uri,
    Value, identifiers::V2_0203,
};
use uuid::Uuid;

use crate::build_error::BuildError;
use crate::clock::{Clock, IdSource, RandomIds, SystemClock};
use crate::code::{Direction, EventCode};
use crate::ext;
use crate::message::Message;
use crate::participant::Participant;
use crate::pos::PosSystem;
use crate::rules::check_unique_full_urls;
use crate::site::OceanSite;

/// The time type the builders and clocks use (re-exported from the `time` crate).
pub use time::OffsetDateTime;

/// A built message: the Bundle to POST to the site's `$process-messages` URL with content type
/// [`FHIR_JSON`](crate::http::FHIR_JSON). `Debug` shows the event and ids only.
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
/// (converted to UTC when FHIR cannot write it): [`Instant::from_offset_date_time`] with
/// [`InstantForm::OffsetMillis`], the workspace's one instant writer.
pub(crate) fn instant_text(t: OffsetDateTime) -> Result<String, BuildError> {
    Instant::from_offset_date_time(t, InstantForm::OffsetMillis)
        .map(Instant::into_string)
        .map_err(|_| BuildError::ClockOutOfRange)
}

pub(crate) fn profiled(resource_type: &str) -> Option<Box<Meta>> {
    Profile::ocean_v0_11_1(resource_type).map(|p| {
        let mut meta = Meta::default();
        meta.profile = vec![p.to_uri()];
        Box::new(meta)
    })
}

pub(crate) fn urn(id: Uuid) -> String {
    format!("urn:uuid:{id}")
}

pub(crate) fn non_blank(text: &Option<String>, what: &'static str) -> Result<(), BuildError> {
    match text {
        Some(t) if t.trim().is_empty() => Err(BuildError::Empty(what)),
        _ => Ok(()),
    }
}

/// The uuid an entry is known by (its `fullUrl` `urn:uuid:`/bare UUID, else its id if a UUID).
pub(crate) fn entry_uuid(entry: &BundleEntry) -> Option<Uuid> {
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
pub(crate) struct NewEntry {
    pub(crate) id: Uuid,
    pub(crate) resource: Resource,
}

/// Builds messages to Ocean from a received message (see the module docs).
pub struct Outbound<'a> {
    pub(crate) received: &'a Message,
    pub(crate) site: &'a OceanSite,
    pub(crate) pos: &'a PosSystem,
    pub(crate) ids: Box<dyn IdSource + 'a>,
    pub(crate) clock: Box<dyn Clock + 'a>,
    /// UUIDs in use in the message being built (echoed entries, new ids).
    pub(crate) taken: HashSet<Uuid>,
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

    /// Starts a message: the current time, and the UUIDs the echoed entries already use.
    pub(crate) fn start(&mut self) -> Result<String, BuildError> {
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
    pub(crate) fn fresh_id(&mut self) -> Result<Uuid, BuildError> {
        for _ in 0..32 {
            let id = self.ids.next_uuid();
            if self.taken.insert(id) {
                return Ok(id);
            }
        }
        Err(BuildError::DuplicateId)
    }

    /// Claims an id given by the caller or reused from the received message.
    pub(crate) fn claim(&mut self, id: Uuid) -> Result<Uuid, BuildError> {
        if self.taken.insert(id) {
            Ok(id)
        } else {
            Err(BuildError::DuplicateId)
        }
    }

    pub(crate) fn not_revoked(&self) -> Result<(), BuildError> {
        if self.received.code() == EventCode::RevokeServiceRequest {
            return Err(BuildError::Revoked);
        }
        Ok(())
    }

    /// How the echoed ServiceRequest is referenced.
    pub(crate) fn referral_reference(&self) -> Reference {
        Reference::to(self.reference_to(self.received.service_request_index()))
    }

    /// A reference to entry `index` of the received Bundle as it is echoed: its `fullUrl`, else
    /// `Type/id`, else the `urn:uuid:` the echo gives it ([`Self::echo`] uses the same rule).
    pub(crate) fn reference_to(&self, index: usize) -> String {
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
    pub(crate) fn stand_in_uuid(index: usize) -> Uuid {
        Uuid::from_u128(0x0cea_0000_0000_4000_8000_0000_0000_0000 | index as u128)
    }

    /// A reference to the receiving PractitionerRole (the message's sender and author, the
    /// Task's owner).
    pub(crate) fn receiver_reference(&self) -> Option<Reference> {
        let index = receiving_role(self.received)?.role_index()?;
        Some(Reference::to(self.reference_to(index)))
    }

    /// The received referral, echoed (see the module docs), with `replacements` applied; returns
    /// the entries and, for each received index, its position among them.
    pub(crate) fn echo(
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

    pub(crate) fn assemble(
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
pub(crate) fn receiving_role(message: &Message) -> Option<Participant<'_>> {
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
    fn authored_paths() {
        assert!(in_authored("Bundle.timestamp", &[0]));
        assert!(in_authored("Bundle.entry[1].resource.code", &[0, 1]));
        assert!(!in_authored("Bundle.entry[10].resource.code", &[0, 1]));
        assert!(!in_authored("Bundle.entry[x].resource", &[0]));
    }
}
