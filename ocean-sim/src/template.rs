//! The messages Ocean sends to a POS, built from a real Ocean message.
//!
//! The template is the Ocean-generated v0.11.1 `add-service-request` in
//! `testdata/ocean/ereferral_back_pain.bundle.json` (OceanMD's test data). Each message the
//! simulator sends is that Bundle with:
//! - every id fresh for the referral (Bundle, MessageHeader, every entry's `urn:uuid:`); the
//!   ServiceRequest's id is the Ocean referral id, as in Ocean's messages;
//! - the simulator's own Ocean host in every NamingSystem and `$letter` URL;
//! - one of the [synthetic patients](crate::patients) (name, gender, birth date, health number,
//!   record number) and a made-up referrer;
//! - the receiving listing's site number, and the POS's webhook as `destination.endpoint`;
//! - the event code, and what the event adds: a `$binary` DocumentReference, a Task, an
//!   Appointment, a Communication, or the ServiceRequest `revoked`.
//!
//! Every built message parses with [`ocean_messages::parse`] as the event it names (tested).
use serde_json::{Value, json};
use uuid::Uuid;

use crate::patients::SyntheticPatient;

const TEMPLATE: &str = include_str!("../../testdata/ocean/ereferral_back_pain.bundle.json");
const TEMPLATE_HOST: &str = "http://localhost:8081";
const PROFILE: &str = "http://ehealthontario.ca/fhir/StructureDefinition/ca-on-eReferral-profile-";

/// The referral a message is about.
#[derive(Debug, Clone)]
pub struct ReferralSpec {
    /// The Ocean referral id (also the ServiceRequest's id).
    pub referral_id: Uuid,
    /// The site number of the receiving listing.
    pub receiver_site: String,
    /// The site number of the referrer (the sending POS's site), written on the requester.
    pub sender_site: String,
    /// Which synthetic patient.
    pub patient: &'static SyntheticPatient,
    /// The id of the referral's attached DocumentReference (`$binary`), when it has one.
    pub attachment: Option<Uuid>,
}

/// What an event adds to the referral's Bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addition {
    /// A process-request Task with this status (what the receiver sent, echoed by Ocean).
    Task(&'static str),
    /// An Appointment with this status and start (`None`: no date).
    Appointment(&'static str, Option<String>),
    /// A Communication with this text (the focus of `send-communication-from-requester`).
    Communication(&'static str),
    /// The ServiceRequest is `revoked` (the referrer cancelled it).
    Revoked,
}

/// A message Ocean sends, ready to post.
#[derive(Debug, Clone)]
pub struct OceanMessage {
    /// The event code.
    pub event: &'static str,
    /// The MessageHeader id (what a receiver deduplicates on).
    pub message_id: Uuid,
    /// The Bundle.
    pub bundle: Value,
}

impl OceanMessage {
    /// The body, compact JSON.
    pub fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&self.bundle).unwrap_or_default()
    }
}

/// Builds Ocean's messages for the simulator's Ocean host.
#[derive(Debug, Clone)]
pub struct Templates {
    base: String,
    pos_endpoint: String,
}

fn uuids_of(template: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(id) = template.get("id").and_then(Value::as_str) {
        out.push(id.to_owned());
    }
    for e in template
        .get("entry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(u) = e.get("fullUrl").and_then(Value::as_str) {
            out.push(u.trim_start_matches("urn:uuid:").to_owned());
        }
    }
    out
}

fn entries_mut(bundle: &mut Value) -> impl Iterator<Item = &mut Value> {
    bundle
        .get_mut("entry")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
}

fn resources_of<'a>(
    bundle: &'a mut Value,
    ty: &'a str,
) -> impl Iterator<Item = &'a mut Value> + 'a {
    entries_mut(bundle)
        .filter_map(|e| e.get_mut("resource"))
        .filter(move |r| r.get("resourceType").and_then(Value::as_str) == Some(ty))
}

fn set(value: &mut Value, key: &str, v: Value) {
    if let Some(o) = value.as_object_mut() {
        o.insert(key.to_owned(), v);
    }
}

impl Templates {
    /// Messages from the Ocean host `base` (e.g. `http://127.0.0.1:8090`, no trailing slash)
    /// to the POS webhook `pos_endpoint`.
    pub fn new(base: impl Into<String>, pos_endpoint: impl Into<String>) -> Self {
        Self {
            base: base.into().trim_end_matches('/').to_owned(),
            pos_endpoint: pos_endpoint.into(),
        }
    }

    /// The Ocean host.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The `$letter` URL of a referral.
    pub fn letter_url(&self, referral: Uuid) -> String {
        format!(
            "{}/svc/fhir/v1/ServiceRequest/{referral}/$letter",
            self.base
        )
    }

    /// The `$binary` URL of a DocumentReference.
    pub fn binary_url(&self, document: Uuid) -> String {
        format!(
            "{}/svc/fhir/v1/DocumentReference/{document}/$binary",
            self.base
        )
    }

