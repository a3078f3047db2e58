//! Malformed input seeded with sentinel patient data: parse errors must never carry input text
//! (names, health numbers, dates, free text), whichever entry point and target type is used.
//! A modelled element of the wrong JSON type no longer fails the parse (issue 12): it is kept,
//! and `validate` names its path (rule `fhir-json`), again without input text.

use ocean_model::{Bundle, ParseError, ParseErrorKind, Patient, Resource, json};

/// Fragments of the sentinel patient data; none may appear in an error's `Display` or `Debug`.
/// Compared case-insensitively. `87654321` also catches the health number printed as a float
/// (`9.87654321e9`).
const SENTINELS: &[&str] = &[
    "Zebediah",
    "Quarterhorse",
    "9876543210",
    "87654321",
    "1987-03-14",
    "1987",
    "03-14",
    "SENTINEL-NOTE-xyzzy",
    "SENTINEL",
    "xyzzy",
];

/// What a case must produce.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// Not JSON (or cut short): a syntax or end-of-input error, without a path.
    Syntax,
    /// A wrong-typed element at this path below the root (`".gender"` → `Patient.gender`):
    /// parses, and `validate` reports exactly one `fhir-json` issue there.
    At(&'static str),
    /// A content error; the path is not checked (e.g. a wrong or missing `resourceType`).
    Content,
    /// Parses; nothing to check.
    Parses,
    /// Fails, with any kind of error (a resource read as another type may fail on its
    /// `resourceType` before reaching a syntax error).
    Fails,
}

struct Case {
    label: &'static str,
    input: &'static [u8],
    /// The `resourceType` of the top-level object, `""` if none or not an object.
    root: &'static str,
    expect: Expect,
}

const fn case(
    label: &'static str,
    root: &'static str,
    expect: Expect,
    input: &'static str,
) -> Case {
    Case {
        label,
        input: input.as_bytes(),
        root,
        expect,
    }
}

