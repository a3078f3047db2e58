//! The claim set of the id token the POS issues to Ocean: issued for a launch, and validated
//! for times, issuer, audience, nonce, `sub` and `fhirUser`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use time::{Duration, OffsetDateTime};

use crate::launch::FhirUser;

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

pub(super) fn leeway_secs(leeway: Duration) -> i64 {
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

    /// Checks issuer, audience, times (the [`crate::token`] time rules), nonce, `sub` and
    /// `fhirUser`; returns every failure.
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
}
