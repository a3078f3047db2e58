//! The retry policy as a vendor sees it: the default schedule end to end, and a send loop that
//! follows it against the fake Ocean.

use std::time::{Duration, Instant};

use ocean_gateway::client::{ClientConfig, SendOutcome};
use ocean_gateway::retry::RetryPolicy;

use crate::fake_ocean::{Answer, FakeOcean};

/// Attempts made (the first included) and when the last one fell, following the default policy
/// with a fixed jitter until it dead-letters.
fn run_schedule(jitter: f64) -> (u32, Vec<Duration>) {
    let policy = RetryPolicy::default();
    let mut at = Duration::ZERO;
    let mut times = vec![at];
    let mut attempt = 1;
    while let Some(d) = policy.next_delay_with(attempt, None, at, jitter) {
        at += d;
        times.push(at);
        attempt += 1;
    }
    (attempt, times)
}

#[test]
fn the_default_schedule_is_oceans() {
    for jitter in [0.0, 0.5, 1.0] {
        let (attempts, times) = run_schedule(jitter);
        let first_hour = times
            .iter()
            .filter(|t| **t <= Duration::from_secs(3600))
            .count();
        assert!(
            (7..=12).contains(&first_hour),
            "jitter {jitter}: {first_hour}"
        );
        // Nothing after 96 hours, and the last attempt within the last hour of the window.
        let last = *times.last().unwrap();
        assert!(last <= Duration::from_secs(96 * 3600));
        assert!(last > Duration::from_secs(95 * 3600), "{last:?}");
        assert!(
            (90..=200).contains(&attempts),
            "jitter {jitter}: {attempts}"
        );
    }
    // The module docs' table: 102 attempts at the longest draws, 198 at the shortest.
    assert_eq!(run_schedule(1.0).0, 102);
    assert_eq!(run_schedule(0.0).0, 198);
}

#[tokio::test]
async fn a_send_loop_following_the_policy_delivers_once() {
    tokio::time::timeout(Duration::from_secs(20), async {
        let ocean = FakeOcean::start().await;
        ocean.script([
            Answer::Status(503),
            Answer::Status(503),
            Answer::RetryAfter(429, "1".into()),
        ]);
        let client = ocean.client(ClientConfig::default());
        let policy = RetryPolicy::new(
            Duration::from_millis(20),
            Duration::from_millis(200),
            Duration::from_secs(10),
        );
        let first = Instant::now();
        let mut attempt = 0;
        let mut delays = Vec::new();
        loop {
            attempt += 1;
            match client.post_message(b"{}".to_vec()).await {
                SendOutcome::Delivered { .. } => break,
                SendOutcome::Retry { retry_after, .. } => {
                    let d = policy
                        .next_delay(attempt, retry_after, first.elapsed())
                        .expect("inside the window");
                    delays.push(d);
                    tokio::time::sleep(d).await;
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(attempt, 4);
        assert!(delays[0] >= Duration::from_millis(10) && delays[0] <= Duration::from_millis(20));
        assert!(delays[1] >= Duration::from_millis(20) && delays[1] <= Duration::from_millis(40));
        // Retry-After: 1 s is longer than the 40-80 ms backoff; it is cut to the ceiling,
        // 4 × max_delay = 800 ms.
        assert_eq!(delays[2], Duration::from_millis(800));
        assert_eq!(ocean.messages(), 4);
        assert_eq!(ocean.tokens_fetched(), 1);
    })
    .await
    .expect("bounded");
}
