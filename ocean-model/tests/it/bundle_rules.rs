//! The R4 Bundle invariants and the JSON shape rule of `validate` (issue 12 point 5).

use ocean_model::{Bundle, Resource, json, validate};

use crate::common::{json_files, workspace};

const NEW_RULES: &[&str] = &[
    "document-composition-first",
    "bundle-total",
    "fullurl-unique",
    "fullurl-id",
    "json-empty",
];

fn rules_of(text: &str) -> Vec<(&'static str, String)> {
    let r: Resource = json::from_str(text).unwrap();
    let issues = match &r {
        Resource::Bundle(b) => validate::validate_bundle(b),
        other => validate::validate(other),
    };
    issues.into_iter().map(|i| (i.rule, i.path)).collect()
}

#[test]
fn each_rule_fires_where_it_should() {
    let doc = r#"{"resourceType":"Bundle","type":"document","total":2,"entry":[
      {"fullUrl":"http://x/Patient/1","resource":{"resourceType":"Patient","id":"2","name":[]}},
      {"fullUrl":"http://x/Patient/1","resource":{"resourceType":"Composition","meta":{}}}]}"#;
    let found = rules_of(doc);
    for want in [
        ("document-composition-first", "Bundle.entry[0].resource"),
        ("bundle-total", "Bundle.total"),
        ("fullurl-unique", "Bundle.entry[1].fullUrl"),
        ("fullurl-id", "Bundle.entry[0].fullUrl"),
        ("fullurl-id", "Bundle.entry[1].fullUrl"),
        ("json-empty", "Bundle.entry[0].resource.name"),
        ("json-empty", "Bundle.entry[1].resource.meta"),
    ] {
        assert!(
            found.contains(&(want.0, want.1.to_owned())),
            "{want:?} in {found:?}"
        );
    }
    // A well-formed document, a searchset with total, a history with repeated fullUrls, and
    // null items lining up primitive extensions: none of these rules.
    for ok in [
        r#"{"resourceType":"Bundle","type":"document","entry":[{"fullUrl":"urn:uuid:0b1b4b2e-6f0a-4c3e-9a51-2d7f3c1e8a90","resource":{"resourceType":"Composition","id":"c"}}]}"#,
        r#"{"resourceType":"Bundle","type":"searchset","total":1,"entry":[{"fullUrl":"http://x/Patient/1","resource":{"resourceType":"Patient","id":"1"}}]}"#,
        r#"{"resourceType":"Bundle","type":"history","entry":[{"fullUrl":"http://x/Patient/1","resource":{"resourceType":"Patient","id":"1"}},{"fullUrl":"http://x/Patient/1","resource":{"resourceType":"Patient","id":"1"}}]}"#,
        r#"{"resourceType":"Patient","name":[{"given":["Jo",null],"_given":[null,{"extension":[{"url":"x","valueString":"y"}]}]}]}"#,
    ] {
        let found = rules_of(ok);
        assert!(
            !found.iter().any(|(r, _)| NEW_RULES.contains(r)),
            "{ok}: {found:?}"
        );
    }
    // Input text in a member name is never shown in a path.
    let found = rules_of(r#"{"resourceType":"Patient","Jane Doe":[]}"#);
    assert!(
        found.contains(&("json-empty", "Patient.?".to_owned())),
        "{found:?}"
    );
    assert!(!format!("{found:?}").contains("Jane"));
}

/// What the new rules say about the repository's fixtures (a record, and a check that the real
/// Ocean messages trip none of them).
#[test]
fn fixtures_under_the_new_rules() {
    let mut lines = Vec::new();
    for f in json_files(&workspace().join("testdata")) {
        let text = std::fs::read_to_string(&f).unwrap();
        if text.trim_start().starts_with('[') {
            continue;
        }
        let name = f.strip_prefix(workspace()).unwrap().display().to_string();
        let hits: Vec<_> = rules_of(&text)
            .into_iter()
            .filter(|(r, _)| NEW_RULES.contains(r))
            .collect();
        if name.contains("ocean/") {
            assert_eq!(hits, [], "{name}");
        }
        lines.push(format!("{name}: {hits:?}"));
    }
    eprintln!("{}", lines.join("\n"));
    let _ = Bundle::default;
}
