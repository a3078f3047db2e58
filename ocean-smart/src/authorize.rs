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

use std::fmt;

use time::OffsetDateTime;

use crate::launch::LaunchSession;
use crate::query::{self, QueryBuilder};
use crate::scope::{Scope, ScopeSet};
use crate::token::Secret;

/// Ocean as registered in the POS authorization server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredClient {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
    /// The redirect URIs Ocean registered (compared exactly).
    pub redirect_uris: Vec<String>,
}

impl RegisteredClient {
    /// A client.
    pub fn new<I, S>(client_id: impl Into<String>, client_secret: Secret, redirect_uris: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            client_id: client_id.into(),
            client_secret,
            redirect_uris: redirect_uris.into_iter().map(Into::into).collect(),
        }
    }
}

/// Why an authorization request is refused. Never holds parameter values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthorizeError {
    /// The query is not valid percent-encoding.
    #[error("malformed query string")]
    MalformedQuery,
    /// A parameter appears more than once.
    #[error("parameter `{0}` repeated")]
    RepeatedParameter(String),
    /// A required parameter is absent or empty.
    #[error("missing parameter `{0}`")]
    MissingParameter(&'static str),
    /// `client_id` is not the registered client.
    #[error("unknown client_id")]
    UnknownClient,
    /// `redirect_uri` is not registered for the client.
    #[error("redirect_uri is not registered for this client")]
    RedirectUriMismatch,
    /// `response_type` is not `code`.
    #[error("response_type must be `code`")]
    UnsupportedResponseType,
    /// `aud` is not this FHIR server's base URL.
    #[error("aud is not this FHIR server's base URL")]
    AudienceMismatch,
    /// `launch` does not match a known session.
    #[error("unknown launch")]
    UnknownLaunch,
    /// The launch session has expired.
    #[error("launch expired")]
    LaunchExpired,
    /// `launch` given without the `launch` scope.
    #[error("the `launch` scope is required with a `launch` parameter")]
    LaunchScopeMissing,
    /// PKCE `plain` (or no method, which means plain).
    #[error("PKCE method `plain` is not allowed; use S256")]
    PkcePlain,
    /// PKCE method other than `S256`.
    #[error("unsupported PKCE method; use S256")]
    PkceUnsupported,
    /// `code_challenge` is not 43 base64url characters.
    #[error("code_challenge must be 43 base64url characters (S256)")]
    InvalidCodeChallenge,
}

impl AuthorizeError {
    /// The OAuth `error` code to answer with.
    pub fn error_code(&self) -> &'static str {
        match self {
            Self::UnknownClient => "unauthorized_client",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::MissingParameter("scope") => "invalid_scope",
            _ => "invalid_request",
        }
    }

    /// Whether the error may be sent back to the client's `redirect_uri` (RFC 6749 4.1.2.1:
    /// not when the client or the redirect URI is in doubt: show an error page instead).
    pub fn may_redirect(&self) -> bool {
        !matches!(
            self,
            Self::MalformedQuery
                | Self::RepeatedParameter(_)
                | Self::MissingParameter("client_id" | "redirect_uri")
                | Self::UnknownClient
                | Self::RedirectUriMismatch
        )
    }
}

/// Ocean's authorization request (the query of the browser redirect). `Debug` hides `launch`,
/// `state`, `nonce`, `code_challenge` and the values of other parameters.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AuthorizeRequest {
    /// `response_type`.
    pub response_type: Option<String>,
    /// `client_id`.
    pub client_id: Option<String>,
    /// `redirect_uri`.
    pub redirect_uri: Option<String>,
    /// `scope` as sent.
    pub scope: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `aud`.
    pub aud: Option<String>,
    /// `launch`.
    pub launch: Option<String>,
    /// `code_challenge`.
    pub code_challenge: Option<String>,
    /// `code_challenge_method`.
    pub code_challenge_method: Option<String>,
    /// `nonce`.
    pub nonce: Option<String>,
    /// Other parameters, in order.
    pub other: Vec<(String, String)>,
}

