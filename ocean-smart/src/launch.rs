//! Step 1 of the launch: what the POS knows when the user clicks "Launch Ocean", and the URL
//! that button opens.
//!
//! # Scenarios (seed: "Contextual Launch into Ocean", Required for sending and receiving POSs)
//! | [`Scenario`] | patient in context | what else the POS passes |
//! |---|---|---|
//! | [`Scenario::NewRequest`] | yes | the practitioner (`fhirUser`), optionally the encounter |
//! | [`Scenario::ExistingRequest`] | yes | the POS referral id ([`PosReferralId`]) as `fhirContext` `ServiceRequest/{id}` in the token response, and in a launch URL parameter if the site has one |
//! | [`Scenario::Dashboard`] | **no** | the practitioner only: the site's dashboards |
//!
//! # The launch URL
//! `{oceanLaunchUrl}?iss={FHIR base}&launch={launch id}&action={action}[&{referralParam}={id}]&siteNum={site}[&extra…]`,
//! every value percent-encoded ([`crate::query::encode`]).
//!
//! What is known and what is not (see `shared/research/smart-and-bc.md` §1):
//! - `iss` and `launch` are SMART's EHR-launch parameters (standard).
//! - `action` and `siteNum` are what OceanMD's integration test project sends
//!   (`smart-server/src/smart-launcher.ts`); Ocean's SMART overview says launch URLs "vary by
//!   Ocean site and `action` parameter". The names are configuration ([`LaunchConfig`]),
//!   defaulting to those.
//! - Action values Ocean's test client accepts: [`KNOWN_ACTIONS`]. Which one opens each
//!   scenario is **not documented publicly**: configure it per site with Ocean. Our reading
//!   (unconfirmed): the Healthmap for a new request is `viewMap` (the test project's default),
//!   a direct referral to a known listing `referDirect`, the no-patient dashboard/inbox `portal`.
//!   No action to open an existing referral is known.
//! - A `resource` parameter exists in the test project since November 2023 with undocumented
//!   meaning; [`LaunchConfig::referral_param`] lets a site that uses it (or another name) carry
//!   the POS referral id. Ocean's guidance has a section "Sharing the POS Referral ID With Ocean"
//!   whose text is not public; the standard SMART place is `fhirContext` in the token response,
//!   which this crate always fills for an existing request.
//! - The production launch URL is not public; the test project's default is
//!   `http://localhost:8080/sso/smart/auth`. Ask Ocean for the site's URL.
//!
//! # Rules
//! - Ids (patient, encounter, POS referral) follow the FHIR `id` rule (1–64 of
//!   `A-Z a-z 0-9 - .`), since they are sent as FHIR references.
//! - A dashboard launch has no patient and no encounter; an encounter needs a patient.
//! - A [`LaunchId`] is opaque, single-use and short-lived ([`LaunchSession`], default
//!   [`DEFAULT_LAUNCH_TTL`]): the POS stores the session under it and looks it up when Ocean's
//!   authorization request comes back with `launch=`.
//!
//! ```
//! use ocean_smart::launch::{FhirUser, LaunchConfig, LaunchContext, LaunchId, LaunchSession};
//! use time::macros::datetime;
//! let config = LaunchConfig::new("https://ocean.example/sso/smart/auth", "https://pos.example/fhir", "1234")
//!     .with_actions(Some("viewMap"), None, Some("portal"));
//! let user = FhirUser::parse("Practitioner/dr-7").unwrap();
//! let ctx = LaunchContext::new_request(user, "pt-42").unwrap();
//! let session = LaunchSession::new(LaunchId::new("abc123").unwrap(), ctx, datetime!(2025-01-01 12:00 UTC));
//! assert_eq!(
//!     config.launch_url(&session).unwrap(),
//!     "https://ocean.example/sso/smart/auth?iss=https%3A%2F%2Fpos.example%2Ffhir&launch=abc123&action=viewMap&siteNum=1234"
//! );
//! ```

mod config;
mod context;
mod session;

pub use config::{KNOWN_ACTIONS, LaunchConfig, ScenarioActions, rules};
pub use context::{
    FhirContextItem, FhirContextObject, FhirUser, LaunchContext, LaunchError, PosReferralId,
    Scenario, ScenarioKind, UserType,
};
pub use session::{DEFAULT_LAUNCH_TTL, LaunchId, LaunchSession};
