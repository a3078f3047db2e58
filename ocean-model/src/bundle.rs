//! `Bundle` and the tools to work inside one: iterate entries by type and resolve references.
//!
//! # How a reference is resolved inside a Bundle
//! [`Bundle::resolve`] tries, in order:
//! 1. `#id`: a resource in the referring resource's `contained` (only with
//!    [`Bundle::resolve_from`], which knows the referring resource);
//! 2. an entry whose `fullUrl` equals the reference exactly;
//! 3. `urn:uuid:X` ↔ an entry whose `fullUrl` is the bare UUID `X`, and a bare UUID ↔ a
//!    `urn:uuid:X` `fullUrl` (Ocean v0.11.1 writes the MessageHeader `fullUrl` bare);
//! 4. `Type/id` (relative, or the tail of an absolute URL, version ignored): an entry whose
//!    resource has that type and `id`, or whose `fullUrl` ends in `/Type/id` (Ocean v0.10 and
//!    most `$everything` servers).
//!
//! The first match in Bundle order wins. Nothing is resolved outside the Bundle.
//!
//! # Complexity
//! Each `resolve*` call scans the entries once: O(n) time, no allocation. To resolve many
//! references (a message's every reference, a validation), build a
//! [`BundleIndex`](crate::BundleIndex) once (O(n)) and resolve in O(1) each; it applies the
//! same rules, picks the same winner and also reports ambiguous references.

use crate::{
    BundleType, Decimal, HttpVerb, Identifier, Instant, ParsedReference, Reference, Resource,
    ResourceType, SearchEntryMode, Uri,
};

fhir_object! {
    /// `Bundle.link`.
    backbone BundleLink ("Bundle.link") {
        /// See <http://www.iana.org/assignments/link-relations>.
        opt relation: String = "relation",
        /// Reference details for the link.
        opt url: Uri = "url",
    }
}

fhir_object! {
    /// `Bundle.entry.search`.
    backbone BundleEntrySearch ("Bundle.entry.search") {
        /// match | include | outcome
        opt mode: SearchEntryMode = "mode",
        /// Search ranking (between 0 and 1).
        opt score: Decimal = "score",
    }
}

fhir_object! {
    /// `Bundle.entry.request` (transaction/batch).
    backbone BundleEntryRequest ("Bundle.entry.request") {
        /// GET | HEAD | POST | PUT | DELETE | PATCH
        opt method: HttpVerb = "method",
        /// URL for HTTP equivalent of this entry.
        opt url: Uri = "url",
        /// For managing cache currency.
        opt if_none_match: String = "ifNoneMatch",
        /// For managing cache currency.
        opt if_modified_since: Instant = "ifModifiedSince",
        /// For managing update contention.
        opt if_match: String = "ifMatch",
        /// For conditional creates.
        opt if_none_exist: String = "ifNoneExist",
    }
}

fhir_object! {
    /// `Bundle.entry.response` (transaction/batch response).
    backbone BundleEntryResponse ("Bundle.entry.response") {
        /// Status response code (text optional).
        opt status: String = "status",
        /// The location (if the operation returns a location).
        opt location: Uri = "location",
        /// The Etag for the resource (if relevant).
        opt etag: String = "etag",
        /// Server's date time modified.
        opt last_modified: Instant = "lastModified",
        /// OperationOutcome with hints and warnings (for batch/transaction).
        boxed outcome: Resource = "outcome",
    }
}

fhir_object! {
    /// `Bundle.entry`.
    backbone BundleEntry ("Bundle.entry") {
        /// Links related to this entry.
        vec link: BundleLink = "link",
        /// URI for resource (absolute URL server address, `urn:uuid:`, or, from Ocean, a bare
        /// UUID for the MessageHeader).
        opt full_url: Uri = "fullUrl",
        /// A resource in the bundle.
        opt resource: Resource = "resource",
        /// Search related information.
        boxed search: BundleEntrySearch = "search",
        /// Additional execution information (transaction/batch/history).
        boxed request: BundleEntryRequest = "request",
        /// Results of execution (transaction/batch/history).
        boxed response: BundleEntryResponse = "response",
    }
}

impl BundleEntry {
    /// An entry with a `fullUrl` and a resource.
    pub fn new(full_url: impl Into<Uri>, resource: impl Into<Resource>) -> Self {
        Self {
            full_url: Some(full_url.into()),
            resource: Some(resource.into()),
            ..Self::default()
        }
    }
}

fhir_object! {
    /// `Bundle`: a container for a collection of resources (a message, a `$everything`
    /// searchset, a Synthea transaction...).
    base_resource Bundle ("Bundle") {
        /// Persistent identifier for the bundle.
        opt identifier: Identifier = "identifier",
        /// document | message | transaction | transaction-response | batch | ... | searchset | collection
        opt type_: BundleType = "type",
        /// When the bundle was assembled.
        opt timestamp: Instant = "timestamp",
        /// If search, the total number of matches.
        opt total: i64 = "total",
        /// Links related to this Bundle (`next` for paging).
        vec link: BundleLink = "link",
        /// Entry in the bundle - will have a resource or information.
        vec entry: BundleEntry = "entry",
    }
}

impl Bundle {
    /// A Bundle of the given type.
    pub fn new(type_: BundleType) -> Self {
        Self {
            type_: Some(type_),
            ..Self::default()
        }
    }

    /// The entries' resources, in Bundle order (entries without a resource are skipped).
    pub fn resources(&self) -> impl Iterator<Item = &Resource> {
        self.entry.iter().filter_map(|e| e.resource.as_ref())
    }

