//! `$everything` helpers on real public Bundles (workspace `testdata/`, see SOURCES.md):
//! a Synthea patient and the Inferno US Quality Core patient, both `transaction` Bundles.

use std::collections::BTreeMap;

use ocean_model::{Bundle, BundleEntry, BundleType, json};
use ocean_smart::everything::{
    EverythingParams, OCEAN_EVERYTHING_TYPES, OCEAN_READS, check_bundle, is_processed, next_link,
    page_links, rules,
};
use ocean_smart::scope::{Grant, Interaction, ScopeSet};

fn load(rel: &str) -> Bundle {
    let path = format!("{}/../testdata/{rel}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    json::from_str(&text).unwrap()
}

const SYNTHEA: &str = "synthea/Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b.json";
const SYNTHEA_PATIENT: &str = "d78af07c-9cb9-4f31-9b11-c45a28f2eec8";
const QUALITY_CORE: &str = "inferno/us_quality_core_bundle_patient.json";
const QUALITY_CORE_PATIENT: &str = "usqualitycore-patient";

/// What a dedicated `$everything` endpoint would answer: a `searchset` with the types Ocean
/// processes, Patient first.
fn dedicated_answer(source: &Bundle, params: &EverythingParams) -> Bundle {
    let mut out = Bundle::new(BundleType::Searchset);
    let mut entries: Vec<&BundleEntry> = source
        .entry
        .iter()
        .filter(|e| {
            e.resource.as_ref().is_some_and(|r| {
                let updated = r
                    .meta()
                    .and_then(|m| m.last_updated.as_ref())
                    .and_then(|i| i.instant());
                params.includes(r.resource_type(), updated)
            })
        })
        .collect();
    entries.sort_by_key(|e| e.resource.as_ref().map(|r| r.resource_type() != "Patient"));
    out.entry = entries.into_iter().cloned().collect();
    out.total = i64::try_from(out.entry.len()).ok();
    out
}

fn type_counts(b: &Bundle) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for r in b.resources() {
        *m.entry(r.resource_type().to_owned()).or_default() += 1;
    }
    m
}

#[test]
fn raw_transactions_are_flagged() {
    let synthea = load(SYNTHEA);
    let f = check_bundle(&synthea, SYNTHEA_PATIENT);
    assert!(f.has_rule(rules::TYPE) && !f.is_ok());
    assert!(!f.has_rule(rules::PATIENT_MISSING) && !f.has_rule(rules::PATIENT_MISMATCH));
    let quality = load(QUALITY_CORE);
    let g = check_bundle(&quality, QUALITY_CORE_PATIENT);
    insta::assert_snapshot!(
        "raw_bundle_findings",
        format!("synthea:\n{f}\n\nus quality core:\n{g}")
    );
    // Findings never carry the patient id.
    assert!(!f.to_string().contains(SYNTHEA_PATIENT));
    let wrong = check_bundle(&quality, "someone-else");
    assert!(wrong.has_rule(rules::PATIENT_MISMATCH));
    assert!(!wrong.to_string().contains("someone-else"));
}

#[test]
fn dedicated_endpoint_answer_passes() {
    for (file, patient) in [
        (SYNTHEA, SYNTHEA_PATIENT),
        (QUALITY_CORE, QUALITY_CORE_PATIENT),
    ] {
        let answer = dedicated_answer(&load(file), &EverythingParams::ocean_types());
        let f = check_bundle(&answer, patient);
        assert!(f.is_empty(), "{file}: {f}");
        assert!(answer.resources().all(|r| is_processed(r.resource_type())));
        assert_eq!(
            answer.resources().next().map(|r| r.resource_type()),
            Some("Patient")
        );
    }
    let quality = dedicated_answer(&load(QUALITY_CORE), &EverythingParams::ocean_types());
    insta::assert_json_snapshot!("quality_core_ocean_types", type_counts(&quality));
}

#[test]
fn type_filter_keeps_patient() {
    let params = EverythingParams::parse("_type=Condition,Immunization").unwrap();
    let answer = dedicated_answer(&load(QUALITY_CORE), &params);
    let counts = type_counts(&answer);
    assert_eq!(
        counts.into_iter().collect::<Vec<_>>(),
        [
            ("Condition".into(), 2),
            ("Immunization".into(), 3),
            ("Patient".into(), 1)
        ]
    );
    let f = check_bundle(&answer, QUALITY_CORE_PATIENT);
    assert!(f.is_empty(), "{f}");
    let only_patient = dedicated_answer(
        &load(QUALITY_CORE),
        &EverythingParams::parse("_type=Claim").unwrap(),
    );
    let f = check_bundle(&only_patient, QUALITY_CORE_PATIENT);
    assert!(f.is_ok() && f.has_rule(rules::NOTHING_TO_PREFILL));
}

#[test]
fn paged_answer_is_warned() {
    let mut answer = dedicated_answer(&load(SYNTHEA), &EverythingParams::ocean_types());
    let total = answer.entry.len();
    answer.link = page_links(
        &EverythingParams::ocean_types().url("https://emr.example.ca/fhir", SYNTHEA_PATIENT),
        "_offset",
        0,
        20,
        total,
    );
    assert!(next_link(&answer).unwrap().contains("_offset=20&_count=20"));
    let f = check_bundle(&answer, SYNTHEA_PATIENT);
    assert!(f.is_ok() && f.has_rule(rules::PAGED));
}

#[test]
fn grant_covers_what_the_bundle_holds() {
    let answer = dedicated_answer(&load(QUALITY_CORE), &EverythingParams::ocean_types());
    let ocean = ScopeSet::parse("patient/Patient.read patient/Observation.read user/*.*");
    let narrow = ScopeSet::parse("patient/Patient.read patient/Observation.read");
    for t in type_counts(&answer).keys() {
        assert_eq!(ocean.grant(t, Interaction::Read, true), Grant::Full, "{t}");
    }
    assert_eq!(
        narrow.grant("AllergyIntolerance", Interaction::Read, true),
        Grant::None
    );
    let gaps: Vec<&str> = narrow
        .ocean_coverage(true)
        .missing
        .iter()
        .map(|g| g.resource_type)
        .collect();
    for t in OCEAN_EVERYTHING_TYPES
        .iter()
        .filter(|t| **t != "Observation")
    {
        assert!(gaps.contains(t), "{t}");
    }
    assert_eq!(OCEAN_READS.len(), 10);
}
