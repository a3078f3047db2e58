//! Ocean's side of the API, as an axum app: what a POS calls.
//!
//! | route | what it does |
//! |---|---|
//! | `POST /svc/oauth2/token` | client credentials (form body, or HTTP Basic with `grant_type` in the body or query): `{access_token, token_type: "Bearer", expires_in}`; 401 `invalid_client` otherwise |
//! | `POST /svc/fhir/v1/$process-messages` | bearer token (401 without), then [`crate::check`]: 200 and the referral's folders moved, or a `4xx` with an OperationOutcome |
//! | `GET /svc/fhir/v1/ServiceRequest/{id}/$letter` | the referral's letter (a small synthetic PDF), for a referral this Ocean sent |
//! | `GET /svc/fhir/v1/DocumentReference/{id}/$binary` | the attachment (synthetic text) |
//! | `GET /svc/fhir/v1/NamingSystem/id-site-number` | the connection test Ocean's own tooling uses |
//! | `GET /sim/launch?iss=…&launch=…` | Ocean's launch URL: the POS's "Launch Ocean" opens it (see [`crate::smart`]) |
//! | `GET /sim/prompts` | what the simulator waits for the POS to do (JSON), for an operator or a test driver |
//! | `GET /sim/referrals` | the referrals and their Ocean folders (JSON, ids and folders only) |
//!
//! With `--serve` ([`OceanApiConfig::adopt_unknown_referrals`]) a message about a referral this
//! Ocean never sent registers it, with the sender's site, as received by the POS, so a vendor
//! can try its messages by hand.
//!
//! Clients are site-specific in Ocean: a client configured with sites
//! ([`OceanClientCredentials::sites`]) may only update referrals received at those sites (403
//! otherwise); one configured without sites acts for every simulated site (the `gateway` example
//! reuses one pair for every site).
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use uuid::Uuid;

use crate::state::{Download, Shared};

/// A client the simulated Ocean issues tokens to.
#[derive(Clone, PartialEq, Eq)]
pub struct OceanClientCredentials {
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// The Ocean site numbers these credentials act for (Ocean's ids are site-specific); empty:
    /// every simulated site.
    pub sites: Vec<String>,
}

impl std::fmt::Debug for OceanClientCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OceanClientCredentials")
            .field("client_id", &self.client_id)
            .field("sites", &self.sites)
            .finish_non_exhaustive()
    }
}

/// The simulated Ocean API's configuration.
#[derive(Debug, Clone)]
pub struct OceanApiConfig {
    /// Clients allowed to get a token.
    pub clients: Vec<OceanClientCredentials>,
    /// Token lifetime.
    pub token_lifetime: Duration,
    /// Whether a message about a referral this Ocean never sent registers it as received by
    /// the POS (for `--serve`, where no scenario sends referrals) instead of a 404.
    pub adopt_unknown_referrals: bool,
}

/// The app state.
#[derive(Debug, Clone)]
pub struct OceanApi {
    /// Configuration.
    pub config: Arc<OceanApiConfig>,
    /// The shared simulator state.
    pub shared: Arc<Shared>,
}

/// The simulated Ocean's routes (see the module docs).
pub fn router(api: OceanApi) -> Router {
    Router::new()
        .route("/svc/oauth2/token", post(token))
        .route("/svc/fhir/v1/$process-messages", post(process_messages))
        .route("/svc/fhir/v1/ServiceRequest/{id}/$letter", get(letter))
        .route("/svc/fhir/v1/DocumentReference/{id}/$binary", get(binary))
        .route(
            "/svc/fhir/v1/NamingSystem/id-site-number",
            get(naming_system),
        )
        .route("/sim/prompts", get(prompts))
        .route("/sim/launch", get(launch))
        .route("/sim/referrals", get(referrals))
        .with_state(api)
}

fn form_value(body: &str, key: &str) -> Option<String> {
    body.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == key)
            .then(|| ocean_model::percent::decode_form(v).ok())
            .flatten()
    })
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    ocean_model::oauth::BasicCredentials::from_authorization(value).map(|c| c.into_parts())
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, axum::Json(json!({"error": error}))).into_response()
}

async fn token(State(api): State<OceanApi>, headers: HeaderMap, body: Bytes) -> Response {
    let body = String::from_utf8_lossy(&body);
    let grant = form_value(&body, "grant_type");
    if grant.as_deref() != Some("client_credentials") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let creds = basic_credentials(&headers).or_else(|| {
        Some((
            form_value(&body, "client_id")?,
            form_value(&body, "client_secret")?,
        ))
    });
    let Some((id, secret)) = creds else {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    };
    let known = api.config.clients.iter().any(|c| {
        c.client_id == id && constant_time_eq(c.client_secret.as_bytes(), secret.as_bytes())
    });
    if !known {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let token = format!("sim-{}", Uuid::new_v4().simple());
    let lifetime = api.config.token_lifetime;
    api.shared
        .lock()
        .tokens
        .insert(token.clone(), (id, Instant::now() + lifetime));
    axum::Json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": lifetime.as_secs(),
    }))
    .into_response()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The sites the bearer token's client acts for (empty: all), or `None` without a valid token.