impl fmt::Debug for AuthorizeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hide = |o: &Option<String>| o.as_ref().map(|_| "…");
        f.debug_struct("AuthorizeRequest")
            .field("response_type", &self.response_type)
            .field("client_id", &self.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .field("scope", &self.scope)
            .field("state", &hide(&self.state))
            .field("aud", &self.aud)
            .field("launch", &hide(&self.launch))
            .field("code_challenge", &hide(&self.code_challenge))
            .field("code_challenge_method", &self.code_challenge_method)
            .field("nonce", &hide(&self.nonce))
            .field(
                "other",
                &self
                    .other
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

fn set_once<E>(
    slot: &mut Option<String>,
    name: &str,
    value: String,
    repeated: impl FnOnce(String) -> E,
) -> Result<(), E> {
    if slot.is_some() {
        return Err(repeated(name.to_owned()));
    }
    *slot = Some(value);
    Ok(())
}

fn present(o: &Option<String>) -> Option<&str> {
    o.as_deref().filter(|s| !s.is_empty())
}

fn is_base64url(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl AuthorizeRequest {
    /// Reads the query string (with or without `?`).
    pub fn from_query(query_string: &str) -> Result<Self, AuthorizeError> {
        let pairs = query::parse_query(query_string).map_err(|_| AuthorizeError::MalformedQuery)?;
        let mut r = Self::default();
        let rep = AuthorizeError::RepeatedParameter;
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "response_type" => &mut r.response_type,
                "client_id" => &mut r.client_id,
                "redirect_uri" => &mut r.redirect_uri,
                "scope" => &mut r.scope,
                "state" => &mut r.state,
                "aud" => &mut r.aud,
                "launch" => &mut r.launch,
                "code_challenge" => &mut r.code_challenge,
                "code_challenge_method" => &mut r.code_challenge_method,
                "nonce" => &mut r.nonce,
                _ => {
                    r.other.push((name, value));
                    continue;
                }
            };
            set_once(slot, &name, value, rep)?;
        }
        Ok(r)
    }

    /// The requested scopes, parsed leniently.
    pub fn scopes(&self) -> ScopeSet {
        ScopeSet::parse(self.scope.as_deref().unwrap_or_default())
    }

    /// Checks the request (module rules) for `client`, this server's `fhir_base`, and the
    /// session the POS found under `launch` (if any). Returns the requested scopes, to
    /// negotiate with [`ScopeSet::negotiate`].
    pub fn validate(
        &self,
        client: &RegisteredClient,
        fhir_base: &str,
        session: Option<&LaunchSession>,
        now: OffsetDateTime,
    ) -> Result<ScopeSet, AuthorizeError> {
        let client_id =
            present(&self.client_id).ok_or(AuthorizeError::MissingParameter("client_id"))?;
        if client_id != client.client_id {
            return Err(AuthorizeError::UnknownClient);
        }
        let redirect =
            present(&self.redirect_uri).ok_or(AuthorizeError::MissingParameter("redirect_uri"))?;
        if !client.redirect_uris.iter().any(|u| u == redirect) {
            return Err(AuthorizeError::RedirectUriMismatch);
        }
        match present(&self.response_type) {
            None => return Err(AuthorizeError::MissingParameter("response_type")),
            Some("code") => {}
            Some(_) => return Err(AuthorizeError::UnsupportedResponseType),
        }
        present(&self.state).ok_or(AuthorizeError::MissingParameter("state"))?;
        let aud = present(&self.aud).ok_or(AuthorizeError::MissingParameter("aud"))?;
        if aud.trim_end_matches('/') != fhir_base.trim_end_matches('/') {
            return Err(AuthorizeError::AudienceMismatch);
        }
        let scopes = self.scopes();
        if scopes.is_empty() {
            return Err(AuthorizeError::MissingParameter("scope"));
        }
        let launch = present(&self.launch).ok_or(AuthorizeError::MissingParameter("launch"))?;
        let session = session
            .filter(|s| s.id().as_str() == launch)
            .ok_or(AuthorizeError::UnknownLaunch)?;
        if !session.is_usable_at(now) {
            return Err(AuthorizeError::LaunchExpired);
        }
        if !scopes.contains(&Scope::Launch) {
            return Err(AuthorizeError::LaunchScopeMissing);
        }
        match (
            present(&self.code_challenge),
            present(&self.code_challenge_method),
        ) {
            (None, None) => {}
            (None, Some(_)) => return Err(AuthorizeError::MissingParameter("code_challenge")),
            (Some(_), None | Some("plain")) => return Err(AuthorizeError::PkcePlain),
            (Some(c), Some("S256")) => {
                if c.len() != 43 || !is_base64url(c) {
                    return Err(AuthorizeError::InvalidCodeChallenge);
                }
            }
            (Some(_), Some(_)) => return Err(AuthorizeError::PkceUnsupported),
        }
        Ok(scopes)
    }

    /// The redirect that hands Ocean the code: `redirect_uri?code=…&state=…` (`None` without a
    /// redirect URI).
    pub fn code_redirect(&self, code: &str) -> Option<String> {
        let uri = self.redirect_uri.as_deref()?;
        Some(
            QueryBuilder::new(uri)
                .param("code", code)
                .opt_param("state", self.state.as_deref())
                .finish(),
        )
    }

    /// The redirect that reports `error` to Ocean, or `None` when the error must not be
    /// redirected ([`AuthorizeError::may_redirect`]) or there is no redirect URI.
    pub fn error_redirect(&self, error: &AuthorizeError) -> Option<String> {
        if !error.may_redirect() {
            return None;
        }
        let uri = self.redirect_uri.as_deref()?;
        Some(
            QueryBuilder::new(uri)
                .param("error", error.error_code())
                .param("error_description", &error.to_string())
                .opt_param("state", self.state.as_deref())
                .finish(),
        )
    }
}

/// Why a token request is refused. Never holds parameter values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Malformed body, repeated or missing parameter, or two client authentication methods.
    #[error("invalid request: {0}")]
    InvalidRequest(&'static str),
    /// Client authentication failed.
    #[error("client authentication failed")]
    InvalidClient,
    /// The code (or refresh token) is not acceptable.
    #[error("invalid grant: {0}")]
    InvalidGrant(&'static str),
    /// `grant_type` is not supported.
    #[error("unsupported grant_type")]
    UnsupportedGrantType,
}

impl TokenError {
    /// The OAuth `error` code.
    pub fn error_code(&self) -> &'static str {
        match self {
            Self::InvalidRequest(_) => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant(_) => "invalid_grant",
            Self::UnsupportedGrantType => "unsupported_grant_type",
        }
    }

    /// The HTTP status (401 for `invalid_client`, else 400).
    pub fn http_status(&self) -> u16 {
        match self {
            Self::InvalidClient => 401,
            _ => 400,
        }
    }

    /// The JSON error body `{"error": …, "error_description": …}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "error": self.error_code(), "error_description": self.to_string() })
    }
}

