//! One index of a message's entries ([`EntryIndex`]), built once per parse: every reference the
//! message needs (focus, `basedOn`, `subject`, participants, form subjects) resolves through it in
//! constant time, so parsing is linear in the size of the Bundle, and two entries that one
//! reference could mean are found while it is built.
//!
//! Resolution follows [`ocean_model::Bundle::resolve`]'s steps and order (exact `fullUrl`, then
//! `urn:uuid:` ↔ bare UUID, then `Type/id` from the resource or the `fullUrl` tail; the first entry
//! in Bundle order wins within a step), so both give the same answer on every Bundle this crate
//! accepts.
//!
//! Complexity: building is O(entries), each lookup O(length of the reference).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use ocean_model::{Bundle, ParsedReference, Reference, Resource};

/// Two entries one reference could mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Duplicate {
    /// The entry's `fullUrl` is another entry's, in some spelling (`urn:uuid:X` = `X`, any case).
    FullUrl(usize),
    /// The entry has the `Type/id` of another entry (resource type and id, or `fullUrl` tail).
    TypeAndId(usize),
}

/// The entries of a Bundle by `fullUrl`, UUID and `Type/id`, owned so a [`crate::Message`] keeps
/// it beside its Bundle.
#[derive(Debug, Clone, Default)]
pub(crate) struct EntryIndex {
    full_url: HashMap<String, usize>,
    uuid: HashMap<String, usize>,
    type_id: HashMap<(String, String), usize>,
    duplicates: Vec<Duplicate>,
}

fn insert_first<K: std::hash::Hash + Eq>(map: &mut HashMap<K, usize>, key: K, i: usize) -> bool {
    match map.entry(key) {
        Entry::Vacant(v) => {
            v.insert(i);
            true
        }
        Entry::Occupied(o) => *o.get() == i,
    }
}

impl EntryIndex {
    /// Indexes every entry that holds a resource (an entry without one resolves to nothing).
    pub(crate) fn new(bundle: &Bundle) -> Self {
        let mut index = Self {
            full_url: HashMap::with_capacity(bundle.entry.len()),
            uuid: HashMap::new(),
            type_id: HashMap::with_capacity(bundle.entry.len()),
            duplicates: Vec::new(),
        };
        for (i, e) in bundle.entry.iter().enumerate() {
            let Some(resource) = e.resource.as_ref() else {
                continue;
            };
            let url = e
                .full_url
                .as_ref()
                .map(|u| u.as_str())
                .filter(|u| !u.is_empty());
            let mut full_url_seen = false;
            if let Some(url) = url {
                full_url_seen |= !insert_first(&mut index.full_url, url.to_owned(), i);
                let parsed = ParsedReference::parse(url);
                if let Some(u) = parsed.uuid() {
                    full_url_seen |= !insert_first(&mut index.uuid, u.to_ascii_lowercase(), i);
                }
                if let (Some(t), Some(id)) = (parsed.resource_type(), parsed.id()) {
                    if !insert_first(&mut index.type_id, (t.to_owned(), id.to_owned()), i) {
                        index.duplicates.push(Duplicate::TypeAndId(i));
                    }
                }
            }
            if full_url_seen {
                index.duplicates.push(Duplicate::FullUrl(i));
            }
            if let Some(id) = Resource::id(resource).filter(|id| !id.is_empty()) {
                let key = (resource.resource_type().to_owned(), id.to_owned());
                if !insert_first(&mut index.type_id, key, i) {
                    index.duplicates.push(Duplicate::TypeAndId(i));
                }
            }
        }
        index
    }

    /// The first entry that repeats another's identity, if any (in Bundle order, `fullUrl`
    /// before `Type/id` for one entry).
    pub(crate) fn first_duplicate(&self) -> Option<Duplicate> {
        self.duplicates.first().copied()
    }

