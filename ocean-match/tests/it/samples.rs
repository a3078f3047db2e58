//! The sample files and real Ocean messages: outcomes, snapshots, reading a Patient.

use super::*;

pub(crate) fn sample_candidates() -> Vec<Candidate> {
    let values: Vec<serde_json::Value> = serde_json::from_str(SAMPLE_CANDIDATES).unwrap();
    values
        .iter()
        .map(|v| {
            let p: Patient = json::from_str(&v.to_string()).unwrap();
            Candidate::from_patient(&p).unwrap()
        })
        .collect()
}

#[test]
fn sample_files_snapshot() {
    let referral: Patient = json::from_str(SAMPLE_REFERRAL).unwrap();
    let o = Matcher::default().match_patient(&Demographics::from(&referral), &sample_candidates());
    expect(&o, "match", &["pos-1001"]);
    insta::assert_json_snapshot!("sample_outcome", o);
}

#[test]
fn ocean_messages_against_the_sample_candidates_match_nobody() {
    for fixture in [OCEAN_BACK_PAIN, OCEAN_MISC] {
        let bundle: Bundle = json::from_str(fixture).unwrap();
        let referral = Demographics::from(patient_from_message(&bundle).unwrap());
        let o = Matcher::default().match_patient(&referral, &sample_candidates());
        expect(&o, "none", &[]);
        assert_eq!(o.assessments().count(), 7);
    }
}

/// The real Ocean message with the patient's demographics filled in (synthetic values) goes
/// through `patient_from_message` and matches the sample chart.
#[test]
fn ocean_message_with_filled_in_demographics_matches() {
    let mut bundle: Bundle = json::from_str(OCEAN_BACK_PAIN).unwrap();
    for entry in &mut bundle.entry {
        if let Some(Resource::Patient(p)) = entry.resource.as_mut() {
            p.identifier[0].value = Some("1234-567-890".to_owned());
            p.birth_date = Some("1984-03-09".into());
            p.name[0].family = Some("Tremblay-Roy".to_owned());
            p.name[0].given = vec!["Émilie".to_owned()];
            p.gender = Some(ocean_model::AdministrativeGender::Female);
        }
    }
    let referral = Demographics::from(patient_from_message(&bundle).unwrap());
    let o = Matcher::default().match_patient(&referral, &sample_candidates());
    expect(&o, "match", &["pos-1001"]);
    insta::assert_json_snapshot!("ocean_message_outcome", o);
}

#[test]
fn patient_from_message_follows_the_focus() {
    let bundle: Bundle = json::from_str(OCEAN_BACK_PAIN).unwrap();
    // A decoy Patient placed before the real one is not the ServiceRequest's subject.
    let mut with_decoy = bundle.clone();
    let decoy: Resource =
        json::from_str(r#"{"resourceType":"Patient","name":[{"family":"Decoy"}]}"#).unwrap();
    with_decoy.entry.insert(
        1,
        ocean_model::BundleEntry::new("urn:uuid:00000000-0000-4000-8000-000000000000", decoy),
    );
    let p = patient_from_message(&with_decoy).unwrap();
    assert_eq!(p.name[0].family.as_deref(), Some("DKTest"));
    // Without a MessageHeader: the first Patient.
    let mut headless = with_decoy.clone();
    headless.entry.remove(0);
    assert_eq!(
        patient_from_message(&headless).unwrap().name[0]
            .family
            .as_deref(),
        Some("Decoy")
    );
    // No Patient at all.
    let mut none = bundle;
    none.entry
        .retain(|e| !matches!(e.resource, Some(Resource::Patient(_))));
    assert!(patient_from_message(&none).is_none());
}

#[test]
fn candidate_from_patient_needs_an_id() {
    let p: Patient =
        json::from_str(r#"{"resourceType":"Patient","name":[{"family":"X"}]}"#).unwrap();
    assert!(Candidate::from_patient(&p).is_none());
    let p: Patient = json::from_str(r#"{"resourceType":"Patient","id":"7"}"#).unwrap();
    assert_eq!(Candidate::from_patient(&p).unwrap().id, "7");
}

#[test]
fn reason_catalogue() {
    let mut codes = std::collections::HashSet::new();
    let mut table = String::new();
    for r in Reason::ALL {
        assert!(codes.insert(r.code()), "repeated code {}", r.code());
        assert_eq!(Reason::from_code(r.code()), Some(r));
        assert_eq!(serde_json::to_value(r).unwrap(), r.code());
        table.push_str(&format!(
            "{} | {} | {}\n",
            r.code(),
            r,
            if r.is_against() { "against" } else { "-" }
        ));
    }
    assert_eq!(Reason::from_code("nope"), None);
    insta::assert_snapshot!("reason_catalogue", table);
}
