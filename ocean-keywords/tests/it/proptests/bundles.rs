//! Bundles from generated resources: entries (ordered, shuffled, with distinct dates), the exact
//! number text spliced in when a Bundle is written, the order-free view of an extraction, and
//! excluded copies of resources.

use super::resources::{
    NUM_CLOSE, NUM_OPEN, document_reference, list_resource, medications, observation, patient,
};
use ocean_keywords::Extraction;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

pub(super) fn write(v: &Value) -> Vec<u8> {
    let s = serde_json::to_string(v).unwrap();
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(i) = rest.find(NUM_OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + NUM_OPEN.len()..];
        let j = after.find(NUM_CLOSE).unwrap();
        out.push_str(&after[..j]);
        rest = &after[j + NUM_CLOSE.len()..];
    }
    out.push_str(rest);
    out.into_bytes()
}

pub(super) fn bundle_of(entries: &[Value]) -> Vec<u8> {
    write(&json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": entries.len(),
        "link": [{"relation":"self","url":"https://pos.example/fhir/Patient/p/$everything"}],
        "entry": entries,
    }))
}

pub(super) fn entry(resource: Value) -> Value {
    json!({ "resource": resource })
}

/// Entries of a Bundle, in generated order (not yet shuffled): observations, list resources,
/// Medications, Patients (0..=max_patients) and DocumentReferences (0..=2, so the 50 MB total is
/// never reached: at most 4 attachments of at most 10 MB).
pub(super) fn entries(max_patients: usize) -> impl Strategy<Value = Vec<Value>> {
    (
        prop::collection::vec(observation(), 0..12),
        prop::collection::vec(list_resource(), 0..12),
        medications(),
        prop::collection::vec(patient(), 0..=max_patients),
        prop::collection::vec(document_reference(), 0..=2),
        prop::collection::vec(
            select(&["Encounter", "Procedure", "MedicationRequest"][..]),
            0..3,
        ),
    )
        .prop_map(|(obs, lists, meds, patients, docs, others)| {
            let mut out: Vec<Value> = Vec::new();
            out.extend(obs.into_iter().map(entry));
            out.extend(lists.into_iter().map(entry));
            out.extend(meds);
            out.extend(patients.into_iter().map(entry));
            out.extend(docs.into_iter().map(entry));
            out.extend(
                others
                    .into_iter()
                    .map(|t| entry(json!({"resourceType": t, "status": "unknown"}))),
            );
            out
        })
}

pub(super) fn shuffled_entries(max_patients: usize) -> impl Strategy<Value = Vec<Value>> {
    entries(max_patients).prop_shuffle()
}

/// Gives every Observation's date a distinct year (1900, 1902, ...; two years apart so that no
/// offset can make two of them the same instant), keeping its precision and offset.
pub(super) fn distinct_dates(entries: &mut [Value]) {
    let mut year = 1900;
    for e in entries.iter_mut() {
        let r = &mut e["resource"];
        if r["resourceType"] != "Observation" {
            continue;
        }
        for field in ["effectiveDateTime", "effectiveInstant", "issued"] {
            if let Some(d) = r[field].as_str() {
                r[field] = json!(with_year(d, year));
            }
        }
        if let Some(d) = r["effectivePeriod"]["start"].as_str() {
            r["effectivePeriod"]["start"] = json!(with_year(d, year));
        }
        year += 2;
    }
}

pub(super) fn with_year(date: &str, year: i32) -> String {
    if date.len() >= 4 && date.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        format!("{year:04}{}", &date[4..])
    } else {
        date.to_owned()
    }
}

pub(super) fn count_type(entries: &[Value], ty: &str) -> usize {
    entries
        .iter()
        .filter(|e| e["resource"]["resourceType"] == ty)
        .count()
}

/// Latest keywords (in order), list keywords with sorted items, sorted attachments.
pub(super) type OrderFree = (
    Vec<(String, String)>,
    Vec<(String, Vec<String>)>,
    Vec<String>,
);

/// The parts of an extraction that do not depend on entry order (see the module docs).
pub(super) fn order_free(x: &Extraction) -> OrderFree {
    let mut latest = Vec::new();
    let mut lists = Vec::new();
    for (k, v) in &x.keywords {
        if k.starts_with("@ptCpp.") {
            let mut items: Vec<String> = v.split('\n').map(str::to_owned).collect();
            items.sort();
            lists.push((k.clone(), items));
        } else {
            latest.push((k.clone(), v.clone()));
        }
    }
    let mut attachments: Vec<String> = x.attachments.iter().map(|a| format!("{a:?}")).collect();
    attachments.sort();
    (latest, lists, attachments)
}

/// A copy of an Observation or list resource that the rules exclude: entered-in-error (and for
/// Observations a later date and another value).
pub(super) fn excluded_copy(resource: &Value) -> Option<Value> {
    let mut c = resource.clone();
    let o = c.as_object_mut()?;
    match resource["resourceType"].as_str()? {
        "Observation" => {
            for f in [
                "effectiveDateTime",
                "effectivePeriod",
                "effectiveInstant",
                "issued",
                "valueQuantity",
                "valueString",
                "valueCodeableConcept",
                "valueInteger",
                "valueBoolean",
                "dataAbsentReason",
                "component",
            ] {
                o.remove(f);
            }
            o.insert("status".into(), json!("entered-in-error"));
            o.insert("effectiveDateTime".into(), json!("2100-01-01T00:00:00Z"));
            o.insert("valueString".into(), json!("CHANGED"));
        }
        "Condition" | "AllergyIntolerance" => {
            o.insert(
                "verificationStatus".into(),
                json!({"coding":[{"code":"entered-in-error"}]}),
            );
            o.insert("code".into(), json!({"text":"CHANGED"}));
            o.remove("text");
        }
        "Immunization" | "MedicationStatement" => {
            o.insert("status".into(), json!("entered-in-error"));
        }
        _ => return None,
    }
    Some(c)
}