    /// The entry a reference string points to.
    pub(crate) fn resolve_str(&self, reference: &str) -> Option<usize> {
        let parsed = ParsedReference::parse(reference);
        if reference.is_empty() || matches!(parsed, ParsedReference::Contained { .. }) {
            return None;
        }
        if let Some(&i) = self.full_url.get(reference) {
            return Some(i);
        }
        if let Some(&i) = parsed
            .uuid()
            .and_then(|u| self.uuid.get(&u.to_ascii_lowercase()))
        {
            return Some(i);
        }
        let (t, id) = (parsed.resource_type()?, parsed.id()?);
        self.type_id.get(&(t.to_owned(), id.to_owned())).copied()
    }

    /// The entry a [`Reference`] points to.
    pub(crate) fn resolve(&self, reference: &Reference) -> Option<usize> {
        self.resolve_str(reference.reference.as_deref()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocean_model::json;

    fn bundle(entries: &str) -> Bundle {
        json::from_str(&format!(
            r#"{{"resourceType":"Bundle","type":"collection","entry":[{entries}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn same_answers_as_the_model() {
        let b = bundle(
            r#"{"fullUrl":"urn:uuid:0b1b4b2e-6f0a-4c3e-9a51-2d7f3c1e8a90","resource":{"resourceType":"Patient"}},
               {"fullUrl":"6F1B4B2E-6F0A-4C3E-9A51-2D7F3C1E8A90","resource":{"resourceType":"MessageHeader"}},
               {"resource":{"resourceType":"Patient","id":"p"}},
               {"fullUrl":"http://x/fhir/Practitioner/d","resource":{"resourceType":"Practitioner"}},
               {"fullUrl":"urn:uuid:1b1b4b2e-6f0a-4c3e-9a51-2d7f3c1e8a90"}"#,
        );
        let index = EntryIndex::new(&b);
        assert_eq!(index.first_duplicate(), None);
        for r in [
            "urn:uuid:0b1b4b2e-6f0a-4c3e-9a51-2d7f3c1e8a90",
            "0B1B4B2E-6F0A-4C3E-9A51-2D7F3C1E8A90",
            "urn:uuid:6f1b4b2e-6f0a-4c3e-9a51-2d7f3c1e8a90",
            "Patient/p",
            "http://y/fhir/Patient/p/_history/2",
            "Practitioner/d",
            "http://x/fhir/Practitioner/d",
            "urn:uuid:1b1b4b2e-6f0a-4c3e-9a51-2d7f3c1e8a90",
            "#p",
            "",
            "Patient/q",
        ] {
            let model = b
                .resolve_entry(r)
                .and_then(|(i, e)| e.resource.as_ref().map(|_| i));
            assert_eq!(index.resolve_str(r), model, "{r}");
        }
    }

    #[test]
    fn duplicates() {
        let b = bundle(
            r#"{"resource":{"resourceType":"Patient","id":"x"}},
               {"resource":{"resourceType":"Patient","id":"x"}}"#,
        );
        assert_eq!(
            EntryIndex::new(&b).first_duplicate(),
            Some(Duplicate::TypeAndId(1))
        );
        let b = bundle(
            r#"{"fullUrl":"Patient/x","resource":{"resourceType":"Patient"}},
               {"resource":{"resourceType":"Patient","id":"x"}}"#,
        );
        assert_eq!(
            EntryIndex::new(&b).first_duplicate(),
            Some(Duplicate::TypeAndId(1))
        );
        let b = bundle(
            r#"{"fullUrl":"urn:uuid:0b1b4b2e-6f0a-4c3e-9a51-2d7f3c1e8a90","resource":{"resourceType":"Patient"}},
               {"fullUrl":"0B1B4B2E-6F0A-4C3E-9A51-2D7F3C1E8A90","resource":{"resourceType":"Patient"}}"#,
        );
        assert_eq!(
            EntryIndex::new(&b).first_duplicate(),
            Some(Duplicate::FullUrl(1))
        );
        // One entry naming itself twice is no duplicate.
        let b = bundle(
            r#"{"fullUrl":"http://x/fhir/Patient/x","resource":{"resourceType":"Patient","id":"x"}}"#,
        );
        assert_eq!(EntryIndex::new(&b).first_duplicate(), None);
    }
}
