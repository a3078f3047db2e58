//! Walk the three SMART launch scenarios into Ocean for a sample POS configuration.
//!
//! ```text
//! cargo run --example smart_launch -- [LAUNCH_CONFIG.json]
//! ```
//! Prints what the POS gives Ocean support, the two discovery documents and what the checker
//! says about them, then for each scenario (new eRequest, existing eRequest, dashboard) the
//! launch URL, the scopes granted to Ocean's request, the token response and what its checker
//! says. Last, the checker on a typical first-attempt discovery document.
//!
//! LAUNCH_CONFIG.json is an Ocean site launch configuration (see
//! `ocean_smart::launch::LaunchConfig`); without it a sample is used. Exits 2 when the
//! configuration cannot be read or has errors.

use std::process::ExitCode;

use ocean_ereferral::smart::authorize::{AuthorizeRequest, RegisteredClient};
use ocean_ereferral::smart::discovery::{
    PosServer, SmartConfiguration, check_all, check_smart_configuration,
};
use ocean_ereferral::smart::launch::{
    FhirUser, LaunchConfig, LaunchContext, LaunchError, LaunchId, LaunchSession, PosReferralId,
};
use ocean_ereferral::smart::query::QueryBuilder;
use ocean_ereferral::smart::scope::OCEAN_REQUESTED_SCOPES;
use ocean_ereferral::smart::time::{Duration, OffsetDateTime};
use ocean_ereferral::smart::token::{IdTokenClaims, Secret, TokenResponse};

const SAMPLE_CONFIG: &str = r#"{
  "oceanLaunchUrl": "https://ocean.cognisantmd.com/sso/smart/auth",
  "fhirBaseUrl": "https://emr.example.ca/fhir",
  "siteNum": "1234",
  "actions": { "newRequest": "viewMap", "existingRequest": "viewMap", "dashboard": "portal" },
  "referralParam": "resource"
}"#;

/// What a POS built before reading the SMART 2 spec (shaped like OceanMD's sample server).
const FIRST_ATTEMPT: &str = r#"{
  "authorization_endpoint": "https://emr.example.ca/auth/authorize",
  "token_endpoint": "https://emr.example.ca/auth/token",
  "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
  "scopes_supported": ["openid", "profile", "launch", "patient/*.read"],
  "response_types_supported": ["code", "id_token"],
  "capabilities": ["launch-ehr", "context-ehr-patient", "permission-user"]
}"#;

const OCEAN_REDIRECT: &str = "https://ocean.cognisantmd.com/sso/smart/redirect";

fn heading(text: &str) {
    println!("\n== {text} ==");
}

fn pretty<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("(cannot print: {e})"))
}

