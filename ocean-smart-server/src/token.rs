//! `POST {base}/auth/token`: the code exchange and refresh (step 4).
//!
//! | check | error | status |
//! |---|---|---|
//! | form body readable, no repeated parameter, one client authentication method | `invalid_request` | 400 |
//! | `client_id` registered and its secret right (`client_secret_post` or `client_secret_basic`, compared in constant time) | `invalid_client` (with `WWW-Authenticate: Basic` when Basic was used) | 401 |
//! | `grant_type` `authorization_code` or `refresh_token` | `unsupported_grant_type` | 400 |
//! | the code known, unused (it is consumed by this request, even if a later check fails), unexpired, issued to this client with this `redirect_uri` | `invalid_grant` | 400 |
//! | a code presented again after a successful exchange: also revokes the access and refresh token it gave (RFC 6749 4.1.2) | `invalid_grant` | 400 |
//! | with PKCE: `BASE64URL(SHA-256(code_verifier))` equals the challenge | `invalid_grant` | 400 |
//! | refresh: the refresh token known, unused, unexpired, this client's; a `scope` asks for no more than was granted | `invalid_grant` / `invalid_scope` | 400 |
//!
//! The answer: `access_token` (random, stored hashed, the access lifetime), `token_type`
//! `Bearer`, `expires_in`, `scope`, the launch context (`patient`, `encounter`, `fhirContext`
//! with the POS referral), `id_token` when `openid` was granted (signed with the current key:
//! `iss` = the issuer, `sub` = the user's stable subject, `aud` = the client id, `fhirUser`,
//! `nonce` when sent), `refresh_token` when `online_access` or `offline_access` was granted
//! (single use: a refresh returns a new one), and `oceanSharedEncryptionKey` when configured.
//! Every answer has `Cache-Control: no-store`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use ocean_smart::authorize::{ClientAuth, IssuedCode, RegisteredClient, TokenError, TokenRequest};
use ocean_smart::token::{IdTokenClaims, Secret, TokenResponse};
use ocean_smart::{Scope, ScopeSet};
use time::OffsetDateTime;

use crate::oauth::{OAuthError, no_store};
use crate::records::StoredGrant;
use crate::secrets::{constant_time_eq, hash_token, pkce_s256, random_token};
use crate::server::SmartServer;
use crate::store::{Record, RecordKind};

fn token_error(e: &TokenError, basic: bool) -> OAuthError {
    let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut out = OAuthError::new(status, e.error_code(), e.to_string());
    if status == StatusCode::UNAUTHORIZED && basic {
        out.challenge = Some("Basic realm=\"token\"".to_owned());
    }
    out
}

fn invalid_grant(what: &str) -> OAuthError {
    OAuthError::new(StatusCode::BAD_REQUEST, "invalid_grant", what)
}

pub(crate) async fn token(
    State(s): State<SmartServer>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match exchange(&s, &headers, &body).await {
        Ok(r) => r,
        Err(e) => {
            tracing::info!(error = e.error, status = e.status.as_u16(), "token refused");
            e.into_response()
        }
    }
}

async fn exchange(
    s: &SmartServer,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, OAuthError> {
    let body = std::str::from_utf8(body).map_err(|_| {
        OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "body is not UTF-8",
        )
    })?;
    let authorization = match headers.get(header::AUTHORIZATION) {
        Some(v) => Some(v.to_str().map_err(|_| {
            OAuthError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "unreadable Authorization header",
            )
        })?),
        None => None,
    };
    let basic = authorization.is_some();
    let req = TokenRequest::from_form(body, authorization).map_err(|e| token_error(&e, basic))?;
    let inner = &s.inner;
    let client = inner
        .config
        .client(req.client_id.as_deref())
        .ok_or_else(|| token_error(&TokenError::InvalidClient, basic))?;
    req.authenticate(client)
        .map_err(|e| token_error(&e, basic))?;
    let now = OffsetDateTime::now_utc();
    match req.grant_type.as_deref() {
        Some("authorization_code") => code_grant(s, &req, client, now).await,
        Some("refresh_token") => refresh_grant(s, &req, client, now).await,
        None => Err(token_error(
            &TokenError::InvalidRequest("missing grant_type"),
            false,
        )),
        Some(_) => Err(token_error(&TokenError::UnsupportedGrantType, false)),
    }
    .inspect(|_| {
        tracing::info!(
            auth = match req.auth {
                Some(ClientAuth::Basic) => "client_secret_basic",
                Some(ClientAuth::Post) => "client_secret_post",
                _ => "none",
            },
            grant_type = req.grant_type.as_deref().unwrap_or_default(),
            "token issued"
        );
    })
}

