//! The two discovery documents as typed values (`.well-known/smart-configuration` and
//! `.well-known/openid-configuration`), read leniently so that every member is kept.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

fn take<T: DeserializeOwned>(
    map: &mut Map<String, Value>,
    key: &'static str,
    malformed: &mut Vec<&'static str>,
) -> Option<T> {
    let value = map.remove(key)?;
    if value.is_null() {
        map.insert(key.to_owned(), value);
        return None;
    }
    match T::deserialize(&value) {
        Ok(v) => Some(v),
        Err(_) => {
            map.insert(key.to_owned(), value);
            malformed.push(key);
            None
        }
    }
}

/// `.well-known/smart-configuration` (SMART App Launch 2.x "Metadata").
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SmartConfiguration {
    /// OpenID Connect issuer (required with `sso-openid-connect`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// JSON Web Key Set URL (required with `sso-openid-connect`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    /// OAuth2 authorization endpoint (required with `launch-ehr`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<String>,
    /// Grant types (required; `authorization_code`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_types_supported: Option<Vec<String>>,
    /// OAuth2 token endpoint (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    /// `client_secret_post`, `client_secret_basic`, `private_key_jwt`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// Dynamic registration endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_endpoint: Option<String>,
    /// Scopes a client may request (recommended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes_supported: Option<Vec<String>>,
    /// OAuth2 response types (recommended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_types_supported: Option<Vec<String>>,
    /// Where a user manages app access (recommended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub management_endpoint: Option<String>,
    /// Token introspection (recommended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<String>,
    /// Token revocation (recommended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    /// SMART capabilities (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Vec<String>>,
    /// PKCE methods (required; `S256`, never `plain`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// Other members (and known members of the wrong JSON type), kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    #[serde(skip)]
    pub(super) malformed: Vec<&'static str>,
}

impl<'de> Deserialize<'de> for SmartConfiguration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut m = Map::deserialize(d)?;
        let mut bad = Vec::new();
        let mut doc = Self {
            issuer: take(&mut m, "issuer", &mut bad),
            jwks_uri: take(&mut m, "jwks_uri", &mut bad),
            authorization_endpoint: take(&mut m, "authorization_endpoint", &mut bad),
            grant_types_supported: take(&mut m, "grant_types_supported", &mut bad),
            token_endpoint: take(&mut m, "token_endpoint", &mut bad),
            token_endpoint_auth_methods_supported: take(
                &mut m,
                "token_endpoint_auth_methods_supported",
                &mut bad,
            ),
            registration_endpoint: take(&mut m, "registration_endpoint", &mut bad),
            scopes_supported: take(&mut m, "scopes_supported", &mut bad),
            response_types_supported: take(&mut m, "response_types_supported", &mut bad),
            management_endpoint: take(&mut m, "management_endpoint", &mut bad),
            introspection_endpoint: take(&mut m, "introspection_endpoint", &mut bad),
            revocation_endpoint: take(&mut m, "revocation_endpoint", &mut bad),
            capabilities: take(&mut m, "capabilities", &mut bad),
            code_challenge_methods_supported: take(
                &mut m,
                "code_challenge_methods_supported",
                &mut bad,
            ),
            extra: Map::new(),
            malformed: Vec::new(),
        };
        doc.extra = m;
        doc.malformed = bad;
        Ok(doc)
    }
}

impl SmartConfiguration {
    /// Reads the document (fails only when the text is not a JSON object).
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Known members that were present with the wrong JSON type (kept in `extra`).
    pub fn malformed_fields(&self) -> &[&'static str] {
        &self.malformed
    }

    /// Whether `capabilities` lists `capability`.
    pub fn has_capability(&self, capability: &str) -> bool {
        self.capabilities
            .as_ref()
            .is_some_and(|c| c.iter().any(|x| x == capability))
    }
}

/// `.well-known/openid-configuration` (OpenID Connect Discovery 1.0, "Provider Metadata";
/// members Ocean's checks use are typed, the rest kept in `extra`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct OpenIdConfiguration {
    /// Issuer identifier (required): equals the id token's `iss`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Authorization endpoint (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_endpoint: Option<String>,
    /// Token endpoint (required unless only the implicit flow is used).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    /// UserInfo endpoint (recommended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<String>,
    /// JSON Web Key Set (required): the keys Ocean verifies id tokens with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwks_uri: Option<String>,
    /// Dynamic registration endpoint (recommended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registration_endpoint: Option<String>,
    /// Scopes (recommended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes_supported: Option<Vec<String>>,
    /// Response types (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_types_supported: Option<Vec<String>>,
    /// Grant types (optional; default `authorization_code`, `implicit`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_types_supported: Option<Vec<String>>,
    /// Subject identifier types (required): `public`, `pairwise`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_types_supported: Option<Vec<String>>,
    /// Id token signing algorithms (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token_signing_alg_values_supported: Option<Vec<String>>,
    /// Client authentication methods at the token endpoint (default `client_secret_basic`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// Claims the provider may supply (recommended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claims_supported: Option<Vec<String>>,
    /// PKCE methods (RFC 8414).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// Other members (and known members of the wrong JSON type), kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    #[serde(skip)]
    pub(super) malformed: Vec<&'static str>,
}

impl<'de> Deserialize<'de> for OpenIdConfiguration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut m = Map::deserialize(d)?;
        let mut bad = Vec::new();
        let mut doc = Self {
            issuer: take(&mut m, "issuer", &mut bad),
            authorization_endpoint: take(&mut m, "authorization_endpoint", &mut bad),
            token_endpoint: take(&mut m, "token_endpoint", &mut bad),
            userinfo_endpoint: take(&mut m, "userinfo_endpoint", &mut bad),
            jwks_uri: take(&mut m, "jwks_uri", &mut bad),
            registration_endpoint: take(&mut m, "registration_endpoint", &mut bad),
            scopes_supported: take(&mut m, "scopes_supported", &mut bad),
            response_types_supported: take(&mut m, "response_types_supported", &mut bad),
            grant_types_supported: take(&mut m, "grant_types_supported", &mut bad),
            subject_types_supported: take(&mut m, "subject_types_supported", &mut bad),
            id_token_signing_alg_values_supported: take(
                &mut m,
                "id_token_signing_alg_values_supported",
                &mut bad,
            ),
            token_endpoint_auth_methods_supported: take(
                &mut m,
                "token_endpoint_auth_methods_supported",
                &mut bad,
            ),
            claims_supported: take(&mut m, "claims_supported", &mut bad),
            code_challenge_methods_supported: take(
                &mut m,
                "code_challenge_methods_supported",
                &mut bad,
            ),
            extra: Map::new(),
            malformed: Vec::new(),
        };
        doc.extra = m;
        doc.malformed = bad;
        Ok(doc)
    }
}

impl OpenIdConfiguration {
    /// Reads the document (fails only when the text is not a JSON object).
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Known members that were present with the wrong JSON type (kept in `extra`).
    pub fn malformed_fields(&self) -> &[&'static str] {
        &self.malformed
    }
}
