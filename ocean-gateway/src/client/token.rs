//! The site's access token: fetched with the client-credentials grant, cached, refreshed before
//! it expires, and fetched by one task at a time.
//!
//! - **One fetch at a time.** The cache is an async mutex held across the fetch: when twenty
//!   sends start together, one fetches and the others wait for its token.
//! - **Expiry.** A token is reused until `expires_in − margin`, the margin being the configured
//!   one ([`crate::client::ClientConfig::token_refresh_margin`], 60 s by default) but never more
//!   than half the lifetime (a 60 s token is refreshed after 30 s). A token answered without
//!   `expires_in` is reused until Ocean refuses it with 401.
//! - **401.** The caller drops the token it used ([`TokenCache::invalidate`]) and asks again; if
//!   another task already replaced it, that newer token is used without a second fetch.

use std::fmt;
use std::time::{Duration, Instant};

use ocean_messages::http::TokenRequest;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use tokio::sync::Mutex;

use super::error::{NetworkErrorKind, TokenError};
use crate::retry::parse_retry_after;

/// The most bytes of a token answer read.
const MAX_TOKEN_ANSWER: usize = 64 * 1024;

/// A bearer token. `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct AccessToken(String);

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl AccessToken {
    /// `Bearer {token}` as a header value, marked sensitive (kept out of `reqwest`'s `Debug`).
    pub(crate) fn header(&self) -> Option<HeaderValue> {
        let mut v = HeaderValue::from_str(&format!("Bearer {}", self.0)).ok()?;
        v.set_sensitive(true);
        Some(v)
    }
}

struct Cached {
    token: AccessToken,
    refresh_at: Option<Instant>,
}

/// The cached token of one site.
pub(crate) struct TokenCache {
    request: TokenRequest,
    margin: Duration,
    slot: Mutex<Option<Cached>>,
    fetches: std::sync::atomic::AtomicU64,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("request", &self.request)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl TokenCache {
    pub(crate) fn new(request: TokenRequest, margin: Duration) -> Self {
        Self {
            request,
            margin,
            slot: Mutex::new(None),
            fetches: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// How many token requests were made.
    pub(crate) fn fetches(&self) -> u64 {
        self.fetches.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A token that is not due for refresh, fetched if needed (one fetch at a time).
    pub(crate) async fn get(&self, http: &reqwest::Client) -> Result<AccessToken, TokenError> {
        let mut slot = self.slot.lock().await;
        if let Some(cached) = slot.as_ref() {
            if cached.refresh_at.is_none_or(|at| Instant::now() < at) {
                return Ok(cached.token.clone());
            }
        }
        *slot = None;
        let (token, lifetime) = self.fetch(http).await?;
        // A lifetime too long for the clock is read as "no expiry" (refreshed on 401 only).
        let refresh_at = lifetime.and_then(|l| {
            let margin = self.margin.min(l / 2);
            Instant::now().checked_add(l.saturating_sub(margin))
        });
        *slot = Some(Cached {
            token: token.clone(),
            refresh_at,
        });
        Ok(token)
    }

    /// Drops `used` from the cache (Ocean refused it), unless another task replaced it already.
    pub(crate) async fn invalidate(&self, used: &AccessToken) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|c| &c.token == used) {
            *slot = None;
        }
    }

    async fn fetch(
        &self,
        http: &reqwest::Client,
    ) -> Result<(AccessToken, Option<Duration>), TokenError> {
        self.fetches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut req = http
            .post(self.request.url())
            .header(CONTENT_TYPE, self.request.content_type())
            .header(ACCEPT, "application/json")
            .body(self.request.body().to_owned());
        if let Some(auth) = self.request.authorization() {
            let mut v = HeaderValue::from_str(auth).map_err(|_| TokenError::BadResponse)?;
            v.set_sensitive(true);
            req = req.header(AUTHORIZATION, v);
        }
        let mut resp = req
            .send()
            .await
            .map_err(|e| TokenError::Network(NetworkErrorKind::of(&e)))?;
        let status = resp.status().as_u16();
        if !resp.status().is_success() {
            let retry_after = resp
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, std::time::SystemTime::now()));
            tracing::warn!(status, "Ocean token endpoint refused the token request");
            return Err(TokenError::Status {
                status,
                retry_after,
            });
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| TokenError::Network(NetworkErrorKind::of(&e)))?
        {
            if body.len() + chunk.len() > MAX_TOKEN_ANSWER {
                return Err(TokenError::BadResponse);
            }
            body.extend_from_slice(&chunk);
        }
        let parsed = parse_token_answer(&body).ok_or(TokenError::BadResponse)?;
        tracing::debug!(
            expires_in = parsed.1.map(|d| d.as_secs()),
            "fetched an Ocean access token"
        );
        Ok(parsed)
    }
}

/// Reads `{"access_token", "token_type", "expires_in"}` (RFC 6749 §5.1). `token_type` must be
/// `Bearer` (any case) when present; `expires_in` may be a number or a numeric string.
fn parse_token_answer(body: &[u8]) -> Option<(AccessToken, Option<Duration>)> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let token = v.get("access_token")?.as_str()?;
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    if let Some(kind) = v.get("token_type") {
        if !kind.as_str()?.eq_ignore_ascii_case("bearer") {
            return None;
        }
    }
    let expires_in = match v.get("expires_in") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(s)) => s.trim().parse::<u64>().ok(),
        Some(n) => n.as_u64().or_else(|| {
            // A float or negative lifetime: round down, at least zero.
            n.as_f64().map(|f| if f > 0.0 { f as u64 } else { 0 })
        }),
    };
    Some((
        AccessToken(token.to_owned()),
        expires_in.map(Duration::from_secs),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_answers() {
        let (t, e) = parse_token_answer(
            br#"{"access_token":"abc","token_type":"Bearer","expires_in":3600}"#,
        )
        .unwrap();
        assert_eq!(t.0, "abc");
        assert_eq!(e, Some(Duration::from_secs(3600)));
        let (_, e) = parse_token_answer(br#"{"access_token":"abc","expires_in":"60"}"#).unwrap();
        assert_eq!(e, Some(Duration::from_secs(60)));
        let (_, e) = parse_token_answer(br#"{"access_token":"abc","expires_in":-5}"#).unwrap();
        assert_eq!(e, Some(Duration::ZERO));
        let (_, e) =
            parse_token_answer(br#"{"access_token":"abc","token_type":"bearer"}"#).unwrap();
        assert_eq!(e, None);
        for bad in [
            &br#"{"access_token":"abc","token_type":"mac"}"#[..],
            br#"{"access_token":""}"#,
            br#"{"access_token":"a b"}"#,
            br#"{"token_type":"Bearer"}"#,
            b"not json",
        ] {
            assert!(parse_token_answer(bad).is_none());
        }
        assert_eq!(format!("{t:?}"), "AccessToken(<redacted>)");
    }
}
