//! The token response the POS sends Ocean, and the claim set of the `id_token` inside it, with
//! the checks of times and audience.
//!
//! Signing is out of scope: the POS signs the id-token claim set with its own JOSE library
//! (ES256 or RS256, key published at `jwks_uri`). This module builds the claim set
//! ([`IdTokenClaims::issue`]), and validates a decoded one ([`IdTokenClaims::validate`]), e.g.
//! in the POS's own tests.
//!
//! # Time rules ([`IdTokenClaims::validate`], [`TokenResponse::access_token_expired`])
//! All times are whole seconds since the epoch (JWT `NumericDate`; a fractional value is read
//! rounded down); `now` is truncated to whole seconds; `leeway` is whole seconds and a negative
//! leeway counts as zero. With leeway `L`:
//! - expired when `now >= exp + L` (RFC 7519: "on or after" `exp` is not accepted) — so with
//!   `L = 0`, one second before `exp` is valid and exactly `exp` is expired;
//! - not yet valid when `nbf` is present and `now < nbf - L`;
//! - issued in the future when `iat > now + L`;
//! - too old when a maximum age `M` is set and `now > iat + M + L`;
//! - `exp` must be after `iat`.
//!
//! # Audience and issuer
//! `iss` must equal the expected issuer exactly (OpenID Connect Core 3.1.3.7: no
//! normalisation, so a trailing `/` matters). `aud` (a string or an array) must contain the
//! client id; with more than one audience, `azp` must be present; when `azp` is present it must
//! be the client id.
//!
//! ```
//! use ocean_smart::launch::FhirUser;
//! use ocean_smart::token::{IdTokenClaims, IdTokenValidation};
//! use time::{macros::datetime, Duration};
//! let now = datetime!(2025-01-01 12:00 UTC);
//! let user = FhirUser::parse("Practitioner/dr-7").unwrap();
//! let claims = IdTokenClaims::issue("https://pos.example/auth", "user-7f3a", "ocean-client",
//!     &user, "https://pos.example/fhir", now, Duration::hours(1));
//! let v = IdTokenValidation::new("https://pos.example/auth", "ocean-client", now + Duration::minutes(59));
//! assert!(claims.validate(&v).is_ok());
//! let late = IdTokenValidation::new("https://pos.example/auth", "ocean-client", now + Duration::hours(2));
//! assert!(claims.validate(&late).is_err());
//! ```

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use crate::findings::{Finding, Findings};
use crate::launch::{FhirUser, LaunchContext, Scenario};
use crate::scope::{Scope, ScopeSet};

/// A credential (access token, refresh token, client secret, Ocean shared encryption key):
/// `Debug` and `Display` never show it; serde reads and writes it as a plain string.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The credential itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Compares with a presented value in time independent of where they differ (the length
    /// still shows).
    pub fn matches(&self, presented: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), presented.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("…")
    }
}

/// One `fhirContext` entry of the token response. SMART 2.0 wrote a bare reference string;
/// SMART 2.1+ writes an object (`{"reference": "ServiceRequest/123"}`), which this crate
/// produces. Both are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FhirContextItem {
    /// SMART 2.0 form: `"ServiceRequest/123"`.
    Bare(String),
    /// SMART 2.1+ form.
    Object(FhirContextObject),
}

/// The SMART 2.1+ `fhirContext` object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FhirContextObject {
    /// A relative reference (`ServiceRequest/123`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// A canonical URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical: Option<String>,
    /// A FHIR Identifier, kept as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identifier: Option<Value>,
    /// The resource type, when not evident.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The role of the resource in the launch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Other members, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FhirContextItem {
    /// `{"reference": reference}`.
    pub fn reference(reference: impl Into<String>) -> Self {
        Self::Object(FhirContextObject {
            reference: Some(reference.into()),
            ..FhirContextObject::default()
        })
    }

    /// The reference, in either form.
    pub fn reference_str(&self) -> Option<&str> {
        match self {
            Self::Bare(s) => Some(s),
            Self::Object(o) => o.reference.as_deref(),
        }
    }
}

