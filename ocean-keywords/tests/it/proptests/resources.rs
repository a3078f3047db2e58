//! Resource generators over a small vocabulary: Observations (seed, near-miss and unrelated codes,
//! every date precision and offset, every value type), Conditions, allergies, Immunizations,
//! MedicationStatements and their Medications, Patients and DocumentReferences.

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Exact number text: `json!` would turn `1.50` into `1.5`, so numbers travel as marked strings
// and are spliced in as raw text when the Bundle is written.

pub(super) const NUM_OPEN: &str = "\"@@NUM:";
pub(super) const NUM_CLOSE: &str = "@@\"";

pub(super) fn num(text: &str) -> Value {
    Value::String(format!("@@NUM:{text}@@"))
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

pub(super) const OBS_CODES: &[&str] = &[
    "8302-2", "29463-7", "35094-2", "38483-4", "2947-0", "59261-8", // seed codes
    "2160-0", "2951-2", "85354-9", "4548-4", // near misses
    "1234-5", // unrelated
];
pub(super) const SYSTEMS: &[Option<&str>] = &[
    Some("http://loinc.org"),
    Some("http://loinc.org"),
    None,
    Some("http://loinc.org/"),
    Some("urn:oid:2.16.840.1.113883.6.1"),
];
pub(super) const OBS_STATUS: &[Option<&str>] = &[
    Some("final"),
    Some("final"),
    Some("amended"),
    Some("preliminary"),
    None,
    Some("registered"),
    Some("cancelled"),
    Some("entered-in-error"),
];
pub(super) const DATE_FIELDS: &[&str] = &[
    "effectiveDateTime",
    "effectiveDateTime",
    "effectivePeriod",
    "effectiveInstant",
    "issued",
];
/// Every one starts with a 4-digit year (the order-independence property rewrites it).
pub(super) const DATES: &[&str] = &[
    "2019",
    "2019-05",
    "2019-05-01",
    "2019-05-01T00:00:00Z",
    "2020-01-01T23:30:00-08:00",
    "2020-01-02T05:00:00Z",
    "2020-01-02T07:30:00Z",
    "2021-03-04T10:30",
    "2021-03-04T10:30:00",
    "2021-03-04T10:30:00.000+00:00",
    "2018-12-31T16:00:00-08:00",
    "2022-07-01T00:00:00+14:00",
];
pub(super) const BAD_DATES: &[&str] = &["not-a-date", "2020-13-01", "2020/01/01"];
pub(super) const DECIMALS: &[&str] =
    &["1.50", "140.0", "0.5", "7", "-0.0", "1e3", "12.345", "0.10"];
pub(super) const UNITS: &[Option<&str>] = &[Some("mmol/L"), Some("kg"), Some(""), None];
pub(super) const COMPARATORS: &[Option<&str>] = &[None, None, Some("<"), Some(">=")];
pub(super) const TEXTS: &[&str] = &[
    "Asthma",
    "asthma",
    "  Asthma \n",
    "Type 2 diabetes",
    "Hypertension",
    "Penicillin",
    "Metformin 500 mg",
    "Influenza",
    "Caf\u{e9} au lait",
];
pub(super) const DIVS: &[&str] = &[
    "<div xmlns=\"http://www.w3.org/1999/xhtml\">Penicillin &amp; <b>amoxicillin</b></div>",
    "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Peanut<!-- note --></p>\n<p>r&eacute;action&nbsp;grave</p></div>",
    "<div xmlns=\"http://www.w3.org/1999/xhtml\"> </div>",
    "<div xmlns=\"http://www.w3.org/1999/xhtml\">Penicillin</div>",
    "<div xmlns=\"http://www.w3.org/1999/xhtml\">&lt;Latex&gt; &#233; &unknown;</div>",
];

pub(super) fn opt_str(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.to_owned()))
}

/// Removes `null` members (so "absent" is absent, not null).
pub(super) fn clean(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.retain(|_, m| !m.is_null());
        for m in o.values_mut() {
            *m = clean(m.take());
        }
    } else if let Some(a) = v.as_array_mut() {
        for m in a.iter_mut() {
            *m = clean(m.take());
        }
    }
    v
}

