//! Demographics: the Patient chosen, name, birth date, gender, health number, address, phones and
//! email.

use crate::support::{ex, has};
use ocean_keywords::FindingCode;
use serde_json::{Value, json};

pub(super) fn patient(members: Value) -> Value {
    let mut p = json!({"resourceType":"Patient","id":"p"});
    for (k, v) in members.as_object().unwrap() {
        p[k] = v.clone();
    }
    p
}

fn demo(members: Value) -> ocean_keywords::Demographics {
    ex([patient(members)]).demographics.unwrap()
}

#[test]
fn name_choice() {
    let names = json!([
        {"use":"nickname","family":"Nick","given":["N"]},
        {"use":"usual","family":"Usual","given":["U"]},
        {"use":"official","family":"Official","given":["Ann","Marie"],"prefix":["Dr."],"suffix":["Jr."],"text":"IGNORED"},
        {"use":"official","family":"Second"}
    ]);
    let d = demo(json!({ "name": names }));
    assert_eq!(d.family.as_deref(), Some("Official"));
    assert_eq!(d.given, ["Ann", "Marie"]);
    assert_eq!(d.prefix, ["Dr."]);
    assert_eq!(d.suffix, ["Jr."]);
    let d = demo(json!({"name":[{"use":"maiden","family":"M"},{"use":"usual","family":"U"}]}));
    assert_eq!(d.family.as_deref(), Some("U"));
    let d = demo(json!({"name":[{"use":"maiden","family":"M"},{"family":"X"}]}));
    assert_eq!(d.family.as_deref(), Some("M"));
    // `text` is not used.
    let d = demo(json!({"name":[{"text":"Full Text Name"}]}));
    assert_eq!(d.family, None);
    assert!(d.given.is_empty());
    let out = ex([patient(json!({"name":[{"text":"Full Text Name"}]}))]);
    assert!(
        out.findings_with(FindingCode::MissingDemographic)
            .any(|f| f.message.contains("name"))
    );
}

#[test]
fn birth_date_and_gender_as_written() {
    let d = demo(json!({"birthDate":"1980-02","gender":"unknown"}));
    assert_eq!(d.birth_date.as_deref(), Some("1980-02"));
    assert_eq!(d.gender.as_deref(), Some("unknown"));
    let d = demo(json!({"birthDate":"1975-12-31","gender":"female"}));
    assert_eq!(d.birth_date.as_deref(), Some("1975-12-31"));
    assert_eq!(d.gender.as_deref(), Some("female"));
}

#[test]
fn health_number_variants() {
    let jhn = |system: &str| json!({"coding":[{"system":system,"code":"JHN"}]});
    let cases = [
        // BC PHN by system, no type
        (
            json!({"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id","value":"9876543210"}),
            Some(("9876543210", None, Some("BC"))),
        ),
        // ON HCN with version code
        (
            json!({"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn","value":"1234567890",
                   "extension":[{"url":"http://ehealthontario.ca/fhir/StructureDefinition/ext-id-health-card-version-code","valueString":"AB"}]}),
            Some(("1234567890", Some("AB"), Some("ON"))),
        ),
        // Another province's pattern
        (
            json!({"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-ab-patient-hcn","value":"123456789"}),
            Some(("123456789", None, Some("AB"))),
        ),
        // JHN type, old v2 system spelling, unknown system: no province
        (
            json!({"type":jhn("http://hl7.org/fhir/v2/0203"),"system":"urn:oid:1.2.3","value":"555"}),
            Some(("555", None, None)),
        ),
        // JHN type, new spelling, no system
        (
            json!({"type":jhn("http://terminology.hl7.org/CodeSystem/v2-0203"),"value":"556"}),
            Some(("556", None, None)),
        ),
        // JHN type with a provincial system
        (
            json!({"type":jhn("http://terminology.hl7.org/CodeSystem/v2-0203"),
                   "system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id","value":"9999999998"}),
            Some(("9999999998", None, Some("BC"))),
        ),
        // A system but no value: not a health number (Ocean test data)
        (
            json!({"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id"}),
            None,
        ),
        // An MRN is not a health number
        (
            json!({"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},
                   "system":"urn:oid:1.2.3","value":"MRN1"}),
            None,
        ),
    ];
    for (identifier, expected) in cases {
        let d = demo(json!({ "identifier": [identifier.clone()] }));
        let got = d.health_number.as_ref().map(|h| {
            (
                h.value.as_str(),
                h.version_code.as_deref(),
                h.province.as_deref(),
            )
        });
        assert_eq!(got, expected, "{identifier}");
    }
    // The first health-number identifier wins; the system is reported as written.
    let d = demo(json!({"identifier":[
        {"system":"urn:oid:mrn","value":"MRN"},
        {"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id"},
        {"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn","value":"1111111111"},
        {"system":"https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id","value":"2222222222"}]}));
    let h = d.health_number.unwrap();
    assert_eq!(h.value, "1111111111");
    assert_eq!(
        h.system.as_deref(),
        Some("https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-patient-hcn")
    );
}