fn cases() -> Vec<Case> {
    use Expect::*;
    vec![
        case(
            "gender is a number",
            "Patient",
            At(".gender"),
            r#"{"resourceType":"Patient","name":[{"family":"Quarterhorse"}],"gender":9876543210}"#,
        ),
        case(
            "gender is an object keyed by the name",
            "Patient",
            At(".gender"),
            r#"{"resourceType":"Patient","gender":{"Zebediah":"Quarterhorse"}}"#,
        ),
        case(
            "birthDate is an array",
            "Patient",
            At(".birthDate"),
            r#"{"resourceType":"Patient","birthDate":["1987-03-14"]}"#,
        ),
        case(
            "birthDate is a number",
            "Patient",
            At(".birthDate"),
            r#"{"resourceType":"Patient","_birthDate":{"extension":[{"url":"x","valueString":"1987-03-14"}]},"birthDate":19870314}"#,
        ),
        case(
            "name is a string",
            "Patient",
            At(".name"),
            r#"{"resourceType":"Patient","name":"Zebediah Quarterhorse"}"#,
        ),
        case(
            "family is an object",
            "Patient",
            At(".name[0].family"),
            r#"{"resourceType":"Patient","name":[{"given":["Zebediah"],"family":{"x":"Zebediah"}}]}"#,
        ),
        case(
            "given item is a number, sentinel key beside it",
            "Patient",
            // The array is the element kept: one wrong item keeps the whole array as read.
            At(".name[0].given"),
            r#"{"resourceType":"Patient","name":[{"Zebediah":"x","given":[9876543210]}]}"#,
        ),
        case(
            "active is a sentinel string, sentinel key before it",
            "Patient",
            At(".active"),
            r#"{"resourceType":"Patient","Zebediah":{"Quarterhorse":1},"active":"9876543210"}"#,
        ),
        case(
            "unknown sentinel key, then a syntax error",
            "Patient",
            Syntax,
            r#"{"resourceType":"Patient","Zebediah Quarterhorse": 1,}"#,
        ),
        case(
            "unknown sentinel key, then garbage",
            "Patient",
            Syntax,
            r#"{"resourceType":"Patient","Zebediah Quarterhorse": 1 Zebediah}"#,
        ),
        case(
            "truncated right after a name",
            "Patient",
            Syntax,
            r#"{"resourceType":"Patient","name":[{"family":"Quarterhorse"#,
        ),
        case(
            "truncated right after a health number",
            "Patient",
            Syntax,
            r#"{"resourceType":"Patient","identifier":[{"value":"9876543210"}],"x":9876543210"#,
        ),
        case(
            "truncated right after a note",
            "Bundle",
            Syntax,
            r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Task","note":[{"text":"SENTINEL-NOTE-xyzzy"#,
        ),
        case(
            "Quantity.value holds a sentinel string",
            "Observation",
            At(".valueQuantity.value"),
            r#"{"resourceType":"Observation","valueQuantity":{"value":"9876543210","unit":"Zebediah"}}"#,
        ),
        case(
            "valueDecimal holds the note",
            "Patient",
            At(".extension[0].valueDecimal"),
            r#"{"resourceType":"Patient","extension":[{"url":"http://x/Zebediah","valueDecimal":"SENTINEL-NOTE-xyzzy"}]}"#,
        ),
        case(
            "valueDecimal holds the birth date",
            "Patient",
            At(".extension[0].valueDecimal"),
            r#"{"resourceType":"Patient","extension":[{"url":"u","valueDecimal":"1987-03-14"}]}"#,
        ),
        case(
            "valueInteger holds a fraction",
            "Patient",
            At(".extension[0].valueInteger"),
            r#"{"resourceType":"Patient","extension":[{"url":"http://Zebediah","valueInteger":9876543210.5}]}"#,
        ),
        case(
            "resourceType is the name",
            "Zebediah Quarterhorse",
            Parses,
            r#"{"resourceType":"Zebediah Quarterhorse","birthDate":"1987-03-14"}"#,
        ),
        case(
            "resourceType is the health number",
            "",
            Content,
            r#"{"resourceType":9876543210,"name":"Zebediah"}"#,
        ),
        case(
            "Bundle entry resource without resourceType",
            "Bundle",
            At(".entry[0].resource"),
            r#"{"resourceType":"Bundle","entry":[{"resource":{"name":[{"family":"Quarterhorse"}],"birthDate":"1987-03-14"}}]}"#,
        ),
        case(
            "Bundle entry Patient with a numeric birthDate",
            "Bundle",
            At(".entry[0].resource.birthDate"),
            r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","name":[{"family":"Quarterhorse"}],"birthDate":19870314}}]}"#,
        ),
        case(
            "Bundle entry resource is a string",
            "Bundle",
            At(".entry[0].resource"),
            r#"{"resourceType":"Bundle","entry":[{"resource":"9876543210"}]}"#,
        ),
        case(
            "Bundle total too large for an integer",
            "Bundle",
            At(".total"),
            r#"{"resourceType":"Bundle","id":"9876543210","total":98765432109876543210987654321}"#,
        ),
        case(
            "Task status is a number",
            "Task",
            At(".status"),
            r#"{"resourceType":"Task","status":9876543210,"note":[{"text":"SENTINEL-NOTE-xyzzy"}]}"#,
        ),
        case(
            "Task in a Bundle with a numeric status",
            "Bundle",
            At(".entry[1].resource.status"),
            r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","birthDate":"1987-03-14"}},{"resource":{"resourceType":"Task","status":9876543210}}]}"#,
        ),
        case(
            "Annotation author is a number",
            "Observation",
            At(".note[0].authorString"),
            r#"{"resourceType":"Observation","note":[{"text":"SENTINEL-NOTE-xyzzy","authorString":9876543210}]}"#,
        ),
        case(
            "contained item is a string",
            "Patient",
            At(".contained"),
            r#"{"resourceType":"Patient","contained":["Zebediah Quarterhorse"]}"#,
        ),
        case(
            "contained Patient with an array gender",
            "Patient",
            At(".contained[0].gender"),
            r#"{"resourceType":"Patient","contained":[{"resourceType":"Patient","gender":["Zebediah"]}]}"#,
        ),
        case(
            "meta.profile is a string",
            "Patient",
            At(".meta.profile"),
            r#"{"resourceType":"Patient","meta":{"profile":"Quarterhorse"}}"#,
        ),
        case(
            "invalid escape after a name",
            "Patient",
            Syntax,
            r#"{"resourceType":"Patient","name":[{"family":"Quarterhorse\q"}]}"#,
        ),
        case(
            "lone surrogate after a name",
            "Patient",
            Syntax,
            r#"{"resourceType":"Patient","name":[{"family":"Zebediah\ud800"}]}"#,
        ),
        case(
            "raw control character after a name",
            "Patient",
            Syntax,
            "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Zebediah\u{1}Quarterhorse\"}]}",
        ),
        case(
            "trailing text after the object",
            "Patient",
            Syntax,
            r#"{"resourceType":"Patient","birthDate":"1987-03-14"} Zebediah"#,
        ),
        case(
            "top-level string",
            "",
            Content,
            r#""Zebediah Quarterhorse 9876543210 1987-03-14 SENTINEL-NOTE-xyzzy""#,
        ),
        case(
            "top-level array",
            "",
            Content,
            r#"["9876543210","1987-03-14"]"#,
        ),
        case("top-level number", "", Content, "9876543210"),
        case(
            "number grammar error after a health number",
            "Patient",
            Syntax,
            r#"{"resourceType":"Patient","identifier":[{"value":"9876543210"}],"x":-9876543210.}"#,
        ),
        case(
            "NaN decimal",
            "Observation",
            Syntax,
            r#"{"resourceType":"Observation","valueQuantity":{"value":NaN,"unit":"Zebediah"}}"#,
        ),
        case(
            "valueQuantity.value is a string, resourceType last",
            "Observation",
            At(".valueQuantity.value"),
            r#"{"valueQuantity":{"value":"9876543210"},"note":[{"text":"SENTINEL-NOTE-xyzzy"}],"resourceType":"Observation"}"#,
        ),
        case(
            "gender is a number, resourceType last",
            "Patient",
            At(".gender"),
            r#"{"name":[{"family":"Quarterhorse"}],"gender":9876543210,"resourceType":"Patient"}"#,
        ),
        Case {
            label: "invalid UTF-8 after a name",
            input: b"{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Zebediah \xff\xfe\"}]}",
            root: "Patient",
            expect: Syntax,
        },
        Case {
            label: "byte order mark, then a sentinel",
            input: b"\xEF\xBB\xBFZebediah Quarterhorse",
            root: "",
            expect: Syntax,
        },
    ]
}

