//! Snapshots of the JSON output on the public fixtures, and the pruning invariant on each.

use crate::support::fixtures;
use ocean_keywords::{Rules, extract, prune};

/// The JSON output (`serde_json::to_value(&extraction)`) of every fixture, as an insta snapshot
/// named after the fixture (`fixture_sample`, `fixture_synthea_Clemente_...`).
#[test]
fn fixture_snapshots() {
    let all = fixtures();
    assert!(all.len() >= 9, "fixtures found: {}", all.len());
    for (name, bytes) in all {
        let out = extract(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let value = serde_json::to_value(&out).unwrap();
        insta::assert_json_snapshot!(format!("fixture_{name}"), value);
    }
}

/// What pruning keeps of each fixture (entry counts), as one snapshot.
#[test]
fn fixture_prune_counts() {
    let rules = Rules::default();
    let mut lines = Vec::new();
    for (name, bytes) in fixtures() {
        let p = prune(&bytes, &rules).unwrap();
        lines.push(format!(
            "{name}: {} -> {}",
            p.entries_before, p.entries_after
        ));
    }
    insta::assert_snapshot!("fixture_prune_counts", lines.join("\n"));
}

/// `extract(prune(b)).values() == extract(b).values()` on every fixture; pruning twice keeps
/// everything the first pruning kept.
#[test]
fn prune_invariant_on_fixtures() {
    let rules = Rules::default();
    for (name, bytes) in fixtures() {
        let before = extract(&bytes).unwrap();
        let pruned = prune(&bytes, &rules).unwrap();
        assert!(pruned.entries_after <= pruned.entries_before, "{name}");
        let after = extract(&pruned.json).unwrap();
        assert_eq!(after.values(), before.values(), "{name}");
        // The pruned Bundle is valid JSON and a Bundle when the input was one.
        let v: serde_json::Value = serde_json::from_slice(&pruned.json).unwrap();
        assert!(
            v.get("total").is_none() && v.get("link").is_none(),
            "{name}"
        );
        let again = prune(&pruned.json, &rules).unwrap();
        assert_eq!(again.entries_before, pruned.entries_after, "{name}");
        assert_eq!(
            again.entries_after, pruned.entries_after,
            "{name}: not minimal"
        );
    }
}

/// The sample is what the crate docs promise.
#[test]
fn sample_values() {
    let out = extract(ocean_keywords::SAMPLE_BUNDLE.as_bytes()).unwrap();
    assert_eq!(out.latest("bp"), Some(("128/82 mm[Hg]", "2024-05-14")));
    assert!(out.demographics.is_some());
    assert!(
        out.findings_with(ocean_keywords::FindingCode::NearMissCode)
            .next()
            .is_some()
    );
}

/// The HL7 example Observation (body weight, 29463-7) read as a single resource.
#[test]
fn hl7_single_observation() {
    let bytes =
        std::fs::read(crate::support::testdata().join("hl7/observation-example.json")).unwrap();
    let out = extract(&bytes).unwrap();
    let (value, date) = out.latest("wt").expect("body weight row");
    assert!(value.starts_with("185 "), "{value}");
    assert_eq!(date, "2016-03-28");
}
