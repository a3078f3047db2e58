//! [`BundleIndex`]: every way a reference can name an entry of a Bundle, built once, so that
//! resolving many references takes linear time in all (issue 18).
//!
//! # Rules
//! [`BundleIndex::resolve`] applies exactly the rules of [`crate::bundle`] (the module docs:
//! `fullUrl` equal, `urn:uuid:X` ↔ bare UUID, `Type/id` of the resource or of the `fullUrl`
//! tail) and picks the same winner as [`Bundle::resolve_entry`]: lowest
//! [`MatchStep`], then first in Bundle order. On top of that it says
//! when a reference is **ambiguous**: when two *different* entries match it by any of the rules
//! (the same `Type/id`, or the same `fullUrl` in any spelling: `urn:uuid:X`, bare `X`, other
//! letter case). A receiver that must not guess (an Ocean message naming a patient) refuses
//! those; [`Resolution::Ambiguous`] still tells which entry the first-match rule would pick.
//! `Type/id` ignores the server base, so `http://a/Patient/1` and `http://b/Patient/1` in one
//! Bundle make `Patient/1` (and either absolute URL) ambiguous.
//!
//! `#id` resolves among the `contained` resources of the referring entry's resource
//! ([`BundleIndex::resolve_from`]); two contained resources with the same id are ambiguous too.
//!
//! # Complexity
//! | entry point | time | memory |
//! |---|---|---|
//! | [`BundleIndex::new`] | O(n + c + total length of fullUrls and ids), n entries, c contained resources | O(n + c) |
//! | [`BundleIndex::resolve`], [`BundleIndex::resolve_str`], [`BundleIndex::resolve_from`] | O(length of the reference), expected | O(1) (a lower-cased copy of a UUID with capitals) |
//! | [`Bundle::resolve_entry`] and friends (no index) | O(n) per call: fine for one lookup, use an index for many | O(1) |
//!
//! ```
//! use ocean_model::{json, Bundle, BundleIndex, Reference, Resolution};
//! let b: Bundle = json::from_str(r#"{"resourceType":"Bundle","type":"collection","entry":[
//!   {"fullUrl":"urn:uuid:0b1b4b2e-6f0a-4c3e-9a51-2d7f3c1e8a90","resource":{"resourceType":"Patient","id":"x"}},
//!   {"resource":{"resourceType":"Patient","id":"x"}}]}"#).unwrap();
//! let index = BundleIndex::new(&b);
//! assert_eq!(index.resolve_str("urn:uuid:0b1b4b2e-6f0a-4c3e-9a51-2d7f3c1e8a90").entry_index(), Some(0));
//! assert!(matches!(index.resolve(&Reference::to("Patient/x")), Resolution::Ambiguous { first: 0, second: 1 }));
//! assert!(matches!(index.resolve_str("Patient/y"), Resolution::Unresolved));
//! ```

use std::borrow::Cow;
use std::collections::HashMap;

use crate::bundle::MatchStep;
use crate::{Bundle, BundleEntry, ParsedReference, Reference, Resource, Uri};

/// The first two distinct positions that carry one key.
#[derive(Debug, Clone, Copy)]
struct Hits {
    first: usize,
    second: Option<usize>,
}

impl Hits {
    fn add(slot: Option<&mut Self>, at: usize) -> Option<Self> {
        match slot {
            None => Some(Self {
                first: at,
                second: None,
            }),
            Some(h) => {
                if h.first != at && h.second.is_none() {
                    h.second = Some(at);
                }
                None
            }
        }
    }

    fn iter(self) -> impl Iterator<Item = usize> {
        std::iter::once(self.first).chain(self.second)
    }
}

fn add<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Hits>, key: K, at: usize) {
    let slot = map.get_mut(&key);
    if let Some(new) = Hits::add(slot, at) {
        map.insert(key, new);
    }
}

/// A UUID as a map key: ASCII lower case (borrowed when it already is).
fn uuid_key(uuid: &str) -> Cow<'_, str> {
    if uuid.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(uuid.to_ascii_lowercase())
    } else {
        Cow::Borrowed(uuid)
    }
}

