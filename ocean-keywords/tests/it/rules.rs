//! One test (or more) per rule of `shared/spec/keywords.md` / the crate docs, each on a small
//! Bundle built for it.

use crate::support::{bundle, entries_bundle, ex, ex_with, has, loinc, obs, obs_q, raw_bundle};
use ocean_keywords::{
    AttachmentLimits, ExtractErrorKind, FindingCode, Rules, Severity, extract, extract_with,
};
use serde_json::{Value, json};

/// The seed table exactly as `shared/spec/keywords.md` lists it (written out here, not taken
/// from the crate, so the crate's table is checked against the spec).
const SEED: [(&str, &str); 18] = [
    ("ht", "8302-2"),
    ("wt", "29463-7"),
    ("bp", "35094-2"),
    ("cr", "38483-4"),
    ("egfr", "45066-8"),
    ("a1c", "59261-8"),
    ("acr", "32294-1"),
    ("fbs", "76629-5"),
    ("tg", "12228-3"),
    ("hdl", "2085-9"),
    ("lldl", "2089-1"),
    ("chol_hdl", "96589-7"),
    ("gtt", "72171-2"),
    ("s_ketones", "33058-9"),
    ("u_ketones", "22702-5"),
    ("na", "2947-0"),
    ("k", "6298-4"),
    ("co2", "20565-8"),
];

fn x(bytes: &[u8]) -> ocean_keywords::Extraction {
    extract(bytes).unwrap()
}

// =============================================================================================
// LOINC rows

#[test]
fn every_seed_code_fills_its_own_row_and_only_it() {
    for (i, (suffix, code)) in SEED.iter().enumerate() {
        let value = format!("{}", 10 + i);
        let out = ex([obs_q(code, "2024-01-02", &value, "u")]);
        assert_eq!(
            out.latest(suffix),
            Some((format!("{value} u").as_str(), "2024-01-02")),
            "{suffix} {code}"
        );
        // Exactly one row filled: @ptLatestVal.X and @ptLatestDate.X, nothing else.
        assert_eq!(out.keywords.len(), 2, "{suffix}: {:?}", out.keywords);
        assert!(out.keywords.contains_key(&format!("@ptLatestVal.{suffix}")));
        assert!(
            out.keywords
                .contains_key(&format!("@ptLatestDate.{suffix}"))
        );
    }
}

#[test]
fn all_eighteen_rows_at_once_in_seed_order() {
    let resources: Vec<Value> = SEED
        .iter()
        .rev()
        .map(|(_, code)| obs_q(code, "2023-06-30", "1", "x"))
        .collect();
    let out = ex(resources);
    let keys: Vec<&str> = out.keywords.keys().map(String::as_str).collect();
    let expected: Vec<String> = SEED
        .iter()
        .flat_map(|(s, _)| [format!("@ptLatestVal.{s}"), format!("@ptLatestDate.{s}")])
        .collect();
    assert_eq!(keys, expected);
    assert!(out.findings_with(FindingCode::MissingKeyword).all(|f| {
        // Only the five list keywords and attachments are missing.
        !f.message.contains("@ptLatestVal")
    }));
}

#[test]
fn rules_table_matches_the_spec() {
    let rules = Rules::default();
    let rows: Vec<(&str, &str)> = rules
        .latest_rules()
        .iter()
        .map(|r| (r.suffix(), r.seed_code()))
        .collect();
    assert_eq!(rows, SEED.to_vec());
    for r in rules.latest_rules() {
        assert_eq!(r.codes().len(), 1, "strict by default: {}", r.suffix());
        assert_eq!(r.is_blood_pressure(), r.suffix() == "bp");
    }
}

#[test]
fn code_without_system_matches() {
    let o = json!({"resourceType":"Observation","status":"final",
        "code":{"coding":[{"code":"8302-2"}]},"effectiveDateTime":"2024-01-01",
        "valueQuantity":{"value":170,"unit":"cm"}});
    assert_eq!(ex([o]).latest("ht"), Some(("170 cm", "2024-01-01")));
    // An empty system counts as no system.
    let o = json!({"resourceType":"Observation","status":"final",
        "code":{"coding":[{"system":"","code":"8302-2"}]},"effectiveDateTime":"2024-01-01",
        "valueQuantity":{"value":170,"unit":"cm"}});
    assert_eq!(ex([o]).latest("ht"), Some(("170 cm", "2024-01-01")));
}

#[test]
fn code_under_another_system_does_not_match_and_is_reported() {
    for system in [
        "http://loinc.org/",
        "urn:oid:2.16.840.1.113883.6.1",
        "http://snomed.info/sct",
    ] {
        let o = json!({"resourceType":"Observation","status":"final",
            "code":{"coding":[{"system":system,"code":"8302-2"}]},"effectiveDateTime":"2024-01-01",
            "valueQuantity":{"value":170,"unit":"cm"}});
        let out = ex([o]);
        assert_eq!(out.latest("ht"), None, "{system}");
        let f = out
            .findings_with(FindingCode::NonLoincSystem)
            .next()
            .unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.message.contains("@ptLatestVal.ht"), "{}", f.message);
    }
}

#[test]
fn any_coding_of_the_code_may_match() {
    let o = json!({"resourceType":"Observation","status":"final",
        "code":{"coding":[
            {"system":"http://snomed.info/sct","code":"50373000"},
            {"system":"http://loinc.org","code":"8302-2"}],"text":"Height"},
        "effectiveDateTime":"2024-01-01","valueQuantity":{"value":170,"unit":"cm"}});
    let out = ex([o]);
    assert_eq!(out.latest("ht"), Some(("170 cm", "2024-01-01")));
    // The same code also under another system: it matches, and nothing is reported.
    let o = json!({"resourceType":"Observation","status":"final",
        "code":{"coding":[
            {"system":"urn:oid:2.16.840.1.113883.6.1","code":"8302-2"},
            {"system":"http://loinc.org","code":"8302-2"}]},
        "effectiveDateTime":"2024-01-01","valueQuantity":{"value":170,"unit":"cm"}});
    let out = ex([o]);
    assert_eq!(out.latest("ht"), Some(("170 cm", "2024-01-01")));
    assert!(!has(&out, FindingCode::NonLoincSystem));
}

