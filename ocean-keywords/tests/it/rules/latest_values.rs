//! Latest values, what is shown: quantities as written, strings, concepts and integers, the
//! first usable value, and blood pressure from its components.

use super::x;
use crate::support::{has, raw_bundle};
use ocean_keywords::FindingCode;

fn raw_obs(code: &str, value_members: &str) -> String {
    format!(
        r#"{{"resourceType":"Observation","status":"final","code":{{"coding":[{{"system":"http://loinc.org","code":"{code}"}}]}},"effectiveDateTime":"2024-01-01",{value_members}}}"#
    )
}

fn value_of(value_members: &str) -> Option<String> {
    let out = x(&raw_bundle(&[&raw_obs("2947-0", value_members)]));
    out.keyword("@ptLatestVal.na").map(str::to_owned)
}

#[test]
fn quantity_number_is_exact_text() {
    let cases = [
        (
            r#""valueQuantity":{"value":1.50,"unit":"mmol/L"}"#,
            "1.50 mmol/L",
        ),
        (
            r#""valueQuantity":{"value":140.0,"unit":"mmol/L"}"#,
            "140.0 mmol/L",
        ),
        (r#""valueQuantity":{"value":0.10}"#, "0.10"),
        (r#""valueQuantity":{"value":1e3,"unit":"x"}"#, "1e3 x"),
        (r#""valueQuantity":{"value":-0.0,"unit":"x"}"#, "-0.0 x"),
        (
            r#""valueQuantity":{"value":12345678901234567890.123456789,"unit":"x"}"#,
            "12345678901234567890.123456789 x",
        ),
        (
            r#""valueQuantity":{"value":0.1000000000000000055511151231257827}"#,
            "0.1000000000000000055511151231257827",
        ),
    ];
    for (members, expected) in cases {
        assert_eq!(value_of(members).as_deref(), Some(expected), "{members}");
    }
}

#[test]
fn quantity_unit_code_and_comparator() {
    let cases = [
        // unit wins over code
        (
            r#""valueQuantity":{"value":5,"unit":"mmol/L","system":"http://unitsofmeasure.org","code":"mmol/L"}"#,
            "5 mmol/L",
        ),
        // code when no unit
        (
            r#""valueQuantity":{"value":5,"system":"http://unitsofmeasure.org","code":"mmol/L"}"#,
            "5 mmol/L",
        ),
        // empty unit counts as absent
        (
            r#""valueQuantity":{"value":5,"unit":"","code":"mg"}"#,
            "5 mg",
        ),
        // neither
        (r#""valueQuantity":{"value":5}"#, "5"),
        // comparator glued in front
        (
            r#""valueQuantity":{"value":0.5,"comparator":"<","unit":"mmol/L"}"#,
            "<0.5 mmol/L",
        ),
        (
            r#""valueQuantity":{"comparator":">=","value":90,"unit":"mL/min"}"#,
            ">=90 mL/min",
        ),
    ];
    for (members, expected) in cases {
        assert_eq!(value_of(members).as_deref(), Some(expected), "{members}");
    }
}

#[test]
fn string_concept_integer_values() {
    let cases = [
        (r#""valueString":"  Trace  ""#, Some("  Trace  ")),
        (
            r#""valueCodeableConcept":{"text":"Positive","coding":[{"display":"Pos"}]}"#,
            Some("Positive"),
        ),
        (
            r#""valueCodeableConcept":{"coding":[{"code":"10828004"},{"display":"Positive"}]}"#,
            Some("Positive"),
        ),
        (
            r#""valueCodeableConcept":{"coding":[{"code":"10828004","display":""}]}"#,
            Some("10828004"),
        ),
        (
            r#""valueCodeableConcept":{"text":"  ","coding":[{"code":"POS"}]}"#,
            Some("POS"),
        ),
        (r#""valueInteger":7"#, Some("7")),
        (r#""valueInteger":-12"#, Some("-12")),
        (r#""valueBoolean":true"#, None),
        (r#""valueRange":{"low":{"value":1}}"#, None),
        (
            r#""valueRatio":{"numerator":{"value":1},"denominator":{"value":2}}"#,
            None,
        ),
        (r#""valueSampledData":{}"#, None),
        (r#""valueTime":"10:00:00""#, None),
        (r#""valuePeriod":{"start":"2020"}"#, None),
        (r#""valueDateTime":"2020""#, None),
    ];
    for (members, expected) in cases {
        assert_eq!(value_of(members).as_deref(), expected, "{members}");
    }
}

#[test]
fn several_values_first_usable_in_order_quantity_string_concept_integer() {
    let cases = [
        (
            r#""valueInteger":1,"valueCodeableConcept":{"text":"C"},"valueString":"S","valueQuantity":{"value":2}"#,
            "2",
        ),
        (
            r#""valueInteger":1,"valueCodeableConcept":{"text":"C"},"valueString":"S""#,
            "S",
        ),
        (
            r#""valueInteger":1,"valueCodeableConcept":{"text":"C"}"#,
            "C",
        ),
        // A quantity without a number is not usable: the next type is used.
        (r#""valueQuantity":{"unit":"mg"},"valueString":"S""#, "S"),
        (r#""valueCodeableConcept":{},"valueInteger":3"#, "3"),
        (r#""valueBoolean":true,"valueInteger":4"#, "4"),
    ];
    for (members, expected) in cases {
        assert_eq!(value_of(members).as_deref(), Some(expected), "{members}");
    }
}

#[test]
fn no_usable_value_is_ignored_and_reported() {
    let bytes = raw_bundle(&[
        &raw_obs(
            "2947-0",
            r#""dataAbsentReason":{"coding":[{"code":"unknown"}]}"#,
        ),
        &raw_obs("6298-4", r#""valueBoolean":false"#),
        &raw_obs("20565-8", r#""note":[{"text":"no value"}]"#),
    ]);
    let out = x(&bytes);
    assert_eq!(out.latest("na"), None);
    assert_eq!(out.latest("k"), None);
    assert_eq!(out.latest("co2"), None);
    let no_value: Vec<_> = out.findings_with(FindingCode::ObservationNoValue).collect();
    assert_eq!(no_value.len(), 3, "{no_value:#?}");
    // A later Observation without value does not hide an earlier usable one.
    let bytes = raw_bundle(&[
        &raw_obs("2947-0", r#""valueQuantity":{"value":140,"unit":"mmol/L"}"#)
            .replace("2024-01-01", "2020-01-01"),
        &raw_obs("2947-0", r#""dataAbsentReason":{"text":"lost"}"#),
    ]);
    assert_eq!(x(&bytes).latest("na"), Some(("140 mmol/L", "2020-01-01")));
}

#[test]
fn wrong_json_types_in_an_observation_are_absent() {
    // A member with an unexpected JSON type is treated as absent.
    let cases = [
        (
            r#""valueQuantity":{"value":"5","unit":"mg"},"valueString":"S""#,
            Some("S"),
        ),
        (r#""valueQuantity":{"value":5,"unit":5}"#, Some("5")),
        (r#""valueString":5"#, None),
        (r#""valueInteger":1.5"#, None),
    ];
    for (members, expected) in cases {
        assert_eq!(value_of(members).as_deref(), expected, "{members}");
    }
    // A date of the wrong type is absent (falls through to the next element).
    let bytes = raw_bundle(&[
        r#"{"resourceType":"Observation","status":"final","code":{"coding":[{"code":"2947-0"}]},"effectiveDateTime":20240101,"issued":"2022-02-02T00:00:00Z","valueQuantity":{"value":140}}"#,
    ]);
    assert_eq!(x(&bytes).latest("na"), Some(("140", "2022-02-02")));
}

fn bp(members: &str) -> String {
    raw_obs("35094-2", members)
}

const SYS: &str = r#"{"system":"http://loinc.org","code":"8480-6"}"#;
const DIA: &str = r#"{"system":"http://loinc.org","code":"8462-4"}"#;

fn comp(coding: &str, qty: &str) -> String {
    format!(r#"{{"code":{{"coding":[{coding}]}},"valueQuantity":{qty}}}"#)
}

fn bp_value(members: &str) -> Option<String> {
    x(&raw_bundle(&[&bp(members)]))
        .keyword("@ptLatestVal.bp")
        .map(str::to_owned)
}

#[test]
fn blood_pressure_components() {
    let both = format!(
        r#""component":[{},{}]"#,
        comp(SYS, r#"{"value":120,"unit":"mm[Hg]","code":"mm[Hg]"}"#),
        comp(DIA, r#"{"value":80,"unit":"mmHg"}"#)
    );
    assert_eq!(bp_value(&both).as_deref(), Some("120/80 mm[Hg]"));
    // Order of components does not matter; exact decimals; systolic unit else code.
    let rev = format!(
        r#""component":[{},{}]"#,
        comp(DIA, r#"{"value":80.50}"#),
        comp(SYS, r#"{"value":120.0,"code":"mm[Hg]"}"#)
    );
    assert_eq!(bp_value(&rev).as_deref(), Some("120.0/80.50 mm[Hg]"));
    // No unit on the systolic: no unit at all (the diastolic's is not used).
    let no_unit = format!(
        r#""component":[{},{}]"#,
        comp(SYS, r#"{"value":120}"#),
        comp(DIA, r#"{"value":80,"unit":"mm[Hg]"}"#)
    );
    assert_eq!(bp_value(&no_unit).as_deref(), Some("120/80"));
    // Component comparators are not printed.
    let cmp = format!(
        r#""component":[{},{}]"#,
        comp(SYS, r#"{"value":200,"comparator":">","unit":"mm[Hg]"}"#),
        comp(DIA, r#"{"value":40,"comparator":"<","unit":"mm[Hg]"}"#)
    );
    assert_eq!(bp_value(&cmp).as_deref(), Some("200/40 mm[Hg]"));
    // Components without system match too.
    let nosys = format!(
        r#""component":[{},{}]"#,
        comp(r#"{"code":"8480-6"}"#, r#"{"value":110,"unit":"mm[Hg]"}"#),
        comp(r#"{"code":"8462-4"}"#, r#"{"value":70,"unit":"mm[Hg]"}"#)
    );
    assert_eq!(bp_value(&nosys).as_deref(), Some("110/70 mm[Hg]"));
}

#[test]
fn blood_pressure_falls_back_to_own_value() {
    // Diastolic missing: the Observation's own value.
    let half = format!(
        r#""component":[{}],"valueString":"120/80""#,
        comp(SYS, r#"{"value":120,"unit":"mm[Hg]"}"#)
    );
    assert_eq!(bp_value(&half).as_deref(), Some("120/80"));
    // Diastolic without a number: own value, else nothing.
    let no_num = format!(
        r#""component":[{},{}]"#,
        comp(SYS, r#"{"value":120,"unit":"mm[Hg]"}"#),
        comp(DIA, r#"{"unit":"mm[Hg]"}"#)
    );
    assert_eq!(bp_value(&no_num), None);
    let out = x(&raw_bundle(&[&bp(&no_num)]));
    assert!(has(&out, FindingCode::ObservationNoValue));
    // Components under another system are not BP components.
    let other = format!(
        r#""component":[{},{}]"#,
        comp(
            r#"{"system":"http://example.org","code":"8480-6"}"#,
            r#"{"value":120}"#
        ),
        comp(DIA, r#"{"value":80}"#)
    );
    assert_eq!(bp_value(&other), None);
    // No components at all: the own value.
    assert_eq!(
        bp_value(r#""valueString":"normal""#).as_deref(),
        Some("normal")
    );
}

#[test]
fn component_rule_is_for_the_bp_row_only() {
    let members = format!(
        r#""component":[{},{}]"#,
        comp(SYS, r#"{"value":120,"unit":"mm[Hg]"}"#),
        comp(DIA, r#"{"value":80,"unit":"mm[Hg]"}"#)
    );
    let out = x(&raw_bundle(&[&raw_obs("8302-2", &members)]));
    assert_eq!(out.latest("ht"), None);
    assert!(has(&out, FindingCode::ObservationNoValue));
}
