//! `POST /oauth2/token`: OAuth2 client credentials (RFC 6749 §4.4) for Ocean.
//!
//! - Credentials in the form body (`client_id`, `client_secret`) as Ocean sends them, or in an
//!   HTTP Basic header (RFC 6749 §2.3.1: form-encoded id and secret).
//! - `grant_type=client_credentials` in the form body or the query string.
//! - Secrets are compared as SHA-256 digests in constant time ([`crate::secret`]).
//! - A token is 32 random bytes (hex), stored only as its digest with its expiry, so every
//!   instance on one database accepts it. Answer: `{"access_token", "token_type": "Bearer",
//!   "expires_in"}` with `Cache-Control: no-store`.
//! - Errors (RFC 6749 §5.2): `400 invalid_request` / `unsupported_grant_type`,
//!   `401 invalid_client`, `503 temporarily_unavailable` when the store is down.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use ocean_model::oauth::BasicCredentials;

use super::Shared;
use crate::secret::{SecretHash, new_token};
use crate::store::now_ms;

fn error(status: StatusCode, code: &str) -> Response {
    let mut response = (status, axum::Json(serde_json::json!({ "error": code }))).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"ocean-gateway\""),
        );
    }
    response
}

/// The id and secret of an HTTP Basic header: as sent, and form-decoded. RFC 6749 §2.3.1 asks
/// clients to form-encode them, and [`BasicCredentials`] (ocean-model, shared with ocean-smart)
/// reads them so; many clients do not (reqwest's `basic_auth`, and it is not documented that
/// Ocean's does), and a secret holding `+` or `%` would then not match. So the pair as sent is
/// tried too, which needs the one base64 decode here that ocean-model does not offer.
fn basic(headers: &HeaderMap) -> Option<Vec<(String, String)>> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let decoded = BasicCredentials::from_authorization(value).map(BasicCredentials::into_parts);
    let mut candidates: Vec<(String, String)> = as_sent(value).into_iter().collect();
    if let Some(pair) = decoded {
        if !candidates.contains(&pair) {
            candidates.push(pair);
        }
    }
    (!candidates.is_empty()).then_some(candidates)
}

/// The id and secret of a Basic header, not form-decoded.
fn as_sent(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut form: HashMap<String, String> = match serde_urlencoded::from_bytes(&body) {
        Ok(form) => form,
        Err(_) => return error(StatusCode::BAD_REQUEST, "invalid_request"),
    };
    if let Some(q) = query {
        let query: HashMap<String, String> = serde_urlencoded::from_str(&q).unwrap_or_default();
        if let Some(grant) = query.get("grant_type") {
            form.entry("grant_type".into())
                .or_insert_with(|| grant.clone());
        }
    }
    match form.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        Some(_) => return error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
        None => return error(StatusCode::BAD_REQUEST, "invalid_request"),
    }
    let credentials = basic(&headers).or_else(|| {
        Some(vec![(
            form.get("client_id")?.clone(),
            form.get("client_secret")?.clone(),
        )])
    });
    let Some(candidates) = credentials else {
        return error(StatusCode::UNAUTHORIZED, "invalid_client");
    };
    // Every configured client's digest is compared, so timing does not tell which ids exist.
    let mut found = None;
    for (id, secret) in &candidates {
        for client in &shared.options.clients {
            let id_ok = client.client_id.as_bytes() == id.as_bytes();
            let secret_ok = client.secret_matches(secret);
            if id_ok && secret_ok {
                found = Some(client);
            }
        }
    }
    let Some(client) = found else {
        tracing::info!(outcome = "invalid_client", "token request refused");
        return error(StatusCode::UNAUTHORIZED, "invalid_client");
    };
    let Some(token) = new_token() else {
        return error(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable");
    };
    let ttl = shared.options.token_ttl;
    let expires_at = now_ms().saturating_add(i64::try_from(ttl.as_millis()).unwrap_or(i64::MAX));
    let digest = SecretHash::of(token.as_bytes()).to_hex();
    if let Err(e) = shared
        .store
        .token_insert(&digest, &client.client_id, client.site(), expires_at)
        .await
    {
        tracing::warn!(error = %e, "token not stored");
        return error(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable");
    }
    tracing::info!(client = %client.client_id, outcome = "issued", "token issued");
    let mut response = axum::Json(serde_json::json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": ttl.as_secs(),
    }))
    .into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header() {
        let mut headers = HeaderMap::new();
        // "my+id:s%3Acret" -> id "my id", secret "s:cret"
        let value = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("my+id:s%3Acret")
        );
        headers.insert(header::AUTHORIZATION, value.parse().unwrap());
        assert_eq!(
            basic(&headers),
            Some(vec![
                ("my+id".into(), "s%3Acret".into()),
                ("my id".into(), "s:cret".into())
            ])
        );
        headers.insert(header::AUTHORIZATION, "Bearer x".parse().unwrap());
        assert_eq!(basic(&headers), None);
    }
}