#[test]
fn near_miss_code_is_reported_not_used() {
    // Serum creatinine 2160-0 where Ocean reads 38483-4.
    let out = ex([obs_q("2160-0", "2024-01-01", "80", "umol/L")]);
    assert_eq!(out.latest("cr"), None);
    let f = out.findings_with(FindingCode::NearMissCode).next().unwrap();
    assert!(f.message.contains("2160-0") && f.message.contains("38483-4"));
    assert_eq!(f.severity, Severity::Warning, "row empty: warning");
    // When the row is filled by the seed code, the near-miss is only informative.
    let out = ex([
        obs_q("2160-0", "2024-01-01", "80", "umol/L"),
        obs_q("38483-4", "2023-01-01", "1.1", "mg/dL"),
    ]);
    assert_eq!(out.latest("cr"), Some(("1.1 mg/dL", "2023-01-01")));
    let f = out.findings_with(FindingCode::NearMissCode).next().unwrap();
    assert_eq!(f.severity, Severity::Info);
    // Near-misses follow the same system rule: under another system they are not reported.
    let o = json!({"resourceType":"Observation","status":"final",
        "code":{"coding":[{"system":"http://example.org","code":"2160-0"}]},
        "effectiveDateTime":"2024-01-01","valueQuantity":{"value":80}});
    assert!(!has(&ex([o]), FindingCode::NearMissCode));
}

#[test]
fn aliases_feed_a_row_when_added() {
    let panel = json!({"resourceType":"Observation","status":"final",
        "code":{"coding":[loinc("85354-9")]},"effectiveDateTime":"2024-02-02",
        "component":[
            {"code":{"coding":[loinc("8480-6")]},"valueQuantity":{"value":130,"unit":"mm[Hg]"}},
            {"code":{"coding":[loinc("8462-4")]},"valueQuantity":{"value":85,"unit":"mm[Hg]"}}]});
    // Strict by default: the usual BP panel is a near-miss.
    let out = ex([panel.clone()]);
    assert_eq!(out.latest("bp"), None);
    assert!(has(&out, FindingCode::NearMissCode));
    let rules = Rules::default().with_alias("bp", "85354-9").unwrap();
    let out = ex_with([panel], &rules);
    assert_eq!(out.latest("bp"), Some(("130/85 mm[Hg]", "2024-02-02")));
    assert!(!has(&out, FindingCode::NearMissCode));
    // An alias competes with the seed code by date.
    let rules = Rules::default().with_alias("a1c", "4548-4").unwrap();
    let out = ex_with(
        [
            obs_q("59261-8", "2024-01-01", "48", "mmol/mol"),
            obs_q("4548-4", "2024-03-01", "6.5", "%"),
        ],
        &rules,
    );
    assert_eq!(out.latest("a1c"), Some(("6.5 %", "2024-03-01")));
}

// =============================================================================================
// Observation status

#[test]
fn ignored_statuses() {
    for status in ["registered", "cancelled", "entered-in-error"] {
        let mut o = obs_q("29463-7", "2024-01-01", "70", "kg");
        o["status"] = json!(status);
        let out = ex([o, obs_q("29463-7", "2020-01-01", "60", "kg")]);
        assert_eq!(out.latest("wt"), Some(("60 kg", "2020-01-01")), "{status}");
        let f = out
            .findings_with(FindingCode::ObservationStatus)
            .next()
            .unwrap();
        assert!(f.message.contains(status));
    }
}

#[test]
fn accepted_statuses_including_none() {
    for status in [
        Some("final"),
        Some("amended"),
        Some("corrected"),
        Some("preliminary"),
        Some("unknown"),
        None,
    ] {
        let mut o = obs_q("29463-7", "2024-01-01", "70", "kg");
        match status {
            Some(s) => o["status"] = json!(s),
            None => {
                o.as_object_mut().unwrap().remove("status");
            }
        }
        let out = ex([o]);
        assert_eq!(
            out.latest("wt"),
            Some(("70 kg", "2024-01-01")),
            "{status:?}"
        );
    }
}

// =============================================================================================
// Observation dates

fn wt_with(members: Value) -> Value {
    let mut o = json!({"resourceType":"Observation","status":"final",
        "code":{"coding":[loinc("29463-7")]},"valueQuantity":{"value":70,"unit":"kg"}});
    for (k, v) in members.as_object().unwrap() {
        o[k] = v.clone();
    }
    o
}

#[test]
fn date_fallbacks_in_order() {
    let cases = [
        (
            json!({"effectiveDateTime":"2024-01-01","effectivePeriod":{"start":"2023-01-01"},
                   "effectiveInstant":"2022-01-01T00:00:00Z","issued":"2021-01-01T00:00:00Z"}),
            "2024-01-01",
        ),
        (
            json!({"effectivePeriod":{"start":"2023-01-01","end":"2023-02-01"},
                   "effectiveInstant":"2022-01-01T00:00:00Z","issued":"2021-01-01T00:00:00Z"}),
            "2023-01-01",
        ),
        (
            json!({"effectiveInstant":"2022-01-01T00:00:00Z","issued":"2021-01-01T00:00:00Z"}),
            "2022-01-01",
        ),
        (
            json!({"issued":"2021-01-01T09:00:00.123+02:00"}),
            "2021-01-01",
        ),
        // A Period without start falls through to the next element.
        (
            json!({"effectivePeriod":{"end":"2023-02-01"},"issued":"2021-01-01T00:00:00Z"}),
            "2021-01-01",
        ),
    ];
    for (members, date) in cases {
        let out = ex([wt_with(members.clone())]);
        assert_eq!(out.latest("wt"), Some(("70 kg", date)), "{members}");
    }
}