/// The token endpoint's JSON answer (SMART App Launch "Response"), with Ocean's
/// `oceanSharedEncryptionKey`. Unknown members are kept in `extra`. `Debug` hides the tokens,
/// the id token and the context ids.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The access token.
    pub access_token: Secret,
    /// `Bearer`.
    pub token_type: String,
    /// Lifetime of the access token in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i64>,
    /// The scopes granted, space-separated (required by SMART 2).
    #[serde(default)]
    pub scope: String,
    /// The signed id token (a JWT), when `openid` was granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// A refresh token, when `online_access`/`offline_access` was granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// The patient id in context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient: Option<String>,
    /// The encounter id in context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encounter: Option<String>,
    /// Other context (`ServiceRequest/{POS referral id}` for an existing request).
    #[serde(default, rename = "fhirContext", skip_serializing_if = "Vec::is_empty")]
    pub fhir_context: Vec<FhirContextItem>,
    /// Whether the app should show a patient banner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need_patient_banner: Option<bool>,
    /// The EHR's style URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub smart_style_url: Option<String>,
    /// The launch intent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    /// The healthcare organization launching.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Ocean's site shared encryption key, Base64 (Ocean-specific; "not mandatory, but
    /// strongly recommended": Ocean fills it into the user's browser).
    #[serde(
        default,
        rename = "oceanSharedEncryptionKey",
        skip_serializing_if = "Option::is_none"
    )]
    pub ocean_shared_encryption_key: Option<Secret>,
    /// Other members, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |o: bool| if o { "present" } else { "absent" };
        f.debug_struct("TokenResponse")
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("scope", &self.scope)
            .field("id_token", &shown(self.id_token.is_some()))
            .field("refresh_token", &shown(self.refresh_token.is_some()))
            .field("patient", &shown(self.patient.is_some()))
            .field("encounter", &shown(self.encounter.is_some()))
            .field("fhir_context", &self.fhir_context.len())
            .field("need_patient_banner", &self.need_patient_banner)
            .field(
                "ocean_shared_encryption_key",
                &shown(self.ocean_shared_encryption_key.is_some()),
            )
            .finish_non_exhaustive()
    }
}

/// Rule ids of [`TokenResponse::check`].
pub mod rules {
    /// `access_token` is empty.
    pub const ACCESS_TOKEN: &str = "token.access-token";
    /// `token_type` is not `Bearer`.
    pub const TOKEN_TYPE: &str = "token.token-type";
    /// `expires_in` absent or not positive.
    pub const EXPIRES_IN: &str = "token.expires-in";
    /// `scope` empty or with invalid tokens.
    pub const SCOPE: &str = "token.scope";
    /// `openid` granted without `id_token`.
    pub const ID_TOKEN: &str = "token.id-token";
    /// `patient` missing, unexpected or not the launched patient.
    pub const PATIENT: &str = "token.patient";
    /// `encounter` missing or not the launched encounter.
    pub const ENCOUNTER: &str = "token.encounter";
    /// `fhirContext` lacks the referral or holds Patient/Encounter.
    pub const FHIR_CONTEXT: &str = "token.fhir-context";
    /// Refresh granted without a refresh token.
    pub const REFRESH: &str = "token.refresh";
    /// `oceanSharedEncryptionKey` absent or not Base64.
    pub const OCEAN_KEY: &str = "token.ocean-key";
    /// The grant does not let Ocean read what it needs.
    pub const COVERAGE: &str = "token.coverage";
}

