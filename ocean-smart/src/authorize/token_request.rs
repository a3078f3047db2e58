//! Step 4: Ocean's token request (the form POST to `token_endpoint`), parsed, its client
//! authenticated and its code exchange checked.

use std::fmt;

use time::OffsetDateTime;

use super::basic::parse_basic_auth;
use super::client::RegisteredClient;
use super::params::set_once;
use crate::query;
use crate::secret::Secret;

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

/// How the client authenticated: [`ocean_model::oauth::ClientAuth`], the one OAuth client
/// authentication vocabulary (`Basic`, `Post`, `None`, named by the OAuth registry).
pub use ocean_model::oauth::ClientAuth;

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
    /// [`TokenRequest::code`] (the [`crate::authorize`] token request rules; the S256 comparison is
    /// left to the POS).
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
    use crate::authorize::AuthorizeError;

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
