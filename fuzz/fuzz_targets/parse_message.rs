//! Fuzz target: arbitrary bytes as a message received from Ocean.
//!
//! Parsing may fail but must not panic, and neither may anything a receiver does next: the
//! acknowledgement, error `Display`/`Debug`, every view of a supported message, the receive view
//! (`receive --json`). The receive view agrees with the acknowledgement and names an event only
//! when it is a modelled one. A supported message must survive a round trip: written back out and
//! parsed again, it is still supported, with the same event, referral id and idempotency key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocean_messages::{Event, EventCode, Received, http, parse, receive_view};

fuzz_target!(|data: &[u8]| {
    let result = parse(data);
    let ack = http::ack(&result);
    assert!(matches!(ack.status(), 200 | 400 | 422));
    let _ = ack.body();
    let view = receive_view(&result, data);
    assert_eq!(view["answer"], ack.status());
    if let Some(event) = view["event"].as_str() {
        assert!(
            EventCode::from_code(event).is_some(),
            "the view names an unmodelled event"
        );
    }
    assert_eq!(
        view["referral"].is_object(),
        result.as_ref().is_ok_and(|r| r.is_supported())
    );
    let received = match result {
        Ok(r) => r,
        Err(e) => {
            let _ = (e.to_string(), format!("{e:?}"), e.path());
            return;
        }
    };
    let _ = (
        received.event_code(),
        received.focus_type(),
        received.referral_id(),
    );
    let _ = received.profile_issues();
    let Received::Supported(m) = received else {
        return;
    };
    walk(&m);
    let text = match ocean_model::json::to_string(m.bundle()) {
        Ok(t) => t,
        Err(e) => panic!("a parsed message did not serialise: {e}"),
    };
    match parse(text.as_bytes()) {
        Ok(Received::Supported(again)) => {
            assert_eq!(again.code(), m.code());
            assert_eq!(again.referral_id(), m.referral_id());
            assert_eq!(again.idempotency_key(), m.idempotency_key());
        }
        other => panic!("the re-serialised message no longer parses as supported: {other:?}"),
    }
});

/// Touches every view a receiver reads.
fn walk(m: &ocean_messages::Message) {
    let r = m.referral();
    let _ = (r.patient(), r.health_number(), r.category(), r.letter_url());
    let _ = (
        r.note_texts().count(),
        r.reasons().count(),
        r.reason(),
        r.patient_name(),
    );
    for n in r.notes() {
        let _ = (n.text(), n.author(), n.time());
    }
    for p in r
        .requester()
        .into_iter()
        .chain(r.performers())
        .chain(m.receiver())
        .chain(m.sender())
    {
        let _ = (
            p.practitioner(),
            p.organization(),
            p.locations().len(),
            p.site_number(),
            p.display_name(),
        );
    }
    for f in r.forms() {
        let _ = (f.form_id(), f.is_about_patient());
        for item in f.items() {
            let _ = (item.is_hidden(), item.answer_texts(), item.path());
        }
    }
    for d in r.documents() {
        for l in d.links() {
            let _ = (l.kind(), l.url(), l.title());
        }
    }
    for t in r.tasks() {
        let _ = (
            t.accepted_status(),
            t.reason(),
            t.imports_patient(),
            t.owner(),
            t.appointment(),
        );
    }
    for a in r.appointments() {
        let _ = (
            a.is_instructions_only(),
            a.cancellation_reason(),
            a.booking_instructions(),
        );
    }
    for c in r.communications() {
        let _ = (c.texts().count(), c.attachments().len(), c.sender());
    }
    match m.event() {
        Event::NotifyDataCorrection(d) => {
            let _ = d.corrected();
        }
        other => {
            let _ = other.referral().id();
        }
    }
    let _ = m.other_focus().count();
}
