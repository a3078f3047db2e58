//! Malformed messages, one table: each case is seeded with sentinel patient data, gets its
//! documented outcome, and no error text (Display, Debug, ack body) repeats the sentinel data.

use ocean_messages::{
    MessageError, MessageRule, NotAMessage, ParseOptions, Received, http, parse_with,
};
use serde_json::{Value, json};

use crate::common::*;

/// Sentinel patient data; none may appear in any error text (compared case-insensitively).
const SENTINELS: &[&str] = &[
    "SENTINELFAMILY",
    "SENTINELIMPOSTOR",
    "SENTINELGIVEN",
    "9999999999",
    "1911-11-11",
    "SENTINELNOTE",
    "sentinel",
];

/// The documented outcome of a case.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    /// `NotAMessage` of this kind (answer 400).
    NotAMessage(Nam),
    /// `Invalid` with this rule at this path (answer 400).
    Invalid(MessageRule, &'static str),
    /// `Unsupported` with this code (answer 200).
    Unsupported,
    /// Supported (answer 200).
    Supported,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Nam {
    Json,
    TooLarge,
    NotABundle,
    NotMessageBundle,
    NoMessageHeader,
}

fn nam(n: &NotAMessage) -> Nam {
    match n {
        NotAMessage::Json(_) => Nam::Json,
        NotAMessage::TooLarge { .. } => Nam::TooLarge,
        NotAMessage::NotABundle => Nam::NotABundle,
        NotAMessage::NotMessageBundle => Nam::NotMessageBundle,
        NotAMessage::NoMessageHeader => Nam::NoMessageHeader,
        other => panic!("unexpected variant {other:?}"),
    }
}

/// The back-pain message with sentinel patient data: name, PHN, birth date, a note.
fn seeded() -> Value {
    let mut v = json(BACK_PAIN);
    let p = &mut v["entry"][1]["resource"];
    assert_eq!(p["resourceType"], "Patient");
    p["name"] =
        json!([{"use": "official", "family": "SENTINELFAMILY", "given": ["SENTINELGIVEN"]}]);
    p["identifier"][0]["value"] = Value::from("9999999999");
    p["birthDate"] = Value::from("1911-11-11");
    v["entry"][8]["resource"]["note"][0]["text"] =
        Value::from("SENTINELNOTE: SENTINELFAMILY, PHN 9999999999, born 1911-11-11");
    v
}

fn edit(f: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v = seeded();
    f(&mut v);
    to_bytes(&v)
}

fn remove(v: &mut Value, key: &str) {
    v.as_object_mut().unwrap().remove(key);
}

/// Adds a Task (process request, no basedOn unless given) and makes it the focus.
fn task_focus(v: &mut Value, task: Value, code: &str) {
    set_event(v, code);
    v["entry"].as_array_mut().unwrap().push(
        json!({"fullUrl": "urn:uuid:7a5c0000-0000-4000-8000-000000000001", "resource": task}),
    );
    v["entry"][0]["resource"]["focus"] =
        json!([{"reference": "urn:uuid:7a5c0000-0000-4000-8000-000000000001"}]);
}

struct Case {
    label: &'static str,
    body: Vec<u8>,
    options: ParseOptions,
    expect: Expect,
}

fn case(label: &'static str, expect: Expect, body: Vec<u8>) -> Case {
    Case {
        label,
        body,
        options: ParseOptions::default(),
        expect,
    }
}

fn cases() -> Vec<Case> {
    use Expect::*;
    use MessageRule as R;
    let seeded_bytes = to_bytes(&seeded());
    // 5,000 nested arrays, spliced into the seeded message as text (serde_json writes members in
    // alphabetical order, so `resourceType` comes after `name` and `a-…`: those members are
    // read before the type is known, and must re-read within serde_json's depth limit).
    let deep = |field: &str| {
        let mut v = seeded();
        v["entry"][1]["resource"][field] = Value::from("DEEP-PLACEHOLDER");
        let text = serde_json::to_string(&v).unwrap();
        let nested = format!("{}\"9999999999\"{}", "[".repeat(5000), "]".repeat(5000));
        text.replace("\"DEEP-PLACEHOLDER\"", &nested).into_bytes()
    };
    let deep_contained = {
        let mut inner = json!({"resourceType": "Patient", "name": [{"family": "SENTINELFAMILY"}], "birthDate": "1911-11-11"});
        for _ in 0..20 {
            inner = json!({"resourceType": "Patient", "contained": [inner]});
        }
        edit(|v| v["entry"][1]["resource"]["contained"] = json!([inner]))
    };
    let mut bad_utf8 = seeded_bytes.clone();
    let at = bad_utf8
        .windows(14)
        .position(|w| w == b"SENTINELFAMILY")
        .unwrap();
    bad_utf8[at + 3] = 0xFF;
    let mut too_large = case(
        "body over the size limit",
        NotAMessage(Nam::TooLarge),
        seeded_bytes.clone(),
    );
    too_large.options = ParseOptions::new().max_bytes(1024);

    vec![
        case(
            "not JSON: cut short after a sentinel key",
            NotAMessage(Nam::Json),
            br#"{"resourceType":"Bundle","type":"message","SENTINELFAMILY":"9999999999""#.to_vec(),
        ),
        case("empty body", NotAMessage(Nam::Json), Vec::new()),
        case(
            "invalid UTF-8 inside the family name",
            NotAMessage(Nam::Json),
            bad_utf8,
        ),
        case(
            "trailing garbage after the Bundle",
            NotAMessage(Nam::Json),
            [seeded_bytes.as_slice(), b" SENTINELFAMILY 1911-11-11"].concat(),
        ),
        case(
            "a JSON array of patient data",
            NotAMessage(Nam::NotABundle),
            br#"[{"family":"SENTINELFAMILY","birthDate":"1911-11-11"}]"#.to_vec(),
        ),
        case(
            "no resourceType",
            NotAMessage(Nam::NotABundle),
            edit(|v| remove(v, "resourceType")),
        ),
        case(
            "wrong resourceType: a bare Patient",
            NotAMessage(Nam::NotABundle),
            to_bytes(&seeded()["entry"][1]["resource"]),
        ),
        case(
            "resourceType is patient text",
            NotAMessage(Nam::NotABundle),
            edit(|v| v["resourceType"] = Value::from("SENTINELFAMILY")),
        ),
        case(
            "Bundle.type collection",
            NotAMessage(Nam::NotMessageBundle),
            edit(|v| v["type"] = Value::from("collection")),
        ),
        case(
            "Bundle.type missing",
            NotAMessage(Nam::NotMessageBundle),
            edit(|v| remove(v, "type")),
        ),
        case(
            "no entries",
            NotAMessage(Nam::NoMessageHeader),
            edit(|v| remove(v, "entry")),
        ),
        case(
            "MessageHeader not first (the Patient is)",
            NotAMessage(Nam::NoMessageHeader),
            edit(|v| v["entry"].as_array_mut().unwrap().swap(0, 1)),
        ),
        case(
            "first entry without a resource",
            NotAMessage(Nam::NoMessageHeader),
            edit(|v| remove(&mut v["entry"][0], "resource")),
        ),
        too_large,
        // The receive table: only an event we do not model at all is 200 "unsupported"; a
        // near miss of a modelled event is 400 so Ocean retries and alerts the site (issue 12).
        case(
            "modelled code with an unknown event system",
            Invalid(
                R::EventSystem,
                "Bundle.entry[0].resource.eventCoding.system",
            ),
            edit(|v| {
                v["entry"][0]["resource"]["eventCoding"]["system"] =
                    Value::from("urn:example:events")
            }),
        ),
        case(
            "modelled code with an Ocean system but a trailing space",
            Invalid(
                R::EventSystem,
                "Bundle.entry[0].resource.eventCoding.system",
            ),
            edit(|v| {
                v["entry"][0]["resource"]["eventCoding"]["system"] =
                    Value::from("https://ehealthontario.ca/fhir/CodeSystem/message-event-code ")
            }),
        ),
        case(
            "modelled code with an empty system",
            Invalid(
                R::EventSystem,
                "Bundle.entry[0].resource.eventCoding.system",
            ),
            edit(|v| v["entry"][0]["resource"]["eventCoding"]["system"] = Value::from("")),
        ),
        case(
            "modelled code with trailing white space",
            Invalid(R::EventCode, "Bundle.entry[0].resource.eventCoding.code"),
            edit(|v| set_event(v, "add-service-request ")),
        ),
        case(
            "modelled code in another case",
            Invalid(R::EventCode, "Bundle.entry[0].resource.eventCoding.code"),
            edit(|v| set_event(v, "Revoke-Service-Request")),
        ),
        case(
            "near-miss code with an unknown system",
            Invalid(
                R::EventSystem,
                "Bundle.entry[0].resource.eventCoding.system",
            ),
            edit(|v| {
                set_event(v, "\tADD-SERVICE-REQUEST");
                v["entry"][0]["resource"]["eventCoding"]["system"] = Value::from("urn:x");
            }),
        ),
        case(
            "unmodelled code with an unknown system",
            Unsupported,
            edit(|v| {
                set_event(v, "notify-update-appointment");
                v["entry"][0]["resource"]["eventCoding"]["system"] = Value::from("urn:x");
            }),
        ),
        case(
            "code that only contains a modelled one",
            Unsupported,
            edit(|v| set_event(v, "add-service-request-v2")),
        ),
        case(
            "unknown event code carrying patient text",
            Unsupported,
            edit(|v| set_event(v, "SENTINELFAMILY-9999999999")),
        ),
        case(
            "eventUri ending in a modelled code",
            Invalid(R::EventCode, "Bundle.entry[0].resource.eventCoding.code"),
            edit(|v| {
                let h = &mut v["entry"][0]["resource"];
                remove(h, "eventCoding");
                h["eventUri"] = Value::from("http://example.org/events/add-service-request");
            }),
        ),
        case(
            "eventUri of an unmodelled event",
            Unsupported,
            edit(|v| {
                let h = &mut v["entry"][0]["resource"];
                remove(h, "eventCoding");
                h["eventUri"] = Value::from("http://example.org/events/lab-result");
            }),
        ),
        // Ambiguity is refused (issue 18).
        case(
            "both eventCoding and eventUri",
            Invalid(R::MshEventChoice, "Bundle.entry[0].resource.eventUri"),
            edit(|v| {
                v["entry"][0]["resource"]["eventUri"] =
                    Value::from("http://example.org/events/lab-result")
            }),
        ),
        case(
            "both eventCoding and eventUri, wrongly typed patient element",
            Invalid(R::MshEventChoice, "Bundle.entry[0].resource.eventUri"),
            edit(|v| {
                v["entry"][0]["resource"]["eventUri"] = Value::from("urn:x:lab-result");
                v["entry"][1]["resource"]["birthDate"] = Value::from(19111111);
            }),
        ),
        case(
            "a second MessageHeader with another event",
            Invalid(R::MshSingle, "Bundle.entry[10].resource"),
            edit(|v| {
                let mut h = v["entry"][0].clone();
                h["fullUrl"] = Value::from("urn:uuid:5f0c3a52-0000-4000-8000-000000000001");
                h["resource"]["eventCoding"]["code"] = Value::from("revoke-service-request");
                v["entry"].as_array_mut().unwrap().push(h);
            }),
        ),
        case(
            "a second MessageHeader after an unmodelled event",
            Invalid(R::MshSingle, "Bundle.entry[10].resource"),
            edit(|v| {
                let mut h = v["entry"][0].clone();
                h["fullUrl"] = Value::from("urn:uuid:5f0c3a52-0000-4000-8000-000000000001");
                v["entry"].as_array_mut().unwrap().push(h);
                set_event(v, "notify-update-appointment");
            }),
        ),
        case(
            "two Patients with the same Type/id, the first an impostor",
            Invalid(R::ReferenceUnique, "Bundle.entry[2]"),
            edit(|v| {
                // Ocean's v0.10 shape: no fullUrl, Type/id references.
                let mut impostor = v["entry"][1].clone();
                impostor["resource"]["name"] = json!([{"family": "SENTINELIMPOSTOR"}]);
                let entries = v["entry"].as_array_mut().unwrap();
                entries.insert(1, impostor);
                for i in [1, 2] {
                    remove(&mut entries[i], "fullUrl");
                    entries[i]["resource"]["id"] = Value::from("x");
                }
                let sr = entries
                    .iter_mut()
                    .find(|e| e["resource"]["resourceType"] == "ServiceRequest")
                    .unwrap();
                sr["resource"]["subject"]["reference"] = Value::from("Patient/x");
            }),
        ),
        case(
            "an entry whose fullUrl tail is another entry's Type/id",
            Invalid(R::ReferenceUnique, "Bundle.entry[2]"),
            edit(|v| {
                let mut other = v["entry"][1].clone();
                other["resource"]["id"] = Value::from("x");
                remove(&mut other, "fullUrl");
                v["entry"][1]["fullUrl"] = Value::from("http://example.org/fhir/Patient/x");
                v["entry"].as_array_mut().unwrap().insert(2, other);
            }),
        ),
        case(
            "unmodelled event with a wrongly typed patient element",
            Unsupported,
            edit(|v| {
                set_event(v, "notify-update-appointment");
                v["entry"][1]["resource"]["birthDate"] = Value::from(19111111);
            }),
        ),
        case(
            "no event at all",
            Invalid(R::MshEvent, "Bundle.entry[0].resource.eventCoding"),
            edit(|v| remove(&mut v["entry"][0]["resource"], "eventCoding")),
        ),
        case(
            "focus missing",
            Invalid(R::MshFocus, "Bundle.entry[0].resource.focus"),
            edit(|v| remove(&mut v["entry"][0]["resource"], "focus")),
        ),
        case(
            "focus unresolvable, reference made of patient data",
            Invalid(R::MshFocus, "Bundle.entry[0].resource.focus[0]"),
            edit(|v| {
                v["entry"][0]["resource"]["focus"] =
                    json!([{"reference": "urn:uuid:SENTINELFAMILY-9999999999-1911-11-11"}])
            }),
        ),
        case(
            "focus with a display only",
            Invalid(R::MshFocus, "Bundle.entry[0].resource.focus[0]"),
            edit(|v| v["entry"][0]["resource"]["focus"] = json!([{"display": "SENTINELFAMILY"}])),
        ),
        case(
            "huge unresolvable focus reference",
            Invalid(R::MshFocus, "Bundle.entry[0].resource.focus[0]"),
            edit(|v| {
                v["entry"][0]["resource"]["focus"] =
                    json!([{"reference": format!("Patient/{}", "SENTINELFAMILY".repeat(100_000))}])
            }),
        ),
        case(
            "focus is the Patient",
            Invalid(R::FocusType, "Bundle.entry[0].resource.focus[0]"),
            edit(|v| {
                let url = v["entry"][1]["fullUrl"].clone();
                v["entry"][0]["resource"]["focus"] = json!([{"reference": url}]);
            }),
        ),
        case(
            "duplicate fullUrl",
            Invalid(R::FullUrlUnique, "Bundle.entry[5].fullUrl"),
            edit(|v| v["entry"][5]["fullUrl"] = v["entry"][1]["fullUrl"].clone()),
        ),
        case(
            "bare-UUID MessageHeader fullUrl repeated as urn:uuid",
            Invalid(R::FullUrlUnique, "Bundle.entry[6].fullUrl"),
            edit(|v| {
                let bare = v["entry"][0]["fullUrl"].as_str().unwrap().to_uppercase();
                v["entry"][6]["fullUrl"] = Value::from(format!("urn:uuid:{bare}"));
            }),
        ),
        case(
            "referral id missing everywhere",
            Invalid(R::ReferralId, "Bundle.entry[8].resource.identifier"),
            edit(|v| {
                remove(&mut v["entry"][0]["resource"], "extension");
                remove(&mut v["entry"][8]["resource"], "identifier");
            }),
        ),
        case(
            "referral ids disagree",
            Invalid(R::ReferralIdAgree, "Bundle.entry[0].resource.extension[0]"),
            edit(|v| {
                v["entry"][8]["resource"]["identifier"][0]["value"] = Value::from("9999999999")
            }),
        ),
        case(
            "ServiceRequest without subject",
            Invalid(R::SrSubject, "Bundle.entry[8].resource.subject"),
            edit(|v| remove(&mut v["entry"][8]["resource"], "subject")),
        ),
        case(
            "subject unresolvable, made of patient data",
            Invalid(R::SrSubject, "Bundle.entry[8].resource.subject"),
            edit(
                |v| v["entry"][8]["resource"]["subject"] = json!({"reference": "Patient/SENTINELFAMILY", "display": "SENTINELFAMILY SENTINELGIVEN"}),
            ),
        ),
        case(
            "subject is a Practitioner",
            Invalid(R::SrSubject, "Bundle.entry[8].resource.subject"),
            edit(|v| {
                let url = v["entry"][4]["fullUrl"].clone();
                v["entry"][8]["resource"]["subject"] = json!({"reference": url});
            }),
        ),
        case(
            "patient birthDate is a number",
            Invalid(R::FhirJson, "Bundle.entry[1].resource.birthDate"),
            edit(|v| v["entry"][1]["resource"]["birthDate"] = Value::from(19111111)),
        ),
        case(
            "patient name is a string",
            Invalid(R::FhirJson, "Bundle.entry[1].resource.name"),
            edit(|v| {
                v["entry"][1]["resource"]["name"] = Value::from("SENTINELFAMILY SENTINELGIVEN")
            }),
        ),
        case(
            "Task focus whose basedOn points nowhere",
            Invalid(R::BasedOn, "Bundle.entry[10].resource.basedOn"),
            edit(|v| {
                task_focus(
                    v,
                    json!({"resourceType": "Task", "status": "accepted", "intent": "order",
                           "basedOn": [{"reference": "ServiceRequest/SENTINELFAMILY"}]}),
                    "notify-update-process-request",
                )
            }),
        ),
        case(
            "Task focus based on the Patient",
            Invalid(R::BasedOn, "Bundle.entry[10].resource.basedOn"),
            edit(|v| {
                let url = v["entry"][1]["fullUrl"].clone();
                task_focus(
                    v,
                    json!({"resourceType": "Task", "status": "accepted", "intent": "order",
                           "basedOn": [{"reference": url}]}),
                    "notify-add-process-request",
                )
            }),
        ),
        case(
            "Task focus without status",
            Invalid(R::TaskStatus, "Bundle.entry[10].resource.status"),
            edit(|v| {
                let url = v["entry"][8]["fullUrl"].clone();
                task_focus(
                    v,
                    json!({"resourceType": "Task", "intent": "order", "basedOn": [{"reference": url}],
                           "statusReason": {"text": "SENTINELNOTE"}}),
                    "notify-update-process-request",
                )
            }),
        ),
        case(
            "Appointment focus without status",
            Invalid(R::AppointmentStatus, "Bundle.entry[10].resource.status"),
            edit(|v| {
                let url = v["entry"][8]["fullUrl"].clone();
                task_focus(
                    v,
                    json!({"resourceType": "Appointment", "basedOn": [{"reference": url}],
                           "patientInstruction": "SENTINELNOTE"}),
                    "notify-add-appointment",
                )
            }),
        ),
        case(
            "5,000 nested arrays where the patient name belongs",
            NotAMessage(Nam::Json),
            deep("name"),
        ),
        case(
            "5,000 nested arrays in an unknown member before resourceType",
            NotAMessage(Nam::Json),
            deep("a-sentinel"),
        ),
        case(
            "5,000 nested arrays in an unknown member after resourceType (kept verbatim)",
            Supported,
            {
                // Ocean's own member order (resourceType first), patient data swapped in.
                let text = std::str::from_utf8(BACK_PAIN)
                    .unwrap()
                    .replace("DKTest", "SENTINELFAMILY")
                    .replace(
                        r#""resourceType": "Patient","#,
                        &format!(
                            r#""resourceType": "Patient", "birthDate": "1911-11-11", "x-sentinel": {}"9999999999"{},"#,
                            "[".repeat(5000),
                            "]".repeat(5000)
                        ),
                    );
                assert!(text.contains("x-sentinel"));
                text.into_bytes()
            },
        ),
        case(
            "contained resources nested deeper than the model allows",
            NotAMessage(Nam::Json),
            deep_contained,
        ),
        case(
            "huge family name (4 MB) still parses",
            Supported,
            edit(|v| {
                v["entry"][1]["resource"]["name"][0]["family"] =
                    Value::from("SENTINELFAMILY".repeat(300_000))
            }),
        ),
        case(
            "byte order mark before the JSON",
            Supported,
            [b"\xEF\xBB\xBF".as_slice(), seeded_bytes.as_slice()].concat(),
        ),
    ]
}

fn check_no_sentinel(label: &str, what: &str, text: &str) {
    let lower = text.to_lowercase();
    for s in SENTINELS {
        assert!(
            !lower.contains(&s.to_lowercase()),
            "{label}: {what} contains sentinel {s:?}: {}",
            text.chars().take(300).collect::<String>()
        );
    }
}

#[test]
fn malformed_inputs_table() {
    let cases = cases();
    assert!(cases.len() >= 20, "the table needs at least 20 cases");
    let mut labels: Vec<_> = cases.iter().map(|c| c.label).collect();
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(labels.len(), cases.len(), "labels are unique");
    for c in &cases {
        let result = parse_with(&c.body, &c.options);
        let ack = http::ack(&result);
        check_no_sentinel(c.label, "ack body", &ack.body());
        match (&result, c.expect) {
            (Err(e), expected) => {
                check_no_sentinel(c.label, "Display", &e.to_string());
                check_no_sentinel(c.label, "Debug", &format!("{e:?}"));
                check_no_sentinel(c.label, "alternate Debug", &format!("{e:#?}"));
                match (e, expected) {
                    (MessageError::NotAMessage(n), Expect::NotAMessage(k)) => {
                        assert_eq!(nam(n), k, "{}: {e}", c.label);
                        assert_eq!(ack.status(), 400, "{}", c.label);
                    }
                    (MessageError::Invalid(i), Expect::Invalid(rule, path)) => {
                        assert_eq!((i.rule, i.path.as_str()), (rule, path), "{}: {e}", c.label);
                        assert_eq!(ack.status(), 400, "{}", c.label);
                        assert!(e.to_string().contains(rule.id()), "{}: {e}", c.label);
                        assert!(e.to_string().contains(path), "{}: {e}", c.label);
                    }
                    _ => panic!("{}: expected {expected:?}, got {e}", c.label),
                }
            }
            (Ok(Received::Unsupported(_)), Expect::Unsupported) => {
                assert_eq!(ack.status(), 200, "{}", c.label);
            }
            (Ok(Received::Supported(m)), Expect::Supported) => {
                assert_eq!(ack.status(), 200, "{}", c.label);
                check_no_sentinel(c.label, "Message Debug", &format!("{m:?}"));
            }
            (Ok(r), expected) => panic!(
                "{}: expected {expected:?}, got {:?}",
                c.label,
                r.event_code()
            ),
        }
    }
}
