//! The outbound client against the fake Ocean over real HTTP on loopback.

use std::future::Future;
use std::time::Duration;

use ocean_gateway::client::{ClientAuth, ClientConfig, SendOutcome};

use crate::fake_ocean::{Answer, FakeOcean};

/// Every test is bounded in time.
async fn bounded<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), f)
        .await
        .expect("the test took too long")
}

fn message(n: u32) -> Vec<u8> {
    format!(r#"{{"resourceType":"Bundle","type":"message","id":"m{n}"}}"#).into_bytes()
}

fn retry_reason(o: &SendOutcome) -> &str {
    match o {
        SendOutcome::Retry { reason, .. } => reason,
        other => panic!("expected Retry, got {other:?}"),
    }
}

#[tokio::test]
async fn unavailable_twice_then_too_many_then_delivered() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        ocean.script([
            Answer::Status(503),
            Answer::Status(503),
            Answer::RetryAfter(429, "7".into()),
        ]);
        let client = ocean.client(ClientConfig::default());
        let mut outcomes = Vec::new();
        for _ in 0..4 {
            outcomes.push(client.post_message(message(1)).await);
        }
        assert_eq!(
            outcomes,
            [
                SendOutcome::Retry {
                    reason: "Ocean answered 503".into(),
                    retry_after: None
                },
                SendOutcome::Retry {
                    reason: "Ocean answered 503".into(),
                    retry_after: None
                },
                SendOutcome::Retry {
                    reason: "Ocean answered 429".into(),
                    retry_after: Some(Duration::from_secs(7))
                },
                SendOutcome::Delivered { status: 200 },
            ]
        );
        assert_eq!(ocean.tokens_fetched(), 1);
        assert_eq!(client.token_fetches(), 1);
        assert_eq!(ocean.messages(), 4);
        // The same bytes every time.
        let received = ocean.fake.received.lock().unwrap();
        assert!(received.iter().all(|b| b.as_ref() == message(1).as_slice()));
    })
    .await;
}

#[tokio::test]
async fn retry_after_as_an_http_date() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        let at = std::time::SystemTime::now() + Duration::from_secs(120);
        ocean.script([Answer::RetryAfter(503, httpdate::fmt_http_date(at))]);
        let client = ocean.client(ClientConfig::default());
        let SendOutcome::Retry {
            retry_after: Some(d),
            ..
        } = client.post_message(message(1)).await
        else {
            panic!("expected a Retry with a delay")
        };
        assert!(
            d > Duration::from_secs(100) && d <= Duration::from_secs(120),
            "{d:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn unprocessable_is_rejected_with_the_operation_outcome() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        let oo = serde_json::json!({
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "invalid", "diagnostics": "not the current receiver"}]
        });
        ocean.script([Answer::Json(422, oo.clone()), Answer::Status(400)]);
        let client = ocean.client(ClientConfig::default());
        assert_eq!(
            client.post_message(message(1)).await,
            SendOutcome::Rejected {
                status: 422,
                outcome: Some(oo)
            }
        );
        let SendOutcome::Rejected { status: 400, outcome: Some(_) } =
            client.post_message(message(2)).await
        else {
            panic!("400 is rejected")
        };
    })
    .await;
}

#[tokio::test]
async fn other_retryable_statuses() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        ocean.script([
            Answer::Status(408),
            Answer::Status(500),
            Answer::Status(302),
        ]);
        let client = ocean.client(ClientConfig::default());
        assert_eq!(
            retry_reason(&client.post_message(message(1)).await),
            "Ocean answered 408"
        );
        assert_eq!(
            retry_reason(&client.post_message(message(1)).await),
            "Ocean answered 500"
        );
        assert_eq!(
            retry_reason(&client.post_message(message(1)).await),
            "Ocean answered an unexpected 302"
        );
    })
    .await;
}

#[tokio::test]
async fn a_token_that_expires_mid_run_is_refreshed_before_expiry() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        *ocean.fake.token_lifetime.lock().unwrap() = 2;
        // The margin is at most half the lifetime: this token is replaced after 1 s.
        let client = ocean.client(ClientConfig::default());
        assert_eq!(
            client.post_message(message(1)).await,
            SendOutcome::Delivered { status: 200 }
        );
        assert_eq!(
            client.post_message(message(2)).await,
            SendOutcome::Delivered { status: 200 }
        );
        assert_eq!(ocean.tokens_fetched(), 1);
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert_eq!(
            client.post_message(message(3)).await,
            SendOutcome::Delivered { status: 200 }
        );
        assert_eq!(ocean.tokens_fetched(), 2);
        // Ocean never had to refuse a stale token.
        assert_eq!(ocean.bad_tokens(), 0);
        assert_eq!(ocean.messages(), 3);
    })
    .await;
}

