//! Pruning: the smallest Bundle that yields the same keywords, demographics and attachments.
//!
//! A dedicated `$everything` endpoint for Ocean can send only what Ocean uses. [`prune`] keeps,
//! verbatim and in their original order:
//!
//! * the Patient used for demographics;
//! * each AllergyIntolerance, Condition, Immunization and MedicationStatement that gives a shown
//!   item (not the excluded ones, nor those whose text repeats an earlier item);
//! * the Medication each kept MedicationStatement's reference resolves to;
//! * per `@ptLatestVal` row, only the winning Observation;
//! * each current DocumentReference that gives an accepted attachment;
//! * every Appointment entry, whole: Ocean processes Appointments
//!   ([`READ_TYPES`](crate::READ_TYPES), the list ocean-smart shares) though no keyword comes
//!   from them, so a pruned Bundle still carries everything Ocean reads.
//!
//! Everything else is dropped, including resource types Ocean does not read. The Bundle's own
//! members are kept (`id`, `meta`, `type`, ...) except `total` and `link`, which would be wrong
//! for the smaller Bundle. Several pages become one Bundle (members of the first page).
//!
//! Invariant (property-tested): `extract(prune(b)).values() == extract(b).values()`. Findings are
//! not part of it: they describe the input, and pruning removes what they talk about.

use crate::error::{ExtractError, ExtractErrorKind};
use crate::extract::Extractor;
use crate::object_writer::ObjectWriter;
use crate::rules::Rules;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// A pruned Bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pruned {
    /// The pruned Bundle as compact JSON (entries verbatim).
    pub json: Vec<u8>,
    /// Entries in the input (all pages).
    pub entries_before: usize,
    /// Entries kept.
    pub entries_after: usize,
}

/// Prunes one Bundle with the given rules. A single resource (not a Bundle) is returned as is.
///
/// ```
/// let bundle = br#"{"resourceType":"Bundle","type":"searchset","total":3,"entry":[
///  {"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"effectiveDateTime":"2020-01-01","valueQuantity":{"value":70,"unit":"kg"}}},
///  {"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},"effectiveDateTime":"2021-01-01","valueQuantity":{"value":72,"unit":"kg"}}},
///  {"resource":{"resourceType":"Encounter","status":"finished"}}]}"#;
/// let rules = ocean_keywords::Rules::default();
/// let pruned = ocean_keywords::prune(bundle, &rules)?;
/// assert_eq!((pruned.entries_before, pruned.entries_after), (3, 1));
/// let a = ocean_keywords::extract(bundle)?;
/// let b = ocean_keywords::extract(&pruned.json)?;
/// assert_eq!(a.values(), b.values());
/// # Ok::<(), ocean_keywords::ExtractError>(())
/// ```
pub fn prune(bytes: &[u8], rules: &Rules) -> Result<Pruned, ExtractError> {
    prune_pages(&[bytes], rules)
}

/// Prunes several pages of one patient's `$everything` into one Bundle.
pub fn prune_pages(pages: &[&[u8]], rules: &Rules) -> Result<Pruned, ExtractError> {
    let mut x = Extractor::new(rules);
    for p in pages {
        x.add_slice(p)?;
    }
    let (_, kept) = x.finish_with_sources();

    let mut first_members: Option<Vec<(Cow<'_, str>, &RawValue)>> = None;
    let mut kept_entries: Vec<&RawValue> = Vec::new();
    let mut before = 0usize;
    let mut any_bundle = false;
    for (page, bytes) in pages.iter().enumerate() {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let top = parse_top(bytes)?;
        if let Some(entries) = top.entries {
            any_bundle = true;
            for (i, e) in entries.into_iter().enumerate() {
                before += 1;
                if kept.contains(&(page, i)) || read_but_not_extracted(e) {
                    kept_entries.push(e);
                }
            }
        }
        if first_members.is_none() {
            first_members = Some(top.members);
        }
    }
    if !any_bundle {
        // A single resource: nothing to prune.
        let json = pages
            .first()
            .map(|b| b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b).to_vec())
            .unwrap_or_default();
        return Ok(Pruned {
            json,
            entries_before: 0,
            entries_after: 0,
        });
    }
    let mut entries = Vec::with_capacity(kept_entries.iter().map(|e| e.get().len() + 1).sum());
    entries.push(b'[');
    for (i, e) in kept_entries.iter().enumerate() {
        if i > 0 {
            entries.push(b',');
        }
        entries.extend_from_slice(e.get().as_bytes());
    }
    entries.push(b']');
    let mut obj = ObjectWriter::with_capacity(entries.len() + 256);
    for (k, v) in first_members.unwrap_or_default() {
        if !matches!(&*k, "total" | "link") {
            obj.member(&k, v.get().as_bytes());
        }
    }
    obj.member("entry", &entries);
    let out = obj.finish();
    Ok(Pruned {
        json: out,
        entries_before: before,
        entries_after: kept_entries.len(),
    })
}

