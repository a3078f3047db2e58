//! `@ptCpp.rx`: MedicationStatement statuses, dosage, contained and Bundle references, and
//! MedicationRequest (not read).

use crate::support::{entries_bundle, ex, has};
use ocean_keywords::{FindingCode, Severity, extract};
use serde_json::{Value, json};

pub(super) fn ms(status: &str, med: Value) -> Value {
    let mut m = json!({"resourceType":"MedicationStatement","status":status,
        "subject":{"reference":"Patient/p"}});
    for (k, v) in med.as_object().unwrap() {
        m[k] = v.clone();
    }
    m
}

#[test]
fn medication_statuses() {
    for (status, shown) in [
        ("active", true),
        ("intended", true),
        ("on-hold", true),
        ("unknown", true),
        ("completed", false),
        ("stopped", false),
        ("not-taken", false),
        ("entered-in-error", false),
    ] {
        let out = ex([ms(
            status,
            json!({"medicationCodeableConcept":{"text":"Ramipril 5 mg"}}),
        )]);
        assert_eq!(out.keyword("@ptCpp.rx").is_some(), shown, "{status}");
        if !shown {
            assert!(has(&out, FindingCode::ItemExcluded), "{status}");
        }
    }
    // No status: read as unknown (shown), with a finding.
    let out = ex([json!({"resourceType":"MedicationStatement",
        "medicationCodeableConcept":{"text":"Ramipril 5 mg"}})]);
    assert_eq!(out.keyword("@ptCpp.rx"), Some("Ramipril 5 mg"));
    assert!(has(&out, FindingCode::MedicationNoStatus));
}

#[test]
fn medication_dosage_suffix() {
    let out = ex([
        ms(
            "active",
            json!({"medicationCodeableConcept":{"text":"Metformin 500 mg"},
                   "dosage":[{"text":"1 tablet twice daily"},{"text":"ignored"}]}),
        ),
        ms(
            "active",
            json!({"medicationCodeableConcept":{"text":"Atorvastatin"},"dosage":[{"text":""}]}),
        ),
        ms(
            "active",
            json!({"medicationCodeableConcept":{"text":"ASA"},"dosage":[{"sequence":1}]}),
        ),
    ]);
    assert_eq!(
        out.items("@ptCpp.rx"),
        [
            "Metformin 500 mg - 1 tablet twice daily",
            "Atorvastatin",
            "ASA"
        ]
    );
    // A dosage but no medication text: no item.
    let out = ex([ms(
        "active",
        json!({"medicationCodeableConcept":{"coding":[{"system":"x"}]},"dosage":[{"text":"daily"}]}),
    )]);
    assert_eq!(out.keyword("@ptCpp.rx"), None);
    assert!(has(&out, FindingCode::ItemNoText));
}

#[test]
fn medication_contained_reference() {
    let out = ex([ms(
        "active",
        json!({"contained":[
                {"resourceType":"Medication","id":"other","code":{"text":"Wrong"}},
                {"resourceType":"Medication","id":"med1","code":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"860975","display":"Metformin 500 MG Oral Tablet"}]}}],
               "medicationReference":{"reference":"#med1","display":"fallback"},
               "dosage":[{"text":"BID"}]}),
    )]);
    assert_eq!(
        out.keyword("@ptCpp.rx"),
        Some("Metformin 500 MG Oral Tablet - BID")
    );
    // A contained Medication without code text: the display.
    let out = ex([ms(
        "active",
        json!({"contained":[{"resourceType":"Medication","id":"m","code":{"coding":[{"system":"s"}]}}],
               "medicationReference":{"reference":"#m","display":"Display name"}}),
    )]);
    assert_eq!(out.keyword("@ptCpp.rx"), Some("Display name"));
    // A contained reference that names no contained resource: the display.
    let out = ex([ms(
        "active",
        json!({"medicationReference":{"reference":"#nope","display":"Shown display"}}),
    )]);
    assert_eq!(out.keyword("@ptCpp.rx"), Some("Shown display"));
}

