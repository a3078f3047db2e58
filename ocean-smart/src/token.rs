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

mod id_token;
mod response;

pub use crate::launch::{FhirContextItem, FhirContextObject};
pub use crate::secret::Secret;
pub use id_token::{
    Audience, ClaimError, ClaimErrors, DEFAULT_LEEWAY, IdTokenClaims, IdTokenValidation,
    NumericDate,
};
pub use response::{TokenResponse, rules};
