//! Each refusal with its RFC 6749 / RFC 6750 error and status.

use ocean_smart::token::TokenResponse;

use crate::support::*;

#[tokio::test]
async fn reused_code_is_invalid_grant() {
    let pos = start(|_| {}).await;
    let l = pos.launch(new_request("pt-1")).await;
    let code = param(&pos.authorize(&l, &[]).await, "code").unwrap();
    assert_eq!(pos.token(&l, &code, &[]).await.status(), 200);
    let r = pos.token(&l, &code, &[]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(oauth_error(r).await, "invalid_grant");
}

#[tokio::test]
async fn a_replayed_code_revokes_the_tokens_it_gave() {
    let pos = start(|_| {}).await;
    let l = pos.launch(new_request("pt-1")).await;
    let code = param(&pos.authorize(&l, &[]).await, "code").unwrap();
    let token: serde_json::Value = pos.token(&l, &code, &[]).await.json().await.unwrap();
    let access = token["access_token"].as_str().unwrap();
    assert_eq!(pos.get("Patient/pt-1", Some(access)).await.status(), 200);
    assert_eq!(pos.token(&l, &code, &[]).await.status(), 400);
    let r = pos.get("Patient/pt-1", Some(access)).await;
    assert_eq!(r.status(), 401);
    assert_eq!(bearer_error(&r), "invalid_token");
    let refresh = [
        ("grant_type", "refresh_token"),
        ("refresh_token", token["refresh_token"].as_str().unwrap()),
        ("client_id", CLIENT_ID),
        ("client_secret", SECRET),
    ];
    let r = pos
        .http
        .post(l.smart.token_endpoint.as_deref().unwrap())
        .form(&refresh)
        .send()
        .await
        .unwrap();
    assert_eq!(oauth_error(r).await, "invalid_grant");
}

#[tokio::test]
async fn expired_launch_is_refused() {
    let pos = start(|c| c.lifetimes.launch = time::Duration::ZERO).await;
    let l = pos.launch(new_request("pt-1")).await;
    let redirect = pos.authorize(&l, &[]).await;
    assert_eq!(
        param(&redirect, "error").as_deref(),
        Some("invalid_request")
    );
    assert!(
        param(&redirect, "error_description")
            .unwrap()
            .contains("expired")
    );
    assert_eq!(param(&redirect, "state").as_deref(), Some("state-1"));
}

#[tokio::test]
async fn used_launch_is_refused() {
    let pos = start(|_| {}).await;
    let l = pos.launch(new_request("pt-1")).await;
    assert!(param(&pos.authorize(&l, &[]).await, "code").is_some());
    let redirect = pos.authorize(&l, &[]).await;
    assert_eq!(
        param(&redirect, "error").as_deref(),
        Some("invalid_request")
    );
}

#[tokio::test]
async fn expired_code_is_invalid_grant() {
    let pos = start(|c| c.lifetimes.code = time::Duration::ZERO).await;
    let l = pos.launch(new_request("pt-1")).await;
    let code = param(&pos.authorize(&l, &[]).await, "code").unwrap();
    let r = pos.token(&l, &code, &[]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(oauth_error(r).await, "invalid_grant");
}

#[tokio::test]
async fn wrong_secret_is_invalid_client_401() {
    let pos = start(|_| {}).await;
    let l = pos.launch(new_request("pt-1")).await;
    let code = param(&pos.authorize(&l, &[]).await, "code").unwrap();
    let r = pos.token(&l, &code, &[("client_secret", "wrong")]).await;
    assert_eq!(r.status(), 401);
    assert_eq!(oauth_error(r).await, "invalid_client");
    // Basic: with a challenge.
    let r = pos
        .http
        .post(l.smart.token_endpoint.as_deref().unwrap())
        .basic_auth(CLIENT_ID, Some("wrong"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(
        r.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    assert_eq!(oauth_error(r).await, "invalid_client");
    // A failed client authentication does not spend the code.
    assert_eq!(pos.token(&l, &code, &[]).await.status(), 200);
}

#[tokio::test]
async fn wrong_aud_is_invalid_request() {
    let pos = start(|_| {}).await;
    let l = pos.launch(new_request("pt-1")).await;
    let redirect = pos
        .authorize(&l, &[("aud", "https://evil.example/fhir")])
        .await;
    assert_eq!(
        param(&redirect, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(param(&redirect, "state").as_deref(), Some("state-1"));
    // The launch was not consumed by the refused request.
    assert!(param(&pos.authorize(&l, &[]).await, "code").is_some());
}

#[tokio::test]
async fn unknown_client_or_redirect_is_not_redirected() {
    let pos = start(|_| {}).await;
    let l = pos.launch(new_request("pt-1")).await;
    let r = pos.authorize_raw(&l, &[("client_id", "other")]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(oauth_error(r).await, "unauthorized_client");
    let r = pos
        .authorize_raw(&l, &[("redirect_uri", "https://evil.example/cb")])
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(oauth_error(r).await, "invalid_request");
}

#[tokio::test]
async fn nothing_grantable_is_invalid_scope() {
    let pos = start(|_| {}).await;
    let l = pos.launch(new_request("pt-1")).await;
    let redirect = pos
        .authorize(&l, &[("scope", "launch patient/$everything")])
        .await;
    assert_eq!(param(&redirect, "error").as_deref(), Some("invalid_scope"));
}

#[tokio::test]
async fn missing_scope_is_insufficient_scope_403() {
    let pos = start(|_| {}).await;
    let json = pos
        .access(
            new_request("pt-1"),
            Some("launch openid fhirUser patient/Observation.read"),
        )
        .await;
    let token: TokenResponse = serde_json::from_value(json).unwrap();
    let t = token.access_token.expose();
    for path in ["Patient/pt-1", "Patient/pt-1/$everything"] {
        let r = pos.get(path, Some(t)).await;
        assert_eq!(r.status(), 403, "{path}");
        assert_eq!(bearer_error(&r), "insufficient_scope");
    }
}

#[tokio::test]
async fn token_for_another_patient_is_insufficient_scope_403() {
    let pos = start(|_| {}).await;
    let json = pos.access(new_request("pt-1"), None).await;
    let t = json["access_token"].as_str().unwrap();
    for path in ["Patient/pt-2", "Patient/pt-2/$everything"] {
        let r = pos.get(path, Some(t)).await;
        assert_eq!(r.status(), 403, "{path}");
        assert_eq!(bearer_error(&r), "insufficient_scope");
    }
}

#[tokio::test]
async fn missing_or_bad_bearer_is_401() {
    let pos = start(|_| {}).await;
    let r = pos.get("Patient/pt-1", None).await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Bearer");
    let r = pos.get("Patient/pt-1", Some("not-a-token")).await;
    assert_eq!(r.status(), 401);
    assert_eq!(bearer_error(&r), "invalid_token");
}

#[tokio::test]
async fn expired_access_token_is_invalid_token() {
    let pos = start(|c| c.lifetimes.access = time::Duration::ZERO).await;
    let json = pos.access(new_request("pt-1"), None).await;
    let r = pos.get("Patient/pt-1", json["access_token"].as_str()).await;
    assert_eq!(r.status(), 401);
    assert_eq!(bearer_error(&r), "invalid_token");
}

#[tokio::test]
async fn unsupported_grant_type_and_missing_code() {
    let pos = start(|_| {}).await;
    let l = pos.launch(new_request("pt-1")).await;
    let r = pos.token(&l, "x", &[("grant_type", "password")]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(oauth_error(r).await, "unsupported_grant_type");
    let r = pos.token(&l, "", &[]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(oauth_error(r).await, "invalid_request");
}

#[tokio::test]
async fn unknown_patient_is_404() {
    let pos = start(|_| {}).await;
    let json = pos.access(new_request("pt-404"), None).await;
    let t = json["access_token"].as_str().unwrap();
    for path in ["Patient/pt-404", "Patient/pt-404/$everything"] {
        let r = pos.get(path, Some(t)).await;
        assert_eq!(r.status(), 404, "{path}");
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["resourceType"], "OperationOutcome");
    }
}
