//! The three launch scenarios end to end: launch URL, authorization request, scope
//! negotiation, token request and token response, with the failures a POS must answer.

use ocean_smart::authorize::{
    AuthorizeError, AuthorizeRequest, ClientAuth, IssuedCode, TokenError, TokenRequest,
};
use ocean_smart::launch::{
    LaunchContext, LaunchError, LaunchId, LaunchSession, PosReferralId, ScenarioKind, rules,
};
use ocean_smart::query::QueryBuilder;
use ocean_smart::scope::{OCEAN_REQUESTED_SCOPES, ScopeSet};
use ocean_smart::token::{IdTokenClaims, IdTokenValidation, Secret, TokenResponse};
use time::Duration;

use crate::common::*;

fn contexts() -> Vec<(&'static str, LaunchContext)> {
    vec![
        (
            "new-request",
            LaunchContext::new_request(user(), "pt-42")
                .unwrap()
                .with_encounter("enc-1")
                .unwrap(),
        ),
        (
            "existing-request",
            LaunchContext::existing_request(user(), "pt-42", PosReferralId::new("sr-9").unwrap())
                .unwrap(),
        ),
        ("dashboard", LaunchContext::dashboard(user())),
    ]
}

fn session(name: &str, ctx: LaunchContext) -> LaunchSession {
    LaunchSession::new(LaunchId::new(format!("launch-{name}")).unwrap(), ctx, now())
}

fn authorize_query(launch: &str) -> String {
    let url = QueryBuilder::new("")
        .param("response_type", "code")
        .param("client_id", CLIENT_ID)
        .param("redirect_uri", REDIRECT)
        .param("launch", launch)
        .param("scope", OCEAN_REQUESTED_SCOPES)
        .param("state", "st-1")
        .param("aud", FHIR_BASE)
        .finish();
    url.trim_start_matches('?').to_owned()
}

#[test]
fn launch_urls_for_each_scenario() {
    let config = config();
    assert!(config.check().is_ok(), "{}", config.check());
    let urls: Vec<String> = contexts()
        .into_iter()
        .map(|(name, ctx)| {
            format!(
                "{name}: {}",
                config.launch_url(&session(name, ctx)).unwrap()
            )
        })
        .collect();
    insta::assert_snapshot!("launch_urls", urls.join("\n"));
}

#[test]
fn each_scenario_runs_end_to_end() {
    let pos = pos();
    let client = ocean_client();
    let mut responses = Vec::new();
    for (name, ctx) in contexts() {
        let session = session(name, ctx);
        // 3. authorization request
        let request =
            AuthorizeRequest::from_query(&authorize_query(session.id().as_str())).unwrap();
        let requested = request
            .validate(
                &client,
                FHIR_BASE,
                Some(&session),
                now() + Duration::seconds(5),
            )
            .unwrap();
        let has_patient = session.context().scenario().has_patient();
        let grant = requested.negotiate(&pos.scopes_supported(), has_patient);
        assert!(
            grant.granted.ocean_coverage(has_patient).is_complete(),
            "{name}"
        );
        assert_eq!(
            request.code_redirect("code-1").unwrap(),
            format!("{REDIRECT}?code=code-1&state=st-1")
        );
        // 4. token request
        let body = format!(
            "grant_type=authorization_code&code=code-1&redirect_uri={}&client_id={CLIENT_ID}&client_secret=generated-secret",
            ocean_smart::query::encode(REDIRECT)
        );
        let token_request = TokenRequest::from_form(&body, None).unwrap();
        assert_eq!(token_request.auth, Some(ClientAuth::Post));
        token_request.authenticate(&client).unwrap();
        let issued = IssuedCode {
            client_id: CLIENT_ID.into(),
            redirect_uri: REDIRECT.into(),
            code_challenge: None,
            expires_at: now() + Duration::seconds(60),
        };
        token_request.check_code_exchange(&issued, now()).unwrap();
        let ctx = session.context();
        let claims = IdTokenClaims::issue(
            ISSUER,
            "user-7f3a",
            CLIENT_ID,
            ctx.user(),
            FHIR_BASE,
            now(),
            Duration::hours(1),
        );
        claims
            .validate(&IdTokenValidation::new(ISSUER, CLIENT_ID, now()))
            .unwrap();
        let response = TokenResponse::for_launch(
            ctx,
            Secret::new("access-token"),
            &grant.granted,
            Duration::hours(1),
        )
        .with_id_token("header.payload.signature")
        .with_refresh_token(Secret::new("refresh-token"))
        .with_ocean_shared_encryption_key(Secret::new("c2FtcGxlU2hhcmVkRW5jcnlwdGlvbktleQ=="));
        let findings = response.check(ctx);
        assert!(findings.is_empty(), "{name}: {findings}");
        responses.push(serde_json::json!({
            "scenario": name,
            "refused": grant.refused,
            "tokenResponse": response,
            "idTokenClaims": claims,
        }));
    }
    insta::assert_json_snapshot!("token_responses", responses);
}

