//! The outbox: retries, order, dead letters.

use std::time::Duration;

use ocean_gateway::client::SendOutcome;
use ocean_gateway::outbox::DeadLetterCause;

use crate::support::*;

fn retry(after: Option<u64>) -> SendOutcome {
    SendOutcome::Retry {
        reason: "status 503".into(),
        retry_after: after.map(Duration::from_millis),
    }
}

#[tokio::test]
async fn retried_until_delivered_in_order() {
    let script = vec![retry(None), retry(None), retry(Some(100))];
    let gw = TestGateway::start_with(|_| {}, Recorder::default(), Scripted::new(script)).await;
    let outbox = gw.gateway().outbox();
    let first = reply(1, 1);
    let second = reply(2, 1);
    outbox.send("site-a", &first).await.unwrap();
    outbox.send("site-a", &second).await.unwrap();
    gw.until("both delivered", |g| {
        g.transport
            .sent
            .lock()
            .unwrap()
            .iter()
            .filter(|s| matches!(s.2, SendOutcome::Delivered { .. }))
            .count()
            == 2
    })
    .await;
    let sent = gw.transport.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 5);
    let first_json = first.to_json().unwrap().into_bytes();
    // The first message four times (three failures, one success), then the second.
    for s in sent.iter().take(4) {
        assert_eq!(s.0, "site-a");
        assert_eq!(s.1, first_json);
    }
    assert_eq!(sent[4].1, second.to_json().unwrap().into_bytes());
    assert!(gw.dead.lock().unwrap().is_empty());
    assert_eq!(gw.gateway().store().outbox_pending().await.unwrap(), 0);
    gw.stop().await;
}

#[tokio::test]
async fn rejected_goes_to_the_dead_letter_list() {
    let outcome = serde_json::json!({"resourceType": "OperationOutcome", "issue": []});
    let script = vec![SendOutcome::Rejected {
        status: 422,
        outcome: Some(outcome.clone()),
    }];
    let gw = TestGateway::start_with(|_| {}, Recorder::default(), Scripted::new(script)).await;
    let outbox = gw.gateway().outbox();
    outbox.send("site-a", &reply(1, 1)).await.unwrap();
    outbox.send("site-a", &reply(2, 1)).await.unwrap();
    gw.until("dead letter and the next message", |g| {
        !g.dead.lock().unwrap().is_empty() && g.transport.sent.lock().unwrap().len() == 2
    })
    .await;
    let report = gw.dead.lock().unwrap()[0].clone();
    assert_eq!(report.cause, DeadLetterCause::Rejected);
    assert_eq!(report.status, Some(422));
    assert_eq!(report.outcome, Some(outcome));
    let dead = gw.gateway().store().dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].status, Some(422));
    assert!(dead[0].body.is_some());
    gw.stop().await;
}

#[tokio::test]
async fn the_end_of_the_window_dead_letters() {
    let script = vec![retry(None); 1000];
    let gw = TestGateway::start_with(
        |o| {
            o.outbox = ocean_gateway::outbox::OutboxOptions::with_retry(
                Duration::from_millis(20),
                Duration::from_millis(50),
                Duration::from_millis(300),
            );
            o.outbox.poll = Duration::from_millis(20);
        },
        Recorder::default(),
        Scripted::new(script),
    )
    .await;
    gw.gateway()
        .outbox()
        .send("site-a", &reply(1, 1))
        .await
        .unwrap();
    gw.until("dead letter", |g| !g.dead.lock().unwrap().is_empty())
        .await;
    let report = gw.dead.lock().unwrap()[0].clone();
    assert_eq!(report.cause, DeadLetterCause::WindowOver);
    assert!(report.attempts > 1);
    gw.stop().await;
}

#[tokio::test]
async fn send_once_sends_once() {
    let gw = TestGateway::start().await;
    let outbox = gw.gateway().outbox();
    let message = reply(1, 1);
    assert!(
        outbox
            .send_once("site-a", &message, "k1")
            .await
            .unwrap()
            .is_some()
    );
    // A redelivered hand-off builds its reply again (a new message id): not stored.
    assert!(
        outbox
            .send_once("site-a", &reply(1, 1), "k1")
            .await
            .unwrap()
            .is_none()
    );
    gw.until("sent", |g| !g.transport.sent.lock().unwrap().is_empty())
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(gw.transport.sent.lock().unwrap().len(), 1);
    gw.stop().await;
}