fn assert_no_sentinel(e: &ParseError, what: &str) {
    assert_text_has_no_sentinel(&format!("{e}\n{e:?}"), what);
}

fn assert_text_has_no_sentinel(shown: &str, what: &str) {
    let shown = shown.to_lowercase();
    for s in SENTINELS {
        assert!(
            !shown.contains(&s.to_lowercase()),
            "{what}: error shows {s:?}:\n{shown}"
        );
    }
}

fn is_syntax(e: &ParseError) -> bool {
    matches!(e.kind, ParseErrorKind::Syntax | ParseErrorKind::Eof)
}

/// Parses `input` as `T` through `from_slice`, `from_str` (when UTF-8) and `from_reader`; checks
/// that none of the errors shows a sentinel and that the entry points agree. Returns the
/// `from_slice` result.
fn parse_all<T: ocean_model::FhirJson>(input: &[u8], what: &str) -> Result<T, ParseError> {
    let slice = json::from_slice::<T>(input);
    if let Ok(text) = std::str::from_utf8(input) {
        let s = json::from_str::<T>(text);
        assert_eq!(
            s.as_ref().err(),
            slice.as_ref().err(),
            "{what}: from_str and from_slice differ"
        );
    }
    let reader = json::from_reader::<T, _>(input);
    match (&slice, &reader) {
        (Err(a), Err(b)) => {
            assert_no_sentinel(a, what);
            assert_no_sentinel(b, &format!("{what} (from_reader)"));
            assert_eq!(a.kind, b.kind, "{what}: from_reader reports another kind");
            assert_eq!(b.path, a.path, "{what}: from_reader names another path");
        }
        (Ok(_), Ok(_)) => {}
        _ => panic!("{what}: from_slice and from_reader disagree on success"),
    }
    slice
}