#[test]
fn no_date_is_ignored_and_reported() {
    let out = ex([wt_with(json!({}))]);
    assert_eq!(out.latest("wt"), None);
    assert!(has(&out, FindingCode::ObservationNoDate));
    // Empty strings count as absent.
    let out = ex([wt_with(json!({"effectiveDateTime":"","issued":"  "}))]);
    assert_eq!(out.latest("wt"), None);
    assert!(has(&out, FindingCode::ObservationNoDate));
}

#[test]
fn bad_first_date_is_ignored_without_fall_through() {
    for bad in [
        "yesterday",
        "2024-13-01",
        "2024-02-30",
        "01/02/2024",
        "2024-1-1",
    ] {
        let out = ex([wt_with(
            json!({"effectiveDateTime":bad,"issued":"2021-01-01T00:00:00Z"}),
        )]);
        assert_eq!(out.latest("wt"), None, "{bad}");
        let f = out
            .findings_with(FindingCode::ObservationBadDate)
            .next()
            .unwrap();
        assert!(f.message.contains("effectiveDateTime"), "{}", f.message);
    }
    let out = ex([wt_with(
        json!({"effectivePeriod":{"start":"soon"},"issued":"2021-01-01T00:00:00Z"}),
    )]);
    assert_eq!(out.latest("wt"), None);
    assert!(has(&out, FindingCode::ObservationBadDate));
}

#[test]
fn lenient_date_parsing() {
    // A time without seconds, and a time without offset (read as UTC), are accepted.
    let out = ex([wt_with(json!({"effectiveDateTime":"2024-05-06T10:30"}))]);
    assert_eq!(out.latest("wt"), Some(("70 kg", "2024-05-06")));
    let out = ex([wt_with(json!({"effectiveDateTime":"2024-05-06T10:30:00"}))]);
    assert_eq!(out.latest("wt"), Some(("70 kg", "2024-05-06")));
    // Without offset = UTC: 10:30 (UTC) is later than 09:00Z, earlier than 10:00-01:00.
    let out = ex([
        obs_q("29463-7", "2024-05-06T09:00:00Z", "1", "kg"),
        obs_q("29463-7", "2024-05-06T10:30", "2", "kg"),
    ]);
    assert_eq!(out.keyword("@ptLatestVal.wt"), Some("2 kg"));
    let out = ex([
        obs_q("29463-7", "2024-05-06T10:00:00-01:00", "1", "kg"),
        obs_q("29463-7", "2024-05-06T10:30", "2", "kg"),
    ]);
    assert_eq!(out.keyword("@ptLatestVal.wt"), Some("1 kg"));
}

#[test]
fn timezones_compare_as_instants_and_date_is_as_written() {
    // 2020-01-01T23:30-08:00 is 2020-01-02T07:30Z: later than 2020-01-02T05:00Z.
    let out = ex([
        obs_q("8302-2", "2020-01-02T05:00:00Z", "170", "cm"),
        obs_q("8302-2", "2020-01-01T23:30:00-08:00", "171", "cm"),
    ]);
    assert_eq!(out.latest("ht"), Some(("171 cm", "2020-01-01")));
    // And the other way round: +14:00 makes a later local date an earlier instant.
    let out = ex([
        obs_q("8302-2", "2020-01-02T05:00:00+14:00", "172", "cm"),
        obs_q("8302-2", "2020-01-01T16:00:00Z", "173", "cm"),
    ]);
    assert_eq!(out.latest("ht"), Some(("173 cm", "2020-01-01")));
}

#[test]
fn partial_dates_are_the_start_of_their_period() {
    // 2019 = 2019-01-01T00:00Z, earlier than one second later.
    let out = ex([
        obs_q("8302-2", "2019-01-01T00:00:01Z", "1", "cm"),
        obs_q("8302-2", "2019", "2", "cm"),
    ]);
    assert_eq!(out.latest("ht"), Some(("1 cm", "2019-01-01")));
    // 2019-05 is later than 2019-04-30.
    let out = ex([
        obs_q("8302-2", "2019-04-30", "1", "cm"),
        obs_q("8302-2", "2019-05", "2", "cm"),
    ]);
    assert_eq!(out.latest("ht"), Some(("2 cm", "2019-05")));
    // The date keyword is the text as written.
    let out = ex([obs_q("8302-2", "2019", "3", "cm")]);
    assert_eq!(out.latest("ht"), Some(("3 cm", "2019")));
}

#[test]
fn exact_ties_keep_the_first_in_bundle_order() {
    // The same instant written four ways.
    let dates = [
        "2019",
        "2019-01-01",
        "2019-01-01T00:00:00Z",
        "2018-12-31T16:00:00-08:00",
    ];
    for first in 0..dates.len() {
        let mut resources = Vec::new();
        for k in 0..dates.len() {
            let i = (first + k) % dates.len();
            resources.push(obs_q("8302-2", dates[i], &format!("{}", 100 + i), "cm"));
        }
        let out = ex(resources);
        let expected_value = format!("{} cm", 100 + first);
        let expected_date = dates[first].split('T').next().unwrap();
        assert_eq!(
            out.latest("ht"),
            Some((expected_value.as_str(), expected_date)),
            "first {first}"
        );
    }
}

// =============================================================================================
// Observation values

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

// =============================================================================================
// Blood pressure

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

// =============================================================================================
// List keywords: general