fn is_base64(s: &str) -> bool {
    let t = s.trim_end_matches('=');
    !s.is_empty()
        && s.len() % 4 == 0
        && s.len() - t.len() <= 2
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

impl TokenResponse {
    /// The answer for a launch: `Bearer`, the lifetime, the granted scopes, and the context
    /// (`patient`, `encounter`, `fhirContext`, `need_patient_banner`, `intent`) from `context`.
    /// Add the id token, refresh token and Ocean key with the `with_` methods.
    pub fn for_launch(
        context: &LaunchContext,
        access_token: Secret,
        granted: &ScopeSet,
        expires_in: Duration,
    ) -> Self {
        Self {
            access_token,
            token_type: "Bearer".to_owned(),
            expires_in: Some(expires_in.whole_seconds()),
            scope: granted.to_string(),
            id_token: None,
            refresh_token: None,
            patient: context.patient().map(str::to_owned),
            encounter: context.encounter().map(str::to_owned),
            fhir_context: context.fhir_context(),
            need_patient_banner: context.need_patient_banner(),
            smart_style_url: None,
            intent: context.intent().map(str::to_owned),
            tenant: None,
            ocean_shared_encryption_key: None,
            extra: Map::new(),
        }
    }

    /// Adds the signed id token (compact JWS).
    pub fn with_id_token(mut self, jwt: impl Into<String>) -> Self {
        self.id_token = Some(jwt.into());
        self
    }

    /// Adds a refresh token.
    pub fn with_refresh_token(mut self, token: Secret) -> Self {
        self.refresh_token = Some(token);
        self
    }

    /// Adds Ocean's site shared encryption key (Base64).
    pub fn with_ocean_shared_encryption_key(mut self, key: Secret) -> Self {
        self.ocean_shared_encryption_key = Some(key);
        self
    }

    /// The granted scopes, parsed.
    pub fn scopes(&self) -> ScopeSet {
        ScopeSet::parse(&self.scope)
    }

    /// When the access token expires if it was issued at `issued_at` (`None` without a usable
    /// `expires_in`).
    pub fn access_token_expires_at(&self, issued_at: OffsetDateTime) -> Option<OffsetDateTime> {
        let secs = self.expires_in.filter(|s| *s > 0)?;
        issued_at.checked_add(Duration::seconds(secs))
    }

    /// Whether the access token issued at `issued_at` is expired at `now`, with the module's
    /// time rules (expired at `issued_at + expires_in + leeway`). Without `expires_in` the
    /// lifetime is unknown: `false`.
    pub fn access_token_expired(
        &self,
        issued_at: OffsetDateTime,
        now: OffsetDateTime,
        leeway: Duration,
    ) -> bool {
        let Some(secs) = self.expires_in else {
            return false;
        };
        let exp = i128::from(issued_at.unix_timestamp()) + i128::from(secs);
        i128::from(now.unix_timestamp()) >= exp + i128::from(leeway_secs(leeway))
    }

    /// Checks the answer against the launch it is for. Messages never include ids or tokens.
    ///
    /// | rule | severity | when |
    /// |---|---|---|
    /// | `token.access-token` | error | `access_token` empty |
    /// | `token.token-type` | error | `token_type` is not `Bearer` (any case) |
    /// | `token.expires-in` | warning if absent (seed: set token expiration), error if ≤ 0 | |
    /// | `token.scope` | error if empty, warning for invalid tokens | |
    /// | `token.id-token` | error | `openid` granted and no `id_token` (Ocean signs the user in with it) |
    /// | `token.patient` | error | a patient launch without `patient` or with another id; `patient/` scopes granted without `patient`; warning: `patient` in a dashboard launch |
    /// | `token.encounter` | error if not the launched encounter, warning if the launch had one and the answer has none | |
    /// | `token.fhir-context` | error: `Patient`/`Encounter` in `fhirContext` (SMART forbids); warning: an existing-request launch without `ServiceRequest/{id}` | |
    /// | `token.refresh` | warning | `online_access`/`offline_access` granted and no `refresh_token` |
    /// | `token.ocean-key` | warning if absent ("strongly recommended"), error if not Base64 | |
    /// | `token.coverage` | warning | the granted scopes do not fully cover [`crate::everything::OCEAN_READS`] |
    pub fn check(&self, context: &LaunchContext) -> Findings {
        let mut f = Findings::new();
        if self.access_token.is_empty() {
            f.push(Finding::error(rules::ACCESS_TOKEN, "access_token", "empty"));
        }
        if !self.token_type.eq_ignore_ascii_case("bearer") {
            f.push(Finding::error(
                rules::TOKEN_TYPE,
                "token_type",
                "must be `Bearer`",
            ));
        }
        match self.expires_in {
            None => f.push(Finding::warning(
                rules::EXPIRES_IN,
                "expires_in",
                "absent: give the access token a lifetime (the seed asks POSs to limit session duration)",
            )),
            Some(s) if s <= 0 => f.push(Finding::error(
                rules::EXPIRES_IN,
                "expires_in",
                "must be a positive number of seconds",
            )),
            Some(_) => {}
        }
        let scopes = self.scopes();
        if self.scope.trim().is_empty() {
            f.push(Finding::error(
                rules::SCOPE,
                "scope",
                "empty: SMART requires the granted scopes",
            ));
        }
        for bad in scopes.invalid() {
            f.push(Finding::warning(
                rules::SCOPE,
                "scope",
                format!("`{}`: {}", bad.token, bad.error),
            ));
        }
        if scopes.contains(&Scope::OpenId) && self.id_token.as_deref().is_none_or(str::is_empty) {
            f.push(Finding::error(
                rules::ID_TOKEN,
                "id_token",
                "`openid` granted but no id_token: Ocean signs the user in with it",
            ));
        }
        let has_patient = context.scenario().has_patient();
        match (&self.patient, context.patient()) {
            (None, Some(_)) => f.push(Finding::error(
                rules::PATIENT,
                "patient",
                "absent in a launch with a patient in context",
            )),
            (Some(got), Some(want)) if got != want => f.push(Finding::error(
                rules::PATIENT,
                "patient",
                "is not the launched patient",
            )),
            (Some(_), None) => f.push(Finding::warning(
                rules::PATIENT,
                "patient",
                "present in a launch without a patient (dashboard)",
            )),
            _ => {}
        }
        if self.patient.is_none() && !has_patient && scopes.has_patient_scopes() {
            f.push(Finding::error(
                rules::PATIENT,
                "patient",
                "`patient/` scopes granted without a patient in context (SMART: the EHR SHALL establish one); grant `user/` scopes for a dashboard launch",
            ));
        }
        match (&self.encounter, context.encounter()) {
            (None, Some(_)) => f.push(Finding::warning(
                rules::ENCOUNTER,
                "encounter",
                "the launch had an encounter but the answer has none",
            )),
            (Some(got), Some(want)) if got != want => f.push(Finding::error(
                rules::ENCOUNTER,
                "encounter",
                "is not the launched encounter",
            )),
            (Some(_), None) => f.push(Finding::error(
                rules::ENCOUNTER,
                "encounter",
                "present but the launch had no encounter",
            )),
            _ => {}
        }
        for item in &self.fhir_context {
            let r = item.reference_str().unwrap_or_default();
            if r.starts_with("Patient/") || r.starts_with("Encounter/") {
                f.push(Finding::error(
                    rules::FHIR_CONTEXT,
                    "fhirContext",
                    "must not hold Patient or Encounter references (use `patient`/`encounter`)",
                ));
            }
        }
        if let Scenario::ExistingRequest { referral } = context.scenario() {
            let want = format!("ServiceRequest/{}", referral.as_str());
            if !self
                .fhir_context
                .iter()
                .any(|i| i.reference_str() == Some(want.as_str()))
            {
                f.push(Finding::warning(
                    rules::FHIR_CONTEXT,
                    "fhirContext",
                    "an existing-request launch without the POS referral as `ServiceRequest/{id}`",
                ));
            }
        }
        if scopes.has_refresh() && self.refresh_token.as_ref().is_none_or(Secret::is_empty) {
            f.push(Finding::warning(
                rules::REFRESH,
                "refresh_token",
                "`online_access`/`offline_access` granted but no refresh token",
            ));
        }
        match &self.ocean_shared_encryption_key {
            None => f.push(Finding::warning(
                rules::OCEAN_KEY,
                "oceanSharedEncryptionKey",
                "absent: not mandatory but strongly recommended (Ocean fills the site key into the user's browser)",
            )),
            Some(k) if !is_base64(k.expose()) => f.push(Finding::error(
                rules::OCEAN_KEY,
                "oceanSharedEncryptionKey",
                "must be Base64",
            )),
            Some(_) => {}
        }
        let coverage = scopes.ocean_coverage(has_patient);
        if !coverage.is_complete() {
            f.push(Finding::warning(
                rules::COVERAGE,
                "scope",
                format!("Ocean cannot read everything it uses: {coverage}"),
            ));
        }
        f
    }
}

/// A JWT `NumericDate`: seconds since 1970-01-01T00:00:00Z. Read from an integer or a
/// fractional number (rounded down); written as an integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NumericDate(pub i64);

impl NumericDate {
    /// The time's whole seconds.
    pub fn from_time(t: OffsetDateTime) -> Self {
        Self(t.unix_timestamp())
    }

    /// The time, if representable.
    pub fn to_time(self) -> Option<OffsetDateTime> {
        OffsetDateTime::from_unix_timestamp(self.0).ok()
    }
}

impl Serialize for NumericDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for NumericDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Number::deserialize(d)?;
        if let Some(i) = v.as_i64() {
            return Ok(Self(i));
        }
        match v.as_f64() {
            // `as` saturates at the i64 range for finite floats.
            #[allow(clippy::cast_possible_truncation)]
            Some(x) if x.is_finite() => Ok(Self(x.floor() as i64)),
            _ => Err(serde::de::Error::custom("NumericDate out of range")),
        }
    }
}

