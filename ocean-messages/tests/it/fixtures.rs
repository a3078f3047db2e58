//! The real Ocean messages, their v0.10 shape, and the other inbound events built from them.

use ocean_messages::{
    DocumentKind, Event, EventCode, Message, OceanSite, Participant, Received, http, parse,
};
use ocean_model::{OceanBase, ReferralId};
use serde_json::{Value, json};

use crate::common::*;

fn participant(p: Option<Participant<'_>>) -> Value {
    let Some(p) = p else { return Value::Null };
    json!({
        "role": p.role().is_some(),
        "practitioner": p.practitioner().map(|pr| pr.name.iter().map(|n| json!({
            "family": n.family, "given": n.given,
        })).collect::<Vec<_>>()),
        "organization": p.organization().and_then(|o| o.name.clone()),
        "locations": p.locations().iter().map(|l| l.address.as_ref().map(|a| json!({
            "line": a.line, "city": a.city, "state": a.state, "postalCode": a.postal_code,
        }))).collect::<Vec<_>>(),
        "siteNumber": p.site_number(),
        "listing": p.listing_reference(),
    })
}

/// Everything a POS reads from an `add-service-request`, through the views only.
fn summary(m: &Message) -> Value {
    let r = m.referral();
    let patient = r.patient();
    json!({
        "event": m.code(),
        "referralId": r.id().as_str(),
        "oceanBase": m.ocean_base().map(OceanBase::url),
        "idempotencyKey": m.idempotency_key().as_str(),
        "focus": m.focus().resource_type(),
        "status": r.status().map(|s| s.as_str()),
        "priority": r.priority().map(|s| s.as_str()),
        "category": r.category(),
        "authoredOn": r.authored_on().map(|d| d.as_str()),
        "reasons": r.reasons().collect::<Vec<_>>(),
        "notes": r.note_texts().collect::<Vec<_>>(),
        "notesWithoutText": r.notes().filter(|n| n.annotation().text.is_none()).count(),
        "patient": {
            "family": patient.name.first().and_then(|n| n.family.clone()),
            "gender": patient.gender.as_ref().map(|g| g.as_str()),
            "healthNumber": r.health_number().map(|h| h.value().to_owned()),
        },
        "requester": participant(r.requester()),
        "performers": r.performers().map(|p| participant(Some(p))).collect::<Vec<_>>(),
        "receiver": participant(m.receiver()),
        "receiverSiteNumber": m.receiver_site_number(),
        "sender": participant(m.sender()),
        "forms": r.forms().map(|f| json!({
            "formId": f.form_id(),
            "aboutPatient": f.is_about_patient(),
            "visible": f.visible_items().len(),
            "items": f.items().iter().map(|i| json!({
                "linkId": i.link_id(), "text": i.text(), "depth": i.depth(),
                "hidden": i.is_hidden(), "answers": i.answer_texts(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "documents": r.documents().flat_map(|d| d.links()).map(|l| json!({
            "kind": format!("{:?}", l.kind()), "url": l.url(),
            "contentType": l.content_type(), "title": l.title(), "size": l.size(),
        })).collect::<Vec<_>>(),
        "letterUrl": r.letter_url(),
        "tasks": r.tasks().count(),
        "appointments": r.appointments().count(),
        "communications": r.communications().count(),
        "profileIssues": m.profile_issues().iter().map(|i| format!(
            "{} {} {}", i.severity.as_str(), i.rule, i.path
        )).collect::<Vec<_>>(),
    })
}

#[test]
fn back_pain_every_field_reachable() {
    let m = supported(BACK_PAIN);
    let Event::AddServiceRequest(r) = m.event() else {
        panic!("not add-service-request")
    };
    assert_eq!(r.id().as_str(), "71db1a5c-89ce-41d5-bc71-8466f6c2f182");
    assert_eq!(r.category(), Some("MENTAL_HEALTH_ASSESSMENT_AND_REFERRAL"));
    assert!(
        r.note_texts()
            .next()
            .unwrap()
            .contains("Reason for Referral")
    );
    let performer = r.performers().next().unwrap();
    assert_eq!(performer.site_number(), Some("1234"));
    assert_eq!(
        performer.locations()[0]
            .address
            .as_ref()
            .unwrap()
            .city
            .as_deref(),
        Some("Toronto")
    );
    let requester = r.requester().unwrap();
    assert_eq!(
        requester.practitioner().unwrap().name[0].family.as_deref(),
        Some("Kavanagh")
    );
    let form = r.forms().next().unwrap();
    assert_eq!(form.form_id(), Some("quickReferral"));
    assert!(form.items().iter().any(|i| i.is_hidden()));
    assert!(form.items().iter().any(|i| !i.is_hidden()));
    let letter = r.documents().next().unwrap().links().next().unwrap();
    assert_eq!(letter.kind(), DocumentKind::ReferralLetter);
    assert_eq!(
        r.letter_url(),
        Some(
            "http://localhost:8081/svc/fhir/v1/ServiceRequest/71db1a5c-89ce-41d5-bc71-8466f6c2f182/$letter"
        )
    );
    // The site builds the same letter URL from the referral id.
    assert_eq!(
        site().letter_url(r.id(), false).as_str(),
        r.letter_url().unwrap()
    );
    assert!(m.profile_issues().is_empty());
    insta::assert_json_snapshot!("back_pain_summary", summary(&m));
}

#[test]
fn miscellaneous_every_field_reachable() {
    let m = supported(MISC);
    assert_eq!(m.code(), EventCode::AddServiceRequest);
    let r = m.referral();
    assert_eq!(r.id().as_str(), "09eb136e-fcdb-454f-8cd7-a415c19cda40");
    assert_eq!(r.category(), Some("MISCELLANEOUS"));
    assert_eq!(r.priority().unwrap().as_str(), "routine");
    // Ocean's note without text is readable, and reported as a profile issue only.
    assert_eq!(r.note_texts().count(), 0);
    assert_eq!(r.notes().count(), 1);
    let issues = m.profile_issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].rule, "annotation-text");
    assert_eq!(
        m.sender().unwrap().practitioner().unwrap().name[0]
            .family
            .as_deref(),
        Some("Kavanagh")
    );
    insta::assert_json_snapshot!("miscellaneous_summary", summary(&m));
}

/// Rewrites an Ocean v0.11.1 message in the v0.10 shape: no `fullUrl`, resource ids, `Type/id`
/// references, the referral id as `ext-id-message-header` `valueString`.
fn to_v0_10(v: &Value) -> Value {
    let mut v = v.clone();
    let mut map = std::collections::HashMap::new();
    for entry in v["entry"].as_array_mut().unwrap() {
        let url = entry["fullUrl"].as_str().unwrap().to_owned();
        let ty = entry["resource"]["resourceType"]
            .as_str()
            .unwrap()
            .to_owned();
        let id = url.trim_start_matches("urn:uuid:").to_owned();
        entry["resource"]["id"] = Value::from(id.clone());
        map.insert(url, format!("{ty}/{id}"));
        entry.as_object_mut().unwrap().remove("fullUrl");
    }
    fn rewrite(v: &mut Value, map: &std::collections::HashMap<String, String>) {
        match v {
            Value::Object(o) => {
                for (k, child) in o.iter_mut() {
                    if k == "reference" {
                        if let Some(to) = child.as_str().and_then(|s| map.get(s)) {
                            *child = Value::from(to.clone());
                        }
                    } else {
                        rewrite(child, map);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|c| rewrite(c, map)),
            _ => {}
        }
    }
    rewrite(&mut v, &map);
    let header = &mut v["entry"][0]["resource"];
    let referral = header["extension"][0]["valueIdentifier"]["value"].clone();
    header["extension"] = json!([{
        "url": "http://ehealthontario.ca/fhir/StructureDefinition/ext-id-message-header",
        "valueString": referral,
    }]);
    v
}

#[test]
fn v0_10_shape_parses_to_the_same_referral() {
    for fixture in [BACK_PAIN, MISC] {
        let v11 = supported(fixture);
        let old = to_v0_10(&json(fixture));
        assert!(old["entry"][3].get("fullUrl").is_none());
        let v10 = supported(&to_bytes(&old));
        let (a, b) = (v11.referral(), v10.referral());
        assert_eq!(a.id(), b.id());
        assert_eq!(
            v10.ocean_base(),
            v11.ocean_base(),
            "host from the SR identifier"
        );
        assert_eq!(a.patient().name, b.patient().name);
        assert_eq!(
            a.requester().unwrap().practitioner().map(|p| &p.name),
            b.requester().unwrap().practitioner().map(|p| &p.name)
        );
        assert_eq!(a.performers().count(), b.performers().count());
        assert_eq!(b.performers().next().unwrap().site_number(), Some("1234"));
        assert_eq!(a.forms().count(), b.forms().count());
        assert_eq!(a.letter_url(), b.letter_url());
        assert_eq!(v10.receiver_site_number(), Some("1234"));
        assert!(v10.idempotency_key().as_str().contains("|msh:"));
    }
}

#[test]
fn referral_id_from_the_service_request_alone() {
    let mut v = json(BACK_PAIN);
    v["entry"][0]["resource"]
        .as_object_mut()
        .unwrap()
        .remove("extension");
    let m = supported(&to_bytes(&v));
    assert_eq!(
        m.referral_id().as_str(),
        "71db1a5c-89ce-41d5-bc71-8466f6c2f182"
    );
    assert_eq!(
        m.ocean_base(),
        Some(&OceanBase::Custom("http://localhost:8081".into()))
    );
}

#[test]
fn inbound_service_request_events() {
    for (code, expected) in [
        (
            "notify-update-service-request",
            EventCode::NotifyUpdateServiceRequest,
        ),
        ("revoke-service-request", EventCode::RevokeServiceRequest),
        (
            "notify-add-service-request",
            EventCode::NotifyAddServiceRequest,
        ),
    ] {
        let mut v = json(BACK_PAIN);
        set_event(&mut v, code);
        let m = supported(&to_bytes(&v));
        assert_eq!(m.code(), expected);
        let e = m.event();
        assert_eq!(e.code(), expected);
        assert_eq!(
            e.referral().id().as_str(),
            "71db1a5c-89ce-41d5-bc71-8466f6c2f182"
        );
        assert!(m.idempotency_key().as_str().starts_with(code));
    }
}

/// `send-communication-from-requester`, built from the fixture: a text, an inline attachment
/// and a DocumentReference attachment.
fn communication_from_requester() -> Value {
    let mut v = json(BACK_PAIN);
    set_event(&mut v, "send-communication-from-requester");
    let sr = entry_of(&v, "ServiceRequest");
    let sr_url = v["entry"][sr]["fullUrl"].clone();
    let requester = v["entry"][sr]["resource"]["requester"].clone();
    let entries = v["entry"].as_array_mut().unwrap();
    entries.push(json!({
        "fullUrl": "urn:uuid:d0c00000-0000-4000-8000-000000000001",
        "resource": {
            "resourceType": "DocumentReference", "status": "current",
            "content": [{"attachment": {
                "contentType": "application/pdf", "title": "labs.pdf",
                "url": "http://localhost:8081/svc/fhir/v1/DocumentReference/abc/$binary"
            }}]
        }
    }));
    entries.push(json!({
        "fullUrl": "urn:uuid:c0c00000-0000-4000-8000-000000000001",
        "resource": {
            "resourceType": "Communication", "status": "completed",
            "basedOn": [{"reference": sr_url}],
            "sender": requester,
            "sent": "2025-05-28T09:00:00-04:00",
            "payload": [
                {"contentString": "Please send the latest imaging."},
                {"contentAttachment": {"contentType": "text/plain", "data": "aGVsbG8=", "title": "note.txt"}},
                {"contentReference": {"reference": "urn:uuid:d0c00000-0000-4000-8000-000000000001"}}
            ]
        }
    }));
    v["entry"][0]["resource"]["focus"] =
        json!([{"reference": "urn:uuid:c0c00000-0000-4000-8000-000000000001"}]);
    v
}

#[test]
fn communication_from_requester_view() {
    let m = supported(&to_bytes(&communication_from_requester()));
    let Event::SendCommunicationFromRequester(c) = m.event() else {
        panic!("wrong event")
    };
    assert_eq!(
        c.texts().collect::<Vec<_>>(),
        ["Please send the latest imaging."]
    );
    let kinds: Vec<_> = c.attachments().iter().map(|a| a.kind()).collect();
    assert_eq!(kinds, [DocumentKind::Inline, DocumentKind::Binary]);
    assert_eq!(c.attachments()[1].title(), Some("labs.pdf"));
    assert_eq!(c.sent().unwrap().as_str(), "2025-05-28T09:00:00-04:00");
    let sender = c.sender().unwrap();
    assert_eq!(
        sender.practitioner().unwrap().name[0].family.as_deref(),
        Some("Kavanagh")
    );
    assert_eq!(
        c.referral().id().as_str(),
        "71db1a5c-89ce-41d5-bc71-8466f6c2f182"
    );
    assert_eq!(c.referral().communications().count(), 1);
    assert_eq!(m.focus().resource_type(), "Communication");
}

#[test]
fn communication_without_based_on_finds_the_referral_by_id() {
    let mut v = communication_from_requester();
    let c = entry_of(&v, "Communication");
    v["entry"][c]["resource"]
        .as_object_mut()
        .unwrap()
        .remove("basedOn");
    let m = supported(&to_bytes(&v));
    assert_eq!(m.referral().entry_index(), entry_of(&v, "ServiceRequest"));
}

#[test]
fn unsupported_event_is_acknowledged() {
    let mut v = json(BACK_PAIN);
    set_event(&mut v, "notify-update-appointment");
    let result = parse(&to_bytes(&v));
    let Ok(Received::Unsupported(u)) = &result else {
        panic!("expected unsupported, got {result:?}")
    };
    assert_eq!(u.code(), "notify-update-appointment");
    assert_eq!(
        u.referral_id(),
        Some(&ReferralId::new("71db1a5c-89ce-41d5-bc71-8466f6c2f182"))
    );
    assert_eq!(u.focus_type(), Some("ServiceRequest"));
    assert!(u.bundle().is_some());
    let received = result.as_ref().unwrap();
    assert!(!received.is_supported());
    assert_eq!(received.event_code(), "notify-update-appointment");
    assert!(received.profile_issues().is_empty());
    assert_eq!(
        received.idempotency_key().as_str(),
        "notify-update-appointment|71db1a5c-89ce-41d5-bc71-8466f6c2f182|msh:fdd94a37-22a7-41ce-8140-6604a1f10908"
    );
    let ack = http::ack(&result);
    assert_eq!(ack.status(), 200);
    assert!(ack.is_success());
    assert!(!ack.body().contains("notify-update-appointment"));
}

#[test]
fn acks_for_every_outcome() {
    assert_eq!(http::ack(&parse(BACK_PAIN)).status(), 200);
    assert_eq!(http::ack(&parse(b"not json")).status(), 400);
    let mut v = json(BACK_PAIN);
    let sr = entry_of(&v, "ServiceRequest");
    v["entry"][sr]["resource"]
        .as_object_mut()
        .unwrap()
        .remove("subject");
    let ack = http::ack(&parse(&to_bytes(&v)));
    assert_eq!(ack.status(), 400);
    let body: Value = serde_json::from_str(&ack.body()).unwrap();
    assert_eq!(body["resourceType"], "OperationOutcome");
    assert_eq!(
        body["issue"][0]["expression"][0],
        format!("Bundle.entry[{sr}].resource.subject")
    );
    assert_eq!(ack.content_type(), "application/fhir+json");
}

#[test]
fn idempotency_key_is_stable_and_distinct() {
    let a = parse(BACK_PAIN).unwrap();
    let again = parse(BACK_PAIN).unwrap();
    assert_eq!(a.idempotency_key(), again.idempotency_key());
    // Re-serialised (a retry need not be byte-identical): same key.
    let reserialised = serde_json::to_vec_pretty(&json(BACK_PAIN)).unwrap();
    assert_eq!(
        parse(&reserialised).unwrap().idempotency_key(),
        a.idempotency_key()
    );
    // A new message (new MessageHeader id) for the same referral: another key.
    let mut v = json(BACK_PAIN);
    v["entry"][0]["resource"]["id"] = Value::from("00000000-0000-4000-8000-0000000000aa");
    assert_ne!(
        parse(&to_bytes(&v)).unwrap().idempotency_key(),
        a.idempotency_key()
    );
    let other = parse(MISC).unwrap();
    assert_ne!(other.idempotency_key(), a.idempotency_key());
}

#[test]
fn sites_pick_their_messages() {
    let m = supported(BACK_PAIN);
    let local = site();
    let other_number =
        OceanSite::new(OceanBase::Custom("http://localhost:8081".into()), "99").unwrap();
    let production = OceanSite::new(OceanBase::Production, "1234").unwrap();
    assert!(local.matches(&m));
    assert!(!other_number.matches(&m));
    assert!(!production.matches(&m));
    let sites = [production.clone(), other_number.clone(), local.clone()];
    assert_eq!(OceanSite::find_for(&sites, &m), Some(&local));
    assert_eq!(OceanSite::find_for(&[production, other_number], &m), None);
    // Two sites the message cannot tell apart: no answer rather than a guess.
    let twin = OceanSite::new(OceanBase::Custom("http://localhost:8081/".into()), "1234").unwrap();
    assert_eq!(OceanSite::find_for(&[local, twin], &m), None);
}
