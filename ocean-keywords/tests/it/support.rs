//! Shared helpers: small Bundles built with `serde_json::json!`, and the public fixtures.

use ocean_keywords::{Extraction, FindingCode, Rules};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// A `searchset` Bundle of these resources (no `fullUrl`).
pub fn bundle(resources: impl IntoIterator<Item = Value>) -> Vec<u8> {
    let entries: Vec<Value> = resources
        .into_iter()
        .map(|r| json!({ "resource": r }))
        .collect();
    entries_bundle(entries)
}

/// A `searchset` Bundle of these entries (each `{"fullUrl":..., "resource":...}`).
pub fn entries_bundle(entries: impl IntoIterator<Item = Value>) -> Vec<u8> {
    let entries: Vec<Value> = entries.into_iter().collect();
    serde_json::to_vec(&json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": entries,
    }))
    .unwrap()
}

/// Extracts a Bundle of these resources with the default rules.
pub fn ex(resources: impl IntoIterator<Item = Value>) -> Extraction {
    ocean_keywords::extract(&bundle(resources)).unwrap()
}

/// Extracts a Bundle of these resources with the given rules.
pub fn ex_with(resources: impl IntoIterator<Item = Value>, rules: &Rules) -> Extraction {
    ocean_keywords::extract_with(&bundle(resources), rules).unwrap()
}

/// Whether the extraction has a finding with this code.
pub fn has(x: &Extraction, code: FindingCode) -> bool {
    x.findings_with(code).next().is_some()
}

/// A LOINC coding.
pub fn loinc(code: &str) -> Value {
    json!({ "system": "http://loinc.org", "code": code })
}

/// A final Observation with a LOINC code, an `effectiveDateTime` and a `valueQuantity`. The
/// value is inserted as raw JSON number text so decimals such as `1.50` stay as written.
pub fn obs_q(code: &str, date: &str, value: &str, unit: &str) -> Value {
    let mut o = json!({
        "resourceType": "Observation",
        "status": "final",
        "code": { "coding": [loinc(code)] },
        "effectiveDateTime": date,
    });
    o["valueQuantity"] = quantity(value, Some(unit));
    o
}

/// A final Observation with a LOINC code, an `effectiveDateTime` and no value.
pub fn obs(code: &str, date: &str) -> Value {
    json!({
        "resourceType": "Observation",
        "status": "final",
        "code": { "coding": [loinc(code)] },
        "effectiveDateTime": date,
    })
}

/// A Quantity whose number is kept as written (`serde_json` with `raw_value` keeps the text of a
/// `RawValue`, but `json!` would reformat a float; so the number is parsed from text, which
/// serde_json without `arbitrary_precision` also normalises). Use [`raw_bundle`] when the exact
/// text matters.
pub fn quantity(value: &str, unit: Option<&str>) -> Value {
    let v: Value = serde_json::from_str(value).unwrap();
    match unit {
        Some(u) => json!({ "value": v, "unit": u }),
        None => json!({ "value": v }),
    }
}

/// A Bundle written as text, with these resource texts as entries (for exact number text).
pub fn raw_bundle(resources: &[&str]) -> Vec<u8> {
    let entries: Vec<String> = resources
        .iter()
        .map(|r| format!(r#"{{"resource":{r}}}"#))
        .collect();
    format!(
        r#"{{"resourceType":"Bundle","type":"searchset","entry":[{}]}}"#,
        entries.join(",")
    )
    .into_bytes()
}

/// The workspace `testdata/` folder.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

/// Every public fixture the crate is tested on: (name, bytes). The embedded sample first, then
/// `testdata/{synthea,inferno,hl7,ocean}/*.json` in name order.
pub fn fixtures() -> Vec<(String, Vec<u8>)> {
    let mut out = vec![(
        "sample".to_owned(),
        ocean_keywords::SAMPLE_BUNDLE.as_bytes().to_vec(),
    )];
    for dir in ["synthea", "inferno", "hl7", "ocean"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(testdata().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for f in files {
            let stem = f.file_stem().unwrap().to_string_lossy().into_owned();
            out.push((format!("{dir}_{stem}"), std::fs::read(&f).unwrap()));
        }
    }
    out
}

/// The fuzz target's invariants on one input: no panic; `extract_reader` (whole and 1-byte
/// reads) agrees with `extract`; when extraction succeeds, pruning succeeds and keeps the values.
pub fn check_invariants(bytes: &[u8], what: &str) {
    let rules = Rules::default();
    check_extract_only(bytes, what);
    let a = ocean_keywords::extract(bytes);
    let pruned = ocean_keywords::prune(bytes, &rules);
    let Ok(original) = a else {
        return;
    };
    let pruned = pruned.unwrap_or_else(|e| panic!("{what}: extract succeeded, prune failed: {e}"));
    assert!(pruned.entries_after <= pruned.entries_before, "{what}");
    let again = ocean_keywords::extract(&pruned.json)
        .unwrap_or_else(|e| panic!("{what}: the pruned Bundle does not extract: {e}"));
    assert_eq!(
        again.values(),
        original.values(),
        "{what}: prune changed the values"
    );
}

/// The extraction part of [`check_invariants`]: no panic; `extract_reader` (whole and 1-byte
/// reads) agrees with `extract`.
pub fn check_extract_only(bytes: &[u8], what: &str) {
    let rules = Rules::default();
    let a = ocean_keywords::extract(bytes);
    let b = ocean_keywords::extract_reader(bytes, &rules);
    let c = ocean_keywords::extract_reader(OneByte(bytes), &rules);
    match (&a, &b, &c) {
        (Ok(a), Ok(b), Ok(c)) => {
            assert_eq!(a, b, "{what}: reader differs");
            assert_eq!(a, c, "{what}: 1-byte reader differs");
        }
        (Err(a), Err(b), Err(c)) => {
            assert_eq!(a.kind, b.kind, "{what}: error kinds differ");
            assert_eq!(a.kind, c.kind, "{what}: error kinds differ (1-byte reader)");
        }
        _ => panic!(
            "{what}: extract / extract_reader / 1-byte reader disagree: {:?} {:?} {:?}",
            a.as_ref().err(),
            b.as_ref().err(),
            c.as_ref().err()
        ),
    }
}

/// A reader that returns one byte per call.
pub struct OneByte<'a>(pub &'a [u8]);

impl std::io::Read for OneByte<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((&b, rest)), Some(slot)) => {
                *slot = b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}
