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
        let parsed = ParsedReference::parse(reference);
        if matches!(parsed, ParsedReference::Contained { .. }) || reference.is_empty() {
            return None;
        }
        let by_full_url = self
            .entry
            .iter()
            .position(|e| e.full_url.as_ref().is_some_and(|u| u.as_str() == reference));
        if let Some(i) = by_full_url {
            return self.entry.get(i).map(|e| (i, e));
        }
        if let Some(uuid) = parsed.uuid() {
            let found = self.entry.iter().position(|e| {
                e.full_url
                    .as_ref()
                    .and_then(|u| ParsedReference::parse(u.as_str()).uuid())
                    .is_some_and(|u| u.eq_ignore_ascii_case(uuid))
            });
            if let Some(i) = found {
                return self.entry.get(i).map(|e| (i, e));
            }
        }
        if let (Some(ty), Some(id)) = (parsed.resource_type(), parsed.id()) {
            let found = self.entry.iter().position(|e| entry_is(e, ty, id));
            if let Some(i) = found {
                return self.entry.get(i).map(|e| (i, e));
            }
        }
        None
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

fn entry_is(e: &BundleEntry, ty: &str, id: &str) -> bool {
    if let Some(r) = &e.resource {
        if r.resource_type() == ty && r.id() == Some(id) {
            return true;
        }
    }
    e.full_url.as_ref().is_some_and(|u| {
        let p = ParsedReference::parse(u.as_str());
        p.resource_type() == Some(ty) && p.id() == Some(id)
    })
}
