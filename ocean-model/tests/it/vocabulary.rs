//! Property tests of the shared vocabulary: instants, base64, plain text from HTML, OAuth
//! client authentication.

use ocean_model::{DateTimeError, Instant, InstantForm};
use proptest::prelude::*;
use time::{OffsetDateTime, UtcOffset};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 512,
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    }
}

/// Any time `time` can hold (its default range, years -9999..=9999), with any offset.
fn any_time() -> impl Strategy<Value = OffsetDateTime> {
    let min = time::PrimitiveDateTime::MIN.assume_utc().unix_timestamp();
    let max = time::PrimitiveDateTime::MAX.assume_utc().unix_timestamp();
    (min..=max, 0u32..1_000_000_000, -86_399i32..=86_399).prop_filter_map(
        "representable in the offset",
        |(secs, nanos, off)| {
            let utc = OffsetDateTime::from_unix_timestamp(secs).ok()?;
            let utc = utc.replace_nanosecond(nanos).ok()?;
            utc.checked_to_offset(UtcOffset::from_whole_seconds(off).ok()?)
        },
    )
}

proptest! {
    #![proptest_config(config())]

    /// Every written instant is strict FHIR `instant` text naming the same moment (to the
    /// second, or to the millisecond), and an error is only ever "out of range".
    #[test]
    fn instants_are_strict_fhir_and_the_same_moment(t in any_time()) {
        for (form, step) in [(InstantForm::UtcSeconds, 1_000_000_000i128), (InstantForm::OffsetMillis, 1_000_000)] {
            match Instant::from_offset_date_time(t, form) {
                Ok(i) => {
                    prop_assert!(i.parse().is_ok(), "{}", i.as_str());
                    let back = i.instant().unwrap();
                    let want = t.unix_timestamp_nanos().div_euclid(step) * step;
                    prop_assert_eq!(back.unix_timestamp_nanos(), want);
                    if form == InstantForm::UtcSeconds {
                        prop_assert!(i.as_str().ends_with('Z') && i.as_str().len() == 20);
                    }
                }
                Err(e) => {
                    prop_assert_eq!(e, DateTimeError::OutOfRange);
                    let utc_year = t.checked_to_offset(UtcOffset::UTC).map(|u| u.year());
                    prop_assert!(!(1..=9999).contains(&t.year()) || !utc_year.is_some_and(|y| (1..=9999).contains(&y)));
                }
            }
        }
    }
}
