//! One reading of member order (issue 18): the reader and the slice give the same result for any
//! order of the top-level members, including a `resourceType` that changes its mind after
//! `entry` and a second `entry`.

use super::bundles::{entries, write};
use crate::support::OneByte;
use ocean_keywords::{Rules, extract, extract_reader};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Top-level members as `"key":value` texts, in generated (not yet shuffled) order.
fn members() -> impl Strategy<Value = Vec<String>> {
    (
        entries(1),
        entries(1),
        prop::sample::subsequence(
            vec![
                r#""resourceType":"Bundle""#.to_owned(),
                r#""resourceType":"Patient""#.to_owned(),
                r#""resourceType":7"#.to_owned(),
                r#""type":"searchset""#.to_owned(),
                r#""id":"b1""#.to_owned(),
                r#""gender":"female""#.to_owned(),
                r#""meta":{"lastUpdated":"2024-01-01T00:00:00Z"}"#.to_owned(),
                r#""link":[{"relation":"self","url":"https://pos.example/fhir"}]"#.to_owned(),
            ],
            0..=8,
        ),
        0..3usize,
    )
        .prop_map(|(a, b, mut scalars, n_entry)| {
            let entry = |e: &[Value]| {
                let text = String::from_utf8(write(&json!(e))).unwrap();
                format!(r#""entry":{text}"#)
            };
            if n_entry >= 1 {
                scalars.push(entry(&a));
            }
            if n_entry >= 2 {
                scalars.push(entry(&b));
            }
            scalars
        })
        .prop_shuffle()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The slice result equals the reader result (whole and one byte at a time), whatever the
    /// order of the top-level members.
    #[test]
    fn member_order_reads_the_same_from_slice_and_reader(members in members()) {
        let text = format!("{{{}}}", members.join(","));
        let rules = Rules::default();
        let a = extract(text.as_bytes());
        let b = extract_reader(text.as_bytes(), &rules);
        let c = extract_reader(OneByte(text.as_bytes()), &rules);
        match (&a, &b, &c) {
            (Ok(a), Ok(b), Ok(c)) => {
                prop_assert_eq!(a, b);
                prop_assert_eq!(a, c);
            }
            (Err(a), Err(b), Err(c)) => {
                prop_assert_eq!(a.kind, b.kind);
                prop_assert_eq!(a.kind, c.kind);
            }
            _ => prop_assert!(false, "slice and reader disagree on success: {text}"),
        }
    }
}
