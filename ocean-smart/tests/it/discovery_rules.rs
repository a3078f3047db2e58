//! Each checker rule: a document missing each required member, or with each wrong value, is
//! reported by name. Table-driven, starting from the documents `PosServer` builds (which pass).

use ocean_smart::Severity;
use ocean_smart::discovery::{
    OCEAN_CAPABILITIES, OpenIdConfiguration, SmartConfiguration, check_all,
    check_openid_configuration, check_smart_configuration, rules,
};
use serde_json::{Value, json};

use crate::common::*;

fn smart_json() -> Value {
    serde_json::to_value(pos().smart_configuration()).unwrap()
}

fn oidc_json() -> Value {
    serde_json::to_value(pos().openid_configuration()).unwrap()
}

fn check_smart(v: &Value) -> ocean_smart::Findings {
    check_smart_configuration(&SmartConfiguration::from_json(&v.to_string()).unwrap())
}

fn check_oidc(v: &Value) -> ocean_smart::Findings {
    check_openid_configuration(
        &OpenIdConfiguration::from_json(&v.to_string()).unwrap(),
        Some(ISSUER),
    )
}

fn assert_reported(
    f: &ocean_smart::Findings,
    rule: &str,
    field: &str,
    severity: Severity,
    case: &str,
) {
    assert!(
        f.iter()
            .any(|x| x.rule == rule && x.field == field && x.severity == severity),
        "{case}: expected {severity} {rule} on {field}, got:\n{f}"
    );
}

#[test]
fn generated_documents_are_clean() {
    assert!(check_smart(&smart_json()).is_empty());
    assert!(check_oidc(&oidc_json()).is_empty());
}

#[test]
fn smart_missing_each_required_member() {
    for field in [
        "authorization_endpoint",
        "token_endpoint",
        "issuer",
        "jwks_uri",
        "capabilities",
        "grant_types_supported",
        "code_challenge_methods_supported",
    ] {
        let mut v = smart_json();
        v.as_object_mut().unwrap().remove(field);
        let f = check_smart(&v);
        assert_reported(&f, rules::REQUIRED, field, Severity::Error, field);
    }
}

#[test]
fn smart_missing_each_capability_ocean_needs() {
    for (cap, _) in OCEAN_CAPABILITIES {
        let mut v = smart_json();
        v["capabilities"]
            .as_array_mut()
            .unwrap()
            .retain(|c| c != cap);
        let f = check_smart(&v);
        assert!(
            f.iter().any(|x| x.rule == rules::CAPABILITY
                && x.field == "capabilities"
                && x.severity == Severity::Error
                && x.message.contains(&format!("`{cap}`"))),
            "{cap}: {f}"
        );
    }
}