/// `aud`: one string or an array (both allowed by RFC 7519).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// `"aud": "x"`.
    One(String),
    /// `"aud": ["x", "y"]`.
    Many(Vec<String>),
}

impl Audience {
    /// Whether `client_id` is an audience.
    pub fn contains(&self, client_id: &str) -> bool {
        match self {
            Self::One(a) => a == client_id,
            Self::Many(v) => v.iter().any(|a| a == client_id),
        }
    }

    /// How many audiences.
    pub fn len(&self) -> usize {
        match self {
            Self::One(_) => 1,
            Self::Many(v) => v.len(),
        }
    }

    /// Whether there is none (an empty array).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The claim set of the id token the POS issues to Ocean (OpenID Connect Core, SMART
/// `fhirUser`). Ocean keys its single sign-on on `sub` + `@` + `iss` and links that to an Ocean
/// account at the first launch, so `sub` must be stable for a user and never reassigned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdTokenClaims {
    /// Issuer: the POS's OpenID issuer URL (the `issuer` of its discovery documents).
    pub iss: String,
    /// Subject: a stable, never reassigned user id (at most 255 ASCII characters).
    pub sub: String,
    /// Audience: Ocean's client id.
    pub aud: Audience,
    /// Expiry.
    pub exp: NumericDate,
    /// Issued at.
    pub iat: NumericDate,
    /// Not before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<NumericDate>,
    /// When the user authenticated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<NumericDate>,
    /// The `nonce` of the authorization request, echoed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// Authorized party (required with several audiences).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azp: Option<String>,
    /// The user's FHIR resource URL (`{base}/Practitioner/{id}`).
    #[serde(default, rename = "fhirUser", skip_serializing_if = "Option::is_none")]
    pub fhir_user: Option<String>,
    /// SMART v1's name for the same URL; OceanMD's sample sets both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Other claims, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What an id token is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdTokenValidation {
    /// The expected `iss`.
    pub issuer: String,
    /// Ocean's client id (expected in `aud`).
    pub client_id: String,
    /// The current time.
    pub now: OffsetDateTime,
    /// Allowed clock skew (default 60 s).
    pub leeway: Duration,
    /// Maximum age since `iat`, if any.
    pub max_age: Option<Duration>,
    /// The `nonce` sent in the authorization request, if any (then required and equal).
    pub nonce: Option<String>,
    /// Whether `fhirUser` is required (default true: Ocean asks for `fhirUser`).
    pub require_fhir_user: bool,
}

