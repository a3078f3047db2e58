//! The Bundle index at the size of issue 18: the real Ocean message plus 30,000 entries whose
//! references resolve to nothing (71 s when each reference scanned every entry).

use ocean_model::{Bundle, BundleIndex, Resolution, json, validate};

use crate::common::workspace;

const EXTRA: usize = 30_000;

fn big_message() -> Bundle {
    let path = workspace().join("testdata/ocean/ereferral_back_pain.bundle.json");
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let entries = value["entry"].as_array_mut().unwrap();
    for i in 0..EXTRA {
        entries.push(serde_json::json!({
            "fullUrl": format!("urn:uuid:00000000-0000-4000-8000-{i:012}"),
            "resource": {
                "resourceType": "Observation",
                "id": format!("o{i}"),
                "status": "final",
                "code": {"text": "x"},
                "subject": {"reference": format!("Patient/missing{i}")},
                "hasMember": [{"reference": format!("urn:uuid:10000000-0000-4000-8000-{i:012}")}]
            }
        }));
    }
    json::from_str(&value.to_string()).unwrap()
}

#[test]
fn thirty_thousand_unresolvable_references_validate_in_linear_time() {
    let bundle = big_message();
    let issues = validate::validate_bundle(&bundle);
    let unresolved = issues
        .iter()
        .filter(|i| i.rule == "reference-unresolved")
        .count();
    assert!(unresolved >= 2 * EXTRA, "{unresolved}");
    assert!(!issues.iter().any(|i| i.rule == "reference-ambiguous"));

    let index = BundleIndex::new(&bundle);
    for i in 0..EXTRA {
        let r = format!("Patient/missing{i}");
        assert_eq!(index.resolve_str(&r), Resolution::Unresolved);
        let own = format!("Observation/o{i}");
        assert_eq!(
            index.resolve_str(&own).entry_index(),
            Some(bundle.entry.len() - EXTRA + i)
        );
    }
}
