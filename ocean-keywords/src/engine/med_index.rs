//! The Bundle's Medications, indexed for `medicationReference`: each Medication keeps only what
//! can reach the output (its concept text and where it is) plus the `fullUrl` and `id` the
//! resolution rule compares, and three hash indexes (exact `fullUrl`, `urn:uuid` of the
//! `fullUrl`, `Type/id`) make each lookup O(1) expected instead of a scan of every Medication.
//!
//! The rule is exactly [`ocean_model::bundle::reference_matches`] with its priority (exact
//! `fullUrl`, then UUID, then `Type/id`; the first in Bundle order within a step): every
//! candidate an index gives is confirmed with that function, and an index slot taken by another
//! key with the same hash (a collision of a per-extraction random SipHash key, which input cannot
//! aim at) falls back to the full scan, so the answer never depends on the hashing.

use ocean_model::ParsedReference;
use ocean_model::bundle::reference_matches;
use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

/// One Medication of the Bundle: its `fullUrl`, `id` and concept text in one allocation.
pub(super) struct Med {
    /// `(page, entry)`, for pruning.
    pub(super) key: Option<(usize, usize)>,
    /// `fullUrl`, `id` and text, one after the other.
    strings: Box<str>,
    /// The lengths of `fullUrl` and `id` in `strings`; `u32::MAX` when absent.
    lens: [u32; 2],
    has_text: bool,
}

const ABSENT: u32 = u32::MAX;

impl Med {
    fn part(&self, i: usize) -> Option<&str> {
        let [u, d] = self.lens;
        let len = |l: u32| if l == ABSENT { 0 } else { l as usize };
        let (start, end, present) = match i {
            0 => (0, len(u), u != ABSENT),
            1 => (len(u), len(u) + len(d), d != ABSENT),
            _ => (len(u) + len(d), self.strings.len(), self.has_text),
        };
        if !present {
            return None;
        }
        self.strings.get(start..end)
    }
    fn full_url(&self) -> Option<&str> {
        self.part(0)
    }
    fn id(&self) -> Option<&str> {
        self.part(1)
    }
    /// The concept text of `Medication.code`.
    pub(super) fn text(&self) -> Option<&str> {
        self.part(2)
    }
}

/// The first Medication with a key (its index), and in the top bit whether a later one has the
/// same key.
#[derive(Clone, Copy)]
struct Slot(u32);

const SHARED: u32 = 1 << 31;

impl Slot {
    fn first(self) -> usize {
        (self.0 & !SHARED) as usize
    }
    fn shared(self) -> bool {
        self.0 & SHARED != 0
    }
}

/// The index's three key kinds, in the rule's priority order.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    FullUrl,
    Uuid,
    TypeId,
}

/// What a reference resolved to.
pub(super) struct Resolved<'a> {
    /// The Medication the rule picks.
    pub(super) med: &'a Med,
    /// More than one Medication of the Bundle matches the reference (at any step).
    pub(super) ambiguous: bool,
}

/// The Medications seen so far, with their indexes.
#[derive(Default)]
pub(super) struct MedIndex {
    meds: Vec<Med>,
    hasher: RandomState,
    full_url: HashMap<u64, Slot>,
    uuid: HashMap<u64, Slot>,
    type_id: HashMap<u64, Slot>,
    /// Lookups answered by the full scan (hash collisions); for tests.
    scans: usize,
    /// Some Medications are not indexed (more than 2^31): every lookup scans.
    unindexed: bool,
}

/// The UUID of a `fullUrl` (`urn:uuid:X` or a bare UUID).
fn uuid_of(full_url: &str) -> Option<&str> {
    ParsedReference::parse(full_url).uuid()
}

/// The `(type, id)` a `fullUrl` ends in, if any.
fn tail_of(full_url: &str) -> Option<(&str, &str)> {
    let p = ParsedReference::parse(full_url);
    Some((p.resource_type()?, p.id()?))
}

impl Med {
    /// The `Type/id` pairs a reference can name this Medication by.
    fn type_ids(&self) -> [Option<(&str, &str)>; 2] {
        [
            self.id().map(|id| ("Medication", id)),
            self.full_url().and_then(tail_of),
        ]
    }
}

impl MedIndex {
    fn hash(&self, kind: Kind, parts: &[&str], lower: bool) -> u64 {
        let mut h = self.hasher.build_hasher();
        h.write_u8(kind as u8);
        for p in parts {
            if lower {
                for b in p.bytes() {
                    h.write_u8(b.to_ascii_lowercase());
                }
            } else {
                h.write(p.as_bytes());
            }
            h.write_u8(0xff);
        }
        h.finish()
    }