/// How the client authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// `client_secret_post`.
    Post,
    /// `client_secret_basic`.
    Basic,
    /// No secret.
    None,
}

/// Ocean's token request (the form body, and the `Authorization` header if any). `Debug`
/// hides the code, secret, verifier, refresh token and the values of other parameters.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TokenRequest {
    /// `grant_type`.
    pub grant_type: Option<String>,
    /// `code`.
    pub code: Option<Secret>,
    /// `redirect_uri`.
    pub redirect_uri: Option<String>,
    /// `client_id` (from the body or the Basic header).
    pub client_id: Option<String>,
    /// `client_secret` (from the body or the Basic header).
    pub client_secret: Option<Secret>,
    /// `code_verifier`.
    pub code_verifier: Option<Secret>,
    /// `refresh_token`.
    pub refresh_token: Option<Secret>,
    /// `scope` (refresh requests).
    pub scope: Option<String>,
    /// How the client authenticated.
    pub auth: Option<ClientAuth>,
    /// Other parameters.
    pub other: Vec<(String, String)>,
}

impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.other.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("TokenRequest")
            .field("grant_type", &self.grant_type)
            .field("code", &self.code)
            .field("redirect_uri", &self.redirect_uri)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("code_verifier", &self.code_verifier)
            .field("refresh_token", &self.refresh_token)
            .field("scope", &self.scope)
            .field("auth", &self.auth)
            .field("other", &names)
            .finish()
    }
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let t = text.trim_end_matches('=');
    if text.len() - t.len() > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(t.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for b in t.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xFF).ok()?);
        }
    }
    // Leftover bits must be padding zeros, and a lone 6-bit group is not valid Base64.
    if bits >= 6 || acc & ((1 << bits) - 1) != 0 {
        return None;
    }
    Some(out)
}