#[test]
fn medication_bundle_references() {
    let uuid = "6a3b1f4e-2d1c-4b7a-9c0e-1f2a3b4c5d6e";
    let med = |text: &str| json!({"resourceType":"Medication","id":"m1","code":{"text":text}});
    let urn = format!("urn:uuid:{uuid}");
    let urn_upper = format!("urn:uuid:{}", uuid.to_uppercase());
    let abs = "https://pos.example/fhir/Medication/m1";
    let cases: [(Option<&str>, &str); 7] = [
        (Some(&urn), &urn),
        // bare UUID <-> urn:uuid fullUrl (case-insensitive)
        (Some(&urn), uuid),
        (Some(&urn_upper), uuid),
        // Type/id against the Medication's id
        (None, "Medication/m1"),
        // Type/id against the tail of an absolute fullUrl
        (Some(abs), "Medication/m1"),
        // exact absolute URL
        (Some(abs), abs),
        // absolute URL reference, resolved by its Type/id tail
        (None, "https://other.example/fhir/Medication/m1"),
    ];
    for (full_url, reference) in cases {
        for med_first in [true, false] {
            let med_entry = match full_url {
                Some(u) => json!({"fullUrl":u,"resource":med("Metformin")}),
                None => json!({"resource":med("Metformin")}),
            };
            let ms_entry = json!({"resource":ms("active",
                json!({"medicationReference":{"reference":reference,"display":"fallback"}}))});
            let entries = if med_first {
                vec![med_entry, ms_entry]
            } else {
                vec![ms_entry, med_entry]
            };
            let out = extract(&entries_bundle(entries)).unwrap();
            assert_eq!(
                out.keyword("@ptCpp.rx"),
                Some("Metformin"),
                "{full_url:?} ← {reference} (medication first: {med_first})"
            );
            assert!(!has(&out, FindingCode::MedicationUnresolved));
        }
    }
}

#[test]
fn medication_unresolved_falls_back_to_display() {
    let out = ex([ms(
        "active",
        json!({"medicationReference":{"reference":"urn:uuid:00000000-0000-0000-0000-000000000001","display":"Insulin glargine"}}),
    )]);
    assert_eq!(out.keyword("@ptCpp.rx"), Some("Insulin glargine"));
    assert!(has(&out, FindingCode::MedicationUnresolved));
    // No display either: no item, reported.
    let out = ex([ms(
        "active",
        json!({"medicationReference":{"reference":"Medication/zzz"},"dosage":[{"text":"daily"}]}),
    )]);
    assert_eq!(out.keyword("@ptCpp.rx"), None);
    assert!(has(&out, FindingCode::ItemNoText));
    // A reference with only a display.
    let out = ex([ms(
        "active",
        json!({"medicationReference":{"display":"Only display"}}),
    )]);
    assert_eq!(out.keyword("@ptCpp.rx"), Some("Only display"));
    // A resolved Medication without code text: the display.
    let out = extract(&entries_bundle([
        json!({"fullUrl":"urn:uuid:11111111-1111-1111-1111-111111111111",
               "resource":{"resourceType":"Medication","code":{"coding":[{"system":"s"}]}}}),
        json!({"resource":ms("active",
            json!({"medicationReference":{"reference":"urn:uuid:11111111-1111-1111-1111-111111111111","display":"Disp"}}))}),
    ]))
    .unwrap();
    assert_eq!(out.keyword("@ptCpp.rx"), Some("Disp"));
}

#[test]
fn medication_codeable_concept_wins_and_dedupe_after_resolution() {
    let out = extract(&entries_bundle([
        json!({"fullUrl":"urn:uuid:11111111-1111-1111-1111-111111111111",
               "resource":{"resourceType":"Medication","code":{"text":"Metformin"}}}),
        json!({"resource":ms("active", json!({"medicationCodeableConcept":{"text":"Metformin"}}))}),
        json!({"resource":ms("active",
            json!({"medicationReference":{"reference":"urn:uuid:11111111-1111-1111-1111-111111111111"}}))}),
        json!({"resource":ms("active", json!({"medicationCodeableConcept":{"text":"Ramipril"}}))}),
    ]))
    .unwrap();
    assert_eq!(out.items("@ptCpp.rx"), ["Metformin", "Ramipril"]);
    assert!(has(&out, FindingCode::ItemDuplicate));
}

#[test]
fn medication_request_is_not_read() {
    let req = json!({"resourceType":"MedicationRequest","status":"active","intent":"order",
        "medicationCodeableConcept":{"text":"Amoxicillin"}});
    let out = ex([req.clone()]);
    assert_eq!(out.keyword("@ptCpp.rx"), None);
    let f = out
        .findings_with(FindingCode::MedicationRequestOnly)
        .next()
        .unwrap();
    assert_eq!(f.severity, Severity::Warning);
    // With a MedicationStatement (even an excluded one) there is no such finding.
    let out = ex([
        req,
        ms(
            "completed",
            json!({"medicationCodeableConcept":{"text":"Other"}}),
        ),
    ]);
    assert!(!has(&out, FindingCode::MedicationRequestOnly));
    assert_eq!(out.keyword("@ptCpp.rx"), None);
}

