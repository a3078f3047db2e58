//! The axum routes of a [`SmartServer`] (paths: [`crate::config`]), and the three public
//! documents: `.well-known/smart-configuration`, `.well-known/openid-configuration` and the
//! JWKS.

use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::server::SmartServer;

impl SmartServer {
    /// The routes (module docs of [`crate::config`] for the paths), with this server as
    /// state. Merge it into the POS's axum app; serve it over https in production.
    pub fn router(&self) -> Router {
        let p = self.inner.config.path_prefix();
        Router::new()
            .route(
                &format!("{p}/fhir/.well-known/smart-configuration"),
                get(smart_configuration),
            )
            .route(
                &format!("{p}/fhir/.well-known/openid-configuration"),
                get(openid_configuration),
            )
            .route(&format!("{p}/auth/jwks"), get(jwks))
            .route(
                &format!("{p}/auth/authorize"),
                get(crate::authorize::authorize).post(crate::authorize::authorize),
            )
            .route(&format!("{p}/auth/token"), post(crate::token::token))
            .route(
                &format!("{p}/fhir/Patient/{{id}}"),
                get(crate::resource::read_patient),
            )
            .route(
                &format!("{p}/fhir/Practitioner/{{id}}"),
                get(crate::resource::read_practitioner),
            )
            .route(
                &format!("{p}/fhir/Patient/{{id}}/$everything"),
                get(crate::everything::everything),
            )
            .with_state(self.clone())
    }
}

async fn smart_configuration(State(s): State<SmartServer>) -> Response {
    axum::Json(&s.inner.smart).into_response()
}

async fn openid_configuration(State(s): State<SmartServer>) -> Response {
    axum::Json(&s.inner.openid).into_response()
}

async fn jwks(State(s): State<SmartServer>) -> Response {
    axum::Json(s.inner.keys.jwks()).into_response()
}
