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

mod near_miss {
    use ocean_messages::{EventCode, MessageError, MessageRule, Received, parse};
    use proptest::prelude::*;
    use serde_json::Value;

    use crate::common::*;

    const OCEAN: &str = "https://ehealthontario.ca/fhir/CodeSystem/message-event-code";

    fn perturbed() -> impl Strategy<Value = (EventCode, String)> {
        (
            prop::sample::select(EventCode::ALL.to_vec()),
            prop::collection::vec(any::<bool>(), 40),
            "[ \t\n]{0,2}",
            "[ \t\n]{0,2}",
        )
            .prop_map(|(c, upper, pre, post)| {
                let body: String = c
                    .code()
                    .chars()
                    .zip(upper.iter().cycle())
                    .map(|(ch, &u)| if u { ch.to_ascii_uppercase() } else { ch })
                    .collect();
                (c, format!("{pre}{body}{post}"))
            })
    }

    fn system() -> impl Strategy<Value = Option<String>> {
        prop_oneof![
            Just(Some(OCEAN.to_owned())),
            Just(Some(OCEAN.replacen("https", "http", 1))),
            Just(None),
            "[a-z:/.]{0,20}".prop_map(Some),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// A modelled code in any case, with white space around it, with any system, is never
        /// answered 200 "unsupported": it is the event, or a 400 naming the code or system rule.
        #[test]
        fn never_unsupported((code, text) in perturbed(), system in system()) {
            let mut v = json(BACK_PAIN);
            set_event(&mut v, &text);
            match &system {
                Some(s) => v["entry"][0]["resource"]["eventCoding"]["system"] = Value::from(s.as_str()),
                None => {
                    v["entry"][0]["resource"]["eventCoding"].as_object_mut().unwrap().remove("system");
                }
            }
            let ours = system.as_deref().is_none_or(|s| s == OCEAN || s == OCEAN.replacen("https", "http", 1));
            match parse(&to_bytes(&v)) {
                Ok(Received::Unsupported(_)) => prop_assert!(false, "dropped as unsupported"),
                Ok(Received::Supported(m)) => {
                    prop_assert!(ours && text == code.code());
                    prop_assert_eq!(m.code(), code);
                }
                Err(MessageError::Invalid(i)) => {
                    prop_assert_eq!(i.event, Some(code));
                    let expected = if !ours { MessageRule::EventSystem } else if text != code.code() { MessageRule::EventCode } else { i.rule };
                    prop_assert_eq!(i.rule, expected);
                }
                Err(e) => prop_assert!(false, "not a message: {e}"),
            }
        }
    }
}
