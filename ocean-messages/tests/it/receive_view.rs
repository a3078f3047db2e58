//! The receive view (issue 12): a snapshot of the full view for every sample in
//! `testdata/ocean/` and `testdata/ocean/derived/`, each checked against the checked-in JSON Schema, which a small validator
//! (the subset of JSON Schema the file uses) keeps current: a member the view adds without the
//! schema, or the schema lists without the view, fails here.

use std::path::Path;

use ocean_messages::receive_view::{SCHEMA, receive_view};
use ocean_messages::{Event, Received, parse};
use serde_json::Value;

use crate::common::*;

fn type_ok(ty: &str, v: &Value) -> bool {
    match ty {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        other => panic!("schema type {other} not supported by this validator"),
    }
}

/// Validates `v` against `schema` (type, enum, properties, required, additionalProperties,
/// items); returns the path of the first violation.
fn check(schema: &Value, v: &Value, path: &str) -> Result<(), String> {
    let known = [
        "$schema",
        "title",
        "description",
        "type",
        "enum",
        "properties",
        "required",
        "additionalProperties",
        "items",
    ];
    for k in schema.as_object().unwrap().keys() {
        assert!(
            known.contains(&k.as_str()),
            "{path}: keyword {k} not supported"
        );
    }
    let ok = match &schema["type"] {
        Value::String(t) => type_ok(t, v),
        Value::Array(ts) => ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)),
        _ => true,
    };
    if !ok {
        return Err(format!("{path}: type"));
    }
    if let Some(e) = schema["enum"].as_array() {
        if !e.contains(v) {
            return Err(format!("{path}: enum"));
        }
    }
    if let (Some(props), Some(obj)) = (schema["properties"].as_object(), v.as_object()) {
        let required: Vec<&str> = schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        // Every member is required (absent values are null): the lists agree.
        let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
        names.sort_unstable();
        let mut req = required.clone();
        req.sort_unstable();
        assert_eq!(names, req, "{path}: properties and required differ");
        assert_eq!(schema["additionalProperties"], Value::Bool(false), "{path}");
        for k in obj.keys() {
            if !props.contains_key(k) {
                return Err(format!("{path}.{k}: not in the schema"));
            }
        }
        for r in required {
            let Some(child) = obj.get(r) else {
                return Err(format!("{path}.{r}: missing"));
            };
            check(&props[r], child, &format!("{path}.{r}"))?;
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            check(items, x, &format!("{path}[{i}]"))?;
        }
    }
    Ok(())
}

fn schema() -> Value {
    serde_json::from_str(SCHEMA).unwrap()
}

/// Every sample: `testdata/ocean/*.json` (captured) then `testdata/ocean/derived/*.json`
/// (derived), by name (`derived_` prefixed for the second), in name order.
fn samples() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata/ocean");
    let mut out = Vec::new();
    for (dir, prefix) in [(root.clone(), ""), (root.join("derived"), "derived_")] {
        for p in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
            if p.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let name = p.file_name().unwrap().to_str().unwrap();
            let stem = name.trim_end_matches(".bundle.json");
            out.push((format!("{prefix}{stem}"), std::fs::read(&p).unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn every_sample_view_matches_schema_and_snapshot() {
    let schema = schema();
    let all = samples();
    assert!(all.len() >= 6, "the two real messages and the derived ones");
    for (name, body) in all {
        let result = parse(&body);
        assert!(
            matches!(result, Ok(Received::Supported(_))),
            "{name} is a supported message"
        );
        let view = receive_view(&result, &body);
        check(&schema, &view, "$").unwrap_or_else(|e| panic!("{name}: {e}"));
        insta::assert_json_snapshot!(format!("receive_view__{name}"), view);
    }
}

#[test]
fn refused_and_unsupported_views_match_schema() {
    let schema = schema();
    let mut v = json(BACK_PAIN);
    set_event(&mut v, "notify-update-appointment");
    let unsupported = to_bytes(&v);
    let mut v = json(BACK_PAIN);
    set_event(&mut v, "Add-Service-Request");
    let near_miss = to_bytes(&v);
    for (body, answer, event) in [
        (&b"not json"[..], 400, Value::Null),
        (&b"{\"resourceType\":\"Patient\"}"[..], 400, Value::Null),
        (&unsupported[..], 200, Value::Null),
        (&near_miss[..], 400, Value::from("add-service-request")),
    ] {
        let view = receive_view(&parse(body), body);
        check(&schema, &view, "$").unwrap();
        assert_eq!(view["answer"], answer);
        assert_eq!(view["event"], event);
        assert!(view["referral"].is_null());
        if answer == 400 {
            assert_eq!(view["issues"][0]["severity"], "error");
        }
    }
    // The unmodelled code is input text: not repeated as the event or in an issue (the
    // idempotency key, an opaque id for de-duplication, is built from it).
    let view = receive_view(&parse(&unsupported), &unsupported);
    view["issues"].as_array().unwrap().iter().for_each(|i| {
        assert!(!i.to_string().contains("notify-update-appointment"));
    });
}

#[test]
fn derived_samples_give_their_events() {
    for (name, body) in samples() {
        let m = supported(&body);
        let r = m.event().referral();
        match (name.as_str(), m.event()) {
            ("ereferral_back_pain" | "ereferral_miscellaneous", Event::AddServiceRequest(_)) => {}
            ("derived_notify_update_service_request", Event::NotifyUpdateServiceRequest(r)) => {
                assert_eq!(r.tasks().count(), 1);
                assert_eq!(r.appointments().count(), 1);
                let c = r.communications().next().unwrap();
                assert_eq!(c.texts().count(), 1);
            }
            ("derived_revoke_service_request", Event::RevokeServiceRequest(r)) => {
                assert_eq!(r.status().unwrap().as_str(), "revoked");
            }
            (
                "derived_send_communication_from_requester",
                Event::SendCommunicationFromRequester(c),
            ) => {
                let a = c.attachments();
                assert_eq!(a.len(), 1);
                assert_eq!(a[0].kind().as_str(), "binary");
                assert!(c.sender().unwrap().display_name().is_some());
            }
            ("derived_notify_add_service_request", Event::NotifyAddServiceRequest(_)) => {}
            (n, e) => panic!("{n}: unexpected event {:?}", e.code()),
        }
        assert_eq!(r.id().as_str().len(), 36, "{name}");
        assert!(
            m.profile_issues().len() <= 1,
            "{name}: {:?}",
            m.profile_issues()
        );
    }
}
