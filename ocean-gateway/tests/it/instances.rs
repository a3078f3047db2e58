//! Two gateway instances on one PostgreSQL database (feature `postgres`): 1,000 messages with
//! repeats, posted to both, each handed over exactly once; outbound messages queued through
//! both, each sent by exactly one instance.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::StreamExt as _;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_each_message_once() {
    let Some(url) = postgres_database().await else {
        return;
    };
    let handler = Arc::new(Recorder::default());
    let sent_a = Arc::new(Scripted::default());
    let sent_b = Arc::new(Scripted::default());
    let a = TestGateway::start_on(
        &url,
        tempfile::tempdir().unwrap(),
        |_| {},
        Arc::clone(&handler),
        Arc::clone(&sent_a),
    )
    .await;
    let b = TestGateway::start_on(
        &url,
        tempfile::tempdir().unwrap(),
        |_| {},
        Arc::clone(&handler),
        Arc::clone(&sent_b),
    )
    .await;
    // A token from one instance works on the other (tokens live in the database).
    let token = a.token().await;
    // 800 distinct messages over 100 referrals, then 200 repeats: 1,000 posts, 16 at a time.
    let posts: Vec<(usize, usize)> = (0..1000)
        .map(|i| (i, if i < 800 { i } else { (i * 7) % 800 }))
        .collect();
    let statuses: Vec<u16> = futures_util::stream::iter(posts)
        .map(|(i, n)| {
            let base = if i % 2 == 0 { &a.base } else { &b.base };
            let request = a
                .http
                .post(format!("{base}/fhir/$process-message"))
                .header("content-type", "application/fhir+json")
                .bearer_auth(&token)
                .body(variant(n, n % 100));
            async move { request.send().await.unwrap().status().as_u16() }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    assert!(statuses.iter().all(|s| *s == 200));
    a.until("800 hand-offs", |_| handler.keys().len() >= 800)
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut per_key: HashMap<String, usize> = HashMap::new();
    for key in handler.keys() {
        *per_key.entry(key).or_default() += 1;
    }
    assert_eq!(per_key.len(), 800);
    assert!(
        per_key.values().all(|n| *n == 1),
        "a message handed over twice"
    );

    // 100 outbound messages, queued alternately through both instances.
    let mut ids = Vec::new();
    for n in 0..100 {
        let message = reply(n, n % 10);
        ids.push(message.message_id().to_string());
        let outbox = if n % 2 == 0 {
            a.gateway().outbox()
        } else {
            b.gateway().outbox()
        };
        outbox.send("site", &message).await.unwrap();
    }
    a.until("100 sends", |_| {
        sent_a.sent.lock().unwrap().len() + sent_b.sent.lock().unwrap().len() >= 100
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let mut per_id: HashMap<String, usize> = HashMap::new();
    for sent in [&sent_a, &sent_b] {
        for (_, body, _) in sent.sent.lock().unwrap().iter() {
            let text = String::from_utf8_lossy(body);
            let id = ids.iter().find(|id| text.contains(id.as_str())).unwrap();
            *per_id.entry(id.clone()).or_default() += 1;
        }
    }
    assert_eq!(per_id.len(), 100);
    assert!(
        per_id.values().all(|n| *n == 1),
        "an outbound message sent twice"
    );
    println!(
        "hand-offs and sends split: a sent {}, b sent {}",
        sent_a.sent.lock().unwrap().len(),
        sent_b.sent.lock().unwrap().len()
    );
    a.stop().await;
    b.stop().await;
}
