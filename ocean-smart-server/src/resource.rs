//! The resource side's access rule and `GET {base}/fhir/Patient/{id}`.
//!
//! # Access rule (every resource request)
//! 1. `Authorization: Bearer {access token}`: absent → 401 with a bare `Bearer` challenge;
//!    unknown, expired or malformed → 401 `invalid_token`.
//! 2. The token's launch had a patient and it is `{id}`: otherwise 403 `insufficient_scope`.
//!    Tokens from a launch serve that launch's patient only, even under `user/` scopes:
//!    Ocean needs no other patient, and a token that leaks is worth one chart, not all.
//! 3. The granted scopes (v1 or v2 syntax) fully grant reading `Patient`
//!    (`ocean_smart::scope::ScopeSet::grant`): otherwise 403 `insufficient_scope`. A v2
//!    scope restricted by a query (`?category=…`) is not enough: this server does not evaluate
//!    search parameters.
//!
//! For `$everything`, each other resource is kept only when the scopes fully grant searching
//! its type (see [`crate::everything`]).
//!
//! # `GET {base}/fhir/Practitioner/{id}`
//! The launching user's own Practitioner (`fhirUser`), which Ocean's client may read: the
//! token's user must be `Practitioner/{id}` and the scopes must fully grant reading
//! `Practitioner` (403 `insufficient_scope` otherwise). Served by
//! [`crate::PatientSource::practitioner`].

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ocean_smart::ScopeSet;
use ocean_smart::scope::{Grant, Interaction};
use time::OffsetDateTime;

use crate::oauth::{OAuthError, operation_outcome};
use crate::records::StoredGrant;
use crate::secrets::hash_token;
use crate::server::SmartServer;
use crate::store::RecordKind;

/// The grant behind the request's bearer token, checked for `patient_id` (module rule).
pub(crate) async fn authorize_patient(
    s: &SmartServer,
    headers: &HeaderMap,
    patient_id: &str,
) -> Result<ScopeSet, Response> {
    let grant = bearer(s, headers).await?;
    if grant.context.patient() != Some(patient_id) {
        return Err(
            OAuthError::bearer("insufficient_scope", "the token is not for this patient")
                .into_response(),
        );
    }
    let scopes = grant.scopes();
    if scopes.grant("Patient", Interaction::Read, true) != Grant::Full {
        return Err(OAuthError::bearer(
            "insufficient_scope",
            "the token does not grant reading Patient",
        )
        .into_response());
    }
    Ok(scopes)
}

async fn bearer(s: &SmartServer, headers: &HeaderMap) -> Result<StoredGrant, Response> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        let mut r = operation_outcome(StatusCode::UNAUTHORIZED, "login", "bearer token required");
        r.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return Err(r);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return Err(OAuthError::bearer("invalid_token", "malformed bearer token").into_response());
    };
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let record = match s
        .inner
        .store
        .get(RecordKind::Access, &hash_token(token), now)
        .await
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(error = %e, "resource: store");
            return Err(operation_outcome(
                StatusCode::SERVICE_UNAVAILABLE,
                "transient",
                "store unavailable",
            ));
        }
    };
    record
        .and_then(|r| serde_json::from_str::<StoredGrant>(&r.value).ok())
        .ok_or_else(|| {
            OAuthError::bearer("invalid_token", "unknown or expired access token").into_response()
        })
}

pub(crate) fn fhir_json(status: StatusCode, body: axum::body::Body) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/fhir+json"),
    );
    r
}

pub(crate) async fn read_patient(
    State(s): State<SmartServer>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = authorize_patient(&s, &headers, &id).await {
        return r;
    }
    match s.inner.source.patient(&id).await {
        Ok(Some(bytes)) => fhir_json(StatusCode::OK, bytes.into()),
        Ok(None) => operation_outcome(StatusCode::NOT_FOUND, "not-found", "no such Patient"),
        Err(e) => {
            tracing::error!(error = %e, patient = %id, "Patient read failed");
            operation_outcome(
                StatusCode::INTERNAL_SERVER_ERROR,
                "exception",
                "patient source failed",
            )
        }
    }
}

pub(crate) async fn read_practitioner(
    State(s): State<SmartServer>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let grant = match bearer(&s, &headers).await {
        Ok(g) => g,
        Err(r) => return r,
    };
    if grant.context.user_relative() != Some(format!("Practitioner/{id}")) {
        return OAuthError::bearer("insufficient_scope", "not the token's user").into_response();
    }
    let has_patient = grant.context.patient().is_some();
    if grant
        .scopes()
        .grant("Practitioner", Interaction::Read, has_patient)
        != Grant::Full
    {
        return OAuthError::bearer(
            "insufficient_scope",
            "the token does not grant reading Practitioner",
        )
        .into_response();
    }
    match s.inner.source.practitioner(&id).await {
        Ok(Some(bytes)) => fhir_json(StatusCode::OK, bytes.into()),
        Ok(None) => operation_outcome(StatusCode::NOT_FOUND, "not-found", "no such Practitioner"),
        Err(e) => {
            tracing::error!(error = %e, practitioner = %id, "Practitioner read failed");
            operation_outcome(
                StatusCode::INTERNAL_SERVER_ERROR,
                "exception",
                "source failed",
            )
        }
    }
}
