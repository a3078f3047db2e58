//! The gateway's configuration as a value, loadable from a JSON file whose JSON Schema is
//! checked in (`ocean-gateway/gateway-config.schema.json`, from [`GatewayConfig::json_schema`]).
//!
//! ```json
//! {
//!   "listen": "127.0.0.1:8787",
//!   "store": "sqlite://ocean-gateway.db",
//!   "sites": [
//!     { "key": "clinic-a", "oceanBase": "production", "siteNumber": "1234",
//!       "clientId": "pos-a", "clientSecretEnv": "CLINIC_A_OCEAN_SECRET" }
//!   ],
//!   "inboundClients": [
//!     { "clientId": "ocean-a", "secretSha256": "<64 hex digits>", "site": "clinic-a" },
//!     { "clientId": "ocean-b", "secretEnv": "OCEAN_B_SECRET" }
//!   ],
//!   "limits": { "maxBodyBytes": 33554432, "tokenTtlSecs": 3600 }
//! }
//! ```
//!
//! # Secrets
//! Never in the file in clear: an inbound client's secret is given as its SHA-256
//! (`secretSha256`, e.g. `printf %s "$SECRET" | sha256sum`) or read from an environment
//! variable (`secretEnv`); an outbound (Ocean) client secret comes from an environment variable
//! (`clientSecretEnv`). Inbound secrets must be at least [`crate::secret::MIN_SECRET_LEN`]
//! characters when read from the environment.
//!
//! # Test credentials
//! [`TEST_CLIENT_ID`] / [`TEST_CLIENT_SECRET`] are published (in this documentation and the
//! `gateway` example) for trying the gateway locally. [`check_listen`] refuses to listen on a
//! non-loopback address while a client accepts the test secret.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use ocean_messages::OceanSite;
use ocean_model::OceanBase;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::gateway::GatewayOptions;
use crate::inbound::{InboundClient, InboundOptions};
use crate::outbox::OutboxOptions;
use crate::secret::{MIN_SECRET_LEN, SecretHash};
use crate::site::GatewaySite;

/// The published test client id (see the module docs).
pub const TEST_CLIENT_ID: &str = "ocean-gateway-test";
/// The published test client secret (see the module docs): loopback only.
pub const TEST_CLIENT_SECRET: &str = "ocean-gateway-test-secret-loopback-only";

/// Why a configuration was refused. Names fields and variables, never secret values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("the configuration file could not be read")]
    Read,
    /// The JSON does not match the schema (the message names the place).
    #[error("the configuration does not match its schema: {0}")]
    Json(String),
    /// A site is invalid.
    #[error("site `{key}`: {reason}")]
    Site {
        /// The site key.
        key: String,
        /// What is wrong.
        reason: String,
    },
    /// An inbound client has no usable secret.
    #[error("inbound client `{client_id}`: {reason}")]
    Client {
        /// The client id.
        client_id: String,
        /// What is wrong.
        reason: String,
    },
    /// The listen address does not parse.
    #[error("the listen address is not IP:PORT")]
    Listen,
    /// The test credentials are accepted on a non-loopback address.
    #[error(
        "refusing to listen on a non-loopback address with the published test credentials: \
         configure inbound clients with secrets of your own"
    )]
    TestCredentialsExposed,
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct GatewayConfig {
    /// The address to listen on (default `127.0.0.1:8787`).
    #[serde(default = "default_listen")]
    pub listen: String,
    /// `sqlite://PATH` or `postgres://…` (default `sqlite://ocean-gateway.db`).
    #[serde(default = "default_store")]
    pub store: String,
    /// The Ocean sites served. Empty: messages for any site are accepted, keyed by the
    /// receiver's site number.
    #[serde(default)]
    pub sites: Vec<SiteConfig>,
    /// The clients Ocean authenticates as.
    #[serde(default)]
    pub inbound_clients: Vec<InboundClientConfig>,
    /// Size and time limits.
    #[serde(default)]
    pub limits: Limits,
    /// Outbound retries.
    #[serde(default)]
    pub retry: RetryConfig,
}