#[test]
fn items_in_bundle_order_joined_by_newline() {
    let out = ex([
        json!({"resourceType":"Condition","code":{"text":"Zeta"}}),
        json!({"resourceType":"Condition","code":{"text":"Alpha"}}),
        json!({"resourceType":"Condition","code":{"text":"Mu"}}),
    ]);
    assert_eq!(out.keyword("@ptCpp.prob"), Some("Zeta\nAlpha\nMu"));
    assert_eq!(out.items("@ptCpp.prob"), ["Zeta", "Alpha", "Mu"]);
}

#[test]
fn no_item_means_absent_keyword_not_empty() {
    let out = ex([json!({"resourceType":"Condition","code":{"text":"  "}})]);
    for kw in [
        "@ptCpp.allg",
        "@ptCpp.prob",
        "@ptCpp.pmhx",
        "@ptCpp.immu",
        "@ptCpp.rx",
    ] {
        assert_eq!(out.keyword(kw), None, "{kw}");
    }
    assert!(out.keywords.values().all(|v| !v.is_empty()));
    let missing = out
        .findings_with(FindingCode::MissingKeyword)
        .filter(|f| f.message.contains("@ptCpp"))
        .count();
    assert_eq!(missing, 5);
}

#[test]
fn duplicates_are_dropped_per_keyword() {
    let out = ex([
        json!({"resourceType":"Condition","code":{"text":"Asthma"}}),
        json!({"resourceType":"Condition","code":{"text":"  Asthma \n"}}),
        json!({"resourceType":"Condition","code":{"coding":[{"display":"Asthma"}]}}),
        json!({"resourceType":"Condition","code":{"text":"asthma"}}),
        // Same text in another keyword is kept there.
        json!({"resourceType":"Condition","clinicalStatus":{"coding":[{"code":"resolved"}]},
               "code":{"text":"Asthma"}}),
        json!({"resourceType":"AllergyIntolerance","code":{"text":"Asthma"}}),
    ]);
    assert_eq!(out.items("@ptCpp.prob"), ["Asthma", "asthma"]);
    assert_eq!(out.items("@ptCpp.pmhx"), ["Asthma"]);
    assert_eq!(out.items("@ptCpp.allg"), ["Asthma"]);
    let f = out
        .findings_with(FindingCode::ItemDuplicate)
        .next()
        .unwrap();
    assert_eq!(f.count, 2);
}

#[test]
fn whitespace_is_collapsed_so_an_item_is_one_line() {
    let out = ex([
        json!({"resourceType":"Condition","code":{"text":"  Type 2\n\tdiabetes\u{a0}\u{a0}mellitus \r\n"}}),
        json!({"resourceType":"MedicationStatement","status":"active",
               "medicationCodeableConcept":{"text":"Metformin\n500 mg"},
               "dosage":[{"text":"1 tab\nBID"}]}),
    ]);
    assert_eq!(out.keyword("@ptCpp.prob"), Some("Type 2 diabetes mellitus"));
    assert_eq!(
        out.keyword("@ptCpp.rx"),
        Some("Metformin 500 mg - 1 tab BID")
    );
}

#[test]
fn concept_text_fallbacks() {
    let cases = [
        (
            json!({"text":"T","coding":[{"display":"D","code":"C"}]}),
            Some("T"),
        ),
        (
            json!({"text":"","coding":[{"display":"D","code":"C"}]}),
            Some("D"),
        ),
        (
            json!({"text":" \n ","coding":[{"display":"D","code":"C"}]}),
            Some("D"),
        ),
        (
            json!({"coding":[{"code":"C1"},{"display":"D2","code":"C2"}]}),
            Some("D2"),
        ),
        (
            json!({"coding":[{"display":"","code":"C1"},{"display":" ","code":"C2"}]}),
            Some("C1"),
        ),
        (json!({"coding":[{"system":"s"},{"code":"C2"}]}), Some("C2")),
        (json!({"coding":[{"code":""},{"code":"C3"}]}), Some("C3")),
        (json!({"coding":[{"code":""}]}), None),
        (json!({}), None),
    ];
    for (cc, expected) in cases {
        let out = ex([json!({"resourceType":"Condition","code":cc})]);
        assert_eq!(out.keyword("@ptCpp.prob"), expected, "{cc}");
        if expected.is_none() {
            assert!(has(&out, FindingCode::ItemNoText), "{cc}");
        }
    }
}

