//! `notify-data-correction`: corrected demographics and referral data.

use super::*;

#[test]
fn data_correction_demographics() {
    let (m, site, pos) = (received(), site(), pos());
    let mut patient = m.referral().patient().clone();
    patient.name[0].family = Some("Testerson".into());
    patient.name[0].given = vec!["Dana".into()];
    patient.birth_date = Some(ocean_model::Date::new("1980-02-29"));
    let built = outbound(&m, &site, &pos)
        .correct_data(&Correction::new().with_patient(patient))
        .unwrap();
    let back = check(&built, &m);
    let Event::NotifyDataCorrection(d) = back.event() else {
        panic!("wrong event")
    };
    assert!(matches!(d.corrected(), Corrected::ServiceRequest(_)));
    assert_eq!(d.patient().name[0].family.as_deref(), Some("Testerson"));
    assert_eq!(
        d.patient().birth_date.as_ref().unwrap().as_str(),
        "1980-02-29"
    );
    // Same entry identity as received.
    assert_eq!(
        back.bundle().entry[back.referral().patient_index()].full_url,
        m.bundle().entry[m.referral().patient_index()].full_url
    );
    insta::assert_json_snapshot!("notify_data_correction_patient", built.bundle());
}

#[test]
fn data_correction_referral() {
    let (m, site, pos) = (received(), site(), pos());
    let mut sr = m.referral().service_request().clone();
    sr.priority = Some(RequestPriority::Urgent);
    sr.identifier.clear(); // left out: filled back in
    let built = outbound(&m, &site, &pos)
        .correct_data(&Correction::new().with_service_request(sr))
        .unwrap();
    let back = check(&built, &m);
    let Event::NotifyDataCorrection(d) = back.event() else {
        panic!("wrong event")
    };
    assert_eq!(d.service_request().priority, Some(RequestPriority::Urgent));
    insta::assert_json_snapshot!("notify_data_correction_referral", built.bundle());
}
