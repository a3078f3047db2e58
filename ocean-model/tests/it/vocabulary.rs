//! Property tests of the shared vocabulary: instants, base64, plain text from HTML, OAuth
//! client authentication.

use ocean_model::oauth::BasicCredentials;
use ocean_model::{Base64Binary, DateTimeError, Instant, InstantForm, percent, text};
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

proptest! {
    #![proptest_config(config())]

    /// Encoding then reading gives the bytes back, and the length agrees with the decode.
    #[test]
    fn base64_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..10_000)) {
        let b = Base64Binary::encode(&bytes);
        prop_assert_eq!(b.decoded_len(), Some(bytes.len()));
        prop_assert_eq!(b.decode(), Some(bytes));
    }

    /// On any text made of base64 symbols, padding and white space, the streaming length and
    /// the full decode agree on validity and size.
    #[test]
    fn base64_len_agrees_with_decode(text in "[A-Za-z0-9+/= \n]{0,64}") {
        let b = Base64Binary::new(text);
        prop_assert_eq!(b.decoded_len(), b.decode().map(|v| v.len()));
    }

    /// Percent- and form-encoding round-trip any text, and write only unreserved characters,
    /// `%XX` and (form) `+`.
    #[test]
    fn percent_round_trips(text in any::<String>()) {
        let e = percent::encode(&text);
        prop_assert!(e.bytes().all(|b| percent::is_unreserved(b) || b == b'%'));
        prop_assert_eq!(percent::decode(&e).unwrap(), text.clone());
        let f = percent::encode_form(&text);
        prop_assert!(!f.contains(' '));
        prop_assert_eq!(percent::decode_form(&f).unwrap(), text);
    }

    /// Decoding never panics, and succeeds exactly when every `%` starts an escape and the
    /// bytes are UTF-8.
    #[test]
    fn percent_decode_never_panics(text in "[a-z%0-9A-F+\u{e9}]{0,16}") {
        let _ = percent::decode(&text);
        let _ = percent::decode_form(&text);
    }

    /// Any client id and secret survive the Basic header, whose value is plain ASCII.
    #[test]
    fn basic_credentials_round_trip(id in any::<String>(), secret in any::<String>()) {
        let c = BasicCredentials::new(id.clone(), secret.clone());
        let h = c.authorization();
        prop_assert!(h.is_ascii() && h.starts_with("Basic "));
        let back = BasicCredentials::from_authorization(&h).unwrap();
        prop_assert_eq!(back.into_parts(), (id, secret));
    }
}

/// HTML built from tags, comments, references and text without `<`, `&` or `;`.
fn html() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => "[a-zA-Z0-9 .,:\n\t\u{a0}\u{e9}-]{0,8}",
        3 => prop::sample::select(vec![
            "<p>", "</p>", "<br/>", "<BR>", "<b>", "</b>", "<div class=\"a>b\">", "</div>",
            "<ul>", "<li>", "</li>", "</ul>", "<td>", "<tr>", "<!-- c > d -->", "<h:p>", "</h:p>",
            "<script>if (a<b) {}</script>", "<style>p{}</style>", "<img src='x'/>", "<span>",
            "<?xml version='1.0'?>", "<!DOCTYPE html>", "<table>", "<th scope=\"col\">",
        ]).prop_map(str::to_owned),
        2 => prop::sample::select(vec![
            "&nbsp;", "&eacute;", "&#233;", "&#x2014;", "&rarr;", "&unknown;", "&#0;", "&frac12;",
            "&#10;", "&NotEqualTilde;",
        ]).prop_map(str::to_owned),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

/// Whether a `<` at byte `i` of `s` would open a tag (the rule of `ocean_model::text`).
fn opens_tag(s: &str, i: usize) -> bool {
    let mut rest = s[i + 1..].chars();
    match rest.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '!' || c == '?' => true,
        Some('/') => rest.next().is_some_and(|c| c.is_ascii_alphabetic()),
        _ => false,
    }
}

fn lines_are_normal(t: &str) -> bool {
    t.is_empty()
        || t.split('\n').all(|l| {
            !l.is_empty()
                && l.trim() == l
                && !l.contains("  ")
                && !l.chars().any(|c| c.is_whitespace() && c != ' ')
        })
}

proptest! {
    #![proptest_config(config())]

    /// On generated HTML: idempotent, no `<` left, lines normalised, and the one-line form is
    /// the lines joined by spaces.
    #[test]
    fn text_from_html(h in html()) {
        let t = text::plain_text(&h);
        prop_assert_eq!(text::plain_text(&t), t.clone());
        prop_assert!(!t.contains('<'), "{:?}", t);
        prop_assert!(lines_are_normal(&t), "{:?}", t);
        prop_assert_eq!(text::one_line(&h), t.replace('\n', " "));
        prop_assert_eq!(text::one_line(&text::one_line(&h)), text::one_line(&h));
    }

    /// On any text without references or CDATA: idempotent, and no `<` in the result opens a
    /// tag.
    #[test]
    fn text_never_leaves_a_tag(s in "([<>/!?a-zA-Z =\"'\n-]|<!--|-->|<b>|</p>|<script>|</script>){0,40}") {
        let t = text::plain_text(&s);
        for (i, _) in t.match_indices('<') {
            prop_assert!(!opens_tag(&t, i), "{:?} -> {:?}", s, t);
        }
        prop_assert_eq!(text::plain_text(&t), t.clone());
        prop_assert!(lines_are_normal(&t));
    }

    /// Never panics, on anything; the result's lines are normalised.
    #[test]
    fn text_never_panics(s in any::<String>(), h in "[<>/!?&#;xX0-9a-zA-Z\"' \n-]{0,64}") {
        for input in [s.as_str(), h.as_str()] {
            let t = text::plain_text(input);
            prop_assert!(lines_are_normal(&t));
            let _ = text::one_line(input);
        }
    }
}
