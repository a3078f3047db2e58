//! The fast path's fallbacks: resources whose `resourceType` is not first, or spelled with an
//! escape, names with escapes, nesting deeper than serde_json's limit inside what is skipped, and
//! numbers out of range where serde reads them; bytes and reader agree.

use crate::support::{check_extract_only, has};
use ocean_keywords::{ExtractErrorKind, FindingCode, Rules, extract, extract_reader};

fn both(b: &str) -> ocean_keywords::Extraction {
    check_extract_only(b.as_bytes(), b);
    extract(b.as_bytes()).unwrap()
}

const OBS: &str = r#""code":{"coding":[{"system":"http://loinc.org","code":"8302-2"}]},
    "effectiveDateTime":"2024-03-01","valueQuantity":{"value":170.0,"unit":"cm"}"#;

#[test]
fn resource_type_not_first_or_escaped() {
    for resource in [
        format!(r#"{{"status":"final",{OBS},"resourceType":"Observation"}}"#),
        format!(r#"{{"resourceType":"Obs\u0065rvation",{OBS}}}"#),
        format!(r#"{{"resource\u0054ype":"Observation",{OBS}}}"#),
        format!(r#"{{ "resourceType" : "Observation" , {OBS} }}"#),
    ] {
        let b = format!(r#"{{"resourceType":"Bundle","entry":[{{"resource":{resource}}}]}}"#);
        assert_eq!(
            both(&b).latest("ht"),
            Some(("170.0 cm", "2024-03-01")),
            "{b}"
        );
    }
}

#[test]
fn escaped_names_in_a_skipped_resource() {
    // A name with an escape is decoded by serde_json at the resource's level: an invalid one
    // (a lone surrogate) is refused there, as before.
    let ok =
        r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Claim","a\u0062":1}}]}"#;
    both(ok);
    let lone =
        r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Claim","\ud800":1}}]}"#;
    assert_eq!(
        extract(lone.as_bytes()).unwrap_err().kind,
        ExtractErrorKind::Syntax
    );
    check_extract_only(lone.as_bytes(), "lone surrogate");
}

#[test]
fn deep_nesting_inside_skipped_and_read_resources() {
    let deep = format!("{}1{}", "[".repeat(400), "]".repeat(400));
    let b = format!(
        r#"{{"resourceType":"Bundle","entry":[
          {{"resource":{{"resourceType":"Claim","x":{deep}}}}},
          {{"resource":{{"resourceType":"Observation",{OBS},"extension":{deep}}}}},
          {{"resource":{{"resourceType":"Condition","code":{{"text":"Asthma"}},"extension":{deep}}}}}]}}"#
    );
    let x = both(&b);
    assert_eq!(x.latest("ht"), Some(("170.0 cm", "2024-03-01")));
    // Too deep for the model: reported, not read (as before), and no error.
    assert_eq!(x.keyword("@ptCpp.prob"), None);
    assert!(has(&x, FindingCode::ResourceInvalid));
}

#[test]
fn numbers_out_of_range_only_where_serde_reads_them() {
    // Skipped: serde_json checks only the grammar there.
    both(
        r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Claim","n":1e999999}}]}"#,
    );
    // Read (the top-level resourceType): out of range is an error, in the same place.
    let b = r#"{"resourceType":1e999999,"entry":[]}"#;
    let e = extract(b.as_bytes()).unwrap_err();
    let r = extract_reader(b.as_bytes(), &Rules::default()).unwrap_err();
    assert_eq!((e.kind, e.line), (r.kind, 1));
}

#[test]
fn malformed_skipped_entries_are_errors_of_the_same_kind() {
    for (b, kind) in [
        (
            r#"{"entry":[{"resource":{"resourceType":"Claim","a":[1,]}}]}"#,
            ExtractErrorKind::Syntax,
        ),
        (
            r#"{"entry":[{"resource":{"resourceType":"Claim","a":"x"#,
            ExtractErrorKind::Eof,
        ),
        (
            "{\"entry\":[{\"resource\":{\"resourceType\":\"Claim\",\"a\":\"\u{1}\"}}]}",
            ExtractErrorKind::Syntax,
        ),
        (
            r#"{"entry":[{"resource":{"resourceType":"Claim","a":01}}]}"#,
            ExtractErrorKind::Syntax,
        ),
        (
            r#"{"entry":[{"resource":{"resourceType":"Claim","a":tru}}]}"#,
            ExtractErrorKind::Syntax,
        ),
        (
            r#"{"entry":[{"resource":{"resourceType":"Claim"}}]} x"#,
            ExtractErrorKind::Syntax,
        ),
    ] {
        assert_eq!(extract(b.as_bytes()).unwrap_err().kind, kind, "{b}");
        check_extract_only(b.as_bytes(), b);
    }
}

/// Every byte is checked to be UTF-8, in skipped entries too. serde_json's `IgnoredAny` pass, the
/// keywords bench's floor, does not check the strings it skips (serde_json checks only strings it
/// hands out), so it accepts this input; extraction refuses it, from bytes and from a reader, at
/// the invalid byte. This is why the bench also times the floor after a UTF-8 check.
#[test]
fn invalid_utf8_in_a_skipped_entry_is_refused_where_the_floor_accepts_it() {
    let b: &[u8] = b"{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Claim\",\"x\":\"\xff\"}}]}";
    assert!(serde_json::from_slice::<serde::de::IgnoredAny>(b).is_ok());
    let e = extract(b).unwrap_err();
    assert_eq!(e.kind, ExtractErrorKind::InvalidUtf8);
    assert_eq!((e.line, e.column), (1, 76), "the column of the 0xff byte");
    let r = extract_reader(b, &Rules::default()).unwrap_err();
    assert_eq!(r.kind, ExtractErrorKind::InvalidUtf8);
}
