//! The SMART side: Ocean's SMART client launching into the POS's SMART server (the
//! `S-LAUNCH-*` and `S-ATTACH` scenarios), and its configuration ([`SmartTarget`]).
//!
//! For each launch scenario the simulator asks the POS's user to click "Launch Ocean" (a
//! [`Prompt`](crate::state::Prompt) with action `launch-new`, `launch-existing` or
//! `launch-dashboard`); the POS opens the simulator's launch URL
//! `{ocean}/sim/launch?iss={fhir base}&launch={id}` (configure it as Ocean's launch URL), and
//! the simulator then does what Ocean's client does:
//! 1. reads `{iss}/.well-known/smart-configuration` and `{iss}/.well-known/openid-configuration`
//!    and checks them with [`ocean_smart::discovery::check_all`]: an error finding (a required
//!    member missing, a capability Ocean needs) fails the step with its rule and field;
//! 2. calls the `authorization_endpoint` with `response_type=code`, `client_id`,
//!    `redirect_uri`, `launch`, `scope`, `state`, `aud` and expects a redirect carrying `code`
//!    and the same `state` (the POS user is signed in; nothing is shown);
//! 3. exchanges the code at the `token_endpoint` (client secret in the form body) and checks
//!    the launch context: `patient` for a new or existing request, a `fhirContext` naming a
//!    ServiceRequest for an existing one, no `patient` for the dashboard;
//! 4. with a patient, reads `Patient/{id}/$everything`, checks it with
//!    [`ocean_smart::everything::check_bundle`] (the Patient must be there) and runs
//!    [`ocean_keywords::extract`]: the report shows the keyword values the form would be
//!    pre-populated with, the attachments offered and the findings. These values come from
//!    the POS's own test patient.

/// The POS's SMART server and Ocean's registration there.
#[derive(Clone)]
pub struct SmartTarget {
    /// The FHIR base (`iss`).
    pub fhir_base: String,
    /// Ocean's client id at the POS.
    pub client_id: String,
    /// Ocean's client secret at the POS.
    pub client_secret: String,
    /// Ocean's redirect URI registered at the POS.
    pub redirect_uri: String,
}

impl std::fmt::Debug for SmartTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmartTarget")
            .field("fhir_base", &self.fhir_base)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// The scopes Ocean asks for.
pub const OCEAN_SCOPES: &str = "launch launch/patient online_access openid profile fhirUser patient/Patient.read patient/*.read user/Practitioner.read";
