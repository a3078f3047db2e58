//! Bundle tools, references, identifiers and validation on the real Ocean messages.

use ocean_model::validate::{Severity, validate, validate_bundle};
use ocean_model::{
    Bundle, DocumentReference, HealthNumber, MessageHeader, OceanBase, OceanNamingSystem, Patient,
    PractitionerRole, Profile, Reference, ReferralId, Resource, ServiceRequest, json,
};

use crate::common::workspace;

fn ocean(name: &str) -> Bundle {
    let text = std::fs::read_to_string(workspace().join("testdata/ocean").join(name)).unwrap();
    json::from_str(&text).unwrap()
}

#[test]
fn ocean_message_structure() {
    let b = ocean("ereferral_back_pain.bundle.json");
    assert_eq!(b.type_.as_ref().unwrap().as_str(), "message");
    let (i, entry, header) = b.entries_of::<MessageHeader>().next().unwrap();
    assert_eq!(i, 0);
    // Ocean writes the MessageHeader fullUrl as a bare UUID.
    assert_eq!(
        entry.full_url.as_ref().unwrap().as_str(),
        "fdd94a37-22a7-41ce-8140-6604a1f10908"
    );
    assert_eq!(header.event_code(), Some("add-service-request"));

    // focus (urn:uuid) -> ServiceRequest -> subject, requester, performer.
    let sr: &ServiceRequest = b.resolve_as(&header.focus[0]).unwrap();
    let patient: &Patient = b.resolve_as(sr.subject.as_ref().unwrap()).unwrap();
    assert_eq!(patient.gender.as_ref().unwrap().as_str(), "male");
    let performer: &PractitionerRole = b.resolve_as(&sr.performer[0]).unwrap();
    let base = OceanBase::from_url("http://localhost:8081");
    assert!(performer.identifier.iter().any(|id| base.is_naming_system(
        id.system.as_ref().unwrap().as_str(),
        OceanNamingSystem::SiteNumber
    )));

    // The referral id is the same in the ServiceRequest identifier and the header extension.
    let id = base.referral_id(&sr.identifier).unwrap();
    assert_eq!(id, ReferralId::new("71db1a5c-89ce-41d5-bc71-8466f6c2f182"));
    let ext = &header.extension[0];
    assert_eq!(
        ext.url.as_ref().unwrap().as_str(),
        "http://ehealthontario.ca/fhir/StructureDefinition/ext-referral-identifier"
    );
    match ext.value.as_ref().unwrap() {
        ocean_model::Value::Identifier(i) => assert_eq!(i.value.as_deref(), Some(id.as_str())),
        other => panic!("unexpected {other:?}"),
    }

    // Ocean's test patient has a health-number system but no value: not a health number.
    assert!(HealthNumber::find(&patient.identifier).is_none());

    // Profiles are the v0.11.1 pins.
    let profile = Profile::parse(patient.meta.as_ref().unwrap().profile[0].as_str()).unwrap();
    assert_eq!(profile, Profile::ocean_v0_11_1("Patient").unwrap());

    // The referral letter URL.
    let doc = b.first_of::<DocumentReference>().unwrap();
    let url = doc.content[0]
        .attachment
        .as_ref()
        .unwrap()
        .url
        .as_ref()
        .unwrap();
    assert!(url.as_str().ends_with("/$letter"));
}

#[test]
fn ocean_messages_validate_with_known_issues_only() {
    let b = ocean("ereferral_back_pain.bundle.json");
    assert_eq!(validate_bundle(&b), vec![]);
    let b = ocean("ereferral_miscellaneous.bundle.json");
    let issues = validate_bundle(&b);
    // Ocean's own payload has a ServiceRequest note without text.
    assert_eq!(issues.len(), 1, "{issues:#?}");
    assert_eq!(issues[0].rule, "annotation-text");
    assert_eq!(issues[0].path, "Bundle.entry[11].resource.note[0].text");
    assert_eq!(issues[0].severity, Severity::Error);
}

#[test]
fn resolution_forms() {
    let text = r##"{"resourceType":"Bundle","type":"collection","entry":[
      {"fullUrl":"https://pos.example/fhir/Patient/p1","resource":{"resourceType":"Patient","id":"p1"}},
      {"fullUrl":"urn:uuid:0b8a1c4e-3f5d-4e2a-9c1b-2d3e4f5a6b7c","resource":{"resourceType":"Practitioner"}},
      {"resource":{"resourceType":"Organization","id":"o1"}},
      {"fullUrl":"5f40a1da-aca8-4b58-b2eb-78bc6dcd3dec","resource":{"resourceType":"Location"}},
      {"resource":{"resourceType":"MedicationStatement","id":"m1",
        "contained":[{"resourceType":"Medication","id":"med"}],
        "medicationReference":{"reference":"#med"}}}]}"##;
    let b: Bundle = json::from_str(text).unwrap();
    let ty = |r: &str| b.resolve(r).map(Resource::resource_type);
    assert_eq!(ty("https://pos.example/fhir/Patient/p1"), Some("Patient"));
    assert_eq!(ty("Patient/p1"), Some("Patient"));
    assert_eq!(ty("Patient/p1/_history/3"), Some("Patient"));
    assert_eq!(
        ty("urn:uuid:0b8a1c4e-3f5d-4e2a-9c1b-2d3e4f5a6b7c"),
        Some("Practitioner")
    );
    assert_eq!(
        ty("0b8a1c4e-3f5d-4e2a-9c1b-2d3e4f5a6b7c"),
        Some("Practitioner")
    );
    assert_eq!(ty("Organization/o1"), Some("Organization"));
    assert_eq!(
        ty("https://elsewhere.example/Organization/o1"),
        Some("Organization")
    );
    assert_eq!(
        ty("urn:uuid:5f40a1da-aca8-4b58-b2eb-78bc6dcd3dec"),
        Some("Location")
    );
    assert_eq!(ty("Organization/o2"), None);
    assert_eq!(ty("#med"), None);
    let ms = b.resolve("MedicationStatement/m1").unwrap();
    let med = b.resolve_from(&Reference::to("#med"), ms).unwrap();
    assert_eq!(med.resource_type(), "Medication");
}