/// Default clock skew allowance: 60 seconds.
pub const DEFAULT_LEEWAY: Duration = Duration::seconds(60);

impl IdTokenValidation {
    /// Issuer, client id and time; leeway [`DEFAULT_LEEWAY`]; `fhirUser` required.
    pub fn new(
        issuer: impl Into<String>,
        client_id: impl Into<String>,
        now: OffsetDateTime,
    ) -> Self {
        Self {
            issuer: issuer.into(),
            client_id: client_id.into(),
            now,
            leeway: DEFAULT_LEEWAY,
            max_age: None,
            nonce: None,
            require_fhir_user: true,
        }
    }

    /// Sets the leeway.
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }
}

/// Why an id token claim set is not acceptable. Carries no claim values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClaimError {
    /// `iss` is not the expected issuer.
    #[error("iss is not the expected issuer")]
    IssuerMismatch,
    /// `aud` does not contain the client id.
    #[error("aud does not contain the client id")]
    AudienceMismatch,
    /// Several audiences and no `azp`.
    #[error("several audiences and no azp")]
    AzpMissing,
    /// `azp` is not the client id.
    #[error("azp is not the client id")]
    AzpMismatch,
    /// Now is at or after `exp` (+ leeway).
    #[error("expired (now is at or after exp + leeway)")]
    Expired,
    /// Now is before `nbf` (− leeway).
    #[error("not yet valid (now is before nbf - leeway)")]
    NotYetValid,
    /// `iat` is after now (+ leeway).
    #[error("issued in the future (iat after now + leeway)")]
    IssuedInFuture,
    /// `iat` is older than the maximum age (+ leeway).
    #[error("issued too long ago (now after iat + max age + leeway)")]
    TooOld,
    /// `exp` is not after `iat`.
    #[error("exp is not after iat")]
    ExpNotAfterIat,
    /// A nonce was sent and the token has none or another.
    #[error("nonce missing or different from the one sent")]
    NonceMismatch,
    /// `sub` is empty, longer than 255 bytes or not ASCII.
    #[error("sub must be 1-255 ASCII characters")]
    InvalidSubject,
    /// `fhirUser` required and absent.
    #[error("fhirUser claim missing")]
    FhirUserMissing,
    /// `fhirUser` is not a Practitioner/Patient/RelatedPerson/Person reference.
    #[error("fhirUser is not a FHIR user reference")]
    FhirUserInvalid,
}