pub(super) fn concept() -> impl Strategy<Value = Value> {
    let text = select(TEXTS);
    prop_oneof![
        4 => text.clone().prop_map(|t| json!({"text": t})),
        2 => text.clone().prop_map(|t| json!({"coding":[{"system":"http://snomed.info/sct","code":"123","display":t}]})),
        1 => text.clone().prop_map(|t| json!({"text":"","coding":[{"code":"C1"},{"display":t}]})),
        1 => Just(json!({"coding":[{"system":"http://snomed.info/sct","code":"C9"}]})),
        1 => Just(json!({"coding":[{"system":"http://snomed.info/sct"}]})),
    ]
}

pub(super) fn status_cc(codes: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![
        2 => Just(Value::Null),
        3 => select(codes).prop_map(|c| json!({"coding":[{"system":"http://terminology.hl7.org/CodeSystem/x","code":c}]})),
    ]
}

pub(super) fn quantity() -> impl Strategy<Value = Value> {
    (
        select(DECIMALS),
        select(COMPARATORS),
        select(UNITS),
        any::<bool>(),
    )
        .prop_map(|(v, c, u, code)| {
            clean(json!({
                "value": num(v),
                "comparator": opt_str(c),
                "unit": opt_str(u),
                "code": if code { json!("mg") } else { Value::Null },
            }))
        })
}

/// One `value[x]` member (name, value), or a dataAbsentReason.
pub(super) fn value_member() -> impl Strategy<Value = (String, Value)> {
    prop_oneof![
        4 => quantity().prop_map(|q| ("valueQuantity".to_owned(), q)),
        1 => Just(("valueQuantity".to_owned(), json!({"unit":"mg"}))),
        1 => select(TEXTS).prop_map(|t| ("valueString".to_owned(), json!(t))),
        1 => concept().prop_map(|c| ("valueCodeableConcept".to_owned(), c)),
        1 => select(&["5", "-3", "0"][..]).prop_map(|i| ("valueInteger".to_owned(), num(i))),
        1 => Just(("valueBoolean".to_owned(), json!(true))),
        1 => Just(("dataAbsentReason".to_owned(), json!({"text":"unknown"}))),
    ]
}

pub(super) fn bp_components() -> impl Strategy<Value = Value> {
    let comp = |code: &'static str| {
        (
            select(DECIMALS),
            select(UNITS),
            select(SYSTEMS),
            any::<bool>(),
        )
            .prop_map(move |(v, u, s, has_value)| {
                clean(json!({
                    "code": {"coding":[clean(json!({"system": opt_str(s), "code": code}))]},
                    "valueQuantity": clean(json!({
                        "value": if has_value { num(v) } else { Value::Null },
                        "unit": opt_str(u),
                    })),
                }))
            })
    };
    prop_oneof![
        (comp("8480-6"), comp("8462-4")).prop_map(|(s, d)| json!([s, d])),
        (comp("8480-6"), comp("8462-4")).prop_map(|(s, d)| json!([d, s])),
        comp("8480-6").prop_map(|s| json!([s])),
    ]
}

pub(super) fn observation() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec((select(OBS_CODES), select(SYSTEMS)), 1..=2),
        select(OBS_STATUS),
        select(DATE_FIELDS),
        prop_oneof![9 => select(DATES), 1 => select(BAD_DATES), 1 => Just("")],
        prop::collection::vec(value_member(), 0..=2),
        prop::option::weighted(0.3, bp_components()),
    )
        .prop_map(|(codes, status, field, date, values, components)| {
            let coding: Vec<Value> = codes
                .iter()
                .map(|(c, s)| clean(json!({"system": opt_str(*s), "code": c})))
                .collect();
            let mut o = json!({
                "resourceType": "Observation",
                "status": opt_str(status),
                "code": {"coding": coding},
            });
            if !date.is_empty() {
                o[field] = if field == "effectivePeriod" {
                    json!({ "start": date })
                } else {
                    json!(date)
                };
            }
            for (k, v) in values {
                o[k] = v;
            }
            if let Some(c) = components {
                o["component"] = c;
            }
            clean(o)
        })
}

