//! The POS side of Ocean's SMART contextual launch, running: the authorization server, the
//! launch store and the `Patient/$everything` endpoint, as an axum [`Router`](axum::Router)
//! a vendor mounts in its app. The rules themselves (what a request must hold, what a
//! response must say) live in the sans-IO `ocean-smart` crate; this crate does the HTTP, the
//! storage, the randomness and the signing.
//!
//! # What a vendor does
//! 1. **Configure** a [`ServerConfig`]: the public base URL, Ocean as a registered client
//!    (id, secret, redirect URI), the Ocean site's launch URL, site number and action per
//!    scenario, optionally the site's shared encryption key. Send Ocean support
//!    `config.pos.ocean_registration(…)` (`ocean_smart::discovery::OceanRegistration`).
//! 2. **Load the signing key** ([`SigningKey::rs256_from_pem`] or
//!    [`SigningKey::es256_from_pem`]) into [`SigningKeys`].
//! 3. **Pick a store**: [`SqliteStore`] (survives restarts), [`MemoryStore`], or an
//!    implementation of [`Store`] over the POS database. Launch ids, codes and tokens are
//!    stored hashed ([`store`] says why).
//! 4. **Implement two traits**: [`UserAuthenticator`] (who is the signed-in POS user, with
//!    a stable `sub`) and [`PatientSource`] (the Patient, and the patient's resources as a
//!    stream).
//! 5. **Mount** [`SmartServer::router`] and serve it over https. Look at
//!    [`SmartServer::check`] once at start-up (errors mean Ocean's launch will fail), and call
//!    [`SmartServer::purge_expired`] every few minutes.
//! 6. **Launch**: when the user clicks "Launch Ocean", call [`SmartServer::create_launch`]
//!    with the [`ocean_smart::LaunchContext`] of the scenario and open the returned URL.
//!
//! Ocean then reads the discovery documents, sends the browser to `/auth/authorize`
//! ([`authorize`]), exchanges the code at `/auth/token` ([`token`]), verifies the id token with
//! `/auth/jwks` ([`keys`]), and reads `Patient/{id}` ([`resource`]) and
//! `Patient/{id}/$everything` ([`everything`]).
//!
//! ```
//! use bytes::Bytes;
//! use ocean_smart::authorize::RegisteredClient;
//! use ocean_smart::everything::EverythingParams;
//! use ocean_smart::launch::{FhirUser, LaunchContext};
//! use ocean_smart::token::Secret;
//! use ocean_smart_server::*;
//!
//! // Who is signed in: a real POS reads its session cookie from `request.headers`.
//! struct PosSessions;
//! impl UserAuthenticator for PosSessions {
//!     fn authenticate<'a>(&'a self, _request: &'a axum::http::request::Parts,
//!         launch: &'a LaunchContext) -> BoxFuture<'a, AuthOutcome> {
//!         // `sub`: the POS's immutable user key, never a name or an email.
//!         let user = AuthenticatedUser { subject: "user-7f3a".into(), fhir_user: launch.user().clone() };
//!         Box::pin(async move { AuthOutcome::SignedIn(user) })
//!     }
//! }
//!
//! // The chart: a real POS streams rows from its database (Patient first).
//! struct PosChart;
//! const PATIENT: &[u8] = br#"{"resourceType":"Patient","id":"pt-42"}"#;
//! impl PatientSource for PosChart {
//!     fn patient<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<Option<Bytes>, SourceError>> {
//!         let found = (id == "pt-42").then(|| Bytes::from_static(PATIENT));
//!         Box::pin(async move { Ok(found) })
//!     }
//!     fn everything<'a>(&'a self, id: &'a str, params: &'a EverythingParams)
//!         -> BoxFuture<'a, Result<Option<ResourceStream>, SourceError>> {
//!         // `params.start()` / `params.end()` bound the care period: apply them in the query.
//!         let rows = (id == "pt-42").then(|| {
//!             let rows = [
//!                 Bytes::from_static(PATIENT),
//!                 Bytes::from_static(br#"{"resourceType":"Condition","id":"c1","code":{"text":"Asthma"}}"#),
//!             ];
//!             Box::pin(futures_util::stream::iter(rows.map(|r| Ok(SourceItem::from(r))))) as ResourceStream
//!         });
//!         Box::pin(async move { Ok(rows) })
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let ocean = RegisteredClient::new("ocean-site-1234", Secret::new("generated-secret"),
//!     ["https://ocean.example/sso/smart/redirect"]);
//! let mut config = ServerConfig::new("https://pos.example", ocean,
//!     "https://ocean.example/sso/smart/auth", "1234");
//! config.launch = config.launch.clone().with_actions(Some("viewMap"), Some("viewMap"), Some("portal"));
//! let keys = SigningKeys::new(SigningKey::generate_es256("2026-01")?); // load yours in production
//! let store = SqliteStore::open("sqlite::memory:").await?; // a file in production
//! let server = SmartServer::new(config, keys, store, PosSessions, PosChart);
//! assert!(server.check().is_ok(), "{}", server.check());
//!
//! // Mount next to the POS's own routes, then serve over https, e.g.
//! // `axum::serve(listener, app).await`.
//! let app = axum::Router::new()
//!     .route("/health", axum::routing::get(|| async { "ok" }))
//!     .merge(server.router());
//! # let _ = app;
//!
//! // The user clicks "Launch Ocean" on pt-42's chart.
//! let context = LaunchContext::new_request(FhirUser::practitioner("dr-7")?, "pt-42")?;
//! let launch = server.create_launch(context).await?;
//! assert!(launch.url.starts_with("https://ocean.example/sso/smart/auth?iss=https%3A%2F%2Fpos.example%2Ffhir&launch="));
//! // open launch.url in the user's browser
//! # Ok(())
//! # }
//! ```
//!
//! [`BundleSource`] (one patient's Bundle in memory) and [`AutoSignIn`] (signs in the launch's
//! user) are ready implementations for tests and demonstrations.
//!
//! # Rules a vendor relies on
//! | topic | rule | where |
//! |---|---|---|
//! | URLs | FHIR base `{base}/fhir` (= `iss` = id token issuer), auth endpoints under `{base}/auth` | [`config`] |
//! | lifetimes | launch 5 min, code 60 s, access 1 h, refresh 12 h, id token 1 h | [`Lifetimes`] |
//! | single use | launch ids, codes and refresh tokens work once ([`Store::take`] is atomic) | [`store`] |
//! | storage | only SHA-256 hashes of credentials are stored | [`store`] |
//! | user | the signed-in user must be the launch's user; `sub` stable per user | [`vendor`] |
//! | scopes | v1 and v2; unknown ones dropped; `patient/` ones only with a patient | [`authorize`] |
//! | errors | RFC 6749 codes and statuses; RFC 6750 bearer challenges | [`token`], [`resource`] |
//! | data | only the launch's patient; per-type scope filter; streamed, Patient first | [`resource`], [`everything`] |
//! | logs | ids, counts, bytes and times; never resource content, tokens or secrets | [`everything`] |
#![forbid(unsafe_code)]

pub mod authorize;
pub mod config;
pub mod everything;
mod head;
pub mod keys;
mod oauth;
mod records;
pub mod resource;
pub mod routes;
pub mod secrets;
pub mod server;
pub mod store;
pub mod token;
pub mod vendor;

pub use config::{Lifetimes, ServerConfig};
pub use keys::{KeyError, SigningKey, SigningKeys};
pub use server::{CreateLaunchError, Launch, SmartServer};
pub use store::{BoxFuture, MemoryStore, Record, RecordKind, SqliteStore, Store, StoreError};
pub use vendor::{
    AuthOutcome, AuthenticatedUser, AutoSignIn, BundleSource, BundleSourceError, PatientSource,
    ResourceStream, SourceError, SourceItem, UserAuthenticator, subject_for,
};