/// All the reasons a claim set failed, in check order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("id token rejected: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct ClaimErrors(pub Vec<ClaimError>);

impl ClaimErrors {
    /// Whether `e` is among the reasons.
    pub fn contains(&self, e: ClaimError) -> bool {
        self.0.contains(&e)
    }
}

fn leeway_secs(leeway: Duration) -> i64 {
    leeway.whole_seconds().max(0)
}

impl IdTokenClaims {
    /// The claim set for a launch: `iss`, `sub`, `aud` = Ocean's client id, `iat` = `now`,
    /// `exp` = `now + lifetime`, and `fhirUser` and `profile` = the user's absolute URL.
    pub fn issue(
        issuer: &str,
        subject: &str,
        client_id: &str,
        user: &FhirUser,
        fhir_base: &str,
        now: OffsetDateTime,
        lifetime: Duration,
    ) -> Self {
        let url = user.absolute(fhir_base);
        let iat = now.unix_timestamp();
        Self {
            iss: issuer.to_owned(),
            sub: subject.to_owned(),
            aud: Audience::One(client_id.to_owned()),
            exp: NumericDate(iat.saturating_add(lifetime.whole_seconds())),
            iat: NumericDate(iat),
            nbf: None,
            auth_time: None,
            nonce: None,
            azp: None,
            fhir_user: Some(url.clone()),
            profile: Some(url),
            extra: Map::new(),
        }
    }

    /// Adds the `nonce` from the authorization request.
    pub fn with_nonce(mut self, nonce: impl Into<String>) -> Self {
        self.nonce = Some(nonce.into());
        self
    }

