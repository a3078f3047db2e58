//! Property tests: generated FHIR JSON (Patients, Observations, Bundles, unknown resource types,
//! extensions, `_primitive` extensions, odd decimals, partial and invalid dates, unknown
//! elements, `contained`, `resourceType` anywhere in the object) parses and round-trips
//! JSON-equal with number text kept, and [`DateTime`] compares as the instant at the start of
//! its period.
//!
//! The JSON is generated as text (not as `serde_json::Value`) so that decimal text such as `1.50`
//! or `1E-7` reaches the parser exactly as written.

use std::cell::RefCell;
use std::collections::HashMap;

use ocean_model::{Bundle, Date, DateTime, Observation, Patient, Precision, Resource, json};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::strategy::Union;

use crate::common::assert_json_equal;

/// A strategy for a piece of JSON text.
type Text = BoxedStrategy<String>;
/// An object member: name and JSON text of the value.
type Member = (String, String);
/// A strategy for an optional object member.
type OptMember = BoxedStrategy<Option<Member>>;

const CASES: u32 = 256;

fn config() -> ProptestConfig {
    // XorShift: the default ChaCha generator dominates the run time of an unoptimised test
    // build, and these tests need no cryptographic randomness.
    ProptestConfig {
        cases: CASES,
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// JSON text building blocks

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn object(members: &[Member]) -> String {
    let body: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("{}:{v}", quote(k)))
        .collect();
    format!("{{{}}}", body.join(","))
}

fn array_of(item: Text, len: std::ops::Range<usize>) -> Text {
    prop::collection::vec(item, len)
        .prop_map(|v| format!("[{}]", v.join(",")))
        .boxed()
}

/// A member that is present about half the time.
fn opt(name: &'static str, value: Text) -> OptMember {
    prop::option::weighted(0.5, value.prop_map(move |v| (name.to_owned(), v))).boxed()
}

/// A member that is always present.
fn always(name: &'static str, value: Text) -> OptMember {
    value.prop_map(move |v| Some((name.to_owned(), v))).boxed()
}

/// One of several `prefix[x]` members (e.g. `valueDecimal`), present about half the time.
fn choice(arms: Vec<(&'static str, Text)>) -> OptMember {
    let arms: Vec<BoxedStrategy<Member>> = arms
        .into_iter()
        .map(|(name, value)| value.prop_map(move |v| (name.to_owned(), v)).boxed())
        .collect();
    prop::option::weighted(0.5, Union::new(arms)).boxed()
}

/// Names for members the model does not know. They start with `x` so they never collide with
/// a modelled element; the rest is arbitrary text (spaces, non-ASCII, quotes).
fn unknown_key() -> Text {
    cached("unknown_key", || {
        prop_oneof![
            re("x[a-zA-Z0-9_]{0,8}"),
            re("x\\PC{0,8}"),
            re("x[\"\\\\\\x00-\\x1f]{1,3}")
        ]
        .boxed()
    })
}

/// Zero to two unknown members with arbitrary JSON values (distinct names).
fn unknown_members() -> BoxedStrategy<Vec<Member>> {
    prop::collection::btree_map(unknown_key(), any_json(), 0..3)
        .prop_map(|m| m.into_iter().collect())
        .boxed()
}

/// The members of an object, shuffled, with some unknown members mixed in.
fn members_of(members: Vec<OptMember>) -> BoxedStrategy<Vec<Member>> {
    (members, unknown_members())
        .prop_map(|(known, unknown)| {
            let mut all: Vec<Member> = known.into_iter().flatten().collect();
            all.extend(unknown);
            all
        })
        .prop_shuffle()
        .boxed()
}

/// A datatype or backbone element object.
fn element_object(members: Vec<OptMember>) -> Text {
    members_of(members).prop_map(|m| object(&m)).boxed()
}

/// A resource object: `resourceType` first in half the cases, anywhere otherwise.
fn resource_object(resource_type: Text, members: Vec<OptMember>) -> Text {
    (
        resource_type,
        members_of(members),
        any::<bool>(),
        any::<Index>(),
    )
        .prop_map(|(rt, mut m, first, at)| {
            let pos = if first { 0 } else { at.index(m.len() + 1) };
            m.insert(pos, ("resourceType".to_owned(), rt));
            object(&m)
        })
        .boxed()
}

/// A strategy built once per thread and shared (strategies are reference counted), so that
/// the large composed strategies below do not rebuild the same leaves hundreds of times.
fn cached(name: &'static str, build: impl FnOnce() -> Text) -> Text {
    thread_local! {
        static CACHE: RefCell<HashMap<&'static str, Text>> = RefCell::new(HashMap::new());
    }
    if let Some(s) = CACHE.with(|c| c.borrow().get(name).cloned()) {
        return s;
    }
    let s = build();
    CACHE.with(|c| c.borrow_mut().insert(name, s.clone()));
    s
}

/// A string strategy from a regular expression, compiled once (a `&str` strategy would compile
/// its regex for every generated value).
fn re(pattern: &'static str) -> Text {
    cached(pattern, || {
        proptest::string::string_regex(pattern).unwrap().boxed()
    })
}

fn json_string() -> Text {
    cached("json_string", || {
        prop_oneof![
            4 => re("[a-zA-Z0-9 .-]{0,12}"),
            2 => re("\\PC{0,10}"),
            1 => re("[\"\\\\/\\x00-\\x1f\\u{7f}\\u{2028}\\u{fffd}]{0,4}"),
            1 => Just("Zebediah Quarterhorse".to_owned()),
        ]
        .prop_map(|s| quote(&s))
        .boxed()
    })
}

fn code() -> Text {
    cached("code", || {
        prop_oneof![
            select(vec![
                "male", "female", "unknown", "final", "amended", "active", "<", "<="
            ]),
            select(vec!["not-a-code", "", " ", "FINAL"]),
        ]
        .prop_map(quote)
        .boxed()
    })
}

fn boolean() -> Text {
    cached("boolean", || {
        any::<bool>().prop_map(|b| b.to_string()).boxed()
    })
}

fn integer() -> Text {
    cached("integer", || {
        prop_oneof![any::<i64>(), -100i64..100]
            .prop_map(|i| i.to_string())
            .boxed()
    })
}

/// Decimal number text, including the odd forms FHIR payloads carry.
fn decimal() -> Text {
    cached("decimal", || {
        prop_oneof![
            select(vec![
                "0",
                "0.0",
                "-0",
                "-0.0",
                "-1.50",
                "1.50",
                "1e3",
                "1E-7",
                "1E+2",
                "100",
                "0.000",
                "-2.5e-10",
                "12345678901234567890",
                "123456789012345678901234567890",
                "3.14159265358979323846264338327950288",
            ])
            .prop_map(str::to_owned),
            re("-?(0|[1-9][0-9]{0,8})(\\.[0-9]{1,6})?([eE][+-]?[0-9]{1,2})?"),
        ]
        .boxed()
    })
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Date and dateTime text: valid partial dates, full date-times, and invalid text (which must
/// still parse, as the model keeps date text as received).
fn date_text() -> Text {
    cached("date_text", || {
        prop_oneof![
            3 => fhir_datetime().prop_map(|g| quote(&g.text())),
            1 => select(vec![
                "2019",
                "2019-05",
                "2019-05-01",
                "2019-05-01T10:00:00-07:00",
                "2019-13-45",
                "2019-02-30",
                "19-05",
                "2019-05-01 10:00",
                "2019-05-01T10:00",
                "0000",
                "not a date",
                "",
                "1987-03-14T25:61:61+99:99",
            ])
            .prop_map(quote),
            1 => json_string(),
        ]
        .boxed()
    })
}

/// Arbitrary JSON (for unknown elements and unknown resource types), with some whitespace.
fn any_json() -> Text {
    cached("any_json", || {
        let leaf = prop_oneof![
            Just("null".to_owned()),
            boolean(),
            decimal(),
            integer(),
            json_string(),
        ];
        let key = re("\\PC{0,8}");
        leaf.prop_recursive(3, 24, 4, move |inner| {
            let sep = select(vec![",", " , ", ",\n\t"]);
            prop_oneof![
                (prop::collection::vec(inner.clone(), 0..4), sep.clone())
                    .prop_map(|(v, s)| format!("[{}]", v.join(s))),
                (prop::collection::vec((key.clone(), inner), 0..4), sep).prop_map(|(v, s)| {
                    let body: Vec<String> = v
                        .iter()
                        .map(|(k, x)| format!("{} : {x}", quote(k)))
                        .collect();
                    format!("{{ {} }}", body.join(s))
                }),
            ]
        })
        .boxed()
    })
}

// ---------------------------------------------------------------------------------------------
// FHIR datatypes

fn extensions(depth: u32) -> Text {
    cached(
        ["extensions0", "extensions1", "extensions2"][depth.min(2) as usize],
        || {
            prop_oneof![
                8 => array_of(extension(depth), 1..3),
                1 => Just("[]".to_owned()),
            ]
            .boxed()
        },
    )
}

fn extension(depth: u32) -> Text {
    cached(
        ["extension0", "extension1", "extension2"][depth.min(2) as usize],
        || {
            let value = choice(vec![
                ("valueString", json_string()),
                ("valueBoolean", boolean()),
                ("valueInteger", integer()),
                ("valueDecimal", decimal()),
                ("valueCode", code()),
                ("valueDate", date_text()),
                ("valueDateTime", date_text()),
                ("valueCoding", coding()),
                ("valueQuantity", quantity()),
                ("valueAge", quantity()),
                ("valueCodeableConcept", codeable_concept()),
                ("valueReference", reference()),
                ("valuePeriod", period()),
                // Not modelled: kept verbatim in `unknown`.
                ("valueSampledData", any_json()),
                ("valueSignature", any_json()),
            ]);
            let mut members = vec![
                always("url", json_string()),
                value,
                opt("id", json_string()),
            ];
            if depth > 0 {
                members.push(opt("extension", extensions(depth - 1)));
            }
            element_object(members)
        },
    )
}

/// An extension with a primitive value only (no nested datatypes, so strategies that use it
/// inside datatypes do not recurse).
fn simple_extension() -> Text {
    cached("simple_extension", || {
        element_object(vec![
            always("url", json_string()),
            choice(vec![
                ("valueString", json_string()),
                ("valueDecimal", decimal()),
                ("valueInteger", integer()),
                ("valueBoolean", boolean()),
                ("valueCode", code()),
                ("valueDateTime", date_text()),
            ]),
        ])
    })
}

/// A primitive's sibling element (`_birthDate`): `id` and extensions.
fn primitive_element() -> Text {
    cached("primitive_element", || {
        element_object(vec![
            opt("id", json_string()),
            always("extension", array_of(simple_extension(), 1..3)),
        ])
    })
}

fn coding() -> Text {
    cached("coding", || {
        element_object(vec![
            opt("system", json_string()),
            opt("version", json_string()),
            opt("code", code()),
            opt("display", json_string()),
            opt("userSelected", boolean()),
        ])
    })
}

fn codeable_concept() -> Text {
    cached("codeable_concept", || {
        element_object(vec![
            opt("coding", array_of(coding(), 0..3)),
            opt("text", json_string()),
        ])
    })
}

fn quantity() -> Text {
    cached("quantity", || {
        element_object(vec![
            opt("value", decimal()),
            opt("comparator", code()),
            opt("unit", json_string()),
            opt("system", json_string()),
            opt("code", code()),
            opt("_value", primitive_element()),
        ])
    })
}

fn period() -> Text {
    cached("period", || {
        element_object(vec![opt("start", date_text()), opt("end", date_text())])
    })
}

fn identifier() -> Text {
    cached("identifier", || {
        element_object(vec![
            opt("use", code()),
            opt("type", codeable_concept()),
            opt("system", json_string()),
            opt("value", json_string()),
            opt("period", period()),
        ])
    })
}

fn reference() -> Text {
    cached("reference", || {
        element_object(vec![
            opt("reference", json_string()),
            opt("type", json_string()),
            opt("identifier", identifier()),
            opt("display", json_string()),
        ])
    })
}

/// `given`/`prefix` arrays, sometimes with `null` items aligned with a `_given` array.
fn primitive_array(name: &'static str, ext_name: &'static str) -> BoxedStrategy<Vec<Member>> {
    let item = (
        prop::option::weighted(0.7, json_string()),
        prop::option::weighted(0.3, primitive_element()),
    );
    prop::collection::vec(item, 0..4)
        .prop_map(move |items| {
            let mut out = Vec::new();
            if items.is_empty() {
                return out;
            }
            let values: Vec<String> = items
                .iter()
                .map(|(v, _)| v.clone().unwrap_or_else(|| "null".to_owned()))
                .collect();
            out.push((name.to_owned(), format!("[{}]", values.join(","))));
            if items.iter().any(|(_, e)| e.is_some()) {
                let exts: Vec<String> = items
                    .iter()
                    .map(|(_, e)| e.clone().unwrap_or_else(|| "null".to_owned()))
                    .collect();
                out.push((ext_name.to_owned(), format!("[{}]", exts.join(","))));
            }
            out
        })
        .boxed()
}

fn human_name() -> Text {
    cached("human_name", || {
        let members = members_of(vec![
            opt("use", code()),
            opt("text", json_string()),
            opt("family", json_string()),
            opt("_family", primitive_element()),
            opt("period", period()),
        ]);
        (
            members,
            primitive_array("given", "_given"),
            primitive_array("prefix", "_prefix"),
        )
            .prop_map(|(mut m, given, prefix)| {
                m.extend(given);
                m.extend(prefix);
                object(&m)
            })
            .boxed()
    })
}

fn contact_point() -> Text {
    cached("contact_point", || {
        element_object(vec![
            opt("system", code()),
            opt("value", json_string()),
            opt("use", code()),
            opt("rank", integer()),
            opt("period", period()),
        ])
    })
}

fn address() -> Text {
    cached("address", || {
        let members = members_of(vec![
            opt("use", code()),
            opt("text", json_string()),
            opt("city", json_string()),
            opt("state", json_string()),
            opt("postalCode", json_string()),
            opt("country", json_string()),
        ]);
        (members, primitive_array("line", "_line"))
            .prop_map(|(mut m, line)| {
                m.extend(line);
                object(&m)
            })
            .boxed()
    })
}

fn meta() -> Text {
    cached("meta", || {
        element_object(vec![
            opt("versionId", json_string()),
            opt("lastUpdated", date_text()),
            opt("profile", array_of(json_string(), 1..3)),
            opt("security", array_of(coding(), 1..2)),
            opt("tag", array_of(coding(), 1..2)),
        ])
    })
}

fn narrative() -> Text {
    cached("narrative", || {
        element_object(vec![opt("status", code()), opt("div", json_string())])
    })
}

fn annotation() -> Text {
    cached("annotation", || {
        element_object(vec![
            choice(vec![
                ("authorString", json_string()),
                ("authorReference", reference()),
            ]),
            opt("time", date_text()),
            always("text", json_string()),
        ])
    })
}

// ---------------------------------------------------------------------------------------------
// Resources

/// Resource types the model does not type.
fn unknown_resource_type() -> Text {
    cached("unknown_resource_type", || {
        prop_oneof![
            select(vec![
                "Encounter",
                "Claim",
                "Provenance",
                "Zebediah",
                "patient",
                "",
                "Resource"
            ])
            .prop_map(str::to_owned),
            re("[A-Z][a-z]{2,10}").prop_filter("modelled type", |t| {
                !matches!(
                    t.as_str(),
                    "Bundle" | "Patient" | "Task" | "Binary" | "Consent"
                )
            }),
        ]
        .prop_map(|t| quote(&t))
        .boxed()
    })
}

/// A resource of a type the model does not know: arbitrary members.
fn other_resource() -> Text {
    cached("other_resource", || {
        let members = prop::collection::btree_map(
            re("[a-zA-Z_]\\PC{0,8}").prop_filter("resourceType", |k| k != "resourceType"),
            any_json(),
            0..5,
        )
        .prop_map(|m| m.into_iter().map(Some).collect::<Vec<_>>());
        (
            unknown_resource_type(),
            members.prop_shuffle(),
            any::<Index>(),
        )
            .prop_map(|(rt, m, at)| {
                let mut m: Vec<Member> = m.into_iter().flatten().collect();
                let pos = at.index(m.len() + 1);
                m.insert(pos, ("resourceType".to_owned(), rt));
                object(&m)
            })
            .boxed()
    })
}

/// The `DomainResource` members, with `contained` resources when `depth > 0`.
fn domain_members(depth: u32) -> Vec<OptMember> {
    let mut m = vec![
        opt("id", json_string()),
        opt("meta", meta()),
        opt("language", code()),
        opt("text", narrative()),
        opt("extension", extensions(2)),
        opt("modifierExtension", extensions(1)),
    ];
    if depth > 0 {
        let contained = prop_oneof![patient(depth - 1), observation(depth - 1), other_resource()];
        m.push(opt("contained", array_of(contained.boxed(), 1..3)));
    }
    m
}

fn patient(depth: u32) -> Text {
    let mut m = domain_members(depth);
    m.extend([
        opt("identifier", array_of(identifier(), 1..3)),
        opt("active", boolean()),
        opt("name", array_of(human_name(), 1..3)),
        opt("telecom", array_of(contact_point(), 1..3)),
        opt("gender", code()),
        opt("_gender", primitive_element()),
        opt("birthDate", date_text()),
        opt("_birthDate", primitive_element()),
        choice(vec![
            ("deceasedBoolean", boolean()),
            ("deceasedDateTime", date_text()),
        ]),
        choice(vec![
            ("multipleBirthBoolean", boolean()),
            ("multipleBirthInteger", integer()),
        ]),
        opt("address", array_of(address(), 1..3)),
        opt("maritalStatus", codeable_concept()),
        opt("generalPractitioner", array_of(reference(), 1..3)),
        opt("managingOrganization", reference()),
        opt(
            "contact",
            array_of(
                element_object(vec![
                    opt("relationship", array_of(codeable_concept(), 1..2)),
                    opt("name", human_name()),
                    opt("gender", code()),
                    opt("telecom", array_of(contact_point(), 1..2)),
                ]),
                1..3,
            ),
        ),
        opt(
            "communication",
            array_of(
                element_object(vec![
                    opt("language", codeable_concept()),
                    opt("preferred", boolean()),
                ]),
                1..2,
            ),
        ),
    ]);
    resource_object(Just(quote("Patient")).boxed(), m)
}

fn observation_value() -> OptMember {
    choice(vec![
        ("valueQuantity", quantity()),
        ("valueCodeableConcept", codeable_concept()),
        ("valueString", json_string()),
        ("valueBoolean", boolean()),
        ("valueInteger", integer()),
        (
            "valueRange",
            element_object(vec![opt("low", quantity()), opt("high", quantity())]),
        ),
        (
            "valueRatio",
            element_object(vec![
                opt("numerator", quantity()),
                opt("denominator", quantity()),
            ]),
        ),
        ("valueTime", json_string()),
        ("valueDateTime", date_text()),
        ("valuePeriod", period()),
        ("valueSampledData", any_json()),
    ])
}

pub(crate) fn observation(depth: u32) -> Text {
    let mut m = domain_members(depth);
    m.extend([
        opt("identifier", array_of(identifier(), 1..2)),
        opt("status", code()),
        opt("_status", primitive_element()),
        opt("category", array_of(codeable_concept(), 1..3)),
        opt("code", codeable_concept()),
        opt("subject", reference()),
        choice(vec![
            ("effectiveDateTime", date_text()),
            ("effectivePeriod", period()),
            ("effectiveInstant", date_text()),
        ]),
        opt("issued", date_text()),
        opt("performer", array_of(reference(), 1..3)),
        observation_value(),
        opt("dataAbsentReason", codeable_concept()),
        opt("interpretation", array_of(codeable_concept(), 1..2)),
        opt("note", array_of(annotation(), 1..3)),
        opt(
            "referenceRange",
            array_of(
                element_object(vec![
                    opt("low", quantity()),
                    opt("high", quantity()),
                    opt("text", json_string()),
                ]),
                1..2,
            ),
        ),
        opt(
            "component",
            array_of(
                element_object(vec![
                    opt("code", codeable_concept()),
                    observation_value(),
                    opt("extension", extensions(1)),
                ]),
                1..3,
            ),
        ),
    ]);
    resource_object(Just(quote("Observation")).boxed(), m)
}

pub(crate) fn bundle(depth: u32) -> Text {
    let resource = if depth > 0 {
        prop_oneof![
            3 => patient(1),
            3 => observation(1),
            2 => other_resource(),
            1 => bundle(depth - 1),
        ]
        .boxed()
    } else {
        prop_oneof![patient(0), observation(0), other_resource()].boxed()
    };
    let entry = element_object(vec![
        opt("fullUrl", json_string()),
        opt("resource", resource),
        opt("extension", extensions(1)),
        opt(
            "search",
            element_object(vec![opt("mode", code()), opt("score", decimal())]),
        ),
        opt(
            "request",
            element_object(vec![
                opt("method", code()),
                opt("url", json_string()),
                opt("ifModifiedSince", date_text()),
            ]),
        ),
        opt(
            "response",
            element_object(vec![
                opt("status", json_string()),
                opt("lastModified", date_text()),
                opt("outcome", other_resource()),
            ]),
        ),
    ]);
    resource_object(
        Just(quote("Bundle")).boxed(),
        vec![
            opt("id", json_string()),
            opt("meta", meta()),
            opt("identifier", identifier()),
            opt("type", code()),
            opt("timestamp", date_text()),
            opt("total", integer()),
            opt(
                "link",
                array_of(
                    element_object(vec![
                        opt("relation", json_string()),
                        opt("url", json_string()),
                    ]),
                    1..3,
                ),
            ),
            opt("entry", array_of(entry, 0..4)),
        ],
    )
}

pub(crate) fn any_resource() -> Text {
    prop_oneof![
        3 => patient(1),
        3 => observation(1),
        3 => bundle(1),
        1 => other_resource(),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------------
// Round-trip properties

/// A test-case failure carrying an error's message.
fn fail(e: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(e.to_string())
}

/// Parses `text` as `T` every way the crate offers, checks the output is JSON-equal (number
/// text included), and that parsing the output gives the same model.
fn check_round_trip<T>(text: &str) -> Result<(), TestCaseError>
where
    T: ocean_model::FhirJson + PartialEq + std::fmt::Debug,
{
    let parsed: T = json::from_str(text).map_err(fail)?;
    let out = json::to_string(&parsed).map_err(fail)?;
    assert_json_equal(text, &out, "generated resource");
    let again: T = json::from_str(&out).map_err(fail)?;
    prop_assert_eq!(&again, &parsed, "model changed on second parse");
    // Serialising is deterministic, so a second round gives the same text.
    prop_assert_eq!(json::to_string(&again).map_err(fail)?, out);
    // The byte and reader entry points agree with `from_str`.
    let from_slice: T = json::from_slice(text.as_bytes()).map_err(fail)?;
    prop_assert_eq!(&from_slice, &parsed);
    let from_reader: T = json::from_reader(text.as_bytes()).map_err(fail)?;
    prop_assert_eq!(&from_reader, &parsed);
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_resources_round_trip(text in any_resource()) {
        check_round_trip::<Resource>(&text)?;
    }

    #[test]
    fn generated_bundles_round_trip_as_bundle(text in bundle(2)) {
        check_round_trip::<Bundle>(&text)?;
        check_round_trip::<Resource>(&text)?;
    }

    #[test]
    fn generated_patients_round_trip_as_patient(text in patient(1)) {
        check_round_trip::<Patient>(&text)?;
    }

    #[test]
    fn generated_observations_round_trip_as_observation(text in observation(1)) {
        check_round_trip::<Observation>(&text)?;
    }

}

proptest! {
    // A cheap property: fewer cases.
    #![proptest_config(ProptestConfig { cases: 64, ..config() })]

    /// A UTF-8 byte order mark in front of the text changes nothing.
    #[test]
    fn byte_order_mark_is_ignored(text in patient(0)) {
        let plain: Resource = json::from_str(&text).map_err(fail)?;
        let with_bom = format!("\u{feff}{text}");
        let bom: Resource = json::from_str(&with_bom).map_err(fail)?;
        prop_assert_eq!(&bom, &plain);
        let read: Resource = json::from_reader(with_bom.as_bytes()).map_err(fail)?;
        prop_assert_eq!(&read, &plain);
    }
}

/// The shapes named in the brief, written out, so a regression shows up without shrinking.
#[test]
fn hand_written_shapes_round_trip() {
    let cases = [
        r#"{"resourceType":"Patient","name":[{"given":["A",null],"_given":[null,{"extension":[{"url":"u","valueDecimal":-1.50}]}]}]}"#,
        r#"{"gender":"male","_gender":{"extension":[{"url":"u","valueDecimal":1E-7}]},"resourceType":"Patient","birthDate":"2019-05","_birthDate":{"id":"b"}}"#,
        r#"{"resourceType":"Observation","valueQuantity":{"value":-0,"unit":"kg"},"component":[{"valueQuantity":{"value":1e3}},{"valueInteger":100}]}"#,
        r#"{"resourceType":"Observation","effectiveDateTime":"2019-13-45","issued":"not a date","valueQuantity":{"value":0.0}}"#,
        r#"{"resourceType":"Bundle","entry":[{"resource":{"id":"e","resourceType":"Encounter","x":[1.50,{"y":1E-7}]}},{"resource":{"resourceType":"Patient","contained":[{"resourceType":"Claim","total":100.00}]}}]}"#,
        r#"{"contained":[{"valueDecimal":1.0,"resourceType":"Observation"}],"resourceType":"Patient","xUnknown":{"deep":[[[-0.0]]]}}"#,
    ];
    for (i, text) in cases.iter().enumerate() {
        let parsed: Resource = json::from_str(text).unwrap_or_else(|e| panic!("case {i}: {e}"));
        let out = json::to_string(&parsed).unwrap();
        assert_json_equal(text, &out, &format!("case {i}"));
        let again: Resource = json::from_str(&out).unwrap();
        assert_eq!(again, parsed, "case {i}");
    }
}

// ---------------------------------------------------------------------------------------------
// DateTime properties

/// A generated, valid FHIR `dateTime`.
#[derive(Debug, Clone)]
struct GenDateTime {
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
    time: Option<GenTime>,
}

#[derive(Debug, Clone)]
struct GenTime {
    hour: u8,
    minute: u8,
    second: u8,
    /// Fraction digits after the `.`, if any.
    fraction: Option<String>,
    /// Offset in minutes; `None` is written `Z`.
    offset_minutes: Option<i32>,
}

impl GenDateTime {
    fn text(&self) -> String {
        let mut s = format!("{:04}", self.year);
        if let Some(m) = self.month {
            s.push_str(&format!("-{m:02}"));
        }
        if let Some(d) = self.day {
            s.push_str(&format!("-{d:02}"));
        }
        if let Some(t) = &self.time {
            s.push_str(&format!("T{:02}:{:02}:{:02}", t.hour, t.minute, t.second));
            if let Some(f) = &t.fraction {
                s.push('.');
                s.push_str(f);
            }
            match t.offset_minutes {
                None => s.push('Z'),
                Some(o) => {
                    let sign = if o < 0 { '-' } else { '+' };
                    s.push_str(&format!("{sign}{:02}:{:02}", o.abs() / 60, o.abs() % 60));
                }
            }
        }
        s
    }

    fn precision(&self) -> Precision {
        match (&self.time, self.day, self.month) {
            (Some(_), ..) => Precision::Time,
            (None, Some(_), _) => Precision::Day,
            (None, None, Some(_)) => Precision::Month,
            (None, None, None) => Precision::Year,
        }
    }

    /// The instant at the start of the period in UTC, computed independently of the crate.
    fn expected_instant(&self) -> time::OffsetDateTime {
        let month = time::Month::try_from(self.month.unwrap_or(1)).unwrap();
        let date = time::Date::from_calendar_date(self.year, month, self.day.unwrap_or(1)).unwrap();
        match &self.time {
            None => date.midnight().assume_utc(),
            Some(t) => {
                let nanos = t.fraction.as_ref().map_or(0, |f| {
                    let nine: String = f.chars().chain(std::iter::repeat('0')).take(9).collect();
                    nine.parse::<u32>().unwrap()
                });
                let tod = if t.second == 60 {
                    time::Time::from_hms_nano(t.hour, t.minute, 59, 999_999_999).unwrap()
                } else {
                    time::Time::from_hms_nano(t.hour, t.minute, t.second, nanos).unwrap()
                };
                let offset =
                    time::UtcOffset::from_whole_seconds(t.offset_minutes.unwrap_or(0) * 60)
                        .unwrap();
                time::PrimitiveDateTime::new(date, tod)
                    .assume_offset(offset)
                    .to_offset(time::UtcOffset::UTC)
            }
        }
    }
}

/// A valid date (year, month, day); years stay clear of 1 and 9999 so that offsets never move
/// the UTC instant out of the years `time` supports.
fn ymd() -> impl Strategy<Value = (i32, u8, u8)> {
    (2i32..=9998, 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| (y, m, d.min(days_in_month(y, m))))
}

fn gen_time() -> impl Strategy<Value = GenTime> {
    let offset = prop_oneof![
        1 => Just(None),
        3 => (-14i32 * 60..=14 * 60).prop_map(Some),
        1 => select(vec![-14 * 60, 14 * 60, -12 * 60, 0, 5 * 60 + 30, -(3 * 60 + 30)])
            .prop_map(Some),
    ];
    let second = prop_oneof![20 => 0u8..=59, 1 => Just(60u8)];
    (
        0u8..=23,
        0u8..=59,
        second,
        prop::option::of(re("[0-9]{1,12}")),
        offset,
    )
        .prop_map(|(hour, minute, second, fraction, offset_minutes)| GenTime {
            hour,
            minute,
            second,
            fraction,
            offset_minutes,
        })
}

fn fhir_datetime() -> impl Strategy<Value = GenDateTime> {
    (ymd(), 0u8..4, gen_time()).prop_map(|((year, month, day), precision, time)| GenDateTime {
        year,
        month: (precision >= 1).then_some(month),
        day: (precision >= 2).then_some(day),
        time: (precision >= 3).then_some(time),
    })
}

proptest! {
    #![proptest_config(config())]

    /// Every valid `dateTime` parses strictly, has an instant, and that instant is the start of
    /// its period in UTC.
    #[test]
    fn datetime_instant_is_start_of_period(g in fhir_datetime()) {
        let text = g.text();
        let dt = DateTime::new(text.as_str());
        let parsed = dt.parse();
        prop_assert!(parsed.is_ok(), "{text}: {parsed:?}");
        prop_assert_eq!(parsed.unwrap().precision(), g.precision(), "{}", text);
        prop_assert_eq!(dt.instant(), Some(g.expected_instant()), "{}", text);
        if g.time.is_none() {
            // A partial date's instant is UTC midnight at the start of its period, and a `date`
            // of the same text agrees.
            prop_assert_eq!(Date::new(text.as_str()).instant(), Some(g.expected_instant()));
            prop_assert_eq!(dt.date_part(), text.as_str());
        }
    }

    /// At day precision (and coarser), ordering by instant is ordering by (year, month, day),
    /// a missing month or day counting as the first.
    #[test]
    fn datetime_order_matches_calendar_order(
        (a, pa) in (ymd(), 0u8..3),
        (b, pb) in (ymd(), 0u8..3),
    ) {
        let text = |(y, m, d): (i32, u8, u8), p: u8| match p {
            0 => format!("{y:04}"),
            1 => format!("{y:04}-{m:02}"),
            _ => format!("{y:04}-{m:02}-{d:02}"),
        };
        let key = |(y, m, d): (i32, u8, u8), p: u8| {
            (y, if p >= 1 { m } else { 1 }, if p >= 2 { d } else { 1 })
        };
        let (ta, tb) = (text(a, pa), text(b, pb));
        let ia = DateTime::new(ta.as_str()).instant();
        let ib = DateTime::new(tb.as_str()).instant();
        prop_assert!(ia.is_some() && ib.is_some(), "{ta} {tb}");
        prop_assert_eq!(ia.cmp(&ib), key(a, pa).cmp(&key(b, pb)), "{} vs {}", ta, tb);
    }

    /// Same-day values at day precision compare equal whatever else differs in the tuple
    /// ordering, and a time on that day never sorts before the day itself when in UTC.
    #[test]
    fn time_of_day_sorts_after_its_utc_day((y, m, d) in ymd(), t in gen_time()) {
        let day = DateTime::new(format!("{y:04}-{m:02}-{d:02}"));
        let utc = GenTime { offset_minutes: None, ..t };
        let g = GenDateTime { year: y, month: Some(m), day: Some(d), time: Some(utc) };
        let with_time = DateTime::new(g.text());
        prop_assert!(day.instant() <= with_time.instant(), "{}", g.text());
    }
}

/// The extreme years: an offset may carry the UTC instant past year 9999 or before year 1.
/// Whatever `instant()` answers, it must not panic.
#[test]
fn datetime_extreme_offsets_do_not_panic() {
    for text in [
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59-14:00",
        "9999-12-31T23:59:60-00:01",
    ] {
        let dt = DateTime::new(text);
        let _ = dt.parse();
        let _ = dt.parse_lenient();
        let _ = dt.instant();
        let _ = ocean_model::Instant::new(text).parse();
    }
}