fn store_error(e: impl std::fmt::Display) -> OAuthError {
    tracing::error!(error = %e, "token: store");
    OAuthError::server_error("store unavailable")
}

async fn code_grant(
    s: &SmartServer,
    req: &TokenRequest,
    client: &RegisteredClient,
    now: OffsetDateTime,
) -> Result<Response, OAuthError> {
    let code = req
        .code
        .as_ref()
        .filter(|c| !c.is_empty())
        .ok_or_else(|| token_error(&TokenError::InvalidRequest("missing code"), false))?;
    let code_key = hash_token(code.expose());
    let taken = s
        .inner
        .store
        .take(RecordKind::Code, &code_key, now.unix_timestamp())
        .await
        .map_err(store_error)?;
    let Some(record) = taken else {
        revoke_replayed(s, &code_key, now.unix_timestamp()).await?;
        return Err(invalid_grant("code unknown, already used or expired"));
    };
    let grant: StoredGrant = serde_json::from_str(&record.value)
        .map_err(|_| OAuthError::server_error("stored code unreadable"))?;
    let issued = IssuedCode {
        client_id: grant.client_id.clone(),
        redirect_uri: grant.redirect_uri.clone().unwrap_or_default(),
        code_challenge: grant.code_challenge.clone(),
        expires_at: OffsetDateTime::from_unix_timestamp(record.expires_at)
            .map_err(|_| OAuthError::server_error("stored code unreadable"))?,
    };
    req.check_code_exchange(&issued, now)
        .map_err(|e| token_error(&e, false))?;
    if let (Some(challenge), Some(verifier)) = (&grant.code_challenge, &req.code_verifier) {
        if !constant_time_eq(&pkce_s256(verifier.expose()), challenge) {
            return Err(invalid_grant(
                "code_verifier does not match the code_challenge",
            ));
        }
    }
    let (response, spent) = issue(s, &grant, client, now, grant.nonce.as_deref()).await?;
    // Remember what the code gave, to revoke it if the code is presented again.
    if let Ok(value) = serde_json::to_string(&spent) {
        let record = Record {
            expires_at: spent.expires_at,
            value,
        };
        if let Err(e) = s
            .inner
            .store
            .put(RecordKind::SpentCode, &code_key, record)
            .await
        {
            tracing::error!(error = %e, "token: store (spent code)");
        }
    }
    Ok(response)
}

/// A replayed code: revokes the tokens it gave (RFC 6749 4.1.2, RFC 9700 4.5.1).
async fn revoke_replayed(s: &SmartServer, code_key: &str, now: i64) -> Result<(), OAuthError> {
    let store = &s.inner.store;
    let Some(rec) = store
        .take(RecordKind::SpentCode, code_key, now)
        .await
        .map_err(store_error)?
    else {
        return Ok(());
    };
    if let Ok(spent) = serde_json::from_str::<SpentCode>(&rec.value) {
        store
            .take(RecordKind::Access, &spent.access, now)
            .await
            .map_err(store_error)?;
        if let Some(r) = &spent.refresh {
            store
                .take(RecordKind::Refresh, r, now)
                .await
                .map_err(store_error)?;
        }
    }
    tracing::warn!("authorization code presented again: the tokens it gave are revoked");
    Ok(())
}

