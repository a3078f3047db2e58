//! Load benchmark: webhook acks per second and p50/p99 ack latency with the durable commit,
//! against the floor of a bare SQLite insert-and-commit of the same bytes, in one run.
//!
//! ```text
//! cargo run --release -p ocean-gateway --example load -- [MESSAGES] [SENDERS] [REFERRALS]
//! ```
//! Defaults: 2,000 messages, 100 concurrent senders, one referral per message (Ocean sends one
//! referral's messages one after the other, so concurrent messages are of different referrals;
//! `REFERRALS` below `MESSAGES` spreads the messages over fewer referrals, round robin, whose
//! hand-offs then run one at a time per referral). Both sides use a SQLite file in WAL mode
//! with `synchronous=FULL` in a temporary directory; the gateway side goes through HTTP on
//! loopback (token check, parse, insert, commit, answer) while its hand-off workers drain the
//! inbox.
// A measuring harness, like a test: it stops on the first failure.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use ocean_gateway::client::SendOutcome;
use ocean_gateway::gateway::{Gateway, GatewayOptions};
use ocean_gateway::handoff::{Delivery, Handler, HandoffError};
use ocean_gateway::inbound::{InboundClient, InboundOptions};
use ocean_gateway::outbox::{Outbox, Transport};
use ocean_gateway::store::Store;
use sqlx::Executor as _;

const SAMPLE: &str = include_str!("../../testdata/ocean/ereferral_back_pain.bundle.json");
const MSH_ID: &str = "fdd94a37-22a7-41ce-8140-6604a1f10908";
const REFERRAL_ID: &str = "71db1a5c-89ce-41d5-bc71-8466f6c2f182";

struct Done;

impl Handler for Done {
    async fn handle(&self, _: Delivery) -> Result<(), HandoffError> {
        Ok(())
    }
}

struct Nowhere;

impl Transport for Nowhere {
    async fn send(&self, _: &str, _: Vec<u8>) -> SendOutcome {
        SendOutcome::Delivered { status: 200 }
    }
}

struct Stats {
    rate: f64,
    p50: Duration,
    p99: Duration,
}

fn stats(mut latencies: Vec<Duration>, elapsed: Duration) -> Stats {
    latencies.sort();
    let at = |q: f64| {
        let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies.get(i).copied().unwrap_or_default()
    };
    Stats {
        rate: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
    }
}

fn bodies(n: usize, referrals: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            SAMPLE
                .replace(MSH_ID, &format!("00000000-0000-4000-8000-{i:012}"))
                .replace(
                    REFERRAL_ID,
                    &format!("00000000-0000-4000-9000-{:012}", i % referrals.max(1)),
                )
                .into_bytes()
        })
        .collect()
}

async fn gateway_run(
    dir: &std::path::Path,
    messages: usize,
    senders: usize,
    referrals: usize,
) -> Stats {
    let store = Store::open(&format!("sqlite://{}", dir.join("gateway.db").display()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let options = GatewayOptions::new(InboundOptions::new(vec![InboundClient::new(
        "load",
        "load-test-secret-0123456789",
    )]));
    let gateway = Gateway::start(
        store.clone(),
        options,
        Arc::new(Done),
        Outbox::new(store),
        Arc::new(Nowhere),
        Arc::new(|_: &_| {}),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let base = format!(
        "http://{}",
        listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    let server = tokio::spawn(axum::serve(listener, gateway.router()).into_future());
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(senders)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let token: serde_json::Value = http
        .post(format!("{base}/oauth2/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "load"),
            ("client_secret", "load-test-secret-0123456789"),
        ])
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let token = token
        .get("access_token")
        .and_then(|t| t.as_str())
        .unwrap_or_default()
        .to_owned();
    let url = format!("{base}/fhir/$process-message");
    let started = Instant::now();
    let latencies: Vec<Duration> = futures_util::stream::iter(bodies(messages, referrals))
        .map(|body| {
            let request = http
                .post(&url)
                .header("content-type", "application/fhir+json")
                .bearer_auth(&token)
                .body(body);
            async move {
                let t = Instant::now();
                let status = request.send().await.map(|r| r.status().as_u16());
                assert_eq!(status.ok(), Some(200), "every message acked");
                t.elapsed()
            }
        })
        .buffer_unordered(senders)
        .collect()
        .await;
    let elapsed = started.elapsed();
    server.abort();
    gateway.stop().await;
    stats(latencies, elapsed)
}

async fn floor_run(dir: &std::path::Path, messages: usize, senders: usize) -> Stats {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=rwc", dir.join("floor.db").display());
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(8)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute("PRAGMA journal_mode=WAL").await?;
                conn.execute("PRAGMA synchronous=FULL").await?;
                conn.execute("PRAGMA busy_timeout=5000").await?;
                Ok(())
            })
        })
        .connect(&url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    pool.execute("CREATE TABLE floor (k TEXT PRIMARY KEY, body BLOB NOT NULL)")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let started = Instant::now();
    let latencies: Vec<Duration> =
        futures_util::stream::iter(bodies(messages, messages).into_iter().enumerate())
            .map(|(i, body)| {
                let pool = pool.clone();
                async move {
                    let t = Instant::now();
                    sqlx::query("INSERT INTO floor (k, body) VALUES ($1, $2)")
                        .bind(i.to_string())
                        .bind(body)
                        .execute(&pool)
                        .await
                        .unwrap_or_else(|e| panic!("{e}"));
                    t.elapsed()
                }
            })
            .buffer_unordered(senders)
            .collect()
            .await;
    let elapsed = started.elapsed();
    pool.close().await;
    stats(latencies, elapsed)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let messages: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let senders: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let referrals: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(messages);
    let dir = std::env::temp_dir().join(format!("ocean-gateway-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let floor = floor_run(&dir, messages, senders).await;
    let gateway = gateway_run(&dir, messages, senders, referrals).await;
    let _ = std::fs::remove_dir_all(&dir);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{messages} messages ({} bytes each) of {referrals} referrals, {senders} concurrent senders",
        SAMPLE.len()
    );
    println!(
        "floor (bare SQLite insert+commit): {:>8.0} /s  p50 {:>6.2} ms  p99 {:>6.2} ms",
        floor.rate,
        ms(floor.p50),
        ms(floor.p99)
    );
    println!(
        "gateway (HTTP, auth, parse, commit): {:>6.0} /s  p50 {:>6.2} ms  p99 {:>6.2} ms",
        gateway.rate,
        ms(gateway.p50),
        ms(gateway.p99)
    );
    println!("ratio gateway/floor: {:.2}x", gateway.rate / floor.rate);
}
