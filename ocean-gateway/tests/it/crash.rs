//! The gateway killed (SIGKILL) at random points while 200 messages are posted, and restarted:
//! every message that got a 200 is handed over, and a message is handed over again only when a
//! crash interrupted its own hand-off, flagged with attempt > 1.
//!
//! The child process is this test binary, re-run with `OCEAN_GATEWAY_CRASH_CHILD` set: it runs
//! [`child_gateway`], a gateway on a loopback port over a SQLite file whose handler appends a
//! JSON line per hand-off to a deliveries file (then lingers a moment, so that kills land inside
//! hand-offs too).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ocean_gateway::gateway::{Gateway, GatewayOptions};
use ocean_gateway::handoff::{Delivery, Handler, HandoffError};
use ocean_gateway::inbound::{InboundClient, InboundOptions};
use ocean_gateway::outbox::Outbox;
use ocean_gateway::store::Store;

use crate::support::*;

const CHILD_ENV: &str = "OCEAN_GATEWAY_CRASH_CHILD";
const WORKERS: usize = 4;

struct AppendHandler(PathBuf);

impl Handler for AppendHandler {
    async fn handle(&self, d: Delivery) -> Result<(), HandoffError> {
        let line = serde_json::json!({
            "idempotencyKey": d.idempotency_key,
            "event": d.event,
            "referral": d.referral,
            "attempt": d.attempt,
        })
        .to_string()
            + "\n";
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.0)
            .map_err(|_| HandoffError::new("deliveries file"))?;
        file.write_all(line.as_bytes())
            .map_err(|_| HandoffError::new("deliveries write"))?;
        // Linger, so that some kills interrupt a hand-off after its effect.
        tokio::time::sleep(Duration::from_millis(u64::from(d.attempt % 2) * 3 + 2)).await;
        Ok(())
    }
}

/// Not a test on its own: the child gateway (returns at once unless run by `crash`).
#[test]
fn child_gateway() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async move {
        let url = format!("sqlite://{}", dir.join("gateway.db").display());
        let store = Store::open(&url).await.unwrap();
        let mut options = GatewayOptions::new(InboundOptions::new(vec![InboundClient::new(
            CLIENT_ID,
            CLIENT_SECRET,
        )]));
        options.handoff.workers = WORKERS;
        options.handoff.poll = Duration::from_millis(50);
        let gateway = Gateway::start(
            store.clone(),
            options,
            Arc::new(AppendHandler(dir.join("deliveries.jsonl"))),
            Outbox::new(store),
            Arc::new(Scripted::default()),
            Arc::new(|_: &_| {}),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let tmp = dir.join("addr.tmp");
        std::fs::write(&tmp, &addr).unwrap();
        std::fs::rename(&tmp, dir.join("addr")).unwrap();
        axum::serve(listener, gateway.router()).await.unwrap();
    });
}

// The caller kills and waits for the child.
#[allow(clippy::zombie_processes)]
fn spawn_child(dir: &Path) -> (Child, String) {
    let _ = std::fs::remove_file(dir.join("addr"));
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "crash::child_gateway",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Ok(addr) = std::fs::read_to_string(dir.join("addr")) {
            return (child, format!("http://{addr}"));
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "child did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A small deterministic generator (seeded from the clock; the seed is printed).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn deliveries(dir: &Path) -> Vec<(String, u32)> {
    std::fs::read_to_string(dir.join("deliveries.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            (
                v["idempotencyKey"].as_str().unwrap().to_owned(),
                u32::try_from(v["attempt"].as_u64().unwrap()).unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_and_restarted_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    println!("crash test seed {seed}");
    let mut rng = Lcg(seed);
    let (mut child, mut base) = spawn_child(dir.path());
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let token_for = |base: String, http: reqwest::Client| async move {
        let r = http
            .post(format!("{base}/oauth2/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
            ])
            .send()
            .await
            .unwrap();
        let v: serde_json::Value = r.json().await.unwrap();
        v["access_token"].as_str().unwrap().to_owned()
    };
    let token = token_for(base.clone(), http.clone()).await;
    // 200 messages over 40 referrals, each posted until it gets a 200; some posted again after.
    let messages: Vec<(usize, Vec<u8>)> = (1..=200).map(|n| (n, variant(n, n % 40))).collect();
    let mut acked: HashSet<usize> = HashSet::new();
    let mut kills = 0;
    let mut next_kill = 5 + rng.below(30) as usize;
    let started = Instant::now();
    let mut i = 0;
    while acked.len() < messages.len() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "crash test took too long"
        );
        // Four concurrent posts of the next unacked messages (and a repeat of an acked one).
        let batch: Vec<(usize, Vec<u8>)> = messages
            .iter()
            .filter(|(n, _)| !acked.contains(n))
            .take(4)
            .cloned()
            .chain((i % 7 == 0).then(|| messages[i % 200].clone()))
            .collect();
        i += 1;
        let posts = batch.iter().map(|(n, body)| {
            let request = http
                .post(format!("{base}/fhir/$process-message"))
                .header("content-type", "application/fhir+json")
                .bearer_auth(&token)
                .body(body.clone());
            async move { (*n, request.send().await.map(|r| r.status().as_u16())) }
        });
        let kill_now = kills < 6 && acked.len() >= next_kill;
        let kill = async {
            if kill_now {
                tokio::time::sleep(Duration::from_millis(rng.below(15))).await;
            }
        };
        let (results, ()) = tokio::join!(futures_util::future::join_all(posts), kill);
        if kill_now {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            kills += 1;
            next_kill = acked.len() + 10 + rng.below(40) as usize;
        }
        for (n, result) in results {
            if matches!(result, Ok(200)) {
                acked.insert(n);
            }
        }
        if kill_now {
            (child, base) = spawn_child(dir.path());
        }
    }
    // Let the last run hand everything over.
    let wanted: HashSet<String> = messages
        .iter()
        .map(|(_, b)| {
            ocean_messages::parse(b)
                .unwrap()
                .idempotency_key()
                .as_str()
                .to_owned()
        })
        .collect();
    let drained = Instant::now();
    loop {
        let got: HashSet<String> = deliveries(dir.path()).into_iter().map(|d| d.0).collect();
        if wanted.is_subset(&got) {
            break;
        }
        assert!(
            drained.elapsed() < Duration::from_secs(60),
            "not every acked message was handed over"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A graceful end, so the last hand-offs are marked done.
    tokio::time::sleep(Duration::from_millis(300)).await;
    child.kill().unwrap();
    child.wait().unwrap();

    let lines = deliveries(dir.path());
    let mut per_key: HashMap<String, Vec<u32>> = HashMap::new();
    for (key, attempt) in &lines {
        per_key.entry(key.clone()).or_default().push(*attempt);
    }
    assert_eq!(
        per_key.len(),
        200,
        "every message handed over, and only those"
    );
    let mut redelivered = 0;
    for (key, attempts) in &per_key {
        let unique: HashSet<_> = attempts.iter().collect();
        assert_eq!(
            unique.len(),
            attempts.len(),
            "{key}: an attempt number twice"
        );
        if attempts.len() > 1 || attempts.iter().any(|a| *a > 1) {
            redelivered += 1;
            assert!(
                attempts.windows(2).all(|w| w[0] < w[1]),
                "{key}: {attempts:?}"
            );
        }
    }
    // Each kill interrupts at most one hand-off per worker; the final kill too.
    assert!(
        redelivered <= (kills + 1) * WORKERS,
        "{redelivered} redelivered after {kills} kills"
    );
    println!(
        "{kills} kills, {redelivered} redelivered, {} lines",
        lines.len()
    );
}
