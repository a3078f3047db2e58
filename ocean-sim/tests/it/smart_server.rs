//! A minimal SMART server for the launch scenarios: discovery, authorize, token, `$everything`.
use std::net::SocketAddr;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use ocean_smart::discovery::PosServer;
use serde_json::{Value, json};

pub(crate) const CLIENT_ID: &str = "ocean-sim-test";
pub(crate) const CLIENT_SECRET: &str = "smart-secret";
pub(crate) const REDIRECT: &str = "https://ocean.example/sso/smart/redirect";
const EVERYTHING: &str = include_str!("../../../ocean-keywords/samples/everything.json");

/// How the server is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SmartFlaw {
    None,
    EverythingWithoutPatient,
    DiscoveryWithoutTokenEndpoint,
}

#[derive(Clone)]
struct S {
    base: String,
    flaw: SmartFlaw,
}

pub(crate) struct SmartServer {
    pub(crate) fhir_base: String,
}

fn query_param(q: &str, k: &str) -> Option<String> {
    ocean_smart::query::parse_query(q)
        .ok()?
        .into_iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v)
}

pub(crate) async fn start(flaw: SmartFlaw) -> SmartServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let s = S {
        base: base.clone(),
        flaw,
    };
    let app = Router::new()
        .route("/fhir/.well-known/smart-configuration", get(smart_config))
        .route("/fhir/.well-known/openid-configuration", get(oidc_config))
        .route("/auth/authorize", get(authorize))
        .route("/auth/token", post(token))
        .route("/fhir/Patient/{id}/$everything", get(everything))
        .with_state(s);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    SmartServer {
        fhir_base: format!("{base}/fhir"),
    }
}

fn pos(s: &S) -> PosServer {
    PosServer::new(
        format!("{}/fhir", s.base),
        format!("{}/fhir", s.base),
        format!("{}/auth/authorize", s.base),
        format!("{}/auth/token", s.base),
        format!("{}/auth/jwks", s.base),
    )
}

async fn smart_config(State(s): State<S>) -> Response {
    let mut v = serde_json::to_value(pos(&s).smart_configuration()).unwrap();
    if s.flaw == SmartFlaw::DiscoveryWithoutTokenEndpoint {
        v.as_object_mut().unwrap().remove("token_endpoint");
    }
    axum::Json(v).into_response()
}

async fn oidc_config(State(s): State<S>) -> Response {
    axum::Json(serde_json::to_value(pos(&s).openid_configuration()).unwrap()).into_response()
}

async fn authorize(RawQuery(q): RawQuery) -> Response {
    let q = q.unwrap_or_default();
    let (Some(launch), Some(state), Some(redirect)) = (
        query_param(&q, "launch"),
        query_param(&q, "state"),
        query_param(&q, "redirect_uri"),
    ) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if query_param(&q, "client_id").as_deref() != Some(CLIENT_ID) || redirect != REDIRECT {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let location = format!("{redirect}?code=code-{launch}&state={state}");
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

async fn token(body: Bytes) -> Response {
    let body = String::from_utf8_lossy(&body).into_owned();
    if query_param(&body, "client_secret").as_deref() != Some(CLIENT_SECRET) {
        return (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let code = query_param(&body, "code").unwrap_or_default();
    let mut t = json!({"access_token": "smart-access", "token_type": "Bearer", "expires_in": 3600,
        "scope": "launch openid fhirUser patient/*.read"});
    match code.as_str() {
        "code-L-new" => t["patient"] = json!("pt-1"),
        "code-L-existing" => {
            t["patient"] = json!("pt-1");
            t["fhirContext"] = json!([{"reference": "ServiceRequest/sr-9"}]);
        }
        "code-L-dashboard" => {}
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"error": "invalid_grant"})),
            )
                .into_response();
        }
    }
    axum::Json(t).into_response()
}

async fn everything(State(s): State<S>) -> Response {
    let mut v: Value = serde_json::from_str(EVERYTHING).unwrap();
    if s.flaw == SmartFlaw::EverythingWithoutPatient {
        v["entry"]
            .as_array_mut()
            .unwrap()
            .retain(|e| e["resource"]["resourceType"] != "Patient");
    }
    (
        [(header::CONTENT_TYPE, "application/fhir+json")],
        v.to_string(),
    )
        .into_response()
}