#[test]
fn smart_wrong_values() {
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit, &str, &str, Severity)> = vec![
        (
            "http token endpoint",
            |v| v["token_endpoint"] = json!("http://emr.example.ca/token"),
            rules::URL,
            "token_endpoint",
            Severity::Error,
        ),
        (
            "relative authorize",
            |v| v["authorization_endpoint"] = json!("/auth/authorize"),
            rules::URL,
            "authorization_endpoint",
            Severity::Error,
        ),
        (
            "loopback jwks",
            |v| v["jwks_uri"] = json!("http://localhost:8080/jwks"),
            rules::URL,
            "jwks_uri",
            Severity::Warning,
        ),
        (
            "http revocation",
            |v| v["revocation_endpoint"] = json!("http://x.example/r"),
            rules::URL,
            "revocation_endpoint",
            Severity::Error,
        ),
        (
            "capabilities a string",
            |v| v["capabilities"] = json!("launch-ehr"),
            rules::MALFORMED,
            "capabilities",
            Severity::Error,
        ),
        (
            "issuer a number",
            |v| v["issuer"] = json!(1),
            rules::MALFORMED,
            "issuer",
            Severity::Error,
        ),
        (
            "no permission-v1",
            |v| remove_item(v, "capabilities", "permission-v1"),
            rules::CAPABILITY,
            "capabilities",
            Severity::Warning,
        ),
        (
            "no refresh",
            |v| remove_item(v, "capabilities", "permission-online"),
            rules::REFRESH,
            "capabilities",
            Severity::Warning,
        ),
        (
            "online without scope",
            |v| remove_item(v, "scopes_supported", "online_access"),
            rules::REFRESH,
            "scopes_supported",
            Severity::Error,
        ),
        (
            "client credentials only",
            |v| v["grant_types_supported"] = json!(["client_credentials"]),
            rules::GRANT_TYPES,
            "grant_types_supported",
            Severity::Error,
        ),
        (
            "pkce plain only",
            |v| v["code_challenge_methods_supported"] = json!(["plain"]),
            rules::PKCE,
            "code_challenge_methods_supported",
            Severity::Error,
        ),
        (
            "pkce plain too",
            |v| v["code_challenge_methods_supported"] = json!(["S256", "plain"]),
            rules::PKCE,
            "code_challenge_methods_supported",
            Severity::Error,
        ),
        (
            "no auth methods",
            |v| {
                v.as_object_mut()
                    .unwrap()
                    .remove("token_endpoint_auth_methods_supported");
            },
            rules::AUTH_METHODS,
            "token_endpoint_auth_methods_supported",
            Severity::Warning,
        ),
        (
            "jwt auth only",
            |v| v["token_endpoint_auth_methods_supported"] = json!(["private_key_jwt"]),
            rules::AUTH_METHODS,
            "token_endpoint_auth_methods_supported",
            Severity::Error,
        ),
        (
            "basic only",
            |v| v["token_endpoint_auth_methods_supported"] = json!(["client_secret_basic"]),
            rules::AUTH_METHODS,
            "token_endpoint_auth_methods_supported",
            Severity::Warning,
        ),
        (
            "no scopes",
            |v| {
                v.as_object_mut().unwrap().remove("scopes_supported");
            },
            rules::SCOPES,
            "scopes_supported",
            Severity::Warning,
        ),
        (
            "no launch scope",
            |v| remove_item(v, "scopes_supported", "launch"),
            rules::SCOPES,
            "scopes_supported",
            Severity::Error,
        ),
        (
            "no openid scope",
            |v| remove_item(v, "scopes_supported", "openid"),
            rules::SCOPES,
            "scopes_supported",
            Severity::Error,
        ),
        (
            "no fhirUser scope",
            |v| remove_item(v, "scopes_supported", "fhirUser"),
            rules::SCOPES,
            "scopes_supported",
            Severity::Error,
        ),
        (
            "no launch/patient",
            |v| remove_item(v, "scopes_supported", "launch/patient"),
            rules::SCOPES,
            "scopes_supported",
            Severity::Warning,
        ),
        (
            "lab observations only",
            |v| {
                v["scopes_supported"] = json!([
                    "launch",
                    "openid",
                    "fhirUser",
                    "patient/Observation.rs?category=laboratory"
                ])
            },
            rules::SCOPES,
            "scopes_supported",
            Severity::Error,
        ),
        (
            "token response type",
            |v| v["response_types_supported"] = json!(["token"]),
            rules::RESPONSE_TYPES,
            "response_types_supported",
            Severity::Error,
        ),
    ];
    for (name, edit, rule, field, severity) in cases {
        let mut v = smart_json();
        edit(&mut v);
        assert_reported(&check_smart(&v), rule, field, severity, name);
    }
}

fn remove_item(v: &mut Value, field: &str, item: &str) {
    v[field].as_array_mut().unwrap().retain(|x| x != item);
}

#[test]
fn oidc_missing_each_required_member() {
    for field in [
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "response_types_supported",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
    ] {
        let mut v = oidc_json();
        v.as_object_mut().unwrap().remove(field);
        assert_reported(
            &check_oidc(&v),
            rules::REQUIRED,
            field,
            Severity::Error,
            field,
        );
    }
}