    fn map(&mut self, kind: Kind) -> &mut HashMap<u64, Slot> {
        match kind {
            Kind::FullUrl => &mut self.full_url,
            Kind::Uuid => &mut self.uuid,
            Kind::TypeId => &mut self.type_id,
        }
    }

    /// Whether Medication `j` has exactly this key.
    fn has_key(&self, j: usize, kind: Kind, parts: &[&str]) -> bool {
        let Some(m) = self.meds.get(j) else {
            return false;
        };
        match (kind, parts) {
            (Kind::FullUrl, [u]) => m.full_url() == Some(*u),
            (Kind::Uuid, [u]) => m
                .full_url()
                .and_then(uuid_of)
                .is_some_and(|v| v.eq_ignore_ascii_case(u)),
            (Kind::TypeId, [t, i]) => m.type_ids().into_iter().flatten().any(|p| p == (*t, *i)),
            _ => false,
        }
    }

    fn insert_key(&mut self, i: usize, kind: Kind, parts: &[&str]) {
        let h = self.hash(kind, parts, kind == Kind::Uuid);
        let existing = self.map(kind).get(&h).copied();
        match existing {
            None => {
                self.map(kind).insert(h, Slot(i as u32));
            }
            Some(slot) if slot.first() != i && self.has_key(slot.first(), kind, parts) => {
                self.map(kind).insert(h, Slot(slot.0 | SHARED));
            }
            // The same Medication again (both `Type/id` forms agree), or a hash collision: the
            // lookup confirms and falls back to a scan.
            Some(_) => {}
        }
    }

    /// Adds a Medication of the Bundle (in Bundle order).
    pub(super) fn push(
        &mut self,
        key: Option<(usize, usize)>,
        full_url: Option<&str>,
        id: Option<&str>,
        text: Option<&str>,
    ) {
        let i = self.meds.len();
        // Indexes fit the 31 bits of a slot; past 2^31 Medications (far beyond any reader cap)
        // more are kept but not indexed, and found by the scan.
        let indexed = i < SHARED as usize;
        let len = |s: Option<&str>| match s {
            Some(s) => u32::try_from(s.len()).ok().filter(|&l| l != ABSENT),
            None => Some(ABSENT),
        };
        let (Some(url_len), Some(id_len)) = (len(full_url), len(id)) else {
            // A fullUrl or id of 4 GiB cannot be read (the entry cap is far below).
            return;
        };
        let mut strings = String::with_capacity(
            full_url.map_or(0, str::len) + id.map_or(0, str::len) + text.map_or(0, str::len),
        );
        strings.extend([full_url, id, text].into_iter().flatten());
        self.meds.push(Med {
            key,
            strings: strings.into_boxed_str(),
            lens: [url_len, id_len],
            has_text: text.is_some(),
        });
        if !indexed {
            self.unindexed = true;
            return;
        }
        if let Some(u) = full_url {
            self.insert_key(i, Kind::FullUrl, &[u]);
            if let Some(uuid) = uuid_of(u) {
                self.insert_key(i, Kind::Uuid, &[uuid]);
            }
            if let Some((t, id)) = tail_of(u) {
                self.insert_key(i, Kind::TypeId, &[t, id]);
            }
        }
        if let Some(id) = id {
            self.insert_key(i, Kind::TypeId, &["Medication", id]);
        }
    }

    /// How many lookups fell back to the full scan (hash collisions).
    #[cfg(test)]
    pub(super) fn scans(&self) -> usize {
        self.scans
    }

