//! `ocean-gateway`: the webhook service Ocean posts to and the outbound side a POS sends
//! with, around a durable inbox and outbox, so that no referral is ever lost.
//!
//! Ocean resends anything not answered 2xx (several times in the first hour, then hourly for
//! 96 hours). So the gateway answers 200 **only after the message is committed** to its inbox,
//! treats repeats as one, and hands each message to the POS exactly once in effect.
//!
//! # The flow a vendor follows
//! 1. **Open the store**: [`store::Store::open`] with `sqlite://PATH` (one process per file) or,
//!    with the `postgres` feature, `postgres://…` (several instances on one database).
//! 2. **Configure the clients Ocean authenticates as** ([`inbound::InboundClient`], or a JSON
//!    file: [`config`]) and give Ocean, in its eReferral integration settings, the token URL
//!    (`…/oauth2/token`), the webhook URL (`…/fhir/$process-message`, HTTPS: terminate TLS at
//!    your proxy), the client id and the secret.
//! 3. **Implement the [`handoff::Handler`]**: take one [`handoff::Delivery`] into the POS and
//!    return `Ok` only when it is safely there. Make the effect idempotent on
//!    [`handoff::Delivery::idempotency_key`]: a hand-off interrupted by a crash comes back with
//!    [`handoff::Delivery::attempt`] > 1. Messages of one referral come one at a time, in order.
//!    To fetch the referral's letter (`$letter`, `?attachments=true`) or an attachment
//!    (`$binary`), the handler keeps an `Arc` of the same [`transport::OceanTransport`] it gives
//!    the gateway, takes [`transport::OceanTransport::client_for`] the delivery's
//!    [`handoff::Delivery::site`] and downloads with [`attachments::ReferralDownloads`] (Ocean's
//!    limits: 10 MiB each, 50 MiB per referral; Ocean's content types; streamed). A failed
//!    download returned as `Err` retries the hand-off later.
//! 4. **Give the outbox a [`outbox::Transport`]**: [`transport::OceanTransport`], one
//!    [`client::OceanClient`] (cached token, refreshed before expiry and once on 401) per site,
//!    from the configuration's sites ([`transport::OceanTransport::from_config`]) or added one
//!    by one; and a dead-letter callback.
//! 5. **Start** a [`gateway::Gateway`] and mount [`gateway::Gateway::router`] in your axum app
//!    (or serve it alone).
//! 6. **Answer Ocean** with [`outbox::Outbox::send`] (or, from a handler,
//!    [`outbox::Outbox::send_once`] keyed on the delivery, so a redelivery does not answer
//!    twice): the message is committed, then delivered
//!    with retries (and `Retry-After`) for 96 hours; what Ocean refuses goes to the dead-letter
//!    list ([`store::Store::dead_letters`]) and to your callback, never retried silently.
//! 7. On shutdown, stop the server, then [`gateway::Gateway::stop`].
//!
//! | step | answer to Ocean | guarantee |
//! |---|---|---|
//! | token request | `200` token / `401 invalid_client` | secrets and tokens stored as SHA-256, compared in constant time |
//! | challenge `{"challenge": s}` | `200 {"challenge": s}` | with or without a token |
//! | no or bad token | `401` | at most 4 KB read (to find a challenge) |
//! | wrong media type / too large | `415` / `413` | reading stops at the limit |
//! | invalid message | `400` OperationOutcome | recorded without the body |
//! | new or repeated message | `200` after the commit | stored once, handed over once |
//! | store unavailable | `503` | Ocean retries |
//!
//! No log line, error or `Debug` output of this crate contains patient data: ids, event codes,
//! statuses and outcomes only.
//!
//! # Mounting the gateway in an existing axum app
//! ```
//! use std::sync::Arc;
//!
//! use axum::{Router, routing::get};
//! use ocean_gateway::attachments::ReferralDownloads;
//! use ocean_gateway::client::{ClientConfig, ClientCredentials, OceanClient};
//! use ocean_gateway::gateway::{Gateway, GatewayOptions};
//! use ocean_gateway::handoff::{Delivery, HandoffError, Handler};
//! use ocean_gateway::inbound::{InboundClient, InboundOptions};
//! use ocean_gateway::outbox::Outbox;
//! use ocean_gateway::store::Store;
//! use ocean_gateway::transport::OceanTransport;
//! use ocean_messages::{Event, OceanSite, Received};
//! use ocean_model::{OceanBase, ReferralId};
//!
//! /// The POS's side: file each referral, once, with its letter.
//! struct Pos {
//!     ocean: Arc<OceanTransport>,
//! }
//!
//! impl Handler for Pos {
//!     async fn handle(&self, delivery: Delivery) -> Result<(), HandoffError> {
//!         // `delivery.attempt > 1`: a redelivery; skip it if this key is already filed.
//!         let Ok(Received::Supported(message)) = delivery.parse() else {
//!             return Ok(()); // an event the POS does not handle: done
//!         };
//!         if let Event::AddServiceRequest(_referral) = message.event() {
//!             // The referral letter (a PDF, at most 10 MiB), through the site's client.
//!             let (Some(site), Some(id)) = (&delivery.site, &delivery.referral) else {
//!                 return Ok(());
//!             };
//!             let client = self
//!                 .ocean
//!                 .client_for(site)
//!                 .ok_or_else(|| HandoffError::new("no Ocean client for the site"))?;
//!             let mut letter = Vec::new();
//!             ReferralDownloads::new(&client)
//!                 .letter(&ReferralId::new(id.as_str()), &mut letter)
//!                 .await
//!                 .map_err(|e| HandoffError::new(e.to_string()))?;
//!             // Save the referral and its letter in the POS, keyed by
//!             // `delivery.idempotency_key`.
//!         }
//!         Ok(())
//!     }
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let dir = std::env::temp_dir().join(format!("ocean-gateway-doc-{}", std::process::id()));
//!     std::fs::create_dir_all(&dir)?;
//!     let store = Store::open(&format!("sqlite://{}", dir.join("gateway.db").display())).await?;
//!     // The secret you gave Ocean: from your vault or environment, never in code.
//!     let secret = std::env::var("OCEAN_INBOUND_SECRET")
//!         .unwrap_or_else(|_| "a-long-random-secret-from-the-vault".into());
//!     let options =
//!         GatewayOptions::new(InboundOptions::new(vec![InboundClient::new("ocean", &secret)]));
//!     // The site's client id and secret for calls to Ocean (from Ocean's admin).
//!     let site = OceanSite::new(OceanBase::Test, "1234")?;
//!     let credentials = ClientCredentials::new("pos-client", "its-secret-from-the-vault");
//!     let client = OceanClient::new(site, &credentials, ClientConfig::default())?;
//!     let ocean = Arc::new(OceanTransport::new().with_site("1234", client));
//!     let gateway = Gateway::start(
//!         store.clone(),
//!         options,
//!         Arc::new(Pos { ocean: Arc::clone(&ocean) }),
//!         Outbox::new(store),
//!         ocean,
//!         Arc::new(|report| eprintln!("dead letter: {report:?}")),
//!     );
//!
//!     // The vendor's existing app, with the gateway under /ocean.
//!     let app = Router::new()
//!         .route("/", get(|| async { "my POS" }))
//!         .nest("/ocean", gateway.router());
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     let server = tokio::spawn(axum::serve(listener, app).into_future());
//!
//!     // Ocean validates the endpoint before it delivers anything.
//!     let answer: serde_json::Value = reqwest::Client::new()
//!         .post(format!("http://{addr}/ocean/fhir/$process-message"))
//!         .header("content-type", "application/json")
//!         .body(r#"{"challenge": "x1"}"#)
//!         .send()
//!         .await?
//!         .json()
//!         .await?;
//!     assert_eq!(answer["challenge"], "x1");
//!
//!     server.abort();
//!     gateway.stop().await;
//!     std::fs::remove_dir_all(&dir)?;
//!     Ok(())
//! }
//! ```
//!
//! The `gateway` example of the facade (`cargo run --features gateway --example gateway`) is
//! a complete gateway with a command line.

#![forbid(unsafe_code)]

pub mod attachments;
pub mod client;
pub mod config;
pub mod gateway;
pub mod handoff;
pub mod inbound;
pub mod outbox;
pub mod retry;
pub mod secret;
pub mod signal;
pub mod site;
pub mod store;
pub mod transport;
pub mod worker;
