//! The outbox through the real outbound client ([`OceanTransport`]) against the fake Ocean:
//! retries, `Retry-After`, order, dead letters, a token expiring mid-run; and a handler
//! downloading a referral's letter through the same transport.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ocean_gateway::attachments::{AttachmentType, ReferralDownloads};
use ocean_gateway::client::{ClientConfig, ClientCredentials};
use ocean_gateway::gateway::{Gateway, GatewayOptions};
use ocean_gateway::handoff::{Delivery, Handler, HandoffError};
use ocean_gateway::inbound::InboundClient;
use ocean_gateway::outbox::{DeadLetterCause, DeadLetterReport, Outbox, OutboxOptions};
use ocean_gateway::store::Store;
use ocean_gateway::transport::{OceanTransport, any_site_key};
use ocean_messages::OceanSite;
use ocean_model::{OceanBase, ReferralId};

use crate::fake_ocean::{Answer, CLIENT_ID, CLIENT_SECRET, Document, FakeOcean};
use crate::support::{CLIENT_ID as INBOUND_ID, CLIENT_SECRET as INBOUND_SECRET, *};

/// A gateway (no HTTP server) whose outbox goes through `transport`, with tiny retry delays.
struct Outbound {
    gateway: Gateway,
    dead: Arc<Mutex<Vec<DeadLetterReport>>>,
    _dir: tempfile::TempDir,
}

fn tiny_retries() -> OutboxOptions {
    // Retry-After is honoured up to 4 × max_delay = 1.2 s.
    let mut o = OutboxOptions::with_retry(
        Duration::from_millis(10),
        Duration::from_millis(300),
        Duration::from_secs(30),
    );
    o.poll = Duration::from_millis(20);
    o
}

impl Outbound {
    async fn start<H: Handler>(transport: Arc<OceanTransport>, handler: H) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&store_url(dir.path()).await).await.unwrap();
        let mut options: GatewayOptions =
            fast_options(vec![InboundClient::new(INBOUND_ID, INBOUND_SECRET)]);
        options.outbox = tiny_retries();
        let dead = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&dead);
        let gateway = Gateway::start(
            store.clone(),
            options,
            Arc::new(handler),
            Outbox::new(store),
            transport,
            Arc::new(move |r: &DeadLetterReport| sink.lock().unwrap().push(r.clone())),
        );
        Self {
            gateway,
            dead,
            _dir: dir,
        }
    }

    async fn until(&self, what: &str, done: impl Fn() -> bool) {
        for _ in 0..400 {
            if done() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("timed out waiting for {what}");
    }
}

fn body(m: &ocean_messages::build::OutboundMessage) -> Vec<u8> {
    m.to_json().unwrap().into_bytes()
}

#[tokio::test]
async fn retried_through_503_and_429_then_sent_once_in_order_and_a_token_refreshed() {
    let ocean = FakeOcean::start().await;
    ocean.script([
        Answer::Status(503),
        Answer::Status(503),
        Answer::RetryAfter(429, "1".into()),
    ]);
    let transport =
        Arc::new(OceanTransport::new().with_site("site-a", ocean.client(ClientConfig::default())));
    let gw = Outbound::start(transport, Recorder::default()).await;
    let outbox = gw.gateway.outbox();
    let (first, second) = (reply(1, 1), reply(2, 1));
    let started = Instant::now();
    outbox.send("site-a", &first).await.unwrap();
    outbox.send("site-a", &second).await.unwrap();
    gw.until("both delivered", || ocean.messages() == 5).await;
    // The 429 asked for 1 s: the next attempt waited for it.
    assert!(started.elapsed() >= Duration::from_secs(1));
    let received = ocean.fake.received.lock().unwrap().clone();
    // The first message four times (503, 503, 429, 200), then the second once: in order.
    for b in received.iter().take(4) {
        assert_eq!(b.as_ref(), body(&first).as_slice());
    }
    assert_eq!(received[4].as_ref(), body(&second).as_slice());
    for _ in 0..40 {
        if gw.gateway.store().outbox_pending().await.unwrap() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(gw.gateway.store().outbox_pending().await.unwrap(), 0);
    assert_eq!(ocean.tokens_fetched(), 1);

    // The token expires mid-run: Ocean answers 401, the client fetches a new one, the message
    // goes through on the same attempt.
    ocean.fake.tokens_expire_now();
    let third = reply(3, 1);
    outbox.send("site-a", &third).await.unwrap();
    gw.until("the third delivered", || ocean.messages() == 7)
        .await;
    assert_eq!(ocean.bad_tokens(), 1);
    assert_eq!(ocean.tokens_fetched(), 2);
    let received = ocean.fake.received.lock().unwrap().clone();
    assert_eq!(received.len(), 6, "a 401 is not recorded as received");
    assert_eq!(received[5].as_ref(), body(&third).as_slice());
    assert!(gw.dead.lock().unwrap().is_empty());
    gw.gateway.stop().await;
}

#[tokio::test]
async fn a_422_goes_to_the_dead_letter_list_through_a_default_credentials_client() {
    let ocean = FakeOcean::start().await;
    let outcome = serde_json::json!({
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "invalid", "diagnostics": "bad status"}]
    });
    ocean.script([Answer::Json(422, outcome.clone())]);
    // Not configured one by one: `{site}@{base}` with the default credentials, the base
    // replaced by the fake Ocean's.
    let transport = Arc::new(OceanTransport::new().with_any_site(
        ClientCredentials::new(CLIENT_ID, CLIENT_SECRET),
        Some(OceanBase::Custom(ocean.base())),
        ClientConfig::default(),
    ));
    let key = any_site_key(&OceanSite::new(OceanBase::Production, "1234").unwrap());
    let gw = Outbound::start(transport, Recorder::default()).await;
    let outbox = gw.gateway.outbox();
    outbox.send(&key, &reply(1, 1)).await.unwrap();
    outbox.send(&key, &reply(2, 1)).await.unwrap();
    gw.until("a dead letter and the next message", || {
        !gw.dead.lock().unwrap().is_empty() && ocean.messages() == 2
    })
    .await;
    let report = gw.dead.lock().unwrap()[0].clone();
    assert_eq!(report.cause, DeadLetterCause::Rejected);
    assert_eq!(report.status, Some(422));
    assert_eq!(report.outcome, Some(outcome));
    assert_eq!(report.attempts, 1);
    let dead = gw.gateway.store().dead_letters(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].status, Some(422));
    // A site with no client: retried (the configuration may be fixed), not dropped.
    outbox.send("unknown-site", &reply(3, 2)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(ocean.messages(), 2);
    assert_eq!(gw.dead.lock().unwrap().len(), 1);
    gw.gateway.stop().await;
}