/// Where a reference leads inside a Bundle (see the module docs for the rules).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Resolution<'b> {
    /// Exactly one entry matches.
    Entry {
        /// Its index in `Bundle.entry`.
        index: usize,
        /// The entry.
        entry: &'b BundleEntry,
    },
    /// `#id`: exactly one contained resource of the referring entry's resource has that id.
    Contained {
        /// The referring entry's index in `Bundle.entry`.
        entry: usize,
        /// The index in that resource's `contained`.
        index: usize,
        /// The contained resource.
        resource: &'b Resource,
    },
    /// Two different entries (or, for `#id`, two contained resources) match. `first` is what
    /// the first-match rule of [`Bundle::resolve_entry`] picks, `second` another match; both are
    /// indexes in `Bundle.entry` (for `#id`: in the referring resource's `contained`).
    Ambiguous {
        /// The first-match winner.
        first: usize,
        /// Another match.
        second: usize,
    },
    /// Nothing in the Bundle matches (or the reference is empty, or `#id` without a referring
    /// entry).
    Unresolved,
}

impl<'b> Resolution<'b> {
    /// The entry index when exactly one entry matches.
    pub fn entry_index(&self) -> Option<usize> {
        match *self {
            Self::Entry { index, .. } => Some(index),
            _ => None,
        }
    }

    /// The resource when exactly one entry (with a resource) or contained resource matches.
    pub fn resource(&self) -> Option<&'b Resource> {
        match *self {
            Self::Entry { entry, .. } => entry.resource.as_ref(),
            Self::Contained { resource, .. } => Some(resource),
            _ => None,
        }
    }

    /// Whether two candidates match.
    pub fn is_ambiguous(&self) -> bool {
        matches!(self, Self::Ambiguous { .. })
    }
}

/// One index over a Bundle's entries: `fullUrl` (exact and by UUID in any spelling), `Type/id`
/// (of the resource and of the `fullUrl` tail), and each entry resource's contained `#id`s.
/// Borrowing the Bundle, it cannot go stale. See the module docs for rules and complexity.
#[derive(Debug, Clone)]
pub struct BundleIndex<'b> {
    bundle: &'b Bundle,
    full_url: HashMap<&'b str, Hits>,
    uuid: HashMap<Cow<'b, str>, Hits>,
    type_id: HashMap<(&'b str, &'b str), Hits>,
    contained: HashMap<(usize, &'b str), Hits>,
}

impl<'b> BundleIndex<'b> {
    /// Indexes `bundle` in one pass (O(entries + contained resources)).
    pub fn new(bundle: &'b Bundle) -> Self {
        let mut index = Self {
            bundle,
            full_url: HashMap::with_capacity(bundle.entry.len()),
            uuid: HashMap::new(),
            type_id: HashMap::with_capacity(bundle.entry.len()),
            contained: HashMap::new(),
        };
        for (i, e) in bundle.entry.iter().enumerate() {
            if let Some(url) = e.full_url.as_ref().map(Uri::as_str) {
                if !url.is_empty() {
                    add(&mut index.full_url, url, i);
                }
                let parsed = ParsedReference::parse(url);
                if let Some(u) = parsed.uuid() {
                    add(&mut index.uuid, uuid_key(u), i);
                }
                if let (Some(ty), Some(id)) = (parsed.resource_type(), parsed.id()) {
                    add(&mut index.type_id, (ty, id), i);
                }
            }
            if let Some(r) = e.resource.as_ref() {
                if let Some(id) = r.id() {
                    add(&mut index.type_id, (r.resource_type(), id), i);
                }
                for (c, contained) in r.contained().iter().enumerate() {
                    if let Some(id) = contained.id() {
                        add(&mut index.contained, (i, id), c);
                    }
                }
            }
        }
        index
    }

