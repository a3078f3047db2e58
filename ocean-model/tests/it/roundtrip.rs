//! Every fixture parses as a `Resource` and round-trips JSON-equal, number text included.

use ocean_model::{Resource, json};

use crate::common::{assert_json_equal, json_files, resource_texts, shared_fixtures, workspace};

fn round_trip(name: &str, text: &str) -> Resource {
    let parsed: Resource = json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let out = json::to_string(&parsed).unwrap();
    assert_json_equal(text, &out, name);
    // Parsing the output again gives the same model.
    let again: Resource = json::from_str(&out).unwrap();
    assert_eq!(again, parsed, "{name}: model changed on second parse");
    parsed
}

#[test]
fn repo_testdata_round_trips() {
    let files = json_files(&workspace().join("testdata"));
    assert!(files.len() >= 8, "testdata went missing: {files:?}");
    // `testdata/match/candidates.json` is a JSON array of Patients: each one round-trips.
    for (name, text) in resource_texts(&files) {
        round_trip(&name, &text);
    }
}

/// All 41 public fixtures, when the shared folder is beside the repository (CI and developer
/// machines have it; a bare clone skips this test with a message).
#[test]
fn shared_fixtures_round_trip() {
    let Some(files) = shared_fixtures() else {
        return;
    };
    for (name, text) in resource_texts(&files) {
        round_trip(&name, &text);
    }
}
