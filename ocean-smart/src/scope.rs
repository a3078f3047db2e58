//! SMART scopes, v1 (`patient/Observation.read`) and v2 (`patient/Observation.rs?category=…`),
//! plus the launch, identity and refresh scopes, and the questions a POS must answer with them.
//!
//! # Grammar (one scope token)
//! | token | meaning | type |
//! |---|---|---|
//! | `patient/T.p`, `user/T.p`, `system/T.p` | clinical data: `T` is a resource type or `*`; `p` is v1 `read`, `write`, `*` or a v2 subset of `cruds` in that order, optionally followed by `?param=value&…` (v2 only) | [`ClinicalScope`] |
//! | `patient/$op`, `user/$op` | non-standard operation scope; Ocean's client asks for `patient/$everything` | [`OperationScope`] |
//! | `launch` | EHR launch: bind this authorization to the `launch` parameter | [`Scope::Launch`] |
//! | `launch/patient`, `launch/encounter`, `launch/x` | ask for launch context of that kind | [`Scope::LaunchContext`] |
//! | `openid`, `fhirUser`, `profile` | identity: an `id_token` with the user's FHIR resource URL | [`Scope::OpenId`], [`Scope::FhirUser`], [`Scope::Profile`] |
//! | `online_access`, `offline_access` | a refresh token, usable while the user is online / beyond that | [`Scope::OnlineAccess`], [`Scope::OfflineAccess`] |
//! | anything else made of scope characters | kept verbatim (URIs, `__x` extensions, vendor scopes) | [`Scope::Other`] |
//!
//! Rules:
//! - A token is 1 or more of the RFC 6749 scope characters (printable ASCII except space, `"`
//!   and `\`). Tokens in a scope string are separated by spaces; [`ScopeSet::parse`] also
//!   accepts runs of spaces, tabs and newlines.
//! - A token starting with `patient/`, `user/` or `system/` must be a valid clinical or
//!   operation scope: a resource type starts with an upper-case ASCII letter and continues with
//!   ASCII letters and digits; v2 letters must be a non-empty, in-order, duplicate-free subset
//!   of `cruds` (`.sr` and `.rr` are errors, as the SMART spec allows a server to refuse them);
//!   a `?query` is only allowed after v2 letters and each `&`-separated piece is
//!   `name=value` with a non-empty name.
//! - v1 permissions mean, in v2 terms: `read` = `rs`, `write` = `cud`, `*` = `cruds` (SMART
//!   App Launch 2, "Scopes for requesting clinical data").
//! - [`Scope`]'s `Display` writes the token exactly as parsed: `parse(s).to_string() == s` for
//!   every valid token.
//! - Which scopes *grant* reading a type (see [`ScopeSet::grant`]): a clinical scope whose
//!   context is `user` or `system`, or `patient` when a patient is in context; whose resource
//!   is that type or `*`; whose permissions include the interaction. A scope with a `?query`
//!   grants only part of that type ([`Grant::Restricted`]).
//!
//! ```
//! use ocean_smart::scope::{Interaction, Scope, ScopeSet, Grant};
//! let s: Scope = "patient/Observation.rs?category=laboratory".parse().unwrap();
//! assert_eq!(s.to_string(), "patient/Observation.rs?category=laboratory");
//! let granted = ScopeSet::parse("launch openid fhirUser patient/*.read user/Practitioner.read");
//! assert_eq!(granted.grant("Condition", Interaction::Read, true), Grant::Full);
//! assert_eq!(granted.grant("Condition", Interaction::Read, false), Grant::None);
//! assert!(granted.ocean_coverage(true).is_complete());
//! assert!("patient/Observation.sr".parse::<Scope>().is_err());
//! ```

mod clinical;
mod coverage;
mod error;
mod set;
mod token;

pub use crate::interaction::{Interaction, Interactions};
pub use clinical::{ClinicalScope, Context, Permissions, V1Access};
pub use coverage::{Coverage, Gap};
pub use error::{InvalidScope, ScopeError};
pub use set::{Grant, Negotiation, OCEAN_REQUESTED_SCOPES, ScopeSet};
pub use token::{LaunchContextScope, OperationScope, OtherScope, Scope};
