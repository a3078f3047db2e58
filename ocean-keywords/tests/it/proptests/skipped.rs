//! Entries Ocean does not read are skipped by a scanner, not parsed: a single-byte corruption
//! inside one gives the same error kind from bytes, from a reader (whole and one byte at a time)
//! and from a full serde parse. (That the error's position is the one the serde path reports is
//! checked inside the crate, against that path.)

use crate::support::OneByte;
use ocean_keywords::{ExtractErrorKind, Rules, extract, extract_reader};
use proptest::prelude::*;
use serde_json::error::Category;

/// A Bundle with a read Observation, then a skipped Claim (strings, with escapes when `escapes`,
/// numbers, literals, nesting), then a Patient; returns the bytes and the Claim entry's span.
///
/// The Claim is written by hand with `resourceType` first, as FHIR servers write it: only then
/// is it skipped by the scanner (`serde_json::json!` sorts the members, and a resource whose
/// `resourceType` comes later is read the serde way). Without escapes it is skipped 64 bytes at a
/// time from start to end; with them, that scan hands it back to the byte-by-byte one where it
/// meets the first backslash.
fn bundle(pretty: bool, escapes: bool, note: &str) -> (Vec<u8>, std::ops::Range<usize>) {
    let note = serde_json::to_string(note).unwrap_or_default();
    let div = if escapes {
        r#""<div>a \"quoted\" \\ é</div>""#
    } else {
        r#""<div>a 'quoted' / é</div>""#
    };
    let text = format!(r#"{{"div": {div}}}"#);
    let members = [
        ("resourceType", r#""Claim""#),
        ("status", r#""active""#),
        ("note", note.as_str()),
        ("total", r#"{"value": 12.5, "currency": "CAD"}"#),
        (
            "item",
            r#"[{"sequence": 1, "net": {"value": -3}, "flag": true, "x": null, "y": false},
                [], {}, [0, 7e2]]"#,
        ),
        ("text", text.as_str()),
    ];
    let (nl, ind, colon) = if pretty {
        ("\n", "    ", ": ")
    } else {
        ("", "", ":")
    };
    let resource = members
        .iter()
        .map(|(k, v)| format!("{nl}{ind}{ind}\"{k}\"{colon}{v}"))
        .collect::<Vec<_>>()
        .join(",");
    let claim = format!(
        r#"{{{nl}{ind}"fullUrl"{colon}"urn:uuid:1",{nl}{ind}"resource"{colon}{{{resource}{nl}{ind}}},{nl}{ind}"request"{colon}{{"method": "POST", "url": "Claim"}}{nl}}}"#
    );
    assert!(claim.contains(&format!(
        "\"resource\"{colon}{{{nl}{ind}{ind}\"resourceType\""
    )));
    let obs = serde_json::json!({"resource": {"resourceType": "Observation", "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "8302-2"}]},
        "effectiveDateTime": "2024-03-01", "valueQuantity": {"value": 170, "unit": "cm"}}});
    let patient = serde_json::json!({"resource": {"resourceType": "Patient", "gender": "female"}});
    let ser = |v: &serde_json::Value| {
        if pretty {
            serde_json::to_vec_pretty(v).unwrap_or_default()
        } else {
            serde_json::to_vec(v).unwrap_or_default()
        }
    };
    let mut out =
        b"{\"resourceType\": \"Bundle\", \"type\": \"searchset\", \"entry\": [\n".to_vec();
    out.extend(ser(&obs));
    out.extend(b",\n");
    let start = out.len();
    out.extend(claim.as_bytes());
    let end = out.len();
    out.extend(b",\n");
    out.extend(ser(&patient));
    out.extend(b"\n]}\n");
    (out, start..end)
}

fn serde_kind(e: &serde_json::Error) -> ExtractErrorKind {
    match e.classify() {
        Category::Eof => ExtractErrorKind::Eof,
        Category::Io => ExtractErrorKind::Io,
        Category::Syntax => ExtractErrorKind::Syntax,
        Category::Data => ExtractErrorKind::NotAResource,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn corruption_in_a_skipped_entry(
        pretty in any::<bool>(),
        escapes in any::<bool>(),
        note in "[ -~]{0,12}",
        at in any::<proptest::sample::Index>(),
        byte in proptest::sample::select(b"\"\\{}[],: 0-e.tnfu\x01\x1fa/\n".to_vec()),
    ) {
        let (mut b, span) = bundle(pretty, escapes, &note);
        let i = span.start + at.index(span.len());
        b[i] = byte;
        let rules = Rules::default();
        let slice = extract(&b);
        let reader = extract_reader(&b[..], &rules);
        let one = extract_reader(OneByte(&b), &rules);
        let full = serde_json::from_slice::<serde_json::Value>(&b);
        match (&slice, &full) {
            (Ok(x), Ok(_)) => {
                prop_assert_eq!(x, reader.as_ref().unwrap());
                prop_assert_eq!(x, one.as_ref().unwrap());
            }
            (Err(x), Err(f)) => {
                // A byte cut out of a multi-byte character: not UTF-8, reported as such or as
                // the syntax error it caused, whichever comes first (serde_json's skip does not
                // look at UTF-8, so it is no reference there).
                if std::str::from_utf8(&b).is_ok() {
                    prop_assert_eq!(x.kind, serde_kind(f));
                } else {
                    prop_assert!(matches!(
                        x.kind,
                        ExtractErrorKind::InvalidUtf8 | ExtractErrorKind::Syntax | ExtractErrorKind::Eof
                    ));
                }
                prop_assert_eq!(x.kind, reader.as_ref().unwrap_err().kind);
                prop_assert_eq!(x.kind, one.as_ref().unwrap_err().kind);
            }
            _ => prop_assert!(false, "bytes {:?}, serde {:?}", slice.err(), full.err()),
        }
    }
}