/// Whether an entry holds a resource whose type Ocean reads but extraction does not
/// ([`crate::NOT_EXTRACTED`]): such entries are kept whole.
fn read_but_not_extracted(entry: &RawValue) -> bool {
    #[derive(serde::Deserialize)]
    struct Entry<'a> {
        #[serde(borrow)]
        resource: Option<TypeOnly<'a>>,
    }
    #[derive(serde::Deserialize)]
    struct TypeOnly<'a> {
        #[serde(rename = "resourceType", borrow)]
        resource_type: Option<Cow<'a, str>>,
    }
    serde_json::from_str::<Entry<'_>>(entry.get())
        .ok()
        .and_then(|e| e.resource?.resource_type)
        .is_some_and(|t| crate::NOT_EXTRACTED.contains(&&*t))
}

struct Top<'a> {
    /// Members other than `entry`, in order.
    members: Vec<(Cow<'a, str>, &'a RawValue)>,
    /// `entry` items, if `entry` is an array.
    entries: Option<Vec<&'a RawValue>>,
}

fn parse_top(bytes: &[u8]) -> Result<Top<'_>, ExtractError> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Top<'de>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a FHIR Bundle")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top<'de>, A::Error> {
            let mut top = Top {
                members: Vec::new(),
                entries: None,
            };
            while let Some(k) = map.next_key::<Cow<'de, str>>()? {
                if k == "entry" {
                    let raw = map.next_value::<&RawValue>()?;
                    // Extraction reads every `entry` array (and skips a non-array `entry`); so
                    // does pruning, numbering entries across repeated `entry` members.
                    if let Ok(items) = serde_json::from_str::<Vec<&RawValue>>(raw.get()) {
                        top.entries.get_or_insert_with(Vec::new).extend(items);
                    }
                } else {
                    top.members.push((k, map.next_value::<&RawValue>()?));
                }
            }
            Ok(top)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let top = de
        .deserialize_map(V)
        .and_then(|t| de.end().map(|()| t))
        .map_err(|e| ExtractError {
            kind: match e.classify() {
                serde_json::error::Category::Eof => ExtractErrorKind::Eof,
                serde_json::error::Category::Syntax => ExtractErrorKind::Syntax,
                _ => ExtractErrorKind::NotAResource,
            },
            line: e.line(),
            column: e.column(),
        })?;
    Ok(top)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appointments_are_kept_whole_other_unread_types_dropped() {
        let bundle = br#"{"resourceType":"Bundle","type":"searchset","entry":[
          {"resource":{"resourceType":"Appointment","id":"a1","status":"booked","participant":[]}},
          {"resource":{"resourceType":"Encounter","id":"e1","status":"finished"}},
          {"fullUrl":"urn:x","resource":{"id":"a2","resourceType":"Appointment","status":"proposed"}},
          {"resource":"not an object"},
          {"resource":{"resourceType":"MedicationRequest","id":"m1"}}]}"#;
        let p = prune(bundle, &Rules::default()).unwrap();
        assert_eq!((p.entries_before, p.entries_after), (5, 2));
        let v: serde_json::Value = serde_json::from_slice(&p.json).unwrap();
        let ids: Vec<&str> = v["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["resource"]["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["a1", "a2"]);
        // Every type Ocean reads but extraction skips is in READ_TYPES.
        for t in crate::NOT_EXTRACTED {
            assert!(crate::READ_TYPES.contains(&t));
        }
    }
}
