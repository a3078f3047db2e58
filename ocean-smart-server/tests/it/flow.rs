//! Ocean's whole launch: discovery → authorize with launch → token → Patient and
//! `$everything` → keywords equal to the bundled sample's.

use ocean_smart::launch::{LaunchContext, PosReferralId};
use ocean_smart::token::{IdTokenClaims, IdTokenValidation, TokenResponse};
use ocean_smart_server::{MemoryStore, SqliteStore, Store};

use crate::support::*;

async fn whole_launch(store: impl Store) {
    let pos = start_with(|_| {}, store, sample_source()).await;
    let context = new_request(&pos.patient_id);
    let l = pos.launch(context.clone()).await;
    assert_eq!(l.iss, format!("{}/fhir", pos.base));
    let findings = ocean_smart::discovery::check_all(&l.smart, &l.oidc, Some(&l.iss));
    assert!(findings.errors().next().is_none(), "{findings}");

    let redirect = pos.authorize(&l, &[]).await;
    assert_eq!(param(&redirect, "state").as_deref(), Some("state-1"));
    let code = param(&redirect, "code").unwrap();
    let r = pos.token(&l, &code, &[]).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let text = r.text().await.unwrap();
    let token: TokenResponse = serde_json::from_str(&text).unwrap();
    let findings = token.check(&context);
    assert!(findings.errors().next().is_none(), "{findings}");
    assert_eq!(token.patient.as_deref(), Some("pt-1"));
    assert!(
        token.refresh_token.is_some(),
        "online_access gives a refresh token"
    );
    assert_eq!(
        token
            .ocean_shared_encryption_key
            .as_ref()
            .map(|k| k.expose()),
        Some(SHARED_KEY)
    );
    // The non-standard patient/$everything is dropped; what Ocean reads is covered.
    let granted = token.scopes();
    assert!(!granted.to_string().contains("$everything"));
    assert!(
        granted.ocean_coverage(true).is_complete(),
        "{}",
        granted.ocean_coverage(true)
    );

    // The id token verifies against /jwks.
    let jwt = token.id_token.clone().unwrap();
    let claims = verify_id_token(&pos, &l, &jwt).await;
    claims
        .validate(&IdTokenValidation::new(
            &l.iss,
            CLIENT_ID,
            time::OffsetDateTime::now_utc(),
        ))
        .unwrap();
    assert_eq!(
        claims.fhir_user.as_deref(),
        Some(format!("{}/Practitioner/dr-1", l.iss).as_str())
    );

    let access = token.access_token.expose();
    let r = pos.get("Patient/pt-1", Some(access)).await;
    assert_eq!(r.status(), 200);
    let patient: serde_json::Value = r.json().await.unwrap();
    assert_eq!(patient["id"], "pt-1");

    let r = pos.get("Patient/pt-1/$everything", Some(access)).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/fhir+json");
    let body = r.bytes().await.unwrap();
    let served = ocean_keywords::extract(&body).unwrap();
    let direct = ocean_keywords::extract(ocean_keywords::SAMPLE_BUNDLE.as_bytes()).unwrap();
    assert_eq!(served.values(), direct.values());
    let bundle: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(bundle["type"], "searchset");
    assert_eq!(bundle["entry"][0]["resource"]["resourceType"], "Patient");
    // Types Ocean does not process (Encounter, MedicationRequest) are left out.
    let types: Vec<&str> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"]["resourceType"].as_str().unwrap())
        .collect();
    assert!(!types.contains(&"Encounter") && !types.contains(&"MedicationRequest"));
    let model: ocean_model::Bundle = serde_json::from_slice(&body).unwrap();
    let findings = ocean_smart::everything::check_bundle(&model, "pt-1");
    assert!(findings.errors().next().is_none(), "{findings}");

    // Refresh: a new access token; the old refresh token is spent.
    let refresh = token.refresh_token.unwrap();
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh.expose()),
        ("client_id", CLIENT_ID),
        ("client_secret", SECRET),
    ];
    let endpoint = l.smart.token_endpoint.clone().unwrap();
    let r = pos.http.post(&endpoint).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let again: TokenResponse = r.json().await.unwrap();
    assert_eq!(again.patient.as_deref(), Some("pt-1"));
    assert_ne!(again.access_token.expose(), access);
    let r = pos
        .get("Patient/pt-1", Some(again.access_token.expose()))
        .await;
    assert_eq!(r.status(), 200);
    let r = pos.http.post(&endpoint).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(oauth_error(r).await, "invalid_grant");
}