fn default_listen() -> String {
    "127.0.0.1:8787".into()
}

fn default_store() -> String {
    "sqlite://ocean-gateway.db".into()
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            listen: default_listen(),
            store: default_store(),
            sites: Vec::new(),
            inbound_clients: Vec::new(),
            limits: Limits::default(),
            retry: RetryConfig::default(),
        }
    }
}

/// One Ocean site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct SiteConfig {
    /// The key the gateway knows the site by.
    pub key: String,
    /// `production`, `test`, `staging` or an `https://` base URL.
    pub ocean_base: String,
    /// The Ocean site number.
    pub site_number: String,
    /// The integration's external service id, if Ocean gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_service_id: Option<String>,
    /// The client id for calls to Ocean (site-specific, from Ocean's admin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The environment variable holding the client secret for calls to Ocean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret_env: Option<String>,
}

/// A client Ocean authenticates as at the token endpoint: its secret as a SHA-256 digest or
/// from an environment variable (exactly one of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct InboundClientConfig {
    /// The client id.
    pub client_id: String,
    /// The SHA-256 of the secret, 64 hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_sha256: Option<String>,
    /// The environment variable holding the secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<String>,
    /// The site key every message delivered with this client's tokens belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
}

/// Size and time limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Limits {
    /// The largest webhook body (default 32 MB).
    pub max_body_bytes: usize,
    /// How long an issued access token is valid, in seconds (default 3600).
    pub token_ttl_secs: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: ocean_messages::DEFAULT_MAX_BYTES,
            token_ttl_secs: 3600,
        }
    }
}

/// How the outbox retries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Delay before the second attempt, seconds (default 30).
    pub initial_secs: u64,
    /// Longest delay between attempts, seconds (default 3600).
    pub max_delay_secs: u64,
    /// How long after the first attempt a message is retried, hours (default 96).
    pub window_hours: u64,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            initial_secs: 30,
            max_delay_secs: 3600,
            window_hours: 96,
        }
    }
}

fn ocean_base(text: &str) -> OceanBase {
    match text {
        "production" => OceanBase::Production,
        "test" => OceanBase::Test,
        "staging" => OceanBase::Staging,
        url => OceanBase::from_url(url),
    }
}

