//! `@ptCpp.allg`: AllergyIntolerance text (narrative first, else code and manifestations) and
//! exclusions.

use crate::support::{ex, has};
use ocean_keywords::FindingCode;
use serde_json::json;

#[test]
fn allergy_structured_text_with_manifestations() {
    let out = ex([json!({"resourceType":"AllergyIntolerance",
        "code":{"coding":[{"system":"http://snomed.info/sct","code":"764146007","display":"Penicillin"}]},
        "reaction":[
            {"manifestation":[{"text":"Hives"},{"coding":[{"display":"Rash"}]}]},
            {"manifestation":[{"text":"Hives"},{"coding":[{"code":"39579001"}]},{"text":" "}]}]})]);
    assert_eq!(
        out.keyword("@ptCpp.allg"),
        Some("Penicillin (Hives, Rash, 39579001)")
    );
    // No manifestation text: no parentheses.
    let out = ex([
        json!({"resourceType":"AllergyIntolerance","code":{"text":"Latex"},
        "reaction":[{"manifestation":[{}]},{"description":"itchy"}]}),
    ]);
    assert_eq!(out.keyword("@ptCpp.allg"), Some("Latex"));
}

/// "Distinct manifestation texts": two texts that show the same once whitespace is collapsed
/// are one manifestation (an item is always shown collapsed).
#[test]
fn allergy_manifestations_distinct_as_shown() {
    let out = ex([
        json!({"resourceType":"AllergyIntolerance","code":{"text":"Penicillin"},
        "reaction":[{"manifestation":[{"text":"Hives"},{"text":"Hives "},{"text":" Hives\n"}]}]}),
    ]);
    assert_eq!(out.keyword("@ptCpp.allg"), Some("Penicillin (Hives)"));
}

#[test]
fn allergy_narrative_is_primary_whatever_the_status() {
    for status in ["generated", "extensions", "additional", "empty"] {
        let out = ex([json!({"resourceType":"AllergyIntolerance",
            "text":{"status":status,"div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Penicillin - <b>anaphylaxis</b></p></div>"},
            "code":{"text":"Penicillin G"},
            "reaction":[{"manifestation":[{"text":"Hives"}]}]})]);
        assert_eq!(
            out.keyword("@ptCpp.allg"),
            Some("Penicillin - anaphylaxis"),
            "{status}"
        );
    }
}

#[test]
fn allergy_narrative_plain_text_rules() {
    let cases = [
        // entities: XML five, numeric decimal and hex, common HTML names
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml">A &amp; B &lt;1&gt; &quot;q&quot; &apos;s&apos;</div>"#,
            r#"A & B <1> "q" 's'"#,
        ),
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml">Sulfa&#233; &#xE9;&#X2014;x</div>"#,
            "Sulfaé é—x",
        ),
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml">Arachides&nbsp;(r&eacute;action&nbsp;grave)</div>"#,
            "Arachides (réaction grave)",
        ),
        // unknown entity kept as written; a lone & kept
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml">A &bogus; B & C</div>"#,
            "A &bogus; B & C",
        ),
        // comments dropped, each tag one space, whitespace collapsed
        (
            "<div xmlns=\"http://www.w3.org/1999/xhtml\">\n  <p>Peanut<!-- internal note --></p>\n  <p>  severe\n\n reaction</p><br/>\n</div>",
            "Peanut severe reaction",
        ),
        // tags glued to text become a space
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml"><b>Egg</b><i>Milk</i></div>"#,
            "Egg Milk",
        ),
        // attribute containing '>'
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml"><span title="a > b">Shellfish</span></div>"#,
            "Shellfish",
        ),
        // a table
        (
            r#"<div xmlns="http://www.w3.org/1999/xhtml"><table><tr><td>Codeine</td><td>nausea</td></tr></table></div>"#,
            "Codeine nausea",
        ),
    ];
    for (div, expected) in cases {
        let out = ex([json!({"resourceType":"AllergyIntolerance",
            "text":{"status":"generated","div":div},"code":{"text":"Structured"}})]);
        assert_eq!(out.keyword("@ptCpp.allg"), Some(expected), "{div}");
    }
}

