//! [`SmartServer`]: the configuration, keys, store and vendor traits together, and the launch
//! step ([`SmartServer::create_launch`]). Its routes are in [`crate::routes`].

use std::sync::Arc;

use ocean_smart::discovery::check_all;
use ocean_smart::discovery::{OpenIdConfiguration, SmartConfiguration};
use ocean_smart::launch::{LaunchError, LaunchId, LaunchSession};
use ocean_smart::{Findings, LaunchContext};
use time::OffsetDateTime;

use crate::config::ServerConfig;
use crate::keys::SigningKeys;
use crate::records::{StoredContext, StoredLaunch};
use crate::secrets::{RandomError, hash_token, random_token};
use crate::store::{Record, RecordKind, Store, StoreError};
use crate::vendor::{PatientSource, UserAuthenticator};

/// The SMART authorization server and FHIR endpoints for Ocean. Cheap to clone (shared
/// state).
#[derive(Clone)]
pub struct SmartServer {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) config: ServerConfig,
    pub(crate) keys: SigningKeys,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) auth: Arc<dyn UserAuthenticator>,
    pub(crate) source: Arc<dyn PatientSource>,
    pub(crate) smart: SmartConfiguration,
    pub(crate) openid: OpenIdConfiguration,
}

impl std::fmt::Debug for SmartServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmartServer")
            .field("fhir_base", &self.inner.config.fhir_base())
            .finish_non_exhaustive()
    }
}

/// A launch made by [`SmartServer::create_launch`]: open `url` in the user's browser. `Debug`
/// hides the URL, which holds the launch id (a single-use credential).
#[derive(Clone, PartialEq, Eq)]
pub struct Launch {
    /// Ocean's launch URL with `iss` and the single-use `launch` id.
    pub url: String,
    /// When the launch id stops working.
    pub expires_at: OffsetDateTime,
}

impl std::fmt::Debug for Launch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Launch")
            .field("url", &"…")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Why a launch could not be made. Carries no id.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CreateLaunchError {
    /// The site's launch configuration has an error, or no action for the scenario.
    #[error(transparent)]
    Config(#[from] LaunchError),
    /// No random id could be made.
    #[error(transparent)]
    Random(#[from] RandomError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The context could not be written.
    #[error("launch context could not be serialized")]
    Serialize,
}

impl SmartServer {
    /// The server. The discovery documents are built here from `config.pos`, with the
    /// signing algorithms of `keys`.
    pub fn new(
        config: ServerConfig,
        keys: SigningKeys,
        store: impl Store,
        auth: impl UserAuthenticator,
        source: impl PatientSource,
    ) -> Self {
        let mut pos = config.pos.clone();
        pos.signing_algs = keys.algs();
        let smart = pos.smart_configuration();
        let openid = pos.openid_configuration();
        let mut config = config;
        config.pos = pos;
        Self {
            inner: Arc::new(Inner {
                config,
                keys,
                store: Arc::new(store),
                auth: Arc::new(auth),
                source: Arc::new(source),
                smart,
                openid,
            }),
        }
    }

    /// The configuration in use.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// Step 1: stores the launch context (single-use, expiring after the launch lifetime) and
    /// returns Ocean's launch URL for it.
    pub async fn create_launch(&self, context: LaunchContext) -> Result<Launch, CreateLaunchError> {
        let now = OffsetDateTime::now_utc();
        let ttl = self.inner.config.lifetimes.launch;
        let id = random_token()?;
        let session = LaunchSession::new(LaunchId::new(id.as_str())?, context, now).with_ttl(ttl);
        let url = self.inner.config.launch.launch_url(&session)?;
        let stored = StoredLaunch {
            context: StoredContext::from_context(session.context()),
            created_at: now.unix_timestamp(),
            ttl: ttl.whole_seconds(),
        };
        let value = serde_json::to_string(&stored).map_err(|_| CreateLaunchError::Serialize)?;
        let expires_at = session.expires_at();
        self.inner
            .store
            .put(
                RecordKind::Launch,
                &hash_token(&id),
                Record {
                    expires_at: expires_at.unix_timestamp(),
                    value,
                },
            )
            .await?;
        tracing::info!(
            scenario = %session.context().scenario().kind(),
            ttl_s = ttl.whole_seconds(),
            "smart launch created"
        );
        Ok(Launch { url, expires_at })
    }

    /// Removes expired launches, codes and tokens from the store; returns how many. Call it
    /// now and then (every few minutes): expired records are never used, only kept.
    pub async fn purge_expired(&self) -> Result<u64, StoreError> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let n = self.inner.store.purge_expired(now).await?;
        tracing::debug!(removed = n, "smart store purged");
        Ok(n)
    }

    /// Checks the configuration as served: the site's launch configuration
    /// (`LaunchConfig::check`) and the two discovery documents (`discovery::check_all`, with
    /// the issuer). Errors mean Ocean's launch will fail; warnings are worth reading (an http
    /// URL on loopback is one, in development).
    pub fn check(&self) -> Findings {
        let mut f = self.inner.config.launch.check();
        f.extend(check_all(
            &self.inner.smart,
            &self.inner.openid,
            Some(&self.inner.config.pos.issuer),
        ));
        f
    }
}
