//! The checked-in JSON Schema of the extraction output.

/// `ocean-keywords/extraction.schema.json` matches [`ocean_keywords::json_schema`]. To update it:
/// `UPDATE_SCHEMA=1 cargo test -p ocean-keywords --test it schema`.
#[test]
fn schema_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("extraction.schema.json");
    let schema = serde_json::to_string_pretty(&ocean_keywords::json_schema()).unwrap() + "\n";
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &schema).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        on_disk, schema,
        "extraction.schema.json is stale: rerun with UPDATE_SCHEMA=1"
    );
}

/// The schema describes the output: the top-level members and every finding code are in it.
#[test]
fn schema_names_every_member_and_finding_code() {
    let schema = ocean_keywords::json_schema();
    let props = schema["properties"].as_object().unwrap();
    for member in ["keywords", "demographics", "attachments", "findings"] {
        assert!(props.contains_key(member), "{member}");
    }
    let text = schema.to_string();
    for code in ocean_keywords::FindingCode::ALL {
        assert!(
            text.contains(&format!("\"{}\"", code.as_str())),
            "{code} missing from the schema"
        );
    }
    // Serialized extractions use the names the schema gives.
    let out = ocean_keywords::extract(ocean_keywords::SAMPLE_BUNDLE.as_bytes()).unwrap();
    let value = serde_json::to_value(&out).unwrap();
    for key in value.as_object().unwrap().keys() {
        assert!(props.contains_key(key), "{key} not in the schema");
    }
}
