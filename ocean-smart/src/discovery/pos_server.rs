//! The POS's endpoints and choices, from which both discovery documents and Ocean's
//! registration are built so that they pass the checks.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Map;

use super::documents::{OpenIdConfiguration, SmartConfiguration};
use crate::scope::{Scope, ScopeSet};
use crate::secret::Secret;

/// Id token signing algorithms Ocean verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SigningAlg {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (required by SMART).
    RS256,
    /// ECDSA P-256 with SHA-256.
    ES256,
}

impl SigningAlg {
    /// The JOSE name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RS256 => "RS256",
            Self::ES256 => "ES256",
        }
    }
}

/// Which refresh tokens the POS issues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RefreshSupport {
    /// None: Ocean's session ends with the access token.
    None,
    /// `online_access` (what Ocean asks for).
    Online,
    /// `offline_access`.
    Offline,
    /// Both.
    OnlineAndOffline,
}

/// The POS's endpoints and choices, from which both discovery documents are built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosServer {
    /// The FHIR base URL (`iss` in the launch URL).
    pub fhir_base_url: String,
    /// The OpenID issuer (`iss` of id tokens).
    pub issuer: String,
    /// The authorization endpoint.
    pub authorization_endpoint: String,
    /// The token endpoint.
    pub token_endpoint: String,
    /// The JSON Web Key Set URL.
    pub jwks_uri: String,
    /// The UserInfo endpoint, if any.
    pub userinfo_endpoint: Option<String>,
    /// The revocation endpoint, if any.
    pub revocation_endpoint: Option<String>,
    /// The introspection endpoint, if any.
    pub introspection_endpoint: Option<String>,
    /// Where users manage app access, if anywhere.
    pub management_endpoint: Option<String>,
    /// Refresh tokens offered (default `Online`).
    pub refresh: RefreshSupport,
    /// Id token signing algorithms (default RS256).
    pub signing_algs: Vec<SigningAlg>,
    /// Whether the POS fills `need_patient_banner` (advertises `context-banner`; default no).
    pub context_banner: bool,
    /// The clinical scopes supported (default `patient/*.read patient/*.rs user/*.read
    /// user/*.rs`: read-only, v1 and v2 forms).
    pub clinical_scopes: ScopeSet,
}

/// What the POS gives Ocean support to register the integration (the fields OceanMD's sample
/// server lists: Client ID, Client Secret, Server URL, Token Endpoint, Authorization Endpoint,
/// Token Issuer URL). `Display` never shows the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OceanRegistration {
    /// The client id the POS assigned to Ocean.
    pub client_id: String,
    /// The client secret (send through a secure channel).
    #[serde(skip)]
    pub client_secret: Secret,
    /// The FHIR base URL (Ocean allow-lists it as `iss`).
    pub server_url: String,
    /// The token endpoint.
    pub token_endpoint: String,
    /// The authorization endpoint.
    pub authorization_endpoint: String,
    /// The id token issuer.
    pub token_issuer_url: String,
}

impl fmt::Display for OceanRegistration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Client ID:              {}", self.client_id)?;
        writeln!(
            f,
            "Client Secret:          (send separately, through a secure channel)"
        )?;
        writeln!(f, "Server URL (FHIR base): {}", self.server_url)?;
        writeln!(f, "Token Endpoint:         {}", self.token_endpoint)?;
        writeln!(f, "Authorization Endpoint: {}", self.authorization_endpoint)?;
        write!(f, "Token Issuer URL:       {}", self.token_issuer_url)
    }
}

impl PosServer {
    /// The POS with its five URLs and the defaults above.
    pub fn new(
        fhir_base_url: impl Into<String>,
        issuer: impl Into<String>,
        authorization_endpoint: impl Into<String>,
        token_endpoint: impl Into<String>,
        jwks_uri: impl Into<String>,
    ) -> Self {
        Self {
            fhir_base_url: fhir_base_url.into(),
            issuer: issuer.into(),
            authorization_endpoint: authorization_endpoint.into(),
            token_endpoint: token_endpoint.into(),
            jwks_uri: jwks_uri.into(),
            userinfo_endpoint: None,
            revocation_endpoint: None,
            introspection_endpoint: None,
            management_endpoint: None,
            refresh: RefreshSupport::Online,
            signing_algs: vec![SigningAlg::RS256],
            context_banner: false,
            clinical_scopes: ScopeSet::parse("patient/*.read patient/*.rs user/*.read user/*.rs"),
        }
    }

    fn base(&self) -> &str {
        self.fhir_base_url.trim_end_matches('/')
    }

    /// `{FHIR base}/.well-known/smart-configuration`.
    pub fn smart_configuration_url(&self) -> String {
        format!("{}/.well-known/smart-configuration", self.base())
    }

