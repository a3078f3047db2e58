//! [`OceanTransport`]: the outbox's [`Transport`] over the real outbound client, one
//! [`OceanClient`] (token cache, connection pool) per site key.
//!
//! # Which client a message goes through
//! The outbox names a message's site by its key (see [`crate::site`]):
//! 1. a key added with [`OceanTransport::with_site`] (or read from the configuration's `sites`
//!    by [`OceanTransport::from_config`]) uses that site's own client id and secret;
//! 2. else, when [`OceanTransport::with_any_site`] gave default credentials, a key of the form
//!    [`any_site_key`] (`{site number}@{Ocean base URL}`) gets a client made on first use with
//!    those credentials (and the base URL replaced by the override, if one was given), kept for
//!    later messages;
//! 3. else the send is a [`SendOutcome::Retry`] ("no Ocean client for the site"): fixing the
//!    configuration within the retry window lets the message go, and the end of the window
//!    dead-letters it; it is never dropped silently.
//!
//! # Attachments in the hand-off
//! A [`crate::handoff::Handler`] that needs a referral's `$letter` or `$binary` keeps an
//! `Arc<OceanTransport>` (the same one given to the gateway), takes the client of the
//! delivery's site with [`OceanTransport::client_for`] and downloads through
//! [`crate::attachments::ReferralDownloads`], which enforces Ocean's limits (10 MiB each,
//! 50 MiB per referral) and content types.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use ocean_messages::OceanSite;
use ocean_model::OceanBase;

use crate::client::{ClientConfig, ClientCredentials, OceanClient, SendOutcome};
use crate::config::{ConfigError, GatewayConfig};
use crate::outbox::Transport;

/// The site key [`OceanTransport::with_any_site`] understands: `{site number}@{base URL}`, e.g.
/// `1234@https://ocean.cognisantmd.com`.
pub fn any_site_key(site: &OceanSite) -> String {
    format!("{}@{}", site.site_number(), site.base().url())
}

/// The Ocean site of an [`any_site_key`]; `None` when the key is not of that form.
pub fn parse_any_site_key(key: &str) -> Option<OceanSite> {
    let (number, url) = key.split_once('@')?;
    OceanSite::new(OceanBase::from_url(url), number).ok()
}

/// Default credentials for sites that are not configured one by one.
#[derive(Clone)]
struct AnySite {
    credentials: ClientCredentials,
    base_override: Option<OceanBase>,
    config: ClientConfig,
}

/// The outbox's transport over one [`OceanClient`] per site (see the module docs). `Debug`
/// shows the site keys only, never a secret.
pub struct OceanTransport {
    clients: Mutex<HashMap<String, OceanClient>>,
    any_site: Option<AnySite>,
}

impl fmt::Debug for OceanTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut keys: Vec<String> = self.lock().keys().cloned().collect();
        keys.sort();
        f.debug_struct("OceanTransport")
            .field("sites", &keys)
            .field("any_site", &self.any_site.is_some())
            .finish()
    }
}

impl Default for OceanTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl OceanTransport {
    /// A transport with no site yet.
    pub fn new() -> Self {
        Self {
            clients: Mutex::new(HashMap::new()),
            any_site: None,
        }
    }

    /// Sends the messages of site key `key` through `client`.
    pub fn with_site(self, key: impl Into<String>, client: OceanClient) -> Self {
        self.lock().insert(key.into(), client);
        self
    }

    /// Sends the messages of any [`any_site_key`] not configured otherwise with these
    /// credentials; `base_override` replaces the key's Ocean base URL (for tests against a local
    /// Ocean).
    pub fn with_any_site(
        mut self,
        credentials: ClientCredentials,
        base_override: Option<OceanBase>,
        config: ClientConfig,
    ) -> Self {
        self.any_site = Some(AnySite {
            credentials,
            base_override,
            config,
        });
        self
    }