    /// The message for `event` about `referral`, with `additions`, stamped `now` (a FHIR
    /// instant). `message_id` fixes the MessageHeader id (a retry reuses it); `None`: fresh.
    pub fn message(
        &self,
        event: &'static str,
        referral: &ReferralSpec,
        additions: &[Addition],
        now: &str,
        message_id: Option<Uuid>,
    ) -> OceanMessage {
        let template: Value = serde_json::from_str(TEMPLATE).unwrap_or(Value::Null);
        let old = uuids_of(&template);
        // The letter's title carries the template patient's name.
        let mut text = TEMPLATE
            .replace(TEMPLATE_HOST, &self.base)
            .replace("DKTest--2025-05-27.pdf", "referral-letter.pdf");
        let sr_old = "71db1a5c-89ce-41d5-bc71-8466f6c2f182";
        let header_old = "fdd94a37-22a7-41ce-8140-6604a1f10908";
        let message_id = message_id.unwrap_or_else(Uuid::new_v4);
        for u in &old {
            let new = if u == sr_old {
                referral.referral_id
            } else if u == header_old {
                message_id
            } else {
                Uuid::new_v4()
            };
            text = text.replace(u.as_str(), &new.to_string());
        }
        let mut bundle: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        let sr_url = format!("urn:uuid:{}", referral.referral_id);
        let patient_url = entry_url_of(&bundle, "Patient");
        set(&mut bundle, "timestamp", json!(now));
        set(&mut bundle, "meta", json!({"lastUpdated": now}));
        self.personalise(&mut bundle, referral);
        let mut communication = None;
        for addition in additions {
            let id = Uuid::new_v4();
            let url = format!("urn:uuid:{id}");
            let resource = match addition {
                Addition::Revoked => {
                    for sr in resources_of(&mut bundle, "ServiceRequest") {
                        set(sr, "status", json!("revoked"));
                    }
                    continue;
                }
                Addition::Task(status) => json!({
                    "resourceType": "Task",
                    "meta": {"profile": [format!("{PROFILE}Task|1.0.0")]},
                    "status": status,
                    "intent": "order",
                    "code": {"coding": [{"code": "process-request", "display": "Process Request"}]},
                    "basedOn": [{"reference": sr_url}],
                    "for": {"reference": patient_url},
                    "lastModified": now,
                }),
                Addition::Appointment(status, start) => {
                    let mut a = json!({
                        "resourceType": "Appointment",
                        "meta": {"profile": [format!("{PROFILE}Appointment|1.0.0")]},
                        "status": status,
                        "basedOn": [{"reference": sr_url}],
                        "participant": [{"actor": {"reference": patient_url}, "status": "accepted"}],
                    });
                    if let Some(start) = start {
                        set(&mut a, "start", json!(start));
                    }
                    a
                }
                Addition::Communication(text) => {
                    communication = Some(url.clone());
                    json!({
                        "resourceType": "Communication",
                        "meta": {"profile": [format!("{PROFILE}Communication|1.0.0")]},
                        "status": "completed",
                        "basedOn": [{"reference": sr_url}],
                        "subject": {"reference": patient_url},
                        "sent": now,
                        "payload": [{"contentString": text}],
                    })
                }
            };
            if let Some(entries) = bundle.get_mut("entry").and_then(Value::as_array_mut) {
                entries.push(json!({"fullUrl": url, "resource": resource}));
            }
        }
        if let Some(doc) = referral.attachment {
            self.attach(&mut bundle, referral, doc, now);
        }
        let focus = match communication {
            Some(c) if event == "send-communication-from-requester" => c,
            _ => sr_url,
        };
        for h in resources_of(&mut bundle, "MessageHeader") {
            set(
                h,
                "eventCoding",
                json!({
                    "system": "https://ehealthontario.ca/fhir/CodeSystem/message-event-code",
                    "code": event,
                    "display": event,
                }),
            );
            set(h, "focus", json!([{"reference": focus}]));
            set(h, "reason", json!({"text": "ocean-sim"}));
            if let Some(d) = h
                .get_mut("destination")
                .and_then(Value::as_array_mut)
                .and_then(|d| d.first_mut())
            {
                set(d, "name", json!("POS under test"));
                set(d, "endpoint", json!(self.pos_endpoint));
            }
        }
        OceanMessage {
            event,
            message_id,
            bundle,
        }
    }