/// A handler that downloads each new referral's letter through the gateway's transport.
struct Downloader {
    transport: Arc<OceanTransport>,
    letters: Arc<Mutex<Vec<(String, u64)>>>,
}

impl Handler for Downloader {
    async fn handle(&self, delivery: Delivery) -> Result<(), HandoffError> {
        let (Some(site), Some(referral)) = (&delivery.site, &delivery.referral) else {
            return Ok(());
        };
        let client = self
            .transport
            .client_for(site)
            .ok_or_else(|| HandoffError::new("no Ocean client for the site"))?;
        let mut downloads = ReferralDownloads::new(&client);
        let mut letter = Vec::new();
        let got = downloads
            .letter(&ReferralId::new(referral.as_str()), &mut letter)
            .await
            .map_err(|e| HandoffError::new(e.to_string()))?;
        assert_eq!(got.content_type, AttachmentType::Pdf);
        self.letters
            .lock()
            .unwrap()
            .push((referral.clone(), got.bytes));
        Ok(())
    }
}

#[tokio::test]
async fn a_handler_downloads_the_letter_through_the_transport() {
    let ocean = FakeOcean::start().await;
    let referral = "00000000-0000-4000-9000-000000000007";
    let mut pdf = b"%PDF-1.7\n".to_vec();
    pdf.resize(4096, b'.');
    ocean.document(
        &format!("/svc/fhir/v1/ServiceRequest/{referral}/$letter"),
        Document::Bytes(Some("application/pdf".into()), pdf),
    );
    let received = ocean_messages::parse(&variant(7, 7))
        .unwrap()
        .into_message()
        .unwrap();
    let number = received.receiver_site_number().unwrap().to_owned();
    // No sites configured: a delivery's site is the receiver's site number.
    let transport =
        Arc::new(OceanTransport::new().with_site(number, ocean.client(ClientConfig::default())));
    let letters = Arc::new(Mutex::new(Vec::new()));
    let handler = Downloader {
        transport: Arc::clone(&transport),
        letters: Arc::clone(&letters),
    };
    let gw = Outbound::start(transport, handler).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(axum::serve(listener, gw.gateway.router()).into_future());
    let http = reqwest::Client::new();
    let token: serde_json::Value = http
        .post(format!("{base}/oauth2/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", INBOUND_ID),
            ("client_secret", INBOUND_SECRET),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let answer = http
        .post(format!("{base}/fhir/$process-message"))
        .header("content-type", "application/fhir+json")
        .bearer_auth(token["access_token"].as_str().unwrap())
        .body(variant(7, 7))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    gw.until("the letter downloaded", || {
        !letters.lock().unwrap().is_empty()
    })
    .await;
    assert_eq!(letters.lock().unwrap()[0], (referral.to_owned(), 4096));
    server.abort();
    gw.gateway.stop().await;
}
