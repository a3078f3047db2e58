//! The webhook and the token endpoint over real HTTP.

use std::time::Duration;

use crate::support::*;

#[tokio::test]
async fn challenge_is_echoed_with_or_without_a_token() {
    let gw = TestGateway::start().await;
    let body = r#"{"challenge": "abc123"}"#;
    for token in [None, Some(gw.token().await)] {
        let r = gw.post(body, token.as_deref(), "application/json").await;
        assert_eq!(r.status(), 200);
        let json: serde_json::Value = r.json().await.unwrap();
        assert_eq!(json, serde_json::json!({"challenge": "abc123"}));
    }
    gw.stop().await;
}

#[tokio::test]
async fn unauthorized_without_or_with_a_bad_token() {
    let gw = TestGateway::start_with(
        |o| o.inbound.token_ttl = Duration::from_millis(300),
        Recorder::default(),
        Scripted::default(),
    )
    .await;
    let body = variant(1, 1);
    let r = gw.post(body.clone(), None, "application/fhir+json").await;
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
    let r = gw
        .post(body.clone(), Some("wrong"), "application/fhir+json")
        .await;
    assert_eq!(r.status(), 401);
    let token = gw.token().await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let r = gw
        .post(body.clone(), Some(&token), "application/fhir+json")
        .await;
    assert_eq!(r.status(), 401, "expired token");
    // Wrong secret, unknown client, wrong grant.
    let url = format!("{}/oauth2/token", gw.base);
    for (form, status) in [
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", CLIENT_ID),
                ("client_secret", "nope-nope-nope-nope"),
            ],
            401,
        ),
        (
            vec![
                ("grant_type", "client_credentials"),
                ("client_id", "x"),
                ("client_secret", CLIENT_SECRET),
            ],
            401,
        ),
        (
            vec![
                ("grant_type", "password"),
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
            ],
            400,
        ),
    ] {
        let r = gw.http.post(&url).form(&form).send().await.unwrap();
        assert_eq!(r.status(), status, "{form:?}");
    }
    // HTTP Basic with the grant type in the query, as Ocean's own client does.
    let r = gw
        .http
        .post(format!("{url}?grant_type=client_credentials"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let token: serde_json::Value = r.json().await.unwrap();
    let r = gw
        .post(
            body,
            token["access_token"].as_str(),
            "application/fhir+json",
        )
        .await;
    assert_eq!(r.status(), 200);
    gw.stop().await;
}

#[tokio::test]
async fn media_type_size_and_garbage() {
    let gw = TestGateway::start_with(
        |o| o.inbound.max_body_bytes = 10_000,
        Recorder::default(),
        Scripted::default(),
    )
    .await;
    let token = gw.token().await;
    let r = gw.post(variant(1, 1), Some(&token), "text/plain").await;
    assert_eq!(r.status(), 415);
    let r = gw
        .post(variant(1, 1), Some(&token), "application/fhir+json")
        .await;
    assert_eq!(r.status(), 413, "Content-Length over the limit");
    // Without Content-Length (a stream): reading stops at the limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..100).map(|_| Ok(vec![b' '; 1000])).collect();
    let stream = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let r = gw.post(stream, Some(&token), "application/fhir+json").await;
    assert_eq!(r.status(), 413, "streamed body over the limit");
    let r = gw
        .post("not json {", Some(&token), "application/fhir+json")
        .await;
    assert_eq!(r.status(), 400);
    let outcome: serde_json::Value = r.json().await.unwrap();
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    let dead = gw.gateway().store().dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].body.is_none() && dead[0].body_sha256.is_some());
    gw.stop().await;
}

#[tokio::test]
async fn every_sample_is_accepted_and_handed_over() {
    let gw = TestGateway::start().await;
    let token = gw.token().await;
    let samples = samples();
    for (name, body) in &samples {
        for ct in ["application/fhir+json", "application/json; charset=utf-8"] {
            let r = gw.post(body.clone(), Some(&token), ct).await;
            assert_eq!(r.status(), 200, "{name}");
        }
    }
    gw.until("hand-off", |g| g.handler.keys().len() == samples.len())
        .await;
    let r = gw
        .http
        .get(format!("{}/healthz", gw.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    gw.stop().await;
}

#[tokio::test]
async fn a_repeat_is_handed_over_once() {
    let gw = TestGateway::start().await;
    let token = gw.token().await;
    let body = variant(7, 7);
    for _ in 0..10 {
        assert_eq!(
            gw.post(body.clone(), Some(&token), "application/fhir+json")
                .await
                .status(),
            200
        );
    }
    let posts = (0..10).map(|_| gw.post(body.clone(), Some(&token), "application/fhir+json"));
    for r in futures_util::future::join_all(posts).await {
        assert_eq!(r.status(), 200);
    }
    gw.until("hand-off", |g| !g.handler.keys().is_empty()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(gw.handler.keys().len(), 1);
    let counts = gw.gateway().store().inbox_counts().await.unwrap();
    assert_eq!((counts.pending, counts.done), (0, 1));
    gw.stop().await;
}