    fn personalise(&self, bundle: &mut Value, referral: &ReferralSpec) {
        let p = referral.patient;
        for patient in resources_of(bundle, "Patient") {
            set(
                patient,
                "name",
                json!([{"use": "official", "family": p.family, "given": [p.given],
                        "text": format!("{} {}", p.given, p.family)}]),
            );
            set(patient, "gender", json!(p.gender));
            set(patient, "birthDate", json!(p.birth_date));
            let values = [p.health_number, p.mrn];
            for (identifier, value) in patient
                .get_mut("identifier")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
                .zip(values)
            {
                set(identifier, "value", json!(value));
            }
        }
        for practitioner in resources_of(bundle, "Practitioner") {
            set(
                practitioner,
                "name",
                json!([{"family": "Referrer", "given": ["Simulated"]}]),
            );
        }
        let site_ns = format!("{}/svc/fhir/v1/NamingSystem/id-site-number", self.base);
        for role in resources_of(bundle, "PractitionerRole") {
            let is_receiver = role.get("practitioner").is_none();
            let site = if is_receiver {
                &referral.receiver_site
            } else {
                &referral.sender_site
            };
            let identifiers = role
                .as_object_mut()
                .map(|o| o.entry("identifier").or_insert_with(|| json!([])));
            if let Some(list) = identifiers.and_then(Value::as_array_mut) {
                list.retain(|i| i.get("system").and_then(Value::as_str) != Some(site_ns.as_str()));
                list.push(json!({"system": site_ns, "value": site}));
            }
        }
    }

    fn attach(&self, bundle: &mut Value, referral: &ReferralSpec, doc: Uuid, now: &str) {
        let url = format!("urn:uuid:{doc}");
        let resource = json!({
            "resourceType": "DocumentReference",
            "meta": {"profile": [format!("{PROFILE}DocumentReference|1.0.0")]},
            "identifier": [{
                "system": format!("{}/svc/fhir/v1/NamingSystem/id-ereferral-reference", self.base),
                "value": referral.referral_id.to_string(),
            }],
            "status": "current",
            "date": now,
            "content": [{"attachment": {
                "contentType": "text/plain",
                "url": self.binary_url(doc),
                "title": "simulated-attachment.txt",
                "creation": now,
            }}],
        });
        for sr in resources_of(bundle, "ServiceRequest") {
            if let Some(list) = sr
                .as_object_mut()
                .map(|o| o.entry("supportingInfo").or_insert_with(|| json!([])))
                .and_then(Value::as_array_mut)
            {
                list.push(json!({"reference": url}));
            }
        }
        if let Some(entries) = bundle.get_mut("entry").and_then(Value::as_array_mut) {
            entries.push(json!({"fullUrl": url, "resource": resource}));
        }
    }
}

fn entry_url_of(bundle: &Value, ty: &str) -> String {
    bundle
        .get("entry")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|e| e.pointer("/resource/resourceType").and_then(Value::as_str) == Some(ty))
        .and_then(|e| e.get("fullUrl").and_then(Value::as_str))
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patients::patient;
    use ocean_messages::{Event, Received, parse};

    fn spec() -> ReferralSpec {
        ReferralSpec {
            referral_id: Uuid::new_v4(),
            receiver_site: "7001".into(),
            sender_site: "7002".into(),
            patient: patient(1),
            attachment: Some(Uuid::new_v4()),
        }
    }

    #[test]
    fn every_event_parses_as_itself() {
        let t = Templates::new("http://127.0.0.1:9", "http://127.0.0.1:10/hook");
        let s = spec();
        let now = "2026-01-01T10:00:00.000Z";
        let cases: Vec<(&'static str, Vec<Addition>)> = vec![
            ("add-service-request", vec![]),
            ("notify-add-service-request", vec![]),
            (
                "notify-update-service-request",
                vec![
                    Addition::Task("accepted"),
                    Addition::Appointment("booked", Some("2026-02-01T09:00:00.000Z".into())),
                ],
            ),
            ("revoke-service-request", vec![Addition::Revoked]),
            (
                "send-communication-from-requester",
                vec![Addition::Communication("Any update?")],
            ),
        ];
        for (event, additions) in cases {
            let m = t.message(event, &s, &additions, now, None);
            let received = parse(&m.body()).unwrap();
            let Received::Supported(msg) = received else {
                panic!("{event} unsupported")
            };
            assert_eq!(msg.code().code(), event);
            assert_eq!(msg.referral_id().as_str(), s.referral_id.to_string());
            assert_eq!(msg.receiver_site_number(), Some("7001"));
            let text = String::from_utf8(m.body()).unwrap();
            assert!(
                !text.contains("Kavanagh")
                    && !text.contains("DKTest")
                    && !text.contains("localhost:8081")
            );
            assert!(text.contains("Simtest"));
            if let Event::AddServiceRequest(r) = msg.event() {
                assert_eq!(r.documents().count(), 2);
            }
        }
    }

    #[test]
    fn a_retry_keeps_the_message_id() {
        let t = Templates::new("http://127.0.0.1:9", "http://127.0.0.1:10/hook");
        let s = spec();
        let a = t.message("add-service-request", &s, &[], "2026-01-01T10:00:00Z", None);
        let b = t.message(
            "add-service-request",
            &s,
            &[],
            "2026-01-01T10:00:00Z",
            Some(a.message_id),
        );
        let key = |m: &OceanMessage| parse(&m.body()).unwrap().idempotency_key().clone();
        assert_eq!(key(&a), key(&b));
    }
}