pub(crate) async fn verify_id_token(pos: &Pos, l: &Launched, jwt: &str) -> IdTokenClaims {
    let jwks: jsonwebtoken::jwk::JwkSet = pos
        .http
        .get(l.oidc.jwks_uri.as_deref().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = jsonwebtoken::decode_header(jwt).unwrap();
    let algs = l
        .oidc
        .id_token_signing_alg_values_supported
        .clone()
        .unwrap();
    assert!(algs.iter().any(|a| format!("{:?}", header.alg) == *a));
    let jwk = jwks.find(header.kid.as_deref().unwrap()).unwrap();
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut v = jsonwebtoken::Validation::new(header.alg);
    v.set_audience(&[CLIENT_ID]);
    v.set_issuer(&[l.iss.as_str()]);
    jsonwebtoken::decode::<IdTokenClaims>(jwt, &key, &v)
        .unwrap()
        .claims
}

#[tokio::test]
async fn whole_launch_memory_store() {
    whole_launch(MemoryStore::new()).await;
}

#[tokio::test]
async fn whole_launch_sqlite_store() {
    let store = SqliteStore::open("sqlite::memory:").await.unwrap();
    whole_launch(store).await;
}

#[tokio::test]
async fn existing_request_carries_the_referral_and_basic_auth_works() {
    let pos = start(|_| {}).await;
    let context =
        LaunchContext::existing_request(user(), "pt-1", PosReferralId::new("sr-9").unwrap())
            .unwrap();
    let created = pos.server.create_launch(context.clone()).await.unwrap();
    assert_eq!(
        param(&params_of(&created.url), "resource").as_deref(),
        Some("sr-9")
    );
    let l = pos.launch(context.clone()).await;
    let code = param(&pos.authorize(&l, &[]).await, "code").unwrap();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    let r = pos
        .http
        .post(l.smart.token_endpoint.as_deref().unwrap())
        .basic_auth(CLIENT_ID, Some(SECRET))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let token: TokenResponse = r.json().await.unwrap();
    assert!(token.check(&context).errors().next().is_none());
    assert_eq!(
        token.fhir_context[0].reference_str(),
        Some("ServiceRequest/sr-9")
    );
}

#[tokio::test]
async fn dashboard_launch_has_no_patient_and_reads_none() {
    let pos = start(|_| {}).await;
    let context = LaunchContext::dashboard(user());
    let json = pos.access(context.clone(), None).await;
    assert!(json.get("patient").is_none());
    assert!(!json["scope"].as_str().unwrap().contains("patient/"));
    let token: TokenResponse = serde_json::from_value(json).unwrap();
    assert!(token.check(&context).errors().next().is_none());
    let r = pos
        .get("Patient/pt-1", Some(token.access_token.expose()))
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(bearer_error(&r), "insufficient_scope");
}

#[tokio::test]
async fn pkce_s256_is_checked() {
    let pos = start(|_| {}).await;
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let pkce = [
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    let l = pos.launch(new_request("pt-1")).await;
    let code = param(&pos.authorize(&l, &pkce).await, "code").unwrap();
    let wrong = "x".repeat(43);
    let r = pos
        .token(&l, &code, &[("code_verifier", wrong.as_str())])
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(oauth_error(r).await, "invalid_grant");

    let l = pos.launch(new_request("pt-1")).await;
    let code = param(&pos.authorize(&l, &pkce).await, "code").unwrap();
    let r = pos.token(&l, &code, &[("code_verifier", verifier)]).await;
    assert_eq!(r.status(), 200);

    let l = pos.launch(new_request("pt-1")).await;
    let plain = [
        ("code_challenge", challenge),
        ("code_challenge_method", "plain"),
    ];
    let redirect = pos.authorize(&l, &plain).await;
    assert_eq!(
        param(&redirect, "error").as_deref(),
        Some("invalid_request")
    );
}

#[tokio::test]
async fn nonce_is_echoed_in_the_id_token() {
    let pos = start(|_| {}).await;
    let l = pos.launch(new_request("pt-1")).await;
    let code = param(&pos.authorize(&l, &[("nonce", "n-1")]).await, "code").unwrap();
    let token: TokenResponse = pos.token(&l, &code, &[]).await.json().await.unwrap();
    let claims = verify_id_token(&pos, &l, token.id_token.as_deref().unwrap()).await;
    assert_eq!(claims.nonce.as_deref(), Some("n-1"));
}

#[tokio::test]
async fn authorize_accepts_a_form_post() {
    let pos = start(|_| {}).await;
    let l = pos.launch(new_request("pt-1")).await;
    let form = [
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("launch", l.launch.as_str()),
        ("scope", ocean_smart::scope::OCEAN_REQUESTED_SCOPES),
        ("state", "s-post"),
        ("aud", l.iss.as_str()),
    ];
    let r = pos
        .http
        .post(l.smart.authorization_endpoint.as_deref().unwrap())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let p = params_of(r.headers()["location"].to_str().unwrap());
    assert_eq!(param(&p, "state").as_deref(), Some("s-post"));
    let code = param(&p, "code").unwrap();
    assert_eq!(pos.token(&l, &code, &[]).await.status(), 200);
}

#[tokio::test]
async fn the_launching_user_reads_their_practitioner_only() {
    use ocean_smart::everything::EverythingParams;
    use ocean_smart_server::{BoxFuture, PatientSource, ResourceStream, SourceError};

    struct WithPractitioner(ocean_smart_server::BundleSource);
    impl PatientSource for WithPractitioner {
        fn patient<'a>(
            &'a self,
            id: &'a str,
        ) -> BoxFuture<'a, Result<Option<bytes::Bytes>, SourceError>> {
            self.0.patient(id)
        }
        fn everything<'a>(
            &'a self,
            id: &'a str,
            params: &'a EverythingParams,
        ) -> BoxFuture<'a, Result<Option<ResourceStream>, SourceError>> {
            self.0.everything(id, params)
        }
        fn practitioner<'a>(
            &'a self,
            id: &'a str,
        ) -> BoxFuture<'a, Result<Option<bytes::Bytes>, SourceError>> {
            let body = format!(r#"{{"resourceType":"Practitioner","id":"{id}"}}"#);
            Box::pin(async move { Ok(Some(bytes::Bytes::from(body))) })
        }
    }
    let pos = start_with(
        |_| {},
        MemoryStore::new(),
        WithPractitioner(sample_source()),
    )
    .await;
    let json = pos.access(LaunchContext::dashboard(user()), None).await;
    let t = json["access_token"].as_str().unwrap();
    let r = pos.get("Practitioner/dr-1", Some(t)).await;
    assert_eq!(r.status(), 200);
    let r = pos.get("Practitioner/dr-2", Some(t)).await;
    assert_eq!(r.status(), 403);
    assert_eq!(bearer_error(&r), "insufficient_scope");
}
