//! `POST /fhir/$process-message`: the webhook Ocean delivers messages to.
//!
//! The checks, in order:
//! 1. `Content-Type` `application/fhir+json` or `application/json` (any parameters), else
//!    **415**.
//! 2. A bearer token issued by [`super::token`] and not expired. Without one, only Ocean's
//!    endpoint-validation challenge is answered: at most [`CHALLENGE_MAX_BYTES`] of the body
//!    are read, and if they are exactly `{"challenge": "<s>"}` the answer is **200**
//!    `{"challenge": "<s>"}`; anything else is **401** (no more is read). We echo the challenge
//!    without a token because Ocean's documentation does not say that the validation request
//!    carries one, and the echo reveals nothing.
//! 3. A body over the limit ([`super::InboundOptions::max_body_bytes`], 32 MB by default):
//!    **413**, from `Content-Length` before reading, or as soon as the bytes read pass it.
//! 4. [`ocean_messages::parse_with`]:
//!    - a supported or unsupported message is inserted into the inbox under its idempotency
//!      key and **committed** (concurrent messages share a transaction: group commit, see
//!      [`crate::store::InboxWriter`]), then **200** with [`ocean_messages::http::ack`]'s
//!      OperationOutcome. A repeat (same key) is **200** and changes nothing.
//!    - an invalid message is recorded in the dead-letter list (the error, which names paths
//!      and rules only, and the SHA-256 of the body) and answered **400** with `ack`'s
//!      OperationOutcome. Ocean will resend it; each resend is recorded.
//!    - if the store cannot commit: **503** (`Retry-After: 5`), so Ocean retries.
//!
//! Nothing logged names a patient: ids, event codes and outcomes only.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt as _;
use ocean_messages::http::{ack, is_fhir_json};
use ocean_messages::{ParseOptions, parse_with};
use serde::Deserialize;

use super::Shared;
use crate::secret::{SecretHash, hex};
use crate::site::resolve;
use crate::store::{InboxInsert, NewInbound, TokenOwner};

/// The most bytes of an unauthenticated request read to look for a challenge.
pub const CHALLENGE_MAX_BYTES: usize = 4096;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Challenge {
    challenge: String,
}

fn challenge(body: &[u8]) -> Option<Response> {
    if body.len() > CHALLENGE_MAX_BYTES {
        return None;
    }
    let c: Challenge = serde_json::from_slice(body).ok()?;
    tracing::info!(outcome = "challenge", "endpoint validation answered");
    Some(axum::Json(serde_json::json!({ "challenge": c.challenge })).into_response())
}

fn outcome(status: StatusCode, code: &str, text: &str) -> Response {
    let body = serde_json::json!({
        "resourceType": "OperationOutcome",
        "issue": [{ "severity": "error", "code": code, "diagnostics": text }],
    });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(ocean_messages::http::FHIR_JSON),
    );
    response
}

fn unauthorized() -> Response {
    let mut response = outcome(
        StatusCode::UNAUTHORIZED,
        "login",
        "a valid bearer token is required",
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"ocean-gateway\""),
    );
    response
}

