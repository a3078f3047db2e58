//! Latest values, which Observations feed a row: the 18 seed codes, LOINC or no system, the
//! near-miss codes and aliases.

use crate::support::{ex, ex_with, has, loinc, obs_q};
use ocean_keywords::{FindingCode, Rules, Severity};
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
    assert_eq!(f.severity, Severity::Information);
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