impl GatewayConfig {
    /// Reads a configuration from JSON text.
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        serde_json::from_str(text).map_err(|e| ConfigError::Json(e.to_string()))
    }

    /// Reads a configuration file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|_| ConfigError::Read)?;
        Self::from_json(&text)
    }

    /// The JSON Schema of the file.
    pub fn json_schema() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(GatewayConfig)).unwrap_or_default()
    }

    /// The configured sites.
    pub fn gateway_sites(&self) -> Result<Vec<GatewaySite>, ConfigError> {
        self.sites
            .iter()
            .map(|s| {
                let err = |e: ocean_messages::SiteError| ConfigError::Site {
                    key: s.key.clone(),
                    reason: e.to_string(),
                };
                let mut site =
                    OceanSite::new(ocean_base(&s.ocean_base), &s.site_number).map_err(err)?;
                if let Some(id) = &s.external_service_id {
                    site = site.with_external_service_id(id).map_err(err)?;
                }
                Ok(GatewaySite::new(&s.key, site))
            })
            .collect()
    }

    /// The inbound clients, reading secrets from the environment through `env`.
    pub fn inbound_clients(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Vec<InboundClient>, ConfigError> {
        self.inbound_clients
            .iter()
            .map(|c| {
                let err = |reason: &str| ConfigError::Client {
                    client_id: c.client_id.clone(),
                    reason: reason.to_owned(),
                };
                let hash = match (&c.secret_sha256, &c.secret_env) {
                    (Some(hex), None) => SecretHash::from_hex(hex)
                        .ok_or_else(|| err("secretSha256 is not 64 hex digits"))?,
                    (None, Some(var)) => {
                        let secret = env(var).ok_or_else(|| err("secretEnv is not set"))?;
                        if secret.len() < MIN_SECRET_LEN {
                            return Err(err("the secret is too short (16 characters at least)"));
                        }
                        SecretHash::of(secret.as_bytes())
                    }
                    _ => return Err(err("give exactly one of secretSha256 and secretEnv")),
                };
                let client = InboundClient::with_secret_hash(&c.client_id, hash);
                Ok(match &c.site {
                    Some(site) => client.for_site(site),
                    None => client,
                })
            })
            .collect()
    }

    /// The gateway's options (inbound clients, sites, limits, retries; worker settings at
    /// their defaults).
    pub fn gateway_options(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<GatewayOptions, ConfigError> {
        let mut inbound = InboundOptions::new(self.inbound_clients(env)?);
        inbound.sites = self.gateway_sites()?;
        inbound.max_body_bytes = self.limits.max_body_bytes;
        inbound.token_ttl = Duration::from_secs(self.limits.token_ttl_secs);
        let mut options = GatewayOptions::new(inbound);
        options.outbox = OutboxOptions::with_retry(
            Duration::from_secs(self.retry.initial_secs),
            Duration::from_secs(self.retry.max_delay_secs),
            Duration::from_secs(self.retry.window_hours.saturating_mul(3600)),
        );
        Ok(options)
    }
}

/// Parses the listen address and refuses a non-loopback one while any client accepts
/// [`TEST_CLIENT_SECRET`].
pub fn check_listen(listen: &str, clients: &[InboundClient]) -> Result<SocketAddr, ConfigError> {
    let addr: SocketAddr = listen.parse().map_err(|_| ConfigError::Listen)?;
    let test_secret = clients.iter().any(|c| c.secret_matches(TEST_CLIENT_SECRET));
    if test_secret && !addr.ip().is_loopback() {
        return Err(ConfigError::TestCredentialsExposed);
    }
    Ok(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_and_checks_secrets() {
        let hash = SecretHash::of(b"0123456789abcdef0123").to_hex();
        let json = format!(
            r#"{{"sites": [{{"key": "a", "oceanBase": "test", "siteNumber": "12"}}],
                "inboundClients": [
                  {{"clientId": "x", "secretSha256": "{hash}", "site": "a"}},
                  {{"clientId": "y", "secretEnv": "Y_SECRET"}}]}}"#
        );
        let config = GatewayConfig::from_json(&json).unwrap();
        assert_eq!(config.listen, "127.0.0.1:8787");
        let env = |v: &str| (v == "Y_SECRET").then(|| "another-long-secret".to_owned());
        let clients = config.inbound_clients(env).unwrap();
        assert!(clients[0].secret_matches("0123456789abcdef0123"));
        assert_eq!(clients[0].site(), Some("a"));
        assert!(clients[1].secret_matches("another-long-secret"));
        assert!(matches!(
            config.inbound_clients(|_| None),
            Err(ConfigError::Client { .. })
        ));
        assert!(matches!(
            config.inbound_clients(|_| Some("short".into())),
            Err(ConfigError::Client { .. })
        ));
        assert_eq!(config.gateway_sites().unwrap()[0].key, "a");
        assert!(GatewayConfig::from_json(r#"{"unknown": 1}"#).is_err());
    }

    #[test]
    fn test_credentials_stay_on_loopback() {
        let clients = vec![InboundClient::new(TEST_CLIENT_ID, TEST_CLIENT_SECRET)];
        assert!(check_listen("127.0.0.1:8787", &clients).is_ok());
        assert!(check_listen("[::1]:8787", &clients).is_ok());
        assert_eq!(
            check_listen("0.0.0.0:8787", &clients),
            Err(ConfigError::TestCredentialsExposed)
        );
        let own = vec![InboundClient::new("x", "a-secret-of-our-own-1234")];
        assert!(check_listen("0.0.0.0:8787", &own).is_ok());
        assert_eq!(check_listen("nope", &own), Err(ConfigError::Listen));
    }
}