/// Reads an `Authorization: Basic …` header into client id and secret (RFC 6749 2.3.1: both
/// form-encoded before Base64). `None` if it is not a valid Basic header.
pub fn parse_basic_auth(header: &str) -> Option<(String, Secret)> {
    let (scheme, rest) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let raw = String::from_utf8(base64_decode(rest.trim())?).ok()?;
    let (id, secret) = raw.split_once(':')?;
    Some((
        query::decode_form(id).ok()?,
        Secret::new(query::decode_form(secret).ok()?),
    ))
}

/// A code the POS issued, as it stored it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedCode {
    /// The client it was issued to.
    pub client_id: String,
    /// The `redirect_uri` of the authorization request.
    pub redirect_uri: String,
    /// The PKCE challenge of the authorization request, if any.
    pub code_challenge: Option<String>,
    /// When it stops being usable (codes are short-lived and single-use).
    pub expires_at: OffsetDateTime,
}

impl TokenRequest {
    /// Reads the form body and the `Authorization` header.
    pub fn from_form(body: &str, authorization: Option<&str>) -> Result<Self, TokenError> {
        let pairs =
            query::parse_query(body).map_err(|_| TokenError::InvalidRequest("malformed body"))?;
        let mut r = Self::default();
        let mut secret: Option<String> = None;
        let mut code: Option<String> = None;
        let mut verifier: Option<String> = None;
        let mut refresh: Option<String> = None;
        let rep = |_| TokenError::InvalidRequest("repeated parameter");
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "grant_type" => &mut r.grant_type,
                "code" => &mut code,
                "redirect_uri" => &mut r.redirect_uri,
                "client_id" => &mut r.client_id,
                "client_secret" => &mut secret,
                "code_verifier" => &mut verifier,
                "refresh_token" => &mut refresh,
                "scope" => &mut r.scope,
                _ => {
                    r.other.push((name, value));
                    continue;
                }
            };
            set_once(slot, &name, value, rep)?;
        }
        r.code = code.map(Secret::new);
        r.code_verifier = verifier.map(Secret::new);
        r.refresh_token = refresh.map(Secret::new);
        match (authorization, secret) {
            (Some(_), Some(_)) => {
                return Err(TokenError::InvalidRequest(
                    "more than one client authentication method",
                ));
            }
            (Some(h), None) => {
                let (id, s) = parse_basic_auth(h).ok_or(TokenError::InvalidClient)?;
                if r.client_id.as_deref().is_some_and(|body_id| body_id != id) {
                    return Err(TokenError::InvalidClient);
                }
                r.client_id = Some(id);
                r.client_secret = Some(s);
                r.auth = Some(ClientAuth::Basic);
            }
            (None, Some(s)) => {
                r.client_secret = Some(Secret::new(s));
                r.auth = Some(ClientAuth::Post);
            }
            (None, None) => r.auth = Some(ClientAuth::None),
        }
        Ok(r)
    }

    /// Checks the client id and secret against the registration (`invalid_client`).
    pub fn authenticate(&self, client: &RegisteredClient) -> Result<(), TokenError> {
        let id_ok = self.client_id.as_deref() == Some(client.client_id.as_str());
        let secret_ok = self
            .client_secret
            .as_ref()
            .is_some_and(|s| client.client_secret.matches(s.expose()));
        if id_ok && secret_ok {
            Ok(())
        } else {
            Err(TokenError::InvalidClient)
        }
    }

    /// Checks an `authorization_code` request against the code the POS found for
    /// [`TokenRequest::code`] (module rules; the S256 comparison is left to the POS).
    pub fn check_code_exchange(
        &self,
        issued: &IssuedCode,
        now: OffsetDateTime,
    ) -> Result<(), TokenError> {
        match self.grant_type.as_deref() {
            None => return Err(TokenError::InvalidRequest("missing grant_type")),
            Some("authorization_code") => {}
            Some(_) => return Err(TokenError::UnsupportedGrantType),
        }
        if self.code.as_ref().is_none_or(Secret::is_empty) {
            return Err(TokenError::InvalidRequest("missing code"));
        }
        if now >= issued.expires_at {
            return Err(TokenError::InvalidGrant("code expired"));
        }
        if self.client_id.as_deref() != Some(issued.client_id.as_str()) {
            return Err(TokenError::InvalidGrant("code issued to another client"));
        }
        if self.redirect_uri.as_deref() != Some(issued.redirect_uri.as_str()) {
            return Err(TokenError::InvalidGrant(
                "redirect_uri differs from the authorization request",
            ));
        }
        if issued.code_challenge.is_some() {
            let ok = self.code_verifier.as_ref().is_some_and(|v| {
                let v = v.expose();
                (43..=128).contains(&v.len()) && v.bytes().all(query::is_unreserved)
            });
            if !ok {
                return Err(TokenError::InvalidGrant(
                    "code_verifier missing or not 43-128 unreserved characters",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(base64_decode("b2NlYW46czNjcmV0").unwrap(), b"ocean:s3cret");
        assert_eq!(base64_decode("YQ==").unwrap(), b"a");
        assert_eq!(base64_decode("YWI=").unwrap(), b"ab");
        assert_eq!(base64_decode("YWI").unwrap(), b"ab");
        assert_eq!(base64_decode("").unwrap(), b"");
        assert!(base64_decode("YQ===").is_none());
        assert!(base64_decode("Y").is_none());
        assert!(base64_decode("YR==").is_none());
        assert!(base64_decode("a$==").is_none());
    }

    #[test]
    fn basic_auth() {
        let (id, s) = parse_basic_auth("Basic b2NlYW46czNjcmV0").unwrap();
        assert_eq!((id.as_str(), s.expose()), ("ocean", "s3cret"));
        // "a%3Ab:c d" form-encoded id with a colon.
        let (id, s) = parse_basic_auth("basic YSUzQWI6YytkIQ==").unwrap();
        assert_eq!((id.as_str(), s.expose()), ("a:b", "c d!"));
        assert!(parse_basic_auth("Bearer x").is_none());
        assert!(parse_basic_auth("Basic !!").is_none());
        assert!(parse_basic_auth("Basic bm9jb2xvbg==").is_none());
    }

    #[test]
    fn error_codes() {
        assert_eq!(
            AuthorizeError::MissingParameter("scope").error_code(),
            "invalid_scope"
        );
        assert!(!AuthorizeError::MissingParameter("redirect_uri").may_redirect());
        assert!(AuthorizeError::MissingParameter("state").may_redirect());
        assert_eq!(TokenError::InvalidClient.http_status(), 401);
        assert_eq!(
            TokenError::InvalidGrant("x").to_json()["error"],
            "invalid_grant"
        );
    }
}
