//! The token response the POS sends Ocean (SMART App Launch "Response", with Ocean's
//! `oceanSharedEncryptionKey`), built for a launch and checked against it.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use base64::Engine as _;
use base64::alphabet::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::id_token::leeway_secs;
use crate::findings::{Finding, Findings};
use crate::launch::{FhirContextItem, LaunchContext, Scenario};
use crate::scope::{Scope, ScopeSet};
use crate::secret::Secret;

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

/// Standard alphabet, canonical `=` padding required, unused bits of the last character allowed.
const PADDED_LENIENT_BITS: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical)
        .with_decode_allow_trailing_bits(true),
);

/// Whether `s` is padded Base64 of the standard alphabet (RFC 4648 section 4): not empty, a
/// multiple of four characters, `=` only as the last one or two. Unused bits of the last
/// character are not checked (a key is only passed on, never decoded here).
fn is_base64(s: &str) -> bool {
    !s.is_empty() && PADDED_LENIENT_BITS.decode(s).is_ok()
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

    /// Whether the access token issued at `issued_at` is expired at `now`, with the
    /// [`crate::token`] time rules (expired at `issued_at + expires_in + leeway`). Without
    /// `expires_in` the lifetime is unknown: `false`.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::launch::{FhirUser, PosReferralId};
    use time::macros::datetime;

    /// The hand-written check this module had before it used the `base64` crate.
    fn hand_written_is_base64(s: &str) -> bool {
        let t = s.trim_end_matches('=');
        !s.is_empty()
            && s.len() % 4 == 0
            && s.len() - t.len() <= 2
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    }

    #[test]
    fn base64() {
        assert!(is_base64("c2FtcGxl") && is_base64("YQ==") && is_base64("YWI="));
        assert!(!is_base64("") && !is_base64("YQ=") && !is_base64("Y===") && !is_base64("a b c d"));
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

    #[test]
    fn base64_padding_edges() {
        assert!(is_base64("YR==") && is_base64("YWJ=") && is_base64("+/+/"));
        assert!(
            !is_base64("YQ") && !is_base64("YWI==") && !is_base64("Y=Q=") && !is_base64("-_-_")
        );
        assert!(!is_base64("===="));
    }

    proptest::proptest! {
        #[test]
        fn base64_agrees_with_the_hand_written_check(text in "[A-Za-z0-9+/]{0,11}={0,3}|[A-Za-z0-9+/=_$ -]{0,12}") {
            proptest::prop_assert_eq!(is_base64(&text), hand_written_is_base64(&text));
        }
    }
}