#[test]
fn oidc_wrong_values() {
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit, &str, &str, Severity)> = vec![
        (
            "other issuer",
            |v| v["issuer"] = json!("https://emr.example.ca/auth/"),
            rules::ISSUER,
            "issuer",
            Severity::Error,
        ),
        (
            "issuer with query",
            |v| v["issuer"] = json!("https://emr.example.ca/auth?x"),
            rules::ISSUER,
            "issuer",
            Severity::Error,
        ),
        (
            "http issuer",
            |v| v["issuer"] = json!("http://emr.example.ca/auth"),
            rules::URL,
            "issuer",
            Severity::Error,
        ),
        (
            "HS256 only",
            |v| v["id_token_signing_alg_values_supported"] = json!(["HS256"]),
            rules::SIGNING,
            "id_token_signing_alg_values_supported",
            Severity::Error,
        ),
        (
            "ES256 only",
            |v| v["id_token_signing_alg_values_supported"] = json!(["ES256"]),
            rules::SIGNING,
            "id_token_signing_alg_values_supported",
            Severity::Warning,
        ),
        (
            "none listed",
            |v| v["id_token_signing_alg_values_supported"] = json!(["RS256", "none"]),
            rules::SIGNING,
            "id_token_signing_alg_values_supported",
            Severity::Error,
        ),
        (
            "implicit only",
            |v| v["response_types_supported"] = json!(["id_token"]),
            rules::RESPONSE_TYPES,
            "response_types_supported",
            Severity::Error,
        ),
        (
            "no code grant",
            |v| v["grant_types_supported"] = json!(["implicit"]),
            rules::GRANT_TYPES,
            "grant_types_supported",
            Severity::Error,
        ),
        (
            "default auth",
            |v| {
                v.as_object_mut()
                    .unwrap()
                    .remove("token_endpoint_auth_methods_supported");
            },
            rules::AUTH_METHODS,
            "token_endpoint_auth_methods_supported",
            Severity::Warning,
        ),
        (
            "no openid",
            |v| remove_item(v, "scopes_supported", "openid"),
            rules::SCOPES,
            "scopes_supported",
            Severity::Error,
        ),
        (
            "no fhirUser scope",
            |v| remove_item(v, "scopes_supported", "fhirUser"),
            rules::SCOPES,
            "scopes_supported",
            Severity::Warning,
        ),
        (
            "no fhirUser claim",
            |v| remove_item(v, "claims_supported", "fhirUser"),
            rules::CLAIMS,
            "claims_supported",
            Severity::Warning,
        ),
        (
            "pkce plain",
            |v| v["code_challenge_methods_supported"] = json!(["plain"]),
            rules::PKCE,
            "code_challenge_methods_supported",
            Severity::Error,
        ),
        (
            "jwks a list",
            |v| v["jwks_uri"] = json!(["https://x"]),
            rules::MALFORMED,
            "jwks_uri",
            Severity::Error,
        ),
    ];
    for (name, edit, rule, field, severity) in cases {
        let mut v = oidc_json();
        edit(&mut v);
        assert_reported(&check_oidc(&v), rule, field, severity, name);
    }
}

#[test]
fn both_documents_must_agree() {
    let smart = pos().smart_configuration();
    let mut o = oidc_json();
    o["jwks_uri"] = json!("https://emr.example.ca/other-jwks");
    o["token_endpoint"] = json!("https://emr.example.ca/other-token");
    let oidc = OpenIdConfiguration::from_json(&o.to_string()).unwrap();
    let f = check_all(&smart, &oidc, Some(ISSUER));
    assert_reported(
        &f,
        rules::CONSISTENCY,
        "both.jwks_uri",
        Severity::Error,
        "jwks",
    );
    assert_reported(
        &f,
        rules::CONSISTENCY,
        "both.token_endpoint",
        Severity::Error,
        "token",
    );
    assert_eq!(f.len(), 2, "{f}");
}

#[test]
fn hl7_example_document() {
    // The SMART App Launch IG's own sample, checked for what Ocean needs.
    let text = include_str!("../fixtures/smart-configuration.hl7-example.json");
    let doc = SmartConfiguration::from_json(text).unwrap();
    assert!(doc.malformed_fields().is_empty());
    assert!(doc.extra.contains_key("associated_endpoints"));
    // Lossless: unknown members survive a round trip.
    let original: Value = serde_json::from_str(text).unwrap();
    assert_eq!(serde_json::to_value(&doc).unwrap(), original);
    let f = check_smart_configuration(&doc);
    insta::assert_snapshot!("hl7_example_findings", f.to_string());
}

#[test]
fn empty_documents_list_everything() {
    let f = check_smart(&json!({}));
    insta::assert_snapshot!("empty_smart_findings", f.to_string());
    let f = check_oidc(&json!({}));
    insta::assert_snapshot!("empty_oidc_findings", f.to_string());
}

#[test]
fn generated_documents_snapshot() {
    let p = pos();
    insta::assert_json_snapshot!("generated_smart_configuration", p.smart_configuration());
    insta::assert_json_snapshot!("generated_openid_configuration", p.openid_configuration());
}
