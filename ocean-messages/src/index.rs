//! The owned entry index a [`crate::Message`] keeps for its views ([`EntryIndex`]).
//!
//! [`parse`](crate::parse()) resolves the focus, `basedOn` and `subject` and refuses ambiguous
//! messages through [`ocean_model::BundleIndex`], the one index of the model. That index borrows
//! its Bundle, and a `Message` owns its Bundle, so the views (participants, note authors,
//! communication payloads, form subjects) resolve through this owned copy of the same lookups,
//! built once per parse. Every Bundle a `Message` holds has passed the ambiguity check, so the
//! first match is the only match; a test checks it agrees with
//! [`ocean_model::BundleIndex::first_match`]. It goes once `ocean-model` offers an owned index.
//!
//! Complexity: building is O(entries), each lookup O(length of the reference).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use ocean_model::{Bundle, ParsedReference, Reference, Resource};

/// The entries of a Bundle by `fullUrl`, UUID and `Type/id`, owned so a [`crate::Message`] keeps
/// it beside its Bundle.
#[derive(Debug, Clone, Default)]
pub(crate) struct EntryIndex {
    full_url: HashMap<String, usize>,
    uuid: HashMap<String, usize>,
    type_id: HashMap<(String, String), usize>,
}

fn insert_first<K: std::hash::Hash + Eq>(map: &mut HashMap<K, usize>, key: K, i: usize) {
    if let Entry::Vacant(v) = map.entry(key) {
        v.insert(i);
    }
}

impl EntryIndex {
    /// Indexes every entry that holds a resource (an entry without one resolves to nothing).
    pub(crate) fn new(bundle: &Bundle) -> Self {
        let mut index = Self {
            full_url: HashMap::with_capacity(bundle.entry.len()),
            uuid: HashMap::new(),
            type_id: HashMap::with_capacity(bundle.entry.len()),
        };
        for (i, e) in bundle.entry.iter().enumerate() {
            let Some(resource) = e.resource.as_ref() else {
                continue;
            };
            if let Some(url) = e.full_url.as_ref().map(|u| u.as_str()) {
                if !url.is_empty() {
                    insert_first(&mut index.full_url, url.to_owned(), i);
                }
                let parsed = ParsedReference::parse(url);
                if let Some(u) = parsed.uuid() {
                    insert_first(&mut index.uuid, u.to_ascii_lowercase(), i);
                }
                if let (Some(t), Some(id)) = (parsed.resource_type(), parsed.id()) {
                    insert_first(&mut index.type_id, (t.to_owned(), id.to_owned()), i);
                }
            }
            if let Some(id) = Resource::id(resource).filter(|id| !id.is_empty()) {
                let key = (resource.resource_type().to_owned(), id.to_owned());
                insert_first(&mut index.type_id, key, i);
            }
        }
        index
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
        let model = ocean_model::BundleIndex::new(&b);
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
            let scan = b
                .resolve_entry(r)
                .and_then(|(i, e)| e.resource.as_ref().map(|_| i));
            assert_eq!(index.resolve_str(r), scan, "{r}");
            let indexed = model
                .first_match(r)
                .and_then(|(i, e)| e.resource.as_ref().map(|_| i));
            assert_eq!(index.resolve_str(r), indexed, "{r}");
        }
    }
}