    /// The indexed Bundle.
    pub fn bundle(&self) -> &'b Bundle {
        self.bundle
    }

    /// Resolves `reference.reference` (an absent one is [`Resolution::Unresolved`]; `#id` needs
    /// [`Self::resolve_from`]).
    pub fn resolve(&self, reference: &Reference) -> Resolution<'b> {
        reference
            .reference
            .as_deref()
            .map_or(Resolution::Unresolved, |r| self.resolve_str(r))
    }

    /// Resolves a reference string to an entry (`#id` is [`Resolution::Unresolved`] here).
    pub fn resolve_str(&self, reference: &str) -> Resolution<'b> {
        let parsed = ParsedReference::parse(reference);
        if reference.is_empty() || matches!(parsed, ParsedReference::Contained { .. }) {
            return Resolution::Unresolved;
        }
        let mut candidates: [Option<(MatchStep, usize)>; 6] = [None; 6];
        let mut n = 0;
        let mut push = |hits: Option<&Hits>, step: MatchStep| {
            for at in hits.into_iter().flat_map(|h| h.iter()) {
                if let Some(slot) = candidates.get_mut(n) {
                    *slot = Some((step, at));
                    n += 1;
                }
            }
        };
        push(self.full_url.get(reference), MatchStep::FullUrl);
        if let Some(u) = parsed.uuid() {
            push(self.uuid.get(&uuid_key(u)), MatchStep::Uuid);
        }
        if let (Some(ty), Some(id)) = (parsed.resource_type(), parsed.id()) {
            push(self.type_id.get(&(ty, id)), MatchStep::TypeAndId);
        }
        let Some((_, winner)) = candidates.iter().flatten().min().copied() else {
            return Resolution::Unresolved;
        };
        match candidates
            .iter()
            .flatten()
            .map(|&(_, at)| at)
            .find(|&at| at != winner)
        {
            Some(second) => Resolution::Ambiguous {
                first: winner,
                second,
            },
            None => match self.bundle.entry.get(winner) {
                Some(entry) => Resolution::Entry {
                    index: winner,
                    entry,
                },
                None => Resolution::Unresolved,
            },
        }
    }

    /// Resolves a reference made by the resource of entry `from`: `#id` among that resource's
    /// `contained`, anything else as [`Self::resolve`].
    pub fn resolve_from(&self, reference: &Reference, from: usize) -> Resolution<'b> {
        let Some(text) = reference.reference.as_deref() else {
            return Resolution::Unresolved;
        };
        let ParsedReference::Contained { id } = ParsedReference::parse(text) else {
            return self.resolve_str(text);
        };
        let Some(hits) = self.contained.get(&(from, id)) else {
            return Resolution::Unresolved;
        };
        if let Some(second) = hits.second {
            return Resolution::Ambiguous {
                first: hits.first,
                second,
            };
        }
        let resource = self
            .bundle
            .entry
            .get(from)
            .and_then(|e| e.resource.as_ref())
            .and_then(|r| r.contained().get(hits.first));
        match resource {
            Some(resource) => Resolution::Contained {
                entry: from,
                index: hits.first,
                resource,
            },
            None => Resolution::Unresolved,
        }
    }

    /// The first-match answer of [`Bundle::resolve_entry`] (ambiguity ignored), in O(1).
    pub fn first_match(&self, reference: &str) -> Option<(usize, &'b BundleEntry)> {
        let at = match self.resolve_str(reference) {
            Resolution::Entry { index, .. } => index,
            Resolution::Ambiguous { first, .. } => first,
            _ => return None,
        };
        self.bundle.entry.get(at).map(|e| (at, e))
    }

    /// Pairs of different entries that claim one identity (the same `Type/id`, or the same
    /// `fullUrl` in any spelling), in key order of no particular meaning: each pair is the first
    /// two such entries. O(n).
    pub fn duplicates(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.full_url
            .values()
            .chain(self.uuid.values())
            .chain(self.type_id.values())
            .filter_map(|h| h.second.map(|s| (h.first, s)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BundleType, Patient, Resource};
    use proptest::prelude::*;

    const U: &str = "0b1b4b2e-6f0a-4c3e-9a51-2d7f3c1e8a90";

    fn entry(full_url: Option<&str>, ty: &str, id: Option<&str>) -> BundleEntry {
        let mut r = crate::OtherResource::new(ty);
        if let Some(id) = id {
            r.members_mut().insert("id", &format!("\"{id}\"")).unwrap();
        }
        let resource: Resource = if ty == "Patient" {
            Patient {
                id: id.map(crate::Id::new),
                ..Patient::default()
            }
            .into()
        } else {
            r.into()
        };
        BundleEntry {
            full_url: full_url.map(Uri::new),
            resource: Some(resource),
            ..BundleEntry::default()
        }
    }

    fn bundle(entries: Vec<BundleEntry>) -> Bundle {
        let mut b = Bundle::new(BundleType::Collection);
        b.entry = entries;
        b
    }

    #[test]
    fn same_winner_as_the_scan_and_ambiguity() {
        let upper = U.to_ascii_uppercase();
        let b = bundle(vec![
            entry(Some(&format!("urn:uuid:{U}")), "Patient", Some("a")),
            entry(Some(&upper), "Patient", Some("b")),
            entry(Some("http://x/fhir/Patient/b"), "Encounter", None),
            entry(None, "Patient", Some("c")),
        ]);
        let index = BundleIndex::new(&b);
        for r in [
            format!("urn:uuid:{U}"),
            U.to_owned(),
            upper.clone(),
            "Patient/a".into(),
            "Patient/b".into(),
            "Patient/c".into(),
            "http://y/Patient/c".into(),
            "Patient/z".into(),
            "#a".into(),
            String::new(),
        ] {
            assert_eq!(
                index.first_match(&r).map(|(i, _)| i),
                b.resolve_entry(&r).map(|(i, _)| i),
                "{r}"
            );
        }
        // The same UUID in two spellings; Patient/b as a resource and as a fullUrl tail.
        assert_eq!(
            index.resolve_str(U),
            Resolution::Ambiguous {
                first: 0,
                second: 1
            }
        );
        assert_eq!(
            index.resolve_str("Patient/b"),
            Resolution::Ambiguous {
                first: 1,
                second: 2
            }
        );
        assert_eq!(index.resolve_str("Patient/c").entry_index(), Some(3));
        assert_eq!(index.resolve_str("Patient/a").entry_index(), Some(0));
        assert_eq!(index.duplicates().count(), 2);
    }

    #[test]
    fn contained_ids_from_the_referring_entry() {
        let text = r##"{"resourceType":"Bundle","type":"collection","entry":[
          {"resource":{"resourceType":"MedicationStatement","id":"m",
            "contained":[{"resourceType":"Medication","id":"med"},{"resourceType":"Medication","id":"two"},{"resourceType":"Medication","id":"two"}]}},
          {"resource":{"resourceType":"Patient","id":"p"}}]}"##;
        let b: Bundle = crate::json::from_str(text).unwrap();
        let index = BundleIndex::new(&b);
        let found = index.resolve_from(&Reference::to("#med"), 0);
        assert!(matches!(
            found,
            Resolution::Contained {
                entry: 0,
                index: 0,
                ..
            }
        ));
        assert_eq!(
            found.resource().map(Resource::resource_type),
            Some("Medication")
        );
        assert!(index.resolve_from(&Reference::to("#two"), 0).is_ambiguous());
        assert_eq!(
            index.resolve_from(&Reference::to("#med"), 1),
            Resolution::Unresolved
        );
        assert_eq!(
            index
                .resolve_from(&Reference::to("Patient/p"), 0)
                .entry_index(),
            Some(1)
        );
        assert_eq!(
            index.resolve(&Reference::to("#med")),
            Resolution::Unresolved
        );
    }

    fn arb_entry() -> impl Strategy<Value = BundleEntry> {
        let url = prop_oneof![
            Just(None),
            Just(Some(format!("urn:uuid:{U}"))),
            Just(Some(U.to_ascii_uppercase())),
            Just(Some("http://x/Patient/a".to_owned())),
            Just(Some("http://y/Encounter/a".to_owned())),
            Just(Some("Patient/b".to_owned())),
        ];
        let ty = prop_oneof![Just("Patient"), Just("Encounter")];
        let id = prop_oneof![Just(None), Just(Some("a")), Just(Some("b"))];
        (url, ty, id).prop_map(|(u, t, i)| entry(u.as_deref(), t, i))
    }

    proptest! {
        /// The index picks the scan's winner, and calls a reference ambiguous exactly when the
        /// scan finds two different matching entries.
        #[test]
        fn index_agrees_with_the_scan(entries in proptest::collection::vec(arb_entry(), 0..6)) {
            let b = bundle(entries);
            let index = BundleIndex::new(&b);
            for r in [
                format!("urn:uuid:{U}"), U.to_owned(), "Patient/a".into(), "Patient/b".into(),
                "Encounter/a".into(), "http://x/Patient/a".into(), "http://z/Patient/b".into(),
            ] {
                let scan = b.resolve_entry(&r).map(|(i, _)| i);
                prop_assert_eq!(index.first_match(&r).map(|(i, _)| i), scan);
                let matching = b.entry.iter().filter(|e| {
                    let res = e.resource.as_ref();
                    crate::bundle::reference_matches(
                        &r,
                        e.full_url.as_ref().map(Uri::as_str),
                        res.map(Resource::resource_type),
                        res.and_then(Resource::id),
                    )
                    .is_some()
                }).count();
                prop_assert_eq!(index.resolve_str(&r).is_ambiguous(), matching >= 2);
            }
        }
    }
}