#[test]
fn status_codes_match_on_any_coding() {
    let out = ex([
        json!({"resourceType":"Condition",
               "clinicalStatus":{"coding":[{"system":"http://example.org","code":"x"},
                   {"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"resolved"}]},
               "code":{"text":"Old"}}),
        json!({"resourceType":"Condition",
               "verificationStatus":{"coding":[{"code":"confirmed"},{"code":"refuted"}]},
               "code":{"text":"Refuted"}}),
        // The text of the status concept does not count, only codes.
        json!({"resourceType":"Condition","clinicalStatus":{"text":"resolved"},
               "code":{"text":"Current"}}),
    ]);
    assert_eq!(out.keyword("@ptCpp.pmhx"), Some("Old"));
    assert_eq!(out.keyword("@ptCpp.prob"), Some("Current"));
}

// =============================================================================================
// Conditions

#[test]
fn condition_clinical_status_splits_problems_and_history() {
    for (status, kw) in [
        (Some("active"), "@ptCpp.prob"),
        (Some("recurrence"), "@ptCpp.prob"),
        (Some("relapse"), "@ptCpp.prob"),
        (None, "@ptCpp.prob"),
        (Some("resolved"), "@ptCpp.pmhx"),
        (Some("remission"), "@ptCpp.pmhx"),
        (Some("inactive"), "@ptCpp.pmhx"),
    ] {
        let mut c = json!({"resourceType":"Condition","code":{"text":"X"}});
        if let Some(s) = status {
            c["clinicalStatus"] = json!({"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":s}]});
        }
        let out = ex([c]);
        assert_eq!(out.keyword(kw), Some("X"), "{status:?}");
        assert_eq!(out.keywords.len(), 1, "{status:?}");
    }
}

#[test]
fn condition_exclusions() {
    for v in ["entered-in-error", "refuted"] {
        for clinical in ["active", "resolved"] {
            let out = ex([json!({"resourceType":"Condition",
                "clinicalStatus":{"coding":[{"code":clinical}]},
                "verificationStatus":{"coding":[{"code":v}]},"code":{"text":"X"}})]);
            assert!(out.keywords.is_empty(), "{v} {clinical}");
            assert!(has(&out, FindingCode::ItemExcluded));
        }
    }
    for v in ["unconfirmed", "provisional", "differential", "confirmed"] {
        let out = ex([json!({"resourceType":"Condition",
            "verificationStatus":{"coding":[{"code":v}]},"code":{"text":"X"}})]);
        assert_eq!(out.keyword("@ptCpp.prob"), Some("X"), "{v}");
    }
}

// =============================================================================================
// Allergies

#[test]
fn allergy_structured_text_with_manifestations() {
    let out = ex([json!({"resourceType":"AllergyIntolerance",
        "code":{"coding":[{"system":"http://snomed.info/sct","code":"764146007","display":"Penicillin"}]},
        "reaction":[
            {"manifestation":[{"text":"Hives"},{"coding":[{"display":"Rash"}]}]},
            {"manifestation":[{"text":"Hives"},{"coding":[{"code":"39579001"}]},{"text":" "}]}]})]);
    assert_eq!(
        out.keyword("@ptCpp.allg"),
        Some("Penicillin (Hives, Rash, 39579001)")
    );
    // No manifestation text: no parentheses.
    let out = ex([
        json!({"resourceType":"AllergyIntolerance","code":{"text":"Latex"},
        "reaction":[{"manifestation":[{}]},{"description":"itchy"}]}),
    ]);
    assert_eq!(out.keyword("@ptCpp.allg"), Some("Latex"));
}

/// "Distinct manifestation texts": two texts that show the same once whitespace is collapsed
/// are one manifestation (an item is always shown collapsed).
#[test]
fn allergy_manifestations_distinct_as_shown() {
    let out = ex([
        json!({"resourceType":"AllergyIntolerance","code":{"text":"Penicillin"},
        "reaction":[{"manifestation":[{"text":"Hives"},{"text":"Hives "},{"text":" Hives\n"}]}]}),
    ]);
    assert_eq!(out.keyword("@ptCpp.allg"), Some("Penicillin (Hives)"));
}

#[test]
fn allergy_narrative_is_primary_whatever_the_status() {
    for status in ["generated", "extensions", "additional", "empty"] {
        let out = ex([json!({"resourceType":"AllergyIntolerance",
            "text":{"status":status,"div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Penicillin - <b>anaphylaxis</b></p></div>"},
            "code":{"text":"Penicillin G"},
            "reaction":[{"manifestation":[{"text":"Hives"}]}]})]);
        assert_eq!(
            out.keyword("@ptCpp.allg"),
            Some("Penicillin - anaphylaxis"),
            "{status}"
        );
    }
}

#[test]
fn allergy_narrative_plain_text_rules() {
    let cases = [
        // entities: XML five, numeric decimal and hex, common HTML names
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml">A &amp; B &lt;1&gt; &quot;q&quot; &apos;s&apos;</div>"#,
            r#"A & B <1> "q" 's'"#,
        ),
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml">Sulfa&#233; &#xE9;&#X2014;x</div>"#,
            "Sulfaé é—x",
        ),
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml">Arachides&nbsp;(r&eacute;action&nbsp;grave)</div>"#,
            "Arachides (réaction grave)",
        ),
        // unknown entity kept as written; a lone & kept
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml">A &bogus; B & C</div>"#,
            "A &bogus; B & C",
        ),
        // comments dropped, each tag one space, whitespace collapsed
        (
            "<div xmlns=\"http://www.w3.org/1999/xhtml\">\n  <p>Peanut<!-- internal note --></p>\n  <p>  severe\n\n reaction</p><br/>\n</div>",
            "Peanut severe reaction",
        ),
        // tags glued to text become a space
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml"><b>Egg</b><i>Milk</i></div>"#,
            "Egg Milk",
        ),
        // attribute containing '>'
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml"><span title="a > b">Shellfish</span></div>"#,
            "Shellfish",
        ),
        // a table
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml"><table><tr><td>Codeine</td><td>nausea</td></tr></table></div>"#,
            "Codeine nausea",
        ),
    ];
    for (div, expected) in cases {
        let out = ex([json!({"resourceType":"AllergyIntolerance",
            "text":{"status":"generated","div":div},"code":{"text":"Structured"}})]);
        assert_eq!(out.keyword("@ptCpp.allg"), Some(expected), "{div}");
    }
}

#[test]
fn allergy_empty_narrative_falls_back_to_structured_text() {
    for div in [
        r#"<div xmlns="http://www.w3.org/1999/xhtml"></div>"#,
        r#"<div xmlns="http://www.w3.org/1999/xhtml"> <p> </p> <!-- x --> </div>"#,
        r#"<div xmlns="http://www.w3.org/1999/xhtml">&nbsp;</div>"#,
    ] {
        let out = ex([json!({"resourceType":"AllergyIntolerance",
            "text":{"status":"empty","div":div},"code":{"text":"Latex"}})]);
        assert_eq!(out.keyword("@ptCpp.allg"), Some("Latex"), "{div}");
    }
}

