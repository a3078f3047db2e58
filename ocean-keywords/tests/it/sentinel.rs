//! No patient data in findings or errors: sentinel values seeded everywhere a Bundle can carry
//! patient data (valid and invalid resources, bad dates, unresolvable references, broken JSON)
//! never appear in a finding's message or in an error's `Display`/`Debug`. (Keyword values and
//! demographics do carry patient data: that is their purpose.)

use crate::support::entries_bundle;
use ocean_keywords::{Rules, extract, extract_reader, prune};
use serde_json::json;

const SENTINELS: &[&str] = &[
    "SENTINELFAMILY",
    "SENTINELGIVEN",
    "9999999999",
    "1901-02-03",
    "SENTINELSTREET",
    "SENTINELPHONE",
    "sentinel@example",
    "SENTINELTEXT",
    "SENTINELCODE",
    "SENTINELDATE",
];

fn assert_clean(what: &str, text: &str) {
    for s in SENTINELS {
        assert!(!text.contains(s), "{what} leaks {s}: {text}");
    }
}

fn sentinel_bundle() -> Vec<u8> {
    let name = json!([{"use":"official","family":"SENTINELFAMILY","given":["SENTINELGIVEN"]}]);
    let hn = json!([{"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id","value":"9999999999"}]);
    let urn = "urn:uuid:0b9b5b4e-1111-4222-8333-944455556666";
    entries_bundle([
        // A valid Patient, with a phone without use.
        json!({"fullUrl":urn,"resource":{"resourceType":"Patient","name":name,"identifier":hn,"birthDate":"1901-02-03",
            "address":[{"line":["SENTINELSTREET"]}],
            "telecom":[{"system":"phone","value":"SENTINELPHONE"},{"system":"email","value":"sentinel@example"}]}}),
        // Invalid Patients (wrong JSON types next to the data).
        json!({"resource":{"resourceType":"Patient","name":name,"identifier":hn,"birthDate":"1901-02-03","gender":5}}),
        json!({"resource":{"resourceType":"Patient","name":"SENTINELFAMILY","identifier":hn}}),
        json!({"resource":{"resourceType":"Patient","birthDate":["1901-02-03"],"identifier":[{"value":9999999999u64}]}}),
        json!({"resource":{"resourceType":"Patient","SENTINELFAMILY":{"x":1},"name":[{"family":{"SENTINELFAMILY":1}}]}}),
        // Observations: bad dates, no value, other systems, statuses, near misses.
        json!({"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8302-2"}],"text":"SENTINELTEXT"},
            "effectiveDateTime":"SENTINELDATE","valueString":"SENTINELTEXT"}}),
        json!({"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"SENTINELCODE","code":"29463-7"}]},
            "effectiveDateTime":"2020-01-01","valueString":"SENTINELTEXT"}}),
        json!({"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"code":"2160-0","display":"SENTINELTEXT"}]},
            "effectiveDateTime":"2020-01-01","valueString":"SENTINELTEXT"}}),
        json!({"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"code":"35094-2"}]},
            "effectivePeriod":{"start":"SENTINELDATE"}}}),
        json!({"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"code":"2947-0"}]},
            "issued":"1901-02-03T25:00:00Z","valueBoolean":true}}),
        json!({"resource":{"resourceType":"Observation","status":"entered-in-error","code":{"coding":[{"code":"6298-4"}]},
            "effectiveDateTime":"1901-02-03","valueString":"SENTINELTEXT"}}),
        json!({"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"code":"20565-8"}]},
            "effectiveDateTime":"1901-02-03","dataAbsentReason":{"text":"SENTINELTEXT"}}}),
        // List resources, valid and invalid, excluded, duplicated, without text.
        json!({"resource":{"resourceType":"AllergyIntolerance","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">SENTINELTEXT</div>"}}}),
        json!({"resource":{"resourceType":"AllergyIntolerance","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">SENTINELTEXT</div>"}}}),
        json!({"resource":{"resourceType":"AllergyIntolerance","code":{"text":"SENTINELTEXT"},"verificationStatus":{"coding":[{"code":"refuted"}]}}}),
        json!({"resource":{"resourceType":"AllergyIntolerance","code":"SENTINELTEXT"}}),
        json!({"resource":{"resourceType":"Condition","code":{"text":"SENTINELTEXT"},"onsetDateTime":"1901-02-03"}}),
        json!({"resource":{"resourceType":"Condition","code":{"text":"SENTINELTEXT"}}}),
        json!({"resource":{"resourceType":"Condition","code":{"coding":[{"system":"SENTINELCODE"}]},"note":[{"text":"SENTINELTEXT"}]}}),
        json!({"resource":{"resourceType":"Condition","code":{"text":["SENTINELTEXT"]}}}),
        json!({"resource":{"resourceType":"Immunization","status":"not-done","vaccineCode":{"text":"SENTINELTEXT"}}}),
        json!({"resource":{"resourceType":"Immunization","status":"completed","vaccineCode":{"text":"SENTINELTEXT"},"occurrenceDateTime":{"SENTINELDATE":1}}}),
        json!({"resource":{"resourceType":"MedicationStatement","status":"active","medicationReference":{"reference":"Medication/SENTINELCODE","display":"SENTINELTEXT"}}}),
        json!({"resource":{"resourceType":"MedicationStatement","medicationReference":{"reference":"urn:uuid:SENTINELCODE"},"dosage":[{"text":"SENTINELTEXT"}]}}),
        json!({"resource":{"resourceType":"MedicationStatement","status":"SENTINELCODE","medicationCodeableConcept":{"text":"SENTINELTEXT"}}}),
        json!({"resource":{"resourceType":"Medication","id":"x","code":{"text":7},"SENTINELTEXT":true}}),
        json!({"resource":{"resourceType":"MedicationRequest","medicationCodeableConcept":{"text":"SENTINELTEXT"}}}),
        // Attachments refused, too large, without content.
        json!({"resource":{"resourceType":"DocumentReference","status":"current","content":[
            {"attachment":{"contentType":"application/SENTINELCODE","data":"AAAA","title":"SENTINELTEXT"}},
            {"attachment":{"contentType":"application/pdf","url":"https://x.example/SENTINELFAMILY.pdf","size":99999999999u64,"title":"SENTINELTEXT"}},
            {"attachment":{"title":"SENTINELTEXT"}},
            {"attachment":{"contentType":"application/pdf","url":"https://x.example/SENTINELFAMILY.pdf"}}]}}),
        json!({"resource":{"resourceType":"DocumentReference","status":"superseded","description":"SENTINELTEXT","content":[]}}),
        json!({"resource":{"resourceType":"DocumentReference","status":"current","content":[{"attachment":{"data":"!!SENTINEL!!"}}]}}),
        // A nested Bundle holding patient data, and odd entries.
        json!({"resource":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","name":name}}]}}),
        json!({"resource":"SENTINELFAMILY"}),
        json!({"resource":{"SENTINELFAMILY":"9999999999"}}),
    ])
}

#[test]
fn findings_never_contain_patient_data() {
    let bytes = sentinel_bundle();
    let out = extract(&bytes).unwrap();
    // The data did reach the output where it belongs (so the test is not vacuous).
    let d = out.demographics.as_ref().unwrap();
    assert_eq!(d.family.as_deref(), Some("SENTINELFAMILY"));
    assert_eq!(d.health_number.as_ref().unwrap().value, "9999999999");
    assert!(out.findings.len() >= 15, "{:#?}", out.findings);
    for f in &out.findings {
        assert_clean("finding message", &f.message);
    }
    // Health numbers are redacted in Debug.
    assert_clean("HealthNumberInfo Debug", &format!("{:?}", d.health_number));
    // Same through the reader and after pruning.
    let out = extract_reader(bytes.as_slice(), &Rules::default()).unwrap();
    for f in &out.findings {
        assert_clean("finding message (reader)", &f.message);
    }
    let pruned = prune(&bytes, &Rules::default()).unwrap();
    for f in &extract(&pruned.json).unwrap().findings {
        assert_clean("finding message (pruned)", &f.message);
    }
}

#[test]
fn findings_of_a_single_invalid_resource_are_clean() {
    let inputs = [
        json!({"resourceType":"Patient","name":[{"family":"SENTINELFAMILY"}],"gender":["9999999999"]}),
        json!({"resourceType":"Condition","code":{"text":"SENTINELTEXT"},"subject":"SENTINELFAMILY"}),
        json!({"resourceType":"Observation","code":{"coding":[{"code":"8302-2"}]},"issued":"SENTINELDATE"}),
    ];
    for input in inputs {
        let bytes = serde_json::to_vec(&input).unwrap();
        let out = extract(&bytes).unwrap();
        for f in &out.findings {
            assert_clean("finding message", &f.message);
        }
    }
}

#[test]
fn errors_never_contain_patient_data() {
    let broken: &[&[u8]] = &[
        br#"{"resourceType":"Patient","name":[{"family":"SENTINELFAMILY"}"#,
        br#"{"resourceType":"Patient","name":[{"family":"SENTINELFAMILY"]}"#,
        br#"{"resourceType":"Patient","name":[{"family":"SENTINELFAMILY\q"}]}"#,
        br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","birthDate":"1901-02-03"}}],SENTINELFAMILY}"#,
        br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Observation","valueString":"SENTINELTEXT}}]}"#,
        br#"["SENTINELFAMILY","9999999999"]"#,
        br#""SENTINELFAMILY""#,
        br#"{"SENTINELFAMILY":"9999999999"}"#,
        br#"{"resourceType":"Bundle"} SENTINELFAMILY"#,
        b"{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"SENTINELFAMILY\xff\"}]}",
        br#"{"resourceType":["SENTINELFAMILY"]}"#,
        br#"{"resourceType":"Bundle","entry":[9999999999e999999]}"#,
        br#"{"id":"SENTINELFAMILY"}"#,
    ];
    let rules = Rules::default();
    let mut errors = 0;
    for input in broken {
        for result in [extract(input), extract_reader(*input, &rules)] {
            match result {
                Err(e) => {
                    errors += 1;
                    assert_clean("ExtractError Display", &e.to_string());
                    assert_clean("ExtractError Debug", &format!("{e:?}"));
                }
                Ok(out) => {
                    for f in &out.findings {
                        assert_clean("finding message", &f.message);
                    }
                }
            }
        }
        if let Err(e) = prune(input, &rules) {
            assert_clean("prune error Display", &e.to_string());
            assert_clean("prune error Debug", &format!("{e:?}"));
        }
    }
    assert!(
        errors >= 2 * (broken.len() - 2),
        "most inputs are errors: {errors}"
    );
}
