//! Demonstrates `ocean_ereferral::smart`, the POS side of the SMART launch into Ocean: the
//! discovery documents and their checker, the launch URL for a new eRequest, Ocean's
//! authorization request validated against the launch, the scopes granted and the token
//! response with the launch context.
//!
//! ```text
//! cargo run --example smart_launch
//! ```
//!
//! From a shell, `ocean smart launch --config SITE.json SCENARIO ...` prints the launch URL of
//! any of the three scenarios and `ocean smart check-discovery` checks a POS's documents.

use ocean_ereferral::smart::authorize::{AuthorizeRequest, RegisteredClient};
use ocean_ereferral::smart::discovery::{PosServer, check_all};
use ocean_ereferral::smart::launch::{
    FhirUser, LaunchConfig, LaunchContext, LaunchId, LaunchSession,
};
use ocean_ereferral::smart::query::QueryBuilder;
use ocean_ereferral::smart::scope::OCEAN_REQUESTED_SCOPES;
use ocean_ereferral::smart::time::{Duration, OffsetDateTime};
use ocean_ereferral::smart::token::{Secret, TokenResponse};

/// An Ocean site's launch configuration (Ocean's production values are to confirm with Ocean).
const SITE: &str = r#"{
  "oceanLaunchUrl": "https://ocean.cognisantmd.com/sso/smart/auth",
  "fhirBaseUrl": "https://emr.example.ca/fhir",
  "siteNum": "1234",
  "actions": { "newRequest": "viewMap", "existingRequest": "viewMap", "dashboard": "portal" },
  "referralParam": "resource"
}"#;
const BASE: &str = "https://emr.example.ca/fhir";
const REDIRECT: &str = "https://ocean.cognisantmd.com/sso/smart/redirect";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 0. What the POS publishes, checked as Ocean reads it.
    let auth = "https://emr.example.ca/auth";
    let at = |path| format!("{auth}/{path}");
    let pos = PosServer::new(BASE, auth, at("authorize"), at("token"), at("jwks"));
    let (smart, oidc) = (pos.smart_configuration(), pos.openid_configuration());
    println!("discovery: {}", check_all(&smart, &oidc, Some(&pos.issuer)));
    let config = LaunchConfig::from_json(SITE)?;
    println!("launch configuration: {}", config.check());

    // 1. "Launch Ocean" for a new eRequest: the context stays with the POS under the launch id.
    let now = OffsetDateTime::now_utc();
    let user = FhirUser::practitioner("dr-7")?;
    let context = LaunchContext::new_request(user, "pt-42")?;
    let session = LaunchSession::new(LaunchId::random(), context, now);
    println!("launch URL: {}", config.launch_url(&session)?);

    // 3. Ocean's authorization request comes back with that launch id: validate, grant scopes.
    let ocean = RegisteredClient::new(
        "ocean-site-1234",
        Secret::new("generated-secret"),
        [REDIRECT],
    );
    let query = QueryBuilder::new("")
        .param("response_type", "code")
        .param("client_id", "ocean-site-1234")
        .param("redirect_uri", REDIRECT)
        .param("launch", session.id().as_str())
        .param("scope", OCEAN_REQUESTED_SCOPES)
        .param("state", "opaque-state")
        .param("aud", BASE)
        .finish();
    let request = AuthorizeRequest::from_query(&query)?;
    let requested = request.validate(&ocean, BASE, Some(&session), now)?;
    let grant = requested.negotiate(&pos.scopes_supported(), true);
    println!(
        "granted: {}\nOcean can read what it uses: {}",
        grant.granted,
        grant.granted.ocean_coverage(true)
    );

    // 4. The token response carries the launch context (patient, user) to Ocean.
    let response = TokenResponse::for_launch(
        session.context(),
        Secret::new("access-token"),
        &grant.granted,
        Duration::hours(1),
    )
    .with_id_token("<id token signed by the POS's JOSE library>")
    .with_refresh_token(Secret::new("refresh-token"))
    .with_ocean_shared_encryption_key(Secret::new("c2FtcGxlU2hhcmVkS2V5"));
    println!(
        "token response checker: {}",
        response.check(session.context())
    );
    Ok(())
}
