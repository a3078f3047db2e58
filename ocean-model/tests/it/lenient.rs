//! Leniency that keeps the data (issue 12): a modelled element of the wrong JSON type is kept
//! verbatim, the rest parses, the round trip is JSON-equal, and `validate` reports exactly one
//! `fhir-json` issue at the element's path.
//!
//! Which members are modelled comes from the model itself: the strict reader (serde_json
//! straight into the types, as `json::from_*` reads first) fails with a data error exactly when
//! a modelled element has the wrong type, so it is the oracle for the lenient one.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ocean_model::{Resource, json, validate};
use proptest::prelude::*;
use serde_json::Value;

use crate::common::{assert_json_equal, json_files, shared_fixtures, workspace};

/// One step of a path into a JSON document.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every object member of `v` (not `resourceType`: changing it changes what the object is), as
/// paths, in document order.
fn members(v: &Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                path.push(Step::Key(k.clone()));
                if k != "resourceType" {
                    out.push(path.clone());
                }
                members(child, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(Step::Index(i));
                members(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'a>(v: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(v, |v, s| match s {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// A value of another JSON kind than `old` (`choice` picks among the other kinds).
fn other_kind(old: &Value, choice: usize) -> Value {
    let kinds = [
        serde_json::json!("wrong"),
        serde_json::json!(7.50),
        serde_json::json!(true),
        serde_json::json!({"wrong": 1.50}),
        serde_json::json!(["wrong"]),
    ];
    let same = |v: &Value| std::mem::discriminant(v) == std::mem::discriminant(old);
    let others: Vec<&Value> = kinds.iter().filter(|v| !same(v)).collect();
    others[choice % others.len()].clone()
}

/// The FHIR path of a member: root type, then `.key` and `[i]`.
fn fhir_path(root: &str, path: &[Step]) -> String {
    let mut out = root.to_owned();
    for s in path {
        match s {
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn issues_of(r: &Resource) -> Vec<validate::Issue> {
    match r {
        Resource::Bundle(b) => validate::validate_bundle(b),
        other => validate::validate(other),
    }
}

/// Whether the strict reader refuses `text` because of an element's type.
fn strict_refuses(text: &str) -> bool {
    match serde_json::from_str::<Resource>(text) {
        Ok(_) => false,
        Err(e) => e.classify() == serde_json::error::Category::Data,
    }
}

/// Mutates the member at `path` of `doc`; returns whether the strict reader refuses the result
/// (a modelled element now has the wrong type) after checking what the lenient one does.
fn check_mutation(doc: &Value, path: &[Step], choice: usize, what: &str) -> bool {
    let mut mutated = doc.clone();
    let slot = get_mut(&mut mutated, path);
    *slot = other_kind(slot, choice);
    let text = mutated.to_string();
    let modelled = strict_refuses(&text);
    let parsed: Resource =
        json::from_str(&text).unwrap_or_else(|e| panic!("{what}: lenient read failed: {e}"));
    let out = json::to_string(&parsed).unwrap();
    assert_json_equal(&text, &out, what);
    let again: Resource = json::from_str(&out).unwrap();
    assert_eq!(again, parsed, "{what}: model changed on a second parse");
    let found: Vec<String> = issues_of(&parsed)
        .into_iter()
        .filter(|i| i.rule == "fhir-json")
        .map(|i| i.path)
        .collect();
    let root = doc["resourceType"].as_str().unwrap();
    if modelled {
        assert_eq!(found, [fhir_path(root, path)], "{what}");
    } else {
        assert_eq!(
            found,
            Vec::<String>::new(),
            "{what}: not a modelled element"
        );
    }
    let entry_itself = matches!(path, [Step::Key(k)] if k == "entry");
    if let (Resource::Bundle(b), Some(entries), false) =
        (&parsed, doc["entry"].as_array(), entry_itself)
    {
        assert_eq!(b.entry.len(), entries.len(), "{what}: entries lost");
    }
    modelled
}

/// A fixture as JSON with its member paths (skips the JSON array of candidates).
struct Fixture {
    name: String,
    doc: Value,
    members: Vec<Vec<Step>>,
}

fn load(path: &Path) -> Option<Fixture> {
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    if !doc.is_object() {
        return None;
    }
    assert!(!strict_refuses(&doc.to_string()), "{}", path.display());
    let mut all = Vec::new();
    members(&doc, &mut Vec::new(), &mut all);
    Some(Fixture {
        name: path.display().to_string(),
        doc,
        members: all,
    })
}

fn public_fixtures() -> Vec<PathBuf> {
    let mut files = json_files(&workspace().join("testdata"));
    files.extend(shared_fixtures().unwrap_or_default());
    files
}

/// Every public fixture with a wrong-type mutation injected at a modelled element (the first
/// one from the middle of the document on): read, kept, reported once, round-tripped.
#[test]
fn every_public_fixture_keeps_a_wrong_typed_element() {
    let mut checked = 0;
    for path in public_fixtures() {
        let Some(f) = load(&path) else { continue };
        // From the middle of the document on, members with names the model types in most
        // resources first (big fixtures make each try costly); the strict reader confirms.
        let n = f.members.len();
        let parsed: Resource = json::from_str(&f.doc.to_string()).unwrap();
        let typed_entry = |i: usize| match &parsed {
            Resource::Bundle(b) => b.entry[i]
                .resource
                .as_ref()
                .is_some_and(|r| !matches!(r, Resource::Other(_))),
            _ => false,
        };
        let names = [
            "status",
            "code",
            "subject",
            "gender",
            "birthDate",
            "category",
            "id",
        ];
        let common = |p: &Vec<Step>| {
            let typed = match p.as_slice() {
                [_] => !matches!(parsed, Resource::Other(_)),
                [Step::Key(e), Step::Index(i), Step::Key(r), _] => {
                    e == "entry" && r == "resource" && typed_entry(*i)
                }
                _ => false,
            };
            typed && matches!(p.last(), Some(Step::Key(k)) if names.contains(&k.as_str()))
        };
        let order = (0..n)
            .map(|k| (n / 2 + k) % n)
            .filter(|&i| common(&f.members[i]))
            .chain((0..n).map(|k| (n / 2 + k) % n));
        let hit = order.take(200).find(|&i| {
            let mut mutated = f.doc.clone();
            let slot = get_mut(&mut mutated, &f.members[i]);
            *slot = other_kind(slot, i);
            strict_refuses(&mutated.to_string())
        });
        let Some(i) = hit else {
            panic!("{}: no modelled element found", f.name)
        };
        let what = format!("{} at {}", f.name, fhir_path("", &f.members[i]));
        assert!(check_mutation(&f.doc, &f.members[i], i, &what), "{what}");
        checked += 1;
    }
    assert!(checked >= 9, "{checked}");
}

/// The typical leftovers, each reported at its path.
#[test]
fn stu3_leftovers_and_shape_mistakes() {
    let cases = [
        (
            r#"{"resourceType":"Condition","clinicalStatus":"resolved","subject":{"reference":"Patient/1"}}"#,
            "Condition.clinicalStatus",
        ),
        (
            r#"{"resourceType":"Patient","name":[{"family":{"text":"x"}}]}"#,
            "Patient.name[0].family",
        ),
        (
            r#"{"resourceType":"Patient","birthDate":19700101}"#,
            "Patient.birthDate",
        ),
        (
            r#"{"resourceType":"Patient","name":{"family":"x"}}"#,
            "Patient.name",
        ),
        (
            r#"{"resourceType":"Patient","gender":["female"]}"#,
            "Patient.gender",
        ),
        (
            r#"{"resourceType":"Observation","status":"final","valueQuantity":"5 mg"}"#,
            "Observation.valueQuantity",
        ),
        (
            r#"{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Patient","id":"p"}},{"resource":{"resourceType":"Condition","contained":[{"resourceType":"Patient","active":"yes"}],"clinicalStatus":"active"}}]}"#,
            "Bundle.entry[1].resource.clinicalStatus",
        ),
    ];
    for (text, path) in cases {
        let r: Resource = json::from_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_json_equal(text, &json::to_string(&r).unwrap(), path);
        let found: Vec<_> = issues_of(&r)
            .into_iter()
            .filter(|i| i.rule == "fhir-json")
            .map(|i| i.path)
            .collect();
        assert!(found.contains(&path.to_owned()), "{path}: {found:?}");
    }
    // The contained resource's own wrong type is reported under it.
    let r: Resource = json::from_str(cases[6].0).unwrap();
    let found: Vec<_> = issues_of(&r)
        .into_iter()
        .filter(|i| i.rule == "fhir-json")
        .map(|i| i.path)
        .collect();
    assert_eq!(
        found,
        [
            "Bundle.entry[1].resource.clinicalStatus",
            "Bundle.entry[1].resource.contained[0].active"
        ]
    );
    // Not JSON, or not a resource, still fails.
    assert!(json::from_str::<Resource>(r#"{"resourceType":"Patient","#).is_err());
    assert!(json::from_str::<Resource>(r#"{"gender":"female"}"#).is_err());
    assert!(json::from_str::<Resource>(r#"["x"]"#).is_err());
}

fn small_fixtures() -> &'static [Fixture] {
    static F: OnceLock<Vec<Fixture>> = OnceLock::new();
    F.get_or_init(|| {
        json_files(&workspace().join("testdata"))
            .iter()
            .filter(|p| std::fs::metadata(p).unwrap().len() < 100_000)
            .filter_map(|p| load(p))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    })]

    /// Any member of any fixture, given another JSON kind: when it is a modelled element (the
    /// strict reader refuses), exactly one `fhir-json` issue at its path; otherwise none; the
    /// round trip is JSON-equal either way.
    #[test]
    fn wrong_types_at_any_modelled_path(
        file in any::<prop::sample::Index>(),
        member in any::<prop::sample::Index>(),
        choice in 0usize..4,
    ) {
        let f = file.get(small_fixtures());
        let path = member.get(&f.members);
        let what = format!("{} at {}", f.name, fhir_path("", path));
        check_mutation(&f.doc, path, choice, &what);
    }
}

/// The strict entry point still refuses, naming the element.
#[test]
fn strict_reading_refuses_wrong_types() {
    let text = br#"{"resourceType":"Patient","gender":5}"#;
    let e = json::from_slice_strict::<Resource>(text).unwrap_err();
    assert_eq!(e.path.as_deref(), Some("Resource.gender"));
    assert!(json::from_slice::<Resource>(text).is_ok());
}

/// A member given twice, first wrong-typed then well-typed (the last one wins): the wrong-typed
/// value is no longer kept, so its path is not listed either, and a round trip lists the same
/// paths (fuzz crash of `parse_bundle`, a Synthea Bundle with an entry's `request` given as a
/// string and then as an object). Wrong-typed twice: listed once; well-typed then wrong-typed:
/// listed.
#[test]
fn duplicate_members_and_wrong_type_paths() {
    let wrong_types = |text: &str| -> Vec<String> {
        let b: ocean_model::Bundle = json::from_str(text).unwrap();
        let again: ocean_model::Bundle = json::from_str(&json::to_string(&b).unwrap()).unwrap();
        let first: Vec<String> = b.unknown.wrong_types().map(str::to_owned).collect();
        let second: Vec<String> = again.unknown.wrong_types().map(str::to_owned).collect();
        assert_eq!(first, second, "{text}");
        first
    };
    let req = r#"{"method":"POST","url":"Patient"}"#;
    let wrong_then_right =
        format!(r#"{{"resourceType":"Bundle","entry":[{{"request":"x","request":{req}}}]}}"#);
    assert!(wrong_types(&wrong_then_right).is_empty());
    let wrong_twice = r#"{"resourceType":"Bundle","entry":[{"request":"x","request":7}]}"#;
    assert_eq!(wrong_types(wrong_twice), ["entry[0].request"]);
    let right_then_wrong =
        format!(r#"{{"resourceType":"Bundle","entry":[{{"request":{req},"request":"x"}}]}}"#);
    assert_eq!(wrong_types(&right_then_wrong), ["entry[0].request"]);
}