#[test]
fn narrative_is_only_for_allergies() {
    let div = r#"<div xmlns="http://www.w3.org/1999/xhtml">Narrative</div>"#;
    let out = ex([
        json!({"resourceType":"Condition","text":{"status":"generated","div":div},"code":{"text":"Cond"}}),
        json!({"resourceType":"Immunization","status":"completed","text":{"status":"generated","div":div},
               "vaccineCode":{"text":"Vacc"}}),
        json!({"resourceType":"MedicationStatement","status":"active","text":{"status":"generated","div":div},
               "medicationCodeableConcept":{"text":"Med"}}),
    ]);
    assert_eq!(out.keyword("@ptCpp.prob"), Some("Cond"));
    assert_eq!(out.keyword("@ptCpp.immu"), Some("Vacc"));
    assert_eq!(out.keyword("@ptCpp.rx"), Some("Med"));
    // A Condition with only a narrative has no item.
    let out = ex([json!({"resourceType":"Condition","text":{"status":"generated","div":div}})]);
    assert_eq!(out.keyword("@ptCpp.prob"), None);
    assert!(has(&out, FindingCode::ItemNoText));
}

#[test]
fn allergy_exclusions() {
    let base = || json!({"resourceType":"AllergyIntolerance","code":{"text":"Penicillin"}});
    for (member, code) in [
        ("verificationStatus", "entered-in-error"),
        ("verificationStatus", "refuted"),
        ("clinicalStatus", "inactive"),
        ("clinicalStatus", "resolved"),
    ] {
        let mut a = base();
        a[member] = json!({"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-verification","code":code}]});
        // Even with a narrative.
        a["text"] = json!({"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">Pen</div>"});
        let out = ex([a]);
        assert_eq!(out.keyword("@ptCpp.allg"), None, "{member} {code}");
        let f = out.findings_with(FindingCode::ItemExcluded).next().unwrap();
        assert!(f.message.contains(code), "{}", f.message);
    }
    for (member, code) in [
        ("verificationStatus", "unconfirmed"),
        ("verificationStatus", "confirmed"),
        ("clinicalStatus", "active"),
    ] {
        let mut a = base();
        a[member] = json!({"coding":[{"code":code}]});
        assert_eq!(
            ex([a]).keyword("@ptCpp.allg"),
            Some("Penicillin"),
            "{member} {code}"
        );
    }
}

#[test]
fn allergy_without_any_text_is_reported() {
    let out = ex([json!({"resourceType":"AllergyIntolerance",
        "reaction":[{"manifestation":[{"text":"Hives"}]}]})]);
    assert_eq!(
        out.keyword("@ptCpp.allg"),
        None,
        "no base text, even with a suffix"
    );
    let f = out.findings_with(FindingCode::ItemNoText).next().unwrap();
    assert!(f.message.contains("@ptCpp.allg"));
}

// =============================================================================================
// Immunizations

#[test]
fn immunization_text_and_date_part() {
    let cases = [
        (
            json!({"occurrenceDateTime":"2019-05-01"}),
            "Influenza (2019-05-01)",
        ),
        (
            json!({"occurrenceDateTime":"2019-05-01T10:00:00-07:00"}),
            "Influenza (2019-05-01)",
        ),
        (
            json!({"occurrenceDateTime":"2019-05"}),
            "Influenza (2019-05)",
        ),
        (json!({"occurrenceDateTime":"2019"}), "Influenza (2019)"),
        (json!({"occurrenceString":"last spring"}), "Influenza"),
        (json!({}), "Influenza"),
    ];
    for (members, expected) in cases {
        let mut im = json!({"resourceType":"Immunization","status":"completed",
            "vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx","code":"141","display":"Influenza"}]}});
        for (k, v) in members.as_object().unwrap() {
            im[k] = v.clone();
        }
        assert_eq!(ex([im]).keyword("@ptCpp.immu"), Some(expected), "{members}");
    }
}

#[test]
fn immunization_exclusions_and_statuses() {
    for (status, shown) in [
        ("completed", true),
        ("not-done", false),
        ("entered-in-error", false),
    ] {
        let out = ex([json!({"resourceType":"Immunization","status":status,
            "vaccineCode":{"text":"Tdap"},"occurrenceDateTime":"2020-02-02"})]);
        assert_eq!(
            out.keyword("@ptCpp.immu").is_some(),
            shown,
            "{status}: {:?}",
            out.keywords
        );
        if !shown {
            assert!(has(&out, FindingCode::ItemExcluded));
        }
    }
    // No vaccine text: no item even though there is a date.
    let out = ex([json!({"resourceType":"Immunization","status":"completed",
        "vaccineCode":{"coding":[{"system":"http://hl7.org/fhir/sid/cvx"}]},
        "occurrenceDateTime":"2020-02-02"})]);
    assert_eq!(out.keyword("@ptCpp.immu"), None);
    assert!(has(&out, FindingCode::ItemNoText));
}

// =============================================================================================
// Medications