    /// Checks issuer, audience, times (module rules), nonce, `sub` and `fhirUser`; returns
    /// every failure.
    pub fn validate(&self, v: &IdTokenValidation) -> Result<(), ClaimErrors> {
        let mut errors = Vec::new();
        if self.iss != v.issuer {
            errors.push(ClaimError::IssuerMismatch);
        }
        if !self.aud.contains(&v.client_id) {
            errors.push(ClaimError::AudienceMismatch);
        }
        match &self.azp {
            None if self.aud.len() > 1 => errors.push(ClaimError::AzpMissing),
            Some(azp) if *azp != v.client_id => errors.push(ClaimError::AzpMismatch),
            _ => {}
        }
        let now = i128::from(v.now.unix_timestamp());
        let l = i128::from(leeway_secs(v.leeway));
        let exp = i128::from(self.exp.0);
        let iat = i128::from(self.iat.0);
        if exp <= iat {
            errors.push(ClaimError::ExpNotAfterIat);
        }
        if now >= exp + l {
            errors.push(ClaimError::Expired);
        }
        if let Some(nbf) = self.nbf {
            if now < i128::from(nbf.0) - l {
                errors.push(ClaimError::NotYetValid);
            }
        }
        if iat > now + l {
            errors.push(ClaimError::IssuedInFuture);
        }
        if let Some(max) = v.max_age {
            if now > iat + i128::from(max.whole_seconds()) + l {
                errors.push(ClaimError::TooOld);
            }
        }
        if let Some(sent) = &v.nonce {
            if self.nonce.as_ref() != Some(sent) {
                errors.push(ClaimError::NonceMismatch);
            }
        }
        if self.sub.is_empty() || self.sub.len() > 255 || !self.sub.is_ascii() {
            errors.push(ClaimError::InvalidSubject);
        }
        match &self.fhir_user {
            None if v.require_fhir_user => errors.push(ClaimError::FhirUserMissing),
            Some(u) if FhirUser::parse(u).is_err() => errors.push(ClaimError::FhirUserInvalid),
            _ => {}
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ClaimErrors(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::launch::{FhirUser, PosReferralId};
    use time::macros::datetime;

    #[test]
    fn secrets_are_hidden() {
        let s = Secret::new("tok-123");
        assert_eq!(format!("{s:?} {s}"), "Secret(…) …");
        assert!(s.matches("tok-123") && !s.matches("tok-124") && !s.matches("tok"));
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"tok-123\"");
    }

    #[test]
    fn numeric_dates() {
        let d: NumericDate = serde_json::from_str("1700000000.9").unwrap();
        assert_eq!(d, NumericDate(1_700_000_000));
        let d: NumericDate = serde_json::from_str("-0.5").unwrap();
        assert_eq!(d, NumericDate(-1));
        assert!(serde_json::from_str::<NumericDate>("\"1\"").is_err());
        assert_eq!(NumericDate(i64::MAX).to_time(), None);
        let big: NumericDate = serde_json::from_str("1e300").unwrap();
        assert_eq!(big, NumericDate(i64::MAX));
    }

    #[test]
    fn base64() {
        assert!(is_base64("c2FtcGxl") && is_base64("YQ==") && is_base64("YWI="));
        assert!(!is_base64("") && !is_base64("YQ=") && !is_base64("Y===") && !is_base64("a b c d"));
    }

    #[test]
    fn fhir_context_reads_both_forms() {
        let v: Vec<FhirContextItem> = serde_json::from_str(
            r#"["ServiceRequest/1", {"reference":"ServiceRequest/2","role":"x"}]"#,
        )
        .unwrap();
        assert_eq!(v[0].reference_str(), Some("ServiceRequest/1"));
        assert_eq!(v[1].reference_str(), Some("ServiceRequest/2"));
        assert_eq!(
            serde_json::to_string(&FhirContextItem::reference("ServiceRequest/3")).unwrap(),
            r#"{"reference":"ServiceRequest/3"}"#
        );
    }

    #[test]
    fn token_response_round_trips_and_hides_tokens() {
        let user = FhirUser::parse("Practitioner/p").unwrap();
        let ctx = LaunchContext::existing_request(user, "pt", PosReferralId::new("sr1").unwrap())
            .unwrap();
        let t = TokenResponse::for_launch(
            &ctx,
            Secret::new("AT-secret"),
            &ScopeSet::parse("launch openid"),
            Duration::hours(1),
        )
        .with_id_token("h.p.s")
        .with_refresh_token(Secret::new("RT-secret"));
        let json = serde_json::to_string(&t).unwrap();
        assert!(
            json.contains(r#""fhirContext":[{"reference":"ServiceRequest/sr1"}]"#),
            "{json}"
        );
        let back: TokenResponse = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        let dbg = format!("{t:?}");
        assert!(
            !dbg.contains("AT-secret")
                && !dbg.contains("RT-secret")
                && !dbg.contains("h.p.s")
                && !dbg.contains("\"pt\""),
            "{dbg}"
        );
        let t0 = datetime!(2025-01-01 0:00 UTC);
        assert_eq!(
            t.access_token_expires_at(t0),
            Some(datetime!(2025-01-01 1:00 UTC))
        );
    }
}
