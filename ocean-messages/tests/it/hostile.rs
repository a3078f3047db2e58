//! Hostile sizes (issue 18): references resolve through one index, so `parse` is linear. These
//! run the sizes (they took 53 s and 71 s with a scan per reference); no timing
//! assertion, the test binary's own run time is the check.

use ocean_messages::{Event, Received, parse};
use serde_json::{Value, json};

use crate::common::*;

#[test]
fn focus_repeated_60000_times() {
    let mut v = json(BACK_PAIN);
    let focus = v["entry"][0]["resource"]["focus"][0].clone();
    v["entry"][0]["resource"]["focus"] = Value::Array(vec![focus; 60_000]);
    let body = to_bytes(&v);
    let m = supported(&body);
    assert_eq!(m.other_focus().count(), 59_999);
    assert!(matches!(m.event(), Event::AddServiceRequest(_)));
}

#[test]
fn thirty_thousand_unresolvable_references() {
    let mut v = json(BACK_PAIN);
    let entries = v["entry"].as_array_mut().unwrap();
    for i in 0..30_000u32 {
        entries.push(json!({
            "fullUrl": format!("urn:uuid:00000000-0000-4000-8000-{i:012}"),
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "subject": {"reference": format!("Patient/missing-{i}")},
                "performer": [{"reference": format!("urn:uuid:10000000-0000-4000-8000-{i:012}")}],
            }
        }));
    }
    let body = to_bytes(&v);
    let Ok(Received::Supported(m)) = parse(&body) else {
        panic!("expected a supported message")
    };
    assert_eq!(m.bundle().entry.len(), 30_010);
    let r = m.referral();
    assert!(r.requester().is_some());
    assert_eq!(r.forms().count(), 1);
}
