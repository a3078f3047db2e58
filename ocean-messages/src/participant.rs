//! A person or organisation in a referral ([`Participant`]): a PractitionerRole with its
//! Practitioner, Organization and Locations resolved, and the message's sender and receiver.

use std::fmt;

use ocean_model::{
    Location, OceanBase, OceanNamingSystem, Organization, Practitioner, PractitionerRole,
    Reference, Resource,
};

use ocean_model::text::collapse_whitespace;

use crate::message::Message;
use crate::name::PersonName;

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

    /// The Practitioner's name (`family, given`, by the rule of [`PersonName`]), else the
    /// Organization's name.
    pub fn display_name(&self) -> Option<String> {
        self.practitioner
            .and_then(|p| PersonName::choose(&p.name))
            .map(|n| n.display())
            .or_else(|| {
                self.organization
                    .and_then(|o| o.name.as_deref())
                    .map(collapse_whitespace)
                    .filter(|n| !n.is_empty())
            })
    }
}

impl Message {
    /// The receiver named by `MessageHeader.destination[0].receiver` (for Ocean's messages, the
    /// receiving listing's PractitionerRole with its site number), else the referral's first
    /// performer.
    pub fn receiver(&self) -> Option<Participant<'_>> {
        self.header()
            .destination
            .first()
            .and_then(|d| d.receiver.as_ref())
            .and_then(|r| Participant::resolve(self, r))
            .or_else(|| self.first_performer())
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

    /// The referral's first performer that resolves (`ServiceRequest.performer[]`).
    pub(crate) fn first_performer(&self) -> Option<Participant<'_>> {
        self.service_request()
            .performer
            .iter()
            .find_map(|r| Participant::resolve(self, r))
    }
}