#[test]
fn existing_request_without_referral_param_still_carries_fhir_context() {
    let config = config();
    let mut no_param = config.clone();
    no_param.referral_param = None;
    assert!(no_param.check().has_rule(rules::REFERRAL_PARAM));
    let (_, ctx) = contexts().swap_remove(1);
    let s = session("existing", ctx);
    let url = no_param.launch_url(&s).unwrap();
    assert!(!url.contains("sr-9"));
    assert!(config.launch_url(&s).unwrap().contains("&resource=sr-9&"));
    let r = TokenResponse::for_launch(
        s.context(),
        Secret::new("a"),
        &ScopeSet::parse("launch"),
        Duration::hours(1),
    );
    assert_eq!(
        r.fhir_context[0].reference_str(),
        Some("ServiceRequest/sr-9")
    );
}

#[test]
fn a_scenario_without_action_cannot_launch() {
    let config = config().with_actions(Some("viewMap"), None, None);
    let (_, ctx) = contexts().swap_remove(2);
    assert_eq!(
        config.launch_url(&session("d", ctx)),
        Err(LaunchError::ActionNotConfigured(ScenarioKind::Dashboard))
    );
    let mut broken = config.clone();
    broken.fhir_base_url = "http://emr.example.ca/fhir".into();
    let (_, ctx) = contexts().swap_remove(0);
    let err = broken.launch_url(&session("n", ctx)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "launch configuration: fhirBaseUrl: must use https"
    );
}

#[test]
fn launch_config_rules() {
    let ok = config();
    type Edit = Box<dyn Fn(&mut ocean_smart::LaunchConfig)>;
    let cases: Vec<(&str, Edit, &str, &str)> = vec![
        (
            "ocean url http",
            Box::new(|c| c.ocean_launch_url = "http://ocean.example/x".into()),
            rules::OCEAN_URL,
            "oceanLaunchUrl",
        ),
        (
            "ocean url relative",
            Box::new(|c| c.ocean_launch_url = "/sso/smart/auth".into()),
            rules::OCEAN_URL,
            "oceanLaunchUrl",
        ),
        (
            "iss with query",
            Box::new(|c| c.fhir_base_url = "https://emr.example.ca/fhir?x=1".into()),
            rules::ISS,
            "fhirBaseUrl",
        ),
        (
            "iss trailing slash",
            Box::new(|c| c.fhir_base_url = "https://emr.example.ca/fhir/".into()),
            rules::ISS,
            "fhirBaseUrl",
        ),
        (
            "site empty",
            Box::new(|c| c.site_num = " ".into()),
            rules::SITE,
            "siteNum",
        ),
        (
            "no dashboard action",
            Box::new(|c| c.actions.dashboard = None),
            rules::ACTION_MISSING,
            "actions.dashboard",
        ),
        (
            "empty action",
            Box::new(|c| c.actions.new_request = Some(String::new())),
            rules::ACTION_UNKNOWN,
            "actions.newRequest",
        ),
        (
            "unknown action",
            Box::new(|c| c.actions.existing_request = Some("openReferral".into())),
            rules::ACTION_UNKNOWN,
            "actions.existingRequest",
        ),
        (
            "param named iss",
            Box::new(|c| c.action_param = "iss".into()),
            rules::PARAM_NAME,
            "actionParam",
        ),
        (
            "param repeated",
            Box::new(|c| c.referral_param = Some("siteNum".into())),
            rules::PARAM_NAME,
            "referralParam",
        ),
        (
            "empty param",
            Box::new(|c| c.site_param = String::new()),
            rules::PARAM_NAME,
            "siteParam",
        ),
        (
            "extra collides",
            Box::new(|c| {
                c.extra_params.insert("launch".into(), "x".into());
            }),
            rules::PARAM_NAME,
            "extraParams",
        ),
        (
            "no referral param",
            Box::new(|c| c.referral_param = None),
            rules::REFERRAL_PARAM,
            "referralParam",
        ),
    ];
    for (name, change, rule, field) in cases {
        let mut c = ok.clone();
        change(&mut c);
        let f = c.check();
        assert!(
            f.iter().any(|x| x.rule == rule && x.field == field),
            "{name}: expected {rule} on {field}, got:\n{f}"
        );
    }
    let loopback = ocean_smart::LaunchConfig {
        ocean_launch_url: "http://localhost:8080/sso/smart/auth".into(),
        ..ok
    };
    assert!(loopback.check().is_ok());
    assert!(loopback.check().has_rule(rules::OCEAN_URL));
}

