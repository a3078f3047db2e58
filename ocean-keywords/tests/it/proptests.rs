//! Property tests over Bundles built from a small vocabulary: Observations with seed, near-miss
//! and unrelated codes, dates of every precision and offset, values of every type (quantities
//! keep their decimal text); Conditions, allergies (with and without narrative),
//! MedicationStatements (concept, contained, `urn:uuid`, bare UUID and `Medication/id`
//! references, unresolvable ones) with Medication entries, Immunizations, Patients and
//! DocumentReferences.
//!
//! Properties:
//! * pruning keeps the values: `extract(prune(b)).values() == extract(b).values()`, and pruning
//!   again keeps every entry;
//! * entry order does not matter (when no two candidates for a row have the same instant, which
//!   the generator guarantees for that property): latest values and dates are equal, list
//!   keywords are equal as multisets of items, demographics equal with one Patient, attachments
//!   equal as a multiset;
//! * adding `entered-in-error` copies of observations (with a later date) and excluded copies of
//!   list resources changes nothing;
//! * the reader, one byte at a time, agrees with the slice; pages agree with one Bundle.

use crate::support::{OneByte, check_invariants};
use ocean_keywords::{Extraction, Extractor, Rules, extract, extract_reader, prune, prune_pages};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Exact number text: `json!` would turn `1.50` into `1.5`, so numbers travel as marked strings
// and are spliced in as raw text when the Bundle is written.

const NUM_OPEN: &str = "\"@@NUM:";
const NUM_CLOSE: &str = "@@\"";

fn num(text: &str) -> Value {
    Value::String(format!("@@NUM:{text}@@"))
}

fn write(v: &Value) -> Vec<u8> {
    let s = serde_json::to_string(v).unwrap();
    let mut out = String::with_capacity(s.len());
    let mut rest = s.as_str();
    while let Some(i) = rest.find(NUM_OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + NUM_OPEN.len()..];
        let j = after.find(NUM_CLOSE).unwrap();
        out.push_str(&after[..j]);
        rest = &after[j + NUM_CLOSE.len()..];
    }
    out.push_str(rest);
    out.into_bytes()
}

fn bundle_of(entries: &[Value]) -> Vec<u8> {
    write(&json!({
        "resourceType": "Bundle",
        "type": "searchset",
        "total": entries.len(),
        "link": [{"relation":"self","url":"https://pos.example/fhir/Patient/p/$everything"}],
        "entry": entries,
    }))
}

// ---------------------------------------------------------------------------------------------
// Vocabulary

const OBS_CODES: &[&str] = &[
    "8302-2", "29463-7", "35094-2", "38483-4", "2947-0", "59261-8", // seed codes
    "2160-0", "2951-2", "85354-9", "4548-4", // near misses
    "1234-5", // unrelated
];
const SYSTEMS: &[Option<&str>] = &[
    Some("http://loinc.org"),
    Some("http://loinc.org"),
    None,
    Some("http://loinc.org/"),
    Some("urn:oid:2.16.840.1.113883.6.1"),
];
const OBS_STATUS: &[Option<&str>] = &[
    Some("final"),
    Some("final"),
    Some("amended"),
    Some("preliminary"),
    None,
    Some("registered"),
    Some("cancelled"),
    Some("entered-in-error"),
];
const DATE_FIELDS: &[&str] = &[
    "effectiveDateTime",
    "effectiveDateTime",
    "effectivePeriod",
    "effectiveInstant",
    "issued",
];
/// Every one starts with a 4-digit year (the order-independence property rewrites it).
const DATES: &[&str] = &[
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
const BAD_DATES: &[&str] = &["not-a-date", "2020-13-01", "2020/01/01"];
const DECIMALS: &[&str] = &["1.50", "140.0", "0.5", "7", "-0.0", "1e3", "12.345", "0.10"];
const UNITS: &[Option<&str>] = &[Some("mmol/L"), Some("kg"), Some(""), None];
const COMPARATORS: &[Option<&str>] = &[None, None, Some("<"), Some(">=")];
const TEXTS: &[&str] = &[
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
const DIVS: &[&str] = &[
    "<div xmlns=\"http://www.w3.org/1999/xhtml\">Penicillin &amp; <b>amoxicillin</b></div>",
    "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Peanut<!-- note --></p>\n<p>r&eacute;action&nbsp;grave</p></div>",
    "<div xmlns=\"http://www.w3.org/1999/xhtml\"> </div>",
    "<div xmlns=\"http://www.w3.org/1999/xhtml\">Penicillin</div>",
    "<div xmlns=\"http://www.w3.org/1999/xhtml\">&lt;Latex&gt; &#233; &unknown;</div>",
];

fn opt_str(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.to_owned()))
}

