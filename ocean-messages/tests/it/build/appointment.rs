//! `notify-add-appointment` and appointment updates: bookings, instructions only, reschedule,
//! cancellation.

use super::*;

#[test]
fn booking_confirmed() {
    let (m, site, pos) = (received(), site(), pos());
    let booking = Booking::scheduled(datetime!(2025-06-10 14:00 -4))
        .ending(datetime!(2025-06-10 14:30 -4))
        .with_instructions("Please arrive 15 minutes early with your health card.");
    let built = outbound(&m, &site, &pos).add_appointment(&booking).unwrap();
    let back = check(&built, &m);
    let Event::NotifyAddAppointment(a) = back.event() else {
        panic!("wrong event")
    };
    assert_eq!(a.status().unwrap().as_str(), "booked");
    assert_eq!(a.start().unwrap().as_str(), "2025-06-10T14:00:00.000-04:00");
    assert_eq!(a.appointment().minutes_duration, Some(30));
    assert_eq!(
        a.booking_instructions(),
        Some("Please arrive 15 minutes early with your health card.")
    );
    assert!(!a.is_instructions_only());
    insta::assert_json_snapshot!("notify_add_appointment_booked", built.bundle());
}

#[test]
fn booking_unconfirmed() {
    let (m, site, pos) = (received(), site(), pos());
    let booking = Booking::scheduled(datetime!(2025-06-10 14:00 UTC)).unconfirmed();
    let built = outbound(&m, &site, &pos).add_appointment(&booking).unwrap();
    let back = check(&built, &m);
    let Event::NotifyAddAppointment(a) = back.event() else {
        panic!("wrong event")
    };
    assert_eq!(a.status().unwrap().as_str(), "pending");
    assert_eq!(
        a.appointment().participant[0]
            .status
            .as_ref()
            .unwrap()
            .as_str(),
        "needs-action"
    );
    insta::assert_json_snapshot!("notify_add_appointment_unconfirmed", built.bundle());
}

#[test]
fn booking_instructions_only() {
    let (m, site, pos) = (received(), site(), pos());
    let booking = Booking::instructions_only("Call 416-555-0100 to book your assessment.");
    let built = outbound(&m, &site, &pos).add_appointment(&booking).unwrap();
    let back = check(&built, &m);
    let Event::NotifyAddAppointment(a) = back.event() else {
        panic!("wrong event")
    };
    assert!(a.is_instructions_only());
    assert_eq!(a.status().unwrap().as_str(), "proposed");
    insta::assert_json_snapshot!("notify_add_appointment_instructions_only", built.bundle());
}

#[test]
fn appointment_rescheduled() {
    let (m, site, pos) = (received(), site(), pos());
    let update = AppointmentUpdate::reschedule(
        Booking::scheduled(datetime!(2025-06-12 09:00 -4)).ending(datetime!(2025-06-12 09:45 -4)),
    )
    .with_appointment_id(APPOINTMENT);
    let built = outbound(&m, &site, &pos)
        .update_appointment(&update)
        .unwrap();
    let back = check(&built, &m);
    let Event::NotifyUpdateProcessRequest(t) = back.event() else {
        panic!("wrong event")
    };
    assert_eq!(t.accepted_status(), Some(AcceptedTaskStatus::Accepted));
    let a = t
        .appointment()
        .expect("the appointment is the second focus");
    assert_eq!(
        a.appointment().id.as_ref().unwrap().as_str(),
        APPOINTMENT.to_string()
    );
    assert_eq!(a.start().unwrap().as_str(), "2025-06-12T09:00:00.000-04:00");
    assert_eq!(back.header().focus.len(), 2);
    insta::assert_json_snapshot!("notify_update_process_request_reschedule", built.bundle());
}

#[test]
fn appointment_cancelled() {
    let (m, site, pos) = (received(), site(), pos());
    let update = AppointmentUpdate::cancel(Some("The clinic is closed that day.".into()))
        .with_appointment_id(APPOINTMENT);
    let built = outbound(&m, &site, &pos)
        .update_appointment(&update)
        .unwrap();
    let back = check(&built, &m);
    let Event::NotifyUpdateProcessRequest(t) = back.event() else {
        panic!("wrong event")
    };
    let a = t.appointment().unwrap();
    assert_eq!(a.status().unwrap().as_str(), "cancelled");
    assert_eq!(
        a.cancellation_reason(),
        Some("The clinic is closed that day.")
    );
    insta::assert_json_snapshot!(
        "notify_update_process_request_cancel_appointment",
        built.bundle()
    );
}