#[test]
fn address_choice() {
    let d = demo(json!({"address":[
        {"use":"work","line":["1 Work St"],"city":"Work"},
        {"use":"home","line":["2 Home St","Apt 3"],"city":"Victoria","state":"BC","postalCode":"V8V 1A1","country":"CA"},
        {"use":"home","city":"Second home"}]}));
    let a = d.address.unwrap();
    assert_eq!(a.line, ["2 Home St", "Apt 3"]);
    assert_eq!(a.city.as_deref(), Some("Victoria"));
    assert_eq!(a.state.as_deref(), Some("BC"));
    assert_eq!(a.postal_code.as_deref(), Some("V8V 1A1"));
    assert_eq!(a.country.as_deref(), Some("CA"));
    let d = demo(json!({"address":[{"use":"work","city":"Work"},{"use":"temp","city":"Temp"}]}));
    assert_eq!(d.address.unwrap().city.as_deref(), Some("Work"));
    assert_eq!(demo(json!({})).address, None);
}

#[test]
fn phones_and_email() {
    let out = ex([patient(json!({"telecom":[
        {"system":"email","value":""},
        {"system":"phone","value":"250-555-0000"},
        {"system":"phone","use":"home","value":"250-555-0001","rank":2},
        {"system":"phone","use":"mobile","value":"250-555-0002"},
        {"system":"phone","use":"home","value":"250-555-0003","rank":1},
        {"system":"phone","use":"work","value":""},
        {"system":"phone","use":"work","value":"250-555-0004"},
        {"system":"fax","use":"work","value":"250-555-0005"},
        {"system":"email","use":"home","value":"first@example.org"},
        {"system":"email","value":"second@example.org"}]}))]);
    let d = out.demographics.as_ref().unwrap();
    assert_eq!(
        d.phones.home.as_deref(),
        Some("250-555-0001"),
        "rank not used"
    );
    assert_eq!(d.phones.mobile.as_deref(), Some("250-555-0002"));
    assert_eq!(d.phones.work.as_deref(), Some("250-555-0004"));
    assert_eq!(d.email.as_deref(), Some("first@example.org"));
    assert!(has(&out, FindingCode::PhoneNoUse));
}

#[test]
fn patients_count_and_choice() {
    // No Patient: null demographics.
    let out = ex([json!({"resourceType":"Condition","code":{"text":"X"}})]);
    assert_eq!(out.demographics, None);
    assert!(has(&out, FindingCode::MissingPatient));
    assert_eq!(
        serde_json::to_value(&out).unwrap()["demographics"],
        Value::Null
    );
    // Two Patients: the first.
    let out = ex([
        patient(json!({"gender":"female"})),
        patient(json!({"gender":"male"})),
    ]);
    assert_eq!(
        out.demographics.as_ref().unwrap().gender.as_deref(),
        Some("female")
    );
    assert!(has(&out, FindingCode::MultiplePatients));
    // The first *valid* Patient: an invalid one is skipped and reported.
    let out = ex([
        patient(json!({"gender":5,"birthDate":"1999-01-01"})),
        patient(json!({"gender":"other"})),
    ]);
    assert_eq!(
        out.demographics.as_ref().unwrap().gender.as_deref(),
        Some("other")
    );
    assert!(has(&out, FindingCode::ResourceInvalid));
}