#[test]
fn allergy_empty_narrative_falls_back_to_structured_text() {
    for div in [
        r#"<div xmlns="http://www.w3.org/1999/xhtml"></div>"#,
        r#"<div xmlns="http://www.w3.org/1999/xhtml"> <p> </p> <!-- x --> </div>"#,
        r#"<div xmlns="http://www.w3.org/1999/xhtml">&nbsp;</div>"#,
    ] {
        let out = ex([json!({"resourceType":"AllergyIntolerance",
            "text":{"status":"empty","div":div},"code":{"text":"Latex"}})]);
        assert_eq!(out.keyword("@ptCpp.allg"), Some("Latex"), "{div}");
    }
}

#[test]
fn narrative_is_only_for_allergies() {
    let div = r#"<div xmlns="http://www.w3.org/1999/xhtml">Narrative</div>"#;
    let out = ex([
        json!({"resourceType":"Condition","text":{"status":"generated","div":div},"code":{"text":"Cond"}}),
        json!({"resourceType":"Immunization","status":"completed","text":{"status":"generated","div":div},
               "vaccineCode":{"text":"Vacc"}}),
        json!({"resourceType":"MedicationStatement","status":"active","text":{"status":"generated","div":div},
               "medicationCodeableConcept":{"text":"Med"}}),
    ]);
    assert_eq!(out.keyword("@ptCpp.prob"), Some("Cond"));
    assert_eq!(out.keyword("@ptCpp.immu"), Some("Vacc"));
    assert_eq!(out.keyword("@ptCpp.rx"), Some("Med"));
    // A Condition with only a narrative has no item.
    let out = ex([json!({"resourceType":"Condition","text":{"status":"generated","div":div}})]);
    assert_eq!(out.keyword("@ptCpp.prob"), None);
    assert!(has(&out, FindingCode::ItemNoText));
}

#[test]
fn allergy_exclusions() {
    let base = || json!({"resourceType":"AllergyIntolerance","code":{"text":"Penicillin"}});
    for (member, code) in [
        ("verificationStatus", "entered-in-error"),
        ("verificationStatus", "refuted"),
        ("clinicalStatus", "inactive"),
        ("clinicalStatus", "resolved"),
    ] {
        let mut a = base();
        a[member] = json!({"coding":[{"system":"http://terminology.hl7.org/CodeSystem/allergyintolerance-verification","code":code}]});
        // Even with a narrative.
        a["text"] = json!({"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">Pen</div>"});
        let out = ex([a]);
        assert_eq!(out.keyword("@ptCpp.allg"), None, "{member} {code}");
        let f = out.findings_with(FindingCode::ItemExcluded).next().unwrap();
        assert!(f.message.contains(code), "{}", f.message);
    }
    for (member, code) in [
        ("verificationStatus", "unconfirmed"),
        ("verificationStatus", "confirmed"),
        ("clinicalStatus", "active"),
    ] {
        let mut a = base();
        a[member] = json!({"coding":[{"code":code}]});
        assert_eq!(
            ex([a]).keyword("@ptCpp.allg"),
            Some("Penicillin"),
            "{member} {code}"
        );
    }
}

#[test]
fn allergy_without_any_text_is_reported() {
    let out = ex([json!({"resourceType":"AllergyIntolerance",
        "reaction":[{"manifestation":[{"text":"Hives"}]}]})]);
    assert_eq!(
        out.keyword("@ptCpp.allg"),
        None,
        "no base text, even with a suffix"
    );
    let f = out.findings_with(FindingCode::ItemNoText).next().unwrap();
    assert!(f.message.contains("@ptCpp.allg"));
}
