//! The outbound client: posts a POS's messages to one Ocean site's `$process-messages` with a
//! cached client-credentials token, says whether an answer is final or worth retrying, and
//! fetches attachments with the same token, from the site's own host only.
//!
//! # One client per site
//! An [`OceanClient`] holds one Ocean site ([`OceanSite`]: the host such as
//! `https://ocean.cognisantmd.com`), that site's client id and secret (made in Ocean's admin),
//! one HTTP connection pool and one token cache. It is cheap to clone (clones share all of it).
//!
//! # The token
//! `POST {base}/svc/oauth2/token` with `grant_type=client_credentials`. Ocean's own clients send
//! the credentials both ways: HTTP Basic (Ocean's `fhir-client`) and in the form body (Ocean's
//! autorouter). The default here is the form body ([`ClientAuth::Post`]): its encoding is
//! unambiguous, whereas Basic (RFC 6749 §2.3.1) form-encodes the id and secret before base64,
//! which servers do not all undo. Set [`ClientConfig::client_auth`] to [`ClientAuth::Basic`] if
//! a site wants Basic.
//!
//! - The token is cached and reused until `expires_in` minus a margin
//!   ([`ClientConfig::token_refresh_margin`], 60 s, at most half the lifetime); without
//!   `expires_in`, until Ocean refuses it.
//! - One token request at a time per client: sends that start together wait for the same token.
//! - On a 401 from Ocean the token is dropped, a new one fetched, and the request sent once
//!   more; a second 401 is final.
//!
//! # What a send comes to ([`OceanClient::post_message`])
//! | Ocean's answer | [`SendOutcome`] | the outbox then |
//! |---|---|---|
//! | 2xx | `Delivered` | marks the message sent |
//! | 408, 429, 5xx (with `Retry-After` if sent) | `Retry` | tries again ([`crate::retry`]) |
//! | no answer: connect error, timeout, broken connection | `Retry` | tries again |
//! | token endpoint unreachable, failing, or refusing the credentials | `Retry` | tries again (fix the credentials; the window still applies) |
//! | 3xx or another unexpected status (redirects are not followed) | `Retry` | tries again (check the base URL) |
//! | 401 twice (before and after a token refresh) | `Rejected` (401) | dead-letters it |
//! | any other 4xx | `Rejected` with Ocean's OperationOutcome | dead-letters it and reports it |
//!
//! A 2xx is `Delivered` whatever its body says: Ocean answers synchronously and its body is not
//! read (? whether Ocean ever answers 2xx with an error in a response Bundle is not documented).
//! Only Ocean saying the message itself is wrong dead-letters it; anything that may be fixed by
//! time or by configuration is retried within the window. `Retry` reasons carry status codes and
//! error kinds only, never a body. The OperationOutcome of a `Rejected` is kept as Ocean sent it
//! (at most 1 MiB is read; a body that is not JSON is dropped): store it with the dead letter,
//! not in logs, since Ocean may quote the message in it.
//!
//! # Attachments and other `GET`s ([`OceanClient::get`])
//! An attachment URL comes from a received message, so it is input an attacker may control. The
//! client only sends its token to its own site: a URL whose scheme, host or port differ from the
//! site's base URL (or that is outside the base URL's path, or carries user info) is refused
//! with [`GetError::ForeignHost`] before any request is made. Redirects are never followed, for
//! the same reason.
//!
//! # Timeouts
//! [`ClientConfig::connect_timeout`] (10 s) bounds connecting; [`ClientConfig::request_timeout`]
//! (30 s) bounds a whole token request or message post; [`ClientConfig::download_timeout`]
//! (5 min) bounds a whole `GET`, body included.

mod error;
mod token;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use ocean_messages::OceanSite;
use ocean_messages::http::FHIR_JSON;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Request, Response, Url};

pub use error::{ClientError, GetError, NetworkErrorKind, TokenError};
/// Re-exported: how the token request carries the credentials, and the credentials themselves.
pub use ocean_messages::http::{ClientAuth, ClientCredentials};
use token::{AccessToken, TokenCache};

use crate::retry::parse_retry_after;

/// The most bytes of an error answer read for its OperationOutcome.
const MAX_OUTCOME_BYTES: usize = 1024 * 1024;

