//! The direct reading (the reader written for the model, tried first by `json::from_str` and
//! `json::from_slice`) against the serde reading, which is the reference: wherever the direct
//! reading gives a model, serde_json's strict reading of the same text must succeed and give an
//! equal model, with the same unknown members kept byte for byte; wherever the input is not the
//! common case (not JSON, `null`, `[]`, a wrong JSON type, too deep, ...) the direct reading must
//! give up, so that the serde reading decides.

use ocean_model::json::FhirJson;
use ocean_model::{Bundle, Observation, Patient, Resource, json};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::common::{json_files, resource_texts, shared_fixtures, workspace};

/// Checks the property for one text: `true` when the direct reading applied (and agreed),
/// `false` when it gave up; a disagreement panics with the text's name.
fn agrees<T>(text: &str, name: &str) -> bool
where
    T: FhirJson + PartialEq + std::fmt::Debug,
{
    let Some(direct) = T::read_direct(text) else {
        return false;
    };
    let serde: T = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => panic!("{name}: the direct reading accepted what serde_json refuses: {e}"),
    };
    assert_eq!(direct, serde, "{name}: the readings differ");
    // And both write the same JSON (member order, number text).
    assert_eq!(
        json::to_string(&direct).unwrap(),
        json::to_string(&serde).unwrap(),
        "{name}: the readings write different JSON"
    );
    true
}

#[test]
fn every_fixture_takes_the_direct_reading_and_agrees() {
    let files = json_files(&workspace().join("testdata"));
    assert!(files.len() >= 10, "fixtures missing");
    all_take_the_direct_reading(&files);
}

/// Every resource of these files (well-typed FHIR JSON: the common case) takes the direct
/// reading and agrees with the serde reading.
fn all_take_the_direct_reading(files: &[std::path::PathBuf]) {
    for (name, text) in resource_texts(files) {
        assert!(
            agrees::<Resource>(&text, &name),
            "{name}: the direct reading gave up"
        );
    }
}

/// The 41 public fixtures, when the shared folder is beside the repository (as in
/// `roundtrip.rs`; a bare clone skips this test with a message): each takes the direct reading
/// and agrees.
#[test]
fn shared_fixtures_take_the_direct_reading_and_agree() {
    if let Some(files) = shared_fixtures() {
        all_take_the_direct_reading(&files);
    }
}

/// Shapes the direct reading reads itself, each checked against the serde reading.
#[test]
fn edge_shapes_agree() {
    let cases = [
        // Escapes in strings and in member names.
        r#"{"resourceType":"Patient","id":"a\"b","name":[{"text":"Z\u00fcrich \ud83d\ude00\n"}],"gend\u0065r":"male"}"#,
        r#"{"resourceType":"Pat\u0069ent","id":"x"}"#,
        // A member given twice: the last one wins; a second value[x] is kept verbatim.
        r#"{"resourceType":"Observation","status":"final","status":"amended","valueString":"a","valueBoolean":true}"#,
        r#"{"resourceType":"Observation","code":{"text":"a"},"code":{"coding":[{"code":"1"}]},"note":[{"text":"1"}],"note":[{"text":"2"},{"text":"3"}]}"#,
        // Unknown members of every JSON type, `_primitive` extensions, `null` among them.
        r#"{"resourceType":"Patient","x":null,"y":[1,-0.0,1E-7,true,{"z":[[]]}],"_birthDate":{"id":"b"},"birthDate":"1970"}"#,
        // Numbers kept as written; integers at their limits.
        r#"{"resourceType":"Observation","valueQuantity":{"value":-1.50E+3},"component":[{"valueInteger":-9223372036854775808},{"valueInteger":9223372036854775807},{"valueQuantity":{"value":0}}]}"#,
        // Whitespace everywhere JSON allows it.
        " \t\r\n{ \"resourceType\" : \"Patient\" , \"active\" : false , \"name\" : [ { \"given\" : [ \"A\" , \"B\" ] } ] } \n",
        // Unknown resource types, contained resources, `resourceType` again later in the object.
        r#"{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Encounter","id":"e","x":{"y":[1]}}},{"resource":{"resourceType":"Patient","contained":[{"resourceType":"Claim"}],"resourceType":"Patient"}}]}"#,
        // `resourceType` after other members (Inferno writes Bundles so), in modelled and
        // unknown types, and given twice.
        r#"{"id":"a","meta":{"versionId":"1"},"resourceType":"Patient","active":true}"#,
        r#"{"type":"searchset","resourceType":"Bundle","entry":[{"resource":{"x":1,"resourceType":"Encounter","resourceType":"Encounter","y":2}}]}"#,
        // The type and member names of a modelled backbone read as unknown members.
        r#"{"resourceType":"Patient","contact":[{"resourceType":"x","unknown":{}}]}"#,
    ];
    for (i, text) in cases.iter().enumerate() {
        assert!(
            agrees::<Resource>(text, &format!("case {i}")),
            "case {i}: the direct reading gave up"
        );
    }
}

