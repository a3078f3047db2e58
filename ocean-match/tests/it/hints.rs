//! Search hints: what a POS queries its database by.

use super::*;
use crate::samples::sample_candidates;

#[test]
fn hints_put_health_numbers_first_without_repeats() {
    let referral = emilie()
        .with_health_number(hn(ON, "1234-567-890"))
        .with_health_number(hn(BC, "9876543210"))
        .with_health_number(jhn(None, "555"));
    let hints = Matcher::default().search_hints(&referral);
    assert_eq!(hints.len(), 3, "{hints:?}");
    assert!(
        matches!(&hints[0], SearchHint::HealthNumber { jurisdiction: Jurisdiction::Province(Province::ON), value } if value == "1234567890")
    );
    assert!(matches!(
        &hints[1],
        SearchHint::HealthNumber {
            jurisdiction: Jurisdiction::Province(Province::BC),
            ..
        }
    ));
    let SearchHint::BirthDate {
        birth_date,
        family_keys,
    } = &hints[2]
    else {
        panic!("{hints:?}")
    };
    assert_eq!(birth_date.as_str(), "1984-03-09");
    assert_eq!(family_keys, &["emilie", "roy", "tremblay", "tremblayroy"]);
}

#[test]
fn hints_skip_an_invalid_birth_date() {
    let referral = person("Lee", &["Ann"], "2001-02-30");
    assert!(Matcher::default().search_hints(&referral).is_empty());
}

#[test]
fn hints_admit_the_sample_matches_and_candidates() {
    let referral: Patient = json::from_str(SAMPLE_REFERRAL).unwrap();
    let referral = Demographics::from(&referral);
    let matcher = Matcher::default();
    let hints = matcher.search_hints(&referral);
    let candidates = sample_candidates();
    let found: Vec<&str> = candidates
        .iter()
        .filter(|c| {
            hints
                .iter()
                .any(|h| h.admits(&c.demographics, matcher.rules()))
        })
        .map(|c| c.id.as_str())
        .collect();
    // Everything but the ON number of the other twin (pos-1003 shares the birth date and
    // family name, so the birth-date hint finds it) and the DKTest chart.
    assert_eq!(
        found,
        [
            "pos-1001", "pos-1002", "pos-1003", "pos-1005", "pos-1006", "pos-1007"
        ]
    );
}

#[test]
fn name_parts_and_family_keys() {
    assert_eq!(
        name_parts("Jean-Marc  D'Amours"),
        ["jean", "marc", "d", "amours"]
    );
    assert_eq!(family_keys("D'Amours"), ["amours", "d", "damours"]);
    assert!(family_keys("").is_empty());
}