    /// Resolves a medication reference (not `#id`, not empty) by the rule of
    /// `ocean_model::Bundle::resolve_entry`.
    pub(super) fn resolve(&mut self, reference: &str) -> Option<Resolved<'_>> {
        if self.unindexed {
            return self.scan(reference);
        }
        let parsed = ParsedReference::parse(reference);
        let uuid = parsed.uuid();
        let type_id = parsed.resource_type().zip(parsed.id());
        let lookups: [(Kind, Option<[&str; 2]>); 3] = [
            (Kind::FullUrl, Some([reference, ""])),
            (Kind::Uuid, uuid.map(|u| [u, ""])),
            (Kind::TypeId, type_id.map(|(t, i)| [t, i])),
        ];
        let mut found: Option<usize> = None;
        let mut ambiguous = false;
        for (kind, parts) in lookups {
            let Some(parts) = parts else {
                continue;
            };
            let parts: &[&str] = if kind == Kind::TypeId {
                &parts
            } else {
                parts.get(..1).unwrap_or_default()
            };
            let h = self.hash(kind, parts, kind == Kind::Uuid);
            let Some(slot) = self.map(kind).get(&h).copied() else {
                continue;
            };
            let confirmed = self.meds.get(slot.first()).is_some_and(|m| {
                reference_matches(reference, m.full_url(), Some("Medication"), m.id()).is_some()
            });
            if !confirmed {
                return self.scan(reference);
            }
            ambiguous |= slot.shared() || found.is_some_and(|f| f != slot.first());
            found = found.or(Some(slot.first()));
        }
        let med = self.meds.get(found?)?;
        Some(Resolved { med, ambiguous })
    }

    /// The rule by a scan of every Medication (only after a hash collision).
    fn scan(&mut self, reference: &str) -> Option<Resolved<'_>> {
        self.scans += 1;
        let mut best: Option<(ocean_model::bundle::MatchStep, usize)> = None;
        let mut matches = 0usize;
        for (i, m) in self.meds.iter().enumerate() {
            let Some(step) = reference_matches(reference, m.full_url(), Some("Medication"), m.id())
            else {
                continue;
            };
            matches += 1;
            if best.is_none_or(|(s, _)| step < s) {
                best = Some((step, i));
            }
        }
        let (_, i) = best?;
        let med = self.meds.get(i)?;
        Some(Resolved {
            med,
            ambiguous: matches > 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(meds: &[(Option<&str>, Option<&str>, &str)]) -> MedIndex {
        let mut x = MedIndex::default();
        for (i, (u, id, text)) in meds.iter().enumerate() {
            x.push(Some((0, i)), *u, *id, Some(text));
        }
        x
    }

    fn text(x: &mut MedIndex, r: &str) -> Option<(String, bool)> {
        x.resolve(r)
            .map(|m| (m.med.text().unwrap_or("").to_owned(), m.ambiguous))
    }

    #[test]
    fn priority_and_order_follow_reference_matches() {
        let mut x = idx(&[
            (Some("http://s/fhir/Medication/1"), Some("9"), "tail"),
            (None, Some("1"), "by id"),
            (
                Some("urn:uuid:AAAAAAAA-0000-0000-0000-000000000001"),
                None,
                "uuid",
            ),
            (Some("Medication/1"), None, "exact"),
        ]);
        // Exact fullUrl beats Type/id.
        assert_eq!(text(&mut x, "Medication/1"), Some(("exact".into(), true)));
        // Type/id: the first in Bundle order (the fullUrl tail of entry 0), ambiguous.
        assert_eq!(
            text(&mut x, "http://other/Medication/1"),
            Some(("tail".into(), true))
        );
        assert_eq!(
            text(&mut x, "aaaaaaaa-0000-0000-0000-000000000001"),
            Some(("uuid".into(), false))
        );
        assert_eq!(text(&mut x, "Medication/9"), Some(("tail".into(), false)));
        assert_eq!(text(&mut x, "Medication/2"), None);
        assert_eq!(x.scans(), 0);
    }

    #[test]
    fn same_uuid_in_two_spellings_is_ambiguous() {
        let mut x = idx(&[
            (
                Some("urn:uuid:aaaaaaaa-0000-0000-0000-000000000001"),
                None,
                "a",
            ),
            (
                Some("urn:uuid:AAAAAAAA-0000-0000-0000-000000000001"),
                None,
                "b",
            ),
        ]);
        assert_eq!(
            text(&mut x, "urn:uuid:AAAAAAAA-0000-0000-0000-000000000001"),
            Some(("b".into(), true))
        );
    }

    #[test]
    fn forty_thousand_references_are_lookups_not_scans() {
        let n = 40_000;
        let mut x = MedIndex::default();
        for i in 0..n {
            let u = format!("urn:uuid:00000000-0000-0000-0000-{i:012}");
            let id = format!("m{i}");
            x.push(Some((0, i)), Some(&u), Some(&id), Some("t"));
        }
        for i in 0..n {
            assert!(x.resolve(&format!("Medication/m{i}")).is_some());
            assert!(
                x.resolve(&format!("urn:uuid:00000000-0000-0000-0000-{i:012}"))
                    .is_some()
            );
        }
        assert_eq!(x.scans(), 0);
    }
}
