//! Shared sample values: a POS, Ocean's registration, a site configuration.

use ocean_smart::authorize::RegisteredClient;
use ocean_smart::discovery::PosServer;
use ocean_smart::launch::{FhirUser, LaunchConfig};
use ocean_smart::token::Secret;
use time::OffsetDateTime;
use time::macros::datetime;

pub const FHIR_BASE: &str = "https://emr.example.ca/fhir";
pub const ISSUER: &str = "https://emr.example.ca/auth";
pub const CLIENT_ID: &str = "ocean-site-1234";
pub const REDIRECT: &str = "https://ocean.example/sso/smart/redirect";

pub fn now() -> OffsetDateTime {
    datetime!(2025-03-01 09:00 UTC)
}

pub fn pos() -> PosServer {
    PosServer::new(
        FHIR_BASE,
        ISSUER,
        "https://emr.example.ca/auth/authorize",
        "https://emr.example.ca/auth/token",
        "https://emr.example.ca/auth/jwks",
    )
}

pub fn ocean_client() -> RegisteredClient {
    RegisteredClient::new(CLIENT_ID, Secret::new("generated-secret"), [REDIRECT])
}

pub fn config() -> LaunchConfig {
    LaunchConfig::new("https://ocean.example/sso/smart/auth", FHIR_BASE, "1234")
        .with_actions(Some("viewMap"), Some("viewMap"), Some("portal"))
        .with_referral_param("resource")
}

pub fn user() -> FhirUser {
    FhirUser::practitioner("dr-7").unwrap()
}
