//! `notify-add-process-request` and `notify-update-process-request`: Task statuses, patient
//! import, decline, and the acknowledgement of a revoke.

use super::*;

#[test]
fn add_process_request() {
    let (m, site, pos) = (received(), site(), pos());
    let built = outbound(&m, &site, &pos)
        .add_process_request(&TaskUpdate::new(AcceptedTaskStatus::Received))
        .unwrap();
    let back = check(&built, &m);
    let Event::NotifyAddProcessRequest(t) = back.event() else {
        panic!("wrong event")
    };
    assert_eq!(t.accepted_status(), Some(AcceptedTaskStatus::Received));
    assert!(t.is_process_request());
    assert!(!t.imports_patient());
    assert_eq!(t.owner().unwrap().site_number(), Some("1234"));
    assert_eq!(
        t.task().authored_on.as_ref().unwrap().as_str(),
        "2025-06-02T10:15:30.250-04:00"
    );
    insta::assert_json_snapshot!("notify_add_process_request", built.bundle());
}

#[test]
fn accept_with_patient_import() {
    let (m, site, pos) = (received(), site(), pos());
    let built = outbound(&m, &site, &pos)
        .update_process_request(&TaskUpdate::accept().import_patient(Some("MRN-0042".into())))
        .unwrap();
    let back = check(&built, &m);
    let Event::NotifyUpdateProcessRequest(t) = back.event() else {
        panic!("wrong event")
    };
    assert_eq!(t.status(), Some(&TaskStatus::Accepted));
    assert!(t.imports_patient());
    let mrn = back
        .referral()
        .patient()
        .identifier
        .iter()
        .find(|i| i.value.as_deref() == Some("MRN-0042"))
        .expect("MRN on the patient");
    assert_eq!(
        mrn.system.as_ref().unwrap().as_str(),
        "http://localhost:8081/svc/fhir/v1/NamingSystem/id-external-patient-reference"
    );
    // Ocean's value-less MR identifier was replaced, not duplicated.
    assert_eq!(back.referral().patient().identifier.len(), 2);
    insta::assert_json_snapshot!(
        "notify_update_process_request_accept_import",
        built.bundle()
    );
}

#[test]
fn decline_with_reason() {
    let (m, site, pos) = (received(), site(), pos());
    let built = outbound(&m, &site, &pos)
        .update_process_request(&TaskUpdate::decline("We do not offer this service"))
        .unwrap();
    let back = check(&built, &m);
    let Event::NotifyUpdateProcessRequest(t) = back.event() else {
        panic!("wrong event")
    };
    assert_eq!(t.accepted_status(), Some(AcceptedTaskStatus::Rejected));
    assert_eq!(t.reason(), Some("We do not offer this service"));
    insta::assert_json_snapshot!("notify_update_process_request_decline", built.bundle());
}

#[test]
fn every_accepted_status_but_cancelled_builds() {
    let (m, site, pos) = (received(), site(), pos());
    for status in AcceptedTaskStatus::ALL {
        let result = outbound(&m, &site, &pos).update_process_request(&TaskUpdate::new(status));
        if status == AcceptedTaskStatus::Cancelled {
            assert_eq!(result.unwrap_err(), BuildError::ReceiverCannotCancel);
        } else {
            let back = check(&result.unwrap(), &m);
            let Event::NotifyUpdateProcessRequest(t) = back.event() else {
                panic!("wrong event")
            };
            assert_eq!(t.accepted_status(), Some(status));
        }
    }
}

#[test]
fn revoke_is_acknowledged_with_cancelled_only() {
    let mut v = json(BACK_PAIN);
    set_event(&mut v, "revoke-service-request");
    let m = supported(&to_bytes(&v));
    let (site, pos) = (site(), pos());
    let built = outbound(&m, &site, &pos)
        .update_process_request(&TaskUpdate::new(AcceptedTaskStatus::Cancelled))
        .unwrap();
    let back = check(&built, &m);
    let Event::NotifyUpdateProcessRequest(t) = back.event() else {
        panic!("wrong event")
    };
    assert_eq!(t.accepted_status(), Some(AcceptedTaskStatus::Cancelled));
    insta::assert_json_snapshot!("notify_update_process_request_revoke_ack", built.bundle());
    let mut out = outbound(&m, &site, &pos);
    assert_eq!(
        out.update_process_request(&TaskUpdate::accept())
            .unwrap_err(),
        BuildError::Revoked
    );
    assert_eq!(
        out.add_appointment(&Booking::instructions_only("x"))
            .unwrap_err(),
        BuildError::Revoked
    );
    assert_eq!(
        out.send_communication(&OutgoingCommunication::text("x"))
            .unwrap_err(),
        BuildError::Revoked
    );
}
