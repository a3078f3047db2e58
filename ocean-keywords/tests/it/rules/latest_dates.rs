//! Latest values, which Observation wins: ignored statuses, the date fallbacks and their parsing,
//! instants compared across offsets and precisions, ties.

use crate::support::{ex, has, loinc, obs_q};
use ocean_keywords::FindingCode;
use serde_json::{Value, json};

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