fn main() -> ExitCode {
    let text = match std::env::args().nth(1) {
        None => SAMPLE_CONFIG.to_owned(),
        Some(a) if a.starts_with('-') => {
            eprintln!("usage: smart_launch [LAUNCH_CONFIG.json]");
            return ExitCode::from(2);
        }
        Some(path) => match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "error: the launch configuration file cannot be read ({})",
                    e.kind()
                );
                return ExitCode::from(2);
            }
        },
    };
    let config = match LaunchConfig::from_json(&text) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: launch configuration: {}", json_error(&e));
            return ExitCode::from(2);
        }
    };
    let base = config.fhir_base_url.trim_end_matches('/').to_owned();
    // The sample POS runs its authorization server at `{origin}/auth`.
    let origin = match base.split_once("://") {
        Some((scheme, rest)) => format!("{scheme}://{}", rest.split('/').next().unwrap_or(rest)),
        None => base.clone(),
    };
    let pos = PosServer::new(
        base.clone(),
        format!("{origin}/auth"),
        format!("{origin}/auth/authorize"),
        format!("{origin}/auth/token"),
        format!("{origin}/auth/jwks"),
    );
    let client_id = format!("ocean-site-{}", config.site_num);
    let ocean = RegisteredClient::new(
        client_id.clone(),
        Secret::new("generated-secret"),
        [OCEAN_REDIRECT],
    );

    heading("0. Send Ocean support (the secret goes separately)");
    println!(
        "{}",
        pos.ocean_registration(client_id.clone(), ocean.client_secret.clone())
    );

    heading("0. Discovery documents");
    let smart = pos.smart_configuration();
    let oidc = pos.openid_configuration();
    println!("GET {}\n{}", pos.smart_configuration_url(), pretty(&smart));
    println!("GET {}\n{}", pos.openid_configuration_url(), pretty(&oidc));
    println!("checker: {}", check_all(&smart, &oidc, Some(&pos.issuer)));

    heading("1. Launch configuration for Ocean site");
    println!("{}", pretty(&config));
    let config_findings = config.check();
    println!("checker:\n{config_findings}");
    println!(
        "(Ocean's production launch URL and the action for each scenario are not public: \
         the sample's are our reading of OceanMD's test project; confirm them with Ocean.)"
    );
    if !config_findings.is_ok() {
        return ExitCode::from(2);
    }

    let now = OffsetDateTime::now_utc();
    let user = match FhirUser::practitioner("dr-7") {
        Ok(u) => u,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let contexts = [
        (
            "new eRequest",
            LaunchContext::new_request(user.clone(), "pt-42")
                .and_then(|c| c.with_encounter("enc-1")),
        ),
        (
            "existing eRequest",
            PosReferralId::new("sr-9")
                .and_then(|r| LaunchContext::existing_request(user.clone(), "pt-42", r)),
        ),
        ("dashboard (no patient)", Ok(LaunchContext::dashboard(user))),
    ];
    for (name, context) in contexts {
        heading(&format!("Scenario: {name}"));
        let context = match context {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {}", launch_error(&e));
                return ExitCode::from(2);
            }
        };
        let session = LaunchSession::new(LaunchId::random(), context, now);
        match config.launch_url(&session) {
            Ok(url) => println!("1. Launch Ocean: {url}"),
            Err(e) => {
                println!("1. Launch Ocean: not offered ({})", launch_error(&e));
                continue;
            }
        }
        // 3. Ocean's authorization request comes back with the launch id.
        let query = QueryBuilder::new("")
            .param("response_type", "code")
            .param("client_id", &client_id)
            .param("redirect_uri", OCEAN_REDIRECT)
            .param("launch", session.id().as_str())
            .param("scope", OCEAN_REQUESTED_SCOPES)
            .param("state", "opaque-state")
            .param("aud", &base)
            .finish();
        let request = match AuthorizeRequest::from_query(&query) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let requested = match request.validate(&ocean, &base, Some(&session), now) {
            Ok(s) => s,
            Err(e) => {
                println!("3. Authorization refused: {} ({e})", e.error_code());
                continue;
            }
        };
        let has_patient = session.context().scenario().has_patient();
        let grant = requested.negotiate(&pos.scopes_supported(), has_patient);
        println!("3. Ocean asks:  {requested}");
        println!("   POS grants:  {}", grant.granted);
        println!("   refused:     {}", grant.refused.join(" "));
        println!(
            "   Ocean can read what it uses: {}",
            grant.granted.ocean_coverage(has_patient)
        );
        // 4. Token response (the id token is signed by the POS's own JOSE library).
        let claims = IdTokenClaims::issue(
            &pos.issuer,
            "user-7f3a",
            &client_id,
            session.context().user(),
            &base,
            now,
            Duration::hours(1),
        );
        println!(
            "4. id token claims to sign (ES256/RS256):\n{}",
            pretty(&claims)
        );
        let response = TokenResponse::for_launch(
            session.context(),
            Secret::new("sample-access-token"),
            &grant.granted,
            Duration::hours(1),
        )
        .with_id_token("<signed id token>")
        .with_refresh_token(Secret::new("sample-refresh-token"))
        .with_ocean_shared_encryption_key(Secret::new("c2FtcGxlU2hhcmVkS2V5"));
        println!("   token response:\n{}", pretty(&response));
        println!("   checker: {}", response.check(session.context()));
    }

    heading("A first-attempt smart-configuration, checked");
    match SmartConfiguration::from_json(FIRST_ATTEMPT) {
        Ok(doc) => println!("{}", check_smart_configuration(&doc)),
        Err(e) => println!("cannot read: {}", json_error(&e)),
    }
    ExitCode::SUCCESS
}

/// A JSON error by its category and position only: serde's own text can quote the input
/// (`invalid type: string "..."`, `unknown variant ...`).
fn json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "could not be read",
        Category::Syntax => "is not valid JSON",
        Category::Eof => "ends in the middle of a value",
        Category::Data => "does not have the expected shape (see LaunchConfig's fields)",
    };
    format!("{what} (line {}, column {})", e.line(), e.column())
}

/// A launch error by its variant: all but `Config` are from our own tables; `Config` carries
/// a configuration field's message, which may quote the configuration, so it is not printed
/// here (the checker's findings above name the field).
fn launch_error(e: &LaunchError) -> String {
    match e {
        LaunchError::Config(_) => "the launch configuration has errors (see the checker)".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SENTINEL: &str = "ZZ-SENTINEL-7731";

    #[test]
    fn errors_do_not_echo_input() {
        for text in [
            format!(r#"{{"fhir_base_url":{{"{SENTINEL}":1}}}}"#),
            format!(r#"{{"site_num":"{SENTINEL}"}}"#),
            format!(r#"{{"{SENTINEL}"#),
        ] {
            let e = LaunchConfig::from_json(&text).unwrap_err();
            let shown = json_error(&e);
            assert!(!shown.contains(SENTINEL), "{shown}");
        }
        let e = LaunchError::Config(format!("actions.new: `{SENTINEL}`"));
        assert!(!launch_error(&e).contains(SENTINEL));
    }
}
