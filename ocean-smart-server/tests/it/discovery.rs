//! The discovery documents pass ocean-smart's own checker; the JWKS publishes the key.

use crate::support::*;

#[tokio::test]
async fn discovery_documents_pass_the_checker() {
    let pos = start(|_| {}).await;
    let l = pos.launch(new_request("pt-1")).await;
    let findings = ocean_smart::discovery::check_all(&l.smart, &l.oidc, Some(&l.iss));
    // Only the "http on loopback" warnings of a test server.
    assert!(findings.errors().next().is_none(), "{findings}");
    let own = pos.server.check();
    assert!(own.is_ok(), "{own}");
    assert_eq!(l.oidc.issuer.as_deref(), Some(l.iss.as_str()));
    assert_eq!(
        l.oidc.id_token_signing_alg_values_supported.as_deref(),
        Some(&["ES256".to_owned()][..])
    );
    let jwks: serde_json::Value = pos
        .http
        .get(l.oidc.jwks_uri.as_deref().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"][0]["kid"], "test-key");
    assert_eq!(jwks["keys"][0]["kty"], "EC");
    assert!(jwks["keys"][0].get("d").is_none(), "no private part");
}

#[tokio::test]
async fn rs256_key_from_pem_signs_verifiable_id_tokens() {
    let pem = include_str!("rsa-test-key.pem");
    let key = ocean_smart_server::SigningKey::rs256_from_pem("rsa-1", pem).unwrap();
    let claims = serde_json::json!({"sub": "u", "aud": "a"});
    let jwt = key.sign(&claims).unwrap();
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.public_jwk().clone()).unwrap();
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    v.required_spec_claims.clear();
    v.validate_exp = false;
    v.set_audience(&["a"]);
    let data = jsonwebtoken::decode::<serde_json::Value>(
        &jwt,
        &jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap(),
        &v,
    )
    .unwrap();
    assert_eq!(data.claims["sub"], "u");
}

#[tokio::test]
async fn discovery_documents_snapshot() {
    let pos = start(|_| {}).await;
    let mut docs = serde_json::Map::new();
    for name in ["smart-configuration", "openid-configuration"] {
        let text = pos
            .http
            .get(format!("{}/fhir/.well-known/{name}", pos.base))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .replace(&pos.base, "{base}");
        docs.insert(name.into(), serde_json::from_str(&text).unwrap());
    }
    insta::assert_json_snapshot!("discovery", docs);
}
