//! Error answers: RFC 6749 OAuth errors (JSON at the token endpoint, a redirect or a plain page
//! at the authorization endpoint), RFC 6750 bearer errors, and FHIR OperationOutcomes.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer. `description` names rules and parameters, never values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OAuthError {
    pub(crate) status: StatusCode,
    pub(crate) error: &'static str,
    pub(crate) description: String,
    /// `WWW-Authenticate` value (401 at the token endpoint with Basic, bearer errors).
    pub(crate) challenge: Option<String>,
}

impl OAuthError {
    pub(crate) fn new(
        status: StatusCode,
        error: &'static str,
        description: impl Into<String>,
    ) -> Self {
        Self {
            status,
            error,
            description: description.into(),
            challenge: None,
        }
    }

    /// RFC 6750 3: `WWW-Authenticate: Bearer error="…"`; 401 for `invalid_token`, 403 for
    /// `insufficient_scope`, 400 for `invalid_request`.
    pub(crate) fn bearer(error: &'static str, description: &str) -> Self {
        let status = match error {
            "invalid_token" => StatusCode::UNAUTHORIZED,
            "insufficient_scope" => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        };
        let mut e = Self::new(status, error, description);
        e.challenge = Some(format!(
            "Bearer error=\"{error}\", error_description=\"{}\"",
            description.replace('"', "'")
        ));
        e
    }

    pub(crate) fn server_error(what: &str) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", what)
    }
}

pub(crate) fn no_store(response: &mut Response) {
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = json!({ "error": self.error, "error_description": self.description });
        let mut r = (self.status, axum::Json(body)).into_response();
        if let Some(c) = self.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            r.headers_mut().insert(header::WWW_AUTHENTICATE, c);
        }
        no_store(&mut r);
        r
    }
}

/// A FHIR OperationOutcome with one issue.
pub(crate) fn operation_outcome(status: StatusCode, code: &str, diagnostics: &str) -> Response {
    let body = json!({
        "resourceType": "OperationOutcome",
        "issue": [{ "severity": "error", "code": code, "diagnostics": diagnostics }]
    });
    let mut r = (status, axum::Json(body)).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/fhir+json"),
    );
    r
}

/// A `302 Found` to `location`, not cached.
pub(crate) fn redirect(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => {
            let mut r = StatusCode::FOUND.into_response();
            r.headers_mut().insert(header::LOCATION, v);
            no_store(&mut r);
            r
        }
        Err(_) => {
            OAuthError::server_error("redirect URI is not a valid header value").into_response()
        }
    }
}