    /// The resources of type `T`, in Bundle order.
    ///
    /// ```
    /// use ocean_model::{Bundle, Patient};
    /// let json = r#"{"resourceType":"Bundle","type":"collection","entry":[
    ///   {"resource":{"resourceType":"Patient","id":"p"}},
    ///   {"resource":{"resourceType":"Encounter","id":"e"}}]}"#;
    /// let bundle: Bundle = ocean_model::json::from_str(json).unwrap();
    /// assert_eq!(bundle.resources_of::<Patient>().count(), 1);
    /// ```
    pub fn resources_of<T: ResourceType>(&self) -> impl Iterator<Item = &T> {
        self.resources().filter_map(T::from_resource)
    }

    /// The entries holding a `T`, with their index in `entry`.
    pub fn entries_of<T: ResourceType>(&self) -> impl Iterator<Item = (usize, &BundleEntry, &T)> {
        self.entry.iter().enumerate().filter_map(|(i, e)| {
            e.resource
                .as_ref()
                .and_then(T::from_resource)
                .map(|r| (i, e, r))
        })
    }

    /// The first resource of type `T`.
    pub fn first_of<T: ResourceType>(&self) -> Option<&T> {
        self.resources_of::<T>().next()
    }

    /// Resolves a reference string to an entry (index and entry) by the rules in the module docs
    /// (steps 2–4; `#id` needs [`Bundle::resolve_from`]).
    pub fn resolve_entry(&self, reference: &str) -> Option<(usize, &BundleEntry)> {
        self.entry
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let resource = e.resource.as_ref();
                let step = reference_matches(
                    reference,
                    e.full_url.as_ref().map(Uri::as_str),
                    resource.map(Resource::resource_type),
                    resource.and_then(Resource::id),
                )?;
                Some((step, i, e))
            })
            .min_by_key(|&(step, i, _)| (step, i))
            .map(|(_, i, e)| (i, e))
    }

    /// Resolves a reference string to a resource in this Bundle (see the module docs).
    pub fn resolve(&self, reference: &str) -> Option<&Resource> {
        self.resolve_entry(reference)
            .and_then(|(_, e)| e.resource.as_ref())
    }

    /// Resolves a [`Reference`] made by `from` (a resource in this Bundle): `#id` finds a
    /// resource in `from.contained`; anything else as [`Bundle::resolve`].
    pub fn resolve_from<'a>(
        &'a self,
        reference: &Reference,
        from: &'a Resource,
    ) -> Option<&'a Resource> {
        let text = reference.reference.as_deref()?;
        match ParsedReference::parse(text) {
            ParsedReference::Contained { id } => {
                from.contained().iter().find(|r| r.id() == Some(id))
            }
            _ => self.resolve(text),
        }
    }

    /// Resolves a reference and returns it as `T` if it points to a `T`.
    pub fn resolve_as<T: ResourceType>(&self, reference: &Reference) -> Option<&T> {
        self.resolve(reference.reference.as_deref()?)
            .and_then(T::from_resource)
    }
}

/// Which rule of the module docs makes `reference` point at an entry with this `fullUrl`,
/// resource type and id, if any. Among several matching entries, the lowest step wins, then the
/// first in Bundle order ([`Bundle::resolve_entry`] does exactly that); code that keeps only some
/// entries (a streaming reader) gets the same answer by applying the same ordering.
///
/// ```
/// use ocean_model::bundle::{MatchStep, reference_matches};
/// let uuid = "0b1b4b2e-6f0a-4c3e-9a51-2d7f3c1e8a90";
/// assert_eq!(reference_matches(&format!("urn:uuid:{uuid}"), Some(uuid), None, None), Some(MatchStep::Uuid));
/// assert_eq!(reference_matches("Medication/m1", None, Some("Medication"), Some("m1")), Some(MatchStep::TypeAndId));
/// assert_eq!(reference_matches("#m1", None, Some("Medication"), Some("m1")), None);
/// ```
pub fn reference_matches(
    reference: &str,
    full_url: Option<&str>,
    resource_type: Option<&str>,
    id: Option<&str>,
) -> Option<MatchStep> {
    let parsed = ParsedReference::parse(reference);
    if matches!(parsed, ParsedReference::Contained { .. }) || reference.is_empty() {
        return None;
    }
    if full_url == Some(reference) {
        return Some(MatchStep::FullUrl);
    }
    if let (Some(uuid), Some(u)) = (
        parsed.uuid(),
        full_url.and_then(|u| ParsedReference::parse(u).uuid()),
    ) {
        if u.eq_ignore_ascii_case(uuid) {
            return Some(MatchStep::Uuid);
        }
    }
    if let (Some(ty), Some(want)) = (parsed.resource_type(), parsed.id()) {
        if resource_type == Some(ty) && id == Some(want) {
            return Some(MatchStep::TypeAndId);
        }
        let tail = full_url.map(ParsedReference::parse);
        if tail.is_some_and(|p| p.resource_type() == Some(ty) && p.id() == Some(want)) {
            return Some(MatchStep::TypeAndId);
        }
    }
    None
}

/// The rule by which a reference matched an entry, in priority order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchStep {
    /// The entry's `fullUrl` equals the reference.
    FullUrl,
    /// `urn:uuid:X` ↔ bare UUID `X` (either way round).
    Uuid,
    /// `Type/id`: the resource's type and id, or the tail of the entry's `fullUrl`.
    TypeAndId,
}