fn check<T: ocean_model::FhirJson>(c: &Case, type_name: &str) {
    let what = format!("{} as {type_name}", c.label);
    let result = parse_all::<T>(c.input, &what);
    let root_matches = type_name == "Resource" || c.root == type_name;
    // Read as another type, a well-formed resource fails on its resourceType; a syntax error
    // stays a syntax error.
    let expect = match c.expect {
        Expect::At(_) | Expect::Parses if !root_matches && !c.root.is_empty() => Expect::Content,
        Expect::Syntax if !root_matches && !c.root.is_empty() => Expect::Fails,
        other => other,
    };
    match (expect, result) {
        (Expect::Parses | Expect::At(_), Ok(_)) => {}
        (Expect::Parses, Err(e)) => panic!("{what}: should parse, got {e}"),
        (_, Ok(_)) => panic!("{what}: parsed, expected an error"),
        (Expect::Fails, Err(_)) => {}
        (Expect::Syntax, Err(e)) => {
            assert!(is_syntax(&e), "{what}: expected a syntax error, got {e:?}");
            assert_eq!(e.path, None, "{what}");
        }
        (Expect::Content, Err(e)) => {
            assert!(
                !is_syntax(&e),
                "{what}: expected a content error, got {e:?}"
            );
        }
        (Expect::At(tail), Err(e)) => panic!("{what}: should parse (kept, {tail}), got {e}"),
    }
    if let (Expect::At(tail), true) = (expect, root_matches) {
        let expected = format!("{}{tail}", c.root);
        assert_eq!(fhir_json_paths(c.input, &what), [expected], "{what}");
    }
}

/// The paths of the `fhir-json` issues of `input` read as any resource; checks that no issue
/// shows a sentinel.
fn fhir_json_paths(input: &[u8], what: &str) -> Vec<String> {
    let r: Resource = json::from_slice(input).unwrap();
    let issues = match &r {
        Resource::Bundle(b) => ocean_model::validate::validate_bundle(b),
        other => ocean_model::validate::validate(other),
    };
    assert_text_has_no_sentinel(&format!("{issues:?}"), what);
    issues
        .into_iter()
        .filter(|i| i.rule == "fhir-json")
        .map(|i| i.path)
        .collect()
}

#[test]
fn enough_cases() {
    assert!(cases().len() >= 25);
}

#[test]
fn malformed_input_never_shows_patient_data_as_resource() {
    for c in cases() {
        check::<Resource>(&c, "Resource");
    }
}

#[test]
fn malformed_input_never_shows_patient_data_as_patient() {
    for c in cases() {
        check::<Patient>(&c, "Patient");
    }
}

#[test]
fn malformed_input_never_shows_patient_data_as_bundle() {
    for c in cases() {
        check::<Bundle>(&c, "Bundle");
    }
}