fn unavailable() -> Response {
    let mut response = outcome(
        StatusCode::SERVICE_UNAVAILABLE,
        "transient",
        "the message store is unavailable; retry later",
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

fn too_large() -> Response {
    outcome(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-costly",
        "the message is larger than this endpoint accepts",
    )
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

enum Read {
    Done(Bytes),
    TooLarge,
    Failed,
}

/// Reads the body frame by frame, stopping as soon as it passes `limit`.
async fn read_limited(mut body: Body, limit: usize) -> Read {
    let mut out = Vec::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Read::Failed;
        };
        if let Ok(data) = frame.into_data() {
            if out.len().saturating_add(data.len()) > limit {
                return Read::TooLarge;
            }
            out.extend_from_slice(&data);
        }
    }
    Read::Done(Bytes::from(out))
}

pub(crate) async fn webhook(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_fhir_json);
    if !json {
        return outcome(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not-supported",
            "send application/fhir+json or application/json",
        );
    }
    let owner = match bearer(&parts.headers) {
        Some(token) => {
            let digest = SecretHash::of(token.as_bytes()).to_hex();
            match shared.tokens.get(&digest) {
                Some(owner) => Some(owner),
                None => match shared.store.token_lookup_until(&digest).await {
                    Ok(found) => found.map(|(owner, until)| {
                        shared.tokens.put(&digest, &owner, until);
                        owner
                    }),
                    Err(e) => {
                        tracing::warn!(error = %e, outcome = "unavailable", "token check failed");
                        return unavailable();
                    }
                },
            }
        }
        None => None,
    };
    let Some(owner) = owner else {
        // Only a challenge passes without a token; read no more than one can be.
        if content_length(&parts.headers).is_some_and(|n| n > CHALLENGE_MAX_BYTES as u64) {
            return unauthorized();
        }
        return match read_limited(body, CHALLENGE_MAX_BYTES).await {
            Read::Done(bytes) => challenge(&bytes).unwrap_or_else(unauthorized),
            Read::TooLarge | Read::Failed => unauthorized(),
        };
    };
    let limit = shared.options.max_body_bytes;
    if content_length(&parts.headers).is_some_and(|n| n > limit as u64) {
        tracing::info!(outcome = "too_large", "message refused");
        return too_large();
    }
    let bytes = match read_limited(body, limit).await {
        Read::Done(bytes) => bytes,
        Read::TooLarge => {
            tracing::info!(outcome = "too_large", "message refused");
            return too_large();
        }
        Read::Failed => {
            return outcome(
                StatusCode::BAD_REQUEST,
                "incomplete",
                "the body could not be read",
            );
        }
    };
    if let Some(answer) = challenge(&bytes) {
        return answer;
    }
    receive(&shared, &owner, bytes).await
}

async fn receive(shared: &Shared, owner: &TokenOwner, bytes: Bytes) -> Response {
    let options = ParseOptions::new().max_bytes(shared.options.max_body_bytes);
    let result = parse_with(&bytes, &options);
    let answer = ack(&result);
    let received = match &result {
        Ok(received) => received,
        Err(e) => {
            let digest = hex(&sha2::Digest::finalize(
                <sha2::Sha256 as sha2::Digest>::new_with_prefix(&bytes),
            ));
            tracing::info!(
                status = answer.status(),
                error = %e,
                body_sha256 = %digest,
                outcome = "invalid",
                "message refused"
            );
            let site = owner.site.as_deref();
            if let Err(store) = shared
                .store
                .record_invalid_inbound(site, answer.status(), &e.to_string(), &digest)
                .await
            {
                tracing::warn!(error = %store, "invalid message not recorded");
            }
            return ack_response(&answer);
        }
    };
    let site = resolve(
        &shared.options.sites,
        owner.site.as_deref(),
        received.message(),
    );
    let key = received.idempotency_key().as_str().to_owned();
    if site.is_none() && !shared.options.sites.is_empty() {
        tracing::warn!(key = %key, "message matches no configured site; stored without one");
    }
    let mut inbound = NewInbound::new(key.clone(), received.event_code(), bytes.to_vec());
    inbound.site = site;
    inbound.referral = received.referral_id().map(|r| r.as_str().to_owned());
    inbound.supported = received.is_supported();
    match shared.writer().insert(inbound).await {
        Ok(InboxInsert::New) => {
            tracing::info!(key = %key, event = received.event_code(), outcome = "stored", "message received");
            shared.wake.notify_one();
            ack_response(&answer)
        }
        Ok(_) => {
            tracing::info!(key = %key, event = received.event_code(), outcome = "repeat", "message received");
            ack_response(&answer)
        }
        Err(e) => {
            tracing::warn!(key = %key, error = %e, outcome = "unavailable", "message not stored");
            unavailable()
        }
    }
}

fn ack_response(answer: &ocean_messages::http::Ack) -> Response {
    let status = StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = (status, answer.body()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(ocean_messages::http::FHIR_JSON),
    );
    response
}
