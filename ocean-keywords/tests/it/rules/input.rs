//! Input: single resources, member order, BOM, unknown elements; what is an error and what is a
//! finding (bad shapes), and findings' order.

use super::demographics::patient;
use super::x;
use crate::support::{bundle, ex, has, loinc, obs, obs_q, raw_bundle};
use ocean_keywords::{ExtractErrorKind, FindingCode, Rules, Severity, extract, extract_with};
use serde_json::json;

#[test]
fn a_single_resource_is_read() {
    let p = serde_json::to_vec(&patient(json!({"gender":"female","birthDate":"1970"}))).unwrap();
    let out = extract(&p).unwrap();
    assert_eq!(
        out.demographics.as_ref().unwrap().birth_date.as_deref(),
        Some("1970")
    );
    let o = serde_json::to_vec(&obs_q("8302-2", "2020-01-01", "170", "cm")).unwrap();
    assert_eq!(
        extract(&o).unwrap().latest("ht"),
        Some(("170 cm", "2020-01-01"))
    );
    // resourceType not first.
    let late = br#"{"gender":"male","id":"x","resourceType":"Patient"}"#;
    assert_eq!(
        extract(late)
            .unwrap()
            .demographics
            .unwrap()
            .gender
            .as_deref(),
        Some("male")
    );
}

#[test]
fn resource_type_not_first_in_entries() {
    let bytes = raw_bundle(&[
        r#"{"status":"final","code":{"coding":[{"code":"8302-2"}]},"effectiveDateTime":"2020-01-01","valueQuantity":{"value":1.50,"unit":"m"},"resourceType":"Observation"}"#,
        r#"{"code":{"text":"Late type"},"resourceType":"Condition"}"#,
    ]);
    let out = x(&bytes);
    assert_eq!(out.latest("ht"), Some(("1.50 m", "2020-01-01")));
    assert_eq!(out.keyword("@ptCpp.prob"), Some("Late type"));
}

#[test]
fn subjects_are_not_filtered_and_nested_bundles_not_read() {
    let out = ex([
        json!({"resourceType":"Condition","subject":{"reference":"Patient/a"},"code":{"text":"A"}}),
        json!({"resourceType":"Condition","subject":{"reference":"Patient/b"},"code":{"text":"B"}}),
        json!({"resourceType":"Bundle","type":"collection","entry":[
            {"resource":{"resourceType":"Condition","code":{"text":"Nested"}}}]}),
    ]);
    assert_eq!(out.items("@ptCpp.prob"), ["A", "B"]);
    assert!(has(&out, FindingCode::NestedBundle));
}

#[test]
fn bom_is_accepted() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(bundle([patient(json!({"gender":"male"}))]));
    let out = extract(&bytes).unwrap();
    assert_eq!(out.demographics.unwrap().gender.as_deref(), Some("male"));
}

#[test]
fn unknown_and_misspelled_elements_are_tolerated() {
    let out = ex([
        json!({"resourceType":"Observation","status":"final","code":{"coding":[loinc("8302-2")]},
               "effectiveDateTime":"2020-01-01","valueQuantity":{"value":170,"unit":"cm","extra":1},
               "efective":"x","_effectiveDateTime":{"extension":[]},"vendorThing":{"a":[1,2,{}]}}),
        json!({"resourceType":"Encounter","status":"finished","whatever":[1]}),
        json!({"resourceType":"SomethingNew","x":1}),
    ]);
    assert_eq!(out.latest("ht"), Some(("170 cm", "2020-01-01")));
}

#[test]
fn only_non_json_or_non_objects_are_errors() {
    let cases: [(&[u8], ExtractErrorKind); 8] = [
        (b"", ExtractErrorKind::Eof),
        (
            b"{\"resourceType\":\"Bundle\",\"entry\":[",
            ExtractErrorKind::Eof,
        ),
        (b"not json", ExtractErrorKind::Syntax),
        (
            b"{\"resourceType\":\"Patient\"} x",
            ExtractErrorKind::Syntax,
        ),
        (b"[]", ExtractErrorKind::NotAResource),
        (b"42", ExtractErrorKind::NotAResource),
        (b"{}", ExtractErrorKind::NotAResource),
        (b"{\"resourceType\":7}", ExtractErrorKind::NotAResource),
    ];
    for (input, kind) in cases {
        let err = extract(input).unwrap_err();
        assert_eq!(err.kind, kind, "{:?}", String::from_utf8_lossy(input));
    }
}

#[test]
fn bad_shapes_are_findings() {
    let out = extract(br#"{"resourceType":"Bundle","entry":{"resource":{}}}"#).unwrap();
    assert!(has(&out, FindingCode::BundleShape));
    let out = extract(
        br#"{"resourceType":"Bundle","entry":[1,"x",null,[],{"resource":5},{"resource":{"id":"x"}},{"fullUrl":"a"}]}"#,
    )
    .unwrap();
    assert!(has(&out, FindingCode::BundleShape));
    assert!(out.keywords.is_empty());
    // An invalid typed resource is skipped and reported; the rest is read.
    let out = ex([
        json!({"resourceType":"Condition","code":"not a concept"}),
        json!({"resourceType":"Condition","code":{"text":"Fine"}}),
    ]);
    assert_eq!(out.keyword("@ptCpp.prob"), Some("Fine"));
    let f = out
        .findings_with(FindingCode::ResourceInvalid)
        .next()
        .unwrap();
    assert_eq!(f.severity, Severity::Error);
}

#[test]
fn findings_are_sorted_most_severe_first() {
    let out = ex([
        json!({"resourceType":"Condition","code":"bad"}),
        obs_q("2160-0", "2020-01-01", "1", "x"),
        obs("8302-2", "2020-01-01"),
    ]);
    let sev: Vec<Severity> = out.findings.iter().map(|f| f.severity).collect();
    let mut sorted = sev.clone();
    sorted.sort();
    assert_eq!(sev, sorted);
    assert_eq!(sev.first(), Some(&Severity::Error));
}

#[test]
fn extract_bundle_agrees_with_bytes() {
    let bytes = ocean_keywords::SAMPLE_BUNDLE.as_bytes();
    let parsed: ocean_model::Bundle = ocean_model::json::from_slice(bytes).unwrap();
    let a = extract(bytes).unwrap();
    let b = ocean_keywords::extract_bundle(&parsed, &Rules::default()).unwrap();
    assert_eq!(a.values(), b.values());
    let c = extract_with(bytes, &Rules::default()).unwrap();
    assert_eq!(a, c);
}

/// A member of the wrong JSON type anywhere in an Observation is treated as absent, never an
/// error (found by fuzzing: `coding` as a number inside a blood-pressure component).
#[test]
fn wrong_json_types_inside_observation_components_are_absent() {
    let bundle = br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation",
        "status":"final","code":{"coding":[{"system":"http://loinc.org","code":"35094-2"}]},
        "effectiveDateTime":"2020-01-01",
        "component":[{"code":{"coding":3},"valueQuantity":{"value":120,"unit":"mm[Hg]"}},
                     {"code":{"coding":{"code":"8462-4"}},"valueQuantity":"80"},
                     {"code":"8480-6","valueQuantity":{"value":"x"}}],
        "valueQuantity":{"value":118,"unit":"mm[Hg]"}}}]}"#;
    let out = ocean_keywords::extract(bundle).unwrap();
    assert_eq!(out.latest("bp"), Some(("118 mm[Hg]", "2020-01-01")));
}
