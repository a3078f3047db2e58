//! Patient data never appears in reasons, outcomes, errors or `Debug`.

use super::*;

#[test]
fn no_patient_data_in_display_debug_or_json() {
    const SENTINELS: &[&str] = &[
        "zqxjkv", "wuvyqp", "7777", "666555", "1911", "11-11", "female",
    ];
    let referral = person("Zqxjkv-Plumb", &["Wuvyqp"], "1911-11-11")
        .with_gender(Gender::Female)
        .with_health_number(hn(ON, "7777 666 555").with_version_code("QQ"));
    let same = referral.clone();
    let swapped = person("Wuvyqp", &["Zqxjkv Plumb"], "1911-11-11");
    let typo =
        person("Zqxjkv-Plumb", &["Wuvyqp"], "1911-11-12").with_health_number(hn(ON, "7777666555"));
    let other =
        person("Zqxjkv", &["Wuvyqp"], "1911-11-11").with_health_number(hn(ON, "7777666554"));
    let sets: Vec<Vec<Candidate>> = vec![
        vec![
            cand("c1", same.clone()),
            cand("c2", swapped.clone()),
            cand("c3", other.clone()),
        ],
        vec![cand("c1", same.clone()), cand("c2", same.clone())],
        vec![cand("c1", typo.clone()), cand("c2", swapped.clone())],
        vec![cand("c3", other.clone())],
    ];
    let matcher = Matcher::default();
    let mut texts = Vec::new();
    for set in &sets {
        let o = matcher.match_patient(&referral, set);
        texts.push(o.to_string());
        texts.push(format!("{o:?}"));
        texts.push(format!("{o:#?}"));
        texts.push(serde_json::to_string(&o).unwrap());
        for a in o.assessments() {
            texts.push(format!("{a:?}"));
            for r in &a.reasons {
                texts.push(format!("{r} {r:?}"));
            }
        }
        for c in set {
            texts.push(format!("{c:?} {:?}", c.demographics.names));
        }
    }
    for h in matcher.search_hints(&referral) {
        texts.push(format!("{h:?}"));
    }
    texts.push(format!("{referral:?} {referral:#?}"));
    let codes: Vec<String> = Reason::ALL.iter().map(|r| format!("{r} {r:?}")).collect();
    texts.extend(codes);
    // The texts do carry the ids and reasons (the check below is not vacuous).
    assert!(texts.iter().any(|t| t.contains("c1")));
    assert!(texts.iter().any(|t| t.contains("health_number.agree")));
    for t in &texts {
        let lower = t.to_lowercase();
        for s in SENTINELS {
            assert!(!lower.contains(s), "patient data {s:?} in {t}");
        }
    }
}