pub(super) fn condition() -> impl Strategy<Value = Value> {
    (
        status_cc(&[
            "active",
            "recurrence",
            "relapse",
            "resolved",
            "remission",
            "inactive",
        ]),
        status_cc(&["confirmed", "unconfirmed", "refuted", "entered-in-error"]),
        concept(),
    )
        .prop_map(|(c, v, code)| {
            clean(json!({"resourceType":"Condition","clinicalStatus":c,"verificationStatus":v,"code":code,
                "subject":{"reference":"Patient/p"}}))
        })
}

pub(super) fn allergy() -> impl Strategy<Value = Value> {
    (
        status_cc(&["active", "inactive", "resolved"]),
        status_cc(&["confirmed", "unconfirmed", "refuted", "entered-in-error"]),
        prop::option::of(select(DIVS)),
        prop::option::weighted(0.85, concept()),
        prop::collection::vec(prop::collection::vec(concept(), 0..=2), 0..=2),
    )
        .prop_map(|(c, v, div, code, reactions)| {
            let reaction: Vec<Value> = reactions
                .into_iter()
                .map(|m| json!({ "manifestation": m }))
                .collect();
            clean(json!({
                "resourceType":"AllergyIntolerance",
                "clinicalStatus": c,
                "verificationStatus": v,
                "text": div.map_or(Value::Null, |d| json!({"status":"generated","div":d})),
                "code": code.unwrap_or(Value::Null),
                "reaction": if reaction.is_empty() { Value::Null } else { Value::Array(reaction) },
            }))
        })
}

pub(super) fn immunization() -> impl Strategy<Value = Value> {
    (
        select(
            &[
                Some("completed"),
                Some("completed"),
                Some("not-done"),
                Some("entered-in-error"),
                None,
            ][..],
        ),
        concept(),
        prop_oneof![
            Just(Value::Null),
            select(DATES).prop_map(|d| json!({"occurrenceDateTime": d})),
            Just(json!({"occurrenceString": "last fall"})),
        ],
    )
        .prop_map(|(status, code, occ)| {
            let mut im =
                json!({"resourceType":"Immunization","status":opt_str(status),"vaccineCode":code});
            if let Some(o) = occ.as_object() {
                for (k, v) in o {
                    im[k] = v.clone();
                }
            }
            clean(im)
        })
}

/// Medication `k` (0..3): fullUrl `urn:uuid:...-00000000000k`, id `med{k}`.
pub(super) fn med_uuid(k: usize) -> String {
    format!("6a3b1f4e-2d1c-4b7a-9c0e-00000000000{k}")
}

pub(super) fn medication_statement() -> impl Strategy<Value = Value> {
    let med = prop_oneof![
        3 => concept().prop_map(|c| json!({"medicationCodeableConcept": c})),
        1 => (concept(), any::<bool>()).prop_map(|(c, matching)| json!({
            "contained":[{"resourceType":"Medication","id":"m","code":c}],
            "medicationReference":{"reference": if matching { "#m" } else { "#other" }, "display":"Contained display"},
        })),
        3 => (0usize..4, 0usize..3, prop::option::of(select(TEXTS))).prop_map(|(k, form, display)| {
            let reference = match form {
                0 => format!("urn:uuid:{}", med_uuid(k)),
                1 => med_uuid(k),
                _ => format!("Medication/med{k}"),
            };
            clean(json!({"medicationReference":{"reference":reference,"display":opt_str(display)}}))
        }),
    ];
    (
        select(
            &[
                Some("active"),
                Some("active"),
                Some("intended"),
                Some("on-hold"),
                Some("unknown"),
                Some("completed"),
                Some("stopped"),
                Some("not-taken"),
                Some("entered-in-error"),
                None,
            ][..],
        ),
        med,
        prop::option::of(select(&["1 tab daily", "BID", ""][..])),
    )
        .prop_map(|(status, med, dosage)| {
            let mut m = json!({"resourceType":"MedicationStatement","status":opt_str(status)});
            for (k, v) in med.as_object().unwrap() {
                m[k] = v.clone();
            }
            if let Some(d) = dosage {
                m["dosage"] = json!([{ "text": d }]);
            }
            clean(m)
        })
}

