//! `GET|POST {base}/auth/authorize`: Ocean's authorization request (step 3).
//!
//! In order: the request is checked by `ocean_smart` (`AuthorizeRequest::validate`: client,
//! redirect URI, `response_type=code`, `state`, `aud` = the FHIR base, scope, the launch known
//! and unexpired, PKCE `S256` when sent); the vendor's [`crate::UserAuthenticator`] says who
//! the user is, who must be the user the launch was made for; the requested scopes are
//! negotiated against what the server supports (unknown scopes such as Ocean's
//! `patient/$everything` are dropped; nothing usable left is `invalid_scope`); the launch is
//! consumed (a second use is `invalid_request`); a code valid for the code lifetime is stored
//! (hashed) and the browser is redirected to `redirect_uri?code=…&state=…`.
//!
//! Errors go back to `redirect_uri` with `error`, `error_description` and `state`, except when
//! the client or its redirect URI is in doubt (RFC 6749 4.1.2.1): then a 400 JSON answer.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use ocean_smart::Scope;
use ocean_smart::authorize::AuthorizeRequest;
use ocean_smart::query::QueryBuilder;
use time::OffsetDateTime;

use crate::oauth::{OAuthError, redirect};
use crate::records::{StoredContext, StoredGrant, StoredLaunch};
use crate::secrets::{hash_token, random_token};
use crate::server::SmartServer;
use crate::store::{Record, RecordKind};
use crate::vendor::AuthOutcome;

/// Largest form body accepted at the authorization endpoint.
const MAX_FORM: usize = 64 * 1024;

fn error_redirect(request: &AuthorizeRequest, error: &'static str, description: &str) -> Response {
    match request.redirect_uri.as_deref() {
        Some(uri) => redirect(
            &QueryBuilder::new(uri)
                .param("error", error)
                .param("error_description", description)
                .opt_param("state", request.state.as_deref())
                .finish(),
        ),
        None => OAuthError::new(StatusCode::BAD_REQUEST, error, description).into_response(),
    }
}

pub(crate) async fn authorize(State(s): State<SmartServer>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let query = if parts.method == Method::POST {
        match axum::body::to_bytes(body, MAX_FORM).await {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(_) => {
                return OAuthError::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "body unreadable or too large",
                )
                .into_response();
            }
        }
    } else {
        parts.uri.query().unwrap_or_default().to_owned()
    };
    let request = match AuthorizeRequest::from_query(&query) {
        Ok(r) => r,
        Err(e) => {
            return OAuthError::new(StatusCode::BAD_REQUEST, e.error_code(), e.to_string())
                .into_response();
        }
    };
    let inner = &s.inner;
    let config = &inner.config;
    let Some(client) = config.client(request.client_id.as_deref()) else {
        tracing::info!("authorize refused: unknown client");
        let e = if request.client_id.is_some() {
            "unauthorized_client"
        } else {
            "invalid_request"
        };
        return OAuthError::new(StatusCode::BAD_REQUEST, e, "unknown or missing client_id")
            .into_response();
    };
    let now = OffsetDateTime::now_utc();
    let launch_key = request.launch.as_deref().map(hash_token);
    // Read even an expired launch (`i64::MIN`), so ocean_smart can say "expired".
    let stored = match &launch_key {
        Some(k) => match inner.store.get(RecordKind::Launch, k, i64::MIN).await {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "authorize: store");
                return OAuthError::server_error("store unavailable").into_response();
            }
        },
        None => None,
    };
    let session = match (&stored, request.launch.as_deref()) {
        (Some(rec), Some(id)) => serde_json::from_str::<StoredLaunch>(&rec.value)
            .ok()
            .and_then(|l| l.session(id)),
        _ => None,
    };
    let requested = match request.validate(client, config.fhir_base(), session.as_ref(), now) {
        Ok(scopes) => scopes,
        Err(e) => {
            tracing::info!(error = %e, "authorize refused");
            return match request.error_redirect(&e) {
                Some(uri) => redirect(&uri),
                None => OAuthError::new(StatusCode::BAD_REQUEST, e.error_code(), e.to_string())
                    .into_response(),
            };
        }
    };
    // validate() succeeded, so the session is there.
    let Some(session) = session else {
        return error_redirect(&request, "invalid_request", "unknown launch");
    };
    let context = session.context();
    let user = match inner.auth.authenticate(&parts, context).await {
        AuthOutcome::SignedIn(u) => u,
        AuthOutcome::Respond(r) => return r,
        AuthOutcome::Denied => {
            tracing::info!("authorize refused: user authentication denied");
            return error_redirect(&request, "access_denied", "the user did not authorize");
        }
    };
    if user.fhir_user.relative() != context.user().relative() {
        tracing::warn!("authorize refused: signed-in user is not the launch's user");
        return error_redirect(
            &request,
            "access_denied",
            "the signed-in user is not the user the launch was made for",
        );
    }
    let negotiation = requested.negotiate(
        &config.pos.scopes_supported(),
        context.scenario().has_patient(),
    );
    let granted = negotiation.granted;
    if granted.iter().all(|sc| *sc == Scope::Launch) {
        tracing::info!(
            refused = negotiation.refused.len(),
            "authorize refused: no grantable scope"
        );
        return error_redirect(
            &request,
            "invalid_scope",
            "none of the requested scopes can be granted",
        );
    }
    // Consume the launch now that a code will be issued: single use even under races.
    let Some(key) = launch_key else {
        return error_redirect(&request, "invalid_request", "missing launch");
    };
    match inner
        .store
        .take(RecordKind::Launch, &key, now.unix_timestamp())
        .await
    {
        Ok(Some(_)) => {}
        Ok(None) => {
            return error_redirect(
                &request,
                "invalid_request",
                "launch already used or expired",
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "authorize: store");
            return error_redirect(&request, "server_error", "store unavailable");
        }
    }
    let code = match random_token() {
        Ok(c) => c,
        Err(_) => return error_redirect(&request, "server_error", "no randomness"),
    };
    let grant = StoredGrant {
        client_id: client.client_id.clone(),
        scope: granted.to_string(),
        context: StoredContext::from_context(context),
        subject: user.subject,
        redirect_uri: request.redirect_uri.clone(),
        code_challenge: request.code_challenge.clone(),
        nonce: request.nonce.clone(),
    };
    let Ok(value) = serde_json::to_string(&grant) else {
        return error_redirect(&request, "server_error", "grant not serializable");
    };
    let record = Record {
        expires_at: (now + config.lifetimes.code).unix_timestamp(),
        value,
    };
    if let Err(e) = inner
        .store
        .put(RecordKind::Code, &hash_token(&code), record)
        .await
    {
        tracing::error!(error = %e, "authorize: store");
        return error_redirect(&request, "server_error", "store unavailable");
    }
    tracing::info!(
        scenario = %context.scenario().kind(),
        granted = granted.len(),
        refused = negotiation.refused.len(),
        pkce = request.code_challenge.is_some(),
        "authorization code issued"
    );
    match request.code_redirect(&code) {
        Some(uri) => redirect(&uri),
        None => OAuthError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "missing redirect_uri",
        )
        .into_response(),
    }
}