/// Removes `null` members (so "absent" is absent, not null).
fn clean(mut v: Value) -> Value {
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

fn concept() -> impl Strategy<Value = Value> {
    let text = select(TEXTS);
    prop_oneof![
        4 => text.clone().prop_map(|t| json!({"text": t})),
        2 => text.clone().prop_map(|t| json!({"coding":[{"system":"http://snomed.info/sct","code":"123","display":t}]})),
        1 => text.clone().prop_map(|t| json!({"text":"","coding":[{"code":"C1"},{"display":t}]})),
        1 => Just(json!({"coding":[{"system":"http://snomed.info/sct","code":"C9"}]})),
        1 => Just(json!({"coding":[{"system":"http://snomed.info/sct"}]})),
    ]
}

fn status_cc(codes: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![
        2 => Just(Value::Null),
        3 => select(codes).prop_map(|c| json!({"coding":[{"system":"http://terminology.hl7.org/CodeSystem/x","code":c}]})),
    ]
}

fn quantity() -> impl Strategy<Value = Value> {
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
fn value_member() -> impl Strategy<Value = (String, Value)> {
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

fn bp_components() -> impl Strategy<Value = Value> {
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

fn observation() -> impl Strategy<Value = Value> {
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

fn condition() -> impl Strategy<Value = Value> {
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

fn allergy() -> impl Strategy<Value = Value> {
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

fn immunization() -> impl Strategy<Value = Value> {
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
fn med_uuid(k: usize) -> String {
    format!("6a3b1f4e-2d1c-4b7a-9c0e-00000000000{k}")
}

fn medication_statement() -> impl Strategy<Value = Value> {
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
fn medications() -> impl Strategy<Value = Vec<Value>> {
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

fn patient() -> impl Strategy<Value = Value> {
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

fn document_reference() -> impl Strategy<Value = Value> {
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

fn list_resource() -> impl Strategy<Value = Value> {
    prop_oneof![
        condition(),
        allergy(),
        immunization(),
        medication_statement(),
    ]
}

fn entry(resource: Value) -> Value {
    json!({ "resource": resource })
}

/// Entries of a Bundle, in generated order (not yet shuffled): observations, list resources,
/// Medications, Patients (0..=max_patients) and DocumentReferences (0..=2, so the 50 MB total is
/// never reached: at most 4 attachments of at most 10 MB).
fn entries(max_patients: usize) -> impl Strategy<Value = Vec<Value>> {
    (
        prop::collection::vec(observation(), 0..12),
        prop::collection::vec(list_resource(), 0..12),
        medications(),
        prop::collection::vec(patient(), 0..=max_patients),
        prop::collection::vec(document_reference(), 0..=2),
        prop::collection::vec(
            select(&["Encounter", "Procedure", "MedicationRequest"][..]),
            0..3,
        ),
    )
        .prop_map(|(obs, lists, meds, patients, docs, others)| {
            let mut out: Vec<Value> = Vec::new();
            out.extend(obs.into_iter().map(entry));
            out.extend(lists.into_iter().map(entry));
            out.extend(meds);
            out.extend(patients.into_iter().map(entry));
            out.extend(docs.into_iter().map(entry));
            out.extend(
                others
                    .into_iter()
                    .map(|t| entry(json!({"resourceType": t, "status": "unknown"}))),
            );
            out
        })
}

fn shuffled_entries(max_patients: usize) -> impl Strategy<Value = Vec<Value>> {
    entries(max_patients).prop_shuffle()
}

/// Gives every Observation's date a distinct year (1900, 1902, ...; two years apart so that no
/// offset can make two of them the same instant), keeping its precision and offset.
fn distinct_dates(entries: &mut [Value]) {
    let mut year = 1900;
    for e in entries.iter_mut() {
        let r = &mut e["resource"];
        if r["resourceType"] != "Observation" {
            continue;
        }
        for field in ["effectiveDateTime", "effectiveInstant", "issued"] {
            if let Some(d) = r[field].as_str() {
                r[field] = json!(with_year(d, year));
            }
        }
        if let Some(d) = r["effectivePeriod"]["start"].as_str() {
            r["effectivePeriod"]["start"] = json!(with_year(d, year));
        }
        year += 2;
    }
}

fn with_year(date: &str, year: i32) -> String {
    if date.len() >= 4 && date.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        format!("{year:04}{}", &date[4..])
    } else {
        date.to_owned()
    }
}

fn count_type(entries: &[Value], ty: &str) -> usize {
    entries
        .iter()
        .filter(|e| e["resource"]["resourceType"] == ty)
        .count()
}

/// Latest keywords (in order), list keywords with sorted items, sorted attachments.
type OrderFree = (
    Vec<(String, String)>,
    Vec<(String, Vec<String>)>,
    Vec<String>,
);

/// The parts of an extraction that do not depend on entry order (see the module docs).
fn order_free(x: &Extraction) -> OrderFree {
    let mut latest = Vec::new();
    let mut lists = Vec::new();
    for (k, v) in &x.keywords {
        if k.starts_with("@ptCpp.") {
            let mut items: Vec<String> = v.split('\n').map(str::to_owned).collect();
            items.sort();
            lists.push((k.clone(), items));
        } else {
            latest.push((k.clone(), v.clone()));
        }
    }
    let mut attachments: Vec<String> = x.attachments.iter().map(|a| format!("{a:?}")).collect();
    attachments.sort();
    (latest, lists, attachments)
}

/// A copy of an Observation or list resource that the rules exclude: entered-in-error (and for
/// Observations a later date and another value).
fn excluded_copy(resource: &Value) -> Option<Value> {
    let mut c = resource.clone();
    let o = c.as_object_mut()?;
    match resource["resourceType"].as_str()? {
        "Observation" => {
            for f in [
                "effectiveDateTime",
                "effectivePeriod",
                "effectiveInstant",
                "issued",
                "valueQuantity",
                "valueString",
                "valueCodeableConcept",
                "valueInteger",
                "valueBoolean",
                "dataAbsentReason",
                "component",
            ] {
                o.remove(f);
            }
            o.insert("status".into(), json!("entered-in-error"));
            o.insert("effectiveDateTime".into(), json!("2100-01-01T00:00:00Z"));
            o.insert("valueString".into(), json!("CHANGED"));
        }
        "Condition" | "AllergyIntolerance" => {
            o.insert(
                "verificationStatus".into(),
                json!({"coding":[{"code":"entered-in-error"}]}),
            );
            o.insert("code".into(), json!({"text":"CHANGED"}));
            o.remove("text");
        }
        "Immunization" | "MedicationStatement" => {
            o.insert("status".into(), json!("entered-in-error"));
        }
        _ => return None,
    }
    Some(c)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `extract(prune(b)).values() == extract(b).values()`; pruning a pruned Bundle keeps every
    /// entry; `total` and `link` are dropped.
    #[test]
    fn prune_keeps_the_values(entries in shuffled_entries(2)) {
        let rules = Rules::default();
        let b = bundle_of(&entries);
        let before = extract(&b).unwrap();
        let pruned = prune(&b, &rules).unwrap();
        prop_assert_eq!(pruned.entries_before, entries.len());
        let after = extract(&pruned.json).unwrap();
        prop_assert_eq!(after.values(), before.values());
        let again = prune(&pruned.json, &rules).unwrap();
        prop_assert_eq!(again.entries_after, pruned.entries_after, "pruning is not minimal");
        prop_assert_eq!(&again.json, &pruned.json);
        let v: Value = serde_json::from_slice(&pruned.json).unwrap();
        prop_assert!(v.get("total").is_none() && v.get("link").is_none());
    }

    /// Entry order does not change latest values, list items (as multisets), demographics (one
    /// Patient) or attachments (as a multiset), when no two Observations share an instant.
    #[test]
    fn extraction_is_independent_of_entry_order(
        (original, permuted) in entries(1).prop_flat_map(|mut e| {
            distinct_dates(&mut e);
            (Just(e.clone()), Just(e).prop_shuffle())
        })
    ) {
        let a = extract(&bundle_of(&original)).unwrap();
        let b = extract(&bundle_of(&permuted)).unwrap();
        prop_assert_eq!(order_free(&a), order_free(&b));
        if count_type(&original, "Patient") == 1 {
            prop_assert_eq!(&a.demographics, &b.demographics);
        }
    }

    /// Adding entered-in-error copies (Observations with a later date and another value;
    /// excluded copies of list resources) anywhere changes nothing Ocean shows.
    #[test]
    fn excluded_copies_change_nothing(
        entries in shuffled_entries(2),
        positions in prop::collection::vec(any::<Index>(), 40),
    ) {
        let before = extract(&bundle_of(&entries)).unwrap();
        let mut with_copies = entries.clone();
        let copies: Vec<Value> = entries
            .iter()
            .filter_map(|e| excluded_copy(&e["resource"]))
            .map(entry)
            .collect();
        for (i, c) in copies.into_iter().enumerate() {
            let at = positions[i % positions.len()].index(with_copies.len() + 1);
            with_copies.insert(at, c);
        }
        let after = extract(&bundle_of(&with_copies)).unwrap();
        prop_assert_eq!(after.values(), before.values());
    }

    /// The reader (whole, and one byte at a time) agrees with the slice, and the fuzz target's
    /// invariants hold.
    #[test]
    fn reader_agrees_with_slice(entries in shuffled_entries(2)) {
        let b = bundle_of(&entries);
        let a = extract(&b).unwrap();
        let r = extract_reader(OneByte(&b), &Rules::default()).unwrap();
        prop_assert_eq!(&a, &r);
        check_invariants(&b, "generated bundle");
    }

    /// Pages read one after the other give the values of one Bundle, and prune to a Bundle with
    /// the same values.
    #[test]
    fn pages_agree_with_one_bundle(
        entries in shuffled_entries(2),
        cuts in prop::collection::vec(any::<Index>(), 0..4),
    ) {
        let rules = Rules::default();
        let whole = extract(&bundle_of(&entries)).unwrap();
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(entries.len() + 1)).collect();
        cuts.push(0);
        cuts.push(entries.len());
        cuts.sort_unstable();
        let pages: Vec<Vec<u8>> = cuts
            .windows(2)
            .map(|w| bundle_of(&entries[w[0]..w[1]]))
            .collect();
        let mut x = Extractor::new(&rules);
        for p in &pages {
            x.add_slice(p).unwrap();
        }
        let paged = x.finish();
        prop_assert_eq!(paged.values(), whole.values());
        let refs: Vec<&[u8]> = pages.iter().map(Vec::as_slice).collect();
        let pruned = prune_pages(&refs, &rules).unwrap();
        prop_assert_eq!(pruned.entries_before, entries.len());
        let pruned_out = extract(&pruned.json).unwrap();
        prop_assert_eq!(pruned_out.values(), whole.values());
    }

    /// Any JSON number text is shown exactly as written.
    #[test]
    fn quantity_text_is_exact(
        number in "-?(0|[1-9][0-9]{0,8})(\\.[0-9]{1,6})?([eE][+-]?[0-9]{1,2})?",
        unit in prop::option::of("[a-zA-Z/%\\[\\]]{1,8}"),
    ) {
        let o = clean(json!({"resourceType":"Observation","status":"final",
            "code":{"coding":[{"system":"http://loinc.org","code":"2947-0"}]},
            "effectiveDateTime":"2024-01-01",
            "valueQuantity":{"value":num(&number),"unit":opt_str(unit.as_deref())}}));
        let out = extract(&bundle_of(&[entry(o)])).unwrap();
        let expected = match &unit {
            Some(u) => format!("{number} {u}"),
            None => number.clone(),
        };
        prop_assert_eq!(out.keyword("@ptLatestVal.na"), Some(expected.as_str()));
    }

    /// An allergy narrative of plain words is its text with whitespace collapsed.
    #[test]
    fn narrative_plain_words(words in prop::collection::vec("[A-Za-z0-9.,()-]{1,12}", 1..6),
                             seps in prop::collection::vec(select(&[" ", "\n  ", "</p><p>", "<br/>", "<!-- c -->  "][..]), 6)) {
        let mut div = String::from("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>");
        for (i, w) in words.iter().enumerate() {
            if i > 0 {
                div.push_str(seps[i % seps.len()]);
            }
            div.push_str(w);
        }
        div.push_str("</p></div>");
        let a = json!({"resourceType":"AllergyIntolerance","text":{"status":"generated","div":div},"code":{"text":"X"}});
        let out = extract(&bundle_of(&[entry(a)])).unwrap();
        // A comment glued between words removes nothing else: words separated by it may join.
        let got = out.keyword("@ptCpp.allg").unwrap().to_owned();
        let squashed: String = words.concat();
        prop_assert_eq!(got.replace(' ', ""), squashed);
        prop_assert!(!got.contains("  ") && !got.contains('\n') && got.trim() == got);
    }
}

/// The generators reach the rules the properties are about (so the properties are not vacuous):
/// over a few hundred generated Bundles, every list keyword, several latest rows (including a
/// blood pressure from components and a value with a comparator), resolved medication references,
/// demographics and attachments all appear, and pruning drops entries.
#[test]
fn generators_reach_the_rules() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = shuffled_entries(2);
    let rules = Rules::default();
    let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
    let mut bump = |k: &'static str, yes: bool| {
        if yes {
            *seen.entry(k).or_default() += 1;
        }
    };
    for _ in 0..300 {
        let entries = strategy.new_tree(&mut runner).unwrap().current();
        let b = bundle_of(&entries);
        let x = extract(&b).unwrap();
        for kw in [
            "@ptCpp.allg",
            "@ptCpp.prob",
            "@ptCpp.pmhx",
            "@ptCpp.immu",
            "@ptCpp.rx",
            "@ptLatestVal.ht",
            "@ptLatestVal.wt",
            "@ptLatestVal.bp",
            "@ptLatestVal.cr",
            "@ptLatestVal.na",
            "@ptLatestVal.a1c",
        ] {
            bump(kw, x.keyword(kw).is_some());
        }
        bump(
            "bp components",
            x.keyword("@ptLatestVal.bp")
                .is_some_and(|v| v.contains('/')),
        );
        bump(
            "comparator",
            x.keywords
                .values()
                .any(|v| v.starts_with('<') || v.starts_with(">=")),
        );
        bump(
            "decimal text 1.50",
            x.keywords.values().any(|v| v.starts_with("1.50")),
        );
        bump(
            "medication via reference",
            x.keyword("@ptCpp.rx").is_some_and(|v| {
                entries
                    .iter()
                    .any(|e| e["resource"]["resourceType"] == "Medication")
                    && !entries.iter().any(|e| {
                        e["resource"]["medicationCodeableConcept"].is_object()
                            || e["resource"]["contained"].is_array()
                    })
                    && !v.is_empty()
            }),
        );
        bump(
            "narrative",
            x.keyword("@ptCpp.allg")
                .is_some_and(|v| v.contains("amoxicillin")),
        );
        bump("demographics", x.demographics.is_some());
        bump("attachments", !x.attachments.is_empty());
        bump(
            "duplicates",
            x.findings_with(ocean_keywords::FindingCode::ItemDuplicate)
                .next()
                .is_some(),
        );
        let p = prune(&b, &rules).unwrap();
        bump("pruned something", p.entries_after < p.entries_before);
    }
    let expected = 20;
    assert_eq!(seen.len(), expected, "{seen:#?}");
    assert!(seen.values().all(|&n| n >= 3), "{seen:#?}");
}