/// What one attempt to deliver a message to Ocean came to. The outbox worker acts on it:
/// [`SendOutcome::Delivered`] marks the message sent, [`SendOutcome::Retry`] schedules another
/// attempt (see [`crate::retry::RetryPolicy`]), [`SendOutcome::Rejected`] moves it to the
/// dead-letter list and reports it; it is never retried silently.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SendOutcome {
    /// Ocean answered 2xx.
    Delivered {
        /// The HTTP status Ocean answered.
        status: u16,
    },
    /// A failure that may pass: a network error or timeout, a 5xx, a 429, a 408, or a token
    /// endpoint that could not be reached.
    Retry {
        /// What went wrong, without patient data (status code, error kind).
        reason: String,
        /// The delay Ocean asked for (`Retry-After`, seconds or HTTP date), if any.
        retry_after: Option<Duration>,
    },
    /// Ocean refused the message (a 4xx other than 408 and 429, after one token refresh on 401):
    /// sending it again unchanged would fail again.
    Rejected {
        /// The HTTP status Ocean answered.
        status: u16,
        /// Ocean's OperationOutcome (or whatever JSON body it sent), kept for the dead-letter list.
        outcome: Option<serde_json::Value>,
    },
}

/// How an [`OceanClient`] talks to Ocean (see the module docs). Start from
/// [`ClientConfig::default`] and set fields.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientConfig {
    /// How long connecting may take (default 10 s).
    pub connect_timeout: Duration,
    /// How long a whole token request or message post may take (default 30 s).
    pub request_timeout: Duration,
    /// How long a whole `GET` may take, body included (default 5 min: 10 MB on a slow link).
    pub download_timeout: Duration,
    /// How the token request carries the client id and secret (default [`ClientAuth::Post`]).
    pub client_auth: ClientAuth,
    /// How long before its expiry a token is replaced (default 60 s; at most half its lifetime).
    pub token_refresh_margin: Duration,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            download_timeout: Duration::from_secs(300),
            client_auth: ClientAuth::Post,
            token_refresh_margin: Duration::from_secs(60),
        }
    }
}

/// The client of one Ocean site (see the module docs). Cloning shares the connection pool and
/// the token cache.
#[derive(Clone)]
pub struct OceanClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    site: OceanSite,
    base: Url,
    messages_url: Url,
    tokens: TokenCache,
    config: ClientConfig,
}

impl fmt::Debug for OceanClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OceanClient")
            .field("site", &self.inner.site)
            .field("config", &self.inner.config)
            .field("tokens", &self.inner.tokens)
            .finish_non_exhaustive()
    }
}

/// Why [`OceanClient::execute`] got no answer.
enum Failure {
    Token(TokenError),
    Network(NetworkErrorKind),
}

