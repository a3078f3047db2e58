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
//! members are kept (`id`, `meta`, `identifier`, `timestamp`, ...) except `total` and `link`,
//! which would be wrong for the smaller Bundle (R4 bdl-1), and `signature`, which signed the
//! whole input. Several pages become one Bundle (members of the first page).
//!
//! # The output is a valid R4 Bundle, whatever the input type
//! * A `message` or `document` input becomes a **`collection`** (and so does a Bundle without
//!   a `type`). A message is its MessageHeader and the focus chain behind it, a document its
//!   Composition and the sections that reference entries: pruning drops entries those point
//!   to, so keeping `message`/`document` would need the header or Composition kept *and*
//!   rewritten (R4 bdl-11, bdl-12, `msh-focus`), and the result would look like the original
//!   message or document while saying less. A collection claims nothing but "these
//!   resources", which is what a pruned Bundle is. Every other type is kept: `searchset`,
//!   `collection` and `history` have no rule on their first entry, and the entries of a
//!   `transaction`/`batch` (or `-response`) keep their own `request`/`response` (bdl-3, bdl-4).
//! * No empty array or object is written: when nothing is kept there is no `entry` member (not
//!   `"entry": []`), and an empty (or `null`) Bundle member of the input is left out. Entries
//!   themselves are copied verbatim: pruning never adds an empty value inside them.
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
    let members = first_members.unwrap_or_default();
    // Extraction reads an object with `entry` and no `resourceType` as a Bundle; the pruned
    // output says so, or it would stop being read as FHIR once no entry is left (fuzz crash
    // `entry-without-resource-type-in-untyped-bundle.json`).
    if !members.iter().any(|(k, _)| k == "resourceType") {
        obj.string_member("resourceType", "Bundle");
    }
    let mut has_type = false;
    for (k, v) in members {
        match &*k {
            "total" | "link" | "signature" => {}
            _ if is_empty_json(v.get()) => {}
            "type" => {
                has_type = true;
                let ty = serde_json::from_str::<Cow<'_, str>>(v.get()).ok();
                if matches!(ty.as_deref(), Some("message" | "document")) {
                    obj.string_member("type", "collection");
                } else {
                    obj.member("type", v.get().as_bytes());
                }
            }
            _ => obj.member(&k, v.get().as_bytes()),
        }
    }
    if !has_type {
        obj.string_member("type", "collection");
    }
    if !kept_entries.is_empty() {
        obj.member("entry", &entries);
    }
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

/// `null`, `[]` or `{}` (white space allowed): what FHIR JSON never has.
fn is_empty_json(raw: &str) -> bool {
    let compact: String = raw.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    matches!(compact.as_str(), "null" | "[]" | "{}")
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
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use ocean_model::{Resource, validate};
    use std::path::{Path, PathBuf};

    /// The Bundle rules of `validate` and its JSON shape rule.
    const BUNDLE_RULES: &[&str] = &[
        "bundle-type",
        "message-header-first",
        "message-timestamp",
        "document-composition-first",
        "bundle-total",
        "fullurl-unique",
        "json-empty",
    ];

    fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                json_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }

    fn bundle_issues(json: &[u8]) -> Vec<(&'static str, String)> {
        let r: Resource = ocean_model::json::from_slice(json).unwrap();
        let issues = match &r {
            Resource::Bundle(b) => validate::validate_bundle(b),
            other => validate::validate(other),
        };
        issues
            .into_iter()
            .filter(|i| BUNDLE_RULES.contains(&i.rule))
            .map(|i| (i.rule, i.path))
            .collect()
    }

    /// Prune output of every public fixture (the repository's `testdata`, and the shared
    /// `fixtures/public` beside the repository or beside its worktree folder, when present) is
    /// a valid R4 Bundle without empty JSON.
    #[test]
    fn pruned_fixtures_pass_the_bundle_rules() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        json_files(&root.join("testdata"), &mut files);
        for shared in ["../shared/fixtures/public", "../../shared/fixtures/public"] {
            json_files(&root.join(shared), &mut files);
        }
        let rules = Rules::default();
        let mut bundles = 0;
        for f in &files {
            let bytes = std::fs::read(f).unwrap();
            if bytes.trim_ascii_start().starts_with(b"[") {
                continue;
            }
            let pruned = prune(&bytes, &rules).unwrap();
            if pruned.entries_before == 0 {
                continue;
            }
            bundles += 1;
            assert_eq!(bundle_issues(&pruned.json), [], "{}", f.display());
        }
        assert!(bundles >= 6, "{bundles}");
    }

    #[test]
    fn messages_and_documents_become_collections_and_nothing_is_empty() {
        let rules = Rules::default();
        for input in [
            r#"{"resourceType":"Bundle","type":"message","timestamp":"2020-01-01T00:00:00Z","meta":{},"entry":[{"fullUrl":"urn:uuid:0b1b4b2e-6f0a-4c3e-9a51-2d7f3c1e8a90","resource":{"resourceType":"MessageHeader","id":"h"}}]}"#,
            r#"{"resourceType":"Bundle","type":"document","signature":{"type":[]},"entry":[{"resource":{"resourceType":"Composition"}},{"resource":{"resourceType":"Encounter"}}]}"#,
            r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Encounter"}}]}"#,
            r#"{"resourceType":"Bundle","type":"searchset","total":0,"link":[],"entry":[]}"#,
        ] {
            let pruned = prune(input.as_bytes(), &rules).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&pruned.json).unwrap();
            let want = if input.contains("searchset") {
                "searchset"
            } else {
                "collection"
            };
            assert_eq!(v["type"], want, "{input}");
            assert!(v.get("entry").is_none(), "{input}: {v}");
            assert!(v.get("signature").is_none() && v.get("meta").is_none());
            assert_eq!(bundle_issues(&pruned.json), [], "{input}");
        }
    }

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