/// Medications 0..n (unique ids and fullUrls; reference 3 never resolves).
pub(super) fn medications() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(concept(), 0..=3).prop_map(|codes| {
        codes
            .into_iter()
            .enumerate()
            .map(|(k, code)| {
                json!({"fullUrl": format!("urn:uuid:{}", med_uuid(k)),
                       "resource":{"resourceType":"Medication","id":format!("med{k}"),"code":code}})
            })
            .collect()
    })
}

pub(super) fn patient() -> impl Strategy<Value = Value> {
    (
        select(&["official", "usual", "nickname"][..]),
        select(&["Smith", "Tremblay"][..]),
        select(&["1980-02-29", "1975", "2001-07"][..]),
        select(&["female", "male", "other", "unknown"][..]),
        select(vec![
            json!({"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id","value":"9876543210"}),
            json!({"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn","value":"1234567890",
                   "extension":[{"url":"http://ehealthontario.ca/fhir/StructureDefinition/ext-id-health-card-version-code","valueString":"AB"}]}),
            json!({"type":{"coding":[{"system":"http://hl7.org/fhir/v2/0203","code":"JHN"}]},"value":"555"}),
            json!({"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id"}),
        ]),
        prop::collection::vec(
            (
                select(&["phone", "email", "fax"][..]),
                select(&[Some("home"), Some("mobile"), Some("work"), None][..]),
                select(&["250-555-0100", "250-555-0199", "a@example.org"][..]),
            ),
            0..4,
        ),
    )
        .prop_map(|(name_use, family, birth, gender, identifier, telecom)| {
            let telecom: Vec<Value> = telecom
                .into_iter()
                .map(|(s, u, v)| clean(json!({"system":s,"use":opt_str(u),"value":v})))
                .collect();
            json!({"resourceType":"Patient","id":"p",
                "name":[{"use":"maiden","family":"Maiden"},{"use":name_use,"family":family,"given":["Ann"]}],
                "birthDate":birth,"gender":gender,"identifier":[identifier],"telecom":telecom,
                "address":[{"use":"work","city":"Work"},{"use":"home","city":"Victoria","line":["1 Main St"]}]})
        })
}

pub(super) fn document_reference() -> impl Strategy<Value = Value> {
    let content = (
        select(
            &[
                Some("application/pdf"),
                Some("image/jpg"),
                Some("application/msword"),
                None,
            ][..],
        ),
        select(&[Some("scan.tif"), Some("letter.docx"), None][..]),
        prop_oneof![
            Just(json!({"data":"aGVsbG8="})),
            select(&[10u64, 9_000_000, 10_000_001][..])
                .prop_map(|s| json!({"url":"https://pos.example/files/1","size":s})),
            Just(json!({"url":"https://pos.example/files/2.pdf"})),
            Just(json!({})),
        ],
    )
        .prop_map(|(ct, title, body)| {
            let mut a = clean(json!({"contentType":opt_str(ct),"title":opt_str(title)}));
            for (k, v) in body.as_object().unwrap() {
                a[k] = v.clone();
            }
            json!({ "attachment": a })
        });
    (
        select(&["current", "current", "superseded"][..]),
        prop::collection::vec(content, 1..=2),
    )
        .prop_map(|(status, content)| {
            json!({"resourceType":"DocumentReference","status":status,"description":"Doc","content":content})
        })
}

pub(super) fn list_resource() -> impl Strategy<Value = Value> {
    prop_oneof![
        condition(),
        allergy(),
        immunization(),
        medication_statement(),
    ]
}
