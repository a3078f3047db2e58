//! Issue 18, implausible and oversized input: far-future dates, numbers that cannot be
//! measurements, list keywords past their item cap, and reader input past the entry cap.

use crate::support::{bundle, ex_with, has, raw_bundle};
use ocean_keywords::{
    DEFAULT_MAX_LIST_ITEMS, ExtractErrorKind, FindingCode, Rules, Severity, extract_reader,
    extract_with,
};
use serde_json::json;
use time::macros::datetime;

fn clock() -> Rules {
    Rules::default().with_now(datetime!(2025-06-01 12:00 UTC))
}

fn na(date: &str, value: &str) -> String {
    format!(
        r#"{{"resourceType":"Observation","status":"final","code":{{"coding":[{{"system":"http://loinc.org","code":"2947-0"}}]}},"effectiveDateTime":"{date}","valueQuantity":{{"value":{value},"unit":"mmol/L"}}}}"#
    )
}

#[test]
fn a_far_future_observation_does_not_win_and_is_reported() {
    let b = raw_bundle(&[
        &na("2025-05-01", "140"),
        &na("9999-12-31T23:59:59+14:00", "99"),
    ]);
    let out = extract_with(&b, &clock()).unwrap();
    assert_eq!(out.latest("na"), Some(("140 mmol/L", "2025-05-01")));
    let f = out.findings_with(FindingCode::FutureDate).next().unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.resource.as_ref().unwrap().entry, Some(1));
    // Within a day of the clock is not the future (time zones, clock skew).
    let b = raw_bundle(&[&na("2025-05-01", "140"), &na("2025-06-02T11:00:00Z", "141")]);
    let out = extract_with(&b, &clock()).unwrap();
    assert_eq!(out.latest("na").unwrap().0, "141 mmol/L");
    assert!(!has(&out, FindingCode::FutureDate));
    // Just past a day is.
    let b = raw_bundle(&[&na("2025-06-02T12:00:01Z", "141")]);
    let out = extract_with(&b, &clock()).unwrap();
    assert_eq!(out.latest("na"), None);
    assert!(has(&out, FindingCode::FutureDate));
}

#[test]
fn the_default_clock_is_now() {
    let b = raw_bundle(&[&na("2999-01-01", "140")]);
    let out = extract_with(&b, &Rules::default()).unwrap();
    assert_eq!(out.latest("na"), None);
    assert!(has(&out, FindingCode::FutureDate));
}

#[test]
fn numbers_that_cannot_be_measurements_are_not_shown() {
    let huge_digits = "1".repeat(41);
    for value in ["1e999999", "-1e999999", "1e-999999", huge_digits.as_str()] {
        let b = raw_bundle(&[&na("2020-01-01", "140"), &na("2024-01-01", value)]);
        let out = extract_with(&b, &clock()).unwrap();
        assert_eq!(
            out.latest("na"),
            Some(("140 mmol/L", "2020-01-01")),
            "{value}"
        );
        let f = out
            .findings_with(FindingCode::ImplausibleNumber)
            .next()
            .unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert!(!f.message.contains(value));
    }
    // valueInteger and blood-pressure components too.
    let int = r#"{"resourceType":"Observation","status":"final","code":{"coding":[{"code":"8302-2"}]},"effectiveDateTime":"2024-01-01","valueInteger":12345678901234567890123456789012345678901234567890}"#;
    let bp = r#"{"resourceType":"Observation","status":"final","code":{"coding":[{"code":"35094-2"}]},"effectiveDateTime":"2024-01-01","component":[
        {"code":{"coding":[{"code":"8480-6"}]},"valueQuantity":{"value":1e999999,"unit":"mm[Hg]"}},
        {"code":{"coding":[{"code":"8462-4"}]},"valueQuantity":{"value":80,"unit":"mm[Hg]"}}]}"#;
    let out = extract_with(&raw_bundle(&[int, bp]), &clock()).unwrap();
    assert_eq!(out.latest("ht"), None);
    assert_eq!(out.latest("bp"), None);
    assert_eq!(
        out.findings_with(FindingCode::ImplausibleNumber)
            .map(|f| f.count)
            .sum::<usize>(),
        2
    );
    // Zero, 40 digits and large exponents a double holds are still shown as written.
    let forty = format!("0.{}", "1".repeat(39));
    for value in ["0", "-0.0", "0e999999", "1e300", forty.as_str()] {
        let out = extract_with(&raw_bundle(&[&na("2024-01-01", value)]), &clock()).unwrap();
        assert_eq!(
            out.latest("na").map(|v| v.0.to_owned()),
            Some(format!("{value} mmol/L"))
        );
    }
}