/// Issue 18: 40k MedicationStatements each referencing one of 40k Medications (9.9 MB) did not
/// finish in 200 s (each reference scanned every Medication). Now each reference is an index
/// lookup; this runs at the size.
#[test]
fn forty_thousand_medication_references_resolve() {
    let n = 40_000;
    let mut entries = Vec::with_capacity(2 * n);
    for i in 0..n {
        entries.push(json!({"fullUrl":format!("urn:uuid:00000000-0000-4000-8000-{i:012}"),
            "resource":{"resourceType":"Medication","id":format!("m{i}"),"code":{"text":format!("Drug {i}")}}}));
    }
    for i in 0..n {
        let reference = if i % 2 == 0 {
            format!("Medication/m{i}")
        } else {
            format!("urn:uuid:00000000-0000-4000-8000-{i:012}")
        };
        entries.push(json!({"resource":ms("active",
            json!({"medicationReference":{"reference":reference}}))}));
    }
    let out = extract(&entries_bundle(entries)).unwrap();
    let rx = out.keyword("@ptCpp.rx").unwrap();
    assert!(rx.starts_with("Drug 0\nDrug 1\n"));
    assert!(!has(&out, FindingCode::MedicationUnresolved));
    assert!(!has(&out, FindingCode::DuplicateResource));
}

/// Two Medications a reference could mean: the rule's first match is used, and it is reported.
#[test]
fn ambiguous_medication_reference_is_reported() {
    let uuid = "6a3b1f4e-2d1c-4b7a-9c0e-1f2a3b4c5d6e";
    let med =
        |id: &str, text: &str| json!({"resourceType":"Medication","id":id,"code":{"text":text}});
    let cases: [(Value, Value, &str, &str); 4] = [
        // Same Type/id, no fullUrl (Ocean's v0.10 shape).
        (
            json!({"resource":med("m1","First")}),
            json!({"resource":med("m1","Second")}),
            "Medication/m1",
            "First",
        ),
        // Same fullUrl in two spellings: the exact spelling wins.
        (
            json!({"fullUrl":format!("urn:uuid:{uuid}"),"resource":med("a","Lower")}),
            json!({"fullUrl":format!("urn:uuid:{}", uuid.to_uppercase()),"resource":med("b","Upper")}),
            "urn:uuid:6A3B1F4E-2D1C-4B7A-9C0E-1F2A3B4C5D6E",
            "Upper",
        ),
        // The same fullUrl twice: the first in Bundle order.
        (
            json!({"fullUrl":"https://pos.example/fhir/Medication/x","resource":med("x","One")}),
            json!({"fullUrl":"https://pos.example/fhir/Medication/x","resource":med("x","Two")}),
            "https://pos.example/fhir/Medication/x",
            "One",
        ),
        // Type/id of one and the fullUrl tail of another.
        (
            json!({"resource":med("m1","ById")}),
            json!({"fullUrl":"https://pos.example/fhir/Medication/m1","resource":med("z","ByTail")}),
            "Medication/m1",
            "ById",
        ),
    ];
    for (a, b, reference, want) in cases {
        let statement = json!({"resource":ms("active",
            json!({"medicationReference":{"reference":reference}}))});
        let out = extract(&entries_bundle([a, b, statement])).unwrap();
        assert_eq!(out.keyword("@ptCpp.rx"), Some(want), "{reference}");
        let f = out
            .findings_with(FindingCode::DuplicateResource)
            .next()
            .unwrap_or_else(|| panic!("no duplicate-resource for {reference}"));
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.resource.as_ref().unwrap().resource_type,
            "MedicationStatement"
        );
    }
    // One Medication found by two steps (fullUrl and Type/id) is not a duplicate.
    let out = extract(&entries_bundle([
        json!({"fullUrl":"https://pos.example/fhir/Medication/m1","resource":med("m1","Only")}),
        json!({"resource":ms("active",
            json!({"medicationReference":{"reference":"https://pos.example/fhir/Medication/m1"}}))}),
    ]))
    .unwrap();
    assert_eq!(out.keyword("@ptCpp.rx"), Some("Only"));
    assert!(!has(&out, FindingCode::DuplicateResource));
}

/// Only the contained Medication a statement names is read; other contained resources are
/// skipped unread (issue 18: 500k contained resources were all built into a model).
#[test]
fn only_the_named_contained_medication_is_read() {
    let statement = json!({"resource":ms("active", json!({
        "contained":[
            {"resourceType":"Medication","id":"m1","code":{"text":"One"}},
            {"resourceType":"Observation","id":"o","status":17},
            {"resourceType":"Medication","id":"m2","code":{"text":"Two"}}],
        "medicationReference":{"reference":"#m2"}}))});
    let out = extract(&entries_bundle([statement])).unwrap();
    assert_eq!(out.keyword("@ptCpp.rx"), Some("Two"));
    assert!(!has(&out, FindingCode::ResourceInvalid));
    // A Condition's contained resources are not read: an invalid one does not hide it.
    let condition = json!({"resource":{"resourceType":"Condition","code":{"text":"Asthma"},
        "contained":[{"resourceType":"Observation","status":17}]}});
    let out = extract(&entries_bundle([condition])).unwrap();
    assert_eq!(out.keyword("@ptCpp.prob"), Some("Asthma"));
}
