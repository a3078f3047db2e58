//! A gateway on a loopback port over a SQLite file, a recording handler, a scripted transport.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ocean_gateway::client::SendOutcome;
use ocean_gateway::gateway::{Gateway, GatewayOptions};
use ocean_gateway::handoff::{Delivery, Handler, HandoffError};
use ocean_gateway::inbound::{InboundClient, InboundOptions};
use ocean_gateway::outbox::{DeadLetterReport, Outbox, Transport};
use ocean_gateway::store::Store;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub(crate) const CLIENT_ID: &str = "ocean-test";
pub(crate) const CLIENT_SECRET: &str = "test-secret-0123456789abcdef";

pub(crate) const BACK_PAIN: &str =
    include_str!("../../../testdata/ocean/ereferral_back_pain.bundle.json");
const MSH_ID: &str = "fdd94a37-22a7-41ce-8140-6604a1f10908";
const REFERRAL_ID: &str = "71db1a5c-89ce-41d5-bc71-8466f6c2f182";

/// The back-pain referral as a new message `n` for referral `referral`.
pub(crate) fn variant(n: usize, referral: usize) -> Vec<u8> {
    BACK_PAIN
        .replace(MSH_ID, &format!("00000000-0000-4000-8000-{n:012}"))
        .replace(
            REFERRAL_ID,
            &format!("00000000-0000-4000-9000-{referral:012}"),
        )
        .into_bytes()
}

/// Every sample Ocean message.
pub(crate) fn samples() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/ocean");
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    assert!(!out.is_empty());
    out
}

/// A handler that records every delivery and fails the first `fail_first` attempts of each key.
#[derive(Default)]
pub(crate) struct Recorder {
    pub(crate) deliveries: Mutex<Vec<(String, Option<String>, u32)>>,
    pub(crate) fail_first: u32,
    tries: Mutex<HashMap<String, u32>>,
}

impl Recorder {
    pub(crate) fn failing(fail_first: u32) -> Self {
        Self {
            fail_first,
            ..Self::default()
        }
    }

    pub(crate) fn keys(&self) -> Vec<String> {
        self.deliveries
            .lock()
            .unwrap()
            .iter()
            .map(|d| d.0.clone())
            .collect()
    }
}

impl Handler for Recorder {
    async fn handle(&self, delivery: Delivery) -> Result<(), HandoffError> {
        let tries = {
            let mut tries = self.tries.lock().unwrap();
            let n = tries.entry(delivery.idempotency_key.clone()).or_default();
            *n += 1;
            *n
        };
        self.deliveries.lock().unwrap().push((
            delivery.idempotency_key.clone(),
            delivery.referral.clone(),
            delivery.attempt,
        ));
        if tries <= self.fail_first {
            return Err(HandoffError::new("test failure"));
        }
        Ok(())
    }
}

/// A transport answering from a script (then `Delivered`), recording what it was sent.
#[derive(Default)]
pub(crate) struct Scripted {
    pub(crate) script: Mutex<VecDeque<SendOutcome>>,
    pub(crate) sent: Mutex<Vec<(String, Vec<u8>, SendOutcome)>>,
}

impl Scripted {
    pub(crate) fn new(script: Vec<SendOutcome>) -> Self {
        Self {
            script: Mutex::new(script.into()),
            sent: Mutex::default(),
        }
    }
}

impl Transport for Scripted {
    async fn send(&self, site: &str, body: Vec<u8>) -> SendOutcome {
        let outcome = self
            .script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(SendOutcome::Delivered { status: 200 });
        self.sent
            .lock()
            .unwrap()
            .push((site.to_owned(), body, outcome.clone()));
        outcome
    }
}

/// The URL of PostgreSQL for the `postgres` feature's suite.
pub(crate) const POSTGRES_ENV: &str = "OCEAN_TEST_POSTGRES_URL";

/// With the `postgres` feature: a fresh database on the server at `OCEAN_TEST_POSTGRES_URL`
/// (required under `CI=true`; elsewhere, without it, the suite runs on SQLite). Without the
/// feature: a SQLite file in `dir`.
pub(crate) async fn store_url(dir: &std::path::Path) -> String {
    if cfg!(feature = "postgres") {
        if let Some(url) = postgres_database().await {
            return url;
        }
    }
    format!("sqlite://{}", dir.join("gateway.db").display())
}

/// A fresh database on the test PostgreSQL server, or `None` when none is configured (a
/// failure under `CI=true`).
pub(crate) async fn postgres_database() -> Option<String> {
    let Ok(base) = std::env::var(POSTGRES_ENV) else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{POSTGRES_ENV} must be set under CI=true for the postgres suite"
        );
        eprintln!("{POSTGRES_ENV} not set: running on SQLite");
        return None;
    };
    use sqlx::Executor as _;
    sqlx::any::install_default_drivers();
    let name = format!("gw_{}", uuid::Uuid::new_v4().simple());
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&base)
        .await
        .unwrap();
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let (root, _) = base.rsplit_once('/').unwrap();
    Some(format!("{root}/{name}"))
}