    /// One client per configured site that has a `clientId` and a `clientSecretEnv` (read
    /// through `env`); sites without them are left out (add them with [`Self::with_site`]).
    pub fn from_config(
        config: &GatewayConfig,
        env: impl Fn(&str) -> Option<String>,
        client_config: &ClientConfig,
    ) -> Result<Self, ConfigError> {
        let sites = config.gateway_sites()?;
        let mut transport = Self::new();
        for (site, conf) in sites.into_iter().zip(&config.sites) {
            let (Some(id), Some(var)) = (&conf.client_id, &conf.client_secret_env) else {
                continue;
            };
            let err = |reason: &str| ConfigError::Site {
                key: conf.key.clone(),
                reason: reason.to_owned(),
            };
            let secret = env(var).ok_or_else(|| err("clientSecretEnv is not set"))?;
            let credentials = ClientCredentials::new(id.clone(), secret);
            let client = OceanClient::new(site.ocean, &credentials, client_config.clone())
                .map_err(|e| err(&e.to_string()))?;
            transport = transport.with_site(site.key, client);
        }
        Ok(transport)
    }

    /// Whether a client for `key` is configured (not counting [`Self::with_any_site`]).
    pub fn has_site(&self, key: &str) -> bool {
        self.lock().contains_key(key)
    }

    /// The client of site key `key`: a configured one, or one made with the default
    /// credentials for an [`any_site_key`]. Use it for downloads in the hand-off (see the module
    /// docs).
    pub fn client_for(&self, key: &str) -> Option<OceanClient> {
        if let Some(client) = self.lock().get(key) {
            return Some(client.clone());
        }
        let any = self.any_site.as_ref()?;
        let mut site = parse_any_site_key(key)?;
        if let Some(base) = &any.base_override {
            site = OceanSite::new(base.clone(), site.site_number()).ok()?;
        }
        let client = OceanClient::new(site, &any.credentials, any.config.clone()).ok()?;
        // Two sends that race here each build a client; the first one stored wins.
        Some(self.lock().entry(key.to_owned()).or_insert(client).clone())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, OceanClient>> {
        self.clients.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Transport for OceanTransport {
    async fn send(&self, site: &str, body: Vec<u8>) -> SendOutcome {
        match self.client_for(site) {
            Some(client) => client.post_message(body).await,
            None => {
                tracing::warn!(site, "no Ocean client for the site");
                SendOutcome::Retry {
                    reason: format!("no Ocean client for the site `{site}`"),
                    retry_after: None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_site_keys_round_trip() {
        let site = OceanSite::new(OceanBase::Test, "1234").unwrap();
        let key = any_site_key(&site);
        assert_eq!(key, "1234@https://test.cognisantmd.com");
        let back = parse_any_site_key(&key).unwrap();
        assert_eq!(back.site_number(), "1234");
        assert_eq!(back.base(), &OceanBase::Test);
        assert!(parse_any_site_key("no-at-sign").is_none());
    }

    #[test]
    fn clients_per_site_and_for_any_site() {
        let credentials = ClientCredentials::new("id", "secret");
        let local = OceanBase::Custom("http://127.0.0.1:9".into());
        let configured = OceanClient::new(
            OceanSite::new(local.clone(), "1").unwrap(),
            &credentials,
            ClientConfig::default(),
        )
        .unwrap();
        let transport = OceanTransport::new().with_site("a", configured);
        assert!(transport.has_site("a"));
        assert!(transport.client_for("a").is_some());
        assert!(
            transport
                .client_for("7@https://test.cognisantmd.com")
                .is_none()
        );
        let transport =
            transport.with_any_site(credentials, Some(local.clone()), ClientConfig::default());
        let client = transport
            .client_for("7@https://test.cognisantmd.com")
            .unwrap();
        assert_eq!(client.site().base(), &local);
        assert_eq!(client.site().site_number(), "7");
        assert!(transport.client_for("not a key").is_none());
        let debug = format!("{transport:?}");
        assert!(debug.contains("7@https://test.cognisantmd.com") && !debug.contains("secret"));
    }
}