    /// `{FHIR base}/.well-known/openid-configuration` (where Ocean looks, even when the issuer
    /// is another URL).
    pub fn openid_configuration_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.base())
    }

    /// Every scope the POS supports: launch, identity, refresh (per [`PosServer::refresh`]) and
    /// the clinical scopes.
    pub fn scopes_supported(&self) -> ScopeSet {
        let mut s =
            ScopeSet::parse("launch launch/patient launch/encounter openid fhirUser profile");
        if matches!(
            self.refresh,
            RefreshSupport::Online | RefreshSupport::OnlineAndOffline
        ) {
            s.insert(Scope::OnlineAccess);
        }
        if matches!(
            self.refresh,
            RefreshSupport::Offline | RefreshSupport::OnlineAndOffline
        ) {
            s.insert(Scope::OfflineAccess);
        }
        for c in &self.clinical_scopes {
            s.insert(c.clone());
        }
        s
    }

    fn strings(set: &ScopeSet) -> Vec<String> {
        set.iter().map(ToString::to_string).collect()
    }

    fn grant_types(&self) -> Vec<String> {
        let mut g = vec!["authorization_code".to_owned()];
        if self.refresh != RefreshSupport::None {
            g.push("refresh_token".to_owned());
        }
        g
    }

    /// The `.well-known/smart-configuration` document.
    pub fn smart_configuration(&self) -> SmartConfiguration {
        let mut caps = vec![
            "launch-ehr",
            "client-confidential-symmetric",
            "sso-openid-connect",
            "context-ehr-patient",
            "context-ehr-encounter",
            "permission-patient",
            "permission-user",
            "permission-v1",
            "permission-v2",
        ];
        if self.context_banner {
            caps.push("context-banner");
        }
        if matches!(
            self.refresh,
            RefreshSupport::Online | RefreshSupport::OnlineAndOffline
        ) {
            caps.push("permission-online");
        }
        if matches!(
            self.refresh,
            RefreshSupport::Offline | RefreshSupport::OnlineAndOffline
        ) {
            caps.push("permission-offline");
        }
        SmartConfiguration {
            issuer: Some(self.issuer.clone()),
            jwks_uri: Some(self.jwks_uri.clone()),
            authorization_endpoint: Some(self.authorization_endpoint.clone()),
            grant_types_supported: Some(self.grant_types()),
            token_endpoint: Some(self.token_endpoint.clone()),
            token_endpoint_auth_methods_supported: Some(vec![
                "client_secret_post".to_owned(),
                "client_secret_basic".to_owned(),
            ]),
            registration_endpoint: None,
            scopes_supported: Some(Self::strings(&self.scopes_supported())),
            response_types_supported: Some(vec!["code".to_owned()]),
            management_endpoint: self.management_endpoint.clone(),
            introspection_endpoint: self.introspection_endpoint.clone(),
            revocation_endpoint: self.revocation_endpoint.clone(),
            capabilities: Some(caps.into_iter().map(str::to_owned).collect()),
            code_challenge_methods_supported: Some(vec!["S256".to_owned()]),
            extra: Map::new(),
            malformed: Vec::new(),
        }
    }

    /// The `.well-known/openid-configuration` document.
    pub fn openid_configuration(&self) -> OpenIdConfiguration {
        OpenIdConfiguration {
            issuer: Some(self.issuer.clone()),
            authorization_endpoint: Some(self.authorization_endpoint.clone()),
            token_endpoint: Some(self.token_endpoint.clone()),
            userinfo_endpoint: self.userinfo_endpoint.clone(),
            jwks_uri: Some(self.jwks_uri.clone()),
            registration_endpoint: None,
            scopes_supported: Some(Self::strings(&self.scopes_supported())),
            response_types_supported: Some(vec!["code".to_owned()]),
            grant_types_supported: Some(self.grant_types()),
            subject_types_supported: Some(vec!["public".to_owned()]),
            id_token_signing_alg_values_supported: Some(
                self.signing_algs
                    .iter()
                    .map(|a| a.as_str().to_owned())
                    .collect(),
            ),
            token_endpoint_auth_methods_supported: Some(vec![
                "client_secret_post".to_owned(),
                "client_secret_basic".to_owned(),
            ]),
            claims_supported: Some(
                [
                    "iss", "sub", "aud", "exp", "iat", "nonce", "fhirUser", "profile",
                ]
                .into_iter()
                .map(str::to_owned)
                .collect(),
            ),
            code_challenge_methods_supported: Some(vec!["S256".to_owned()]),
            extra: Map::new(),
            malformed: Vec::new(),
        }
    }

    /// What to send Ocean support.
    pub fn ocean_registration(
        &self,
        client_id: impl Into<String>,
        client_secret: Secret,
    ) -> OceanRegistration {
        OceanRegistration {
            client_id: client_id.into(),
            client_secret,
            server_url: self.fhir_base_url.clone(),
            token_endpoint: self.token_endpoint.clone(),
            authorization_endpoint: self.authorization_endpoint.clone(),
            token_issuer_url: self.issuer.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos() -> PosServer {
        PosServer::new(
            "https://pos.example/fhir",
            "https://pos.example/auth",
            "https://pos.example/auth/authorize",
            "https://pos.example/auth/token",
            "https://pos.example/auth/jwks",
        )
    }

    #[test]
    fn registration_hides_secret() {
        let r = pos().ocean_registration("ocean", Secret::new("s3cr3t"));
        let text = r.to_string();
        assert!(
            !text.contains("s3cr3t")
                && text.contains("Token Issuer URL:       https://pos.example/auth")
        );
        assert!(!serde_json::to_string(&r).unwrap().contains("s3cr3t"));
        assert!(!format!("{r:?}").contains("s3cr3t"));
    }
}
