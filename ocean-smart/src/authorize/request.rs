//! Step 3: Ocean's authorization request (the browser redirect to `authorization_endpoint`),
//! parsed and checked, with the redirect that answers it.

use std::fmt;

use time::OffsetDateTime;

use super::client::RegisteredClient;
use super::params::{present, set_once};
use crate::launch::LaunchSession;
use crate::query::{self, QueryBuilder};
use crate::scope::{Scope, ScopeSet};

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

    /// Checks the request (the [`crate::authorize`] rules, in that order) for `client`, this
    /// server's `fhir_base`, and the session the POS found under `launch` (if any). Returns the
    /// requested scopes, to negotiate with [`ScopeSet::negotiate`].
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