async fn refresh_grant(
    s: &SmartServer,
    req: &TokenRequest,
    client: &RegisteredClient,
    now: OffsetDateTime,
) -> Result<Response, OAuthError> {
    let token = req
        .refresh_token
        .as_ref()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| token_error(&TokenError::InvalidRequest("missing refresh_token"), false))?;
    let record = s
        .inner
        .store
        .take(
            RecordKind::Refresh,
            &hash_token(token.expose()),
            now.unix_timestamp(),
        )
        .await
        .map_err(store_error)?
        .ok_or_else(|| invalid_grant("refresh token unknown, already used or expired"))?;
    let mut grant: StoredGrant = serde_json::from_str(&record.value)
        .map_err(|_| OAuthError::server_error("stored refresh token unreadable"))?;
    if grant.client_id != client.client_id {
        return Err(invalid_grant("refresh token issued to another client"));
    }
    if let Some(asked) = req.scope.as_deref() {
        let asked = ScopeSet::parse(asked);
        let had = grant.scopes();
        if !asked.invalid().is_empty() || !asked.iter().all(|sc| had.satisfies(sc)) {
            return Err(OAuthError::new(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                "a refresh may not ask for more than was granted",
            ));
        }
        grant.scope = asked.to_string();
    }
    issue(s, &grant, client, now, None).await.map(|(r, _)| r)
}

/// What a code gave: the hashes of its tokens, and when the last of them expires.
#[derive(serde::Serialize, serde::Deserialize)]
struct SpentCode {
    access: String,
    refresh: Option<String>,
    expires_at: i64,
}

/// Stores the new access (and refresh) token and answers.
async fn issue(
    s: &SmartServer,
    grant: &StoredGrant,
    client: &RegisteredClient,
    now: OffsetDateTime,
    nonce: Option<&str>,
) -> Result<(Response, SpentCode), OAuthError> {
    let inner = &s.inner;
    let config = &inner.config;
    let context = grant
        .context
        .to_context()
        .ok_or_else(|| OAuthError::server_error("stored launch context unreadable"))?;
    let scopes = grant.scopes();
    let kept = StoredGrant {
        redirect_uri: None,
        code_challenge: None,
        nonce: None,
        ..grant.clone()
    };
    let value = serde_json::to_string(&kept)
        .map_err(|_| OAuthError::server_error("grant not serializable"))?;
    let fresh = || random_token().map_err(|_| OAuthError::server_error("no randomness"));
    let access = fresh()?;
    let lifetimes = config.lifetimes;
    let mut spent = SpentCode {
        access: hash_token(&access),
        refresh: None,
        expires_at: (now + lifetimes.access).unix_timestamp(),
    };
    inner
        .store
        .put(
            RecordKind::Access,
            &spent.access,
            Record {
                expires_at: (now + lifetimes.access).unix_timestamp(),
                value: value.clone(),
            },
        )
        .await
        .map_err(store_error)?;
    let mut response =
        TokenResponse::for_launch(&context, Secret::new(access), &scopes, lifetimes.access);
    if scopes.has_refresh() {
        let refresh = fresh()?;
        let refresh_expires = (now + lifetimes.refresh).unix_timestamp();
        spent.refresh = Some(hash_token(&refresh));
        spent.expires_at = spent.expires_at.max(refresh_expires);
        inner
            .store
            .put(
                RecordKind::Refresh,
                &hash_token(&refresh),
                Record {
                    expires_at: refresh_expires,
                    value,
                },
            )
            .await
            .map_err(store_error)?;
        response = response.with_refresh_token(Secret::new(refresh));
    }
    if scopes.contains(&Scope::OpenId) {
        let mut claims = IdTokenClaims::issue(
            &config.pos.issuer,
            &grant.subject,
            &client.client_id,
            context.user(),
            config.fhir_base(),
            now,
            lifetimes.id_token,
        );
        if let Some(n) = nonce {
            claims = claims.with_nonce(n);
        }
        let jwt = inner.keys.current().sign(&claims).map_err(|e| {
            tracing::error!(error = %e, "token: id_token signing");
            OAuthError::server_error("id_token signing failed")
        })?;
        response = response.with_id_token(jwt);
    }
    if let Some(key) = &config.ocean_shared_encryption_key {
        response = response.with_ocean_shared_encryption_key(key.clone());
    }
    let mut r = axum::Json(&response).into_response();
    no_store(&mut r);
    Ok((r, spent))
}