pub(crate) struct TestGateway {
    pub(crate) base: String,
    pub(crate) handler: Arc<Recorder>,
    pub(crate) transport: Arc<Scripted>,
    pub(crate) dead: Arc<Mutex<Vec<DeadLetterReport>>>,
    pub(crate) http: reqwest::Client,
    gateway: Option<Gateway>,
    server: Option<(oneshot::Sender<()>, JoinHandle<()>)>,
    _dir: tempfile::TempDir,
}

pub(crate) fn fast_options(clients: Vec<InboundClient>) -> GatewayOptions {
    let mut options = GatewayOptions::new(InboundOptions::new(clients));
    options.handoff.poll = Duration::from_millis(50);
    options.handoff.backoff_initial = Duration::from_millis(20);
    options.handoff.backoff_max = Duration::from_millis(100);
    options.outbox = ocean_gateway::outbox::OutboxOptions::with_retry(
        Duration::from_millis(20),
        Duration::from_millis(200),
        Duration::from_secs(30),
    );
    options.outbox.poll = Duration::from_millis(50);
    options
}

impl TestGateway {
    pub(crate) async fn start() -> Self {
        Self::start_with(|_| {}, Recorder::default(), Scripted::default()).await
    }

    pub(crate) async fn start_with(
        tune: impl FnOnce(&mut GatewayOptions),
        handler: Recorder,
        transport: Scripted,
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = store_url(dir.path()).await;
        Self::start_on(&url, dir, tune, Arc::new(handler), Arc::new(transport)).await
    }

    /// A gateway on the store at `url`, with shared handler and transport (several instances
    /// may share them).
    pub(crate) async fn start_on(
        url: &str,
        dir: tempfile::TempDir,
        tune: impl FnOnce(&mut GatewayOptions),
        handler: Arc<Recorder>,
        transport: Arc<Scripted>,
    ) -> Self {
        let store = Store::open(url).await.unwrap();
        let mut options = fast_options(vec![InboundClient::new(CLIENT_ID, CLIENT_SECRET)]);
        tune(&mut options);
        let dead = Arc::new(Mutex::new(Vec::new()));
        let sink_dead = Arc::clone(&dead);
        let gateway = Gateway::start(
            store.clone(),
            options,
            Arc::clone(&handler),
            Outbox::new(store),
            Arc::clone(&transport),
            Arc::new(move |r: &DeadLetterReport| sink_dead.lock().unwrap().push(r.clone())),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let router = gateway.router();
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        Self {
            base,
            handler,
            transport,
            dead,
            http: reqwest::Client::new(),
            gateway: Some(gateway),
            server: Some((tx, server)),
            _dir: dir,
        }
    }

    pub(crate) fn gateway(&self) -> &Gateway {
        self.gateway.as_ref().unwrap()
    }

    pub(crate) async fn token(&self) -> String {
        let response = self
            .http
            .post(format!("{}/oauth2/token", self.base))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["token_type"], "Bearer");
        body["access_token"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn post(
        &self,
        body: impl Into<reqwest::Body>,
        token: Option<&str>,
        content_type: &str,
    ) -> reqwest::Response {
        let mut request = self
            .http
            .post(format!("{}/fhir/$process-message", self.base))
            .header("content-type", content_type)
            .body(body);
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        request.send().await.unwrap()
    }

    /// Waits until `done` holds (or fails after 20 s).
    pub(crate) async fn until(&self, what: &str, done: impl Fn(&Self) -> bool) {
        for _ in 0..400 {
            if done(self) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("timed out waiting for {what}");
    }

    pub(crate) async fn stop(mut self) {
        if let Some((tx, server)) = self.server.take() {
            let _ = tx.send(());
            let _ = server.await;
        }
        if let Some(g) = self.gateway.take() {
            g.stop().await;
        }
    }
}

/// A `notify-add-process-request` (received) answering [`variant`]`(n, referral)`.
pub(crate) fn reply(n: usize, referral: usize) -> ocean_messages::build::OutboundMessage {
    let received = ocean_messages::parse(&variant(n, referral))
        .unwrap()
        .into_message()
        .unwrap();
    let site = ocean_messages::OceanSite::new(
        ocean_model::OceanBase::Custom("http://localhost:8081".into()),
        "1234",
    )
    .unwrap();
    let site = if site.matches(&received) {
        site
    } else {
        let number = received.receiver_site_number().unwrap_or("1").to_owned();
        ocean_messages::OceanSite::new(
            ocean_model::OceanBase::Custom("http://localhost:8081".into()),
            number,
        )
        .unwrap()
    };
    let pos =
        ocean_messages::build::PosSystem::new("Test POS", "https://pos.example.org/ocean").unwrap();
    let mut out = ocean_messages::build::Outbound::new(&received, &site, &pos).unwrap();
    out.add_process_request(&ocean_messages::build::TaskUpdate::new(
        ocean_status::AcceptedTaskStatus::Received,
    ))
    .unwrap()
}