#[test]
fn validation_reports_paths_and_rules() {
    let text = r#"{"resourceType":"Bundle","type":"message","entry":[
      {"fullUrl":"urn:uuid:11111111-1111-1111-1111-111111111111","resource":{
        "resourceType":"MessageHeader",
        "eventCoding":{"system":"http://wrong","code":"notify-add-process-request"},
        "focus":[{"reference":"urn:uuid:22222222-2222-2222-2222-222222222222"}]}},
      {"fullUrl":"urn:uuid:33333333-3333-3333-3333-333333333333","resource":{
        "resourceType":"Task","id":"bad id!","status":"booked","intent":"order",
        "code":{"coding":[{"code":"something-else"}]},
        "basedOn":[{"reference":"urn:uuid:44444444-4444-4444-4444-444444444444"}]}},
      {"resource":{"resourceType":"Patient","birthDate":"1987-13-01","name":[{"given":["A"]}]}}]}"#;
    let b: Bundle = json::from_str(text).unwrap();
    let issues = validate_bundle(&b);
    let has = |rule: &str, path: &str| issues.iter().any(|i| i.rule == rule && i.path == path);
    assert!(has("message-timestamp", "Bundle.timestamp"), "{issues:#?}");
    assert!(has("msh-id", "Bundle.entry[0].resource.id"));
    assert!(has("msh-event", "Bundle.entry[0].resource.eventCoding"));
    assert!(has(
        "msh-source-endpoint",
        "Bundle.entry[0].resource.source.endpoint"
    ));
    assert!(has("msh-focus", "Bundle.entry[0].resource.focus[0]"));
    assert!(has("id-format", "Bundle.entry[1].resource.id"));
    assert!(has("code-unrecognized", "Bundle.entry[1].resource.status"));
    assert!(has("task-code", "Bundle.entry[1].resource.code"));
    assert!(has("task-based-on", "Bundle.entry[1].resource.basedOn[0]"));
    assert!(has(
        "reference-unresolved",
        "Bundle.entry[1].resource.basedOn[0].reference"
    ));
    assert!(has("patient-gender", "Bundle.entry[2].resource.gender"));
    assert!(has("patient-name-family", "Bundle.entry[2].resource.name"));
    assert!(has("datetime-format", "Bundle.entry[2].resource.birthDate"));
    assert!(has(
        "profile-claimed",
        "Bundle.entry[2].resource.meta.profile"
    ));
    // Nothing from the payload leaks into messages.
    for i in &issues {
        assert!(
            !i.message.contains("booked") && !i.message.contains("1987"),
            "{i:?}"
        );
    }
    // Standalone resources get paths rooted at their type.
    let p: Resource = json::from_str(r#"{"resourceType":"Patient","gender":"f"}"#).unwrap();
    let issues = validate(&p);
    assert!(
        issues
            .iter()
            .any(|i| i.rule == "code-unrecognized" && i.path == "Patient.gender")
    );
}

#[test]
fn duplicate_members_last_one_wins() {
    for (text, expect) in [
        (
            r#"{"resourceType":"Patient","gender":null,"gender":"male"}"#,
            r#"{"resourceType":"Patient","gender":"male"}"#,
        ),
        (
            r#"{"resourceType":"Patient","gender":"male","gender":null}"#,
            r#"{"resourceType":"Patient","gender":null}"#,
        ),
        (
            r#"{"resourceType":"Patient","name":[],"name":[{"family":"X"}]}"#,
            r#"{"resourceType":"Patient","name":[{"family":"X"}]}"#,
        ),
    ] {
        let p: Patient = json::from_str(text).unwrap();
        let out: serde_json::Value = serde_json::from_str(&json::to_string(&p).unwrap()).unwrap();
        assert_eq!(
            out,
            serde_json::from_str::<serde_json::Value>(expect).unwrap(),
            "{text}"
        );
    }
}

/// A resourceType the model does not know is input text: validation never repeats it.
#[test]
fn validation_does_not_repeat_unknown_resource_types() {
    let text = r#"{"resourceType":"Bundle","type":"message","timestamp":"2026-01-01T00:00:00Z","entry":[
      {"fullUrl":"urn:uuid:11111111-1111-1111-1111-111111111111","resource":{"resourceType":"Task",
        "status":"accepted","intent":"order","code":{"coding":[{"code":"process-request"}]},
        "basedOn":[{"reference":"urn:uuid:22222222-2222-2222-2222-222222222222"}]}},
      {"fullUrl":"urn:uuid:22222222-2222-2222-2222-222222222222","resource":{"resourceType":"ZebediahQuarterhorse"}}]}"#;
    let b: Bundle = json::from_str(text).unwrap();
    let issues = validate_bundle(&b);
    let based_on = issues
        .iter()
        .find(|i| i.rule == "task-based-on")
        .expect("basedOn resolves to a non-ServiceRequest");
    assert_eq!(based_on.path, "Bundle.entry[0].resource.basedOn[0]");
    for i in &issues {
        let shown = format!("{i:?} {}", i.message);
        assert!(!shown.contains("Zebediah"), "{shown}");
    }
}