/// A wrong resource type is reported as such, naming the expected type only.
#[test]
fn wrong_resource_type_names_the_expected_type() {
    let text = r#"{"resourceType":"Zebediah","name":[{"family":"Quarterhorse"}]}"#;
    let e = json::from_str::<Patient>(text).unwrap_err();
    assert_eq!(
        e.kind,
        ParseErrorKind::WrongResourceType {
            expected: "Patient".to_owned()
        }
    );
    assert_no_sentinel(&e, "wrong resourceType");
    let e = json::from_str::<Bundle>(r#"{"resourceType":"Patient"}"#).unwrap_err();
    assert_eq!(
        e.kind,
        ParseErrorKind::WrongResourceType {
            expected: "Bundle".to_owned()
        }
    );
}

/// Element names that look like input text never reach a path: only modelled names do.
#[test]
fn sentinel_keys_are_masked_in_paths() {
    let text = r#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","Zebediah Quarterhorse":1,"gender":5}}]}"#;
    assert_eq!(
        fhir_json_paths(text.as_bytes(), "sentinel key"),
        ["Bundle.entry[0].resource.gender"]
    );
}

/// `depth` levels of `contained`, with `resourceType` first or last in each object.
fn nested_contained(depth: usize, resource_type_last: bool) -> String {
    let mut s = String::from(r#"{"resourceType":"Patient","name":[{"family":"Quarterhorse"}]}"#);
    for _ in 0..depth {
        s = if resource_type_last {
            format!(r#"{{"contained":[{s}],"resourceType":"Patient"}}"#)
        } else {
            format!(r#"{{"resourceType":"Patient","contained":[{s}]}}"#)
        };
    }
    s
}

/// Runs a parse in a thread with the given stack size (a stack overflow would abort the process).
fn parse_on_stack(text: String, stack: usize) -> Result<(), ParseError> {
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(move || json::from_str::<Resource>(&text).map(drop))
        .unwrap()
        .join()
        .unwrap()
}

/// A few levels of `contained` parse on the 2 MiB stack of a spawned thread.
#[test]
fn shallow_nested_contained_parses() {
    parse_on_stack(nested_contained(4, false), 2 << 20).unwrap();
    parse_on_stack(nested_contained(4, true), 2 << 20).unwrap();
}

/// Nesting that serde_json's recursion limit (128) allows must parse, on the 2 MiB stack that
/// spawned threads (and tokio workers) get by default.
#[test]
fn nested_contained_within_the_recursion_limit_parses_on_a_2mib_stack() {
    let text = nested_contained(60, false);
    if let Err(e) = parse_on_stack(text, 2 << 20) {
        // The recursion limit may stop it first; that is fine, an abort is not.
        assert_no_sentinel(&e, "nesting");
    }
}

/// Hostile nesting must end in an error (or a parse), never in a stack overflow, which aborts
/// the whole process. Run with an 8 MiB stack, like a main thread.
#[test]
fn deeply_nested_contained_does_not_overflow_the_stack() {
    if let Err(e) = parse_on_stack(nested_contained(3000, true), 8 << 20) {
        assert_no_sentinel(&e, "deep nesting");
    }
}

/// When `resourceType` is not the first member, the members before it are replayed after it is
/// read; a wrong type among them is kept and named by its path, as it is otherwise.
#[test]
fn type_errors_before_resource_type_name_the_element() {
    let cases = [
        (
            r#"{"name":[{"family":"Quarterhorse"}],"gender":9876543210,"resourceType":"Patient"}"#,
            "Patient.gender",
        ),
        (
            r#"{"valueQuantity":{"value":"9876543210"},"resourceType":"Observation"}"#,
            "Observation.valueQuantity.value",
        ),
        (
            r#"{"resourceType":"Bundle","entry":[{"resource":{"birthDate":19870314,"resourceType":"Patient"}}]}"#,
            "Bundle.entry[0].resource.birthDate",
        ),
    ];
    for (text, path) in cases {
        assert_eq!(fhir_json_paths(text.as_bytes(), path), [path]);
    }
}

fn fuzz_regressions() -> Vec<std::path::PathBuf> {
    let dir = crate::common::workspace().join("ocean-model/tests/fuzz-regressions");
    assert!(dir.is_dir(), "{} is missing", dir.display());
    crate::common::json_files(&dir)
}

/// What the fuzz targets check: no panic, and a parsed input survives a round trip.
fn fuzz_check(path: &std::path::Path) {
    let bytes = std::fs::read(path).unwrap();
    let name = path.display().to_string();
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || {
            if let Ok(first) = json::from_slice::<Bundle>(&bytes) {
                let again: Bundle = json::from_str(&json::to_string(&first).unwrap()).unwrap();
                assert_eq!(again, first, "{name}");
            }
            if let Ok(first) = json::from_slice::<Resource>(&bytes) {
                let again: Resource = json::from_str(&json::to_string(&first).unwrap()).unwrap();
                assert_eq!(again, first, "{name}");
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

/// Fixed fuzz crashes stay fixed.
#[test]
fn fuzz_regressions_parse_without_panicking() {
    for path in fuzz_regressions() {
        fuzz_check(&path);
    }
}
