//! List keywords (`@ptCpp.*`) in general, and Conditions and Immunizations: order, dedupe,
//! whitespace, concept text, status codes.

use crate::support::{ex, has};
use ocean_keywords::FindingCode;
use serde_json::json;

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
