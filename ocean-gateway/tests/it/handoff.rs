//! Hand-off: failures retried with the attempt count, order per referral.

use crate::support::*;

#[tokio::test]
async fn failures_are_retried_in_order_per_referral() {
    let gw = TestGateway::start_with(|_| {}, Recorder::failing(2), Scripted::default()).await;
    let token = gw.token().await;
    // Three messages of referral 1, one of referral 2.
    for (n, r) in [(1, 1), (2, 1), (3, 2), (4, 1)] {
        let status = gw
            .post(variant(n, r), Some(&token), "application/fhir+json")
            .await
            .status();
        assert_eq!(status, 200);
    }
    gw.until("all handed over", |g| {
        let d = g.handler.deliveries.lock().unwrap();
        d.iter().filter(|x| x.2 == 3).count() == 4
    })
    .await;
    let deliveries = gw.handler.deliveries.lock().unwrap().clone();
    // Referral 1: message 1 three times (attempts 1, 2, 3), then 2, then 4.
    let referral1: Vec<(String, u32)> = deliveries
        .iter()
        .filter(|d| d.1.as_deref().is_some_and(|r| r.ends_with("000000000001")))
        .map(|d| (d.0.clone(), d.2))
        .collect();
    let order: Vec<u32> = referral1.iter().map(|d| d.1).collect();
    assert_eq!(order, [1, 2, 3, 1, 2, 3, 1, 2, 3]);
    let firsts: Vec<&String> = referral1.iter().step_by(3).map(|d| &d.0).collect();
    assert!(firsts[0].contains("000000000001"));
    assert!(firsts[1].contains("000000000002"));
    assert!(firsts[2].contains("000000000004"));
    gw.stop().await;
}