#[test]
fn authorization_request_failures() {
    let client = ocean_client();
    let (_, ctx) = contexts().swap_remove(0);
    let s = session("n", ctx);
    let good = authorize_query(s.id().as_str());
    let check = |q: &str| {
        AuthorizeRequest::from_query(q)
            .and_then(|r| r.validate(&client, FHIR_BASE, Some(&s), now()))
    };
    assert!(check(&good).is_ok());
    let replace = |from: &str, to: &str| good.replacen(from, to, 1);
    let cases: Vec<(String, AuthorizeError, bool)> = vec![
        (
            format!("{good}&state=again"),
            AuthorizeError::RepeatedParameter("state".into()),
            false,
        ),
        (
            format!("{good}&x=%zz"),
            AuthorizeError::MalformedQuery,
            false,
        ),
        (
            replace("client_id=ocean-site-1234", "client_id=other"),
            AuthorizeError::UnknownClient,
            false,
        ),
        (
            replace("client_id=ocean-site-1234", "client_id="),
            AuthorizeError::MissingParameter("client_id"),
            false,
        ),
        (
            replace("redirect", "x_redirect"),
            AuthorizeError::MissingParameter("redirect_uri"),
            false,
        ),
        (
            replace("%2Fredirect", "%2Fother"),
            AuthorizeError::RedirectUriMismatch,
            false,
        ),
        (
            replace("response_type=code", "response_type=token"),
            AuthorizeError::UnsupportedResponseType,
            true,
        ),
        (
            replace("state=st-1", "state="),
            AuthorizeError::MissingParameter("state"),
            true,
        ),
        (
            replace("aud=", "x_aud="),
            AuthorizeError::MissingParameter("aud"),
            true,
        ),
        (
            replace("aud=https%3A%2F%2Femr", "aud=https%3A%2F%2Fevil"),
            AuthorizeError::AudienceMismatch,
            true,
        ),
        (
            replace("scope=", "x_scope="),
            AuthorizeError::MissingParameter("scope"),
            true,
        ),
        (
            replace("launch=launch-n", "launch=other"),
            AuthorizeError::UnknownLaunch,
            true,
        ),
        (
            replace("launch=launch-n", "x_launch=launch-n"),
            AuthorizeError::MissingParameter("launch"),
            true,
        ),
        (
            replace("scope=launch%20", "scope="),
            AuthorizeError::LaunchScopeMissing,
            true,
        ),
        (
            format!("{good}&code_challenge=abc"),
            AuthorizeError::PkcePlain,
            true,
        ),
        (
            format!("{good}&code_challenge=abc&code_challenge_method=plain"),
            AuthorizeError::PkcePlain,
            true,
        ),
        (
            format!("{good}&code_challenge=abc&code_challenge_method=S512"),
            AuthorizeError::PkceUnsupported,
            true,
        ),
        (
            format!("{good}&code_challenge=abc&code_challenge_method=S256"),
            AuthorizeError::InvalidCodeChallenge,
            true,
        ),
        (
            format!("{good}&code_challenge_method=S256"),
            AuthorizeError::MissingParameter("code_challenge"),
            true,
        ),
    ];
    for (q, want, redirect) in cases {
        let got = check(&q).unwrap_err();
        assert_eq!(got, want, "{q}");
        assert_eq!(got.may_redirect(), redirect, "{want:?}");
        if let Ok(r) = AuthorizeRequest::from_query(&q) {
            assert_eq!(
                r.error_redirect(&got).is_some(),
                redirect && r.redirect_uri.is_some(),
                "{want:?}"
            );
        }
    }
    let pkce = format!(
        "{good}&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    );
    assert!(check(&pkce).is_ok());
    // Expired launch: at exactly created + ttl.
    let r = AuthorizeRequest::from_query(&good).unwrap();
    let later = now() + ocean_smart::launch::DEFAULT_LAUNCH_TTL;
    assert_eq!(
        r.validate(&client, FHIR_BASE, Some(&s), later),
        Err(AuthorizeError::LaunchExpired)
    );
    assert_eq!(
        r.validate(&client, FHIR_BASE, None, now()),
        Err(AuthorizeError::UnknownLaunch)
    );
    // A trailing slash on aud is tolerated.
    let slash = good.replace("%2Ffhir", "%2Ffhir%2F");
    assert!(check(&slash).is_ok());
    let err_url = r.error_redirect(&AuthorizeError::AudienceMismatch).unwrap();
    assert_eq!(
        err_url,
        format!(
            "{REDIRECT}?error=invalid_request&error_description=aud%20is%20not%20this%20FHIR%20server%27s%20base%20URL&state=st-1"
        )
    );
    assert!(!format!("{r:?}").contains("launch-n"));
}

#[test]
fn token_request_failures() {
    let client = ocean_client();
    let redirect = ocean_smart::query::encode(REDIRECT);
    let issued = IssuedCode {
        client_id: CLIENT_ID.into(),
        redirect_uri: REDIRECT.into(),
        code_challenge: None,
        expires_at: now() + Duration::seconds(60),
    };
    let post = format!(
        "grant_type=authorization_code&code=c&redirect_uri={redirect}&client_id={CLIENT_ID}&client_secret=generated-secret"
    );
    let basic_body = format!("grant_type=authorization_code&code=c&redirect_uri={redirect}");
    // "ocean-site-1234:generated-secret"
    let basic = "Basic b2NlYW4tc2l0ZS0xMjM0OmdlbmVyYXRlZC1zZWNyZXQ=";
    let r = TokenRequest::from_form(&basic_body, Some(basic)).unwrap();
    assert_eq!(r.auth, Some(ClientAuth::Basic));
    r.authenticate(&client).unwrap();
    r.check_code_exchange(&issued, now()).unwrap();
    assert_eq!(
        TokenRequest::from_form(&post, Some(basic)),
        Err(TokenError::InvalidRequest(
            "more than one client authentication method"
        ))
    );
    assert_eq!(
        TokenRequest::from_form(&basic_body, Some("Basic !!!")),
        Err(TokenError::InvalidClient)
    );
    assert_eq!(
        TokenRequest::from_form(&format!("{post}&code=d"), None),
        Err(TokenError::InvalidRequest("repeated parameter"))
    );
    let wrong = TokenRequest::from_form(&post.replace("generated-secret", "guess"), None).unwrap();
    assert_eq!(wrong.authenticate(&client), Err(TokenError::InvalidClient));
    let none = TokenRequest::from_form(&basic_body, None).unwrap();
    assert_eq!(none.auth, Some(ClientAuth::None));
    assert_eq!(none.authenticate(&client), Err(TokenError::InvalidClient));
    let r = TokenRequest::from_form(&post, None).unwrap();
    assert_eq!(
        r.check_code_exchange(&issued, issued.expires_at),
        Err(TokenError::InvalidGrant("code expired"))
    );
    assert!(
        r.check_code_exchange(&issued, issued.expires_at - Duration::seconds(1))
            .is_ok()
    );
    let other_redirect = IssuedCode {
        redirect_uri: "https://ocean.example/other".into(),
        ..issued.clone()
    };
    assert!(matches!(
        r.check_code_exchange(&other_redirect, now()),
        Err(TokenError::InvalidGrant(_))
    ));
    let other_client = IssuedCode {
        client_id: "x".into(),
        ..issued.clone()
    };
    assert!(matches!(
        r.check_code_exchange(&other_client, now()),
        Err(TokenError::InvalidGrant(_))
    ));
    let refresh =
        TokenRequest::from_form(&post.replace("authorization_code", "password"), None).unwrap();
    assert_eq!(
        refresh.check_code_exchange(&issued, now()),
        Err(TokenError::UnsupportedGrantType)
    );
    let pkce = IssuedCode {
        code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
        ..issued.clone()
    };
    assert!(matches!(
        r.check_code_exchange(&pkce, now()),
        Err(TokenError::InvalidGrant(_))
    ));
    let with_verifier = TokenRequest::from_form(
        &format!("{post}&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        None,
    )
    .unwrap();
    assert!(with_verifier.check_code_exchange(&pkce, now()).is_ok());
    let short = TokenRequest::from_form(&format!("{post}&code_verifier=short"), None).unwrap();
    assert!(short.check_code_exchange(&pkce, now()).is_err());
    assert!(!format!("{with_verifier:?}").contains("generated-secret"));
}

#[test]
fn token_response_rules() {
    use ocean_smart::token::rules as r;
    let (_, new) = contexts().swap_remove(0);
    let (_, existing) = contexts().swap_remove(1);
    let (_, dashboard) = contexts().swap_remove(2);
    let granted =
        ScopeSet::parse("launch openid fhirUser online_access patient/*.read user/*.read");
    let good = |ctx: &LaunchContext| {
        TokenResponse::for_launch(ctx, Secret::new("at"), &granted, Duration::hours(1))
            .with_id_token("h.p.s")
            .with_refresh_token(Secret::new("rt"))
            .with_ocean_shared_encryption_key(Secret::new("a2V5"))
    };
    assert!(
        good(&new).check(&new).is_empty(),
        "{}",
        good(&new).check(&new)
    );
    type Change = Box<dyn Fn(&mut TokenResponse)>;
    let cases: Vec<(&str, &LaunchContext, Change, &str, &str, bool)> = vec![
        (
            "empty access token",
            &new,
            Box::new(|t| t.access_token = Secret::new("")),
            r::ACCESS_TOKEN,
            "access_token",
            true,
        ),
        (
            "mac token",
            &new,
            Box::new(|t| t.token_type = "mac".into()),
            r::TOKEN_TYPE,
            "token_type",
            true,
        ),
        (
            "no expiry",
            &new,
            Box::new(|t| t.expires_in = None),
            r::EXPIRES_IN,
            "expires_in",
            false,
        ),
        (
            "zero expiry",
            &new,
            Box::new(|t| t.expires_in = Some(0)),
            r::EXPIRES_IN,
            "expires_in",
            true,
        ),
        (
            "empty scope",
            &new,
            Box::new(|t| t.scope = String::new()),
            r::SCOPE,
            "scope",
            true,
        ),
        (
            "bad scope",
            &new,
            Box::new(|t| t.scope.push_str(" patient/x.y")),
            r::SCOPE,
            "scope",
            false,
        ),
        (
            "no id token",
            &new,
            Box::new(|t| t.id_token = None),
            r::ID_TOKEN,
            "id_token",
            true,
        ),
        (
            "no patient",
            &new,
            Box::new(|t| t.patient = None),
            r::PATIENT,
            "patient",
            true,
        ),
        (
            "other patient",
            &new,
            Box::new(|t| t.patient = Some("pt-43".into())),
            r::PATIENT,
            "patient",
            true,
        ),
        (
            "patient on dashboard",
            &dashboard,
            Box::new(|t| t.patient = Some("pt-1".into())),
            r::PATIENT,
            "patient",
            false,
        ),
        (
            "patient scopes on dashboard",
            &dashboard,
            Box::new(|_| {}),
            r::PATIENT,
            "patient",
            true,
        ),
        (
            "no encounter",
            &new,
            Box::new(|t| t.encounter = None),
            r::ENCOUNTER,
            "encounter",
            false,
        ),
        (
            "other encounter",
            &new,
            Box::new(|t| t.encounter = Some("e2".into())),
            r::ENCOUNTER,
            "encounter",
            true,
        ),
        (
            "patient in fhirContext",
            &new,
            Box::new(|t| {
                t.fhir_context
                    .push(ocean_smart::token::FhirContextItem::reference(
                        "Patient/pt-42",
                    ))
            }),
            r::FHIR_CONTEXT,
            "fhirContext",
            true,
        ),
        (
            "no referral",
            &existing,
            Box::new(|t| t.fhir_context.clear()),
            r::FHIR_CONTEXT,
            "fhirContext",
            false,
        ),
        (
            "no refresh token",
            &new,
            Box::new(|t| t.refresh_token = None),
            r::REFRESH,
            "refresh_token",
            false,
        ),
        (
            "no ocean key",
            &new,
            Box::new(|t| t.ocean_shared_encryption_key = None),
            r::OCEAN_KEY,
            "oceanSharedEncryptionKey",
            false,
        ),
        (
            "ocean key not base64",
            &new,
            Box::new(|t| t.ocean_shared_encryption_key = Some(Secret::new("not base64!"))),
            r::OCEAN_KEY,
            "oceanSharedEncryptionKey",
            true,
        ),
        (
            "read only observations",
            &new,
            Box::new(|t| {
                t.scope = "launch openid fhirUser online_access patient/Observation.read".into()
            }),
            r::COVERAGE,
            "scope",
            false,
        ),
    ];
    for (name, ctx, change, rule, field, error) in cases {
        let mut t = good(ctx);
        change(&mut t);
        let f = t.check(ctx);
        let hit = f.iter().find(|x| x.rule == rule && x.field == field);
        let Some(hit) = hit else {
            panic!("{name}: expected {rule} on {field}, got:\n{f}");
        };
        assert_eq!(
            hit.severity == ocean_smart::Severity::Error,
            error,
            "{name}: {hit}"
        );
        let text = f.to_string();
        assert!(
            !text.contains("pt-42") && !text.contains("pt-43"),
            "{name}: {text}"
        );
    }
}
