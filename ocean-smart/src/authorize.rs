//! Steps 3 and 4 of the launch, on the POS authorization server: Ocean's authorization request
//! (browser redirect to `authorization_endpoint`) and its token request (POST to
//! `token_endpoint`), parsed and checked. The POS keeps its own code store, user session and
//! HTTP layer; this module decides whether a request is acceptable and which OAuth error to
//! answer with.
//!
//! # Authorization request rules ([`AuthorizeRequest::validate`], in this order)
//! | check | error (`error` code) | may redirect back |
//! |---|---|---|
//! | query decodes, no parameter repeated (RFC 6749 3.1) | `invalid_request` | no |
//! | `client_id` present and registered | `invalid_request` / `unauthorized_client` | no |
//! | `redirect_uri` present and exactly one registered | `invalid_request` | no |
//! | `response_type` is `code` | `unsupported_response_type` | yes |
//! | `state` present (SMART requires it) | `invalid_request` | yes |
//! | `aud` present and equal to the FHIR base (a trailing `/` ignored) | `invalid_request` | yes |
//! | `scope` present and not empty | `invalid_scope` | yes |
//! | `launch` present, its session known, not expired, and the scope has `launch` | `invalid_request` | yes |
//! | with `code_challenge`: method `S256` (`plain` and a missing method, which means plain, are refused), challenge 43 base64url characters | `invalid_request` | yes |
//!
//! Ocean's client is a confidential client; whether it sends PKCE is not known, so PKCE is
//! optional here and checked when sent.
//!
//! # Token request rules ([`TokenRequest::from_form`], [`TokenRequest::authenticate`], [`TokenRequest::check_code_exchange`])
//! - The body is `application/x-www-form-urlencoded`; a parameter may not repeat.
//! - The client authenticates with `client_secret_post` (secret in the body, what Ocean's test
//!   client does) or `client_secret_basic` (`Authorization: Basic`, id and secret
//!   form-encoded then Base64, RFC 6749 2.3.1), not both; the secret is compared in constant
//!   time. Failure is `invalid_client` (HTTP 401).
//! - `grant_type` is `authorization_code` (or `refresh_token` when the POS offers refresh);
//!   others are `unsupported_grant_type`.
//! - For a code: the code is not expired, was issued to this client, `redirect_uri` equals the
//!   one of the authorization request; when the code had a PKCE challenge, `code_verifier` is
//!   present and 43–128 unreserved characters (`invalid_grant` otherwise). Comparing
//!   `BASE64URL(SHA-256(code_verifier))` with the challenge needs SHA-256: do it with the POS's
//!   crypto library (this crate has no crypto dependency).
//!
//! ```
//! use ocean_smart::authorize::{AuthorizeRequest, RegisteredClient};
//! use ocean_smart::launch::{FhirUser, LaunchContext, LaunchId, LaunchSession};
//! use ocean_smart::token::Secret;
//! use time::macros::datetime;
//! let now = datetime!(2025-01-01 12:00 UTC);
//! let client = RegisteredClient::new("ocean", Secret::new("s3cret"), ["https://ocean.example/sso/smart/redirect"]);
//! let ctx = LaunchContext::dashboard(FhirUser::parse("Practitioner/p1").unwrap());
//! let session = LaunchSession::new(LaunchId::new("L1").unwrap(), ctx, now);
//! let req = AuthorizeRequest::from_query(
//!     "response_type=code&client_id=ocean&redirect_uri=https%3A%2F%2Focean.example%2Fsso%2Fsmart%2Fredirect\
//!      &scope=launch+openid+fhirUser+user%2F*.read&state=xyz&aud=https%3A%2F%2Fpos.example%2Ffhir&launch=L1",
//! ).unwrap();
//! let scopes = req.validate(&client, "https://pos.example/fhir", Some(&session), now).unwrap();
//! assert_eq!(scopes.to_string(), "launch openid fhirUser user/*.read");
//! assert_eq!(req.code_redirect("c0de").unwrap(), "https://ocean.example/sso/smart/redirect?code=c0de&state=xyz");
//! ```

mod basic;
mod client;
mod params;
mod request;
mod token_request;

pub use basic::parse_basic_auth;
pub use client::RegisteredClient;
pub use request::{AuthorizeError, AuthorizeRequest};
pub use token_request::{ClientAuth, IssuedCode, TokenError, TokenRequest};
