//! SMART on FHIR contextual launch into Ocean, the POS side.
//!
//! "Contextual Launch into Ocean" is the first Required use case for sending and receiving POSs
//! in BC's Digital Referrals & Orders program: launch Ocean for a **new eRequest**, for an
//! **existing eRequest**, and with **no patient** to show the site's dashboards, with patient,
//! request and practitioner context and user authentication. The POS is the SMART EHR (FHIR
//! server plus OAuth2 / OpenID Connect authorization server); Ocean is the SMART app (a
//! confidential client). This crate is the pure logic of the POS side: values, builders and
//! checkers, no HTTP server or client.
//!
//! **Signing is out of scope.** The POS signs id tokens with its own JOSE library (ES256 or
//! RS256, public keys at its `jwks_uri`); this crate builds the claim set
//! ([`token::IdTokenClaims::issue`]) and validates times, issuer and audience of a decoded
//! one. It has no JWT or crypto dependency, and no SHA-256 for PKCE either (see
//! [`authorize`]).
//!
//! | module | what a vendor finds there |
//! |---|---|
//! | [`launch`] | the launch context for the three scenarios, the launch id and session, the per-site launch URL configuration and its check |
//! | [`discovery`] | `.well-known/smart-configuration` and `.well-known/openid-configuration` as typed values, built from the POS's endpoints, and checkers naming each missing or wrong member |
//! | [`authorize`] | Ocean's authorization and token requests parsed and checked, with the OAuth error to answer |
//! | [`scope`] | SMART v1/v2 scopes: parse, print, negotiate a grant, and "can Ocean read what it needs?" |
//! | [`token`] | the token response (with Ocean's `oceanSharedEncryptionKey`) and id-token claims, with time and audience validation |
//! | [`everything`] | the resource types Ocean reads, `$everything` parameters, paging links and a check of the Bundle |
//! | [`query`] | RFC 3986 percent-encoding and query strings |
//! | [`findings`] | the findings checkers return |
//!
//! # The launch sequence, step by step
//!
//! ## 0. Register Ocean and publish discovery
//! Register Ocean as a confidential client in the POS authorization server (client id, secret,
//! Ocean's redirect URI), and send Ocean support the [`discovery::OceanRegistration`]. Serve the
//! two discovery documents, **publicly**, under the FHIR base: Ocean discovers the OpenID
//! issuer at `{iss}/.well-known/openid-configuration`.
//! ```
//! use ocean_smart::discovery::{check_all, PosServer};
//! use ocean_smart::token::Secret;
//! let pos = PosServer::new(
//!     "https://pos.example/fhir",           // FHIR base = `iss` of the launch
//!     "https://pos.example/auth",           // OpenID issuer = `iss` of id tokens
//!     "https://pos.example/auth/authorize",
//!     "https://pos.example/auth/token",
//!     "https://pos.example/auth/jwks",
//! );
//! let smart = pos.smart_configuration();   // serve at pos.smart_configuration_url()
//! let oidc = pos.openid_configuration();   // serve at pos.openid_configuration_url()
//! assert!(check_all(&smart, &oidc, Some("https://pos.example/auth")).is_empty());
//! let registration = pos.ocean_registration("ocean-site-1234", Secret::new("generated-secret"));
//! assert_eq!(registration.server_url, "https://pos.example/fhir");
//! ```
//!
//! ## 1. The user clicks "Launch Ocean"
//! Build the context for the scenario, store a [`launch::LaunchSession`] under a fresh
//! [`launch::LaunchId`], and open the URL from the site's [`launch::LaunchConfig`] in a
//! browser. The button says just "Launch Ocean" (seed, UI considerations).
//! ```
//! use ocean_smart::launch::*;
//! use time::OffsetDateTime;
//! let config = LaunchConfig::new("https://ocean.example/sso/smart/auth", "https://pos.example/fhir", "1234")
//!     .with_actions(Some("viewMap"), None, Some("portal"));
//! assert!(config.check().is_ok());
//! let user = FhirUser::practitioner("dr-7").unwrap();
//! let context = LaunchContext::new_request(user, "pt-42").unwrap().with_encounter("enc-1").unwrap();
//! let session = LaunchSession::new(LaunchId::random(), context, OffsetDateTime::now_utc());
//! let url = config.launch_url(&session).unwrap();
//! assert!(url.starts_with("https://ocean.example/sso/smart/auth?iss=https%3A%2F%2Fpos.example%2Ffhir&launch="));
//! // store `session` keyed by session.id().as_str(), single use
//! ```
//!
//! ## 2. Ocean reads the discovery documents
//! Nothing to call: the documents from step 0 answer. Ocean accepts only allow-listed `iss`
//! values, so the FHIR base must be exactly what Ocean support registered.
//!
//! ## 3. Ocean's authorization request
//! The browser arrives at `authorization_endpoint` with `response_type=code`, `client_id`,
//! `redirect_uri`, `launch`, `scope`, `state`, `aud`. Check it, authenticate the user (they
//! are already signed in to the POS), negotiate the scopes, issue a short-lived single-use code
//! and redirect back.
//! ```
//! # use ocean_smart::launch::*;
//! # use time::macros::datetime;
//! use ocean_smart::authorize::{AuthorizeRequest, RegisteredClient};
//! use ocean_smart::discovery::PosServer;
//! use ocean_smart::token::Secret;
//! # let now = datetime!(2025-01-01 12:00 UTC);
//! # let pos = PosServer::new("https://pos.example/fhir", "https://pos.example/auth",
//! #     "https://pos.example/auth/authorize", "https://pos.example/auth/token", "https://pos.example/auth/jwks");
//! # let context = LaunchContext::new_request(FhirUser::practitioner("dr-7").unwrap(), "pt-42").unwrap();
//! # let session = LaunchSession::new(LaunchId::new("L-1").unwrap(), context, now);
//! let ocean = RegisteredClient::new("ocean-site-1234", Secret::new("generated-secret"),
//!     ["https://ocean.example/sso/smart/redirect"]);
//! let query = "response_type=code&client_id=ocean-site-1234\
//!     &redirect_uri=https%3A%2F%2Focean.example%2Fsso%2Fsmart%2Fredirect\
//!     &launch=L-1&state=s1&aud=https%3A%2F%2Fpos.example%2Ffhir\
//!     &scope=launch+launch%2Fpatient+online_access+openid+profile+fhirUser+patient%2FPatient.read\
//!     +patient%2FObservation.read+patient%2F%24everything+user%2F*.*+user%2FPractitioner.read";
//! let request = AuthorizeRequest::from_query(query).unwrap();
//! // `session` is what the POS stored under request.launch
//! let requested = match request.validate(&ocean, &pos.fhir_base_url, Some(&session), now) {
//!     Ok(scopes) => scopes,
//!     Err(e) => panic!("answer {:?}", request.error_redirect(&e)),
//! };
//! let grant = requested.negotiate(&pos.scopes_supported(), session.context().scenario().has_patient());
//! assert_eq!(grant.refused, ["patient/$everything"]); // non-standard: dropped, not an error
//! assert!(grant.granted.ocean_coverage(true).is_complete());
//! let redirect = request.code_redirect("code-123").unwrap(); // store the code with grant + session
//! # assert!(redirect.ends_with("?code=code-123&state=s1"));
//! ```
//!
//! ## 4. Ocean's token request
//! Ocean posts the code with its client secret. Check it, build the id-token claims and sign
//! them with your JOSE library, and answer with the token response, which carries the launch
//! context (`patient`, `encounter`, `fhirContext` with the POS referral for an existing
//! request) and, strongly recommended, Ocean's site shared encryption key.
//! ```
//! # use ocean_smart::launch::*;
//! # use ocean_smart::scope::ScopeSet;
//! # use time::macros::datetime;
//! use ocean_smart::authorize::{IssuedCode, RegisteredClient, TokenRequest};
//! use ocean_smart::token::{IdTokenClaims, Secret, TokenResponse};
//! use time::Duration;
//! # let now = datetime!(2025-01-01 12:00 UTC);
//! # let ocean = RegisteredClient::new("ocean-site-1234", Secret::new("generated-secret"), ["https://ocean.example/r"]);
//! # let context = LaunchContext::existing_request(FhirUser::practitioner("dr-7").unwrap(), "pt-42",
//! #     PosReferralId::new("sr-9").unwrap()).unwrap();
//! # let granted = ScopeSet::parse("launch launch/patient online_access openid profile fhirUser patient/Patient.read patient/Observation.read user/*.read user/Practitioner.read");
//! let body = "grant_type=authorization_code&code=code-123&redirect_uri=https%3A%2F%2Focean.example%2Fr\
//!     &client_id=ocean-site-1234&client_secret=generated-secret";
//! let request = TokenRequest::from_form(body, None).unwrap();
//! request.authenticate(&ocean).unwrap();                       // else 401 invalid_client
//! let issued = IssuedCode { client_id: "ocean-site-1234".into(), redirect_uri: "https://ocean.example/r".into(),
//!     code_challenge: None, expires_at: now + Duration::seconds(60) };
//! request.check_code_exchange(&issued, now).unwrap();          // else 400 with e.to_json()
//! let claims = IdTokenClaims::issue("https://pos.example/auth", "user-7f3a", "ocean-site-1234",
//!     context.user(), "https://pos.example/fhir", now, Duration::hours(1));
//! let jwt = "header.payload.signature"; // sign `serde_json::to_vec(&claims)` with ES256/RS256
//! let response = TokenResponse::for_launch(&context, Secret::new("access-token"), &granted, Duration::hours(1))
//!     .with_id_token(jwt)
//!     .with_refresh_token(Secret::new("refresh-token"))
//!     .with_ocean_shared_encryption_key(Secret::new("c2FtcGxlU2hhcmVkS2V5"));
//! assert!(response.check(&context).is_empty(), "{}", response.check(&context));
//! ```
//!
//! ## 5. Ocean reads the patient and `$everything`
//! With the access token Ocean calls `GET Patient/{id}` and `GET Patient/{id}/$everything`.
//! Authorize each call with the granted scopes, honour `_type`/`_since`/`_count`, check the
//! Bundle, prune it for Ocean (`ocean_keywords::prune`, see [`everything`]) and return it.
//! ```
//! use ocean_smart::everything::{check_bundle, EverythingParams};
//! use ocean_smart::scope::{Grant, Interaction, ScopeSet};
//! use ocean_model::{Bundle, BundleEntry, BundleType, Patient, Resource};
//! let granted = ScopeSet::parse("patient/Patient.read patient/Observation.read user/*.read");
//! assert_eq!(granted.grant("Condition", Interaction::Search, true), Grant::Full);
//! let params = EverythingParams::parse("_type=Condition,Observation").unwrap();
//! let mut bundle = Bundle::new(BundleType::Searchset);
//! let mut patient = Patient::default();
//! patient.id = Some("pt-42".into());
//! if params.includes_type("Patient") {
//!     bundle.entry.push(BundleEntry::new("https://pos.example/fhir/Patient/pt-42", patient));
//! }
//! let findings = check_bundle(&bundle, "pt-42");
//! assert!(findings.is_ok()); // a warning says nothing Ocean prefills from is present yet
//! ```
//!
//! # Rules a vendor relies on
//! | topic | rule | where |
//! |---|---|---|
//! | scenarios | new and existing requests carry a patient; a dashboard launch carries none, and cannot carry an encounter | [`launch`] |
//! | launch URL | `iss`, `launch`, then the site's action, referral and site parameters, all percent-encoded (RFC 3986 unreserved kept) | [`launch::LaunchConfig::launch_url`], [`query`] |
//! | launch id | random, single-use, 5 minutes by default | [`launch::LaunchSession`] |
//! | existing request | the POS referral id goes in the token response as `fhirContext` `{"reference": "ServiceRequest/{id}"}` | [`launch::LaunchContext::fhir_context`] |
//! | discovery | both documents under the FHIR base; `issuer` equals id-token `iss`; endpoints absolute https; capabilities `launch-ehr`, `client-confidential-symmetric`, `sso-openid-connect`, `context-ehr-patient`, `permission-patient`, `permission-user`; PKCE `S256` only; ES256 or RS256 | [`discovery`] |
//! | scopes | v1 `read` = v2 `rs`; unknown scopes are refused, not errors; `patient/` scopes count, and are granted, only with a patient in context | [`scope`] |
//! | authorize | `aud` must be the FHIR base; `state` required; PKCE optional but `S256` only | [`authorize`] |
//! | token | `Bearer`, positive `expires_in`, `scope`, `id_token` with `openid`, `patient` exactly the launched one | [`token::TokenResponse::check`] |
//! | id token | expired at `exp + leeway` (exact second), `iat` not in the future, `aud` contains the client id, `azp` with several audiences, `sub` stable and ≤ 255 ASCII | [`token`] |
//! | `$everything` | Patient always included; one complete `searchset` (Ocean's paging unconfirmed) | [`everything`] |
//!
//! # Known and unknown
//! Facts come from the seed (DRO integration overview), Ocean's public SMART articles and
//! OceanMD's public integration test project (`dougkavanagh/ocean-ts-integration`, whose
//! client "behaves similarly to Ocean's SMART client"). Not public, so configurable or flagged
//! as warnings: the production launch URL, the `action` value for each scenario, how Ocean
//! reads the POS referral id, whether Ocean sends PKCE, Ocean's token lifetime expectations and
//! whether Ocean pages `$everything`. Confirm them with Ocean for each site.
#![forbid(unsafe_code)]

pub mod authorize;
pub mod discovery;
pub mod everything;
pub mod findings;
mod interaction;
pub mod launch;
pub mod query;
mod reads;
pub mod scope;
mod secret;
pub mod token;
mod url;

/// The `time` crate this API uses (`OffsetDateTime`, `Duration`), re-exported so callers use
/// the same version.
pub use time;

pub use findings::{Finding, Findings, Severity};
pub use launch::{LaunchConfig, LaunchContext, LaunchId, LaunchSession, Scenario};
pub use scope::{Scope, ScopeSet};
pub use token::{IdTokenClaims, Secret, TokenResponse};
