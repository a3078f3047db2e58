//! The worksheet: snapshots of the rendered table, the schema, and bad configurations.

use ocean_status::worksheet::{SAMPLE_CONFIG, Worksheet, WorksheetConfig};
use ocean_status::{ConfigError, StatusMapping};

#[test]
fn markdown_snapshot() {
    let sheet = Worksheet::from_json(SAMPLE_CONFIG).unwrap();
    insta::assert_snapshot!("worksheet_markdown", sheet.to_markdown());
}

#[test]
fn csv_snapshot() {
    let sheet = Worksheet::from_json(SAMPLE_CONFIG).unwrap();
    insta::assert_snapshot!("worksheet_csv", sheet.to_csv());
}

#[test]
fn mapping_snapshot() {
    insta::assert_snapshot!(
        "mapping",
        serde_json::to_string_pretty(&StatusMapping).unwrap()
    );
}

/// The checked-in JSON Schema matches the configuration type. To update it:
/// `UPDATE_SCHEMA=1 cargo test -p ocean-status --test it schema`.
#[test]
fn schema_is_up_to_date() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("worksheet-config.schema.json");
    let schema = serde_json::to_string_pretty(&WorksheetConfig::json_schema()).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &schema).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        on_disk, schema,
        "worksheet-config.schema.json is stale: rerun with UPDATE_SCHEMA=1"
    );
}

/// Bad configurations give errors naming the key (when it is one of ours), never a panic, and
/// never repeat a value or a member name from the file.
#[test]
fn bad_configurations_name_the_key() {
    let cases: &[(&str, &str)] = &[
        (r#"{"statuses": 5}"#, "statuses: wrong JSON type or value"),
        (
            r#"{"statuses": {"accepted": {"posFolder": 1, "configurable": true}}}"#,
            "statuses.accepted.posFolder: wrong JSON type or value (expected a string)",
        ),
        (
            r#"{"statuses": {"accepted": {"posFolder": "x"}}}"#,
            "statuses.accepted: missing member `configurable`",
        ),
        (
            r#"{"statuses": {"accepted": {"posFolder": "x", "configurable": true, "colour": 1}}}"#,
            "statuses.accepted.?: unknown member",
        ),
        (
            r#"{"statuses": {"entered-in-error": {"posFolder": "x", "configurable": true}}}"#,
            "statuses.entered-in-error: Ocean does not accept",
        ),
        (
            r#"{"statuses": {"Accepted": {"posFolder": "x", "configurable": true}}}"#,
            "statuses.Accepted: not a FHIR Task status",
        ),
        (r#"{"folders": {}}"#, "(root): missing member `statuses`"),
        ("", "the JSON text ends too early"),
        (
            "{\"statuses\": {\"accepted\": ",
            "the JSON text ends too early",
        ),
    ];
    for (json, expected) in cases {
        let err = Worksheet::from_json(json).unwrap_err();
        assert!(err.to_string().contains(expected), "{json}: {err}");
    }
    for json in [
        r#"{"statuses": {"accepted": {"posFolder": "x", "configurable": "SENTINEL-1"}}}"#,
        r#"{"statuses": {"accepted": {"posFolder": "x", "configurable": true, "SENTINEL-1": 1}}}"#,
        r#"{"SENTINEL-1": {}, "statuses": {}}"#,
        r#"{"folders": {"SENTINEL-1": {"posFolder": 7}}, "statuses": {}}"#,
        r#"{"statuses": {"accepted": {"posFolder": ["SENTINEL-1"], "configurable": true}}}"#,
    ] {
        let err = Worksheet::from_json(json).unwrap_err();
        assert!(!err.to_string().contains("SENTINEL"), "{json}: {err}");
    }
    let err = Worksheet::from_json(r#"{"statuses": {}}"#).unwrap_err();
    assert!(
        err.0
            .iter()
            .all(|e| matches!(e, ConfigError::MissingStatus(_)))
    );
    assert!(err.to_string().contains("statuses.in-progress: missing"));
}

mod never_panics {
    use ocean_status::worksheet::{SAMPLE_CONFIG, Worksheet};
    use proptest::prelude::*;

    proptest! {
        /// Arbitrary text, and the sample with bytes cut or replaced, gives Ok or errors, never
        /// a panic; every error names a key or a position.
        #[test]
        fn arbitrary_input(text in ".{0,200}") {
            if let Err(e) = Worksheet::from_json(&text) {
                prop_assert!(!e.0.is_empty());
            }
        }

        #[test]
        fn damaged_sample(cut in 0usize..SAMPLE_CONFIG.len(), junk in "[\\[\\]{}\",:a-z0-9 ]{0,8}") {
            let mut text = SAMPLE_CONFIG.to_owned();
            let cut = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            text.replace_range(cut..(cut + junk.len()).min(text.len()), &junk);
            if let Err(e) = Worksheet::from_json(&text) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }
}