#[tokio::test]
async fn an_expired_token_refused_by_ocean_is_replaced_once() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        let client = ocean.client(ClientConfig::default());
        assert_eq!(
            client.post_message(message(1)).await,
            SendOutcome::Delivered { status: 200 }
        );
        // Ocean expires it before the client thinks it should: one 401, one refresh.
        ocean.fake.tokens_expire_now();
        assert_eq!(
            client.post_message(message(2)).await,
            SendOutcome::Delivered { status: 200 }
        );
        assert_eq!(ocean.bad_tokens(), 1);
        assert_eq!(ocean.tokens_fetched(), 2);
    })
    .await;
}

#[tokio::test]
async fn unauthorized_once_refreshes_and_succeeds() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        ocean.script([Answer::Status(401)]);
        let client = ocean.client(ClientConfig::default());
        assert_eq!(
            client.post_message(message(1)).await,
            SendOutcome::Delivered { status: 200 }
        );
        assert_eq!(ocean.tokens_fetched(), 2);
        assert_eq!(ocean.messages(), 2);
    })
    .await;
}

#[tokio::test]
async fn unauthorized_twice_is_rejected() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        ocean.script([Answer::Status(401), Answer::Status(401)]);
        let client = ocean.client(ClientConfig::default());
        let SendOutcome::Rejected { status: 401, .. } = client.post_message(message(1)).await
        else {
            panic!("a second 401 is final")
        };
        assert_eq!(ocean.tokens_fetched(), 2);
        assert_eq!(ocean.messages(), 2);
    })
    .await;
}

#[tokio::test]
async fn twenty_sends_at_once_fetch_one_token() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        *ocean.fake.token_delay.lock().unwrap() = Duration::from_millis(200);
        let client = ocean.client(ClientConfig::default());
        let sends = (0..20).map(|n| {
            let client = client.clone();
            tokio::spawn(async move { client.post_message(message(n)).await })
        });
        let outcomes = futures_util::future::join_all(sends).await;
        for o in outcomes {
            assert_eq!(o.unwrap(), SendOutcome::Delivered { status: 200 });
        }
        assert_eq!(ocean.tokens_fetched(), 1);
        assert_eq!(ocean.messages(), 20);
    })
    .await;
}

#[tokio::test]
async fn both_ways_of_sending_the_credentials() {
    bounded(async {
        for (auth, seen) in [(ClientAuth::Post, "body"), (ClientAuth::Basic, "basic")] {
            let ocean = FakeOcean::start().await;
            let mut config = ClientConfig::default();
            config.client_auth = auth;
            let client = ocean.client(config);
            assert_eq!(
                client.post_message(message(1)).await,
                SendOutcome::Delivered { status: 200 }
            );
            assert_eq!(*ocean.fake.last_auth.lock().unwrap(), Some(seen));
        }
    })
    .await;
}

#[tokio::test]
async fn token_endpoint_failures_are_retried() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        let client = ocean.client(ClientConfig::default());
        for (status, reason) in [
            (503, "token endpoint answered 503"),
            (401, "token endpoint answered 401"),
            (200, "token endpoint answered without a usable bearer token"),
        ] {
            *ocean.fake.token_status.lock().unwrap() = Some(status);
            assert_eq!(retry_reason(&client.post_message(message(1)).await), reason);
        }
        assert_eq!(ocean.messages(), 0);
        *ocean.fake.token_status.lock().unwrap() = None;
        assert_eq!(
            client.post_message(message(1)).await,
            SendOutcome::Delivered { status: 200 }
        );
    })
    .await;
}

#[tokio::test]
async fn no_answer_is_retried() {
    bounded(async {
        // Nothing listens on this port.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let site = ocean_messages::OceanSite::new(
            ocean_model::OceanBase::Custom(format!("http://{addr}")),
            "1",
        )
        .unwrap();
        let client = ocean_gateway::client::OceanClient::new(
            site,
            &ocean_gateway::client::ClientCredentials::new("a", "b"),
            ClientConfig::default(),
        )
        .unwrap();
        assert_eq!(
            retry_reason(&client.post_message(message(1)).await),
            "token endpoint: connect error"
        );

        // Ocean answers too slowly.
        let ocean = FakeOcean::start().await;
        ocean.script([Answer::Slow(Duration::from_secs(3))]);
        let mut config = ClientConfig::default();
        config.request_timeout = Duration::from_millis(300);
        let client = ocean.client(config);
        assert_eq!(
            retry_reason(&client.post_message(message(1)).await),
            "Ocean: timeout"
        );
    })
    .await;
}

#[tokio::test]
async fn reasons_never_carry_bodies() {
    bounded(async {
        let ocean = FakeOcean::start().await;
        let sentinel = serde_json::json!({"patient": "SENTINEL-JANE-DOE"});
        ocean.script([
            Answer::Json(503, sentinel.clone()),
            Answer::Json(500, sentinel),
        ]);
        let client = ocean.client(ClientConfig::default());
        for _ in 0..2 {
            let o = client.post_message(message(1)).await;
            assert!(!format!("{o:?}").contains("SENTINEL"), "{o:?}");
        }
        assert!(!format!("{client:?}").contains("s3cret"));
    })
    .await;
}
