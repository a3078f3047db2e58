//! The referral views a POS files (issue 12): reason with its source, plain-text notes, form
//! items with paths, the patient's chosen name and health number.

use ocean_messages::ReasonSource;
use serde_json::{Value, json};

use crate::common::*;

#[test]
fn back_pain_reason_comes_from_the_note() {
    let m = supported(BACK_PAIN);
    let r = m.referral();
    let reason = r.reason().unwrap();
    assert_eq!(reason.text(), "Back pain with no red flags");
    assert_eq!(reason.source(), ReasonSource::Note);
    assert!(!format!("{reason:?}").contains("Back pain"));
    let notes: Vec<_> = r.notes().collect();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0].text(),
        "Reason for Referral: Back pain with no red flags"
    );
    assert!(notes[0].time().is_some());
    assert!(notes[0].author().is_some());
    let name = r.patient_name().unwrap();
    assert_eq!(name.display(), "DKTest");
    assert_eq!(name.family(), Some("DKTest"));
}

#[test]
fn miscellaneous_has_no_reason() {
    // Its note has no text and its `rfr` item no answer: the documented result is `None`.
    let m = supported(MISC);
    assert!(m.referral().reason().is_none());
    assert_eq!(m.referral().notes().next().unwrap().text(), "");
}

fn with_sr(f: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v = json(BACK_PAIN);
    let sr = entry_of(&v, "ServiceRequest");
    f(&mut v["entry"][sr]["resource"]);
    to_bytes(&v)
}

#[test]
fn reason_order() {
    // reasonCode first, one line per concept.
    let body = with_sr(|sr| {
        sr["reasonCode"] = json!([{"text": " Low  back\npain "}, {"coding": [{"code": "279039007", "display": "Low back pain"}]}]);
    });
    let m = supported(&body);
    let reason = m.referral().reason().unwrap();
    assert_eq!(reason.source(), ReasonSource::ReasonCode);
    assert_eq!(reason.text(), "Low back pain\nLow back pain");

    // A note whose label is in another case; an earlier unlabelled note is skipped.
    let body = with_sr(|sr| {
        sr["note"] = json!([
            {"text": "<p>Call first</p>"},
            {"text": "<div>REASON FOR REFERRAL: <i>knee</i> &amp; hip</div>"}
        ]);
    });
    let reason = supported(&body).referral().reason().unwrap();
    assert_eq!(
        (reason.text(), reason.source()),
        ("knee & hip", ReasonSource::Note)
    );

    // Else the eForm item `rfr`, nested anywhere, answers as plain text.
    let body = {
        let mut v = json(MISC);
        let qr = entry_of(&v, "QuestionnaireResponse");
        let items = v["entry"][qr]["resource"]["item"].as_array_mut().unwrap();
        let rfr = items.iter_mut().find(|i| i["linkId"] == "rfr").unwrap();
        rfr["answer"] =
            json!([{"valueString": "Chronic <b>cough</b>&nbsp;"}, {"valueString": "3 weeks"}]);
        to_bytes(&v)
    };
    let m = supported(&body);
    let reason = m.referral().reason().unwrap();
    assert_eq!(
        (reason.text(), reason.source()),
        ("Chronic cough\n3 weeks", ReasonSource::FormItem)
    );
    let form = m.referral().forms().next().unwrap();
    let rfr = form
        .items()
        .into_iter()
        .find(|i| i.link_id() == Some("rfr"))
        .unwrap();
    assert_eq!(rfr.path(), "rfr");
    assert_eq!(rfr.answer_texts(), vec!["Chronic cough", "3 weeks"]);
}

#[test]
fn nested_items_have_paths() {
    let mut v = json(MISC);
    let qr = entry_of(&v, "QuestionnaireResponse");
    v["entry"][qr]["resource"]["item"] = json!([
        {"linkId": "g", "text": "Group", "item": [
            {"linkId": "q", "answer": [{"valueBoolean": true, "item": [{"linkId": "why", "answer": [{"valueString": "x"}]}]}]}
        ]},
        {"linkId": "last"}
    ]);
    let m = supported(&to_bytes(&v));
    let form = m.referral().forms().next().unwrap();
    let paths: Vec<_> = form.items().iter().map(|i| i.path().to_owned()).collect();
    assert_eq!(paths, ["g", "g/q", "g/q/why", "last"]);
}

#[test]
fn patient_name_rule_and_health_number() {
    let mut v = json(BACK_PAIN);
    let p = &mut v["entry"][1]["resource"];
    p["name"] = json!([
        {"use": "usual", "family": "Usual", "given": ["U"]},
        {"use": "official", "family": "Official", "given": ["Ann", "Marie"]}
    ]);
    p["identifier"][0]["value"] = Value::from("9876 543 210");
    let m = supported(&to_bytes(&v));
    let r = m.referral();
    assert_eq!(r.patient_name().unwrap().display(), "Official, Ann Marie");
    assert_eq!(r.health_number().unwrap().value(), "9876 543 210");
}