impl OceanClient {
    /// A client of `site` with its client id and secret.
    pub fn new(
        site: OceanSite,
        credentials: &ClientCredentials,
        config: ClientConfig,
    ) -> Result<Self, ClientError> {
        let base = Url::parse(site.base().url()).map_err(|_| ClientError::InvalidBaseUrl)?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(ClientError::InvalidBaseUrl);
        }
        let messages_url =
            Url::parse(&site.process_messages_url()).map_err(|_| ClientError::InvalidBaseUrl)?;
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ocean-gateway/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| ClientError::Http)?;
        let tokens = TokenCache::new(
            credentials.token_request(site.base(), config.client_auth),
            config.token_refresh_margin,
        );
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                site,
                base,
                messages_url,
                tokens,
                config,
            }),
        })
    }

    /// The site.
    pub fn site(&self) -> &OceanSite {
        &self.inner.site
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// How many token requests this client (and its clones) made: for monitoring.
    pub fn token_fetches(&self) -> u64 {
        self.inner.tokens.fetches()
    }

    /// Posts one message (a FHIR message Bundle as JSON) to the site's `$process-messages`, as
    /// `application/fhir+json` with a bearer token, and says what came of it (see the module
    /// docs for the table). Never panics and never returns an error: every failure is a
    /// [`SendOutcome`].
    pub async fn post_message(&self, body: Vec<u8>) -> SendOutcome {
        let request = self
            .inner
            .http
            .post(self.inner.messages_url.clone())
            .header(CONTENT_TYPE, FHIR_JSON)
            .header(ACCEPT, FHIR_JSON)
            .body(body)
            .build();
        let request = match request {
            Ok(r) => r,
            Err(e) => return retry(format!("request not built: {}", NetworkErrorKind::of(&e))),
        };
        let outcome = match self.execute(request).await {
            Err(Failure::Token(e)) => SendOutcome::Retry {
                reason: e.to_string(),
                retry_after: e.retry_after(),
            },
            Err(Failure::Network(kind)) => retry(format!("Ocean: {kind}")),
            Ok(resp) => classify(resp).await,
        };
        match &outcome {
            SendOutcome::Delivered { status } => tracing::info!(status, "message sent to Ocean"),
            SendOutcome::Retry { reason, .. } => tracing::warn!(reason, "message not sent yet"),
            SendOutcome::Rejected { status, .. } => {
                tracing::warn!(status, "Ocean rejected the message")
            }
        }
        outcome
    }

    /// `GET url` with the site's token (refreshed once on 401), for `$letter`, `$binary` and
    /// other reads. `url` must be on the site's own host ([`Self::check_url`]); it is refused
    /// without a request otherwise. `Ok` only for a 2xx answer, whose body is left to read
    /// (bounded by [`ClientConfig::download_timeout`]). The answer is `reqwest` 0.12's
    /// [`Response`]: read it with `chunk()` to stream it.
    pub async fn get(&self, url: &str) -> Result<Response, GetError> {
        let url = self.check_url(url)?;
        let request = self
            .inner
            .http
            .get(url)
            .timeout(self.inner.config.download_timeout)
            .build()
            .map_err(|_| GetError::InvalidUrl)?;
        let resp = self.execute(request).await.map_err(|f| match f {
            Failure::Token(e) => GetError::Token(e),
            Failure::Network(kind) => GetError::Network(kind),
        })?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let status = resp.status().as_u16();
        tracing::warn!(status, "Ocean refused a GET");
        Err(GetError::Status {
            status,
            retry_after: retry_after(&resp),
        })
    }

    /// `url` parsed, if it is on the site's own host: an absolute `http(s)` URL with the base
    /// URL's scheme, host and port, a path below the base URL's path, and no user info.
    /// [`GetError::ForeignHost`] otherwise: the token is never sent anywhere else.
    pub fn check_url(&self, url: &str) -> Result<Url, GetError> {
        let u = Url::parse(url).map_err(|_| GetError::InvalidUrl)?;
        if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
            return Err(GetError::InvalidUrl);
        }
        let base = &self.inner.base;
        let prefix = base.path().trim_end_matches('/');
        let below_base = u
            .path()
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if u.scheme() != base.scheme()
            || u.host_str() != base.host_str()
            || u.port_or_known_default() != base.port_or_known_default()
            || !u.username().is_empty()
            || u.password().is_some()
            || !below_base
        {
            return Err(GetError::ForeignHost);
        }
        Ok(u)
    }

    /// Sends `request` with the cached token; on 401, once more with a fresh token.
    async fn execute(&self, request: Request) -> Result<Response, Failure> {
        let again = request.try_clone();
        let token = self.token().await?;
        let resp = self.send_with(request, &token).await?;
        if resp.status() != reqwest::StatusCode::UNAUTHORIZED {
            return Ok(resp);
        }
        let Some(again) = again else {
            return Ok(resp);
        };
        drop(resp);
        tracing::info!("Ocean refused the access token; fetching a new one");
        self.inner.tokens.invalidate(&token).await;
        let token = self.token().await?;
        self.send_with(again, &token).await
    }

    async fn token(&self) -> Result<AccessToken, Failure> {
        self.inner
            .tokens
            .get(&self.inner.http)
            .await
            .map_err(Failure::Token)
    }

    async fn send_with(
        &self,
        mut request: Request,
        token: &AccessToken,
    ) -> Result<Response, Failure> {
        let header = token
            .header()
            .ok_or(Failure::Token(TokenError::BadResponse))?;
        request.headers_mut().insert(AUTHORIZATION, header);
        self.inner
            .http
            .execute(request)
            .await
            .map_err(|e| Failure::Network(NetworkErrorKind::of(&e)))
    }
}

fn retry(reason: String) -> SendOutcome {
    SendOutcome::Retry {
        reason,
        retry_after: None,
    }
}

fn retry_after(resp: &Response) -> Option<Duration> {
    resp.headers()
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, std::time::SystemTime::now()))
}

