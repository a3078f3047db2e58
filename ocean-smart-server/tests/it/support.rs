//! A server on a loopback port, and a client that behaves like Ocean's SMART client
//! (OceanMD's `ocean-ts-integration` smart-client: v1 scopes, client_secret_post).

use std::time::Duration;

use ocean_smart::authorize::RegisteredClient;
use ocean_smart::discovery::{OpenIdConfiguration, SmartConfiguration};
use ocean_smart::launch::{FhirUser, LaunchContext};
use ocean_smart::query::{QueryBuilder, parse_query};
use ocean_smart::token::Secret;
use ocean_smart_server::*;

pub(crate) const CLIENT_ID: &str = "ocean-test";
pub(crate) const SECRET: &str = "test-secret-0123456789";
pub(crate) const REDIRECT: &str = "https://ocean.example/sso/smart/redirect";
pub(crate) const OCEAN_LAUNCH: &str = "https://ocean.example/sso/smart/auth";
pub(crate) const SHARED_KEY: &str = "c2FtcGxlU2hhcmVkS2V5";

pub(crate) struct Pos {
    pub(crate) server: SmartServer,
    pub(crate) base: String,
    pub(crate) http: reqwest::Client,
    pub(crate) patient_id: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Pos {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub(crate) fn sample_source() -> BundleSource {
    BundleSource::from_json(ocean_keywords::SAMPLE_BUNDLE).unwrap()
}

/// Starts a server on 127.0.0.1 with the sample patient and an in-memory store.
pub(crate) async fn start(configure: impl FnOnce(&mut ServerConfig)) -> Pos {
    start_with(configure, MemoryStore::new(), sample_source()).await
}

pub(crate) async fn start_with(
    configure: impl FnOnce(&mut ServerConfig),
    store: impl Store,
    source: impl PatientSource,
) -> Pos {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let client = RegisteredClient::new(CLIENT_ID, Secret::new(SECRET), [REDIRECT]);
    let mut config = ServerConfig::new(&base, client, OCEAN_LAUNCH, "1234");
    config.launch = config
        .launch
        .clone()
        .with_actions(Some("viewMap"), Some("viewMap"), Some("portal"))
        .with_referral_param("resource");
    config.ocean_shared_encryption_key = Some(Secret::new(SHARED_KEY));
    configure(&mut config);
    let keys = SigningKeys::new(SigningKey::generate_es256("test-key").unwrap());
    let patient_id = "pt-1".to_owned();
    let server = SmartServer::new(
        config,
        keys,
        store,
        AutoSignIn::new(format!("{base}/fhir")),
        source,
    );
    let app = server.router();
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    Pos {
        server,
        base,
        http,
        patient_id,
        task,
    }
}

pub(crate) fn user() -> FhirUser {
    FhirUser::practitioner("dr-1").unwrap()
}

pub(crate) fn new_request(patient: &str) -> LaunchContext {
    LaunchContext::new_request(user(), patient).unwrap()
}

/// The query parameters of a URL.
pub(crate) fn params_of(url: &str) -> Vec<(String, String)> {
    let q = url.split_once('?').map_or("", |(_, q)| q);
    parse_query(q).unwrap()
}

pub(crate) fn param(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

/// What Ocean holds after reading the launch URL and discovery.
pub(crate) struct Launched {
    pub(crate) iss: String,
    pub(crate) launch: String,
    pub(crate) smart: SmartConfiguration,
    pub(crate) oidc: OpenIdConfiguration,
}

impl Pos {
    pub(crate) async fn launch(&self, context: LaunchContext) -> Launched {
        let l = self.server.create_launch(context).await.unwrap();
        let p = params_of(&l.url);
        let iss = param(&p, "iss").unwrap();
        let launch = param(&p, "launch").unwrap();
        let smart = self
            .http
            .get(format!("{iss}/.well-known/smart-configuration"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let oidc = self
            .http
            .get(format!("{iss}/.well-known/openid-configuration"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        Launched {
            iss,
            launch,
            smart: SmartConfiguration::from_json(&smart).unwrap(),
            oidc: OpenIdConfiguration::from_json(&oidc).unwrap(),
        }
    }

    /// The authorization request Ocean's client sends, with `overrides` replacing or adding
    /// parameters (an empty value removes one). Returns the redirect's parameters.
    pub(crate) async fn authorize(
        &self,
        l: &Launched,
        overrides: &[(&str, &str)],
    ) -> Vec<(String, String)> {
        let r = self.authorize_raw(l, overrides).await;
        assert_eq!(r.status(), 302, "authorize answered {}", r.status());
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(REDIRECT), "{location}");
        params_of(&location)
    }

    pub(crate) async fn authorize_raw(
        &self,
        l: &Launched,
        overrides: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut params: Vec<(&str, String)> = vec![
            ("response_type", "code".into()),
            ("client_id", CLIENT_ID.into()),
            ("redirect_uri", REDIRECT.into()),
            ("launch", l.launch.clone()),
            ("scope", ocean_smart::scope::OCEAN_REQUESTED_SCOPES.into()),
            ("state", "state-1".into()),
            ("aud", l.iss.clone()),
        ];
        for (k, v) in overrides {
            params.retain(|(n, _)| n != k);
            if !v.is_empty() {
                params.push((k, (*v).to_owned()));
            }
        }
        let mut b = QueryBuilder::new(l.smart.authorization_endpoint.as_deref().unwrap());
        for (k, v) in &params {
            b = b.param(k, v);
        }
        self.http.get(b.finish()).send().await.unwrap()
    }

    /// Ocean's token request (client_secret_post) with extra form fields.
    pub(crate) async fn token(
        &self,
        l: &Launched,
        code: &str,
        extra: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
            ("client_id", CLIENT_ID),
            ("client_secret", SECRET),
        ];
        for (k, v) in extra {
            form.retain(|(n, _)| n != k);
            if !v.is_empty() {
                form.push((k, v));
            }
        }
        self.http
            .post(l.smart.token_endpoint.as_deref().unwrap())
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Launch, authorize and exchange: the token response as JSON.
    pub(crate) async fn access(
        &self,
        context: LaunchContext,
        scope: Option<&str>,
    ) -> serde_json::Value {
        let l = self.launch(context).await;
        let over: Vec<(&str, &str)> = scope.map(|s| ("scope", s)).into_iter().collect();
        let redirect = self.authorize(&l, &over).await;
        let code = param(&redirect, "code").unwrap();
        let r = self.token(&l, &code, &[]).await;
        assert_eq!(r.status(), 200);
        r.json().await.unwrap()
    }

    pub(crate) async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(format!("{}/fhir/{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }
}

/// `(error, description)` of a JSON error answer.
pub(crate) async fn oauth_error(r: reqwest::Response) -> String {
    let v: serde_json::Value = r.json().await.unwrap();
    v["error"].as_str().unwrap().to_owned()
}

/// The `error="…"` of a `WWW-Authenticate: Bearer` challenge.
pub(crate) fn bearer_error(r: &reqwest::Response) -> String {
    let h = r.headers()["www-authenticate"].to_str().unwrap();
    let rest = h.split("error=\"").nth(1).unwrap();
    rest.split('"').next().unwrap().to_owned()
}
