//! The inbound service Ocean talks to: an axum [`Router`] a vendor mounts in its own app (or
//! runs alone).
//!
//! | route | what it does |
//! |---|---|
//! | `POST /oauth2/token` | OAuth2 client credentials for Ocean ([`token`]) |
//! | `POST /fhir/$process-message` | the webhook ([`webhook`]) |
//! | `GET /healthz` | `200 ok` when the store answers, else `503` |
//!
//! Mount it under any prefix (`Router::nest("/ocean", inbound.router())`) and give Ocean the
//! token URL, the webhook URL (HTTPS: terminate TLS at your proxy), a client id and its secret.

pub mod token;
mod token_cache;
pub mod webhook;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use tokio::sync::Notify;

use crate::secret::SecretHash;
use crate::site::GatewaySite;
use crate::store::{InboxWriter, Store};

/// A client Ocean authenticates as at the token endpoint. `Debug` hides the secret digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundClient {
    client_id: String,
    secret: SecretHash,
    site: Option<String>,
}

impl InboundClient {
    /// A client with its secret (kept only as its SHA-256 digest).
    pub fn new(client_id: impl Into<String>, secret: &str) -> Self {
        Self::with_secret_hash(client_id, SecretHash::of(secret.as_bytes()))
    }

    /// A client with the SHA-256 digest of its secret (as stored in a configuration file).
    pub fn with_secret_hash(client_id: impl Into<String>, secret: SecretHash) -> Self {
        Self {
            client_id: client_id.into(),
            secret,
            site: None,
        }
    }

    /// Binds the client to a site key: every message delivered with its tokens belongs to that
    /// site (see [`crate::site`]).
    pub fn for_site(mut self, site: impl Into<String>) -> Self {
        self.site = Some(site.into());
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The site the client is bound to.
    pub fn site(&self) -> Option<&str> {
        self.site.as_deref()
    }

    /// Whether `secret` is this client's secret (constant-time digest comparison).
    pub fn secret_matches(&self, secret: &str) -> bool {
        self.secret.matches(secret.as_bytes())
    }
}

/// What the inbound service accepts.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InboundOptions {
    /// The clients Ocean may authenticate as.
    pub clients: Vec<InboundClient>,
    /// The configured sites (see [`crate::site`] for how a message's site is chosen).
    pub sites: Vec<GatewaySite>,
    /// The largest webhook body read (default [`ocean_messages::DEFAULT_MAX_BYTES`], 32 MB);
    /// larger gets 413, and reading stops at the limit.
    pub max_body_bytes: usize,
    /// How long an access token is valid (default 1 hour).
    pub token_ttl: Duration,
    /// The most messages committed in one transaction (group commit, default 64; 1 commits
    /// each alone). Every message is still answered only after its own commit.
    pub max_batch: usize,
}

impl InboundOptions {
    /// Options with these clients and the defaults.
    pub fn new(clients: Vec<InboundClient>) -> Self {
        Self {
            clients,
            sites: Vec::new(),
            max_body_bytes: ocean_messages::DEFAULT_MAX_BYTES,
            token_ttl: Duration::from_secs(3600),
            max_batch: 64,
        }
    }
}

pub(crate) struct Shared {
    pub(crate) store: Store,
    pub(crate) options: InboundOptions,
    pub(crate) wake: Arc<Notify>,
    /// Tokens already checked against the store.
    pub(crate) tokens: token_cache::TokenCache,
    /// Started on the first message (inside the server's runtime).
    writer: OnceLock<InboxWriter>,
}

impl Shared {
    pub(crate) fn writer(&self) -> &InboxWriter {
        self.writer
            .get_or_init(|| InboxWriter::spawn(self.store.clone(), self.options.max_batch))
    }
}

/// The inbound service: build it, then take its [`Router`](Self::router).
#[derive(Clone)]
pub struct Inbound {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Inbound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inbound").finish_non_exhaustive()
    }
}

impl Inbound {
    /// The service over a store.
    pub fn new(store: Store, options: InboundOptions) -> Self {
        Self {
            shared: Arc::new(Shared {
                store,
                options,
                wake: Arc::new(Notify::new()),
                tokens: token_cache::TokenCache::default(),
                writer: OnceLock::new(),
            }),
        }
    }

    /// Notified after each new message is committed: give it to [`crate::handoff::spawn`].
    pub fn notifier(&self) -> Arc<Notify> {
        Arc::clone(&self.shared.wake)
    }

    /// The routes (see the module docs), ready to mount or serve.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/oauth2/token", post(token::token))
            .route("/fhir/$process-message", post(webhook::webhook))
            .route("/healthz", get(healthz))
            .with_state(Arc::clone(&self.shared))
    }
}

async fn healthz(State(shared): State<Arc<Shared>>) -> (StatusCode, &'static str) {
    match shared.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: store unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable")
        }
    }
}
