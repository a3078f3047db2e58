//! The receive view ([`receive_view`]): what a POS files from a received body, as one JSON
//! object (what the `receive --json` example prints). Its JSON Schema is [`SCHEMA`]
//! (`ocean-messages/receive-view.schema.json`), kept current by a test.
//!
//! ```text
//! {"answer", "event", "supported", "idempotencyKey",
//!  "referral": {"id", "status", "priority", "category", "reason", "reasonSource",
//!               "notes": [{"text", "author", "time"}],
//!               "patient": {"family", "given": [..], "birthDate", "gender", "healthNumber"},
//!               "requester",
//!               "forms": [{"formId", "items": [{"linkId", "text", "answers": [..]}]}],
//!               "documents": [{"kind", "title", "contentType", "url"}]},
//!  "issues": [{"severity", "rule", "path", "message"}]}
//! ```
//! Absent values are `null`, lists `[]`. `answer` is the HTTP status to send Ocean
//! ([`crate::http::ack`]). `event` is the modelled event code, or `null` when the event is not
//! modelled (an unmodelled code is input text, never repeated). `referral` is `null` unless the
//! message is supported. `reason`/`reasonSource` follow [`crate::Referral::reason`]; `notes` and
//! answers are plain text; `forms[].items` are the visible items in form order, nested ones
//! flattened; `documents` are the DocumentReference links and the attachments of Communication
//! entries; `requester` is [`crate::Participant::display_name`]. `issues` starts with the rule a
//! refused body breaks (rule `not-a-message` for one that is no message), then the profile
//! issues ([`ocean_model::validate`]), which never change `answer`.

use ocean_model::validate::{Issue, validate_bundle};
use ocean_model::{Bundle, Resource, json};
use serde_json::{Value, json};

use crate::document::DocumentLink;
use crate::error::MessageError;
use crate::http;
use crate::message::Received;
use crate::referral::Referral;

/// The JSON Schema of [`receive_view`]'s output (draft 2020-12).
pub const SCHEMA: &str = include_str!("../receive-view.schema.json");

/// The view of a parse result; `body` is the body parsed (read again for the profile issues of a
/// refused message, so a receiver sees them too).
pub fn receive_view(result: &Result<Received, MessageError>, body: &[u8]) -> Value {
    let answer = http::ack(result).status();
    match result {
        Ok(received) => {
            let issues: Vec<Value> = received.profile_issues().iter().map(issue).collect();
            let message = received.message();
            json!({
                "answer": answer,
                "event": message.map(|m| m.code().code()),
                "supported": received.is_supported(),
                "idempotencyKey": received.idempotency_key().as_str(),
                "referral": message.map(|m| referral(m.event().referral())),
                "issues": issues,
            })
        }
        Err(e) => {
            let mut issues = vec![refusal(e)];
            if let MessageError::Invalid(_) = e {
                if let Ok(Resource::Bundle(b)) = json::from_slice::<Resource>(body) {
                    issues.extend(profile(&b));
                }
            }
            let event = match e {
                MessageError::Invalid(i) => i.event.map(|c| c.code()),
                _ => None,
            };
            json!({
                "answer": answer,
                "event": event,
                "supported": false,
                "idempotencyKey": null,
                "referral": null,
                "issues": issues,
            })
        }
    }
}

fn profile(b: &Bundle) -> Vec<Value> {
    validate_bundle(b).iter().map(issue).collect()
}

fn issue(i: &Issue) -> Value {
    json!({
        "severity": i.severity.as_str(),
        "rule": i.rule,
        "path": i.path,
        "message": i.message,
    })
}

fn refusal(e: &MessageError) -> Value {
    let rule = match e {
        MessageError::Invalid(i) => i.rule.id(),
        _ => "not-a-message",
    };
    json!({
        "severity": "error",
        "rule": rule,
        "path": e.path(),
        "message": e.to_string(),
    })
}

fn link(l: &DocumentLink<'_>) -> Value {
    json!({
        "kind": l.kind().as_str(),
        "title": l.title(),
        "contentType": l.content_type(),
        "url": l.url(),
    })
}

fn referral(r: Referral<'_>) -> Value {
    let reason = r.reason();
    let name = r.patient_name();
    let patient = r.patient();
    let notes: Vec<Value> = r
        .notes()
        .map(|n| {
            json!({
                "text": n.text(),
                "author": n.author(),
                "time": n.time().map(|t| t.as_str()),
            })
        })
        .collect();
    let forms: Vec<Value> = r
        .forms()
        .map(|f| {
            let items: Vec<Value> = f
                .visible_items()
                .iter()
                .map(|i| {
                    json!({
                        "linkId": i.link_id(),
                        "text": i.text(),
                        "answers": i.answer_texts(),
                    })
                })
                .collect();
            json!({"formId": f.form_id(), "items": items})
        })
        .collect();
    let mut documents: Vec<Value> = r
        .documents()
        .flat_map(|d| d.links())
        .map(|l| link(&l))
        .collect();
    documents.extend(
        r.communications()
            .flat_map(|c| c.attachments())
            .map(|l| link(&l)),
    );
    json!({
        "id": r.id().as_str(),
        "status": r.status().map(|s| s.as_str()),
        "priority": r.priority().map(|p| p.as_str()),
        "category": r.category(),
        "reason": reason.as_ref().map(|x| x.text()),
        "reasonSource": reason.as_ref().map(|x| x.source().as_str()),
        "notes": notes,
        "patient": {
            "family": name.as_ref().and_then(|n| n.family()),
            "given": name.as_ref().map(|n| n.given()).unwrap_or_default(),
            "birthDate": patient.birth_date.as_ref().map(|d| d.as_str()),
            "gender": patient.gender.as_ref().map(|g| g.as_str()),
            "healthNumber": r.health_number().map(|h| h.value().to_owned()),
        },
        "requester": r.requester().and_then(|p| p.display_name()),
        "forms": forms,
        "documents": documents,
    })
}
