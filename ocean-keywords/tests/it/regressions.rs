//! Replays the inputs under `ocean-keywords/tests/fuzz-regressions/` (fuzz crashes and other
//! hostile inputs) through `extract`, `extract_reader` and `prune`, with the fuzz target's
//! invariants.

use crate::support::{check_extract_only, check_invariants};

#[test]
fn fuzz_regressions_replay() {
    replay_dir("tests/fuzz-regressions");
}

fn replay_dir(dir: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "md"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no regression inputs in {}",
        dir.display()
    );
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        check_invariants(&bytes, &f.display().to_string());
    }
}

/// Inputs written here rather than as files: deep nesting, huge numbers, odd top-level shapes.
#[test]
fn hostile_inputs() {
    let deep_array = format!(
        r#"{{"resourceType":"Bundle","entry":[{{"resource":{{"resourceType":"Observation","code":{}1{}}}}}]}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let deep_object = format!(
        r#"{{"resourceType":"Patient","extension":{}null{}}}"#,
        r#"{"a":"#.repeat(3000),
        "}".repeat(3000)
    );
    let inputs: Vec<Vec<u8>> = vec![
        deep_array.into_bytes(),
        deep_object.into_bytes(),
        br#"{"resourceType":"Patient","entry":[{"resource":{"resourceType":"Patient"}}]}"#.to_vec(),
        br#"{"resourceType":"Bundle","entry":[],"entry":[{"resource":{"resourceType":"Condition","code":{"text":"A"}}}]}"#.to_vec(),
        br#"{"resourceType":"Bundle","resourceType":"Patient","gender":"male"}"#.to_vec(),
        br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation","code":{"coding":[{"code":"8302-2"}]},"effectiveDateTime":"2020","valueQuantity":{"value":1e400}}}]}"#.to_vec(),
        br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation","code":{"coding":[{"code":"8302-2"}]},"effectiveDateTime":"9999-12-31T23:59:59-14:00","valueInteger":99999999999999999999999}}]}"#.to_vec(),
        br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation","code":{"coding":[{"code":"8302-2"}]},"effectiveDateTime":"0000-01-01T00:00:00+14:00","valueString":"x"}}]}"#.to_vec(),
        br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"DocumentReference","status":"current","content":[{"attachment":{"contentType":"application/pdf","data":"====","size":-1}}]}}]}"#.to_vec(),
        br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"AllergyIntolerance","text":{"div":"<div>&#x110000; &#55296; &#99999999999999999999; <!-- <<<< &"}}}]}"#.to_vec(),
        "{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Condition\",\"code\":{\"text\":\"\u{2028}\u{200b}\u{feff}\"}}}]}".as_bytes().to_vec(),
        b"\xEF\xBB\xBF\xEF\xBB\xBF{}".to_vec(),
        b"\xEF\xBB".to_vec(),
        // Lone surrogate escapes.
        br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Condition","code":{"text":"\ud800"}}}]}"#.to_vec(),
        br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Encounter","x":"\udc00\ud800"}}]}"#.to_vec(),
    ];
    for (i, input) in inputs.iter().enumerate() {
        check_invariants(input, &format!("hostile input {i}"));
    }
}

/// A non-Bundle resource whose `entry` member comes before `resourceType` is read as a Bundle
/// (its entries are extracted), but the same object with `resourceType` first is read as the
/// resource itself. JSON member order should not matter; here it also breaks the pruning
/// invariant, because `prune` writes `resourceType` first.
#[test]
fn member_order_of_a_non_bundle_with_entry() {
    let late = br#"{"entry":[{"resource":{"resourceType":"Patient","gender":"male"}}],"resourceType":"Patient"}"#;
    let early = br#"{"resourceType":"Patient","entry":[{"resource":{"resourceType":"Patient","gender":"male"}}]}"#;
    let a = ocean_keywords::extract(late).unwrap();
    let b = ocean_keywords::extract(early).unwrap();
    assert_eq!(a.values(), b.values(), "member order changed the result");
    check_invariants(late, "entry before resourceType");
}

/// Invalid UTF-8 in members extraction skips, reads, or in `fullUrl`.
fn invalid_utf8_inputs() -> Vec<Vec<u8>> {
    vec![
        b"{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Encounter\",\"x\":\"\xff\"}}]}".to_vec(),
        b"{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Observation\",\"note\":\"\xc3\x28\"}}]}".to_vec(),
        b"{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Observation\",\"valueString\":\"\xed\xa0\x80\"}}]}".to_vec(),
        b"{\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{\"resourceType\":\"Patient\",\"gender\":\"\xff\"}}]}".to_vec(),
        b"{\"resourceType\":\"Bundle\",\"entry\":[{\"fullUrl\":\"\xff\",\"resource\":{\"resourceType\":\"Patient\"}}]}".to_vec(),
    ]
}

/// Invalid UTF-8: no panic, and the reader agrees with the slice.
#[test]
fn invalid_utf8_is_handled_consistently_by_extract() {
    for (i, input) in invalid_utf8_inputs().iter().enumerate() {
        check_extract_only(input, &format!("invalid UTF-8 input {i}"));
    }
}

/// Invalid UTF-8: pruning agrees with extraction (both accept or both refuse).
#[test]
fn invalid_utf8_prune_agrees_with_extract() {
    for (i, input) in invalid_utf8_inputs().iter().enumerate() {
        check_invariants(input, &format!("invalid UTF-8 input {i}"));
    }
}