fn condition(text: String) -> serde_json::Value {
    json!({"resourceType":"Condition","code":{"text":text}})
}

#[test]
fn list_keywords_stop_at_the_item_cap() {
    let n = DEFAULT_MAX_LIST_ITEMS + 50;
    let mut resources: Vec<_> = (0..n).map(|i| condition(format!("Problem {i}"))).collect();
    // A repeat of a kept item past the cap is a duplicate, not a truncation.
    resources.push(condition("Problem 0".into()));
    let out = ex_with(resources, &Rules::default());
    let prob = out.keyword("@ptCpp.prob").unwrap();
    assert_eq!(prob.lines().count(), DEFAULT_MAX_LIST_ITEMS);
    assert_eq!(prob.lines().last(), Some("Problem 199"));
    let f = out
        .findings_with(FindingCode::ListTruncated)
        .next()
        .unwrap();
    assert_eq!(f.count, 50);
    assert_eq!(f.resource.as_ref().unwrap().entry, Some(200));
    assert!(has(&out, FindingCode::ItemDuplicate));
    // Configurable, and medications too.
    let rules = Rules::default().with_max_list_items(2);
    let meds = (0..4).map(|i| {
        json!({"resourceType":"MedicationStatement","status":"active",
            "medicationCodeableConcept":{"text":format!("Drug {i}")}})
    });
    let out = ex_with(meds, &rules);
    assert_eq!(out.keyword("@ptCpp.rx"), Some("Drug 0\nDrug 1"));
    assert_eq!(
        out.findings_with(FindingCode::ListTruncated)
            .next()
            .unwrap()
            .count,
        2
    );
}

#[test]
fn reader_input_past_the_entry_cap_is_an_error_naming_the_entry() {
    let rules = Rules::default().with_max_entry_bytes(1000);
    let big = "x".repeat(2000);
    let b = bundle([
        condition("A".into()),
        condition("B".into()),
        condition(big.clone()),
    ]);
    let e = extract_reader(&b[..], &rules).unwrap_err();
    assert_eq!(
        e.kind,
        ExtractErrorKind::TooLarge {
            entry: Some(2),
            limit: 1000
        }
    );
    assert!(e.line == 1 && e.column > 1, "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains("Bundle.entry[2]") && text.contains("1000"),
        "{text}"
    );
    assert!(!text.contains("xxx"));
    // Slice input is not limited.
    assert!(extract_with(&b, &rules).is_ok());
    // A top-level resource, and a top-level member of a Bundle.
    let patient = serde_json::to_vec(
        &json!({"resourceType":"Patient","gender":"female","name":[{"family":big}]}),
    )
    .unwrap();
    let e = extract_reader(&patient[..], &rules).unwrap_err();
    assert_eq!(
        e.kind,
        ExtractErrorKind::TooLarge {
            entry: None,
            limit: 1000
        }
    );
    let meta = serde_json::to_vec(
        &json!({"resourceType":"Bundle","meta":{"tag":[{"code":big}]},"entry":[]}),
    )
    .unwrap();
    assert!(matches!(
        extract_reader(&meta[..], &rules).unwrap_err().kind,
        ExtractErrorKind::TooLarge { entry: None, .. }
    ));
    // A top-level value that is not an object is not read past the cap either.
    let string = format!("\"{big}\"");
    assert!(matches!(
        extract_reader(string.as_bytes(), &rules).unwrap_err().kind,
        ExtractErrorKind::TooLarge { entry: None, .. }
    ));
    // Under the cap, the same top-level resource is read as it always was.
    let small = serde_json::to_vec(&json!({"resourceType":"Patient","gender":"female"})).unwrap();
    let out = extract_reader(&small[..], &rules).unwrap();
    assert_eq!(out.demographics.unwrap().gender.as_deref(), Some("female"));
}