fn authorized_sites(api: &OceanApi, headers: &HeaderMap) -> Option<Vec<String>> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })?;
    let client = api
        .shared
        .lock()
        .tokens
        .get(token.trim())
        .filter(|(_, expiry)| *expiry > Instant::now())
        .map(|(client, _)| client.clone())?;
    Some(
        api.config
            .clients
            .iter()
            .find(|c| c.client_id == client)
            .map(|c| c.sites.clone())
            .unwrap_or_default(),
    )
}

fn authorized(api: &OceanApi, headers: &HeaderMap) -> bool {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
    else {
        return false;
    };
    api.shared
        .lock()
        .tokens
        .get(token.trim())
        .is_some_and(|(_, expiry)| *expiry > Instant::now())
}

fn unauthorized() -> Response {
    let mut r = (
        StatusCode::UNAUTHORIZED,
        fhir(json!({"resourceType": "OperationOutcome", "issue": [{"severity": "error",
            "code": "login", "diagnostics": "a valid bearer token from /svc/oauth2/token is required"}]})),
    )
        .into_response();
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

fn fhir(body: serde_json::Value) -> Response {
    let mut r = axum::Json(body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/fhir+json"),
    );
    r
}

async fn process_messages(
    State(api): State<OceanApi>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(sites) = authorized_sites(&api, &headers) else {
        return unauthorized();
    };
    if api.config.adopt_unknown_referrals {
        adopt(&api, &body);
    }
    let verdict = crate::check::judge_for(&body, &mut api.shared.lock(), &sites);
    let status = StatusCode::from_u16(verdict.status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, fhir(verdict.outcome)).into_response()
}

/// Registers the referral of a POS message as one the POS received, if unknown (`--serve`).
fn adopt(api: &OceanApi, body: &[u8]) {
    let Ok(ocean_messages::Received::Supported(m)) = ocean_messages::parse(body) else {
        return;
    };
    let Ok(referral_id) = Uuid::parse_str(m.referral_id().as_str()) else {
        return;
    };
    if api.shared.lock().referrals.contains_key(&referral_id) {
        return;
    }
    let site = m
        .sender()
        .and_then(|p| p.site_number())
        .unwrap_or_default()
        .to_owned();
    api.shared.add_referral(
        crate::template::ReferralSpec {
            referral_id,
            receiver_site: site,
            sender_site: String::new(),
            patient: crate::patients::patient(0),
            attachment: None,
        },
        crate::state::PosRole::Receiver,
    );
}

/// A one-page PDF saying "Simulated referral letter": no patient data.
const LETTER_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 100]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length 52>>stream\nBT /F1 12 Tf 20 50 Td (Simulated referral letter) Tj ET\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

fn record_download(api: &OceanApi, kind: &'static str, id: Uuid, status: StatusCode) {
    api.shared.lock().downloads.push(Download {
        kind,
        id,
        status: status.as_u16(),
    });
}

async fn letter(
    State(api): State<OceanApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if !authorized(&api, &headers) {
        return unauthorized();
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !api.shared.lock().referrals.contains_key(&id) {
        return StatusCode::NOT_FOUND.into_response();
    }
    record_download(&api, "letter", id, StatusCode::OK);
    ([(header::CONTENT_TYPE, "application/pdf")], LETTER_PDF).into_response()
}

async fn binary(
    State(api): State<OceanApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if !authorized(&api, &headers) {
        return unauthorized();
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !api.shared.lock().documents.contains_key(&id) {
        return StatusCode::NOT_FOUND.into_response();
    }
    record_download(&api, "binary", id, StatusCode::OK);
    (
        [(header::CONTENT_TYPE, "text/plain")],
        "Simulated attachment from ocean-sim: no patient data.\n",
    )
        .into_response()
}

async fn naming_system(State(api): State<OceanApi>, headers: HeaderMap) -> Response {
    if !authorized(&api, &headers) {
        return unauthorized();
    }
    fhir(
        json!({"resourceType": "NamingSystem", "name": "id-site-number", "status": "active", "kind": "identifier"}),
    )
}

async fn launch(
    State(api): State<OceanApi>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    match (form_value(&query, "iss"), form_value(&query, "launch")) {
        (Some(_), Some(launch)) if !launch.is_empty() => {
            api.shared.lock().launches.push(launch);
            (
                StatusCode::OK,
                "ocean-sim: launch received; Ocean's client continues the launch\n",
            )
                .into_response()
        }
        _ => (
            StatusCode::BAD_REQUEST,
            "ocean-sim: iss and launch are required\n",
        )
            .into_response(),
    }
}

async fn prompts(State(api): State<OceanApi>) -> Response {
    let prompts = api.shared.lock().prompts.clone();
    axum::Json(prompts).into_response()
}

async fn referrals(State(api): State<OceanApi>) -> Response {
    let list: Vec<_> = api
        .shared
        .lock()
        .referrals
        .values()
        .map(|r| {
            json!({
                "referral": r.spec.referral_id,
                "role": r.role,
                "receiverSite": r.spec.receiver_site,
                "folders": r.folders(),
            })
        })
        .collect();
    axum::Json(list).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding() {
        assert_eq!(
            form_value("a=1&client_id=x%2By+z", "client_id").as_deref(),
            Some("x+y z")
        );
        assert_eq!(form_value("grant_type", "grant_type").as_deref(), Some(""));
    }
}