/// Input the direct reading must leave to the serde reading (which keeps, reports or refuses it).
#[test]
fn uncommon_input_is_left_to_the_serde_reading() {
    let cases = [
        // Not JSON.
        r#"{"resourceType":"Patient","active":true,}"#,
        r#"{"resourceType":"Patient","active":tru}"#,
        r#"{"resourceType":"Patient","id":"a" "b"}"#,
        r#"{"resourceType":"Patient","x":01}"#,
        r#"{"resourceType":"Patient","x":[1,]}"#,
        "{\"resourceType\":\"Patient\",\"id\":\"a\u{1}b\"}",
        r#"{"resourceType":"Patient","id":"\ud800"}"#,
        r#"{"resourceType":"Patient"} x"#,
        r#"{"resourceType":"Patient""#,
        // `null` and `[]` where modelled elements belong (kept verbatim by the serde reading).
        r#"{"resourceType":"Patient","gender":null}"#,
        r#"{"resourceType":"Patient","name":[]}"#,
        r#"{"resourceType":"Patient","name":[{"given":["A",null]}]}"#,
        // Wrong JSON types and impossible values (kept by the lenient reading).
        r#"{"resourceType":"Patient","active":"yes"}"#,
        r#"{"resourceType":"Observation","valueInteger":1.0}"#,
        r#"{"resourceType":"Observation","valueInteger":-0}"#,
        r#"{"resourceType":"Observation","valueInteger":9223372036854775808}"#,
        r#"{"resourceType":"Observation","valueQuantity":{"value":"1.5"}}"#,
        r#"{"resourceType":"Condition","clinicalStatus":"resolved"}"#,
        // `resourceType` missing, or not a string.
        r#"{"id":"a"}"#,
        r#"{"id":"a","resourceType":1}"#,
        r#"[]"#,
    ];
    for (i, text) in cases.iter().enumerate() {
        assert!(
            <Resource as FhirJson>::read_direct(text).is_none(),
            "case {i}: the direct reading did not give up"
        );
    }
    // A concrete type read from another type's JSON.
    assert!(<Patient as FhirJson>::read_direct(r#"{"resourceType":"Observation"}"#).is_none());
    // Too deep: extensions in extensions, two levels each. Past the direct reading's limit
    // and under serde_json's, the serde reading reads it; past serde_json's, it refuses it.
    let extensions = |levels: usize| {
        format!(
            r#"{{"resourceType":"Patient","extension":{}[]{}}}"#,
            r#"[{"url":"u","extension":"#.repeat(levels),
            "}]".repeat(levels)
        )
    };
    let deep = extensions(55);
    assert!(<Resource as FhirJson>::read_direct(&deep).is_none());
    let read: Resource = json::from_str(&deep).unwrap();
    assert_eq!(read, serde_json::from_str::<Resource>(&deep).unwrap());
    let too_deep = extensions(70);
    assert!(<Resource as FhirJson>::read_direct(&too_deep).is_none());
    // serde_json's recursion limit, reported as a syntax error where it is reached.
    let err = json::from_str::<Resource>(&too_deep).unwrap_err();
    assert!(serde_json::from_str::<Resource>(&too_deep).is_err());
    assert_eq!(err.kind, ocean_model::ParseErrorKind::Syntax, "{err:?}");
    // Members before `resourceType` are replayed by the serde reading, which refuses them
    // when too deep: the direct reading leaves them to it.
    let deep_before_type = format!(
        r#"{{"x":{}1{},"resourceType":"Patient"}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    assert!(<Resource as FhirJson>::read_direct(&deep_before_type).is_none());
    assert!(json::from_str::<Resource>(&deep_before_type).is_err());
    // Unknown members are taken by serde_json at any depth, by both readings.
    let unknown = format!(
        r#"{{"resourceType":"Patient","x":{}1{}}}"#,
        "[".repeat(1000),
        "]".repeat(1000)
    );
    assert!(agrees::<Resource>(&unknown, "deep unknown member"));
    let kept: Resource = json::from_str(r#"{"resourceType":"Patient","gender":null}"#).unwrap();
    assert_eq!(kept.unknown().get("gender").unwrap().get(), "null");
}

/// Runs `strategy`'s texts through [`agrees`]; returns how many took the direct reading.
fn run<T>(strategy: BoxedStrategy<String>, cases: u32) -> u32
where
    T: FhirJson + PartialEq + std::fmt::Debug,
{
    let mut runner = TestRunner::new(Config {
        cases,
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..Config::default()
    });
    let direct = std::cell::Cell::new(0u32);
    runner
        .run(&strategy, |text| {
            if agrees::<T>(&text, "generated") {
                direct.set(direct.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    direct.get()
}

/// The generated FHIR JSON of the round-trip properties (unknown members, extensions,
/// `_primitive`s, odd decimals, invalid dates, `contained`, `resourceType` anywhere, `null`
/// items): the direct reading agrees wherever it applies, and applies to a good share.
#[test]
fn generated_resources_agree() {
    let n = 256;
    let bundles = run::<Bundle>(crate::proptests::bundle(2), n);
    let resources = run::<Resource>(crate::proptests::any_resource(), n);
    let observations = run::<Observation>(crate::proptests::observation(1), n);
    // Measured when this test was written: 170, 116 and 84 of 256 (the generators write many
    // `[]`, which the direct reading leaves to the serde one). A reading that gave up everywhere
    // would pass the agreement check alone.
    for (what, hits) in [
        ("bundles", bundles),
        ("resources", resources),
        ("observations", observations),
    ] {
        assert!(
            hits >= n / 8,
            "{what}: the direct reading applied to {hits} of {n}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    })]

    /// Any single-byte change to a real message: where the direct reading still reads it, the
    /// serde reading reads it the same.
    #[test]
    fn single_byte_changes_agree(pos in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let path = workspace().join("testdata/ocean/ereferral_back_pain.bundle.json");
        let mut bytes = std::fs::read(path).unwrap();
        let i = pos.index(bytes.len());
        bytes[i] = byte;
        if let Ok(text) = std::str::from_utf8(&bytes) {
            agrees::<Bundle>(text, "changed message");
            agrees::<Resource>(text, "changed message");
        }
    }
}