/// The outcome of Ocean's answer to a message post (see the module docs for the table).
async fn classify(resp: Response) -> SendOutcome {
    let status = resp.status().as_u16();
    if resp.status().is_success() {
        return SendOutcome::Delivered { status };
    }
    if error::is_retryable_status(status) {
        return SendOutcome::Retry {
            reason: format!("Ocean answered {status}"),
            retry_after: retry_after(&resp),
        };
    }
    if (400..500).contains(&status) {
        return SendOutcome::Rejected {
            status,
            outcome: read_json(resp).await,
        };
    }
    retry(format!("Ocean answered an unexpected {status}"))
}

/// The body as JSON, if it is JSON of at most [`MAX_OUTCOME_BYTES`].
async fn read_json(mut resp: Response) -> Option<serde_json::Value> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.ok()? {
        if body.len() + chunk.len() > MAX_OUTCOME_BYTES {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocean_model::OceanBase;

    fn client(base: &str) -> OceanClient {
        let site = OceanSite::new(OceanBase::Custom(base.into()), "1").unwrap();
        OceanClient::new(
            site,
            &ClientCredentials::new("id", "secret"),
            ClientConfig::default(),
        )
        .unwrap()
    }

    #[test]
    fn urls_on_the_site_only() {
        let c = client("https://ocean.cognisantmd.com");
        let ok = [
            "https://ocean.cognisantmd.com/svc/fhir/v1/DocumentReference/1/$binary",
            "https://OCEAN.cognisantmd.com:443/svc/fhir/v1/ServiceRequest/a/$letter?attachments=true",
            "https://ocean.cognisantmd.com/x/../svc/fhir/v1/DocumentReference/1/$binary",
        ];
        for u in ok {
            assert!(c.check_url(u).is_ok(), "{u}");
        }
        let foreign = [
            "http://ocean.cognisantmd.com/svc/fhir/v1/DocumentReference/1/$binary",
            "https://ocean.cognisantmd.com:8443/svc",
            "https://ocean.cognisantmd.com.evil.example/svc",
            "https://evil.example/svc?u=https://ocean.cognisantmd.com",
            "https://ocean.cognisantmd.com@evil.example/svc",
            "https://user:pw@ocean.cognisantmd.com/svc",
            "https://test.cognisantmd.com/svc",
        ];
        for u in foreign {
            assert_eq!(c.check_url(u), Err(GetError::ForeignHost), "{u}");
        }
        for u in [
            "/svc/fhir/v1/x",
            "ftp://ocean.cognisantmd.com/x",
            "data:text/plain,hi",
            "",
        ] {
            assert_eq!(c.check_url(u), Err(GetError::InvalidUrl), "{u}");
        }
    }

    #[test]
    fn a_base_path_bounds_the_urls() {
        let c = client("http://127.0.0.1:8081/ocean");
        assert!(c.check_url("http://127.0.0.1:8081/ocean/svc/x").is_ok());
        assert!(c.check_url("http://127.0.0.1:8081/ocean").is_ok());
        for u in [
            "http://127.0.0.1:8081/oceanx/svc",
            "http://127.0.0.1:8081/other",
            "http://127.0.0.1:8081/ocean/../other",
            "http://127.0.0.1:8082/ocean/svc",
            "http://localhost:8081/ocean/svc",
        ] {
            assert_eq!(c.check_url(u), Err(GetError::ForeignHost), "{u}");
        }
    }

    proptest::proptest! {
        #[test]
        fn only_the_site_host_passes(host in "[a-zA-Z0-9.:@%/\\[\\]-]{0,40}", path in "[a-z/$.%?=]{0,20}") {
            let c = client("https://ocean.cognisantmd.com");
            if let Ok(u) = c.check_url(&format!("https://{host}/{path}")) {
                proptest::prop_assert_eq!(u.host_str(), Some("ocean.cognisantmd.com"));
                proptest::prop_assert_eq!(u.port_or_known_default(), Some(443));
                proptest::prop_assert_eq!(u.username(), "");
            }
        }
    }

    #[test]
    fn debug_hides_the_secret() {
        let site = OceanSite::new(OceanBase::Test, "1").unwrap();
        let c = OceanClient::new(
            site,
            &ClientCredentials::new("id", "hunter2-secret"),
            ClientConfig::default(),
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("OceanClient"));
    }
}