fn ms(status: &str, med: Value) -> Value {
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

// =============================================================================================
// Demographics

fn patient(members: Value) -> Value {
    let mut p = json!({"resourceType":"Patient","id":"p"});
    for (k, v) in members.as_object().unwrap() {
        p[k] = v.clone();
    }
    p
}

fn demo(members: Value) -> ocean_keywords::Demographics {
    ex([patient(members)]).demographics.unwrap()
}

#[test]
fn name_choice() {
    let names = json!([
        {"use":"nickname","family":"Nick","given":["N"]},
        {"use":"usual","family":"Usual","given":["U"]},
        {"use":"official","family":"Official","given":["Ann","Marie"],"prefix":["Dr."],"suffix":["Jr."],"text":"IGNORED"},
        {"use":"official","family":"Second"}
    ]);
    let d = demo(json!({ "name": names }));
    assert_eq!(d.family.as_deref(), Some("Official"));
    assert_eq!(d.given, ["Ann", "Marie"]);
    assert_eq!(d.prefix, ["Dr."]);
    assert_eq!(d.suffix, ["Jr."]);
    let d = demo(json!({"name":[{"use":"maiden","family":"M"},{"use":"usual","family":"U"}]}));
    assert_eq!(d.family.as_deref(), Some("U"));
    let d = demo(json!({"name":[{"use":"maiden","family":"M"},{"family":"X"}]}));
    assert_eq!(d.family.as_deref(), Some("M"));
    // `text` is not used.
    let d = demo(json!({"name":[{"text":"Full Text Name"}]}));
    assert_eq!(d.family, None);
    assert!(d.given.is_empty());
    let out = ex([patient(json!({"name":[{"text":"Full Text Name"}]}))]);
    assert!(
        out.findings_with(FindingCode::MissingDemographic)
            .any(|f| f.message.contains("name"))
    );
}

#[test]
fn birth_date_and_gender_as_written() {
    let d = demo(json!({"birthDate":"1980-02","gender":"unknown"}));
    assert_eq!(d.birth_date.as_deref(), Some("1980-02"));
    assert_eq!(d.gender.as_deref(), Some("unknown"));
    let d = demo(json!({"birthDate":"1975-12-31","gender":"female"}));
    assert_eq!(d.birth_date.as_deref(), Some("1975-12-31"));
    assert_eq!(d.gender.as_deref(), Some("female"));
}

#[test]
fn health_number_variants() {
    let jhn = |system: &str| json!({"coding":[{"system":system,"code":"JHN"}]});
    let cases = [
        // BC PHN by system, no type
        (
            json!({"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id","value":"9876543210"}),
            Some(("9876543210", None, Some("BC"))),
        ),
        // ON HCN with version code
        (
            json!({"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn","value":"1234567890",
                   "extension":[{"url":"http://ehealthontario.ca/fhir/StructureDefinition/ext-id-health-card-version-code","valueString":"AB"}]}),
            Some(("1234567890", Some("AB"), Some("ON"))),
        ),
        // Another province's pattern
        (
            json!({"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-ab-patient-hcn","value":"123456789"}),
            Some(("123456789", None, Some("AB"))),
        ),
        // JHN type, old v2 system spelling, unknown system: no province
        (
            json!({"type":jhn("http://hl7.org/fhir/v2/0203"),"system":"urn:oid:1.2.3","value":"555"}),
            Some(("555", None, None)),
        ),
        // JHN type, new spelling, no system
        (
            json!({"type":jhn("http://terminology.hl7.org/CodeSystem/v2-0203"),"value":"556"}),
            Some(("556", None, None)),
        ),
        // JHN type with a provincial system
        (
            json!({"type":jhn("http://terminology.hl7.org/CodeSystem/v2-0203"),
                   "system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id","value":"9999999998"}),
            Some(("9999999998", None, Some("BC"))),
        ),
        // A system but no value: not a health number (Ocean test data)
        (
            json!({"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id"}),
            None,
        ),
        // An MRN is not a health number
        (
            json!({"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},
                   "system":"urn:oid:1.2.3","value":"MRN1"}),
            None,
        ),
    ];
    for (identifier, expected) in cases {
        let d = demo(json!({ "identifier": [identifier.clone()] }));
        let got = d.health_number.as_ref().map(|h| {
            (
                h.value.as_str(),
                h.version_code.as_deref(),
                h.province.as_deref(),
            )
        });
        assert_eq!(got, expected, "{identifier}");
    }
    // The first health-number identifier wins; the system is reported as written.
    let d = demo(json!({"identifier":[
        {"system":"urn:oid:mrn","value":"MRN"},
        {"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id"},
        {"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn","value":"1111111111"},
        {"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id","value":"2222222222"}]}));
    let h = d.health_number.unwrap();
    assert_eq!(h.value, "1111111111");
    assert_eq!(
        h.system.as_deref(),
        Some("https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn")
    );
}

#[test]
fn address_choice() {
    let d = demo(json!({"address":[
        {"use":"work","line":["1 Work St"],"city":"Work"},
        {"use":"home","line":["2 Home St","Apt 3"],"city":"Victoria","state":"BC","postalCode":"V8V 1A1","country":"CA"},
        {"use":"home","city":"Second home"}]}));
    let a = d.address.unwrap();
    assert_eq!(a.line, ["2 Home St", "Apt 3"]);
    assert_eq!(a.city.as_deref(), Some("Victoria"));
    assert_eq!(a.state.as_deref(), Some("BC"));
    assert_eq!(a.postal_code.as_deref(), Some("V8V 1A1"));
    assert_eq!(a.country.as_deref(), Some("CA"));
    let d = demo(json!({"address":[{"use":"work","city":"Work"},{"use":"temp","city":"Temp"}]}));
    assert_eq!(d.address.unwrap().city.as_deref(), Some("Work"));
    assert_eq!(demo(json!({})).address, None);
}

#[test]
fn phones_and_email() {
    let out = ex([patient(json!({"telecom":[
        {"system":"email","value":""},
        {"system":"phone","value":"250-555-0000"},
        {"system":"phone","use":"home","value":"250-555-0001","rank":2},
        {"system":"phone","use":"mobile","value":"250-555-0002"},
        {"system":"phone","use":"home","value":"250-555-0003","rank":1},
        {"system":"phone","use":"work","value":""},
        {"system":"phone","use":"work","value":"250-555-0004"},
        {"system":"fax","use":"work","value":"250-555-0005"},
        {"system":"email","use":"home","value":"first@example.org"},
        {"system":"email","value":"second@example.org"}]}))]);
    let d = out.demographics.as_ref().unwrap();
    assert_eq!(
        d.phones.home.as_deref(),
        Some("250-555-0001"),
        "rank not used"
    );
    assert_eq!(d.phones.mobile.as_deref(), Some("250-555-0002"));
    assert_eq!(d.phones.work.as_deref(), Some("250-555-0004"));
    assert_eq!(d.email.as_deref(), Some("first@example.org"));
    assert!(has(&out, FindingCode::PhoneNoUse));
}

#[test]
fn patients_count_and_choice() {
    // No Patient: null demographics.
    let out = ex([json!({"resourceType":"Condition","code":{"text":"X"}})]);
    assert_eq!(out.demographics, None);
    assert!(has(&out, FindingCode::MissingPatient));
    assert_eq!(
        serde_json::to_value(&out).unwrap()["demographics"],
        Value::Null
    );
    // Two Patients: the first.
    let out = ex([
        patient(json!({"gender":"female"})),
        patient(json!({"gender":"male"})),
    ]);
    assert_eq!(
        out.demographics.as_ref().unwrap().gender.as_deref(),
        Some("female")
    );
    assert!(has(&out, FindingCode::MultiplePatients));
    // The first *valid* Patient: an invalid one is skipped and reported.
    let out = ex([
        patient(json!({"gender":5,"birthDate":"1999-01-01"})),
        patient(json!({"gender":"other"})),
    ]);
    assert_eq!(
        out.demographics.as_ref().unwrap().gender.as_deref(),
        Some("other")
    );
    assert!(has(&out, FindingCode::ResourceInvalid));
}

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

// =============================================================================================
// Attachments

fn docref(status: &str, attachment: Value) -> Value {
    json!({"resourceType":"DocumentReference","status":status,
        "description":"Desc","content":[{"attachment":attachment}]})
}

#[test]
fn attachment_inline_and_url() {
    let out = ex([
        docref(
            "current",
            json!({"contentType":"application/pdf","data":"aGVsbG8gd29ybGQ=","title":"Letter","creation":"2024-01-01T10:00:00Z"}),
        ),
        docref(
            "current",
            json!({"contentType":"image/png","url":"https://pos.example/files/1","size":2048}),
        ),
    ]);
    assert_eq!(out.attachments.len(), 2);
    let a = &out.attachments[0];
    assert_eq!(a.title.as_deref(), Some("Letter"));
    assert_eq!(a.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(a.size, Some(11), "decoded length of data");
    assert_eq!(a.url, None);
    assert_eq!(a.creation.as_deref(), Some("2024-01-01T10:00:00Z"));
    let b = &out.attachments[1];
    assert_eq!(
        b.title.as_deref(),
        Some("Desc"),
        "falls back to description"
    );
    assert_eq!(b.size, Some(2048));
    assert_eq!(b.url.as_deref(), Some("https://pos.example/files/1"));
}

#[test]
fn attachment_types() {
    for (ct, ok) in [
        ("application/pdf", true),
        ("text/plain; charset=utf-8", true),
        ("IMAGE/JPEG", true),
        ("image/jpg", true),
        ("image/png", true),
        ("image/tiff", true),
        ("audio/mpeg", true),
        ("video/mp4", true),
        ("application/msword", false),
        ("text/html", false),
        ("application/dicom", false),
    ] {
        let out = ex([docref("current", json!({"contentType":ct,"data":"AAAA"}))]);
        assert_eq!(out.attachments.len(), usize::from(ok), "{ct}");
        assert_eq!(has(&out, FindingCode::AttachmentTypeRefused), !ok, "{ct}");
    }
    // No content type: the file extension of the title or URL.
    for (att, ok) in [
        (json!({"title":"scan.TIF","data":"AAAA"}), true),
        (
            json!({"url":"https://x.example/a/report.pdf?v=2","size":10}),
            true,
        ),
        (json!({"title":"notes.docx","data":"AAAA"}), false),
        (json!({"title":"noext","data":"AAAA"}), false),
    ] {
        let out = ex([docref("current", att.clone())]);
        assert_eq!(out.attachments.len(), usize::from(ok), "{att}");
        if ok {
            assert_eq!(out.attachments[0].content_type, None);
        }
    }
}

#[test]
fn attachment_status_content_and_size_findings() {
    let out = ex([docref(
        "superseded",
        json!({"contentType":"application/pdf","data":"AAAA"}),
    )]);
    assert!(out.attachments.is_empty());
    assert!(has(&out, FindingCode::AttachmentNotCurrent));
    let out = ex([docref("current", json!({"contentType":"application/pdf"}))]);
    assert!(out.attachments.is_empty());
    assert!(has(&out, FindingCode::AttachmentNoContent));
    let out = ex([docref(
        "current",
        json!({"contentType":"application/pdf","url":"https://x.example/1"}),
    )]);
    assert_eq!(out.attachments.len(), 1, "offered although unchecked");
    assert_eq!(out.attachments[0].size, None);
    assert!(has(&out, FindingCode::AttachmentSizeUnknown));
}

#[test]
fn attachment_limits() {
    let url = |size: u64| {
        docref(
            "current",
            json!({"contentType":"application/pdf","url":"https://x.example/f","size":size}),
        )
    };
    // 10 MB = 10^6 bytes each (our choice): exactly 10 000 000 is accepted, one more is not.
    let out = ex([url(10_000_000), url(10_000_001)]);
    assert_eq!(out.attachments.len(), 1);
    assert!(has(&out, FindingCode::AttachmentTooLarge));
    // 50 MB in total, in Bundle order: the sixth 9 MB file goes over.
    let out = ex((0..7).map(|_| url(9_000_000)));
    assert_eq!(out.attachments.len(), 5);
    let f = out
        .findings_with(FindingCode::AttachmentTotalExceeded)
        .next()
        .unwrap();
    assert_eq!(f.count, 2);
    // Custom limits.
    let rules = Rules::default().with_attachment_limits(AttachmentLimits {
        max_each_bytes: 3,
        max_total_bytes: 100,
    });
    let out = ex_with(
        [docref(
            "current",
            json!({"contentType":"text/plain","data":"aGVsbG8="}),
        )],
        &rules,
    );
    assert!(out.attachments.is_empty(), "5 bytes > 3");
}

// =============================================================================================
// Errors and shapes

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
